//! The C litmus parser: each construct, and each error with its position.

use orderhunt_oracle::parse::{parse, prop_text, to_c};
use orderhunt_oracle::*;

const SB: &str = r#"C SB "store buffering"
{ x=0; y=0; }
P0 (atomic_int* x, atomic_int* y) {
  atomic_store_explicit(x, 1, memory_order_relaxed);
  int r0 = atomic_load_explicit(y, memory_order_relaxed);
}
P1 (atomic_int* x, atomic_int* y) {
  atomic_store_explicit(y, 1, memory_order_relaxed);
  int r0 = atomic_load_explicit(x, memory_order_relaxed);
}
exists (0:r0=0 /\ 1:r0=0)
"#;

fn ok(text: &str) -> Litmus {
    parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// A one-thread test with `body` as P0's body over x and y.
fn body(body: &str) -> String {
    format!(
        "C T\n{{ x=0; y=0; }}\nP0 (atomic_int* x, atomic_int* y) {{\n{body}\n}}\nexists (x=0)\n"
    )
}

fn instrs(b: &str) -> Vec<Instr> {
    ok(&body(b)).threads[0].instrs.clone()
}

/// The error of a body, as `line:col: message`; line 4 is the body's first.
fn err(text: &str) -> (usize, usize, String) {
    match parse(text) {
        Ok(t) => panic!("parsed, expected an error: {t:?}\n{text}"),
        Err(e) => {
            assert_eq!(
                e.to_string(),
                format!("{}:{}: {}", e.line, e.column, e.message)
            );
            assert!(!e.to_string().contains('\n'), "one line: {e}");
            (e.line, e.column, e.message)
        }
    }
}

#[test]
fn sb_parses_into_the_model() {
    let t = ok(SB);
    assert_eq!(t.name, "SB");
    assert_eq!(t.comment.as_deref(), Some("store buffering"));
    assert_eq!(t.locations, ["x", "y"]);
    assert_eq!(t.init, [0, 0]);
    assert_eq!(t.threads.len(), 2);
    assert_eq!(t.threads[1].name, "P1");
    assert_eq!(t.threads[1].regs, ["r0"]);
    assert_eq!(
        t.threads[0].instrs,
        [
            Instr::Store {
                loc: 0,
                value: Operand::Const(1),
                mo: MemOrder::Relaxed
            },
            Instr::Load {
                dst: 0,
                loc: 1,
                mo: MemOrder::Relaxed
            },
        ]
    );
    assert_eq!(t.condition.quantifier, Quantifier::Exists);
    let r = |thread| Atom::Reg { thread, reg: 0 };
    assert_eq!(
        t.condition.prop,
        Prop::And(Box::new(Prop::Eq(r(0), 0)), Box::new(Prop::Eq(r(1), 0)))
    );
    assert!(t.extra_observed.is_empty());
}

#[test]
fn names_comments_and_header_lines() {
    let t = ok("C SB+rel+acq.2\n\"a comment\"\nHash=abc\nVariant=Quad\n(* herd (* nested *) comment *)\n{ x = 1 }\nP0 (atomic_int* x) { int r0 = atomic_load(x); // trailing\n /* block */ }\nforall (0:r0=1)");
    assert_eq!(t.name, "SB+rel+acq.2");
    assert_eq!(t.comment.as_deref(), Some("a comment"));
    assert_eq!(t.init, [1]);
    assert_eq!(t.condition.quantifier, Quantifier::Forall);
    // A name with no comment, conditions with ~exists, `!=`, `true`.
    let t = ok("C X\n{}\nP0(atomic_int *x){}\n~exists (x != 0)");
    assert_eq!(t.comment, None);
    assert_eq!(t.condition.quantifier, Quantifier::NotExists);
    assert_eq!(
        t.condition.prop,
        Prop::Not(Box::new(Prop::Eq(Atom::Loc(0), 0)))
    );
    assert_eq!(
        ok("C X\nP0(atomic_int *x){}\nexists true").condition.prop,
        Prop::True
    );
}

#[test]
fn init_blocks_in_every_spelling() {
    let t = ok("C I\n{ [x]=3; int y = -4; atomic_int z = 5; atomic_int w; v=0x10; }\nP0 (atomic_int* u) {}\nexists (x=3)");
    assert_eq!(t.locations, ["x", "y", "z", "w", "v", "u"]);
    assert_eq!(t.init, [3, -4, 5, 0, 16, 0]);
    let t = ok("C I\n{ }\nP0 (atomic_int* y, atomic_int* x) {}\nexists (x=0)");
    assert_eq!(
        t.locations,
        ["y", "x"],
        "parameter order when not initialised"
    );
    let t = ok(&format!(
        "C I\n{{ x={}; y=-9223372036854775808; }}\nP0 (atomic_int* x) {{}}\nexists (x=0)",
        i64::MAX
    ));
    assert_eq!(t.init, [i64::MAX, i64::MIN]);
}

#[test]
fn register_initial_values_become_leading_assignments() {
    let t = ok("C I\n{ x=0; 0:r0=7; 1:r1=-2; }\nP0 (atomic_int* x) { atomic_store_explicit(x, r0, memory_order_relaxed); }\nP1 (atomic_int* x) { int r2 = 1; }\nexists (1:r1=-2)");
    assert_eq!(t.threads[0].regs, ["r0"]);
    assert_eq!(
        t.threads[0].instrs,
        [
            Instr::Assign {
                dst: 0,
                value: Operand::Const(7)
            },
            Instr::Store {
                loc: 0,
                value: Operand::Reg(0),
                mo: MemOrder::Relaxed
            }
        ]
    );
    assert_eq!(t.threads[1].regs, ["r1", "r2"]);
    assert_eq!(
        t.threads[1].instrs[0],
        Instr::Assign {
            dst: 0,
            value: Operand::Const(-2)
        }
    );
}

#[test]
fn parameters_in_every_spelling() {
    let t = ok("C P\n{}\nP0 (volatile atomic_int* x, atomic_int *y, _Atomic int * z, int* w) {}\nexists (x=0)");
    assert_eq!(t.locations, ["x", "y", "z", "w"]);
    let t = ok("C P\n{}\nP0 (void) {}\nexists true");
    assert!(t.locations.is_empty());
}

#[test]
fn every_memory_order() {
    for (word, mo) in [
        ("relaxed", MemOrder::Relaxed),
        ("consume", MemOrder::Acquire),
        ("acquire", MemOrder::Acquire),
        ("release", MemOrder::Release),
        ("acq_rel", MemOrder::AcqRel),
        ("seq_cst", MemOrder::SeqCst),
    ] {
        assert_eq!(
            instrs(&format!("atomic_thread_fence(memory_order_{word});")),
            [Instr::Fence { mo }]
        );
    }
}

#[test]
fn loads_stores_and_register_assignments() {
    let i = instrs(
        "int r0 = atomic_load_explicit(x, memory_order_acquire);\n\
         int r1 = -5; int r2;\n\
         r2 = r0;\n\
         r0 = atomic_load(y);\n\
         atomic_store_explicit(y, r1, memory_order_release);\n\
         atomic_store(x, -1);",
    );
    use Instr::*;
    use Operand::*;
    assert_eq!(
        i,
        [
            Load {
                dst: 0,
                loc: 0,
                mo: MemOrder::Acquire
            },
            Assign {
                dst: 1,
                value: Const(-5)
            },
            Assign {
                dst: 2,
                value: Reg(0)
            },
            Load {
                dst: 0,
                loc: 1,
                mo: MemOrder::SeqCst
            },
            Store {
                loc: 1,
                value: Reg(1),
                mo: MemOrder::Release
            },
            Store {
                loc: 0,
                value: Const(-1),
                mo: MemOrder::SeqCst
            },
        ]
    );
}

#[test]
fn every_rmw_explicit_and_not() {
    for (f, op) in [
        ("exchange", RmwOp::Xchg),
        ("fetch_add", RmwOp::Add),
        ("fetch_sub", RmwOp::Sub),
        ("fetch_and", RmwOp::And),
        ("fetch_or", RmwOp::Or),
        ("fetch_xor", RmwOp::Xor),
    ] {
        let i = instrs(&format!(
            "int r = atomic_{f}_explicit(y, 3, memory_order_acq_rel);\natomic_{f}(x, r);"
        ));
        assert_eq!(
            i,
            [
                Instr::Rmw {
                    dst: Some(0),
                    loc: 1,
                    op,
                    operand: Operand::Const(3),
                    mo: MemOrder::AcqRel
                },
                Instr::Rmw {
                    dst: None,
                    loc: 0,
                    op,
                    operand: Operand::Reg(0),
                    mo: MemOrder::SeqCst
                }
            ],
            "{f}"
        );
    }
}

#[test]
fn compare_exchange() {
    let i = instrs(
        "int e = 1;\n\
         int ok = atomic_compare_exchange_strong_explicit(x, &e, 2, memory_order_release, memory_order_relaxed);\n\
         atomic_compare_exchange_strong(y, &e, ok);",
    );
    assert_eq!(
        i[1..],
        [
            Instr::Cas {
                dst: Some(1),
                loc: 0,
                expected: 0,
                desired: Operand::Const(2),
                success: MemOrder::Release,
                failure: MemOrder::Relaxed
            },
            Instr::Cas {
                dst: None,
                loc: 1,
                expected: 0,
                desired: Operand::Reg(1),
                success: MemOrder::SeqCst,
                failure: MemOrder::SeqCst
            }
        ]
    );
}

#[test]
fn conditions_precedence_and_locations() {
    let t = ok("C C\n{}\nP0 (atomic_int* x, atomic_int* y) { int r0 = 1; }\nlocations [x; 0:r0; [y];]\nexists ~x=1 /\\ y=2 \\/ (0:r0=1 /\\ true) /\\ y!=-3");
    assert_eq!(
        t.extra_observed,
        [Atom::Loc(0), Atom::Reg { thread: 0, reg: 0 }, Atom::Loc(1)]
    );
    assert_eq!(
        prop_text(&t, &t.condition.prop),
        "((~(x=1) /\\ y=2) \\/ ((0:r0=1 /\\ true) /\\ ~(y=-3)))"
    );
    let t = ok("C C\n{}\nP0 (atomic_int* x) {}\nexists (x == 0 \\/ false)");
    assert_eq!(
        t.condition.prop,
        Prop::Or(
            Box::new(Prop::Eq(Atom::Loc(0), 0)),
            Box::new(Prop::Not(Box::new(Prop::True)))
        )
    );
}

#[test]
fn printing_and_parsing_again_gives_the_same_test() {
    let t = ok(SB);
    assert_eq!(ok(&to_c(&t)), t);
    let t = ok("C R\n{ x=-2; 0:r9=4; }\nP0 (atomic_int* x) { int e = 3; int r = atomic_compare_exchange_strong_explicit(x, &e, r9, memory_order_acq_rel, memory_order_acquire); atomic_fetch_xor_explicit(x, -1, memory_order_release); atomic_thread_fence(memory_order_seq_cst); }\nlocations [0:e;]\n~exists (0:r=1 /\\ ~(x=3))");
    assert_eq!(ok(&to_c(&t)), t);
}

// ---- errors: each names the construct and points at it ----

#[test]
fn unsupported_control_flow_is_named() {
    for kw in ["for", "do", "switch", "return", "goto"] {
        let (l, c, m) = err(&body(&format!("  int r0 = 1;\n  {kw} (r0) {{}}")));
        assert_eq!((l, c), (5, 3), "{kw}");
        assert_eq!(
            m,
            format!("`{kw}` is not supported: orderhunt reads `if`/`else` and `while` (and blocks), no other control flow")
        );
    }
}

#[test]
fn branches_loops_expressions_and_plain_accesses_parse() {
    let t = ok(&body(
        "  int r0 = *y;\n  if (r0 == 1 && r0 != 2) { *x = r0 + 1; } else *x = -(r0);\n  while (atomic_load_explicit(y, memory_order_acquire) < 2) { }\n  int r1 = (r0 ^ r0) + r0 * 2;",
    ));
    let b = &t.threads[0].body;
    assert_eq!(
        b[0],
        Stmt::Assign {
            dst: 0,
            value: Expr::Load {
                addr: Box::new(Expr::Addr(1)),
                mo: None
            }
        }
    );
    assert!(matches!(&b[1], Stmt::If { then, els, .. } if then.len() == 1 && els.len() == 1));
    assert!(matches!(&b[2], Stmt::While { body, .. } if body.is_empty()));
    assert!(matches!(
        &b[3],
        Stmt::Assign {
            dst: 1,
            value: Expr::Bin(BinOp::Add, _, _)
        }
    ));
    // Not straight-line atomic code: no instructions for the interpreter.
    assert!(t.threads[0].instrs.is_empty());
    assert!(!t.is_straight_line_atomic());
    assert!(ok(SB).is_straight_line_atomic());
}

#[test]
fn pointers_and_cas_with_the_expected_value_in_memory() {
    let t = ok("C P\n{ p = &y; q = x; 0:r0 = y; }\nP0 (atomic_int* x, atomic_int* y, int** p, int* e) {\n  int* r1 = atomic_load_explicit(p, memory_order_acquire);\n  int r2 = *r1;\n  int r3 = atomic_load_explicit(r0, memory_order_relaxed);\n  int r4 = atomic_compare_exchange_strong(x, e, 2);\n  int r5 = atomic_compare_exchange_weak_explicit(x, e, 3, memory_order_acq_rel, memory_order_relaxed);\n  int r6 = atomic_fetch_add(x, 1);\n}\nexists (0:r1=y /\\ p=&y)\n");
    // `&y` names y before p is declared.
    assert_eq!(t.locations, ["y", "p", "x", "q", "e"]);
    assert_eq!(t.init[1], addr_value(0));
    assert_eq!(t.init[3], addr_value(2));
    let b = &t.threads[0].body;
    assert!(matches!(
        &b[4],
        Stmt::Assign {
            value: Expr::Cas {
                weak: false,
                expected: Expected::Mem(_),
                ..
            },
            ..
        }
    ));
    assert!(matches!(
        &b[5],
        Stmt::Assign {
            value: Expr::Cas { weak: true, .. },
            ..
        }
    ));
    assert!(matches!(
        &b[6],
        Stmt::Assign {
            value: Expr::Rmw {
                op: RmwOp::Add,
                mo: MemOrder::SeqCst,
                ..
            },
            ..
        }
    ));
    assert_eq!(
        t.condition.prop,
        Prop::And(
            Box::new(Prop::Eq(Atom::Reg { thread: 0, reg: 1 }, addr_value(0))),
            Box::new(Prop::Eq(Atom::Loc(1), addr_value(0))),
        )
    );
    assert_eq!(prop_text(&t, &t.condition.prop), "(0:r1=y /\\ p=y)");
}

#[test]
fn comments_are_not_mistaken_for_dereferences() {
    let t = ok("C T\n(* a herd comment\n   over lines *)\n{ x=0; } // a line comment\nP0 (int* x) { /* c */ int r0 = f_ok(*x); }\nexists (x=0)\n".replace("f_ok(*x)", "(*x)").as_str());
    assert_eq!(t.threads[0].body.len(), 1);
    // `WRITE_ONCE(*x, 1)` is a Linux-kernel call, not the start of a comment.
    let (l, c, m) = err("C SB+onces\n{}\nP0(volatile int* y,volatile int* x) {\n  int r0;\n  WRITE_ONCE(*x,1);\n  r0 = READ_ONCE(*y);\n}\nexists (0:r0=0)\n");
    assert_eq!((l, c), (5, 3));
    assert!(m.contains("Linux-kernel memory model"), "{m}");
    assert!(m.contains("does not implement"), "{m}");
    for call in [
        "smp_mb();",
        "spin_lock(x);",
        "rcu_read_lock();",
        "int r = READ_ONCE(*x);",
    ] {
        let m = err(&body(&format!("  {call}"))).2;
        assert_eq!(m, orderhunt_oracle::parse::LINUX_KERNEL, "{call}");
    }
}

#[test]
fn unknown_functions_orders_and_registers() {
    let (l, c, m) = err(&body("  foo(x);"));
    assert_eq!(
        (l, c, m.as_str()),
        (
            4,
            3,
            "unknown function `foo`: only C11 atomic calls are supported"
        )
    );
    let (l, c, m) = err(&body("  int r = bar(x);"));
    assert_eq!((l, c), (4, 11));
    assert!(m.contains("unknown function `bar`"));
    let (l, c, m) = err(&body("  atomic_thread_fence(memory_order_strong);"));
    assert_eq!(
        (l, c, m.as_str()),
        (4, 23, "unknown memory order `memory_order_strong`")
    );
    let (l, c, m) = err(&body("  r5 = 1;"));
    assert_eq!((l, c), (4, 3));
    assert!(m.starts_with("undeclared register `r5`"), "{m}");
    let (l, c, m) = err(&body(
        "  atomic_store_explicit(z, 1, memory_order_relaxed);",
    ));
    assert_eq!((l, c), (4, 25));
    assert!(m.starts_with("undeclared register `z`"), "{m}");
    let (_, _, m) = err(&body("  x = 1;"));
    assert!(m.contains("`*x = v;`"), "{m}");
}

#[test]
fn expressions_and_argument_errors() {
    let (l, c, m) = err(&body("  int r0 = 1;\n  int r1 = r0 + ;"));
    assert_eq!((l, c), (5, 17));
    assert!(m.starts_with("expected an expression"), "{m}");
    let (l, c, m) = err(&body("  int r0 = atomic_load_explicit(x);"));
    assert_eq!((l, c), (4, 34));
    assert!(m.starts_with("expected `,`"), "{m}");
    let (l, c, m) = err(&body(
        "  int r0 = atomic_load_explicit(x, memory_order_relaxed, 1);",
    ));
    assert_eq!(
        (l, c, m.as_str()),
        (4, 56, "too many arguments to `atomic_load_explicit`")
    );
    let (_, _, m) = err(&body(
        "  int r = atomic_store_explicit(x, 1, memory_order_relaxed);",
    ));
    assert!(m.contains("returns no value"), "{m}");
    let (l, c, m) = err(&body("  int r0 = 1;\n  int r1 = &r0;"));
    assert_eq!((l, c), (5, 13));
    assert!(m.contains("address of a register"), "{m}");
}

#[test]
fn file_structure_errors() {
    let (l, c, m) = err("AArch64 SB\n{}\n");
    assert_eq!((l, c), (1, 1));
    assert!(m.contains("C litmus tests only"), "{m}");
    assert_eq!(err("C\n").2, "missing test name after `C`");
    assert_eq!(
        err("").2,
        "expected `C` (the start of a C litmus test), found the end of the file"
    );
    let (l, c, m) = err("C T\n{}\nP1 (atomic_int* x) {}\nexists (x=0)");
    assert_eq!(
        (l, c, m.as_str()),
        (3, 1, "expected thread `P0`, found `P1`")
    );
    // No condition: herd7 reads `forall (true)`.
    let t = ok("C T\n{}\nP0 (atomic_int* x) {}\n");
    assert_eq!(t.condition.quantifier, Quantifier::Forall);
    let (l, c, m) = err("C T\n{}\nP0 (atomic_int* x) {}\nexists (0:r0=0)");
    assert_eq!((l, c, m.as_str()), (4, 11, "thread 0 has no register `r0`"));
    let (l, c, m) = err("C T\n{}\nP0 (atomic_int* x) {}\nexists (5:r0=0)");
    assert_eq!((l, c, m.as_str()), (4, 9, "thread 5 does not exist"));
    let (l, c, m) = err("C T\n{}\nP0 (atomic_int* x) {}\nexists (y=0)");
    assert_eq!((l, c, m.as_str()), (4, 9, "unknown location `y`"));
    let (l, c, m) = err("C T\n{}\nP0 (atomic_int x) {}\nexists (x=0)");
    assert_eq!((l, c), (3, 16));
    assert!(m.contains("expected a pointer"), "{m}");
    let (l, c, m) = err("C T\n{ x=1; x=2; }\nP0 (atomic_int* x) {}\nexists (x=0)");
    assert_eq!((l, c, m.as_str()), (2, 8, "location `x` initialised twice"));
    let (l, c, m) = err("C T\n{ int *p = &int; }\nP0 (atomic_int* x) {}\nexists (x=0)");
    assert_eq!((l, c), (2, 13));
    assert!(m.contains("cannot name a location"), "{m}");
    let (l, c, m) = err("C T\n{ x=99999999999999999999; }\n");
    assert_eq!(
        (l, c, m.as_str()),
        (2, 5, "integer constant too large for 64 bits")
    );
    let (l, c, m) = err("C T\n{}\nP0 (atomic_int* x) {}\nexists (x=0) junk");
    assert_eq!((l, c), (4, 14));
    assert!(m.starts_with("expected the end of the file"), "{m}");
    let (l, c, m) = err("C T\n{}\nP0 (atomic_int* x) { (* never closed\n}");
    assert_eq!((l, c, m.as_str()), (3, 22, "unterminated `(*` comment"));
    let (l, c, m) = err("C T\n{}\nP0 (atomic_int* x) { int r = 1; @ }");
    assert_eq!((l, c, m.as_str()), (3, 33, "unexpected character `@`"));
    let (l, c, m) = err("C T\n{ 2:r0=1; }\nP0 (atomic_int* x) {}\nexists (x=0)");
    assert_eq!((l, c), (2, 3));
    assert!(m.contains("thread 2"), "{m}");
}

#[test]
fn columns_count_characters_not_bytes() {
    let (l, c, _) = err("C T \"é√\"\n(* ünïcödé *) { x=1; } P0 (atomic_int* x) { *x = 1; @ }");
    assert_eq!((l, c), (2, 53));
}

#[test]
fn deep_conditions_are_an_error_not_a_crash() {
    let deep = format!(
        "C T\n{{}}\nP0 (atomic_int* x) {{}}\nexists {}x=0{}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert!(err(&deep).2.contains("nested too deeply"));
    let long = format!(
        "C T\n{{}}\nP0 (atomic_int* x) {{}}\nexists x=0{}",
        " /\\ x=0".repeat(100_000)
    );
    assert!(err(&long).2.contains("too long"));
    let negs = format!(
        "C T\n{{}}\nP0 (atomic_int* x) {{}}\nexists {}x=0",
        "~".repeat(100_000)
    );
    assert!(err(&negs).2.contains("nested too deeply"));
}

#[test]
fn observables_and_rendering_of_a_parsed_test() {
    let t = ok(SB);
    assert_eq!(t.observables().len(), 4);
    assert_eq!(t.render_state(&[0, 1, 1, 1], &t.shown()), "0:r0=0; 1:r0=1;");
    assert!(t.satisfies(&[0, 0, 1, 1]));
    assert!(!t.satisfies(&[0, 1, 1, 1]));
}

#[test]
fn herd_style_files_parse() {
    // A plain read through a `const int*` parameter, herd's simplest C test.
    let t =
        ok("C plain\n\n{ x = 1 }\n\nP0 (const int* x) {\n  int r0 = *x;\n}\n\nforall (0:r0=1)\n");
    assert!(matches!(
        &t.threads[0].body[0],
        Stmt::Assign {
            value: Expr::Load { mo: None, .. },
            ..
        }
    ));
    // Arithmetic on registers, `!=` with no parentheses, `locations`.
    let t = ok("C arith\n{ x = 0; }\nP0 (atomic_int *x) {\n  int a = atomic_load_explicit(x, memory_order_relaxed);\n  int b = (a^a)+a;\n}\nlocations [0:b;]\nexists 0:a != 0\n");
    assert_eq!(t.extra_observed, [Atom::Reg { thread: 0, reg: 1 }]);
    assert_eq!(
        t.shown(),
        [
            Atom::Reg { thread: 0, reg: 0 },
            Atom::Reg { thread: 0, reg: 1 }
        ]
    );
    // 128-bit types, `Variant=` header lines, `regions:` lines.
    let t = ok("C C05\nVariant=S128\n{\n__int128_t x=1;\n}\nP0 (__int128_t *x) {\n *x = 0;\n}\nregions: x:PROP\nforall ([x]=0)\n");
    assert_eq!(t.init, [1]);
}
