"""Load test: N concurrent sessions speaking Streamlit's websocket protocol against one server.

Each session opens the onset page with its own condition in the address (?condition=<id>, checked
against the chart title, so sessions that start at the same time cannot see each other's URL), then
every ~INTERVAL seconds changes the condition and waits for the (fragment) rerun to finish. Reports p50/p95/max interaction time and errors. Loopback only;
bounded in sessions and seconds.

    python bench/load.py [--sessions 20] [--browsers 3] [--seconds 60] [--interval 5] [--url http://127.0.0.1:PORT]

Alongside the websocket clients, --browsers real Chromium pages change the condition through the page
itself and report, separately, the time from pointerdown to the chart showing the new condition.

Without --url it starts its own dashboard server on a free port (EVIDASH_DATA_DIR is passed on).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

import websockets
from playwright.async_api import async_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import (ARM_POINTERDOWN_JS, CHART_DRAWN_JS, CHROME_ARGS, CHROMIUM, IDLE_JS,  # noqa: E402  (same folder)
                   SETTLE_MS, TITLE_SHOWN_JS, Server)

TIMEOUT = 15.0
REPO = Path(__file__).resolve().parent.parent


def rerun_msg(page: str, widgets: list | None = None, fragment_id: str = "", query: str = "") -> bytes:
    """A rerun request as the browser sends it: with the changed widget and, when that widget is
    drawn inside an st.fragment, the fragment's id (so only the fragment reruns, as in the browser)."""
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_name = page
    if fragment_id:
        state.fragment_id = fragment_id
    for wid, value in widgets or []:
        w = state.widget_states.widgets.add()
        w.id = wid
        w.string_value = value
    return msg.SerializeToString()


def read_msg(raw: bytes) -> tuple[ForwardMsg, object | None, str | None]:
    """A forward message, with its new element and that element's type (None, None for any other message)."""
    msg = ForwardMsg()
    msg.ParseFromString(raw)
    if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
        el = msg.delta.new_element
        return msg, el, el.WhichOneof("type")
    return msg, None, None


def run_finished(msg: ForwardMsg) -> bool | None:
    """None while the script run goes on (or was cut short by a rerun); else whether it finished successfully."""
    if msg.WhichOneof("type") != "script_finished" or msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
        return None
    return msg.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


async def run_until_finished(ws, payload: bytes, expect: str | None = None) -> tuple[float, dict, bool]:
    """Send a rerun and read until script_finished. Returns (seconds, selectbox info, error seen).

    With ``expect``, the rerun only counts as correct if some message carries that text (the chart
    title names the chosen condition), so a change the server ignored is reported as an error."""
    start = time.perf_counter()
    await ws.send(payload)
    select, error, seen = {}, False, expect is None
    while True:
        raw = await asyncio.wait_for(ws.recv(), TIMEOUT)
        if not seen and expect.encode() in raw:
            seen = True
        msg, el, et = read_msg(raw)
        if et == "exception":
            error = True
        elif et == "selectbox" and el.selectbox.label == "Condition":
            select = {"id": el.selectbox.id, "options": list(el.selectbox.options), "fragment": msg.delta.fragment_id}
        ok = run_finished(msg)
        if ok is not None:
            return time.perf_counter() - start, select, error or not seen or not ok


T0 = time.monotonic()
stamps: list = []


def condition_names(data_dir: Path) -> dict[str, str]:
    import csv
    with (data_dir / "conditions.csv").open(encoding="utf-8") as fh:
        return {row["condition_id"]: row["name"] for row in csv.DictReader(fh)}


async def session(ws_url: str, seconds: float, interval: float, times: list, errors: list, seed: int,
                  conditions: dict[str, str]) -> None:
    rng = random.Random(seed)
    start_id = sorted(conditions)[seed % len(conditions)]
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=TIMEOUT) as ws:
            _, select, err = await run_until_finished(ws, rerun_msg("onset", query=f"condition={start_id}"),
                                                      expect=conditions[start_id])
            if err or not select:
                errors.append(f"first run with ?condition={start_id} failed, showed another condition or had no Condition select")
                return
            end = time.monotonic() + seconds
            await asyncio.sleep(rng.uniform(0, interval))
            while time.monotonic() < end:
                label = rng.choice(select["options"])
                elapsed, _, err = await run_until_finished(ws, rerun_msg("onset", [(select["id"], label)], select["fragment"]), expect=label)
                (errors.append(f"error after choosing {label}") if err else times.append(elapsed))
                if not err:
                    stamps.append((round(time.monotonic() - T0, 1), round(elapsed, 3), label))
                await asyncio.sleep(max(0.0, interval + rng.uniform(-1, 1) - elapsed))
    except Exception as exc:  # a dropped or refused connection counts as an error
        errors.append(f"{type(exc).__name__}: {exc}")


