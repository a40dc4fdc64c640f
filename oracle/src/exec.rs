//! Candidate executions of a litmus test.
//!
//! A candidate execution is a set of events (one per memory access or fence
//! of each thread, two for a read-modify-write, plus one initial write per
//! location), program order `po`, a reads-from map `rf`, a coherence order
//! `co` per location (initial write first) and the values every event reads
//! or writes. No memory model is applied here beyond what makes the
//! candidate well formed:
//!
//! * **events**: threads are straight-line code, so the events are fixed by
//!   the code except for compare-and-swap, which is an RMW (a read and a
//!   write, order `success`) if it succeeds and a single read (order
//!   `failure`) if it fails. Every success/failure choice of every CAS is
//!   enumerated and each is checked against the value the CAS reads;
//! * **rf**: every read reads the initial write or any write to its
//!   location (of any thread, including po-later writes of its own: the
//!   models reject those);
//! * **co**: every order of each location's writes after its initial
//!   write;
//! * **RMW atomicity**: the read of an RMW reads from the write immediately
//!   before the RMW's write in `co`. This is an axiom of all four models
//!   (`rmw & (fre; coe)` empty, RC11's `rmw & (rb; mo)` empty), enforced here
//!   by construction; the models check it again.
//! * **values** flow through registers in program order: a read takes the
//!   value of the write it reads from, a store writes its operand (possibly
//!   a register loaded earlier), an RMW writes `op(old, operand)`.
//!   Evaluation is a least fixpoint: starting from the initial values only,
//!   each pass re-runs every thread, until nothing changes. A candidate
//!   whose values are still undetermined at the fixpoint has a cycle of
//!   data dependencies and reads-from edges (an out-of-thin-air shape, e.g.
//!   `r0=x; y=r0 || r1=y; x=r1` with each read reading the other thread's
//!   write); it is **dropped**. All four models forbid every such cycle (it
//!   lies in `po | rf` for SC and RC11's no-thin-air axiom, in x86-TSO's
//!   ghb as `ppo | rfe` plus `po` between writes, and in ARMv8's `ob` as
//!   `data`, `data; rfi` and `rfe`), so dropping them changes no verdict;
//!   C11 as standardised would not forbid them, which is the
//!   out-of-thin-air problem the oracle does not try to model.
//!
//! The enumeration is exhaustive, with a bound: the number of candidates
//! (the product over locations of `writes!` and over plain reads of
//! `writes + 1`, summed over the CAS outcome choices) is computed first and
//! the test refused with [`OracleError::TooManyCandidates`] if it exceeds
//! the limit.

use crate::model::{Instr, Litmus, LocId, MemOrder, Operand, RegId, RmwOp, State, Value};
use crate::rel::{bit, members, Rel, Set, MAX_EVENTS};
use std::fmt;

/// Default bound on the number of candidate executions of one test.
pub const MAX_CANDIDATES: u128 = 2_000_000;
/// Bound on the number of compare-and-swap instructions of one test (each
/// doubles the number of event skeletons).
pub const MAX_CAS: usize = 12;

/// Why a test cannot be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OracleError {
    /// The test has more candidate executions than the enumeration bound.
    TooManyCandidates { candidates: u128, limit: u128 },
    /// The test has more events than one execution can hold.
    TooManyEvents { events: usize, limit: usize },
    /// Too many compare-and-swap instructions.
    TooManyCas { count: usize, limit: usize },
    /// A construct the oracle does not model (e.g. an acquire store).
    Unsupported(String),
    /// The test refers to a register, location or thread that does not
    /// exist.
    Malformed(String),
}

