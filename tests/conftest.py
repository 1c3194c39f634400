"""Shared fixtures and helpers: a small valid data folder written from scratch, the data the app serves
(the repo's data/, or $EVIDASH_DATA_DIR, so the whole suite can be run on an edited copy), and one way to run
the app through AppTest."""
from __future__ import annotations

import csv
import re
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from evidash.data import load_evidence
from evidash.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
# The last-good snapshots (evidash/lastgood.py) of every test run, e2e servers included, go to a fresh folder,
# never to the user's ~/.cache/evidash.
os.environ.setdefault("EVIDASH_CACHE_DIR", tempfile.mkdtemp(prefix="evidash-test-cache-"))
DATA = Path(os.environ.get("EVIDASH_DATA_DIR") or ROOT / "data")
BASE = "http://127.0.0.1:8501"

MINI = {
    "treatments.csv": (
        "treatment_id,name,short_name,treatment_class,description,colour,sort_order\n"
        "alpha,Alpha therapy,Alpha,Drug,First test treatment.,#D55E00,1\n"
        "beta,Beta therapy,Beta,Device,Second test treatment.,#0072B2,2\n"
    ),
    "conditions.csv": (
        "condition_id,name,short_name,description,sort_order\n"
        "mdd,Major depressive disorder,Depression,Test condition.,1\n"
        "ptsd,Post-traumatic stress disorder,PTSD,Test condition.,2\n"
    ),
    "attributes.csv": (
        "attribute_id,group,name,unit,description,per_condition,numeric,sort_order,payer_can_back\n"
        "onset,onset,Time to first response,days,Days to first response.,true,true,1,false\n"
        "cost_session,cost_access,Cost per session,currency,Price of one session.,false,true,2,true\n"
        "se_cardiovascular,side_effects,Cardiovascular,%,Blood pressure.,false,true,3,true\n"
        "evidence_status,evidence,Evidence status,,Standing.,true,false,4,false\n"
    ),
    "cells.csv": (
        "cell_id,treatment_id,condition_id,attribute_id,headline,value,detail,measure,measure_note,design,n,"
        "value_min,value_max,status,reviewed,currency,price_year,price_year_basis,region,band,category,headline_source,derivation,"
        "headline_plain\n"
        "alpha.mdd.onset,alpha,mdd,onset,Hours (RCT),Within hours,Trial data.,first_improvement,"
        "MADRS (clinician-rated) lower than placebo,rct,120,0.08,1,reported,2026-11-01,,,,,,,smith2020_trial,2 h = 0.08 days,"
        "Within hours (a trial)\n"
        "alpha.cost_session,alpha,,cost_session,USD 400-800 per session,$400-$800,Clinic fees.,price,,"
        "price_list,,400,800,reported,2026-11-01,USD,2019,published,US,,,news2019_price,,USD 400-800 each visit\n"
        "alpha.se_cardiovascular,alpha,,se_cardiovascular,Very common (12%),BP rise in 12%,Pooled trials.,incidence,,"
        "rct,300,12,12,reported,2026-11-01,,,,,very_common,,smith2020_trial,,Very common (12% of people)\n"
        "alpha.mdd.evidence_status,alpha,mdd,evidence_status,Approved (US),Approved (US),Label.,,,"
        ",,,,reported,2026-11-01,,,,,,approved,agency_label,,Approved in the US\n"
        "beta.mdd.onset,beta,mdd,onset,,No evidence found,Searched PubMed for beta onset trials; none found.,,,"
        ",,,,no_evidence,2026-11-01,,,,,,,,,\n"
        "beta.ptsd.evidence_status,beta,ptsd,evidence_status,Not applicable,Not applicable,Test.,,,"
        ",,,,not_applicable,2026-11-01,,,,,,,,,Does not apply\n"
    ),
    "citations.csv": (
        "cell_id,source_id,locator,figures\n"
        "alpha.mdd.onset,smith2020_trial,Abstract: Results,MADRS lower than placebo from 2 h to 1 day; n=120\n"
        "alpha.cost_session,news2019_price,Paragraph 2,$400 to $800 per session (2019)\n"
        "alpha.cost_session,payer2024_policy,Fee table,covered after two failed medicines\n"
        "alpha.se_cardiovascular,smith2020_trial,Table 2,blood pressure increased 12% vs placebo 4%; n=300\n"
        "alpha.mdd.evidence_status,agency_label,Section 1,indicated for MDD in adults\n"
    ),
    "sources.csv": (
        "source_id,title,authors,publisher,year,url,doi,pmid,source_type,note\n"
        "smith2020_trial,A trial of alpha,Smith J et al.,Journal of Tests,2020,https://doi.org/10.1000/xyz123,10.1000/xyz123,12345678,rct,\n"
        "news2019_price,Alpha price story,,Daily News,2019,https://news.example.org/alpha,,,news,\n"
        "agency_label,Alpha prescribing information,Maker Inc,US FDA,2024,https://www.accessdata.fda.gov/alpha.pdf,,,label,\n"
        "payer2024_policy,Alpha coverage policy,,Example Health Plan,2024,https://plan.example.org/alpha-policy,,,payer,\n"
        "blog2024_alpha,Alpha works wonders,,Some Blog,2024,,,,web_article,\n"
    ),
    "effects.csv": (
        "effect_id,cell_id,effect,frequency,value_min,value_max,comparator,source_id,locator,"
        "rate,comparator_rate,comparator_name,comparator_type,n_arm,n_comparator,figures,derivation,use,attribution\n"
        "alpha.se_cardiovascular.bp,alpha.se_cardiovascular,Blood pressure increased,12% (placebo 4%),12,12,placebo 4%,smith2020_trial,Table 2,"
        "12,4,placebo tablet,placebo,150,150,blood pressure increased 18 of 150 (12%) vs 6 of 150 (4%),,,\n"
    ),
    "blocked_hosts.csv": "host,reason\nmirror.example.com,copy host\n",
    "glossary.csv": "term,expansion,explanation\nTRD,Treatment-resistant depression,Depression that has not improved after adequate trials.\n",
    "claims.csv": (
        "claim_id,source_id,claim,concerns,condition_id,topic,verdict,reason,cell_ids,source_ids,reviewed,claim_plain,meaning_plain\n"
        "alpha_fast,blog2024_alpha,Alpha works within hours.,alpha,mdd,onset,supported,A trial found a first effect within hours.,alpha.mdd.onset,smith2020_trial,2026-11-01,"
        "Alpha helps within hours.,This is accurate. In one trial people felt a first change within hours.\n"
    ),
    "comparisons.csv": (
        "comparison_id,treatment_a,treatment_b,condition_id,study,source_id,locator,design,n,outcome,measure,measure_note,"
        "result_a,result_b,value_a,value_b,effect_measure,effect,ci_low,ci_high,favours,effect_first,higher_favours,also_conditions,population,note,reviewed\n"
        "alpha_beta_response,alpha,beta,mdd,Test trial,smith2020_trial,Abstract,rct,100,Response at week 4,response,Test scale,"
        "40% responded,30% responded,40,30,\"risk difference, alpha minus beta (percentage points)\",10,2,18,treatment_a,alpha,first,,,Test row.,2026-11-01\n"
    ),
    "course_costs.csv": (
        "row_id,treatment_id,basis,kind,component,status,unit_cost,unit_cost_high,currency,price_year,units_low,units_high,"
        "unit_label,source_id,locator,figures,derivation,note,reviewed\n"
        "alpha_fee,alpha,us_medicare_2026,component,Clinician fee,priced,98.53,,USD,2026,6,12,session,payer2024_policy,"
        "Fee table,total RVU 2.95; conversion factor $33.4009,2.95 x 33.4009 = 98.53,,2026-11-01\n"
        "beta_fee,beta,us_medicare_2026,component,Device session,not_priced,,,USD,2026,20,30,session,,,,,"
        "Searched the fee schedule for a beta session amount; none found.,2026-11-01\n"
        "alpha_ref,alpha,us_medicare_2026,reference,Test HTA: first month,priced,4720,6785,USD,2019,,,,news2019_price,"
        "Paragraph 2,first month $4720 to $6785,,,2026-11-01\n"
    ),
    "onset_points.csv": (
        "point_id,treatment_id,condition_id,measure,protocol,protocol_name,days_min,days_max,time_basis,result,comparator,"
        "design,n,source_id,locator,figures,derivation,note,reviewed\n"
        "alpha.mdd.first_improvement,alpha,mdd,first_improvement,standard,one dose,0.083,1,earliest_difference,"
        "MADRS lower than placebo from 2 h,placebo,rct,120,smith2020_trial,Abstract: Results,"
        "MADRS lower than placebo from 2 h to 1 day; n=120,2 h ÷ 24 = 0.083 days,,2026-11-01\n"
    ),
}


