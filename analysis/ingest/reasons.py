"""One catalogue of every reason and note the importers write, in English and Chinese.

Three kinds of text come out of an import and are shown to the person importing:

* **quarantine reasons** (``core_quarantine.reason``): why a row of a file was set aside;
* **QA reasons** (``core_qa_issues.reason``): why a value of an accepted row was not coded,
  or not used (a complaint keeps one status, a later file does not change an earlier one's);
* **import notes** (``ImportReport.notes``): what the import noticed about the whole file.

Each is an entry ``Reason(key, en, zh, sample, nested, terms)`` of ``CATALOGUE``: ``en`` and ``zh``
are ``str.format`` templates with the same parameters (``{value!r}`` in English: the value as
Python writes it, quotes included; the Chinese template names it ``{value}`` and shows the same
text). The importers build their (English) text with ``reason(key, **params)`` (or
``sql_text`` inside SQL); the database keeps that English text (old databases already hold it,
the command line and the exports are English). The dashboard shows it with
``reason_text(stored, lang)``, which recognises a stored text by the catalogue's templates
(regular expressions compiled from them), captures its parameters and puts them, as they were
written, into the Chinese template. Parameters are values from files (column names, cell
values, file names) and are never translated; two kinds are:

* ``nested``: the parameter is itself a text of this catalogue (the parser's message inside
  "not a date: {error}"), or several joined by "; " (optional tails): translated in turn;
* ``terms``: an English word from a small closed set (``TERMS``: "month", "method" …);
* ``lists``: a sequence of values from a file (column names, sheet names), each shown as Python
  writes it and joined with ", " in English and "、" in Chinese.

The fourth kind of text, **refusals** (``ImportRefused``: a file that cannot be imported at all),
is never stored; it is built from an entry here in both languages when it is raised.

A text the catalogue does not know (a reason written by an older version, say) is returned
unchanged. The module imports nothing of the importers (they import it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from string import Formatter

#: The date and time forms ``parse.parse_when`` reads, as said in its reasons (en, zh).
KNOWN_FORMATS = ("2024-12-04 09:58:32, 2024/12/4 9:58, 2024年12月4日 上午9:58, 12/04/2024, "
                 "an Excel date serial number",
                 "2024-12-04 09:58:32、2024/12/4 9:58、2024年12月4日 上午9:58、12/04/2024 或 Excel 日期序列号")
#: The date forms CFPB files come in, and those of tools that re-save them (en, zh).
CFPB_DATE_FORMS = ("YYYY-MM-DD, YYYY/M/D, M/D/YYYY, MM/DD/YY, 24-Sep-2019, Sep 24, 2019, optionally "
                   "with a time; day first (D/M/YYYY, DD/MM/YY, DD.MM.YYYY) when the file's dates show it",
                   "YYYY-MM-DD、YYYY/M/D、M/D/YYYY、MM/DD/YY、24-Sep-2019、Sep 24, 2019，可带时间；"
                   "文件中的日期显示为日在前时，也可用 D/M/YYYY、DD/MM/YY、DD.MM.YYYY")
#: Why a date before ``analysis.filters.DATE_MIN`` is set aside (en, zh).
IMPLAUSIBLE_NOTE = ("not a plausible date (an empty spreadsheet date cell reads as 1899-12-30 or 1899-12-31)",
                    "不可能是真实日期（电子表格中空白的日期单元格会读成 1899-12-30 或 1899-12-31）")

#: English words a ``terms`` parameter may hold → Chinese (anything else is shown as it is).
TERMS: dict[str, str] = {
    "month": "月", "day": "日",
    "method": "催收方式", "recipient": "催收对象", "status": "处理状态", "medium": "提交方式",
}


def _conduct_terms() -> dict[str, str]:
    """Each conduct's English name → its Chinese name (``analysis.codes``): training progress
    names the conduct it is on."""
    from analysis import codes
    return {codes.label("conduct", c, "en"): codes.label("conduct", c, "zh") for c in codes.codes("conduct")}


def _code_terms() -> dict[str, str]:
    """The English labels of the codes an import note may name (a status, a channel, a part of
    day: what a complaint kept) → their Chinese labels (``analysis.codes``)."""
    from analysis import codes
    return {codes.label(lst, c, "en"): codes.label(lst, c, "zh")
            for lst in ("outcome", "submission_medium", "daypart") for c in codes.codes(lst)}


TERMS.update(_conduct_terms())
TERMS.update(_code_terms())


@dataclass(frozen=True)
class Reason:
    """One catalogue entry. ``key``: its name; ``en`` / ``zh``: templates with the same
    parameters (conversions and format specs such as ``!r`` or ``:,`` only in ``en``);
    ``sample``: example parameters (tests and documentation); ``nested`` / ``terms``:
    parameters translated in turn (see the module docstring)."""

    key: str
    en: str
    zh: str
    sample: dict = field(default_factory=dict)
    nested: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()

    def fields(self, lang: str = "en") -> list[tuple[str, str, str | None]]:
        """``[(name, format spec, conversion)]`` of the template's parameters, in order."""
        tpl = self.zh if lang == "zh" else self.en
        return [(name, spec or "", conv) for _lit, name, spec, conv in Formatter().parse(tpl) if name is not None]

    def text(self, lang: str = "en", **params) -> str:
        """The text in ``lang`` (``en`` or ``zh``) with ``params`` filled in. In Chinese,
        ``nested`` and ``terms`` parameters are translated; every other parameter is shown as
        the English text shows it. Raises ``KeyError`` for a missing parameter and
        ``TypeError`` for one the template does not have."""
        names = {n for n, _s, _c in self.fields()}
        extra = set(params) - names
        if extra:
            raise TypeError(f"reason {self.key!r} has no parameter(s) {', '.join(sorted(extra))}")
        sep = LIST_SEPARATOR["zh" if lang == "zh" else "en"]
        params = {k: sep.join(repr(str(x)) for x in v) if k in self.lists else v for k, v in params.items()}
        if lang != "zh":
            return self.en.format(**params)
        fmt = Formatter()
        shown = {}
        for name, spec, conv in self.fields():
            shown[name] = fmt.format_field(fmt.convert_field(params[name], conv), spec)
        return _fill(self.zh, {k: self._zh_param(k, v) for k, v in shown.items()})

    def _zh_param(self, name: str, value: str) -> str:
        if name in self.nested:
            return _nested_zh(value)
        if name in self.terms:  # as written, or quoted (``!r``): the Chinese term without the quotes
            quoted = len(value) > 1 and value[0] == value[-1] and value[0] in "'\""
            return TERMS.get(value) or (TERMS.get(value[1:-1]) if quoted else None) or value
        if name in self.lists:
            items = re.findall(_REPR, value)
            if LIST_SEPARATOR["en"].join(items) == value:
                return LIST_SEPARATOR["zh"].join(items)
        return value


