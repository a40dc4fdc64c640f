//! The engine: starts the harness's threads, pins them to cores, shows
//! progress, passes on stop requests, and times the run.
//!
//! The harness itself (rendezvous, batches, judging) lives in the
//! `orderhunt-scenarios` crate, where loom and Miri can check it; this
//! module does what they cannot emulate: OS threads, affinity and clocks.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use orderhunt_scenarios::{Config, DynScenario, HarnessKind, Tally};
use std::time::{Duration, Instant};

/// Exit code when an actor thread panics (a bug, not a finding).
pub const EXIT_INTERNAL: i32 = 3;

/// How actor threads are placed on cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Actor i on core (offset + i) mod cores, when there are enough cores.
    Pinned { offset: usize },
    /// Let the OS scheduler place threads.
    Unpinned,
}

impl Placement {
    /// The placement `--no-pin` asks for.
    pub fn from_no_pin(no_pin: bool) -> Self {
        if no_pin {
            Placement::Unpinned
        } else {
            Placement::Pinned { offset: 0 }
        }
    }
}

/// What one scenario run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub tally: Tally,
    pub elapsed: Duration,
    /// Core per actor thread; None where the thread was not pinned.
    pub pinned: Vec<Option<usize>>,
    /// Why some actor was not pinned, if one was not.
    pub pin_warning: Option<String>,
    /// The run stopped before its iteration count (signal, deadline).
    pub interrupted: bool,
}

/// Progress display for one scenario.
pub fn progress_bar(visible: bool, name: &str, iterations: u64) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let len = if iterations == u64::MAX {
        0
    } else {
        iterations
    };
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr_with_hz(10));
    let template = if len == 0 {
        "{prefix:>20} {spinner} {human_pos} it  {elapsed}  {msg}"
    } else {
        "{prefix:>20} [{bar:28.cyan/blue}] {percent:>3}% {human_pos}/{human_len}  ETA {eta}  {msg}"
    };
    bar.set_style(
        ProgressStyle::with_template(template)
            .expect("valid progress template")
            .progress_chars("=> "),
    );
    bar.set_prefix(name.to_string());
    bar.set_message(status(0, 0, Duration::ZERO));
    bar
}

/// The progress bar's message: rate and anomalies so far.
fn status(completed: u64, anomalies: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        completed as f64 / secs
    } else {
        0.0
    };
    let rate = if rate >= 1e6 {
        format!("{:.2}M it/s", rate / 1e6)
    } else if rate >= 1e3 {
        format!("{:.1}k it/s", rate / 1e3)
    } else {
        format!("{rate:.0} it/s")
    };
    format!("{rate}  anomalies: {anomalies}")
}

/// Runs one scenario to completion, or until `should_stop` says so.
pub fn run_scenario(
    scenario: &'static dyn DynScenario,
    cfg: Config,
    placement: Placement,
    bar: &ProgressBar,
    should_stop: &(dyn Fn() -> bool + Sync),
) -> Outcome {
    let runner = scenario.runner(cfg);
    let threads = runner.threads();
    let (plan, pin_warning) = plan_pinning(cfg.harness, threads, placement);
    let started = Instant::now();
    let mut interrupted = false;
    let results: Vec<(bool, Option<Tally>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = plan
            .iter()
            .enumerate()
            .map(|(index, core)| {
                let runner = &runner;
                let core = *core;
                std::thread::Builder::new()
                    .name(format!("actor-{index}"))
                    .spawn_scoped(scope, move || {
                        let pinned = core.is_some_and(core_affinity::set_for_current);
                        let body = std::panic::AssertUnwindSafe(|| runner.run_thread(index));
                        match std::panic::catch_unwind(body) {
                            Ok(tally) => (pinned, tally),
                            Err(_) => {
                                // The other actors would wait for this one at
                                // the next rendezvous forever, and the scope
                                // would wait for them: end the process with
                                // a clear word instead of hanging a fleet job.
                                // (The panic message was already printed.)
                                eprintln!(
                                    "error: actor thread {index} of {} panicked: a bug in the \
                                     scenario or in orderhunt; no report written for this run \
                                     (a soak's last checkpoint stays)",
                                    scenario.info().name
                                );
                                std::process::exit(EXIT_INTERNAL);
                            }
                        }
                    })
                    .expect("spawning an actor thread")
            })
            .collect();
        while !handles.iter().all(|h| h.is_finished()) {
            std::thread::sleep(Duration::from_millis(20));
            let p = runner.progress();
            bar.set_position(p.completed());
            bar.set_message(status(p.completed(), p.anomalies(), started.elapsed()));
            if !interrupted && should_stop() {
                interrupted = true;
                p.request_stop();
            }
        }
        handles
            .into_iter()
            .map(|h| h.join().expect("an actor thread panicked"))
            .collect()
    });
    let elapsed = started.elapsed();
    let mut pinned = Vec::with_capacity(threads);
    let mut tally = None;
    let mut failed_pin = false;
    for ((ok, t), core) in results.into_iter().zip(&plan) {
        if core.is_some() && !ok {
            failed_pin = true;
        }
        pinned.push(if ok { core.map(|c| c.id) } else { None });
        if t.is_some() {
            tally = t;
        }
    }
    if cfg.harness == HarnessKind::Spawn {
        // The spawn harness's actors are fresh threads each iteration, never
        // pinned: record one null per actor.
        pinned = vec![None; scenario.info().actors];
    }
    let tally = tally.expect("the leader returns the tally");
    bar.set_position(tally.completed);
    bar.set_message(status(tally.completed, tally.anomalies, elapsed));
    let pin_warning = pin_warning.or_else(|| {
        failed_pin
            .then(|| "the OS refused to pin some actor threads; they ran unpinned".to_string())
    });
    Outcome {
        interrupted: interrupted && tally.completed < cfg.iterations,
        tally,
        elapsed,
        pinned,
        pin_warning,
    }
}

/// Chooses a core per thread, or says why threads run unpinned.
fn plan_pinning(
    harness: HarnessKind,
    threads: usize,
    placement: Placement,
) -> (Vec<Option<core_affinity::CoreId>>, Option<String>) {
    let unpinned = vec![None; threads];
    if harness == HarnessKind::Spawn {
        return (unpinned, None);
    }
    let offset = match placement {
        Placement::Unpinned => return (unpinned, None),
        Placement::Pinned { offset } => offset,
    };
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    if cores.is_empty() {
        return (
            unpinned,
            Some("cannot read this machine's cores; actor threads run unpinned".into()),
        );
    }
    if cores.len() < threads {
        return (
            unpinned,
            Some(format!(
                "{threads} actors but only {} usable cores: running unpinned (results are valid, \
                 hunting power is lower)",
                cores.len()
            )),
        );
    }
    let plan = (0..threads)
        .map(|i| Some(cores[(offset + i) % cores.len()]))
        .collect();
    (plan, None)
}
