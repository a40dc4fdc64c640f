//! What ships with a release: `--version`, shell completions and man pages.
//!
//! The subcommand list comes from clap's own definition (`Cli::command()`),
//! so a new subcommand that the scripts or pages miss fails here.

use assert_cmd::Command;
use clap::CommandFactory;
use orderhunt::cli::Cli;
use std::process::Stdio;

fn orderhunt() -> Command {
    Command::cargo_bin("orderhunt").unwrap()
}

/// Every visible subcommand name, as clap defines them.
fn subcommands() -> Vec<String> {
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect();
    // The definition itself: guards against an empty list passing vacuously.
    for expected in ["run", "list", "completions", "man"] {
        assert!(names.iter().any(|n| n == expected), "{names:?}");
    }
    names
}

fn stdout_of(args: &[&str]) -> String {
    let out = orderhunt().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "orderhunt {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// How each shell's script names a subcommand when it offers it at the
/// first position (a bare substring would match `run` inside `return`).
fn offers_subcommand(shell: &str, script: &str, name: &str) -> bool {
    let patterns: Vec<String> = match shell {
        // The case arm that selects the subcommand, and the top-level list.
        "bash" => vec![format!("orderhunt,{name})")],
        // `_orderhunt_commands`' `'name:description'` entries.
        "zsh" => vec![format!("'{name}:")],
        "fish" => vec![format!("__fish_orderhunt_needs_command\" -f -a \"{name}\"")],
        "powershell" => vec![format!("[CompletionResult]::new('{name}', '{name}'")],
        "elvish" => vec![format!("cand {name} ")],
        other => panic!("no pattern for {other}"),
    };
    patterns.iter().all(|p| script.contains(p.as_str()))
}

#[test]
fn every_shell_script_offers_every_subcommand() {
    let names = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.len() > 500, "{shell}: script too short");
        let missing: Vec<&String> = names
            .iter()
            .filter(|n| !offers_subcommand(shell, &script, n))
            .collect();
        assert!(missing.is_empty(), "{shell} script misses {missing:?}");
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    orderhunt()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stdout("");
}

/// Runs `script` in bash and returns its stdout, or `None` without bash.
fn bash(script: &str) -> Option<String> {
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn bash_completion_completes_subcommands_and_shells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orderhunt.bash");
    std::fs::write(&path, stdout_of(&["completions", "bash"])).unwrap();
    // `_orderhunt` is called as bash calls it: (command, word, previous word).
    let script = format!(
        "source '{}'
         COMP_WORDS=(orderhunt co); COMP_CWORD=1; _orderhunt orderhunt co orderhunt
         echo \"${{COMPREPLY[*]}}\"
         COMP_WORDS=(orderhunt completions ''); COMP_CWORD=2; _orderhunt orderhunt '' completions
         echo \"${{COMPREPLY[*]}}\"",
        path.display()
    );
    let Some(out) = bash(&script) else {
        eprintln!("skipped: no bash on this machine");
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    let mut first: Vec<&str> = lines[0].split_whitespace().collect();
    first.sort_unstable();
    assert_eq!(first, ["compare", "completions"], "{out}");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(
            lines[1].split_whitespace().any(|w| w == shell),
            "{shell} not offered: {out}"
        );
    }
}

#[test]
fn man_page_is_roff_naming_every_subcommand() {
    let page = stdout_of(&["man"]);
    let th = page
        .lines()
        .find(|l| l.starts_with(".TH "))
        .expect("no .TH line");
    assert!(th.starts_with(".TH orderhunt 1 "), "{th}");
    assert!(th.contains(env!("CARGO_PKG_VERSION")), "{th}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS"] {
        assert!(page.lines().any(|l| l == section), "{section} missing");
    }
    for name in subcommands() {
        // roff escapes the hyphen: `orderhunt\-run(1)`.
        let reference = format!("orderhunt\\-{name}(1)");
        assert!(page.contains(&reference), "{reference} missing");
    }
}

/// Renders roff with groff; `None` when groff is not installed.
fn groff(page: &str) -> Option<(String, String)> {
    use std::io::Write;
    let mut child = std::process::Command::new("groff")
        // -ww: all warnings; -P-cbou: plain text, no bold or underline.
        .args(["-man", "-Tutf8", "-ww", "-P-cbou"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "groff failed");
    Some((
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn man_page_renders_with_groff_without_warnings() {
    let page = stdout_of(&["man"]);
    let Some((text, warnings)) = groff(&page) else {
        eprintln!("skipped: groff is not installed (the structural test still ran)");
        return;
    };
    assert_eq!(warnings, "", "groff warnings");
    // Rendered text: no roff requests left, sections and commands present.
    assert!(!text.contains(".TH") && !text.contains(".SH"), "{text}");
    for heading in ["NAME", "SYNOPSIS", "SUBCOMMANDS"] {
        assert!(text.lines().any(|l| l.trim() == heading), "{heading}");
    }
    for name in subcommands() {
        assert!(text.contains(&format!("orderhunt-{name}(1)")), "{name}");
    }
}

#[test]
fn man_dir_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    orderhunt()
        .args(["man", "--dir"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let run_page = std::fs::read_to_string(out.join("orderhunt-run.1")).unwrap();
    // The subcommand page documents that subcommand's own options.
    assert!(run_page.contains("\\-\\-iterations"), "{run_page}");
    let mut expected: Vec<String> = subcommands()
        .iter()
        .map(|n| format!("orderhunt-{n}.1"))
        .collect();
    expected.push("orderhunt.1".to_string());
    for file in &expected {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(text.contains(".TH "), "{file} is not a man page");
    }
}

#[test]
fn version_names_the_version_commit_and_target() {
    let text = stdout_of(&["--version"]);
    let line = text.trim_end();
    let prefix = format!("orderhunt {} (commit ", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&prefix), "{line}");
    let rest = &line[prefix.len()..];
    let (commit, target) = rest
        .strip_suffix(')')
        .and_then(|r| r.split_once(", "))
        .unwrap_or_else(|| panic!("unexpected --version format: {line}"));
    assert!(!target.is_empty() && target.contains('-'), "{target}");

    // In a git checkout the commit is HEAD's (`-dirty` depends on the
    // working tree when the binary was built, so only the hash is compared).
    let head = std::process::Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short=9",
            "HEAD",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8(o.stdout).unwrap().trim().to_string());
    let in_checkout = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".git")
        .exists();
    match head {
        Some(head) if in_checkout => {
            assert_eq!(commit.trim_end_matches("-dirty"), head, "{line}");
        }
        _ => assert!(
            commit == "unknown" || commit.len() >= 7,
            "commit `{commit}` in {line}"
        ),
    }
}
