//! Fleet results side by side, with statistics: the model behind
//! `orderhunt compare` and `orderhunt report --html`.
//!
//! Reports are grouped by machine (architecture, host name, CPU model and
//! emulation); several reports from one machine (nightly soaks, say) merge
//! into one column with their counts summed. Each scenario becomes one row
//! with, per machine: iterations, anomalies, the anomaly rate with its exact
//! 95% interval (the one-sided upper bound when there are no anomalies) and
//! the first anomaly. The verdict compares the machines with Fisher's exact
//! test. The same model ([`Comparison`]) feeds the HTML report.

use crate::error::{Error, Result};
use crate::export::report::{FirstAnomaly, Machine, Outcome, Report};
use crate::load;
use crate::stats;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Confidence level of every interval shown.
pub const CONFIDENCE: f64 = 0.95;

/// Iteration counts whose ratio reaches this are "far apart".
const FAR_APART_RATIO: f64 = 10.0;

/// Checks `alpha`, loads the reports at `paths` and compares them: the
/// common first step of `compare` and `report`.
pub fn load_comparison(
    paths: &[std::path::PathBuf],
    alpha: f64,
) -> Result<(Vec<(PathBuf, Report)>, Comparison)> {
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::usage(format!(
            "--alpha {alpha} is not a probability strictly between 0 and 1; try --alpha 0.05"
        )));
    }
    let reports = load::load_reports(paths)?;
    let cmp = Comparison::build(&reports, alpha);
    Ok((reports, cmp))
}

/// What identifies "one machine": reports sharing it merge into one column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MachineKey {
    pub arch: String,
    pub hostname: Option<String>,
    pub cpu_model: Option<String>,
    pub emulated: bool,
}

/// One machine column: every report from one machine.
#[derive(Debug, Clone)]
pub struct MachineColumn {
    pub key: MachineKey,
    /// Short unique name: the architecture, or `arch@host` when two columns
    /// share an architecture.
    pub label: String,
    /// The machine description of the earliest report.
    pub machine: Machine,
    pub reports: Vec<PathBuf>,
    pub tool_versions: BTreeSet<String>,
    pub profiles: BTreeSet<String>,
    pub started_at: String,
    pub finished_at: String,
}

impl MachineColumn {
    /// Column heading: label plus host and CPU, with the emulation mark.
    pub fn title(&self) -> String {
        match self.emulation_mark() {
            Some(mark) => {
                let base = self
                    .label
                    .strip_suffix(" (emulated)")
                    .unwrap_or(&self.label);
                format!("{base} ({mark})")
            }
            None => self.label.clone(),
        }
    }

    /// "emulated on x86 host: x86 memory ordering" when the reports say the
    /// binary ran under an emulator.
    pub fn emulation_mark(&self) -> Option<String> {
        if !self.key.emulated {
            return None;
        }
        Some(match host_family(&self.machine) {
            Some(host) => format!("emulated on {host} host: {host} memory ordering"),
            None => "emulated: the host's memory ordering, not this architecture's".to_string(),
        })
    }

    /// One line: host, CPU, cores, profile, report count.
    pub fn details(&self) -> String {
        let m = &self.machine;
        let mut parts = vec![format!("arch {}", m.arch)];
        if let Some(h) = &m.hostname {
            parts.push(format!("host {h}"));
        }
        if let Some(c) = &m.cpu_model {
            parts.push(format!("CPU {c}"));
        }
        parts.push(format!(
            "{} logical / {} physical CPUs",
            m.logical_cpus, m.physical_cpus
        ));
        if let Some(t) = &m.topology {
            parts.push(format!(
                "{} socket(s), {} cache cluster(s), {} cores, SMT {}, usable CPUs {}",
                t.sockets, t.clusters, t.cores, t.threads_per_core, t.usable_cpus
            ));
        }
        parts.push(format!("{} build", join(&self.profiles)));
        parts.push(format!("orderhunt {}", join(&self.tool_versions)));
        parts.push(plural(self.reports.len() as u64, "report"));
        parts.join(", ")
    }
}

