//! The harness: runs a scenario's instances on actor threads.
//!
//! Two harnesses:
//!
//! * **actors** (default): persistent actor threads, started and pinned by
//!   the binary, run batches of fresh instances. Between batches they meet
//!   at a [`SpinBarrier`]; the leader (actor 0) judges the finished batch
//!   while (in reuse memory) actor 1 fills the next one. Within a batch
//!   each instance has a start line (by default a one-shot flag, see
//!   [`flag_pass`]; or an [`InstanceGate`], or a [`StartPost`]) so that the
//!   actors start each instance close together in time, which is what
//!   makes races and weak outcomes show (litmus7's and jcstress's
//!   approach).
//! * **spawn**: the seed article's harness, per iteration: spawn the first
//!   actor's thread (the consumer), which spawns the others (the producer),
//!   then join. Slow, and kept for reproduction and as the baseline.
//!
//! The barrier and the gate are custom synchronization, so they carry
//! ordering comments, loom tests and Miri runs like any specimen.

use crate::scenario::{Info, Params, Scenario, Tally};
use crate::sync::{
    full_fence, thread, Arc, AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Backoff, Ordering,
    UnsafeCell,
};

pub use crate::scenario::MemoryMode;

/// Default [`Config::skew`] of [`SyncMode::Instance`] and
/// [`SyncMode::Post`]: measured best for the SB hunt with those gates on a
/// 2-core x86 VM (docs/litmus.md), and harmless for other scenarios (at
/// most a few pause instructions per instance). See [`default_skew`].
pub const DEFAULT_SKEW: u32 = 4;

/// The default [`Config::skew`] for a sync mode: 0 for [`SyncMode::Flag`]
/// (its start line already staggers the actors by one cache-line transfer;
/// any added delay measured worse: docs/litmus.md, "Hunting power"),
/// [`DEFAULT_SKEW`] otherwise.
pub fn default_skew(sync: SyncMode) -> u32 {
    match sync {
        SyncMode::Flag => 0,
        SyncMode::Instance | SyncMode::Post | SyncMode::Batch => DEFAULT_SKEW,
    }
}

/// Arena mode's target ring size in bytes: larger than the last-level
/// caches of the machines we run on, so a reused address is cold.
pub const ARENA_BYTES: usize = 64 << 20;
/// Arena mode's bounds on the number of batch buffers in the ring.
pub const ARENA_RING_MIN: usize = 16;
pub const ARENA_RING_MAX: usize = 16384;

/// Batch buffers in the arena ring for batches of `batch` instances of
/// `instance_bytes` each.
pub fn arena_ring_len(batch: usize, instance_bytes: usize) -> usize {
    let batch_bytes = batch.max(1) * instance_bytes.max(1);
    (ARENA_BYTES / batch_bytes).clamp(ARENA_RING_MIN, ARENA_RING_MAX)
}

/// The default [`SyncMode`]: the one that provoked the most weak outcomes
/// per second in `scripts/bench.sh litmus7` (docs/litmus.md, "Hunting
/// power").
pub const DEFAULT_SYNC: SyncMode = SyncMode::Flag;

/// Spins without the pause hint before a follower waiting at a
/// [`SyncMode::Flag`] start line falls back to pausing and then yielding
/// (so more actors than cores still make progress). Some thousands of
/// cycles: far longer than the leader's fence, which is what it waits for.
pub const FLAG_TIGHT_SPINS: u32 = 4096;

/// [`SyncMode::Flag`]: consecutive instances one actor thread leads (a
/// run). A leader that keeps its turn does not wait for anybody (the
/// others follow its flags), so runs are faster than alternating every
/// instance: 16 measured about 15% more instances per second than 1 in a
/// standalone prototype on the 2-vCPU VM, with the same share of weak SB
/// outcomes. Which role leads each run is drawn per batch (see
/// [`leader_shares`]), and each thread's runs then follow one another, so a
/// batch changes leader at most once per actor.
pub const FLAG_LEADER_RUN: usize = 16;

/// [`SyncMode::Flag`]: the instances per start flag a run may use (see
/// [`Config::flag_group`]); a scenario's default is
/// [`crate::scenario::Info::default_flag_group`].
pub const FLAG_GROUPS: [usize; 5] = [1, 2, 4, 8, 16];

/// How closely actors are synchronized within a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMode {
    /// Before every instance, or every group of
    /// [`Config::flag_group`] instances, a start flag of its own
    /// (one-shot, zeroed with the batch): the instance's leader (drawn
    /// per run of
    /// [`FLAG_LEADER_RUN`] instances, see [`leader_shares`]; each thread's
    /// runs follow one another) sets it and
    /// then runs a full fence (`MFENCE`, `DMB ISH`), so its store buffer is
    /// empty when its test code starts; the others spin on the flag
    /// without the pause hint and start the moment they see it. litmus7's
    /// `userfence` barrier (default; the best hunting power measured).
    Flag,
    /// The actors meet before every instance at a counting gate.
    Instance,
    /// The actors meet only between batches and run their instances freely.
    Batch,
    /// Before every instance a rotating leader posts the start and the
    /// others wait for the post; the leader does not wait for them
    /// (litmus7's default `user` barrier). Half the gate traffic of
    /// `Instance`; the actors stay within one instance of each other.
    Post,
}

impl SyncMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncMode::Flag => "flag",
            SyncMode::Instance => "instance",
            SyncMode::Batch => "batch",
            SyncMode::Post => "post",
        }
    }

    /// Parses the CLI spelling (`flag`, `instance`, `batch`, `post`).
    pub fn parse(s: &str) -> Option<SyncMode> {
        match s {
            "flag" => Some(SyncMode::Flag),
            "instance" => Some(SyncMode::Instance),
            "batch" => Some(SyncMode::Batch),
            "post" => Some(SyncMode::Post),
            _ => None,
        }
    }
}

