//! Cross-checks of the axiomatic oracle against operational machines, on
//! random small litmus tests (a fixed-seed xorshift generator, so runs are
//! reproducible):
//!
//! * SC: every interleaving of the threads' instructions over one memory
//!   (Lamport's definition) gives exactly the states the axiomatic SC
//!   check allows;
//! * x86-TSO: the store-buffer machine of Owens, Sarkar, Sewell (TPHOLs
//!   2009) / Sewell et al. (CACM 2010) (each thread's stores go to its FIFO
//!   buffer, loads read their own buffer first, buffers drain to memory at
//!   any time; locked instructions and MFENCE wait for an empty buffer) on
//!   the compiled code gives exactly the states the axiomatic x86-TSO
//!   check allows;
//! * inclusions the theory promises: SC ⊆ every model ⊆ candidates;
//!   x86-TSO ⊆ RC11 (the C11 → x86 mapping is correct for RC11: Lahav et
//!   al. PLDI 2017, §5); ARMv8 ⊆ ARMv8 with RCpc (`LDAPR` only drops the
//!   `[L]; po; [A]` ordering).

mod common;

use common::*;
use orderhunt_oracle::{
    candidate_states, predict_all, Instr, Litmus, MemOrder, Model, Operand, RmwOp, State, Value,
};
use std::collections::{BTreeSet, HashSet, VecDeque};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const LOCS: [&str; 2] = ["x", "y"];
const REGS: [&str; 2] = ["r0", "r1"];

/// A random test: 2 or 3 threads of 2 or 3 instructions over x and y,
/// mostly loads and stores.
fn random_test(rng: &mut Rng, k: usize) -> Litmus {
    let nthreads = 2 + rng.below(2) as usize;
    let mut threads = Vec::new();
    for _ in 0..nthreads {
        let len = 2 + rng.below(2) as usize;
        let mut code = Vec::new();
        for _ in 0..len {
            let loc = rng.pick(&LOCS);
            let reg = rng.pick(&REGS);
            let v = 1 + rng.below(2) as i64;
            let any = [
                MemOrder::Relaxed,
                MemOrder::Acquire,
                MemOrder::Release,
                MemOrder::AcqRel,
                MemOrder::SeqCst,
            ];
            code.push(match rng.below(12) {
                0..=2 | 9 => ld(
                    reg,
                    loc,
                    rng.pick(&[MemOrder::Relaxed, MemOrder::Acquire, MemOrder::SeqCst]),
                ),
                3 | 10 | 11 => st(
                    loc,
                    v,
                    rng.pick(&[MemOrder::Relaxed, MemOrder::Release, MemOrder::SeqCst]),
                ),
                4 => st_reg(
                    loc,
                    reg,
                    rng.pick(&[MemOrder::Relaxed, MemOrder::Release, MemOrder::SeqCst]),
                ),
                5 => fetch_add(reg, loc, v, rng.pick(&any)),
                6 => xchg(reg, loc, v, rng.pick(&any)),
                7 => cas(
                    reg,
                    loc,
                    rng.pick(&["r0", "e"]),
                    v,
                    rng.pick(&any),
                    rng.pick(&[MemOrder::Relaxed, MemOrder::Acquire, MemOrder::SeqCst]),
                ),
                _ => fence(rng.pick(&any)),
            });
        }
        threads.push(code);
    }
    litmus(&format!("random{k}"), threads, &[])
}

fn operand(op: &Operand, regs: &[Value]) -> Value {
    match op {
        Operand::Const(c) => *c,
        Operand::Reg(r) => regs[*r],
    }
}

/// The machine state: per thread (pc, registers, store buffer), and memory.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Machine {
    pcs: Vec<usize>,
    regs: Vec<Vec<Value>>,
    buffers: Vec<VecDeque<(usize, Value)>>,
    mem: Vec<Value>,
}

