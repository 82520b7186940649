"""The review queue (analysis.reviews): reviewed labels win in every count, the queue's orders
and progress, who and when, the labelled-set export, and the upgrade of marts of an older shape.

The database is the tiny one of tests/helpers.py plus narratives, narrative incidents and
model suggestions (``build_reviewable_db``); every expected value below is worked out by hand
from it."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from analysis import build, db, deletion, queries, reviews
from analysis.audit import Actor
from analysis.filters import Filter, build_where
from analysis.reviews import Decision, NewIncident, Review, ReviewError
from analysis.store import mark_changed
from tests.helpers import REPO, build_tiny_db

EDITOR = Actor("ed", "editor")


def build_reviewable_db(path: Path) -> Path:
    """The tiny database, then (one declared write, so the marts are updated incrementally):

    - narratives on us:1 (en), us:2 (en) and cn:3 (zh);
    - narrative incidents us:1#n1 (letter, debtor, unknown time) and cn:3#n1 (visit_home, family,
      exact 23:00 → outside CN-TIME-01);
    - model suggestions: us:1 EMPLOYER_CONTACT 0.62 (the rules have FREQ_EXCESSIVE_CALLS and
      TIME_INCONVENIENT from fields: 3 disagreements), us:2 ABUSIVE_LANGUAGE 0.91 and
      THREAT_VIOLENCE 0.55 (issue code has ABUSIVE_LANGUAGE, not from the narrative: 2), cn:3
      CONTACT_LIST_BLAST 0.97 (agrees with the rules: 0).
    """
    build_tiny_db(path)
    with db.write_transaction(path, "narratives and suggestions") as con:
        con.execute("""
            UPDATE core_complaints SET has_narrative = TRUE, language = v.lang, narrative = v.text
            FROM (VALUES ('us:1', 'en', 'They called late at night and sent a letter.'),
                         ('us:2', 'en', 'The collector swore at me and said he would hurt me.'),
                         ('cn:3', 'zh', '晚上11点有人上门找我母亲，还给我通讯录里的人打电话。')) v(id, lang, text)
            WHERE complaint_id = v.id""")
        con.execute("""
            INSERT INTO core_incidents (incident_id, complaint_id, time_precision, time_source, method_code,
                recipient_code, occurred_hour, occurred_time_local, is_outside_permitted_hours, time_rule_status,
                time_rule_id)
            VALUES ('us:1#n1', 'us:1', 'unknown', 'narrative', 'letter', 'debtor', NULL, NULL, NULL, 'unknown', NULL),
                   ('cn:3#n1', 'cn:3', 'exact', 'narrative', 'visit_home', 'family', 23, '23:00', TRUE, 'outside',
                    'CN-TIME-01')""")
        con.execute("""
            INSERT INTO core_complaint_labels (complaint_id, label_kind, label_code, label_source, score, evidence)
            VALUES ('us:1', 'conduct', 'EMPLOYER_CONTACT', 'model', 0.62, 'words: work'),
                   ('us:2', 'conduct', 'ABUSIVE_LANGUAGE', 'model', 0.91, 'words: swore'),
                   ('us:2', 'conduct', 'THREAT_VIOLENCE', 'model', 0.55, 'words: hurt'),
                   ('cn:3', 'conduct', 'CONTACT_LIST_BLAST', 'model', 0.97, 'words: 通讯录')""")
        mark_changed(con, ["us:1", "us:2", "cn:3"])
    return path


def review_us2_and_cn3(path: Path) -> None:
    """us:2: confirm the issue-code ABUSIVE_LANGUAGE, confirm the model's THREAT_VIOLENCE, add
    MISLEADING_CONSEQUENCES, add a call at 21:30 to the debtor. cn:3: reject CONTACT_LIST_BLAST
    (rules and model), reject the narrative visit cn:3#n1, confirm TIME_INCONVENIENT."""
    reviews.save_review(path, Review("us:2", [
        Decision("conduct", "ABUSIVE_LANGUAGE", "confirm"), Decision("conduct", "THREAT_VIOLENCE", "confirm"),
        Decision("conduct", "MISLEADING_CONSEQUENCES", "add")],
        [NewIncident("phone_call", "debtor", "21:30")], "threat read in the text"), EDITOR)
    reviews.save_review(path, Review("cn:3", [
        Decision("conduct", "CONTACT_LIST_BLAST", "reject"), Decision("conduct", "TIME_INCONVENIENT", "confirm"),
        Decision("incident", "cn:3#n1", "reject")]), Actor("amy", "admin"))


@pytest.fixture()
def reviewed(tmp_path) -> Path:
    path = build_reviewable_db(tmp_path / "r.duckdb")
    review_us2_and_cn3(path)
    return path


def _facts(path: Path, table: str, key: str, cols: str):
    with db.connect_read_only(path) as con:
        cur = db.read_cursor(con)
        return {r[0]: r[1:] for r in cur.execute(f"SELECT {key}, {cols} FROM {table} ORDER BY {key}").fetchall()}


