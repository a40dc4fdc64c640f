//! Loading report files for `compare` and `report`, with a one-line error
//! for every kind of bad input (naming the file, the problem and the fix).
//! Nothing here panics on any input; `tests/load_props.rs` checks that with
//! arbitrary bytes.

use crate::error::{Error, Result};
use crate::export::report::{Report, SCHEMA};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The prefix every orderhunt report schema tag shares.
const SCHEMA_FAMILY: &str = "orderhunt.report/";

/// Reads every report named by `paths`. A file is read as one report; a
/// directory contributes every `*.json` file directly inside it (sorted by
/// name, not recursive; atomic-write leftovers such as `*.tmp` are skipped).
/// The same file reached twice (listed and inside a listed directory) is
/// read once.
///
/// Errors (all [`Error::Input`], exit 2): no paths, a missing path, a
/// directory with no reports, and anything [`parse_report`] refuses.
pub fn load_reports(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Report)>> {
    if paths.is_empty() {
        return Err(Error::usage(
            "no reports given; pass report files (*.json) or directories holding them",
        ));
    }
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::input(format!(
                    "{}: no such file or directory; check the path (reports are written to results/ by default)",
                    path.display()
                ))
            } else {
                Error::input(format!("{}: cannot read: {}", path.display(), one_line(&e.to_string())))
            }
        })?;
        if meta.is_dir() {
            let found = reports_in_dir(path)?;
            if found.is_empty() {
                return Err(Error::input(format!(
                    "{}: directory holds no reports (*.json); run `orderhunt run` first or point at the report files",
                    path.display()
                )));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }

    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let key = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
        if !seen.insert(key) {
            continue;
        }
        let bytes = std::fs::read(&file).map_err(|e| {
            Error::input(format!(
                "{}: cannot read: {}",
                file.display(),
                one_line(&e.to_string())
            ))
        })?;
        let report = parse_report(&file, &bytes)?;
        out.push((file, report));
    }
    Ok(out)
}

fn reports_in_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::input(format!(
            "{}: cannot list directory: {}",
            dir.display(),
            one_line(&e.to_string())
        ))
    })?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            Error::input(format!(
                "{}: cannot list directory: {}",
                dir.display(),
                one_line(&e.to_string())
            ))
        })?;
        let path = entry.path();
        let is_json = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if is_json && !hidden && path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// Parses one report from its bytes. `file` is only used in messages.
///
/// The `schema` tag is checked before the full deserialization, so a report
/// of a future schema gets "unsupported schema" rather than a confusing
/// missing-field error.
pub fn parse_report(file: &Path, bytes: &[u8]) -> Result<Report> {
    let name = file.display();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::input(format!(
            "{name}: empty file, not a report; was the run killed before it wrote its report? Re-run it"
        )));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_eof() {
            Error::input(format!(
                "{name}: truncated JSON (ends early at line {} column {}); the file was cut short, re-run or re-copy it",
                e.line(),
                e.column()
            ))
        } else {
            Error::input(format!(
                "{name}: not valid JSON ({}); pass an orderhunt report",
                one_line(&e.to_string())
            ))
        }
    })?;
    let Some(object) = value.as_object() else {
        return Err(Error::input(format!(
            "{name}: not an orderhunt report (JSON {} instead of an object); pass a file written by `orderhunt run`",
            json_kind(&value)
        )));
    };
    match object.get("schema") {
        None => {
            return Err(Error::input(format!(
                "{name}: not an orderhunt report (no \"schema\" field); pass a file written by `orderhunt run`"
            )))
        }
        Some(serde_json::Value::String(s)) if s == SCHEMA => {}
        Some(serde_json::Value::String(s)) if s.starts_with(SCHEMA_FAMILY) => {
            return Err(Error::input(format!(
                "{name}: unsupported schema {:?}; this orderhunt reads {SCHEMA}; upgrade orderhunt",
                truncate(s, 60)
            )))
        }
        Some(other) => {
            return Err(Error::input(format!(
                "{name}: not an orderhunt report (schema is {}, expected \"{SCHEMA}\"); pass a file written by `orderhunt run`",
                truncate(&other.to_string(), 60)
            )))
        }
    }
    let report: Report = serde_json::from_value(value).map_err(|e| {
        Error::input(format!(
            "{name}: not a valid {SCHEMA} report: {}; the file may be damaged or hand-edited",
            one_line(&e.to_string())
        ))
    })?;
    check_consistency(file, &report)?;
    Ok(report)
}

/// Counts that cannot come from a real run (they would make the statistics
/// meaningless) are refused rather than silently clamped.
fn check_consistency(file: &Path, report: &Report) -> Result<()> {
    for r in &report.results {
        let problem = if r.anomalies > r.iterations_completed {
            Some(format!(
                "anomalies ({}) exceed iterations completed ({})",
                r.anomalies, r.iterations_completed
            ))
        } else if r.forbidden > r.anomalies {
            Some(format!(
                "forbidden outcomes ({}) exceed anomalies ({})",
                r.forbidden, r.anomalies
            ))
        } else if r.scenario.trim().is_empty() {
            Some("a result has an empty scenario name".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(Error::input(format!(
                "{}: inconsistent report, scenario {:?}: {problem}; the file may be damaged or hand-edited",
                file.display(),
                truncate(&r.scenario, 60)
            )));
        }
    }
    Ok(())
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max_chars).collect();
        t.push('…');
        t
    }
}
