"""Who does it: companies (collector, else creditor) ranked by what their complaints show,
and one company's profile.

**Grouping names.** Sources spell one company many ways ("Acme Collections, Inc.",
"ACME COLLECTIONS INC", "acme collections"). ``normalise_company`` gives a grouping key
(rules below); the reviewed alias file ``analysis/maps/company_aliases.csv`` joins
variants the rules cannot (a company that changed its name). A *company* is the group of
raw stored names (``company_name`` of the marts) that share a key; its display name comes
from the alias file, else its most frequent raw spelling in the whole database
(``company_groups``). ``company_variants`` gives the raw names of a company, for a
drill-down with ``Filter(company=variants)``. That filter matches creditor OR collector
name, while the ranking and profiles here count ``company_name`` (the collector, else the
creditor, as ``query_company_conduct`` does), so a filtered view can hold more complaints
(those where the company is the creditor and an agency collected).

**Cost.** Every query groups the filtered cube rows by raw name in SQL first
(``analysis.queries.relation``: the ``_by_company`` complaint cube), then normalises the
distinct names only (``normalise_company`` is cached), so the cost grows with the number
of distinct companies, not with the rows. The outside-hours measure reads the incident
facts (no incident cube keeps company names): only incidents flagged outside the hours are
grouped.

Frames: counts are int64 (``*_count``), percentages float64 0–100 (``*_pct``, NaN when
the base is 0), ``rank`` Int64 (NA = not ranked), ``received_month`` datetime64.
"""
from __future__ import annotations

import csv
import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import codes, drill
from analysis.filters import Filter, conduct_column
from analysis.figures import CHART_NOTE, _layout, _month_axis, pct_text, _with_month_gaps
from analysis.i18n import t
from analysis.queries import relation

Con = duckdb.DuckDBPyConnection

ALIAS_PATH = Path(__file__).resolve().parent / "maps" / "company_aliases.csv"
#: Rate measures rank only companies whose base (the rate's denominator) has at least this
#: many complaints: below it one or two complaints swing a rate between 0 % and 100 %. The
#: page offers ``MIN_COUNT_OPTIONS`` and shows this default.
MIN_COUNT_DEFAULT = 10
MIN_COUNT_OPTIONS = (1, 5, 10, 25, 50, 100)
#: Companies drawn in the ranking chart.
TOP_N_DEFAULT = 15
#: Longest company label on a chart axis, in display columns (a CJK character counts 2);
#: longer names are cut with "…" and shown whole in the hover.
LABEL_COLUMNS = 34
COMPANY_COLOUR = "#0072B2"
OTHERS_COLOUR = "#BBBBBB"

# ---- name normalisation ---------------------------------------------------------------------

#: Legal-form words dropped from the end of a name (repeatedly: "Company, LLC" → both), as
#: written in names; they are matched after the same normalisation as names, so "Inc." also
#: covers "INC" and "Inc", "L.L.C." = "LLC", "& Co" = "and Co". Chinese forms (and any form
#: with a non-ASCII character) are matched at the end of the name without a word boundary
#: ("某某(中国)有限公司" → "某某"). "The" covers CFPB's "BANK, THE" and a leading "The " is
#: dropped as well. A name is never reduced to nothing: "The Company" stays "company".
LEGAL_SUFFIXES: tuple[str, ...] = (
    "Inc.", "Inc", "Incorporated", "LLC", "L.L.C.", "Corp.", "Corp", "Corporation", "Co.", "Co", "Company",
    "Ltd.", "Ltd", "Limited", "Limited Partnership", "LP", "L.P.", "LLP", "LLLP", "PLLC", "PLC", "N.A.",
    "National Association", "& Co", "& Co.", "& Company", "The",
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团", "（中国）", "（集团）",
)
_DROPPED_CHARS = re.compile(r"[.'’‘`´]")
_SPACES = re.compile(r"\s+")


def _canonical(name: str) -> str:
    """NFKC, case-folded, "&" → " and ", apostrophes and full stops deleted ("L.L.C." →
    "llc", "Conn's" → "conns"), every other character that is not a letter, digit, ``*``
    or parenthesis → space, spaces collapsed."""
    s = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    s = _DROPPED_CHARS.sub("", s)
    s = "".join(ch if (ch.isalnum() or ch in "*()") else " " for ch in s)
    return _SPACES.sub(" ", s).strip()


def _has_name(s: str) -> bool:
    return any(ch.isalnum() or ch == "*" for ch in s)


#: ``(normalised suffix, matched without a word boundary)``, longest first.
_SUFFIXES: tuple[tuple[str, bool], ...] = tuple(sorted(
    {(_canonical(s), not s.isascii()) for s in LEGAL_SUFFIXES}, key=lambda x: (-len(x[0]), x[0])))


@functools.lru_cache(maxsize=65536)
def normalise_company(name: str) -> str:
    """The grouping key of a company name (str → str; same key = same company).

    Rules, in order: Unicode NFKC (full-width letters, digits and brackets become ASCII:
    "ＡＣＭＥ" = "ACME", "（中国）" = "(中国)", "＊" = "*"); case-folded; "&" read as "and";
    apostrophes and full stops deleted; other punctuation and whitespace collapsed to one
    space; a leading "the" dropped, then ``LEGAL_SUFFIXES`` dropped from the end,
    repeatedly; parentheses then become spaces. ``*`` is part of the name: a masked name
    such as "信*飞" is kept as written (never a wildcard), so "信*飞" and "信**飞" are
    different companies, while "信*飞有限公司" is the company "信*飞" (only the legal
    suffix differs). A name with nothing but suffixes keeps them ("The Company" →
    "company"); a name with no letter or digit at all keeps its case-folded text. Aliases
    (renamed companies) are not applied here: see ``company_groups``.
    """
    s = _canonical(name)
    if s.startswith("the ") and _has_name(s[4:]):
        s = s[4:]
    changed = True
    while changed:
        changed = False
        for suffix, anywhere in _SUFFIXES:
            if s.endswith(suffix) if anywhere else (s.endswith(" " + suffix)):
                rest = s[: -len(suffix)].rstrip()
                if _has_name(rest):
                    s, changed = rest, True
                    break
    key = _SPACES.sub(" ", s.replace("(", " ").replace(")", " ")).strip()
    return key or unicodedata.normalize("NFKC", name).casefold().strip()


