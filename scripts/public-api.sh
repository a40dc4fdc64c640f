#!/usr/bin/env bash
# The public API of the `orderhunt` crate (what a user's `cargo doc` shows),
# listed from rustdoc's JSON output and compared with docs/public-api.txt.
# A difference fails: a public item appeared, went away or changed its
# signature. If the change is meant, bless it and say so in CHANGELOG.md.
#
#   scripts/public-api.sh           compare (CI)
#   scripts/public-api.sh --bless   rewrite docs/public-api.txt
#
# Needs the nightly toolchain (rustdoc's JSON output is unstable);
# scripts/test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
list=docs/public-api.txt
target=${PUBLIC_API_TARGET_DIR:-target/public-api}
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "public-api.sh: the nightly toolchain is missing; install it with: rustup toolchain install nightly" >&2
    exit 2
fi
rm -f "$target"/doc/orderhunt.json "$target"/doc/orderhunt_core.json "$target"/doc/orderhunt_scenarios.json
RUSTDOCFLAGS="-Z unstable-options --output-format json" \
    cargo +nightly doc -q --lib --no-deps --target-dir "$target" \
    -p orderhunt -p orderhunt-core -p orderhunt-scenarios 2>"$target.log" || {
    cat "$target.log" >&2
    exit 1
}
if [[ ${1:-} == --bless ]]; then
    python3 scripts/public_api.py "$target/doc" >"$list.tmp"
    mv "$list.tmp" "$list"
    echo "public-api.sh: wrote $list ($(wc -l <"$list") items)"
else
    python3 scripts/public_api.py "$target/doc" "$list"
fi