/// Guesses the host's memory-model family of an emulated machine from the
/// CPU model it reports (emulators pass the host's CPU through).
fn host_family(m: &Machine) -> Option<&'static str> {
    let cpu = m.cpu_model.as_deref().unwrap_or("").to_ascii_lowercase();
    let note = m
        .emulation_note
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    let hay = format!("{cpu} {note}");
    if ["intel", "amd", "x86", "xeon", "epyc", "ryzen"]
        .iter()
        .any(|w| hay.contains(w))
    {
        Some("x86")
    } else if [
        "neoverse", "cortex", "graviton", "apple m", "aarch64", "arm",
    ]
    .iter()
    .any(|w| hay.contains(w))
    {
        Some("ARM")
    } else {
        None
    }
}

/// One scenario on one machine, summed over that machine's reports.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub expectation: String,
    pub description: String,
    /// Litmus scenarios: what hardware models say of the weak outcome.
    pub hardware_models: BTreeMap<String, String>,
    pub iterations_requested: u64,
    pub iterations: u64,
    pub anomalies: u64,
    pub forbidden: u64,
    /// The first anomaly of the earliest report that has one; its iteration
    /// is counted across the merged reports in start order.
    pub first_anomaly: Option<FirstAnomaly>,
    /// Merged histogram, most frequent first.
    pub outcomes: Vec<Outcome>,
    pub outcomes_other: u64,
    pub harnesses: BTreeSet<String>,
    pub memories: BTreeSet<String>,
    /// Placement of the copies, one line per distinct placement (see
    /// `Settings::placement_text`).
    pub placements: BTreeSet<String>,
    pub stop_on_first: bool,
    pub interrupted: bool,
    pub reports: usize,
    /// Litmus scenarios: the explanations of the observed interesting and
    /// forbidden states, one per state (the first report's).
    pub explanations: Vec<crate::report::Explanation>,
}

impl Cell {
    pub fn rate(&self) -> f64 {
        if self.iterations == 0 {
            0.0
        } else {
            self.anomalies as f64 / self.iterations as f64
        }
    }
    /// Two-sided exact 95% interval.
    pub fn interval(&self) -> (f64, f64) {
        stats::clopper_pearson_interval(self.anomalies, self.iterations, CONFIDENCE)
    }
    /// One-sided exact 95% upper bound (what is shown for 0 anomalies).
    pub fn upper_one_sided(&self) -> f64 {
        stats::clopper_pearson_upper_one_sided(self.anomalies, self.iterations, CONFIDENCE)
    }
    /// "0 (≤1.20e-5)" or "5.32e-4 [1.35e-5, 2.96e-3]".
    pub fn rate_text(&self) -> String {
        if self.iterations == 0 {
            "n/a (0 iterations)".to_string()
        } else if self.anomalies == 0 {
            format!("0 (≤{})", fmt_rate(self.upper_one_sided()))
        } else {
            let (lo, hi) = self.interval();
            format!(
                "{} [{}, {}]",
                fmt_rate(self.rate()),
                fmt_rate(lo),
                fmt_rate(hi)
            )
        }
    }
    /// "#1879: 936 (expected 1000)" or "-".
    pub fn first_text(&self) -> String {
        match &self.first_anomaly {
            Some(fa) => format!(
                "#{}: {} (expected {})",
                fmt_count(fa.iteration),
                fmt_value(&fa.observed),
                fmt_value(&fa.expected)
            ),
            None => "-".to_string(),
        }
    }
}

/// The verdict of one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Fewer than two machines ran the scenario.
    NotCompared,
    /// Significant at the chosen level. `p` is Bonferroni-corrected when
    /// more than two machines took part.
    Differs {
        p: f64,
        pairs: usize,
        summary: String,
    },
    NoEvidence {
        p: f64,
        pairs: usize,
    },
}

