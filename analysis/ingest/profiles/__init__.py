"""Import profiles: how a file's columns map onto our fields, as plain TOML files.

A profile (``<name>.toml``) says which source columns (header aliases, Chinese or English)
give which of our fields (``FIELDS``), how rows group into complaints (``grain``), and the
source's defaults (jurisdiction, filed_with, submission_medium, date order, whether a sheet
without an id column gets ids from its rows' content: ``id_from_content``...). Value maps
(status → outcome_code, method words → method_code, demands → demand_code...) are shared in
``_values.toml``; a profile's own ``[values.*]`` entries win.

Shipped profiles live beside this file (``heimao``, ``c12315``, ``intake``, ``call_log``,
``ftc_dnc``). Profiles confirmed by users are saved by ``save_profile`` in the user profile
directory (``data/profiles/`` under the project, or ``$COLLECTION_WATCH_PROFILES``) and are
found by name just like the shipped ones (a user profile of the same name wins).

Public API: ``FIELDS``, ``list_profiles()``, ``load_profile(name)``,
``propose_mapping(header)``, ``resolve_columns(header, profile)``,
``save_profile(name, mapping, base=...)``.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from analysis.ingest.common import header_key
from analysis.ingest.reasons import Refusal

SHIPPED_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = SHIPPED_DIR.parents[2]
USER_DIR_ENV = "COLLECTION_WATCH_PROFILES"

#: Our fields: name → (level, English description, Chinese description, header aliases used
#: by ``propose_mapping`` for files no profile knows).
FIELDS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "complaint_id": ("complaint", "Complaint id in the source", "投诉编号",
                     ("投诉编号", "投诉单号", "工单编号", "工单号", "登记编号", "受理编号", "编号", "complaint id",
                      "complaint_id", "case id", "case number", "id")),
    "received_at": ("complaint", "Date (and time) the complaint was filed", "投诉时间",
                    ("发起时间", "投诉时间", "投诉日期", "受理时间", "受理日期", "登记时间", "登记日期", "创建时间",
                     "提交时间", "date received", "created date", "created_date", "complaint date", "filed")),
    "creditor_name": ("complaint", "Creditor (lender, platform)", "债权方/投诉对象",
                      ("投诉对象", "被投诉方", "被投诉企业", "被投诉商家", "被投诉人", "被投诉单位", "放贷平台", "债权方",
                       "平台", "company", "creditor", "lender")),
    "collector_name": ("complaint", "Collector (agency)", "催收方",
                       ("催收方", "催收机构", "催收公司", "collector", "collection agency", "agency")),
    "title": ("complaint", "Title (kept in raw)", "标题", ("标题", "投诉标题", "title")),
    "issue": ("complaint", "Issue as worded by the source", "投诉问题",
              ("投诉问题", "问题类型", "问题类别", "投诉类别", "投诉类型", "issue", "subject", "problem")),
    "product": ("complaint", "Product", "产品", ("产品", "借款产品", "product")),
    "demands": ("complaint", "Demands (list → demand_code)", "投诉要求/诉求",
                ("投诉要求", "诉求", "投诉诉求", "消费者诉求", "要求", "demand", "demands", "request")),
    "disputed_amount": ("complaint", "Amount in dispute (kept in raw)", "涉诉金额",
                        ("涉诉金额", "涉及金额", "金额", "amount")),
    "status": ("complaint", "Status / result (→ outcome_code)", "投诉进度/处理状态",
               ("投诉进度", "处理状态", "办理状态", "状态", "处理结果", "status", "outcome", "result")),
    "narrative": ("complaint", "Narrative / content", "正文/内容",
                  ("正文", "内容", "投诉内容", "投诉正文", "情况描述", "详情", "描述", "催收内容", "narrative",
                   "description", "details", "content", "message", "text")),
    "region": ("complaint", "Province / state of the consumer", "省份/地区",
               ("省份", "地区", "所在地区", "省", "属地", "state", "province", "region", "consumer_state")),
    "submission_medium": ("complaint", "How the complaint came in (→ submission_medium)", "投诉渠道",
                          ("投诉渠道", "来源渠道", "受理方式", "channel", "submitted via")),
    "occurred_at": ("incident", "Date and time of the collection contact", "催收时间",
                    ("催收时间", "来电时间", "通话时间", "发生时间", "日期时间", "violation date", "violation_date",
                     "call time", "date time", "datetime", "occurred at")),
    "occurred_date": ("incident", "Date of the contact (when the time is in another column)", "催收日期",
                      ("催收日期", "发生日期", "日期", "date", "call date")),
    "occurred_time": ("incident", "Clock time or part of day of the contact", "催收时刻/时段",
                      ("催收时刻", "时段", "具体时间", "时刻", "时间", "time")),
    "method": ("incident", "How the contact was made (→ method_code)", "催收方式",
               ("催收方式", "方式", "联系方式", "类型", "method", "type", "channel of contact")),
    "recipient": ("incident", "Who was contacted (→ recipient_code)", "催收对象",
                  ("催收对象", "被联系人", "联系对象", "recipient", "contacted")),
    "conduct": ("incident", "Improper conduct (list → conduct_code)", "不当行为",
                ("不当行为", "违规行为", "行为", "conduct", "behaviour", "behavior")),
    "collector_number": ("incident", "Collector's phone number (stored only as a salted hash)", "催收号码",
                         ("催收号码", "来电号码", "对方号码", "号码", "电话号码", "number", "phone number", "caller",
                          "company phone number", "company_phone_number")),
    "duration": ("incident", "Call duration", "通话时长", ("通话时长", "时长", "duration")),
    "direction": ("incident", "Call direction (incoming / outgoing)", "呼叫类型",
                  ("呼叫类型", "通话类型", "方向", "direction")),
    "answered": ("incident", "Answered / connected or not", "是否接通",
                 ("是否接通", "接通", "answered", "connected")),
}

GRAINS = ("complaint", "incident", "call")


@dataclass
class Profile:
    """A loaded profile. ``columns``: field → list of header aliases (first match wins)."""

    name: str
    source: str
    grain: str
    jurisdiction: str
    filed_with: str
    submission_medium: str | None
    columns: dict[str, list[str]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    keywords: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    date_order: str = "mdy"
    id_from_row: bool = False
    #: a sheet without an id column is accepted even when ``complaint_id`` is in ``required``:
    #: each row gets an id derived from its content (``analysis.ingest.common.content_ids``),
    #: with a warning in the report
    id_from_content: bool = False
    #: the source publishes its complaint numbers (黑猫投诉's 11-digit numbers look like mobile
    #: numbers): keep ids as given; otherwise an id holding personal data is replaced by a hash
    public_ids: bool = False
    #: the source's complaint ids are numbers: "17370000004.0" (a spreadsheet's or a script's
    #: decimal) is 17370000004, and a number with a fraction is no id (``generic.DECIMAL_ID``);
    #: ids of other sources are text ("2024.001" is an intake log's number as written)
    numeric_ids: bool = False
    keep_duplicate_rows: bool = False
    midnight_is_date_only: bool = False
    occurred_equal_received_is_not_a_time: bool = False
    default_method: str | None = None
    default_recipient: str | None = None
    number_region: str = "CN"
    label_en: str = ""
    label_zh: str = ""
    source_row: dict = field(default_factory=dict)
    path: Path | None = None
    #: product of every complaint when the file has no product column (None: not recorded)
    product: str | None = None
    #: the source is about debt collection, so time rules (CN-TIME-01 / US-TIME-01) may flag
    #: its incidents as TIME_INCONVENIENT; False for e.g. FTC unwanted-call reports
    is_debt_collection: bool = True


def user_dir() -> Path:
    """Directory of user-saved profiles (``$COLLECTION_WATCH_PROFILES`` or data/profiles)."""
    env = os.environ.get(USER_DIR_ENV)
    return Path(env) if env else PROJECT_ROOT / "data" / "profiles"


def list_profiles() -> list[str]:
    """Names of every profile: shipped and user-saved, sorted."""
    names = {p.stem for p in SHIPPED_DIR.glob("*.toml") if not p.stem.startswith("_")}
    if user_dir().is_dir():
        names |= {p.stem for p in user_dir().glob("*.toml") if not p.stem.startswith("_")}
    return sorted(names)


def _profile_path(name: str) -> Path:
    if not re.fullmatch(r"[a-z0-9_]{1,40}", name or ""):
        raise ValueError(f"profile name {name!r}: use 1–40 lower-case letters, digits or _")
    for d in (user_dir(), SHIPPED_DIR):
        p = d / f"{name}.toml"
        if p.is_file():
            return p
    raise ValueError(f"unknown profile {name!r}; known: {', '.join(list_profiles())}")


#: Value lists that are code lists of ``analysis.codes``: each code, and its English and Chinese
#: label as the dashboard shows them, is read as that code ("Abusive language", "辱骂"), so a
#: log written with the dashboard's own words imports; ``_values.toml`` adds other wordings.
CODED_VALUE_LISTS = ("method", "recipient", "conduct", "demand", "outcome", "submission_medium")


def _code_label_values() -> dict[str, dict[str, str]]:
    from analysis.codes import CODE_LISTS
    out: dict[str, dict[str, str]] = {}
    for lst in CODED_VALUE_LISTS:
        table = out.setdefault(lst, {})
        for c in CODE_LISTS[lst]:
            for word in (c.code, c.en, c.zh):
                table.setdefault(norm_header(word), c.code)
    return out


def _shared_values() -> tuple[dict, dict]:
    data = tomllib.loads((SHIPPED_DIR / "_values.toml").read_text(encoding="utf-8"))
    values = _code_label_values()
    for k, v in data.get("values", {}).items():
        values.setdefault(k, {}).update({norm_header(a): b for a, b in v.items()})
    keywords = {k: [(w.lower(), c) for w, c in v["pairs"]] for k, v in data.get("keywords", {}).items()}
    return values, keywords


def load_profile(name: str) -> Profile:
    """Load profile ``name`` (user directory first, then shipped). Raises ``ValueError`` for an
    unknown name or an invalid file."""
    path = _profile_path(name)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    base = data.get("base")
    if base and base != name:
        merged = _raw_profile(base)
        merged.update({k: v for k, v in data.items() if k not in ("columns", "values")})
        merged["columns"] = data.get("columns", merged.get("columns", {}))
        vals = dict(merged.get("values", {}))
        vals.update(data.get("values", {}))
        merged["values"] = vals
        data = merged
    values, keywords = _shared_values()
    for lst, table in data.get("values", {}).items():
        values.setdefault(lst, {}).update({norm_header(a): b for a, b in table.items()})
    cols = {f: ([a] if isinstance(a, str) else list(a)) for f, a in data.get("columns", {}).items()}
    unknown = [f for f in cols if f not in FIELDS]
    if unknown:
        raise ValueError(f"{path}: unknown field(s) {unknown}; known fields: {', '.join(FIELDS)}")
    grain = data.get("grain", "complaint")
    if grain not in GRAINS:
        raise ValueError(f"{path}: grain must be one of {GRAINS}")
    return Profile(
        name=name, source=data.get("source", name), grain=grain, jurisdiction=data.get("jurisdiction", "CN"),
        filed_with=data.get("filed_with", "other"), submission_medium=data.get("submission_medium"),
        columns=cols, values=values, keywords=keywords, required=list(data.get("required", [])),
        date_order=data.get("date_order", "mdy"), id_from_row=bool(data.get("id_from_row", False)),
        id_from_content=bool(data.get("id_from_content", False)),
        public_ids=bool(data.get("public_ids", False)), numeric_ids=bool(data.get("numeric_ids", False)),
        keep_duplicate_rows=bool(data.get("keep_duplicate_rows", False)),
        midnight_is_date_only=bool(data.get("midnight_is_date_only", False)),
        occurred_equal_received_is_not_a_time=bool(data.get("occurred_equal_received_is_not_a_time", False)),
        default_method=data.get("default_method"), default_recipient=data.get("default_recipient"),
        number_region=data.get("number_region", "CN"), label_en=data.get("label_en", name),
        label_zh=data.get("label_zh", name), source_row=dict(data.get("source_row", {})), path=path,
        product=data.get("product"), is_debt_collection=bool(data.get("is_debt_collection", True)))


def _raw_profile(name: str) -> dict:
    return tomllib.loads(_profile_path(name).read_text(encoding="utf-8"))


def norm_header(h: str) -> str:
    """A header (or value-map key) compared loosely: ``analysis.ingest.common.header_key``, the
    one comparison every importer uses (NFKC, case-folded, everything but letters and digits
    removed: ``Complaint ID`` = ``complaint_id`` = ``COMPLAINT-ID``)."""
    return header_key(h)


def resolve_columns(header: list[str], profile: Profile) -> dict[str, int]:
    """Which header position gives each of the profile's fields: ``{field: column index}``.
    A field whose aliases match no header is absent. A header is used for one field only
    (fields in profile order)."""
    normed = [norm_header(h) for h in header]
    out: dict[str, int] = {}
    used: set[int] = set()
    for f, aliases in profile.columns.items():
        for a in aliases:
            na = norm_header(a)
            idx = next((i for i, h in enumerate(normed) if h == na and i not in used), None)
            if idx is not None:
                out[f] = idx
                used.add(idx)
                break
    return out


def propose_mapping(header: list[str]) -> dict[str, str | None]:
    """Proposed mapping for a file no profile knows: ``{header: field or None}``.

    Exact alias matches first (loose comparison, ``norm_header``), then headers that contain
    an alias (longest alias first); each field is proposed for one header at most. The user
    confirms or changes it, then ``save_profile`` keeps it.
    """
    normed = [norm_header(h) for h in header]
    out: dict[str, str | None] = {h: None for h in header}
    taken: set[str] = set()
    alias_list = sorted(((norm_header(a), f) for f, (_, _, _, al) in FIELDS.items() for a in al),
                        key=lambda x: -len(x[0]))
    for i, h in enumerate(normed):
        for a, f in alias_list:
            if h == a and f not in taken:
                out[header[i]] = f
                taken.add(f)
                break
    for i, h in enumerate(normed):
        if out[header[i]] is not None or not h:
            continue
        for a, f in alias_list:
            if len(a) >= 2 and a in h and f not in taken:
                out[header[i]] = f
                taken.add(f)
                break
    return out


def missing_required(prof: Profile, cols) -> list[str]:
    """The required fields of ``prof`` that the columns found (``cols``: the fields present,
    any container) do not give: an id may come from the row or its content (profile settings)
    and a call log's complaint from the command; a date column gives the time of an incident
    (``occurred_at`` from ``occurred_date`` and, when present, ``occurred_time``)."""
    return [f for f in prof.required if f not in cols
            and not (f == "complaint_id" and (prof.id_from_row or prof.id_from_content))
            and not (f == "occurred_at" and "occurred_date" in cols)
            and not (f == "complaint_id" and prof.grain == "call")]


def match_profiles(header: list[str]) -> list[tuple[str, int]]:
    """Profiles that fit ``header``: ``[(name, fields matched)]``, best first, only profiles
    whose required fields are all present (``missing_required``)."""
    out = []
    for name in list_profiles():
        try:
            prof = load_profile(name)
        except ValueError:
            continue
        cols = resolve_columns(header, prof)
        if not missing_required(prof, cols):
            out.append((name, len(cols)))
    return sorted(out, key=lambda x: (-x[1], x[0]))


def _toml_str(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class ProfileError(Refusal, ValueError):
    """A profile that cannot be saved: ``str(err)`` in English, ``in_language(lang)`` in the
    user's (``reasons.Refusal``: an entry ``profile_*`` of the reasons catalogue)."""


