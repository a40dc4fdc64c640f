//! loom model checks of the litmus catalog: every outcome each variant can
//! produce under loom's model of the Rust memory model.
//!
//! * Relaxed (and other `may-fail`) variants: the weak outcome is
//!   reachable, except load buffering (below).
//! * Fixed (`must-pass`) variants: the weak outcome is unreachable, except
//!   where loom's SeqCst model is too weak (below).
//!
//! What loom cannot show, and what it wrongly shows (loom 0.7, its README's
//! "Unsupported features"):
//!
//! * Load buffering: a loom load only returns stores already executed, so
//!   `lb`'s weak outcome (each load reads the other thread's *later* store)
//!   never appears although the model allows it. It is left to ARM
//!   hardware; `lb_weak_beyond_loom` pins the limitation.
//! * SeqCst *accesses* are modelled as AcqRel (tokio-rs/loom#180), so the
//!   shapes whose fix needs the single total order S (SB, R, 2+2W, IRIW)
//!   show their weak outcome under loom with SeqCst accesses: a false
//!   alarm. `fence(SeqCst)` is modelled, so each of those shapes'
//!   `-fences` variant is checked instead; `*_seqcst_loom_false_alarm`
//!   pins the limitation (if loom fixes it, those tests fail and should
//!   become `assert_unreachable`).
//!
//! Each test prints `loom-verdict: NAME EXPECTED GOT` (GOT one of
//! `weak-reachable`, `weak-unreachable`, `beyond-loom`, `false-alarm`,
//! `impossible-outcome`) and `loom-detail: NAME OUTCOMES`, which
//! `scripts/loom.sh` collects into the verdict table.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p orderhunt-scenarios --release
//! --test loom_litmus`.
#![cfg(loom)]

use loom::sync::Arc;
use orderhunt_core::{Layout, OutcomeClass, Params, Scenario};
use orderhunt_scenarios::find;
use orderhunt_scenarios::litmus::{Litmus, LitmusInstance};
use std::collections::BTreeMap;
use std::sync::Mutex;

fn variant(name: &str) -> &'static Litmus {
    orderhunt_scenarios::litmus::variants()
        .find(|v| v.info.name == name)
        .unwrap_or_else(|| panic!("{name} is not a litmus variant"))
}

/// Every outcome loom finds for variant `name`, with how many executions
/// produced it.
fn explore(name: &str) -> BTreeMap<u64, u64> {
    assert!(find(name).is_some());
    let v = variant(name);
    let seen: &'static Mutex<BTreeMap<u64, u64>> = Box::leak(Box::default());
    loom::model(move || {
        let params = Params {
            layout: Layout::default(),
            ..Params::default()
        };
        let instance = Arc::new(LitmusInstance::new());
        let handles: Vec<_> = (1..v.shape.actors)
            .map(|role| {
                let instance = instance.clone();
                loom::thread::spawn(move || v.act(role, &instance, &params))
            })
            .collect();
        v.act(0, &instance, &params);
        for h in handles {
            h.join().unwrap();
        }
        // Joining makes every actor's accesses happen-before the judge.
        let observed = v.observe(&instance, &params);
        *seen.lock().unwrap().entry(observed).or_default() += 1;
    });
    let seen = seen.lock().unwrap().clone();
    seen
}

