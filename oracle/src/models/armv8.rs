//! ARMv8 AArch64, in the multicopy-atomic axiomatic model of Pulte, Flur,
//! Deacon, French, Sarkar, Sewell, "Simplifying ARM concurrency:
//! multicopy-atomic axiomatic and operational models for ARMv8" (POPL
//! 2018), as written in herdtools7's `aarch64.cat` of that time (the
//! `aob` with `[range(rmw)]; rfi; [A | Q]`), applied to the code as
//! compiled by the standard C11 → AArch64 mapping:
//!
//! | C11 | AArch64 | annotation |
//! |---|---|---|
//! | load relaxed | `LDR` | |
//! | load acquire | `LDAR`, or `LDAPR` with `rcpc` | A, or Q |
//! | load seq_cst | `LDAR` | A |
//! | store relaxed | `STR` | |
//! | store release / seq_cst | `STLR` | L |
//! | RMW | `LDXR`/`STXR` loop, `LDAXR` if the order acquires, `STLXR` if it releases (seq_cst and acq_rel: both) | read A?, write L? |
//! | CAS | the same loop with a compare-and-branch before the `STXR`; the load is `LDAXR` if the success *or* failure order acquires; a failed CAS is the lone load | |
//! | fence acquire | `DMB ISHLD` | dmb.ld |
//! | fence release / acq_rel / seq_cst | `DMB ISH` | dmb.full |
//! | fence relaxed | nothing | |
//!
//! Plain (non-atomic) loads and stores compile to `LDR` and `STR`, like
//! relaxed ones: at this level they have no undefined behaviour, a data
//! race is just a race.
//!
//! Dependencies come from register dataflow: `data` from a read to a write
//! whose value was computed from it; `addr` from a read to an access whose
//! address was (a pointer loaded, then dereferenced); `ctrl` from a read
//! to every event after a branch on it: an `if`, a loop test, and the
//! compare of a compiled CAS (and the reads its expected value came
//! from). There is no `ISB`.
//!
//! Axioms:
//! * `internal`: `acyclic (po-loc | fr | co | rf)`;
//! * `external`: `acyclic ob`, `ob = obs | dob | aob | bob` with
//!   `obs = rfe | fre | coe`,
//!   `dob = addr | data | ctrl; [W] | addr; po; [W] | (ctrl | data); coi |
//!   (addr | data); rfi`,
//!   `aob = rmw | [range(rmw)]; rfi; [A | Q]`,
//!   `bob = po; [dmb.full]; po | [L]; po; [A] | [R]; po; [dmb.ld]; po |
//!   [A | Q]; po | po; [L] | po; [L]; coi`;
//! * `atomic`: `empty rmw & (fre; coe)`.
//!
//! `[L]; po; [A]` (a store-release is ordered before a later `LDAR`) is what
//! `LDAPR` (Q) lacks: with `rcpc`, store buffering with release stores and
//! acquire loads becomes allowed (herdtools7
//! `catalogue/aarch64/tests/kinds.txt`: `SB+dmb.sy+rel-acq` Forbidden,
//! `SB+dmb.sy+rel-acqpc` Allowed).

use crate::exec::{Access, Event, Execution};
use crate::model::MemOrder;
use crate::rel::Rel;

/// Whether a read compiles to an acquire instruction (`A`: `LDAR`,
/// `LDAXR`) and whether to an acquire-PC one (`Q`: `LDAPR`).
fn read_kind(e: &Event, rcpc: bool) -> (bool, bool) {
    match e.access {
        Access::Plain => {
            if e.mo == MemOrder::SeqCst {
                (true, false)
            } else if e.mo.is_acquire() {
                (!rcpc, rcpc)
            } else {
                (false, false)
            }
        }
        Access::Rmw | Access::FailedCas => {
            let acquire = match e.cas {
                Some((success, failure)) => success.is_acquire() || failure.is_acquire(),
                None => e.mo.is_acquire(),
            };
            (acquire, false)
        }
        Access::Init | Access::Fence => (false, false),
    }
}

/// `Ok` if the compiled execution is allowed by ARMv8, else the name of the
/// violated axiom.
pub fn check(ex: &Execution<'_>, rcpc: bool) -> Result<(), &'static str> {
    if !ex.po_loc().union(&ex.com()).is_acyclic() {
        return Err("internal");
    }
    if !ex.atomic() {
        return Err("atomic");
    }
    let ob = ob(ex, rcpc);
    if !ob.is_acyclic() {
        return Err("external");
    }
    Ok(())
}

/// `ob = obs | dob | aob | bob`, the relation the `external` axiom
/// requires acyclic.
pub fn ob(ex: &Execution<'_>, rcpc: bool) -> Rel {
    ob_parts(ex, rcpc)
        .into_iter()
        .fold(Rel::empty(ex.n()), |acc, (_, r)| acc.union(&r))
}

/// The parts of [`ob`], each with a label (`rfe`, `dob (addr)`,
/// `bob (dmb ish)`, ...), for explanations.
pub fn ob_parts(ex: &Execution<'_>, rcpc: bool) -> Vec<(&'static str, Rel)> {
    let sk = ex.sk;
    let a = sk.set(|e| e.is_read() && read_kind(e, rcpc).0);
    let q = sk.set(|e| e.is_read() && read_kind(e, rcpc).1);
    let l = sk.set(|e| {
        e.is_write()
            && match e.access {
                Access::Plain => e.mo.is_release(),
                Access::Rmw => match e.cas {
                    Some((success, _)) => success.is_release(),
                    None => e.mo.is_release(),
                },
                _ => false,
            }
    });
    let dmb_full = sk.set(|e| {
        e.is_fence()
            && matches!(
                e.mo,
                MemOrder::Release | MemOrder::AcqRel | MemOrder::SeqCst
            )
    });
    let dmb_ld = sk.set(|e| e.is_fence() && e.mo == MemOrder::Acquire);
    let po = &sk.po;
    let (rfi, coi) = (ex.rfi(), ex.coi());
    let rmw_writes = sk.rmw.range();
    vec![
        ("rfe", ex.rfe()),
        ("fre", ex.fre()),
        ("coe", ex.coe()),
        ("dob (addr)", sk.addr.clone()),
        ("dob (data)", sk.data.clone()),
        ("dob (ctrl)", sk.ctrl.rng(sk.writes)),
        ("dob (addr;po)", sk.addr.seq(po).rng(sk.writes)),
        ("dob (ctrl|data;coi)", sk.ctrl.union(&sk.data).seq(&coi)),
        ("dob (addr|data;rfi)", sk.addr.union(&sk.data).seq(&rfi)),
        ("aob (rmw)", sk.rmw.clone()),
        ("aob (rfi;acquire)", rfi.restrict(rmw_writes, a | q)),
        ("bob (dmb ish)", po.rng(dmb_full).seq(po)),
        ("bob (stlr;po;ldar)", po.restrict(l, a)),
        ("bob (dmb ishld)", po.dom(sk.reads).rng(dmb_ld).seq(po)),
        ("bob (acquire;po)", po.dom(a | q)),
        ("bob (po;release)", po.rng(l)),
        ("bob (po;release;coi)", po.rng(l).seq(&coi)),
    ]
}
