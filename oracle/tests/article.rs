//! The article's examples 03 and 04 and the Arc drop shapes
//! (`litmus/article-*.litmus`, `litmus/arc-drop-*.litmus`): every model's
//! observation, and RC11's data-race flag with the racing accesses, as
//! `litmus/EXPECTED.md` tabulates them.

use orderhunt_oracle::parse::parse;
use orderhunt_oracle::{predict_all, Model, Observation};
use std::path::Path;

use Observation::{Never as N, Sometimes as S};

/// file, [SC, x86-TSO, ARMv8, RC11], racy under RC11.
const TABLE: &[(&str, [Observation; 4], bool)] = &[
    ("article-03-array-passing", [N, N, S, S], true),
    ("article-03-array-passing-spin", [N, N, S, S], true),
    ("article-04-array-passing-fixed", [N, N, N, N], false),
    ("arc-drop-relaxed", [N, N, S, S], true),
    ("arc-drop-acqrel", [N, N, N, N], false),
    ("arc-drop-release-fence", [N, N, N, N], false),
    ("arc-drop-release-only", [N, N, S, S], true),
];

#[test]
fn the_articles_examples_are_decided_as_the_article_says() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../litmus");
    assert!(!TABLE.is_empty());
    for (file, want, racy) in TABLE {
        let text = std::fs::read_to_string(dir.join(format!("{file}.litmus"))).unwrap();
        let t = parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let ps = predict_all(&t, &Model::all()).unwrap();
        let got: Vec<Observation> = ps.iter().map(|p| p.observation).collect();
        assert_eq!(got, want, "{file}");
        let rc11 = &ps[3];
        assert_eq!(rc11.model, Model::Rc11);
        assert_eq!(rc11.racy(), *racy, "{file}");
        // Only RC11 has undefined behaviour.
        assert!(ps[..3].iter().all(|p| !p.racy()), "{file}");
        if *racy {
            // Every race is the payload: a plain write of P0 against a plain
            // read of P1, and the weak state is among the racy ones.
            let weak: Vec<_> = rc11.allowed.iter().filter(|s| t.satisfies(s)).collect();
            assert!(weak.iter().all(|s| rc11.races.contains_key(*s)), "{file}");
            for races in rc11.races.values() {
                for r in races {
                    assert!(r.0.write && r.0.thread == 0 && !r.0.atomic, "{file}: {r:?}");
                    assert!(
                        !r.1.write && r.1.thread == 1 && !r.1.atomic,
                        "{file}: {r:?}"
                    );
                    assert_eq!(r.0.loc, r.1.loc);
                    assert!(r.describe(&t).contains("(non-atomic)"));
                }
            }
        }
    }
}
