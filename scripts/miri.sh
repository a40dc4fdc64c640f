#!/usr/bin/env bash
# Runs every specimen under Miri's data-race detector and weak-memory
# emulation, and the harness's own synchronization (the scenarios crate's
# unit tests), and prints a verdict matrix.
#
#   scripts/miri.sh               run everything
#   scripts/miri.sh --self-test   the log parsing on canned logs (a "0
#                                 passed" log, an interleaved one, a race,
#                                 a litmus variant missing from one seed...)
#
# Each specimen is one test of scenarios/catalog/tests/specimens.rs, run on its own
# (`--exact`: Miri stops the test binary at the first undefined behaviour),
# once per seed (`-Zmiri-seed=S`, S in 0..MIRI_SEEDS), each seed with its
# own log, so no two runs' output can interleave. The 29 litmus variants
# (scripts/litmus.tsv) run in one test, scenarios/catalog/tests/litmus_miri.rs, a
# few iterations each, once per seed in 0..MIRI_LITMUS_SEEDS.
#
# A seed's log counts only when it proves that the test ran:
#   caught  Miri reported "Undefined Behavior: Data race detected" (or a
#           "Race condition" line);
#   clean   exit 0 AND libtest's "test result: ok. 1 passed" (for the unit
#           tests: at least one passed, none failed); a log where 0 tests
#           ran (a renamed test, a wrong filter) is an error, never clean;
#   error   anything else.
# A specimen's row is "caught" when any seed caught it, "clean" when every
# seed is clean, "error" otherwise. A litmus variant is "clean" only when
# every seed's log carries its own verdict line (`miri-litmus: NAME weak K
# of N`) and the run passed; a failure is named from the test's own
# output: the variant's threads are named `litmus:NAME:ROLE`, so Miri's
# report names them, and the test's assertion messages start with NAME.
#
# Writes target/verdicts/miri.tsv (name, expected, verdict, detail) for
# scripts/verdicts.sh, and one log per run and seed in target/verdicts/miri/.
#
# Exit codes: 0 every verdict as expected; 1 a verdict not as expected or an
# error; 3 Miri is not available and could not be installed (nothing was
# verified; the verdict file says "not-computed"). With CI=true, exit 3 is
# still the code, and scripts/ci-verify.sh and `verdicts.sh --check` fail
# on it; locally they skip loudly.
#
# Environment:
#   MIRI_SEEDS         seeds per specimen (default 4: seeds 0..3)
#   MIRI_HARNESS_SEEDS seeds for the unit tests (default 2)
#   MIRI_LITMUS_SEEDS  seeds for the litmus run (default 4)
#   MIRIFLAGS          extra flags, added after the script's own
set -uo pipefail
cd "$(dirname "$0")/.."

