//! The public scenario API: a concurrency test of your own, declared once
//! and hunted three ways (pinned hardware threads, loom, Miri).
//!
//! A [`Test`] says, in jcstress's terms:
//!
//! * the fresh **state** of one iteration (`S: Default`, or
//!   [`Test::state`]): the atomics and cells your synchronization uses,
//!   plus result slots ([`Slot`]) the actors write what they saw into;
//! * what each **actor** thread does to it ([`Test::actor`], two or more);
//! * the **arbiter**, which runs after every actor is done and returns the
//!   **outcome** (any small `Clone + Eq + Hash + Debug` value: a tuple, a
//!   struct, a number);
//! * which outcomes are **acceptable**, **interesting** (a known weak or
//!   buggy outcome, with a description) and **forbidden**, and what an
//!   outcome you did not declare means ([`Test::undeclared`]; by default
//!   it fails the run and is shown as `undeclared`).
//!
//! Nothing of orderhunt's machinery (batches, rendezvous, pinning, memory
//! placement, reports) appears in a test: the engine owns all of it. Use
//! the atomics, fences and cells of [`crate::sync`], so that the same code
//! runs under loom with `--cfg loom`.
//!
//! ```
//! use orderhunt_core::api::{Slot, Test};
//! use orderhunt_core::sync::{AtomicU32, Ordering};
//!
//! #[derive(Default)]
//! struct Sb { x: AtomicU32, y: AtomicU32, r0: Slot, r1: Slot }
//!
//! let sb = Test::<Sb, (u64, u64)>::new("my-sb")
//!     .about("store buffering, all Relaxed")
//!     .actor(|s| {
//!         // Relaxed: the test is about what Relaxed allows.
//!         s.x.store(1, Ordering::Relaxed);
//!         // Relaxed: may miss the other thread's store (store buffering).
//!         s.r0.set(s.y.load(Ordering::Relaxed).into());
//!     })
//!     .actor(|s| {
//!         // Relaxed: as actor 0.
//!         s.y.store(1, Ordering::Relaxed);
//!         // Relaxed: as actor 0.
//!         s.r1.set(s.x.load(Ordering::Relaxed).into());
//!     })
//!     .arbiter(|s| (s.r0.get(), s.r1.get()))
//!     .acceptable((0, 1), "actor 1 ran last")
//!     .acceptable((1, 0), "actor 0 ran last")
//!     .acceptable((1, 1), "interleaved")
//!     .interesting((0, 0), "store buffering: both loads missed the other store");
//! # let _ = sb;
//! ```

use crate::harness::MemoryMode;
use crate::scenario::{
    Expectation, Info, Observed, OutcomeClass, Params, Scenario, Tally, Way, Ways,
};
use crate::sync::{AtomicU64, Ordering};
use std::any::TypeId;
use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::{Mutex, OnceLock};

/// What an outcome type needs: small, comparable, printable. Tuples of
/// integers and `bool`s, and `#[derive(Clone, PartialEq, Eq, Hash, Debug)]`
/// structs, all qualify.
pub trait Outcome: Clone + Eq + Hash + Debug + Send + Sync + 'static {}
impl<T: Clone + Eq + Hash + Debug + Send + Sync + 'static> Outcome for T {}

/// The most actor threads a test may have.
pub const MAX_ACTORS: usize = 16;

/// Distinct outcomes remembered per test; further distinct outcomes are
/// still classified exactly but shown as one `(other outcomes)` entry.
pub const MAX_INTERNED: usize = 4096;

/// A result slot: an actor records what it saw (`set`), the arbiter reads
/// it (`get`). It holds any small `Copy` value of a type implementing
/// [`SlotValue`]: integers, `bool`, `char`, `()`, `Option`s and tuples of
/// them (up to 64 bits in all), or your own small enum (implement
/// [`SlotValue`] in a few lines). `Slot` alone is `Slot<u64>`.
///
/// It adds no synchronization to your test: `set` is a Relaxed store done
/// after your own accesses, and the engine orders every actor's work before
/// the arbiter (a barrier on hardware, a join under loom and Miri).
pub struct Slot<T: SlotValue = u64>(AtomicU64, PhantomData<T>);

impl<T: SlotValue> Default for Slot<T> {
    fn default() -> Self {
        Slot(AtomicU64::new(0), PhantomData)
    }
}

impl<T: SlotValue + Debug> Debug for Slot<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Slot").field(&self.get()).finish()
    }
}

