//! The one switch between real synchronization and loom's model of it.
//!
//! Every specimen and the harness import atomics, threads, hints and the
//! payload cell from here, never from `std` directly. Under `--cfg loom`
//! the same code is then model-checked by loom; otherwise it compiles to the
//! plain `std` types with zero overhead.

#[cfg(loom)]
pub use loom::sync::atomic::{
    fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};
#[cfg(loom)]
pub use loom::sync::Arc;

#[cfg(not(loom))]
pub use std::sync::atomic::{
    fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};
#[cfg(not(loom))]
pub use std::sync::Arc;

/// Threads: `loom::thread` under loom, `std::thread` otherwise.
pub mod thread {
    #[cfg(loom)]
    pub use loom::thread::{spawn, yield_now, JoinHandle};
    #[cfg(not(loom))]
    pub use std::thread::{spawn, yield_now, JoinHandle};
}

/// Backoff for spin loops.
///
/// On real hardware: spin with the CPU's pause hint, and after a while yield
/// the core, so a scenario with more actors than cores still makes progress.
/// Under loom: yield at once, because loom requires every spin loop to yield
/// so that it can schedule the thread being waited for.
#[derive(Default)]
pub struct Backoff {
    #[cfg(not(loom))]
    spins: u32,
}

impl Backoff {
    /// Spins before the first yield. About a microsecond or two of pausing:
    /// long enough that a partner on another core normally arrives first,
    /// short enough that an oversubscribed machine does not stall.
    #[cfg(not(loom))]
    const SPINS_BEFORE_YIELD: u32 = 256;

    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    pub fn snooze(&mut self) {
        #[cfg(loom)]
        {
            loom::thread::yield_now();
        }
        #[cfg(not(loom))]
        {
            if self.spins < Self::SPINS_BEFORE_YIELD {
                self.spins += 1;
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
}

/// A full fence that also drains this core's store buffer before any later
/// instruction runs: `MFENCE` on x86-64, `fence(SeqCst)` elsewhere
/// (`DMB ISH` on AArch64), under loom and under Miri.
///
/// On x86-64 Rust's `fence(SeqCst)` compiles to a locked read-modify-write
/// of the stack (`lock or`), which orders memory the same way but lets
/// later instructions start earlier; as the harness's start signal it
/// synchronized the actors' starts far worse than `MFENCE` (docs/litmus.md,
/// "Hunting power"). Ordering-wise it is at least `fence(SeqCst)`.
#[inline]
pub fn full_fence() {
    #[cfg(all(target_arch = "x86_64", not(loom), not(miri)))]
    {
        // MFENCE: a full barrier (every x86-64 CPU has SSE2, which Rust's
        // x86-64 targets require), at least as strong as fence(SeqCst).
        // SAFETY: `_mm_mfence` requires the `sse2` target feature, which
        // is part of every x86-64 target's baseline; it touches no memory
        // operand.
        #[allow(unused_unsafe)]
        unsafe {
            std::arch::x86_64::_mm_mfence()
        };
    }
    #[cfg(not(all(target_arch = "x86_64", not(loom), not(miri))))]
    // SeqCst: the strongest fence the language has; the callers want the
    // hardware's full barrier (DMB ISH on AArch64), which this compiles to.
    fence(Ordering::SeqCst);
}

/// The payload cell: `loom::cell::UnsafeCell` under loom (which checks every
/// access for races), a zero-cost wrapper of `std::cell::UnsafeCell`
/// otherwise. Both expose the same `with`/`with_mut` interface that hands
/// the closure a raw pointer.
#[cfg(loom)]
pub use loom::cell::UnsafeCell;

#[cfg(not(loom))]
#[derive(Debug, Default)]
#[repr(transparent)]
pub struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    #[inline]
    pub const fn new(value: T) -> Self {
        Self(std::cell::UnsafeCell::new(value))
    }

    /// Runs `f` with a pointer for reading. The caller makes sure no write
    /// to the cell can run concurrently (or, in a wrong specimen, says
    /// `INTENTIONALLY UNSOUND` where it does not).
    #[inline]
    pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Runs `f` with a pointer for writing. The caller makes sure no other
    /// access to the cell can run concurrently.
    #[inline]
    pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}
