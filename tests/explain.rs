//! `orderhunt explain`: the acceptance examples of issue 19, the graph
//! files, the report field, and docs/litmus.md's example equal to the
//! tool's current output.

use orderhunt::commands::explain::text;
use orderhunt::engine::explain::{for_outcomes, resolve};
use orderhunt::report::Outcome;
use orderhunt_oracle::explain::{condition_targets, explain};
use orderhunt_oracle::Model;
use std::process::Command;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn orderhunt(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_orderhunt"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn mp_shows_the_armv8_witness_and_the_x86_rule() {
    let (code, out) = orderhunt(&["explain", "litmus/mp.litmus"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("armv8: allowed. A witness"), "{out}");
    assert!(out.contains("x86-tso: forbidden"), "{out}");
    assert!(
        out.contains("ppo W->W") && out.contains("ppo R->R"),
        "{out}"
    );
    assert!(out.contains("forbidden on x86-TSO"), "{out}");
}

#[test]
fn sb_seqcst_shows_the_rc11_psc_cycle() {
    let (code, out) = orderhunt(&["explain", "sb-seqcst"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("rc11        forbidden (axiom sc: acyclic psc)"),
        "{out}"
    );
    assert!(
        out.contains("psc (rb)") && out.contains("psc (sb)"),
        "{out}"
    );
}

#[test]
fn every_builtin_variant_resolves_and_explains() {
    for v in orderhunt_scenarios::litmus::variants() {
        let name = v.info.name;
        let (t, _) = resolve(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let states = explain(&t, &Model::all(), &condition_targets(&t).unwrap()).unwrap();
        assert!(!states.is_empty(), "{name}");
        for s in &states {
            orderhunt_oracle::explain::check_explanation(&t, s).unwrap();
        }
    }
}

#[test]
fn a_state_argument_dot_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let dot = dir.path().join("sb.dot");
    let svg = dir.path().join("sb.svg");
    let (code, out) = orderhunt(&[
        "explain",
        "sb",
        "r0=0 r1=0",
        "--dot",
        dot.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("store buffer"), "{out}");
    let dot = std::fs::read_to_string(dot).unwrap();
    assert!(
        dot.starts_with("digraph") && dot.contains("color=red"),
        "{dot}"
    );
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("x86-tso: allowed"),
        "{svg}"
    );
    let (code, out) = orderhunt(&["explain", "sb", "r7=0"]);
    assert_eq!(code, 2, "{out}");
    let (code, _) = orderhunt(&["explain", "no-such-variant"]);
    assert_eq!(code, 2);
}

#[test]
fn reports_explain_the_weak_outcome_only() {
    let outcome = |observed: &str, class: &str| Outcome {
        observed: observed.into(),
        count: 1,
        class: class.to_string(),
        description: None,
        race: None,
    };
    let records = for_outcomes(
        "sb",
        &[
            outcome("r0=1 r1=0", "acceptable"),
            outcome("r0=0 r1=0", "interesting"),
        ],
    )
    .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].state, "0:r0=0; 1:r1=0;");
    assert!(records[0].svg.contains("<svg"));
    let arm = records[0]
        .models
        .iter()
        .find(|m| m.model == "armv8")
        .unwrap();
    assert_eq!(arm.verdict, "allowed");
    // Nothing to explain: the field stays absent.
    assert!(for_outcomes("sb", &[outcome("r0=1 r1=0", "acceptable")]).is_none());
    assert!(for_outcomes("counter-race", &[outcome("3", "interesting")]).is_none());
}

/// docs/litmus.md's block after `<!-- explain: mp -->` is the tool's
/// output (regenerate with `orderhunt explain mp`).
#[test]
fn the_docs_example_is_current() {
    let docs = std::fs::read_to_string(root().join("docs/litmus.md")).unwrap();
    let start = docs
        .find("<!-- explain: mp -->\n```text\n")
        .expect("the marker")
        + 29;
    let end = start + docs[start..].find("```\n").unwrap();
    let (t, origin) = resolve("mp").unwrap();
    let states = explain(&t, &Model::all(), &condition_targets(&t).unwrap()).unwrap();
    assert_eq!(
        &docs[start..end],
        text(&t, &origin, &states),
        "docs/litmus.md is stale: paste `orderhunt explain mp`"
    );
}

#[test]
fn predict_explain_adds_the_explanation_after_the_table() {
    let out = assert_cmd::Command::cargo_bin("orderhunt")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["predict", "litmus/mp.litmus", "--explain"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Observation"), "{text}");
    assert!(text.contains("x86-tso: forbidden"), "{text}");
    assert!(text.contains("armv8: allowed"), "{text}");
}
