//! A parsed litmus test ([`orderhunt_oracle::Litmus`]) as a [`Scenario`]
//! on the actors harness.
//!
//! Each thread's code ([`orderhunt_oracle::Thread::code`]: atomic and
//! plain accesses, `if`/`else`, `while`, C expressions, pointers) is
//! compiled once, at construction, into a short program of [`Op`]s
//! (one per [`Layout`]) over a register file of up to [`REG_FILE`] words: the
//! thread's registers, then temporaries and loop counters. Locations
//! named in the code are already slot indices; an access through a
//! register finds its slot at run time from the address the register
//! holds (location `l` has the oracle's address [`addr_value`]`(l)`, so
//! pointers in final states compare equal to the oracle's states);
//! orderings are already `std::sync::atomic::Ordering`s. Branches are
//! jumps; `&&` and `||` short-circuit; evaluation order is the oracle's.
//! [`Scenario::act`] runs the program, then stores the registers and a
//! status word to the instance's register file for the judge.
//!
//! Two shortcuts keep the interpreter's own instructions out of the
//! window a weak outcome needs:
//!
//! * a thread whose code is a straight line of one to three loads,
//!   stores and fences at named locations (the classic shapes; 58 of the
//!   135 threads of herdtools7's C11 files) runs as a kernel compiled for
//!   that sequence of kinds (`Straight`), with no
//!   dispatch between two accesses; with one or two steps the kernel is
//!   compiled for their orderings too, so each access is the single
//!   instruction its ordering needs. The op loop and the kernels are
//!   checked against each other (`straight_kernels_do_what_the_op_loop_does`);
//! * the register file is the smallest of 8, 16, 32 or `REG_FILE` words
//!   that holds the thread's registers and temporaries, since it is
//!   cleared before every instance.
//!
//! What differs from the test's text ([`notes`], which the report
//! carries):
//!
//! * plain (non-atomic) accesses run as `Relaxed` atomic loads and stores:
//!   the same instructions a compiler emits for plain accesses, without
//!   Rust's undefined behaviour for a racy plain access. Whether the test
//!   has a data race is the oracle's (RC11's) verdict, not the engine's;
//! * a `while` loop runs its body at most [`DEFAULT_UNROLL`] times, as the
//!   oracle unrolls it; an iteration that would go round more often, or
//!   that accesses memory through a value that is no address, is
//!   discarded as the oracle drops such an execution: it counts as
//!   [`DISCARDED`], classed acceptable and shown as such;
//! * a weak compare-and-swap is `compare_exchange_weak`, which may fail
//!   spuriously.
//!
//! Memory, as in the built-in catalog ([`crate::litmus`]): an instance is
//! `LINES` cache lines; with [`Layout::Separate`] each location has a line
//! of its own, with [`Layout::Shared`] the locations are packed into as few
//! lines as they fill; the registers always start on a line after the
//! locations, so recording results never touches a location's line.
//! Values are `i64`s kept as their two's-complement bits in `AtomicU64`s
//! (so fetch-add, -sub, -and, -or, -xor wrap exactly as on `i64`).
//!
//! The observed state of an iteration is every register and every final
//! location value ([`Litmus::observables`] order). A state is a vector,
//! and the harness counts `u64`s, so the scenario interns states: each
//! distinct state gets a code (up to [`MAX_STATES`], then all further new
//! states share [`OVERFLOW`]), and the class of a state is computed once,
//! by the caller's classifier, when it is first seen. The interner sits
//! behind a mutex taken once per batch by [`Scenario::judge`].
//!
//! C11 orderings map one to one to Rust's, except where C11 gives a
//! combination no meaning and Rust rejects it (panics). Those are mapped
//! to the next *stronger* valid ordering, so that the interpreter never
//! runs weaker code than the test says (a stronger ordering can hide a
//! weak outcome, never produce a forbidden one):
//!
//! * a load with `release` or `acq_rel` runs as `Acquire`;
//! * a store with `acquire` or `acq_rel` runs as `Release`;
//! * a compare-exchange failure order `release` runs as `Relaxed` (the
//!   release part of a failed compare-exchange, which writes nothing, is
//!   void, so this is exact), `acq_rel` as `Acquire` (likewise exact);
//! * a `relaxed` fence is no operation (C11: it has no effect; Rust
//!   panics on it).

use crate::litmus::{DEFAULT_BATCH, DEFAULT_FLAG_GROUP, DEFAULT_ITERATIONS};
use orderhunt_core::scenario::{
    Expectation, Info, Layout, Observed, OutcomeClass, Params, Scenario, Tally,
};
use orderhunt_core::sync::{fence, AtomicU64, Ordering};
use orderhunt_oracle::exec::DEFAULT_UNROLL;
use orderhunt_oracle::{
    addr_value, BinOp, Expected, Expr, Litmus, MemOrder, RmwOp, Stmt, UnOp, Value, ADDR_BASE,
};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

/// `u64` words in a 64-byte cache line.
#[cfg(not(loom))]
pub const LINE_WORDS: usize = 8;
/// Under loom the layout is meaningless; keep the model small.
#[cfg(loom)]
pub const LINE_WORDS: usize = 1;

/// Registers one thread may have.
pub const MAX_THREAD_REGS: usize = 32;
/// The most cache lines an instance may need (see [`lines_needed`]).
pub const MAX_LINES: usize = 64;
/// Distinct final states the interner names; later new ones share
/// [`OVERFLOW`].
pub const MAX_STATES: usize = 4096;
/// The code of every state seen after [`MAX_STATES`] distinct ones.
pub const OVERFLOW: u64 = u64::MAX;
/// The code of an iteration the oracle would not count: a `while` loop
/// went round more often than the oracle unrolls it, or an access went
/// through a value that is no location's address. Classed `acceptable`,
/// left out of litmus7's histogram.
pub const DISCARDED: u64 = u64::MAX - 1;
/// How [`DISCARDED`] is shown.
pub const DISCARDED_TEXT: &str =
    "(discarded: past the loop unrolling bound, or an access through a non-address)";

/// Where a value comes from: a constant or a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Src {
    Const(u64),
    Reg(u8),
}

/// Where an access goes: a location known when compiling (its slot), or
/// the address a register holds at run time (see [`addr_value`]; a value
/// that is no location's address discards the iteration, as the oracle
/// drops such an execution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Addr {
    Slot(u16),
    Reg(u8),
}

/// Where a compare-and-swap's expected value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exp {
    Reg(u8),
    /// A location, read and (on failure) written as a plain access (a
    /// relaxed atomic here).
    Mem(Addr),
}

/// One compiled instruction. Register indices are < [`REG_FILE`]: the
/// thread's registers first, then temporaries, loop counters and the
/// scratch register that discarded results go to; slots index the
/// instance's words; jump targets index the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Set {
        dst: u8,
        src: Src,
    },
    Un {
        dst: u8,
        op: UnOp,
        a: Src,
    },
    Bin {
        dst: u8,
        op: BinOp,
        a: Src,
        b: Src,
    },
    Load {
        dst: u8,
        addr: Addr,
        ord: Ordering,
    },
    Store {
        addr: Addr,
        src: Src,
        ord: Ordering,
    },
    Rmw {
        dst: u8,
        addr: Addr,
        op: RmwOp,
        src: Src,
        ord: Ordering,
    },
    Cas {
        dst: u8,
        addr: Addr,
        expected: Exp,
        desired: Src,
        success: Ordering,
        failure: Ordering,
        weak: bool,
    },
    AddUnless {
        dst: u8,
        addr: Addr,
        add: Src,
        unless: Src,
        ord: Ordering,
        fail: Ordering,
    },
    Fence(Ordering),
    Jump(u16),
    /// Jumps when the value is 0 (`nonzero: false`) or when it is not.
    Branch {
        cond: Src,
        nonzero: bool,
        target: u16,
    },
    /// A `while` loop's test came out true: discard the iteration if the
    /// body already ran `bound` times (the oracle's unrolling), else count
    /// one more run.
    Count {
        reg: u8,
        bound: u8,
    },
    /// The code does something the oracle drops (an access through a
    /// constant that is no address).
    Discard,
}

/// Registers of the run-time register file: the thread's (at most
/// [`MAX_THREAD_REGS`]), temporaries and loop counters, and the scratch
/// register (the last).
const REG_FILE: usize = 64;
/// The register file sizes a program may get (see [`Program::file`]).
const FILES: [usize; 4] = [8, 16, 32, REG_FILE];

impl Program {
    /// Whether running it can discard an iteration.
    fn may_discard(&self) -> bool {
        self.ops.iter().any(|op| {
            let through_reg = |a: &Addr| matches!(a, Addr::Reg(_));
            match op {
                Op::Count { .. } | Op::Discard => true,
                Op::Load { addr, .. }
                | Op::Store { addr, .. }
                | Op::Rmw { addr, .. }
                | Op::AddUnless { addr, .. } => through_reg(addr),
                Op::Cas { addr, expected, .. } => {
                    through_reg(addr) || matches!(expected, Exp::Mem(Addr::Reg(_)))
                }
                _ => false,
            }
        })
    }
}

/// One thread's compiled program for one layout.
#[derive(Debug, Clone)]
struct Program {
    ops: Box<[Op]>,
    /// Words of its register file: one of [`FILES`], the smallest that
    /// holds its registers, temporaries and (last) its scratch register.
    file: usize,
    /// Registers the thread has (the first `regs` of the register array).
    regs: usize,
    /// Slot of the thread's first register in the register file.
    reg_base: usize,
    /// Slot of the thread's status word (1 when the iteration was
    /// discarded, else 0).
    status: usize,
    /// The slot of each location, for accesses through a register.
    locs: Box<[u16]>,
    /// Whether running it can discard an iteration (else its status word
    /// keeps the template's 0 and `run` does not store it).
    discards: bool,
    /// The same program as a straight line of at most [`STRAIGHT`] steps,
    /// when it is one (see [`straight`]).
    straight: Option<Straight>,
}

/// The most steps a straight-line kernel runs.
const STRAIGHT: usize = 3;
/// Thread registers a straight-line kernel keeps (its register file).
const STRAIGHT_REGS: usize = 4;

/// Kinds of a straight-line step (a const parameter of the kernels).
const K_LOAD: u8 = 0;
const K_STORE: u8 = 1;
const K_STORE_REG: u8 = 2;
const K_FENCE: u8 = 3;

/// Kinds with their ordering, for kernels of up to [`FIXED`] steps: the
/// kind above times 3, plus the ordering's index (loads: Relaxed, Acquire,
/// SeqCst; stores: Relaxed, Release, SeqCst; fences: Acquire, Release,
/// AcqRel, SeqCst, so fences take 9..=12).
const FIXED: usize = 2;

