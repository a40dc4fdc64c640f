//! A bounded single-producer single-consumer ring buffer of `u32`s.
//!
//! The producer writes a slot, then publishes it by advancing `tail`; the
//! consumer reads `tail`, reads the slot, then frees it by advancing
//! `head`. The slots are plain (non-atomic) cells: the Release/Acquire
//! pairs on `tail` and `head` are what makes their accesses race-free.

use crate::sync::{spin, AtomicUsize, Ordering, UnsafeCell};

pub const CAPACITY: usize = 2;

#[derive(Debug)]
pub struct Ring {
    head: AtomicUsize,
    tail: AtomicUsize,
    slots: [UnsafeCell<u32>; CAPACITY],
}

impl Default for Ring {
    fn default() -> Self {
        Ring {
            head: AtomicUsize::new(0),
            tail: AtomicUsize::new(0),
            slots: std::array::from_fn(|_| UnsafeCell::new(0)),
        }
    }
}

// SAFETY: a slot is written only by the producer while the consumer cannot
// read it (it lies between `tail` and `head + CAPACITY`), and read only by
// the consumer after the producer published it; the Release/Acquire pairs
// on `tail` (push -> pop) and `head` (pop -> push) order those accesses.
// Sound for one producer and one consumer using `push` and `pop`;
// INTENTIONALLY UNSOUND with `push_relaxed_tail` (missing Release).
unsafe impl Sync for Ring {}

impl Ring {
    /// Appends `v`, spinning while the ring is full. Producer only.
    pub fn push(&self, v: u32) {
        let t = self.reserve();
        self.write_slot(t, v);
        // Release: the slot write above happens-before the consumer's read
        // of it, which follows its Acquire load of this new tail.
        self.tail.store(t + 1, Ordering::Release);
    }

    /// The planted bug: `push` publishing the tail with Relaxed.
    pub fn push_relaxed_tail(&self, v: u32) {
        let t = self.reserve();
        self.write_slot(t, v);
        // INTENTIONALLY UNSOUND: missing Release. The consumer can see the
        // new tail without the slot write: a data race on the slot (UB),
        // and on ARM a stale value.
        self.tail.store(t + 1, Ordering::Relaxed);
    }

    /// Takes the oldest value, spinning while the ring is empty. Consumer
    /// only.
    pub fn pop(&self) -> u32 {
        // Relaxed: only the consumer stores `head`.
        let h = self.head.load(Ordering::Relaxed);
        // Acquire: pairs with the producer's Release of `tail`, so the slot
        // write that tail publishes is visible below.
        while self.tail.load(Ordering::Acquire) == h {
            spin();
        }
        let v = self.slots[h % CAPACITY].with(|p| {
            // SAFETY: slot `h` was published by the tail we Acquired above
            // and the producer does not write it again until we advance
            // `head` below (see the `Sync` impl).
            unsafe { *p }
        });
        // Release: our read of the slot happens-before the producer's next
        // write to it, which follows its Acquire load of this head.
        self.head.store(h + 1, Ordering::Release);
        v
    }

    /// Waits for a free slot; returns the tail to write at.
    fn reserve(&self) -> usize {
        // Relaxed: only the producer stores `tail`.
        let t = self.tail.load(Ordering::Relaxed);
        // Acquire: pairs with the consumer's Release of `head`, so its read
        // of the slot we are about to overwrite is finished.
        while t - self.head.load(Ordering::Acquire) == CAPACITY {
            spin();
        }
        t
    }

    fn write_slot(&self, t: usize, v: u32) {
        self.slots[t % CAPACITY].with_mut(|p| {
            // SAFETY: slot `t` is free: the consumer released it (Acquire in
            // `reserve`) and cannot read it before we publish `t + 1`.
            unsafe { *p = v }
        });
    }
}
