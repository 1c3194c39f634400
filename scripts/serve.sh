#!/usr/bin/env bash
# Serve the dashboard with K identical Streamlit processes behind nginx, sticky per browser.
#
#   bash scripts/serve.sh [--workers K] [--port P] [--host ADDR] [--no-static] [--nginx-workers N]
#
#   --workers K       Streamlit processes (default: number of cores, `nproc`)
#   --port P          where nginx listens (default 8501)
#   --host ADDR       address nginx listens on (default 127.0.0.1; 0.0.0.0 to serve a room)
#   --no-static       let the Streamlit processes serve their JS/CSS too (default: nginx serves a
#                     gzip-compressed copy of Streamlit's static files and the workers only run the app)
#   --nginx-workers N nginx worker processes (default 1: nginx needs little CPU here, leave cores to Python)
#   --no-warm         skip the warm-up (by default every worker runs the app once before nginx starts, so the
#                     first visitor on each worker does not pay for reading and validating the data)
#
# Workers listen on free 127.0.0.1 ports and are never exposed. nginx (Debian package: `apt-get install
# nginx`, or `bash scripts/setup.sh --serve`) is rendered from deploy/nginx.conf.template into a temporary
# directory and runs in the foreground as a child of this script. Ctrl-C / SIGTERM stops nginx and every
# worker (by process id) and removes the directory.
#
# Workers that exit come back: each worker runs under its own small supervisor loop that restarts it on the
# same port after a short back-off (1, 2, 4, 8, 16 s; reset once a worker has run for 60 s) and logs it on
# stderr ("serve.sh: worker N ... restarting"). A worker that had to be restarted 5 times within 120 s is
# given up (a crash loop: see RUNDIR/worker-N.log); the others keep serving. Meanwhile nginx routes its
# visitors to a live worker (max_fails/fail_timeout, proxy_next_upstream). Everything stops only when nginx
# exits, when every worker has been given up, or on Ctrl-C / SIGTERM.
#
# When everything is healthy it prints one line:
#   evidash-serve ready url=http://HOST:PORT workers=127.0.0.1:P1,127.0.0.1:P2 rundir=DIR pids=NGINX,W1,W2
# The current process id of worker N is in RUNDIR/worker-N.pid (it changes when the worker is restarted).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PY="$REPO/.venv/bin/python"

WORKERS=$(nproc)
PORT=8501
HOST=127.0.0.1
STATIC=1
NGINX_WORKERS=1
WARM=1
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) WORKERS="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --host) HOST="$2"; shift 2 ;;
    --no-static) STATIC=0; shift ;;
    --nginx-workers) NGINX_WORKERS="$2"; shift 2 ;;
    --no-warm) WARM=0; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "serve.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$WORKERS" in ''|*[!0-9]*) echo "serve.sh: --workers must be a number" >&2; exit 2 ;; esac
[ "$WORKERS" -ge 1 ] && [ "$WORKERS" -le 64 ] || { echo "serve.sh: --workers must be 1..64" >&2; exit 2; }
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || { echo "serve.sh: nginx not found; install it with: bash scripts/setup.sh --serve" >&2; exit 3; }
[ -x "$PY" ] || { echo "serve.sh: no .venv; run: bash scripts/setup.sh --app-only" >&2; exit 3; }

RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/evidash-serve.XXXXXX")
chmod 711 "$RUNDIR"   # nginx workers (user nobody when started as root) must reach their temp dirs
mkdir -p "$RUNDIR/tmp"
SUPS=()        # one supervisor subshell per worker
NGINX_PID=""

worker_pids() { for i in $(seq 1 "$WORKERS"); do cat "$RUNDIR/worker-$i.pid" 2>/dev/null; echo; done | grep -E '^[0-9]+$' || true; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local wpids
  wpids=$(worker_pids)
  # Supervisors first (so they do not restart what is stopped next), then nginx and the workers.
  for pid in "${SUPS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  [ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null || true
  for pid in $wpids; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $NGINX_PID $wpids "${SUPS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$RUNDIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# K free loopback ports for the workers (asked from the kernel, then released for Streamlit to bind).
mapfile -t WPORTS < <("$PY" - "$WORKERS" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
for s in socks:
    print(s.getsockname()[1]); s.close()
EOF
)

# One cookie secret for all workers, so a cookie Streamlit signs (XSRF token for uploads) is valid on any
# of them. Passed in the environment, never on a command line.
export STREAMLIT_SERVER_COOKIE_SECRET
STREAMLIT_SERVER_COOKIE_SECRET=$("$PY" -c 'import secrets; print(secrets.token_hex(32))')

# warm.py PORT...: wait (up to 60 s) until each worker accepts Streamlit's websocket, then run the app once
# in it, in parallel; exits non-zero if a worker never answered.
cat >"$RUNDIR/warm.py" <<'EOF'
import asyncio, sys, time
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

async def warm(port: str) -> None:
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = ""
    deadline = time.monotonic() + 60
    while True:
        try:
            ws = await websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None)
            break
        except (OSError, websockets.exceptions.WebSocketException):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)
    async with ws:
        await ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
            if fm.WhichOneof("type") == "script_finished" and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return

