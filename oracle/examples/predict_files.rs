//! Prints the oracle's verdicts for litmus files: per model the
//! observation and the number of allowed states, RC11's racy flag with the
//! racing accesses, and the time each file took (all four models from one
//! enumeration).
//!
//! `cargo run --release -p orderhunt-oracle --example predict_files -- FILE...`

use orderhunt_oracle::parse::parse;
use orderhunt_oracle::{predict_all, Model};
use std::time::Instant;

fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("a readable file");
        let t = match parse(&text) {
            Ok(t) => t,
            Err(e) => {
                println!("{path}:{e}");
                continue;
            }
        };
        let start = Instant::now();
        let ps = match predict_all(&t, &Model::all()) {
            Ok(ps) => ps,
            Err(e) => {
                println!("{path}: {e}");
                continue;
            }
        };
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let cols: Vec<String> = ps
            .iter()
            .map(|p| {
                format!(
                    "{}={}({})",
                    p.model,
                    p.observation.as_str(),
                    p.allowed.len()
                )
            })
            .collect();
        println!("{path}: {} [{ms:.1} ms]", cols.join(" "));
        for p in ps.iter().filter(|p| p.racy()) {
            let shown = t.shown();
            for (state, races) in &p.races {
                let r: Vec<String> = races.iter().map(|r| r.describe(&t)).collect();
                println!(
                    "  racy ({}) {}: {}",
                    p.model,
                    t.render_state(state, &shown),
                    r.join("; ")
                );
            }
        }
    }
}
