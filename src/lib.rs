//! orderhunt: hunts memory-ordering bugs.
//!
//! The binary's logic lives in this library so integration tests and
//! benchmarks can reach it. All `unsafe` code lives in the
//! `orderhunt-scenarios` crate; this crate forbids it (see Cargo.toml).

pub mod ci;
pub mod cli;
pub mod compare;
pub mod completions;
pub mod engine;
pub mod error;
pub mod html;
pub mod list;
pub mod load;
pub mod machine;
pub mod output;
pub mod report;
pub mod run;
pub mod signals;
pub mod soak;
pub mod stats;
