//! The engine: starts the harness's threads, pins them to cores, shows
//! progress, passes on stop requests, and times the run.
//!
//! The harness itself (rendezvous, batches, judging) lives in the
//! `orderhunt-core` crate, where loom and Miri can check it; this folder
//! does what they cannot emulate: OS threads, affinity, clocks, signals,
//! and it turns a command line into scenarios (`select`, `litmus_file`)
//! and run settings (`options`).

pub mod explain;
pub mod litmus_file;
pub mod options;
pub mod select;
pub mod signals;

use crate::machine::placement::Plan;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use orderhunt_core::{Config, DynScenario, HarnessKind, Runner, Tally};
use std::time::{Duration, Instant};

/// Exit code when an actor thread panics (a bug, not a finding).
pub const EXIT_INTERNAL: i32 = 3;

/// A `random` placement draws CPUs afresh every round of this many batches
/// per copy (the harness pins its threads once per run, so a round is one
/// run of fresh runners; see [`run_scenario`]).
pub const RANDOM_ROUND_BATCHES: u64 = 64;

/// What one copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyOutcome {
    /// CPU per actor thread in the first round; None where not pinned.
    pub pinned: Vec<Option<usize>>,
    /// This copy's own counts (its iterations numbered 1.. locally).
    pub tally: Tally,
}

/// An actor thread that panicked: which, and its panic message.
#[derive(Debug, Clone)]
pub struct ActorPanic {
    pub scenario: String,
    pub copy: usize,
    /// The actor thread's index (its role, unless `--shuffle` permutes
    /// the roles).
    pub actor: usize,
    pub message: String,
    /// Display counters at the time: iterations completed by the copies'
    /// finished batches, and anomalies among them.
    pub completed: u64,
    pub anomalies: u64,
}

impl std::fmt::Display for ActorPanic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "scenario `{}`: actor {} panicked (copy {}): {}",
            self.scenario, self.actor, self.copy, self.message
        )
    }
}

type PanicHook = Box<dyn Fn(&ActorPanic) + Send>;

/// What the command does when an actor panics, before the process exits
/// with [`EXIT_INTERNAL`]: `run` and `soak` write the report so far, with
/// the scenario marked. The other actors wait at a rendezvous for the one
/// that panicked, so the engine cannot return normally.
static PANIC_HOOK: std::sync::Mutex<Option<PanicHook>> = std::sync::Mutex::new(None);

/// Sets (or, with None, clears) the hook [`PANIC_HOOK`] describes.
pub fn on_actor_panic(hook: Option<PanicHook>) {
    *PANIC_HOOK.lock().unwrap_or_else(|e| e.into_inner()) = hook;
}

/// The message of a panic payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(a panic without a message)".to_string())
}

/// If an actor panicked: says so, runs the command's hook (which writes
/// the report) and ends the process with [`EXIT_INTERNAL`].
fn end_if_panicked(
    panicked: &std::sync::Mutex<Option<ActorPanic>>,
    completed: u64,
    anomalies: u64,
    bar: &ProgressBar,
) {
    let fatal = panicked.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(mut p) = fatal {
        p.completed = completed;
        p.anomalies = anomalies;
        bar.abandon();
        eprintln!("error: {p}");
        if let Some(hook) = PANIC_HOOK
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            hook(&p);
        }
        std::process::exit(EXIT_INTERNAL);
    }
}

/// What one scenario run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// All copies merged, copy-major (see [`merge_copies`]).
    pub tally: Tally,
    pub elapsed: Duration,
    /// Copy 0's CPU per actor thread; None where the thread was not pinned.
    pub pinned: Vec<Option<usize>>,
    /// Per copy, in copy order.
    pub copies: Vec<CopyOutcome>,
    /// Rounds run (1, or more for a `random` placement).
    pub rounds: u64,
    /// Why some actor was not pinned, if one was not.
    pub pin_warning: Option<String>,
    /// The run stopped before its iteration count (signal, deadline).
    pub interrupted: bool,
}

/// Splits `total` iterations over `copies`: copy i gets `total / copies`,
/// plus one for the first `total % copies` copies. Deterministic, and the
/// shares add up to `total` exactly.
pub fn split_iterations(total: u64, copies: usize) -> Vec<u64> {
    let c = copies.max(1) as u64;
    (0..c)
        .map(|i| total / c + u64::from(i < total % c))
        .collect()
}

/// The seed of copy `copy` in round `round`: the run's seed itself for
/// copy 0 in round 0 (so `--copies 1` replays a run of one copy), a
/// splitmix64 mix of the three otherwise (never 0).
pub fn copy_seed(seed: u64, copy: usize, round: u64) -> u64 {
    if copy == 0 && round == 0 {
        return seed;
    }
    let mixed = crate::machine::placement::splitmix(
        seed ^ crate::machine::placement::splitmix(((copy as u64) << 32) ^ round),
    );
    mixed.max(1)
}

