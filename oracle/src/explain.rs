//! Explanations: why a model allows or forbids a final state, computed
//! from the candidate executions (pure: no I/O; text is returned as
//! strings).
//!
//! For a test, some models and some target states (a value for some of
//! the state's atoms, e.g. the condition's `1:r0=1 /\ 1:r1=0`),
//! [`explain`] enumerates every candidate execution once (unpruned, so
//! "every candidate" is literal) and, per model:
//!
//! * **allowed**: keeps one witnessing execution (for RC11 a racy one
//!   first, else one an interleaving produces, else any consistent one).
//!   When the witness is not sequentially consistent it finds the shortest
//!   cycle of `po | rf | co | fr` in it and names the edges of that cycle
//!   the model does not order (not in its order's transitive closure:
//!   x86-TSO `ghb`, ARMv8 `ob`, RC11 `hb | psc`): the relaxation that
//!   allows the state.
//! * **forbidden**: for *every* candidate execution with the state, takes
//!   the axiom [`Model::check`] reports broken and the shortest cycle
//!   that breaks it (a cycle of the axiom's relation: `po | rf | co | fr`,
//!   `po-loc | rf | co | fr`, `ghb`, `ob`, `psc`, `sb | rf`; for RC11's
//!   `coherence` an `hb` path followed by an `eco` path back; for
//!   atomicity `fr; co; rmw^-1`) and verifies it against the model's own
//!   relations ([`verify_cycle`]). The explanation reports the most common
//!   axiom and its shortest cycle.
//! * **differences**: for a model that forbids and one that allows, the
//!   forbidding model's cycle on the allowing model's witness, and the
//!   edges of that cycle the allowing model does not order.
//! * **races** (RC11): the two accesses of a data race in the witness and
//!   why no happens-before orders them.

use crate::exec::{Access, Execution, Kind, Skeleton};
use crate::model::{addr_value, Atom, Litmus, MemOrder, Quantifier, State, Value};
use crate::models::{armv8, enumerate, rc11, x86, Model};
use crate::rel::{bit, members, Rel};
use crate::OracleError;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;

/// A target state: values for some atoms of the final state.
pub type Target = Vec<(Atom, Value)>;

/// An owned candidate execution (an [`Execution`] outlives the
/// enumeration's callback only as this).
#[derive(Debug, Clone)]
pub struct Graph {
    pub sk: Skeleton,
    pub rf: Rel,
    pub co: Rel,
    pub fr: Rel,
    pub values: Vec<Value>,
    pub state: State,
}

impl Graph {
    pub fn of(ex: &Execution<'_>) -> Graph {
        Graph {
            sk: ex.sk.clone(),
            rf: ex.rf.clone(),
            co: ex.co.clone(),
            fr: ex.fr.clone(),
            values: ex.values.clone(),
            state: ex.state.clone(),
        }
    }

    /// The execution, to check it against a model again.
    pub fn execution(&self) -> Execution<'_> {
        Execution {
            sk: &self.sk,
            rf: self.rf.clone(),
            co: self.co.clone(),
            fr: self.fr.clone(),
            values: self.values.clone(),
            state: self.state.clone(),
        }
    }

    /// Each thread's events in program order.
    pub fn threads(&self) -> Vec<Vec<usize>> {
        let n = self
            .sk
            .events
            .iter()
            .filter_map(|e| e.thread)
            .max()
            .map_or(0, |t| t + 1);
        let mut out = vec![Vec::new(); n];
        for (i, e) in self.sk.events.iter().enumerate() {
            if let Some(t) = e.thread {
                out[t].push(i);
            }
        }
        let before = |i: usize| (0..self.sk.len()).filter(|&j| self.sk.po.has(j, i)).count();
        for th in &mut out {
            th.sort_by_key(|&i| before(i));
        }
        out
    }

    /// The initial writes, in location order.
    pub fn inits(&self) -> Vec<usize> {
        let mut v: Vec<usize> = members(self.sk.inits).collect();
        v.sort_by_key(|&i| self.sk.events[i].loc);
        v
    }

    /// Every event's name: `a`, `b`, ... in thread and program order
    /// (herd7's), `ix` for the initial write of `x`.
    pub fn names(&self, litmus: &Litmus) -> Vec<String> {
        let mut names = vec![String::new(); self.sk.len()];
        let mut k = 0;
        for th in self.threads() {
            for i in th {
                names[i] = if k < 26 {
                    ((b'a' + k as u8) as char).to_string()
                } else {
                    format!("e{k}")
                };
                k += 1;
            }
        }
        for i in self.inits() {
            let loc = self.sk.events[i].loc.unwrap_or(0);
            names[i] = format!("i{}", litmus.locations.get(loc).map_or("?", |s| s));
        }
        names
    }

    /// An event's kind, orders and value: `W[rlx] x=1`, `R[acq,rmw] y=0`,
    /// `F[sc]`, `W[init] x=0`.
    pub fn label(&self, litmus: &Litmus, i: usize) -> String {
        let e = &self.sk.events[i];
        let kind = match e.kind {
            Kind::Read => "R",
            Kind::Write => "W",
            Kind::Fence => "F",
        };
        let mut tags: Vec<&str> = Vec::new();
        if e.access == Access::Init {
            tags.push("init");
        } else if e.na {
            tags.push("na");
        } else {
            tags.push(short(e.mo));
        }
        match e.access {
            Access::Rmw => tags.push("rmw"),
            Access::FailedCas => tags.push("cas-fail"),
            _ => {}
        }
        match e.loc {
            Some(l) => format!(
                "{kind}[{}] {}={}",
                tags.join(","),
                litmus.locations.get(l).map_or("?", |s| s),
                litmus.render_value(self.values[i])
            ),
            None => format!("{kind}[{}]", tags.join(",")),
        }
    }

    /// `a: W[rlx] x=1`.
    pub fn describe(&self, litmus: &Litmus, names: &[String], i: usize) -> String {
        format!("{}: {}", names[i], self.label(litmus, i))
    }

    /// Whether the execution's state has the target's values.
    pub fn matches(&self, litmus: &Litmus, target: &[(Atom, Value)]) -> bool {
        matches(litmus, &self.state, target)
    }
}

fn short(mo: MemOrder) -> &'static str {
    match mo {
        MemOrder::Relaxed => "rlx",
        MemOrder::Acquire => "acq",
        MemOrder::Release => "rel",
        MemOrder::AcqRel => "acq_rel",
        MemOrder::SeqCst => "sc",
    }
}

fn matches(litmus: &Litmus, state: &[Value], target: &[(Atom, Value)]) -> bool {
    target
        .iter()
        .all(|&(a, v)| litmus.value_of(state, a) == Some(v))
}

/// A labelled edge between two events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// The relation (or the part of it) the edge is in: `po`, `rf`,
    /// `ppo W->W`, `bob (dmb ish)`, `psc (rb)`, `sw`, ...
    pub rel: String,
}

fn edge(from: usize, to: usize, rel: &str) -> Edge {
    Edge {
        from,
        to,
        rel: rel.to_string(),
    }
}

/// A cycle that breaks an axiom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The axiom, as [`Model::check`] names it.
    pub axiom: &'static str,
    /// What the axiom requires: `acyclic ghb`, `irreflexive hb; eco?`, ...
    pub rule: &'static str,
    /// The edges, each ending where the next starts, the last where the
    /// first starts.
    pub edges: Vec<Edge>,
}