#: How a ``lists`` parameter's items are joined, per language.
LIST_SEPARATOR = {"en": ", ", "zh": "、"}

CATALOGUE: dict[str, Reason] = {}


def _add(key: str, en: str, zh: str, nested: tuple[str, ...] = (), terms: tuple[str, ...] = (),
         lists: tuple[str, ...] = (), **sample) -> None:
    if key in CATALOGUE:
        raise ValueError(f"reason {key!r} defined twice")
    CATALOGUE[key] = Reason(key, en, zh, sample, nested, terms, lists)


# ---- rows a reader cannot take (common.DelimitedReader, readers._read_xlsx) ---------------------
_add("csv_field_count", "expected {expected} fields as in the header, found {found}",
     "此行有 {found} 个字段，与表头的 {expected} 个不符", expected=5, found=7)
_add("csv_runaway", "unreadable CSV ({why}); this line is set aside and the {lines:,} line(s) after it are read "
     "again as rows", "CSV 无法读取（{why}）；此行已隔离，其后的 {lines} 行重新按普通行读取",
     nested=("why",), why="a quote opened on this line is not closed before the next row", lines=3)
_add("runaway_quote", "a quote opened on this line is not closed before the next row",
     "此行的引号在下一行之前没有闭合")
_add("runaway_long_field", "a field longer than {limit:,} characters", "某个字段超过 {limit} 个字符",
     limit=67108864)
_add("runaway_many_lines", "a record running over more than {limit:,} lines", "一条记录跨越了超过 {limit} 行",
     limit=5000)
_add("invalid_bytes", "bytes that are not valid {encoding} text",
     "含有不是有效 {encoding} 文本的字节（文件可能损坏，或各部分的编码不同）", encoding="utf_8")
_add("xlsx_formula_no_value", "{columns}: a formula saved without its value (open the file in a spreadsheet "
     "program and save it again, or paste the values)",
     "{columns}：公式保存时没有计算结果（请用电子表格程序打开文件后重新保存，或改为粘贴数值）",
     columns="金额, column 7")
_add("xlsx_column_count", "expected {expected} columns as in the header, found {found}",
     "此行有 {found} 列，与表头的 {expected} 列不符", expected=5, found=6)

# ---- encoding (common.guess_encoding; in the notes as "encoding: …") ----------------------------
_add("note_encoding", "encoding: {note}", "编码：{note}", nested=("note",), note="read as gb18030 (not UTF-8)")
_add("enc_read_as", "read as {encoding} (not UTF-8)", "按 {encoding} 读取（不是 UTF-8）", encoding="gb18030")
_add("enc_guess", "the encoding is a guess: read as {encoding} (not UTF-8); if names look wrong, save the file as "
     "UTF-8 and import it again", "编码为推测：按 {encoding} 读取（不是 UTF-8）；如名称显示异常，请将文件另存为 UTF-8 后重新导入",
     encoding="cp1252")
_add("enc_damaged", "UTF-8{tail}", "UTF-8{tail}", nested=("tail",),
     tail="; 2 character(s) in it are already the replacement character \ufffd (the text was damaged before this "
          "file was made)")
_add("enc_invalid_utf8", "{invalid} byte(s) are not valid UTF-8 in a file that is otherwise UTF-8: the rows holding "
     "them are quarantined{tail}", "有 {invalid} 个字节不是有效的 UTF-8（文件其余部分为 UTF-8）：含这些字节的行已隔离{tail}",
     nested=("tail",), invalid=3, tail="")
_add("enc_replacement_chars", "; {damaged} character(s) in it are already the replacement character \ufffd (the text "
     "was damaged before this file was made)", "；其中 {damaged} 个字符已是替换字符 \ufffd（生成此文件之前文本就已损坏）",
     damaged=2)

# ---- ids from content (common.content_id_warning) -----------------------------------------------
_add("content_ids", "warning: no {column} column: each row's id was derived from its content ('h' + 16 hex digits). "
     "Re-imports of these rows are matched by content: the same rows add nothing, but a corrected or updated row "
     "becomes a new complaint beside the old one, and the same complaints from a file with ids are not matched to "
     "these{tail}",
     "注意：没有 {column} 列：每行的编号按其内容生成（'h' + 16 位十六进制数）。再次导入时按内容匹配这些行：相同的行不会重复新增，"
     "但改正或更新过的行会在旧投诉之外成为一条新投诉，带编号的文件中的同一投诉也不会与这些行对应{tail}",
     nested=("column", "tail"), column="Complaint ID",
     tail="; 2 row(s) identical to an earlier row of the file were kept as separate complaints (ids ending -2, -3…)")
_add("content_ids_repeats", "; {n} row(s) identical to an earlier row of the file were kept as separate complaints "
     "(ids ending -2, -3…)", "；有 {n} 行与文件中前面的某行完全相同，已作为单独的投诉保留（编号以 -2、-3… 结尾）", n=2)
_add("content_ids_alone", "; without ids rows cannot be grouped, so each row is a complaint of its own",
     "；没有编号就无法把多行归入同一投诉，因此每行各为一条投诉")
_add("id_column", "id ({aliases})", "编号（{aliases}）", aliases="投诉编号 / 编号")

# ---- values the parsers cannot read (parse.py: inside "not a date: …") ---------------------------
_add("empty", "empty", "为空")
_add("date_bad_serial", "number {value} is not an Excel date serial (expected 20000–80000)",
     "数字 {value} 不是 Excel 日期序列号（应在 20000–80000 之间）", value="123")
_add("date_unknown_format", "{value!r} is not a date in a known format (" + KNOWN_FORMATS[0] + ")",
     "{value} 不是可识别格式的日期（可用格式：" + KNOWN_FORMATS[1] + "）", value="2024-13-45x")
_add("date_no_such", "{value!r}: no such date", "{value}：没有这一天", value="2024-02-30")
_add("time_unknown", "{value!r} is not a clock time (e.g. 09:58, 9:58 pm, 晚上11点) or part of day (晚上, evening)",
     "{value} 不是时刻（如 09:58、上午9:58、晚上11点），也不是时段（如 晚上、evening）", value="大约中午以后")
