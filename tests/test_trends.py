"""Trends (issue 10): exact values on a database built with a designed series, on plain
series, on the events file, and on the shared CFPB mixed-products export (expectations
computed here with pandas from the CSV)."""
from __future__ import annotations

import math
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import db, drill, queries, trends
from analysis.charts import CHART_BY_NAME, build_chart
from analysis.filters import Filter
from analysis.ingest import run_import
from tests.conftest import CFPB_MIXED, RULEBOOK_MD, SHARED, require_shared
from tests.helpers import REPO, _complaint, _incident, labels_frame, sources_frame, write_core

# ---- the designed series ------------------------------------------------------------------------
#: Complaints per received month (US source ``series_us``). Twelve months of 10 ± 1 (sum 120,
#: median 10), a month of 40 (a spike), one of 13 (no spike), a month without complaints, and
#: an incomplete last month (45 complaints, all received by 2022-03-15).
MONTHS = {(2020, 11): 10, (2020, 12): 9, (2021, 1): 11, (2021, 2): 10, (2021, 3): 10, (2021, 4): 11,
          (2021, 5): 9, (2021, 6): 10, (2021, 7): 10, (2021, 8): 11, (2021, 9): 9, (2021, 10): 10,
          (2021, 11): 40, (2021, 12): 13, (2022, 1): 0, (2022, 2): 10, (2022, 3): 45}
#: Days of the month the complaints arrive on (default: 1, 2, … 28, 1, …). ISO week 2020-W53
#: (Mon 2020-12-28 – Sun 2021-01-03) gets 2 complaints on 12-31 and 3 on 2021-01-02.
DAYS = {(2020, 12): [1, 2, 3, 4, 5, 6, 7, 31, 31], (2021, 1): [2, 2, 2, 4, 5, 6, 7, 8, 9, 10, 11],
        (2022, 3): [1 + k % 15 for k in range(45)]}


def _series_rows():
    """(complaint id, received date, company, conducts, incidents) of the designed series.

    Conducts: the first two complaints of every month ABUSIVE_LANGUAGE (issue code); in
    2021-11 complaints 10–39 FREQ_EXCESSIVE_CALLS (field). Companies: in 2021-11 the first 20
    go to Beta Recovery, every other complaint to AcmeCollect. Incidents: 2021-01 two (one
    outside permitted hours), 2021-11 five (three outside)."""
    rows = []
    for (y, m), n in MONTHS.items():
        days = DAYS.get((y, m), [1 + k % 28 for k in range(n)])
        for k in range(n):
            cid = f"s:{y}{m:02d}{k:02d}"
            conducts = (["ABUSIVE_LANGUAGE"] if k < 2 else []) + (
                ["FREQ_EXCESSIVE_CALLS"] if (y, m) == (2021, 11) and 10 <= k < 40 else [])
            company = "Beta Recovery" if (y, m) == (2021, 11) and k < 20 else "AcmeCollect"
            inc = []
            if (y, m) == (2021, 1) and k < 2:
                inc = [k == 0]
            if (y, m) == (2021, 11) and k < 5:
                inc = [k < 3]
            rows.append((cid, date(y, m, days[k]), company, conducts, inc))
    return rows


def build_series_db(path: Path) -> Path:
    rows = _series_rows()
    complaints = pd.DataFrame([_complaint(cid, "series_us", "US", d, comp, "financial_regulator", "web", "explained",
                                          True, 2) for cid, d, comp, _, _ in rows])
    incidents = pd.DataFrame([
        _incident(f"{cid}#1", cid, None, "outside_window_only", "phone_call", "debtor", True, "outside", "US-TIME-01",
                  source="issue_code") if outside else
        _incident(f"{cid}#1", cid, datetime(d.year, d.month, d.day, 10, 0), "exact", "phone_call", "debtor", False,
                  "inside", "US-TIME-01")
        for cid, d, _, _, inc in rows for outside in inc])
    labels = labels_frame((cid, "conduct", c, "issue_code" if c == "ABUSIVE_LANGUAGE" else "field", None)
                          for cid, _, _, cs, _ in rows for c in cs)
    sources = sources_frame(("series_us", "Series US", "序列（美国）", "US", False))
    return write_core(path, "trends test database", core_complaints=complaints, core_incidents=incidents,
                      meta_sources=sources, core_complaint_labels=labels)


@pytest.fixture(scope="module")
def series_path(tmp_path_factory):
    return build_series_db(tmp_path_factory.mktemp("trends") / "series.duckdb")


@pytest.fixture(scope="module")
def con(series_path):
    with db.connect_read_only(series_path) as c:
        yield db.read_cursor(c)


def ms(*ym) -> list[pd.Timestamp]:
    return [pd.Timestamp(y, m, 1) for y, m in ym]


MONTH_STARTS = [pd.Timestamp(y, m, 1) for y, m in MONTHS]
MONTH_VALUES = list(MONTHS.values())


# ---- query_trend ------------------------------------------------------------------------------

