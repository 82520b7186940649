"""Import of any file with a column-mapping profile (``analysis/ingest/profiles``).

Flow (inside the caller's transaction, ``analysis.db.write_transaction`` via ``run_import``)::

    file ─read_source (CSV any encoding / .xlsx sheets)─▶ rows with sheet + row number
         ─mask personal data, hash collectors' numbers (analysis.pii)─▶ raw_generic__rows
         ─parse (dates, times, codes) and validate─▶ core_quarantine (file, sheet, row, column, reason)
         ─▶ core_complaints, core_incidents, core_complaint_labels (field), core_qa_issues
         ─▶ analysis.narratives.label_narratives for the new or changed complaints

Grains (``profile.grain``):

* ``complaint`` (heimao, c12315, ftc_dnc): one row = one complaint, plus one incident when
  the row has an incident time or method. A complaint id seen before with the same content
  is left alone (unchanged); with other content it is replaced (as for CFPB). A repeated id
  within a file is quarantined. FTC rows have no id: the id is a hash of the row (a repeated
  identical row gets ``-2``, ``-3``… so nothing is merged and re-imports still match).
* ``incident`` (intake): one row = one incident; rows group into complaints by id. Imports
  *add*: incidents already present (same content) are unchanged, new ones are added to their
  complaint (so a corrected quarantine file can be re-imported on its own). Identical rows in
  a file are quarantined. With ``replace`` (a corrected log: ``--replace``, the Import page's
  "corrects an earlier import"), the file is the current record of every complaint it names:
  a complaint whose rows differ from its incidents present is rebuilt from the file's rows
  (incidents no longer in the file removed; its rows counted updated), as a CFPB export
  updates a complaint. Call-log incidents (their labels computed again with the new rows) and
  reviewers' incidents stay.
* ``call`` (call_log): every incoming call or message of one borrower's log becomes an incident
  with its exact time, for the complaint given (``complaint_id``) or a new one. Outgoing calls
  (the borrower calling) are not collection contacts: they stay in raw and are counted in the
  report notes. Frequency checks (analysis.frequency) become conduct labels with rule ids.

Every incident written here carries its import's id (``core_incidents.import_id``): removing an
import that added calls or rows to an earlier complaint removes them from it (``analysis.deletion``).

Files without an id column, for profiles with ``id_from_content = true`` (intake): each row's
id is derived from its content (``common.content_ids``: ``h`` + 16 hex of the cleaned values,
dates and times as parsed, the collector's number as its salted hash; identical rows ``-2``,
``-3``…), so every row is a complaint of its own and re-imports of the same rows add nothing.
The report notes warn that rows are matched by content (a corrected row is a new complaint).

Times: ``occurred_at`` local wall-clock time of the debtor, as written in the file (no
conversion). Precision exact (clock time), daypart (上午/晚上/凌晨… only), date_only.
"""
from __future__ import annotations

import gc
import hashlib
import hmac
import json
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analysis import codes, pii
from analysis.db import with_rows
from analysis.ingest.common import (
    ImportRefused, ImportReport, Progress, content_id_warning, content_ids, import_time, latest_date, new_import_id,
    header_key, reopen_reviewed, same_file_import, sha256_bytes,
)
from analysis.ingest.parse import (
    DAYPART_HOURS, DateError, When, ambiguous_slash_date, clean_text, clean_value, lookup_code,
    MAX_CALL_SECONDS, parse_duration_seconds, parse_time, implausible, parse_when, split_list,
)
from analysis.ingest.profiles import FIELDS, Profile, load_profile, missing_required, resolve_columns
from analysis.ingest.reasons import reason as R
from analysis.store import mark_changed
from analysis.ingest.readers import SourceTable, read_source
from analysis.narratives import label_narratives, read_note
from analysis.reviews import evidence_fingerprints, has_reviews
from analysis.rules import TIME_WINDOW_RULES, classify_contact_time, forbidden_hours

#: Methods the time-window rules cover (RULEBOOK.md CN-TIME-01; US-TIME-01 covers every medium).
TIME_RULE_METHODS = frozenset({"phone_call", "voicemail", "sms", "im", "robocall", "visit_home", "visit_work", "email"})
#: Fields whose values are free text: masked before anything is written.
TEXT_FIELDS = ("narrative", "title", "issue", "product", "conduct", "demands", "collector_name")
#: Fields parsed into codes, dates or numbers: their *values* are read from the cell as it is
#: (a date or a code is no personal data); what is stored of the cell as text (the raw record,
#: a quarantined value) is masked like every other cell. A record id that holds personal data
#: (a phone number used as the id) is replaced by a salted hash (``_private_id``).
STRUCTURED_FIELDS = frozenset(FIELDS) - set(TEXT_FIELDS) - {"creditor_name", "collector_number"}
#: Prefix of a record id that replaced one holding personal data.
PRIVATE_ID_PREFIX = "p"
#: A complaint number a spreadsheet program has shown and saved as 1.7370000206E+10: the
#: digits after the mantissa are gone, so it is no longer the platform's number.
SCIENTIFIC_ID = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")
#: A spreadsheet's error values and its true / false, which a formula or a type change leaves in
#: an id column: not a complaint's number (two rows with "#N/A" would be taken for one complaint).
NOT_AN_ID = re.compile(r"#(?:N/A|REF!|VALUE!|DIV/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!|FIELD!|GETTING_DATA)|TRUE|FALSE",
                       re.IGNORECASE)
#: A whole number a spreadsheet or a script wrote with a decimal point (17370000004.0): read as
#: the number; one with a fraction (17370000508.5) is no complaint number. Only for a profile
#: whose ids are numbers (``Profile.numeric_ids``). ASCII digits only.
DECIMAL_ID = re.compile(r"(?P<whole>[0-9]+)\.(?P<frac>[0-9]+)")
NUMBER_TOKEN = "【号码已哈希】"

INCIDENT_COLUMNS = ["incident_id", "complaint_id", "occurred_date", "occurred_at", "occurred_hour", "time_precision",
                    "time_source", "daypart_code", "method_code", "recipient_code", "is_outside_permitted_hours",
                    "time_rule_status", "time_rule_id", "collector_number_hash", "is_connected", "duration_seconds",
                    "import_id"]
COMPLAINT_COLUMNS = ["complaint_id", "source", "source_record_id", "jurisdiction", "received_date", "product",
                     "sub_product", "issue", "sub_issue", "creditor_name", "collector_name", "region", "filed_with",
                     "submission_medium", "outcome_code", "is_timely_response", "response_days", "has_narrative",
                     "narrative", "language", "source_record_hash", "import_id", "source_file", "source_row_number"]
LABEL_COLUMNS = ["complaint_id", "label_kind", "label_code", "label_source", "rule_id", "evidence", "evidence_start",
                 "evidence_end", "pattern_id", "incident_id"]
QA_COLUMNS = ["import_id", "complaint_id", "source_file", "source_row_number", "column_name", "raw_value", "reason"]
QUAR_COLUMNS = ["import_id", "source_file", "source_row_number", "column_name", "raw_value", "reason", "raw_record",
                "sheet_name"]


@dataclass(slots=True)
class Row:
    """One parsed source row (values already masked)."""

    sheet: str | None
    row_number: int
    values: dict[str, str | None]  # field → cleaned text
    raw: dict[str, str]  # header → text written to raw (masked)
    row_hash: str = ""
    incident_hash: str = ""  # of the incident's fields only: the id of the incident a row gives
    record_id: str | None = None
    received: When | None = None
    occurred: When | None = None
    method: str | None = None
    recipient: str | None = None
    outcome: str | None = None
    medium: str | None = None
    demands: list[tuple[str, str]] = field(default_factory=list)  # (code, raw item)
    conducts: list[tuple[str, str]] = field(default_factory=list)
    number_hash: str | None = None
    direction: str | None = None
    connected: bool | None = None
    duration: int | None = None
    qa: list[tuple[str, str | None, str]] = field(default_factory=list)  # (column, value, reason)
    reject: tuple[str, str | None, str] | None = None


@dataclass
class Prepared:
    """A file read, masked, parsed and validated, not yet written: what ``preview`` and the
    dry-run report show, and what ``write_prepared`` commits."""

    profile: Profile
    file_name: str
    file_sha256: str
    table: SourceTable
    mapping: dict[str | None, dict[str, str]]  # sheet → {field: header}
    rows: list[Row]
    bad: list[tuple[str | None, int, list[str], str, list[str]]]  # sheet, row, fields, reason, header
    notes: list[str]

    @property
    def accepted(self) -> list[Row]:
        return [r for r in self.rows if r.reject is None]

    @property
    def quarantined(self) -> list[Row]:
        return [r for r in self.rows if r.reject is not None]


def _h(*parts) -> str:
    return hashlib.md5("\x1f".join(["" if p is None else str(p) for p in parts]).encode("utf-8")).hexdigest()


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector (as a decorator): a large file's rows are millions of
    small objects, none of them in cycles, and repeated collections of them cost more than the
    work itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _needed(prof: Profile, f: str) -> str:
    """How a refusal names required field ``f`` of ``prof``: with the column names that give it
    (in every language the profile knows), or the alternative that gives it as well (an
    incident's time: a date-and-time column, or a date column with an optional time column)."""
    def named(g: str) -> str:
        return (R("refused_field_columns", field=g, columns=" / ".join(prof.columns[g])) if prof.columns.get(g)
                else R("refused_field_unmapped", field=g))
    if f == "occurred_at" and prof.columns.get("occurred_date"):
        return R("refused_field_either", first=named("occurred_at"), second=named("occurred_date"))
    return named(f)


