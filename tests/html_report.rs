//! End to end: `report --html` through the library, then the page loaded in
//! headless Chromium. Assertions on the DOM after layout (`--dump-dom`) and
//! on a screenshot. Fixtures are hand-made (tests/fixtures), not measurements.
//!
//! Needs Chromium: run scripts/install-chromium.sh. To skip on a machine
//! without it, set ORDERHUNT_SKIP_BROWSER=1.

mod common;

use common::*;
use orderhunt::commands::report::{run, ReportArgs};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ORDERHUNT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let fixed = Path::new("/usr/bin/chromium");
    if fixed.exists() {
        return Some(fixed.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("chromium"))
            .find(|p| p.is_file())
    })
}

/// Runs chromium headless on `page` with `extra` arguments; returns stdout.
fn chromium(bin: &Path, page: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.display());
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    // Read output on threads so a chatty browser cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = out_t.join().unwrap();
    let stderr = err_t.join().unwrap();
    assert!(status.success(), "chromium failed ({status}):\n{stderr}");
    stdout
}

fn write_page(dir: &Path) -> PathBuf {
    // Three machines: the two article fixtures and an emulated aarch64 run.
    let mut emu = read_fixture(&arm_fixture());
    emu.machine.emulated = Some(true);
    emu.machine.hostname = Some("fixture-ci-qemu".into());
    emu.machine.cpu_model = Some("Intel(R) Xeon(R) CPU (fixture)".into());
    emu.machine.emulation_note = Some("qemu-user detected (fixture)".into());
    emu.results[0].anomalies = 0;
    emu.results[0].first_anomaly = None;
    emu.results[0].outcomes.truncate(1);
    emu.results[0].outcomes[0].count = emu.results[0].iterations_completed;
    let emu_path = write_report(dir, "emulated.json", &emu);
    let out = dir.join("report.html");
    let args = ReportArgs {
        paths: vec![arm_fixture(), x86_fixture(), emu_path],
        html: out.clone(),
        alpha: 0.05,
    };
    assert_eq!(run(&args).unwrap(), 0);
    out
}

#[test]
fn html_report_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let page = std::fs::read_to_string(write_page(dir.path())).unwrap();
    for forbidden in ["<script", "<link", "@import", "url(", "https://", "<img"] {
        assert!(
            !page.contains(forbidden),
            "page must not contain {forbidden:?}"
        );
    }
    // The only http: an SVG namespace, which is never fetched.
    assert_eq!(
        page.matches("http://").count(),
        page.matches("http://www.w3.org/2000/svg").count()
    );
    assert!(page.contains("@media print"));
    // No leftover temp file from the atomic write.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names.iter().all(|n| !n.to_string_lossy().ends_with(".tmp")),
        "{names:?}"
    );
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(bin) = find_chromium() else {
        if std::env::var("ORDERHUNT_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("\n==================== SKIPPED ====================");
            eprintln!("html_report_renders_in_headless_chromium: chromium not found and");
            eprintln!("ORDERHUNT_SKIP_BROWSER=1 is set. The HTML report was NOT checked");
            eprintln!("in a browser. Run scripts/install-chromium.sh to check it.");
            eprintln!("=================================================\n");
            return;
        }
        panic!(
            "chromium not found (looked at $ORDERHUNT_CHROMIUM, /usr/bin/chromium, $PATH): \
             run scripts/install-chromium.sh, or set ORDERHUNT_SKIP_BROWSER=1 to skip this test"
        );
    };
    let dir = tempfile::tempdir().unwrap();
    let page = write_page(dir.path());

    let dom = chromium(&bin, &page, &["--dump-dom".to_string()]);
    for needle in [
        "array-passing",
        "aarch64",
        "x86_64",
        "emulated on x86 host: x86 memory ordering",
        "differs (Fisher p = 0.0224, Bonferroni over 3 pairs): anomalies on aarch64 only",
        "interesting (anomaly)",
        "<svg",
        "class=\"rate-bar\"",
        "class=\"rate-bound\"",
    ] {
        assert!(dom.contains(needle), "rendered DOM lacks {needle:?}");
    }

    let shot = dir.path().join("report.png");
    chromium(
        &bin,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
        ],
    );
    let png = std::fs::read(&shot).expect("chromium wrote no screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG");
    assert!(
        png.len() > 30_000,
        "screenshot suspiciously small: {} bytes",
        png.len()
    );
    // Keep a copy for a human to look at.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("orderhunt-report-screenshot.png");
    std::fs::copy(&shot, &keep).unwrap();
    std::fs::copy(&page, keep.with_extension("html")).unwrap();
    eprintln!("screenshot: {}", keep.display());
}
