//! `orderhunt soak` (and `run`) as real processes, stopped by real signals:
//! checkpoints, SIGINT/SIGTERM, `kill -9` at random moments, exit codes.

#![cfg(unix)]

use orderhunt::report::{Report, SCHEMA};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_orderhunt")
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(bin())
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn orderhunt")
}

fn send(signal: &str, child: &Child) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{signal} failed");
}

/// How long a child may take to exit (or to write its first checkpoint)
/// before the test calls it hung: a guard against hanging the suite, not a
/// speed claim. The stop latency after a signal is measured by
/// `scripts/bench.sh stop`.
const HANG_GUARD: Duration = Duration::from_secs(60);

fn wait_with_timeout(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait for child") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("orderhunt did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Reads and checks a report: valid JSON, the schema, and every result's
/// histogram covering exactly its completed iterations.
fn read_report(path: &Path) -> Report {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let report: Report = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{} is not a valid report ({e}):\n{}",
            path.display(),
            String::from_utf8_lossy(&bytes)
        )
    });
    assert_eq!(report.schema, SCHEMA);
    assert_eq!(report.mode, "soak");
    for r in &report.results {
        let sum: u64 = r.outcomes.iter().map(|o| o.count).sum::<u64>() + r.outcomes_other;
        assert_eq!(
            sum, r.iterations_completed,
            "{}: outcome counts must equal the iterations run",
            r.scenario
        );
        assert_eq!(r.iterations_requested, r.iterations_completed);
        assert!(r.anomalies <= r.iterations_completed);
        if let Some(f) = &r.first_anomaly {
            assert!(f.iteration >= 1 && f.iteration <= r.iterations_completed);
        }
    }
    report
}

#[test]
fn checkpoint_is_valid_and_sigint_writes_exact_interrupted_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("soak.json");
    let started = Instant::now();
    let mut child = spawn(
        dir.path(),
        &[
            "soak",
            "--duration",
            "10m",
            "--checkpoint",
            "1s",
            "--quiet",
            "--out",
            "soak.json",
        ],
    );
    // Wait for the first checkpoint, however long the machine takes (the
    // file appears whole: it is written aside and renamed).
    let deadline = Instant::now() + HANG_GUARD;
    while !out.exists() {
        assert!(
            Instant::now() < deadline,
            "no checkpoint within {HANG_GUARD:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // A checkpoint: everything done so far, marked interrupted (not final).
    let checkpoint = read_report(&out);
    assert!(
        checkpoint.interrupted,
        "a checkpoint is not the final report"
    );
    assert!(!checkpoint.results.is_empty());
    assert!(checkpoint.results.iter().all(|r| r.interrupted));
    let checkpoint_total: u64 = checkpoint
        .results
        .iter()
        .map(|r| r.iterations_completed)
        .sum();
    assert!(checkpoint_total > 0);

    send("INT", &child);
    let status = wait_with_timeout(&mut child, HANG_GUARD);
    let lifetime = started.elapsed().as_secs_f64();
    assert_eq!(
        status.code(),
        Some(130),
        "interrupted by SIGINT, no forbidden outcome: 128 + 2"
    );

    let fin = read_report(&out);
    assert!(fin.interrupted);
    assert!(fin.results.iter().all(|r| r.interrupted));
    // The slices ran inside the process's life: their reported time cannot
    // exceed the time between spawning it and seeing it exit (two
    // measurements of one interval, not a speed claim).
    let elapsed: f64 = fin.results.iter().map(|r| r.elapsed_s).sum();
    assert!(elapsed > 0.0, "{elapsed}");
    assert!(
        elapsed <= lifetime,
        "{elapsed}s of slices in a process that lived {lifetime}s"
    );
    let total: u64 = fin.results.iter().map(|r| r.iterations_completed).sum();
    assert!(total >= checkpoint_total, "counts only grow");
    // The report file is the final one: no temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "soak.json")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn sigterm_stops_a_soak_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.json");
    let mut child = spawn(
        dir.path(),
        &[
            "soak",
            "counter-atomic",
            "arc-fence",
            "--duration",
            "60s",
            "--quiet",
            "--out",
            "t.json",
        ],
    );
    std::thread::sleep(Duration::from_millis(1500));
    send("TERM", &child);
    let status = wait_with_timeout(&mut child, HANG_GUARD);
    assert_eq!(status.code(), Some(143), "interrupted by SIGTERM: 128 + 15");
    let report = read_report(&out);
    assert!(report.interrupted);
    assert!(report.results.iter().any(|r| r.iterations_completed > 0));
}

/// A small xorshift generator seeded from the clock: random kill times,
/// printed so that a failure can be reproduced.
fn random_delays(n: usize, max_ms: u64) -> Vec<u64> {
    let mut x = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % max_ms
        })
        .collect()
}