impl Verdict {
    pub fn text(&self) -> String {
        match self {
            Verdict::NotCompared => "not compared (one machine)".to_string(),
            Verdict::Differs { p, pairs, summary } => {
                format!(
                    "differs (Fisher p = {}{}): {summary}",
                    fmt_p(*p),
                    bonferroni_note(*pairs)
                )
            }
            Verdict::NoEvidence { p, pairs } => {
                format!(
                    "no evidence of a difference (Fisher p = {}{})",
                    fmt_p(*p),
                    bonferroni_note(*pairs)
                )
            }
        }
    }
}

fn bonferroni_note(pairs: usize) -> String {
    if pairs > 1 {
        format!(", Bonferroni over {pairs} pairs")
    } else {
        String::new()
    }
}

/// One scenario across machines.
#[derive(Debug, Clone)]
pub struct Row {
    pub scenario: String,
    pub expectation: String,
    pub description: String,
    /// Litmus scenarios: what hardware models say of the weak outcome,
    /// e.g. {"x86-TSO": "forbidden", "ARMv8": "allowed"}.
    pub hardware_models: BTreeMap<String, String>,
    /// One entry per machine column; `None` where that machine did not run
    /// the scenario.
    pub cells: Vec<Option<Cell>>,
    pub verdict: Verdict,
}

/// The whole comparison.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub machines: Vec<MachineColumn>,
    pub rows: Vec<Row>,
    /// Unfair-comparison and data-quality warnings, one line each.
    pub warnings: Vec<String>,
    pub alpha: f64,
}

