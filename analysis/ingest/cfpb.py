"""Import of CFPB Consumer Complaint Database CSV exports (any year).

Flow (one DuckDB transaction, see ``analysis.db.write_transaction``)::

    file ─DelimitedReader, in chunks─▶ raw_cfpb__complaints (all text, with file and row number)
         ─SQL: parse, validate─▶ core_quarantine (rows that cannot be read, with reason)
         ─SQL: code with analysis/maps/*.csv─▶ core_complaints, core_complaint_labels,
                                                core_incidents, core_qa_issues

Mapping rules are data: ``analysis/maps/cfpb_issue_codes.csv`` (issue / sub-issue →
conduct and debt-issue codes, rule ids and implied incidents; DOMAIN.md "CFPB
debt-collection sub-issues → codes" and RULEBOOK.md §2.2) and ``analysis/maps/cfpb_values.csv``
(Submitted via → submission_medium, Company response → outcome_code, Timely response?).

Every vintage (DOMAIN.md "Known source formats"; older exports lack columns):

* Headers are matched with ``common.header_key`` (case, spaces, punctuation and snake_case
  ignored: ``date_received`` = ``Date received``), plus the API names in
  ``schema.CFPB_HEADER_ALIASES``.
* Dates: every form in ``parse.CFPB_DATE_FORMS``; whether ``N/N/YEAR`` values are month or day
  first is decided once per file (``parse.cfpb_date_reading``) and said in the report notes.
  A value that fits no form quarantines its row (Date received) or is a QA issue (Date sent).
* A file without a Complaint ID column (some 14-column files of 2013–2016): each row's id is
  derived from its content (``common.content_ids``: ``h`` + 16 hex, ``-2``… for identical
  rows), and the report warns that re-imports are matched by content.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import time
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analysis import pii
from analysis.db import with_rows
from analysis.ingest.common import (
    OLE_MAGIC, ZIP_MAGIC, DelimitedReader, ImportRefused, ImportReport, Progress, content_id_warning, content_ids,
    header_key, import_time, latest_date, new_import_id, record_json, reopen_reviewed, same_file_import, sha256_bytes,
    zipped_csv,
)
from analysis.filters import DATE_MIN
from analysis.ingest.parse import CONTROL_CHARS, ZERO_WIDTH, DateError, cfpb_date_reading, parse_cfpb_date
from analysis.ingest.reasons import reason as R
from analysis.ingest.reasons import sql_text
from analysis.narratives import label_narratives, read_note
from analysis.reviews import evidence_fingerprints
from analysis.store import mark_changed
from analysis.schema import CFPB_HEADER_ALIASES, CFPB_HEADER_TO_RAW, CFPB_REQUIRED_HEADERS, TABLE_BY_NAME

MAPS_DIR = Path(__file__).resolve().parent.parent / "maps"
SOURCE = "cfpb"
NULL_TOKENS = ("", "None", "N/A")
RAW_COLUMNS = [c.name for c in TABLE_BY_NAME["raw_cfpb__complaints"].columns]
DATA_COLUMNS = list(CFPB_HEADER_TO_RAW.values())
DATE_COLUMNS = ("date_received", "date_sent_to_company")
#: Columns of free text, masked with the phone-number library too (``_mask_records``).
FREE_TEXT_COLUMNS = ("consumer_complaint_narrative", "company_public_response")
#: ``header_key`` of every CFPB header and alias → raw column.
HEADER_KEYS = {header_key(h): raw for h, raw in [*CFPB_HEADER_TO_RAW.items(), *CFPB_HEADER_ALIASES.items()]}
RAW_TO_HEADER = {raw: h for h, raw in CFPB_HEADER_TO_RAW.items()}
#: Products shown by default (debt collection and payday / personal loans), all wordings.
COLLECTION_PRODUCTS = (
    "Debt collection",
    "Payday loan, title loan, or personal loan",
    "Payday loan, title loan, personal loan, or advance loan",
    "Payday loan",
    "Consumer Loan",
)

SOURCE_ROW = {
    "source": SOURCE, "name_en": "CFPB Consumer Complaint Database", "name_zh": "美国 CFPB 消费者投诉数据库",
    "publisher": "Consumer Financial Protection Bureau (US)", "jurisdiction": "US", "is_synthetic": False,
    "note_en": "Consumers' allegations, not verified by any agency. Dates only, no clock times.",
    "note_zh": "消费者陈述，未经任何机构核实。仅有日期，无具体时刻。",
}


def check_header(header: list[str], file_name: str) -> tuple[dict[str, int], list[str]]:
    """Match a CFPB header to the raw columns, comparing with ``header_key`` (so ``Date
    received``, ``date_received``, ``DATE RECEIVED`` and ``Date_Received`` are one column).

    Returns ``(columns, ignored)``: ``{raw column: index in header}`` for the columns found,
    and the headers that match no CFPB column (kept out of the import, listed in the notes).
    Raises ``ImportRefused`` (nothing written) naming every required column missing
    (``CFPB_REQUIRED_HEADERS``, in CFPB's wording), the headers found and the optional columns
    also absent; or naming a column given twice (e.g. ``Date received`` and ``date_received``).
    """
    found: dict[str, list[int]] = {}
    ignored = []
    for i, h in enumerate(header):
        raw = HEADER_KEYS.get(header_key(h))
        if raw is None:
            ignored.append(h)
        else:
            found.setdefault(raw, []).append(i)
    missing = [h for h in CFPB_REQUIRED_HEADERS if CFPB_HEADER_TO_RAW[h] not in found]
    if missing:
        absent = [h for h, raw in CFPB_HEADER_TO_RAW.items() if raw not in found and h not in missing]
        raise ImportRefused("refused_cfpb_columns", file=file_name, missing=missing, found=header,
                            absent=R("refused_cfpb_optional_absent", absent=absent) if absent else "")
    dup = {raw: idx for raw, idx in found.items() if len(idx) > 1}
    if dup:
        raise ImportRefused("refused_columns_twice", file=file_name, columns="; ".join(
            R("refused_column_twice", column=RAW_TO_HEADER[raw], names=[header[i] for i in idx])
            for raw, idx in dup.items()))
    return {raw: idx[0] for raw, idx in found.items()}, ignored


#: The first bytes of an .xlsx (a zip) and of an old .xls workbook.
WORKBOOK_MAGIC = (ZIP_MAGIC, OLE_MAGIC)

#: Which narratives an import reads with the classifier: those of the collection products
#: (default; ``COLLECTION_PRODUCTS``), every narrative, or none (``relabel`` can read them later).
CLASSIFY_SCOPES = ("collection", "all", "none")
#: Rows read from the file per chunk, and staged / coded per batch (bounded memory).
READ_CHUNK_ROWS = 100_000
BATCH_ROWS = 500_000


def import_cfpb_file(con: duckdb.DuckDBPyConnection, path: Path, *, data: bytes | None = None,
                     imported_by: str = "unknown", progress: Progress | None = None,
                     classify: str = "collection") -> ImportReport:
    """Import one CFPB CSV file into the database open in ``con`` (inside a transaction).

    Every data row ends up either in ``core_complaints`` (accepted: new, updated, or
    already present unchanged) or in ``core_quarantine`` with its row number and reason;
    none is dropped. A file whose exact bytes were imported before adds nothing. Dates are read
    as the file's own reading says (month or day first, noted in ``rep.notes``); a file
    without a Complaint ID column gets ids from its rows' content, with a warning note.

    The file is streamed: read ``READ_CHUNK_ROWS`` rows at a time into
    ``raw_cfpb__complaints``, then validated, coded and classified ``BATCH_ROWS`` rows at a
    time, so memory does not grow with the file (the whole CFPB database is ~10M rows).
    ``classify``: which narratives to read with the classifier (``CLASSIFY_SCOPES``).

    Raises ``ImportRefused`` when required columns are missing (nothing written) and
    ``ValueError`` for an unknown ``classify``. Returns an ``ImportReport`` with the counts.
    """
    if classify not in CLASSIFY_SCOPES:
        raise ValueError(f"classify must be one of {', '.join(CLASSIFY_SCOPES)}, not {classify!r}")
    path = Path(path)
    say = progress or (lambda f, m: None)
    say(0.0, R("progress_reading_file", file_name=path.name))
    size = len(data) if data is not None else path.stat().st_size
    file_hash = _sha256(path, data)
    with (io.BytesIO(data) if data is not None else open(path, "rb")) as stream, contextlib.ExitStack() as opened:
        head = stream.read(4)
        stream.seek(0)
        # the CFPB's own download is a ZIP of one CSV: read it from the archive as it is
        member = zipped_csv(stream, path.name) if head == ZIP_MAGIC else None
        if member is not None:
            stream = opened.enter_context(opened.enter_context(zipfile.ZipFile(stream)).open(member[0]))
            size = member[1]
        elif head in WORKBOOK_MAGIC:  # a spreadsheet: say what to do, not "not text"
            raise ImportRefused("refused_cfpb_workbook", file=path.name)
        reader = DelimitedReader(stream)
        columns, ignored = check_header(reader.header, path.name)
        rep = ImportReport(new_import_id(), path.name, file_hash, reader.encoding)
        if member is not None:
            rep.notes.append(R("read_from_zip", member=member[0]))
        if reader.encoding_guess and reader.encoding_guess.note:
            rep.notes.append(R("note_encoding", note=reader.encoding_guess.note))
        if reader.title_rows:
            rep.notes.append(R("title_rows_skipped", where=path.name, titles=reader.title_rows))
        if ignored:
            rep.notes.append(R("columns_not_used", columns=", ".join(ignored)))
        _ensure_source(con)
        seen = same_file_import(con, file_hash, "cfpb")
        if seen:
            rep.status, rep.row_count = "already_imported", seen[1]
            rep.quarantined_count, rep.unchanged_count = seen[2], seen[1] - seen[2]
            rep.notes.append(R("same_file", import_id=seen[0]))
            _record_import(con, rep, imported_by)
            return rep
        by_content = "complaint_id" not in columns
        date_idx = [columns[c] for c in DATE_COLUMNS if c in columns]
        date_values: set[str] = set()
        content_rows: list[tuple[int, list[str]]] = []
        started = time.monotonic()
        free_text = {columns[c] for c in FREE_TEXT_COLUMNS if c in columns}
        for records, bad in reader.chunks(READ_CHUNK_ROWS):
            _mask_records(records, free_text, columns.get("complaint_id"))
            _mask_records(bad, free_text, columns.get("complaint_id"))
            _load_raw(con, records, rep, columns)
            _quarantine_unreadable(con, reader.header, bad, rep)
            rep.row_count += len(records) + len(bad)
            date_values.update(v for _, fields in records for i in date_idx if (v := _nz(fields[i])) is not None)
            if by_content:
                content_rows.extend(records)
            done = reader.bytes_read / max(1, size)
            say(0.3 * done, R("progress_rows_read", n=rep.row_count, eta=_eta(started, done)))
    reading = cfpb_date_reading(sorted(date_values))
    dates = _parse_dates(date_values, reading.order)
    if reading.note():
        rep.notes.append(reading.note())
    if by_content:
        _register_content_ids(con, content_rows, rep, columns, dates)
        del content_rows
    missing = [c for c in DATA_COLUMNS if c not in columns]
    _prepare_batches(con, rep, missing, dates, by_content)
    last_row = reader.last_row  # rows are numbered as a spreadsheet shows them: batches go by them
    batches = max(1, -(-last_row // BATCH_ROWS))
    n_read = {"narratives": 0, "labels": 0, "incidents": 0, "skipped": 0, "suggestions": 0, "model": None}
    started = time.monotonic()
    for b in range(batches):
        lo, hi = b * BATCH_ROWS, (b + 1) * BATCH_ROWS

        def batch_progress(f: float, m: str, b=b) -> None:
            done = (b + f) / batches
            say(0.3 + 0.7 * done, R("progress_batch", lo=lo + 1, hi=min(hi, last_row), last=last_row, step=m,
                                    eta=_eta(started, done)))
        batch_progress(0.0, R("progress_validating"))
        _stage(con, rep, missing, by_content, lo, hi)
        found = _apply(con, rep, classify, batch_progress, imported_by)
        for k in ("narratives", "labels", "incidents", "skipped", "suggestions"):
            n_read[k] += found[k]
        n_read["model"] = found["model"] or n_read["model"]
    _drop_import_temps(con)
    rep.qa_issue_count = con.execute("SELECT count(*) FROM core_qa_issues WHERE import_id = ?",
                                     [rep.import_id]).fetchone()[0]
    if n_read["narratives"]:
        rep.notes.append(read_note(n_read))
    if n_read["skipped"]:
        rep.notes.append(R("narratives_not_read_products" if classify == "collection" else "narratives_not_read",
                           n=n_read["skipped"]))
    _record_import(con, rep, imported_by)
    say(1.0, R("progress_done"))
    return rep


def _sha256(path: Path, data: bytes | None) -> str:
    if data is not None:
        return sha256_bytes(data)
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(8 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _eta(started: float, done: float) -> str:
    """``; about 3 min left`` from the time since ``started`` and the fraction ``done``."""
    elapsed = time.monotonic() - started
    if done <= 0.02 or elapsed < 2:
        return ""
    left = elapsed * (1 - done) / done
    return R("progress_left_min", minutes=round(left / 60)) if left >= 90 else R("progress_left_s", seconds=round(left))


def _ensure_source(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM meta_sources WHERE source = ?", [SOURCE])
    cols = list(SOURCE_ROW)
    con.execute(f"INSERT INTO meta_sources ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [SOURCE_ROW[c] for c in cols])


def _nz(value: str) -> str | None:
    """A cell as ``cw_nz`` in SQL sees it: spaces trimmed; empty, ``None``, ``N/A`` → None."""
    v = value.strip(" ")
    return None if v in NULL_TOKENS else v


def _parse_dates(values, order: str) -> dict[str, tuple]:
    out = {}
    for v in values:
        try:
            out[v] = (parse_cfpb_date(v, order), None)
        except DateError as err:
            out[v] = (None, str(err))
    return out


def _register_content_ids(con: duckdb.DuckDBPyConnection, records: list[tuple[int, list[str]]],
                          rep: ImportReport, columns: dict[str, int], dates: dict[str, tuple]) -> None:
    """Temp table ``_cfpb_ids (source_row_number BIGINT, record_id VARCHAR)`` for a file without
    a Complaint ID column: ids from ``content_ids`` over each row's cleaned values named by raw
    column (file column order and empty columns do not matter; line breaks as LF; dates as ISO
    dates, so a re-saved file with other date forms gives the same ids)."""
    present = [(c, columns[c]) for c in DATA_COLUMNS if c in columns]
    keys = []
    for _, fields in records:
        parts = []
        for c, i in present:
            v = _nz(fields[i])
            if v is None:
                continue
            if c in DATE_COLUMNS and dates.get(v, (None,))[0] is not None:
                v = dates[v][0].isoformat()
            parts.append(f"{c}={v.replace(chr(13) + chr(10), chr(10))}")
        keys.append("\x1f".join(parts))
    ids = content_ids(keys)
    frame = pd.DataFrame({"source_row_number": [n for n, _ in records], "record_id": ids}).astype(
        {"source_row_number": "int64", "record_id": object})
    with_rows(con, frame, "CREATE OR REPLACE TEMP TABLE _cfpb_ids AS SELECT * FROM _rows")
    rep.notes.append(content_id_warning("Complaint ID", sum(1 for i in ids if "-" in i)))


#: The largest Complaint ID read as one (leading zeros a tool added aside); the CFPB numbers its
#: complaints from 1 and stood near 15 million in 2026, so a longer number in the column is more
#: likely a phone or card number and is masked (and then quarantined) like other personal data.
MAX_COMPLAINT_ID_DIGITS = 9


def _is_complaint_number(v: str) -> bool:
    """``v`` is ASCII digits (spaces around allowed) that, without leading zeros, have at most
    ``MAX_COMPLAINT_ID_DIGITS`` digits: "0009700102" is complaint 9700102, not a phone number."""
    v = ZERO_WIDTH.sub("", v).strip()
    return v.isascii() and v.isdigit() and len(v.lstrip("0")) <= MAX_COMPLAINT_ID_DIGITS


def _mask_records(records: list, free_text: set[int], id_col: int | None = None) -> None:
    """Mask personal data in every cell of ``records`` in place (``(row number, fields, ...)``
    tuples as the reader gives them): free-text columns (``FREE_TEXT_COLUMNS``) in full, every
    other column with ``pii.mask_text(structured=True)`` (identifier patterns only, so dates
    stay dates), except a Complaint ID (column ``id_col``) that is a complaint number
    (``_is_complaint_number``). The CFPB scrubs its own narratives; a file in its format from
    elsewhere may not be, and a Complaint ID that is a phone number is masked and then
    quarantined."""
    mask = pii.mask_text
    for rec in records:
        fields = rec[1]
        for i, v in enumerate(fields):
            if v and not (i == id_col and _is_complaint_number(v)):
                fields[i] = mask(v, structured=i not in free_text)


def _load_raw(con: duckdb.DuckDBPyConnection, records: list[tuple[int, list[str]]], rep: ImportReport,
              idx: dict[str, int]) -> None:
    """Append one chunk of records to ``raw_cfpb__complaints`` (every value as text)."""
    if not records:
        return
    n = len(records)
    arrays = {"import_id": pa.array([rep.import_id] * n, pa.string()),
              "source_file": pa.array([rep.source_file] * n, pa.string()),
              "source_row_number": pa.array([r for r, _ in records], pa.int64())}
    for col in DATA_COLUMNS:
        i = idx.get(col)
        arrays[col] = pa.array([f[i] for _, f in records] if i is not None else [None] * n, pa.string())
    with_rows(con, pa.table([arrays[c] for c in RAW_COLUMNS], names=RAW_COLUMNS),
              f"INSERT INTO raw_cfpb__complaints ({', '.join(RAW_COLUMNS)}) SELECT {', '.join(RAW_COLUMNS)} FROM _rows")


def _quarantine_unreadable(con: duckdb.DuckDBPyConnection, header: list[str], bad: list, rep: ImportReport) -> None:
    rows = [(rep.import_id, rep.source_file, n, None, None, reason, record_json(header, fields))
            for n, fields, reason in bad]
    if rows:
        con.executemany("INSERT INTO core_quarantine (import_id, source_file, source_row_number, column_name, raw_value, "
                        "reason, raw_record) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    rep.quarantined_count += len(rows)


_MACROS_SQL = r"""
CREATE OR REPLACE TEMP MACRO cw_nz(x) AS
    CASE WHEN x IS NULL OR trim(x) IN ('', 'None', 'N/A') THEN NULL
         -- control characters from a broken export (a NUL cuts the text short in other tools)
         -- removed, as parse.clean_value does for profile imports ({control})
         WHEN regexp_matches(x, '{control}') THEN nullif(trim(regexp_replace(x, '{control}', '', 'g')), '')
         ELSE trim(x) END;
-- a Complaint ID as CFPB numbers it: tabs, no-break, ideographic and zero-width spaces a tool put
-- around it dropped, and leading zeros a tool added (00123), so 00123, "123<tab>" and 123 are
-- one complaint; '0', '000' stay (refused: CFPB numbers from 1)
CREATE OR REPLACE TEMP MACRO cw_idtext(x) AS
    nullif(regexp_replace(cw_nz(x), '^[\s\x{00A0}\x{2000}-\x{200D}\x{2060}\x{202F}\x{3000}\x{FEFF}]+|[\s\x{00A0}\x{2000}-\x{200D}\x{2060}\x{202F}\x{3000}\x{FEFF}]+$', '', 'g'), '');
CREATE OR REPLACE TEMP MACRO cw_id(x) AS
    CASE WHEN regexp_full_match(cw_idtext(x), '0+[1-9][0-9]*') THEN ltrim(cw_idtext(x), '0') ELSE cw_idtext(x) END
"""

#: One batch of this import's raw rows (``$lo`` < row <= ``$hi``) with its record id and, when
#: the file lacks columns, the values of the complaint's previous source row ({prev_join}).
_RAW_SQL = r"""
CREATE OR REPLACE TEMP TABLE _raw AS
SELECT r.* {carry_over}, {record_id} AS record_id, {sent_import} AS sent_date_import
FROM raw_cfpb__complaints r
{ids_join}
{prev_join}
WHERE r.import_id = $import_id AND r.source_row_number > $lo AND r.source_row_number <= $hi
"""

_PREV_JOIN = r"""
LEFT JOIN core_complaints c ON c.complaint_id = 'cfpb:' || {record_id}
LEFT JOIN raw_cfpb__complaints prev ON prev.import_id = c.import_id AND prev.source_file = c.source_file
                                   AND prev.source_row_number = c.source_row_number
"""

#: The first row of every record id in the whole file (duplicates are told across batches).
_FIRST_SQL = r"""
CREATE OR REPLACE TEMP TABLE _cfpb_first AS
SELECT {record_id} AS record_id, min(r.source_row_number) AS first_row_number
FROM raw_cfpb__complaints r
{ids_join}
WHERE r.import_id = $import_id AND {record_id} IS NOT NULL
GROUP BY ALL
"""

_STAGE_SQL = r"""
CREATE OR REPLACE TEMP TABLE _stage AS
WITH typed AS (
    SELECT
        raw.*,
        dr.value AS received_date_value, dr.error AS received_date_error,
        ds.value AS sent_date_value, ds.error AS sent_date_error,
        md5(concat_ws(chr(31), {hash_columns})) AS record_hash,
        md5(concat_ws(chr(31), {legacy_hash_columns})) AS legacy_hash
    FROM _raw raw
    LEFT JOIN _cfpb_dates dr ON dr.import_id = raw.import_id AND dr.raw_value = cw_nz(raw.date_received)
    LEFT JOIN _cfpb_dates ds ON ds.import_id = raw.sent_date_import
                            AND ds.raw_value = cw_nz(raw.date_sent_to_company)
), ranked AS (
    SELECT typed.*, f.first_row_number
    FROM typed LEFT JOIN _cfpb_first f USING (record_id)
)
SELECT ranked.*,
    cw_nz(consumer_complaint_narrative) AS narrative_text,
    CASE
        WHEN record_id IS NULL THEN 'complaint_id'
        WHEN regexp_full_match(record_id, '0+') THEN 'complaint_id'
        WHEN NOT regexp_full_match(record_id, '{id_pattern}') THEN 'complaint_id'
        WHEN source_row_number > first_row_number THEN 'complaint_id'
        WHEN received_date_value IS NULL THEN 'date_received'
        WHEN received_date_value > DATE '{latest_date}' THEN 'date_received'
        WHEN received_date_value < DATE '{date_min}' THEN 'date_received'
        WHEN cw_nz(product) IS NULL THEN 'product'
    END AS reject_column,
    CASE
        WHEN record_id IS NULL THEN {r_id_empty}
        WHEN regexp_full_match(record_id, '0+') THEN {r_id_zero}
        WHEN NOT regexp_full_match(record_id, '{id_pattern}') THEN {r_id_not_number}
        WHEN source_row_number > first_row_number THEN {r_id_repeated}
        WHEN received_date_value IS NULL THEN {r_received_bad}
        WHEN received_date_value > DATE '{latest_date}' THEN {r_received_future}
        WHEN received_date_value < DATE '{date_min}' THEN {r_received_implausible}
        WHEN cw_nz(product) IS NULL THEN {r_product_empty}
    END AS reject_reason
FROM ranked
"""


#: The reasons the SQL below writes (``{r_…}`` placeholders), built from the catalogue
#: (``analysis.ingest.reasons``) so the stored English is the catalogue's and translates.
_REASON_SQL = {
    "r_id_empty": sql_text("cfpb_id_empty"),
    "r_id_not_number": sql_text("cfpb_id_not_number"),
    "r_id_zero": sql_text("cfpb_id_zero"),
    "r_id_repeated": sql_text("cfpb_id_repeated", row="first_row_number"),
    "r_received_bad": sql_text("cfpb_received_bad",
                               error=f"coalesce(received_date_error, {sql_text('cell_empty')})"),
    "r_received_future": sql_text("cfpb_received_future"),
    "r_received_implausible": sql_text("cfpb_received_implausible", why=sql_text(
        "implausible_date", day="strftime(received_date_value, '%Y-%m-%d')", date_min=f"'{DATE_MIN.isoformat()}'")),
    "r_product_empty": sql_text("cfpb_product_empty"),
    "r_submitted_via_unknown": sql_text("cfpb_submitted_via_unknown"),
    "r_response_unknown": sql_text("cfpb_response_unknown"),
    "r_timely_unknown": sql_text("cfpb_timely_unknown"),
    "r_sent_bad": sql_text("cfpb_sent_bad", error="coalesce(ch.sent_date_error, '?')"),
    "r_sent_before_received": sql_text("cfpb_sent_before_received"),
    "r_issue_unknown": sql_text("cfpb_issue_unknown"),
}


def _with_reasons(sql: str) -> str:
    """``sql`` with its ``{r_…}`` placeholders replaced by the reasons' SQL (``_REASON_SQL``)."""
    for name, expr in _REASON_SQL.items():
        sql = sql.replace("{" + name + "}", expr)
    return sql


def _record_id_sql(by_content: bool) -> tuple[str, str]:
    """``(record id expression, join)`` over ``raw_cfpb__complaints r``."""
    if by_content:
        return "ids.record_id", "JOIN _cfpb_ids ids ON ids.source_row_number = r.source_row_number"
    return "cw_id(r.complaint_id)", ""


def _prepare_batches(con: duckdb.DuckDBPyConnection, rep: ImportReport, missing: list[str],
                     dates: dict[str, tuple], by_content: bool) -> None:
    """Once per file: the SQL macros, the file's dates (``_cfpb_dates``), the first row of each
    record id (``_cfpb_first``) and the code maps."""
    _run_sql(con, _MACROS_SQL, rep)
    _register_dates(con, rep, dates)
    record_id, ids_join = _record_id_sql(by_content)
    _run_sql(con, _FIRST_SQL.replace("{record_id}", record_id).replace("{ids_join}", ids_join), rep)
    _load_maps(con)


def _stage(con: duckdb.DuckDBPyConnection, rep: ImportReport, missing: list[str], by_content: bool,
           lo: int, hi: int) -> None:
    """Build temp table ``_stage`` for the rows ``lo`` < row number <= ``hi``: raw rows with
    previous values carried over, ``record_id``, parsed dates (``received_date_value``,
    ``sent_date_value`` DATE, with their errors), ``record_hash`` and ``reject_column`` /
    ``reject_reason`` (NULL: accepted)."""
    # Line breaks inside fields are hashed as LF and dates as the ISO date read, so the same
    # rows re-saved with CRLF line ends (narratives included) or with dates in another form
    # (9/24/2019, 24/09/2019) count as unchanged, not as updated.
    parsed_as = {"date_received": "dr.value", "date_sent_to_company": "ds.value"}
    # Values are compared as they are read (cw_nz: "None", "N/A" and spaces around are nothing;
    # cw_id: 009700101 is complaint 9700101), so a re-saved file is no update either.
    hash_cols = ", ".join(
        f"coalesce(CAST({parsed_as[c]} AS VARCHAR), cw_nz(replace({c}, chr(13) || chr(10), chr(10))), '')"
        if c in parsed_as else
        "coalesce(cw_id(complaint_id), '')" if c == "complaint_id" else
        f"coalesce(cw_nz(replace({c}, chr(13) || chr(10), chr(10))), '')" for c in DATA_COLUMNS)
    # the hash as stored before 2026-12-07 (raw text compared): a complaint stored then whose row
    # reads the same is unchanged too, not "updated" and classified again on the first import after
    legacy_cols = ", ".join(
        f"coalesce(CAST({parsed_as[c]} AS VARCHAR), replace({c}, chr(13) || chr(10), chr(10)), '')"
        if c in parsed_as else f"coalesce(replace({c}, chr(13) || chr(10), chr(10)), '')" for c in DATA_COLUMNS)
    # A file without a column says nothing about it: for a complaint already in the database,
    # columns the file lacks (e.g. an older 14-column export) keep the values of its previous
    # source row instead of blanking them. Only then is the previous row looked up.
    carry = (", ".join(f"coalesce(r.{c}, prev.{c}) AS {c}" for c in missing if c != "complaint_id"))
    record_id, ids_join = _record_id_sql(by_content)
    sent_carried = "date_sent_to_company" in missing
    needs_prev = bool(carry) or sent_carried
    sql = (_RAW_SQL.replace("{carry_over}", f"REPLACE ({carry})" if carry else "")
           .replace("{prev_join}", _PREV_JOIN if needs_prev else "")
           .replace("{record_id}", record_id)
           .replace("{sent_import}", "prev.import_id" if sent_carried else "r.import_id")
           .replace("{ids_join}", ids_join)
           .replace("$lo", str(int(lo))).replace("$hi", str(int(hi))))
    _run_sql(con, sql, rep)
    if sent_carried:
        _add_carried_dates(con)
    sql = (_with_reasons(_STAGE_SQL).replace("{hash_columns}", hash_cols)
           .replace("{legacy_hash_columns}", legacy_cols).replace("{date_min}", DATE_MIN.isoformat())
           .replace("{latest_date}", latest_date().isoformat())
           .replace("{id_pattern}", r"h[0-9a-f]{16}(-[0-9]+)?" if by_content else r"\d+"))
    _run_sql(con, sql, rep)


def _run_sql(con: duckdb.DuckDBPyConnection, sql: str, rep: ImportReport) -> None:
    sql = sql.replace("{control}", CONTROL_CHARS.pattern)
    for stmt in [s for s in sql.split(";\n") if s.strip()]:
        if "$import_id" in stmt:
            con.execute(stmt.replace("$import_id", "?"), [rep.import_id])
        else:
            con.execute(stmt)


def _register_dates(con: duckdb.DuckDBPyConnection, rep: ImportReport, dates: dict[str, tuple]) -> None:
    """Temp table ``_cfpb_dates (import_id, raw_value, value DATE, error)``: this file's date
    values as read by its own reading."""
    frame = pd.DataFrame([(rep.import_id, v, d, e) for v, (d, e) in dates.items()],
                         columns=["import_id", "raw_value", "value", "error"], dtype=object)
    with_rows(con, frame, "CREATE OR REPLACE TEMP TABLE _cfpb_dates AS SELECT import_id::VARCHAR AS import_id, "
                          "raw_value::VARCHAR AS raw_value, value::DATE AS value, error::VARCHAR AS error FROM _rows")


def _add_carried_dates(con: duckdb.DuckDBPyConnection) -> None:
    """When the file has no Date sent to company column: add to ``_cfpb_dates`` the values this
    batch carries over from earlier imports, each read as its own file was read."""
    carried = con.execute("SELECT DISTINCT sent_date_import, cw_nz(date_sent_to_company) FROM _raw "
                          "WHERE sent_date_import IS NOT NULL AND cw_nz(date_sent_to_company) IS NOT NULL "
                          "AND (sent_date_import, cw_nz(date_sent_to_company)) NOT IN "
                          "(SELECT (import_id, raw_value) FROM _cfpb_dates)").fetchall()
    by_import: dict[str, list[str]] = {}
    for imp, v in carried:
        by_import.setdefault(imp, []).append(v)
    rows = []
    for imp, values in by_import.items():
        earlier = con.execute("SELECT cw_nz(date_received), cw_nz(date_sent_to_company) FROM raw_cfpb__complaints "
                              "WHERE import_id = ?", [imp]).fetchall()
        order = cfpb_date_reading(sorted({v for row in earlier for v in row if v})).order
        rows.extend((imp, v, d, e) for v, (d, e) in _parse_dates(values, order).items())
    if rows:
        frame = pd.DataFrame(rows, columns=["import_id", "raw_value", "value", "error"], dtype=object)
        with_rows(con, frame, "INSERT INTO _cfpb_dates SELECT import_id::VARCHAR, raw_value::VARCHAR, value::DATE, "
                              "error::VARCHAR FROM _rows")


def _load_maps(con: duckdb.DuckDBPyConnection) -> None:
    issue_map = pd.read_csv(MAPS_DIR / "cfpb_issue_codes.csv", dtype=str, keep_default_na=False)
    value_map = pd.read_csv(MAPS_DIR / "cfpb_values.csv", dtype=str, keep_default_na=False)
    with_rows(con, issue_map, "CREATE OR REPLACE TEMP TABLE _issue_map AS SELECT * FROM _rows")
    with_rows(con, value_map, "CREATE OR REPLACE TEMP TABLE _value_map AS SELECT * FROM _rows")


_APPLY_SQL = r"""
INSERT INTO core_quarantine (import_id, source_file, source_row_number, column_name, raw_value, reason, raw_record)
SELECT import_id, source_file, source_row_number, reject_column,
       CASE reject_column WHEN 'complaint_id' THEN complaint_id WHEN 'date_received' THEN date_received
                          WHEN 'product' THEN product END,
       reject_reason,
       to_json(struct_pack({struct_columns}))::VARCHAR
FROM _stage WHERE reject_reason IS NOT NULL;

CREATE OR REPLACE TEMP TABLE _ok AS
SELECT s.source_row_number, 'cfpb:' || s.record_id AS cid, s.record_hash,
       CASE WHEN c.source_record_hash = s.legacy_hash THEN s.record_hash ELSE c.source_record_hash END AS existing_hash
FROM _stage s LEFT JOIN core_complaints c ON c.complaint_id = 'cfpb:' || s.record_id
WHERE s.reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE _changed AS
SELECT s.*, o.cid, o.existing_hash
FROM _stage s JOIN _ok o USING (source_row_number)
WHERE o.existing_hash IS NULL OR o.existing_hash <> o.record_hash;

{delete_updated};

INSERT INTO core_complaints
SELECT
    ch.cid, 'cfpb', ch.record_id, 'US', ch.received_date_value,
    cw_nz(ch.product), cw_nz(ch.sub_product), cw_nz(ch.issue), cw_nz(ch.sub_issue),
    CASE WHEN cw_nz(ch.product) = 'Debt collection' THEN NULL ELSE cw_nz(ch.company) END,
    CASE WHEN cw_nz(ch.product) = 'Debt collection' THEN cw_nz(ch.company) END,
    upper(cw_nz(ch.state)),
    'financial_regulator',
    medium.code,
    outcome.code,
    CASE timely.code WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END,
    CASE WHEN ch.sent_date_value IS NOT NULL THEN date_diff('day', ch.received_date_value, ch.sent_date_value) END,
    ch.narrative_text IS NOT NULL,
    ch.narrative_text,
    CASE WHEN ch.narrative_text IS NOT NULL THEN 'en' END,
    ch.record_hash, ch.import_id, ch.source_file, ch.source_row_number, NULL
FROM _changed ch
LEFT JOIN _value_map medium ON medium.field = 'submitted_via' AND medium.raw_value = cw_nz(ch.submitted_via)
LEFT JOIN _value_map outcome ON outcome.field = 'company_response_to_consumer'
                             AND outcome.raw_value = cw_nz(ch.company_response_to_consumer)
LEFT JOIN _value_map timely ON timely.field = 'timely_response' AND timely.raw_value = cw_nz(ch.timely_response);

INSERT INTO core_qa_issues
SELECT ch.import_id, ch.cid, ch.source_file, ch.source_row_number, v.column_name, v.raw_value, v.reason
FROM _changed ch,
LATERAL (
    SELECT * FROM (VALUES
        ('submitted_via', cw_nz(ch.submitted_via),
         CASE WHEN cw_nz(ch.submitted_via) IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM _value_map m WHERE m.field = 'submitted_via' AND m.raw_value = cw_nz(ch.submitted_via))
              THEN {r_submitted_via_unknown} END),
        ('company_response_to_consumer', cw_nz(ch.company_response_to_consumer),
         CASE WHEN cw_nz(ch.company_response_to_consumer) IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM _value_map m WHERE m.field = 'company_response_to_consumer'
                                          AND m.raw_value = cw_nz(ch.company_response_to_consumer))
              THEN {r_response_unknown} END),
        ('timely_response', cw_nz(ch.timely_response),
         CASE WHEN cw_nz(ch.timely_response) IS NOT NULL AND cw_nz(ch.timely_response) NOT IN ('Yes', 'No')
              THEN {r_timely_unknown} END),
        ('date_sent_to_company', cw_nz(ch.date_sent_to_company),
         CASE WHEN cw_nz(ch.date_sent_to_company) IS NOT NULL AND ch.sent_date_value IS NULL
              THEN {r_sent_bad}
              WHEN ch.sent_date_value < ch.received_date_value
              THEN {r_sent_before_received} END)
    ) t(column_name, raw_value, reason)
) v
WHERE v.reason IS NOT NULL;

CREATE OR REPLACE TEMP TABLE _matched AS
WITH ch AS (
    SELECT cid, cw_nz(issue) AS ci, cw_nz(sub_issue) AS cs FROM _changed
), keys AS (  -- the four keys a map row can have for this complaint ('*' = any): equi-joins only
    SELECT ch.cid, ch.ci, ch.cs, k.ki, k.ks
    FROM ch, LATERAL (VALUES (ch.ci, ch.cs), (ch.ci, '*'), ('*', ch.cs), ('*', '*')) k(ki, ks)
), candidates AS (
    SELECT keys.cid, keys.ci AS issue, keys.cs AS sub_issue, m.*,
           (CASE WHEN m.issue <> '*' THEN 2 ELSE 0 END) + (CASE WHEN m.sub_issue <> '*' THEN 1 ELSE 0 END) AS specificity
    FROM keys JOIN _issue_map m ON m.issue = keys.ki AND m.sub_issue = keys.ks
)
SELECT * FROM candidates
QUALIFY specificity = max(specificity) OVER (PARTITION BY cid);

INSERT INTO core_complaint_labels (complaint_id, label_kind, label_code, label_source, rule_id, evidence, evidence_start, evidence_end, pattern_id)
SELECT DISTINCT cid, label_kind, label_code, 'issue_code', nullif(rule_id, ''),
       'Issue: ' || coalesce(issue, '') || ' | Sub-issue: ' || coalesce(sub_issue, ''),
       NULL, NULL, mapping_id
FROM _matched;

INSERT INTO core_complaint_labels (complaint_id, label_kind, label_code, label_source, rule_id, evidence, evidence_start, evidence_end, pattern_id)
SELECT ch.cid, 'debt_issue', 'OTHER', 'issue_code', NULL,
       'Issue: ' || coalesce(cw_nz(ch.issue), '') || ' | Sub-issue: ' || coalesce(cw_nz(ch.sub_issue), ''),
       NULL, NULL, 'CFPB-OTHER'
FROM _changed ch
WHERE ch.cid NOT IN (SELECT cid FROM _matched);

INSERT INTO core_qa_issues
SELECT ch.import_id, ch.cid, ch.source_file, ch.source_row_number,
       CASE WHEN cw_nz(ch.sub_issue) IS NULL THEN 'issue' ELSE 'sub_issue' END,
       coalesce(cw_nz(ch.sub_issue), cw_nz(ch.issue)),
       {r_issue_unknown}
FROM _changed ch
WHERE cw_nz(ch.product) = 'Debt collection' AND ch.cid NOT IN (SELECT cid FROM _matched);

INSERT INTO core_incidents (incident_id, complaint_id, occurred_date, occurred_at, occurred_hour, time_precision,
                            time_source, daypart_code, method_code, recipient_code, is_outside_permitted_hours,
                            time_rule_status, time_rule_id, import_id)
SELECT DISTINCT ON (cid, incident_method, incident_recipient)
    cid || '#' || mapping_id, cid, NULL, NULL, NULL,
    incident_time_precision, 'issue_code', NULL, incident_method, incident_recipient,
    CASE WHEN incident_time_precision = 'outside_window_only' THEN TRUE END,
    CASE WHEN incident_time_precision = 'outside_window_only' THEN 'outside' ELSE 'unknown' END,
    CASE WHEN incident_time_precision = 'outside_window_only' THEN 'US-TIME-01' END,
    ch.import_id
FROM _matched JOIN (SELECT cid, import_id FROM _changed) ch USING (cid)
WHERE incident_method <> ''
ORDER BY cid, incident_method, incident_recipient, mapping_id
"""


def _apply(con: duckdb.DuckDBPyConnection, rep: ImportReport, classify: str,
           progress: Progress | None = None, imported_by: str = "unknown") -> dict[str, int]:
    """Write one staged batch: quarantine, complaints (new and updated), labels, incidents, QA
    issues; declare the changed complaints; read their narratives (``classify`` scope); put
    reviewed ones whose text, issue or contacts an update changed back in the review queue
    (``common.reopen_reviewed``). Adds to the report's counts; returns ``label_narratives``'
    counts for the batch."""
    reviewed_before: dict[str, str] = {}
    struct_cols = ", ".join(DATA_COLUMNS)
    sql = _with_reasons(_APPLY_SQL).replace("{struct_columns}", struct_cols)
    for stmt in [s for s in sql.split(";\n\n") if s.strip()]:
        if stmt.strip() == "{delete_updated}":
            # The old rows of updated complaints go (every table scan skipped when none were).
            if con.execute("SELECT count(*) FROM _changed WHERE existing_hash IS NOT NULL").fetchone()[0]:
                reviewed_before = evidence_fingerprints(con, "SELECT cid FROM _changed WHERE existing_hash IS NOT NULL")
                # a company's response only moves on from "In progress": going back means an older
                # export came after a newer one (the file still wins, as it says; the note warns)
                [(back,)] = con.execute(
                    "SELECT count(*) FROM _changed ch JOIN core_complaints c ON c.complaint_id = ch.cid "
                    "WHERE ch.existing_hash IS NOT NULL AND c.outcome_code IS NOT NULL "
                    "AND c.outcome_code <> 'in_progress' "
                    "AND lower(cw_nz(ch.company_response_to_consumer)) = 'in progress'").fetchall()
                if back:
                    rep.notes.append(R("outcome_back_in_progress", n=back))
                for t in ("core_complaint_labels", "core_incidents", "core_qa_issues", "core_complaints"):
                    con.execute(f"DELETE FROM {t} WHERE complaint_id IN "
                                "(SELECT cid FROM _changed WHERE existing_hash IS NOT NULL)")
            continue
        con.execute(stmt)
    rejected, unchanged, updated, changed = con.execute("""
        SELECT
          (SELECT count(*) FROM _stage WHERE reject_reason IS NOT NULL),
          (SELECT count(*) FROM _ok WHERE existing_hash IS NOT NULL AND existing_hash = record_hash),
          (SELECT count(*) FROM _changed WHERE existing_hash IS NOT NULL),
          (SELECT count(*) FROM _changed)""").fetchone()
    rep.quarantined_count += rejected
    rep.unchanged_count += unchanged
    rep.updated_count += updated
    rep.accepted_count += changed  # new + updated; unchanged rows are counted apart
    mark_changed(con, "SELECT cid FROM _changed")
    # (Labels and incidents of updated complaints, narrative ones included, went with the
    # complaint above; those in the classify scope are read again now.)
    in_scope = {"all": "TRUE", "none": "FALSE", "collection": "cw_nz(product) IN (" + ", ".join(
        "'" + p.replace("'", "''") + "'" for p in COLLECTION_PRODUCTS) + ")"}[classify]
    found = {"narratives": 0, "labels": 0, "incidents": 0, "suggestions": 0, "model": None}
    if classify != "none":
        found = label_narratives(con, f"SELECT cid FROM _changed WHERE {in_scope}", progress=progress,
                                 replace=False)
    found["skipped"] = con.execute(f"SELECT count(*) FROM _changed WHERE narrative_text IS NOT NULL "
                                   f"AND NOT coalesce({in_scope}, FALSE)").fetchone()[0]
    reopen_reviewed(con, rep, reviewed_before, imported_by)  # reviewed ones whose text, issue or contacts changed
    for t in ("_raw", "_stage", "_ok", "_changed", "_matched"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return found


def _drop_import_temps(con: duckdb.DuckDBPyConnection) -> None:
    for t in ("_issue_map", "_value_map", "_cfpb_dates", "_cfpb_ids", "_cfpb_first"):
        con.execute(f"DROP TABLE IF EXISTS {t}")


def _record_import(con: duckdb.DuckDBPyConnection, rep: ImportReport, imported_by: str) -> None:
    rep.balance()  # raises (and the write is rolled back) when a row went missing
    con.execute(
        "INSERT INTO meta_imports (import_id, format, source, source_file, file_sha256, imported_at, imported_by, "
        "row_count, accepted_count, quarantined_count, unchanged_count, updated_count, status) "
        "VALUES (?, 'cfpb', 'cfpb', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [rep.import_id, rep.source_file, rep.file_sha256, import_time(), imported_by, rep.row_count,
         rep.accepted_count, rep.quarantined_count, rep.unchanged_count, rep.updated_count, rep.status])
