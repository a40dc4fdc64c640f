//! CI outputs: the JUnit XML file and the Markdown summary, from report
//! values and from the binary (`--junit`, `--summary`, GITHUB_STEP_SUMMARY).

mod common;

use assert_cmd::Command;
use orderhunt::export::junit::{junit_xml, xml_escape};
use orderhunt::export::markdown::markdown_summary;
use orderhunt::export::text::fails;
use orderhunt::report::Report;

/// A minimal well-formedness check: every element closes in order, and
/// no bare `&` or `<` appears in text or attribute values.
fn assert_well_formed(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration first");
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert_entities_ok(text);
        let close = rest[open..].find('>').expect("unclosed tag") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "`<` inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else {
            let name = tag.split_whitespace().next().unwrap().trim_end_matches('/');
            let attrs = &tag[name.len()..];
            assert_eq!(
                attrs.matches('"').count() % 2,
                0,
                "unbalanced quotes: {tag}"
            );
            assert_entities_ok(attrs);
            if !tag.ends_with('/') {
                stack.push(name.to_string());
            }
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    assert!(rest.trim().is_empty());
}

fn assert_entities_ok(text: &str) {
    for (i, _) in text.match_indices('&') {
        let ent = &text[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| ent.starts_with(e)),
            "bare & in {text:?}"
        );
    }
}

fn arm() -> Report {
    common::read_fixture(&common::arm_fixture())
}

#[test]
fn junit_has_one_passing_testcase_per_scenario_when_expectations_hold() {
    let report = arm();
    let xml = junit_xml(&report);
    assert_well_formed(&xml);
    assert_eq!(xml.matches("<testcase ").count(), report.results.len());
    assert!(xml.contains("failures=\"0\""));
    assert!(!xml.contains("<failure"));
    // A may-fail specimen showing its bug is a pass, with its counts.
    assert!(report.results.iter().any(|r| r.anomalies > 0));
    assert!(xml.contains("anomaly shown"), "{xml}");
}

#[test]
fn junit_fails_the_must_pass_scenario_with_an_anomaly_only() {
    let mut report = arm();
    let mut bad = report.results[0].clone();
    bad.scenario = "array-passing-fixed".into();
    bad.expectation = "must-pass".into();
    bad.anomalies = 2;
    bad.forbidden = 2;
    report.results.push(bad);
    assert!(!fails(&report.results[0]));
    assert!(fails(&report.results[1]));
    let xml = junit_xml(&report);
    assert_well_formed(&xml);
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert!(xml.contains("failures=\"1\""));
    let failing = xml
        .split("<testcase ")
        .find(|t| t.contains("<failure"))
        .unwrap();
    assert!(
        failing.starts_with("name=\"array-passing-fixed\""),
        "{failing}"
    );
    assert!(failing.contains("first anomaly at iteration"));

    let md = markdown_summary(&report);
    assert!(
        md.contains("FAILED: forbidden outcome in array-passing-fixed"),
        "{md}"
    );
    assert!(md.contains("**FAIL (forbidden outcome)**"));
}

#[test]
fn xml_is_escaped_everywhere() {
    assert_eq!(xml_escape(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&apos;");
    assert_eq!(xml_escape("bell\u{7}"), "bell?");
    let mut report = arm();
    report.machine.hostname = Some("h<&>\"".into());
    report.results[0].scenario = "x<y & \"z\"".into();
    report.results[0].first_anomaly.as_mut().unwrap().observed = "r0=0 & r1=<0>".into();
    assert_well_formed(&junit_xml(&report));
}

#[test]
fn markdown_summary_has_a_row_per_scenario_and_the_emulation_mark() {
    let mut report = arm();
    let md = markdown_summary(&report);
    assert!(md.starts_with("### orderhunt run on aarch64: every expectation held"));
    let rows = md.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(rows, report.results.len());
    assert!(!md.contains("Emulated"));
    report.machine.emulated = Some(true);
    report.interrupted = true;
    report.results[0].scenario = "a|b".into();
    let md = markdown_summary(&report);
    assert!(md.contains("**Emulated**"), "{md}");
    assert!(md.contains("(interrupted)"));
    assert!(md.contains("`a\\|b`"), "pipes in cells are escaped: {md}");
}

#[test]
fn run_writes_junit_and_summary_and_appends_to_the_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let step = dir.path().join("step.md");
    std::fs::write(&step, "earlier step\n").unwrap();
    Command::cargo_bin("orderhunt")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "run",
            "counter-atomic",
            "arc-fence",
            "--iterations",
            "1000",
            "--increments",
            "20",
            "--quiet",
            "--out",
            "r.json",
            "--junit",
            "j.xml",
            "--summary",
            "s.md",
        ])
        .env("GITHUB_STEP_SUMMARY", &step)
        .assert()
        .code(0);
    let xml = std::fs::read_to_string(dir.path().join("j.xml")).unwrap();
    assert_well_formed(&xml);
    assert_eq!(xml.matches("<testcase ").count(), 2);
    assert!(xml.contains("name=\"counter-atomic\""));
    let md = std::fs::read_to_string(dir.path().join("s.md")).unwrap();
    assert!(
        md.contains("| `arc-fence` | must-pass | 1000 | 0 |"),
        "{md}"
    );
    let step_text = std::fs::read_to_string(&step).unwrap();
    assert!(
        step_text.starts_with("earlier step\n"),
        "appended, not replaced"
    );
    assert!(step_text.ends_with(&md));
}

#[test]
fn bad_ci_paths_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        ["--junit", "missing/j.xml"],
        ["--summary", "missing/s.md"],
        ["--junit", "."],
    ] {
        let out = Command::cargo_bin("orderhunt")
            .unwrap()
            .current_dir(dir.path())
            .args([
                "run",
                "counter-atomic",
                "--iterations",
                "10",
                "--out",
                "r.json",
            ])
            .args(args)
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(args[0]), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
