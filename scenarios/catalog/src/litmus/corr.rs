//! CoRR, read-read coherence:
//!
//! ```text
//! T0: x = 1                T1: r0 = x; r1 = x
//! weak: r0=1 r1=0          (a later read goes back in x's history)
//! ```
//!
//! Forbidden even for Relaxed: every atomic has one modification order and
//! a thread's reads of it never go backwards. Forbidden by x86-TSO and
//! ARMv8 alike; some older ARM cores broke it (Cortex-A9 erratum 761319),
//! which is why it is worth running on new hardware.

use super::{variant, Field::Reg, Shape, Vars};
use orderhunt_core::sync::Ordering;

pub static SHAPE: Shape = Shape {
    name: "CoRR",
    actors: 2,
    fields: &[("r0", Reg(0)), ("r1", Reg(1))],
    weak: &[1, 0],
    sc: &[&[0, 0], &[0, 1], &[1, 1]],
};

fn relaxed(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: a single store; coherence alone is under test.
            v.x.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: coherence still applies: once this reads 1, the
            // load below cannot read the older 0.
            let r0 = v.x.load(Ordering::Relaxed);
            // Relaxed: read-read coherence keeps it at or after r0's store.
            let r1 = v.x.load(Ordering::Relaxed);
            v.record(0, r0);
            v.record(1, r1);
        }
        _ => unreachable!("CoRR has two actors"),
    }
}

variant! {
    /// `corr`: Relaxed is enough: coherence forbids the weak outcome.
    CORR: "corr", SHAPE, Forbidden, relaxed,
    "read-read coherence, Relaxed: r0=1 r1=0 forbidden (old ARM cores broke it)"
}