impl fmt::Display for OracleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OracleError::TooManyCandidates { candidates, limit } => write!(
                f,
                "too many candidate executions to enumerate: {candidates} (the limit is {limit}); \
                 use fewer writes to the same location or fewer reads"
            ),
            OracleError::TooManyEvents { events, limit } => write!(
                f,
                "too many events: {events} (the limit is {limit}, counting one initial write per \
                 location and two events per read-modify-write)"
            ),
            OracleError::TooManyCas { count, limit } => write!(
                f,
                "too many compare-and-swap instructions: {count} (the limit is {limit})"
            ),
            OracleError::Unsupported(what) => write!(f, "unsupported: {what}"),
            OracleError::Malformed(what) => write!(f, "malformed litmus test: {what}"),
        }
    }
}

impl std::error::Error for OracleError {}

/// What kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Read,
    Write,
    Fence,
}

/// Which instruction produced a memory event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The initial write of a location.
    Init,
    /// `atomic_load` or `atomic_store`.
    Plain,
    /// One half of a read-modify-write: `atomic_exchange`,
    /// `atomic_fetch_*`, or a compare-and-swap that succeeded.
    Rmw,
    /// The read of a compare-and-swap that failed.
    FailedCas,
    /// `atomic_thread_fence`.
    Fence,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The thread, or `None` for an initial write.
    pub thread: Option<usize>,
    /// The instruction of the thread that produced it.
    pub instr: usize,
    pub kind: Kind,
    pub access: Access,
    /// The location (`None` for fences).
    pub loc: Option<LocId>,
    /// The event's C11 order (a CAS's `success` order on its RMW halves,
    /// its `failure` order on a failed read; `Relaxed` for initial writes).
    pub mo: MemOrder,
    /// For the events of a compare-and-swap: its (success, failure) orders,
    /// which decide the compiled instructions on both paths.
    pub cas: Option<(MemOrder, MemOrder)>,
}

impl Event {
    pub fn is_read(&self) -> bool {
        self.kind == Kind::Read
    }
    pub fn is_write(&self) -> bool {
        self.kind == Kind::Write
    }
    pub fn is_fence(&self) -> bool {
        self.kind == Kind::Fence
    }
}

/// A step of a thread, for value evaluation.
#[derive(Debug, Clone)]
enum Step {
    Assign {
        dst: RegId,
        value: Operand,
    },
    Load {
        dst: RegId,
        ev: usize,
    },
    Store {
        ev: usize,
        value: Operand,
    },
    Rmw {
        dst: Option<RegId>,
        r: usize,
        w: usize,
        op: RmwOp,
        operand: Operand,
    },
    CasOk {
        dst: Option<RegId>,
        r: usize,
        w: usize,
        expected: RegId,
        desired: Operand,
    },
    CasFail {
        dst: Option<RegId>,
        r: usize,
        expected: RegId,
    },
    Nop,
}

/// The events of a test for one choice of CAS outcomes, with the relations
/// that do not depend on `rf` and `co`.
#[derive(Debug, Clone)]
pub struct Skeleton {
    pub events: Vec<Event>,
    /// Reads (including RMW reads and failed CAS reads).
    pub reads: Set,
    /// Writes (including initial writes and RMW writes).
    pub writes: Set,
    pub fences: Set,
    pub inits: Set,
    /// Program order (strict, transitive, within each thread).
    pub po: Rel,
    /// From the read to the write of each RMW.
    pub rmw: Rel,
    /// Data dependencies: a read to a write whose value flows from it
    /// through registers.
    pub data: Rel,
    /// Control dependencies: a compiled CAS branches on the value it read
    /// (and on its `expected` register), so every event po-after the CAS
    /// depends on those reads.
    pub ctrl: Rel,
    /// Pairs of distinct memory events on the same location.
    pub loc: Rel,
    /// Pairs of distinct events of the same thread.
    pub int: Rel,
    /// Pairs of distinct events of different threads (an initial write is
    /// external to every event).
    pub ext: Rel,
    /// The initial write of each location.
    init_of: Vec<usize>,
    /// The non-initial writes of each location.
    loc_writes: Vec<Vec<usize>>,
    steps: Vec<Vec<Step>>,
}

