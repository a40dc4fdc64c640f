//! A seqlock guarding a pair of words that must be read consistently.
//!
//! The writer makes the sequence odd, writes the words, makes it even
//! again. A reader reads the sequence, the words, and the sequence again,
//! and keeps the words only if both sequence reads agree and are even.
//! The words are atomics (Relaxed), so a racing read is not undefined
//! behaviour; the fences make a kept read consistent (Boehm, "Can seqlocks
//! get along with programming language memory models?", MSPC 2012).

use crate::sync::{fence, AtomicU32, Ordering};

#[derive(Debug, Default)]
pub struct SeqLock {
    seq: AtomicU32,
    a: AtomicU32,
    b: AtomicU32,
}

impl SeqLock {
    /// Writes the pair. One writer at a time.
    pub fn write(&self, a: u32, b: u32) {
        // Relaxed: only the single writer stores `seq`, so it reads its
        // own last store.
        let s = self.seq.load(Ordering::Relaxed);
        // Relaxed: the Release fence below orders this store before the
        // data stores for any reader that sees one of them.
        self.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        // Release fence: a reader whose (fenced) data loads see a data
        // store below also sees the odd sequence above.
        fence(Ordering::Release);
        // Relaxed: ordered after the odd sequence by the fence above.
        self.a.store(a, Ordering::Relaxed);
        // Relaxed: as above.
        self.b.store(b, Ordering::Relaxed);
        // Release: publishes the data stores to a reader that Acquires
        // this even sequence.
        self.seq.store(s.wrapping_add(2), Ordering::Release);
    }

    /// A consistent copy of the pair, or None if a write was in progress.
    pub fn try_read(&self) -> Option<(u32, u32)> {
        // Acquire: if this sees a writer's even sequence, it sees that
        // writer's data too.
        let s1 = self.seq.load(Ordering::Acquire);
        if s1 % 2 == 1 {
            return None;
        }
        // Relaxed: validated by the sequence check below.
        let a = self.a.load(Ordering::Relaxed);
        // Relaxed: as above.
        let b = self.b.load(Ordering::Relaxed);
        // Acquire fence: if a data load above saw a newer write, the
        // sequence load below sees that write's odd (or later) sequence,
        // so the check fails and the torn pair is thrown away.
        fence(Ordering::Acquire);
        // Relaxed: ordered after the data loads by the fence above.
        let s2 = self.seq.load(Ordering::Relaxed);
        (s1 == s2).then_some((a, b))
    }

    /// The planted bug: `try_read` without its Acquire fence.
    pub fn try_read_no_fence(&self) -> Option<(u32, u32)> {
        // Acquire: as in `try_read`.
        let s1 = self.seq.load(Ordering::Acquire);
        if s1 % 2 == 1 {
            return None;
        }
        // Relaxed: as in `try_read`.
        let a = self.a.load(Ordering::Relaxed);
        // Relaxed: as in `try_read`.
        let b = self.b.load(Ordering::Relaxed);
        // INTENTIONALLY UNSOUND: missing fence(Acquire) between the data
        // loads and this load. Without it, the second sequence load may
        // read the old even value although a data load saw the new write
        // (ARM may reorder the loads; the language model allows it), and a
        // torn pair passes the check.
        let s2 = self.seq.load(Ordering::Relaxed);
        (s1 == s2).then_some((a, b))
    }
}
