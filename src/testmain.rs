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

use orderhunt_core::{DynScenario, OutcomeClass, Registry};
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
pub const MIRI_ITERATIONS: u64 = crate::cargo::MIRI_ITERATIONS;
/// Seeds of the Miri run (override: `ORDERHUNT_MIRI_SEEDS`).
pub const MIRI_SEEDS: u64 = crate::cargo::MIRI_SEEDS;

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
    #[cfg(not(any(loom, miri)))]
    if rest.first().map(String::as_str) == Some(SMOKE_CHILD) {
        let name = rest.get(1).map(String::as_str).unwrap_or_default();
        return smoke_child(registry, name, rest.iter().any(|a| a == "--bench"));
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

/// The environment variable that asks for result lines (`cargo orderhunt`
/// sets it; a plain `cargo test` stays as libtest prints it).
pub const RESULTS_ENV: &str = "ORDERHUNT_RESULTS";

/// One machine-readable line per test and way, for `cargo orderhunt`:
/// `orderhunt-result: {json}` (way, test, verdict, what was checked),
/// printed when `ORDERHUNT_RESULTS=1`.
fn result_line(way: &str, test: &str, verdict: &str, fields: serde_json::Value) {
    if std::env::var(RESULTS_ENV).as_deref() != Ok("1") {
        return;
    }
    let mut v = serde_json::json!({ "way": way, "test": test, "verdict": verdict });
    if let (Some(m), serde_json::Value::Object(extra)) = (v.as_object_mut(), fields) {
        m.extend(extra);
    }
    println!("orderhunt-result: {v}");
}

/// Outcomes with their class and count, for the result line and notes.
#[cfg_attr(not(any(loom, miri)), allow(dead_code))]
fn outcome_rows(outcomes: &[(String, OutcomeClass)], counts: &[u64]) -> Vec<serde_json::Value> {
    outcomes
        .iter()
        .zip(counts.iter().chain(std::iter::repeat(&0)))
        .map(|((o, c), n)| serde_json::json!({ "outcome": o, "class": c.as_str(), "count": n }))
        .collect()
}

#[cfg_attr(not(any(loom, miri)), allow(dead_code))]
fn histogram_text(outcomes: &[(String, OutcomeClass)], counts: &[u64]) -> String {
    outcomes
        .iter()
        .zip(counts.iter().chain(std::iter::repeat(&0)))
        .map(|((o, c), n)| format!("{o} [{}] x{n}", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The one message for an outcome that fails a test: its class, the
/// outcome, and, for an undeclared one, how to declare it.
pub fn failing_outcome_text(class: OutcomeClass, outcome: &str) -> String {
    match class {
        OutcomeClass::Undeclared => format!(
            "undeclared outcome {outcome}: the test declares no class for it; declare it \
             with .acceptable({outcome}, \"why\"), .interesting(..) or .forbidden(..)"
        ),
        _ => format!("{} outcome {outcome}", class.as_str()),
    }
}

/// One scenario, the way this build calls for: loom under `--cfg loom`,
/// a few seeds under Miri, else a smoke run on the pinned actors harness.
/// `Ok(note)` passes; `Err(why)` fails. Under loom and Miri a verdict is
/// `clean` only when something was checked; otherwise it says `not
/// checked` and why (the test passes, the note says it loudly).
fn check_one(s: &'static dyn DynScenario, targs: &TestArgs) -> Result<String, String> {
    let _ = targs;
    #[cfg(loom)]
    {
        let name = s.info().name;
        let ways = s.ways();
        if let Some(why) = ways.loom_skip {
            result_line(
                "loom",
                name,
                "skipped",
                serde_json::json!({ "reason": why }),
            );
            return Ok(format!("orderhunt-loom: {name}: skipped: {why}"));
        }
        let e = orderhunt_core::check::explore(s, Default::default());
        let bound = std::env::var("LOOM_MAX_PREEMPTIONS").unwrap_or_else(|_| "3".into());
        let fields = |reason: &str| {
            serde_json::json!({
                "executions": e.executions,
                "preemption_bound": bound,
                "outcomes": outcome_rows(&e.outcomes, &e.outcome_counts),
                "reason": reason,
            })
        };
        let hist = histogram_text(&e.outcomes, &e.outcome_counts);
        if let Some(why) = &e.failure {
            let first = why.lines().next().unwrap_or("");
            let race = why.contains("Causality violation") || why.contains("race");
            if let (true, Some(dep)) = (race, ways.external_sync) {
                let reason = format!(
                    "loom reported a race on this test's own cells, but the test relies on \
                     synchronization loom cannot see ({dep}): the race may be a false alarm. \
                     Miri and hardware still check it. loom said: {first}"
                );
                result_line("loom", name, "not checked", fields(&reason));
                return Ok(format!("orderhunt-loom: {name}: not checked: {reason}"));
            }
            let mayfail = s.info().expectation == orderhunt_core::Expectation::MayFail;
            let verdict = if mayfail { "caught" } else { "FAILED" };
            result_line("loom", name, verdict, fields(first));
            return if mayfail {
                Ok(format!(
                    "orderhunt-loom: {name}: caught: {first} (may-fail: expected)"
                ))
            } else {
                Err(format!(
                    "orderhunt-loom: {name}: caught: {first}\n(after {} complete executions; \
                     loom's report is printed above)",
                    e.executions
                ))
            };
        }
        if e.executions <= 1 {
            let reason = format!(
                "loom explored {} execution(s): the actors made no operation loom models, so \
                 it had nothing to interleave. Synchronization inside a dependency that uses \
                 std atomics is invisible to loom; Miri and hardware still check it",
                e.executions
            );
            result_line("loom", name, "not checked", fields(&reason));
            return Ok(format!("orderhunt-loom: {name}: not checked: {reason}"));
        }
        if e.reached_interesting() {
            result_line(
                "loom",
                name,
                "caught",
                fields("interesting outcome reachable"),
            );
            return Ok(format!(
                "orderhunt-loom: {name}: caught: interesting outcome reachable in {} explored \
                 executions (preemption bound {bound}): {}",
                e.executions,
                e.outcomes
                    .iter()
                    .filter(|(_, c)| *c == OutcomeClass::Interesting)
                    .map(|(t, _)| t.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        result_line("loom", name, "clean", fields(""));
        return Ok(format!(
            "orderhunt-loom: {name}: clean: {} executions explored (preemption bound {bound}), \
             outcomes: {hist}",
            e.executions
        ));
    }
    #[cfg(all(miri, not(loom)))]
    {
        let name = s.info().name;
        if let Some(why) = s.ways().miri_skip {
            result_line(
                "miri",
                name,
                "skipped",
                serde_json::json!({ "reason": why }),
            );
            return Ok(format!("orderhunt-miri: {name}: skipped: {why}"));
        }
        let n = env_u64("ORDERHUNT_MIRI_ITERATIONS", MIRI_ITERATIONS);
        let seeds = env_u64("ORDERHUNT_MIRI_SEEDS", MIRI_SEEDS);
        let r = orderhunt_core::check::miri_run(s, n, seeds);
        let fields = |reason: &str| {
            serde_json::json!({
                "iterations": r.iterations,
                "seeds": r.seeds,
                "outcomes": outcome_rows(&r.outcomes, &r.outcome_counts),
                "reason": reason,
            })
        };
        let hist = histogram_text(&r.outcomes, &r.outcome_counts);
        if let Some(o) = &r.first_failing {
            let class = r
                .outcomes
                .iter()
                .find(|(t, _)| t == o)
                .map_or(OutcomeClass::Forbidden, |(_, c)| *c);
            let text = failing_outcome_text(class, o);
            result_line("miri", name, "FAILED", fields(&text));
            return Err(format!(
                "orderhunt-miri: {name}: {text} ({} of {} iterations over {} seeds); \
                 outcomes: {hist}",
                r.failing, r.iterations, r.seeds
            ));
        }
        if r.iterations == 0 || r.outcomes.is_empty() {
            let reason = "no iteration completed: nothing was checked";
            result_line("miri", name, "not checked", fields(reason));
            return Ok(format!("orderhunt-miri: {name}: not checked: {reason}"));
        }
        if r.interesting > 0 {
            result_line("miri", name, "caught", fields("interesting outcome seen"));
            return Ok(format!(
                "orderhunt-miri: {name}: caught: {} interesting outcome(s) in {} iterations \
                 over {} seeds, no UB; outcomes: {hist}",
                r.interesting, r.iterations, r.seeds
            ));
        }
        result_line("miri", name, "clean", fields(""));
        return Ok(format!(
            "orderhunt-miri: {name}: clean: {} iterations over {} seeds, no UB, no \
             interesting outcome; outcomes: {hist}",
            r.iterations, r.seeds
        ));
    }
    #[cfg(not(any(loom, miri)))]
    {
        smoke_isolated(s, targs.bench)
    }
}

/// A quick run on the real engine: pinned actors, default knobs.
#[cfg(not(any(loom, miri)))]
fn smoke(s: &'static dyn DynScenario, full: bool) -> Result<String, String> {
    use crate::engine;
    use crate::machine::placement::{plan, Copies, Request, Strategy};
    use orderhunt_core::{Config, HarnessKind, MemoryMode};
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
        sync: orderhunt_core::DEFAULT_SYNC,
        shuffle: false,
        skew: orderhunt_core::harness::default_skew(orderhunt_core::DEFAULT_SYNC),
        seed: crate::engine::options::clock_seed(),
        stop_on_first: false,
        flag_group: info.default_flag_group,
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
    let rows: Vec<serde_json::Value> = t
        .outcomes
        .iter()
        .map(|(&o, &n)| {
            serde_json::json!({
                "outcome": s.render(o).to_string(),
                "class": s.classify(o, &params).as_str(),
                "count": n,
            })
        })
        .collect();
    let bound = crate::stats::clopper_pearson_upper_one_sided(t.anomalies, t.completed, 0.95);
    let fields = |reason: &str| {
        serde_json::json!({
            "iterations": t.completed,
            "anomalies": t.anomalies,
            "anomaly_rate_upper_95": bound,
            "outcomes": rows,
            "seed": cfg.seed,
            "reason": reason,
        })
    };
    if t.forbidden > 0 {
        let (class, first) = t
            .outcomes
            .iter()
            .map(|(&o, _)| (s.classify(o, &params), o))
            .find(|(c, _)| c.fails())
            .map(|(c, o)| (c, s.render(o).to_string()))
            .unwrap_or((OutcomeClass::Forbidden, String::new()));
        let text = failing_outcome_text(class, &first);
        result_line("hardware", info.name, "FAILED", fields(&text));
        return Err(format!(
            "{} of {} iterations had a failing outcome; the first: {text}\n\
             (seed {}; rerun with `-- run {} --seed {}` for the full report)",
            t.forbidden, t.completed, cfg.seed, info.name, cfg.seed
        ));
    }
    let verdict = if t.anomalies > 0 { "caught" } else { "clean" };
    result_line("hardware", info.name, verdict, fields(""));
    Ok(if t.anomalies > 0 {
        format!(
            "{} interesting outcome(s) in {} iterations (may-fail: allowed)",
            t.anomalies, t.completed
        )
    } else {
        String::new()
    })
}

/// The hidden first argument with which a test target runs one smoke in
/// a child process of its own (see [`smoke_isolated`]).
const SMOKE_CHILD: &str = "__orderhunt-smoke";

/// Runs one smoke in a child process (this same executable), so that an
/// actor's panic, which leaves the other actors waiting at a rendezvous
/// and ends its process with exit 3, fails only that test, as libtest's
/// per-test isolation does. The child's result line is passed on.
#[cfg(not(any(loom, miri)))]
fn smoke_isolated(s: &'static dyn DynScenario, full: bool) -> Result<String, String> {
    let name = s.info().name;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this test binary: {e}"))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg(SMOKE_CHILD).arg(name);
    if full {
        cmd.arg("--bench");
    }
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run this test binary for `{name}`: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut verdict: Option<Result<String, String>> = None;
    for line in stdout.lines() {
        if line.starts_with("orderhunt-result: ") {
            println!("{line}");
        } else if let Some(json) = line.strip_prefix("orderhunt-smoke: ") {
            let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
            let text = v["text"].as_str().unwrap_or_default().to_string();
            verdict = Some(if v["ok"].as_bool() == Some(true) {
                Ok(text)
            } else {
                Err(text)
            });
        }
    }
    match verdict {
        Some(v) => v,
        None => {
            let why = stderr
                .lines()
                .rfind(|l| l.starts_with("error: "))
                .map(|l| l.trim_start_matches("error: ").to_string())
                .unwrap_or_else(|| format!("the smoke process ended with {}", out.status));
            result_line(
                "hardware",
                name,
                "FAILED",
                serde_json::json!({ "reason": why.clone() }),
            );
            Err(format!(
                "{why}\n(the smoke ran in its own process: {})",
                out.status
            ))
        }
    }
}

/// The child side of [`smoke_isolated`]: one smoke, its verdict as one
/// JSON line.
#[cfg(not(any(loom, miri)))]
fn smoke_child(registry: &'static Registry, name: &str, full: bool) -> i32 {
    let Some(s) = registry.find(name) else {
        eprintln!("error: no test named `{name}`");
        return 2;
    };
    let r = smoke(s, full);
    let (ok, text) = match &r {
        Ok(t) => (true, t.clone()),
        Err(t) => (false, t.clone()),
    };
    println!(
        "orderhunt-smoke: {}",
        serde_json::json!({ "ok": ok, "text": text })
    );
    i32::from(!ok)
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
