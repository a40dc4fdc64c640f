//! Execution graphs as graphviz DOT (`orderhunt explain --dot FILE`): one
//! cluster per state and model, threads as sub-clusters in program order,
//! the same edges and highlights as the SVG ([`crate::export::svg`]).

use crate::export::svg::panels;
use orderhunt_oracle::explain::StateExplanation;
use orderhunt_oracle::model::Litmus;
use std::fmt::Write as _;

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The DOT text of explanations.
pub fn render(litmus: &Litmus, states: &[StateExplanation]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "digraph {} {{", q(&litmus.name));
    s.push_str("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#fffbe6\", fontname=\"monospace\"];\n");
    s.push_str("  edge [fontsize=10];\n  newrank=true;\n");
    for (k, st) in states.iter().enumerate() {
        for (m, p) in panels(st).iter().enumerate() {
            let g = p.graph;
            let names = g.names(litmus);
            let id = |i: usize| format!("s{k}m{m}_{}", names[i]);
            let _ = writeln!(s, "  subgraph cluster_s{k}m{m} {{");
            let _ = writeln!(
                s,
                "    label={};",
                q(&format!(
                    "{} — {}\n{}",
                    st.state_text(litmus),
                    p.title,
                    p.caption
                ))
            );
            for i in g.inits() {
                let _ = writeln!(
                    s,
                    "    {} [label={}, fillcolor=\"#f3f3f3\"];",
                    id(i),
                    q(&g.describe(litmus, &names, i))
                );
            }
            for (t, th) in g.threads().iter().enumerate() {
                let _ = writeln!(s, "    subgraph cluster_s{k}m{m}_p{t} {{ label=\"P{t}\";");
                for &i in th {
                    let _ = writeln!(
                        s,
                        "      {} [label={}];",
                        id(i),
                        q(&g.describe(litmus, &names, i))
                    );
                }
                s.push_str("    }\n");
            }
            let hl = |a: usize, b: usize| p.highlight.iter().any(|e| e.from == a && e.to == b);
            for e in p.edges.iter().filter(|e| !hl(e.from, e.to)) {
                let _ = writeln!(
                    s,
                    "    {} -> {} [label={}{}];",
                    id(e.from),
                    id(e.to),
                    q(&e.rel),
                    if e.rel == "po" {
                        ", weight=10"
                    } else {
                        ", constraint=false"
                    }
                );
            }
            for e in &p.highlight {
                let _ = writeln!(
                    s,
                    "    {} -> {} [label={}, color=red, fontcolor=red, penwidth=2{}, constraint=false];",
                    id(e.from),
                    id(e.to),
                    q(&e.rel),
                    if p.dashed { ", style=dashed" } else { "" }
                );
            }
            s.push_str("  }\n");
        }
    }
    s.push_str("}\n");
    s
}