impl Comparison {
    /// Groups `reports` by machine and by scenario, merges, and judges.
    pub fn build(reports: &[(PathBuf, Report)], alpha: f64) -> Comparison {
        // Merge in start order so first anomalies and their iteration offsets
        // follow time.
        let mut order: Vec<&(PathBuf, Report)> = reports.iter().collect();
        order.sort_by(|a, b| {
            a.1.started_at
                .cmp(&b.1.started_at)
                .then_with(|| a.0.cmp(&b.0))
        });

        let mut keys: BTreeMap<MachineKey, usize> = BTreeMap::new();
        let mut machines: Vec<MachineColumn> = Vec::new();
        let mut scenario_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut scenarios: Vec<String> = Vec::new();
        // (scenario index, machine index) -> cell
        let mut cells: BTreeMap<(usize, usize), Cell> = BTreeMap::new();
        let mut warnings: Vec<String> = Vec::new();

        for (path, report) in order {
            let m = &report.machine;
            let key = MachineKey {
                arch: m.arch.clone(),
                hostname: m.hostname.clone(),
                cpu_model: m.cpu_model.clone(),
                emulated: m.emulated == Some(true),
            };
            let mi = *keys.entry(key.clone()).or_insert_with(|| {
                machines.push(MachineColumn {
                    key,
                    label: String::new(),
                    machine: m.clone(),
                    reports: Vec::new(),
                    tool_versions: BTreeSet::new(),
                    profiles: BTreeSet::new(),
                    started_at: report.started_at.clone(),
                    finished_at: report.finished_at.clone(),
                });
                machines.len() - 1
            });
            let col = &mut machines[mi];
            col.reports.push(path.clone());
            col.tool_versions.insert(report.tool.version.clone());
            col.profiles.insert(m.profile.clone());
            if report.finished_at > col.finished_at {
                col.finished_at = report.finished_at.clone();
            }
            if report.interrupted {
                warnings.push(format!(
                    "{}: the run was interrupted (or is a soak checkpoint); its counts are partial",
                    path.display()
                ));
            }

            for r in &report.results {
                let si = *scenario_index.entry(r.scenario.clone()).or_insert_with(|| {
                    scenarios.push(r.scenario.clone());
                    scenarios.len() - 1
                });
                let cell = cells.entry((si, mi)).or_default();
                if cell.reports == 0 {
                    cell.expectation = r.expectation.clone();
                    cell.description = r.description.clone();
                    cell.hardware_models = r.hardware_models.clone();
                }
                if cell.first_anomaly.is_none() {
                    if let Some(fa) = &r.first_anomaly {
                        cell.first_anomaly = Some(FirstAnomaly {
                            iteration: fa.iteration.saturating_add(cell.iterations),
                            ..fa.clone()
                        });
                    }
                }
                cell.iterations_requested = cell
                    .iterations_requested
                    .saturating_add(r.iterations_requested);
                cell.iterations = cell.iterations.saturating_add(r.iterations_completed);
                cell.anomalies = cell.anomalies.saturating_add(r.anomalies);
                cell.forbidden = cell.forbidden.saturating_add(r.forbidden);
                cell.outcomes_other = cell.outcomes_other.saturating_add(r.outcomes_other);
                merge_outcomes(&mut cell.outcomes, &r.outcomes);
                for e in r.explanations.iter().flatten() {
                    if !cell.explanations.iter().any(|x| x.state == e.state) {
                        cell.explanations.push(e.clone());
                    }
                }
                cell.harnesses.insert(r.settings.harness.clone());
                cell.memories.insert(r.settings.memory.clone());
                cell.placements.insert(r.settings.placement_text());
                cell.stop_on_first |= r.settings.stop_on_first;
                cell.interrupted |= r.interrupted;
                cell.reports += 1;
            }
        }
        for cell in cells.values_mut() {
            cell.outcomes.sort_by_key(|o| std::cmp::Reverse(o.count));
        }

        // Stable machine order: by architecture, then host.
        let mut idx: Vec<usize> = (0..machines.len()).collect();
        idx.sort_by(|&a, &b| machines[a].key.cmp(&machines[b].key));
        let remap: BTreeMap<usize, usize> = idx
            .iter()
            .enumerate()
            .map(|(new, &old)| (old, new))
            .collect();
        let mut sorted: Vec<MachineColumn> = idx.iter().map(|&i| machines[i].clone()).collect();
        assign_labels(&mut sorted);
        let machines = sorted;

        let mut rows = Vec::new();
        for (si, scenario) in scenarios.iter().enumerate() {
            let mut row_cells: Vec<Option<Cell>> = vec![None; machines.len()];
            for (old, &new) in &remap {
                if let Some(c) = cells.remove(&(si, *old)) {
                    row_cells[new] = Some(c);
                }
            }
            let first = row_cells
                .iter()
                .flatten()
                .next()
                .cloned()
                .unwrap_or_default();
            let verdict = judge(&machines, &row_cells, alpha);
            rows.push(Row {
                scenario: scenario.clone(),
                expectation: first.expectation,
                description: first.description,
                hardware_models: first.hardware_models,
                cells: row_cells,
                verdict,
            });
        }

        let mut cmp = Comparison {
            machines,
            rows,
            warnings,
            alpha,
        };
        cmp.add_fairness_warnings();
        cmp
    }

    /// True when some row's verdict is "differs".
    pub fn any_difference(&self) -> bool {
        self.rows
            .iter()
            .any(|r| matches!(r.verdict, Verdict::Differs { .. }))
    }

