"""Build the mart layer from core.

Two kinds of mart:

* **facts** (``analysis/sql/mart/<table>.sql``, one table per file): one row per complaint
  (``mart_complaint_facts``) and per incident (``mart_incident_facts``) with every dimension
  the filters use. A complaint's rows depend on that complaint's core rows only.
* **cubes** (:data:`CUBES`): the facts counted by the dimensions the pages chart and filter
  on, so that a page reads thousands of rows instead of millions. Each cube is defined once
  here, by its key columns; the same definition gives its SQL and tells the query layer
  (``analysis.queries``) which questions it can answer.

Every write keeps the marts in step with core inside its own transaction
(``analysis.db.write_transaction`` calls :func:`update_marts` with the write's change set):
the facts rows of the changed complaints are rebuilt, and each cube is corrected by the
difference between their old and new facts rows, so the cost grows with the change, not
with the database. A full rebuild is the same SQL with every complaint in scope.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from analysis.schema import DERIVED_VIEWS

SQL_DIR = Path(__file__).resolve().parent / "sql"
#: Build order: a mart may read the marts listed before it.
MART_TABLES = ("mart_complaint_facts", "mart_incident_facts")
#: Core tables the facts marts read (with the view ``current_label_reviews``).
CORE_MART_INPUTS = ("core_complaints", "core_incidents", "core_complaint_labels", "core_label_reviews")
#: Temporary table of a write's change set: one row per complaint id (``analysis.store``).
CHANGE_SET_TABLE = "_cw_changed"
#: Temporary table of the cube groups a write changed (``group_key``), for the change log.
CHANGED_GROUPS_TABLE = "_cw_changed_groups"
ALL = "TRUE"

#: Complaint dimensions every cube keeps (the filters' columns except company, ``region`` and
#: the exact ``received_date``, which the facts have).
_COMPLAINT_KEYS = (
    "received_month", "source", "jurisdiction", "product", "filed_with", "submission_medium", "outcome_code",
    "conduct_codes", "conduct_codes_structured", "conduct_codes_narrative",
)
_COMPANY_KEYS = ("creditor_name", "collector_name", "company_name")
_METHOD_LISTS = ("method_codes", "method_codes_structured", "method_codes_narrative")
_INCIDENT_KEYS = ("method_code", "time_source", "is_in_all_view", "time_precision", "is_outside_permitted_hours")


@dataclass(frozen=True)
class Cube:
    """A pre-aggregated mart: ``facts`` rows counted (``count_column``) by ``keys``.

    ``group_key`` (md5 of the keys) identifies a group: writes correct groups by key and the
    store replicates them by key.
    """

    name: str
    grain: str  # "complaint" or "incident": which facts it counts
    keys: tuple[str, ...]
    count_column: str

    @property
    def facts(self) -> str:
        return f"mart_{self.grain}_facts"

    def group_key_sql(self, alias: str = "") -> str:
        """SQL of the group key of a facts row (or of a cube row) from its key columns."""
        p = f"{alias}." if alias else ""
        return f"md5(CAST(struct_pack({', '.join(f'{k} := {p}{k}' for k in self.keys)}) AS VARCHAR))"

    def select_sql(self, scope: str = ALL, sign: str = "") -> str:
        """Counts of the facts rows where ``scope`` holds, by group (``sign`` '-' negates)."""
        keys = ", ".join(self.keys)
        return (f"SELECT {self.group_key_sql()} AS group_key, {keys}, {sign}count(*) AS {self.count_column} "
                f"FROM {self.facts} WHERE {scope} GROUP BY ALL")


#: Smallest first: a query reads the first cube of its grain that has every column it and its
#: filter need (``analysis.queries.relation``). Companies multiply the groups (CFPB names
#: thousands), so only the ``_by_company`` cube keeps them; incident questions with a company
#: filter read the facts.
CUBES: tuple[Cube, ...] = (
    Cube("mart_complaint_cube", "complaint",
         _COMPLAINT_KEYS + ("is_timely_response", "response_days", "has_narrative") + _METHOD_LISTS,
         "complaint_count"),
    Cube("mart_complaint_cube_by_company", "complaint",
         _COMPLAINT_KEYS + _COMPANY_KEYS + ("is_timely_response", "has_narrative") + _METHOD_LISTS,
         "complaint_count"),
    Cube("mart_incident_cube_by_hour", "incident",
         _COMPLAINT_KEYS + _INCIDENT_KEYS + ("occurred_weekday", "occurred_hour"), "incident_count"),
    Cube("mart_incident_cube_by_month", "incident",
         _COMPLAINT_KEYS + _INCIDENT_KEYS + ("occurred_month",), "incident_count"),
)


def mart_sql(table: str, scope: str = ALL) -> str:
    """The SELECT that builds facts mart ``table`` for the complaints where ``scope`` holds.

    ``scope`` is a SQL predicate on ``complaint_id`` (``"TRUE"`` for every complaint).
    """
    sql = (SQL_DIR / "mart" / f"{table}.sql").read_text(encoding="utf-8")
    fragment = (SQL_DIR / "mart" / "_counted_incidents.sql").read_text(encoding="utf-8")
    fragment = "\n".join(line for line in fragment.splitlines() if not line.startswith("--"))
    return sql.replace("{counted_incidents}", fragment).replace("{scope}", scope)


def build_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """(Re)build every mart from all of core. Returns ``{table: row_count}``.

    Cost grows with the whole database: used for a new database, the demonstration build and
    as the fallback of a write that did not say what it changed.
    """
    counts = {}
    chunks = _date_chunks(con)
    for table in MART_TABLES:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS\n{mart_sql(table, 'FALSE')}")
        for scope in chunks:  # a slice of complaints at a time: memory stays within the limit
            con.execute(f"INSERT INTO {table}\n{mart_sql(table, scope)}")
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    for cube in CUBES:
        con.execute(f"CREATE OR REPLACE TABLE {cube.name} AS {cube.select_sql()} ORDER BY ALL")
        counts[cube.name] = con.execute(f"SELECT count(*) FROM {cube.name}").fetchone()[0]
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CHANGED_GROUPS_TABLE} (group_key VARCHAR)")
    return counts


#: Complaints per slice of a full build (bounds the memory of the list aggregations).
BUILD_CHUNK_COMPLAINTS = 500_000
#: A change set of more than ``BUILD_CHUNK_COMPLAINTS`` complaints and at least 1/4 of all
#: complaints is applied by a full build (and the other replica gets a file copy).
LARGE_CHANGE_DIVISOR = 4


def _date_chunks(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Scopes that split all complaints into slices of about ``BUILD_CHUNK_COMPLAINTS`` by
    received date (so the facts are stored in date order), plus the complaints without one."""
    n = con.execute("SELECT count(*) FROM core_complaints").fetchone()[0]
    k = max(1, -(-n // BUILD_CHUNK_COMPLAINTS))
    bounds = []
    if k > 1:
        qs = ", ".join(f"{i / k:.6f}" for i in range(1, k))
        bounds = sorted(set(con.execute(f"SELECT quantile_disc(received_date, [{qs}]) FROM core_complaints"
                                        ).fetchone()[0]))
    edges = [None] + bounds + [None]
    scopes = []
    for lo, hi in zip(edges, edges[1:]):
        cond = " AND ".join(c for c in (f"received_date >= DATE '{lo}'" if lo else "",
                                         f"received_date < DATE '{hi}'" if hi else "") if c) or "received_date IS NOT NULL"
        scopes.append(f"complaint_id IN (SELECT complaint_id FROM core_complaints WHERE {cond})")
    scopes.append("complaint_id IN (SELECT complaint_id FROM core_complaints WHERE received_date IS NULL)")
    return scopes


def update_marts(con: duckdb.DuckDBPyConnection, change_set_table: str = CHANGE_SET_TABLE) -> dict[str, int]:
    """Bring the marts in step with core for the changed complaints.

    ``change_set_table``: a table with one column ``complaint_id`` (new, updated and deleted
    complaints). The facts rows of those complaints are deleted and rebuilt from core (a
    deleted complaint gets none); each cube gets, per group, the new rows' count minus the old
    rows' count (groups that drop to zero are removed). The groups changed are left in the
    temporary table ``_cw_changed_groups`` for the store's change log. A mart that does not
    exist yet, or has an older shape (``missing_marts``), makes this a full build. Returns ``{table: rows written}``.
    """
    scope = f"complaint_id IN (SELECT complaint_id FROM {change_set_table})"
    if missing_marts(con):  # a mart of an older shape (or none yet): build them all
        return build_marts(con)
    changed, total = con.execute(f"SELECT (SELECT count(DISTINCT complaint_id) FROM {change_set_table}), "
                                 "(SELECT count(*) FROM core_complaints)").fetchone()
    if changed > BUILD_CHUNK_COMPLAINTS and changed * LARGE_CHANGE_DIVISOR >= total:
        # A change of a large share of the database (the first load of a big file): the full
        # build, in slices, costs no more than the change and keeps memory bounded.
        return build_marts(con)
    for cube in CUBES:  # old rows, counted negative
        con.execute(f"CREATE OR REPLACE TEMP TABLE _cw_delta_{cube.name} AS {cube.select_sql(scope, sign='-')}")
    counts = {}
    for table in MART_TABLES:
        con.execute(f"DELETE FROM {table} WHERE {scope}")
        counts[table] = con.execute(f"INSERT INTO {table}\n{mart_sql(table, scope)}").fetchone()[0]
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CHANGED_GROUPS_TABLE} (group_key VARCHAR)")
    for cube in CUBES:
        counts[cube.name] = _apply_cube_delta(con, cube, scope)
    return counts


def _apply_cube_delta(con: duckdb.DuckDBPyConnection, cube: Cube, scope: str) -> int:
    delta, n = f"_cw_delta_{cube.name}", cube.count_column
    keys = ", ".join(cube.keys)
    con.execute(f"INSERT INTO {delta} {cube.select_sql(scope)}")  # new rows, counted positive
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _cw_net AS
        SELECT group_key, {keys}, sum({n})::BIGINT AS {n} FROM {delta} GROUP BY ALL HAVING sum({n}) <> 0""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _cw_new AS
        SELECT group_key, {keys}, sum({n})::BIGINT AS {n} FROM (
            SELECT c.* FROM {cube.name} c SEMI JOIN _cw_net d USING (group_key)
            UNION ALL SELECT * FROM _cw_net) GROUP BY ALL HAVING sum({n}) <> 0""")
    con.execute(f"DELETE FROM {cube.name} WHERE group_key IN (SELECT group_key FROM _cw_net)")
    con.execute(f"INSERT INTO {cube.name} SELECT * FROM _cw_new")
    con.execute(f"INSERT INTO {CHANGED_GROUPS_TABLE} SELECT group_key FROM _cw_net")
    written = con.execute("SELECT count(*) FROM _cw_net").fetchone()[0]
    for t in (delta, "_cw_net", "_cw_new"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return written


def missing_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Marts this version of the code reads that the open database lacks, or has with other
    columns than this version builds (a database written by an older version, e.g. before
    ``conduct_codes_with_model``): ``rebuild`` makes them. Also true of every mart when the core
    tables or views the marts read are missing."""
    have: dict[str, list[str]] = {}
    for table, column in con.execute(
            "SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_tables() t "
            "ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name "
            "WHERE NOT t.temporary AND c.database_name = current_database() AND c.schema_name = current_schema() "
            "ORDER BY c.table_name, c.column_index").fetchall():
        have.setdefault(table, []).append(column)
    every = list(MART_TABLES + tuple(c.name for c in CUBES))
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal "
                                       "AND database_name = current_database()").fetchall()}
    if not set(DERIVED_VIEWS) <= views or any(t not in have for t in CORE_MART_INPUTS):
        return every  # core of an older version: its first write brings it up to date, then builds
    # DESCRIBE binds without running; an error would abort a write's transaction, so each SQL is
    # described only once what it reads is known to be current (facts of complaints first).
    expected = {c.name: ["group_key", *c.keys, c.count_column] for c in CUBES}
    for table in MART_TABLES:
        expected[table] = [r[0] for r in con.execute(f"DESCRIBE {mart_sql(table, 'FALSE')}").fetchall()]
        if have.get(table) != expected[table]:
            return every  # the later marts read this one
    return [t for t in MART_TABLES + tuple(c.name for c in CUBES) if have.get(t) != expected[t]]


