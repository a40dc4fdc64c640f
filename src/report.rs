//! The JSON report: schema `orderhunt.report/1`.
//!
//! One report holds one invocation (`run` or `soak`) on one machine, with
//! one entry per scenario. Reports are written atomically (temp file in the
//! same directory, fsync, rename) so a reader never sees half a report, even
//! after `kill -9`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The schema tag every report carries. Readers refuse any other value.
pub const SCHEMA: &str = "orderhunt.report/1";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    pub tool: Tool,
    /// The command line, argv[0] included.
    pub command: Vec<String>,
    /// `run` or `soak`.
    pub mode: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    /// RFC 3339, UTC. For a soak checkpoint: the time of the checkpoint.
    pub finished_at: String,
    /// True when the run was cut short (signal, or a soak checkpoint that is
    /// not yet final).
    pub interrupted: bool,
    pub machine: Machine,
    pub results: Vec<ScenarioResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tool {
    pub name: String,
    pub version: String,
    /// `git describe`-style commit of the build, when known.
    pub git_commit: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Machine {
    /// The architecture the binary was compiled for (`x86_64`, `aarch64`).
    pub arch: String,
    pub os: String,
    pub kernel: Option<String>,
    pub cpu_model: Option<String>,
    pub logical_cpus: usize,
    pub physical_cpus: usize,
    pub hostname: Option<String>,
    /// `rustc -V` of the compiler that built the binary.
    pub rustc: Option<String>,
    /// `release` or `debug`. A debug build changes code generation.
    pub profile: String,
    /// Some(true) when the binary runs under an emulator (for example an
    /// aarch64 binary under qemu-user on an x86-64 host): the memory model
    /// seen is then the host's, not `arch`'s.
    #[serde(default)]
    pub emulated: Option<bool>,
    /// How emulation was detected, or why it could not be.
    #[serde(default)]
    pub emulation_note: Option<String>,
    /// What this operating system does not offer that a run relies on
    /// (hard thread pinning, SIGTERM, `/proc` facts), one sentence each.
    /// Empty, and then left out of the JSON, on Linux.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platform_notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScenarioResult {
    pub scenario: String,
    /// `may-fail` or `must-pass`.
    pub expectation: String,
    pub description: String,
    pub settings: Settings,
    pub iterations_requested: u64,
    pub iterations_completed: u64,
    /// Iterations whose outcome was not `acceptable` (interesting + forbidden).
    pub anomalies: u64,
    /// Iterations whose outcome is forbidden by the language model for this
    /// specimen (any of these makes the run exit 1).
    pub forbidden: u64,
    pub first_anomaly: Option<FirstAnomaly>,
    /// Bounded histogram of observed outcomes, most frequent first.
    pub outcomes: Vec<Outcome>,
    /// Iterations whose outcome did not fit in the bounded histogram.
    #[serde(default)]
    pub outcomes_other: u64,
    pub elapsed_s: f64,
    pub iterations_per_s: f64,
    /// anomalies / iterations_completed (0 when nothing completed).
    pub anomaly_rate: f64,
    /// One-sided exact (Clopper-Pearson) 95% upper bound on the anomaly rate.
    pub anomaly_rate_upper_95: f64,
    pub interrupted: bool,
    /// Hardware models that allow the weak outcome (litmus scenarios), e.g.
    /// {"x86-TSO": "forbidden", "ARMv8": "allowed"}.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hardware_models: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Settings {
    /// `actors` (persistent pinned threads) or `spawn` (the article's harness).
    pub harness: String,
    /// `leak`, `arena` or `reuse`.
    pub memory: String,
    /// Number of actor threads of the scenario.
    pub actors: usize,
    /// Core each actor was pinned to; `null` where pinning was not done.
    pub pinned: Vec<Option<usize>>,
    /// Instances per batch between rendezvous (actors harness).
    pub batch: usize,
    /// `instance` (actors meet before every instance) or `batch`.
    pub sync: String,
    /// Random start delay bound after the gate (pause loops), 0 = none.
    #[serde(default)]
    pub skew: u32,
    /// Roles permuted across actor threads every batch.
    #[serde(default)]
    pub shuffle: bool,
    /// Seed of the per-batch randomness (`--seed` replays it).
    #[serde(default)]
    pub seed: u64,
    pub stop_on_first: bool,
    /// Scenario parameters, e.g. {"increments": 1000}.
    #[serde(default)]
    pub params: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FirstAnomaly {
    /// 1-based iteration number, global over the whole invocation.
    pub iteration: u64,
    pub observed: serde_json::Value,
    pub expected: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    /// A number (sums, counts) or a string (litmus register tuples).
    pub observed: serde_json::Value,
    pub count: u64,
    /// `acceptable`, `interesting` or `forbidden`.
    pub class: String,
}
