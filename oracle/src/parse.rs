//! herdtools7's C litmus format into a [`Litmus`], as herdtools7's own C11
//! tests write it:
//!
//! ```text
//! C MP+ptr "an optional comment"
//! (* comments like this anywhere, across lines; // and /* */ too *)
//! { data = 0; p = 0; [flag] = 0; int z = 1; 0:r0 = 5; q = &data; }
//!
//! P0 (int* data, atomic_intptr_t* p) {
//!   *data = 1;                                   // a plain (non-atomic) store
//!   atomic_store_explicit(p, data, memory_order_release);
//! }
//! P1 (int* data, atomic_intptr_t* p, atomic_int* z) {
//!   int* r0 = atomic_load_explicit(p, memory_order_acquire);
//!   int r1 = -1;
//!   if (r0 != 0 && r0 == data) { r1 = *r0 + 1; } else { r1 = 0; }
//!   while (atomic_load_explicit(z, memory_order_relaxed) == 0) { }
//!   int ok = atomic_compare_exchange_strong(z, data, 2);  // expected in `data`
//! }
//!
//! locations [data; 1:r0;]
//! exists (1:r0=data /\ 1:r1=1)
//! ```
//!
//! * locations are passed to threads as pointers (any pointer type: the
//!   access, not the type, decides atomicity) and named bare, as in herd's
//!   C tests; a location's name is its address, `&x` too;
//! * statements: declarations, assignments, plain stores `*e = v;`,
//!   `atomic_store`, `atomic_thread_fence`, expression statements, `if` /
//!   `else`, `while` (unrolled when predicting), blocks;
//! * expressions: C's operators with C's precedence, plain reads `*e`,
//!   `atomic_load`, `atomic_exchange`, `atomic_fetch_*`,
//!   `atomic_compare_exchange_{strong,weak}` (all with or without
//!   `_explicit`; without, `memory_order_seq_cst`), herd's
//!   `__atomic_add_unless{mb}`; `memory_order_consume` is read as
//!   `acquire`;
//! * the final condition: `exists`, `~exists` or `forall` over `T:r=v`,
//!   `x=v`, `[x]=v` (and `!=`; `v` a constant or a location, an address),
//!   `/\`, `\/`, `~`, parentheses, `true`, `false`; `locations [...]`
//!   before it; no condition is `forall (true)`.
//!
//! Linux-kernel tests are refused with [`LINUX_KERNEL`]. Anything else
//! outside the format (`for`, `switch`, unknown functions, ...) is a
//! [`ParseError`] naming the construct, with its line and column (1-based,
//! columns in characters). The parser never panics.

use crate::model::*;
use std::fmt;

/// Why a file is not a litmus test orderhunt can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a C litmus test.
pub fn parse(text: &str) -> Result<Litmus, ParseError> {
    Parser::new(text).file()
}

const CONTROL: &str = "orderhunt reads `if`/`else` and `while` (and blocks), no other control flow";
/// The one-line refusal of a Linux-kernel litmus test.
pub const LINUX_KERNEL: &str =
    "this test is written for the Linux-kernel memory model (READ_ONCE, \
     WRITE_ONCE, smp_mb, spin_lock, rcu_*, ...), which orderhunt does not implement (yet); \
     orderhunt reads C11 litmus tests";

/// The Linux kernel's primitives, as herdtools7's `linux.def` and the
/// kernel's litmus tests spell them.
fn is_linux_word(s: &str) -> bool {
    matches!(
        s,
        "READ_ONCE"
            | "WRITE_ONCE"
            | "smp_load_acquire"
            | "smp_store_release"
            | "smp_store_mb"
            | "rcu_dereference"
            | "rcu_assign_pointer"
            | "synchronize_rcu"
            | "synchronize_rcu_expedited"
            | "synchronize_srcu"
            | "xchg"
            | "xchg_relaxed"
            | "xchg_acquire"
            | "xchg_release"
            | "cmpxchg"
            | "cmpxchg_relaxed"
            | "cmpxchg_acquire"
            | "cmpxchg_release"
            | "spinlock_t"
            | "atomic_t"
            | "ATOMIC_INIT"
    ) || [
        "smp_",
        "spin_",
        "rcu_",
        "srcu_",
        "atomic_read",
        "atomic_set",
        "atomic_inc",
        "atomic_dec",
        "atomic_add",
        "atomic_sub",
        "atomic_cmpxchg",
        "atomic_xchg",
        "atomic_long_",
        "__atomic_",
        "raw_spin",
    ]
    .iter()
    .any(|p| s.starts_with(p))
        && atomic_func(s).is_none()
}

fn tok_name(t: &Token) -> String {
    match &t.tok {
        Tok::Ident(s) => s.clone(),
        _ => String::new(),
    }
}

/// The straight-line atomic instructions a body stands for, if it is one.
fn lower(body: &[Stmt]) -> Option<Vec<Instr>> {
    let operand = |e: &Expr| match e {
        Expr::Const(v) => Some(Operand::Const(*v)),
        Expr::Reg(r) => Some(Operand::Reg(*r)),
        _ => None,
    };
    let loc = |e: &Expr| match e {
        Expr::Addr(l) => Some(*l),
        _ => None,
    };
    let call = |dst: Option<RegId>, e: &Expr| -> Option<Instr> {
        Some(match e {
            Expr::Load { addr, mo: Some(mo) } => Instr::Load {
                dst: dst?,
                loc: loc(addr)?,
                mo: *mo,
            },
            Expr::Rmw {
                addr,
                op,
                operand: o,
                mo,
            } => Instr::Rmw {
                dst,
                loc: loc(addr)?,
                op: *op,
                operand: operand(o)?,
                mo: *mo,
            },
            Expr::Cas {
                addr,
                expected: Expected::Reg(r),
                desired,
                success,
                failure,
                weak: false,
            } => Instr::Cas {
                dst,
                loc: loc(addr)?,
                expected: *r,
                desired: operand(desired)?,
                success: *success,
                failure: *failure,
            },
            _ => match (dst, operand(e)) {
                (Some(dst), Some(value)) => Instr::Assign { dst, value },
                _ => return None,
            },
        })
    };
    body.iter()
        .map(|s| match s {
            Stmt::Assign { dst, value } => call(Some(*dst), value),
            Stmt::Eval(e @ (Expr::Rmw { .. } | Expr::Cas { .. })) => call(None, e),
            Stmt::Store {
                addr,
                value,
                mo: Some(mo),
            } => Some(Instr::Store {
                loc: loc(addr)?,
                value: operand(value)?,
                mo: *mo,
            }),
            Stmt::Fence(mo) => Some(Instr::Fence { mo: *mo }),
            _ => None,
        })
        .collect()
}
/// Nesting bound of conditions (recursion depth), so that no input can
/// overflow the stack.
const MAX_DEPTH: usize = 200;
/// Size bound of a condition: a long `/\` chain nests as deeply as it is
/// long, and evaluating or dropping it recurses that deep.
const MAX_PROP_NODES: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Int(u64),
    Str(String),
    Sym(&'static str),
    Eof,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(s) => write!(f, "`{s}`"),
            Tok::Int(v) => write!(f, "`{v}`"),
            Tok::Str(_) => f.write_str("a string"),
            Tok::Sym(s) => write!(f, "`{s}`"),
            Tok::Eof => f.write_str("the end of the file"),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
    col: usize,
}

