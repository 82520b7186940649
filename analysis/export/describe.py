"""Short generated descriptions of what each chart shows, computed from its data frame:
largest categories, change over the period, share outside permitted hours. Counts from 1
to k-1 are written "<k" when suppression is on, like in the charts."""
from __future__ import annotations

from typing import Callable, Mapping

import pandas as pd

from analysis import codes
from analysis.i18n import t
from analysis.charts import BuiltChart, ChartSpec, chart_hook
from analysis.export.context import ExportOptions
from analysis.export.suppress import count_text, is_small
from analysis.rules import forbidden_hours, partly_forbidden_hours

#: ``(built, lang, opts, args) -> text``; ``args``: the chart's query arguments after the
#: filter (``spec.query_args(choices)``, e.g. ``("filed_with",)``).
Describer = Callable[[BuiltChart, str, ExportOptions, tuple], str]


def _c(n, o: ExportOptions) -> str:
    return count_text(int(n), o.k, suppress=o.suppress)


def _pct(a, b) -> str:
    return f"{100.0 * a / b:.1f}%" if b else "–"


def _join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else "; ").join(items)


def _top(frame: pd.DataFrame, code_col: str, list_name: str, value_col: str, lang: str, o: ExportOptions,
         n: int = 3, total: float | None = None) -> str:
    d = frame.groupby(code_col, dropna=False)[value_col].sum().sort_values(ascending=False).head(n)
    parts = []
    for code, v in d.items():
        share = f" ({_pct(v, total)})" if total and not (o.suppress and is_small(v, o.k)) else ""
        parts.append(f"{codes.label(list_name, None if pd.isna(code) else code, lang)} {_c(v, o)}{share}")
    return _join(parts, lang)


def _months(frame: pd.DataFrame, col: str) -> tuple[str, str]:
    m = pd.to_datetime(frame[col]).dropna()
    return f"{m.min():%Y-%m}", f"{m.max():%Y-%m}"


