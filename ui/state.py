"""The one module that owns Streamlit caches: the database connection and query results.

The connection is opened read-only and cached per database *version* (``db.fingerprint``):
when an import swaps in a new file, the next rerun opens it and query caches miss, since
the fingerprint is part of every cache key. Each query runs on its own ``cursor()``.
"""
from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

import duckdb
import streamlit as st

from analysis import db, queries
from analysis.filters import Filter

_LOCK = threading.Lock()
_CONNECTIONS: dict[tuple[str, str], duckdb.DuckDBPyConnection] = {}


def db_path() -> Path:
    """Database path: ``streamlit run app.py -- --db PATH``, else env var, else default."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return db.resolve_db_path(args.db)


def connection() -> tuple[duckdb.DuckDBPyConnection | None, str, Path]:
    """``(connection or None, fingerprint, path)`` for the current database version.

    Builds the default database with the demonstration data on first use. Returns
    ``None`` as connection when a non-default database does not exist.
    """
    path = db_path()
    if db.is_default_db(path) and not path.exists():
        from analysis.demo import ensure_demo_database
        with st.spinner("Building the demonstration database (first start only)… / 正在生成演示数据库（仅首次启动）…"):
            ensure_demo_database(path)
    fp = db.fingerprint(path)
    if fp == "missing":
        return None, fp, path
    key = (str(path), fp)
    with _LOCK:
        con = _CONNECTIONS.get(key)
        if con is None:
            for old_key in [k for k in _CONNECTIONS if k[0] == str(path)]:
                _CONNECTIONS.pop(old_key).close()
            con = db.connect_read_only(path)
            _CONNECTIONS[key] = con
    return con, fp, path


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached(fp: str, path: str, name: str, flt: Filter | None, args: tuple):
    con, cur_fp, _ = connection()
    if con is None:
        raise FileNotFoundError(path)
    cur = db.read_cursor(con)
    try:
        fn = getattr(queries, name)
        return fn(cur, flt, *args) if flt is not None else fn(cur, *args)
    finally:
        cur.close()


def run_query(name: str, flt: Filter | None = None, *args):
    """Run ``analysis.queries.<name>(cursor, flt, *args)`` (or without ``flt`` when None),
    cached per database version, filter and arguments."""
    _, fp, path = connection()
    return _cached(fp, str(path), name, flt, tuple(args))
