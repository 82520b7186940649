"""Import and Intake pages: the import page's helpers on the fixtures (AppTest cannot upload
files) and its first screen in both languages; the intake form filled and saved through
AppTest (database checked), refused entries (bad time, future date) write nothing; the call-log
timeline figure and the frequency table with exact values."""
import dataclasses
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import codes, db
from analysis.figures import make_call_timeline
from analysis.ingest import preview_file, run_import, validate_file
from analysis.ingest.profiles import USER_DIR_ENV, load_profile
from analysis.queries import query_complaint_evidence, query_evidence_complaints
from tests.helpers import REPO, build_demo_db, shown
from analysis import accounts
from ui import importer, intake
from ui.auth import SESSION_KEY

FIXTURES = REPO / "tests" / "fixtures" / "import"


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "cw.duckdb"
    build_demo_db(path)
    monkeypatch.setenv(db.ENV_VAR, str(path))
    monkeypatch.setenv(USER_DIR_ENV, str(tmp_path / "profiles"))
    accounts.add_account(accounts.accounts_path(path), "amira", "admin", "correct horse battery")
    accounts.add_account(accounts.accounts_path(path), "ed", "editor", "long enough password")
    return path


def _as(at: AppTest, name: str = "ed") -> AppTest:
    """``at`` in a session where ``name`` has signed in (ui.auth)."""
    at.session_state[SESSION_KEY] = name
    return at


def q(path, sql, params=()):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


# ---- Import page ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang,title", [("zh", "导入数据"), ("en", "Import")])
def test_import_page__first_screen(db_path, lang, title):
    at = _as(AppTest.from_file(str(REPO / "pages" / "import_data.py"), default_timeout=60))
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert at.title[0].value == title
    assert at.info[0].value == {"zh": "请选择文件，随后显示预览。", "en": "Choose a file to see its preview."}[lang]


def test_import_helpers__intake_fixture_suggested_mapped_validated():
    data = (FIXTURES / "intake.csv").read_bytes()
    first = preview_file(data, "intake.csv")
    assert importer.suggest_format(first) == "intake"
    pv, mapping = importer.initial_mapping(data, "intake.csv", "intake")
    assert pv.encoding == "utf_8" and pv.kind == "csv" and len(pv.rows) == 7
    assert mapping["催收时刻"] == "occurred_time" and mapping["投诉编号"] == "complaint_id"
    assert importer.mapping_problems(mapping, "intake", "en") == []
    # Two columns giving one field, and a required field given by none, are said in words.
    bad = dict(mapping, **{"省份": "complaint_id"})
    assert importer.mapping_problems(bad, "intake", "en") == [
        "Complaint id in the source · complaint_id is given by more than one column (投诉编号, 省份): keep one."]
    missing = {h: (None if f in ("occurred_at", "occurred_date") else f) for h, f in mapping.items()}
    assert importer.mapping_problems(missing, "intake", "zh") == ["没有任何列对应“催收时间 · occurred_at”，该格式需要此字段。"]
    # an intake sheet without an id column is accepted: ids come from the rows' content
    no_id = {h: (None if f == "complaint_id" else f) for h, f in mapping.items()}
    assert importer.mapping_problems(no_id, "intake", "zh") == []
    v = validate_file(data, "intake.csv", "intake", mapping=mapping)
    assert importer.validation_counts(v) == {"rows": 7, "accepted": v.accepted_count, "quarantined": len(v.quarantined),
                                             "qa": len(v.qa_issues)}
    assert v.row_count == 7 and v.accepted_count + len(v.quarantined) == 7


