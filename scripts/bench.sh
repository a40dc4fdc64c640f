#!/usr/bin/env bash
# Benchmarks, measured as ratios within one run (the machines are shared and
# noisy; absolute numbers vary from run to run).
#
#   scripts/bench.sh            engine speed: actors harness (flag, instance
#                               and batch sync) vs the article's spawn
#                               harness on array-passing, and memory
#   scripts/bench.sh speed      only the speed part
#   scripts/bench.sh memory     only peak RSS (needs /usr/bin/time: Debian `time`)
#   scripts/bench.sh sb         the SB hunt: tests/s and weak outcomes/s,
#                               default knobs vs --sync instance vs --sync batch
#   scripts/bench.sh litmus-file  the interpreter's cost: built-in sb vs
#                               litmus/sb.litmus run from the file
#                               (scenarios/catalog/examples/litmus_file_bench.rs)
#   scripts/bench.sh litmus-plain  the interpreter on plain accesses, a
#                               branch and a pointer: built-in mp vs
#                               litmus/article-03-array-passing.litmus (goal:
#                               at least 0.5x mp's tests/s)
#   scripts/bench.sh oracle     `predict` per herdtools7 C11 test (all four
#                               models, one process per file, best of RUNS)
#                               beside herd7 7.58's own recorded time for its
#                               RC11 run (oracle/tests/fixtures/herdtools7-c11/
#                               herd7-rc11/*.out, `Time` lines)
#   scripts/bench.sh api        the public API's cost: built-in sb and
#                               array-passing vs the same specimens written
#                               with orderhunt::Test in a user crate
#                               (examples/handrolled/benches/api.rs)
#   scripts/bench.sh explain    explaining every state of 4-thread IRIW for
#                               all four models (oracle/examples/bench_explain.rs)
#   scripts/bench.sh stop       how long `run` and `soak` take to exit after
#                               SIGINT (the tests check only that they do)
#   scripts/bench.sh fisher     `compare` on counts of 10^9 (Fisher's exact
#                               test on huge tables) against `compare` on the
#                               article's fixtures, same run, as a ratio
#   scripts/bench.sh litmus7    hunting power against litmus7 (herdtools7):
#                               orderhunt's sb, r, litmus/sb.litmus and
#                               litmus/r.litmus against litmus7's best
#                               configuration on the asm and C forms of SB
#                               and R, interleaved; weak outcomes/s and
#                               tests/s per tool. litmus7 runs only when
#                               LITMUS7=/path/to/litmus7 is set (never built
#                               here); its test sources are generated into a
#                               temporary folder at bench time
#   scripts/bench.sh miri       Miri throughput per test: one Miri seed with
#                               8 orderhunt seeds x 64 iterations (the
#                               default) against -Zmiri-many-seeds=0..2 with
#                               4 x 64 each (the same 512 iterations),
#                               interleaved, on the example crate's seqlock
#   scripts/bench.sh copies     the SB hunt against --copies 1..cores/2, and
#                               the one-copy rate against the binary built
#                               from BASE (default: where this branch left
#                               main), interleaved
#
# Environment: RUNS (default 5) interleaved runs per harness; FAST_N and
# SPAWN_N iterations per run; SB_N iterations per SB hunt run; COPY_N
# iterations per copy in `copies` (a run of k copies does k x COPY_N);
# BASE the git revision the `copies` baseline is built from. `litmus7`:
# LITMUS7 the litmus7 binary (unset: orderhunt only); L7_N tests per run
# (default 5000000, both tools); L7_OPTS litmus7's configuration (default
# the best of the sweep in docs/litmus.md); L7_SIZE litmus7's -s (instances
# per run; -r is L7_N / L7_SIZE).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
RUNS=${RUNS:-5}
FAST_N=${FAST_N:-250000}
SPAWN_N=${SPAWN_N:-3000}
SB_N=${SB_N:-10000000}
BIN=target/release/orderhunt
cargo build --release -q
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rate() { # scenario harness iterations [extra args...] -> iterations/s
  local sc=$1 h=$2 n=$3; shift 3
  "$BIN" run "$sc" --harness "$h" --iterations "$n" --json --quiet "$@" >"$tmp/r.json" || true
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["iterations_per_s"])' "$tmp/r.json"
}

