"""Tables for people: the data behind a chart as CSV and XLSX that spreadsheets open safely.

CSV is UTF-8 with a byte-order mark (Excel then reads Chinese text correctly), CRLF line
ends; in CSV and XLSX every text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab / CR) gets a leading apostrophe, so a spreadsheet never runs it as a formula.

``localise_table`` turns a query frame into the table people read: column headers in the
chosen language, a label column beside every code column, months as ``YYYY-MM``.
"""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from analysis import codes
from analysis.i18n import t

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_value(v):
    """``v`` with a leading apostrophe when it is text that a spreadsheet would run."""
    return "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` whose text cells starting with = + - @ (or tab / CR) get a leading
    apostrophe. Numbers are untouched (a negative number is not a formula)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(neutralise_value)
    return out


def _join_lists(out: pd.DataFrame) -> pd.DataFrame:
    for col in out.columns:
        if out[col].dtype == object and any(isinstance(v, (list, tuple, np.ndarray)) for v in out[col]):
            out[col] = out[col].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v)
    return out


def to_csv_bytes(df: pd.DataFrame, header_lines: list[str] | None = None) -> bytes:
    """``df`` as CSV bytes: UTF-8 with BOM, CRLF, no index, formulas neutralised.
    List cells (e.g. conduct_codes) are written joined with ``;``.

    ``header_lines``: optional lines written first, one text cell each, then an empty
    line, then the table (the header block of an export: title, filter, sources).
    """
    out = _join_lists(neutralise_formulas(df))
    body = out.to_csv(index=False, lineterminator="\r\n")
    if header_lines:
        head = pd.DataFrame({"_": [neutralise_value(x) for x in header_lines]})
        body = head.to_csv(index=False, header=False, lineterminator="\r\n") + "\r\n" + body
    return body.encode("utf-8-sig")


# ---- column names and code labels ------------------------------------------------------------

#: Query column → (i18n key of its header). Code columns also get a label column.
COLUMN_KEYS: dict[str, str] = {
    "complaint_count": "col_complaint_count", "incident_count": "col_incident_count",
    "improper_complaint_count": "col_improper_complaint_count", "share_pct": "col_share_pct",
    "received_month": "col_received_month", "occurred_month": "col_occurred_month",
    "jurisdiction": "col_jurisdiction", "occurred_weekday": "col_occurred_weekday",
    "occurred_hour": "col_occurred_hour", "time_precision": "col_time_precision",
    "exact_time_incident_count": "col_exact_time_incident_count", "outside_count": "col_outside_count",
    "outside_share_pct": "col_outside_share_pct", "conduct_code": "col_conduct_code",
    "method_code": "col_method_code", "conduct_a": "col_conduct_a", "conduct_b": "col_conduct_b",
    "company_name": "col_company_name", "company_complaint_count": "col_company_complaint_count",
    "channel_code": "col_channel_code", "outcome_code": "col_outcome_code",
    "timely_rate_pct": "col_timely_rate_pct", "median_response_days": "col_median_response_days",
    "mean_response_days": "col_mean_response_days", "relief_share_pct": "col_relief_share_pct",
    "submission_medium": "col_submission_medium", "filed_with": "col_filed_with",
}
#: Code column → code list of its values (``channel_code`` is resolved per chart).
CODE_COLUMNS: dict[str, str] = {
    "jurisdiction": "jurisdiction", "time_precision": "time_precision", "conduct_code": "conduct",
    "method_code": "method", "conduct_a": "conduct", "conduct_b": "conduct", "outcome_code": "outcome",
    "submission_medium": "submission_medium", "filed_with": "filed_with",
}


def column_header(col: str, lang: str) -> str:
    """Header of query column ``col`` in ``lang`` (the column name itself if unmapped)."""
    key = COLUMN_KEYS.get(col)
    return t(key, lang) if key else col


def localise_table(frame: pd.DataFrame, lang: str, channel_list: str | None = None) -> pd.DataFrame:
    """The table people read: headers in ``lang``; after every code column a label column
    (``<header> (label)``); ``occurred_weekday`` gets weekday names; month columns become
    ``YYYY-MM`` text. ``channel_list`` names the code list of ``channel_code``. Values are
    not otherwise changed (suppression marks pass through)."""
    lists = dict(CODE_COLUMNS)
    if channel_list:
        lists["channel_code"] = channel_list
    cols: dict[str, pd.Series] = {}
    for col in frame.columns:
        s = frame[col]
        if col.endswith("_month"):
            s = s.map(lambda v: pd.Timestamp(v).strftime("%Y-%m") if pd.notna(v) else None)
        cols[column_header(col, lang)] = s.reset_index(drop=True)
        if col in lists:
            lab = s.map(lambda v, ln=lists[col]: codes.label(ln, None if pd.isna(v) else v, lang))
            cols[t("col_label_of", lang, col=column_header(col, lang))] = lab.reset_index(drop=True)
        elif col == "occurred_weekday":
            lab = s.map(lambda v: codes.weekday_label(v, lang) if v else t("day_unknown", lang))
            cols[t("col_label_of", lang, col=column_header(col, lang))] = lab.reset_index(drop=True)
    return pd.DataFrame(cols)


# ---- XLSX ----------------------------------------------------------------------------------

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, no []:*?/\\) from ``text``."""
    base = _SHEET_BAD.sub("_", text).strip("'")[:31] or "Sheet"
    name, i = base, 2
    while name.lower() in {x.lower() for x in taken}:
        suffix = f" ({i})"
        name = base[:31 - len(suffix)] + suffix
        i += 1
    taken.add(name)
    return name


def _xlsx_value(v):
    if v is None or (not isinstance(v, (list, tuple, np.ndarray, str)) and pd.isna(v)):
        return None
    if isinstance(v, (list, tuple, np.ndarray)):
        return ";".join(map(str, v))
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    return neutralise_value(v)


def write_sheet(ws, table: pd.DataFrame, header_lines: list[str] | None = None) -> None:
    """Write ``header_lines`` (one per row, first bold) then ``table`` (bold header row) into
    openpyxl worksheet ``ws``. Every text cell is neutralised."""
    from openpyxl.styles import Font

    row = 1
    for i, line in enumerate(header_lines or []):
        c = ws.cell(row=row, column=1, value=_xlsx_value(line))
        if i == 0:
            c.font = Font(bold=True, size=13)
        row += 1
    if header_lines:
        row += 1
    for j, col in enumerate(table.columns, start=1):
        ws.cell(row=row, column=j, value=_xlsx_value(str(col))).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=row, column=j).column_letter].width = max(10, min(40, 2 + 1.6 * len(str(col))))
    for r in table.itertuples(index=False):
        row += 1
        for j, v in enumerate(r, start=1):
            ws.cell(row=row, column=j, value=_xlsx_value(v))


def to_xlsx_bytes(sheets: list[tuple[str, pd.DataFrame, list[str] | None]]) -> bytes:
    """An XLSX workbook with one sheet per ``(name, table, header_lines)`` in order."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, table, header in sheets:
        write_sheet(wb.create_sheet(sheet_name(name, taken)), table, header)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