def test_import_helpers__english_headers_mapped_by_guess():
    """A file with the English template's headers: the intake profile knows only Chinese
    headers, so the page starts from the guessed mapping, which gives every field."""
    row = {f: "" for f in intake.INTAKE_FIELDS}
    row.update(complaint_id="E1", received_at="2024-12-05", creditor_name="Lender", occurred_date="2024-12-03",
               occurred_time="22:30", method="phone_call", recipient="debtor")
    data = intake.to_csv([row], "en")
    pv, mapping = importer.initial_mapping(data, "en.csv", "intake")
    assert {f for f in mapping.values() if f} == set(intake.INTAKE_FIELDS)
    v = validate_file(data, "en.csv", "intake", mapping=mapping)
    assert (v.row_count, v.accepted_count, len(v.quarantined)) == (1, 1, 0)


def test_import_helpers__run_import_report_and_saved_profile(db_path, tmp_path):
    data = (FIXTURES / "intake.csv").read_bytes()
    _pv, mapping = importer.initial_mapping(data, "intake.csv", "intake")
    steps = []
    reps = run_import(["intake.csv"], "intake", db_path, mapping=mapping, file_bytes={"intake.csv": data},
                      progress=lambda f, m: steps.append(f))
    assert steps[-1] == 1.0 and steps == sorted(steps)
    frame = importer.report_frame(reps, "en")
    assert frame.loc[0, "File"] == "intake.csv" and frame.loc[0, "Status"] == "imported"
    assert frame.loc[0, "Rows"] == 7
    again = importer.report_frame(run_import(["intake.csv"], "intake", db_path, mapping=mapping,
                                             file_bytes={"intake.csv": data}), "zh")
    assert again.loc[0, "状态"] == "已导入过（同一文件）：未新增"
    from analysis.ingest.profiles import save_profile
    save_profile("hotline_test", mapping, base=importer.base_of("intake"))
    assert importer.base_of("hotline_test") == "intake"
    assert "hotline_test" in importer.formats()


# ---- Intake page: helpers -------------------------------------------------------------------

def test_intake_time_verdicts_with_rule_ids():
    inc = intake.IncidentInput(day=date(2024, 12, 3), clock="22:30", method="phone_call")
    assert intake.time_verdict(inc, "CN", "en") == ("outside", "22:30 is outside permitted hours (CN-TIME-01).")
    assert intake.time_verdict(inc, "US", "zh") == ("outside", "22:30 在允许时段外（US-TIME-01）。")
    inc.clock = "21:00"
    assert intake.time_verdict(inc, "US", "en") == ("boundary", "21:00 is a boundary case of the permitted hours "
                                                                "(US-TIME-01).")
    assert intake.time_verdict(inc, "CN", "en") == ("inside", "21:00 is within permitted hours (CN-TIME-01).")
    inc.method = "letter"
    assert intake.time_verdict(inc, "CN", "en")[0] == "unknown"
    inc.clock, inc.method = "25:10", "phone_call"
    assert intake.time_verdict(inc, "CN", "en") is None
    assert intake.check_incident(inc, "en", date(2024, 12, 5)) == [
        "“25:10” is not a clock time between 00:00 and 23:59 (write it as HH:MM, e.g. 22:30)."]
    dp = intake.IncidentInput(day=date(2024, 12, 3), time_kind="daypart", daypart="early_morning", method="sms")
    assert intake.time_verdict(dp, "CN", "en") == ("outside", "Small hours (00–05) is outside permitted hours "
                                                             "(CN-TIME-01).")
    assert intake.check_incident(intake.IncidentInput(day=date(2024, 12, 9)), "en", date(2024, 12, 5)) == [
        "The date 2024-12-09 is in the future.", "Enter the clock time (e.g. 22:30), or choose “part of day” or "
        "“date only”.", "Choose the method of contact."]


def test_intake_offered_codes_round_trip_through_the_profile():
    from analysis.ingest.parse import lookup_code
    prof = load_profile("intake")
    for lst, values in (("method", "method"), ("recipient", "recipient"), ("conduct", "conduct"),
                        ("demand", "demand"), ("outcome", "outcome"), ("submission_medium", "submission_medium")):
        offered = intake.options(lst)
        assert offered, lst
        for code in offered:
            assert lookup_code(intake.coded_text(lst, code), prof.values.get(values, {}),
                               prof.keywords.get(values, [])) == code
    assert {"phone_call", "sms", "im", "visit_home"} <= set(intake.options("method"))
    assert {"phone", "in_person"} <= set(intake.options("submission_medium"))