@_gc_paused()
def prepare_file(path: Path, profile: Profile | str, *, data: bytes | None = None, sheet: str | None = None,
                 mapping: dict[str, str | None] | None = None, salt: str = "preview",
                 progress: Progress | None = None, today: date | None = None) -> Prepared:
    """Read, mask, parse and validate a file with a profile, writing nothing.

    ``mapping``: ``{header: field or None}`` to use instead of the profile's column aliases
    (a mapping the user confirmed in the UI). ``salt``: for the number hashes (the real salt
    comes from the database at commit). Raises ``ImportRefused`` when required columns are
    missing (the message lists what was expected and what was found).
    """
    prof = load_profile(profile) if isinstance(profile, str) else profile
    path = Path(path)
    data = path.read_bytes() if data is None else data
    report = progress or (lambda f, m: None)
    report(0.02, R("progress_reading_file", file_name=path.name))
    table = read_source(data, path.name, sheet=sheet)
    today = today or latest_date()
    rows: list[Row] = []
    bad = []
    used_mapping: dict[str | None, dict[str, str]] = {}
    guess = table.encoding_guess
    notes: list[str] = [R("note_encoding", note=guess.note)] if guess and guess.note else []
    if table.zip_member:
        notes.insert(0, R("read_from_zip", member=table.zip_member))
    for sh in table.sheets:
        where = R("where_file_sheet", file=path.name, sheet=sh.name) if sh.name else path.name
        for written, read_as in sh.renamed:
            notes.append(R("column_repeated", where=where, written=written, read_as=read_as))
        if sh.title_rows:
            notes.append(R("title_rows_skipped", where=where, titles=sh.title_rows))
        if sh.merged:
            notes.append(R("merged_cells_filled", where=where, n=len(sh.merged), ranges=", ".join(sh.merged[:5])
                           + (" …" if len(sh.merged) > 5 else "")))
        if mapping:
            cols = {f: sh.header.index(h) for h, f in mapping.items() if f and h in sh.header}
        else:
            cols = resolve_columns(sh.header, prof)
        if not cols and len(table.sheets) > 1 and sheet is None:
            notes.append(R("sheet_skipped", sheet=sh.name, profile=prof.name))
            continue
        missing = missing_required(prof, cols)
        if missing:
            needed = "; ".join(_needed(prof, f) for f in missing)
            raise ImportRefused("refused_profile_columns", where=where, profile=prof.name, needed=needed,
                                found=sh.header)
        used_mapping[sh.name] = {f: sh.header[i] for f, i in cols.items()}
        by_index = {i: f for f, i in cols.items()}
        for n, fields, reason in sh.bad_records:
            bad.append((sh.name, n, [_mask_raw(by_index.get(i), v, public_field(by_index.get(i), prof))
                                     for i, v in enumerate(fields)], reason, sh.header))
        # Column by column: cells repeat heavily (dates, codes, lists, numbers), so each
        # distinct (column, text) is masked and cleaned once.
        width = len(sh.header)
        records = [fields if len(fields) >= width else list(fields) + [""] * (width - len(fields))
                   for _, fields in sh.records]
        columns = list(zip(*records)) if records else [()] * width
        raw_cols, value_cols, value_fields = [], [], []
        for i in range(width):
            f = by_index.get(i)
            col = columns[i]
            raw_of: dict[str, str] = {}
            value_of: dict[str, str | None] = {}
            public = public_field(f, prof)
            for v in set(col):
                raw_of[v], value_of[v] = _clean_cell(f, v, public)
            raw_cols.append(list(map(raw_of.__getitem__, col)))
            if f:
                value_cols.append(list(map(value_of.__getitem__, col)))
                value_fields.append(f)
        header = sh.header
        for (n, _), raw, values in zip(sh.records, zip(*raw_cols), zip(*value_cols) if value_cols else
                                      ((),) * len(records)):
            rows.append(Row(sh.name, n, dict(zip(value_fields, values)), dict(zip(header, raw))))
    report(0.3, R("progress_checking", n=len(rows)))
    memo: dict = {}  # distinct values → parsed results, shared by every row of this file
    for r in rows:
        _parse_row(r, prof, salt, today, memo)
    written = {r.values.get(f) for r in rows for f in ("received_at", "occurred_at", "occurred_date")}
    ambiguous = sorted(v for v in written if ambiguous_slash_date(v))  # each distinct date once
    if ambiguous:
        first = "month" if prof.date_order == "mdy" else "day"
        notes.append(R("dates_ambiguous", n=len(ambiguous), example=ambiguous[0], first=first, profile=prof.name,
                       order=prof.date_order))
    n_content, n_repeats = _assign_content_ids(rows, prof)
    if n_content:
        aliases = " / ".join(prof.columns.get("complaint_id", [])) or "complaint_id"
        notes.append(content_id_warning(R("id_column", aliases=aliases), n_repeats,
                                        each_row_alone=prof.grain == "incident"))
    _mark_duplicates(rows, prof)
    return Prepared(prof, path.name, sha256_bytes(data), table, used_mapping, rows, bad, notes)


def _clean_cell(f: str | None, v: str, public: bool = False) -> tuple[str, str | None]:
    """``(text written to raw, field value)`` of one cell of field ``f`` (None: unmapped);
    ``public``: a published complaint number (``Profile.public_ids``), kept as it is."""
    if public:
        return _mask_raw(f, v, public), clean_value(v)
    if f == "collector_number":
        value = clean_value(v)
        return (NUMBER_TOKEN if value else ""), value
    mv = _mask_raw(f, v)
    if not f:
        return mv, None
    if f == "complaint_id":  # hashed by _private_id when it holds personal data
        return mv, clean_value(v)
    if f in STRUCTURED_FIELDS:  # its value from the cell itself, unless that holds personal data
        return mv, clean_value(v if mv == v else mv)
    return mv, (clean_text(mv) if f in TEXT_FIELDS else clean_value(mv))


def public_field(f: str | None, prof: Profile) -> bool:
    """Field ``f`` holds a platform's published complaint number (``Profile.public_ids``): kept
    as it is wherever it is stored or shown, though 11 digits look like a mobile number."""
    return f == "complaint_id" and prof.public_ids


def _mask_raw(f: str | None, v: str, public: bool = False) -> str:
    """The cell as stored as text (raw record, quarantine): personal data masked in every
    column (dates, amounts and codes with ``structured`` masking); a ``public`` cell
    (``public_field``) as it is."""
    return pii.mask_text(v, structured=f in STRUCTURED_FIELDS) if v and not public else v


