//! orderhunt tests of this crate's synchronization: one definition each,
//! hunted on pinned hardware threads (`cargo test`, or `-- run NAME`),
//! under loom (`RUSTFLAGS="--cfg loom"`) and under Miri (`cargo miri test`).

use handrolled::seqlock::SeqLock;
use handrolled::spsc::Ring;
use orderhunt::{OutcomeClass, Registry, Slot, Test};

/// What one seqlock read returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Read {
    /// A write was in progress (or passed): the reader must retry.
    Retry,
    /// The pair the reader kept.
    Pair(u32, u32),
}

#[derive(Default)]
struct SeqState {
    lock: SeqLock,
    kept: Slot,
    a: Slot,
    b: Slot,
}

fn seqlock_test(
    name: &str,
    read: fn(&SeqLock) -> Option<(u32, u32)>,
    torn: OutcomeClass,
) -> Test<SeqState, Read> {
    let mut t = Test::<SeqState, Read>::new(name)
        .about("seqlock: one writer writes (1,1) then (2,2); one reader reads once")
        .actor(|s| {
            s.lock.write(1, 1);
            s.lock.write(2, 2);
        })
        .actor(move |s| {
            if let Some((a, b)) = read(&s.lock) {
                s.kept.set(1);
                s.a.set(a.into());
                s.b.set(b.into());
            }
        })
        .arbiter(|s| match s.kept.get() {
            0 => Read::Retry,
            _ => Read::Pair(s.a.get() as u32, s.b.get() as u32),
        })
        .acceptable(Read::Retry, "a write was in progress: retry")
        .acceptable(Read::Pair(0, 0), "read before the writes")
        .acceptable(Read::Pair(1, 1), "read the first write")
        .acceptable(Read::Pair(2, 2), "read the second write");
    for a in 0..3 {
        for b in 0..3 {
            if a != b {
                t = match torn {
                    OutcomeClass::Interesting => t.interesting(
                        Read::Pair(a, b),
                        "torn read kept: the reader's missing Acquire fence",
                    ),
                    _ => t.forbidden(Read::Pair(a, b), "torn read kept"),
                };
            }
        }
    }
    t
}

#[derive(Default)]
struct RingState {
    ring: Ring,
    got: [Slot; 3],
}

fn ring_test(name: &str, push: fn(&Ring, u32), wrong: bool) -> Test<RingState, (u64, u64, u64)> {
    let t = Test::<RingState, (u64, u64, u64)>::new(name)
        .about("SPSC ring of 2 slots: the producer pushes 1, 2, 3; the consumer pops three")
        .actor(move |s| {
            for v in 1..=3 {
                push(&s.ring, v);
            }
        })
        .actor(|s| {
            for slot in &s.got {
                slot.set(s.ring.pop().into());
            }
        })
        .arbiter(|s| (s.got[0].get(), s.got[1].get(), s.got[2].get()))
        .acceptable((1, 2, 3), "every value, in order");
    if wrong {
        // Any other triple: a stale slot read through the Relaxed tail.
        t.undeclared(OutcomeClass::Interesting)
    } else {
        t
    }
}

fn register(r: &mut Registry) {
    r.add(seqlock_test(
        "seqlock",
        SeqLock::try_read,
        OutcomeClass::Forbidden,
    ))
    .add(seqlock_test(
        "seqlock-no-fence",
        SeqLock::try_read_no_fence,
        OutcomeClass::Interesting,
    ))
    .add(ring_test("spsc", Ring::push, false))
    .add(ring_test(
        "spsc-relaxed-tail",
        Ring::push_relaxed_tail,
        true,
    ));
}

orderhunt::main!(register);
