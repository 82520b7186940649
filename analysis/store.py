"""The store: one database kept as two replicas, so that a write costs what it adds.

Layout, for a database path ``P`` (e.g. ``data/collection_watch.duckdb``)::

    P                 a symbolic link to the live replica (open it with DuckDB as before)
    P.store/a.duckdb  replica a
    P.store/b.duckdb  replica b
    P.store/tmp/      DuckDB's spill directory for writes (emptied before every write)

Readers open whatever ``P`` points to, read-only. A writer (``analysis.db.write_transaction``)

1. brings the *standby* replica (the one ``P`` does not point to) up to the live version by
   replaying the live version's change set (:func:`sync_replica`),
2. changes the standby in one DuckDB transaction, keeping the marts in step for the change
   set the write declared (:func:`mark_changed`), and records a new version with its change
   set (``meta_store_versions``, ``meta_change_log``),
3. atomically points ``P`` at it (``rename`` of a new link over the old one), and
4. brings the other replica up to the new version the same way (or leaves that to the next
   write when a reader still has it open).

So every step costs in proportion to the rows the write changed, never to the database; the
live replica is never written, so readers never wait and never see half a write; a write
killed at any moment leaves ``P`` pointing at the same, untouched replica (DuckDB discards
the standby's uncommitted transaction when it is next opened, and a standby that got ahead
is set back by the same replay). Costs: twice the disk space, and every change is written
twice.

Replication is by key, decided from each table's columns: the cubes (``group_key``) by the
summary groups the write changed; tables with ``complaint_id`` by the change set's complaint
ids; tables with ``import_id`` (and no ``complaint_id``) by the imports one replica has and
the other lacks, or whose status differs (a removed import); every other table (code lists,
sources, salt, versions) is small and copied whole. After a replay the row counts of every
table are compared; any difference (or a write that declared a full change) falls back to a
full copy.
"""
from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analysis.build import CHANGE_SET_TABLE, CHANGED_GROUPS_TABLE

log = logging.getLogger(__name__)
STORE_SUFFIX = ".store"
REPLICAS = ("a.duckdb", "b.duckdb")
FULL_FLAG_TABLE = "_cw_full_change"
#: Seconds a writer waits for a replica that a reader still has open.
REPLICA_WAIT_SECONDS = float(os.environ.get("COLLECTION_WATCH_REPLICA_WAIT", "60"))
#: Tables copied whole on every replay (besides small tables without keys): version history.
VERSION_TABLE = "meta_store_versions"
CHANGE_LOG_TABLE = "meta_change_log"


class StoreBusy(RuntimeError):
    """A replica the write needs is held open by another program for too long."""


@dataclass(frozen=True)
class Layout:
    """Paths of one database: ``link`` (the path users name), ``live`` and ``standby``
    replicas (``live`` is None for a database that does not exist yet)."""

    link: Path
    live: Path | None
    standby: Path


def store_dir(path: Path) -> Path:
    """``P.store``: the folder that holds the replicas of database ``P``."""
    return Path(str(path) + STORE_SUFFIX)


def spill_dir(path: Path) -> Path:
    """DuckDB's temp directory for writes to database ``path`` (inside its store folder)."""
    return store_dir(path) / "tmp"


def live_replica(path: Path) -> Path | None:
    """The file readers should open: the target of the link, the file itself for a
    database not yet converted to two replicas, or None when there is none."""
    path = Path(path)
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        return target if target.exists() else None
    return path if path.exists() else None


def prepare_layout(path: Path) -> Layout:
    """Make ``path`` a link to one of two replicas; return the layout. Call under the write lock.

    * new database: nothing exists yet; the first write creates replica ``a`` and the link;
    * a single database file (older versions of this project, or a file copied in): it is
      hard-linked into the store as replica ``a`` (no copy), copied once as replica ``b``
      (the only step whose cost grows with the database; it happens once), and ``path`` is
      replaced by a link; a kill before the final rename leaves the plain file in place;
    * already a link: the other replica is the standby.

    A plain file that DuckDB cannot read whole raises ``analysis.db.DatabaseUnreadable``
    before anything is touched.

    Also removes what a killed write may have left: temporary files in the store, an
    emptied spill directory, and the copy-and-swap temporary files of older versions.
    """
    path = Path(path)
    sdir = store_dir(path)
    sdir.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(path)
    a, b = sdir / REPLICAS[0], sdir / REPLICAS[1]
    if path.is_symlink():
        live = Path(os.path.realpath(path))
        standby = b if live == a.resolve() else a
        if not live.exists():
            raise FileNotFoundError(f"{path} points at {live}, which does not exist")
        return Layout(path, live, standby)
    if not path.exists():
        for f in (a, b):
            _unlink_replica(f)
        return Layout(path, None, a)
    # A plain database file: check it reads, then convert (kill-safe at every step).
    from analysis.db import verify_readable
    verify_readable(path)
    _unlink_replica(a)
    _unlink_replica(b)
    os.link(path, a)
    _copy_file(a, b)
    _point(path, a)
    return Layout(path, a, b)