_add("time_ampm", "{value!r}: hour {hour} with AM/PM", "{value}：带 AM/PM 的时间，小时不能是 {hour}",
     value="13:00 PM", hour=13)
_add("time_range", "{value!r}: time out of range", "{value}：时间超出范围", value="25:61")
_add("implausible_date", "{day} is before {date_min}: " + IMPLAUSIBLE_NOTE[0],
     "{day} 早于 {date_min}：" + IMPLAUSIBLE_NOTE[1], day="1899-12-30", date_min="1990-01-01")
_add("cfpb_date_unknown", "{value!r} is not a date in a known form (" + CFPB_DATE_FORMS[0] + ")",
     "{value} 不是可识别格式的日期（可用格式：" + CFPB_DATE_FORMS[1] + "）", value="yesterday")
_add("cfpb_date_bad_time", "{value!r}: the time in it is not a clock time (00:00–23:59)",
     "{value}：其中的时间不是有效时刻（00:00–23:59）", value="2024-01-03 25:00")
_add("cfpb_date_no_such_mdy", "{value!r}: no such date when read month first (M/D/Y), as this file is read",
     "{value}：按本文件的读法（月在前，M/D/Y）没有这一天", value="24/09/2019")
_add("cfpb_date_no_such_dmy", "{value!r}: no such date when read day first (D/M/Y), as this file is read",
     "{value}：按本文件的读法（日在前，D/M/Y）没有这一天", value="09/24/2019")

# ---- how a file's dates were read (notes) -------------------------------------------------------
_add("dates_day_first", "dates read day first (D/M/YYYY) for the whole file: {n} value(s) such as {example!r} "
     "cannot be month first", "整个文件的日期按日在前（D/M/YYYY）读取：有 {n} 个值（如 {example}）不可能是月在前",
     n=4, example="24/09/2019")
_add("dates_mixed", "dates read month first (M/D/YYYY, CFPB's form): the file mixes {month_first} value(s) that only "
     "fit month first with {day_first} that only fit day first (such as {example!r}); those do not fit and are "
     "reported per row", "日期按月在前（M/D/YYYY，CFPB 的写法）读取：文件中既有 {month_first} 个只能是月在前的值，"
     "又有 {day_first} 个只能是日在前的值（如 {example}）；后者无法读取，已逐行报告", month_first=3, day_first=1,
     example="24/09/2019")
_add("dates_month_first", "dates read month first (M/D/YYYY, CFPB's form): {why}",
     "日期按月在前（M/D/YYYY，CFPB 的写法）读取：{why}", nested=("why",),
     why="no value in the date columns has a first number above 12")
_add("dates_none_above_12", "no value in the date columns has a first number above 12",
     "日期列中没有第一个数大于 12 的值")
_add("dates_only_month_first", "values such as {example!r} can only be month first",
     "如 {example} 等值只能是月在前", example="09/24/2019")
_add("dates_ambiguous", "dates: {n} distinct date(s) such as {example!r} could be read month first or day first; "
     "read {first} first, as profile {profile!r} says (date_order = {order!r}); check one you know",
     "日期：有 {n} 个不同的日期（如 {example}）既可读作月在前，也可读作日在前；已按模板 {profile} 的设置"
     "（date_order = {order}）以{first}在前读取；请核对一个您知道实际日期的值",
     terms=("first",), n=2, example="03/04/2024", first="month", profile="intake", order="mdy")

# ---- rows of a profile import set aside (generic._parse_row, _mark_duplicates) ------------------
_add("not_a_date", "not a date: {error}", "不是日期：{error}", nested=("error",),
     error="'2024-02-30': no such date")
_add("not_a_date_time", "not a date / time: {error}", "不是日期/时间：{error}", nested=("error",),
     error="'25:61': time out of range")
_add("date_in_future", "date is in the future", "日期晚于今天（请核对年份和月、日的顺序）")
_add("complaint_id_empty", "complaint id is empty", "投诉编号为空")
_add("complaint_id_scientific", "complaint id is a number a spreadsheet program rewrote in scientific notation: its "
     "last digits are lost; save the column as text and import again",
     "投诉编号被电子表格程序改写成了科学计数法，末尾的数字已丢失；请将该列设为文本格式保存后重新导入")
_add("complaint_id_not_an_id", "complaint id is a spreadsheet error value or a true/false value, not an id: fix the "
     "cell in the file and import again", "投诉编号是电子表格的错误值或“是/否”值，不是编号；请在文件中改正该单元格后重新导入")
_add("complaint_id_fraction", "complaint id is a number with a fraction, not a complaint number: save the column as "
     "text and import again", "投诉编号是带小数的数字，不是投诉编号；请将该列设为文本格式保存后重新导入")
_add("complaint_id_decimal", "complaint id written as a decimal number; read as {number}",
     "投诉编号被写成了小数；按 {number} 读取", number="17370000004")
_add("filing_date_empty", "filing date is empty", "受理日期为空")
_add("contact_time_empty", "date / time of the contact is empty", "催收日期/时间为空")
_add("call_needs_clock", "a call-log entry needs a date with a clock time", "通话记录的每一条都需要日期和具体时刻")
_add("complaint_id_repeated", "complaint id appears more than once in this file (first at {where})",
     "投诉编号在此文件中出现多次（首次出现在{where}）", nested=("where",), where="row 3")
_add("complaint_id_zeros_file", "complaint id differs from {other!r} (at {where}) only in its leading zeros: a "
     "spreadsheet program drops them from a column not saved as text; save the column as text and import again",
     "投诉编号与 {other}（{where}）只差开头的 0：电子表格程序会去掉未保存为文本的列开头的 0；请将该列设为文本格式保存后重新导入",
     nested=("where",), other="00123", where="row 3")
_add("complaint_id_zeros_db", "complaint id differs from complaint {other!r}, already in the database, only in its "
     "leading zeros: a spreadsheet program drops them from a column not saved as text; save the column as text and "
     "import again", "投诉编号与数据库中已有的投诉 {other} 只差开头的 0：电子表格程序会去掉未保存为文本的列开头的 0；"
     "请将该列设为文本格式保存后重新导入", other="00123")
_add("row_repeated", "the same row appears more than once in this file (first at {where})",
     "同样的行在此文件中出现多次（首次出现在{where}）", nested=("where",), where="sheet '登记' row 3")
_add("incident_repeated", "the same contact (its time, method, recipient and what it says, as read) appears more "
     "than once in this file (first at {where}); the first row is kept",
     "同一次催收（时间、方式、对象和内容按读取结果相同）在此文件中出现多次（首次出现在{where}）；保留第一行",
     nested=("where",), where="row 3")