def test_intake_rows_and_templates():
    c = intake.ComplaintInput(received=date(2024, 12, 5), creditor="速借花", collector="某催收", region="广东",
                              demands=["STOP_HARASSMENT"], narrative="他们半夜打电话")
    incs = [intake.IncidentInput(day=date(2024, 12, 3), clock="22:30", method="phone_call", conducts=["ABUSIVE_LANGUAGE"],
                                 said="骂我"),
            intake.IncidentInput(day=date(2024, 12, 4), time_kind="daypart", daypart="early_morning", method="sms",
                                 recipient="emergency_contact")]
    rows = intake.rows(c, incs, "CA1")
    assert [(r["occurred_date"], r["occurred_time"], r["method"], r["recipient"]) for r in rows] == [
        ("2024-12-03", "22:30", "电话", "本人"), ("2024-12-04", "凌晨", "短信", "紧急联系人")]
    assert rows[0]["narrative"] == "他们半夜打电话\n骂我" and rows[1]["narrative"] == ""
    text = intake.to_csv(rows).decode("utf-8-sig").splitlines()
    assert text[0] == "投诉编号,受理日期,省份,被投诉方,催收方,催收日期,催收时刻,催收方式,催收对象,不当行为,催收号码,诉求,处理状态,内容,受理方式"
    assert len(text) == 4  # header, 2 rows, the first narrative spans two lines (quoted)
    en = intake.template_csv("en").decode("utf-8-sig").strip().split(",")
    assert en[:3] == ["complaint id", "date received", "state"] and len(en) == len(intake.INTAKE_FIELDS)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_intake_templates_are_read_as_intake_logs(tmp_path, lang):
    """Both downloadable templates fit the intake profile best, every header to its own field
    (the English one had fitted a call log best and the Chinese one 12315, found by a new user),
    and a row written in the dashboard's own English words imports with their codes: code
    labels of analysis.codes are values of the profile, an English part of day is a time."""
    from analysis.ingest.profiles import match_profiles, resolve_columns
    hdr = intake.headers(lang)
    assert match_profiles(list(hdr.values()))[0] == ("intake", len(intake.INTAKE_FIELDS))
    prof = load_profile("intake")
    cols = resolve_columns(list(hdr.values()), prof)
    assert {f: list(hdr.values())[i] for f, i in cols.items()} == hdr
    if lang == "zh":
        return
    row = {"complaint_id": "EN-1", "received_at": "2024-12-05", "creditor_name": "QuickLoan", "occurred_date": "2024-12-03",
           "occurred_time": "Evening", "method": "Phone call", "recipient": "Emergency contact",
           "conduct": "Abusive language, Disclosure to third parties", "demands": "Stop harassment",
           "status": "Closed (no explanation)", "submission_medium": "In person"}
    f = tmp_path / "intake_en.csv"
    f.write_bytes(intake.to_csv([row], "en"))
    path = tmp_path / "en.duckdb"
    [rep] = run_import([f], "intake", path)
    assert (rep.accepted_count, rep.quarantined_count) == (1, 0)
    assert q(path, "SELECT time_precision, daypart_code, method_code, recipient_code FROM core_incidents") == [
        ("daypart", "evening", "phone_call", "emergency_contact")]
    assert q(path, "SELECT label_kind, label_code FROM core_complaint_labels WHERE label_source = 'field' "
                   "ORDER BY ALL") == [("conduct", "ABUSIVE_LANGUAGE"), ("conduct", "THIRD_PARTY_DISCLOSURE"),
                                       ("demand", "STOP_HARASSMENT")]
    assert q(path, "SELECT outcome_code, submission_medium FROM core_complaints") == [("closed", "in_person")]
    # every conduct the form offers, written by the form in either language, comes back whole
    # (labels with a "/" had been split in two, found by a hostile-input helper)
    everything = intake.options("conduct")
    for lang_ in ("en", "zh"):
        words = [(intake.coded_text("conduct", c) if lang_ == "zh" else codes.label("conduct", c, "en"))
                 for c in everything]
        g = tmp_path / f"all_{lang_}.csv"
        g.write_bytes(intake.to_csv([dict(row, complaint_id=f"ALL-{lang_}", conduct=", ".join(words))], "en"))
        [rep] = run_import([g], "intake", path)
        assert (rep.accepted_count, rep.quarantined_count) == (1, 0)
        assert q(path, "SELECT label_code FROM core_complaint_labels WHERE complaint_id = ? AND label_kind = 'conduct' "
                       "AND label_source = 'field' ORDER BY ALL", [f"intake:ALL-{lang_}"]) == [(c,) for c in sorted(everything)]
        assert q(path, "SELECT count(*) FROM core_qa_issues WHERE complaint_id = ?", [f"intake:ALL-{lang_}"]) == [(0,)]


