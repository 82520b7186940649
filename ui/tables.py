"""Tables on screen with headers in the user's language (values untouched, except the
importers' reasons, which are shown in the user's language: ``reasons_in_language``)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.export.tables import column_header
from analysis.i18n import t
from analysis.ingest.reasons import reason_text
from ui.text import plain_frame

#: Column → (English, Chinese) header for the tables of the Data and Narratives pages.
SCREEN_HEADERS: dict[str, tuple[str, str]] = {
    "score": ("Score", "得分"), "found_by_rules": ("Rules found it too", "规则亦识别"),
    "open_by": ("Being reviewed by", "审核中"),
    "words": ("Words that raised it", "主要依据词语"),
    "source": ("Source", "来源"), "name_en": ("Name", "名称"), "name_zh": ("Name", "名称"),
    "jurisdiction": ("Jurisdiction", "适用地区"),  # on screen, beside its values (US, CN), "code" is said
    "publisher": ("Publisher", "发布方"), "is_synthetic": ("Synthetic", "合成数据"),
    "first_received_date": ("First received", "最早受理"), "last_received_date": ("Last received", "最晚受理"),
    "last_imported_at": ("Last import (UTC)", "最近导入（UTC）"), "note_en": ("Note", "说明"), "note_zh": ("Note", "说明"),
    "table_name": ("Table", "表"), "row_count": ("Rows", "行数"), "import_id": ("Import", "导入批次"),
    "format": ("Format", "格式"), "source_file": ("File", "文件"), "file_sha256": ("SHA-256", "SHA-256"),
    "imported_at": ("Imported at (UTC)", "导入时间（UTC）"), "imported_by": ("By", "导入人"),
    "accepted_count": ("Accepted", "接收"), "quarantined_count": ("Quarantined", "隔离"),
    "unchanged_count": ("Unchanged", "未变化"), "updated_count": ("Updated", "更新"), "status": ("Status", "状态"),
    "source_row_number": ("Row", "行号"), "sheet_name": ("Sheet", "工作表"), "column_name": ("Column", "列"),
    "raw_value": ("Value", "值"), "reason": ("Reason", "原因"), "raw_record": ("Whole row", "整行"),
    "complaint_id": ("Complaint", "投诉编号"), "received_date": ("Received", "受理日期"),
    "conducts": ("Conducts (narrative)", "行为（正文）"), "narrative_chars": ("Characters", "字数"),
    "label": ("Label", "标签"), "label_kind": ("Kind", "类别"), "label_source_label": ("From", "来源"),
    "rule_id": ("Rule", "规则"), "evidence": ("Evidence", "依据"), "method": ("Method", "方式"),
    "recipient": ("Recipient", "对象"), "precision": ("Time precision", "时间精度"),
    "occurred_hour": ("Hour", "小时"), "clock": ("Local time", "当地时刻"), "time_source": ("From", "来源"), "time_rule_status": ("Time check", "时段判断"),
    "table": ("Table / view", "表/视图"), "layer": ("Layer", "层"), "column": ("Column", "列"),
    "type": ("Type", "类型"), "en": ("Meaning", "含义"), "zh": ("Meaning", "含义"), "kind_label": ("Kind", "类别"),
    "rules_conducts": ("Rules find", "规则识别"), "suggested_conducts": ("Model suggests", "模型建议"),
    "disagreements": ("Rules ≠ model", "规则≠模型"),
    "high_impact": ("Serious", "严重行为"), "company_complaints": ("Company total", "公司投诉数"),
    "label_kind_label": ("Kind", "类别"), "label_code": ("Label / incident", "标签/事件"),
    "decision_label": ("Decision", "决定"), "reviewed_by": ("Reviewer", "复核人"),
    "reviewed": ("Review", "复核"),
    "reviewed_at": ("When (UTC)", "时间（UTC）"), "note": ("Note", "备注"), "is_current": ("In force", "现行"),
    "logged_at": ("When (UTC)", "时间（UTC）"), "actor": ("By", "操作人"), "actor_role": ("Role", "角色"),
    "via": ("Via", "途径"), "action": ("Action", "操作"), "target": ("Target", "对象"), "file_name": ("File", "文件"),
    "rows_read": ("Read", "读取"), "rows_added": ("Added", "新增"), "rows_updated": ("Updated", "更新"),
    "rows_quarantined": ("Quarantined", "隔离"), "rows_removed": ("Removed", "删除"), "detail": ("Detail", "其他"),
}


#: What a table cell with no value shows (Streamlit's default is the word "None").
MISSING_CELL = "—"


def data_table(df: pd.DataFrame, **kwargs):
    """The one way a table reaches the screen: ``st.dataframe`` of ``plain_frame(df)`` (reordering
    controls in file values shown as marks), index hidden and missing values shown as
    ``MISSING_CELL`` unless ``kwargs`` say otherwise. Returns what ``st.dataframe`` returns."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", MISSING_CELL)
    return st.dataframe(plain_frame(df), **kwargs)


