"""Where the database lives, how it is opened, and how it is changed safely.

Readers (the dashboard) open the file **read-only**. Writers (imports, the demonstration
build) never touch the live file: ``write_transaction`` copies it, changes the copy in one
DuckDB transaction, checkpoints, and atomically renames the copy over the live file. So

* a failed import leaves the database exactly as it was (the copy is thrown away);
* the dashboard keeps serving from the old file while an import runs (DuckDB's file lock
  is on the old inode; readers notice the new file through ``fingerprint`` and reopen);
* two imports never interleave: a lock file serialises writers.

Database path: ``--db PATH`` (command line), else the ``COLLECTION_WATCH_DB`` environment
variable, else ``data/collection_watch.duckdb`` under the project root (the default
database, the only one that receives the demonstration data).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import duckdb

from analysis import codes, schema

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "collection_watch.duckdb"
ENV_VAR = "COLLECTION_WATCH_DB"


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """Database path from ``--db`` value, else ``$COLLECTION_WATCH_DB``, else the default."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_DB_PATH


def is_default_db(path: Path) -> bool:
    """True for the default database (the only one that gets demonstration data)."""
    return Path(path).resolve() == DEFAULT_DB_PATH.resolve()


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


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the database's current version read-only.

    The file is ATTACHed to a private in-memory instance rather than opened with
    ``duckdb.connect(path)``: DuckDB caches instances per path within a process, so a plain
    connect after an import's swap could hand back the old version. Take cursors with
    ``read_cursor``. Raises ``FileNotFoundError`` if the file does not exist.
    """
    if not Path(path).exists():
        raise FileNotFoundError(f"database not found: {path}")
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{_sql_literal(str(path))}' AS {ATTACH_ALIAS} (READ_ONLY)")
    con.execute(f"USE {ATTACH_ALIAS}")
    return con


def read_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of a ``connect_read_only`` connection, pointed at the attached database
    (one per query: a connection is not thread-safe)."""
    cur = con.cursor()
    cur.execute(f"USE {ATTACH_ALIAS}")
    return cur


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
def write_transaction(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Change the database all-or-nothing, without blocking readers.

    Yields a read-write connection to a private copy of ``path`` (or a new file, with the
    schema created) inside ``BEGIN``. On normal exit the transaction commits, the copy is
    checkpointed and atomically renamed over ``path``. On any exception the copy is deleted,
    ``path`` is untouched, and the exception propagates.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with write_lock(path):
        fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if path.exists():
                shutil.copyfile(path, tmp)
            else:
                tmp.unlink()
            con = duckdb.connect(str(tmp))
            try:
                create_schema(con)
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("CHECKPOINT")
            finally:
                con.close()
            os.replace(tmp, path)
        finally:
            for leftover in (tmp, Path(str(tmp) + ".wal")):
                if leftover.exists():
                    leftover.unlink()
