//! The array-passing family (article examples 03 and 04): a producer fills
//! an array and publishes a pointer to it; a consumer waits for the pointer
//! and sums the array.
//!
//! Two variables are involved, the array and the pointer, so atomicity of
//! the pointer is not enough: the consumer must also be guaranteed to see
//! the array writes that came before the publish. `array-passing` publishes
//! with `Relaxed`, which orders nothing: a data race, and on ARM the
//! consumer can see the pointer before the ones (the article saw a sum of
//! 936 at iteration 1879). x86 happens to keep stores in order, so it never
//! shows there, which is why loom and Miri matter. `array-passing-fixed`
//! publishes with `Release` and loads with `Acquire`.
//!
//! Memory: the array lives inside the instance, which the harness places
//! per `--memory` (leak: never reused, the article's choice). The consumer
//! reads it through the published pointer.

use orderhunt_core::scenario::{Expectation, Info, Observed, OutcomeClass, Params, Scenario};
use orderhunt_core::sync::{AtomicPtr, Backoff, Ordering, UnsafeCell};
use std::ptr;

/// Bytes in the array, as in the article.
pub const ARRAY_SIZE: usize = 1000;

const PRODUCER: usize = 0;
const CONSUMER: usize = 1;

/// One iteration's state, shared by both variants.
pub struct ArrayInstance {
    /// Null until the producer publishes `data`.
    published: AtomicPtr<[u8; ARRAY_SIZE]>,
    /// Zeroed when the instance is made; the producer fills it with ones.
    data: UnsafeCell<[u8; ARRAY_SIZE]>,
    /// The consumer's sum, read by the judge after the batch.
    sum: UnsafeCell<u64>,
}

// SAFETY: `data` is written only by the producer before it publishes the
// pointer and read only by the consumer after it sees the pointer; `sum` is
// written once by the consumer and read by the judge after the harness's
// barrier. This is sound when the publish is Release and the load Acquire
// (`array-passing-fixed`). INTENTIONALLY UNSOUND for `array-passing`, whose
// Relaxed publish does not order the writes before the reads (missing:
// Release/Acquire).
unsafe impl Sync for ArrayInstance {}

fn new_array_instance() -> ArrayInstance {
    ArrayInstance {
        published: AtomicPtr::new(ptr::null_mut()),
        data: UnsafeCell::new([0u8; ARRAY_SIZE]),
        sum: UnsafeCell::new(0),
    }
}

fn fill_ones(data: *mut [u8; ARRAY_SIZE]) {
    // SAFETY: `data` comes from the instance's cell, which is live for the
    // whole iteration, and only the producer writes it; the consumer reads
    // it only after it sees the pointer (soundly only in the fixed variant).
    let array = unsafe { &mut *data };
    for byte in array.iter_mut() {
        *byte = 1;
    }
}

fn sum_through(instance: &ArrayInstance, published: *mut [u8; ARRAY_SIZE]) -> u64 {
    // The read goes through the pointer the consumer received, inside the
    // cell's `with` so that loom sees the access.
    instance.data.with(|cell_ptr| {
        debug_assert!(ptr::eq(cell_ptr, published));
        // SAFETY: the pointer is non-null and points to the instance's live
        // array. Whether the producer's writes happen-before this read is
        // exactly what the variant decides (see its `act`).
        let array = unsafe { &*published };
        array.iter().map(|&b| u64::from(b)).sum()
    })
}

fn store_sum(instance: &ArrayInstance, sum: u64) {
    instance.sum.with_mut(|p| {
        // SAFETY: only the consumer writes `sum`, once; the judge reads it
        // after the harness's barrier, so no access is concurrent.
        unsafe { *p = sum }
    });
}

fn read_sum(instance: &ArrayInstance) -> u64 {
    instance.sum.with(|p| {
        // SAFETY: every actor's `act` happened-before `observe` (barrier or
        // join), so the consumer's write is complete and visible.
        unsafe { *p }
    })
}

fn classify_sum(observed: u64, bad: OutcomeClass) -> OutcomeClass {
    if observed == ARRAY_SIZE as u64 {
        OutcomeClass::Acceptable
    } else {
        bad
    }
}

/// `array-passing`: the pointer is published with `Relaxed`.
pub struct ArrayPassing;

