//! orderhunt: hunts memory-ordering bugs.
//!
//! Use it from your own crate to hunt *your* synchronization three ways:
//! on pinned hardware threads millions of times, under loom, and under
//! Miri, from one definition of each test. The tutorial is
//! `docs/your-own-code.md`; in short:
//!
//! ```toml
//! # Cargo.toml of your crate
//! [dev-dependencies]
//! orderhunt = { path = "../orderhunt" }   # or a git dependency
//!
//! [[test]]
//! name = "hunt"
//! harness = false
//! ```
//!
//! ```ignore
//! // tests/hunt.rs
//! use orderhunt::sync::{AtomicU32, Ordering};
//! use orderhunt::{Registry, Slot, Test};
//!
//! #[derive(Default)]
//! struct Mp { data: AtomicU32, flag: AtomicU32, seen: Slot, got: Slot }
//!
//! fn register(r: &mut Registry) {
//!     r.add(
//!         Test::<Mp, (u64, u64)>::new("mp-relaxed")
//!             .actor(|s| {
//!                 // Relaxed: the bug under test (missing Release).
//!                 s.data.store(1, Ordering::Relaxed);
//!                 // Relaxed: missing Release: the flag does not publish data.
//!                 s.flag.store(1, Ordering::Relaxed);
//!             })
//!             .actor(|s| {
//!                 // Relaxed: missing Acquire.
//!                 s.seen.set(s.flag.load(Ordering::Relaxed).into());
//!                 // Relaxed: may be stale even when the flag was seen.
//!                 s.got.set(s.data.load(Ordering::Relaxed).into());
//!             })
//!             .arbiter(|s| (s.seen.get(), s.got.get()))
//!             .acceptable((0, 0), "flag not seen yet")
//!             .acceptable((0, 1), "flag not seen, data seen")
//!             .acceptable((1, 1), "flag and data seen")
//!             .interesting((1, 0), "flag seen, data stale: message passing broken"),
//!     );
//! }
//!
//! orderhunt::main!(register);
//! ```
//!
//! `cargo test` then smoke-runs each test; `cargo test --test hunt -- run
//! mp-relaxed --iterations 10000000` hunts on the pinned engine;
//! `RUSTFLAGS="--cfg loom" cargo test --test hunt --release` explores it
//! under loom; `cargo +nightly miri test --test hunt` runs it under Miri.
//!
//! The binary's logic lives in this library too. All `unsafe` code lives
//! in the `orderhunt-scenarios` crate; this crate forbids it.

pub mod ci;
pub mod cli;
pub mod compare;
pub mod completions;
pub mod engine;
pub mod error;
pub mod html;
pub mod list;
pub mod litmus_file;
pub mod load;
pub mod machine;
pub mod output;
pub mod placement;
pub mod predict;
pub mod report;
pub mod run;
pub mod signals;
pub mod soak;
pub mod stats;
pub mod testmain;
pub mod topology;

/// Atomics, fences, threads and the payload cell: `std`'s, or loom's
/// under `--cfg loom`. Write your test's synchronization with these.
pub use orderhunt_scenarios::sync;

pub use orderhunt_scenarios::api::{Outcome, Slot, Test, MAX_ACTORS};
/// orderhunt's built-in catalog: `catalog::register` adds it to a registry
/// (`registry.add_from("orderhunt-scenarios", VERSION, orderhunt::catalog::register)`).
pub use orderhunt_scenarios::catalog;
pub use orderhunt_scenarios::check;
pub use orderhunt_scenarios::registry::{IntoScenario, Origin};
pub use orderhunt_scenarios::scenario::{
    Expectation, Info, Observed, OutcomeClass, Params, Scenario, Tally,
};
pub use orderhunt_scenarios::{MemoryMode, Registry};
pub use testmain::test_main;
