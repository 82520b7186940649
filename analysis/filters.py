"""The one filter builder: a ``Filter`` becomes ``(where_sql, params)`` plus a description.

Values are always bound parameters; column names come only from the allow-list below,
never from user text. Values within a field are OR'd, fields are AND'd. The same WHERE
feeds the totals and the detail rows, so they always agree.

Filters apply to the mart tables ``mart_complaint_facts`` (grain ``complaint``) and
``mart_incident_facts`` (grain ``incident``); both carry every filter column.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from analysis import codes

GRAINS = ("complaint", "incident")
#: ``product`` value of complaints whose source records no product (set in the mart).
PRODUCT_NOT_RECORDED = "(not recorded)"
LABEL_SOURCES = ("all", "structured", "narrative")


class FilterError(ValueError):
    """A filter value is invalid. ``str(err)`` is a message for the user (English);
    ``err.field`` names the field and ``err.value`` the offending value."""

    def __init__(self, field_name: str, value: object, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.field = field_name
        self.value = value
        self.message_en = message_en
        self.message_zh = message_zh

    def message(self, lang: str) -> str:
        """The message in ``lang`` (``en`` or ``zh``)."""
        return self.message_zh if lang == "zh" else self.message_en


@dataclass(frozen=True)
class Filter:
    """Every filter of the dashboard. Empty tuple = no restriction on that field.

    ``date_from`` / ``date_to``: inclusive bounds on ``received_date`` (the date the
    organisation received the complaint). Coded fields hold codes from analysis.codes;
    ``product``, ``company`` (creditor or collector), ``region`` and ``source`` hold
    values as stored. ``label_source`` chooses which conduct / method labels count:
    ``all``, ``structured`` (issue codes and fields) or ``narrative``.
    """

    date_from: date | None = None
    date_to: date | None = None
    jurisdiction: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    product: tuple[str, ...] = ()
    company: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    conduct: tuple[str, ...] = ()
    method: tuple[str, ...] = ()
    filed_with: tuple[str, ...] = ()
    submission_medium: tuple[str, ...] = ()
    outcome: tuple[str, ...] = ()
    label_source: str = "all"

    def validate(self) -> "Filter":
        """Check every value; returns self. Raises ``FilterError`` on the first bad one."""
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise FilterError("date_from", self.date_from,
                              f"The start date {self.date_from} is after the end date {self.date_to}.",
                              f"开始日期 {self.date_from} 晚于结束日期 {self.date_to}。")
        for name, list_name in _CODED_FIELDS.items():
            for v in getattr(self, name):
                if not codes.is_code(list_name, v):
                    raise FilterError(name, v,
                                      f"Unknown {name.replace('_', ' ')} code {v!r}. "
                                      f"Known codes: {', '.join(codes.codes(list_name))}.",
                                      f"未知的{_FIELD_ZH[name]}代码 {v!r}。")
        if self.label_source not in LABEL_SOURCES:
            raise FilterError("label_source", self.label_source,
                              f"Unknown label source {self.label_source!r}; use one of {', '.join(LABEL_SOURCES)}.",
                              f"未知的标签来源 {self.label_source!r}。")
        for name in ("source", "product", "company", "region"):
            for v in getattr(self, name):
                if not isinstance(v, str) or not v.strip() or len(v) > 300:
                    raise FilterError(name, v, f"Invalid {name} value {v!r}.", f"无效的{_FIELD_ZH[name]}值 {v!r}。")
        return self


_CODED_FIELDS = {
    "jurisdiction": "jurisdiction", "conduct": "conduct", "method": "method",
    "filed_with": "filed_with", "submission_medium": "submission_medium", "outcome": "outcome",
}
_FIELD_ZH = {
    "jurisdiction": "适用地区", "source": "数据来源", "product": "产品", "company": "公司",
    "region": "地区", "conduct": "行为", "method": "方式", "filed_with": "受理机构",
    "submission_medium": "提交方式", "outcome": "结果", "date_from": "开始日期", "date_to": "结束日期",
}
#: Simple ``column IN (...)`` fields: filter field → column (the allow-list).
_IN_COLUMNS = {
    "jurisdiction": "jurisdiction", "source": "source", "product": "product", "region": "region",
    "filed_with": "filed_with", "submission_medium": "submission_medium", "outcome": "outcome_code",
}
_CONDUCT_COLUMN = {"all": "conduct_codes", "structured": "conduct_codes_structured",
                   "narrative": "conduct_codes_narrative"}
_METHOD_LIST_COLUMN = {"all": "method_codes", "structured": "method_codes_structured",
                       "narrative": "method_codes_narrative"}
_INCIDENT_TIME_SOURCES = {"all": None, "structured": ("field", "issue_code"), "narrative": ("narrative",)}


def conduct_column(label_source: str) -> str:
    """Column holding the conduct-code list for ``label_source`` (allow-listed name)."""
    return _CONDUCT_COLUMN[label_source]


def method_column(label_source: str) -> str:
    """Complaint-grain column holding the method-code list for ``label_source``."""
    return _METHOD_LIST_COLUMN[label_source]


def build_where(flt: Filter, grain: str = "complaint") -> tuple[str, list]:
    """Turn a validated filter into a WHERE clause for the mart of ``grain``.

    Returns ``(where_sql, params)``: ``where_sql`` is ``"TRUE"`` when nothing is
    filtered, otherwise conditions joined by ``AND`` with ``?`` placeholders; ``params``
    is the list of values in placeholder order (lists for list-column conditions).
    Raises ``FilterError`` for invalid values and ``ValueError`` for an unknown grain.
    """
    conds = _conditions(flt, grain)
    return (" AND ".join(c[1] for c in conds) if conds else "TRUE"), [v for c in conds for v in c[2]]


def filter_columns(flt: Filter, grain: str = "complaint") -> frozenset[str]:
    """Mart columns the filter's WHERE clause (``build_where``) reads, e.g. ``received_date``,
    ``region``, ``conduct_codes``: tells ``analysis.queries`` which marts can answer it."""
    return frozenset(c for cond in _conditions(flt, grain) for c in cond[0])


def _conditions(flt: Filter, grain: str) -> list[tuple[tuple[str, ...], str, list]]:
    """The filter's conditions as ``(columns read, sql, params)``, in a fixed order."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    flt.validate()
    out: list[tuple[tuple[str, ...], str, list]] = []
    if flt.date_from:
        out.append((("received_date",), "received_date >= ?", [flt.date_from]))
    if flt.date_to:
        out.append((("received_date",), "received_date <= ?", [flt.date_to]))
    for name, column in _IN_COLUMNS.items():
        values = getattr(flt, name)
        if values:
            out.append(((column,), f"{column} IN ({', '.join('?' * len(values))})", list(values)))
    if flt.company:
        ph = ", ".join("?" * len(flt.company))
        out.append((("creditor_name", "collector_name"), f"(creditor_name IN ({ph}) OR collector_name IN ({ph}))",
                    list(flt.company) * 2))
    if flt.conduct:
        col = _CONDUCT_COLUMN[flt.label_source]
        out.append(((col,), f"list_has_any({col}, ?)", [list(flt.conduct)]))
    if flt.method:
        if grain == "complaint":
            col = _METHOD_LIST_COLUMN[flt.label_source]
            out.append(((col,), f"list_has_any({col}, ?)", [list(flt.method)]))
        else:
            out.append((("method_code",), f"method_code IN ({', '.join('?' * len(flt.method))})", list(flt.method)))
    if grain == "incident":
        srcs = _INCIDENT_TIME_SOURCES[flt.label_source]
        if srcs:
            out.append((("time_source",), f"time_source IN ({', '.join('?' * len(srcs))})", list(srcs)))
        else:  # both sources: a contact reported by a field and by the narrative counts once
            out.append((("is_in_all_view",), "is_in_all_view", []))
    return out