/// Which harness runs the instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HarnessKind {
    Actors,
    Spawn,
}

impl HarnessKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HarnessKind::Actors => "actors",
            HarnessKind::Spawn => "spawn",
        }
    }
}

/// Settings of one run of one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub iterations: u64,
    pub harness: HarnessKind,
    pub batch: usize,
    pub memory: MemoryMode,
    pub sync: SyncMode,
    /// Actors harness: give the actor threads a fresh random permutation of
    /// the scenario's roles every batch (jcstress and litmus7 shuffle
    /// thread placement the same way), so that with pinned threads every
    /// role runs on every core. Judging stays with thread 0.
    pub shuffle: bool,
    /// Actors harness, with per-instance sync: after passing the start
    /// gate, each actor thread spins for a delay drawn afresh every batch
    /// from 0..=skew pause-loop iterations (litmus7's timebase delays), so
    /// that the batches sweep the relative start times of the actors.
    /// 0: no delay.
    pub skew: u32,
    /// Seed of the per-batch randomness (skew delays, role shuffles, flag
    /// leaders); 0 picks a fixed default. Reports record it, so a run can
    /// be replayed.
    pub seed: u64,
    pub stop_on_first: bool,
    /// [`SyncMode::Flag`]: instances per start flag. The actors run a
    /// group's instances back to back after its one flag, in a tight loop
    /// (as jcstress runs its tests), so the flag's cost is shared; each
    /// instance is still a test of its own, with memory of its own. 1
    /// gives every instance its own flag. One of [`FLAG_GROUPS`] (they
    /// divide [`FLAG_LEADER_RUN`], so a group never spans two leaders);
    /// other modes ignore it.
    pub flag_group: usize,
    pub params: Params,
}

/// A reusable barrier for a fixed number of threads that spin (then yield)
/// while they wait.
pub struct SpinBarrier {
    parties: usize,
    arrived: AtomicUsize,
    generation: AtomicUsize,
}

impl SpinBarrier {
    pub fn new(parties: usize) -> Self {
        assert!(parties > 0, "a barrier needs at least one party");
        SpinBarrier {
            parties,
            arrived: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
        }
    }

    /// Waits until all parties have called `wait`. Everything a party did
    /// before its `wait` happens-before everything any party does after it.
    pub fn wait(&self) {
        // Relaxed: this load only has to return the current round's
        // generation, and coherence gives that without an Acquire here. It
        // cannot be older: this thread already read (spin loop below) or
        // wrote (as last arriver) the previous round's value, and coherence
        // keeps later loads from going backwards. It cannot be newer: the
        // increment that ends this round comes after the last arriver's
        // AcqRel RMW reads our Release arrival below, so this load
        // happens-before it. Data is published by the Acquire in the spin
        // loop, not here. It must be read before arriving: after arriving
        // the generation may already move on. (loom: scenarios/catalog/tests/loom.rs
        // passes with Relaxed and fails when any of the other orderings in
        // `wait` is weakened.)
        let gen = self.generation.load(Ordering::Relaxed);
        // AcqRel: Release publishes this party's prior writes to the last
        // arriver; Acquire makes the last arriver (whose RMW reads the
        // release sequence of all earlier arrivals) see everyone's writes.
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.parties {
            // Relaxed: nobody touches `arrived` again until they see the
            // new generation below, which is released after this store.
            self.arrived.store(0, Ordering::Relaxed);
            // Release: hands everything the last arriver saw (all parties'
            // writes) on to the waiters, who Acquire it.
            self.generation.fetch_add(1, Ordering::Release);
        } else {
            let mut backoff = Backoff::new();
            // Acquire: pairs with the last arriver's Release increment, so
            // all parties' writes before `wait` are visible after it.
            while self.generation.load(Ordering::Acquire) == gen {
                backoff.snooze();
            }
        }
    }
}

/// The per-instance start line: every actor arrives, then waits until all
/// have arrived, then runs the instance. Purely a timing device: instance
/// memory is already published by the batch barrier, so no ordering is
/// needed here, and none is wanted (a fence per instance could hide the
/// very reorderings we hunt).
///
/// Each actor announces its arrival in its own cache line with a plain
/// store and watches the others' lines: no read-modify-write contends on a
/// shared line, so a round costs about one cache-line transfer per actor.
pub struct InstanceGate {
    arrived: Box<[PaddedCounter]>,
}

/// A counter alone on its cache lines (128 bytes: adjacent-line prefetch
/// pairs lines on x86).
#[repr(align(128))]
struct PaddedCounter(AtomicU64);

impl InstanceGate {
    pub fn new(parties: usize) -> Self {
        InstanceGate {
            arrived: (0..parties)
                .map(|_| PaddedCounter(AtomicU64::new(0)))
                .collect(),
        }
    }

    /// `round` is how many times this actor passed the gate before (the
    /// same sequence for every actor). Returns when all actors arrived.
    #[inline]
    pub fn pass(&self, actor: usize, round: u64) {
        let target = round + 1;
        // Relaxed: a timing rendezvous only; no data is published through
        // the gate (see the type's doc). Only this actor writes its slot.
        self.arrived[actor].0.store(target, Ordering::Relaxed);
        for (other, slot) in self.arrived.iter().enumerate() {
            if other == actor {
                continue;
            }
            let mut backoff = Backoff::new();
            // Relaxed: we only wait for the other actor's count to reach
            // the target; coherence makes its store visible eventually, and
            // counts only grow, so `>=` cannot miss a round.
            while slot.0.load(Ordering::Relaxed) < target {
                backoff.snooze();
            }
        }
    }
}