median() { python3 -c 'import sys,statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

if [[ $what == all || $what == speed ]]; then
  echo "== engine speed: array-passing, $RUNS interleaved runs (actors: $FAST_N it, spawn: $SPAWN_N it)"
  echo "   actors/flag:     the default (a start flag per instance, --sync flag)"
  echo "   actors/instance: --sync instance (the counting gate, the default before the flag)"
  echo "   actors/batch:    --sync batch (actors meet only between batches)"
  flag=() inst=() batch=() spawn=()
  for i in $(seq "$RUNS"); do
    f=$(rate array-passing actors "$FAST_N")
    a=$(rate array-passing actors "$FAST_N" --sync instance)
    b=$(rate array-passing actors "$FAST_N" --sync batch)
    s=$(rate array-passing spawn "$SPAWN_N")
    printf '  run %d: actors/flag %10.0f it/s  actors/instance %10.0f it/s  actors/batch %10.0f it/s  spawn %8.0f it/s\n' \
      "$i" "$f" "$a" "$b" "$s"
    flag+=("$f") inst+=("$a") batch+=("$b") spawn+=("$s")
  done
  mf=$(median "${flag[@]}") mi=$(median "${inst[@]}") mb=$(median "${batch[@]}") ms=$(median "${spawn[@]}")
  printf 'median: actors/flag %.0f it/s, actors/instance %.0f it/s, actors/batch %.0f it/s, spawn %.0f it/s\n' "$mf" "$mi" "$mb" "$ms"
  printf 'ratio to spawn (same run): actors/flag %.0fx, actors/instance %.0fx, actors/batch %.0fx\n' \
    "$(python3 -c "print($mf/$ms)")" "$(python3 -c "print($mi/$ms)")" "$(python3 -c "print($mb/$ms)")"
fi

if [[ $what == all || $what == sb ]]; then
  echo "== SB hunt: $RUNS interleaved runs of $SB_N iterations (weak outcome r0=0 r1=0)"
  declare -A tests weak
  variants=("default" "--sync instance" "--sync batch")
  for i in $(seq "$RUNS"); do
    line="  run $i:"
    for v in "${variants[@]}"; do
      args=()
      [[ $v != default ]] && read -r -a args <<<"$v"
      "$BIN" run sb --iterations "$SB_N" --json --quiet "${args[@]}" >"$tmp/sb.json" || true
      read -r t w < <(python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print(r["iterations_per_s"], r["anomalies"]/r["elapsed_s"])' "$tmp/sb.json")
      tests[$v]+="$t " weak[$v]+="$w "
      line+=$(printf '  [%s] %.2fM tests/s %.0fk weak/s' "$v" "$(python3 -c "print($t/1e6)")" "$(python3 -c "print($w/1e3)")")
    done
    echo "$line"
  done
  for v in "${variants[@]}"; do
    # shellcheck disable=SC2086
    mt=$(median ${tests[$v]}) mw=$(median ${weak[$v]})
    printf 'median [%s]: %.2fM tests/s, %.0fk weak outcomes/s\n' "$v" \
      "$(python3 -c "print($mt/1e6)")" "$(python3 -c "print($mw/1e3)")"
  done
fi

if [[ $what == all || $what == litmus-file ]]; then
  echo "== litmus file vs built-in sb: $RUNS interleaved runs of ${SB_FILE_N:-2000000} iterations"
  cargo run --release -q -p orderhunt-scenarios --example litmus_file_bench -- \
    "${SB_FILE_N:-2000000}" "$RUNS" sb litmus/sb.litmus
fi

if [[ $what == miri ]]; then
  # Not part of `all`: Miri runs take minutes.
  MIRI_TEST=${MIRI_TEST:-seqlock}
  echo "== Miri throughput on examples/handrolled's $MIRI_TEST: $RUNS interleaved runs of 512 iterations each"
  (cd examples/handrolled && cargo +nightly miri test -q --test hunt --no-run 2>/dev/null)
  declare -A miri_rate
  for i in $(seq "$RUNS"); do
    line="  run $i:"
    for how in sequential many-seeds; do
      if [[ $how == sequential ]]; then
        seeds=8 flags="-Zmiri-seed=$i"
      else
        seeds=4 flags="-Zmiri-many-seeds=$((2 * i))..$((2 * i + 2))"
      fi
      t0=$(date +%s.%N)
      (cd examples/handrolled && ORDERHUNT_MIRI_ITERATIONS=64 ORDERHUNT_MIRI_SEEDS=$seeds \
        MIRIFLAGS="-Zmiri-ignore-leaks $flags -Zmiri-env-forward=ORDERHUNT_MIRI_ITERATIONS -Zmiri-env-forward=ORDERHUNT_MIRI_SEEDS" \
        cargo +nightly miri test -q --test hunt -- --exact "$MIRI_TEST" >"$tmp/miri.log" 2>&1) || true
      secs=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$(date +%s.%N)")
      r=$(python3 -c "print(512 / $secs)")
      miri_rate[$how]+="$r "
      line+=$(printf '  %s %.1f it/s' "$how" "$r")
    done
    echo "$line"
  done
  python3 - "${miri_rate[sequential]}" "${miri_rate[many-seeds]}" <<'PY'
import statistics, sys
seq = [float(x) for x in sys.argv[1].split()]
many = [float(x) for x in sys.argv[2].split()]
print("  medians: sequential %.1f it/s, many-seeds %.1f it/s, ratio many/sequential %.2f"
      % (statistics.median(seq), statistics.median(many), statistics.median(many) / statistics.median(seq)))
PY
fi

if [[ $what == all || $what == explain ]]; then
    cargo run --release -q -p orderhunt-oracle --example bench_explain
fi

if [[ $what == all || $what == litmus-plain ]]; then
  echo "== litmus file with plain accesses, a branch and a pointer vs built-in mp: $RUNS interleaved runs of ${PLAIN_N:-2000000} iterations"
  cargo run --release -q -p orderhunt-scenarios --example litmus_file_bench -- \
    "${PLAIN_N:-2000000}" "$RUNS" mp litmus/article-03-array-passing.litmus
fi

if [[ $what == all || $what == oracle ]]; then
  echo "== predict per herdtools7 C11 test (best of $RUNS) vs herd7 7.58's recorded RC11 time"
  fixtures=oracle/tests/fixtures/herdtools7-c11
  printf '%-60s %12s %12s\n' test "predict (s)" "herd7 (s)"
  total=0
  while IFS= read -r f; do
    rel=${f#"$fixtures/files/"}
    best=
    for _ in $(seq "$RUNS"); do
      t0=$(date +%s.%N)
      "$BIN" predict "$f" >/dev/null 2>&1 || true
      t1=$(date +%s.%N)
      t=$(python3 -c "print($t1-$t0)")
      best=$(python3 -c "print(min(float('$t'), float('${best:-1e9}')))")
    done
    key=${rel%.litmus}
    out="$fixtures/herd7-rc11/${key//\//_}.out"
    herd=$(sed -n 's/^Time [^ ]* \([0-9.]*\).*/\1/p' "$out" 2>/dev/null | head -1)
    printf '%-60s %12.4f %12s\n' "$rel" "$best" "${herd:--}"
    total=$(python3 -c "print($total+$best)")
  done < <(find "$fixtures/files" -name '*.litmus' | sort)
  printf 'total predict time (best runs, process start included): %.2f s\n' "$total"
fi

if [[ $what == all || $what == api ]]; then
  API_N=${API_N:-4000000}
  API_ARRAY_N=${API_ARRAY_N:-250000}
  echo "== public API vs built-in: $RUNS interleaved runs (sb: $API_N it, array-passing: $API_ARRAY_N it, --memory arena)"
  (cd examples/handrolled && cargo bench --bench api --no-run -q 2>/dev/null)
  api_bin=$(cd examples/handrolled && cargo bench --bench api --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
  api_bin="examples/handrolled/$api_bin"
  declare -A api
  pairs=("sb sb-api $API_N" "array-passing array-passing-api $API_ARRAY_N")
  for i in $(seq "$RUNS"); do
    line="  run $i:"
    for p in "${pairs[@]}"; do
      read -r builtin user n <<<"$p"
      for sc in "$builtin" "$user"; do
        "$api_bin" run "$sc" --iterations "$n" --memory arena --json --quiet >"$tmp/api.json" || true
        r=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["iterations_per_s"])' "$tmp/api.json")
        api[$sc]+="$r "
        line+=$(printf '  %s %.0fk it/s' "$sc" "$(python3 -c "print($r/1e3)")")
      done
    done
    echo "$line"
  done
  for p in "${pairs[@]}"; do
    read -r builtin user n <<<"$p"
    # shellcheck disable=SC2086
    mb=$(median ${api[$builtin]}) mu=$(median ${api[$user]})
    printf 'median: %s %.0fk it/s, %s %.0fk it/s, ratio %.3f (goal >= 0.90)\n' "$builtin" \
      "$(python3 -c "print($mb/1e3)")" "$user" "$(python3 -c "print($mu/1e3)")" "$(python3 -c "print($mu/$mb)")"
  done
fi

if [[ $what == all || $what == stop ]]; then
  echo "== stop latency after SIGINT, $RUNS runs each (signal sent 1.5 s after start)"
  stop_latency() { # args... -> seconds from SIGINT to exit
    "$BIN" "$@" --quiet --out "$tmp/stop.json" >/dev/null 2>&1 &
    local pid=$!
    sleep 1.5
    local t0 t1
    t0=$(date +%s.%N)
    kill -INT "$pid"
    wait "$pid" || true
    t1=$(date +%s.%N)
    python3 -c "print(f'{$t1 - $t0:.3f}')"
  }
  run_l=() soak_l=()
  for i in $(seq "$RUNS"); do
    r=$(stop_latency run all --iterations 1000000000 --memory arena)
    s=$(stop_latency soak --duration 10m)
    printf '  run %d: run %ss, soak %ss\n' "$i" "$r" "$s"
    run_l+=("$r") soak_l+=("$s")
  done
  printf 'median: run stops %.3fs after SIGINT, soak %.3fs\n' "$(median "${run_l[@]}")" "$(median "${soak_l[@]}")"
fi

if [[ $what == all || $what == fisher ]]; then
  echo "== compare: Fisher's exact test on counts of 10^9 vs the article's fixtures, $RUNS runs"
  python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
for name, n, k in (("huge-a", 2_000_000_000, 1_000_000_000), ("huge-b", 2_000_000_000, 1_000_010_000)):
    d = json.load(open("tests/fixtures/article-x86_64.json"))
    d["machine"]["arch"] = name  # two machines, one row
    r = d["results"][0]
    r.update(iterations_requested=n, iterations_completed=n, anomalies=k,
             anomaly_rate=k / n, first_anomaly={"iteration": 1, "observed": 999, "expected": 1000})
    r["outcomes"] = [{"observed": 1000, "count": n - k, "class": "acceptable"},
                     {"observed": 999, "count": k, "class": "interesting"}]
    json.dump(d, open(f"{tmp}/{name}.json", "w"))
PY
  elapsed() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N); python3 -c "print($t1 - $t0)"; }
  big=() small=()
  for i in $(seq "$RUNS"); do
    b=$(elapsed "$BIN" compare "$tmp/huge-a.json" "$tmp/huge-b.json")
    a=$(elapsed "$BIN" compare tests/fixtures/article-x86_64.json tests/fixtures/article-aarch64.json)
    printf '  run %d: huge %.3fs, article %.3fs\n' "$i" "$b" "$a"
    big+=("$b") small+=("$a")
  done
  mb=$(median "${big[@]}") ms=$(median "${small[@]}")
  printf 'median: compare on 10^9 counts %.3fs, on the article fixtures %.3fs (ratio %.1fx)\n' \
    "$mb" "$ms" "$(python3 -c "print($mb/$ms)")"
  "$BIN" compare "$tmp/huge-a.json" "$tmp/huge-b.json" 2>&1 | grep -E 'Fisher|differ|evidence' | head -2 || true
fi

if [[ $what == litmus7 ]]; then
  L7_N=${L7_N:-5000000}
  # litmus7's best configuration on the 2-vCPU x86-64 VM
  # (docs/hunting-power-study.md): a user-space barrier with a fence before
  # every instance, no preload, instances visited with stride 16 (one cache
  # line of packed ints), threads pinned as orderhunt's actors are.
  L7_OPTS=${L7_OPTS:--a 2 -barrier userfence -preload no -st 16 -affinity incr1}
  L7_SIZE=${L7_SIZE:-100000}
  l7_runs=$(((L7_N + L7_SIZE - 1) / L7_SIZE))
  # What each tool runs: orderhunt scenarios and litmus7 tests, by shape.
  oh_jobs=("sb" "litmus/sb.litmus" "r" "litmus/r.litmus")
  l7_jobs=()
  if [[ -z ${LITMUS7:-} ]]; then
    echo "litmus7: LITMUS7 is not set, so only orderhunt runs (set LITMUS7=/path/to/litmus7," >&2
    echo "         a litmus7 built from herdtools7's source, to compare; this script never builds it)" >&2
  else
    [[ -x $LITMUS7 ]] || { echo "litmus7: LITMUS7=$LITMUS7 is not an executable" >&2; exit 2; }
    command -v make >/dev/null && command -v gcc >/dev/null ||
      { echo "litmus7: its generated tests need make and gcc" >&2; exit 2; }
    mkdir -p "$tmp/l7src"
    # The asm forms of SB and R for this machine (the classic shapes, as in
    # herdtools7's catalogue), written here rather than shipped.
    case $(uname -m) in
      x86_64)
        cat >"$tmp/l7src/sb_asm.litmus" <<'LIT'
