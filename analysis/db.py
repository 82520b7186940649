"""Where the database lives, how it is opened, and how it is changed safely.

Readers (the dashboard, exports, notebooks) open the database **read-only**. Writers never
touch the file readers have open: the database is kept as two replicas behind a symbolic
link (``analysis.store``); ``write_transaction`` changes the standby replica in one DuckDB
transaction, keeps the marts in step for the rows it changed, and atomically points the link
at it. So

* a failed or killed write leaves the database exactly as it was (the link still names the
  untouched replica; the standby's uncommitted transaction is discarded);
* the dashboard keeps serving the old version while a write runs and sees the new one on its
  next rerun (readers notice it through ``fingerprint``), never half of one;
* every step costs in proportion to the rows the write changed, not to the database;
* two writers never interleave: a lock file serialises them.

Database path: ``--db PATH`` (command line), else the ``COLLECTION_WATCH_DB`` environment
variable, else ``data/collection_watch.duckdb`` under the project root (the default
database, the only one that receives the demonstration data).

Memory: every connection gets DuckDB's ``memory_limit`` (writers ``WRITE_MEMORY_LIMIT``,
readers ``READ_MEMORY_LIMIT``; both can be set in the environment) and writers spill to the
database's own ``.store/tmp`` folder, so builds and imports stay within a fixed budget.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Iterator

import duckdb

from analysis import codes, schema

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "collection_watch.duckdb"
ENV_VAR = "COLLECTION_WATCH_DB"
#: DuckDB memory_limit of a writer's connection (imports, builds): bounded resident memory.
WRITE_MEMORY_LIMIT = os.environ.get("COLLECTION_WATCH_WRITE_MEMORY", "2GB")
#: DuckDB memory_limit of one reader's connection (the dashboard holds one per database version).
READ_MEMORY_LIMIT = os.environ.get("COLLECTION_WATCH_READ_MEMORY", "1GB")
log = logging.getLogger(__name__)


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """Database path from ``--db`` value, else ``$COLLECTION_WATCH_DB``, else the default."""
    # abspath, not resolve(): the path is a link to the live replica and must stay the link.
    if cli_value:
        return Path(os.path.abspath(Path(cli_value).expanduser()))
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(os.path.abspath(Path(env).expanduser()))
    return DEFAULT_DB_PATH


def is_default_db(path: Path) -> bool:
    """True for the default database (the only one that gets demonstration data)."""
    return os.path.abspath(path) == os.path.abspath(DEFAULT_DB_PATH)


def fingerprint(path: Path) -> str:
    """Identity of the file's current version: changes whenever a write is swapped in.

    Returns ``"missing"`` when the file does not exist.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "missing"
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


ATTACH_ALIAS = "cw"


class DatabaseUnreadable(RuntimeError):
    """The database file exists but is not a readable DuckDB database (truncated, damaged,
    or another kind of file). ``str(err)`` names the file, DuckDB's reason and how to get a
    working database back; ``err.path`` is the file."""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        super().__init__(
            f"{path} is not a readable Collection Watch database ({reason.splitlines()[0][:300]}). "
            "It may be truncated, damaged, or not a database file. Restore it from a backup, or rebuild it: "
            "move the file (and the folder beside it named like it with .store) aside and import the source "
            "files again, e.g. `python -m analysis.ingest --format cfpb --db PATH FILE.csv`; the default "
            "database is rebuilt with the demonstration data on the next start.")