/// The per-instance start post of [`SyncMode::Post`]: in round r the actor
/// `r % parties` posts, the others wait until they see the post. Like
/// [`InstanceGate`], purely a timing device (no data goes through it). On a
/// cache line of its own, so that posting never disturbs the instances'.
#[repr(align(128))]
pub struct StartPost {
    parties: u64,
    posted: AtomicU64,
}

impl StartPost {
    pub fn new(parties: usize) -> Self {
        StartPost {
            parties: parties as u64,
            posted: AtomicU64::new(0),
        }
    }

    /// `round`: as for [`InstanceGate::pass`]; `actor`: this thread's
    /// index. The leader of the round returns at once, the others when they
    /// see its post (or a later one: a follower that lags behind by more
    /// than a round does not wait again).
    #[inline]
    pub fn pass(&self, round: u64, actor: usize) {
        if round % self.parties == actor as u64 {
            // Relaxed: a timing signal only (see the type's doc). The
            // leader reached this round only after seeing the previous
            // round's post, so the value only grows.
            self.posted.store(round + 1, Ordering::Relaxed);
        } else {
            let mut backoff = Backoff::new();
            // Relaxed: we only wait for the value to reach our round;
            // coherence makes the leader's store visible eventually.
            while self.posted.load(Ordering::Relaxed) <= round {
                backoff.snooze();
            }
        }
    }
}

/// [`SyncMode::Flag`]: the share of runs each role leads, in 1/65536ths,
/// from `anomalies[role]`, the anomalies found so far in instances that
/// role led. Which role starts an instance first decides whether some weak
/// outcomes can happen at all: R's (`x = 1; y = 1` against `y = 2; r0 =
/// x`) shows only when its first role leads (measured: about 1.4M weak/s
/// with role 0 always leading, 0.09M with role 1, 0.7M alternating). So
/// each role gets a share proportional to its anomalies plus one, and
/// never less than 1/(8 x roles), so a role that has found nothing yet
/// keeps being tried; with no anomalies at all (a correct scenario) every
/// role leads equally often.
pub fn leader_shares(anomalies: &[u64]) -> Vec<u32> {
    let roles = anomalies.len().max(1) as u64;
    const ONE: u64 = 1 << 16;
    let floor = ONE / (8 * roles);
    let spread = ONE - floor * roles;
    let total: u64 = anomalies.iter().map(|&a| a + 1).sum::<u64>().max(1);
    anomalies
        .iter()
        .map(|&a| (floor + spread * (a + 1) / total) as u32)
        .collect()
}

/// Passes an instance's start line in [`SyncMode::Flag`]: `flag` is that
/// instance's own start flag (zero at the batch's start, set once, never
/// reset within the batch); `leads` says whether this thread is the
/// instance's leader (one per run of [`FLAG_LEADER_RUN`] instances). The
/// leader sets the flag and drains its store buffer with a full fence; the
/// others wait for the flag. Like
/// [`InstanceGate`], purely a timing device: no data goes through it, and
/// the fence comes before both actors' test code, so it cannot forbid any
/// reordering within the instance.
#[inline]
pub fn flag_pass(flag: &AtomicU32, leads: bool) {
    if leads {
        // Relaxed: a timing signal only; the instance's memory was
        // published by the batch barrier.
        flag.store(1, Ordering::Relaxed);
        // The fence empties the leader's store buffer (the flag store and
        // anything older) before its test code runs, so the test's own
        // store is the only one queued while the test runs: otherwise the
        // flag store drains together with it and the followers see the
        // flag only just before they could see the test's store.
        full_fence();
    } else {
        // A tight loop first (nothing but the load and the test), so the
        // follower leaves it within a few cycles of the flag's arrival.
        #[cfg(not(loom))]
        for _ in 0..FLAG_TIGHT_SPINS {
            // Relaxed: we only wait for the leader's store of 1; coherence
            // makes it visible, and the flag never goes back to 0 in a
            // batch.
            if flag.load(Ordering::Relaxed) != 0 {
                return;
            }
        }
        let mut backoff = Backoff::new();
        // Relaxed: as above.
        while flag.load(Ordering::Relaxed) == 0 {
            backoff.snooze();
        }
    }
}

/// Progress shared with the thread that shows a progress bar, and the stop
/// request. Display-only counters: exact counts come back in the [`Tally`].
#[derive(Default)]
pub struct Progress {
    completed: AtomicU64,
    anomalies: AtomicU64,
    stop: AtomicBool,
}

impl Progress {
    pub fn completed(&self) -> u64 {
        // Relaxed: a display value; nothing is read through it.
        self.completed.load(Ordering::Relaxed)
    }
    pub fn anomalies(&self) -> u64 {
        // Relaxed: a display value; nothing is read through it.
        self.anomalies.load(Ordering::Relaxed)
    }
    pub fn request_stop(&self) {
        // Relaxed: a request that the leader polls between batches; it
        // publishes no data, and the leader acting one batch later is fine.
        self.stop.store(true, Ordering::Relaxed);
    }
    pub fn stop_requested(&self) -> bool {
        // Relaxed: see `request_stop`.
        self.stop.load(Ordering::Relaxed)
    }
    fn publish(&self, tally: &Tally) {
        // Relaxed: display values only (see `completed`).
        self.completed.store(tally.completed, Ordering::Relaxed);
        // Relaxed: display values only.
        self.anomalies.store(tally.anomalies, Ordering::Relaxed);
    }
}