def _private_id(record_id: str, salt: str) -> str:
    """``record_id`` itself, or, when it holds personal data (``pii.mask_text`` changes it:
    a phone number, an ID number, an e-mail used as the id), ``p`` + the first 16 hex digits
    of its salted HMAC: stable across re-imports into this database, never the number."""
    if pii.mask_text(record_id) == record_id:
        return record_id
    return PRIVATE_ID_PREFIX + hmac.new(salt.encode(), record_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def _code(r: Row, prof: Profile, lst: str, f: str, default: str | None, unknown: str | None, what: str,
          memo: dict) -> str | None:
    v = r.values.get(f)
    if v is None:
        return default
    key = (lst, v)
    got = memo.get(key)
    if got is None:
        table, keywords = prof.values.get(lst, {}), prof.keywords.get(lst, [])
        several = _several_values(v, table, keywords)
        code = several[0][1] if several else lookup_code(v, table, keywords)
        if several:  # a row has one method, one status: the first written is kept
            got = memo[key] = (code, (f, v, R("code_several", what=what, items=[p for p, _ in several],
                                              first=several[0][0])))
        elif code is None:
            why = (R("code_unknown_set", what=what, value=v, code_list=lst, code=unknown) if unknown
                   else R("code_unknown_empty", what=what, value=v, code_list=lst))
            got = memo[key] = (unknown, (f, v, why))
        else:
            got = memo[key] = (code, None)
    if got[1] is not None:
        r.qa.append(got[1])
    return got[0]


#: Words between two values written in one cell without a list separator ("电话 短信",
#: "phone and text", "phone & sms").
_VALUE_JOINERS = re.compile(r"\s+(?:and|or|&|\+)\s+|\s*[&+和及]\s*|\s+", re.I)


def _several_values(value: str, table: dict[str, str], keywords: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``[(piece as written, its code)]`` when a cell meant to hold one value (a method, a
    recipient, a status) holds several, the first coded piece first; ``[]`` when it holds one.
    Several are: list items (``split_list``) of which at least two give different codes, or one
    gives a code and another none ("电话;飞鸽传书"); else words joined by a space or "and"
    of which at least two give different codes ("电话 短信"; not "Phone call", whose words give
    one code, nor "text message", whose second word gives none). A value that is one entry of
    ``table`` is one value. Values written together without a space ("电话短信") are not
    told apart: the first keyword of ``keywords`` gives their code, as before."""
    if header_key(value) in table:
        return []
    items = _whole_values(split_list(value), table)
    listed = len(items) > 1
    if not listed:
        items = [w for w in _VALUE_JOINERS.split(value.strip()) if w]
    pieces = [(item, lookup_code(item, table, keywords)) for item in items]
    coded = [(item, c) for item, c in pieces if c is not None]
    if len({c for _, c in coded}) > 1 or (listed and coded and len(coded) < len(pieces)):
        return sorted(pieces, key=lambda p: p[1] is None)  # the uncoded after the coded, each in file order
    return []


def _whole_values(items: list[str], table: dict[str, str]) -> list[str]:
    """``items`` (a list cell split by ``split_list``) with neighbours joined again where,
    together, they are one value of ``table``: the dashboard's own labels hold a "/" ("Threat
    of arrest / accusing of crime", "私人号码/微信催收"), which the split took for a separator."""
    out: list[str] = []
    for item in items:
        if out and header_key(out[-1] + item) in table and header_key(item) not in table:
            out[-1] = f"{out[-1]}/{item}"
        else:
            out.append(item)
    return out


def _list_codes(prof: Profile, f: str, text: str | None, memo: dict) -> tuple[list, list]:
    """``(codes, qa)`` of a demands / conduct list cell: ``[(code, raw item)]`` without repeated
    codes, and the QA entries for items not in the profile's value maps (memoised per text)."""
    key = (f, text)
    got = memo.get(key)
    if got is not None:
        return got
    lst = "demand" if f == "demands" else "conduct"
    codes: list[tuple[str, str]] = []
    qa: list[tuple[str, str | None, str]] = []
    for item in _whole_values(split_list(text), prof.values.get(lst, {})):
        code = lookup_code(item, prof.values.get(lst, {}), prof.keywords.get(lst, []))
        if code is None:
            if f == "demands":
                qa.append(("demands", item, R("demand_unknown")))
                code = "OTHER"
            else:
                qa.append(("conduct", item, R("conduct_unknown")))
                continue
        if code not in [c for c, _ in codes]:
            codes.append((code, item))
    memo[key] = (codes, qa)
    return codes, qa


def _parse_row(r: Row, prof: Profile, salt: str, today: date, memo: dict) -> None:
    v = r.values
    order = prof.date_order
    # received
    if v.get("received_at"):
        try:
            r.received = parse_when(v["received_at"], order, prof.midnight_is_date_only)
        except DateError as err:
            r.reject = ("received_at", v["received_at"], R("not_a_date", error=str(err)))
            return
        if r.received.day > today:
            r.reject = ("received_at", v["received_at"], R("date_in_future"))
            return
        if why := implausible(r.received.day):
            r.reject = ("received_at", v["received_at"], why)
            return
    # occurred
    occ_text = v.get("occurred_at")
    col = "occurred_at" if occ_text else "occurred_date"
    try:
        if occ_text:
            r.occurred = parse_when(occ_text, order, prof.midnight_is_date_only)
        elif v.get("occurred_date"):
            d = parse_when(v["occurred_date"], order, prof.midnight_is_date_only)
            if v.get("occurred_time") and d.precision == "exact" and (d.hour, d.minute, d.second) == (0, 0, 0):
                d = When(d.day)  # "2024-12-03 00:00" beside a time column: a date saved with a zero time
            if v.get("occurred_time") and d.precision == "date_only":
                col = "occurred_time"
                t = parse_time(v["occurred_time"])
                day = d.day if not t.day_offset else date.fromordinal(d.day.toordinal() + t.day_offset)
                d = When(day, t.hour, t.minute, t.second, t.precision, t.daypart_code)
            elif v.get("occurred_time"):
                _date_holds_the_time(r, d, v["occurred_time"])
            r.occurred = d
    except DateError as err:
        r.reject = (col, v.get(col), R("not_a_date_time", error=str(err)))
        return
    if r.occurred and r.occurred.day > today:
        r.reject = ("occurred_at", occ_text or v.get("occurred_date"), R("date_in_future"))
        return
    if r.occurred and r.occurred.day and (why := implausible(r.occurred.day)):
        r.reject = ("occurred_at", occ_text, why) if occ_text else ("occurred_date", v.get("occurred_date"), why)
        return
    if (prof.occurred_equal_received_is_not_a_time and r.occurred and occ_text and v.get("received_at")
            and occ_text == v["received_at"]):
        r.occurred = When(r.occurred.day)
        r.qa.append(("occurred_at", occ_text, R("call_time_is_filing_time")))
    # required (an id column present but empty rejects; an absent one may give content ids)
    if (prof.grain != "call" and not prof.id_from_row and not v.get("complaint_id")
            and ("complaint_id" in v or not prof.id_from_content)):
        r.reject = ("complaint_id", v.get("complaint_id"), R("complaint_id_empty"))
        return
    if v.get("complaint_id") and SCIENTIFIC_ID.fullmatch(v["complaint_id"]):
        r.reject = ("complaint_id", v["complaint_id"], R("complaint_id_scientific"))
        return
    if v.get("complaint_id") and NOT_AN_ID.fullmatch(v["complaint_id"].strip()):
        r.reject = ("complaint_id", v["complaint_id"], R("complaint_id_not_an_id"))
        return
    if prof.numeric_ids and v.get("complaint_id") and (dm := DECIMAL_ID.fullmatch(v["complaint_id"].strip())):
        if dm["frac"].strip("0"):
            r.reject = ("complaint_id", v["complaint_id"], R("complaint_id_fraction"))
            return
        r.qa.append(("complaint_id", v["complaint_id"], R("complaint_id_decimal", number=dm["whole"])))
        v["complaint_id"] = dm["whole"]
    if "received_at" in prof.required and r.received is None and not (prof.grain == "incident" and r.occurred):
        r.reject = ("received_at", v.get("received_at"), R("filing_date_empty"))
        return
    if "occurred_at" in prof.required and r.occurred is None:
        r.reject = ("occurred_at", None, R("contact_time_empty"))
        return
    if prof.grain == "call" and (r.occurred is None or r.occurred.precision != "exact"):
        r.reject = ("occurred_at", occ_text or v.get("occurred_date"), R("call_needs_clock"))
        return
    # codes
    r.method = _code(r, prof, "method", "method", prof.default_method, "unknown", "method", memo)
    r.recipient = _code(r, prof, "recipient", "recipient", prof.default_recipient, "unknown", "recipient", memo)
    r.outcome = _code(r, prof, "outcome", "status", None, None, "status", memo)
    r.medium = _code(r, prof, "submission_medium", "submission_medium", prof.submission_medium, None, "medium",
                     memo)
    for f, out in (("demands", r.demands), ("conduct", r.conducts)):
        if v.get(f):
            codes, qa = _list_codes(prof, f, v[f], memo)
            out.extend(codes)
            r.qa.extend(qa)
    number = v.get("collector_number")
    if number:
        key = ("collector_number", number)
        if key not in memo:
            memo[key] = pii.hash_number(number, salt, prof.number_region)
        r.number_hash = memo[key]
    if v.get("direction"):
        r.direction = lookup_code(v["direction"], prof.values.get("direction", {}), [])
        if r.direction is None:
            r.qa.append(("direction", v["direction"], R("direction_unknown")))
    if v.get("answered"):
        a = lookup_code(v["answered"], prof.values.get("answered", {}), [])
        r.connected = {"true": True, "false": False}.get(a or "")
        if a is None:
            r.qa.append(("answered", v["answered"], R("answered_unknown")))
    if v.get("duration"):
        try:
            r.duration = parse_duration_seconds(v["duration"])
        except ValueError:
            r.qa.append(("duration", v["duration"], R("duration_bad")))
        except OverflowError:
            r.qa.append(("duration", v["duration"], R("duration_implausible", limit=MAX_CALL_SECONDS)))
    if r.connected is None and r.duration is not None and prof.grain == "call":
        r.connected = r.duration > 0
    if r.direction is None and prof.grain == "call" and v.get("answered") and "未接" in v["answered"]:
        r.direction = "in"
    # Row hash: the fields in name order (one order per set of fields, i.e. per sheet).
    fields = ("row hash order", tuple(v))
    hash_order = memo.get(fields)
    if hash_order is None:
        hash_order = memo[fields] = [k for k in sorted(fields[1]) if k != "collector_number"]
    parts = [f"{k}={v[k]}" for k in hash_order]
    parts.append("" if r.number_hash is None else r.number_hash)
    r.row_hash = hashlib.md5("\x1f".join(parts).encode("utf-8")).hexdigest()  # = _h(*parts)
    key_fields = memo.get(("incident key fields", fields[1]))
    if key_fields is None:
        key_fields = memo[("incident key fields", fields[1])] = [
            k for k in hash_order if k not in NOT_IN_INCIDENT_KEY and k not in _WHEN_FIELDS]
    r.incident_hash = _incident_hash(r, key_fields, memo.setdefault("incident key texts", {}))
    r.record_id = (_private_id(v["complaint_id"], salt) if v.get("complaint_id") and not prof.public_ids
                   else v.get("complaint_id"))


def _date_holds_the_time(r: Row, d: When, time_text: str) -> None:
    """A date cell that already holds a time (``d``) wins over the time column beside it; a
    QA note on ``r`` says so when the time column says something else (another clock time,
    a part of day, or no time that can be read)."""
    try:
        t = parse_time(time_text)
        same = (t.precision, t.hour, t.minute, t.daypart_code, t.day_offset) == (
            d.precision, d.hour, d.minute, d.daypart_code, 0)
    except DateError:
        same = False
    if not same:
        shown = f"{d.hour:02d}:{d.minute:02d}" if d.precision == "exact" else codes.label("daypart", d.daypart_code,
                                                                                            "en")
        r.qa.append(("occurred_time", time_text, R("time_beside_timed_date", shown=shown)))


def _incident_hash(r: Row, fields: list[str], texts: dict[str, str]) -> str:
    """The hash an intake row's incident id is made of: the contact's cells as read, not as
    written, so a row written again in a later file is the same incident. ``fields``: the row's
    fields but the complaint's one-value fields and the demands (``NOT_IN_INCIDENT_KEY``: the
    complaint's, repeated on its rows; a status that moved on in a running log, or demands
    filled in later, do not make its rows new incidents) and the time cells (``_WHEN_FIELDS``:
    read as parsed instead, so ``2024-12-03`` and ``2024/12/3``, a date-time or a date and a
    time column are one time); ``texts``: a cache of text cells as compared, kept across the
    rows of a file. Read: coded cells by their codes (``PHONE `` and ``phone``; a conduct list as
    its set of codes, however ordered and separated), an uncoded one and other text cells
    (what was said) in lower case with single spaces; the number by its salted hash; an empty
    cell and an absent column alike."""
    parts = [f"occurred={_when_key(r.occurred)}", f"number={r.number_hash or ''}"]
    v = r.values
    for k in fields:
        text = v[k]
        if text is None:
            continue
        if k == "method" and r.method not in (None, "unknown"):
            parts.append(f"method={r.method}")
        elif k == "recipient" and r.recipient not in (None, "unknown"):
            parts.append(f"recipient={r.recipient}")
        elif k == "conduct" and r.conducts:
            parts.append("conduct=" + ",".join(sorted({c for c, _ in r.conducts})))
        elif k == "direction" and r.direction is not None:
            parts.append(f"direction={r.direction}")
        elif k == "answered" and r.connected is not None:
            parts.append(f"answered={r.connected}")
        elif k == "duration" and r.duration is not None:
            parts.append(f"duration={r.duration}")
        else:
            norm = texts.get(text)
            if norm is None:
                norm = " ".join(text.lower().split())
                if len(text) <= 64:  # codes and short values repeat; what was said seldom does
                    texts[text] = norm
            parts.append(f"{k}={norm}")
    return hashlib.md5("\x1f".join(parts).encode("utf-8")).hexdigest()


def _when_key(w: When | None) -> str:
    if w is None:
        return ""
    return f"{w.day.isoformat() if w.day else ''} {w.hour}:{w.minute}:{w.second} {w.precision} {w.daypart_code}"


def _assign_content_ids(rows: list[Row], prof: Profile) -> tuple[int, int]:
    """Give accepted rows of sheets without an id column (profiles with ``id_from_content``) an
    id from ``content_ids``. The key: cleaned (masked) field values by field name, empty ones
    left out; received / occurred date and time as parsed (so ``2024-12-03`` and ``2024/12/3``,
    or one date-time column and a date + time pair, give the same id); the collector's number
    as its salted hash. The row's ``row_hash`` becomes the MD5 of the same key. Returns
    ``(rows given an id, rows identical to an earlier one)``."""
    if prof.id_from_row or not prof.id_from_content:
        return 0, 0
    todo = [r for r in rows if not r.reject and r.record_id is None and "complaint_id" not in r.values]
    keys = []
    for r in todo:
        parts = [f"{k}={val}" for k, val in sorted(r.values.items())
                 if val is not None and k not in _WHEN_FIELDS and k != "collector_number"]
        parts += [f"received={_when_key(r.received)}", f"occurred={_when_key(r.occurred)}",
                  f"number={r.number_hash or ''}"]
        keys.append("\x1f".join(parts))
    ids = content_ids(keys)
    for r, rid, key in zip(todo, ids, keys):
        r.record_id = rid
        # the row's content hash (incident ids, unchanged / updated) from the same key, so a
        # re-saved file with other date forms finds its rows unchanged
        r.row_hash = r.incident_hash = hashlib.md5(key.encode("utf-8")).hexdigest()
    return len(ids), sum(1 for i in ids if "-" in i)


_WHEN_FIELDS = frozenset({"received_at", "occurred_at", "occurred_date", "occurred_time"})


#: How many leading zeros a complaint id may have lost (or gained) and still be looked for as
#: the same complaint (``_zero_variants``): a spreadsheet program drops all of them, and ids
#: are seldom padded with more.
MAX_LOST_ZEROS = 4


def _zero_variants(record_id: str) -> list[str]:
    """Other spellings of an all-digit ``record_id`` with 0 to ``MAX_LOST_ZEROS`` leading zeros
    (``"0123"`` → ``["123", "00123", "000123", "0000123"]``); ``[]`` for any other id."""
    if not record_id or not record_id.isdigit() or not record_id.lstrip("0"):
        return []
    bare = record_id.lstrip("0")
    return [v for v in ("0" * k + bare for k in range(MAX_LOST_ZEROS + 1)) if v != record_id]


def _digits_key(record_id: str | None) -> str | None:
    """An all-digit id without its leading zeros (the key two spellings share), else None."""
    return record_id.lstrip("0") if _zero_variants(record_id or "") else None


def _mark_duplicates(rows: list[Row], prof: Profile) -> None:
    """Reject repeated rows of a file: a complaint id given twice (complaint grain), also when
    the two differ only in leading zeros (``complaint_id_zeros_file``: a spreadsheet dropped
    them from some rows); the same row twice (incident and call grain); ids from rows
    (``id_from_row``) numbered instead."""
    first: dict[str, Row] = {}
    by_digits: dict[str, Row] = {}
    count: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.reject or (r.record_id is not None and "complaint_id" not in r.values and not prof.id_from_row):
            continue  # rejected, or an id from content (identical rows already told apart)
        if prof.id_from_row:
            count[r.row_hash] += 1
            r.record_id = r.row_hash[:16] + (f"-{count[r.row_hash]}" if count[r.row_hash] > 1 else "")
            continue
        key = (r.record_id if prof.grain == "complaint" else (r.record_id, r.incident_hash) if prof.grain == "incident"
               else r.row_hash)
        if key in first:
            f = first[key]
            where = (R("where_sheet_row", sheet=f.sheet, row=f.row_number) if f.sheet
                     else R("where_row", row=f.row_number))
            if prof.grain == "complaint":
                r.reject = ("complaint_id", r.record_id, R("complaint_id_repeated", where=where))
            elif r.row_hash == f.row_hash:
                r.reject = (None, None, R("row_repeated", where=where))
            else:
                r.reject = (None, None, R("incident_repeated", where=where))
            continue
        digits = _digits_key(r.record_id) if prof.grain == "complaint" else None
        if digits is not None and digits in by_digits:
            f = by_digits[digits]
            where = (R("where_sheet_row", sheet=f.sheet, row=f.row_number) if f.sheet
                     else R("where_row", row=f.row_number))
            r.reject = ("complaint_id", r.record_id, R("complaint_id_zeros_file", other=f.record_id, where=where))
            continue
        first[key] = r
        if digits is not None:
            by_digits[digits] = r


# --------------------------------------------------------------------------------------------
# Time rules
# --------------------------------------------------------------------------------------------

def time_rule(jurisdiction: str, method: str | None, w: When | None) -> tuple[bool | None, str, str | None]:
    """``(is_outside_permitted_hours, time_rule_status, time_rule_id)`` of one field incident.

    Exact times are checked with ``analysis.rules.classify_contact_time``; a part of day lying
    wholly in the forbidden window (凌晨, 半夜) is ``outside``; anything else ``unknown``. Only
    for methods the time rules cover (``TIME_RULE_METHODS``) and known jurisdictions.
    """
    if w is None or jurisdiction not in TIME_WINDOW_RULES or method not in TIME_RULE_METHODS:
        return None, "unknown", None
    if w.precision == "exact":
        status, rule_id = classify_contact_time(jurisdiction, w.hour, w.minute, w.second or 0)
        return status == "outside", status, rule_id
    if w.precision == "daypart" and _daypart_forbidden(jurisdiction, w.daypart_code):
        return True, "outside", TIME_WINDOW_RULES[jurisdiction].rule_id
    return None, "unknown", None


@lru_cache(maxsize=None)
def _daypart_forbidden(jurisdiction: str, daypart_code: str | None) -> bool:
    """True when the part of day lies wholly in the jurisdiction's forbidden hours."""
    if daypart_code not in DAYPART_HOURS:
        return False
    s, e = DAYPART_HOURS[daypart_code]
    hours = list(range(s, e)) if s < e else list(range(s, 24)) + list(range(0, e))
    return set(hours) <= set(forbidden_hours(jurisdiction))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame | pa.Table) -> None:
    if not len(frame):
        return
    cols = ", ".join(frame.column_names if isinstance(frame, pa.Table) else frame.columns)
    with_rows(con, frame, f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _rows")


#: Arrow types of the columns that are not text (every other column is ``pa.string()``).
_ARROW_TYPES = {
    "occurred_date": pa.date32(), "occurred_at": pa.timestamp("s"), "occurred_hour": pa.int64(),
    "is_outside_permitted_hours": pa.bool_(), "is_connected": pa.bool_(), "duration_seconds": pa.int64(),
    "received_date": pa.date32(), "source_row_number": pa.int64(), "has_narrative": pa.bool_(),
    "is_timely_response": pa.bool_(), "response_days": pa.int64(), "evidence_start": pa.int64(),
    "evidence_end": pa.int64(),
}


def _arrow_column(name: str, values: list) -> pa.Array:
    t = _ARROW_TYPES.get(name, pa.string())
    try:
        return pa.array(values, type=t)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if t != pa.string():
            raise
        return pa.array([None if v is None else str(v) for v in values], type=t)


def _arrow_table(columns: dict[str, list]) -> pa.Table:
    """A table built column by column from Python lists (text columns as Arrow strings, the
    others typed by ``_ARROW_TYPES``): DuckDB reads it directly, without pandas."""
    return pa.Table.from_arrays([_arrow_column(c, v) for c, v in columns.items()], names=list(columns))


def _dicts_table(rows: list[dict], columns: list[str]) -> pa.Table:
    return _arrow_table({c: [d.get(c) for d in rows] for c in columns})


def _tuples_table(rows: list[tuple], columns: list[str]) -> pa.Table:
    cols = list(zip(*rows)) if rows else [()] * len(columns)
    return _arrow_table({c: list(v) for c, v in zip(columns, cols)})


def ensure_source(con: duckdb.DuckDBPyConnection, prof: Profile) -> None:
    """Write (replace) the profile's ``meta_sources`` row."""
    row = {"source": prof.source, "name_en": prof.source_row.get("name_en", prof.label_en),
           "name_zh": prof.source_row.get("name_zh", prof.label_zh), "publisher": prof.source_row.get("publisher"),
           "jurisdiction": prof.jurisdiction, "is_synthetic": bool(prof.source_row.get("is_synthetic", False)),
           "note_en": prof.source_row.get("note_en"), "note_zh": prof.source_row.get("note_zh")}
    con.execute("DELETE FROM meta_sources WHERE source = ?", [prof.source])
    cols = list(row)
    con.execute(f"INSERT INTO meta_sources ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [row[c] for c in cols])


def import_profile_file(con: duckdb.DuckDBPyConnection, path: Path, profile: Profile | str, *,
                        data: bytes | None = None, sheet: str | None = None,
                        mapping: dict[str, str | None] | None = None, complaint_id: str | None = None,
                        imported_by: str = "unknown", progress: Progress | None = None,
                        replace: bool = False) -> ImportReport:
    """Import one file with a profile into the database open in ``con`` (inside a transaction).

    ``complaint_id``: for ``call`` profiles, the complaint (``core_complaints.complaint_id``)
    the log is evidence for; None makes a new complaint. ``replace``: for ``incident``
    profiles, the file corrects the complaints it names (see the module docstring). Every data row ends in core
    (accepted or already present) or in ``core_quarantine`` with file, sheet, row, column and
    reason. Same file bytes imported before with this profile: nothing added.
    Raises ``ImportRefused`` (nothing written). Returns an ``ImportReport``.
    """
    prof = load_profile(profile) if isinstance(profile, str) else profile
    report = progress or (lambda f, m: None)
    salt = pii.get_salt(con)
    prep = prepare_file(Path(path), prof, data=data, sheet=sheet, mapping=mapping, salt=salt,
                        progress=lambda f, m: report(f * 0.5, m))
    return write_prepared(con, prep, complaint_id=complaint_id, imported_by=imported_by,
                          progress=lambda f, m: report(0.5 + f * 0.5, m), replace=replace)


@_gc_paused()
def write_prepared(con: duckdb.DuckDBPyConnection, prep: Prepared, *, complaint_id: str | None = None,
                   imported_by: str = "unknown", progress: Progress | None = None,
                   replace: bool = False) -> ImportReport:
    """Commit a ``Prepared`` file (see ``import_profile_file``). Raises ``ImportRefused``
    (``refused_replace_grain``, ``refused_replace_no_ids``) for ``replace`` on a profile that
    is not of the ``incident`` grain or a sheet without an id column."""
    prof = prep.profile
    if replace:
        check_replace(prep)
        _hold_back_incomplete(prep)
    report = progress or (lambda f, m: None)
    enc = prep.table.encoding
    rep = ImportReport(new_import_id(), prep.file_name, prep.file_sha256, enc)
    rep.row_count = len(prep.rows) + len(prep.bad)
    rep.notes.extend(prep.notes)
    ensure_source(con, prof)
    target = None
    if prof.grain == "call":
        if complaint_id:
            found = next(iter(con.execute("SELECT complaint_id, jurisdiction FROM core_complaints "
                                          "WHERE complaint_id = ?", [complaint_id]).fetchall()), None)
            if not found:
                raise ImportRefused("refused_no_complaint", complaint_id=complaint_id)
            target = found
        else:
            target = (f"{prof.source}:{prep.file_sha256[:12]}", prof.jurisdiction)
    # the same bytes read the same way: another sheet or another column mapping is another reading
    settings = read_settings(prep, replace)
    seen = same_file_import(con, prep.file_sha256, prof.name, settings)
    if seen and prof.grain != "call":  # call logs: the calls themselves tell repeats (the target may differ)
        # the rows quarantined then are still quarantined (not "already present")
        rep.status, rep.quarantined_count = "already_imported", seen[2]
        rep.unchanged_count = rep.row_count - seen[2]
        rep.notes.append(R("same_file", import_id=seen[0]))
        _record_import(con, rep, prof, imported_by, settings)
        return rep
    if prof.grain != "call":
        _reject_zero_spellings(con, prep)
    report(0.05, R("progress_raw_rows"))
    _write_raw(con, prep, rep)
    _write_quarantine(con, prep, rep)
    report(0.3, R("progress_complaints"))
    reviewed_before: dict[str, str] = {}  # the reviewed complaints of the file, to reopen those it changes
    if has_reviews(con):
        file_cids = ([target[0]] if prof.grain == "call"
                     else sorted({f"{prof.source}:{r.record_id}" for r in prep.accepted}))
        with_rows(con, _arrow_table({"cid": file_cids}),
                  "CREATE OR REPLACE TEMP TABLE _file_cids AS SELECT cid FROM _rows")
        reviewed_before = evidence_fingerprints(con, "SELECT cid FROM _file_cids")
        con.execute("DROP TABLE _file_cids")
    if prof.grain == "complaint":
        changed = _write_complaint_grain(con, prep, rep)
    elif prof.grain == "incident":
        changed = _write_incident_grain(con, prep, rep, replace)
    else:
        changed = _write_call_grain(con, prep, rep, target)
    report(0.7, R("progress_narratives"))
    if changed:
        mark_changed(con, sorted(changed))
        with_rows(con, _arrow_table({"cid": sorted(changed)}),
                  "CREATE OR REPLACE TEMP TABLE _changed_cids AS SELECT cid FROM _rows")
        found = label_narratives(con, "SELECT cid FROM _changed_cids")
        reopen_reviewed(con, rep, reviewed_before, imported_by)
        con.execute("DROP TABLE IF EXISTS _changed_cids")
        if found["narratives"]:
            rep.notes.append(read_note(found))
    qa_counts = con.execute("SELECT reason, count(*) FROM core_qa_issues WHERE import_id = ? GROUP BY reason "
                            "ORDER BY reason", [rep.import_id]).fetchall()
    rep.qa_issue_count = sum(n for _, n in qa_counts)
    for reason, n in qa_counts:
        if reason == R("call_time_is_filing_time"):
            rep.notes.append(R("quality_call_time", n=n))
    _record_import(con, rep, prof, imported_by, settings)
    report(1.0, R("progress_done"))
    return rep


def _reject_zero_spellings(con, prep: Prepared) -> None:
    """Reject (``complaint_id_zeros_db``) each accepted row whose all-digit complaint id is not
    in the database while the same id with more or fewer leading zeros (``_zero_variants``) is,
    for the profile's source: a spreadsheet program dropped the zeros (or an earlier file had
    lost them), and importing the row would count one complaint twice. Looks up at most
    ``MAX_LOST_ZEROS + 1`` ids per row, so the cost follows the file, not the database."""
    prefix = f"{prep.profile.source}:"
    rows = [r for r in prep.accepted if r.record_id and _zero_variants(r.record_id)]
    if not rows:
        return
    own = _existing(con, "core_complaints", "complaint_id", sorted({prefix + r.record_id for r in rows}))
    rows = [r for r in rows if prefix + r.record_id not in own]
    variants = sorted({prefix + v for r in rows for v in _zero_variants(r.record_id)})
    found = _existing(con, "core_complaints", "complaint_id", variants)
    for r in rows:
        other = next((v for v in _zero_variants(r.record_id) if prefix + v in found), None)
        if other is not None:
            r.reject = ("complaint_id", r.record_id, R("complaint_id_zeros_db", other=other))


def _write_raw(con, prep: Prepared, rep: ImportReport) -> None:
    n = len(prep.rows)
    frame = _arrow_table({
        "import_id": [rep.import_id] * n, "source_file": [rep.source_file] * n,
        "source_row_number": [r.row_number for r in prep.rows],
        "sheet_name": [r.sheet for r in prep.rows], "profile": [prep.profile.name] * n,
        "raw_record": _raw_json(prep.rows)})
    _insert(con, "raw_generic__rows", frame)


def _raw_json(rows: list[Row]) -> list[str]:
    """``json.dumps(r.raw, ensure_ascii=False)`` of every row, built from ``"header": value``
    pieces each encoded once per distinct (header, text) pair (cells repeat a lot)."""
    piece: dict[tuple[str, str], str] = {}

    def encode(kv: tuple[str, str]) -> str:
        text = piece[kv] = f"{json.dumps(kv[0], ensure_ascii=False)}: {json.dumps(kv[1], ensure_ascii=False)}"
        return text

    return ["{" + ", ".join([piece.get(kv) or encode(kv) for kv in r.raw.items()]) + "}" for r in rows]


def _write_quarantine(con, prep: Prepared, rep: ImportReport) -> None:
    out = []
    for sheet, n, fields, reason, header in prep.bad:
        rec = json.dumps(dict(zip(header, fields)) if len(fields) == len(header) else fields, ensure_ascii=False)
        out.append((rep.import_id, rep.source_file, n, None, None, reason, rec, sheet))
    for r in prep.quarantined:
        col, val, reason = r.reject
        header = prep.mapping.get(r.sheet, {}).get(col, col) if col else None
        keep = public_field(col, prep.profile)
        structured = col in STRUCTURED_FIELDS
        out.append((rep.import_id, rep.source_file, r.row_number, header,
                    val if keep else pii.mask_text(val, structured=structured),
                    reason if keep else pii.mask_text(reason, structured=structured),
                    json.dumps(r.raw, ensure_ascii=False), r.sheet))
    rep.quarantined_count = len(out)
    _insert(con, "core_quarantine", _tuples_table(out, QUAR_COLUMNS))


def _incident_dict(iid: str, cid: str, jur: str, r: Row, import_id: str, rule: tuple | None = None) -> tuple:
    """One ``core_incidents`` row (in ``INCIDENT_COLUMNS`` order) written by import ``import_id``;
    ``rule``: ``time_rule(jur, r.method, r.occurred)`` if known."""
    w = r.occurred
    outside, status, rule_id = rule or time_rule(jur, r.method, w)
    if w is None:
        return (iid, cid, None, None, None, "unknown", "field", None, r.method or "unknown",
                r.recipient or "unknown", outside, status, rule_id, r.number_hash, r.connected, r.duration, import_id)
    exact = w.precision == "exact"
    return (iid, cid, w.day, w.at if exact else None, w.hour if exact else None, w.precision, "field",
            w.daypart_code if w.precision == "daypart" else None, r.method or "unknown", r.recipient or "unknown",
            outside, status, rule_id, r.number_hash, r.connected, r.duration, import_id)


def _incident_frame(rows: list[tuple]) -> pa.Table:
    return _tuples_table(rows, INCIDENT_COLUMNS)


def _has_incident(prof: Profile, r: Row) -> bool:
    return r.occurred is not None or r.values.get("method") is not None or r.number_hash is not None


def _language(text: str | None) -> str | None:
    if not text:
        return None
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return "zh" if cjk >= max(1, len(text) // 20) else "en"


def _complaint_dict(prof: Profile, cid: str, r: Row, rep: ImportReport, narrative: str | None,
                    record_hash: str, received: date | None, jur: str) -> tuple:
    """One ``core_complaints`` row, in ``COMPLAINT_COLUMNS`` order."""
    v = r.values
    return (cid, prof.source, cid.split(":", 1)[1], jur, received, v.get("product") or prof.product, None,
            v.get("issue"), None,
            v.get("creditor_name"), v.get("collector_name"), v.get("region"), prof.filed_with, r.medium, r.outcome,
            None, None, narrative is not None, narrative, _language(narrative), record_hash, rep.import_id,
            rep.source_file, r.row_number)


def _complaint_frame(rows: list[tuple]) -> pa.Table:
    return _tuples_table(rows, COMPLAINT_COLUMNS)


def _labels_for(cid: str, r: Row, prep: Prepared, jur: str, rule: tuple | None = None,
                cache: dict | None = None, incident_id: str | None = None) -> list[tuple]:
    """Field labels of one row (``LABEL_COLUMNS`` tuples); ``cache``: a dict kept across the rows
    of one file (evidence prefixes per sheet); ``incident_id``: the incident an intake row's
    labels go with (None for a complaint-level export's: they go with their complaint)."""
    pieces = cache.get(r.sheet) if cache is not None else None
    if pieces is None:
        hdr = prep.mapping.get(r.sheet, {})
        name = prep.profile.name
        pieces = (hdr, f"{hdr.get('demands', 'demands')}: ", f"profile:{name}:demands",
                  f"{hdr.get('conduct', 'conduct')}: ", f"profile:{name}:conduct")
        if cache is not None:
            cache[r.sheet] = pieces
    hdr, d_prefix, d_pattern, c_prefix, c_pattern = pieces
    out = _time_label(cid, r, prep, jur, hdr, rule, incident_id) if rule is None or rule[0] else []
    for code, item in r.demands:
        out.append((cid, "demand", code, "field", None, f"{d_prefix}{item}", None, None, d_pattern, incident_id))
    timed = {t[2] for t in out}  # a row's conduct cell that also says "inconvenient time": one label
    for code, item in r.conducts:
        if code not in timed:
            out.append((cid, "conduct", code, "field", None, f"{c_prefix}{item}", None, None, c_pattern, incident_id))
    return out


def _time_label(cid: str, r: Row, prep: Prepared, jur: str, hdr: dict, rule: tuple | None = None,
                incident_id: str | None = None) -> list[tuple]:
    out = []
    if not prep.profile.is_debt_collection:  # e.g. FTC unwanted calls: hours charted, no conduct flag
        return out
    w = r.occurred
    outside, status, rule_id = rule or time_rule(jur, r.method, w)
    if outside:
        shown = r.values.get("occurred_at") or " ".join(x for x in (r.values.get("occurred_date"),
                                                                     r.values.get("occurred_time")) if x)
        out.append((cid, "conduct", "TIME_INCONVENIENT", "field", rule_id,
                    f"{hdr.get('occurred_at') or hdr.get('occurred_date', 'time')}: {shown}", None, None,
                    f"profile:{prep.profile.name}:time", incident_id))
    return out


def _label_frame(rows: list[tuple]) -> pa.Table:
    seen, uniq = set(), []
    for t in rows:
        k = (t[0], t[1], t[2])
        if k not in seen:
            seen.add(k)
            uniq.append(t)
    return _tuples_table(uniq, LABEL_COLUMNS)


def _qa_rows(rep: ImportReport, cid: str, r: Row, prep: Prepared, entries: list | None = None) -> list[tuple]:
    """``core_qa_issues`` rows of ``entries`` (``(field, value, reason)``; None: all of ``r.qa``)."""
    hdr = prep.mapping.get(r.sheet, {})
    return [(rep.import_id, cid, rep.source_file, r.row_number, hdr.get(col, col), val, reason)
            for col, val, reason in (r.qa if entries is None else entries)]


def _qa_frame(rows: list[tuple]) -> pa.Table:
    return _tuples_table(rows, QA_COLUMNS)


def _existing(con, table: str, key: str, values: list[str], extra: str = "") -> dict:
    if not values:
        return {}
    res = with_rows(con, _arrow_table({"k": values}), f"SELECT t.{key}{', t.' + extra if extra else ''} "
                    f"FROM {table} t JOIN _keys ON _keys.k = t.{key}", name="_keys").fetchall()
    return {r[0]: (r[1] if extra else True) for r in res}


def _delete_complaints(con, cids: list[str]) -> None:
    if not cids:
        return
    with_rows(con, _arrow_table({"cid": cids}), "CREATE OR REPLACE TEMP TABLE _del AS SELECT cid FROM _rows")
    for t in ("core_complaint_labels", "core_incidents", "core_qa_issues", "core_complaints"):
        con.execute(f"DELETE FROM {t} WHERE complaint_id IN (SELECT cid FROM _del)")
    con.execute("DROP TABLE _del")


def _write_complaint_grain(con, prep: Prepared, rep: ImportReport) -> set[str]:
    prof = prep.profile
    acc = prep.accepted
    cid_of = {id(r): f"{prof.source}:{r.record_id}" for r in acc}
    existing = _existing(con, "core_complaints", "complaint_id", list(cid_of.values()), "source_record_hash")
    complaints, incidents, labels, qa, replace = [], [], [], [], []
    for r in acc:
        cid = cid_of[id(r)]
        old = existing.get(cid)
        if old is not None and old == r.row_hash:
            rep.unchanged_count += 1
            continue
        if old is not None:
            replace.append(cid)
            rep.updated_count += 1
        narrative = r.values.get("narrative") or (r.values.get("title") if prof.grain == "complaint" else None)
        received = r.received.day if r.received else (r.occurred.day if r.occurred else None)
        complaints.append(_complaint_dict(prof, cid, r, rep, narrative, r.row_hash, received, prof.jurisdiction))
        if _has_incident(prof, r):
            incidents.append(_incident_dict(f"{cid}#f1", cid, prof.jurisdiction, r, rep.import_id))
        labels.extend(_labels_for(cid, r, prep, prof.jurisdiction))
        qa.extend(_qa_rows(rep, cid, r, prep))
    if replace:  # an outcome only moves on from "in progress": going back means an older export came later
        new_outcome = {cid_of[id(r)]: r.outcome for r in acc}
        old_outcome = _existing(con, "core_complaints", "complaint_id", replace, "outcome_code")
        back = sum(1 for cid in replace if new_outcome.get(cid) == "in_progress"
                   and old_outcome.get(cid) not in (None, "in_progress"))
        if back:
            rep.notes.append(R("outcome_back_in_progress", n=back))
    missing = _fields_not_in_file(prep)
    if replace and missing:
        _snapshot(con, replace)
    _delete_complaints(con, replace)
    _insert(con, "core_complaints", _complaint_frame(complaints))
    _insert(con, "core_incidents", _incident_frame(incidents))
    _insert(con, "core_complaint_labels", _label_frame(labels))
    _insert(con, "core_qa_issues", _qa_frame(qa))
    if replace and missing:
        _keep_what_the_file_lacks(con, missing, rep)
    rep.accepted_count = len(complaints)
    return {c[0] for c in complaints}


#: Field of a profile → core_complaints columns it fills (for updates from files lacking it).
_FIELD_COLUMNS = {
    "creditor_name": ("creditor_name",), "collector_name": ("collector_name",), "region": ("region",),
    "product": ("product",), "issue": ("issue",), "status": ("outcome_code",),
    "submission_medium": ("submission_medium",), "narrative": ("narrative", "has_narrative", "language"),
}
#: Complaint-level fields of an incident-grain row that hold one value per complaint (the
#: narrative is not one: the rows' texts are joined): the first row that gives one sets it.
_ONE_VALUE_FIELDS = tuple(f for f in _FIELD_COLUMNS if f != "narrative")
#: Fields left out of an intake row's incident id (``Row.incident_hash``): the complaint's, not
#: the contact's. Rows written before this id was used keep their id from the whole row.
NOT_IN_INCIDENT_KEY = frozenset(_ONE_VALUE_FIELDS) | {"received_at", "demands"}
#: Field → label kind kept from the old version when the file lacks the field.
_FIELD_LABELS = {"demands": "demand", "conduct": "conduct"}


def _row_values(r: Row):
    """``(field, value)`` of each complaint-level field (``_ONE_VALUE_FIELDS``) row ``r`` gives,
    as ``core_complaints`` stores it: the code for status and channel, the text otherwise; an
    empty cell or a code not understood (it has its own QA note) gives none."""
    v = r.values
    for f in _ONE_VALUE_FIELDS:
        if v.get(f) is None:
            continue
        val = r.outcome if f == "status" else r.medium if f == "submission_medium" else v[f]
        if val is not None:
            yield f, val


def _shown_value(f: str, val: str) -> str:
    """A complaint-level value as an import note names it: a status or channel by its English
    label (the notes' Chinese text shows the Chinese one), a text as stored."""
    lst = {"status": "outcome", "submission_medium": "submission_medium"}.get(f)
    return codes.label(lst, val, "en") if lst else val


def _first_values(rows: list[Row], kept: dict[str, str | None], differs: str,
                  fill: bool = True) -> list[tuple[Row, tuple]]:
    """Complaint-level values of ``rows`` (one complaint's, in file order) against ``kept``
    (field → value the complaint has): a row that gives another value gets the QA note
    ``differs`` (a ``reasons`` key) naming the value kept (values that differ only in case,
    spaces or punctuation are the same); where the complaint has none, the row's value is
    kept when ``fill`` (rows of a new complaint) and noted as not used otherwise (a later file
    does not change a complaint an earlier import made: removing that file could not undo it).
    So no value of a file is dropped without a word. Returns the notes added, ``[(row, entry)]``
    (each also in ``row.qa``)."""
    said = []
    for r in rows:
        for f, val in _row_values(r):
            if val == kept.get(f):
                continue
            if kept.get(f) is None:
                if fill:
                    kept[f] = val
                    continue
                entry = (f, r.values[f], R("complaint_value_not_filled"))
            elif val != kept[f] and header_key(val) != header_key(kept[f]):
                entry = (f, r.values[f], R(differs, kept=_shown_value(f, kept[f])))
            else:
                continue
            r.qa.append(entry)
            said.append((r, entry))
    return said


def _values_differ(rows: list[Row], stored: dict[str, str | None]) -> bool:
    """Whether ``rows`` (one complaint's, in file order) give a complaint-level value other than
    ``stored`` (the complaint's; a field the rows leave empty says nothing): a correction
    rebuilds such a complaint."""
    first: dict[str, str] = {}
    for r in rows:
        for f, val in _row_values(r):
            first.setdefault(f, val)
    return any(stored.get(f) is None or header_key(val) != header_key(stored[f]) for f, val in first.items())


def _incident_demands(con, incident_ids: list[str]) -> dict[str, list[str]]:
    """``{incident id: sorted demand codes its row gave}`` (field labels by ``incident_id``; an
    incident whose row gave none is absent)."""
    if not incident_ids:
        return {}
    res = with_rows(con, _arrow_table({"k": incident_ids}), """
        SELECT l.incident_id, list_sort(list(DISTINCT l.label_code)) FROM core_complaint_labels l
        JOIN _keys ON _keys.k = l.incident_id WHERE l.label_kind = 'demand' GROUP BY 1""", name="_keys").fetchall()
    return {k: list(v) for k, v in res}


def _stored_values(con, cids: list[str]) -> dict[str, dict[str, str | None]]:
    """``{complaint id: {field: stored value}}`` of ``_ONE_VALUE_FIELDS`` and the ``narrative``,
    for those of complaints ``cids`` that are present (one lookup of ``core_complaints``)."""
    if not cids:
        return {}
    fields = _ONE_VALUE_FIELDS + ("narrative",)
    cols = [_FIELD_COLUMNS[f][0] for f in fields]
    res = with_rows(con, _arrow_table({"k": cids}), f"SELECT t.complaint_id, {', '.join('t.' + c for c in cols)} "
                    "FROM core_complaints t JOIN _keys ON _keys.k = t.complaint_id", name="_keys").fetchall()
    return {row[0]: dict(zip(fields, row[1:])) for row in res}


def _fields_not_in_file(prep: Prepared) -> set[str]:
    """Profile fields that no sheet of this file carries (a column absent, not a blank cell)."""
    present = set()
    for fields in prep.mapping.values():
        present |= set(fields)
    return {f for f in prep.profile.columns if f not in present and (f in _FIELD_COLUMNS or f in _FIELD_LABELS)}


def _snapshot(con, cids: list[str]) -> None:
    with_rows(con, _arrow_table({"cid": cids}), "CREATE OR REPLACE TEMP TABLE _upd AS SELECT cid FROM _rows")
    con.execute("CREATE OR REPLACE TEMP TABLE _old_complaints AS SELECT * FROM core_complaints "
                "WHERE complaint_id IN (SELECT cid FROM _upd)")
    con.execute("CREATE OR REPLACE TEMP TABLE _old_labels AS SELECT * FROM core_complaint_labels "
                "WHERE complaint_id IN (SELECT cid FROM _upd) AND label_source = 'field'")
    con.execute("DROP TABLE _upd")


def _keep_what_the_file_lacks(con, missing: set[str], rep: ImportReport) -> None:
    """A file without a column says nothing about it: complaints it updates keep the values
    (and field labels) of the columns the file lacks, instead of having them blanked."""
    cols = [c for f in sorted(missing) for c in _FIELD_COLUMNS.get(f, ())]
    if cols:
        sets = ", ".join(f"{c} = o.{c}" for c in cols)
        con.execute(f"UPDATE core_complaints SET {sets} FROM _old_complaints o "
                    f"WHERE core_complaints.complaint_id = o.complaint_id")
    kinds = [_FIELD_LABELS[f] for f in sorted(missing) if f in _FIELD_LABELS]
    if kinds:
        con.execute(f"INSERT INTO core_complaint_labels SELECT * FROM _old_labels "
                    f"WHERE label_kind IN ({', '.join('?' * len(kinds))})", kinds)
    rep.notes.append(R("kept_absent_columns", fields=", ".join(sorted(missing))))
    con.execute("DROP TABLE IF EXISTS _old_complaints")
    con.execute("DROP TABLE IF EXISTS _old_labels")


def _row_incidents(con, cids: list[str]) -> dict[str, set[str]]:
    """``{complaint id: ids of its incidents that came from intake rows}`` (``#r`` ids: not a
    call log's, a reviewer's or the narrative's)."""
    if not cids:
        return {}
    out: dict[str, set[str]] = defaultdict(set)
    for cid, iid in with_rows(con, _arrow_table({"k": cids}), """
            SELECT i.complaint_id, i.incident_id FROM core_incidents i JOIN _keys ON _keys.k = i.complaint_id
            WHERE i.time_source = 'field' AND starts_with(i.incident_id, i.complaint_id || '#r')""",
                              name="_keys").fetchall():
        out[cid].add(iid)
    return out


def _clear_corrected(con, cids: list[str], source: str) -> None:
    """Remove what earlier intake rows gave the complaints ``cids`` (the complaint row, its
    ``#r`` incidents, its field labels, the QA notes of imports of ``source``), before the
    correcting file's rows are written in their place; a call log's labels are written again
    afterwards (``call_log_labels``), its incidents stay."""
    with_rows(con, _arrow_table({"cid": cids}), "CREATE OR REPLACE TEMP TABLE _fix AS SELECT cid FROM _rows")
    con.execute("DELETE FROM core_incidents WHERE complaint_id IN (SELECT cid FROM _fix) AND time_source = 'field' "
                "AND starts_with(incident_id, complaint_id || '#r')")
    con.execute("DELETE FROM core_complaint_labels WHERE complaint_id IN (SELECT cid FROM _fix) "
                "AND label_source = 'field'")
    con.execute("DELETE FROM core_qa_issues WHERE complaint_id IN (SELECT cid FROM _fix) "
                "AND import_id IN (SELECT import_id FROM meta_imports WHERE source = ?)", [source])
    con.execute("DELETE FROM core_complaints WHERE complaint_id IN (SELECT cid FROM _fix)")
    con.execute("DROP TABLE _fix")


def _write_incident_grain(con, prep: Prepared, rep: ImportReport, replace: bool = False) -> set[str]:
    prof = prep.profile
    groups: dict[str, list[Row]] = defaultdict(list)
    cid_of: dict[str | None, str] = {}
    for r in prep.accepted:
        cid = cid_of.get(r.record_id)
        if cid is None:
            cid = cid_of[r.record_id] = f"{prof.source}:{r.record_id}"
        groups[cid].append(r)
    stored = _stored_values(con, list(groups))  # the complaints already present, and their values
    existing = {cid: vals.pop("narrative") for cid, vals in stored.items()}
    iid_of = {id(r): f"{cid}#r{r.incident_hash[:12]}" for cid, rs in groups.items() for r in rs}
    legacy = {id(r): f"{cid}#r{r.row_hash[:12]}" for cid, rs in groups.items() for r in rs}  # ids from the whole row
    have_inc = _existing(con, "core_incidents", "incident_id", sorted(set(iid_of.values()) | set(legacy.values())))
    for k, old_id in legacy.items():  # a row written before incident ids: found by its old id
        if iid_of[k] not in have_inc and old_id in have_inc:
            iid_of[k] = old_id
    was_there = set(existing)
    # rows already present whose demands differ from those their incident was given (rows found
    # by a whole-row id had the same demands)
    present = [r for rs in groups.values() for r in rs if iid_of[id(r)] in have_inc and iid_of[id(r)] != legacy[id(r)]]
    had = _incident_demands(con, [iid_of[id(r)] for r in present])
    other_demands = {id(r): had.get(iid_of[id(r)], []) for r in present
                     if sorted({c for c, _ in r.demands}) != had.get(iid_of[id(r)], [])}
    corrected: set[str] = set()
    if replace and existing:  # a complaint whose rows or values differ from those present is rebuilt
        old = _row_incidents(con, list(existing))
        in_file = {cid: {iid_of[id(r)] for r in groups[cid]} for cid in existing}
        corrected = {cid for cid in existing if old.get(cid, set()) != in_file[cid]
                     or _values_differ(groups[cid], stored.get(cid, {}))
                     or any(id(r) in other_demands for r in groups[cid])}
        if corrected:
            removed = sum(len(old.get(cid, set()) - in_file[cid]) for cid in corrected)
            _clear_corrected(con, sorted(corrected), prof.source)
            for cid in corrected:
                del existing[cid]
            rebuilt = set().union(*(in_file[cid] for cid in corrected))
            have_inc = {i: v for i, v in have_inc.items() if i not in rebuilt}
            rep.updated_count += sum(len(groups[cid]) for cid in corrected)
            rep.notes.append(R("intake_corrected", n=len(corrected), removed=removed))
    complaints, incidents, labels, qa = [], [], [], []
    label_cache: dict = {}
    narrative_updates: list[tuple[str, str]] = []
    changed: set[str] = set()
    not_applied = 0  # values of this file earlier complaints do not take (each has a QA note)
    for cid, rs in groups.items():
        new_rows = [r for r in rs if iid_of[id(r)] not in have_inc] if have_inc else rs
        rep.unchanged_count += len(rs) - len(new_rows)
        if cid in existing:  # every row of the file, present or new: a value the complaint does not take is said
            said = _first_values(rs, dict(stored.get(cid, {})), "complaint_value_stored", fill=False)
            said += [(r, ("demands", r.values.get("demands"), R("row_demands_stored", kept=", ".join(
                other_demands[id(r)]) or "—"))) for r in rs if id(r) in other_demands]
            not_applied += len(said)
            for r, e in said:
                if iid_of[id(r)] in have_inc:  # a new row's notes are written with its other ones below
                    qa.extend(_qa_rows(rep, cid, r, prep, [e]))
        if not new_rows:
            continue
        changed.add(cid)
        texts = []
        for r in new_rows:
            t = r.values.get("narrative")
            if t and t not in texts:
                texts.append(t)
        if cid in existing:
            old = existing[cid] or ""
            add = [t for t in texts if t not in old]
            if add:
                narrative_updates.append((cid, "\n".join([old] + add) if old else "\n".join(add)))
        else:
            first = new_rows[0]
            received = min((r.received.day for r in new_rows if r.received), default=None) or \
                min(r.occurred.day for r in new_rows if r.occurred)
            merged = Row(first.sheet, first.row_number, dict(first.values), {})
            mv = merged.values
            rest = new_rows[1:]
            if rest and all(r.sheet == first.sheet for r in rest):
                # Rows of one sheet have the same fields: fill only the first row's gaps.
                for k in [k for k, val in mv.items() if val is None]:
                    for r in rest:
                        val = r.values[k]
                        if val is not None:
                            mv[k] = val
                            break
            elif rest:
                for r in new_rows:  # first non-empty value of each complaint-level field
                    for k, val in r.values.items():
                        if mv.get(k) is None and val is not None:
                            mv[k] = val
            kept: dict[str, str] = {}
            _first_values(new_rows, kept, "complaint_value_differs")
            merged.medium = kept.get("submission_medium", prof.submission_medium)
            merged.outcome = kept.get("status")
            complaints.append(_complaint_dict(prof, cid, merged, rep, "\n".join(texts) or None,
                                              _h(*sorted(r.row_hash for r in new_rows)), received, prof.jurisdiction))
        for r in new_rows:  # each row's labels go with its incident (a code two rows give is listed twice)
            rule = time_rule(prof.jurisdiction, r.method, r.occurred)
            incidents.append(_incident_dict(iid_of[id(r)], cid, prof.jurisdiction, r, rep.import_id, rule))
            if rule[0] or r.demands or r.conducts:
                labels.extend(_labels_for(cid, r, prep, prof.jurisdiction, rule, label_cache, iid_of[id(r)]))
            if r.qa:
                qa.extend(_qa_rows(rep, cid, r, prep))
        rep.accepted_count += len(new_rows)
    _insert(con, "core_complaints", _complaint_frame(complaints))
    for cid, text in narrative_updates:
        con.execute("UPDATE core_complaints SET narrative = ?, has_narrative = TRUE, language = ? WHERE complaint_id = ?",
                    [text, _language(text), cid])
    _insert(con, "core_incidents", _incident_frame(incidents))
    if not_applied:  # said in the summary too, not only row by row
        rep.notes.append(R("values_not_applied", n=not_applied))
    _insert(con, "core_complaint_labels", _tuples_table(labels, LABEL_COLUMNS))
    # rows already present: this import lists their incidents too (a running log), so removing the
    # import that wrote them leaves them to this one
    listed_again = [iid_of[id(r)] for rs in groups.values() for r in rs if iid_of[id(r)] in have_inc]
    also_listed(con, listed_again, rep.import_id)
    _insert(con, "core_qa_issues", _qa_frame(qa))
    redo = sorted(changed & was_there)  # an earlier complaint's call-log labels count its new rows' times
    if redo:
        with_calls = with_rows(con, _arrow_table({"k": redo}), """
            SELECT DISTINCT c.complaint_id, c.jurisdiction FROM core_complaints c JOIN _keys ON _keys.k = c.complaint_id
            JOIN core_incidents i USING (complaint_id) WHERE starts_with(i.incident_id, c.complaint_id || '#call-')
            ORDER BY 1""", name="_keys").fetchall()
        for cid, jur in with_calls:
            call_log_labels(con, cid, jur)
    return changed


def _write_call_grain(con, prep: Prepared, rep: ImportReport, target: tuple[str, str]) -> set[str]:
    prof = prep.profile
    cid, jur = target
    acc = prep.accepted
    outgoing = [r for r in acc if r.direction == "out"]
    calls = [r for r in acc if r.direction != "out"]
    if outgoing:
        rep.notes.append(R("outgoing_calls", n=len(outgoing)))
    # the borrower's own calls are read and kept (raw only): accepted, or already present when
    # this log was imported before
    seen_log = con.execute("SELECT 1 FROM meta_imports WHERE file_sha256 = ? AND format = ? AND status = 'imported' "
                           "LIMIT 1", [prep.file_sha256, prof.name]).fetchall()
    if seen_log:
        rep.unchanged_count += len(outgoing)
    is_new = not con.execute("SELECT 1 FROM core_complaints WHERE complaint_id = ?", [cid]).fetchall()
    if is_new:
        first = calls[0] if calls else (acc[0] if acc else None)
        if first is None:
            return set()
        dummy = Row(None, first.row_number, {"collector_name": next((r.values.get("collector_name") for r in calls
                                                                     if r.values.get("collector_name")), None)}, {})
        dummy.medium = prof.submission_medium
        _insert(con, "core_complaints", _complaint_frame([_complaint_dict(
            prof, cid, dummy, rep, None, prep.file_sha256, date.today(), jur)]))
    iid_of = {id(r): f"{cid}#call-{_h(r.number_hash, r.occurred.at, r.method, r.duration, r.connected)[:12]}"
              for r in calls}
    have = _existing(con, "core_incidents", "incident_id", list(iid_of.values()))
    incidents, qa, done, listed_again = [], [], set(), []
    for r in calls:
        iid = iid_of[id(r)]
        if iid in have or iid in done:
            rep.unchanged_count += 1
            if iid in have:
                listed_again.append(iid)
            continue
        done.add(iid)
        incidents.append(_incident_dict(iid, cid, jur, r, rep.import_id))
        qa.extend(_qa_rows(rep, cid, r, prep))
    _insert(con, "core_incidents", _incident_frame(incidents))
    _insert(con, "core_qa_issues", _qa_frame(qa))
    also_listed(con, listed_again, rep.import_id)
    rep.accepted_count = len(incidents) + (0 if seen_log else len(outgoing))
    violations = call_log_labels(con, cid, jur)
    if len(violations):
        rep.notes.append(R("frequency_checks", counts=", ".join(
            f"{k} ×{v}" for k, v in violations["rule_id"].value_counts().sort_index().items())))
    return {cid} if incidents or is_new else set()


def also_listed(con, incident_ids: list[str], import_id: str) -> None:
    """Record that import ``import_id`` lists the incidents ``incident_ids`` (already present,
    written by an earlier import) too: ``core_incidents.also_import_ids``, so removing the
    import that wrote them leaves them (``analysis.deletion``). Their complaints are declared
    changed (the second copy follows; nothing they show changes)."""
    if not incident_ids:
        return
    with_rows(con, _arrow_table({"iid": sorted(set(incident_ids))}),
              "CREATE OR REPLACE TEMP TABLE _listed AS SELECT iid FROM _rows")
    con.execute("""UPDATE core_incidents SET also_import_ids = list_append(coalesce(also_import_ids, []::VARCHAR[]), ?)
                   WHERE incident_id IN (SELECT iid FROM _listed) AND import_id IS DISTINCT FROM ?
                   AND NOT list_contains(coalesce(also_import_ids, []::VARCHAR[]), ?)""", [import_id] * 3)
    mark_changed(con, "SELECT DISTINCT complaint_id FROM core_incidents WHERE incident_id IN (SELECT iid FROM _listed)")
    con.execute("DROP TABLE _listed")


def call_log_labels(con, cid: str, jur: str) -> pd.DataFrame:
    """Write the call-log labels of complaint ``cid`` (jurisdiction ``jur``: CN / US / UK) again,
    on ``con`` inside the caller's write (``pattern_id`` ``call_log:time`` and
    ``call_log:frequency``), over every timed field incident it has (call logs and intake
    rows): TIME_INCONVENIENT when calls fell in forbidden hours and no other field label
    says so, FREQ_EXCESSIVE_CALLS when ``analysis.frequency.check_frequency`` finds a rule
    broken; none when no call-log call (``#call-`` incident) is left, e.g. after its import was
    removed (``analysis.deletion``). Returns the violations (``check_frequency``'s frame)."""
    from analysis.frequency import check_frequency
    calls_df = con.execute("""
        SELECT incident_id, occurred_at, method_code, recipient_code, collector_number_hash AS number_hash,
               is_connected, duration_seconds, is_outside_permitted_hours, time_rule_id
        FROM core_incidents WHERE complaint_id = ? AND time_source = 'field' AND occurred_at IS NOT NULL
        ORDER BY occurred_at, incident_id""", [cid]).df()
    con.execute("DELETE FROM core_complaint_labels WHERE complaint_id = ? AND label_source = 'field' "
                "AND pattern_id LIKE 'call_log:%'", [cid])
    if not calls_df["incident_id"].str.startswith(f"{cid}#call-").any():
        calls_df = calls_df.iloc[:0]  # no call log (left): no call-log labels
    labels = []
    has_time = con.execute("SELECT 1 FROM core_complaint_labels WHERE complaint_id = ? AND label_source = 'field' "
                           "AND label_code = 'TIME_INCONVENIENT'", [cid]).fetchall()
    outside = calls_df[calls_df["is_outside_permitted_hours"].fillna(False).astype(bool)]
    if len(outside) and not has_time:
        first = outside.iloc[0]
        labels.append((cid, "conduct", "TIME_INCONVENIENT", "field", first["time_rule_id"],
                       f"{len(outside)} calls / messages in forbidden hours, first {first['occurred_at']}",
                       None, None, "call_log:time", None))
    violations = check_frequency(calls_df, jur)
    if len(violations):  # one label per conduct code; the evidence names every rule that fired
        parts = [f"{rule_id}: {len(grp)}× (first {grp.iloc[0]['date']}: {grp.iloc[0]['detail']})"
                 for rule_id, grp in violations.groupby("rule_id", sort=True)]
        labels.append((cid, "conduct", "FREQ_EXCESSIVE_CALLS", "field", violations["rule_id"].min(), "; ".join(parts),
                       None, None, "call_log:frequency", None))
    if labels:
        with_rows(con, pd.DataFrame(labels, columns=LABEL_COLUMNS).astype(
            {"evidence_start": "Int64", "evidence_end": "Int64"}),
            f"INSERT INTO core_complaint_labels ({', '.join(LABEL_COLUMNS)}) SELECT * FROM _rows")
    return violations


def read_settings(prep: Prepared, replace: bool = False) -> str:
    """How ``prep`` was read, as ``meta_imports.read_settings``: its sheets and each sheet's
    column mapping (``{sheet or "": {field: header}}``), JSON with sorted keys; a corrected
    log read with ``replace`` also has ``REPLACE_SETTING: true`` (a key no sheet can have), so
    the same bytes imported before as an addition are read again as a correction."""
    settings: dict = {k or "": v for k, v in prep.mapping.items()}
    if replace:
        settings[REPLACE_SETTING] = True
    return json.dumps(settings, sort_keys=True, ensure_ascii=False)


#: The key ``read_settings`` marks a correction with (no sheet name holds a NUL character).
REPLACE_SETTING = "\u0000replace"


def check_replace(prep: Prepared) -> None:
    """Refuse ``replace`` where it has no meaning: a profile of another grain than ``incident``
    (complaint-grain files already update the complaints they name; a call log adds calls), or
    a sheet without an id column (rows whose id comes from their content cannot name the
    complaint they correct). Raises ``ImportRefused``."""
    if prep.profile.grain != "incident":
        raise ImportRefused("refused_replace_grain", profile=prep.profile.name)
    without = [s or "" for s, fields in prep.mapping.items() if "complaint_id" not in fields]
    if without:
        raise ImportRefused("refused_replace_no_ids", file=prep.file_name, sheets=without)
    if prep.bad:  # rows that could not be read name no complaint: a correction needs every row
        raise ImportRefused("refused_replace_unreadable", file=prep.file_name, n=len(prep.bad))


def _hold_back_incomplete(prep: Prepared) -> None:
    """A correction rebuilds a complaint from the file's rows: a complaint one of whose rows is
    quarantined would lose that row's earlier incident, so its other rows are quarantined too
    (``replace_complaint_incomplete``, naming the row), and the complaint stays as it was
    until the corrected file is imported whole."""
    first_bad: dict[str, int] = {}
    for r in prep.rows:
        rid = r.record_id or (r.values.get("complaint_id") or "").strip() or None
        if r.reject is not None and rid is not None:
            first_bad.setdefault(rid, r.row_number)
    for r in prep.rows:
        if r.reject is None and r.record_id in first_bad:
            r.reject = ("complaint_id", r.record_id, R("replace_complaint_incomplete", row=first_bad[r.record_id]))


def _record_import(con, rep: ImportReport, prof: Profile, imported_by: str, settings: str | None = None) -> None:
    rep.balance()  # raises (and the write is rolled back) when a row went missing
    con.execute(
        "INSERT INTO meta_imports (import_id, format, source, source_file, file_sha256, imported_at, imported_by, "
        "row_count, accepted_count, quarantined_count, unchanged_count, updated_count, status, read_settings) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [rep.import_id, prof.name, prof.source, rep.source_file, rep.file_sha256, import_time(), imported_by,
         rep.row_count, rep.accepted_count, rep.quarantined_count, rep.unchanged_count, rep.updated_count, rep.status,
         settings])
