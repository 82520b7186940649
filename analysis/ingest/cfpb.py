"""Import of CFPB Consumer Complaint Database CSV exports (any year).

Flow (one DuckDB transaction, see ``analysis.db.write_transaction``)::

    file ─read_delimited─▶ raw_cfpb__complaints (all text, with file and row number)
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

from pathlib import Path

import duckdb
import pandas as pd

from analysis.ingest.common import (
    DelimitedFile, ImportRefused, ImportReport, Progress, content_id_warning, content_ids, header_key,
    new_import_id, read_delimited, record_json, sha256_bytes,
)
from analysis.ingest.parse import DateError, DateReading, cfpb_date_reading, parse_cfpb_date
from analysis.narratives import label_narratives
from analysis.store import mark_changed
from analysis.schema import CFPB_HEADER_ALIASES, CFPB_HEADER_TO_RAW, CFPB_REQUIRED_HEADERS, TABLE_BY_NAME

MAPS_DIR = Path(__file__).resolve().parent.parent / "maps"
SOURCE = "cfpb"
NULL_TOKENS = ("", "None", "N/A")
RAW_COLUMNS = [c.name for c in TABLE_BY_NAME["raw_cfpb__complaints"].columns]
DATA_COLUMNS = list(CFPB_HEADER_TO_RAW.values())
DATE_COLUMNS = ("date_received", "date_sent_to_company")
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
        raise ImportRefused(
            f"{file_name}: not a CFPB complaint export: missing required column(s) "
            f"{', '.join(repr(m) for m in missing)}. Found: {', '.join(repr(h) for h in header)}. "
            + (f"Optional column(s) also absent: {', '.join(repr(a) for a in absent)}. " if absent else "")
            + "Headers are matched ignoring case, spaces, punctuation and underscores (date_received = "
            "Date received). Export the file again from consumerfinance.gov/data-research/consumer-complaints "
            "(CSV) or choose the right --format.")
    dup = {raw: idx for raw, idx in found.items() if len(idx) > 1}
    if dup:
        raise ImportRefused(f"{file_name}: " + "; ".join(
            f"column {RAW_TO_HEADER[raw]!r} appears more than once in the header (as "
            f"{', '.join(repr(header[i]) for i in idx)})" for raw, idx in dup.items()))
    return {raw: idx[0] for raw, idx in found.items()}, ignored


def import_cfpb_file(con: duckdb.DuckDBPyConnection, path: Path, *, data: bytes | None = None,
                     imported_by: str = "unknown", progress: Progress | None = None) -> ImportReport:
    """Import one CFPB CSV file into the database open in ``con`` (inside a transaction).

    Every data row ends up either in ``core_complaints`` (accepted: new, updated, or
    already present unchanged) or in ``core_quarantine`` with its row number and reason;
    none is dropped. A file whose exact bytes were imported before adds nothing. Dates are read
    as the file's own reading says (month or day first, noted in ``rep.notes``); a file
    without a Complaint ID column gets ids from its rows' content, with a warning note.

    Raises ``ImportRefused`` when required columns are missing (nothing written).
    Returns an ``ImportReport`` with the counts.
    """
    path = Path(path)
    data = path.read_bytes() if data is None else data
    file_hash = sha256_bytes(data)
    report_progress = progress or (lambda f, m: None)
    report_progress(0.02, f"reading {path.name}")
    parsed = read_delimited(data)
    columns, ignored = check_header(parsed.header, path.name)
    rep = ImportReport(new_import_id(), path.name, file_hash, parsed.encoding)
    rep.row_count = len(parsed.records) + len(parsed.bad_records)
    if ignored:
        rep.notes.append(f"columns not used: {', '.join(ignored)}")
    _ensure_source(con)

    seen = con.execute(
        "SELECT import_id FROM meta_imports WHERE file_sha256 = ? AND format = 'cfpb' "
        "AND status = 'imported' ORDER BY imported_at LIMIT 1", [file_hash]).fetchone()
    if seen:
        rep.status, rep.unchanged_count = "already_imported", rep.row_count
        rep.notes.append(f"same file bytes as import {seen[0]}")
        _record_import(con, rep, imported_by)
        return rep

    report_progress(0.2, f"{rep.row_count} rows read; staging")
    reading, dates = _read_dates(parsed, columns)
    if reading.note():
        rep.notes.append(reading.note())
    _load_raw(con, parsed, rep, columns)
    _quarantine_unreadable(con, parsed, rep)
    by_content = "complaint_id" not in columns
    if by_content:
        _register_content_ids(con, parsed, rep, columns, dates)
    report_progress(0.4, "validating and coding")
    _stage(con, rep, [c for c in DATA_COLUMNS if c not in columns], dates, by_content)
    _apply(con, rep)
    _record_import(con, rep, imported_by)
    report_progress(1.0, "done")
    return rep


def _ensure_source(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM meta_sources WHERE source = ?", [SOURCE])
    cols = list(SOURCE_ROW)
    con.execute(f"INSERT INTO meta_sources ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [SOURCE_ROW[c] for c in cols])


def _nz(value: str) -> str | None:
    """A cell as ``cw_nz`` in SQL sees it: spaces trimmed; empty, ``None``, ``N/A`` → None."""
    v = value.strip(" ")
    return None if v in NULL_TOKENS else v


def _read_dates(parsed: DelimitedFile, columns: dict[str, int]) -> tuple[DateReading, dict[str, tuple]]:
    """The file's date reading and ``{value: (date or None, error or None)}`` for every distinct
    value of its date columns (as ``cw_nz`` trims them)."""
    idx = [columns[c] for c in DATE_COLUMNS if c in columns]
    values = {v for _, fields in parsed.records for i in idx if (v := _nz(fields[i])) is not None}
    reading = cfpb_date_reading(sorted(values))
    return reading, _parse_dates(values, reading.order)


def _parse_dates(values, order: str) -> dict[str, tuple]:
    out = {}
    for v in values:
        try:
            out[v] = (parse_cfpb_date(v, order), None)
        except DateError as err:
            out[v] = (None, str(err))
    return out


def _register_content_ids(con: duckdb.DuckDBPyConnection, parsed: DelimitedFile, rep: ImportReport,
                          columns: dict[str, int], dates: dict[str, tuple]) -> None:
    """Temp table ``_cfpb_ids (source_row_number BIGINT, record_id VARCHAR)`` for a file without
    a Complaint ID column: ids from ``content_ids`` over each row's cleaned values named by raw
    column (file column order and empty columns do not matter; line breaks as LF; dates as ISO
    dates, so a re-saved file with other date forms gives the same ids)."""
    present = [(c, columns[c]) for c in DATA_COLUMNS if c in columns]
    keys = []
    for _, fields in parsed.records:
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
    frame = pd.DataFrame({"source_row_number": [n for n, _ in parsed.records], "record_id": ids}).astype(
        {"source_row_number": "int64", "record_id": object})
    con.register("_cfpb_ids_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE _cfpb_ids AS SELECT * FROM _cfpb_ids_frame")
    con.unregister("_cfpb_ids_frame")
    rep.notes.append(content_id_warning("Complaint ID", sum(1 for i in ids if "-" in i)))


def _load_raw(con: duckdb.DuckDBPyConnection, parsed: DelimitedFile, rep: ImportReport,
              idx: dict[str, int]) -> None:
    columns: dict[str, list] = {c: [] for c in RAW_COLUMNS}
    for row_number, fields in parsed.records:
        columns["import_id"].append(rep.import_id)
        columns["source_file"].append(rep.source_file)
        columns["source_row_number"].append(row_number)
        for col in DATA_COLUMNS:
            i = idx.get(col)
            columns[col].append(fields[i] if i is not None else None)
    frame = pd.DataFrame(columns, dtype=object).astype({"source_row_number": "int64"})
    con.register("_raw_frame", frame)
    con.execute(f"INSERT INTO raw_cfpb__complaints ({', '.join(RAW_COLUMNS)}) "
                f"SELECT {', '.join(RAW_COLUMNS)} FROM _raw_frame")
    con.unregister("_raw_frame")


def _quarantine_unreadable(con: duckdb.DuckDBPyConnection, parsed: DelimitedFile, rep: ImportReport) -> None:
    rows = [(rep.import_id, rep.source_file, n, None, None, reason, record_json(parsed.header, fields))
            for n, fields, reason in parsed.bad_records]
    if rows:
        con.executemany("INSERT INTO core_quarantine (import_id, source_file, source_row_number, column_name, raw_value, "
                        "reason, raw_record) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    rep.quarantined_count += len(rows)


_RAW_SQL = r"""
CREATE OR REPLACE TEMP MACRO cw_nz(x) AS
    CASE WHEN x IS NULL OR trim(x) IN ('', 'None', 'N/A') THEN NULL ELSE trim(x) END;
