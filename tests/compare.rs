//! `compare` through the library entry point (`orderhunt::commands::compare::run`),
//! on hand-made fixtures (tests/fixtures, not measurements).

mod common;

use common::*;
use orderhunt::commands::compare::{run, CompareArgs, Format};
use orderhunt::compare::{Comparison, Verdict};
use orderhunt::load::load_reports;
use std::path::PathBuf;

fn args(paths: Vec<PathBuf>, format: Format) -> CompareArgs {
    CompareArgs {
        paths,
        format,
        fail_on_difference: false,
        alpha: 0.05,
    }
}

fn run_to_string(a: &CompareArgs) -> (i32, String) {
    let mut out = Vec::new();
    let code = run(a, &mut out).unwrap();
    (code, String::from_utf8(out).unwrap())
}

#[test]
fn article_fixtures_differ_with_anomalies_on_aarch64_only() {
    let (code, text) = run_to_string(&args(vec![x86_fixture(), arm_fixture()], Format::Table));
    assert_eq!(code, 0, "no --fail-on-difference: exit 0");
    println!("{text}");
    assert!(text.contains("array-passing"));
    assert!(text.contains("aarch64") && text.contains("x86_64"));
    assert!(text.contains("1/1,879"), "{text}");
    assert!(text.contains("0/250,000"), "{text}");
    // 0 anomalies: the one-sided upper bound, about 1.2e-5.
    assert!(text.contains("0 (≤1.20e-5)"), "{text}");
    // The first anomaly with observed and expected values.
    assert!(text.contains("#1,879: 936 (expected 1000)"), "{text}");
    // Fisher: p = 1879/251879 = 0.0075.
    assert!(
        text.contains("differs (Fisher p = 0.0075): anomalies on aarch64 only"),
        "{text}"
    );
    // Unfair: iteration counts far apart, and the ARM run stopped at its first anomaly.
    assert!(text.contains("iteration counts far apart"), "{text}");
    assert!(
        text.contains("aarch64 stopped at the first anomaly"),
        "{text}"
    );
}

#[test]
fn fail_on_difference_exits_1_and_alpha_is_respected() {
    let mut a = args(vec![x86_fixture(), arm_fixture()], Format::Table);
    a.fail_on_difference = true;
    assert_eq!(run_to_string(&a).0, 1);
    // At alpha = 0.001, p = 0.0075 is not significant.
    a.alpha = 0.001;
    let (code, text) = run_to_string(&a);
    assert_eq!(code, 0);
    assert!(
        text.contains("no evidence of a difference (Fisher p = 0.0075)"),
        "{text}"
    );
}

#[test]
fn bad_alpha_is_a_usage_error() {
    let mut a = args(vec![x86_fixture()], Format::Table);
    a.alpha = 1.5;
    let err = run(&a, &mut Vec::new()).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("--alpha"));
}

#[test]
fn markdown_output_is_a_table() {
    let (_, text) = run_to_string(&args(vec![x86_fixture(), arm_fixture()], Format::Markdown));
    println!("{text}");
    assert!(text.contains("| scenario |"));
    assert!(text.contains("|---|"));
    assert!(text.contains("| `array-passing` |"));
    assert!(text.contains("**differs (Fisher p = 0.0075): anomalies on aarch64 only**"));
    assert!(text.contains("> **Warning:**"));
}

#[test]
fn json_output_is_structured() {
    let (_, text) = run_to_string(&args(vec![arm_fixture(), x86_fixture()], Format::Json));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], "orderhunt.compare/1");
    assert_eq!(v["any_difference"], true);
    let row = &v["rows"][0];
    assert_eq!(row["scenario"], "array-passing");
    assert_eq!(row["verdict"]["kind"], "differs");
    let p = row["verdict"]["p_value"].as_f64().unwrap();
    assert!((p - 1879.0 / 251_879.0).abs() < 1e-9);
    // Machines are ordered by architecture: aarch64 first.
    assert_eq!(row["cells"][0]["machine"], "aarch64");
    assert_eq!(row["cells"][0]["first_anomaly"]["observed"], 936);
    assert_eq!(row["cells"][1]["anomalies"], 0);
    let upper = row["cells"][1]["upper95_one_sided"].as_f64().unwrap();
    assert!((upper - 1.198e-5).abs() < 1e-8, "{upper}");
}

