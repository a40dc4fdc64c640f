//! A litmus test as data.
//!
//! Threads are C code ([`Stmt`], [`Expr`]) over shared locations and
//! thread-local registers: atomic and plain accesses, branches, bounded
//! loops, expressions and pointers (an address is a [`Value`], see
//! [`ADDR_BASE`]). Values are `i64`. Straight-line atomic threads are also
//! given as [`Instr`]s, the form the engine's interpreter runs.

use std::fmt;

/// Index of a shared location in [`Litmus::locations`].
pub type LocId = usize;
/// Index of a register in its thread's [`Thread::regs`].
pub type RegId = usize;
/// A value held by a location or a register.
pub type Value = i64;

/// C11 memory orders (`memory_order_consume` is read as `acquire`, as
/// compilers do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MemOrder {
    Relaxed,
    Acquire,
    Release,
    AcqRel,
    SeqCst,
}

impl MemOrder {
    /// The C spelling without the `memory_order_` prefix.
    pub fn as_str(self) -> &'static str {
        match self {
            MemOrder::Relaxed => "relaxed",
            MemOrder::Acquire => "acquire",
            MemOrder::Release => "release",
            MemOrder::AcqRel => "acq_rel",
            MemOrder::SeqCst => "seq_cst",
        }
    }
    /// Acquire semantics on a read (acquire, acq_rel, seq_cst).
    pub fn is_acquire(self) -> bool {
        matches!(
            self,
            MemOrder::Acquire | MemOrder::AcqRel | MemOrder::SeqCst
        )
    }
    /// Release semantics on a write (release, acq_rel, seq_cst).
    pub fn is_release(self) -> bool {
        matches!(
            self,
            MemOrder::Release | MemOrder::AcqRel | MemOrder::SeqCst
        )
    }
}

/// An operand: a constant or a register of the same thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operand {
    Const(Value),
    Reg(RegId),
}

/// The read-modify-write operations (`atomic_exchange` and
/// `atomic_fetch_*`). Each returns the old value; the new value is
/// `op(old, operand)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RmwOp {
    /// `atomic_exchange`: new = operand.
    Xchg,
    Add,
    Sub,
    And,
    Or,
    Xor,
}

impl RmwOp {
    /// The value an RMW writes, given the value it read.
    pub fn apply(self, old: Value, operand: Value) -> Value {
        match self {
            RmwOp::Xchg => operand,
            RmwOp::Add => old.wrapping_add(operand),
            RmwOp::Sub => old.wrapping_sub(operand),
            RmwOp::And => old & operand,
            RmwOp::Or => old | operand,
            RmwOp::Xor => old ^ operand,
        }
    }
}

/// One instruction of a thread.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Instr {
    /// `int r = <operand>;` or `r = <operand>;`: a register assignment, no
    /// memory event.
    Assign { dst: RegId, value: Operand },
    /// `r = atomic_load_explicit(x, mo)`.
    Load {
        dst: RegId,
        loc: LocId,
        mo: MemOrder,
    },
    /// `atomic_store_explicit(x, v, mo)`.
    Store {
        loc: LocId,
        value: Operand,
        mo: MemOrder,
    },
    /// `r = atomic_fetch_add_explicit(x, v, mo)` and friends;
    /// `dst` is None when the result is discarded.
    Rmw {
        dst: Option<RegId>,
        loc: LocId,
        op: RmwOp,
        operand: Operand,
        mo: MemOrder,
    },
    /// `r = atomic_compare_exchange_strong_explicit(x, &e, desired, succ, fail)`:
    /// reads x; if it equals register `expected`, writes `desired` (an RMW
    /// event with order `success`) and sets `dst` to 1; otherwise it is a
    /// plain read with order `failure`, stores the value read into
    /// `expected`, and sets `dst` to 0.
    Cas {
        dst: Option<RegId>,
        loc: LocId,
        expected: RegId,
        desired: Operand,
        success: MemOrder,
        failure: MemOrder,
    },
    /// `atomic_thread_fence(mo)`.
    Fence { mo: MemOrder },
}

