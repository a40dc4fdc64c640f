//! Explanations are checked, not read: every witness is consistent and has
//! its state, every forbidden state's cycle is a real cycle of the named
//! relation in every candidate execution with that state
//! (`check_explanation`, and `verified == candidates`), and explain agrees
//! with predict on every state.

mod common;

use common::*;
use orderhunt_oracle::explain::{
    all_targets, check_explanation, condition_targets, explain, render_text, StateExplanation,
    Verdict,
};
use orderhunt_oracle::{predict_all, Litmus, MemOrder, Model};
use proptest::prelude::*;

fn file(name: &str) -> Litmus {
    let path = format!("{}/../litmus/{name}.litmus", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    orderhunt_oracle::parse::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Explains every candidate state under every model, checks each
/// explanation, and checks it agrees with `predict`.
fn explain_all(t: &Litmus) -> Vec<StateExplanation> {
    let models = [
        Model::Sc,
        Model::X86Tso,
        Model::Armv8 { rcpc: false },
        Model::Armv8 { rcpc: true },
        Model::Rc11,
    ];
    let targets = all_targets(t).unwrap();
    let states = explain(t, &models, &targets).unwrap();
    let predictions = predict_all(t, &models).unwrap();
    for s in &states {
        check_explanation(t, s).unwrap_or_else(|e| {
            panic!(
                "{}: {}: {e}\n{}",
                t.name,
                s.state_text(t),
                render_text(t, s)
            )
        });
        for (m, p) in s.models.iter().zip(&predictions) {
            let allowed = p
                .allowed
                .iter()
                .any(|st| s.target.iter().all(|&(a, v)| t.value_of(st, a) == Some(v)));
            assert_eq!(
                matches!(m.verdict, Verdict::Allowed(_)),
                allowed,
                "{} {} {}: explain and predict disagree",
                t.name,
                s.state_text(t),
                m.model
            );
            assert!(
                !matches!(m.verdict, Verdict::Unreachable),
                "a candidate state"
            );
        }
    }
    states
}

/// For each shape (its variants together), every model allows one state
/// and forbids another, and those explanations check.
#[test]
fn every_model_allows_and_forbids_on_each_shape() {
    let shapes: [(&str, &[&str]); 5] = [
        ("SB", &["sb", "sb-seqcst"]),
        ("MP", &["mp", "mp-relacq"]),
        ("LB", &["lb", "lb-seqcst"]),
        ("IRIW", &["iriw", "iriw-seqcst"]),
        ("RMW", &["sb-xchg", "sb-xchg-seqcst", "rmw-fetch-add"]),
    ];
    for (shape, files) in shapes {
        let mut seen = std::collections::BTreeMap::<(Model, &str), usize>::new();
        for f in files {
            let t = file(f);
            // The condition's states as well as every state.
            for s in explain(&t, &Model::all(), &condition_targets(&t).unwrap()).unwrap() {
                check_explanation(&t, &s).unwrap();
            }
            for s in explain_all(&t) {
                for m in &s.models {
                    *seen.entry((m.model, m.verdict.word())).or_default() += 1;
                }
            }
        }
        for m in Model::all() {
            assert!(
                seen.contains_key(&(m, "allowed")),
                "{shape}: {m} allows nothing"
            );
            assert!(
                seen.contains_key(&(m, "forbidden")),
                "{shape}: {m} forbids nothing"
            );
        }
    }
}

fn verdict(s: &StateExplanation, m: Model) -> &Verdict {
    &s.model(m).unwrap().verdict
}

#[test]
fn the_classic_verdicts_and_their_reasons() {
    // MP: ARMv8 witness, x86-TSO's ghb cycle with both ppo edges.
    let t = file("mp");
    let s = &explain(&t, &Model::all(), &condition_targets(&t).unwrap()).unwrap()[0];
    let Verdict::Forbidden(r) = verdict(s, Model::X86Tso) else {
        panic!("x86 forbids MP")
    };
    assert_eq!(r.cycle.axiom, "tso");
    let rels: Vec<&str> = r.cycle.edges.iter().map(|e| e.rel.as_str()).collect();
    assert!(
        rels.contains(&"ppo W->W") && rels.contains(&"ppo R->R"),
        "{rels:?}"
    );
    let Verdict::Allowed(w) = verdict(s, Model::Armv8 { rcpc: false }) else {
        panic!("ARMv8 allows MP")
    };
    assert_eq!(w.relaxed.len(), 2, "both po edges are unordered on ARMv8");
    assert!(s
        .differences
        .iter()
        .any(|d| d.forbids == Model::X86Tso && d.allows == Model::Armv8 { rcpc: false }));

    // SB with seq_cst: RC11's psc cycle.
    let t = file("sb-seqcst");
    let s = &explain(&t, &Model::all(), &condition_targets(&t).unwrap()).unwrap()[0];
    let Verdict::Forbidden(r) = verdict(s, Model::Rc11) else {
        panic!("RC11 forbids SB+sc")
    };
    assert_eq!(r.cycle.axiom, "sc");
    assert_eq!(r.cycle.edges.len(), 4);
    assert!(r.cycle.edges.iter().all(|e| e.rel.starts_with("psc")));

    // SB relaxed: x86's store buffer.
    let t = file("sb");
    let s = &explain(&t, &Model::all(), &condition_targets(&t).unwrap()).unwrap()[0];
    let Verdict::Allowed(w) = verdict(s, Model::X86Tso) else {
        panic!("x86 allows SB")
    };
    assert!(w.sentence.contains("store buffer"), "{}", w.sentence);

    // LB: RC11's no-thin-air.
    let t = file("lb");
    let s = &explain(&t, &Model::all(), &condition_targets(&t).unwrap()).unwrap()[0];
    let Verdict::Forbidden(r) = verdict(s, Model::Rc11) else {
        panic!("RC11 forbids LB")
    };
    assert_eq!(r.cycle.axiom, "no-thin-air");

    // SB with relaxed exchanges: x86's locked instructions keep the
    // store before the load; ARMv8 does not.
    let t = file("sb-xchg");
    let s = &explain(&t, &Model::all(), &condition_targets(&t).unwrap()).unwrap()[0];
    let Verdict::Forbidden(r) = verdict(s, Model::X86Tso) else {
        panic!("x86 forbids SB with exchanges")
    };
    assert!(r.cycle.edges.iter().any(|e| e.rel == "implied (locked)"));
    assert!(matches!(
        verdict(s, Model::Armv8 { rcpc: false }),
        Verdict::Allowed(_)
    ));

    // Two relaxed increments cannot both read 0: no candidate execution
    // has a non-atomic RMW (the enumeration builds them atomic).
    let t = file("rmw-fetch-add");
    let s = &explain(&t, &Model::all(), &condition_targets(&t).unwrap()).unwrap()[0];
    assert!(s
        .models
        .iter()
        .all(|m| matches!(m.verdict, Verdict::Unreachable)));
}

#[test]
fn a_data_race_names_both_accesses() {
    let t = orderhunt_oracle::parse::parse(
        "C race\n{ x=0; y=0; }\nP0 (int* x, atomic_int* y) {\n  *x = 1;\n  atomic_store_explicit(y, 1, memory_order_relaxed);\n}\n\
         P1 (int* x, atomic_int* y) {\n  int r0 = atomic_load_explicit(y, memory_order_relaxed);\n  int r1 = *x;\n}\nexists (1:r0=1 /\\ 1:r1=0)\n",
    )
    .unwrap();
    let s = &explain(&t, &[Model::Rc11], &condition_targets(&t).unwrap()).unwrap()[0];
    check_explanation(&t, s).unwrap();
    let Verdict::Allowed(w) = verdict(s, Model::Rc11) else {
        panic!("a racy state is allowed (undefined)")
    };
    assert!(!w.races.is_empty());
    let text = w.race_sentence.as_deref().unwrap();
    assert!(
        text.contains("race") && text.contains("happens before"),
        "{text}"
    );
}

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

/// A random straight-line test over x and y (the shape of
/// tests/operational.rs's generator).
fn random_test(seed: u64) -> Litmus {
    let mut rng = Rng(seed | 1);
    let nthreads = 2 + rng.below(2) as usize;
    let any = [
        MemOrder::Relaxed,
        MemOrder::Acquire,
        MemOrder::Release,
        MemOrder::AcqRel,
        MemOrder::SeqCst,
    ];
    let mut threads = Vec::new();
    for _ in 0..nthreads {
        let len = 2 + rng.below(2) as usize;
        let mut code = Vec::new();
        for _ in 0..len {
            let loc = rng.pick(&["x", "y"]);
            let reg = rng.pick(&["r0", "r1"]);
            let v = 1 + rng.below(2) as i64;
            code.push(match rng.below(11) {
                0..=2 => ld(
                    reg,
                    loc,
                    rng.pick(&[MemOrder::Relaxed, MemOrder::Acquire, MemOrder::SeqCst]),
                ),
                3..=5 => st(
                    loc,
                    v,
                    rng.pick(&[MemOrder::Relaxed, MemOrder::Release, MemOrder::SeqCst]),
                ),
                6 => st_reg(loc, reg, rng.pick(&[MemOrder::Relaxed, MemOrder::Release])),
                7 => fetch_add(reg, loc, v, rng.pick(&any)),
                8 => xchg(reg, loc, v, rng.pick(&any)),
                _ => fence(rng.pick(&any)),
            });
        }
        threads.push(code);
    }
    litmus(&format!("random{seed}"), threads, &[])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// Across random tests, every state's explanation under every model
    /// checks (witness consistent, cycles verified in every candidate)
    /// and agrees with predict.
    #[test]
    fn every_explanation_is_valid(seed in any::<u64>()) {
        explain_all(&random_test(seed));
    }
}
