"""Logic of the Intake page (no Streamlit here, so it can be tested as plain functions).

Staff record a complaint received by phone or in person, with one or more incidents. The
entry is checked as it is typed (``check_complaint``, ``check_incident``, ``time_verdict``),
then written as an intake-log file in memory (``build_intake_csv``: one row per incident,
the ``intake`` profile's columns) and committed through ``analysis.ingest.run_import``, so
the same validation, masking, quarantine and audit apply as for a file.

Coded values are written as a word the profile's value maps turn back into the same code
(``coded_text``), checked at run time, so a code list the profile cannot read is not offered.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from analysis import codes
from analysis.i18n import t
from analysis.ingest import ImportReport, run_import
from analysis.ingest.generic import TIME_RULE_METHODS, time_rule
from analysis.ingest.parse import DAYPARTS, When, lookup_code
from analysis.ingest.profiles import FIELDS, Profile, list_profiles, load_profile, save_profile
from analysis.rules import TIME_WINDOW_RULES

INTAKE = "intake"
JURISDICTIONS = ("CN", "US")
TIME_KINDS = ("exact", "daypart", "date_only")
#: Intake-log columns, in file order (fields of the ``intake`` profile).
INTAKE_FIELDS = ("complaint_id", "received_at", "region", "creditor_name", "collector_name", "occurred_date",
                 "occurred_time", "method", "recipient", "conduct", "collector_number", "demands", "status",
                 "narrative", "submission_medium")
#: Code list of each coded field and the profile value list that reads it.
_CODED = {"method": ("method", "method"), "recipient": ("recipient", "recipient"), "conduct": ("conduct", "conduct"),
          "demands": ("demand", "demand"), "status": ("outcome", "outcome"),
          "submission_medium": ("submission_medium", "submission_medium")}
#: The word written for each part of day (the first Chinese word the parser reads as it).
DAYPART_WORD = {}
for _w, _c in DAYPARTS.items():
    DAYPART_WORD.setdefault(_c, _w)
_CLOCK = re.compile(r"^(\d{1,2})\s*:\s*(\d{1,2})(?:\s*:\s*(\d{1,2}))?$")


@dataclass
class IncidentInput:
    """One incident as typed: ``time_kind`` exact / daypart / date_only; ``clock`` text such as
    ``22:30``; ``daypart`` a daypart code; ``method`` / ``recipient`` codes; ``conducts`` codes."""

    day: date | None = None
    time_kind: str = "exact"
    clock: str = ""
    daypart: str | None = None
    method: str | None = None
    recipient: str | None = "debtor"
    conducts: list[str] = field(default_factory=list)
    collector_number: str = ""
    said: str = ""


@dataclass
class ComplaintInput:
    """The complaint as typed (codes for coded values)."""

    received: date | None = None
    jurisdiction: str = "CN"
    creditor: str = ""
    collector: str = ""
    region: str = ""
    filed_with: str = "consumer_association"
    medium: str = "phone"
    demands: list[str] = field(default_factory=list)
    status: str | None = "in_progress"
    narrative: str = ""
    reference: str = ""


# ---- coded values ---------------------------------------------------------------------------

def coded_text(list_name: str, code: str, prof: Profile | None = None) -> str | None:
    """A word the intake profile reads back as ``code`` of ``list_name`` (None if there is none):
    its Chinese label first (the intake log is the association's own, in Chinese), else the code,
    its English label or another word of the profile's value maps. ``prof``: the intake profile
    when the caller has it loaded already (``options`` asks for every code of a list)."""
    lst = {v[0]: v[1] for v in _CODED.values()}.get(list_name, list_name)
    prof = prof or load_profile(INTAKE)
    table, kw = prof.values.get(lst, {}), prof.keywords.get(lst, [])
    cands = [codes.label(list_name, code, "zh"), code, codes.label(list_name, code, "en")]
    cands += [k for k, v in table.items() if v == code]
    cands += [w for w, c in kw if c == code]
    return next((c for c in cands if c and lookup_code(c, table, kw) == code), None)


def options(list_name: str) -> list[str]:
    """Codes of ``list_name`` that can be written to an intake log (``unknown`` left out)."""
    prof = load_profile(INTAKE)  # once, not once per code (this runs for every widget of the form)
    return [c for c in codes.codes(list_name) if c != "unknown" and coded_text(list_name, c, prof)]


# ---- checks ---------------------------------------------------------------------------------

def parse_clock(text: str) -> tuple[int, int, int] | None:
    """``(hour, minute, second)`` of a clock time typed as ``22:30`` / ``9:05`` / ``22:30:15``
    (full-width digits folded). Raises ``ValueError`` with the reason when it is not a time
    between 00:00 and 23:59; returns None for an empty text."""
    v = unicodedata.normalize("NFKC", text or "").strip().replace("：", ":")
    if not v:
        return None
    m = _CLOCK.match(v)
    if not m:
        raise ValueError("format")
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if not (0 <= h <= 23 and 0 <= mi <= 59 and 0 <= s <= 59):
        raise ValueError("range")
    return h, mi, s


def check_complaint(c: ComplaintInput, lang: str, today: date | None = None, *,
                    kinds: bool = False) -> list:
    """Problems of the complaint fields, in words (empty when it can be saved). With
    ``kinds``: ``[(is_missing, message)]`` (a value still to fill in, or a wrong value)."""
    today = today or date.today()
    out = []
    if c.received is None:
        out.append((True, t("in_err_received_empty", lang)))
    elif c.received > today:
        out.append((False, t("in_err_received_future", lang, d=c.received.isoformat())))
    if not c.creditor.strip() and not c.collector.strip():
        out.append((True, t("in_err_company", lang)))
    if c.jurisdiction not in JURISDICTIONS:
        out.append((False, t("in_err_jurisdiction", lang)))
    if c.reference.strip() and not REFERENCE_RE.fullmatch(c.reference.strip()):
        out.append((False, t("in_err_reference", lang)))
    return out if kinds else [m for _, m in out]


#: Longest text a form field takes (characters). The browser drops a paste longer than a field's
#: limit whole, so the limit is said beside the field and is generous: a long complaint fits.
MAX_TEXT = 20_000

#: A registration number typed in: letters, digits, "-", "_" and "." (it names the entry's file
#: in the import log and the audit log, so no "/" or spaces), at most 40 characters.
REFERENCE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


def complaint_id_for(c: ComplaintInput, reference: str) -> str:
    """The ``core_complaints.complaint_id`` an entry with ``reference`` is saved as."""
    return f"{load_profile(profile_for(c.jurisdiction, c.filed_with)).source}:{reference}"


def reference_in_use(c: ComplaintInput, reference: str, db_path: Path) -> bool:
    """True when a complaint with this registration number is already in the database at
    ``db_path`` (a new entry under it would be merged into that complaint)."""
    from analysis import db
    if not Path(db_path).exists():
        return False
    with db.connect_read_only(Path(db_path)) as con:
        return con.execute("SELECT count(*) FROM core_complaints WHERE complaint_id = ?",
                           [complaint_id_for(c, reference)]).fetchone()[0] > 0


def check_incident(inc: IncidentInput, lang: str, today: date | None = None,
                   received: date | None = None, *, kinds: bool = False) -> list:
    """Problems of one incident, in words (empty when it can be saved). With ``kinds``:
    ``[(is_missing, message)]``."""
    today = today or date.today()
    out = []
    if inc.day is None:
        out.append((True, t("in_err_date_empty", lang)))
    elif inc.day > today:
        out.append((False, t("in_err_date_future", lang, d=inc.day.isoformat())))
    elif received and inc.day > received:
        out.append((False, t("in_err_date_after_received", lang, d=inc.day.isoformat(), r=received.isoformat())))
    if inc.time_kind == "exact":
        try:
            if parse_clock(inc.clock) is None:
                out.append((True, t("in_err_time_empty", lang)))
        except ValueError:
            out.append((False, t("in_err_time_bad", lang, v=inc.clock.strip())))
    elif inc.time_kind == "daypart" and not inc.daypart:
        out.append((True, t("in_err_daypart_empty", lang)))
    if not inc.method:
        out.append((True, t("in_err_method", lang)))
    if not inc.recipient:
        out.append((True, t("in_err_recipient", lang)))
    return out if kinds else [m for _, m in out]


def _when(inc: IncidentInput) -> When | None:
    if inc.time_kind == "exact":
        try:
            hms = parse_clock(inc.clock)
        except ValueError:
            return None
        return When(inc.day, *hms, "exact") if hms else None
    if inc.time_kind == "daypart" and inc.daypart:
        return When(inc.day, precision="daypart", daypart_code=inc.daypart)
    return None


def time_verdict(inc: IncidentInput, jurisdiction: str, lang: str) -> tuple[str, str] | None:
    """The time check of an incident as it will be stored: ``(status, sentence)`` with status
    outside / boundary / inside / unknown, e.g. ("outside", "22:30 is outside permitted hours
    (CN-TIME-01)"). None when there is no time to check yet."""
    w = _when(inc)
    if w is None:
        return None
    shown = (f"{w.hour:02d}:{w.minute:02d}" + (f":{w.second:02d}" if w.second else "") if w.precision == "exact"
             else codes.label("daypart", w.daypart_code, lang))
    if inc.method and inc.method not in TIME_RULE_METHODS:
        return "unknown", t("in_verdict_no_rule", lang, time=shown, method=codes.label("method", inc.method, lang))
    rule = TIME_WINDOW_RULES[jurisdiction]
    _outside, status, _rid = time_rule(jurisdiction, inc.method or "phone_call", w)
    if w.precision != "exact" and status == "unknown":
        return "unknown", t("in_verdict_daypart_unknown", lang, time=shown, rule=rule.rule_id)
    return status, t(f"in_verdict_{status}", lang, time=shown, rule=rule.rule_id)


# ---- the intake-log file --------------------------------------------------------------------

def new_reference(today: date | None = None) -> str:
    """A registration number for a new entry, e.g. ``CA20261129-3F9A1C``."""
    return f"CA{(today or date.today()):%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


def headers(lang: str = "zh") -> dict[str, str]:
    """``{field: header}`` of the intake log: the intake profile's first alias of each field
    (Chinese), or for ``en`` its first ASCII alias, so that the profile recognises both
    templates as its own (profiles/intake.toml)."""
    prof = load_profile(INTAKE)
    if lang == "zh":
        return {f: prof.columns[f][0] for f in INTAKE_FIELDS}
    return {f: next(a for a in prof.columns[f] if a.isascii()) for f in INTAKE_FIELDS}


def rows(c: ComplaintInput, incidents: list[IncidentInput], reference: str) -> list[dict[str, str]]:
    """Intake-log rows ``{field: text}``, one per incident. The complaint's own account goes
    with the first incident (the importer joins the texts into the complaint's narrative)."""
    out = []
    for i, inc in enumerate(incidents):
        w = _when(inc)
        when = ""
        if w is not None and w.precision == "exact":
            when = f"{w.hour:02d}:{w.minute:02d}" + (f":{w.second:02d}" if w.second else "")
        elif w is not None:
            when = DAYPART_WORD[w.daypart_code]
        said = "\n".join(x for x in ((c.narrative.strip() if i == 0 else ""), inc.said.strip()) if x)
        out.append({
            "complaint_id": reference, "received_at": c.received.isoformat() if c.received else "",
            "region": c.region.strip(), "creditor_name": c.creditor.strip(), "collector_name": c.collector.strip(),
            "occurred_date": inc.day.isoformat() if inc.day else "", "occurred_time": when,
            "method": coded_text("method", inc.method) if inc.method else "",
            "recipient": coded_text("recipient", inc.recipient) if inc.recipient else "",
            "conduct": "、".join(coded_text("conduct", x) for x in inc.conducts),
            "collector_number": inc.collector_number.strip(),
            "demands": "、".join(coded_text("demand", x) for x in c.demands),
            "status": coded_text("outcome", c.status) if c.status else "",
            "narrative": said, "submission_medium": coded_text("submission_medium", c.medium) if c.medium else "",
        })
    return out


def to_csv(records: list[dict[str, str]], lang: str = "zh") -> bytes:
    """An intake-log CSV (UTF-8 with BOM, so Excel opens it) of ``records`` ({field: text})."""
    hdr = headers(lang)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([hdr[f] for f in INTAKE_FIELDS])
    for r in records:
        w.writerow([r.get(f, "") for f in INTAKE_FIELDS])
    return buf.getvalue().encode("utf-8-sig")


def template_csv(lang: str) -> bytes:
    """Empty intake-log template (headers only) for bulk entry."""
    return to_csv([], lang)


def template_guide(lang: str) -> pd.DataFrame:
    """What each template column holds: header (zh), header (en), what it is, examples."""
    zh, en = headers("zh"), headers("en")
    examples = {"occurred_time": "22:30 / 晚上 / 凌晨", "occurred_date": "2024-12-03",
                "received_at": "2024-12-05", "method": "、".join(filter(None, (coded_text("method", c) for c in
                                                                                 ("phone_call", "sms", "im")))),
                "recipient": "本人、紧急联系人", "conduct": "辱骂、爆通讯录", "status": "处理中",
                "submission_medium": "电话 / 现场", "demands": "停止骚扰、道歉赔偿"}
    return pd.DataFrame([{"zh": zh[f], "en": en[f], "field": FIELDS[f][2 if lang == "zh" else 1],
                          "example": examples.get(f, "")} for f in INTAKE_FIELDS])


def profile_for(jurisdiction: str, filed_with: str) -> str:
    """Import profile for an entry: ``intake`` (CN, consumer association) or a derived profile
    with the other jurisdiction / body (saved once, as a plain file, like any user profile)."""
    if jurisdiction == "CN" and filed_with == "consumer_association":
        return INTAKE
    name = f"intake_{jurisdiction.lower()}_{filed_with}"[:40]
    if name not in list_profiles():
        hdr = headers("zh")
        save_profile(name, {hdr[f]: f for f in INTAKE_FIELDS}, base=INTAKE, derived=True,
                     settings={"jurisdiction": jurisdiction, "filed_with": filed_with})
    return name


def file_name(reference: str) -> str:
    """Name recorded in meta_imports for an entry."""
    return f"intake-form_{reference}.csv"


def save(c: ComplaintInput, incidents: list[IncidentInput], db_path: Path, *, reference: str,
         actor=None, progress=None) -> tuple[str, ImportReport]:
    """Commit an entry through ``run_import`` (all or nothing). Returns ``(complaint_id in the
    database, report)``. Raises ``ValueError`` when the entry has problems (nothing written) and
    ``ImportRefused`` from the importer."""
    problems = check_complaint(c, "en") + [p for inc in incidents for p in check_incident(inc, "en", received=c.received)]
    if not incidents:
        problems.append("no incident")
    if not REFERENCE_RE.fullmatch(reference):
        problems.append(t("in_err_reference", "en"))
    elif reference_in_use(c, reference, db_path):
        problems.append(t("in_err_reference_used", "en", ref=reference))
    if problems:
        raise ValueError("; ".join(problems))
    name = file_name(reference)
    data = to_csv(rows(c, incidents, reference), "zh")
    fmt = profile_for(c.jurisdiction, c.filed_with)
    reports = run_import([Path(name)], fmt, db_path, actor=actor, action="intake", progress=progress,
                         file_bytes={name: data})
    return complaint_id_for(c, reference), reports[0]


# ---- call logs as evidence ------------------------------------------------------------------

def forbidden_calls(calls: pd.DataFrame) -> pd.DataFrame:
    """Calls of ``query_complaint_evidence`` outside the permitted hours (with their rule)."""
    if calls.empty:
        return calls
    return calls[calls["is_outside_permitted_hours"].fillna(False).astype(bool)].reset_index(drop=True)


def calls_table(calls: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Calls for display: time, method, answered, duration, status, rule (labels in ``lang``)."""
    yes, no, unk = t("in_yes", lang), t("in_no", lang), "—"
    return pd.DataFrame({
        t("in_col_time", lang): pd.to_datetime(calls["occurred_at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
        t("in_col_method", lang): [codes.label("method", m, lang) for m in calls["method_code"]],
        t("in_col_answered", lang): [unk if pd.isna(v) else (yes if v else no) for v in calls["is_connected"]],
        t("in_col_duration", lang): calls["duration_seconds"].astype("Int64"),
        t("in_col_status", lang): [codes.label("time_rule_status", s, lang) for s in calls["time_rule_status"]],
        t("in_col_rule", lang): calls["time_rule_id"],
    })


def frequency_table(calls: pd.DataFrame, jurisdiction: str, lang: str) -> pd.DataFrame:
    """``analysis.frequency.check_frequency`` for the complaint's jurisdiction, with headers in
    ``lang``: rule id, date, count, detail."""
    from analysis.frequency import check_frequency
    found = check_frequency(calls, jurisdiction)
    return pd.DataFrame({t("in_col_rule", lang): found["rule_id"], t("in_col_date", lang): found["date"],
                         t("in_col_count", lang): found["count"].astype("int64"),
                         t("in_col_detail", lang): found["detail_zh" if lang == "zh" else "detail"]})


def incidents_table(incidents: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every incident of the complaint by date and time, labelled in ``lang``."""
    when = []
    for r in incidents.itertuples():
        if pd.notna(r.occurred_at):
            when.append(pd.Timestamp(r.occurred_at).strftime("%Y-%m-%d %H:%M:%S"))
        elif pd.notna(r.occurred_date):
            part = codes.label("daypart", r.daypart_code, lang) if isinstance(r.daypart_code, str) else ""
            when.append(f"{pd.Timestamp(r.occurred_date):%Y-%m-%d} {part}".strip())
        else:
            when.append("—")
    return pd.DataFrame({
        t("in_col_time", lang): when,
        t("in_col_method", lang): [codes.label("method", m, lang) for m in incidents["method_code"]],
        t("in_col_recipient", lang): [codes.label("recipient", m, lang) for m in incidents["recipient_code"]],
        t("in_col_status", lang): [codes.label("time_rule_status", s, lang) for s in incidents["time_rule_status"]],
        t("in_col_rule", lang): incidents["time_rule_id"],
        t("in_col_source", lang): [codes.label("time_source", s, lang) for s in incidents["time_source"]],
    })


def complaint_choice_label(r) -> str:
    """"id · company · received date" of a ``query_evidence_complaints`` row (missing parts left out)."""
    company = r.company_name if isinstance(r.company_name, str) else ""
    day = f"{pd.Timestamp(r.received_date):%Y-%m-%d}" if pd.notna(r.received_date) else ""
    return " · ".join(x for x in (r.complaint_id, company, day) if x)
