"""How long the "Handout (PDF)" download takes to build, for each page type.

    .venv/bin/python bench/handout.py [--repeat 5] [--condition trd]

Runs each page through AppTest exactly as a viewer reaches it, opens its "Handout (PDF)" popover and
calls the download button's own callable (what the server runs on a click): the time printed is the
wait between click and file. The first build in a fresh process also waits for kaleido's Chromium to
start, unless opening the popover (which starts it in the background) came early enough; the script
prints that first build separately ("cold": built immediately after the popover opened) from the
median of ``--repeat`` later builds ("warm"). Target: under 3 s.
Not a test: numbers to read (bench/README.md keeps the history).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from streamlit.runtime.media_file_manager import MediaFileManager  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

PAGES = [  # (label, page file or None for the overview, extra query parameters)
    ("overview (matrix, all groups)", None, {}),
    ("overview, presenter card", None, {"present": "1"}),
    ("onset (chart + table)", "pages/onset.py", {}),
    ("setting (chart + 2 tables)", "pages/setting.py", {}),
    ("cost (chart + 2 tables)", "pages/cost.py", {}),
    ("side effects (heatmap + table)", "pages/side-effects.py", {}),
    ("head-to-head (forest + tables)", "pages/head-to-head.py", {}),
    ("claims (chart + claims)", "pages/claims.py", {}),
    ("sources (all references)", "pages/sources.py", {}),
    ("about (text only)", "pages/about.py", {}),
]

DEFERRED: dict[str, object] = {}
_original = MediaFileManager.add_deferred


def _record(self, data_callable, *args, **kwargs):
    file_id = _original(self, data_callable, *args, **kwargs)
    DEFERRED[file_id] = data_callable
    return file_id


MediaFileManager.add_deferred = _record


def handout_callable(page: str | None, params: dict, size: str):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.context["url"] = f"http://127.0.0.1:8501/{Path(page).stem if page else 'overview'}"
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    at.session_state["handout_popover"] = True
    at.run()
    if not [b for b in at.get("download_button") if b.proto.id.endswith("-handout_download")]:
        return None
    if size != "A4":
        at.button_group(key="handout_size").set_value(size).run()
    assert not at.exception, at.exception
    buttons = [b for b in at.get("download_button") if b.proto.id.endswith("-handout_download")]
    return DEFERRED[buttons[0].proto.deferred_file_id]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--condition", default="trd")
    parser.add_argument("--only", default="", help="only pages whose label contains this text (e.g. onset: a cold chart build)")
    args = parser.parse_args()
    print(f"{'page':34} {'size':7} {'cold s':>7} {'warm s (median)':>16} {'max s':>6} {'pages':>6} {'KB':>6}")
    first = True
    for label, page, extra in [p for p in PAGES if args.only in p[0]]:
        params = {"condition": args.condition, **extra}
        for size in ("A4", "Letter"):
            build = handout_callable(page, params, size)
            if build is None:
                print(f"{label:34} {size:7} (no handout button on this view)")
                continue
            t0 = time.perf_counter()
            pdf = build()
            cold = time.perf_counter() - t0
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                pdf = build()
                times.append(time.perf_counter() - t0)
            from pypdf import PdfReader
            import io
            n_pages = len(PdfReader(io.BytesIO(pdf)).pages)
            note = "  (first in process: includes Chromium start)" if first else ""
            first = False
            print(f"{label:34} {size:7} {cold:7.2f} {statistics.median(times):16.2f} {max(times):6.2f} {n_pages:6d} "
                  f"{len(pdf) / 1024:6.0f}{note}", flush=True)


if __name__ == "__main__":
    main()