fn show(name: &str, seen: &BTreeMap<u64, u64>) -> String {
    let v = variant(name);
    seen.iter()
        .map(|(&o, &n)| format!("{}: {n}", v.render(o)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// No outcome but the SC ones and (if allowed) the weak one.
fn assert_no_impossible(name: &str, seen: &BTreeMap<u64, u64>) {
    let v = variant(name);
    for &o in seen.keys() {
        if o != v.shape.weak_code() {
            assert_eq!(
                v.classify(o, &Params::default()),
                OutcomeClass::Acceptable,
                "{name}: impossible outcome in {}",
                show(name, seen)
            );
        }
    }
}

/// Prints the test's machine-readable lines, collected by `scripts/loom.sh`
/// into the verdict table: `loom-verdict: NAME EXPECTED GOT` and
/// `loom-detail: NAME OUTCOMES`. Printed before the test's assertions, so a
/// failing test shows what loom saw instead of a missing row.
fn verdict_line(name: &str, expected: &str, got: &str, seen: &BTreeMap<u64, u64>) {
    let executions: u64 = seen.values().sum();
    println!("loom-verdict: {name} {expected} {got}");
    println!(
        "loom-detail: {name} {} in {executions} executions",
        show(name, seen)
    );
}

/// Whether any outcome is neither SC nor the weak one.
fn has_impossible(name: &str, seen: &BTreeMap<u64, u64>) -> bool {
    let v = variant(name);
    seen.keys().any(|&o| {
        o != v.shape.weak_code() && v.classify(o, &Params::default()) != OutcomeClass::Acceptable
    })
}

/// The verdict word for what loom saw: `if_reached` when the weak outcome
/// was reached, `if_not` when not, `impossible-outcome` when loom produced
/// a tuple no execution can.
fn verdict(name: &str, seen: &BTreeMap<u64, u64>, if_reached: &str, if_not: &str) -> String {
    if has_impossible(name, seen) {
        "impossible-outcome".into()
    } else if seen.contains_key(&variant(name).shape.weak_code()) {
        if_reached.into()
    } else {
        if_not.into()
    }
}

fn assert_reachable(name: &str) {
    let seen = explore(name);
    let got = verdict(name, &seen, "weak-reachable", "weak-unreachable");
    verdict_line(name, "weak-reachable", &got, &seen);
    assert_no_impossible(name, &seen);
    assert_eq!(variant(name).weak, OutcomeClass::Interesting);
    assert!(
        seen.contains_key(&variant(name).shape.weak_code()),
        "{name}: weak outcome not reached; loom saw {}",
        show(name, &seen)
    );
}

/// `expected` is `weak-unreachable`, or `beyond-loom` for LB (allowed by
/// the model, but loom has no load buffering).
fn assert_unreachable_as(name: &str, expected: &str) {
    let seen = explore(name);
    let got = verdict(name, &seen, "weak-reachable", expected);
    verdict_line(name, expected, &got, &seen);
    assert_no_impossible(name, &seen);
    assert!(
        !seen.contains_key(&variant(name).shape.weak_code()),
        "{name}: weak outcome reached: {}",
        show(name, &seen)
    );
}

fn assert_unreachable(name: &str) {
    assert_unreachable_as(name, "weak-unreachable");
}

/// A `must-pass` variant whose weak outcome loom wrongly reaches because it
/// models SeqCst accesses as AcqRel (see the module doc).
fn assert_loom_false_alarm(name: &str) {
    assert_eq!(variant(name).weak, OutcomeClass::Forbidden);
    let seen = explore(name);
    let got = verdict(name, &seen, "false-alarm", "weak-unreachable");
    verdict_line(name, "false-alarm", &got, &seen);
    assert_no_impossible(name, &seen);
    assert!(
        seen.contains_key(&variant(name).shape.weak_code()),
        "{name}: loom no longer reaches the weak outcome: its SeqCst model \
         improved; make this test assert_unreachable. Saw {}",
        show(name, &seen)
    );
}

// Relaxed variants: the weak outcome is reachable.

#[test]
fn sb_weak_reachable() {
    assert_reachable("sb");
}
#[test]
fn sb_relacq_weak_reachable() {
    assert_reachable("sb-relacq");
}
#[test]
fn mp_weak_reachable() {
    assert_reachable("mp");
}
#[test]
fn r_weak_reachable() {
    assert_reachable("r");
}
#[test]
fn wrc_weak_reachable() {
    assert_reachable("wrc");
}
#[test]
fn iriw_weak_reachable() {
    assert_reachable("iriw");
}
#[test]
fn iriw_relacq_weak_reachable() {
    assert_reachable("iriw-relacq");
}

#[test]
fn s_weak_reachable() {
    assert_reachable("s");
}
#[test]
fn w22_weak_reachable() {
    assert_reachable("2+2w");
}
#[test]
fn w22_release_weak_reachable() {
    assert_reachable("2+2w-release");
}

// Allowed by the model, but beyond loom (see the module doc).

#[test]
fn lb_weak_beyond_loom() {
    assert_eq!(variant("lb").weak, OutcomeClass::Interesting);
    assert_unreachable_as("lb", "beyond-loom");
}

// SeqCst accesses: loom's false alarms (see the module doc); the -fences
// variants of the same shapes are checked below.

#[test]
fn sb_seqcst_loom_false_alarm() {
    assert_loom_false_alarm("sb-seqcst");
}
#[test]
fn r_seqcst_loom_false_alarm() {
    assert_loom_false_alarm("r-seqcst");
}
#[test]
fn w22_seqcst_loom_false_alarm() {
    assert_loom_false_alarm("2+2w-seqcst");
}
#[test]
fn iriw_seqcst_loom_false_alarm() {
    assert_loom_false_alarm("iriw-seqcst");
}

// Fixed variants (and CoRR): the weak outcome is unreachable.

#[test]
fn sb_fences_weak_unreachable() {
    assert_unreachable("sb-fences");
}
#[test]
fn lb_relacq_weak_unreachable() {
    assert_unreachable("lb-relacq");
}
#[test]
fn lb_seqcst_weak_unreachable() {
    assert_unreachable("lb-seqcst");
}
#[test]
fn mp_relacq_weak_unreachable() {
    assert_unreachable("mp-relacq");
}
#[test]
fn mp_fences_weak_unreachable() {
    assert_unreachable("mp-fences");
}
#[test]
fn mp_seqcst_weak_unreachable() {
    assert_unreachable("mp-seqcst");
}
#[test]
fn r_fences_weak_unreachable() {
    assert_unreachable("r-fences");
}
#[test]
fn s_relacq_weak_unreachable() {
    assert_unreachable("s-relacq");
}
#[test]
fn s_seqcst_weak_unreachable() {
    assert_unreachable("s-seqcst");
}
#[test]
fn w22_fences_weak_unreachable() {
    assert_unreachable("2+2w-fences");
}
#[test]
fn corr_weak_unreachable() {
    assert_unreachable("corr");
}
#[test]
fn wrc_relacq_weak_unreachable() {
    assert_unreachable("wrc-relacq");
}
#[test]
fn wrc_seqcst_weak_unreachable() {
    assert_unreachable("wrc-seqcst");
}
#[test]
fn iriw_fences_weak_unreachable() {
    assert_unreachable("iriw-fences");
}
