"""Engine-level rules of the narrative classifier that are not a single pattern: negation scope
across clauses, contact times in the sentence after a contact, a.m./p.m. taken from a nearby
exact time, derived improper visits, recipients of announced contacts, and the process pool.
Each case pins the labels of a sentence of our own (language given)."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis.classify import MIN_PARALLEL, classify_many, classify_narrative

CFPB_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "cfpb" / "current_wording.csv"

CASES = [
    # negation scope (engine: negated methods kept only for an anchor after them)
    ("zh", "催收从来没上门，也没在凌晨打过。", (), (), ()),
    ("zh", "不是晚上打的，是早上九点。", ("phone_call",), (), ("debtor",)),
    ("zh", "他们没有打给我家里人。", ("phone_call",), (), ("debtor",)),
    ("en", "They never called me at night.", ("phone_call",), (), ("debtor",)),
    ("en", "They have never called my job or my family, they only send letters.", ("letter",), (), ("debtor",)),
    # contact time in the next sentence; a.m./p.m. from the exact time before
    ("en", "Woke up to a text at 5:30am about my balance. Then another at 5:45.", ("sms",),
     ("TIME_INCONVENIENT",), ("debtor",)),
    # derived improper visits
    ("en", "Two men came to my house and said I would be arrested if I did not pay.", ("visit_home",),
     ("THREAT_ARREST_OR_CRIME", "VISIT_IMPROPER"), ("debtor",)),
    ("en", "A collector showed up at my work and asked for me.", ("visit_work",),
     ("EMPLOYER_CONTACT", "VISIT_IMPROPER"), ("employer_or_coworker",)),
    ("en", "A man came to my house to ask about the loan.", ("visit_home",), (), ("debtor",)),
    # second-hand stories and rules quoted by the consumer give no conduct
    ("en", "My coworker has the same collector and they called her at 6 in the morning and told her she "
           "would be arrested. I only got one letter.", ("letter",), (), ("debtor",)),
    ("en", "Under the FDCPA a collector cannot contact my employer or use profanity. They mailed me one "
           "notice.", ("letter",), (), ("debtor",)),
    # announced contacts
    ("en", "The collector said they would call my boss if I did not pay.", ("phone_call",),
     ("MISLEADING_CONSEQUENCES",), ("debtor",)),
]


@pytest.mark.parametrize("lang,text,methods,conducts,recipients", CASES, ids=[c[1][:40] for c in CASES])
def test_classify_engine_rules__cases(lang, text, methods, conducts, recipients):
    r = classify_narrative(text, lang, "CN" if lang == "zh" else "US")
    assert (r.methods, r.conducts, r.recipients) == (methods, conducts, recipients)


def test_classify_engine_rules__bare_time_takes_ampm_of_the_time_before():
    r = classify_narrative("Woke up to a text at 5:30am. Then another at 5:45.", "en", "US")
    assert [(t.time_local, t.precision, "ampm_from_context" in t.flags) for t in r.times] == [
        ("05:30", "exact", False), ("05:45", "exact", True)]
    far = classify_narrative("A text came at 5:30am. " + "Nothing else happened that week. " * 5
                             + "They called at 7.", "en", "US")
    assert [t.precision for t in far.times] == ["exact", "ambiguous"]



@pytest.mark.parametrize("lang,text,times,conducts", [
    # a bare start takes the end's reading when only "-", "to" or "between ... and" joins them
    ("en", "Texts keep coming between 7-9pm on weeknights.", [("19:00", "exact"), ("21:00", "exact")], ()),
    ("en", "The agency phoned from 8 to 10 pm on Sunday.", [("20:00", "exact"), ("22:00", "exact")],
     ("TIME_INCONVENIENT",)),
    ("en", "They rang between 9 and 10 at night.", [("21:00", "exact"), ("22:00", "exact")],
     ("TIME_INCONVENIENT",)),
    ("en", "A collector called from 11 to 1 am.", [("01:00", "exact"), ("23:00", "exact")], ("TIME_INCONVENIENT",)),
    # a bare end takes the reading after an exact start
    ("en", "They rang me from 9 pm until 11.", [("21:00", "exact"), ("23:00", "exact")],
     ("TIME_INCONVENIENT",)),
    # not a range of one reading: the start stays ambiguous
    ("en", "The phone rang at 7 and again at 9pm.", [("", "ambiguous"), ("21:00", "exact")], ()),
    ("en", "The calls began at 7 and went on until midnight.", [("", "ambiguous"), ("00:00", "exact")],
     ("TIME_INCONVENIENT",)),
    ("zh", "催收员晚上九点到十一点一直打电话。", [("21:00", "exact"), ("23:00", "exact")], ("TIME_INCONVENIENT",)),
], ids=lambda v: v if isinstance(v, str) and len(v) > 3 else None)
def test_classify_engine_rules__a_range_shares_its_reading(lang, text, times, conducts):
    """A range is recorded as its two ends (``labelled_dev.csv``: "22:00–00:00, range"), and
    "7-9pm" is 19:00 to 21:00, not a lone 21:00 (a fresh-user tester's database)."""
    r = classify_narrative(text, lang, "CN" if lang == "zh" else "US")
    assert sorted((t.time_local or "", t.precision) for t in r.times if t.is_contact) == times
    assert r.conducts == conducts
    assert all("range" in t.flags for t in r.times if t.precision == "exact" and len(times) == 2
               and times[0][1] == "exact")

def test_classify_engine_rules__process_pool_gives_the_same_results():
    texts = ["They called me 15 times in a single day.", "I called them to dispute the debt.",
             "凌晨两点十分打电话骂我。", "They left a voicemail at 9:30 pm."] * (MIN_PARALLEL // 4 + 1)
    assert classify_many(texts, workers=2) == classify_many(texts)


def test_classify_engine_rules__declared_window_from_to():
    """A declared schedule "from A to B" is one window (wrapping midnight); its times are not
    contacts; a call inside it is against US-TIME-02, outside it is not."""
    r = classify_narrative("I work nights and sleep from 8 am to 3 pm. They keep calling at 11 in the "
                           "morning.", "en", "US")
    assert [(t.time_local, t.is_contact) for t in r.times] == [("08:00", False), ("15:00", False),
                                                              ("11:00", True)]
    assert "TIME_INCONVENIENT" in r.conducts
    night = classify_narrative("I work the night shift at the hospital from 9 pm to 7 am. The collector "
                               "calls around 2 pm.", "en", "US")
    assert night.conducts == () and [t.time_local for t in night.times if t.is_contact] == ["14:00"]


def test_classify_engine_rules__caption_of_a_public_post_discloses():
    r = classify_narrative('They posted in my town\'s Facebook group a photo of me with the caption "Does '
                           'anyone know this woman? She owes money and is hiding."', "en", "US")
    assert r.conducts == ("THIRD_PARTY_DISCLOSURE", "PUBLIC_SHAMING")
    own = classify_narrative("They posted a photo of my car on Facebook. I owe money on it, true.", "en", "US")
    assert own.conducts == ("PUBLIC_SHAMING",)


def test_classify_engine_rules__conduct_only_where_a_rule_covers_it():
    """PRIVATE_CHANNEL_USE has a rule in CN only (crosswalk.toml): the same words are evidence
    (flag other_jurisdiction) but no flag in the US."""
    text = "The collector started texting me from his own personal cell phone."
    us, cn = classify_narrative(text, "en", "US"), classify_narrative(text, "en", "CN")
    assert "PRIVATE_CHANNEL_USE" not in us.conducts and "PRIVATE_CHANNEL_USE" in cn.conducts
    assert [e.flags for e in us.evidence if e.code == "PRIVATE_CHANNEL_USE"] == [("other_jurisdiction",)]


def test_classify_engine_rules__relabel_replaces_stored_narrative_labels(tmp_path, monkeypatch):
    """python -m analysis.classify.relabel: narrative labels are re-read with the current
    patterns (here: a pattern file change is simulated by deleting the stored labels), labels
    from structured fields stay, and a missing database exits 2."""
    import duckdb

    from analysis.classify.relabel import main, relabel
    from analysis.ingest import run_import

    db_path = tmp_path / "cw.duckdb"
    run_import([CFPB_FIXTURE], "cfpb", db_path)
    q = ("SELECT label_source, label_code, count(*) FROM core_complaint_labels "
         "WHERE label_kind = 'conduct' GROUP BY ALL ORDER BY ALL")
    with duckdb.connect(str(db_path), read_only=True) as con:
        stored = con.execute(q).fetchall()
    assert any(src == "narrative" for src, _, _ in stored)
    with duckdb.connect(str(db_path)) as con:
        con.execute("DELETE FROM core_complaint_labels WHERE label_source = 'narrative'")
    found, before, after = relabel(db_path, workers=1, stale_only=False)
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute(q).fetchall() == stored
    assert not before and sum(after.values()) == sum(n for src, _, n in stored if src == "narrative")
    assert found["narratives"] > 0
    assert main(["--db", str(tmp_path / "missing.duckdb")]) == 2


def test_classify_engine_rules__contact_time_two_sentences_after_the_contact():
    r = classify_narrative("I get 30 to 40 text messages a day from them. Same message over and over. "
                           "The last one usually comes in around 11:48 PM.", "en", "US")
    assert [t.time_local for t in r.times if t.is_contact] == ["23:48"]
    assert set(r.conducts) == {"FREQ_EXCESSIVE_MESSAGES", "TIME_INCONVENIENT"}


def test_classify_engine_rules__flags_say_why_a_conduct_is_not_counted():
    story = classify_narrative("My coworker has the same collector and they told her she would be arrested.",
                               "en", "US")
    law = classify_narrative("Under the FDCPA a collector cannot threaten arrest.", "en", "US")
    assert {e.flags for e in story.evidence if e.code == "THREAT_ARREST_OR_CRIME"} == {("second_hand",)}
    assert {e.flags for e in law.evidence if e.code == "THREAT_ARREST_OR_CRIME"} == {("quoted_law",)}
    msgs = classify_narrative("They keep texting me nonstop.", "en", "US")
    assert msgs.conducts == ("FREQ_EXCESSIVE_MESSAGES",)
    assert [e.pattern_id for e in msgs.evidence if e.label_kind == "conduct"] == ["en.freq.vague"]


def test_relabel_reads_only_narratives_of_another_classifier_version(tmp_path):
    """Every narrative label and every complaint read carries the classifier version; after a
    pattern change (simulated: two complaints marked as read by an older version, one
    label from a database before versions) exactly those are stale, relabel re-reads only
    them, and the labels come back as they were."""
    import duckdb

    from analysis.classify import classifier_version
    from analysis.classify.relabel import relabel
    from analysis.ingest import run_import
    from analysis.narratives import stale_counts

    from benchmarks.gen_cfpb import write_cfpb_csv
    write_cfpb_csv(tmp_path / "g.csv", 80, seed=5)  # 37 narratives, 26 with labels
    db_path = tmp_path / "cw.duckdb"
    run_import([tmp_path / "g.csv"], "cfpb", db_path, classify="all")
    q = "SELECT complaint_id, label_code, label_version FROM core_complaint_labels WHERE label_source = 'narrative' ORDER BY ALL"
    from analysis import db
    from analysis.store import mark_changed
    with db.write_transaction(db_path, "simulate older labels") as con:  # both replicas, as a real change would
        stored = con.execute(q).fetchall()
        assert stored and {v for _, _, v in stored} == {classifier_version()}
        assert stale_counts(con) == {"complaints": 0, "labels": 0, "suggestions": 0, "unread": 0,
                                     "version": classifier_version()}
        read = [r[0] for r in con.execute("SELECT complaint_id FROM core_complaints WHERE narrative_version = ? "
                                          "ORDER BY complaint_id", [classifier_version()]).fetchall()]
        with_labels = sorted({c for c, _, _ in stored})
        old = [c for c in read if c not in with_labels][:1] + with_labels[:1]
        con.execute("UPDATE core_complaints SET narrative_version = 'rules-000000000000' WHERE complaint_id IN (?, ?)", old)
        other = with_labels[1]
        con.execute("UPDATE core_complaint_labels SET label_version = NULL WHERE complaint_id = ?", [other])
        mark_changed(con, old + [other])
        n_labels = con.execute("SELECT count(*) FROM core_complaint_labels WHERE label_source = 'narrative' "
                               "AND complaint_id IN (?, ?, ?)", old + [other]).fetchone()[0]
        assert stale_counts(con)["complaints"] == 3 and stale_counts(con)["labels"] == n_labels
    found, _, _ = relabel(db_path, workers=1)
    assert found["narratives"] == 3
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute(q).fetchall() == stored
        assert stale_counts(con)["complaints"] == 0


def test_narratives_imported_unread_are_counted_and_relabel_unread_reads_them(tmp_path):
    """An import with --classify none stores narratives no reader read: the Data page's counts
    say so (they are not stale: nothing read them), relabel leaves them, relabel --unread reads
    them and gives the labels an import that classifies gives."""
    import duckdb

    from analysis.classify.relabel import main as relabel_main, relabel
    from analysis.ingest import run_import
    from analysis.narratives import stale_counts
    from benchmarks.gen_cfpb import write_cfpb_csv
    write_cfpb_csv(tmp_path / "g.csv", 80, seed=5)
    read, unread = tmp_path / "read.duckdb", tmp_path / "unread.duckdb"
    run_import([tmp_path / "g.csv"], "cfpb", read, classify="all")
    run_import([tmp_path / "g.csv"], "cfpb", unread, classify="none")
    q = ("SELECT complaint_id, label_kind, label_code FROM core_complaint_labels "
         "WHERE label_source IN ('narrative', 'model') ORDER BY ALL")
    with duckdb.connect(str(read), read_only=True) as con:
        expected = con.execute(q).fetchall()
        n = con.execute("SELECT count(*) FROM core_complaints WHERE has_narrative").fetchone()[0]
        assert stale_counts(con)["unread"] == 0
    with duckdb.connect(str(unread), read_only=True) as con:
        s = stale_counts(con)
        assert (s["complaints"], s["unread"]) == (0, n) and n == 37 and con.execute(q).fetchall() == []
    assert relabel(unread, workers=1)[0]["narratives"] == 0
    assert relabel_main(["--db", str(unread), "--workers", "1", "--unread"]) == 0
    with duckdb.connect(str(unread), read_only=True) as con:
        assert con.execute(q).fetchall() == expected and stale_counts(con)["unread"] == 0


@pytest.mark.parametrize("text,incidents", [
    # each person contacted goes with the contact of their own clause, not with every method of
    # the sentence (voicemails to the consumer, calls to the job and the mother, a letter to the consumer)
    ("They left voicemails for me, then she called my job, she called my mother, and they sent me a letter.",
     {("voicemail", "debtor"), ("phone_call", "employer_or_coworker"), ("phone_call", "family"),
      ("letter", "debtor")}),
    # a threat "to call the police" is no call of the consumer that "he called my sister" continues
    ("He kept threatening to call the police on me. Later he called my sister about the loan.",
     {("phone_call", "family")}),
    # one clause: both methods reached both people
    ("My mother and my sister received letters and calls about my debt.",
     {("letter", "family"), ("phone_call", "family")}),
])
def test_classify_engine_rules__who_each_contact_reached(text, incidents):
    [r] = classify_many([text], ["en"], ["US"])
    assert {(i.method_code, i.recipient_code) for i in r.incidents} == incidents


@pytest.mark.parametrize("lang,text,about", [
    ("en", "I applied for a loan and was turned down. I called and spoke to someone twice.", False),
    ("en", "A collector called me twice about an old debt.", True),
    ("en", "They called me 15 times in a single day.", True),  # a conduct found is enough
    ("zh", "客服打电话问我要不要开通会员。", False),
    ("zh", "催收天天打电话给我。", True),
])
def test_classify_engine_rules__about_collection(lang, text, about):
    """Whether a narrative is about collecting a debt (its incidents are stored for complaints
    that are no collection complaints by their fields only then; ``analysis.narratives``)."""
    assert classify_narrative(text, lang, "CN" if lang == "zh" else "US").about_collection is about


def test_label_narratives__overlapping_pages_on_a_pool_store_what_one_process_stores(monkeypatch):
    """``label_narratives`` starts the next page's rules before storing the page before; with
    pages of 2,500 and two processes it stores the same labels and incidents as one process
    with one page (7,000 narratives: three pages, the last one short)."""
    import duckdb
    import pandas as pd

    import analysis.narratives as N
    from analysis import db
    from analysis.classify import model as M

    monkeypatch.setenv(M.MODEL_ENV, "/nonexistent.npz")  # rules only: the model is not this test's subject
    texts = ["They called me 15 times in a single day.", "I called them to dispute the debt.",
             "凌晨两点十分打电话骂我。", "They left a voicemail at 9:30 pm and called my boss."]

    def stored(batch: int, workers: int):
        monkeypatch.setattr(N, "_BATCH", batch)
        con = duckdb.connect()
        db.create_schema(con)
        con.register("t", pd.DataFrame({"complaint_id": [f"c{i:05d}" for i in range(7000)],
                                        "narrative": [f"{texts[i % 4]} ({i})" for i in range(7000)],
                                        "language": [("zh" if i % 4 == 2 else "en") for i in range(7000)],
                                        "jurisdiction": [("CN" if i % 4 == 2 else "US") for i in range(7000)]}))
        con.execute("INSERT INTO core_complaints (complaint_id, source, jurisdiction, received_date, has_narrative, "
                    "narrative, language) SELECT complaint_id, 'x', jurisdiction, DATE '2024-01-01', TRUE, narrative, "
                    "language FROM t")
        found = N.label_narratives(con, workers=workers)
        return found, (con.execute("SELECT complaint_id, label_kind, label_code, evidence FROM core_complaint_labels "
                                   "ORDER BY ALL").fetchall(),
                       con.execute("SELECT incident_id, method_code, recipient_code, occurred_time_local "
                                   "FROM core_incidents ORDER BY ALL").fetchall())

    one, one_rows = stored(20_000, 1)
    paged, paged_rows = stored(2_500, 2)
    assert paged == one and paged_rows == one_rows
    per_text = [classify_narrative(f"{x} (0)", "zh" if k == 2 else "en", "CN" if k == 2 else "US")
                for k, x in enumerate(texts)]
    assert one["narratives"] == 7000
    assert len(one_rows[0]) == 1750 * sum(len(r.conducts) + len(r.debt_issues) for r in per_text) > 0
    assert len(one_rows[1]) == 1750 * sum(len(r.incidents) for r in per_text) > 0
