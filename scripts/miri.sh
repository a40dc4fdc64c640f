#!/usr/bin/env bash
# Runs every specimen under Miri's data-race detector and weak-memory
# emulation, and the harness's own synchronization (the scenarios crate's
# unit tests), and prints a verdict matrix.
#
#   scripts/miri.sh
#
# Each specimen is one test of scenarios/tests/specimens.rs, run on its own
# (Miri stops the test binary at the first undefined behaviour) over
# several seeds. The 29 litmus variants (scripts/litmus.tsv) run in one
# test, scenarios/tests/litmus_miri.rs, a few iterations each over
# MIRI_LITMUS_SEEDS seeds; each must be "clean" (all atomics: no data race,
# no UB), and the weak outcomes Miri's weak-memory emulation produced are
# recorded as the detail. A specimen is "caught" when Miri reports
# "Undefined Behavior: Data race detected" (or a "Race condition" line),
# "clean" when every seed passes, "error" for any other failure. The script
# exits non-zero when a wrong specimen is not caught, a right one is
# reported, or anything errs.
#
# Writes target/verdicts/miri.tsv (name, expected, verdict, first line of
# Miri's report) for scripts/verdicts.sh, and one log per run in
# target/verdicts/miri/.
#
# Exit codes: 0 every verdict as expected; 1 a verdict not as expected or an
# error; 3 Miri is not available and could not be installed (nothing was
# verified; the verdict file says "not-computed").
#
# Environment:
#   MIRI_SEEDS   seeds per specimen (default 4: -Zmiri-many-seeds=0..4)
#   MIRI_LITMUS_SEEDS  seeds for the litmus run (default 4)
#   MIRIFLAGS    extra flags, added after the script's own
set -uo pipefail
cd "$(dirname "$0")/.."

seeds=${MIRI_SEEDS:-4}
litmus_seeds=${MIRI_LITMUS_SEEDS:-4}
extra_flags=${MIRIFLAGS:-}
out=target/verdicts
logs=$out/miri
tsv=$out/miri.tsv
mkdir -p "$logs"
rm -f "$tsv"

loud() {
    echo "################################################################" >&2
    for line in "$@"; do echo "## $line" >&2; done
    echo "################################################################" >&2
}