impl Skeleton {
    pub fn len(&self) -> usize {
        self.events.len()
    }
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
    /// The set of events satisfying `f`.
    pub fn set(&self, f: impl Fn(&Event) -> bool) -> Set {
        self.events
            .iter()
            .enumerate()
            .filter(|(_, e)| f(e))
            .fold(0, |acc, (i, _)| acc | bit(i))
    }
    /// Every event.
    pub fn all(&self) -> Set {
        if self.len() == MAX_EVENTS {
            !0
        } else {
            bit(self.len()) - 1
        }
    }
    /// `[s]`.
    pub fn id(&self, s: Set) -> Rel {
        Rel::id(self.len(), s)
    }
}

/// One candidate execution.
#[derive(Debug, Clone)]
pub struct Execution<'a> {
    pub sk: &'a Skeleton,
    /// Reads-from: write to read.
    pub rf: Rel,
    /// Coherence: strict total order per location, transitive.
    pub co: Rel,
    /// From-reads: `rf^-1; co`.
    pub fr: Rel,
    /// The value each event read or wrote (0 for fences).
    pub values: Vec<Value>,
    /// The final state, in [`Litmus::observables`] order.
    pub state: State,
}

impl Execution<'_> {
    pub fn n(&self) -> usize {
        self.sk.len()
    }
    /// `po & loc`.
    pub fn po_loc(&self) -> Rel {
        self.sk.po.inter(&self.sk.loc)
    }
    pub fn rfe(&self) -> Rel {
        self.rf.inter(&self.sk.ext)
    }
    pub fn rfi(&self) -> Rel {
        self.rf.inter(&self.sk.int)
    }
    pub fn coe(&self) -> Rel {
        self.co.inter(&self.sk.ext)
    }
    pub fn coi(&self) -> Rel {
        self.co.inter(&self.sk.int)
    }
    pub fn fre(&self) -> Rel {
        self.fr.inter(&self.sk.ext)
    }
    /// `rf | co | fr`.
    pub fn com(&self) -> Rel {
        self.rf.union(&self.co).union(&self.fr)
    }
    /// Atomicity of RMWs: `empty rmw & (fre; coe)` (herd's formulation;
    /// with internal writes also excluded it is RC11's
    /// `rmw & (rb; mo)` empty, which [`Execution::atomic_strict`] checks).
    pub fn atomic(&self) -> bool {
        self.sk.rmw.inter(&self.fre().seq(&self.coe())).is_empty()
    }
    /// `empty rmw & (fr; co)`: no write at all between an RMW's read and
    /// write in coherence order.
    pub fn atomic_strict(&self) -> bool {
        self.sk.rmw.inter(&self.fr.seq(&self.co)).is_empty()
    }
}

fn operand_ok(op: &Operand, nregs: usize) -> bool {
    match op {
        Operand::Const(_) => true,
        Operand::Reg(r) => *r < nregs,
    }
}