static PASSING_INFO: Info = Info {
    name: "array-passing",
    family: "array",
    expectation: Expectation::MayFail,
    article: Some("example 03"),
    summary: "fill 1000 bytes, publish the pointer Relaxed, consumer sums: sum != 1000 on ARM",
    actors: 2,
    spawn_first: CONSUMER,
    default_iterations: 250_000,
    default_batch: 4096,
    default_flag_group: 1,
    uses_increments: false,
    default_memory: orderhunt_core::harness::MemoryMode::Leak,
};

impl Scenario for ArrayPassing {
    type Instance = ArrayInstance;

    fn info(&self) -> &'static Info {
        &PASSING_INFO
    }

    fn new_instance(&self, _params: &Params) -> ArrayInstance {
        new_array_instance()
    }

    fn act(&self, actor: usize, instance: &ArrayInstance, _params: &Params) {
        match actor {
            PRODUCER => {
                // The write access ends before the publish, so that a
                // correct consumer never overlaps it (loom tracks the
                // closure's extent).
                let data = instance.data.with_mut(|data| {
                    fill_ones(data);
                    data
                });
                // INTENTIONALLY UNSOUND: Relaxed orders nothing before the
                // store, so the consumer may see the pointer and not the
                // ones (compiler reordering, or ARM's weak store order).
                // Missing: Release here and Acquire at the load.
                instance.published.store(data, Ordering::Relaxed);
            }
            CONSUMER => {
                let mut backoff = Backoff::new();
                let published = loop {
                    // INTENTIONALLY UNSOUND: a Relaxed load acquires
                    // nothing, so seeing the pointer does not make the
                    // producer's writes visible. Missing: Acquire (paired
                    // with a Release store).
                    let p = instance.published.load(Ordering::Relaxed);
                    if !p.is_null() {
                        break p;
                    }
                    backoff.snooze();
                };
                store_sum(instance, sum_through(instance, published));
            }
            _ => unreachable!("array-passing has two actors"),
        }
    }

    fn observe(&self, instance: &ArrayInstance, _params: &Params) -> u64 {
        read_sum(instance)
    }

    fn classify(&self, observed: u64, _params: &Params) -> OutcomeClass {
        classify_sum(observed, OutcomeClass::Interesting)
    }

    fn expected(&self, _params: &Params) -> Observed {
        Observed::Int(ARRAY_SIZE as u64)
    }
}

/// `array-passing-fixed`: `Release` publish, `Acquire` load.
pub struct ArrayPassingFixed;

static FIXED_INFO: Info = Info {
    name: "array-passing-fixed",
    family: "array",
    expectation: Expectation::MustPass,
    article: Some("example 04"),
    summary: "the same with a Release publish and an Acquire load: always 1000",
    actors: 2,
    spawn_first: CONSUMER,
    default_iterations: 250_000,
    default_batch: 4096,
    default_flag_group: 1,
    uses_increments: false,
    default_memory: orderhunt_core::harness::MemoryMode::Leak,
};

impl Scenario for ArrayPassingFixed {
    type Instance = ArrayInstance;

    fn info(&self) -> &'static Info {
        &FIXED_INFO
    }

    fn new_instance(&self, _params: &Params) -> ArrayInstance {
        new_array_instance()
    }

    fn act(&self, actor: usize, instance: &ArrayInstance, _params: &Params) {
        match actor {
            PRODUCER => {
                let data = instance.data.with_mut(|data| {
                    fill_ones(data);
                    data
                });
                // Release: every write before this store (the ones) becomes
                // visible to a thread that Acquire-loads this pointer.
                instance.published.store(data, Ordering::Release);
            }
            CONSUMER => {
                let mut backoff = Backoff::new();
                let published = loop {
                    // Acquire: pairs with the producer's Release store; once
                    // we see the pointer we also see the ones behind it.
                    let p = instance.published.load(Ordering::Acquire);
                    if !p.is_null() {
                        break p;
                    }
                    backoff.snooze();
                };
                store_sum(instance, sum_through(instance, published));
            }
            _ => unreachable!("array-passing-fixed has two actors"),
        }
    }

    fn observe(&self, instance: &ArrayInstance, _params: &Params) -> u64 {
        read_sum(instance)
    }

    fn classify(&self, observed: u64, _params: &Params) -> OutcomeClass {
        classify_sum(observed, OutcomeClass::Forbidden)
    }

    fn expected(&self, _params: &Params) -> Observed {
        Observed::Int(ARRAY_SIZE as u64)
    }
}
