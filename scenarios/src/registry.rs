//! The list of scenarios. A new scenario is one file plus one line here.

use crate::harness::{ActorsRunner, Config, HarnessKind, Runner, SpawnRunner};
use crate::litmus::{corr, iriw, lb, mp, r, s, sb, w22, wrc};
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

/// Every scenario, in `list` order.
pub fn all() -> &'static [&'static dyn DynScenario] {
    static ALL: &[&dyn DynScenario] = &[
        &COUNTER_RACE,
        &COUNTER_ATOMIC,
        &ARRAY_PASSING,
        &ARRAY_PASSING_FIXED,
        &ARC_RELAXED,
        &ARC_ACQREL,
        &ARC_FENCE,
        // Litmus tests (docs/litmus.md): one line per variant.
        &sb::SB,
        &sb::SB_RELACQ,
        &sb::SB_SEQCST,
        &sb::SB_FENCES,
        &lb::LB,
        &lb::LB_RELACQ,
        &lb::LB_SEQCST,
        &mp::MP,
        &mp::MP_RELACQ,
        &mp::MP_FENCES,
        &mp::MP_SEQCST,
        &r::R,
        &r::R_SEQCST,
        &r::R_FENCES,
        &s::S,
        &s::S_RELACQ,
        &s::S_SEQCST,
        &w22::W22,
        &w22::W22_RELEASE,
        &w22::W22_SEQCST,
        &w22::W22_FENCES,
        &corr::CORR,
        &wrc::WRC,
        &wrc::WRC_RELACQ,
        &wrc::WRC_SEQCST,
        &iriw::IRIW,
        &iriw::IRIW_RELACQ,
        &iriw::IRIW_SEQCST,
        &iriw::IRIW_FENCES,
    ];
    ALL
}

/// The scenario called `name`, if any.
pub fn find(name: &str) -> Option<&'static dyn DynScenario> {
    all().iter().copied().find(|s| s.info().name == name)
}
