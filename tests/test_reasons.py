"""The catalogue of import reasons and notes (analysis/ingest/reasons.py) and their Chinese on
screen: every entry round-trips (English with sample parameters → ``reason_text(…, "zh")`` is
the Chinese with the same parameters); the reasons a bad file really gets (a profile import, a
CFPB import, the dry run) all translate; unknown text passes through; values from files (also
Markdown and HTML) are shown as written."""
import csv
import io
import re

import duckdb
import pandas as pd
import pytest

from analysis.ingest import run_import, validate_file
from analysis.ingest.common import content_id_warning, guess_encoding
from analysis.ingest.reasons import CATALOGUE, TERMS, reason, reason_key, reason_text, sql_text
from analysis.narratives import read_note
from ui import importer
from ui.tables import reasons_in_language
from ui.text import plain

CJK = re.compile(r"[\u4e00-\u9fff]")


def _csv(header, rows) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _rows(db_path, sql):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# ---- the catalogue ---------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_catalogue__entry_round_trips(key):
    entry = CATALOGUE[key]
    en = entry.text("en", **entry.sample)
    zh = entry.text("zh", **entry.sample)
    assert reason(key, **entry.sample) == en
    assert reason_key(en) == key  # no other template takes this text first
    assert reason_text(en, "zh") == zh
    assert reason_text(en, "en") == en
    assert zh != en and CJK.search(zh), zh
    # every parameter from a file is in the Chinese exactly as the English shows it
    for name, spec, conv in entry.fields():
        if name in entry.nested or name in entry.terms:
            continue
        if name in entry.lists:  # each item as Python writes it, joined per language
            items = [repr(x) for x in entry.sample[name]]
            assert ", ".join(items) in en and "、".join(items) in zh, (name, items, zh)
            continue
        shown = format(repr(entry.sample[name]) if conv == "r" else entry.sample[name], spec)
        assert shown in en and shown in zh, (name, shown, zh)


def test_catalogue__templates_have_the_same_parameters():
    for entry in CATALOGUE.values():
        en = {n for n, _s, _c in entry.fields("en")}
        zh_fields = entry.fields("zh")
        assert en == {n for n, _s, _c in zh_fields}, entry.key
        assert all(not s and c is None for _n, s, c in zh_fields), entry.key  # the Chinese shows the English's text
        assert set(entry.sample) == en, entry.key
        assert set(entry.nested) | set(entry.terms) | set(entry.lists) <= en, entry.key


def test_catalogue__nested_and_term_parameters_are_translated_too():
    en = reason("not_a_date", error=reason("date_unknown_format", value="下周一"))
    assert reason_text(en, "zh") == ("不是日期：'下周一' 不是可识别格式的日期（可用格式：2024-12-04 09:58:32、2024/12/4 9:58、"
                                     "2024年12月4日 上午9:58、12/04/2024 或 Excel 日期序列号）")
    en = reason("dates_ambiguous", n=3, example="03/04/2024", first="day", profile="intake", order="dmy")
    assert reason_text(en, "zh") == ("日期：有 3 个不同的日期（如 '03/04/2024'）既可读作月在前，也可读作日在前；已按模板 'intake' 的设置"
                                     "（date_order = 'dmy'）以日在前读取；请核对一个您知道实际日期的值")
    assert TERMS["day"] == "日"
    # optional tails joined by "; ", each translated
    note = content_id_warning(reason("id_column", aliases="投诉编号 / 编号"), 2, each_row_alone=True)
    zh = reason_text(note, "zh")
    assert zh.startswith("注意：没有 编号（投诉编号 / 编号） 列：每行的编号按其内容生成")
    assert zh.endswith("；有 2 行与文件中前面的某行完全相同，已作为单独的投诉保留（编号以 -2、-3… 结尾）"
                       "；没有编号就无法把多行归入同一投诉，因此每行各为一条投诉")
    assert read_note({"narratives": 4, "labels": 2, "incidents": 1}) == "4 narratives read: 2 labels, 1 incidents from the text"
    assert reason_text(read_note({"narratives": 4, "labels": 2, "incidents": 1, "suggestions": 3, "model": "m1"}),
                       "zh") == "已读取 4 条正文：从文本得到 2 个标签、1 个事件；另有 3 条模型建议（m1），不计入统计"


