//! The Arc family (the article's case study): a hand-made reference-counted
//! pointer, and the ordering its drop needs.
//!
//! Each of two threads holds one clone. It writes its own slot of the shared
//! value `T` (interior mutability: `&T` does not mean read-only), then drops
//! its clone. The last dropper drops `T`, and `T`'s drop logic reads every
//! slot; the observed value is how many slot words it saw written.
//!
//! For the last dropper to see the other thread's writes, every decrement
//! must *release* (publishing the writes made before it) and the final
//! decrement must *acquire* them:
//!
//! * `arc-relaxed`: `fetch_sub(Relaxed)`: neither. The dropper may see stale
//!   slots (and a real Arc would free memory another thread still writes).
//! * `arc-acqrel`: `fetch_sub(AcqRel)`: the article's first Arc.
//! * `arc-fence`: `fetch_sub(Release)`, then `fence(Acquire)` only when the
//!   count reached zero: the article's final Arc, which pays for Acquire
//!   only once.
//!
//! Memory: the Arc's shared state lives inside the iteration's instance, so
//! "freeing" it means running `T`'s drop logic and leaving the memory to the
//! harness. A wrong specimen on ARM can then show stale reads without
//! corrupting orderhunt's own heap.
//!
//! There is no `impl Drop` for the hand-made Arc: dropping is the explicit
//! `release` method, so a violation that loom reports inside it is a plain
//! panic, never a panic during unwinding (which would abort the test
//! binary).

use orderhunt_core::scenario::{Expectation, Info, Observed, OutcomeClass, Params, Scenario};
use orderhunt_core::sync::{fence, AtomicUsize, Ordering, UnsafeCell};

/// Threads holding a clone.
const ACTORS: usize = 2;
/// Words each thread writes in its own slot (128 bytes: its own cache
/// lines, so a stale read is about ordering, not false sharing).
const SLOT_WORDS: usize = 16;
/// What a correct last dropper sees: every word of every slot written.
const EXPECTED: u64 = (ACTORS * SLOT_WORDS) as u64;

/// One thread's slot of the shared value.
#[repr(align(128))]
struct Slot(UnsafeCell<[u64; SLOT_WORDS]>);

/// The shared `T`: written through `&T` by its clone holders.
pub struct Payload {
    slots: [Slot; ACTORS],
}

impl Payload {
    fn new() -> Self {
        Payload {
            slots: std::array::from_fn(|_| Slot(UnsafeCell::new([0; SLOT_WORDS]))),
        }
    }

    /// A clone holder's work: fill its own slot with ones.
    fn write_slot(&self, actor: usize) {
        self.slots[actor].0.with_mut(|p| {
            // SAFETY: each actor writes only its own slot, and the only
            // reader is `drop_logic`, which runs after the reference count
            // says every other holder is done (soundly only when the
            // decrements release and the last one acquires).
            let words = unsafe { &mut *p };
            words.fill(1);
        });
    }

    /// `T`'s drop logic: reads every slot. Returns the words seen written.
    fn drop_logic(&self) -> u64 {
        self.slots
            .iter()
            .map(|slot| {
                slot.0.with(|p| {
                    // SAFETY: called only by the last dropper. In the right
                    // variants every holder's slot write happens-before this
                    // read (Release decrements, Acquire by the last); in
                    // `arc-relaxed` it does not, which is the bug.
                    let words = unsafe { &*p };
                    words.iter().sum::<u64>()
                })
            })
            .sum()
    }
}

/// The reference-counted allocation: count plus value.
pub struct ArcInner {
    count: AtomicUsize,
    value: Payload,
}

/// A hand-made Arc handle. `release` is its drop.
pub struct HandArc<'a> {
    inner: &'a ArcInner,
}

impl<'a> HandArc<'a> {
    /// Takes over one of the references already counted in `inner` (the
    /// instance is made with one reference per holder).
    fn adopt(inner: &'a ArcInner) -> Self {
        HandArc { inner }
    }

    /// A new clone. Not used by the specimen's two holders, kept to show the
    /// increment's ordering.
    #[allow(dead_code)]
    fn clone_handle(&self) -> Self {
        // Relaxed: making a clone publishes nothing; only the decrements
        // that may lead to dropping `T` need ordering (as in std's Arc).
        self.inner.count.fetch_add(1, Ordering::Relaxed);
        HandArc { inner: self.inner }
    }

    fn get(&self) -> &Payload {
        &self.inner.value
    }

    /// Drop with a Relaxed decrement. Returns what `T`'s drop saw, if this
    /// was the last reference.
    fn release_relaxed(self) -> Option<u64> {
        // INTENTIONALLY UNSOUND: Relaxed neither releases this holder's
        // slot writes nor acquires the other holders'. Missing: Release on
        // every decrement and Acquire on the last (AcqRel, or Release plus
        // an Acquire fence).
        if self.inner.count.fetch_sub(1, Ordering::Relaxed) == 1 {
            Some(self.inner.value.drop_logic())
        } else {
            None
        }
    }