/// The kind and ordering a kind-and-ordering code stands for (see
/// [`FIXED`]); the inverse of [`fixed_code`].
const fn fixed_decode(code: u8) -> (u8, Ordering) {
    use Ordering::{AcqRel, Acquire, Relaxed, Release, SeqCst};
    // Each arm names the ordering a code stands for; `fixed_step` runs
    // the step with it, and `fixed_code` is the inverse.
    if code >= K_FENCE * 3 {
        let ord = match code - K_FENCE * 3 {
            // Acquire: code 9, an acquire fence.
            0 => Acquire,
            // Release: code 10, a release fence.
            1 => Release,
            // AcqRel: code 11, an acq_rel fence.
            2 => AcqRel,
            // SeqCst: code 12, a seq_cst fence.
            _ => SeqCst,
        };
        return (K_FENCE, ord);
    }
    let kind = code / 3;
    let ord = match code % 3 {
        // Relaxed: a relaxed load or store.
        0 => Relaxed,
        // Acquire: an acquire load (a store's second code is Release).
        1 if kind == K_LOAD => Acquire,
        // Release: a release store.
        1 => Release,
        // SeqCst: a seq_cst load or store.
        _ => SeqCst,
    };
    (kind, ord)
}

/// The kind-and-ordering code of a step (see [`FIXED`]).
fn fixed_code(kind: u8, ord: Ordering) -> u8 {
    // The inverse of `fixed_decode`: orderings as names to compare with,
    // not accesses.
    let i = match (kind, ord) {
        // Acquire: an acquire fence's code, 9.
        (K_FENCE, Ordering::Acquire) => 0,
        // Release: a release fence's code, 10.
        (K_FENCE, Ordering::Release) => 1,
        // AcqRel: an acq_rel fence's code, 11.
        (K_FENCE, Ordering::AcqRel) => 2,
        (K_FENCE, _) => 3,
        // Relaxed: a relaxed access, the kind's first code.
        (_, Ordering::Relaxed) => 0,
        // SeqCst: a seq_cst access, the kind's third code.
        (_, Ordering::SeqCst) => 2,
        _ => 1,
    };
    kind * 3 + i
}

/// One step of a straight-line program; which fields count depends on its
/// kind, which the kernel knows (see [`Straight`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step {
    /// The word accessed (0 for a fence).
    slot: u16,
    /// The register a load writes or a register store reads.
    reg: u8,
    /// The value a constant store writes.
    value: u64,
    ord: Ordering,
}

/// A kernel runs `Program`'s straight line (`Straight`, the program's
/// own, passed so that it is not looked up again) on an instance's words.
type Kernel = fn(&Program, &Straight, &[AtomicU64]);

/// A thread whose code is one to [`STRAIGHT`] loads, stores and fences at
/// locations known when compiling, into and from its first
/// [`STRAIGHT_REGS`] registers (the classic shapes' threads): it runs as a
/// kernel compiled for its sequence of step kinds, with no dispatch between
/// the steps. The op loop puts a few instructions of its own between two
/// accesses, and that widens the window a weak outcome needs to close: in
/// store buffering the load must run while the store still waits in the
/// store buffer.
#[derive(Debug, Clone, Copy)]
struct Straight {
    steps: [Step; STRAIGHT],
    kernel: Kernel,
}

/// Index of a layout in per-layout tables.
fn layout_index(layout: Layout) -> usize {
    match layout {
        Layout::Separate => 0,
        Layout::Shared => 1,
    }
}

const LAYOUTS: [Layout; 2] = [Layout::Separate, Layout::Shared];

/// Where a test's words sit in an instance, for one layout.
struct Slots {
    /// Slot of each location.
    locs: Vec<usize>,
    /// Slot of the first register (of thread 0); threads follow in order,
    /// then one status word per thread.
    reg_base: usize,
    /// Lines used in all.
    lines: usize,
}

fn slots(litmus: &Litmus, layout: Layout) -> Slots {
    let n = litmus.locations.len();
    let (locs, loc_lines): (Vec<usize>, usize) = match layout {
        Layout::Separate => ((0..n).map(|l| l * LINE_WORDS).collect(), n),
        Layout::Shared => ((0..n).collect(), n.div_ceil(LINE_WORDS)),
    };
    let regs: usize = litmus.threads.iter().map(|t| t.regs.len()).sum();
    Slots {
        locs,
        reg_base: loc_lines * LINE_WORDS,
        lines: loc_lines + (regs + litmus.threads.len()).div_ceil(LINE_WORDS),
    }
}

/// Cache lines an instance of `litmus` needs in the roomier layout.
pub fn lines_needed(litmus: &Litmus) -> usize {
    LAYOUTS
        .iter()
        .map(|&l| slots(litmus, l).lines)
        .max()
        .unwrap_or(0)
        .max(1)
}

/// What the engine does differently from the test's text, one line each,
/// for the report: plain accesses run as relaxed atomics, loops are
/// bounded as the oracle unrolls them, weak CAS may fail spuriously.
pub fn notes(litmus: &Litmus) -> Vec<String> {
    let mut plain = false;
    let mut loops = false;
    let mut weak = false;
    fn expr(e: &Expr, plain: &mut bool, weak: &mut bool) {
        match e {
            Expr::Const(_) | Expr::Reg(_) | Expr::Addr(_) => {}
            Expr::Un(_, a) => expr(a, plain, weak),
            Expr::Bin(_, a, b) => {
                expr(a, plain, weak);
                expr(b, plain, weak);
            }
            Expr::Load { addr, mo } => {
                *plain |= mo.is_none();
                expr(addr, plain, weak);
            }
            Expr::Rmw { addr, operand, .. } => {
                expr(addr, plain, weak);
                expr(operand, plain, weak);
            }
            Expr::AddUnless {
                addr, add, unless, ..
            } => {
                expr(addr, plain, weak);
                expr(add, plain, weak);
                expr(unless, plain, weak);
            }
            Expr::Cas {
                addr,
                expected,
                desired,
                weak: w,
                ..
            } => {
                *weak |= *w;
                if let Expected::Mem(e) = expected {
                    *plain = true;
                    expr(e, plain, weak);
                }
                expr(addr, plain, weak);
                expr(desired, plain, weak);
            }
        }
    }
    fn block(code: &[Stmt], plain: &mut bool, loops: &mut bool, weak: &mut bool) {
        for s in code {
            match s {
                Stmt::Assign { value: e, .. } | Stmt::Eval(e) => expr(e, plain, weak),
                Stmt::Store { addr, value, mo } => {
                    *plain |= mo.is_none();
                    expr(addr, plain, weak);
                    expr(value, plain, weak);
                }
                Stmt::Fence(_) => {}
                Stmt::If { cond, then, els } => {
                    expr(cond, plain, weak);
                    block(then, plain, loops, weak);
                    block(els, plain, loops, weak);
                }
                Stmt::While { cond, body } => {
                    *loops = true;
                    expr(cond, plain, weak);
                    block(body, plain, loops, weak);
                }
            }
        }
    }
    for t in &litmus.threads {
        block(&t.code(), &mut plain, &mut loops, &mut weak);
    }
    let mut out = Vec::new();
    if plain {
        out.push(
            "plain (non-atomic) accesses ran as Relaxed atomic loads and stores (the same \
             MOV/LDR/STR as compiled plain accesses, without the undefined behaviour of a racy \
             plain access in Rust); the states are judged against RC11's for the test as written"
                .to_string(),
        );
    }
    if loops {
        out.push(format!(
            "while loops ran at most {DEFAULT_UNROLL} times, as the oracle unrolls them (herd7's \
             -unroll); an iteration that would go round more often is discarded, not judged \
             (outcome \"{DISCARDED_TEXT}\")"
        ));
    }
    if weak {
        out.push(
            "weak compare-and-swaps ran as compare_exchange_weak, which may fail spuriously (as \
             the oracle's weak CAS)"
                .to_string(),
        );
    }
    out
}

/// The Rust ordering of a load with C11 order `mo` (see the module doc);
/// `None` (a plain access) runs as `Relaxed`.
fn load_order(mo: MemOrder) -> Ordering {
    match mo {
        // Relaxed: the test file asks for a relaxed load.
        MemOrder::Relaxed => Ordering::Relaxed,
        // Acquire: the test's acquire (or consume, read as acquire), and
        // the stronger valid stand-in for release and acq_rel, which C11
        // does not define on a load.
        MemOrder::Acquire | MemOrder::Release | MemOrder::AcqRel => Ordering::Acquire,
        // SeqCst: the test file asks for a seq_cst load.
        MemOrder::SeqCst => Ordering::SeqCst,
    }
}

/// The Rust ordering of a store with C11 order `mo` (see the module doc).
fn store_order(mo: MemOrder) -> Ordering {
    match mo {
        // Relaxed: the test file asks for a relaxed store.
        MemOrder::Relaxed => Ordering::Relaxed,
        // Release: the test's release, and the stronger valid stand-in
        // for acquire and acq_rel, which C11 does not define on a store.
        MemOrder::Release | MemOrder::Acquire | MemOrder::AcqRel => Ordering::Release,
        // SeqCst: the test file asks for a seq_cst store.
        MemOrder::SeqCst => Ordering::SeqCst,
    }
}

/// The Rust ordering of an RMW, or a fence, with C11 order `mo`: all five
/// are valid there. `None` for a relaxed fence, which is no operation.
fn rmw_order(mo: MemOrder) -> Ordering {
    match mo {
        // Relaxed: the test file asks for it.
        MemOrder::Relaxed => Ordering::Relaxed,
        // Acquire: the test file asks for it.
        MemOrder::Acquire => Ordering::Acquire,
        // Release: the test file asks for it.
        MemOrder::Release => Ordering::Release,
        // AcqRel: the test file asks for it.
        MemOrder::AcqRel => Ordering::AcqRel,
        // SeqCst: the test file asks for it.
        MemOrder::SeqCst => Ordering::SeqCst,
    }
}

/// The failure ordering of a compare-exchange: that of the load it is.
/// Release and acq_rel lose their release half, which a failed
/// compare-exchange (it writes nothing) cannot have: exact, not weaker.
fn cas_failure_order(mo: MemOrder) -> Ordering {
    match mo {
        // Relaxed: the test's relaxed failure order, or its release one,
        // whose release half is void on a failed (writeless) exchange.
        MemOrder::Relaxed | MemOrder::Release => Ordering::Relaxed,
        // Acquire: the test's acquire failure order, or acq_rel's acquire
        // half (its release half is void, as above).
        MemOrder::Acquire | MemOrder::AcqRel => Ordering::Acquire,
        // SeqCst: the test file asks for it.
        MemOrder::SeqCst => Ordering::SeqCst,
    }
}

