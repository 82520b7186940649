"""The one filter builder: every filter field defined once, in ``FIELDS``.

A ``FilterField`` says everything about one field: its name (the ``Filter`` attribute,
the URL key and, with dashes, the command-line flag ``--name``), the mart columns it reads
(the allow-list: column names never come from user text), its code list, its labels in
both languages, how it reads in a sentence, and how it becomes SQL. The ``Filter``
dataclass, its validation, the WHERE clause (``build_where``), the description in words
(``describe``), the URL round trip (``to_url`` / ``from_url``), the command-line flags
(``add_cli_arguments`` / ``from_cli``) and the dashboard's widgets (``ui.page``) all derive
from that table: adding a filter is one entry in ``FIELDS``.

Values are always bound parameters. Values within a field are OR'd, fields are AND'd. The
same WHERE feeds the totals and the detail rows, so they always agree. Filters apply to the
mart tables ``mart_complaint_facts`` (grain ``complaint``) and ``mart_incident_facts``
(grain ``incident``); both carry every filter column.
"""
from __future__ import annotations

import argparse
import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Mapping

from analysis import codes
from analysis.i18n import STRINGS, t

GRAINS = ("complaint", "incident")
#: ``product`` value of complaints whose source records no product (set in the mart).
PRODUCT_NOT_RECORDED = "(not recorded)"
#: Which labels count: ``all`` (every source but the model's suggestions), ``structured``,
#: ``narrative`` (the rules' and reviewers' reading of the text) or ``with_model`` (all, plus
#: the model's suggestions: "rules + model", analysis/classify/model.py). Reviewed labels win
#: in each (analysis/reviews.py).
LABEL_SOURCES = ("all", "structured", "narrative", "with_model")
#: Earliest and latest received date a filter may name (a wider date is a typing error, and
#: Streamlit's date widget cannot show it).
DATE_MIN, DATE_MAX = date(1990, 1, 1), date(2100, 12, 31)
#: Longest free-text value (company, region, source, product) a filter accepts.
MAX_VALUE_LENGTH = 300


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


#: A condition: ``(mart columns read, sql with ? placeholders, params)``.
Condition = tuple[tuple[str, ...], str, list]


def _in(column: str, values) -> Condition:
    return (column,), f"{column} IN ({', '.join('?' * len(values))})", list(values)


_CONDUCT_COLUMN = {"all": "conduct_codes", "structured": "conduct_codes_structured",
                   "narrative": "conduct_codes_narrative", "with_model": "conduct_codes_with_model"}
_METHOD_LIST_COLUMN = {"all": "method_codes", "structured": "method_codes_structured",
                       "narrative": "method_codes_narrative", "with_model": "method_codes"}
#: Incident ``time_source`` values behind each label source (None: both; see ``_label_source_sql``).
#: ``core_complaint_labels.label_source`` values behind each choice (None: every one), as the
#: marts count them (analysis/sql/mart/mart_complaint_facts.sql).
CORE_LABEL_SOURCES = {"all": ("issue_code", "field", "narrative"), "structured": ("field", "issue_code"),
                      "narrative": ("narrative",), "with_model": None}
_INCIDENT_TIME_SOURCES = {"all": None, "structured": ("field", "issue_code"), "narrative": ("narrative", "review"),
                          "with_model": None}


def _company_sql(values, flt, grain) -> list[Condition]:
    if flt.company_role == "attributed":  # the company charts count: the collector, else the creditor
        return [_in("company_name", values)]
    ph = ", ".join("?" * len(values))
    return [(("creditor_name", "collector_name"), f"(creditor_name IN ({ph}) OR collector_name IN ({ph}))",
             list(values) * 2)]


def _conduct_sql(values, flt, grain) -> list[Condition]:
    col = _CONDUCT_COLUMN[flt.label_source]
    fn = "list_has_all" if flt.conduct_match == "all" else "list_has_any"
    return [((col,), f"{fn}({col}, ?)", [list(values)])]


