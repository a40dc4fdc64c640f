//! The stop flag against real signals, in a real child process.
//!
//! The child is this same test binary, re-run with `CHILD_ENV` set so that
//! only `child_process` does anything: it installs the handlers, says
//! `ready`, and polls the flag like the engine does. The parent sends real
//! signals with the `kill` command.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use orderhunt::engine::signals;

const CHILD_ENV: &str = "ORDERHUNT_SIGNALS_TEST_CHILD";

/// Not a test by itself: the body of the child process. In a normal test
/// run the variable is unset and this returns at once.
#[test]
fn child_process() {
    let Ok(mode) = std::env::var(CHILD_ENV) else {
        return;
    };
    let flag = signals::install().expect("install signal handlers");
    println!("ready");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !flag.is_set() {
        assert!(Instant::now() < deadline, "no signal arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(flag.by_signal());
    println!("stopping");
    if mode == "slow-shutdown" {
        // A shutdown that never ends: only the second signal can end the
        // process (the parent's hang guard kills it otherwise).
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    println!("stopped gracefully");
    std::process::exit(0);
}

fn spawn_child(mode: &str) -> (Child, BufReader<ChildStdout>) {
    let mut child = Command::new(std::env::current_exe().expect("test binary path"))
        .args([
            "child_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, mode)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn child");
    let stdout = BufReader::new(child.stdout.take().expect("child stdout"));
    (child, stdout)
}

/// Reads lines until one ends with `want` (libtest prints `test NAME ... `
/// without a newline before the child's first line); returns all read.
fn wait_for_line(out: &mut BufReader<ChildStdout>, want: &str) -> String {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let n = out.read_line(&mut line).expect("read child stdout");
        assert!(
            n > 0,
            "child closed stdout before {want:?}; it printed:\n{seen}"
        );
        seen.push_str(&line);
        if line.trim_end().ends_with(want) {
            return seen;
        }
    }
}

fn send(signal: &str, child: &Child) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{signal} failed");
}

/// How long a child may take to exit before the test calls it hung and
/// kills it: a guard against hanging the suite, not a speed claim (the stop
/// latency is measured by `scripts/bench.sh stop`).
const HANG_GUARD: Duration = Duration::from_secs(60);

fn wait_with_timeout(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait for child") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("child did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn first_sigint_stops_gracefully() {
    let (mut child, mut out) = spawn_child("normal");
    wait_for_line(&mut out, "ready");
    send("INT", &child);
    let mut rest = wait_for_line(&mut out, "stopped gracefully");
    out.read_to_string(&mut rest).expect("read rest");
    let status = wait_with_timeout(&mut child, HANG_GUARD);
    assert_eq!(status.code(), Some(0), "output after ready:\n{rest}");
    assert!(rest.contains("stopping"));
}

#[test]
fn first_sigterm_stops_gracefully() {
    let (mut child, mut out) = spawn_child("normal");
    wait_for_line(&mut out, "ready");
    send("TERM", &child);
    wait_for_line(&mut out, "stopped gracefully");
    let status = wait_with_timeout(&mut child, HANG_GUARD);
    assert_eq!(status.code(), Some(0));
}

#[test]
fn second_signal_exits_at_once_with_130() {
    let (mut child, mut out) = spawn_child("slow-shutdown");
    wait_for_line(&mut out, "ready");
    send("INT", &child);
    // The child saw the first signal and is now stuck in its shutdown.
    wait_for_line(&mut out, "stopping");
    // A second signal within the grace period counts as the same one.
    std::thread::sleep(signals::GRACE + Duration::from_millis(300));
    send("TERM", &child);
    // The shutdown never ends by itself, so exiting at all, with this code,
    // is the second signal's doing.
    let status = wait_with_timeout(&mut child, HANG_GUARD);
    assert_eq!(status.code(), Some(signals::EXIT_ON_SECOND_SIGNAL));
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("read rest");
    assert!(!rest.contains("stopped gracefully"), "{rest}");
}

#[test]
fn a_signal_delivered_twice_at_once_is_one_interruption() {
    // `timeout` and CI runners signal the process and then its group: the
    // two arrive together and must not turn into the immediate exit.
    let (mut child, mut out) = spawn_child("normal");
    wait_for_line(&mut out, "ready");
    send("TERM", &child);
    send("TERM", &child);
    wait_for_line(&mut out, "stopped gracefully");
    let status = wait_with_timeout(&mut child, HANG_GUARD);
    assert_eq!(status.code(), Some(0), "the child exits 0 itself");
}
