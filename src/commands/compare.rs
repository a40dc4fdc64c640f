//! `orderhunt compare`: fleet results side by side, with statistics (the
//! model is [`crate::compare::Comparison`]).

use crate::compare::load_comparison;
use crate::error::{Error, Result};
use std::path::PathBuf;

/// Output format of `compare`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain-text table for a terminal.
    #[default]
    Table,
    /// GitHub-flavoured Markdown (for a CI step summary).
    Markdown,
    /// Machine-readable JSON (schema `orderhunt.compare/1`).
    Json,
}

/// Arguments of `orderhunt compare`.
#[derive(clap::Args, Debug, Clone)]
pub struct CompareArgs {
    /// Report files, or directories: a directory means every *.json report
    /// directly inside it.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Exit with code 1 when any scenario differs significantly between
    /// machines (Fisher's exact test, p < --alpha).
    #[arg(long)]
    pub fail_on_difference: bool,

    /// Significance level for the verdict "differs". With more than two
    /// machines the p-value is Bonferroni-corrected over the machine pairs.
    #[arg(long, default_value_t = 0.05, value_name = "P")]
    pub alpha: f64,
}

/// Runs `compare`: loads the reports, writes the comparison to `out` and
/// returns the exit code (0, or 1 with `--fail-on-difference` when some
/// scenario differs at the `--alpha` level).
pub fn run(args: &CompareArgs, out: &mut dyn std::io::Write) -> Result<i32> {
    let (_, cmp) = load_comparison(&args.paths, args.alpha)?;
    let text = match args.format {
        Format::Table => cmp.to_table(),
        Format::Markdown => cmp.to_markdown(),
        Format::Json => cmp.to_json(),
    };
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("writing the comparison", e))?;
    Ok(if args.fail_on_difference && cmp.any_difference() {
        1
    } else {
        0
    })
}