/// Checks that every index in the test is in range and every order is one
/// C11 allows for its operation.
pub fn validate(litmus: &Litmus) -> Result<(), OracleError> {
    let nlocs = litmus.locations.len();
    if litmus.init.len() != nlocs {
        return Err(OracleError::Malformed(format!(
            "{} locations but {} initial values",
            nlocs,
            litmus.init.len()
        )));
    }
    for (t, th) in litmus.threads.iter().enumerate() {
        let nregs = th.regs.len();
        let bad_reg = |r: RegId| {
            OracleError::Malformed(format!("thread {t}: register index {r} out of range"))
        };
        let check_loc = |l: LocId| {
            if l < nlocs {
                Ok(())
            } else {
                Err(OracleError::Malformed(format!(
                    "thread {t}: location index {l} out of range"
                )))
            }
        };
        let check_op = |op: &Operand| {
            if operand_ok(op, nregs) {
                Ok(())
            } else {
                Err(OracleError::Malformed(format!(
                    "thread {t}: operand {op:?} names a register out of range"
                )))
            }
        };
        for instr in &th.instrs {
            match instr {
                Instr::Assign { dst, value } => {
                    if *dst >= nregs {
                        return Err(bad_reg(*dst));
                    }
                    check_op(value)?;
                }
                Instr::Load { dst, loc, mo } => {
                    if *dst >= nregs {
                        return Err(bad_reg(*dst));
                    }
                    check_loc(*loc)?;
                    if matches!(mo, MemOrder::Release | MemOrder::AcqRel) {
                        return Err(OracleError::Unsupported(format!(
                            "thread {t}: atomic_load with memory_order_{} (not a load order)",
                            mo.as_str()
                        )));
                    }
                }
                Instr::Store { loc, value, mo } => {
                    check_loc(*loc)?;
                    check_op(value)?;
                    if matches!(mo, MemOrder::Acquire | MemOrder::AcqRel) {
                        return Err(OracleError::Unsupported(format!(
                            "thread {t}: atomic_store with memory_order_{} (not a store order)",
                            mo.as_str()
                        )));
                    }
                }
                Instr::Rmw {
                    dst, loc, operand, ..
                } => {
                    if let Some(d) = dst {
                        if *d >= nregs {
                            return Err(bad_reg(*d));
                        }
                    }
                    check_loc(*loc)?;
                    check_op(operand)?;
                }
                Instr::Cas {
                    dst,
                    loc,
                    expected,
                    desired,
                    failure,
                    ..
                } => {
                    if let Some(d) = dst {
                        if *d >= nregs {
                            return Err(bad_reg(*d));
                        }
                    }
                    if *expected >= nregs {
                        return Err(bad_reg(*expected));
                    }
                    check_loc(*loc)?;
                    check_op(desired)?;
                    if matches!(failure, MemOrder::Release | MemOrder::AcqRel) {
                        return Err(OracleError::Unsupported(format!(
                            "thread {t}: compare-and-swap failure order memory_order_{}",
                            failure.as_str()
                        )));
                    }
                }
                Instr::Fence { .. } => {}
            }
        }
    }
    let mut atoms = Vec::new();
    litmus.condition.prop.atoms(&mut atoms);
    atoms.extend(litmus.extra_observed.iter().copied());
    for atom in atoms {
        let ok = match atom {
            crate::model::Atom::Reg { thread, reg } => litmus
                .threads
                .get(thread)
                .is_some_and(|t| reg < t.regs.len()),
            crate::model::Atom::Loc(l) => l < nlocs,
        };
        if !ok {
            return Err(OracleError::Malformed(format!(
                "the condition names {atom:?}, which does not exist"
            )));
        }
    }
    Ok(())
}

fn cas_count(litmus: &Litmus) -> usize {
    litmus
        .threads
        .iter()
        .flat_map(|t| &t.instrs)
        .filter(|i| matches!(i, Instr::Cas { .. }))
        .count()
}

