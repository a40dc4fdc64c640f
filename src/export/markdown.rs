//! The Markdown summary of a report (for a CI step summary or a file).

use crate::export::report::Report;
use crate::export::text::{self, fails, output_value};
use std::fmt::Write as _;

/// Escapes text for a Markdown table cell.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown summary of a report: a headline with the verdict, the
/// machine, and a table per scenario.
pub fn markdown_summary(report: &Report) -> String {
    let m = &report.machine;
    let failures: Vec<&str> = report
        .results
        .iter()
        .filter(|r| fails(r) && r.undefined_behaviour.is_none())
        .map(|r| r.scenario.as_str())
        .collect();
    let undefined: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.undefined_behaviour.is_some())
        .map(|r| r.scenario.as_str())
        .collect();
    let mut s = String::new();
    let mut problems = Vec::new();
    if !failures.is_empty() {
        problems.push(format!("forbidden outcome in {}", failures.join(", ")));
    }
    if !undefined.is_empty() {
        problems.push(format!(
            "undefined behaviour (data race in RC11) in {}",
            undefined.join(", ")
        ));
    }
    let verdict = if problems.is_empty() {
        "every expectation held".to_string()
    } else {
        format!("FAILED: {}", problems.join("; "))
    };
    let _ = writeln!(
        s,
        "### orderhunt {} on {}: {}{}\n",
        report.mode,
        m.arch,
        verdict,
        if report.interrupted {
            " (interrupted)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        s,
        "{} `{}`, {} logical CPUs, {} build, orderhunt {}; {} to {}\n",
        md_cell(m.cpu_model.as_deref().unwrap_or("unknown CPU")),
        md_cell(m.hostname.as_deref().unwrap_or("unknown host")),
        m.logical_cpus,
        m.profile,
        report.tool.version,
        report.started_at,
        report.finished_at
    );
    if m.emulated == Some(true) {
        let _ = writeln!(
            s,
            "> **Emulated**: this {} binary ran under an emulator, which keeps the host's memory \
             ordering; its results say nothing about real {} hardware.\n",
            m.arch, m.arch
        );
    }
    s.push_str("| scenario | expect | iterations | anomalies | rate | rate ≤ (95%) | first anomaly | verdict |\n");
    s.push_str("|---|---|--:|--:|--:|--:|---|---|\n");
    for r in &report.results {
        let first = match &r.first_anomaly {
            Some(f) => format!(
                "#{}: {} (want {})",
                f.iteration,
                output_value(&f.observed),
                output_value(&f.expected)
            ),
            None => "–".to_string(),
        };
        let verdict = if fails(r) {
            format!("**{}**", text::verdict(r))
        } else {
            text::verdict(r).to_string()
        };
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {:.3e} | {:.3e} | {} | {}{} |",
            md_cell(&r.scenario),
            r.expectation,
            r.iterations_completed,
            r.anomalies,
            r.anomaly_rate,
            r.anomaly_rate_upper_95,
            md_cell(&first),
            verdict,
            if r.interrupted { " (interrupted)" } else { "" }
        );
    }
    s.push('\n');
    s
}
