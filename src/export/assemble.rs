//! Turning engine outcomes into reports: the report skeleton of a run, one
//! result per scenario, the placement record, the exit code.

use crate::engine;
use crate::export::report::{
    CopyPlacement, FirstAnomaly, Outcome, PlacementRecord, Report, ScenarioResult, Settings, SCHEMA,
};
use crate::machine::placement::{self, Plan};
use crate::machine::topology::Topology;
use crate::stats;
use orderhunt_core::{Config, DynScenario, Observed, Tally};
use std::collections::BTreeMap;
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
            description: scenario.describe(obs),
            race: None,
        })
        .collect();
    outcomes.sort_by_key(|o| std::cmp::Reverse(o.count));
    let elapsed_s = elapsed.as_secs_f64();
    let spawn = cfg.harness == orderhunt_core::HarnessKind::Spawn;
    let mut params_json = BTreeMap::new();
    if info.uses_increments {
        params_json.insert("increments".to_string(), params.increments.into());
    }
    if info.family == "litmus" {
        params_json.insert("layout".to_string(), params.layout.as_str().into());
    }
    let explanations = crate::engine::explain::for_outcomes(info.name, &outcomes);
    let mut result = ScenarioResult {
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
            flag_group: if spawn || cfg.sync != orderhunt_core::SyncMode::Flag {
                1
            } else {
                cfg.flag_group
            },
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
        explanations,
        origin: scenario
            .origin()
            .map(|o| crate::export::report::ScenarioOrigin {
                krate: o.krate.clone(),
                version: o.version.clone(),
            }),
        notes: Vec::new(),
        undefined_behaviour: None,
    };
    // A litmus file's notes, its data race (RC11) and its racy states.
    if let Some(l) = engine::litmus_file::loaded(info.name) {
        l.annotate(&mut result, &tally.outcomes);
    }
    result
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
/// (a must-pass specimen's anomaly) was seen, or a scenario's code has
/// undefined behaviour (a litmus file RC11 finds a data race in); else 128 + the signal when a
/// signal interrupted the run (130 for SIGINT, 143 for SIGTERM), so that a
/// CI timeout never looks green; else 0.
pub fn exit_code(report: &Report, stop: &crate::engine::signals::StopFlag) -> i32 {
    if report
        .results
        .iter()
        .any(|r| r.forbidden > 0 || r.undefined_behaviour.is_some())
    {
        1
    } else {
        stop.exit_code().unwrap_or(0)
    }
}
