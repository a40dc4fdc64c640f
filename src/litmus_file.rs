//! C litmus files (herdtools7's format) on the fast engine, judged by the
//! memory-model oracle, with litmus7's log lines.
//!
//! `orderhunt run path/to/test.litmus` (several files, or a folder) parses
//! each file, asks the oracle which final states RC11, SC, x86-TSO and ARMv8
//! allow, and runs the test on the actors harness through the interpreter.
//! An observed state is judged by the oracle:
//!
//! * a state RC11 forbids (or no candidate execution produces at all):
//!   `forbidden`, exit 1;
//! * a state the condition is about (it satisfies an `exists` or `~exists`
//!   proposition, or violates a `forall` one): `interesting`;
//! * any other: `acceptable`.
//!
//! A test is `may-fail` when RC11 allows one of its interesting states.

use crate::error::{Error, Result};
use orderhunt_oracle::model::{Litmus, Observation, Quantifier, State};
use orderhunt_oracle::{Model, Prediction};
use orderhunt_scenarios::interp::LitmusSource;
use orderhunt_scenarios::{DynScenario, Expectation, OutcomeClass};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One loaded file.
pub struct Loaded {
    pub path: PathBuf,
    pub scenario: &'static dyn DynScenario,
    pub source: &'static dyn LitmusSource,
    /// Per model, in `Model::all()` order.
    pub predictions: Vec<Prediction>,
}

static LOADED: Mutex<Vec<&'static Loaded>> = Mutex::new(Vec::new());

/// Whether a `run` argument names a file or folder rather than a scenario.
pub fn is_path(arg: &str) -> bool {
    arg.ends_with(".litmus") || arg.contains('/') || Path::new(arg).is_dir()
}

/// The `.litmus` files an argument names: itself, or a folder's files
/// (sorted, not recursive).
pub fn files_of(arg: &str) -> Result<Vec<PathBuf>> {
    let p = Path::new(arg);
    if p.is_dir() {
        let mut out: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| Error::io(format!("cannot read the folder {arg}"), e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "litmus"))
            .collect();
        out.sort();
        if out.is_empty() {
            return Err(Error::usage(format!(
                "the folder {arg} holds no .litmus file"
            )));
        }
        Ok(out)
    } else if p.is_file() {
        Ok(vec![p.to_path_buf()])
    } else {
        Err(Error::usage(format!(
            "{arg}: no such file or folder (a litmus file ends in .litmus; scenario names are \
             listed by `orderhunt list`)"
        )))
    }
}

/// Parses a file; errors name `file:line:column`.
pub fn parse_file(path: &Path) -> Result<Litmus> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("{}: cannot read: {e}", path.display())))?;
    orderhunt_oracle::parse::parse(&text)
        .map_err(|e| Error::usage(format!("{}:{e}", path.display())))
}

/// The oracle's predictions for every model, in `Model::all()` order.
pub fn predict_all(path: &Path, litmus: &Litmus) -> Result<Vec<Prediction>> {
    Model::all()
        .iter()
        .map(|m| {
            orderhunt_oracle::predict(litmus, *m)
                .map_err(|e| Error::usage(format!("{}: {e}", path.display())))
        })
        .collect()
}

/// Whether a state is one the condition is about.
pub fn is_interesting(litmus: &Litmus, state: &[i64]) -> bool {
    let sat = litmus.satisfies(state);
    match litmus.condition.quantifier {
        Quantifier::Exists | Quantifier::NotExists => sat,
        Quantifier::Forall => !sat,
    }
}

