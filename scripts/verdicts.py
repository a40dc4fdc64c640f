#!/usr/bin/env python3
"""The verdict tables: every specimen x {hardware stress, loom, Miri}, and
every litmus variant x {hardware models, stress, loom, Miri}.

Run through scripts/verdicts.sh; see its header for usage. Python 3
standard library only.

Sources (never invented: a column that was not computed says so):
  loom    target/verdicts/loom.tsv, written by scripts/loom.sh
  Miri    target/verdicts/miri.tsv, written by scripts/miri.sh
  stress  `orderhunt run NAME --iterations N --json --quiet`, run here
          (skipped with --no-stress); N is --iterations for the specimens
          and --litmus-iterations for the litmus catalog
  lists   scripts/specimens.tsv and scripts/litmus.tsv (the latter with
          the model's verdict on each weak outcome and loom's expected
          verdict; Miri's is `clean` for every litmus variant)

Write mode (default) puts the Markdown table between the markers
`<!-- verdicts:begin -->` and `<!-- verdicts:end -->` in every file given
(default: README.md, and docs/verdicts.md, which is created if missing),
and writes docs/verdicts.json. A column not recomputed in this run keeps
the values committed in docs/verdicts.json (with the date and machine they
were computed on), so running loom and Miri in CI never wipes a stress
column measured elsewhere.

Check mode (--check) writes nothing. It fails when
  * a fresh loom or Miri verdict (target/verdicts/*.tsv) differs from the
    committed one in docs/verdicts.json, or
  * a file's table between the markers is not what docs/verdicts.json
    renders to (someone edited the table by hand, or forgot to regenerate).
A column with no fresh verdict (Miri unavailable, say) is reported loudly
as not compared, and does not fail the check.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = "<!-- verdicts:begin -->"
END = "<!-- verdicts:end -->"
JSON_PATH = os.path.join("docs", "verdicts.json")
SCHEMA = "orderhunt.verdicts/1"
COLUMNS = ("stress", "loom", "miri")


def specimens():
    """[(name, expectation)] from scripts/specimens.tsv."""
    out = []
    with open(os.path.join(ROOT, "scripts", "specimens.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            name, expectation = line.split("\t")[:2]
            out.append((name, expectation))
    return out


def litmus():
    """[(name, model, loom_expected)] from scripts/litmus.tsv; model is
    `allowed` or `forbidden` (the weak outcome, for those orderings)."""
    out = []
    path = os.path.join(ROOT, "scripts", "litmus.tsv")
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            name, model, loom = line.split("\t")[:3]
            out.append((name, model, loom))
    return out


LOOM_WORDS = {
    "weak-reachable": "weak reachable",
    "weak-unreachable": "weak unreachable",
    "beyond-loom": "beyond loom (LB)",
    "false-alarm": "false alarm (loom#180)",
}


def expected_verdict(expectation):
    return "caught" if expectation == "may-fail" else "clean"


def read_tsv(path):
    """(header comment, {name: (verdict, detail)}) or (None, {})."""
    if not os.path.exists(path):
        return None, {}
    header = None
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                header = line.lstrip("# ").strip()
                continue
            parts = line.split("\t")
            if len(parts) < 3 or parts[0] == "name":
                continue
            rows[parts[0]] = (parts[2], parts[3] if len(parts) > 3 else "")
    return header, rows


def load_committed():
    path = os.path.join(ROOT, JSON_PATH)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def today():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")


def fresh_tool_column(tool):
    """A column from target/verdicts/<tool>.tsv, or None when there is no
    fresh verdict for any specimen."""
    header, rows = read_tsv(os.path.join(ROOT, "target", "verdicts", tool + ".tsv"))
    if not rows:
        return None
    cells = {}
    for name, _ in specimens():
        verdict, detail = rows.get(name, ("not-computed", ""))
        cells[name] = {"verdict": verdict, "detail": detail}
    if all(c["verdict"] == "not-computed" for c in cells.values()):
        return None
    harness = {
        k: {"verdict": v, "detail": d} for k, (v, d) in rows.items() if k.startswith("harness:")
    }
    lit = {}
    for name, _, _ in litmus():
        verdict, detail = rows.get(name, ("not-computed", ""))
        lit[name] = {"verdict": verdict, "detail": detail}
    return {
        "source": "scripts/%s.sh" % tool,
        "settings": header or "",
        "computed": today(),
        "machine": platform.machine(),
        "cells": cells,
        "harness": harness,
        "litmus": lit,
    }


def run_stress(iterations, command, names=None):
    """The stress column: one `run` per specimen (or per name in `names`)
    through the CLI."""
    cells = {}
    machine = None
    for name in names if names is not None else [n for n, _ in specimens()]:
        argv = command + ["run", name, "--iterations", str(iterations), "--json", "--quiet"]
        print("verdicts: stress: %s" % " ".join(argv), file=sys.stderr)
        try:
            proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
        except OSError as e:
            cells[name] = {"verdict": "not-computed", "detail": "could not run: %s" % e}
            continue
        try:
            report = json.loads(proc.stdout)
            result = report["results"][0]
            anomalies = int(result["anomalies"])
            completed = int(result["iterations_completed"])
            upper = float(result["anomaly_rate_upper_95"])
        except (ValueError, KeyError, IndexError, TypeError):
            err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            cells[name] = {
                "verdict": "not-computed",
                "detail": "CLI exit %d: %s" % (proc.returncode, err[:160]),
            }
            continue
        m = report.get("machine", {})
        machine = machine or "%s, %s, %s logical CPUs" % (
            m.get("arch", platform.machine()),
            m.get("cpu_model") or "unknown CPU",
            m.get("logical_cpus", "?"),
        )
        first = result.get("first_anomaly") or {}
        cells[name] = {
            "verdict": "caught" if anomalies > 0 else "clean",
            "anomalies": anomalies,
            "iterations": completed,
            "first_anomaly_iteration": first.get("iteration"),
            "rate_upper_95": upper,
            "forbidden": int(result.get("forbidden", 0)),
            "hardware_models": result.get("hardware_models") or {},
            "detail": "",
        }
    if all(c["verdict"] == "not-computed" for c in cells.values()):
        return None, cells
    return {
        "source": "orderhunt run NAME --iterations %d --json --quiet" % iterations,
        "settings": "%d iterations" % iterations,
        "computed": today(),
        "machine": machine or platform.machine(),
        "cells": cells,
    }, cells


def stress_text(cell, expectation):
    v = cell.get("verdict", "not-computed")
    if v == "not-computed":
        return "not computed"
    n, k = cell["iterations"], cell["anomalies"]
    if k > 0:
        first = cell.get("first_anomaly_iteration")
        where = ", first at %s" % first if first else ""
        text = "caught: %d of %d%s" % (k, n, where)
        return text if expectation == "may-fail" else "**ANOMALY**: " + text[8:]
    bound = "rate < %.1e at 95%%" % cell["rate_upper_95"]
    if expectation == "may-fail":
        return "not seen: 0 of %d (%s)" % (n, bound)
    return "clean: 0 of %d (%s)" % (n, bound)


def tool_text(cell, expectation):
    v = cell.get("verdict", "not-computed")
    want = expected_verdict(expectation)
    if v == "not-computed":
        return "not computed"
    if v == want:
        return v
    return "**%s** (expected %s)" % (v.upper(), want)


def render(data):
    """The Markdown between the markers, from the verdict data alone."""
    cols = data["columns"]
    stress = cols.get("stress")
    head_stress = "hardware stress"
    if stress:
        head_stress = "stress, %s (%s)" % (stress["settings"], stress["machine"].split(",")[0])
    lines = [
        "Generated by `scripts/verdicts.sh` (do not edit by hand). Regenerate with:",
        "",
        "```",
        "scripts/loom.sh; scripts/miri.sh; scripts/verdicts.sh --iterations %d --litmus-iterations %d"
        % (data.get("stress_iterations", 100000), data.get("litmus_iterations", 1000000)),
        "```",
        "",
        "| specimen | expected | %s | loom | Miri |" % head_stress,
        "|---|---|---|---|---|",
    ]
    for name, expectation in specimens():
        cells = [
            "`%s`" % name,
            "%s (%s)" % (expectation, expected_verdict(expectation)),
            stress_text(stress["cells"].get(name, {}), expectation) if stress else "not computed",
        ]
        for tool in ("loom", "miri"):
            col = cols.get(tool)
            cells.append(tool_text(col["cells"].get(name, {}), expectation) if col else "not computed")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "*caught*: the tool reported the specimen's bug (loom: a causality "
        "violation; Miri: undefined behaviour, a data race; stress: anomalies "
        "counted). *clean*: nothing reported. *not seen*: a wrong specimen "
        "that this hardware did not break in that many iterations, which "
        "proves nothing (x86 keeps stores in order; ARM breaks these)."
    )
    lines.append("")
    for tool, label in (("stress", "stress"), ("loom", "loom"), ("miri", "Miri")):
        col = cols.get(tool)
        if col:
            lines.append(
                "- %s: `%s`, %s, computed %s on %s."
                % (label, col["source"], col["settings"] or "default settings", col["computed"], col["machine"])
            )
        else:
            lines.append("- %s: not computed yet." % label)
    harness = (cols.get("loom") or {}).get("harness") or {}
    mharness = (cols.get("miri") or {}).get("harness") or {}
    if harness or mharness:
        parts = ["%s %s" % (k.split(":", 1)[1], v["verdict"]) for k, v in sorted(harness.items())]
        lines.append("- harness rendezvous under loom: " + (", ".join(parts) or "not computed") + ".")
        parts = ["%s %s" % (k.split(":", 1)[1], v["verdict"]) for k, v in sorted(mharness.items())]
        lines.append("- harness under Miri: " + (", ".join(parts) or "not computed") + ".")
    if litmus():
        lines.append("")
        lines.extend(render_litmus(data))
    return "\n".join(lines) + "\n"


def litmus_stress_text(cell, model):
    if cell.get("verdict", "not-computed") == "not-computed":
        return "not computed"
    n, k, bad = cell["iterations"], cell["anomalies"], cell.get("forbidden", 0)
    if k == 0:
        return "0 of %d (rate < %.1e at 95%%)" % (n, cell["rate_upper_95"])
    text = "%d of %d" % (k, n)
    if model == "forbidden" or bad:
        return "**FORBIDDEN**: %s" % text
    return text


def litmus_loom_text(cell, expected):
    v = cell.get("verdict", "not-computed")
    if v == "not-computed":
        return "not computed"
    if v == expected:
        return LOOM_WORDS.get(v, v)
    return "**%s** (expected %s)" % (LOOM_WORDS.get(v, v), LOOM_WORDS.get(expected, expected))


def litmus_miri_text(cell):
    v = cell.get("verdict", "not-computed")
    if v == "not-computed":
        return "not computed"
    if v != "clean":
        return "**%s** (expected clean)" % v.upper()
    # detail: "no report in S seeds; weak outcome in K of N runs"
    detail = cell.get("detail", "")
    if "weak outcome in " in detail:
        return "clean, weak %s" % detail.split("weak outcome in ", 1)[1].replace(" runs", "")
    return "clean"


def render_litmus(data):
    """The litmus catalog table."""
    cols = data["columns"]
    stress = cols.get("litmus_stress")
    head_stress = "stress"
    if stress:
        head_stress = "weak outcomes, stress %s (%s)" % (stress["settings"], stress["machine"].split(",")[0])
    lines = [
        "### Litmus catalog",
        "",
        "| scenario | weak outcome (model) | hardware models | %s | loom | Miri |" % head_stress,
        "|---|---|---|---|---|---|",
    ]
    for name, model, loom_expected in litmus():
        scell = stress["cells"].get(name, {}) if stress else {}
        hw = scell.get("hardware_models") or {}
        hw_text = ", ".join("%s %s" % (k, hw[k]) for k in ("x86-TSO", "ARMv8") if k in hw) or "not computed"
        cells = [
            "`%s`" % name,
            "%s (%s)" % (model, "may-fail" if model == "allowed" else "must-pass"),
            hw_text,
            litmus_stress_text(scell, model) if stress else "not computed",
        ]
        lcol = cols.get("loom")
        cells.append(litmus_loom_text((lcol.get("litmus") or {}).get(name, {}), loom_expected)
                     if lcol else "not computed")
        mcol = cols.get("miri")
        cells.append(litmus_miri_text((mcol.get("litmus") or {}).get(name, {})) if mcol else "not computed")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "*weak outcome (model)*: whether the Rust (C11) memory model allows the "
        "shape's non-SC outcome for these orderings. *hardware models*: whether "
        "x86-TSO and ARMv8 allow it for the code as compiled (herdtools7; see "
        "`docs/litmus.md`). *stress*: how often this machine produced it "
        "(0 proves nothing where the model allows it). loom: *weak reachable* / "
        "*weak unreachable* in every explored execution; *beyond loom (LB)*: "
        "allowed, but loom does not explore load buffering (left to Miri and "
        "hardware); *false alarm (loom#180)*: forbidden, but loom models SeqCst "
        "accesses as AcqRel (tokio-rs/loom#180), so it reaches it; the `-fences` "
        "variants of those shapes are checked instead. Miri: *clean* is no data race "
        "and no undefined behaviour (all accesses are atomics), with how often its "
        "weak-memory emulation produced the weak outcome."
    )
    lines.append("")
    if stress:
        lines.append("- stress: `%s`, %s, computed %s on %s."
                     % (stress["source"], stress["settings"], stress["computed"], stress["machine"]))
    else:
        lines.append("- stress: not computed yet.")
    return lines


def replace_between(text, block):
    b, e = text.find(BEGIN), text.find(END)
    if b < 0 or e < b:
        return None
    return text[: b + len(BEGIN)] + "\n" + block + text[e:]


def between(text):
    b, e = text.find(BEGIN), text.find(END)
    if b < 0 or e < b:
        return None
    return text[b + len(BEGIN) : e].strip("\n")


def default_files():
    """docs/verdicts.md, and README.md when it carries the markers (a README
    without them is named loudly, not failed: the table's home is
    docs/verdicts.md, and the README includes it by the same markers)."""
    files = []
    readme = os.path.join(ROOT, "README.md")
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as f:
            if BEGIN in f.read():
                files.append("README.md")
            else:
                print("verdicts: NOTE: README.md has no %s ... %s markers; its table is not maintained"
                      % (BEGIN, END), file=sys.stderr)
    files.append(os.path.join("docs", "verdicts.md"))
    return files


DOC_SKELETON = """# Verdicts

