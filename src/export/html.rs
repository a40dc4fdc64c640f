//! The HTML page of `orderhunt report --html OUT.html`: self-contained (no network;
//! CSS and SVG inline) with an environment table per machine, a
//! jcstress-style outcome histogram per scenario and machine, and an SVG
//! chart of anomaly rates with their 95% intervals. Everything taken from a
//! report is HTML-escaped. The page is written atomically.

use crate::compare::{
    fmt_count, fmt_p, fmt_rate, fmt_value, Cell, Comparison, MachineColumn, Verdict, CONFIDENCE,
};
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ok: #d8f0d8; --ok-ink: #1d5e1d; --int: #ffe7a8; --int-ink: #7a4b00;
  --bad: #f6c6c6; --bad-ink: #8a1414; --ink: #1c1f24; --muted: #5b6470; --rule: #d5d9df; --bar: #c0392b; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1120px; padding: 24px 28px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 32px 0 8px; border-bottom: 2px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 18px 0 6px; }
.meta, .note { color: var(--muted); }
table code { white-space: nowrap; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--rule); padding: 4px 9px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.env th[scope=row] { width: 13em; }
.badge { display: inline-block; font-size: 0.75rem; font-weight: 600; padding: 1px 7px; border-radius: 9px;
  vertical-align: middle; margin-left: 6px; border: 1px solid currentColor; }