def verify_readable(path: Path) -> None:
    """Read every row of every table of the database file ``path`` (read-only, nothing
    changed). Raises ``DatabaseUnreadable`` when DuckDB cannot: not a database, truncated,
    damaged blocks. Costs a full read: used once, before a plain file is taken into the
    two-replica store (which copies it anyway)."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{_sql_literal(str(path))}' AS chk (READ_ONLY)")
        for schema_name, table in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'chk'").fetchall():
            con.execute(f'SELECT sum(hash(t)) FROM chk."{schema_name}"."{table}" AS t').fetchall()
    except duckdb.Error as err:
        if _is_lock_error(err):
            raise
        raise DatabaseUnreadable(path, str(err)) from err
    finally:
        con.close()


def _is_lock_error(err: Exception) -> bool:
    """A replica held by another connection (retry), as opposed to an unreadable file."""
    text = str(err).lower()
    return "lock" in text or "conflict" in text


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the database's current version read-only.

    The live replica (``analysis.store.live_replica``) is ATTACHed to a private in-memory
    instance rather than opened with ``duckdb.connect(path)``: DuckDB caches instances per
    path within a process, so a plain connect after a write could hand back the old version.
    Take cursors with ``read_cursor``; close the connection when done, so a later write can
    update this replica. Raises ``FileNotFoundError`` if the database does not exist and
    ``DatabaseUnreadable`` if it is not a readable database.
    """
    from analysis.store import live_replica
    last: Exception | None = None
    for attempt in range(20):
        target = live_replica(Path(path))
        if target is None:
            raise FileNotFoundError(f"database not found: {path}")
        con = duckdb.connect(":memory:", config={"memory_limit": READ_MEMORY_LIMIT})
        try:
            con.execute(f"ATTACH '{_sql_literal(str(target))}' AS {ATTACH_ALIAS} (READ_ONLY)")
        except (duckdb.IOException, duckdb.Error) as err:
            # The link moved between resolving it and attaching, and a writer is now updating
            # the replica it named: resolve again.
            con.close()
            if not _is_lock_error(err):
                raise DatabaseUnreadable(Path(path), str(err)) from err
            last = err
            time.sleep(min(0.5, 0.02 * (attempt + 1)))
            continue
        con.execute(f"USE {ATTACH_ALIAS}")
        con.execute("SET enable_progress_bar = false")
        return con
    raise RuntimeError(f"could not open {path} read-only: {last}")