/// Why a model allows a state.
#[derive(Debug, Clone)]
pub struct Witness {
    pub graph: Graph,
    /// A shortest cycle of `po | rf | co | fr` in the witness (none when
    /// an interleaving produces it).
    pub sc_cycle: Vec<Edge>,
    /// The edges of `sc_cycle` the model does not order.
    pub relaxed: Vec<Edge>,
    /// One sentence naming the relaxation.
    pub sentence: String,
    /// RC11: the data races of the witness (pairs of events).
    pub races: Vec<(usize, usize)>,
    /// RC11: why no happens-before orders the first race.
    pub race_sentence: Option<String>,
}

/// Why a model forbids a state.
#[derive(Debug, Clone)]
pub struct Refutation {
    /// The reported axiom's shortest cycle, on [`Refutation::graph`].
    pub cycle: Cycle,
    /// The representative candidate execution.
    pub graph: Graph,
    /// Candidate executions with the state (all forbidden).
    pub candidates: usize,
    /// How many of them each axiom is the first broken of.
    pub by_axiom: BTreeMap<&'static str, usize>,
    /// Candidates whose cycle was found and verified (equals
    /// `candidates` unless the oracle has a bug).
    pub verified: usize,
    pub sentence: String,
}

/// A model's verdict on a state, with its reason.
#[derive(Debug, Clone)]
pub enum Verdict {
    Allowed(Box<Witness>),
    Forbidden(Box<Refutation>),
    /// No candidate execution at all has the state.
    Unreachable,
}

impl Verdict {
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Allowed(_) => "allowed",
            Verdict::Forbidden(_) => "forbidden",
            Verdict::Unreachable => "unreachable",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ModelExplanation {
    pub model: Model,
    pub verdict: Verdict,
}

/// Why one model forbids a state another allows.
#[derive(Debug, Clone)]
pub struct Difference {
    pub forbids: Model,
    pub allows: Model,
    /// The forbidding model's cycle on the allowing model's witness.
    pub cycle: Cycle,
    /// The edges of that cycle the allowing model does not order.
    pub edges: Vec<Edge>,
    pub sentence: String,
}

/// Every model's explanation of one target state.
#[derive(Debug, Clone)]
pub struct StateExplanation {
    pub target: Target,
    pub models: Vec<ModelExplanation>,
    pub differences: Vec<Difference>,
}

impl StateExplanation {
    /// herd7's spelling of the target: `1:r0=1; 1:r1=0;`.
    pub fn state_text(&self, litmus: &Litmus) -> String {
        target_text(litmus, &self.target)
    }

