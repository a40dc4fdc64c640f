//! The engine's options on the command line (shared by `run`, `soak` and a
//! user target's commands), and what they turn into: each scenario's run
//! settings, its placement, the leak budget.

use crate::error::{Error, Result};
use crate::machine::placement;
use clap::{Args, ValueEnum};
use orderhunt_core::harness::FLAG_GROUPS;
use orderhunt_core::scenario::Layout;
use orderhunt_core::{Config, DynScenario, HarnessKind, MemoryMode, Params, SyncMode};
use std::io::IsTerminal;

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum HarnessArg {
    /// Persistent actor threads pinned to cores, batches of fresh instances
    /// between spin rendezvous (fast; the default).
    Actors,
    /// The article's harness: spawn threads for every iteration (slow;
    /// for reproduction and as a baseline).
    Spawn,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryArg {
    /// Fresh memory every iteration, never freed (the article's choice).
    /// Refused when it would exceed --max-memory.
    Leak,
    /// Fresh addresses from a bounded ring of large buffers: flat memory
    /// for runs of any length.
    Arena,
    /// The same buffer every batch: hot caches, least memory.
    Reuse,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncArg {
    /// Before every instance its leader sets a start flag of its own and
    /// runs a full fence; the others spin on the flag and start the moment
    /// they see it (litmus7's `userfence`; the most weak outcomes per
    /// second measured). The leading role is drawn per batch, favouring
    /// roles whose lead found anomalies.
    Flag,
    /// Actors meet before every instance at a counting gate.
    Instance,
    /// A rotating leader posts each instance's start and does not wait for
    /// the others (litmus7's `user` barrier): cheaper, looser.
    Post,
    /// Actors meet only between batches.
    Batch,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutArg {
    /// Each shared variable on its own cache line.
    Separate,
    /// All shared variables in one cache line.
    Shared,
}

/// Options shared by `run` and `soak`.
#[derive(Args, Debug, Clone)]
pub struct EngineArgs {
    /// Harness that runs the iterations.
    #[arg(long, value_enum, default_value_t = HarnessArg::Actors)]
    pub harness: HarnessArg,

    /// How closely the actors are synchronized within a batch.
    #[arg(long, value_enum, default_value_t = SyncArg::Flag)]
    pub sync: SyncArg,

    /// Instances per batch between rendezvous [default: per scenario].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub batch: Option<u64>,

    /// After the start line, each actor waits a random 0..=N pause loops,
    /// drawn afresh every batch, so batches sweep the actors' relative
    /// start times (litmus7's timebase delays). 0 turns it off [default: 0
    /// with --sync flag, 4 with instance, post and batch].
    #[arg(long, value_name = "N")]
    pub skew: Option<u32>,

    /// With --sync flag: instances per start flag, run back to back after
    /// it (1, 2, 4, 8 or 16). Each instance is still a test of its own;
    /// the group shares the flag's cost. [default: 4 for litmus tests and
    /// files, 1 for the article's specimens and your own tests]
    #[arg(long, value_name = "N", value_parser = flag_group)]
    pub flag_group: Option<usize>,

    /// Give the actor threads a fresh random permutation of the roles every
    /// batch, so every role runs on every core (jcstress-style).
    #[arg(long)]
    pub shuffle: bool,

    /// Seed of the per-batch randomness (skew delays, role shuffles, which
    /// role leads each run of instances under --sync flag)
    /// [default: from the clock; the report records it, to replay a run].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub seed: Option<u64>,

    /// Litmus tests: where the shared variables sit.
    #[arg(long, value_enum, default_value_t = LayoutArg::Separate)]
    pub layout: LayoutArg,

    /// Counter specimens: `+= 1` per thread per iteration.
    #[arg(long, value_name = "N", default_value_t = orderhunt_core::scenario::DEFAULT_INCREMENTS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub increments: u64,

    /// Do not pin actor threads to cores.
    #[arg(long, conflicts_with_all = ["placement", "cpus"])]
    pub no_pin: bool,

    /// Independent copies of each scenario run at once, each with its own
    /// actor threads, instances and rendezvous; the iterations are split
    /// among them [default: auto: what the placement fits, for spread the
    /// usable physical cores / the scenario's actors; at least 1].
    #[arg(long, value_name = "N|auto", default_value = "auto", hide_default_value = true,
          value_parser = crate::machine::placement::parse_copies)]
    pub copies: crate::machine::placement::Copies,

    /// Where the actor threads run [default: spread].
    #[arg(long, value_enum, value_name = "HOW")]
    pub placement: Option<crate::machine::placement::Strategy>,

    /// Explicit CPUs, one group per copy, one CPU per actor: `--cpus 0,4
    /// 2,6` runs two copies, on CPUs 0 and 4 and on 2 and 6 (put it after
    /// the scenario names, or repeat the flag).
    #[arg(long, value_name = "CPUS", num_args = 1.., conflicts_with = "placement",
          value_parser = crate::machine::placement::parse_cpu_group_arg)]
    pub cpus: Vec<crate::machine::placement::CpuGroup>,

    /// Stop a scenario at its first anomaly, as the article does.
    #[arg(long)]
    pub stop_on_first: bool,

    /// Do not show a progress bar or warnings (the bar is also hidden when
    /// stderr is not a terminal).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Parses sizes like `512M`, `2G`, `1GiB`, `1000000` (bytes).
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write e.g. 512M or 4G"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(format!("unknown size unit in `{text}`; use K, M, G or T")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// Builds a scenario's run settings from the command line.
pub fn config_for(
    scenario: &dyn DynScenario,
    iterations: u64,
    memory: Option<MemoryArg>,
    engine: &EngineArgs,
) -> Config {
    let info = scenario.info();
    let sync = match engine.sync {
        SyncArg::Flag => SyncMode::Flag,
        SyncArg::Instance => SyncMode::Instance,
        SyncArg::Post => SyncMode::Post,
        SyncArg::Batch => SyncMode::Batch,
    };
    Config {
        iterations,
        harness: match engine.harness {
            HarnessArg::Actors => HarnessKind::Actors,
            HarnessArg::Spawn => HarnessKind::Spawn,
        },
        batch: engine.batch.map_or(info.default_batch, |b| b as usize),
        memory: match memory {
            None => info.default_memory,
            Some(MemoryArg::Leak) => MemoryMode::Leak,
            Some(MemoryArg::Arena) => MemoryMode::Arena,
            Some(MemoryArg::Reuse) => MemoryMode::Reuse,
        },
        sync,
        shuffle: engine.shuffle,
        skew: engine
            .skew
            .unwrap_or_else(|| orderhunt_core::harness::default_skew(sync)),
        seed: engine.seed.unwrap_or_else(clock_seed),
        stop_on_first: engine.stop_on_first,
        flag_group: engine.flag_group.unwrap_or(info.default_flag_group),
        params: Params {
            increments: engine.increments,
            layout: match engine.layout {
                LayoutArg::Separate => Layout::Separate,
                LayoutArg::Shared => Layout::Shared,
            },
        },
    }
}

