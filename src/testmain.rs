//! The entry point of a user's test target: `orderhunt::main!(register)`.
//!
//! One `[[test]]` target with `harness = false` gives a crate's own
//! scenarios three ways:
//!
//! * `cargo test` runs every scenario as a quick smoke on the pinned
//!   actors harness (libtest's output and exit codes, so cargo and nextest
//!   read it), and `cargo test --test NAME -- --list` / `--exact NAME` /
//!   a filter behave as libtest's do;
//! * `cargo test --test NAME -- run SCENARIO --iterations 10000000` (or
//!   `list`, `soak`, `compare`, `report`, with every engine knob, `--json`,
//!   `--out`, `--junit`, `--summary`) is the whole orderhunt command line
//!   on the crate's scenarios;
//! * with `RUSTFLAGS="--cfg loom"` the same target explores every scenario
//!   under loom, and under `cargo miri test` it runs each one for a few
//!   iterations over several seeds under Miri.

use orderhunt_core::{DynScenario, Registry};
use std::ffi::OsString;
use std::time::Instant;

/// The subcommands that switch a test target from libtest mode to the
/// orderhunt command line.
const SUBCOMMANDS: &[&str] = &[
    "list", "run", "soak", "compare", "report", "predict", "help",
];

/// Iterations per scenario of the `cargo test` smoke run (override with
/// `ORDERHUNT_SMOKE_ITERATIONS`).
pub const SMOKE_ITERATIONS: u64 = 10_000;
/// Iterations per seed of the Miri run (override: `ORDERHUNT_MIRI_ITERATIONS`).
pub const MIRI_ITERATIONS: u64 = 6;
/// Seeds of the Miri run (override: `ORDERHUNT_MIRI_SEEDS`).
pub const MIRI_SEEDS: u64 = 4;

/// What libtest's command line asked for.
#[derive(Debug, Default, PartialEq, Eq)]
struct TestArgs {
    list: bool,
    exact: bool,
    ignored: bool,
    bench: bool,
    quiet: bool,
    terse: bool,
    filters: Vec<String>,
    skips: Vec<String>,
}

fn parse_test_args(args: &[String]) -> Result<TestArgs, String> {
    let mut t = TestArgs::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--list" => t.list = true,
            "--exact" => t.exact = true,
            "--ignored" => t.ignored = true,
            "--include-ignored" | "--nocapture" | "--show-output" | "--test" => {}
            "--bench" => t.bench = true,
            "-q" | "--quiet" => t.quiet = true,
            "--format" => match it.next().map(String::as_str) {
                Some("terse") => t.terse = true,
                Some("pretty") | Some("json") | Some("junit") => {}
                other => return Err(format!("unsupported --format {other:?}")),
            },
            "--skip" => t.skips.extend(it.next().cloned()),
            "--test-threads" | "--color" | "--logfile" | "-Z" | "--shuffle-seed" => {
                it.next();
            }
            s if s.starts_with("--format=") => t.terse = s == "--format=terse",
            s if s.starts_with("--test-threads=") || s.starts_with("--color=") => {}
            "--shuffle" | "--report-time" | "--ensure-time" | "--force-run-in-process" => {}
            s if s.starts_with('-') => {
                return Err(format!(
                    "unknown option `{s}`; for the orderhunt command line put a subcommand \
                     first (e.g. `-- run NAME --iterations 1000000`, `-- --help`)"
                ))
            }
            s => t.filters.push(s.to_string()),
        }
    }
    Ok(t)
}

impl TestArgs {
    fn selects(&self, name: &str) -> bool {
        let filtered = self.filters.is_empty()
            || self.filters.iter().any(|f| {
                if self.exact {
                    name == f
                } else {
                    name.contains(f.as_str())
                }
            });
        let skipped = self.skips.iter().any(|s| {
            if self.exact {
                name == s
            } else {
                name.contains(s.as_str())
            }
        });
        filtered && !skipped
    }
}

#[cfg_attr(loom, allow(dead_code))]
fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&v| v > 0)
        .unwrap_or(default)
}

