//! The CI outputs of `run` and `soak` and their options: a JUnit XML file
//! ([`crate::export::junit`]) and a Markdown summary
//! ([`crate::export::markdown`], also appended to `$GITHUB_STEP_SUMMARY`).

use crate::error::{Error, Result};
use crate::export::file::{prepare_output, write_atomic};
use crate::export::junit::junit_xml;
use crate::export::markdown::markdown_summary;
use crate::export::report::Report;
use clap::Args;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The environment variable GitHub Actions sets to a file whose Markdown is
/// shown on the run's summary page.
pub const GITHUB_STEP_SUMMARY: &str = "GITHUB_STEP_SUMMARY";

/// CI output options shared by `run` and `soak`.
#[derive(Args, Debug, Clone, Default)]
pub struct CiArgs {
    /// Also write a JUnit XML file: one testcase per scenario, failing when
    /// a must-pass scenario shows an anomaly.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Also write a Markdown summary to FILE. When GITHUB_STEP_SUMMARY is
    /// set (GitHub Actions), the summary is appended to that file too.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
}

impl CiArgs {
    /// Checks, before any work, that the output files can be written.
    pub fn check(&self) -> Result<()> {
        for (flag, path) in [("--junit", &self.junit), ("--summary", &self.summary)] {
            if let Some(p) = path {
                prepare_output(flag, p, false)?;
            }
        }
        Ok(())
    }

    /// Writes the JUnit file and the summaries that were asked for.
    pub fn write(&self, report: &Report) -> Result<()> {
        if let Some(p) = &self.junit {
            write_atomic(p, junit_xml(report).as_bytes())?;
        }
        let md = markdown_summary(report);
        if let Some(p) = &self.summary {
            write_atomic(p, md.as_bytes())?;
        }
        if let Some(p) = std::env::var_os(GITHUB_STEP_SUMMARY).filter(|p| !p.is_empty()) {
            append(Path::new(&p), &md)?;
        }
        Ok(())
    }
}

/// The step summary file is shared by all steps of a job: append, as
/// GitHub documents, rather than replace.
fn append(path: &Path, text: &str) -> Result<()> {
    let ctx = || {
        format!(
            "cannot append to {GITHUB_STEP_SUMMARY} file {}",
            path.display()
        )
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(ctx(), e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::io(ctx(), e))
}
