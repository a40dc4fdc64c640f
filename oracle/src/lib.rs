//! orderhunt's memory-model oracle: a pure crate (no `unsafe`, no I/O, no
//! dependency on the rest of orderhunt).
//!
//! * [`model`]: a litmus test as data (threads of atomic instructions, the
//!   initial state, the final condition);
//! * [`parse`]: herdtools7's C litmus format into a [`model::Litmus`];
//! * [`exec`]: candidate executions (events, `po`, `rf`, `co`, values);
//! * [`models`]: the SC, x86-TSO, ARMv8 and RC11 consistency checks and the
//!   API: [`predict`], [`predict_all`], [`candidate_states`],
//!   [`observation`], [`validated`].

pub mod exec;
pub mod model;
pub mod models;
pub mod rel;

pub use exec::OracleError;
pub use model::*;
pub use models::{
    candidate_states, enumerate, observation, predict, predict_all, validated, Model, Prediction,
};
