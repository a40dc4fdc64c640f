//! The list of scenarios. A new scenario is one file plus one line here
//! (or, for a litmus variant, in `litmus::VARIANTS`).

use crate::harness::{ActorsRunner, Config, HarnessKind, Runner, SpawnRunner};
use crate::litmus;
use crate::scenario::{Info, Observed, OutcomeClass, Params, Scenario};
use crate::{arc, array, counter};

/// A scenario behind a trait object, for the binary.
pub trait DynScenario: Sync {
    fn info(&self) -> &'static Info;
    /// A runner for `cfg.harness`.
    fn runner(&'static self, cfg: Config) -> Box<dyn Runner>;
    /// Bytes of one instance (what leak mode never frees, per iteration).
    fn instance_bytes(&self) -> usize;
    fn classify(&self, observed: u64, params: &Params) -> OutcomeClass;
    fn expected(&self, params: &Params) -> Observed;
    fn render(&self, observed: u64) -> Observed;
}

impl<S: Scenario> DynScenario for S {
    fn info(&self) -> &'static Info {
        Scenario::info(self)
    }
    fn runner(&'static self, cfg: Config) -> Box<dyn Runner> {
        match cfg.harness {
            HarnessKind::Actors => Box::new(ActorsRunner::new(self, cfg)),
            HarnessKind::Spawn => Box::new(SpawnRunner::new(self, cfg)),
        }
    }
    fn instance_bytes(&self) -> usize {
        std::mem::size_of::<S::Instance>()
    }
    fn classify(&self, observed: u64, params: &Params) -> OutcomeClass {
        Scenario::classify(self, observed, params)
    }
    fn expected(&self, params: &Params) -> Observed {
        Scenario::expected(self, params)
    }
    fn render(&self, observed: u64) -> Observed {
        Scenario::render(self, observed)
    }
}

pub static COUNTER_RACE: counter::CounterRace = counter::CounterRace;
pub static COUNTER_ATOMIC: counter::CounterAtomic = counter::CounterAtomic;
pub static ARRAY_PASSING: array::ArrayPassing = array::ArrayPassing;
pub static ARRAY_PASSING_FIXED: array::ArrayPassingFixed = array::ArrayPassingFixed;
pub static ARC_RELAXED: arc::ArcRelaxed = arc::ArcRelaxed;
pub static ARC_ACQREL: arc::ArcAcqRel = arc::ArcAcqRel;
pub static ARC_FENCE: arc::ArcFence = arc::ArcFence;

/// The article's specimens, in `list` order.
static SPECIMENS: &[&dyn DynScenario] = &[
    &COUNTER_RACE,
    &COUNTER_ATOMIC,
    &ARRAY_PASSING,
    &ARRAY_PASSING_FIXED,
    &ARC_RELAXED,
    &ARC_ACQREL,
    &ARC_FENCE,
];

/// Every scenario, in `list` order: the specimens, then the litmus
/// catalog (whose variants are listed once, in `litmus::VARIANTS`).
pub fn all() -> &'static [&'static dyn DynScenario] {
    static ALL: std::sync::OnceLock<Vec<&'static dyn DynScenario>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let litmus = litmus::VARIANTS
            .iter()
            .map(|&v| v as &'static dyn DynScenario);
        SPECIMENS.iter().copied().chain(litmus).collect()
    })
}

/// The scenario called `name`, if any.
pub fn find(name: &str) -> Option<&'static dyn DynScenario> {
    all().iter().copied().find(|s| s.info().name == name)
}
