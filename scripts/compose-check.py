#!/usr/bin/env python3
"""Checks that running a litmus test's instances back to back (what
`--flag-group` does) allows no outcome the test alone forbids, for the
built-in catalog: each litmus/<variant>.litmus is composed with a renamed
copy of itself (each thread runs its part of copy A, then its part of copy
B, on locations of their own), and `orderhunt predict` must observe copy A's
and copy B's condition as it observes the test's alone (never, sometimes,
always), model by model.

    scripts/compose-check.py [path/to/orderhunt]

Exits 1 on a difference, 2 when nothing was checked."""
import json, pathlib, re, subprocess, sys, tempfile

root = pathlib.Path(__file__).resolve().parent.parent
binary = sys.argv[1] if len(sys.argv) > 1 else str(root / "target/release/orderhunt")


def parse(text):
    head, rest = text.split("{", 1)
    init, rest = rest.split("}", 1)
    threads = re.findall(r"(P\d+)\s*\(([^)]*)\)\s*\{(.*?)\n\}", rest, re.S)
    cond = rest[rest.rindex("exists"):].strip()
    return head, init, threads, cond


def rename(code, locs, regs, suffix):
    for l in locs:
        code = re.sub(rf"\b{l}\b", l + suffix, code)
    for r in regs:
        code = re.sub(rf"\b{r}\b", r + suffix, code)
    return code


def compose(text, cond_of):
    head, init, threads, cond = parse(text)
    locs = sorted({p.split("*")[-1].strip() for t in threads for p in t[1].split(",")})
    regs = sorted(set(re.findall(r"\b(r\d+)\b", "".join(t[2] for t in threads))))
    name = head.split()[1]
    out = [f"C {name}_{cond_of}\n", "{ " + " ".join(
        f"{l}=0; {l}_b=0;" for l in locs) + " }\n"]
    for p, params, body in threads:
        ps = ", ".join(f"atomic_int* {l}, atomic_int* {l}_b" for l in locs)
        out.append(f"{p} ({ps}) {{{body}\n{rename(body, locs, regs, '_b')}\n}}\n")
    c = cond if cond_of == "a" else rename(cond, locs, regs, "_b")
    out.append(c + "\n")
    return "".join(out)


def verdicts(path):
    out = subprocess.run([binary, "predict", "--json", str(path)], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f"predict {path}: {out.stderr}")
    data = json.loads(out.stdout)
    test = data[0] if isinstance(data, list) else data
    return {m: v["observation"] for m, v in test["models"].items()}


# The built-in catalog's variants (`orderhunt list`, family litmus).
CATALOG = """sb sb-relacq sb-seqcst sb-fences lb lb-relacq lb-seqcst mp mp-relacq
mp-fences mp-seqcst r r-seqcst r-fences s s-relacq s-seqcst 2+2w
2+2w-release 2+2w-seqcst 2+2w-fences corr wrc wrc-relacq wrc-seqcst iriw
iriw-relacq iriw-seqcst iriw-fences""".split()

checked = differ = 0
with tempfile.TemporaryDirectory() as tmp:
    for f in [root / "litmus" / f"{n}.litmus" for n in CATALOG]:
        text = f.read_text()
        alone = verdicts(f)
        for copy in "ab":
            p = pathlib.Path(tmp) / f"{f.stem}_{copy}.litmus"
            p.write_text(compose(text, copy))
            got = verdicts(p)
            checked += 1
            if got != alone:
                differ += 1
                print(f"{f.stem}, copy {copy}: alone {alone}, composed {got}")
print(f"compose-check: {checked} composed tests, {differ} differ")
sys.exit(2 if checked == 0 else 1 if differ else 0)