def _clean_leftovers(path: Path) -> None:
    sdir = store_dir(path)
    for f in sdir.glob("*.tmp"):
        f.unlink(missing_ok=True)
    shutil.rmtree(spill_dir(path), ignore_errors=True)
    spill_dir(path).mkdir(parents=True, exist_ok=True)
    for f in path.parent.glob(path.name + ".*.tmp"):  # copy-and-swap temporaries of older versions
        f.unlink(missing_ok=True)
    for f in path.parent.glob(path.name + ".*.tmp.wal"):
        f.unlink(missing_ok=True)


def _unlink_replica(f: Path) -> None:
    for x in (f, Path(str(f) + ".wal")):
        x.unlink(missing_ok=True)


def _copy_file(src: Path, dst: Path) -> None:
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copyfile(src, tmp)
    shutil.copymode(src, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dst)


def _point(link: Path, target: Path) -> None:
    """Atomically make ``link`` a symbolic link to ``target`` (relative, so the folder can move)."""
    rel = os.path.relpath(target, link.parent)
    tmp = link.with_name(link.name + ".link.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(rel, tmp)
    os.replace(tmp, link)
    fd = os.open(link.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def point_at(layout: Layout, replica: Path) -> None:
    """Make the database path name ``replica`` (the moment a write becomes visible)."""
    _point(layout.link, replica)


# --------------------------------------------------------------------------------------------
# Change sets and versions
# --------------------------------------------------------------------------------------------

def begin_change_set(con: duckdb.DuckDBPyConnection) -> None:
    """Start an empty change set on a writer's connection (``write_transaction`` does this)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CHANGE_SET_TABLE} (complaint_id VARCHAR)")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {FULL_FLAG_TABLE} (why VARCHAR)")


def mark_changed(con: duckdb.DuckDBPyConnection, complaint_ids: str | list[str]) -> None:
    """Declare complaints this write added, changed or deleted.

    ``complaint_ids``: a SELECT returning one column of complaint ids (run on ``con``), or a
    list of ids. Every write that touches ``core_complaints``, ``core_incidents``,
    ``core_complaint_labels`` or ``core_qa_issues`` must declare the complaints it touched (or
    call :func:`mark_all_changed`): the marts and the other replica are updated for exactly
    these complaints.
    """
    if isinstance(complaint_ids, str):
        con.execute(f"INSERT INTO {CHANGE_SET_TABLE} {complaint_ids}")
    elif complaint_ids:
        import pyarrow as pa
        from analysis.db import with_rows
        with_rows(con, pa.table({"complaint_id": pa.array(list(complaint_ids), pa.string())}),
                  f"INSERT INTO {CHANGE_SET_TABLE} SELECT complaint_id FROM _rows")


def mark_all_changed(con: duckdb.DuckDBPyConnection, why: str) -> None:
    """Declare that this write may have changed anything: marts are rebuilt in full and the
    other replica is copied in full (cost grows with the database; for the demonstration
    build and repairs)."""
    con.execute(f"INSERT INTO {FULL_FLAG_TABLE} VALUES (?)", [why])


def full_change_reason(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why this write was declared a full change, or None."""
    row = con.execute(f"SELECT why FROM {FULL_FLAG_TABLE} LIMIT 1").fetchone()
    return row[0] if row else None


def core_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
    """Row counts of the complaint-keyed core tables (to notice a write that declared nothing)."""
    return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("core_complaints", "core_incidents", "core_complaint_labels", "core_qa_issues"))


def current_version(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> tuple[int, bool]:
    """``(version, is_full)`` of the newest version recorded in a replica (``(0, True)`` for
    a replica with no history: anything may differ)."""
    prefix = f"{catalog}." if catalog else ""
    row = con.execute(f"SELECT version, is_full FROM {prefix}{VERSION_TABLE} ORDER BY version DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, True)


def record_version(con: duckdb.DuckDBPyConnection, description: str, is_full: bool) -> int:
    """Add the next version and its change set to the history; keep only the change sets of
    the last two versions (all a replay ever needs). Returns the new version number."""
    version = current_version(con)[0] + 1
    con.execute(f"INSERT INTO {VERSION_TABLE} VALUES (?, ?, now()::TIMESTAMP, ?, "
                f"(SELECT count(DISTINCT complaint_id) FROM {CHANGE_SET_TABLE}))",
                [version, is_full, description])
    con.execute(f"DELETE FROM {CHANGE_LOG_TABLE} WHERE version < ?", [version - 1])
    if not is_full:
        con.execute(f"INSERT INTO {CHANGE_LOG_TABLE} (version, complaint_id) SELECT DISTINCT ?, complaint_id "
                    f"FROM {CHANGE_SET_TABLE} WHERE complaint_id IS NOT NULL", [version])
        con.execute(f"INSERT INTO {CHANGE_LOG_TABLE} (version, group_key) SELECT DISTINCT ?, group_key "
                    f"FROM {CHANGED_GROUPS_TABLE}", [version])
    return version


# --------------------------------------------------------------------------------------------
# Replication
# --------------------------------------------------------------------------------------------

def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[str]]:
    rows = con.execute(
        "SELECT c.table_name, c.column_name FROM duckdb_columns() c "
        "JOIN duckdb_tables() t ON t.database_name = c.database_name AND t.schema_name = c.schema_name "
        "AND t.table_name = c.table_name "
        "WHERE c.database_name = ? AND c.schema_name = 'main' AND NOT t.temporary "
        "ORDER BY c.table_name, c.column_index", [catalog]).fetchall()
    out: dict[str, list[str]] = {}
    for t, c in rows:
        out.setdefault(t, []).append(c)
    return out


def replication_key(table: str, columns: list[str]) -> str | None:
    """How a table is replicated: ``complaint_id``, ``group_key`` (the cubes), ``import_id``,
    or None (copied whole)."""
    if table in (VERSION_TABLE, CHANGE_LOG_TABLE):
        return None
    if "group_key" in columns:
        return "group_key"
    if table.startswith("raw_") and "import_id" in columns:
        return "import_id"  # raw rows as they came: a raw complaint_id column is the source's own id
    if "complaint_id" in columns:
        return "complaint_id"
    if "import_id" in columns:
        return "import_id"
    return None


def sync_replica(con: duckdb.DuckDBPyConnection, source: Path, progress=None) -> str:
    """Make the replica open read-write in ``con`` equal to the replica file ``source``.

    Replays the newest change set when the two are one version apart (either way: a standby
    a version ahead is a write that was killed before it became visible), otherwise copies
    every table. Runs its own transaction (not inside another). Checks row counts afterwards
    and falls back to a full copy on any difference. Returns ``"same"``, ``"replayed"`` or
    ``"copied"``. The source is attached read-only for the duration.
    """
    con.execute(f"ATTACH '{_lit(str(source))}' AS cw_src (READ_ONLY)")
    try:
        sv, s_full = current_version(con, "cw_src")
        dv, d_full = current_version(con)
        if sv == dv and _same_history(con):
            if not _counts_differ(con):
                return "same"
            # the live file was changed outside write_transaction (by hand, in DuckDB): copy it
            log.warning("the standby differs from %s at the same version: copying it whole", source)
        mode = "copied"
        if dv == sv - 1 and not s_full:
            change_log, mode = f"cw_src.{CHANGE_LOG_TABLE} WHERE version = {int(sv)}", "replayed"
        elif dv == sv + 1 and not d_full:
            change_log, mode = f"main.{CHANGE_LOG_TABLE} WHERE version = {int(dv)}", "replayed"
        if mode == "replayed":
            _replay(con, change_log, progress)
            if _counts_differ(con):
                log.warning("replaying version %s left row counts different from %s: copying every table",
                            sv, source)
                mode = "copied"
        if mode == "copied":
            _copy_all(con, progress)
        return mode
    finally:
        con.execute("DETACH cw_src")


def _same_history(con) -> bool:
    a = con.execute(f"SELECT max(version), max(written_at) FROM main.{VERSION_TABLE}").fetchone()
    b = con.execute(f"SELECT max(version), max(written_at) FROM cw_src.{VERSION_TABLE}").fetchone()
    return a == b


#: Rows a replay copies, by replication key (the temporary tables ``_replay`` fills).
_KEY_SCOPES = {
    "complaint_id": "complaint_id IN (SELECT complaint_id FROM _cw_keys)",
    "group_key": "group_key IN (SELECT group_key FROM _cw_groups)",
    "import_id": "import_id IN (SELECT import_id FROM _cw_imports)",
}


def _replay(con, log: str, progress) -> None:
    """Replay one version's change set; ``log`` is ``<change log table> WHERE version = v``."""
    def keys() -> None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _cw_keys AS SELECT complaint_id FROM {log} "
                    "AND complaint_id IS NOT NULL")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _cw_groups AS SELECT group_key FROM {log} "
                    "AND group_key IS NOT NULL")
        # imports one replica has and the other lacks, or whose status differs (a removed
        # import keeps its log row, marked deleted, and its raw rows go)
        con.execute("""CREATE OR REPLACE TEMP TABLE _cw_imports AS SELECT DISTINCT import_id FROM (
            (SELECT import_id, status FROM cw_src.meta_imports EXCEPT SELECT import_id, status FROM main.meta_imports)
            UNION (SELECT import_id, status FROM main.meta_imports EXCEPT SELECT import_id, status FROM cw_src.meta_imports))""")
    _copy_tables(con, lambda table, cols: _KEY_SCOPES.get(replication_key(table, cols), "TRUE"), progress,
                 before=keys)


