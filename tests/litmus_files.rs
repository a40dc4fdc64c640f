//! C litmus files end to end: `predict` against `litmus/expected.tsv`,
//! `run FILE.litmus` with litmus7's log lines, and bad files.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn orderhunt(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("orderhunt").unwrap();
    c.current_dir(cwd);
    c
}

/// `litmus/expected.tsv`: file -> expected RC11 Observation.
fn expected() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("litmus/expected.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            (f.next().unwrap().to_string(), f.next().unwrap().to_string())
        })
        .collect()
}

#[test]
fn predict_gives_every_file_in_litmus_its_expected_rc11_observation() {
    let out = orderhunt(&root())
        .args(["predict", "--json", "litmus"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tests: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let expected = expected();
    let files = std::fs::read_dir(root().join("litmus"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "litmus")
        })
        .count();
    assert_eq!(tests.len(), files, "one prediction per file");
    assert_eq!(expected.len(), files, "expected.tsv lists every file once");
    for t in &tests {
        let file = Path::new(t["file"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let want = expected
            .get(&file)
            .unwrap_or_else(|| panic!("{file} not in expected.tsv"));
        assert_eq!(t["models"]["rc11"]["observation"], want.as_str(), "{file}");
        for m in ["sc", "x86-tso", "armv8", "rc11"] {
            let obs = t["models"][m]["observation"].as_str().unwrap();
            assert!(
                ["Never", "Sometimes", "Always"].contains(&obs),
                "{file} {m}"
            );
            assert!(t["models"][m]["allowed"]
                .as_array()
                .is_some_and(|a| !a.is_empty()));
        }
        assert!(
            t["condition"].as_str().unwrap().contains("exists")
                || t["condition"].as_str().unwrap().starts_with("forall")
        );
    }
}

#[test]
fn predict_table_marks_the_condition_and_each_model() {
    let out = orderhunt(&root())
        .args(["predict", "litmus/sb-relacq.litmus", "--rcpc"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // The weak state: forbidden by SC and by ARMv8 with LDAR, allowed by
    // x86-TSO, RC11 and ARMv8 with LDAPR.
    let weak = text
        .lines()
        .find(|l| l.starts_with('*'))
        .expect("a marked state");
    let cells: Vec<&str> = weak.split_whitespace().collect();
    assert_eq!(
        cells[cells.len() - 5..],
        ["-", "allowed", "-", "allowed", "allowed"]
    );
}

/// The weak state of SB is a hardware event: on x86 it shows in about a
/// third of the iterations on the 2-vCPU VM this was written on. The test
/// gives it a budget of 2,000,000 iterations with --stop-on-first; it
/// proves that a file's test runs on the engine and that the weak state
/// reaches the histogram, the litmus7 lines and the report.
#[test]
fn running_sb_from_a_file_shows_the_weak_state_with_litmus7_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("sb.json");
    let out = orderhunt(dir.path())
        .args(["run"])
        .arg(root().join("litmus/sb.litmus"))
        .args([
            "--iterations",
            "2000000",
            "--stop-on-first",
            "--quiet",
            "--out",
        ])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("Test sb Allowed"), "{stdout}");
    assert!(stdout.contains("Histogram ("), "{stdout}");
    assert!(
        stdout.contains("*>0:r0=0; 1:r1=0;"),
        "weak state marked: {stdout}"
    );
    assert!(stdout.contains("Observation sb Sometimes "), "{stdout}");
    assert!(stdout.contains("Time sb "), "{stdout}");
    let report: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    let r = &report["results"][0];
    assert_eq!(r["scenario"], "sb");
    assert_eq!(r["expectation"], "may-fail");
    assert!(r["anomalies"].as_u64().unwrap() >= 1);
    assert_eq!(r["forbidden"], 0);
    assert!(r["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["class"] == "interesting"
            && o["observed"]
                .as_str()
                .unwrap()
                .starts_with("0:r0=0; 1:r1=0;")));
}

#[test]
fn a_must_pass_file_runs_clean_and_a_folder_runs_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = orderhunt(dir.path())
        .arg("run")
        .arg(root().join("litmus/sb-seqcst.litmus"))
        .arg(root().join("litmus/mp-relacq.litmus"))
        .args(["--iterations", "20000", "--json", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        assert_eq!(r["expectation"], "must-pass", "{}", r["scenario"]);
        assert_eq!(r["forbidden"], 0);
        assert_eq!(r["iterations_completed"], 20000);
    }
}

#[test]
fn bad_files_exit_2_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.litmus");
    std::fs::write(
        &bad,
        "C bad\n{ x=0; }\nP0 (atomic_int* x) {\n  for (;;) { }\n}\nexists (x=0)\n",
    )
    .unwrap();
    for cmd in ["run", "predict"] {
        let out = orderhunt(dir.path()).arg(cmd).arg(&bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("bad.litmus:4:3"), "{err}");
        assert!(err.contains("`for`"), "{err}");
        assert!(super_no_files(dir.path()), "nothing written");
    }
    let out = orderhunt(dir.path())
        .args(["run", "missing.litmus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn super_no_files(dir: &Path) -> bool {
    !dir.join("results").exists()
}

/// Runs `file` (relative to the repository) for `n` iterations with
/// `--json`: the exit code, the result and stderr (litmus7's lines and
/// the summary).
fn run_json(file: &str, n: &str) -> (Option<i32>, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = orderhunt(dir.path())
        .arg("run")
        .arg(root().join(file))
        .args(["--iterations", n, "--json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (
        out.status.code(),
        report["results"][0].clone(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The RC11 allowed states of a file, over every observable (as the
/// engine's report spells them), from `predict`'s oracle.
fn rc11_full_states(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let litmus = orderhunt_oracle::parse::parse(&text).unwrap();
    let p = orderhunt_oracle::predict(&litmus, orderhunt_oracle::Model::Rc11).unwrap();
    let all = litmus.observables();
    p.allowed
        .iter()
        .map(|s| litmus.render_state(s, &all))
        .collect()
}

/// A plain-access, branch and pointer test (the article's fixed example
/// 04) on the engine: every state judged, only RC11-allowed states, no
/// race, exit 0; the report says plain accesses ran as Relaxed atomics.
#[test]
fn run_of_a_plain_access_branch_pointer_test_judges_states_and_exits_0() {
    let file = "litmus/article-04-array-passing-fixed.litmus";
    let (code, r, stderr) = run_json(file, "20000");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(r["expectation"], "must-pass");
    assert_eq!(r["forbidden"], 0);
    assert_eq!(r["iterations_completed"], 20000);
    assert!(r.get("undefined_behaviour").is_none(), "{r}");
    assert!(
        r["notes"][0].as_str().unwrap().contains("Relaxed"),
        "{}",
        r["notes"]
    );
    let allowed = rc11_full_states(file);
    let outcomes = r["outcomes"].as_array().unwrap();
    assert!(!outcomes.is_empty());
    for o in outcomes {
        let s = o["observed"].as_str().unwrap();
        assert!(allowed.iter().any(|a| a == s), "{s} not in {allowed:?}");
        assert_eq!(o["class"], "acceptable", "{s}");
        // A pointer shows as the location's name, as herd7 prints it.
        assert!(s.contains("p=data;"), "{s}");
    }
    assert!(stderr.contains("Test article-04-array-passing-fixed Allowed"));
    assert!(stderr.contains("Observation article-04-array-passing-fixed Never 0 20000"));
}

/// The racy example 03 on the engine: reported as undefined behaviour
/// (not a pass), its racy states marked, exit 1.
#[test]
fn run_of_a_racy_test_is_undefined_behaviour_and_exits_1() {
    let file = "litmus/article-03-array-passing.litmus";
    let (code, r, stderr) = run_json(file, "20000");
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(r["forbidden"], 0);
    let ub = r["undefined_behaviour"].as_str().unwrap();
    assert!(ub.starts_with("data race in RC11: "), "{ub}");
    assert!(ub.contains("0:W data=1 (non-atomic)"), "{ub}");
    assert!(stderr.contains("UNDEFINED (data race in RC11)"), "{stderr}");
    let allowed = rc11_full_states(file);
    for o in r["outcomes"].as_array().unwrap() {
        let s = o["observed"].as_str().unwrap();
        assert!(allowed.iter().any(|a| a == s), "{s}");
        // The state with the pointer read is reached only through the
        // racy read; the null pointer state reads nothing.
        assert_eq!(o.get("race").is_some(), s.starts_with("1:r0=data;"), "{o}");
    }
}

/// A spin loop past the oracle's unrolling bound is discarded, not judged.
#[test]
fn run_of_a_loop_test_discards_iterations_past_the_unrolling_bound() {
    let (code, r, stderr) = run_json("litmus/article-03-array-passing-spin.litmus", "20000");
    assert_eq!(code, Some(1), "racy: {stderr}");
    assert_eq!(r["forbidden"], 0);
    let notes = r["notes"].as_array().unwrap();
    assert!(notes
        .iter()
        .any(|n| n.as_str().unwrap().contains("while loops ran at most 2")));
    let total: u64 = r["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 20000);
}

/// `predict --json`: the racy flag and races for RC11 only, and the
/// test's undefined behaviour, on example 03 (racy) and 04 (not).
#[test]
fn predict_json_reports_races_of_article_03_and_none_of_article_04() {
    let out = orderhunt(&root())
        .args([
            "predict",
            "--json",
            "litmus/article-03-array-passing.litmus",
            "litmus/article-04-array-passing-fixed.litmus",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let tests: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let (t03, t04) = (&tests[0], &tests[1]);
    assert_eq!(t03["undefined_behaviour"], true);
    assert_eq!(t04["undefined_behaviour"], false);
    assert_eq!(t03["models"]["rc11"]["racy"], true);
    let races = t03["models"]["rc11"]["races"].as_array().unwrap();
    let weak = races
        .iter()
        .find(|r| r["state"] == "1:r0=data; 1:r1=0;")
        .expect("the weak state is racy");
    assert_eq!(
        weak["accesses"][0],
        "0:W data=1 (non-atomic) / 1:R data=0 (non-atomic)"
    );
    for m in ["sc", "x86-tso", "armv8"] {
        for t in [t03, t04] {
            assert_eq!(t["models"][m]["racy"], false, "{m}");
            assert_eq!(t["models"][m]["races"], serde_json::json!([]), "{m}");
        }
    }
    assert_eq!(t04["models"]["rc11"]["racy"], false);
    assert_eq!(t04["models"]["rc11"]["races"], serde_json::json!([]));
    // The ARMv8 / x86-TSO difference: example 03's weak state.
    assert_eq!(t03["models"]["armv8"]["observation"], "Sometimes");
    assert_eq!(t03["models"]["x86-tso"]["observation"], "Never");

    let out = orderhunt(&root())
        .args(["predict", "litmus/article-03-array-passing.litmus"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Undef (rc11): data race in 2 allowed states, e.g. 1:r0=data; 1:r1=0;: 0:W data=1 (non-atomic) / 1:R data=0 (non-atomic)"),
        "{text}"
    );
    assert!(
        text.contains("no undefined behaviour at that level"),
        "{text}"
    );
}

/// A Linux-kernel test is refused by `run` and `predict` with the one-line
/// message, exit 2.
#[test]
fn a_linux_kernel_file_is_refused_with_one_line_and_exit_2() {
    let file = root().join("oracle/tests/fixtures/herdtools7-c11/files/doc/SB+onces.litmus");
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["run", "predict"] {
        let out = orderhunt(dir.path()).arg(cmd).arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("SB+onces.litmus"), "{err}");
        assert!(err.contains("Linux-kernel memory model"), "{err}");
        assert!(super_no_files(dir.path()));
    }
}

/// Every .litmus file below `dir`, sorted.
fn litmus_files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(litmus_files_below(&path));
        } else if path.extension().is_some_and(|e| e == "litmus") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// herdtools7's own C11 litmus files on the engine (58 of their 135 threads
/// run as the interpreter's straight-line kernels, the rest on its op
/// loop): every state seen is one RC11 allows, or an iteration discarded
/// past the loop bound. The one Linux-kernel file is refused by the
/// parser and skipped here (see the test below).
#[test]
fn herdtools7_c11_files_show_only_rc11_states_on_the_engine() {
    let base = root();
    let dir = base.join("oracle/tests/fixtures/herdtools7-c11/files");
    let mut ran = 0;
    for path in litmus_files_below(&dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        if orderhunt_oracle::parse::parse(&text).is_err() {
            continue;
        }
        let file = path.strip_prefix(&base).unwrap().to_str().unwrap();
        let (code, r, stderr) = run_json(file, "2000");
        assert!(
            matches!(code, Some(0 | 1)),
            "{file}: exit {code:?}: {stderr}"
        );
        assert_eq!(r["iterations_completed"], 2000, "{file}");
        assert_eq!(r["forbidden"], 0, "{file}: {r}");
        let allowed = rc11_full_states(file);
        for o in r["outcomes"].as_array().unwrap() {
            let s = o["observed"].as_str().unwrap();
            assert!(
                allowed.iter().any(|a| a == s) || s.starts_with("(discarded"),
                "{file}: {s} is not an RC11 state: {allowed:?}"
            );
        }
        ran += 1;
    }
    assert!(ran >= 60, "only {ran} herdtools7 files ran");
}
