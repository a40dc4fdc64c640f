//! The counter family (article examples 01 and 02): two threads add to one
//! shared counter.
//!
//! `counter-race` does `+= 1` on a plain `u64`: each increment is a load, an
//! add and a store, and two threads interleave them, so increments get
//! lost. That is a data race, undefined behaviour in Rust, and Miri and loom
//! both reject it. `counter-atomic` makes each increment one indivisible
//! `fetch_add`: atomicity alone fixes a single variable; no ordering is
//! needed because no other memory depends on the counter.
//!
//! One iteration: each of the two threads adds `--increments` to a fresh
//! counter; the observed value is the final count.

use orderhunt_core::scenario::{Expectation, Info, Observed, OutcomeClass, Params, Scenario};
use orderhunt_core::sync::{AtomicU64, Ordering, UnsafeCell};
use std::hint::black_box;

const ACTORS: usize = 2;

fn expected_count(params: &Params) -> u64 {
    params.increments * ACTORS as u64
}

/// `counter-race`: a plain `u64` incremented by two threads.
pub struct CounterRace;

pub struct RaceInstance {
    counter: UnsafeCell<u64>,
}

// SAFETY: this claim is what lets two threads reach the plain counter.
// INTENTIONALLY UNSOUND: both actors mutate `counter` concurrently with no
// synchronization; the claim is false, and that is the specimen's bug.
// (`observe` alone would be fine: it runs after the harness's barrier.)
unsafe impl Sync for RaceInstance {}

static RACE_INFO: Info = Info {
    name: "counter-race",
    family: "counter",
    expectation: Expectation::MayFail,
    article: Some("example 01"),
    summary: "two threads `+= 1` a plain shared u64: lost increments (a data race)",
    actors: ACTORS,
    spawn_first: 0,
    default_iterations: 20_000,
    default_batch: 64,
    default_flag_group: 1,
    uses_increments: true,
    default_memory: orderhunt_core::harness::MemoryMode::Leak,
};

impl Scenario for CounterRace {
    type Instance = RaceInstance;

    fn info(&self) -> &'static Info {
        &RACE_INFO
    }

    fn new_instance(&self, _params: &Params) -> RaceInstance {
        RaceInstance {
            counter: UnsafeCell::new(0),
        }
    }

    fn act(&self, _actor: usize, instance: &RaceInstance, params: &Params) {
        for _ in 0..params.increments {
            instance.counter.with_mut(|p| {
                // `black_box` keeps the compiler from folding the loop into
                // one `+= increments`, written as in the article.
                #[allow(clippy::unit_arg)]
                // SAFETY: `p` points to the instance's live counter, which
                // outlives every actor's `act`: valid and aligned.
                // INTENTIONALLY UNSOUND: the other actor does the same
                // read-modify-write at the same time with no atomicity and
                // no ordering (no happens-before at all): a data race, UB.
                // Missing: an atomic RMW (`counter-atomic`'s `fetch_add`).
                black_box(unsafe { *p += 1 });
            });
        }
    }

    fn observe(&self, instance: &RaceInstance, _params: &Params) -> u64 {
        instance.counter.with(|p| {
            // SAFETY: the harness calls `observe` only after every actor's
            // `act` happened-before this point (barrier or join), so no
            // write can be concurrent; the pointer is valid as above.
            unsafe { *p }
        })
    }

    fn classify(&self, observed: u64, params: &Params) -> OutcomeClass {
        if observed == expected_count(params) {
            OutcomeClass::Acceptable
        } else {
            OutcomeClass::Interesting
        }
    }

    fn expected(&self, params: &Params) -> Observed {
        Observed::Int(expected_count(params))
    }
}

/// `counter-atomic`: the same with `fetch_add(Relaxed)`.
pub struct CounterAtomic;

pub struct AtomicInstance {
    counter: AtomicU64,
}

static ATOMIC_INFO: Info = Info {
    name: "counter-atomic",
    family: "counter",
    expectation: Expectation::MustPass,
    article: Some("example 02"),
    summary: "the same with `fetch_add(Relaxed)`: atomicity alone fixes one variable",
    actors: ACTORS,
    spawn_first: 0,
    default_iterations: 20_000,
    default_batch: 64,
    default_flag_group: 1,
    uses_increments: true,
    default_memory: orderhunt_core::harness::MemoryMode::Leak,
};

impl Scenario for CounterAtomic {
    type Instance = AtomicInstance;

    fn info(&self) -> &'static Info {
        &ATOMIC_INFO
    }

    fn new_instance(&self, _params: &Params) -> AtomicInstance {
        AtomicInstance {
            counter: AtomicU64::new(0),
        }
    }

    fn act(&self, _actor: usize, instance: &AtomicInstance, params: &Params) {
        for _ in 0..params.increments {
            // Relaxed: the RMW is indivisible whatever the ordering, so no
            // increment is lost; no other memory is published through the
            // counter, so nothing needs ordering against it.
            black_box(instance.counter.fetch_add(1, Ordering::Relaxed));
        }
    }

    fn observe(&self, instance: &AtomicInstance, _params: &Params) -> u64 {
        // Relaxed: the harness's barrier (or join) already makes every
        // increment happen-before this load.
        instance.counter.load(Ordering::Relaxed)
    }

    fn classify(&self, observed: u64, params: &Params) -> OutcomeClass {
        if observed == expected_count(params) {
            OutcomeClass::Acceptable
        } else {
            OutcomeClass::Forbidden
        }
    }

    fn expected(&self, params: &Params) -> Observed {
        Observed::Int(expected_count(params))
    }
}
