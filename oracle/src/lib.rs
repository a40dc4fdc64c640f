//! orderhunt's memory-model oracle: a pure crate (no `unsafe`, no I/O, no
//! dependency on the rest of orderhunt).
//!
//! * [`model`]: a litmus test as data (threads of atomic instructions, the
//!   initial state, the final condition);
//! * [`parse`]: herdtools7's C litmus format into a [`model::Litmus`];
//! * [`exec`]: candidate executions (events, `po`, `rf`, `co`, values);
//! * [`rel`]: relations over events as bit matrices (the `.cat` operators);
//! * [`models`]: the SC, x86-TSO, ARMv8 and RC11 consistency checks and the
//!   API: [`predict`], [`predict_all`], [`candidate_states`],
//!   [`observation`], [`validated`].
//!
//! # What the oracle computes
//!
//! For a test and a [`Model`], [`predict`] enumerates every candidate
//! execution (see [`exec`]), keeps those the model allows, and returns
//! their final states, herd7's Observation of the condition's proposition
//! over those states (Never / Sometimes / Always, counted over states as
//! herd7 prints them) and the number of allowed executions.
//! [`candidate_states`] is the same under no model: every state some
//! well-formed execution produces (each read reads a write that exists,
//! RMWs are atomic, CAS outcomes match their values, no thin-air values).
//!
//! # The models
//!
//! Each is a predicate over one candidate execution, coded from the paper
//! and the herdtools7 `.cat` file named (read as documentation), and
//! returns the name of the first axiom violated ([`Model::check`]).
//!
//! * **SC** ([`models::sc`]): `acyclic(po | rf | co | fr)` and RMW
//!   atomicity (Lamport).
//! * **x86-TSO** ([`models::x86`], `x86tso.cat`): `uniproc`, `atomic`,
//!   `acyclic(ghb)`, for the code compiled by the standard mapping: loads and
//!   non-SeqCst stores are `MOV`, a SeqCst store is `XCHG` (locked), RMWs and
//!   CAS are `LOCK`-prefixed (locked, also when a CAS fails), `fence(seq_cst)`
//!   is `MFENCE`, other fences are nothing.
//! * **ARMv8** ([`models::armv8`], Pulte et al. POPL 2018, `aarch64.cat`):
//!   `internal`, `external` (`acyclic ob`), `atomic`, for the code compiled
//!   by the standard mapping: `LDR`/`LDAR` (`LDAPR` for acquire loads with
//!   `rcpc`), `STR`/`STLR`, RMWs as `LDXR`/`STXR` loops (`LDAXR` if the
//!   order acquires, `STLXR` if it releases), `DMB ISHLD` for
//!   `fence(acquire)`, `DMB ISH` for the other non-relaxed fences. Data
//!   dependencies come from register dataflow; a CAS adds a control
//!   dependency to what follows it.
//! * **RC11** ([`models::rc11`], Lahav et al. PLDI 2017, `rc11.cat`):
//!   `coherence`, `atomicity`, `sc` (`acyclic psc`), `no-thin-air`
//!   (`acyclic(sb | rf)`). RC11 is stronger than the C/C++ standards in
//!   one way that matters for litmus tests: the standards allow load
//!   buffering (relaxed LB's weak outcome), RC11 forbids it.
//!
//! # Bounds
//!
//! Up to 128 events per execution (one initial write per location, one
//! event per load, store and fence, two per RMW or successful CAS), up to
//! 12 CAS instructions, and up to [`exec::MAX_CANDIDATES`] (2 million)
//! candidate executions, counted before enumeration (the product over
//! locations of `writes!` and over plain reads of `writes + 1`, summed over
//! CAS outcomes); larger tests get [`OracleError::TooManyCandidates`]. A
//! test of 4 threads with about 6 events each fits when few writes share a
//! location; IRIW (16 candidates) is decided for all models in well under
//! a millisecond (`examples/bench_iriw.rs`), and the enumeration runs at
//! a few microseconds per candidate for five models.
//!
//! # Not modelled
//!
//! Non-atomic accesses (and so data races), branches and loops (threads
//! are straight-line code), mixed-size accesses, address dependencies,
//! `memory_order_consume` (read as acquire by the model types), spurious
//! failure of weak CAS, and the out-of-thin-air behaviours C/C++ do not
//! rule out (candidates whose values depend on themselves are dropped,
//! which every model here agrees with; see [`exec`]).

pub mod exec;
pub mod model;
pub mod models;
pub mod parse;
pub mod rel;

pub use exec::{Options, OracleError};
pub use model::*;
pub use models::rc11::{Race, RaceAccess};
pub use models::{
    candidate_states, enumerate, observation, predict, predict_all, predict_all_with, validated,
    Model, Prediction,
};
