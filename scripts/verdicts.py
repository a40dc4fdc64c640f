#!/usr/bin/env python3
"""The verdict tables: every specimen x {hardware stress, loom, Miri}, and
every litmus variant x {hardware models, stress, loom, Miri}.

Run through scripts/verdicts.sh; see its header for usage. Python 3
standard library only.

Sources (never invented: a column that was not computed says so):
  catalog `orderhunt list --json` (through --bin, default `cargo run
          --release -q --`): every scenario's name, expectation and the
          per-architecture verdicts under HARDWARE_KEY ("hardware_models"
          today), whatever computes them (typed in `Info` today, a
          memory-model oracle later). The expectation and model columns
          and the hardware-models column come from here and nowhere else.
  loom    target/verdicts/loom.tsv, written by scripts/loom.sh
  Miri    target/verdicts/miri.tsv, written by scripts/miri.sh
  stress  `orderhunt run NAME --iterations N --json --quiet`, run here
          (skipped with --no-stress); N is --iterations for the specimens
          and --litmus-iterations for the litmus catalog
  lists   scripts/specimens.tsv and scripts/litmus.tsv, the lists loom.sh
          and miri.sh walk (litmus.tsv also holds loom's expected verdict).
          Both must name exactly what `list --json` names, in order, with
          the same expectations; any difference fails both modes.

Write mode (default) puts the Markdown table between the markers
`<!-- verdicts:begin -->` and `<!-- verdicts:end -->` in every file given
(default: README.md, and docs/verdicts.md, which is created if missing),
and writes docs/verdicts.json. A measured column not recomputed in this
run keeps the values committed in docs/verdicts.json (with the date and
machine they were computed on), so running loom and Miri in CI never
wipes a stress column measured elsewhere. The catalog is always taken
fresh from the code.

Check mode (--check) writes nothing. It regenerates every column the code
can produce and fails when
  * the catalog from `list --json` differs from the one committed in
    docs/verdicts.json, or from scripts/specimens.tsv / litmus.tsv;
  * a fresh loom or Miri verdict (target/verdicts/*.tsv) differs from the
    committed one;
  * a file's table between the markers is not exactly what the fresh
    catalog, the fresh verdicts and the committed measurements render to
    (every cell and every legend is regenerated and compared).
Not compared, because they are measurements that vary by machine, luck or
tool version: the stress column, Miri's count of weak outcomes, timings.
A loom or Miri column with no fresh verdict fails the check when CI=true
(as CI runners set it); locally it is reported loudly as not compared.

--self-test feeds the comparison canned inputs (a drifted hardware cell, a
hand-edited table, a changed loom verdict, a missing Miri column under CI)
and fails unless each is caught and the clean input passes.
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
SCHEMA = "orderhunt.verdicts/2"
# The key of `list --json` holding the per-architecture verdicts on each
# scenario's weak outcome ({"x86-TSO": "...", "ARMv8": "..."} today). The
# table shows every entry under it, in HARDWARE_ORDER first, verbatim.
HARDWARE_KEY = "hardware_models"
HARDWARE_ORDER = ("x86-TSO", "ARMv8")
LITMUS_FAMILY = "litmus"


class CatalogError(Exception):
    pass


def in_ci():
    """True on a CI runner (GitHub Actions and most others set CI=true)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def read_list(name, ncols):
    """Rows of scripts/<name> (tab-separated, # comments), first ncols fields."""
    out = []
    path = os.path.join(ROOT, "scripts", name)
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < ncols:
                raise CatalogError("scripts/%s: %r has fewer than %d fields" % (name, line, ncols))
            out.append(tuple(fields[:ncols]))
    return out


def specimens():
    """[(name, expectation)] from scripts/specimens.tsv."""
    return read_list("specimens.tsv", 2)


def litmus():
    """[(name, model, loom_expected)] from scripts/litmus.tsv."""
    return read_list("litmus.tsv", 3)


def list_command(args):
    return (args.bin.split() if args.bin else ["cargo", "run", "--release", "-q", "--"])