# ---- aliases and groups -----------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def load_aliases(path: str | Path = ALIAS_PATH) -> pd.DataFrame:
    """The alias file: columns ``alias``, ``company``, ``note`` (str), one row per known
    variant, with ``alias_key`` and ``company_key`` (``normalise_company`` of each).

    An alias applies to every raw name with the same key as ``alias``; ``company`` is the
    display name of the group. Raises ``ValueError`` when a column is missing, a cell of
    ``alias`` / ``company`` is empty, one alias key names two companies, or two companies
    share a key but differ in spelling (the display name would be ambiguous)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
        header = set(rows[0]) if rows else set()
    if rows and not {"alias", "company", "note"} <= header:
        raise ValueError(f"{path}: expected columns alias, company, note; found {', '.join(sorted(header))}")
    out = pd.DataFrame(rows, columns=["alias", "company", "note"]).fillna("")
    for col in ("alias", "company"):
        out[col] = out[col].str.strip()
        if (out[col] == "").any():
            raise ValueError(f"{path}: empty {col} in row {int((out[col] == '').idxmax()) + 2}")
    out["alias_key"] = out["alias"].map(normalise_company)
    out["company_key"] = out["company"].map(normalise_company)
    for key_col, val_col in (("alias_key", "company"), ("company_key", "company")):
        clash = out.groupby(key_col)[val_col].nunique()
        if (clash > 1).any():
            raise ValueError(f"{path}: {key_col} {clash[clash > 1].index[0]!r} names more than one company")
    return out


def company_groups(names: Iterable[str | None], weights: Iterable[int] | None = None,
                   aliases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Map raw stored names to companies.

    ``names``: raw names (repeats count as occurrences; None / blank are skipped);
    ``weights``: optional counts parallel to ``names`` (e.g. complaints per name), default 1
    each; ``aliases``: the alias table (default ``load_aliases()``).

    Returns one row per distinct raw name, sorted by ``key`` then ``company_name``:
    ``company_name`` (str, the raw name), ``company`` (str, display name), ``key`` (str,
    the group key). The key is ``normalise_company(name)``, or, when that equals an
    alias's key, the key of the alias's ``company``. The display name of a group is the
    alias file's ``company`` whose key is the group's key, else the group's most frequent
    raw spelling (largest total weight; ties: the smallest string in code-point order, so
    "ACME INC" before "Acme Inc"). Deterministic for the same input.
    """
    aliases = load_aliases() if aliases is None else aliases
    to_company = dict(zip(aliases["alias_key"], aliases["company_key"]))
    display = dict(zip(aliases["company_key"], aliases["company"]))
    totals: dict[str, int] = {}
    ws = weights if weights is not None else None
    it = zip(names, ws) if ws is not None else ((n, 1) for n in names)
    for n, w in it:
        if n is None or (isinstance(n, float) and np.isnan(n)) or not str(n).strip():
            continue
        totals[n] = totals.get(n, 0) + int(w)
    rows = []
    for n, w in totals.items():
        raw_key = normalise_company(n)
        rows.append((n, to_company.get(raw_key, raw_key), w))
    frame = pd.DataFrame(rows, columns=["company_name", "key", "weight"])
    if frame.empty:
        return pd.DataFrame({"company_name": pd.Series(dtype=object), "company": pd.Series(dtype=object),
                             "key": pd.Series(dtype=object)})
    best = (frame.sort_values(["key", "weight", "company_name"], ascending=[True, False, True])
            .drop_duplicates("key").set_index("key")["company_name"])
    frame["company"] = [display.get(k, best[k]) for k in frame["key"]]
    return (frame.sort_values(["key", "company_name"])[["company_name", "company", "key"]]
            .reset_index(drop=True))


def query_company_directory(con: Con) -> pd.DataFrame:
    """Every raw company name in the database with its complaints (no filter): columns
    ``company_name`` (str), ``complaint_count`` (int64), sorted by name. Read from the
    company cube (one row per cube group, not per complaint)."""
    rel, p = relation(Filter(), "complaint", ["company_name"])
    return con.execute(f"""
        SELECT company_name, sum(n)::BIGINT AS complaint_count FROM {rel} f
        WHERE company_name IS NOT NULL GROUP BY company_name ORDER BY company_name""", p).df()


@functools.lru_cache(maxsize=16)
def _groups_of(items: tuple[tuple[str, int], ...]) -> pd.DataFrame:
    return company_groups([n for n, _ in items], [w for _, w in items])


def database_groups(con: Con) -> pd.DataFrame:
    """``company_groups`` of every raw name in the database, weighted by its complaints
    (so display names do not change with the filter). Cached per directory content."""
    d = query_company_directory(con)
    return _groups_of(tuple(zip(d["company_name"].tolist(), d["complaint_count"].tolist())))


def company_variants(con: Con, company: str) -> tuple[str, ...]:
    """The raw stored names of ``company`` (a display name of ``company_groups``; a raw
    stored name also works and gives its whole group), sorted; () when unknown. Use them
    as ``Filter(company=variants)`` to drill down."""
    g = database_groups(con)
    keys = set(g.loc[g["company"] == company, "key"]) or set(g.loc[g["company_name"] == company, "key"])
    return tuple(sorted(g.loc[g["key"].isin(keys), "company_name"]))