CREATE OR REPLACE TEMP TABLE _raw AS
SELECT r.* {carry_over}, {record_id} AS record_id, {sent_import} AS sent_date_import
FROM raw_cfpb__complaints r
{ids_join}
LEFT JOIN core_complaints c ON c.complaint_id = 'cfpb:' || {record_id}
LEFT JOIN raw_cfpb__complaints prev ON prev.import_id = c.import_id AND prev.source_file = c.source_file
                                   AND prev.source_row_number = c.source_row_number
WHERE r.import_id = $import_id
"""

_STAGE_SQL = r"""
CREATE OR REPLACE TEMP TABLE _stage AS
WITH typed AS (
    SELECT
        raw.*,
        dr.value AS received_date_value, dr.error AS received_date_error,
        ds.value AS sent_date_value, ds.error AS sent_date_error,
        md5(concat_ws(chr(31), {hash_columns})) AS record_hash
    FROM _raw raw
    LEFT JOIN _cfpb_dates dr ON dr.import_id = raw.import_id AND dr.raw_value = cw_nz(raw.date_received)
    LEFT JOIN _cfpb_dates ds ON ds.import_id = raw.sent_date_import
                            AND ds.raw_value = cw_nz(raw.date_sent_to_company)
), ranked AS (
    SELECT typed.*,
        row_number() OVER (PARTITION BY record_id ORDER BY source_row_number) AS occurrence,
        min(source_row_number) OVER (PARTITION BY record_id) AS first_row_number
    FROM typed
)
SELECT ranked.*,
    CASE
        WHEN record_id IS NULL THEN 'complaint_id'
        WHEN NOT regexp_full_match(record_id, '{id_pattern}') THEN 'complaint_id'
        WHEN occurrence > 1 THEN 'complaint_id'
        WHEN received_date_value IS NULL THEN 'date_received'
        WHEN received_date_value > current_date THEN 'date_received'
        WHEN cw_nz(product) IS NULL THEN 'product'
    END AS reject_column,
    CASE
        WHEN record_id IS NULL THEN 'Complaint ID is empty'
        WHEN NOT regexp_full_match(record_id, '{id_pattern}') THEN 'Complaint ID is not a whole number'
        WHEN occurrence > 1 THEN 'Complaint ID appears more than once in this file (first at row '
                                 || first_row_number || ')'
        WHEN received_date_value IS NULL THEN
            'Date received is empty or not a date: ' || coalesce(received_date_error, 'the cell is empty')
        WHEN received_date_value > current_date THEN 'Date received is in the future'
        WHEN cw_nz(product) IS NULL THEN 'Product is empty'
    END AS reject_reason
