"""Readers of the files associations hold: CSV in any encoding (via ``read_delimited``) and
Excel workbooks (.xlsx, openpyxl), every sheet or a chosen one, each record with its sheet
and row number (as a spreadsheet program shows it: the header is row 1 in a CSV file, the
worksheet's own row number in a workbook) as lineage."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from analysis.ingest.common import (MAX_TITLE_ROWS, ZIP_MAGIC, EncodingGuess, ImportRefused, read_delimited,
                                    title_row_count, title_text, zipped_csv)
from analysis.ingest.reasons import reason as R


@dataclass
class Sheet:
    """One table of a file: ``name`` (worksheet name, None for CSV), ``header``, ``records``
    ``[(row_number, fields)]`` and ``bad_records`` ``[(row_number, fields, reason)]``."""

    name: str | None
    header: list[str]
    records: list[tuple[int, list[str]]]
    bad_records: list[tuple[int, list[str], str]] = field(default_factory=list)
    #: headers that repeat an earlier one, as renamed by ``unique_header`` (``[(as written, as read)]``)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    #: merged cell ranges of a worksheet whose value was given to every cell of the range ("B2:B4")
    merged: list[str] = field(default_factory=list)
    #: title rows above the header, skipped (``common.title_row_count``), as text
    title_rows: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.header, self.renamed = unique_header(self.header)


def unique_header(header: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """``(header, renamed)``: a name that repeats an earlier one gets " (2)", " (3)" …, so no
    column is lost when cells are kept by column name (raw records, mappings); ``renamed``
    lists ``(as written, as read)`` for the import's notes."""
    seen: dict[str, int] = {}
    out, renamed = [], []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        name = h if seen[h] == 1 else f"{h} ({seen[h]})"
        while name != h and name in seen:  # "正文 (2)" already a header of its own
            seen[h] += 1
            name = f"{h} ({seen[h]})"
        if name != h:
            renamed.append((h, name))
            seen[name] = 1
        out.append(name)
    return out, renamed


@dataclass
class SourceTable:
    """A read file: ``kind`` (csv, xlsx), ``encoding`` (detected; ``xlsx`` for workbooks),
    ``sheets`` (one for CSV), ``sheet_names`` (every worksheet of a workbook) and
    ``encoding_guess`` (CSV: ``common.EncodingGuess``, what to tell the person importing)."""

    kind: str
    encoding: str
    sheets: list[Sheet]
    sheet_names: list[str]
    encoding_guess: EncodingGuess | None = None
    #: the CSV file read from a ZIP archive of one (its name in the archive), or None
    zip_member: str | None = None


def is_xlsx(data: bytes, file_name: str = "") -> bool:
    """True for an .xlsx workbook (a ZIP file; the name is a hint only)."""
    return data[:4] == ZIP_MAGIC or file_name.lower().endswith((".xlsx", ".xlsm"))


def read_source(data: bytes, file_name: str = "", *, sheet: str | None = None,
                max_rows: int | None = None) -> SourceTable:
    """Read a CSV or .xlsx file. ``sheet``: read only this worksheet (default: every sheet
    that has a header row). ``max_rows``: stop after that many data rows per sheet (previews).
    A ZIP archive of one CSV file is read as that file (``common.zipped_csv``). Raises
    ``ImportRefused`` for an unreadable file or an unknown sheet name."""
    if data[:4] == ZIP_MAGIC and (member := zipped_csv(io.BytesIO(data), file_name)) is not None:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            data, file_name = zf.read(member[0]), member[0]
        table = read_source(data, file_name, sheet=sheet, max_rows=max_rows)
        table.zip_member = file_name
        return table
    if is_xlsx(data, file_name):
        return _read_xlsx(data, sheet, max_rows)
    if file_name.lower().endswith(".xls"):
        raise ImportRefused("refused_xls", file=file_name)
    parsed = read_delimited(data)
    records = parsed.records[:max_rows] if max_rows else parsed.records
    return SourceTable("csv", parsed.encoding, [Sheet(None, parsed.header, records, parsed.bad_records,
                                                      title_rows=parsed.title_rows)], [], parsed.encoding_guess)


def cell_text(v) -> str:
    """A cell value as text: dates ISO (``2024-12-04 09:58:32``; a date alone without time),
    whole floats without ``.0``, booleans TRUE / FALSE, None as ''."""
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour, v.minute, v.second) != (0, 0, 0) else v.strftime("%Y-%m-%d")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, time):
        return v.strftime("%H:%M:%S")
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+[0-9]+):([A-Z]+[0-9]+)"')