async def browser_page(browser, url: str, seconds: float, interval: float, times: list, errors: list, seed: int,
                       names: list[str]) -> None:
    """A real Chromium page beside the websocket clients: opens the onset page and, every ~interval
    seconds, picks another condition in the select box; times pointerdown -> chart title shows it
    (as bench.py does), i.e. what a user sees while the server is under load."""
    rng = random.Random(1000 + seed)
    ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = await ctx.new_page()
        await page.goto(url.rstrip("/") + "/onset", timeout=TIMEOUT * 4000)
        await page.wait_for_function(CHART_DRAWN_JS, polling="raf", timeout=TIMEOUT * 4000)
        end = time.monotonic() + seconds
        await asyncio.sleep(rng.uniform(0, interval))
        while time.monotonic() < end:
            name = rng.choice(names)
            try:
                await page.wait_for_function(IDLE_JS, polling=100, timeout=TIMEOUT * 1000)
                await page.wait_for_timeout(SETTLE_MS)
                current = await page.locator(".st-key-condition input").first.input_value()
                if current == name:
                    continue
                await page.locator(".st-key-condition [data-testid='stSelectbox']").first.click(timeout=TIMEOUT * 1000)
                option = page.get_by_role("option", name=name, exact=True)
                await option.wait_for(timeout=TIMEOUT * 1000)
                await page.evaluate(ARM_POINTERDOWN_JS)
                await option.click(timeout=TIMEOUT * 1000)
                handle = await page.wait_for_function(TITLE_SHOWN_JS, arg=name, polling="raf", timeout=TIMEOUT * 1000)
                times.append(float(await handle.json_value()) / 1000.0)
            except Exception as exc:  # a missing update or a stuck page counts as an error
                errors.append(f"browser page: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            await asyncio.sleep(max(0.0, interval + rng.uniform(-1, 1) - 1.0))
    except Exception as exc:
        errors.append(f"browser page could not open: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await ctx.close()


def summary(times: list[float], errors: list[str]) -> dict:
    q = statistics.quantiles(times, n=20) if len(times) >= 20 else None
    return {
        "interactions": len(times), "errors": len(errors),
        "p50_s": round(statistics.median(times), 3) if times else None,
        "p95_s": round(q[18], 3) if q else (round(max(times), 3) if times else None),
        "max_s": round(max(times), 3) if times else None,
        "error_samples": errors[:5],
    }


async def main_async(args) -> dict:
    server = None
    url = args.url
    if not url:
        extra = {"EVIDASH_DATA_DIR": args.data_dir} if args.data_dir else None
        server = Server("load", "dashboard.py", extra)
        server.wait_healthy()
        url = server.url
    ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
    times: list[float] = []
    errors: list[str] = []
    b_times: list[float] = []
    b_errors: list[str] = []
    try:
        conditions = condition_names(Path(args.data_dir) if args.data_dir else REPO / "data")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS, headless=True) if args.browsers else None
            try:
                await asyncio.gather(
                    *[session(ws_url, args.seconds, args.interval, times, errors, i, conditions) for i in range(args.sessions)],
                    *[browser_page(browser, url, args.seconds, args.interval, b_times, b_errors, i, list(conditions.values()))
                      for i in range(args.browsers)])
            finally:
                if browser:
                    await browser.close()
    finally:
        if server:
            server.stop()
    result = {"sessions": args.sessions, "browser_pages": args.browsers, "seconds": args.seconds,
              **summary(times, errors), "slowest": sorted(stamps, key=lambda s: -s[1])[:10],
              "browser": summary(b_times, b_errors)}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--browsers", type=int, default=3, help="real Chromium pages alongside (default 3, max 5)")
    parser.add_argument("--url", default=None, help="existing server on 127.0.0.1 (default: start one)")
    parser.add_argument("--data-dir", default=None, help="data folder for the server it starts")
    args = parser.parse_args()
    args.sessions = min(args.sessions, 50)
    args.seconds = min(args.seconds, 300)
    args.browsers = max(0, min(args.browsers, 5))
    if args.url and not args.url.startswith(("http://127.", "http://localhost")):
        parser.error("loopback only")
    result = asyncio.run(main_async(args))
    print(json.dumps(result, indent=2))
    print(f"p50 {result['p50_s']} s, p95 {result['p95_s']} s, max {result['max_s']} s, "
          f"{result['interactions']} interactions, {result['errors']} errors (target: p95 < 1 s, 0 errors)")
    b = result["browser"]
    if args.browsers:
        print(f"browser pages ({args.browsers}, pointerdown to chart updated): p50 {b['p50_s']} s, p95 {b['p95_s']} s, "
              f"max {b['max_s']} s, {b['interactions']} interactions, {b['errors']} errors")
    return 0 if result["errors"] == 0 and b["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
