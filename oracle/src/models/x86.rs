//! x86-TSO (Sewell, Sarkar, Owens, Zappa Nardelli, Myreen, CACM 2010), in
//! the formulation of herdtools7's `x86tso.cat`, applied to the code as
//! compiled by the standard C11 → x86 mapping:
//!
//! | C11 | x86 | events here |
//! |---|---|---|
//! | load (any order) | `MOV` | plain read |
//! | store, not SeqCst | `MOV` | plain write |
//! | store SeqCst | `XCHG` | write, *locked* |
//! | RMW, CAS (any order) | `LOCK XADD`/`XCHG`/`LOCK CMPXCHG` | read + write, both *locked*; a failed CAS is a locked read |
//! | `fence(seq_cst)` | `MFENCE` | fence |
//! | other fences | nothing | (ignored) |
//!
//! A SeqCst store is an `XCHG`, whose read half (its value discarded) is
//! left out: every ordering edge it would add (it reads from the write
//! just before the store in `co`, and everything po-before it is ordered
//! before the locked write anyway) is implied by the locked write's own,
//! so no cycle needs it.
//!
//! Axioms (all must hold):
//! * `uniproc`: `acyclic (po-loc | rf | co | fr)` (SC per location; the
//!   locked RMW's `rmw` edge is in `po-loc`);
//! * `atomic`: `empty rmw & (fre; coe)`;
//! * `tso`: `acyclic ghb` with `ghb = ppo | implied | mfence | rfe | fr | co`,
//!   where `ppo` is program order between memory events minus
//!   write→read pairs (the store buffer), `implied` gives back the
//!   write→read pairs whose write or read is locked, and `mfence` the
//!   pairs with an `MFENCE` between them.

use crate::exec::{Access, Execution};
use crate::model::MemOrder;
use crate::rel::Rel;

/// `Ok` if the compiled execution is allowed by x86-TSO, else the name of
/// the violated axiom.
pub fn check(ex: &Execution<'_>) -> Result<(), &'static str> {
    if !ex.po_loc().union(&ex.com()).is_acyclic() {
        return Err("uniproc");
    }
    if !ex.atomic() {
        return Err("atomic");
    }
    let ghb = ghb(ex);
    if !ghb.is_acyclic() {
        return Err("tso");
    }
    Ok(())
}

/// The events an x86 locked instruction produces (RMW and CAS halves, a
/// failed CAS's read, a SeqCst store as `XCHG`).
fn locked(ex: &Execution<'_>) -> crate::rel::Set {
    ex.sk.set(|e| {
        matches!(e.access, Access::Rmw | Access::FailedCas)
            || (e.is_write() && e.access == Access::Plain && e.mo == MemOrder::SeqCst)
    })
}

/// `ghb = ppo | implied | mfence | rfe | fr | co`, the relation the `tso`
/// axiom requires acyclic.
pub fn ghb(ex: &Execution<'_>) -> Rel {
    ghb_parts(ex)
        .into_iter()
        .fold(Rel::empty(ex.n()), |acc, (_, r)| acc.union(&r))
}

/// The parts of [`ghb`], each with a label (`ppo W->W`, `implied`,
/// `mfence`, `rfe`, `fr`, `co`), for explanations.
pub fn ghb_parts(ex: &Execution<'_>) -> Vec<(&'static str, Rel)> {
    let sk = ex.sk;
    let w = sk.writes;
    let r = sk.reads;
    let mem = r | w;
    let locked = locked(ex);
    let mfences = sk.set(|e| e.is_fence() && e.mo == MemOrder::SeqCst);
    let po_wr = sk.po.restrict(w, r);
    let implied = po_wr.dom(locked).union(&po_wr.rng(locked));
    let mfence = sk.po.rng(mfences).seq(&sk.po).restrict(mem, mem);
    vec![
        ("ppo R->R", sk.po.restrict(r, r)),
        ("ppo R->W", sk.po.restrict(r, w)),
        ("ppo W->W", sk.po.restrict(w, w)),
        ("implied (locked)", implied),
        ("mfence", mfence),
        ("rfe", ex.rfe()),
        ("fr", ex.fr.clone()),
        ("co", ex.co.clone()),
    ]
}
