//! Hand-rolled synchronization, as a user's crate has it: a seqlock and a
//! single-producer single-consumer ring buffer. Each has its correct
//! operations and, for the demonstration, one planted bug
//! (`INTENTIONALLY UNSOUND`), so that `tests/hunt.rs` can show orderhunt
//! catching it three ways.

pub mod seqlock;
pub mod spsc;
mod sync;