# ---- Intake page: AppTest -------------------------------------------------------------------

def _intake_app(lang="en"):
    at = _as(AppTest.from_file(str(REPO / "pages" / "intake.py"), default_timeout=60))
    at.query_params["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang,title", [("zh", "登记投诉"), ("en", "Intake")])
def test_intake_page__first_screen(db_path, lang, title):
    at = _intake_app(lang)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert at.title[0].value == title
    assert [d.label for d in at.get("download_button")] == (
        ["模板，中文表头（CSV）", "模板，英文表头（CSV）"] if lang == "zh"
        else ["Template, Chinese headers (CSV)", "Template, English headers (CSV)"])


def test_intake_page__fill_and_save(db_path):
    before = q(db_path, "SELECT count(*) FROM core_complaints")[0][0]
    at = _intake_app("en")
    at.text_input(key="in0_ref").input("CA-TEST-1").run()
    at.date_input(key="in0_received").set_value(date(2024, 12, 5)).run()
    at.text_input(key="in0_creditor").input("速借花").run()
    at.text_input(key="in0_collector").input("某催收公司").run()
    at.text_input(key="in0_region").input("广东").run()
    at.selectbox(key="in0_medium").set_value("in_person").run()
    at.text_area(key="in0_narrative").input("对方说要找我单位，我叫张三，电话13812345678").run()
    at.number_input(key="in0_n").set_value(2).run()
    at.date_input(key="in0_inc0_date").set_value(date(2024, 12, 3)).run()
    at.text_input(key="in0_inc0_clock").input("22:30").run()
    at.selectbox(key="in0_inc0_method").set_value("phone_call").run()
    at.multiselect(key="in0_inc0_conduct").set_value(["ABUSIVE_LANGUAGE"]).run()
    at.text_input(key="in0_inc0_number").input("13900001111").run()
    assert [w.value for w in at.warning] == ["22:30 is outside permitted hours (CN-TIME-01)."]
    at.date_input(key="in0_inc1_date").set_value(date(2024, 12, 4)).run()
    at.selectbox(key="in0_inc1_kind").set_value("daypart").run()
    at.selectbox(key="in0_inc1_daypart").set_value("afternoon").run()
    at.selectbox(key="in0_inc1_method").set_value("sms").run()
    at.selectbox(key="in0_inc1_recipient").set_value("emergency_contact").run()
    assert not at.error, [e.value for e in at.error]
    at.button(key="in0_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert shown(at.success[0].value) == ("Saved as complaint intake:CA-TEST-1 with 2 incident(s). "
                                   "It is counted in every chart now.")
    assert q(db_path, "SELECT count(*) FROM core_complaints")[0][0] == before + 1
    assert q(db_path, """SELECT source, jurisdiction, received_date, creditor_name, collector_name, region, filed_with,
                                submission_medium, outcome_code FROM core_complaints WHERE complaint_id = ?""",
             ["intake:CA-TEST-1"]) == [("intake", "CN", date(2024, 12, 5), "速借花", "某催收公司", "广东",
                                        "consumer_association", "in_person", "in_progress")]
    narrative = q(db_path, "SELECT narrative FROM core_complaints WHERE complaint_id = ?", ["intake:CA-TEST-1"])[0][0]
    assert "13812345678" not in narrative and "张三" not in narrative
    assert q(db_path, """SELECT occurred_date, occurred_hour, time_precision, daypart_code, method_code, recipient_code,
                                time_rule_status, time_rule_id, collector_number_hash IS NOT NULL
                         FROM core_incidents WHERE complaint_id = ? AND time_source = 'field'
                         ORDER BY occurred_date""", ["intake:CA-TEST-1"]) == [
        (date(2024, 12, 3), 22, "exact", None, "phone_call", "debtor", "outside", "CN-TIME-01", True),
        (date(2024, 12, 4), None, "daypart", "afternoon", "sms", "emergency_contact", "unknown", None, False)]
    assert ("conduct", "ABUSIVE_LANGUAGE") in q(db_path, "SELECT label_kind, label_code FROM core_complaint_labels "
                                                         "WHERE complaint_id = ?", ["intake:CA-TEST-1"])
    assert q(db_path, "SELECT format, source_file, accepted_count FROM meta_imports WHERE source = 'intake'") == [
        ("intake", "intake-form_CA-TEST-1.csv", 2)]
    # the audit log names the signed-in editor (issue 11), not the server's OS user
    assert q(db_path, "SELECT actor, actor_role, via, action, file_name, rows_read, rows_added, rows_quarantined "
                      "FROM meta_audit") == [("ed", "editor", "dashboard", "intake", "intake-form_CA-TEST-1.csv", 2, 2, 0)]
    assert q(db_path, "SELECT imported_by FROM meta_imports WHERE source = 'intake'") == [("ed",)]
    # The form is fresh for the next entry; the marts count the new complaint.
    assert at.text_input(key="in1_creditor").value == ""
    assert q(db_path, "SELECT count(*) FROM mart_complaint_facts WHERE complaint_id = 'intake:CA-TEST-1'") == [(1,)]


