//! Candidate executions of a litmus test.
//!
//! A candidate execution is a set of events (one per memory access or fence
//! a thread performs, two for a read-modify-write, plus one initial write
//! per location), program order `po`, a reads-from map `rf`, a coherence
//! order `co` per location (initial write first), the values every event
//! reads or writes, and the dependencies between them. No memory model is
//! applied here beyond what makes the candidate well formed. The
//! enumeration works as herd7's does, in three stages, pruning as it goes:
//!
//! * **paths**: each thread is run on its own, with every read returning
//!   any value that some write of the test may write to its location (the
//!   *value domains*, computed to a fixpoint from the initial values: run
//!   every thread with the current domains, add the values its writes
//!   write, until nothing changes). A path is the sequence of events (with
//!   their values and addresses) and the final registers of one run;
//!   branches, loops (unrolled to a bound, as herd7's `-unroll`; a run that
//!   would go around a loop more often is discarded), pointers (an address
//!   is a value) and compare-and-swap outcomes (success, failure, and for a
//!   weak CAS a spurious failure) are all settled by the values the reads
//!   returned;
//! * **combinations** of one path per thread, built thread by thread; a
//!   partial combination is dropped as soon as one of its reads returns a
//!   value that neither the initial state, nor the chosen paths, nor any
//!   path of the threads still to choose writes to that location;
//! * for each combination, every **coherence order** (only those that keep
//!   each thread's writes to a location in program order) and every
//!   **reads-from** map in which each read reads a write of its own value,
//!   an RMW reads its write's immediate coherence predecessor, and no read
//!   contradicts program order on its location (`po-loc` against `rf`,
//!   `co`, `fr`: the "SC per location" that all four models require, so
//!   pruning it changes no verdict).
//!
//! Dependencies are computed from register dataflow as `aarch64.cat`
//! defines them: `data` from a read to a write whose value was computed
//! from it, `addr` from a read to an access whose address was, `ctrl` from
//! a read to every event po-after a branch whose condition was computed
//! from it (an `if`, a loop test, and the compare of a compiled CAS).
//!
//! A candidate with a cycle in `rf | data | addr | ctrl | rmw` is dropped:
//! its values justify themselves (an out-of-thin-air shape such as
//! `r0=x; y=r0 || r1=y; x=r1` reading 1 from each other). All four models
//! forbid every such cycle (it lies in `po | rf` for SC and RC11's
//! no-thin-air axiom, in x86-TSO's `ppo | rfe`, and in ARMv8's `ob` through
//! `dob` and `rfe`), so dropping them changes no verdict; C11 as
//! standardised would not forbid them, which is the out-of-thin-air problem
//! the oracle does not try to model.

use crate::model::{
    addr_value, BinOp, Expected, Expr, Litmus, LocId, MemOrder, RegId, RmwOp, State, Stmt, UnOp,
    Value, ADDR_BASE,
};
use crate::rel::{bit, members, Rel, Set, MAX_EVENTS};
use std::collections::{BTreeSet, HashSet};
use std::fmt;

/// Default bound on the number of candidate executions visited for one test
/// (after pruning: each is a coherence order and a reads-from map that
/// passed the checks of the module documentation).
pub const MAX_CANDIDATES: u128 = 50_000_000;
/// Bound on the number of compare-and-swap instructions of one test.
pub const MAX_CAS: usize = 64;
/// How many times a `while` loop's body may run, as herd7's default
/// `-unroll 2`.
pub const DEFAULT_UNROLL: usize = 2;
/// Bound on the paths of one thread (see the module documentation).
pub const MAX_PATHS: usize = 1 << 18;
/// Bound on the events of one thread's path.
pub const MAX_THREAD_EVENTS: usize = 64;
/// Bound on the values a location may hold over all executions.
pub const MAX_DOMAIN: usize = 512;

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
                "too many candidate executions to enumerate: more than {candidates} (the limit is \
                 {limit}); use fewer writes to the same location or fewer reads"
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
    /// `atomic_load` or `atomic_store`, or a plain (non-atomic) load or
    /// store ([`Event::na`]).
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
    /// A plain (non-atomic) access: `*x = v`, `r = *x`, or a CAS's access
    /// to its expected value. `mo` is then `Relaxed`, which is what the
    /// hardware models compile it to (`MOV`, `LDR`, `STR`); RC11 treats it
    /// as non-atomic (no `RLX` tag, and a data race on it is undefined
    /// behaviour).
    pub na: bool,
    /// The value the event reads or writes when its thread's path fixes
    /// it (a constant store, a CAS's read, a read a branch or an address
    /// depends on), else 0; [`Execution::values`] has every event's value
    /// in one execution.
    pub value: Value,
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