def test_catalogue__encoding_notes_translate():
    latin = ("Name,Note\n" + "Müller,café crème\n" * 3).encode("cp1252")
    guess = guess_encoding(latin)
    assert guess.note == ("the encoding is a guess: read as cp1252 (not UTF-8); if names look wrong, save the file "
                          "as UTF-8 and import it again")
    assert reason_text(reason("note_encoding", note=guess.note), "zh") == (
        "编码：编码为推测：按 cp1252 读取（不是 UTF-8）；如名称显示异常，请将文件另存为 UTF-8 后重新导入")
    damaged = ("名称\n" + "正常\n" * 200 + "坏\ufffd了\n").encode("utf-8") + b"\xff\xfe bad\n"
    note = guess_encoding(damaged).note
    assert note == ("2 byte(s) are not valid UTF-8 in a file that is otherwise UTF-8: the rows holding them are "
                    "quarantined; 1 character(s) in it are already the replacement character \ufffd (the text was "
                    "damaged before this file was made)")
    assert reason_text(note, "zh") == ("有 2 个字节不是有效的 UTF-8（文件其余部分为 UTF-8）：含这些字节的行已隔离"
                                       "；其中 1 个字符已是替换字符 \ufffd（生成此文件之前文本就已损坏）")


def test_refusals__every_one_is_a_catalogue_entry_in_both_languages():
    """Each ``ImportRefused`` raised by the importers names a ``refused_*`` entry (no message
    written beside the catalogue), and the one with several joined parts translates each."""
    import ast
    import pathlib
    raised = set()
    for path in pathlib.Path("analysis/ingest").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("ImportRefused", "ImportUnbalanced")):
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant) and first.value in CATALOGUE, (path, ast.unparse(node))
                raised.add(first.value)
    assert raised == {k for k in CATALOGUE if k.startswith("refused_")} - {
        "refused_cfpb_optional_absent", "refused_column_twice", "refused_field_columns", "refused_field_unmapped",
        "refused_field_either"}
    from analysis.ingest import ImportRefused
    err = ImportRefused("refused_columns_twice", file="t.csv", columns="; ".join(
        reason("refused_column_twice", column=c, names=[c, c.lower()]) for c in ("Date received", "Issue")))
    assert str(err) == ("t.csv: column 'Date received' appears more than once in the header (as 'Date received', "
                        "'date received'); column 'Issue' appears more than once in the header (as 'Issue', 'issue'). "
                        "Delete or rename all but one of them and import again.")
    assert err.in_language("zh") == ("t.csv：列 'Date received' 在表头中出现多次（写作 'Date received'、'date received'）；"
                                     "列 'Issue' 在表头中出现多次（写作 'Issue'、'issue'）。请只保留其中一列（删除或重命名其他列）"
                                     "后重新导入。")
    assert err.in_language("en") == str(err)
    with pytest.raises(KeyError):
        ImportRefused("no_such_refusal")


def test_unknown_text_passes_through_unchanged():
    for text in ("something the catalogue never wrote", "row", "Date received", "not a date", ""):
        assert reason_text(text, "zh") == text
    assert reason_text(None, "zh") is None
    nan = float("nan")
    assert reason_text(nan, "zh") is nan
    assert reason_key("something the catalogue never wrote") is None
    # a known reason with an unknown inner message: the outer words translate, the inner stays
    assert reason_text("not a date: the moon was full", "zh") == "不是日期：the moon was full"


def test_sql_text__duckdb_writes_the_same_english():
    con = duckdb.connect()
    for key in ("cfpb_id_empty", "cfpb_id_repeated", "cfpb_received_bad", "cfpb_sent_bad", "cfpb_received_implausible"):
        sample = CATALOGUE[key].sample
        exprs = {k: "'" + str(v).replace("'", "''") + "'" for k, v in sample.items()}
        assert con.execute(f"SELECT {sql_text(key, **exprs)}").fetchone()[0] == reason(key, **sample)
    with pytest.raises(ValueError, match="formatted"):
        sql_text("date_no_such", value="'x'")


# ---- what a bad file really gets ------------------------------------------------------------

HEIMAO_HEADER = ["投诉编号", "投诉对象", "发起时间", "催收方式", "正文", "备注", "备注"]
MARKDOWN_VALUE = "**粗体** <img src=x onerror=alert(1)> [点我](http://example.com)"