def merged_ranges(data: bytes, member: str) -> list[tuple[int, int, int, int, str]]:
    """The merged cell ranges of worksheet ``member`` (its path in the .xlsx archive) as
    ``(min_col, min_row, max_col, max_row, "B2:B4")``, 1-based, top to bottom. Read from the
    sheet's XML in 1 MB pieces (a read-only openpyxl worksheet does not keep them, and a
    merged range holds its value only in its top-left cell)."""
    from openpyxl.utils.cell import range_boundaries
    out, tail = [], b""  # (the 200 bytes kept between pieces hold a tag cut at a piece's end)
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(member) as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            last = 0
            for m in _MERGE_CELL.finditer(buf):
                ref = f"{m[1].decode()}:{m[2].decode()}"
                out.append((*range_boundaries(ref), ref))
                last = m.end()
            tail = buf[max(last, len(buf) - 200):]
    return sorted(out, key=lambda m: (m[1], m[0]))


def _read_xlsx(data: bytes, sheet: str | None, max_rows: int | None) -> SourceTable:
    from openpyxl.utils.cell import get_column_letter
    try:
        from openpyxl import load_workbook
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # the same cells as written: a formula saved without its value (a program that does not
        # compute formulas wrote the file) reads as empty above; such a row is quarantined
        wb_f = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as err:  # noqa: BLE001 - any parse failure means "not a workbook"
        raise ImportRefused("refused_not_xlsx", error=str(err)) from None
    names = list(wb.sheetnames)
    if sheet is not None and sheet not in names:
        raise ImportRefused("refused_no_such_sheet", sheet=sheet, sheets=names)
    sheets = []
    for name in ([sheet] if sheet else names):
        ws, ws_f = wb[name], wb_f[name]
        header: list[str] | None = None
        records: list[tuple[int, list[str]]] = []
        bad: list[tuple[int, list[str], str]] = []
        n = 0  # data rows read (max_rows counts them)
        # a merged range shows its top-left value in every cell: the cells below it in its first
        # column get that value (a company merged over three complaints); not from a header row,
        # not across columns (a title merged over the next column is no value of that column)
        starts: dict[int, list[tuple[int, int, str]]] = {}
        for c0, r0, _c1, r1, _ref in merged_ranges(data, ws._worksheet_path):
            if r1 > r0:
                starts.setdefault(r0, []).append((c0, r1, ""))
        active: list[tuple[int, int, str]] = []  # (column, last row, value) of the ranges open now
        # title rows above the header (a title merged over the columns, a date line)
        lead = [[cell_text(v) for v in values] for values in ws.iter_rows(min_row=1, max_row=MAX_TITLE_ROWS + 1,
                                                                         values_only=True)]
        n_titles = title_row_count(lead)
        header_row = 0
        used: list[str] = []
        for row, (values, written) in enumerate(zip(ws.iter_rows(min_row=1, values_only=True),
                                                    ws_f.iter_rows(min_row=1, values_only=True)), start=1):
            cells = [cell_text(v) for v in values]
            active = [a for a in active if a[1] >= row]
            filled: set[int] = set()  # column indexes given a merged range's value in this row
            for col, _last, value in active:
                if value and not (col - 1 < len(cells) and cells[col - 1].strip()):
                    cells += [""] * (col - len(cells))
                    cells[col - 1] = value
                    filled.add(col - 1)
            if filled and not any(c.strip() for i, c in enumerate(cells) if i not in filled):
                continue  # a row holding nothing but the values merged into it is a blank row
            if header_row and row > header_row:
                for c0, r1, _ in starts.get(row, ()):
                    active.append((c0, r1, cells[c0 - 1] if c0 - 1 < len(cells) else ""))
                    used.append(f"{get_column_letter(c0)}{row}:{get_column_letter(c0)}{r1}")
            no_value = [i for i, (v, f) in enumerate(zip(values, written))
                        if v is None and isinstance(f, str) and f.startswith("=")]
            while cells and cells[-1].strip() == "":
                cells.pop()
            if header is None:
                if cells and row > n_titles:
                    header = [c.strip() for c in cells]
                    header_row = row
                continue
            if not any(c.strip() for c in cells) and not no_value:
                continue  # a blank row is not a record
            n += 1
            if no_value:
                cols = ", ".join(header[i] if i < len(header) else f"column {i + 1}" for i in no_value)
                bad.append((row, cells, R("xlsx_formula_no_value", columns=cols)))
            elif len(cells) > len(header):
                bad.append((row, cells, R("xlsx_column_count", expected=len(header), found=len(cells))))
            else:
                records.append((row, cells + [""] * (len(header) - len(cells))))
            if max_rows and n >= max_rows:
                break
        if header is not None:
            sheets.append(Sheet(name, header, records, bad, merged=used, title_rows=title_text(lead[:n_titles])))
    wb.close()
    wb_f.close()
    if not sheets:
        raise ImportRefused("refused_no_header_sheet")
    return SourceTable("xlsx", "xlsx", sheets, names)