/// The slot of the location whose address is `v`, if `v` is one.
#[inline]
fn slot_of_value(v: u64, locs: &[u16]) -> Option<usize> {
    let l = (v as Value).wrapping_sub(ADDR_BASE);
    if (0..locs.len() as Value).contains(&l) {
        Some(locs[l as usize] as usize)
    } else {
        None
    }
}

/// Compiles one thread's statements ([`orderhunt_oracle::Thread::code`])
/// to [`Op`]s, evaluating in the oracle's order (a store's value before
/// its address, an RMW's operand before its address, left operands before
/// right ones, `&&`/`||` short-circuit).
struct Compiler<'a> {
    thread: &'a str,
    nregs: usize,
    locs: &'a [u16],
    ops: Vec<Op>,
    /// Next free temporary; temporaries below `base` are live loop
    /// counters.
    next: usize,
    base: usize,
    /// The register discarded results go to: the last of the file.
    scratch: u8,
    /// Registers used so far (thread registers and temporaries), below
    /// `scratch`.
    high: usize,
}

impl Compiler<'_> {
    fn temp(&mut self) -> Result<u8, String> {
        if self.next >= self.scratch as usize {
            return Err(format!(
                "thread {}: its expressions and loops need more than {} registers",
                self.thread,
                REG_FILE - 1
            ));
        }
        self.next += 1;
        self.high = self.high.max(self.next);
        Ok((self.next - 1) as u8)
    }

    fn reg(&self, r: usize) -> Result<u8, String> {
        if r < self.nregs {
            Ok(r as u8)
        } else {
            Err(format!(
                "thread {}: register {r} is not declared",
                self.thread
            ))
        }
    }

    fn here(&self) -> Result<u16, String> {
        u16::try_from(self.ops.len())
            .map_err(|_| format!("thread {}: the compiled program is too long", self.thread))
    }

    fn patch(&mut self, at: usize) -> Result<(), String> {
        let to = self.here()?;
        match &mut self.ops[at] {
            Op::Jump(t) | Op::Branch { target: t, .. } => *t = to,
            _ => unreachable!("patching a jump"),
        }
        Ok(())
    }

    /// The access an address expression names.
    fn addr(&mut self, e: &Expr) -> Result<Addr, String> {
        match self.expr(e)? {
            Src::Const(v) => match slot_of_value(v, self.locs) {
                Some(s) => Ok(Addr::Slot(s as u16)),
                None => {
                    // No location has this address: the oracle drops the
                    // path; so does the engine, when it gets here.
                    self.ops.push(Op::Discard);
                    Ok(Addr::Slot(0))
                }
            },
            Src::Reg(r) => Ok(Addr::Reg(r)),
        }
    }

    /// Compiles `e`, giving where its value is (a constant, a thread
    /// register, or a temporary).
    fn expr(&mut self, e: &Expr) -> Result<Src, String> {
        Ok(match e {
            Expr::Const(v) => Src::Const(*v as u64),
            Expr::Reg(r) => Src::Reg(self.reg(*r)?),
            Expr::Addr(l) => {
                if *l >= self.locs.len() {
                    return Err(format!(
                        "thread {}: location {l} does not exist",
                        self.thread
                    ));
                }
                Src::Const(addr_value(*l) as u64)
            }
            Expr::Bin(op @ (BinOp::LAnd | BinOp::LOr), a, b) => {
                let sa = self.expr(a)?;
                if let Src::Const(v) = sa {
                    let short = (v != 0) == (*op == BinOp::LOr);
                    if short {
                        return Ok(Src::Const((v != 0) as u64));
                    }
                    let sb = self.expr(b)?;
                    return self.bin(BinOp::Ne, sb, Src::Const(0));
                }
                let t = self.temp()?;
                self.ops.push(Op::Bin {
                    dst: t,
                    op: BinOp::Ne,
                    a: sa,
                    b: Src::Const(0),
                });
                let jump = self.ops.len();
                self.ops.push(Op::Branch {
                    cond: Src::Reg(t),
                    nonzero: *op == BinOp::LOr,
                    target: 0,
                });
                let sb = self.expr(b)?;
                self.ops.push(Op::Bin {
                    dst: t,
                    op: BinOp::Ne,
                    a: sb,
                    b: Src::Const(0),
                });
                self.patch(jump)?;
                Src::Reg(t)
            }
            Expr::Un(op, a) => match self.expr(a)? {
                Src::Const(v) => Src::Const(op.apply(v as Value) as u64),
                sa => {
                    let t = self.temp()?;
                    self.ops.push(Op::Un {
                        dst: t,
                        op: *op,
                        a: sa,
                    });
                    Src::Reg(t)
                }
            },
            Expr::Bin(op, a, b) => {
                let mut sa = self.expr(a)?;
                if matches!(sa, Src::Reg(r) if (r as usize) < self.nregs) && writes_regs(b) {
                    // `b` may change the register `a` read (a CAS's
                    // expected register): keep `a`'s value as it was.
                    let t = self.temp()?;
                    self.ops.push(Op::Set { dst: t, src: sa });
                    sa = Src::Reg(t);
                }
                let sb = self.expr(b)?;
                self.bin(*op, sa, sb)?
            }
            _ => {
                let t = self.temp()?;
                self.expr_into(e, t)?;
                Src::Reg(t)
            }
        })
    }

    fn bin(&mut self, op: BinOp, a: Src, b: Src) -> Result<Src, String> {
        Ok(match (a, b) {
            (Src::Const(x), Src::Const(y)) => Src::Const(op.apply(x as Value, y as Value) as u64),
            _ => {
                let t = self.temp()?;
                self.ops.push(Op::Bin { dst: t, op, a, b });
                Src::Reg(t)
            }
        })
    }

    /// Compiles `e` so that its value ends in register `dst`.
    fn expr_into(&mut self, e: &Expr, dst: u8) -> Result<(), String> {
        match e {
            Expr::Load { addr, mo } => {
                let addr = self.addr(addr)?;
                self.ops.push(Op::Load {
                    dst,
                    addr,
                    // Relaxed: a plain read runs as a relaxed load (module doc).
                    ord: mo.map_or(Ordering::Relaxed, load_order),
                });
            }
            Expr::Rmw {
                addr,
                op,
                operand,
                mo,
            } => {
                let src = self.expr(operand)?;
                let addr = self.addr(addr)?;
                self.ops.push(Op::Rmw {
                    dst,
                    addr,
                    op: *op,
                    src,
                    ord: rmw_order(*mo),
                });
            }
            Expr::AddUnless {
                addr,
                add,
                unless,
                mo,
            } => {
                let add = self.expr(add)?;
                let unless = self.expr(unless)?;
                let addr = self.addr(addr)?;
                self.ops.push(Op::AddUnless {
                    dst,
                    addr,
                    add,
                    unless,
                    ord: rmw_order(*mo),
                    fail: cas_failure_order(*mo),
                });
            }
            Expr::Cas {
                addr,
                expected,
                desired,
                success,
                failure,
                weak,
            } => {
                let addr = self.addr(addr)?;
                let expected = match expected {
                    Expected::Reg(r) => Exp::Reg(self.reg(*r)?),
                    Expected::Mem(e) => Exp::Mem(self.addr(e)?),
                };
                let desired = self.expr(desired)?;
                self.ops.push(Op::Cas {
                    dst,
                    addr,
                    expected,
                    desired,
                    success: rmw_order(*success),
                    failure: cas_failure_order(*failure),
                    weak: *weak,
                });
            }
            _ => {
                let src = self.expr(e)?;
                self.ops.push(Op::Set { dst, src });
            }
        }
        Ok(())
    }

    fn block(&mut self, code: &[Stmt]) -> Result<(), String> {
        for s in code {
            self.next = self.base;
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), String> {
        match s {
            Stmt::Assign { dst, value } => {
                let dst = self.reg(*dst)?;
                if matches!(value, Expr::Bin(BinOp::LAnd | BinOp::LOr, ..)) {
                    // The short-circuit form writes its result twice:
                    // through a temporary, so that the right side reads
                    // `dst` as it was.
                    let src = self.expr(value)?;
                    self.ops.push(Op::Set { dst, src });
                } else {
                    self.expr_into(value, dst)?;
                }
            }
            Stmt::Eval(e) => match e {
                Expr::Load { .. }
                | Expr::Rmw { .. }
                | Expr::Cas { .. }
                | Expr::AddUnless { .. } => self.expr_into(e, self.scratch)?,
                _ => {
                    self.expr(e)?;
                }
            },
            Stmt::Store { addr, value, mo } => {
                let src = self.expr(value)?;
                let addr = self.addr(addr)?;
                self.ops.push(Op::Store {
                    addr,
                    src,
                    // Relaxed: a plain write runs as a relaxed store (module doc).
                    ord: mo.map_or(Ordering::Relaxed, store_order),
                });
            }
            Stmt::Fence(mo) => {
                if *mo != MemOrder::Relaxed {
                    self.ops.push(Op::Fence(rmw_order(*mo)));
                }
            }
            Stmt::If { cond, then, els } => {
                let c = self.expr(cond)?;
                match c {
                    Src::Const(v) => {
                        let base = self.base;
                        self.block(if v != 0 { then } else { els })?;
                        self.base = base;
                    }
                    c => {
                        let to_else = self.ops.len();
                        self.ops.push(Op::Branch {
                            cond: c,
                            nonzero: false,
                            target: 0,
                        });
                        self.block(then)?;
                        if els.is_empty() {
                            self.patch(to_else)?;
                        } else {
                            let to_end = self.ops.len();
                            self.ops.push(Op::Jump(0));
                            self.patch(to_else)?;
                            self.block(els)?;
                            self.patch(to_end)?;
                        }
                    }
                }
            }
            Stmt::While { cond, body } => {
                let counter = self.temp()?;
                let outer = self.base;
                self.base = self.next;
                self.ops.push(Op::Set {
                    dst: counter,
                    src: Src::Const(0),
                });
                let top = self.here()?;
                self.next = self.base;
                let c = self.expr(cond)?;
                let exit = self.ops.len();
                self.ops.push(Op::Branch {
                    cond: c,
                    nonzero: false,
                    target: 0,
                });
                self.ops.push(Op::Count {
                    reg: counter,
                    bound: DEFAULT_UNROLL as u8,
                });
                self.block(body)?;
                self.ops.push(Op::Jump(top));
                self.patch(exit)?;
                self.base = outer;
            }
        }
        Ok(())
    }
}

