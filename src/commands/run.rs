//! `orderhunt run`.

use crate::engine;
use crate::engine::options::{
    check_engine, config_for, leak_bytes, mib, plan_for, show_progress, EngineArgs, MemoryArg,
};
use crate::engine::select::resolve_scenarios;
use crate::error::{Error, Result};
use crate::machine::placement::Plan;
use clap::Args;
use orderhunt_core::{Config, DynScenario, HarnessKind, Registry};
use std::path::PathBuf;
use std::time::SystemTime;

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
    #[arg(long, value_name = "SIZE", default_value = "2G", value_parser = crate::engine::options::parse_size)]
    pub max_memory: u64,

    /// Report file [default: results/<scenario>-<arch>-<host>-<UTC time>.json].
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Print the report to stdout (the summary then goes to stderr). With
    /// --json and no --out, no file is written.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub ci: crate::export::ci::CiArgs,

    #[command(flatten)]
    pub engine: EngineArgs,
}

/// The report written when an actor of `scenario` panics (see
/// [`engine::on_actor_panic`]): the results so far, plus this scenario with
/// the counts of its finished batches, marked interrupted and with the
/// error.
fn panic_hook(
    partial: crate::export::report::Report,
    scenario: &'static dyn DynScenario,
    cfg: Config,
    out_path: Option<PathBuf>,
    json: bool,
) -> Box<dyn Fn(&engine::ActorPanic) + Send> {
    let started = std::time::Instant::now();
    Box::new(move |p: &engine::ActorPanic| {
        let mut report = partial.clone();
        let tally = orderhunt_core::Tally {
            completed: p.completed,
            anomalies: p.anomalies,
            ..Default::default()
        };
        let mut r = crate::export::assemble::scenario_result(
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
        report.finished_at = crate::export::assemble::timestamp(SystemTime::now());
        match &out_path {
            Some(path) => match crate::export::json::write_report(path, &report) {
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
            plan_for(
                &args.engine,
                s.info().name,
                s.info().actors,
                c.harness == HarnessKind::Spawn,
            )
        })
        .collect::<Result<_>>()?;

    args.ci.check()?;

    let started = SystemTime::now();
    let mut report = crate::export::assemble::new_report("run", started);
    let out_path: Option<PathBuf> = match (&args.out, args.json) {
        (Some(p), _) => {
            crate::export::file::prepare_output("--out", p, false)?;
            Some(p.clone())
        }
        (None, true) => None,
        (None, false) => {
            let label = if args.scenarios.len() == 1 {
                args.scenarios[0].as_str()
            } else {
                "multi"
            };
            let p = crate::export::file::default_report_path(label, &report.machine, started);
            crate::export::file::prepare_output("--out", &p, true)?;
            Some(p)
        }
    };

    let stop = crate::engine::signals::install()
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
        if let Some(l) = crate::engine::litmus_file::loaded(scenario.info().name) {
            let log = crate::export::litmus7::litmus7_log(
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
        report.results.push(crate::export::assemble::result_of_run(
            *scenario, cfg, &outcome, plan, topology,
        ));
    }
    report.finished_at = crate::export::assemble::timestamp(SystemTime::now());

    if let Some(p) = &out_path {
        crate::export::json::write_report(p, &report)?;
    }
    args.ci.write(&report)?;
    let summary = crate::export::text::summary(&report);
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
    Ok(crate::export::assemble::exit_code(&report, &stop))
}
