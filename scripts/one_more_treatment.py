"""Add a renamed copy of one treatment (every row that belongs to it) to a data folder, in place: the check that the
tests follow the data (docs/tests.md, issue 22). Use it on a throw-away worktree, never on the real data:

    git worktree add /tmp/plus HEAD && python3 scripts/one_more_treatment.py /tmp/plus/data [tms]
    cd /tmp/plus && python -m evidash validate data && python -m pytest -q -n auto --ignore=tests/e2e
"""
import csv
import sys
from pathlib import Path

d = Path(sys.argv[1])
OLD = sys.argv[2] if len(sys.argv) > 2 else "tms"
NEW = OLD + "x"


def rw(name, fn):
    """Append fn(row) for every row of data file ``name`` where fn returns a new row."""
    p = d / name
    with open(p, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    extra = [x for x in (fn(dict(row)) for row in rows) if x]
    with open(p, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows + extra)
    print(name, "+", len(extra))
pre = lambda s: NEW + s[len(OLD):] if s.startswith(OLD + ".") or s.startswith(OLD + "_") else s
def treatments(r):
    if r["treatment_id"] != OLD: return None
    r.update(treatment_id=NEW, name=r["name"] + " (copy)", short_name=r["short_name"] + " copy", colour="#7f7f7f", sort_order=str(int(r["sort_order"]) + 1))
    return r
def by_cell(r):
    if not r["cell_id"].startswith(OLD + "."): return None
    r["cell_id"] = pre(r["cell_id"]); r.get("treatment_id") and r.update(treatment_id=NEW); return r
def effects(r):
    if not r["cell_id"].startswith(OLD + "."): return None
    r["cell_id"] = pre(r["cell_id"]); r["effect_id"] = pre(r["effect_id"]); return r
def by_treatment(key):
    def f(r):
        if r["treatment_id"] != OLD: return None
        r["treatment_id"] = NEW; r[key] = pre(r[key]) if r[key].startswith(OLD) else NEW + "_" + r[key]; return r
    return f
def comparisons(r):
    if OLD not in (r["treatment_a"], r["treatment_b"]): return None
    r["comparison_id"] = r["comparison_id"] + "_x"
    for k in ("treatment_a", "treatment_b", "favours", "effect_first", "higher_favours", "tested"):
        if r.get(k) == OLD: r[k] = NEW
    return r
rw("treatments.csv", treatments); rw("cells.csv", by_cell); rw("citations.csv", by_cell); rw("effects.csv", effects)
rw("onset_points.csv", by_treatment("point_id")); rw("course_costs.csv", by_treatment("row_id")); rw("comparisons.csv", comparisons)
