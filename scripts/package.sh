#!/usr/bin/env bash
# Checks that every publishable crate packages cleanly, as `cargo publish`
# would build it, without publishing anything.
#
#   scripts/package.sh
#
# 1. For each crate, in dependency order (orderhunt-oracle,
#    orderhunt-scenarios, orderhunt), `cargo package --list` must show no
#    test fixtures, results, measured tables, scripts or workflows (the
#    `include` lists in the Cargo.toml files decide this).
# 2. `cargo package --workspace` builds each crate from its own tarball.
#    Crates depending on unpublished siblings resolve them from a temporary
#    local registry of the just-packaged siblings (cargo >= 1.84 does this),
#    so the check needs no `--no-verify`.
#
# The root crate leaves tests/ out of its package (the tests read
# tests/fixtures); cargo then prints one "ignoring test" warning per test
# file, which is expected.
#
# `--allow-dirty` lets the check run on a working tree with edits; a real
# `cargo publish` (without it) refuses uncommitted changes.
set -euo pipefail
cd "$(dirname "$0")/.."

crates=(orderhunt-oracle orderhunt-core orderhunt-scenarios orderhunt)

cargo_minor=$(cargo --version | sed -E 's/^cargo 1\.([0-9]+).*/\1/')
if [[ "$cargo_minor" =~ ^[0-9]+$ ]] && ((cargo_minor < 84)); then
  echo "error: cargo $(cargo --version) cannot package a workspace with unpublished local dependencies; use cargo >= 1.84" >&2
  exit 2
fi

# Paths a crate package must never contain.
forbidden='(^|/)(tests/fixtures|results|scripts|docs|\.github|\.ci|target)/|\.json$'

status=0
for crate in "${crates[@]}"; do
  list=$(cargo package --list --allow-dirty -p "$crate" 2>/dev/null)
  # .cargo_vcs_info.json is cargo's own record of the commit.
  bad=$(grep -E "$forbidden" <<<"$list" | grep -vx '.cargo_vcs_info.json' || true)
  count=$(wc -l <<<"$list")
  if [[ -n "$bad" ]]; then
    echo "error: $crate would publish:" >&2
    while IFS= read -r path; do echo "  $path"; done <<<"$bad" >&2
    status=1
  else
    echo "$crate: $count files, none of them fixtures or results"
  fi
done
((status == 0)) || exit "$status"

# cargo unpacks the just-packaged siblings under $CARGO_HOME/registry/src
# and reuses an unpacked copy of the same name and version from an earlier
# run, even when the source has changed since: remove ours first.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/orderhunt-{oracle,core,scenarios}-*/
cargo package --workspace --allow-dirty --quiet
for crate in "${crates[@]}"; do
  version=$(cargo pkgid -p "$crate" | sed -E 's/.*[#@]//')
  ls -l "target/package/$crate-$version.crate"
done
echo "cargo package: every crate packaged and built from its tarball"