/// One thread: `P0 (atomic_int* x, ...) { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    /// `P0`, `P1`, ... (thread i is `Pi`).
    pub name: String,
    /// Local register names in order of declaration (`r0`, `r1`, ...).
    /// Registers start at 0 unless assigned.
    pub regs: Vec<String>,
    /// The thread as straight-line atomic instructions, when it is one
    /// (what the engine's interpreter runs); empty when the thread uses
    /// anything else (branches, loops, plain accesses, expressions,
    /// pointers), in which case only [`Thread::body`] describes it.
    pub instrs: Vec<Instr>,
    /// The thread's full code (the parser always fills it). When empty,
    /// [`Thread::instrs`] is the code (see [`Thread::code`]).
    pub body: Vec<Stmt>,
}

/// Something a final condition or a final state can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Atom {
    /// `T:r`: register `reg` of thread `thread`, at the end.
    Reg { thread: usize, reg: RegId },
    /// `x`: the final value of a location (the last write in its
    /// coherence order, or its initial value).
    Loc(LocId),
}

/// A proposition over a final state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prop {
    True,
    Eq(Atom, Value),
    Not(Box<Prop>),
    And(Box<Prop>, Box<Prop>),
    Or(Box<Prop>, Box<Prop>),
}

/// How the condition quantifies over executions (herd7's terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// `exists P`: some allowed execution satisfies P.
    Exists,
    /// `~exists P`: no allowed execution satisfies P.
    NotExists,
    /// `forall P`: every allowed execution satisfies P.
    Forall,
}

/// The final condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub quantifier: Quantifier,
    pub prop: Prop,
}

/// A whole litmus test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Litmus {
    /// The name after `C`, e.g. `SB`.
    pub name: String,
    /// The optional quoted comment after the name.
    pub comment: Option<String>,
    /// Shared locations, in order of first appearance (init block first,
    /// then thread parameters).
    pub locations: Vec<String>,
    /// Initial value per location (0 unless the init block says otherwise).
    pub init: Vec<Value>,
    pub threads: Vec<Thread>,
    pub condition: Condition,
    /// Extra atoms from `locations [...]`, shown in states beside the
    /// condition's.
    pub extra_observed: Vec<Atom>,
}

/// A final state: the value of every [`Litmus::observables`] atom, in that
/// order.
pub type State = Vec<Value>;

impl Prop {
    /// Evaluates the proposition on a full state (`observables` order).
    pub fn eval(&self, litmus: &Litmus, state: &[Value]) -> bool {
        match self {
            Prop::True => true,
            Prop::Eq(atom, v) => litmus.value_of(state, *atom) == Some(*v),
            Prop::Not(p) => !p.eval(litmus, state),
            Prop::And(a, b) => a.eval(litmus, state) && b.eval(litmus, state),
            Prop::Or(a, b) => a.eval(litmus, state) || b.eval(litmus, state),
        }
    }

    /// The atoms the proposition names, in order of first appearance.
    pub fn atoms(&self, out: &mut Vec<Atom>) {
        match self {
            Prop::True => {}
            Prop::Eq(a, _) => {
                if !out.contains(a) {
                    out.push(*a)
                }
            }
            Prop::Not(p) => p.atoms(out),
            Prop::And(a, b) | Prop::Or(a, b) => {
                a.atoms(out);
                b.atoms(out);
            }
        }
    }
}

impl Litmus {
    /// Every atom of a full final state: each thread's registers in order,
    /// then each location's final value.
    pub fn observables(&self) -> Vec<Atom> {
        let mut out = Vec::new();
        for (t, th) in self.threads.iter().enumerate() {
            for r in 0..th.regs.len() {
                out.push(Atom::Reg { thread: t, reg: r });
            }
        }
        for l in 0..self.locations.len() {
            out.push(Atom::Loc(l));
        }
        out
    }