def test_query_trend__months_zero_filled_with_change_and_incomplete_last(con):
    df = q_trend = trends.query_trend(con, Filter())
    assert list(df.columns) == list(trends.TREND_COLUMNS)
    assert list(pd.to_datetime(df["period_start"])) == MONTH_STARTS
    assert df["value"].tolist() == MONTH_VALUES  # 2022-01 is there with 0
    assert str(df["value"].dtype) == "int64" and str(df["change"].dtype) == "Int64"
    assert str(df["change_pct"].dtype) == "float64" and str(df["is_incomplete"].dtype) == "bool"
    assert pd.api.types.is_datetime64_any_dtype(df["period_start"])
    assert df["change"].isna().tolist() == [True] + [False] * 16
    assert df["change"].iloc[1:].tolist() == [b - a for a, b in zip(MONTH_VALUES, MONTH_VALUES[1:])]
    by = q_trend.set_index("period_start")
    assert by.loc["2021-11-01", "change"] == 30 and by.loc["2021-11-01", "change_pct"] == pytest.approx(300.0)
    assert by.loc["2022-01-01", "change"] == -13 and by.loc["2022-01-01", "change_pct"] == pytest.approx(-100.0)
    assert by.loc["2022-02-01", "change"] == 10 and np.isnan(by.loc["2022-02-01", "change_pct"])  # after a 0
    assert np.isnan(df["change_pct"].iloc[0])
    # data starts 2020-11-01 (complete first month), ends 2022-03-15 (incomplete last month)
    assert df["is_incomplete"].tolist() == [False] * 16 + [True]


def test_query_trend__cubes_and_facts_agree(con, monkeypatch):
    flt = Filter(date_from=date(2021, 1, 15), date_to=date(2021, 12, 20))
    for period in trends.PERIODS:
        for measure in ("complaints", "improper", "incidents", "outside_hours", "conduct:FREQ_EXCESSIVE_CALLS"):
            monkeypatch.setattr(queries, "USE_CUBES", True)
            a = trends.query_trend(con, flt, measure, period)
            monkeypatch.setattr(queries, "USE_CUBES", False)
            b = trends.query_trend(con, flt, measure, period)
            pd.testing.assert_frame_equal(a, b)


def test_query_trend__iso_weeks_across_the_year_boundary(con):
    df = trends.query_trend(con, Filter(), period="week")
    w = df.set_index("period_start")
    assert w.loc["2020-12-28", "value"] == 5  # ISO week 2020-W53: 2 on 2020-12-31, 3 on 2021-01-02
    assert trends.period_label(pd.Timestamp("2020-12-28"), "week") == "2020-W53"
    assert trends.period_label(pd.Timestamp("2021-01-04"), "week") == "2021-W01"
    starts = pd.to_datetime(df["period_start"])
    assert (starts.dt.day_of_week == 0).all()  # Mondays
    assert starts.iloc[0] == pd.Timestamp("2020-10-26") and starts.iloc[-1] == pd.Timestamp("2022-03-14")
    assert (starts.diff().dropna() == pd.Timedelta(days=7)).all()  # no gaps
    # first week starts before the data (2020-11-01 is a Sunday), the last ends after it
    assert df["is_incomplete"].tolist() == [True] + [False] * (len(df) - 2) + [True]
    # every week's count, independently: pandas' Monday-to-Sunday periods of the generated dates
    dates = pd.Series(pd.to_datetime([d for _, d, _, _, _ in _series_rows()]))
    expected = dates.dt.to_period("W-SUN").dt.start_time.value_counts()
    expected = expected.reindex(starts, fill_value=0)
    assert df["value"].tolist() == expected.tolist()
    assert df["value"].sum() == sum(MONTH_VALUES) == 228


def test_query_trend__quarters(con):
    df = trends.query_trend(con, Filter(), period="quarter")
    assert list(pd.to_datetime(df["period_start"])) == ms((2020, 10), (2021, 1), (2021, 4), (2021, 7), (2021, 10),
                                                            (2022, 1))
    assert df["value"].tolist() == [19, 31, 30, 30, 63, 55]
    assert df["change"].iloc[1:].tolist() == [12, -1, 0, 33, -8]
    assert df["change_pct"].iloc[1] == pytest.approx(1200 / 19)
    assert df["is_incomplete"].tolist() == [True, False, False, False, False, True]  # data from 11-01, to 03-15
    assert [trends.period_label(x, "quarter") for x in df["period_start"]] == [
        "2020-Q4", "2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1"]


def test_query_trend__measures(con):
    def values(measure):
        return trends.query_trend(con, Filter(), measure)["value"].tolist()
    assert values("improper") == [2] * 12 + [32, 2, 0, 2, 2]
    assert values("conduct:FREQ_EXCESSIVE_CALLS") == [0] * 12 + [30, 0, 0, 0, 0]
    assert values("conduct:ABUSIVE_LANGUAGE") == [2] * 14 + [0, 2, 2]
    assert values("conduct:DETENTION") == [0] * 17  # covered months, nothing counted
    assert values("incidents") == [0, 0, 2] + [0] * 9 + [5, 0, 0, 0, 0]
    assert values("outside_hours") == [0, 0, 1] + [0] * 9 + [3, 0, 0, 0, 0]
    assert values("improper") == trends.query_trend(con, Filter(label_source="all"), "improper")["value"].tolist()
    assert trends.query_trend(con, Filter(label_source="narrative"), "improper")["value"].sum() == 0


def test_query_trend__bad_arguments(con):
    with pytest.raises(ValueError, match="unknown measure"):
        trends.query_trend(con, Filter(), "complaints; DROP TABLE x")
    with pytest.raises(ValueError, match="unknown conduct code 'NOPE'"):
        trends.query_trend(con, Filter(), "conduct:NOPE")
    with pytest.raises(ValueError, match="unknown period"):
        trends.query_trend(con, Filter(), "complaints", "day")


