"""Load test: N concurrent sessions speaking Streamlit's websocket protocol against one server.

Each session opens the onset page with its own condition in the address (?condition=<id>, checked
against the chart title, so sessions that start at the same time cannot see each other's URL), then
every ~INTERVAL seconds changes the condition and waits for the (fragment) rerun to finish. Reports p50/p95/max interaction time and errors. Loopback only;
bounded in sessions and seconds.

    python bench/load.py [--sessions 20] [--seconds 60] [--interval 5] [--url http://127.0.0.1:PORT]

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
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import Server  # noqa: E402  (same folder)

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
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            et = el.WhichOneof("type")
            if et == "exception":
                error = True
            elif et == "selectbox" and el.selectbox.label == "Condition":
                select = {"id": el.selectbox.id, "options": list(el.selectbox.options), "fragment": msg.delta.fragment_id}
        elif kind == "script_finished":
            if msg.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                return time.perf_counter() - start, select, error or not seen
            if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue
            return time.perf_counter() - start, select, True


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
    try:
        conditions = condition_names(Path(args.data_dir) if args.data_dir else REPO / "data")
        await asyncio.gather(*[session(ws_url, args.seconds, args.interval, times, errors, i, conditions)
                               for i in range(args.sessions)])
    finally:
        if server:
            server.stop()
    q = statistics.quantiles(times, n=20) if len(times) >= 20 else None
    result = {
        "sessions": args.sessions, "seconds": args.seconds, "interactions": len(times), "errors": len(errors),
        "p50_s": round(statistics.median(times), 3) if times else None,
        "p95_s": round(q[18], 3) if q else None, "max_s": round(max(times), 3) if times else None,
        "error_samples": errors[:5],
        "slowest": sorted(stamps, key=lambda s: -s[1])[:10],
    }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--url", default=None, help="existing server on 127.0.0.1 (default: start one)")
    parser.add_argument("--data-dir", default=None, help="data folder for the server it starts")
    args = parser.parse_args()
    args.sessions = min(args.sessions, 50)
    args.seconds = min(args.seconds, 300)
    if args.url and not args.url.startswith(("http://127.", "http://localhost")):
        parser.error("loopback only")
    result = asyncio.run(main_async(args))
    print(json.dumps(result, indent=2))
    print(f"p50 {result['p50_s']} s, p95 {result['p95_s']} s, max {result['max_s']} s, "
          f"{result['interactions']} interactions, {result['errors']} errors (target: p95 < 1 s, 0 errors)")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