def test_intake_page__us_jurisdiction_uses_us_rule(db_path):
    at = _intake_app("zh")
    at.selectbox(key="in0_jur").set_value("US").run()
    at.date_input(key="in0_received").set_value(date(2024, 12, 5)).run()
    at.text_input(key="in0_creditor").input("Acme Lending").run()
    at.date_input(key="in0_inc0_date").set_value(date(2024, 12, 3)).run()
    at.text_input(key="in0_inc0_clock").input("21:30").run()
    at.selectbox(key="in0_inc0_method").set_value("phone_call").run()
    assert [w.value for w in at.warning] == ["21:30 在允许时段外（US-TIME-01）。"]
    at.button(key="in0_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert q(db_path, "SELECT c.jurisdiction, i.time_rule_id FROM core_complaints c JOIN core_incidents i USING "
                      "(complaint_id) WHERE c.source = 'intake'") == [("US", "US-TIME-01")]


@pytest.mark.parametrize("field,value,message", [
    ("clock", "25:10", "“25:10” is not a clock time between 00:00 and 23:59 (write it as HH:MM, e.g. 22:30)."),
    ("date", date.today() + timedelta(days=3), f"The date {date.today() + timedelta(days=3)} is in the future."),
])
def test_intake_page__bad_entry_shows_error_and_writes_nothing(db_path, field, value, message):
    before = q(db_path, "SELECT count(*) FROM core_complaints")[0][0]
    imports = q(db_path, "SELECT count(*) FROM meta_imports")[0][0]
    at = _intake_app("en")
    at.text_input(key="in0_creditor").input("速借花").run()
    at.date_input(key="in0_inc0_date").set_value(value if field == "date" else date(2024, 12, 3)).run()
    at.text_input(key="in0_inc0_clock").input(value if field == "clock" else "10:00").run()
    at.selectbox(key="in0_inc0_method").set_value("phone_call").run()
    assert [shown(e.value) for e in at.error] == [message]
    at.button(key="in0_save").click().run()
    assert not at.exception
    assert shown(at.error[-1].value) == f"Not saved, please correct: incident 1: {message}"
    assert not [s.value for s in at.success if s.value.startswith("Saved")]
    assert q(db_path, "SELECT count(*) FROM core_complaints")[0][0] == before
    assert q(db_path, "SELECT count(*) FROM meta_imports")[0][0] == imports


