"""Overview: key figures and the monthly trend."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis.i18n import t  # noqa: E402
from analysis.queries import MIN_COUNT  # noqa: E402
from ui.page import chart_page, metrics_row, show_chart  # noqa: E402

ctx, k = chart_page("page_overview")
lang = ctx.lang


def pct(v):
    return "–" if v is None else f"{v:.1f}%"


# A share resting on fewer than MIN_COUNT timed incidents is not shown as a percentage.
outside = pct(k["outside_share_pct"]) if k["exact_time_incident_count"] >= MIN_COUNT else "–"
metrics_row([
    dict(label=t("kpi_complaints", lang), value=f"{k['complaint_count']:,}"),
    dict(label=t("kpi_incidents", lang), value=f"{k['incident_count']:,}"),
    dict(label=t("kpi_improper", lang), value=pct(k["improper_share_pct"]), help=t("kpi_improper_help", lang)),
    dict(label=t("kpi_outside", lang), value=outside,
         help=t("kpi_outside_help", lang, n=k["exact_time_incident_count"], flags=k["outside_flag_only_count"],
                min=MIN_COUNT)),
    dict(label=t("kpi_timely", lang), value=pct(k["timely_rate_pct"]),
         help=t("kpi_timely_help", lang, n=k["timely_known_count"])),
])
st.caption(t("unreviewed", lang))
show_chart(ctx, "overview_monthly_trend", k)
