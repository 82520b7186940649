"""Removing one import or one source completely (issue 11): the evidence goes, the figures
follow, the audit log keeps the record."""
from __future__ import annotations

import json

import duckdb
import pytest

from analysis import deletion
from analysis.audit import Actor
from analysis.ingest import run_import
from analysis.store import live_replica
from tests.helpers import REPO, build_demo_db
from analysis import store
from tests.test_store import _differences, _mart_rows, _marts_rebuilt_in_full, _no_full_copy, _replicas

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


def test_delete_import_removes_its_complaints_and_rows_and_the_figures_follow(loaded, monkeypatch):
    path, cfpb, intake = loaded
    before = _q(path, "SELECT source, count(*) FROM core_complaints GROUP BY ALL ORDER BY ALL")
    assert ("cfpb", 3) in before
    # the second copy follows by replaying the change (the removed import's raw rows included),
    # not by copying every table
    monkeypatch.setattr(store, "_copy_all", _no_full_copy)
    out = deletion.delete_import(path, cfpb.import_id, ED)
    assert out == {"complaints": 3, "imports": 1, "file_rows": 3,  # its 3 raw rows (nothing was quarantined)
                   "reviewed": 0, "decisions": 0, "incidents": 0, "reopened": 0}
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


def test_delete_source_removes_it_from_the_filters_too(loaded, monkeypatch):
    path, _, intake = loaded
    monkeypatch.setattr(store, "_copy_all", _no_full_copy)
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


# --- a call log attached to an earlier complaint (its calls are that complaint's incidents) ----

X = "intake:IN002"  # one intake row (a home visit in the evening, no clock time), no conduct label
CALLS = 12  # call_log.csv: 12 incoming calls (one at 23:30), one outgoing call, one row without a time


def _incidents(path, cid):
    return _q(path, "SELECT * FROM core_incidents WHERE complaint_id = ? ORDER BY incident_id", [cid])


def _labels(path):
    return _q(path, "SELECT * FROM core_complaint_labels ORDER BY ALL")


def _figures(path):
    """The Overview's key figures and the Time of day page's hour grid (all data, no filter)."""
    from analysis import db, queries
    from analysis.filters import Filter
    with db.connect_read_only(path) as con:
        cur = db.read_cursor(con)
        grid = queries.query_incidents_by_hour_weekday(cur, Filter())
        return queries.query_kpis(cur, Filter()), grid.to_dict("records")


def _preview(path, kind, target):
    from analysis import db
    with db.connect_read_only(path) as con:
        return deletion.query_deletion_preview(db.read_cursor(con), kind, target)


@pytest.fixture
def with_call_log(tmp_path):
    """An intake log (complaints IN001-IN003), then a call log attached to IN002: the database,
    the two imports, and IN002's incidents, every label and the figures before the call log."""
    path = tmp_path / "calls.duckdb"
    [intake] = run_import([FIX / "import" / "intake.csv"], "intake", path, actor=ED)
    before = (_incidents(path, X), _labels(path), _figures(path))
    [log] = run_import([FIX / "import" / "call_log.csv"], "call_log", path, actor=ED, complaint_id=X)
    return path, intake, log, before


