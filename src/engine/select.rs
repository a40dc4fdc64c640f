//! Which scenarios a command line names: registered names, `all`, or C
//! litmus files and folders of them.

use crate::engine::litmus_file;
use crate::error::{Error, Result};
use orderhunt_core::{DynScenario, Registry};

/// Resolves scenario names (or `all`) to scenarios, in the given order,
/// without duplicates.
pub fn resolve_scenarios(
    registry: &Registry,
    names: &[String],
) -> Result<Vec<&'static dyn DynScenario>> {
    let mut out: Vec<&'static dyn DynScenario> = Vec::new();
    for name in names {
        let found: Vec<_> = if litmus_file::is_path(name) && registry.find(name).is_none() {
            let mut v = Vec::new();
            for path in litmus_file::files_of(name)? {
                let l = litmus_file::load(&path)?;
                let n = l.scenario.info().name;
                if out.iter().any(|o| o.info().name == n) {
                    return Err(Error::usage(format!(
                        "{}: its test is named `{n}`, as is another scenario of this run; run \
                         them separately (reports key results by name)",
                        path.display()
                    )));
                }
                v.push(l.scenario);
            }
            v
        } else if name == "all" {
            registry.all().to_vec()
        } else {
            match registry.find(name) {
                Some(s) => vec![s],
                None => {
                    return Err(Error::usage(format!(
                        "unknown scenario `{name}`; run `orderhunt list` to see the names, or use `all`"
                    )))
                }
            }
        };
        for s in found {
            if !out.iter().any(|o| o.info().name == s.info().name) {
                out.push(s);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_rejects_unknown_and_dedups() {
        let reg = orderhunt_scenarios::builtin();
        let err = resolve_scenarios(reg, &["nope".into()])
            .map(|v| v.len())
            .unwrap_err();
        assert!(err.to_string().contains("orderhunt list"));
        let v = resolve_scenarios(reg, &["array-passing".into(), "all".into()]).unwrap();
        assert_eq!(v[0].info().name, "array-passing");
        assert_eq!(v.len(), orderhunt_scenarios::all().len());
    }
}