/// The events of one choice of a path per thread (values included), with
/// the relations that do not depend on `rf` and `co`.
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
    /// Control dependencies: from the reads a branch (an `if`, a loop test,
    /// or a compiled CAS's compare) depends on to every event po-after the
    /// branch.
    pub ctrl: Rel,
    /// Pairs of distinct memory events on the same location.
    pub loc: Rel,
    /// Pairs of distinct events of the same thread.
    pub int: Rel,
    /// Pairs of distinct events of different threads (an initial write is
    /// external to every event).
    pub ext: Rel,
    /// Address dependencies: a read to a memory event whose address was
    /// computed from it (through a pointer in a register).
    pub addr: Rel,
    /// The initial write of each location.
    init_of: Vec<usize>,
    /// The non-initial writes of each location.
    loc_writes: Vec<Vec<usize>>,
    /// Final registers of each thread, as computed from the reads.
    finals: Vec<Vec<Sym>>,
    /// Each event's value as its path knows it (a read's `Read(self)`
    /// while open), over the skeleton's event indices.
    syms: Vec<Sym>,
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
        let cx = Check {
            t,
            nregs: th.regs.len(),
            nlocs,
        };
        for s in &th.code() {
            cx.stmt(s)?;
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

struct Check {
    t: usize,
    nregs: usize,
    nlocs: usize,
}

impl Check {
    fn reg(&self, r: RegId) -> Result<(), OracleError> {
        if r < self.nregs {
            Ok(())
        } else {
            Err(OracleError::Malformed(format!(
                "thread {}: register index {r} out of range",
                self.t
            )))
        }
    }
    fn unsupported(&self, what: String) -> Result<(), OracleError> {
        Err(OracleError::Unsupported(format!(
            "thread {}: {what}",
            self.t
        )))
    }
    fn expr(&self, e: &Expr) -> Result<(), OracleError> {
        match e {
            Expr::Const(_) => Ok(()),
            Expr::Reg(r) => self.reg(*r),
            Expr::Addr(l) => {
                if *l < self.nlocs {
                    Ok(())
                } else {
                    Err(OracleError::Malformed(format!(
                        "thread {}: location index {l} out of range",
                        self.t
                    )))
                }
            }
            Expr::Un(_, a) => self.expr(a),
            Expr::Bin(_, a, b) => {
                self.expr(a)?;
                self.expr(b)
            }
            Expr::Load { addr, mo } => {
                if let Some(mo @ (MemOrder::Release | MemOrder::AcqRel)) = mo {
                    return self.unsupported(format!(
                        "atomic_load with memory_order_{} (not a load order)",
                        mo.as_str()
                    ));
                }
                self.expr(addr)
            }
            Expr::Rmw { addr, operand, .. } => {
                self.expr(addr)?;
                self.expr(operand)
            }
            Expr::AddUnless {
                addr, add, unless, ..
            } => {
                self.expr(addr)?;
                self.expr(add)?;
                self.expr(unless)
            }
            Expr::Cas {
                addr,
                expected,
                desired,
                failure,
                ..
            } => {
                self.expr(addr)?;
                match expected {
                    Expected::Reg(r) => self.reg(*r)?,
                    Expected::Mem(e) => self.expr(e)?,
                }
                self.expr(desired)?;
                if matches!(failure, MemOrder::Release | MemOrder::AcqRel) {
                    return self.unsupported(format!(
                        "compare-and-swap failure order memory_order_{}",
                        failure.as_str()
                    ));
                }
                Ok(())
            }
        }
    }
    fn stmt(&self, s: &Stmt) -> Result<(), OracleError> {
        match s {
            Stmt::Assign { dst, value } => {
                self.reg(*dst)?;
                self.expr(value)
            }
            Stmt::Eval(e) => self.expr(e),
            Stmt::Store { addr, value, mo } => {
                if let Some(mo @ (MemOrder::Acquire | MemOrder::AcqRel)) = mo {
                    return self.unsupported(format!(
                        "atomic_store with memory_order_{} (not a store order)",
                        mo.as_str()
                    ));
                }
                self.expr(addr)?;
                self.expr(value)
            }
            Stmt::Fence(_) => Ok(()),
            Stmt::If { cond, then, els } => {
                self.expr(cond)?;
                then.iter().chain(els).try_for_each(|s| self.stmt(s))
            }
            Stmt::While { cond, body } => {
                self.expr(cond)?;
                body.iter().try_for_each(|s| self.stmt(s))
            }
        }
    }
}

/// A value of a path: known, or computed from the values of reads that
/// the path left open (reads whose value decides neither a branch, nor an
/// address, nor a compare: their value comes from the write they read).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sym {
    Const(Value),
    /// The value of the path's `i`-th event (a read).
    Read(usize),
    Un(UnOp, Box<Sym>),
    Bin(BinOp, Box<Sym>, Box<Sym>),
    Rmw(RmwOp, Box<Sym>, Box<Sym>),
}

impl Sym {
    fn known(&self) -> Option<Value> {
        match self {
            Sym::Const(v) => Some(*v),
            _ => None,
        }
    }

    /// The value, given the value of each read.
    fn eval(&self, read: &impl Fn(usize) -> Value) -> Value {
        match self {
            Sym::Const(v) => *v,
            Sym::Read(i) => read(*i),
            Sym::Un(op, a) => op.apply(a.eval(read)),
            Sym::Bin(op, a, b) => op.apply(a.eval(read), b.eval(read)),
            Sym::Rmw(op, a, b) => op.apply(a.eval(read), b.eval(read)),
        }
    }

    fn reads(&self, out: &mut Vec<usize>) {
        match self {
            Sym::Const(_) => {}
            Sym::Read(i) => {
                if !out.contains(i) {
                    out.push(*i)
                }
            }
            Sym::Un(_, a) => a.reads(out),
            Sym::Bin(_, a, b) | Sym::Rmw(_, a, b) => {
                a.reads(out);
                b.reads(out);
            }
        }
    }

    fn un(op: UnOp, a: Sym) -> Sym {
        match a.known() {
            Some(v) => Sym::Const(op.apply(v)),
            None => Sym::Un(op, Box::new(a)),
        }
    }

    fn bin(op: BinOp, a: Sym, b: Sym) -> Sym {
        match (a.known(), b.known()) {
            (Some(x), Some(y)) => Sym::Const(op.apply(x, y)),
            _ => Sym::Bin(op, Box::new(a), Box::new(b)),
        }
    }
}

/// One event of a thread's path, with dependencies as bit sets of the
/// path's earlier events.
#[derive(Debug, Clone)]
struct PathEvent {
    kind: Kind,
    access: Access,
    loc: Option<LocId>,
    mo: MemOrder,
    cas: Option<(MemOrder, MemOrder)>,
    na: bool,
    /// A write's value; for a read, `Read(self)` until the path fixes it
    /// (then `Const`).
    value: Sym,
    instr: usize,
    data: u64,
    addr: u64,
    ctrl: u64,
    /// The read half of an RMW (its write is the next event).
    rmw_read: bool,
}

