//! Bad input never panics: each kind gets a one-line error naming the file
//! and the problem, with exit code 2. Plus property tests of the parser.

mod common;

use common::*;
use orderhunt::error::Error;
use orderhunt::load::{load_reports, parse_report};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn load_err(paths: &[PathBuf]) -> Error {
    load_reports(paths).expect_err("expected an error")
}

/// One line, exit 2, names the file, says `what`.
fn assert_one_line(err: &Error, file: &Path, what: &str) {
    let msg = err.to_string();
    assert_eq!(err.exit_code(), 2, "{msg}");
    assert!(!msg.contains('\n'), "not one line: {msg:?}");
    assert!(
        msg.contains(&file.display().to_string()),
        "does not name {}: {msg}",
        file.display()
    );
    assert!(msg.contains(what), "does not say {what:?}: {msg}");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn fixtures_load() {
    let reports = load_reports(&[arm_fixture(), x86_fixture()]).unwrap();
    assert_eq!(reports.len(), 2);
    let arm = &reports[0].1.results[0];
    assert_eq!(arm.iterations_requested, 250_000);
    assert_eq!(arm.iterations_completed, 1879);
    assert_eq!(arm.first_anomaly.as_ref().unwrap().observed, 936);
}

#[test]
fn missing_file() {
    let p = PathBuf::from("no/such/report.json");
    assert_one_line(
        &load_err(std::slice::from_ref(&p)),
        &p,
        "no such file or directory",
    );
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "empty.json", b"");
    assert_one_line(&load_err(std::slice::from_ref(&p)), &p, "empty file");
    let p = write(dir.path(), "blank.json", b"  \n\t\n");
    assert_one_line(&load_err(std::slice::from_ref(&p)), &p, "empty file");
}

#[test]
fn truncated_json() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read(arm_fixture()).unwrap();
    let p = write(dir.path(), "cut.json", &full[..full.len() / 2]);
    assert_one_line(&load_err(std::slice::from_ref(&p)), &p, "truncated JSON");
}

#[test]
fn garbage_and_non_reports() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[u8], &str)] = &[
        ("garbage.json", b"hello world", "not valid JSON"),
        ("binary.json", &[0xff, 0xfe, 0x00, 0x42], "not valid JSON"),
        (
            "array.json",
            b"[1, 2, 3]",
            "not an orderhunt report (JSON an array",
        ),
        (
            "other.json",
            br#"{"name": "package.json", "version": "1"}"#,
            "no \"schema\" field",
        ),
        (
            "foreign.json",
            br#"{"schema": "something-else/1"}"#,
            "not an orderhunt report (schema is",
        ),
        (
            "numschema.json",
            br#"{"schema": 1}"#,
            "not an orderhunt report (schema is 1",
        ),
        (
            "missing-fields.json",
            br#"{"schema": "orderhunt.report/1", "tool": {}}"#,
            "not a valid orderhunt.report/1 report",
        ),
    ];
    for (name, bytes, what) in cases {
        let p = write(dir.path(), name, bytes);
        assert_one_line(&load_err(std::slice::from_ref(&p)), &p, what);
    }
}

#[test]
fn future_schema_says_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(x86_fixture()).unwrap()).unwrap();
    v["schema"] = "orderhunt.report/2".into();
    // A future schema may drop fields: the schema check comes first.
    v.as_object_mut().unwrap().remove("machine");
    let p = write(dir.path(), "future.json", &serde_json::to_vec(&v).unwrap());
    let err = load_err(std::slice::from_ref(&p));
    assert_one_line(&err, &p, "unsupported schema \"orderhunt.report/2\"");
    assert!(
        err.to_string()
            .contains("this orderhunt reads orderhunt.report/1; upgrade orderhunt"),
        "{err}"
    );
}

#[test]
fn inconsistent_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = read_fixture(&x86_fixture());
    r.results[0].anomalies = 300_000;
    let p = write_report(dir.path(), "bad.json", &r);
    assert_one_line(
        &load_err(std::slice::from_ref(&p)),
        &p,
        "exceed iterations completed",
    );
}

