//! `orderhunt soak`: run scenarios for a duration, in time slices, into one
//! report that is checkpointed atomically.
//!
//! The soak cycles through the chosen scenarios (round robin). Each slice
//! runs one scenario with [`engine::run_scenario`] and an unbounded
//! iteration count; the slice's `should_stop` says stop when the slice ends,
//! a checkpoint is due, the soak's time is up, or a signal came. The
//! harness stops at its next batch boundary (milliseconds), and the slice's
//! counts are merged into the scenario's running [`Tally`], whose first
//! anomaly keeps a global iteration number.
//!
//! Every `--checkpoint` the whole report so far is rewritten atomically
//! (temp file, fsync, rename): a checkpoint is a valid report of everything
//! done until then, marked `"interrupted": true` because the soak has not
//! finished. `kill -9` leaves the last checkpoint intact. The first SIGINT
//! or SIGTERM stops the slice at the next batch and writes the final report
//! with `"interrupted": true` and the exact counts; a second signal exits at
//! once (code 130). A soak that runs its full duration writes a final
//! report with `"interrupted": false`.
//!
//! Memory is bounded for any duration: arena memory by default (leak mode
//! is refused), the histograms are bounded (`MAX_OUTCOMES`), and nothing
//! else grows with the number of slices.
//!
//! Every slice runs the scenario as `--copies` independent copies (placed
//! once, before the soak starts, so a placement the machine cannot satisfy
//! is exit 2 up front); the slice's copies merge copy-major, then into the
//! running tally, so the first anomaly is numbered slice after slice.
//!
//! In a soak report `iterations_requested` equals `iterations_completed`:
//! a soak asks for time, not for a count.

use crate::engine;
use crate::engine::options::{config_for, show_progress};
use crate::engine::options::{EngineArgs, MemoryArg};
use crate::engine::select::resolve_scenarios;
use crate::error::{Error, Result};
use crate::export::ci::CiArgs;
use crate::export::report::Report;
use crate::machine::placement::Plan;
use clap::Args;
use orderhunt_core::{Config, DynScenario, Tally};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

/// Arguments of `orderhunt soak`.
#[derive(Args, Debug)]
pub struct SoakArgs {
    /// Scenario names (see `orderhunt list`), or `all` [default: all].
    #[arg(value_name = "SCENARIO")]
    pub scenarios: Vec<String>,

    /// How long to run, e.g. 30s, 10m, 8h.
    #[arg(long, short = 'd', value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Duration,

    /// Rewrite the report (atomically) this often, e.g. 60s or 5m.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub checkpoint: Duration,

    /// Longest time slice of one scenario before the next one's turn
    /// (shortened so that every scenario gets a turn within --duration).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub slice: Duration,

    /// Where each iteration's state lives (leak is refused: a soak needs
    /// bounded memory).
    #[arg(long, value_enum, default_value_t = MemoryArg::Arena)]
    pub memory: MemoryArg,

    /// Report file [default: results/soak-<arch>-<host>-<UTC time>.json].
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub ci: CiArgs,

    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Parses `30s`, `10m`, `8h`, `1h 30m` (humantime); zero is refused.
pub fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    let d = humantime::parse_duration(text.trim())
        .map_err(|e| format!("`{text}` is not a duration ({e}); write e.g. 30s, 10m or 8h"))?;
    if d.is_zero() {
        return Err(format!(
            "`{text}` is zero; give a positive duration such as 30s"
        ));
    }
    Ok(d)
}

/// One scenario's running totals over all its slices.
struct Entry {
    scenario: &'static dyn DynScenario,
    cfg: Config,
    tally: Tally,
    elapsed: Duration,
    pinned: Vec<Option<usize>>,
    /// Where the copies run, each copy's counts over all its slices, and
    /// the latest slice's CPUs per copy.
    plan: Plan,
    copy_tallies: Vec<Tally>,
    copy_pins: Vec<Vec<Option<usize>>>,
    rounds: u64,
    note: Option<String>,
    slices: u64,
    /// Done for the rest of the soak (`--stop-on-first` and an anomaly).
    done: bool,
}

