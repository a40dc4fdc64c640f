//! `--copies`: several independent copies of a scenario merge into exact
//! totals, exact histograms and a first anomaly at a well-defined global
//! iteration (copy-major), also oversubscribed and unpinned (as on a
//! 2-CPU machine), over several rounds (`random`), on a stop request, and
//! through the binary.

use orderhunt::engine::{self, merge_copies, split_iterations};
use orderhunt::machine::placement::{plan, Copies, Plan, Request, Strategy};
use orderhunt::machine::topology::Topology;
use orderhunt_core::harness::MemoryMode;
use orderhunt_core::scenario::{Expectation, Info, Observed, OutcomeClass, Params, Scenario};
use orderhunt_core::{Config, HarnessKind, SyncMode, Tally};
use std::cell::Cell;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

// ---------------------------------------------------------------- merge

#[test]
fn shares_add_up_exactly() {
    assert_eq!(split_iterations(1000, 3), vec![334, 333, 333]);
    assert_eq!(split_iterations(2, 3), vec![1, 1, 0]);
    for (n, c) in [(0, 1), (7, 7), (u64::MAX, 5), (12345, 64)] {
        let s = split_iterations(n, c);
        assert_eq!(s.len(), c);
        assert_eq!(
            s.iter().copied().map(u128::from).sum::<u128>(),
            u128::from(n)
        );
        assert!(s.iter().max().unwrap() - s.iter().min().unwrap() <= 1);
    }
}

fn tally(values: &[(u64, bool)]) -> Tally {
    let mut t = Tally::new();
    for &(v, anomaly) in values {
        let class = if anomaly {
            OutcomeClass::Interesting
        } else {
            OutcomeClass::Acceptable
        };
        t.record(v, class);
    }
    t
}

#[test]
fn merge_is_copy_major() {
    let c0 = tally(&[(1, false); 10]);
    let mut c1 = tally(&[(1, false); 4]);
    c1.record(9, OutcomeClass::Interesting); // copy 1's 5th
    let mut c2 = tally(&[(1, false)]);
    c2.record(8, OutcomeClass::Forbidden); // copy 2's 2nd
    let m = merge_copies(&[c0.clone(), c1.clone(), c2.clone()]);
    assert_eq!(m.completed, 17);
    assert_eq!((m.anomalies, m.forbidden), (2, 1));
    assert_eq!(
        m.first_anomaly,
        Some((10 + 5, 9)),
        "copy 1's 5th, after copy 0's 10"
    );
    assert_eq!(m.outcomes[&1], 15);
    // An anomaly in copy 0 comes first whatever the others found.
    let mut c0b = c0.clone();
    c0b.record(3, OutcomeClass::Interesting);
    assert_eq!(merge_copies(&[c0b, c1, c2]).first_anomaly, Some((11, 3)));
    assert_eq!(merge_copies(&[]), Tally::new());
}

#[test]
fn merged_histogram_respects_the_bound() {
    use orderhunt_core::scenario::MAX_OUTCOMES;
    let a = tally(&(0..50).map(|v| (v, false)).collect::<Vec<_>>());
    let b = tally(&(40..100).map(|v| (v, false)).collect::<Vec<_>>());
    let m = merge_copies(&[a, b]);
    assert_eq!(m.completed, 110);
    assert_eq!(m.outcomes.len(), MAX_OUTCOMES);
    assert_eq!(m.outcomes.values().sum::<u64>() + m.other, 110);
    assert_eq!(m.outcomes[&45], 2, "values in both copies add up");
}

// ------------------------------------------- a deterministic scenario

/// Every instance records which copy made it and its number within that
/// copy. The leader thread of each copy makes the instances in order; the
/// engine names it `copy{c}-actor0` (`actor-0` for a lone copy 0), and a
/// thread-local counter numbers the instances. Copies 1 and up report an
/// anomaly at their 5th iteration, and every 7th; copy 0 never does.
struct Numbered;

static NUMBERED: Numbered = Numbered;

static NUMBERED_INFO: Info = Info {
    name: "numbered",
    family: "test",
    expectation: Expectation::MayFail,
    article: None,
    summary: "test scenario: deterministic anomalies per copy",
    actors: 2,
    spawn_first: 0,
    default_iterations: 1000,
    default_batch: 16,
    default_flag_group: 1,
    uses_increments: false,
    default_memory: MemoryMode::Reuse,
};

thread_local! {
    static SEQ: Cell<u64> = const { Cell::new(0) };
}