/// Runs the machine exhaustively; `tso` selects store buffers (else SC).
fn operational(t: &Litmus, tso: bool) -> BTreeSet<State> {
    let start = Machine {
        pcs: vec![0; t.threads.len()],
        regs: t.threads.iter().map(|th| vec![0; th.regs.len()]).collect(),
        buffers: vec![VecDeque::new(); t.threads.len()],
        mem: t.init.clone(),
    };
    let mut seen = HashSet::new();
    let mut stack = vec![start];
    let mut finals = BTreeSet::new();
    while let Some(m) = stack.pop() {
        if !seen.insert(m.clone()) {
            continue;
        }
        let mut done = true;
        for (ti, th) in t.threads.iter().enumerate() {
            // Drain the oldest buffered store.
            if let Some(&(l, v)) = m.buffers[ti].front() {
                done = false;
                let mut n = m.clone();
                n.buffers[ti].pop_front();
                n.mem[l] = v;
                stack.push(n);
            }
            let Some(instr) = th.instrs.get(m.pcs[ti]) else {
                continue;
            };
            done = false;
            let empty = m.buffers[ti].is_empty();
            let read = |m: &Machine, l: usize| {
                m.buffers[ti]
                    .iter()
                    .rev()
                    .find(|(bl, _)| *bl == l)
                    .map_or(m.mem[l], |&(_, v)| v)
            };
            let mut n = m.clone();
            n.pcs[ti] += 1;
            match instr {
                Instr::Assign { dst, value } => n.regs[ti][*dst] = operand(value, &m.regs[ti]),
                Instr::Load { dst, loc, .. } => n.regs[ti][*dst] = read(&m, *loc),
                Instr::Store { loc, value, mo } => {
                    let v = operand(value, &m.regs[ti]);
                    if !tso {
                        n.mem[*loc] = v;
                    } else if *mo == MemOrder::SeqCst {
                        // XCHG: locked, waits for the buffer to drain.
                        if !empty {
                            continue;
                        }
                        n.mem[*loc] = v;
                    } else {
                        n.buffers[ti].push_back((*loc, v));
                    }
                }
                Instr::Rmw {
                    dst,
                    loc,
                    op,
                    operand: o,
                    ..
                } => {
                    if tso && !empty {
                        continue;
                    }
                    let old = m.mem[*loc];
                    n.mem[*loc] = op.apply(old, operand(o, &m.regs[ti]));
                    if let Some(d) = dst {
                        n.regs[ti][*d] = old;
                    }
                }
                Instr::Cas {
                    dst,
                    loc,
                    expected,
                    desired,
                    ..
                } => {
                    if tso && !empty {
                        continue;
                    }
                    let old = m.mem[*loc];
                    let ok = old == m.regs[ti][*expected];
                    if ok {
                        n.mem[*loc] = operand(desired, &m.regs[ti]);
                    } else {
                        n.regs[ti][*expected] = old;
                    }
                    if let Some(d) = dst {
                        n.regs[ti][*d] = ok as Value;
                    }
                }
                Instr::Fence { mo } => {
                    if tso && *mo == MemOrder::SeqCst && !empty {
                        continue;
                    }
                }
            }
            stack.push(n);
        }
        if done {
            let mut state: State = m.regs.iter().flatten().copied().collect();
            state.extend(&m.mem);
            finals.insert(state);
        }
    }
    finals
}

#[test]
fn axiomatic_matches_operational_on_random_tests() {
    let models = [
        Model::Sc,
        Model::X86Tso,
        Model::Armv8 { rcpc: false },
        Model::Armv8 { rcpc: true },
        Model::Rc11,
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut differ_sc_tso = 0;
    let mut differ_tso_arm = 0;
    for k in 0..1000 {
        let t = random_test(&mut rng, k);
        let preds = predict_all(&t, &models).unwrap();
        let cands = candidate_states(&t).unwrap();
        let [sc, tso, arm, rcpc, rc11] = [0, 1, 2, 3, 4].map(|i| &preds[i].allowed);
        assert_eq!(*sc, operational(&t, false), "SC on {t:#?}");
        assert_eq!(*tso, operational(&t, true), "x86-TSO on {t:#?}");
        for p in &preds {
            assert!(sc.is_subset(&p.allowed), "{} ⊉ SC on {t:#?}", p.model);
            assert!(p.allowed.is_subset(&cands), "{} ⊄ candidates", p.model);
        }
        assert!(tso.is_subset(rc11), "x86-TSO ⊄ RC11 on {t:#?}");
        assert!(arm.is_subset(rcpc), "ARMv8 ⊄ ARMv8+RCpc on {t:#?}");
        differ_sc_tso += (sc != tso) as usize;
        differ_tso_arm += (tso != arm) as usize;
    }
    eprintln!("SC != TSO on {differ_sc_tso} tests, TSO != ARMv8 on {differ_tso_arm}");
    // The generator does produce weak behaviours, so the comparison is not
    // vacuous.
    assert!(differ_sc_tso >= 20, "{differ_sc_tso}");
    assert!(differ_tso_arm >= 60, "{differ_tso_arm}");
}

#[test]
fn operational_machines_see_the_classic_shapes() {
    // Sanity of the machines themselves: TSO shows SB's weak outcome and
    // not MP's; SC shows neither.
    let catalog = catalog();
    let get = |name: &str| &catalog.iter().find(|(n, _)| *n == name).unwrap().1;
    let weak = |t: &Litmus, tso| operational(t, tso).iter().any(|s| t.satisfies(s));
    assert!(weak(get("sb"), true) && !weak(get("sb"), false));
    assert!(!weak(get("sb-seqcst"), true) && !weak(get("sb-fences"), true));
    assert!(!weak(get("mp"), true) && weak(get("r"), true));
    let _ = RmwOp::Add;
}
