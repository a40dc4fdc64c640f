#!/usr/bin/env python3
"""The must-pass evidence table: for each report of `orderhunt run`, every
must-pass result's iterations, anomalies and the 95% upper bound on its
anomaly rate that those iterations reach (`anomaly_rate_upper_95`, exact
Clopper-Pearson), per machine architecture.

    scripts/must-pass-bounds.py [--target N] REPORT.json...

Prints a Markdown table (the nightly soak workflow appends it to the job
summary). A row below --target iterations (default 10^8; a run cut short by
the job's time limit writes an interrupted report) is marked "short". Exit
1 when any must-pass result shows an anomaly, 2 when no must-pass result
was found at all (nothing was verified), else 0. Standard library only.
"""

import argparse
import json
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--target", type=int, default=100_000_000, help="iterations each result should reach")
    p.add_argument("reports", nargs="+")
    args = p.parse_args()
    rows, anomalous = [], 0
    for path in args.reports:
        try:
            with open(path, encoding="utf-8") as f:
                report = json.load(f)
        except (OSError, ValueError) as e:
            print("must-pass-bounds: %s: unreadable: %s" % (path, e), file=sys.stderr)
            return 2
        m = report.get("machine", {})
        arch = m.get("arch", "?")
        if m.get("emulated"):
            arch += " (emulated)"
        for r in report.get("results", []):
            if r.get("expectation") != "must-pass":
                continue
            n, k = int(r["iterations_completed"]), int(r["anomalies"])
            anomalous += k > 0
            status = "**ANOMALY**" if k else ("ok" if n >= args.target else "short")
            rows.append((arch, r["scenario"], n, k, int(r.get("forbidden", 0)),
                         float(r["anomaly_rate_upper_95"]), status, m.get("cpu_model") or "?"))
    if not rows:
        print("must-pass-bounds: no must-pass result in %s" % " ".join(args.reports), file=sys.stderr)
        return 2
    print("| arch | scenario | iterations | anomalies | forbidden | rate < (95%) | status | CPU |")
    print("|---|---|---:|---:|---:|---:|---|---|")
    for arch, name, n, k, bad, upper, status, cpu in sorted(rows):
        print("| %s | `%s` | %d | %d | %d | %.1e | %s | %s |" % (arch, name, n, k, bad, upper, status, cpu))
    short = sum(1 for r in rows if r[6] == "short")
    print()
    print("%d must-pass results; %d with an anomaly; %d short of %d iterations (cut by the job's time "
          "limit: their bound is what they reached)." % (len(rows), anomalous, short, args.target))
    return 1 if anomalous else 0


if __name__ == "__main__":
    sys.exit(main())