/// The body of `orderhunt::main!`: runs `registry`'s scenarios as the
/// arguments ask; returns the exit code.
pub fn test_main(registry: Registry, args: impl IntoIterator<Item = OsString>) -> i32 {
    let args: Vec<OsString> = args.into_iter().collect();
    let registry: &'static Registry = Box::leak(Box::new(registry));
    // `cargo bench` adds `--bench` after the user's arguments; with a
    // subcommand it means nothing more.
    let mut args = args;
    if args.iter().skip(2).any(|a| a == "--bench")
        && args
            .get(1)
            .is_some_and(|a| SUBCOMMANDS.contains(&a.to_string_lossy().as_ref()))
    {
        args.retain(|a| a != "--bench");
    }
    let rest: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let first_word = rest.iter().find(|a| !a.starts_with('-'));
    let wants_cli = rest.first().is_some_and(|a| {
        SUBCOMMANDS.contains(&a.as_str()) || a == "--help" || a == "-h" || a == "--version"
    });
    if wants_cli {
        return crate::cli::main_with(registry, args);
    }
    let _ = first_word;
    if let Err(e) = registry.check() {
        eprintln!("error: {e}");
        return 2;
    }
    let targs = match parse_test_args(&rest) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let selected: Vec<&'static dyn DynScenario> = registry
        .all()
        .iter()
        .copied()
        .filter(|s| !targs.ignored && targs.selects(s.info().name))
        .collect();
    if targs.list {
        for s in &selected {
            println!("{}: test", s.info().name);
        }
        if !targs.terse {
            println!();
            println!("{} tests, 0 benchmarks", selected.len());
        }
        return 0;
    }
    let filtered_out = registry.len() - selected.len();
    println!();
    println!(
        "running {} test{}",
        selected.len(),
        if selected.len() == 1 { "" } else { "s" }
    );
    let started = Instant::now();
    let mut failed: Vec<(String, String)> = Vec::new();
    for s in &selected {
        let name = s.info().name;
        let verdict = check_one(*s, &targs);
        match verdict {
            Ok(note) => {
                println!("test {name} ... ok");
                if !note.is_empty() && !targs.quiet {
                    println!("    {note}");
                }
            }
            Err(why) => {
                println!("test {name} ... FAILED");
                failed.push((name.to_string(), why));
            }
        }
    }
    if !failed.is_empty() {
        println!();
        println!("failures:");
        for (name, why) in &failed {
            println!();
            println!("---- {name} ----");
            println!("{why}");
        }
        println!();
        println!("failures:");
        for (name, _) in &failed {
            println!("    {name}");
        }
    }
    println!();
    println!(
        "test result: {}. {} passed; {} failed; 0 ignored; 0 measured; {} filtered out; \
         finished in {:.2}s",
        if failed.is_empty() { "ok" } else { "FAILED" },
        selected.len() - failed.len(),
        failed.len(),
        filtered_out,
        started.elapsed().as_secs_f64()
    );
    println!();
    if failed.is_empty() {
        0
    } else {
        101
    }
}

