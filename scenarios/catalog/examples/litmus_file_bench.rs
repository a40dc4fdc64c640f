//! The interpreter's cost: the built-in `sb` scenario against
//! `litmus/sb.litmus` run through the interpreter (`interp`), same harness
//! settings, runs interleaved (the order alternates every run), on
//! unpinned std threads. Prints tests/s and weak outcomes/s of each run,
//! the medians, and the file's median rates over the built-in's.
//!
//! ```text
//! cargo run --release -p orderhunt-scenarios --example litmus_file_bench -- \
//!     [iterations] [runs] [builtin] [file]
//! ```
//!
//! Defaults: 2000000 iterations, 5 runs, `sb`, `litmus/sb.litmus` (from
//! the repository root). The file's weak outcome is its `exists`
//! condition; the built-in's is its shape's weak tuple.

use orderhunt_core::{
    Config, DynScenario, Expectation, HarnessKind, MemoryMode, OutcomeClass, Params, SyncMode,
    Tally, DEFAULT_SKEW,
};
use orderhunt_oracle::parse::parse;
use orderhunt_scenarios::find;
use orderhunt_scenarios::interp::leak_dyn;
use std::time::Instant;

fn run(sc: &'static dyn DynScenario, cfg: Config) -> (f64, f64) {
    let runner = sc.runner(cfg);
    let start = Instant::now();
    let tally: Tally = std::thread::scope(|s| {
        let r = &runner;
        let handles: Vec<_> = (0..r.threads())
            .map(|i| s.spawn(move || r.run_thread(i)))
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().expect("actor panicked"))
            .next()
            .expect("the leader returns the tally")
    });
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(tally.forbidden, 0, "{}: forbidden outcomes", sc.info().name);
    (tally.completed as f64 / secs, tally.anomalies as f64 / secs)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).filter(|s| *s != "-");
    let iterations: u64 = arg(0).map_or(2_000_000, |s| s.parse().expect("iterations"));
    let runs: usize = arg(1).map_or(5, |s| s.parse().expect("runs"));
    let builtin_name = arg(2).unwrap_or("sb");
    let default_file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../litmus/sb.litmus");
    let file = arg(3).unwrap_or(default_file);

    let builtin = find(builtin_name).unwrap_or_else(|| panic!("no scenario {builtin_name}"));
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let litmus = parse(&text).unwrap_or_else(|e| panic!("{file}:{e}"));
    let cond = litmus.clone();
    let interpreted = leak_dyn(
        "sb.litmus",
        litmus,
        Expectation::MayFail,
        Box::new(move |s| {
            if cond.satisfies(s) {
                OutcomeClass::Interesting
            } else {
                OutcomeClass::Acceptable
            }
        }),
    )
    .expect("fits the interpreter");

    let cfg = Config {
        iterations,
        harness: HarnessKind::Actors,
        batch: builtin.info().default_batch,
        memory: MemoryMode::Reuse,
        sync: SyncMode::Instance,
        shuffle: false,
        skew: DEFAULT_SKEW,
        seed: 0,
        stop_on_first: false,
        flag_group: 1,
        params: Params::default(),
    };
    println!(
        "{builtin_name} (built-in) vs {file} (interpreted): {iterations} iterations x {runs} runs each, interleaved; batch {}, sync instance, layout separate, memory reuse, skew {DEFAULT_SKEW}",
        cfg.batch
    );
    let (mut b_rate, mut b_weak, mut f_rate, mut f_weak) = (vec![], vec![], vec![], vec![]);
    for i in 0..runs {
        let order: [(&'static dyn DynScenario, bool); 2] = if i % 2 == 0 {
            [(builtin, true), (interpreted, false)]
        } else {
            [(interpreted, false), (builtin, true)]
        };
        for (sc, is_builtin) in order {
            let (rate, weak) = run(sc, cfg);
            println!(
                "  run {}: {:<12} {:>12.0} tests/s {:>12.0} weak/s",
                i + 1,
                if is_builtin {
                    "built-in"
                } else {
                    "interpreted"
                },
                rate,
                weak
            );
            if is_builtin {
                b_rate.push(rate);
                b_weak.push(weak);
            } else {
                f_rate.push(rate);
                f_weak.push(weak);
            }
        }
    }
    let (br, bw) = (median(&mut b_rate), median(&mut b_weak));
    let (fr, fw) = (median(&mut f_rate), median(&mut f_weak));
    println!("median built-in:    {br:>12.0} tests/s {bw:>12.0} weak/s");
    println!("median interpreted: {fr:>12.0} tests/s {fw:>12.0} weak/s");
    println!(
        "interpreted / built-in: tests/s {:.2}, weak/s {:.2}",
        fr / br,
        if bw > 0.0 { fw / bw } else { f64::NAN }
    );
}
