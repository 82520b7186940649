"""Profile imports (heimao, c12315, intake, call_log, ftc_dnc): hand-made fixtures through the
real pipeline (``run_import`` / the CLI), read back from the database with exact values."""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from analysis import db
from analysis.ingest import ImportRefused, preview_file, run_import, validate_file
from analysis.ingest.profiles import load_profile, propose_mapping, save_profile
from tests.conftest import FTC_DNC, SHARED, require_shared

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
FTC = SHARED / FTC_DNC


def q(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


HEIMAO_COMPLAINTS = [
    ("heimao:17370123456", date(2024, 12, 4), "信*飞", "广东", "in_progress"),
    ("heimao:17370123457", date(2024, 12, 4), "某花", "浙江", "explained"),
    ("heimao:17370123458", date(2024, 12, 4), "借*呗", "北京", "closed"),
    ("heimao:17370123459", date(2024, 12, 4), "速借", None, "withdrawn"),
    ("heimao:17370123460", date(2024, 12, 5), "某贷", "上海", "closed"),
    ("heimao:17370123462", date(2024, 12, 7), "某贷", None, None),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_import_heimao__encodings_dates_statuses_demands(tmp_path, encoding):
    src = tmp_path / f"heimao_{encoding}.csv"
    src.write_bytes((FIXTURES / "heimao.csv").read_text(encoding="utf-8").encode(encoding))
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (8, 6, 2, 2)
    assert rep.encoding == {"utf-8": "utf_8", "utf-8-sig": "utf_8_sig", "gb18030": "gb18030", "gbk": "gb18030"}[encoding]
    assert q(path, "SELECT complaint_id, received_date, creditor_name, region, outcome_code FROM core_complaints "
                   "ORDER BY 1") == HEIMAO_COMPLAINTS
    assert set(q(path, "SELECT DISTINCT filed_with, submission_medium, jurisdiction, source FROM core_complaints")) == {
        ("complaint_platform", "web", "CN", "heimao")}
    assert q(path, "SELECT complaint_id, label_code FROM core_complaint_labels WHERE label_kind = 'demand' "
                   "ORDER BY 1, 2") == [
        ("heimao:17370123456", "APOLOGY_OR_COMPENSATION"), ("heimao:17370123456", "REPAYMENT_PLAN"),
        ("heimao:17370123456", "STOP_HARASSMENT"), ("heimao:17370123457", "PUNISH_COLLECTOR"),
        ("heimao:17370123457", "REFUND_FEES"), ("heimao:17370123459", "STOP_HARASSMENT"),
        ("heimao:17370123460", "WRITE_OFF"), ("heimao:17370123462", "OTHER")]
    assert q(path, "SELECT source_file, sheet_name, source_row_number, column_name, raw_value, reason "
                   "FROM core_quarantine ORDER BY 3") == [
        (src.name, None, 7, "投诉编号", "17370123457",
         "complaint id appears more than once in this file (first at row 3)"),
        (src.name, None, 8, "发起时间", "2024-13-45 10:00", "not a date: '2024-13-45 10:00': no such date")]
    assert q(path, "SELECT source_row_number, column_name, raw_value FROM core_qa_issues ORDER BY 2") == [
        (9, "投诉要求", "要个说法"), (9, "投诉进度", "神秘状态")]
    assert q(path, "SELECT source, name_zh, jurisdiction, is_synthetic FROM meta_sources") == [
        ("heimao", "投诉平台导出（黑猫投诉等）", "CN", False)]
    assert q(path, "SELECT format, source_file, row_count, accepted_count, quarantined_count, status FROM meta_imports") == [
        ("heimao", src.name, 8, 6, 2, "imported")]


def test_import_heimao__reimport_adds_nothing_and_changed_row_updates(tmp_path):
    path = tmp_path / "h.duckdb"
    run_import([FIXTURES / "heimao.csv"], "heimao", path)
    before = q(path, "SELECT count(*) FROM core_complaints")[0][0], q(path, "SELECT count(*) FROM core_complaint_labels")[0][0]
    [again] = run_import([FIXTURES / "heimao.csv"], "heimao", path)
    assert again.status == "already_imported"
    resaved = tmp_path / "heimao_crlf.csv"  # same rows, other bytes
    resaved.write_bytes((FIXTURES / "heimao.csv").read_bytes().replace(b"\n", b"\r\n"))
    [rep] = run_import([resaved], "heimao", path)
    assert (rep.accepted_count, rep.unchanged_count, rep.quarantined_count) == (0, 6, 2)
    assert (q(path, "SELECT count(*) FROM core_complaints")[0][0],
            q(path, "SELECT count(*) FROM core_complaint_labels")[0][0]) == before
    changed = tmp_path / "heimao_changed.csv"
    changed.write_text((FIXTURES / "heimao.csv").read_text(encoding="utf-8").replace(",已撤销,", ",已完成,"),
                       encoding="utf-8")
    [rep] = run_import([changed], "heimao", path)
    assert (rep.accepted_count, rep.updated_count, rep.unchanged_count) == (1, 1, 5)
    assert q(path, "SELECT outcome_code FROM core_complaints WHERE complaint_id = 'heimao:17370123459'") == [("closed",)]
    assert q(path, "SELECT count(*) FROM core_complaints")[0][0] == 6


def _workbook(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "2024年12月"
    ws.append(["工单编号", "登记时间", "被投诉方", "诉求", "处理状态", "投诉内容", "地区", "投诉渠道"])
    ws.append(["A1", datetime(2024, 12, 4, 9, 58, 32), "某贷", "停止骚扰、退款", "已回复", "天天打电话", "广东", "12315热线"])
    ws.append(["A2", "2024年12月5日 下午3点", "某花", "协商还款", "处理中", None, "广东", "网络"])
    ws.append(["A3", 45658, "某贷", None, "已完成", None, "湖北", None])
    ws.append(["A3", 45658, "某贷", None, "已完成", None, "湖北", None])
    notes = wb.create_sheet("说明")
    notes.append(["本表为示例"])
    notes.append(["第二行说明"])
    ws2 = wb.create_sheet("2025年1月")
    ws2.append(["工单编号", "登记时间", "被投诉方", "处理状态"])
    ws2.append(["B1", 45659.75, "某贷", "已撤销"])
    ws2.append(["B2", "12/04/2024", "某花", "已完成"])
    ws2.append(["B3", "下个月", "某花", "已完成"])
    wb.save(path)


def test_import_xlsx__merged_cells_and_a_second_sheet_of_the_same_file(tmp_path):
    """A merged range keeps its value only in its top-left cell: every row under it is read with
    that value (a company merged over three rows left two complaints without one), and a note
    names the ranges. The same workbook imported again with another sheet is read (it was
    skipped as "already imported", its rows reported as present); with the same sheet it is not."""
    src = tmp_path / "m.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "一月"
    ws.append(["投诉编号", "投诉对象", "发起时间", "正文", "投诉进度"])
    ws.append(["1", "某某金融", "2024-12-04 09:58", "打电话", "处理中"])
    ws.append(["2", None, "2024-12-04 10:58", "打电话", "已完成"])
    ws.append(["3", None, "2024-12-04 11:58", "打电话", None])
    ws.append(["4", "某花", "2024-12-04 12:58", "打电话", None])
    ws.merge_cells("B2:B4")
    ws.merge_cells("E3:E5")
    ws2 = wb.create_sheet("二月")
    ws2.append(["投诉编号", "投诉对象", "发起时间", "正文"])
    ws2.append(["5", "某贷", "2025-02-04 09:58", "打电话"])
    wb.save(src)
    path = tmp_path / "m.duckdb"
    [rep] = run_import([src], "heimao", path, sheet="一月")
    assert (rep.row_count, rep.accepted_count) == (4, 4)
    assert q(path, "SELECT source_record_id, creditor_name, outcome_code FROM core_complaints ORDER BY 1") == [
        ("1", "某某金融", "in_progress"), ("2", "某某金融", "closed"), ("3", "某某金融", "closed"), ("4", "某花", "closed")]
    assert ("m.xlsx, sheet '一月': 2 merged cell ranges (B2:B4, E3:E5): each cell of a range was read with the value "
            "shown in it (a spreadsheet stores it in the range's first cell only)") in rep.notes
    [rep] = run_import([src], "heimao", path, sheet="二月")
    assert (rep.status, rep.row_count, rep.accepted_count, rep.unchanged_count) == ("imported", 1, 1, 0)
    [rep] = run_import([src], "heimao", path, sheet="二月")
    assert (rep.status, rep.row_count, rep.unchanged_count) == ("already_imported", 1, 1)
    assert q(path, "SELECT count(*) FROM core_complaints") == [(5,)]


def test_import_c12315__multi_sheet_workbook(tmp_path):
    src = tmp_path / "cases.xlsx"
    _workbook(src)
    path = tmp_path / "c.duckdb"
    [rep] = run_import([src], "c12315", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (7, 5, 2)
    assert rep.notes[0] == "sheet '说明' skipped: none of its columns is known to profile c12315"
    assert q(path, "SELECT complaint_id, received_date, outcome_code, submission_medium, filed_with FROM core_complaints "
                   "ORDER BY 1") == [
        ("c12315:A1", date(2024, 12, 4), "explained", "phone", "consumer_association"),
        ("c12315:A2", date(2024, 12, 5), "in_progress", "web", "consumer_association"),
        ("c12315:A3", date(2025, 1, 1), "closed", "web", "consumer_association"),
        ("c12315:B1", date(2025, 1, 2), "withdrawn", "web", "consumer_association"),
        ("c12315:B2", date(2024, 12, 4), "closed", "web", "consumer_association")]
    assert q(path, "SELECT sheet_name, source_row_number, column_name, raw_value FROM core_quarantine ORDER BY 1, 2") == [
        ("2024年12月", 5, "工单编号", "A3"), ("2025年1月", 4, "登记时间", "下个月")]  # worksheet rows
    assert q(path, "SELECT sheet_name, source_row_number FROM raw_generic__rows ORDER BY 1, 2") == [
        ("2024年12月", 2), ("2024年12月", 3), ("2024年12月", 4), ("2024年12月", 5),
        ("2025年1月", 2), ("2025年1月", 3), ("2025年1月", 4)]
    # one chosen sheet
    path2 = tmp_path / "c2.duckdb"
    [rep] = run_import([src], "c12315", path2, sheet="2025年1月")
    assert (rep.row_count, rep.accepted_count) == (3, 2)


def test_import_xlsx__a_formula_saved_without_its_value_quarantines_its_row(tmp_path):
    """openpyxl (like other programs that do not compute formulas) saves "=..." with no value:
    read as values, the cell would be silently empty; the row goes to quarantine saying why."""
    wb = Workbook()
    ws = wb.active
    ws.title = "cases"
    ws.append(["工单编号", "登记时间", "被投诉方", "处理状态", "投诉内容"])
    ws.append(["F1", datetime(2024, 12, 4, 9, 0), "某贷", "已回复", '=CONCATENATE("天天", "打电话")'])
    ws.append(["F2", datetime(2024, 12, 5, 9, 0), "某花", "已完成", "每天打十几次"])
    ws.append(['=HYPERLINK("http://evil.example", "x")', None, None, None, None])
    src = tmp_path / "formula.xlsx"
    wb.save(src)
    path = tmp_path / "f.duckdb"
    [rep] = run_import([src], "c12315", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (3, 1, 2)
    assert q(path, "SELECT complaint_id FROM core_complaints") == [("c12315:F2",)]
    reasons = q(path, "SELECT source_row_number, reason FROM core_quarantine ORDER BY 1")
    assert [r[0] for r in reasons] == [2, 4]
    assert reasons[0][1].startswith("投诉内容: a formula saved without its value")
    assert reasons[1][1].startswith("工单编号: a formula saved without its value")


def test_import_intake__incidents_times_and_rules(tmp_path):
    path = tmp_path / "i.duckdb"
    [rep] = run_import([FIXTURES / "intake.csv"], "intake", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (7, 5, 2, 1)
    assert q(path, """SELECT complaint_id, occurred_date, occurred_at, occurred_hour, time_precision, daypart_code,
                             method_code, recipient_code, is_outside_permitted_hours, time_rule_status, time_rule_id
                      FROM core_incidents WHERE time_source = 'field' ORDER BY complaint_id, occurred_date, occurred_at""") == [
        ("intake:IN001", date(2024, 12, 3), datetime(2024, 12, 3, 23, 10), 23, "exact", None, "phone_call", "debtor",
         True, "outside", "CN-TIME-01"),
        ("intake:IN001", date(2024, 12, 4), datetime(2024, 12, 4, 15, 30), 15, "exact", None, "im", "debtor",
         False, "inside", "CN-TIME-01"),
        ("intake:IN001", date(2024, 12, 4), None, None, "daypart", "early_morning", "sms", "emergency_contact",
         True, "outside", "CN-TIME-01"),
        ("intake:IN002", date(2024, 12, 5), None, None, "daypart", "night", "visit_home", "family",
         None, "unknown", None),
        ("intake:IN003", date(2024, 12, 6), datetime(2024, 12, 6, 10), 10, "exact", None, "unknown", "debtor",
         None, "unknown", None)]
    assert q(path, "SELECT complaint_id, received_date, outcome_code, filed_with, submission_medium, narrative "
                   "FROM core_complaints ORDER BY 1") == [
        ("intake:IN001", date(2024, 12, 5), "in_progress", "consumer_association", "phone", "对方骂我\n给我妈发短信说我欠钱"),
        ("intake:IN002", date(2024, 12, 6), "explained", "consumer_association", "phone", None),
        ("intake:IN003", date(2024, 12, 7), "in_progress", "consumer_association", "phone", None)]
    # one label per row and code, with its row's incident (the conduct cell's 非合理时间 and the
    # 23:10 call are one label of row 2)
    assert q(path, "SELECT complaint_id, label_kind, label_code, rule_id, evidence, i.occurred_date "
                   "FROM core_complaint_labels JOIN core_incidents i USING (complaint_id, incident_id) "
                   "WHERE label_source = 'field' ORDER BY 1, 2, 3, 5") == [
        ("intake:IN001", "conduct", "ABUSIVE_LANGUAGE", None, "不当行为: 辱骂", date(2024, 12, 3)),
        ("intake:IN001", "conduct", "CONTACT_LIST_BLAST", None, "不当行为: 爆通讯录", date(2024, 12, 4)),
        ("intake:IN001", "conduct", "TIME_INCONVENIENT", "CN-TIME-01", "催收日期: 2024-12-03 23:10", date(2024, 12, 3)),
        ("intake:IN001", "conduct", "TIME_INCONVENIENT", "CN-TIME-01", "催收日期: 2024-12-04 凌晨", date(2024, 12, 4)),
        ("intake:IN001", "demand", "STOP_HARASSMENT", None, "诉求: 停止骚扰", date(2024, 12, 3)),
        ("intake:IN001", "demand", "STOP_HARASSMENT", None, "诉求: 停止骚扰", date(2024, 12, 4)),
        ("intake:IN002", "demand", "APOLOGY_OR_COMPENSATION", None, "诉求: 道歉赔偿", date(2024, 12, 5))]
    assert q(path, "SELECT count(*) FROM core_complaint_labels WHERE label_source = 'field'") == [(7,)]
    from analysis.queries import query_complaint_detail  # the reader shows the same demand of two rows once
    with db.connect_read_only(path) as con:
        shown = query_complaint_detail(db.read_cursor(con), "intake:IN001")["labels"]
    assert shown[shown["label_source"] == "field"][["label_code", "evidence"]].values.tolist() == [
        ["ABUSIVE_LANGUAGE", "不当行为: 辱骂"], ["CONTACT_LIST_BLAST", "不当行为: 爆通讯录"],
        ["TIME_INCONVENIENT", "催收日期: 2024-12-03 23:10"], ["TIME_INCONVENIENT", "催收日期: 2024-12-04 凌晨"],
        ["STOP_HARASSMENT", "诉求: 停止骚扰"]]
    assert q(path, "SELECT source_row_number, column_name, raw_value FROM core_quarantine ORDER BY 1") == [
        (6, None, None), (7, "催收日期", "不是日期")]  # lines[6] below is row 7
    # two incidents of IN001 came from the same number (written two ways)
    assert q(path, "SELECT count(DISTINCT collector_number_hash), count(collector_number_hash) FROM core_incidents") == [(1, 2)]
    # the corrected quarantined row, re-imported on its own, is added to its complaint; the full file adds nothing
    fixed = tmp_path / "fixed.csv"
    lines = (FIXTURES / "intake.csv").read_text(encoding="utf-8").splitlines()
    fixed.write_text(lines[0] + "\n" + lines[6].replace("不是日期", "2024-12-06").replace(",10:00,", ",11:00,") + "\n",
                     encoding="utf-8")
    [rep] = run_import([fixed], "intake", path)
    assert (rep.accepted_count, rep.quarantined_count) == (1, 0)
    assert q(path, "SELECT count(*) FROM core_incidents WHERE complaint_id = 'intake:IN003' AND time_source = 'field'") == [(2,)]
    again = tmp_path / "again.csv"
    again.write_bytes((FIXTURES / "intake.csv").read_bytes() + b"\n")
    [rep] = run_import([again], "intake", path)
    assert (rep.accepted_count, rep.unchanged_count) == (0, 5)
    assert q(path, "SELECT count(*) FROM core_incidents WHERE time_source = 'field'") == [(6,)]


def test_import_intake__replace_corrects_an_earlier_import(tmp_path):
    """A corrected intake log imported with ``replace``: the complaints it names are rebuilt
    from its rows (a corrected time replaces the wrong one instead of adding a second incident,
    a row left out is removed), complaints whose rows are the same are left alone, a call log's
    incidents stay and its labels are computed again, and the same bytes imported before as an
    addition are read again as a correction."""
    path = tmp_path / "r.duckdb"
    run_import([FIXTURES / "intake.csv"], "intake", path)
    run_import([FIXTURES / "call_log.csv"], "call_log", path, complaint_id="intake:IN001")
    lines = (FIXTURES / "intake.csv").read_text(encoding="utf-8").splitlines()
    # IN001: 23:10 was a typing error for 21:10 (so not at an inconvenient time), the SMS row was
    # wrong; IN002 as before
    first = lines[1].replace(",23:10,", ",21:10,").replace("辱骂、非合理时间", "辱骂")
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("\n".join([lines[0], first, lines[3], lines[4]]) + "\n", encoding="utf-8")
    # added (the default): the corrected row is a second incident beside the wrong one
    added = tmp_path / "added.duckdb"
    run_import([FIXTURES / "intake.csv"], "intake", added)
    [rep] = run_import([fixed], "intake", added)
    assert (rep.accepted_count, rep.unchanged_count, rep.updated_count) == (1, 2, 0)
    assert q(added, "SELECT count(*) FROM core_incidents WHERE complaint_id = 'intake:IN001' AND time_source = 'field'") == [(4,)]
    # replace: IN001 rebuilt from its two rows, IN002 unchanged
    [rep] = run_import([fixed], "intake", path, replace=True)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.unchanged_count, rep.updated_count) == \
        (3, 2, 0, 1, 2)
    assert "1 complaint(s) listed in this file were rebuilt from its rows (the file is their whole record); " \
           "2 earlier incident(s) of theirs that are not in the file were removed" in rep.notes
    assert q(path, """SELECT occurred_at, method_code, time_rule_status FROM core_incidents
                      WHERE complaint_id = 'intake:IN001' AND starts_with(incident_id, 'intake:IN001#r')
                      ORDER BY occurred_at""") == [
        (datetime(2024, 12, 3, 21, 10), "phone_call", "inside"), (datetime(2024, 12, 4, 15, 30), "im", "inside")]
    assert q(path, "SELECT count(*) FROM core_incidents WHERE incident_id LIKE 'intake:IN001#call-%'") == [(12,)]
    # the rows' labels are the corrected file's (no more 23:10, no more contact-list blast); the
    # call log's outside-hours call now carries TIME_INCONVENIENT, and its frequency label stays
    assert q(path, "SELECT label_code, pattern_id FROM core_complaint_labels WHERE complaint_id = 'intake:IN001' "
                   "AND label_source = 'field' ORDER BY 1") == [
        ("ABUSIVE_LANGUAGE", "profile:intake:conduct"), ("FREQ_EXCESSIVE_CALLS", "call_log:frequency"),
        ("STOP_HARASSMENT", "profile:intake:demands"), ("TIME_INCONVENIENT", "call_log:time")]
    assert q(path, "SELECT narrative FROM core_complaints WHERE complaint_id = 'intake:IN001'") == [("对方骂我",)]
    # the same correction again changes nothing
    [rep] = run_import([fixed], "intake", path, replace=True)
    assert (rep.status, rep.unchanged_count, rep.updated_count) == ("already_imported", 3, 0)
    # a reviewed complaint corrected: its decisions stay, and the note says to read it again
    from analysis.audit import Actor
    from analysis.reviews import Review, save_review
    save_review(path, Review("intake:IN001", []), Actor("tester", "editor"))
    again = tmp_path / "fixed2.csv"
    again.write_text("\n".join([lines[0], first.replace(",21:10,", ",21:20,"), lines[3], lines[4]]) + "\n",
                     encoding="utf-8")
    [rep] = run_import([again], "intake", path, replace=True)
    assert "1 reviewed complaint(s) got new or changed evidence from this file and are back in the review queue " \
           "(Narratives page); their review decisions stay (one about an incident that was removed no longer " \
           "applies)" in rep.notes
    assert rep.reopened_count == 1
    assert (rep.status, rep.unchanged_count, rep.updated_count) == ("imported", 1, 2)
    # the same bytes, first added, then imported as a correction: read again and applied
    [rep] = run_import([fixed], "intake", added, replace=True)
    assert (rep.status, rep.updated_count, rep.unchanged_count) == ("imported", 2, 1)
    assert q(added, "SELECT count(*) FROM core_incidents WHERE complaint_id = 'intake:IN001' AND time_source = 'field'") == [(2,)]


def test_import_intake__replace_keeps_what_it_cannot_read_whole(tmp_path):
    """A correction never loses an incident to a row it sets aside: a complaint with a
    quarantined row is left as it was (its other rows quarantined too, naming that row); a file
    with unreadable rows, or several files at once, are refused; and after the correction is
    removed, the original file is read again rather than reported "already present"."""
    from analysis.audit import Actor
    from analysis.deletion import delete_import
    path = tmp_path / "k.duckdb"
    run_import([FIXTURES / "intake.csv"], "intake", path)
    lines = (FIXTURES / "intake.csv").read_text(encoding="utf-8").splitlines()
    incidents = "SELECT count(*) FROM core_incidents WHERE complaint_id = 'intake:IN001' AND time_source = 'field'"
    bad = tmp_path / "bad.csv"  # IN001's first row with an impossible date, its third row corrected
    bad.write_text("\n".join([lines[0], lines[1].replace("2024-12-03", "2024-13-03"), lines[3].replace("下午3点半", "16:00"),
                              lines[4]]) + "\n", encoding="utf-8")
    [rep] = run_import([bad], "intake", path, replace=True)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.unchanged_count) == (3, 0, 2, 1)
    assert q(path, "SELECT source_row_number, reason FROM core_quarantine WHERE source_file = 'bad.csv' ORDER BY 1")[1] == (
        3, "not corrected: row 2 of the same complaint was set aside; fix it and import the file again")
    assert q(path, incidents) == [(3,)]
    unreadable = tmp_path / "unreadable.csv"
    unreadable.write_text("\n".join([lines[0], lines[1], '"IN009,2024-12-05', lines[4]]) + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="1 row\\(s\\) could not be read"):
        run_import([unreadable], "intake", path, replace=True)
    with pytest.raises(ImportRefused, match="one file at a time \\(2 files were given\\)"):
        run_import([bad, bad], "intake", path, replace=True)
    good = tmp_path / "good.csv"
    good.write_text("\n".join([lines[0], lines[1].replace(",23:10,", ",21:10,")]) + "\n", encoding="utf-8")
    [rep] = run_import([good], "intake", path, replace=True)
    assert q(path, incidents) == [(1,)]
    delete_import(path, rep.import_id, Actor("tester", "admin", "command_line"))
    assert q(path, incidents) == [(0,)]  # the rebuilt complaint went with the correction
    [rep] = run_import([FIXTURES / "intake.csv"], "intake", path)
    assert (rep.status, rep.accepted_count) == ("imported", 3)
    assert q(path, incidents) == [(3,)]


@pytest.mark.parametrize("fmt, make", [
    ("heimao", lambda d: d / "heimao.csv"),
    ("intake", lambda d: d / "no_ids.csv"),
])
def test_import_replace__refused_where_it_has_no_meaning(tmp_path, fmt, make):
    (tmp_path / "heimao.csv").write_bytes((FIXTURES / "heimao.csv").read_bytes())
    lines = (FIXTURES / "intake.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "no_ids.csv").write_text("\n".join(ln.split(",", 1)[1] for ln in lines[:3]) + "\n", encoding="utf-8")
    path = tmp_path / "x.duckdb"
    with pytest.raises(ImportRefused) as err:
        run_import([make(tmp_path)], fmt, path, replace=True)
    assert str(err.value) == {
        "heimao": "only an intake log (one row per incident) can correct an earlier import; a 'heimao' file already "
                  "updates the complaints it names, or adds calls",
        "intake": "no_ids.csv: a correction needs a complaint id column on every sheet; '' has none (rows whose id "
                  "comes from their content cannot name the complaint they correct)"}[fmt]
    assert not path.exists() or q(path, "SELECT count(*) FROM meta_imports") == [(0,)]


def test_import_call_log__one_complaint_frequency_and_time(tmp_path):
    path = tmp_path / "l.duckdb"
    run_import([FIXTURES / "intake.csv"], "intake", path)
    [rep] = run_import([FIXTURES / "call_log.csv"], "call_log", path, complaint_id="intake:IN001")
    # the borrower's own call is accepted (kept in raw, no incident), not "already present" on a first import
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.unchanged_count) == (14, 13, 1, 0)
    assert q(path, """SELECT count(*), count(*) FILTER (WHERE is_connected), sum(duration_seconds),
                             count(*) FILTER (WHERE time_rule_status = 'outside'), min(occurred_at), max(occurred_at)
                      FROM core_incidents WHERE incident_id LIKE 'intake:IN001#call-%'""") == [
        (12, 4, 155, 1, datetime(2024, 12, 2, 9), datetime(2024, 12, 3, 23, 30))]
    labels = q(path, "SELECT label_code, rule_id, evidence FROM core_complaint_labels WHERE pattern_id LIKE 'call_log:%'")
    assert [(a, b) for a, b, _ in labels] == [("FREQ_EXCESSIVE_CALLS", "CN-FREQ-01")]
    assert labels[0][2].startswith("CN-FREQ-01: 1× (first 2024-12-02: 4 connected calls on 2024-12-02 (limit 3)); "
                                   "CN-FREQ-02: 1× (first 2024-12-03: 8 unanswered attempts")
    assert q(path, "SELECT source_row_number, reason FROM core_quarantine WHERE source_file = 'call_log.csv'") == [
        (15, "a call-log entry needs a date with a clock time")]
    # to a new complaint; the same log again adds nothing
    [rep] = run_import([FIXTURES / "call_log.csv"], "call_log", path)
    assert rep.accepted_count == 12
    [rep] = run_import([FIXTURES / "call_log.csv"], "call_log", path)
    assert (rep.accepted_count, rep.unchanged_count, rep.quarantined_count) == (0, 13, 1)
    with pytest.raises(ImportRefused, match="not found"):
        run_import([FIXTURES / "call_log.csv"], "call_log", path, complaint_id="intake:NOPE")


def test_import_call_log__a_duration_longer_than_a_day_is_left_empty_with_its_reason(tmp_path):
    """Durations too long for one call (a wrong column, milliseconds; one larger than the
    database's INTEGER stopped the import with a traceback) are left empty with the reason;
    the rows are kept and the counts add up."""
    src = tmp_path / "log.csv"
    src.write_text("号码,通话时间,通话时长\n13800138000,2024-03-05 22:30:00,99999999999\n"
                   "13800138000,2024-03-05 22:40:00,1234567890123456789012\n"
                   "13800138000,2024-03-05 22:50:00,86401\n13800138000,2024-03-05 23:00:00,86400\n",
                   encoding="utf-8")
    path = tmp_path / "l.duckdb"
    [rep] = run_import([src], "call_log", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (4, 4, 0, 3)
    assert q(path, "SELECT duration_seconds FROM core_incidents ORDER BY occurred_at") == [(None,), (None,), (None,),
                                                                                        (86400,)]
    assert {r for (r,) in q(path, "SELECT reason FROM core_qa_issues")} == {
        "longer than 86,400 seconds (a day): not one call's duration; left empty"}


@require_shared(FTC_DNC)
def test_import_ftc__hourly_counts_match_raw_csv(tmp_path):
    path = tmp_path / "f.duckdb"
    [rep] = run_import([FTC], "ftc_dnc", path)
    with open(FTC, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    exact = [r for r in rows if not r["Violation_Date"].endswith(" 00:00:00") and r["Violation_Date"] != r["Created_Date"]]
    expected = Counter(int(r["Violation_Date"][11:13]) for r in exact)
    same = sum(r["Violation_Date"] == r["Created_Date"] for r in rows)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (len(rows), len(rows), 0)
    got = dict(q(path, "SELECT occurred_hour, count(*) FROM core_incidents WHERE time_precision = 'exact' GROUP BY 1"))
    assert got == dict(expected)
    assert q(path, "SELECT count(*) FROM core_incidents WHERE time_precision = 'date_only'") == [(len(rows) - len(exact),)]
    assert q(path, "SELECT count(*) FROM core_qa_issues WHERE column_name = 'Violation_Date'") == [(same,)]
    assert same == 548 and any("548 rows whose call time equals the filing time" in n for n in rep.notes)
    robo = sum(r["Recorded_Message_Or_Robocall"] == "Y" for r in rows)
    assert q(path, "SELECT count(*) FROM core_incidents WHERE method_code = 'robocall'") == [(robo,)]
    assert q(path, "SELECT count(*) FROM core_complaints WHERE issue LIKE '%  %'") == [(0,)]
    assert q(path, "SELECT count(*) FROM core_complaints WHERE issue = 'Medical & prescriptions'") == [
        (sum(r["Subject"] == "Medical  & prescriptions" for r in rows),)]
    by_state = Counter(r["Consumer_State"] or None for r in rows)
    assert dict(q(path, "SELECT region, count(*) FROM core_complaints GROUP BY 1")) == dict(by_state)
    assert q(path, "SELECT DISTINCT jurisdiction, filed_with FROM core_complaints") == [("US", "other")]
    # unwanted-call reports are not debt collection: own product (out of the default view), no conduct flags
    assert q(path, "SELECT DISTINCT product FROM core_complaints") == [("Unwanted calls (FTC Do Not Call)",)]
    assert q(path, "SELECT count(*) FROM core_complaint_labels WHERE label_kind = 'conduct'") == [(0,)]
    assert q(path, "SELECT count(*) FROM core_incidents WHERE is_outside_permitted_hours") != [(0,)]
    assert q(path, "SELECT publisher, is_synthetic FROM meta_sources") == [("Federal Trade Commission (US)", False)]
    def canonical(n):  # +1 8005551234 and 8005551234 are one number; no digits, no number
        d = re.sub(r"\D", "", n)
        return d[1:] if len(d) == 11 and d.startswith("1") and n.startswith("+") else (d or None)
    numbers = {canonical(r["Company_Phone_Number"]) for r in rows} - {None}
    assert q(path, "SELECT count(DISTINCT collector_number_hash) FROM core_incidents") == [(len(numbers),)]
    data = path.read_bytes()
    assert not any(n.encode() in data for n in sorted(numbers)[:500] if len(n) == 10)


def test_import__failed_import_leaves_database_unchanged(tmp_path):
    path = tmp_path / "x.duckdb"
    run_import([FIXTURES / "intake.csv"], "intake", path)
    before = (path.read_bytes(), db.fingerprint(path))
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,电话\n张三,1\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="required column"):
        run_import([FIXTURES / "heimao.csv", bad], "heimao", path)
    assert (path.read_bytes(), db.fingerprint(path)) == before


def test_import__mapping_proposal_save_and_reuse(tmp_path, monkeypatch):
    monkeypatch.setenv("COLLECTION_WATCH_PROFILES", str(tmp_path / "profiles"))
    header = ["Complaint ID", "Company", "Date", "Time", "Method", "Status", "Narrative", "State", "Colour"]
    mapping = propose_mapping(header)
    assert mapping == {"Complaint ID": "complaint_id", "Company": "creditor_name", "Date": "occurred_date",
                       "Time": "occurred_time", "Method": "method", "Status": "status", "Narrative": "narrative",
                       "State": "region", "Colour": None}
    p = save_profile("our_hotline", mapping, base="intake", settings={"jurisdiction": "US", "date_order": "mdy"})
    assert p == tmp_path / "profiles" / "our_hotline.toml"
    prof = load_profile("our_hotline")
    assert (prof.grain, prof.jurisdiction, prof.columns["occurred_time"]) == ("incident", "US", ["Time"])
    src = tmp_path / "hotline.csv"
    src.write_text("Complaint ID,Company,Date,Time,Method,Status,Narrative,State,Colour\n"
                   "H1,Acme,12/04/2024,9:58 PM,call,In progress,They called late,CA,red\n"
                   "H1,Acme,12/05/2024,07:30,text,In progress,,CA,blue\n", encoding="utf-8")
    path = tmp_path / "u.duckdb"
    [rep] = run_import([src], "our_hotline", path)
    assert rep.accepted_count == 2
    assert q(path, "SELECT occurred_at, method_code, time_rule_status, time_rule_id FROM core_incidents "
                   "WHERE time_source = 'field' ORDER BY 1") == [
        (datetime(2024, 12, 4, 21, 58), "phone_call", "outside", "US-TIME-01"),
        (datetime(2024, 12, 5, 7, 30), "sms", "outside", "US-TIME-01")]


def test_save_profile__names_it_may_not_take_and_replacing_is_asked_for(tmp_path, monkeypatch):
    """A saved profile cannot take a shipped format's name, "cfpb", a hidden ("_") or an Intake
    form name ("intake_…": the form would then store its entries with it), and replaces a saved
    one only when asked; each refusal is said in both languages."""
    from analysis.ingest.profiles import ProfileError
    monkeypatch.setenv("COLLECTION_WATCH_PROFILES", str(tmp_path / "profiles"))
    mapping = {"Complaint ID": "complaint_id", "Date": "occurred_date", "Time": "occurred_time"}
    for name, en, zh in [
        ("heimao", "'heimao' is the name of a format that ships with the application", "'heimao' 是随应用提供的格式名称"),
        ("cfpb", "'cfpb' is the name of a format that ships", "'cfpb' 是随应用提供的格式名称"),
        ("_hidden", "names beginning with '_', 'intake_' are kept", "以 '_'、'intake_' 开头的名称"),
        ("intake_us_consumer_association", "are kept for the application's own profiles", "留作应用自身的模板"),
        ("Bad Name", "use 1–40 lower-case letters", "请使用 1–40 个小写字母")]:
        with pytest.raises(ProfileError) as got:
            save_profile(name, mapping, base="intake")
        assert en in str(got.value) and zh in got.value.in_language("zh"), name
    save_profile("ours", mapping, base="intake")
    with pytest.raises(ProfileError, match="already saved"):
        save_profile("ours", {**mapping, "Time": None}, base="intake")
    assert load_profile("ours").columns["occurred_time"] == ["Time"]
    save_profile("ours", {**mapping, "Time": None}, base="intake", replace=True)
    assert "occurred_time" not in load_profile("ours").columns


def test_import__preview_and_validate_write_nothing(tmp_path):
    data = (FIXTURES / "heimao.csv").read_text(encoding="utf-8").encode("gb18030")
    pv = preview_file(data, "h.csv", profile="heimao", n_rows=3)
    assert (pv.encoding, pv.kind, len(pv.rows)) == ("gb18030", "csv", 3)
    assert pv.proposed_mapping["发起时间"] == "received_at" and pv.matching_profiles[0][0] == "heimao"
    assert "【手机号】" in pv.rows.iloc[0]["正文"]
    # the platform's published complaint numbers (public_ids) are shown as the import keeps them
    assert pv.rows["投诉编号"].tolist() == ["17370123456", "17370123457", "17370123458"]
    # without a profile nothing says the 11 digits are not a mobile number: masked
    assert preview_file(data, "h.csv", n_rows=1).rows.iloc[0]["投诉编号"] == "[PHONE]"
    v = validate_file(data, "h.csv", "heimao")
    assert (v.row_count, v.accepted_count, len(v.quarantined), len(v.qa_issues)) == (8, 6, 2, 2)
    assert v.quarantined["source_row_number"].tolist() == [7, 8]


def test_import__cli_with_profile(tmp_path):
    path = tmp_path / "cli.duckdb"
    out = subprocess.run([sys.executable, "-m", "analysis.ingest", "--format", "intake", "--db", str(path),
                          str(FIXTURES / "intake.csv")], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert "intake.csv: 7 rows read = 5 accepted + 2 quarantined + 0 already present (0 of the accepted updated)" in out.stdout
    out = subprocess.run([sys.executable, "-m", "analysis.ingest", "--format", "call_log", "--complaint-id",
                          "intake:IN002", "--db", str(path), str(FIXTURES / "call_log.csv")],
                         capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert "14 rows read = 13 accepted" in out.stdout


def test_import_intake__title_rows_above_the_header_are_skipped_and_named(tmp_path):
    """A staff log with a title and a date line above the header (CSV) or a title merged over
    the columns (.xlsx): the header is found below them, every row is read as without them,
    row numbers stay the spreadsheet's, and a note names what was skipped."""
    plain = FIXTURES / "intake.csv"
    titled = tmp_path / "titled.csv"
    titled.write_bytes("某协会投诉登记表\n2024年12月,,\n".encode("utf-8") + plain.read_bytes())
    [rep] = run_import([titled], "intake", tmp_path / "c.duckdb")
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (7, 5, 2)
    assert "titled.csv: the header is read below '某协会投诉登记表', '2024年12月' (title rows above it are not " \
           "complaints)" in rep.notes
    assert q(tmp_path / "c.duckdb", "SELECT source_row_number FROM core_quarantine ORDER BY 1") == [(8,), (9,)]
    wb = Workbook()
    ws = wb.active
    ws.title = "登记"
    rows = list(csv.reader(plain.read_text(encoding="utf-8").splitlines()))
    ws.append(["某协会投诉登记表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / "titled.xlsx")
    [rep] = run_import([tmp_path / "titled.xlsx"], "intake", tmp_path / "x.duckdb")
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (7, 5, 2)
    assert "titled.xlsx, sheet '登记': the header is read below '某协会投诉登记表' (title rows above it are not " \
           "complaints)" in rep.notes
    assert q(tmp_path / "x.duckdb", "SELECT complaint_id FROM core_complaints ORDER BY 1") == [
        ("intake:IN001",), ("intake:IN002",), ("intake:IN003",)]


def test_import__cli_says_when_an_option_does_not_apply(tmp_path, capsys):
    """``--complaint-id`` outside call logs is an error (it used to be ignored without a word);
    ``--sheet`` on a CSV file is said to be ignored, and the file is imported."""
    from analysis.ingest.__main__ import main
    path = tmp_path / "opt.duckdb"
    with pytest.raises(SystemExit) as exit_:
        main(["--format", "intake", "--complaint-id", "intake:IN001", "--db", str(path), str(FIXTURES / "intake.csv")])
    assert exit_.value.code == 2
    assert "--complaint-id applies to call logs only (--format call_log)" in capsys.readouterr().err
    assert not path.exists()
    assert main(["--format", "intake", "--sheet", "Sheet1", "--db", str(path), str(FIXTURES / "intake.csv")]) == 0
    out = capsys.readouterr()
    assert f"note: --sheet applies to .xlsx workbooks; {FIXTURES / 'intake.csv'} is read whole" in out.err
    assert "intake.csv: 7 rows read = 5 accepted" in out.out


def test_heimao__update_from_file_without_a_column_keeps_existing_values(tmp_path):
    """Re-importing changed complaints from a file that lacks 投诉对象 and 投诉要求 must not blank
    the creditor or drop the demands already stored (found by a new-user trial)."""
    import csv as _csv
    from analysis import db as _db
    from analysis.ingest import run_import as _run
    src = FIXTURES / "heimao.csv"
    path = tmp_path / "keep.duckdb"
    _run([src], "heimao", path)
    with _db.connect_read_only(path) as con:
        cur = _db.read_cursor(con)
        before = cur.execute("SELECT complaint_id, creditor_name FROM core_complaints ORDER BY 1").fetchall()
        demands = cur.execute("SELECT complaint_id, label_code FROM core_complaint_labels "
                              "WHERE label_kind = 'demand' ORDER BY 1, 2").fetchall()
    with src.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(_csv.DictReader(fh))
    changed = tmp_path / "heimao_update.csv"
    keep = [h for h in rows[0] if h not in ("投诉对象", "投诉要求")]
    with changed.open("w", encoding="utf-8", newline="") as fh:
        w = _csv.DictWriter(fh, fieldnames=keep, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({**r, "投诉进度": "已完成"})
    (rep,) = _run([changed], "heimao", path)
    assert rep.updated_count > 0
    with _db.connect_read_only(path) as con:
        cur = _db.read_cursor(con)
        assert cur.execute("SELECT complaint_id, creditor_name FROM core_complaints ORDER BY 1").fetchall() == before
        assert cur.execute("SELECT complaint_id, label_code FROM core_complaint_labels "
                           "WHERE label_kind = 'demand' ORDER BY 1, 2").fetchall() == demands
        assert {r[0] for r in cur.execute("SELECT DISTINCT outcome_code FROM core_complaints").fetchall()} == {"closed"}


INTAKE_NO_ID_HEADER = "受理日期,省份,被投诉方,催收方,催收日期,催收时刻,催收方式,催收对象,不当行为,催收号码,诉求,处理状态,内容"
INTAKE_NO_ID_ROWS = [
    "2024-12-05,广东,速借花,某催收公司,2024-12-03,23:10,电话,本人,辱骂、非合理时间,13900001111,停止骚扰,处理中,对方骂我",
    "2024-12-05,广东,速借花,某催收公司,2024-12-04,凌晨,短信,紧急联系人,爆通讯录,,停止骚扰,处理中,给我妈发短信",
    "2024-12-06,湖南,某贷,,2024-12-05,晚上,上门,家人,,,道歉赔偿,已回复,",
    "2024-12-06,湖南,某贷,,2024-12-05,晚上,上门,家人,,,道歉赔偿,已回复,",  # identical: a second complaint
    "2024-12-07,湖北,某贷,,不是日期,10:00,电话,本人,,,,处理中,",
]


def test_import_intake__sheet_without_id_column_gets_content_ids(tmp_path):
    src = tmp_path / "intake_no_id.csv"
    src.write_text("\n".join([INTAKE_NO_ID_HEADER] + INTAKE_NO_ID_ROWS) + "\n", encoding="utf-8")
    path = tmp_path / "i.duckdb"
    [rep] = run_import([src], "intake", path)
    assert (rep.status, rep.row_count, rep.accepted_count, rep.quarantined_count, rep.unchanged_count) == (
        "imported", 5, 4, 1, 0)
    assert any(n.startswith("warning: no id (投诉编号 / 登记编号 / 编号 / complaint id / reference) column: each row's id was derived from its "
                            "content ('h' + 16 hex digits)")
               and "1 row(s) identical to an earlier row of the file were kept as separate complaints" in n
               and n.endswith("each row is a complaint of its own") for n in rep.notes)
    complaints = q(path, "SELECT source_row_number, complaint_id, source_record_id, received_date, region, outcome_code "
                         "FROM core_complaints ORDER BY source_row_number")
    assert [(n, d, reg, o) for n, _, _, d, reg, o in complaints] == [
        (2, date(2024, 12, 5), "广东", "in_progress"), (3, date(2024, 12, 5), "广东", "in_progress"),
        (4, date(2024, 12, 6), "湖南", "explained"), (5, date(2024, 12, 6), "湖南", "explained")]  # header = row 1
    ids = {n: rid for n, _, rid, *_ in complaints}
    assert all(cid == "intake:" + rid for _, cid, rid, *_ in complaints)
    assert all(re.fullmatch(r"h[0-9a-f]{16}", ids[n]) for n in (2, 3, 4)) and ids[5] == ids[4] + "-2"
    assert len(set(ids.values())) == 4
    incidents = """SELECT c.source_row_number, i.occurred_date, i.occurred_at, i.time_precision, i.daypart_code,
                          i.method_code, i.recipient_code, i.time_rule_status
                   FROM core_incidents i JOIN core_complaints c USING (complaint_id)
                   WHERE i.time_source = 'field' ORDER BY 1"""
    assert q(path, incidents) == [
        (2, date(2024, 12, 3), datetime(2024, 12, 3, 23, 10), "exact", None, "phone_call", "debtor", "outside"),
        (3, date(2024, 12, 4), None, "daypart", "early_morning", "sms", "emergency_contact", "outside"),
        (4, date(2024, 12, 5), None, "daypart", "night", "visit_home", "family", "unknown"),
        (5, date(2024, 12, 5), None, "daypart", "night", "visit_home", "family", "unknown")]
    assert q(path, "SELECT source_row_number, column_name, raw_value FROM core_quarantine") == [(6, "催收日期", "不是日期")]
    tables = ("core_complaints", "core_incidents", "core_complaint_labels", "core_qa_issues")
    before = {t: q(path, f"SELECT count(*) FROM {t}")[0][0] for t in tables}

    # The same rows re-saved: reverse order, CRLF, 2024/12/3 for 2024-12-03, the number written
    # with spaces. Same ids: nothing added, counts exact.
    resaved_rows = [r.replace("2024-12-03,", "2024/12/3,").replace("13900001111", "139 0000 1111")
                    for r in reversed(INTAKE_NO_ID_ROWS)]
    resaved = tmp_path / "intake_no_id_resaved.csv"
    resaved.write_bytes("\r\n".join([INTAKE_NO_ID_HEADER] + resaved_rows).encode("utf-8") + b"\r\n")
    [rep2] = run_import([resaved], "intake", path)
    assert (rep2.status, rep2.row_count, rep2.accepted_count, rep2.quarantined_count, rep2.unchanged_count) == (
        "imported", 5, 0, 1, 4)
    assert {t: q(path, f"SELECT count(*) FROM {t}")[0][0] for t in tables} == before
    assert q(path, "SELECT source_row_number, source_record_id FROM core_complaints ORDER BY 1") == sorted(ids.items())


def test_import_heimao__export_without_id_column_is_still_refused(tmp_path):
    src = tmp_path / "heimao_no_id.csv"
    src.write_text("投诉对象,发起时间,投诉进度\n某贷,2024-12-04 09:58:32,处理中\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"required column\(s\) missing for profile 'heimao': complaint_id"):
        run_import([src], "heimao", tmp_path / "h.duckdb")


def test_heimao__a_malformed_row_keeps_its_published_complaint_number(tmp_path):
    """A row with the wrong number of fields is quarantined with its raw record; the
    platform's complaint number (public_ids) stays readable there, the phone number in the
    text does not."""
    src = tmp_path / "h.csv"
    src.write_text("投诉编号,投诉对象,发起时间,正文\n"
                   "17370123456,某花,2024-12-04 09:58,他们打 13912345678\n"
                   "17370123999,某花,2024-12-04 10:00,多了一列 13912345678,多余\n", encoding="utf-8")
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (2, 1, 1)
    [(row, record)] = q(path, "SELECT source_row_number, raw_record FROM core_quarantine")
    assert row == 3  # the header is row 1
    assert json.loads(record) == ["17370123999", "某花", "2024-12-04 10:00", "多了一列 【手机号】", "多余"]


@pytest.mark.parametrize("fmt,header", [("heimao", "投诉编号,投诉对象,发起时间,正文\n"),
                                        ("heimao", "投诉编号,投诉对象,发起时间,正文\n\n\n"),
                                        ("cfpb", "Date received,Product,Issue,Company,Complaint ID\n")])
def test_import__a_file_with_only_a_header_is_refused_and_writes_nothing(tmp_path, fmt, header):
    """No data row: refused with a clear reason; the database (and its audit log) is as before."""
    src = tmp_path / "only_header.csv"
    src.write_text(header, encoding="utf-8")
    path = tmp_path / "h.duckdb"
    with pytest.raises(ImportRefused, match="has a header but no data rows; nothing was imported"):
        run_import([src], fmt, path)
    if path.exists():
        assert q(path, "SELECT count(*) FROM meta_imports") == [(0,)]
    if fmt != "cfpb":
        with pytest.raises(ImportRefused, match="no data rows"):
            validate_file(src.read_bytes(), src.name, fmt)


def test_import__row_numbers_are_the_spreadsheets_and_empty_rows_are_skipped(tmp_path):
    """Quarantine row numbers are the rows a spreadsheet program shows (header = row 1, blank
    lines and rows of empty cells counted, not imported), so staff find the row they must fix."""
    src = tmp_path / "h.csv"
    src.write_text("投诉编号,投诉对象,发起时间,正文\n"             # row 1
                   "17370000001,某花,2024-12-04 09:58,凌晨打电话\n"  # row 2
                   "\n"                                             # row 3: blank line
                   ",,,\n"                                          # row 4: a spreadsheet's empty row
                   "17370000002,某花,2024-13-45,日期不对\n"         # row 5: quarantined
                   "17370000001,某花,2024-12-05 10:00,重复编号\n",  # row 6: id seen at row 2
                   encoding="utf-8")
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (3, 1, 2)
    assert q(path, "SELECT source_row_number, column_name, reason FROM core_quarantine ORDER BY 1") == [
        (5, "发起时间", "not a date: '2024-13-45': no such date"),
        (6, "投诉编号", "complaint id appears more than once in this file (first at row 2)")]
    assert q(path, "SELECT source_row_number FROM core_complaints") == [(2,)]


def test_import__control_characters_from_a_broken_export_are_removed(tmp_path):
    """A NUL byte inside a narrative or a name (seen in a broken export) is removed, so the
    classifier reads the words it separated."""
    src = tmp_path / "h.csv"
    src.write_text("投诉编号,投诉对象,发起时间,正文\n"
                   "17370000001,某\x00花,2024-12-04 09:58,凌晨\x00两点打电话骂我\n", encoding="utf-8")
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert rep.accepted_count == 1
    assert q(path, "SELECT creditor_name, narrative FROM core_complaints") == [("某花", "凌晨两点打电话骂我")]
    assert q(path, "SELECT label_code FROM core_complaint_labels WHERE label_source = 'narrative' "
                   "AND label_kind = 'conduct' ORDER BY 1") == [("ABUSIVE_LANGUAGE",), ("TIME_INCONVENIENT",)]


def test_import__a_repeated_column_name_loses_nothing(tmp_path):
    """Two columns named 正文: the second is read as '正文 (2)', kept in the raw record, named in
    the import's notes and offered in the preview, instead of silently dropped."""
    src = tmp_path / "h.csv"
    src.write_text("投诉编号,投诉对象,发起时间,正文,正文\n"
                   "17370000001,某花,2024-12-04 09:58,第一正文,第二正文\n", encoding="utf-8")
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert rep.accepted_count == 1
    assert any("column '正文' appears more than once; the later one is read as '正文 (2)'" in n for n in rep.notes)
    [(raw,)] = q(path, "SELECT raw_record FROM raw_generic__rows")
    assert {k: v for k, v in json.loads(raw).items() if k.startswith("正文")} == {"正文": "第一正文", "正文 (2)": "第二正文"}
    assert list(preview_file(src.read_bytes(), src.name, profile="heimao").rows.columns)[-2:] == ["正文", "正文 (2)"]


@pytest.mark.parametrize("sep,name,good", [("\t", "h.txt", 5), (";", "h.csv", 5), ("|", "h.csv", 5100)])
def test_import__a_stray_quote_in_a_tab_separated_file_costs_one_row(tmp_path, sep, name, good):
    """A quote never closed in row 2 of a tab / semicolon / bar separated file: that line is
    quarantined and every later row is read with the file's own separator (after a runaway
    longer than the reader's line limit the rows were split on commas: all quarantined)."""
    src = tmp_path / name
    rows = [sep.join(["投诉编号", "投诉对象", "发起时间", "正文"]),
            sep.join(["17370000001", '"某花', "2024-12-04 09:58", "引号没有闭合"])]
    rows += [sep.join([str(17370000002 + i), "Acme, Inc", "2024-12-04 10:00", "打电话, 骂人"]) for i in range(good)]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (good + 1, good, 1)
    assert q(path, "SELECT DISTINCT creditor_name FROM core_complaints") == [("Acme, Inc",)]


@pytest.mark.parametrize("sep,name", [("\t", "h.txt"), (";", "h.csv"), ("|", "h.csv")])
def test_import__tab_semicolon_and_bar_separated_files(tmp_path, sep, name):
    """Tab-separated .txt (offered by the uploader) and semicolon / bar files are read with
    their own separator, found from the header line."""
    src = tmp_path / name
    src.write_text(sep.join(["投诉编号", "投诉对象", "发起时间", "正文"]) + "\n"
                   + sep.join(["17370000001", "某花", "2024-12-04 09:58", "凌晨打电话, 还骂人"]) + "\n",
                   encoding="utf-8")
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert (rep.row_count, rep.accepted_count) == (1, 1)
    assert q(path, "SELECT complaint_id, creditor_name, narrative FROM core_complaints") == [
        ("heimao:17370000001", "某花", "凌晨打电话, 还骂人")]


def test_split_list__separators_but_not_the_slash_of_a_tag():
    """Demands split on the usual separators; the '/' of '</b>' (markup pasted into a cell) is
    not one, so '<b>道歉</b>' stays one demand shown as plain text."""
    from analysis.ingest.parse import split_list
    assert split_list("<b>道歉</b>, 停止骚扰/退费；处罚、a|b") == ["<b>道歉</b>", "停止骚扰", "退费", "处罚", "a", "b"]
    assert split_list("  ") == [] and split_list(None) == []


def test_import__an_id_in_scientific_notation_is_quarantined(tmp_path):
    """'1.7370000206E+10' (a spreadsheet program saved the number that way) has lost digits: it
    is quarantined with the reason, not stored as a complaint of its own."""
    src = tmp_path / "h.csv"
    src.write_text("投诉编号,投诉对象,发起时间,正文\n"
                   "1.7370000206E+10,某花,2024-12-04 09:58,打电话\n"
                   "17370000207,某花,2024-12-04 10:00,打电话\n", encoding="utf-8")
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (2, 1, 1)
    [(row, value, reason)] = q(path, "SELECT source_row_number, raw_value, reason FROM core_quarantine")
    assert (row, value) == (2, "1.7370000206E+10") and reason.startswith("complaint id is a number a spreadsheet")


def test_import__future_means_after_today_everywhere(tmp_path):
    """A complaint filed today in Beijing may be tomorrow for the server (UTC): only a date after
    the latest date anywhere (UTC+14, ``common.latest_date``) is in the future. A hostile-input
    test found a 黑猫 complaint filed 35 minutes before quarantined."""
    from datetime import datetime, timedelta, timezone

    from analysis.ingest.common import latest_date
    latest = latest_date()
    assert latest == (datetime.now(timezone.utc) + timedelta(hours=14)).date()
    src = tmp_path / "h.csv"
    src.write_text("投诉编号,投诉对象,发起时间,正文\n"
                   f"1,某花,{latest.isoformat()} 00:05,打电话\n"
                   f"2,某花,{(latest + timedelta(days=1)).isoformat()} 00:05,打电话\n", encoding="utf-8")
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert (rep.accepted_count, rep.quarantined_count) == (1, 1)
    assert q(path, "SELECT source_row_number, reason FROM core_quarantine") == [(3, "date is in the future")]


def test_import__spreadsheet_errors_and_decimals_in_the_id_column(tmp_path):
    """An id column's "#N/A", "#REF!" and TRUE (a formula or type change in a spreadsheet) are no
    complaint numbers: quarantined with the reason, so two "#N/A" rows of two files are not taken
    for one complaint (the second replaced the first before); "17370000004.0" is the number
    17370000004 (a QA note says so) and the same complaint as "17370000004" in a later file;
    "17370000508.5" is quarantined."""
    head = "投诉编号,投诉对象,发起时间,正文\n"
    path = tmp_path / "h.duckdb"
    first = tmp_path / "a.csv"
    first.write_text(head + "#N/A,甲公司,2024-12-04 01:00,凌晨一点打电话威胁我\n#REF!,甲公司,2024-12-04 02:00,打电话\n"
                     "TRUE,甲公司,2024-12-04 03:00,打电话\n17370000004.0,乙公司,2024-12-04 10:00,打电话\n"
                     "17370000508.5,乙公司,2024-12-04 11:00,打电话\n", encoding="utf-8")
    [rep] = run_import([first], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (5, 1, 4)
    assert q(path, "SELECT source_row_number, raw_value FROM core_quarantine ORDER BY 1") == [
        (2, "#N/A"), (3, "#REF!"), (4, "TRUE"), (6, "17370000508.5")]
    assert {r for (r,) in q(path, "SELECT reason FROM core_quarantine")} == {
        "complaint id is a spreadsheet error value or a true/false value, not an id: fix the cell in the file and "
        "import again",
        "complaint id is a number with a fraction, not a complaint number: save the column as text and import again"}
    assert q(path, "SELECT raw_value, reason FROM core_qa_issues") == [
        ("17370000004.0", "complaint id written as a decimal number; read as 17370000004")]
    second = tmp_path / "b.csv"
    second.write_text(head + "#N/A,丙公司,2024-12-05 09:00,给我单位打电话\n17370000004,乙公司,2024-12-04 10:00,打电话\n",
                      encoding="utf-8")
    [rep] = run_import([second], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.unchanged_count) == (2, 0, 1, 1)
    assert q(path, "SELECT complaint_id, creditor_name FROM core_complaints") == [("heimao:17370000004", "乙公司")]


def test_import__an_id_that_lost_its_leading_zeros_is_not_a_second_complaint(tmp_path):
    """An intake log numbered 00071 … re-saved by a spreadsheet program comes back as 71: those
    rows are quarantined with the reason (against the database and within one file), not
    counted as new complaints; the same id spelled the same way still updates; the counts add
    up."""
    head = "投诉编号,投诉对象,发起时间,正文\n"
    path = tmp_path / "h.duckdb"
    first = tmp_path / "a.csv"
    first.write_text(head + "00071,某花,2024-12-04 09:58,打电话\n0072,某花,2024-12-04 10:00,打电话\n"
                     "73,某贷,2024-12-04 11:00,打电话\n", encoding="utf-8")
    [rep] = run_import([first], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (3, 3, 0)
    resaved = tmp_path / "b.csv"
    resaved.write_text(head + "71,某花,2024-12-04 09:58,打电话\n"          # row 2: was 00071
                       "0072,某花,2024-12-04 10:00,打电话（补充）\n"         # row 3: same spelling: updated
                       "073,某贷,2024-12-04 11:00,打电话\n"                 # row 4: was 73
                       "74,某贷,2024-12-05 11:00,打电话\n"                  # row 5: new
                       "0074,某贷,2024-12-05 11:00,打电话\n"                # row 6: 74 again within the file
                       "0,某贷,2024-12-05 12:00,打电话\n", encoding="utf-8")  # row 7: no digits but zero: its own id
    [rep] = run_import([resaved], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.unchanged_count, rep.updated_count) == (
        6, 3, 3, 0, 1)
    assert q(path, "SELECT source_row_number, raw_value, reason FROM core_quarantine ORDER BY 1") == [
        (2, "71", "complaint id differs from complaint '00071', already in the database, only in its leading zeros: "
                  "a spreadsheet program drops them from a column not saved as text; save the column as text and "
                  "import again"),
        (4, "073", "complaint id differs from complaint '73', already in the database, only in its leading zeros: "
                   "a spreadsheet program drops them from a column not saved as text; save the column as text and "
                   "import again"),
        (6, "0074", "complaint id differs from '74' (at row 5) only in its leading zeros: a spreadsheet program "
                    "drops them from a column not saved as text; save the column as text and import again")]
    assert [c for (c,) in q(path, "SELECT complaint_id FROM core_complaints ORDER BY 1")] == [
        "heimao:0", "heimao:00071", "heimao:0072", "heimao:73", "heimao:74"]


@pytest.mark.parametrize("content,en,zh", [
    ("", "the file is empty: expected a header row", "文件是空的：第一行应为表头"),
    ("投诉编号,投诉对象,发起时间,正文\n", "has a header but no data rows", "文件只有表头，没有数据行"),
    ("甲,乙\n1,2\n", "required column(s) missing for profile 'heimao'", "缺少格式 'heimao' 必需的列"),
])
def test_import__refusals_say_what_to_do_in_both_languages(tmp_path, content, en, zh):
    """The dashboard shows a refusal in the user's language (ImportRefused.in_language); the
    command line and logs keep the English one."""
    from ui.text import refusal_text
    src = tmp_path / "r.csv"
    src.write_text(content, encoding="utf-8")
    with pytest.raises(ImportRefused) as got:
        run_import([src], "heimao", tmp_path / "r.duckdb")
    assert en in str(got.value) and en in refusal_text(got.value, "en")
    assert zh in refusal_text(got.value, "zh")
    assert refusal_text(ValueError("plain"), "zh") == "plain"


def test_import__ambiguous_slash_dates_are_said_in_the_notes(tmp_path):
    """03/04/2024 can be 4 March or 3 April: read as the profile's date_order says (heimao:
    month first) and said in the notes; 2024/12/4 and 13/04/2024 are not ambiguous."""
    src = tmp_path / "h.csv"
    src.write_text("投诉编号,投诉对象,发起时间,正文\n"
                   "17370000001,某花,03/04/2024,打电话\n"
                   "17370000002,某花,2024/12/4 9:58,打电话\n", encoding="utf-8")
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert rep.accepted_count == 2
    assert q(path, "SELECT received_date FROM core_complaints ORDER BY 1") == [(date(2024, 3, 4),), (date(2024, 12, 4),)]
    assert [n for n in rep.notes if n.startswith("dates:")] == [
        "dates: 1 distinct date(s) such as '03/04/2024' could be read month first or day first; read month first, "
        "as profile 'heimao' says (date_order = 'mdy'); check one you know"]
    from analysis.ingest.parse import ambiguous_slash_date
    assert [ambiguous_slash_date(v) for v in ("03/04/2024", "13/04/2024", "04/04/2024", "2024/12/4", None)] == [
        True, False, False, False, False]


def test_heimao__an_older_export_after_a_newer_one_is_said(tmp_path):
    """A platform export whose 投诉进度 went back to 处理中 for complaints already answered or
    closed: the file's values are taken (it says so), and a note says how many went back,
    as for CFPB exports."""
    path = tmp_path / "old.duckdb"
    run_import([FIXTURES / "heimao.csv"], "heimao", path)
    older = tmp_path / "older.csv"
    older.write_text((FIXTURES / "heimao.csv").read_text(encoding="utf-8").replace(",已回复,", ",处理中,")
                     .replace(",已完成,", ",处理中,"), encoding="utf-8")
    [rep] = run_import([older], "heimao", path)
    assert rep.updated_count == 3
    assert any(n.startswith('3 complaints went back to "In progress" from a company response already given')
               for n in rep.notes), rep.notes
    assert q(path, "SELECT count(*) FROM core_complaints WHERE outcome_code = 'in_progress'") == [(4,)]


def test_import__a_zip_of_one_csv_is_read_as_that_csv(tmp_path):
    """A platform export sent as a .zip holding one CSV is read as that CSV (the Import page
    takes .zip files too)."""
    import zipfile
    src = tmp_path / "h.zip"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("导出.csv", "投诉编号,投诉对象,发起时间,正文\n1,某花,2024-12-04 09:58,打电话\n".encode("gb18030"))
    path = tmp_path / "h.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.encoding) == (1, 1, "gb18030")
    assert q(path, "SELECT complaint_id, creditor_name FROM core_complaints") == [("heimao:1", "某花")]
    assert rep.notes[0] == "read 导出.csv from the ZIP archive"


def test_import__a_zero_width_space_in_an_id_is_not_part_of_it(tmp_path):
    """An id copied from a web page with an invisible zero-width space ("1002" + U+200B) is
    complaint 1002: a later file with the plain id finds it already present."""
    path = tmp_path / "zw.duckdb"
    head = "投诉编号,投诉对象,发起时间,正文\n"
    (tmp_path / "a.csv").write_text(head + "1002\u200b,某花,2024-12-04 09:58,打电话\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(head + "1002,某花,2024-12-04 09:58,打电话\n", encoding="utf-8")
    run_import([tmp_path / "a.csv"], "heimao", path)
    [rep] = run_import([tmp_path / "b.csv"], "heimao", path)
    assert (rep.accepted_count, rep.unchanged_count) == (0, 1)
    assert q(path, "SELECT complaint_id FROM core_complaints") == [("heimao:1002",)]


def test_import__text_ids_with_a_dot_stay_as_written(tmp_path):
    """Only a source whose ids are numbers (黑猫投诉, ``numeric_ids``) reads "7.0" as 7: an intake
    log's "2024.001" is its number as written, and "7.0" and "7.00" are two complaints."""
    src = tmp_path / "intake.csv"
    src.write_text("投诉编号,受理日期,被投诉方,催收日期,催收时刻,催收方式,内容\n"
                   "2024.001,2024-12-05,速借花,2024-12-03,23:10,电话,对方骂我\n"
                   "7.0,2024-12-05,丁贷,2024-12-03,10:10,电话,打电话\n"
                   "7.00,2024-12-05,戊贷,2024-12-03,11:10,电话,打电话\n", encoding="utf-8")
    path = tmp_path / "i.duckdb"
    [rep] = run_import([src], "intake", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (3, 3, 0)
    assert q(path, "SELECT source_record_id FROM core_complaints ORDER BY 1") == [("2024.001",), ("7.0",), ("7.00",)]


def test_import_xlsx__merges_over_blank_rows_across_columns_and_from_the_header(tmp_path):
    """Merged ranges fill the cells below in their first column only: a range running over blank
    rows makes no rows of them (they were quarantined as complaints without an id), a title merged
    across the next column is no value of that column, and a header merged down into the data
    gives it no value."""
    src = tmp_path / "m.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["投诉编号", "投诉对象", "标题", "投诉问题", "发起时间"])
    ws.append(["1", "某某金融", "暴力催收", None, "2024-12-04 09:58"])
    ws.append([None, None, None, None, None])
    ws.append(["2", None, "打电话", "骚扰", "2024-12-04 10:58"])
    ws.append([None, None, None, None, None])
    ws.merge_cells("B2:B6")  # over blank rows 3, 5 and 6
    ws.merge_cells("C2:D2")  # the title over the issue column
    ws2 = wb.create_sheet("二")
    ws2.append(["投诉编号", "投诉对象", "发起时间"])
    ws2.append(["3", None, "2024-12-04 11:58"])
    ws2.merge_cells("B1:B2")  # the header merged down
    wb.save(src)
    path = tmp_path / "m.duckdb"
    [rep] = run_import([src], "heimao", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (3, 3, 0)
    assert q(path, "SELECT source_record_id, creditor_name, issue FROM core_complaints ORDER BY 1") == [
        ("1", "某某金融", None), ("2", "某某金融", "骚扰"), ("3", None, None)]
    assert any(n.startswith("m.xlsx, sheet 'Sheet': 1 merged cell ranges (B2:B6)") for n in rep.notes), rep.notes


#: How a note tells to apply a later file's values (written out: the test reads the words a user reads).
REPLACE_HINT = "import the file again with 'This file is the corrected, complete record of the complaints it lists' ticked, or --replace"
INTAKE_EN_HEADER = "complaint id,date received,company,collector,region,date,time,method,recipient,conduct,demands,status"


def _qa(path):
    return q(path, "SELECT source_row_number, column_name, raw_value, reason FROM core_qa_issues ORDER BY 1, 2")


def test_import_intake__values_a_row_cannot_give_are_said_not_dropped(tmp_path):
    """Every value of an accepted row is used or has a QA note saying why not (found by
    hostile-input helpers: these were dropped silently): a time column beside a date cell that
    holds another time (a date saved with a zero time gives way to it); several methods or
    recipients in one cell, listed or joined by a space or "and"; a complaint-level value
    (company, status) that differs between the rows of one complaint (not only in case), or
    from what an earlier file stored, or that an earlier file left empty (a later file does not
    fill it: its removal could not undo that); an English keyword inside another word ("mother"
    is not "other")."""
    path = tmp_path / "v.duckdb"
    log = tmp_path / "log.csv"
    log.write_text("\n".join([
        INTAKE_EN_HEADER,
        "X1,2024-12-05,Lender A,Agency A,,2024-12-03 23:10,21:00,phone;sms,debtor,Abusive language,Call my mother,in progress",
        "X1,2024-12-05,Lender B,AGENCY A,,2024-12-04 08:30,08:30,sms,Debtor ; Spouse,,,closed",
        "X2,2024-12-06,Lender A,,,2024-12-05 00:00,evening,phone / Phone,family,,others,in progress",
        "X2,2024-12-06,Lender A,,,2024-12-06,22:00,电话 短信,本人,,,处理中"]) + "\n", encoding="utf-8")
    [rep] = run_import([log], "intake", path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (4, 4, 0, 7)
    assert _qa(path) == [
        (2, "demands", "Call my mother", "demand not in the profile's value maps; labelled OTHER"),
        (2, "method", "phone;sms", "method names several ('phone', 'sms'): a row has one method, so 'phone' (the "
                                   "first) is kept"),
        (2, "time", "21:00", "the date cell already holds a time (23:10), which is kept; this time column's value "
                             "is not used"),
        (3, "company", "Lender B", "another row of this complaint, earlier in the file, gives 'Lender A'; a complaint "
                                   "has one value, the first, so this one is not used"),
        (3, "recipient", "Debtor ; Spouse", "recipient names several ('Debtor', 'Spouse'): a row has one recipient, "
                                            "so 'Debtor' (the first) is kept"),
        (3, "status", "closed", "another row of this complaint, earlier in the file, gives 'In progress'; a "
                                "complaint has one value, the first, so this one is not used"),
        (5, "method", "电话 短信", "method names several ('电话', '短信'): a row has one method, so '电话' (the first) "
                               "is kept")]
    assert q(path, "SELECT complaint_id, occurred_date, occurred_at, daypart_code, method_code, recipient_code "
                   "FROM core_incidents ORDER BY 1, 2") == [
        ("intake:X1", date(2024, 12, 3), datetime(2024, 12, 3, 23, 10), None, "phone_call", "debtor"),
        ("intake:X1", date(2024, 12, 4), datetime(2024, 12, 4, 8, 30), None, "sms", "debtor"),
        ("intake:X2", date(2024, 12, 5), None, "evening", "phone_call", "family"),  # 00:00 gave way to "evening"
        ("intake:X2", date(2024, 12, 6), datetime(2024, 12, 6, 22, 0), None, "phone_call", "debtor")]
    assert q(path, "SELECT complaint_id, creditor_name, collector_name, outcome_code, region FROM core_complaints "
                   "ORDER BY 1") == [("intake:X1", "Lender A", "Agency A", "in_progress", None),
                                     ("intake:X2", "Lender A", None, "in_progress", None)]
    assert q(path, "SELECT complaint_id, label_code FROM core_complaint_labels WHERE label_kind = 'demand' "
                   "ORDER BY 1") == [("intake:X1", "OTHER"), ("intake:X2", "OTHER")]
    # a later file adds a row to X1: a value X1 has is kept, one it lacks is not filled; each is said
    later = tmp_path / "later.csv"
    later.write_text(INTAKE_EN_HEADER + "\n"
                     "X1,2024-12-05,Lender A,Agency B,Hunan,2024-12-06,10:00,phone,debtor,,,closed\n", encoding="utf-8")
    [rep] = run_import([later], "intake", path)
    assert (rep.accepted_count, rep.qa_issue_count) == (1, 3)
    assert [r[1:] for r in _qa(path) if r[0] == 2 and r[1] in ("collector", "region", "status")] == [
        ("collector", "Agency B", "the complaint already has 'Agency A' from an earlier import; this value is not "
                                  f"used (to change it, {REPLACE_HINT})"),
        ("region", "Hunan", "the complaint came from an earlier import without this value; a later file does not "
                            f"fill it in (so removing that file leaves the complaint as it was): to set it, {REPLACE_HINT}"),
        ("status", "closed", "the complaint already has 'In progress' from an earlier import; this value is not "
                             f"used (to change it, {REPLACE_HINT})")]
    assert q(path, "SELECT collector_name, outcome_code, region FROM core_complaints WHERE complaint_id = 'intake:X1'") == [
        ("Agency A", "in_progress", None)]
    # the notes read in Chinese, with the Chinese words for what was kept
    from analysis.ingest.reasons import reason_text
    assert [reason_text(r[3], "zh") for r in _qa(path) if r[1] in ("method", "status")] == [
        "催收方式值列出了多个（'phone'、'sms'）：每行只能有一个催收方式，保留第一个 'phone'",
        "此投诉在此前的导入中已是 处理中；此值未使用（如需修改，请勾选“此文件是其所列投诉经更正后的完整记录”后重新导入，或使用 --replace）",
        "此投诉在文件中较前的一行给出的是 处理中；每条投诉只有一个值（第一个），此值未使用",
        "催收方式值列出了多个（'电话'、'短信'）：每行只能有一个催收方式，保留第一个 '电话'"]


def test_import__a_file_without_the_channel_column_keeps_the_stored_channel(tmp_path):
    """Updating complaints from a file without the channel column keeps the channel stored
    (it was set back to the profile's default: the field was listed under another name)."""
    path = tmp_path / "c.duckdb"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("投诉编号,投诉时间,投诉渠道,处理状态\nC1,2024-12-01,12315热线,处理中\n", encoding="utf-8")
    second.write_text("投诉编号,投诉时间,处理状态\nC1,2024-12-01,已完成\n", encoding="utf-8")
    run_import([first], "c12315", path)
    [rep] = run_import([second], "c12315", path)
    assert rep.updated_count == 1
    assert q(path, "SELECT submission_medium, outcome_code FROM core_complaints") == [("phone", "closed")]


def test_import__a_missing_time_column_is_named_with_every_column_that_gives_it(tmp_path):
    log = tmp_path / "nt.csv"
    log.write_text("complaint id,date received,method\nA1,2024-12-01,phone\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as err:
        run_import([log], "intake", tmp_path / "nt.duckdb")
    assert "occurred_at (催收时间 / 发生时间) or occurred_date (催收日期 / 发生日期 / date / incident date)" in str(err.value)


def test_import_intake__a_running_log_whose_status_moved_on_adds_no_incident_twice(tmp_path):
    """A running log imported each week: the second week's file says 已完成 where the first said
    处理中, and adds one row. Its rows are the same contacts: only the new row is an incident
    (the incident id leaves the complaint's one-value fields out; before, every row became a
    second incident); the status that is not taken is said on each row; as a correction
    (--replace) the status is applied and the incidents stay the same. A database whose
    incidents have the ids of the whole row (written before) finds them by those."""
    head = "投诉编号,受理日期,催收日期,催收时刻,催收方式,催收对象,不当行为,处理状态\n"
    rows = ["K1,2024-12-05,2024-12-02,10:00,电话,本人,辱骂,{s}\n", "K1,2024-12-05,2024-12-03,23:30,电话,家人,,{s}\n"]
    week1, week2 = tmp_path / "w1.csv", tmp_path / "w2.csv"
    week1.write_text(head + "".join(r.format(s="处理中") for r in rows), encoding="utf-8")
    week2.write_text(head + "".join(r.format(s="已完成") for r in rows)
                     + "K1,2024-12-05,2024-12-04,09:00,短信,本人,,已完成\n", encoding="utf-8")
    path = tmp_path / "w.duckdb"
    run_import([week1], "intake", path)
    incidents = q(path, "SELECT incident_id FROM core_incidents ORDER BY 1")
    [rep] = run_import([week2], "intake", path)
    assert (rep.accepted_count, rep.unchanged_count, rep.qa_issue_count) == (1, 2, 3)
    assert q(path, "SELECT count(*), count(DISTINCT occurred_at) FROM core_incidents") == [(3, 3)]
    assert set(incidents) < set(q(path, "SELECT incident_id FROM core_incidents"))
    assert q(path, "SELECT source_row_number, column_name, raw_value FROM core_qa_issues ORDER BY 1") == [
        (2, "处理状态", "已完成"), (3, "处理状态", "已完成"), (4, "处理状态", "已完成")]
    assert q(path, "SELECT outcome_code FROM core_complaints") == [("in_progress",)]
    assert (f"3 value(s) of this file were not applied to complaints imported before (a status, a company, demands "
            f"...; each is noted in core_qa_issues): to apply them, {REPLACE_HINT}") in rep.notes  # said on the console
    [rep] = run_import([week2], "intake", path, replace=True)
    assert (rep.updated_count, rep.unchanged_count) == (3, 0)
    assert q(path, "SELECT outcome_code FROM core_complaints") == [("closed",)]
    assert q(path, "SELECT count(*) FROM core_incidents") == [(3,)]
    # the same week-1 file into a database written before: its incidents carry the whole row's ids
    from analysis.ingest.generic import prepare_file
    old = tmp_path / "old.duckdb"
    run_import([week1], "intake", old)
    prep = prepare_file(week1, "intake")
    con = duckdb.connect(str(old))
    for r in prep.accepted:
        new_id, old_id = f"intake:K1#r{r.incident_hash[:12]}", f"intake:K1#r{r.row_hash[:12]}"
        assert new_id != old_id
        con.execute("UPDATE core_incidents SET incident_id = ? WHERE incident_id = ?", [old_id, new_id])
        con.execute("UPDATE core_complaint_labels SET incident_id = ? WHERE incident_id = ?", [old_id, new_id])
    con.close()
    [rep] = run_import([week2], "intake", old)
    assert (rep.accepted_count, rep.unchanged_count) == (1, 2)
    assert q(old, "SELECT count(*) FROM core_incidents") == [(3,)]


@pytest.mark.parametrize("text, read", [
    ("evening.", (None, None, "daypart", "evening", 0)), ("8 in the evening", (20, 0, "exact", None, 0)),
    ("midnight", (0, 0, "exact", None, 0)), ("10:30 at night", (22, 30, "exact", None, 0)),
    ("2 at night", (2, 0, "exact", None, 0)), ("12 at night", (0, 0, "exact", None, 1)),
    ("7 o'clock in the morning", (7, 0, "exact", None, 0)), ("3 in the afternoon", (15, 0, "exact", None, 0)),
    ("下午3点半。", (15, 30, "exact", None, 0)), ("21:00,", (21, 0, "exact", None, 0)),
])
def test_parse_time__english_words_and_a_full_stop(text, read):
    """Times staff write in words, or with the sentence's full stop (they were quarantined):
    a clock time with its part of day in English words, midnight; 12 at night is the midnight
    that ends the day, as 晚上12点."""
    from analysis.ingest.parse import parse_time
    t = parse_time(text)
    assert (t.hour, t.minute, t.precision, t.daypart_code, t.day_offset) == read


@pytest.mark.parametrize("text", ["13 in the evening", "8 in the evenings", "eight in the evening", "25:00 at night"])
def test_parse_time__english_words_that_are_no_time_are_refused(text):
    from analysis.ingest.parse import DateError, parse_time
    with pytest.raises(DateError):
        parse_time(text)


def test_import_intake__a_row_written_again_another_way_is_the_same_incident(tmp_path):
    """A later file that writes the same contacts another way (date 2024/12/3 for 2024-12-03, a
    date-and-time column for a date and a time, seconds, 'PHONE ' for '电话', the conducts in
    another order and separated otherwise, a demand filled in, an empty column more) adds
    nothing; a contact that differs in its conduct is a new incident."""
    path = tmp_path / "s.duckdb"
    first, again = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("complaint id,date received,date,time,method,recipient,conduct,demands\n"
                     "S1,2024-12-05,2024-12-03,23:10,电话,本人,辱骂、非合理时间,\n"
                     "S1,2024-12-05,2024-12-04,08:00,短信,family,,\n", encoding="utf-8")
    again.write_text("complaint id,date received,date,method,recipient,conduct,demands,narrative\n"
                     "S1,2024-12-05,2024/12/3 23:10:00,PHONE ,Debtor,\"非合理时间,辱骂\",,\n"
                     "S1,2024-12-05,2024-12-04 08:00,SMS,Family,,停止骚扰,\n"
                     "S1,2024-12-05,2024-12-04 08:00,SMS,Family,Threat of violence,,\n", encoding="utf-8")
    run_import([first], "intake", path)
    [rep] = run_import([again], "intake", path)
    assert (rep.accepted_count, rep.unchanged_count) == (1, 2)
    assert q(path, "SELECT count(*) FROM core_incidents") == [(3,)]
    # the demand a later file gives a contact already imported is said, and a correction applies it
    assert q(path, "SELECT source_row_number, column_name, reason FROM core_qa_issues WHERE import_id = ?",
             [rep.import_id]) == [(3, "demands", "this contact was imported before with the demands —; a later "
                                  f"file does not change them (to change them, {REPLACE_HINT})")]
    [rep] = run_import([again], "intake", path, replace=True)
    assert rep.updated_count == 3
    assert q(path, "SELECT label_code FROM core_complaint_labels WHERE label_kind = 'demand'") == [("STOP_HARASSMENT",)]
    assert q(path, "SELECT count(*) FROM core_incidents") == [(3,)]
