//! IRIW, independent reads of independent writes (four threads):
//!
//! ```text
//! T0: x = 1    T1: y = 1    T2: r0 = x; r1 = y    T3: r2 = y; r3 = x
//! weak: r0=1 r1=0 r2=1 r3=0   (the readers disagree on which write came
//!                              first)
//! ```
//!
//! x86-TSO forbids it (stores reach all other cores at once, loads stay in
//! order). ARMv8 allows it with plain loads, which may be reordered; it
//! forbids it once the readers' loads are ordered (ARMv8 is multi-copy
//! atomic), so `ldar` or `dmb` fixes it there. The Rust/C11 model is weaker
//! than both: Release/Acquire still allows it (`iriw-relacq`); only SeqCst
//! on every access, or a SeqCst fence between each reader's loads, forbids
//! it. Needs four cores to run all actors at once; on fewer, the actors
//! share cores and the weak outcome is even rarer.

use super::{variant, Field::Reg, Shape, Vars};
use orderhunt_core::sync::{fence, Ordering};

pub static SHAPE: Shape = Shape {
    name: "IRIW",
    actors: 4,
    fields: &[
        ("r0", Reg(0)),
        ("r1", Reg(1)),
        ("r2", Reg(2)),
        ("r3", Reg(3)),
    ],
    weak: &[1, 0, 1, 0],
    // Every tuple but the weak one: some interleaving produces each.
    sc: &[
        &[0, 0, 0, 0],
        &[0, 0, 0, 1],
        &[0, 0, 1, 0],
        &[0, 0, 1, 1],
        &[0, 1, 0, 0],
        &[0, 1, 0, 1],
        &[0, 1, 1, 0],
        &[0, 1, 1, 1],
        &[1, 0, 0, 0],
        &[1, 0, 0, 1],
        &[1, 0, 1, 1],
        &[1, 1, 0, 0],
        &[1, 1, 0, 1],
        &[1, 1, 1, 0],
        &[1, 1, 1, 1],
    ],
};

fn relaxed(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: an independent write.
            v.x.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: an independent write.
            v.y.store(1, Ordering::Relaxed);
        }
        2 => {
            // Relaxed: nothing orders it before the load below.
            let r0 = v.x.load(Ordering::Relaxed);
            // Relaxed: may be satisfied before the load above: permits the
            // weak outcome.
            let r1 = v.y.load(Ordering::Relaxed);
            v.record(0, r0);
            v.record(1, r1);
        }
        3 => {
            // Relaxed: as T2's, unordered with the load below.
            let r2 = v.y.load(Ordering::Relaxed);
            // Relaxed: permits the weak outcome.
            let r3 = v.x.load(Ordering::Relaxed);
            v.record(2, r2);
            v.record(3, r3);
        }
        _ => unreachable!("IRIW has four actors"),
    }
}

fn relacq(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Release: synchronizes with a reader's Acquire load, but the
            // two writers share no order: the readers may still disagree.
            v.x.store(1, Ordering::Release);
        }
        1 => {
            // Release: as T0's.
            v.y.store(1, Ordering::Release);
        }
        2 => {
            // Acquire: orders our second load after it, but does not order
            // the two writes for everyone: the weak outcome stays allowed.
            let r0 = v.x.load(Ordering::Acquire);
            // Acquire: as above.
            let r1 = v.y.load(Ordering::Acquire);
            v.record(0, r0);
            v.record(1, r1);
        }
        3 => {
            // Acquire: as T2's.
            let r2 = v.y.load(Ordering::Acquire);
            // Acquire: as T2's.
            let r3 = v.x.load(Ordering::Acquire);
            v.record(2, r2);
            v.record(3, r3);
        }
        _ => unreachable!("IRIW has four actors"),
    }
}

fn seqcst(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // SeqCst: both writes are in the single total order S that both
            // readers' SeqCst loads respect, so they agree on which came
            // first.
            v.x.store(1, Ordering::SeqCst);
        }
        1 => {
            // SeqCst: in S with the other write (see T0).
            v.y.store(1, Ordering::SeqCst);
        }
        2 => {
            // SeqCst: reads the last store to x before it in S.
            let r0 = v.x.load(Ordering::SeqCst);
            // SeqCst: after the load above in S.
            let r1 = v.y.load(Ordering::SeqCst);
            v.record(0, r0);
            v.record(1, r1);
        }
        3 => {
            // SeqCst: reads the last store to y before it in S.
            let r2 = v.y.load(Ordering::SeqCst);
            // SeqCst: after the load above in S.
            let r3 = v.x.load(Ordering::SeqCst);
            v.record(2, r2);
            v.record(3, r3);
        }
        _ => unreachable!("IRIW has four actors"),
    }
}

fn fences(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: the readers' SeqCst fences alone forbid the weak
            // outcome (C++20 fence semantics).
            v.x.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: as T0's.
            v.y.store(1, Ordering::Relaxed);
        }
        2 => {
            // Relaxed: ordered before the second load by the fence.
            let r0 = v.x.load(Ordering::Relaxed);
            // SeqCst fence: the readers' fences are ordered in S; the
            // reader whose fence is second must see the write the first
            // reader saw before its fence.
            fence(Ordering::SeqCst);
            // Relaxed: ordered after the first load by the fence.
            let r1 = v.y.load(Ordering::Relaxed);
            v.record(0, r0);
            v.record(1, r1);
        }
        3 => {
            // Relaxed: ordered before the second load by the fence.
            let r2 = v.y.load(Ordering::Relaxed);
            // SeqCst fence: pairs with T2's (see there).
            fence(Ordering::SeqCst);
            // Relaxed: ordered after the first load by the fence.
            let r3 = v.x.load(Ordering::Relaxed);
            v.record(2, r2);
            v.record(3, r3);
        }
        _ => unreachable!("IRIW has four actors"),
    }
}

variant! {
    /// `iriw`: all Relaxed.
    IRIW: "iriw", SHAPE, Interesting, relaxed,
    "independent reads of independent writes (4 threads), Relaxed: r0=1 r1=0 r2=1 r3=0 allowed (ARM only)"
}
variant! {
    /// `iriw-relacq`: Release/Acquire is not enough in the model.
    IRIW_RELACQ: "iriw-relacq", SHAPE, Interesting, relacq,
    "IRIW, Release/Acquire: r0=1 r1=0 r2=1 r3=0 still allowed by the model (not by x86 or ARMv8)"
}
variant! {
    /// `iriw-seqcst`: SeqCst everywhere.
    IRIW_SEQCST: "iriw-seqcst", SHAPE, Forbidden, seqcst,
    "IRIW, SeqCst: r0=1 r1=0 r2=1 r3=0 forbidden"
}
variant! {
    /// `iriw-fences`: Relaxed with a SeqCst fence between each reader's loads.
    IRIW_FENCES: "iriw-fences", SHAPE, Forbidden, fences,
    "IRIW, Relaxed + fence(SeqCst) in the readers: r0=1 r1=0 r2=1 r3=0 forbidden"
}
