//! Execution graphs as SVG, drawn by orderhunt itself (no graphviz): one
//! panel per model and state, threads in columns as litmus papers draw
//! them (initial writes on top), events in program order down each column,
//! labelled edges (`po`, `rf`, `co`, `fr`, `sw`, `ob`), and the edges that
//! explain the verdict in red: a forbidden state's cycle, or the edges of
//! an allowed state's `po | rf | co | fr` cycle the model does not order
//! (dashed).

use orderhunt_oracle::explain::{drawn_edges, Edge, Graph, StateExplanation, Verdict};
use orderhunt_oracle::model::Litmus;
use std::fmt::Write as _;

const COL: f64 = 190.0;
const ROW: f64 = 78.0;
const BOX_W: f64 = 150.0;
const BOX_H: f64 = 26.0;
const TOP: f64 = 70.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One panel: a title, a graph, the edges drawn, the edges highlighted
/// (solid: a cycle; dashed: not kept by the model), a caption.
pub struct Panel<'a> {
    pub title: String,
    pub graph: &'a Graph,
    pub edges: Vec<Edge>,
    pub highlight: Vec<Edge>,
    pub dashed: bool,
    pub caption: String,
}

/// The panels of an explanation: one per model that has a graph.
pub fn panels<'a>(s: &'a StateExplanation) -> Vec<Panel<'a>> {
    let mut out = Vec::new();
    for m in &s.models {
        match &m.verdict {
            Verdict::Allowed(w) => out.push(Panel {
                title: format!("{}: allowed", m.model.key()),
                graph: &w.graph,
                edges: drawn_edges(m.model, &w.graph),
                highlight: w.relaxed.clone(),
                dashed: true,
                caption: w.sentence.clone(),
            }),
            Verdict::Forbidden(r) => out.push(Panel {
                title: format!("{}: forbidden ({})", m.model.key(), r.cycle.axiom),
                graph: &r.graph,
                edges: drawn_edges(m.model, &r.graph),
                highlight: r.cycle.edges.clone(),
                dashed: false,
                caption: r.sentence.clone(),
            }),
            Verdict::Unreachable => {}
        }
    }
    out
}

fn colour(rel: &str) -> &'static str {
    match rel {
        "po" => "#444444",
        "rf" => "#1f6fd1",
        "co" => "#1a8a3a",
        "fr" => "#d17a00",
        "sw" => "#7a3fbf",
        r if r.starts_with("ob") => "#7a3fbf",
        _ => "#444444",
    }
}

/// Where each event sits: (x, y) of its box centre.
fn layout(g: &Graph) -> (Vec<(f64, f64)>, usize, usize) {
    let threads = g.threads();
    let mut pos = vec![(0.0, 0.0); g.sk.len()];
    let cols = threads.len().max(1);
    let inits = g.inits();
    for (k, &i) in inits.iter().enumerate() {
        let x = if inits.len() <= cols {
            k as f64 * COL + COL / 2.0
        } else {
            k as f64 * (COL * cols as f64 / inits.len() as f64) + COL / 2.0
        };
        pos[i] = (x, TOP);
    }
    let mut rows = 0;
    for (t, th) in threads.iter().enumerate() {
        for (r, &i) in th.iter().enumerate() {
            pos[i] = (t as f64 * COL + COL / 2.0, TOP + (r + 1) as f64 * ROW);
        }
        rows = rows.max(th.len());
    }
    (pos, cols, rows + 1)
}

