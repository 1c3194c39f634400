#!/usr/bin/env bash
# Set up a fresh Debian machine: Python venv with the app and test dependencies, Chromium, axe-core.
# Usage: bash scripts/setup.sh            (app + tests, including nginx for the load-balancer test)
#        bash scripts/setup.sh --app-only (just what the dashboard needs)
#        bash scripts/setup.sh --app-only --serve (the dashboard + nginx for scripts/serve.sh)
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
# --- nginx (Debian package): the load balancer of scripts/serve.sh, started by tests/e2e/test_balancer.py.
# Installed for the test suite (no flags) and with --serve (e.g. `setup.sh --app-only --serve` on a server);
# not for --app-only alone. Where services can start, the package also starts a system nginx on port 80;
# serve.sh never uses it (it runs its own nginx with its own config on its own port).
WANT_NGINX=1
case " $* " in *" --app-only "*) WANT_NGINX=0 ;; esac
case " $* " in *" --serve "*) WANT_NGINX=1 ;; esac
if [ "$WANT_NGINX" = 1 ] && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
fi
# --- end nginx
if [ "${1:-}" = "--app-only" ]; then
  .venv/bin/pip install --quiet -r requirements.txt
  exit 0
fi
.venv/bin/pip install --quiet -r requirements-dev.txt
# pdftoppm (poppler-utils): tests/test_lesson_handout.py reads the lesson handout's QR code off the rendered page.
if ! command -v pdftoppm >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils >/dev/null
fi
if command -v npm >/dev/null 2>&1 && [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm install --no-save --silent axe-core@4.14.1
fi
