//! The parser never panics: on arbitrary text, and on truncations and
//! small mutations of the valid files of `litmus/` and of herdtools7's C11
//! tests (`tests/fixtures/herdtools7-c11/files/`: branches, plain accesses,
//! expressions, CAS with the expected value in memory, 128-bit types,
//! comments, a Linux-kernel file). A mutation that still parses prints
//! and parses back to the same test, and the oracle decides it or says
//! why not, without panicking.

use orderhunt_oracle::exec::{for_each_execution_with, Options};
use orderhunt_oracle::parse::{parse, to_c};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn litmus_in(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            litmus_in(&p, out);
        } else if p.extension().is_some_and(|e| e == "litmus") {
            out.push(p);
        }
    }
}

fn valid_files() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    litmus_in(&root.join("../litmus"), &mut paths);
    litmus_in(
        &root.join("tests/fixtures/herdtools7-c11/files"),
        &mut paths,
    );
    paths.sort();
    assert!(paths.len() > 100, "{} files", paths.len());
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
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
    "if (r0 == 1) {",
    "} else {",
    "while (r0) {",
    "*x = 1;",
    "int r9 = *x;",
    "*r0",
    "&x",
    "+",
    "==",
    "&&",
    "||",
    "<",
    "^",
    "int* ",
    "__int128 ",
    "regions: x:PROP\n",
    "Variant=S128\n",
    "WRITE_ONCE(*x, 1);",
    "READ_ONCE(",
    "smp_mb();",
    "atomic_compare_exchange_weak(",
    "atomic_compare_exchange_strong(x, y, 2)",
    "atomic_fetch_add(",
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
        if let Ok(t) = parse(&f) {
            prop_assert_eq!(parse(&to_c(&t)), Ok(t.clone()));
            let small = Options { limit: 20_000, ..Options::default() };
            let _ = for_each_execution_with(&t, small, |_| {});
        }
    }
}
