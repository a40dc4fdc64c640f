//! RC11: Lahav, Vafeiadis, Kang, Hur, Dreyer, "Repairing sequential
//! consistency in C/C++11" (PLDI 2017), §3, as coded in herdtools7's
//! `rc11.cat`. Plain (non-atomic) accesses carry no C11 order: they take
//! no part in release sequences, synchronisation or `psc`; a consistent
//! execution in which one races with another access (`dr`, see [`races`])
//! makes the test's behaviour undefined (`undefined_unless empty dr`):
//! the prediction flags the state racy, as herd7 prints `Undef`.
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

use crate::exec::{Access, Execution, Kind};
use crate::model::{Litmus, LocId, MemOrder, Value};
use crate::rel::{members, Rel};
use std::fmt;

/// `hb = (sb | sw)+`, with `rs` and `sw` over atomic accesses only (a
/// plain access has no `RLX` tag, so it neither heads nor ends a
/// synchronisation).
pub fn happens_before(ex: &Execution<'_>) -> Rel {
    ex.sk.po.union(&synchronizes_with(ex)).plus()
}

/// `sw = [REL]; ([F]; sb)?; rs; rf; [R]; (sb; [F])?; [ACQ]`, over atomic
/// accesses only (see [`happens_before`]).
pub fn synchronizes_with(ex: &Execution<'_>) -> Rel {
    let sk = ex.sk;
    let sb = &sk.po;
    let (r, w, f) = (sk.reads, sk.writes, sk.fences);
    let atomic = sk.set(|e| !e.na);
    let rel = sk.set(|e| (e.is_write() || e.is_fence()) && !e.na && e.mo.is_release());
    let acq = sk.set(|e| (e.is_read() || e.is_fence()) && !e.na && e.mo.is_acquire());
    let rf_rmw_star = ex.rf.seq(&sk.rmw).star();
    let rs = sk
        .id(w)
        .union(&sb.inter(&sk.loc).restrict(w, w & atomic))
        .seq(&rf_rmw_star);
    let release_head = sk.id(rel).union(&sb.dom(rel & f));
    let acquire_tail = sk.id(acq & r).union(&sb.rng(acq & f));
    release_head
        .seq(&rs)
        .seq(&ex.rf.rng(r & atomic))
        .seq(&acquire_tail)
}

/// One side of a data race.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RaceAccess {
    pub thread: usize,
    /// The statement of the thread (counted in the order the thread's
    /// statements start, from 1).
    pub instr: usize,
    /// Whether it is a write (else a read).
    pub write: bool,
    pub loc: LocId,
    /// Whether the access is atomic (one side of a race at least is not).
    pub atomic: bool,
    /// The value read or written.
    pub value: Value,
}

/// Two accesses of different threads to one location, at least one a
/// write and at least one non-atomic, unordered by `hb`: rc11.cat's `dr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Race(pub RaceAccess, pub RaceAccess);

impl RaceAccess {
    /// `1:R x=0 (non-atomic)`.
    pub fn describe(&self, litmus: &Litmus) -> String {
        format!(
            "{}:{} {}={} ({})",
            self.thread,
            if self.write { "W" } else { "R" },
            litmus.locations.get(self.loc).map_or("?", |s| s.as_str()),
            litmus.render_value(self.value),
            if self.atomic { "atomic" } else { "non-atomic" }
        )
    }
}

impl Race {
    /// `0:W x=1 (non-atomic) / 1:R x=0 (non-atomic)`.
    pub fn describe(&self, litmus: &Litmus) -> String {
        format!("{} / {}", self.0.describe(litmus), self.1.describe(litmus))
    }
}

impl fmt::Display for RaceAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} loc{}={}",
            self.thread,
            if self.write { "W" } else { "R" },
            self.loc,
            self.value
        )
    }
}

