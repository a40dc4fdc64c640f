//! A parsed litmus test ([`orderhunt_oracle::Litmus`]) as a [`Scenario`]
//! on the actors harness.
//!
//! Each thread is compiled once, at construction, into a short program of
//! [`Op`]s whose locations are already slot indices into the instance and
//! whose orderings are already `std::sync::atomic::Ordering`s (one program
//! per [`Layout`]); [`Scenario::act`] runs it with a small loop over the
//! ops, registers in a local array, and at the end stores the registers to
//! the instance's register file for the judge.
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

use crate::litmus::{DEFAULT_BATCH, DEFAULT_ITERATIONS};
use orderhunt_core::scenario::{
    Expectation, Info, Layout, Observed, OutcomeClass, Params, Scenario, Tally,
};
use orderhunt_core::sync::{fence, AtomicU64, Ordering};
use orderhunt_oracle::{Instr, Litmus, MemOrder, Operand, RmwOp, Value};
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

/// Where a value comes from: a constant or a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Src {
    Const(u64),
    Reg(u8),
}

/// One compiled instruction. Register indices are < `MAX_THREAD_REGS + 1`
/// (the last one is the scratch register that discarded results go to);
/// slots index the instance's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Assign {
        dst: u8,
        src: Src,
    },
    Load {
        dst: u8,
        slot: u16,
        ord: Ordering,
    },
    Store {
        slot: u16,
        src: Src,
        ord: Ordering,
    },
    Rmw {
        dst: u8,
        slot: u16,
        op: RmwOp,
        src: Src,
        ord: Ordering,
    },
    Cas {
        dst: u8,
        slot: u16,
        expected: u8,
        desired: Src,
        success: Ordering,
        failure: Ordering,
    },
    Fence(Ordering),
}