def test_intake_page__future_received_date(db_path):
    at = _intake_app("zh")
    future = date.today() + timedelta(days=1)
    at.date_input(key="in0_received").set_value(future).run()
    assert f"受理日期 {future} 晚于今天。" in [shown(e.value) for e in at.error]


# ---- Call log as evidence -------------------------------------------------------------------

@pytest.fixture
def evidence(db_path):
    run_import([FIXTURES / "intake.csv"], "intake", db_path)
    run_import([FIXTURES / "call_log.csv"], "call_log", db_path, complaint_id="intake:IN001")
    con = db.connect_read_only(db_path)
    try:
        yield query_complaint_evidence(db.read_cursor(con), "intake:IN001"), query_evidence_complaints(con)
    finally:
        con.close()


def test_call_log_evidence__calls_forbidden_and_frequency(evidence):
    ev, known = evidence
    assert ev["jurisdiction"] == "CN"
    assert {"intake:IN001", "intake:IN002"} <= set(known["complaint_id"])
    calls = ev["calls"]
    # 12 incoming calls with a clock time (+ the intake rows' 23:10 call and 15:30 WeChat message);
    # the outgoing call and the date-only row of the log are not incidents with a time.
    assert len(calls) == 14
    bad = intake.forbidden_calls(calls)
    assert [f"{t:%Y-%m-%d %H:%M}" for t in bad["occurred_at"]] == ["2024-12-03 23:10", "2024-12-03 23:30"]
    table = intake.calls_table(bad, "en")
    assert table["Rule"].tolist() == ["CN-TIME-01", "CN-TIME-01"]
    assert table["Answered"].tolist() == ["—", "no"]
    freq = intake.frequency_table(calls, "CN", "en")
    assert freq[["Rule", "Date", "Count"]].values.tolist() == [
        ["CN-FREQ-01", date(2024, 12, 2), 4], ["CN-FREQ-02", date(2024, 12, 3), 8]]
    assert freq.loc[0, "Detail"] == "4 connected calls on 2024-12-02 (limit 3)"
    assert freq.loc[1, "Detail"].startswith("8 unanswered attempts from one number (")
    assert intake.frequency_table(calls, "US", "zh").columns.tolist() == ["规则", "日期", "次数", "说明"]
    zh = intake.frequency_table(calls, "CN", "zh")
    assert zh.loc[0, "说明"] == "2024-12-02 接通 4 次（上限 3 次）"
    number = freq.loc[1, "Detail"].split("(")[1].split("…")[0]  # the hashed number's start, as in English
    assert zh.loc[1, "说明"] == f"2024-12-03 同一号码（{number}…）未接通的呼叫 8 次（上限 6 次）"
    inc = intake.incidents_table(ev["incidents"], "en")
    assert inc["Date and time"].iloc[0] == "2024-12-02 09:00:00"
    assert "2024-12-04 Small hours (00–05)" in inc["Date and time"].tolist()


