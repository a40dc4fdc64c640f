//! The one error type of the binary. Every message names the fix.

use std::fmt;

/// What went wrong, and which exit code it maps to.
#[derive(Debug)]
pub enum Error {
    /// Bad command-line usage: exit 2.
    Usage(String),
    /// Bad input file (missing, empty, truncated, not a report, future
    /// schema...): exit 2. The message names the file.
    Input(String),
    /// An I/O failure while writing output: exit 2 (nothing half-written is
    /// left behind, writes are atomic).
    Io(String),
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }
    pub fn input(msg: impl Into<String>) -> Self {
        Error::Input(msg.into())
    }
    pub fn io(context: impl fmt::Display, err: impl fmt::Display) -> Self {
        Error::Io(format!("{context}: {err}"))
    }
    /// Process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        2
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Input(m) | Error::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
