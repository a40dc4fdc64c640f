//! loom model checks of every specimen and of the harness's own
//! synchronization.
//!
//! Run with `scripts/loom.sh` (that is,
//! `RUSTFLAGS="--cfg loom" cargo test -p orderhunt-scenarios --release`).
//!
//! * A wrong specimen must be *caught*: the model is run inside
//!   `catch_unwind` and the test asserts that loom's panic message names a
//!   causality violation (loom 0.7: "Causality violation: Concurrent ...").
//!   Any other panic, or no panic at all, fails the test.
//! * A right specimen must pass every explored execution, and the test
//!   asserts the observed value in each of them.
//! * The harness's rendezvous (`SpinBarrier`, `InstanceGate`) and the whole
//!   `ActorsRunner::run_actor` loop get the same treatment.
//!
//! Instances are shared with loom threads through `std::sync::Arc`, not
//! loom's: loom's `Arc` calls into loom's runtime from its `Drop`, and a
//! caught violation unwinds through the threads that hold it, where a
//! second panic would abort the whole test binary. The instances themselves
//! hold only loom cells and atomics, which have no `Drop`, and the
//! specimens' hand-made Arc has no `Drop` either (its drop is the explicit
//! `release_*` call), so a caught violation is a clean test failure.
//!
//! Each test prints one `loom-verdict: <name> <expected> <verdict>` line,
//! which `scripts/loom.sh` collects into the verdict table.
#![cfg(loom)]

use orderhunt_core::harness::{
    flag_pass, ActorsRunner, Config, HarnessKind, InstanceGate, MemoryMode, SpinBarrier, SyncMode,
};
use orderhunt_core::sync::{AtomicU32, AtomicUsize, Ordering, UnsafeCell};
use orderhunt_core::{Expectation, Observed, Params, Scenario};
use orderhunt_scenarios as registry;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc as StdArc;

/// The substring every loom data-race report starts with.
const CAUSALITY: &str = "Causality violation";

/// Default preemption bound when `LOOM_MAX_PREEMPTIONS` is not set. loom
/// then explores every execution with at most 3 preemptions, not every
/// execution: a verdict here is "in every explored execution". The
/// specimens are two threads with a handful of operations each, and the
/// bound keeps the harness's barrier loops (which yield on every spin)
/// affordable.
const DEFAULT_PREEMPTIONS: usize = 3;

fn builder() -> loom::model::Builder {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(DEFAULT_PREEMPTIONS);
    }
    b
}

fn verdict_line(name: &str, expected: &str, verdict: &str) {
    // One machine-readable line per test, collected by scripts/loom.sh.
    println!("loom-verdict: {name} {expected} {verdict}");
}