impl<T: SlotValue> Slot<T> {
    pub fn new(value: T) -> Self {
        Slot(AtomicU64::new(value.to_bits()), PhantomData)
    }

    /// Records a value (typically: what this actor loaded).
    #[inline]
    pub fn set(&self, value: T) {
        // Relaxed: read only by the arbiter, which every actor's work
        // happens-before (the engine's barrier or join); a Relaxed store
        // after the test's own accesses gives them no extra ordering.
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }

    /// The recorded value (in the arbiter); a slot never set reads as the
    /// value whose bits are all zero (0, false, None, (0, 0), ...).
    #[inline]
    pub fn get(&self) -> T {
        // Relaxed: runs in the arbiter, after the barrier or join that
        // orders every `set` before it.
        T::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// A value a [`Slot`] can hold: `Copy`, and encodable in [`SlotValue::BITS`]
/// bits of a `u64` (at most 64). For a small enum:
///
/// ```
/// use orderhunt_core::api::SlotValue;
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
/// enum Seen { Nothing, Old, New }
///
/// impl SlotValue for Seen {
///     const BITS: u32 = 2;
///     fn to_bits(self) -> u64 { self as u64 }
///     fn from_bits(bits: u64) -> Self {
///         match bits { 1 => Seen::Old, 2 => Seen::New, _ => Seen::Nothing }
///     }
/// }
/// ```
pub trait SlotValue: Copy + Send + Sync + 'static {
    /// Bits used by [`SlotValue::to_bits`] (the rest must be zero).
    const BITS: u32;
    fn to_bits(self) -> u64;
    /// Decodes `to_bits`' result (only the low `BITS` bits are set).
    fn from_bits(bits: u64) -> Self;
}

macro_rules! slot_unsigned {
    ($($t:ty),*) => {$(
        impl SlotValue for $t {
            const BITS: u32 = <$t>::BITS;
            #[inline]
            fn to_bits(self) -> u64 { self as u64 }
            #[inline]
            fn from_bits(bits: u64) -> Self { bits as $t }
        }
    )*};
}
slot_unsigned!(u8, u16, u32, u64, usize);

macro_rules! slot_signed {
    ($($t:ty => $u:ty),*) => {$(
        impl SlotValue for $t {
            const BITS: u32 = <$t>::BITS;
            #[inline]
            fn to_bits(self) -> u64 { self as $u as u64 }
            #[inline]
            fn from_bits(bits: u64) -> Self { bits as $u as $t }
        }
    )*};
}
slot_signed!(i8 => u8, i16 => u16, i32 => u32, i64 => u64, isize => usize);

impl SlotValue for bool {
    const BITS: u32 = 1;
    #[inline]
    fn to_bits(self) -> u64 {
        u64::from(self)
    }
    #[inline]
    fn from_bits(bits: u64) -> Self {
        bits != 0
    }
}

impl SlotValue for char {
    const BITS: u32 = 32;
    #[inline]
    fn to_bits(self) -> u64 {
        u64::from(u32::from(self))
    }
    #[inline]
    fn from_bits(bits: u64) -> Self {
        char::from_u32(bits as u32).unwrap_or('\0')
    }
}

impl SlotValue for () {
    const BITS: u32 = 0;
    #[inline]
    fn to_bits(self) -> u64 {
        0
    }
    #[inline]
    fn from_bits(_: u64) -> Self {}
}

/// The low `bits` bits set.
const fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

impl<T: SlotValue> SlotValue for Option<T> {
    // One more bit: set for Some.
    const BITS: u32 = {
        assert!(
            T::BITS < 64,
            "Option<T> in a Slot needs T of at most 63 bits"
        );
        T::BITS + 1
    };
    #[inline]
    fn to_bits(self) -> u64 {
        match self {
            Some(v) => (v.to_bits() << 1) | 1,
            None => 0,
        }
    }
    #[inline]
    fn from_bits(bits: u64) -> Self {
        (bits & 1 == 1).then(|| T::from_bits(bits >> 1))
    }
}

macro_rules! slot_tuple {
    ($($n:ident $i:tt),+) => {
        impl<$($n: SlotValue),+> SlotValue for ($($n,)+) {
            const BITS: u32 = {
                let total = 0 $(+ $n::BITS)+;
                assert!(total <= 64, "a tuple in a Slot holds at most 64 bits in all");
                total
            };
            #[inline]
            fn to_bits(self) -> u64 {
                let mut bits = 0u64;
                let mut shift = 0u32;
                $(
                    if $n::BITS > 0 {
                        bits |= self.$i.to_bits().checked_shl(shift).unwrap_or(0);
                    }
                    shift += $n::BITS;
                )+
                let _ = shift;
                bits
            }
            #[inline]
            fn from_bits(bits: u64) -> Self {
                let mut shift = 0u32;
                ($(
                    {
                        let v = $n::from_bits(bits.checked_shr(shift).unwrap_or(0) & mask($n::BITS));
                        shift += $n::BITS;
                        let _ = shift;
                        v
                    },
                )+)
            }
        }
    };
}
slot_tuple!(A 0, B 1);
slot_tuple!(A 0, B 1, C 2);
slot_tuple!(A 0, B 1, C 2, D 3);

type StateFn<S> = Box<dyn Fn(&Params) -> S + Send + Sync>;
type ActorFn<S> = Box<dyn Fn(&S) + Send + Sync>;
type ArbiterFn<S, O> = Box<dyn Fn(&S) -> O + Send + Sync>;

/// One declared outcome.
struct Declared<O> {
    outcome: O,
    class: OutcomeClass,
    description: String,
}

/// Outcome values <-> the `u64` codes the engine counts.
struct Interner<O> {
    values: Vec<O>,
    codes: HashMap<O, u64>,
}

/// The code of every outcome beyond [`MAX_INTERNED`].
const OVERFLOW: u64 = u64::MAX;

impl<O: Outcome> Interner<O> {
    fn code(&mut self, o: &O) -> u64 {
        if let Some(&c) = self.codes.get(o) {
            return c;
        }
        if self.values.len() >= MAX_INTERNED {
            return OVERFLOW;
        }
        let c = self.values.len() as u64;
        self.values.push(o.clone());
        self.codes.insert(o.clone(), c);
        c
    }
}

/// A user-defined concurrency test. Build it with [`Test::new`] and the
/// builder methods, then register it (`Registry::add`).
pub struct Test<S, O> {
    name: String,
    about: String,
    state: StateFn<S>,
    actors: Vec<ActorFn<S>>,
    arbiter: Option<ArbiterFn<S, O>>,
    declared: Vec<Declared<O>>,
    undeclared: OutcomeClass,
    expectation: Option<Expectation>,
    iterations: u64,
    batch: usize,
    memory: MemoryMode,
    ways: Ways,
    /// Built when the test is registered (names must be `'static` there).
    info: OnceLock<&'static Info>,
    interner: Mutex<Interner<O>>,
}

impl<S: Default + Send + Sync + 'static, O: Outcome> Test<S, O> {
    /// A test whose fresh state is `S::default()`.
    pub fn new(name: impl Into<String>) -> Self {
        Self::with_state(name, |_| S::default())
    }
}

