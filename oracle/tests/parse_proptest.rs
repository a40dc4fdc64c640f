//! The parser never panics: on arbitrary text, and on truncations and
//! small mutations of the valid files of `litmus/`.

use orderhunt_oracle::parse::parse;
use proptest::prelude::*;

fn valid_files() -> Vec<String> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../litmus");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "litmus"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    v.sort();
    v
}

/// Snippets a mutation may insert: the format's own tokens, so that the
/// mutated files go deep into the parser rather than failing at once.
const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ";",
    ",",
    ":",
    "=",
    "*",
    "&",
    "~",
    "-",
    "/\\",
    "\\/",
    "!=",
    "(*",
    "*)",
    "//",
    "/*",
    "*/",
    "\"",
    "0",
    "-1",
    "99999999999999999999",
    "x",
    "r0",
    "0:r0",
    "P0",
    "P1",
    "int ",
    "exists",
    "forall",
    "~exists",
    "locations",
    "true",
    "if",
    "\n",
    "atomic_load_explicit(",
    "atomic_store_explicit(",
    "atomic_fetch_add_explicit(",
    "atomic_compare_exchange_strong_explicit(",
    "atomic_thread_fence(",
    "memory_order_relaxed",
    "memory_order_seq_cst",
    "é",
    "\u{0}",
];

fn char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC*") {
        let _ = parse(&s);
    }

    #[test]
    fn token_soup_never_panics(parts in prop::collection::vec(prop::sample::select(SNIPPETS), 0..60)) {
        let text = format!("C T\n{}", parts.join(" "));
        let _ = parse(&text);
    }

    #[test]
    fn truncated_files_never_panic(file in any::<prop::sample::Index>(), cut in any::<prop::sample::Index>()) {
        let files = valid_files();
        let f = &files[file.index(files.len())];
        let end = char_boundary(f, cut.index(f.len() + 1));
        let _ = parse(&f[..end]);
    }

    #[test]
    fn mutated_files_never_panic(
        file in any::<prop::sample::Index>(),
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), 0usize..8, prop::sample::select(SNIPPETS)),
            1..6,
        ),
    ) {
        let files = valid_files();
        let mut f = files[file.index(files.len())].clone();
        for (at, del, ins) in edits {
            let a = char_boundary(&f, at.index(f.len() + 1));
            let b = char_boundary(&f, a + del);
            f.replace_range(a..b.max(a), ins);
        }
        let _ = parse(&f);
    }
}
