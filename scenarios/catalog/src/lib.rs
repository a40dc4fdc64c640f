//! orderhunt's built-in catalog: the article's specimens, the litmus
//! variants, and the interpreter that runs C litmus files.
//!
//! Everything here is built on `orderhunt-core`'s public API and registered
//! through the same call as a user's tests ([`Registry::add`]): the catalog
//! is a user of the core, not part of it. A new built-in scenario is one
//! file plus one line in [`register`] (or, for a litmus variant, one line in
//! `litmus::VARIANTS`).
//!
//! * [`specimens`]: the article's examples and its Arc study, each wrong
//!   variant beside its right one;
//! * [`litmus`]: the litmus catalog (SB, MP, LB, IRIW, ... in several
//!   orderings), each with its C litmus text;
//! * [`interp`]: C litmus files compiled for a small interpreter, run on
//!   the same engine.

pub mod interp;
pub mod litmus;
pub mod specimens;

#[cfg(all(test, not(loom)))]
mod harness_tests;

use orderhunt_core::{DynScenario, Registry};
use specimens::{arc, array, counter};

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
        v.register(r);
    }
}

/// This crate's name and version: the origin reports give the built-ins.
pub const CRATE: &str = env!("CARGO_PKG_NAME");
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A registry holding the built-in catalog, with this crate as its origin.
pub fn registry() -> Registry {
    let mut r = Registry::new(CRATE, VERSION);
    register(&mut r);
    r
}

/// The built-in catalog as a process-wide registry (for tests and tools
/// that only need the built-ins).
pub fn builtin() -> &'static Registry {
    static BUILTIN: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(registry)
}

/// Every built-in scenario, in `list` order.
pub fn all() -> &'static [&'static dyn DynScenario] {
    builtin().all()
}

/// The built-in scenario called `name`, if any.
pub fn find(name: &str) -> Option<&'static dyn DynScenario> {
    builtin().find(name)
}