FROM ranked
"""


def _stage(con: duckdb.DuckDBPyConnection, rep: ImportReport, missing: list[str], dates: dict[str, tuple],
           by_content: bool) -> None:
    """Build temp table ``_stage``: this import's raw rows with previous values carried over,
    ``record_id``, parsed dates (``received_date_value``, ``sent_date_value`` DATE, with their
    errors), ``record_hash`` and ``reject_column`` / ``reject_reason`` (NULL: accepted)."""
    # Line breaks inside fields are hashed as LF and dates as the ISO date read, so the same
    # rows re-saved with CRLF line ends (narratives included) or with dates in another form
    # (9/24/2019, 24/09/2019) count as unchanged, not as updated.
    parsed_as = {"date_received": "dr.value", "date_sent_to_company": "ds.value"}
    hash_cols = ", ".join(
        f"coalesce(CAST({parsed_as[c]} AS VARCHAR), replace({c}, chr(13) || chr(10), chr(10)), '')"
        if c in parsed_as else f"coalesce(replace({c}, chr(13) || chr(10), chr(10)), '')" for c in DATA_COLUMNS)
    # A file without a column says nothing about it: for a complaint already in the database,
    # columns the file lacks (e.g. an older 14-column export) keep the values of its previous
    # source row instead of blanking them.
    carry = (", ".join(f"coalesce(r.{c}, prev.{c}) AS {c}" for c in missing if c != "complaint_id"))
    record_id = "ids.record_id" if by_content else "cw_nz(r.complaint_id)"
    sql = (_RAW_SQL.replace("{carry_over}", f"REPLACE ({carry})" if carry else "")
           .replace("{record_id}", record_id)
           .replace("{sent_import}", "prev.import_id" if "date_sent_to_company" in missing else "r.import_id")
           .replace("{ids_join}", "JOIN _cfpb_ids ids ON ids.source_row_number = r.source_row_number"
                    if by_content else ""))
    _run_sql(con, sql, rep)
    _register_dates(con, rep, dates, "date_sent_to_company" in missing)
    sql = (_STAGE_SQL.replace("{hash_columns}", hash_cols)
           .replace("{id_pattern}", r"h[0-9a-f]{16}(-[0-9]+)?" if by_content else r"\d+"))
    _run_sql(con, sql, rep)
    _load_maps(con)


def _run_sql(con: duckdb.DuckDBPyConnection, sql: str, rep: ImportReport) -> None:
    for stmt in [s for s in sql.split(";\n") if s.strip()]:
        if "$import_id" in stmt:
            con.execute(stmt.replace("$import_id", "?"), [rep.import_id])
        else:
            con.execute(stmt)


def _register_dates(con: duckdb.DuckDBPyConnection, rep: ImportReport, dates: dict[str, tuple],
                    sent_carried: bool) -> None:
    """Temp table ``_cfpb_dates (import_id, raw_value, value DATE, error)``: this file's date
    values as read by its own reading, and, when the file has no Date sent to company column,
    the values carried over from earlier imports, each read as its own file was read."""
    rows = [(rep.import_id, v, d, e) for v, (d, e) in dates.items()]
    if sent_carried:
        carried = con.execute("SELECT DISTINCT sent_date_import, cw_nz(date_sent_to_company) FROM _raw "
                              "WHERE sent_date_import IS NOT NULL AND cw_nz(date_sent_to_company) IS NOT NULL"
                              ).fetchall()
        by_import: dict[str, list[str]] = {}
        for imp, v in carried:
            by_import.setdefault(imp, []).append(v)
        for imp, values in by_import.items():
            earlier = con.execute("SELECT cw_nz(date_received), cw_nz(date_sent_to_company) FROM raw_cfpb__complaints "
                                  "WHERE import_id = ?", [imp]).fetchall()
            order = cfpb_date_reading(sorted({v for row in earlier for v in row if v})).order
            rows.extend((imp, v, d, e) for v, (d, e) in _parse_dates(values, order).items())
    frame = pd.DataFrame(rows, columns=["import_id", "raw_value", "value", "error"], dtype=object)
    con.register("_cfpb_dates_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE _cfpb_dates AS SELECT import_id::VARCHAR AS import_id, "
                "raw_value::VARCHAR AS raw_value, value::DATE AS value, error::VARCHAR AS error FROM _cfpb_dates_frame")
    con.unregister("_cfpb_dates_frame")


def _load_maps(con: duckdb.DuckDBPyConnection) -> None:
    issue_map = pd.read_csv(MAPS_DIR / "cfpb_issue_codes.csv", dtype=str, keep_default_na=False)
    value_map = pd.read_csv(MAPS_DIR / "cfpb_values.csv", dtype=str, keep_default_na=False)
    con.register("_issue_map_frame", issue_map)
    con.register("_value_map_frame", value_map)
    con.execute("CREATE OR REPLACE TEMP TABLE _issue_map AS SELECT * FROM _issue_map_frame")
    con.execute("CREATE OR REPLACE TEMP TABLE _value_map AS SELECT * FROM _value_map_frame")
    con.unregister("_issue_map_frame")
    con.unregister("_value_map_frame")


_APPLY_SQL = r"""
INSERT INTO core_quarantine (import_id, source_file, source_row_number, column_name, raw_value, reason, raw_record)
SELECT import_id, source_file, source_row_number, reject_column,
       CASE reject_column WHEN 'complaint_id' THEN complaint_id WHEN 'date_received' THEN date_received
                          WHEN 'product' THEN product END,
       reject_reason,
       to_json(struct_pack({struct_columns}))::VARCHAR