    fn add_fairness_warnings(&mut self) {
        let mut w = Vec::new();
        let labels: Vec<&str> = self.machines.iter().map(|m| m.label.as_str()).collect();

        // Machine-wide: build profile and tool version.
        let per_machine =
            |f: &dyn Fn(&MachineColumn) -> &BTreeSet<String>| -> Vec<(String, String)> {
                self.machines
                    .iter()
                    .map(|m| (m.label.clone(), join(f(m))))
                    .collect()
            };
        let profiles = per_machine(&|m| &m.profiles);
        if distinct(&profiles) {
            w.push(format!(
                "build profile differs ({}): a debug build changes code generation; compare release builds",
                pairs_text(&profiles)
            ));
        }
        let versions = per_machine(&|m| &m.tool_versions);
        if distinct(&versions) {
            w.push(format!(
                "orderhunt version differs ({}): scenarios or the harness may have changed between versions",
                pairs_text(&versions)
            ));
        }
        for m in &self.machines {
            if let Some(mark) = m.emulation_mark() {
                w.push(format!(
                    "{} is {mark}; emulation keeps the host's memory ordering, so its results say nothing about real {} hardware",
                    m.label, m.key.arch
                ));
            }
        }

        for row in &self.rows {
            let present: Vec<(&str, &Cell)> = row
                .cells
                .iter()
                .zip(&labels)
                .filter_map(|(c, l)| c.as_ref().map(|c| (*l, c)))
                .collect();
            // Runs merged into one machine's column with different
            // placements: its rate mixes them.
            for (l, c) in &present {
                if c.placements.len() > 1 {
                    w.push(format!(
                        "{}: {l} merges runs with different placements ({}); its rate mixes them",
                        row.scenario,
                        join(&c.placements)
                    ));
                }
            }
            if present.len() < 2 {
                continue;
            }
            for (what, get) in [
                (
                    "harness",
                    (|c: &Cell| &c.harnesses) as fn(&Cell) -> &BTreeSet<String>,
                ),
                ("memory mode", |c: &Cell| &c.memories),
                ("placement", |c: &Cell| &c.placements),
            ] {
                let vals: Vec<(String, String)> = present
                    .iter()
                    .map(|(l, c)| (l.to_string(), join(get(c))))
                    .collect();
                let mixed = present.iter().any(|(_, c)| get(c).len() > 1);
                if distinct(&vals) || mixed {
                    w.push(format!(
                        "{}: {what} differs ({}); the rates are not directly comparable",
                        row.scenario,
                        pairs_text(&vals)
                    ));
                }
            }
            let counts: Vec<u64> = present
                .iter()
                .map(|(_, c)| c.iterations)
                .filter(|&n| n > 0)
                .collect();
            if let (Some(&lo), Some(&hi)) = (counts.iter().min(), counts.iter().max()) {
                if hi as f64 / lo as f64 >= FAR_APART_RATIO {
                    let vals: Vec<(String, String)> = present
                        .iter()
                        .map(|(l, c)| (l.to_string(), fmt_count(c.iterations)))
                        .collect();
                    let stopped: Vec<&str> = present
                        .iter()
                        .filter(|(_, c)| {
                            c.stop_on_first
                                && c.anomalies > 0
                                && c.iterations < c.iterations_requested
                        })
                        .map(|(l, _)| *l)
                        .collect();
                    let mut msg = format!(
                        "{}: iteration counts far apart ({}); the smaller run's interval is wide",
                        row.scenario,
                        pairs_text(&vals)
                    );
                    if !stopped.is_empty() {
                        msg.push_str(&format!(
                            "; {} stopped at the first anomaly (stop-on-first), so its rate rests on that one event",
                            stopped.join(", ")
                        ));
                    }
                    w.push(msg);
                }
            }
        }
        // Keep order, drop duplicates.
        let mut seen = BTreeSet::new();
        self.warnings.extend(w);
        self.warnings.retain(|x| seen.insert(x.clone()));
    }

