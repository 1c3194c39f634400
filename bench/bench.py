"""Benchmark the dashboard against the bare floor page in headless Chromium.

    .venv/bin/python bench/bench.py [--runs 5] [--scale] [--factor 100] [--no-sessions]

Starts Streamlit servers on free loopback ports (dashboard on the real data; the dashboard on a
freshly generated FACTORx data folder in a temp dir with --scale; bench/floor_app.py), waits for
/_stcore/health, warms each server with one visit (not counted, reported as "first visit"), then
measures medians over --runs fresh browser contexts, interleaving the apps run by run:

  cold load     navigation start -> first `.js-plotly-plot .main-svg` visible (dashboard: /onset)
  filter change once the page has settled (run finished, nothing stale, +0.5 s): pointerdown on the new
                option in the Condition selectbox -> a `.gtitle` shows its name; --changes per run,
                back and forth between two conditions (both warmed), median over all of them
  RSS           server process + children: idle after startup, after the warm-up visit, and with
                10 open pages holding sessions

--nav-floor adds the bare page served through st.navigation (bench/floor_nav_app.py) as a second
reference. Prints a table and writes bench/results/latest.json. Loopback only; every wait is bounded.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
from playwright.sync_api import Error as PWError
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
RESULTS = BENCH / "results"
CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOST = "127.0.0.1"
HEALTH_TIMEOUT_S = 60
LOAD_TIMEOUT_MS = int(os.environ.get("BENCH_LOAD_TIMEOUT_MS", "120000"))  # 100x first visit validates ~10k cells and draws a huge chart
STEP_TIMEOUT_MS = 60_000
N_SESSIONS = 10
SESSIONS_BUDGET_S = float(os.environ.get("BENCH_SESSIONS_BUDGET_S", "150"))

CHART_DRAWN_JS = """() => {
  const el = document.querySelector('.js-plotly-plot .main-svg');
  if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 ? performance.now() : false;
}"""
TITLE_SHOWN_JS = """(name) => {
  for (const t of document.querySelectorAll('.js-plotly-plot .gtitle')) {
    const r = t.getBoundingClientRect();
    if ((t.textContent || '').includes(name) && r.width > 0) {
      return window.__t0 != null ? performance.now() - window.__t0 : -1;
    }
  }
  return false;
}"""
IDLE_JS = """() => {
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  const running = status && /running|connecting/i.test(status.innerText || '');
  return !running && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
}"""
SETTLE_MS = 500  # after the run has finished, as a user would look at the page before clicking
ARM_POINTERDOWN_JS = """() => {
  window.__t0 = null;
  document.addEventListener('pointerdown', () => { if (window.__t0 == null) window.__t0 = performance.now(); },
                            {capture: true, once: true});
}"""


class ServerDied(RuntimeError):
    pass


class Server:
    def __init__(self, label: str, script: str, env_extra: dict[str, str] | None = None):
        self.label, self.script = label, script
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{label}-", suffix=".log", delete=False)
        env = {k: v for k, v in os.environ.items() if k != "EVIDASH_DATA_DIR"}
        env.update(env_extra or {})
        cmd = [sys.executable, str(BENCH / "serve.py"), script, "--server.headless=true",
               f"--server.address={HOST}", f"--server.port={self.port}", "--browser.gatherUsageStats=false",
               "--server.fileWatcherType=none", "--server.runOnSave=false"]
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://{HOST}:{self.port}"

    def output(self, tail: int = 60) -> str:
        try:
            lines = Path(self.log.name).read_text(errors="replace").splitlines()
        except OSError:
            return "(no output)"
        return "\n".join(lines[-tail:])

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise ServerDied(f"server '{self.label}' exited with code {self.proc.returncode}\n"
                             f"command: {' '.join(self.cmd)}\n--- server output ---\n{self.output()}")

    def wait_healthy(self) -> float:
        t0 = time.perf_counter()
        deadline = t0 + HEALTH_TIMEOUT_S
        while time.perf_counter() < deadline:
            self.check_alive()
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                pass
            time.sleep(0.1)
        raise ServerDied(f"server '{self.label}' not healthy after {HEALTH_TIMEOUT_S} s\n--- server output ---\n{self.output()}")

    def rss_mb(self) -> float:
        self.check_alive()
        p = psutil.Process(self.proc.pid)
        total = 0
        for q in [p] + p.children(recursive=True):
            try:
                total += q.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def condition_names(data_dir: Path) -> list[str]:
    with open(data_dir / "conditions.csv", newline="", encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: float(r["sort_order"]))
    return [r["name"] for r in rows]


def cold_load(context, url: str) -> tuple[object, float]:
    """Open url in a new page; seconds from navigation start to the first plotly chart drawn."""
    page = context.new_page()
    page.goto(url, wait_until="commit", timeout=STEP_TIMEOUT_MS)
    try:
        handle = page.wait_for_function(CHART_DRAWN_JS, polling="raf", timeout=LOAD_TIMEOUT_MS)
    except PWError:
        dump_page(page, "cold-load")
        raise
    return page, float(handle.json_value()) / 1000.0


def dump_page(page, what: str) -> None:
    """Save a screenshot and the page text next to the results, to see why a wait failed."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(RESULTS / f"failed-{what}.png"))
        text = page.evaluate("document.body ? document.body.innerText : ''")
        (RESULTS / f"failed-{what}.txt").write_text(f"url: {page.url}\n\n{text}")
        print(f"saved bench/results/failed-{what}.png and .txt (url {page.url})", file=sys.stderr)
    except PWError as exc:
        print(f"could not save page state: {exc}", file=sys.stderr)


