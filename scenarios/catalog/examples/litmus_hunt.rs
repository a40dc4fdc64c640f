//! Measures a litmus hunt without the binary: tests/s and weak outcomes/s
//! over several runs, with the median, on unpinned std threads.
//!
//! ```text
//! cargo run --release -p orderhunt-scenarios --example litmus_hunt -- \
//!     sb [iterations] [runs] [batch] [sync] [layout] [memory] [shuffle] [skew]
//! ```
//!
//! Defaults: 10000000 iterations, 5 runs, the scenario's default batch,
//! `instance` sync, the default layout, `reuse` memory, no shuffle, the
//! default skew. `-` keeps an argument's default.

use orderhunt_core::{
    Config, HarnessKind, Layout, MemoryMode, Params, SyncMode, Tally, DEFAULT_SKEW,
};
use orderhunt_scenarios::find;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).filter(|s| *s != "-");
    let name = arg(0).unwrap_or("sb");
    let sc = find(name).unwrap_or_else(|| panic!("no scenario {name}"));
    let iterations: u64 = arg(1).map_or(10_000_000, |s| s.parse().expect("iterations"));
    let runs: usize = arg(2).map_or(5, |s| s.parse().expect("runs"));
    let batch: usize = arg(3).map_or(sc.info().default_batch, |s| s.parse().expect("batch"));
    let sync = arg(4).map_or(SyncMode::Instance, |s| SyncMode::parse(s).expect("sync"));
    let layout = arg(5).map_or(Layout::default(), |s| Layout::parse(s).expect("layout"));
    let memory = match arg(6).unwrap_or("reuse") {
        "leak" => MemoryMode::Leak,
        "arena" => MemoryMode::Arena,
        "reuse" => MemoryMode::Reuse,
        other => panic!("memory: {other}"),
    };
    let shuffle = arg(7).is_some_and(|s| s == "shuffle");
    let skew: u32 = arg(8).map_or(DEFAULT_SKEW, |s| s.parse().expect("skew"));
    let cfg = Config {
        iterations,
        harness: HarnessKind::Actors,
        batch,
        memory,
        sync,
        shuffle,
        skew,
        seed: 0,
        stop_on_first: false,
        flag_group: 1,
        params: Params {
            layout,
            ..Params::default()
        },
    };
    println!(
        "{name}: {iterations} iterations x {runs} runs, batch {batch}, sync {}, layout {}, memory {}, shuffle {shuffle}, skew {skew}",
        sync.as_str(),
        layout.as_str(),
        memory.as_str()
    );
    let mut rates = Vec::new();
    let mut weak_rates = Vec::new();
    for run in 0..runs {
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
        let weak = tally.anomalies;
        let rate = tally.completed as f64 / secs;
        let weak_rate = weak as f64 / secs;
        let hist: Vec<String> = tally
            .outcomes
            .iter()
            .map(|(&o, &c)| format!("{}: {c}", sc.render(o)))
            .collect();
        println!(
            "run {run}: {:.2} s, {:.3} M tests/s, {weak} anomalies ({:.3} %), {:.1} k anomalies/s, forbidden {} | {}",
            secs,
            rate / 1e6,
            100.0 * weak as f64 / tally.completed as f64,
            weak_rate / 1e3,
            tally.forbidden,
            hist.join(", ")
        );
        rates.push(rate);
        weak_rates.push(weak_rate);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    println!(
        "median: {:.3} M tests/s, {:.1} k anomalies/s",
        median(&mut rates) / 1e6,
        median(&mut weak_rates) / 1e3
    );
}
