#!/usr/bin/env bash
# Cron-friendly soak: runs `orderhunt soak` and keeps a dated history.
#
#   scripts/soak.sh [DURATION] [-- extra orderhunt soak arguments]
#
# Writes results/<host>/<UTC date>.json (a second soak on the same day gets
# <date>T<time>.json), checkpointed while it runs, and deletes this host's
# reports older than KEEP_DAYS days. A lock keeps two soaks of one checkout
# from overlapping (a run that finds the lock taken exits 0 at once).
# Exits with orderhunt's code: 0 every expectation held, 1 a must-pass
# specimen showed an anomaly, 2 bad usage.
#
# Example crontab line (nightly at 01:30, 6 hours, 30 days of history):
#   30 1 * * *  KEEP_DAYS=30 /path/to/orderhunt/scripts/soak.sh 6h >>/var/log/orderhunt-soak.log 2>&1
#
# Environment:
#   ORDERHUNT    the binary [default: target/release/orderhunt when built,
#                else `orderhunt` on PATH]
#   RESULTS      the results folder [default: results]
#   KEEP_DAYS    days of reports to keep [default: 14]
#   CHECKPOINT   checkpoint interval [default: 5m]
#   COPIES       --copies: parallel copies of each scenario [default: auto,
#                the whole machine: usable cores / the scenario's actors]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-8h}
shift || true
if [[ ${1:-} == -- ]]; then
  shift
fi

bin=${ORDERHUNT:-}
if [[ -z $bin ]]; then
  if [[ -x target/release/orderhunt ]]; then
    bin=target/release/orderhunt
  elif command -v orderhunt >/dev/null 2>&1; then
    bin=$(command -v orderhunt)
  else
    echo "soak.sh: no orderhunt binary: run 'cargo build --release' or set ORDERHUNT" >&2
    exit 2
  fi
fi

keep_days=${KEEP_DAYS:-14}
if ! [[ $keep_days =~ ^[0-9]+$ ]]; then
  echo "soak.sh: KEEP_DAYS=$keep_days is not a number of days" >&2
  exit 2
fi

host=$(hostname 2>/dev/null || echo host)
host=${host//[^A-Za-z0-9._-]/_}
dir=${RESULTS:-results}/$host
mkdir -p "$dir"

# One soak at a time per results folder (cron may start the next night's
# run while a long one still goes).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dir/.soak.lock"
  if ! flock -n 9; then
    echo "soak.sh: another soak is writing to $dir; not starting a second one"
    exit 0
  fi
fi

day=$(date -u +%Y-%m-%d)
out=$dir/$day.json
if [[ -e $out ]]; then
  out=$dir/$(date -u +%Y-%m-%dT%H%M%SZ).json
fi

# Keep N days: reports (and JUnit files) older than that, and temp files
# that a kill -9 during a checkpoint may have left.
find "$dir" -maxdepth 1 -type f \( -name '*.json' -o -name '*.xml' \) -mtime +"$keep_days" -print -delete
find "$dir" -maxdepth 1 -type f -name '.orderhunt-*.tmp' -mmin +60 -delete

echo "soak.sh: $(date -u +%FT%TZ) $bin soak --duration $duration -> $out"
status=0
"$bin" soak --duration "$duration" --checkpoint "${CHECKPOINT:-5m}" --copies "${COPIES:-auto}" \
  --quiet --out "$out" "$@" || status=$?
echo "soak.sh: $(date -u +%FT%TZ) finished with exit code $status"
exit "$status"
