//! S:
//!
//! ```text
//! T0: x = 2; y = 1         T1: r0 = y; x = 1
//! weak: r0=1 x=2           (T1 saw y=1, yet its x=1 is ordered before
//!                           T0's x=2, which came before y=1)
//! ```
//!
//! Needs T0's two stores to become visible out of order, or T1's store
//! before its load: x86 does neither, ARMv8 may. The fix is the message
//! passing one: Release store of y, Acquire load of it (then x=2
//! happens-before x=1, so x=1 is last).

use super::{variant, Field, Field::Reg, Shape, Var, Vars};
use orderhunt_core::sync::Ordering;

pub static SHAPE: Shape = Shape {
    name: "S",
    actors: 2,
    fields: &[("r0", Reg(0)), ("x", Field::Final(Var::X))],
    weak: &[1, 2],
    sc: &[&[0, 1], &[0, 2], &[1, 1]],
};

fn relaxed(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: nothing orders it before the store of y.
            v.x.store(2, Ordering::Relaxed);
            // Relaxed: may become visible before x=2: permits the weak
            // outcome.
            v.y.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: acquires nothing: seeing y=1 does not order x=2
            // before our store.
            let r0 = v.y.load(Ordering::Relaxed);
            // Relaxed: may land before x=2 in x's modification order.
            v.x.store(1, Ordering::Relaxed);
            v.record(0, r0);
        }
        _ => unreachable!("S has two actors"),
    }
}

fn relacq(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: ordered before y=1 by its Release.
            v.x.store(2, Ordering::Relaxed);
            // Release: if T1's Acquire load reads it, x=2 happens-before
            // T1's x=1, so x=2 precedes x=1 in modification order.
            v.y.store(1, Ordering::Release);
        }
        1 => {
            // Acquire: pairs with T0's Release store of y.
            let r0 = v.y.load(Ordering::Acquire);
            // Relaxed: ordered after the Acquire load, so after x=2.
            v.x.store(1, Ordering::Relaxed);
            v.record(0, r0);
        }
        _ => unreachable!("S has two actors"),
    }
}

fn seqcst(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // SeqCst: implies Release (see `s-relacq`) and a place in S.
            v.x.store(2, Ordering::SeqCst);
            // SeqCst: implies Release: x=2 is published with it.
            v.y.store(1, Ordering::SeqCst);
        }
        1 => {
            // SeqCst: implies Acquire: pairs with the store of y.
            let r0 = v.y.load(Ordering::SeqCst);
            // SeqCst: after the load in happens-before, so after x=2.
            v.x.store(1, Ordering::SeqCst);
            v.record(0, r0);
        }
        _ => unreachable!("S has two actors"),
    }
}

variant! {
    /// `s`: all Relaxed.
    S: "s", SHAPE, Interesting, relaxed,
    "S, Relaxed: r0=1 with final x=2 allowed (ARM only)"
}
variant! {
    /// `s-relacq`: Release store of y, Acquire load of it.
    S_RELACQ: "s-relacq", SHAPE, Forbidden, relacq,
    "S, Release/Acquire on y: r0=1 with final x=2 forbidden"
}
variant! {
    /// `s-seqcst`: SeqCst everywhere.
    S_SEQCST: "s-seqcst", SHAPE, Forbidden, seqcst,
    "S, SeqCst: r0=1 with final x=2 forbidden"
}