def test_deleting_a_call_log_removes_its_calls_from_the_earlier_complaint(with_call_log):
    """The call log's 12 calls are incidents of IN002, whose current version came from the intake
    import: removing the call log takes exactly those 12 incidents and the call-log labels
    computed from them out of IN002, and out of every figure; the preview, the result and the
    audit row say 12. (Before import_id on core_incidents, they stayed and kept counting.)"""
    path, _, log, (incidents, labels, (kpis, grid)) = with_call_log
    assert len(incidents) == 1
    assert _q(path, "SELECT count(*), count(DISTINCT import_id) FROM core_incidents WHERE complaint_id = ? "
                    "AND starts_with(incident_id, ? || '#call-') AND import_id = ?", [X, X, log.import_id]) == [
        (CALLS, 1)]
    assert _q(path, "SELECT label_code, rule_id, pattern_id FROM core_complaint_labels WHERE complaint_id = ? "
                    "AND pattern_id LIKE 'call_log:%' ORDER BY 1", [X]) == [
        ("FREQ_EXCESSIVE_CALLS", "CN-FREQ-01", "call_log:frequency"),
        ("TIME_INCONVENIENT", "CN-TIME-01", "call_log:time")]
    with_calls, _ = _figures(path)
    assert {k: with_calls[k] - kpis[k] for k in ("complaint_count", "improper_complaint_count", "incident_count",
                                                 "exact_time_incident_count", "outside_exact_count")} == {
        "complaint_count": 0, "improper_complaint_count": 1, "incident_count": CALLS,
        "exact_time_incident_count": CALLS, "outside_exact_count": 1}
    assert _preview(path, "import", log.import_id) == {"complaints": 0, "reviewed": 0, "decisions": 0,
                                                       "incidents": CALLS}

    out = deletion.delete_import(path, log.import_id, ED)
    assert out == {"complaints": 0, "imports": 1, "file_rows": 15,  # 14 raw rows, 1 quarantined
                   "reviewed": 0, "decisions": 0, "incidents": CALLS, "reopened": 0}
    assert _incidents(path, X) == incidents  # exactly those before the call log
    assert _labels(path) == labels  # its call-log labels gone, nothing else touched
    assert _figures(path) == (kpis, grid)  # every figure as before the call log: 12 incidents fewer
    assert _q(path, "SELECT count(*) FROM core_qa_issues WHERE import_id = ?", [log.import_id]) == [(0,)]
    assert _q(path, "SELECT status FROM meta_imports WHERE import_id = ?", [log.import_id]) == [("deleted",)]
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)
    assert _differences(*_replicas(path)) == {}
    [(target, removed, detail)] = _q(path, "SELECT target, rows_removed, detail FROM meta_audit "
                                           "WHERE action = 'delete_import'")
    assert (target, removed) == (log.import_id, 0)
    assert json.loads(detail) == {"source": "call_log", **out}


def test_the_calls_left_by_another_call_log_keep_their_labels(with_call_log):
    """Two call logs on one complaint: removing the second recomputes the call-log labels over
    the first's calls (call_log_labels), so they are what the first log alone gave."""
    path, _, first, _ = with_call_log
    only_first = _q(path, "SELECT * FROM core_complaint_labels WHERE complaint_id = ? ORDER BY ALL", [X])
    second = path.parent / "second_log.csv"  # four more connected calls on 2024-12-05, one at 21:30
    second.write_text("号码,时间,通话时长,呼叫类型,是否接通\n" + "".join(
        f"13900004444,2024-12-05 {h}:30:00,30,呼入,是\n" for h in (9, 10, 11, 21)), encoding="utf-8")
    [log] = run_import([second], "call_log", path, actor=ED, complaint_id=X)
    freq = "SELECT evidence FROM core_complaint_labels WHERE complaint_id = ? AND pattern_id = 'call_log:frequency'"
    assert _q(path, freq, [X])[0][0].startswith("CN-FREQ-01: 2×")  # 2024-12-02 and 2024-12-05
    assert deletion.delete_import(path, log.import_id, ED)["incidents"] == 4
    assert _q(path, freq, [X])[0][0].startswith("CN-FREQ-01: 1×")
    assert _q(path, "SELECT * FROM core_complaint_labels WHERE complaint_id = ? ORDER BY ALL", [X]) == only_first
    assert _q(path, "SELECT count(*) FROM core_incidents WHERE complaint_id = ? AND import_id = ?",
              [X, first.import_id]) == [(CALLS,)]
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)


def test_deleting_the_complaints_own_import_still_removes_it_whole(with_call_log):
    """The intake import made IN002: removing it removes IN002 with every incident, the call
    log's included; the call log's own import row stays (nothing of it is left to count)."""
    path, intake, log, _ = with_call_log
    assert _preview(path, "import", intake.import_id)["incidents"] == 0
    out = deletion.delete_import(path, intake.import_id, ED)
    assert (out["complaints"], out["incidents"]) == (3, 0)
    assert _q(path, "SELECT count(*) FROM core_incidents") == [(0,)]
    assert _q(path, "SELECT count(*) FROM core_complaint_labels") == [(0,)]
    assert _q(path, "SELECT status FROM meta_imports WHERE import_id = ?", [log.import_id]) == [("imported",)]
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)


