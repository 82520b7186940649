"""The store benchmark runs end to end at a small size (so it cannot rot), and its pandas
baseline answers as the real queries (so its ratios compare the same work)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import db, queries
from benchmarks import bench_store
from benchmarks.pandas_baseline import PANDAS_QUERIES, load_facts


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    report = out / "report.json"
    assert bench_store.main(["--incidents", "15000", "--repeats", "2", "--cold", "1", "--import-rows", "30",
                             "--out", str(out), "--json", str(report)]) == 0
    return out, json.loads(report.read_text())


def test_bench__reports_every_page_view_and_write(small):
    _, report = small
    (size,) = report["sizes"].values()
    assert size["complaints"] > 0 and size["incidents"] >= 10_000
    assert size["build"]["seconds"] > 0 and size["build"]["rss_mb"] > 0
    for key in ("duckdb", "duckdb_facts_only", "pandas"):
        assert set(size[key]) >= set(bench_store.VIEWS)
    for view in bench_store.VIEWS:
        for key in ("duckdb", "duckdb_facts_only"):
            assert set(size[key][view]) == set(bench_store.PAGES)
        # the pandas baseline covers the pages of issue 9; later charts have no pandas twin
        assert set(size["pandas"][view]) == {"overview", "methods_conduct", "channels_outcomes"}
    d = size["duckdb"]["default"]["methods_conduct"]
    assert d["warm"]["n"] == 2 and d["cold"]["n"] == 1 and 0 < d["warm"]["p50"] <= d["warm"]["p95"]
    imports = size["imports"]
    assert imports["add"]["counts"] == {"read": 30, "accepted": 30, "unchanged": 0, "quarantined": 0,
                                        "status": "imported"}
    assert imports["same_bytes"]["counts"]["status"] == "already_imported"
    assert imports["same_rows"]["counts"] == {"read": 30, "accepted": 0, "unchanged": 30, "quarantined": 0,
                                              "status": "imported"}
    assert imports["add"]["seconds"]["n"] == 3


def test_bench__page_query_sets_come_from_the_chart_catalogue():
    names = [q for q, _, _ in bench_store.page_queries("methods_conduct")]
    assert names[:4] == ["query_sources", "query_filter_options", "query_date_range", "query_kpis"]
    assert {"query_conduct_counts", "query_method_counts", "query_company_conduct"} <= set(names)
    assert len(names) == len(set(bench_store.page_queries("methods_conduct")))


@pytest.mark.parametrize("name,args", [("query_kpis", ()), ("query_complaints_by_month", ()),
                                       ("query_time_coverage", ()), ("query_conduct_counts", ()),
                                       ("query_channel_flow", ()), ("query_incidents_by_hour_weekday", ())])
@pytest.mark.parametrize("view", list(bench_store.VIEWS))
def test_pandas_baseline__answers_as_the_queries(small, name, args, view):
    out, _ = small
    flt = bench_store.VIEWS[view]
    with db.connect_read_only(out / "bench_15000.duckdb") as con:
        cur = db.read_cursor(con)
        want = getattr(queries, name)(cur, flt, *args)
        got = PANDAS_QUERIES[name](load_facts(cur), flt, *args)
    if isinstance(want, dict):
        assert got == pytest.approx(want)
        return
    keys = [c for c in want.columns if not c.endswith(("_count", "_pct"))]
    norm = [w.sort_values(keys).reset_index(drop=True)[list(want.columns)] for w in (want, got)]
    for c in keys:  # months and dates as timestamps in both
        for f in norm:
            if "month" in c:
                f[c] = pd.to_datetime(f[c])
    pd.testing.assert_frame_equal(norm[1], norm[0], check_dtype=False)