/// Builds the skeleton for one choice of CAS outcomes (bit `k` of
/// `cas_ok` set: the `k`-th CAS, counting threads in order, succeeds).
fn skeleton(litmus: &Litmus, cas_ok: u64) -> Result<Skeleton, OracleError> {
    let nlocs = litmus.locations.len();
    let mut events: Vec<Event> = (0..nlocs)
        .map(|l| Event {
            thread: None,
            instr: 0,
            kind: Kind::Write,
            access: Access::Init,
            loc: Some(l),
            mo: MemOrder::Relaxed,
            cas: None,
        })
        .collect();
    let mut data_pairs: Vec<(Set, usize)> = Vec::new();
    let mut ctrl_pairs: Vec<(Set, usize)> = Vec::new();
    let mut steps = Vec::new();
    let mut cas_index = 0;
    for (t, th) in litmus.threads.iter().enumerate() {
        let mut taint: Vec<Set> = vec![0; th.regs.len()];
        let mut ctrl: Set = 0;
        let mut tsteps = Vec::new();
        let taint_of = |op: &Operand, taint: &[Set]| match op {
            Operand::Const(_) => 0,
            Operand::Reg(r) => taint[*r],
        };
        for (i, instr) in th.instrs.iter().enumerate() {
            let first = events.len();
            let ctrl_before = ctrl;
            let mut push = |kind, access, loc, mo, cas| {
                events.push(Event {
                    thread: Some(t),
                    instr: i,
                    kind,
                    access,
                    loc,
                    mo,
                    cas,
                });
                events.len() - 1
            };
            let step = match instr {
                Instr::Assign { dst, value } => {
                    taint[*dst] = taint_of(value, &taint);
                    Step::Assign {
                        dst: *dst,
                        value: *value,
                    }
                }
                Instr::Load { dst, loc, mo } => {
                    let ev = push(Kind::Read, Access::Plain, Some(*loc), *mo, None);
                    taint[*dst] = bit(ev);
                    Step::Load { dst: *dst, ev }
                }
                Instr::Store { loc, value, mo } => {
                    let ev = push(Kind::Write, Access::Plain, Some(*loc), *mo, None);
                    data_pairs.push((taint_of(value, &taint), ev));
                    Step::Store { ev, value: *value }
                }
                Instr::Rmw {
                    dst,
                    loc,
                    op,
                    operand,
                    mo,
                } => {
                    let r = push(Kind::Read, Access::Rmw, Some(*loc), *mo, None);
                    let w = push(Kind::Write, Access::Rmw, Some(*loc), *mo, None);
                    data_pairs.push((taint_of(operand, &taint), w));
                    if let Some(d) = dst {
                        taint[*d] = bit(r);
                    }
                    Step::Rmw {
                        dst: *dst,
                        r,
                        w,
                        op: *op,
                        operand: *operand,
                    }
                }
                Instr::Cas {
                    dst,
                    loc,
                    expected,
                    desired,
                    success,
                    failure,
                } => {
                    let ok = cas_ok & (1 << cas_index) != 0;
                    cas_index += 1;
                    let orders = Some((*success, *failure));
                    let compared = taint[*expected];
                    if ok {
                        let r = push(Kind::Read, Access::Rmw, Some(*loc), *success, orders);
                        let w = push(Kind::Write, Access::Rmw, Some(*loc), *success, orders);
                        data_pairs.push((taint_of(desired, &taint), w));
                        if let Some(d) = dst {
                            taint[*d] = bit(r) | compared;
                        }
                        ctrl |= bit(r) | compared;
                        Step::CasOk {
                            dst: *dst,
                            r,
                            w,
                            expected: *expected,
                            desired: *desired,
                        }
                    } else {
                        let r = push(Kind::Read, Access::FailedCas, Some(*loc), *failure, orders);
                        taint[*expected] = bit(r);
                        if let Some(d) = dst {
                            taint[*d] = bit(r) | compared;
                        }
                        ctrl |= bit(r) | compared;
                        Step::CasFail {
                            dst: *dst,
                            r,
                            expected: *expected,
                        }
                    }
                }
                Instr::Fence { mo } => {
                    push(Kind::Fence, Access::Fence, None, *mo, None);
                    Step::Nop
                }
            };
            // The events of this instruction depend by control on the
            // CASes before it (not on itself: a CAS's own halves are
            // ordered by `rmw`).
            for ev in first..events.len() {
                ctrl_pairs.push((ctrl_before, ev));
            }
            tsteps.push(step);
        }
        steps.push(tsteps);
    }
    let n = events.len();
    if n > MAX_EVENTS {
        return Err(OracleError::TooManyEvents {
            events: n,
            limit: MAX_EVENTS,
        });
    }
    let mut sk = Skeleton {
        reads: 0,
        writes: 0,
        fences: 0,
        inits: 0,
        po: Rel::empty(n),
        rmw: Rel::empty(n),
        data: Rel::empty(n),
        ctrl: Rel::empty(n),
        loc: Rel::empty(n),
        int: Rel::empty(n),
        ext: Rel::empty(n),
        init_of: (0..nlocs).collect(),
        loc_writes: vec![Vec::new(); nlocs],
        steps,
        events,
    };
    for (a, ea) in sk.events.iter().enumerate() {
        match ea.kind {
            Kind::Read => sk.reads |= bit(a),
            Kind::Write => sk.writes |= bit(a),
            Kind::Fence => sk.fences |= bit(a),
        }
        if ea.access == Access::Init {
            sk.inits |= bit(a);
        } else if ea.kind == Kind::Write {
            sk.loc_writes[ea.loc.expect("writes have a location")].push(a);
        }
        for (b, eb) in sk.events.iter().enumerate() {
            if a == b {
                continue;
            }
            if ea.thread.is_some() && ea.thread == eb.thread {
                sk.int.add(a, b);
                if a < b {
                    sk.po.add(a, b);
                }
            } else {
                sk.ext.add(a, b);
            }
            if ea.loc.is_some() && ea.loc == eb.loc {
                sk.loc.add(a, b);
            }
        }
        if ea.access == Access::Rmw && ea.kind == Kind::Read {
            sk.rmw.add(a, a + 1);
        }
    }
    for (srcs, ev) in data_pairs {
        for s in members(srcs) {
            sk.data.add(s, ev);
        }
    }
    for (srcs, ev) in ctrl_pairs {
        for s in members(srcs) {
            sk.ctrl.add(s, ev);
        }
    }
    Ok(sk)
}