/// Refuses option combinations that would silently mean something else.
pub fn check_engine(engine: &EngineArgs, memory: Option<MemoryArg>) -> Result<()> {
    if engine.harness == HarnessArg::Spawn
        && (engine.placement.is_some() || !engine.cpus.is_empty())
    {
        return Err(Error::usage(
            "--harness spawn starts fresh threads every iteration and never pins them: \
             --placement and --cpus need --harness actors",
        ));
    }
    if engine.flag_group.is_some()
        && (engine.sync != SyncArg::Flag || engine.harness == HarnessArg::Spawn)
    {
        return Err(Error::usage(
            "--flag-group sets the instances per start flag of --sync flag: \
             it needs --sync flag (the default) and --harness actors",
        ));
    }
    if engine.harness == HarnessArg::Spawn && memory == Some(MemoryArg::Arena) {
        return Err(Error::usage(
            "--harness spawn makes one instance per iteration and has no batch buffers: \
             use --memory leak (the article's) or --memory reuse with it",
        ));
    }
    Ok(())
}

/// Parses `--flag-group`: one of [`FLAG_GROUPS`].
fn flag_group(s: &str) -> std::result::Result<usize, String> {
    let n: usize = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if FLAG_GROUPS.contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "{n} is not one of {FLAG_GROUPS:?} (a group must divide the 16 instances of a leader's run)"
        ))
    }
}

/// A non-zero seed from the clock, for runs that name none.
pub fn clock_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    nanos.max(1)
}

/// Bytes a leak-mode run never frees: one instance per iteration (plus the
/// reference count block of the spawn harness's `Arc`).
pub fn leak_bytes(plans: &[(&'static dyn DynScenario, Config)]) -> u64 {
    plans
        .iter()
        .filter(|(_, c)| c.memory == MemoryMode::Leak)
        .map(|(s, c)| {
            let per = s.instance_bytes() as u64
                + if c.harness == HarnessKind::Spawn {
                    16
                } else {
                    0
                };
            c.iterations.saturating_mul(per)
        })
        .fold(0u64, u64::saturating_add)
}

pub fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1u64 << 20) as f64)
}

/// Whether to draw progress bars: stderr is a terminal (stdout may be
/// redirected, e.g. `--json > report.json`), and not --quiet.
pub fn show_progress(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// The plan for one scenario (`actors` threads per copy) on this machine,
/// from the command line; a placement the machine cannot satisfy is a
/// usage error (exit 2) naming the scenario and what is missing.
pub fn plan_for(
    engine: &EngineArgs,
    scenario: &str,
    actors: usize,
    spawn: bool,
) -> Result<placement::Plan> {
    let view = crate::machine::cpus();
    let request = if spawn || engine.no_pin {
        placement::Request::Unpinned
    } else if !engine.cpus.is_empty() {
        placement::Request::Cpus(engine.cpus.iter().map(|g| g.0.clone()).collect())
    } else {
        placement::Request::Strategy(engine.placement.unwrap_or(placement::Strategy::Spread))
    };
    placement::plan(
        &view.topology,
        &view.usable,
        view.budget,
        actors,
        engine.copies,
        &request,
    )
    .map_err(|e| crate::error::Error::usage(format!("{scenario}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("3X").is_err());
        assert!(parse_size("99999999999T").is_err());
    }
}