def _copy_all(con, progress) -> None:
    """Make every table equal to the source's (tables the source lacks are dropped)."""
    _copy_tables(con, lambda table, cols: "TRUE", progress, drop_missing=True)


def _copy_tables(con, where_of, progress, before=None, drop_missing: bool = False) -> None:
    """In one transaction, replace the rows ``where_of(table, columns)`` selects in every table
    of the source (attached as ``cw_src``) with the source's rows."""
    src, dst = _tables(con, "cw_src"), _tables(con, _main_catalog(con))
    con.execute("BEGIN TRANSACTION")
    try:
        if before:
            before()
        if drop_missing:
            for table in dst:
                if table not in src:
                    con.execute(f"DROP TABLE main.{table}")
        for i, (table, cols) in enumerate(sorted(src.items())):
            _ensure_table(con, table, dst)
            _copy_rows(con, table, cols, where_of(table, cols))
            if progress:
                progress((i + 1) / len(src), f"replica: {table}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("CHECKPOINT")


def _ensure_table(con, table: str, dst: dict[str, list[str]]) -> None:
    if table not in dst:
        con.execute(f"CREATE TABLE main.{table} AS SELECT * FROM cw_src.{table} LIMIT 0")


def _copy_rows(con, table: str, cols: list[str], where: str) -> None:
    col_list = ", ".join(f'"{c}"' for c in cols)
    con.execute(f"DELETE FROM main.{table} WHERE {where}")
    con.execute(f"INSERT INTO main.{table} ({col_list}) SELECT {col_list} FROM cw_src.{table} WHERE {where}")


def _counts_differ(con) -> bool:
    src = _tables(con, "cw_src")
    for table in src:
        a = con.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0]
        b = con.execute(f"SELECT count(*) FROM cw_src.{table}").fetchone()[0]
        if a != b:
            return True
    return False


