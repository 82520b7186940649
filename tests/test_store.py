"""The store (analysis/store.py): writes cost what they change, readers never see half a
write, a killed write leaves the database as it was, and both replicas stay equal."""
from __future__ import annotations

import csv
import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from analysis import build, db, store
from analysis.schema import DERIVED_VIEWS
from analysis.ingest import run_import

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "cfpb" / "current_wording.csv"


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header] + rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _replicated(tmp_path: Path, n: int, start_id: int = 5_000_000, name: str = "big.csv") -> Path:
    """``n`` rows made from the fixture's rows with new Complaint IDs (a file big enough for a
    kill to land in the middle of its import)."""
    header, rows = _rows(FIXTURE)
    cid = header.index("Complaint ID")
    out = []
    for i in range(n):
        r = list(rows[i % len(rows)])
        r[cid] = str(start_id + i)
        out.append(r)
    return _write(tmp_path / name, header, out)


def _tables(con, catalog: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND NOT temporary ORDER BY 1",
        [catalog]).fetchall()]


def _differences(file_a: Path, file_b: Path) -> dict[str, tuple[int, int]]:
    """``{table: (rows only in a, rows only in b)}`` for every table that differs."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{file_a}' AS ra (READ_ONLY)")
    con.execute(f"ATTACH '{file_b}' AS rb (READ_ONLY)")
    out = {}
    tables = _tables(con, "ra")
    assert tables == _tables(con, "rb")
    for t in tables:
        only_a = con.execute(f"SELECT count(*) FROM (FROM ra.{t} EXCEPT ALL FROM rb.{t})").fetchone()[0]
        only_b = con.execute(f"SELECT count(*) FROM (FROM rb.{t} EXCEPT ALL FROM ra.{t})").fetchone()[0]
        if only_a or only_b:
            out[t] = (only_a, only_b)
    con.close()
    return out


def _replicas(path: Path) -> tuple[Path, Path]:
    d = store.store_dir(path)
    return d / "a.duckdb", d / "b.duckdb"


def _live_counts(path: Path) -> dict[str, int]:
    with db.connect_read_only(path) as con:
        cur = db.read_cursor(con)
        return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _tables(cur, db.ATTACH_ALIAS)}


def _versions(path: Path) -> list[tuple]:
    with db.connect_read_only(path) as con:
        return db.read_cursor(con).execute(
            "SELECT version, is_full, changed_complaint_count FROM meta_store_versions ORDER BY version").fetchall()


_MARTS = build.MART_TABLES + tuple(c.name for c in build.CUBES)


def _mart_rows(path: Path) -> dict[str, list]:
    with db.connect_read_only(path) as con:
        cur = db.read_cursor(con)
        return {t: cur.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in _MARTS}


def _marts_rebuilt_in_full(path: Path) -> dict[str, list]:
    con = duckdb.connect()
    con.execute(f"ATTACH '{store.live_replica(path)}' AS src (READ_ONLY)")
    for t in build.CORE_MART_INPUTS:
        con.execute(f"CREATE TABLE {t} AS FROM src.{t}")
    for name, sql in DERIVED_VIEWS.items():
        con.execute(f"CREATE VIEW {name} AS {sql}")
    build.build_marts(con)
    out = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in _MARTS}
    con.close()
    return out


def _no_full_copy(*_a, **_k):
    raise AssertionError("a replica was copied whole instead of replaying the change")


def test_store__replication_keys():
    assert store.replication_key("raw_cfpb__complaints", ["import_id", "complaint_id"]) == "import_id"
    assert store.replication_key("core_qa_issues", ["import_id", "complaint_id"]) == "complaint_id"
    assert store.replication_key("core_quarantine", ["import_id", "source_file"]) == "import_id"
    assert store.replication_key("mart_complaint_cube", ["group_key", "source"]) == "group_key"
    assert store.replication_key("meta_sources", ["source"]) is None


def test_store__imports_are_incremental_and_replicas_equal(tmp_path, monkeypatch):
    path = tmp_path / "x.duckdb"
    header, rows = _rows(FIXTURE)
    n = len(rows)
    first = run_import([FIXTURE], "cfpb", path)[0]
    assert (first.accepted_count, first.quarantined_count) == (n, 0)
    assert os.readlink(path) == "x.duckdb.store/a.duckdb"
    # an update of one complaint and one new complaint
    cid, resp = header.index("Complaint ID"), header.index("Company response to consumer")
    changed = [list(r) for r in rows]
    changed[0][resp] = "Closed with monetary relief"
    new = list(rows[1])
    new[cid] = "9199999"
    monkeypatch.setattr(store, "_copy_all", _no_full_copy)  # every later write replays its change set
    second = run_import([_write(tmp_path / "v2.csv", header, changed + [new])], "cfpb", path)[0]
    assert (second.accepted_count, second.updated_count, second.unchanged_count) == (2, 1, n - 1)
    # the second write touched exactly the two complaints it changed, not the database
    assert _versions(path) == [(1, True, n), (2, False, 2)]
    assert os.readlink(path) == "x.duckdb.store/b.duckdb"
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)
    assert _differences(*_replicas(path)) == {}
    with db.connect_read_only(path) as con:
        got = db.read_cursor(con).execute(
            "SELECT outcome_code FROM mart_complaint_facts WHERE complaint_id = ?", [f"cfpb:{rows[0][cid]}"]).fetchone()
    assert got == ("monetary_relief",)
    # re-importing the same bytes adds nothing and changes no complaint
    third = run_import([tmp_path / "v2.csv"], "cfpb", path)[0]
    assert third.status == "already_imported"
    assert _versions(path)[-1] == (3, False, 0)
    assert _differences(*_replicas(path)) == {}


def test_store__profile_import_and_relabel_keep_replicas_equal(tmp_path):
    path = tmp_path / "x.duckdb"
    run_import([REPO / "tests" / "fixtures" / "import" / "heimao.csv"], "heimao", path)
    run_import([REPO / "tests" / "fixtures" / "import" / "intake.csv"], "intake", path)
    from analysis.classify.relabel import relabel
    found, _, _ = relabel(path, stale_only=False)
    versions = _versions(path)
    assert [v[:2] for v in versions] == [(1, True), (2, False), (3, False)]
    with duckdb.connect(str(path), read_only=True) as con:  # the audit log says who re-read what
        assert con.execute("SELECT action, via, rows_updated FROM meta_audit ORDER BY logged_at DESC LIMIT 1"
                           ).fetchall() == [("relabel", "command line", found["narratives"])]
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)
    assert _differences(*_replicas(path)) == {}


def test_store__undeclared_write_falls_back_to_a_full_rebuild(tmp_path, caplog):
    path = tmp_path / "x.duckdb"
    run_import([FIXTURE], "cfpb", path)
    with db.write_transaction(path, "sloppy") as con:
        con.execute("UPDATE core_complaints SET outcome_code = 'withdrawn'")
        con.execute("DELETE FROM core_incidents")
    assert "without declaring" in caplog.text
    assert _versions(path)[-1][:2] == (2, True)
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)
    assert _differences(*_replicas(path)) == {}


def test_store__failed_write_leaves_live_replica_and_link(tmp_path):
    path = tmp_path / "x.duckdb"
    run_import([FIXTURE], "cfpb", path)
    live = store.live_replica(path)
    before = (os.readlink(path), live.read_bytes(), db.fingerprint(path))
    with pytest.raises(RuntimeError):
        with db.write_transaction(path) as con:
            con.execute("DELETE FROM core_complaints")
            store.mark_changed(con, "SELECT complaint_id FROM core_incidents")
            raise RuntimeError("boom")
    assert (os.readlink(path), live.read_bytes(), db.fingerprint(path)) == before


def test_store__standby_ahead_after_a_kill_before_the_swap_is_set_back(tmp_path, monkeypatch):
    path = tmp_path / "x.duckdb"
    run_import([FIXTURE], "cfpb", path)
    before = _live_counts(path)
    big = _replicated(tmp_path, 50)

    def killed(*_a, **_k):
        raise KeyboardInterrupt("killed between commit and swap")
    monkeypatch.setattr(store, "point_at", killed)
    with pytest.raises(KeyboardInterrupt):
        run_import([big], "cfpb", path)
    monkeypatch.undo()
    assert _live_counts(path) == before  # the committed standby never became visible
    # the standby is a version ahead; the next write sets it back, then applies its own change
    rep = run_import([FIXTURE], "cfpb", path)[0]
    assert rep.status == "already_imported"
    assert _live_counts(path) == before | {"meta_imports": before["meta_imports"] + 1,
                                          "meta_audit": before["meta_audit"] + 1,
                                          "meta_store_versions": 2, "meta_change_log": 0}
    assert _differences(*_replicas(path)) == {}


def test_store__plain_database_file_is_converted_without_losing_anything(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    con.execute("INSERT INTO meta_sources (source, name_en) VALUES ('legacy', 'Kept')")
    con.close()
    os.chmod(path, 0o640)
    run_import([FIXTURE], "cfpb", path)
    assert path.is_symlink()
    a, b = _replicas(path)
    for f in (a, b):
        assert stat.S_IMODE(os.stat(f).st_mode) == 0o640
    with db.connect_read_only(path) as c:
        assert db.read_cursor(c).execute("SELECT name_en FROM meta_sources WHERE source = 'legacy'").fetchall() == [
            ("Kept",)]
    assert _differences(a, b) == {}


def test_store__permissions_are_kept_across_writes(tmp_path):
    path = tmp_path / "x.duckdb"
    run_import([FIXTURE], "cfpb", path)
    for f in _replicas(path):
        os.chmod(f, 0o640)
    run_import([_replicated(tmp_path, 5)], "cfpb", path)
    assert [stat.S_IMODE(os.stat(f).st_mode) for f in _replicas(path)] == [0o640, 0o640]


def test_store__reader_sees_old_version_until_it_reopens_and_blocks_only_the_catch_up(tmp_path, monkeypatch):
    path = tmp_path / "x.duckdb"
    run_import([FIXTURE], "cfpb", path)
    n0 = _live_counts(path)["core_complaints"]
    reader = db.connect_read_only(path)
    monkeypatch.setattr(store, "REPLICA_WAIT_SECONDS", 0.3)
    rep = run_import([_replicated(tmp_path, 7)], "cfpb", path)[0]  # the reader holds the old replica
    assert rep.accepted_count == 7
    assert db.read_cursor(reader).execute("SELECT count(*) FROM core_complaints").fetchone()[0] == n0
    assert _live_counts(path)["core_complaints"] == n0 + 7
    a, b = _replicas(path)
    assert set(_differences(a, b)) >= {"core_complaints"}  # the old replica waits for its reader
    reader.close()
    run_import([_replicated(tmp_path, 3, start_id=6_000_000, name="more.csv")], "cfpb", path)
    assert _live_counts(path)["core_complaints"] == n0 + 10
    assert _differences(a, b) == {}


def test_reader_pool__releases_superseded_versions_when_unused(tmp_path):
    path = tmp_path / "x.duckdb"
    run_import([FIXTURE], "cfpb", path)
    pool = db.ReaderPool()
    with pool.cursor(path) as (cur, fp1):
        n0 = cur.execute("SELECT count(*) FROM core_complaints").fetchone()[0]
        assert pool.open_count() == 1
    run_import([_replicated(tmp_path, 4)], "cfpb", path)
    assert pool.release_superseded() == 1 and pool.open_count() == 0
    with pool.cursor(path) as (cur, fp2):
        assert cur.execute("SELECT count(*) FROM core_complaints").fetchone()[0] == n0 + 4
    assert fp2 != fp1 and pool.open_count() == 1
    pool.close_all()
    assert pool.open_count() == 0


_KILL_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from analysis.ingest import run_import
print("start", flush=True)
run_import([Path({csv!r})], "cfpb", Path({db!r}), progress=lambda f, m: print(f, m, flush=True))
print("IMPORT FINISHED", flush=True)
"""


