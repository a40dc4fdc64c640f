//! Shell completions and the man page, both generated from the clap
//! definition in [`crate::cli`], so they follow every new option.
//!
//! `orderhunt completions <shell>` prints a completion script
//! (clap_complete); `orderhunt man` prints the roff man page (clap_mangen),
//! or with `--dir` writes `orderhunt.1` and one `orderhunt-<command>.1` per
//! subcommand, as the release archives ship them.

use crate::error::{Error, Result};
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for. Installing the script:
    /// bash: `orderhunt completions bash > ~/.local/share/bash-completion/completions/orderhunt`;
    /// zsh: `orderhunt completions zsh > ~/.zfunc/_orderhunt` (with `fpath+=~/.zfunc` before
    /// `compinit`); fish: `orderhunt completions fish > ~/.config/fish/completions/orderhunt.fish`.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write `orderhunt.1` and one `orderhunt-<command>.1` per subcommand
    /// into this folder (created if missing) instead of printing
    /// `orderhunt.1` to stdout.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The command as clap builds it, named `orderhunt` whatever argv[0] was.
fn command() -> clap::Command {
    crate::cli::Cli::command()
}

/// Writes the completion script for `shell` to `out`.
pub fn write_completions(shell: Shell, out: &mut dyn Write) {
    let mut cmd = command();
    let name = cmd.get_name().to_string();
    clap_complete::generate(shell, &mut cmd, name, out);
}

/// Writes the top-level man page (`orderhunt.1`) to `out`.
pub fn write_man(out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(command()).render(out)
}

/// `orderhunt completions <shell>`.
pub fn run_completions(args: &CompletionsArgs) -> Result<i32> {
    let mut stdout = std::io::stdout().lock();
    write_completions(args.shell, &mut stdout);
    stdout
        .flush()
        .map_err(|e| Error::io("cannot write the completion script", e))?;
    Ok(0)
}

/// `orderhunt man [--dir DIR]`.
pub fn run_man(args: &ManArgs) -> Result<i32> {
    match &args.dir {
        None => {
            let mut stdout = std::io::stdout().lock();
            write_man(&mut stdout)
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::io("cannot write the man page", e))?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
            clap_mangen::generate_to(command(), dir).map_err(|e| {
                Error::io(format!("cannot write man pages into {}", dir.display()), e)
            })?;
        }
    }
    Ok(0)
}