fn copy_of_this_thread() -> u64 {
    let name = std::thread::current().name().unwrap_or("").to_string();
    name.strip_prefix("copy")
        .and_then(|r| r.split('-').next())
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

struct Instance {
    tag: u64,
    touched: AtomicU64,
}

impl Scenario for Numbered {
    type Instance = Instance;
    fn info(&self) -> &'static Info {
        &NUMBERED_INFO
    }
    fn new_instance(&self, _: &Params) -> Instance {
        let seq = SEQ.with(|s| {
            s.set(s.get() + 1);
            s.get()
        });
        Instance {
            tag: copy_of_this_thread() << 32 | seq,
            touched: AtomicU64::new(0),
        }
    }
    fn act(&self, _: usize, i: &Instance, _: &Params) {
        // Relaxed: a counter the judge reads after the batch barrier.
        i.touched.fetch_add(1, Ordering::Relaxed);
    }
    fn observe(&self, i: &Instance, _: &Params) -> u64 {
        // Relaxed: the barrier before judging orders the actors' adds.
        assert_eq!(i.touched.load(Ordering::Relaxed), 2, "both actors ran");
        i.tag
    }
    fn classify(&self, tag: u64, _: &Params) -> OutcomeClass {
        let (copy, seq) = (tag >> 32, tag & 0xffff_ffff);
        if copy >= 1 && (seq == 5 || seq % 7 == 0) {
            OutcomeClass::Interesting
        } else {
            OutcomeClass::Acceptable
        }
    }
    fn expected(&self, _: &Params) -> Observed {
        Observed::Int(0)
    }
}

fn cfg(iterations: u64, stop_on_first: bool) -> Config {
    Config {
        iterations,
        harness: HarnessKind::Actors,
        batch: 16,
        // Arena: the leader makes every instance, so the thread-local
        // numbering above counts a copy's instances in order. (In reuse
        // memory actor 1 makes every other batch, on its own thread.)
        memory: MemoryMode::Arena,
        sync: SyncMode::Instance,
        shuffle: false,
        skew: 0,
        seed: 1,
        stop_on_first,
        flag_group: 1,
        params: Params::default(),
    }
}

/// Three copies of two actors on a 2-CPU machine: oversubscribed, so
/// unpinned, whatever machine runs the test.
fn oversubscribed_plan() -> Plan {
    let two = Topology::flat(&[0, 1]);
    let p = plan(
        &two,
        &[0, 1],
        2,
        2,
        Copies::N(3),
        &Request::Strategy(Strategy::Spread),
    )
    .unwrap();
    assert!(p.oversubscribed && p.groups.is_none());
    p
}

fn run(cfg: Config, plan: &Plan, stop: &(dyn Fn() -> bool + Sync)) -> engine::Outcome {
    // Each run starts its leader threads afresh, so the thread-local
    // numbering starts at 1 in every copy.
    engine::run_scenario(
        &NUMBERED,
        cfg,
        plan,
        &indicatif::ProgressBar::hidden(),
        stop,
    )
}

/// The anomalies copy `copy` shows in its first `n` iterations.
fn expected_anomalies(copy: u64, n: u64) -> u64 {
    if copy == 0 {
        0
    } else {
        (1..=n).filter(|&s| s == 5 || s % 7 == 0).count() as u64
    }
}

#[test]
fn oversubscribed_copies_merge_exactly() {
    let out = run(cfg(1000, false), &oversubscribed_plan(), &|| false);
    let t = &out.tally;
    assert!(!out.interrupted);
    assert_eq!(t.completed, 1000, "the total asked for");
    let per: Vec<u64> = out.copies.iter().map(|c| c.tally.completed).collect();
    assert_eq!(per, vec![334, 333, 333]);
    assert_eq!(t.outcomes.values().sum::<u64>() + t.other, 1000);
    let want: u64 = (0..3).map(|c| expected_anomalies(c, per[c as usize])).sum();
    assert_eq!(t.anomalies, want);
    // Copy-major: copy 1's 5th iteration, after copy 0's 334.
    assert_eq!(t.first_anomaly, Some((334 + 5, 1 << 32 | 5)));
    // Every copy numbered its own instances 1..=share, each once.
    for (c, copy) in out.copies.iter().enumerate() {
        assert_eq!(copy.pinned, vec![None, None], "unpinned");
        let local_first = copy.tally.first_anomaly.map(|f| f.0);
        assert_eq!(local_first, (c > 0).then_some(5));
    }
    assert_eq!(out.rounds, 1);
    assert!(out.pin_warning.unwrap().contains("oversubscribed"));
}

