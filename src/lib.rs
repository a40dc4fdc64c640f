//! orderhunt: hunts memory-ordering bugs.
//!
//! The binary's logic lives in this library so integration tests and
//! benchmarks can reach it. All `unsafe` code lives in the
//! `orderhunt-scenarios` crate; this crate forbids it (see Cargo.toml).

pub mod compare;
pub mod error;
pub mod html;
pub mod load;
pub mod report;
pub mod stats;