def _main_catalog(con) -> str:
    return con.execute("SELECT current_database()").fetchone()[0]


def _lit(text: str) -> str:
    return text.replace("'", "''")


def open_replica_for_write(replica: Path, *, wait_seconds: float | None = None,
                           config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open a replica read-write, waiting while a reader (this or another process) still has
    it open. Raises ``StoreBusy`` after ``wait_seconds`` (default ``REPLICA_WAIT_SECONDS``) and
    ``analysis.db.DatabaseUnreadable`` when the replica is not a readable database."""
    wait = REPLICA_WAIT_SECONDS if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(replica), config=config or {})
            con.execute("SET enable_progress_bar = false")  # imports report their own progress
            return con
        except (duckdb.IOException, duckdb.ConnectionException, duckdb.SerializationException) as err:
            if "lock" not in str(err).lower() and "conflict" not in str(err).lower():
                from analysis.db import DatabaseUnreadable
                raise DatabaseUnreadable(replica, str(err)) from err
            last = err
        except Exception as err:  # same process: "Unique file handle conflict"
            if "conflict" not in str(err).lower():
                raise
            last = err
        if time.monotonic() >= deadline:
            raise StoreBusy(
                f"{replica} is still open in another program (a dashboard session, a notebook or an export) "
                f"after {wait:.0f} s: {last}. Close it and try again.") from last
        time.sleep(delay)
        delay = min(1.0, delay * 2)