/// The instances of the current batch and the memory they live in.
struct Batches<I> {
    mode: MemoryMode,
    current: Vec<I>,
    /// `roles[thread]`: the role (the `actor` argument of `act`) that actor
    /// thread plays in the current batch.
    roles: Vec<usize>,
    /// `delays[thread]`: its start delay after the gate in this batch.
    delays: Vec<u32>,
    /// Instances in the current batch (in `current`, or in the runner's
    /// double buffer); 0 ends the run.
    tests: usize,
    /// [`SyncMode::Flag`]: `leaders[k]` is the actor thread that leads
    /// instances `k * FLAG_LEADER_RUN ..` of the batch; equal entries are
    /// adjacent (each thread's runs form one stretch).
    leaders: Vec<usize>,
    /// [`SyncMode::Flag`]: `flags[i]` is group i's start flag (instances
    /// `i * flag_group ..`), packed
    /// (one `u32` each) in an allocation of their own, zeroed by every
    /// refill. Empty in the other modes.
    flags: Vec<AtomicU32>,
    ring: Vec<Vec<I>>,
    ring_len: usize,
    ring_pos: usize,
}

impl<I> Batches<I> {
    fn new(mode: MemoryMode, batch: usize) -> Self {
        Batches {
            mode,
            ring_len: arena_ring_len(batch, std::mem::size_of::<I>()),
            current: Vec::new(),
            roles: Vec::new(),
            delays: Vec::new(),
            tests: 0,
            leaders: Vec::new(),
            flags: Vec::new(),
            ring: Vec::new(),
            ring_pos: 0,
        }
    }

    /// Replaces the current batch with `n` fresh instances.
    fn refill(&mut self, n: usize, mut fresh: impl FnMut() -> I) {
        match self.mode {
            MemoryMode::Leak => {
                let old = std::mem::replace(&mut self.current, Vec::with_capacity(n));
                // The old batch's memory is never reused: every instance
                // gets an address never seen before, like the article.
                std::mem::forget(old);
            }
            MemoryMode::Arena => {
                let ring_len = self.ring_len;
                let mut buf = if self.ring.len() < ring_len {
                    Vec::with_capacity(n)
                } else {
                    std::mem::take(&mut self.ring[self.ring_pos])
                };
                let old = std::mem::take(&mut self.current);
                if self.ring.len() < ring_len {
                    if old.capacity() > 0 {
                        self.ring.push(old);
                    }
                } else {
                    self.ring[self.ring_pos] = old;
                    self.ring_pos = (self.ring_pos + 1) % ring_len;
                }
                buf.clear();
                self.current = buf;
            }
            MemoryMode::Reuse => self.current.clear(),
        }
        self.current.reserve(n);
        for _ in 0..n {
            self.current.push(fresh());
        }
    }

    /// Makes `n` start flags, all zero (the leader calls it before the
    /// opening barrier, which publishes them).
    fn reset_flags(&mut self, n: usize) {
        if self.flags.len() == n {
            for f in &self.flags {
                // Relaxed: published to the other actors by the opening
                // barrier's Release/Acquire, like the instances.
                f.store(0, Ordering::Relaxed);
            }
        } else {
            self.flags = (0..n).map(|_| AtomicU32::new(0)).collect();
        }
    }
}

/// The actors harness for one scenario run.
pub struct ActorsRunner<S: Scenario> {
    scenario: &'static S,
    cfg: Config,
    actors: usize,
    /// `cfg.flag_group`, made one of [`FLAG_GROUPS`] (the largest not
    /// above it).
    flag_group: usize,
    /// Written by the leader only while every other actor waits at the
    /// barrier; read by all actors between the two barriers of a round.
    batches: UnsafeCell<Batches<S::Instance>>,
    /// Reuse mode with two or more actors ([`ActorsRunner::double_buffered`]):
    /// round r runs the instances of `buffers[r % 2]`. While the leader
    /// judges round r's buffer, actor 1 (the helper) fills the other one
    /// for round r + 1, so preparing a batch costs no time of its own.
    /// Buffer `(r + 1) % 2` is written only by the helper, between round
    /// r's closing barrier and round r + 1's opening barrier, when nobody
    /// else touches it; buffer `r % 2` is only read from round r's opening
    /// barrier to round r + 1's opening barrier.
    buffers: [UnsafeCell<Vec<S::Instance>>; 2],
    /// Double-buffered runs: the helper judges the second half of round r's
    /// batch into `helped[r % 2]`, between round r's closing barrier and
    /// round r + 1's opening barrier (after filling the next buffer), while
    /// the leader judges the first half. The leader adds it to its tally
    /// after round r + 1's closing barrier (or, after the last round, after
    /// the final opening barrier), before judging anything later; the
    /// helper writes `helped[r % 2]` again only after round r + 2's closing
    /// barrier, which the leader reaches after that read.
    helped: [UnsafeCell<Helped>; 2],
    barrier: SpinBarrier,
    gate: InstanceGate,
    post: StartPost,
    progress: Progress,
}

// SAFETY: the non-Sync fields are `batches`, `buffers` and `helped`,
// UnsafeCells.
// `batches` is mutated by the leader only between the barrier that ends one
// round and the barrier that starts the next, while all other actors are
// either blocked in `SpinBarrier::wait` or (the helper) working on
// `buffers` alone, and shared reads by all actors happen only between
// those barriers. Each of `buffers` is, in every phase, either written by
// one actor only (the helper, filling the next round's buffer) or only
// read (see the field's doc). Each of `helped` is written by the helper
// and read by the leader in phases that never overlap (see its doc). The
// barrier's Release/Acquire pairs order the phases. `S::Instance: Send +
// Sync`, so sharing `&S::Instance` across the actors is sound.
unsafe impl<S: Scenario> Sync for ActorsRunner<S> {}
// SAFETY: see above; the instances are Send.
unsafe impl<S: Scenario> Send for ActorsRunner<S> {}

