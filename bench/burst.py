"""Burst test: a lecture hall opens one permalink within T seconds (default 200 cold loads in 30 s).

    python bench/burst.py [--sessions 200] [--seconds 30] [--browsers 3] [--path "/onset?condition=trd"]
                          [--workers K | --url http://127.0.0.1:PORT [--watch-pid PID ...]] [--no-assets]
                          [--kill-worker-at T]

Target (loopback only):
  (default)       starts its own single dashboard server on a free port (bench.py's Server);
  --workers K     starts `scripts/serve.sh --workers K` (K Streamlit processes behind nginx) on a free port;
  --url URL       an existing server (e.g. an nginx front you started); --watch-pid adds processes (and their
                  children) to the server CPU/memory figures.

Before the burst (not counted, as the presenter has opened the link before showing it): one real Chromium
load of the permalink records which same-origin files a browser fetches on a cold load, and every Streamlit
process is warmed with one websocket session (with --workers, each worker directly; with --url, only the
worker nginx picks).

Each simulated visitor, at a random moment within --seconds (seeded), does what a browser does on a cold
load, without drawing: GET the page (keeping nginx's sticky cookie), GET the files the recorded cold load
fetched (up to 6 connections, like a browser; --no-assets skips this), open /_stcore/stream speaking
Streamlit's protocol (bench/load.py's rerun_msg), ask for the page, and wait until the first plotly chart is
in the delta stream, checking its title against the warm-up's. Time-to-first-chart runs from the visitor's
start to that delta; the run must then finish without an exception element. Visitors keep their websocket
open until the end, like students who keep the page open.

--browsers real Chromium pages (default 3) open the same permalink at random moments within the window;
their figure is navigation start -> first `.js-plotly-plot .main-svg` drawn (bench.py's CHART_DRAWN_JS).

Reports p50/p95/max time-to-first-chart, errors (any failed request, refused/closed websocket, timeout,
exception element, missing or wrong chart), a phase breakdown, and CPU and memory (psutil, sampled every
0.5 s) of the server processes, of nginx and of the load generator itself (this process and its Chromium),
and the whole machine's CPU.

--kill-worker-at T (with --workers K): T seconds into the burst, worker 1 gets SIGKILL (serve.sh restarts it).
A visitor whose load fails then does what a browser does (Streamlit's client reconnects; a person reloads):
it tries once more after 1 s, through nginx, which routes around the dead worker. Reported: loads that
failed on the first try ("retried"), loads still failing after the retry ("errors"), time-to-first-chart
counted from the first try, sessions of finished visitors that the kill closed, and when the worker was back.
Bounded: at most 3000 visitors, 120 s window, a per-visitor timeout (--timeout,
default 90 s) and a hard deadline for the whole run. Writes bench/results/burst-<label>.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import websockets
from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import CHART_DRAWN_JS, CHROME_ARGS, CHROMIUM, RESULTS, Server, free_port  # noqa: E402  (same folder)
from load import read_msg, rerun_msg, run_finished  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MAX_SESSIONS = 3000
MAX_SECONDS = 120
BROWSER_CONNECTIONS = 6  # parallel HTTP/1.1 connections per host, as Chromium opens
COOKIE_RE = re.compile(r"^\s*([^=;\s]+)=([^;]*)")


class VisitError(Exception):
    pass


# ---------------------------------------------------------------- a small HTTP/1.1 client (loopback only)

class Conn:
    """One keep-alive HTTP/1.1 connection: GET with cookies, reads Content-Length or chunked bodies."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def get(self, path: str, cookies: dict, timeout: float) -> tuple[int, dict, int]:
        return await asyncio.wait_for(self._get(path, cookies), timeout)

    async def _get(self, path: str, cookies: dict) -> tuple[int, dict, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=2**20)
        head = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept-Encoding: gzip, deflate",
                "User-Agent: evidash-burst", "Connection: keep-alive"]
        if cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        status_line = await self.reader.readline()
        if not status_line:
            raise VisitError(f"connection closed before a response to {path}")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        set_cookies = []
        while True:
            line = (await self.reader.readline()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                set_cookies.append(value)
            headers[name] = value
        for c in set_cookies:
            m = COOKIE_RE.match(c)
            if m:
                cookies[m.group(1)] = m.group(2)
        size = 0
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                n = int((await self.reader.readline()).split(b";")[0], 16)
                if n == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                size += len(await self.reader.readexactly(n))
                await self.reader.readexactly(2)
        elif "content-length" in headers:
            size = len(await self.reader.readexactly(int(headers["content-length"])))
        elif status not in (204, 304):
            size = len(await self.reader.read())  # until close
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, size

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# ---------------------------------------------------------------- one visitor over the websocket protocol

def page_name(path: str) -> tuple[str, str]:
    parts = urlsplit(path)
    return parts.path.strip("/"), parts.query


async def read_first_chart(ws, deadline: float) -> tuple[float | None, str | None, bool]:
    """Read forward messages until the script run finishes. Returns (time the first plotly element
    arrived, its title, whether an exception element or a failed run was seen)."""
    t_chart, title, error = None, None, False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise VisitError("timeout waiting for the run to finish" if t_chart else "timeout waiting for the chart")
        raw = await asyncio.wait_for(ws.recv(), left)
        msg, el, et = read_msg(raw)
        if et == "plotly_chart" and t_chart is None:
            t_chart = time.monotonic()
            try:
                layout = json.loads(el.plotly_chart.spec).get("layout", {})
                title = (layout.get("title") or {}).get("text")
            except (ValueError, AttributeError):
                title = None
        elif et == "exception":
            error = True
        ok = run_finished(msg)
        if ok is not None:
            return t_chart, title, error or not ok


class Visitor:
    def __init__(self, i: int, base: str, path: str, assets: dict[str, int], timeout: float):
        self.i, self.path, self.assets, self.timeout = i, path, assets, timeout
        u = urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.ws_url = f"ws://{self.host}:{self.port}/_stcore/stream"
        self.cookies: dict[str, str] = {}
        self.result: dict = {"i": i}
        self.ws = None

    async def run(self, expected_title: str | None) -> dict:
        r = self.result
        t0 = time.monotonic()
        deadline = t0 + self.timeout
        r["t_start"] = t0
        conns = [Conn(self.host, self.port)]
        try:
            status, headers, _ = await conns[0].get(self.path, self.cookies, self.timeout)
            if status != 200:
                raise VisitError(f"page GET returned {status}")
            r["upstream_html"] = headers.get("x-upstream")
            r["html_s"] = time.monotonic() - t0
            if self.assets:
                queue = list(self.assets)
                conns += [Conn(self.host, self.port) for _ in range(BROWSER_CONNECTIONS - 1)]

                async def worker(c: Conn) -> None:
                    while queue:
                        p = queue.pop(0)
                        st, _, _ = await c.get(p, self.cookies, max(0.1, deadline - time.monotonic()))
                        if st not in (200, 304, self.assets[p]):
                            raise VisitError(f"GET {p} returned {st}")

                await asyncio.gather(*[worker(c) for c in conns])
            r["assets_s"] = time.monotonic() - t0 - r["html_s"]
            t1 = time.monotonic()
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else None
            self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                               additional_headers=headers, open_timeout=max(0.1, deadline - t1),
                                               ping_interval=None)
            r["upstream_ws"] = self.ws.response.headers.get("X-Upstream")
            r["ws_open_s"] = time.monotonic() - t1
            t2 = time.monotonic()
            page, query = page_name(self.path)
            await self.ws.send(rerun_msg(page, query=query))
            t_chart, title, error = await read_first_chart(self.ws, deadline)
            if t_chart is None:
                raise VisitError("run finished without a plotly chart")
            r["ttfc_s"] = t_chart - t0
            r["to_chart_s"] = t_chart - t2
            r["run_s"] = time.monotonic() - t2
            r["t_done"] = time.monotonic()
            if error:
                raise VisitError("exception element or failed run")
            if expected_title is not None and title != expected_title:
                raise VisitError(f"chart title {title!r}, expected {expected_title!r}")
            if r.get("upstream_html") and r.get("upstream_ws") and r["upstream_html"] != r["upstream_ws"]:
                r["sticky_broken"] = True
        except Exception as exc:  # every failure counts as an error
            r["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
        finally:
            for c in conns:
                c.close()
        return r

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 5)
            except Exception:
                pass


