#!/usr/bin/env bash
# Model-checks every specimen and the harness's own rendezvous with loom.
#
#   scripts/loom.sh
#
# Runs `RUSTFLAGS="--cfg loom" cargo test -p orderhunt-scenarios --release`
# (the loom tests are scenarios/tests/loom.rs and loom_litmus.rs). Every
# wrong specimen must be reported by loom as a causality violation, and
# every right specimen and harness primitive must pass every explored
# execution. Every litmus variant must get the verdict scripts/litmus.tsv
# expects (weak outcome reachable, unreachable, beyond loom for LB, or
# loom's known SeqCst false alarm). The tests assert all of it, and this
# script also fails when any collected verdict is not the expected one.
#
# Prints a verdict matrix and writes it to target/verdicts/loom.tsv
# (name, expected, verdict, detail) for scripts/verdicts.sh. A verdict is
# written only for a test that ran and passed its assertion; anything else
# is "not-computed".
#
# Environment:
#   LOOM_MAX_PREEMPTIONS  preemption bound (default 3: the tests are two
#                         threads with a few operations, so 3 explores every
#                         interleaving that matters and stays fast)
#   LOOM_TARGET_DIR       cargo target dir for the loom build (default
#                         target/loom, so the --cfg loom build does not
#                         evict the normal one)
set -uo pipefail
cd "$(dirname "$0")/.."

: "${LOOM_MAX_PREEMPTIONS:=3}"
export LOOM_MAX_PREEMPTIONS
export RUST_BACKTRACE=0 # loom's caught violations are expected panics
export RUSTFLAGS="--cfg loom"
export CARGO_TARGET_DIR="${LOOM_TARGET_DIR:-target/loom}"

out=target/verdicts
mkdir -p "$out"
log="$out/loom.log"
tsv="$out/loom.tsv"
rm -f "$tsv"

start=$(date +%s)
echo "loom.sh: cargo test -p orderhunt-scenarios --release (--cfg loom, LOOM_MAX_PREEMPTIONS=$LOOM_MAX_PREEMPTIONS)"
cargo test -p orderhunt-scenarios --release -- --test-threads=1 --nocapture >"$log" 2>&1
rc=$?
elapsed=$(($(date +%s) - start))

# What the tests say they verified: `loom-verdict: <name> <expected> <verdict>`
# lines, printed by each test after its assertions passed.
declare -A verdict detail
while read -r _ name _expected got; do
    verdict[$name]=$got
done < <(grep -oE 'loom-verdict: .*' "$log")
# loom's message for each caught specimen: `<name>: caught as expected: <msg>`
while IFS= read -r line; do
    name=${line%%: caught as expected: *}
    detail[$name]=${line#*: caught as expected: }
done < <(grep -oE '[a-z0-9-]+: caught as expected: .*' "$log")
while IFS= read -r line; do
    name=${line%%: clean in *}
    detail[$name]="clean in ${line#*: clean in }"
done < <(grep -oE '[a-z0-9-]+: clean in [0-9]+ executions' "$log")
# The litmus tests' outcome histograms: `loom-detail: <name> <text>`
while read -r _ name text; do
    detail[$name]=$text
done < <(grep -oE 'loom-detail: .*' "$log")

status=0
{
    printf '# loom verdicts, LOOM_MAX_PREEMPTIONS=%s, %ss\n' "$LOOM_MAX_PREEMPTIONS" "$elapsed"
    printf 'name\texpected\tverdict\tdetail\n'
} >"$tsv"
printf '\n%-22s %-9s %-14s %s\n' specimen expected loom detail
printf '%-22s %-9s %-14s %s\n' ---------------------- --------- -------------- ------
row() { # name expected
    local name=$1 expected=$2 got=${verdict[$1]:-not-computed} mark=""
    [[ $got == "$expected" ]] || { mark=" <-- MISMATCH"; status=1; }
    printf '%-22s %-9s %-14s %s%s\n' "$name" "$expected" "$got" "${detail[$name]:-}" "$mark"
    printf '%s\t%s\t%s\t%s\n' "$name" "$expected" "$got" "${detail[$name]:-}" >>"$tsv"
}
while IFS=$'\t' read -r name expectation; do
    [[ -z $name || $name == \#* ]] && continue
    if [[ $expectation == may-fail ]]; then row "$name" caught; else row "$name" clean; fi
done <scripts/specimens.tsv
echo
printf '%-40s %-9s %s\n' "harness rendezvous" expected loom
for name in harness:spin-barrier harness:no-barrier-control harness:instance-gate \
    harness:instance-gate-publishes-nothing harness:actors-runner \
    harness:actors-runner-batch harness:actors-runner-wrong; do
    case $name in
    *control | *publishes-nothing | *wrong) expected=caught ;;
    *) expected=clean ;;
    esac
    got=${verdict[$name]:-not-computed}
    mark=""
    [[ $got == "$expected" ]] || { mark=" <-- MISMATCH"; status=1; }
    printf '%-40s %-9s %s%s\n' "$name" "$expected" "$got" "$mark"
    printf '%s\t%s\t%s\t%s\n' "$name" "$expected" "$got" "${detail[${name#harness:}]:-}" >>"$tsv"
done
echo
printf '%-14s %-9s %-17s %-17s %s\n' litmus model expected loom "outcomes loom reached"
printf '%-14s %-9s %-17s %-17s %s\n' -------------- -------- ----------------- ----------------- ------
while IFS=$'\t' read -r name model expected; do
    [[ -z $name || $name == \#* ]] && continue
    got=${verdict[$name]:-not-computed}
    mark=""
    [[ $got == "$expected" ]] || { mark=" <-- MISMATCH"; status=1; }
    printf '%-14s %-9s %-17s %-17s %s%s\n' "$name" "$model" "$expected" "$got" \
        "${detail[$name]:-}" "$mark"
    printf '%s\t%s\t%s\t%s\n' "$name" "$expected" "$got" "${detail[$name]:-}" >>"$tsv"
done <scripts/litmus.tsv
echo
grep -E '^test result:' "$log" | sed 's/^/loom.sh: /'
if ((rc != 0)); then
    echo "loom.sh: cargo test failed (exit $rc); failures:" >&2
    grep -E -A3 '^---- |panicked at|^error' "$log" | head -60 >&2
    status=1
fi
echo "loom.sh: ${elapsed}s, log in $log, verdicts in $tsv"
if ((status == 0)); then
    echo "loom.sh: PASS: every wrong specimen caught, every right one and the harness clean, every litmus verdict as expected"
else
    echo "loom.sh: FAIL" >&2
fi
exit $status
