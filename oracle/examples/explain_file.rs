//! Prints the oracle's explanations of a litmus file's condition states
//! (or of the state given), for every model.
//!
//! `cargo run --release -p orderhunt-oracle --example explain_file FILE.litmus [STATE]`

use orderhunt_oracle::explain::{condition_targets, explain, parse_state, render_text};
use orderhunt_oracle::Model;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("a litmus file");
    let text = std::fs::read_to_string(&path).expect("readable");
    let t = orderhunt_oracle::parse::parse(&text).expect("parses");
    let targets = match args.next() {
        Some(s) => vec![parse_state(&t, &s).expect("a state")],
        None => condition_targets(&t).expect("decidable"),
    };
    for s in explain(&t, &Model::all(), &targets).expect("decidable") {
        print!("{}", render_text(&t, &s));
    }
}