impl<S: Scenario> ActorsRunner<S> {
    pub fn new(scenario: &'static S, cfg: Config) -> Self {
        let actors = scenario.info().actors;
        let flag_group = FLAG_GROUPS
            .into_iter()
            .rev()
            .find(|&g| g <= cfg.flag_group)
            .unwrap_or(1);
        ActorsRunner {
            scenario,
            cfg,
            actors,
            flag_group,
            batches: UnsafeCell::new(Batches::new(cfg.memory, cfg.batch)),
            buffers: [UnsafeCell::new(Vec::new()), UnsafeCell::new(Vec::new())],
            helped: [
                UnsafeCell::new(Helped::default()),
                UnsafeCell::new(Helped::default()),
            ],
            barrier: SpinBarrier::new(actors),
            gate: InstanceGate::new(actors),
            post: StartPost::new(actors),
            progress: Progress::default(),
        }
    }

    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Whether batches alternate between two buffers, the next one filled
    /// by actor 1 while the leader judges (see `buffers`): in reuse mode,
    /// with two or more actors. Leak and arena modes keep their own memory
    /// rules, so the leader prepares their batches as before.
    fn double_buffered(&self) -> bool {
        self.cfg.memory == MemoryMode::Reuse && self.actors >= 2
    }

    /// Tests in the batch after `started` iterations have been started:
    /// what is left, at most a batch. Every actor computes it the same way.
    fn batch_after(&self, started: u64) -> usize {
        (self.cfg.iterations.saturating_sub(started)).min(self.cfg.batch.max(1) as u64) as usize
    }

