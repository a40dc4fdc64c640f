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
    /// Sockets, clusters, cores and the CPUs this process could use; absent
    /// in reports written before topology was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<TopologyRecord>,
    /// What this operating system does not offer that a run relies on
    /// (hard thread pinning, SIGTERM, `/proc` facts), one sentence each.
    /// Empty, and then left out of the JSON, on Linux.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platform_notes: Vec<String>,
}

/// The machine's CPU topology as `orderhunt` saw it (Linux sysfs).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TopologyRecord {
    /// `sysfs`, or `none` when it could not be read (every CPU is then
    /// taken as a core of its own, no clusters).
    pub source: String,
    pub sockets: usize,
    pub numa_nodes: usize,
    /// Cache clusters: CPUs sharing the smallest cache that spans more
    /// than one core.
    pub clusters: usize,
    /// What the clusters come from: `cache L2`, `cache L3`, `cluster_id`,
    /// `cores`.
    pub cluster_source: String,
    pub cores: usize,
    pub cpus: usize,
    /// Hardware threads per core, at most (1: no SMT).
    pub threads_per_core: usize,
    /// The CPUs this process was allowed to use (its affinity mask, which a
    /// cgroup cpuset narrows), as a kernel CPU list, e.g. `0-3`.
    pub usable_cpus: String,
    /// Threads that can run at once: the usable CPUs, lowered by a cgroup
    /// CPU quota.
    pub cpu_budget: usize,
}

/// Where the copies of one scenario ran.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlacementRecord {
    /// `spread`, `smt`, `cluster`, `cross`, `random`, `cpus` (an explicit
    /// `--cpus` list) or `unpinned` (`--no-pin`, or the spawn harness).
    pub strategy: String,
    /// More threads than usable CPUs: the copies ran unpinned.
    pub oversubscribed: bool,
    /// How `first_anomaly.iteration` counts across copies: `copy-major`
    /// (copy i's local iteration k is number k plus the iterations
    /// completed by copies 0..i; a soak numbers slice after slice, and
    /// copy-major within a slice).
    pub iteration_order: String,
    /// Rounds run (in a soak: summed over the slices); `random` draws its
    /// CPUs afresh every round (the CPUs below are then the first round's).
    #[serde(default)]
    pub rounds: u64,
    /// A warning given at run time (oversubscription, SMT sharing, pinning
    /// refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// One entry per copy, in copy order.
    pub copies: Vec<CopyPlacement>,
}

/// One copy: where its actors ran and what it counted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CopyPlacement {
    /// CPU per actor thread; `null` where not pinned.
    pub cpus: Vec<Option<usize>>,
    /// How the copy's CPUs relate (the farthest pair): `same-core`,
    /// `same-cluster`, `same-socket`, `cross-socket`; `unpinned`.
    pub relation: String,
    pub iterations_completed: u64,
    pub anomalies: u64,
    /// This copy's first anomaly, numbered within the copy (1-based; in a
    /// soak, counted over this copy's slices in order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_anomaly: Option<u64>,
}

impl PlacementRecord {
    /// One line: `spread, 4 copies: 0,1 same-cluster; 2,3 same-cluster` or
    /// `spread, 3 copies, unpinned (oversubscribed)`.
    pub fn text(&self) -> String {
        let n = self.copies.len();
        let mut s = format!(
            "{}, {n} cop{}",
            self.strategy,
            if n == 1 { "y" } else { "ies" }
        );
        if self.oversubscribed {
            s.push_str(", unpinned (oversubscribed)");
        } else if self
            .copies
            .iter()
            .all(|c| c.cpus.iter().all(Option::is_none))
        {
            s.push_str(", unpinned");
        } else {
            let mut relations: Vec<&str> =
                self.copies.iter().map(|c| c.relation.as_str()).collect();
            relations.sort_unstable();
            relations.dedup();
            s.push_str(&format!(" ({})", relations.join(", ")));
        }
        s
    }