fn factorial(n: usize) -> u128 {
    (1..=n as u128).fold(1u128, |acc, k| acc.saturating_mul(k))
}

/// The number of candidates of one skeleton before value filtering.
fn candidate_count(sk: &Skeleton) -> u128 {
    let mut count: u128 = 1;
    for ws in &sk.loc_writes {
        count = count.saturating_mul(factorial(ws.len()));
    }
    for r in members(sk.reads) {
        if sk.events[r].access != Access::Rmw {
            let l = sk.events[r].loc.expect("reads have a location");
            count = count.saturating_mul(sk.loc_writes[l].len() as u128 + 1);
        }
    }
    count
}

/// Every permutation of `items`.
fn permutations(items: &[usize]) -> Vec<Vec<usize>> {
    if items.is_empty() {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first);
            out.push(tail);
        }
    }
    out
}

/// Why a candidate is dropped.
enum Reject {
    /// A value stays undetermined at the fixpoint (thin air).
    Undetermined,
    /// A CAS succeeded although it read a value other than the expected
    /// one, or failed although it read the expected one.
    CasMismatch,
}

/// The values of all events and the final registers of every thread.
type Evaluated = (Vec<Value>, Vec<Vec<Value>>);

fn operand_value(op: &Operand, regs: &[Option<Value>]) -> Option<Value> {
    match op {
        Operand::Const(c) => Some(*c),
        Operand::Reg(r) => regs[*r],
    }
}