def settle(page) -> None:
    """Wait until the script run has finished and nothing is stale, then SETTLE_MS more (same for every app)."""
    page.wait_for_function(IDLE_JS, polling=100, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)


def filter_change(page, option_text: str) -> float:
    """Seconds from pointerdown on the option to a chart title showing ``option_text`` (after the
    page has settled, so the click does not compete with the tail of the page load)."""
    settle(page)
    box = page.locator('[data-testid="stSelectbox"]').first
    box.click(timeout=STEP_TIMEOUT_MS)
    option = page.get_by_role("option", name=option_text, exact=True)
    option.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    page.evaluate(ARM_POINTERDOWN_JS)
    option.click(timeout=STEP_TIMEOUT_MS)
    try:
        handle = page.wait_for_function(TITLE_SHOWN_JS, arg=option_text, polling="raf", timeout=LOAD_TIMEOUT_MS)
    except PWError:
        dump_page(page, "filter-change")
        raise
    value = float(handle.json_value())
    if value < 0:
        raise RuntimeError("pointerdown was not recorded")
    return value / 1000.0


def warm_up(browser, server: Server, path: str, options: list[str]) -> dict:
    """First visit and first filter changes (not counted in the medians): runs st.navigation once
    (see stack notes) and fills the caches for both options. Also reads RSS idle and after the visit."""
    url = server.url + path
    out: dict = {"url": url, "options": options, "cold": [], "filter": []}
    server.check_alive()
    out["rss_idle_mb"] = round(server.rss_mb(), 1)
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        try:
            page, t = cold_load(ctx, url)
        except PWError as exc:  # one bounded retry: report it, it is a finding in itself
            print(f"  [{server.label}] warm-up visit failed ({str(exc).splitlines()[0]}); retrying once", flush=True)
            out["first_visit_failed"] = True
            ctx.close()
            ctx = browser.new_context(viewport={"width": 1400, "height": 900})
            page, t = cold_load(ctx, url)
        out["first_visit_s"] = round(t, 3)
        if options:  # --page without a condition filter: cold loads only
            out["first_filter_s"] = round(filter_change(page, options[0]), 3)
        for option in options[1:]:
            filter_change(page, option)
    finally:
        ctx.close()
    out["rss_warm_mb"] = round(server.rss_mb(), 1)
    return out


def one_run(browser, server: Server, out: dict, changes: int) -> None:
    """One counted run: a fresh browser context, cold load, then ``changes`` filter changes back and
    forth between the two options."""
    server.check_alive()
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page, t = cold_load(ctx, out["url"])
        out["cold"].append(t)
        for k in range(changes if out["options"] else 0):
            out["filter"].append(filter_change(page, out["options"][k % len(out["options"])]))
    finally:
        ctx.close()


def summarise(out: dict, changes: int) -> None:
    f = out["filter"]  # in run order, ``changes`` per run
    out["filter_by_run_s"] = [round(statistics.median(f[i:i + changes]), 3) for i in range(0, len(f), changes)]
    out["cold_load_s"] = round(statistics.median(out["cold"]), 3)
    out["filter_change_s"] = round(statistics.median(out["filter"]), 3) if out["filter"] else None
    out["cold_load_all"] = [round(x, 3) for x in out.pop("cold")]
    out["filter_change_all"] = [round(x, 3) for x in out.pop("filter")]


