#!/usr/bin/env bash
# Model-checks every specimen and the harness's own rendezvous with loom.
#
#   scripts/loom.sh
#   scripts/loom.sh --from-log FILE   parse a saved log instead of running
#   scripts/loom.sh --self-test       the parsing and the coverage guard on
#                                     canned logs (a missing, an unknown and
#                                     a duplicated verdict line must fail)
#
# Runs `RUSTFLAGS="--cfg loom" cargo test -p orderhunt-scenarios --release`
# (the loom tests are scenarios/catalog/tests/loom.rs and loom_litmus.rs). Every
# wrong specimen must be reported by loom as a causality violation, and
# every right specimen and harness primitive must pass every explored
# execution loom explores (within the preemption bound: not every
# execution the memory model allows). Every litmus variant must get the
# verdict scripts/litmus.tsv expects (weak outcome reachable, unreachable,
# beyond loom for LB, or loom's known SeqCst false alarm). The tests assert
# all of it, and this script also fails when any collected verdict is not
# the expected one.
#
# The coverage guard is derived from the log, not from a list in a test:
# each loom test prints `loom-verdict: NAME EXPECTED GOT`, and every name
# in scripts/specimens.tsv (kept equal to the registry by
# scenarios/catalog/tests/specimens.rs), scripts/litmus.tsv (kept equal to the
# catalog by scenarios/catalog/tests/litmus_miri.rs) and the harness list below
# must have exactly one verdict line; a verdict line for a name no list
# holds, or two for one name, fails too. A missing line is "not-computed",
# a MISMATCH.
#
# Prints a verdict matrix and writes it to target/verdicts/loom.tsv
# (name, expected, verdict, detail) for scripts/verdicts.sh.
#
# Environment:
#   LOOM_MAX_PREEMPTIONS  preemption bound (default 3: loom then explores
#                         every execution with at most 3 preemptions, not
#                         every execution; the tests are two to four
#                         threads of a few operations each, and the bound
#                         keeps the run to seconds)
#   LOOM_TARGET_DIR       cargo target dir for the loom build (default
#                         target/loom, so the --cfg loom build does not
#                         evict the normal one)
#   LOOM_VERDICTS_DIR     where the log and loom.tsv go (default
#                         target/verdicts)
set -uo pipefail
cd "$(dirname "$0")/.."

from_log=""
# The harness rendezvous tests of scenarios/catalog/tests/loom.rs, each
# with the verdict it must get.
harness_tests=(spin-barrier:clean no-barrier-control:caught instance-gate:clean
    instance-gate-publishes-nothing:caught actors-runner:clean
    actors-runner-batch:clean actors-runner-wrong:caught flag-start-line:clean
    actors-runner-flag:clean actors-runner-flag-wrong:caught)

