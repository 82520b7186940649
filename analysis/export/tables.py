"""Tables for people and programs: the data behind a chart as CSV and XLSX that open without
hand clean-up.

Layout (issue 10): the **first row is the header**, one row per record, nothing above or
below the table – so ``pandas.read_csv``, Excel pivots and ``csvkit`` read it as is. What a
chart's file used to carry in a title block (title, filter, n, sources, rule ids, notes)
goes to the XLSX "About" sheet and, for CSV, to a side file (``<name>.about.txt``) written
by the command line and the report pack (see ``analysis.export.engine.about_rows``).

CSV is UTF-8 **with** a byte-order mark and CRLF line ends: Excel (Windows, macOS) only
reads a double-clicked CSV as UTF-8 when the BOM is there, otherwise Chinese labels come out
garbled; ``pandas.read_csv``, R's ``read.csv(fileEncoding="UTF-8-BOM")`` / readr and Python's
``csv`` with ``encoding="utf-8-sig"`` drop it. In CSV and XLSX every text cell that starts
with ``=``, ``+``, ``-`` or ``@`` (or a tab / CR) gets a leading apostrophe, so a spreadsheet
never runs it as a formula.

``export_table`` turns a query frame into the table of a chart's file: query column names
kept (stable, the same in both languages; ``conduct_code``), a label column in the file's
language after every code column (``conduct``), months as ``YYYY-MM``, percentages and days
rounded to one decimal, counts as whole numbers. ``localise_table`` is the same table with
headers in the chosen language (the XLSX sheets).
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import codes
from analysis.i18n import STRINGS, t

#: First characters (after NFKC folding, so the full-width ＝＋－＠ count too) with which a
#: spreadsheet starts a formula or a DDE call (OWASP "CSV injection").
_FORMULA_START = frozenset("=+-@")
#: Characters a spreadsheet may skip before the formula sign (Excel and LibreOffice trim
#: spaces; tab and CR start a cell in some importers).
_SKIPPED_BEFORE = " \t\r\n\u00a0\u3000"


def neutralise_value(v):
    """``v`` with a leading apostrophe when it is text that a spreadsheet would run: text
    whose first character other than spaces, tabs and line breaks is = + - @ (also the
    full-width ＝ ＋ － ＠), or that starts with a tab or CR. Lists are joined with ``;``
    first (the joined text is what the cell holds). Other values are returned unchanged."""
    if isinstance(v, (list, tuple, np.ndarray)):
        v = ";".join(map(str, v))
    if not isinstance(v, str) or not v:
        return v
    head = v.lstrip(_SKIPPED_BEFORE)
    if v[0] in "\t\r" or (head and unicodedata.normalize("NFKC", head[0])[:1] in _FORMULA_START):
        return "'" + v
    return v


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with every text or list cell through ``neutralise_value`` (lists joined
    with ``;``). Numbers are untouched (a negative number is not a formula)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(neutralise_value)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as CSV bytes: header row first, UTF-8 with BOM, CRLF, no index, formulas
    neutralised. List cells (e.g. conduct_codes) are written joined with ``;``. Floats are
    written as they are (round them first, e.g. with ``round_for_people``)."""
    out = neutralise_formulas(df)  # joins list cells, then guards the joined text
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


# ---- column names, code labels, rounding ---------------------------------------------------

#: Query column ``x`` → its header is the string ``col_x`` of ``analysis.i18n`` (one entry
#: per column there, both languages). Code columns also get a label column.
COLUMN_KEY_PREFIX = "col_"
#: Code column → code list of its values (``channel_code`` is resolved per chart).
CODE_COLUMNS: dict[str, str] = {
    "jurisdiction": "jurisdiction", "time_precision": "time_precision", "conduct_code": "conduct",
    "method_code": "method", "conduct_a": "conduct", "conduct_b": "conduct", "outcome_code": "outcome",
    "submission_medium": "submission_medium", "filed_with": "filed_with",
}
#: Column name suffix → decimals kept in exported tables (house naming: ``*_pct`` percent,
#: ``*_days`` days). Counts (``*_count``) are written as whole numbers.
ROUND_DECIMALS: dict[str, int] = {"_pct": 1, "_days": 1}