_add("where_row", "row {row}", "第 {row} 行", row=3)
_add("where_sheet_row", "sheet {sheet!r} row {row}", "工作表 {sheet} 第 {row} 行", sheet="登记", row=3)

# ---- values of accepted rows not coded (generic: core_qa_issues) -------------------------------
_add("code_unknown_set", "{what} {value!r} not in the profile's value maps; {code_list}_code set to {code}",
     "{what}值 {value} 不在模板的取值对照表中；{code_list}_code 设为 {code}", terms=("what",),
     what="method", value="飞鸽传书", code_list="method", code="unknown")
_add("code_unknown_empty", "{what} {value!r} not in the profile's value maps; {code_list}_code left empty",
     "{what}值 {value} 不在模板的取值对照表中；{code_list}_code 留空", terms=("what",),
     what="status", value="待定", code_list="outcome")
def _replace_hint() -> tuple[str, str]:
    """How a note tells to apply what a later file says (en, zh): import it again as a
    correction, named by the Import page's own checkbox label (``analysis.i18n`` imp_replace)
    and the command-line option."""
    from analysis.i18n import STRINGS
    en, zh = STRINGS["imp_replace"]
    return (f"import the file again with '{en}' ticked, or --replace", f"请勾选“{zh}”后重新导入，或使用 --replace")


_REPLACE_EN, _REPLACE_ZH = _replace_hint()
_add("values_not_applied", f"{{n}} value(s) of this file were not applied to complaints imported before (a status, a "
     f"company, demands ...; each is noted in core_qa_issues): to apply them, {_REPLACE_EN}",
     f"此文件有 {{n}} 个值未用于此前导入的投诉（处理状态、公司、诉求等；每个都记录在 core_qa_issues 中）：如需应用，{_REPLACE_ZH}", n=4)
_add("complaint_value_differs", "another row of this complaint, earlier in the file, gives {kept!r}; a complaint has "
     "one value, the first, so this one is not used", "此投诉在文件中较前的一行给出的是 {kept}；每条投诉只有一个值（第一个），"
     "此值未使用", terms=("kept",), kept="In progress")
_add("complaint_value_stored", "the complaint already has {kept!r} from an earlier import; this value is not used "
     f"(to change it, {_REPLACE_EN})",
     f"此投诉在此前的导入中已是 {{kept}}；此值未使用（如需修改，{_REPLACE_ZH}）",
     terms=("kept",), kept="In progress")
_add("row_demands_stored", "this contact was imported before with the demands {kept}; a later file does not change "
     f"them (to change them, {_REPLACE_EN})", f"此次催收此前导入时的诉求为 {{kept}}；之后的文件不会更改（如需修改，{_REPLACE_ZH}）",
     kept="STOP_HARASSMENT")
_add("complaint_value_not_filled", "the complaint came from an earlier import without this value; a later file does not "
     f"fill it in (so removing that file leaves the complaint as it was): to set it, {_REPLACE_EN}",
     f"此投诉来自此前的导入，当时没有此值；之后的文件不会补填（这样删除该文件后投诉可恢复原样）：如需设置，{_REPLACE_ZH}")
_add("time_beside_timed_date", "the date cell already holds a time ({shown}), which is kept; this time column's "
     "value is not used", "日期单元格中已有时间（{shown}），按它读取；未使用此时间列的值", terms=("shown",), shown="23:10")
_add("code_several", "{what} names several ({items}): a row has one {what}, so {first!r} (the first) is kept",
     "{what}值列出了多个（{items}）：每行只能有一个{what}，保留第一个 {first}", terms=("what",), lists=("items",),
     what="method", items=["电话", "短信"], first="电话")
_add("demand_unknown", "demand not in the profile's value maps; labelled OTHER",
     "诉求不在模板的取值对照表中；标为 OTHER（其他）")
_add("conduct_unknown", "conduct not in the profile's value maps; no label", "行为不在模板的取值对照表中；未加标签")
_add("call_time_is_filing_time", "call time equals the filing time (an automated report, not a call time): kept as "
     "date only", "催收时间与受理时间相同（是自动生成的举报时间，不是来电时间）：只保留日期")
_add("direction_unknown", "call direction not understood; taken as incoming", "无法识别呼叫方向；按来电处理")
_add("answered_unknown", "answered / connected value not understood; left empty", "无法识别“是否接通”的值；留空")
_add("duration_bad", "not a duration; left empty", "不是通话时长；留空")
_add("duration_implausible", "longer than {limit:,} seconds (a day): not one call's duration; left empty",
     "超过 {limit} 秒（一天）：不是一次通话的时长；留空", limit=86400)

# ---- notes of a profile import (generic.prepare_file, write_prepared) ---------------------------
_add("title_rows_skipped", "{where}: the header is read below {titles} (title rows above it are not complaints)",
     "{where}：表头在 {titles} 之下读取（表头上方的标题行不是投诉）", nested=("where",), lists=("titles",),
     where="log.xlsx, sheet 'Sheet1'", titles=["某协会投诉登记表", "2024年12月"])
_add("merged_cells_filled", "{where}: {n} merged cell ranges ({ranges}): each cell of a range was read with the "
     "value shown in it (a spreadsheet stores it in the range's first cell only)",
     "{where}：有 {n} 个合并单元格区域（{ranges}）：区域内每个单元格都按其显示的值读取（电子表格只在区域的第一个单元格中保存该值）",
     nested=("where",), where="a.xlsx, sheet 'Sheet1'", n=2, ranges="B2:B4, G5:G7")
_add("column_repeated", "{where}: column {written!r} appears more than once; the later one is read as {read_as!r} "
     "(map it to a field if it holds data)", "{where}：列 {written} 出现多次；后面的一列按 {read_as} 读取（如该列有数据，请为它指定字段）",
     nested=("where",), where="log.xlsx, sheet 'Sheet1'", written="备注", read_as="备注 (2)")
_add("where_file_sheet", "{file}, sheet {sheet!r}", "{file}，工作表 {sheet}", file="log.xlsx", sheet="Sheet1")
_add("sheet_skipped", "sheet {sheet!r} skipped: none of its columns is known to profile {profile}",
     "已跳过工作表 {sheet}：模板 {profile} 不认识其中任何一列", sheet="说明", profile="intake")
