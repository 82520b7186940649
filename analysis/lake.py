"""The core and mart tables as hive-partitioned Parquet (the "lake"), for engines past DuckDB.

A deployment keeps one DuckDB file (``analysis.db``). This module writes a copy of its core
and mart tables as Parquet that any engine can read (DuckDB, Spark, Trino, pandas via
pyarrow), partitioned **by source and month of receipt**::

    OUT/core_complaints/source=demo_cn/received_month=2024-01/data_0.parquet
    OUT/core_complaints/_table.json            (manifest: columns, types, row count)
    OUT/core_incidents/source=.../received_month=.../data_0.parquet
    OUT/core_complaint_labels/...
    OUT/core_label_reviews/...
    OUT/mart_complaint_facts/...
    OUT/mart_incident_facts/...

Partition columns (``PARTITION_BY``): ``source`` (the complaint's source code) and
``received_month`` (``YYYY-MM`` text of the complaint's ``received_date``). As usual for hive
partitioning they are stored in the directory names, not in the files; a NULL value goes to
``__HIVE_DEFAULT_PARTITION__`` and special characters are %-escaped (both engines read this
back).

* ``core_complaints`` has ``source``; ``received_month`` is *added* (derived from
  ``received_date``).
* ``core_incidents``, ``core_complaint_labels`` and ``core_label_reviews`` have neither: they are *added* by
  joining to ``core_complaints`` on ``complaint_id`` (LEFT JOIN: a row without its
  complaint is kept, in the NULL partitions).
* The marts have both; their ``received_month`` (DATE, first of the month) is stored as its
  ``YYYY-MM`` text and read back as that DATE by :func:`scan_sql`.

Each table directory holds a manifest ``_table.json`` (ignored by Parquet readers, whose
file names never start with ``_``): ``{"table", "rows", "partition_by", "written_by",
"columns": [{"name", "type", "added"}]}`` with DuckDB type names in the table's column
order. :func:`scan_sql` uses it to read a table back with exactly its DuckDB columns.

Command line (progress lines on stdout)::

    .venv/bin/python -m analysis.lake export --db PATH --out DIR [--tables T ...]
    .venv/bin/python -m analysis.lake spark-build --lake DIR --out DIR     # needs pyspark + java
    .venv/bin/python -m analysis.lake compare A_DIR B_DIR [--tables T ...]

No Streamlit here; pyspark is imported only by ``spark-build`` (``analysis.spark_marts``).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

import duckdb

from analysis import db

CORE_TABLES = ("core_complaints", "core_incidents", "core_complaint_labels", "core_label_reviews")
MART_TABLES = ("mart_complaint_facts", "mart_incident_facts")
#: Every table the lake holds, in export order.
LAKE_TABLES = CORE_TABLES + MART_TABLES
#: Hive partition columns of every lake table, outermost first.
PARTITION_BY = ("source", "received_month")
#: Manifest file name inside each table directory.
MANIFEST = "_table.json"
#: Row order inside each partition file (a unique key, so the output is deterministic).
_ORDER = {
    "core_complaints": "complaint_id",
    "core_incidents": "incident_id",
    "core_complaint_labels": "ALL",  # no key: every column, left to right
    "core_label_reviews": "review_id",
    "mart_complaint_facts": "complaint_id",
    "mart_incident_facts": "incident_id",
}

Progress = Callable[[str], None]


def _lit(text: str | os.PathLike) -> str:
    """``text`` as a SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _export_select(table: str) -> str:
    """SELECT producing ``table``'s rows with the partition columns as text, in a fixed order."""
    order = _ORDER[table]
    if table == "core_complaints":
        return (f"SELECT *, strftime(received_date, '%Y-%m') AS received_month "
                f"FROM core_complaints ORDER BY {order}")
    if table in ("core_incidents", "core_complaint_labels", "core_label_reviews"):
        order = "ALL" if order == "ALL" else f"t.{order}"
        return (f"SELECT t.*, c.source, strftime(c.received_date, '%Y-%m') AS received_month "
                f"FROM {table} t LEFT JOIN core_complaints c ON c.complaint_id = t.complaint_id "
                f"ORDER BY {order}")
    if table in MART_TABLES:
        return (f"SELECT * REPLACE (strftime(received_month, '%Y-%m') AS received_month) "
                f"FROM {table} ORDER BY {order}")
    raise ValueError(f"not a lake table: {table!r} (one of {', '.join(LAKE_TABLES)})")


def _manifest_columns(cur: duckdb.DuckDBPyConnection, table: str) -> list[dict]:
    """``[{"name", "type", "added"}]``: the table's DuckDB columns, then the added partition ones."""
    cols = [{"name": name, "type": typ, "added": False}
            for name, typ, *_ in cur.execute(f"DESCRIBE {table}").fetchall()]
    have = {c["name"] for c in cols}
    cols += [{"name": p, "type": "VARCHAR", "added": True} for p in PARTITION_BY if p not in have]
    return cols