/// Merges the copies' tallies **copy-major**: the global iteration number
/// of copy i's local iteration k is k plus the iterations completed by
/// copies 0..i. Counts and histograms add up exactly (the bounded
/// histogram keeps the first `MAX_OUTCOMES` distinct values in this
/// order; the rest go to `other`), and the first anomaly is that of the
/// lowest-numbered copy that saw one, at its global number.
pub fn merge_copies(tallies: &[Tally]) -> Tally {
    let mut out = Tally::new();
    for t in tallies {
        out.merge(t);
    }
    out
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

/// Runs one scenario to completion, or until `should_stop` says so, as
/// `plan.copies` independent copies: each copy has its own runner
/// (instances, rendezvous, progress counters) and its own actor threads,
/// pinned as the plan says. Nothing is shared between copies but this
/// thread's polling of their display counters.
///
/// The iterations are split with [`split_iterations`]. A `random` plan
/// runs in rounds of [`RANDOM_ROUND_BATCHES`] batches per copy, each round
/// with fresh runners, fresh threads and a fresh draw of CPUs; other plans
/// run one round. Copies merge copy-major ([`merge_copies`]).
pub fn run_scenario(
    scenario: &'static dyn DynScenario,
    cfg: Config,
    plan: &Plan,
    bar: &ProgressBar,
    should_stop: &(dyn Fn() -> bool + Sync),
) -> Outcome {
    let copies = plan.copies.max(1);
    let actors = scenario.info().actors;
    let shares = split_iterations(cfg.iterations, copies);
    let round_len = if plan.random_pool.is_some() {
        (cfg.batch.max(1) as u64).saturating_mul(RANDOM_ROUND_BATCHES)
    } else {
        u64::MAX
    };
    let spawn = cfg.harness == HarnessKind::Spawn;
    let mut tallies = vec![Tally::new(); copies];
    let mut pinned: Vec<Option<Vec<Option<usize>>>> = vec![None; copies];
    let mut failed_pin = false;
    let mut interrupted = false;
    let mut rounds = 0u64;
    let started = Instant::now();
    loop {
        let todo: Vec<(usize, u64)> = (0..copies)
            .map(|c| (c, (shares[c] - tallies[c].completed).min(round_len)))
            .filter(|&(_, n)| n > 0)
            .collect();
        let first_hit = cfg.stop_on_first && tallies.iter().any(|t| t.anomalies > 0);
        if todo.is_empty() || interrupted || first_hit || (rounds > 0 && should_stop()) {
            interrupted |= !todo.is_empty() && !first_hit;
            break;
        }
        let groups = if spawn {
            None
        } else {
            plan.draw(cfg.seed, rounds)
        };
        let runners: Vec<(usize, Box<dyn Runner>)> = todo
            .iter()
            .map(|&(c, n)| {
                let cfg = Config {
                    iterations: n,
                    seed: copy_seed(cfg.seed, c, rounds),
                    ..cfg
                };
                (c, scenario.runner(cfg))
            })
            .collect();
        let base: (u64, u64) = tallies
            .iter()
            .fold((0, 0), |a, t| (a.0 + t.completed, a.1 + t.anomalies));
        let results = run_round(
            scenario,
            &runners,
            groups.as_deref(),
            bar,
            base,
            started,
            should_stop,
            cfg.stop_on_first,
            &mut interrupted,
        );
        for ((c, _), (oks, tally)) in runners.iter().zip(results) {
            let group = groups.as_ref().and_then(|g| g.get(*c));
            let record: Vec<Option<usize>> = (0..oks.len())
                .map(|i| {
                    let cpu = group.and_then(|g| g.get(i).copied());
                    if cpu.is_some() && !oks[i] {
                        failed_pin = true;
                    }
                    cpu.filter(|_| oks[i])
                })
                .collect();
            if pinned[*c].is_none() {
                pinned[*c] = Some(record);
            }
            tallies[*c].merge(&tally);
        }
        rounds += 1;
    }
    let elapsed = started.elapsed();
    let tally = merge_copies(&tallies);
    bar.set_position(tally.completed);
    bar.set_message(status(tally.completed, tally.anomalies, elapsed));
    let copies: Vec<CopyOutcome> = tallies
        .into_iter()
        .zip(pinned)
        .map(|(tally, p)| CopyOutcome {
            // The spawn harness's actors are fresh threads each iteration,
            // never pinned: one null per actor.
            pinned: if spawn {
                vec![None; actors]
            } else {
                p.unwrap_or_else(|| vec![None; actors])
            },
            tally,
        })
        .collect();
    let pin_warning = plan.warning.clone().or_else(|| {
        failed_pin
            .then(|| "the OS refused to pin some actor threads; they ran unpinned".to_string())
    });
    Outcome {
        interrupted: interrupted && tally.completed < cfg.iterations,
        tally,
        elapsed,
        pinned: copies[0].pinned.clone(),
        copies,
        rounds,
        pin_warning,
    }
}

/// Tells the polling thread that an actor thread ended, when dropped.
struct Ended(std::sync::mpsc::Sender<()>);

impl Drop for Ended {
    fn drop(&mut self) {
        // The receiver lives until every actor thread is joined; a send can
        // fail only if it is gone, and then nobody is waiting.
        let _ = self.0.send(());
    }
}

/// Runs one round: every runner's threads at once, pinned to `groups[copy]`
/// when given, while this thread shows the summed progress and passes on
/// stop requests. Returns per runner (pinned-ok per thread, tally).
#[allow(clippy::too_many_arguments)]
fn run_round(
    scenario: &'static dyn DynScenario,
    runners: &[(usize, Box<dyn Runner>)],
    groups: Option<&[Vec<usize>]>,
    bar: &ProgressBar,
    base: (u64, u64),
    started: Instant,
    should_stop: &(dyn Fn() -> bool + Sync),
    stop_on_first: bool,
    interrupted: &mut bool,
) -> Vec<(Vec<bool>, Tally)> {
    let panicked: std::sync::Mutex<Option<ActorPanic>> = std::sync::Mutex::new(None);
    // Each actor thread sends one message as it ends, so this thread wakes
    // the moment the last one is done instead of at its next poll (the
    // poll's sleep used to add up to 20 ms to every run's elapsed time).
    let (ended_tx, ended_rx) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let panicked = &panicked;
        let mut handles = Vec::new();
        for (c, runner) in runners {
            let runner: &dyn Runner = runner.as_ref();
            let threads: Vec<_> = (0..runner.threads())
                .map(|index| {
                    let cpu = groups
                        .and_then(|g| g.get(*c))
                        .and_then(|g| g.get(index))
                        .map(|&id| core_affinity::CoreId { id });
                    let name = if runners.len() > 1 || *c > 0 {
                        format!("copy{c}-actor{index}")
                    } else {
                        format!("actor-{index}")
                    };
                    let ended = ended_tx.clone();
                    std::thread::Builder::new()
                        .name(name)
                        .spawn_scoped(scope, move || {
                            // Sends on drop: whether the body returns or
                            // panics, the polling thread hears of it.
                            let _ended = Ended(ended);
                            let pinned = cpu.is_some_and(core_affinity::set_for_current);
                            let body = std::panic::AssertUnwindSafe(|| runner.run_thread(index));
                            match std::panic::catch_unwind(body) {
                                Ok(tally) => (pinned, tally),
                                Err(payload) => {
                                    // The other actors would wait for this
                                    // one at the next rendezvous forever:
                                    // hand the panic to the polling thread,
                                    // which writes the report and ends the
                                    // process instead of hanging a fleet job.
                                    let mut slot =
                                        panicked.lock().unwrap_or_else(|e| e.into_inner());
                                    if slot.is_none() {
                                        *slot = Some(ActorPanic {
                                            scenario: scenario.info().name.to_string(),
                                            copy: *c,
                                            actor: index,
                                            message: panic_message(payload.as_ref()),
                                            completed: 0,
                                            anomalies: 0,
                                        });
                                    }
                                    (pinned, None)
                                }
                            }
                        })
                        .expect("spawning an actor thread")
                })
                .collect();
            handles.push(threads);
        }
        let stop_all = || {
            for (_, r) in runners {
                r.progress().request_stop();
            }
        };
        drop(ended_tx);
        let threads: usize = handles.iter().map(Vec::len).sum();
        let mut ended = 0;
        let mut first_stopped = false;
        while ended < threads {
            // Wakes at the next thread's end, or after 20 ms to update the
            // bar and poll for a stop.
            match ended_rx.recv_timeout(Duration::from_millis(20)) {
                Ok(()) => ended += 1,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                // Every sender is gone: every thread has ended.
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => ended = threads,
            }
            let (done, anomalies) = runners.iter().fold(base, |a, (_, r)| {
                let p = r.progress();
                (a.0 + p.completed(), a.1 + p.anomalies())
            });
            bar.set_position(done);
            bar.set_message(status(done, anomalies, started.elapsed()));
            end_if_panicked(panicked, done, anomalies, bar);
            if !*interrupted && should_stop() {
                *interrupted = true;
                stop_all();
            }
            // --stop-on-first: one copy's anomaly stops every copy at its
            // next batch boundary.
            if stop_on_first && !first_stopped && anomalies > 0 {
                first_stopped = true;
                stop_all();
            }
        }
        // Every thread finished; one may have panicked on the way out.
        let (done, anomalies) = runners.iter().fold(base, |a, (_, r)| {
            let p = r.progress();
            (a.0 + p.completed(), a.1 + p.anomalies())
        });
        end_if_panicked(panicked, done, anomalies, bar);
        handles
            .into_iter()
            .map(|threads| {
                let mut oks = Vec::new();
                let mut tally = None;
                for h in threads {
                    let (ok, t) = h.join().expect("an actor thread panicked");
                    oks.push(ok);
                    if t.is_some() {
                        tally = t;
                    }
                }
                (oks, tally.expect("the leader returns the tally"))
            })
            .collect()
    })
}
