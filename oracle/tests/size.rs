//! Size: a 4-thread test with 8 events per thread is decided for all four
//! models (the enumeration prunes partial executions; the old bound of
//! 2,000,000 candidates counted before enumeration refused tests like it).

use orderhunt_oracle::exec::{for_each_execution, MAX_CANDIDATES};
use orderhunt_oracle::parse::parse;
use orderhunt_oracle::{predict_all, Model, Observation};
use std::time::Instant;

/// Thread `i` stores twice to its own `x_i` (with fences), reads two
/// other threads' locations, and increments a shared counter: 8 events
/// (two stores, two loads, two fences, the two halves of the RMW).
fn four_by_eight() -> String {
    let mut text = String::from("C four-by-eight\n{ x0=0; x1=0; x2=0; x3=0; c=0; }\n");
    for i in 0..4 {
        let (a, b) = ((i + 1) % 4, (i + 2) % 4);
        text.push_str(&format!(
            "P{i} (atomic_int* x0, atomic_int* x1, atomic_int* x2, atomic_int* x3, atomic_int* c) {{\n\
             \x20 atomic_store_explicit(x{i}, 1, memory_order_relaxed);\n\
             \x20 atomic_thread_fence(memory_order_seq_cst);\n\
             \x20 int r0 = atomic_load_explicit(x{a}, memory_order_relaxed);\n\
             \x20 atomic_store_explicit(x{i}, 2, memory_order_release);\n\
             \x20 atomic_thread_fence(memory_order_release);\n\
             \x20 int r1 = atomic_load_explicit(x{b}, memory_order_acquire);\n\
             \x20 int r2 = atomic_fetch_add_explicit(c, 1, memory_order_relaxed);\n\
             }}\n"
        ));
    }
    text.push_str("exists (0:r0=0 /\\ 1:r0=0 /\\ 2:r0=0 /\\ 3:r0=0)\n");
    text
}

#[test]
fn a_four_thread_eight_event_test_is_decided_for_all_four_models() {
    let t = parse(&four_by_eight()).unwrap();
    let start = Instant::now();
    let ps = predict_all(&t, &Model::all()).unwrap();
    eprintln!(
        "four-by-eight: predict_all in {:?}, executions {:?}",
        start.elapsed(),
        ps.iter().map(|p| p.executions).collect::<Vec<_>>()
    );
    // 8 reads of 3 values each and the 4! orders of the counter's RMWs
    // (each x_i's two stores keep their program order in coherence).
    let stats = for_each_execution(&t, MAX_CANDIDATES, |_| {}).unwrap();
    assert_eq!(stats.candidates, 6561 * 24);
    let [sc, x86, arm, rc11] = [&ps[0], &ps[1], &ps[2], &ps[3]];
    // Every thread's first load reading 0 is store buffering around a
    // ring of seq_cst fences: forbidden everywhere.
    for p in &ps {
        assert_eq!(p.observation, Observation::Never, "{}", p.model);
        assert!(p.executions > 0);
    }
    assert!(sc.allowed.is_subset(&x86.allowed));
    assert!(x86.allowed.is_subset(&rc11.allowed));
    assert!(sc.allowed.is_subset(&arm.allowed));
    // The counter ends at 4 and each thread saw a distinct old value.
    for s in &sc.allowed {
        let olds: std::collections::BTreeSet<i64> = (0..4).map(|i| s[i * 3 + 2]).collect();
        assert_eq!(olds, (0..4).collect());
    }
}
