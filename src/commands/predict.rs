//! `orderhunt predict`: which final states each memory model allows for a
//! litmus test, computed by the oracle (`orderhunt-oracle`).

use crate::engine::litmus_file;
use crate::error::Result;
use clap::Args;
use orderhunt_oracle::model::{Litmus, State};
use orderhunt_oracle::{Model, Prediction};
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct PredictArgs {
    /// Litmus files (herdtools7's C format) or folders of them.
    #[arg(value_name = "FILE.litmus|DIR", required = true)]
    pub inputs: Vec<String>,

    /// Print JSON: per test `name`, `condition`, `undefined_behaviour`
    /// (RC11 finds a data race) and `models` (keyed `sc`, `x86-tso`,
    /// `armv8`, `rc11`, each with `observation`, `allowed`, `racy` and
    /// `races`).
    #[arg(long)]
    pub json: bool,

    /// Also show ARMv8 with acquire loads compiled to RCpc `LDAPR`.
    #[arg(long)]
    pub rcpc: bool,

    /// After each table, explain the condition's states (as `orderhunt
    /// explain FILE` does): a witness or the broken axiom and its cycle.
    #[arg(long, conflicts_with = "json")]
    pub explain: bool,
}

struct One {
    path: PathBuf,
    litmus: Litmus,
    predictions: Vec<Prediction>,
}

pub fn run(args: &PredictArgs) -> Result<i32> {
    let mut tests = Vec::new();
    for input in &args.inputs {
        for path in litmus_file::files_of(input)? {
            let litmus = litmus_file::parse_file(&path)?;
            let mut models = Model::all().to_vec();
            if args.rcpc {
                models.push(Model::Armv8 { rcpc: true });
            }
            let predictions = litmus_file::predict_models(&path, &litmus, &models)?;
            tests.push(One {
                path,
                litmus,
                predictions,
            });
        }
    }
    if args.json {
        let rows: Vec<serde_json::Value> = tests.iter().map(json_of).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).expect("predictions serialize")
        );
        return Ok(0);
    }
    for t in &tests {
        print!("{}", table_of(t));
        if args.explain {
            let models: Vec<Model> = t.predictions.iter().map(|p| p.model).collect();
            let fail = |e: orderhunt_oracle::OracleError| {
                crate::error::Error::usage(format!("{}: {e}", t.path.display()))
            };
            let targets = orderhunt_oracle::explain::condition_targets(&t.litmus).map_err(fail)?;
            let states =
                orderhunt_oracle::explain::explain(&t.litmus, &models, &targets).map_err(fail)?;
            print!(
                "\n{}",
                crate::commands::explain::text(&t.litmus, &t.path.display().to_string(), &states)
            );
        }
    }
    Ok(0)
}

fn condition_text(t: &Litmus) -> String {
    format!(
        "{} {}",
        t.condition.quantifier,
        orderhunt_oracle::parse::prop_text(t, &t.condition.prop)
    )
}

fn json_of(t: &One) -> serde_json::Value {
    let shown = t.litmus.shown();
    let mut models = serde_json::Map::new();
    for p in &t.predictions {
        let allowed: BTreeSet<String> = p
            .allowed
            .iter()
            .map(|s| t.litmus.render_state(s, &shown))
            .collect();
        let races: Vec<serde_json::Value> = p
            .races
            .iter()
            .map(|(s, races)| {
                let accesses: BTreeSet<String> =
                    races.iter().map(|r| r.describe(&t.litmus)).collect();
                serde_json::json!({
                    "state": t.litmus.render_state(s, &shown),
                    "accesses": accesses,
                })
            })
            .collect();
        models.insert(
            p.model.key().to_string(),
            serde_json::json!({
                "observation": p.observation.as_str(),
                "allowed": allowed,
                "racy": p.racy(),
                "races": races,
            }),
        );
    }
    serde_json::json!({
        "name": t.litmus.name,
        "file": t.path.display().to_string(),
        "condition": condition_text(&t.litmus),
        "undefined_behaviour": rc11_of(t).is_some_and(Prediction::racy),
        "models": models,
    })
}

fn rc11_of(t: &One) -> Option<&Prediction> {
    t.predictions.iter().find(|p| p.model == Model::Rc11)
}

/// The outcome x model table: every state some model allows (over the
/// condition's atoms), `*` on those the condition's proposition holds for.
fn table_of(t: &One) -> String {
    let shown = t.litmus.shown();
    let project = |s: &State| -> Vec<i64> {
        shown
            .iter()
            .map(|a| t.litmus.value_of(s, *a).unwrap_or_default())
            .collect()
    };
    let mut rows: BTreeSet<(Vec<i64>, String, bool)> = BTreeSet::new();
    for p in &t.predictions {
        for s in &p.allowed {
            rows.insert((
                project(s),
                t.litmus.render_state(s, &shown),
                t.litmus.satisfies(s),
            ));
        }
    }
    let mut out = format!(
        "Test {} ({}): {}\n",
        t.litmus.name,
        t.path.display(),
        condition_text(&t.litmus)
    );
    let width = rows.iter().map(|r| r.1.len()).max().unwrap_or(5).max(5);
    out.push_str(&format!("  {:<width$}", "state"));
    for p in &t.predictions {
        out.push_str(&format!(" {:>10}", p.model.key()));
    }
    out.push('\n');
    // Each model's allowed states over the shown atoms, computed once (a
    // test such as herdtools7's fig6 has thousands of full states).
    let projected: Vec<BTreeSet<Vec<i64>>> = t
        .predictions
        .iter()
        .map(|p| p.allowed.iter().map(project).collect())
        .collect();
    for (key, text, sat) in &rows {
        out.push_str(&format!(
            "{} {:<width$}",
            if *sat { "*" } else { " " },
            text
        ));
        for keys in &projected {
            let allowed = keys.contains(key);
            out.push_str(&format!(" {:>10}", if allowed { "allowed" } else { "-" }));
        }
        out.push('\n');
    }
    out.push_str(&format!("  {:<width$}", "Observation"));
    for p in &t.predictions {
        out.push_str(&format!(" {:>10}", p.observation.as_str()));
    }
    out.push('\n');
    if let Some(rc11) = rc11_of(t).filter(|p| p.racy()) {
        let races = litmus_file::race_texts(&t.litmus, rc11);
        let (state, race) = litmus_file::example_race(&t.litmus, &races).expect("racy");
        out.push_str(&format!(
            "  Undef (rc11): data race in {} allowed state{}, e.g. {}: {}\n",
            races.len(),
            if races.len() == 1 { "" } else { "s" },
            t.litmus.render_state(state, &shown),
            race
        ));
        out.push_str(
            "  (x86-tso and armv8 judge the code as compiled: plain accesses are MOV / LDR / STR, \
             no undefined behaviour at that level)\n",
        );
    }
    out.push('\n');
    out
}
