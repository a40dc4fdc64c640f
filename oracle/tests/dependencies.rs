//! ARMv8 dependencies from C code (`aarch64.cat`'s `addr`, `data`, `ctrl`):
//! message passing with a barrier on the writer and a dependency on the
//! reader, and load buffering with dependencies. Expected verdicts: our
//! reasoning from `aarch64.cat`'s `dob` (`addr`, `data`, `ctrl; [W]` are
//! in it, `ctrl` to a read is not without `ISB`), the classic shapes
//! MP+dmb+addr (forbidden), MP+dmb+ctrl (allowed), LB+datas and LB+ctrls
//! (forbidden), LB (allowed; herdtools7's `catalogue/aarch64/tests/kinds.txt`
//! lists `LB Allowed`).

use orderhunt_oracle::parse::parse;
use orderhunt_oracle::{predict, Model, Observation};

const ARM: Model = Model::Armv8 { rcpc: false };

fn arm(text: &str) -> Observation {
    let t = parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    predict(&t, ARM).unwrap().observation
}

/// MP: relaxed stores with a release fence (`DMB ISH`) between them; the
/// reader's second load depends on the first as `reader` says.
fn mp(reader: &str) -> String {
    format!(
        "C MP\n{{ x=0; y=0; }}\n\
         P0 (atomic_int* x, atomic_int* y) {{\n  atomic_store_explicit(x, 1, memory_order_relaxed);\n  atomic_thread_fence(memory_order_release);\n  atomic_store_explicit(y, 1, memory_order_relaxed);\n}}\n\
         P1 (atomic_int* x, atomic_int* y) {{\n  int r1 = -1;\n  int r0 = atomic_load_explicit(y, memory_order_relaxed);\n{reader}\n}}\n\
         exists (1:r0=1 /\\ 1:r1=0)\n"
    )
}

#[test]
fn message_passing_with_a_dependency_on_the_reader() {
    // No dependency: the second load may be satisfied early.
    assert_eq!(
        arm(&mp("  r1 = atomic_load_explicit(x, memory_order_relaxed);")),
        Observation::Sometimes
    );
    // Address dependency (x + (r0 ^ r0) is x): ordered.
    assert_eq!(
        arm(&mp(
            "  r1 = atomic_load_explicit(x + (r0 ^ r0), memory_order_relaxed);"
        )),
        Observation::Never
    );
    // Through a pointer loaded first: the same.
    assert_eq!(
        arm(&mp("  int* p = x + (r0 - r0);\n  r1 = *p;")),
        Observation::Never
    );
    // Control dependency to a load: not ordered without ISB.
    assert_eq!(
        arm(&mp(
            "  if (r0 == 1) { r1 = atomic_load_explicit(x, memory_order_relaxed); }"
        )),
        Observation::Sometimes
    );
}

fn lb(p0: &str, p1: &str) -> String {
    format!(
        "C LB\n{{ x=0; y=0; }}\n\
         P0 (atomic_int* x, atomic_int* y) {{\n  int r0 = atomic_load_explicit(x, memory_order_relaxed);\n{p0}\n}}\n\
         P1 (atomic_int* x, atomic_int* y) {{\n  int r1 = atomic_load_explicit(y, memory_order_relaxed);\n{p1}\n}}\n\
         exists (0:r0=1 /\\ 1:r1=1)\n"
    )
}

#[test]
fn load_buffering_with_dependencies() {
    let plain = lb(
        "  atomic_store_explicit(y, 1, memory_order_relaxed);",
        "  atomic_store_explicit(x, 1, memory_order_relaxed);",
    );
    assert_eq!(arm(&plain), Observation::Sometimes);
    // RC11 forbids it anyway (no-thin-air), as does x86-TSO.
    let t = parse(&plain).unwrap();
    assert_eq!(
        predict(&t, Model::Rc11).unwrap().observation,
        Observation::Never
    );
    assert_eq!(
        predict(&t, Model::X86Tso).unwrap().observation,
        Observation::Never
    );
    // Data dependencies that do not change the value written.
    let datas = lb(
        "  atomic_store_explicit(y, 1 + (r0 ^ r0), memory_order_relaxed);",
        "  atomic_store_explicit(x, 1 + r1 * 0, memory_order_relaxed);",
    );
    assert_eq!(arm(&datas), Observation::Never);
    // Control dependencies to the stores.
    let ctrls = lb(
        "  if (r0 == 1) { atomic_store_explicit(y, 1, memory_order_relaxed); }",
        "  if (r1 == 1) { atomic_store_explicit(x, 1, memory_order_relaxed); }",
    );
    assert_eq!(arm(&ctrls), Observation::Never);
}
