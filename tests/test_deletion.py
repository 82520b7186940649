"""Removing one import or one source completely (issue 11): the evidence goes, the figures
follow, the audit log keeps the record."""
from __future__ import annotations

import duckdb
import pytest

from analysis import deletion
from analysis.audit import Actor
from analysis.ingest import run_import
from analysis.store import live_replica
from tests.helpers import REPO, build_demo_db
from tests.test_store import _mart_rows, _marts_rebuilt_in_full, _replicas, _differences

FIX = REPO / "tests" / "fixtures"
ED = Actor("ed", "editor")


@pytest.fixture
def loaded(tmp_path):
    path = tmp_path / "cw.duckdb"
    build_demo_db(path)
    [cfpb] = run_import([FIX / "cfpb" / "three_date_formats.csv"], "cfpb", path, actor=ED)
    [intake] = run_import([FIX / "import" / "intake.csv"], "intake", path, actor=ED)
    return path, cfpb, intake


def _q(path, sql, params=()):
    with duckdb.connect(str(live_replica(path)), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_delete_import_removes_its_complaints_and_rows_and_the_figures_follow(loaded):
    path, cfpb, intake = loaded
    before = _q(path, "SELECT source, count(*) FROM core_complaints GROUP BY ALL ORDER BY ALL")
    assert ("cfpb", 3) in before
    out = deletion.delete_import(path, cfpb.import_id, ED)
    assert out == {"complaints": 3, "imports": 1, "file_rows": 3,  # its 3 raw rows (nothing was quarantined)
                   "reviewed": 0, "decisions": 0}
    after = _q(path, "SELECT source, count(*) FROM core_complaints GROUP BY ALL ORDER BY ALL")
    assert after == [r for r in before if r[0] != "cfpb"]
    for t in ("raw_cfpb__complaints", "core_quarantine", "core_qa_issues"):
        assert _q(path, f"SELECT count(*) FROM {t} WHERE import_id = ?", [cfpb.import_id]) == [(0,)]
    assert _q(path, "SELECT count(*) FROM core_incidents WHERE complaint_id LIKE 'cfpb:%'") == [(0,)]
    assert _q(path, "SELECT status FROM meta_imports WHERE import_id = ?", [cfpb.import_id]) == [("deleted",)]
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)  # the summary tables follow
    assert _differences(*_replicas(path)) == {}  # and so does the second copy
    audit = _q(path, "SELECT actor, actor_role, action, target, file_name, rows_removed FROM meta_audit "
                     "ORDER BY logged_at, audit_id")
    assert audit[-1] == ("ed", "editor", "delete_import", cfpb.import_id, "three_date_formats.csv", 3)
    assert [a[2] for a in audit] == ["import", "import", "delete_import"]  # the import's own row is kept
    # the same file can be imported again
    [again] = run_import([FIX / "cfpb" / "three_date_formats.csv"], "cfpb", path, actor=ED)
    assert (again.status, again.accepted_count) == ("imported", 3)
    with pytest.raises(deletion.NothingToDelete):
        deletion.delete_import(path, cfpb.import_id, ED)


def test_delete_source_removes_it_from_the_filters_too(loaded):
    path, _, intake = loaded
    n = _q(path, "SELECT count(*) FROM core_complaints WHERE source = 'intake'")[0][0]
    out = deletion.delete_source(path, "intake", ED)
    assert out["complaints"] == n > 0 and out["imports"] == 1
    assert _q(path, "SELECT count(*) FROM core_complaints WHERE source = 'intake'") == [(0,)]
    assert _q(path, "SELECT count(*) FROM meta_sources WHERE source = 'intake'") == [(0,)]
    assert _q(path, "SELECT count(*) FROM mart_complaint_facts WHERE source = 'intake'") == [(0,)]
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)
    assert _q(path, "SELECT action, target, rows_removed FROM meta_audit WHERE action = 'delete_source'") == [
        ("delete_source", "intake", n)]
    with pytest.raises(deletion.NothingToDelete):
        deletion.delete_source(path, "intake", ED)


def test_a_failed_deletion_changes_nothing(loaded, monkeypatch):
    path, cfpb, _ = loaded
    before = _mart_rows(path)
    from analysis import audit

    def broken(*_a, **_k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        deletion.delete_import(path, cfpb.import_id, ED)
    assert _q(path, "SELECT count(*) FROM core_complaints WHERE import_id = ?", [cfpb.import_id]) == [(3,)]
    assert _mart_rows(path) == before