def ten_sessions(browser, server: Server, out: dict) -> None:
    """10 pages, each in its own context (so each is a foreground page) and its own Streamlit session:
    time until all have drawn their chart, and the server's RSS while they are open."""
    contexts = []
    try:
        pages = []
        for _ in range(N_SESSIONS):
            c = browser.new_context(viewport={"width": 1400, "height": 900})
            contexts.append(c)
            p = c.new_page()
            p.goto(out["url"], wait_until="commit", timeout=STEP_TIMEOUT_MS)
            pages.append(p)
        t0 = time.perf_counter()
        budget = t0 + SESSIONS_BUDGET_S
        for i, p in enumerate(pages):
            left_ms = int((budget - time.perf_counter()) * 1000)
            if left_ms <= 0:
                out["ten_sessions_timeout"] = True
                break
            try:
                # Headless Chromium does not paint pages that are not in front, and plotly draws on
                # animation frames: bring each page to front in turn (the server work already ran).
                p.bring_to_front()
                p.wait_for_function(CHART_DRAWN_JS, polling="raf", timeout=left_ms)
            except PWError:
                dump_page(p, f"session-{i}")
                out["ten_sessions_timeout"] = True
                print(f"  [{server.label}] 10 sessions not all drawn within {SESSIONS_BUDGET_S} s; RSS still measured", flush=True)
                break
        if not out.get("ten_sessions_timeout"):
            out["ten_sessions_ready_s"] = round(time.perf_counter() - t0, 3)
        time.sleep(2.0)
        out["rss_10_sessions_mb"] = round(server.rss_mb(), 1)
    finally:
        for c in contexts:
            c.close()


def measure_all(browser, servers: list[Server], targets: dict, runs: int, sessions: bool, changes: int) -> dict:
    """Warm every server, then interleave the counted runs (floor, dashboard, floor, …) so that drift
    on a shared machine affects every app alike; then the 10-session step per server."""
    results: dict = {}
    for s in servers:
        path, options = targets[s.label]
        print(f"warming {s.label} ({s.url}{path}, options {options})", flush=True)
        results[s.label] = warm_up(browser, s, path, options)
    for i in range(runs):
        for s in servers:
            one_run(browser, s, results[s.label], changes)
            r = results[s.label]
            changed = (f", filter median {statistics.median(r['filter'][-changes:]):.3f} s of {changes}"
                       if r["filter"] else "")
            print(f"  [{s.label}] run {i + 1}/{runs}: cold {r['cold'][-1]:.3f} s{changed}", flush=True)
    for s in servers:
        summarise(results[s.label], changes)
        if sessions:
            print(f"10 sessions on {s.label}", flush=True)
            ten_sessions(browser, s, results[s.label])
    return results


METRICS = [
    ("cold_load_s", "cold load to chart drawn (s)"),
    ("filter_change_s", "filter change to title updated (s)"),
    ("first_visit_s", "first visit after server start (s)"),
    ("ten_sessions_ready_s", "10 concurrent loads, all drawn (s)"),
    ("rss_idle_mb", "server RSS idle after startup (MB)"),
    ("rss_warm_mb", "server RSS after 1 visit (MB)"),
    ("rss_10_sessions_mb", "server RSS with 10 sessions (MB)"),
]


def per_run_lines(results: dict) -> str:
    """The filter-change ratio run by run (each app's median in that run over the floor's in the same
    run): how much of the overall ratio is drift between runs."""
    floor = results.get("floor", {}).get("filter_by_run_s") or []
    lines = ["", "filter change, ratio to the floor run by run (min / median / max):"]
    for name, r in results.items():
        mine = r.get("filter_by_run_s") or []
        ratios = [a / b for a, b in zip(mine, floor) if b] if name != "floor" else []
        if ratios:
            lines.append(f"  {name}: {min(ratios):.2f}x / {statistics.median(ratios):.2f}x / {max(ratios):.2f}x "
                         f"({len(ratios)} runs)")
    return "\n".join(lines)


def nav_floor_lines(results: dict) -> str:
    """The bare page with navigation: its ratio to the bare page, and the dashboard's ratio to it."""
    lines = ["", "bare page with st.navigation (floor-nav):"]
    for key, label in METRICS[:4]:
        nav, floor, dash = (results.get(n, {}).get(key) for n in ("floor-nav", "floor", "dashboard"))
        if nav and floor and dash:
            lines.append(f"  {label}: {nav:g} ({nav / floor:.2f}x the bare page; dashboard {dash / nav:.2f}x this)")
    return "\n".join(lines)


