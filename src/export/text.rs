//! The summary a person reads at the end of a run, and the verdict word of
//! one result.

use crate::export::report::{Report, ScenarioResult};
use orderhunt_core::Expectation;

fn fmt_rate(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x >= 0.01 {
        format!("{:.2}%", x * 100.0)
    } else {
        format!("{x:.1e}")
    }
}

fn fmt_count(n: f64) -> String {
    if n >= 1e6 {
        format!("{:.2}M", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1}k", n / 1e3)
    } else {
        format!("{n:.0}")
    }
}

/// The verdict word of one result.
pub fn verdict(r: &ScenarioResult) -> &'static str {
    let must_pass = r.expectation == Expectation::MustPass.as_str();
    if r.forbidden == 0 && r.undefined_behaviour.is_some() {
        return "UNDEFINED (data race in RC11)";
    }
    let undeclared = r
        .outcomes
        .iter()
        .any(|o| o.class == "undeclared" && o.count > 0);
    match (must_pass, r.forbidden > 0, r.anomalies > 0) {
        (_, true, _) if undeclared => "FAIL (undeclared outcome)",
        (_, true, _) => "FAIL (forbidden outcome)",
        (true, false, _) => "pass",
        (false, false, true) => "anomaly shown",
        (false, false, false) => "not shown here",
    }
}

/// The end-of-run summary table.
pub fn summary(report: &Report) -> String {
    let m = &report.machine;
    let mut s = String::new();
    s.push_str(&format!(
        "orderhunt {} on {} ({}, {} logical CPUs{}), {} build\n",
        report.tool.version,
        m.arch,
        m.cpu_model.as_deref().unwrap_or("unknown CPU"),
        m.logical_cpus,
        if m.emulated == Some(true) {
            ", EMULATED: host memory ordering"
        } else {
            ""
        },
        m.profile
    ));
    let w = report
        .results
        .iter()
        .map(|r| r.scenario.chars().count())
        .max()
        .unwrap_or(0)
        .max(20);
    s.push_str(&format!(
        "{:<w$} {:<9} {:>11} {:>9} {:>9} {:>9}  {:<22} {}\n",
        "scenario",
        "expect",
        "iterations",
        "anomalies",
        "rate",
        "rate<=95%",
        "first anomaly",
        "verdict"
    ));
    for r in &report.results {
        let first = match &r.first_anomaly {
            Some(f) => {
                format!("#{}: {} (want {})", f.iteration, f.observed, f.expected).replace('"', "")
            }
            None => "-".into(),
        };
        s.push_str(&format!(
            "{:<w$} {:<9} {:>11} {:>9} {:>9} {:>9}  {:<22} {}{}\n",
            r.scenario,
            r.expectation,
            r.iterations_completed,
            r.anomalies,
            fmt_rate(r.anomaly_rate),
            fmt_rate(r.anomaly_rate_upper_95),
            first,
            verdict(r),
            if r.interrupted { " (interrupted)" } else { "" }
        ));
    }
    for r in &report.results {
        for o in r.outcomes.iter().filter(|o| o.class == "undeclared") {
            let shown = match &o.observed {
                serde_json::Value::String(t) => t.clone(),
                v => v.to_string(),
            };
            s.push_str(&format!(
                "undeclared outcome {shown} in `{}` ({} iterations): the test declares no \
                 class for it; declare it with .acceptable({shown}, \"why\"), \
                 .interesting(..) or .forbidden(..)\n",
                r.scenario, o.count
            ));
        }
    }
    let rates: Vec<String> = report
        .results
        .iter()
        .map(|r| format!("{} {} it/s", r.scenario, fmt_count(r.iterations_per_s)))
        .collect();
    s.push_str(&format!("speed: {}\n", rates.join(", ")));
    let placements: Vec<String> = report
        .results
        .iter()
        .filter_map(|r| {
            let p = r.settings.placement.as_ref()?;
            Some(format!("{} {} {}", r.scenario, p.text(), p.cpus_text()))
        })
        .collect();
    if !placements.is_empty() {
        s.push_str(&format!("placement: {}\n", placements.join(", ")));
    }
    for r in &report.results {
        if let Some(ub) = &r.undefined_behaviour {
            s.push_str(&format!("undefined behaviour: {}: {ub}\n", r.scenario));
        }
    }
    if report
        .results
        .iter()
        .any(|r| r.expectation == "may-fail" && r.anomalies == 0)
    {
        s.push_str(
            "note: `not shown here` proves nothing: a wrong specimen can pass on forgiving \
             hardware (x86 is TSO). loom and Miri find these bugs on any machine.\n",
        );
    }
    s
}

/// Whether a result fails its testcase: any forbidden outcome, any
/// anomaly of a must-pass specimen, or undefined behaviour (a litmus file
/// with a data race in RC11).
pub fn fails(r: &ScenarioResult) -> bool {
    r.forbidden > 0
        || (r.expectation == Expectation::MustPass.as_str() && r.anomalies > 0)
        || r.undefined_behaviour.is_some()
}

pub(crate) fn first_anomaly_text(r: &ScenarioResult) -> String {
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

pub(crate) fn output_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn counts_text(r: &ScenarioResult) -> String {
    format!(
        "{}: {} iterations, {} anomalies ({} forbidden), rate {:.3e}, 95% upper bound {:.3e}; {}; {}{}",
        r.scenario,
        r.iterations_completed,
        r.anomalies,
        r.forbidden,
        r.anomaly_rate,
        r.anomaly_rate_upper_95,
        first_anomaly_text(r),
        verdict(r),
        if r.interrupted { " (interrupted)" } else { "" }
    )
}