def test_call_timeline_figure__points_colours_and_shading(evidence):
    ev, _ = evidence
    fig = make_call_timeline(ev["calls"], "CN", "en")
    names = [tr.name for tr in fig.data]
    assert names == ["Answered", "Not answered", "Not recorded"]
    counts = {tr.name: len(tr.y) for tr in fig.data}
    assert counts == {"Answered": 4, "Not answered": 8, "Not recorded": 2}
    assert sorted(fig.data[0].y) == [9.0, 10.0, 11.0, 12.0]
    assert max(fig.data[1].y) == 23.5 and min(fig.data[1].y) == pytest.approx(8 + 1 / 60)
    assert sorted(fig.data[2].y) == [pytest.approx(15.5), pytest.approx(23 + 10 / 60)]
    rects = sorted((s.y0, s.y1) for s in fig.layout.shapes)
    assert rects == [(0, 8.0), (22.0, 24)]
    assert fig.layout.title.text == "Calls of this complaint by date and clock time (14)"
    us = make_call_timeline(ev["calls"], "US", "zh")
    assert sorted((s.y0, s.y1) for s in us.layout.shapes) == [(0, 8.0), (21.0, 24)]
    assert us.layout.annotations[0].text == "禁止时段（US-TIME-01）"
    empty = make_call_timeline(ev["calls"].iloc[0:0], "CN", "en")
    assert len(empty.data) == 0


def test_call_timeline_input_shape():
    calls = pd.DataFrame({"occurred_at": pd.to_datetime(["2024-12-02 22:15:00"]), "is_connected": [True],
                          "method_code": ["phone_call"], "duration_seconds": [30]})
    fig = make_call_timeline(calls, "CN", "en")
    assert fig.data[0].y[0] == pytest.approx(22.25)
    assert "2024-12-02 22:15:00 · Phone call · 30 s" == fig.data[0].hovertext[0]


def test_complaint_choice_label__missing_company_and_date():
    rows = pd.DataFrame({"complaint_id": ["call_log:abc", "intake:X"], "received_date": [pd.NaT, date(2024, 12, 5)],
                         "company_name": [None, "速借花"]})
    assert [intake.complaint_choice_label(r) for r in rows.itertuples()] == ["call_log:abc", "intake:X · 速借花 · 2024-12-05"]


def _fill_minimal(at, gen: int):
    k = f"in{gen}_"
    at.date_input(key=k + "received").set_value(date(2024, 12, 5)).run()
    at.text_input(key=k + "creditor").input("速借花").run()
    at.text_input(key=k + "collector").input("某催收公司").run()
    at.text_area(key=k + "narrative").input("晚上十一点打电话骂我，电话13812345678").run()
    at.date_input(key=k + "inc0_date").set_value(date(2024, 12, 3)).run()
    at.text_input(key=k + "inc0_clock").input("23:00").run()
    at.selectbox(key=k + "inc0_method").set_value("phone_call").run()


def test_intake_page__same_entry_twice_is_caught(db_path):
    """Saving the same entry again (same date, creditor, collector, narrative) warns, refuses
    without "Save anyway", and saves a second complaint only when it is ticked."""
    count = lambda: q(db_path, "SELECT count(*) FROM core_complaints WHERE source = 'intake'")[0][0]  # noqa: E731
    at = _intake_app("en")
    _fill_minimal(at, 0)
    assert not at.warning or all("looks like an entry" not in w.value for w in at.warning)
    at.button(key="in0_save").click().run()
    assert count() == 1 and not at.exception
    _fill_minimal(at, 1)
    dup = [shown(w.value) for w in at.warning if "looks like an entry" in w.value]
    assert len(dup) == 1 and "intake:CA20" in dup[0]
    at.button(key="in1_save").click().run()
    assert count() == 1
    assert shown(at.error[0].value) == ('Not saved: the same entry is already saved. Tick "Save anyway" to save a second '
                                 'complaint.')
    at.checkbox(key="in1_dup_ok").check().run()
    at.button(key="in1_save").click().run()
    assert count() == 2 and not at.exception


