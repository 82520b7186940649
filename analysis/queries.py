"""Analyses: one function per question, each taking a DuckDB connection (or cursor) and a
``Filter`` and returning a pandas DataFrame of codes and counts (labels are applied by the
figure builders). All filter values travel as bound parameters (``analysis.filters``).

Every chart query reads one relation per grain, ``relation(flt, grain, columns)``: the
filtered rows with the columns the query needs and a weight ``n`` (rows it stands for). It is
answered by the smallest cube (``analysis.build.CUBES``) that holds those columns and every
column the filter reads, else by the facts mart (``n`` = 1). A date filter that does not fall on
month boundaries takes whole months from the cube and the days at its edges from the facts.
So counts are ``sum(n)``, never ``count(*)``.

Hours are local wall-clock hours of the debtor (0–23); ``*_pct`` columns are percentages
0–100 (float64); counts are int64; ``response_days`` are days.
"""
from __future__ import annotations

import importlib
import re

import dataclasses
from datetime import date, timedelta
from typing import Iterable

import duckdb
import pandas as pd

from analysis import codes
from analysis.build import CUBES
from analysis.filters import Filter, build_where, conduct_column, filter_columns, method_column
from analysis.reviews import counted_labels

Con = duckdb.DuckDBPyConnection
#: Answer from the cubes where they can (False: always the facts; the tests and the
#: benchmark's baseline compare both).
USE_CUBES = True


def query_function(name: str):
    """The query function ``name``: a function of this module (``"query_kpis"``) or
    ``"module:function"`` of a module under ``analysis`` (``"analysis.companies:query_x"``).
    Raises ``ValueError`` for a module outside ``analysis``, ``KeyError`` / ``AttributeError``
    for an unknown function."""
    if ":" not in name:
        return globals()[name]
    module, fn = name.split(":", 1)
    if module != "analysis" and not module.startswith("analysis."):
        raise ValueError(f"query module must be under analysis: {module!r}")
    return getattr(importlib.import_module(module), fn)


