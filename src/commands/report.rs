//! `orderhunt report --html OUT.html`: reports into one self-contained
//! page (the page itself is [`crate::export::html`]).

use crate::error::Result;
use crate::export::html::{self, plural};
use std::path::PathBuf;

/// Arguments of `orderhunt report`.
#[derive(clap::Args, Debug, Clone)]
pub struct ReportArgs {
    /// Report files, or directories: a directory means every *.json report
    /// directly inside it.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,

    /// Write a self-contained HTML page to this file (replaced atomically).
    #[arg(long, value_name = "OUT.html")]
    pub html: PathBuf,

    /// Significance level for the verdict "differs" (Fisher's exact test).
    #[arg(long, default_value_t = 0.05, value_name = "P")]
    pub alpha: f64,
}

/// Runs `report`: loads the reports, renders the page and writes it
/// atomically to `--html`. Returns the exit code (0).
pub fn run(args: &ReportArgs) -> Result<i32> {
    crate::export::file::prepare_output("--html", &args.html, false)?;
    let (reports, cmp) = crate::compare::load_comparison(&args.paths, args.alpha)?;
    let page = html::render(&cmp);
    crate::export::file::write_atomic(&args.html, page.as_bytes())?;
    eprintln!(
        "orderhunt: wrote {} ({}, {}, {})",
        args.html.display(),
        plural(reports.len(), "report"),
        plural(cmp.machines.len(), "machine"),
        plural(cmp.rows.len(), "scenario")
    );
    Ok(0)
}