# --- parsing: one seed's log ------------------------------------------------
# judge_log LOG RC MODE: sets `got` (caught|clean|error) and `first` (the
# line that decided it). MODE: `one` (exactly one test must have passed) or
# `some` (at least one passed, none failed).
judge_log() {
    local log=$1 rc=$2 mode=$3 race result passed failed want
    race=$(grep -m1 -E 'Undefined Behavior: Data race detected|Race condition' "$log")
    if [[ -n $race ]]; then
        got=caught
        first=${race#error: }
        return
    fi
    # libtest's summary, alone on its line (an interleaved one is no proof).
    result=$(grep -E '^test result: (ok|FAILED)\. [0-9]+ passed; [0-9]+ failed' "$log" | tail -1)
    passed=$(sed -E 's/^test result: [A-Za-z]+\. ([0-9]+) passed.*/\1/' <<<"$result")
    failed=$(sed -E 's/^test result: [A-Za-z]+\. [0-9]+ passed; ([0-9]+) failed.*/\1/' <<<"$result")
    if ((rc == 0)) && [[ $result == "test result: ok."* ]] &&
        { [[ $mode == one && $passed == 1 ]] || [[ $mode == some && $passed -ge 1 && $failed == 0 ]]; }; then
        got=clean
        first="$passed passed"
    elif ((rc == 0)) && [[ -n $result ]]; then
        got=error
        [[ $mode == one ]] && want="exactly 1 passed" || want="at least 1 passed, 0 failed"
        first="exit 0 but '${result%%; [0-9]* measured*}': $want expected (a renamed test? a wrong filter?)"
    elif ((rc == 0)); then
        got=error
        first="exit 0 with no libtest summary line (interleaved or truncated log)"
    else
        got=error
        first=$(grep -m1 -E '^error|panicked' "$log")
        first=${first:-"exit $rc, see $log"}
    fi
}

# litmus_failure LOG: the variant a failing litmus log names, from the
# test's own output: a `litmus:NAME:ROLE` thread in Miri's report, else the
# `NAME: ...` assertion message after `panicked at`, else the last
# `miri-litmus-start:` line (said so).
litmus_failure() {
    local log=$1 name
    name=$(grep -oE '`litmus:[^:`]+:[0-9]+`' "$log" | head -1 | cut -d: -f2)
    if [[ -z $name ]]; then
        name=$(grep -A1 -m1 'panicked at' "$log" | tail -1 | grep -oE '^[a-z0-9+-]+:' | tr -d :)
    fi
    if [[ -z $name ]]; then
        name=$(grep '^miri-litmus-start: ' "$log" | tail -1 | cut -d' ' -f2)
        [[ -n $name ]] && name="$name?"
    fi
    echo "$name"
}

if [[ ${1:-} == --self-test ]]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    bad=0
    expect() { # label want-got want-first-substring
        if [[ $got == "$2" && $first == *"$3"* ]]; then
            echo "miri.sh --self-test: ok: $1: $got ($first)"
        else
            echo "miri.sh --self-test: WRONG: $1: got '$got' ($first), expected '$2' (*$3*)" >&2
            bad=1
        fi
    }
    ok1='test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 8 filtered out; finished in 2.10s'
    printf 'running 1 test\ntest arc_fence ... ok\n\n%s\n' "$ok1" >"$tmp/clean.log"
    judge_log "$tmp/clean.log" 0 one
    expect "one test passed" clean "1 passed"
    printf 'running 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 9 filtered out; finished in 0.00s\n' >"$tmp/zero.log"
    judge_log "$tmp/zero.log" 0 one
    expect "0 tests ran (renamed test)" error "0 passed"
    printf 'test result: test result: okok. 1 passed; 0 failed; 0 ignored;. 1 passed; 0 failed\n' >"$tmp/interleaved.log"
    judge_log "$tmp/interleaved.log" 0 one
    expect "interleaved summary" error "no libtest summary"
    printf 'running 1 test\nerror: Undefined Behavior: Data race detected between (1) non-atomic write on thread `unnamed-1` and (2) non-atomic read on thread `unnamed-2` at alloc1\n' >"$tmp/race.log"
    judge_log "$tmp/race.log" 1 one
    expect "a data race" caught "Data race detected"
    printf "running 1 test\nthread 'x' panicked at src/a.rs:1:1:\nassertion failed\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored\n" >"$tmp/panic.log"
    judge_log "$tmp/panic.log" 101 one
    expect "a failed test" error "panicked"
    printf 'test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n' >"$tmp/two.log"
    judge_log "$tmp/two.log" 0 one
    expect "two tests where one was meant" error "exactly 1 passed"
    judge_log "$tmp/two.log" 0 some
    expect "unit tests, some passed" clean "2 passed"
    judge_log "$tmp/zero.log" 0 some
    expect "unit tests, 0 passed" error "at least 1 passed"
    # Litmus: the failing variant is the one Miri's report names, not the
    # last one started.
    printf 'miri-litmus-start: sb\nmiri-litmus: sb weak 1 of 6; x\nmiri-litmus-start: mp\nmiri-litmus-start: lb\nerror: Undefined Behavior: Data race detected between (1) non-atomic write on thread `litmus:mp:1` and (2) atomic load on thread `litmus:mp:0`\n' >"$tmp/lrace.log"
    got=caught first=$(litmus_failure "$tmp/lrace.log")
    expect "litmus race named by its thread" caught "mp"
    [[ $first == mp ]] || { echo "miri.sh --self-test: WRONG: named '$first', not mp" >&2; bad=1; }
    printf "miri-litmus-start: sb\nmiri-litmus-start: r\nthread 'every_litmus_variant_runs_clean' panicked at scenarios/catalog/tests/litmus_miri.rs:60:17:\nsb: impossible outcome in r0=1 r1=1: 1\n" >"$tmp/lpanic.log"
    got=error first=$(litmus_failure "$tmp/lpanic.log")
    [[ $first == sb ]] && echo "miri.sh --self-test: ok: litmus panic named by its message: sb" ||
        { echo "miri.sh --self-test: WRONG: litmus panic named '$first', not sb" >&2; bad=1; }
    ((bad)) && { echo "miri.sh --self-test: FAIL" >&2; exit 1; }
    echo "miri.sh --self-test: PASS"
    exit 0
fi

seeds=${MIRI_SEEDS:-4}
harness_seeds=${MIRI_HARNESS_SEEDS:-2}
litmus_seeds=${MIRI_LITMUS_SEEDS:-4}
extra_flags=${MIRIFLAGS:-}
out=target/verdicts
logs=$out/miri
tsv=$out/miri.tsv
mkdir -p "$logs"
rm -f "$tsv" "$logs"/*.log

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

unavailable() { # message...
    loud "MIRI UNAVAILABLE: $1" "No Miri verdict was computed on this machine." "${@:2}"
    [[ ${CI:-} == true ]] && loud "CI=true: a missing Miri verdict fails CI (exit 3)."
}

# --- Miri itself: install the components if missing ----------------------
if ! cargo +nightly miri --version >/dev/null 2>&1; then
    echo "miri.sh: Miri not found on the nightly toolchain; installing miri and rust-src"
    if ! rustup +nightly component add miri rust-src; then
        unavailable "'rustup +nightly component add miri rust-src' failed." \
            "Install a nightly toolchain with miri and rust-src to run this check."
        write_not_computed "miri unavailable"
        exit 3
    fi
fi
if ! cargo +nightly miri setup >"$logs/setup.log" 2>&1; then
    unavailable "'cargo +nightly miri setup' failed (see $logs/setup.log)."
    tail -5 "$logs/setup.log" >&2
    write_not_computed "miri setup failed"
    exit 3
fi
echo "miri.sh: $(cargo +nightly miri --version 2>/dev/null), seeds 0..$((seeds - 1)) (unit tests 0..$((harness_seeds - 1)), litmus 0..$((litmus_seeds - 1))), one run and log per seed"

start=$(date +%s)
status=0
{
    printf '# miri verdicts, seeds 0..%s (unit tests 0..%s, litmus 0..%s), one run per seed\n' \
        "$((seeds - 1))" "$((harness_seeds - 1))" "$((litmus_seeds - 1))"
    printf 'name\texpected\tverdict\tdetail\n'
} >"$tsv"

# The packages a run tests: the catalog (the specimens' and the litmus
# tests); the harness row adds the core's unit tests.
packages=(-p orderhunt-scenarios)

# run_seed LOG SEED MODE cargo-args...: one Miri run; sets got/first.
# -Zmiri-ignore-leaks: the actors harness runs in `leak` memory mode (the
# tool's default), which never frees a batch on purpose.
run_seed() {
    local log=$1 seed=$2 mode=$3
    shift 3
    MIRIFLAGS="-Zmiri-ignore-leaks -Zmiri-seed=$seed $extra_flags" \
        cargo +nightly miri test -q "${packages[@]}" "$@" >"$log" 2>&1
    judge_log "$log" $? "$mode"
}

# run_seeds BASE NSEEDS MODE cargo-args...: every seed, one log each
# (BASE.seedS.log); sets got/first for the row: caught if any seed caught,
# clean if every seed was clean, else error (the first non-clean seed).
run_seeds() {
    local base=$1 n=$2 mode=$3 s row_got="" row_first="" clean=0
    shift 3
    for ((s = 0; s < n; s++)); do
        run_seed "$base.seed$s.log" "$s" "$mode" "$@"
        case $got in
        clean) clean=$((clean + 1)) ;;
        caught) [[ $row_got == caught ]] || { row_got=caught row_first="seed $s: $first"; } ;;
        *) [[ -n $row_got ]] || { row_got=error row_first="seed $s: $first (see $base.seed$s.log)"; } ;;
        esac
    done
    if [[ -z $row_got ]]; then
        got=clean first="no report in $n seeds, each ran the test ($first)"
    else
        got=$row_got first=$row_first
    fi
}

rows=()
# --- the seven specimens --------------------------------------------------
while IFS=$'\t' read -r name expectation; do
    [[ -z $name || $name == \#* ]] && continue
    [[ $expectation == may-fail ]] && expected=caught || expected=clean
    t0=$(date +%s)
    run_seeds "$logs/$name" "$seeds" one --test specimens -- --exact "${name//-/_}"
    secs=$(($(date +%s) - t0))
    [[ $got == "$expected" ]] || status=1
    rows+=("$name"$'\t'"$expected"$'\t'"$got"$'\t'"$first"$'\t'"$secs")
    printf '%s\t%s\t%s\t%s\n' "$name" "$expected" "$got" "$first" >>"$tsv"
    echo "miri.sh: $name: $got (${secs}s)"
done <scripts/specimens.tsv

# --- the harness's own synchronization ------------------------------------
# The unit tests of the core and the catalog: SpinBarrier over rounds, the
# test API, and the actors harness
# running every right specimen in every memory and sync mode (wrong
# specimens are skipped there under cfg(miri): they are the rows above).
# Two seeds: these tests are the longest under Miri.
t0=$(date +%s)
packages=(-p orderhunt-core -p orderhunt-scenarios)
run_seeds "$logs/harness" "$harness_seeds" some --lib
packages=(-p orderhunt-scenarios)
secs=$(($(date +%s) - t0))
[[ $got == clean ]] || status=1
harness_row="harness (unit tests)"$'\t'clean$'\t'"$got"$'\t'"$first"$'\t'"$secs"
printf '%s\t%s\t%s\t%s\n' "harness:unit-tests" clean "$got" "$first" >>"$tsv"
echo "miri.sh: harness unit tests: $got (${secs}s)"

# --- the litmus catalog ----------------------------------------------------
# One test walks every variant, once per seed, each seed with its own log;
# it prints `miri-litmus: NAME weak K of N; histogram` after each variant.
t0=$(date +%s)
declare -A failed_in
lgot=clean
for ((s = 0; s < litmus_seeds; s++)); do
    llog=$logs/litmus.seed$s.log
    run_seed "$llog" "$s" one --test litmus_miri -- --exact every_litmus_variant_runs_clean --nocapture
    if [[ $got != clean ]]; then
        lgot=$got
        v=$(litmus_failure "$llog")
        failed_in[${v%\?}]="seed $s: $got: $first${v:+ (variant named by the log: $v)}"
        echo "miri.sh: litmus seed $s: $got, variant ${v:-unknown}: $first" >&2
    fi
done
lsecs=$(($(date +%s) - t0))
litmus_rows=()
while IFS=$'\t' read -r name _; do
    [[ -z $name || $name == \#* ]] && continue
    runs=0 weak=0 total=0
    while read -r k n; do
        runs=$((runs + 1)) weak=$((weak + k)) total=$((total + n))
    done < <(cat "$logs"/litmus.seed*.log | grep -F "miri-litmus: $name weak " | awk '{print $4, $6}' | tr -d ';')
    if [[ -n ${failed_in[$name]:-} ]]; then
        v=error d=${failed_in[$name]}
    elif [[ $lgot != clean ]]; then
        v=not-computed d="a litmus run failed before or around it (see $logs/litmus.seed*.log)"
    elif ((runs == litmus_seeds)); then
        v=clean d="no report in $litmus_seeds seeds; weak outcome in $weak of $total runs"
    else
        v=not-computed d="its verdict line is in $runs of $litmus_seeds seed logs"
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
printf '| %-14s | %-12s | %s (%ss, seeds 0..%s)\n' litmus miri "detail" "$lsecs" "$((litmus_seeds - 1))"
printf '|%s|%s|%s\n' ---------------- -------------- ------------------------------
for r in "${litmus_rows[@]}"; do
    IFS=$'\t' read -r name got d <<<"$r"
    mark=""
    [[ $got == clean ]] || mark="  <-- MISMATCH"
    printf '| %-14s | %-12s | %s%s\n' "$name" "$got" "$d" "$mark"
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
