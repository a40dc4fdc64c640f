//! Graceful interruption of long runs.
//!
//! The first SIGINT (Ctrl-C) or SIGTERM asks the run to stop: [`install`]
//! returns a [`StopFlag`] that the engine polls between batches; it stops
//! within about a second and still writes its report (marked interrupted),
//! then exits with 128 + the signal's number (130 for SIGINT, 143 for
//! SIGTERM) unless a forbidden outcome calls for 1.
//!
//! A second SIGINT or SIGTERM ends the process at once with exit code
//! [`EXIT_ON_SECOND_SIGNAL`] (130), for when the graceful path is stuck or
//! the user does not want to wait. A second signal within [`GRACE`] of the
//! first is taken as the same interruption delivered twice and ignored:
//! `timeout` and CI runners signal the process and then its process group,
//! and that must not throw away hours of counts.
//!
//! No hand-written signal handler: signal-hook's iterator turns signals into
//! messages for an ordinary thread, which does the rest.
//!
//! On Windows, signal-hook has no iterator: the C runtime's `signal` is
//! all there is. There a handler registered with signal-hook's `flag`
//! module records the signal's number and the same thread polls it every
//! [`POLL`] (two signals within one poll count as one, which the
//! [`GRACE`] rule would ignore anyway). Windows delivers SIGINT for Ctrl-C;
//! nothing outside the process sends SIGTERM, and closing the console or
//! `taskkill /F` ends the process without a report
//! ([`crate::machine::platform_notes`] says so in the report).

use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};

/// Exit code of the immediate stop on a second signal.
pub const EXIT_ON_SECOND_SIGNAL: i32 = 130;

/// A second signal this soon after the first is ignored (see the module).
pub const GRACE: Duration = Duration::from_secs(1);

/// Windows only: how often the signal thread looks for a new signal.
pub const POLL: Duration = Duration::from_millis(20);

/// A request to stop, shared between the signal handlers, the engine and
/// anyone who wants to end the run early. Cloning is cheap (two `Arc`s);
/// all clones see the same flag.
///
/// The flag carries no data: it only says "stop". Nothing written before
/// [`StopFlag::set`] may be assumed visible to a thread that sees
/// [`StopFlag::is_set`] return true; pass results through `join`, channels
/// or locks, which synchronize on their own.
#[derive(Debug, Clone, Default)]
pub struct StopFlag {
    /// Set by the first signal or by [`StopFlag::set`]; polled by the engine.
    stop: Arc<AtomicBool>,
    /// The number of the first signal, 0 if none. Kept apart from `stop`
    /// so that the engine stopping on its own (end of a soak,
    /// `--stop-on-first`) is not mistaken for an interruption.
    signal: Arc<AtomicI32>,
}

impl StopFlag {
    /// A flag that is not connected to any signal (for tests, and for runs
    /// that stop only on their own).
    pub fn new() -> Self {
        Self::default()
    }

    /// True once a stop was requested, by a signal or by [`StopFlag::set`].
    pub fn is_set(&self) -> bool {
        // Relaxed: the flag publishes no data (see the type's docs), so no
        // happens-before edge is needed, only the value itself. Coherence
        // guarantees a store becomes visible to later loads, promptly on
        // every real CPU, which is all a poll between batches asks for.
        self.stop.load(Ordering::Relaxed)
    }

    /// Requests a stop, as a first signal would (but does not arm the
    /// immediate exit on the next signal).
    pub fn set(&self) {
        // Relaxed: same reasoning as `is_set`; the store orders nothing else,
        // it only has to reach the pollers, which coherence ensures.
        self.stop.store(true, Ordering::Relaxed);
    }

    /// True when the stop came from SIGINT or SIGTERM (the report then says
    /// `interrupted`), false when it was requested with [`StopFlag::set`] or
    /// not at all.
    pub fn by_signal(&self) -> bool {
        self.signal().is_some()
    }

    /// The first signal received (SIGINT or SIGTERM), if any.
    pub fn signal(&self) -> Option<i32> {
        // Relaxed: a plain value with nothing published alongside it; the
        // signal thread's store is visible by coherence.
        match self.signal.load(Ordering::Relaxed) {
            0 => None,
            s => Some(s),
        }
    }