#[test]
fn reports_from_one_machine_merge_into_one_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut night1 = read_fixture(&x86_fixture());
    night1.started_at = "2024-01-01T00:00:00Z".into();
    let mut night2 = night1.clone();
    night2.started_at = "2024-01-02T00:00:00Z".into();
    night2.results[0].anomalies = 2;
    night2.results[0].first_anomaly = Some(orderhunt::report::FirstAnomaly {
        iteration: 10,
        observed: serde_json::json!(999),
        expected: serde_json::json!(1000),
    });
    write_report(dir.path(), "night1.json", &night1);
    write_report(dir.path(), "night2.json", &night2);
    // Not a report: skipped by the directory scan (not *.json).
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();

    let reports = load_reports(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(reports.len(), 2);
    let cmp = Comparison::build(&reports, 0.05);
    assert_eq!(cmp.machines.len(), 1, "one machine, one column");
    assert_eq!(cmp.machines[0].reports.len(), 2);
    let cell = cmp.rows[0].cells[0].as_ref().unwrap();
    assert_eq!(cell.iterations, 500_000);
    assert_eq!(cell.anomalies, 2);
    // The first anomaly came in the second night, after 250000 iterations.
    assert_eq!(cell.first_anomaly.as_ref().unwrap().iteration, 250_010);
    assert_eq!(cmp.rows[0].verdict, Verdict::NotCompared);
}

#[test]
fn same_file_twice_counts_once() {
    let reports = load_reports(&[x86_fixture(), x86_fixture(), fixture("")]).unwrap();
    // The fixtures directory holds both fixtures; the x86 one is read once.
    assert_eq!(reports.len(), 2);
}

#[test]
fn emulated_machine_is_marked() {
    let dir = tempfile::tempdir().unwrap();
    let mut emu = read_fixture(&arm_fixture());
    emu.machine.emulated = Some(true);
    emu.machine.cpu_model = Some("Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz".into());
    emu.machine.hostname = Some("ci-runner".into());
    let p = write_report(dir.path(), "emu.json", &emu);
    let (_, text) = run_to_string(&args(vec![x86_fixture(), p], Format::Table));
    println!("{text}");
    assert!(
        text.contains("[A] aarch64 (emulated on x86 host: x86 memory ordering)"),
        "{text}"
    );
    assert!(
        text.contains("emulation keeps the host's memory ordering"),
        "{text}"
    );
    assert!(
        text.contains("anomalies on aarch64 (emulated) only"),
        "{text}"
    );
}

#[test]
fn unfair_settings_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = read_fixture(&x86_fixture());
    a.machine.profile = "debug".into();
    a.tool.version = "0.2.0".into();
    a.results[0].settings.harness = "actors".into();
    a.results[0].settings.memory = "arena".into();
    let pa = write_report(dir.path(), "a.json", &a);
    let (_, text) = run_to_string(&args(vec![pa, arm_fixture()], Format::Table));
    for needle in [
        "build profile differs",
        "a debug build changes code generation",
        "orderhunt version differs",
        "harness differs",
        "memory mode differs",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn three_machines_use_bonferroni_and_name_the_machines() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = read_fixture(&arm_fixture());
    b.machine.hostname = Some("second-arm".into());
    let pb = write_report(dir.path(), "b.json", &b);
    let reports = load_reports(&[x86_fixture(), arm_fixture(), pb]).unwrap();
    let cmp = Comparison::build(&reports, 0.05);
    assert_eq!(cmp.machines.len(), 3);
    let labels: Vec<_> = cmp.machines.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "aarch64@fixture-arm-from-article",
            "aarch64@second-arm",
            "x86_64"
        ]
    );
    match &cmp.rows[0].verdict {
        Verdict::Differs { p, pairs, summary } => {
            assert_eq!(*pairs, 3);
            // The smallest pairwise p (x86 against either ARM run), times 3.
            assert!((p - 3.0 * 1879.0 / 251_879.0).abs() < 1e-9, "{p}");
            assert_eq!(
                summary,
                "anomalies on aarch64@fixture-arm-from-article, aarch64@second-arm only"
            );
        }
        v => panic!("expected a difference, got {v:?}"),
    }
    assert!(cmp.rows[0]
        .verdict
        .text()
        .contains("Bonferroni over 3 pairs"));
}

#[test]
fn a_scenario_missing_on_one_machine_is_shown_as_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = read_fixture(&x86_fixture());
    let mut extra = a.results[0].clone();
    extra.scenario = "counter-atomic".into();
    a.results.push(extra);
    let pa = write_report(dir.path(), "a.json", &a);
    let (_, text) = run_to_string(&args(vec![pa, arm_fixture()], Format::Table));
    assert!(text.contains("counter-atomic"));
    assert!(text.contains("not run"));
    assert!(text.contains("not compared (one machine)"));
}