    /// Runs actor `actor`'s side of the whole run. Call it on exactly
    /// `info().actors` threads at once, with actor numbers 0..actors.
    /// Actor 0 is the leader and returns the tally; the others return None.
    pub fn run_actor(&self, actor: usize) -> Option<Tally> {
        assert!(actor < self.actors, "actor {actor} out of range");
        let leader = actor == 0;
        let double = self.double_buffered();
        let helper = double && actor == 1;
        let params = self.cfg.params;
        let mut tally = Tally::new();
        let mut round: u64 = 0;
        // Batches started so far (every actor counts the same), and their
        // iterations.
        let mut batch_round: usize = 0;
        let mut started: u64 = 0;
        let mut done = false;
        // Flag mode, leader only: anomalies found in instances each role
        // led (see `leader_shares`).
        let mut led_anomalies = vec![0u64; self.actors];
        // Leader, double-buffered: the `helped` slot to add before judging
        // anything more (the helper's half of the previous round).
        let mut help_due: Option<usize> = None;
        // Helper: this round's batch length, and (flag mode) its leaders
        // and roles, copied before the closing barrier (the leader rewrites
        // `batches` while the helper judges).
        let mut seen_tests = 0;
        let mut seen_leaders: Vec<usize> = Vec::new();
        let mut seen_roles: Vec<usize> = Vec::new();
        // The leader's role shuffler (xorshift64*; any fixed nonzero seed).
        // xorshift needs a non-zero state.
        let mut rng: u64 = if self.cfg.seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            self.cfg.seed
        };
        loop {
            let slot = batch_round % 2;
            if leader {
                let n = if done || self.progress.stop_requested() {
                    0
                } else {
                    self.batch_after(started)
                };
                if double && batch_round == 0 {
                    self.buffers[slot].with_mut(|buf| {
                        // SAFETY: before the first opening barrier every
                        // other actor waits in `barrier.wait()`; nobody else
                        // touches the buffers yet.
                        let buf = unsafe { &mut *buf };
                        renew(self.scenario, buf, n, &params);
                    });
                }
                self.batches.with_mut(|b| {
                    // SAFETY: every other actor is inside `barrier.wait()`
                    // (at the start, or after the round's closing barrier)
                    // or, the helper, filling `buffers` (never `batches`),
                    // and touches `batches` again only after the barrier
                    // below, which the leader has not reached: this is the
                    // only access.
                    let b = unsafe { &mut *b };
                    if double {
                        // The batch is in `buffers[slot]`, which the helper
                        // filled with exactly `batch_after(started)`
                        // instances (or the leader, in round 0).
                        b.current.clear();
                    } else {
                        b.refill(n, || self.scenario.new_instance(&params));
                    }
                    b.tests = n;
                    if b.roles.len() != self.actors {
                        b.roles = (0..self.actors).collect();
                    }
                    if self.cfg.shuffle {
                        shuffle_roles(&mut b.roles, &mut rng);
                    }
                    if self.cfg.sync == SyncMode::Flag {
                        b.reset_flags(n.div_ceil(self.flag_group));
                        // Each run's leading role, drawn by the shares;
                        // the thread that plays it this batch leads.
                        let shares = leader_shares(&led_anomalies);
                        let mut thread_of = vec![0; self.actors];
                        for (thread, &role) in b.roles.iter().enumerate() {
                            thread_of[role] = thread;
                        }
                        b.leaders.clear();
                        for _ in 0..n.div_ceil(FLAG_LEADER_RUN) {
                            let mut draw = (next_random(&mut rng) & 0xFFFF) as u32;
                            let mut role = self.actors - 1;
                            for (r, &share) in shares.iter().enumerate() {
                                if draw < share {
                                    role = r;
                                    break;
                                }
                                draw -= share;
                            }
                            b.leaders.push(thread_of[role]);
                        }
                        // Each thread's runs one after another (the same
                        // number of runs per thread as drawn): the judge
                        // then credits a batch in one call per leader,
                        // not one per run, and a leader keeps its turn
                        // longer (litmus7 keeps it for a whole pass).
                        b.leaders.sort_unstable();
                        if next_random(&mut rng) & 1 == 1 {
                            b.leaders.reverse();
                        }
                    }
                    b.delays.clear();
                    for _ in 0..self.actors {
                        let d = if self.cfg.skew == 0 {
                            0
                        } else {
                            (next_random(&mut rng) % (u64::from(self.cfg.skew) + 1)) as u32
                        };
                        b.delays.push(d);
                    }
                });
            }
            // Opening barrier: the fresh batch is published to all actors.
            self.barrier.wait();
            let mut body = |instances: &[S::Instance], b: &Batches<S::Instance>| {
                let role = b.roles[actor];
                let delay = b.delays[actor];
                if self.cfg.sync == SyncMode::Flag {
                    // Run by run, with the run's role (leader or follower)
                    // and the delay decided once: the loop between two
                    // instances is then the start line and the test code
                    // alone, as in litmus7's generated code.
                    // A run's flags: one per group of its instances.
                    let runs = instances
                        .chunks(FLAG_LEADER_RUN)
                        .zip(b.flags.chunks(FLAG_LEADER_RUN / self.flag_group))
                        .zip(&b.leaders);
                    for ((chunk, flags), &leader) in runs {
                        let leads = leader == actor;
                        if self.flag_group == 1 {
                            // A flag per instance: the loop of the specimens
                            // (their default), with no group loop in it.
                            for (instance, flag) in chunk.iter().zip(flags) {
                                flag_pass(flag, leads);
                                if delay > 0 {
                                    spin_delay(delay);
                                }
                                self.scenario.act(role, instance, &params);
                            }
                            continue;
                        }
                        for (group, flag) in chunk.chunks(self.flag_group).zip(flags) {
                            flag_pass(flag, leads);
                            if delay > 0 {
                                spin_delay(delay);
                            }
                            for instance in group {
                                self.scenario.act(role, instance, &params);
                            }
                        }
                    }
                    return;
                }
                for instance in instances {
                    match self.cfg.sync {
                        SyncMode::Flag => unreachable!("handled above"),
                        SyncMode::Instance => {
                            self.gate.pass(actor, round);
                            round += 1;
                            spin_delay(delay);
                        }
                        SyncMode::Post => {
                            self.post.pass(round, actor);
                            round += 1;
                            spin_delay(delay);
                        }
                        SyncMode::Batch => {}
                    }
                    self.scenario.act(role, instance, &params);
                }
            };
            let tests = self.batches.with(|b| {
                // SAFETY: between the opening and closing barriers no actor
                // mutates `batches`; shared reads are fine.
                let b = unsafe { &*b };
                if b.tests == 0 {
                    return 0;
                }
                if double {
                    self.buffers[slot].with(|buf| {
                        // SAFETY: this round's buffer is only read until the
                        // next opening barrier (see `buffers`).
                        let buf = unsafe { &*buf };
                        body(&buf[..b.tests], b);
                    });
                } else {
                    body(&b.current, b);
                }
                if helper {
                    seen_tests = b.tests;
                    seen_leaders.clone_from(&b.leaders);
                    seen_roles.clone_from(&b.roles);
                }
                b.tests
            });
            if tests == 0 {
                if let Some(due) = help_due.take() {
                    // After the final opening barrier: the helper's half of
                    // the last round is written (see `helped`).
                    self.take_help(due, &mut tally, &mut led_anomalies);
                    self.progress.publish(&tally);
                }
                return leader.then_some(tally);
            }
            started += tests as u64;
            batch_round += 1;
            // Closing barrier: every actor's work on the batch happens-before
            // the leader judges it.
            self.barrier.wait();
            if helper {
                // The next round's batch, while the leader judges this one.
                let n = self.batch_after(started);
                self.buffers[batch_round % 2].with_mut(|buf| {
                    // SAFETY: the next round's buffer: only the helper
                    // touches it until the next opening barrier (see
                    // `buffers`); the last round that read it ended at this
                    // round's opening barrier.
                    let buf = unsafe { &mut *buf };
                    renew(self.scenario, buf, n, &params);
                });
                // Then the second half of this round's batch, while the
                // leader judges the first.
                let flag = self.cfg.sync == SyncMode::Flag;
                self.helped[slot].with_mut(|h| {
                    // SAFETY: only the helper touches this slot from this
                    // closing barrier to the next opening barrier; the
                    // leader read it last (the helper's part of round r - 2)
                    // before this round's opening barrier (see `helped`).
                    let h = unsafe { &mut *h };
                    h.tally = Tally::new();
                    h.led.clear();
                    h.led.resize(self.actors, 0);
                    self.buffers[slot].with(|buf| {
                        // SAFETY: this round's buffer is only read until the
                        // next opening barrier (see `buffers`).
                        let buf = unsafe { &*buf };
                        judge_part(
                            self.scenario,
                            &buf[..seen_tests],
                            seen_tests / 2..seen_tests,
                            flag.then_some((&seen_leaders[..], &seen_roles[..])),
                            &params,
                            &mut h.tally,
                            &mut h.led,
                        );
                    });
                });
            }
            if leader {
                if let Some(due) = help_due.take() {
                    // The helper's half of the previous round comes before
                    // this round's iterations.
                    self.take_help(due, &mut tally, &mut led_anomalies);
                }
                let mut judged =
                    |instances: &[S::Instance], b: &Batches<S::Instance>, tally: &mut Tally| {
                        // Double-buffered, the helper judges the second half.
                        let end = if double {
                            instances.len() / 2
                        } else {
                            instances.len()
                        };
                        let flag = self.cfg.sync == SyncMode::Flag;
                        judge_part(
                            self.scenario,
                            instances,
                            0..end,
                            flag.then_some((&b.leaders[..], &b.roles[..])),
                            &params,
                            tally,
                            &mut led_anomalies,
                        );
                    };
                self.batches.with(|b| {
                    // SAFETY: the other actors are past the closing barrier
                    // and only wait at the next opening barrier (or, the
                    // helper, fill the other buffer); nobody mutates
                    // `batches` now.
                    let b = unsafe { &*b };
                    if double {
                        self.buffers[slot].with(|buf| {
                            // SAFETY: this round's buffer is only read until
                            // the next opening barrier (see `buffers`).
                            let buf = unsafe { &*buf };
                            judged(&buf[..b.tests], b, &mut tally);
                        });
                    } else {
                        judged(&b.current, b, &mut tally);
                    }
                });
                if double {
                    help_due = Some(slot);
                }
                self.progress.publish(&tally);
                if self.cfg.stop_on_first && tally.anomalies > 0 {
                    done = true;
                }
                if started >= self.cfg.iterations {
                    done = true;
                }
            }
        }
    }
}