#[test]
fn stop_on_first_stops_every_copy_and_keeps_the_global_number() {
    let out = run(cfg(3_000_000, true), &oversubscribed_plan(), &|| false);
    let t = &out.tally;
    assert!(t.completed < 3_000_000, "stopped early");
    assert!(!out.interrupted, "stop-on-first is not an interruption");
    let per: Vec<u64> = out.copies.iter().map(|c| c.tally.completed).collect();
    assert_eq!(per.iter().sum::<u64>(), t.completed);
    let (global, tag) = t
        .first_anomaly
        .expect("copies 1 and 2 show one at their 5th");
    let copy = (tag >> 32) as usize;
    assert!(copy >= 1);
    let offset: u64 = per[..copy].iter().sum();
    assert_eq!(global, offset + (tag & 0xffff_ffff));
    assert_eq!(t.outcomes.values().sum::<u64>() + t.other, t.completed);
}

#[test]
fn a_stop_request_ends_every_copy_with_exact_counts() {
    let polls = AtomicU64::new(0);
    // Stop at the fifth poll of the engine (about 100 ms in).
    let stop = || polls.fetch_add(1, Ordering::Relaxed) >= 5;
    let out = run(cfg(u64::MAX / 2, false), &oversubscribed_plan(), &stop);
    assert!(out.interrupted);
    let t = &out.tally;
    let per: Vec<u64> = out.copies.iter().map(|c| c.tally.completed).collect();
    assert_eq!(per.iter().sum::<u64>(), t.completed);
    assert!(t.completed > 0);
    assert_eq!(t.outcomes.values().sum::<u64>() + t.other, t.completed);
    let want: u64 = (0..3).map(|c| expected_anomalies(c, per[c as usize])).sum();
    assert_eq!(t.anomalies, want);
}

#[test]
fn random_placement_runs_in_rounds_that_merge_exactly() {
    // One copy on this machine's real CPUs, redrawn every 64 batches of 4.
    let view = orderhunt::machine::cpus();
    let p = plan(
        &view.topology,
        &view.usable,
        view.budget.max(2),
        2,
        Copies::N(1),
        &Request::Strategy(Strategy::Random),
    )
    .unwrap();
    let c = Config {
        batch: 4,
        ..cfg(1000, false)
    };
    let out = run(c, &p, &|| false);
    assert_eq!(out.rounds, 4, "1000 iterations in rounds of 256");
    let t = &out.tally;
    assert_eq!(t.completed, 1000);
    assert_eq!(t.outcomes.values().sum::<u64>() + t.other, 1000);
    // Copy 0 never shows anomalies; its rounds number 1..=1000 in order
    // (each round's leader is a fresh thread, so its local counter
    // restarts: the tags repeat per round, the counts do not).
    assert_eq!(t.anomalies, 0);
}

// ------------------------------------------------------ the binary

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_orderhunt"))
}