@pytest.mark.parametrize("script", ["import_data.py", "data.py"])
def test_pages_do_not_show_the_servers_directories(db_path, script):
    """Issue 11: the Import and Data pages named the database by its full path on the server."""
    at = _as(AppTest.from_file(str(REPO / "pages" / script), default_timeout=60))
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [e.value for kind in ("markdown", "caption", "code", "info", "success") for e in getattr(at, kind)]
    assert not [s for s in shown if str(db_path.parent) in str(s)]
    if script == "data.py":  # the command to import names the file, relative to nothing on the server
        assert f"--db {db_path.name} complaints.csv" in at.code[0].value


def test_import_helpers__the_format_offered_first():
    """A file no profile recognises starts on a format whose columns can be mapped
    (FALLBACK_FORMAT), not on cfpb, which has no mapping to edit; a CFPB export starts on cfpb."""
    unknown = preview_file("甲,乙,丙\n1,电话骚扰,2024-12-04\n".encode(), "x.csv")
    assert importer.suggest_format(unknown) is None
    assert importer.default_format(unknown) == importer.FALLBACK_FORMAT == "intake"
    cfpb = preview_file(("Date received,Product,Issue,Company,Complaint ID\n"
                         "2019-09-24,Debt collection,Communication tactics,Acme,1\n").encode(), "c.csv")
    assert importer.default_format(cfpb) == "cfpb"
    intake = preview_file((FIXTURES / "intake.csv").read_bytes(), "intake.csv")
    assert importer.default_format(intake) == "intake"


def test_intake_save__a_registration_number_is_checked_and_never_reused(tmp_path):
    """A typed registration number names the entry's file in the import and audit logs: only
    letters, digits, '-', '_', '.'; and one already in the database is refused (the new entry
    would have been merged into that complaint), leaving the database as it was."""
    c = intake.ComplaintInput(received=date(2024, 12, 5), creditor="速借花", narrative="半夜打电话")
    inc = [intake.IncidentInput(day=date(2024, 12, 3), clock="23:30", method="phone_call")]
    assert intake.check_complaint(dataclasses.replace(c, reference="a/b"), "en") == [
        "The registration number may hold only letters, digits, '-', '_' and '.' (at most 40)."]
    assert intake.check_complaint(dataclasses.replace(c, reference="T-1_a.b"), "en") == []
    path = tmp_path / "i.duckdb"
    cid, _ = intake.save(c, inc, path, reference="T1")
    other = dataclasses.replace(c, creditor="某贷", narrative="另一件事")
    with db.connect_read_only(path) as con:
        before = con.execute("SELECT * FROM core_complaints ORDER BY ALL").fetchall()
    with pytest.raises(ValueError, match="registration number T1 is already a complaint"):
        intake.save(other, inc, path, reference="T1")
    with pytest.raises(ValueError, match="may hold only letters"):
        intake.save(other, inc, path, reference="../../x")
    with db.connect_read_only(path) as con:
        assert con.execute("SELECT * FROM core_complaints ORDER BY ALL").fetchall() == before
    assert cid == "intake:T1"


def test_intake_page__a_second_click_while_saving_is_not_called_a_duplicate(db_path):
    """The Save button clicked twice: the second click can reach the server before the first
    run has moved the form on (simulated: the form of the first click shown again). It sees its
    own entry saved, says it was saved and saves nothing more (it said "Not saved: the same
    entry is already saved", and ticking "Save anyway" made a duplicate)."""
    count = lambda: q(db_path, "SELECT count(*) FROM core_complaints WHERE source = 'intake'")[0][0]  # noqa: E731
    n0 = count()
    at = _intake_app("en")
    _fill_minimal(at, 0)
    at.button(key="in0_save").click().run()
    assert count() == n0 + 1
    at.session_state["in_gen"] = 0  # as if the first run stopped before moving the form on
    at.run()
    _fill_minimal(at, 0)
    at.button(key="in0_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert count() == n0 + 1
    assert shown(at.success[0].value).startswith("Saved as complaint intake:CA")
