//! The harness run on the built-in catalog: every must-pass specimen in
//! every memory and sync mode, every scenario through the spawn harness,
//! a stop request, and the counting and numbering of every iteration when
//! the leader and the helper each judge part of a batch (unit tests of this crate, so that `cargo miri test
//! --lib` runs them too).

use crate as registry;
use orderhunt_core::harness::{Config, HarnessKind, MemoryMode, SyncMode};
use orderhunt_core::scenario::{Expectation, Info, Observed, OutcomeClass};
use orderhunt_core::sync::{AtomicU64, Ordering};
use orderhunt_core::{DynScenario, Params, Scenario, Tally};

fn cfg(iterations: u64, harness: HarnessKind, memory: MemoryMode, sync: SyncMode) -> Config {
    Config {
        iterations,
        harness,
        batch: 7,
        memory,
        sync,
        shuffle: false,
        skew: 0,
        seed: 0,
        stop_on_first: false,
        flag_group: 1,
        params: Params {
            increments: 10,
            ..Params::default()
        },
    }
}

fn run(sc: &'static dyn DynScenario, cfg: Config) -> Tally {
    let runner = sc.runner(cfg);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..runner.threads())
            .map(|i| {
                let r = &runner;
                s.spawn(move || r.run_thread(i))
            })
            .collect();
        let tallies: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(tallies.iter().filter(|t| t.is_some()).count(), 1);
        tallies.into_iter().flatten().next().unwrap()
    })
}

const N: u64 = if cfg!(miri) { 5 } else { 200 };

/// Every memory mode with every sync mode.
fn every_mode() -> impl Iterator<Item = (MemoryMode, SyncMode)> {
    [MemoryMode::Leak, MemoryMode::Arena, MemoryMode::Reuse]
        .into_iter()
        .flat_map(|memory| {
            [
                SyncMode::Flag,
                SyncMode::Instance,
                SyncMode::Batch,
                SyncMode::Post,
            ]
            .map(|sync| (memory, sync))
        })
}

#[test]
fn must_pass_scenarios_complete_every_iteration_cleanly_in_every_mode() {
    for sc in registry::all() {
        if sc.info().expectation != orderhunt_core::Expectation::MustPass {
            continue;
        }
        for (memory, sync) in every_mode() {
            // The scenario's own flag group (4 for the litmus catalog).
            let t = run(
                *sc,
                Config {
                    flag_group: sc.info().default_flag_group,
                    ..cfg(N, HarnessKind::Actors, memory, sync)
                },
            );
            assert_eq!(t.completed, N, "{} {memory:?} {sync:?}", sc.info().name);
            assert_eq!(t.anomalies, 0, "{} {memory:?} {sync:?}", sc.info().name);
            match sc.expected(&Params {
                increments: 10,
                ..Params::default()
            }) {
                // A single right answer (a sum, a count).
                orderhunt_core::Observed::Int(v) => assert_eq!(t.outcomes.get(&v), Some(&N)),
                // Litmus tests: several acceptable tuples; the litmus
                // module's tests check their histograms.
                orderhunt_core::Observed::Text(_) => {
                    assert_eq!(t.outcomes.values().sum::<u64>(), N)
                }
            }
        }
    }
}

/// Every scenario through the spawn harness: every iteration completes
/// and is judged, and the tally's classes are the scenario's own
/// classification of what was observed. A must-pass scenario shows only
/// its acceptable outcomes (its one right value, when it has one); no
/// scenario shows an outcome its model forbids. (Whether a may-fail
/// scenario shows its anomaly is up to the hardware: not asserted.)
#[cfg(not(miri))] // the wrong specimens are UB; Miri rightly stops on them
#[test]
fn every_scenario_runs_under_the_spawn_harness() {
    let params = Params {
        increments: 10,
        ..Params::default()
    };
    for sc in registry::all() {
        let name = sc.info().name;
        let t = run(
            *sc,
            cfg(3, HarnessKind::Spawn, MemoryMode::Reuse, SyncMode::Instance),
        );
        assert_eq!(t.completed, 3, "{name}");
        assert_eq!(t.other, 0, "{name}: outcomes outside the histogram: {t:?}");
        assert_eq!(t.outcomes.values().sum::<u64>(), 3, "{name}: {t:?}");
        // Re-classify every observed outcome: the tally's anomaly and
        // forbidden counts must be exactly what the scenario says.
        let (mut anomalies, mut forbidden) = (0, 0);
        for (&observed, &n) in &t.outcomes {
            let class = sc.classify(observed, &params);
            if class.is_anomaly() {
                anomalies += n;
            }
            if class == orderhunt_core::OutcomeClass::Forbidden {
                forbidden += n;
            }
        }
        assert_eq!(t.anomalies, anomalies, "{name}: {t:?}");
        assert_eq!(t.forbidden, forbidden, "{name}: {t:?}");
        assert_eq!(t.forbidden, 0, "{name}: a forbidden outcome: {t:?}");
        assert_eq!(t.first_anomaly.is_some(), t.anomalies > 0, "{name}: {t:?}");
        if sc.info().expectation == orderhunt_core::Expectation::MustPass {
            assert_eq!(t.anomalies, 0, "{name}: {t:?}");
            if let orderhunt_core::Observed::Int(v) = sc.expected(&params) {
                assert_eq!(t.outcomes.get(&v), Some(&3), "{name}: {t:?}");
            }
        }
    }
}