_add("kept_absent_columns", "columns absent from this file kept their earlier values on updated complaints: {fields}",
     "此文件没有的列，在被更新的投诉上保留原来的值：{fields}", fields="narrative, region")
_add("intake_corrected", "{n} complaint(s) listed in this file were rebuilt from its rows (the file is their whole "
     "record); {removed} earlier incident(s) of theirs that are not in the file were removed",
     "此文件列出的 {n} 条投诉已按文件中的行重建（此文件是这些投诉的完整记录）；这些投诉此前导入、但不在此文件中的 {removed} 个事件已删除",
     n=2, removed=1)
_add("reopened_reviewed", "{n} reviewed complaint(s) got new or changed evidence from this file and are back in the "
     "review queue (Narratives page); their review decisions stay (one about an incident that was removed no longer "
     "applies)", "{n} 条已复核的投诉因此文件有了新的或改变的证据，已回到复核队列（“投诉正文”页）；其复核决定保留（针对已删除事件的决定不再适用）",
     n=1)
_add("replace_complaint_incomplete", "not corrected: row {row} of the same complaint was set aside; fix it and import "
     "the file again", "未更正：同一投诉的第 {row} 行被隔离；改正后请重新导入整个文件", row=7)
_add("outgoing_calls", "{n} outgoing calls / messages (the borrower's own) kept in raw, not incidents",
     "{n} 条拨出的电话/信息（借款人本人发起）只保存在原始数据中，不算作催收事件", n=4)
_add("frequency_checks", "frequency checks: {counts}", "频次检查：{counts}", counts="CN-FREQ-01 ×2, CN-FREQ-02 ×1")
_add("same_file", "same file bytes as import {import_id}", "与导入批次 {import_id} 的文件完全相同，未新增内容",
     import_id="20261129T180102Z-1a2b3c")
_add("quality_call_time", "data quality: {n} rows whose call time equals the filing time: kept, as date only",
     "数据质量：{n} 行的催收时间与受理时间相同：已保留，只记日期", n=12)
_add("narratives_read", "{n:,} narratives read: {labels:,} labels, {incidents:,} incidents from the text{tail}",
     "已读取 {n} 条正文：从文本得到 {labels} 个标签、{incidents} 个事件{tail}", nested=("tail",),
     n=10, labels=7, incidents=3, tail="; 2 model suggestions (conduct_model v3), not counted")
_add("narratives_suggestions", "; {n:,} model suggestions ({model}), not counted", "；另有 {n} 条模型建议（{model}），不计入统计",
     n=2, model="conduct_model v3")

# ---- CFPB imports (cfpb.py: SQL reasons, QA issues and notes) -----------------------------------
_add("cfpb_id_empty", "Complaint ID is empty", "投诉编号（Complaint ID）为空")
_add("cfpb_id_not_number", "Complaint ID is not a whole number", "投诉编号（Complaint ID）不是整数")
_add("cfpb_id_zero", "Complaint ID is 0: CFPB numbers complaints from 1", "投诉编号（Complaint ID）为 0：CFPB 的投诉编号从 1 开始")
_add("cfpb_id_repeated", "Complaint ID appears more than once in this file (first at row {row})",
     "投诉编号（Complaint ID）在此文件中出现多次（首次出现在第 {row} 行）", row=2)
_add("cfpb_received_bad", "Date received is empty or not a date: {error}",
     "受理日期（Date received）为空或不是日期：{error}", nested=("error",), error="the cell is empty")
_add("cell_empty", "the cell is empty", "单元格为空")
_add("cfpb_received_future", "Date received is in the future", "受理日期（Date received）晚于今天")
_add("cfpb_received_implausible", "Date received {why}", "受理日期（Date received）{why}", nested=("why",),
     why="1899-12-30 is before 1990-01-01: " + IMPLAUSIBLE_NOTE[0])
_add("cfpb_product_empty", "Product is empty", "产品（Product）为空")
_add("cfpb_submitted_via_unknown", "Submitted via value not in analysis/maps/cfpb_values.csv; submission_medium "
     "left empty", "提交方式（Submitted via）的值不在 analysis/maps/cfpb_values.csv 中；submission_medium 留空")
_add("cfpb_response_unknown", "Company response value not in analysis/maps/cfpb_values.csv; outcome_code left empty",
     "公司答复（Company response）的值不在 analysis/maps/cfpb_values.csv 中；outcome_code 留空")
_add("cfpb_timely_unknown", "Timely response? is neither Yes nor No; is_timely_response left empty",
     "是否及时答复（Timely response?）既不是 Yes 也不是 No；is_timely_response 留空")
_add("cfpb_sent_bad", "Date sent to company is not a date ({error}); response_days left empty",
     "转交公司日期（Date sent to company）不是日期（{error}）；response_days 留空", nested=("error",),
     error="'yesterday' is not a date in a known form (" + CFPB_DATE_FORMS[0] + ")")
_add("cfpb_sent_before_received", "Date sent to company is before Date received",
     "转交公司日期（Date sent to company）早于受理日期（Date received）")
_add("cfpb_issue_unknown", "Debt-collection issue / sub-issue not in analysis/maps/cfpb_issue_codes.csv; labelled OTHER",
     "催收问题/子问题（issue / sub-issue）不在 analysis/maps/cfpb_issue_codes.csv 中；标为 OTHER（其他）")
_add("columns_not_used", "columns not used: {columns}", "未使用的列：{columns}", columns="Extra, 备注")
_add("narratives_not_read_products", "{n} narratives not read by the classifier (products other than debt "
     "collection and payday / personal loans; --classify all reads every narrative)",
     "{n} 条正文未经分类器读取（其产品不是债务催收或发薪日贷款/个人贷款；用 --classify all 可读取全部正文）", n=5)
_add("narratives_not_read", "{n} narratives not read by the classifier (--classify all reads every narrative)",
     "{n} 条正文未经分类器读取（用 --classify all 可读取全部正文）", n=5)

# ---- refusals: the whole file cannot be imported (ImportRefused; never stored) ------------------
_add("refused_not_found", "{path}: file not found", "{path}：找不到文件", path="/tmp/complaints.csv")
_add("refused_binary", "the file is no text table: its first bytes are those of {kind}. Import a CSV file, an "
     ".xlsx workbook, or a ZIP archive holding one CSV file (an old .xls workbook: save it as .xlsx or CSV first)",
     "该文件不是文本表格：其开头字节属于 {kind}。请导入 CSV 文件、.xlsx 工作簿或只含一个 CSV 的 ZIP 压缩包（旧版 .xls 工作簿请先另存为 .xlsx 或 CSV）",
     kind="a gzip archive")