def _no_sql(value, flt, grain) -> list[Condition]:
    return []  # a modifier of another field (``FilterField.match``), applied in that field's SQL


def _method_sql(values, flt, grain) -> list[Condition]:
    if grain == "complaint":
        col = _METHOD_LIST_COLUMN[flt.label_source]
        return [((col,), f"list_has_any({col}, ?)", [list(values)])]
    return [_in("method_code", values)]


def _label_source_sql(value, flt, grain) -> list[Condition]:
    if grain != "incident":
        return []  # at complaint grain the label source picks the conduct / method columns
    srcs = _INCIDENT_TIME_SOURCES[value]
    if srcs:
        return [_in("time_source", srcs)]
    # both sources: a contact reported by a field and by the narrative counts once
    return [(("is_in_all_view",), "is_in_all_view", [])]


def _not_recorded(value) -> bool:
    """None, NaN, pandas NA, "" or ``PRODUCT_NOT_RECORDED``."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() in ("", PRODUCT_NOT_RECORDED)
    try:
        return bool(value != value)  # NaN
    except TypeError:  # pandas NA
        return True


_CJK = re.compile(r"[\u3400-\u9fff]")

#: The end of a demonstration product's name (``analysis.demo``): "网络贷款 (演示)".
DEMO_PRODUCT_SUFFIX = " (演示)"


def product_label(product, lang: str = "en") -> str:
    """A product as shown to users: the name as stored, with a known name's translation first
    when the name is in the other language (names: i18n keys ``product:<name>``). In Chinese a
    CFPB product reads "债务催收（Debt collection）"; in English a Chinese platform's product
    reads "Online lending (网络贷款)", a demonstration one "Online lending, demo (网络贷款 (演示))".
    Missing values and ``PRODUCT_NOT_RECORDED`` give "Not recorded" / "未记录"; any other name
    is returned as is."""
    if _not_recorded(product):
        return t("not_recorded", lang)
    name = str(product)
    if lang == "zh":
        key = f"product:{name}"
        return f"{t(key, 'zh')}（{name}）" if key in STRINGS and not _CJK.search(name) else name
    demo = name.endswith(DEMO_PRODUCT_SUFFIX)
    key = f"product:{name[:-len(DEMO_PRODUCT_SUFFIX)] if demo else name}"
    if key in STRINGS and _CJK.search(name):
        return f"{t(key, 'en')}{', demo' if demo else ''} ({name})"
    return name


@dataclass(frozen=True)
class FilterField:
    """One filter field.

    ``name``: ``Filter`` attribute and URL key (CLI flag: ``cli_flag``). ``kind``: ``date``
    (one ``datetime.date``), ``list`` (a tuple of str; empty = no restriction) or ``choice``
    (one of ``choices``). ``label``: (en, zh) widget label. ``phrase``: (en, zh) name in a
    sentence ("method is SMS" / "方式为「短信」"). ``column``: the mart column of a plain
    ``IN`` field, or the column a date bound compares. ``code_list``: the ``analysis.codes``
    list of a coded field (values are codes; shown as labels). ``sql``: for fields that are
    not a plain ``IN``: ``(value, flt, grain) -> [Condition]``. ``op``: ``>=`` / ``<=`` for
    date bounds. ``help``: (en, zh) extra help text. ``choice_labels``: choice → (en, zh)
    as users read it. ``match``: for a list field, the choice field (values ``any`` /
    ``all``) saying whether a record needs any or all of the values chosen.
    """

    name: str
    kind: str
    label: tuple[str, str]
    phrase: tuple[str, str]
    column: str | None = None
    code_list: str | None = None
    choices: tuple[str, ...] = ()
    default: object = None
    sql: Callable[[object, object, str], list[Condition]] | None = None
    op: str | None = None
    help: tuple[str, str] | None = None
    choice_labels: Mapping[str, tuple[str, str]] | None = None
    match: str | None = None

    @property
    def cli_flag(self) -> str:
        """The command-line flag, e.g. ``--filed-with``."""
        return "--" + self.name.replace("_", "-")

    def text(self, attr: str, lang: str) -> str:
        """``label`` / ``phrase`` / ``help`` in ``lang``."""
        pair = getattr(self, attr)
        return "" if pair is None else (pair[1] if lang == "zh" else pair[0])

    def show(self, value: str, lang: str, source_names: Mapping[str, str] | None = None) -> str:
        """A value as users read it: the label of a code, a source's display name, a product
        (``product_label``: Chinese name of a CFPB product, "not recorded"); other values
        (from files) as stored."""
        if self.code_list:
            return codes.label(self.code_list, value, lang)
        if self.name == "source" and source_names:
            return source_names.get(value, value)
        if self.name == "product":
            return product_label(value, lang)
        if self.choice_labels and value in self.choice_labels:
            return self.choice_labels[value][1 if lang == "zh" else 0]
        return str(value)

    def conditions(self, flt, grain: str) -> list[Condition]:
        """The SQL conditions of this field in ``flt`` at ``grain`` ([] when unrestricted)."""
        value = getattr(flt, self.name)
        if self.kind == "date":
            return [] if value is None else [((self.column,), f"{self.column} {self.op} ?", [value])]
        if self.kind == "list" and not value:
            return []
        if self.sql is not None:
            return self.sql(value, flt, grain)
        return [_in(self.column, value)]


#: Every filter field, in the order of the sidebar, the description and the SQL.
FIELDS: tuple[FilterField, ...] = (
    FilterField("date_from", "date", ("Received from", "受理日期自"), ("received from", "受理日期自"),
                column="received_date", op=">="),
    FilterField("date_to", "date", ("Received to", "受理日期至"), ("received to", "受理日期至"),
                column="received_date", op="<="),
    FilterField("jurisdiction", "list", ("Jurisdiction", "适用地区"), ("jurisdiction", "适用地区"),
                column="jurisdiction", code_list="jurisdiction"),
    FilterField("source", "list", ("Data source", "数据来源"), ("source", "数据来源"), column="source"),
    FilterField("product", "list", ("Product", "产品"), ("product", "产品"), column="product"),
    FilterField("company", "list", ("Company (creditor / collector)", "公司（债权方/催收方）"),
                ("company", "公司"), sql=_company_sql, match="company_role"),
    FilterField("company_role", "choice", ("Company named as", "公司身份"), ("company named as", "公司身份"),
                choices=("either", "attributed"), default="either", sql=_no_sql,
                choice_labels={"either": ("creditor or collector", "债权方或催收方"),
                               "attributed": ("as charted: the collector, else the creditor",
                                              "按图表口径：有催收方时为催收方，否则为债权方")}),
    FilterField("region", "list", ("State / province", "州/省"), ("state/province", "州/省"), column="region"),
    FilterField("conduct", "list", ("Conduct", "不当催收行为"), ("conduct", "行为"), code_list="conduct",
                sql=_conduct_sql, match="conduct_match"),
    FilterField("conduct_match", "choice", ("Complaints with", "投诉须含"), ("conducts", "行为"),
                choices=("any", "all"), default="any", sql=_no_sql,
                choice_labels={"any": ("any of the conducts chosen", "任一所选行为"),
                               "all": ("all of the conducts chosen", "全部所选行为")}),
    FilterField("method", "list", ("Method", "催收方式"), ("method", "方式"), code_list="method", sql=_method_sql),
    FilterField("filed_with", "list", ("Filed with", "受理机构"), ("filed with", "受理机构"), column="filed_with",
                code_list="filed_with"),
    FilterField("submission_medium", "list", ("Submitted via", "提交方式"), ("submitted via", "提交方式"),
                column="submission_medium", code_list="submission_medium"),
    FilterField("outcome", "list", ("Outcome", "处理结果"), ("outcome", "结果"), column="outcome_code",
                code_list="outcome"),
    FilterField("label_source", "choice", ("Labels from", "标签来源"), ("labels from", "标签来源"),
                choices=LABEL_SOURCES, default="all", sql=_label_source_sql,
                choice_labels={"all": ("all sources", "全部来源"),
                               "structured": ("structured fields / issue codes", "结构化字段/问题分类"),
                               "narrative": ("narratives", "投诉正文"),
                               "with_model": ("all sources + model suggestions", "全部来源＋模型建议")}),
)
FIELD_BY_NAME: dict[str, FilterField] = {f.name: f for f in FIELDS}
LIST_FIELDS = tuple(f.name for f in FIELDS if f.kind == "list")
DATE_FIELDS = tuple(f.name for f in FIELDS if f.kind == "date")


def _default(f: FilterField):
    return () if f.kind == "list" else f.default


def _validate(self) -> "Filter":
    """Check every value; returns self. Raises ``FilterError`` on the first bad one."""
    for f in FIELDS:
        value = getattr(self, f.name)
        en, zh = f.text("label", "en"), f.text("label", "zh")
        if f.kind == "date":
            if value is not None and not (isinstance(value, date) and DATE_MIN <= value <= DATE_MAX):
                raise FilterError(f.name, value, f"{en}: {value} is outside {DATE_MIN}–{DATE_MAX}.",
                                  f"{zh}：{value} 不在 {DATE_MIN} 至 {DATE_MAX} 之间。")
        elif f.kind == "choice":
            if value not in f.choices:
                raise FilterError(f.name, value, f"Unknown {f.phrase[0]} {value!r}; use one of {', '.join(f.choices)}.",
                                  f"未知的{f.phrase[1]} {value!r}。")
        else:
            if not isinstance(value, tuple):
                raise FilterError(f.name, value, f"{en}: expected a list of values.", f"{zh}：应为取值列表。")
            for v in value:
                if f.code_list:
                    if not codes.is_code(f.code_list, v):
                        raise FilterError(f.name, v, f"Unknown {f.phrase[0]} code {v!r}. "
                                                     f"Known codes: {', '.join(codes.codes(f.code_list))}.",
                                          f"未知的{f.phrase[1]}代码 {v!r}。")
                elif not isinstance(v, str) or not v.strip() or len(v) > MAX_VALUE_LENGTH:
                    raise FilterError(f.name, v, f"Invalid {f.phrase[0]} value {v!r}.", f"无效的{f.phrase[1]}值 {v!r}。")
    if self.date_from and self.date_to and self.date_from > self.date_to:
        raise FilterError("date_from", self.date_from,
                          f"The start date {self.date_from} is after the end date {self.date_to}.",
                          f"开始日期 {self.date_from} 晚于结束日期 {self.date_to}。")
    return self


Filter = dataclasses.make_dataclass(
    "Filter", [(f.name, object, field(default=_default(f))) for f in FIELDS], frozen=True,
    namespace={"validate": _validate, "__module__": __name__, "__doc__": """Every filter of the dashboard,
    one attribute per ``FIELDS`` entry. Empty tuple = no restriction on that field.

    ``date_from`` / ``date_to``: inclusive bounds on ``received_date`` (the date the
    organisation received the complaint). Coded fields hold codes from analysis.codes;
    ``product``, ``company`` (creditor or collector), ``region`` and ``source`` hold values
    as stored. ``company_role``: ``either`` (default: creditor or collector) or
    ``attributed`` (``company_name``: the collector, else the creditor, as the company
    charts count). ``conduct_match``: ``any`` (default) or ``all`` of the conducts chosen.
    ``label_source`` chooses which conduct / method labels count: ``all``, ``structured``
    (issue codes and fields), ``narrative`` or ``with_model`` (all, plus the model's suggestions).
    """})


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


def _conditions(flt: Filter, grain: str) -> list[Condition]:
    """The filter's conditions, in ``FIELDS`` order."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    flt.validate()
    return [c for f in FIELDS for c in f.conditions(flt, grain)]


def is_default(flt: Filter, name: str) -> bool:
    """True when field ``name`` of ``flt`` does not restrict anything."""
    return getattr(flt, name) == _default(FIELD_BY_NAME[name])


def describe(flt: Filter, lang: str = "en", source_names: Mapping[str, str] | None = None) -> str:
    """The filter in words, e.g. "received 2023-01-01 to 2023-06-30; method is phone call
    or SMS" / "受理日期 2023-01-01 至 2023-06-30；方式为「电话」、「短信」". Returns
    "all records" / "全部记录" when nothing is filtered. ``source_names`` maps source codes
    to display names (never the raw code when a name is known)."""
    zh = lang == "zh"
    out = []
    if flt.date_from or flt.date_to:
        a = flt.date_from.isoformat() if flt.date_from else "…"
        b = flt.date_to.isoformat() if flt.date_to else "…"
        out.append(f"受理日期 {a} 至 {b}" if zh else f"received {a} to {b}")
    modifiers = {f.match for f in FIELDS if f.match}
    for f in FIELDS:
        if f.kind == "date" or f.name in modifiers or is_default(flt, f.name):
            continue
        value = getattr(flt, f.name)
        shown = [f.show(v, lang, source_names) for v in (value if f.kind == "list" else (value,))]
        every = bool(f.match) and getattr(flt, f.match) == "all" and len(shown) > 1
        how = "" if not f.match or getattr(flt, f.match) == "all" or is_default(flt, f.match) else (
            FIELD_BY_NAME[f.match].show(getattr(flt, f.match), lang))
        if f.kind == "choice":
            out.append(f"{f.phrase[1]}：{shown[0]}" if zh else f"{f.phrase[0]} {shown[0]}")
        elif zh:  # 「」 keep names with commas or Latin text readable inside Chinese
            out.append(f"{f.phrase[1]}{'同时包括' if every else '为'}" + "、".join(f"「{v}」" for v in shown)
                       + (f"（{how}）" if how else ""))
        else:  # names with a comma or " or " in them are quoted so the list stays readable
            shown = [f"“{v}”" if ("," in v or " or " in v or " and " in v) else v for v in shown]
            out.append(f"{f.phrase[0]} {'includes' if every else 'is'} {(' and ' if every else ' or ').join(shown)}"
                       + (f" ({how})" if how else ""))
    if not out:
        return "全部记录" if zh else "all records"
    return "；".join(out) if zh else "; ".join(out)


# --- the URL and the command line --------------------------------------------------------

def check_known_values(flt: Filter, options: Mapping[str, list[str]]) -> None:
    """Raise ``FilterError`` for a value of an uncoded list field (company, region, source,
    product …) that the database does not hold: ``options`` as ``queries.query_filter_options``
    gives them. A link or a command naming a company that is not there is told so, not shown
    an empty result (the dashboard's URLs and the export command both check here)."""
    for name in LIST_FIELDS:
        f = FIELD_BY_NAME[name]
        if f.code_list:
            continue
        unknown = [v for v in getattr(flt, name) if v not in set(options[name])]
        if unknown:
            raise FilterError(name, unknown[0], f"{f.text('label', 'en')}: {unknown[0]!r} is not in the database.",
                              f"{f.text('label', 'zh')}：数据库中没有 {unknown[0]!r}。")


def bad_date(name: str, raw: str) -> FilterError:
    """The error for a date that is not ``YYYY-MM-DD`` (field ``name``)."""
    f = FIELD_BY_NAME[name]
    return FilterError(name, raw, f"{f.text('label', 'en')} must be a date written YYYY-MM-DD; got {raw!r}.",
                       f"{f.text('label', 'zh')}须为 YYYY-MM-DD 格式的日期，收到 {raw!r}。")


def from_url(params: Mapping[str, list[str]]) -> Filter:
    """The validated ``Filter`` of URL query parameters ``{key: [values]}`` (keys are field
    names; an empty value ``key=`` means "all"; unknown keys are ignored). Raises
    ``FilterError`` for a value a field cannot take (dates not ``YYYY-MM-DD`` or out of
    range, unknown codes, an unknown label source) and for a one-value field (a date, a
    choice) given twice with different values."""
    values: dict[str, object] = {}
    for f in FIELDS:
        raw = [v for v in params.get(f.name, []) if v != ""]
        if not raw:
            continue
        if f.kind in ("date", "choice") and len(set(raw)) > 1:  # which one was meant is not ours to guess
            shown = ", ".join(repr(v) for v in dict.fromkeys(raw))
            raise FilterError(f.name, raw[1], f"{f.text('label', 'en')} is given more than once with different "
                              f"values ({shown}); a link takes one.",
                              f"{f.text('label', 'zh')}在链接中出现多次且取值不同（{shown}），只能有一个。")
        if f.kind == "date":
            try:
                values[f.name] = date.fromisoformat(raw[0])
            except ValueError:
                raise bad_date(f.name, raw[0]) from None
        elif f.kind == "choice":
            values[f.name] = raw[0]
        else:
            values[f.name] = tuple(dict.fromkeys(raw))
    return Filter(**values).validate()


def to_url(flt: Filter, keep_empty: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """URL query parameters of ``flt``: ``{key: [values]}`` for every restricted field, in
    ``FIELDS`` order; the fields in ``keep_empty`` are written as ``[""]`` ("all") when
    unrestricted, so a link states that choice explicitly. ``from_url(to_url(f)) == f``."""
    out: dict[str, list[str]] = {}
    for f in FIELDS:
        value = getattr(flt, f.name)
        if is_default(flt, f.name):
            if f.name in keep_empty:
                out[f.name] = [""]
        elif f.kind == "date":
            out[f.name] = [value.isoformat()]
        elif f.kind == "choice":
            out[f.name] = [value]
        else:
            out[f.name] = list(value)
    return out


def _cli_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def add_cli_arguments(parser: argparse.ArgumentParser) -> None:
    """Add one flag per filter field to ``parser`` (``--conduct X --conduct Y``,
    ``--date-from YYYY-MM-DD``, ``--label-source all``); read them back with ``from_cli``."""
    for f in FIELDS:
        if f.kind == "date":
            parser.add_argument(f.cli_flag, dest=f"flt_{f.name}", type=_cli_date, metavar="YYYY-MM-DD",
                                help=f"{f.phrase[0]} (inclusive)")
        elif f.kind == "choice":
            parser.add_argument(f.cli_flag, dest=f"flt_{f.name}", choices=f.choices, default=f.default,
                                help=f"{f.phrase[0]} (default {f.default})")
        else:
            codes_hint = f"; codes: {', '.join(codes.codes(f.code_list))}" if f.code_list else ""
            parser.add_argument(f.cli_flag, dest=f"flt_{f.name}", action="append", default=None, metavar="VALUE",
                                help=f"filter on {f.phrase[0]} (repeat for several values{codes_hint})")


def from_cli(args: argparse.Namespace, base: Filter | None = None) -> Filter:
    """The ``Filter`` of parsed ``add_cli_arguments`` flags; a list field without a flag
    keeps ``base``'s value (a default scope), a given flag replaces it. Not validated
    (call ``.validate()``)."""
    values = {}
    for f in FIELDS:
        v = getattr(args, f"flt_{f.name}")
        if f.kind == "list":
            values[f.name] = tuple(v) if v is not None else (getattr(base, f.name) if base else ())
        else:
            values[f.name] = v
    return Filter(**values)
