//! `cargo orderhunt`: one command that hunts a user crate's `main!` target
//! three ways (the pinned hardware smoke, loom, Miri) and prints one table
//! per test, with what each way checked and one overall verdict.
//!
//! It drives cargo as a user would: `cargo test --release --test T`,
//! `RUSTFLAGS="--cfg loom" cargo test --release --test T` (in its own
//! target dir, so the two builds do not evict each other), and `cargo
//! +nightly miri test --test T -- --exact NAME`, one Miri process per test
//! (undefined behaviour ends a Miri process, so one test's UB must not hide
//! the others). Each way prints `orderhunt-result: {json}` lines (see
//! `testmain.rs`), which this module reads.

use clap::Parser;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Default orderhunt iterations per Miri seed, and seeds per Miri process:
/// 512 iterations caught every bug of the evidence set (docs/your-own-code.md)
/// 10 times in 10 while the right versions stayed clean.
pub const MIRI_ITERATIONS: u64 = 64;
pub const MIRI_SEEDS: u64 = 8;

const AFTER_HELP: &str = "\
Examples:
  cargo orderhunt                          every test of tests/hunt.rs, three ways
  cargo orderhunt --ways hardware,miri     skip loom
  cargo orderhunt seqlock --json           one test (a libtest filter), JSON for CI
  cargo orderhunt --miri-seed 7            replay a Miri run exactly

Verdicts: clean (checked, nothing found), caught (the bug was found),
FAILED (a must-pass test failed), not checked (the way ran but saw nothing
it could check; the reason is shown), skipped (the test declared the way
does not apply). Exit codes: 0 every expectation held; 1 a must-pass test
failed or a may-fail test was caught by no way; 2 bad usage or a missing
tool (with the command that installs it).";

/// Hunts a crate's orderhunt tests on hardware, under loom and under Miri.
#[derive(Parser, Debug)]
#[command(name = "cargo orderhunt", bin_name = "cargo orderhunt", version = crate::machine::VERSION, after_help = AFTER_HELP)]
struct Args {
    /// Only tests whose name contains one of these (libtest filters).
    filters: Vec<String>,

    /// The test target that calls `orderhunt::main!`.
    #[arg(long, default_value = "hunt")]
    test: String,

    /// The crate's Cargo.toml [default: the one cargo finds].
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,

    /// Which ways to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "hardware,loom,miri")]
    ways: Vec<WayArg>,

    /// Hardware: iterations per test (the smoke's budget).
    #[arg(long, value_name = "N", default_value_t = crate::testmain::SMOKE_ITERATIONS)]
    iterations: u64,

    /// Miri: orderhunt iterations per seed.
    #[arg(long, value_name = "N", default_value_t = MIRI_ITERATIONS)]
    miri_iterations: u64,

    /// Miri: orderhunt seeds (schedules of roles) per Miri process.
    #[arg(long, value_name = "N", default_value_t = MIRI_SEEDS)]
    miri_seeds: u64,

    /// Miri's own seed (its scheduler and weak-memory choices) [default: a
    /// fresh one per run, printed with the command that replays it].
    #[arg(long, value_name = "N")]
    miri_seed: Option<u64>,

    /// Run Miri for this many of its seeds at once (`-Zmiri-many-seeds`),
    /// starting at --miri-seed. On 2 cores it was slower than one seed with
    /// more iterations (docs/your-own-code.md), so it is off by default.
    #[arg(long, value_name = "N")]
    many_seeds: Option<u64>,

    /// Print the results as JSON (one object) instead of the table.
    #[arg(long)]
    json: bool,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum WayArg {
    Hardware,
    Loom,
    Miri,
}

impl WayArg {
    fn name(self) -> &'static str {
        match self {
            WayArg::Hardware => "hardware",
            WayArg::Loom => "loom",
            WayArg::Miri => "miri",
        }
    }
}

/// The verdicts of one test: way -> its result object.
type Results = BTreeMap<String, BTreeMap<String, Value>>;