    /// Plain-text table.
    pub fn to_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Machines:");
        for (i, m) in self.machines.iter().enumerate() {
            let _ = writeln!(s, "  [{}] {}: {}", letter(i), m.title(), m.details());
        }
        let _ = writeln!(s);
        let mut header = vec!["scenario".to_string()];
        for (i, _) in self.machines.iter().enumerate() {
            let l = letter(i);
            header.push(format!("[{l}] anomalies/iterations"));
            header.push(format!("[{l}] rate (95% CI)"));
            header.push(format!("[{l}] first anomaly"));
        }
        header.push("verdict".to_string());
        let mut table = vec![header];
        for row in &self.rows {
            table.push(self.row_cells(row));
        }
        let widths: Vec<usize> = (0..table[0].len())
            .map(|c| {
                table
                    .iter()
                    .map(|r| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (ri, r) in table.iter().enumerate() {
            let line: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
                .collect();
            let _ = writeln!(s, "{}", line.join("  ").trim_end());
            if ri == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                let _ = writeln!(s, "{}", rule.join("  "));
            }
        }
        let _ = writeln!(s, "\nPlacement:");
        for line in self.placement_lines() {
            let _ = writeln!(s, "  {line}");
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(s);
            for w in &self.warnings {
                let _ = writeln!(s, "warning: {w}");
            }
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "{}", self.footnote());
        s
    }

    /// GitHub-flavoured Markdown.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "### orderhunt compare\n");
        for (i, m) in self.machines.iter().enumerate() {
            let _ = writeln!(
                s,
                "- **[{}] {}**: {}",
                letter(i),
                md(&m.title()),
                md(&m.details())
            );
        }
        let _ = writeln!(s);
        let mut header = vec!["scenario".to_string()];
        for (i, _) in self.machines.iter().enumerate() {
            let l = letter(i);
            header.push(format!("[{l}] anomalies/iterations"));
            header.push(format!("[{l}] rate (95% CI)"));
            header.push(format!("[{l}] first anomaly"));
        }
        header.push("verdict".to_string());
        let _ = writeln!(s, "| {} |", header.join(" | "));
        let _ = writeln!(s, "|{}", "---|".repeat(header.len()));
        for row in &self.rows {
            let mut cells: Vec<String> = self.row_cells(row).iter().map(|c| md(c)).collect();
            cells[0] = format!("`{}`", row.scenario.replace('`', "'").replace('|', "\\|"));
            if let Some(last) = cells.last_mut() {
                if matches!(row.verdict, Verdict::Differs { .. }) {
                    *last = format!("**{last}**");
                }
            }
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(s, "\n**Placement:**\n");
        for line in self.placement_lines() {
            let _ = writeln!(s, "- {}", md(&line));
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(s);
            for w in &self.warnings {
                let _ = writeln!(s, "> **Warning:** {}", md(w));
                let _ = writeln!(s, ">");
            }
            s.truncate(s.trim_end_matches(">\n").len());
            s.push('\n');
        }
        let _ = writeln!(s, "\n{}", md(&self.footnote()));
        s
    }

    /// JSON, schema `orderhunt.compare/1`.
    pub fn to_json(&self) -> String {
        use serde_json::json;
        let machines: Vec<_> = self
            .machines
            .iter()
            .map(|m| {
                json!({
                    "label": m.label,
                    "title": m.title(),
                    "arch": m.key.arch,
                    "hostname": m.key.hostname,
                    "cpu_model": m.key.cpu_model,
                    "emulated": m.key.emulated,
                    "profiles": m.profiles,
                    "tool_versions": m.tool_versions,
                    "reports": m.reports.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                })
            })
            .collect();
        let rows: Vec<_> = self
            .rows
            .iter()
            .map(|row| {
                let cells: Vec<_> = row
                    .cells
                    .iter()
                    .zip(&self.machines)
                    .map(|(c, m)| match c {
                        None => json!({"machine": m.label, "ran": false}),
                        Some(c) => {
                            let (lo, hi) = c.interval();
                            json!({
                                "machine": m.label,
                                "ran": true,
                                "iterations": c.iterations,
                                "iterations_requested": c.iterations_requested,
                                "anomalies": c.anomalies,
                                "forbidden": c.forbidden,
                                "rate": c.rate(),
                                "ci95": [lo, hi],
                                "upper95_one_sided": c.upper_one_sided(),
                                "first_anomaly": c.first_anomaly,
                                "placement": c.placements,
                                "reports": c.reports,
                            })
                        }
                    })
                    .collect();
                let verdict = match &row.verdict {
                    Verdict::NotCompared => json!({"kind": "not-compared", "text": row.verdict.text()}),
                    Verdict::Differs { p, pairs, summary } => json!({
                        "kind": "differs", "p_value": p, "pairs": pairs,
                        "summary": summary, "text": row.verdict.text()
                    }),
                    Verdict::NoEvidence { p, pairs } => json!({
                        "kind": "no-evidence", "p_value": p, "pairs": pairs, "text": row.verdict.text()
                    }),
                };
                json!({
                    "scenario": row.scenario,
                    "expectation": row.expectation,
                    "cells": cells,
                    "verdict": verdict,
                })
            })
            .collect();
        let doc = json!({
            "schema": "orderhunt.compare/1",
            "confidence": CONFIDENCE,
            "alpha": self.alpha,
            "machines": machines,
            "rows": rows,
            "warnings": self.warnings,
            "any_difference": self.any_difference(),
        });
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
        s.push('\n');
        s
    }

    /// One line per scenario: where each machine's copies ran, e.g.
    /// `sb: [A] spread, 4 copies (same-cluster); [B] smt, 1 copy (same-core)`.
    pub fn placement_lines(&self) -> Vec<String> {
        self.rows
            .iter()
            .map(|row| {
                let per: Vec<String> = row
                    .cells
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| {
                        c.as_ref().map(|c| {
                            let p: Vec<&str> = c.placements.iter().map(String::as_str).collect();
                            format!("[{}] {}", letter(i), p.join(" + "))
                        })
                    })
                    .collect();
                format!("{}: {}", row.scenario, per.join("; "))
            })
            .collect()
    }

