//! How long explaining every state of 4-thread IRIW takes for all four
//! models (issue 19's budget: under 100 ms). Not a test: timings vary.
//!
//! `cargo run --release -p orderhunt-oracle --example bench_explain [rounds]`
//! (`scripts/bench.sh explain`)

use orderhunt_oracle::explain::{all_targets, explain};
use orderhunt_oracle::Model;
use std::time::{Duration, Instant};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("rounds: a number"))
        .unwrap_or(21);
    for name in ["iriw", "iriw-relacq", "iriw-fences", "iriw-seqcst"] {
        let path = format!("{}/../litmus/{name}.litmus", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("the catalog's litmus files");
        let t = orderhunt_oracle::parse::parse(&text).expect("parses");
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let start = Instant::now();
                let targets = all_targets(&t).unwrap();
                std::hint::black_box(explain(&t, &Model::all(), &targets).unwrap());
                start.elapsed()
            })
            .collect();
        times.sort();
        let states = all_targets(&t).unwrap().len();
        println!(
            "{name}: {states} states x 4 models explained in {:.2} ms (median of {rounds}; min {:.2} ms)",
            times[rounds / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3
        );
    }
}
