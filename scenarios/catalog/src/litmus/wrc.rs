//! WRC, write-to-read causality (three threads):
//!
//! ```text
//! T0: x = 1      T1: r0 = x; y = 1      T2: r1 = y; r2 = x
//! weak: r0=1 r1=1 r2=0   (T2 sees T1's store, which T1 made after seeing
//!                         x=1, but not x=1 itself)
//! ```
//!
//! x86 forbids it (TSO is multi-copy atomic and keeps loads in order);
//! ARMv8 allows it without barriers or dependencies (T1 and T2 may each
//! reorder). The fix: a Release store of y and an Acquire load of it; then
//! T1's load of x happens-before T2's, and read-read coherence does the
//! rest.

use super::{variant, Field::Reg, Shape, Vars};
use orderhunt_core::sync::Ordering;

pub static SHAPE: Shape = Shape {
    name: "WRC",
    actors: 3,
    fields: &[("r0", Reg(0)), ("r1", Reg(1)), ("r2", Reg(2))],
    weak: &[1, 1, 0],
    sc: &[
        &[0, 0, 0],
        &[0, 0, 1],
        &[0, 1, 0],
        &[0, 1, 1],
        &[1, 0, 0],
        &[1, 0, 1],
        &[1, 1, 1],
    ],
};

fn relaxed(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: the store whose visibility is in question.
            v.x.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: acquires nothing.
            let r0 = v.x.load(Ordering::Relaxed);
            // Relaxed: publishes nothing, so T2 seeing it does not carry
            // x=1 along: permits the weak outcome.
            v.y.store(1, Ordering::Relaxed);
            v.record(0, r0);
        }
        2 => {
            // Relaxed: acquires nothing.
            let r1 = v.y.load(Ordering::Relaxed);
            // Relaxed: may read the stale 0.
            let r2 = v.x.load(Ordering::Relaxed);
            v.record(1, r1);
            v.record(2, r2);
        }
        _ => unreachable!("WRC has three actors"),
    }
}

fn relacq(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: coherence, not synchronization, carries it to T2
            // (see T2's second load).
            v.x.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: sequenced before the Release store below, which is
            // all the causality chain needs.
            let r0 = v.x.load(Ordering::Relaxed);
            // Release: our load of x happens-before whatever follows an
            // Acquire load that reads this store.
            v.y.store(1, Ordering::Release);
            v.record(0, r0);
        }
        2 => {
            // Acquire: pairs with T1's Release store of y.
            let r1 = v.y.load(Ordering::Acquire);
            // Relaxed: T1's load of x happens-before this one, so by
            // read-read coherence it reads x=1 if T1's did.
            let r2 = v.x.load(Ordering::Relaxed);
            v.record(1, r1);
            v.record(2, r2);
        }
        _ => unreachable!("WRC has three actors"),
    }
}

fn seqcst(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // SeqCst: one total order over all accesses.
            v.x.store(1, Ordering::SeqCst);
        }
        1 => {
            // SeqCst: implies Acquire.
            let r0 = v.x.load(Ordering::SeqCst);
            // SeqCst: implies Release (see `wrc-relacq`).
            v.y.store(1, Ordering::SeqCst);
            v.record(0, r0);
        }
        2 => {
            // SeqCst: implies Acquire: pairs with T1's store.
            let r1 = v.y.load(Ordering::SeqCst);
            // SeqCst: after T1's load of x in happens-before.
            let r2 = v.x.load(Ordering::SeqCst);
            v.record(1, r1);
            v.record(2, r2);
        }
        _ => unreachable!("WRC has three actors"),
    }
}

variant! {
    /// `wrc`: all Relaxed.
    WRC: "wrc", SHAPE, Interesting, relaxed,
    "write-to-read causality (3 threads), Relaxed: r0=1 r1=1 r2=0 allowed (ARM only)"
}
variant! {
    /// `wrc-relacq`: Release/Acquire on y.
    WRC_RELACQ: "wrc-relacq", SHAPE, Forbidden, relacq,
    "write-to-read causality, Release/Acquire on y: r0=1 r1=1 r2=0 forbidden"
}
variant! {
    /// `wrc-seqcst`: SeqCst everywhere.
    WRC_SEQCST: "wrc-seqcst", SHAPE, Forbidden, seqcst,
    "write-to-read causality, SeqCst: r0=1 r1=1 r2=0 forbidden"
}
