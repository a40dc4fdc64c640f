//! orderhunt's memory-model oracle: a pure crate (no `unsafe`, no I/O, no
//! dependency on the rest of orderhunt).
//!
//! * [`model`]: a litmus test as data (threads of atomic instructions, the
//!   initial state, the final condition);
//! * [`parse`]: herdtools7's C litmus format into a [`model::Litmus`];
//! * [`models`]: candidate-execution enumeration and the SC, x86-TSO,
//!   ARMv8 and RC11 consistency checks.

pub mod model;
pub mod parse;

pub use model::*;
