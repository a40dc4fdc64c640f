//! RC11: Lahav, Vafeiadis, Kang, Hur, Dreyer, "Repairing sequential
//! consistency in C/C++11" (PLDI 2017), §3, as coded in herdtools7's
//! `rc11.cat`, for programs whose every shared access is atomic (so the
//! data-race clause never applies).
//!
//! With `sb = po`, `mo = co`, `rb = fr \ id`, `eco = (rf | mo | rb)+`:
//! * release sequence `rs = [W]; (sb & loc)?; [W]; (rf; rmw)*`;
//! * synchronizes-with `sw = [REL]; ([F]; sb)?; rs; rf; [R]; (sb; [F])?; [ACQ]`
//!   (release writes or fences, acquire reads or fences);
//! * `hb = (sb | sw)+`.
//!
//! Axioms:
//! * `coherence`: `irreflexive hb; eco?`, and `irreflexive rmw; eco`;
//! * `atomicity`: `empty rmw & (rb; mo)`;
//! * `sc`: `acyclic psc` with `psc = psc_base | psc_F`,
//!   `scb = sb | (sb \ loc); hb; (sb \ loc) | hb & loc | mo | rb`,
//!   `psc_base = ([SC] | [F & SC]; hb?); scb; ([SC] | hb?; [F & SC])`,
//!   `psc_F = [F & SC]; (hb | hb; eco; hb); [F & SC]`;
//! * `no-thin-air`: `acyclic (sb | rf)`.
//!
//! The last axiom is where RC11 is stronger than the C/C++ standards: they
//! allow load buffering (a cycle in `sb | rf`, e.g. relaxed LB's
//! `r0 = r1 = 1`), which RC11 forbids to rule out out-of-thin-air values
//! (the paper's §2.4 and §3; its compilation to ARMv8 then needs a
//! dependency or fence after relaxed loads, or keeps LB forbidden only in
//! the model). RC11 also repairs the standard's SC rules (the weaker
//! `psc` of §3 instead of C11's total order `S` consistent with `hb`) so
//! that the standard mappings to Power and ARM are correct.
//!
//! An RMW is two events (a read and a write linked by `rmw`), as in herd;
//! the read carries the RMW's order for `[ACQ]` and `[SC]`, the write for
//! `[REL]` and `[SC]`. A failed CAS is a read with the failure order.

use crate::exec::Execution;
use crate::model::MemOrder;

/// `Ok` if the execution is RC11-consistent, else the name of the violated
/// axiom.
pub fn check(ex: &Execution<'_>) -> Result<(), &'static str> {
    let sk = ex.sk;
    let sb = &sk.po;
    let (r, w, f) = (sk.reads, sk.writes, sk.fences);
    let rel = sk.set(|e| (e.is_write() || e.is_fence()) && e.mo.is_release());
    let acq = sk.set(|e| (e.is_read() || e.is_fence()) && e.mo.is_acquire());
    let sc = sk.set(|e| e.mo == MemOrder::SeqCst);
    let fsc = sc & f;

    let rb = ex.fr.minus(&sk.id(sk.all()));
    let mo = &ex.co;
    let eco = ex.rf.union(mo).union(&rb).plus();

    // Release sequences and synchronisation.
    let rf_rmw_star = ex.rf.seq(&sk.rmw).star();
    let rs = sk
        .id(w)
        .union(&sb.inter(&sk.loc).restrict(w, w))
        .seq(&rf_rmw_star);
    let release_head = sk.id(rel).union(&sb.dom(rel & f));
    let acquire_tail = sk.id(acq & r).union(&sb.rng(acq & f));
    let sw = release_head.seq(&rs).seq(&ex.rf.rng(r)).seq(&acquire_tail);
    let hb = sb.union(&sw).plus();

    if !hb.is_irreflexive() || !hb.seq(&eco).is_irreflexive() {
        return Err("coherence");
    }
    if !sk.rmw.seq(&eco).is_irreflexive() {
        return Err("coherence-rmw");
    }
    if !sk.rmw.inter(&rb.seq(mo)).is_empty() {
        return Err("atomicity");
    }

    // Partial SC order.
    let sbl = sb.minus(&sk.loc);
    let scb = sb
        .union(&sbl.seq(&hb).seq(&sbl))
        .union(&hb.inter(&sk.loc))
        .union(mo)
        .union(&rb);
    let hb_opt = hb.opt();
    let left = sk.id(sc).union(&hb_opt.dom(fsc));
    let right = sk.id(sc).union(&hb_opt.rng(fsc));
    let psc_base = left.seq(&scb).seq(&right);
    let psc_f = hb.union(&hb.seq(&eco).seq(&hb)).restrict(fsc, fsc);
    if !psc_base.union(&psc_f).is_acyclic() {
        return Err("sc");
    }
    if !sb.union(&ex.rf).is_acyclic() {
        return Err("no-thin-air");
    }
    Ok(())
}
