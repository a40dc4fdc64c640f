//! How long the oracle takes to decide IRIW (4 threads) and the rest of the
//! litmus catalog for every model, in one process (not a test: timings
//! vary with the machine).
//!
//! `cargo run --release -p orderhunt-oracle --example bench_iriw [rounds]`

#[path = "../tests/common/mod.rs"]
mod common;

use orderhunt_oracle::{enumerate, predict, predict_all, Model};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("rounds: a number"))
        .unwrap_or(21);
    let models = [
        Model::Sc,
        Model::X86Tso,
        Model::Armv8 { rcpc: false },
        Model::Armv8 { rcpc: true },
        Model::Rc11,
    ];
    let catalog = common::catalog();
    for name in ["iriw", "iriw-relacq", "iriw-fences"] {
        let t = &catalog.iter().find(|(n, _)| *n == name).unwrap().1;
        let stats = enumerate(t, |_| {}).unwrap();
        // Each model decided separately (one enumeration each), as
        // `predict` is called.
        let separate = median(
            (0..rounds)
                .map(|_| {
                    let start = Instant::now();
                    for m in Model::all() {
                        std::hint::black_box(predict(t, m).unwrap());
                    }
                    start.elapsed()
                })
                .collect(),
        );
        // All five from one enumeration.
        let shared = median(
            (0..rounds)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(predict_all(t, &models).unwrap());
                    start.elapsed()
                })
                .collect(),
        );
        println!(
            "{name}: {} candidates, {} executions; the 4 models by predict: {:.3} ms; \
             5 models by predict_all: {:.3} ms (median of {rounds})",
            stats.candidates,
            stats.executions,
            separate.as_secs_f64() * 1e3,
            shared.as_secs_f64() * 1e3,
        );
    }
    // A heavier 4-thread test: two writes per writer, four loads per
    // reader (6 561 rf choices times 4 co orders), to show the cost per
    // candidate execution.
    use common::*;
    let heavy = litmus(
        "IRIW+2W+4R",
        vec![
            vec![st("x", 1, Relaxed), st("x", 2, Relaxed)],
            vec![st("y", 1, Relaxed), st("y", 2, Relaxed)],
            vec![
                ld("r0", "x", Acquire),
                ld("r1", "y", Relaxed),
                ld("r2", "x", Relaxed),
                ld("r3", "y", SeqCst),
            ],
            vec![
                ld("r0", "y", Acquire),
                ld("r1", "x", Relaxed),
                ld("r2", "y", Relaxed),
                ld("r3", "x", SeqCst),
            ],
        ],
        &[("2:r0", 1), ("2:r1", 0), ("3:r0", 1), ("3:r1", 0)],
    );
    let stats = enumerate(&heavy, |_| {}).unwrap();
    let start = Instant::now();
    let preds = predict_all(&heavy, &models).unwrap();
    let took = start.elapsed();
    println!(
        "{}: {} candidates, {} executions; 5 models by predict_all: {:.1} ms ({:.2} us per candidate); allowed states: {}",
        heavy.name,
        stats.candidates,
        stats.executions,
        took.as_secs_f64() * 1e3,
        took.as_secs_f64() * 1e6 / stats.candidates as f64,
        preds.iter().map(|p| format!("{} {}", p.model, p.allowed.len())).collect::<Vec<_>>().join(", "),
    );
    let start = Instant::now();
    for (_, t) in &catalog {
        std::hint::black_box(predict_all(t, &models).unwrap());
    }
    println!(
        "whole catalog ({} tests), 5 models: {:.3} ms",
        catalog.len(),
        start.elapsed().as_secs_f64() * 1e3
    );
}