#[test]
fn directory_without_reports() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", b"not a report");
    write(dir.path(), ".hidden.json.1234.tmp", b"{");
    let p = dir.path().to_path_buf();
    assert_one_line(
        &load_err(std::slice::from_ref(&p)),
        &p,
        "directory holds no reports",
    );
}

#[test]
fn bad_file_inside_a_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write_report(dir.path(), "a-good.json", &read_fixture(&x86_fixture()));
    let bad = write(
        dir.path(),
        "b-bad.json",
        b"{\"schema\": \"orderhunt.report/1\", ",
    );
    assert_one_line(
        &load_err(&[dir.path().to_path_buf()]),
        &bad,
        "truncated JSON",
    );
}

#[test]
fn no_paths_is_a_usage_error() {
    let err = load_err(&[]);
    assert_eq!(err.exit_code(), 2);
    assert!(matches!(err, Error::Usage(_)));
}

/// A valid report as JSON, to mutate.
fn fixture_json() -> String {
    std::fs::read_to_string(arm_fixture()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Arbitrary bytes: never a panic; an error is one line naming the file.
    #[test]
    fn parser_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let name = Path::new("fuzz/input.json");
        if let Err(e) = parse_report(name, &bytes) {
            let msg = e.to_string();
            prop_assert!(!msg.contains('\n'));
            prop_assert!(msg.starts_with("fuzz/input.json: "), "{}", msg);
            prop_assert_eq!(e.exit_code(), 2);
        }
    }

    /// Every truncation of a valid report is refused with one line.
    #[test]
    fn every_prefix_of_a_report_is_refused_cleanly(cut in 0usize..4000) {
        let json = fixture_json();
        let cut = cut.min(json.len().saturating_sub(2));
        let bytes = &json.as_bytes()[..cut];
        let err = parse_report(Path::new("r.json"), bytes).expect_err("a prefix is not a report");
        prop_assert!(!err.to_string().contains('\n'));
    }

    /// Single-byte corruption of a valid report: parses or fails cleanly.
    #[test]
    fn corrupted_reports_never_panic(pos in 0usize..4000, byte in any::<u8>()) {
        let mut bytes = fixture_json().into_bytes();
        let pos = pos % bytes.len();
        bytes[pos] = byte;
        match parse_report(Path::new("r.json"), &bytes) {
            Ok(r) => {
                // Whatever parsed must be consistent enough for the statistics.
                for res in &r.results {
                    prop_assert!(res.anomalies <= res.iterations_completed);
                }
                let cmp = orderhunt::compare::Comparison::build(&[(PathBuf::from("r.json"), r)], 0.05);
                let _ = cmp.to_table();
                let _ = orderhunt::export::html::render(&cmp);
            }
            Err(e) => prop_assert!(!e.to_string().contains('\n')),
        }
    }

    /// Arbitrary counts and names: compare and HTML rendering never panic,
    /// and HTML never contains the raw name when it has markup.
    #[test]
    fn any_counts_render(
        n in 0u64..=1_000_000_000_000_000,
        k_frac in 0.0f64..=1.0,
        name in "[a-z<>&\"' -]{1,20}",
    ) {
        let mut r = read_fixture(&arm_fixture());
        let k = ((n as f64) * k_frac) as u64;
        r.results[0].iterations_completed = n;
        r.results[0].anomalies = k.min(n);
        r.results[0].scenario = name.clone();
        let x86 = read_fixture(&x86_fixture());
        let cmp = orderhunt::compare::Comparison::build(
            &[(PathBuf::from("a.json"), r), (PathBuf::from("b.json"), x86)], 0.05);
        let _ = cmp.to_table();
        let _ = cmp.to_markdown();
        let _ = cmp.to_json();
        let html = orderhunt::export::html::render(&cmp);
        if name.contains('<') {
            let raw = format!("<code>{}</code>", name);
            prop_assert!(!html.contains(&raw));
        }
    }
}