# ---------------------------------------------------------------- real browsers

async def record_cold_load(browser, url: str, timeout_s: float) -> tuple[dict[str, int], float]:
    """One real cold load (not counted): the same-origin files the browser fetched, and its time."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    seen: dict[str, int] = {}
    ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = await ctx.new_page()

        def on_response(resp) -> None:
            req = resp.request
            if req.method == "GET" and req.url.startswith(origin) and req.resource_type not in ("document", "websocket"):
                p = req.url[len(origin):]
                if p not in seen and not p.startswith("/_stcore/stream"):
                    seen[p] = resp.status  # the browser also probes /<page>/_stcore/health first: a 404 there is normal

        page.on("response", on_response)
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        h = await page.wait_for_function(CHART_DRAWN_JS, polling="raf", timeout=timeout_s * 1000)
        t = float(await h.json_value()) / 1000
        await page.wait_for_timeout(1000)  # late requests (fonts, lazy chunks)
    finally:
        await ctx.close()
    return seen, t


async def browser_visit(browser, url: str, delay: float, timeout_s: float, out: list, errors: list) -> None:
    await asyncio.sleep(delay)
    ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = await ctx.new_page()
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        h = await page.wait_for_function(CHART_DRAWN_JS, polling="raf", timeout=timeout_s * 1000)
        out.append(float(await h.json_value()) / 1000)
        await page.wait_for_timeout(500)
        if await page.locator('[data-testid="stException"]').count():
            errors.append("browser: exception element on the page")
    except Exception as exc:
        errors.append(f"browser: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await ctx.close()


async def warm(ws_base: str, path: str, timeout: float) -> str | None:
    """One websocket session on a server (fills its data cache); returns the first chart's title."""
    page, query = page_name(path)
    async with websockets.connect(ws_base.rstrip("/") + "/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, open_timeout=timeout) as ws:
        await ws.send(rerun_msg(page, query=query))
        t_chart, title, error = await read_first_chart(ws, time.monotonic() + timeout)
        if error or t_chart is None:
            raise RuntimeError(f"warm-up run on {ws_base}{path} had an exception or no plotly chart "
                               "(is the data valid? python -m evidash validate data)")
        return title


# ---------------------------------------------------------------- CPU and memory

class Monitor:
    """Samples CPU and RSS every 0.5 s by group: 'server' (the Streamlit processes), 'nginx', 'generator'
    (this process and its children other than the server: Playwright, Chromium), and the machine. CPU time
    is summed per process id from sample to sample, so processes that exit (Chromium renderers) still count."""

    def __init__(self, server_roots: list[int]):
        self.server_roots = server_roots
        self.samples: list[dict] = []
        self.last: dict[int, float] = {}
        self.total = {"server": 0.0, "nginx": 0.0, "generator": 0.0}

    def groups(self) -> dict[str, list[psutil.Process]]:
        out: dict[str, list[psutil.Process]] = {"server": [], "nginx": [], "generator": []}
        server_pids = set()
        for root in self.server_roots:
            for p in _tree(root):
                server_pids.add(p.pid)
                try:
                    name = p.name()
                except psutil.Error:
                    continue
                if "nginx" in name:
                    out["nginx"].append(p)
                elif "python" in name or "streamlit" in name:
                    out["server"].append(p)
        out["generator"] = [p for p in _tree(os.getpid()) if p.pid not in server_pids]
        return out

    def sample(self) -> tuple[dict[str, float], dict[str, float], int]:
        cpu = {g: 0.0 for g in self.total}
        rss = {g: 0.0 for g in self.total}
        groups = self.groups()
        for g, ps in groups.items():
            for p in ps:
                try:
                    t = p.cpu_times()
                    c = t.user + t.system
                    rss[g] += p.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                cpu[g] += max(0.0, c - self.last.get(p.pid, c if not self.last else 0.0))
                self.last[p.pid] = c
        return cpu, rss, len(groups["server"])

    async def run(self, stop: asyncio.Event) -> None:
        psutil.cpu_percent(None)
        self.sample()  # baseline per process
        t_last = time.monotonic()
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except asyncio.TimeoutError:
                pass
            now = time.monotonic()
            cpu, rss, n = self.sample()
            dt = max(1e-3, now - t_last)
            for g in cpu:
                self.total[g] += cpu[g]
            self.samples.append({"t": now, "machine_cpu": psutil.cpu_percent(None),
                                 **{f"{g}_cpu": 100 * v / dt for g, v in cpu.items()},
                                 **{f"{g}_rss_mb": v for g, v in rss.items()}, "server_procs": n})
            t_last = now

    def summary(self, t_from: float, t_to: float) -> dict:
        s = [x for x in self.samples if t_from <= x["t"] <= t_to] or self.samples
        if not s:
            return {}
        out = {"machine_cpu_mean_pct": round(statistics.mean(x["machine_cpu"] for x in s), 1),
               "machine_cpu_cores": psutil.cpu_count()}
        for g in ("server", "nginx", "generator"):
            vals = [x.get(f"{g}_cpu", 0) for x in s]
            out[f"{g}_cpu_mean_pct"] = round(statistics.mean(vals), 1)
            out[f"{g}_cpu_peak_pct"] = round(max(vals), 1)
            out[f"{g}_rss_peak_mb"] = round(max(x.get(f"{g}_rss_mb", 0) for x in s), 1)
            out[f"{g}_cpu_seconds"] = round(self.total[g], 1)
        mine = sum(out[f"{g}_cpu_mean_pct"] for g in ("server", "nginx", "generator"))
        # Everything else on the machine (other jobs), in % of one core: the figures are only as quiet as this.
        out["others_cpu_mean_pct"] = round(max(0.0, out["machine_cpu_mean_pct"] * out["machine_cpu_cores"] - mine), 1)
        out["server_procs"] = s[-1]["server_procs"]
        return out


def _tree(pid: int) -> list[psutil.Process]:
    try:
        p = psutil.Process(pid)
        return [p] + p.children(recursive=True)
    except psutil.Error:
        return []


# ---------------------------------------------------------------- the run

def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(round(q * (len(v) - 1)))))
    return round(v[k], 3)


