//! C litmus files (herdtools7's format) on the fast engine, judged by the
//! memory-model oracle (litmus7's log lines are [`crate::export::litmus7`]).
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
//!
//! A test with plain (non-atomic) accesses runs them as `Relaxed` atomics
//! (the report's `notes` say so). When RC11 finds a data race in one of
//! its consistent executions, the test's behaviour is undefined: whatever
//! the hardware shows, the result carries `undefined_behaviour` ("data
//! race in RC11: ..."), its verdict is `UNDEFINED (data race in RC11)`,
//! each observed state that a racy execution ends in carries its `race`,
//! and the run exits 1, as for a forbidden outcome. The states are judged
//! as above all the same (RC11's allowed states of the racy test include
//! every state of its all-atomic version the engine runs).

use crate::error::{Error, Result};
use crate::export::report::ScenarioResult;
use orderhunt_core::{DynScenario, Expectation, OutcomeClass};
use orderhunt_oracle::model::{Litmus, Quantifier, State};
use orderhunt_oracle::{Model, Prediction};
use orderhunt_scenarios::interp::LitmusSource;
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

impl Loaded {
    /// RC11's prediction.
    pub fn rc11(&self) -> Option<&Prediction> {
        self.predictions.iter().find(|p| p.model == Model::Rc11)
    }

    /// Adds what a report needs beyond the generic result: the engine's
    /// notes on how the test ran, RC11's data race (undefined behaviour)
    /// and, per observed state, the race of a racy execution ending in it.
    pub fn annotate(&self, r: &mut ScenarioResult, outcomes: &BTreeMap<u64, u64>) {
        let litmus = self.source.litmus();
        r.notes = orderhunt_scenarios::interp::notes(litmus);
        let Some(rc11) = self.rc11().filter(|p| p.racy()) else {
            return;
        };
        r.undefined_behaviour =
            undefined_text(litmus, rc11).map(|t| format!("data race in RC11: {t}"));
        let races = race_texts(litmus, rc11);
        let all = litmus.observables();
        let mut by_text: BTreeMap<String, &String> = BTreeMap::new();
        for &code in outcomes.keys() {
            if let Some(state) = self.source.state(code) {
                if let Some(race) = races.get(&state) {
                    by_text.insert(litmus.render_state(&state, &all), race);
                }
            }
        }
        for o in &mut r.outcomes {
            if let Some(race) = o.observed.as_str().and_then(|t| by_text.get(t)) {
                o.race = Some((*race).clone());
            }
        }
    }
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

/// The oracle's predictions for every model, in `Model::all()` order
/// (one enumeration of the candidate executions for all of them).
pub fn predict_all(path: &Path, litmus: &Litmus) -> Result<Vec<Prediction>> {
    predict_models(path, litmus, &Model::all())
}

/// The oracle's predictions for `models`, in that order, from one
/// enumeration.
pub fn predict_models(path: &Path, litmus: &Litmus, models: &[Model]) -> Result<Vec<Prediction>> {
    orderhunt_oracle::predict_all(litmus, models)
        .map_err(|e| Error::usage(format!("{}: {e}", path.display())))
}

/// The RC11 races of each racy state, described (`Race::describe`, each
/// distinct description once, `; ` between them).
pub fn race_texts(litmus: &Litmus, p: &Prediction) -> BTreeMap<State, String> {
    p.races
        .iter()
        .map(|(s, races)| {
            let text: BTreeSet<String> = races.iter().map(|r| r.describe(litmus)).collect();
            (s.clone(), text.into_iter().collect::<Vec<_>>().join("; "))
        })
        .collect()
}

/// The racy state to show first: one the condition holds for, if any.
pub fn example_race<'a>(
    litmus: &Litmus,
    texts: &'a BTreeMap<State, String>,
) -> Option<(&'a State, &'a String)> {
    texts
        .iter()
        .find(|(s, _)| litmus.satisfies(s))
        .or_else(|| texts.iter().next())
}

/// One line on a racy test: how many of RC11's allowed states a racy
/// execution reaches, with one of them and its race. None when RC11 finds
/// no data race.
pub fn undefined_text(litmus: &Litmus, p: &Prediction) -> Option<String> {
    let texts = race_texts(litmus, p);
    let (state, race) = example_race(litmus, &texts)?;
    Some(format!(
        "{} of the {} states RC11 allows come from an execution with a data race, e.g. {} ({})",
        texts.len(),
        p.allowed.len(),
        litmus.render_state(state, &litmus.shown()),
        race
    ))
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