impl<S: Send + Sync + 'static, O: Outcome> Test<S, O> {
    /// A test whose fresh state comes from `make` (given the run's
    /// parameters, e.g. `--increments`).
    pub fn with_state(
        name: impl Into<String>,
        make: impl Fn(&Params) -> S + Send + Sync + 'static,
    ) -> Self {
        Test {
            name: name.into(),
            about: String::new(),
            state: Box::new(make),
            actors: Vec::new(),
            arbiter: None,
            declared: Vec::new(),
            undeclared: OutcomeClass::Undeclared,
            expectation: None,
            iterations: 1_000_000,
            batch: 1024,
            memory: MemoryMode::Reuse,
            ways: Ways::default(),
            info: OnceLock::new(),
            interner: Mutex::new(Interner {
                values: Vec::new(),
                codes: HashMap::new(),
            }),
        }
    }

    /// Replaces how a fresh state is made.
    pub fn state(mut self, make: impl Fn(&Params) -> S + Send + Sync + 'static) -> Self {
        self.state = Box::new(make);
        self
    }

    /// One line for `list` and reports.
    pub fn about(mut self, text: impl Into<String>) -> Self {
        self.about = text.into();
        self
    }

    /// Adds an actor: a thread that runs `f` on every iteration's fresh
    /// state, at the same time as the other actors. Actor numbers follow
    /// the order of the calls (0, 1, ...).
    pub fn actor(mut self, f: impl Fn(&S) + Send + Sync + 'static) -> Self {
        self.actors.push(Box::new(f));
        self
    }

    /// The arbiter: runs once every actor is done with the iteration
    /// (everything the actors did happens-before it) and returns the
    /// outcome. A test with outcome type `()` may leave it out (it then
    /// hunts only races and panics).
    pub fn arbiter(mut self, f: impl Fn(&S) -> O + Send + Sync + 'static) -> Self {
        self.arbiter = Some(Box::new(f));
        self
    }

    fn declare(mut self, outcome: O, class: OutcomeClass, description: String) -> Self {
        self.declared.push(Declared {
            outcome,
            class,
            description,
        });
        self
    }

    /// An outcome a correct program shows.
    pub fn acceptable(self, outcome: O, description: impl Into<String>) -> Self {
        self.declare(outcome, OutcomeClass::Acceptable, description.into())
    }

    /// An outcome the code is known to allow but that is worth seeing (a
    /// weak outcome, a wrong variant's bug): counted as an anomaly, and
    /// makes the test `may-fail` (unless [`Test::expect`] says otherwise).
    pub fn interesting(self, outcome: O, description: impl Into<String>) -> Self {
        self.declare(outcome, OutcomeClass::Interesting, description.into())
    }

    /// An outcome that must never happen: any count fails the run.
    pub fn forbidden(self, outcome: O, description: impl Into<String>) -> Self {
        self.declare(outcome, OutcomeClass::Forbidden, description.into())
    }

    /// What an outcome you did not declare means. The default,
    /// `OutcomeClass::Undeclared`, counts it as forbidden (it fails the run)
    /// and shows it as `undeclared`; `Acceptable` or `Interesting` accept
    /// it as such.
    pub fn undeclared(mut self, class: OutcomeClass) -> Self {
        self.undeclared = class;
        self
    }

    /// Overrides the expectation. By default a test with an `interesting`
    /// outcome is `may-fail`, any other `must-pass`.
    pub fn expect(mut self, expectation: Expectation) -> Self {
        self.expectation = Some(expectation);
        self
    }

    /// Default iterations of `run` (1,000,000 unless set).
    pub fn iterations(mut self, n: u64) -> Self {
        self.iterations = n.max(1);
        self
    }

    /// Default instances per batch (1024 unless set).
    pub fn batch(mut self, n: usize) -> Self {
        self.batch = n.max(1);
        self
    }

    /// Default memory mode (`reuse` unless set).
    /// Whether loom applies to this test: `Way::Run` (the default) or
    /// `Skip(reason)`, e.g. `.loom(Skip("parking_lot is not loom-aware"))`.
    /// A skipped way is shown as `skipped: reason`, never as clean.
    pub fn loom(mut self, way: Way) -> Self {
        self.ways.loom_skip = match way {
            Way::Run => None,
            Way::Skip(why) => Some(why),
        };
        self
    }

    /// Whether Miri applies to this test (as [`Test::loom`]).
    pub fn miri(mut self, way: Way) -> Self {
        self.ways.miri_skip = match way {
            Way::Run => None,
            Way::Skip(why) => Some(why),
        };
        self
    }

    /// Names synchronization this test relies on that loom cannot see: a
    /// dependency's lock or queue built on `std` atomics (say
    /// `"spin 0.9 Mutex"`). loom then explores only the test's own
    /// `orderhunt::sync` operations, so a race it reports on the test's
    /// cells may be a false alarm; the verdict says so instead of failing.
    pub fn external_sync(mut self, what: &'static str) -> Self {
        self.ways.external_sync = Some(what);
        self
    }

    pub fn memory(mut self, mode: MemoryMode) -> Self {
        self.memory = mode;
        self
    }

    /// The test's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Checks the declarations; one line saying what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let name = &self.name;
        if name.is_empty() || name.chars().any(|c| c.is_whitespace()) {
            return Err(format!(
                "test name `{name}` must be non-empty and have no spaces"
            ));
        }
        if self.actors.len() < 2 {
            return Err(format!(
                "test `{name}` has {} actor(s); a concurrency test needs at least 2 \
                 (add them with .actor(...))",
                self.actors.len()
            ));
        }
        if self.actors.len() > MAX_ACTORS {
            return Err(format!(
                "test `{name}` has {} actors; at most {MAX_ACTORS} are supported",
                self.actors.len()
            ));
        }
        if self.arbiter.is_none() && TypeId::of::<O>() != TypeId::of::<()>() {
            return Err(format!(
                "test `{name}` has an outcome type but no .arbiter(...) to compute it"
            ));
        }
        for (i, d) in self.declared.iter().enumerate() {
            if self.declared[..i].iter().any(|e| e.outcome == d.outcome) {
                return Err(format!(
                    "test `{name}` declares the outcome {:?} twice",
                    d.outcome
                ));
            }
        }
        Ok(())
    }

    /// Builds the static description; called once, at registration.
    pub(crate) fn freeze(&self) -> &'static Info {
        self.info.get_or_init(|| {
            let expectation = self.expectation.unwrap_or_else(|| {
                if self
                    .declared
                    .iter()
                    .any(|d| d.class == OutcomeClass::Interesting)
                    || self.undeclared == OutcomeClass::Interesting
                {
                    Expectation::MayFail
                } else {
                    Expectation::MustPass
                }
            });
            let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
            Box::leak(Box::new(Info {
                name: leak(&self.name),
                family: "user",
                expectation,
                article: None,
                summary: leak(&self.about),
                actors: self.actors.len(),
                spawn_first: 0,
                default_iterations: self.iterations,
                default_batch: self.batch,
                default_flag_group: 1,
                uses_increments: false,
                default_memory: self.memory,
            }))
        })
    }

    fn outcome_of(&self, state: &S) -> O {
        match &self.arbiter {
            Some(f) => f(state),
            None => {
                // `validate` allows a missing arbiter only for `O = ()`.
                let unit: Box<dyn std::any::Any> = Box::new(());
                *unit
                    .downcast::<O>()
                    .expect("a test without an arbiter has the outcome type ()")
            }
        }
    }

    /// The class of an outcome, by the declarations.
    pub fn class_of(&self, outcome: &O) -> OutcomeClass {
        self.declared
            .iter()
            .find(|d| &d.outcome == outcome)
            .map_or(self.undeclared, |d| d.class)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Interner<O>> {
        // A poisoned lock only means another judge panicked mid-insert;
        // the table is still consistent (push then insert).
        self.interner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn decode(&self, code: u64) -> Option<O> {
        self.lock().values.get(code as usize).cloned()
    }
}

impl<S: Send + Sync + 'static, O: Outcome> Scenario for Test<S, O> {
    type Instance = S;

    fn info(&self) -> &'static Info {
        self.freeze()
    }

    fn new_instance(&self, params: &Params) -> S {
        (self.state)(params)
    }

    #[inline]
    fn act(&self, actor: usize, instance: &S, _params: &Params) {
        (self.actors[actor])(instance)
    }

    fn observe(&self, instance: &S, _params: &Params) -> u64 {
        let o = self.outcome_of(instance);
        self.lock().code(&o)
    }

    fn classify(&self, observed: u64, _params: &Params) -> OutcomeClass {
        match self.decode(observed) {
            Some(o) => self.class_of(&o),
            // Beyond the interner: classified exactly when counted, but
            // the histogram entry mixes outcomes; call it an anomaly.
            None => OutcomeClass::Undeclared,
        }
    }

    fn expected(&self, _params: &Params) -> Observed {
        let ok: Vec<String> = self
            .declared
            .iter()
            .filter(|d| d.class == OutcomeClass::Acceptable)
            .map(|d| format!("{:?}", d.outcome))
            .collect();
        Observed::Text(if ok.is_empty() {
            "(no acceptable outcome declared)".to_string()
        } else {
            format!("one of {}", ok.join(", "))
        })
    }

    fn render(&self, observed: u64) -> Observed {
        // The outcome alone: reports carry it in `observed`, and the
        // declared description stays in the test's code (and `list`).
        Observed::Text(match self.decode(observed) {
            Some(o) => format!("{o:?}"),
            None => "(other outcomes)".to_string(),
        })
    }

    fn ways(&self) -> Ways {
        self.ways
    }

    fn describe(&self, observed: u64) -> Option<String> {
        let o = self.decode(observed)?;
        self.declared
            .iter()
            .find(|d| d.outcome == o)
            .map(|d| d.description.clone())
            .filter(|d| !d.is_empty())
    }

    fn judge(&self, instances: &[S], _params: &Params, tally: &mut Tally) {
        let mut table = self.lock();
        let mut rec = tally.recorder();
        for instance in instances {
            let o = self.outcome_of(instance);
            // Classified from the value itself, so outcomes beyond the
            // interner are still judged exactly.
            let class = self.class_of(&o);
            let code = table.code(&o);
            rec.record(code, class);
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {

    #[test]
    fn slots_hold_small_copy_values_and_give_them_back() {
        fn round<T: SlotValue + PartialEq + Debug>(v: T) {
            let s = Slot::<T>::default();
            s.set(v);
            assert_eq!(s.get(), v);
        }
        round(u64::MAX);
        round(-5i32);
        round(i64::MIN);
        round(true);
        round('x');
        round(Some(7u32));
        round(None::<u32>);
        round(Some(-1i8));
        round((3u32, true));
        round((u32::MAX, u32::MAX));
        round((1u8, Some(2u16), false, -3i16));
        round(Some((9u16, 4u8)));
        // A slot never set reads as all-zero bits.
        assert_eq!(Slot::<Option<u32>>::default().get(), None);
        assert_eq!(Slot::<(u32, bool)>::default().get(), (0, false));
        // Distinct values keep distinct encodings.
        let a = (1u32, 0u32).to_bits();
        let b = (0u32, 1u32).to_bits();
        assert_ne!(a, b);
        assert_eq!(<(u32, Option<u16>)>::BITS, 32 + 17);
    }
    use super::*;
    use crate::sync::AtomicU32;

    #[derive(Default)]
    struct Two {
        x: AtomicU32,
        r: Slot,
    }

    fn base() -> Test<Two, u64> {
        Test::new("two")
            .actor(|s: &Two| {
                // Relaxed: a test fixture; no ordering is studied here.
                s.x.store(1, Ordering::Relaxed)
            })
            .actor(|s: &Two| {
                // Relaxed: as above.
                s.r.set(s.x.load(Ordering::Relaxed).into())
            })
            .arbiter(|s| s.r.get())
    }

    #[test]
    fn declarations_classify_and_undeclared_defaults_to_failing() {
        let t = base().acceptable(0, "first").interesting(1, "second");
        assert_eq!(t.class_of(&0), OutcomeClass::Acceptable);
        assert_eq!(t.class_of(&1), OutcomeClass::Interesting);
        assert_eq!(t.class_of(&7), OutcomeClass::Undeclared);
        assert_eq!(t.freeze().expectation, Expectation::MayFail);
        let t = base().acceptable(0, "").acceptable(1, "");
        assert_eq!(t.freeze().expectation, Expectation::MustPass);
        let t = base().undeclared(OutcomeClass::Acceptable);
        assert_eq!(t.class_of(&9), OutcomeClass::Acceptable);
    }

    #[test]
    fn invalid_declarations_are_refused_with_one_line() {
        let one: Test<Two, u64> = Test::new("one").actor(|_| {}).arbiter(|_| 0);
        assert!(one.validate().unwrap_err().contains("at least 2"));
        let no_arbiter: Test<Two, u64> = Test::new("na").actor(|_| {}).actor(|_| {});
        assert!(no_arbiter.validate().unwrap_err().contains("arbiter"));
        let unit: Test<Two, ()> = Test::new("unit").actor(|_| {}).actor(|_| {});
        assert!(unit.validate().is_ok());
        let dup = base().acceptable(0, "").forbidden(0, "");
        assert!(dup.validate().unwrap_err().contains("twice"));
        let spaced = base();
        assert!(spaced.validate().is_ok());
        let bad: Test<Two, u64> = Test::new("has space").actor(|_| {}).actor(|_| {});
        assert!(bad.validate().unwrap_err().contains("no spaces"));
        let mut many: Test<Two, ()> = Test::new("many");
        for _ in 0..=MAX_ACTORS {
            many = many.actor(|_| {});
        }
        assert!(many.validate().unwrap_err().contains("at most"));
    }

    #[test]
    fn judge_interns_outcomes_and_renders_descriptions() {
        let t = base()
            .acceptable(1, "saw the store")
            .interesting(0, "missed it");
        let states: Vec<Two> = (0..5)
            .map(|i| {
                let s = Two::default();
                s.r.set(u64::from(i % 2 == 0));
                s
            })
            .collect();
        let mut tally = Tally::new();
        t.judge(&states, &Params::default(), &mut tally);
        assert_eq!(tally.completed, 5);
        assert_eq!(tally.anomalies, 2);
        assert_eq!(tally.first_anomaly.map(|(i, _)| i), Some(2));
        let code = tally.first_anomaly.unwrap().1;
        // The outcome alone; its declared description separately.
        assert_eq!(t.render(code), Observed::Text("0".into()));
        assert_eq!(t.describe(code).as_deref(), Some("missed it"));
        assert_eq!(
            t.classify(code, &Params::default()),
            OutcomeClass::Interesting
        );
        assert_eq!(tally.outcomes.values().sum::<u64>(), 5);
    }
}
