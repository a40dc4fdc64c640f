//! 2+2W, two plus two writes:
//!
//! ```text
//! T0: x = 2; y = 1         T1: y = 2; x = 1
//! weak: x=2 y=2            (final values: each thread's first store is
//!                           last in its variable's order)
//! ```
//!
//! Needs store-store reordering: x86 never, ARMv8 may. There are no loads,
//! so Release/Acquire cannot help: with Release stores the weak outcome is
//! still allowed by the model (`2+2w-release`). Only SeqCst stores, or a
//! SeqCst fence between the stores in each thread, forbid it.

use super::{variant, Field::Final, Shape, Var, Vars};
use orderhunt_core::sync::{fence, Ordering};

pub static SHAPE: Shape = Shape {
    name: "2+2W",
    actors: 2,
    fields: &[("x", Final(Var::X)), ("y", Final(Var::Y))],
    weak: &[2, 2],
    sc: &[&[1, 1], &[1, 2], &[2, 1]],
};

fn relaxed(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: may become visible after the store below.
            v.x.store(2, Ordering::Relaxed);
            // Relaxed: permits the weak outcome (store-store reordering).
            v.y.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: as T0's, may become visible after the store below.
            v.y.store(2, Ordering::Relaxed);
            // Relaxed: permits the weak outcome.
            v.x.store(1, Ordering::Relaxed);
        }
        _ => unreachable!("2+2W has two actors"),
    }
}

fn release(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Release: orders earlier accesses before it, but with no
            // Acquire load reading it, it creates no happens-before with
            // T1: the weak outcome is still allowed by the model.
            v.x.store(2, Ordering::Release);
            // Release: as above; nothing synchronizes.
            v.y.store(1, Ordering::Release);
        }
        1 => {
            // Release: as T0's, synchronizes with nothing.
            v.y.store(2, Ordering::Release);
            // Release: as above.
            v.x.store(1, Ordering::Release);
        }
        _ => unreachable!("2+2W has two actors"),
    }
}

fn seqcst(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // SeqCst: the four stores are in one total order S consistent
            // with program order and with each variable's modification
            // order: the weak outcome would make S cyclic.
            v.x.store(2, Ordering::SeqCst);
            // SeqCst: after x=2 in S.
            v.y.store(1, Ordering::SeqCst);
        }
        1 => {
            // SeqCst: in S with T0's stores (see T0).
            v.y.store(2, Ordering::SeqCst);
            // SeqCst: after y=2 in S.
            v.x.store(1, Ordering::SeqCst);
        }
        _ => unreachable!("2+2W has two actors"),
    }
}

fn fences(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: ordered before y=1 by the fence below.
            v.x.store(2, Ordering::Relaxed);
            // SeqCst fence: the fences are ordered in S; the store before
            // the earlier fence precedes, in modification order, the other
            // thread's store to the same variable after its fence.
            fence(Ordering::SeqCst);
            // Relaxed: ordered after x=2 by the fence.
            v.y.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: ordered before x=1 by the fence below.
            v.y.store(2, Ordering::Relaxed);
            // SeqCst fence: pairs with T0's (see there).
            fence(Ordering::SeqCst);
            // Relaxed: ordered after y=2 by the fence.
            v.x.store(1, Ordering::Relaxed);
        }
        _ => unreachable!("2+2W has two actors"),
    }
}

variant! {
    /// `2+2w`: all Relaxed.
    W22: "2+2w", SHAPE, Interesting, relaxed,
    "2+2W, Relaxed: final x=2 y=2 allowed (ARM only)"
}
variant! {
    /// `2+2w-release`: Release stores are no fix (no load to acquire them).
    W22_RELEASE: "2+2w-release", SHAPE, Interesting, release,
    "2+2W, Release stores: final x=2 y=2 still allowed by the model (not by x86 or ARMv8)"
}
variant! {
    /// `2+2w-seqcst`: SeqCst stores.
    W22_SEQCST: "2+2w-seqcst", SHAPE, Forbidden, seqcst,
    "2+2W, SeqCst stores: final x=2 y=2 forbidden"
}
variant! {
    /// `2+2w-fences`: Relaxed stores with a SeqCst fence between them.
    W22_FENCES: "2+2w-fences", SHAPE, Forbidden, fences,
    "2+2W, Relaxed + fence(SeqCst) in both threads: final x=2 y=2 forbidden"
}