    /// The atoms herd7 and litmus7 show in a state: the condition's, then
    /// those of `locations [...]`.
    pub fn shown(&self) -> Vec<Atom> {
        let mut out = Vec::new();
        self.condition.prop.atoms(&mut out);
        for a in &self.extra_observed {
            if !out.contains(a) {
                out.push(*a);
            }
        }
        out
    }

    /// The value of `atom` in a full state (`observables` order).
    pub fn value_of(&self, state: &[Value], atom: Atom) -> Option<Value> {
        let regs: usize = self.threads.iter().map(|t| t.regs.len()).sum();
        let index = match atom {
            Atom::Reg { thread, reg } => {
                let before: usize = self.threads[..thread.min(self.threads.len())]
                    .iter()
                    .map(|t| t.regs.len())
                    .sum();
                before + reg
            }
            Atom::Loc(l) => regs + l,
        };
        state.get(index).copied()
    }

    /// herd7's spelling of an atom: `0:r0` or `x`.
    pub fn atom_name(&self, atom: Atom) -> String {
        match atom {
            Atom::Reg { thread, reg } => format!("{thread}:{}", self.threads[thread].regs[reg]),
            Atom::Loc(l) => self.locations[l].clone(),
        }
    }

    /// herd7's and litmus7's spelling of a state over `atoms`:
    /// `0:r0=0; 1:r0=0;`.
    pub fn render_state(&self, state: &[Value], atoms: &[Atom]) -> String {
        let mut out = String::new();
        for (i, a) in atoms.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let v = self.value_of(state, *a).unwrap_or_default();
            out.push_str(&format!("{}={};", self.atom_name(*a), self.render_value(v)));
        }
        out
    }

    /// herd7's spelling of a value: the location's name for an address
    /// (see [`ADDR_BASE`]), else the number.
    pub fn render_value(&self, v: Value) -> String {
        match v.checked_sub(ADDR_BASE) {
            Some(l) if l >= 0 && (l as usize) < self.locations.len() => {
                self.locations[l as usize].clone()
            }
            _ => v.to_string(),
        }
    }

    /// Whether every thread is straight-line atomic code ([`Thread::instrs`]
    /// describes it whole), the subset the engine's interpreter ran before
    /// branches, plain accesses and pointers were added.
    pub fn is_straight_line_atomic(&self) -> bool {
        self.threads
            .iter()
            .all(|t| t.body.is_empty() || t.body == t.code_of_instrs())
    }

    /// Whether a full state satisfies the condition's proposition.
    pub fn satisfies(&self, state: &[Value]) -> bool {
        self.condition.prop.eval(self, state)
    }
}

impl fmt::Display for Quantifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Quantifier::Exists => "exists",
            Quantifier::NotExists => "~exists",
            Quantifier::Forall => "forall",
        })
    }
}

/// herd7's Observation of a condition's proposition over the allowed
/// states: `Never` (no allowed state satisfies it), `Sometimes`, `Always`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observation {
    Never,
    Sometimes,
    Always,
}

impl Observation {
    pub fn as_str(self) -> &'static str {
        match self {
            Observation::Never => "Never",
            Observation::Sometimes => "Sometimes",
            Observation::Always => "Always",
        }
    }

    /// From counts of states (or executions) that satisfy the proposition
    /// and that do not.
    pub fn from_counts(positive: u64, negative: u64) -> Observation {
        match (positive, negative) {
            (0, _) => Observation::Never,
            (_, 0) => Observation::Always,
            _ => Observation::Sometimes,
        }
    }
}

/// Values at or above this, below `ADDR_BASE + locations`, are addresses
/// of locations (`&x`): location `l` has address `ADDR_BASE + l`. herd7
/// prints such a value as the location's name, and so does
/// [`Litmus::render_value`].
pub const ADDR_BASE: Value = 1 << 60;

