//! `orderhunt explain`: why each memory model allows or forbids a litmus
//! test's states: a witnessing execution, or the broken axiom and its
//! cycle, and what differs between the models (`orderhunt_oracle::explain`).

use crate::engine::explain::resolve;
use crate::error::{Error, Result};
use crate::export::{dot, file, svg};
use clap::Args;
use orderhunt_oracle::explain;
use orderhunt_oracle::Model;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A litmus file (herdtools7's C format) or a built-in litmus variant
    /// (`sb`, `mp-relacq`, `iriw`, ...).
    #[arg(value_name = "FILE.litmus|SCENARIO")]
    pub input: String,

    /// The state to explain, e.g. `1:r0=1 /\ 1:r1=0` or `r0=1 r1=0`
    /// (default: the states the condition is about).
    #[arg(value_name = "STATE")]
    pub state: Option<String>,

    /// Explain every state some candidate execution produces.
    #[arg(long, conflicts_with = "state")]
    pub all: bool,

    /// Also explain ARMv8 with acquire loads compiled to RCpc `LDAPR`.
    #[arg(long)]
    pub rcpc: bool,

    /// Write the execution graphs as graphviz DOT.
    #[arg(long, value_name = "FILE")]
    pub dot: Option<PathBuf>,

    /// Write the execution graphs as SVG (drawn by orderhunt; threads in
    /// columns, labelled edges, the verdict's edges in red).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// The terminal text of `explain` for a test and its targets.
pub fn text(
    litmus: &orderhunt_oracle::model::Litmus,
    origin: &str,
    states: &[explain::StateExplanation],
) -> String {
    let mut out = format!(
        "Test {} ({origin}): {} {}\n",
        litmus.name,
        litmus.condition.quantifier,
        orderhunt_oracle::parse::prop_text(litmus, &litmus.condition.prop)
    );
    for s in states {
        out.push('\n');
        out.push_str(&explain::render_text(litmus, s));
    }
    out
}

pub fn run(args: &ExplainArgs) -> Result<i32> {
    for (flag, p) in [("--dot", &args.dot), ("--svg", &args.svg)] {
        if let Some(p) = p {
            file::prepare_output(flag, p, false)?;
        }
    }
    let (litmus, origin) = resolve(&args.input)?;
    let oracle = |e: orderhunt_oracle::OracleError| Error::usage(format!("{}: {e}", args.input));
    let targets = match &args.state {
        Some(s) => vec![explain::parse_state(&litmus, s)
            .map_err(|e| Error::usage(format!("the state {s:?}: {e}")))?],
        None if args.all => explain::all_targets(&litmus).map_err(oracle)?,
        None => explain::condition_targets(&litmus).map_err(oracle)?,
    };
    let mut models = Model::all().to_vec();
    if args.rcpc {
        models.insert(3, Model::Armv8 { rcpc: true });
    }
    let states = explain::explain(&litmus, &models, &targets).map_err(oracle)?;
    print!("{}", text(&litmus, &origin, &states));
    if let Some(p) = &args.dot {
        file::write_atomic(p, dot::render(&litmus, &states).as_bytes())?;
    }
    if let Some(p) = &args.svg {
        file::write_atomic(p, svg::render(&litmus, &states).as_bytes())?;
    }
    Ok(0)
}
