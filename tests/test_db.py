"""Write transactions: all or nothing, readers never blocked; path resolution; rules."""
import pytest

from analysis import db
from analysis.rules import classify_contact_time, forbidden_hours


def test_write_transaction__failure_leaves_file_as_it_was(tmp_path):
    path = tmp_path / "x.duckdb"
    with db.write_transaction(path) as con:
        con.execute("INSERT INTO meta_sources (source) VALUES ('a')")
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with db.write_transaction(path) as con:
            con.execute("INSERT INTO meta_sources (source) VALUES ('b')")
            raise RuntimeError("boom")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.duckdb", "x.duckdb.lock", "x.duckdb.store"]
    # the two replicas and an empty spill folder; no temporary copy, no write-ahead log
    assert sorted(p.name for p in (tmp_path / "x.duckdb.store").iterdir()) == ["a.duckdb", "b.duckdb", "tmp"]
    assert not any((tmp_path / "x.duckdb.store" / "tmp").iterdir())


def test_write_transaction__reader_keeps_working_during_and_after_swap(tmp_path):
    path = tmp_path / "x.duckdb"
    with db.write_transaction(path) as con:
        con.execute("INSERT INTO meta_sources (source) VALUES ('a')")
    reader = db.connect_read_only(path)
    fp1 = db.fingerprint(path)
    with db.write_transaction(path) as con:  # would fail with a lock error if it touched the live file
        con.execute("INSERT INTO meta_sources (source) VALUES ('b')")
    assert reader.execute("SELECT count(*) FROM meta_sources").fetchone()[0] == 1  # old version
    assert db.fingerprint(path) != fp1
    fresh = db.connect_read_only(path)  # same process: must see the new version, not a cached one
    assert db.read_cursor(fresh).execute("SELECT count(*) FROM meta_sources").fetchone()[0] == 2
    reader.close(); fresh.close()


def test_resolve_db_path__cli_then_env_then_default(monkeypatch, tmp_path):
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    assert db.resolve_db_path(None) == db.DEFAULT_DB_PATH
    monkeypatch.setenv(db.ENV_VAR, str(tmp_path / "env.duckdb"))
    assert db.resolve_db_path(None) == tmp_path / "env.duckdb"
    assert db.resolve_db_path(tmp_path / "cli.duckdb") == tmp_path / "cli.duckdb"
    assert not db.is_default_db(tmp_path / "cli.duckdb")


@pytest.mark.parametrize("jur,h,m,s,expected", [
    ("CN", 22, 0, 0, "outside"), ("CN", 21, 59, 0, "inside"), ("CN", 8, 0, 0, "inside"), ("CN", 7, 59, 0, "outside"),
    ("US", 21, 0, 0, "boundary"), ("US", 21, 0, 1, "outside"), ("US", 21, 1, 0, "outside"), ("US", 8, 0, 0, "inside"),
    ("US", 7, 59, 0, "outside"), ("US", 0, 0, 0, "outside"),
])
def test_classify_contact_time__rulebook_edges(jur, h, m, s, expected):
    status, rule = classify_contact_time(jur, h, m, s)
    assert status == expected and rule == f"{jur}-TIME-01"


def test_forbidden_hours__cn_and_us():
    assert forbidden_hours("CN") == [0, 1, 2, 3, 4, 5, 6, 7, 22, 23]
    assert forbidden_hours("US") == [0, 1, 2, 3, 4, 5, 6, 7, 22, 23]
    with pytest.raises(ValueError):
        classify_contact_time("FR", 1)
