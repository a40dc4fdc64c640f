//! The `orderhunt::main!` entry point as a user's test target uses it
//! (examples/user_target.rs): libtest's arguments, the full command line,
//! an actor that panics, an undeclared outcome, an invalid declaration.

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

/// The example binary, built by `cargo test` beside this test.
fn target() -> Command {
    let mut dir: PathBuf = std::env::current_exe().unwrap();
    dir.pop(); // the test binary
    if dir.ends_with("deps") {
        dir.pop();
    }
    let bin = dir
        .join("examples")
        .join(format!("user_target{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} not built (cargo test builds examples)",
        bin.display()
    );
    let mut c = Command::new(bin);
    c.env_remove("ORDERHUNT_EXAMPLE_BAD");
    c
}

#[test]
fn list_and_exact_behave_as_libtest() {
    let out = target()
        .args(["--list", "--format", "terse"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "flag: test\npanics: test\nundeclared: test\n"
    );
    let out = target()
        .args(["--list", "--ignored", "--format", "terse"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "",
        "no ignored tests"
    );
    let out = target().args(["--exact", "flag"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("test flag ... ok"), "{text}");
    assert!(
        text.contains("1 passed; 0 failed; 0 ignored; 0 measured; 2 filtered out"),
        "{text}"
    );
}

#[test]
fn an_undeclared_outcome_fails_and_is_shown_as_undeclared() {
    let out = target().args(["--exact", "undeclared"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(101),
        "libtest's failure code: {text}"
    );
    assert!(text.contains("test undeclared ... FAILED"), "{text}");
    let out = target()
        .args([
            "run",
            "undeclared",
            "--iterations",
            "2000",
            "--json",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &report["results"][0];
    assert_eq!(r["forbidden"], 2000);
    assert_eq!(r["origin"]["crate"], "orderhunt", "the example's crate");
    assert!(r["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["class"] == "undeclared"));
}

#[test]
fn an_invalid_declaration_stops_the_target_with_one_line() {
    for args in [&["--list"][..], &["run", "flag"][..], &[][..]] {
        let out = target()
            .env("ORDERHUNT_EXAMPLE_BAD", "1")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("`lonely` has 1 actor(s)"), "{err}");
    }
}

#[test]
fn a_panicking_actor_names_the_scenario_and_actor_and_the_report_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let out = target()
        .current_dir(dir.path())
        .args([
            "run",
            "flag",
            "panics",
            "--iterations",
            "5000",
            "--quiet",
            "--out",
        ])
        .arg(&report)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("`panics`") && err.contains("actor 1"), "{err}");
    assert!(err.contains("the user's actor gave up"), "{err}");
    let r: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["interrupted"], true);
    let results = r["results"].as_array().unwrap();
    assert_eq!(results[0]["scenario"], "flag");
    assert_eq!(results[0]["iterations_completed"], 5000);
    assert_eq!(results[1]["scenario"], "panics");
    assert_eq!(results[1]["interrupted"], true);
    assert!(results[1]["error"]
        .as_str()
        .unwrap()
        .contains("actor 1 panicked"));
}

#[test]
fn under_libtest_a_panicking_actor_fails_only_its_own_test() {
    let out = target()
        .env("ORDERHUNT_RESULTS", "1")
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(101),
        "libtest's failure code: {text}"
    );
    assert!(
        text.contains("test flag ... ok"),
        "the other tests still run: {text}"
    );
    assert!(text.contains("test panics ... FAILED"), "{text}");
    assert!(text.contains("test undeclared ... FAILED"), "{text}");
    // The failure names the scenario, the actor and the panic message.
    assert!(
        text.contains("`panics`")
            && text.contains("actor 1")
            && text.contains("the user's actor gave up"),
        "{text}"
    );
    assert!(text.contains("1 passed; 2 failed"), "{text}");
    // One name for an undeclared outcome, with how to declare it.
    assert!(text.contains("undeclared outcome"), "{text}");
    assert!(text.contains(".acceptable("), "{text}");
    // Each test's machine-readable result line, for `cargo orderhunt`.
    for t in ["flag", "panics", "undeclared"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("orderhunt-result: ")
                    && l.contains(&format!("\"test\":\"{t}\""))),
            "{t}: {text}"
        );
    }
}