def test_deleting_the_call_log_source_removes_its_calls_from_other_sources_complaints(with_call_log):
    """Removing the source call_log: its log made no complaint of its own, and IN002 (an intake
    complaint) loses its 12 calls as when the import alone is removed."""
    path, _, _, (incidents, labels, figures) = with_call_log
    assert _preview(path, "source", "call_log")["incidents"] == CALLS
    out = deletion.delete_source(path, "call_log", ED)
    assert (out["complaints"], out["imports"], out["incidents"]) == (0, 1, CALLS)
    assert (_incidents(path, X), _labels(path), _figures(path)) == (incidents, labels, figures)
    assert _differences(*_replicas(path)) == {}


def test_a_database_from_before_import_id_is_upgraded_and_still_deletes_correctly(with_call_log):
    """A database of the previous version (core_incidents and core_complaint_labels without
    import_id, on both copies; the standby two versions off, so the next write copies it
    whole): it reads as it is (the preview counts no added incidents), and the next write adds
    the columns, NULL for the rows already there. A call log imported since is removed from its complaint completely; the calls of one
    imported before cannot be told apart and go only with their complaint (documented)."""
    path, intake, old_log, _ = with_call_log
    from analysis.store import store_dir
    for copy in sorted(store_dir(path).glob("*.duckdb")):
        con = duckdb.connect(str(copy))
        con.execute("ALTER TABLE core_incidents DROP COLUMN import_id")
        con.execute("ALTER TABLE core_complaint_labels DROP COLUMN incident_id")
        con.execute("ALTER TABLE core_incidents DROP COLUMN also_import_ids")
        if copy.resolve() != path.resolve():
            con.execute("INSERT INTO meta_store_versions SELECT version + k, FALSE, written_at, 'lost', 0 FROM "
                        "(SELECT max(version) AS version, max(written_at) AS written_at FROM meta_store_versions), "
                        "range(1, 3) r(k)")
        con.close()
    assert _preview(path, "import", old_log.import_id)["incidents"] == 0
    new_log = path.parent / "new_log.csv"  # three calls to IN001, one at 22:30
    new_log.write_text("号码,时间,通话时长,呼叫类型,是否接通\n13900005555,2024-12-04 09:00:00,30,呼入,是\n"
                       "13900005555,2024-12-04 12:00:00,30,呼入,是\n13900005555,2024-12-04 22:30:00,0,呼入,否\n",
                       encoding="utf-8")
    in001 = _incidents(path, "intake:IN001")
    in001_labels = "SELECT * FROM core_complaint_labels WHERE complaint_id = 'intake:IN001' ORDER BY ALL"
    labels = _q(path, in001_labels)
    [log] = run_import([new_log], "call_log", path, actor=ED, complaint_id="intake:IN001")
    assert _differences(*_replicas(path)) == {}
    assert _q(path, "SELECT import_id, count(*) FROM core_incidents GROUP BY ALL ORDER BY ALL") == [
        (log.import_id, 3), (None, 4 + 1 + 1 + CALLS)]  # IN001 (3 rows, 1 narrative), IN002, IN003, old calls
    assert _preview(path, "import", log.import_id)["incidents"] == 3
    assert deletion.delete_import(path, log.import_id, ED)["incidents"] == 3
    assert [r[:-2] for r in _incidents(path, "intake:IN001")] == in001  # (rows of the old shape: no import_id)
    assert [r[:-1] for r in _q(path, in001_labels)] == labels
    assert _differences(*_replicas(path)) == {}
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)
    # the old call log's calls have no import id: they stay with IN002 until its own import goes
    assert deletion.delete_import(path, old_log.import_id, ED)["incidents"] == 0
    assert _q(path, "SELECT count(*) FROM core_incidents WHERE complaint_id = ?", [X]) == [(1 + CALLS,)]
    deletion.delete_import(path, intake.import_id, ED)
    assert _q(path, "SELECT count(*) FROM core_incidents") == [(0,)]
    assert _differences(*_replicas(path)) == {}


