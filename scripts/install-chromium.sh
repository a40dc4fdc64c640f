#!/bin/sh
# Installs headless Chromium (Debian/Ubuntu package `chromium`) for the
# browser test of the HTML report (tests/html_report.rs). Idempotent: does
# nothing when chromium is already installed. Needs root (or sudo).
set -eu

if command -v chromium >/dev/null 2>&1; then
    echo "chromium already installed: $(command -v chromium)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# Debian names the package `chromium`; older Ubuntu images ship it as
# `chromium-browser` (a snap wrapper), which the test does not support.
$SUDO apt-get install -y chromium
command -v chromium