write_not_computed() { # reason
    {
        printf '# miri verdicts: NOT COMPUTED: %s\n' "$1"
        printf 'name\texpected\tverdict\tdetail\n'
        while IFS=$'\t' read -r name expectation; do
            [[ -z $name || $name == \#* ]] && continue
            [[ $expectation == may-fail ]] && e=caught || e=clean
            printf '%s\t%s\tnot-computed\t%s\n' "$name" "$e" "$1"
        done <scripts/specimens.tsv
        while IFS=$'\t' read -r name _; do
            [[ -z $name || $name == \#* ]] && continue
            printf '%s\tclean\tnot-computed\t%s\n' "$name" "$1"
        done <scripts/litmus.tsv
    } >"$tsv"
}

# --- Miri itself: install the components if missing ----------------------
if ! cargo +nightly miri --version >/dev/null 2>&1; then
    echo "miri.sh: Miri not found on the nightly toolchain; installing miri and rust-src"
    if ! rustup +nightly component add miri rust-src; then
        loud "MIRI UNAVAILABLE: 'rustup +nightly component add miri rust-src' failed." \
            "No Miri verdict was computed on this machine." \
            "Install a nightly toolchain with miri and rust-src to run this check."
        write_not_computed "miri unavailable"
        exit 3
    fi
fi
if ! cargo +nightly miri setup >"$logs/setup.log" 2>&1; then
    loud "MIRI UNAVAILABLE: 'cargo +nightly miri setup' failed (see $logs/setup.log)." \
        "No Miri verdict was computed on this machine."
    tail -5 "$logs/setup.log" >&2
    write_not_computed "miri setup failed"
    exit 3
fi
echo "miri.sh: $(cargo +nightly miri --version 2>/dev/null), seeds 0..$seeds"

start=$(date +%s)
status=0
{
    printf '# miri verdicts, seeds 0..%s (litmus 0..%s)\n' "$seeds" "$litmus_seeds"
    printf 'name\texpected\tverdict\tdetail\n'
} >"$tsv"

# Runs one Miri test over seeds 0..nseeds; sets `got` and `first`.
# -Zmiri-ignore-leaks: the actors harness runs in `leak` memory mode (the
# tool's default), which never frees a batch on purpose.
run_miri() { # log nseeds cargo-args...
    local log=$1 n=$2
    local flags="-Zmiri-ignore-leaks -Zmiri-many-seeds=0..$n"
    shift 2
    MIRIFLAGS="$flags $extra_flags" cargo +nightly miri test -q -p orderhunt-scenarios "$@" >"$log" 2>&1
    local rc=$?
    local race
    race=$(grep -m1 -E 'Undefined Behavior: Data race detected|Race condition' "$log")
    if [[ -n $race ]]; then
        got=caught
        first=${race#error: }
    elif ((rc == 0)); then
        got=clean
        first="no report in $n seeds"
    else
        got=error
        first=$(grep -m1 -E '^error|panicked' "$log")
        first=${first:-"exit $rc, see $log"}
    fi
}

rows=()
# --- the seven specimens --------------------------------------------------
while IFS=$'\t' read -r name expectation; do
    [[ -z $name || $name == \#* ]] && continue
    [[ $expectation == may-fail ]] && expected=caught || expected=clean
    t0=$(date +%s)
    run_miri "$logs/$name.log" "$seeds" --test specimens -- --exact "${name//-/_}"
    secs=$(($(date +%s) - t0))
    [[ $got == "$expected" ]] || status=1
    rows+=("$name"$'\t'"$expected"$'\t'"$got"$'\t'"$first"$'\t'"$secs")
    printf '%s\t%s\t%s\t%s\n' "$name" "$expected" "$got" "$first" >>"$tsv"
    echo "miri.sh: $name: $got (${secs}s)"
done <scripts/specimens.tsv

# --- the harness's own synchronization ------------------------------------
# The crate's unit tests: SpinBarrier over rounds, and the actors harness
# running every right specimen in every memory and sync mode (wrong
# specimens are skipped there under cfg(miri): they are the rows above).
# Two seeds: these tests are the longest under Miri (about 30s a seed).
t0=$(date +%s)
run_miri "$logs/harness.log" 2 --lib
secs=$(($(date +%s) - t0))
[[ $got == clean ]] || status=1
harness_row="harness (unit tests)"$'\t'clean$'\t'"$got"$'\t'"$first"$'\t'"$secs"
printf '%s\t%s\t%s\t%s\n' "harness:unit-tests" clean "$got" "$first" >>"$tsv"
echo "miri.sh: harness unit tests: $got (${secs}s)"

# --- the litmus catalog ----------------------------------------------------
# One test walks every variant; it prints `miri-litmus-start: NAME` before
# and `miri-litmus: NAME weak K of N; histogram` after each, per seed. A
# report (Miri stops at the first) belongs to the last variant started.
t0=$(date +%s)
llog=$logs/litmus.log
run_miri "$llog" "$litmus_seeds" --test litmus_miri -- --exact every_litmus_variant_runs_clean --nocapture
lgot=$got lfirst=$first
lsecs=$(($(date +%s) - t0))
failing=""
[[ $lgot == clean ]] || failing=$(grep '^miri-litmus-start: ' "$llog" | tail -1 | cut -d' ' -f2)
litmus_rows=()
while IFS=$'\t' read -r name _; do
    [[ -z $name || $name == \#* ]] && continue
    runs=0 weak=0 per=0
    while read -r k n; do
        runs=$((runs + 1)) weak=$((weak + k)) per=$n
    done < <(grep -F "miri-litmus: $name weak " "$llog" | awk '{print $4, $6}' | tr -d ';')
    if [[ $name == "$failing" ]]; then
        v=$lgot d=$lfirst
    elif ((runs == litmus_seeds)); then
        v=clean d="no report in $litmus_seeds seeds; weak outcome in $weak of $((runs * per)) runs"
    else
        v=not-computed d="ran in $runs of $litmus_seeds seeds (see $llog)"
    fi
    [[ $v == clean ]] || status=1
    litmus_rows+=("$name"$'\t'"$v"$'\t'"$d")
    printf '%s\t%s\t%s\t%s\n' "$name" clean "$v" "$d" >>"$tsv"
done <scripts/litmus.tsv
echo "miri.sh: litmus catalog: $lgot (${lsecs}s)"

elapsed=$(($(date +%s) - start))
echo
printf '| %-20s | %-8s | %-6s | %-4s | %s\n' specimen expected miri secs "first line of Miri's report"
printf '|%s|%s|%s|%s|%s\n' ---------------------- ---------- -------- ------ -----------------------------
for r in "${rows[@]}" "$harness_row"; do
    IFS=$'\t' read -r name expected got first secs <<<"$r"
    mark=""
    [[ $got == "$expected" ]] || mark="  <-- MISMATCH"
    printf '| %-20s | %-8s | %-6s | %4s | %s%s\n' "$name" "$expected" "$got" "$secs" "$first" "$mark"
done
echo
printf '| %-14s | %-8s | %s (%ss, seeds 0..%s)\n' litmus miri "detail" "$lsecs" "$litmus_seeds"
printf '|%s|%s|%s\n' ---------------- ---------- ------------------------------
for r in "${litmus_rows[@]}"; do
    IFS=$'\t' read -r name got d <<<"$r"
    mark=""
    [[ $got == clean ]] || mark="  <-- MISMATCH"
    printf '| %-14s | %-8s | %s%s\n' "$name" "$got" "$d" "$mark"
done
echo
sed -i "1s/\$/, ${elapsed}s/" "$tsv"
echo "miri.sh: ${elapsed}s (after setup), logs in $logs/, verdicts in $tsv"
if ((status == 0)); then
    echo "miri.sh: PASS: every wrong specimen reported, every right one, the harness and every litmus variant clean"
else
    echo "miri.sh: FAIL: a verdict is not the expected one (see MISMATCH above)" >&2
fi
exit $status