FROM _stage WHERE reject_reason IS NOT NULL;

CREATE OR REPLACE TEMP TABLE _ok AS
SELECT s.*, 'cfpb:' || s.record_id AS cid,
       c.source_record_hash AS existing_hash
FROM _stage s LEFT JOIN core_complaints c ON c.complaint_id = 'cfpb:' || s.record_id
WHERE s.reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE _changed AS
SELECT * FROM _ok WHERE existing_hash IS NULL OR existing_hash <> record_hash;

DELETE FROM core_complaint_labels WHERE complaint_id IN (SELECT cid FROM _changed WHERE existing_hash IS NOT NULL);
DELETE FROM core_incidents WHERE complaint_id IN (SELECT cid FROM _changed WHERE existing_hash IS NOT NULL);
DELETE FROM core_qa_issues WHERE complaint_id IN (SELECT cid FROM _changed WHERE existing_hash IS NOT NULL);
DELETE FROM core_complaints WHERE complaint_id IN (SELECT cid FROM _changed WHERE existing_hash IS NOT NULL);

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
    cw_nz(ch.consumer_complaint_narrative) IS NOT NULL,
    cw_nz(ch.consumer_complaint_narrative),
    CASE WHEN cw_nz(ch.consumer_complaint_narrative) IS NOT NULL THEN 'en' END,
    ch.record_hash, ch.import_id, ch.source_file, ch.source_row_number
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
              THEN 'Submitted via value not in analysis/maps/cfpb_values.csv; submission_medium left empty' END),
        ('company_response_to_consumer', cw_nz(ch.company_response_to_consumer),
         CASE WHEN cw_nz(ch.company_response_to_consumer) IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM _value_map m WHERE m.field = 'company_response_to_consumer'
                                          AND m.raw_value = cw_nz(ch.company_response_to_consumer))
              THEN 'Company response value not in analysis/maps/cfpb_values.csv; outcome_code left empty' END),
        ('timely_response', cw_nz(ch.timely_response),
         CASE WHEN cw_nz(ch.timely_response) IS NOT NULL AND cw_nz(ch.timely_response) NOT IN ('Yes', 'No')
              THEN 'Timely response? is neither Yes nor No; is_timely_response left empty' END),
        ('date_sent_to_company', cw_nz(ch.date_sent_to_company),
         CASE WHEN cw_nz(ch.date_sent_to_company) IS NOT NULL AND ch.sent_date_value IS NULL
              THEN 'Date sent to company is not a date (' || coalesce(ch.sent_date_error, '?')
                   || '); response_days left empty'
              WHEN ch.sent_date_value < ch.received_date_value
              THEN 'Date sent to company is before Date received' END)
    ) t(column_name, raw_value, reason)
) v
WHERE v.reason IS NOT NULL;