#[test]
fn stop_request_ends_the_run_early_with_exact_counts() {
    let sc = registry::find("counter-atomic").unwrap();
    let runner = sc.runner(cfg(
        u64::MAX,
        HarnessKind::Actors,
        MemoryMode::Reuse,
        SyncMode::Instance,
    ));
    let tally = std::thread::scope(|s| {
        let r = &runner;
        let h: Vec<_> = (0..r.threads())
            .map(|i| s.spawn(move || r.run_thread(i)))
            .collect();
        while r.progress().completed() < 20 {
            std::thread::yield_now();
        }
        r.progress().request_stop();
        h.into_iter()
            .filter_map(|h| h.join().unwrap())
            .next()
            .unwrap()
    });
    assert!(tally.completed >= 20);
    assert_eq!(tally.completed % 7, 0, "stops at a batch boundary");
    assert_eq!(
        tally.outcomes.values().sum::<u64>() + tally.other,
        tally.completed
    );
}

/// Two actors that only count their calls; each instance holds its
/// 0-based iteration number (instances are made and reset in iteration
/// order), and the iterations from `from` on are anomalies.
struct Numbered {
    next: AtomicU64,
    from: u64,
    /// `act` calls, all actors together.
    acted: AtomicU64,
}

static NUMBERED: Info = Info {
    name: "numbered",
    family: "test",
    expectation: Expectation::MayFail,
    article: None,
    summary: "",
    actors: 2,
    spawn_first: 0,
    default_iterations: 1,
    default_batch: 1,
    default_flag_group: 1,
    uses_increments: false,
    default_memory: MemoryMode::Reuse,
};

impl Scenario for Numbered {
    type Instance = AtomicU64;
    fn info(&self) -> &'static Info {
        &NUMBERED
    }
    fn new_instance(&self, _: &Params) -> AtomicU64 {
        // Relaxed: only the thread that makes a batch counts; the
        // barrier publishes the instances.
        AtomicU64::new(self.next.fetch_add(1, Ordering::Relaxed))
    }
    fn act(&self, _: usize, _: &AtomicU64, _: &Params) {
        // Relaxed: a count read after the run's threads are joined.
        self.acted.fetch_add(1, Ordering::Relaxed);
    }
    fn observe(&self, instance: &AtomicU64, _: &Params) -> u64 {
        // Relaxed: published to the judge by the closing barrier.
        instance.load(Ordering::Relaxed)
    }
    fn classify(&self, observed: u64, _: &Params) -> OutcomeClass {
        if observed >= self.from {
            OutcomeClass::Interesting
        } else {
            OutcomeClass::Acceptable
        }
    }
    fn expected(&self, _: &Params) -> Observed {
        Observed::Int(0)
    }
}

#[test]
fn every_mode_counts_each_iteration_once_and_numbers_the_first_anomaly() {
    // Batches of 7: double-buffered runs split each batch 3 + 4 between
    // the leader and the helper (iterations 9 and 12 fall in the two
    // halves of the second batch). The first anomaly keeps its number
    // wherever it falls, and every iteration is counted once.
    // Flag mode also with groups of 4 instances per flag: a batch of 7 is
    // a group of 4 and one of 3.
    let n: u64 = if cfg!(miri) { 20 } else { 100 };
    let modes: Vec<_> = every_mode()
        .map(|(m, s)| (m, s, 1))
        .chain(
            [MemoryMode::Leak, MemoryMode::Arena, MemoryMode::Reuse]
                .map(|m| (m, SyncMode::Flag, 4)),
        )
        .collect();
    for from in [0, 9, 12, n - 2, n - 1] {
        for &(memory, sync, flag_group) in &modes {
            let sc: &'static Numbered = Box::leak(Box::new(Numbered {
                next: AtomicU64::new(0),
                from,
                acted: AtomicU64::new(0),
            }));
            let t = run(
                sc,
                Config {
                    flag_group,
                    ..cfg(n, HarnessKind::Actors, memory, sync)
                },
            );
            let what = format!("from {from}, {memory:?}, {sync:?}, flag group {flag_group}");
            assert_eq!(t.completed, n, "{what}");
            // Relaxed: the run's threads are joined (see `acted`).
            assert_eq!(
                sc.acted.load(Ordering::Relaxed),
                2 * n,
                "{what}: every actor acts on every instance once"
            );
            assert_eq!(t.anomalies, n - from, "{what}");
            assert_eq!(t.first_anomaly, Some((from + 1, from)), "{what}");
            assert_eq!(t.outcomes.values().sum::<u64>() + t.other, n, "{what}");
            // Each iteration's own number, once: the histogram keeps the
            // first 64 seen.
            assert!(t.outcomes.iter().all(|(&k, &c)| k < 64 && c == 1), "{what}");
        }
    }
}