def test_reviewed_labels_win_in_complaint_facts(reviewed):
    f = _facts(reviewed, "mart_complaint_facts", "complaint_id",
               "conduct_codes, conduct_codes_structured, conduct_codes_narrative, conduct_codes_with_model, "
               "method_codes, method_codes_narrative, incident_count")
    # us:1 not reviewed: the model's suggestion only in the "rules + model" column
    assert f["us:1"] == (["FREQ_EXCESSIVE_CALLS", "TIME_INCONVENIENT"], ["FREQ_EXCESSIVE_CALLS", "TIME_INCONVENIENT"],
                         [], ["EMPLOYER_CONTACT", "FREQ_EXCESSIVE_CALLS", "TIME_INCONVENIENT"],
                         ["letter", "phone_call"], ["letter"], 3)
    # us:2: the confirmed model suggestion and the added conduct count everywhere but "structured"
    assert f["us:2"] == (["ABUSIVE_LANGUAGE", "MISLEADING_CONSEQUENCES", "THREAT_VIOLENCE"], ["ABUSIVE_LANGUAGE"],
                         ["ABUSIVE_LANGUAGE", "MISLEADING_CONSEQUENCES", "THREAT_VIOLENCE"],
                         ["ABUSIVE_LANGUAGE", "MISLEADING_CONSEQUENCES", "THREAT_VIOLENCE"],
                         ["phone_call", "sms"], ["phone_call"], 2)
    # cn:3: the rejected conduct is gone from every column, the rejected visit from the methods
    assert f["cn:3"] == (["TIME_INCONVENIENT"], ["TIME_INCONVENIENT"], ["TIME_INCONVENIENT"], ["TIME_INCONVENIENT"],
                         ["phone_call", "sms"], [], 2)
    assert f["cn:4"][0] == [] and f["cn:4"][6] == 0


def test_reviewed_incidents_in_incident_facts(reviewed):
    i = _facts(reviewed, "mart_incident_facts", "incident_id",
               "time_source, method_code, occurred_hour, is_outside_permitted_hours, time_rule_status, time_rule_id, "
               "is_in_all_view")
    assert "cn:3#n1" not in i  # rejected
    # entered by the reviewer: exact 21:30 in the US is outside US-TIME-01 (after 21:00)
    assert i["us:2#r1"] == ("review", "phone_call", 21, True, "outside", "US-TIME-01", True)
    assert sorted(i) == ["cn:3#1", "cn:3#2", "us:1#1", "us:1#2", "us:1#n1", "us:2#1", "us:2#r1"]
    with db.connect_read_only(reviewed) as con:
        assert db.read_cursor(con).execute("SELECT occurred_time_local FROM core_incidents WHERE incident_id = "
                                           "'us:2#r1'").fetchall() == [("21:30",)]


