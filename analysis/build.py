"""Build the mart layer from core (``analysis/sql/mart/<table>.sql``, one table per file).

Run after every change to core (imports and the demonstration build do it inside their
transaction), so pages never see marts out of step with core.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"
#: Build order: a mart may read the marts listed before it.
MART_TABLES = ("mart_complaint_facts", "mart_incident_facts")


def build_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """(Re)build every mart table from core. Returns ``{table: row_count}``."""
    counts = {}
    for table in MART_TABLES:
        sql = (SQL_DIR / "mart" / f"{table}.sql").read_text(encoding="utf-8")
        con.execute(f"CREATE OR REPLACE TABLE {table} AS\n{sql}")
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return counts