def start_serve(workers: int) -> tuple[subprocess.Popen, str, list[str], Path]:
    port = free_port()
    proc = subprocess.Popen(["bash", str(REPO / "scripts" / "serve.sh"), "--workers", str(workers), "--port", str(port)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 90
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("serve.sh exited:\n" + "".join(lines))
        lines.append(line)
        m = re.search(r"evidash-serve ready url=(\S+) workers=(\S+) rundir=(\S+)", line)
        if m:
            return proc, m.group(1), [f"http://{w}" for w in m.group(2).split(",")], Path(m.group(3))
    raise RuntimeError("serve.sh not ready in 90 s:\n" + "".join(lines))


def stop_serve(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _healthy(base: str) -> bool:
    import urllib.request
    try:
        with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


async def kill_worker(rundir: Path, worker_url: str, at: float, out: dict) -> None:
    """At ``at`` seconds: SIGKILL worker 1 (its pid from serve.sh's RUNDIR/worker-1.pid); then wait until serve.sh
    has restarted it (a new pid that answers its health check). Records the times in ``out``."""
    await asyncio.sleep(at)
    t0 = time.monotonic()
    pid = int((rundir / "worker-1.pid").read_text().strip())
    os.kill(pid, signal.SIGKILL)
    out.update(worker=worker_url, pid=pid, at_s=at, t_kill=t0)
    print(f"killed worker 1 ({worker_url}, pid {pid}) at {at:g} s", flush=True)
    while time.monotonic() - t0 < 90:
        await asyncio.sleep(0.25)
        try:
            new = int((rundir / "worker-1.pid").read_text().strip())
        except (OSError, ValueError):
            continue
        if new != pid and await asyncio.to_thread(_healthy, worker_url):
            out.update(new_pid=new, back_after_s=round(time.monotonic() - t0, 2))
            print(f"worker 1 back after {out['back_after_s']} s (pid {new})", flush=True)
            return


async def main_async(args) -> dict:
    server = serve = None
    rundir = None
    warm_targets: list[str]
    roots: list[int] = list(args.watch_pid or [])
    if args.url:
        url, warm_targets, label = args.url.rstrip("/"), [args.url.rstrip("/")], args.label or "url"
    elif args.workers:
        serve, url, warm_targets, rundir = start_serve(args.workers)
        roots.append(serve.pid)
        label = args.label or f"nginx-{args.workers}w"
    else:
        server = Server("burst", "dashboard.py", None)
        server.wait_healthy()
        url, warm_targets = server.url, [server.url]
        roots.append(server.proc.pid)
        label = args.label or "single"
    target = url + args.path
    result: dict = {"label": label, "target": target, "sessions": args.sessions, "seconds": args.seconds,
                    "browsers": args.browsers, "assets": not args.no_assets}
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS, headless=True)
            try:
                titles = [await warm(w.replace("http://", "ws://"), args.path, 120) for w in warm_targets]
                expected = titles[0]
                if any(t != expected for t in titles):
                    raise RuntimeError(f"workers disagree on the chart title: {titles}")
                assets, t_pre = await record_cold_load(browser, target, 120)
                result.update(expected_title=expected, preflight_browser_s=round(t_pre, 3), asset_count=len(assets))
                print(f"[{label}] warm: {len(warm_targets)} process(es); chart {expected!r}; a browser cold load "
                      f"fetched {len(assets)} same-origin files, chart drawn in {t_pre:.2f} s", flush=True)
                result["asset_statuses"] = assets
                if args.no_assets:
                    assets = {}
                rng = random.Random(args.seed)
                delays = sorted(rng.uniform(0, args.seconds) for _ in range(args.sessions))
                b_delays = sorted(rng.uniform(0, args.seconds) for _ in range(args.browsers))
                visitors = [Visitor(i, url, args.path, assets, args.timeout) for i in range(args.sessions)]
                b_times: list[float] = []
                b_errors: list[str] = []
                monitor = Monitor(roots)
                stop = asyncio.Event()
                mon_task = asyncio.create_task(monitor.run(stop))
                await asyncio.sleep(1.0)
                t_begin = time.monotonic()

                async def launch(v: Visitor, d: float) -> dict:
                    await asyncio.sleep(d)
                    r = await v.run(expected)
                    if "error" in r and args.kill_worker_at is not None:  # a browser reconnects; a person reloads
                        first_start, first_error = r["t_start"], r["error"]
                        await v.close()
                        await asyncio.sleep(1.0)
                        v.result, v.ws, v.cookies = {"i": v.i}, None, v.cookies
                        r = await v.run(expected)
                        r["retried"] = first_error
                        if "ttfc_s" in r:
                            r["ttfc_s"] += r["t_start"] - first_start
                    return r

                kill: dict = {}
                tasks = [launch(v, d) for v, d in zip(visitors, delays)]
                if args.kill_worker_at is not None:
                    tasks.append(kill_worker(rundir, warm_targets[0], args.kill_worker_at, kill))
                tasks += [browser_visit(browser, target, d, args.timeout, b_times, b_errors) for d in b_delays]
                hard = args.seconds + args.timeout + 30
                done = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), hard)
                t_end = time.monotonic()
                await asyncio.sleep(1.0)
                stop.set()
                await mon_task
                await asyncio.gather(*[v.close() for v in visitors])
            finally:
                await browser.close()
        res = [d for d in done[:args.sessions] if isinstance(d, dict)]
        if args.kill_worker_at is not None:
            killed = kill.get("worker", "").replace("http://", "")
            lost = [v for v in visitors if "error" not in v.result and v.result.get("upstream_ws") == killed
                    and v.result.get("t_done", 0) < kill.get("t_kill", 0)]
            kill.pop("t_kill", None)
            result["kill"] = {**kill, "retried": sum(1 for r in res if "retried" in r),
                              "retried_pct": round(100 * sum(1 for r in res if "retried" in r) / max(1, len(res)), 2),
                              "retry_reasons": sorted({r["retried"] for r in res if "retried" in r})[:6],
                              "finished_sessions_closed_by_kill": len(lost)}
        errs = [r["error"] for r in res if "error" in r] + [repr(d) for d in done[:args.sessions] if not isinstance(d, dict)]
        ttfc = [r["ttfc_s"] for r in res if "ttfc_s" in r and "error" not in r]
        phases = {k: round(statistics.median([r[k] for r in res if k in r]), 3) if any(k in r for r in res) else None
                  for k in ("html_s", "assets_s", "ws_open_s", "to_chart_s", "run_s")}
        ups: dict[str, int] = {}
        for r in res:
            if r.get("upstream_ws"):
                ups[r["upstream_ws"]] = ups.get(r["upstream_ws"], 0) + 1
        result.update({
            "visitors": {"ok": len(ttfc), "errors": len(errs), "p50_s": pct(ttfc, 0.5), "p95_s": pct(ttfc, 0.95),
                         "max_s": round(max(ttfc), 3) if ttfc else None, "phase_medians_s": phases,
                         "error_samples": sorted(set(errs))[:8],
                         "sticky_broken": sum(1 for r in res if r.get("sticky_broken")),
                         "by_upstream": ups},
            "browsers_result": {"ok": len(b_times), "errors": len(b_errors), "times_s": [round(t, 3) for t in sorted(b_times)],
                                "max_s": round(max(b_times), 3) if b_times else None, "error_samples": b_errors[:5]},
            "wall_s": round(t_end - t_begin, 1),
            "resources": monitor.summary(t_begin, t_end + 1),
        })
    finally:
        if server:
            server.stop()
        if serve:
            stop_serve(serve)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--browsers", type=int, default=3, help="real Chromium pages within the window (0..5)")
    ap.add_argument("--path", default="/onset?condition=trd", help="the permalink (path and query)")
    ap.add_argument("--workers", type=int, default=0, help="start scripts/serve.sh with K workers behind nginx")
    ap.add_argument("--url", default=None, help="an existing server on 127.0.0.1 (default: start one process)")
    ap.add_argument("--watch-pid", type=int, action="append", help="with --url: server process ids to measure")
    ap.add_argument("--no-assets", action="store_true", help="visitors skip the static files (HTML + websocket only)")
    ap.add_argument("--timeout", type=float, default=90, help="per visitor (s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--label", default=None)
    ap.add_argument("--kill-worker-at", type=float, default=None, metavar="T",
                    help="with --workers: SIGKILL worker 1 T seconds into the burst (serve.sh restarts it)")
    args = ap.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS:
        ap.error(f"--sessions must be 1..{MAX_SESSIONS}")
    if not 0 < args.seconds <= MAX_SECONDS:
        ap.error(f"--seconds must be in (0, {MAX_SECONDS}]")
    args.browsers = max(0, min(args.browsers, 5))
    args.timeout = max(5.0, min(args.timeout, 150.0))
    if args.url and not re.match(r"^http://(127\.\d+\.\d+\.\d+|localhost)(:\d+)?/?$", args.url):
        ap.error("--url: loopback only, e.g. http://127.0.0.1:8501")
    if args.url and args.workers:
        ap.error("--url and --workers exclude each other")
    if args.kill_worker_at is not None and not (args.workers and 0 <= args.kill_worker_at <= args.seconds):
        ap.error("--kill-worker-at needs --workers and a time within --seconds")
    if not args.path.startswith("/"):
        ap.error("--path must start with /")
    def on_term(signum, frame):  # stop like Ctrl-C, so the servers started here are stopped too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    result = asyncio.run(main_async(args))
    RESULTS.mkdir(parents=True, exist_ok=True)
    kill_tag = f"-kill{args.kill_worker_at:g}" if args.kill_worker_at is not None else ""
    out = RESULTS / f"burst-{result['label']}-{args.sessions}{kill_tag}.json"
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **result}, indent=2))
    v, b, r = result["visitors"], result["browsers_result"], result["resources"]
    print(json.dumps(result, indent=2))
    print(f"\n[{result['label']}] {args.sessions} visitors in {args.seconds:g} s: time-to-first-chart p50 {v['p50_s']} s, "
          f"p95 {v['p95_s']} s, max {v['max_s']} s; errors {v['errors']}; browsers {b['ok']} ok / {b['errors']} errors, "
          f"drawn in {b['times_s']} s")
    if "kill" in result:
        k = result["kill"]
        print(f"kill: worker {k.get('worker')} at {k.get('at_s')} s, back after {k.get('back_after_s')} s; loads retried "
              f"{k['retried']} ({k['retried_pct']} %); finished sessions closed by the kill {k['finished_sessions_closed_by_kill']}")
    print(f"server CPU mean {r.get('server_cpu_mean_pct')} % (peak {r.get('server_cpu_peak_pct')} %, "
          f"{r.get('server_cpu_seconds')} CPU-s), RSS peak {r.get('server_rss_peak_mb')} MB; nginx "
          f"{r.get('nginx_cpu_seconds')} CPU-s; load generator {r.get('generator_cpu_seconds')} CPU-s; machine CPU mean "
          f"{r.get('machine_cpu_mean_pct')} % of {r.get('machine_cpu_cores')} cores (other jobs {r.get('others_cpu_mean_pct')} % "
          f"of a core); wrote {out.relative_to(REPO)}")
    return 0 if v["errors"] == 0 and b["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