_add("refused_not_text", "the file is not readable text in any known encoding (is it a spreadsheet or a "
     "compressed file?)", "该文件不是任何已知编码的文本（是否为电子表格或压缩文件？）")
_add("refused_empty", "the file is empty: expected a header row", "文件是空的：第一行应为表头")
_add("refused_header_quote", "the header row is unreadable: a quote in it is never closed",
     "表头行无法读取：其中的引号没有闭合")
_add("refused_no_data_rows", "{file}: the file has a header but no data rows; nothing was imported",
     "{file}：文件只有表头，没有数据行；未导入任何内容", file="complaints.csv")
_add("refused_xls", "{file}: old .xls workbooks are not supported; save it as .xlsx or CSV",
     "{file}：不支持旧的 .xls 工作簿，请另存为 .xlsx 或 CSV", file="complaints.xls")
_add("refused_not_xlsx", "the file is not a readable .xlsx workbook: it may be damaged, or another kind of file "
     "renamed to .xlsx. Open it in a spreadsheet program and save it as .xlsx or CSV (the library's message, in "
     "English: {error})",
     "该文件不是可读取的 .xlsx 工作簿：可能已损坏，或是其他文件改了扩展名。请在电子表格软件中打开，另存为 .xlsx 或 CSV"
     "（程序库的英文原文：{error}）", error="File is not a zip file")
_add("refused_no_such_sheet", "no worksheet named {sheet!r}; the workbook has: {sheets}",
     "没有名为 {sheet} 的工作表；该工作簿中有：{sheets}", lists=("sheets",), sheet="投诉", sheets=["Sheet1", "说明"])
_add("refused_zip_members", "{file}: a ZIP archive that does not hold exactly one CSV file (it holds: {members}); "
     "unzip it and import the CSV files one by one", "{file}：该 ZIP 压缩包中不是恰好一个 CSV 文件（其中有：{members}）；请解压后逐个导入 CSV 文件",
     file="complaints.zip", members="a.csv, b.csv")
_add("refused_zip_unreadable", "{file}: {member} in the ZIP archive is encrypted or compressed in a way that cannot "
     "be read here; unzip it and import the CSV file", "{file}：ZIP 压缩包中的 {member} 已加密或采用无法读取的压缩方式；请解压后导入 CSV 文件",
     file="complaints.csv.zip", member="complaints.csv")
_add("refused_decode", "{file}: cannot be read as {encoding} ({error}): the file may be cut off or not in one "
     "encoding; save it again as UTF-8", "{file}：无法按 {encoding} 读取（{error}）：文件可能不完整或混用了多种编码；请另存为 UTF-8 后重新导入",
     file="complaints.csv", encoding="utf-16-le", error="truncated data")
_add("refused_not_zip", "{file}: starts like a ZIP archive but cannot be opened as one ({error}); download it again",
     "{file}：文件开头像 ZIP 压缩包，但无法打开（{error}）；请重新下载", file="complaints.csv.zip",
     error="File is not a zip file")
_add("outcome_back_in_progress", "{n:,} complaints went back to \"In progress\" from a company response already "
     "given: is this file an older export than one imported before? (the file's version is kept; import the newer "
     "export again to restore it)", "有 {n} 条投诉的公司回复从已给出的结果退回“处理中”：此文件是否比之前导入的导出文件更旧？"
     "（已按此文件更新；重新导入较新的导出文件即可恢复）", n=2)
_add("read_from_zip", "read {member} from the ZIP archive", "从 ZIP 压缩包中读取了 {member}", member="complaints.csv")
_add("refused_cfpb_workbook", "{file}: a spreadsheet workbook; CFPB complaints are imported from the CSV that "
     "consumerfinance.gov exports (or save the sheet as CSV, UTF-8)",
     "{file}：这是电子表格工作簿；CFPB 投诉需从 consumerfinance.gov 导出的 CSV 导入（或将该工作表另存为 UTF-8 编码的 CSV）",
     file="complaints.xlsx")
_add("refused_mixed_encoding", "the file mixes text encodings: {invalid:,} of its {non_ascii:,} non-ASCII characters "
     "in the first part read are not UTF-8 while the others are; save the whole file in one encoding (UTF-8) and "
     "import it again", "文件混用了多种文本编码：已读取部分的 {non_ascii} 个非 ASCII 字符中有 {invalid} 个不是 UTF-8，"
     "其余是 UTF-8；请将整个文件另存为同一种编码（UTF-8）后重新导入", invalid=40, non_ascii=120)
_add("profile_shipped", "{name!r} is the name of a format that ships with the application; choose another name",
     "{name} 是随应用提供的格式名称；请另选名称", name="heimao")
_add("profile_bad_name", "profile name {name!r}: use 1–40 lower-case letters, digits or _",
     "模板名称 {name}：请使用 1–40 个小写字母、数字或 _", name="My Profile")
_add("profile_reserved", "profile name {name!r}: names beginning with {prefixes} are kept for the application's "
     "own profiles", "模板名称 {name}：以 {prefixes} 开头的名称留作应用自身的模板", lists=("prefixes",),
     name="intake_us_regulator", prefixes=["_", "intake_"])
_add("profile_exists", "a profile named {name!r} is already saved; tick 'replace it' to overwrite it, or choose "
     "another name", "已保存名为 {name} 的模板；如要覆盖请勾选“替换”，或另选名称", name="bank_export")
_add("profile_unknown_fields", "unknown field(s) {fields}", "未知字段 {fields}", lists=("fields",),
     fields=["complainant_age"])
_add("profile_field_twice", "field(s) {fields} mapped from more than one column", "字段 {fields} 对应了多个列",
     lists=("fields",), fields=["narrative"])
_add("refused_replace_grain", "only an intake log (one row per incident) can correct an earlier import; a "
     "{profile!r} file already updates the complaints it names, or adds calls", "只有登记表（每行一个事件）可以更正此前的导入；"
     "{profile} 格式的文件本来就会更新其中列出的投诉，或新增通话", profile="heimao")
_add("refused_replace_no_ids", "{file}: a correction needs a complaint id column on every sheet; {sheets} has none "
     "(rows whose id comes from their content cannot name the complaint they correct)",
     "{file}：更正此前的导入需要每个工作表都有投诉编号列；{sheets} 没有（按内容生成编号的行无法指明要更正哪条投诉）",
     lists=("sheets",), file="log.csv", sheets=["补充"])