X86_64 sb_asm
{ }
 P0            | P1            ;
 movl $1,(x)   | movl $1,(y)   ;
 movl (y),%eax | movl (x),%eax ;
exists (0:rax=0 /\ 1:rax=0)
LIT
        cat >"$tmp/l7src/r_asm.litmus" <<'LIT'
X86_64 r_asm
{ }
 P0          | P1            ;
 movl $1,(x) | movl $2,(y)   ;
 movl $1,(y) | movl (x),%eax ;
exists ([y]=2 /\ 1:rax=0)
LIT
        ;;
      aarch64 | arm64)
        cat >"$tmp/l7src/sb_asm.litmus" <<'LIT'
AArch64 sb_asm
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 MOV W0,#1   | MOV W0,#1   ;
 STR W0,[X1] | STR W0,[X1] ;
 LDR W2,[X3] | LDR W2,[X3] ;
exists (0:X2=0 /\ 1:X2=0)
LIT
        cat >"$tmp/l7src/r_asm.litmus" <<'LIT'
AArch64 r_asm
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 MOV W0,#1   | MOV W0,#2   ;
 STR W0,[X1] | STR W0,[X1] ;
 MOV W2,#1   | LDR W2,[X3] ;
 STR W2,[X3] |             ;
exists ([y]=2 /\ 1:X2=0)
LIT
        ;;
      *) echo "litmus7: no asm SB/R for $(uname -m); only the C forms run" >&2 ;;
    esac
    # The C forms: orderhunt's own files, compiled -O2 (litmus7 compiles C
    # tests without -O by default, which hides most weak outcomes).
    cp litmus/sb.litmus "$tmp/l7src/sb_c.litmus"
    cp litmus/r.litmus "$tmp/l7src/r_c.litmus"
    for f in "$tmp"/l7src/*.litmus; do
      name=$(basename "$f" .litmus)
      extra=()
      [[ $name == *_c ]] && extra=(-c11 true -ccopts -O2)
      mkdir -p "$tmp/l7/$name"
      # shellcheck disable=SC2086
      "$LITMUS7" $L7_OPTS "${extra[@]}" -o "$tmp/l7/$name" "$f" >/dev/null
      make -s -C "$tmp/l7/$name" >/dev/null 2>&1 || { echo "litmus7: building $name failed" >&2; exit 2; }
      l7_jobs+=("$name")
    done
  fi
  echo "== hunting power vs litmus7: $RUNS interleaved rounds, $L7_N tests per run"
  [[ ${#l7_jobs[@]} -gt 0 ]] && echo "   litmus7 $("$LITMUS7" -version): $L7_OPTS, -s $L7_SIZE -r $l7_runs (C forms: -c11 true -ccopts -O2)"
  declare -A lt lw
  for i in $(seq "$RUNS"); do
    for sc in "${oh_jobs[@]}"; do
      "$BIN" run "$sc" --iterations "$L7_N" --json --quiet >"$tmp/l7.json" 2>/dev/null || true
      read -r t w < <(python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print(r["iterations_per_s"], r["anomalies"]/r["elapsed_s"])' "$tmp/l7.json")
      key="orderhunt $sc"
      lt[$key]+="$t " lw[$key]+="$w "
      printf '  round %d %-28s %7.2fM tests/s %7.3fM weak/s\n' "$i" "$key" \
        "$(python3 -c "print($t/1e6)")" "$(python3 -c "print($w/1e6)")"
    done
    for name in "${l7_jobs[@]}"; do
      "$tmp/l7/$name/$name.exe" -q -s "$L7_SIZE" -r "$l7_runs" >"$tmp/l7.out" 2>&1 || true
      read -r t w < <(python3 -c 'import re,sys
o=open(sys.argv[1]).read()
p,n=map(int,re.search(r"Positive: (\d+), Negative: (\d+)",o).groups())
s=float(re.search(r"^Time \S+ ([\d.]+)",o,re.M).group(1))
print((p+n)/s, p/s)' "$tmp/l7.out")
      key="litmus7 $name"
      lt[$key]+="$t " lw[$key]+="$w "
      printf '  round %d %-28s %7.2fM tests/s %7.3fM weak/s\n' "$i" "$key" \
        "$(python3 -c "print($t/1e6)")" "$(python3 -c "print($w/1e6)")"
    done
  done
  # Three statistics of the rounds. On a shared VM a whole run can land in a
  # slow phase (both tools drop to a third of their rate for seconds), so
  # the median depends on how many of a tool's runs were unlucky:
  # - median: of all rounds;
  # - upper_quartile: the rate a tool reaches in its faster runs;
  # - fast_median: the median of a tool's fast runs only, those above half
  #   its fastest run's tests/s (the count of fast runs is printed).
  # `stats STAT "tests/s..." "weak/s..."` prints "tests/s weak/s runs".
  stats() {
    python3 - "$@" <<'PY'
import statistics, sys
stat, t, w = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
if stat == "fast_median":
    keep = [i for i in range(len(t)) if t[i] > 0.5 * max(t)]
    t, w = [t[i] for i in keep], [w[i] for i in keep]
    f = statistics.median
elif stat == "upper_quartile":
    f = lambda x: statistics.quantiles(x, n=4)[2] if len(x) > 1 else x[0]
else:
    f = statistics.median
print(f(t), f(w), len(t))
PY
  }
  for stat in median upper_quartile fast_median; do
    echo "$stat of $RUNS rounds:"
    declare -A sw=()
    for key in "${oh_jobs[@]/#/orderhunt }" "${l7_jobs[@]/#/litmus7 }"; do
      read -r mt mw kept < <(stats "$stat" "${lt[$key]}" "${lw[$key]}")
      sw[$key]=$mw
      extra=""
      [[ $stat == fast_median ]] && extra=" [$kept of $RUNS runs]"
      printf '  %-28s %7.2fM tests/s %7.3fM weak/s (%.0f%% weak)%s\n' "$key" \
        "$(python3 -c "print($mt/1e6)")" "$(python3 -c "print($mw/1e6)")" "$(python3 -c "print(100*$mw/max($mt,1e-9))")" "$extra"
    done
    if [[ ${#l7_jobs[@]} -gt 0 ]]; then
      # Ratios per shape: orderhunt's weak/s over litmus7's best form of it.
      for shape in sb r; do
        best=0
        for name in "${l7_jobs[@]}"; do
          [[ $name == "${shape}"_* ]] || continue
          best=$(python3 -c "print(max($best, ${sw["litmus7 $name"]}))")
        done
        for sc in "$shape" "litmus/$shape.litmus"; do
          m=${sw["orderhunt $sc"]}
          printf 'weak/s ratio (%s) orderhunt %s / litmus7 best %s: %s (goal: sb >= 1.2, others >= 1.0)\n' \
            "$stat" "$sc" "$shape" "$(python3 -c "print(f'{$m/$best:.2f}' if $best > 0 else 'n/a (litmus7 saw no weak outcome)')")"
        done
      done
    fi
  done
fi

if [[ $what == copies ]]; then
  COPY_N=${COPY_N:-5000000}
  BASE=${BASE:-$(git merge-base HEAD main)}
  cores=$(nproc)
  max=$((cores / 2))
  ((max < 1)) && max=1
  # The baseline: BASE built in a worktree of its own, into its own target
  # folder (kept between runs, so a second run only rebuilds what changed).
  base_rev=$(git rev-parse --short "$BASE")
  base_dir=target/bench-base/src
  git worktree remove --force "$base_dir" 2>/dev/null || true
  rm -rf "$base_dir"
  git worktree add --detach -q "$base_dir" "$BASE"
  trap 'git worktree remove --force "$base_dir" 2>/dev/null || true; rm -rf "$tmp"' EXIT
  (cd "$base_dir" && cargo build --release -q --target-dir ../target)
  OLD=target/bench-base/target/release/orderhunt
  echo "== copies: SB hunt, $RUNS interleaved runs, $COPY_N iterations per copy, $cores CPUs"
  echo "   base: $BASE ($base_rev) without --copies; new: this checkout with --copies k, k = 1..$max"
  sbrun() { # binary iterations [args...] -> "tests/s weak/s"
    local bin=$1 n=$2; shift 2
    "$bin" run sb --iterations "$n" --json --quiet "$@" >"$tmp/c.json" || true
    python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print(r["iterations_per_s"], r["anomalies"]/r["elapsed_s"])' "$tmp/c.json"
  }
  declare -A ct cw
  for i in $(seq "$RUNS"); do
    read -r t w < <(sbrun "$OLD" "$COPY_N")
    ct[base]+="$t " cw[base]+="$w "
    line=$(printf '  run %d: base %.2fM tests/s %.0fk weak/s' "$i" "$(python3 -c "print($t/1e6)")" "$(python3 -c "print($w/1e3)")")
    for k in $(seq "$max"); do
      read -r t w < <(sbrun "$BIN" $((COPY_N * k)) --copies "$k")
      ct[$k]+="$t " cw[$k]+="$w "
      line+=$(printf ' | %d cop: %.2fM tests/s %.0fk weak/s' "$k" "$(python3 -c "print($t/1e6)")" "$(python3 -c "print($w/1e3)")")
    done
    echo "$line"
  done
  # shellcheck disable=SC2086
  bt=$(median ${ct[base]}) bw=$(median ${cw[base]})
  printf 'median base (%s): %.2fM tests/s, %.0fk weak outcomes/s\n' "$base_rev" \
    "$(python3 -c "print($bt/1e6)")" "$(python3 -c "print($bw/1e3)")"
  # shellcheck disable=SC2086
  one=$(median ${ct[1]})
  for k in $(seq "$max"); do
    # shellcheck disable=SC2086
    mt=$(median ${ct[$k]}) mw=$(median ${cw[$k]})
    printf 'median %d cop%s: %.2fM tests/s, %.0fk weak outcomes/s; %.2f x base; scaling %.2f of %d x one copy\n' \
      "$k" "$([[ $k == 1 ]] && echo y || echo ies)" "$(python3 -c "print($mt/1e6)")" \
      "$(python3 -c "print($mw/1e3)")" "$(python3 -c "print($mt/$bt)")" \
      "$(python3 -c "print($mt/($k*$one))")" "$k"
  done
  # The paired ratio: each run's one-copy rate over the same run's base
  # rate (robust to load that drifts between runs).
  # shellcheck disable=SC2086
  paired=$(python3 -c 'import sys,statistics
a=[float(x) for x in sys.argv[1].split()]; b=[float(x) for x in sys.argv[2].split()]
print(statistics.median(x/y for x,y in zip(a,b)))' "${ct[1]}" "${ct[base]}")
  printf 'one copy / base, median of the per-run ratios: %.2f (tests/s)\n' "$paired"
  echo "(target on a machine with enough cores: scaling >= 0.8)"
fi

if [[ $what == all || $what == memory ]]; then
  if [[ ! -x /usr/bin/time ]]; then
    echo "memory: /usr/bin/time missing (apt-get install time); skipped" >&2
  else
    echo "== peak RSS, array-passing"
    for mode in leak arena reuse; do
      sizes="50000 250000"
      [[ $mode != leak ]] && sizes="250000 1000000"
      for n in $sizes; do
        /usr/bin/time -v "$BIN" run array-passing --memory "$mode" --iterations "$n" --json --quiet \
          >/dev/null 2>"$tmp/time.txt" || true
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
        printf '  %-6s %7d iterations: peak RSS %6.1f MiB\n' "$mode" "$n" "$(python3 -c "print($kb/1024)")"
      done
    done
  fi
fi
