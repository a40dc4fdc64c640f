#!/usr/bin/env bash
# The verdict tables for people: every specimen x {hardware stress at N
# iterations, loom, Miri}, and every litmus variant (scripts/litmus.tsv) x
# {hardware models, weak outcomes under stress, loom, Miri}, as Markdown
# between the markers <!-- verdicts:begin --> and <!-- verdicts:end -->.
#
#   scripts/loom.sh; scripts/miri.sh      # fresh loom and Miri verdicts
#   scripts/verdicts.sh [--iterations N] [--litmus-iterations M] [--no-stress]
#                       [--bin CMD] [FILE...]
#   scripts/verdicts.sh --check [--bin CMD] [FILE...]
#   scripts/verdicts.sh --self-test
#
# Write mode runs `orderhunt run NAME --iterations N --json --quiet` for
# each specimen (default N 100000, through `cargo run --release`, or --bin)
# and for each litmus variant (default M 1000000),
# takes loom and Miri verdicts from target/verdicts/{loom,miri}.tsv, writes
# docs/verdicts.json and updates the table in every FILE (default README.md
# and docs/verdicts.md). A column that was not computed in this run keeps
# its committed values, labelled with when and where they were computed;
# one never computed says "not computed".
#
# The catalog columns (expectation, model, hardware models) always come
# from `orderhunt list --json` (--bin, or `cargo run --release`).
#
# --check writes nothing. It regenerates every column the code can produce
# and fails on any difference: the catalog from `list --json` against
# docs/verdicts.json and scripts/*.tsv, fresh loom and Miri verdicts
# against the committed ones, and every rendered cell and legend against
# README.md and docs/verdicts.md. Measurements (stress, Miri's weak-outcome
# counts, timings) are not compared. With CI=true a missing loom or Miri
# verdict fails; locally it is reported loudly as not compared.
# --self-test runs the comparison on canned drifts. CI runs both
# (.github/workflows/ci.yml, job `verdicts`; scripts/ci-verify.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/verdicts.py "$@"