def write_mini(folder: Path) -> Path:
    """Write MINI; any other table the schema declares (e.g. one added later) is written with its header only."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in MINI.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name, model in TABLES.items():
        if name not in MINI:
            (folder / name).write_text(",".join(model.to_schema().columns) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    return write_mini(tmp_path / "data")


@pytest.fixture
def real_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="session")
def ev():
    """The data the app serves, loaded once for the session (read-only)."""
    return load_evidence(DATA)


def rows(name: str, folder: Path = DATA) -> list[dict]:
    """A data file's records as text (read without evidash, so checks do not go through the code under test)."""
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]


def app(page: str | None = None, url: bool = False, **params) -> AppTest:
    """The dashboard through AppTest, on ``page`` (a slug or a pages/ file) with query ``params``; asserts that
    it ran without an exception. With ``url``, the page's address is set as the context URL (Copy link reads it)."""
    slug = None if page is None else Path(page).stem
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if url:
        at.context["url"] = f"{BASE}/{slug or 'overview'}"  # AppTest keeps this URL on a page switch
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if slug and slug != "overview":
        at.switch_page(f"pages/{slug}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at) -> str:
    """Every text element of a run, joined (markdown, captions, notices, warnings, headers)."""
    parts = ([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
             + [w.value for w in at.warning] + [s.value for s in at.subheader])
    return "\n".join(parts)


def plain(text: str) -> str:
    """Markdown as read: escapes removed."""
    return text.replace("\\", "")


def markdown_tables(at) -> list:
    """The Markdown tables among a page's markdown elements (render.markdown_table), each as a DataFrame of the
    cells as sent (still escaped); an escaped pipe is text, not a column border."""
    import pandas as pd

    out = []
    for element in at.markdown:
        lines = element.value.splitlines()
        if len(lines) < 2 or not lines[0].startswith("| ") or not set(lines[1]) <= set("|- "):
            continue
        split = [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]
        out.append(pd.DataFrame(split[2:], columns=[plain(c) for c in split[0]]))
    return out
