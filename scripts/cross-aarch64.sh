#!/usr/bin/env bash
# Builds a release aarch64 orderhunt and runs it under qemu-user: a real
# aarch64 report (an aarch64 binary, aarch64 code generation, the report
# marked `"emulated": true`) from an x86-64 host.
#
#   scripts/cross-aarch64.sh [ITERATIONS]        (default 20000)
#
# Installs, when missing (idempotent; `apt-get update` first when it has to
# install): Debian's gcc-aarch64-linux-gnu (the linker) and qemu-user
# (qemu-aarch64), and the rustup target aarch64-unknown-linux-gnu. Needs
# root or sudo for apt-get.
#
# Then runs `orderhunt run all --iterations N` under
# `qemu-aarch64 -L /usr/aarch64-linux-gnu`, writing
# results/cross-aarch64-<host>-<UTC time>.json, and, on an x86-64 host,
# the same run natively and `orderhunt compare` of the two reports.
#
# What this can and cannot show: qemu-user translates aarch64 instructions
# to the host's, and the translated code runs with the host's memory
# ordering. On an x86-64 host that is x86's (TSO), so ARM-only reorderings
# (array-passing, arc-relaxed) do not appear, however many iterations run.
# The report says so (machine.emulated) and `compare` marks the column. For
# ARM's weak ordering, run on ARM hardware (the soak workflow's arm64 job).
#
# Environment:
#   NATIVE=0        skip the native run and the comparison
#   OUT=FILE        where to write the aarch64 report
set -euo pipefail
cd "$(dirname "$0")/.."

iterations=${1:-20000}
target=aarch64-unknown-linux-gnu
sysroot=/usr/aarch64-linux-gnu

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi

missing=()
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "cross-aarch64: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -qx "$target"; then
    echo "cross-aarch64: rustup target add $target"
    rustup target add "$target"
  fi
else
  echo "cross-aarch64: no rustup; assuming the toolchain already has $target" >&2
fi

echo "cross-aarch64: cargo build --release --target $target"
CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
  cargo build --release --locked --target "$target" --bin orderhunt
bin="target/$target/release/orderhunt"
file "$bin" 2>/dev/null || true

host=$(hostname 2>/dev/null || echo host)
host=${host//[^A-Za-z0-9._-]/_}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p results
out=${OUT:-results/cross-aarch64-${host}-${stamp}.json}

echo "cross-aarch64: qemu-aarch64 -L $sysroot $bin run all --iterations $iterations"
status=0
qemu-aarch64 -L "$sysroot" "$bin" run all --iterations "$iterations" --quiet --out "$out" || status=$?
if [[ $status -ne 0 && $status -ne 1 ]]; then
  echo "cross-aarch64: the emulated run failed (exit $status)" >&2
  exit "$status"
fi
echo "cross-aarch64: aarch64 report: $out"

if [[ ${NATIVE:-1} != 0 && $(uname -m) == x86_64 ]]; then
  native=results/cross-native-$(uname -m)-${host}-${stamp}.json
  echo "cross-aarch64: the same run natively, for comparison"
  cargo build --release --locked --bin orderhunt
  target/release/orderhunt run all --iterations "$iterations" --quiet --out "$native" >/dev/null || true
  echo "cross-aarch64: native report: $native"
  target/release/orderhunt compare "$native" "$out"
fi
exit "$status"