    fn row_cells(&self, row: &Row) -> Vec<String> {
        let mut out = vec![row.scenario.clone()];
        for c in &row.cells {
            match c {
                None => out.extend(["not run".to_string(), "-".to_string(), "-".to_string()]),
                Some(c) => {
                    out.push(format!(
                        "{}/{}",
                        fmt_count(c.anomalies),
                        fmt_count(c.iterations)
                    ));
                    out.push(c.rate_text());
                    out.push(c.first_text());
                }
            }
        }
        out.push(row.verdict.text());
        out
    }

    fn footnote(&self) -> String {
        format!(
            "Rates: anomalies/iterations with an exact (Clopper-Pearson) 95% interval; with 0 anomalies, the one-sided 95% upper bound (≤). Verdict: Fisher's exact test, two-sided, 'differs' when p < {}.",
            self.alpha
        )
    }
}

/// Fisher's exact test over all machine pairs (Bonferroni-corrected).
fn judge(machines: &[MachineColumn], cells: &[Option<Cell>], alpha: f64) -> Verdict {
    let present: Vec<(usize, &Cell)> = cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.as_ref().filter(|c| c.iterations > 0).map(|c| (i, c)))
        .collect();
    if present.len() < 2 {
        return Verdict::NotCompared;
    }
    let mut best: Option<(f64, usize, usize)> = None;
    let mut pairs = 0usize;
    for (x, &(i, ci)) in present.iter().enumerate() {
        for &(j, cj) in &present[x + 1..] {
            pairs += 1;
            let p = stats::fisher_exact_two_sided(
                ci.anomalies,
                ci.iterations - ci.anomalies,
                cj.anomalies,
                cj.iterations - cj.anomalies,
            );
            if best.is_none_or(|(bp, _, _)| p < bp) {
                best = Some((p, i, j));
            }
        }
    }
    let Some((p, i, j)) = best else {
        return Verdict::NotCompared;
    };
    let p = (p * pairs as f64).min(1.0);
    if p >= alpha {
        return Verdict::NoEvidence { p, pairs };
    }
    let with: Vec<&str> = present
        .iter()
        .filter(|(_, c)| c.anomalies > 0)
        .map(|&(k, _)| machines[k].label.as_str())
        .collect();
    let summary = if with.len() < present.len() {
        format!("anomalies on {} only", with.join(", "))
    } else {
        let (hi, lo) = if cells_rate(cells, i) >= cells_rate(cells, j) {
            (i, j)
        } else {
            (j, i)
        };
        format!(
            "higher anomaly rate on {} than on {}",
            machines[hi].label, machines[lo].label
        )
    };
    Verdict::Differs { p, pairs, summary }
}

