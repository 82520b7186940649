"""Drill-down: every clickable point of every catalogue chart stands for a filter that gives
back exactly the count the point shows (checked by re-querying with that filter)."""
from __future__ import annotations

import dataclasses

import plotly.graph_objects as go
import pytest

from analysis import db, drill
from analysis.charts import CHARTS, build_chart
from analysis.filters import Filter, from_url
from analysis.queries import query_kpis
from analysis.scope import default_filter
from tests.helpers import build_demo_db


@pytest.fixture(scope="module")
def cur(tmp_path_factory):
    path = tmp_path_factory.mktemp("drill") / "cw.duckdb"
    build_demo_db(path)
    with db.connect_read_only(path) as con:
        yield db.read_cursor(con)


def test_period_target__week_month_quarter():
    assert drill.period_target("2024-12-30", "week") == {"date_from": ["2024-12-30"], "date_to": ["2025-01-05"]}
    assert drill.period_target("2024-02-01", "month") == {"date_from": ["2024-02-01"], "date_to": ["2024-02-29"]}
    assert drill.period_target("2024-10-01", "quarter") == {"date_from": ["2024-10-01"], "date_to": ["2024-12-31"]}
    with pytest.raises(ValueError):
        drill.period_target("2024-10-01", "year")


def test_tag__keeps_a_builders_name_and_rejects_unknown_fields():
    tr = drill.tag(go.Scatter(x=[1, 2], y=[3, 4], meta="cw_value"), [{"conduct": ["THREAT_VIOLENCE"]}, None])
    assert drill.role(tr) == "cw_value" and tr.meta["drill"] == [{"conduct": ["THREAT_VIOLENCE"]}, None]
    fig = go.Figure([tr])
    assert drill.targets_of(fig, [{"curve_number": 0, "point_index": 0}, {"curve_number": 0, "point_index": 1}]) == {
        "conduct": ["THREAT_VIOLENCE"]}
    with pytest.raises(KeyError):
        drill.tag(go.Scatter(x=[1]), [{"hour": ["3"]}])


def _narrowed(base: Filter, target: dict) -> Filter:
    """``base`` with the target's fields replaced, as the dashboard's click does."""
    one = from_url({k: v for k, v in target.items()})
    return dataclasses.replace(base, **{k: getattr(one, k) for k in target})


def _points(fig: go.Figure):
    for curve, tr in enumerate(fig.data):
        targets = (tr.meta or {}).get("drill") if isinstance(tr.meta, dict) else None
        for i, target in enumerate(targets or []):
            if target is not None:
                yield curve, i, tr, target


DRILLABLE = {"overview_monthly_trend", "conduct_counts", "method_counts", "conduct_trend", "conduct_cooccurrence",
             "company_conduct", "outcome_mix_filed_with", "outcome_mix_submission_medium",
             "channel_timeliness_filed_with", "channel_timeliness_submission_medium", "companies_ranking",
             "trends_complaints", "trends_incidents", "places_map_cn_complaints", "places_map_cn_rate",
             "time_allegation_share", "time_allegation_companies"}


def test_catalogue__which_charts_can_be_clicked_into(cur):
    flt = default_filter(cur)
    clickable = {s.name for s in CHARTS
                 if (b := build_chart(cur, s.name, flt, "en")).figure is not None and drill.is_drillable(b.figure)}
    # the demo has no US places and no CFPB allegation rows; those charts are empty here
    assert clickable == DRILLABLE - {"time_allegation_share", "time_allegation_companies"} | {
        "places_map_us_complaints", "places_map_us_rate"}
    for s in CHARTS:
        b = build_chart(cur, s.name, flt, "en")
        for _, _, _, target in _points(b.figure) if b.figure is not None else ():
            _narrowed(flt, target).validate()  # every target is a valid view


def _complaints(cur, flt: Filter) -> int:
    return query_kpis(cur, flt)["complaint_count"]


def test_click__bars_give_back_their_count(cur):
    flt = default_filter(cur)
    for name in ("conduct_counts", "method_counts"):
        b = build_chart(cur, name, flt, "en")
        pts = list(_points(b.figure))
        assert len(pts) == len(b.frame) > 3
        for _, i, tr, target in pts:
            assert _complaints(cur, _narrowed(flt, target)) == tr.x[i], (name, target)


def test_click__cooccurrence_cell_gives_complaints_with_both(cur):
    flt = default_filter(cur)
    b = build_chart(cur, "conduct_cooccurrence", flt, "en")
    cells = {(r.conduct_a, r.conduct_b): r.complaint_count for r in b.frame.itertuples()}
    checked = 0
    for _, _, _, target in _points(b.figure):
        pair = target["conduct"]
        key = (pair[0], pair[-1])
        if key in cells:
            assert _complaints(cur, _narrowed(flt, target)) == cells[key], target
            checked += 1
    assert checked >= 10


def test_click__month_and_company_and_outcome(cur):
    flt = default_filter(cur)
    b = build_chart(cur, "overview_monthly_trend", flt, "en")
    for _, i, tr, target in list(_points(b.figure))[:6]:
        if tr.y[i] is not None and tr.name == b.figure.data[0].name:
            assert _complaints(cur, _narrowed(flt, target)) == tr.y[i]
    b = build_chart(cur, "outcome_mix_submission_medium", flt, "en")
    pts = list(_points(b.figure))
    assert pts
    for _, i, tr, target in pts:
        assert _complaints(cur, _narrowed(flt, target)) == tr.customdata[i], target
    b = build_chart(cur, "companies_ranking", flt, "en", choices={"measure": "complaints"})
    for _, i, tr, target in list(_points(b.figure))[:5]:
        assert _complaints(cur, _narrowed(flt, target)) == tr.x[i], target


def test_click__company_conduct_segment(cur):
    flt = default_filter(cur)
    b = build_chart(cur, "company_conduct", flt, "en")
    pts = [(i, tr, target) for _, i, tr, target in _points(b.figure) if tr.x[i]]
    assert len(pts) >= 5
    for i, tr, target in pts[:8]:
        narrowed = _narrowed(flt, target)
        assert narrowed.company_role == "attributed"
        if len(target["conduct"]) == 1:  # one conduct's segment: exactly its complaints
            assert _complaints(cur, narrowed) == tr.x[i], target


def test_click__trend_period(cur):
    flt = default_filter(cur)
    b = build_chart(cur, "trends_complaints", flt, "en", choices={"period": "quarter"})
    values = [(i, tr, target) for _, i, tr, target in _points(b.figure) if drill.role(tr) == "cw_value"]
    assert values
    for i, tr, target in values:
        assert _complaints(cur, _narrowed(flt, target)) == tr.y[i], target
