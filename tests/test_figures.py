"""Figure builders: trace types, category order, colours, forbidden-hour marks."""
import duckdb
import pytest

from analysis import codes, figures
from analysis import queries as q
from analysis.filters import Filter
from tests.helpers import build_tiny_db


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_tiny_db(tmp_path_factory.mktemp("tinyfig") / "tiny.duckdb")
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def test_make_hour_weekday_heatmap__grid_and_cn_forbidden_band(con):
    fig = figures.make_hour_weekday_heatmap(q.query_incidents_by_hour_weekday(con, Filter()), "CN", "zh")
    hm = fig.data[0]
    assert hm.type == "heatmap"
    assert list(hm.x) == list(range(24))
    assert list(hm.y) == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    assert hm.z[5][23] == 1 and sum(map(sum, hm.z)) == 1  # Saturday 23:00, CN only
    bands = sorted(s.x0 + 0.5 for s in fig.layout.shapes if s.type == "rect")
    assert bands == [0, 1, 2, 3, 4, 5, 6, 7, 22, 23]
    lines = sorted(s.x0 for s in fig.layout.shapes if s.type == "line")
    assert lines == [7.5, 21.5]
    assert fig.layout.title.text == "按小时和星期分布的催收事件 — 中国"


def test_make_hour_weekday_heatmap__us_hour_21_is_partial(con):
    fig = figures.make_hour_weekday_heatmap(q.query_incidents_by_hour_weekday(con, Filter()), "US", "en")
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    full = sorted(s.x0 + 0.5 for s in rects if s.fillcolor == figures.FORBIDDEN_LINE)
    partial = sorted(s.x0 + 0.5 for s in rects if s.fillcolor == figures.FORBIDDEN_FILL)
    assert full == [0, 1, 2, 3, 4, 5, 6, 7, 22, 23] and partial == [21]
    assert sorted(s.x0 for s in fig.layout.shapes if s.type == "line") == [7.5, 20.5]
    assert fig.layout.xaxis.title.text == "Hour (local time)"


def test_make_code_bar__largest_first_and_code_colours(con):
    df = q.query_method_counts(con, Filter())
    fig = figures.make_code_bar(df, "method_code", "method", "complaint_count", "t", "en")
    bar = fig.data[0]
    assert bar.type == "bar" and bar.orientation == "h"
    assert list(bar.y) == ["SMS", "Phone call"]  # plotly draws bottom-up: largest last, ties by code
    assert list(bar.marker.color) == [codes.color("method", "sms"), codes.color("method", "phone_call")]


def test_make_outcome_mix_bar__outcome_order_and_shares(con):
    fig = figures.make_outcome_mix_bar(q.query_channel_outcomes(con, Filter(), "filed_with"), "filed_with", "en")
    assert [tr.name for tr in fig.data] == ["Monetary relief", "Closed with explanation", "In progress"]
    assert fig.layout.barmode == "stack"
    explained = fig.data[1]
    assert dict(zip(explained.y, explained.x)) == {"Consumer association / 12315": 100.0, "Financial regulator": 50.0,
                                                   "Complaint platform": 0}


def test_make_channel_sankey__flows_sum_to_complaints(con):
    fig = figures.make_channel_sankey(q.query_channel_flow(con, Filter()), "zh")
    sk = fig.data[0]
    assert sk.type == "sankey"
    assert sum(sk.link.value) == 8  # 4 complaints, two hops each
    assert "网页" in sk.node.label and "处理中" in sk.node.label


def test_make_time_coverage_bar__labels_in_list_order(con):
    fig = figures.make_time_coverage_bar(q.query_time_coverage(con, Filter()), "en")
    assert list(fig.data[0].y) == ["Exact clock time", "Part of day only", "Outside-hours flag only", "Date only",
                                   "No time"]
    assert list(fig.data[0].x) == [3, 1, 1, 0, 0]


def test_make_monthly_trend_and_cooccurrence(con):
    fig = figures.make_monthly_trend(q.query_complaints_by_month(con, Filter()), "en")
    assert [tr.name for tr in fig.data] == ["All complaints", "With improper conduct"]
    assert list(fig.data[0].y) == [1, 2, 1] and list(fig.data[1].y) == [1, 2, 0]
    co = figures.make_cooccurrence_heatmap(q.query_conduct_cooccurrence(con, Filter()), "en")
    assert list(co.data[0].x) == ["Contact at inconvenient hours", "Excessive calls", "Contact-list blasting",
                                  "Abusive language"]


def test_make_monthly_trend__months_not_covered_are_gaps_not_lines():
    import pandas as pd
    df = pd.DataFrame({"received_month": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-05-01"]),
                       "complaint_count": [3, 4, 5], "improper_complaint_count": [1, 0, 2]})
    fig = figures.make_monthly_trend(df, "en")
    ys = list(fig.data[0].y)
    assert len(ys) == 5 and ys[:2] == [3, 4] and ys[4] == 5
    assert all(v != v for v in ys[2:4])  # NaN: a break in the line, not a zero


def test_make_code_trend__zero_inside_covered_months():
    import pandas as pd
    df = pd.DataFrame({"received_month": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-02-01"]),
                       "conduct_code": ["ABUSIVE_LANGUAGE", "ABUSIVE_LANGUAGE", "CEASE_IGNORED"],
                       "complaint_count": [2, 1, 4]})
    fig = figures.make_code_trend(df, "conduct_code", "conduct", "t", "en")
    by_name = {tr.name: list(tr.y) for tr in fig.data}
    assert by_name == {"Abusive language": [2, 1], "Request to stop ignored": [0, 4]}


def test_make_outside_share_trend__months_on_few_incidents_not_drawn():
    import pandas as pd
    df = pd.DataFrame({"jurisdiction": ["US", "US", "US"],
                       "occurred_month": pd.to_datetime(["2019-10-01", "2019-11-01", "2019-12-01"]),
                       "exact_time_incident_count": [1, 12, 400], "outside_count": [1, 3, 40],
                       "outside_share_pct": [100.0, 25.0, 10.0]})
    fig = figures.make_outside_share_trend(df, "en")
    assert list(fig.data[0].y) == [25.0, 10.0]
    assert fig.layout.annotations[0].text == "1 month(s) with fewer than 10 timed incidents are not drawn."
