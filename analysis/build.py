"""Build the mart layer from core (``analysis/sql/mart/<table>.sql``, one table per file).

Every write keeps the marts in step with core inside its own transaction
(``analysis.db.write_transaction`` calls :func:`update_marts` with the write's change set),
so pages never see marts out of step with core. A full rebuild is the same SQL with every
complaint in scope.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"
#: Build order: a mart may read the marts listed before it.
MART_TABLES = ("mart_complaint_facts", "mart_incident_facts")
#: Temporary table of a write's change set: one row per complaint id (``analysis.store``).
CHANGE_SET_TABLE = "_cw_changed"
ALL = "TRUE"


def mart_sql(table: str, scope: str = ALL) -> str:
    """The SELECT that builds ``table`` for the complaints where ``scope`` holds.

    ``scope`` is a SQL predicate on ``complaint_id`` (``"TRUE"`` for every complaint). Every
    mart here is complaint-local: a complaint's rows depend on that complaint's core rows only.
    """
    sql = (SQL_DIR / "mart" / f"{table}.sql").read_text(encoding="utf-8")
    return sql.replace("{scope}", scope)


def build_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """(Re)build every mart table from all of core. Returns ``{table: row_count}``.

    Cost grows with the whole database: used for a new database, the demonstration build and
    as the fallback of a write that did not say what it changed.
    """
    counts = {}
    for table in MART_TABLES:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS\n{mart_sql(table)}")
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return counts


def update_marts(con: duckdb.DuckDBPyConnection, change_set_table: str = CHANGE_SET_TABLE) -> dict[str, int]:
    """Bring the marts' rows of the changed complaints in step with core.

    ``change_set_table``: a table with one column ``complaint_id`` (new, updated and deleted
    complaints). For each mart, the rows of those complaints are deleted and rebuilt from
    core (a deleted complaint simply gets none), so the cost grows with the change set, not
    with the database. A mart that does not exist yet is built in full.

    Returns ``{table: rows written}``.
    """
    scope = f"complaint_id IN (SELECT complaint_id FROM {change_set_table})"
    existing = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = current_schema() "
        "AND database_name = current_database()").fetchall()}
    if any(t not in existing for t in MART_TABLES):
        return build_marts(con)
    counts = {}
    for table in MART_TABLES:
        con.execute(f"DELETE FROM {table} WHERE {scope}")
        n = con.execute(f"INSERT INTO {table}\n{mart_sql(table, scope)}").fetchone()[0]
        counts[table] = n
    return counts
