"""Data: sources loaded, import log, row counts, quarantined rows, the data dictionary."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from analysis.exports import to_csv_bytes  # noqa: E402
from analysis.i18n import stored_value, t  # noqa: E402
from analysis.schema import data_dictionary, layer_label  # noqa: E402
from ui import auth  # noqa: E402
from ui.page import conduct_model_box, narrative_labels_box, page_setup, remove_data  # noqa: E402
from ui.tables import audit_in_language, import_status_text, rows_csv, show_table  # noqa: E402
from ui.state import db_label, run_query  # noqa: E402
from ui.text import plain  # noqa: E402

ctx = page_setup("page_data")
lang = ctx.lang

st.subheader(t("sources_title", lang))
src = run_query("query_sources")
name_col, note_col = ("name_zh", "note_zh") if lang == "zh" else ("name_en", "note_en")
# by name (the source codes are in the import log below, and when each was last imported); the
# publisher at a fixed width, whole on hover, so the dates fit a 1280 px window
show_table(src[[name_col, "publisher", "jurisdiction", "is_synthetic", "complaint_count", "incident_count",
                "first_received_date", "last_received_date"]]
           .assign(publisher=src["publisher"].map(lambda v: stored_value("publisher", v, lang))), lang,
           widths={name_col: 170, "publisher": 150})
# each source's caveats under the table, whole (as the table's last column they were off the right edge)
for name, note in zip(src[name_col], src[note_col]):
    if isinstance(note, str) and note.strip():
        st.caption(f"**{plain(name)}**: {plain(note)}" if lang == "en" else f"**{plain(name)}**：{plain(note)}")
st.caption(t("sources_incident_note", lang))
st.markdown(t("import_howto", lang))
st.code(f".venv/bin/python -m analysis.ingest --format cfpb --db {db_label()} complaints.csv", language="bash")

st.subheader(t("imports_title", lang))
# the file, when, and its row equation first (they fit a 1280 px window); the ids, the hash and the
# read settings (JSON) after them, the last two at a fixed width, whole on hover
imports = run_query("query_imports")
first = ["source_file", "imported_at", "status", "row_count", "accepted_count", "quarantined_count", "unchanged_count",
         "updated_count"]
imports = imports.assign(status=[import_status_text(v, lang) for v in imports["status"]])
show_table(imports[[c for c in first if c in imports.columns] + [c for c in imports.columns if c not in first]], lang,
           widths={"source_file": 170, "file_sha256": 90, "read_settings": 120})

if auth.can(ctx.who, "audit"):
    st.subheader(t("audit_title", lang))
    st.caption(t("audit_note", lang))
    show_table(audit_in_language(run_query("query_audit"), lang), lang, table="meta_audit")

if auth.can(ctx.who, "delete"):
    remove_data(ctx)

narrative_labels_box(ctx)
conduct_model_box(ctx)

st.subheader(t("tables_title", lang))
show_table(run_query("query_table_counts"), lang)


def rows_with_download(title_key: str, frame, none_key: str, file_stem: str) -> None:
    """A titled table of problem rows with its CSV download, or a line saying there are none."""
    st.subheader(t(title_key, lang))
    if frame.empty:
        st.success(t(none_key, lang))
        return
    show_table(frame, lang)
    st.download_button(t("download_csv", lang), rows_csv(frame, lang), file_name=f"collection-watch_{file_stem}.csv",
                       mime="text/csv", key=f"dl_{file_stem}", on_click="ignore")


rows_with_download("quarantine_title", run_query("query_quarantine"), "quarantine_none", "quarantine")
rows_with_download("qa_title", run_query("query_qa_issues"), "qa_none", "qa_issues")

st.subheader(t("dictionary_title", lang))
dd = pd.DataFrame(data_dictionary())
desc_col = "zh" if lang == "zh" else "en"
show_table(dd[["table", "layer", "column", "type", desc_col]].assign(layer=dd["layer"].map(lambda v: layer_label(v, lang))),
           lang, height=420)
st.download_button(t("download_csv", lang), to_csv_bytes(dd), file_name="collection-watch_data_dictionary.csv",
                   mime="text/csv", key="dl_dictionary", on_click="ignore")
