//! The same scenario under loom and under Miri, with no second copy of it.
//!
//! * [`explore`] (with `--cfg loom`): loom runs one instance with the
//!   scenario's actors on loom threads, explores the executions loom can
//!   reach (by default at most 3 preemptions, `LOOM_MAX_PREEMPTIONS`
//!   overrides it), judges each one's outcome, and stops at the first
//!   failing outcome (forbidden or undeclared) or race, with loom's report.
//! * [`miri_run`] (any build; meant for `cargo miri test`): runs the
//!   scenario on the actors harness for a few iterations over several
//!   seeds, unpinned, so that Miri's data-race detector and weak-memory
//!   emulation see the scenario's code; undefined behaviour stops Miri
//!   itself, a failing outcome is returned.
//!
//! What loom does not model: it treats SeqCst accesses as AcqRel (a false
//! alarm on some SeqCst-only tests), its `fence(SeqCst)` is stronger than
//! C++20's, and it never produces load buffering (a load reading a store
//! that comes later in program order of another thread's po-later code).
//! What Miri does not model: load buffering either, and its weak-memory
//! emulation samples executions; a clean Miri run is evidence, not proof.

use crate::harness::{Config, HarnessKind, MemoryMode, SyncMode};
use crate::registry::DynScenario;
use crate::scenario::{OutcomeClass, Params, Tally};

/// What a Miri run of one scenario saw (when Miri found no UB).
#[derive(Debug, Clone, Default)]
pub struct MiriRun {
    /// Iterations run, over all seeds.
    pub iterations: u64,
    pub seeds: u64,
    /// Iterations whose outcome fails the run (forbidden, undeclared).
    pub failing: u64,
    /// Iterations with an interesting outcome.
    pub interesting: u64,
    /// The first failing outcome, rendered.
    pub first_failing: Option<String>,
    /// Distinct outcomes seen, rendered, with their class.
    pub outcomes: Vec<(String, OutcomeClass)>,
    /// How many iterations ended with each of `outcomes`, in that order.
    pub outcome_counts: Vec<u64>,
}

/// Runs `scenario` on the actors harness `seeds` times (seeds 1..=seeds)
/// of `iterations` each, on plain threads (no pinning: Miri emulates no
/// affinity calls). Shuffles roles and uses per-instance rendezvous, reuse
/// memory (no leaks for Miri's leak checker to report).
pub fn miri_run(scenario: &'static dyn DynScenario, iterations: u64, seeds: u64) -> MiriRun {
    let info = scenario.info();
    let params = Params::default();
    let mut out = MiriRun {
        seeds,
        ..MiriRun::default()
    };
    for seed in 1..=seeds {
        let cfg = Config {
            iterations,
            harness: HarnessKind::Actors,
            batch: iterations.clamp(1, 3) as usize,
            memory: MemoryMode::Reuse,
            sync: SyncMode::Instance,
            shuffle: true,
            skew: 0,
            seed,
            stop_on_first: false,
            flag_group: 1,
            params,
        };
        let tally = run_unpinned(scenario, cfg);
        out.iterations += tally.completed;
        for (&code, &count) in &tally.outcomes {
            let class = scenario.classify(code, &params);
            let text = scenario.render(code).to_string();
            if class.fails() {
                out.failing += count;
                if out.first_failing.is_none() {
                    out.first_failing = Some(text.clone());
                }
            } else if class == OutcomeClass::Interesting {
                out.interesting += count;
            }
            match out.outcomes.iter().position(|(t, _)| *t == text) {
                Some(i) => out.outcome_counts[i] += count,
                None => {
                    out.outcomes.push((text, class));
                    out.outcome_counts.push(count);
                }
            }
        }
    }
    let _ = info;
    out
}

/// Runs `scenario` with `cfg` on plain, unpinned std threads (one per
/// runner thread) and returns the leader's tally; an actor's panic is
/// passed on. For Miri and for tests: the binary's engine adds pinning,
/// copies, progress and stop requests.
#[doc(hidden)] // The catalog's and the interpreter's tests use it; not user API.
pub fn run_unpinned(scenario: &'static dyn DynScenario, cfg: Config) -> Tally {
    let runner = scenario.runner(cfg);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..runner.threads())
            .map(|i| {
                let r = &runner;
                s.spawn(move || r.run_thread(i))
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| match h.join() {
                Ok(t) => t,
                Err(p) => std::panic::resume_unwind(p),
            })
            .next()
            .expect("the leader returns the tally")
    })
}

/// What loom's exploration of one scenario found.
#[derive(Debug, Clone, Default)]
pub struct Exploration {
    /// Executions loom completed (counted by the model closure).
    pub executions: u64,
    /// Distinct outcomes reached, rendered, with their class.
    pub outcomes: Vec<(String, OutcomeClass)>,
    /// In how many explored executions each of `outcomes` was reached.
    pub outcome_counts: Vec<u64>,
    /// Why loom stopped: its report of a race (`Causality violation`),
    /// a failing outcome, or a panic in the scenario. `None`: every
    /// explored execution ended with a non-failing outcome.
    pub failure: Option<String>,
}

impl Exploration {
    /// Whether an interesting outcome was reached in some execution.
    pub fn reached_interesting(&self) -> bool {
        self.outcomes
            .iter()
            .any(|(_, c)| *c == OutcomeClass::Interesting)
    }
}

/// Explores `scenario` under loom (build with `--cfg loom`). Panics that
/// loom raises (a race, a deadlock, a failing outcome) are caught and
/// returned as [`Exploration::failure`]; loom has printed its report.
#[cfg(loom)]
pub fn explore(scenario: &'static dyn DynScenario, params: Params) -> Exploration {
    scenario.loom_explore(params)
}

#[cfg(loom)]
pub(crate) fn explore_typed<S: crate::scenario::Scenario>(
    scenario: &'static S,
    params: Params,
) -> Exploration {
    use std::sync::{Arc as StdArc, Mutex};
    let seen: StdArc<Mutex<Exploration>> = StdArc::default();
    let shared = seen.clone();
    let actors = scenario.info().actors;
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(3);
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        builder.check(move || {
            let instance = crate::sync::Arc::new(scenario.new_instance(&params));
            let handles: Vec<_> = (1..actors)
                .map(|a| {
                    let inst = instance.clone();
                    crate::sync::thread::spawn(move || scenario.act(a, &inst, &params))
                })
                .collect();
            scenario.act(0, &instance, &params);
            for h in handles {
                h.join().expect("an actor panicked");
            }
            // Joining every actor makes their work happen-before the judge.
            let mut tally = Tally::new();
            scenario.judge(std::slice::from_ref(&*instance), &params, &mut tally);
            let (&code, _) = tally.outcomes.iter().next().expect("one outcome");
            let class = scenario.classify(code, &params);
            let text = scenario.render(code).to_string();
            {
                let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                s.executions += 1;
                match s.outcomes.iter().position(|(t, _)| *t == text) {
                    Some(i) => s.outcome_counts[i] += 1,
                    None => {
                        s.outcomes.push((text.clone(), class));
                        s.outcome_counts.push(1);
                    }
                }
            }
            if class.fails() {
                panic!(
                    "{} outcome {text} of `{}` is reachable",
                    class.as_str(),
                    scenario.info().name
                );
            }
        });
    }));
    let mut out = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Err(panic) = result {
        let msg = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "loom stopped (see its report above)".to_string());
        out.failure = Some(msg);
    }
    out
}
