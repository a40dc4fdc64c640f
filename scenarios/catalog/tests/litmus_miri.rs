//! The litmus catalog under Miri: every variant, a few iterations each.
//!
//! Every shared access of a litmus variant is an atomic, so Miri must find
//! no data race and no undefined behaviour in any of them: that is the
//! verdict `scripts/miri.sh` records per variant. Miri's weak-memory
//! emulation also lets some loads return older stores, so some weak
//! outcomes show up; the test prints each variant's outcome histogram
//! (and checks that no outcome is one no execution can produce).
//!
//! One test walks every variant, because each `cargo miri test` start-up
//! costs seconds and Miri stops the binary at the first undefined
//! behaviour anyway. The script reads each variant's `miri-litmus: NAME
//! ...` verdict line (one per seed, each seed in its own log), and names a
//! failure from the test's own output: the actors run on threads named
//! `litmus:NAME:ROLE`, which Miri's report names, and every assertion
//! message starts with the variant's name. Each iteration spawns the actors as std threads on a fresh
//! instance and joins them before judging, as the loom tests do: the
//! harness's own synchronization is checked by the crate's unit tests, and
//! without it these runs stay cheap under Miri.
#![cfg(not(loom))]

use orderhunt_core::{OutcomeClass, Params, Scenario};
use orderhunt_scenarios::litmus::{variants, Litmus, LitmusInstance};
use std::collections::BTreeMap;

/// Iterations per variant: a few under Miri (seeds vary the schedule and
/// the weak-memory choices), more natively.
const ITERATIONS: u64 = if cfg!(miri) { 6 } else { 200 };

/// One iteration: every role on its own thread named `litmus:NAME:ROLE`,
/// so a report from Miri (which names the threads of a data race) says
/// which variant it came from, whatever was printed last.
fn run_once(v: &'static Litmus, params: &Params) -> u64 {
    let instance = LitmusInstance::new();
    std::thread::scope(|s| {
        let instance = &instance;
        for role in 0..v.shape.actors {
            std::thread::Builder::new()
                .name(format!("litmus:{}:{role}", v.info.name))
                .spawn_scoped(s, move || v.act(role, instance, params))
                .expect("spawn a litmus actor");
        }
    });
    // The scope joined every actor: their accesses happen-before this.
    v.observe(&instance, params)
}

#[test]
fn every_litmus_variant_runs_clean() {
    let params = Params::default();
    for v in variants() {
        let name = v.info.name;
        println!("miri-litmus-start: {name}");
        let mut seen: BTreeMap<u64, u64> = BTreeMap::new();
        for _ in 0..ITERATIONS {
            *seen.entry(run_once(v, &params)).or_default() += 1;
        }
        let weak = seen.get(&v.shape.weak_code()).copied().unwrap_or(0);
        let histogram = seen
            .iter()
            .map(|(&o, &n)| format!("{}: {n}", v.shape.render(o)))
            .collect::<Vec<_>>()
            .join(", ");
        println!("miri-litmus: {name} weak {weak} of {ITERATIONS}; {histogram}");
        for &o in seen.keys() {
            if o != v.shape.weak_code() {
                assert_eq!(
                    v.classify(o, &params),
                    OutcomeClass::Acceptable,
                    "{name}: impossible outcome in {histogram}"
                );
            }
        }
    }
}

/// `scripts/litmus.tsv`, the list the verification scripts walk, names
/// exactly the catalog's variants, in order, with the model's verdict on
/// each weak outcome.
#[cfg(not(miri))] // reads a file: Miri's isolation forbids it
#[test]
fn the_scripts_litmus_list_matches_the_catalog() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/litmus.tsv");
    let text = std::fs::read_to_string(path).expect("scripts/litmus.tsv");
    let listed: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut f = l.split('\t');
            let name = f.next().unwrap().to_string();
            let model = f.next().expect("name<TAB>model<TAB>loom").to_string();
            assert!(f.next().is_some(), "{name}: no loom column");
            (name, model)
        })
        .collect();
    let catalog: Vec<(String, String)> = variants()
        .map(|v| {
            let model = match v.weak {
                OutcomeClass::Interesting => "allowed",
                _ => "forbidden",
            };
            (v.info.name.to_string(), model.to_string())
        })
        .collect();
    assert_eq!(listed, catalog);
}