/// `main` of the `cargo-orderhunt` binary; returns the exit code.
pub fn main() -> i32 {
    // cargo runs `cargo-orderhunt orderhunt ARGS...`; run by hand, the
    // word `orderhunt` may be missing.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "orderhunt") {
        args.remove(1);
    }
    let args = match Args::try_parse_from(args) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.env(crate::testmain::RESULTS_ENV, "1");
    c
}

fn base(args: &Args, cmd: &mut Command) {
    if let Some(m) = &args.manifest_path {
        cmd.arg("--manifest-path").arg(m);
    }
    cmd.args(["--test", &args.test]);
}

/// The `orderhunt-result:` lines of a way's output.
fn results_of(text: &str) -> Vec<Value> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("orderhunt-result: "))
        .filter_map(|j| serde_json::from_str(j).ok())
        .collect()
}

fn record(results: &mut Results, v: Value) {
    let test = v["test"].as_str().unwrap_or_default().to_string();
    let way = v["way"].as_str().unwrap_or_default().to_string();
    if let Value::Object(m) = v {
        results
            .entry(test)
            .or_default()
            .insert(way, Value::Object(m));
    }
}

fn run(args: &Args) -> Result<i32, String> {
    let mut ways = args.ways.clone();
    ways.sort();
    ways.dedup();
    if ways.contains(&WayArg::Miri) {
        let ok = Command::new("cargo")
            .args(["+nightly", "miri", "--version"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err(
                "Miri is not installed; install it with: rustup toolchain install \
                        nightly && rustup +nightly component add miri rust-src (or leave it out: \
                        --ways hardware,loom)"
                    .into(),
            );
        }
    }
    // The tests, and their expectations, from the target itself.
    let names = list_tests(args)?;
    if names.is_empty() {
        return Err(format!(
            "the `{}` target lists no test{}",
            args.test,
            if args.filters.is_empty() {
                ""
            } else {
                " matching the filters"
            }
        ));
    }
    let mut results: Results = BTreeMap::new();
    for way in &ways {
        eprintln!("cargo orderhunt: {} ...", way.name());
        match way {
            WayArg::Hardware => {
                let mut cmd = cargo();
                cmd.args(["test", "--release"]);
                base(args, &mut cmd);
                cmd.arg("--").args(&args.filters);
                cmd.env("ORDERHUNT_SMOKE_ITERATIONS", args.iterations.to_string());
                let text = capture(&mut cmd)?;
                results_of(&text)
                    .into_iter()
                    .for_each(|v| record(&mut results, v));
            }
            WayArg::Loom => {
                let mut cmd = cargo();
                cmd.args(["test", "--release"]);
                base(args, &mut cmd);
                cmd.arg("--").args(&args.filters);
                let flags = std::env::var("RUSTFLAGS").unwrap_or_default();
                cmd.env("RUSTFLAGS", format!("{flags} --cfg loom").trim());
                let target = target_dir(args)?.join("orderhunt-loom");
                cmd.env("CARGO_TARGET_DIR", target);
                let text = capture(&mut cmd)?;
                results_of(&text)
                    .into_iter()
                    .for_each(|v| record(&mut results, v));
            }
            WayArg::Miri => {
                let seed = args.miri_seed.unwrap_or_else(fresh_seed);
                for name in &names {
                    let v = miri_one(args, name, seed)?;
                    record(&mut results, v);
                }
            }
        }
    }
    // A test a way did not report on (it crashed or printed nothing).
    for name in &names {
        let entry = results.entry(name.clone()).or_default();
        for way in &ways {
            entry.entry(way.name().to_string()).or_insert_with(|| {
                json!({ "way": way.name(), "test": name, "verdict": "not checked",
                        "reason": "no result line: the way did not run this test (see its output above)" })
            });
        }
    }
    let expectations = expectations(args)?;
    let mut code = 0;
    let mut rows = Vec::new();
    for (test, per_way) in &results {
        if !names.contains(test) {
            continue;
        }
        let mayfail = expectations.get(test).is_some_and(|e| e == "may-fail");
        let overall = overall(mayfail, per_way);
        if overall == "FAILED" || overall == "not caught" {
            code = 1;
        }
        rows.push(
            json!({ "test": test, "expectation": if mayfail { "may-fail" } else { "must-pass" },
                          "overall": overall, "ways": per_way }),
        );
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "schema": "orderhunt.cargo/1", "tests": rows }))
                .expect("results serialize")
        );
    } else {
        print!("{}", table(&rows));
    }
    Ok(code)
}