def test_labels_of_intake_rows_added_later_go_with_their_rows_and_stay_without_the_call_log(with_call_log):
    """A second intake file adds a row to IN002 (a call at 23:30, "频繁来电、辱骂"): its labels
    are its row's own (incident_id), beside the call log's frequency label (its time label gives
    way to the row's, as when the row came first: computed again after the file). Removing
    the call log leaves the labels that row gives (they were skipped as duplicates, and so lost
    with the call log); removing the second file then takes its row's labels too (they stayed),
    and IN002 is as it was before either."""
    path, _, log, (incidents, labels, figures) = with_call_log
    later = path.parent / "later.csv"
    later.write_text("投诉编号,受理日期,催收日期,催收时刻,催收方式,催收对象,不当行为\n"
                     "IN002,2024-12-06,2024-12-05,23:30,电话,本人,频繁来电、辱骂\n", encoding="utf-8")
    [added] = run_import([later], "intake", path, actor=ED)
    assert added.accepted_count == 1
    [(row,)] = _q(path, "SELECT incident_id FROM core_incidents WHERE import_id = ?", [added.import_id])
    in002 = "SELECT label_code, pattern_id, incident_id FROM core_complaint_labels WHERE complaint_id = ? " \
            "AND label_source = 'field' AND label_kind = 'conduct' ORDER BY 1, 2"
    assert _q(path, in002, [X]) == [
        ("ABUSIVE_LANGUAGE", "profile:intake:conduct", row),
        ("FREQ_EXCESSIVE_CALLS", "call_log:frequency", None),
        ("FREQ_EXCESSIVE_CALLS", "profile:intake:conduct", row),
        ("TIME_INCONVENIENT", "profile:intake:time", row)]  # the call log's time label gives way to the row's
    with_both, _ = _figures(path)
    deletion.delete_import(path, log.import_id, ED)
    assert _q(path, in002, [X]) == [
        ("ABUSIVE_LANGUAGE", "profile:intake:conduct", row),
        ("FREQ_EXCESSIVE_CALLS", "profile:intake:conduct", row),
        ("TIME_INCONVENIENT", "profile:intake:time", row)]
    without_log, _ = _figures(path)
    assert {k: with_both[k] - without_log[k] for k in ("improper_complaint_count", "incident_count")} == {
        "improper_complaint_count": 0, "incident_count": CALLS}  # IN002 is still improper: the later row says so
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)
    out = deletion.delete_import(path, added.import_id, ED)
    assert (out["complaints"], out["incidents"]) == (0, 1)
    assert (_incidents(path, X), _labels(path), _figures(path)) == (incidents, labels, figures)
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)
    assert _differences(*_replicas(path)) == {}


def _evidence(path, cid):
    """A complaint's incidents and field labels, without the columns that name imports or hold
    number hashes or ids built from them (salted per database)."""
    return (_q(path, "SELECT * EXCLUDE (incident_id, import_id, also_import_ids, collector_number_hash) "
                     "FROM core_incidents WHERE complaint_id = ? ORDER BY ALL", [cid]),
            _q(path, "SELECT label_kind, label_code, rule_id, pattern_id, CASE WHEN pattern_id LIKE 'call_log:%' "
                     "THEN NULL ELSE evidence END FROM core_complaint_labels WHERE complaint_id = ? "
                     "AND label_source = 'field' ORDER BY ALL", [cid]))  # (a call log's evidence names hashes)