def fresh_catalog(command):
    """The catalog as the code computes it: `orderhunt list --json`, as
    {"source", "specimens": [entry], "litmus": [entry]} with entry
    {"name", "expectation", "hardware"}. Raises CatalogError when the CLI
    cannot run or says something this script cannot read."""
    argv = command + ["list", "--json"]
    print("verdicts: catalog: %s" % " ".join(argv), file=sys.stderr)
    try:
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    except OSError as e:
        raise CatalogError("could not run %s: %s" % (" ".join(argv), e))
    if proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise CatalogError("%s: exit %d: %s" % (" ".join(argv), proc.returncode, err))
    try:
        entries = json.loads(proc.stdout)
    except ValueError as e:
        raise CatalogError("list --json printed no JSON: %s" % e)
    return catalog_from_list(entries)


def catalog_from_list(entries):
    out = {"source": "orderhunt list --json", "specimens": [], "litmus": []}
    for e in entries:
        try:
            name, expectation, family = e["name"], e["expectation"], e["family"]
        except (KeyError, TypeError):
            raise CatalogError("list --json: an entry without name/expectation/family: %r" % (e,))
        if expectation not in ("may-fail", "must-pass"):
            raise CatalogError("list --json: %s: unknown expectation %r" % (name, expectation))
        hardware = e.get(HARDWARE_KEY)
        if family == LITMUS_FAMILY and not hardware:
            raise CatalogError(
                "list --json: litmus variant %s has no %r: if the key moved, update HARDWARE_KEY "
                "in scripts/verdicts.py" % (name, HARDWARE_KEY))
        entry = {"name": name, "expectation": expectation, "hardware": dict(hardware or {})}
        out["litmus" if family == LITMUS_FAMILY else "specimens"].append(entry)
    return out


def model_of(expectation):
    """The model's verdict on a litmus variant's weak outcome, as the code
    classifies it: may-fail (weak outcome Interesting) = allowed."""
    return "allowed" if expectation == "may-fail" else "forbidden"


def lists_vs_catalog(catalog):
    """Failures where scripts/specimens.tsv or litmus.tsv disagree with the
    code (loom.sh and miri.sh walk those lists)."""
    failures = []
    want = [(e["name"], e["expectation"]) for e in catalog["specimens"]]
    got = specimens()
    if got != want:
        failures.append("scripts/specimens.tsv %s differs from `list --json` %s" % (got, want))
    want = [(e["name"], model_of(e["expectation"])) for e in catalog["litmus"]]
    got = [(n, m) for n, m, _ in litmus()]
    if got != want:
        diff = [("tsv", g, "code", w) for g, w in zip(got, want) if g != w]
        failures.append("scripts/litmus.tsv differs from `list --json`: %s%s"
                        % (diff or "", " (lengths %d, %d)" % (len(got), len(want)) if len(got) != len(want) else ""))
    return failures


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


def tool_column(tool, header, rows):
    """A column from a verdict file's rows, or None when it holds no
    computed verdict at all."""
    if not rows:
        return None
    cells = {}
    for name, _ in specimens():
        verdict, detail = rows.get(name, ("not-computed", ""))
        cells[name] = {"verdict": verdict, "detail": detail}
    if all(v == "not-computed" for v, _ in rows.values()):
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


def fresh_tool_column(tool):
    """target/verdicts/<tool>.tsv as a column, or None."""
    header, rows = read_tsv(os.path.join(ROOT, "target", "verdicts", tool + ".tsv"))
    return tool_column(tool, header, rows)


def run_stress(iterations, command, names):
    """The stress column: one `run` per name through the CLI."""
    cells = {}
    machine = None
    for name in names:
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


def hardware_text(hw):
    keys = [k for k in HARDWARE_ORDER if k in hw] + sorted(k for k in hw if k not in HARDWARE_ORDER)
    return ", ".join("%s %s" % (k, hw[k]) for k in keys) or "not computed"


