//! Every specimen through the real harness, one test per specimen.
//!
//! Natively these are quick smoke tests. Their main use is under Miri:
//! `scripts/miri.sh` runs each test on its own (`--exact`), because Miri
//! stops the whole test binary at the first undefined behaviour, and reads
//! Miri's verdict from its report: a wrong specimen must be reported
//! ("Undefined Behavior: Data race detected"), a right one must run clean.
//!
//! Under `cfg(miri)` the iteration counts shrink to what Miri can afford
//! (a few iterations; `-Zmiri-many-seeds` varies the schedule instead), and
//! only what Miri emulates is called: std threads, atomics, yields. The
//! actors harness runs in `leak` memory mode, the tool's default, whose
//! never-freed batches are why `scripts/miri.sh` passes `-Zmiri-ignore-leaks`.
#![cfg(not(loom))]

use orderhunt_core::harness::{Config, HarnessKind, MemoryMode, SyncMode};
use orderhunt_core::{Expectation, Observed, Params, Tally};
use orderhunt_scenarios as registry;

/// Iterations per harness run: enough natively to exercise several
/// batches, few enough under Miri (each costs seconds there).
const ITERATIONS: u64 = if cfg!(miri) { 4 } else { 2_000 };
/// Instances per batch: under Miri two batches of two.
const BATCH: usize = if cfg!(miri) { 2 } else { 64 };
/// Iterations of the spawn harness (the article's thread per iteration).
const SPAWN_ITERATIONS: u64 = if cfg!(miri) { 1 } else { 20 };

// `..default()` keeps this compiling when Params gains fields.
#[allow(clippy::needless_update)]
fn params() -> Params {
    // Counter specimens: a couple of increments per thread is enough for a
    // race to exist (Miri and loom see it on the first pair of accesses).
    Params {
        increments: if cfg!(miri) { 2 } else { 100 },
        ..Params::default()
    }
}

fn run(name: &str, harness: HarnessKind, iterations: u64) -> Tally {
    let sc = registry::find(name).unwrap_or_else(|| panic!("{name} is not registered"));
    let runner = sc.runner(Config {
        iterations,
        harness,
        batch: BATCH,
        memory: MemoryMode::Leak,
        sync: SyncMode::Instance,
        shuffle: false,
        skew: 0,
        seed: 0,
        stop_on_first: false,
        flag_group: 1,
        params: params(),
    });
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..runner.threads())
            .map(|i| {
                let r = &runner;
                s.spawn(move || r.run_thread(i))
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().expect("a harness thread panicked"))
            .next()
            .expect("one thread returns the tally")
    })
}

/// Runs `name` on both harnesses and checks what can be checked: every
/// iteration completes, and a right specimen shows no anomaly.
fn check(name: &str) {
    let sc = registry::find(name).unwrap();
    let expected = match sc.expected(&params()) {
        Observed::Int(v) => v,
        other => panic!("{name}: unexpected expected value {other}"),
    };
    for (harness, iterations) in [
        (HarnessKind::Actors, ITERATIONS),
        (HarnessKind::Spawn, SPAWN_ITERATIONS),
    ] {
        let t = run(name, harness, iterations);
        assert_eq!(t.completed, iterations, "{name} {harness:?}");
        if sc.info().expectation == Expectation::MustPass {
            assert_eq!(t.anomalies, 0, "{name} {harness:?}: {t:?}");
            assert_eq!(t.outcomes.get(&expected), Some(&iterations), "{name}");
        }
        // A wrong specimen's outcome is not asserted: on x86 it is usually
        // right by luck; under Miri the data race stops the run before.
    }
}

#[test]
fn counter_race() {
    check("counter-race");
}

#[test]
fn counter_atomic() {
    check("counter-atomic");
}

#[test]
fn array_passing() {
    check("array-passing");
}

#[test]
fn array_passing_fixed() {
    check("array-passing-fixed");
}

#[test]
fn arc_relaxed() {
    check("arc-relaxed");
}

#[test]
fn arc_acqrel() {
    check("arc-acqrel");
}

#[test]
fn arc_fence() {
    check("arc-fence");
}

/// `scripts/specimens.tsv`, the list the verification scripts walk, names
/// exactly the registry's specimens of the counter, array and arc families,
/// with their expectations. (Litmus-catalog families are not in it.)
#[cfg(not(miri))] // reads a file: Miri's isolation forbids it, and it checks no concurrency
#[test]
fn the_scripts_specimen_list_matches_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/specimens.tsv");
    let text = std::fs::read_to_string(path).expect("scripts/specimens.tsv");
    let listed: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut f = l.split('\t');
            let name = f.next().unwrap().to_string();
            let exp = f.next().expect("name<TAB>expectation").to_string();
            (name, exp)
        })
        .collect();
    let registered: Vec<(String, String)> = registry::all()
        .iter()
        .map(|s| s.info())
        .filter(|i| ["counter", "array", "arc"].contains(&i.family))
        .map(|i| (i.name.to_string(), i.expectation.as_str().to_string()))
        .collect();
    assert_eq!(listed, registered);
}