def column_header(col: str, lang: str) -> str:
    """Header of query column ``col`` in ``lang``: the i18n string ``col_<col>`` (the column
    name itself when there is none)."""
    key = COLUMN_KEY_PREFIX + str(col)
    return t(key, lang) if key in STRINGS else col


def label_column(col: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """Name of the label column written after code column ``col``: ``conduct_code`` →
    ``conduct``, ``outcome_code`` → ``outcome``; any other (``jurisdiction``, ``conduct_a``)
    → ``<col>_label``; also ``<col>_label`` when the short name is already a column."""
    short = col[: -len("_code")] if col.endswith("_code") else ""
    return short if short and short not in taken else f"{col}_label"


def _decimals(col: str) -> int | None:
    return next((d for suffix, d in ROUND_DECIMALS.items() if col.endswith(suffix)), None)


def _round_value(v, decimals: int | None, whole: bool):
    if isinstance(v, (bool, np.bool_)) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float, np.integer, np.floating)):
        if pd.isna(v):
            return v
        if whole and float(v).is_integer():
            return int(v)
        if decimals is not None:
            return round(float(v), decimals)
    return v


def round_for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with ``*_pct`` and ``*_days`` columns rounded to one decimal
    (``ROUND_DECIMALS``; halves to even, as ``Series.round``) and ``*_count`` columns as
    whole numbers (``Int64`` when numeric; in object columns, e.g. after suppression, the
    numbers become ``int`` and marks such as "<5" stay). Other columns are unchanged."""
    out = frame.copy()
    for col in out.columns:
        whole = str(col).endswith("_count")
        dec = _decimals(str(col))
        if not whole and dec is None:
            continue
        s = out[col]
        if pd.api.types.is_bool_dtype(s):
            continue
        if pd.api.types.is_numeric_dtype(s):
            out[col] = s.round().astype("Int64") if whole else s.round(dec)
        else:
            out[col] = s.map(lambda v, d=dec, w=whole: _round_value(v, d, w)).astype(object)
    return out


@dataclass
class ExportTable:
    """A chart's table as exported: ``frame`` with query column names and label columns
    (what the CSV holds) and ``headers``: column → header in the file's language (the XLSX
    header row, and the column list of the About sheet / about file)."""

    frame: pd.DataFrame
    headers: dict[str, str]

    def localised(self) -> pd.DataFrame:
        """``frame`` with the headers in the file's language."""
        return self.frame.rename(columns=self.headers)


def export_table(frame: pd.DataFrame, lang: str, channel_list: str | None = None) -> ExportTable:
    """The table of a chart's data file (see the module docstring): after every code column
    a label column (``label_column``) in ``lang``; ``occurred_weekday`` gets weekday names
    (0 = not stated); month columns (``*_month``) become ``YYYY-MM`` text; rounded by
    ``round_for_people``. ``channel_list`` names the code list of ``channel_code``.
    Suppression marks ("<5", "–") pass through unchanged."""
    lists = dict(CODE_COLUMNS)
    if channel_list:
        lists["channel_code"] = channel_list
    frame = round_for_people(frame)
    cols: dict[str, pd.Series] = {}
    headers: dict[str, str] = {}
    taken = set(map(str, frame.columns))
    for col in frame.columns:
        s = frame[col]
        if str(col).endswith("_month"):
            s = s.map(lambda v: pd.Timestamp(v).strftime("%Y-%m") if pd.notna(v) else None)
        cols[col] = s.reset_index(drop=True)
        headers[col] = column_header(col, lang)
        lab = None
        if col in lists:
            lab = s.map(lambda v, ln=lists[col]: codes.label(ln, None if pd.isna(v) else v, lang))
        elif col == "occurred_weekday":
            lab = s.map(lambda v: codes.weekday_label(v, lang) if v else t("day_unknown", lang))
        if lab is not None:
            name = label_column(col, taken)
            taken.add(name)
            cols[name] = lab.astype(object).reset_index(drop=True)
            headers[name] = t("col_label_of", lang, col=column_header(col, lang))
    return ExportTable(pd.DataFrame(cols), headers)


