//! The memory models and the oracle's API: which final states of a litmus
//! test each model allows.

pub mod armv8;
pub mod rc11;
pub mod sc;
pub mod x86;

use crate::exec::{
    for_each_execution_with, Execution, Options, OracleError, Stats, MAX_CANDIDATES,
};
use crate::model::{Litmus, Observation, Quantifier, State};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A memory model the oracle decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Model {
    /// Sequential consistency.
    Sc,
    /// x86-TSO, for the code as compiled by the standard C11 → x86 mapping.
    X86Tso,
    /// ARMv8 (AArch64), for the code as compiled by the standard C11 →
    /// AArch64 mapping; with `rcpc`, acquire (not SeqCst) loads compile to
    /// `LDAPR` instead of `LDAR`.
    Armv8 { rcpc: bool },
    /// RC11, the repaired C11 model (language level).
    Rc11,
}

impl Model {
    /// A short stable name: `sc`, `x86-tso`, `armv8`, `armv8-rcpc`, `rc11`.
    pub fn key(&self) -> &'static str {
        match self {
            Model::Sc => "sc",
            Model::X86Tso => "x86-tso",
            Model::Armv8 { rcpc: false } => "armv8",
            Model::Armv8 { rcpc: true } => "armv8-rcpc",
            Model::Rc11 => "rc11",
        }
    }

    /// The model a [`Model::key`] names.
    pub fn from_key(key: &str) -> Option<Model> {
        Some(match key {
            "sc" => Model::Sc,
            "x86-tso" => Model::X86Tso,
            "armv8" => Model::Armv8 { rcpc: false },
            "armv8-rcpc" => Model::Armv8 { rcpc: true },
            "rc11" => Model::Rc11,
            _ => return None,
        })
    }

    /// The four models (ARMv8 without RCpc).
    pub fn all() -> [Model; 4] {
        [
            Model::Sc,
            Model::X86Tso,
            Model::Armv8 { rcpc: false },
            Model::Rc11,
        ]
    }

    /// `Ok` if the model allows the candidate execution, else the name of
    /// the first axiom it violates (the names of the `.cat` files:
    /// `uniproc`, `tso`, `internal`, `external`, `coherence`, `sc`,
    /// `no-thin-air`, ...).
    pub fn check(&self, ex: &Execution<'_>) -> Result<(), &'static str> {
        match self {
            Model::Sc => sc::check(ex),
            Model::X86Tso => x86::check(ex),
            Model::Armv8 { rcpc } => armv8::check(ex, *rcpc),
            Model::Rc11 => rc11::check(ex),
        }
    }

    /// Whether the model allows the candidate execution.
    pub fn consistent(&self, ex: &Execution<'_>) -> bool {
        self.check(ex).is_ok()
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What a model allows for a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prediction {
    pub model: Model,
    /// The final states of the consistent executions (full states, in
    /// [`Litmus::observables`] order).
    pub allowed: BTreeSet<State>,
    /// herd7's Observation of the condition's proposition over `allowed`.
    pub observation: Observation,
    /// The number of consistent candidate executions.
    pub executions: usize,
    /// RC11 only: the allowed states some consistent execution reaches
    /// with a data race (rc11.cat's `dr`), each with the races of those
    /// executions. Not empty means the test's behaviour is undefined
    /// (herd7's `Undef`, with `Flag *undef*`). The hardware models have
    /// no undefined behaviour: for them this is always empty.
    pub races: BTreeMap<State, BTreeSet<rc11::Race>>,
}

impl Prediction {
    /// Whether some consistent execution has a data race: the test's
    /// behaviour is undefined under this model (RC11 only).
    pub fn racy(&self) -> bool {
        !self.races.is_empty()
    }

    /// Whether the test's condition is validated under this model (herd7's
    /// `Ok`/`No`): see [`validated`].
    pub fn validated(&self, litmus: &Litmus) -> bool {
        validated(litmus.condition.quantifier, self.observation)
    }

    /// herd7's positive and negative counts: allowed states that satisfy
    /// the proposition and those that do not.
    pub fn counts(&self, litmus: &Litmus) -> (usize, usize) {
        let pos = self.allowed.iter().filter(|s| litmus.satisfies(s)).count();
        (pos, self.allowed.len() - pos)
    }
}

/// Whether a condition with `quantifier` holds given the Observation of its
/// proposition: `exists P` holds unless P is Never observed, `~exists P`
/// only if it is Never, `forall P` only if it is Always.
pub fn validated(quantifier: Quantifier, observation: Observation) -> bool {
    match quantifier {
        Quantifier::Exists => observation != Observation::Never,
        Quantifier::NotExists => observation == Observation::Never,
        Quantifier::Forall => observation == Observation::Always,
    }
}

/// herd7's Observation of the condition's proposition over a set of final
/// states: Never (no state satisfies it, including when there is no
/// state), Always (every state does), Sometimes.
pub fn observation(litmus: &Litmus, allowed: &BTreeSet<State>) -> Observation {
    let pos = allowed.iter().filter(|s| litmus.satisfies(s)).count() as u64;
    Observation::from_counts(pos, allowed.len() as u64 - pos)
}

/// The states `model` allows for `litmus`.
pub fn predict(litmus: &Litmus, model: Model) -> Result<Prediction, OracleError> {
    Ok(predict_all(litmus, &[model])?
        .pop()
        .expect("one prediction per model"))
}

/// The predictions of several models from one enumeration of the
/// candidate executions (cheaper than one [`predict`] per model).
pub fn predict_all(litmus: &Litmus, models: &[Model]) -> Result<Vec<Prediction>, OracleError> {
    predict_all_with(litmus, models, Options::default())
}

/// [`predict_all`] with every enumeration option (the bound on candidate
/// executions, the loop unrolling bound).
pub fn predict_all_with(
    litmus: &Litmus,
    models: &[Model],
    options: Options,
) -> Result<Vec<Prediction>, OracleError> {
    let mut allowed = vec![BTreeSet::new(); models.len()];
    let mut executions = vec![0usize; models.len()];
    let mut races: Vec<BTreeMap<State, BTreeSet<rc11::Race>>> = vec![BTreeMap::new(); models.len()];
    for_each_execution_with(litmus, options, |ex| {
        // An SC-consistent execution (`po | rf | co | fr` acyclic) is
        // consistent under every model here: each one's ordering relations
        // lie within `(po | rf | co | fr)+`. Checking SC first saves the
        // other checks for those.
        let sc = models.len() > 1 && Model::Sc.consistent(ex);
        for (k, model) in models.iter().enumerate() {
            if sc || model.consistent(ex) {
                executions[k] += 1;
                if !allowed[k].contains(&ex.state) {
                    allowed[k].insert(ex.state.clone());
                }
                if *model == Model::Rc11 {
                    let dr = rc11::races(ex);
                    if !dr.is_empty() {
                        races[k].entry(ex.state.clone()).or_default().extend(dr);
                    }
                }
            }
        }
    })?;
    Ok(models
        .iter()
        .zip(allowed)
        .zip(executions)
        .zip(races)
        .map(|(((&model, allowed), executions), races)| Prediction {
            model,
            observation: observation(litmus, &allowed),
            allowed,
            executions,
            races,
        })
        .collect())
}

/// Every final state of any candidate execution, under no model: what the
/// code can produce at all (values come from writes that exist, RMWs are
/// atomic, CAS outcomes match their values, no thin-air values).
pub fn candidate_states(litmus: &Litmus) -> Result<BTreeSet<State>, OracleError> {
    let mut states = BTreeSet::new();
    enumerate(litmus, |ex| {
        if !states.contains(&ex.state) {
            states.insert(ex.state.clone());
        }
    })?;
    Ok(states)
}

/// Calls `f` on every candidate execution of `litmus` (for diagnostics and
/// custom checks), with the default bound on their number.
pub fn enumerate(litmus: &Litmus, f: impl FnMut(&Execution<'_>)) -> Result<Stats, OracleError> {
    for_each_execution_with(
        litmus,
        Options {
            limit: MAX_CANDIDATES,
            prune: false,
            ..Options::default()
        },
        f,
    )
}
