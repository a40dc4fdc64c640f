//! Graceful interruption of long runs.
//!
//! The first SIGINT (Ctrl-C) or SIGTERM asks the run to stop: [`install`]
//! returns a [`StopFlag`] that the engine polls between batches; it stops
//! within about a second and still writes its report (marked interrupted).
//! A second SIGINT or SIGTERM ends the process at once with exit code
//! [`EXIT_ON_SECOND_SIGNAL`] (130, the shell's code for "killed by Ctrl-C"),
//! for when the graceful path is stuck or the user does not want to wait.
//!
//! The signal handlers are signal-hook's, not hand-written: they only store
//! to atomics and call `_exit`, both async-signal-safe.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use signal_hook::consts::{SIGINT, SIGTERM};

/// Exit code of the immediate stop on a second signal.
pub const EXIT_ON_SECOND_SIGNAL: i32 = 130;

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
    /// Set only by a signal. It arms the immediate exit for the next signal
    /// and tells [`StopFlag::by_signal`]. Kept apart from `stop` so that the
    /// engine stopping on its own (end of a soak, `--stop-on-first`) does
    /// not turn the user's first Ctrl-C during report writing into an
    /// abrupt exit.
    signalled: Arc<AtomicBool>,
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
        // Relaxed: a plain yes/no read with nothing published alongside it;
        // the signal handler's SeqCst store is visible by coherence.
        self.signalled.load(Ordering::Relaxed)
    }
}

/// The flag of the process, once the handlers are installed. Installing
/// twice would stack a second set of handlers and a second, disconnected
/// flag; the second call returns the first flag instead.
static INSTALLED: Mutex<Option<StopFlag>> = Mutex::new(None);

/// Installs the SIGINT and SIGTERM handlers and returns the flag they set.
///
/// The first of either signal sets the flag; the next one exits the process
/// at once with code [`EXIT_ON_SECOND_SIGNAL`]. Calling it again returns the
/// same flag.
pub fn install() -> io::Result<StopFlag> {
    let mut installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(flag) = installed.as_ref() {
        return Ok(flag.clone());
    }
    let flag = StopFlag::new();
    for signal in [SIGINT, SIGTERM] {
        // Order matters: signal-hook runs a signal's actions in the order
        // they were registered. The exit check must run before the action
        // that arms it, or the first signal would arm and fire at once.
        //
        // The handlers' atomic accesses are signal-hook's, all SeqCst: the
        // exit check loads `signalled`; `register` stores `true`. SeqCst is
        // stronger than needed (the two flags publish no data) and costs
        // nothing at the rate signals arrive.
        signal_hook::flag::register_conditional_shutdown(
            signal,
            EXIT_ON_SECOND_SIGNAL,
            Arc::clone(&flag.signalled),
        )?;
        signal_hook::flag::register(signal, Arc::clone(&flag.signalled))?;
        signal_hook::flag::register(signal, Arc::clone(&flag.stop))?;
    }
    *installed = Some(flag.clone());
    Ok(flag)
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
