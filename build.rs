//! Build facts the report records about the binary itself.
//!
//! Sets these compile-time environment variables for `src/machine.rs`:
//!
//! - `ORDERHUNT_GIT_COMMIT`: short commit hash, with `-dirty` when tracked
//!   files differ from that commit. Left unset when it cannot be known
//!   (no `git`, no `.git`, e.g. a build from a crate tarball); a crate
//!   tarball's `.cargo_vcs_info.json` is used as a fallback when present.
//! - `ORDERHUNT_RUSTC`: `$RUSTC -V` of the compiler that builds the crate.
//! - `ORDERHUNT_PROFILE`: cargo's `PROFILE` (`debug` or `release`).
//! - `ORDERHUNT_TARGET`: the target triple.
//! - `ORDERHUNT_VERSION`: what `orderhunt --version` prints after the name,
//!   `<version> (commit <commit or unknown>, <target>)`.
//!
//! Nothing here may fail the build: every probe degrades to "unknown".

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");

    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());

    let commit = git_commit(&manifest_dir);
    if let Some(commit) = &commit {
        println!("cargo:rustc-env=ORDERHUNT_GIT_COMMIT={commit}");
    }

    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    if let Some(version) = command_stdout(Command::new(rustc).arg("-V")) {
        println!("cargo:rustc-env=ORDERHUNT_RUSTC={version}");
    }

    let profile = env::var("PROFILE").unwrap_or_else(|_| "unknown".to_string());
    println!("cargo:rustc-env=ORDERHUNT_PROFILE={profile}");

    let target = env::var("TARGET").unwrap_or_else(|_| "unknown".to_string());
    println!("cargo:rustc-env=ORDERHUNT_TARGET={target}");

    // `orderhunt --version`: version, commit, target.
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_else(|_| "unknown".to_string());
    let commit = commit.as_deref().unwrap_or("unknown");
    println!("cargo:rustc-env=ORDERHUNT_VERSION={version} (commit {commit}, {target})");
}

/// Runs a command and returns its trimmed stdout if it succeeded and printed
/// something on one line.
fn command_stdout(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    if text.is_empty() || text.contains('\n') {
        None
    } else {
        Some(text.to_string())
    }
}

/// The commit of the source tree, `None` when it cannot be known.
fn git_commit(manifest_dir: &Path) -> Option<String> {
    let dot_git = manifest_dir.join(".git");
    if !dot_git.exists() {
        // Not a checkout (a crate tarball, a vendored copy...). Do not ask
        // git: it would walk up and report some enclosing repository.
        return vcs_info_commit(manifest_dir);
    }
    if let Some(git_dir) = resolve_git_dir(&dot_git) {
        watch_git_dir(&git_dir);
    }
    // The dirty check looks at tracked files; rerun when the sources change
    // so `-dirty` follows edits (the crate recompiles then anyway).
    for path in ["src", "scenarios", "Cargo.toml"] {
        if manifest_dir.join(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }

    let hash = command_stdout(Command::new("git").arg("-C").arg(manifest_dir).args([
        "rev-parse",
        "--short=9",
        "HEAD",
    ]))?;
    // `--no-optional-locks`: do not refresh and rewrite the index, which
    // would change `.git/index`, which we watch, and rerun this script on
    // every build.
    let status = Command::new("git")
        .arg("-C")
        .arg(manifest_dir)
        .args([
            "--no-optional-locks",
            "status",
            "--porcelain",
            "--untracked-files=no",
        ])
        .output()
        .ok()?;
    if !status.status.success() {
        return Some(hash);
    }
    if status.stdout.iter().all(u8::is_ascii_whitespace) {
        Some(hash)
    } else {
        Some(format!("{hash}-dirty"))
    }
}

/// `.git` is a directory in a plain clone and a file `gitdir: <path>` in a
/// worktree or submodule.
fn resolve_git_dir(dot_git: &Path) -> Option<PathBuf> {
    if dot_git.is_dir() {
        return Some(dot_git.to_path_buf());
    }
    let text = fs::read_to_string(dot_git).ok()?;
    let target = text.strip_prefix("gitdir:")?.trim();
    let path = Path::new(target);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        dot_git.parent()?.join(path)
    };
    path.is_dir().then_some(path)
}

/// Reruns the build script when HEAD moves: HEAD itself (branch switch,
/// detached checkout), the branch ref it points to (commit), packed refs,
/// and the index (staging changes what `-dirty` means).
fn watch_git_dir(git_dir: &Path) {
    let watch = |p: &Path| {
        if p.exists() {
            println!("cargo:rerun-if-changed={}", p.display());
        }
    };
    let head = git_dir.join("HEAD");
    watch(&head);
    watch(&git_dir.join("index"));

    // A worktree's git dir keeps HEAD and index; refs live in the common dir.
    let common_dir = fs::read_to_string(git_dir.join("commondir"))
        .ok()
        .map(|c| {
            let c = PathBuf::from(c.trim());
            if c.is_absolute() {
                c
            } else {
                git_dir.join(c)
            }
        })
        .unwrap_or_else(|| git_dir.to_path_buf());
    watch(&common_dir.join("packed-refs"));

    if let Ok(head_text) = fs::read_to_string(&head) {
        if let Some(reference) = head_text.strip_prefix("ref:") {
            let reference = reference.trim();
            // Per-worktree refs stay in the worktree's git dir; branches are
            // shared in the common dir. Watch whichever exists.
            watch(&git_dir.join(reference));
            if common_dir != git_dir {
                watch(&common_dir.join(reference));
            }
        }
    }
}

/// `cargo package` records the commit in `.cargo_vcs_info.json`:
/// `{"git": {"sha1": "...", "dirty": true}, "path_in_vcs": ""}`.
/// Parsed by hand to keep build dependencies at zero.
fn vcs_info_commit(manifest_dir: &Path) -> Option<String> {
    let path = manifest_dir.join(".cargo_vcs_info.json");
    let text = fs::read_to_string(&path).ok()?;
    println!("cargo:rerun-if-changed={}", path.display());
    let after = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let after = after.trim_start().strip_prefix(':')?.trim_start();
    let after = after.strip_prefix('"')?;
    let sha = &after[..after.find('"')?];
    if sha.len() < 7 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let short = &sha[..9.min(sha.len())];
    let dirty = text.contains("\"dirty\": true") || text.contains("\"dirty\":true");
    Some(if dirty {
        format!("{short}-dirty")
    } else {
        short.to_string()
    })
}
