//! The JSON report file (schema in [`crate::export::report`]).

use crate::error::Result;
use crate::export::file::write_atomic;
use crate::export::report::Report;
use std::path::Path;

/// Serializes and writes a report atomically.
pub fn write_report(path: &Path, report: &Report) -> Result<()> {
    let mut json = serde_json::to_vec_pretty(report).expect("reports serialize");
    json.push(b'\n');
    write_atomic(path, &json)
}