def rebuild(db_path, progress=None) -> dict[str, int]:
    """Rebuild every mart of the database at ``db_path`` from core, as one write (for a
    database from an older version, or after the mart definitions change). Cost grows with
    the database. Returns ``{table: rows}``; raises ``FileNotFoundError`` without a database."""
    from pathlib import Path as _Path

    from analysis import db, store
    if not _Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no database")
    with db.write_transaction(_Path(db_path), "rebuild marts", progress=progress) as con:
        store.mark_all_changed(con, "rebuild marts")
    with db.connect_read_only(_Path(db_path)) as con:
        cur = db.read_cursor(con)
        return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in MART_TABLES + tuple(c.name for c in CUBES)}


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.build [--db PATH]``: rebuild every mart (prints rows per mart)."""
    import argparse
    import sys

    from analysis import db
    ap = argparse.ArgumentParser(prog="python -m analysis.build", description="Rebuild every mart from core.")
    ap.add_argument("--db", help=f"database file (default: ${db.ENV_VAR} or {db.DEFAULT_DB_PATH})")
    args = ap.parse_args(argv)
    try:
        counts = rebuild(db.resolve_db_path(args.db),
                         progress=lambda f, m: print(f"[{f:4.0%}] {m}", file=sys.stderr, flush=True))
    except (FileNotFoundError, db.DatabaseUnreadable) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for t, n in counts.items():
        print(f"{t:36s}{n:>14,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