/// One run of a thread.
#[derive(Debug, Clone)]
struct Path {
    events: Vec<PathEvent>,
    regs: Vec<Sym>,
}

/// Why a run stopped before the end of the thread.
enum Stop {
    /// The run needs its next choice, among this many options.
    Choose(usize),
    /// The run is not an execution (a loop past its bound, a dereference
    /// of a non-address).
    Discard,
    Error(OracleError),
}

struct Runner<'a> {
    domains: &'a [Vec<Value>],
    nlocs: usize,
    choices: &'a [usize],
    used: usize,
    events: Vec<PathEvent>,
    regs: Vec<(Sym, u64)>,
    ctrl: u64,
    unroll: usize,
    instr: usize,
}

impl Runner<'_> {
    fn choose(&mut self, n: usize) -> Result<usize, Stop> {
        if n == 0 {
            return Err(Stop::Discard);
        }
        if n == 1 {
            return Ok(0);
        }
        match self.choices.get(self.used) {
            Some(&c) => {
                self.used += 1;
                Ok(c)
            }
            None => Err(Stop::Choose(n)),
        }
    }

    /// The value of `s`, fixing the reads it depends on (a choice each,
    /// among their location's domain).
    fn force(&mut self, s: &Sym) -> Result<Value, Stop> {
        Ok(match s {
            Sym::Const(v) => *v,
            Sym::Read(i) => {
                if let Some(v) = self.events[*i].value.known() {
                    return Ok(v);
                }
                let l = self.events[*i].loc.expect("reads have a location");
                let v = self.read_choice(l)?;
                self.events[*i].value = Sym::Const(v);
                v
            }
            Sym::Un(op, a) => op.apply(self.force(a)?),
            Sym::Bin(op, a, b) => {
                let x = self.force(a)?;
                op.apply(x, self.force(b)?)
            }
            Sym::Rmw(op, a, b) => {
                let x = self.force(a)?;
                op.apply(x, self.force(b)?)
            }
        })
    }

    fn loc_of(&mut self, s: &Sym) -> Result<LocId, Stop> {
        let v = self.force(s)?;
        match v.checked_sub(ADDR_BASE) {
            Some(l) if l >= 0 && (l as usize) < self.nlocs => Ok(l as usize),
            _ => Err(Stop::Discard),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: Kind,
        access: Access,
        loc: Option<LocId>,
        mo: Option<MemOrder>,
        value: Option<Sym>,
        data: u64,
        addr: u64,
    ) -> Result<usize, Stop> {
        let i = self.events.len();
        if i >= MAX_THREAD_EVENTS {
            return Err(Stop::Error(OracleError::TooManyEvents {
                events: i + 1,
                limit: MAX_THREAD_EVENTS,
            }));
        }
        self.events.push(PathEvent {
            kind,
            access,
            loc,
            mo: mo.unwrap_or(MemOrder::Relaxed),
            cas: None,
            na: mo.is_none() && kind != Kind::Fence,
            value: value.unwrap_or(Sym::Read(i)),
            instr: self.instr,
            data,
            addr,
            ctrl: self.ctrl,
            rmw_read: false,
        });
        Ok(i)
    }

    fn read_choice(&mut self, l: LocId) -> Result<Value, Stop> {
        let d = &self.domains[l];
        let c = self.choose(d.len())?;
        Ok(self.domains[l][c])
    }

    fn eval(&mut self, e: &Expr) -> Result<(Sym, u64), Stop> {
        Ok(match e {
            Expr::Const(v) => (Sym::Const(*v), 0),
            Expr::Reg(r) => self.regs[*r].clone(),
            Expr::Addr(l) => (Sym::Const(addr_value(*l)), 0),
            Expr::Un(op, a) => {
                let (v, t) = self.eval(a)?;
                (Sym::un(*op, v), t)
            }
            Expr::Bin(op @ (BinOp::LAnd | BinOp::LOr), a, b) => {
                // Short-circuit: whether the right side runs depends on the
                // left side's value.
                let (va, ta) = self.eval(a)?;
                let va = self.force(&va)?;
                let short = match op {
                    BinOp::LAnd => va == 0,
                    _ => va != 0,
                };
                if short {
                    (Sym::Const((va != 0) as Value), ta)
                } else {
                    self.ctrl |= ta;
                    let (vb, tb) = self.eval(b)?;
                    (Sym::un(UnOp::Not, Sym::un(UnOp::Not, vb)), ta | tb)
                }
            }
            Expr::Bin(op, a, b) => {
                let (va, ta) = self.eval(a)?;
                let (vb, tb) = self.eval(b)?;
                (Sym::bin(*op, va, vb), ta | tb)
            }
            Expr::Load { addr, mo } => {
                let (av, at) = self.eval(addr)?;
                let l = self.loc_of(&av)?;
                let r = self.push(Kind::Read, Access::Plain, Some(l), *mo, None, 0, at)?;
                (Sym::Read(r), 1 << r)
            }
            Expr::Rmw {
                addr,
                op,
                operand,
                mo,
            } => {
                let (xv, xt) = self.eval(operand)?;
                let (av, at) = self.eval(addr)?;
                let l = self.loc_of(&av)?;
                let r = self.push(Kind::Read, Access::Rmw, Some(l), Some(*mo), None, 0, at)?;
                self.events[r].rmw_read = true;
                let new = match (*op, xv.known()) {
                    (RmwOp::Xchg, Some(v)) => Sym::Const(v),
                    _ => Sym::Rmw(*op, Box::new(Sym::Read(r)), Box::new(xv)),
                };
                self.push(
                    Kind::Write,
                    Access::Rmw,
                    Some(l),
                    Some(*mo),
                    Some(new),
                    xt,
                    at,
                )?;
                (Sym::Read(r), 1 << r)
            }
            Expr::AddUnless {
                addr,
                add,
                unless,
                mo,
            } => {
                let (xv, xt) = self.eval(add)?;
                let (uv, ut) = self.eval(unless)?;
                let u = self.force(&uv)?;
                let (av, at) = self.eval(addr)?;
                let l = self.loc_of(&av)?;
                if self.choose(2)? == 0 {
                    // The value read is not `unless`: add.
                    let options: Vec<Value> = self.domains[l]
                        .iter()
                        .copied()
                        .filter(|&v| v != u)
                        .collect();
                    let c = self.choose(options.len())?;
                    let old = options[c];
                    let r = self.push(
                        Kind::Read,
                        Access::Rmw,
                        Some(l),
                        Some(*mo),
                        Some(Sym::Const(old)),
                        0,
                        at,
                    )?;
                    self.events[r].rmw_read = true;
                    let new = Sym::Rmw(RmwOp::Add, Box::new(Sym::Const(old)), Box::new(xv));
                    self.push(
                        Kind::Write,
                        Access::Rmw,
                        Some(l),
                        Some(*mo),
                        Some(new),
                        xt,
                        at,
                    )?;
                    self.ctrl |= (1 << r) | ut;
                    (Sym::Const(1), (1 << r) | ut)
                } else {
                    let r = self.push(
                        Kind::Read,
                        Access::FailedCas,
                        Some(l),
                        Some(*mo),
                        Some(Sym::Const(u)),
                        0,
                        at,
                    )?;
                    self.ctrl |= (1 << r) | ut;
                    (Sym::Const(0), (1 << r) | ut)
                }
            }
            Expr::Cas {
                addr,
                expected,
                desired,
                success,
                failure,
                weak,
            } => {
                let (av, at) = self.eval(addr)?;
                let l = self.loc_of(&av)?;
                let (es, et, exp_loc) = match expected {
                    Expected::Reg(r) => {
                        let (v, t) = self.regs[*r].clone();
                        (v, t, None)
                    }
                    Expected::Mem(e) => {
                        let (eav, eat) = self.eval(e)?;
                        let el = self.loc_of(&eav)?;
                        let r =
                            self.push(Kind::Read, Access::Plain, Some(el), None, None, 0, eat)?;
                        (Sym::Read(r), 1 << r, Some((el, eat)))
                    }
                };
                // The compare needs the expected value.
                let ev = self.force(&es)?;
                let (dv, dt) = self.eval(desired)?;
                let orders = Some((*success, *failure));
                let outcome = self.choose(if *weak { 3 } else { 2 })?;
                if outcome == 0 {
                    let r = self.push(
                        Kind::Read,
                        Access::Rmw,
                        Some(l),
                        Some(*success),
                        Some(Sym::Const(ev)),
                        0,
                        at,
                    )?;
                    self.events[r].rmw_read = true;
                    self.events[r].cas = orders;
                    let w = self.push(
                        Kind::Write,
                        Access::Rmw,
                        Some(l),
                        Some(*success),
                        Some(dv),
                        dt,
                        at,
                    )?;
                    self.events[w].cas = orders;
                    self.ctrl |= (1 << r) | et;
                    (Sym::Const(1), (1 << r) | et)
                } else {
                    // A failure reads another value; a spurious one (weak
                    // only) the expected value itself.
                    let options: Vec<Value> = self.domains[l]
                        .iter()
                        .copied()
                        .filter(|&v| (v == ev) == (outcome == 2))
                        .collect();
                    let c = self.choose(options.len())?;
                    let v = options[c];
                    let r = self.push(
                        Kind::Read,
                        Access::FailedCas,
                        Some(l),
                        Some(*failure),
                        Some(Sym::Const(v)),
                        0,
                        at,
                    )?;
                    self.events[r].cas = orders;
                    self.ctrl |= (1 << r) | et;
                    match (expected, exp_loc) {
                        (Expected::Reg(reg), _) => self.regs[*reg] = (Sym::Const(v), 1 << r),
                        (_, Some((el, eat))) => {
                            self.push(
                                Kind::Write,
                                Access::Plain,
                                Some(el),
                                None,
                                Some(Sym::Const(v)),
                                1 << r,
                                eat,
                            )?;
                        }
                        _ => {}
                    }
                    (Sym::Const(0), (1 << r) | et)
                }
            }
        })
    }

    fn block(&mut self, code: &[Stmt]) -> Result<(), Stop> {
        for s in code {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), Stop> {
        self.instr += 1;
        match s {
            Stmt::Assign { dst, value } => {
                let v = self.eval(value)?;
                self.regs[*dst] = v;
            }
            Stmt::Eval(e) => {
                self.eval(e)?;
            }
            Stmt::Store { addr, value, mo } => {
                let (v, t) = self.eval(value)?;
                let (av, at) = self.eval(addr)?;
                let l = self.loc_of(&av)?;
                self.push(Kind::Write, Access::Plain, Some(l), *mo, Some(v), t, at)?;
            }
            Stmt::Fence(mo) => {
                self.push(
                    Kind::Fence,
                    Access::Fence,
                    None,
                    Some(*mo),
                    Some(Sym::Const(0)),
                    0,
                    0,
                )?;
            }
            Stmt::If { cond, then, els } => {
                let (v, t) = self.eval(cond)?;
                let v = self.force(&v)?;
                self.ctrl |= t;
                if v != 0 {
                    self.block(then)?;
                } else {
                    self.block(els)?;
                }
            }
            Stmt::While { cond, body } => {
                let mut k = 0;
                loop {
                    let (v, t) = self.eval(cond)?;
                    let v = self.force(&v)?;
                    self.ctrl |= t;
                    if v == 0 {
                        break;
                    }
                    if k == self.unroll {
                        return Err(Stop::Discard);
                    }
                    self.block(body)?;
                    k += 1;
                }
            }
        }
        Ok(())
    }
}

/// Every path of one thread under the value domains.
fn paths(
    litmus: &Litmus,
    t: usize,
    code: &[Stmt],
    domains: &[Vec<Value>],
    unroll: usize,
) -> Result<Vec<Path>, OracleError> {
    let mut out = Vec::new();
    let mut stack: Vec<Vec<usize>> = vec![Vec::new()];
    while let Some(prefix) = stack.pop() {
        let mut run = Runner {
            domains,
            nlocs: litmus.locations.len(),
            choices: &prefix,
            used: 0,
            events: Vec::new(),
            regs: vec![(Sym::Const(0), 0); litmus.threads[t].regs.len()],
            ctrl: 0,
            unroll,
            instr: 0,
        };
        match run.block(code) {
            Ok(()) => {
                out.push(Path {
                    events: run.events,
                    regs: run.regs.into_iter().map(|r| r.0).collect(),
                });
                if out.len() > MAX_PATHS {
                    return Err(OracleError::Unsupported(format!(
                        "thread {} has more than {MAX_PATHS} paths (one per value of each read \
                         a branch, an address or a compare depends on, and per branch taken)",
                        litmus.threads[t].name
                    )));
                }
            }
            Err(Stop::Choose(n)) => {
                for c in (0..n).rev() {
                    let mut p = prefix.clone();
                    p.push(c);
                    stack.push(p);
                }
            }
            Err(Stop::Discard) => {}
            Err(Stop::Error(e)) => return Err(e),
        }
    }
    Ok(out)
}

/// Every value `s` takes when each open read it depends on takes any value
/// of its location's domain.
fn values_of(
    s: &Sym,
    events: &[PathEvent],
    domains: &[BTreeSet<Value>],
    out: &mut BTreeSet<Value>,
) -> Result<(), OracleError> {
    if let Some(v) = s.known() {
        out.insert(v);
        return Ok(());
    }
    let mut leaves = Vec::new();
    s.reads(&mut leaves);
    let doms: Vec<Vec<Value>> = leaves
        .iter()
        .map(|&i| match events[i].value.known() {
            Some(v) => vec![v],
            None => domains[events[i].loc.expect("reads have a location")]
                .iter()
                .copied()
                .collect(),
        })
        .collect();
    let total = doms.iter().fold(1usize, |a, d| a.saturating_mul(d.len()));
    if total > 1 << 16 {
        return Err(OracleError::Unsupported(
            "a value computed from too many reads of too many values".into(),
        ));
    }
    let mut digits = vec![0usize; doms.len()];
    loop {
        let v = s.eval(&|i| {
            let k = leaves.iter().position(|&l| l == i).expect("a leaf");
            doms[k][digits[k]]
        });
        out.insert(v);
        if !advance(&mut digits, |k| doms[k].len()) {
            return Ok(());
        }
    }
}

/// The paths of every thread, under value domains computed to their
/// fixpoint (see the module documentation).
fn all_paths(litmus: &Litmus, unroll: usize) -> Result<Vec<Vec<Path>>, OracleError> {
    let codes: Vec<Vec<Stmt>> = litmus.threads.iter().map(|t| t.code()).collect();
    let mut domains: Vec<BTreeSet<Value>> =
        litmus.init.iter().map(|&v| BTreeSet::from([v])).collect();
    // Each round adds the values one more write in a chain of writes
    // justifies (a write whose value was computed from a value read). In
    // an execution such a chain uses distinct write events, so it is at
    // most as long as the test has writes: after that many rounds every
    // value an execution can hold is in the domains (an RMW loop such as
    // `fetch_add` would otherwise grow them for ever).
    let mut round = 0;
    loop {
        round += 1;
        let flat: Vec<Vec<Value>> = domains
            .iter()
            .map(|d| d.iter().copied().collect())
            .collect();
        let mut all = Vec::with_capacity(codes.len());
        let mut next = domains.clone();
        for (t, code) in codes.iter().enumerate() {
            let ps = paths(litmus, t, code, &flat, unroll)?;
            for p in &ps {
                for e in &p.events {
                    if e.kind == Kind::Write {
                        let l = e.loc.expect("writes have a location");
                        values_of(&e.value, &p.events, &domains, &mut next[l])?;
                        if next[l].len() > MAX_DOMAIN {
                            return Err(OracleError::Unsupported(format!(
                                "location `{}` may hold more than {MAX_DOMAIN} values",
                                litmus.locations[l]
                            )));
                        }
                    }
                }
            }
            all.push(ps);
        }
        let writes: usize = all
            .iter()
            .map(|ps| {
                ps.iter()
                    .map(|p| p.events.iter().filter(|e| e.kind == Kind::Write).count())
                    .max()
                    .unwrap_or(0)
            })
            .sum();
        let changed = next != domains;
        domains = next;
        if !changed || round > writes {
            return Ok(all);
        }
    }
}

/// What an enumeration saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Candidates enumerated (every rf and co choice of every combination
    /// of paths that passed the pruning).
    pub candidates: u64,
    /// Candidates dropped because their values justify themselves (thin
    /// air).
    pub undetermined: u64,
    /// Kept for compatibility: CAS outcomes are now settled by each
    /// path's values, so this is always 0.
    pub cas_mismatch: u64,
    /// Candidates passed to the callback.
    pub executions: u64,
    /// Combinations of one path per thread that were built.
    pub combinations: u64,
}

