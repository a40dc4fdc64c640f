#!/usr/bin/env bash
# Measures the memory of a long soak: is its resident set flat over time?
#
#   scripts/soak-rss.sh [DURATION] [-- extra orderhunt soak arguments]
#                                                        (default 120s)
#
# Runs `orderhunt soak --duration DURATION` (release build, all scenarios,
# arena memory: the soak's defaults), samples VmRSS and VmHWM from
# /proc/PID/status every second, and prints the peak RSS of each quarter of
# the run and the process's peak (VmHWM). The first quarter includes the
# warm-up (the first turn of every scenario allocates its arena ring);
# after it the peak must stay flat: the script fails when the last
# quarter's peak exceeds the second quarter's by more than MAX_GROWTH_MIB
# (default 8). Samples go to target/soak-rss/samples.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-120s}
shift || true
if [[ ${1:-} == -- ]]; then
  shift
fi
max_growth=${MAX_GROWTH_MIB:-8}

cargo build --release --quiet --bin orderhunt
bin=target/release/orderhunt
work=target/soak-rss
mkdir -p "$work"
samples=$work/samples.tsv
report=$work/report.json

"$bin" soak --duration "$duration" --checkpoint 10s --quiet --out "$report" "$@" >"$work/stdout.txt" &
pid=$!
start=$(date +%s)
printf 'second\tvmrss_kib\tvmhwm_kib\n' >"$samples"
hwm=0
while kill -0 "$pid" 2>/dev/null; do
  if status=$(cat "/proc/$pid/status" 2>/dev/null); then
    rss=$(awk '/^VmRSS:/ {print $2}' <<<"$status")
    h=$(awk '/^VmHWM:/ {print $2}' <<<"$status")
    if [[ -n $rss && -n $h ]]; then
      printf '%s\t%s\t%s\n' "$(($(date +%s) - start))" "$rss" "$h" >>"$samples"
      hwm=$h
    fi
  fi
  sleep 1
done
code=0
wait "$pid" || code=$?
if [[ $code -ne 0 && $code -ne 1 ]]; then
  echo "soak-rss: orderhunt soak failed (exit $code)" >&2
  exit "$code"
fi

echo "soak-rss: orderhunt soak --duration $duration $*"
awk -v hwm="$hwm" -v max_growth="$max_growth" -F'\t' '
  NR == 1 { next }
  { t[n] = $1; r[n] = $2; n++ }
  END {
    if (n < 8) { print "soak-rss: too few samples (" n ")"; exit 2 }
    last = t[n - 1]
    for (i = 0; i < n; i++) {
      q = int(4 * t[i] / (last + 1))
      if (r[i] > peak[q]) peak[q] = r[i]
      if (lo[q] == "" || r[i] < lo[q]) lo[q] = r[i]
    }
    for (q = 0; q < 4; q++)
      printf "  quarter %d (%3ds-%3ds): RSS %6.1f to %6.1f MiB\n", q + 1, q * (last + 1) / 4, (q + 1) * (last + 1) / 4, lo[q] / 1024, peak[q] / 1024
    printf "  peak RSS (VmHWM) over %ds: %.1f MiB; %d samples\n", last, hwm / 1024, n
    growth = (peak[3] - peak[1]) / 1024
    printf "  growth of the peak, 2nd to 4th quarter: %+.1f MiB (limit %d MiB)\n", growth, max_growth
    if (growth > max_growth) { print "soak-rss: NOT FLAT"; exit 1 }
    print "soak-rss: flat"
  }' "$samples"
