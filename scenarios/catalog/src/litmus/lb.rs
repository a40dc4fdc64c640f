//! LB, load buffering:
//!
//! ```text
//! T0: r0 = x; y = 1        T1: r1 = y; x = 1
//! weak: r0=1 r1=1          (each load reads the other's later store)
//! ```
//!
//! Needs a load to be reordered after a later store (the store becomes
//! visible before the load is satisfied). x86 never does that; ARMv8
//! allows it (rarely seen on real cores). loom cannot show it (it only lets
//! a load read stores already executed), and neither can Miri: the weak
//! outcome is left to ARM hardware.

use super::{variant, Field::Reg, Shape, Vars};
use orderhunt_core::sync::Ordering;

pub static SHAPE: Shape = Shape {
    name: "LB",
    actors: 2,
    fields: &[("r0", Reg(0)), ("r1", Reg(1))],
    weak: &[1, 1],
    sc: &[&[0, 0], &[0, 1], &[1, 0]],
};

fn relaxed(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: nothing orders this load before the store below, so
            // it may read T1's store of x, which itself may come before
            // T1's load: permits the weak outcome.
            let r0 = v.x.load(Ordering::Relaxed);
            // Relaxed: may become visible before the load above is done.
            v.y.store(1, Ordering::Relaxed);
            v.record(0, r0);
        }
        1 => {
            // Relaxed: as T0's load, permits the weak outcome.
            let r1 = v.y.load(Ordering::Relaxed);
            // Relaxed: as T0's store.
            v.x.store(1, Ordering::Relaxed);
            v.record(1, r1);
        }
        _ => unreachable!("LB has two actors"),
    }
}

fn relacq(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Acquire: if it reads T1's Release store of x, T1's load of y
            // happens-before our store of y, so T1 cannot read that store.
            let r0 = v.x.load(Ordering::Acquire);
            // Release: if T1's Acquire load reads it, our load above
            // happens-before T1's store of x and cannot read it.
            v.y.store(1, Ordering::Release);
            v.record(0, r0);
        }
        1 => {
            // Acquire: pairs with T0's Release store of y (see T0).
            let r1 = v.y.load(Ordering::Acquire);
            // Release: pairs with T0's Acquire load of x (see T0).
            v.x.store(1, Ordering::Release);
            v.record(1, r1);
        }
        _ => unreachable!("LB has two actors"),
    }
}

fn seqcst(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // SeqCst: one total order S over all four accesses, consistent
            // with program order: a load reads a store before it in S, so
            // the two loads cannot both read the later stores.
            let r0 = v.x.load(Ordering::SeqCst);
            // SeqCst: after our load in S (see above).
            v.y.store(1, Ordering::SeqCst);
            v.record(0, r0);
        }
        1 => {
            // SeqCst: in S with T0's accesses (see T0).
            let r1 = v.y.load(Ordering::SeqCst);
            // SeqCst: after our load in S.
            v.x.store(1, Ordering::SeqCst);
            v.record(1, r1);
        }
        _ => unreachable!("LB has two actors"),
    }
}

variant! {
    /// `lb`: all Relaxed; allowed by the model and by ARMv8, not by x86.
    LB: "lb", SHAPE, Interesting, relaxed,
    "load buffering, Relaxed: r0=1 r1=1 allowed (ARM only; beyond loom and Miri)"
}
variant! {
    /// `lb-relacq`: Acquire loads, Release stores.
    LB_RELACQ: "lb-relacq", SHAPE, Forbidden, relacq,
    "load buffering, Acquire loads + Release stores: r0=1 r1=1 forbidden"
}
variant! {
    /// `lb-seqcst`: SeqCst everywhere.
    LB_SEQCST: "lb-seqcst", SHAPE, Forbidden, seqcst,
    "load buffering, SeqCst: r0=1 r1=1 forbidden"
}