/// Runs a command, passing its stderr through (cargo's progress), and
/// returns its stdout.
fn capture(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn list_tests(args: &Args) -> Result<Vec<String>, String> {
    let mut cmd = cargo();
    cmd.args(["test", "--release", "-q"]);
    base(args, &mut cmd);
    cmd.arg("--")
        .args(&args.filters)
        .args(["--list", "--format", "terse"]);
    let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`cargo test --test {} -- --list` failed:\n{}",
            args.test,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}

/// Each test's expectation, from the target's `list --json`.
fn expectations(args: &Args) -> Result<BTreeMap<String, String>, String> {
    let mut cmd = cargo();
    cmd.args(["test", "--release", "-q"]);
    base(args, &mut cmd);
    cmd.args(["--", "list", "--json"]);
    let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let v: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "`cargo test --test {} -- list --json` gave no JSON: {e}",
            args.test
        )
    })?;
    Ok(v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| {
            Some((
                s["name"].as_str()?.to_string(),
                s["expectation"].as_str()?.to_string(),
            ))
        })
        .collect())
}

fn target_dir(args: &Args) -> Result<PathBuf, String> {
    let mut cmd = cargo();
    cmd.args(["metadata", "--format-version", "1", "--no-deps"]);
    if let Some(m) = &args.manifest_path {
        cmd.arg("--manifest-path").arg(m);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    let v: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cargo metadata gave no JSON: {e}"))?;
    v["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata names no target directory".to_string())
}

/// A Miri seed from the clock (Miri's own default is fixed, so that
/// re-running finds nothing new).
fn fresh_seed() -> u64 {
    crate::engine::options::clock_seed() % 1_000_000
}

/// One Miri process for one test; undefined behaviour is read from Miri's
/// report, everything else from the test's result line.
fn miri_one(args: &Args, name: &str, seed: u64) -> Result<Value, String> {
    let seeds_flag = match args.many_seeds {
        Some(n) => format!("-Zmiri-many-seeds={seed}..{}", seed + n.max(1)),
        None => format!("-Zmiri-seed={seed}"),
    };
    let flags = [
        "-Zmiri-ignore-leaks".to_string(),
        seeds_flag,
        "-Zmiri-env-forward=ORDERHUNT_MIRI_ITERATIONS".to_string(),
        "-Zmiri-env-forward=ORDERHUNT_MIRI_SEEDS".to_string(),
        format!("-Zmiri-env-forward={}", crate::testmain::RESULTS_ENV),
    ];
    let user = std::env::var("MIRIFLAGS").unwrap_or_default();
    let miriflags = format!("{user} {}", flags.join(" ")).trim().to_string();
    let manifest = args
        .manifest_path
        .as_ref()
        .map(|m| format!(" --manifest-path {}", m.display()))
        .unwrap_or_default();
    let replay = format!(
        "ORDERHUNT_MIRI_ITERATIONS={} ORDERHUNT_MIRI_SEEDS={} MIRIFLAGS=\"{miriflags}\" \
         cargo +nightly miri test{manifest} --test {} -- --exact {name}",
        args.miri_iterations, args.miri_seeds, args.test
    );
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "miri", "test", "-q"]);
    base(args, &mut cmd);
    cmd.args(["--", "--exact", name])
        .env("MIRIFLAGS", &miriflags)
        .env(
            "ORDERHUNT_MIRI_ITERATIONS",
            args.miri_iterations.to_string(),
        )
        .env("ORDERHUNT_MIRI_SEEDS", args.miri_seeds.to_string())
        .env(crate::testmain::RESULTS_ENV, "1");
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run cargo miri: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let text = format!("{stdout}\n{stderr}");
    let ub = text
        .lines()
        .find(|l| l.contains("Undefined Behavior") || l.contains("error: Undefined"))
        .map(|l| l.trim().trim_start_matches("error: ").to_string());
    let mut v = if let Some(ub) = ub {
        json!({ "way": "miri", "test": name, "verdict": "ub", "reason": ub })
    } else {
        // With many seeds there is one line per Miri seed: the worst wins.
        let lines: Vec<Value> = results_of(&stdout);
        let rank = |v: &Value| match v["verdict"].as_str() {
            Some("FAILED") => 4,
            Some("caught") => 3,
            Some("clean") => 2,
            Some("skipped") => 1,
            _ => 0,
        };
        match lines.into_iter().max_by_key(rank) {
            Some(v) => v,
            None => json!({ "way": "miri", "test": name, "verdict": "not checked",
                            "reason": format!("Miri printed no result for the test ({}); last lines: {}",
                                              out.status,
                                              stderr.lines().rev().take(3).collect::<Vec<_>>().join(" / ")) }),
        }
    };
    if let Some(m) = v.as_object_mut() {
        m.insert("miri_seed".into(), json!(seed));
        m.insert("replay".into(), json!(replay));
    }
    Ok(v)
}