/// Two-character symbols first, so that they win over their prefixes.
const SYMS2: &[&str] = &[
    "/\\", "\\/", "!=", "==", "->", "&&", "||", "++", "--", "<=", ">=", "+=", "-=", "<<", ">>",
];
const SYMS1: &[&str] = &[
    "{", "}", "(", ")", "[", "]", ";", ",", ":", "=", "*", "&", "~", "-", "+", "!", "<", ">", "|",
    "^", "%", "/", ".", "?",
];

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    col: usize,
    _text: std::marker::PhantomData<&'a str>,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer {
            chars: text.chars().collect(),
            pos: 0,
            line: 1,
            col: 1,
            _text: std::marker::PhantomData,
        }
    }

    fn peek_char(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek_char(0)?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn err<T>(&self, line: usize, col: usize, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            line,
            column: col,
            message: message.into(),
        })
    }

    /// Skips white space and the three kinds of comments.
    fn skip_trivia(&mut self) -> Result<(), ParseError> {
        loop {
            match (self.peek_char(0), self.peek_char(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.peek_char(0) {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                (Some('/'), Some('*')) => {
                    let (line, col) = (self.line, self.col);
                    self.bump();
                    self.bump();
                    loop {
                        match (self.peek_char(0), self.peek_char(1)) {
                            (Some('*'), Some('/')) => {
                                self.bump();
                                self.bump();
                                break;
                            }
                            (Some(_), _) => {
                                self.bump();
                            }
                            (None, _) => return self.err(line, col, "unterminated `/*` comment"),
                        }
                    }
                }
                (Some('('), Some('*')) if self.opens_comment() => {
                    // OCaml-style comments nest, as in herd.
                    let (line, col) = (self.line, self.col);
                    self.bump();
                    self.bump();
                    let mut depth = 1usize;
                    while depth > 0 {
                        match (self.peek_char(0), self.peek_char(1)) {
                            (Some('*'), Some(')')) => {
                                self.bump();
                                self.bump();
                                depth -= 1;
                            }
                            (Some('('), Some('*')) => {
                                self.bump();
                                self.bump();
                                depth += 1;
                            }
                            (Some(_), _) => {
                                self.bump();
                            }
                            (None, _) => return self.err(line, col, "unterminated `(*` comment"),
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// Whether the `(*` at the cursor opens an OCaml-style comment rather
    /// than a call or parenthesis on a dereference (`f(*x)`,
    /// `WRITE_ONCE(*x, 1)`, `(*(p)) + 1`): it does unless the start of an
    /// operand (a letter, digit, `_` or `(`) follows, as herdtools7 writes
    /// its comments `(* text *)`.
    fn opens_comment(&self) -> bool {
        let after = self.peek_char(2);
        !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '(')
    }

    /// The test name after `C`: everything up to the next white space
    /// (herd's names hold `+`, `.`, `-` and the like).
    fn raw_name(&mut self) -> Result<String, ParseError> {
        while matches!(self.peek_char(0), Some(' ' | '\t')) {
            self.bump();
        }
        let mut name = String::new();
        while let Some(c) = self.peek_char(0) {
            if c.is_whitespace() {
                break;
            }
            name.push(c);
            self.bump();
        }
        if name.is_empty() {
            return self.err(self.line, self.col, "missing test name after `C`");
        }
        Ok(name)
    }

    /// Whether the rest of the current line reads `key = value` (herd's
    /// header lines, e.g. `Variant=Quad`), to be skipped.
    fn at_header_line(&self) -> bool {
        let mut i = self.pos;
        let Some(&c) = self.chars.get(i) else {
            return false;
        };
        if !(c.is_ascii_alphabetic() || c == '_') {
            return false;
        }
        while let Some(&c) = self.chars.get(i) {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
                i += 1;
            } else {
                break;
            }
        }
        while matches!(self.chars.get(i), Some(' ' | '\t')) {
            i += 1;
        }
        if self.chars.get(i) != Some(&'=') {
            return false;
        }
        // A header line holds no braces (an init item would be inside one).
        !self.chars[i..]
            .iter()
            .take_while(|&&c| c != '\n')
            .any(|&c| c == '{' || c == '}' || c == ';')
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.bump() {
            if c == '\n' {
                break;
            }
        }
    }

    fn next(&mut self) -> Result<Token, ParseError> {
        self.skip_trivia()?;
        let (line, col) = (self.line, self.col);
        let tok = |tok| Ok(Token { tok, line, col });
        let Some(c) = self.peek_char(0) else {
            return tok(Tok::Eof);
        };
        if c.is_ascii_alphabetic() || c == '_' {
            let mut s = String::new();
            while let Some(c) = self.peek_char(0) {
                if c.is_ascii_alphanumeric() || c == '_' {
                    s.push(c);
                    self.bump();
                } else {
                    break;
                }
            }
            return tok(Tok::Ident(s));
        }
        if c.is_ascii_digit() {
            let hex = c == '0' && matches!(self.peek_char(1), Some('x' | 'X'));
            if hex {
                self.bump();
                self.bump();
            }
            let radix = if hex { 16 } else { 10 };
            let mut v: u64 = 0;
            let mut digits = 0;
            let mut overflow = false;
            while let Some(c) = self.peek_char(0) {
                if let Some(d) = c.to_digit(radix) {
                    match v
                        .checked_mul(radix as u64)
                        .and_then(|v| v.checked_add(d as u64))
                    {
                        Some(n) => v = n,
                        None => overflow = true,
                    }
                    digits += 1;
                    self.bump();
                } else if c.is_ascii_alphanumeric() || c == '_' {
                    return self.err(line, col, "malformed number");
                } else {
                    break;
                }
            }
            if hex && digits == 0 {
                return self.err(line, col, "malformed number");
            }
            if overflow {
                return self.err(line, col, "integer constant too large for 64 bits");
            }
            return tok(Tok::Int(v));
        }
        if c == '"' {
            self.bump();
            let mut s = String::new();
            loop {
                match self.bump() {
                    Some('"') => break,
                    Some(c) => s.push(c),
                    None => return self.err(line, col, "unterminated string"),
                }
            }
            return tok(Tok::Str(s));
        }
        for s in SYMS2 {
            let mut it = s.chars();
            if it.next() == Some(c) && it.next() == self.peek_char(1) {
                self.bump();
                self.bump();
                return tok(Tok::Sym(s));
            }
        }
        for s in SYMS1 {
            if s.starts_with(c) {
                self.bump();
                return tok(Tok::Sym(s));
            }
        }
        self.err(line, col, format!("unexpected character `{c}`"))
    }
}

/// Words that start a declaration (of a register, a location or a
/// parameter): C's integer types and qualifiers, and `atomic_*` types.
fn is_type_word(s: &str) -> bool {
    matches!(
        s,
        "int"
            | "long"
            | "short"
            | "char"
            | "unsigned"
            | "signed"
            | "const"
            | "volatile"
            | "_Atomic"
            | "_Bool"
            | "bool"
            | "__int128"
            | "__int128_t"
    ) || s.strip_prefix("atomic_").is_some_and(|t| {
        matches!(
            t,
            "bool"
                | "char"
                | "schar"
                | "uchar"
                | "short"
                | "ushort"
                | "int"
                | "uint"
                | "long"
                | "ulong"
                | "llong"
                | "ullong"
        ) || t.ends_with("_t")
    }) || (s.ends_with("_t") && s.len() > 2)
}

fn is_unsupported_keyword(s: &str) -> bool {
    matches!(
        s,
        "for" | "do" | "switch" | "case" | "goto" | "return" | "break" | "continue"
    )
}

/// The atomic functions, by name: (kind, takes explicit orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Load,
    Store,
    Rmw(RmwOp),
    Cas { weak: bool },
    Fence,
}

fn atomic_func(name: &str) -> Option<(Func, bool)> {
    let (base, explicit) = match name.strip_suffix("_explicit") {
        Some(b) => (b, true),
        None => (name, false),
    };
    let f = match base {
        "atomic_load" => Func::Load,
        "atomic_store" => Func::Store,
        "atomic_exchange" => Func::Rmw(RmwOp::Xchg),
        "atomic_fetch_add" => Func::Rmw(RmwOp::Add),
        "atomic_fetch_sub" => Func::Rmw(RmwOp::Sub),
        "atomic_fetch_and" => Func::Rmw(RmwOp::And),
        "atomic_fetch_or" => Func::Rmw(RmwOp::Or),
        "atomic_fetch_xor" => Func::Rmw(RmwOp::Xor),
        "atomic_compare_exchange_strong" => Func::Cas { weak: false },
        "atomic_compare_exchange_weak" => Func::Cas { weak: true },
        "atomic_thread_fence" if !explicit => return Some((Func::Fence, true)),
        _ => return None,
    };
    Some((f, explicit))
}

fn mem_order(name: &str) -> Option<MemOrder> {
    Some(match name {
        "memory_order_relaxed" => MemOrder::Relaxed,
        "memory_order_consume" | "memory_order_acquire" => MemOrder::Acquire,
        "memory_order_release" => MemOrder::Release,
        "memory_order_acq_rel" => MemOrder::AcqRel,
        "memory_order_seq_cst" => MemOrder::SeqCst,
        _ => return None,
    })
}

/// A thread being parsed.
struct ThreadCx {
    params: Vec<String>,
    regs: Vec<String>,
    /// Nesting of statements and expressions (bounded by [`MAX_DEPTH`]).
    depth: usize,
}

impl ThreadCx {
    fn reg(&self, name: &str) -> Option<RegId> {
        self.regs.iter().position(|r| r == name)
    }
}

struct Parser<'a> {
    lex: Lexer<'a>,
    peeked: Option<Token>,
    locations: Vec<String>,
    init: Vec<Value>,
    /// Locations the init block named (for "initialised twice").
    initialised: Vec<bool>,
    /// `T:r = v` items of the init block: (thread, reg, value, line, col).
    reg_init: Vec<(usize, String, Value, usize, usize)>,
    threads: Vec<Thread>,
    /// Nodes of the condition so far (bounded, see [`MAX_PROP_NODES`]).
    prop_nodes: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            lex: Lexer::new(text),
            peeked: None,
            locations: Vec::new(),
            init: Vec::new(),
            initialised: Vec::new(),
            reg_init: Vec::new(),
            threads: Vec::new(),
            prop_nodes: 0,
        }
    }

    fn peek(&mut self) -> Result<&Token, ParseError> {
        let t = match self.peeked.take() {
            Some(t) => t,
            None => self.lex.next()?,
        };
        Ok(self.peeked.insert(t))
    }

    fn next(&mut self) -> Result<Token, ParseError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lex.next(),
        }
    }

    fn err_at<T>(t: &Token, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            line: t.line,
            column: t.col,
            message: message.into(),
        })
    }

    fn is_sym(&mut self, s: &str) -> Result<bool, ParseError> {
        Ok(matches!(&self.peek()?.tok, Tok::Sym(x) if *x == s))
    }

    fn eat_sym(&mut self, s: &str) -> Result<bool, ParseError> {
        if self.is_sym(s)? {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn expect_sym(&mut self, s: &str, what: &str) -> Result<Token, ParseError> {
        let t = self.next()?;
        match &t.tok {
            Tok::Sym(x) if *x == s => Ok(t),
            other => Self::err_at(&t, format!("expected `{s}` {what}, found {other}")),
        }
    }

    fn expect_ident(&mut self, what: &str) -> Result<(String, Token), ParseError> {
        let t = self.next()?;
        match &t.tok {
            Tok::Ident(s) => Ok((s.clone(), t)),
            other => Self::err_at(&t, format!("expected {what}, found {other}")),
        }
    }

    fn location(&self, name: &str) -> Option<LocId> {
        self.locations.iter().position(|l| l == name)
    }

    fn add_location(&mut self, name: &str) -> LocId {
        match self.location(name) {
            Some(l) => l,
            None => {
                self.locations.push(name.to_string());
                self.init.push(0);
                self.initialised.push(false);
                self.locations.len() - 1
            }
        }
    }

    /// An integer constant, possibly negative.
    fn constant(&mut self, what: &str) -> Result<Value, ParseError> {
        let neg = self.eat_sym("-")?;
        let t = self.next()?;
        match &t.tok {
            Tok::Int(v) => {
                let v = *v;
                if neg {
                    if v > i64::MAX as u64 + 1 {
                        return Self::err_at(&t, "integer constant too large for 64 bits");
                    }
                    Ok((v as i64).wrapping_neg())
                } else if v > i64::MAX as u64 {
                    Self::err_at(&t, "integer constant too large for 64 bits")
                } else {
                    Ok(v as i64)
                }
            }
            other => Self::err_at(&t, format!("expected {what}, found {other}")),
        }
    }

    fn file(mut self) -> Result<Litmus, ParseError> {
        // Header: `C name`, an optional quoted comment, herd's `key=value`
        // lines.
        self.lex.skip_trivia()?;
        let (name, t) = self.expect_ident("`C` (the start of a C litmus test)")?;
        if name != "C" {
            return Self::err_at(
                &t,
                format!(
                    "expected `C`, found `{name}`: orderhunt reads herdtools7's C litmus \
                     tests only (not assembly ones)"
                ),
            );
        }
        let name = self.lex.raw_name()?;
        let mut comment = None;
        loop {
            self.lex.skip_trivia()?;
            if comment.is_none() && self.lex.peek_char(0) == Some('"') {
                if let Tok::Str(s) = self.lex.next()?.tok {
                    comment = Some(s);
                }
            } else if self.lex.at_header_line() {
                self.lex.skip_line();
            } else {
                break;
            }
        }
        if self.is_sym("{")? {
            self.init_block()?;
        }
        loop {
            let t = self.peek()?.clone();
            match &t.tok {
                Tok::Ident(s) if s.starts_with('P') && s.len() > 1 => {
                    if !s[1..].bytes().all(|b| b.is_ascii_digit()) {
                        break;
                    }
                    let expected = format!("P{}", self.threads.len());
                    if *s != expected {
                        return Self::err_at(
                            &t,
                            format!("expected thread `{expected}`, found `{s}`"),
                        );
                    }
                    self.next()?;
                    self.thread(s.clone())?;
                }
                _ => break,
            }
        }
        if self.threads.is_empty() {
            let t = self.peek()?.clone();
            return Self::err_at(
                &t,
                format!("expected a thread `P0 (...) {{`, found {}", t.tok),
            );
        }
        self.apply_reg_init()?;
        // herd's `regions: x:PROP` line (memory regions for
        // architectures with tags), which means nothing here.
        if matches!(&self.peek()?.tok, Tok::Ident(s) if s == "regions") && self.peeked.is_some() {
            self.peeked = None;
            self.lex.skip_line();
        }
        let mut extra_observed = Vec::new();
        if matches!(&self.peek()?.tok, Tok::Ident(s) if s == "locations") {
            self.next()?;
            self.expect_sym("[", "after `locations`")?;
            while !self.eat_sym("]")? {
                let a = self.atom()?;
                if !extra_observed.contains(&a) {
                    extra_observed.push(a);
                }
                if !self.eat_sym(";")? && !self.is_sym("]")? {
                    let t = self.next()?;
                    return Self::err_at(&t, format!("expected `;` or `]`, found {}", t.tok));
                }
            }
        }
        // No condition at all: herd7 reads it as `forall (true)`.
        let condition = if extra_observed.is_empty() && self.peek()?.tok == Tok::Eof {
            Condition {
                quantifier: Quantifier::Forall,
                prop: Prop::True,
            }
        } else {
            self.condition()?
        };
        self.eat_sym(";")?;
        let t = self.next()?;
        if t.tok != Tok::Eof {
            return Self::err_at(
                &t,
                format!(
                    "expected the end of the file after the condition, found {}",
                    t.tok
                ),
            );
        }
        Ok(Litmus {
            name,
            comment,
            locations: self.locations,
            init: self.init,
            threads: self.threads,
            condition,
            extra_observed,
        })
    }

    fn init_block(&mut self) -> Result<(), ParseError> {
        self.expect_sym("{", "")?;
        loop {
            if self.eat_sym("}")? {
                return Ok(());
            }
            if self.eat_sym(";")? {
                continue;
            }
            let t = self.peek()?.clone();
            match &t.tok {
                Tok::Int(thread) => {
                    let thread = *thread;
                    self.next()?;
                    self.expect_sym(":", "in a register's initial value `T:r=v`")?;
                    let (reg, rt) = self.expect_ident("a register name")?;
                    if is_type_word(&reg) || is_unsupported_keyword(&reg) {
                        return Self::err_at(&rt, format!("`{reg}` cannot name a register"));
                    }
                    self.expect_sym("=", "in a register's initial value")?;
                    let v = self.init_constant()?;
                    let thread = usize::try_from(thread).unwrap_or(usize::MAX);
                    self.reg_init.push((thread, reg, v, t.line, t.col));
                }
                Tok::Sym("[") => {
                    self.next()?;
                    let (name, nt) = self.expect_ident("a location name")?;
                    self.expect_sym("]", "after the location")?;
                    self.init_value(&name, &nt)?;
                }
                Tok::Ident(_) => {
                    // `x = v`, `int x = v`, `atomic_int x;`.
                    let mut words = Vec::new();
                    let mut pointer = None;
                    loop {
                        let t = self.peek()?.clone();
                        match &t.tok {
                            Tok::Ident(s) => {
                                words.push((s.clone(), t.clone()));
                                self.next()?;
                            }
                            Tok::Sym("*") => {
                                pointer.get_or_insert(t.clone());
                                self.next()?;
                            }
                            _ => break,
                        }
                    }
                    let _ = pointer;
                    let Some((name, nt)) = words.pop() else {
                        return Self::err_at(&t, "expected a location");
                    };
                    if self.is_sym("=")? {
                        self.init_value(&name, &nt)?;
                    } else {
                        self.declare_init(&name, &nt, 0)?;
                    }
                }
                other => {
                    return Self::err_at(
                        &t,
                        format!("expected a location's initial value `x = v;`, found {other}"),
                    );
                }
            }
            if !self.eat_sym(";")? && !self.is_sym("}")? {
                let t = self.next()?;
                return Self::err_at(
                    &t,
                    format!("expected `;` or `}}` in the initial state, found {}", t.tok),
                );
            }
        }
    }

    /// `= v` after a location name in the init block.
    fn init_value(&mut self, name: &str, at: &Token) -> Result<(), ParseError> {
        self.expect_sym("=", "after the location")?;
        let v = self.init_constant()?;
        self.declare_init(name, at, v)
    }

    /// An initial value: a constant, or an address (`&y`, or `y` bare as
    /// herd writes it), or `ATOMIC_INIT(v)`.
    fn init_constant(&mut self) -> Result<Value, ParseError> {
        let t = self.peek()?.clone();
        let amp = self.eat_sym("&")?;
        if let Tok::Ident(s) = &self.peek()?.tok {
            let s = s.clone();
            let nt = self.next()?;
            if s == "ATOMIC_INIT" && !amp {
                self.expect_sym("(", "after `ATOMIC_INIT`")?;
                let v = self.constant("an integer value")?;
                self.expect_sym(")", "to close `ATOMIC_INIT(`")?;
                return Ok(v);
            }
            if is_type_word(&s) || is_unsupported_keyword(&s) {
                return Self::err_at(&nt, format!("`{s}` cannot name a location"));
            }
            return Ok(addr_value(self.add_location(&s)));
        }
        if amp {
            return Self::err_at(&t, "expected a location after `&`");
        }
        self.constant("an integer value")
    }

    fn declare_init(&mut self, name: &str, at: &Token, v: Value) -> Result<(), ParseError> {
        let l = self.add_location(name);
        if self.initialised[l] {
            return Self::err_at(at, format!("location `{name}` initialised twice"));
        }
        self.initialised[l] = true;
        self.init[l] = v;
        Ok(())
    }

    /// Checks that every `T:r = v` of the init block named a thread.
    fn apply_reg_init(&mut self) -> Result<(), ParseError> {
        for (thread, _, _, line, col) in &self.reg_init {
            if *thread >= self.threads.len() {
                return Err(ParseError {
                    line: *line,
                    column: *col,
                    message: format!(
                        "initial value for a register of thread {thread}, which does not exist"
                    ),
                });
            }
        }
        Ok(())
    }

    fn thread(&mut self, name: String) -> Result<(), ParseError> {
        self.expect_sym("(", "after the thread name")?;
        let mut cx = ThreadCx {
            params: Vec::new(),
            regs: Vec::new(),
            depth: 0,
        };
        let mut body = Vec::new();
        // The init block's `T:r = v` for this thread: declared registers,
        // assigned before the thread's first instruction.
        let index = self.threads.len();
        for (_, reg, v, _, _) in self.reg_init.iter().filter(|r| r.0 == index) {
            let dst = match cx.reg(reg) {
                Some(r) => r,
                None => {
                    cx.regs.push(reg.clone());
                    cx.regs.len() - 1
                }
            };
            body.push(Stmt::Assign {
                dst,
                value: Expr::Const(*v),
            });
        }
        if !self.eat_sym(")")? {
            loop {
                let start = self.peek()?.clone();
                let mut words: Vec<(String, Token)> = Vec::new();
                let mut stars = 0;
                loop {
                    let t = self.peek()?.clone();
                    match &t.tok {
                        Tok::Ident(s) => {
                            words.push((s.clone(), t.clone()));
                            self.next()?;
                        }
                        Tok::Sym("*") => {
                            stars += 1;
                            self.next()?;
                        }
                        _ => break,
                    }
                }
                let Some((pname, pt)) = words.pop() else {
                    return Self::err_at(
                        &start,
                        format!("expected a parameter, found {}", start.tok),
                    );
                };
                if words.is_empty() && stars == 0 && pname == "void" {
                    self.expect_sym(")", "after `void`")?;
                    break;
                }
                if stars == 0 {
                    return Self::err_at(
                        &pt,
                        format!(
                            "parameter `{pname}`: expected a pointer to a location \
                             (`atomic_int* {pname}` or `int* {pname}`)"
                        ),
                    );
                }
                if cx.params.contains(&pname) {
                    return Self::err_at(&pt, format!("parameter `{pname}` given twice"));
                }
                if is_linux_word(&pname) || words.iter().any(|(w, _)| is_linux_word(w)) {
                    return Self::err_at(&pt, LINUX_KERNEL.to_string());
                }
                self.add_location(&pname);
                cx.params.push(pname);
                if self.eat_sym(")")? {
                    break;
                }
                self.expect_sym(",", "between parameters")?;
            }
        }
        self.expect_sym("{", "to open the thread's body")?;
        self.block_rest(&mut cx, &mut body)?;
        let instrs = lower(&body).unwrap_or_default();
        self.threads.push(Thread {
            name,
            regs: cx.regs,
            instrs,
            body,
        });
        Ok(())
    }

    /// Statements up to and including the closing `}`.
    fn block_rest(&mut self, cx: &mut ThreadCx, out: &mut Vec<Stmt>) -> Result<(), ParseError> {
        loop {
            let t = self.peek()?.clone();
            match &t.tok {
                Tok::Sym("}") => {
                    self.next()?;
                    return Ok(());
                }
                Tok::Sym(";") => {
                    self.next()?;
                }
                Tok::Eof => {
                    return Self::err_at(
                        &t,
                        "expected `}` to close the block, found the end of the file",
                    )
                }
                _ => self.statement(cx, out)?,
            }
        }
    }

    /// A statement or a `{ block }`, as the body of an `if` or a loop.
    fn sub_block(&mut self, cx: &mut ThreadCx) -> Result<Vec<Stmt>, ParseError> {
        let t = self.peek()?.clone();
        cx.depth += 1;
        if cx.depth > MAX_DEPTH {
            return Self::err_at(&t, "statements nested too deeply");
        }
        let mut out = Vec::new();
        if self.eat_sym("{")? {
            self.block_rest(cx, &mut out)?;
        } else {
            self.statement(cx, &mut out)?;
        }
        cx.depth -= 1;
        Ok(out)
    }

    fn statement(&mut self, cx: &mut ThreadCx, out: &mut Vec<Stmt>) -> Result<(), ParseError> {
        let t = self.peek()?.clone();
        match &t.tok {
            Tok::Sym("{") => {
                self.next()?;
                cx.depth += 1;
                if cx.depth > MAX_DEPTH {
                    return Self::err_at(&t, "statements nested too deeply");
                }
                self.block_rest(cx, out)?;
                cx.depth -= 1;
                Ok(())
            }
            Tok::Ident(s) if s == "if" => {
                self.next()?;
                self.expect_sym("(", "after `if`")?;
                let cond = self.expr(cx)?;
                self.expect_sym(")", "to close the condition of `if`")?;
                let then = self.sub_block(cx)?;
                let els = if matches!(&self.peek()?.tok, Tok::Ident(e) if e == "else") {
                    self.next()?;
                    self.sub_block(cx)?
                } else {
                    Vec::new()
                };
                out.push(Stmt::If { cond, then, els });
                Ok(())
            }
            Tok::Ident(s) if s == "while" => {
                self.next()?;
                self.expect_sym("(", "after `while`")?;
                let cond = self.expr(cx)?;
                self.expect_sym(")", "to close the condition of `while`")?;
                let body = self.sub_block(cx)?;
                out.push(Stmt::While { cond, body });
                Ok(())
            }
            Tok::Ident(s) if is_unsupported_keyword(s) => {
                Self::err_at(&t, format!("`{s}` is not supported: {CONTROL}"))
            }
            Tok::Ident(s) if is_linux_word(s) => Self::err_at(&t, LINUX_KERNEL.to_string()),
            Tok::Ident(s) if is_type_word(s) => {
                // A register declaration, possibly of a pointer.
                loop {
                    match &self.peek()?.tok {
                        Tok::Ident(w) if is_type_word(w) => {
                            self.next()?;
                        }
                        Tok::Sym("*") => {
                            self.next()?;
                        }
                        _ => break,
                    }
                }
                let nt = self.next()?;
                let name = match &nt.tok {
                    Tok::Ident(n) => n.clone(),
                    other => {
                        return Self::err_at(
                            &nt,
                            format!("expected a register name, found {other}"),
                        )
                    }
                };
                if cx.params.contains(&name) {
                    return Self::err_at(
                        &nt,
                        format!("register `{name}` has the name of a parameter"),
                    );
                }
                if atomic_func(&name).is_some()
                    || is_unsupported_keyword(&name)
                    || is_type_word(&name)
                    || is_linux_word(&name)
                    || matches!(name.as_str(), "if" | "while" | "else")
                {
                    return Self::err_at(&nt, format!("`{name}` cannot name a register"));
                }
                let dst = match cx.reg(&name) {
                    Some(r) => r,
                    None => {
                        cx.regs.push(name);
                        cx.regs.len() - 1
                    }
                };
                if self.eat_sym("=")? {
                    let value = self.expr(cx)?;
                    out.push(Stmt::Assign { dst, value });
                } else if self.is_sym(",")? {
                    let c = self.next()?;
                    return Self::err_at(&c, "declare one register per statement");
                }
                self.end_statement()
            }
            Tok::Sym("*") => {
                // `*addr = value;` (a plain store), or an expression.
                self.next()?;
                let addr = self.unary(cx)?;
                if self.eat_sym("=")? {
                    let value = self.expr(cx)?;
                    out.push(Stmt::Store {
                        addr,
                        value,
                        mo: None,
                    });
                    return self.end_statement();
                }
                let t2 = self.peek()?.clone();
                Self::err_at(
                    &t2,
                    format!(
                        "expected `=` after `*...` (a plain store), found {}",
                        t2.tok
                    ),
                )
            }
            Tok::Ident(s) => {
                let s = s.clone();
                if let Some((f @ (Func::Store | Func::Fence), explicit)) = atomic_func(&s) {
                    self.next()?;
                    let st = self.store_or_fence(cx, &t, f, explicit)?;
                    out.push(st);
                    return self.end_statement();
                }
                if let Some(r) = cx.reg(&s) {
                    self.next()?;
                    let op = self.next()?;
                    match &op.tok {
                        Tok::Sym("=") => {
                            let value = self.expr(cx)?;
                            out.push(Stmt::Assign { dst: r, value });
                            self.end_statement()
                        }
                        other => Self::err_at(
                            &op,
                            format!("expected `=` after register `{s}`, found {other}"),
                        ),
                    }
                } else if self.location(&s).is_some() && atomic_func(&s).is_none() {
                    self.next()?;
                    Self::err_at(
                        &t,
                        format!(
                            "`{s}` is a pointer to a location: write `*{s} = v;` (a plain store) or \
                             `atomic_store_explicit({s}, v, mo);`"
                        ),
                    )
                } else {
                    let e = self.expr(cx)?;
                    out.push(Stmt::Eval(e));
                    self.end_statement()
                }
            }
            _ => {
                let e = self.expr(cx)?;
                out.push(Stmt::Eval(e));
                self.end_statement()
            }
        }
    }

    fn end_statement(&mut self) -> Result<(), ParseError> {
        let t = self.next()?;
        match &t.tok {
            Tok::Sym(";") => Ok(()),
            other => Self::err_at(&t, format!("expected `;`, found {other}")),
        }
    }

    /// `atomic_store[_explicit](a, v[, mo])` or `atomic_thread_fence(mo)`,
    /// after the name.
    fn store_or_fence(
        &mut self,
        cx: &mut ThreadCx,
        name: &Token,
        f: Func,
        explicit: bool,
    ) -> Result<Stmt, ParseError> {
        let fname = tok_name(name);
        self.expect_sym("(", &format!("after `{fname}`"))?;
        let st = if f == Func::Fence {
            Stmt::Fence(self.mo_arg()?)
        } else {
            let addr = self.expr(cx)?;
            self.comma()?;
            let value = self.expr(cx)?;
            let mo = if explicit {
                self.comma()?;
                self.mo_arg()?
            } else {
                MemOrder::SeqCst
            };
            Stmt::Store {
                addr,
                value,
                mo: Some(mo),
            }
        };
        self.close_call(&fname)?;
        Ok(st)
    }

    fn close_call(&mut self, fname: &str) -> Result<(), ParseError> {
        let t = self.next()?;
        if t.tok != Tok::Sym(")") {
            let what = if t.tok == Tok::Sym(",") {
                format!("too many arguments to `{fname}`")
            } else {
                format!("expected `)` to close `{fname}(`, found {}", t.tok)
            };
            return Self::err_at(&t, what);
        }
        Ok(())
    }

    /// A C expression (`||` level).
    fn expr(&mut self, cx: &mut ThreadCx) -> Result<Expr, ParseError> {
        self.binary(cx, 0)
    }

    /// Binary operators by precedence level (0: `||` ... 9: `* / %`).
    fn binary(&mut self, cx: &mut ThreadCx, level: usize) -> Result<Expr, ParseError> {
        const LEVELS: &[&[(&str, BinOp)]] = &[
            &[("||", BinOp::LOr)],
            &[("&&", BinOp::LAnd)],
            &[("|", BinOp::Or)],
            &[("^", BinOp::Xor)],
            &[("&", BinOp::And)],
            &[("==", BinOp::Eq), ("!=", BinOp::Ne)],
            &[
                ("<", BinOp::Lt),
                ("<=", BinOp::Le),
                (">", BinOp::Gt),
                (">=", BinOp::Ge),
            ],
            &[("<<", BinOp::Shl), (">>", BinOp::Shr)],
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Rem)],
        ];
        if level == LEVELS.len() {
            return self.unary(cx);
        }
        let mut e = self.binary(cx, level + 1)?;
        loop {
            let t = self.peek()?.clone();
            let op = match &t.tok {
                Tok::Sym(s) => LEVELS[level].iter().find(|(x, _)| x == s).map(|p| p.1),
                _ => None,
            };
            let Some(op) = op else { return Ok(e) };
            self.next()?;
            let rhs = self.binary(cx, level + 1)?;
            e = Expr::Bin(op, Box::new(e), Box::new(rhs));
        }
    }

    fn unary(&mut self, cx: &mut ThreadCx) -> Result<Expr, ParseError> {
        let t = self.peek()?.clone();
        cx.depth += 1;
        if cx.depth > MAX_DEPTH {
            return Self::err_at(&t, "expression nested too deeply");
        }
        let e = self.unary_inner(cx, &t);
        cx.depth -= 1;
        e
    }

    fn unary_inner(&mut self, cx: &mut ThreadCx, t: &Token) -> Result<Expr, ParseError> {
        match &t.tok {
            Tok::Sym("-") => {
                self.next()?;
                if let Tok::Int(v) = self.peek()?.tok {
                    let it = self.next()?;
                    if v > i64::MAX as u64 + 1 {
                        return Self::err_at(&it, "integer constant too large for 64 bits");
                    }
                    return Ok(Expr::Const((v as i64).wrapping_neg()));
                }
                Ok(Expr::Un(UnOp::Neg, Box::new(self.unary(cx)?)))
            }
            Tok::Sym("!") => {
                self.next()?;
                Ok(Expr::Un(UnOp::Not, Box::new(self.unary(cx)?)))
            }
            Tok::Sym("~") => {
                self.next()?;
                Ok(Expr::Un(UnOp::BitNot, Box::new(self.unary(cx)?)))
            }
            Tok::Sym("*") => {
                self.next()?;
                let addr = self.unary(cx)?;
                Ok(Expr::Load {
                    addr: Box::new(addr),
                    mo: None,
                })
            }
            Tok::Sym("&") => {
                self.next()?;
                let (name, nt) = self.expect_ident("a location after `&`")?;
                match self.location(&name) {
                    Some(l) => Ok(Expr::Addr(l)),
                    None if cx.reg(&name).is_some() => Self::err_at(
                        &nt,
                        format!("`&{name}`: the address of a register is only allowed as a compare-and-swap's expected value"),
                    ),
                    None => Self::err_at(&nt, format!("unknown location `{name}`")),
                }
            }
            Tok::Sym("(") => {
                self.next()?;
                // A cast `(int*) e` or a parenthesised expression.
                if matches!(&self.peek()?.tok, Tok::Ident(w) if is_type_word(w)) {
                    loop {
                        match &self.peek()?.tok {
                            Tok::Ident(w) if is_type_word(w) => {
                                self.next()?;
                            }
                            Tok::Sym("*") => {
                                self.next()?;
                            }
                            _ => break,
                        }
                    }
                    self.expect_sym(")", "to close the cast")?;
                    return self.unary(cx);
                }
                let e = self.expr(cx)?;
                self.expect_sym(")", "to close the parenthesis")?;
                Ok(e)
            }
            Tok::Int(v) => {
                let v = *v;
                self.next()?;
                if v > i64::MAX as u64 {
                    return Self::err_at(t, "integer constant too large for 64 bits");
                }
                Ok(Expr::Const(v as i64))
            }
            Tok::Ident(s) => {
                let s = s.clone();
                self.next()?;
                if let Some((f, explicit)) = atomic_func(&s) {
                    return self.call_expr(cx, t, f, explicit);
                }
                if s == "__atomic_add_unless" && self.is_sym("{")? {
                    return self.add_unless(cx);
                }
                if is_linux_word(&s) {
                    return Self::err_at(t, LINUX_KERNEL.to_string());
                }
                if let Some(r) = cx.reg(&s) {
                    return Ok(Expr::Reg(r));
                }
                if let Some(l) = self.location(&s) {
                    return Ok(Expr::Addr(l));
                }
                if self.is_sym("(")? {
                    return Self::err_at(t, unknown_function(&s));
                }
                if is_unsupported_keyword(&s) || is_type_word(&s) {
                    return Self::err_at(t, format!("expected an expression, found `{s}`"));
                }
                Self::err_at(
                    t,
                    format!("undeclared register `{s}` (declare it: `int {s} = ...;`)"),
                )
            }
            other => Self::err_at(t, format!("expected an expression, found {other}")),
        }
    }

    /// An atomic call in an expression, after its name.
    fn call_expr(
        &mut self,
        cx: &mut ThreadCx,
        name: &Token,
        f: Func,
        explicit: bool,
    ) -> Result<Expr, ParseError> {
        let fname = tok_name(name);
        let seq = MemOrder::SeqCst;
        if matches!(f, Func::Store | Func::Fence) {
            return Self::err_at(name, format!("`{fname}` returns no value"));
        }
        self.expect_sym("(", &format!("after `{fname}`"))?;
        let e = match f {
            Func::Load => {
                let addr = self.expr(cx)?;
                let mo = if explicit {
                    self.comma()?;
                    self.mo_arg()?
                } else {
                    seq
                };
                Expr::Load {
                    addr: Box::new(addr),
                    mo: Some(mo),
                }
            }
            Func::Rmw(op) => {
                let addr = self.expr(cx)?;
                self.comma()?;
                let operand = self.expr(cx)?;
                let mo = if explicit {
                    self.comma()?;
                    self.mo_arg()?
                } else {
                    seq
                };
                Expr::Rmw {
                    addr: Box::new(addr),
                    op,
                    operand: Box::new(operand),
                    mo,
                }
            }
            Func::Cas { weak } => {
                let addr = self.expr(cx)?;
                self.comma()?;
                let expected = if self.is_sym("&")? {
                    let amp = self.next()?;
                    let (n, nt) = self.expect_ident("a register or a location after `&`")?;
                    match (cx.reg(&n), self.location(&n)) {
                        (Some(r), _) => Expected::Reg(r),
                        (None, Some(l)) => Expected::Mem(Box::new(Expr::Addr(l))),
                        _ => {
                            let _ = amp;
                            return Self::err_at(&nt, format!("`{n}`: the expected value must be a register of this thread or a location"));
                        }
                    }
                } else {
                    Expected::Mem(Box::new(self.expr(cx)?))
                };
                self.comma()?;
                let desired = self.expr(cx)?;
                let (success, failure) = if explicit {
                    self.comma()?;
                    let s = self.mo_arg()?;
                    self.comma()?;
                    (s, self.mo_arg()?)
                } else {
                    (seq, seq)
                };
                Expr::Cas {
                    addr: Box::new(addr),
                    expected,
                    desired: Box::new(desired),
                    success,
                    failure,
                    weak,
                }
            }
            Func::Store | Func::Fence => unreachable!("handled above"),
        };
        self.close_call(&fname)?;
        Ok(e)
    }

    /// `{mb}(addr, add, unless)` after `__atomic_add_unless`.
    fn add_unless(&mut self, cx: &mut ThreadCx) -> Result<Expr, ParseError> {
        self.expect_sym("{", "after `__atomic_add_unless`")?;
        let (a, at) = self.expect_ident("an annotation (`mb`)")?;
        if a != "mb" {
            return Self::err_at(
                &at,
                format!("`{{{a}}}`: only `__atomic_add_unless{{mb}}` is supported"),
            );
        }
        self.expect_sym("}", "after the annotation")?;
        self.expect_sym("(", "after `__atomic_add_unless{mb}`")?;
        let addr = self.expr(cx)?;
        self.comma()?;
        let add = self.expr(cx)?;
        self.comma()?;
        let unless = self.expr(cx)?;
        self.close_call("__atomic_add_unless")?;
        Ok(Expr::AddUnless {
            addr: Box::new(addr),
            add: Box::new(add),
            unless: Box::new(unless),
            mo: MemOrder::SeqCst,
        })
    }

    fn mo_arg(&mut self) -> Result<MemOrder, ParseError> {
        let t = self.next()?;
        match &t.tok {
            Tok::Ident(s) => match mem_order(s) {
                Some(mo) => Ok(mo),
                None => Self::err_at(&t, format!("unknown memory order `{s}`")),
            },
            other => Self::err_at(
                &t,
                format!("expected a memory order (`memory_order_...`), found {other}"),
            ),
        }
    }

    fn comma(&mut self) -> Result<(), ParseError> {
        self.expect_sym(",", "between arguments").map(|_| ())
    }

    fn condition(&mut self) -> Result<Condition, ParseError> {
        let t = self.next()?;
        let quantifier = match &t.tok {
            Tok::Ident(s) if s == "exists" => Quantifier::Exists,
            Tok::Ident(s) if s == "forall" => Quantifier::Forall,
            Tok::Sym("~") => {
                let e = self.next()?;
                match &e.tok {
                    Tok::Ident(s) if s == "exists" => Quantifier::NotExists,
                    other => return Self::err_at(&e, format!("expected `exists` after `~`, found {other}")),
                }
            }
            Tok::Ident(s) if s == "filter" => {
                return Self::err_at(&t, "`filter` conditions are not supported")
            }
            Tok::Eof => {
                return Self::err_at(&t, "missing final condition (`exists`, `~exists` or `forall`)")
            }
            other => {
                return Self::err_at(
                    &t,
                    format!("expected a thread `P{}`, `locations` or the final condition (`exists`, `~exists`, `forall`), found {other}", self.threads.len()),
                )
            }
        };
        let prop = self.disj(0)?;
        Ok(Condition { quantifier, prop })
    }

    fn disj(&mut self, depth: usize) -> Result<Prop, ParseError> {
        let mut p = self.conj(depth)?;
        while self.eat_sym("\\/")? {
            let q = self.conj(depth)?;
            p = Prop::Or(Box::new(p), Box::new(q));
        }
        Ok(p)
    }

    fn conj(&mut self, depth: usize) -> Result<Prop, ParseError> {
        let mut p = self.prop_unary(depth)?;
        while self.eat_sym("/\\")? {
            let q = self.prop_unary(depth)?;
            p = Prop::And(Box::new(p), Box::new(q));
        }
        Ok(p)
    }

    fn prop_unary(&mut self, depth: usize) -> Result<Prop, ParseError> {
        let t = self.peek()?.clone();
        self.prop_nodes += 1;
        if depth > MAX_DEPTH || self.prop_nodes > MAX_PROP_NODES {
            return Self::err_at(&t, "condition nested too deeply or too long");
        }
        match &t.tok {
            Tok::Sym("~") => {
                self.next()?;
                Ok(Prop::Not(Box::new(self.prop_unary(depth + 1)?)))
            }
            Tok::Sym("(") => {
                self.next()?;
                let p = self.disj(depth + 1)?;
                self.expect_sym(")", "to close the parenthesis")?;
                Ok(p)
            }
            Tok::Ident(s) if s == "true" => {
                self.next()?;
                Ok(Prop::True)
            }
            Tok::Ident(s) if s == "false" => {
                self.next()?;
                Ok(Prop::Not(Box::new(Prop::True)))
            }
            _ => {
                let atom = self.atom()?;
                let op = self.next()?;
                let negate = match &op.tok {
                    Tok::Sym("=") | Tok::Sym("==") => false,
                    Tok::Sym("!=") => true,
                    other => {
                        return Self::err_at(&op, format!("expected `=` or `!=`, found {other}"))
                    }
                };
                let v = match &self.peek()?.tok {
                    Tok::Ident(_) | Tok::Sym("&") => {
                        self.eat_sym("&")?;
                        let (name, nt) = self.expect_ident("a location")?;
                        match self.location(&name) {
                            Some(l) => addr_value(l),
                            None => return Self::err_at(&nt, format!("unknown location `{name}`")),
                        }
                    }
                    _ => self.constant("an integer value")?,
                };
                let eq = Prop::Eq(atom, v);
                Ok(if negate { Prop::Not(Box::new(eq)) } else { eq })
            }
        }
    }

    /// `T:r`, `x` or `[x]`.
    fn atom(&mut self) -> Result<Atom, ParseError> {
        let t = self.next()?;
        match &t.tok {
            Tok::Int(thread) => {
                let thread = *thread;
                self.expect_sym(":", "in `T:r`")?;
                let (reg, rt) = self.expect_ident("a register name")?;
                let th = usize::try_from(thread)
                    .ok()
                    .and_then(|i| self.threads.get(i).map(|th| (i, th)));
                let Some((i, th)) = th else {
                    return Self::err_at(&t, format!("thread {thread} does not exist"));
                };
                match th.regs.iter().position(|r| *r == reg) {
                    Some(r) => Ok(Atom::Reg { thread: i, reg: r }),
                    None => Self::err_at(&rt, format!("thread {thread} has no register `{reg}`")),
                }
            }
            Tok::Sym("[") => {
                let (name, nt) = self.expect_ident("a location name")?;
                self.expect_sym("]", "after the location")?;
                match self.location(&name) {
                    Some(l) => Ok(Atom::Loc(l)),
                    None => Self::err_at(&nt, format!("unknown location `{name}`")),
                }
            }
            Tok::Ident(name) => match self.location(name) {
                Some(l) => Ok(Atom::Loc(l)),
                None => Self::err_at(&t, format!("unknown location `{name}`")),
            },
            other => Self::err_at(&t, format!("expected `T:r` or a location, found {other}")),
        }
    }
}