# ---- measures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One ranking measure. ``id``: ``complaints``, ``conduct:<CODE>``, ``outside_hours``,
    ``timely`` or ``outcome:<CODE>``. ``kind``: ``count`` (ranked by complaints, every company)
    or ``rate`` (ranked by ``share_pct``, only companies whose base ≥ min_count).
    ``ascending``: rank 1 is the lowest rate (the timely-response rate: worst first)."""

    id: str
    kind: str
    code: str | None = None
    ascending: bool = False

    @property
    def family(self) -> str:
        return self.id.split(":", 1)[0]

    def label(self, lang: str) -> str:
        """The measure in words (the page's choice and the chart's axis)."""
        if self.family == "conduct":
            return t("co_m_conduct", lang, label=codes.label("conduct", self.code, lang))
        if self.family == "outcome":
            return t("co_m_outcome", lang, label=codes.label("outcome", self.code, lang))
        return t(f"co_m_{self.family}", lang)


MEASURES: tuple[Measure, ...] = (
    (Measure("complaints", "count"),)
    + tuple(Measure(f"conduct:{c}", "rate", c) for c in codes.codes("conduct"))
    + (Measure("outside_hours", "rate"), Measure("timely", "rate", ascending=True))
    + tuple(Measure(f"outcome:{c}", "rate", c) for c in codes.codes("outcome"))
)
MEASURE_BY_ID = {m.id: m for m in MEASURES}


def get_measure(measure_id: str) -> Measure:
    """The ``Measure`` of ``measure_id``; ``ValueError`` for an unknown one."""
    try:
        return MEASURE_BY_ID[measure_id]
    except KeyError:
        raise ValueError(f"unknown measure {measure_id!r}; use one of {', '.join(MEASURE_BY_ID)}") from None


def _check_min_count(min_count) -> int:
    n = int(min_count)
    if n < 1:
        raise ValueError(f"min_count must be at least 1, got {min_count!r}")
    return n


# ---- ranking ----------------------------------------------------------------------------------

RANKING_COLUMNS = {
    "measure": "str", "rank": "Int64", "company": "str", "complaint_count": "int64", "base_count": "int64",
    "share_pct": "float64", "total_complaint_count": "int64", "is_ranked": bool, "min_base": "int64",
    "company_names": object,
}


def _raw_stats(con: Con, flt: Filter, m: Measure) -> pd.DataFrame:
    """Per raw ``company_name`` (None = not recorded): ``total_n`` (complaints), ``num_n``
    (complaints the measure counts) and ``base_n`` (the rate's base), int64."""
    if m.family == "outside_hours":
        rel, p = relation(flt, "complaint", ["company_name"])
        irel, ip = relation(flt, "incident", ["company_name", "complaint_id", "is_outside_permitted_hours"])
        return con.execute(f"""
            WITH c AS (SELECT company_name, sum(n)::BIGINT AS total_n FROM {rel} f GROUP BY ALL),
            o AS (SELECT company_name, count(DISTINCT complaint_id)::BIGINT AS num_n FROM {irel} f
                  WHERE is_outside_permitted_hours GROUP BY ALL)
            SELECT c.company_name, c.total_n, coalesce(o.num_n, 0)::BIGINT AS num_n, c.total_n AS base_n
            FROM c LEFT JOIN o ON o.company_name IS NOT DISTINCT FROM c.company_name""", p + ip).df()
    cols, num, base, extra = ["company_name"], "FALSE", "TRUE", []
    if m.family == "conduct":
        ccol = conduct_column(flt.label_source)
        cols.append(ccol)
        num, extra = f"list_contains({ccol}, ?)", [m.code]
    elif m.family == "timely":
        cols.append("is_timely_response")
        num, base = "is_timely_response", "is_timely_response IS NOT NULL"
    elif m.family == "outcome":
        cols.append("outcome_code")
        num, extra = "outcome_code = ?", [m.code]
    rel, p = relation(flt, "complaint", cols)
    return con.execute(f"""
        SELECT company_name, sum(n)::BIGINT AS total_n,
               coalesce(sum(n) FILTER (WHERE {num}), 0)::BIGINT AS num_n,
               coalesce(sum(n) FILTER (WHERE {base}), 0)::BIGINT AS base_n
        FROM {rel} f GROUP BY company_name""", extra + p).df()


def _empty_ranking() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in RANKING_COLUMNS.items()})


def query_company_ranking(con: Con, flt: Filter, measure: str = "complaints",
                          min_count: int = MIN_COUNT_DEFAULT) -> pd.DataFrame:
    """Companies ranked by ``measure`` within the filter.

    Measures (``MEASURES``; ``Measure.label`` says them in words):

    - ``complaints``: the company's complaints; every company is ranked; ``base_count`` is
      every complaint in the filter (also those without a company name) and ``share_pct``
      the company's share of them.
    - ``conduct:<CODE>``: share of the company's complaints with that conduct label (labels
      of ``flt.label_source``). Base: the company's complaints. (Counts of a conduct per
      company: filter on the conduct and rank by ``complaints``.)
    - ``outside_hours``: share of the company's complaints with at least one incident
      outside the jurisdiction's permitted hours (``is_outside_permitted_hours``: an exact
      time outside CN-TIME-01 / US-TIME-01, a daypart wholly outside, or a source flag such
      as CFPB's "before 8am or after 9pm"); a complaint counts once however many such
      incidents it has. Base: all the company's complaints in the filter (most have no
      timed incident). Incidents pass the filter at incident grain (e.g. a method filter
      keeps incidents of that method).
    - ``timely``: share of complaints answered in time. Base: the company's complaints
      whose timeliness is known. Ranked lowest first (rank 1 = least timely).
    - ``outcome:<CODE>``: share of the company's complaints with that outcome. Base: all
      the company's complaints (an unrecorded outcome is in the base).

    A rate ranks only companies with ``base_count >= min_count``; the others stay in the
    frame, after the ranked ones, with ``rank`` NA and ``is_ranked`` False (count them to
    say how many were left out). Complaints without a company name are not ranked.

    Columns: ``measure`` (str), ``rank`` (Int64, 1.. by value, then larger base, then
    display name), ``company`` (str, display name), ``complaint_count`` (int64: complaints
    the measure counts; all the company's complaints for ``complaints``), ``base_count``
    (int64), ``share_pct`` (float64, complaint_count / base_count × 100; NaN when the base
    is 0), ``total_complaint_count`` (int64, all the company's complaints in the filter),
    ``is_ranked`` (bool), ``min_base`` (int64, the ``min_count`` applied; 0 for
    ``complaints``), ``company_names`` (tuple of the raw names grouped, sorted).
    Raises ``ValueError`` for an unknown measure or ``min_count`` < 1, ``FilterError`` for
    an invalid filter.
    """
    m, min_count = get_measure(measure), _check_min_count(min_count)
    raw = _raw_stats(con, flt, m)
    named = raw[raw["company_name"].notna()]
    if named.empty:
        return _empty_ranking()
    groups = database_groups(con)
    g = named.merge(groups, on="company_name", how="left")
    missing = g["company"].isna()  # not in the directory (a facts-only read): grouped on its own
    if missing.any():
        extra = company_groups(g.loc[missing, "company_name"], g.loc[missing, "total_n"]).set_index("company_name")
        for col in ("company", "key"):
            g.loc[missing, col] = g.loc[missing, "company_name"].map(extra[col])
    agg = (g.groupby("key", sort=False)
           .agg(company=("company", "first"), total_complaint_count=("total_n", "sum"),
                complaint_count=("num_n", "sum"), base_count=("base_n", "sum"),
                company_names=("company_name", lambda s: tuple(sorted(s))))
           .reset_index(drop=True))
    if m.kind == "count":
        agg["complaint_count"] = agg["total_complaint_count"]
        agg["base_count"] = int(raw["total_n"].sum())
        agg["is_ranked"] = True
        order, asc = ["complaint_count", "company"], [False, True]
    else:
        agg["is_ranked"] = (agg["base_count"] >= min_count) & (agg["base_count"] > 0)
        order, asc = ["share_pct", "base_count", "company"], [m.ascending, False, True]
    base = agg["base_count"].astype("float64")
    agg["share_pct"] = np.where(base > 0, 100.0 * agg["complaint_count"] / base.where(base > 0, 1), np.nan)
    ranked = agg[agg["is_ranked"]].sort_values(order, ascending=asc, kind="mergesort")
    rest = agg[~agg["is_ranked"]].sort_values(["base_count", "company"], ascending=[False, True], kind="mergesort")
    out = pd.concat([ranked, rest], ignore_index=True)
    out["rank"] = pd.array(list(range(1, len(ranked) + 1)) + [pd.NA] * len(rest), dtype="Int64")
    out["measure"] = m.id
    out["min_base"] = min_count if m.kind == "rate" else 0
    return out[list(RANKING_COLUMNS)].astype({c: d for c, d in RANKING_COLUMNS.items() if d is not object})


