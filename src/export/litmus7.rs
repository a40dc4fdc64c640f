//! litmus7's log lines for a run of a C litmus file: the histogram of
//! states (`*>` where the condition holds), `Ok`/`No`, the witnesses, the
//! Observation and the time, so litmus7's tooling reads orderhunt's runs.

use crate::engine::litmus_file::Loaded;
use orderhunt_oracle::model::{Litmus, Observation, Quantifier};
use std::collections::BTreeMap;

/// litmus7's lines for one finished run of a file's test: the histogram
/// of states over the condition's atoms (`*>` on states the condition's
/// proposition holds for), the Observation and the time.
pub fn litmus7_log(l: &Loaded, outcomes: &BTreeMap<u64, u64>, other: u64, secs: f64) -> String {
    let t = l.source.litmus();
    let shown = t.shown();
    let mut hist: BTreeMap<Vec<i64>, (u64, bool)> = BTreeMap::new();
    let (mut pos, mut neg) = (0u64, 0u64);
    for (&code, &count) in outcomes {
        if code == orderhunt_scenarios::interp::DISCARDED {
            // Not an execution the oracle counts (past a loop's unrolling
            // bound): litmus7 has no line for it; the report has.
            continue;
        }
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
            .map(|(a, v)| format!("{}={};", t.atom_name(*a), t.render_value(*v)))
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