/// The value of `&x` for location `l`.
pub fn addr_value(l: LocId) -> Value {
    ADDR_BASE + l as Value
}

/// Binary operators of C expressions (`+ - * & | ^ << >> == != < <= > >=
/// && ||`), evaluated on 64-bit values with wrapping arithmetic;
/// comparisons and `&&`/`||` give 0 or 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    And,
    Or,
    Xor,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LAnd,
    LOr,
}

impl BinOp {
    /// The C spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::And => "&",
            BinOp::Or => "|",
            BinOp::Xor => "^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::LAnd => "&&",
            BinOp::LOr => "||",
        }
    }

    /// Applies the operator (division by zero gives 0: the oracle has no
    /// undefined behaviour other than data races).
    pub fn apply(self, a: Value, b: Value) -> Value {
        let bit = |c: bool| c as Value;
        match self {
            BinOp::Add => a.wrapping_add(b),
            BinOp::Sub => a.wrapping_sub(b),
            BinOp::Mul => a.wrapping_mul(b),
            BinOp::Div => a.checked_div(b).unwrap_or(0),
            BinOp::Rem => a.checked_rem(b).unwrap_or(0),
            BinOp::And => a & b,
            BinOp::Or => a | b,
            BinOp::Xor => a ^ b,
            BinOp::Shl => a.wrapping_shl(b as u32),
            BinOp::Shr => a.wrapping_shr(b as u32),
            BinOp::Eq => bit(a == b),
            BinOp::Ne => bit(a != b),
            BinOp::Lt => bit(a < b),
            BinOp::Le => bit(a <= b),
            BinOp::Gt => bit(a > b),
            BinOp::Ge => bit(a >= b),
            BinOp::LAnd => bit(a != 0 && b != 0),
            BinOp::LOr => bit(a != 0 || b != 0),
        }
    }
}

/// Unary operators: `!` (logical not), `-` (negation), `~` (bitwise not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnOp {
    Not,
    Neg,
    BitNot,
}

impl UnOp {
    pub fn as_str(self) -> &'static str {
        match self {
            UnOp::Not => "!",
            UnOp::Neg => "-",
            UnOp::BitNot => "~",
        }
    }
    pub fn apply(self, a: Value) -> Value {
        match self {
            UnOp::Not => (a == 0) as Value,
            UnOp::Neg => a.wrapping_neg(),
            UnOp::BitNot => !a,
        }
    }
}

/// Where a compare-and-swap's expected value lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expected {
    /// `&r`: a register of the thread (orderhunt's own spelling; herd7
    /// refuses `&` on a register). A failed CAS writes the value it read
    /// into the register.
    Reg(RegId),
    /// A location, as herdtools7 writes it (`atomic_compare_exchange_strong(x, e, v)`
    /// with `e` an `int*`): read non-atomically before the compare, written
    /// non-atomically with the value read when the CAS fails.
    Mem(Box<Expr>),
}

/// A C expression of a thread. Memory accesses inside it are evaluated
/// left to right, each an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    Const(Value),
    Reg(RegId),
    /// The address of a location: a thread parameter named bare (`x`, a
    /// pointer to location `x`) or `&x`.
    Addr(LocId),
    Un(UnOp, Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// A read of the location at `addr`: `atomic_load_explicit(addr, mo)`
    /// (`Some(mo)`) or a plain, non-atomic `*addr` (`None`).
    Load {
        addr: Box<Expr>,
        mo: Option<MemOrder>,
    },
    /// `atomic_exchange` / `atomic_fetch_*`: the old value.
    Rmw {
        addr: Box<Expr>,
        op: RmwOp,
        operand: Box<Expr>,
        mo: MemOrder,
    },
    /// herd's `__atomic_add_unless{mb}(addr, add, unless)` (what the
    /// kernel's `atomic_add_unless` expands to in herd's C): if the value
    /// read is not `unless`, an RMW that adds `add` and gives 1; else a
    /// lone read that gives 0. `{mb}` (fully ordered) is read as
    /// `seq_cst`.
    AddUnless {
        addr: Box<Expr>,
        add: Box<Expr>,
        unless: Box<Expr>,
        mo: MemOrder,
    },
    /// `atomic_compare_exchange_{strong,weak}[_explicit]`: 1 if it
    /// succeeded, else 0. A weak CAS may also fail when the values are
    /// equal (spuriously).
    Cas {
        addr: Box<Expr>,
        expected: Expected,
        desired: Box<Expr>,
        success: MemOrder,
        failure: MemOrder,
        weak: bool,
    },
}