def test_incremental_marts_equal_a_full_rebuild(reviewed, tmp_path):
    """The write path updates marts and cubes for the reviewed complaint only; rebuilding every
    mart from core gives the same tables."""
    tables = build.MART_TABLES + tuple(c.name for c in build.CUBES)

    def snapshot():
        with db.connect_read_only(reviewed) as con:
            cur = db.read_cursor(con)
            return {t: cur.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    before = snapshot()
    build.rebuild(reviewed)
    assert snapshot() == before


def test_latest_decision_wins(reviewed):
    reviews.save_review(reviewed, Review("cn:3", [Decision("conduct", "CONTACT_LIST_BLAST", "confirm")]), EDITOR)
    f = _facts(reviewed, "mart_complaint_facts", "complaint_id", "conduct_codes, conduct_codes_narrative")
    assert f["cn:3"] == (["CONTACT_LIST_BLAST", "TIME_INCONVENIENT"], ["CONTACT_LIST_BLAST", "TIME_INCONVENIENT"])
    with db.connect_read_only(reviewed) as con:
        hist = reviews.query_complaint_reviews(db.read_cursor(con), "cn:3")
    blast = hist[hist["label_code"] == "CONTACT_LIST_BLAST"]
    assert blast["decision"].tolist() == ["confirm", "reject"] and blast["is_current"].tolist() == [True, False]
    assert blast["reviewed_by"].tolist() == ["ed", "amy"]


def test_a_rejected_label_cites_no_rule_in_exports(reviewed):
    """The exported "rules cited" follow the reviews: cn:3's CONTACT_LIST_BLAST (narrative, CN-3P-03)
    was rejected, so CN-3P-03 is cited by no label left; the others stay."""
    from analysis.export.context import query_conduct_rule_ids
    with db.connect_read_only(reviewed) as con:
        cur = db.read_cursor(con)
        assert query_conduct_rule_ids(cur, Filter()) == ["CN-TIME-01", "US-FREQ-01", "US-LANG-01", "US-TIME-01"]
        assert query_conduct_rule_ids(cur, Filter(label_source="narrative")) == []
        # nor does the narrative search by rule find the complaint through the rejected label
        assert queries.query_narrative_search(cur, Filter(), rule_id="CN-3P-03").empty
        assert "CN-3P-03" not in queries.query_narrative_rule_ids(cur)
    reviews.save_review(reviewed, Review("cn:3", [Decision("conduct", "CONTACT_LIST_BLAST", "confirm")]), EDITOR)
    with db.connect_read_only(reviewed) as con:
        cur = db.read_cursor(con)
        assert query_conduct_rule_ids(cur, Filter(label_source="narrative")) == ["CN-3P-03"]
        assert queries.query_narrative_search(cur, Filter(), rule_id="CN-3P-03")["complaint_id"].tolist() == ["cn:3"]


def test_the_labels_that_count_are_one_definition_for_marts_and_queries(reviewed):
    """counted_complaint_labels (analysis.schema.COUNTED_LABELS_SQL) is what the facts mart
    counts (with model suggestions) and what the queries cite; a database a reader finds from
    before that view gets its SELECT inline, with the same rows."""
    from analysis import store
    from analysis.schema import CURRENT_REVIEWS_SQL
    conduct_sql = ("SELECT complaint_id, list_sort(list_distinct(list(label_code))) FROM {} "
                   "WHERE label_kind = 'conduct' GROUP BY 1 ORDER BY 1")
    with db.connect_read_only(reviewed) as con:
        cur = db.read_cursor(con)
        assert reviews.counted_labels(cur) == "counted_complaint_labels"
        counted = cur.execute(conduct_sql.format("counted_complaint_labels")).fetchall()
        mart = cur.execute("SELECT complaint_id, conduct_codes_with_model FROM mart_complaint_facts "
                           "WHERE len(conduct_codes_with_model) > 0 ORDER BY 1").fetchall()
        assert counted == mart and ("cn:3", ["CONTACT_LIST_BLAST"]) not in counted
    old = duckdb.connect()  # core and the reviews view only, as an older version left them
    old.execute(f"ATTACH '{store.live_replica(reviewed)}' AS src (READ_ONLY)")
    for t in ("core_complaint_labels", "core_label_reviews"):
        old.execute(f"CREATE TABLE {t} AS FROM src.{t}")
    old.execute(f"CREATE VIEW current_label_reviews AS {CURRENT_REVIEWS_SQL}")
    inline = reviews.counted_labels(old)
    assert inline.startswith("(") and old.execute(conduct_sql.format(inline)).fetchall() == counted
    old.execute("DROP VIEW current_label_reviews")  # from before reviews: the stored labels
    assert reviews.counted_labels(old) == "core_complaint_labels"
    old.close()


def test_filters_count_reviewed_labels(reviewed):
    """Queries through the filter builder (cubes and facts) follow the reviews."""
    with db.connect_read_only(reviewed) as con:
        cur = db.read_cursor(con)

        def n(**kw):
            w, p = build_where(Filter(**kw), "complaint")
            return cur.execute(f"SELECT count(*) FROM mart_complaint_facts WHERE {w}", p).fetchone()[0]
        assert n(conduct=("CONTACT_LIST_BLAST",)) == 0
        assert n(conduct=("THREAT_VIOLENCE",)) == 1
        assert n(conduct=("EMPLOYER_CONTACT",)) == 0
        assert n(conduct=("EMPLOYER_CONTACT",), label_source="with_model") == 1
        assert n(conduct=("THREAT_VIOLENCE",), label_source="structured") == 0


def test_review_rows_and_audit(reviewed):
    with db.connect_read_only(reviewed) as con:
        cur = db.read_cursor(con)
        rows = cur.execute("SELECT complaint_id, label_kind, label_code, decision, method_code, recipient_code, "
                           "reviewed_by, reviewer_role, note FROM core_label_reviews ORDER BY ALL").fetchall()
        audit = cur.execute("SELECT actor, actor_role, action, target, rows_added, detail FROM meta_audit "
                            "WHERE action = 'review' ORDER BY target").fetchall()
    assert rows == [
        ("cn:3", "complaint", "reviewed", "confirm", None, None, "amy", "admin", None),
        ("cn:3", "conduct", "CONTACT_LIST_BLAST", "reject", None, None, "amy", "admin", None),
        ("cn:3", "conduct", "TIME_INCONVENIENT", "confirm", None, None, "amy", "admin", None),
        ("cn:3", "incident", "cn:3#n1", "reject", "visit_home", "family", "amy", "admin", None),
        ("us:2", "complaint", "reviewed", "confirm", None, None, "ed", "editor", "threat read in the text"),
        ("us:2", "conduct", "ABUSIVE_LANGUAGE", "confirm", None, None, "ed", "editor", "threat read in the text"),
        ("us:2", "conduct", "MISLEADING_CONSEQUENCES", "add", None, None, "ed", "editor", "threat read in the text"),
        ("us:2", "conduct", "THREAT_VIOLENCE", "confirm", None, None, "ed", "editor", "threat read in the text"),
        ("us:2", "incident", "us:2#r1", "add", "phone_call", "debtor", "ed", "editor", "threat read in the text"),
    ]
    # "Added" in the audit log is the decisions, as the review history counts them (3 and 4), not the
    # rows written (the complaint's "reviewed" marker is not a decision)
    assert audit == [("amy", "admin", "review", "cn:3", 3, '{"confirm": 1, "reject": 2, "add": 0}'),
                     ("ed", "editor", "review", "us:2", 4, '{"confirm": 2, "reject": 0, "add": 2}')]


@pytest.mark.parametrize("review, message", [
    (Review("us:9", []), "does not exist"),
    (Review("us:1", [Decision("conduct", "NOT_A_CODE", "confirm")]), "unknown conduct code"),
    (Review("us:1", [Decision("conduct", "TIME_INCONVENIENT", "maybe")]), "unknown decision"),
    (Review("us:1", [Decision("incident", "cn:3#1", "reject")]), "is not one of complaint"),
    (Review("us:1", [Decision("conduct", "TIME_INCONVENIENT", "confirm"),
                     Decision("conduct", "TIME_INCONVENIENT", "reject")]), "two decisions"),
    (Review("us:1", [], [NewIncident("phone_call", time_local="25:00")]), "not HH:MM"),
    (Review("us:1", [], [NewIncident("carrier_pigeon")]), "unknown method code"),
    (Review("us:1", [], [], "x" * 501), "longer than 500"),
])
def test_invalid_review_changes_nothing(reviewed, review, message):
    def state():
        with db.connect_read_only(reviewed) as con:
            cur = db.read_cursor(con)
            return cur.execute("SELECT (SELECT count(*) FROM core_label_reviews), (SELECT count(*) FROM meta_audit), "
                               "(SELECT max(version) FROM meta_store_versions)").fetchone()
    before = state()
    with pytest.raises(ReviewError, match=message):
        reviews.save_review(reviewed, review, EDITOR)
    assert state() == before


def test_viewers_may_not_review(reviewed):
    with pytest.raises(PermissionError):
        reviews.save_review(reviewed, Review("us:1", []), Actor("vic", "viewer"))


def test_queue_orders_and_progress(reviewed):
    with db.connect_read_only(reviewed) as con:
        cur = db.read_cursor(con)
        assert reviews.query_review_progress(cur, Filter()) == {"reviewed": 2, "total": 3}
        q = reviews.query_review_queue(cur, Filter(), "uncertain")
        assert q["complaint_id"].tolist() == ["us:1"]  # the others are reviewed
        assert q.iloc[0][["disagreements", "high_impact", "company_complaints"]].tolist() == [1, 0, 2]  # us:1, us:2
    fresh = build_reviewable_db(reviewed.parent / "fresh.duckdb")
    with db.connect_read_only(fresh) as con:
        cur = db.read_cursor(con)
        order = {o: reviews.query_review_queue(cur, Filter(), o)["complaint_id"].tolist() for o in reviews.ORDERS}
        q = reviews.query_review_queue(cur, Filter(), "uncertain").set_index("complaint_id")
        assert reviews.query_review_progress(cur, Filter(jurisdiction=("US",))) == {"reviewed": 0, "total": 2}
    # us:2: ABUSIVE_LANGUAGE is not a narrative label, so both model codes disagree (2, closest
    # |0.55-0.5|); us:1: only the model has EMPLOYER_CONTACT (1); cn:3 agrees (0)
    assert q["disagreements"].to_dict() == {"us:2": 2, "us:1": 1, "cn:3": 0}
    assert order["uncertain"] == ["us:2", "us:1", "cn:3"]
    # impact: THREAT_VIOLENCE (threats) in us:2; none elsewhere; then the bigger company (AcmeCollect 2, 速借花 1)
    assert order["impact"] == ["us:2", "us:1", "cn:3"]
    assert order["company"] == ["us:2", "us:1", "cn:3"]
    assert order["newest"] == ["cn:3", "us:2", "us:1"]
    with pytest.raises(ValueError):
        reviews.query_review_queue(cur, Filter(), "loudest")


def test_labelled_set_export_reads_back_in_evaluate(reviewed, tmp_path):
    with db.connect_read_only(reviewed) as con:
        data = reviews.labelled_set(db.read_cursor(con))
    assert list(data.columns) == list(reviews.LABELLED_COLUMNS)
    rows = data.set_index("id").to_dict("index")
    assert sorted(rows) == ["cn:3", "us:2"]
    # written as labelled_dev.csv writes them: ", " between labels, "; " between verdicts and
    # times, "—" for nothing, RULE:verdict (a reviewer's confirmation says so; the 21:30 call the
    # reviewer entered is outside US-TIME-01's window, so TIME_INCONVENIENT follows from it)
    assert rows["us:2"] == {
        "lang": "en", "text": "The collector swore at me and said he would hurt me.", "method": "phone_call",
        "behaviours": "TIME_INCONVENIENT, THREAT_VIOLENCE, MISLEADING_CONSEQUENCES, ABUSIVE_LANGUAGE",
        "time_local": "21:30", "time_flags": "—",
        "expected": "US-TIME-01:violation; US-VIOL-01:violation (reviewed); US-THREAT-01:violation (reviewed); "
                    "US-LANG-01:violation (reviewed)",
        "recipients": "debtor"}
    # cn:3's narrative label was rejected, its visit too: only the confirmed TIME_INCONVENIENT is left
    assert {k: rows["cn:3"][k] for k in ("behaviours", "method", "time_local", "expected", "recipients")} == {
        "behaviours": "TIME_INCONVENIENT", "method": "—", "time_local": "—",
        "expected": "CN-TIME-01:violation (reviewed)", "recipients": "—"}
    out = tmp_path / "reviewed.csv"
    out.write_bytes(reviews.labelled_set_csv(data))
    assert out.read_bytes().startswith(b"id,lang,text,method,behaviours,time_local,time_flags,expected,recipients\n")
    dev_header = "id,lang,text,method,behaviours,time_local,time_flags,expected"
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith(dev_header)  # labelled_dev.csv's columns first
    assert [r["id"] for r in csv.DictReader(out.open(encoding="utf-8"))] == ["cn:3", "us:2"]
    done = subprocess.run([sys.executable, "-m", "analysis.classify.evaluate", "--input", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Evaluated 2 narratives" in done.stdout


def test_deleting_a_source_removes_its_reviews(reviewed):
    """The Data page says beforehand how many reviewed complaints and decisions go (cn:3: one
    complaint reviewed, three decisions); the result and the audit row count them."""
    with db.connect_read_only(reviewed) as con:
        cur = db.read_cursor(con)
        n = cur.execute("SELECT count(*) FROM core_complaints WHERE source = 'demo_cn'").fetchone()[0]
        assert deletion.query_deletion_preview(cur, "source", "demo_cn") == {"complaints": n, "reviewed": 1,
                                                                              "decisions": 3, "incidents": 0}
    out = deletion.delete_source(reviewed, "demo_cn", actor=EDITOR)
    assert (out["complaints"], out["reviewed"], out["decisions"]) == (n, 1, 3)
    with db.connect_read_only(reviewed) as con:
        cur = db.read_cursor(con)
        left = cur.execute("SELECT DISTINCT complaint_id FROM core_label_reviews").fetchall()
        detail = cur.execute("SELECT detail FROM meta_audit WHERE action = 'delete_source'").fetchall()
    assert left == [("us:2",)]
    assert '"reviewed": 1' in detail[0][0] and '"decisions": 3' in detail[0][0]


def test_marts_of_an_older_shape_are_rebuilt(reviewed):
    """A database from before conduct_codes_with_model: readers see the mart as missing (the
    dashboard rebuilds it) and the next write rebuilds it."""
    with db.write_transaction(reviewed, "simulate an older mart") as con:
        con.execute("ALTER TABLE mart_complaint_facts DROP COLUMN conduct_codes_with_model")
        # the complaint mart has another shape; the incident mart, which reads it, cannot be checked
        assert "mart_complaint_facts" in build.missing_marts(con)
        mark_changed(con, ["us:1"])  # update_marts sees the older shape: a full build
    f = _facts(reviewed, "mart_complaint_facts", "complaint_id", "conduct_codes_with_model")
    assert f["us:1"] == (["EMPLOYER_CONTACT", "FREQ_EXCESSIVE_CALLS", "TIME_INCONVENIENT"],)
    with db.connect_read_only(reviewed) as con:
        assert build.missing_marts(db.read_cursor(con)) == []


def test_database_without_reviews_reads(tmp_path):
    """A database written before reviews existed (no table, no view): queue and export read."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE mart_complaint_facts AS SELECT 'x' AS complaint_id, DATE '2024-01-01' AS received_date, "
                "'Co' AS company_name, ['A'] AS conduct_codes_narrative, TRUE AS has_narrative")
    con.execute("CREATE TABLE core_complaint_labels (complaint_id VARCHAR, label_kind VARCHAR, label_code VARCHAR, "
                "label_source VARCHAR, score DOUBLE)")
    # (core_complaints and its language column are in every database since the first data model)
    con.execute("CREATE TABLE core_complaints AS SELECT 'x' AS complaint_id, 'en' AS language")
    assert reviews.query_review_progress(con, Filter()) == {"reviewed": 0, "total": 1}
    assert reviews.query_review_queue(con, Filter())["complaint_id"].tolist() == ["x"]
    assert reviews.labelled_set(con).empty
    assert reviews.reviewed_counts(con, "2026-01-01T00:00:00") == {"reviewed": 0, "since": 0, "latest": None}
    con.close()


def test_a_database_of_the_previous_version_takes_a_review(tmp_path):
    """A database written before reviews (no core_label_reviews, no occurred_time_local): the
    next write brings both copies up to this version's schema, then the review is counted."""
    path = build_reviewable_db(tmp_path / "old.duckdb")
    from analysis.store import store_dir
    copies = sorted(store_dir(path).glob("*.duckdb"))
    assert len(copies) == 2
    for copy in copies:  # both copies, as the previous version left them
        con = duckdb.connect(str(copy))
        con.execute("DROP VIEW current_label_reviews")
        con.execute("DROP VIEW label_reviews")
        con.execute("DROP TABLE core_label_reviews")
        con.execute("ALTER TABLE core_incidents DROP COLUMN occurred_time_local")
        if copy.resolve() != path.resolve():  # the standby: two versions off, so the next write copies
            con.execute("INSERT INTO meta_store_versions SELECT version + k, FALSE, written_at, 'lost', 0 "  # it whole
                        "FROM (SELECT max(version) AS version, max(written_at) AS written_at FROM meta_store_versions), "
                        "range(1, 3) r(k)")
        con.close()
    reviews.save_review(path, Review("cn:3", [Decision("conduct", "CONTACT_LIST_BLAST", "reject")],
                                     [NewIncident("sms", None, "07:10")]), EDITOR)
    f = _facts(path, "mart_complaint_facts", "complaint_id", "conduct_codes")
    assert f["cn:3"] == (["TIME_INCONVENIENT"],)
    i = _facts(path, "mart_incident_facts", "incident_id", "time_rule_status")
    assert i["cn:3#r1"] == ("outside",)  # 07:10 is before 08:00 (CN-TIME-01)


def test_reviewed_counts_say_what_a_model_has_not_seen(reviewed):
    """Two complaints reviewed as a whole (us:2, cn:3, both with a narrative): all of them are
    new to a model that saw no review; none to one trained after the latest review; a review of
    us:2 saved later makes one new again."""
    with db.connect_read_only(reviewed) as con:
        first = reviews.reviewed_counts(con)
        assert (first["reviewed"], first["since"]) == (2, 2) and first["latest"] is not None
        at_latest = first["latest"].isoformat()
        assert reviews.reviewed_counts(con, at_latest)["since"] == 0
        assert reviews.reviewed_counts(con, "2000-01-01T00:00:00+00:00")["since"] == 2
    reviews.save_review(reviewed, Review("us:2", [Decision("conduct", "ABUSIVE_LANGUAGE", "reject")]), EDITOR)
    with db.connect_read_only(reviewed) as con:
        later = reviews.reviewed_counts(con, at_latest)
        assert (later["reviewed"], later["since"]) == (2, 1) and later["latest"] > first["latest"]


def test_review_note__personal_data_is_masked_before_it_is_stored(reviewed):
    """A note is shown to every role in the review history: a phone number, an ID number and a
    name typed into it are stored masked, as the intake form stores them."""
    note = "我叫张三，手机13812345678，身份证110101199003074514，已核实"
    reviews.save_review(reviewed, Review("cn:3", [Decision("conduct", "CONTACT_LIST_BLAST", "confirm")], note=note),
                        EDITOR)
    with db.connect_read_only(reviewed) as con:
        stored = {n for (n,) in con.execute("SELECT DISTINCT note FROM core_label_reviews WHERE complaint_id = 'cn:3' "
                                            "AND note IS NOT NULL").fetchall()}
    assert stored == {"我叫【姓名】，手机【手机号】，身份证【身份证号】，已核实"}


def test_a_review_saved_since_the_form_was_opened_is_not_overwritten(reviewed):
    """Two editors on one complaint: the second save, made on what the complaint looked like
    before the first, is refused with who and when, and writes nothing; made on the state after
    it, it is saved (a fresh-user tester's second editor overwrote the first's decisions)."""
    with db.connect_read_only(reviewed) as con:
        opened = reviews.review_state(db.read_cursor(con), "us:1")
    assert opened == "0"
    reviews.save_review(reviewed, Review("us:1", [Decision("conduct", "TIME_INCONVENIENT", "confirm")], seen=opened),
                        EDITOR)
    with db.connect_read_only(reviewed) as con:
        cur = db.read_cursor(con)
        after_first = reviews.review_state(cur, "us:1")
        before = cur.execute("SELECT count(*) FROM core_label_reviews").fetchone()[0]
    assert after_first.startswith("2@")  # the decision and the complaint's "reviewed" row
    with pytest.raises(reviews.ReviewConflict, match="ed reviewed complaint 'us:1'") as err:
        reviews.save_review(reviewed, Review("us:1", [Decision("conduct", "TIME_INCONVENIENT", "reject")],
                                             seen=opened), Actor("mei", "editor"))
    assert err.value.by == "ed"
    with db.connect_read_only(reviewed) as con:
        assert db.read_cursor(con).execute("SELECT count(*) FROM core_label_reviews").fetchone()[0] == before
    reviews.save_review(reviewed, Review("us:1", [Decision("conduct", "TIME_INCONVENIENT", "reject")],
                                         seen=after_first), Actor("mei", "editor"))
    with db.connect_read_only(reviewed) as con:
        assert db.read_cursor(con).execute(
            "SELECT decision, reviewed_by FROM current_label_reviews WHERE complaint_id = 'us:1' "
            "AND label_kind = 'conduct'").fetchall() == [("reject", "mei")]


def test_review_claims_keep_an_open_complaint_from_other_editors_for_a_while():
    claims = reviews.ReviewClaims(seconds=900)
    assert claims.claim("db1", "c1", "eddie", now=100.0) is None
    assert claims.claim("db1", "c1", "eddie", now=160.0) is None  # drawn again by the same editor
    assert claims.claim("db1", "c1", "mei", now=220.0) == ("eddie", 60.0)  # eddie's form last drawn at 160
    assert claims.held_by_others("db1", "mei", now=230.0) == {"c1": "eddie"}
    assert claims.held_by_others("db1", "eddie", now=230.0) == {"c1": "mei"}
    assert claims.held_by_others("db2", "mei", now=230.0) == {}  # another database
    # eddie moves on to another complaint: c1 is no longer his
    assert claims.claim("db1", "c2", "eddie", now=300.0) is None
    assert claims.held_by_others("db1", "mei", now=300.0) == {"c2": "eddie"}
    # a claim lapses 900 s after its form was last drawn; a save releases it at once
    assert claims.held_by_others("db1", "eddie", now=220.0 + 899) == {"c1": "mei"}
    assert claims.held_by_others("db1", "eddie", now=220.0 + 900) == {}
    claims.release("db1", "c2", "eddie")
    assert claims.held_by_others("db1", "mei", now=301.0) == {}
    assert claims.claim("db1", "c2", "mei", now=302.0) is None


def test_review_claims_belong_to_a_session_and_are_released_when_it_leaves():
    claims = reviews.ReviewClaims(seconds=900)
    claims.claim("db", "x", "eddie", now=0.0, session="tab1")
    claims.claim("db", "y", "eddie", now=10.0, session="tab2")  # a second tab keeps the first's
    assert claims.held_by_others("db", "mei", now=20.0) == {"x": "eddie", "y": "eddie"}
    assert claims.claim("db", "x", "eddie", now=30.0, session="tab1") is None  # his own, refreshed
    claims.release("db", None, "eddie", session="tab2")  # tab2 left the queue
    assert claims.held_by_others("db", "mei", now=40.0) == {"x": "eddie"}
    assert claims.held_by_others("db", "mei", now=30.0 + 900) == {}  # not refreshed: lapsed


def test_the_models_silence_is_a_disagreement_only_where_it_speaks(tmp_path):
    """A rules label the model does not suggest counts as a disagreement only when the model
    suggests that conduct on some complaint of the same language in the view (in the fixture it suggests
    THREAT_VIOLENCE in English, and only CONTACT_LIST_BLAST in Chinese)."""
    path = build_reviewable_db(tmp_path / "q.duckdb")
    with db.write_transaction(path, "narrative rule labels") as con:
        con.execute("""
            INSERT INTO core_complaint_labels (complaint_id, label_kind, label_code, label_source, rule_id)
            VALUES ('us:1', 'conduct', 'THREAT_VIOLENCE', 'narrative', 'US-VIOL-01'),
                   ('cn:3', 'conduct', 'ABUSIVE_LANGUAGE', 'narrative', 'CN-ABUSE-01'),
                   ('cn:3', 'conduct', 'THREAT_VIOLENCE', 'narrative', 'CN-ABUSE-01')""")
        mark_changed(con, ["us:1", "cn:3"])
    with db.connect_read_only(path) as con:
        q = reviews.query_review_queue(db.read_cursor(con), Filter(), "uncertain").set_index("complaint_id")
    # us:1: the model's EMPLOYER_CONTACT, and THREAT_VIOLENCE it suggests in English but not here;
    # cn:3: the model never suggests ABUSIVE_LANGUAGE or THREAT_VIOLENCE in Chinese: no disagreement
    assert q["disagreements"].to_dict() == {"us:2": 2, "us:1": 2, "cn:3": 0}


def test_new_evidence_puts_a_reviewed_complaint_back_in_the_queue(tmp_path):
    """A reviewed complaint that an import changes (rows added to it, a correction) or a removal
    takes evidence from is reopened: a ``reopen`` decision by the importer / remover naming the
    file, back in the queue, out of the progress count and the labelled set, its other decisions
    still in force; reviewing it again closes it. A file that adds nothing to it, or adds to
    another complaint, leaves it reviewed."""
    from analysis.ingest import run_import
    fixtures = REPO / "tests" / "fixtures" / "import"
    path = tmp_path / "r.duckdb"
    run_import([fixtures / "intake.csv"], "intake", path, actor=EDITOR)
    cid = "intake:IN001"
    reviews.save_review(path, Review(cid, [Decision("conduct", "ABUSIVE_LANGUAGE", "reject")]), EDITOR)

    done_before = False  # once reviewed, IN001 in the queue is a reopened complaint

    def state():
        with db.connect_read_only(path) as con:
            cur = db.read_cursor(con)
            found = reviews.query_review_queue(cur, Filter(), "newest")
            queue = found["complaint_id"].tolist()
            assert found["reopened"].tolist() == [c == cid and done_before for c in queue]
            history = reviews.query_complaint_reviews(cur, cid)
            done = history[(history["label_kind"] == "complaint") & history["is_current"]]
            counted = cur.execute("SELECT list_sort(list(label_code)) FROM counted_complaint_labels "
                                  "WHERE complaint_id = ? AND label_kind = 'conduct'", [cid]).fetchone()[0]
            return (cid in queue, reviews.query_review_progress(cur, Filter())["reviewed"],
                    cid in set(reviews.labelled_set(cur)["id"]), done["decision"].tolist(), counted)

    done_before = True
    reviewed = (False, 1, True, ["confirm"], ["CONTACT_LIST_BLAST", "THIRD_PARTY_DISCLOSURE", "TIME_INCONVENIENT",
                                              "TIME_INCONVENIENT"])  # (rows 1 and 2: one label each)
    assert state() == reviewed
    other = tmp_path / "other.csv"  # a row for IN002 and IN001's rows again: nothing new for IN001
    lines = (fixtures / "intake.csv").read_text(encoding="utf-8").splitlines()
    other.write_text("\n".join(lines[:4] + [lines[4].replace("2024/12/5", "2024/12/6")]) + "\n", encoding="utf-8")
    [rep] = run_import([other], "intake", path, actor=EDITOR)
    assert (rep.accepted_count, rep.reopened_count) == (1, 0)
    assert state() == reviewed
    later = tmp_path / "later.csv"
    later.write_text(lines[0] + "\n" + lines[3].replace("2024-12-04,下午3点半", "2024-12-06,23:40") + "\n",
                     encoding="utf-8")
    [rep] = run_import([later], "intake", path, actor=EDITOR)
    assert rep.reopened_count == 1
    # back in the queue; the rejection of ABUSIVE_LANGUAGE still counts
    assert state() == (True, 0, False, ["reopen"], ["CONTACT_LIST_BLAST", "THIRD_PARTY_DISCLOSURE", "TIME_INCONVENIENT",
                                                    "TIME_INCONVENIENT", "TIME_INCONVENIENT"])
    with db.connect_read_only(path) as con:
        row = reviews.query_complaint_reviews(db.read_cursor(con), cid).iloc[0]
    assert (row["decision"], row["reviewed_by"], row["note"]) == ("reopen", "ed", f"later.csv ({rep.import_id})")
    reviews.save_review(path, Review(cid, []), EDITOR)
    assert state()[:4] == reviewed[:4]
    out = deletion.delete_import(path, rep.import_id, EDITOR)
    assert (out["complaints"], out["incidents"], out["reopened"]) == (0, 1, 1)
    assert state() == (True, 0, False, ["reopen"], reviewed[4])


def test_an_updated_cfpb_row_reopens_its_reviewed_complaint(tmp_path):
    """The CFPB importer reopens a reviewed complaint when an export brings a changed version of
    its row (several batches or one: the note counts them once); the same row again does not."""
    from analysis.ingest import run_import
    header = (REPO / "tests" / "fixtures" / "cfpb" / "three_date_formats.csv").read_text(encoding="utf-8") \
        .splitlines()[0]

    def export(name, narrative, response):
        f = tmp_path / name
        f.write_text(header + "\n" + f"2024-03-01,Debt collection,I do not know,Communication tactics,"
                     f"Frequent or repeated calls,\"{narrative}\",,Acme Collect,TX,75001,,Consent provided,Web,"
                     f"2024-03-02,{response},Yes,,7700001\n", encoding="utf-8")
        return f

    path = tmp_path / "c.duckdb"
    run_import([export("a.csv", "They call me ten times a day.", "In progress")], "cfpb", path, actor=EDITOR)
    reviews.save_review(path, Review("cfpb:7700001", []), EDITOR)
    [rep] = run_import([export("b.csv", "They call me ten times a day.", "In progress")], "cfpb", path, actor=EDITOR)
    assert (rep.unchanged_count, rep.reopened_count) == (1, 0)
    [rep] = run_import([export("c.csv", "They call me ten times a day, also at work.", "Closed with explanation")],
                       "cfpb", path, actor=EDITOR)
    assert (rep.updated_count, rep.reopened_count) == (1, 1)
    assert "1 reviewed complaint(s) got new or changed evidence from this file and are back in the review queue " \
           "(Narratives page); their review decisions stay (one about an incident that was removed no longer " \
           "applies)" in rep.notes
    with db.connect_read_only(path) as con:
        cur = db.read_cursor(con)
        assert reviews.query_review_queue(cur, Filter(), "newest")[["complaint_id", "reopened"]].values.tolist() == [
            ["cfpb:7700001", True]]


def test_a_correction_that_changes_only_the_status_does_not_reopen(tmp_path):
    """Reopening follows the evidence a reviewer judged (text, contacts from files, labels from
    fields): a correction that changes only the complaint's status leaves the review standing;
    one that changes a contact's time reopens it."""
    from analysis.ingest import run_import
    head = "投诉编号,受理日期,催收日期,催收时刻,催收方式,催收对象,处理状态,内容\n"
    path = tmp_path / "s.duckdb"
    files = {}
    for name, time_, status in (("a", "10:00", "处理中"), ("b", "10:00", "已完成"), ("c", "23:10", "已完成")):
        files[name] = tmp_path / f"{name}.csv"
        files[name].write_text(head + f"R1,2024-12-05,2024-12-03,{time_},电话,本人,{status},对方骂我\n", encoding="utf-8")
    run_import([files["a"]], "intake", path, actor=EDITOR)
    reviews.save_review(path, Review("intake:R1", []), EDITOR)
    [rep] = run_import([files["b"]], "intake", path, actor=EDITOR, replace=True)
    assert (rep.updated_count, rep.reopened_count) == (1, 0)
    [rep] = run_import([files["c"]], "intake", path, actor=EDITOR, replace=True)
    assert (rep.updated_count, rep.reopened_count) == (1, 1)
