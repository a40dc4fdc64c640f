//! Every file of the repository's `litmus/` folder parses, prints and
//! parses back to the same test, and has a row in `litmus/expected.tsv`.

use orderhunt_oracle::parse::{parse, to_c};
use std::path::PathBuf;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../litmus")
}

fn files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(folder())
        .expect("litmus/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "litmus"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_litmus_file_parses_and_round_trips() {
    let files = files();
    assert!(files.len() >= 40, "{} files", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let t = parse(&text).unwrap_or_else(|e| panic!("{}:{e}", path.display()));
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(
            t.name,
            stem,
            "{}: the test is named after its file",
            path.display()
        );
        assert!(!t.threads.is_empty());
        assert_eq!(parse(&to_c(&t)), Ok(t), "{}", path.display());
    }
}

#[test]
fn expected_tsv_lists_every_file_once_with_a_verdict_and_a_source() {
    let tsv = std::fs::read_to_string(folder().join("expected.tsv")).unwrap();
    let mut listed = Vec::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "{line}");
        assert!(
            ["Never", "Sometimes", "Always"].contains(&cols[1]),
            "{line}"
        );
        assert!(!cols[2].is_empty(), "{line}");
        assert!(!listed.contains(&cols[0].to_string()), "{} twice", cols[0]);
        listed.push(cols[0].to_string());
    }
    let mut on_disk: Vec<String> = files()
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    listed.sort();
    on_disk.sort();
    assert_eq!(listed, on_disk);
}

#[test]
fn every_file_gets_its_expected_rc11_observation() {
    let tsv = std::fs::read_to_string(folder().join("expected.tsv")).unwrap();
    let mut checked = 0;
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let text = std::fs::read_to_string(folder().join(cols[0])).unwrap();
        let t = orderhunt_oracle::parse::parse(&text).unwrap();
        let p = orderhunt_oracle::predict(&t, orderhunt_oracle::Model::Rc11).unwrap();
        assert_eq!(p.observation.as_str(), cols[1], "{}", cols[0]);
        checked += 1;
    }
    assert!(checked >= 46, "{checked} files checked");
}