/// Evaluates the threads with the reads-from map `src` (the write each read
/// reads from) to the least fixpoint. Returns the values of all events and
/// the final registers, or why the candidate is dropped.
fn evaluate(litmus: &Litmus, sk: &Skeleton, src: &[usize]) -> Result<Evaluated, Reject> {
    let n = sk.len();
    let mut vals: Vec<Option<Value>> = vec![None; n];
    for (l, &e) in sk.init_of.iter().enumerate() {
        vals[e] = Some(litmus.init[l]);
    }
    for f in members(sk.fences) {
        vals[f] = Some(0);
    }
    // Each pass determines at least one more event or changes nothing, so
    // n + 1 passes reach the fixpoint.
    for _ in 0..=n + 1 {
        let mut changed = false;
        let mut cas_consistent = true;
        let mut finals = Vec::with_capacity(litmus.threads.len());
        let mut set = |vals: &mut Vec<Option<Value>>, ev: usize, v: Option<Value>| {
            if vals[ev] != v {
                vals[ev] = v;
                changed = true;
            }
        };
        for (t, th) in litmus.threads.iter().enumerate() {
            let mut regs: Vec<Option<Value>> = vec![Some(0); th.regs.len()];
            for step in &sk.steps[t] {
                match step {
                    Step::Assign { dst, value } => regs[*dst] = operand_value(value, &regs),
                    Step::Load { dst, ev } => {
                        let v = vals[src[*ev]];
                        set(&mut vals, *ev, v);
                        regs[*dst] = v;
                    }
                    Step::Store { ev, value } => {
                        let v = operand_value(value, &regs);
                        set(&mut vals, *ev, v);
                    }
                    Step::Rmw {
                        dst,
                        r,
                        w,
                        op,
                        operand,
                    } => {
                        let old = vals[src[*r]];
                        set(&mut vals, *r, old);
                        let new = match (old, operand_value(operand, &regs)) {
                            (Some(o), Some(x)) => Some(op.apply(o, x)),
                            _ => None,
                        };
                        set(&mut vals, *w, new);
                        if let Some(d) = dst {
                            regs[*d] = old;
                        }
                    }
                    Step::CasOk {
                        dst,
                        r,
                        w,
                        expected,
                        desired,
                    } => {
                        let old = vals[src[*r]];
                        set(&mut vals, *r, old);
                        let new = operand_value(desired, &regs);
                        set(&mut vals, *w, new);
                        if let (Some(o), Some(e)) = (old, regs[*expected]) {
                            cas_consistent &= o == e;
                        }
                        if let Some(d) = dst {
                            regs[*d] = Some(1);
                        }
                    }
                    Step::CasFail { dst, r, expected } => {
                        let old = vals[src[*r]];
                        set(&mut vals, *r, old);
                        if let (Some(o), Some(e)) = (old, regs[*expected]) {
                            cas_consistent &= o != e;
                        }
                        regs[*expected] = old;
                        if let Some(d) = dst {
                            regs[*d] = Some(0);
                        }
                    }
                    Step::Nop => {}
                }
            }
            finals.push(regs);
        }
        if !cas_consistent {
            // The values already known contradict a CAS outcome; more
            // passes only determine more values, never change known ones.
            return Err(Reject::CasMismatch);
        }
        if !changed {
            let values: Option<Vec<Value>> = vals.into_iter().collect();
            let finals: Option<Vec<Vec<Value>>> = finals
                .into_iter()
                .map(|regs| regs.into_iter().collect())
                .collect();
            return values.zip(finals).ok_or(Reject::Undetermined);
        }
    }
    unreachable!("value evaluation reaches its fixpoint within n + 1 passes")
}

/// What an enumeration saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Candidates enumerated (every rf and co choice of every skeleton).
    pub candidates: u64,
    /// Candidates dropped because a value stayed undetermined (thin air).
    pub undetermined: u64,
    /// Candidates dropped because a CAS outcome contradicts its values.
    pub cas_mismatch: u64,
    /// Candidates passed to the callback.
    pub executions: u64,
}