def _run_and_kill(script: Path, marker: str, after: float) -> str:
    """Start the import, SIGKILL it ``after`` seconds after it reports ``marker``; return
    what it printed."""
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if marker in line:
            break
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    seen.append(proc.communicate()[0])
    return "".join(seen)


#: Kill points before the swap: (progress message, seconds after it); in the order of an import.
_KILLS_BEFORE_SWAP = (("start", 0.0), ("start", 0.3), ("rows read", 0.0), ("validating and coding", 0.0),
                      ("validating and coding", 0.1), ("updating summary tables", 0.0))


def test_store__import_killed_at_any_moment_leaves_database_exactly_as_before(tmp_path):
    path = tmp_path / "x.duckdb"
    run_import([FIXTURE], "cfpb", path)
    big = _replicated(tmp_path, 3000)
    script = tmp_path / "imp.py"
    script.write_text(_KILL_SCRIPT.format(repo=str(REPO), csv=str(big), db=str(path)))
    live_bytes, link = store.live_replica(path).read_bytes(), os.readlink(path)
    counts = _live_counts(path)
    for marker, after in _KILLS_BEFORE_SWAP:
        out = _run_and_kill(script, marker, after)
        assert "IMPORT FINISHED" not in out and "updating the second copy" not in out, out
        assert os.readlink(path) == link
        assert store.live_replica(path).read_bytes() == live_bytes
        assert _live_counts(path) == counts
    # killed while the other replica is brought up to date: the import is visible and whole
    out = _run_and_kill(script, "updating the second copy", 0.0)
    assert os.readlink(path) != link
    assert _live_counts(path)["core_complaints"] == counts["core_complaints"] + 3000
    # whatever the kills left, the next write cleans up and both replicas end equal
    rep = run_import([big], "cfpb", path)[0]
    assert rep.status == "already_imported"
    assert _differences(*_replicas(path)) == {}
    leftovers = sorted(p.name for p in store.store_dir(path).iterdir())
    assert leftovers == ["a.duckdb", "b.duckdb", "tmp"]
    assert not any(store.spill_dir(path).iterdir())
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob("*.wal"))


