"""The lake (analysis.lake) and the Spark mart build (analysis.spark_marts) against DuckDB.

Four databases: the tiny one of tests/helpers.py, the same plus complaints that exercise the
is_in_all_view precedence rule and NULL / missing values, the demonstration database
(2,700 complaints, 13,131 incidents, narrative labels from the classifier), and the tiny one
with model suggestions and reviews (tests/test_reviews.py: rejected, confirmed and added labels
and incidents). Each is exported
to Parquet, the marts are built from that Parquet by Spark (one local SparkSession for the
module), and both Spark marts must equal the DuckDB marts in the database exactly: same
columns and types, same rows, same values (lists as lists, NULL as NULL), compared sorted
by key.

Skipped (one line) only when ``java`` is not installed and ``CI`` is not ``true``.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

if shutil.which("java") is None and os.environ.get("CI") != "true":
    pytest.skip("needs java for Spark (Debian: openjdk-17-jre-headless; scripts/test.sh installs it)",
                allow_module_level=True)

from analysis import db, lake  # noqa: E402
from analysis.demo import ensure_demo_database  # noqa: E402
from analysis.spark_marts import QUICK_START_CONF, build_marts_spark, spark_session  # noqa: E402
from analysis.store import mark_changed  # noqa: E402
from tests.helpers import REPO, build_tiny_db  # noqa: E402
from tests.test_reviews import build_reviewable_db, review_us2_and_cn3  # noqa: E402

pytestmark = pytest.mark.spark

KEYS = {"mart_complaint_facts": "complaint_id", "mart_incident_facts": "incident_id"}


def _build_edge_db(path: Path) -> Path:
    """The tiny database plus, in a second write that declares its change set (so DuckDB
    *updates* its marts incrementally, while Spark builds them in full), two complaints:

    - us:5 (demo_us, 2024-04-15, no product, creditor LendCo, no collector) with paired
      incidents per method: phone_call structured outside_window_only (#1) vs narrative exact
      (#n1) → the narrative one is in the all-sources view; sms field date_only (#2) vs
      narrative date_only (#n2), a tie → the structured one; no method, field unknown (#3) vs
      narrative daypart (#n3) → the narrative one (NULL methods pair up); letter narrative only
      (#n4) → in. Labels: TIME_INCONVENIENT from a field and from the narrative, THREAT_ARREST
      narrative, a debt issue and two demands.
    - cfpb:6 (source cfpb, 2023-12-31, nothing else known): no labels, no incidents.
    """
    build_tiny_db(path)
    with db.write_transaction(path, "Spark test: edge cases") as con:
        con.execute("""
            INSERT INTO core_complaints (complaint_id, source, source_record_id, jurisdiction, received_date,
                product, creditor_name, collector_name, has_narrative, language)
            VALUES ('us:5', 'demo_us', '5', 'US', DATE '2024-04-15', NULL, 'LendCo', NULL, TRUE, 'en'),
                   ('cfpb:6', 'cfpb', '6', 'US', DATE '2023-12-31', 'Debt collection', NULL, NULL, FALSE, NULL)""")
        con.execute("""
            INSERT INTO core_incidents (incident_id, complaint_id, occurred_date, occurred_at, occurred_hour,
                time_precision, time_source, daypart_code, method_code, recipient_code)
            VALUES ('us:5#1', 'us:5', NULL, NULL, NULL, 'outside_window_only', 'issue_code', NULL, 'phone_call', 'debtor'),
                   ('us:5#n1', 'us:5', DATE '2024-04-14', TIMESTAMP '2024-04-14 23:05:00', 23, 'exact', 'narrative',
                    NULL, 'phone_call', 'debtor'),
                   ('us:5#2', 'us:5', DATE '2024-04-07', NULL, NULL, 'date_only', 'field', NULL, 'sms', NULL),
                   ('us:5#n2', 'us:5', DATE '2024-04-08', NULL, NULL, 'date_only', 'narrative', NULL, 'sms', NULL),
                   ('us:5#3', 'us:5', NULL, NULL, NULL, 'unknown', 'field', NULL, NULL, NULL),
                   ('us:5#n3', 'us:5', DATE '2024-03-31', NULL, NULL, 'daypart', 'narrative', 'evening', NULL, NULL),
                   ('us:5#n4', 'us:5', NULL, NULL, NULL, 'unknown', 'narrative', NULL, 'letter', 'debtor')""")
        con.execute("""
            INSERT INTO core_complaint_labels (complaint_id, label_kind, label_code, label_source, rule_id)
            VALUES ('us:5', 'conduct', 'TIME_INCONVENIENT', 'field', 'US-TIME-01'),
                   ('us:5', 'conduct', 'TIME_INCONVENIENT', 'narrative', 'US-TIME-01'),
                   ('us:5', 'conduct', 'THREAT_ARREST', 'narrative', NULL),
                   ('us:5', 'debt_issue', 'NOT_OWED', 'field', NULL),
                   ('us:5', 'demand', 'STOP_CONTACT', 'field', NULL),
                   ('us:5', 'demand', 'REFUND', 'field', NULL)""")
        mark_changed(con, ["us:5", "cfpb:6"])
    return path


@pytest.fixture(scope="module")
def spark():
    session = spark_session("collection-watch-tests", QUICK_START_CONF)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def lakes(tmp_path_factory, spark):
    """``{name: (db_path, lake_dir, spark_dir)}`` for tiny, edge and demo: exported, then built
    by Spark (tiny through the command line, in this process, so it reuses the session; its
    output is in ``lakes["tiny_cli_output"]``)."""
    root = tmp_path_factory.mktemp("lake")
    dbs = {"tiny": build_tiny_db(root / "tiny.duckdb"), "edge": _build_edge_db(root / "edge.duckdb"),
           "reviewed": build_reviewable_db(root / "reviewed.duckdb")}
    review_us2_and_cn3(dbs["reviewed"])  # DuckDB updates its marts per review; Spark builds in full
    ensure_demo_database(root / "demo.duckdb")
    dbs["demo"] = root / "demo.duckdb"
    out = {}
    for name, path in dbs.items():
        lake_dir, spark_dir = root / f"{name}_lake", root / f"{name}_spark"
        lake.export_parquet(path, lake_dir)
        if name == "tiny":
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                assert lake.main(["spark-build", "--lake", str(lake_dir), "--out", str(spark_dir)]) == 0
            out["tiny_cli_output"] = printed.getvalue()
        else:
            build_marts_spark(lake_dir, spark_dir, spark=spark)
        out[name] = (path, lake_dir, spark_dir)
    return out


def _duckdb_mart(db_path: Path, table: str) -> tuple[list, list]:
    """(columns as (name, type), rows sorted by key) of the mart in the database itself."""
    con = db.connect_read_only(db_path)
    try:
        cur = db.read_cursor(con)
        cols = [(r[0], r[1]) for r in cur.execute(f"DESCRIBE {table}").fetchall()]
        rows = cur.execute(f"SELECT * FROM {table} ORDER BY {KEYS[table]}").fetchall()
    finally:
        con.close()
    return cols, rows


def _lake_mart(lake_dir: Path, table: str) -> tuple[list, list]:
    """(columns, rows sorted by key) of a mart read back from a lake directory."""
    con = duckdb.connect()
    q = lake.scan_sql(lake_dir, table)
    cols = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {q}").fetchall()]
    rows = con.execute(f"{q} ORDER BY {KEYS[table]}").fetchall()
    return cols, rows


def _by_key(rows: list, cols: list) -> dict:
    names = [c for c, _ in cols]
    return {r[0]: dict(zip(names, r)) for r in rows}


@pytest.mark.parametrize("name", ["tiny", "edge", "demo", "reviewed"])
@pytest.mark.parametrize("table", ["mart_complaint_facts", "mart_incident_facts"])
def test_spark_marts_equal_duckdb_marts(lakes, name, table):
    db_path, lake_dir, spark_dir = lakes[name]
    duck_cols, duck_rows = _duckdb_mart(db_path, table)
    spark_cols, spark_rows = _lake_mart(spark_dir, table)
    assert spark_cols == duck_cols
    assert len(spark_rows) == len(duck_rows) > 0
    for s_row, d_row in zip(spark_rows, duck_rows):
        assert s_row == d_row, (table, d_row[0], [
            (c, s, d) for (c, _), s, d in zip(duck_cols, s_row, d_row) if s != d])
    # the DuckDB marts exported to the lake read back unchanged too
    assert _lake_mart(lake_dir, table) == (duck_cols, duck_rows)


def test_spark_parquet_files_have_duckdb_types(lakes):
    """The Spark files themselves (no casts) store every non-partition column with the DuckDB type."""
    db_path, _, spark_dir = lakes["demo"]
    con = duckdb.connect()
    for table in KEYS:
        duck = dict(_duckdb_mart(db_path, table)[0])
        files = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{spark_dir / table}/**/*.parquet', "
                            "hive_partitioning = false)").fetchall()
        stored = {r[0]: r[1] for r in files}
        assert stored == {c: t for c, t in duck.items() if c not in lake.PARTITION_BY}


def test_spark_complaint_facts_values_tiny_and_edge(lakes):
    _, rows = _lake_mart(lakes["edge"][2], "mart_complaint_facts")
    cols, _ = _lake_mart(lakes["edge"][2], "mart_complaint_facts")
    f = _by_key(rows, cols)
    assert sorted(f) == ["cfpb:6", "cn:3", "cn:4", "us:1", "us:2", "us:5"]
    assert f["us:1"]["conduct_codes"] == ["FREQ_EXCESSIVE_CALLS", "TIME_INCONVENIENT"]
    assert f["us:1"]["incident_count"] == 2 and f["us:1"]["method_codes"] == ["phone_call"]
    assert f["us:1"]["received_month"] == date(2024, 1, 1) and f["us:1"]["company_name"] == "AcmeCollect"
    assert f["cn:3"]["conduct_codes_structured"] == ["TIME_INCONVENIENT"]
    assert f["cn:3"]["conduct_codes_narrative"] == ["CONTACT_LIST_BLAST"]
    assert f["cn:3"]["method_codes"] == ["phone_call", "sms"] and f["cn:3"]["is_timely_response"] is None
    assert f["cn:4"]["debt_issue_codes"] == ["FEES_OR_INTEREST"] and f["cn:4"]["conduct_codes"] == []
    assert f["cn:4"]["incident_count"] == 0 and f["cn:4"]["method_codes"] == []
    # distinct, sorted, FILTERed lists; '(not recorded)' product; company from the creditor
    us5 = f["us:5"]
    assert us5["conduct_codes"] == ["THREAT_ARREST", "TIME_INCONVENIENT"]
    assert us5["conduct_codes_structured"] == ["TIME_INCONVENIENT"]
    assert us5["conduct_codes_narrative"] == ["THREAT_ARREST", "TIME_INCONVENIENT"]
    assert us5["demand_codes"] == ["REFUND", "STOP_CONTACT"] and us5["debt_issue_codes"] == ["NOT_OWED"]
    assert us5["method_codes"] == ["letter", "phone_call", "sms"]
    assert us5["method_codes_structured"] == ["phone_call", "sms"]
    assert us5["method_codes_narrative"] == ["letter", "phone_call", "sms"]
    assert us5["incident_count"] == 7 and us5["product"] == "(not recorded)" and us5["company_name"] == "LendCo"
    assert f["cfpb:6"]["received_month"] == date(2023, 12, 1) and f["cfpb:6"]["company_name"] is None
    assert f["cfpb:6"]["response_days"] is None and f["cfpb:6"]["conduct_codes"] == []


def test_spark_incident_facts_values_weekday_month_and_all_view_rule(lakes):
    cols, rows = _lake_mart(lakes["edge"][2], "mart_incident_facts")
    i = _by_key(rows, cols)
    # isodow: Monday = 1 … Sunday = 7; month truncation; NULL date → NULL weekday and month
    assert (i["us:1#1"]["occurred_weekday"], i["us:1#1"]["occurred_month"]) == (3, date(2024, 1, 1))  # Wed
    assert i["us:1#2"]["occurred_weekday"] == 4                                                         # Thu
    assert i["cn:3#1"]["occurred_weekday"] == 6 and i["cn:3#2"]["occurred_weekday"] == 7                # Sat, Sun
    assert i["us:2#1"]["occurred_weekday"] is None and i["us:2#1"]["occurred_month"] is None
    assert i["us:5#n1"]["occurred_at"] == datetime(2024, 4, 14, 23, 5) and i["us:5#n1"]["occurred_hour"] == 23
    assert i["us:5#n3"]["occurred_month"] == date(2024, 3, 1)
    # the complaint's dimensions come along
    assert i["us:5#n1"]["received_month"] == date(2024, 4, 1) and i["us:5#n1"]["product"] == "(not recorded)"
    assert i["cn:3#1"]["conduct_codes_narrative"] == ["CONTACT_LIST_BLAST"]
    # is_in_all_view: per complaint and method the more precise origin, structured on ties
    view = {k: v["is_in_all_view"] for k, v in i.items() if k.startswith("us:5")}
    assert view == {"us:5#1": False, "us:5#n1": True, "us:5#2": True, "us:5#n2": False,
                    "us:5#3": False, "us:5#n3": True, "us:5#n4": True}
    assert all(v["is_in_all_view"] is True for k, v in i.items() if not k.startswith("us:5"))


def test_demo_marts_exercise_both_label_origins(lakes):
    """The demo comparison is meaningful: it has narrative and structured lists and both
    outcomes of the all-sources rule."""
    cols, rows = _lake_mart(lakes["demo"][2], "mart_incident_facts")
    # (13,345 until 呼死你 software "calling on and on" became one robocall, not a robocall and a call)
    assert len(rows) == 13_131
    names = [c for c, _ in cols]
    view = [r[names.index("is_in_all_view")] for r in rows]
    assert view.count(False) > 0 and view.count(True) > 0
    cols, rows = _lake_mart(lakes["demo"][2], "mart_complaint_facts")
    names = [c for c, _ in cols]
    assert sum(1 for r in rows if r[names.index("conduct_codes_narrative")]) > 0
    assert sum(1 for r in rows if r[names.index("conduct_codes_structured")]) > 0


def test_export_layout_partitions_and_core_roundtrip(lakes):
    db_path, lake_dir, _ = lakes["tiny"]
    assert sorted(p.name for p in lake_dir.iterdir()) == sorted(lake.LAKE_TABLES)
    parts = sorted(str(p.parent.relative_to(lake_dir / "core_incidents"))
                   for p in (lake_dir / "core_incidents").rglob("*.parquet"))
    # incidents are partitioned by their complaint's source and month of receipt
    assert parts == ["source=demo_cn/received_month=2024-02", "source=demo_us/received_month=2024-01",
                     "source=demo_us/received_month=2024-02"]
    assert lake.read_manifest(lake_dir, "core_incidents")["rows"] == 5
    added = [c["name"] for c in lake.read_manifest(lake_dir, "core_complaint_labels")["columns"] if c["added"]]
    assert added == ["source", "received_month"]
    con = db.connect_read_only(db_path)  # the database is attached as "cw"
    for table in lake.CORE_TABLES:
        cols = [r[0] for r in con.execute(f"DESCRIBE cw.{table}").fetchall()]
        q = f"SELECT {', '.join(cols)} FROM ({lake.scan_sql(lake_dir, table)})"
        assert con.execute(f"SELECT count(*) FROM cw.{table}").fetchone()[0] == con.execute(
            f"SELECT count(*) FROM ({q})").fetchone()[0]
        assert con.execute(f"SELECT count(*) FROM ({q} EXCEPT ALL SELECT {', '.join(cols)} FROM cw.{table})"
                           ).fetchone()[0] == 0
    labels = con.execute(f"SELECT complaint_id, source, received_month FROM ({lake.scan_sql(lake_dir, 'core_complaint_labels')}) "
                         "WHERE complaint_id = 'cn:3'").fetchall()
    assert labels == [("cn:3", "demo_cn", "2024-02")] * 2
    con.close()
    assert lake.diff_tables(lake_dir, lakes["tiny"][2], "mart_incident_facts") == {
        "a_rows": 5, "b_rows": 5, "only_a": 0, "only_b": 0}


def _tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_export_is_deterministic_and_replaces_only_named_tables(lakes, tmp_path):
    db_path, lake_dir, _ = lakes["tiny"]
    again = tmp_path / "again"
    assert lake.export_parquet(db_path, again) == {
        "core_complaints": 4, "core_incidents": 5, "core_complaint_labels": 6, "core_label_reviews": 0,
        "mart_complaint_facts": 4, "mart_incident_facts": 5}
    assert _tree_digest(again) == _tree_digest(lake_dir)
    # export the edge database's complaints over it: that table is replaced, the others kept
    before = _tree_digest(again / "core_incidents")
    assert lake.export_parquet(lakes["edge"][0], again, ["core_complaints"]) == {"core_complaints": 6}
    assert _tree_digest(again / "core_incidents") == before
    assert (again / "core_complaints" / "source=cfpb" / "received_month=2023-12").is_dir()
    assert sorted(p.name for p in again.iterdir()) == sorted(lake.LAKE_TABLES)  # no staging left behind
    with pytest.raises(ValueError, match="not lake tables: raw_cfpb__complaints"):
        lake.export_parquet(db_path, again, ["raw_cfpb__complaints"])
    assert _tree_digest(again / "core_incidents") == before


def test_cli_export_and_compare(lakes, tmp_path, capsys):
    db_path, _, spark_dir = lakes["tiny"]
    out = tmp_path / "cli"
    run = subprocess.run([sys.executable, "-m", "analysis.lake", "export", "--db", str(db_path), "--out", str(out)],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "core_incidents: 5 rows in 3 partitions" in run.stdout
    assert "done: core_complaints 4, core_incidents 5, core_complaint_labels 6" in run.stdout
    assert lake.main(["compare", str(out), str(spark_dir)]) == 0
    assert "mart_incident_facts: same (5 vs 5 rows; 0 only in A, 0 only in B)" in capsys.readouterr().out
    assert lake.main(["compare", str(out), str(lakes["edge"][2])]) == 1
    assert "mart_complaint_facts: DIFFERENT (4 vs 6 rows; 0 only in A, 2 only in B)" in capsys.readouterr().out


def test_cli_spark_build_progress_and_session(lakes, spark, tmp_path):
    printed = lakes["tiny_cli_output"]
    assert "mart_complaint_facts: 4 rows" in printed and "mart_incident_facts: 5 rows" in printed
    assert "done: mart_complaint_facts 4, mart_incident_facts 5 rows" in printed
    assert spark.sparkContext._jsc is not None  # the command reused the module's session, did not stop it
    with pytest.raises(FileNotFoundError, match="no lake table .core_complaints."):
        build_marts_spark(tmp_path / "nowhere", tmp_path / "out", spark=spark)
    assert not (tmp_path / "out").exists()