@pytest.mark.parametrize("removed, goes", [(1, 0), (2, 1)])
def test_a_row_another_file_lists_too_stays_until_no_file_lists_it(tmp_path, removed, goes):
    """A running intake log: m0 holds row 1, m1 row 2, m2 rows 1-3 (rows 1 and 2 are already
    present when it comes). Removing m1 or m2 leaves what the other two give, exactly as
    importing only those two (found by a hostile-input helper: removing m1 took row 2 and its
    labels although m2 lists it); ``goes`` incidents go (m2's row 3). Removing the other of m1
    and m2 then leaves what m0 gives. (Removing m0, which made complaint K1, removes K1 whole:
    documented.)"""
    head = "投诉编号,受理日期,催收日期,催收时刻,催收方式,催收对象,不当行为,诉求,处理状态\n"
    rows = ["K1,2024-12-05,2024-12-02,10:00,电话,本人,辱骂,停止骚扰,处理中\n",
            "K1,2024-12-05,2024-12-03,23:30,电话,家人,爆通讯录,赔偿,处理中\n",
            "K1,2024-12-05,2024-12-04,09:00,短信,本人,,,处理中\n"]
    files = []
    for n, chosen in enumerate(([0], [1], [0, 1, 2])):
        f = tmp_path / f"m{n}.csv"
        f.write_text(head + "".join(rows[i] for i in chosen), encoding="utf-8")
        files.append(f)

    def built(names, where):
        db_path = tmp_path / where
        return db_path, [run_import([files[i]], "intake", db_path, actor=ED)[0] for i in names]

    path, reps = built([0, 1, 2], "all.duckdb")
    assert [(r.accepted_count, r.unchanged_count) for r in reps] == [(1, 0), (1, 0), (1, 2)]
    assert _preview(path, "import", reps[removed].import_id)["incidents"] == goes
    out = deletion.delete_import(path, reps[removed].import_id, ED)
    assert (out["complaints"], out["incidents"]) == (0, goes)
    expected, _ = built([i for i in range(3) if i != removed], f"without_{removed}.duckdb")
    assert len(_evidence(path, "intake:K1")[0]) == 3 - goes
    assert _evidence(path, "intake:K1") == _evidence(expected, "intake:K1")
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)
    assert _differences(*_replicas(path)) == {}
    deletion.delete_import(path, reps[3 - removed].import_id, ED)
    alone, _ = built([0], "only_0.duckdb")
    assert _evidence(path, "intake:K1") == _evidence(alone, "intake:K1")
    assert _differences(*_replicas(path)) == {}


def test_calls_two_call_logs_list_stay_until_both_are_removed(with_call_log):
    """Two call logs that overlap (rows 1-8 and 5-14 of the fixture) on one complaint: removing
    the first leaves every call the second lists and the labels they give, as importing only the
    second; removing that too leaves none."""
    path, _, first_log, _ = with_call_log
    lines = (FIX / "import" / "call_log.csv").read_text(encoding="utf-8").splitlines()
    one, two = path.parent / "cl1.csv", path.parent / "cl2.csv"
    one.write_text("\n".join([lines[0]] + lines[1:9]) + "\n", encoding="utf-8")
    two.write_text("\n".join([lines[0]] + lines[5:15]) + "\n", encoding="utf-8")
    deletion.delete_import(path, first_log.import_id, ED)
    base = _evidence(path, X)
    [a] = run_import([one], "call_log", path, actor=ED, complaint_id=X)
    [b] = run_import([two], "call_log", path, actor=ED, complaint_id=X)
    only_two = path.parent / "only_two.duckdb"
    run_import([FIX / "import" / "intake.csv"], "intake", only_two, actor=ED)
    run_import([two], "call_log", only_two, actor=ED, complaint_id=X)
    assert b.unchanged_count == 4  # cl2 lists 4 of cl1's calls (rows 5-8)
    assert deletion.delete_import(path, a.import_id, ED)["incidents"] == 4  # rows 1-4: cl2 does not list them
    assert _evidence(path, X) == _evidence(only_two, X)
    deletion.delete_import(path, b.import_id, ED)
    assert _evidence(path, X) == base
    assert _mart_rows(path) == _marts_rebuilt_in_full(path)
    assert _differences(*_replicas(path)) == {}