async def main() -> None:
    await asyncio.gather(*[warm(p) for p in sys.argv[1:]])

asyncio.run(main())
EOF

RESTART_LIMIT=5      # restarts ...
RESTART_WINDOW=120   # ... within this many seconds: a crash loop, the worker is given up
STABLE_AFTER=60      # a worker that ran this long resets its back-off

# supervise N PORT: run worker N on PORT; restart it when it exits (back-off, crash-loop limit, logged).
supervise() {
  local n=$1 port=$2 child="" poller="" backoff=1 started rc now first=1
  local -a recent=()
  set +e   # a worker's exit code is handled here, not by errexit
  trap '[ -n "$poller" ] && kill -TERM "$poller" 2>/dev/null; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; exit 0' TERM INT
  while true; do
    started=$(date +%s)
    "$PY" -m evidash.worker run dashboard.py --server.headless=true --server.address=127.0.0.1 --server.port="$port" \
      --browser.gatherUsageStats=false >>"$RUNDIR/worker-$n.log" 2>&1 &
    child=$!
    echo "$child" >"$RUNDIR/worker-$n.pid"
    if [ "$first" = 0 ]; then   # a restart: say when it is back (and warm it, like at start)
      ( if "$PY" "$RUNDIR/warm.py" "$port" >/dev/null 2>&1; then
          echo "serve.sh: $(date -u +%FT%TZ) worker $n back on 127.0.0.1:$port (pid $child)" >&2
        fi ) &
      poller=$!
    fi
    first=0
    wait "$child" 2>/dev/null
    rc=$?
    child=""
    [ -n "$poller" ] && kill -TERM "$poller" 2>/dev/null; poller=""
    now=$(date +%s)
    [ $((now - started)) -ge "$STABLE_AFTER" ] && backoff=1
    local -a kept=()
    for t in "${recent[@]}"; do [ $((now - t)) -lt "$RESTART_WINDOW" ] && kept+=("$t"); done
    recent=("${kept[@]}" "$now")
    if [ "${#recent[@]}" -gt "$RESTART_LIMIT" ]; then
      echo "serve.sh: $(date -u +%FT%TZ) worker $n on 127.0.0.1:$port exited (code $rc) after $RESTART_LIMIT restarts in ${RESTART_WINDOW} s; giving it up (see $RUNDIR/worker-$n.log)" >&2
      rm -f "$RUNDIR/worker-$n.pid"
      exit 1
    fi
    echo "serve.sh: $(date -u +%FT%TZ) worker $n on 127.0.0.1:$port exited (code $rc); restarting in ${backoff} s (restart ${#recent[@]} of at most $RESTART_LIMIT in ${RESTART_WINDOW} s)" >&2
    sleep "$backoff" &
    wait $!
    backoff=$((backoff * 2)); [ "$backoff" -gt 16 ] && backoff=16
  done
}

for i in "${!WPORTS[@]}"; do
  supervise $((i + 1)) "${WPORTS[$i]}" &
  SUPS+=($!)
done

STATIC_BLOCK=""
if [ "$STATIC" = 1 ]; then
  # Streamlit's hashed JS/CSS/fonts (7.2 MiB per cold load, 4.5 MiB of it plotly) from a gzip-compressed copy
  # of this Streamlit version's own files: the Python processes then only run the app.
  SRC=$("$PY" -c 'import os, streamlit; print(os.path.join(os.path.dirname(streamlit.__file__), "static", "static"))')
  cp -r "$SRC" "$RUNDIR/static"
  find "$RUNDIR/static" -type f \( -name '*.js' -o -name '*.css' -o -name '*.json' -o -name '*.svg' -o -name '*.ttf' \
    -o -name '*.map' \) -print0 | xargs -0 -r -P "$(nproc)" gzip -k -6
  chmod -R a+rX "$RUNDIR/static"
  STATIC_BLOCK="
        # Streamlit's static files, pre-compressed (gzip_static). Names carry a content hash: cache them.
        location /static/ {
            alias $RUNDIR/static/;
            gzip_static on;
            expires 30d;
            include $RUNDIR/security-headers.conf;
        }"
fi

USER_LINE=""
[ "$(id -u)" -eq 0 ] && USER_LINE="user nobody nogroup;"
UPSTREAMS=$(for p in "${WPORTS[@]}"; do printf '        server 127.0.0.1:%s max_fails=1 fail_timeout=5s;\n' "$p"; done)
export RUNDIR HOST PORT NGINX_WORKERS USER_LINE UPSTREAMS STATIC_BLOCK
"$PY" - "$REPO/deploy" "$RUNDIR" <<'EOF'
import base64, hashlib, os, re, sys
import streamlit