/// `kill -9` at random moments after the first checkpoint (checkpoints
/// every 100 ms, so many kills land during a write): the report that was
/// there before the kill is still there and whole. Waiting for the first
/// checkpoint instead of assuming when it comes keeps a slow machine from
/// failing the test.
#[test]
fn kill_9_at_random_moments_never_leaves_a_corrupt_report() {
    let delays = random_delays(8, 1000);
    eprintln!("kill -9 after the first checkpoint plus (ms): {delays:?}");
    for (k, delay) in delays.iter().copied().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let out: PathBuf = dir.path().join("k.json");
        let mut child = spawn(
            dir.path(),
            &[
                "soak",
                "--duration",
                "10m",
                "--checkpoint",
                "100ms",
                "--slice",
                "300ms",
                "--quiet",
                "--out",
                "k.json",
            ],
        );
        let deadline = Instant::now() + HANG_GUARD;
        while !out.exists() {
            assert!(
                Instant::now() < deadline,
                "round {k}: no checkpoint within {HANG_GUARD:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().expect("kill -9"); // SIGKILL
        let status = child.wait().unwrap();
        assert_eq!(status.code(), None, "killed by a signal");
        let report = read_report(&out);
        assert!(
            report.interrupted,
            "round {k}: a checkpoint says interrupted"
        );
    }
}

#[test]
fn a_full_soak_is_final_with_every_scenario_and_ci_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .current_dir(dir.path())
        .args([
            "soak",
            "--duration",
            "3s",
            "--quiet",
            "--out",
            "s.json",
            "--junit",
            "j.xml",
            "--summary",
            "s.md",
        ])
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = read_report(&dir.path().join("s.json"));
    assert!(!report.interrupted);
    let all: Vec<&str> = orderhunt_scenarios::all()
        .iter()
        .map(|s| s.info().name)
        .collect();
    let got: Vec<&str> = report.results.iter().map(|r| r.scenario.as_str()).collect();
    assert_eq!(got, all, "every scenario gets a turn, in order");
    assert!(report
        .results
        .iter()
        .all(|r| !r.interrupted && r.iterations_completed > 0));
    assert!(report.results.iter().all(|r| r.settings.memory == "arena"));
    let junit = std::fs::read_to_string(dir.path().join("j.xml")).unwrap();
    assert_eq!(junit.matches("<testcase ").count(), all.len());
    assert!(junit.contains("failures=\"0\""));
    let md = std::fs::read_to_string(dir.path().join("s.md")).unwrap();
    assert!(md.contains("orderhunt soak"), "{md}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("verdict"));
}

#[test]
fn soak_refuses_bad_usage_and_writes_nothing() {
    for (args, needle) in [
        (vec!["soak", "--duration", "0s"], "zero"),
        (vec!["soak", "--duration", "soon"], "30s"),
        (vec!["soak"], "--duration"),
        (
            vec!["soak", "--duration", "2s", "--memory", "leak"],
            "arena",
        ),
        (vec!["soak", "nope", "--duration", "2s"], "orderhunt list"),
        (
            vec!["soak", "--duration", "2s", "--out", "missing/x.json"],
            "does not exist",
        ),
        (
            vec!["soak", "--duration", "2s", "--junit", "missing/j.xml"],
            "does not exist",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(bin())
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{args:?} wrote something"
        );
    }
}

#[test]
fn sigint_stops_a_run_which_still_writes_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run.json");
    let mut child = spawn(
        dir.path(),
        &[
            "run",
            "all",
            "--iterations",
            "1000000000",
            "--memory",
            "arena",
            "--quiet",
            "--out",
            "run.json",
        ],
    );
    std::thread::sleep(Duration::from_millis(1500));
    send("INT", &child);
    let status = wait_with_timeout(&mut child, HANG_GUARD);
    assert_eq!(status.code(), Some(130), "interrupted by SIGINT");
    let bytes = std::fs::read(&out).expect("an interrupted run writes its report");
    let report: Report = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(report.mode, "run");
    assert!(report.interrupted);
    let first = &report.results[0];
    assert!(first.interrupted);
    assert!(first.iterations_completed > 0 && first.iterations_completed < 1_000_000_000);
    let sum: u64 = first.outcomes.iter().map(|o| o.count).sum::<u64>() + first.outcomes_other;
    assert_eq!(sum, first.iterations_completed);
}