fn run_json(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = bin().args(args).output().expect("run orderhunt");
    let code = out.status.code().unwrap_or(-1);
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (code, v, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn three_copies_through_the_binary() {
    let (code, v, err) = run_json(&[
        "run",
        "counter-atomic",
        "--iterations",
        "1000",
        "--copies",
        "3",
        "--json",
        "--seed",
        "5",
    ]);
    assert_eq!(code, 0, "{err}");
    let r = &v["results"][0];
    assert_eq!(r["iterations_completed"], 1000);
    assert_eq!(r["anomalies"], 0);
    let hist: u64 = r["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["count"].as_u64().unwrap())
        .sum();
    assert_eq!(hist, 1000);
    let s = &r["settings"];
    assert_eq!(s["copies"], 3);
    let p = &s["placement"];
    assert_eq!(p["iteration_order"], "copy-major");
    let per: Vec<u64> = p["copies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["iterations_completed"].as_u64().unwrap())
        .collect();
    assert_eq!(per, vec![334, 333, 333]);
    let budget = v["machine"]["topology"]["cpu_budget"].as_u64().unwrap();
    assert_eq!(p["oversubscribed"], budget < 6);
    if budget < 6 {
        assert!(
            err.contains("oversubscribed"),
            "the warning is shown: {err}"
        );
    }
}

#[test]
fn every_placement_works_or_exits_2_naming_what_is_missing() {
    for how in ["spread", "smt", "cluster", "cross", "random"] {
        let (code, v, err) = run_json(&[
            "run",
            "sb",
            "--iterations",
            "3000",
            "--placement",
            how,
            "--json",
            "--quiet",
        ]);
        match code {
            0 => {
                let p = &v["results"][0]["settings"]["placement"];
                assert_eq!(p["strategy"], how);
                assert_eq!(v["results"][0]["iterations_completed"], 3000);
            }
            2 => assert!(
                err.contains(&format!("--placement {how} needs")),
                "{how}: {err}"
            ),
            _ => panic!("{how}: exit {code}: {err}"),
        }
    }
    let (code, _, err) = run_json(&["run", "sb", "-n", "100", "--cpus", "0,99999"]);
    assert_eq!(code, 2);
    assert!(err.contains("CPU 99999"), "{err}");
    let (code, _, err) = run_json(&[
        "run", "sb", "-n", "100", "--cpus", "0,1", "2,3", "--copies", "1",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--copies 1 but --cpus gives 2"), "{err}");
    let (code, _, err) = run_json(&[
        "run",
        "sb",
        "-n",
        "100",
        "--harness",
        "spawn",
        "--placement",
        "cluster",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--harness spawn"), "{err}");
}

#[cfg(unix)]
#[test]
fn sigint_stops_every_copy_and_the_report_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let mut child = bin()
        .args([
            "run",
            "counter-atomic",
            "--iterations",
            "1000000000",
            "--copies",
            "3",
        ])
        .args(["--memory", "reuse"])
        .stderr(std::process::Stdio::null())
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let r = &v["results"][0];
    assert_eq!(v["interrupted"], true);
    let done = r["iterations_completed"].as_u64().unwrap();
    assert!(done > 0 && done < 1_000_000_000);
    let per: u64 = r["settings"]["placement"]["copies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["iterations_completed"].as_u64().unwrap())
        .sum();
    assert_eq!(per, done);
    let hist: u64 = r["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["count"].as_u64().unwrap())
        .sum();
    assert_eq!(hist, done);
}

// ------------------------------------------- reports, compare, HTML

mod common;

#[test]
fn old_reports_load_and_placement_differences_are_warned() {
    use orderhunt::compare::Comparison;
    use orderhunt::report::{CopyPlacement, PlacementRecord};
    // Reports written before placement was recorded still load.
    let x86 = common::read_fixture(&common::x86_fixture());
    let arm = common::read_fixture(&common::arm_fixture());
    assert!(x86.machine.topology.is_none());
    let s = &x86.results[0].settings;
    assert_eq!((s.copies, s.placement.is_none()), (1, true));
    assert!(s.placement_text().starts_with("not recorded"));

    let before = Comparison::build(
        &[
            ("x.json".into(), x86.clone()),
            ("a.json".into(), arm.clone()),
        ],
        0.05,
    );
    let before_warned = before
        .warnings
        .iter()
        .filter(|w| w.contains("cluster, 4 copies"))
        .count();
    assert_eq!(before_warned, 0);

    // Now the arm report's copies ran 4 to a machine, in clusters.
    let mut arm4 = arm.clone();
    for r in &mut arm4.results {
        r.settings.copies = 4;
        r.settings.placement = Some(PlacementRecord {
            strategy: "cluster".into(),
            oversubscribed: false,
            iteration_order: "copy-major".into(),
            rounds: 1,
            note: None,
            copies: (0..4)
                .map(|c| CopyPlacement {
                    cpus: vec![Some(2 * c), Some(2 * c + 1)],
                    relation: "same-cluster".into(),
                    iterations_completed: r.iterations_completed / 4,
                    anomalies: 0,
                    first_anomaly: None,
                })
                .collect(),
        });
    }
    // Two runs of one machine with different placements merge into one
    // column: that is warned too.
    let mut x86b = x86.clone();
    x86b.started_at = "2099-01-01T00:00:00Z".into();
    for (r, a) in x86b.results.iter_mut().zip(&arm4.results) {
        r.settings.placement = a.settings.placement.clone();
    }
    let one = Comparison::build(
        &[("x.json".into(), x86.clone()), ("y.json".into(), x86b)],
        0.05,
    );
    assert_eq!(one.machines.len(), 1);
    assert!(
        one.warnings
            .iter()
            .any(|w| w.contains("merges runs with different placements")),
        "{:?}",
        one.warnings
    );

    let cmp = Comparison::build(&[("x.json".into(), x86), ("a.json".into(), arm4)], 0.05);
    let warned: Vec<&String> = cmp
        .warnings
        .iter()
        .filter(|w| w.contains("placement differs"))
        .collect();
    assert!(!warned.is_empty(), "{:?}", cmp.warnings);
    assert!(
        warned[0].contains("cluster, 4 copies (same-cluster)"),
        "{}",
        warned[0]
    );
    let table = cmp.to_table();
    assert!(
        table.contains("Placement:") && table.contains("cluster, 4 copies"),
        "{table}"
    );
    assert!(cmp.to_markdown().contains("**Placement:**"));
    let html = orderhunt::export::html::render(&cmp);
    assert!(html.contains("Placement: ") && html.contains("cluster, 4 copies (same-cluster)"));
    assert!(html.contains("usable CPUs"));
}
