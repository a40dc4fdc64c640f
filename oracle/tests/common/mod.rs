//! A tiny builder of litmus tests for the oracle's tests and examples (the
//! C parser is a separate module; these tests do not depend on it).
//!
//! Registers are named per thread; conditions name them herd-style, `1:r0`,
//! and locations by name.
#![allow(dead_code)]

use orderhunt_oracle::{
    Atom, Condition, Instr, Litmus, MemOrder, Operand, Prop, Quantifier, RmwOp, Thread,
};

#[allow(unused_imports)]
pub use orderhunt_oracle::MemOrder::{AcqRel, Acquire, Relaxed, Release, SeqCst};

/// A value operand: a constant or a register of the same thread.
#[derive(Clone, Copy)]
pub enum V {
    C(i64),
    R(&'static str),
}

/// One instruction, with names instead of indices.
#[derive(Clone)]
pub enum I {
    Ld(&'static str, &'static str, MemOrder),
    St(&'static str, V, MemOrder),
    F(MemOrder),
    Rmw(Option<&'static str>, &'static str, RmwOp, V, MemOrder),
    Cas(
        Option<&'static str>,
        &'static str,
        &'static str,
        V,
        MemOrder,
        MemOrder,
    ),
    Mov(&'static str, V),
}

pub fn ld(reg: &'static str, loc: &'static str, mo: MemOrder) -> I {
    I::Ld(reg, loc, mo)
}
pub fn st(loc: &'static str, v: i64, mo: MemOrder) -> I {
    I::St(loc, V::C(v), mo)
}
pub fn st_reg(loc: &'static str, reg: &'static str, mo: MemOrder) -> I {
    I::St(loc, V::R(reg), mo)
}
pub fn fence(mo: MemOrder) -> I {
    I::F(mo)
}
pub fn fetch_add(reg: &'static str, loc: &'static str, v: i64, mo: MemOrder) -> I {
    I::Rmw(Some(reg), loc, RmwOp::Add, V::C(v), mo)
}
pub fn xchg(reg: &'static str, loc: &'static str, v: i64, mo: MemOrder) -> I {
    I::Rmw(Some(reg), loc, RmwOp::Xchg, V::C(v), mo)
}
/// `ok = atomic_compare_exchange_strong_explicit(loc, &expected, desired, s, f)`.
pub fn cas(
    ok: &'static str,
    loc: &'static str,
    expected: &'static str,
    desired: i64,
    success: MemOrder,
    failure: MemOrder,
) -> I {
    I::Cas(Some(ok), loc, expected, V::C(desired), success, failure)
}
pub fn mov(reg: &'static str, v: i64) -> I {
    I::Mov(reg, V::C(v))
}

fn index(names: &mut Vec<String>, name: &str) -> usize {
    match names.iter().position(|n| n == name) {
        Some(i) => i,
        None => {
            names.push(name.to_string());
            names.len() - 1
        }
    }
}

/// Builds a test whose condition is `exists` the conjunction of `cond`
/// (`("1:r0", 0)`, `("x", 2)`); locations start at 0.
pub fn litmus(name: &str, threads: Vec<Vec<I>>, cond: &[(&str, i64)]) -> Litmus {
    with_quantifier(name, threads, Quantifier::Exists, cond)
}

pub fn with_quantifier(
    name: &str,
    threads: Vec<Vec<I>>,
    quantifier: Quantifier,
    cond: &[(&str, i64)],
) -> Litmus {
    let mut locations: Vec<String> = Vec::new();
    let mut out_threads = Vec::new();
    for (t, code) in threads.into_iter().enumerate() {
        let mut regs: Vec<String> = Vec::new();
        let mut instrs = Vec::new();
        for i in code {
            let op = |v: V, regs: &mut Vec<String>| match v {
                V::C(c) => Operand::Const(c),
                V::R(r) => Operand::Reg(index(regs, r)),
            };
            instrs.push(match i {
                I::Ld(r, l, mo) => Instr::Load {
                    dst: index(&mut regs, r),
                    loc: index(&mut locations, l),
                    mo,
                },
                I::St(l, v, mo) => Instr::Store {
                    loc: index(&mut locations, l),
                    value: op(v, &mut regs),
                    mo,
                },
                I::F(mo) => Instr::Fence { mo },
                I::Rmw(dst, l, rop, v, mo) => Instr::Rmw {
                    dst: dst.map(|r| index(&mut regs, r)),
                    loc: index(&mut locations, l),
                    op: rop,
                    operand: op(v, &mut regs),
                    mo,
                },
                I::Cas(dst, l, e, d, s, f) => Instr::Cas {
                    dst: dst.map(|r| index(&mut regs, r)),
                    loc: index(&mut locations, l),
                    expected: index(&mut regs, e),
                    desired: op(d, &mut regs),
                    success: s,
                    failure: f,
                },
                I::Mov(r, v) => {
                    let value = op(v, &mut regs);
                    Instr::Assign {
                        dst: index(&mut regs, r),
                        value,
                    }
                }
            });
        }
        out_threads.push(Thread {
            name: format!("P{t}"),
            regs,
            instrs,
            body: Vec::new(),
        });
    }
    let mut prop = Prop::True;
    for (k, &(atom, v)) in cond.iter().enumerate() {
        let a = match atom.split_once(':') {
            Some((t, r)) => {
                let thread: usize = t.parse().expect("thread number");
                let reg = out_threads[thread]
                    .regs
                    .iter()
                    .position(|n| n == r)
                    .unwrap_or_else(|| panic!("no register {atom}"));
                Atom::Reg { thread, reg }
            }
            None => Atom::Loc(
                locations
                    .iter()
                    .position(|n| n == atom)
                    .unwrap_or_else(|| panic!("no location {atom}")),
            ),
        };
        let eq = Prop::Eq(a, v);
        prop = if k == 0 {
            eq
        } else {
            Prop::And(Box::new(prop), Box::new(eq))
        };
    }
    Litmus {
        name: name.to_string(),
        comment: None,
        init: vec![0; locations.len()],
        locations,
        threads: out_threads,
        condition: Condition { quantifier, prop },
        extra_observed: Vec::new(),
    }
}

/// The catalog of docs/litmus.md (shapes × orderhunt's variants), each
/// with `exists <weak outcome>`.
pub fn catalog() -> Vec<(&'static str, Litmus)> {
    let mut out = Vec::new();
    // SB: T0: x=1; r0=y · T1: y=1; r1=x; weak r0=0 r1=0.
    let sb = |name, s: MemOrder, l: MemOrder, f: Option<MemOrder>| {
        let mid = |v: Vec<I>| -> Vec<I> {
            let mut v = v;
            if let Some(mo) = f {
                v.insert(1, fence(mo));
            }
            v
        };
        litmus(
            name,
            vec![
                mid(vec![st("x", 1, s), ld("r0", "y", l)]),
                mid(vec![st("y", 1, s), ld("r1", "x", l)]),
            ],
            &[("0:r0", 0), ("1:r1", 0)],
        )
    };
    out.push(("sb", sb("SB", Relaxed, Relaxed, None)));
    out.push(("sb-relacq", sb("SB+relacq", Release, Acquire, None)));
    out.push(("sb-seqcst", sb("SB+sc", SeqCst, SeqCst, None)));
    out.push(("sb-fences", sb("SB+fences", Relaxed, Relaxed, Some(SeqCst))));
    // LB: T0: r0=x; y=1 · T1: r1=y; x=1; weak r0=1 r1=1.
    let lb = |name, l: MemOrder, s: MemOrder| {
        litmus(
            name,
            vec![
                vec![ld("r0", "x", l), st("y", 1, s)],
                vec![ld("r1", "y", l), st("x", 1, s)],
            ],
            &[("0:r0", 1), ("1:r1", 1)],
        )
    };
    out.push(("lb", lb("LB", Relaxed, Relaxed)));
    out.push(("lb-relacq", lb("LB+relacq", Acquire, Release)));
    out.push(("lb-seqcst", lb("LB+sc", SeqCst, SeqCst)));
    // MP: T0: x=1; y=1 · T1: r0=y; r1=x; weak r0=1 r1=0.
    let mp = |name, data: MemOrder, flag_st: MemOrder, flag_ld: MemOrder, fences: bool| {
        let mut t0 = vec![st("x", 1, data), st("y", 1, flag_st)];
        let mut t1 = vec![ld("r0", "y", flag_ld), ld("r1", "x", data)];
        if fences {
            t0.insert(1, fence(Release));
            t1.insert(1, fence(Acquire));
        }
        litmus(name, vec![t0, t1], &[("1:r0", 1), ("1:r1", 0)])
    };
    out.push(("mp", mp("MP", Relaxed, Relaxed, Relaxed, false)));
    out.push((
        "mp-relacq",
        mp("MP+relacq", Relaxed, Release, Acquire, false),
    ));
    out.push((
        "mp-fences",
        mp("MP+fences", Relaxed, Relaxed, Relaxed, true),
    ));
    out.push(("mp-seqcst", mp("MP+sc", SeqCst, SeqCst, SeqCst, false)));
    // R: T0: x=1; y=1 · T1: y=2; r0=x; weak r0=0 y=2.
    let r = |name, mo: MemOrder, fences: bool| {
        let mut t0 = vec![st("x", 1, mo), st("y", 1, mo)];
        let mut t1 = vec![st("y", 2, mo), ld("r0", "x", mo)];
        if fences {
            t0.insert(1, fence(SeqCst));
            t1.insert(1, fence(SeqCst));
        }
        litmus(name, vec![t0, t1], &[("1:r0", 0), ("y", 2)])
    };
    out.push(("r", r("R", Relaxed, false)));
    out.push(("r-seqcst", r("R+sc", SeqCst, false)));
    out.push(("r-fences", r("R+fences", Relaxed, true)));
    // S: T0: x=2; y=1 · T1: r0=y; x=1; weak r0=1 x=2.
    let s = |name, y_st: MemOrder, y_ld: MemOrder, other: MemOrder| {
        litmus(
            name,
            vec![
                vec![st("x", 2, other), st("y", 1, y_st)],
                vec![ld("r0", "y", y_ld), st("x", 1, other)],
            ],
            &[("1:r0", 1), ("x", 2)],
        )
    };
    out.push(("s", s("S", Relaxed, Relaxed, Relaxed)));
    out.push(("s-relacq", s("S+relacq", Release, Acquire, Relaxed)));
    out.push(("s-seqcst", s("S+sc", SeqCst, SeqCst, SeqCst)));
    // 2+2W: T0: x=2; y=1 · T1: y=2; x=1; weak x=2 y=2.
    let w22 = |name, mo: MemOrder, fences: bool| {
        let mut t0 = vec![st("x", 2, mo), st("y", 1, mo)];
        let mut t1 = vec![st("y", 2, mo), st("x", 1, mo)];
        if fences {
            t0.insert(1, fence(SeqCst));
            t1.insert(1, fence(SeqCst));
        }
        litmus(name, vec![t0, t1], &[("x", 2), ("y", 2)])
    };
    out.push(("2+2w", w22("2+2W", Relaxed, false)));
    out.push(("2+2w-release", w22("2+2W+release", Release, false)));
    out.push(("2+2w-seqcst", w22("2+2W+sc", SeqCst, false)));
    out.push(("2+2w-fences", w22("2+2W+fences", Relaxed, true)));
    // CoRR: T0: x=1 · T1: r0=x; r1=x; weak r0=1 r1=0.
    out.push((
        "corr",
        litmus(
            "CoRR",
            vec![
                vec![st("x", 1, Relaxed)],
                vec![ld("r0", "x", Relaxed), ld("r1", "x", Relaxed)],
            ],
            &[("1:r0", 1), ("1:r1", 0)],
        ),
    ));
    // WRC: T0: x=1 · T1: r0=x; y=1 · T2: r1=y; r2=x; weak r0=1 r1=1 r2=0.
    let wrc = |name, x: MemOrder, y_st: MemOrder, y_ld: MemOrder| {
        litmus(
            name,
            vec![
                vec![st("x", 1, x)],
                vec![ld("r0", "x", x), st("y", 1, y_st)],
                vec![ld("r1", "y", y_ld), ld("r2", "x", x)],
            ],
            &[("1:r0", 1), ("2:r1", 1), ("2:r2", 0)],
        )
    };
    out.push(("wrc", wrc("WRC", Relaxed, Relaxed, Relaxed)));
    out.push(("wrc-relacq", wrc("WRC+relacq", Relaxed, Release, Acquire)));
    out.push(("wrc-seqcst", wrc("WRC+sc", SeqCst, SeqCst, SeqCst)));
    out.push(("iriw", iriw("IRIW", Relaxed, Relaxed, None)));
    out.push(("iriw-relacq", iriw("IRIW+relacq", Release, Acquire, None)));
    out.push(("iriw-seqcst", iriw("IRIW+sc", SeqCst, SeqCst, None)));
    out.push((
        "iriw-fences",
        iriw("IRIW+fences", Relaxed, Relaxed, Some(SeqCst)),
    ));
    out
}

/// IRIW, writers first: T0: x=1 · T1: y=1 · T2: r0=x; r1=y · T3: r2=y;
/// r3=x; weak r0=1 r1=0 r2=1 r3=0.
pub fn iriw(name: &str, s: MemOrder, l: MemOrder, f: Option<MemOrder>) -> Litmus {
    let reader = |a, b, ra, rb| {
        let mut v = vec![ld(ra, a, l), ld(rb, b, l)];
        if let Some(mo) = f {
            v.insert(1, fence(mo));
        }
        v
    };
    litmus(
        name,
        vec![
            vec![st("x", 1, s)],
            vec![st("y", 1, s)],
            reader("x", "y", "r0", "r1"),
            reader("y", "x", "r2", "r3"),
        ],
        &[("2:r0", 1), ("2:r1", 0), ("3:r2", 1), ("3:r3", 0)],
    )
}
