"""Server-side timings of the dashboard's hot paths on a data folder (default: a fresh 100x set).

    .venv/bin/python bench/profile_server.py [DATA_DIR]
"""
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def timed(label, fn, n=1):
    best = None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    print(f"{label:<55} {best * 1000:9.1f} ms")
    return out


def main():
    if len(sys.argv) > 1:
        data = Path(sys.argv[1])
    else:
        import make_scale_data
        data = Path(tempfile.mkdtemp(prefix="evidash-prof-")) / "data"
        make_scale_data.generate(data)
    os.environ["EVIDASH_DATA_DIR"] = str(data)
    from evidash import charts, data as edata, load, validate, views
    print(f"data: {data}")
    raw = timed("load.read_tables", lambda: load.read_tables(data))
    timed("validate.validate_raw (all checks)", lambda: validate.validate_raw(raw))
    timed("validate._foreign_key_problems (declared keys)", lambda: validate._foreign_key_problems(raw))
    timed("validate._cells_problems (cross-row cell rules)", lambda: validate._cells_problems(raw))
    ev = timed("data.load_evidence (read+validate+type)", lambda: edata.load_evidence(data))
    tids = list(ev.treatments["treatment_id"])
    c1 = ev.conditions["condition_id"].iloc[1]
    m = timed("views.matrix(ALL)", lambda: views.matrix(ev, views.ALL, tids))
    print(f"   matrix shape {m.display.shape}")
    timed("views.matrix(one condition)", lambda: views.matrix(ev, c1, tids))
    for cond in (views.ALL, c1):
        d = timed(f"views.onset({cond})", lambda: views.onset(ev, cond, tids))
        plotted = d.dropna(subset=["value_min", "value_max"])
        fig = timed(f"charts.range_chart onset ({len(plotted)} rows)",
                    lambda: charts.range_chart(plotted, "value_min", "value_max", views.colour_map(ev), "t", "x", log_days=True))
        print(f"   traces {len(fig.data)}, height {fig.layout.height}px")
        timed(f"fig.to_json() ({cond})", lambda: fig.to_json())
        print(f"   figure JSON {len(fig.to_json()) / 1024:.0f} KiB")
        timed(f"views.table_for + durability({cond})", lambda: views.table_for(views.durability(ev, cond, tids)))
    timed("views.sources_table", lambda: views.sources_table(ev))
    timed("views.side_effect_grid", lambda: views.side_effect_grid(ev, tids))

    from streamlit.testing.v1 import AppTest
    for page in ("pages/overview.py", "pages/onset.py"):
        at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=300)
        at.run()  # first run loads + validates (cached after)
        if page != "pages/overview.py":
            at.switch_page(page)
        t0 = time.perf_counter()
        at.run()
        warm = time.perf_counter() - t0
        sb = at.selectbox(key="condition")
        t0 = time.perf_counter()
        sb.set_value(c1).run()
        change = time.perf_counter() - t0
        print(f"AppTest {page:<22} warm rerun (ALL) {warm * 1000:8.0f} ms, condition change {change * 1000:8.0f} ms, exceptions {len(at.exception)}")


if __name__ == "__main__":
    main()
