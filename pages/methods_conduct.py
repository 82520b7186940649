"""Methods and conduct: counts, monthly trends, co-occurrence and the company breakdown."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis import figures  # noqa: E402
from analysis.i18n import t  # noqa: E402
from ui.page import chart_block, n_complaints, page_setup  # noqa: E402
from ui.state import run_query  # noqa: E402

ctx = page_setup("page_methods")
lang = ctx.lang
k = run_query("query_kpis", ctx.flt)
if k["complaint_count"] == 0:
    st.info(t("no_data", lang))
    st.stop()
n_all = n_complaints(k["complaint_count"], lang)
st.caption(t("unreviewed", lang))

conducts = run_query("query_conduct_counts", ctx.flt)
methods = run_query("query_method_counts", ctx.flt)
left, right = st.columns(2)
with left:
    if conducts.empty:
        st.info(t("no_conducts", lang))
    else:
        chart_block(ctx, figures.make_code_bar(conducts, "conduct_code", "conduct", "complaint_count",
                                               t("conduct_title", lang), lang, share_col="share_pct"),
                    conducts, n_text=n_all, name="conduct_counts")
with right:
    if methods.empty:
        st.info(t("chart_empty", lang))
    else:
        chart_block(ctx, figures.make_code_bar(methods, "method_code", "method", "complaint_count",
                                               t("method_title", lang), lang),
                    methods, n_text=n_all, name="method_counts")

if not conducts.empty:
    trend = run_query("query_conduct_by_month", ctx.flt)
    chart_block(ctx, figures.make_code_trend(trend, "conduct_code", "conduct", t("conduct_trend_title", lang), lang),
                trend, n_text=n_all, name="conduct_trend")
    co = run_query("query_conduct_cooccurrence", ctx.flt)
    chart_block(ctx, figures.make_cooccurrence_heatmap(co, lang), co, n_text=n_all, name="conduct_cooccurrence")
    comp = run_query("query_company_conduct", ctx.flt, 15)
    chart_block(ctx, figures.make_company_conduct_bar(comp, lang, 15), comp,
                n_text=n_complaints(comp.drop_duplicates("company_name")["company_complaint_count"].sum(), lang),
                name="company_conduct")
