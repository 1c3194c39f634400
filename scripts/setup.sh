#!/usr/bin/env bash
# Set up a fresh Debian machine: Python venv with the app and test dependencies, Chromium, axe-core.
# Usage: bash scripts/setup.sh            (app + tests)
#        bash scripts/setup.sh --app-only (just what the dashboard needs)
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
# Chromium: chart image exports (kaleido) and the browser tests.
if ! command -v chromium >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu >/dev/null
fi
if [ "${1:-}" = "--app-only" ]; then
  .venv/bin/pip install --quiet -r requirements.txt
  exit 0
fi
.venv/bin/pip install --quiet -r requirements-dev.txt
if command -v npm >/dev/null 2>&1 && [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm install --no-save --silent axe-core@4.14.1
fi