def ranking_count(frame: pd.DataFrame, kpis: dict | None = None) -> int:
    """Complaints a ranking rests on: for ``complaints``, those of the companies ranked;
    for a rate, the bases of the companies ranked."""
    if frame.empty:
        return 0
    ranked = frame[frame["is_ranked"]]
    col = "complaint_count" if frame["measure"].iloc[0] == "complaints" else "base_count"
    return int(ranked[col].sum())


def ranking_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ranking for people (the page's table): ranked companies only, headers in
    ``lang``: rank, company, the measure's value (rounded to 1 decimal: a percentage, or
    the complaint count), complaints counted, base, all complaints, spellings grouped
    (the raw names joined with " | "). Ranked by complaints, the value is the count and the
    other counts would repeat it: rank, company, complaints, their share of every complaint in
    the filter (%, 1 decimal) and spellings."""
    r = frame[frame["is_ranked"]]
    is_count = (not r.empty) and r["measure"].iloc[0] == "complaints"
    if is_count:
        return pd.DataFrame({
            t("co_col_rank", lang): r["rank"].astype("Int64"),
            t("co_col_company", lang): r["company"],
            t("co_kpi_complaints", lang): r["complaint_count"],
            t("co_col_share_all", lang): r["share_pct"].round(1),
            t("co_col_names", lang): r["company_names"].map(lambda v: " | ".join(v)),
        }).reset_index(drop=True)
    return pd.DataFrame({
        t("co_col_rank", lang): r["rank"].astype("Int64"),
        t("co_col_company", lang): r["company"],
        t("co_col_value", lang): (r["complaint_count"] if is_count else r["share_pct"].round(1)),
        t("co_col_counted", lang): r["complaint_count"],
        t("co_col_base", lang): r["base_count"],
        t("co_col_total", lang): r["total_complaint_count"],
        t("co_col_names", lang): r["company_names"].map(lambda v: " | ".join(v)),
    }).reset_index(drop=True)


def channels_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``query_company_channels`` for people: channel, value (labels in ``lang``),
    complaints, share % rounded to 1 decimal; headers in ``lang``."""
    return pd.DataFrame({
        t("co_col_channel", lang): [t(f"co_ch_{c}", lang) for c in frame["channel"]],
        t("co_col_code", lang): [codes.label(c, v if isinstance(v, str) else None, lang)
                                 for c, v in zip(frame["channel"], frame["channel_code"])],
        t("co_kpi_complaints", lang): frame["complaint_count"].astype("int64"),
        t("co_col_share", lang): frame["share_pct"].round(1),
    })


# ---- one company's profile -----------------------------------------------------------------


def resolve_company(con: Con, flt: Filter, company: str | Sequence[str] | None) -> tuple[str | None, tuple[str, ...]]:
    """``(display name, raw names)`` of ``company``: a display name (or raw name: its whole
    group), a sequence of raw names (display name from their group), or None: the company
    with most complaints in the filter. ``(None, ())`` when there is none."""
    if company is None:
        top = query_company_ranking(con, flt, "complaints")
        if top.empty:
            return None, ()
        return str(top["company"].iloc[0]), tuple(top["company_names"].iloc[0])
    if isinstance(company, str):
        names = company_variants(con, company)
        if not names:
            return company, ()
        g = database_groups(con)
        return str(g.loc[g["company_name"] == names[0], "company"].iloc[0]), names
    names = tuple(sorted(set(company)))
    g = database_groups(con)
    hit = g.loc[g["company_name"].isin(names), "company"]
    return (str(hit.iloc[0]) if len(hit) else (names[0] if names else None)), names


def _is_company_sql(names: tuple[str, ...]) -> tuple[str, list]:
    if not names:
        return "FALSE", []
    return f"coalesce(company_name IN ({', '.join('?' * len(names))}), FALSE)", list(names)