/// Options of an enumeration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Bound on the candidates visited.
    pub limit: u128,
    /// Bound on the runs of a loop body (herd7's `-unroll`).
    pub unroll: usize,
    /// Skip the candidates that contradict program order on a location
    /// (see the module documentation): every model rejects them, so
    /// predictions skip them; [`crate::enumerate`] and
    /// [`crate::candidate_states`] keep them, to show every candidate.
    pub prune: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limit: MAX_CANDIDATES,
            unroll: DEFAULT_UNROLL,
            prune: true,
        }
    }
}

/// Calls `f` on every well-formed candidate execution of `litmus` (see the
/// module documentation), stopping with an error after more than `limit`
/// candidates.
pub fn for_each_execution(
    litmus: &Litmus,
    limit: u128,
    f: impl FnMut(&Execution<'_>),
) -> Result<Stats, OracleError> {
    for_each_execution_with(
        litmus,
        Options {
            limit,
            ..Options::default()
        },
        f,
    )
}

/// [`for_each_execution`] with every option.
pub fn for_each_execution_with(
    litmus: &Litmus,
    options: Options,
    mut f: impl FnMut(&Execution<'_>),
) -> Result<Stats, OracleError> {
    validate(litmus)?;
    let all = all_paths(litmus, options.unroll)?;
    let nthreads = all.len();
    // What each thread may write, over all its paths; suffix unions.
    // A write whose value the path leaves open may write anything (None).
    let may: Vec<HashSet<Written>> = all
        .iter()
        .map(|ps| {
            ps.iter()
                .flat_map(|p| p.events.iter())
                .filter(|e| e.kind == Kind::Write)
                .map(|e| (e.loc.expect("writes have a location"), e.value.known()))
                .collect()
        })
        .collect();
    let mut suffix: Vec<HashSet<Written>> = vec![HashSet::new(); nthreads + 1];
    for t in (0..nthreads).rev() {
        let mut s = suffix[t + 1].clone();
        s.extend(may[t].iter().copied());
        suffix[t] = s;
    }
    let init: HashSet<Written> = litmus
        .init
        .iter()
        .enumerate()
        .map(|(l, &v)| (l, Some(v)))
        .collect();
    let mut stats = Stats::default();
    let mut chosen: Vec<usize> = Vec::with_capacity(nthreads);
    let mut cx = Combine {
        litmus,
        all: &all,
        suffix: &suffix,
        init: &init,
        limit: options.limit,
        prune: options.prune,
    };
    cx.combine(&mut chosen, &mut stats, &mut f)?;
    Ok(stats)
}

/// A location and the value a write writes to it (`None`: not known
/// before the execution is chosen).
type Written = (LocId, Option<Value>);

struct Combine<'a> {
    litmus: &'a Litmus,
    all: &'a [Vec<Path>],
    suffix: &'a [HashSet<Written>],
    init: &'a HashSet<Written>,
    limit: u128,
    prune: bool,
}

impl Combine<'_> {
    fn combine(
        &mut self,
        chosen: &mut Vec<usize>,
        stats: &mut Stats,
        f: &mut impl FnMut(&Execution<'_>),
    ) -> Result<(), OracleError> {
        let t = chosen.len();
        if t == self.all.len() {
            stats.combinations += 1;
            return self.executions(chosen, stats, f);
        }
        for p in 0..self.all[t].len() {
            chosen.push(p);
            if self.feasible(chosen) {
                self.combine(chosen, stats, f)?;
            }
            chosen.pop();
        }
        Ok(())
    }

    /// Whether every read of the chosen paths can read a write of its
    /// value: the initial one, one of a chosen path, or one some path of a
    /// thread still to choose may make.
    fn feasible(&self, chosen: &[usize]) -> bool {
        let t = chosen.len();
        let paths: Vec<&Path> = chosen
            .iter()
            .enumerate()
            .map(|(i, &p)| &self.all[i][p])
            .collect();
        let written: HashSet<Written> = paths
            .iter()
            .flat_map(|p| p.events.iter())
            .filter(|e| e.kind == Kind::Write)
            .map(|e| (e.loc.expect("writes have a location"), e.value.known()))
            .collect();
        let has = |k: &Written| {
            self.init.contains(k) || written.contains(k) || self.suffix[t].contains(k)
        };
        paths
            .iter()
            .flat_map(|p| p.events.iter())
            .filter(|e| e.kind == Kind::Read)
            .all(|e| {
                let l = e.loc.expect("reads have a location");
                match e.value.known() {
                    Some(v) => has(&(l, Some(v))) || has(&(l, None)),
                    None => true,
                }
            })
    }

    fn executions(
        &mut self,
        chosen: &[usize],
        stats: &mut Stats,
        f: &mut impl FnMut(&Execution<'_>),
    ) -> Result<(), OracleError> {
        let litmus = self.litmus;
        let sk = skeleton(
            litmus,
            chosen.iter().enumerate().map(|(t, &p)| &self.all[t][p]),
        )?;
        let n = sk.len();
        let nlocs = litmus.locations.len();
        // Coherence orders per location (pruned: only those that keep each
        // thread's writes in program order), counted before they are built.
        let mut count: u128 = 1;
        for ws in &sk.loc_writes {
            count = count.saturating_mul(order_count(&sk, ws, self.prune));
        }
        if count > self.limit {
            return Err(OracleError::TooManyCandidates {
                candidates: count,
                limit: self.limit,
            });
        }
        let prune = self.prune;
        let orders: Vec<Vec<Vec<usize>>> = sk
            .loc_writes
            .iter()
            .map(|ws| orders_of(&sk, ws, prune))
            .collect();
        let free: Vec<usize> = members(sk.reads).filter(|&r| sk.rmw.row(r) == 0).collect();
        let rmw_reads: Vec<usize> = members(sk.reads).filter(|&r| sk.rmw.row(r) != 0).collect();
        // Same-thread, same-location pairs (a po-before b) for the checks.
        let po_loc = sk.po.inter(&sk.loc);
        let po_loc_inv = po_loc.inverse();
        let deps = sk.data.union(&sk.addr).union(&sk.ctrl).union(&sk.rmw);
        let has_deps = !deps.is_empty();
        let mut co_choice = vec![0usize; nlocs];
        if orders.iter().any(|o| o.is_empty()) {
            return Ok(());
        }
        loop {
            let mut pos = vec![0usize; n];
            let mut pred = vec![usize::MAX; n];
            let mut last = vec![0usize; nlocs];
            let mut co = Rel::empty(n);
            for l in 0..nlocs {
                let order: Vec<usize> = std::iter::once(sk.init_of[l])
                    .chain(orders[l][co_choice[l]].iter().copied())
                    .collect();
                for (i, &a) in order.iter().enumerate() {
                    pos[a] = i;
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
            let mut ok = true;
            for &r in &rmw_reads {
                let w = members(sk.rmw.row(r))
                    .next()
                    .expect("an RMW read has its write");
                src[r] = pred[w];
                ok &= compatible(&sk.syms[pred[w]], &sk.syms[r]);
            }
            // Candidate sources of each free read: same value, and not
            // against program order on the location.
            let mut cands: Vec<Vec<usize>> = Vec::with_capacity(free.len());
            if ok {
                for &r in &free {
                    let l = sk.events[r].loc.expect("reads have a location");
                    let v = &sk.syms[r];
                    let c: Vec<usize> = std::iter::once(sk.init_of[l])
                        .chain(sk.loc_writes[l].iter().copied())
                        .filter(|&w| compatible(&sk.syms[w], v))
                        .filter(|&w| {
                            // po-earlier writes: w is one of them or co-after;
                            // po-later ones are co-after w.
                            !prune
                                || (members(po_loc_inv.row(r) & sk.writes)
                                    .all(|e| pos[w] >= pos[e])
                                    && members(po_loc.row(r) & sk.writes).all(|e| pos[w] < pos[e]))
                        })
                        .collect();
                    if c.is_empty() {
                        ok = false;
                        break;
                    }
                    cands.push(c);
                }
            }
            if ok {
                // Reads-from, read by read in program order, each checked
                // against the reads of its thread and location already
                // chosen (CoRR) as it is chosen.
                for &r in &free {
                    src[r] = usize::MAX;
                }
                let limit = self.limit;
                let mut visit = |src: &[usize], stats: &mut Stats| -> Result<(), OracleError> {
                    stats.candidates += 1;
                    if stats.candidates as u128 > limit {
                        return Err(OracleError::TooManyCandidates {
                            candidates: limit,
                            limit,
                        });
                    }
                    if prune && !reads_coherent(&sk, &po_loc, src, &pos) {
                        return Ok(());
                    }
                    let mut rf = Rel::empty(n);
                    for r in members(sk.reads) {
                        rf.add(src[r], r);
                    }
                    let values = if has_deps && !rf.union(&deps).is_acyclic() {
                        stats.undetermined += 1;
                        None
                    } else {
                        let values = evaluate(&sk, src);
                        if values.is_none() {
                            stats.cas_mismatch += 1;
                        }
                        values
                    };
                    if let Some(values) = values {
                        let fr = rf.inverse().seq(&co);
                        let read = |i: usize| values[i];
                        let mut state: State =
                            sk.finals.iter().flatten().map(|s| s.eval(&read)).collect();
                        state.extend(last.iter().map(|&w| values[w]));
                        stats.executions += 1;
                        f(&Execution {
                            sk: &sk,
                            rf,
                            co: co.clone(),
                            fr,
                            values,
                            state,
                        });
                    }
                    Ok(())
                };
                let same = po_loc.union(&po_loc_inv);
                let cx = RfSearch {
                    free: &free,
                    cands: &cands,
                    same: &same,
                    reads: sk.reads,
                    pos: &pos,
                    prune,
                };
                cx.assign(0, &mut src, stats, &mut visit)?;
            }
            if !advance(&mut co_choice, |l| orders[l].len()) {
                break;
            }
        }
        Ok(())
    }
}

/// The reads-from search of one coherence order.
struct RfSearch<'a> {
    free: &'a [usize],
    cands: &'a [Vec<usize>],
    /// Same thread and location (either direction of program order).
    same: &'a Rel,
    reads: Set,
    pos: &'a [usize],
    prune: bool,
}

impl RfSearch<'_> {
    fn assign(
        &self,
        k: usize,
        src: &mut [usize],
        stats: &mut Stats,
        visit: &mut impl FnMut(&[usize], &mut Stats) -> Result<(), OracleError>,
    ) -> Result<(), OracleError> {
        if k == self.free.len() {
            return visit(src, stats);
        }
        let r = self.free[k];
        for &w in &self.cands[k] {
            // CoRR against the reads already chosen: a po-earlier read
            // reads a co-earlier (or the same) write, a po-later one a
            // co-later one.
            let ok = !self.prune
                || members(self.same.row(r) & self.reads).all(|o| {
                    src[o] == usize::MAX
                        || if o < r {
                            self.pos[src[o]] <= self.pos[w]
                        } else {
                            self.pos[w] <= self.pos[src[o]]
                        }
                });
            if ok {
                src[r] = w;
                self.assign(k + 1, src, stats, visit)?;
            }
        }
        src[r] = usize::MAX;
        Ok(())
    }
}

/// Whether a write of `w` can be what a read of `r` reads, as far as the
/// paths know their values.
fn compatible(w: &Sym, r: &Sym) -> bool {
    match (w.known(), r.known()) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// The value of every event for the reads-from map `src` (each read's
/// value is its write's, each write's is computed from the reads it
/// depends on), or `None` if a read the path fixed reads another value.
/// `rf | deps` is acyclic, so the recursion ends.
fn evaluate(sk: &Skeleton, src: &[usize]) -> Option<Vec<Value>> {
    fn value(sk: &Skeleton, src: &[usize], memo: &mut [Option<Value>], e: usize) -> Value {
        if let Some(v) = memo[e] {
            return v;
        }
        let v = if sk.events[e].is_read() {
            value(sk, src, memo, src[e])
        } else {
            let sym = &sk.syms[e];
            match sym.known() {
                Some(v) => v,
                None => {
                    let mut leaves = Vec::new();
                    sym.reads(&mut leaves);
                    for l in leaves {
                        value(sk, src, memo, l);
                    }
                    sym.eval(&|i| memo[i].expect("evaluated above"))
                }
            }
        };
        memo[e] = Some(v);
        v
    }
    let n = sk.len();
    let mut memo = vec![None; n];
    for e in 0..n {
        value(sk, src, &mut memo, e);
    }
    for r in members(sk.reads) {
        if let Some(fixed) = sk.syms[r].known() {
            if memo[r] != Some(fixed) {
                return None;
            }
        }
    }
    // Registers may hold open reads: evaluate those too (already done).
    Some(memo.into_iter().map(|v| v.unwrap_or(0)).collect())
}

/// Program order against reads-from on each location, between reads: a
/// po-later read does not read a co-earlier write (CoRR), and reads and
/// writes in between are checked in [`Combine::executions`].
fn reads_coherent(sk: &Skeleton, po_loc: &Rel, src: &[usize], pos: &[usize]) -> bool {
    members(sk.reads).all(|a| members(po_loc.row(a) & sk.reads).all(|b| pos[src[a]] <= pos[src[b]]))
}

/// The number of orders of `ws` [`orders_of`] gives: `n!`, or with
/// `prune` the multinomial `n! / (k1! k2! ...)` over each thread's `ki`
/// writes.
fn order_count(sk: &Skeleton, ws: &[usize], prune: bool) -> u128 {
    let fact = |n: usize| (1..=n as u128).fold(1u128, |a, k| a.saturating_mul(k));
    let mut count = fact(ws.len());
    if prune {
        let mut per_thread = std::collections::BTreeMap::new();
        for &w in ws {
            *per_thread.entry(sk.events[w].thread).or_insert(0usize) += 1;
        }
        for k in per_thread.values() {
            count /= fact(*k);
        }
    }
    count
}

/// Every order of `ws` (the writes of one location); with `prune`, only
/// those that keep the writes of each thread in program order.
fn orders_of(sk: &Skeleton, ws: &[usize], prune: bool) -> Vec<Vec<usize>> {
    if !prune {
        let mut out = Vec::new();
        permute(&mut ws.to_vec(), 0, &mut out);
        return out;
    }
    fn go(sk: &Skeleton, left: &mut Vec<usize>, acc: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if left.is_empty() {
            out.push(acc.clone());
            return;
        }
        for i in 0..left.len() {
            let w = left[i];
            // Only if no remaining write is po-before w.
            if left.iter().any(|&o| o != w && sk.po.has(o, w)) {
                continue;
            }
            left.remove(i);
            acc.push(w);
            go(sk, left, acc, out);
            acc.pop();
            left.insert(i, w);
        }
    }
    let mut out = Vec::new();
    go(sk, &mut ws.to_vec(), &mut Vec::new(), &mut out);
    out
}

fn permute(items: &mut Vec<usize>, k: usize, out: &mut Vec<Vec<usize>>) {
    if k == items.len() {
        out.push(items.clone());
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permute(items, k + 1, out);
        items.swap(k, i);
    }
}

/// `s` with its reads renumbered from a path's to the skeleton's.
fn shift(s: &Sym, base: usize) -> Sym {
    match s {
        Sym::Const(v) => Sym::Const(*v),
        Sym::Read(i) => Sym::Read(base + i),
        Sym::Un(op, a) => Sym::Un(*op, Box::new(shift(a, base))),
        Sym::Bin(op, a, b) => Sym::Bin(*op, Box::new(shift(a, base)), Box::new(shift(b, base))),
        Sym::Rmw(op, a, b) => Sym::Rmw(*op, Box::new(shift(a, base)), Box::new(shift(b, base))),
    }
}

/// Builds the events and fixed relations of one combination of paths.
fn skeleton<'p>(
    litmus: &Litmus,
    paths: impl Iterator<Item = &'p Path>,
) -> Result<Skeleton, OracleError> {
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
            na: false,
            value: litmus.init[l],
        })
        .collect();
    let mut deps: Vec<(usize, usize, u64, u64, u64)> = Vec::new();
    let mut syms: Vec<Sym> = litmus.init.iter().map(|&v| Sym::Const(v)).collect();
    let mut rmw_pairs = Vec::new();
    let mut finals = Vec::new();
    for (t, p) in paths.enumerate() {
        let base = events.len();
        if base + p.events.len() > MAX_EVENTS {
            return Err(OracleError::TooManyEvents {
                events: base + p.events.len(),
                limit: MAX_EVENTS,
            });
        }
        for (i, e) in p.events.iter().enumerate() {
            events.push(Event {
                thread: Some(t),
                instr: e.instr,
                kind: e.kind,
                access: e.access,
                loc: e.loc,
                mo: e.mo,
                cas: e.cas,
                na: e.na,
                value: e.value.known().unwrap_or(0),
            });
            syms.push(shift(&e.value, base));
            deps.push((base, base + i, e.data, e.addr, e.ctrl));
            if e.rmw_read {
                rmw_pairs.push((base + i, base + i + 1));
            }
        }
        finals.push(p.regs.iter().map(|s| shift(s, base)).collect());
    }
    let n = events.len();
    let mut sk = Skeleton {
        reads: 0,
        writes: 0,
        fences: 0,
        inits: 0,
        po: Rel::empty(n),
        rmw: Rel::empty(n),
        data: Rel::empty(n),
        ctrl: Rel::empty(n),
        addr: Rel::empty(n),
        loc: Rel::empty(n),
        int: Rel::empty(n),
        ext: Rel::empty(n),
        init_of: (0..nlocs).collect(),
        loc_writes: vec![Vec::new(); nlocs],
        finals,
        syms,
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
    }
    for (r, w) in rmw_pairs {
        sk.rmw.add(r, w);
    }
    for (base, ev, data, addr, ctrl) in deps {
        for (mask, rel) in [
            (data, &mut sk.data),
            (addr, &mut sk.addr),
            (ctrl, &mut sk.ctrl),
        ] {
            let mut m = mask;
            while m != 0 {
                let s = m.trailing_zeros() as usize;
                m &= m - 1;
                rel.add(base + s, ev);
            }
        }
    }
    Ok(sk)
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
