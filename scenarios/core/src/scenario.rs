//! What a scenario is, and how its outcomes are counted.
//!
//! A scenario says how to make one iteration's fresh state (an *instance*),
//! what each actor thread does to it, and how to judge the outcome. The
//! harness owns threads, batching, rendezvous and memory placement; the
//! binary owns pinning, timing, progress and reports.

use std::collections::BTreeMap;

/// What the specimen is expected to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    /// A deliberately wrong specimen: anomalies may appear (and are UB or a
    /// weak outcome the language allows). Seeing none proves nothing.
    MayFail,
    /// A correct specimen: any anomaly is a bug (in the specimen, the
    /// compiler, the hardware, or orderhunt) and fails the run.
    MustPass,
}

impl Expectation {
    pub fn as_str(self) -> &'static str {
        match self {
            Expectation::MayFail => "may-fail",
            Expectation::MustPass => "must-pass",
        }
    }
}

/// The class of one observed outcome, in jcstress's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OutcomeClass {
    /// What a correct program shows.
    Acceptable,
    /// An anomaly the specimen is known to allow (a wrong specimen's bug
    /// showing, or a weak outcome the memory model allows).
    Interesting,
    /// An outcome the language's memory model forbids for this code: any
    /// count of it fails the run.
    Forbidden,
    /// An outcome a user test did not declare (see `api::Test::undeclared`):
    /// counted and failing like a forbidden one, shown as `undeclared`.
    Undeclared,
}

impl OutcomeClass {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeClass::Acceptable => "acceptable",
            OutcomeClass::Interesting => "interesting",
            OutcomeClass::Forbidden => "forbidden",
            OutcomeClass::Undeclared => "undeclared",
        }
    }
    pub fn is_anomaly(self) -> bool {
        self != OutcomeClass::Acceptable
    }
    /// Whether any count of this class fails the run.
    pub fn fails(self) -> bool {
        matches!(self, OutcomeClass::Forbidden | OutcomeClass::Undeclared)
    }
}

/// An observed value as shown to people and written to reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// A sum or a count.
    Int(u64),
    /// A tuple of register values, e.g. `r0=0 r1=0`.
    Text(String),
}

impl std::fmt::Display for Observed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Observed::Int(v) => write!(f, "{v}"),
            Observed::Text(t) => f.write_str(t),
        }
    }
}

/// Tunable parameters of a scenario run. Scenarios ignore what they do not
/// use (see [`Info::uses_increments`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Counter specimens: how many `+= 1` each thread does per iteration.
    pub increments: u64,
    /// Litmus tests: where the shared variables sit (see [`Layout`]).
    pub layout: Layout,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            increments: DEFAULT_INCREMENTS,
            layout: Layout::default(),
        }
    }
}

/// Where a litmus test's shared variables `x` and `y` sit, relative to each
/// other. Each instance always has cache lines of its own, so instances
/// never share a line with one another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Each variable on its own 64-byte cache line (default: the measured
    /// best for finding weak outcomes; see docs/litmus.md).
    #[default]
    Separate,
    /// All variables in one cache line.
    Shared,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Separate => "separate",
            Layout::Shared => "shared",
        }
    }

    /// Parses the CLI spelling (`separate`, `shared`).
    pub fn parse(s: &str) -> Option<Layout> {
        match s {
            "separate" => Some(Layout::Separate),
            "shared" => Some(Layout::Shared),
            _ => None,
        }
    }
}

/// Default increments per thread per iteration for the counter specimens.
/// Large enough that two threads overlap every time; the article's single
/// round of a million is `--iterations 1 --increments 1000000`.
pub const DEFAULT_INCREMENTS: u64 = 1000;

