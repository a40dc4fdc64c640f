//! Command-line interface: the clap definitions and dispatch.

use crate::error::{Error, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use orderhunt_scenarios::Registry;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  orderhunt list                                   the specimens and what they teach
  orderhunt run array-passing                      250,000 handoffs, pinned actors
  orderhunt run all --iterations 1000              a CI smoke run of every specimen
  orderhunt run counter-race --iterations 1 --increments 1000000 --harness spawn
                                                   the article's example 01, exactly
  orderhunt soak --duration 8h --checkpoint 5m     a nightly soak of every specimen

Exit codes: 0 every expectation held; 1 a must-pass specimen showed an anomaly
(a forbidden outcome); 2 bad usage or input (nothing is written).";

/// Hunts memory-ordering bugs: runs right and wrong synchronization
/// specimens millions of times on real hardware, with pinned threads and
/// fresh memory per iteration, and writes JSON reports to compare machines.
#[derive(Parser, Debug)]
#[command(name = "orderhunt", version = crate::machine::VERSION, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the scenarios: name, expectation, the article's example, what it does.
    List(ListArgs),
    /// Run scenarios on this machine and write a JSON report.
    Run(RunArgs),
    /// Run scenarios for a duration in time slices, checkpointing one report.
    Soak(crate::soak::SoakArgs),
    /// Compare reports from several machines side by side, with statistics.
    Compare(crate::compare::CompareArgs),
    /// Write a self-contained HTML page from reports (histograms, rate chart).
    Report(crate::html::ReportArgs),
    /// Which final states SC, x86-TSO, ARMv8 and RC11 allow for litmus files.
    Predict(crate::predict::PredictArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(crate::completions::CompletionsArgs),
    /// Print the man page (roff), or write every page into a folder.
    Man(crate::completions::ManArgs),
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print the list as JSON.
    #[arg(long)]
    pub json: bool,
}

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
    /// Actors meet before every instance (best at provoking races).
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
    #[arg(long, value_enum, default_value_t = SyncArg::Instance)]
    pub sync: SyncArg,

    /// Instances per batch between rendezvous [default: per scenario].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub batch: Option<u64>,

    /// After the start gate, each actor waits a random 0..=N pause loops,
    /// drawn afresh every batch, so batches sweep the actors' relative
    /// start times (litmus7's timebase delays). 0 turns it off.
    #[arg(long, value_name = "N", default_value_t = orderhunt_scenarios::harness::DEFAULT_SKEW)]
    pub skew: u32,

    /// Give the actor threads a fresh random permutation of the roles every
    /// batch, so every role runs on every core (jcstress-style).
    #[arg(long)]
    pub shuffle: bool,

    /// Seed of the per-batch randomness (skew delays, role shuffles)
    /// [default: from the clock; the report records it, to replay a run].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub seed: Option<u64>,

    /// Litmus tests: where the shared variables sit.
    #[arg(long, value_enum, default_value_t = LayoutArg::Separate)]
    pub layout: LayoutArg,

    /// Counter specimens: `+= 1` per thread per iteration.
    #[arg(long, value_name = "N", default_value_t = orderhunt_scenarios::scenario::DEFAULT_INCREMENTS,
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
          value_parser = crate::placement::parse_copies)]
    pub copies: crate::placement::Copies,

    /// Where the actor threads run [default: spread].
    #[arg(long, value_enum, value_name = "HOW")]
    pub placement: Option<crate::placement::Strategy>,

    /// Explicit CPUs, one group per copy, one CPU per actor: `--cpus 0,4
    /// 2,6` runs two copies, on CPUs 0 and 4 and on 2 and 6 (put it after
    /// the scenario names, or repeat the flag).
    #[arg(long, value_name = "CPUS", num_args = 1.., conflicts_with = "placement",
          value_parser = crate::placement::parse_cpu_group_arg)]
    pub cpus: Vec<crate::placement::CpuGroup>,

    /// Stop a scenario at its first anomaly, as the article does.
    #[arg(long)]
    pub stop_on_first: bool,

    /// Do not show a progress bar or warnings (the bar is also hidden when
    /// stderr is not a terminal).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario names (see `orderhunt list`), `all`, or C litmus files
    /// (herdtools7's format) and folders of them.
    #[arg(value_name = "SCENARIO|FILE.litmus|DIR", required = true)]
    pub scenarios: Vec<String>,

    /// Iterations per scenario [default: per scenario: 250000 for the
    /// article's specimens, 20000 for the counters, 1000000 for litmus
    /// tests; see `orderhunt list --json`].
    #[arg(long, short = 'n', value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub iterations: Option<u64>,

    /// Where each iteration's state lives [default: leak for the article's
    /// specimens, as the article does; reuse for the litmus catalog].
    #[arg(long, value_enum)]
    pub memory: Option<MemoryArg>,

    /// Refuse a leak-mode run that would leak more than this (e.g. 512M, 4G).
    #[arg(long, value_name = "SIZE", default_value = "2G", value_parser = parse_size)]
    pub max_memory: u64,

    /// Report file [default: results/<scenario>-<arch>-<host>-<UTC time>.json].
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Print the report to stdout (the summary then goes to stderr). With
    /// --json and no --out, no file is written.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub ci: crate::ci::CiArgs,

    #[command(flatten)]
    pub engine: EngineArgs,
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