/// The point where the segment from the box centre `c` towards `p`
/// leaves the box.
fn clip(c: (f64, f64), p: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (p.0 - c.0, p.1 - c.1);
    if dx == 0.0 && dy == 0.0 {
        return c;
    }
    let sx = if dx != 0.0 {
        (BOX_W / 2.0) / dx.abs()
    } else {
        f64::INFINITY
    };
    let sy = if dy != 0.0 {
        (BOX_H / 2.0 + 3.0) / dy.abs()
    } else {
        f64::INFINITY
    };
    let s = sx.min(sy).min(1.0);
    (c.0 + dx * s, c.1 + dy * s)
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in text.split_whitespace() {
        if !cur.is_empty() && cur.len() + 1 + w.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Draws one panel at (ox, oy); returns its (width, height).
fn panel(s: &mut String, litmus: &Litmus, p: &Panel<'_>, ox: f64, oy: f64) -> (f64, f64) {
    let g = p.graph;
    let names = g.names(litmus);
    let (pos, cols, rows) = layout(g);
    let width = (cols as f64 * COL).max(2.0 * COL);
    let caption = wrap(&p.caption, (width / 6.6) as usize);
    let base = TOP + (rows - 1) as f64 * ROW + 36.0;
    let height = base + 14.0 * caption.len() as f64;
    let _ = writeln!(
        s,
        "<g transform=\"translate({ox},{oy})\"><rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\" stroke=\"#cccccc\"/>"
    );
    let _ = writeln!(
        s,
        "<text x=\"8\" y=\"18\" font-weight=\"bold\">{}</text>",
        esc(&p.title)
    );
    for t in 0..g.threads().len() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#666\">P{t}</text>",
            t as f64 * COL + COL / 2.0,
            40.0
        );
    }
    // Edges: the drawn ones not also highlighted, then the highlighted.
    let hl = |a: usize, b: usize| p.highlight.iter().any(|e| e.from == a && e.to == b);
    let mut all: Vec<(&Edge, bool)> = p
        .edges
        .iter()
        .filter(|e| !hl(e.from, e.to))
        .map(|e| (e, false))
        .collect();
    all.extend(p.highlight.iter().map(|e| (e, true)));
    for (e, red) in all {
        let (a, b) = (pos[e.from], pos[e.to]);
        // A curve bent to the right of the direction of travel, more for
        // long edges, so that a->b and b->a do not overlap.
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let bend = if a.0 == b.0 && dy.abs() > ROW * 1.5 {
            46.0
        } else {
            16.0
        };
        let (nx, ny) = (-dy / len, dx / len);
        let ctrl = ((a.0 + b.0) / 2.0 + nx * bend, (a.1 + b.1) / 2.0 + ny * bend);
        let start = clip(a, ctrl);
        let end = clip(b, ctrl);
        let colour = if red { "#d11a2a" } else { colour(&e.rel) };
        let dash = if red && p.dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let w = if red { 2.4 } else { 1.2 };
        let marker = if red { "ohr" } else { "oh" };
        let _ = writeln!(
            s,
            "<path d=\"M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{w}\"{dash} marker-end=\"url(#{marker})\"/>",
            start.0, start.1, ctrl.0, ctrl.1, end.0, end.1
        );
        let mid = (
            0.25 * start.0 + 0.5 * ctrl.0 + 0.25 * end.0,
            0.25 * start.1 + 0.5 * ctrl.1 + 0.25 * end.1,
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"{colour}\" text-anchor=\"middle\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\">{}</text>",
            mid.0 + nx * 6.0,
            mid.1 + ny * 6.0 + 3.0,
            esc(&e.rel)
        );
    }
    for (i, &(x, y)) in pos.iter().enumerate() {
        let init = g.sk.inits & (1u128 << i) != 0;
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"5\" fill=\"{}\" stroke=\"#888\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"12\">{}</text>",
            x - BOX_W / 2.0,
            y - BOX_H / 2.0,
            if init { "#f3f3f3" } else { "#fffbe6" },
            y + 4.0,
            esc(&g.describe(litmus, &names, i))
        );
    }
    for (k, line) in caption.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"8\" y=\"{:.1}\" font-size=\"11\" fill=\"#333\">{}</text>",
            base + 14.0 * k as f64,
            esc(line)
        );
    }
    s.push_str("</g>\n");
    (width, height)
}

/// The SVG of explanations: one row per state, one panel per model.
pub fn render(litmus: &Litmus, states: &[StateExplanation]) -> String {
    let mut body = String::new();
    let (mut y, mut w_max) = (0.0f64, 0.0f64);
    for st in states {
        let _ = writeln!(
            body,
            "<text x=\"4\" y=\"{:.1}\" font-weight=\"bold\" font-size=\"14\">{} {}</text>",
            y + 18.0,
            esc(&litmus.name),
            esc(&st.state_text(litmus))
        );
        y += 28.0;
        let mut x = 0.0;
        let mut row_h: f64 = 0.0;
        for p in panels(st) {
            let (w, h) = panel(&mut body, litmus, &p, x, y);
            x += w + 12.0;
            row_h = row_h.max(h);
        }
        w_max = w_max.max(x);
        y += row_h + 16.0;
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0}\" height=\"{:.0}\" viewBox=\"0 0 {:.0} {:.0}\" font-family=\"sans-serif\" font-size=\"12\">",
        w_max.max(100.0),
        y.max(40.0),
        w_max.max(100.0),
        y.max(40.0)
    );
    s.push_str(
        "<defs><marker id=\"oh\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker>\
<marker id=\"ohr\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#d11a2a\"/></marker></defs>\n",
    );
    s.push_str(&body);
    s.push_str("</svg>\n");
    s
}