fn cells_rate(cells: &[Option<Cell>], i: usize) -> f64 {
    cells[i].as_ref().map_or(0.0, Cell::rate)
}

fn merge_outcomes(into: &mut Vec<Outcome>, from: &[Outcome]) {
    for o in from {
        match into
            .iter_mut()
            .find(|x| x.observed == o.observed && x.class == o.class)
        {
            Some(x) => x.count = x.count.saturating_add(o.count),
            None => into.push(o.clone()),
        }
    }
}

/// Labels: the architecture where unique, else `arch@host`, else numbered.
fn assign_labels(machines: &mut [MachineColumn]) {
    let base = |m: &MachineColumn, with_host: bool| {
        let mut l = m.key.arch.clone();
        if with_host {
            l = format!(
                "{l}@{}",
                m.key.hostname.as_deref().unwrap_or("unknown-host")
            );
        }
        if m.key.emulated {
            l.push_str(" (emulated)");
        }
        l
    };
    let mut labels: Vec<String> = machines.iter().map(|m| base(m, false)).collect();
    let dup = |labels: &[String], l: &String| labels.iter().filter(|x| *x == l).count() > 1;
    let snapshot = labels.clone();
    for (i, m) in machines.iter().enumerate() {
        if dup(&snapshot, &snapshot[i]) {
            labels[i] = base(m, true);
        }
    }
    let snapshot = labels.clone();
    let mut counter: BTreeMap<String, usize> = BTreeMap::new();
    for (i, l) in labels.iter_mut().enumerate() {
        if dup(&snapshot, &snapshot[i]) {
            let n = counter.entry(l.clone()).or_insert(0);
            *n += 1;
            *l = format!("{l} #{n}");
        }
    }
    for (m, l) in machines.iter_mut().zip(labels) {
        m.label = l;
    }
}

fn distinct(vals: &[(String, String)]) -> bool {
    vals.iter().map(|(_, v)| v).collect::<BTreeSet<_>>().len() > 1
}

fn pairs_text(vals: &[(String, String)]) -> String {
    vals.iter()
        .map(|(l, v)| format!("{l}: {v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join("+")
}

fn letter(i: usize) -> String {
    let mut n = i;
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (n % 26) as u8) as char);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Escapes Markdown table syntax and inline HTML.
fn md(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('*', "\\*")
        .replace('_', "\\_")
        .replace('`', "\\`")
        .replace(['\n', '\r'], " ")
}

/// 250000 -> "250,000".
pub fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Rates: three significant digits, scientific below 0.01.
pub fn fmt_rate(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else if x >= 0.01 {
        format!("{x:.3}")
    } else {
        format!("{x:.2e}")
    }
}

/// p-values: "0.0075", "3.1e-9", "<1e-300".
pub fn fmt_p(p: f64) -> String {
    if p <= 0.0 {
        "<1e-300".to_string()
    } else if p >= 0.001 {
        let s = format!("{p:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{p:.1e}")
    }
}

/// Observed values: numbers as written, strings without quotes.
pub fn fmt_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_rates_format() {
        assert_eq!(fmt_count(0), "0");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(1879), "1,879");
        assert_eq!(fmt_count(250_000), "250,000");
        assert_eq!(fmt_count(1_000_000), "1,000,000");
        assert_eq!(fmt_rate(1.198e-5), "1.20e-5");
        assert_eq!(fmt_rate(0.5), "0.500");
        assert_eq!(fmt_p(0.00746), "0.0075");
        assert_eq!(fmt_p(0.4857), "0.4857");
        assert_eq!(fmt_p(1.0), "1");
        assert_eq!(fmt_p(0.0), "<1e-300");
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
    }

    #[test]
    fn markdown_escapes_table_syntax() {
        assert_eq!(md("a|b<c>"), "a\\|b&lt;c&gt;");
    }
}
