//! What orderhunt writes: the report model (`report.rs`, schema
//! `orderhunt.report/1`) built from engine outcomes ([`assemble`]), and one
//! file per format: JSON, HTML, JUnit, Markdown, litmus7's log lines, the
//! terminal summary. Files are written atomically ([`file`]). A new output
//! format is a file here.

pub mod assemble;
pub mod ci;
pub mod dot;
pub mod file;
pub mod html;
pub mod json;
pub mod junit;
pub mod litmus7;
pub mod markdown;
pub use crate::report; // the schema (declared public in lib.rs)
pub mod svg;
pub mod text;
