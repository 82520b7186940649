"""Allegations of contact outside the permitted hours without a clock time (CFPB sub-issue
"Called before 8am or after 9pm" and its variants): queries on the tiny hand-made database
and on the shared CFPB file (expected values computed here with pandas from the CSV), and the
two figures."""
from __future__ import annotations

import math
from datetime import date

import duckdb
import pandas as pd
import pytest

from analysis import figures
from analysis import queries as q
from analysis.charts import build_chart
from analysis.filters import Filter
from analysis.ingest import run_import
from tests.conftest import CFPB_MIXED, SHARED, require_shared
from tests.helpers import build_tiny_db

#: The sub-issues that are an allegation about the time of day (DOMAIN.md, "CFPB
#: debt-collection sub-issues"): current, electronic communications, legacy wording.
TIME_SUB_ISSUES = {"Called before 8am or after 9pm", "Contacted before 8am or after 9pm", "Called outside of 8am-9pm"}


def _rows(df: pd.DataFrame) -> list[tuple]:
    return [(r.jurisdiction, r.received_month.date(), r.complaint_count, r.allegation_count,
             None if pd.isna(r.allegation_share_pct) else r.allegation_share_pct) for r in df.itertuples()]


# ---- tiny hand-made database (tests/helpers.py: us:2 has the only outside_window_only incident)

@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_tiny_db(tmp_path_factory.mktemp("alleg") / "tiny.duckdb")
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def test_by_month__tiny_counts_and_shares_hidden_below_min_count(con):
    df = q.query_allegations_by_month(con, Filter())
    assert list(df.columns) == ["jurisdiction", "received_month", "complaint_count", "allegation_count",
                                "allegation_share_pct"]
    # US only (no CN allegation); us:1 in January, us:2 (the allegation) in February; one
    # complaint per month is under MIN_COUNT, so no share is given
    assert _rows(df) == [("US", date(2024, 1, 1), 1, 0, None), ("US", date(2024, 2, 1), 1, 1, None)]
    assert str(df["complaint_count"].dtype) == "int64" and str(df["allegation_share_pct"].dtype) == "float64"


def test_by_month__share_of_all_complaints_in_the_filter(con, monkeypatch):
    monkeypatch.setattr(q, "MIN_COUNT", 1)
    assert _rows(q.query_allegations_by_month(con, Filter())) == [
        ("US", date(2024, 1, 1), 1, 0, 0.0), ("US", date(2024, 2, 1), 1, 1, 100.0)]


def test_by_month__follows_the_filter(con):
    # the allegation is an SMS incident from the issue code
    assert q.query_allegations_by_month(con, Filter(label_source="narrative")).empty
    assert _rows(q.query_allegations_by_month(con, Filter(label_source="structured"))) == _rows(
        q.query_allegations_by_month(con, Filter()))
    assert q.query_allegations_by_month(con, Filter(method=("phone_call",))).empty
    # complaints with an SMS contact: us:2 (US, February) and cn:3 (CN: no allegation, left out)
    assert _rows(q.query_allegations_by_month(con, Filter(method=("sms",)))) == [("US", date(2024, 2, 1), 1, 1, None)]
    # a date range inside one month: answered from the facts
    assert _rows(q.query_allegations_by_month(con, Filter(date_from=date(2024, 2, 1), date_to=date(2024, 2, 10)))) == [
        ("US", date(2024, 2, 1), 1, 1, None)]
    assert q.query_allegations_by_month(con, Filter(date_to=date(2024, 1, 31))).empty


def test_by_month__total_is_the_coverage_charts_flag_count(con):
    for flt in (Filter(), Filter(label_source="structured"), Filter(jurisdiction=("US",))):
        total = int(q.query_allegations_by_month(con, flt)["allegation_count"].sum())
        assert total == q.query_kpis(con, flt)["outside_flag_only_count"] == 1


def test_by_company__tiny(con, monkeypatch):
    df = q.query_allegations_by_company(con, Filter())
    assert list(df.columns) == ["company_name", "allegation_count", "complaint_count", "allegation_share_pct"]
    assert df[["company_name", "allegation_count", "complaint_count"]].values.tolist() == [["AcmeCollect", 1, 2]]
    assert df["allegation_share_pct"].isna().all()  # 2 complaints < MIN_COUNT
    monkeypatch.setattr(q, "MIN_COUNT", 2)
    assert q.query_allegations_by_company(con, Filter())["allegation_share_pct"].tolist() == [50.0]
    assert q.query_allegations_by_company(con, Filter(company=("速借花",))).empty
    assert q.query_allegations_by_company(con, Filter(), top_n=0).empty


