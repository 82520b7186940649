"""Many people at once (issue 11): a real server on localhost, 20 sessions browsing every
page while imports run, bounded in time, with no error.

A session here speaks Streamlit's own protocol over its websocket, as the browser does:
it asks for a page with a query string and reads the page's elements until the script run
has finished. That is the whole of the server's work for a page view (the browser's drawing
is not the server's load), so 20 of them fit on a 2-core CI machine; the browser tests check
the drawing."""
from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from analysis import db
from benchmarks.gen_cfpb import write_cfpb_csv
from tests.helpers import REPO, build_demo_db
from ui.nav import PAGES

SESSIONS = 20
#: Seconds one page view may take on the loaded machine before it counts as a failure.
PAGE_TIMEOUT = 120
#: Seconds the whole test may take.
TOTAL_TIMEOUT = 600
VIEW_PAGES = [p.url_path for p in PAGES if p.url_path not in ("import", "intake")]
FINISHED_OK = 0  # ScriptFinishedStatus: FINISHED_SUCCESSFULLY; 2 = finished early for a rerun


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _view(port: int, page: str, query: str) -> tuple[float, list[str]]:
    """One page view: ``(seconds, problems)``; problems are exceptions, error alerts, a page
    not found, a compile error or a timeout."""
    started = time.monotonic()
    problems: list[str] = []
    async with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        await ws.send(msg.SerializeToString())
        while True:
            left = PAGE_TIMEOUT - (time.monotonic() - started)
            try:
                raw = await asyncio.wait_for(ws.recv(), max(0.1, left))
            except asyncio.TimeoutError:
                problems.append(f"{page}?{query}: no end of the script run within {PAGE_TIMEOUT} s")
                break
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "page_not_found":
                problems.append(f"{page}: page not found")
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                if el.WhichOneof("type") == "exception":
                    problems.append(f"{page}?{query}: exception {el.exception.type}: {el.exception.message[:200]}")
                elif el.WhichOneof("type") == "alert" and el.alert.format == el.alert.ERROR:
                    problems.append(f"{page}?{query}: error shown: {el.alert.body[:200]}")
            elif kind == "script_finished":
                if fm.script_finished == FINISHED_OK:
                    break
                if fm.script_finished == 1:
                    problems.append(f"{page}: compile error")
                    break
    return time.monotonic() - started, problems


async def _browse(port: int, i: int, rounds: int, times: list, problems: list) -> None:
    lang = "zh" if i % 2 else "en"
    for r in range(rounds):
        for page in VIEW_PAGES:
            query = f"lang={lang}" + ("&submission_medium=web" if (i + r) % 3 == 0 else "")
            seconds, found = await _view(port, page, query)
            times.append(seconds)
            problems.extend(found)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    base = tmp_path_factory.mktemp("concurrency")
    path = base / "cw.duckdb"
    build_demo_db(path)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in (db.ENV_VAR, "COLLECTION_WATCH_ACCOUNTS")}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none", "--", "--db", str(path)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    yield port, path, base
    proc.terminate()
    proc.wait(timeout=30)


def test_twenty_sessions_browse_every_page_while_imports_run(served):
    port, path, base = served
    files = []
    for k in range(2):  # two imports, one after the other, while everyone browses
        f = base / f"import_{k}.csv"
        write_cfpb_csv(f, 20_000, seed=40 + k, start_id=1 + k * 100_000)
        files.append(f)
    times: list[float] = []
    problems: list[str] = []
    imports: list[subprocess.CompletedProcess] = []

    async def run_imports() -> None:
        await asyncio.sleep(2)  # the sessions are under way
        for f in files:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "analysis.ingest", "--format", "cfpb", "--db", str(path), "--classify", "none",
                str(f), cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            out, err = await proc.communicate()
            imports.append(subprocess.CompletedProcess([str(f)], proc.returncode, out.decode(), err.decode()))

    async def everything() -> None:
        await asyncio.wait_for(asyncio.gather(run_imports(), *[_browse(port, i, 2, times, problems)
                                                                 for i in range(SESSIONS)]), TOTAL_TIMEOUT)

    started = time.monotonic()
    asyncio.run(everything())
    took = time.monotonic() - started
    assert [p.returncode for p in imports] == [0, 0], [p.stderr[-500:] for p in imports]
    assert all("20,000 rows read = 20,000 accepted" in p.stdout for p in imports), [p.stdout for p in imports]
    views = SESSIONS * 2 * len(VIEW_PAGES)
    assert len(times) == views
    assert problems == []
    q = statistics.quantiles(times, n=20)
    print(f"\n{SESSIONS} sessions, {views} page views + 2 imports of 20,000 rows in {took:.0f} s; "
          f"page view p50 {statistics.median(times):.1f} s, p95 {q[18]:.1f} s, max {max(times):.1f} s")
    # after the imports every session sees the new version
    _, after = asyncio.run(_view(port, "data", "lang=en"))
    assert after == []