def test_query_trend__filter_dates_make_edge_months_incomplete(con):
    df = trends.query_trend(con, Filter(date_from=date(2020, 11, 10), date_to=date(2021, 6, 15)))
    assert list(pd.to_datetime(df["period_start"])) == ms((2020, 11), (2020, 12), (2021, 1), (2021, 2), (2021, 3),
                                                            (2021, 4), (2021, 5), (2021, 6))
    assert df["value"].tolist() == [1, 9, 11, 10, 10, 11, 9, 10]  # Nov: only the 10th; June: days 1–10
    assert df["is_incomplete"].tolist() == [True] + [False] * 6 + [True]
    assert trends.query_coverage(con, Filter(date_from=date(2020, 11, 10), date_to=date(2021, 6, 15))) == (
        date(2020, 11, 10), date(2021, 6, 15))
    assert trends.query_coverage(con, Filter(conduct=("FREQ_EXCESSIVE_CALLS",))) == (date(2020, 11, 1),
                                                                                     date(2022, 3, 15))


def test_query_trend__nothing_covered(con):
    df = trends.query_trend(con, Filter(date_from=date(2030, 1, 1)))
    assert df.empty and list(df.columns) == list(trends.TREND_COLUMNS)
    assert trends.query_coverage(con, Filter(jurisdiction=("CN",))) == (None, None)


# ---- spikes -----------------------------------------------------------------------------------

def test_detect_spikes__designed_series(con):
    df = trends.detect_spikes(trends.query_trend(con, Filter()))
    by = df.set_index("period_start")
    assert list(df.loc[df["is_spike"], "period_start"]) == [pd.Timestamp("2021-11-01")]
    # 12 months of 10 ± 1: median 10, MAD 0.5 → 0.74, floored at sqrt(10)
    assert by.loc["2021-11-01", "baseline_median"] == 10.0
    assert by.loc["2021-11-01", "baseline_scale"] == pytest.approx(math.sqrt(10))
    assert by.loc["2021-11-01", "score"] == pytest.approx(30 / math.sqrt(10))
    assert by.loc["2021-12-01", "score"] == pytest.approx(3 / math.sqrt(10))  # 13: not a spike
    assert not by.loc["2021-12-01", "is_spike"]
    assert not by.loc["2022-03-01", "is_spike"] and by.loc["2022-03-01", "score"] > 3.5  # 45, but incomplete
    assert df["baseline_n"].tolist()[:8] == [0, 1, 2, 3, 4, 5, 6, 7]
    assert df["score"].isna().tolist()[:7] == [True] * 6 + [False]  # judged from 6 earlier periods on
    assert df.attrs == {"spike_method": "robust_z", "spike_threshold": 3.5, "spike_baseline": 12,
                        "spike_min_baseline": 6}


def _s(values, incomplete=None):
    return pd.DataFrame({"value": values, "is_incomplete": incomplete or [False] * len(values)})


def test_detect_spikes__flat_baselines_use_the_floor():
    d = trends.detect_spikes(_s([5] * 12 + [9, 13]))
    assert d["baseline_scale"].iloc[12] == pytest.approx(math.sqrt(5))  # MAD 0: sqrt(median)
    assert d["score"].iloc[12] == pytest.approx(4 / math.sqrt(5)) and not d["is_spike"].iloc[12]
    assert d["score"].iloc[13] == pytest.approx(8 / math.sqrt(5)) and d["is_spike"].iloc[13]
    z = trends.detect_spikes(_s([0] * 12 + [3, 0, 4]))
    assert z["baseline_scale"].iloc[12] == 1.0  # median 0, MAD 0: the floor of 1
    assert z["score"].iloc[12] == 3.0 and not z["is_spike"].iloc[12]
    assert z["score"].iloc[14] == 4.0 and z["is_spike"].iloc[14]


def test_detect_spikes__short_baseline_and_incomplete_periods():
    d = trends.detect_spikes(_s([10] * 5 + [100]))
    assert d["baseline_n"].iloc[5] == 5 and np.isnan(d["score"].iloc[5]) and not d["is_spike"].any()
    d3 = trends.detect_spikes(_s([10] * 5 + [100]), min_baseline=3)
    assert d3["is_spike"].tolist() == [False] * 5 + [True]
    # an incomplete first period is no baseline; an incomplete last one is never flagged
    inc = trends.detect_spikes(_s([1] + [10] * 6 + [100, 500], [True] + [False] * 7 + [True]))
    assert inc["baseline_n"].tolist() == [0, 0, 1, 2, 3, 4, 5, 6, 7]
    assert inc["is_spike"].tolist() == [False] * 7 + [True, False]
    assert inc["score"].iloc[8] > 100  # judged, not flagged
    # the baseline is trailing: at most `baseline` previous periods
    w = trends.detect_spikes(_s([100] * 3 + [10] * 12 + [30]), baseline=12)
    assert w["baseline_median"].iloc[15] == 10.0 and w["baseline_n"].iloc[15] == 12


def _poisson_tail(x, mean):  # independent: 1 - CDF by the plain sum
    return 1 - sum(math.exp(-mean) * mean ** k / math.factorial(k) for k in range(x))