/// Static description of a scenario, shown by `orderhunt list`.
#[derive(Debug)]
pub struct Info {
    /// CLI name, e.g. `array-passing`.
    pub name: &'static str,
    /// Family (one source file per family), e.g. `array`.
    pub family: &'static str,
    pub expectation: Expectation,
    /// The seed article's example this reproduces, if any.
    pub article: Option<&'static str>,
    /// One line for `list`.
    pub summary: &'static str,
    /// Number of actor threads.
    pub actors: usize,
    /// Under the spawn harness, the actor whose thread is spawned first and
    /// then spawns the others (the article spawns the consumer first).
    pub spawn_first: usize,
    /// Default `--iterations` for this scenario.
    pub default_iterations: u64,
    /// Instances per batch of the actors harness.
    pub default_batch: usize,
    /// `--flag-group` when none is given (see
    /// [`crate::harness::Config::flag_group`]): 4 for the litmus catalog
    /// and litmus files (the most weak outcomes per second measured,
    /// docs/litmus.md), 1 for the article's specimens and users' tests.
    pub default_flag_group: usize,
    /// Whether `--increments` means something to this scenario.
    pub uses_increments: bool,
    /// `--memory` when none is given: leak for the article's specimens (as
    /// the article does), reuse for the small litmus instances.
    pub default_memory: MemoryMode,
}

/// One scenario: the typed interface a specimen implements.
///
/// `Instance` is one iteration's shared state. The harness makes a fresh one
/// per iteration, lets every actor call [`Scenario::act`] on it, and after
/// all actors are done (and synchronized with the judging thread) calls
/// [`Scenario::observe`].
pub trait Scenario: Send + Sync + 'static {
    type Instance: Send + Sync + 'static;

    fn info(&self) -> &'static Info;

    /// A fresh instance, in its initial state. The actors harness calls it
    /// on actor 0's thread, except in reuse memory with two or more actors,
    /// where actor 1 makes every batch after the first (while actor 0
    /// judges the previous one).
    fn new_instance(&self, params: &Params) -> Self::Instance;

    /// Puts a used instance back in the state [`Scenario::new_instance`]
    /// makes. In reuse memory the actors harness keeps a batch's instances
    /// and resets them for a later batch, on the thread that would call
    /// `new_instance`. The default replaces the instance with a new one;
    /// override it where resetting in place is cheaper. It must leave
    /// nothing that an actor or the judge could tell from a new instance.
    fn reset(&self, instance: &mut Self::Instance, params: &Params) {
        *instance = self.new_instance(params);
    }

    /// Actor `actor`'s part of one iteration.
    fn act(&self, actor: usize, instance: &Self::Instance, params: &Params);

    /// The observed value, once every actor's `act` happened-before this
    /// call.
    fn observe(&self, instance: &Self::Instance, params: &Params) -> u64;

    /// Judges an observed value.
    fn classify(&self, observed: u64, params: &Params) -> OutcomeClass;

    /// What a correct run shows.
    fn expected(&self, params: &Params) -> Observed;

    /// How to show an observed value.
    fn render(&self, observed: u64) -> Observed {
        Observed::Int(observed)
    }

    /// What the declaration says of an observed value, if anything (a
    /// user test's outcome description).
    fn describe(&self, observed: u64) -> Option<String> {
        let _ = observed;
        None
    }

    /// What hardware memory models say of the scenario's weak outcome, as
    /// (model, verdict) pairs, e.g. ("x86-TSO", "forbidden"), ("ARMv8",
    /// "allowed"); computed by the oracle for the litmus catalog, empty for
    /// scenarios that are not litmus shapes.
    fn hardware(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    /// Which checking ways apply to this scenario, and what it relies on
    /// that a way cannot see (see [`Ways`]). Default: every way applies.
    fn ways(&self) -> Ways {
        Ways::default()
    }

    /// Judges a finished batch into `tally`, in order. Called by the
    /// judging thread once per batch, after every actor's `act` on these
    /// instances happened-before it. The default observes and classifies
    /// each instance; a scenario that keeps per-run state for judging (an
    /// interner of outcomes, say) overrides it to take a lock once per
    /// batch instead of once per instance.
    fn judge(&self, instances: &[Self::Instance], params: &Params, tally: &mut Tally) {
        // A batch has few distinct outcomes: classify each once.
        let mut classes: [(u64, OutcomeClass); 8] = [(0, OutcomeClass::Acceptable); 8];
        let mut known = 0;
        let mut rec = tally.recorder();
        for instance in instances {
            let observed = self.observe(instance, params);
            let class = match classes[..known].iter().find(|c| c.0 == observed) {
                Some(&(_, class)) => class,
                None => {
                    let class = self.classify(observed, params);
                    if known < classes.len() {
                        classes[known] = (observed, class);
                        known += 1;
                    }
                    class
                }
            };
            rec.record(observed, class);
        }
    }
}

