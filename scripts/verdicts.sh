#!/usr/bin/env bash
# The verdict tables for people: every specimen x {hardware stress at N
# iterations, loom, Miri}, and every litmus variant (scripts/litmus.tsv) x
# {hardware models, weak outcomes under stress, loom, Miri}, as Markdown
# between the markers <!-- verdicts:begin --> and <!-- verdicts:end -->.
#
#   scripts/loom.sh; scripts/miri.sh      # fresh loom and Miri verdicts
#   scripts/verdicts.sh [--iterations N] [--litmus-iterations M] [--no-stress]
#                       [--bin CMD] [FILE...]
#   scripts/verdicts.sh --check [FILE...]
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
# --check writes nothing and fails when a fresh loom or Miri verdict
# disagrees with the committed docs/verdicts.json, or when a file's table
# is not what docs/verdicts.json renders to. CI runs it after loom.sh and
# miri.sh (scripts/ci-verify.sh). The stress column is not compared: it
# depends on the machine and on luck.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/verdicts.py "$@"