def test_store__readers_during_a_command_line_import_see_before_or_after_never_between(tmp_path):
    path = tmp_path / "x.duckdb"
    run_import([FIXTURE], "cfpb", path)
    before = _live_counts(path)["core_complaints"]
    big = _replicated(tmp_path, 3000)
    script = tmp_path / "imp.py"
    script.write_text(_KILL_SCRIPT.format(repo=str(REPO), csv=str(big), db=str(path)))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    seen = set()
    while proc.poll() is None:  # a dashboard-like reader: open, count, close, again
        with db.connect_read_only(path) as con:
            cur = db.read_cursor(con)
            seen.add(cur.execute("SELECT (SELECT count(*) FROM core_complaints), "
                                 "(SELECT count(*) FROM mart_complaint_facts)").fetchone())
    assert "IMPORT FINISHED" in proc.communicate()[0]
    assert seen <= {(before, before), (before + 3000, before + 3000)} and (before, before) in seen
    assert _live_counts(path)["core_complaints"] == before + 3000


def test_store__a_second_copy_that_cannot_be_updated_is_no_failed_write(tmp_path, monkeypatch, caplog):
    """Once the link points at the new copy the change is saved: a failure to update the other
    copy (no space left on the disk, found by a hostile-input test) is a warning, not an error
    (the command printed a traceback and exit status 1 for an import that was in), and the next
    write brings that copy up to date."""
    path = tmp_path / "cw.duckdb"
    with db.write_transaction(path, "first") as con:
        con.execute("INSERT INTO meta_sources (source, name_en, name_zh, publisher, jurisdiction, is_synthetic) "
                    "VALUES ('s1', 'S1', 'S1', 'p', 'US', false)")

    def no_space(*args, **kwargs):
        raise duckdb.IOException('Could not write file "b.duckdb": No space left on device')
    real = db._catch_up
    monkeypatch.setattr(db, "_catch_up", no_space)
    with caplog.at_level("WARNING"):
        with db.write_transaction(path, "second") as con:
            con.execute("INSERT INTO meta_sources (source, name_en, name_zh, publisher, jurisdiction, is_synthetic) "
                        "VALUES ('s2', 'S2', 'S2', 'p', 'US', false)")
    assert "second is saved; its second copy was not updated" in caplog.text
    with db.connect_read_only(path) as con:
        assert db.read_cursor(con).execute("SELECT source FROM meta_sources ORDER BY 1").fetchall() == [("s1",), ("s2",)]
    monkeypatch.setattr(db, "_catch_up", real)
    with db.write_transaction(path, "third") as con:
        con.execute("INSERT INTO meta_sources (source, name_en, name_zh, publisher, jurisdiction, is_synthetic) "
                    "VALUES ('s3', 'S3', 'S3', 'p', 'US', false)")
    copies = [duckdb.connect(str(p), read_only=True) for p in sorted(store.store_dir(path).glob("*.duckdb"))]
    try:
        assert [c.execute("SELECT source FROM meta_sources ORDER BY 1").fetchall() for c in copies] == [
            [("s1",), ("s2",), ("s3",)]] * 2
    finally:
        for c in copies:
            c.close()


def test_import_cli__a_failed_write_says_nothing_was_written(tmp_path, monkeypatch, capsys):
    """An import that fails on the disk (no space left) prints what happened and that nothing was
    written, with exit status 1 (it was a traceback whose last line was "cannot rollback - no
    transaction is active", the real cause buried in the chained exception)."""
    from analysis.ingest import __main__ as cli

    def full(*args, **kwargs):
        raise duckdb.IOException("No space left on device")
    monkeypatch.setattr(cli, "run_import", full)
    assert cli.main(["--format", "cfpb", "--db", str(tmp_path / "x.duckdb"), "a.csv"]) == 1
    err = capsys.readouterr().err
    assert f"Import failed, nothing was written to {tmp_path / 'x.duckdb'}:\n  IOException: No space left on device" in err