/// Runs `model` under loom, which must pass every explored execution.
/// Prints how many executions loom explored and returns that number.
fn check_clean(label: &str, model: impl Fn() + Sync + Send + 'static) -> usize {
    let executions = StdArc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = executions.clone();
    builder().check(move || {
        model();
        // Relaxed: a plain count of executions, read after `check` returns
        // on this same thread; it orders nothing.
        seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    // Relaxed: see above.
    let n = executions.load(std::sync::atomic::Ordering::Relaxed);
    assert!(n > 0, "{label}: loom explored no execution");
    eprintln!("{label}: clean in {n} executions");
    n
}

/// The text of a panic payload.
fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// Runs `model` under loom and asserts that loom reports a causality
/// violation whose message contains `expect` (a more specific substring).
/// Returns loom's message.
fn assert_caught(name: &str, expect: &str, model: impl Fn() + Sync + Send + 'static) -> String {
    let result = catch_unwind(AssertUnwindSafe(|| builder().check(model)));
    let message = match result {
        Ok(()) => panic!("{name}: loom explored every execution and found no violation"),
        Err(payload) => payload_text(&*payload),
    };
    assert!(
        message.contains(CAUSALITY),
        "{name}: loom panicked, but not with a causality violation: {message}"
    );
    assert!(
        message.contains(expect),
        "{name}: expected a violation containing {expect:?}, got: {message}"
    );
    message
}

/// One iteration of a specimen: a fresh instance, every actor on its own
/// loom thread, `observe` after joining them all (the join is the
/// happens-before the harness's barrier provides on hardware).
fn one_iteration<S: Scenario>(scenario: &'static S, params: Params) -> u64 {
    let instance = StdArc::new(scenario.new_instance(&params));
    let actors = scenario.info().actors;
    let handles: Vec<_> = (1..actors)
        .map(|actor| {
            let instance = instance.clone();
            loom::thread::spawn(move || scenario.act(actor, &instance, &params))
        })
        .collect();
    scenario.act(0, &instance, &params);
    for h in handles {
        h.join().expect("an actor panicked");
    }
    scenario.observe(&instance, &params)
}

/// Default parameters with `n` increments per counter thread.
// `..default()` keeps this compiling when Params gains fields.
#[allow(clippy::needless_update)]
fn increments(n: u64) -> Params {
    Params {
        increments: n,
        ..Params::default()
    }
}

fn expected_int<S: Scenario>(scenario: &S, params: &Params) -> u64 {
    match scenario.expected(params) {
        Observed::Int(v) => v,
        other => panic!("expected an integer outcome, got {other}"),
    }
}

/// A wrong specimen: loom must report the race.
fn check_wrong<S: Scenario>(scenario: &'static S, params: Params, expect: &str) {
    let name = scenario.info().name;
    assert_eq!(scenario.info().expectation, Expectation::MayFail, "{name}");
    let model = move || {
        one_iteration(scenario, params);
    };
    let message = match catch_unwind(AssertUnwindSafe(|| assert_caught(name, expect, model))) {
        Ok(message) => message,
        Err(payload) => {
            // loom found no violation (or another one): record what it
            // computed, then fail the test.
            let message = payload_text(&*payload);
            let got = if message.contains("found no violation") {
                "clean"
            } else {
                "error"
            };
            verdict_line(name, "caught", got);
            std::panic::resume_unwind(payload);
        }
    };
    let first = message.lines().next().unwrap_or("").to_string();
    eprintln!("{name}: caught as expected: {first}");
    verdict_line(name, "caught", "caught");
}

/// A right specimen: every explored execution observes the expected value.
fn check_right<S: Scenario>(scenario: &'static S, params: Params) {
    let name = scenario.info().name;
    assert_eq!(scenario.info().expectation, Expectation::MustPass, "{name}");
    let expected = expected_int(scenario, &params);
    let result = catch_unwind(AssertUnwindSafe(|| {
        check_clean(name, move || {
            let observed = one_iteration(scenario, params);
            assert_eq!(observed, expected, "{name}: observed value");
        })
    }));
    if let Err(payload) = result {
        // Still a verdict loom computed: record it, then fail the test.
        let message = payload_text(&*payload);
        let got = if message.contains(CAUSALITY) {
            "caught"
        } else {
            "error"
        };
        verdict_line(name, "clean", got);
        std::panic::resume_unwind(payload);
    }
    eprintln!("{name}: observed {expected} in every execution");
    verdict_line(name, "clean", "clean");
}

// ----- the seven specimens ------------------------------------------------

#[test]
fn counter_race_is_caught() {
    // Two threads each do one plain `+= 1`: two unordered writes.
    check_wrong(
        &registry::COUNTER_RACE,
        increments(1),
        "Concurrent write accesses",
    );
}

#[test]
fn counter_atomic_is_clean() {
    check_right(&registry::COUNTER_ATOMIC, increments(2));
}

#[test]
fn array_passing_is_caught() {
    // The consumer reads the array its Relaxed load led it to, unordered
    // with the producer's writes.
    check_wrong(
        &registry::ARRAY_PASSING,
        Params::default(),
        "Concurrent read and write accesses",
    );
}

#[test]
fn array_passing_fixed_is_clean() {
    check_right(&registry::ARRAY_PASSING_FIXED, Params::default());
}

#[test]
fn arc_relaxed_is_caught() {
    // The last dropper reads the other holder's slot, unordered with its
    // write because the decrements are Relaxed.
    check_wrong(
        &registry::ARC_RELAXED,
        Params::default(),
        "Concurrent read and write accesses",
    );
}

#[test]
fn arc_acqrel_is_clean() {
    check_right(&registry::ARC_ACQREL, Params::default());
}

#[test]
fn arc_fence_is_clean() {
    check_right(&registry::ARC_FENCE, Params::default());
}

// Coverage (every registered specimen has a loom test, and that test ran)
// is not checked here against a hand-written list: `scripts/loom.sh`
// derives it from the `loom-verdict:` lines the tests above print, and
// fails when a name of scripts/specimens.tsv (kept equal to the registry by
// scenarios/catalog/tests/specimens.rs) has no verdict line, or a line names
// something no list holds.

// ----- the harness's own synchronization -----------------------------------

/// A cell written by one party before the barrier and read by the other
/// after it. Loom checks that the barrier orders the two.
struct Shared {
    barrier: SpinBarrier,
    cell: UnsafeCell<u64>,
}

// SAFETY: `cell` is accessed only in phases separated by `barrier`, the
// synchronization under test; if the barrier failed to order them, loom
// would report the race instead of the program silently racing.
unsafe impl Sync for Shared {}
// SAFETY: as above; the fields are plain data and loom objects.
unsafe impl Send for Shared {}

#[test]
fn spin_barrier_orders_phases_over_two_rounds() {
    check_clean("spin-barrier", || {
        let shared = StdArc::new(Shared {
            barrier: SpinBarrier::new(2),
            cell: UnsafeCell::new(0),
        });
        let party = |me: u64, shared: &Shared| {
            for round in 0..2u64 {
                // Round r: party r % 2 writes, both read after the barrier.
                if round % 2 == me {
                    shared.cell.with_mut(|p| {
                        // SAFETY: the other party reads only after the
                        // barrier below and wrote only before the previous
                        // one; loom checks exactly this.
                        unsafe { *p += 1 }
                    });
                }
                shared.barrier.wait();
                let v = shared.cell.with(|p| {
                    // SAFETY: nobody writes between these two barriers.
                    unsafe { *p }
                });
                assert_eq!(v, round + 1);
                shared.barrier.wait();
            }
        };
        let other = shared.clone();
        let h = loom::thread::spawn(move || party(1, &other));
        party(0, &shared);
        h.join().unwrap();
    });
    verdict_line("harness:spin-barrier", "clean", "clean");
}

/// Without the barrier the same accesses race: a control showing the test
/// above would catch a barrier that did not order anything.
#[test]
fn without_a_barrier_the_same_accesses_are_caught() {
    assert_caught("no-barrier control", "Concurrent read and write", || {
        let cell = StdArc::new(Shared {
            barrier: SpinBarrier::new(1),
            cell: UnsafeCell::new(0),
        });
        let other = cell.clone();
        let h = loom::thread::spawn(move || {
            other.cell.with_mut(|p| {
                // SAFETY: deliberately unordered with the read below: this
                // is the control that loom must catch.
                unsafe { *p = 1 }
            });
        });
        cell.cell.with(|p| {
            // SAFETY: as above, deliberately racing.
            unsafe { *p }
        });
        h.join().unwrap();
    });
    verdict_line("harness:no-barrier-control", "caught", "caught");
}

#[test]
fn instance_gate_lets_both_actors_through_two_rounds() {
    check_clean("instance-gate", || {
        let gate = StdArc::new(InstanceGate::new(2));
        let passed = StdArc::new(AtomicUsize::new(0));
        let (g, p) = (gate.clone(), passed.clone());
        let h = loom::thread::spawn(move || {
            for round in 0..2 {
                g.pass(1, round);
                // Relaxed: a count checked after join, which orders it.
                p.fetch_add(1, Ordering::Relaxed);
            }
        });
        for round in 0..2 {
            gate.pass(0, round);
            // Relaxed: as above.
            let before = passed.fetch_add(1, Ordering::Relaxed);
            // The other actor cannot be two rounds ahead of us: it cannot
            // pass round r + 1 before we arrive at round r + 1.
            assert!(
                before <= (round as usize) * 2 + 1,
                "gate let an actor run ahead"
            );
        }
        h.join().unwrap();
        // Relaxed: the join orders every increment before this load.
        assert_eq!(passed.load(Ordering::Relaxed), 4);
    });
    verdict_line("harness:instance-gate", "clean", "clean");
}

/// A gate and a cell that is (wrongly) handed over through it.
struct Gated(InstanceGate, UnsafeCell<u64>);

// SAFETY: deliberately unsound: the cell is written and read by two threads
// ordered only by the gate, which orders nothing. The test below asserts
// that loom reports exactly this race. (loom's `thread::spawn` does not
// require `Send`, but the claim keeps the test honest about its sharing.)
unsafe impl Sync for Gated {}
// SAFETY: as above.
unsafe impl Send for Gated {}

/// The gate is documented as a timing device that publishes nothing (a
/// fence per instance could hide the reorderings we hunt). Loom confirms
/// it: data written before the gate and read after it by the other actor
/// is a race. If someone strengthens the gate, this test tells them to
/// update the documentation (and to think about what it hides).
#[test]
fn instance_gate_publishes_nothing_as_documented() {
    assert_caught("instance-gate data", "Concurrent read and write", || {
        let shared = StdArc::new(Gated(InstanceGate::new(2), UnsafeCell::new(0u64)));
        let other = shared.clone();
        let h = loom::thread::spawn(move || {
            other.1.with_mut(|p| {
                // SAFETY: deliberately published through the gate only,
                // which does not order it: loom must report this.
                unsafe { *p = 1 }
            });
            other.0.pass(1, 0);
        });
        shared.0.pass(0, 0);
        shared.1.with(|p| {
            // SAFETY: as above, deliberately racing.
            unsafe { *p }
        });
        h.join().unwrap();
    });
    verdict_line(
        "harness:instance-gate-publishes-nothing",
        "caught",
        "caught",
    );
}

/// Two actors of a `ActorsRunner` end to end: batches are published by the
/// leader through the batch cell, the actors act, the closing barrier hands
/// their work to the leader's judging, and the next refill must not race
/// with the actors' reads of the previous batch.
fn run_actors<S: Scenario>(
    scenario: &'static S,
    iterations: u64,
    batch: usize,
    sync: SyncMode,
    params: Params,
) -> orderhunt_core::Tally {
    let cfg = Config {
        iterations,
        harness: HarnessKind::Actors,
        batch,
        memory: MemoryMode::Reuse,
        sync,
        shuffle: false,
        skew: 0,
        seed: 0,
        stop_on_first: false,
        flag_group: 1,
        params,
    };
    let runner = StdArc::new(ActorsRunner::new(scenario, cfg));
    let other = runner.clone();
    let h = loom::thread::spawn(move || other.run_actor(1));
    let tally = runner.run_actor(0).expect("the leader returns the tally");
    assert!(
        h.join().unwrap().is_none(),
        "only the leader returns a tally"
    );
    tally
}

#[test]
fn actors_runner_two_batches_of_one_instance_are_clean() {
    check_clean("actors-runner", || {
        let params = increments(1);
        let t = run_actors(&registry::COUNTER_ATOMIC, 2, 1, SyncMode::Instance, params);
        assert_eq!(t.completed, 2);
        assert_eq!(t.anomalies, 0);
        assert_eq!(t.outcomes.get(&2), Some(&2));
    });
    verdict_line("harness:actors-runner", "clean", "clean");
}

#[test]
fn flag_start_line_lets_the_follower_through_once_set() {
    // Two instances' flags; thread 0 leads instance 0, thread 1 instance 1
    // (as in two runs led by different threads). Each passes both start
    // lines in order:
    // the follower of an instance only gets through once its leader has
    // set the flag, and nobody waits forever.
    check_clean("flag-start-line", || {
        let flags = StdArc::new([AtomicU32::new(0), AtomicU32::new(0)]);
        let passed = StdArc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let (f, p) = (flags.clone(), passed.clone());
        let h = loom::thread::spawn(move || {
            for i in 0..2 {
                flag_pass(&f[i], i == 1);
                // Relaxed: counts checked after join, which orders them.
                p[i].fetch_add(1, Ordering::Relaxed);
            }
        });
        for i in 0..2 {
            flag_pass(&flags[i], i == 0);
            // Relaxed: as above.
            passed[i].fetch_add(1, Ordering::Relaxed);
            // Relaxed: the flag is a timing signal; we read our own or
            // the leader's store of 1, which we waited for.
            assert_eq!(flags[i].load(Ordering::Relaxed), 1, "passed an unset flag");
        }
        h.join().unwrap();
        for p in passed.iter() {
            // Relaxed: the join orders every increment before this load.
            assert_eq!(p.load(Ordering::Relaxed), 2);
        }
    });
    verdict_line("harness:flag-start-line", "clean", "clean");
}

#[test]
fn actors_runner_flag_sync_is_clean_and_still_catches_a_race() {
    // The default sync: one batch of two instances (one run, its leader
    // drawn by the runner), filled by the leader and judged leader by leader. A
    // correct specimen stays clean...
    check_clean("actors-runner-flag", || {
        let t = run_actors(
            &registry::COUNTER_ATOMIC,
            2,
            2,
            SyncMode::Flag,
            increments(1),
        );
        assert_eq!(t.completed, 2);
        assert_eq!(t.anomalies, 0);
    });
    verdict_line("harness:actors-runner-flag", "clean", "clean");
    // ...and the leader's fence does not hide a specimen's data race: the
    // flag is Relaxed, so it creates no happens-before between the actors.
    assert_caught(
        "actors-runner-flag counter-race",
        "Concurrent write accesses",
        || {
            run_actors(&registry::COUNTER_RACE, 1, 1, SyncMode::Flag, increments(1));
        },
    );
    verdict_line("harness:actors-runner-flag-wrong", "caught", "caught");
}

#[test]
fn actors_runner_batch_sync_publishes_array_to_the_judge() {
    // One batch of two instances of the fixed array specimen, no per-instance
    // gate: the consumer's sum cell is written during the batch and read by
    // the leader after the closing barrier.
    check_clean("actors-runner-batch", || {
        let t = run_actors(
            &registry::ARRAY_PASSING_FIXED,
            2,
            2,
            SyncMode::Batch,
            Params::default(),
        );
        assert_eq!(t.completed, 2);
        assert_eq!(t.anomalies, 0);
    });
    verdict_line("harness:actors-runner-batch", "clean", "clean");
}

#[test]
fn actors_runner_still_catches_a_wrong_specimen() {
    // The harness must not hide a specimen's race behind its own
    // synchronization: counter-race through the real runner is caught.
    assert_caught(
        "actors-runner counter-race",
        "Concurrent write accesses",
        || {
            run_actors(
                &registry::COUNTER_RACE,
                1,
                1,
                SyncMode::Instance,
                increments(1),
            );
        },
    );
    verdict_line("harness:actors-runner-wrong", "caught", "caught");
}
