"""Trends: one measure by week, month or quarter, with spikes, rule events and a before /
after comparison around a chosen event (issue 10: "Is it getting worse?")."""
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis import trends  # noqa: E402
from analysis.i18n import t  # noqa: E402
from ui.page import chart_page, page_choice, show_chart  # noqa: E402
from ui.state import run_query  # noqa: E402
from ui.tables import data_table  # noqa: E402

ctx, k = chart_page("page_trends", unreviewed=True)
lang = ctx.lang

c1, c2 = st.columns([3, 2])
measure = page_choice(ctx, "measure", trends.measure_options(), "complaints", t("trends_measure", lang),
                      format_func=lambda m: trends.measure_label(m, lang), where=c1, kind="select")
period = page_choice(ctx, "period", list(trends.PERIODS), "month", t("trends_period", lang),
                     format_func=lambda p: t(f"trends_period_{p}", lang), where=c2)
if not show_chart(ctx, trends.chart_name(measure), k):
    st.info(t("chart_empty", lang))
st.caption(" ".join([trends.spike_rule_text(lang), t("trends_incomplete_note", lang), t("trends_events_note", lang)]))

st.subheader(t("trends_spikes_title", lang))
# one above the other, each the page's width (side by side, their columns needed a sideways scroll)
for box, by, head in ((st, "conduct", t("trends_spikes_conduct", lang)),
                      (st, "company", t("trends_spikes_company", lang, n=trends.SPIKE_TOP_COMPANIES))):
    box.markdown(f"**{head}**")
    found = run_query("analysis.trends:query_spikes", ctx.flt, by, period)
    if found.empty:
        box.info(t("trends_spikes_none", lang))
    else:
        box.dataframe(trends.spikes_table(found, period, lang), hide_index=True)

st.subheader(t("trends_ba_title", lang))
events = run_query("analysis.trends:query_events_in_view", ctx.flt)
if events.empty:
    st.info(t("trends_ba_no_events", lang))
    st.stop()
by_date = {f"{e.event_date:%Y-%m-%d}": e for _, e in events.iterrows()}
c1, c2 = st.columns([3, 2])
event = page_choice(ctx, "event", list(by_date), trends.default_event(events), t("trends_ba_event", lang),
                    format_func=lambda d: trends.event_choice_label(by_date[d], lang), where=c1, kind="select")
months = page_choice(ctx, "months", ["6", "12", "24"], "12", t("trends_ba_months", lang), where=c2)
result = run_query("analysis.trends:before_after", ctx.flt, date.fromisoformat(event), int(months), measure)
data_table(trends.before_after_table(result, lang))
title = by_date[event]["title_zh" if lang == "zh" else "title_en"]
for sentence in trends.before_after_sentences(result, title, lang):
    st.text(sentence)  # the event title comes from a file: plain text, no markdown
