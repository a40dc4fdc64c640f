//! Turning engine outcomes into reports, writing them atomically, and the
//! summary a person reads at the end of a run.

use crate::engine;
use crate::error::{Error, Result};
use crate::placement::{self, Plan};
use crate::report::{
    CopyPlacement, FirstAnomaly, Machine, Outcome, PlacementRecord, Report, ScenarioResult,
    Settings, SCHEMA,
};
use crate::stats;
use crate::topology::Topology;
use orderhunt_scenarios::{Config, DynScenario, Expectation, Observed, Tally};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// RFC 3339 UTC timestamp, seconds precision.
pub fn timestamp(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// A timestamp usable in a file name: `20261123T215000Z`.
pub fn file_stamp(t: SystemTime) -> String {
    timestamp(t).replace(['-', ':'], "")
}

fn observed_json(o: Observed) -> serde_json::Value {
    match o {
        Observed::Int(v) => serde_json::Value::from(v),
        Observed::Text(t) => serde_json::Value::from(t),
    }
}

/// Builds the report entry of one scenario from its tally.
pub fn scenario_result(
    scenario: &dyn DynScenario,
    cfg: &Config,
    iterations_requested: u64,
    tally: &Tally,
    elapsed: Duration,
    pinned: &[Option<usize>],
    interrupted: bool,
) -> ScenarioResult {
    let info = scenario.info();
    let params = &cfg.params;
    let mut outcomes: Vec<Outcome> = tally
        .outcomes
        .iter()
        .map(|(&obs, &count)| Outcome {
            observed: observed_json(scenario.render(obs)),
            count,
            class: scenario.classify(obs, params).as_str().to_string(),
        })
        .collect();
    outcomes.sort_by_key(|o| std::cmp::Reverse(o.count));
    let elapsed_s = elapsed.as_secs_f64();
    let spawn = cfg.harness == orderhunt_scenarios::HarnessKind::Spawn;
    let mut params_json = BTreeMap::new();
    if info.uses_increments {
        params_json.insert("increments".to_string(), params.increments.into());
    }
    if info.family == "litmus" {
        params_json.insert("layout".to_string(), params.layout.as_str().into());
    }
    ScenarioResult {
        scenario: info.name.to_string(),
        expectation: info.expectation.as_str().to_string(),
        description: info.summary.to_string(),
        settings: Settings {
            harness: cfg.harness.as_str().to_string(),
            memory: cfg.memory.as_str().to_string(),
            actors: info.actors,
            pinned: pinned.to_vec(),
            // The spawn harness has no batches and no rendezvous.
            batch: if spawn { 1 } else { cfg.batch },
            sync: if spawn { "none" } else { cfg.sync.as_str() }.to_string(),
            skew: if spawn { 0 } else { cfg.skew },
            shuffle: cfg.shuffle && !spawn,
            seed: cfg.seed,
            stop_on_first: cfg.stop_on_first,
            copies: 1,
            placement: None,
            params: params_json,
        },
        iterations_requested,
        iterations_completed: tally.completed,
        anomalies: tally.anomalies,
        forbidden: tally.forbidden,
        first_anomaly: tally.first_anomaly.map(|(iteration, obs)| FirstAnomaly {
            iteration,
            observed: observed_json(scenario.render(obs)),
            expected: observed_json(scenario.expected(params)),
        }),
        outcomes,
        outcomes_other: tally.other,
        elapsed_s,
        iterations_per_s: if elapsed_s > 0.0 {
            tally.completed as f64 / elapsed_s
        } else {
            0.0
        },
        anomaly_rate: if tally.completed > 0 {
            tally.anomalies as f64 / tally.completed as f64
        } else {
            0.0
        },
        anomaly_rate_upper_95: stats::clopper_pearson_upper_one_sided(
            tally.anomalies,
            tally.completed,
            0.95,
        ),
        interrupted,
        hardware_models: scenario.hardware().into_iter().collect(),
        error: None,
        origin: scenario.origin().map(|o| crate::report::ScenarioOrigin {
            krate: o.krate.clone(),
            version: o.version.clone(),
        }),
    }
}

/// Convenience for a finished engine run: the result with its placement.
pub fn result_of_run(
    scenario: &dyn DynScenario,
    cfg: &Config,
    out: &engine::Outcome,
    plan: &Plan,
    topology: &Topology,
) -> ScenarioResult {
    let mut r = scenario_result(
        scenario,
        cfg,
        cfg.iterations,
        &out.tally,
        out.elapsed,
        &out.pinned,
        out.interrupted,
    );
    let tallies: Vec<Tally> = out.copies.iter().map(|c| c.tally.clone()).collect();
    let pins: Vec<Vec<Option<usize>>> = out.copies.iter().map(|c| c.pinned.clone()).collect();
    set_placement(
        &mut r,
        plan,
        topology,
        &pins,
        &tallies,
        out.rounds,
        out.pin_warning.clone(),
    );
    r
}

/// Records where the copies ran (and what each counted) in a result.
pub fn set_placement(
    r: &mut ScenarioResult,
    plan: &Plan,
    topology: &Topology,
    pins: &[Vec<Option<usize>>],
    tallies: &[Tally],
    rounds: u64,
    note: Option<String>,
) {
    let copies: Vec<CopyPlacement> = pins
        .iter()
        .zip(tallies)
        .map(|(cpus, t)| {
            let ids: Vec<usize> = cpus.iter().flatten().copied().collect();
            CopyPlacement {
                cpus: cpus.clone(),
                relation: if ids.len() < cpus.len() || ids.is_empty() {
                    "unpinned".to_string()
                } else {
                    placement::relation_text(topology, &ids)
                },
                iterations_completed: t.completed,
                anomalies: t.anomalies,
                first_anomaly: t.first_anomaly.map(|(it, _)| it),
            }
        })
        .collect();
    r.settings.copies = copies.len();
    r.settings.placement = Some(PlacementRecord {
        strategy: plan.strategy.clone(),
        oversubscribed: plan.oversubscribed,
        iteration_order: "copy-major".to_string(),
        rounds,
        note,
        copies,
    });
}

/// A report skeleton for this process on this machine.
pub fn new_report(mode: &str, started: SystemTime) -> Report {
    Report {
        schema: SCHEMA.to_string(),
        tool: crate::machine::tool(),
        command: std::env::args().collect(),
        mode: mode.to_string(),
        started_at: timestamp(started),
        finished_at: timestamp(started),
        interrupted: false,
        machine: crate::machine::detect(),
        results: Vec::new(),
    }
}

/// The exit code a set of results calls for: 1 when any forbidden outcome
/// (a must-pass specimen's anomaly) was seen; else 128 + the signal when a
/// signal interrupted the run (130 for SIGINT, 143 for SIGTERM), so that a
/// CI timeout never looks green; else 0.
pub fn exit_code(report: &Report, stop: &crate::signals::StopFlag) -> i32 {
    if report.results.iter().any(|r| r.forbidden > 0) {
        1
    } else {
        stop.exit_code().unwrap_or(0)
    }
}

/// Checks, before any work, that `path` (given with `flag`, e.g. `--out`)
/// can be written: its folder exists (or, with `create_dir`, is created),
/// it is not a directory, and the folder takes the temp file that the
/// atomic write goes through.
pub fn prepare_output(flag: &str, path: &Path, create_dir: bool) -> Result<()> {
    let dir = parent_dir(path);
    if !dir.exists() {
        if create_dir {
            std::fs::create_dir_all(&dir)
                .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        } else {
            return Err(Error::usage(format!(
                "the folder of {flag} {} does not exist; create it or choose another path",
                path.display()
            )));
        }
    }
    if path.is_dir() {
        return Err(Error::usage(format!(
            "{flag} {} is a directory; give a file name",
            path.display()
        )));
    }
    // Probe now, not after hours of work: the file goes through a temp
    // file in the same folder, so that folder must take one.
    tempfile::Builder::new()
        .prefix(".orderhunt-probe-")
        .tempfile_in(&dir)
        .map_err(|e| {
            Error::usage(format!(
                "cannot write a report into the folder of {flag} {} ({e}); choose another path",
                path.display()
            ))
        })?;
    Ok(())
}

/// The default report path: `results/<label>-<arch>-<host>-<UTC time>.json`.
pub fn default_report_path(label: &str, machine: &Machine, started: SystemTime) -> PathBuf {
    let host = machine.hostname.as_deref().unwrap_or("host");
    PathBuf::from("results").join(format!(
        "{}-{}-{}-{}.json",
        sanitize(label),
        machine.arch,
        sanitize(host),
        file_stamp(started)
    ))
}

/// Keeps a file-name component to `[A-Za-z0-9._-]`.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// folder, flushed to disk, then renamed over `path`. A reader (or a crash
/// at any moment) sees the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = parent_dir(path);
    let ctx = || format!("cannot write {}", path.display());
    let mut tmp = tempfile::Builder::new()
        .prefix(".orderhunt-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| Error::io(ctx(), e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(ctx(), e))?;
    // Reports are for the fleet to collect: readable by others, like any
    // file the user would create (tempfile makes them owner-only).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(ctx(), e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(ctx(), e))?;
    tmp.persist(path).map_err(|e| Error::io(ctx(), e.error))?;
    // Make the rename itself durable (best effort: not every platform lets
    // a directory be opened for syncing).
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Serializes and writes a report atomically.
pub fn write_report(path: &Path, report: &Report) -> Result<()> {
    let mut json = serde_json::to_vec_pretty(report).expect("reports serialize");
    json.push(b'\n');
    write_atomic(path, &json)
}

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
    match (must_pass, r.forbidden > 0, r.anomalies > 0) {
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
    s.push_str(&format!(
        "{:<20} {:<9} {:>11} {:>9} {:>9} {:>9}  {:<22} {}\n",
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
            "{:<20} {:<9} {:>11} {:>9} {:>9} {:>9}  {:<22} {}{}\n",
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