/// Distinct outcomes kept per scenario; the rest are counted in `other`.
pub const MAX_OUTCOMES: usize = 64;

/// The counts of one scenario run (or of several merged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub completed: u64,
    pub anomalies: u64,
    /// Anomalies whose class fails the run (forbidden or undeclared).
    pub forbidden: u64,
    /// (1-based global iteration, observed value) of the first anomaly.
    pub first_anomaly: Option<(u64, u64)>,
    /// Bounded histogram: observed value -> count.
    pub outcomes: BTreeMap<u64, u64>,
    /// Iterations whose outcome did not fit in the histogram.
    pub other: u64,
}

impl Tally {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one iteration (the next, 1-based `completed + 1`).
    #[inline]
    pub fn record(&mut self, observed: u64, class: OutcomeClass) {
        self.count(observed, class);
        self.bump(observed, 1);
    }

    /// [`Tally::record`] without the histogram.
    #[inline]
    fn count(&mut self, observed: u64, class: OutcomeClass) {
        self.completed += 1;
        if class.is_anomaly() {
            self.anomalies += 1;
            if class.fails() {
                self.forbidden += 1;
            }
            if self.first_anomaly.is_none() {
                self.first_anomaly = Some((self.completed, observed));
            }
        }
    }

    /// A [`Recorder`]: records a batch's outcomes as [`Tally::record`]
    /// does, touching the histogram once per distinct outcome rather than
    /// once per iteration. The counts are complete when it is dropped.
    pub fn recorder(&mut self) -> Recorder<'_> {
        Recorder {
            tally: self,
            pending: [(0, 0); RECORDER_SLOTS],
            len: 0,
        }
    }

    fn bump(&mut self, observed: u64, count: u64) {
        if let Some(c) = self.outcomes.get_mut(&observed) {
            *c += count;
        } else if self.outcomes.len() < MAX_OUTCOMES {
            self.outcomes.insert(observed, count);
        } else {
            self.other += count;
        }
    }

    /// Adds a later tally: its iterations are numbered after ours, so a
    /// first anomaly keeps a global iteration number.
    pub fn merge(&mut self, later: &Tally) {
        if self.first_anomaly.is_none() {
            if let Some((it, obs)) = later.first_anomaly {
                self.first_anomaly = Some((self.completed + it, obs));
            }
        }
        self.completed += later.completed;
        self.anomalies += later.anomalies;
        self.forbidden += later.forbidden;
        self.other += later.other;
        for (&obs, &count) in &later.outcomes {
            self.bump(obs, count);
        }
    }
}

/// Distinct outcomes a [`Recorder`] counts itself before it falls back to
/// the histogram.
const RECORDER_SLOTS: usize = 16;

/// Records iterations into a [`Tally`] (see [`Tally::recorder`]); the same
/// counts, first anomaly and histogram as [`Tally::record`], once dropped.
pub struct Recorder<'a> {
    tally: &'a mut Tally,
    /// (outcome, count not yet in the histogram), in first-seen order.
    pending: [(u64, u64); RECORDER_SLOTS],
    len: usize,
}

impl Recorder<'_> {
    /// Counts one iteration, as [`Tally::record`].
    #[inline]
    pub fn record(&mut self, observed: u64, class: OutcomeClass) {
        let t = &mut *self.tally;
        t.count(observed, class);
        if let Some(p) = self.pending[..self.len]
            .iter_mut()
            .find(|p| p.0 == observed)
        {
            p.1 += 1;
        } else if self.len < RECORDER_SLOTS {
            // Take the outcome's histogram slot now, so the histogram keeps
            // the same first-seen outcomes as `Tally::record` would.
            t.bump(observed, 0);
            self.pending[self.len] = (observed, 1);
            self.len += 1;
        } else {
            t.bump(observed, 1);
        }
    }
}