CREATE OR REPLACE TEMP TABLE _matched AS
WITH candidates AS (
    SELECT ch.cid, cw_nz(ch.issue) AS issue, cw_nz(ch.sub_issue) AS sub_issue, m.*,
           (CASE WHEN m.issue <> '*' THEN 2 ELSE 0 END) + (CASE WHEN m.sub_issue <> '*' THEN 1 ELSE 0 END) AS specificity
    FROM _changed ch
    JOIN _issue_map m
      ON (m.issue = '*' OR m.issue = cw_nz(ch.issue))
     AND (m.sub_issue = '*' OR m.sub_issue = cw_nz(ch.sub_issue))
)
SELECT * FROM candidates
QUALIFY specificity = max(specificity) OVER (PARTITION BY cid);

INSERT INTO core_complaint_labels
SELECT DISTINCT cid, label_kind, label_code, 'issue_code', nullif(rule_id, ''),
       'Issue: ' || coalesce(issue, '') || ' | Sub-issue: ' || coalesce(sub_issue, ''),
       NULL, NULL, mapping_id
FROM _matched;

INSERT INTO core_complaint_labels
SELECT ch.cid, 'debt_issue', 'OTHER', 'issue_code', NULL,
       'Issue: ' || coalesce(cw_nz(ch.issue), '') || ' | Sub-issue: ' || coalesce(cw_nz(ch.sub_issue), ''),
       NULL, NULL, 'CFPB-OTHER'