#: Names a saved profile may not take: ``cfpb`` (the CFPB importer, always used for that
#: name), and names beginning with these (``_``: files the listing hides; ``intake_``: the
#: profiles the Intake form derives for other jurisdictions and bodies, ``ui.intake.profile_for``).
RESERVED_NAMES = ("cfpb",)
RESERVED_PREFIXES = ("_", "intake_")


def save_profile(name: str, mapping: dict[str, str | None], *, base: str = "intake",
                 settings: dict | None = None, directory: Path | None = None, replace: bool = False,
                 derived: bool = False) -> Path:
    """Save a user-confirmed mapping as profile ``name`` (a TOML file) and return its path.

    ``mapping``: ``{source header: field or None}`` (as from ``propose_mapping``, after the
    user's changes; None = not used). ``base``: the shipped profile whose grain, defaults and
    value maps it inherits (``heimao``, ``c12315``, ``intake``, ``call_log``, ``ftc_dnc``).
    ``settings``: overrides such as ``{"jurisdiction": "CN", "filed_with": "..."}``.
    ``replace``: overwrite a saved profile of that name (else refused). ``derived``: the
    Intake form saving its own profile (``RESERVED_PREFIXES`` allowed).
    Raises ``ProfileError`` (a ``ValueError``) for a bad, shipped, reserved or (without
    ``replace``) existing name, an unknown field, or a field mapped twice.
    """
    if name in {p.stem for p in SHIPPED_DIR.glob("*.toml")} or name in RESERVED_NAMES:
        raise ProfileError("profile_shipped", name=name)
    _profile_path(base)
    if not re.fullmatch(r"[a-z0-9_]{1,40}", name or ""):
        raise ProfileError("profile_bad_name", name=name or "")
    if not derived and name.startswith(RESERVED_PREFIXES):
        raise ProfileError("profile_reserved", name=name, prefixes=list(RESERVED_PREFIXES))
    target = (Path(directory) if directory else user_dir()) / f"{name}.toml"
    if target.exists() and not replace:
        raise ProfileError("profile_exists", name=name)
    used = [f for f in mapping.values() if f]
    bad = [f for f in used if f not in FIELDS]
    if bad:
        raise ProfileError("profile_unknown_fields", fields=bad)
    dup = sorted({f for f in used if used.count(f) > 1})
    if dup:
        raise ProfileError("profile_field_twice", fields=dup)
    lines = [f"# Saved import profile (user-confirmed mapping), based on {base}.", f"name = {_toml_str(name)}",
             f"base = {_toml_str(base)}"]
    for k, v in (settings or {}).items():
        if isinstance(v, bool):
            lines.append(f"{k} = {'true' if v else 'false'}")
        elif isinstance(v, list):
            lines.append(f"{k} = [{', '.join(_toml_str(x) for x in v)}]")
        else:
            lines.append(f"{k} = {_toml_str(v)}")
    lines.append("")
    lines.append("[columns]")
    for header, f in mapping.items():
        if f:
            lines.append(f"{f} = [{_toml_str(header)}]")
    d = Path(directory) if directory else user_dir()
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_profile(name) if directory is None else None
    return path
