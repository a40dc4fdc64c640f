//! Helpers shared by the integration tests. The fixtures are hand-made
//! from the source article's figures (see tests/fixtures/README.md); they
//! are not measurements.
#![allow(dead_code)]

use orderhunt::report::Report;
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn arm_fixture() -> PathBuf {
    fixture("article-aarch64.json")
}

pub fn x86_fixture() -> PathBuf {
    fixture("article-x86_64.json")
}

pub fn read_fixture(path: &Path) -> Report {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

pub fn write_report(dir: &Path, name: &str, report: &Report) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(report).unwrap()).unwrap();
    path
}
