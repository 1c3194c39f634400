#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite: data layer, pages (AppTest) and browser (Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m evidash validate data
.venv/bin/python -m pytest -q "$@"