_add("refused_replace_unreadable", "{file}: {n:,} row(s) could not be read, so the complaints they belong to are "
     "unknown; a correction must be read whole (fix them, or import without correcting)",
     "{file}：有 {n} 行无法读取，无法确定它们属于哪些投诉；更正须完整读取文件（请先修正这些行，或不作为更正导入）", file="log.csv", n=2)
_add("refused_replace_one_file", "a correction is imported one file at a time ({n} files were given): a second "
     "file would rebuild the complaints the first has just written",
     "更正须一次导入一个文件（给出了 {n} 个）：第二个文件会重建第一个文件刚写入的投诉", n=2)
_add("refused_no_header_sheet", "the workbook has no sheet with a header row", "该工作簿中没有带表头的工作表")
_add("refused_cfpb_columns", "{file}: not a CFPB complaint export: missing required column(s) {missing}. Found: "
     "{found}. {absent}Headers are matched ignoring case, spaces, punctuation and underscores (date_received = "
     "Date received). Export the file again from consumerfinance.gov/data-research/consumer-complaints (CSV) or "
     "choose another format (--format on the command line).",
     "{file}：不是 CFPB 投诉数据导出，缺少必需的列 {missing}。文件中的列：{found}。{absent}列名比较时不区分大小写、空格、"
     "标点和下划线（date_received 即 Date received）。请从 consumerfinance.gov/data-research/consumer-complaints "
     "重新导出 CSV，或选择其他格式。", nested=("absent",), lists=("missing", "found"),
     file="export.csv", missing=["Complaint ID"], found=["Date received", "Product"],
     absent="Optional column(s) also absent: 'Tags'. ")
_add("refused_cfpb_optional_absent", "Optional column(s) also absent: {absent}. ", "可选的列也没有：{absent}。",
     lists=("absent",), absent=["Tags", "Consumer consent provided?"])
_add("refused_columns_twice", "{file}: {columns}. Delete or rename all but one of them and import again.",
     "{file}：{columns}。请只保留其中一列（删除或重命名其他列）后重新导入。", nested=("columns",), file="twice.csv",
     columns="column 'Date received' appears more than once in the header (as 'Date received', 'date_received')")
_add("refused_column_twice", "column {column!r} appears more than once in the header (as {names})",
     "列 {column} 在表头中出现多次（写作 {names}）", lists=("names",), column="Date received",
     names=["Date received", "date_received"])
_add("refused_profile_columns", "{where}: required column(s) missing for profile {profile!r}: {needed}. Found: "
     "{found}. Rename the columns, choose another profile, or confirm a column mapping (and save it as a profile).",
     "{where}：缺少格式 {profile} 必需的列：{needed}。文件中的列：{found}。请重命名这些列、选择其他格式，"
     "或在下方指定各列对应的字段（并可另存为模板）。", nested=("where", "needed"), lists=("found",),
     where="intake.xlsx, sheet '投诉'", profile="heimao", needed="complaint_id (投诉编号 / 编号)",
     found=["标题", "日期"])
_add("refused_field_columns", "{field} ({columns})", "{field}（{columns}）", field="complaint_id",
     columns="投诉编号 / 编号")
_add("refused_field_either", "{first} or {second}", "{first}或{second}", nested=("first", "second"),
     first="occurred_at (催收时间 / 发生时间)", second="occurred_date (催收日期 / date)")
_add("refused_field_unmapped", "{field} (map a column to it)", "{field}（请为它指定一列）", field="occurred_at")
_add("refused_no_complaint", "complaint {complaint_id!r} not found; import the complaint first, or leave the "
     "complaint empty to make a new one", "找不到投诉 {complaint_id}；请先导入该投诉，或不选投诉以新建一条",
     complaint_id="CN-2024-0001")
_add("refused_unbalanced", "{file}: rows do not add up ({equation}); nothing was imported. This is a fault of the "
     "importer: please report it with the file.", "{file}：各行数加起来不一致（{equation}）；未导入任何内容。"
     "这是导入程序的错误：请连同此文件一起报告。", file="a.csv",
     equation="3 rows read = 1 accepted + 1 quarantined + 0 already present")


# ---- progress messages (the progress bar while an import, a relabel or a training runs; never stored) ----
_add("progress_reading_file", "reading {file_name}", "正在读取 {file_name}", file_name="complaints.csv")
_add("progress_file_step", "{file_name}: {step}", "{file_name}：{step}", nested=("step",), file_name="complaints.csv",
     step="writing raw rows")
_add("progress_rows_read", "{n:,} rows read{eta}", "已读取 {n} 行{eta}", nested=("eta",), n=200000,
     eta="; about 3 min left")
_add("progress_left_min", "; about {minutes} min left", "；约剩 {minutes} 分钟", minutes=3)
_add("progress_left_s", "; about {seconds} s left", "；约剩 {seconds} 秒", seconds=40)
_add("progress_batch", "file rows {lo:,}–{hi:,} of {last:,}: {step}{eta}", "文件第 {lo}–{hi} 行（共 {last} 行）：{step}{eta}",
     nested=("step", "eta"), lo=1, hi=500000, last=1200000, step="validating and coding", eta="; about 40 s left")
_add("progress_validating", "validating and coding", "正在校验并编码")
_add("progress_checking", "{n} rows read; checking values", "已读取 {n} 行；正在检查数值", n=120)
_add("progress_raw_rows", "writing raw rows", "正在写入原始行")
_add("progress_complaints", "writing complaints and incidents", "正在写入投诉和事件")
_add("progress_narratives", "reading narratives", "正在读取投诉正文")
_add("progress_narratives_of", "reading narratives: {done:,} of {total:,}", "正在读取投诉正文：第 {done} 条，共 {total} 条",
     done=5000, total=12000)
_add("progress_summary", "updating summary tables", "正在更新汇总表")
_add("progress_second_copy", "updating the second copy", "正在更新第二份副本")
_add("progress_second_copy_done", "second copy up to date", "第二份副本已是最新")
_add("progress_standby", "bringing the standby copy up to date", "正在把备用副本更新到最新")
_add("progress_rules_on", "the rules on {n:,} training texts", "用规则读取 {n} 条训练文本", n=2390)
_add("progress_features", "features of {n:,} texts", "计算 {n} 条文本的特征", n=2390)
_add("progress_conduct", "{conduct} ({i} of {n})", "{conduct}（第 {i} 个，共 {n} 个）", terms=("conduct",),
     conduct="Excessive calls", i=3, n=17)
_add("progress_done", "done", "完成")


