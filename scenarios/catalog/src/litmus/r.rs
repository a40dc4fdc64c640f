//! R:
//!
//! ```text
//! T0: x = 1; y = 1         T1: y = 2; r0 = x
//! weak: r0=0 y=2           (T1's store of y is last in y's order, yet its
//!                           later load misses x=1, which came before y=1)
//! ```
//!
//! Like SB, this needs a store to be reordered after a later load (T1), so
//! x86-TSO allows it too. Only SeqCst on every access, or a SeqCst fence in
//! each thread, forbids it; Release/Acquire would not.

use super::{variant, Field, Field::Reg, Shape, Var, Vars};
use orderhunt_core::sync::{fence, Ordering};

pub static SHAPE: Shape = Shape {
    name: "R",
    actors: 2,
    fields: &[("r0", Reg(0)), ("y", Field::Final(Var::Y))],
    weak: &[0, 2],
    sc: &[&[0, 1], &[1, 1], &[1, 2]],
};

fn relaxed(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: nothing orders it before the store of y below.
            v.x.store(1, Ordering::Relaxed);
            // Relaxed: may precede T1's y=2 in y's modification order
            // without making x=1 visible to T1.
            v.y.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: may stay buffered past the load below: permits the
            // weak outcome.
            v.y.store(2, Ordering::Relaxed);
            // Relaxed: may read the initial x even though our store of y
            // ends up after T0's.
            v.record(0, v.x.load(Ordering::Relaxed));
        }
        _ => unreachable!("R has two actors"),
    }
}

fn seqcst(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // SeqCst: in the total order S before our store of y.
            v.x.store(1, Ordering::SeqCst);
            // SeqCst: S agrees with y's modification order; if T1's y=2 is
            // after it, so is T1's load of x, which must then see x=1.
            v.y.store(1, Ordering::SeqCst);
        }
        1 => {
            // SeqCst: before our load of x in S.
            v.y.store(2, Ordering::SeqCst);
            // SeqCst: reads the last store to x before it in S.
            v.record(0, v.x.load(Ordering::SeqCst));
        }
        _ => unreachable!("R has two actors"),
    }
}

fn fences(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: ordered before the store of y by the fence below.
            v.x.store(1, Ordering::Relaxed);
            // SeqCst fence: the two fences are ordered in S. If ours is
            // first, T1's load after its fence must see x=1; if T1's is
            // first, T1's y=2 precedes our y=1 in modification order.
            fence(Ordering::SeqCst);
            // Relaxed: ordered after x=1 by the fence.
            v.y.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: ordered before the load by the fence below.
            v.y.store(2, Ordering::Relaxed);
            // SeqCst fence: pairs with T0's (see there).
            fence(Ordering::SeqCst);
            // Relaxed: ordered after our store by the fence.
            v.record(0, v.x.load(Ordering::Relaxed));
        }
        _ => unreachable!("R has two actors"),
    }
}

variant! {
    /// `r`: all Relaxed; allowed, and x86 shows it (a store-load reordering).
    R: "r", SHAPE, Interesting, relaxed,
    "R, Relaxed: r0=0 with final y=2 allowed (x86 and ARM)"
}
variant! {
    /// `r-seqcst`: SeqCst everywhere.
    R_SEQCST: "r-seqcst", SHAPE, Forbidden, seqcst,
    "R, SeqCst: r0=0 with final y=2 forbidden"
}
variant! {
    /// `r-fences`: Relaxed with a SeqCst fence in each thread.
    R_FENCES: "r-fences", SHAPE, Forbidden, fences,
    "R, Relaxed + fence(SeqCst) in both threads: r0=0 with final y=2 forbidden"
}
