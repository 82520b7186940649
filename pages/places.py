"""Places: where complaints come from. A tile map of US states or Chinese provinces coloured
by complaints or by complaints per million inhabitants, the table of places beside it, and
the stored region values that name no known place (with their counts)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis import codes  # noqa: E402
from analysis.i18n import t  # noqa: E402
from analysis.places import (MAP_JURISDICTIONS, MEASURES, default_jurisdiction, region_table,  # noqa: E402
                             unmapped_table)
from ui.page import chart_page, hidden_sources_note, page_choice, show_chart  # noqa: E402
from ui.state import run_query  # noqa: E402
from ui.tables import data_table  # noqa: E402

QUERY = "analysis.places:query_region_counts"

ctx, k = chart_page("page_places")
lang = ctx.lang

c1, c2 = st.columns(2)
counts = run_query(QUERY, ctx.flt, "complaints")
jur = page_choice(ctx, "map", list(MAP_JURISDICTIONS), default_jurisdiction(counts), t("places_jurisdiction", lang),
                  format_func=lambda v: codes.label("jurisdiction", v, lang), where=c1)
measure = page_choice(ctx, "measure", list(MEASURES), "complaints", t("places_measure", lang),
                      format_func=lambda v: t(f"places_measure_{v}", lang), where=c2)
frame = run_query(QUERY, ctx.flt, measure)

# the map at the page's width and its table under it (side by side, a 1024 px window left the
# map a third of the page: its tiles' codes and numbers ran together)
drawn = show_chart(ctx, f"places_map_{jur.lower()}_{measure}", k)
if not drawn:
    st.info("\n\n".join(filter(None, [t("places_no_data_jur", lang, jur=codes.label("jurisdiction", jur, lang)),
                                        hidden_sources_note(ctx, jur)])))
else:
    data_table(region_table(frame, jur, lang), height=420, key="places_table")
    if measure == "rate":
        st.caption(t(f"places_pop_{jur.lower()}", lang))

if drawn:
    st.subheader(t("places_unmapped_title", lang))
    unmapped = unmapped_table(frame, jur, lang)
    if unmapped.empty:
        st.caption(t("places_unmapped_none", lang))
    else:
        st.caption(t("places_unmapped_help", lang))
        data_table(unmapped, key="places_unmapped")