class Refusal(Exception):
    """A refusal said from catalogue entry ``key`` with ``params``: ``str(err)`` is the English,
    ``in_language(lang)`` the text in the user's language. The base of ``ImportRefused`` and
    ``profiles.ProfileError``. Raises ``KeyError`` for an unknown key or a missing parameter."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(CATALOGUE[key].text("en", **params))

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return CATALOGUE[self.key].text(lang, **self.params)


def reason(key: str, **params) -> str:
    """The English text of catalogue entry ``key`` with ``params`` filled in (what the importers
    store). Raises ``KeyError`` for an unknown key or a missing parameter, ``TypeError`` for a
    parameter the entry does not have."""
    return CATALOGUE[key].text("en", **params)


def sql_text(key: str, **exprs: str) -> str:
    """A DuckDB SQL expression giving the English text of entry ``key``: its words as string
    literals and each parameter as the SQL expression ``exprs[name]`` (cast to text), joined
    with ``||``; e.g. ``sql_text("cfpb_id_repeated", row="first_row_number")``. Raises
    ``KeyError`` for a parameter without an expression, ``ValueError`` for an entry whose
    template converts or formats a parameter (``!r``, ``:,``: SQL would write it otherwise).
    (A NULL expression makes the whole text NULL, as in SQL.)"""
    parts = []
    for literal, name, spec, conv in Formatter().parse(CATALOGUE[key].en):
        if literal:
            parts.append("'" + literal.replace("'", "''") + "'")
        if name is not None:
            if spec or conv:
                raise ValueError(f"reason {key!r}: parameter {name!r} is formatted ({conv or ''}{spec or ''}); "
                                 "SQL cannot write it the same way")
            parts.append(f"CAST({exprs[name]} AS VARCHAR)")
    return " || ".join(parts) if parts else "''"


#: A parameter written with ``!r``: a Python string literal (single or double quotes).
_REPR = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
_INT = r"-?\d[\d,]*"
#: What parameters of these names look like, so a template cannot take another's words as a
#: parameter ("Date received 1899-12-30 is before …" is not "{day} is before …" with a day of
#: "Date received 1899-12-30"). Any other parameter is any text.
PARAM_PATTERNS = {
    "file_name": r"[^:\n]+", "conduct": r"[A-Z][^()\n]*?", "eta": r"(?:; about \d+ (?:min|s) left)?",
    "day": r"\d{4}-\d{2}-\d{2}", "date_min": r"\d{4}-\d{2}-\d{2}", "import_id": r"\S+", "encoding": r"[\w.-]+",
    "field": r"[a-z_]+",
    **{name: _INT for name in ("minutes", "seconds", "i", "n", "row", "expected", "found", "invalid", "damaged", "labels", "incidents",
                               "month_first", "day_first", "hour", "lines", "limit")},
}


def _pattern(entry: Reason) -> re.Pattern:
    parts, seen = [], set()
    for literal, name, spec, conv in Formatter().parse(entry.en):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name in seen:
            parts.append(f"(?P={name})")
            continue
        seen.add(name)
        if conv == "r":
            p = _REPR
        elif spec == ",":
            p = _INT
        elif name in entry.lists:
            p = f"(?:{_REPR})(?:{re.escape(LIST_SEPARATOR['en'])}(?:{_REPR}))*"
        elif name in PARAM_PATTERNS:
            p = PARAM_PATTERNS[name]
        elif name in entry.nested:
            p = ".*?"  # optional tails may be empty
        else:
            p = ".+?"
        parts.append(f"(?P<{name}>{p})")
    return re.compile("".join(parts), re.DOTALL)


def _literal_length(entry: Reason) -> int:
    return sum(len(lit) for lit, *_ in Formatter().parse(entry.en))


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[Reason, re.Pattern]]:
    """Every entry with its pattern, the most specific (most fixed words) first, so "Date
    received is in the future" is recognised before "Date received {why}"."""
    return [(e, _pattern(e)) for e in sorted(CATALOGUE.values(), key=_literal_length, reverse=True)]


def _fill(template: str, values: dict[str, str]) -> str:
    """``template`` with each ``{name}`` replaced by ``values[name]`` as it is (no format
    spec or conversion applied: the values are the texts captured from the English)."""
    out = []
    for literal, name, _spec, _conv in Formatter().parse(template):
        out.append(literal)
        if name is not None:
            out.append(values[name])
    return "".join(out)


def _nested_zh(value: str) -> str:
    """A ``nested`` parameter in Chinese: the whole text if the catalogue knows it, else its
    "; "-joined parts each (optional tails such as "; 2 row(s) identical …"), else as it is."""
    if not value:
        return value
    whole = _translate(value)
    if whole is not None:
        return whole
    if "; " in value:
        parts = re.split(r"(?=; )", value)
        return "".join(_translate(p) or _joined_part(p) for p in parts)
    return value


def _joined_part(part: str) -> str:
    """One "; "-joined part the catalogue does not know with its separator: the text after
    "; " translated if it can be (then joined with "；"), else the part as it is."""
    if part.startswith("; "):
        got = _translate(part[2:])
        if got is not None:
            return "；" + got
    return part


@lru_cache(maxsize=50_000)
def _translate(text: str) -> str | None:
    for entry, rx in _compiled():
        m = rx.fullmatch(text)
        if m:
            return _fill(entry.zh, {k: entry._zh_param(k, v) for k, v in m.groupdict().items()})
    return None


def reason_key(stored: str) -> str | None:
    """The catalogue key whose English template ``stored`` matches, or None."""
    if not isinstance(stored, str):
        return None
    for entry, rx in _compiled():
        if rx.fullmatch(stored):
            return entry.key
    return None


def reason_text(stored, lang: str):
    """A stored reason or note (English, as the importers write it) in ``lang``.

    ``lang`` ``zh``: the catalogue's Chinese wording with the parameters as written in the
    English (values from files unchanged, never re-interpreted); a text the catalogue does not
    know, and anything that is not a string (None, NaN), is returned unchanged. Any other
    ``lang`` returns ``stored`` itself. Raises nothing."""
    if lang != "zh" or not isinstance(stored, str) or not stored:
        return stored
    got = _translate(stored)
    return stored if got is None else got


__all__ = ["CATALOGUE", "CFPB_DATE_FORMS", "IMPLAUSIBLE_NOTE", "KNOWN_FORMATS", "LIST_SEPARATOR", "Reason", "TERMS", "reason",
           "reason_key", "reason_text", "sql_text"]