impl<S: Scenario> ActorsRunner<S> {
    /// Leader: adds the helper's half of a round (`helped[slot]`) to
    /// `tally`, as the iterations that follow the ones it holds.
    fn take_help(&self, slot: usize, tally: &mut Tally, led: &mut [u64]) {
        self.helped[slot].with(|h| {
            // SAFETY: the helper wrote this slot before an opening barrier
            // the leader has passed, and writes it again only after a
            // closing barrier the leader reaches after this read (see
            // `helped`).
            let h = unsafe { &*h };
            tally.merge(&h.tally);
            for (l, a) in led.iter_mut().zip(&h.led) {
                *l += a;
            }
        });
    }
}

/// What the helper judged of a round (see `ActorsRunner::helped`).
#[derive(Default)]
struct Helped {
    /// The counts of the second half of the round's batch.
    tally: Tally,
    /// Flag mode: the anomalies of that half per leading role.
    led: Vec<u64>,
}

/// Judges `instances[range]` (part of a batch, `instances`) into `tally`.
/// In flag mode (`flag` holds the batch's leaders per run and its roles
/// per thread) it goes leader stretch by leader stretch, in order (the
/// same counts as one call), crediting each stretch's anomalies to the
/// role that led it in `led`: the runs are grouped by leader, so that is
/// one call per leader.
fn judge_part<S: Scenario>(
    scenario: &S,
    instances: &[S::Instance],
    range: std::ops::Range<usize>,
    flag: Option<(&[usize], &[usize])>,
    params: &Params,
    tally: &mut Tally,
    led: &mut [u64],
) {
    let Some((leaders, roles)) = flag else {
        scenario.judge(&instances[range], params, tally);
        return;
    };
    let mut start = 0;
    for same in leaders.chunk_by(|a, b| a == b) {
        let end = (start + same.len() * FLAG_LEADER_RUN).min(instances.len());
        let (lo, hi) = (start.max(range.start), end.min(range.end));
        if lo < hi {
            let before = tally.anomalies;
            scenario.judge(&instances[lo..hi], params, tally);
            led[roles[same[0]]] += tally.anomalies - before;
        }
        start = end;
    }
}

/// Makes `buf` hold `n` instances in their initial state: the ones it
/// holds are reset in place ([`Scenario::reset`]), any more are new.
fn renew<S: Scenario>(scenario: &S, buf: &mut Vec<S::Instance>, n: usize, params: &Params) {
    buf.truncate(n);
    for instance in buf.iter_mut() {
        scenario.reset(instance, params);
    }
    let have = buf.len();
    buf.extend((have..n).map(|_| scenario.new_instance(params)));
}

