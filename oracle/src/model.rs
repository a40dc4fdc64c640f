//! A litmus test as data.
//!
//! Threads are straight-line code (no branches or loops) over shared atomic
//! locations and thread-local registers, which is the subset of herdtools7's
//! C litmus format that orderhunt accepts. Values are `i64`.

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
    pub instrs: Vec<Instr>,
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
            out.push_str(&format!("{}={v};", self.atom_name(*a)));
        }
        out
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
