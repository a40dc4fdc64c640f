//! Explanations for the command line and for reports: a litmus test from a
//! file or a built-in variant's name, and the explanations of the
//! interesting and forbidden outcomes a run observed (see
//! `orderhunt_oracle::explain`).

use crate::engine::litmus_file;
use crate::error::{Error, Result};
use crate::export::report::{Explanation, ModelVerdict, Outcome};
use crate::export::svg;
use orderhunt_oracle::explain::{self, StateExplanation, Verdict};
use orderhunt_oracle::model::Litmus;
use orderhunt_oracle::Model;
use std::path::Path;

/// A litmus test from a `.litmus` file, or a built-in variant's litmus
/// text (`sb`, `mp-relacq`, ...). Returns the test and where it came from.
pub fn resolve(input: &str) -> Result<(Litmus, String)> {
    let p = Path::new(input);
    if litmus_file::is_path(input) || p.is_file() {
        return Ok((litmus_file::parse_file(p)?, input.to_string()));
    }
    match orderhunt_scenarios::litmus::source(input) {
        Some(text) => {
            let t = orderhunt_oracle::parse::parse(text)
                .map_err(|e| Error::input(format!("litmus/{input}.litmus: {e}")))?;
            Ok((t, format!("built-in variant {input}")))
        }
        None => Err(Error::usage(format!(
            "{input}: not a .litmus file nor a built-in litmus variant (`orderhunt list` shows \
             the variants: sb, mp-relacq, iriw, ...)"
        ))),
    }
}

/// The litmus test behind a scenario of a run: a built-in variant's text,
/// or the file a `run FILE.litmus` loaded.
pub fn litmus_of_scenario(name: &str) -> Option<Litmus> {
    if let Some(text) = orderhunt_scenarios::litmus::source(name) {
        return orderhunt_oracle::parse::parse(text).ok();
    }
    let loaded = litmus_file::loaded(name)?;
    litmus_file::parse_file(&loaded.path).ok()
}

/// The explanation records of a run's interesting and forbidden outcomes
/// (none for scenarios without a litmus text, or when the oracle cannot
/// decide the test).
pub fn for_outcomes(scenario: &str, outcomes: &[Outcome]) -> Option<Vec<Explanation>> {
    let wanted: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.class != "acceptable")
        .collect();
    if wanted.is_empty() {
        return None;
    }
    let litmus = litmus_of_scenario(scenario)?;
    let mut records = Vec::new();
    for o in wanted {
        let Some(text) = o.observed.as_str() else {
            continue;
        };
        let Ok(target) = explain::parse_state(&litmus, text) else {
            continue;
        };
        let Ok(mut states) = explain::explain(&litmus, &Model::all(), &[target]) else {
            continue;
        };
        let Some(state) = states.pop() else {
            continue;
        };
        records.push(record(&litmus, o.observed.clone(), &state));
    }
    (!records.is_empty()).then_some(records)
}

/// One state's explanation as a report record.
pub fn record(litmus: &Litmus, observed: serde_json::Value, s: &StateExplanation) -> Explanation {
    let names_of = |g: &explain::Graph| g.names(litmus);
    Explanation {
        observed,
        test: litmus.name.clone(),
        state: s.state_text(litmus),
        models: s
            .models
            .iter()
            .map(|m| {
                let (axiom, cycle, sentence) = match &m.verdict {
                    Verdict::Allowed(w) => (None, Vec::new(), w.sentence.clone()),
                    Verdict::Forbidden(r) => {
                        let n = names_of(&r.graph);
                        (
                            Some(r.cycle.axiom.to_string()),
                            r.cycle
                                .edges
                                .iter()
                                .map(|e| format!("{} -{}-> {}", n[e.from], e.rel, n[e.to]))
                                .collect(),
                            r.sentence.clone(),
                        )
                    }
                    Verdict::Unreachable => (
                        None,
                        Vec::new(),
                        "no candidate execution has this state".to_string(),
                    ),
                };
                ModelVerdict {
                    model: m.model.key().to_string(),
                    verdict: m.verdict.word().to_string(),
                    axiom,
                    cycle,
                    sentence,
                }
            })
            .collect(),
        differences: s.differences.iter().map(|d| d.sentence.clone()).collect(),
        text: explain::render_text(litmus, s),
        svg: svg::render(litmus, std::slice::from_ref(s)),
    }
}
