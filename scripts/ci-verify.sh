#!/usr/bin/env bash
# The verification trio's CI step (called from .ci/run):
#   1. scripts/check-ordering-comments.py --self-test, then on the code
#   2. scripts/loom.sh      every specimen and the harness under loom
#   3. scripts/miri.sh      every specimen and the harness under Miri
#   4. scripts/verdicts.sh --check   fresh verdicts = the committed table
#
# If Miri cannot be installed on this machine, miri.sh says so loudly and
# exits 3: this script repeats it in its summary, reports no Miri verdict,
# and still runs (and gates on) everything else. Any other failure fails.
set -uo pipefail
cd "$(dirname "$0")/.."

fail=0
summary=()
step() { # label command...
    local label=$1
    shift
    echo
    echo "=== ci-verify: $label"
    local t0 rc
    t0=$(date +%s)
    "$@"
    rc=$?
    local secs=$(($(date +%s) - t0))
    case $rc in
    0) summary+=("ok       ${secs}s  $label") ;;
    3) if [[ $label == miri* ]]; then
        summary+=("SKIPPED  ${secs}s  $label: MIRI UNAVAILABLE ON THIS MACHINE, NO MIRI VERDICT COMPUTED")
    else
        summary+=("FAILED   ${secs}s  $label (exit $rc)")
        fail=1
    fi ;;
    *) summary+=("FAILED   ${secs}s  $label (exit $rc)") && fail=1 ;;
    esac
}

step "ordering-comment checker self-test" python3 scripts/check-ordering-comments.py --self-test
step "ordering comments" python3 scripts/check-ordering-comments.py
step "loom (scripts/loom.sh)" scripts/loom.sh
step "miri (scripts/miri.sh)" scripts/miri.sh
step "verdict table (scripts/verdicts.sh --check)" scripts/verdicts.sh --check

echo
echo "=== ci-verify summary"
printf '  %s\n' "${summary[@]}"
if ((fail)); then
    echo "ci-verify: FAILED"
else
    echo "ci-verify: passed"
fi
exit $fail