/// The next number of the leader's xorshift64* generator.
fn next_random(rng: &mut u64) -> u64 {
    *rng ^= *rng >> 12;
    *rng ^= *rng << 25;
    *rng ^= *rng >> 27;
    rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// A uniform random permutation of `roles` (Fisher-Yates).
fn shuffle_roles(roles: &mut [usize], rng: &mut u64) {
    for i in (1..roles.len()).rev() {
        let j = (next_random(rng) % (i as u64 + 1)) as usize;
        roles.swap(i, j);
    }
}

/// Spins `n` pause-loop iterations (a start delay; nothing under loom,
/// where time means nothing).
#[inline]
fn spin_delay(n: u32) {
    #[cfg(not(loom))]
    for _ in 0..n {
        std::hint::spin_loop();
    }
    #[cfg(loom)]
    let _ = n;
}

/// The seed article's harness: threads spawned per iteration.
pub struct SpawnRunner<S: Scenario> {
    scenario: &'static S,
    cfg: Config,
    progress: Progress,
}

impl<S: Scenario> SpawnRunner<S> {
    pub fn new(scenario: &'static S, cfg: Config) -> Self {
        SpawnRunner {
            scenario,
            cfg,
            progress: Progress::default(),
        }
    }

    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Runs the whole run on the calling thread, spawning actors per
    /// iteration.
    pub fn run(&self) -> Tally {
        let info: &Info = self.scenario.info();
        let params = self.cfg.params;
        let scenario = self.scenario;
        let mut tally = Tally::new();
        while tally.completed < self.cfg.iterations && !self.progress.stop_requested() {
            let instance = Arc::new(scenario.new_instance(&params));
            let first = info.spawn_first;
            let actors = info.actors;
            let shared = instance.clone();
            let first_thread = thread::spawn(move || {
                // The first actor (the article's consumer) starts the others
                // itself, so it is already running when they begin.
                let others: Vec<_> = (0..actors)
                    .filter(|&a| a != first)
                    .map(|a| {
                        let inst = shared.clone();
                        thread::spawn(move || scenario.act(a, &inst, &params))
                    })
                    .collect();
                scenario.act(first, &shared, &params);
                for h in others {
                    h.join().expect("an actor thread panicked");
                }
            });
            first_thread.join().expect("an actor thread panicked");
            // Joining every actor makes their work happen-before this.
            scenario.judge(std::slice::from_ref(&*instance), &params, &mut tally);
            if self.cfg.memory == MemoryMode::Leak {
                // Never freed, so the next iteration gets a new address,
                // as in the article.
                std::mem::forget(instance);
            }
            self.progress.publish(&tally);
            if self.cfg.stop_on_first && tally.anomalies > 0 {
                break;
            }
        }
        tally
    }
}

/// A runner of either harness, type-erased for the binary.
pub trait Runner: Send + Sync {
    /// How many threads the caller must start, each calling
    /// [`Runner::run_thread`] with its index (the actors harness: one per
    /// actor; the spawn harness: one, which spawns its own).
    fn threads(&self) -> usize;
    /// The body of thread `index`. Exactly one thread returns the tally.
    fn run_thread(&self, index: usize) -> Option<Tally>;
    fn progress(&self) -> &Progress;
}

impl<S: Scenario> Runner for ActorsRunner<S> {
    fn threads(&self) -> usize {
        self.actors
    }
    fn run_thread(&self, index: usize) -> Option<Tally> {
        self.run_actor(index)
    }
    fn progress(&self) -> &Progress {
        &self.progress
    }
}

impl<S: Scenario> Runner for SpawnRunner<S> {
    fn threads(&self) -> usize {
        1
    }
    fn run_thread(&self, index: usize) -> Option<Tally> {
        assert_eq!(index, 0, "the spawn harness runs on one thread");
        Some(self.run())
    }
    fn progress(&self) -> &Progress {
        &self.progress
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn leader_shares_follow_the_anomalies_with_a_floor() {
        const ONE: u32 = 1 << 16;
        let sum = |v: &[u32]| v.iter().map(|&x| u64::from(x)).sum::<u64>();
        // Nothing found: every role leads equally often.
        let even = leader_shares(&[0, 0]);
        assert_eq!(even[0], even[1]);
        assert!(sum(&even) <= u64::from(ONE) && sum(&even) > u64::from(ONE) - 4);
        // One role finds everything: it leads most runs, the other keeps
        // its floor of 1/16 (two roles).
        let r = leader_shares(&[10_000, 0]);
        assert!(r[0] > 15 * ONE / 16 - 8, "{r:?}");
        assert!(r[1] >= ONE / 16, "{r:?}");
        assert!(sum(&r) <= u64::from(ONE));
        // Four roles: floors of 1/32, proportional above them.
        let r = leader_shares(&[0, 3, 1, 0]);
        assert!(r.iter().all(|&x| x >= ONE / 32), "{r:?}");
        assert!(r[1] > r[2] && r[2] > r[0] && r[0] == r[3], "{r:?}");
        assert!(sum(&r) <= u64::from(ONE));
    }

    #[test]
    fn arena_ring_spans_about_64_mib_whatever_the_instance_size() {
        // array-passing: 4096 instances of about 1 KB: 16 buffers.
        assert_eq!(arena_ring_len(4096, 1016), ARENA_RING_MIN);
        // litmus: 4096 x 192 B: 85 buffers, about 64 MiB in all.
        let n = arena_ring_len(4096, 192);
        assert!(n * 4096 * 192 <= ARENA_BYTES && (n + 1) * 4096 * 192 > ARENA_BYTES);
        // counters: tiny instances, capped ring (still far beyond L2).
        assert_eq!(arena_ring_len(64, 8), ARENA_RING_MAX);
    }

    #[test]
    fn barrier_orders_phases_for_many_rounds() {
        let barrier = SpinBarrier::new(3);
        let cell = UnsafeCell::new(0u64);
        struct Shared<'a>(&'a UnsafeCell<u64>);
        // SAFETY: the test only touches the cell from one thread per phase,
        // the phases being separated by the barrier under test.
        unsafe impl Sync for Shared<'_> {}
        let shared = Shared(&cell);
        let rounds = if cfg!(miri) { 3 } else { 1000 };
        std::thread::scope(|s| {
            for t in 0..3u64 {
                let (barrier, shared) = (&barrier, &shared);
                s.spawn(move || {
                    for r in 0..rounds {
                        if r % 3 == t {
                            shared.0.with_mut(|p| {
                                // SAFETY: only thread `r % 3` writes in round
                                // r; the others read only after the barrier.
                                unsafe { *p += 1 }
                            });
                        }
                        barrier.wait();
                        let v = shared.0.with(|p| {
                            // SAFETY: no writer until the next barrier.
                            unsafe { *p }
                        });
                        assert_eq!(v, r + 1);
                        barrier.wait();
                    }
                });
            }
        });
    }
}
