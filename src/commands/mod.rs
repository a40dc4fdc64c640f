//! One file per subcommand: each owns its clap arguments and its `run`.
//! `crate::cli` only composes them; a new subcommand is a file here plus a
//! line there.

pub mod compare;
pub mod completions;
pub mod explain;
pub mod list;
pub mod predict;
pub mod report;
pub mod run;
pub mod soak;