/// Builds the report of everything done so far.
fn build_report(base: &Report, entries: &[Entry], interrupted: bool) -> Report {
    let mut report = base.clone();
    report.finished_at = crate::export::assemble::timestamp(SystemTime::now());
    report.interrupted = interrupted;
    report.results = entries
        .iter()
        .filter(|e| e.slices > 0)
        .map(|e| {
            let mut r = crate::export::assemble::scenario_result(
                e.scenario,
                &e.cfg,
                e.tally.completed,
                &e.tally,
                e.elapsed,
                &e.pinned,
                interrupted,
            );
            crate::export::assemble::set_placement(
                &mut r,
                &e.plan,
                &crate::machine::cpus().topology,
                &e.copy_pins,
                &e.copy_tallies,
                e.rounds,
                e.note.clone(),
            );
            r
        })
        .collect();
    report
}

/// The slice length: `--slice`, shortened so that each scenario gets at
/// least one turn within the duration (but not below 100 ms).
fn slice_len(args: &SoakArgs, scenarios: usize) -> Duration {
    let fair = args.duration / scenarios.max(1) as u32;
    let ms = args.slice.min(fair).as_millis().max(100);
    Duration::from_millis(ms as u64)
}

pub fn run(registry: &orderhunt_core::Registry, args: &SoakArgs) -> Result<i32> {
    let names = if args.scenarios.is_empty() {
        vec!["all".to_string()]
    } else {
        args.scenarios.clone()
    };
    let scenarios = resolve_scenarios(registry, &names)?;
    crate::engine::options::check_engine(&args.engine, Some(args.memory))?;
    if args.memory == MemoryArg::Leak {
        return Err(Error::usage(
            "soak refuses --memory leak: it would grow without bound over the duration; \
             use --memory arena (the default: fresh addresses, bounded) or --memory reuse",
        ));
    }
    args.ci.check()?;

    let started = SystemTime::now();
    let base = crate::export::assemble::new_report("soak", started);
    let out_path = match &args.out {
        Some(p) => {
            crate::export::file::prepare_output("--out", p, false)?;
            p.clone()
        }
        None => {
            let p = crate::export::file::default_report_path("soak", &base.machine, started);
            crate::export::file::prepare_output("--out", &p, true)?;
            p
        }
    };

    let stop = crate::engine::signals::install()
        .map_err(|e| Error::io("cannot install the SIGINT/SIGTERM handler", e))?;
    let visible = show_progress(args.engine.quiet);
    let mut entries: Vec<Entry> = Vec::new();
    for &s in &scenarios {
        let cfg = config_for(s, u64::MAX, Some(args.memory), &args.engine);
        let spawn = cfg.harness == orderhunt_core::HarnessKind::Spawn;
        let plan =
            crate::engine::options::plan_for(&args.engine, s.info().name, s.info().actors, spawn)?;
        entries.push(Entry {
            scenario: s,
            cfg,
            tally: Tally::new(),
            elapsed: Duration::ZERO,
            pinned: Vec::new(),
            copy_tallies: vec![Tally::new(); plan.copies],
            copy_pins: Vec::new(),
            rounds: 0,
            note: None,
            plan,
            slices: 0,
            done: false,
        });
    }
    let slice = slice_len(args, entries.len());
    if !args.engine.quiet {
        eprintln!(
            "soak: {} scenario(s) for {}, slices of {}, checkpoint every {} to {}",
            entries.len(),
            humantime::format_duration(args.duration),
            humantime::format_duration(slice),
            humantime::format_duration(args.checkpoint),
            out_path.display()
        );
    }

    let t0 = Instant::now();
    let end = t0 + args.duration;
    let mut next_checkpoint = t0 + args.checkpoint;
    let mut turn = 0usize;
    let mut warned_pin = false;
    // The first round gives every scenario a turn, even when slow batches
    // have eaten the time (a report should name every chosen scenario); its
    // slices share the time left, so it normally ends well within it.
    let mut first_round = 0usize;
    'soak: while !stop.is_set() && (Instant::now() < end || first_round < entries.len()) {
        // The next scenario that is not done, round robin.
        let Some(index) = (0..entries.len())
            .map(|k| (turn + k) % entries.len())
            .find(|&i| !entries[i].done)
        else {
            break; // every scenario stopped on its first anomaly
        };
        let now = Instant::now();
        let slice = if first_round < entries.len() {
            let waiting = (entries.len() - first_round) as u32;
            first_round += 1;
            slice.min(end.saturating_duration_since(now) / waiting)
        } else {
            slice
        };
        turn = index + 1;
        let slice_end = (now + slice).min(end.max(now));
        // A slice runs in parts when a checkpoint falls inside it.
        loop {
            let part_end = slice_end.min(next_checkpoint);
            let should_stop = || stop.is_set() || Instant::now() >= part_end;
            let e = &mut entries[index];
            let bar = engine::progress_bar(visible, e.scenario.info().name, u64::MAX);
            // Every slice's copies get fresh seeds: the slice number mixes
            // into the seed (slice 0 keeps the soak's seed).
            let cfg = orderhunt_core::Config {
                seed: engine::copy_seed(e.cfg.seed, 0, e.slices),
                ..e.cfg
            };
            // An actor's panic ends the process: first the report of every
            // finished slice is written, the panicking scenario marked.
            let snapshot = build_report(&base, &entries, true);
            let name = entries[index].scenario.info().name;
            let path = out_path.clone();
            engine::on_actor_panic(Some(Box::new(move |p: &engine::ActorPanic| {
                let mut report = snapshot.clone();
                let error = format!(
                    "actor {} panicked (copy {}) in a later slice: {}",
                    p.actor, p.copy, p.message
                );
                match report.results.iter_mut().find(|r| r.scenario == name) {
                    Some(r) => r.error = Some(error),
                    None => eprintln!("note: `{name}` had no finished slice to report"),
                }
                match crate::export::json::write_report(&path, &report) {
                    Ok(()) => eprintln!("report: {} (marked interrupted)", path.display()),
                    Err(err) => eprintln!("error: {err}"),
                }
            })));
            let e = &mut entries[index];
            let outcome = engine::run_scenario(e.scenario, cfg, &e.plan, &bar, &should_stop);
            engine::on_actor_panic(None);
            bar.finish_and_clear();
            if let Some(w) = &outcome.pin_warning {
                if !args.engine.quiet && !warned_pin {
                    eprintln!("warning: {}: {w}", e.scenario.info().name);
                    warned_pin = true;
                }
            }
            e.tally.merge(&outcome.tally);
            e.elapsed += outcome.elapsed;
            e.pinned = outcome.pinned;
            for (t, copy) in e.copy_tallies.iter_mut().zip(&outcome.copies) {
                t.merge(&copy.tally);
            }
            e.copy_pins = outcome.copies.iter().map(|c| c.pinned.clone()).collect();
            e.rounds += outcome.rounds;
            e.note = outcome.pin_warning.clone();
            e.slices += 1;
            if e.cfg.stop_on_first && e.tally.anomalies > 0 {
                e.done = true;
            }
            let done = e.done;
            if stop.is_set() {
                break 'soak;
            }
            let now = Instant::now();
            if now >= next_checkpoint && now < end {
                let report = build_report(&base, &entries, true);
                if let Err(err) = crate::export::json::write_report(&out_path, &report) {
                    // A failed checkpoint must not end a long soak; the
                    // final write reports its own error.
                    eprintln!("warning: checkpoint failed: {err}");
                }
                while next_checkpoint <= now {
                    next_checkpoint += args.checkpoint;
                }
            }
            if done || now >= slice_end {
                break;
            }
        }
        if entries.iter().all(|e| e.done) {
            break;
        }
    }

    let interrupted = stop.is_set();
    let report = build_report(&base, &entries, interrupted);
    crate::export::json::write_report(&out_path, &report)?;
    args.ci.write(&report)?;
    print!("{}", crate::export::text::summary(&report));
    eprintln!("report: {}", out_path.display());
    if interrupted && !args.engine.quiet {
        eprintln!("interrupted: the report holds the exact counts of what ran");
    }
    Ok(crate::export::assemble::exit_code(&report, &stop))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("8h"), Ok(Duration::from_secs(8 * 3600)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("0s").unwrap_err().contains("zero"));
        assert!(parse_duration("soon").unwrap_err().contains("30s"));
    }
}
