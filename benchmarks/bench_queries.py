"""Benchmark: page queries on a large database.

Builds (once, cached under benchmarks/out/) a database whose core tables are the built-in
demonstration data replicated to about N incidents (default 10,000,000; complaint ids and
dates shifted per copy), builds the marts, then times every query a page runs, cold and
warm, for the default view and a filtered view. Prints one line per query and per page.

Usage: .venv/bin/python -m benchmarks.bench_queries [--incidents 10000000] [--rebuild]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from analysis import db, queries
from analysis.store import mark_all_changed
from analysis.demo import build_demo
from analysis.filters import Filter

OUT = Path(__file__).resolve().parent / "out"

PAGES = {
    "overview": [("query_kpis", ()), ("query_complaints_by_month", ())],
    "time_of_day": [("query_time_coverage", ()), ("query_incidents_by_hour_weekday", ()),
                    ("query_outside_share_by_month", ())],
    "methods_conduct": [("query_kpis", ()), ("query_conduct_counts", ()), ("query_method_counts", ()),
                        ("query_conduct_by_month", ()), ("query_conduct_cooccurrence", ()),
                        ("query_company_conduct", (15,))],
    "channels_outcomes": [("query_kpis", ()), ("query_channel_outcomes", ("filed_with",)),
                          ("query_channel_summary", ("filed_with",)), ("query_channel_flow", ())],
}
VIEWS = {
    "default": Filter(source=("demo_cn", "demo_us")),
    "filtered": Filter(source=("demo_cn",), conduct=("TIME_INCONVENIENT", "CONTACT_LIST_BLAST"),
                       method=("phone_call",), date_from=__import__("datetime").date(2025, 1, 1)),
}


def build_big(path: Path, incidents: int) -> None:
    """Replicate the demo data until about ``incidents`` incidents exist."""
    with db.write_transaction(path, f"benchmark database, {incidents} incidents") as con:
        mark_all_changed(con, "benchmark database")
        build_demo(con)
        base = con.execute("SELECT count(*) FROM core_incidents").fetchone()[0]
        copies = max(1, round(incidents / base))
        for name in ("core_complaints", "core_incidents", "core_complaint_labels"):
            con.execute(f"CREATE TEMP TABLE _b_{name} AS SELECT * FROM {name}")
            con.execute(f"DELETE FROM {name}")
        con.execute(f"""
            INSERT INTO core_complaints
            SELECT * EXCLUDE (k) REPLACE (complaint_id || '~' || k AS complaint_id,
                              received_date - INTERVAL (k % 700) DAY AS received_date)
            FROM _b_core_complaints, range({copies}) r(k)""")
        con.execute(f"""
            INSERT INTO core_incidents
            SELECT * EXCLUDE (k) REPLACE (incident_id || '~' || k AS incident_id, complaint_id || '~' || k AS complaint_id,
                              occurred_date - INTERVAL (k % 700) DAY AS occurred_date,
                              occurred_at - INTERVAL (k % 700) DAY AS occurred_at)
            FROM _b_core_incidents, range({copies}) r(k)""")
        con.execute(f"""
            INSERT INTO core_complaint_labels
            SELECT * EXCLUDE (k) REPLACE (complaint_id || '~' || k AS complaint_id) FROM _b_core_complaint_labels, range({copies}) r(k)""")
        # the marts are built by write_transaction (a full change)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--incidents", type=int, default=10_000_000)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench_{args.incidents}.duckdb"
    if args.rebuild or not path.exists():
        t = time.perf_counter()
        build_big(path, args.incidents)
        print(f"database {path.name}: {path.stat().st_size / 1e9:.2f} GB, built in {time.perf_counter() - t:.1f} s")
    con = db.connect_read_only(path)
    cur = db.read_cursor(con)
    n_c, n_i = cur.execute("SELECT (SELECT count(*) FROM mart_complaint_facts), "
                           "(SELECT count(*) FROM mart_incident_facts)").fetchone()
    threads = cur.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"{n_c:,} complaints, {n_i:,} incidents; DuckDB threads={threads}")
    for view, flt in VIEWS.items():
        for page, qs in PAGES.items():
            total = {"cold": 0.0, "warm": 0.0}
            for name, extra in qs:
                for run in ("cold", "warm"):
                    t = time.perf_counter()
                    getattr(queries, name)(cur, flt, *extra)
                    dt = time.perf_counter() - t
                    total[run] += dt
                print(f"  {view:8s} {page:18s} {name:34s} {dt * 1000:8.1f} ms (warm)")
            print(f"{view:8s} {page:18s} page total: cold {total['cold']:.3f} s, warm {total['warm']:.3f} s")


if __name__ == "__main__":
    main()
