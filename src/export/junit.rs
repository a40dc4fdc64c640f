//! The JUnit XML of a report: one testcase per scenario.
//!
//! A testcase fails exactly when the run's exit code would be 1 because of
//! it: a forbidden outcome, which for a must-pass specimen is any anomaly,
//! or undefined behaviour (a litmus file with a data race in RC11).
//! A may-fail specimen that shows its bug is a passing testcase (the bug is
//! the expected result); its counts go to `<system-out>`.

use crate::export::report::Report;
use crate::export::text::{counts_text, fails, first_anomaly_text};
use std::fmt::Write as _;

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
        if let (Some(ub), 0) = (&r.undefined_behaviour, r.forbidden) {
            let _ = writeln!(
                x,
                "      <failure message=\"{}\" type=\"undefined-behaviour\">{}</failure>",
                xml_escape(&format!("undefined behaviour: {ub}")),
                xml_escape(&counts_text(r))
            );
        } else if fails(r) {
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