FROM _changed ch
WHERE ch.cid NOT IN (SELECT cid FROM _matched);

INSERT INTO core_qa_issues
SELECT ch.import_id, ch.cid, ch.source_file, ch.source_row_number,
       CASE WHEN cw_nz(ch.sub_issue) IS NULL THEN 'issue' ELSE 'sub_issue' END,
       coalesce(cw_nz(ch.sub_issue), cw_nz(ch.issue)),
       'Debt-collection issue / sub-issue not in analysis/maps/cfpb_issue_codes.csv; labelled OTHER'
FROM _changed ch
WHERE cw_nz(ch.product) = 'Debt collection' AND ch.cid NOT IN (SELECT cid FROM _matched);

INSERT INTO core_incidents (incident_id, complaint_id, occurred_date, occurred_at, occurred_hour, time_precision,
                            time_source, daypart_code, method_code, recipient_code, is_outside_permitted_hours,
                            time_rule_status, time_rule_id)
SELECT DISTINCT ON (cid, incident_method, incident_recipient)
    cid || '#' || mapping_id, cid, NULL, NULL, NULL,
    incident_time_precision, 'issue_code', NULL, incident_method, incident_recipient,
    CASE WHEN incident_time_precision = 'outside_window_only' THEN TRUE END,
    CASE WHEN incident_time_precision = 'outside_window_only' THEN 'outside' ELSE 'unknown' END,
    CASE WHEN incident_time_precision = 'outside_window_only' THEN 'US-TIME-01' END
FROM _matched
WHERE incident_method <> ''
ORDER BY cid, incident_method, incident_recipient, mapping_id
"""


def _apply(con: duckdb.DuckDBPyConnection, rep: ImportReport) -> None:
    struct_cols = ", ".join(DATA_COLUMNS)
    sql = _APPLY_SQL.replace("{struct_columns}", struct_cols)
    for stmt in [s for s in sql.split(";\n\n") if s.strip()]:
        con.execute(stmt)
    counts = con.execute("""
        SELECT
          (SELECT count(*) FROM _stage WHERE reject_reason IS NOT NULL),
          (SELECT count(*) FROM _ok WHERE existing_hash IS NOT NULL AND existing_hash = record_hash),
          (SELECT count(*) FROM _changed WHERE existing_hash IS NOT NULL),
          (SELECT count(*) FROM _changed),
          (SELECT count(*) FROM core_qa_issues WHERE import_id = ?)
    """, [rep.import_id]).fetchone()
    rejected, unchanged, updated, changed, qa = counts
    rep.quarantined_count += rejected
    rep.unchanged_count, rep.updated_count = unchanged, updated
    rep.accepted_count = changed  # new + updated; unchanged rows are counted apart
    rep.qa_issue_count = qa
    mark_changed(con, "SELECT cid FROM _changed")
    found = label_narratives(con, "SELECT cid FROM _changed")
    if found["narratives"]:
        rep.notes.append(f"{found['narratives']} narratives read: {found['labels']} labels, "
                         f"{found['incidents']} incidents from the text")
    for t in ("_raw", "_stage", "_ok", "_changed", "_matched", "_issue_map", "_value_map", "_cfpb_dates", "_cfpb_ids"):
        con.execute(f"DROP TABLE IF EXISTS {t}")


def _record_import(con: duckdb.DuckDBPyConnection, rep: ImportReport, imported_by: str) -> None:
    con.execute(
        "INSERT INTO meta_imports (import_id, format, source, source_file, file_sha256, imported_at, imported_by, "
        "row_count, accepted_count, quarantined_count, unchanged_count, updated_count, status) "
        "VALUES (?, 'cfpb', 'cfpb', ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)",
        [rep.import_id, rep.source_file, rep.file_sha256, imported_by, rep.row_count,
         rep.accepted_count, rep.quarantined_count, rep.unchanged_count, rep.updated_count, rep.status])