/// The data races of an execution, rc11.cat's
/// `dr = (cnf & ext) \ (hb | hb^-1 | A * A)` with
/// `cnf = ((W * _) | (_ * W)) & loc` minus the initial writes. Empty when
/// every access is atomic.
pub fn races(ex: &Execution<'_>) -> Vec<Race> {
    let sk = ex.sk;
    let na = sk.set(|e| e.na);
    if na == 0 {
        return Vec::new();
    }
    let hb = happens_before(ex);
    let mut out = Vec::new();
    for a in members(na) {
        let ea = &sk.events[a];
        for b in members(sk.loc.row(a) & sk.ext.row(a) & !sk.inits) {
            let eb = &sk.events[b];
            if !(ea.is_write() || eb.is_write())
                || eb.kind == Kind::Fence
                || eb.access == Access::Init
                || hb.has(a, b)
                || hb.has(b, a)
            {
                continue;
            }
            let side = |i: usize| {
                let e = &sk.events[i];
                RaceAccess {
                    thread: e.thread.unwrap_or(usize::MAX),
                    instr: e.instr,
                    write: e.is_write(),
                    loc: e.loc.unwrap_or(usize::MAX),
                    atomic: !e.na,
                    value: ex.values[i],
                }
            };
            let (x, y) = (side(a), side(b));
            out.push(if x <= y { Race(x, y) } else { Race(y, x) });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `Ok` if the execution is RC11-consistent, else the name of the violated
/// axiom.
pub fn check(ex: &Execution<'_>) -> Result<(), &'static str> {
    let sk = ex.sk;
    let sb = &sk.po;
    let rb = ex.fr.minus(&sk.id(sk.all()));
    let mo = &ex.co;
    let eco = ex.rf.union(mo).union(&rb).plus();

    // Release sequences and synchronisation.
    let hb = happens_before(ex);

    if !hb.is_irreflexive() || !hb.seq(&eco).is_irreflexive() {
        return Err("coherence");
    }
    if !sk.rmw.seq(&eco).is_irreflexive() {
        return Err("coherence-rmw");
    }
    if !sk.rmw.inter(&rb.seq(mo)).is_empty() {
        return Err("atomicity");
    }

    let psc = psc_with(ex, &hb, &eco);
    if !psc.is_acyclic() {
        return Err("sc");
    }
    if !sb.union(&ex.rf).is_acyclic() {
        return Err("no-thin-air");
    }
    Ok(())
}

/// `eco = (rf | mo | rb)+`.
pub fn eco(ex: &Execution<'_>) -> Rel {
    let rb = ex.fr.minus(&ex.sk.id(ex.sk.all()));
    ex.rf.union(&ex.co).union(&rb).plus()
}

/// `psc = psc_base | psc_F`, the relation the `sc` axiom requires acyclic.
pub fn psc(ex: &Execution<'_>) -> Rel {
    psc_with(ex, &happens_before(ex), &eco(ex))
}

fn psc_with(ex: &Execution<'_>, hb: &Rel, eco: &Rel) -> Rel {
    psc_parts_with(ex, hb, eco)
        .into_iter()
        .fold(Rel::empty(ex.n()), |acc, (_, r)| acc.union(&r))
}

/// The parts of [`psc`], each with a label (`psc (sb)`, `psc (rb)`, ...):
/// `psc_base` split by the part of `scb` it comes from, and `psc_F`.
pub fn psc_parts(ex: &Execution<'_>) -> Vec<(&'static str, Rel)> {
    psc_parts_with(ex, &happens_before(ex), &eco(ex))
}

fn psc_parts_with(ex: &Execution<'_>, hb: &Rel, eco: &Rel) -> Vec<(&'static str, Rel)> {
    let sk = ex.sk;
    let sb = &sk.po;
    let f = sk.fences;
    let sc = sk.set(|e| e.mo == MemOrder::SeqCst && !e.na);
    let fsc = sc & f;
    let rb = ex.fr.minus(&sk.id(sk.all()));
    let mo = &ex.co;
    let sbl = sb.minus(&sk.loc);
    let hb_opt = hb.opt();
    let left = sk.id(sc).union(&hb_opt.dom(fsc));
    let right = sk.id(sc).union(&hb_opt.rng(fsc));
    let wrap = |r: &Rel| left.seq(r).seq(&right);
    vec![
        ("psc (sb)", wrap(sb)),
        ("psc (sb;hb;sb)", wrap(&sbl.seq(hb).seq(&sbl))),
        ("psc (hb&loc)", wrap(&hb.inter(&sk.loc))),
        ("psc (mo)", wrap(mo)),
        ("psc (rb)", wrap(&rb)),
        (
            "psc (F;hb;eco;hb;F)",
            hb.union(&hb.seq(eco).seq(hb)).restrict(fsc, fsc),
        ),
    ]
}