def _heimao_bad() -> bytes:
    return _csv(HEIMAO_HEADER, [
        ["17370000001", "某某贷", "2024-12-01 10:00", "电话", "凌晨打电话", "", ""],   # row 2: accepted
        ["", "某某贷", "2024-12-02", "电话", "没有编号", "", ""],                       # 3: empty id
        ["1.7370000003E+10", "某某贷", "2024-12-03", "电话", "科学计数法", "", ""],     # 4: scientific id
        ["17370000004", "某某贷", "昨天下午", "电话", "日期读不出", "", ""],              # 5: not a date
        ["17370000005", "某某贷", MARKDOWN_VALUE, "电话", "日期里有标记", "", ""],       # 6: not a date (markdown)
        ["17370000006", "某某贷", "2024-12-06", "电话", "多一列", "", "", "多余"],       # 7: too many fields
        ["17370000001", "某某贷", "2024-12-07", "电话", "重复编号", "", ""],             # 8: repeated id
        ["17370000008", "某某贷", "2099-01-01", "电话", "未来", "", ""],                 # 9: in the future
        ["17370000009", "某某贷", "1899-12-30", "电话", "空日期单元格", "", ""],         # 10: implausible
        ["17370000010", "某某贷", "03/04/2024", "飞鸽传书", "方式不认识", "", ""],       # 11: accepted, QA, ambiguous
    ])


