"""How long the browser takes to draw each dashboard chart, next to the floor page's chart.

    .venv/bin/python bench/plot_draw.py [--repeat 25] [--data DIR]

Builds every chart exactly as a page shows it (``figures.framed``: sources, as-of date and link drawn
in; normal and presenter styling) and draws it with Plotly.newPlot in headless Chromium, in a
1216-pixel-wide box (the chart's width at 1280×720) with Streamlit's "Source Sans" font loaded, ``--repeat`` times; prints the median time per
draw and its ratio to the floor chart (bench/floor_app.py), which gets Streamlit's plotly template
as on the floor page. It also reports whether Plotly's axis automargin had to grow the left margin:
when it does, Plotly lays the chart out twice (the cost that ``charts.fit_left_margin`` avoids).
Not a test: a figure to read next to bench.py's end-to-end numbers.
"""
from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
from pathlib import Path

import plotly
import plotly.io as pio
import streamlit
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench import CHROME_ARGS, CHROMIUM  # noqa: E402
from evidash import figures  # noqa: E402
from evidash.data import load_evidence  # noqa: E402
from evidash.views import ALL  # noqa: E402

import streamlit.elements.plotly_chart  # noqa: E402,F401  (registers Streamlit's plotly template, as on the floor page)
from floor_app import CONDITIONS, floor_figure  # noqa: E402

WIDTH_PX = 1216
LINK = "http://localhost:8501/page?condition=example"

DRAW_JS = """async ([spec, repeat]) => {
  const box = document.getElementById('chart');
  const times = [];
  for (let i = 0; i < repeat; i++) {
    Plotly.purge(box);
    const t0 = performance.now();
    await Plotly.newPlot(box, spec.data, spec.layout, {responsive: true});
    await new Promise(r => requestAnimationFrame(() => r()));
    times.push(performance.now() - t0);
  }
  const template = ((spec.layout.template || {}).layout || {}).margin || {};
  const asked = (spec.layout.margin || {}).l ?? template.l ?? 80;  // 80: Plotly's default
  const askedB = (spec.layout.margin || {}).b ?? template.b ?? 80;
  return {times, asked, used: box._fullLayout._size.l, grownB: box._fullLayout._size.b > askedB + 0.5};
}"""


def app_font_css() -> str:
    """Streamlit's own "Source Sans" (the charts' font on screen), so labels measure as in the app."""
    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    font = next(media.glob("SourceSansVF-Upright*.woff2"), None)
    if font is None:
        return ""
    data = base64.b64encode(font.read_bytes()).decode()
    return ('@font-face {font-family: "Source Sans"; font-weight: 100 900; '
            f'src: url(data:font/woff2;base64,{data}) format("woff2");}}')


def chart_specs(data_dir: Path) -> dict[str, dict]:
    ev = load_evidence(data_dir)
    if not ev.ok:
        raise SystemExit(f"the data in {data_dir} has problems; run `python -m evidash validate {data_dir}`")
    tids = tuple(ev.treatments["treatment_id"])[:8]
    first = list(ev.conditions["condition_id"])[0]
    views = {
        f"onset ({first})": figures.onset(ev, ev.version, first, tids),
        "onset (all conditions)": figures.onset(ev, ev.version, ALL, tids),
        "setting": figures.setting(ev, ev.version, tids),
        "cost": figures.cost(ev, ev.version, tids),
        "side effects": figures.side_effects(ev, ev.version, tids),
    }
    specs = {"floor": json.loads(pio.to_json(floor_figure(CONDITIONS[0]), validate=False))}
    for name, view in views.items():
        for present in (False, True):
            fig = figures.framed(view, view.key, views.source_line(view.table), ev.as_of, LINK, present)
            specs[name + (" presenter" if present else "")] = json.loads(pio.to_json(fig, validate=False))
    return specs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=25)
    ap.add_argument("--data", type=Path, default=REPO / "data")
    args = ap.parse_args()
    specs = chart_specs(args.data)
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.set_content(f"<style>{app_font_css()}</style><div id='chart' style='width:{WIDTH_PX}px'></div>")
        page.evaluate("""() => document.fonts.load('15px "Source Sans"')""")
        page.add_script_tag(path=str(plotly_js))
        for name, spec in specs.items():
            page.evaluate(DRAW_JS, [spec, 3])  # warm up
            out = page.evaluate(DRAW_JS, [spec, args.repeat])
            rows.append((name, statistics.median(out["times"]), out["asked"], out["used"], out["grownB"]))
        browser.close()
    floor_ms = rows[0][1]
    print(f"{'chart':32} | draw (ms) | vs floor | left margin asked -> drawn")
    print(f"{'-' * 32}-+-----------+----------+---------------------------")
    for name, ms, asked, used, grown_bottom in rows:
        grown = "" if used <= asked + 0.5 else "  (grown by automargin: drawn twice)"
        margin = f"{asked} -> {used:.0f}{grown}" + ("  (bottom margin grown too)" if grown_bottom else "")
        print(f"{name:32} | {ms:9.1f} | {ms / floor_ms:7.2f}x | {margin}")


if __name__ == "__main__":
    main()
