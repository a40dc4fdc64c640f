//! A user's test target in miniature, for orderhunt's own tests of the
//! `main!` entry point (tests/user_target.rs): a passing test, one whose
//! actor panics, one with an outcome it did not declare, and, when
//! `ORDERHUNT_EXAMPLE_BAD` is set, an invalid declaration.

use orderhunt::sync::{AtomicU32, Ordering};
use orderhunt::{Registry, Slot, Test};

#[derive(Default)]
struct Flag {
    x: AtomicU32,
    seen: Slot,
}

fn writer(s: &Flag) {
    // SeqCst: the test checks the entry point, not an ordering.
    s.x.store(1, Ordering::SeqCst);
}

fn reader(s: &Flag) {
    // SeqCst: as above.
    s.seen.set(s.x.load(Ordering::SeqCst).into());
}

fn register(r: &mut Registry) {
    r.add(
        Test::<Flag, u64>::new("flag")
            .about("a store and a load: the load sees 0 or 1")
            .actor(writer)
            .actor(reader)
            .arbiter(|s| s.seen.get())
            .acceptable(0, "load first")
            .acceptable(1, "store first"),
    );
    r.add(
        Test::<Flag, u64>::new("panics")
            .about("actor 1 panics on every iteration")
            .actor(writer)
            .actor(|_| panic!("the user's actor gave up"))
            .arbiter(|s| s.seen.get())
            .acceptable(0, ""),
    );
    r.add(
        Test::<Flag, u64>::new("undeclared")
            .about("declares only the outcome 7, which never happens")
            .actor(writer)
            .actor(reader)
            .arbiter(|s| s.seen.get())
            .acceptable(7, "never"),
    );
    if std::env::var_os("ORDERHUNT_EXAMPLE_BAD").is_some() {
        r.add(
            Test::<Flag, u64>::new("lonely")
                .actor(writer)
                .arbiter(|s| s.seen.get()),
        );
    }
}

orderhunt::main!(register);
