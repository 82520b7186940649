"""A damaged or foreign database file gives a clear message, never a traceback (issue 11):
in the dashboard (both languages), the import command and the export command."""
from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from analysis import db
from analysis.store import live_replica
from tests.helpers import REPO, build_tiny_db, shown


@pytest.fixture(params=["garbage", "truncated"])
def broken_db(request, tmp_path):
    path = tmp_path / "broken.duckdb"
    if request.param == "garbage":
        path.write_bytes(b"PK\x03\x04 not a database at all " * 500)
    else:
        good = build_tiny_db(tmp_path / "good.duckdb")
        data = live_replica(good).read_bytes()
        path.write_bytes(data[: len(data) // 3])
    return path


@pytest.mark.parametrize("lang,words", [("en", "cannot be read"), ("zh", "无法读取数据库")])
def test_dashboard_says_the_file_cannot_be_read(broken_db, monkeypatch, lang, words):
    monkeypatch.setenv(db.ENV_VAR, str(broken_db))
    at = AppTest.from_file(str(REPO / "pages" / "overview.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    [err] = [shown(e.value) for e in at.error]
    assert words in err and "broken.duckdb" in err
    assert str(broken_db.parent) not in err  # no server directories


def test_import_command_refuses_with_the_reason(broken_db, tmp_path):
    src = REPO / "tests" / "fixtures" / "cfpb" / "three_date_formats.csv"
    out = subprocess.run([sys.executable, "-m", "analysis.ingest", "--format", "cfpb", "--db", str(broken_db), str(src)],
                         capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 2
    assert "is not a readable Collection Watch database" in out.stderr and "import the source files again" in out.stderr
    assert "Traceback" not in out.stderr
    assert broken_db.is_file() and not broken_db.is_symlink()  # left as it was, not taken into the store


def test_export_command_refuses_with_the_reason(broken_db, tmp_path):
    out = subprocess.run([sys.executable, "-m", "analysis.export", "--db", str(broken_db), "--out", str(tmp_path / "x"),
                          "--page", "overview", "--format", "csv"],
                         capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "is not a readable Collection Watch database" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("module", ["analysis.build", "analysis.classify.relabel"])
def test_rebuild_and_relabel_commands_refuse_with_the_reason(broken_db, module):
    out = subprocess.run([sys.executable, "-m", module, "--db", str(broken_db)],
                         capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "is not a readable Collection Watch database" in out.stderr and "Traceback" not in out.stderr
