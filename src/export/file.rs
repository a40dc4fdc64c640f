//! Output files: checked before any work, written atomically, named after
//! the run by default.

use crate::error::{Error, Result};
use crate::export::assemble::file_stamp;
use crate::export::report::Machine;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Checks, before any work, that `path` (given with `flag`, e.g. `--out`)
/// can be written: its folder exists (or, with `create_dir`, is created),
/// it is not a directory, and the folder takes the temp file that the
/// atomic write goes through.
pub fn prepare_output(flag: &str, path: &Path, create_dir: bool) -> Result<()> {
    let dir = parent_dir(path);
    if !dir.exists() {
        if create_dir {
            std::fs::create_dir_all(&dir)
                .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        } else {
            return Err(Error::usage(format!(
                "the folder of {flag} {} does not exist; create it or choose another path",
                path.display()
            )));
        }
    }
    if path.is_dir() {
        return Err(Error::usage(format!(
            "{flag} {} is a directory; give a file name",
            path.display()
        )));
    }
    // Probe now, not after hours of work: the file goes through a temp
    // file in the same folder, so that folder must take one.
    tempfile::Builder::new()
        .prefix(".orderhunt-probe-")
        .tempfile_in(&dir)
        .map_err(|e| {
            Error::usage(format!(
                "cannot write a report into the folder of {flag} {} ({e}); choose another path",
                path.display()
            ))
        })?;
    Ok(())
}

/// The default report path: `results/<label>-<arch>-<host>-<UTC time>.json`.
pub fn default_report_path(label: &str, machine: &Machine, started: SystemTime) -> PathBuf {
    let host = machine.hostname.as_deref().unwrap_or("host");
    PathBuf::from("results").join(format!(
        "{}-{}-{}-{}.json",
        sanitize(label),
        machine.arch,
        sanitize(host),
        file_stamp(started)
    ))
}

/// Keeps a file-name component to `[A-Za-z0-9._-]`.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// folder, flushed to disk, then renamed over `path`. A reader (or a crash
/// at any moment) sees the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = parent_dir(path);
    let ctx = || format!("cannot write {}", path.display());
    let mut tmp = tempfile::Builder::new()
        .prefix(".orderhunt-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| Error::io(ctx(), e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(ctx(), e))?;
    // Reports are for the fleet to collect: readable by others, like any
    // file the user would create (tempfile makes them owner-only).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(ctx(), e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(ctx(), e))?;
    tmp.persist(path).map_err(|e| Error::io(ctx(), e.error))?;
    // Make the rename itself durable (best effort: not every platform lets
    // a directory be opened for syncing).
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