/// Whether evaluating `e` may write a thread register (a CAS whose
/// expected value is in a register writes it when it fails).
fn writes_regs(e: &Expr) -> bool {
    match e {
        Expr::Const(_) | Expr::Reg(_) | Expr::Addr(_) => false,
        Expr::Un(_, a) | Expr::Load { addr: a, .. } => writes_regs(a),
        Expr::Bin(_, a, b) => writes_regs(a) || writes_regs(b),
        Expr::Rmw { addr, operand, .. } => writes_regs(addr) || writes_regs(operand),
        Expr::AddUnless {
            addr, add, unless, ..
        } => writes_regs(addr) || writes_regs(add) || writes_regs(unless),
        Expr::Cas {
            addr,
            expected,
            desired,
            ..
        } => {
            writes_regs(addr)
                || writes_regs(desired)
                || match expected {
                    Expected::Reg(_) => true,
                    Expected::Mem(e) => writes_regs(e),
                }
        }
    }
}

fn compile_thread(
    litmus: &Litmus,
    thread: usize,
    slots: &Slots,
    reg_base: usize,
    status: usize,
) -> Result<Program, String> {
    let th = &litmus.threads[thread];
    if th.regs.len() > MAX_THREAD_REGS {
        return Err(format!(
            "thread {} has {} registers; at most {MAX_THREAD_REGS} are supported",
            th.name,
            th.regs.len()
        ));
    }
    let locs: Box<[u16]> = slots.locs.iter().map(|&s| s as u16).collect();
    let code = th.code();
    let compile = |file: usize| -> Result<Compiler<'_>, String> {
        let mut c = Compiler {
            thread: &th.name,
            nregs: th.regs.len(),
            locs: &locs,
            ops: Vec::new(),
            next: th.regs.len(),
            base: th.regs.len(),
            scratch: (file - 1) as u8,
            high: th.regs.len(),
        };
        c.block(&code)?;
        Ok(c)
    };
    // The smallest register file that holds the thread's registers, its
    // temporaries and the scratch register: `run` clears it before every
    // instance, so a short test should not pay for 64 words.
    let widest = compile(REG_FILE)?;
    let file = FILES
        .into_iter()
        .find(|&f| widest.high < f)
        .unwrap_or(REG_FILE);
    let c = if file == REG_FILE {
        widest
    } else {
        compile(file)?
    };
    let mut prog = Program {
        straight: straight(&c.ops, th.regs.len()),
        ops: c.ops.into_boxed_slice(),
        file,
        regs: th.regs.len(),
        reg_base,
        status,
        locs,
        discards: false,
    };
    prog.discards = prog.may_discard();
    Ok(prog)
}

/// One iteration's memory: `LINES` cache lines of `AtomicU64` words.
#[repr(C, align(64))]
pub struct Memory<const LINES: usize> {
    lines: [[AtomicU64; LINE_WORDS]; LINES],
}

impl<const LINES: usize> Memory<LINES> {
    #[inline]
    fn words(&self) -> &[AtomicU64] {
        self.lines.as_flattened()
    }
}

/// A classifier of full final states (`Litmus::observables` order).
pub type Classifier = Box<dyn Fn(&[Value]) -> OutcomeClass + Send + Sync>;

/// A fast hasher for the interner's short integer vectors (the multiply-
/// rotate step of rustc's FxHash): judging hashes one state per iteration,
/// and SipHash's resistance to crafted keys buys nothing here.
#[derive(Default)]
struct StateHasher(u64);

impl Hasher for StateHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Distinct final states and their codes and classes.
#[derive(Default)]
struct Interner {
    codes: HashMap<Box<[Value]>, u64, BuildHasherDefault<StateHasher>>,
    states: Vec<(Box<[Value]>, OutcomeClass)>,
}

impl Interner {
    /// The code and class of `state`, interning it if new.
    #[inline]
    fn intern(&mut self, state: &[Value], classify: &Classifier) -> (u64, OutcomeClass) {
        if let Some(&code) = self.codes.get(state) {
            return (code, self.states[code as usize].1);
        }
        let class = classify(state);
        if self.states.len() >= MAX_STATES {
            return (OVERFLOW, class);
        }
        let code = self.states.len() as u64;
        self.codes.insert(state.into(), code);
        self.states.push((state.into(), class));
        (code, class)
    }
}

/// A litmus test read from a file, run by the interpreter. `LINES` is the
/// instance size in cache lines, at least [`lines_needed`]; [`leak_dyn`]
/// picks it.
pub struct LitmusScenario<const LINES: usize> {
    info: &'static Info,
    litmus: Litmus,
    /// `programs[layout_index][thread]`.
    programs: [Vec<Program>; 2],
    /// `observe_slots[layout_index]`: the slot of every observable.
    observe_slots: [Vec<usize>; 2],
    /// `status_slots[layout_index]`: each thread's status word.
    status_slots: [Vec<usize>; 2],
    /// Whether some program can discard an iteration (else the status
    /// words are not read).
    may_discard: bool,
    /// Initial words of an instance, per layout.
    templates: [Vec<u64>; 2],
    classify: Classifier,
    interner: Mutex<Interner>,
}

impl<const LINES: usize> LitmusScenario<LINES> {
    /// Compiles `litmus` for the interpreter. `name` is the scenario's
    /// name (e.g. the file name), `expectation` and `classify` come from
    /// the caller (the oracle's verdicts). Leaks a small [`Info`]: a
    /// scenario lives for the process.
    pub fn new(
        name: &str,
        litmus: Litmus,
        expectation: Expectation,
        classify: Classifier,
    ) -> Result<Self, String> {
        if litmus.threads.is_empty() {
            return Err("a litmus test needs at least one thread".into());
        }
        if litmus.init.len() != litmus.locations.len() {
            return Err("every location needs an initial value".into());
        }
        let need = lines_needed(&litmus);
        if need > LINES {
            return Err(format!(
                "the test needs {need} cache lines per instance; this build holds {LINES}"
            ));
        }
        let mut programs: [Vec<Program>; 2] = Default::default();
        let mut observe_slots: [Vec<usize>; 2] = Default::default();
        let mut status_slots: [Vec<usize>; 2] = Default::default();
        let mut templates: [Vec<u64>; 2] = Default::default();
        for layout in LAYOUTS {
            let li = layout_index(layout);
            let s = slots(&litmus, layout);
            let regs: usize = litmus.threads.iter().map(|t| t.regs.len()).sum();
            let status_base = s.reg_base + regs;
            let mut base = s.reg_base;
            for t in 0..litmus.threads.len() {
                programs[li].push(compile_thread(&litmus, t, &s, base, status_base + t)?);
                base += litmus.threads[t].regs.len();
            }
            observe_slots[li] = (s.reg_base..base).chain(s.locs.iter().copied()).collect();
            status_slots[li] = (status_base..status_base + litmus.threads.len()).collect();
            let mut words = vec![0u64; LINES * LINE_WORDS];
            for (l, &slot) in s.locs.iter().enumerate() {
                words[slot] = litmus.init[l] as u64;
            }
            templates[li] = words;
        }
        let summary = match &litmus.comment {
            Some(c) => format!("{} (from a litmus file): {c}", litmus.name),
            None => format!("{} (from a litmus file)", litmus.name),
        };
        let info: &'static Info = Box::leak(Box::new(Info {
            name: Box::leak(name.to_string().into_boxed_str()),
            family: "litmus-file",
            expectation,
            article: None,
            summary: Box::leak(summary.into_boxed_str()),
            actors: litmus.threads.len(),
            spawn_first: 0,
            default_iterations: DEFAULT_ITERATIONS,
            default_batch: DEFAULT_BATCH,
            default_flag_group: DEFAULT_FLAG_GROUP,
            uses_increments: false,
            default_memory: orderhunt_core::harness::MemoryMode::Reuse,
        }));
        let may_discard = programs[0].iter().any(Program::may_discard);
        Ok(LitmusScenario {
            info,
            litmus,
            programs,
            observe_slots,
            status_slots,
            may_discard,
            templates,
            classify,
            interner: Mutex::new(Interner::default()),
        })
    }

    /// Leaks the scenario, as the harness's runners need `&'static`.
    pub fn leak(self) -> &'static Self {
        Box::leak(Box::new(self))
    }

    /// The test this scenario runs.
    pub fn litmus(&self) -> &Litmus {
        &self.litmus
    }

    /// The full final state (`Litmus::observables` order) that `code`
    /// names, if it names one (not [`OVERFLOW`], and seen by this
    /// scenario).
    pub fn state(&self, code: u64) -> Option<Vec<Value>> {
        let interner = self.interner.lock().unwrap_or_else(|e| e.into_inner());
        interner
            .states
            .get(usize::try_from(code).ok()?)
            .map(|(s, _)| s.to_vec())
    }

    /// Reads the full final state of a finished instance into `buf`;
    /// false when the iteration was discarded (see [`DISCARDED`]).
    #[inline]
    fn read_state(&self, instance: &Memory<LINES>, layout: Layout, buf: &mut Vec<Value>) -> bool {
        let words = instance.words();
        buf.clear();
        if self.may_discard
            && self.status_slots[layout_index(layout)]
                .iter()
                // Relaxed: as the loads of the state below.
                .any(|&slot| words[slot].load(Ordering::Relaxed) != 0)
        {
            return false;
        }
        for &slot in &self.observe_slots[layout_index(layout)] {
            // Relaxed: the judge runs after the harness's closing barrier
            // (or the spawn harness's join), which orders every actor's
            // accesses, and its register-file stores, before this load; a
            // location's load then reads the last store in its
            // modification order.
            buf.push(words[slot].load(Ordering::Relaxed) as Value);
        }
        true
    }
}

/// The straight-line form of a compiled program, if it has one (see
/// [`Straight`]).
fn straight(ops: &[Op], regs: usize) -> Option<Straight> {
    if ops.is_empty() || ops.len() > STRAIGHT || regs > STRAIGHT_REGS {
        return None;
    }
    let none = Step {
        slot: 0,
        reg: 0,
        value: 0,
        // Relaxed: a placeholder for unused steps, never run (each step
        // used below takes the op's own ordering).
        ord: Ordering::Relaxed,
    };
    let mut steps = [none; STRAIGHT];
    let mut kinds = [K_FENCE; STRAIGHT];
    for (i, op) in ops.iter().enumerate() {
        let (kind, step) = match *op {
            Op::Load {
                dst,
                addr: Addr::Slot(slot),
                ord,
            } if (dst as usize) < regs => (
                K_LOAD,
                Step {
                    slot,
                    reg: dst,
                    ord,
                    ..none
                },
            ),
            Op::Store {
                addr: Addr::Slot(slot),
                src: Src::Const(value),
                ord,
            } => (
                K_STORE,
                Step {
                    slot,
                    value,
                    ord,
                    ..none
                },
            ),
            Op::Store {
                addr: Addr::Slot(slot),
                src: Src::Reg(reg),
                ord,
            } if (reg as usize) < regs => (
                K_STORE_REG,
                Step {
                    slot,
                    reg,
                    ord,
                    ..none
                },
            ),
            Op::Fence(ord) => (K_FENCE, Step { ord, ..none }),
            _ => return None,
        };
        steps[i] = step;
        kinds[i] = kind;
    }
    Some(Straight {
        steps,
        kernel: kernel(&steps[..ops.len()], &kinds[..ops.len()]),
    })
}