def test_cubes_and_facts_answer_alike(con, monkeypatch):
    flts = (Filter(), Filter(method=("sms",)), Filter(date_from=date(2024, 1, 15)))
    with_cubes = [(q.query_allegations_by_month(con, f), q.query_allegations_by_company(con, f)) for f in flts]
    monkeypatch.setattr(q, "USE_CUBES", False)
    for f, (m, c) in zip(flts, with_cubes):
        pd.testing.assert_frame_equal(q.query_allegations_by_month(con, f), m)
        pd.testing.assert_frame_equal(q.query_allegations_by_company(con, f), c)


def test_figures__tiny(con, monkeypatch):
    monkeypatch.setattr(q, "MIN_COUNT", 1)
    month = q.query_allegations_by_month(con, Filter())
    fig = figures.make_allegation_share_trend(month, "en")
    (line,) = fig.data
    assert list(line.y) == [0.0, 100.0]
    assert [list(c) for c in line.customdata] == [[0, 1], [1, 1]]  # allegations, complaints (hover)
    assert "of %{customdata[1]:,} complaints" in line.hovertemplate
    assert fig.layout.title.text == ("Complaints alleging contact outside permitted hours (no clock time), "
                                     "share by month")
    assert fig.layout.yaxis.title.text == "% of complaints in the filter"
    zh = figures.make_allegation_share_trend(month, "zh")
    assert "无具体时刻" in zh.layout.title.text and "仅有指称" in zh.layout.title.text
    for f in (fig, zh):  # never an hour axis
        assert "hour" not in (f.layout.xaxis.title.text or "").lower() and "小时" not in f.layout.xaxis.title.text
    bar = figures.make_allegation_company_bar(q.query_allegations_by_company(con, Filter()), "en")
    assert list(bar.data[0].y) == ["AcmeCollect (n=2)"] and list(bar.data[0].x) == [1]
    assert list(bar.data[0].text) == ["1 (50.0%)"]
    assert "no clock time" in bar.layout.title.text


def test_figures__months_and_companies_under_min_count():
    month = pd.DataFrame({"jurisdiction": ["US"] * 3, "received_month": pd.to_datetime(["2020-01-01", "2020-02-01",
                                                                                        "2020-03-01"]),
                          "complaint_count": [4, 200, 50], "allegation_count": [1, 3, 0],
                          "allegation_share_pct": [None, 1.5, 0.0]})
    fig = figures.make_allegation_share_trend(month, "en")
    assert list(fig.data[0].y) == [1.5, 0.0]
    assert fig.layout.annotations[0].text == f"1 month(s) with fewer than {q.MIN_COUNT} complaints are not drawn."
    comp = pd.DataFrame({"company_name": ["Big <Co> & Sons", "Small LLC"], "allegation_count": [12, 2],
                         "complaint_count": [400, 3], "allegation_share_pct": [3.0, None]})
    bar = figures.make_allegation_company_bar(comp, "zh")
    assert list(bar.data[0].y) == ["Small LLC（n=3）", "Big &lt;Co&gt; &amp; Sons（n=400）"]  # largest at the top
    assert list(bar.data[0].text) == ["2", "12 (3.0%)"]
    assert bar.layout.annotations[0].text == f"括号内：占该公司投诉（n）的比例；投诉不足 {q.MIN_COUNT} 条的不计占比。"


def test_catalogue_charts__tiny(con):
    share = build_chart(con, "time_allegation_share", Filter(), "en")
    assert share.n == 2 and share.figure is not None  # the two US complaints the shares rest on
    companies = build_chart(con, "time_allegation_companies", Filter(), "zh")
    assert companies.n == 2 and companies.figure.layout.title.text == companies.spec.title("zh")
    assert build_chart(con, "time_allegation_share", Filter(label_source="narrative"), "en").figure is None


# ---- the shared CFPB file -------------------------------------------------------------------