/// One thread's compiled program for one layout.
#[derive(Debug, Clone)]
struct Program {
    ops: Box<[Op]>,
    /// Registers the thread has (the first `regs` of the register array).
    regs: usize,
    /// Slot of the thread's first register in the register file.
    reg_base: usize,
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
    /// Slot of the first register (of thread 0); threads follow in order.
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
        lines: loc_lines + regs.div_ceil(LINE_WORDS),
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

/// The Rust ordering of a load with C11 order `mo` (see the module doc).
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

fn compile_thread(
    litmus: &Litmus,
    thread: usize,
    slots: &Slots,
    reg_base: usize,
) -> Result<Program, String> {
    let th = &litmus.threads[thread];
    if th.regs.len() > MAX_THREAD_REGS {
        return Err(format!(
            "thread {} has {} registers; at most {MAX_THREAD_REGS} are supported",
            th.name,
            th.regs.len()
        ));
    }
    let scratch = MAX_THREAD_REGS as u8;
    let reg = |r: usize| -> Result<u8, String> {
        if r < th.regs.len() {
            Ok(r as u8)
        } else {
            Err(format!("thread {}: register {r} is not declared", th.name))
        }
    };
    let src = |o: &Operand| -> Result<Src, String> {
        Ok(match *o {
            Operand::Const(v) => Src::Const(v as u64),
            Operand::Reg(r) => Src::Reg(reg(r)?),
        })
    };
    let slot = |l: usize| -> Result<u16, String> {
        slots
            .locs
            .get(l)
            .map(|&s| s as u16)
            .ok_or_else(|| format!("thread {}: location {l} does not exist", th.name))
    };
    let mut ops = Vec::with_capacity(th.instrs.len());
    for i in &th.instrs {
        let op = match i {
            Instr::Assign { dst, value } => Op::Assign {
                dst: reg(*dst)?,
                src: src(value)?,
            },
            Instr::Load { dst, loc, mo } => Op::Load {
                dst: reg(*dst)?,
                slot: slot(*loc)?,
                ord: load_order(*mo),
            },
            Instr::Store { loc, value, mo } => Op::Store {
                slot: slot(*loc)?,
                src: src(value)?,
                ord: store_order(*mo),
            },
            Instr::Rmw {
                dst,
                loc,
                op,
                operand,
                mo,
            } => Op::Rmw {
                dst: match dst {
                    Some(d) => reg(*d)?,
                    None => scratch,
                },
                slot: slot(*loc)?,
                op: *op,
                src: src(operand)?,
                ord: rmw_order(*mo),
            },
            Instr::Cas {
                dst,
                loc,
                expected,
                desired,
                success,
                failure,
            } => Op::Cas {
                dst: match dst {
                    Some(d) => reg(*d)?,
                    None => scratch,
                },
                slot: slot(*loc)?,
                expected: reg(*expected)?,
                desired: src(desired)?,
                success: rmw_order(*success),
                failure: cas_failure_order(*failure),
            },
            Instr::Fence { mo } => match mo {
                MemOrder::Relaxed => continue,
                _ => Op::Fence(rmw_order(*mo)),
            },
        };
        ops.push(op);
    }
    Ok(Program {
        ops: ops.into_boxed_slice(),
        regs: th.regs.len(),
        reg_base,
    })
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
        let mut templates: [Vec<u64>; 2] = Default::default();
        for layout in LAYOUTS {
            let li = layout_index(layout);
            let s = slots(&litmus, layout);
            let mut base = s.reg_base;
            for t in 0..litmus.threads.len() {
                programs[li].push(compile_thread(&litmus, t, &s, base)?);
                base += litmus.threads[t].regs.len();
            }
            observe_slots[li] = (s.reg_base..base).chain(s.locs.iter().copied()).collect();
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
            uses_increments: false,
            default_memory: orderhunt_core::harness::MemoryMode::Reuse,
        }));
        Ok(LitmusScenario {
            info,
            litmus,
            programs,
            observe_slots,
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

    /// Reads the full final state of a finished instance into `buf`.
    #[inline]
    fn read_state(&self, instance: &Memory<LINES>, layout: Layout, buf: &mut Vec<Value>) {
        let words = instance.words();
        buf.clear();
        for &slot in &self.observe_slots[layout_index(layout)] {
            // Relaxed: the judge runs after the harness's closing barrier
            // (or the spawn harness's join), which orders every actor's
            // accesses, and its register-file stores, before this load; a
            // location's load then reads the last store in its
            // modification order.
            buf.push(words[slot].load(Ordering::Relaxed) as Value);
        }
    }
}

/// Runs one compiled program on an instance's words, then stores its
/// registers to the register file.
#[inline]
fn run(prog: &Program, words: &[AtomicU64]) {
    let mut regs = [0u64; MAX_THREAD_REGS + 1];
    let val = |regs: &[u64; MAX_THREAD_REGS + 1], src: Src| match src {
        Src::Const(v) => v,
        Src::Reg(r) => regs[r as usize],
    };
    for op in prog.ops.iter() {
        match *op {
            Op::Assign { dst, src } => regs[dst as usize] = val(&regs, src),
            // `ord` (here and below): the ordering the test file gives this
            // access, mapped to Rust at compile time (`load_order` etc.;
            // the module doc lists the mappings). Running the test's own
            // orderings is the point of the interpreter.
            Op::Load { dst, slot, ord } => regs[dst as usize] = words[slot as usize].load(ord),
            Op::Store { slot, src, ord } => words[slot as usize].store(val(&regs, src), ord),
            Op::Rmw {
                dst,
                slot,
                op,
                src,
                ord,
            } => {
                let a = &words[slot as usize];
                let v = val(&regs, src);
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
                slot,
                expected,
                desired,
                success,
                failure,
            } => {
                let e = regs[expected as usize];
                let d = val(&regs, desired);
                // `success`/`failure`: the test file's orderings (the
                // failure one made valid, see `cas_failure_order`). A
                // strong compare-exchange: it fails only if the value
                // differs, as C's `_strong` form.
                match words[slot as usize].compare_exchange(e, d, success, failure) {
                    Ok(_) => regs[dst as usize] = 1,
                    Err(actual) => {
                        regs[expected as usize] = actual;
                        regs[dst as usize] = 0;
                    }
                }
            }
            // `ord`: the test file's fence ordering (relaxed fences were
            // dropped at compile time).
            Op::Fence(ord) => fence(ord),
        }
    }
    for (i, &r) in regs[..prog.regs].iter().enumerate() {
        // Relaxed: the register file is read only by the judge, after the
        // harness's closing barrier (or join), which orders this store
        // before that read. It comes after every access of the test, so it
        // adds no ordering to them.
        words[prog.reg_base + i].store(r, Ordering::Relaxed);
    }
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

    #[inline]
    fn act(&self, actor: usize, instance: &Memory<LINES>, params: &Params) {
        run(
            &self.programs[layout_index(params.layout)][actor],
            instance.words(),
        );
    }

    fn observe(&self, instance: &Memory<LINES>, params: &Params) -> u64 {
        let mut buf = Vec::new();
        self.read_state(instance, params.layout, &mut buf);
        let mut interner = self.interner.lock().unwrap_or_else(|e| e.into_inner());
        interner.intern(&buf, &self.classify).0
    }

    /// The class of a state code. [`OVERFLOW`] stands for many states and
    /// has no one class: `Interesting` (the judge, which records each
    /// overflowing state with its own class, does not ask).
    fn classify(&self, observed: u64, _params: &Params) -> OutcomeClass {
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
            None => Observed::Text(format!("(one of the states after the first {MAX_STATES})")),
        }
    }

    fn judge(&self, instances: &[Memory<LINES>], params: &Params, tally: &mut Tally) {
        let mut buf = Vec::with_capacity(self.observe_slots[0].len());
        let mut interner = self.interner.lock().unwrap_or_else(|e| e.into_inner());
        for instance in instances {
            self.read_state(instance, params.layout, &mut buf);
            let (code, class) = interner.intern(&buf, &self.classify);
            tally.record(code, class);
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
    Ok(if need <= 4 {
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
    Ok(if need <= 4 {
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
            skew: orderhunt_core::harness::DEFAULT_SKEW,
            seed: 0,
            stop_on_first: false,
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
            for sync in [SyncMode::Instance, SyncMode::Batch, SyncMode::Post] {
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
            4 * 64,
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
        assert_eq!(lines_needed(&litmus), 5);
        let c = by_condition(&litmus, OutcomeClass::Interesting);
        assert!(LitmusScenario::<4>::new("big", litmus.clone(), Expectation::MayFail, c).is_err());
        let c = by_condition(&litmus, OutcomeClass::Interesting);
        let sc = leak_dyn("big", litmus, Expectation::MayFail, c).unwrap();
        assert_eq!(sc.instance_bytes(), 8 * 64);
    }
}