/// Parses the process's command line and runs it on orderhunt's built-in
/// catalog; returns the process exit code.
pub fn main() -> i32 {
    let registry: &'static Registry = Box::leak(Box::new(Registry::builtin()));
    main_with(registry, std::env::args_os())
}

/// Parses `args` (the program name first) and runs it on `registry`'s
/// scenarios; returns the process exit code. The `main!` entry point of a
/// user's test target calls this for `list`, `run`, `soak` and the rest.
pub fn main_with(
    registry: &'static Registry,
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if let Err(e) = registry.check() {
        eprintln!("error: {e}");
        return 2;
    }
    match dispatch(registry, cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

fn dispatch(registry: &'static Registry, cli: Cli) -> Result<i32> {
    match cli.command {
        Command::List(args) => crate::list::run(registry, &args),
        Command::Run(args) => crate::run::run(registry, &args),
        Command::Soak(args) => crate::soak::run(registry, &args),
        Command::Compare(args) => crate::compare::run(&args, &mut std::io::stdout().lock()),
        Command::Report(args) => crate::html::run(&args),
        Command::Predict(args) => crate::predict::run(&args),
        Command::Completions(args) => crate::completions::run_completions(&args),
        Command::Man(args) => crate::completions::run_man(&args),
    }
}

/// Resolves scenario names (or `all`) to scenarios, in the given order,
/// without duplicates.
pub fn resolve_scenarios(
    registry: &Registry,
    names: &[String],
) -> Result<Vec<&'static dyn orderhunt_scenarios::DynScenario>> {
    let mut out: Vec<&'static dyn orderhunt_scenarios::DynScenario> = Vec::new();
    for name in names {
        let found: Vec<_> = if crate::litmus_file::is_path(name) && registry.find(name).is_none() {
            let mut v = Vec::new();
            for path in crate::litmus_file::files_of(name)? {
                let l = crate::litmus_file::load(&path)?;
                let n = l.scenario.info().name;
                if out.iter().any(|o| o.info().name == n) {
                    return Err(Error::usage(format!(
                        "{}: its test is named `{n}`, as is another scenario of this run; run \
                         them separately (reports key results by name)",
                        path.display()
                    )));
                }
                v.push(l.scenario);
            }
            v
        } else if name == "all" {
            registry.all().to_vec()
        } else {
            match registry.find(name) {
                Some(s) => vec![s],
                None => {
                    return Err(Error::usage(format!(
                        "unknown scenario `{name}`; run `orderhunt list` to see the names, or use `all`"
                    )))
                }
            }
        };
        for s in found {
            if !out.iter().any(|o| o.info().name == s.info().name) {
                out.push(s);
            }
        }
    }
    Ok(out)
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

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn resolve_rejects_unknown_and_dedups() {
        let reg = orderhunt_scenarios::registry::builtin();
        let err = resolve_scenarios(reg, &["nope".into()])
            .map(|v| v.len())
            .unwrap_err();
        assert!(err.to_string().contains("orderhunt list"));
        let v = resolve_scenarios(reg, &["array-passing".into(), "all".into()]).unwrap();
        assert_eq!(v[0].info().name, "array-passing");
        assert_eq!(v.len(), orderhunt_scenarios::all().len());
    }
}