def test_detect_spikes__poisson_method():
    d = trends.detect_spikes(_s([2] * 12 + [9, 7]), method="poisson")
    assert d["p_value"].iloc[12] == pytest.approx(_poisson_tail(9, 2.0), rel=1e-9)
    assert d["p_value"].iloc[13] == pytest.approx(_poisson_tail(7, 2.0), rel=1e-9)
    assert d["is_spike"].tolist()[12:] == [True, False]  # p = 0.00024 < 0.001; p = 0.0045
    z = trends.detect_spikes(_s([2] * 12 + [9, 7]))  # the robust z-score flags both (scale sqrt(2))
    assert z["is_spike"].tolist()[12:] == [True, True]
    assert d.attrs["spike_method"] == "poisson" and d.attrs["spike_threshold"] == 0.001
    assert trends.poisson_upper_tail(5, 0.5) == pytest.approx(_poisson_tail(5, 0.5), rel=1e-9)
    assert trends.poisson_upper_tail(3, 10.0) == pytest.approx(_poisson_tail(3, 10.0), rel=1e-9)
    assert trends.poisson_upper_tail(0, 3.0) == 1.0
    # a baseline median of 0 uses a mean of 0.5: 4 is p = 0.0018 (no spike), 5 is p = 0.00017
    zero = trends.detect_spikes(_s([0] * 12 + [4, 0, 5]), method="poisson")
    assert zero["is_spike"].tolist()[12:] == [False, False, True]


def test_detect_spikes__arguments():
    with pytest.raises(ValueError, match="unknown spike method"):
        trends.detect_spikes(_s([1, 2]), method="zscore")
    with pytest.raises(ValueError, match="min_baseline"):
        trends.detect_spikes(_s([1, 2]), baseline=3, min_baseline=4)
    d = trends.detect_spikes(_s([5] * 12 + [9]), threshold=1.5)
    assert d["is_spike"].iloc[12] and d.attrs["spike_threshold"] == 1.5
    # plain words first, the method after
    en = trends.spike_rule_text("en")
    assert en.startswith("Spikes (◆) are periods far above their own recent past: well above the usual level (the "
                         f"median) of the previous {trends.BASELINE_PERIODS} complete periods")
    assert en.index("Method: modified z-score of at least 3.5 (Iglewicz & Hoaglin 1993") > en.index("never flagged")
    assert "Iglewicz & Hoaglin 1993" in trends.spike_rule_text("zh") and "至少有 6 个" in trends.spike_rule_text("zh")
    poisson = trends.spike_rule_text("en", "poisson")
    assert "less than once in 1,000 periods" in poisson and poisson.endswith("Poisson upper tail, p < 0.001.")
    assert "不到 1,000 分之一" in trends.spike_rule_text("zh", "poisson")


def test_query_spikes__by_conduct_and_company(con):
    c = trends.query_spikes(con, Filter(), "conduct")
    assert list(c.columns) == list(trends.SPIKE_COLUMNS)
    assert c[["by", "key", "value", "baseline_median", "score", "method", "threshold"]].values.tolist() == [
        ["conduct", "FREQ_EXCESSIVE_CALLS", 30, 0.0, 30.0, "robust_z", 3.5]]  # flat zero baseline: floor 1
    assert list(c["period_start"]) == [pd.Timestamp("2021-11-01")]
    co = trends.query_spikes(con, Filter(), "company")
    # Beta Recovery: 20 after nothing; AcmeCollect's 20 is (20 - 10) / sqrt(10) = 3.16 < 3.5
    assert co[["key", "value", "score"]].values.tolist() == [["Beta Recovery", 20, 20.0]]
    assert trends.query_spikes(con, Filter(), "company", top_n=1).empty  # only AcmeCollect checked
    assert trends.query_spikes(con, Filter(), "conduct", period="quarter").empty  # 30 after 4 quarters: not judged
    with pytest.raises(ValueError, match="unknown spike series"):
        trends.query_spikes(con, Filter(), "region")
    table = trends.spikes_table(co, "month", "zh")
    assert list(table.columns) == ["周期", "公司", "投诉数", "此前周期中位数", "稳健 z 分数"]
    assert table.values.tolist() == [["2021-11", "Beta Recovery", 20, 0.0, 20.0]]
    assert trends.spikes_table(c, "month", "en").iloc[0, 1] == "Excessive calls"


# ---- before / after ---------------------------------------------------------------------------

def test_before_after__regulation_f_mid_month(con):
    r = trends.before_after(con, Filter(), date(2021, 11, 30))
    assert r["event_month"] == date(2021, 11, 1) and r["event_month_side"] == "excluded"
    assert r["before"] == {"first_month": date(2020, 11, 1), "last_month": date(2021, 10, 1), "months_requested": 12,
                           "months_with_data": 12, "total": 120, "monthly_mean": 10.0, "is_short": False}
    # after: 2021-12 … 2022-11; complete months: Dec 13, Jan 0, Feb 10 (March is partial, then no data)
    assert r["after"] == {"first_month": date(2021, 12, 1), "last_month": date(2022, 11, 1), "months_requested": 12,
                          "months_with_data": 3, "total": 23, "monthly_mean": pytest.approx(23 / 3), "is_short": True}
    assert r["change"] == pytest.approx(23 / 3 - 10) and r["change_pct"] == pytest.approx(100 * (23 / 3 - 10) / 10)
    text = trends.before_after_sentences(r, "Regulation F", "en")
    assert text[0] == ("Complaints: 10.0 a month in the 12 complete months before “Regulation F” and 7.7 a month in "
                       "the 3 complete months after; a change of -2.3 a month (-23.3%).")
    assert "2021-11 is left out of both sides" in text[1]
    assert "Only 3 of 12 months after the event have complete data" in text[2]
    table = trends.before_after_table(r, "en")
    assert table.values.tolist() == [["Before", "2020-11 – 2021-10", "12 / 12", "120", "10.0"],
                                     ["After", "2021-12 – 2022-11", "3 / 12", "23", "7.7"]]


