//! The command line: the subcommands composed into one parser, and the
//! dispatch. Each subcommand owns its arguments in [`crate::commands`].

use crate::commands::{compare, completions, explain, list, predict, report, run, soak};
use crate::error::Result;
use clap::{Parser, Subcommand};
use orderhunt_core::Registry;

const AFTER_HELP: &str = "\
Examples:
  orderhunt list                                   the specimens and what they teach
  orderhunt run array-passing                      250,000 handoffs, pinned actors
  orderhunt run all --iterations 1000              a CI smoke run of every specimen
  orderhunt run counter-race --iterations 1 --increments 1000000 --harness spawn
                                                   the article's example 01, exactly
  orderhunt soak --duration 8h --checkpoint 5m     a nightly soak of every specimen

Exit codes: 0 every expectation held; 1 a must-pass specimen showed an anomaly
(a forbidden outcome); 2 bad usage or input (nothing is written).";

/// Hunts memory-ordering bugs: runs right and wrong synchronization
/// specimens millions of times on real hardware, with pinned threads and
/// fresh memory per iteration, and writes JSON reports to compare machines.
#[derive(Parser, Debug)]
#[command(name = "orderhunt", version = crate::machine::VERSION, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the scenarios: name, expectation, the article's example, what it does.
    List(list::ListArgs),
    /// Run scenarios on this machine and write a JSON report.
    Run(run::RunArgs),
    /// Run scenarios for a duration in time slices, checkpointing one report.
    Soak(soak::SoakArgs),
    /// Compare reports from several machines side by side, with statistics.
    Compare(compare::CompareArgs),
    /// Write a self-contained HTML page from reports (histograms, rate chart).
    Report(report::ReportArgs),
    /// Which final states SC, x86-TSO, ARMv8 and RC11 allow for litmus files.
    Predict(predict::PredictArgs),
    /// Why each model allows or forbids a litmus test's states: a witness, or the broken axiom and its cycle.
    Explain(explain::ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff), or write every page into a folder.
    Man(completions::ManArgs),
}

/// Parses the process's command line and runs it on orderhunt's built-in
/// catalog; returns the process exit code.
pub fn main() -> i32 {
    crate::link_builtin();
    let registry: &'static Registry = Box::leak(Box::new(orderhunt_scenarios::registry()));
    main_with(registry, std::env::args_os())
}

/// Parses `args` (the program name first) and runs it on `registry`'s
/// scenarios; returns the process exit code. The `main!` entry point of a
/// user's test target calls this for `list`, `run`, `soak` and the rest.
pub fn main_with(
    registry: &'static Registry,
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if let Err(e) = registry.check() {
        eprintln!("error: {e}");
        return 2;
    }
    // `print!` panics when stdout's reader has gone (`orderhunt run ... |
    // head`): say nothing and exit as a shell reports a SIGPIPE death,
    // like other Unix tools. Every report file is written before the
    // output that could meet a closed pipe.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !broken_pipe(info.payload()) {
            previous(info)
        }
    }));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(registry, cli))) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
        Err(p) if broken_pipe(&*p) => BROKEN_PIPE_EXIT,
        Err(p) => std::panic::resume_unwind(p),
    }
}

/// The exit code after stdout's reader went away: a shell's 128 + SIGPIPE.
const BROKEN_PIPE_EXIT: i32 = 141;

/// Whether a panic is `print!`'s on a closed stdout (EPIPE, error 32 on
/// Linux and macOS).
fn broken_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    let msg = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    msg.starts_with("failed printing to stdout")
        && (msg.contains("os error 32") || msg.contains("Broken pipe"))
}

fn dispatch(registry: &'static Registry, cli: Cli) -> Result<i32> {
    match cli.command {
        Command::List(args) => list::run(registry, &args),
        Command::Run(args) => run::run(registry, &args),
        Command::Soak(args) => soak::run(registry, &args),
        Command::Compare(args) => compare::run(&args, &mut std::io::stdout().lock()),
        Command::Report(args) => report::run(&args),
        Command::Predict(args) => predict::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Completions(args) => completions::run_completions(&args),
        Command::Man(args) => completions::run_man(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