def render(data):
    """The Markdown between the markers, from the verdict data alone (the
    catalog in it is the code's, fresh in both modes)."""
    cols = data["columns"]
    catalog = data["catalog"]
    stress = cols.get("stress")
    head_stress = "hardware stress"
    if stress:
        head_stress = "stress, %s (%s)" % (stress["settings"], stress["machine"].split(",")[0])
    lines = [
        "Generated by `scripts/verdicts.sh` (do not edit by hand; `scripts/verdicts.sh --check` "
        "fails on any difference). Regenerate with:",
        "",
        "```",
        "scripts/loom.sh; scripts/miri.sh; scripts/verdicts.sh --iterations %d --litmus-iterations %d"
        % (data.get("stress_iterations", 100000), data.get("litmus_iterations", 1000000)),
        "```",
        "",
        "| specimen | expected | %s | loom | Miri |" % head_stress,
        "|---|---|---|---|---|",
    ]
    for entry in catalog["specimens"]:
        name, expectation = entry["name"], entry["expectation"]
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
        "*expected*: the scenario's expectation in the code (`orderhunt list`). "
        "*caught*: the tool reported the specimen's bug (loom: a causality "
        "violation; Miri: undefined behaviour, a data race; stress: anomalies "
        "counted). *clean*: nothing reported (loom: in every execution it "
        "explored, preemption bound 3; Miri: in every seed it ran). *not seen*: "
        "a wrong specimen that this hardware did not break in that many "
        "iterations, which proves nothing (x86 keeps stores in order; ARM "
        "breaks these)."
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
    if catalog["litmus"]:
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


LITMUS_LEGEND = (
    "*weak outcome (model)*: whether the Rust (C11) memory model allows the "
    "shape's non-SC outcome for these orderings, as the code classifies it "
    "(`orderhunt list`: allowed is may-fail, forbidden is must-pass). "
    "*hardware models*: the verdicts `orderhunt list` gives per architecture "
    "for the code as compiled (see `docs/litmus.md`). *stress*: how often "
    "this machine produced the weak outcome (0 proves nothing where the "
    "model allows it). loom (`LOOM_MAX_PREEMPTIONS=3`): *weak reachable* / "
    "*weak unreachable* in every execution loom explored within that "
    "preemption bound, not in every execution the model allows; *beyond "
    "loom (LB)*: allowed, but loom does not explore load buffering, and "
    "neither does Miri, so only hardware (ARM) can show it; *false alarm "
    "(loom#180)*: forbidden, but loom models SeqCst accesses as AcqRel "
    "(tokio-rs/loom#180), so it reaches it; the `-fences` variants of those "
    "shapes are checked instead, and loom's `fence(SeqCst)` is stronger "
    "than C++20's, so their *weak unreachable* holds for loom's fence; the "
    "oracle's RC11 verdict forbids the weak outcome of every `-fences` "
    "variant too (test `each_variant_text_is_its_program`), so the two "
    "agree. Miri: *clean* "
    "is no data race and no undefined behaviour (all accesses are atomics), "
    "with how often its weak-memory emulation produced the weak outcome."
)


def render_litmus(data):
    """The litmus catalog table."""
    cols = data["columns"]
    stress = cols.get("litmus_stress")
    loom_expected = {n: l for n, _, l in litmus()}
    head_stress = "stress"
    if stress:
        head_stress = "weak outcomes, stress %s (%s)" % (stress["settings"], stress["machine"].split(",")[0])
    lines = [
        "### Litmus catalog",
        "",
        "| scenario | weak outcome (model) | hardware models | %s | loom | Miri |" % head_stress,
        "|---|---|---|---|---|---|",
    ]
    for entry in data["catalog"]["litmus"]:
        name, expectation = entry["name"], entry["expectation"]
        model = model_of(expectation)
        scell = stress["cells"].get(name, {}) if stress else {}
        cells = [
            "`%s`" % name,
            "%s (%s)" % (model, expectation),
            hardware_text(entry["hardware"]),
            litmus_stress_text(scell, model) if stress else "not computed",
        ]
        lcol = cols.get("loom")
        cells.append(litmus_loom_text((lcol.get("litmus") or {}).get(name, {}),
                                      loom_expected.get(name, "not-listed"))
                     if lcol else "not computed")
        mcol = cols.get("miri")
        cells.append(litmus_miri_text((mcol.get("litmus") or {}).get(name, {})) if mcol else "not computed")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(LITMUS_LEGEND)
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
model checking by loom (every execution it explores, preemption bound 3),
and Miri's data-race detector. See `docs/verification.md` for what each
script does and how long it takes.

