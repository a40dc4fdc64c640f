//! MP, message passing:
//!
//! ```text
//! T0: x = 1; y = 1         T1: r0 = y; r1 = x
//! weak: r0=1 r1=0          (the flag is seen, the data behind it is not)
//! ```
//!
//! The shape of every publish (the article's array passing in miniature).
//! x86 keeps stores in order and loads in order, so it never shows it;
//! ARMv8 reorders both and does. The fixes: a Release store of the flag and
//! an Acquire load of it, or the same with fences, or SeqCst.

use super::{variant, Field::Reg, Shape, Vars};
use orderhunt_core::sync::{fence, Ordering};

pub static SHAPE: Shape = Shape {
    name: "MP",
    actors: 2,
    fields: &[("r0", Reg(0)), ("r1", Reg(1))],
    weak: &[1, 0],
    sc: &[&[0, 0], &[0, 1], &[1, 1]],
};

fn relaxed(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: the data store; nothing orders it before the flag.
            v.x.store(1, Ordering::Relaxed);
            // Relaxed: publishes nothing: may become visible before the
            // data store above, permitting the weak outcome.
            v.y.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: acquires nothing, so seeing the flag does not make
            // the data visible: permits the weak outcome.
            let r0 = v.y.load(Ordering::Relaxed);
            // Relaxed: may read the stale 0 even after the flag was seen.
            let r1 = v.x.load(Ordering::Relaxed);
            v.record(0, r0);
            v.record(1, r1);
        }
        _ => unreachable!("MP has two actors"),
    }
}

fn relacq(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: the data; ordered before the flag by its Release.
            v.x.store(1, Ordering::Relaxed);
            // Release: everything before it (the data) is visible to a
            // thread whose Acquire load reads it.
            v.y.store(1, Ordering::Release);
        }
        1 => {
            // Acquire: pairs with the Release store of the flag; if it reads
            // 1, the data store happens-before the load below.
            let r0 = v.y.load(Ordering::Acquire);
            // Relaxed: ordered after the flag by the Acquire above; reads 1
            // whenever the flag read 1 (coherence with happens-before).
            let r1 = v.x.load(Ordering::Relaxed);
            v.record(0, r0);
            v.record(1, r1);
        }
        _ => unreachable!("MP has two actors"),
    }
}

fn fences(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // Relaxed: the data; ordered before the flag by the fence below.
            v.x.store(1, Ordering::Relaxed);
            // Release fence: with the Acquire fence in T1, synchronizes if
            // T1's flag load reads the flag store that follows this fence.
            fence(Ordering::Release);
            // Relaxed: the fence above supplies the release.
            v.y.store(1, Ordering::Relaxed);
        }
        1 => {
            // Relaxed: the fence below supplies the acquire.
            let r0 = v.y.load(Ordering::Relaxed);
            // Acquire fence: pairs with T0's Release fence through the flag
            // (fence-to-fence synchronization).
            fence(Ordering::Acquire);
            // Relaxed: ordered after the flag by the fences.
            let r1 = v.x.load(Ordering::Relaxed);
            v.record(0, r0);
            v.record(1, r1);
        }
        _ => unreachable!("MP has two actors"),
    }
}

fn seqcst(role: usize, v: &Vars<'_>) {
    match role {
        0 => {
            // SeqCst: implies Release (and a place in the total order S).
            v.x.store(1, Ordering::SeqCst);
            // SeqCst: implies Release: publishes the data store above.
            v.y.store(1, Ordering::SeqCst);
        }
        1 => {
            // SeqCst: implies Acquire: pairs with the flag store.
            let r0 = v.y.load(Ordering::SeqCst);
            // SeqCst: after the flag load in S and in happens-before.
            let r1 = v.x.load(Ordering::SeqCst);
            v.record(0, r0);
            v.record(1, r1);
        }
        _ => unreachable!("MP has two actors"),
    }
}

variant! {
    /// `mp`: all Relaxed: the broken publish.
    MP: "mp", SHAPE, Interesting, relaxed,
    "message passing, Relaxed: r0=1 r1=0 allowed (ARM only)"
}
variant! {
    /// `mp-relacq`: Release flag store, Acquire flag load.
    MP_RELACQ: "mp-relacq", SHAPE, Forbidden, relacq,
    "message passing, Release/Acquire flag: r0=1 r1=0 forbidden"
}
variant! {
    /// `mp-fences`: Relaxed accesses, Release and Acquire fences.
    MP_FENCES: "mp-fences", SHAPE, Forbidden, fences,
    "message passing, Relaxed + fence(Release)/fence(Acquire): r0=1 r1=0 forbidden"
}
variant! {
    /// `mp-seqcst`: SeqCst everywhere.
    MP_SEQCST: "mp-seqcst", SHAPE, Forbidden, seqcst,
    "message passing, SeqCst: r0=1 r1=0 forbidden"
}