/// The kernel for a straight line: up to [`FIXED`] steps, one compiled for
/// their kinds and orderings, so that each access is the one instruction
/// its ordering needs; more, one compiled for their kinds that picks each
/// step's ordering as it runs it.
fn kernel(steps: &[Step], kinds: &[u8]) -> Kernel {
    if kinds.len() <= FIXED {
        let codes: Vec<u8> = kinds
            .iter()
            .zip(steps)
            .map(|(&k, s)| fixed_code(k, s.ord))
            .collect();
        return fixed_kernel(&codes);
    }
    // Binds const `$k` to the kind `$v` names, for each kind.
    macro_rules! by_kind {
        ($v:expr, $k:ident => $e:expr) => {
            match $v {
                K_LOAD => {
                    const $k: u8 = K_LOAD;
                    $e
                }
                K_STORE => {
                    const $k: u8 = K_STORE;
                    $e
                }
                K_STORE_REG => {
                    const $k: u8 = K_STORE_REG;
                    $e
                }
                _ => {
                    const $k: u8 = K_FENCE;
                    $e
                }
            }
        };
    }
    match *kinds {
        [a, b, c] => {
            by_kind!(a, A => by_kind!(b, B => by_kind!(c, C => straight3::<A, B, C> as Kernel)))
        }
        _ => unreachable!("a straight line has 1 to {STRAIGHT} steps"),
    }
}

/// The kernel for 1 to [`FIXED`] kind-and-ordering codes.
fn fixed_kernel(codes: &[u8]) -> Kernel {
    // Binds const `$k` to the code `$v`, for each of the 13 codes.
    macro_rules! by_code {
        ($v:expr, $k:ident => $e:expr) => {
            by_code!(@arms $v, $k, $e, 0 1 2 3 4 5 6 7 8 9 10 11 12)
        };
        (@arms $v:expr, $k:ident, $e:expr, $($c:literal)*) => {
            match $v {
                $($c => {
                    const $k: u8 = $c;
                    $e
                })*
                _ => unreachable!("a kind-and-ordering code is below 13"),
            }
        };
    }
    match *codes {
        [a] => by_code!(a, A => fixed1::<A> as Kernel),
        [a, b] => by_code!(a, A => by_code!(b, B => fixed2::<A, B> as Kernel)),
        _ => unreachable!("a fixed kernel has 1 to {FIXED} steps"),
    }
}

/// One step of kind-and-ordering code `C` (see [`FIXED`]) on `word`:
/// [`step`] with the ordering a constant, so that the compiler emits the
/// one instruction it needs and nothing picks it at run time.
#[inline(always)]
fn fixed_step<const C: u8>(step: &Step, word: &AtomicU64, regs: &mut [u64; STRAIGHT_REGS]) {
    let (kind, ord) = const { fixed_decode(C) };
    // Below STRAIGHT_REGS already (see `straight`); the mask only spares
    // a bounds check.
    let reg = step.reg as usize % STRAIGHT_REGS;
    // `ord` (all four): the test file's ordering of the access or fence,
    // mapped at compile time as in the op loop (see `exec`).
    match kind {
        K_LOAD => regs[reg] = word.load(ord),
        K_STORE => word.store(step.value, ord),
        K_STORE_REG => word.store(regs[reg], ord),
        _ => fence(ord),
    }
}

fn fixed1<const A: u8>(prog: &Program, line: &Straight, words: &[AtomicU64]) {
    let w0 = &words[line.steps[0].slot as usize];
    let mut regs = [0u64; STRAIGHT_REGS];
    fixed_step::<A>(&line.steps[0], w0, &mut regs);
    write_back(prog, words, &regs);
}

fn fixed2<const A: u8, const B: u8>(prog: &Program, line: &Straight, words: &[AtomicU64]) {
    let [s0, s1, _] = &line.steps;
    let (w0, w1) = (&words[s0.slot as usize], &words[s1.slot as usize]);
    let mut regs = [0u64; STRAIGHT_REGS];
    fixed_step::<A>(s0, w0, &mut regs);
    fixed_step::<B>(s1, w1, &mut regs);
    write_back(prog, words, &regs);
}

/// One step of kind `K` on `word` (the word of `step.slot`, looked up
/// before the first step so that no bounds check sits between two).
#[inline(always)]
fn step<const K: u8>(step: &Step, word: &AtomicU64, regs: &mut [u64; STRAIGHT_REGS]) {
    // `step.ord` (all four): the test file's ordering of the access or
    // fence, mapped at compile time as in the op loop (see `exec`).
    let reg = step.reg as usize % STRAIGHT_REGS;
    match K {
        K_LOAD => regs[reg] = word.load(step.ord),
        K_STORE => word.store(step.value, step.ord),
        K_STORE_REG => word.store(regs[reg], step.ord),
        _ => fence(step.ord),
    }
}

/// Stores a straight-line kernel's registers to the register file (a
/// straight line never discards, so the status word keeps its 0).
#[inline(always)]
fn write_back(prog: &Program, words: &[AtomicU64], regs: &[u64; STRAIGHT_REGS]) {
    for (word, &r) in words[prog.reg_base..prog.reg_base + prog.regs]
        .iter()
        .zip(regs)
    {
        // Relaxed: as `run_in`'s register stores, after every access of
        // the test, read by the judge after the closing barrier.
        word.store(r, Ordering::Relaxed);
    }
}

fn straight3<const A: u8, const B: u8, const C: u8>(
    prog: &Program,
    line: &Straight,
    words: &[AtomicU64],
) {
    let [s0, s1, s2] = &line.steps;
    let (w0, w1, w2) = (
        &words[s0.slot as usize],
        &words[s1.slot as usize],
        &words[s2.slot as usize],
    );
    let mut regs = [0u64; STRAIGHT_REGS];
    step::<A>(s0, w0, &mut regs);
    step::<B>(s1, w1, &mut regs);
    step::<C>(s2, w2, &mut regs);
    write_back(prog, words, &regs);
}

/// Runs one compiled program on an instance's words, then stores its
/// registers to the register file and its status word (1: the iteration
/// is discarded, as the oracle drops such an execution).
#[inline]
fn run(prog: &Program, words: &[AtomicU64]) {
    if let Some(line) = &prog.straight {
        return (line.kernel)(prog, line, words);
    }
    run_ops(prog, words)
}

/// [`run`] by the op loop, whatever the program.
fn run_ops(prog: &Program, words: &[AtomicU64]) {
    match prog.file {
        8 => run_in::<8>(prog, words),
        16 => run_in::<16>(prog, words),
        32 => run_in::<32>(prog, words),
        _ => run_in::<REG_FILE>(prog, words),
    }
}

/// [`run`] with a register file of `N` words (`prog.file`).
#[inline(always)]
fn run_in<const N: usize>(prog: &Program, words: &[AtomicU64]) {
    let mut regs = [0u64; N];
    let status = exec(prog, words, &mut regs);
    for (i, &r) in regs[..prog.regs].iter().enumerate() {
        // Relaxed: the register file is read only by the judge, after the
        // harness's closing barrier (or join), which orders this store
        // before that read. It comes after every access of the test, so it
        // adds no ordering to them.
        words[prog.reg_base + i].store(r, Ordering::Relaxed);
    }
    if prog.discards {
        // Relaxed: as the registers' stores just above. A program that
        // never discards leaves the template's 0.
        words[prog.status].store(status, Ordering::Relaxed);
    }
}

