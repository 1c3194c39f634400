"""Benchmark a lesson step against a plain page switch, in headless Chromium (issue 24's standing performance bar).

    .venv/bin/python bench/steps.py [--runs 5]

Starts the dashboard with bench.py's Server (same flags and serve.py), then per run, in a fresh browser context:

  page switch   /overview?condition=trd settled -> click "Onset speed" in the navigation -> the onset chart's title
                names the condition (the plain way to move between views)
  next step     /overview?lesson=trd-rapid-options&present=1 settled -> key → -> the bar shows "2 of N" and the onset
                chart is drawn (the same move, overview to onset, as a lesson step with its filters), then → again
                (onset to head-to-head) and → (head-to-head back to the overview, same-page slides)

Each context first opens a chart page, so both moves find the chart library loaded. Times run from the
pointerdown / keydown to the content, as bench.py measures a filter change. Prints medians and
writes bench/results/steps.json.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import CHROME_ARGS, CHROMIUM, IDLE_JS, REPO, RESULTS, SETTLE_MS, Server  # noqa: E402

ARM_JS = """() => {
  window.__t0 = null;
  for (const type of ['pointerdown', 'keydown']) {
    document.addEventListener(type, () => { if (window.__t0 == null) window.__t0 = performance.now(); }, {capture: true, once: true});
  }
}"""
SHOWN_JS = """([selector, text]) => {
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if ((el.textContent || '').includes(text) && r.width > 0 && !el.closest('[data-stale="true"]')) {
      return window.__t0 != null ? performance.now() - window.__t0 : -1;
    }
  }
  return false;
}"""
TIMEOUT_MS = 60_000


def settle(page) -> None:
    page.wait_for_function(IDLE_JS, polling=100, timeout=TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)


def timed(page, action, selector: str, text: str) -> float:
    settle(page)
    page.evaluate(ARM_JS)
    action()
    handle = page.wait_for_function(SHOWN_JS, arg=[selector, text], polling="raf", timeout=TIMEOUT_MS)
    return float(handle.json_value()) / 1000.0


def one_run(browser, url: str, out: dict) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = ctx.new_page()
        page.goto(f"{url}/onset?condition=ptsd")  # the chart library is loaded once per context, before either move
        page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
        page.goto(f"{url}/overview?condition=trd")
        page.locator(".st-key-matrix").wait_for(timeout=TIMEOUT_MS)
        out["page_switch"].append(timed(page, lambda: page.get_by_role("link", name="Onset speed").click(),
                                        ".js-plotly-plot .gtitle", "Treatment-resistant depression"))
        page.goto(f"{url}/overview?lesson=trd-rapid-options&present=1")
        page.locator(".st-key-matrix").wait_for(timeout=TIMEOUT_MS)
        out["step_to_other_page"].append(timed(page, lambda: page.keyboard.press("ArrowRight"), ".js-plotly-plot .gtitle",
                                               "Treatment-resistant depression"))
        out["step_to_other_page_2"].append(timed(page, lambda: page.keyboard.press("ArrowRight"),
                                                 ".st-key-presenter_bar", "3 of "))
        out["step_same_page"].append(timed(page, lambda: page.keyboard.press("ArrowLeft"), ".st-key-presenter_bar", "2 of "))
    finally:
        ctx.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    server = Server("dashboard", "dashboard.py", {"EVIDASH_DATA_DIR": str(REPO / "data")})
    out = {"page_switch": [], "step_to_other_page": [], "step_to_other_page_2": [], "step_same_page": []}
    try:
        print(f"dashboard healthy in {server.wait_healthy():.2f} s", flush=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS, headless=True)
            try:
                one_run(browser, server.url, {k: [] for k in out})  # warm-up, not counted
                for i in range(args.runs):
                    one_run(browser, server.url, out)
                    print(f"  run {i + 1}/{args.runs}: " + ", ".join(f"{k} {v[-1]:.3f} s" for k, v in out.items()), flush=True)
            finally:
                browser.close()
    finally:
        server.stop()
    medians = {k: round(statistics.median(v), 3) for k, v in out.items()}
    print("\nmedians (s):", json.dumps(medians))
    print(f"next step (overview -> onset) / page switch (overview -> onset): "
          f"{medians['step_to_other_page'] / medians['page_switch']:.2f}x")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "steps.json").write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "runs": args.runs,
                                                    "medians_s": medians, "all_s": out}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