Every specimen, checked three independent ways: stress on real hardware,
exhaustive model checking by loom, and Miri's data-race detector. See
`docs/verification.md` for what each script does and how long it takes.

%s
%s
""" % (BEGIN, END)


def write(args):
    committed = load_committed() or {"schema": SCHEMA, "columns": {}}
    data = {"schema": SCHEMA, "columns": dict(committed.get("columns", {}))}
    data["stress_iterations"] = committed.get("stress_iterations", args.iterations)
    data["litmus_iterations"] = committed.get("litmus_iterations", args.litmus_iterations)
    for tool in ("loom", "miri"):
        col = fresh_tool_column(tool)
        if col:
            data["columns"][tool] = col
        else:
            print("verdicts: no fresh %s verdicts (target/verdicts/%s.tsv); keeping the committed column"
                  % (tool, tool), file=sys.stderr)
    if not args.no_stress:
        command = args.bin.split() if args.bin else ["cargo", "run", "--release", "-q", "--"]
        col, cells = run_stress(args.iterations, command)
        if col:
            data["columns"]["stress"] = col
            data["stress_iterations"] = args.iterations
        else:
            first = next(iter(cells.values()), {}).get("detail", "")
            print("verdicts: stress NOT COMPUTED (%s); keeping the committed column" % first,
                  file=sys.stderr)
        names = [n for n, _, _ in litmus()]
        if names:
            col, cells = run_stress(args.litmus_iterations, command, names)
            if col:
                data["columns"]["litmus_stress"] = col
                data["litmus_iterations"] = args.litmus_iterations
            else:
                first = next(iter(cells.values()), {}).get("detail", "")
                print("verdicts: litmus stress NOT COMPUTED (%s); keeping the committed column" % first,
                      file=sys.stderr)
    block = render(data)
    os.makedirs(os.path.join(ROOT, "docs"), exist_ok=True)
    with open(os.path.join(ROOT, JSON_PATH), "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    for rel in args.files or default_files():
        path = os.path.join(ROOT, rel)
        if not os.path.exists(path):
            if rel != os.path.join("docs", "verdicts.md"):
                print("verdicts: %s does not exist; skipped" % rel, file=sys.stderr)
                continue
            with open(path, "w", encoding="utf-8") as f:
                f.write(DOC_SKELETON)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = replace_between(text, block)
        if new is None:
            print("verdicts: %s has no %s ... %s markers; skipped" % (rel, BEGIN, END), file=sys.stderr)
            continue
        if new != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            print("verdicts: updated %s" % rel, file=sys.stderr)
    sys.stdout.write(block)
    return 0


def check(args):
    committed = load_committed()
    if committed is None:
        print("verdicts --check: FAIL: %s is missing; run scripts/verdicts.sh" % JSON_PATH, file=sys.stderr)
        return 1
    failures = []
    for tool in ("loom", "miri"):
        fresh = fresh_tool_column(tool)
        old = committed["columns"].get(tool)
        if fresh is None:
            print("verdicts --check: %s: NO FRESH VERDICTS, NOT COMPARED (did scripts/%s.sh run?)"
                  % (tool, tool), file=sys.stderr)
            continue
        if old is None:
            failures.append("%s: the committed table has no %s column" % (tool, tool))
            continue
        for name, _ in specimens():
            f = fresh["cells"][name]["verdict"]
            o = old["cells"].get(name, {}).get("verdict", "not-computed")
            if f != o:
                failures.append("%s %s: fresh verdict %s, committed %s" % (tool, name, f, o))
        for name, _, _ in litmus():
            f = fresh["litmus"][name]["verdict"]
            o = (old.get("litmus") or {}).get(name, {}).get("verdict", "not-computed")
            if f != o:
                failures.append("%s litmus %s: fresh verdict %s, committed %s" % (tool, name, f, o))
        for name, cell in fresh.get("harness", {}).items():
            o = old.get("harness", {}).get(name, {}).get("verdict", "not-computed")
            if cell["verdict"] != o:
                failures.append("%s %s: fresh verdict %s, committed %s" % (tool, name, cell["verdict"], o))
        print("verdicts --check: %s: fresh verdicts compared with the committed table" % tool)
    block = render(committed).strip("\n")
    for rel in args.files or default_files():
        path = os.path.join(ROOT, rel)
        if not os.path.exists(path):
            failures.append("%s: missing" % rel)
            continue
        with open(path, encoding="utf-8") as f:
            got = between(f.read())
        if got is None:
            failures.append("%s: no %s ... %s markers" % (rel, BEGIN, END))
        elif got != block:
            failures.append("%s: the table differs from what %s renders to (hand-edited, or not regenerated)"
                            % (rel, JSON_PATH))
        else:
            print("verdicts --check: %s: table matches %s" % (rel, JSON_PATH))
    for f in failures:
        print("verdicts --check: FAIL: " + f, file=sys.stderr)
    if failures:
        print("verdicts --check: regenerate with scripts/loom.sh; scripts/miri.sh; scripts/verdicts.sh",
              file=sys.stderr)
        return 1
    print("verdicts --check: OK")
    return 0


def main():
    p = argparse.ArgumentParser(description="The verdict table (see scripts/verdicts.sh).")
    p.add_argument("--check", action="store_true", help="compare, write nothing")
    p.add_argument("--no-stress", action="store_true", help="do not run the stress column")
    p.add_argument("--iterations", type=int, default=100000,
                   help="stress iterations per specimen (default 100000)")
    p.add_argument("--litmus-iterations", type=int, default=1000000,
                   help="stress iterations per litmus variant (default 1000000)")
    p.add_argument("--bin", help="orderhunt command for the stress column (default: cargo run --release -q --)")
    p.add_argument("files", nargs="*", help="files with the markers (default: README.md docs/verdicts.md)")
    args = p.parse_args()
    return check(args) if args.check else write(args)


if __name__ == "__main__":
    sys.exit(main())
