#!/usr/bin/env python3
"""Every atomic ordering in the code says why it is right.

    scripts/check-ordering-comments.py [PATH...]     (default: scenarios src and the example crate)
    scripts/check-ordering-comments.py --self-test

Finds every use of an atomic ordering (`Ordering::Relaxed`, `Acquire`,
`Release`, `AcqRel`, `SeqCst`) in .rs files, outside `use` lines and
comments, and requires a `//` comment that explains it: a block of `//`
lines directly above the statement (the statement may span lines; blank
lines break the link), or a trailing `//` on the line. The comment must
name the ordering it justifies (e.g. "Relaxed: a display value only") or
say `INTENTIONALLY UNSOUND` (a wrong specimen, naming what is missing).

It also checks the wrong specimens' habit: a scenarios/*/src/ file that
declares a `MayFail` specimen and contains `unsafe` must say
`INTENTIONALLY UNSOUND` somewhere.

Exits 1 listing file:line of every offender, 0 when there is none.
Python 3 standard library only.
"""

import os
import re
import sys
import tempfile

ORDERINGS = ("Relaxed", "Acquire", "Release", "AcqRel", "SeqCst")
USE_RE = re.compile(r"\bOrdering::(" + "|".join(ORDERINGS) + r")\b")
UNSOUND = "INTENTIONALLY UNSOUND"
# Code lines that end like these continue the statement on the next line.
CONTINUES = ("(", ",", "=", "&&", "||", ".", "+", "-", "*", "|", "[")
MAX_CONTINUATION_LINES = 6


def strip_strings(line):
    """The line with string literal contents blanked, so `"//"` inside a
    string is not taken for a comment."""
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)


def split_comment(line):
    """(code, comment) of one line; comment is '' when there is none."""
    clean = strip_strings(line)
    idx = clean.find("//")
    if idx < 0:
        return line, ""
    return clean[:idx], clean[idx:]


def is_comment_line(line):
    return line.lstrip().startswith("//")


def comment_block_above(lines, i):
    """The text of the `//` comment block justifying the statement that
    contains line i: walk up over continuation lines of the statement, then
    collect the contiguous comment lines right above it."""
    j = i - 1
    skipped = 0
    # Walk up over earlier lines of the same statement.
    while j >= 0 and not is_comment_line(lines[j]) and lines[j].strip():
        code, _ = split_comment(lines[j])
        if not code.rstrip().endswith(CONTINUES) or skipped >= MAX_CONTINUATION_LINES:
            break
        skipped += 1
        j -= 1
    block = []
    while j >= 0 and is_comment_line(lines[j]):
        block.append(lines[j].strip())
        j -= 1
    return "\n".join(reversed(block))


def check_text(path, text):
    """Offenders in one file: list of (path, line number, message)."""
    offenders = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        code, trailing = split_comment(line)
        used = USE_RE.findall(strip_strings(code))
        if not used:
            continue
        if re.match(r"\s*(pub(\([^)]*\))?\s+)?use\b", code):
            continue
        explanation = trailing + "\n" + comment_block_above(lines, i)
        if UNSOUND in explanation:
            continue
        missing = sorted({o for o in used if o not in explanation})
        if not explanation.strip():
            offenders.append((path, i + 1, "no comment explaining the ordering"))
        elif missing:
            offenders.append(
                (path, i + 1, "the comment above does not name " + ", ".join(missing))
            )
    if (
        re.search(r"(^|/)scenarios/(catalog|core)/src/", path.replace("\\", "/"))
        and "Expectation::MayFail" in text
        and re.search(r"\bunsafe\b", text)
        and UNSOUND not in text
    ):
        offenders.append(
            (path, 1, "a MayFail specimen with unsafe code but no '%s' note" % UNSOUND)
        )
    return offenders


def rust_files(paths):
    for root in paths:
        if os.path.isfile(root):
            yield root
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in ("target", ".git"))
            for name in sorted(filenames):
                if name.endswith(".rs"):
                    yield os.path.join(dirpath, name)