case ${1:-} in
--from-log) from_log=${2:?--from-log FILE} ;;
--self-test)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # A log as the tests print it, from the lists themselves.
    {
        while IFS=$'\t' read -r name e; do
            [[ -z $name || $name == \#* ]] && continue
            [[ $e == may-fail ]] && e=caught || e=clean
            echo "loom-verdict: $name $e $e"
        done <scripts/specimens.tsv
        for h in "${harness_tests[@]}"; do
            echo "loom-verdict: harness:${h%%:*} ${h#*:} ${h#*:}"
        done
        while IFS=$'\t' read -r name _ e; do
            [[ -z $name || $name == \#* ]] && continue
            echo "loom-verdict: $name $e $e"
        done <scripts/litmus.tsv
        echo "test result: ok. 50 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out"
    } >"$tmp/good.log"
    grep -v 'loom-verdict: arc-fence ' "$tmp/good.log" >"$tmp/missing.log"
    { cat "$tmp/good.log"; echo "loom-verdict: arc-renamed clean clean"; } >"$tmp/unknown.log"
    { cat "$tmp/good.log"; grep 'loom-verdict: sb ' "$tmp/good.log"; } >"$tmp/duplicate.log"
    sed 's/^loom-verdict: counter-race caught caught/loom-verdict: counter-race caught clean/' \
        "$tmp/good.log" >"$tmp/wrong.log"
    { cat "$tmp/good.log"; echo "test result: FAILED. 49 passed; 1 failed"; } >"$tmp/failed.log"
    bad=0
    for case in good:0 missing:1 unknown:1 duplicate:1 wrong:1 failed:1; do
        name=${case%%:*} want=${case#*:}
        LOOM_VERDICTS_DIR="$tmp/out-$name" "$0" --from-log "$tmp/$name.log" >"$tmp/$name.out" 2>&1
        got=$?
        if ((got == want)); then
            echo "loom.sh --self-test: ok: $name log exits $got"
        else
            echo "loom.sh --self-test: WRONG: $name log exits $got, expected $want" >&2
            sed 's/^/    /' "$tmp/$name.out" >&2
            bad=1
        fi
    done
    ((bad)) && { echo "loom.sh --self-test: FAIL" >&2; exit 1; }
    echo "loom.sh --self-test: PASS"
    exit 0
    ;;
esac

: "${LOOM_MAX_PREEMPTIONS:=3}"
export LOOM_MAX_PREEMPTIONS
export RUST_BACKTRACE=0 # loom's caught violations are expected panics
export RUSTFLAGS="--cfg loom"
export CARGO_TARGET_DIR="${LOOM_TARGET_DIR:-target/loom}"

out=${LOOM_VERDICTS_DIR:-target/verdicts}
mkdir -p "$out"
log="$out/loom.log"
tsv="$out/loom.tsv"
rm -f "$tsv"

start=$(date +%s)
if [[ -n $from_log ]]; then
    log=$from_log
    rc=0
    grep -qE '^test result: FAILED|^error' "$log" && rc=1
    echo "loom.sh: parsing $log (not running loom)"
else
    echo "loom.sh: cargo test -p orderhunt-scenarios --release (--cfg loom, LOOM_MAX_PREEMPTIONS=$LOOM_MAX_PREEMPTIONS)"
    cargo test -p orderhunt-scenarios --release -- --test-threads=1 --nocapture >"$log" 2>&1
    rc=$?
fi
elapsed=$(($(date +%s) - start))

# What the tests say they verified: `loom-verdict: <name> <expected> <verdict>`
# lines, printed by each test after its assertions passed.
declare -A verdict detail lines
while read -r _ name _expected got; do
    verdict[$name]=$got
    lines[$name]=$((${lines[$name]:-0} + 1))
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

harness_names=("${harness_tests[@]%%:*}")
harness_names=("${harness_names[@]/#/harness:}")

status=0
# The coverage guard: one verdict line per listed name, none for others.
declare -A listed
while IFS=$'\t' read -r name _; do
    [[ -z $name || $name == \#* ]] || listed[$name]=1
done < <(cat scripts/specimens.tsv scripts/litmus.tsv)
for name in "${harness_names[@]}"; do listed[$name]=1; done
guard=()
for name in "${!lines[@]}"; do
    [[ -n ${listed[$name]:-} ]] || guard+=("loom test for '$name', which no list names (scripts/*.tsv or loom.sh's harness list)")
    ((lines[$name] == 1)) || guard+=("$name has ${lines[$name]} verdict lines, expected 1")
done
for name in "${!listed[@]}"; do
    [[ -n ${lines[$name]:-} ]] || guard+=("no loom test printed a verdict for '$name'")
done
if ((${#guard[@]})); then
    printf 'loom.sh: COVERAGE: %s\n' "${guard[@]}" >&2
    status=1
fi
echo "loom.sh: coverage: ${#lines[@]} verdict lines in the log for ${#listed[@]} listed names, ${#guard[@]} problems"
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
for name in "${harness_names[@]}"; do
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