fn unknown_function(name: &str) -> String {
    if is_linux_word(name) {
        LINUX_KERNEL.to_string()
    } else {
        format!("unknown function `{name}`: only C11 atomic calls are supported")
    }
}

/// herd's C spelling of a test: `parse(&to_c(&t)) == Ok(t)` for every
/// test `parse` returns (the name and comment as given).
pub fn to_c(t: &Litmus) -> String {
    let mut out = format!("C {}\n", t.name);
    if let Some(c) = &t.comment {
        out.push_str(&format!("\"{c}\"\n"));
    }
    out.push('{');
    for (l, name) in t.locations.iter().enumerate() {
        out.push_str(&format!(" {name}={};", t.init[l]));
    }
    out.push_str(" }\n");
    for th in &t.threads {
        let params: Vec<String> = t
            .locations
            .iter()
            .map(|l| format!("atomic_int* {l}"))
            .collect();
        out.push_str(&format!("\n{} ({}) {{\n", th.name, params.join(", ")));
        for r in &th.regs {
            out.push_str(&format!("  int {r};\n"));
        }
        let p = Printer { t, regs: &th.regs };
        for s in &th.code() {
            p.stmt(s, 1, &mut out);
        }
        out.push_str("}\n");
    }
    if !t.extra_observed.is_empty() {
        let atoms: Vec<String> = t
            .extra_observed
            .iter()
            .map(|a| format!("{};", t.atom_name(*a)))
            .collect();
        out.push_str(&format!("\nlocations [{}]", atoms.join(" ")));
    }
    out.push_str(&format!(
        "\n{} ({})\n",
        t.condition.quantifier,
        prop_text(t, &t.condition.prop)
    ));
    out
}