def check(paths):
    offenders = []
    count = 0
    for path in rust_files(paths):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        count += len(USE_RE.findall(text))
        offenders.extend(check_text(path, text))
    return offenders, count


FIXTURES = {
    # name: (source, expected offending line numbers)
    "missing.rs": (
        "fn f(a: &AtomicUsize) {\n"
        "    a.store(1, Ordering::Release);\n"
        "}\n",
        [2],
    ),
    "documented.rs": (
        "use std::sync::atomic::{AtomicUsize, Ordering};\n"
        "use std::sync::atomic::Ordering::Relaxed as R;\n"
        "fn f(a: &AtomicUsize) -> bool {\n"
        "    // Release: publishes the writes above to an Acquire load.\n"
        "    a.store(1, Ordering::Release);\n"
        "    a.load(Ordering::Relaxed) == 1 // Relaxed: only a count\n"
        "}\n"
        "fn g(a: &AtomicUsize) {\n"
        "    // AcqRel: both halves needed,\n"
        "    // see the Arc case study.\n"
        "    if a.fetch_sub(\n"
        "        1,\n"
        "        Ordering::AcqRel,\n"
        "    ) == 1 {}\n"
        "    let _ = std::cmp::Ordering::Less;\n"
        '    let _ = "Ordering::SeqCst in a string";\n'
        "}\n",
        [],
    ),
    "wrong_name.rs": (
        "fn f(a: &AtomicUsize) {\n"
        "    // Acquire: pairs with the store.\n"
        "    a.load(Ordering::Relaxed);\n"
        "}\n",
        [3],
    ),
    "blank_breaks_link.rs": (
        "fn f(a: &AtomicUsize) {\n"
        "    // Relaxed: a counter.\n"
        "\n"
        "    a.load(Ordering::Relaxed);\n"
        "    // Relaxed: the comment above the previous statement does not\n"
        "    // cover the next one.\n"
        "    a.load(Ordering::Relaxed);\n"
        "    a.load(Ordering::Relaxed);\n"
        "}\n",
        [4, 8],
    ),
    "unsound.rs": (
        "fn f(a: &AtomicUsize) {\n"
        "    // INTENTIONALLY UNSOUND: missing Release.\n"
        "    a.store(1, Ordering::Relaxed);\n"
        "}\n",
        [],
    ),
}


def self_test():
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (source, _) in FIXTURES.items():
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(source)
        offenders, _ = check([tmp])
        for name, (_, expected) in FIXTURES.items():
            got = sorted(line for p, line, _ in offenders if p.endswith(name))
            if got != expected:
                failures.append("%s: expected offenders at %s, got %s" % (name, expected, got))
        # The MayFail habit.
        spec = os.path.join(tmp, "scenarios", "catalog", "src")
        os.makedirs(spec)
        with open(os.path.join(spec, "bad.rs"), "w", encoding="utf-8") as f:
            f.write("const E: Expectation = Expectation::MayFail;\nfn f() { unsafe {} }\n")
        offenders, _ = check([spec])
        if [line for _, line, _ in offenders] != [1]:
            failures.append("MayFail file without the note was not reported: %s" % offenders)
    if failures:
        for f in failures:
            print("self-test FAILED: " + f, file=sys.stderr)
        return 1
    print("check-ordering-comments: self-test passed (%d fixtures)" % (len(FIXTURES) + 1))
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    paths = argv[1:] or [
        p
        for p in (
            os.path.join(root, "scenarios"),
            os.path.join(root, "src"),
            os.path.join(root, "examples", "handrolled", "src"),
            os.path.join(root, "examples", "handrolled", "tests"),
            os.path.join(root, "examples", "handrolled", "benches"),
        )
        if os.path.exists(p)
    ]
    offenders, count = check(paths)
    for path, line, message in offenders:
        print("%s:%d: %s" % (os.path.relpath(path, root), line, message), file=sys.stderr)
    if offenders:
        print(
            "check-ordering-comments: %d of %d atomic orderings lack an explaining comment"
            % (len(offenders), count),
            file=sys.stderr,
        )
        return 1
    print("check-ordering-comments: all %d atomic orderings explained" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
