//! orderhunt's memory-model oracle: a pure crate (no `unsafe`, no I/O, no
//! dependency on the rest of orderhunt).
//!
//! * [`model`]: a litmus test as data (threads of C statements: atomic and
//!   plain accesses, branches, loops, expressions, pointers; the initial
//!   state, the final condition);
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
//!   dependencies (`data`, `addr`, `ctrl`) come from register dataflow
//!   and branches, as `aarch64.cat` defines them; plain accesses are
//!   `LDR`/`STR`.
//! * **RC11** ([`models::rc11`], Lahav et al. PLDI 2017, `rc11.cat`):
//!   `coherence`, `atomicity`, `sc` (`acyclic psc`), `no-thin-air`
//!   (`acyclic(sb | rf)`), and data races on plain accesses (`dr`, which
//!   makes the test's behaviour undefined: [`Prediction::races`]). RC11 is stronger than the C/C++ standards in
//!   one way that matters for litmus tests: the standards allow load
//!   buffering (relaxed LB's weak outcome), RC11 forbids it.
//!
//! # Bounds
//!
//! Up to 128 events per execution (one initial write per location, one
//! event per load, store and fence, two per RMW or successful CAS) and 64
//! per thread; `while` loops unrolled [`exec::DEFAULT_UNROLL`] (2) times, as
//! herd7's `-unroll`; up to [`exec::MAX_CANDIDATES`] (50 million)
//! candidate executions visited after pruning ([`OracleError::TooManyCandidates`]
//! beyond, at once when the coherence orders alone exceed it). The
//! enumeration is herd7's (paths per thread with reads left open unless a
//! branch, an address or a compare needs their value; combinations pruned
//! as they are built; coherence and reads-from that respect program order
//! per location): herdtools7's 4-thread `fig6` is decided for all four
//! models in about half a second, IRIW in well under a millisecond.
//!
//! # Not modelled
//!
//! Mixed-size accesses, `memory_order_consume` as such (read as acquire),
//! `ISB`, the Linux-kernel memory model (its tests are refused), and the
//! out-of-thin-air behaviours C/C++ do not rule out (candidates whose
//! values depend on themselves are dropped, which every model here agrees
//! with; see [`exec`]).

pub mod exec;
pub mod explain;
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