def describe(flt: Filter, lang: str = "en", source_names: dict[str, str] | None = None) -> str:
    """Human description of the filter, e.g. "received 2023-01-01 to 2023-06-30; method is
    phone call or SMS". Returns "all records" / "全部记录" when nothing is filtered.
    ``source_names`` maps source codes to display names."""
    zh = lang == "zh"
    out = []
    if flt.date_from or flt.date_to:
        a = flt.date_from.isoformat() if flt.date_from else "…"
        b = flt.date_to.isoformat() if flt.date_to else "…"
        out.append(f"受理日期 {a} 至 {b}" if zh else f"received {a} to {b}")
    names = {
        "jurisdiction": ("适用地区", "jurisdiction"), "source": ("数据来源", "source"),
        "product": ("产品", "product"), "company": ("公司", "company"), "region": ("地区", "state/province"),
        "conduct": ("行为", "conduct"), "method": ("方式", "method"), "filed_with": ("受理机构", "filed with"),
        "submission_medium": ("提交方式", "submitted via"), "outcome": ("结果", "outcome"),
    }
    for f in fields(flt):
        if f.name not in names:
            continue
        values = getattr(flt, f.name)
        if not values:
            continue
        list_name = _CODED_FIELDS.get(f.name)
        if list_name:
            shown = [codes.label(list_name, v, lang) for v in values]
        elif f.name == "source" and source_names:
            shown = [source_names.get(v, v) for v in values]
        elif f.name == "product":
            shown = [("未记录" if zh else "not recorded") if v == PRODUCT_NOT_RECORDED else v for v in values]
        else:
            shown = list(values)
        zh_name, en_name = names[f.name]
        if zh:  # 「」 keep names with commas or Latin text readable inside Chinese
            out.append(f"{zh_name}为" + "、".join(f"「{v}」" for v in shown))
        else:
            out.append(f"{en_name} is {' or '.join(shown)}")
    if flt.label_source != "all":
        src = {"structured": ("结构化字段/问题分类", "structured fields / issue codes"),
               "narrative": ("投诉正文", "narratives")}[flt.label_source]
        out.append(f"标签来源：{src[0]}" if zh else f"labels from {src[1]}")
    if not out:
        return "全部记录" if zh else "all records"
    return "；".join(out) if zh else "; ".join(out)