deploy, rundir = sys.argv[1], sys.argv[2]
# The CSP allows exactly the inline scripts of this Streamlit version's index.html, by hash.
index = open(os.path.join(os.path.dirname(streamlit.__file__), "static", "index.html"), encoding="utf-8").read()
inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", index, re.S)
# ...and the app's own inline scripts (constant code, no data): the phone layout's scroll boxes (evidash/phone.py).
sys.path.insert(0, os.path.dirname(os.path.abspath(deploy)))
from evidash.phone import INLINE_SCRIPTS
inline += [s for script in INLINE_SCRIPTS for s in re.findall(r"<script[^>]*>(.*?)</script>", script, re.S)]
hashes = " ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in inline)
values = {"RUNDIR": rundir, "HOST": os.environ["HOST"], "PORT": os.environ["PORT"],
          "NGINX_WORKERS": os.environ["NGINX_WORKERS"], "USER_LINE": os.environ["USER_LINE"],
          "UPSTREAM_SERVERS": os.environ["UPSTREAMS"], "STATIC_BLOCK": os.environ["STATIC_BLOCK"],
          "ACCESS_LOG": rundir + "/access.log evidash", "SCRIPT_HASHES": hashes}
for src, dst in (("nginx.conf.template", "nginx.conf"), ("security-headers.conf", "security-headers.conf")):
    text = open(os.path.join(deploy, src), encoding="utf-8").read()
    out = re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], text)
    open(os.path.join(rundir, dst), "w", encoding="utf-8").write(out)
EOF

# Wait for every worker to answer its health check, then start nginx.
for i in "${!WPORTS[@]}"; do
  p=${WPORTS[$i]}
  healthy=0
  for _ in $(seq 1 300); do
    kill -0 "${SUPS[$i]}" 2>/dev/null || { echo "serve.sh: worker $((i + 1)) does not start:" >&2; cat "$RUNDIR/worker-$((i + 1)).log" >&2; exit 1; }
    "$PY" -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$p/_stcore/health', timeout=1).status == 200 else 1)" \
      2>/dev/null && { healthy=1; break; }
    sleep 0.2
  done
  [ "$healthy" = 1 ] || { echo "serve.sh: worker $((i + 1)) not healthy after 60 s:" >&2; cat "$RUNDIR/worker-$((i + 1)).log" >&2; exit 1; }
done
# Warm every worker: one script run each (reads and validates the data once per process), so the first
# visitor on each worker does not pay for it (warm.py, written above; a restarted worker is warmed the same way).
if [ "$WARM" = 1 ]; then
  "$PY" "$RUNDIR/warm.py" "${WPORTS[@]}" || echo "serve.sh: warm-up failed (workers still serve; the first visit will be slower)" >&2
fi
"$NGINX" -t -q -p "$RUNDIR" -c "$RUNDIR/nginx.conf" -e "$RUNDIR/error.log" 2>&1 | grep -v "^$" >&2 || true
"$NGINX" -p "$RUNDIR" -c "$RUNDIR/nginx.conf" -e "$RUNDIR/error.log" &
NGINX_PID=$!
for _ in $(seq 1 100); do
  kill -0 "$NGINX_PID" 2>/dev/null || { echo "serve.sh: nginx exited:" >&2; cat "$RUNDIR/error.log" >&2; exit 1; }
  "$PY" -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://$HOST:$PORT/_stcore/health', timeout=1).status == 200 else 1)" \
    2>/dev/null && break
  sleep 0.1
done
WLIST=$(printf '127.0.0.1:%s,' "${WPORTS[@]}")
echo "evidash-serve ready url=http://$HOST:$PORT workers=${WLIST%,} rundir=$RUNDIR pids=$NGINX_PID,$(worker_pids | paste -sd,)"

# Run until nginx exits or every worker has been given up (or we are stopped); cleanup() then stops the rest.
# A worker that exits is restarted by its supervisor; a supervisor only exits when it gives its worker up.
set +e
ALIVE=("${SUPS[@]}")
while true; do
  wait -n -p DONE "$NGINX_PID" "${ALIVE[@]}"
  rc=$?
  if [ "$DONE" = "$NGINX_PID" ] || ! kill -0 "$NGINX_PID" 2>/dev/null; then
    echo "serve.sh: nginx exited (code $rc); stopping" >&2
    cat "$RUNDIR/error.log" >&2 2>/dev/null
    exit 1
  fi
  NEXT=()
  for pid in "${ALIVE[@]}"; do [ "$pid" != "$DONE" ] && kill -0 "$pid" 2>/dev/null && NEXT+=("$pid"); done
  ALIVE=("${NEXT[@]}")
  if [ "${#ALIVE[@]}" -eq 0 ]; then
    echo "serve.sh: every worker has been given up; stopping" >&2
    exit 1
  fi
  echo "serve.sh: ${#ALIVE[@]} of $WORKERS worker(s) left; still serving" >&2
done