def test_before_after__event_on_the_first_counts_its_month_after(con):
    r = trends.before_after(con, Filter(), date(2021, 3, 1))
    assert r["event_month_side"] == "after"
    assert (r["before"]["months_with_data"], r["before"]["total"], r["before"]["monthly_mean"]) == (4, 40, 10.0)
    assert (r["after"]["first_month"], r["after"]["months_with_data"], r["after"]["total"]) == (date(2021, 3, 1), 12,
                                                                                               143)
    assert r["after"]["monthly_mean"] == pytest.approx(143 / 12) and not r["after"]["is_short"]
    assert "2021-03 counts as after" in trends.before_after_sentences(r, "x", "en")[1]


def test_before_after__measures_months_and_filters(con):
    r = trends.before_after(con, Filter(), date(2021, 11, 30), 1, "conduct:FREQ_EXCESSIVE_CALLS")
    assert (r["before"]["total"], r["after"]["total"], r["change"], r["change_pct"]) == (0, 0, 0.0, None)
    said = trends.before_after_sentences(r, "x", "en")
    assert said[1] == ("Both sides are 0 (Complaints: Excessive calls), so this comparison says nothing; widen "
                       "the filter or choose another event.")
    r = trends.before_after(con, Filter(), date(2021, 12, 1), 1, "conduct:FREQ_EXCESSIVE_CALLS")
    assert (r["before"]["total"], r["after"]["total"], r["change"]) == (30, 0, -30.0)
    assert r["change_pct"] == -100.0
    # a filter date inside a month makes that month incomplete
    r = trends.before_after(con, Filter(date_to=date(2021, 12, 20)), date(2021, 11, 30), 2)
    assert (r["before"]["months_with_data"], r["after"]["months_with_data"], r["after"]["monthly_mean"]) == (2, 0, None)
    assert r["change"] is None
    assert "No complete month of data after the event" in " ".join(trends.before_after_sentences(r, "x", "en"))
    nothing = trends.before_after(con, Filter(), date(2030, 1, 1))
    assert nothing["before"]["months_with_data"] == nothing["after"]["months_with_data"] == 0
    with pytest.raises(ValueError, match="months must be at least 1"):
        trends.before_after(con, Filter(), date(2021, 11, 30), 0)


# ---- events -----------------------------------------------------------------------------------

def test_load_events__dates_and_status_from_the_rulebook():
    ev = trends.load_events()
    got = {f"{d:%Y-%m-%d}": (j, s) for d, j, s in zip(ev["event_date"], ev["jurisdiction"], ev["status"])}
    assert got["2021-11-30"] == ("US", "V")  # Regulation F in effect
    assert got["2021-03-01"] == ("CN", "R")  # 刑法修正案（十一）: effective date marked R in RULEBOOK
    assert got["2026-01-30"] == ("CN", "S")  # CBA guideline
    assert got["2018-03-28"] == ("CN", "S")  # NIFA convention
    assert ev["event_date"].is_monotonic_increasing and pd.api.types.is_datetime64_any_dtype(ev["event_date"])
    assert set(ev["status"]) <= {"V", "S", "R"}
    assert set(trends.load_events(["US"])["jurisdiction"]) == {"US"}
    assert trends.load_events(["UK"]).empty


@require_shared(RULEBOOK_MD)
def test_load_events__every_date_is_in_the_rulebook():
    text = (SHARED / RULEBOOK_MD).read_text(encoding="utf-8")
    for d in trends.load_events()["event_date"]:
        iso = f"{d:%Y-%m-%d}"
        if iso == "2024-05-15":  # NIFA guideline: "published 5-15", year inferred
            assert "published 5-15. Year most likely **2024** (inferred" in text
        else:
            assert iso in text, iso


