//! `orderhunt run`.

use crate::cli::{
    resolve_scenarios, EngineArgs, HarnessArg, LayoutArg, MemoryArg, RunArgs, SyncArg,
};
use crate::engine;
use crate::error::{Error, Result};
use crate::output;
use crate::placement::{self, Plan};
use orderhunt_scenarios::scenario::Layout;
use orderhunt_scenarios::{
    Config, DynScenario, HarnessKind, MemoryMode, Params, Registry, SyncMode,
};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::SystemTime;

/// Builds a scenario's run settings from the command line.
pub fn config_for(
    scenario: &dyn DynScenario,
    iterations: u64,
    memory: Option<MemoryArg>,
    engine: &EngineArgs,
) -> Config {
    let info = scenario.info();
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
        sync: match engine.sync {
            SyncArg::Instance => SyncMode::Instance,
            SyncArg::Post => SyncMode::Post,
            SyncArg::Batch => SyncMode::Batch,
        },
        shuffle: engine.shuffle,
        skew: engine.skew,
        seed: engine.seed.unwrap_or_else(clock_seed),
        stop_on_first: engine.stop_on_first,
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
    if engine.harness == HarnessArg::Spawn && memory == Some(MemoryArg::Arena) {
        return Err(Error::usage(
            "--harness spawn makes one instance per iteration and has no batch buffers: \
             use --memory leak (the article's) or --memory reuse with it",
        ));
    }
    Ok(())
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

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1u64 << 20) as f64)
}

/// Whether to draw progress bars: stderr is a terminal (stdout may be
/// redirected, e.g. `--json > report.json`), and not --quiet.
pub fn show_progress(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// The report written when an actor of `scenario` panics (see
/// [`engine::on_actor_panic`]): the results so far, plus this scenario with
/// the counts of its finished batches, marked interrupted and with the
/// error.
fn panic_hook(
    partial: crate::report::Report,
    scenario: &'static dyn DynScenario,
    cfg: Config,
    out_path: Option<PathBuf>,
    json: bool,
) -> Box<dyn Fn(&engine::ActorPanic) + Send> {
    let started = std::time::Instant::now();
    Box::new(move |p: &engine::ActorPanic| {
        let mut report = partial.clone();
        let tally = orderhunt_scenarios::Tally {
            completed: p.completed,
            anomalies: p.anomalies,
            ..Default::default()
        };
        let mut r = output::scenario_result(
            scenario,
            &cfg,
            cfg.iterations,
            &tally,
            started.elapsed(),
            &[],
            true,
        );
        r.error = Some(format!(
            "actor {} panicked (copy {}): {}",
            p.actor, p.copy, p.message
        ));
        report.results.push(r);
        report.interrupted = true;
        report.finished_at = output::timestamp(SystemTime::now());
        match &out_path {
            Some(path) => match output::write_report(path, &report) {
                Ok(()) => eprintln!(
                    "report: {} (the scenario is marked interrupted, with the error)",
                    path.display()
                ),
                Err(e) => eprintln!("error: {e}"),
            },
            None if json => println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("reports serialize")
            ),
            None => {}
        }
    })
}

pub fn run(registry: &Registry, args: &RunArgs) -> Result<i32> {
    let scenarios = resolve_scenarios(registry, &args.scenarios)?;
    check_engine(&args.engine, args.memory)?;
    let plans: Vec<(&'static dyn DynScenario, Config)> = scenarios
        .iter()
        .map(|s| {
            let n = args.iterations.unwrap_or(s.info().default_iterations);
            (*s, config_for(*s, n, args.memory, &args.engine))
        })
        .collect();

    let leak = leak_bytes(&plans);
    if leak > args.max_memory {
        return Err(Error::usage(format!(
            "this run would leak about {} (fresh memory per iteration, never freed), over \
             --max-memory {}; use --memory arena for bounded memory with fresh addresses, \
             or fewer --iterations, or raise --max-memory",
            mib(leak),
            mib(args.max_memory)
        )));
    }

    // Every scenario's placement, before any work: one that this machine
    // cannot satisfy is exit 2 with nothing run.
    let placements: Vec<Plan> = plans
        .iter()
        .map(|(s, c)| {
            placement::plan_for(
                &args.engine,
                s.info().name,
                s.info().actors,
                c.harness == HarnessKind::Spawn,
            )
        })
        .collect::<Result<_>>()?;

    args.ci.check()?;

    let started = SystemTime::now();
    let mut report = output::new_report("run", started);
    let out_path: Option<PathBuf> = match (&args.out, args.json) {
        (Some(p), _) => {
            output::prepare_output("--out", p, false)?;
            Some(p.clone())
        }
        (None, true) => None,
        (None, false) => {
            let label = if args.scenarios.len() == 1 {
                args.scenarios[0].as_str()
            } else {
                "multi"
            };
            let p = output::default_report_path(label, &report.machine, started);
            output::prepare_output("--out", &p, true)?;
            Some(p)
        }
    };

    let stop = crate::signals::install()
        .map_err(|e| Error::io("cannot install the SIGINT/SIGTERM handler", e))?;
    let visible = show_progress(args.engine.quiet);
    let topology = &crate::machine::cpus().topology;
    for ((scenario, cfg), plan) in plans.iter().zip(&placements) {
        if stop.is_set() {
            report.interrupted = true;
            break;
        }
        let bar = engine::progress_bar(visible, scenario.info().name, cfg.iterations);
        let should_stop = || stop.is_set();
        // An actor's panic ends the process (the other actors wait for it
        // forever); first the report so far is written, this scenario
        // marked with the counts of its finished batches.
        engine::on_actor_panic(Some(panic_hook(
            report.clone(),
            *scenario,
            *cfg,
            out_path.clone(),
            args.json,
        )));
        let outcome = engine::run_scenario(*scenario, *cfg, plan, &bar, &should_stop);
        engine::on_actor_panic(None);
        bar.finish();
        if let Some(w) = &outcome.pin_warning {
            if !args.engine.quiet {
                eprintln!("warning: {}: {w}", scenario.info().name);
            }
        }
        report.interrupted |= outcome.interrupted;
        if let Some(l) = crate::litmus_file::loaded(scenario.info().name) {
            let log = crate::litmus_file::litmus7_log(
                l,
                &outcome.tally.outcomes,
                outcome.tally.other,
                outcome.elapsed.as_secs_f64(),
            );
            // litmus7's log lines, for its scrapers: on stdout, unless
            // stdout carries the JSON report.
            if args.json {
                eprint!("{log}");
            } else {
                print!("{log}");
            }
        }
        report.results.push(output::result_of_run(
            *scenario, cfg, &outcome, plan, topology,
        ));
    }
    report.finished_at = output::timestamp(SystemTime::now());

    if let Some(p) = &out_path {
        output::write_report(p, &report)?;
    }
    args.ci.write(&report)?;
    let summary = output::summary(&report);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("reports serialize")
        );
        if !args.engine.quiet {
            eprint!("{summary}");
        }
    } else {
        print!("{summary}");
    }
    if let Some(p) = &out_path {
        if !args.engine.quiet || !args.json {
            eprintln!("report: {}", p.display());
        }
    }
    if report.interrupted && !args.engine.quiet {
        eprintln!("interrupted: the report holds the exact counts of what ran");
    }
    Ok(output::exit_code(&report, &stop))
}
