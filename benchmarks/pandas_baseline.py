"""The benchmark's baseline: the same page queries in plain pandas over the facts marts held
in memory (what a dashboard that caches one big DataFrame and filters it would do).

``load_facts(con)`` reads ``mart_complaint_facts`` and ``mart_incident_facts`` into
DataFrames once; ``PANDAS_QUERIES[name](facts, flt, *args)`` answers like
``analysis.queries.<name>`` (same columns and values; tests/test_bench.py checks a few on a
small database, so the baseline does the same work).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import codes
from analysis.filters import Filter, conduct_column, method_column


@dataclass
class Facts:
    """The two facts marts as DataFrames (list columns as Python lists)."""

    complaints: pd.DataFrame
    incidents: pd.DataFrame


def load_facts(con) -> Facts:
    """Read both facts marts into memory (every column the page queries use)."""
    c = con.execute("SELECT * FROM mart_complaint_facts").df()
    i = con.execute("SELECT * FROM mart_incident_facts").df()
    return Facts(c, i)


def _has_any(series: pd.Series, values) -> pd.Series:
    wanted = set(values)
    return series.map(lambda lst: lst is not None and not wanted.isdisjoint(lst)).astype(bool)


def _mask(df: pd.DataFrame, flt: Filter, grain: str) -> pd.Series:
    m = pd.Series(True, index=df.index)
    if flt.date_from:
        m &= df["received_date"] >= pd.Timestamp(flt.date_from)
    if flt.date_to:
        m &= df["received_date"] <= pd.Timestamp(flt.date_to)
    for name, col in (("jurisdiction", "jurisdiction"), ("source", "source"), ("product", "product"),
                      ("region", "region"), ("filed_with", "filed_with"), ("submission_medium", "submission_medium"),
                      ("outcome", "outcome_code")):
        values = getattr(flt, name)
        if values:
            m &= df[col].isin(values)
    if flt.company:
        m &= df["creditor_name"].isin(flt.company) | df["collector_name"].isin(flt.company)
    if flt.conduct:
        m &= _has_any(df[conduct_column(flt.label_source)], flt.conduct)
    if flt.method:
        m &= (_has_any(df[method_column(flt.label_source)], flt.method) if grain == "complaint"
              else df["method_code"].isin(flt.method))
    if grain == "incident":
        if flt.label_source == "all":
            m &= df["is_in_all_view"].fillna(False).astype(bool)
        else:
            m &= df["time_source"].isin(("field", "issue_code") if flt.label_source == "structured" else ("narrative",))
    return m


def _c(f: Facts, flt: Filter) -> pd.DataFrame:
    return f.complaints[_mask(f.complaints, flt, "complaint")]


def _i(f: Facts, flt: Filter) -> pd.DataFrame:
    return f.incidents[_mask(f.incidents, flt, "incident")]


def _pct(a, b):
    return None if not b else 100.0 * a / b


def kpis(f: Facts, flt: Filter) -> dict:
    c, i = _c(f, flt), _i(f, flt)
    conducts = c[conduct_column(flt.label_source)].map(len)
    exact = i["time_precision"] == "exact"
    outside = i["is_outside_permitted_hours"].fillna(False).astype(bool)
    timely = c["is_timely_response"]
    out = {"complaint_count": len(c), "improper_complaint_count": int((conducts > 0).sum()),
           "timely_known_count": int(timely.notna().sum()), "incident_count": len(i),
           "exact_time_incident_count": int(exact.sum()), "outside_exact_count": int((exact & outside).sum()),
           "outside_flag_only_count": int((i["time_precision"] == "outside_window_only").sum())}
    out["improper_share_pct"] = _pct(out["improper_complaint_count"], out["complaint_count"])
    out["timely_rate_pct"] = _pct(int((timely == True).sum()), out["timely_known_count"])  # noqa: E712
    out["outside_share_pct"] = _pct(out["outside_exact_count"], out["exact_time_incident_count"])
    return out


def complaints_by_month(f: Facts, flt: Filter) -> pd.DataFrame:
    c = _c(f, flt)
    g = c.assign(improper=c[conduct_column(flt.label_source)].map(len) > 0).groupby("received_month")
    return pd.DataFrame({"complaint_count": g.size(), "improper_complaint_count": g["improper"].sum()}).reset_index()


def incidents_by_hour_weekday(f: Facts, flt: Filter) -> pd.DataFrame:
    i = _i(f, flt)
    i = i[(i["time_precision"] == "exact") & i["occurred_hour"].notna()]
    g = i.assign(occurred_weekday=i["occurred_weekday"].fillna(0)).groupby(
        ["jurisdiction", "occurred_weekday", "occurred_hour"]).size()
    return g.rename("incident_count").reset_index()


def time_coverage(f: Facts, flt: Filter) -> pd.DataFrame:
    got = _i(f, flt)["time_precision"].value_counts()
    out = pd.DataFrame({"time_precision": codes.codes("time_precision")})
    out["incident_count"] = out["time_precision"].map(got).fillna(0).astype("int64")
    total = out["incident_count"].sum()
    out["share_pct"] = (100.0 * out["incident_count"] / total) if total else 0.0
    return out


def outside_share_by_month(f: Facts, flt: Filter) -> pd.DataFrame:
    i = _i(f, flt)
    i = i[(i["time_precision"] == "exact") & i["occurred_month"].notna()]
    g = i.assign(out=i["is_outside_permitted_hours"].fillna(False).astype(bool)).groupby(
        ["jurisdiction", "occurred_month"])["out"]
    out = pd.DataFrame({"exact_time_incident_count": g.size(), "outside_count": g.sum()}).reset_index()
    out["outside_share_pct"] = 100.0 * out["outside_count"] / out["exact_time_incident_count"]
    return out


def conduct_counts(f: Facts, flt: Filter) -> pd.DataFrame:
    c = _c(f, flt)
    e = c[conduct_column(flt.label_source)].explode().dropna()
    out = e.value_counts().rename_axis("conduct_code").rename("complaint_count").reset_index()
    out["share_pct"] = 100.0 * out["complaint_count"] / max(1, len(c))
    return out.sort_values(["complaint_count", "conduct_code"], ascending=[False, True])


def method_counts(f: Facts, flt: Filter) -> pd.DataFrame:
    inc = _i(f, flt)["method_code"].value_counts().rename("incident_count")
    comp = _c(f, flt)[method_column(flt.label_source)].explode().dropna().value_counts().rename("complaint_count")
    out = pd.concat([inc, comp], axis=1).fillna(0).astype("int64").rename_axis("method_code").reset_index()
    out = out[out["method_code"].isin(inc.index)]
    return out.sort_values(["complaint_count", "method_code"], ascending=[False, True])


def conduct_by_month(f: Facts, flt: Filter) -> pd.DataFrame:
    c = _c(f, flt)[["received_month", conduct_column(flt.label_source)]]
    e = c.explode(conduct_column(flt.label_source)).dropna()
    return e.groupby(["received_month", conduct_column(flt.label_source)]).size().rename(
        "complaint_count").reset_index().rename(columns={conduct_column(flt.label_source): "conduct_code"})


def conduct_cooccurrence(f: Facts, flt: Filter) -> pd.DataFrame:
    col = conduct_column(flt.label_source)
    c = _c(f, flt)[[col]].reset_index(drop=True)
    c["row"] = np.arange(len(c))
    e = c.explode(col).dropna()
    pairs = e.merge(e, on="row", suffixes=("_a", "_b"))
    return pairs.groupby([f"{col}_a", f"{col}_b"]).size().rename("complaint_count").reset_index().rename(
        columns={f"{col}_a": "conduct_a", f"{col}_b": "conduct_b"})


def company_conduct(f: Facts, flt: Filter, top_n: int = 15) -> pd.DataFrame:
    col = conduct_column(flt.label_source)
    c = _c(f, flt)
    c = c[c["company_name"].notna() & (c[col].map(len) > 0)]
    totals = c.groupby("company_name").size().rename("company_complaint_count").reset_index()
    top = totals.sort_values(["company_complaint_count", "company_name"], ascending=[False, True]).head(top_n)
    e = c[c["company_name"].isin(top["company_name"])][["company_name", col]].explode(col)
    out = e.groupby(["company_name", col]).size().rename("complaint_count").reset_index().rename(
        columns={col: "conduct_code"})
    return out.merge(top, on="company_name")


def channel_outcomes(f: Facts, flt: Filter, channel: str = "filed_with") -> pd.DataFrame:
    c = _c(f, flt)
    g = c.groupby([channel, "outcome_code"], dropna=False).size().rename("complaint_count").reset_index()
    g["share_pct"] = 100.0 * g["complaint_count"] / g.groupby(channel, dropna=False)["complaint_count"].transform("sum")
    return g.rename(columns={channel: "channel_code"})


def channel_summary(f: Facts, flt: Filter, channel: str = "filed_with") -> pd.DataFrame:
    c = _c(f, flt)
    g = c.groupby(channel, dropna=False)
    out = pd.DataFrame({
        "complaint_count": g.size(),
        "timely_rate_pct": g["is_timely_response"].apply(lambda s: 100.0 * (s == True).sum() / s.notna().sum()  # noqa: E712
                                                         if s.notna().sum() else np.nan),
        "median_response_days": g["response_days"].median(),
        "mean_response_days": g["response_days"].mean(),
        "relief_share_pct": g["outcome_code"].apply(
            lambda s: 100.0 * s.isin(["monetary_relief", "non_monetary_relief"]).sum() / len(s)),
    }).reset_index().rename(columns={channel: "channel_code"})
    return out.sort_values("complaint_count", ascending=False)


def channel_flow(f: Facts, flt: Filter) -> pd.DataFrame:
    c = _c(f, flt)
    return c.groupby(["submission_medium", "filed_with", "outcome_code"], dropna=False).size().rename(
        "complaint_count").reset_index()


def sources(f: Facts) -> pd.DataFrame:
    c, i = f.complaints, f.incidents
    out = c.groupby("source").agg(complaint_count=("complaint_id", "size"), first_received_date=("received_date", "min"),
                                  last_received_date=("received_date", "max"))
    out["incident_count"] = i.groupby("source").size()
    return out.reset_index()


def filter_options(f: Facts) -> dict:
    c = f.complaints
    return {k: c[col].dropna().value_counts().index.tolist()
            for k, col in (("source", "source"), ("product", "product"), ("company", "company_name"),
                           ("region", "region"))}


def date_range(f: Facts) -> tuple:
    return f.complaints["received_date"].min(), f.complaints["received_date"].max()


PANDAS_QUERIES = {
    "query_kpis": kpis, "query_complaints_by_month": complaints_by_month,
    "query_incidents_by_hour_weekday": incidents_by_hour_weekday, "query_time_coverage": time_coverage,
    "query_outside_share_by_month": outside_share_by_month, "query_conduct_counts": conduct_counts,
    "query_method_counts": method_counts, "query_conduct_by_month": conduct_by_month,
    "query_conduct_cooccurrence": conduct_cooccurrence, "query_company_conduct": company_conduct,
    "query_channel_outcomes": channel_outcomes, "query_channel_summary": channel_summary,
    "query_channel_flow": channel_flow,
}
PANDAS_SETUP = {"query_sources": sources, "query_filter_options": filter_options, "query_date_range": date_range}
