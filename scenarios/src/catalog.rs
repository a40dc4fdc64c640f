//! orderhunt's built-in catalog: the article's specimens and the litmus
//! catalog, registered through the same public call as a user's tests
//! ([`Registry::add`]). A new built-in scenario is one file plus one line
//! here (or, for a litmus variant, one line in `litmus::VARIANTS`).

use crate::registry::Registry;
use crate::{arc, array, counter, litmus};

pub static COUNTER_RACE: counter::CounterRace = counter::CounterRace;
pub static COUNTER_ATOMIC: counter::CounterAtomic = counter::CounterAtomic;
pub static ARRAY_PASSING: array::ArrayPassing = array::ArrayPassing;
pub static ARRAY_PASSING_FIXED: array::ArrayPassingFixed = array::ArrayPassingFixed;
pub static ARC_RELAXED: arc::ArcRelaxed = arc::ArcRelaxed;
pub static ARC_ACQREL: arc::ArcAcqRel = arc::ArcAcqRel;
pub static ARC_FENCE: arc::ArcFence = arc::ArcFence;

/// Registers the built-in catalog, in `list` order: the article's
/// specimens, then the litmus variants.
pub fn register(r: &mut Registry) {
    r.add(&COUNTER_RACE)
        .add(&COUNTER_ATOMIC)
        .add(&ARRAY_PASSING)
        .add(&ARRAY_PASSING_FIXED)
        .add(&ARC_RELAXED)
        .add(&ARC_ACQREL)
        .add(&ARC_FENCE);
    for &v in litmus::VARIANTS {
        r.add(v);
    }
}