/// A statement of a thread.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Stmt {
    /// `r = e;` (also `int r = e;`).
    Assign { dst: RegId, value: Expr },
    /// An expression evaluated for its effects (`atomic_fetch_add(x, 1);`).
    Eval(Expr),
    /// `atomic_store_explicit(addr, value, mo)` (`Some(mo)`) or a plain
    /// `*addr = value;` (`None`).
    Store {
        addr: Expr,
        value: Expr,
        mo: Option<MemOrder>,
    },
    /// `atomic_thread_fence(mo)`.
    Fence(MemOrder),
    /// `if (cond) { then } else { els }` (a condition is true when nonzero).
    If {
        cond: Expr,
        then: Vec<Stmt>,
        els: Vec<Stmt>,
    },
    /// `while (cond) { body }`, unrolled to a bound as herd7's `-unroll`
    /// does: executions that would run the body more often than the bound
    /// are discarded.
    While { cond: Expr, body: Vec<Stmt> },
}

impl Stmt {
    /// The statement an old straight-line [`Instr`] stands for.
    pub fn from_instr(i: &Instr) -> Stmt {
        let op = |o: &Operand| match o {
            Operand::Const(v) => Expr::Const(*v),
            Operand::Reg(r) => Expr::Reg(*r),
        };
        let addr = |l: &LocId| Box::new(Expr::Addr(*l));
        let with_dst = |dst: &Option<RegId>, e: Expr| match dst {
            Some(d) => Stmt::Assign { dst: *d, value: e },
            None => Stmt::Eval(e),
        };
        match i {
            Instr::Assign { dst, value } => Stmt::Assign {
                dst: *dst,
                value: op(value),
            },
            Instr::Load { dst, loc, mo } => Stmt::Assign {
                dst: *dst,
                value: Expr::Load {
                    addr: addr(loc),
                    mo: Some(*mo),
                },
            },
            Instr::Store { loc, value, mo } => Stmt::Store {
                addr: Expr::Addr(*loc),
                value: op(value),
                mo: Some(*mo),
            },
            Instr::Rmw {
                dst,
                loc,
                op: o,
                operand,
                mo,
            } => with_dst(
                dst,
                Expr::Rmw {
                    addr: addr(loc),
                    op: *o,
                    operand: Box::new(op(operand)),
                    mo: *mo,
                },
            ),
            Instr::Cas {
                dst,
                loc,
                expected,
                desired,
                success,
                failure,
            } => with_dst(
                dst,
                Expr::Cas {
                    addr: addr(loc),
                    expected: Expected::Reg(*expected),
                    desired: Box::new(op(desired)),
                    success: *success,
                    failure: *failure,
                    weak: false,
                },
            ),
            Instr::Fence { mo } => Stmt::Fence(*mo),
        }
    }
}

impl Thread {
    fn code_of_instrs(&self) -> Vec<Stmt> {
        self.instrs.iter().map(Stmt::from_instr).collect()
    }

    /// The thread's code as statements: [`Thread::body`], or, for a thread
    /// built with [`Thread::instrs`] only, those instructions.
    pub fn code(&self) -> Vec<Stmt> {
        if self.body.is_empty() {
            self.instrs.iter().map(Stmt::from_instr).collect()
        } else {
            self.body.clone()
        }
    }
}
