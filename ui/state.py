"""The one module that owns Streamlit caches: database connections and query results.

Connections are read-only and shared by all sessions of the process, one per database
*version* (``db.fingerprint``), through ``analysis.db.ReaderPool``: when a write makes a new
version live, the next rerun reads it, query caches miss (the fingerprint is part of every
cache key), and a watchdog thread closes the old version's connection as soon as no query
uses it, so the write can bring that replica up to date. Each query runs on its own cursor.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import duckdb
import streamlit as st

from analysis import build, db, queries
from analysis.filters import Filter

POOL = db.ReaderPool()
_WATCHDOG_STARTED = threading.Event()
WATCHDOG_SECONDS = 1.0


def db_path() -> Path:
    """Database path: ``streamlit run app.py -- --db PATH``, else env var, else default."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return db.resolve_db_path(args.db)


def db_label(path: Path | None = None) -> str:
    """How the pages name the database file: its path inside the repository
    (``data/collection_watch.duckdb``), else its file name only, never the server's full
    directory layout."""
    path = Path(path or db_path())
    path = path.parent.resolve() / path.name  # the name itself may be a link to the live replica
    repo = Path(__file__).resolve().parent.parent
    try:
        return path.relative_to(repo).as_posix()
    except ValueError:
        return path.name


def _start_watchdog() -> None:
    if _WATCHDOG_STARTED.is_set():
        return
    _WATCHDOG_STARTED.set()

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_SECONDS)
            try:
                POOL.release_superseded()
            except Exception:  # never let the watchdog die; the next round tries again
                pass
    threading.Thread(target=watch, name="collection-watch-reader-watchdog", daemon=True).start()


def database() -> tuple[str, Path]:
    """``(fingerprint, path)`` of the current database version (fingerprint ``"missing"``
    when a non-default database does not exist). Builds the default database with the
    demonstration data on first use."""
    _start_watchdog()
    path = db_path()
    if db.is_default_db(path) and not path.exists():
        from analysis.demo import ensure_demo_database
        with st.spinner("Building the demonstration database (first start only)… / 正在生成演示数据库（仅首次启动）…"):
            ensure_demo_database(path)
    fp = db.fingerprint(path)
    if fp != "missing":
        try:
            _ensure_marts(fp, str(path))
        except db.DatabaseUnreadable as err:
            stop_unreadable(err)
        fp = db.fingerprint(path)  # a new version if the marts had to be built
    return fp, path


def page_lang() -> str:
    """The page's language (``analysis.i18n.LANGS``): the URL's ``lang`` when it names one;
    otherwise the browser's (``st.context.locale``, ``navigator.language``): Chinese for
    ``zh-*``, English for any other language it names; Chinese when it names none."""
    from analysis.i18n import LANGS
    raw = st.query_params.get("lang")
    if raw in LANGS:
        return raw
    locale = str(getattr(st.context, "locale", None) or "").lower()
    return "en" if locale and not locale.startswith("zh") else "zh"


def stop_unreadable(err: Exception) -> None:
    """Say, in the page's language, that the database file cannot be read and how to get a
    working one back (no traceback, no server directories), then stop the page."""
    from analysis.i18n import t
    from ui.text import plain
    path = getattr(err, "path", None) or db_path()
    reason = str(err.__cause__ or err).splitlines()[0]
    for p in (str(Path(path).resolve()), str(path), str(Path(path).parent)):
        reason = reason.replace(p, db_label(path) if p != str(Path(path).parent) else ".")
    st.error(t("db_unreadable", page_lang(), name=plain(db_label(path)),
               reason=plain(reason[:300])), icon=":material/error:")
    st.stop()


@st.cache_resource(show_spinner=False, max_entries=8)
def _ensure_marts(fp: str, path: str) -> None:
    """Once per database version: a database written by an older version lacks marts the
    pages read; build them (one write) before any page queries."""
    with POOL.cursor(Path(path)) as (cur, _):
        missing = build.missing_marts(cur)
    if missing:
        with st.spinner("Updating the summary tables for this version (once)… / 正在为此版本更新汇总表（仅一次）…"):
            build.rebuild(path)


@contextlib.contextmanager
def reading() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of the current database version, for one unit of work (a query, an export).
    Raises ``FileNotFoundError`` when the database does not exist."""
    _, path = database()
    with POOL.cursor(path) as (cur, _fp):
        yield cur


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached(fp: str, path: str, name: str, flt: Filter | None, args: tuple):
    with reading() as cur:
        fn = queries.query_function(name)
        return fn(cur, flt, *args) if flt is not None else fn(cur, *args)


def run_query(name: str, flt: Filter | None = None, *args):
    """Run query ``name`` (see ``analysis.queries.query_function``) as ``fn(cursor, flt, *args)`` (or without
    ``flt`` when None), cached per database version, filter and arguments."""
    fp, path = database()
    try:
        return _cached(fp, str(path), name, flt, tuple(args))
    except (db.DatabaseUnreadable, duckdb.IOException, duckdb.SerializationException) as err:
        stop_unreadable(err)
