//! The public API's cost: orderhunt's built-in `sb` and `array-passing`
//! beside the same specimens re-expressed through `orderhunt::Test`
//! (`sb-api`, `array-passing-api`), in one binary, so that
//! `scripts/bench.sh api` can run them interleaved and compare rates.
//!
//! `cargo bench --bench api -- run sb sb-api --iterations 2000000 --json`

use orderhunt::sync::{AtomicPtr, AtomicU32, Backoff, Ordering, UnsafeCell};
use orderhunt::{MemoryMode, Registry, Slot, Test};

/// A value alone on its cache line, like the built-in litmus layout.
#[derive(Default)]
#[repr(align(64))]
struct Line<T>(T);

#[derive(Default)]
struct Sb {
    x: Line<AtomicU32>,
    y: Line<AtomicU32>,
    r: Line<[Slot; 2]>,
}

fn sb() -> Test<Sb, (u64, u64)> {
    Test::<Sb, (u64, u64)>::new("sb-api")
        .about("store buffering, Relaxed, through the public API")
        .actor(|s| {
            // Relaxed: the test is about what Relaxed allows.
            s.x.0.store(1, Ordering::Relaxed);
            // Relaxed: may miss the other store (store buffering).
            s.r.0[0].set(s.y.0.load(Ordering::Relaxed).into());
        })
        .actor(|s| {
            // Relaxed: as actor 0.
            s.y.0.store(1, Ordering::Relaxed);
            // Relaxed: as actor 0.
            s.r.0[1].set(s.x.0.load(Ordering::Relaxed).into());
        })
        .arbiter(|s| (s.r.0[0].get(), s.r.0[1].get()))
        .acceptable((0, 1), "")
        .acceptable((1, 0), "")
        .acceptable((1, 1), "")
        .interesting((0, 0), "store buffering")
        .batch(4096)
}

const SIZE: usize = 1000;

struct Array {
    published: AtomicPtr<[u8; SIZE]>,
    data: UnsafeCell<[u8; SIZE]>,
    sum: Slot,
}

impl Default for Array {
    fn default() -> Self {
        Array {
            published: AtomicPtr::new(std::ptr::null_mut()),
            data: UnsafeCell::new([0; SIZE]),
            sum: Slot::default(),
        }
    }
}

// SAFETY: `data` is written by the producer before it publishes the
// pointer and read by the consumer after it sees it. INTENTIONALLY
// UNSOUND: the publish is Relaxed (missing Release/Acquire), as the
// article's example 03; this is the specimen being measured.
unsafe impl Sync for Array {}

fn array_passing() -> Test<Array, u64> {
    Test::<Array, u64>::new("array-passing-api")
        .about("fill 1000 bytes, publish the pointer Relaxed, through the public API")
        .actor(|s| {
            let p = s.data.with_mut(|p| {
                // SAFETY: only the producer writes the array, before it
                // publishes the pointer.
                unsafe { (*p).fill(1) };
                p
            });
            // INTENTIONALLY UNSOUND: Relaxed publishes nothing (missing
            // Release); the article's example 03.
            s.published.store(p, Ordering::Relaxed);
        })
        .actor(|s| {
            let mut backoff = Backoff::new();
            let p = loop {
                // INTENTIONALLY UNSOUND: missing Acquire.
                let p = s.published.load(Ordering::Relaxed);
                if !p.is_null() {
                    break p;
                }
                backoff.snooze();
            };
            let sum = s.data.with(|_| {
                // SAFETY: non-null, points into this live instance; whether
                // the writes are visible is what the specimen tests.
                unsafe { (*p).iter().map(|&b| u64::from(b)).sum() }
            });
            s.sum.set(sum);
        })
        .arbiter(|s| s.sum.get())
        .acceptable(SIZE as u64, "every byte seen")
        .undeclared(orderhunt::OutcomeClass::Interesting)
        .batch(4096)
        .memory(MemoryMode::Leak)
        .iterations(250_000)
}

fn register(r: &mut Registry) {
    r.add(sb()).add(array_passing());
    r.add_builtin();
}

orderhunt::main!(register);