def query_company_trend(con: Con, flt: Filter, company: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The company's complaints per received month.

    Columns: ``received_month`` (datetime64, first day), ``complaint_count`` (int64; 0 in a
    month the filtered data covers but the company has no complaint), ``company`` (str,
    display name). One row per month with any filtered complaint from the company's first
    to its last month, ascending (months the data does not cover are absent: the chart
    shows gaps there); empty when the company has no complaint in the filter.
    ``company``: see ``resolve_company``."""
    name, names = resolve_company(con, flt, company)
    is_c, cp = _is_company_sql(names)
    rel, p = relation(flt, "complaint", ["received_month", "company_name"])
    df = con.execute(f"""
        WITH m AS (
            SELECT received_month, coalesce(sum(n) FILTER (WHERE {is_c}), 0)::BIGINT AS complaint_count
            FROM {rel} f WHERE received_month IS NOT NULL GROUP BY received_month
        ), span AS (SELECT min(received_month) AS lo, max(received_month) AS hi FROM m WHERE complaint_count > 0)
        SELECT received_month, complaint_count FROM m, span
        WHERE received_month BETWEEN span.lo AND span.hi ORDER BY received_month""", cp + p).df()
    df["company"] = pd.Series([name] * len(df), dtype=object)
    return df


def query_company_conduct_mix(con: Con, flt: Filter, company: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The company's conduct mix against every other complaint in the same filter
    (multi-label: a complaint counts once for each of its conducts; labels of
    ``flt.label_source``).

    Columns: ``conduct_code``, ``complaint_count`` (int64, the company's complaints with
    it), ``share_pct`` (float64, of the company's complaints), ``others_complaint_count``
    (int64, other complaints with it: other companies and complaints without a company
    name), ``others_share_pct`` (float64, of those), ``company_base_count`` and
    ``others_base_count`` (int64, the two denominators, the same in every row),
    ``company`` (str). Conducts present on either side, by the company's count desc, then
    the others' count desc, then code. Empty when the company has no complaint."""
    name, names = resolve_company(con, flt, company)
    is_c, cp = _is_company_sql(names)
    ccol = conduct_column(flt.label_source)
    rel, p = relation(flt, "complaint", ["company_name", ccol])
    df = con.execute(f"""
        WITH g AS (SELECT {is_c} AS is_company, {ccol} AS conducts, sum(n) AS n FROM {rel} f GROUP BY ALL),
        tot AS (SELECT coalesce(sum(n) FILTER (WHERE is_company), 0)::BIGINT AS c_tot,
                       coalesce(sum(n) FILTER (WHERE NOT is_company), 0)::BIGINT AS o_tot FROM g),
        u AS (SELECT is_company, unnest(conducts) AS conduct_code, n FROM g)
        SELECT conduct_code,
               coalesce(sum(n) FILTER (WHERE is_company), 0)::BIGINT AS complaint_count,
               100.0 * coalesce(sum(n) FILTER (WHERE is_company), 0) / nullif(any_value(c_tot), 0) AS share_pct,
               coalesce(sum(n) FILTER (WHERE NOT is_company), 0)::BIGINT AS others_complaint_count,
               100.0 * coalesce(sum(n) FILTER (WHERE NOT is_company), 0) / nullif(any_value(o_tot), 0)
                   AS others_share_pct,
               any_value(c_tot) AS company_base_count, any_value(o_tot) AS others_base_count
        FROM u, tot GROUP BY conduct_code
        ORDER BY complaint_count DESC, others_complaint_count DESC, conduct_code""", cp + p).df()
    has = con.execute(f"SELECT coalesce(sum(n) FILTER (WHERE {is_c}), 0) FROM {rel} f", cp + p).fetchone()[0]
    if not has:
        df = df.iloc[0:0]
    df["company"] = pd.Series([name] * len(df), dtype=object)
    return df.astype({"share_pct": "float64", "others_share_pct": "float64"})


def query_company_outcomes(con: Con, flt: Filter, company: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The company's outcome mix, with the others' shares for comparison.

    Columns: ``outcome_code`` (None = not recorded), ``complaint_count`` (int64),
    ``share_pct`` (float64, of the company's complaints), ``others_complaint_count``
    (int64), ``others_share_pct`` (float64, of the other complaints in the filter),
    ``company`` (str). Outcomes the company has, in code-list order, not recorded last."""
    name, names = resolve_company(con, flt, company)
    is_c, cp = _is_company_sql(names)
    rel, p = relation(flt, "complaint", ["company_name", "outcome_code"])
    df = con.execute(f"""
        WITH g AS (SELECT {is_c} AS is_company, outcome_code, sum(n) AS n FROM {rel} f GROUP BY ALL),
        s AS (SELECT outcome_code,
                     coalesce(sum(n) FILTER (WHERE is_company), 0)::BIGINT AS complaint_count,
                     coalesce(sum(n) FILTER (WHERE NOT is_company), 0)::BIGINT AS others_complaint_count
              FROM g GROUP BY outcome_code)
        SELECT outcome_code, complaint_count,
               100.0 * complaint_count / nullif(sum(complaint_count) OVER (), 0) AS share_pct,
               others_complaint_count,
               100.0 * others_complaint_count / nullif(sum(others_complaint_count) OVER (), 0) AS others_share_pct
        FROM s""", cp + p).df()
    df = df[df["complaint_count"] > 0]
    order = {c: i for i, c in enumerate(codes.codes("outcome"))}
    df = df.assign(_o=df["outcome_code"].map(lambda c: order.get(c, len(order)) if isinstance(c, str) else len(order) + 1))
    df = df.sort_values(["_o", "outcome_code"], kind="mergesort").drop(columns="_o").reset_index(drop=True)
    df["company"] = pd.Series([name] * len(df), dtype=object)
    return df.astype({"share_pct": "float64", "others_share_pct": "float64"})


def query_company_channels(con: Con, flt: Filter, company: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Where and how the company's complaints were lodged.

    Columns: ``channel`` (``filed_with`` or ``submission_medium``), ``channel_code`` (code;
    None = not recorded), ``complaint_count`` (int64), ``share_pct`` (float64, of the
    company's complaints). By channel, then count desc, then code."""
    _, names = resolve_company(con, flt, company)
    is_c, cp = _is_company_sql(names)
    rel, p = relation(flt, "complaint", ["company_name", "filed_with", "submission_medium"])
    df = con.execute(f"""
        WITH g AS (SELECT filed_with, submission_medium, sum(n) AS n FROM {rel} f WHERE {is_c} GROUP BY ALL),
        tot AS (SELECT sum(n) AS total FROM g)
        SELECT 'filed_with' AS channel, filed_with AS channel_code, sum(n)::BIGINT AS complaint_count,
               100.0 * sum(n) / any_value(total) AS share_pct FROM g, tot GROUP BY filed_with
        UNION ALL
        SELECT 'submission_medium', submission_medium, sum(n)::BIGINT, 100.0 * sum(n) / any_value(total)
        FROM g, tot GROUP BY submission_medium
        ORDER BY channel, complaint_count DESC, channel_code NULLS LAST""", p + cp).df()
    return df.astype({"share_pct": "float64"})


def query_company_summary(con: Con, flt: Filter, company: str | Sequence[str] | None = None) -> dict:
    """Key figures of one company in the filter: ``company`` (display name or None),
    ``company_names`` (tuple of raw names), ``complaint_count``, ``narrative_count``
    (complaints with a narrative), ``timely_known_count`` (int), ``timely_rate_pct``
    (float or None when no timeliness is known)."""
    name, names = resolve_company(con, flt, company)
    is_c, cp = _is_company_sql(names)
    rel, p = relation(flt, "complaint", ["company_name", "has_narrative", "is_timely_response"])
    c = con.execute(f"""
        SELECT coalesce(sum(n), 0)::BIGINT, coalesce(sum(n) FILTER (WHERE has_narrative), 0)::BIGINT,
               coalesce(sum(n) FILTER (WHERE is_timely_response IS NOT NULL), 0)::BIGINT,
               coalesce(sum(n) FILTER (WHERE is_timely_response), 0)::BIGINT
        FROM {rel} f WHERE {is_c}""", p + cp).fetchone()
    return {"company": name, "company_names": names, "complaint_count": int(c[0]), "narrative_count": int(c[1]),
            "timely_known_count": int(c[2]), "timely_rate_pct": (100.0 * c[3] / c[2]) if c[2] else None}


def query_company_profile(con: Con, flt: Filter, company: str | Sequence[str] | None = None) -> dict:
    """Everything about one company: ``summary`` (``query_company_summary``), ``trend``,
    ``conduct_mix``, ``outcomes`` and ``channels`` (the frames of the query functions of
    those names)."""
    return {"summary": query_company_summary(con, flt, company), "trend": query_company_trend(con, flt, company),
            "conduct_mix": query_company_conduct_mix(con, flt, company),
            "outcomes": query_company_outcomes(con, flt, company),
            "channels": query_company_channels(con, flt, company)}


# ---- figures ------------------------------------------------------------------------------------


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def short_label(name: str, limit: int = LABEL_COLUMNS) -> str:
    """``name`` cut to at most ``limit`` display columns (CJK = 2) with "…" at the end."""
    if _columns(name) <= limit:
        return name
    out = ""
    for ch in name:
        if _columns(out + ch) > limit - 1:
            break
        out += ch
    return out.rstrip() + "…"


def _plain(text: str) -> str:
    """A name from a file as plain text inside plotly labels (plotly reads a few HTML tags)."""
    return html.escape(str(text), quote=False)


def _customdata(*cols) -> list[list]:
    return [list(row) for row in zip(*cols)]


def make_company_ranking_bar(df: pd.DataFrame, lang: str = "en", top_n: int = TOP_N_DEFAULT) -> go.Figure:
    """Horizontal bar of the first ``top_n`` ranked companies of ``query_company_ranking``,
    rank 1 on top, one colour. Labels: "rank. name" cut to ``LABEL_COLUMNS`` (the whole
    name, the counts and the spellings grouped in the hover); values on the bars (a count,
    or "share% (counted/base)"). Under the plot a note says how many companies are left out
    (below the minimum base) or how many there are. Each bar's ``customdata`` is
    ``[counted, base, name]`` (``suppress_company_figure`` reads it)."""
    m = get_measure(str(df["measure"].iloc[0]))
    ranked = df[df["is_ranked"]].head(top_n)
    is_count = m.kind == "count"
    xs = ranked["complaint_count"] if is_count else ranked["share_pct"]
    labels = [f"{int(r)}. {_plain(short_label(str(c)))}" for r, c in zip(ranked["rank"], ranked["company"])]
    if is_count:
        text = [f"{int(n):,}" for n in ranked["complaint_count"]]
        hover = "<b>%{customdata[2]}</b><br>" + _plain(m.label(lang)) + ": %{x:,}<extra></extra>"
    else:
        text = [f"{pct_text(v)} ({int(n):,}/{int(b):,})"
                for v, n, b in zip(ranked["share_pct"], ranked["complaint_count"], ranked["base_count"])]
        hover = ("<b>%{customdata[2]}</b><br>" + _plain(m.label(lang))
                 + ": %{x:.1f}% (%{customdata[0]} / %{customdata[1]})<extra></extra>")
    names = [_plain(c) + (f" ({_plain(t('co_spellings', lang, n=len(v)))})" if len(v) > 1 else "")
             for c, v in zip(ranked["company"], ranked["company_names"])]
    fig = go.Figure(go.Bar(
        x=list(xs), y=labels, orientation="h", marker_color=COMPANY_COLOUR, text=text, textposition="outside",
        cliponaxis=False, customdata=_customdata(ranked["complaint_count"].astype(int), ranked["base_count"].astype(int),
                                                 names),
        hovertemplate=hover, meta="count" if is_count else "rate"))
    # a click on a company: the view narrows to every spelling grouped under it
    drill.tag(fig.data[0], [{"company": list(v), "company_role": ["attributed"]} for v in ranked["company_names"]])
    top = float(xs.max()) if len(xs) else 1.0
    fig.update_xaxes(range=[0, (top or 1.0) * (1.3 if is_count else 1.55)], title=m.label(lang),
                     ticksuffix="" if is_count else "%")
    if not is_count:  # room for the labels beyond the longest bar, but no tick above 100 %
        step = next(s for s in (1, 2, 5, 10, 20, 25) if (top or 1.0) / s <= 5)
        ticks = list(range(0, int(min(100.0, top)) + step, step))[:11]
        fig.update_xaxes(tickvals=ticks, ticktext=[f"{v}%" for v in ticks])
    fig.update_yaxes(autorange="reversed", automargin=True)
    excluded = int((~df["is_ranked"]).sum())
    if is_count:
        note = (t("co_note_count_one", lang) if len(df) == 1 else
                t("co_note_count_all", lang, total=len(df)) if len(ranked) == len(df) else
                t("co_note_count", lang, total=len(df), n=len(ranked)))
    elif excluded:
        note = t("co_note_excluded", lang, k=excluded, min=int(df["min_base"].iloc[0]))
    else:
        note = t("co_note_none_excluded", lang, min=int(df["min_base"].iloc[0]))
    if m.ascending:
        note += " " + t("co_note_ascending", lang)
    fig = _layout(fig, t("co_rank_title", lang, n=top_n), height=max(300, 130 + 30 * len(ranked)), legend=False)
    fig.add_annotation(name=CHART_NOTE, text=_plain(note), xref="paper", yref="paper", x=0, y=0, yshift=-48, yanchor="top",
                       showarrow=False, xanchor="left", align="left", font={"size": 12, "color": "#555"})
    fig.update_layout(margin={"b": 80})
    return fig


def make_company_trend(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Line of ``query_company_trend``: the company's complaints per month (months the data
    does not cover are gaps; covered months without complaints are 0). The legend names
    the company."""
    name = str(df["company"].iloc[0]) if len(df) else ""
    d = _with_month_gaps(df, "received_month")
    fig = go.Figure(go.Scatter(x=d["received_month"], y=d["complaint_count"], mode="lines+markers",
                               name=_plain(short_label(name, 60)), line={"color": COMPANY_COLOUR, "width": 2},
                               hovertemplate="%{x|%Y-%m}: %{y:,}<extra></extra>"))
    fig.update_xaxes(title=t("month", lang))
    fig.update_yaxes(title=t("complaints", lang), rangemode="tozero", tickformat=",d")
    if len(df) and df["complaint_count"].max() <= 5:
        fig.update_yaxes(dtick=1)  # whole complaints only
    _month_axis(fig)
    fig = _layout(fig, t("co_trend_title", lang), height=380)
    fig.update_layout(showlegend=True, legend={"x": 0, "xanchor": "left"})
    return fig


def make_company_conduct_mix(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Grouped horizontal bars of ``query_company_conduct_mix``: per conduct, the share of
    the company's complaints (blue) and of all other complaints in the filter (grey); the
    legend names the company and gives both denominators. Bars' ``customdata`` is
    ``[count, base]``."""
    d = df
    name = str(df["company"].iloc[0]) if len(df) else ""
    labels = [codes.label("conduct", c, lang) for c in d["conduct_code"]]
    fig = go.Figure()
    for side, colour, label in (("", COMPANY_COLOUR, f"{short_label(name, 40)} (n={int(df['company_base_count'].iloc[0]):,})"),
                                ("others_", OTHERS_COLOUR,
                                 f"{t('co_others', lang)} (n={int(df['others_base_count'].iloc[0]):,})")):
        shares, counts = d[f"{side}share_pct"].fillna(0.0), d[f"{side}complaint_count"]
        base = d["company_base_count" if not side else "others_base_count"]
        fig.add_bar(y=labels, x=list(shares), orientation="h", name=_plain(label), marker_color=colour,
                    text=[pct_text(v) for v in shares], textposition="outside", cliponaxis=False,
                    customdata=_customdata(counts.astype(int), base.astype(int)), meta="rate",
                    hovertemplate="%{y}: %{x:.1f}% (%{customdata[0]} / %{customdata[1]})<extra>"
                                  + _plain(label) + "</extra>")
    top = float(max(df["share_pct"].max(), df["others_share_pct"].max())) if len(df) else 1.0
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_yaxes(autorange="reversed")  # first conduct on top, and the company above the others in a group
    fig.update_xaxes(title=t("co_share_axis", lang), range=[0, (top or 1.0) * 1.25], ticksuffix="%")
    fig = _layout(fig, t("co_mix_title", lang), height=max(340, 190 + 44 * len(df)))
    # the legend (two long names) on its own line under the title, never over it
    fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0,
                              "traceorder": "normal"}, margin={"t": 110})
    return fig


def make_company_outcomes(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Horizontal bars of ``query_company_outcomes``: the company's complaints per outcome
    (colours of the outcome code list), labelled "count (share%)"; the hover adds the other
    companies' share. The x-axis title names the company. Bars' ``customdata`` is
    ``[count, base, others' share]``."""
    name = str(df["company"].iloc[0]) if len(df) else ""
    labels = [codes.label("outcome", c if isinstance(c, str) else None, lang) for c in df["outcome_code"]]
    total = int(df["complaint_count"].sum())
    others = [f"{v:.1f}%" if pd.notna(v) else "–" for v in df["others_share_pct"]]
    fig = go.Figure(go.Bar(
        x=list(df["complaint_count"]), y=labels, orientation="h",
        marker_color=[codes.color("outcome", c if isinstance(c, str) else None) for c in df["outcome_code"]],
        text=[f"{int(n):,} ({pct_text(s)})" for n, s in zip(df["complaint_count"], df["share_pct"])],
        textposition="outside", cliponaxis=False, meta="count",
        customdata=_customdata(df["complaint_count"].astype(int), [total] * len(df), others),
        hovertemplate="%{y}: %{x:,} / %{customdata[1]:,}<br>" + _plain(t("co_others", lang))
                      + ": %{customdata[2]}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=_plain(t("co_of_company", lang, company=short_label(name, 60))),
                     range=[0, float(df["complaint_count"].max() or 1) * 1.35])
    return _layout(fig, t("co_outcome_title", lang), height=max(280, 120 + 34 * len(df)), legend=False)


def suppress_company_figure(fig: go.Figure, frame: pd.DataFrame, k: int) -> None:
    """Small-number suppression of this module's figures, in place (for
    ``analysis.export.figure.SUPPRESSORS``): a bar whose count or base (``customdata[0]``,
    ``[1]``) is 1..k-1 is drawn at 0 and reads "<k" (a count bar's length is the count; a
    rate bar's share would give the count back), and its hover shows "<k" for those
    counts; a line point of a count 1..k-1 is left out (a gap)."""
    from analysis.export.suppress import is_small, mark

    for tr in fig.data:
        if tr.type == "scatter":
            tr.y = [None if is_small(v, k) else v for v in (tr.y if tr.y is not None else [])]
            continue
        if tr.type != "bar" or tr.customdata is None:
            continue
        cd = [list(r) for r in tr.customdata]
        small = [is_small(r[0], k) or is_small(r[1], k) for r in cd]
        if not any(small):
            continue
        xs = list(tr.x)
        tr.x = [0 if s else x for x, s in zip(xs, small)]
        tr.text = [mark(k) if s else x for x, s in zip(list(tr.text), small)]
        tr.customdata = [[mark(k) if (j < 2 and is_small(v, k)) else v for j, v in enumerate(r)] for r in cd]


# ---- the chart catalogue's entries (analysis.charts) ------------------------------------------


def ranking_args(choices: dict) -> tuple[str, int]:
    """``(measure, min_count)`` of the page's choices ``{"measure": ..., "min_count": "10"}``;
    a missing or unknown value gives the default (``complaints``, ``MIN_COUNT_DEFAULT``)."""
    m = choices.get("measure")
    m = m if m in MEASURE_BY_ID else "complaints"
    try:
        n = int(choices.get("min_count", MIN_COUNT_DEFAULT))
    except (TypeError, ValueError):
        n = MIN_COUNT_DEFAULT
    return m, (n if n >= 1 else MIN_COUNT_DEFAULT)


def profile_args(choices: dict) -> tuple[str | None]:
    """``(company,)`` of the page's choices (``profile``: a display name); None (the company
    with most complaints in the filter) when there is none."""
    return (choices.get("profile") or None,)


def _frame_sum(col: str):
    return lambda frame, kpis: int(frame[col].sum()) if len(frame) else 0


def _mix_count(frame: pd.DataFrame, kpis: dict) -> int:
    return int(frame["company_base_count"].iloc[0] + frame["others_base_count"].iloc[0]) if len(frame) else 0


def chart_specs(spec_type) -> tuple:
    """The Companies page's charts, as ``spec_type`` (``analysis.charts.ChartSpec``, passed
    in so this module does not import the catalogue): the ranking (choices ``measure``,
    ``min_count``) and the profile of the company chosen (choice ``profile``): monthly
    trend, conduct mix against the others, outcomes."""
    return (
        spec_type("companies_ranking", "companies", "analysis.companies:query_company_ranking",
                  lambda d, lang: make_company_ranking_bar(d, lang, TOP_N_DEFAULT), "complaints", ranking_count,
                  args=ranking_args, has_rule_flags=True, title_key="co_rank_title",
                  title_values=lambda lang: {"n": TOP_N_DEFAULT}),
        spec_type("company_trend", "companies", "analysis.companies:query_company_trend", make_company_trend,
                  "complaints", _frame_sum("complaint_count"), args=profile_args, title_key="co_trend_title"),
        spec_type("company_conduct_mix", "companies", "analysis.companies:query_company_conduct_mix",
                  make_company_conduct_mix, "complaints", _mix_count, args=profile_args, has_rule_flags=True,
                  title_key="co_mix_title"),
        spec_type("company_outcomes", "companies", "analysis.companies:query_company_outcomes",
                  make_company_outcomes, "complaints", _frame_sum("complaint_count"), args=profile_args,
                  title_key="co_outcome_title"),
    )


# ---- export descriptions and suppression rules of these charts --------------------------------


def _n(value, opts) -> str:
    from analysis.export.suppress import count_text
    return count_text(int(value), opts.k, suppress=opts.suppress)


def _share(num, base, opts) -> str:
    """"12.5%", or "–" when the count it rests on is suppressed (the share would give it back)."""
    from analysis.export.suppress import is_small
    if not base or (opts.suppress and (is_small(num, opts.k) or is_small(base, opts.k))):
        return "–"
    return f"{100.0 * num / base:.1f}%"


def describe_company_chart(built, lang: str, opts, args: tuple = ()) -> str:
    """One or two sentences on a Companies chart for exports (``analysis.export.describe``
    ``DESCRIBERS`` form): the first three companies of a ranking with their values and how
    many were not ranked; a profile's company with its total, busiest month, most frequent
    conduct against the others, or most frequent outcome. Counts 1..k-1 read "<k" when
    ``opts.suppress`` and shares resting on them "–"."""
    f, name, sep = built.frame, built.spec.name, "、" if lang == "zh" else "; "
    if name == "companies_ranking":
        m = get_measure(str(f["measure"].iloc[0]))
        ranked = f[f["is_ranked"]]
        top = [f"{int(r.rank)}. {r.company} " + (_n(r.complaint_count, opts) if m.kind == "count" else
                                                 f"{_share(r.complaint_count, r.base_count, opts)} "
                                                 f"({_n(r.complaint_count, opts)}/{_n(r.base_count, opts)})")
               for r in ranked.head(3).itertuples()]
        if m.kind == "count":  # a count ranks every company: no minimum base to speak of
            return t("co_d_ranking_count", lang, measure=m.label(lang), top=sep.join(top), n=len(ranked))
        return t("co_d_ranking", lang, measure=m.label(lang), top=sep.join(top), n=len(ranked),
                 k=int((~f["is_ranked"]).sum()), min=int(f["min_base"].iloc[0]))
    company = str(f["company"].iloc[0])
    if name == "company_trend":
        peak = f.loc[f["complaint_count"].idxmax()]
        months = pd.to_datetime(f["received_month"])
        return t("co_d_trend", lang, company=company, n=_n(f["complaint_count"].sum(), opts),
                 first=f"{months.min():%Y-%m}", last=f"{months.max():%Y-%m}",
                 peak=f"{pd.Timestamp(peak.received_month):%Y-%m}", peak_n=_n(peak.complaint_count, opts))
    if name == "company_conduct_mix":
        r = f.iloc[0]
        return t("co_d_mix", lang, company=company, conduct=codes.label("conduct", r.conduct_code, lang),
                 share=_share(r.complaint_count, r.company_base_count, opts),
                 others=_share(r.others_complaint_count, r.others_base_count, opts),
                 n=_n(r.company_base_count, opts))
    r = f.loc[f["complaint_count"].idxmax()]
    total = int(f["complaint_count"].sum())
    return t("co_d_outcomes", lang, company=company, n=_n(total, opts),
             outcome=codes.label("outcome", r.outcome_code if isinstance(r.outcome_code, str) else None, lang),
             count=_n(r.complaint_count, opts), share=_share(r.complaint_count, total, opts))


_CHART_NAMES = ("companies_ranking", "company_trend", "company_conduct_mix", "company_outcomes")
#: Export descriptions (``analysis.export.describe.DESCRIBERS`` form).
DESCRIBERS = {name: describe_company_chart for name in _CHART_NAMES}
#: Suppression rules (``analysis.export.figure.SUPPRESSORS`` form).
SUPPRESSORS = {name: suppress_company_figure for name in _CHART_NAMES}