    /// The explanation of one model, if asked for.
    pub fn model(&self, model: Model) -> Option<&ModelExplanation> {
        self.models.iter().find(|m| m.model == model)
    }
}

/// `1:r0=1; 1:r1=0;`.
pub fn target_text(litmus: &Litmus, target: &[(Atom, Value)]) -> String {
    target
        .iter()
        .map(|&(a, v)| format!("{}={};", litmus.atom_name(a), litmus.render_value(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shown(litmus: &Litmus) -> Vec<Atom> {
    let s = litmus.shown();
    if s.is_empty() {
        litmus.observables()
    } else {
        s
    }
}

fn project(litmus: &Litmus, atoms: &[Atom], state: &[Value]) -> Target {
    atoms
        .iter()
        .map(|&a| (a, litmus.value_of(state, a).unwrap_or_default()))
        .collect()
}

/// The states the condition is about (those satisfying an `exists` or
/// `~exists` proposition, or violating a `forall` one) among the states
/// some candidate execution produces, over the condition's atoms; when no
/// candidate produces one and the proposition is a conjunction of
/// equalities, that conjunction (then unreachable).
pub fn condition_targets(litmus: &Litmus) -> Result<Vec<Target>, OracleError> {
    let atoms = shown(litmus);
    let mut out = BTreeSet::new();
    for s in crate::candidate_states(litmus)? {
        let sat = litmus.satisfies(&s);
        let interesting = match litmus.condition.quantifier {
            Quantifier::Exists | Quantifier::NotExists => sat,
            Quantifier::Forall => !sat,
        };
        if interesting {
            out.insert(project(litmus, &atoms, &s));
        }
    }
    if out.is_empty() {
        let mut eqs = Vec::new();
        if conjunction(&litmus.condition.prop, &mut eqs)
            && !eqs.is_empty()
            && litmus.condition.quantifier != Quantifier::Forall
        {
            out.insert(eqs);
        }
    }
    Ok(out.into_iter().collect())
}

fn conjunction(p: &crate::model::Prop, out: &mut Target) -> bool {
    use crate::model::Prop;
    match p {
        Prop::Eq(a, v) => {
            out.push((*a, *v));
            true
        }
        Prop::And(a, b) => conjunction(a, out) && conjunction(b, out),
        Prop::True => true,
        _ => false,
    }
}

/// Every state some candidate execution produces, over the condition's
/// atoms (and `locations [...]`).
pub fn all_targets(litmus: &Litmus) -> Result<Vec<Target>, OracleError> {
    let atoms = shown(litmus);
    let set: BTreeSet<Target> = crate::candidate_states(litmus)?
        .iter()
        .map(|s| project(litmus, &atoms, s))
        .collect();
    Ok(set.into_iter().collect())
}

/// Parses a state: `1:r0=1 /\ 1:r1=0`, `1:r0=1; 1:r1=0;`, `r0=1 r1=0`
/// (a register name without its thread when only one thread has it), or
/// `x=1` (a location's final value).
pub fn parse_state(litmus: &Litmus, text: &str) -> Result<Target, String> {
    let cleaned = text.replace("/\\", " ").replace(['(', ')', ';', ','], " ");
    let mut out: Target = Vec::new();
    for tok in cleaned.split_whitespace() {
        if tok == "exists" || tok == "~exists" || tok == "forall" {
            continue;
        }
        let (name, value) = tok
            .split_once('=')
            .ok_or_else(|| format!("`{tok}`: expected NAME=VALUE"))?;
        let atom = atom_of(litmus, name)?;
        let value = match value.parse::<Value>() {
            Ok(v) => v,
            Err(_) => match litmus.locations.iter().position(|l| l == value) {
                Some(l) => addr_value(l),
                None => return Err(format!("`{tok}`: the value is not a number or a location")),
            },
        };
        out.retain(|(a, _)| *a != atom);
        out.push((atom, value));
    }
    if out.is_empty() {
        return Err("an empty state".to_string());
    }
    Ok(out)
}

fn atom_of(litmus: &Litmus, name: &str) -> Result<Atom, String> {
    if let Some((t, r)) = name.split_once(':') {
        let thread: usize = t
            .trim_start_matches('P')
            .parse()
            .map_err(|_| format!("`{name}`: no thread {t}"))?;
        let th = litmus
            .threads
            .get(thread)
            .ok_or_else(|| format!("`{name}`: no thread {thread}"))?;
        let reg = th
            .regs
            .iter()
            .position(|x| x == r)
            .ok_or_else(|| format!("`{name}`: P{thread} has no register {r}"))?;
        return Ok(Atom::Reg { thread, reg });
    }
    if let Some(l) = litmus.locations.iter().position(|l| l == name) {
        return Ok(Atom::Loc(l));
    }
    let hits: Vec<Atom> = litmus
        .threads
        .iter()
        .enumerate()
        .filter_map(|(t, th)| {
            th.regs
                .iter()
                .position(|x| x == name)
                .map(|reg| Atom::Reg { thread: t, reg })
        })
        .collect();
    match hits.len() {
        1 => Ok(hits[0]),
        0 => Err(format!("`{name}`: no such register or location")),
        _ => Err(format!(
            "`{name}`: several threads have this register; write T:{name}"
        )),
    }
}

// ---------------------------------------------------------------------
// Relations and cycles.

fn immediate(r: &Rel) -> Rel {
    r.minus(&r.seq(r))
}

/// `fr` to the immediate coherence successor only.
fn fr_immediate(ex: &Execution<'_>) -> Rel {
    ex.fr.minus(&ex.fr.seq(&ex.co))
}

/// The parts of an acyclicity axiom's relation, and its rule.
fn acyclic_parts(
    model: Model,
    ex: &Execution<'_>,
    axiom: &str,
) -> Option<(&'static str, Vec<(&'static str, Rel)>)> {
    let sk = ex.sk;
    let com = || {
        vec![
            ("rf", ex.rf.clone()),
            ("co", ex.co.clone()),
            ("fr", ex.fr.clone()),
        ]
    };
    Some(match (model, axiom) {
        (Model::Sc, "sc") => {
            let mut v = vec![("po", sk.po.clone())];
            v.extend(com());
            ("acyclic (po | rf | co | fr)", v)
        }
        (Model::X86Tso, "uniproc") | (Model::Armv8 { .. }, "internal") => {
            let mut v = vec![("po-loc", ex.po_loc())];
            v.extend(com());
            ("acyclic (po-loc | rf | co | fr)", v)
        }
        (Model::X86Tso, "tso") => ("acyclic ghb", x86::ghb_parts(ex)),
        (Model::Armv8 { rcpc }, "external") => ("acyclic ob", armv8::ob_parts(ex, rcpc)),
        (Model::Rc11, "sc") => ("acyclic psc", rc11::psc_parts(ex)),
        (Model::Rc11, "no-thin-air") => (
            "acyclic (sb | rf)",
            vec![("sb", sk.po.clone()), ("rf", ex.rf.clone())],
        ),
        _ => return None,
    })
}

/// The whole relation an acyclicity axiom checks, as the model computes it.
fn axiom_relation(model: Model, ex: &Execution<'_>, axiom: &str) -> Option<Rel> {
    Some(match (model, axiom) {
        (Model::Sc, "sc") => ex.sk.po.union(&ex.com()),
        (Model::X86Tso, "uniproc") | (Model::Armv8 { .. }, "internal") => {
            ex.po_loc().union(&ex.com())
        }
        (Model::X86Tso, "tso") => x86::ghb(ex),
        (Model::Armv8 { rcpc }, "external") => armv8::ob(ex, rcpc),
        (Model::Rc11, "sc") => rc11::psc(ex),
        (Model::Rc11, "no-thin-air") => ex.sk.po.union(&ex.rf),
        _ => return None,
    })
}

fn label_of(parts: &[(&'static str, Rel)], a: usize, b: usize) -> &'static str {
    parts
        .iter()
        .find(|(_, r)| r.has(a, b))
        .map_or("?", |(l, _)| l)
}

/// The shortest cycle of the union of `parts` (BFS from every event),
/// each edge labelled with the first part that has it.
fn shortest_cycle(n: usize, parts: &[(&'static str, Rel)]) -> Option<Vec<Edge>> {
    let union = parts.iter().fold(Rel::empty(n), |acc, (_, r)| acc.union(r));
    let closure = union.plus();
    let mut best: Option<Vec<usize>> = None;
    for s in 0..n {
        if !closure.has(s, s) {
            continue;
        }
        // BFS from s; stop at the first edge back to s.
        let mut parent = vec![usize::MAX; n];
        let mut seen = bit(s);
        let mut queue = VecDeque::from([s]);
        let mut found: Option<usize> = None;
        while let Some(u) = queue.pop_front() {
            if union.has(u, s) {
                found = Some(u);
                break;
            }
            for v in members(union.row(u) & !seen) {
                seen |= bit(v);
                parent[v] = u;
                queue.push_back(v);
            }
        }
        if let Some(mut u) = found {
            let mut path = vec![u];
            while u != s {
                u = parent[u];
                path.push(u);
            }
            path.reverse();
            if best.as_ref().is_none_or(|b| path.len() < b.len()) {
                best = Some(path);
            }
        }
    }
    let path = best?;
    Some(
        (0..path.len())
            .map(|i| {
                let (a, b) = (path[i], path[(i + 1) % path.len()]);
                edge(a, b, label_of(parts, a, b))
            })
            .collect(),
    )
}

/// The shortest path from `from` to `to` (at least one edge when
/// `from == to` is not allowed to be empty) in the union of `parts`.
fn shortest_path(
    n: usize,
    parts: &[(&'static str, Rel)],
    from: usize,
    to: usize,
) -> Option<Vec<Edge>> {
    if from == to {
        return Some(Vec::new());
    }
    let union = parts.iter().fold(Rel::empty(n), |acc, (_, r)| acc.union(r));
    let mut parent = vec![usize::MAX; n];
    let mut seen = bit(from);
    let mut queue = VecDeque::from([from]);
    while let Some(u) = queue.pop_front() {
        if u == to {
            let mut path = vec![to];
            let mut x = to;
            while x != from {
                x = parent[x];
                path.push(x);
            }
            path.reverse();
            return Some(
                path.windows(2)
                    .map(|w| edge(w[0], w[1], label_of(parts, w[0], w[1])))
                    .collect(),
            );
        }
        for v in members(union.row(u) & !seen) {
            seen |= bit(v);
            parent[v] = u;
            queue.push_back(v);
        }
    }
    None
}

fn eco_parts(ex: &Execution<'_>) -> Vec<(&'static str, Rel)> {
    vec![
        ("rf", ex.rf.clone()),
        ("mo", ex.co.clone()),
        ("rb", ex.fr.minus(&ex.sk.id(ex.sk.all()))),
    ]
}

/// The shortest cycle that breaks `axiom` (as [`Model::check`] names it)
/// in `ex`.
pub fn find_cycle(model: Model, ex: &Execution<'_>, axiom: &'static str) -> Option<Cycle> {
    let n = ex.n();
    let sk = ex.sk;
    if let Some((rule, parts)) = acyclic_parts(model, ex, axiom) {
        let edges = shortest_cycle(n, &parts)?;
        return Some(Cycle { axiom, rule, edges });
    }
    match (model, axiom) {
        (Model::Sc, "atomicity")
        | (Model::X86Tso, "atomic")
        | (Model::Armv8 { .. }, "atomic")
        | (Model::Rc11, "atomicity") => {
            let (fr, co, lf, lc, rule) = match model {
                Model::Sc => (
                    ex.fr.clone(),
                    ex.co.clone(),
                    "fr",
                    "co",
                    "empty rmw & (fr; co)",
                ),
                Model::Rc11 => (
                    ex.fr.minus(&sk.id(sk.all())),
                    ex.co.clone(),
                    "rb",
                    "mo",
                    "empty rmw & (rb; mo)",
                ),
                _ => (ex.fre(), ex.coe(), "fre", "coe", "empty rmw & (fre; coe)"),
            };
            for (r, w) in sk.rmw.pairs() {
                if let Some(mid) = members(fr.row(r)).find(|&m| co.has(m, w)) {
                    return Some(Cycle {
                        axiom,
                        rule,
                        edges: vec![edge(r, mid, lf), edge(mid, w, lc), edge(w, r, "rmw^-1")],
                    });
                }
            }
            None
        }
        (Model::Rc11, "coherence") => {
            // An hb path (sb and sw edges, at least one) from a to b, then
            // an eco path (rf, mo, rb) from b back to a (or b = a).
            let hb = rc11::happens_before(ex);
            let eco = rc11::eco(ex);
            let hb_parts = [
                ("sb", immediate(&sk.po)),
                ("sw", rc11::synchronizes_with(ex)),
            ];
            let eparts = eco_parts(ex);
            let mut best: Option<Vec<Edge>> = None;
            for a in 0..n {
                for b in members(hb.row(a)) {
                    if a != b && !eco.has(b, a) {
                        continue;
                    }
                    let Some(mut first) = (if a == b {
                        shortest_cycle_through(n, &hb_parts, a)
                    } else {
                        shortest_path(n, &hb_parts, a, b)
                    }) else {
                        continue;
                    };
                    let Some(back) = shortest_path(n, &eparts, b, a) else {
                        continue;
                    };
                    first.extend(back);
                    if best.as_ref().is_none_or(|x| first.len() < x.len()) {
                        best = Some(first);
                    }
                }
            }
            best.map(|edges| Cycle {
                axiom,
                rule: "irreflexive hb; eco?",
                edges,
            })
        }
        (Model::Rc11, "coherence-rmw") => {
            let eparts = eco_parts(ex);
            let mut best: Option<Vec<Edge>> = None;
            for (r, w) in sk.rmw.pairs() {
                if let Some(back) = shortest_path(n, &eparts, w, r) {
                    if back.is_empty() {
                        continue;
                    }
                    let mut edges = vec![edge(r, w, "rmw")];
                    edges.extend(back);
                    if best.as_ref().is_none_or(|x| edges.len() < x.len()) {
                        best = Some(edges);
                    }
                }
            }
            best.map(|edges| Cycle {
                axiom,
                rule: "irreflexive rmw; eco",
                edges,
            })
        }
        _ => None,
    }
}

fn shortest_cycle_through(n: usize, parts: &[(&'static str, Rel)], a: usize) -> Option<Vec<Edge>> {
    let union = parts.iter().fold(Rel::empty(n), |acc, (_, r)| acc.union(r));
    members(union.row(a))
        .filter_map(|b| {
            let mut p = vec![edge(a, b, label_of(parts, a, b))];
            p.extend(shortest_path(n, parts, b, a)?);
            Some(p)
        })
        .min_by_key(|p| p.len())
}

/// Checks that `cycle` breaks its axiom in `ex` under `model`: the model
/// reports that axiom broken, the edges form a closed walk, and each is in
/// the relation the model's check uses (for RC11's `coherence`, the
/// `sb`/`sw` edges compose into `hb` and the rest are `eco` edges; for
/// atomicity, the read and write of one RMW with a write between them).
pub fn verify_cycle(model: Model, ex: &Execution<'_>, cycle: &Cycle) -> Result<(), String> {
    let sk = ex.sk;
    match model.check(ex) {
        Err(a) if a == cycle.axiom => {}
        other => {
            return Err(format!(
                "{model} reports {other:?} for this execution, not {}",
                cycle.axiom
            ))
        }
    }
    let e = &cycle.edges;
    if e.is_empty() {
        return Err("an empty cycle".into());
    }
    for i in 0..e.len() {
        if e[i].to != e[(i + 1) % e.len()].from {
            return Err(format!("edge {i} does not end where the next starts"));
        }
    }
    if let Some(rel) = axiom_relation(model, ex, cycle.axiom) {
        for x in e {
            if !rel.has(x.from, x.to) {
                return Err(format!(
                    "{} -> {} ({}) is not in the relation of {}",
                    x.from, x.to, x.rel, cycle.axiom
                ));
            }
        }
        return Ok(());
    }
    match cycle.axiom {
        "atomicity" | "atomic" => {
            let [a, b, c] = &e[..] else {
                return Err("an atomicity cycle has three edges".into());
            };
            let (fr, co) = match model {
                Model::Sc => (ex.fr.clone(), ex.co.clone()),
                Model::Rc11 => (ex.fr.minus(&sk.id(sk.all())), ex.co.clone()),
                _ => (ex.fre(), ex.coe()),
            };
            if fr.has(a.from, a.to) && co.has(b.from, b.to) && sk.rmw.has(c.to, c.from) {
                Ok(())
            } else {
                Err("not an RMW with a write between its read and its write".into())
            }
        }
        "coherence" => {
            let hb = rc11::happens_before(ex);
            let eco = rc11::eco(ex);
            let k = e
                .iter()
                .take_while(|x| x.rel == "sb" || x.rel == "sw")
                .count();
            if k == 0 {
                return Err("no hb edge".into());
            }
            if e[..k].iter().any(|x| !hb.has(x.from, x.to))
                || e[k..].iter().any(|x| !eco.has(x.from, x.to))
            {
                return Err("an edge is not in hb / eco".into());
            }
            let (a, b) = (e[0].from, e[k - 1].to);
            if hb.has(a, b) && (a == b || eco.has(b, a)) {
                Ok(())
            } else {
                Err("hb; eco? is not reflexive along the cycle".into())
            }
        }
        "coherence-rmw" => {
            let eco = rc11::eco(ex);
            if e.len() >= 2
                && sk.rmw.has(e[0].from, e[0].to)
                && e[1..].iter().all(|x| eco.has(x.from, x.to))
            {
                Ok(())
            } else {
                Err("not rmw; eco".into())
            }
        }
        other => Err(format!("no cycle form for the axiom {other}")),
    }
}

/// The model's ordering (transitively closed): what it keeps in order.
fn kept(model: Model, ex: &Execution<'_>) -> Rel {
    match model {
        Model::Sc => ex.sk.po.union(&ex.com()).plus(),
        Model::X86Tso => x86::ghb(ex).plus(),
        Model::Armv8 { rcpc } => armv8::ob(ex, rcpc).plus(),
        Model::Rc11 => rc11::happens_before(ex).union(&rc11::psc(ex)).plus(),
    }
}

fn sc_cycle(ex: &Execution<'_>) -> Option<Vec<Edge>> {
    let parts = [
        ("po", ex.sk.po.clone()),
        ("rf", ex.rf.clone()),
        ("co", ex.co.clone()),
        ("fr", ex.fr.clone()),
    ];
    shortest_cycle(ex.n(), &parts)
}

/// A topological order of `po | rf | co | fr` (an interleaving), least
/// index first among the ready events.
fn interleaving(ex: &Execution<'_>) -> Option<Vec<usize>> {
    let rel = ex.sk.po.union(&ex.com());
    let n = ex.n();
    let mut done = 0u128;
    let mut out = Vec::new();
    let all = ex.sk.all();
    while done != all {
        let next =
            members(all & !done).find(|&v| (0..n).all(|u| done & bit(u) != 0 || !rel.has(u, v)))?;
        done |= bit(next);
        out.push(next);
    }
    Some(out)
}

// ---------------------------------------------------------------------
// Sentences.

struct Names<'a> {
    litmus: &'a Litmus,
    g: &'a Execution<'a>,
    names: Vec<String>,
}

impl Names<'_> {
    fn n(&self, i: usize) -> &str {
        &self.names[i]
    }
    fn thread(&self, i: usize) -> String {
        self.g.sk.events[i]
            .thread
            .map_or("the initial state".to_string(), |t| format!("P{t}"))
    }
    fn loc(&self, i: usize) -> &str {
        self.g.sk.events[i]
            .loc
            .and_then(|l| self.litmus.locations.get(l))
            .map_or("?", |s| s)
    }
    fn what(&self, i: usize) -> String {
        let e = &self.g.sk.events[i];
        match e.kind {
            Kind::Read => format!("the load of {} ({})", self.loc(i), self.n(i)),
            Kind::Write => format!("the store to {} ({})", self.loc(i), self.n(i)),
            Kind::Fence => format!("the fence {}", self.n(i)),
        }
    }
}

fn kinds(ex: &Execution<'_>, a: usize, b: usize) -> (Kind, Kind) {
    (ex.sk.events[a].kind, ex.sk.events[b].kind)
}

/// Why `model` does not order the edge `e` of an SC cycle.
fn relaxed_reason(model: Model, nm: &Names<'_>, e: &Edge) -> String {
    let ex = nm.g;
    let (a, b) = (e.from, e.to);
    let (ka, kb) = kinds(ex, a, b);
    let same_thread = ex.sk.int.has(a, b);
    match (model, e.rel.as_str()) {
        (Model::X86Tso, "po") if ka == Kind::Write && kb == Kind::Read => format!(
            "{} is still in {}'s store buffer when {} reads {} ({})",
            nm.what(a),
            nm.thread(a),
            nm.thread(b),
            nm.loc(b),
            nm.n(b)
        ),
        (Model::X86Tso | Model::Armv8 { .. }, "rf") if same_thread => format!(
            "{} reads {}'s own store {} before other threads see it (rfi is not an ordering)",
            nm.n(b),
            nm.thread(a),
            nm.n(a)
        ),
        (Model::Armv8 { .. }, "po") => {
            let what = match (ka, kb) {
                (Kind::Write, Kind::Write) => "the two stores",
                (Kind::Read, Kind::Read) => "the two loads",
                (Kind::Write, Kind::Read) => "a store and a later load",
                (Kind::Read, Kind::Write) => "a load and a later store",
                _ => "these two events",
            };
            format!(
                "ARMv8 does not keep {what} {} and {} of {} in order: no barrier, release, acquire or dependency between them",
                nm.n(a),
                nm.n(b),
                nm.thread(a)
            )
        }
        (Model::Armv8 { .. }, _) if same_thread => format!(
            "{} -> {} ({}) is within {} and not an ordering",
            nm.n(a),
            nm.n(b),
            e.rel,
            nm.thread(a)
        ),
        (Model::Rc11, "rf") => {
            let w = &ex.sk.events[a];
            let r = &ex.sk.events[b];
            let why = if w.na || r.na {
                "a non-atomic access never synchronises"
            } else if !w.mo.is_release() && !r.mo.is_acquire() {
                "the store is not a release and the load not an acquire"
            } else if !w.mo.is_release() {
                "the store is not a release"
            } else {
                "the load is not an acquire"
            };
            format!(
                "{} reads from {} without synchronising with it ({why})",
                nm.n(b),
                nm.n(a)
            )
        }
        (Model::Rc11, "po") => format!(
            "{} and {} are not both seq_cst, so psc does not order them",
            nm.n(a),
            nm.n(b)
        ),
        (Model::Rc11, "fr") => format!(
            "{} reads {} older than {}'s store: nothing makes {} happen before {}{}",
            nm.n(a),
            nm.loc(a),
            nm.n(b),
            nm.n(b),
            nm.n(a),
            if sc_pair(ex, a, b) {
                ""
            } else {
                " and they are not both seq_cst"
            }
        ),
        (Model::Rc11, "co") => format!(
            "{} is coherence-before {}: nothing makes {} happen before {}",
            nm.n(a),
            nm.n(b),
            nm.n(b),
            nm.n(a)
        ),
        (_, rel) => format!(
            "{} -> {} ({rel}) is not ordered by {model}",
            nm.n(a),
            nm.n(b)
        ),
    }
}

fn sc_pair(ex: &Execution<'_>, a: usize, b: usize) -> bool {
    let sc = |i: usize| {
        let e = &ex.sk.events[i];
        e.mo == MemOrder::SeqCst && !e.na && e.access != Access::Init
    };
    sc(a) && sc(b)
}

/// Why `model`'s relation keeps a cycle edge (for forbidden explanations).
fn kept_reason(model: Model, rel: &str) -> Option<&'static str> {
    Some(match (model, rel) {
        (Model::X86Tso, "ppo W->W") => "stores leave the store buffer in program order",
        (Model::X86Tso, "ppo R->R") => "loads are not reordered",
        (Model::X86Tso, "ppo R->W") => "a store is not made visible before an earlier load",
        (Model::X86Tso, "implied (locked)") => "a locked instruction drains the store buffer",
        (Model::X86Tso, "mfence") => "the MFENCE between them drains the store buffer",
        (Model::Armv8 { .. }, r) if r.starts_with("dob") => "a dependency",
        (Model::Armv8 { .. }, "aob (rmw)") => "the RMW's read and write are one atomic access",
        (Model::Armv8 { .. }, "aob (rfi;acquire)") => "an acquire load reading its own RMW's write",
        (Model::Armv8 { .. }, "bob (dmb ish)") => "the DMB ISH between them",
        (Model::Armv8 { .. }, "bob (stlr;po;ldar)") => "an STLR is ordered before a later LDAR",
        (Model::Armv8 { .. }, "bob (dmb ishld)") => "the DMB ISHLD after the load",
        (Model::Armv8 { .. }, "bob (acquire;po)") => {
            "an acquire load is ordered before everything after it"
        }
        (Model::Armv8 { .. }, "bob (po;release)")
        | (Model::Armv8 { .. }, "bob (po;release;coi)") => {
            "a release store is ordered after everything before it"
        }
        _ => return None,
    })
}

fn forbidden_sentence(model: Model, nm: &Names<'_>, cycle: &Cycle) -> String {
    let e = &cycle.edges;
    let path = cycle_text(nm, e);
    match cycle.axiom {
        "sc" if model == Model::Sc => format!(
            "No interleaving produces it: each edge of {path} puts its source before its target, and they go round in a circle."
        ),
        "uniproc" | "internal" => format!(
            "The accesses to one location cannot be put in one order (SC per location): {path}."
        ),
        "atomic" | "atomicity" => format!(
            "{} writes between the read {} and the write {} of one read-modify-write, which must be atomic.",
            nm.n(e[0].to),
            nm.n(e[0].from),
            nm.n(e[1].to)
        ),
        "tso" | "external" => {
            let kept: Vec<String> = e
                .iter()
                .filter_map(|x| {
                    kept_reason(model, &x.rel)
                        .map(|why| format!("{}->{} ({})", nm.n(x.from), nm.n(x.to), why))
                })
                .collect();
            let comm: Vec<&str> = e
                .iter()
                .filter(|x| kept_reason(model, &x.rel).is_none())
                .map(|x| x.rel.as_str())
                .collect();
            let rel = if cycle.axiom == "tso" { "ghb" } else { "ob" };
            let name = if cycle.axiom == "tso" { "x86-TSO" } else { "ARMv8" };
            format!(
                "{name} keeps {} in order, and {} close the cycle {path}: {rel} would be cyclic.",
                if kept.is_empty() { "the cycle's edges".to_string() } else { kept.join(" and ") },
                if comm.is_empty() { "the other edges".to_string() } else { dedup_join(&comm) }
            )
        }
        "sc" => {
            let mut evs: Vec<usize> = e.iter().map(|x| x.from).collect();
            evs.sort_unstable();
            evs.dedup();
            let evs: Vec<&str> = evs.iter().map(|&i| nm.n(i)).collect();
            format!(
                "The seq_cst accesses {} must fit one order (psc) in which {}; that order would be cyclic.",
                evs.join(", "),
                e.iter()
                    .map(|x| format!("{} precedes {} ({})", nm.n(x.from), nm.n(x.to), x.rel.trim_start_matches("psc (").trim_end_matches(')')))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        "coherence" => {
            let k = e.iter().take_while(|x| x.rel == "sb" || x.rel == "sw").count();
            let (a, b) = (e[0].from, e[k - 1].to);
            let sw: Vec<&Edge> = e[..k].iter().filter(|x| x.rel == "sw").collect();
            let via = if sw.is_empty() {
                String::new()
            } else {
                format!(
                    " (through the synchronisation {})",
                    sw.iter()
                        .map(|x| format!("{} sw {}", nm.n(x.from), nm.n(x.to)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            if a == b {
                format!("{} would happen before itself{via}.", nm.n(a))
            } else {
                format!(
                    "{} happens before {}{via}, yet {} is coherence-before {} ({}): happens-before must agree with coherence.",
                    nm.n(a),
                    nm.n(b),
                    nm.n(b),
                    nm.n(a),
                    dedup_join(&e[k..].iter().map(|x| x.rel.as_str()).collect::<Vec<_>>())
                )
            }
        }
        "coherence-rmw" => format!(
            "The read-modify-write {}/{} would read a value coherence-after its own write ({path}).",
            nm.n(e[0].from),
            nm.n(e[0].to)
        ),
        "no-thin-air" => format!(
            "Its values come from a cycle of program order and reads-from ({path}): load buffering, which RC11 rules out to exclude out-of-thin-air values (C/C++ as standardised do not)."
        ),
        other => format!("The axiom {other} is broken by {path}."),
    }
}

fn dedup_join(v: &[&str]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for x in v {
        if !out.contains(x) {
            out.push(x);
        }
    }
    out.join(", ")
}

fn cycle_text(nm: &Names<'_>, e: &[Edge]) -> String {
    let mut s = String::new();
    for x in e {
        let _ = write!(s, "{} -{}-> ", nm.n(x.from), x.rel);
    }
    if let Some(first) = e.first() {
        s.push_str(nm.n(first.from));
    }
    s
}

fn allowed_sentence(model: Model, nm: &Names<'_>, sc_cycle: &[Edge], relaxed: &[Edge]) -> String {
    if sc_cycle.is_empty() {
        let order = interleaving(nm.g)
            .map(|o| {
                o.iter()
                    .filter(|&&i| nm.g.sk.events[i].access != Access::Init)
                    .map(|&i| nm.n(i))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        return format!("An interleaving produces it (no relaxation needed): {order}.");
    }
    let reasons: Vec<String> = relaxed
        .iter()
        .map(|e| relaxed_reason(model, nm, e))
        .collect();
    let name = match model {
        Model::Sc => "SC",
        Model::X86Tso => "x86-TSO",
        Model::Armv8 { .. } => "ARMv8",
        Model::Rc11 => "RC11",
    };
    format!(
        "{name} allows the cycle {} because {}.",
        cycle_text(nm, sc_cycle),
        reasons.join("; and ")
    )
}

fn race_sentence(nm: &Names<'_>, a: usize, b: usize) -> String {
    let sw = rc11::synchronizes_with(nm.g);
    let sw_pairs = sw.pairs();
    let why = if sw_pairs.is_empty() {
        "this execution has no synchronises-with edge at all (no release store read by an acquire load)".to_string()
    } else {
        format!(
            "its synchronisation ({}) does not lead from one to the other",
            sw_pairs
                .iter()
                .map(|&(x, y)| format!("{} sw {}", nm.n(x), nm.n(y)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!(
        "{} ({}) and {} ({}) race: they access {} in different threads, one writes, one is non-atomic, and neither happens before the other: {why}. The behaviour is undefined.",
        nm.n(a),
        nm.thread(a),
        nm.n(b),
        nm.thread(b),
        nm.loc(a)
    )
}

fn race_pairs(ex: &Execution<'_>) -> Vec<(usize, usize)> {
    let sk = ex.sk;
    let na = sk.set(|e| e.na);
    if na == 0 {
        return Vec::new();
    }
    let hb = rc11::happens_before(ex);
    let mut out = Vec::new();
    for a in 0..ex.n() {
        for b in members(sk.loc.row(a) & sk.ext.row(a) & !sk.inits) {
            if a >= b || sk.events[a].access == Access::Init {
                continue;
            }
            let (ea, eb) = (&sk.events[a], &sk.events[b]);
            if (ea.na || eb.na)
                && (ea.is_write() || eb.is_write())
                && !hb.has(a, b)
                && !hb.has(b, a)
            {
                out.push((a, b));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------
// The explanation.

#[derive(Default)]
struct Acc {
    racy: Option<Graph>,
    sc: Option<Graph>,
    any: Option<Graph>,
    candidates: usize,
    verified: usize,
    by_axiom: BTreeMap<&'static str, usize>,
    best: BTreeMap<&'static str, (Cycle, Graph)>,
    errors: Vec<String>,
}

/// Explains each target state under each model (one enumeration of the
/// unpruned candidate executions for all of them).
pub fn explain(
    litmus: &Litmus,
    models: &[Model],
    targets: &[Target],
) -> Result<Vec<StateExplanation>, OracleError> {
    let mut acc: Vec<Vec<Acc>> = targets
        .iter()
        .map(|_| models.iter().map(|_| Acc::default()).collect())
        .collect();
    enumerate(litmus, |ex| {
        let hits: Vec<usize> = (0..targets.len())
            .filter(|&t| matches(litmus, &ex.state, &targets[t]))
            .collect();
        if hits.is_empty() {
            return;
        }
        let sc = Model::Sc.consistent(ex);
        for (k, &model) in models.iter().enumerate() {
            let verdict = if sc { Ok(()) } else { model.check(ex) };
            for &t in &hits {
                let a = &mut acc[t][k];
                match verdict {
                    Ok(()) => {
                        if model == Model::Rc11 && a.racy.is_none() && !race_pairs(ex).is_empty() {
                            a.racy = Some(Graph::of(ex));
                        }
                        if sc && a.sc.is_none() {
                            a.sc = Some(Graph::of(ex));
                        }
                        if a.any.is_none() {
                            a.any = Some(Graph::of(ex));
                        }
                    }
                    Err(axiom) => {
                        a.candidates += 1;
                        *a.by_axiom.entry(axiom).or_default() += 1;
                        match find_cycle(model, ex, axiom) {
                            Some(cycle) => match verify_cycle(model, ex, &cycle) {
                                Ok(()) => {
                                    a.verified += 1;
                                    let better = a
                                        .best
                                        .get(axiom)
                                        .is_none_or(|(c, _)| cycle.edges.len() < c.edges.len());
                                    if better {
                                        a.best.insert(axiom, (cycle, Graph::of(ex)));
                                    }
                                }
                                Err(e) => a.errors.push(format!("{model} {axiom}: {e}")),
                            },
                            None => a.errors.push(format!("{model} {axiom}: no cycle found")),
                        }
                    }
                }
            }
        }
    })?;
    let mut out = Vec::new();
    for (t, per_model) in acc.into_iter().enumerate() {
        let mut mexps = Vec::new();
        for (k, a) in per_model.into_iter().enumerate() {
            let model = models[k];
            let verdict = if let Some(g) = a.racy.or(a.sc).or(a.any) {
                Verdict::Allowed(Box::new(witness(litmus, model, g)))
            } else if a.candidates == 0 {
                Verdict::Unreachable
            } else {
                // The most common axiom, the first in the model's order on
                // ties (BTreeMap order is alphabetical: use the counts,
                // then the shortest cycle).
                let (&axiom, _) = a
                    .by_axiom
                    .iter()
                    .filter(|(ax, _)| a.best.contains_key(*ax))
                    .max_by_key(|(ax, &n)| (n, std::cmp::Reverse(a.best[*ax].0.edges.len())))
                    .ok_or(OracleError::Unsupported(format!(
                        "no verified cycle for a forbidden state under {model}: {}",
                        a.errors.join("; ")
                    )))?;
                let (cycle, graph) = a.best[axiom].clone();
                let ex = graph.execution();
                let nm = Names {
                    litmus,
                    g: &ex,
                    names: graph.names(litmus),
                };
                let sentence = forbidden_sentence(model, &nm, &cycle);
                drop(ex);
                Verdict::Forbidden(Box::new(Refutation {
                    cycle,
                    graph,
                    candidates: a.candidates,
                    by_axiom: a.by_axiom,
                    verified: a.verified,
                    sentence,
                }))
            };
            mexps.push(ModelExplanation { model, verdict });
        }
        let differences = differences(litmus, &mexps);
        out.push(StateExplanation {
            target: targets[t].clone(),
            models: mexps,
            differences,
        });
    }
    Ok(out)
}

fn witness(litmus: &Litmus, model: Model, graph: Graph) -> Witness {
    let ex = graph.execution();
    let nm = Names {
        litmus,
        g: &ex,
        names: graph.names(litmus),
    };
    let sc_cycle = sc_cycle(&ex).unwrap_or_default();
    let order = kept(model, &ex);
    let relaxed: Vec<Edge> = sc_cycle
        .iter()
        .filter(|e| !order.has(e.from, e.to))
        .cloned()
        .collect();
    let sentence = allowed_sentence(model, &nm, &sc_cycle, &relaxed);
    let (races, race_sentence) = if model == Model::Rc11 {
        let r = race_pairs(&ex);
        let s = r.first().map(|&(a, b)| race_sentence(&nm, a, b));
        (r, s)
    } else {
        (Vec::new(), None)
    };
    drop(ex);
    Witness {
        graph,
        sc_cycle,
        relaxed,
        sentence,
        races,
        race_sentence,
    }
}

fn model_name(m: Model) -> &'static str {
    match m {
        Model::Sc => "SC",
        Model::X86Tso => "x86-TSO",
        Model::Armv8 { rcpc: false } => "ARMv8",
        Model::Armv8 { rcpc: true } => "ARMv8 (RCpc)",
        Model::Rc11 => "RC11",
    }
}

fn differences(litmus: &Litmus, mexps: &[ModelExplanation]) -> Vec<Difference> {
    let forbid: Vec<Model> = mexps
        .iter()
        .filter(|m| matches!(m.verdict, Verdict::Forbidden(_)))
        .map(|m| m.model)
        .collect();
    // SC forbids every non-interleaving: compare with it only when no
    // other model forbids.
    let forbid: Vec<Model> = if forbid.iter().any(|&m| m != Model::Sc) {
        forbid.into_iter().filter(|&m| m != Model::Sc).collect()
    } else {
        forbid
    };
    let mut out = Vec::new();
    for &f in &forbid {
        for m in mexps {
            let Verdict::Allowed(w) = &m.verdict else {
                continue;
            };
            let ex = w.graph.execution();
            let Err(axiom) = f.check(&ex) else {
                continue;
            };
            let Some(cycle) = find_cycle(f, &ex, axiom) else {
                continue;
            };
            let order = kept(m.model, &ex);
            let edges: Vec<Edge> = cycle
                .edges
                .iter()
                .filter(|e| !order.has(e.from, e.to))
                .cloned()
                .collect();
            let nm = Names {
                litmus,
                g: &ex,
                names: w.graph.names(litmus),
            };
            let kept_words: Vec<String> = edges
                .iter()
                .map(|e| match kept_reason(f, &e.rel) {
                    Some(why) => format!("{} {}->{} ({why})", e.rel, nm.n(e.from), nm.n(e.to)),
                    None => format!("{} {}->{}", e.rel, nm.n(e.from), nm.n(e.to)),
                })
                .collect();
            let allow_words: Vec<String> = edges
                .iter()
                .map(|e| {
                    // Name the edge by its kind in the SC sense for the
                    // allowing model's reason.
                    let base = if w.graph.sk.po.has(e.from, e.to) {
                        "po"
                    } else if w.graph.rf.has(e.from, e.to) {
                        "rf"
                    } else if w.graph.fr.has(e.from, e.to) {
                        "fr"
                    } else if w.graph.co.has(e.from, e.to) {
                        "co"
                    } else {
                        e.rel.as_str()
                    };
                    relaxed_reason(m.model, &nm, &edge(e.from, e.to, base))
                })
                .collect();
            let sentence = if edges.is_empty() {
                format!(
                    "forbidden on {}: {} is broken; allowed on {}",
                    model_name(f),
                    axiom,
                    model_name(m.model)
                )
            } else {
                format!(
                    "forbidden on {}: {} keeps {}; allowed on {}: {}",
                    model_name(f),
                    cycle.rule,
                    kept_words.join(" and "),
                    model_name(m.model),
                    allow_words.join("; ")
                )
            };
            drop(ex);
            out.push(Difference {
                forbids: f,
                allows: m.model,
                cycle,
                edges,
                sentence,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------
// Checks of a finished explanation.

/// Re-checks an explanation against the models: an allowed witness has
/// the state and is consistent; a forbidden state's representative cycle
/// verifies and every candidate's did; a difference's cycle verifies on
/// the allowing model's witness.
pub fn check_explanation(litmus: &Litmus, s: &StateExplanation) -> Result<(), String> {
    for m in &s.models {
        match &m.verdict {
            Verdict::Allowed(w) => {
                if !w.graph.matches(litmus, &s.target) {
                    return Err(format!("{}: the witness does not have the state", m.model));
                }
                let ex = w.graph.execution();
                m.model
                    .check(&ex)
                    .map_err(|a| format!("{}: the witness breaks {a}", m.model))?;
                if !w.sc_cycle.is_empty() {
                    let order = kept(m.model, &ex);
                    if w.relaxed.is_empty() || w.relaxed.iter().any(|e| order.has(e.from, e.to)) {
                        return Err(format!("{}: the relaxed edges are wrong", m.model));
                    }
                }
                if m.model == Model::Rc11 && race_pairs(&ex).len() != w.races.len() {
                    return Err("the races differ".into());
                }
            }
            Verdict::Forbidden(r) => {
                if !r.graph.matches(litmus, &s.target) {
                    return Err(format!(
                        "{}: the representative does not have the state",
                        m.model
                    ));
                }
                verify_cycle(m.model, &r.graph.execution(), &r.cycle)
                    .map_err(|e| format!("{}: {e}", m.model))?;
                if r.verified != r.candidates {
                    return Err(format!(
                        "{}: {} of {} candidates verified",
                        m.model, r.verified, r.candidates
                    ));
                }
            }
            Verdict::Unreachable => {}
        }
    }
    for d in &s.differences {
        let Some(Verdict::Allowed(w)) = s.model(d.allows).map(|m| &m.verdict) else {
            return Err("a difference without a witness".into());
        };
        verify_cycle(d.forbids, &w.graph.execution(), &d.cycle)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------
// Text.

/// Edges worth drawing for one execution: `po` and `co` without their
/// transitive edges, `rf`, `fr` to the next write only; for RC11 `sw`,
/// for ARMv8 the `ob` edges inside threads (dependencies, barriers,
/// acquire/release), without transitive ones.
pub fn drawn_edges(model: Model, g: &Graph) -> Vec<Edge> {
    let ex = g.execution();
    let mut out = Vec::new();
    let push = |out: &mut Vec<Edge>, r: &Rel, l: &str| {
        for (a, b) in r.pairs() {
            out.push(edge(a, b, l));
        }
    };
    let po = immediate(&g.sk.po);
    push(&mut out, &po, "po");
    push(&mut out, &g.rf, "rf");
    push(&mut out, &immediate(&g.co), "co");
    push(&mut out, &fr_immediate(&ex), "fr");
    match model {
        Model::Rc11 => push(&mut out, &rc11::synchronizes_with(&ex), "sw"),
        Model::Armv8 { rcpc } => {
            let parts: Vec<(&'static str, Rel)> = armv8::ob_parts(&ex, rcpc)
                .into_iter()
                .filter(|(l, _)| !matches!(*l, "rfe" | "fre" | "coe"))
                .collect();
            let inner = parts
                .iter()
                .fold(Rel::empty(ex.n()), |acc, (_, r)| acc.union(r));
            let reduced = inner.minus(&inner.seq(&inner.plus()));
            for (a, b) in reduced.pairs() {
                out.push(edge(a, b, &format!("ob: {}", label_of(&parts, a, b))));
            }
        }
        _ => {}
    }
    out
}

/// The events of a graph per thread, in columns: `P0 | P1` headers, one
/// row per program-order position.
pub fn events_text(litmus: &Litmus, g: &Graph, indent: &str) -> String {
    let names = g.names(litmus);
    let threads = g.threads();
    let cols: Vec<Vec<String>> = threads
        .iter()
        .map(|th| th.iter().map(|&i| g.describe(litmus, &names, i)).collect())
        .collect();
    let width = cols
        .iter()
        .flatten()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max(4)
        + 3;
    let rows = cols.iter().map(Vec::len).max().unwrap_or(0);
    let mut s = String::new();
    let line = |cells: Vec<String>| -> String {
        let mut l = String::from(indent);
        let k = cells.len();
        for (j, c) in cells.into_iter().enumerate() {
            if j + 1 < k {
                let _ = write!(l, "{c:<width$}");
            } else {
                l.push_str(&c);
            }
        }
        l.trim_end().to_string() + "\n"
    };
    s.push_str(&line((0..cols.len()).map(|t| format!("P{t}")).collect()));
    for r in 0..rows {
        s.push_str(&line(
            cols.iter()
                .map(|c| c.get(r).cloned().unwrap_or_default())
                .collect(),
        ));
    }
    let inits: Vec<String> = g
        .inits()
        .iter()
        .map(|&i| g.describe(litmus, &names, i))
        .collect();
    let _ = writeln!(s, "{indent}initially: {}", inits.join(", "));
    s
}

fn relation_line(names: &[String], edges: &[Edge], rel: &str) -> Option<String> {
    let v: Vec<String> = edges
        .iter()
        .filter(|e| e.rel == rel)
        .map(|e| format!("{}->{}", names[e.from], names[e.to]))
        .collect();
    (!v.is_empty()).then(|| format!("{rel}: {}", v.join(" ")))
}

/// The terminal text of one state's explanation (plain text, no colour).
pub fn render_text(litmus: &Litmus, s: &StateExplanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "State {}", s.state_text(litmus));
    for m in &s.models {
        let extra = match &m.verdict {
            Verdict::Allowed(w) if !w.races.is_empty() => {
                " (racy: undefined behaviour)".to_string()
            }
            Verdict::Allowed(_) => String::new(),
            Verdict::Forbidden(r) => format!(" (axiom {}: {})", r.cycle.axiom, r.cycle.rule),
            Verdict::Unreachable => " (no candidate execution has this state)".to_string(),
        };
        let _ = writeln!(out, "  {:<11} {}{extra}", m.model.key(), m.verdict.word());
    }
    for m in &s.models {
        let _ = writeln!(out);
        match &m.verdict {
            Verdict::Allowed(w) => {
                let ex = w.graph.execution();
                let names = w.graph.names(litmus);
                let _ = writeln!(
                    out,
                    "{}: allowed. A witness (a consistent execution with this state):",
                    m.model.key()
                );
                out.push_str(&events_text(litmus, &w.graph, "    "));
                let edges = drawn_edges(m.model, &w.graph);
                for rel in ["rf", "co", "fr", "sw"] {
                    if let Some(l) = relation_line(&names, &edges, rel) {
                        let _ = writeln!(out, "    {l}");
                    }
                }
                let ob: Vec<String> = edges
                    .iter()
                    .filter(|e| e.rel.starts_with("ob: "))
                    .map(|e| format!("{}->{} ({})", names[e.from], names[e.to], &e.rel[4..]))
                    .collect();
                if !ob.is_empty() {
                    let _ = writeln!(out, "    ob inside threads: {}", ob.join(" "));
                }
                let _ = writeln!(out, "  {}", w.sentence);
                if let Some(r) = &w.race_sentence {
                    let _ = writeln!(out, "  {r}");
                }
                drop(ex);
            }
            Verdict::Forbidden(r) => {
                let names = r.graph.names(litmus);
                let counts: Vec<String> =
                    r.by_axiom.iter().map(|(a, n)| format!("{n} {a}")).collect();
                let _ = writeln!(
                    out,
                    "{}: forbidden. Every candidate execution with this state ({}) breaks an axiom ({}); the shortest cycle, of {} ({}):",
                    m.model.key(),
                    r.candidates,
                    counts.join(", "),
                    r.cycle.axiom,
                    r.cycle.rule
                );
                out.push_str(&events_text(litmus, &r.graph, "    "));
                for e in &r.cycle.edges {
                    let _ = writeln!(
                        out,
                        "    {:<4} -> {:<4} {}",
                        names[e.from], names[e.to], e.rel
                    );
                }
                let _ = writeln!(out, "  {}", r.sentence);
            }
            Verdict::Unreachable => {
                let _ = writeln!(
                    out,
                    "{}: no candidate execution has this state (a value no write writes, a read-modify-write that would not be atomic, or an impossible combination).",
                    m.model.key()
                );
            }
        }
    }
    if !s.differences.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Differences:");
        for d in &s.differences {
            let _ = writeln!(out, "  {}", d.sentence);
        }
    }
    out
}
