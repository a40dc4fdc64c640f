//! Registries of scenarios.
//!
//! The core defines what a registry is; the built-in catalog (the
//! `orderhunt-scenarios` crate) and each user crate fill one through the
//! same public call, [`Registry::add`]. The engine and the commands find
//! scenarios only through a registry: no layer below the commands names a
//! specimen.

use crate::api::{Outcome, Test};
use crate::harness::{ActorsRunner, Config, HarnessKind, Runner, SpawnRunner};
use crate::scenario::{Info, Observed, OutcomeClass, Params, Scenario};

/// A scenario behind a trait object, for the engine.
pub trait DynScenario: Sync {
    fn info(&self) -> &'static Info;
    /// A runner for `cfg.harness`.
    fn runner(&'static self, cfg: Config) -> Box<dyn Runner>;
    /// Bytes of one instance (what leak mode never frees, per iteration).
    fn instance_bytes(&self) -> usize;
    fn classify(&self, observed: u64, params: &Params) -> OutcomeClass;
    fn expected(&self, params: &Params) -> Observed;
    fn render(&self, observed: u64) -> Observed;
    /// Where the scenario came from (set by the registry).
    fn origin(&self) -> Option<&Origin> {
        None
    }
    /// See [`Scenario::hardware`].
    fn hardware(&self) -> Vec<(String, String)>;
    /// See [`Scenario::ways`].
    fn ways(&self) -> crate::scenario::Ways;
    /// See [`Scenario::describe`].
    fn describe(&self, observed: u64) -> Option<String>;
    /// Explores the scenario under loom (see [`crate::check::explore`]).
    #[cfg(loom)]
    fn loom_explore(&'static self, params: Params) -> crate::check::Exploration;
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
    fn hardware(&self) -> Vec<(String, String)> {
        Scenario::hardware(self)
    }
    fn ways(&self) -> crate::scenario::Ways {
        Scenario::ways(self)
    }
    fn describe(&self, observed: u64) -> Option<String> {
        Scenario::describe(self, observed)
    }
    #[cfg(loom)]
    fn loom_explore(&'static self, params: Params) -> crate::check::Exploration {
        crate::check::explore_typed(self, params)
    }
}

/// The crate a scenario came from: reports name it, so that a fleet can
/// tell the built-in catalog from a user's tests and one version from
/// another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub krate: String,
    pub version: String,
}

/// A registered scenario: the scenario and its origin.
struct Registered {
    inner: &'static dyn DynScenario,
    origin: Origin,
}

impl DynScenario for Registered {
    fn info(&self) -> &'static Info {
        self.inner.info()
    }
    fn runner(&'static self, cfg: Config) -> Box<dyn Runner> {
        self.inner.runner(cfg)
    }
    fn instance_bytes(&self) -> usize {
        self.inner.instance_bytes()
    }
    fn classify(&self, observed: u64, params: &Params) -> OutcomeClass {
        self.inner.classify(observed, params)
    }
    fn expected(&self, params: &Params) -> Observed {
        self.inner.expected(params)
    }
    fn render(&self, observed: u64) -> Observed {
        self.inner.render(observed)
    }
    fn origin(&self) -> Option<&Origin> {
        Some(&self.origin)
    }
    fn hardware(&self) -> Vec<(String, String)> {
        self.inner.hardware()
    }
    fn ways(&self) -> crate::scenario::Ways {
        self.inner.ways()
    }
    fn describe(&self, observed: u64) -> Option<String> {
        self.inner.describe(observed)
    }
    #[cfg(loom)]
    fn loom_explore(&'static self, params: Params) -> crate::check::Exploration {
        self.inner.loom_explore(params)
    }
}

/// What [`Registry::add`] takes: a [`Test`] built with the public API, or a
/// `&'static` value of a type implementing the low-level [`Scenario`]
/// trait (what the article's specimens and the litmus catalog use).
pub trait IntoScenario {
    /// Checks the declaration and leaks it: a registered scenario lives
    /// for the whole process.
    fn into_scenario(self) -> Result<&'static dyn DynScenario, String>;
}

impl<S: Send + Sync + 'static, O: Outcome> IntoScenario for Test<S, O> {
    fn into_scenario(self) -> Result<&'static dyn DynScenario, String> {
        self.validate()?;
        let test: &'static Test<S, O> = Box::leak(Box::new(self));
        test.freeze();
        Ok(test)
    }
}