/// One verdict for a test from its ways: a must-pass test is FAILED when
/// any way failed, clean when every way that ran checked something, else
/// "partly checked"; a may-fail test is caught when some way caught (or
/// Miri found UB), else "not caught".
fn overall(mayfail: bool, ways: &BTreeMap<String, Value>) -> &'static str {
    let verdicts: Vec<&str> = ways
        .values()
        .filter_map(|v| v["verdict"].as_str())
        .collect();
    if mayfail {
        if verdicts
            .iter()
            .any(|v| matches!(*v, "caught" | "ub" | "FAILED"))
        {
            "caught"
        } else {
            "not caught"
        }
    } else if verdicts
        .iter()
        .any(|v| matches!(*v, "FAILED" | "ub" | "caught"))
    {
        "FAILED"
    } else if verdicts.iter().all(|v| *v == "clean" || *v == "skipped") {
        "clean"
    } else {
        "partly checked"
    }
}

/// What one way checked, in a few words.
fn checked(way: &str, v: &Value) -> String {
    let outcomes = v["outcomes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| {
                    format!(
                        "{} x{}",
                        o["outcome"].as_str().unwrap_or("?"),
                        o["count"].as_u64().unwrap_or(0)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let head = match way {
        "hardware" => format!(
            "{} iterations, anomaly rate <= {:.2e} (95%)",
            v["iterations"].as_u64().unwrap_or(0),
            v["anomaly_rate_upper_95"].as_f64().unwrap_or(1.0)
        ),
        "loom" => format!(
            "{} executions (preemption bound {})",
            v["executions"].as_u64().unwrap_or(0),
            v["preemption_bound"].as_str().unwrap_or("?")
        ),
        _ if v["verdict"] == "ub" => format!(
            "Miri stopped at undefined behaviour (Miri seed {})",
            v["miri_seed"]
        ),
        _ => format!(
            "{} iterations over {} seeds, Miri seed {}",
            v["iterations"].as_u64().unwrap_or(0),
            v["seeds"].as_u64().unwrap_or(0),
            v["miri_seed"]
        ),
    };
    let mut s = head;
    if !outcomes.is_empty() {
        s.push_str(&format!("; outcomes: {outcomes}"));
    }
    if let Some(r) = v["reason"].as_str().filter(|r| !r.is_empty()) {
        s.push_str(&format!("; {r}"));
    }
    s
}

fn table(rows: &[Value]) -> String {
    let mut s = String::new();
    for r in rows {
        s.push_str(&format!(
            "\n{} ({}): {}\n",
            r["test"].as_str().unwrap_or(""),
            r["expectation"].as_str().unwrap_or(""),
            r["overall"].as_str().unwrap_or("")
        ));
        if let Some(ways) = r["ways"].as_object() {
            for (way, v) in ways {
                s.push_str(&format!(
                    "  {:<9} {:<12} {}\n",
                    way,
                    v["verdict"].as_str().unwrap_or("?"),
                    checked(way, v)
                ));
                if let (Some("ub" | "FAILED" | "caught"), Some(replay)) =
                    (v["verdict"].as_str(), v["replay"].as_str())
                {
                    s.push_str(&format!("            replay: {replay}\n"));
                }
            }
        }
    }
    s
}