def _cfpb_frame() -> pd.DataFrame:
    """The CSV as the importer reads it: trimmed text, '', 'None' and 'N/A' as missing."""
    df = pd.read_csv(SHARED / CFPB_MIXED, dtype=str, keep_default_na=False)
    df = df.apply(lambda s: s.str.strip())
    df = df.replace({"": None, "None": None, "N/A": None})
    df["month"] = pd.to_datetime(df["Date received"], format="ISO8601").dt.to_period("M").dt.to_timestamp()
    df["alleges"] = df["Sub-issue"].isin(TIME_SUB_ISSUES)
    return df


def _expected_by_month(df: pd.DataFrame) -> list[tuple]:
    g = df.groupby("month").agg(complaint_count=("alleges", "size"), allegation_count=("alleges", "sum"))
    return [("US", m.date(), int(r.complaint_count), int(r.allegation_count),
             100.0 * r.allegation_count / r.complaint_count if r.complaint_count >= q.MIN_COUNT else None)
            for m, r in g.iterrows()]


@pytest.fixture(scope="module")
def cfpb(tmp_path_factory):
    path = tmp_path_factory.mktemp("alleg_cfpb") / "cfpb.duckdb"
    run_import([SHARED / CFPB_MIXED], "cfpb", path)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def _approx_rows(rows: list[tuple]) -> list[tuple]:
    return [r[:4] + (None if r[4] is None else pytest.approx(r[4]),) for r in rows]


@require_shared(CFPB_MIXED)
def test_cfpb__share_by_month_as_pandas_computes_it(cfpb):
    df = _cfpb_frame()
    assert df["alleges"].sum() > 0
    got = _rows(q.query_allegations_by_month(cfpb, Filter(label_source="structured")))
    assert got == _approx_rows(_expected_by_month(df))
    dc = df[df["Product"] == "Debt collection"]
    got = _rows(q.query_allegations_by_month(cfpb, Filter(product=("Debt collection",), label_source="structured")))
    assert got == _approx_rows(_expected_by_month(dc))
    assert sum(r[2] for r in got) == len(dc)  # every month with a debt-collection complaint is there
    # labels from all sources: a contact whose narrative gives a more precise time counts there
    # instead, so never more; the total is the coverage chart's "outside-hours flag only" bar
    every = q.query_allegations_by_month(cfpb, Filter())
    assert every["allegation_count"].sum() <= df["alleges"].sum()
    assert every["allegation_count"].sum() == q.query_kpis(cfpb, Filter())["outside_flag_only_count"]


@require_shared(CFPB_MIXED)
def test_cfpb__one_allegation_incident_per_complaint(cfpb):
    n, distinct = cfpb.execute("SELECT count(*), count(DISTINCT complaint_id) FROM core_incidents "
                               "WHERE time_precision = 'outside_window_only'").fetchone()
    assert n == distinct == _cfpb_frame()["alleges"].sum()


@require_shared(CFPB_MIXED)
def test_cfpb__by_company_as_pandas_computes_it(cfpb):
    df = _cfpb_frame()
    per = df.groupby("Company").agg(allegation_count=("alleges", "sum"), complaint_count=("alleges", "size"))
    per = per[per["allegation_count"] > 0].reset_index()
    per = per.sort_values(["allegation_count", "Company"], ascending=[False, True]).head(15)
    expected = [[c, int(a), int(n), (100.0 * a / n if n >= q.MIN_COUNT else None)]
                for c, a, n in zip(per["Company"], per["allegation_count"], per["complaint_count"])]
    got = q.query_allegations_by_company(cfpb, Filter(label_source="structured"))
    got_rows = [[r.company_name, r.allegation_count, r.complaint_count,
                 None if pd.isna(r.allegation_share_pct) else r.allegation_share_pct] for r in got.itertuples()]
    assert got_rows == [[c, a, n, None if s is None else pytest.approx(s)] for c, a, n, s in expected]
    assert any(s is not None for *_, s in expected) and any(s is None for *_, s in expected)


@require_shared(CFPB_MIXED)
def test_cfpb__figures_label_allegations_never_hours(cfpb):
    for lang in ("en", "zh"):
        b = build_chart(cfpb, "time_allegation_share", Filter(label_source="structured"), lang)
        assert b.n == len(_cfpb_frame())
        ys = [y for tr in b.figure.data for y in tr.y if y is not None and not math.isnan(y)]
        assert ys and max(ys) <= 100
        assert b.figure.layout.xaxis.title.text in ("Month", "月份")