impl Drop for Recorder<'_> {
    fn drop(&mut self) {
        for &(observed, count) in &self.pending[..self.len] {
            self.tally.bump(observed, count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_counts_and_finds_first_anomaly() {
        let mut t = Tally::new();
        t.record(1000, OutcomeClass::Acceptable);
        t.record(936, OutcomeClass::Interesting);
        t.record(999, OutcomeClass::Forbidden);
        assert_eq!(t.completed, 3);
        assert_eq!(t.anomalies, 2);
        assert_eq!(t.forbidden, 1);
        assert_eq!(t.first_anomaly, Some((2, 936)));
        assert_eq!(t.outcomes.get(&1000), Some(&1));
    }

    #[test]
    fn recorder_counts_exactly_as_record() {
        // Outcomes with repeats, more distinct values than the recorder's
        // slots and than the histogram holds, anomalies of both kinds.
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut by_record = Tally::new();
        let mut by_recorder = Tally::new();
        for batch in 0..20 {
            let mut rec = by_recorder.recorder();
            for _ in 0..500 {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let observed = if batch < 5 { rng % 6 } else { rng % 200 };
                let class = match observed % 5 {
                    0 => OutcomeClass::Forbidden,
                    1 => OutcomeClass::Interesting,
                    _ => OutcomeClass::Acceptable,
                };
                by_record.record(observed, class);
                rec.record(observed, class);
            }
        }
        assert_eq!(by_record, by_recorder);
        assert_eq!(by_record.outcomes.len(), MAX_OUTCOMES);
        assert!(by_record.other > 0 && by_record.forbidden > 0);
    }

    #[test]
    fn histogram_is_bounded() {
        let mut t = Tally::new();
        for v in 0..(MAX_OUTCOMES as u64 + 10) {
            t.record(v, OutcomeClass::Acceptable);
        }
        t.record(0, OutcomeClass::Acceptable);
        assert_eq!(t.outcomes.len(), MAX_OUTCOMES);
        assert_eq!(t.other, 10);
        assert_eq!(t.outcomes[&0], 2);
    }

    #[test]
    fn merge_keeps_global_iteration_numbers() {
        let mut a = Tally::new();
        for _ in 0..10 {
            a.record(1, OutcomeClass::Acceptable);
        }
        let mut b = Tally::new();
        b.record(1, OutcomeClass::Acceptable);
        b.record(7, OutcomeClass::Interesting);
        a.merge(&b);
        assert_eq!(a.completed, 12);
        assert_eq!(a.first_anomaly, Some((12, 7)));
        assert_eq!(a.outcomes[&1], 11);
        let mut c = Tally::new();
        c.record(9, OutcomeClass::Interesting);
        a.merge(&c);
        assert_eq!(a.first_anomaly, Some((12, 7)), "first stays first");
    }
}

/// Where each iteration's instance lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryMode {
    /// A fresh allocation for every batch, never freed: every instance has
    /// an address never used before, as the article does. Memory grows with
    /// the iteration count; the binary refuses runs over its cap.
    Leak,
    /// A ring of batch buffers, allocated as needed and then cycled:
    /// addresses repeat only after the whole ring, sized to about
    /// `ARENA_BYTES` (64 MiB) (more than the caches hold) whatever the instance
    /// size, and memory stays bounded for any duration.
    Arena,
    /// One batch buffer reused for every batch: hot caches, bounded memory.
    Reuse,
}

impl MemoryMode {
    pub fn as_str(self) -> &'static str {
        match self {
            MemoryMode::Leak => "leak",
            MemoryMode::Arena => "arena",
            MemoryMode::Reuse => "reuse",
        }
    }
}

/// Whether loom and Miri apply to a scenario, as the test declares it
/// (`Test::loom`, `Test::miri`, `Test::external_sync`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ways {
    /// `Some(reason)`: loom does not apply (shown as `skipped: reason`).
    pub loom_skip: Option<&'static str>,
    /// `Some(reason)`: Miri does not apply.
    pub miri_skip: Option<&'static str>,
    /// Synchronization the test relies on that loom cannot see (a
    /// dependency's lock built on `std` atomics), named by the test: a
    /// race loom reports on the test's own cells may then be a false alarm.
    pub external_sync: Option<&'static str>,
}

/// Whether a checking way applies to a test: `Run` (the default), or
/// `Skip(reason)`, e.g. `.loom(Skip("parking_lot is not loom-aware"))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Run,
    Skip(&'static str),
}
