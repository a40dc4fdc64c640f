//! Specimens of right and wrong synchronization, and the harness's own
//! synchronization primitives.
//!
//! This crate holds all of orderhunt's `unsafe` code and makes no OS calls,
//! so it runs under Miri, and it compiles under `--cfg loom` for model
//! checking: every atomic, thread and payload cell comes from [`sync`].

pub mod api;
pub mod arc;
pub mod array;
pub mod catalog;
pub mod check;
pub mod counter;
pub mod harness;
pub mod interp;
pub mod litmus;
pub mod registry;
pub mod scenario;
pub mod sync;

pub use api::{Slot, Test};
pub use harness::{Config, HarnessKind, MemoryMode, Progress, Runner, SyncMode, DEFAULT_SKEW};
pub use registry::{all, find, DynScenario, Origin, Registry};
pub use scenario::{Expectation, Info, Layout, Observed, OutcomeClass, Params, Scenario, Tally};