def test_profile_import__every_quarantine_reason_and_note_translates(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    rep = run_import(["bad.csv"], "heimao", db_path, file_bytes={"bad.csv": _heimao_bad()})[0]
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (10, 2, 8, 1)
    got = _rows(db_path, "SELECT source_row_number, reason FROM core_quarantine ORDER BY 1")
    assert [n for n, _ in got] == [3, 4, 5, 6, 7, 8, 9, 10]
    for n, stored in got:
        zh = reason_text(stored, "zh")
        assert zh != stored and CJK.search(zh), (n, stored)
    zh = {n: reason_text(stored, "zh") for n, stored in got}
    assert zh[3] == "投诉编号为空"
    assert zh[4] == "投诉编号被电子表格程序改写成了科学计数法，末尾的数字已丢失；请将该列设为文本格式保存后重新导入"
    assert zh[5].startswith("不是日期：'昨天下午' 不是可识别格式的日期（可用格式：")
    assert zh[6].startswith(f"不是日期：{MARKDOWN_VALUE!r} 不是可识别格式的日期")  # the value as written
    assert zh[7] == "此行有 8 个字段，与表头的 7 个不符"
    assert zh[8] == "投诉编号在此文件中出现多次（首次出现在第 2 行）"
    assert zh[9] == "日期晚于今天（请核对年份和月、日的顺序）"
    assert zh[10] == ("1899-12-30 早于 1990-01-01：不可能是真实日期（电子表格中空白的日期单元格会读成 1899-12-30 或 "
                      "1899-12-31）")
    (qa,) = _rows(db_path, "SELECT reason FROM core_qa_issues")
    assert reason_text(qa[0], "zh") == "催收方式值 '飞鸽传书' 不在模板的取值对照表中；method_code 设为 unknown"
    # the notes: the repeated header, the ambiguous date
    assert rep.notes[:2] == [
        "bad.csv: column '备注' appears more than once; the later one is read as '备注 (2)' (map it to a field if it "
        "holds data)",
        "dates: 1 distinct date(s) such as '03/04/2024' could be read month first or day first; read month first, "
        "as profile 'heimao' says (date_order = 'mdy'); check one you know"]
    for note in rep.notes:
        zh_note = reason_text(note, "zh")
        assert zh_note != note and CJK.search(zh_note), note
    assert reason_text(rep.notes[0], "zh") == ("bad.csv：列 '备注' 出现多次；后面的一列按 '备注 (2)' 读取（如该列有数据，请为它指定字段）")
    # the same file again: the note says so, in Chinese too
    again = run_import(["bad.csv"], "heimao", db_path, file_bytes={"bad.csv": _heimao_bad()})[0]
    assert reason_text(again.notes[-1], "zh") == f"与导入批次 {rep.import_id} 的文件完全相同，未新增内容"


def test_dry_run__quarantine_and_qa_frames_translate_values_kept(tmp_path):
    v = validate_file(_heimao_bad(), "bad.csv", "heimao")
    assert len(v.quarantined) == 8 and len(v.qa_issues) == 1
    shown = reasons_in_language(v.quarantined, "zh")
    for stored, zh in zip(v.quarantined["reason"], shown["reason"]):
        assert zh != stored and CJK.search(zh), stored
    # only the reason column changes; the file's values stay as they are
    assert shown.drop(columns="reason").equals(v.quarantined.drop(columns="reason"))
    assert reasons_in_language(v.quarantined, "en") is v.quarantined
    md = shown[shown["source_row_number"] == 6]["reason"].iloc[0]
    assert repr(MARKDOWN_VALUE) in md
    assert reasons_in_language(v.qa_issues, "zh")["reason"].tolist() == [
        "催收方式值 '飞鸽传书' 不在模板的取值对照表中；method_code 设为 unknown"]


def test_rows_csv__chinese_download_keeps_the_stored_reason_and_adds_its_chinese():
    """The problem rows' CSV in Chinese: the English reason column as stored, then reason_zh;
    in English the file is the table as it is."""
    import csv
    import io
    from ui.tables import rows_csv
    v = validate_file(_heimao_bad(), "bad.csv", "heimao")
    rows = list(csv.DictReader(io.StringIO(rows_csv(v.qa_issues, "zh").decode("utf-8-sig"))))
    head = list(rows[0])
    assert head[head.index("reason") + 1] == "reason_zh"
    assert rows[0]["reason"] == v.qa_issues["reason"].iloc[0]
    assert rows[0]["reason_zh"] == "催收方式值 '飞鸽传书' 不在模板的取值对照表中；method_code 设为 unknown"
    en = list(csv.DictReader(io.StringIO(rows_csv(v.quarantined, "en").decode("utf-8-sig"))))
    assert "reason_zh" not in en[0] and len(en) == 8


def test_note_lines__translated_and_plain():
    """Notes on the Import page: translated, and a header holding Markdown / HTML is shown as
    written (escaped, so Streamlit renders it as text)."""
    note = reason("column_repeated", where="a.csv", written="<b>备注</b>", read_as="<b>备注</b> (2)")
    (line,) = importer.note_lines([note], "zh", "a.csv")  # the note names the file already
    zh = "a.csv：列 '<b>备注</b>' 出现多次；后面的一列按 '<b>备注</b> (2)' 读取（如该列有数据，请为它指定字段）"
    assert line == plain(zh)
    assert "\\<b\\>备注\\</b\\>" in line
    assert re.sub(r"\\(.)", r"\1", line) == zh  # unescaped, exactly the text
    (line,) = importer.note_lines(["a note from an older version"], "zh")
    assert line == "a note from an older version"
    assert importer.note_lines([note], "en") == [plain(note)]
    assert importer.note_lines([reason("same_file", import_id="20261129T180102Z-1a2b3c")], "zh", "b.csv") == [
        plain("b.csv：与导入批次 20261129T180102Z-1a2b3c 的文件完全相同，未新增内容")]


CFPB_HEADER = ["Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
               "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
               "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
               "Consumer disputed?", "Complaint ID", "Extra column"]


def _cfpb_row(received, cid, product="Debt collection", via="Web", sent="2019-09-26"):
    return [received, product, "", "Communication tactics", "Frequent or repeated calls", "", "", "Acme", "TX", "",
            "", "", via, sent, "Closed with explanation", "Yes", "N/A", cid, "x"]


def test_cfpb_import__every_reason_and_note_translates(tmp_path):
    data = _csv(CFPB_HEADER, [
        _cfpb_row("2019-09-24", "9400001"),                       # 2: accepted
        _cfpb_row("2019-09-24", ""),                              # 3: id empty
        _cfpb_row("2019-09-24", "94000O3"),                       # 4: not a whole number
        _cfpb_row("2019-09-24", "9400001"),                       # 5: repeated
        _cfpb_row("next week", "9400005"),                        # 6: not a date
        _cfpb_row("", "9400006"),                                 # 7: empty date
        _cfpb_row("1899-12-30", "9400007"),                       # 8: implausible
        _cfpb_row("2019-09-24", "9400008", product=""),           # 9: product empty
        _cfpb_row("2019-09-24", "9400009") + ["too", "many"],     # 10: field count
        _cfpb_row("2019-09-24", "9400010", via="Pigeon", sent="2019-09-01"),  # 11: accepted with QA issues
    ])
    db_path = tmp_path / "cw.duckdb"
    rep = run_import(["cfpb_bad.csv"], "cfpb", db_path, file_bytes={"cfpb_bad.csv": data}, classify="none")[0]
    got = _rows(db_path, "SELECT source_row_number, reason FROM core_quarantine ORDER BY 1")
    assert [n for n, _ in got] == [3, 4, 5, 6, 7, 8, 9, 10]
    zh = {}
    for n, stored in got:
        zh[n] = reason_text(stored, "zh")
        assert zh[n] != stored and CJK.search(zh[n]), (n, stored)
    assert zh[3] == "投诉编号（Complaint ID）为空"
    assert zh[4] == "投诉编号（Complaint ID）不是整数"
    assert zh[5] == "投诉编号（Complaint ID）在此文件中出现多次（首次出现在第 2 行）"
    assert zh[6].startswith("受理日期（Date received）为空或不是日期：'next week' 不是可识别格式的日期（可用格式：YYYY-MM-DD、")
    assert zh[7] == "受理日期（Date received）为空或不是日期：单元格为空"
    assert zh[8] == ("受理日期（Date received）1899-12-30 早于 1990-01-01：不可能是真实日期（电子表格中空白的日期单元格会读成 "
                     "1899-12-30 或 1899-12-31）")
    assert zh[9] == "产品（Product）为空"
    assert zh[10] == "此行有 21 个字段，与表头的 19 个不符"
    qa = sorted(reason_text(r, "zh") for (r,) in _rows(db_path, "SELECT reason FROM core_qa_issues"))
    assert qa == ["提交方式（Submitted via）的值不在 analysis/maps/cfpb_values.csv 中；submission_medium 留空",
                  "转交公司日期（Date sent to company）早于受理日期（Date received）"]
    assert rep.notes[0] == "columns not used: Extra column"
    for note in rep.notes:
        zh_note = reason_text(note, "zh")
        assert zh_note != note and CJK.search(zh_note), note
    assert reason_text(rep.notes[0], "zh") == "未使用的列：Extra column"


def test_data_page_frames__stored_reasons_translate_in_place(tmp_path):
    """The Data page lists core_quarantine as stored: the reason column translates, the rest
    (file values included) is unchanged; an old, unknown reason stays English."""
    frame = pd.DataFrame({"source_row_number": [3, 4], "raw_value": [MARKDOWN_VALUE, "x"],
                          "reason": [reason("not_a_date", error=reason("date_no_such", value=MARKDOWN_VALUE)),
                                     "an old reason nobody catalogued"]})
    shown = reasons_in_language(frame, "zh")
    assert shown["reason"].tolist() == [f"不是日期：{MARKDOWN_VALUE!r}：没有这一天", "an old reason nobody catalogued"]
    assert shown["raw_value"].tolist() == [MARKDOWN_VALUE, "x"]
    assert frame["reason"].iloc[1] == "an old reason nobody catalogued"  # the input is not changed


# ---- the Intake page: a call log's notes and quarantined rows, in Chinese --------------------

def test_intake_page__call_log_notes_and_quarantine_in_chinese(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from analysis import accounts, db
    from tests.helpers import REPO, build_demo_db
    from ui.auth import SESSION_KEY

    path = tmp_path / "cw.duckdb"
    build_demo_db(path)
    monkeypatch.setenv(db.ENV_VAR, str(path))
    accounts.add_account(accounts.accounts_path(path), "amira", "admin", "correct horse battery")
    accounts.add_account(accounts.accounts_path(path), "ed", "editor", "long enough password")
    log = _csv(["号码", "时间", "通话时长", "呼叫类型", "是否接通"], [
        ["13900002222", "2024-12-02 09:00:00", "60", "呼入", "是"],
        ["13900002222", "2024-12-02 23:30:00", "30", "呼入", "是"],
        ["13900002222", "2024-12-03 10:00:00", "30", "呼出", "是"],        # the borrower's own call
        ["13900002222", "2024-12-05", "30", "呼入", "是"],                  # row 5: no clock time
        ["13900002222", "**下周三** <b>晚上</b>", "10", "呼入", "是"],       # row 6: not a date / time
    ])
    rep = run_import(["log.csv"], "call_log", path, file_bytes={"log.csv": log}, action="intake")[0]
    # the borrower's own call is read and kept (raw only): accepted, not "already present" on a first import
    assert (rep.accepted_count, rep.quarantined_count, rep.unchanged_count) == (3, 2, 0)
    assert rep.notes[0] == "1 outgoing calls / messages (the borrower's own) kept in raw, not incidents"
    at = AppTest.from_file(str(REPO / "pages" / "intake.py"), default_timeout=60)
    at.session_state[SESSION_KEY] = "ed"
    at.session_state["in_calls_msg"] = "通话记录已导入"
    at.session_state["in_calls_report"] = (rep.import_id, list(rep.notes))
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption]
    assert plain("1 条拨出的电话/信息（借款人本人发起）只保存在原始数据中，不算作催收事件") in captions
    (table,) = [d.value for d in at.dataframe if "reason" in d.value.columns]
    assert table["source_row_number"].tolist() == [5, 6]
    assert table["reason"].iloc[0] == "通话记录的每一条都需要日期和具体时刻"
    assert table["reason"].iloc[1].startswith("不是日期/时间：'**下周三** <b>晚上</b>' 不是可识别格式的日期")
    assert table["raw_value"].iloc[1] == "**下周三** <b>晚上</b>"


def test_progress_messages__every_one_an_import_and_a_training_send_is_shown_in_chinese(tmp_path):
    """What the progress bar says while the dashboard imports a CFPB file (with its narratives
    read) and a profile file, and while the model trains: every message the producers send is
    a catalogue text, and ``ui.page.progress_text`` shows it in Chinese with the file name as
    written."""
    from analysis.classify import model as M
    from ui.page import progress_text
    said: list[str] = []
    cfpb = _csv(CFPB_HEADER, [_cfpb_row("2019-09-24", str(9500000 + i)) for i in range(3)])
    run_import(["上传 a.csv"], "cfpb", tmp_path / "a.duckdb", file_bytes={"上传 a.csv": cfpb},
               progress=lambda f, m: said.append(m), classify="all")
    run_import(["bad.csv"], "heimao", tmp_path / "b.duckdb", file_bytes={"bad.csv": _heimao_bad()},
               progress=lambda f, m: said.append(m))
    examples = [M.Example(f"they called me {i} times a day" if i % 2 else f"a fee of {i} dollars", "en",
                          {"FREQ_EXCESSIVE_CALLS"} if i % 2 else set(), origin="t", key=str(i))
                for i in range(4 * M.MIN_POSITIVES)]
    M.train(examples, sets=["t"], skipped=[], progress=lambda f, m: said.append(m))
    assert len(said) >= 10
    for msg in said:
        assert reason_key(msg) is not None, msg  # a catalogue text, not a string written beside it
        zh = progress_text(msg, "zh")
        assert zh != msg and CJK.search(zh), msg
        assert progress_text(msg, "en") == plain(msg)  # the bar's label is Markdown: shown as plain text
    assert plain("上传 a.csv：正在读取 上传 a.csv") in {progress_text(m, "zh") for m in said}
    assert progress_text(said[-1], "zh") == "完成"


def test_a_damaged_workbook_is_refused_with_what_to_do_in_both_languages():
    from analysis.ingest import ImportRefused
    from analysis.ingest.readers import read_source
    broken = b"PK\x03\x04" + b"\x00" * 200  # a zip header and nothing after: a cut-off download
    with pytest.raises(ImportRefused) as err:
        read_source(broken, "complaints.xlsx")
    assert str(err.value).startswith("the file is not a readable .xlsx workbook: it may be damaged")
    assert "save it as .xlsx or CSV (the library's message, in English: " in str(err.value)
    zh = err.value.in_language("zh")
    assert zh.startswith("该文件不是可读取的 .xlsx 工作簿：可能已损坏") and "另存为 .xlsx 或 CSV（程序库的英文原文：" in zh


def test_training_progress_names_the_conduct_in_each_language():
    """Training says which conduct it is on by name, in Chinese too (it showed
    THREAT_ARREST_OR_CRIME in the Chinese progress bar)."""
    from analysis import codes
    from analysis.ingest.reasons import reason, reason_text
    for code in codes.codes("conduct"):
        msg = reason("progress_conduct", conduct=codes.label("conduct", code, "en"), i=9, n=19)
        assert msg == f"{codes.label('conduct', code, 'en')} (9 of 19)"
        assert reason_text(msg, "zh") == f"{codes.label('conduct', code, 'zh')}（第 9 个，共 19 个）"


def test_narrative_counts_are_written_with_thousands_separators_in_both_languages():
    from analysis.ingest.reasons import reason, reason_text
    note = reason("narratives_read", n=2827, labels=12345, incidents=3,
                  tail=reason("narratives_suggestions", n=1500, model="model-abc"))
    assert note == ("2,827 narratives read: 12,345 labels, 3 incidents from the text; "
                    "1,500 model suggestions (model-abc), not counted")
    assert reason_text(note, "zh") == "已读取 2,827 条正文：从文本得到 12,345 个标签、3 个事件；另有 1,500 条模型建议（model-abc），不计入统计"