/// One scenario, the way this build calls for: loom under `--cfg loom`,
/// a few seeds under Miri, else a smoke run on the pinned actors harness.
/// `Ok(note)` passes; `Err(why)` fails.
fn check_one(s: &'static dyn DynScenario, targs: &TestArgs) -> Result<String, String> {
    let _ = targs;
    #[cfg(loom)]
    {
        let e = orderhunt_core::check::explore(s, Default::default());
        let outcomes: Vec<String> = e
            .outcomes
            .iter()
            .map(|(t, c)| format!("{t} [{}]", c.as_str()))
            .collect();
        let name = s.info().name;
        return match (&e.failure, s.info().expectation) {
            (Some(why), orderhunt_core::Expectation::MustPass) => Err(format!(
                "orderhunt-loom: {name}: caught: {}\n(after {} complete executions; \
                 loom's report is printed above)",
                why.lines().next().unwrap_or(""),
                e.executions
            )),
            (Some(why), _) => Ok(format!(
                "orderhunt-loom: {name}: caught: {} (may-fail: expected)",
                why.lines().next().unwrap_or("")
            )),
            (None, _) if e.reached_interesting() => Ok(format!(
                "orderhunt-loom: {name}: caught: interesting outcome reachable in {} explored \
                 executions (preemption bound {}): {}",
                e.executions,
                std::env::var("LOOM_MAX_PREEMPTIONS").unwrap_or_else(|_| "3".into()),
                e.outcomes
                    .iter()
                    .filter(|(_, c)| *c == orderhunt_core::OutcomeClass::Interesting)
                    .map(|(t, _)| t.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            (None, _) => Ok(format!(
                "orderhunt-loom: {name}: clean: {} executions explored (preemption bound {}), \
                 outcomes: {}",
                e.executions,
                std::env::var("LOOM_MAX_PREEMPTIONS").unwrap_or_else(|_| "3".into()),
                outcomes.join(", ")
            )),
        };
    }
    #[cfg(all(miri, not(loom)))]
    {
        let n = env_u64("ORDERHUNT_MIRI_ITERATIONS", MIRI_ITERATIONS);
        let seeds = env_u64("ORDERHUNT_MIRI_SEEDS", MIRI_SEEDS);
        let r = orderhunt_core::check::miri_run(s, n, seeds);
        let name = s.info().name;
        return match &r.first_failing {
            Some(o) => Err(format!(
                "orderhunt-miri: {name}: failing outcome {o} ({} of {} iterations)",
                r.failing, r.iterations
            )),
            None if r.interesting > 0 => Ok(format!(
                "orderhunt-miri: {name}: caught: {} interesting outcome(s) in {} iterations \
                 over {} seeds, no UB",
                r.interesting, r.iterations, r.seeds
            )),
            None => Ok(format!(
                "orderhunt-miri: {name}: clean: {} iterations over {} seeds, no UB, no \
                 interesting outcome",
                r.iterations, r.seeds
            )),
        };
    }
    #[cfg(not(any(loom, miri)))]
    {
        smoke(s, targs.bench)
    }
}

/// A quick run on the real engine: pinned actors, default knobs.
#[cfg(not(any(loom, miri)))]
fn smoke(s: &'static dyn DynScenario, full: bool) -> Result<String, String> {
    use crate::engine;
    use crate::machine::placement::{plan, Copies, Request, Strategy};
    use orderhunt_core::{Config, HarnessKind, MemoryMode, SyncMode};
    let info = s.info();
    let iterations = if full {
        info.default_iterations
    } else {
        env_u64("ORDERHUNT_SMOKE_ITERATIONS", SMOKE_ITERATIONS).min(info.default_iterations)
    };
    let memory = if info.default_memory == MemoryMode::Leak {
        MemoryMode::Arena
    } else {
        info.default_memory
    };
    let cfg = Config {
        iterations,
        harness: HarnessKind::Actors,
        batch: info.default_batch,
        memory,
        sync: SyncMode::Instance,
        shuffle: false,
        skew: orderhunt_core::DEFAULT_SKEW,
        seed: crate::engine::options::clock_seed(),
        stop_on_first: false,
        params: Default::default(),
    };
    let bar = indicatif::ProgressBar::hidden();
    // One copy, its actors on distinct physical cores where possible: a
    // smoke shares the machine with other test binaries.
    let view = crate::machine::cpus();
    let spread = Request::Strategy(Strategy::Spread);
    let placement = plan(
        &view.topology,
        &view.usable,
        view.budget,
        info.actors,
        Copies::N(1),
        &spread,
    )
    .or_else(|_| {
        plan(
            &view.topology,
            &view.usable,
            view.budget,
            info.actors,
            Copies::N(1),
            &Request::Unpinned,
        )
    })
    .map_err(|e| format!("cannot place the actors: {e}"))?;
    let out = engine::run_scenario(s, cfg, &placement, &bar, &|| false);
    let t = &out.tally;
    let params = cfg.params;
    if t.forbidden > 0 {
        let first = t
            .outcomes
            .iter()
            .find(|(&o, _)| s.classify(o, &params).fails())
            .map(|(&o, _)| s.render(o).to_string())
            .unwrap_or_default();
        return Err(format!(
            "{} of {} iterations had a failing outcome; first failing outcome seen: {first}\n\
             (seed {}; rerun with `-- run {} --seed {}` for the full report)",
            t.forbidden, t.completed, cfg.seed, info.name, cfg.seed
        ));
    }
    Ok(if t.anomalies > 0 {
        format!(
            "{} interesting outcome(s) in {} iterations (may-fail: allowed)",
            t.anomalies, t.completed
        )
    } else {
        String::new()
    })
}

/// `fn main` of a user's test target: registers the crate's scenarios with
/// the given functions (each `fn(&mut orderhunt::Registry)`) and runs what
/// the command line asks (see the module docs).
///
/// ```ignore
/// // tests/hunt.rs, with `[[test]] name = "hunt" harness = false` in Cargo.toml
/// fn register(r: &mut orderhunt::Registry) {
///     r.add(my_crate::seqlock_test());
/// }
/// orderhunt::main!(register);
/// ```
#[macro_export]
macro_rules! main {
    ($($register:expr),+ $(,)?) => {
        fn main() {
            $crate::link_builtin();
            let mut registry = $crate::Registry::new(
                env!("CARGO_PKG_NAME"),
                env!("CARGO_PKG_VERSION"),
            );
            $( ($register)(&mut registry); )+
            ::std::process::exit($crate::test_main(registry, ::std::env::args_os()));
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn libtest_arguments_parse_as_cargo_and_nextest_send_them() {
        let t = parse_test_args(&args("--list --format terse")).unwrap();
        assert!(t.list && t.terse);
        let t = parse_test_args(&args("--exact seqlock --nocapture")).unwrap();
        assert!(t.exact && t.selects("seqlock") && !t.selects("seqlock-no-fence"));
        let t = parse_test_args(&args("seq --skip fence")).unwrap();
        assert!(t.selects("seqlock") && !t.selects("seqlock-no-fence"));
        let t = parse_test_args(&args("--test-threads 1 --color never")).unwrap();
        assert!(t.selects("anything"));
        assert!(parse_test_args(&args("--iterations 5")).is_err());
    }
}