def table(results: dict) -> str:
    scaled = next((name for name in results if name.startswith("dashboard-")), None)
    head = ["metric", "dashboard", "floor", "ratio"] + ([scaled, "ratio-" + scaled.split("-", 1)[1]] if scaled else [])
    fmt = lambda v: "-" if v is None else f"{v:g}"
    rows = [head]
    for key, label in METRICS:
        floor = results.get("floor", {}).get(key)
        row = [label, fmt(results.get("dashboard", {}).get(key)), fmt(floor)]
        for name in ["dashboard"] + ([scaled] if scaled else []):
            v = results.get(name, {}).get(key)
            ratio = f"{v / floor:.2f}x" if v is not None and floor else "-"
            row += [ratio] if name == "dashboard" else [fmt(v), ratio]
        rows.append(row)
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", action="store_true", help="also benchmark the dashboard on a generated FACTORx data set")
    ap.add_argument("--factor", type=float, default=100.0)
    ap.add_argument("--no-sessions", action="store_true", help="skip the 10-session load and RSS step (quicker)")
    ap.add_argument("--changes", type=int, default=5, help="filter changes per run (default 5)")
    ap.add_argument("--page", default="/onset",
                    help="the dashboard page to load (default /onset; only /onset is also measured on a condition change, "
                         "other pages on cold loads)")
    ap.add_argument("--nav-floor", action="store_true",
                    help="also measure the bare page served through st.navigation (bench/floor_nav_app.py)")
    args = ap.parse_args(argv)
    if not 1 <= args.runs <= 50:
        ap.error("--runs must be 1..50")
    if not 1 <= args.changes <= 20:
        ap.error("--changes must be 1..20")

    tmp = None
    servers: list[Server] = []
    results: dict = {}
    real_names = condition_names(REPO / "data")
    scaled_label = f"dashboard-{args.factor:g}x"
    # Two conditions whose onset charts both draw ranges (a change to an empty chart would be cheaper).
    targets = {"dashboard": (args.page, [real_names[1], real_names[0]] if args.page == "/onset" else [])}
    scale_info = None
    try:
        if args.scale:
            tmp = tempfile.TemporaryDirectory(prefix="evidash-scale-")
            scale_dir = Path(tmp.name) / "data"
            t0 = time.perf_counter()
            gen = subprocess.run([sys.executable, str(BENCH / "make_scale_data.py"), str(scale_dir), "--factor", str(args.factor)],
                                 capture_output=True, text=True, timeout=120)
            if gen.returncode:
                print(gen.stdout, gen.stderr, file=sys.stderr)
                raise SystemExit("generating the scale data failed")
            scale_info = {"dir": str(scale_dir), "generate": gen.stdout.strip(), "generate_s": round(time.perf_counter() - t0, 2)}
            print(gen.stdout.strip(), flush=True)
            scale_names = condition_names(scale_dir)
            targets[scaled_label] = ("/onset", [scale_names[1], scale_names[0]])
        servers.append(Server("dashboard", "dashboard.py", {"EVIDASH_DATA_DIR": str(REPO / "data")}))
        if args.scale:
            servers.append(Server(scaled_label, "dashboard.py", {"EVIDASH_DATA_DIR": scale_info["dir"]}))
        servers.append(Server("floor", "bench/floor_app.py"))
        targets["floor"] = ("/", ["Floor condition 2", "Floor condition 5"])
        if args.nav_floor:
            servers.append(Server("floor-nav", "bench/floor_nav_app.py"))
            targets["floor-nav"] = ("/", ["Floor condition 2", "Floor condition 5"])
        for s in servers:
            print(f"{s.label}: {s.url} healthy in {s.wait_healthy():.2f} s", flush=True)
        time.sleep(1.0)  # let startup settle before the idle RSS reading
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS, headless=True)
            try:
                try:
                    results = measure_all(browser, servers, targets, args.runs, sessions=not args.no_sessions,
                                          changes=args.changes)
                except (PWError, RuntimeError) as exc:
                    print(f"\nFAILED: {exc}", file=sys.stderr)
                    for s in servers:
                        print(f"--- server output ({s.label}) ---\n{s.output()}", file=sys.stderr)
                    raise
            finally:
                browser.close()
    except ServerDied as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        for s in servers:
            s.stop()
        if tmp is not None:
            tmp.cleanup()

    print()
    print(table(results))
    print(per_run_lines(results))
    if "floor-nav" in results:
        print(nav_floor_lines(results))
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "runs": args.runs,
        "changes_per_run": args.changes,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "scale": scale_info,
        "results": results,
        "ratios": {name: {k: round(results[name][k] / results["floor"][k], 3) for k, _ in METRICS
                          if results[name].get(k) and results["floor"].get(k)}
                   for name in results if name != "floor"},
    }
    out = RESULTS / "latest.json"
    out.write_text(json.dumps(payload, indent=2))
    print(f"\nwrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