    /// The per-copy CPUs: `[0,1] [2,3]`.
    pub fn cpus_text(&self) -> String {
        self.copies
            .iter()
            .map(|c| {
                let ids: Vec<String> = c
                    .cpus
                    .iter()
                    .map(|x| x.map_or("-".to_string(), |v| v.to_string()))
                    .collect();
                format!("[{}]", ids.join(","))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Settings {
    /// The placement in one line, also for reports written before
    /// placement was recorded.
    pub fn placement_text(&self) -> String {
        match &self.placement {
            Some(p) => p.text(),
            None if self.pinned.iter().any(Option::is_some) => {
                "not recorded (1 copy, pinned)".to_string()
            }
            None => "not recorded (1 copy, unpinned)".to_string(),
        }
    }
}

fn one() -> usize {
    1
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
    /// The crate the scenario came from: orderhunt's built-in catalog
    /// (`orderhunt-scenarios`) or a user's crate, with its version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<ScenarioOrigin>,
    /// Why the scenario's run ended abnormally, e.g. an actor panicked (the
    /// counts are then those of the batches finished before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Litmus tests and built-in variants: why the models allow or forbid
    /// each interesting or forbidden outcome observed (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanations: Option<Vec<Explanation>>,
    /// How the run differs from the scenario's source, one sentence each
    /// (a litmus file: plain accesses run as Relaxed atomics, loops bounded
    /// as the oracle unrolls them, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Set when the language model gives the scenario's code undefined
    /// behaviour, e.g. `data race in RC11: ...` for a litmus file with a
    /// data race in some RC11-consistent execution. Such a result fails
    /// the run (exit 1), whatever the hardware showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undefined_behaviour: Option<String>,
}

/// Why the memory models allow or forbid one observed outcome of a
/// litmus test (`orderhunt explain` for that state).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Explanation {
    /// The outcome, as in `outcomes`.
    pub observed: serde_json::Value,
    /// The litmus test's name.
    pub test: String,
    /// The state, herd7's spelling: `0:r0=0; 1:r1=0;`.
    pub state: String,
    /// Per model (`sc`, `x86-tso`, `armv8`, `rc11`).
    pub models: Vec<ModelVerdict>,
    /// Where the models differ, one sentence each.
    #[serde(default)]
    pub differences: Vec<String>,
    /// The whole explanation as `orderhunt explain` prints it.
    pub text: String,
    /// The execution graphs, one panel per model (SVG).
    pub svg: String,
}

/// One model's verdict on an observed state, with its reason.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelVerdict {
    pub model: String,
    /// `allowed`, `forbidden` or `unreachable`.
    pub verdict: String,
    /// The axiom a forbidden state breaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axiom: Option<String>,
    /// Its shortest cycle, edge by edge: `a -po-> b`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cycle: Vec<String>,
    /// One sentence: the relaxation that allows it, or the rule that forbids it.
    pub sentence: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScenarioOrigin {
    #[serde(rename = "crate")]
    pub krate: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Settings {
    /// `actors` (persistent pinned threads) or `spawn` (the article's harness).
    pub harness: String,
    /// `leak`, `arena` or `reuse`.
    pub memory: String,
    /// Number of actor threads of the scenario.
    pub actors: usize,
    /// CPU each actor (of copy 0) was pinned to; `null` where pinning was
    /// not done.
    pub pinned: Vec<Option<usize>>,
    /// Instances per batch between rendezvous (actors harness).
    pub batch: usize,
    /// `instance` (actors meet before every instance) or `batch`.
    pub sync: String,
    /// Random start delay bound after the gate (pause loops), 0 = none.
    #[serde(default)]
    pub skew: u32,
    /// With `sync` `flag`: instances per start flag; 1 otherwise, and in
    /// reports from before flag groups.
    #[serde(default = "one")]
    pub flag_group: usize,
    /// Roles permuted across actor threads every batch.
    #[serde(default)]
    pub shuffle: bool,
    /// Seed of the per-batch randomness (`--seed` replays it).
    #[serde(default)]
    pub seed: u64,
    pub stop_on_first: bool,
    /// Independent copies of the scenario run at once, each with its own
    /// actor threads and instances (1 in reports from before copies).
    #[serde(default = "one")]
    pub copies: usize,
    /// Where the copies ran; absent in reports from before placement was
    /// recorded. `pinned` above is copy 0's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<PlacementRecord>,
    /// Scenario parameters, e.g. {"increments": 1000}.
    #[serde(default)]
    pub params: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FirstAnomaly {
    /// 1-based iteration number, global over the whole invocation; with
    /// several copies counted copy-major (see
    /// [`PlacementRecord::iteration_order`]).
    pub iteration: u64,
    pub observed: serde_json::Value,
    pub expected: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    /// A number (sums, counts) or a string (litmus register tuples).
    pub observed: serde_json::Value,
    pub count: u64,
    /// `acceptable`, `interesting`, `forbidden` or `undeclared` (a user
    /// test's outcome it did not declare; fails the run like `forbidden`).
    pub class: String,
    /// What the test's declaration says of this outcome (user tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A data race of an RC11-consistent execution that ends in this state
    /// (litmus files with plain accesses): the racing accesses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub race: Option<String>,
}