/// Calls `f` on every well-formed candidate execution of `litmus` (see the
/// module documentation), refusing tests with more than `limit`
/// candidates.
pub fn for_each_execution(
    litmus: &Litmus,
    limit: u128,
    mut f: impl FnMut(&Execution<'_>),
) -> Result<Stats, OracleError> {
    validate(litmus)?;
    let ncas = cas_count(litmus);
    if ncas > MAX_CAS {
        return Err(OracleError::TooManyCas {
            count: ncas,
            limit: MAX_CAS,
        });
    }
    let mut skeletons = Vec::with_capacity(1 << ncas);
    let mut total: u128 = 0;
    for mask in 0..(1u64 << ncas) {
        let sk = skeleton(litmus, mask)?;
        total = total.saturating_add(candidate_count(&sk));
        skeletons.push(sk);
    }
    if total > limit {
        return Err(OracleError::TooManyCandidates {
            candidates: total,
            limit,
        });
    }
    let mut stats = Stats::default();
    for sk in &skeletons {
        enumerate_skeleton(litmus, sk, &mut stats, &mut f);
    }
    Ok(stats)
}

fn enumerate_skeleton(
    litmus: &Litmus,
    sk: &Skeleton,
    stats: &mut Stats,
    f: &mut impl FnMut(&Execution<'_>),
) {
    let n = sk.len();
    let nlocs = litmus.locations.len();
    let perms: Vec<Vec<Vec<usize>>> = sk.loc_writes.iter().map(|w| permutations(w)).collect();
    // Reads whose source is chosen freely (not RMW reads), with their
    // possible sources.
    let free: Vec<(usize, Vec<usize>)> = members(sk.reads)
        .filter(|&r| sk.events[r].access != Access::Rmw)
        .map(|r| {
            let l = sk.events[r].loc.expect("reads have a location");
            let mut srcs = vec![sk.init_of[l]];
            srcs.extend(&sk.loc_writes[l]);
            (r, srcs)
        })
        .collect();
    let rmw_reads: Vec<usize> = members(sk.reads)
        .filter(|&r| sk.events[r].access == Access::Rmw)
        .collect();
    let mut co_choice = vec![0usize; nlocs];
    loop {
        // The coherence order of this choice, and each write's immediate
        // predecessor.
        let mut co = Rel::empty(n);
        let mut pred = vec![usize::MAX; n];
        let mut last = vec![0usize; nlocs];
        for l in 0..nlocs {
            let order: Vec<usize> = std::iter::once(sk.init_of[l])
                .chain(perms[l][co_choice[l]].iter().copied())
                .collect();
            for (i, &a) in order.iter().enumerate() {
                for &b in &order[i + 1..] {
                    co.add(a, b);
                }
                if i > 0 {
                    pred[a] = order[i - 1];
                }
            }
            last[l] = *order.last().expect("the initial write is always there");
        }
        let mut src = vec![usize::MAX; n];
        for &r in &rmw_reads {
            // Atomicity: the RMW reads from its write's co-predecessor.
            src[r] = pred[r + 1];
        }
        let mut rf_choice = vec![0usize; free.len()];
        loop {
            for (k, (r, srcs)) in free.iter().enumerate() {
                src[*r] = srcs[rf_choice[k]];
            }
            stats.candidates += 1;
            visit(litmus, sk, &src, &co, &last, stats, f);
            if !advance(&mut rf_choice, |k| free[k].1.len()) {
                break;
            }
        }
        if !advance(&mut co_choice, |l| perms[l].len()) {
            break;
        }
    }
}

/// Advances a mixed-radix counter; false when it wraps around.
fn advance(counter: &mut [usize], radix: impl Fn(usize) -> usize) -> bool {
    for (k, digit) in counter.iter_mut().enumerate() {
        *digit += 1;
        if *digit < radix(k) {
            return true;
        }
        *digit = 0;
    }
    false
}

fn visit(
    litmus: &Litmus,
    sk: &Skeleton,
    src: &[usize],
    co: &Rel,
    last: &[usize],
    stats: &mut Stats,
    f: &mut impl FnMut(&Execution<'_>),
) {
    let (values, finals) = match evaluate(litmus, sk, src) {
        Ok(v) => v,
        Err(Reject::CasMismatch) => {
            stats.cas_mismatch += 1;
            return;
        }
        Err(Reject::Undetermined) => {
            stats.undetermined += 1;
            return;
        }
    };
    let n = sk.len();
    let mut rf = Rel::empty(n);
    for r in members(sk.reads) {
        rf.add(src[r], r);
    }
    let fr = rf.inverse().seq(co);
    let mut state: State = finals.into_iter().flatten().collect();
    state.extend(last.iter().map(|&w| values[w]));
    stats.executions += 1;
    f(&Execution {
        sk,
        rf,
        co: co.clone(),
        fr,
        values,
        state,
    });
}