def read_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of a ``connect_read_only`` connection, pointed at the attached database
    (one per query: a connection is not thread-safe)."""
    cur = con.cursor()
    cur.execute(f"USE {ATTACH_ALIAS}")
    return cur


def with_rows(con: duckdb.DuckDBPyConnection, rows, sql: str, name: str = "_rows"):
    """Run ``sql`` with ``rows`` (a pandas DataFrame or a pyarrow Table) visible as ``name``.

    Use this, not ``con.register``, inside a write transaction: DuckDB keeps every frame
    registered in an open transaction alive until it ends, so a long import that registers a
    frame per chunk grows without bound (measured: +1.2 GB per million CFPB rows). Returns the
    result relation of a SELECT (call ``fetchall()``), None for other statements.
    """
    import pyarrow as pa
    rel = con.from_arrow(rows) if isinstance(rows, pa.Table) else con.from_df(rows)
    return rel.query(name, sql)


class ReaderPool:
    """Read-only connections shared by the threads of one process (the dashboard), one per
    database version, each released as soon as a newer version is live and no query uses it.

    A write updates the replica that was live before it (``analysis.store``), which it can do
    only once no reader has that replica open: ``release_superseded`` (called after every use
    and by the dashboard's watchdog every second) closes connections to older versions that no
    query is using. Thread-safe.
    """

    def __init__(self) -> None:
        import threading
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], list] = {}  # (path, fingerprint) -> [connection, users]

    @contextlib.contextmanager
    def cursor(self, path: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
        """Yield ``(cursor, fingerprint)`` of the current version of ``path``; raises
        ``FileNotFoundError`` when the database does not exist."""
        path = Path(path)
        fp = fingerprint(path)
        if fp == "missing":
            raise FileNotFoundError(f"database not found: {path}")
        key = (str(path), fp)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = [connect_read_only(path), 0]
            entry[1] += 1
        cur = None
        try:
            cur = read_cursor(entry[0])
            yield cur, fp
        finally:
            if cur is not None:
                cur.close()
            with self._lock:
                entry[1] -= 1
            self.release_superseded()

    def release_superseded(self) -> int:
        """Close connections to versions that are no longer live and not in use. Returns how
        many were closed."""
        closed = 0
        with self._lock:
            for key in list(self._entries):
                con, users = self._entries[key]
                if users == 0 and fingerprint(Path(key[0])) != key[1]:
                    self._entries.pop(key)
                    con.close()
                    closed += 1
        return closed

    def open_count(self) -> int:
        """Connections currently open (for tests and the Data page)."""
        with self._lock:
            return len(self._entries)

    def close_all(self) -> None:
        """Close every connection that no query is using."""
        with self._lock:
            for key in [k for k, e in self._entries.items() if e[1] == 0]:
                self._entries.pop(key)[0].close()


def _sql_literal(text: str) -> str:
    return text.replace("'", "''")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and public view if missing, and (re)load the code labels."""
    for t in schema.TABLES:
        con.execute(t.ddl())
    from analysis.ingest.common import upgrade_schema  # columns appended to existing tables
    upgrade_schema(con)
    for v in schema.VIEWS:
        con.execute(schema.view_sql(v))
    for name, sql in schema.DERIVED_VIEWS.items():
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
    con.execute("DELETE FROM code_labels")
    con.register("_code_table", codes.code_table())
    con.execute("INSERT INTO code_labels SELECT * FROM _code_table")
    con.unregister("_code_table")


@contextlib.contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Exclusive lock that serialises writers of ``path`` (a ``.lock`` file beside it)."""
    lock_path = Path(str(path) + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def write_transaction(path: Path, description: str = "write",
                      progress=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Change the database all-or-nothing, without blocking readers, at the cost of the change.

    Yields a read-write connection to the standby replica (``analysis.store``), brought up to
    the live version, inside ``BEGIN``. The body must declare what it changed with
    ``analysis.store.mark_changed`` (or ``mark_all_changed``); a body that changes core rows
    without declaring is treated as a full change (correct, but costs a full rebuild).

    On normal exit: the marts are updated for the change set, a version is recorded, the
    transaction commits and is checkpointed, the database path is pointed at the standby, and
    the other replica is brought up to date (skipped, and left to the next write, when a
    reader keeps it open for more than ``analysis.store.REPLICA_WAIT_SECONDS``). On any
    exception the transaction rolls back, the path is untouched, and the exception
    propagates. ``description`` is recorded with the version; ``progress(fraction, message)``
    hears about the replica steps.

    Raises ``analysis.store.StoreBusy`` when the standby is held open by a reader for too long.
    """
    from analysis import store
    from analysis.ingest.reasons import reason  # (the importers import this module)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda f, m: None)
    with write_lock(path):
        layout = store.prepare_layout(path)
        try:
            yield from _write_standby(layout, description, say)
        except BaseException:
            if layout.live is None and not path.is_symlink():
                # a new database that never came to be: leave nothing behind
                shutil.rmtree(store.store_dir(path), ignore_errors=True)
            raise
        store.point_at(layout, layout.standby)
        say(0.97, reason("progress_second_copy"))
        other = layout.live or layout.standby.with_name(
            store.REPLICAS[1] if layout.standby.name == store.REPLICAS[0] else store.REPLICAS[0])
        try:
            _catch_up(other, layout.standby, path)
        except (duckdb.Error, OSError) as err:
            # the change is saved and visible: only the second copy lags, and the next write
            # brings it up to date (sync_replica); a failure here is no failed write
            log.warning("%s is saved; its second copy was not updated (%s): the next write updates it",
                        description, err)
        else:
            say(1.0, reason("progress_second_copy_done"))


def _write_standby(layout, description: str, say) -> Iterator[duckdb.DuckDBPyConnection]:
    """The body of ``write_transaction`` up to the swap: bring the standby up to date, yield
    it inside a transaction, update marts and version, commit and checkpoint."""
    from analysis import build, store
    from analysis.ingest.reasons import reason  # (the importers import this module)
    con = store.open_replica_for_write(layout.standby, config=_write_config(layout.link))
    try:
        try:
            create_schema(con)
            if layout.live is not None:
                say(0.0, reason("progress_standby"))
                store.sync_replica(con, layout.live)
                # a live copy written by an older version lacks tables and columns this one
                # has (a full copy drops them from the standby): add them back
                create_schema(con)
        except (duckdb.IOException, duckdb.SerializationException, duckdb.InternalException) as err:
            if _is_lock_error(err):
                raise
            raise DatabaseUnreadable(layout.link, str(err)) from err
        store.begin_change_set(con)
        before = store.core_counts(con)
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            full = store.full_change_reason(con)
            if full is None and store.core_counts(con) != before and not _declared(con):
                log.warning("%s changed core rows without declaring them: full mart rebuild", description)
                full = "undeclared change"
            if full is not None or layout.live is None:
                build.build_marts(con)
            else:
                build.update_marts(con)
            store.record_version(con, description, is_full=full is not None or layout.live is None)
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a failed COMMIT (no space left) has ended the transaction: keep its own error
            raise
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if layout.live is not None:
        _copy_mode(layout.live, layout.standby)


def _is_large_change(live: Path) -> bool:
    """The live replica's newest version rebuilt everything, or changed more than
    ``BUILD_CHUNK_COMPLAINTS`` complaints and at least 1/``LARGE_CHANGE_DIVISOR`` of them."""
    from analysis.build import BUILD_CHUNK_COMPLAINTS, LARGE_CHANGE_DIVISOR
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{_sql_literal(str(live))}' AS lv (READ_ONLY)")
        is_full, changed, total = con.execute(
            "SELECT v.is_full, v.changed_complaint_count, (SELECT count(*) FROM lv.core_complaints) "
            "FROM lv.meta_store_versions v ORDER BY v.version DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return bool(is_full) or (changed > BUILD_CHUNK_COMPLAINTS and changed * LARGE_CHANGE_DIVISOR >= total)


def _declared(con: duckdb.DuckDBPyConnection) -> bool:
    from analysis.build import CHANGE_SET_TABLE
    return con.execute(f"SELECT count(*) FROM {CHANGE_SET_TABLE}").fetchone()[0] > 0


def _write_config(path: Path) -> dict:
    from analysis.store import spill_dir
    return {"memory_limit": WRITE_MEMORY_LIMIT, "temp_directory": str(spill_dir(path))}


def _copy_mode(src: Path, dst: Path) -> None:
    try:
        os.chmod(dst, os.stat(src).st_mode & 0o7777)
    except OSError:
        pass


def _catch_up(replica: Path, live: Path, path: Path) -> None:
    """Bring ``replica`` up to the version of ``live`` (a new database's second replica is a
    copy). Left to the next write when a reader keeps it open."""
    from analysis import store
    if not replica.exists() or _is_large_change(live):
        # A new database, or a write that changed a large share of it: copying the file costs
        # no more than replaying the change, and a reader still on the old file keeps its inode.
        store._copy_file(live, replica)
        return
    try:
        con = store.open_replica_for_write(replica, config=_write_config(path))
    except store.StoreBusy as err:
        log.warning("second copy not updated now (the next write will): %s", err)
        return
    try:
        create_schema(con)
        store.sync_replica(con, live)
    finally:
        con.close()
    _copy_mode(live, replica)


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """True when ``table`` has ``column`` in this database: a column the schema gained later
    is missing from a file no write has upgraded yet (``ingest.common.upgrade_schema``), and
    read-only pages must read such a file anyway."""
    return con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ? "
                       "AND table_schema = 'main'", [table, column]).fetchone()[0] > 0