    /// The exit code an interrupted run ends with: 128 + the signal.
    pub fn exit_code(&self) -> Option<i32> {
        self.signal().map(|s| 128 + s)
    }
}

/// The flag of the process, once the handlers are installed. Installing
/// twice would stack a second set of handlers and a second, disconnected
/// flag; the second call returns the first flag instead.
static INSTALLED: Mutex<Option<StopFlag>> = Mutex::new(None);

/// Installs the SIGINT and SIGTERM handling and returns the flag it sets.
///
/// The first of either signal sets the flag; the next one, if it comes
/// later than [`GRACE`] after the first, exits the process at once with
/// code [`EXIT_ON_SECOND_SIGNAL`]. Calling it again returns the same flag.
pub fn install() -> io::Result<StopFlag> {
    let mut installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(flag) = installed.as_ref() {
        return Ok(flag.clone());
    }
    let flag = StopFlag::new();
    let signals = signal_stream()?;
    let seen = flag.clone();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let mut first: Option<Instant> = None;
            for signal in signals {
                match first {
                    None => {
                        first = Some(Instant::now());
                        // Relaxed: the number is read on its own, no data
                        // rides on it (see `signal`).
                        seen.signal.store(signal, Ordering::Relaxed);
                        seen.set();
                        eprintln!(
                            "\norderhunt: stopping at the next batch; the report will be \
                             written (send the signal again to quit at once)"
                        );
                    }
                    Some(t) if t.elapsed() < GRACE => {
                        // The same interruption delivered twice (to the
                        // process, then to its group): already handled.
                    }
                    Some(_) => std::process::exit(EXIT_ON_SECOND_SIGNAL),
                }
            }
        })?;
    *installed = Some(flag.clone());
    Ok(flag)
}

/// The SIGINT and SIGTERM deliveries, in order, blocking between them:
/// signal-hook's iterator, which needs a self-pipe (Unix).
#[cfg(unix)]
fn signal_stream() -> io::Result<impl Iterator<Item = i32> + Send + 'static> {
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    Ok(std::iter::from_fn(move || signals.forever().next()))
}

/// The SIGINT and SIGTERM deliveries (Windows: the C runtime's `signal`,
/// polled, see the module).
#[cfg(windows)]
fn signal_stream() -> io::Result<impl Iterator<Item = i32> + Send + 'static> {
    use std::sync::atomic::AtomicUsize;
    let pending = Arc::new(AtomicUsize::new(0));
    for signal in [SIGINT, SIGTERM] {
        // Signal numbers are small and positive: the cast keeps them.
        signal_hook::flag::register_usize(signal, Arc::clone(&pending), signal as usize)?;
    }
    Ok(std::iter::from_fn(move || loop {
        // Relaxed: the number is the whole message, no data is published
        // with it; coherence makes the handler's store visible to a later
        // poll.
        match pending.swap(0, Ordering::Relaxed) {
            0 => std::thread::sleep(POLL),
            signal => return Some(signal as i32),
        }
    }))
}

/// No signals to catch on this platform: runs stop only on their own.
#[cfg(not(any(unix, windows)))]
fn signal_stream() -> io::Result<std::iter::Empty<i32>> {
    Ok(std::iter::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_flag_is_clear() {
        let flag = StopFlag::new();
        assert!(!flag.is_set());
        assert!(!flag.by_signal());
    }

    #[test]
    fn set_is_seen_by_clones_and_is_not_a_signal() {
        let flag = StopFlag::new();
        let clone = flag.clone();
        clone.set();
        assert!(flag.is_set());
        assert!(!flag.by_signal());
    }

    #[test]
    fn set_is_seen_across_threads() {
        let flag = StopFlag::new();
        let worker = {
            let flag = flag.clone();
            std::thread::spawn(move || {
                let mut polls = 0u64;
                while !flag.is_set() {
                    polls += 1;
                    std::thread::yield_now();
                }
                polls
            })
        };
        flag.set();
        worker.join().expect("worker panicked");
    }
}