def _monthly_trend(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    f = b.frame
    a, z = _months(f, "received_month")
    peak = f.loc[f["complaint_count"].idxmax()]
    first, last = f.iloc[0], f.iloc[-1]
    imp = int(f["improper_complaint_count"].sum())
    tot = int(f["complaint_count"].sum())
    if lang == "zh":
        return (f"{a} 至 {z} 共 {len(f)} 个月有投诉；最多的月份为 {pd.Timestamp(peak.received_month):%Y-%m}"
                f"（{_c(peak.complaint_count, o)} 条）。首月 {_c(first.complaint_count, o)} 条，末月 "
                f"{_c(last.complaint_count, o)} 条。涉不当行为的投诉共 {_c(imp, o)} 条，占 {_pct(imp, tot)}。")
    return (f"Complaints in {len(f)} months from {a} to {z}; the busiest month was "
            f"{pd.Timestamp(peak.received_month):%Y-%m} ({_c(peak.complaint_count, o)}). First month "
            f"{_c(first.complaint_count, o)}, last month {_c(last.complaint_count, o)}. {_c(imp, o)} complaints "
            f"({_pct(imp, tot)}) carry at least one improper-conduct label.")


def _time_coverage(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    f = b.frame.set_index("time_precision")["incident_count"]
    tot = int(f.sum())
    exact, dp = int(f.get("exact", 0)), int(f.get("daypart", 0))
    flag, none = int(f.get("outside_window_only", 0)), int(f.get("unknown", 0))
    if lang == "zh":
        return (f"{_c(tot, o)} 个事件中，{_c(exact, o)} 个有精确时刻（{_pct(exact, tot)}），{_c(dp, o)} 个仅有时段，"
                f"{_c(flag, o)} 个仅有“时段外”标记，{_c(none, o)} 个无时间（{_pct(none, tot)}）。")
    return (f"Of {_c(tot, o)} incidents, {_c(exact, o)} have an exact clock time ({_pct(exact, tot)}), {_c(dp, o)} "
            f"only a part of the day, {_c(flag, o)} only an 'outside hours' flag and {_c(none, o)} no time "
            f"({_pct(none, tot)}).")


def _heatmap(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    f = b.frame
    jur = b.spec.name.rsplit("_", 1)[1].upper()
    tot = int(f["incident_count"].sum())
    out = int(f[f["occurred_hour"].isin(forbidden_hours(jur))]["incident_count"].sum())
    part = int(f[f["occurred_hour"].isin(partly_forbidden_hours(jur))]["incident_count"].sum())
    by_hour = f.groupby("occurred_hour")["incident_count"].sum()
    h = int(by_hour.idxmax())
    share_ok = not (o.suppress and (is_small(out, o.k) or is_small(tot, o.k)))
    share = _pct(out, tot) if share_ok else "–"
    if lang == "zh":
        s = (f"{_c(tot, o)} 个有精确时刻的事件中，{_c(out, o)} 个（{share}）发生在整点禁止时段内；"
             f"最多的时段为 {h:02d} 时（{_c(by_hour.max(), o)} 个）。")
        return s + (f"另有 {_c(part, o)} 个在 21 时内（21:00 整为边界情形）。" if part else "")
    s = (f"Of {_c(tot, o)} incidents with an exact time, {_c(out, o)} ({share}) fall in wholly forbidden hours; "
         f"the busiest hour is {h:02d}:00 ({_c(by_hour.max(), o)}).")
    return s + (f" {_c(part, o)} more fall in hour 21, partly forbidden (21:00 exactly is a boundary case)." if part else "")


def _outside_trend(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    parts = []
    for jur, sub in b.frame.groupby("jurisdiction", sort=True):
        out, ex = int(sub["outside_count"].sum()), int(sub["exact_time_incident_count"].sum())
        share = "–" if o.suppress and (is_small(out, o.k) or is_small(ex, o.k)) else _pct(out, ex)
        a, z = _months(sub, "occurred_month")
        name = codes.label("jurisdiction", jur, lang)
        parts.append(f"{name}：{a} 至 {z} 共 {share}（{_c(out, o)}/{_c(ex, o)}）" if lang == "zh"
                     else f"{name}: {share} from {a} to {z} ({_c(out, o)} of {_c(ex, o)})")
    lead = "有时刻的事件中处于禁止时段的占比——" if lang == "zh" else "Share of timed incidents outside permitted hours — "
    return lead + _join(parts, lang) + ("。" if lang == "zh" else ".")


def _allegation_month(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    parts = []
    for jur, sub in b.frame.groupby("jurisdiction", sort=True):
        a, n = int(sub["allegation_count"].sum()), int(sub["complaint_count"].sum())
        share = "–" if o.suppress and (is_small(a, o.k) or is_small(n, o.k)) else _pct(a, n)
        first, last = _months(sub, "received_month")
        name = codes.label("jurisdiction", jur, lang)
        parts.append(f"{name}：{first} 至 {last} 共 {share}（{_c(a, o)}/{_c(n, o)}）" if lang == "zh"
                     else f"{name}: {share} from {first} to {last} ({_c(a, o)} of {_c(n, o)})")
    lead = ("投诉中指称在禁止时段联系（无确切时刻）的占比——" if lang == "zh"
            else "Share of complaints alleging contact outside permitted hours (no clock time) — ")
    return lead + _join(parts, lang) + ("。" if lang == "zh" else ".")


def _allegation_companies(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    f = b.frame
    first = f.iloc[0]
    return (f"指称在禁止时段联系（无确切时刻）的投诉最多的公司为 {first.company_name}"
            f"（{_c(first.allegation_count, o)} 条，共 {_c(first.complaint_count, o)} 条投诉）。图中列出 {len(f)} 家公司。"
            if lang == "zh" else
            f"Most complaints alleging contact outside permitted hours (no clock time): {first.company_name} "
            f"({_c(first.allegation_count, o)} of its {_c(first.complaint_count, o)} complaints). "
            f"{len(f)} companies shown.")


def _conduct_counts(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    f = b.frame
    total = float((f["complaint_count"] / (f["share_pct"] / 100)).dropna().iloc[0]) if len(f) and f["share_pct"].iloc[0] else None
    top = _top(f, "conduct_code", "conduct", "complaint_count", lang, o, total=total)
    return (f"最常见的行为：{top}（占全部投诉的比例）。共 {len(f)} 类行为。" if lang == "zh"
            else f"Most frequent conducts: {top} (share of all complaints). {len(f)} conducts in all.")


def _method_counts(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    top = _top(b.frame, "method_code", "method", "complaint_count", lang, o)
    return (f"投诉最多的催收方式：{top}。" if lang == "zh" else f"Methods named in most complaints: {top}.")


def _conduct_trend(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    f = b.frame
    a, z = _months(f, "received_month")
    lead = f.groupby("conduct_code")["complaint_count"].sum().idxmax()
    sub = f[f["conduct_code"] == lead].sort_values("received_month")
    name = codes.label("conduct", lead, lang)
    if lang == "zh":
        return (f"{a} 至 {z}：最常见的行为为“{name}”，首个有记录的月份 {_c(sub.iloc[0].complaint_count, o)} 条，"
                f"最后一个月份 {_c(sub.iloc[-1].complaint_count, o)} 条，峰值 {_c(sub['complaint_count'].max(), o)} 条。")
    return (f"{a} to {z}: the most frequent conduct, {name}, went from {_c(sub.iloc[0].complaint_count, o)} in its "
            f"first month to {_c(sub.iloc[-1].complaint_count, o)} in its last (peak {_c(sub['complaint_count'].max(), o)}).")


def _cooccurrence(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    f = b.frame[b.frame["conduct_a"] < b.frame["conduct_b"]]
    if f.empty:
        return "没有同时出现的行为。" if lang == "zh" else "No two conducts occur in the same complaint."
    r = f.loc[f["complaint_count"].idxmax()]
    a, c = codes.label("conduct", r.conduct_a, lang), codes.label("conduct", r.conduct_b, lang)
    # the diagonal is blank in the chart (figures.make_cooccurrence_heatmap): said as the page says it
    return (f"最常同时出现的一对行为：“{a}”与“{c}”（{_c(r.complaint_count, o)} 条投诉）。" + t("cooccur_note", "zh")
            if lang == "zh" else
            f"The pair reported together most often: {a} with {c} ({_c(r.complaint_count, o)} complaints). "
            + t("cooccur_note", "en"))


def _company(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    f = b.frame
    first = f.iloc[0]
    sub = f[f["company_name"] == first.company_name]
    top = codes.label("conduct", sub.loc[sub["complaint_count"].idxmax()].conduct_code, lang)
    n = f["company_name"].nunique()
    return (f"涉不当行为投诉最多的公司为 {first.company_name}（{_c(first.company_complaint_count, o)} 条），"
            f"其中最常见的行为为“{top}”。图中列出 {n} 家公司。" if lang == "zh" else
            f"The company with most complaints with improper conduct is {first.company_name} "
            f"({_c(first.company_complaint_count, o)}), most often for {top}. {n} companies shown.")


def _outcome_mix(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    ch = args[0]
    parts = []
    for chan, sub in b.frame.groupby("channel_code", dropna=False, sort=False):
        tot = int(sub["complaint_count"].sum())
        if o.suppress and is_small(tot, o.k):
            continue
        r = sub.loc[sub["complaint_count"].idxmax()]
        parts.append(f"{codes.label(ch, None if pd.isna(chan) else chan, lang)}: "
                     f"{codes.label('outcome', None if pd.isna(r.outcome_code) else r.outcome_code, lang)} "
                     f"{r.share_pct:.0f}%")
    lead = "各渠道最常见的处理结果——" if lang == "zh" else "Most common outcome per channel — "
    return lead + _join(parts[:6], lang) + ("。" if lang == "zh" else ".")


def _timeliness(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    ch = args[0]
    f = b.frame.dropna(subset=["timely_rate_pct"])
    if o.suppress:
        f = f[~f["complaint_count"].map(lambda v: is_small(v, o.k))]
    if f.empty:
        return "没有可比较的及时率。" if lang == "zh" else "No timeliness rates to compare."
    hi, lo = f.loc[f["timely_rate_pct"].idxmax()], f.loc[f["timely_rate_pct"].idxmin()]
    lab = lambda r: codes.label(ch, None if pd.isna(r.channel_code) else r.channel_code, lang)  # noqa: E731
    return (f"及时答复率最高：{lab(hi)} {hi.timely_rate_pct:.1f}%；最低：{lab(lo)} {lo.timely_rate_pct:.1f}%。"
            if lang == "zh" else
            f"Highest timely-response rate: {lab(hi)} {hi.timely_rate_pct:.1f}%; lowest: {lab(lo)} "
            f"{lo.timely_rate_pct:.1f}%.")


def _flow(b: BuiltChart, lang: str, o: ExportOptions, args: tuple = ()) -> str:
    f = b.frame
    tot = int(f["complaint_count"].sum())
    path = f.groupby(["submission_medium", "filed_with"], dropna=False)["complaint_count"].sum().idxmax()
    outc = f.groupby("outcome_code", dropna=False)["complaint_count"].sum()
    oc = outc.idxmax()
    m = codes.label("submission_medium", None if pd.isna(path[0]) else path[0], lang)
    w = codes.label("filed_with", None if pd.isna(path[1]) else path[1], lang)
    ol = codes.label("outcome", None if pd.isna(oc) else oc, lang)
    return (f"最常见的路径：经{m}提交给{w}。最常见的结果：{ol}（{_pct(outc.max(), tot)}）。" if lang == "zh"
            else f"Most common path: submitted via {m} to {w}. Most common outcome: {ol} ({_pct(outc.max(), tot)}).")


DESCRIBERS: dict[str, Describer] = {
    "overview_monthly_trend": _monthly_trend, "time_coverage": _time_coverage,
    "time_heatmap_cn": _heatmap, "time_heatmap_us": _heatmap, "time_heatmap_uk": _heatmap,
    "time_outside_share_trend": _outside_trend, "conduct_counts": _conduct_counts, "method_counts": _method_counts,
    "conduct_trend": _conduct_trend, "conduct_cooccurrence": _cooccurrence, "company_conduct": _company,
    "outcome_mix_filed_with": _outcome_mix, "outcome_mix_submission_medium": _outcome_mix,
    "channel_timeliness_filed_with": _timeliness, "channel_timeliness_submission_medium": _timeliness,
    "channel_flow": _flow,
    "time_allegation_share": _allegation_month, "time_allegation_companies": _allegation_companies,
}


def describer(spec: ChartSpec) -> Describer | None:
    """The describer of chart ``spec``: ``DESCRIBERS`` here, else the ``DESCRIBERS`` dict of
    the module that holds the chart's query (``analysis.charts.chart_hook``). None when
    neither has one."""
    return chart_hook(spec, "DESCRIBERS", DESCRIBERS)


def describe_chart(built: BuiltChart, lang: str, opts: ExportOptions,
                   choices: Mapping[str, str] | None = None) -> str:
    """One or two sentences on what ``built`` shows ("" when its frame is empty or the chart
    has no describer). ``choices``: the page's choices the chart was built with (default:
    its defaults)."""
    if built.frame is None or built.frame.empty or built.n == 0:
        return ""
    fn = describer(built.spec)
    return fn(built, lang, opts, built.spec.query_args(choices)) if fn else ""
