//! Sequential consistency (Lamport 1979), as an axiomatic model: some
//! interleaving of all threads' events explains every read, i.e.
//! `acyclic (po | rf | co | fr)`, plus atomicity of read-modify-writes
//! (no write between an RMW's read and its write in coherence order; with
//! an RMW as two events, acyclicity alone would let a write slip between
//! them). Fences and memory orders play no part.

use crate::exec::Execution;

/// `Ok` if the execution is SC, else the name of the violated axiom.
pub fn check(ex: &Execution<'_>) -> Result<(), &'static str> {
    if !ex.atomic_strict() {
        return Err("atomicity");
    }
    if !ex.sk.po.union(&ex.com()).is_acyclic() {
        return Err("sc");
    }
    Ok(())
}
