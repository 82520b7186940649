"""The cubes (analysis/build.py CUBES) answer every chart query exactly as the facts do, for
any filter, also after incremental writes; and the pages' default view reads a cube."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import codes, db, queries
from analysis.build import CUBES
from analysis.demo import ensure_demo_database
from analysis.filters import LABEL_SOURCES, Filter
from analysis.ingest import run_import

REPO = Path(__file__).resolve().parent.parent
CHART_QUERIES = [
    ("query_kpis", ()), ("query_complaints_by_month", ()), ("query_incidents_by_hour_weekday", ()),
    ("query_time_coverage", ()), ("query_outside_share_by_month", ()), ("query_conduct_counts", ()),
    ("query_method_counts", ()), ("query_conduct_by_month", ()), ("query_conduct_cooccurrence", ()),
    ("query_company_conduct", (15,)), ("query_channel_outcomes", ("filed_with",)),
    ("query_channel_outcomes", ("submission_medium",)), ("query_channel_summary", ("filed_with",)),
    ("query_channel_summary", ("submission_medium",)), ("query_channel_flow", ()),
]


@pytest.fixture(scope="module")
def cur(tmp_path_factory):
    """The demonstration data, then two imports (so the cubes have been corrected by deltas)."""
    path = tmp_path_factory.mktemp("cubes") / "collection_watch.duckdb"
    ensure_demo_database(path)
    run_import([REPO / "tests" / "fixtures" / "cfpb" / "current_wording.csv"], "cfpb", path)
    run_import([REPO / "tests" / "fixtures" / "import" / "intake.csv"], "intake", path)
    con = db.connect_read_only(path)
    yield db.read_cursor(con)
    con.close()


@pytest.fixture(scope="module")
def values(cur):
    """Values that occur in the data, to draw filters from."""
    def col(sql):
        return [r[0] for r in cur.execute(sql).fetchall()]
    return {
        "source": col("SELECT DISTINCT source FROM mart_complaint_facts ORDER BY 1"),
        "product": col("SELECT DISTINCT product FROM mart_complaint_facts ORDER BY 1"),
        "company": col("SELECT company_name FROM mart_complaint_facts WHERE company_name IS NOT NULL "
                       "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 8"),
        "region": col("SELECT region FROM mart_complaint_facts WHERE region IS NOT NULL GROUP BY 1 "
                      "ORDER BY count(*) DESC, 1 LIMIT 5"),
        "dates": cur.execute("SELECT min(received_date), max(received_date) FROM mart_complaint_facts").fetchone(),
    }


def _answer(cur, name, flt, args, use_cubes):
    old = queries.USE_CUBES
    queries.USE_CUBES = use_cubes
    try:
        return getattr(queries, name)(cur, flt, *args)
    finally:
        queries.USE_CUBES = old


def _same(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert a[k] == pytest.approx(b[k]) if isinstance(a[k], float) else a[k] == b[k], k
    else:
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                      rtol=1e-9)


@st.composite
def filters(draw, values):
    first, last = values["dates"]
    span = (last - first).days

    def some(name, options):
        return tuple(draw(st.lists(st.sampled_from(options), max_size=2, unique=True))) if draw(st.booleans()) else ()

    def day():  # month starts and ends are common: they decide whether the cube alone answers
        d = first + timedelta(days=draw(st.integers(-40, span + 40)))
        kind = draw(st.sampled_from(["any", "start", "end"]))
        if kind == "start":
            return d.replace(day=1)
        if kind == "end":
            return (d.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return d
    d1 = day() if draw(st.booleans()) else None
    d2 = day() if draw(st.booleans()) else None
    if d1 and d2 and d1 > d2:
        d1, d2 = d2, d1
    return Filter(
        date_from=d1, date_to=d2,
        jurisdiction=some("jurisdiction", ["CN", "US"]), source=some("source", values["source"]),
        product=some("product", values["product"]), company=some("company", values["company"]),
        region=tuple(draw(st.lists(st.sampled_from(values["region"]), max_size=1))),
        conduct=some("conduct", codes.codes("conduct")), method=some("method", codes.codes("method")),
        filed_with=some("filed_with", codes.codes("filed_with")),
        submission_medium=some("submission_medium", codes.codes("submission_medium")),
        outcome=some("outcome", codes.codes("outcome")), label_source=draw(st.sampled_from(LABEL_SOURCES)))


@pytest.mark.parametrize("name,args", CHART_QUERIES, ids=[f"{n}{a}" for n, a in CHART_QUERIES])
def test_cubes__every_query_answers_as_the_facts(cur, values, name, args):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(filters(values))
    def check(flt):
        _same(_answer(cur, name, flt, args, True), _answer(cur, name, flt, args, False))
    check()


def test_cubes__default_view_reads_cubes_and_edges_read_facts():
    sql, params = queries.relation(Filter(source=("demo_cn",)), "complaint", ["received_month", "conduct_codes"])
    assert "mart_complaint_cube" in sql and "mart_complaint_facts" not in sql and params == ["demo_cn"]
    sql, _ = queries.relation(Filter(), "incident", ["jurisdiction", "occurred_weekday", "occurred_hour",
                                                     "time_precision"])
    assert "mart_incident_cube_by_hour" in sql and "facts" not in sql
    sql, _ = queries.relation(Filter(), "incident", ["occurred_month", "time_precision"])
    assert "mart_incident_cube_by_month" in sql
    # whole months: the cube alone; a mid-month start: the cube and the facts for the edge days
    sql, params = queries.relation(Filter(date_from=date(2024, 2, 1), date_to=date(2024, 3, 31)), "complaint",
                                   ["outcome_code"])
    assert "facts" not in sql and params == [date(2024, 2, 1), date(2024, 4, 1)]
    sql, params = queries.relation(Filter(date_from=date(2024, 2, 10)), "complaint", ["outcome_code"])
    assert "mart_complaint_cube" in sql and "UNION ALL" in sql and "mart_complaint_facts" in sql
    assert params == [date(2024, 3, 1), date(2024, 2, 10), date(2024, 3, 1)]
    # a region filter: only the facts have regions
    sql, _ = queries.relation(Filter(region=("CA",)), "complaint", ["outcome_code"])
    assert "cube" not in sql


def test_cubes__are_much_smaller_than_the_facts(cur):
    n_facts = {g: cur.execute(f"SELECT count(*) FROM mart_{g}_facts").fetchone()[0] for g in ("complaint", "incident")}
    for cube in CUBES:
        rows, total = cur.execute(f"SELECT count(*), sum({cube.count_column}) FROM {cube.name}").fetchone()
        assert total == n_facts[cube.grain]  # every facts row counted once
        assert rows < n_facts[cube.grain]


def test_cubes__a_database_from_an_older_version_gets_its_marts_rebuilt(tmp_path):
    import duckdb

    from analysis import build, store
    path = tmp_path / "old.duckdb"
    run_import([REPO / "tests" / "fixtures" / "cfpb" / "current_wording.csv"], "cfpb", path)
    with duckdb.connect(str(store.live_replica(path))) as con:  # as an older version left it
        con.execute("DROP TABLE mart_complaint_cube_by_company")
        con.execute("DROP TABLE mart_incident_cube_by_hour")
    with db.connect_read_only(path) as con:
        assert build.missing_marts(db.read_cursor(con)) == ["mart_complaint_cube_by_company",
                                                             "mart_incident_cube_by_hour"]
    counts = build.rebuild(path)
    assert counts["mart_complaint_facts"] == 10 and counts["mart_complaint_cube_by_company"] > 0
    with db.connect_read_only(path) as con:
        cur = db.read_cursor(con)
        assert build.missing_marts(cur) == []
        assert queries.query_kpis(cur, Filter())["complaint_count"] == 10
    assert build.main(["--db", str(tmp_path / "nothing.duckdb")]) == 2