/// The interpreter's loop: 0 when the program ran to its end, 1 when it
/// was discarded.
#[inline]
fn exec<const N: usize>(prog: &Program, words: &[AtomicU64], regs: &mut [u64; N]) -> u64 {
    #[inline(always)]
    fn val<const N: usize>(regs: &[u64; N], src: Src) -> u64 {
        match src {
            Src::Const(v) => v,
            Src::Reg(r) => regs[r as usize],
        }
    }
    let ops = &prog.ops[..];
    let mut pc = 0usize;
    while let Some(op) = ops.get(pc) {
        pc += 1;
        // The word an access goes to; a value that is no address discards
        // the iteration.
        macro_rules! word {
            ($addr:expr) => {
                match $addr {
                    Addr::Slot(s) => &words[s as usize],
                    Addr::Reg(r) => match slot_of_value(regs[r as usize], &prog.locs) {
                        Some(s) => &words[s],
                        None => return 1,
                    },
                }
            };
        }
        match *op {
            Op::Set { dst, src } => regs[dst as usize] = val(regs, src),
            Op::Un { dst, op, a } => regs[dst as usize] = op.apply(val(regs, a) as Value) as u64,
            Op::Bin { dst, op, a, b } => {
                regs[dst as usize] = op.apply(val(regs, a) as Value, val(regs, b) as Value) as u64
            }
            // `ord` (here and below): the ordering the test file gives this
            // access, mapped to Rust at compile time (`load_order` etc.;
            // a plain access runs as Relaxed; the module doc lists the
            // mappings). Running the test's own orderings is the point of
            // the interpreter.
            Op::Load { dst, addr, ord } => regs[dst as usize] = word!(addr).load(ord),
            Op::Store { addr, src, ord } => {
                let v = val(regs, src);
                // `ord`: the test file's ordering of this store (see above).
                word!(addr).store(v, ord)
            }
            Op::Rmw {
                dst,
                addr,
                op,
                src,
                ord,
            } => {
                let a = word!(addr);
                let v = val(regs, src);
                // `ord`: the test file's ordering of this RMW (see above).
                regs[dst as usize] = match op {
                    RmwOp::Xchg => a.swap(v, ord),
                    RmwOp::Add => a.fetch_add(v, ord),
                    RmwOp::Sub => a.fetch_sub(v, ord),
                    RmwOp::And => a.fetch_and(v, ord),
                    RmwOp::Or => a.fetch_or(v, ord),
                    RmwOp::Xor => a.fetch_xor(v, ord),
                };
            }
            Op::Cas {
                dst,
                addr,
                expected,
                desired,
                success,
                failure,
                weak,
            } => {
                let a = word!(addr);
                let e = match expected {
                    Exp::Reg(r) => regs[r as usize],
                    // Relaxed: the expected value's location is a plain
                    // access in the test (herdtools7's `int*`), which the
                    // engine runs as a relaxed atomic (module doc).
                    Exp::Mem(m) => word!(m).load(Ordering::Relaxed),
                };
                let d = val(regs, desired);
                // `success`/`failure`: the test file's orderings (the
                // failure one made valid, see `cas_failure_order`). The
                // strong form fails only if the value differs, as C's
                // `_strong`; the weak one may also fail spuriously, as
                // C's `_weak` (and the oracle's weak CAS).
                let r = if weak {
                    a.compare_exchange_weak(e, d, success, failure)
                } else {
                    a.compare_exchange(e, d, success, failure)
                };
                match r {
                    Ok(_) => regs[dst as usize] = 1,
                    Err(actual) => {
                        match expected {
                            Exp::Reg(r) => regs[r as usize] = actual,
                            // Relaxed: the plain write-back of a failed
                            // CAS, run as a relaxed atomic (module doc).
                            Exp::Mem(m) => word!(m).store(actual, Ordering::Relaxed),
                        }
                        regs[dst as usize] = 0;
                    }
                }
            }
            Op::AddUnless {
                dst,
                addr,
                add,
                unless,
                ord,
                fail,
            } => {
                let a = word!(addr);
                let (x, u) = (val(regs, add), val(regs, unless));
                // `ord`: the test's order for the RMW that adds; `fail`:
                // the load's order when the value is `unless` and nothing
                // is written (`cas_failure_order` of the same order).
                regs[dst as usize] = a
                    .fetch_update(ord, fail, |old| (old != u).then(|| old.wrapping_add(x)))
                    .is_ok() as u64;
            }
            // `ord`: the test file's fence ordering (relaxed fences were
            // dropped at compile time).
            Op::Fence(ord) => fence(ord),
            Op::Jump(t) => pc = t as usize,
            Op::Branch {
                cond,
                nonzero,
                target,
            } => {
                if (val(regs, cond) != 0) == nonzero {
                    pc = target as usize;
                }
            }
            Op::Count { reg, bound } => {
                if regs[reg as usize] >= bound as u64 {
                    return 1;
                }
                regs[reg as usize] += 1;
            }
            Op::Discard => return 1,
        }
    }
    0
}

impl<const LINES: usize> Scenario for LitmusScenario<LINES> {
    type Instance = Memory<LINES>;

    fn info(&self) -> &'static Info {
        self.info
    }

    fn new_instance(&self, params: &Params) -> Memory<LINES> {
        let t = &self.templates[layout_index(params.layout)];
        Memory {
            lines: std::array::from_fn(|l| {
                std::array::from_fn(|w| AtomicU64::new(t[l * LINE_WORDS + w]))
            }),
        }
    }

    /// Copies the template over the instance's words: the same words
    /// `new_instance` makes, without building an instance and moving it.
    #[cfg(not(loom))]
    fn reset(&self, instance: &mut Memory<LINES>, params: &Params) {
        let t = &self.templates[layout_index(params.layout)];
        for (word, &v) in instance.lines.as_flattened_mut().iter_mut().zip(t) {
            *word.get_mut() = v;
        }
    }

    #[inline]
    fn act(&self, actor: usize, instance: &Memory<LINES>, params: &Params) {
        run(
            &self.programs[layout_index(params.layout)][actor],
            instance.words(),
        );
    }

    fn observe(&self, instance: &Memory<LINES>, params: &Params) -> u64 {
        let mut buf = Vec::new();
        if !self.read_state(instance, params.layout, &mut buf) {
            return DISCARDED;
        }
        let mut interner = self.interner.lock().unwrap_or_else(|e| e.into_inner());
        interner.intern(&buf, &self.classify).0
    }

    /// The class of a state code. [`OVERFLOW`] stands for many states and
    /// has no one class: `Interesting` (the judge, which records each
    /// overflowing state with its own class, does not ask).
    fn classify(&self, observed: u64, _params: &Params) -> OutcomeClass {
        if observed == DISCARDED {
            return OutcomeClass::Acceptable;
        }
        let interner = self.interner.lock().unwrap_or_else(|e| e.into_inner());
        usize::try_from(observed)
            .ok()
            .and_then(|i| interner.states.get(i))
            .map_or(OutcomeClass::Interesting, |(_, c)| *c)
    }

    fn expected(&self, _params: &Params) -> Observed {
        Observed::Text(format!(
            "{} {}",
            self.litmus.condition.quantifier,
            orderhunt_oracle::parse::prop_text(&self.litmus, &self.litmus.condition.prop)
        ))
    }

    /// herd's spelling of the full state: `0:r0=0; 1:r0=1; x=1; y=1;`.
    fn render(&self, observed: u64) -> Observed {
        match self.state(observed) {
            Some(s) => Observed::Text(self.litmus.render_state(&s, &self.litmus.observables())),
            None if observed == DISCARDED => Observed::Text(DISCARDED_TEXT.to_string()),
            None => Observed::Text(format!("(one of the states after the first {MAX_STATES})")),
        }
    }

    fn judge(&self, instances: &[Memory<LINES>], params: &Params, tally: &mut Tally) {
        let width = self.observe_slots[layout_index(params.layout)].len();
        let mut buf = Vec::with_capacity(width);
        let mut rec = tally.recorder();
        // A batch has few distinct states: the first RECENT found, side by
        // side in `seen`, with their codes and classes, are compared by
        // value before the interner hashes anything.
        const RECENT: usize = 8;
        let mut seen: Vec<Value> = Vec::with_capacity(width * RECENT);
        let mut seen_codes: Vec<(u64, OutcomeClass)> = Vec::with_capacity(RECENT);
        for instance in instances {
            if !self.read_state(instance, params.layout, &mut buf) {
                rec.record(DISCARDED, OutcomeClass::Acceptable);
                continue;
            }
            let hit = if width == 0 {
                (!seen_codes.is_empty()).then_some(0)
            } else {
                seen.chunks_exact(width)
                    .position(|s| s.iter().zip(&buf).all(|(a, b)| a == b))
            };
            let (code, class) = match hit {
                Some(k) => seen_codes[k],
                None => {
                    // The lock only for a state not among the recent
                    // ones: two actors judge two halves of a batch at once.
                    let found = self
                        .interner
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .intern(&buf, &self.classify);
                    if seen_codes.len() < RECENT {
                        seen.extend_from_slice(&buf);
                        seen_codes.push(found);
                    }
                    found
                }
            };
            rec.record(code, class);
        }
    }
}

/// What the binary needs of a scenario built from a litmus file beyond
/// [`orderhunt_core::DynScenario`]: the test, and the state behind a code.
pub trait LitmusSource: Sync {
    fn litmus(&self) -> &Litmus;
    /// The full final state (`Litmus::observables` order) behind `code`.
    fn state(&self, code: u64) -> Option<Vec<Value>>;
}

impl<const LINES: usize> LitmusSource for LitmusScenario<LINES> {
    fn litmus(&self) -> &Litmus {
        LitmusScenario::litmus(self)
    }
    fn state(&self, code: u64) -> Option<Vec<Value>> {
        LitmusScenario::state(self, code)
    }
}

/// As [`leak_dyn`], returning the same scenario also as a
/// [`LitmusSource`].
pub fn leak_both(
    name: &str,
    litmus: Litmus,
    expectation: Expectation,
    classify: Classifier,
) -> Result<
    (
        &'static dyn orderhunt_core::DynScenario,
        &'static dyn LitmusSource,
    ),
    String,
> {
    fn both<const L: usize>(
        s: LitmusScenario<L>,
    ) -> (
        &'static dyn orderhunt_core::DynScenario,
        &'static dyn LitmusSource,
    ) {
        let s = s.leak();
        (s, s)
    }
    let need = lines_needed(&litmus);
    Ok(if need <= 3 {
        both(LitmusScenario::<3>::new(
            name,
            litmus,
            expectation,
            classify,
        )?)
    } else if need <= 4 {
        both(LitmusScenario::<4>::new(
            name,
            litmus,
            expectation,
            classify,
        )?)
    } else if need <= 8 {
        both(LitmusScenario::<8>::new(
            name,
            litmus,
            expectation,
            classify,
        )?)
    } else if need <= 16 {
        both(LitmusScenario::<16>::new(
            name,
            litmus,
            expectation,
            classify,
        )?)
    } else {
        both(LitmusScenario::<MAX_LINES>::new(
            name,
            litmus,
            expectation,
            classify,
        )?)
    })
}