def _df(con: Con, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return (d.replace(day=1) + timedelta(days=32)).replace(day=1)


def relation(flt: Filter, grain: str, columns: Iterable[str]) -> tuple[str, list]:
    """``(sql, params)`` of a parenthesised relation of the rows of ``grain`` that pass
    ``flt``, with ``columns`` and ``n`` (BIGINT: facts rows it stands for).

    Picks the first cube of ``grain`` in ``CUBES`` whose keys hold ``columns`` and the
    filter's columns (``received_date`` aside); otherwise ``mart_<grain>_facts``. Raises
    ``FilterError`` for an invalid filter, ``ValueError`` for an unknown grain.
    """
    cols = list(dict.fromkeys(columns))
    needed = set(cols) | (filter_columns(flt, grain) - {"received_date"})
    facts = f"mart_{grain}_facts"
    w_all, p_all = build_where(flt, grain)
    cube = next((c for c in CUBES if c.grain == grain and needed <= set(c.keys)), None) if USE_CUBES else None
    if cube is None:
        return f"(SELECT {', '.join(cols + ['1::BIGINT AS n'])} FROM {facts} WHERE {w_all})", p_all
    # Whole months from the cube; the days of partial months at the edges from the facts.
    lo = None if flt.date_from is None else (
        flt.date_from if flt.date_from.day == 1 else _next_month(flt.date_from))
    hi = None if flt.date_to is None else (
        _next_month(flt.date_to) if _next_month(flt.date_to) - timedelta(days=1) == flt.date_to
        else _month_start(flt.date_to))
    w, p = build_where(dataclasses.replace(flt, date_from=None, date_to=None), grain)
    cube_sql = f"SELECT {', '.join(cols)}, {cube.count_column} AS n FROM {cube.name} WHERE {w}"
    if lo is None and hi is None:
        return f"({cube_sql})", p
    if lo is not None and hi is not None and lo >= hi:  # within one month: the facts alone
        return f"(SELECT {', '.join(cols + ['1::BIGINT AS n'])} FROM {facts} WHERE {w_all})", p_all
    bounds = [(lo, "received_month >= ?"), (hi, "received_month < ?")]
    cube_sql += "".join(f" AND {cond}" for v, cond in bounds if v is not None)
    cube_p = p + [v for v, _ in bounds if v is not None]
    edges = [(lo if lo != flt.date_from else None, "received_date < ?"),
             (hi if flt.date_to is not None and hi != flt.date_to + timedelta(days=1) else None,
              "received_date >= ?")]
    if all(v is None for v, _ in edges):  # the filter falls on month boundaries: the cube alone
        return f"({cube_sql})", cube_p
    edge_sql = " OR ".join(cond for v, cond in edges if v is not None)
    facts_sql = (f"SELECT {', '.join(cols + ['1::BIGINT AS n'])} FROM {facts} WHERE {w_all} AND ({edge_sql})")
    facts_p = p_all + [v for v, _ in edges if v is not None]
    return f"({cube_sql} UNION ALL {facts_sql})", cube_p + facts_p


def query_kpis(con: Con, flt: Filter) -> dict[str, float | int | None]:
    """Key figures of the filtered data.

    Returns a dict: ``complaint_count``, ``incident_count``, ``improper_complaint_count``
    (complaints with at least one conduct label), ``improper_share_pct``,
    ``exact_time_incident_count`` (incidents with a clock time), ``outside_exact_count``
    (of those, outside the permitted hours: CN-TIME-01 / US-TIME-01), ``outside_share_pct``
    (of incidents with a clock time; None when there are none), ``outside_flag_only_count``
    (incidents known only as "outside hours", e.g. CFPB sub-issue), ``timely_known_count``,
    ``timely_rate_pct``. Percentages are None when their denominator is 0.
    """
    ccol = conduct_column(flt.label_source)
    crel, cp = relation(flt, "complaint", [ccol, "is_timely_response"])
    irel, ip = relation(flt, "incident", ["time_precision", "is_outside_permitted_hours"])
    c = con.execute(f"""
        SELECT coalesce(sum(n), 0)::BIGINT, coalesce(sum(n) FILTER (WHERE len({ccol}) > 0), 0)::BIGINT,
               coalesce(sum(n) FILTER (WHERE is_timely_response IS NOT NULL), 0)::BIGINT,
               coalesce(sum(n) FILTER (WHERE is_timely_response), 0)::BIGINT
        FROM {crel} f""", cp).fetchone()
    i = con.execute(f"""
        SELECT coalesce(sum(n), 0)::BIGINT, coalesce(sum(n) FILTER (WHERE time_precision = 'exact'), 0)::BIGINT,
               coalesce(sum(n) FILTER (WHERE time_precision = 'exact' AND is_outside_permitted_hours), 0)::BIGINT,
               coalesce(sum(n) FILTER (WHERE time_precision = 'outside_window_only'), 0)::BIGINT
        FROM {irel} f""", ip).fetchone()

    def pct(a, b):
        return None if not b else 100.0 * a / b

    return {
        "complaint_count": c[0], "improper_complaint_count": c[1], "improper_share_pct": pct(c[1], c[0]),
        "timely_known_count": c[2], "timely_rate_pct": pct(c[3], c[2]),
        "incident_count": i[0], "exact_time_incident_count": i[1], "outside_exact_count": i[2],
        "outside_share_pct": pct(i[2], i[1]), "outside_flag_only_count": i[3],
    }


def query_complaints_by_month(con: Con, flt: Filter) -> pd.DataFrame:
    """Monthly trend by received month.

    Columns: ``received_month`` (datetime64, first day), ``complaint_count`` (int64),
    ``improper_complaint_count`` (int64, with at least one conduct label). One row per
    month that has complaints, ascending.
    """
    ccol = conduct_column(flt.label_source)
    rel, p = relation(flt, "complaint", ["received_month", ccol])
    return _df(con, f"""
        SELECT received_month, sum(n)::BIGINT AS complaint_count,
               coalesce(sum(n) FILTER (WHERE len({ccol}) > 0), 0)::BIGINT AS improper_complaint_count
        FROM {rel} f GROUP BY received_month ORDER BY received_month""", p)


def query_incidents_by_hour_weekday(con: Con, flt: Filter) -> pd.DataFrame:
    """Incidents with an exact clock time by jurisdiction, ISO weekday and local hour.

    Columns: ``jurisdiction`` (str), ``occurred_weekday`` (int, 1 = Monday .. 7 = Sunday;
    0 = date unknown, e.g. a time stated in a narrative without a date), ``occurred_hour``
    (int 0–23, local wall-clock), ``incident_count`` (int64). Only cells with incidents;
    dayparts and outside-hours flags are excluded (they have no hour).
    """
    rel, p = relation(flt, "incident", ["jurisdiction", "occurred_weekday", "occurred_hour", "time_precision"])
    return _df(con, f"""
        SELECT jurisdiction, coalesce(occurred_weekday, 0)::INTEGER AS occurred_weekday,
               occurred_hour::INTEGER AS occurred_hour, sum(n)::BIGINT AS incident_count
        FROM {rel} f
        WHERE time_precision = 'exact' AND occurred_hour IS NOT NULL
        GROUP BY ALL ORDER BY jurisdiction, occurred_weekday, occurred_hour""", p)


def query_time_coverage(con: Con, flt: Filter) -> pd.DataFrame:
    """How precisely incident times are known.

    Columns: ``time_precision`` (every code of the ``time_precision`` list, in list order),
    ``incident_count`` (int64, 0 when none), ``share_pct`` (float64, of all filtered
    incidents; 0 when there are none).
    """
    rel, p = relation(flt, "incident", ["time_precision"])
    got = _df(con, f"SELECT time_precision, sum(n)::BIGINT AS incident_count FROM {rel} f GROUP BY time_precision", p)
    out = pd.DataFrame({"time_precision": codes.codes("time_precision")})
    out = out.merge(got, on="time_precision", how="left").fillna({"incident_count": 0})
    out["incident_count"] = out["incident_count"].astype("int64")
    total = out["incident_count"].sum()
    out["share_pct"] = (100.0 * out["incident_count"] / total) if total else 0.0
    return out


def query_outside_share_by_month(con: Con, flt: Filter) -> pd.DataFrame:
    """Share of incidents with a clock time that fall outside the permitted hours, by the
    month the incident occurred (rules CN-TIME-01 / US-TIME-01; boundary cases count as inside).

    Columns: ``jurisdiction``, ``occurred_month`` (datetime64), ``exact_time_incident_count``,
    ``outside_count`` (int64), ``outside_share_pct`` (float64).
    """
    rel, p = relation(flt, "incident", ["jurisdiction", "occurred_month", "time_precision",
                                        "is_outside_permitted_hours"])
    return _df(con, f"""
        SELECT jurisdiction, occurred_month, sum(n)::BIGINT AS exact_time_incident_count,
               coalesce(sum(n) FILTER (WHERE is_outside_permitted_hours), 0)::BIGINT AS outside_count,
               100.0 * coalesce(sum(n) FILTER (WHERE is_outside_permitted_hours), 0) / sum(n) AS outside_share_pct
        FROM {rel} f
        WHERE time_precision = 'exact' AND occurred_month IS NOT NULL
        GROUP BY ALL ORDER BY jurisdiction, occurred_month""", p)


def query_conduct_counts(con: Con, flt: Filter) -> pd.DataFrame:
    """Complaints per conduct (multi-label: a complaint counts once for each of its conducts).

    Columns: ``conduct_code``, ``complaint_count`` (int64), ``share_pct`` (float64, of all
    filtered complaints). Descending by count, then code.
    """
    ccol = conduct_column(flt.label_source)
    rel, p = relation(flt, "complaint", [ccol])
    # Group by the whole conduct list first: there are few distinct lists, so the unnest is cheap.
    return _df(con, f"""
        WITH combos AS (SELECT {ccol} AS conducts, sum(n) AS n FROM {rel} f GROUP BY ALL),
        total AS (SELECT sum(n) AS total_n FROM combos)
        SELECT conduct_code, sum(n)::BIGINT AS complaint_count,
               100.0 * sum(n) / any_value(total_n) AS share_pct
        FROM (SELECT unnest(conducts) AS conduct_code, n FROM combos), total
        GROUP BY conduct_code ORDER BY complaint_count DESC, conduct_code""", p)


def query_method_counts(con: Con, flt: Filter) -> pd.DataFrame:
    """Incidents and complaints per method.

    Columns: ``method_code``, ``incident_count`` (int64), ``complaint_count`` (int64,
    distinct complaints with at least one incident of that method). Descending by
    complaints, then code.
    """
    mcol = method_column(flt.label_source)
    irel, ip = relation(flt, "incident", ["method_code"])
    crel, cp = relation(flt, "complaint", [mcol])
    return _df(con, f"""
        WITH inc AS (
            SELECT method_code, sum(n)::BIGINT AS incident_count FROM {irel} f GROUP BY ALL
        ), combos AS (
            SELECT {mcol} AS methods, sum(n) AS n FROM {crel} f GROUP BY ALL
        ), comp AS (
            SELECT method_code, sum(n)::BIGINT AS complaint_count
            FROM (SELECT unnest(methods) AS method_code, n FROM combos) GROUP BY ALL
        )
        SELECT inc.method_code, inc.incident_count, coalesce(comp.complaint_count, 0) AS complaint_count
        FROM inc LEFT JOIN comp USING (method_code)
        ORDER BY complaint_count DESC, inc.method_code""", ip + cp)


def query_conduct_by_month(con: Con, flt: Filter) -> pd.DataFrame:
    """Complaints per conduct per received month.

    Columns: ``received_month`` (datetime64), ``conduct_code``, ``complaint_count`` (int64).
    """
    ccol = conduct_column(flt.label_source)
    rel, p = relation(flt, "complaint", ["received_month", ccol])
    return _df(con, f"""
        WITH combos AS (SELECT received_month, {ccol} AS conducts, sum(n) AS n FROM {rel} f GROUP BY ALL)
        SELECT received_month, conduct_code, sum(n)::BIGINT AS complaint_count
        FROM (SELECT received_month, unnest(conducts) AS conduct_code, n FROM combos)
        GROUP BY ALL ORDER BY received_month, conduct_code""", p)


def query_conduct_cooccurrence(con: Con, flt: Filter) -> pd.DataFrame:
    """Which conducts occur in the same complaint.

    Columns: ``conduct_a``, ``conduct_b`` (codes; both orders present; a = b gives the
    conduct's own complaint count), ``complaint_count`` (int64).
    """
    ccol = conduct_column(flt.label_source)
    rel, p = relation(flt, "complaint", [ccol])
    return _df(con, f"""
        WITH combos AS (SELECT {ccol} AS conducts, sum(n) AS n FROM {rel} f GROUP BY ALL)
        SELECT a.conduct_a, b.conduct_b, sum(a.n)::BIGINT AS complaint_count
        FROM (SELECT conducts, n, unnest(conducts) AS conduct_a FROM combos) a,
             unnest(a.conducts) AS b(conduct_b)
        GROUP BY ALL ORDER BY conduct_a, conduct_b""", p)


def query_company_conduct(con: Con, flt: Filter, top_n: int = 15) -> pd.DataFrame:
    """Conduct breakdown of the ``top_n`` companies with most complaints with a conduct.

    Columns: ``company_name`` (collector, else creditor), ``conduct_code``,
    ``complaint_count`` (int64), ``company_complaint_count`` (int64, complaints of the
    company with any conduct). Ordered by company total desc, name, then conduct.
    """
    ccol = conduct_column(flt.label_source)
    rel, p = relation(flt, "complaint", ["company_name", ccol])
    return _df(con, f"""
        WITH f AS (
            SELECT company_name, {ccol} AS conducts, sum(n) AS n FROM {rel} f
            WHERE company_name IS NOT NULL AND len({ccol}) > 0 GROUP BY ALL
        ), top AS (
            SELECT company_name, sum(n)::BIGINT AS company_complaint_count FROM f
            GROUP BY company_name ORDER BY company_complaint_count DESC, company_name LIMIT ?
        )
        SELECT f.company_name, u.conduct_code, sum(f.n)::BIGINT AS complaint_count,
               any_value(top.company_complaint_count) AS company_complaint_count
        FROM f JOIN top USING (company_name), unnest(f.conducts) AS u(conduct_code)
        GROUP BY f.company_name, u.conduct_code
        ORDER BY company_complaint_count DESC, f.company_name, complaint_count DESC, u.conduct_code""",
               p + [int(top_n)])


_CHANNELS = {"filed_with": "filed_with", "submission_medium": "submission_medium"}


def query_channel_outcomes(con: Con, flt: Filter, channel: str = "filed_with") -> pd.DataFrame:
    """Outcome mix per channel.

    ``channel``: ``filed_with`` or ``submission_medium``. Columns: ``channel_code``,
    ``outcome_code`` (None when not recorded), ``complaint_count`` (int64), ``share_pct``
    (float64, of the channel's complaints). Raises ``ValueError`` for another channel.
    """
    col = _CHANNELS.get(channel)
    if col is None:
        raise ValueError(f"unknown channel {channel!r}")
    rel, p = relation(flt, "complaint", [col, "outcome_code"])
    return _df(con, f"""
        WITH g AS (
            SELECT {col} AS channel_code, outcome_code, sum(n)::BIGINT AS complaint_count
            FROM {rel} f GROUP BY ALL
        )
        SELECT channel_code, outcome_code, complaint_count,
               100.0 * complaint_count / sum(complaint_count) OVER (PARTITION BY channel_code) AS share_pct
        FROM g ORDER BY channel_code NULLS LAST, outcome_code NULLS LAST""", p)


def query_channel_summary(con: Con, flt: Filter, channel: str = "filed_with") -> pd.DataFrame:
    """Per channel: complaints, timely-response rate, response days, share with relief.

    Columns: ``channel_code``, ``complaint_count`` (int64), ``timely_rate_pct`` (float64,
    of complaints where timeliness is known; NaN if none), ``median_response_days`` and
    ``mean_response_days`` (float64 days; NaN if unknown), ``relief_share_pct`` (float64,
    monetary or non-monetary relief). Descending by complaints, then code. The median of
    an even number of values is the mean of the two middle ones (as DuckDB's ``median``).
    """
    col = _CHANNELS.get(channel)
    if col is None:
        raise ValueError(f"unknown channel {channel!r}")
    rel, p = relation(flt, "complaint", [col, "is_timely_response", "response_days", "outcome_code"])
    # The median from weighted rows: the values at positions floor((N+1)/2) and floor(N/2)+1
    # of the sorted days, found from running totals per response_days value.
    return _df(con, f"""
        WITH f AS (SELECT * FROM {rel} f),
        g AS (
            SELECT {col} AS channel_code, sum(n)::BIGINT AS complaint_count,
                   100.0 * sum(n) FILTER (WHERE is_timely_response) / nullif(sum(n) FILTER (
                       WHERE is_timely_response IS NOT NULL), 0) AS timely_rate_pct,
                   (sum(n * response_days) / nullif(sum(n) FILTER (WHERE response_days IS NOT NULL), 0))::DOUBLE
                       AS mean_response_days,
                   100.0 * coalesce(sum(n) FILTER (WHERE outcome_code IN ('monetary_relief', 'non_monetary_relief')), 0)
                       / sum(n) AS relief_share_pct
            FROM f GROUP BY ALL
        ), days AS (
            SELECT {col} AS channel_code, response_days, sum(n) AS n FROM f
            WHERE response_days IS NOT NULL GROUP BY ALL
        ), running AS (
            SELECT *, sum(n) OVER (PARTITION BY channel_code ORDER BY response_days) AS upto,
                   sum(n) OVER (PARTITION BY channel_code) AS total FROM days
        ), med AS (
            SELECT channel_code,
                   ((min(response_days) FILTER (WHERE upto >= (total + 1) // 2))
                    + (min(response_days) FILTER (WHERE upto >= total // 2 + 1))) / 2.0
                       AS median_response_days
            FROM running GROUP BY channel_code
        )
        SELECT g.channel_code, g.complaint_count, g.timely_rate_pct, med.median_response_days::DOUBLE
                   AS median_response_days, g.mean_response_days, g.relief_share_pct
        FROM g LEFT JOIN med ON med.channel_code IS NOT DISTINCT FROM g.channel_code
        ORDER BY g.complaint_count DESC, g.channel_code NULLS LAST""", p)


def query_channel_flow(con: Con, flt: Filter) -> pd.DataFrame:
    """Complaints by submission medium → filed_with → outcome, for the flow chart.

    Columns: ``submission_medium``, ``filed_with``, ``outcome_code`` (None = not recorded),
    ``complaint_count`` (int64).
    """
    rel, p = relation(flt, "complaint", ["submission_medium", "filed_with", "outcome_code"])
    return _df(con, f"""
        SELECT submission_medium, filed_with, outcome_code, sum(n)::BIGINT AS complaint_count
        FROM {rel} f
        GROUP BY ALL ORDER BY submission_medium NULLS LAST, filed_with NULLS LAST, outcome_code NULLS LAST""", p)


# ---- Data page ---------------------------------------------------------------------------

def query_sources(con: Con) -> pd.DataFrame:
    """Sources loaded: ``source``, ``name_en``, ``name_zh``, ``publisher``, ``jurisdiction``,
    ``is_synthetic``, ``note_en``, ``note_zh``, ``complaint_count``, ``incident_count``,
    ``first_received_date``, ``last_received_date``, ``last_imported_at``. Counts come from
    the cubes (a few thousand rows), the dates from the facts' date column."""
    return _df(con, """
        SELECT s.*, coalesce(c.n, 0)::BIGINT AS complaint_count, coalesce(i.n, 0)::BIGINT AS incident_count,
               d.first_date AS first_received_date, d.last_date AS last_received_date,
               m.last_imported_at
        FROM meta_sources s
        LEFT JOIN (SELECT source, sum(complaint_count) n FROM mart_complaint_cube GROUP BY source) c USING (source)
        LEFT JOIN (SELECT source, sum(incident_count) n FROM mart_incident_cube_by_month GROUP BY source) i
               USING (source)
        LEFT JOIN (SELECT source, min(received_date) first_date, max(received_date) last_date
                   FROM mart_complaint_facts GROUP BY source) d USING (source)
        LEFT JOIN (SELECT source, max(imported_at) last_imported_at FROM meta_imports GROUP BY source) m USING (source)
        ORDER BY s.is_synthetic, s.source""", [])


def query_imports(con: Con) -> pd.DataFrame:
    """Import log, newest first: every column of ``meta_imports``."""
    return _df(con, "SELECT * FROM meta_imports ORDER BY imported_at DESC, import_id", [])


def query_audit(con: Con, limit: int = 1000) -> pd.DataFrame:
    """The audit log (``meta_audit``), newest first, at most ``limit`` rows: every column
    but ``audit_id``."""
    return _df(con, "SELECT * EXCLUDE (audit_id) FROM meta_audit ORDER BY logged_at DESC, audit_id LIMIT ?",
               [int(limit)])


def query_table_counts(con: Con) -> pd.DataFrame:
    """Row count of every base table: columns ``table_name`` (str), ``row_count`` (int64)."""
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name").fetchall()]
    rows = [(n, con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names]
    return pd.DataFrame(rows, columns=["table_name", "row_count"]).astype({"row_count": "int64"})


def query_quarantine(con: Con, limit: int = 5000) -> pd.DataFrame:
    """Quarantined rows with their reasons, newest import first (at most ``limit``). A file read
    again (the same bytes, format and read settings: ``ingest.common.same_file_import``) lists
    its rows once, from its latest reading (each reading stores its own)."""
    from analysis.db import has_column
    settings = "read_settings" if has_column(con, "meta_imports", "read_settings") else "NULL"
    return _df(con, f"""
        WITH m AS (SELECT import_id, imported_at, file_sha256, format, {settings} AS read_settings FROM meta_imports),
        superseded AS (
            SELECT a.import_id FROM m a JOIN m b ON b.file_sha256 = a.file_sha256 AND b.format = a.format
                AND b.read_settings IS NOT DISTINCT FROM a.read_settings AND b.imported_at > a.imported_at
                AND b.import_id IN (SELECT import_id FROM core_quarantine))
        SELECT q.* FROM core_quarantine q LEFT JOIN m USING (import_id)
        WHERE q.import_id NOT IN (SELECT import_id FROM superseded)
        ORDER BY m.imported_at DESC NULLS LAST, q.source_file, q.source_row_number LIMIT ?""", [int(limit)])


def query_qa_issues(con: Con, limit: int = 5000) -> pd.DataFrame:
    """Accepted rows with values that could not be coded, by file and row (at most ``limit``)."""
    return _df(con, """
        SELECT * FROM core_qa_issues ORDER BY source_file, source_row_number, column_name LIMIT ?""",
               [int(limit)])


def query_filter_options(con: Con) -> dict[str, list[str]]:
    """Values offered by the non-coded filters, most frequent first: ``source``,
    ``product``, ``company``, ``region`` (lists of str). Regions are counted in the facts
    (the cubes have none), the rest in the complaint cube."""
    out = {}
    for key, col, table, weight in (("source", "source", "mart_complaint_cube", "sum(complaint_count)"),
                                    ("product", "product", "mart_complaint_cube", "sum(complaint_count)"),
                                    ("company", "company_name", "mart_complaint_cube_by_company",
                                     "sum(complaint_count)"),
                                    ("region", "region", "mart_complaint_facts", "count(*)")):
        out[key] = [r[0] for r in con.execute(
            f"SELECT {col} FROM {table} WHERE {col} IS NOT NULL "
            f"GROUP BY {col} ORDER BY {weight} DESC, {col}").fetchall()]
    return out


def query_date_range(con: Con) -> tuple:
    """``(first, last)`` received_date in the database (dates, or None when empty)."""
    return tuple(con.execute("SELECT min(received_date), max(received_date) FROM mart_complaint_facts").fetchone())


# ---- Narratives page -----------------------------------------------------------------------

def _like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_SEARCH_TERM = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|(\S+)')


def search_terms(search: str | None, limit: int = 10) -> list[str]:
    """The terms of a narrative search: a phrase in double quotes ("cease and desist", “…”,
    「…」) is one term, matched as written; other words are terms on their own; a word's
    trailing ``*`` is dropped (every term already matches the start of longer words: harass
    finds harassment; ``_term_condition``). Empty terms are left out; at most ``limit``. Case is
    kept (the match ignores it)."""
    out = []
    for m in _SEARCH_TERM.finditer(search or ""):
        phrase = next((g for g in m.groups()[:3] if g is not None), None)
        term = " ".join(phrase.split()) if phrase is not None else m.group(4).rstrip("*")
        if term:
            out.append(term)
    return out[:limit]


def _term_condition(term: str) -> tuple[str, list]:
    """SQL (on ``c`` core_complaints, ``f`` the facts) and parameters for one search term: the
    narrative holds it where a word starts ("sue me" finds "sue me today", not "issue me"; harass
    finds harassment), case ignored; a term that starts with a Chinese character (no spaces
    between words) anywhere; or the term is the complaint's id or its id in the source."""
    cond, params = "c.narrative ILIKE ? ESCAPE '\\'", [_like_pattern(term)]
    if re.match(r"[0-9A-Za-z]", term):  # a word starts after no Latin letter or digit (Chinese may precede)
        cond += " AND regexp_matches(c.narrative, ?)"
        params.append(r"(?i)(?:^|[^\p{Latin}\pN_])" + re.escape(term))
    return (f"(({cond}) OR lower(f.complaint_id) = lower(?) OR c.source_record_id = ?)", params + [term, term])


#: What may stand before a word's start in ``term_spans``: no Latin letter, digit or underscore
#: (``_term_condition``'s RE2 ``[^\p{Latin}\pN_]``; Python's ``re`` has no ``\p``, so the Latin
#: ranges of Unicode are spelled out).
_NOT_WORD_BEFORE = r"(?<![0-9A-Za-z_\u00AA\u00BA\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF\u2C60-\u2C7F\uA720-\uA7FF\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A])"


def term_spans(text: str | None, terms: list[str]) -> list[tuple[int, int, str]]:
    """Where ``terms`` (from ``search_terms``) occur in ``text`` as the search finds them
    (``_term_condition``: case ignored; a term starting with a Latin letter or digit where a word
    starts, another anywhere): ``(start, end, term)`` character offsets, in text order. For
    marking the words in the narrative the reader sees."""
    out = []
    for term in terms:
        head = _NOT_WORD_BEFORE if re.match(r"[0-9A-Za-z]", term) else ""
        out += [(m.start(), m.end(), term) for m in re.finditer(head + re.escape(term), text or "", re.IGNORECASE)]
    return sorted(out)


def query_narrative_search(con: Con, flt: Filter, search: str = "", rule_id: str | None = None,
                           limit: int = 200) -> pd.DataFrame:
    """Complaints with a narrative matching the filter, every term of ``search``
    (``search_terms``: words, or phrases in quotes; case-insensitive, either language; from the
    start of a word, ``_term_condition``; a term that is a complaint's id, ``cfpb:6383776``, or its id in the source, ``6383776``, finds that
    complaint) and, if given, having a narrative label with ``rule_id``.

    Columns: ``complaint_id``, ``received_date``, ``company_name``, ``jurisdiction``,
    ``conduct_codes_narrative`` (list), ``narrative_chars`` (int), ``match_count`` (int: how
    many complaints match in all, the same on every row). Those holding the terms as typed, one
    after the other, first; then newest first; at most ``limit`` rows. The search words are
    bound parameters (LIKE wildcards escaped).
    """
    w, p = build_where(flt, "complaint")
    words = search_terms(search)
    parts = [_term_condition(x) for x in words]
    conds = [c for c, _ in parts]
    params = p + [v for _, ps in parts for v in ps]
    if rule_id:
        conds.append(f"EXISTS (SELECT 1 FROM {counted_labels(con)} l WHERE l.complaint_id = f.complaint_id "
                     "AND l.label_source = 'narrative' AND l.rule_id = ?)")
        params.append(rule_id)
    extra = (" AND " + " AND ".join(conds)) if conds else ""
    phrase = " ".join(words) if len(words) > 1 else ""  # "live check in the mail": those saying it so first
    return _df(con, f"""
        SELECT f.complaint_id, f.received_date, f.company_name, f.jurisdiction, f.conduct_codes_narrative,
               length(c.narrative) AS narrative_chars, count(*) OVER () AS match_count
        FROM (SELECT * FROM mart_complaint_facts WHERE {w}) f JOIN core_complaints c USING (complaint_id)
        WHERE f.has_narrative{extra}
        ORDER BY (? <> '' AND c.narrative ILIKE ? ESCAPE '\\') DESC, f.received_date DESC, f.complaint_id
        LIMIT ?""", params + [phrase, _like_pattern(phrase), int(limit)])


def query_narrative_rule_ids(con: Con) -> list[str]:
    """Rule ids that narrative labels carry (those a reviewer rejected left out), sorted."""
    return [r[0] for r in con.execute(f"SELECT DISTINCT l.rule_id FROM {counted_labels(con)} l WHERE l.label_source = "
                                      "'narrative' AND l.rule_id IS NOT NULL ORDER BY l.rule_id").fetchall()]


def query_complaint_detail(con: Con, complaint_id: str) -> dict:
    """One complaint for reading: ``complaint`` (dict of core_complaints columns),
    ``labels`` (DataFrame of its labels, every source, with evidence spans; model suggestions
    with ``score``; labels that say the same, e.g. two intake rows' same demand, once) and
    ``incidents`` (DataFrame of its incidents). Raises ``KeyError`` if it does not exist."""
    row = con.execute("SELECT * FROM core_complaints WHERE complaint_id = ?", [complaint_id]).df()
    if row.empty:
        raise KeyError(complaint_id)
    # ``score`` came with issue 12: a database not written since reads it as NULL
    from analysis.db import has_column
    has_score = has_column(con, "core_complaint_labels", "score")
    # DISTINCT: intake rows that say the same thing give one label each, shown once
    labels = _df(con, f"""
        SELECT DISTINCT label_kind, label_code, label_source, rule_id, evidence, evidence_start, evidence_end,
               pattern_id, {'score' if has_score else 'NULL::DOUBLE AS score'}
        FROM core_complaint_labels WHERE complaint_id = ?
        ORDER BY label_source, label_kind, label_code, evidence_start NULLS LAST, evidence""", [complaint_id])
    # ``occurred_time_local`` came with issue 12 as well
    has_time = has_column(con, "core_incidents", "occurred_time_local")
    incidents = _df(con, f"""
        SELECT incident_id, time_source, method_code, recipient_code, time_precision, occurred_date, occurred_hour,
               coalesce(strftime(occurred_at, '%H:%M'),
                        {'occurred_time_local' if has_time else 'NULL::VARCHAR'}) AS occurred_time_local,
               daypart_code, is_outside_permitted_hours, time_rule_status, time_rule_id
        FROM core_incidents WHERE complaint_id = ? ORDER BY incident_id""", [complaint_id])
    return {"complaint": row.iloc[0].to_dict(), "labels": labels, "incidents": incidents}


# ---- Intake page: one complaint's evidence (call logs) --------------------------------------

def query_possible_duplicates(con: Con, received: str | None, creditor: str, collector: str,
                              narrative: str) -> pd.DataFrame:
    """Complaints entered on the intake form (``source`` intake or a derived intake profile)
    that look like the entry about to be saved: same received date (ISO string), same creditor
    and collector names (trimmed, case-insensitive) and the same narrative as stored (callers
    pass it masked with ``analysis.pii.mask_text``, as the importer stores it).
    ``complaint_id, received_date, source``; empty when there is none or no date is given."""
    if not received:
        return pd.DataFrame(columns=["complaint_id", "received_date", "source"])
    return _df(con, """
        SELECT complaint_id, received_date, source FROM core_complaints
        WHERE (source = 'intake' OR source LIKE 'intake\\_%' ESCAPE '\\')
          AND received_date = CAST(? AS DATE)
          AND lower(trim(coalesce(creditor_name, ''))) = lower(trim(?))
          AND lower(trim(coalesce(collector_name, ''))) = lower(trim(?))
          AND trim(coalesce(narrative, '')) = trim(?)
        ORDER BY complaint_id""", [received, creditor or "", collector or "", narrative or ""])


def query_evidence_complaints(con: Con, limit: int = 500) -> pd.DataFrame:
    """Complaints a call log can be attached to (the association's own intake and earlier call
    logs), newest first: ``complaint_id, received_date, source, company_name, incident_count``."""
    return _df(con, """
        SELECT c.complaint_id, c.received_date, c.source, coalesce(c.collector_name, c.creditor_name) AS company_name,
               (SELECT count(*) FROM core_incidents i WHERE i.complaint_id = c.complaint_id) AS incident_count
        FROM core_complaints c WHERE c.source IN ('intake', 'call_log')
        ORDER BY c.received_date DESC NULLS LAST, c.complaint_id DESC LIMIT ?""", [int(limit)])


def query_complaint_evidence(con: Con, complaint_id: str) -> dict:
    """One complaint's timeline: ``jurisdiction`` (str or None when it does not exist),
    ``calls`` (its field incidents with an exact time, shaped for ``analysis.frequency``:
    incident_id, occurred_at, method_code, recipient_code, number_hash, is_connected,
    duration_seconds, is_outside_permitted_hours, time_rule_status, time_rule_id) and
    ``incidents`` (every incident, by date and time)."""
    from analysis.frequency import query_complaint_calls
    jur = next(iter(con.execute("SELECT jurisdiction FROM core_complaints WHERE complaint_id = ?",
                                [complaint_id]).fetchall()), (None,))[0]
    incidents = _df(con, """
        SELECT incident_id, time_source, occurred_date, occurred_at, daypart_code, method_code, recipient_code,
               is_connected, duration_seconds, is_outside_permitted_hours, time_rule_status, time_rule_id
        FROM core_incidents WHERE complaint_id = ?
        ORDER BY coalesce(occurred_at, occurred_date) NULLS LAST, incident_id""", [complaint_id])
    return {"jurisdiction": jur, "calls": query_complaint_calls(con, complaint_id), "incidents": incidents}


# --- time-of-day allegations (issue 10) ---
# An allegation is an incident whose time is known only as "outside the permitted hours":
# time_precision 'outside_window_only', written by the CFPB importer from the sub-issues
# "Called before 8am or after 9pm", "Contacted before 8am or after 9pm" (electronic
# communications) and the legacy "Called outside of 8am-9pm" (analysis/maps/cfpb_issue_codes.csv
# CFPB-22, CFPB-22L, CFPB-26; DOMAIN.md "CFPB debt-collection sub-issues"). It has no hour, so
# it never enters the hour charts. The importer writes at most one such incident per complaint
# (a CFPB complaint has one sub-issue), so counting these incidents counts complaints
# (tests/test_allegations.py checks it on the shared CFPB file).

#: Fewest complaints a share of complaints may rest on (a jurisdiction's month, a company): below
#: it the share is not given (NULL), because one or two complaints swing it between 0 % and
#: 100 %. One constant for every such threshold (``analysis.figures.MIN_SHARE_BASE`` is this one).
MIN_COUNT = 10
#: The time precision of an allegation without a clock time (``analysis.codes`` time_precision).
ALLEGATION_PRECISION = "outside_window_only"


def query_allegations_by_month(con: Con, flt: Filter) -> pd.DataFrame:
    """Complaints alleging contact outside the permitted hours without a clock time, as a share
    of **all complaints in the filter** (not only those with a conduct), by jurisdiction and
    received month.

    Columns: ``jurisdiction`` (str), ``received_month`` (datetime64, first day),
    ``complaint_count`` (int64, complaints in the filter of that jurisdiction and month),
    ``allegation_count`` (int64, of them with an allegation), ``allegation_share_pct``
    (float64, 0–100; NaN when ``complaint_count`` < ``MIN_COUNT``). Only jurisdictions with at
    least one allegation in the filter (a source that records no such flag says nothing);
    every month with complaints of those jurisdictions (allegation_count 0 when none). Sorted by
    jurisdiction, month. Allegations follow the incident filter: labels from narratives give
    none; with labels from all sources, a contact whose narrative gives a more precise time for
    the same method counts there instead (as in ``query_time_coverage``).
    """
    arel, ap = relation(flt, "incident", ["jurisdiction", "received_month", "time_precision"])
    crel, cp = relation(flt, "complaint", ["jurisdiction", "received_month"])
    return _df(con, f"""
        WITH a AS (
            SELECT jurisdiction, received_month, sum(n)::BIGINT AS allegation_count
            FROM {arel} f WHERE time_precision = ? GROUP BY ALL
        ), c AS (
            SELECT jurisdiction, received_month, sum(n)::BIGINT AS complaint_count
            FROM {crel} f WHERE jurisdiction IN (SELECT jurisdiction FROM a) GROUP BY ALL
        )
        SELECT c.jurisdiction, c.received_month, c.complaint_count,
               coalesce(a.allegation_count, 0)::BIGINT AS allegation_count,
               CASE WHEN c.complaint_count >= ? THEN 100.0 * coalesce(a.allegation_count, 0) / c.complaint_count
               END::DOUBLE AS allegation_share_pct
        FROM c LEFT JOIN a USING (jurisdiction, received_month)
        ORDER BY c.jurisdiction, c.received_month""", ap + [ALLEGATION_PRECISION] + cp + [MIN_COUNT])


def query_allegations_by_company(con: Con, flt: Filter, top_n: int = 15) -> pd.DataFrame:
    """The ``top_n`` companies (collector, else creditor) with most complaints alleging contact
    outside the permitted hours without a clock time (allegations as in
    ``query_allegations_by_month``).

    Columns: ``company_name`` (str), ``allegation_count`` (int64, ≥ 1), ``complaint_count``
    (int64, the company's complaints in the filter), ``allegation_share_pct`` (float64, 0–100;
    NaN when ``complaint_count`` < ``MIN_COUNT``). Descending by allegations, then name.
    The allegations are counted in the incident facts (no incident cube keeps companies), the
    complaints in the company cube.
    """
    arel, ap = relation(flt, "incident", ["company_name", "time_precision"])
    crel, cp = relation(flt, "complaint", ["company_name"])
    return _df(con, f"""
        WITH a AS (
            SELECT company_name, sum(n)::BIGINT AS allegation_count
            FROM {arel} f WHERE time_precision = ? AND company_name IS NOT NULL
            GROUP BY ALL ORDER BY allegation_count DESC, company_name LIMIT ?
        ), c AS (
            SELECT company_name, sum(n)::BIGINT AS complaint_count
            FROM {crel} f WHERE company_name IN (SELECT company_name FROM a) GROUP BY ALL
        )
        SELECT a.company_name, a.allegation_count, c.complaint_count,
               CASE WHEN c.complaint_count >= ? THEN 100.0 * a.allegation_count / c.complaint_count
               END::DOUBLE AS allegation_share_pct
        FROM a JOIN c USING (company_name)
        ORDER BY a.allegation_count DESC, a.company_name""",
               ap + [ALLEGATION_PRECISION, int(top_n)] + cp + [MIN_COUNT])