@pytest.mark.parametrize("row, message", [
    ("2021-13-01,US,,x,a,b,c,d,V,s", "events.csv line 3 (c): event_date '2021-13-01' is not a date written YYYY-MM-DD"),
    ("2021-1-5,US,,x,a,b,c,d,V,s", "line 3 (c): event_date '2021-1-5' is not a date"),
    ("2021-02-01,US,,x,a,b,c,d,X,s", "line 3 (c): status 'X' must be one of V, S, R"),
    ("2021-02-01,XX,,x,a,b,c,d,V,s", "line 3 (c): unknown jurisdiction 'XX'"),
    ("2021-01-01,US,,x,a,b,c,d,V,s", "line 3 (c): event_date 2021-01-01 is already used on line 2"),
    ("2021-02-01,US,,x,,b,c,d,V,s", "line 3 (c): label_en is empty"),
])
def test_load_events__bad_rows_name_the_line(tmp_path, row, message):
    f = tmp_path / "events.csv"
    f.write_text(",".join(trends.EVENT_COLUMNS) + "\n2021-01-01,US,,x,a,b,first,d,V,s\n" + row + "\n",
                 encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        trends.load_events(path=f)


def test_load_events__wrong_columns(tmp_path):
    f = tmp_path / "events.csv"
    f.write_text("date,title\n2021-01-01,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected the columns event_date, jurisdiction.*found date, title"):
        trends.load_events(path=f)


def test_events_in_view_and_default(con):
    ev = trends.query_events_in_view(con, Filter())
    assert set(ev["jurisdiction"]) == {"US"}  # the data in view is US only
    assert ev.loc[ev["is_covered"], "event_date"].tolist() == [pd.Timestamp("2021-11-30")]
    assert trends.default_event(ev) == "2021-11-30"
    assert trends.default_event(trends.query_events_in_view(con, Filter(date_from=date(2022, 1, 1)))) == "2026-08-14"
    assert trends.event_choice_label(ev.iloc[0], "en").startswith("2021-11-30 · United States · Regulation F")


# ---- chart frame, figure, catalogue -------------------------------------------------------------

def test_query_trend_chart__columns_spikes_and_events(con):
    df = trends.query_trend_chart(con, Filter(), "improper", "month")
    assert list(df.columns) == ["period_start", "improper_complaint_count", "period_change", "period_change_pct",
                                "is_incomplete",
                                "baseline_median", "spike_score", "spike_p_value", "is_spike", "event_dates",
                                "trend_measure", "trend_period"]
    assert df["improper_complaint_count"].tolist() == [2] * 12 + [32, 2, 0, 2, 2]
    assert df.loc[df["event_dates"] != "", ["period_start", "event_dates"]].values.tolist() == [
        [pd.Timestamp("2021-11-01"), "2021-11-30"]]  # the US event in the span; no CN event
    assert df["is_spike"].tolist() == [False] * 12 + [True] + [False] * 4
    assert trends.trend_count(df) == 62


def test_make_trend_figure__traces_labels_and_colours(con):
    df = trends.query_trend_chart(con, Filter(), "complaints", "month")
    fig = trends.make_trend_figure(df, "en")
    assert fig.layout.title.text == CHART_BY_NAME["trends_complaints"].title("en") == (
        "Complaints over time, with spikes and rule events")
    assert fig.data[0].name == "Complaints" and fig.layout.xaxis2.title.text == "Month" and fig.layout.showlegend
    metas = [drill.role(tr) for tr in fig.data]
    assert metas == ["cw_value", "cw_incomplete", "cw_spike", "cw_change"]
    value, incomplete, spike, change = fig.data
    assert len(value.x) == 16 and list(value.y) == MONTH_VALUES[:-1]  # complete months, solid
    assert incomplete.line.dash == "dash" and list(incomplete.y) == [10, 45, None]  # from Feb to the partial March
    assert list(incomplete.marker.symbol)[1] == "circle-open"
    assert list(spike.x) == [pd.Timestamp("2021-11-01")] and list(spike.y) == [40]
    assert "robust z-score 9.5 ≥ 3.5" in spike.hovertext[0] and "median of the previous 12" in spike.hovertext[0]
    assert list(change.y) == [b - a for a, b in zip(MONTH_VALUES, MONTH_VALUES[1:])]
    assert change.marker.color[-1] == "rgba(0,0,0,0)"  # the incomplete month's bar is hollow
    assert [a.text for a in fig.layout.annotations] == ["incomplete", "Regulation F (V)"]
    assert "consumerfinance.gov" in fig.layout.annotations[1].hovertext
    (line,) = fig.layout.shapes
    assert (line.x0, line.line.dash) == ("2021-11-30", "dash")
    colours = {c for tr in fig.data for c in ([tr.line.color] if tr.type == "scatter" else list(tr.marker.line.color))
               if c} | {tr.marker.color for tr in fig.data if tr.type == "scatter" and isinstance(tr.marker.color, str)}
    colours |= {line.line.color}
    assert len(colours) <= 8
    zh = trends.make_trend_figure(trends.query_trend_chart(con, Filter(), "outside_hours", "quarter"), "zh")
    assert zh.layout.title.text == "催收事件数随时间的变化（含异常高峰与规则事件）"
    assert zh.data[0].name == "被指在禁止时段的催收事件数"
    assert zh.layout.xaxis2.title.text == "季度" and zh.layout.yaxis.title.text == "被指在禁止时段的催收事件数"
    en = trends.make_trend_figure(trends.query_trend_chart(con, Filter(), "outside_hours", "week"), "en")
    assert en.layout.yaxis.title.text == "Incidents"  # the long name would not fit beside the panel
    assert en.layout.xaxis2.title.text == "Week (ISO, starting Monday)"


def test_suppress_trend_figure__small_counts_and_their_changes(con):
    df = trends.query_trend_chart(con, Filter(), "incidents", "month")
    fig = trends.make_trend_figure(df, "en")
    trends.suppress_trend_figure(fig, df, 5)
    value = fig.data[0]
    assert list(value.y) == [0, 0, None] + [0] * 9 + [5, 0, 0, 0]  # 2 incidents in 2021-01 are left out
    change = next(tr for tr in fig.data if drill.role(tr) == "cw_change")
    # bars of 2021-01 (+2) and 2021-02 (-2) would give the 2 back
    assert list(change.y)[:4] == [0, None, None, 0]


def test_describe_trend_chart(con):
    from analysis.export.context import ExportOptions
    built = build_chart(con, "trends_complaints", Filter(), "en")
    text = trends.describe_trend_chart(built, "en", ExportOptions())
    assert text == ("Complaints per period from 2020-11 to 2022-03 (17 periods); highest 2022-03 (45); last complete "
                    "period 2022-02: 10. Spikes: 2021-11.")


def test_catalogue__specs_args_and_defaults(con):
    assert {"trends_complaints", "trends_incidents"} <= set(CHART_BY_NAME)
    spec = CHART_BY_NAME["trends_complaints"]
    assert spec.page == "trends" and spec.unit == "complaints"
    assert spec.query_args({}) == ("complaints", "month")  # the report pack passes no choices
    assert spec.query_args({"measure": "improper", "period": "week", "event": "2021-11-30"}) == ("improper", "week")
    assert spec.query_args({"measure": "outside_hours", "period": "day"}) == ("complaints", "month")
    assert CHART_BY_NAME["trends_incidents"].query_args({"measure": "outside_hours"}) == ("outside_hours", "month")
    assert trends.chart_name("conduct:CEASE_IGNORED") == "trends_complaints"
    assert trends.chart_name("outside_hours") == "trends_incidents"
    b = build_chart(con, "trends_incidents", Filter(), "en", choices={"measure": "outside_hours", "period": "quarter"})
    assert b.n == 4 and b.frame["outside_count"].tolist() == [0, 1, 0, 0, 3, 0]
    assert spec.title("zh") == "投诉数随时间的变化（含异常高峰与规则事件）"


# ---- the shared CFPB mixed-products export --------------------------------------------------------

@pytest.fixture(scope="module")
def cfpb(tmp_path_factory):
    path = tmp_path_factory.mktemp("cfpb_trends") / "cw.duckdb"
    src = SHARED / CFPB_MIXED
    run_import([src], "cfpb", path)
    csv = pd.read_csv(src, dtype=str, keep_default_na=False)
    csv["received"] = pd.to_datetime(csv["Date received"], format="%Y-%m-%d")
    with db.connect_read_only(path) as c:
        yield db.read_cursor(c), csv


def _monthly(csv: pd.DataFrame) -> pd.Series:
    m = csv["received"].dt.to_period("M").dt.start_time.value_counts()
    full = pd.date_range(csv["received"].min().to_period("M").start_time, csv["received"].max(), freq="MS")
    return m.reindex(full, fill_value=0)


@require_shared(CFPB_MIXED)
def test_cfpb_mixed__monthly_counts(cfpb):
    cur, csv = cfpb
    df = trends.query_trend(cur, Filter())
    exp = _monthly(csv)
    assert list(pd.to_datetime(df["period_start"])) == list(exp.index)
    assert df["value"].tolist() == exp.tolist()
    first, last = csv["received"].min(), csv["received"].max()
    assert df["is_incomplete"].iloc[0] == (first.day != 1)
    assert df["is_incomplete"].iloc[-1] == (last != last + pd.offsets.MonthEnd(0))
    assert not df["is_incomplete"].iloc[1:-1].any()
    debt = csv[csv["Product"] == "Debt collection"]
    d = trends.query_trend(cur, Filter(product=("Debt collection",)))
    # coverage is the source's, so the months before the first debt-collection complaint are 0
    assert d["value"].tolist() == _monthly(debt).reindex(exp.index, fill_value=0).tolist()
    w = trends.query_trend(cur, Filter(), period="week")
    assert w["value"].sum() == len(csv)


@require_shared(CFPB_MIXED)
@pytest.mark.parametrize("event, months, product", [(date(2019, 6, 1), 3, None), (date(2019, 4, 15), 2, None),
                                                     (date(2019, 6, 1), 6, "Debt collection")])
def test_cfpb_mixed__before_after(cfpb, event, months, product):
    cur, csv = cfpb
    rows = csv if product is None else csv[csv["Product"] == product]
    r = trends.before_after(cur, Filter(product=(product,) if product else ()), event, months)
    em = pd.Timestamp(event).to_period("M")
    after_first = em if event.day == 1 else em + 1
    before = [em - i for i in range(months, 0, -1)]
    after = [after_first + i for i in range(months)]
    per = rows["received"].dt.to_period("M")
    first, last = csv["received"].min(), csv["received"].max()

    def complete(p):
        return first <= p.start_time and last >= p.end_time.normalize()
    for side, ps in (("before", before), ("after", after)):
        keep = [p for p in ps if complete(p)]
        total = int(per.isin(keep).sum())
        assert r[side]["months_with_data"] == len(keep) == months
        assert r[side]["total"] == total, side
        assert r[side]["monthly_mean"] == pytest.approx(total / len(keep))
    assert r["change"] == pytest.approx(r["after"]["monthly_mean"] - r["before"]["monthly_mean"])


# ---- the page -----------------------------------------------------------------------------------

@pytest.fixture
def page(series_path, monkeypatch):
    monkeypatch.setenv(db.ENV_VAR, str(series_path))

    def run(**params):
        at = AppTest.from_file(str(REPO / "pages" / "trends.py"), default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()
    return run


@pytest.mark.parametrize("lang, title", [("en", "Trends"), ("zh", "趋势")])
def test_page__default_view(page, lang, title):
    at = page(lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == title
    assert at.selectbox(key="choice_measure").value == "complaints"
    assert at.selectbox(key="choice_event").value == "2021-11-30"  # the US event inside the data
    texts = [x.value for x in at.text]
    if lang == "en":
        assert texts[0].startswith("Complaints: 10.0 a month in the 12 complete months before “Regulation F (12 CFR")
        assert any("Iglewicz & Hoaglin 1993" in c.value for c in at.caption)
    assert len(at.dataframe) == 3  # conduct spikes, company spikes, before/after


def test_page__choices_from_the_url(page):
    at = page(lang="en", measure="conduct:FREQ_EXCESSIVE_CALLS", period="quarter", event="2021-11-30", months="6")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="choice_measure").value == "conduct:FREQ_EXCESSIVE_CALLS"
    assert at.text[0].value.startswith("Complaints: Excessive calls: 0.0 a month in the 6 complete months before")
    # quarters: too few earlier quarters to judge, so no spike in either table
    assert [i.value for i in at.info] == ["No spike in these series.", "No spike in these series."]
    bad = page(lang="en", measure="nonsense", period="fortnight")
    assert not bad.exception and bad.selectbox(key="choice_measure").value == "complaints"


def test_page__bad_filter_shows_one_error(page):
    at = page(lang="en", date_from="2021-02-30")
    assert not at.exception
    assert len(at.error) == 1


# ---- months the data does not cover --------------------------------------------------------

#: Two exports of one source with 7 months between them: 10–12 complaints a month before and
#: after, nothing from 2021-04 to 2021-10; and a month of 0 inside the second export (2022-02).
GAP_MONTHS = {(2020, 11): 10, (2020, 12): 11, (2021, 1): 10, (2021, 2): 12, (2021, 3): 10,
              (2021, 11): 30, (2021, 12): 11, (2022, 1): 10, (2022, 2): 0, (2022, 3): 11}


def _months_db(path: Path, months: dict) -> Path:
    rows = [_complaint(f"g:{y}{m:02d}{k:02d}", "gap_us", "US", date(y, m, 1 + k % 28), "AcmeCollect",
                       "financial_regulator", "web", "explained", True, 2)
            for (y, m), n in months.items() for k in range(n)]
    return write_core(path, "trends gap database", core_complaints=pd.DataFrame(rows),
                      meta_sources=sources_frame(("gap_us", "Gap US", "缺口（美国）", "US", False)))


@pytest.fixture(scope="module")
def gap_con(tmp_path_factory):
    with db.connect_read_only(_months_db(tmp_path_factory.mktemp("gap") / "gap.duckdb", GAP_MONTHS)) as c:
        yield db.read_cursor(c)


def test_coverage_gaps__judged_by_the_months_around_them_not_a_thin_tail(tmp_path):
    """A few old complaints years before the exports (a thin tail: most months empty) must not
    hide the gap between two large exports; the tail's own empty months stay 0."""
    tail = {(2018, 1): 1, (2018, 5): 2, (2018, 9): 1, (2019, 2): 1, (2019, 7): 2}
    with db.connect_read_only(_months_db(tmp_path / "tail.duckdb", {**tail, **GAP_MONTHS})) as c:
        gaps = trends.query_coverage_gaps(db.read_cursor(c), Filter())
    # 2019-08 .. 2020-10: the months around it have 1, 1, 2 and 10, 11, 10 complaints (median 6): a gap
    assert gaps == frozenset([date(2019, m, 1) for m in range(8, 13)] + [date(2020, m, 1) for m in range(1, 11)]
                             + [date(2021, m, 1) for m in range(4, 11)])


def test_coverage_gaps__months_between_two_exports_are_left_out_not_zero(gap_con):
    gap = [date(2021, m, 1) for m in range(4, 11)]
    assert trends.query_coverage_gaps(gap_con, Filter()) == frozenset(gap)
    df = trends.query_trend(gap_con, Filter())
    assert [ts.date() for ts in df["period_start"]] == [date(y, m, 1) for (y, m) in GAP_MONTHS]
    assert df["value"].tolist() == list(GAP_MONTHS.values())  # the single empty month stays, as 0
    by = df.set_index("period_start")
    assert pd.isna(by.loc["2021-11-01", "change"]) and pd.isna(by.loc["2021-11-01", "change_pct"])
    assert by.loc["2022-02-01", "change"] == -10
    assert df["is_incomplete"].tolist() == [False] * 9 + [True]  # (the data ends 2022-03-11)
    # quarters: Q2 and Q3 2021 have no covered month and are left out; Q4 2021 lacks October
    qd = trends.query_trend(gap_con, Filter(), period="quarter")
    assert [ts.date() for ts in qd["period_start"]] == [date(2020, 10, 1), date(2021, 1, 1), date(2021, 10, 1),
                                                       date(2022, 1, 1)]
    assert qd["is_incomplete"].tolist() == [True, False, True, True]
    # no spike is measured against zeros in the gap, nor across it: the baseline starts again
    # after it (with the gap as zeros 2021-11 had 12 months of median 0 before it: a "spike")
    spikes = trends.detect_spikes(df).set_index("period_start")
    assert not spikes["is_spike"].any() and pd.isna(spikes.loc["2021-11-01", "baseline_median"])
    assert spikes["baseline_n"].tolist() == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]
    # before/after an event in the gap: only covered months count
    res = trends.before_after(gap_con, Filter(), date(2021, 7, 1), months=6)
    assert res["before"]["months_with_data"] == 3 and res["before"]["total"] == 10 + 12 + 10  # 2021-01..03
    assert res["after"]["months_with_data"] == 2 and res["after"]["total"] == 30 + 11  # 2021-07..12: 11 and 12 covered
    # the chart's line breaks at the gap
    chart = build_chart(gap_con, "trends_complaints", Filter(), "en")
    line = next(tr for tr in chart.figure.data if drill.role(tr) == "cw_value")
    assert list(line.y).count(None) == 1 and line.y[list(line.y).index(None) - 1] == 10
    assert line.connectgaps is False


def test_coverage_gaps__none_for_a_small_source_or_a_single_empty_month(con):
    assert trends.query_coverage_gaps(con, Filter()) == frozenset()  # the series' one empty month: 0
