//! CI outputs of `run` and `soak`: a JUnit XML file (one testcase per
//! scenario) and a Markdown summary (for `$GITHUB_STEP_SUMMARY` or a file).
//!
//! A testcase fails exactly when the run's exit code would be 1 because of
//! it: a forbidden outcome, which for a must-pass specimen is any anomaly.
//! A may-fail specimen that shows its bug is a passing testcase (the bug is
//! the expected result); its counts go to `<system-out>`.

use crate::error::{Error, Result};
use crate::output;
use crate::report::{Report, ScenarioResult};
use clap::Args;
use orderhunt_scenarios::Expectation;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The environment variable GitHub Actions sets to a file whose Markdown is
/// shown on the run's summary page.
pub const GITHUB_STEP_SUMMARY: &str = "GITHUB_STEP_SUMMARY";

/// CI output options shared by `run` and `soak`.
#[derive(Args, Debug, Clone, Default)]
pub struct CiArgs {
    /// Also write a JUnit XML file: one testcase per scenario, failing when
    /// a must-pass scenario shows an anomaly.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Also write a Markdown summary to FILE. When GITHUB_STEP_SUMMARY is
    /// set (GitHub Actions), the summary is appended to that file too.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
}

impl CiArgs {
    /// Checks, before any work, that the output files can be written.
    pub fn check(&self) -> Result<()> {
        for (flag, path) in [("--junit", &self.junit), ("--summary", &self.summary)] {
            if let Some(p) = path {
                output::prepare_output(flag, p, false)?;
            }
        }
        Ok(())
    }

    /// Writes the JUnit file and the summaries that were asked for.
    pub fn write(&self, report: &Report) -> Result<()> {
        if let Some(p) = &self.junit {
            output::write_atomic(p, junit_xml(report).as_bytes())?;
        }
        let md = markdown_summary(report);
        if let Some(p) = &self.summary {
            output::write_atomic(p, md.as_bytes())?;
        }
        if let Some(p) = std::env::var_os(GITHUB_STEP_SUMMARY).filter(|p| !p.is_empty()) {
            append(Path::new(&p), &md)?;
        }
        Ok(())
    }
}

/// The step summary file is shared by all steps of a job: append, as
/// GitHub documents, rather than replace.
fn append(path: &Path, text: &str) -> Result<()> {
    let ctx = || {
        format!(
            "cannot append to {GITHUB_STEP_SUMMARY} file {}",
            path.display()
        )
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(ctx(), e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::io(ctx(), e))
}

/// Whether a result fails its testcase: any forbidden outcome, or any
/// anomaly of a must-pass specimen.
pub fn fails(r: &ScenarioResult) -> bool {
    r.forbidden > 0 || (r.expectation == Expectation::MustPass.as_str() && r.anomalies > 0)
}

/// Escapes text for XML attribute values and element content.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

fn first_anomaly_text(r: &ScenarioResult) -> String {
    match &r.first_anomaly {
        Some(f) => format!(
            "first anomaly at iteration {}: observed {}, expected {}",
            f.iteration,
            output_value(&f.observed),
            output_value(&f.expected)
        ),
        None => "no anomaly".to_string(),
    }
}

fn output_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn counts_text(r: &ScenarioResult) -> String {
    format!(
        "{}: {} iterations, {} anomalies ({} forbidden), rate {:.3e}, 95% upper bound {:.3e}; {}; {}{}",
        r.scenario,
        r.iterations_completed,
        r.anomalies,
        r.forbidden,
        r.anomaly_rate,
        r.anomaly_rate_upper_95,
        first_anomaly_text(r),
        output::verdict(r),
        if r.interrupted { " (interrupted)" } else { "" }
    )
}

/// The JUnit XML of a report: one `<testsuite>` named after the mode and
/// machine, one `<testcase>` per scenario.
pub fn junit_xml(report: &Report) -> String {
    let m = &report.machine;
    let failures = report.results.iter().filter(|r| fails(r)).count();
    let time: f64 = report.results.iter().map(|r| r.elapsed_s).sum();
    let suite = format!(
        "orderhunt {} on {}{}",
        report.mode,
        m.arch,
        m.hostname
            .as_deref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default()
    );
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"orderhunt\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{time:.3}\">",
        report.results.len()
    );
    let _ = writeln!(
        x,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{time:.3}\" timestamp=\"{}\">",
        xml_escape(&suite),
        report.results.len(),
        xml_escape(&report.started_at)
    );
    x.push_str("    <properties>\n");
    let mut props: Vec<(&str, String)> = vec![
        ("arch", m.arch.clone()),
        ("os", m.os.clone()),
        ("profile", m.profile.clone()),
        ("tool_version", report.tool.version.clone()),
        ("interrupted", report.interrupted.to_string()),
    ];
    if let Some(c) = &m.cpu_model {
        props.push(("cpu_model", c.clone()));
    }
    if let Some(e) = m.emulated {
        props.push(("emulated", e.to_string()));
    }
    for (k, v) in props {
        let _ = writeln!(
            x,
            "      <property name=\"{k}\" value=\"{}\"/>",
            xml_escape(&v)
        );
    }
    x.push_str("    </properties>\n");
    for r in &report.results {
        let _ = writeln!(
            x,
            "    <testcase name=\"{}\" classname=\"orderhunt.{}.{}\" time=\"{:.3}\">",
            xml_escape(&r.scenario),
            xml_escape(&report.mode),
            xml_escape(&r.expectation),
            r.elapsed_s
        );
        if fails(r) {
            let _ = writeln!(
                x,
                "      <failure message=\"{}\" type=\"forbidden-outcome\">{}</failure>",
                xml_escape(&format!(
                    "{} anomalies in {} iterations of a must-pass specimen; {}",
                    r.anomalies,
                    r.iterations_completed,
                    first_anomaly_text(r)
                )),
                xml_escape(&counts_text(r))
            );
        }
        let _ = writeln!(
            x,
            "      <system-out>{}</system-out>",
            xml_escape(&counts_text(r))
        );
        x.push_str("    </testcase>\n");
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}

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
        .filter(|r| fails(r))
        .map(|r| r.scenario.as_str())
        .collect();
    let mut s = String::new();
    let verdict = if failures.is_empty() {
        "every expectation held".to_string()
    } else {
        format!("FAILED: forbidden outcome in {}", failures.join(", "))
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
            format!("**{}**", output::verdict(r))
        } else {
            output::verdict(r).to_string()
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
