"""Companies: who does it. Companies ranked by a chosen measure (complaints, a conduct's
share, contact outside permitted hours, timely responses, an outcome's share), with a table,
and the profile of one company (trend, conduct mix against the others, outcomes, channels)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis.companies import (MEASURES, MIN_COUNT_DEFAULT, MIN_COUNT_OPTIONS, channels_table,  # noqa: E402
                                get_measure, ranking_args, ranking_table)
from analysis.i18n import t  # noqa: E402
from ui.page import chart_page, metrics_row, page_choice, show_chart  # noqa: E402
from ui.state import run_query  # noqa: E402
from ui.tables import data_table  # noqa: E402

Q = "analysis.companies:"
ctx, k = chart_page("page_companies", unreviewed=True)
lang = ctx.lang

c1, c2 = st.columns([3, 1])
measure = page_choice(ctx, "measure", [m.id for m in MEASURES], "complaints", t("co_measure", lang),
                      format_func=lambda v: get_measure(v).label(lang), where=c1, kind="select")
page_choice(ctx, "min_count", [str(n) for n in MIN_COUNT_OPTIONS], str(MIN_COUNT_DEFAULT), t("co_min_count", lang),
            format_func=lambda v: t("co_min_count_opt", lang, n=v) if v == str(MIN_COUNT_DEFAULT) else v,
            where=c2, kind="select")
c2.caption(t("co_min_count_help", lang, n=MIN_COUNT_DEFAULT))
args = ranking_args(ctx.choices)
ranking = run_query(Q + "query_company_ranking", ctx.flt, *args)
if ranking.empty:
    st.info(t("co_no_company", lang))
    st.stop()
ranked = ranking[ranking["is_ranked"]]

if ranked.empty:
    st.info(t("co_no_ranked", lang, min=args[1]))
else:
    show_chart(ctx, "companies_ranking", k)
    # the percentage column: the rate (its value), or a count's share of all complaints (ranking_table)
    is_count = get_measure(args[0]).kind == "count"
    pct = t("co_col_share_all" if is_count else "co_col_value", lang)
    data_table(ranking_table(ranking, lang), height=320, column_config={pct: st.column_config.NumberColumn(
        format="%.1f", help=t("co_col_share_all_help", lang) if is_count else None)})
st.caption(t("co_base_note", lang))
st.caption(t("co_grouping_note", lang))

st.subheader(t("co_profile", lang))
options = list(ranked["company"]) or list(ranking["company"])
company = page_choice(ctx, "profile", options, options[0], t("co_profile_pick", lang), kind="select")
summary = run_query(Q + "query_company_summary", ctx.flt, company)
rate = summary["timely_rate_pct"]
metrics_row([
    dict(label=t("co_kpi_complaints", lang), value=f"{summary['complaint_count']:,}"),
    dict(label=t("co_kpi_narratives", lang), value=f"{summary['narrative_count']:,}"),
    dict(label=t("co_kpi_timely", lang), value="–" if rate is None else f"{rate:.1f}%",
         help=t("co_kpi_timely_help", lang, n=summary["timely_known_count"])),
])
names = summary["company_names"]
with st.expander(t("co_names_title", lang, n=len(names))):
    st.text("\n".join(names))  # names from files: plain text

if summary["complaint_count"]:
    show_chart(ctx, "company_trend", k)
    if not show_chart(ctx, "company_conduct_mix", k):
        st.info(t("no_conducts", lang))
    a, b = st.columns(2)
    with a:
        show_chart(ctx, "company_outcomes", k)
    with b:
        st.markdown(f"**{t('co_channels', lang)}**")
        ch = run_query(Q + "query_company_channels", ctx.flt, company)
        data_table(channels_table(ch, lang))
