#!/usr/bin/env bash
# The worked example user crate (examples/handrolled), hunted three ways,
# each verdict checked against examples/handrolled/expected.tsv:
#
#   smoke  `cargo test` in the crate: every scenario's quick run passes;
#   loom   the same test target built with --cfg loom: the wrong variants
#          are caught (a race, or an interesting outcome reachable), the
#          right ones clean, over every explored execution (preemption
#          bound 3);
#   miri   `cargo miri test -- --exact NAME`, one process per scenario:
#          `ub` (Miri stops on undefined behaviour), `caught` (an
#          interesting outcome in the default Miri budget, 8 orderhunt
#          seeds x 64 iterations: Miri's weak-memory emulation samples, so
#          this is a retry budget, not a proof), or `clean`;
#   cargo orderhunt --json: the three ways in one command; every test's
#          overall verdict must be `clean` (must-pass) or `caught`
#          (may-fail).
#
# A row with no verdict (a renamed scenario, a target that ran 0 tests) is
# an error, as is a scenario listed by the target but missing from the
# table. Writes examples/handrolled/verdicts.md (the table its README shows).
# Environment: SKIP_MIRI=1 (locally only; refused when CI=true).
set -euo pipefail
cd "$(dirname "$0")/../examples/handrolled"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
declare -A got_smoke got_loom got_miri secs

expected_names=$(awk -F'\t' 'NR>1 {print $1}' expected.tsv | sort)

echo "== smoke: cargo test"
start=$SECONDS
cargo test --release -q 2>&1 | tee "$tmp/smoke.log" >/dev/null || true
secs[smoke]=$((SECONDS - start))
listed=$(cargo test --release -q --test hunt -- --list --format terse 2>/dev/null | sed -n 's/: test$//p' | sort)
if [[ "$listed" != "$expected_names" ]]; then
  echo "FAIL: the hunt target lists [$listed], expected.tsv has [$expected_names]" >&2
  fail=1
fi
for n in $expected_names; do
  if grep -q "^test $n \.\.\. ok$" "$tmp/smoke.log"; then got_smoke[$n]=ok
  elif grep -q "^test $n \.\.\. FAILED$" "$tmp/smoke.log"; then got_smoke[$n]=FAILED
  else got_smoke[$n]=missing; fi
done

echo "== loom: RUSTFLAGS=\"--cfg loom\" cargo test --release --test hunt"
start=$SECONDS
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/orderhunt-loom LOOM_MAX_PREEMPTIONS=${LOOM_MAX_PREEMPTIONS:-3} \
  cargo test --release -q --test hunt 2>"$tmp/loom.err" >"$tmp/loom.log" || true
secs[loom]=$((SECONDS - start))
for n in $expected_names; do
  v=$(sed -n "s/^ *orderhunt-loom: $n: \([a-z]*\):.*/\1/p" "$tmp/loom.log" | head -1)
  got_loom[$n]=${v:-missing}
done

if [[ "${SKIP_MIRI:-0}" == 1 && "${CI:-}" != true ]]; then
  echo "== miri: SKIPPED (SKIP_MIRI=1); not allowed in CI" >&2
  for n in $expected_names; do got_miri[$n]=skipped; done
else
  rustup +nightly component add miri rust-src >/dev/null 2>&1 || true
  echo "== miri: cargo +nightly miri test --test hunt -- --exact NAME (default budget: 8 seeds x 64 iterations)"
  start=$SECONDS
  for n in $expected_names; do
    cargo +nightly miri test -q --test hunt -- --exact "$n" >"$tmp/miri-$n.log" 2>&1 || true
    if grep -q "Undefined Behavior" "$tmp/miri-$n.log"; then
      got_miri[$n]=ub
    elif grep -q "test result: ok. 1 passed" "$tmp/miri-$n.log"; then
      v=$(sed -n "s/^ *orderhunt-miri: $n: \([a-z]*\):.*/\1/p" "$tmp/miri-$n.log" | head -1)
      got_miri[$n]=${v:-missing}
    else
      got_miri[$n]=missing
      tail -5 "$tmp/miri-$n.log" >&2
    fi
  done
  secs[miri]=$((SECONDS - start))
fi

{
  echo "| scenario | smoke (\`cargo test\`) | loom (every explored execution, preemption bound 3) | Miri (8 seeds x 64 iterations, Miri's default seed) |"
  echo "|---|---|---|---|"
} >"$tmp/table.md"
while IFS=$'\t' read -r n eloom emiri esmoke; do
  [[ $n == scenario ]] && continue
  line="| \`$n\` | ${got_smoke[$n]} | ${got_loom[$n]} | ${got_miri[$n]} |"
  echo "$line" >>"$tmp/table.md"
  for kind in smoke loom miri; do
    case $kind in smoke) want=$esmoke got=${got_smoke[$n]} ;; loom) want=$eloom got=${got_loom[$n]} ;; miri) want=$emiri got=${got_miri[$n]} ;; esac
    if [[ $got == skipped ]]; then continue; fi
    if [[ $got != "$want" ]]; then
      echo "FAIL: $n $kind: expected $want, got $got" >&2
      fail=1
    fi
  done
done <expected.tsv
cat "$tmp/table.md"

if [[ "${SKIP_MIRI:-0}" == 1 && "${CI:-}" != true ]]; then
  echo "== cargo orderhunt: SKIPPED with Miri (SKIP_MIRI=1)" >&2
else
  echo "== cargo orderhunt --json (hardware, loom, Miri in one command)"
  start=$SECONDS
  (cd ../.. && cargo build --release -q --bin cargo-orderhunt)
  ../../target/release/cargo-orderhunt orderhunt --json >"$tmp/cargo-orderhunt.json" 2>"$tmp/cargo-orderhunt.err" || true
  secs[cargo-orderhunt]=$((SECONDS - start))
  if ! python3 - "$tmp/cargo-orderhunt.json" expected.tsv <<'PY'
import json, sys
got = {t["test"]: t for t in json.load(open(sys.argv[1]))["tests"]}
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if not l.startswith("scenario")]
bad = 0
for name, eloom, emiri, _ in rows:
    t = got.get(name)
    want = "caught" if "caught" in (eloom, emiri) or emiri == "ub" else "clean"
    if t is None:
        print("FAIL: cargo orderhunt gave no row for %s" % name, file=sys.stderr); bad = 1; continue
    ways = {w: v["verdict"] for w, v in t["ways"].items()}
    print("cargo orderhunt: %-20s %-8s %s" % (name, t["overall"], ways))
    if t["overall"] != want:
        print("FAIL: cargo orderhunt: %s overall %s, expected %s" % (name, t["overall"], want), file=sys.stderr); bad = 1
    for way in ("hardware", "loom", "miri"):
        if way not in ways:
            print("FAIL: cargo orderhunt: %s has no %s verdict" % (name, way), file=sys.stderr); bad = 1
sys.exit(bad)
PY
  then
    tail -20 "$tmp/cargo-orderhunt.err" >&2
    fail=1
  fi
fi
echo "durations: smoke ${secs[smoke]}s, loom ${secs[loom]}s, miri ${secs[miri]:-0}s, cargo orderhunt ${secs[cargo-orderhunt]:-0}s"
if [[ $fail == 0 ]]; then
  cp "$tmp/table.md" verdicts.md
  grep -h "orderhunt-loom\|orderhunt-miri" "$tmp"/*.log | sed 's/^ *//' >verdicts.log || true
  echo "example: every verdict as expected"
fi
exit $fail