    /// Drop with an AcqRel decrement (the article's first Arc).
    fn release_acqrel(self) -> Option<u64> {
        // AcqRel: Release publishes this holder's writes into `T` before
        // the count drops; Acquire makes the last dropper see every other
        // holder's writes (all decrements form one release sequence).
        if self.inner.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            Some(self.inner.value.drop_logic())
        } else {
            None
        }
    }

    /// Drop with a Release decrement and an Acquire fence on the last
    /// reference (the article's final Arc).
    fn release_fence(self) -> Option<u64> {
        // Release: publishes this holder's writes into `T` before the count
        // drops. No Acquire here: only the last dropper needs it.
        if self.inner.count.fetch_sub(1, Ordering::Release) == 1 {
            // Acquire fence: upgrades the decrement we just did to Acquire,
            // paying for it only when we are about to drop `T`, so we see
            // every other holder's writes.
            fence(Ordering::Acquire);
            Some(self.inner.value.drop_logic())
        } else {
            None
        }
    }
}

/// One iteration: the shared allocation and what its last dropper saw.
pub struct ArcInstance {
    inner: ArcInner,
    observed: UnsafeCell<u64>,
}

// SAFETY: each slot of `value` is written by one holder before its
// decrement and read only by the last dropper after the count reaches zero;
// `observed` is written once by the last dropper and read by the judge
// after the harness's barrier. Sound when the decrements release and the
// last one acquires (`arc-acqrel`, `arc-fence`). INTENTIONALLY UNSOUND for
// `arc-relaxed` (missing: Release on the decrements, Acquire on the last).
unsafe impl Sync for ArcInstance {}

fn new_arc_instance() -> ArcInstance {
    ArcInstance {
        inner: ArcInner {
            // Both holders' references exist from the start.
            count: AtomicUsize::new(ACTORS),
            value: Payload::new(),
        },
        observed: UnsafeCell::new(u64::MAX),
    }
}

/// A holder's whole part: use the value, then drop the handle.
fn hold_and_drop<'a>(
    actor: usize,
    instance: &'a ArcInstance,
    release: impl FnOnce(HandArc<'a>) -> Option<u64>,
) {
    let arc = HandArc::adopt(&instance.inner);
    arc.get().write_slot(actor);
    if let Some(seen) = release(arc) {
        instance.observed.with_mut(|p| {
            // SAFETY: exactly one holder is the last dropper and writes
            // this, once; the judge reads it after the harness's barrier.
            unsafe { *p = seen }
        });
    }
}

fn observed_of(instance: &ArcInstance) -> u64 {
    instance.observed.with(|p| {
        // SAFETY: every actor's `act` happened-before `observe` (barrier or
        // join), so the last dropper's write is complete and visible.
        unsafe { *p }
    })
}

fn classify_seen(observed: u64, bad: OutcomeClass) -> OutcomeClass {
    if observed == EXPECTED {
        OutcomeClass::Acceptable
    } else {
        bad
    }
}

macro_rules! arc_info {
    ($ident:ident, $name:expr, $exp:expr, $summary:expr) => {
        static $ident: Info = Info {
            name: $name,
            family: "arc",
            expectation: $exp,
            article: Some("Arc case study"),
            summary: $summary,
            actors: ACTORS,
            spawn_first: 0,
            default_iterations: 250_000,
            default_batch: 4096,
            default_flag_group: 1,
            uses_increments: false,
            default_memory: orderhunt_core::harness::MemoryMode::Leak,
        };
    };
}

arc_info!(
    RELAXED_INFO,
    "arc-relaxed",
    Expectation::MayFail,
    "hand-made Arc, Relaxed decrement, no acquire before drop: dropper may see stale T"
);
arc_info!(
    ACQREL_INFO,
    "arc-acqrel",
    Expectation::MustPass,
    "hand-made Arc, AcqRel decrement (the article's first Arc)"
);
arc_info!(
    FENCE_INFO,
    "arc-fence",
    Expectation::MustPass,
    "hand-made Arc, Release decrement + Acquire fence at zero (the article's final Arc)"
);

/// `arc-relaxed`.
pub struct ArcRelaxed;
/// `arc-acqrel`.
pub struct ArcAcqRel;
/// `arc-fence`.
pub struct ArcFence;

macro_rules! arc_scenario {
    ($ty:ident, $info:ident, $release:ident, $bad:expr) => {
        impl Scenario for $ty {
            type Instance = ArcInstance;

            fn info(&self) -> &'static Info {
                &$info
            }

            fn new_instance(&self, _params: &Params) -> ArcInstance {
                new_arc_instance()
            }

            fn act(&self, actor: usize, instance: &ArcInstance, _params: &Params) {
                hold_and_drop(actor, instance, |arc| arc.$release());
            }

            fn observe(&self, instance: &ArcInstance, _params: &Params) -> u64 {
                observed_of(instance)
            }

            fn classify(&self, observed: u64, _params: &Params) -> OutcomeClass {
                classify_seen(observed, $bad)
            }

            fn expected(&self, _params: &Params) -> Observed {
                Observed::Int(EXPECTED)
            }
        }
    };
}

arc_scenario!(
    ArcRelaxed,
    RELAXED_INFO,
    release_relaxed,
    OutcomeClass::Interesting
);
arc_scenario!(
    ArcAcqRel,
    ACQREL_INFO,
    release_acqrel,
    OutcomeClass::Forbidden
);
arc_scenario!(ArcFence, FENCE_INFO, release_fence, OutcomeClass::Forbidden);
