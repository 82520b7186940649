"""Channels and outcomes: outcome mix, timeliness and response days per channel, and the
flow from submission medium to organisation to outcome."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis.i18n import t  # noqa: E402
from ui.page import chart_page, page_choice, show_chart  # noqa: E402

ctx, k = chart_page("page_channels")
lang = ctx.lang

CHANNELS = ["filed_with", "submission_medium"]
channel = page_choice(ctx, "channel", CHANNELS, "filed_with", t("channel_dim", lang),
                      format_func=lambda v: t("f_filed_with" if v == "filed_with" else "f_medium", lang))
show_chart(ctx, f"outcome_mix_{channel}", k)
show_chart(ctx, f"channel_timeliness_{channel}", k)
st.caption(t("response_days_note", lang))
show_chart(ctx, "channel_flow", k)