def localise_table(frame: pd.DataFrame, lang: str, channel_list: str | None = None) -> pd.DataFrame:
    """``export_table(frame, lang, channel_list)`` with headers in ``lang``: the label
    column of a code column is headed ``<header> – label`` / ``<header>（名称）``."""
    return export_table(frame, lang, channel_list).localised()


# ---- XLSX ----------------------------------------------------------------------------------

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, no []:*?/\\) from ``text``; adds
    it to ``taken``. A name that is already valid and not taken is returned unchanged."""
    base = _SHEET_BAD.sub("_", text).strip("'")[:31] or "Sheet"
    name, i = base, 2
    while name.lower() in {x.lower() for x in taken}:
        suffix = f" ({i})"
        name = base[:31 - len(suffix)] + suffix
        i += 1
    taken.add(name)
    return name


def _xlsx_value(v) -> tuple[object, bool]:
    """``(cell value, guarded)``: list cells joined; ``guarded`` when the text is one a
    spreadsheet would run (``neutralise_value``). Such text is kept as it is: ``write_sheet``
    stores it as a string cell marked quote-prefixed (Excel's own "text, not a formula"), so no
    apostrophe shows and editing the cell does not turn it into a formula."""
    if v is None or (not isinstance(v, (list, tuple, np.ndarray, str)) and pd.isna(v)):
        return None, False
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, (list, tuple, np.ndarray)):
        v = ";".join(map(str, v))
    guarded = isinstance(v, str) and neutralise_value(v) != v
    if isinstance(v, str):
        # XML 1.0 cannot hold control characters (a NUL in an imported company name would stop
        # the whole workbook): each becomes U+FFFD, the replacement character.
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
    return v, guarded


def _put(ws, row: int, column: int, v):
    """Write ``v`` (``_xlsx_value``) into a cell; text a spreadsheet would run stays text."""
    value, guarded = _xlsx_value(v)
    c = ws.cell(row=row, column=column, value=value)
    if guarded:
        c.data_type = "s"
        c.quotePrefix = True
    return c


def _text_width(v) -> float:
    s = "" if v is None else str(v)
    return sum(2.0 if ord(ch) >= 0x2E80 else 1.0 for ch in s)


def write_sheet(ws, table: pd.DataFrame) -> None:
    """Write ``table`` into openpyxl worksheet ``ws``: bold header in row 1 (frozen, with an
    auto-filter), one row per record from row 2. Text a spreadsheet would run is stored as
    quote-prefixed text (``_put``), shown as written; floats
    with at most one decimal are shown with one (``0.0``); long text wraps."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for j, col in enumerate(table.columns, start=1):
        _put(ws, 1, j, str(col)).font = Font(bold=True)
    for i, r in enumerate(table.itertuples(index=False), start=2):
        for j, v in enumerate(r, start=1):
            c = _put(ws, i, j, v)
            if isinstance(c.value, float) and round(c.value, 1) == c.value:
                c.number_format = "0.0"
            elif isinstance(c.value, str) and len(c.value) > 80:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    for j, col in enumerate(table.columns, start=1):
        widest = max([_text_width(col)] + [_text_width(v) for v in table.iloc[:200, j - 1]])
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(80, 2 + 1.1 * widest))
    if len(table.columns):
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(1, len(table) + 1)}"


def to_xlsx_bytes(sheets: list[tuple[str, pd.DataFrame]]) -> bytes:
    """An XLSX workbook with one sheet per ``(name, table)`` in order (names made valid and
    unique by ``sheet_name``), each written by ``write_sheet`` (header in row 1)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, table in sheets:
        write_sheet(wb.create_sheet(sheet_name(name, taken)), table)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
