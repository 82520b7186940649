"""Time of day: how precisely times are known (always shown first); allegations of contact
outside the permitted hours that carry no clock time (e.g. CFPB's sub-issue "Called before 8am
or after 9pm") as shares of complaints; hour × weekday heatmaps of incidents with an exact
clock time, with the forbidden hours marked; and the outside-hours share of timed incidents by
month. When allegations outnumber incidents with a clock time (CFPB data), the allegation
charts come before the heatmaps, with a sentence on the difference."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis.i18n import t  # noqa: E402
from ui.page import chart_page, show_chart  # noqa: E402

ctx, k = chart_page("page_time", unit="incidents")
lang = ctx.lang

flags, exact = int(k["outside_flag_only_count"]), int(k["exact_time_incident_count"])
allegations_first = flags > exact


def allegations() -> None:
    """The allegation charts (no clock time), after a sentence saying what they are."""
    if not flags:
        return
    key = "alleg_note_first" if allegations_first else "alleg_note_after"
    st.info(t(key, lang, flags=f"{flags:,}", exact=f"{exact:,}"), icon=":material/schedule:")
    show_chart(ctx, "time_allegation_share", k)
    show_chart(ctx, "time_allegation_companies", k)


st.info(t("coverage_note", lang))
show_chart(ctx, "time_coverage", k)
if allegations_first:
    allegations()
drawn = [show_chart(ctx, f"time_heatmap_{jur}", k) for jur in ("cn", "us", "uk")]
if not any(drawn):
    st.warning(t("no_exact_times", lang))
elif not show_chart(ctx, "time_outside_share_trend", k):
    st.info(t("no_dated_times", lang))
if not allegations_first:
    allegations()
st.caption(t("unreviewed", lang))