/// Loads a file as a scenario judged by the oracle.
pub fn load(path: &Path) -> Result<&'static Loaded> {
    let litmus = parse_file(path)?;
    let predictions = predict_all(path, &litmus)?;
    let rc11: BTreeSet<State> = predictions
        .iter()
        .find(|p| p.model == Model::Rc11)
        .map(|p| p.allowed.clone())
        .unwrap_or_default();
    let expectation = if rc11.iter().any(|s| is_interesting(&litmus, s)) {
        Expectation::MayFail
    } else {
        Expectation::MustPass
    };
    let judge_litmus = litmus.clone();
    let classify = Box::new(move |state: &[i64]| {
        if !rc11.contains(state) {
            OutcomeClass::Forbidden
        } else if is_interesting(&judge_litmus, state) {
            OutcomeClass::Interesting
        } else {
            OutcomeClass::Acceptable
        }
    });
    let name = litmus.name.clone();
    let (scenario, source) =
        orderhunt_scenarios::interp::leak_both(&name, litmus, expectation, classify)
            .map_err(|e| Error::usage(format!("{}: {e}", path.display())))?;
    let loaded: &'static Loaded = Box::leak(Box::new(Loaded {
        path: path.to_path_buf(),
        scenario,
        source,
        predictions,
    }));
    LOADED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(loaded);
    Ok(loaded)
}

/// The loaded file behind a scenario name, if the scenario came from one.
pub fn loaded(name: &str) -> Option<&'static Loaded> {
    LOADED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .copied()
        .find(|l| l.scenario.info().name == name)
}

/// litmus7's lines for one finished run of a file's test: the histogram
/// of states over the condition's atoms (`*>` on states the condition's
/// proposition holds for), the Observation and the time.
pub fn litmus7_log(l: &Loaded, outcomes: &BTreeMap<u64, u64>, other: u64, secs: f64) -> String {
    let t = l.source.litmus();
    let shown = t.shown();
    let mut hist: BTreeMap<Vec<i64>, (u64, bool)> = BTreeMap::new();
    let (mut pos, mut neg) = (0u64, 0u64);
    for (&code, &count) in outcomes {
        let Some(state) = l.source.state(code) else {
            neg += count;
            continue;
        };
        let sat = t.satisfies(&state);
        if sat {
            pos += count;
        } else {
            neg += count;
        }
        let key: Vec<i64> = shown
            .iter()
            .map(|a| t.value_of(&state, *a).unwrap_or_default())
            .collect();
        let e = hist.entry(key).or_insert((0, sat));
        e.0 += count;
    }
    neg += other;
    let mut out = String::new();
    let validated = match t.condition.quantifier {
        Quantifier::Exists => pos > 0,
        Quantifier::NotExists => pos == 0,
        Quantifier::Forall => neg == 0,
    };
    out.push_str(&format!(
        "Test {} {}\n",
        t.name,
        if validated_kind(t) {
            "Allowed"
        } else {
            "Required"
        }
    ));
    out.push_str(&format!("Histogram ({} states)\n", hist.len()));
    for (key, (count, sat)) in &hist {
        let cells: Vec<String> = shown
            .iter()
            .zip(key)
            .map(|(a, v)| format!("{}={v};", t.atom_name(*a)))
            .collect();
        out.push_str(&format!(
            "{count:<8}{}>{}\n",
            if *sat { "*" } else { ":" },
            cells.join(" ")
        ));
    }
    out.push_str(if validated { "Ok\n" } else { "No\n" });
    out.push_str("\nWitnesses\n");
    out.push_str(&format!("Positive: {pos}, Negative: {neg}\n"));
    out.push_str(&format!(
        "Condition {} {} is {}validated\n",
        t.condition.quantifier,
        orderhunt_oracle::parse::prop_text(t, &t.condition.prop),
        if validated { "" } else { "NOT " }
    ));
    let obs = Observation::from_counts(pos, neg);
    out.push_str(&format!(
        "Observation {} {} {pos} {neg}\n",
        t.name,
        obs.as_str()
    ));
    out.push_str(&format!("Time {} {secs:.2}\n", t.name));
    out
}

/// litmus7 says `Allowed` for `exists` tests and `Required` for `forall`.
fn validated_kind(t: &Litmus) -> bool {
    t.condition.quantifier != Quantifier::Forall
}