%s
%s
""" % (BEGIN, END)


def strip_measured_models(data):
    """Stress cells once carried the run report's hardware models; the
    catalog is now their only source."""
    for key in ("stress", "litmus_stress"):
        for cell in (data["columns"].get(key) or {}).get("cells", {}).values():
            cell.pop("hardware_models", None)


def write(args):
    try:
        catalog = fresh_catalog(list_command(args))
        failures = lists_vs_catalog(catalog)
    except CatalogError as e:
        failures = [str(e)]
    if failures:
        for f in failures:
            print("verdicts: FAIL: " + f, file=sys.stderr)
        return 1
    committed = load_committed() or {"schema": SCHEMA, "columns": {}}
    data = {"schema": SCHEMA, "catalog": catalog, "columns": dict(committed.get("columns", {}))}
    strip_measured_models(data)
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
        command = list_command(args)
        col, cells = run_stress(args.iterations, command, [e["name"] for e in catalog["specimens"]])
        if col:
            data["columns"]["stress"] = col
            data["stress_iterations"] = args.iterations
        else:
            first = next(iter(cells.values()), {}).get("detail", "")
            print("verdicts: stress NOT COMPUTED (%s); keeping the committed column" % first,
                  file=sys.stderr)
        names = [e["name"] for e in catalog["litmus"]]
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


def compare(catalog, fresh_tools, committed, tables, ci):
    """The whole check, pure: (failures, notes).
    catalog      the code's catalog (fresh_catalog)
    fresh_tools  {"loom": column or None, "miri": column or None}
    committed    docs/verdicts.json as loaded
    tables       {file: the text between its markers, or None}
    ci           whether a missing fresh verdict is a failure"""
    failures, notes = [], []
    if committed.get("schema") != SCHEMA:
        failures.append("%s: schema %r, expected %r (regenerate)" % (JSON_PATH, committed.get("schema"), SCHEMA))
    old_catalog = committed.get("catalog")
    if old_catalog is None:
        failures.append("%s has no catalog (regenerate)" % JSON_PATH)
    else:
        old = {e["name"]: e for e in old_catalog.get("specimens", []) + old_catalog.get("litmus", [])}
        new = {e["name"]: e for e in catalog["specimens"] + catalog["litmus"]}
        for name in sorted(set(old) | set(new)):
            o, n = old.get(name), new.get(name)
            if o is None or n is None:
                failures.append("catalog %s: %s in the code, %s in %s"
                                % (name, "present" if n else "absent", "present" if o else "absent", JSON_PATH))
            elif o != n:
                for key in sorted(set(o) | set(n)):
                    if o.get(key) != n.get(key):
                        failures.append("catalog %s %s: the code says %r, %s says %r"
                                        % (name, key, n.get(key), JSON_PATH, o.get(key)))
        if [e["name"] for e in old_catalog.get("specimens", []) + old_catalog.get("litmus", [])] != \
                [e["name"] for e in catalog["specimens"] + catalog["litmus"]] and not failures:
            failures.append("catalog: the order of scenarios differs from the code's")
    data = {k: v for k, v in committed.items()}
    data["catalog"] = catalog
    data["columns"] = dict(committed.get("columns", {}))
    for tool in ("loom", "miri"):
        fresh = fresh_tools.get(tool)
        old = data["columns"].get(tool)
        if fresh is None:
            msg = "%s: NO FRESH VERDICTS (target/verdicts/%s.tsv missing or all not-computed: did scripts/%s.sh run?)" \
                % (tool, tool, tool)
            if ci:
                failures.append(msg + "; CI=true, so a missing verdict fails")
            else:
                notes.append(msg + "; NOT COMPARED (this fails under CI=true)")
            continue
        if old is None:
            failures.append("%s: the committed table has no %s column" % (tool, tool))
            continue
        rows = [(n, fresh["cells"][n], old["cells"].get(n, {})) for n in fresh["cells"]]
        rows += [("litmus " + n, c, (old.get("litmus") or {}).get(n, {})) for n, c in fresh["litmus"].items()]
        rows += [(n, c, (old.get("harness") or {}).get(n, {})) for n, c in fresh["harness"].items()]
        rows += [(n, {}, c) for n, c in (old.get("harness") or {}).items() if n not in fresh["harness"]]
        for name, f, o in rows:
            fv, ov = f.get("verdict", "not-computed"), o.get("verdict", "not-computed")
            if fv != ov:
                failures.append("%s %s: fresh verdict %s, committed %s" % (tool, name, fv, ov))
        notes.append("%s: fresh verdicts compared with the committed table" % tool)
    block = render(data).strip("\n")
    for rel, got in tables.items():
        if got is None:
            failures.append("%s: missing, or no %s ... %s markers" % (rel, BEGIN, END))
        elif got != block:
            gl, bl = got.splitlines(), block.splitlines()
            first = next((i for i in range(max(len(gl), len(bl)))
                          if (gl[i] if i < len(gl) else None) != (bl[i] if i < len(bl) else None)), None)
            failures.append("%s: the table differs from what the code and fresh verdicts render to; first "
                            "difference in table line %d:\n    committed: %s\n    generated: %s"
                            % (rel, first + 1, gl[first] if first < len(gl) else "(none)",
                               bl[first] if first < len(bl) else "(none)"))
        else:
            notes.append("%s: table matches (every generated cell and legend)" % rel)
    return failures, notes


def check(args):
    committed = load_committed()
    if committed is None:
        print("verdicts --check: FAIL: %s is missing; run scripts/verdicts.sh" % JSON_PATH, file=sys.stderr)
        return 1
    try:
        catalog = fresh_catalog(list_command(args))
    except CatalogError as e:
        print("verdicts --check: FAIL: the catalog could not be computed: %s" % e, file=sys.stderr)
        return 1
    failures = lists_vs_catalog(catalog)
    tables = {}
    for rel in args.files or default_files():
        path = os.path.join(ROOT, rel)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                tables[rel] = between(f.read())
        else:
            tables[rel] = None
    fresh = {tool: fresh_tool_column(tool) for tool in ("loom", "miri")}
    more, notes = compare(catalog, fresh, committed, tables, in_ci())
    failures += more
    for n in notes:
        print("verdicts --check: " + n, file=sys.stderr if "NOT" in n else sys.stdout)
    for f in failures:
        print("verdicts --check: FAIL: " + f, file=sys.stderr)
    if failures:
        print("verdicts --check: regenerate with scripts/loom.sh; scripts/miri.sh; scripts/verdicts.sh "
              "--no-stress (or with stress: see the table's header)", file=sys.stderr)
        return 1
    print("verdicts --check: OK")
    return 0


def self_test():
    """The comparison on canned inputs: each drift must be caught."""
    cat = catalog_from_list([
        {"name": "spec", "expectation": "may-fail", "family": "counter", HARDWARE_KEY: {}},
        {"name": "lit", "expectation": "may-fail", "family": LITMUS_FAMILY,
         HARDWARE_KEY: {"x86-TSO": "allowed", "ARMv8": "forbidden with ldar (allowed with RCpc ldapr)"}},
    ])

    def col(verdict):
        return {"source": "s", "settings": "", "computed": "d", "machine": "m",
                "cells": {"spec": {"verdict": verdict, "detail": ""}}, "harness": {},
                "litmus": {"lit": {"verdict": "weak-reachable", "detail": ""}}}

    global specimens, litmus
    saved = specimens, litmus
    specimens = lambda: [("spec", "may-fail")]  # noqa: E731
    litmus = lambda: [("lit", "allowed", "weak-reachable")]  # noqa: E731
    try:
        committed = {"schema": SCHEMA, "catalog": cat, "columns": {"loom": col("caught"), "miri": col("caught")}}
        good = render(committed).strip("\n")
        tools = {"loom": col("caught"), "miri": col("caught")}
        cases = []
        cases.append(("clean input", cat, tools, committed, {"f": good}, True, False))
        drift = json.loads(json.dumps(cat))
        drift["litmus"][0]["hardware"]["ARMv8"] = "forbidden"
        cases.append(("hardware verdict drifted in the code", drift, tools, committed, {"f": good}, True, True))
        cases.append(("a hand-edited cell", cat, tools, committed,
                      {"f": good.replace("| caught | caught |", "| caught | clean |")}, True, True))
        cases.append(("a hand-edited legend", cat, tools, committed,
                      {"f": good.replace("neither does Miri", "Miri does")}, True, True))
        cases.append(("a changed loom verdict", cat, {"loom": col("clean"), "miri": col("caught")},
                      committed, {"f": good}, True, True))
        cases.append(("Miri missing under CI", cat, {"loom": col("caught"), "miri": None},
                      committed, {"f": good}, True, True))
        cases.append(("Miri missing locally", cat, {"loom": col("caught"), "miri": None},
                      committed, {"f": good}, False, False))
        exp = json.loads(json.dumps(cat))
        exp["specimens"][0]["expectation"] = "must-pass"
        cases.append(("an expectation changed in the code", exp, tools, committed, {"f": good}, True, True))
        bad = 0
        for label, c, t, com, tables, ci, want_fail in cases:
            failures, _ = compare(c, t, com, tables, ci)
            ok = bool(failures) == want_fail
            bad += not ok
            print("verdicts --self-test: %s: %s (%s)" % (
                "ok" if ok else "WRONG", label,
                "caught: " + failures[0].splitlines()[0] if failures else "passes"))
        # The lists must agree with the catalog too.
        specimens = lambda: [("spec", "must-pass")]  # noqa: E731
        ok = bool(lists_vs_catalog(cat))
        bad += not ok
        print("verdicts --self-test: %s: scripts/specimens.tsv disagreeing with the code" % ("ok" if ok else "WRONG"))
    finally:
        specimens, litmus = saved
    # A litmus variant without the hardware key is an error, not an empty cell.
    try:
        catalog_from_list([{"name": "x", "expectation": "may-fail", "family": LITMUS_FAMILY}])
        print("verdicts --self-test: WRONG: a litmus entry without %s was accepted" % HARDWARE_KEY)
        bad += 1
    except CatalogError:
        print("verdicts --self-test: ok: a litmus entry without %s is rejected" % HARDWARE_KEY)
    print("verdicts --self-test: %s" % ("FAIL" if bad else "PASS"))
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description="The verdict table (see scripts/verdicts.sh).")
    p.add_argument("--check", action="store_true", help="regenerate and compare, write nothing")
    p.add_argument("--self-test", action="store_true", help="the comparison on canned inputs")
    p.add_argument("--no-stress", action="store_true", help="do not run the stress column")
    p.add_argument("--iterations", type=int, default=100000,
                   help="stress iterations per specimen (default 100000)")
    p.add_argument("--litmus-iterations", type=int, default=1000000,
                   help="stress iterations per litmus variant (default 1000000)")
    p.add_argument("--bin", help="orderhunt command for the catalog and the stress column "
                                 "(default: cargo run --release -q --)")
    p.add_argument("files", nargs="*", help="files with the markers (default: README.md docs/verdicts.md)")
    args = p.parse_args()
    if args.self_test:
        return self_test()
    return check(args) if args.check else write(args)


if __name__ == "__main__":
    sys.exit(main())
