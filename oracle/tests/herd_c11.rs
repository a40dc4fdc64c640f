//! herdtools7's own C11 litmus tests against herd7's RC11 verdicts
//! (fixtures in `tests/fixtures/herdtools7-c11/`, see its README): every
//! file herd7 decides must parse, and the oracle's RC11 prediction must
//! agree with herd7 on the observation, the allowed states (over the
//! atoms herd7 shows) and the racy flag (`Undef`), unless the file is
//! listed in `KNOWN` with a named reason. A listed file that starts to
//! agree fails the test too, so the list stays true.

use orderhunt_oracle::parse::parse;
use orderhunt_oracle::{predict, Model};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

/// Files herd7 decides on which the oracle does not agree, with why.
const KNOWN: &[(&str, &str)] = &[];

/// Files herd7 does not decide, and what the oracle must do with them.
const UNDECIDED: &[(&str, &str)] = &[
    ("doc_SB+onces", "linux"),
    ("herd_tests_instructions_C_C07", "any"),
    ("herd_tests_instructions_C_C08", "any"),
    ("herd_tests_instructions_C_C11", "any"),
];

struct Herd {
    file: String,
    observation: String,
    result: String,
    states: BTreeSet<String>,
}

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/herdtools7-c11")
}

fn herd_rows() -> Vec<Herd> {
    let tsv = std::fs::read_to_string(fixtures().join("herd7-rc11.tsv")).expect("the tsv");
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let states = cols
                .get(4)
                .map(|s| {
                    s.split(" | ")
                        .map(normalise)
                        .filter(|s| !s.is_empty() || cols[3] == "1")
                        .collect()
                })
                .unwrap_or_default();
            Herd {
                file: cols[0].to_string(),
                observation: cols[1].to_string(),
                result: cols[2].to_string(),
                states,
            }
        })
        .collect()
}

/// herd7 writes a location `[x]`, the oracle `x`; herd7 sorts a state's
/// atoms, the oracle keeps the condition's order: compare sorted atoms.
fn normalise(state: &str) -> String {
    let mut atoms: Vec<String> = state
        .split(';')
        .map(|a| a.trim().replace(['[', ']', ' '], ""))
        .filter(|a| !a.is_empty())
        .collect();
    atoms.sort();
    atoms.join("; ")
}

fn path_of(file: &str) -> std::path::PathBuf {
    // `catalogue_c11popl15_tests_illustrative_a1` -> the file under files/.
    let root = fixtures().join("files");
    let mut found = None;
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a fixture folder") {
            let p = entry.expect("an entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(&root).expect("under root");
                let key = rel.with_extension("").to_string_lossy().replace('/', "_");
                if key == file {
                    found = Some(p);
                }
            }
        }
    }
    found.unwrap_or_else(|| panic!("no fixture file for {file}"))
}

#[test]
fn herdtools7_c11_tests_agree_with_herd7_rc11() {
    let rows = herd_rows();
    let mut decided = 0;
    let mut agree = 0;
    let mut failures = Vec::new();
    let mut slowest = (0.0f64, String::new());
    for h in &rows {
        let text = std::fs::read_to_string(path_of(&h.file)).expect("the file");
        if let Some((_, what)) = UNDECIDED.iter().find(|(f, _)| *f == h.file) {
            let parsed = parse(&text);
            if *what == "linux" {
                let e = parsed.expect_err("a Linux-kernel test is refused");
                assert!(
                    e.message.contains("Linux-kernel memory model"),
                    "{}: {e}",
                    h.file
                );
            }
            continue;
        }
        decided += 1;
        let t = match parse(&text) {
            Ok(t) => t,
            Err(e) => {
                if !KNOWN.iter().any(|(f, _)| *f == h.file) {
                    failures.push(format!("{}: does not parse: {e}", h.file));
                }
                continue;
            }
        };
        let start = Instant::now();
        let p = match predict(&t, Model::Rc11) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{}: not decided: {e}", h.file));
                continue;
            }
        };
        let secs = start.elapsed().as_secs_f64();
        if secs > slowest.0 {
            slowest = (secs, h.file.clone());
        }
        let shown = t.shown();
        let ours: BTreeSet<String> = p
            .allowed
            .iter()
            .map(|s| normalise(&t.render_state(s, &shown)))
            .collect();
        let racy = p.racy();
        let mut why = Vec::new();
        if p.observation.as_str() != h.observation {
            why.push(format!(
                "observation {} (herd7 {})",
                p.observation.as_str(),
                h.observation
            ));
        }
        if ours != h.states {
            let extra: Vec<_> = ours.difference(&h.states).take(5).collect();
            let missing: Vec<_> = h.states.difference(&ours).take(5).collect();
            why.push(format!(
                "{} states (herd7 {}); extra {extra:?}, missing {missing:?}",
                ours.len(),
                h.states.len()
            ));
        }
        if racy != (h.result == "Undef") {
            why.push(format!("racy {racy} (herd7 {})", h.result));
        }
        let known = KNOWN.iter().find(|(f, _)| *f == h.file);
        match (why.is_empty(), known) {
            (true, None) => agree += 1,
            (true, Some((_, reason))) => failures.push(format!(
                "{}: agrees now, but is listed as known ({reason}): remove it from KNOWN",
                h.file
            )),
            (false, Some(_)) => {}
            (false, None) => failures.push(format!("{}: {}", h.file, why.join("; "))),
        }
    }
    eprintln!(
        "herdtools7 C11: {decided} decided by herd7, {agree} agree, {} known, slowest {:.3}s ({})",
        KNOWN.len(),
        slowest.0,
        slowest.1
    );
    assert!(decided > 0, "no case ran");
    assert_eq!(decided, 62, "herd7 decides 62 of the 66 files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(agree + KNOWN.len(), decided);
}