def write_manifest(table_dir: Path, table: str, rows: int, columns: list[dict], written_by: str) -> None:
    """Write ``table_dir/_table.json`` (see the module docstring for its keys)."""
    doc = {"table": table, "rows": int(rows), "partition_by": list(PARTITION_BY),
           "written_by": written_by, "columns": columns}
    (table_dir / MANIFEST).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read_manifest(lake_dir: str | os.PathLike, table: str) -> dict:
    """The manifest of ``lake_dir/table``. Raises ``FileNotFoundError`` if the table is not there."""
    path = Path(lake_dir) / table / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"no lake table {table!r} in {lake_dir} (missing {path})")
    return json.loads(path.read_text(encoding="utf-8"))


def staging_dir(out_dir: str | os.PathLike) -> Path:
    """A new empty hidden directory inside ``out_dir`` (created) to write tables into before
    :func:`swap_in`. Hidden (``.staging-*``) so that no Parquet reader of ``out_dir`` sees it."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".staging-", dir=out))


def swap_in(staging: Path, out_dir: Path, tables: Iterable[str]) -> None:
    """Move each ``staging/<table>`` to ``out_dir/<table>``, replacing the old directory,
    then delete ``staging``. Each table changes by two renames (old away, new in): a reader
    never sees a half-written table, at worst a table briefly missing. Tables not named are
    left as they are."""
    for table in tables:
        dest = Path(out_dir) / table
        old = staging / f"{table}.old"
        if dest.exists():
            os.replace(dest, old)
        os.replace(staging / table, dest)
    shutil.rmtree(staging, ignore_errors=True)


def _partition_count(table_dir: Path) -> int:
    return len({p.parent for p in table_dir.rglob("*.parquet")})


def export_parquet(db_path: str | os.PathLike, out_dir: str | os.PathLike,
                   tables: Sequence[str] = LAKE_TABLES, *, progress: Progress | None = None) -> dict[str, int]:
    """Write ``tables`` of the database at ``db_path`` as hive-partitioned Parquet under ``out_dir``.

    Layout ``out_dir/<table>/source=<s>/received_month=<YYYY-MM>/data_0.parquet`` plus
    ``out_dir/<table>/_table.json``; partition columns as in the module docstring
    (``core_incidents`` and ``core_complaint_labels`` get ``source`` and ``received_month``
    by a LEFT JOIN to ``core_complaints`` on ``complaint_id``; ``core_complaints`` gets
    ``received_month``). Column types are DuckDB's (Parquet: VARCHAR → BYTE_ARRAY UTF8,
    DATE → INT32 DATE, TIMESTAMP → INT64 micros not adjusted to UTC, TINYINT → INT32 INT_8,
    VARCHAR[] → LIST), snappy-compressed.

    The database is opened read-only (``analysis.db.connect_read_only``), so the export reads
    one consistent version even while a write swaps in a new one. Output is deterministic:
    rows are written in key order (``_ORDER``) by one DuckDB thread, so the same database
    gives byte-identical files (for the same DuckDB version).
    Overwrite-safe: every table is written into a hidden staging directory inside ``out_dir``
    and only then renamed over ``out_dir/<table>`` (:func:`swap_in`); on any error nothing
    in ``out_dir`` changes. Tables not in ``tables`` are left as they are.

    ``progress`` (optional) receives one line of text per table.
    Returns ``{table: rows written}`` in the order of ``tables``.
    Raises ``ValueError`` for a table not in ``LAKE_TABLES``, ``FileNotFoundError`` if
    ``db_path`` does not exist, ``duckdb.CatalogException`` if the database lacks a table
    (e.g. marts never built).
    """
    tables = list(tables)
    bad = [t for t in tables if t not in LAKE_TABLES]
    if bad:
        raise ValueError(f"not lake tables: {', '.join(bad)} (choose from {', '.join(LAKE_TABLES)})")
    out = Path(out_dir)
    con = db.connect_read_only(Path(db_path))
    staging = staging_dir(out)
    counts: dict[str, int] = {}
    try:
        cur = db.read_cursor(con)
        # One thread: DuckDB's partitioned COPY interleaves the rows of parallel threads, so
        # with more the files' row order (and bytes) would vary from run to run. The cost is
        # small (1M-row tables: about 9 s instead of 8 s on 2 cores).
        cur.execute("SET threads = 1")
        version = cur.execute("SELECT version()").fetchone()[0]
        for table in tables:
            t0 = time.perf_counter()
            columns = _manifest_columns(cur, table)
            target = staging / table
            target.mkdir()
            rows = cur.execute(
                f"COPY ({_export_select(table)}) TO {_lit(target)} "
                f"(FORMAT parquet, PARTITION_BY ({', '.join(PARTITION_BY)}), OVERWRITE_OR_IGNORE)"
            ).fetchone()[0]
            write_manifest(target, table, rows, columns, f"duckdb {version}")
            counts[table] = int(rows)
            if progress:
                progress(f"{table}: {rows:,} rows in {_partition_count(target):,} partitions, "
                         f"{time.perf_counter() - t0:.1f} s")
        swap_in(staging, out, tables)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        con.close()
    return counts


def scan_sql(lake_dir: str | os.PathLike, table: str) -> str:
    """A DuckDB ``SELECT`` that reads ``lake_dir/table`` back with the columns of its manifest,
    in manifest order (the DuckDB table's columns, then any added partition columns).

    Non-partition columns come from the Parquet files with their stored types. Partition
    columns are read from the directory names as text; a column whose manifest type is DATE
    (the marts' ``received_month``) becomes the first day of that month, others are cast
    to their manifest type. A table with no rows gives an empty result with the manifest
    types. Raises ``FileNotFoundError`` if the table (its manifest) is not in ``lake_dir``.
    """
    man = read_manifest(lake_dir, table)
    table_dir = Path(lake_dir) / table
    if not any(table_dir.rglob("*.parquet")):
        cols = ", ".join(f"CAST(NULL AS {c['type']}) AS {c['name']}" for c in man["columns"])
        return f"SELECT {cols} WHERE false"
    select = []
    for c in man["columns"]:
        name, typ = c["name"], c["type"]
        if name in man["partition_by"]:
            if typ == "DATE":
                select.append(f"CAST({name} || '-01' AS DATE) AS {name}")
            else:
                select.append(f"CAST({name} AS {typ}) AS {name}")
        else:
            select.append(name)
    hive_types = ", ".join(f"{_lit(p)}: 'VARCHAR'" for p in man["partition_by"])
    return (f"SELECT {', '.join(select)} FROM read_parquet({_lit(table_dir / '**' / '*.parquet')}, "
            f"hive_partitioning = true, hive_types = {{{hive_types}}})")


def diff_tables(a_dir: str | os.PathLike, b_dir: str | os.PathLike, table: str,
                con: duckdb.DuckDBPyConnection | None = None) -> dict[str, int]:
    """Compare ``table`` in two lakes as multisets of rows (lists compared as lists, NULL
    equal to NULL). Returns ``{"a_rows", "b_rows", "only_a", "only_b"}`` (int counts; the
    tables are equal when both ``only_*`` are 0). Raises ``ValueError`` if their column
    names or types differ, ``FileNotFoundError`` if either lake lacks the table."""
    con = con or duckdb.connect()
    qa, qb = scan_sql(a_dir, table), scan_sql(b_dir, table)
    ta = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {qa}").fetchall()]
    tb = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {qb}").fetchall()]
    if ta != tb:
        raise ValueError(f"{table}: columns differ:\n  {ta}\n  {tb}")
    (a_rows, b_rows, only_a, only_b), = con.execute(
        f"WITH a AS ({qa}), b AS ({qb}) SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b), "
        f"(SELECT count(*) FROM (FROM a EXCEPT ALL FROM b)), (SELECT count(*) FROM (FROM b EXCEPT ALL FROM a))"
    ).fetchall()
    return {"a_rows": a_rows, "b_rows": b_rows, "only_a": only_a, "only_b": only_b}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; returns the exit status (0 ok, 1 tables differ in ``compare``)."""
    ap = argparse.ArgumentParser(prog="python -m analysis.lake", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("export", help="write core and mart tables as hive-partitioned Parquet")
    ex.add_argument("--db", help="database (default: $COLLECTION_WATCH_DB, else data/collection_watch.duckdb)")
    ex.add_argument("--out", required=True, help="lake directory (created; listed tables replaced)")
    ex.add_argument("--tables", nargs="+", default=list(LAKE_TABLES), choices=LAKE_TABLES)
    sp = sub.add_parser("spark-build", help="build the marts with Apache Spark from a lake's core tables")
    sp.add_argument("--lake", required=True, help="lake written by 'export' (its core_* tables are read)")
    sp.add_argument("--out", required=True, help="directory for the Spark-built mart tables")
    cp = sub.add_parser("compare", help="compare tables of two lakes row by row")
    cp.add_argument("a")
    cp.add_argument("b")
    cp.add_argument("--tables", nargs="+", default=list(MART_TABLES), choices=LAKE_TABLES)
    args = ap.parse_args(argv)

    def say(line: str) -> None:
        print(line, flush=True)

    t0 = time.perf_counter()
    if args.cmd == "export":
        path = db.resolve_db_path(args.db)
        say(f"exporting {path} → {Path(args.out).resolve()}")
        counts = export_parquet(path, args.out, args.tables, progress=say)
    elif args.cmd == "spark-build":
        from analysis.spark_marts import build_marts_spark
        say(f"building marts with Spark from {Path(args.lake).resolve()} → {Path(args.out).resolve()}")
        counts = build_marts_spark(args.lake, args.out, progress=say)
    else:
        status = 0
        for table in args.tables:
            d = diff_tables(args.a, args.b, table)
            same = d["only_a"] == 0 and d["only_b"] == 0
            status |= not same
            say(f"{table}: {'same' if same else 'DIFFERENT'} ({d['a_rows']:,} vs {d['b_rows']:,} rows; "
                f"{d['only_a']:,} only in A, {d['only_b']:,} only in B)")
        return status
    say(f"done: {', '.join(f'{t} {n:,}' for t, n in counts.items())} rows in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