#: Columns holding an importer's reason (``core_quarantine.reason``, ``core_qa_issues.reason``,
#: the dry run's ``Validation`` frames): stored in English, shown in the user's language.
REASON_COLUMNS = ("reason",)


def reasons_in_language(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` with its ``REASON_COLUMNS`` in ``lang`` (``analysis.ingest.reasons.reason_text``:
    a reason the catalogue does not know, and a missing one, stay as they are). Returns a copy
    when a column was translated, else ``df`` itself; the other columns are untouched."""
    cols = [c for c in REASON_COLUMNS if c in df.columns]
    if lang != "zh" or not cols or df.empty:
        return df
    out = df.copy()
    for c in cols:
        out[c] = out[c].map(lambda v: reason_text(v, lang))
    return out


#: An import's ``status`` (``meta_imports``, ``ImportReport``) → its i18n key.
IMPORT_STATUS_KEYS = {"imported": "imp_status_imported", "already_imported": "imp_status_already"}


def import_status_text(status: str, lang: str) -> str:
    """An import's status in words in ``lang`` (an unknown value as stored)."""
    key = IMPORT_STATUS_KEYS.get(status)
    return t(key, lang) if key else status


#: Audit-log columns whose values are words of a closed set, shown through the i18n keys
#: ``<prefix><value>`` (a value without a key is shown as stored).
AUDIT_TERMS = {"actor_role": "role_", "via": "via_", "action": "action_"}


def audit_in_language(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit log (``queries.query_audit``) with its role, via and action values in
    ``lang`` (``AUDIT_TERMS``). Returns a copy in Chinese, else ``df`` itself (the stored
    English words)."""
    from analysis.i18n import STRINGS
    if lang != "zh" or df.empty:
        return df
    out = df.copy()
    for col, prefix in AUDIT_TERMS.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, p=prefix: t(p + v, lang) if isinstance(v, str) and p + v in STRINGS else v)
    return out


def rows_csv(df: pd.DataFrame, lang: str) -> bytes:
    """A problem-rows table (quarantine, QA issues) as CSV for the person fixing the file
    (``to_csv_bytes``): the stored English ``reason`` stays (stable for programs), and in Chinese a
    ``reason_zh`` column follows each reason column with its Chinese (``reasons_in_language``)."""
    from analysis.exports import to_csv_bytes
    if lang == "zh":
        shown = reasons_in_language(df, lang)
        df = df.copy()
        for c in [c for c in REASON_COLUMNS if c in df.columns][::-1]:
            df.insert(df.columns.get_loc(c) + 1, f"{c}_zh", shown[c])
    return to_csv_bytes(df)


def _is_count(values: pd.Series, col: str) -> bool:
    """True for a column of whole numbers that are quantities (counts, days, row numbers):
    shown with thousands separators. Identifiers (``…_id``) and years are not."""
    return (pd.api.types.is_integer_dtype(values) and not pd.api.types.is_bool_dtype(values)
            and not col.endswith(("_id", "year")))


def show_table(df: pd.DataFrame, lang: str, *, table: str | None = None, widths: dict | None = None,
               **kwargs) -> None:
    """``data_table`` with translated headers and reasons (``reasons_in_language``); dates
    shown as YYYY-MM-DD. ``table``: a table of ``analysis.schema`` whose column descriptions
    are the headers' tooltips (and the headers of columns ``SCREEN_HEADERS`` does not name).
    ``widths``: column → Streamlit column width ("small", "medium", "large" or pixels) for
    columns whose text would otherwise push the others off the right edge (the whole cell
    shows on hover). An empty ``df`` is a caption saying so, not a table."""
    from analysis.schema import TABLE_BY_NAME
    if df.empty:  # said in words (Streamlit's own placeholder for an empty table is English)
        st.caption(t("table_empty", lang))
        return
    df = reasons_in_language(df, lang)
    described = {c.name: (c.en, c.zh) for c in TABLE_BY_NAME[table].columns} if table else {}
    config = {}
    widths = widths or {}
    for col in df.columns:
        help_text = described[col][1 if lang == "zh" else 0] if col in described else None
        if col in SCREEN_HEADERS:
            label = SCREEN_HEADERS[col][1 if lang == "zh" else 0]
        elif help_text:
            label = help_text.split(" (")[0].split("（")[0]
        else:
            label = column_header(col, lang)
        if _is_count(df[col], col):  # 12,072, not 12072 (ids stay as written)
            config[col] = st.column_config.NumberColumn(label, help=help_text, width=widths.get(col),
                                                        format="localized")
        elif label == col and not help_text:
            if col in widths:
                config[col] = st.column_config.Column(width=widths[col])
        elif pd.api.types.is_datetime64_any_dtype(df[col]) and col.endswith("_date"):
            config[col] = st.column_config.DateColumn(label, format="YYYY-MM-DD", help=help_text,
                                                      width=widths.get(col))
        else:
            config[col] = st.column_config.Column(label, help=help_text, width=widths.get(col))
    data_table(df, column_config=config, **kwargs)
