#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite: data layer and pages (AppTest) on every core, then the browser
# tests (Playwright) one at a time: they share one app server and one Chromium and time real page loads.
# With arguments, runs exactly `pytest -q <arguments>` instead (e.g. one file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m evidash validate data
if [ "$#" -gt 0 ]; then
  exec .venv/bin/python -m pytest -q "$@"
fi
.venv/bin/python -m pytest -q -n auto --ignore=tests/e2e
.venv/bin/python -m pytest -q tests/e2e