struct Printer<'a> {
    t: &'a Litmus,
    regs: &'a [String],
}

impl Printer<'_> {
    fn mo(m: &MemOrder) -> String {
        format!("memory_order_{}", m.as_str())
    }

    fn expr(&self, e: &Expr) -> String {
        match e {
            Expr::Const(v) => v.to_string(),
            Expr::Reg(r) => self.regs[*r].clone(),
            Expr::Addr(l) => self.t.locations[*l].clone(),
            Expr::Un(op, a) => format!("{}({})", op.as_str(), self.expr(a)),
            Expr::Bin(op, a, b) => format!("({} {} {})", self.expr(a), op.as_str(), self.expr(b)),
            Expr::Load { addr, mo: None } => format!("*({})", self.expr(addr)),
            Expr::Load { addr, mo: Some(m) } => {
                format!("atomic_load_explicit({}, {})", self.expr(addr), Self::mo(m))
            }
            Expr::Rmw {
                addr,
                op,
                operand,
                mo,
            } => {
                let f = match op {
                    RmwOp::Xchg => "exchange",
                    RmwOp::Add => "fetch_add",
                    RmwOp::Sub => "fetch_sub",
                    RmwOp::And => "fetch_and",
                    RmwOp::Or => "fetch_or",
                    RmwOp::Xor => "fetch_xor",
                };
                format!(
                    "atomic_{f}_explicit({}, {}, {})",
                    self.expr(addr),
                    self.expr(operand),
                    Self::mo(mo)
                )
            }
            Expr::AddUnless {
                addr, add, unless, ..
            } => format!(
                "__atomic_add_unless{{mb}}({}, {}, {})",
                self.expr(addr),
                self.expr(add),
                self.expr(unless)
            ),
            Expr::Cas {
                addr,
                expected,
                desired,
                success,
                failure,
                weak,
            } => {
                let exp = match expected {
                    Expected::Reg(r) => format!("&{}", self.regs[*r]),
                    Expected::Mem(e) => self.expr(e),
                };
                format!(
                    "atomic_compare_exchange_{}_explicit({}, {exp}, {}, {}, {})",
                    if *weak { "weak" } else { "strong" },
                    self.expr(addr),
                    self.expr(desired),
                    Self::mo(success),
                    Self::mo(failure)
                )
            }
        }
    }

    fn stmt(&self, s: &Stmt, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        match s {
            Stmt::Assign { dst, value } => out.push_str(&format!(
                "{pad}{} = {};\n",
                self.regs[*dst],
                self.expr(value)
            )),
            Stmt::Eval(e) => out.push_str(&format!("{pad}{};\n", self.expr(e))),
            Stmt::Store {
                addr,
                value,
                mo: Some(m),
            } => out.push_str(&format!(
                "{pad}atomic_store_explicit({}, {}, {});\n",
                self.expr(addr),
                self.expr(value),
                Self::mo(m)
            )),
            Stmt::Store {
                addr,
                value,
                mo: None,
            } => out.push_str(&format!(
                "{pad}*({}) = {};\n",
                self.expr(addr),
                self.expr(value)
            )),
            Stmt::Fence(m) => {
                out.push_str(&format!("{pad}atomic_thread_fence({});\n", Self::mo(m)))
            }
            Stmt::If { cond, then, els } => {
                out.push_str(&format!("{pad}if ({}) {{\n", self.expr(cond)));
                for s in then {
                    self.stmt(s, depth + 1, out);
                }
                if els.is_empty() {
                    out.push_str(&format!("{pad}}}\n"));
                } else {
                    out.push_str(&format!("{pad}}} else {{\n"));
                    for s in els {
                        self.stmt(s, depth + 1, out);
                    }
                    out.push_str(&format!("{pad}}}\n"));
                }
            }
            Stmt::While { cond, body } => {
                out.push_str(&format!("{pad}while ({}) {{\n", self.expr(cond)));
                for s in body {
                    self.stmt(s, depth + 1, out);
                }
                out.push_str(&format!("{pad}}}\n"));
            }
        }
    }
}

/// herd's spelling of a proposition, fully parenthesised.
pub fn prop_text(t: &Litmus, p: &Prop) -> String {
    match p {
        Prop::True => "true".into(),
        Prop::Eq(a, v) => format!("{}={}", t.atom_name(*a), t.render_value(*v)),
        Prop::Not(p) => format!("~({})", prop_text(t, p)),
        Prop::And(a, b) => format!("({} /\\ {})", prop_text(t, a), prop_text(t, b)),
        Prop::Or(a, b) => format!("({} \\/ {})", prop_text(t, a), prop_text(t, b)),
    }
}
