//! SB, store buffering (Dekker's core):
//!
//! ```text
//! T0: x = 1; r0 = y        T1: y = 1; r1 = x
//! weak: r0=0 r1=0          (each load misses the other thread's store)
//! ```
//!
//! The one reordering x86 hardware really performs: a store waits in the
//! core's store buffer while the later load to another address is served
//! from the cache. Release/Acquire does not forbid it (a release store
//! followed by an acquire load may still reorder in the model); only SeqCst
//! on all four accesses, or a SeqCst fence between store and load, does.

use super::{variant, Field::Reg, Shape, Vars};
use orderhunt_core::sync::{fence, Ordering};

pub static SHAPE: Shape = Shape {
    name: "SB",
    actors: 2,
    fields: &[("r0", Reg(0)), ("r1", Reg(1))],
    weak: &[0, 0],
    sc: &[&[0, 1], &[1, 0], &[1, 1]],
};

fn relaxed(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: orders nothing, so the store may still sit in the
            // store buffer when the load below reads y: this permits the
            // weak outcome.
            v.x.store(1, Ordering::Relaxed);
            // Relaxed: may read the initial 0 even if T1's store came
            // "first"; nothing forces the other thread's store to be seen.
            v.record(0, v.y.load(Ordering::Relaxed));
        }
        1 => {
            // Relaxed: as T0's store, permits the weak outcome.
            v.y.store(1, Ordering::Relaxed);
            // Relaxed: as T0's load, may miss T0's store.
            v.record(1, v.x.load(Ordering::Relaxed));
        }
        _ => unreachable!("SB has two actors"),
    }
}

fn relacq(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Release: orders earlier accesses before this store, but not
            // this store before a later load: still permits the weak outcome.
            v.x.store(1, Ordering::Release);
            // Acquire: orders later accesses after this load, but not an
            // earlier store before it: the weak outcome stays allowed.
            v.record(0, v.y.load(Ordering::Acquire));
        }
        1 => {
            // Release: as T0's store, does not keep the load below after it.
            v.y.store(1, Ordering::Release);
            // Acquire: as T0's load, may still miss T0's store.
            v.record(1, v.x.load(Ordering::Acquire));
        }
        _ => unreachable!("SB has two actors"),
    }
}

fn seqcst(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // SeqCst: all four accesses are in one total order S consistent
            // with program order; whichever store is first in S precedes
            // the other thread's load, which must then see it.
            v.x.store(1, Ordering::SeqCst);
            // SeqCst: reads the last store to y before it in S (see above).
            v.record(0, v.y.load(Ordering::SeqCst));
        }
        1 => {
            // SeqCst: in the total order S with T0's accesses (see T0).
            v.y.store(1, Ordering::SeqCst);
            // SeqCst: reads the last store to x before it in S.
            v.record(1, v.x.load(Ordering::SeqCst));
        }
        _ => unreachable!("SB has two actors"),
    }
}

fn fences(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: ordered before the load by the SeqCst fence below.
            v.x.store(1, Ordering::Relaxed);
            // SeqCst fence: the two fences are ordered in S; if this one is
            // first, T1's load after its fence must see x=1, else our load
            // below must see y=1. Either way not both 0.
            fence(Ordering::SeqCst);
            // Relaxed: ordered after our store by the fence above.
            v.record(0, v.y.load(Ordering::Relaxed));
        }
        1 => {
            // Relaxed: ordered before the load by the fence below.
            v.y.store(1, Ordering::Relaxed);
            // SeqCst fence: pairs with T0's (see there).
            fence(Ordering::SeqCst);
            // Relaxed: ordered after our store by the fence above.
            v.record(1, v.x.load(Ordering::Relaxed));
        }
        _ => unreachable!("SB has two actors"),
    }
}

variant! {
    /// `sb`: all Relaxed; the weak outcome is allowed and x86 shows it.
    SB: "sb", SHAPE, Interesting, relaxed,
    "store buffering, Relaxed: r0=0 r1=0 allowed (x86 and ARM show it)"
}
variant! {
    /// `sb-relacq`: Release stores, Acquire loads: still allowed.
    SB_RELACQ: "sb-relacq", SHAPE, Interesting, relacq,
    "store buffering, Release/Acquire: r0=0 r1=0 still allowed (x86 shows it)"
}
variant! {
    /// `sb-seqcst`: SeqCst everywhere forbids the weak outcome.
    SB_SEQCST: "sb-seqcst", SHAPE, Forbidden, seqcst,
    "store buffering, SeqCst: r0=0 r1=0 forbidden"
}
variant! {
    /// `sb-fences`: Relaxed accesses with a SeqCst fence between them.
    SB_FENCES: "sb-fences", SHAPE, Forbidden, fences,
    "store buffering, Relaxed + fence(SeqCst): r0=0 r1=0 forbidden"
}
