//! orderhunt: hunts memory-ordering bugs in your own synchronization, three
//! ways from one definition of each test: on pinned hardware threads
//! millions of times, under loom, and under Miri.
//!
//! The tutorial's first example (`docs/your-own-code.md` in the repository
//! walks through it): two threads increment a spinlock-protected counter,
//! once with a `Release` unlock (right) and once with a `Relaxed` one (the
//! bug to catch).
//!
//! ```toml
//! # Cargo.toml of your crate
//! [target.'cfg(loom)'.dependencies]
//! loom = "0.7"
//!
//! [dev-dependencies]
//! orderhunt = { path = "../orderhunt" }   # or a git dependency
//!
//! [[test]]
//! name = "hunt"
//! harness = false
//! ```
//!
//! ```no_run
//! // tests/hunt.rs
//! use orderhunt::sync::{AtomicBool, Ordering, UnsafeCell};
//! use orderhunt::{Registry, Test};
//!
//! #[derive(Default)]
//! pub struct Counter {
//!     locked: AtomicBool,
//!     value: UnsafeCell<u64>,
//! }
//!
//! // SAFETY: `value` is only accessed while holding `locked`.
//! unsafe impl Sync for Counter {}
//!
//! impl Counter {
//!     /// Adds one under the lock. `release` is the ordering of the unlock.
//!     pub fn increment(&self, release: Ordering) {
//!         // Acquire: see everything the previous holder did before unlocking.
//!         while self.locked
//!             .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
//!             .is_err()
//!         {
//!             std::hint::spin_loop();
//!         }
//!         // SAFETY: we hold the lock.
//!         self.value.with_mut(|p| unsafe { *p += 1 });
//!         // Release (when asked): publish our increment to the next holder.
//!         self.locked.store(false, release);
//!     }
//!
//!     pub fn get(&self) -> u64 {
//!         // SAFETY: called after every thread is done.
//!         self.value.with(|p| unsafe { *p })
//!     }
//! }
//!
//! fn counter(name: &str, unlock: Ordering) -> Test<Counter, u64> {
//!     Test::<Counter, u64>::new(name)               // fresh state: Counter::default()
//!         .about("two threads increment a spinlock-protected counter once each")
//!         .actor(move |c| c.increment(unlock))       // actor 0
//!         .actor(move |c| c.increment(unlock))       // actor 1, at the same time
//!         .arbiter(|c| c.get())                      // after both: the outcome
//!         .acceptable(2, "both increments counted")
//!         .forbidden(1, "an increment was lost")
//! }
//!
//! fn register(r: &mut Registry) {
//!     r.add(counter("spinlock", Ordering::Release));
//!     r.add(counter("spinlock-relaxed-unlock", Ordering::Relaxed)); // the bug to catch
//! }
//!
//! orderhunt::main!(register);
//! ```
//!
//! `cargo test` then smoke-runs each test; `cargo test --test hunt -- run
//! spinlock-relaxed-unlock --iterations 10000000` hunts on the pinned
//! engine; `RUSTFLAGS="--cfg loom" cargo test --test hunt --release`
//! explores it under loom; `cargo +nightly miri test --test hunt` runs it
//! under Miri.
//!
//! # What this crate offers
//!
//! * the test API: [`Test`], [`Slot`] (holding any [`SlotValue`]),
//!   [`Outcome`], [`OutcomeClass`], [`Expectation`], [`MemoryMode`];
//!   [`Test::loom`]/[`Test::miri`] with [`Skip`], [`Test::external_sync`];
//! * [`Registry`] and [`main!`]; [`catalog::register`] adds orderhunt's
//!   built-in specimens to a registry;
//! * [`sync`]: atomics, fences, threads and the payload cell, `std`'s or
//!   loom's under `--cfg loom`;
//! * [`check`]: the loom and Miri entry points that `main!` calls;
//! * [`report`]: the JSON report schema (`orderhunt.report/1`), to read
//!   reports from Rust;
//! * the lower-level [`Scenario`] trait (what the built-in catalog
//!   implements), with [`Info`], [`Observed`], [`Params`], [`Tally`],
//!   [`Layout`], [`IntoScenario`] and [`Origin`].
//!
//! Everything else in this crate is the `orderhunt` binary's and hidden
//! from these docs: it may change in any release. All `unsafe` code lives
//! in the `orderhunt-core` and `orderhunt-scenarios` crates; this crate
//! forbids it.

pub use orderhunt_core::api::{Outcome, Slot, SlotValue, Test, MAX_ACTORS};
pub use orderhunt_core::check;
pub use orderhunt_core::registry::{IntoScenario, Origin};
pub use orderhunt_core::scenario::Way::{self, Skip};
pub use orderhunt_core::scenario::{
    Expectation, Info, Layout, Observed, OutcomeClass, Params, Recorder, Scenario, Tally, Ways,
};
/// Atomics, fences, threads and the payload cell: `std`'s, or loom's
/// under `--cfg loom`. Write your test's synchronization with these.
pub use orderhunt_core::sync;
pub use orderhunt_core::{MemoryMode, Registry};

/// orderhunt's built-in catalog (the article's specimens and the litmus
/// variants): `Registry::add_builtin` or
/// `registry.add_from("orderhunt-scenarios", VERSION, orderhunt::catalog::register)`
/// adds it to a registry.
pub mod catalog {
    pub use orderhunt_scenarios::{register, VERSION};
}

/// The JSON report schema, `orderhunt.report/1`: what `run`, `soak` and a
/// user target's `run` write. Read a report with `serde_json`.
// The file sits with the other outputs in export/; it is the one module of
// that folder users may read, so it is declared here, public.
#[path = "export/report.rs"]
pub mod report;

// The binary's modules. They are `pub` only because the `orderhunt`
// binary (src/main.rs) and the integration tests (tests/) are other crates
// that drive them; they are hidden from the docs and not part of the API.
#[doc(hidden)]
pub mod cargo;
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod commands;
#[doc(hidden)]
pub mod compare;
#[doc(hidden)]
pub mod engine;
#[doc(hidden)]
pub mod error;
#[doc(hidden)]
pub mod export;
#[doc(hidden)]
pub mod load;
#[doc(hidden)]
pub mod machine;
#[doc(hidden)]
pub mod stats;
#[doc(hidden)]
pub mod testmain;

#[doc(hidden)] // What `main!` expands to.
pub use testmain::test_main;

/// Tells the core where the built-in catalog is, so that
/// [`Registry::add_builtin`] finds it. `main!` and the binary call it.
#[doc(hidden)]
pub fn link_builtin() {
    orderhunt_core::registry::set_builtin(
        orderhunt_scenarios::CRATE,
        orderhunt_scenarios::VERSION,
        orderhunt_scenarios::register,
    );
}