.badge.may-fail { color: #7a4b00; } .badge.must-pass { color: #1d5e1d; }
.emulated { background: var(--int); color: var(--int-ink); font-weight: 600; padding: 1px 6px; border-radius: 4px; }
.verdict { font-weight: 600; padding: 6px 10px; border-left: 5px solid var(--muted); background: #f6f7f9; }
.verdict.differs { border-color: var(--bar); background: #fdeeee; }
.verdict.same { border-color: #3b7d3b; }
ul.warnings { background: #fff8e1; border: 1px solid #f0d98a; padding: 10px 14px 10px 32px; border-radius: 6px; }
tr.acceptable td { background: var(--ok); } tr.acceptable td.cls { color: var(--ok-ink); }
tr.interesting td { background: var(--int); } tr.interesting td.cls { color: var(--int-ink); font-weight: 600; }
tr.forbidden td { background: var(--bad); } tr.forbidden td.cls { color: var(--bad-ink); font-weight: 700; }
tr.other td { background: #eef0f3; font-style: italic; }
.histograms { display: flex; flex-wrap: wrap; gap: 8px 28px; }
.explain { margin: 0; flex: 1 1 420px; max-width: 100%; }
.explain img { max-width: 100%; height: auto; border: 1px solid #ddd; }
.explain figcaption { font-weight: 600; padding-bottom: 3px; }
.histograms table caption { text-align: left; font-weight: 600; padding-bottom: 3px; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border-radius: 4px; }
svg.chart { width: 100%; max-width: 880px; height: auto; display: block; margin: 6px 0 10px; }
svg.chart text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg.chart .axis text { fill: var(--muted); font-size: 11px; }
svg.chart .grid { stroke: #e3e6ea; }
svg.chart .rate-bar { fill: var(--bar); }
svg.chart .rate-bound { fill: #e9f3e9; stroke: #3b7d3b; stroke-dasharray: 4 3; }
svg.chart .ci { stroke: var(--ink); stroke-width: 2; }
section.scenario { break-inside: avoid-page; }
footer { margin-top: 36px; color: var(--muted); font-size: 0.9rem; border-top: 1px solid var(--rule); padding-top: 8px; }
@media print {
  @page { margin: 14mm; }
  body { font-size: 10pt; max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid-page; }
  table, svg.chart, .verdict { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Renders the whole page.
pub fn render(cmp: &Comparison) -> String {
    let mut s = String::new();
    let n_reports: usize = cmp.machines.iter().map(|m| m.reports.len()).sum();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>orderhunt report: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&cmp
            .rows
            .iter()
            .map(|r| r.scenario.as_str())
            .collect::<Vec<_>>()
            .join(", "))
    );
    let _ = writeln!(
        s,
        "<header><h1>orderhunt report</h1><p class=\"meta\">{} from {} · {} · generated by orderhunt {}</p></header>",
        plural(n_reports, "report"),
        plural(cmp.machines.len(), "machine"),
        plural(cmp.rows.len(), "scenario"),
        esc(env!("CARGO_PKG_VERSION"))
    );

    summary(&mut s, cmp);
    if !cmp.warnings.is_empty() {
        let _ = writeln!(s, "<h2>Warnings</h2>\n<ul class=\"warnings\">");
        for w in &cmp.warnings {
            let _ = writeln!(s, "<li>{}</li>", esc(w));
        }
        let _ = writeln!(s, "</ul>");
    }
    environment(&mut s, cmp);

    let domain = log_domain(cmp);
    for (i, row) in cmp.rows.iter().enumerate() {
        let _ = writeln!(
            s,
            "<section class=\"scenario\" id=\"s{i}\">\n<h2><code>{}</code><span class=\"badge {}\">{}</span></h2>",
            esc(&row.scenario),
            if row.expectation == "must-pass" { "must-pass" } else { "may-fail" },
            esc(&row.expectation)
        );
        if !row.description.is_empty() {
            let _ = writeln!(s, "<p>{}</p>", esc(&row.description));
        }
        if !row.hardware_models.is_empty() {
            let models: Vec<String> = row
                .hardware_models
                .iter()
                .map(|(m, v)| format!("{}: <b>{}</b>", esc(m), esc(v)))
                .collect();
            let _ = writeln!(
                s,
                "<p class=\"note\">Weak outcome on hardware (herdtools7 catalogue): {}</p>",
                models.join(" · ")
            );
        }
        let _ = writeln!(
            s,
            "<p class=\"verdict {}\">{}</p>",
            verdict_class(&row.verdict),
            esc(&row.verdict.text())
        );
        let placements: Vec<String> = row
            .cells
            .iter()
            .zip(&cmp.machines)
            .filter_map(|(c, m)| {
                c.as_ref().map(|c| {
                    let p: Vec<&str> = c.placements.iter().map(String::as_str).collect();
                    format!("{}: {}", esc(&m.label), esc(&p.join(" + ")))
                })
            })
            .collect();
        let _ = writeln!(
            s,
            "<p class=\"note placement\">Placement: {}</p>",
            placements.join(" · ")
        );
        let _ = writeln!(
            s,
            "<h3>Anomaly rate per machine ({}% interval)</h3>",
            (CONFIDENCE * 100.0).round()
        );
        chart(&mut s, cmp, i, domain);
        let _ = writeln!(s, "<h3>Observed outcomes</h3>");
        let _ = writeln!(
            s,
            "<p class=\"legend note\"><span style=\"background:var(--ok)\">acceptable</span>\
             <span style=\"background:var(--int)\">interesting: an anomaly</span>\
             <span style=\"background:var(--bad)\">forbidden</span></p>\n<div class=\"histograms\">"
        );
        for (cell, m) in row.cells.iter().zip(&cmp.machines) {
            if let Some(cell) = cell {
                histogram(&mut s, m, cell);
            }
        }
        explanations(&mut s, row.cells.iter().flatten());
        let _ = writeln!(s, "</div>\n</section>");
    }

    let _ = writeln!(
        s,
        "<footer><p>Rates are anomalies / completed iterations. Intervals are exact (Clopper–Pearson) {pct}% \
         intervals; with 0 anomalies the chart and tables show the one-sided {pct}% upper bound, drawn as a \
         dashed box. The chart's axis is logarithmic. Verdicts use Fisher's exact test (two-sided), \
         “differs” when p &lt; {alpha}; with more than two machines, p is Bonferroni-corrected over the \
         machine pairs. An emulated machine (e.g. an aarch64 binary under qemu-user on an x86-64 host) shows \
         the host's memory ordering, not its own.</p></footer>\n</body>\n</html>",
        pct = (CONFIDENCE * 100.0).round(),
        alpha = cmp.alpha
    );
    s
}

fn verdict_class(v: &Verdict) -> &'static str {
    match v {
        Verdict::Differs { .. } => "differs",
        Verdict::NoEvidence { .. } => "same",
        Verdict::NotCompared => "single",
    }
}

fn summary(s: &mut String, cmp: &Comparison) {
    let _ = writeln!(
        s,
        "<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr><th>scenario</th>"
    );
    for m in &cmp.machines {
        let _ = write!(s, "<th>{}</th>", machine_heading(m));
    }
    let _ = writeln!(s, "<th>verdict</th></tr></thead>\n<tbody>");
    for (i, row) in cmp.rows.iter().enumerate() {
        let _ = write!(
            s,
            "<tr><td><a href=\"#s{i}\"><code>{}</code></a></td>",
            esc(&row.scenario)
        );
        for cell in &row.cells {
            match cell {
                None => {
                    let _ = write!(s, "<td class=\"note\">not run</td>");
                }
                Some(c) => {
                    let _ = write!(
                        s,
                        "<td><span class=\"mono\">{}/{}</span><br>{}<br><span class=\"note\">first: {}</span></td>",
                        fmt_count(c.anomalies),
                        fmt_count(c.iterations),
                        esc(&c.rate_text()),
                        esc(&c.first_text())
                    );
                }
            }
        }
        let _ = writeln!(
            s,
            "<td class=\"verdict {}\">{}</td></tr>",
            verdict_class(&row.verdict),
            esc(&row.verdict.text())
        );
    }
    let _ = writeln!(s, "</tbody>\n</table>");
}

fn machine_heading(m: &MachineColumn) -> String {
    let mut h = esc(&m.label);
    if let Some(mark) = m.emulation_mark() {
        let _ = write!(h, "<br><span class=\"emulated\">{}</span>", esc(&mark));
    }
    h
}

fn environment(s: &mut String, cmp: &Comparison) {
    let _ = writeln!(
        s,
        "<h2>Machines</h2>\n<table class=\"env\">\n<thead><tr><th></th>"
    );
    for m in &cmp.machines {
        let _ = write!(s, "<th>{}</th>", machine_heading(m));
    }
    let _ = writeln!(s, "</tr></thead>\n<tbody>");
    type Field = (&'static str, fn(&MachineColumn) -> String);
    let fields: Vec<Field> = vec![
        ("architecture", |m| m.machine.arch.clone()),
        ("emulated", |m| match m.machine.emulated {
            Some(true) => format!("yes: {}", m.emulation_mark().unwrap_or_default()),
            Some(false) => "no".to_string(),
            None => "not detected".to_string(),
        }),
        ("emulation note", |m| {
            m.machine
                .emulation_note
                .clone()
                .unwrap_or_else(|| "-".to_string())
        }),
        ("host name", |m| {
            m.machine
                .hostname
                .clone()
                .unwrap_or_else(|| "unknown".to_string())
        }),
        ("CPU model", |m| {
            m.machine
                .cpu_model
                .clone()
                .unwrap_or_else(|| "unknown".to_string())
        }),
        ("CPUs (logical / physical)", |m| {
            format!("{} / {}", m.machine.logical_cpus, m.machine.physical_cpus)
        }),
        ("topology", |m| match &m.machine.topology {
            Some(t) => format!(
                "{} socket(s), {} NUMA node(s), {} cache cluster(s) ({}), {} cores, {} CPUs, \
                 {} thread(s) per core",
                t.sockets,
                t.numa_nodes,
                t.clusters,
                t.cluster_source,
                t.cores,
                t.cpus,
                t.threads_per_core
            ),
            None => "not recorded".to_string(),
        }),
        ("usable CPUs", |m| match &m.machine.topology {
            Some(t) => format!("{} (budget {} threads)", t.usable_cpus, t.cpu_budget),
            None => "not recorded".to_string(),
        }),
        ("OS", |m| m.machine.os.clone()),
        ("kernel", |m| {
            m.machine
                .kernel
                .clone()
                .unwrap_or_else(|| "unknown".to_string())
        }),
        ("rustc", |m| {
            m.machine
                .rustc
                .clone()
                .unwrap_or_else(|| "unknown".to_string())
        }),
        ("build profile", |m| {
            m.profiles.iter().cloned().collect::<Vec<_>>().join(", ")
        }),
        ("orderhunt version", |m| {
            m.tool_versions
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        }),
        ("runs", |m| format!("{} to {}", m.started_at, m.finished_at)),
        ("reports", |m| {
            m.reports
                .iter()
                .map(|p| {
                    p.file_name().map_or_else(
                        || p.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        }),
    ];
    for (name, get) in fields {
        let _ = write!(s, "<tr><th scope=\"row\">{}</th>", esc(name));
        for m in &cmp.machines {
            let _ = write!(s, "<td>{}</td>", esc(&get(m)));
        }
        let _ = writeln!(s, "</tr>");
    }
    let _ = writeln!(s, "</tbody>\n</table>");
}

fn histogram(s: &mut String, m: &MachineColumn, cell: &Cell) {
    let total = cell.iterations.max(1) as f64;
    let expected = cell
        .first_anomaly
        .as_ref()
        .map(|fa| format!(" · expected {}", esc(&fmt_value(&fa.expected))))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "<table class=\"hist\"><caption>{}{expected}</caption>\n\
         <thead><tr><th>observed</th><th>count</th><th>frequency</th><th>expectation</th></tr></thead><tbody>",
        machine_heading(m)
    );
    for o in &cell.outcomes {
        let (cls, text) = match o.class.as_str() {
            "acceptable" => ("acceptable", "acceptable"),
            "interesting" => ("interesting", "interesting (anomaly)"),
            "forbidden" => ("forbidden", "forbidden"),
            "undeclared" => ("forbidden", "undeclared (fails the run)"),
            _ => ("other", "unknown class"),
        };
        let _ = writeln!(
            s,
            "<tr class=\"{cls}\"><td class=\"mono\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"cls\">{}</td></tr>",
            esc(&fmt_value(&o.observed)),
            fmt_count(o.count),
            frequency(o.count as f64 / total),
            text
        );
    }
    if cell.outcomes_other > 0 {
        let _ = writeln!(
            s,
            "<tr class=\"other\"><td>other outcomes (histogram full)</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>mixed</td></tr>",
            fmt_count(cell.outcomes_other),
            frequency(cell.outcomes_other as f64 / total)
        );
    }
    if cell.outcomes.is_empty() && cell.outcomes_other == 0 {
        let _ = writeln!(
            s,
            "<tr><td colspan=\"4\" class=\"note\">no outcomes recorded</td></tr>"
        );
    }
    let _ = writeln!(s, "</tbody></table>");
}

/// The execution graphs of the observed interesting and forbidden states
/// (one figure per state, over every machine), beside the outcome tables.
/// The SVG is embedded as an image (a data URI), so a report file cannot
/// put script into the page.
fn explanations<'a>(s: &mut String, cells: impl Iterator<Item = &'a Cell>) {
    let mut seen: Vec<&str> = Vec::new();
    for cell in cells {
        for e in &cell.explanations {
            if seen.contains(&e.state.as_str()) {
                continue;
            }
            seen.push(&e.state);
            let verdicts: Vec<String> = e
                .models
                .iter()
                .map(|m| format!("{} {}", esc(&m.model), esc(&m.verdict)))
                .collect();
            let _ = writeln!(
                s,
                "<figure class=\"explain\"><figcaption>Why {} {}: {}</figcaption>\
                 <img alt=\"execution graphs of {}\" src=\"data:image/svg+xml;charset=utf-8,{}\">",
                esc(&e.test),
                esc(&e.state),
                verdicts.join(" · "),
                esc(&e.state),
                data_uri(&e.svg)
            );
            for d in &e.differences {
                let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(d));
            }
            let _ = writeln!(s, "</figure>");
        }
    }
}

/// Percent-encodes everything but letters, digits and a few safe marks.
fn data_uri(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() * 2);
    for b in svg.bytes() {
        if b.is_ascii_alphanumeric() || b" -_.,:;/=()".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn frequency(f: f64) -> String {
    if f == 0.0 {
        "0%".to_string()
    } else if f >= 0.001 {
        format!("{:.2}%", f * 100.0)
    } else {
        format!("{:.2e}", f)
    }
}

/// Lower end of the log axis, in decades (e.g. -6 for 1e-6): one decade
/// below the smallest positive value any chart must show.
fn log_domain(cmp: &Comparison) -> i32 {
    let mut min = f64::INFINITY;
    for row in &cmp.rows {
        for c in row.cells.iter().flatten() {
            if c.iterations == 0 {
                continue;
            }
            let (lo, _) = c.interval();
            for v in [lo, c.rate(), c.upper_one_sided()] {
                if v > 0.0 && v < min {
                    min = v;
                }
            }
        }
    }
    if !min.is_finite() {
        return -6;
    }
    ((min.log10().floor() as i32) - 1).clamp(-15, -1)
}

fn chart(s: &mut String, cmp: &Comparison, row_index: usize, dmin: i32) {
    const LABEL_W: f64 = 190.0;
    const PLOT_W: f64 = 430.0;
    const TEXT_W: f64 = 260.0;
    const ROW_H: f64 = 34.0;
    const TOP: f64 = 8.0;
    let row = &cmp.rows[row_index];
    let n = row.cells.len().max(1) as f64;
    let width = LABEL_W + PLOT_W + TEXT_W;
    let height = TOP + n * ROW_H + 30.0;
    let x = |v: f64| {
        let lv = if v <= 0.0 {
            f64::from(dmin)
        } else {
            v.log10().clamp(f64::from(dmin), 0.0)
        };
        LABEL_W + (lv - f64::from(dmin)) / f64::from(-dmin) * PLOT_W
    };
    let _ = writeln!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
         aria-label=\"Anomaly rate of {} per machine, log scale, with 95% intervals\">",
        esc(&row.scenario)
    );
    // Decade grid and axis labels.
    let axis_y = TOP + n * ROW_H;
    let _ = writeln!(s, "<g class=\"axis\">");
    for d in dmin..=0 {
        let gx = x(10f64.powi(d));
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{gx:.1}\" y1=\"{TOP}\" x2=\"{gx:.1}\" y2=\"{axis_y}\"/>\
             <text x=\"{gx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            axis_y + 16.0,
            if d == 0 {
                "1".to_string()
            } else {
                format!("1e{d}")
            }
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"{LABEL_W}\" y1=\"{axis_y}\" x2=\"{:.1}\" y2=\"{axis_y}\" stroke=\"#888\"/></g>",
        LABEL_W + PLOT_W
    );
    for (k, (cell, m)) in row.cells.iter().zip(&cmp.machines).enumerate() {
        let y = TOP + k as f64 * ROW_H;
        let mid = y + ROW_H / 2.0;
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL_W - 8.0,
            mid + 4.0,
            esc(&m.label)
        );
        let Some(c) = cell else {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"note\">not run</text>",
                LABEL_W + 6.0,
                mid + 4.0
            );
            continue;
        };
        if c.iterations == 0 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\">no iterations</text>",
                LABEL_W + 6.0,
                mid + 4.0
            );
            continue;
        }
        let label = format!(
            "{} · {}/{}",
            c.rate_text(),
            fmt_count(c.anomalies),
            fmt_count(c.iterations)
        );
        if c.anomalies == 0 {
            let u = c.upper_one_sided();
            let _ = writeln!(
                s,
                "<rect class=\"rate-bound\" x=\"{LABEL_W}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\">\
                 <title>{}: 0 anomalies in {} iterations; rate ≤ {} (one-sided 95%)</title></rect>",
                y + 8.0,
                (x(u) - LABEL_W).max(1.0),
                ROW_H - 16.0,
                esc(&m.label),
                fmt_count(c.iterations),
                fmt_rate(u)
            );
        } else {
            let (lo, hi) = c.interval();
            let (xr, xl, xh) = (x(c.rate()), x(lo), x(hi));
            let _ = writeln!(
                s,
                "<rect class=\"rate-bar\" x=\"{LABEL_W}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\">\
                 <title>{}: rate {} (95% interval {} to {})</title></rect>\
                 <line class=\"ci\" x1=\"{xl:.1}\" y1=\"{mid:.1}\" x2=\"{xh:.1}\" y2=\"{mid:.1}\"/>\
                 <line class=\"ci\" x1=\"{xl:.1}\" y1=\"{:.1}\" x2=\"{xl:.1}\" y2=\"{:.1}\"/>\
                 <line class=\"ci\" x1=\"{xh:.1}\" y1=\"{:.1}\" x2=\"{xh:.1}\" y2=\"{:.1}\"/>",
                y + 8.0,
                (xr - LABEL_W).max(1.0),
                ROW_H - 16.0,
                esc(&m.label),
                fmt_rate(c.rate()),
                fmt_rate(lo),
                fmt_rate(hi),
                mid - 7.0,
                mid + 7.0,
                mid - 7.0,
                mid + 7.0
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LABEL_W + PLOT_W + 10.0,
            mid + 4.0,
            esc(&label)
        );
    }
    let _ = writeln!(s, "</svg>");
    if let Verdict::Differs { p, .. } | Verdict::NoEvidence { p, .. } = &row.verdict {
        let _ = writeln!(
            s,
            "<p class=\"note\">Fisher's exact test: p = {}.</p>",
            fmt_p(*p)
        );
    }
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