/// Builds the scenario with the smallest instance that holds `litmus` and
/// leaks it, for the registry and the binary.
pub fn leak_dyn(
    name: &str,
    litmus: Litmus,
    expectation: Expectation,
    classify: Classifier,
) -> Result<&'static dyn orderhunt_core::DynScenario, String> {
    let need = lines_needed(&litmus);
    Ok(if need <= 3 {
        LitmusScenario::<3>::new(name, litmus, expectation, classify)?.leak()
    } else if need <= 4 {
        LitmusScenario::<4>::new(name, litmus, expectation, classify)?.leak()
    } else if need <= 8 {
        LitmusScenario::<8>::new(name, litmus, expectation, classify)?.leak()
    } else if need <= 16 {
        LitmusScenario::<16>::new(name, litmus, expectation, classify)?.leak()
    } else {
        LitmusScenario::<MAX_LINES>::new(name, litmus, expectation, classify)?.leak()
    })
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use orderhunt_core::harness::{Config, HarnessKind, MemoryMode, SyncMode};
    use orderhunt_core::DynScenario;
    use orderhunt_oracle::parse::parse;

    const SB: &str = r#"C SB
{ x=0; y=0; }
P0 (atomic_int* x, atomic_int* y) {
  atomic_store_explicit(x, 1, memory_order_relaxed);
  int r0 = atomic_load_explicit(y, memory_order_relaxed);
}
P1 (atomic_int* x, atomic_int* y) {
  atomic_store_explicit(y, 1, memory_order_relaxed);
  int r1 = atomic_load_explicit(x, memory_order_relaxed);
}
exists (0:r0=0 /\ 1:r1=0)
"#;

    const MP: &str = r#"C MP
{ x=0; y=0; }
P0 (atomic_int* x, atomic_int* y) {
  atomic_store_explicit(x, 1, memory_order_relaxed);
  atomic_store_explicit(y, 1, memory_order_release);
}
P1 (atomic_int* x, atomic_int* y) {
  int r0 = atomic_load_explicit(y, memory_order_acquire);
  int r1 = atomic_load_explicit(x, memory_order_relaxed);
}
exists (1:r0=1 /\ 1:r1=0)
"#;

    /// Classifies by the condition: satisfying it is `weak`, the rest
    /// acceptable.
    fn by_condition(litmus: &Litmus, weak: OutcomeClass) -> Classifier {
        let l = litmus.clone();
        Box::new(move |s| {
            if l.satisfies(s) {
                weak
            } else {
                OutcomeClass::Acceptable
            }
        })
    }

    fn cfg(iterations: u64, sync: SyncMode, layout: Layout) -> Config {
        Config {
            iterations,
            harness: HarnessKind::Actors,
            batch: if cfg!(miri) { 2 } else { 256 },
            memory: MemoryMode::Reuse,
            sync,
            shuffle: false,
            skew: orderhunt_core::harness::default_skew(sync),
            seed: 0,
            stop_on_first: false,
            flag_group: 1,
            params: Params {
                layout,
                ..Params::default()
            },
        }
    }

    fn run_runner(sc: &'static dyn DynScenario, cfg: Config) -> Tally {
        orderhunt_core::check::run_unpinned(sc, cfg)
    }

    /// Runs a parsed test under the harness in every layout and sync mode
    /// and checks that the histogram accounts for every iteration and
    /// holds only `candidates` (full states).
    fn check_runs(text: &str, weak: OutcomeClass, candidates: &[&[Value]]) {
        let litmus = parse(text).unwrap();
        let classify = by_condition(&litmus, weak);
        let sc = LitmusScenario::<4>::new("t", litmus, Expectation::MayFail, classify)
            .unwrap()
            .leak();
        let n = if cfg!(miri) { 4 } else { 5_000 };
        for layout in [Layout::Separate, Layout::Shared] {
            for sync in [
                SyncMode::Flag,
                SyncMode::Instance,
                SyncMode::Batch,
                SyncMode::Post,
            ] {
                let t = run_runner(sc, cfg(n, sync, layout));
                let what = format!("{layout:?} {sync:?}");
                assert_eq!(t.completed, n, "{what}");
                assert_eq!(t.other, 0, "{what}");
                assert_eq!(t.outcomes.values().sum::<u64>(), n, "{what}");
                for &code in t.outcomes.keys() {
                    let state = sc.state(code).expect("interned");
                    assert!(
                        candidates.contains(&state.as_slice()),
                        "{what}: {state:?} is no candidate"
                    );
                }
                if weak == OutcomeClass::Forbidden {
                    assert_eq!(t.forbidden, 0, "{what}: {:?}", t.outcomes);
                }
            }
        }
    }

    #[test]
    fn sb_from_text_runs_and_shows_only_candidate_states() {
        // Full states: r0, r1, x, y.
        check_runs(
            SB,
            OutcomeClass::Interesting,
            &[&[0, 0, 1, 1], &[0, 1, 1, 1], &[1, 0, 1, 1], &[1, 1, 1, 1]],
        );
    }

    #[test]
    fn mp_relacq_from_text_never_shows_the_weak_outcome() {
        check_runs(
            MP,
            OutcomeClass::Forbidden,
            &[&[0, 0, 1, 1], &[0, 1, 1, 1], &[1, 1, 1, 1], &[1, 0, 1, 1]],
        );
    }

    fn single(body: &str, init: &str) -> Vec<Value> {
        let text = format!(
            "C T\n{{ {init} }}\nP0 (atomic_int* x, atomic_int* y) {{\n{body}\n}}\nexists (x=0)\n"
        );
        let litmus = parse(&text).unwrap_or_else(|e| panic!("{e}"));
        let classify = by_condition(&litmus, OutcomeClass::Interesting);
        let sc = LitmusScenario::<4>::new("t", litmus, Expectation::MayFail, classify).unwrap();
        let mut states = Vec::new();
        for layout in [Layout::Separate, Layout::Shared] {
            let p = Params {
                layout,
                ..Params::default()
            };
            let inst = sc.new_instance(&p);
            sc.act(0, &inst, &p);
            let mut buf = Vec::new();
            sc.read_state(&inst, layout, &mut buf);
            states.push(buf);
        }
        assert_eq!(states[0], states[1], "both layouts agree");
        states.pop().unwrap()
    }

    #[test]
    fn fixed_codes_name_each_kind_and_ordering_once() {
        use Ordering::*;
        let mut pairs = Vec::new();
        for o in [Relaxed, Acquire, SeqCst] {
            pairs.push((K_LOAD, o));
        }
        for k in [K_STORE, K_STORE_REG] {
            for o in [Relaxed, Release, SeqCst] {
                pairs.push((k, o));
            }
        }
        for o in [Acquire, Release, AcqRel, SeqCst] {
            pairs.push((K_FENCE, o));
        }
        let mut codes: Vec<u8> = pairs.iter().map(|&(k, o)| fixed_code(k, o)).collect();
        for (&(k, o), &c) in pairs.iter().zip(&codes) {
            assert_eq!(fixed_decode(c), (k, o), "code {c}");
        }
        codes.sort();
        assert_eq!(codes, (0..13).collect::<Vec<u8>>());
    }

    /// A one-thread test whose thread is `body`, over x=5, y=7.
    fn one_thread(body: &str) -> LitmusScenario<4> {
        let text = format!(
            "C T\n{{ x=5; y=7; }}\nP0 (atomic_int* x, atomic_int* y) {{\n{body}\n}}\nexists (x=0)\n"
        );
        let litmus = parse(&text).unwrap_or_else(|e| panic!("{e}"));
        let classify = by_condition(&litmus, OutcomeClass::Interesting);
        LitmusScenario::<4>::new("t", litmus, Expectation::MayFail, classify).unwrap()
    }

    #[test]
    fn straight_kernels_do_what_the_op_loop_does() {
        let straight = [
            "atomic_store_explicit(x, 1, memory_order_relaxed);\n\
             int r0 = atomic_load_explicit(y, memory_order_relaxed);",
            "atomic_store_explicit(x, 2, memory_order_seq_cst);\n\
             int r0 = atomic_load_explicit(y, memory_order_seq_cst);",
            "int r0 = atomic_load_explicit(y, memory_order_acquire);\n\
             atomic_store_explicit(x, r0, memory_order_release);",
            "atomic_store_explicit(x, 3, memory_order_relaxed);\n\
             atomic_thread_fence(memory_order_seq_cst);\n\
             int r0 = atomic_load_explicit(y, memory_order_relaxed);",
            "int r0 = atomic_load_explicit(x, memory_order_relaxed);\n\
             atomic_thread_fence(memory_order_acquire);\n\
             int r1 = atomic_load_explicit(y, memory_order_relaxed);",
            "int r0 = atomic_load_explicit(x, memory_order_relaxed);\n\
             int r1 = atomic_load_explicit(y, memory_order_relaxed);\n\
             atomic_store_explicit(y, r0, memory_order_seq_cst);",
            "atomic_store_explicit(y, 9, memory_order_release);",
            "int r0 = atomic_load_explicit(x, memory_order_seq_cst);",
            "atomic_thread_fence(memory_order_release);\n\
             atomic_store_explicit(y, 4, memory_order_relaxed);",
            "atomic_thread_fence(memory_order_acq_rel);",
        ];
        let op_loop_only = [
            // A constant into a register, four accesses, a loop, an RMW.
            "int r0 = 3;\natomic_store_explicit(x, r0, memory_order_relaxed);",
            "atomic_store(x, 1);\natomic_store(y, 1);\natomic_store(x, 2);\natomic_store(y, 2);",
            "int r0 = 0;\nwhile (atomic_load(x) == 0) { r0 = 1; }",
            "int r0 = atomic_fetch_add(x, 1);",
        ];
        for (body, want) in straight
            .iter()
            .map(|b| (b, true))
            .chain(op_loop_only.iter().map(|b| (b, false)))
        {
            let sc = one_thread(body);
            for layout in LAYOUTS {
                let p = Params {
                    layout,
                    ..Params::default()
                };
                let prog = &sc.programs[layout_index(layout)][0];
                assert_eq!(prog.straight.is_some(), want, "{body}");
                let (a, b) = (sc.new_instance(&p), sc.new_instance(&p));
                run(prog, a.words());
                run_ops(prog, b.words());
                let words = |m: &Memory<4>| -> Vec<u64> {
                    let all = m.words().iter();
                    // Relaxed: one thread wrote them, this one.
                    all.map(|w| w.load(Ordering::Relaxed)).collect()
                };
                assert_eq!(words(&a), words(&b), "{body} ({layout:?})");
            }
        }
    }

    #[test]
    fn every_instruction_does_what_it_says() {
        // Registers r0.. then x, y.
        assert_eq!(
            single(
                "int r0 = atomic_load_explicit(x, memory_order_relaxed);\n\
                 int r1 = -3;\n\
                 atomic_store_explicit(y, r1, memory_order_release);\n\
                 int r2 = atomic_exchange_explicit(y, 7, memory_order_acq_rel);",
                "x=-5; y=2;"
            ),
            [-5, -3, -3, -5, 7]
        );
        assert_eq!(
            single(
                "int r0 = atomic_fetch_add_explicit(x, -10, memory_order_relaxed);\n\
                 int r1 = atomic_fetch_sub_explicit(x, 1, memory_order_acquire);\n\
                 int r2 = atomic_fetch_or_explicit(y, 12, memory_order_release);\n\
                 int r3 = atomic_fetch_and_explicit(y, 6, memory_order_seq_cst);\n\
                 int r4 = atomic_fetch_xor_explicit(y, -1, memory_order_relaxed);\n\
                 atomic_fetch_add(x, 100);",
                "x=3; y=2;"
            ),
            // x: 3 -> -7 -> -8 -> 92; y: 2 -> 14 -> 6 -> !6 = -7.
            [3, -7, 2, 14, 6, 92, -7]
        );
        // Compare-exchange: success writes and sets 1, leaving the expected
        // register; failure sets 0 and loads the value into the expected
        // register.
        assert_eq!(
            single(
                "int e = 4;\n\
                 int ok = atomic_compare_exchange_strong_explicit(x, &e, 9, memory_order_acq_rel, memory_order_acquire);\n\
                 int f = 4;\n\
                 int bad = atomic_compare_exchange_strong_explicit(x, &f, 5, memory_order_release, memory_order_release);\n\
                 int g = 2;\n\
                 atomic_compare_exchange_strong(y, &g, -1);",
                "x=4; y=8;"
            ),
            [4, 1, 9, 0, 8, 9, 8]
        );
        // Fences (a relaxed one is dropped), reassignment, a store of a
        // register, i64 extremes.
        assert_eq!(
            single(
                "int r0 = 9223372036854775807;\n\
                 atomic_thread_fence(memory_order_relaxed);\n\
                 atomic_thread_fence(memory_order_seq_cst);\n\
                 atomic_fetch_add_explicit(x, r0, memory_order_relaxed);\n\
                 r0 = -9223372036854775808;\n\
                 atomic_store(y, r0);",
                "x=1; y=0;"
            ),
            [i64::MIN, i64::MIN, i64::MIN]
        );
    }

    #[test]
    fn orderings_map_to_valid_rust_orderings_never_weaker() {
        use MemOrder::*;
        for mo in [Relaxed, Acquire, Release, AcqRel, SeqCst] {
            let l = load_order(mo);
            // Release, AcqRel: invalid on a load (Rust panics); Relaxed
            // only for a relaxed load.
            assert!(!matches!(l, Ordering::Release | Ordering::AcqRel));
            // Relaxed: see above.
            assert_eq!(mo.is_acquire() || mo == Release, l != Ordering::Relaxed);
            let s = store_order(mo);
            // Acquire, AcqRel: invalid on a store; Relaxed only for a
            // relaxed store.
            assert!(!matches!(s, Ordering::Acquire | Ordering::AcqRel));
            // Relaxed: see above.
            assert_eq!(mo.is_release() || mo == Acquire, s != Ordering::Relaxed);
            let f = cas_failure_order(mo);
            // Release, AcqRel: invalid as a failure order; Relaxed only
            // where the test's order has no acquire half.
            assert!(!matches!(f, Ordering::Release | Ordering::AcqRel));
            // Relaxed: see above.
            assert_eq!(mo.is_acquire(), f != Ordering::Relaxed);
        }
    }

    #[test]
    fn interner_names_states_and_overflows_with_exact_classes() {
        let classify: Classifier = Box::new(|s| {
            if s[0] % 2 == 0 {
                OutcomeClass::Acceptable
            } else {
                OutcomeClass::Forbidden
            }
        });
        let mut i = Interner::default();
        assert_eq!(i.intern(&[0, 1], &classify), (0, OutcomeClass::Acceptable));
        assert_eq!(i.intern(&[1, 1], &classify), (1, OutcomeClass::Forbidden));
        assert_eq!(i.intern(&[0, 1], &classify), (0, OutcomeClass::Acceptable));
        for v in 2..MAX_STATES as i64 {
            i.intern(&[v], &classify);
        }
        assert_eq!(i.states.len(), MAX_STATES);
        assert_eq!(
            i.intern(&[-1], &classify),
            (OVERFLOW, OutcomeClass::Forbidden)
        );
        assert_eq!(
            i.intern(&[-2], &classify),
            (OVERFLOW, OutcomeClass::Acceptable)
        );
        assert_eq!(i.intern(&[1, 1], &classify), (1, OutcomeClass::Forbidden));
    }

    #[test]
    fn info_render_and_expected() {
        let litmus = parse(SB).unwrap();
        let classify = by_condition(&litmus, OutcomeClass::Interesting);
        let sc = leak_dyn("sb.litmus", litmus, Expectation::MayFail, classify).unwrap();
        let info = sc.info();
        assert_eq!(info.name, "sb.litmus");
        assert_eq!(info.actors, 2);
        assert_eq!(info.expectation, Expectation::MayFail);
        assert_eq!(
            sc.instance_bytes(),
            3 * 64,
            "x, y and the registers: 3 lines"
        );
        let p = Params::default();
        assert_eq!(sc.expected(&p).to_string(), "exists (0:r0=0 /\\ 1:r1=0)");
        let t = run_runner(
            sc,
            cfg(
                if cfg!(miri) { 2 } else { 100 },
                SyncMode::Instance,
                Layout::Separate,
            ),
        );
        for &code in t.outcomes.keys() {
            let text = sc.render(code).to_string();
            assert!(
                text.starts_with("0:r0=") && text.ends_with("x=1; y=1;"),
                "{text}"
            );
            let weak = text.starts_with("0:r0=0; 1:r1=0;");
            assert_eq!(sc.classify(code, &p) == OutcomeClass::Interesting, weak);
        }
    }

    #[test]
    fn layouts_place_locations_and_registers_on_the_promised_lines() {
        let litmus = parse(SB).unwrap();
        let sep = slots(&litmus, Layout::Separate);
        assert_eq!(sep.locs, [0, LINE_WORDS]);
        assert_eq!(sep.reg_base, 2 * LINE_WORDS);
        assert_eq!(sep.lines, 3);
        let shared = slots(&litmus, Layout::Shared);
        assert_eq!(shared.locs, [0, 1]);
        assert_eq!(shared.reg_base, LINE_WORDS);
        assert_eq!(shared.lines, 2);
        assert_eq!(std::mem::align_of::<Memory<4>>(), 64);
        assert_eq!(std::mem::size_of::<Memory<4>>(), 256);
    }

    #[test]
    fn oversized_tests_are_refused_not_truncated() {
        let locs: Vec<String> = (0..5).map(|i| format!("atomic_int* v{i}")).collect();
        let text = format!("C Big\n{{}}\nP0 ({}) {{}}\nexists (v0=0)", locs.join(", "));
        let litmus = parse(&text).unwrap();
        // Five location lines and one for the thread's status word.
        assert_eq!(lines_needed(&litmus), 6);
        let c = by_condition(&litmus, OutcomeClass::Interesting);
        assert!(LitmusScenario::<4>::new("big", litmus.clone(), Expectation::MayFail, c).is_err());
        let c = by_condition(&litmus, OutcomeClass::Interesting);
        let sc = leak_dyn("big", litmus, Expectation::MayFail, c).unwrap();
        assert_eq!(sc.instance_bytes(), 8 * 64);
    }

    /// Runs one thread of `text` once, alone: its full state, or None when
    /// the iteration is discarded.
    fn alone(text: &str) -> Option<Vec<Value>> {
        let litmus = parse(text).unwrap_or_else(|e| panic!("{e}"));
        let classify = by_condition(&litmus, OutcomeClass::Interesting);
        let sc = LitmusScenario::<8>::new("t", litmus, Expectation::MayFail, classify).unwrap();
        let mut out = Vec::new();
        for layout in [Layout::Separate, Layout::Shared] {
            let p = Params {
                layout,
                ..Params::default()
            };
            let inst = sc.new_instance(&p);
            for actor in 0..sc.litmus.threads.len() {
                sc.act(actor, &inst, &p);
            }
            let mut buf = Vec::new();
            out.push(sc.read_state(&inst, layout, &mut buf).then_some(buf));
        }
        assert_eq!(out[0], out[1], "both layouts agree");
        out.pop().unwrap()
    }

    #[test]
    fn branches_expressions_plain_accesses_and_pointers_do_what_they_say() {
        // Registers in order of declaration, then the locations.
        let t = |body: &str| {
            alone(&format!(
                "C T\n{{ x=3; y=0; p=&y; e=7; }}\n\
                 P0 (int* x, atomic_int* y, atomic_intptr_t* p, int* e) {{\n{body}\n}}\nexists (x=0)\n"
            ))
        };
        let y = addr_value(1);
        // Plain accesses, expressions, if/else.
        assert_eq!(
            t("int r0 = *x;\n*y = r0 * 2 + 1;\nint r1 = 0;\n\
               if (r0 == 3 && *y != 0) { r1 = r0 - 10; } else { r1 = 99; }\n\
               int r2 = (r0 < 2) || !(r1 ^ -7);"),
            Some(vec![3, -7, 1, 3, 7, y, 7])
        );
        // Pointers: load an address, access through it; a CAS with its
        // expected value in a location (fails, writes it back; succeeds).
        assert_eq!(
            t("int* r0 = atomic_load_explicit(p, memory_order_acquire);\n\
               *r0 = 5;\nint r1 = atomic_load(r0) + 1;\n\
               int r2 = atomic_compare_exchange_strong(y, e, 8);\n\
               int r3 = atomic_compare_exchange_strong(y, e, 8);\n\
               atomic_fetch_add(r0, 1);"),
            Some(vec![y, 6, 0, 1, 3, 9, y, 5])
        );
        // A while loop within the bound runs; past it, the iteration is
        // discarded (the oracle unrolls twice).
        assert_eq!(
            t("int r0 = 0;\nwhile (r0 < 2) { r0 = r0 + 1; }"),
            Some(vec![2, 3, 0, y, 7])
        );
        assert_eq!(t("int r0 = 0;\nwhile (r0 < 3) { r0 = r0 + 1; }"), None);
        // An access through a value that is no address is discarded.
        assert_eq!(t("int* r0 = 1;\nint r1 = *r0;"), None);
        // Nested loops count each their own runs.
        assert_eq!(
            t("int i = 0;\nint n = 0;\nwhile (i < 2) { int j = 0; while (j < 2) { j = j + 1; n = n + 1; } i = i + 1; }"),
            Some(vec![2, 4, 2, 3, 0, y, 7])
        );
    }

    /// Every file of `litmus/` runs on the harness, and every state it
    /// shows (not discarded) is one some model allows.
    #[test]
    #[cfg_attr(miri, ignore = "reads litmus/ and runs 53 tests: too slow under Miri")]
    fn every_litmus_file_runs_and_shows_only_states_the_oracle_allows() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../litmus");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "litmus"))
            .collect();
        files.sort();
        assert!(files.len() >= 50);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let litmus = parse(&text).unwrap();
            let allowed: std::collections::BTreeSet<Vec<Value>> =
                orderhunt_oracle::predict_all(&litmus, &orderhunt_oracle::Model::all())
                    .unwrap()
                    .into_iter()
                    .flat_map(|p| p.allowed)
                    .collect();
            let classify = by_condition(&litmus, OutcomeClass::Interesting);
            let (sc, src) = leak_both("t", litmus, Expectation::MayFail, classify).unwrap();
            let n = 2_000;
            let t = run_runner(sc, cfg(n, SyncMode::Instance, Layout::Separate));
            assert_eq!(t.completed, n, "{}", path.display());
            let mut counted = 0;
            for (&code, &count) in &t.outcomes {
                if code == DISCARDED {
                    continue;
                }
                let state = sc.render(code).to_string();
                let full = src.state(code).expect("interned");
                assert!(
                    allowed.contains(&full),
                    "{}: {state} is allowed by no model",
                    path.display()
                );
                counted += count;
            }
            assert!(counted > 0, "{}: every iteration discarded", path.display());
        }
    }
}