impl<S: Scenario> IntoScenario for &'static S {
    fn into_scenario(self) -> Result<&'static dyn DynScenario, String> {
        let info = Scenario::info(self);
        if info.actors == 0 {
            return Err(format!("scenario `{}` has no actors", info.name));
        }
        Ok(self)
    }
}

/// A list of scenarios, each with its origin, in registration order.
pub struct Registry {
    origin: Origin,
    entries: Vec<&'static dyn DynScenario>,
    errors: Vec<String>,
}

impl Registry {
    /// An empty registry whose scenarios come from crate `krate` at
    /// `version` (the `main!` macro passes your crate's name and version).
    pub fn new(krate: impl Into<String>, version: impl Into<String>) -> Self {
        Registry {
            origin: Origin {
                krate: krate.into(),
                version: version.into(),
            },
            entries: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Registers a scenario. An invalid declaration or a duplicate name is
    /// remembered and reported by [`Registry::check`] (the `main!` entry
    /// point exits 2 with that line before running anything).
    pub fn add(&mut self, scenario: impl IntoScenario) -> &mut Self {
        match scenario.into_scenario() {
            Ok(s) => {
                let name = s.info().name;
                if self.find(name).is_some() {
                    self.errors.push(format!(
                        "two scenarios are named `{name}`; names must be unique"
                    ));
                } else {
                    let entry: &'static Registered = Box::leak(Box::new(Registered {
                        inner: s,
                        origin: self.origin.clone(),
                    }));
                    self.entries.push(entry);
                }
            }
            Err(e) => self.errors.push(e),
        }
        self
    }

    /// Registers everything `register` registers, under another origin
    /// (how a user crate can include orderhunt's built-in catalog).
    pub fn add_from(
        &mut self,
        krate: &str,
        version: &str,
        register: impl FnOnce(&mut Registry),
    ) -> &mut Self {
        let saved = std::mem::replace(
            &mut self.origin,
            Origin {
                krate: krate.to_string(),
                version: version.to_string(),
            },
        );
        register(self);
        self.origin = saved;
        self
    }

    /// Adds orderhunt's built-in catalog (the article's specimens and the
    /// litmus catalog), with its own origin. The catalog is another crate
    /// that registers through this same API; the `orderhunt` crate tells
    /// the core where it is (see [`set_builtin`]) before `main!` runs your
    /// registration. Without it, this records an error that
    /// [`Registry::check`] reports.
    pub fn add_builtin(&mut self) -> &mut Self {
        match BUILTIN.get() {
            Some(&(krate, version, register)) => self.add_from(krate, version, register),
            None => {
                self.errors.push(
                    "add_builtin: orderhunt's built-in catalog is not linked in; build the \
                     registry with orderhunt::main! (or call orderhunt::catalog::register)"
                        .to_string(),
                );
                self
            }
        }
    }

    /// The first problem found while registering, if any.
    pub fn check(&self) -> Result<(), String> {
        match self.errors.first() {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Every scenario, in registration order.
    #[doc(hidden)] // The engine's view (`DynScenario`), for the binary.
    pub fn all(&self) -> &[&'static dyn DynScenario] {
        &self.entries
    }

    /// The scenario called `name`, if any.
    #[doc(hidden)] // The engine's view (`DynScenario`), for the binary.
    pub fn find(&self, name: &str) -> Option<&'static dyn DynScenario> {
        self.entries.iter().copied().find(|s| s.info().name == name)
    }

    /// The origin new registrations get.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Where [`Registry::add_builtin`] finds the built-in catalog: its crate
/// name, version and registration function.
type BuiltinCatalog = (&'static str, &'static str, fn(&mut Registry));

static BUILTIN: std::sync::OnceLock<BuiltinCatalog> = std::sync::OnceLock::new();

/// Tells the core where the built-in catalog is, for
/// [`Registry::add_builtin`]. Hidden: the `orderhunt` crate (which depends
/// on both the core and the catalog) calls it; the core itself cannot name
/// the catalog, which is built on top of it.
#[doc(hidden)]
pub fn set_builtin(krate: &'static str, version: &'static str, register: fn(&mut Registry)) {
    let _ = BUILTIN.set((krate, version, register));
}
