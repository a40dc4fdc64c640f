//! orderhunt's core: what a test is made of and what runs it.
//!
//! * [`api`]: the test API users write (`Test`, `Slot`, outcome classes);
//! * [`scenario`]: the lower-level `Scenario` trait the built-in catalog
//!   implements, and what the engine needs of any scenario;
//! * [`registry`]: registries of scenarios, filled through [`Registry::add`]
//!   by the catalog and by user crates alike;
//! * [`sync`]: the facade: `std`'s atomics, threads and cells, or loom's
//!   under `--cfg loom`;
//! * [`harness`]: the actors and spawn harnesses and their own
//!   synchronization (rendezvous, gates);
//! * [`check`]: the same scenario under loom and under Miri.
//!
//! Users depend on the `orderhunt` crate, which re-exports the user-facing
//! part of this one; the items marked hidden here are the engine's, used by
//! the `orderhunt` binary and the catalog, and are not a promise. This crate
//! and the catalog (`orderhunt-scenarios`) hold all of orderhunt's `unsafe`
//! code, make no OS calls (so they run under Miri), and compile under
//! `--cfg loom`: every atomic, thread and payload cell comes from [`sync`].

pub mod api;
pub mod check;
#[doc(hidden)] // The engine's: the binary and the catalog's tests drive it.
pub mod harness;
pub mod registry;
pub mod scenario;
pub mod sync;

pub use api::{Slot, Test};
pub use harness::{Config, HarnessKind, Progress, Runner, SyncMode, DEFAULT_SKEW, DEFAULT_SYNC};
#[doc(hidden)] // The engine's view of a scenario: what the binary runs.
pub use registry::DynScenario;
pub use registry::{Origin, Registry};
pub use scenario::{
    Expectation, Info, Layout, MemoryMode, Observed, OutcomeClass, Params, Recorder, Scenario,
    Tally, Way, Ways,
};
