"""Import: upload a CSV or Excel file → format and sheet → preview with encoding and an
editable column mapping (savable as a profile) → validation report → import with progress."""
import sys
from hashlib import sha256
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis import audit, db  # noqa: E402
from analysis.i18n import t  # noqa: E402
from analysis.ingest import ImportRefused, preview_file, run_import, validate_file  # noqa: E402
from analysis.ingest.profiles import load_profile, save_profile  # noqa: E402
from ui import auth, importer  # noqa: E402
from ui.nav import link_to  # noqa: E402
from ui.text import plain, refusal_text  # noqa: E402
from ui.tables import data_table, rows_csv, show_table  # noqa: E402
from ui.page import SAVED_NOTICE_KEY, editor_page, follows_language, metrics_row, run_with_progress  # noqa: E402
from ui.state import db_label, db_path  # noqa: E402

lang, who = editor_page("page_import", "import")
st.caption(t("imp_intro", lang))
if who.mode == "single_user" and not auth.real_data_loaded():
    # the first real file ends single-user changes (ui.auth.can): say so before a file is chosen
    st.warning(t("imp_first_real", lang), icon=":material/lock:")

up = st.file_uploader(t("imp_upload", lang), type=["csv", "xlsx", "txt", "zip"], key="imp_file",
                      help=t("imp_upload_help", lang))
if up is None:
    st.info(t("imp_wait", lang))
    link_to("intake", lang, t("imp_to_intake", lang))
    st.stop()
data, name = up.getvalue(), up.name
digest = sha256(data).hexdigest()[:12]
try:
    first = preview_file(data, name)
except ImportRefused as err:
    st.error(t("imp_unreadable", lang, msg=plain(refusal_text(err, lang))))
    st.stop()

# ---- format and sheet -----------------------------------------------------------------------
formats = importer.formats()
suggested = importer.default_format(first)
c1, c2 = st.columns([2, 1])
fmt = c1.selectbox(t("imp_format", lang), formats, format_func=lambda f: importer.format_label(f, lang),
                   key=follows_language(f"imp_fmt_{digest}", suggested if suggested in formats else formats[0]))
matches = importer.matching_formats(first)
if matches:
    c1.caption(t("imp_matches", lang, list="; ".join(t("imp_match_item", lang, name=plain(n), n=k) for n, k in matches[:4])))
elif suggested == "cfpb":
    c1.caption(t("imp_is_cfpb", lang))
else:
    c1.caption(t("imp_no_match", lang))
sheet = None
if len(first.sheet_names) > 1:
    sheet = c2.selectbox(t("imp_sheet", lang), [None] + first.sheet_names, key=follows_language(f"imp_sheet_{digest}"),
                         format_func=lambda s: t("imp_all_sheets", lang) if s is None else s)

try:
    pv, proposed = importer.initial_mapping(data, name, fmt, sheet)
except (ImportRefused, ValueError) as err:
    st.error(t("imp_unreadable", lang, msg=plain(refusal_text(err, lang))))
    st.stop()

# ---- preview --------------------------------------------------------------------------------
st.subheader(t("imp_preview", lang))
st.caption(t("imp_detected", lang, kind=pv.kind.upper(), encoding=pv.encoding, n=len(pv.rows),
             sheets=", ".join(pv.sheet_names) or "—"))
guess = pv.encoding_guess
if guess is not None and not guess.sure:
    st.warning(t("imp_encoding_unsure", lang, encoding=guess.encoding) if guess.invalid_bytes == 0 and not
               guess.damaged_chars else t("imp_encoding_damaged", lang, encoding=guess.encoding,
                                          invalid=guess.invalid_bytes, damaged=guess.damaged_chars),
               icon=":material/translate:")
data_table(pv.rows, height=240)

mapping: dict = {}
problems: list[str] = []
if fmt == "cfpb":
    st.info(t("imp_cfpb_note", lang))
else:
    st.subheader(t("imp_mapping", lang))
    st.caption(t("imp_mapping_help", lang))
    cols = st.columns(3)
    for i, h in enumerate(pv.header):
        choice = proposed.get(h)
        mapping[h] = cols[i % 3].selectbox(
            h or f"({i + 1})", importer.FIELD_CHOICES, format_func=lambda f: importer.field_label(f, lang),
            key=follows_language(f"imp_map_{digest}_{fmt}_{i}", choice))
    problems = importer.mapping_problems(mapping, fmt, lang)
    for p in problems:
        st.error(plain(p))
    with st.expander(t("imp_save_profile", lang)):
        pname = st.text_input(t("imp_profile_name", lang), key=f"imp_pname_{digest}", max_chars=40,
                              help=t("imp_profile_name_help", lang))
        replace = st.checkbox(t("imp_profile_replace", lang), key=f"imp_prepl_{digest}")
        if st.button(t("imp_save_profile_btn", lang), key=f"imp_psave_{digest}", disabled=bool(problems)):
            saver = auth.check("save_profile", lang)
            try:
                path = save_profile(pname.strip(), mapping, base=importer.base_of(fmt), replace=replace)
            except ValueError as err:
                st.error(t("imp_profile_bad", lang, msg=plain(refusal_text(err, lang))))
            else:
                with db.write_transaction(db_path(), f"save profile {pname.strip()}") as con:
                    audit.record(con, saver.actor(), "save_profile", target=pname.strip(),
                                 detail={"base": importer.base_of(fmt), "replaced": replace})
                st.success(t("imp_profile_saved", lang, name=plain(pname.strip()), path=db_label(path)))

# ---- validation -----------------------------------------------------------------------------
key = (digest, fmt, sheet, tuple(sorted((h, f or "") for h, f in mapping.items())))
if fmt != "cfpb":
    st.subheader(t("imp_validation", lang))
    if st.button(t("imp_validate", lang), key="imp_validate", disabled=bool(problems), icon=":material/rule:"):
        try:
            st.session_state["imp_validation"] = (key, validate_file(data, name, fmt, sheet=sheet, mapping=mapping))
        except (ImportRefused, ValueError) as err:
            st.session_state.pop("imp_validation", None)
            st.error(t("imp_refused", lang, msg=plain(refusal_text(err, lang))))
    stored = st.session_state.get("imp_validation")
    if stored and stored[0] == key:
        v = stored[1]
        n = importer.validation_counts(v)
        metrics_row([dict(label=t(key, lang), value=f"{n[k]:,}") for key, k in (
            ("imp_rows", "rows"), ("imp_accepted", "accepted"), ("imp_quarantined", "quarantined"), ("imp_qa", "qa"))],
            border=False)
        if n["quarantined"]:
            st.markdown(f"**{t('imp_quarantined', lang)}**")
            show_table(v.quarantined, lang)
            st.download_button(t("imp_download_quarantine", lang), rows_csv(v.quarantined, lang),
                               file_name=f"quarantine_{Path(name).stem}.csv", mime="text/csv",
                               key="imp_dl_quarantine", on_click="ignore", icon=":material/download:")
        if n["qa"]:
            st.markdown(f"**{t('imp_qa', lang)}**")
            show_table(v.qa_issues, lang)
            st.download_button(t("imp_download_qa", lang), rows_csv(v.qa_issues, lang),
                               file_name=f"qa_{Path(name).stem}.csv", mime="text/csv", key="imp_dl_qa",
                               on_click="ignore", icon=":material/download:")
        for line in importer.note_lines(v.notes, lang):
            st.caption(line)
        if not n["quarantined"] and not n["qa"]:
            st.success(t("imp_all_good", lang))

# ---- import ---------------------------------------------------------------------------------
st.subheader(t("imp_commit", lang))
st.caption(t("imp_commit_help", lang, path=db_label()))
corrects = fmt != "cfpb" and load_profile(fmt).grain == "incident" and st.checkbox(
    t("imp_replace", lang), key=f"imp_replace_{digest}", help=t("imp_replace_help", lang))
if st.button(t("imp_import", lang), key="imp_import", type="primary", disabled=bool(problems),
             icon=":material/upload:"):
    reports = run_with_progress(
        t("imp_importing", lang),
        lambda progress: run_import([Path(name)], fmt, db_path(), sheet=sheet, mapping=mapping or None,
                                    file_bytes={name: data}, progress=progress, actor=who.actor(),
                                    replace=corrects),
        "imp_refused", lang)
    if reports is not None:
        st.session_state["imp_done"] = (key, reports)
        st.session_state[SAVED_NOTICE_KEY] = t("imp_done", lang)
done = st.session_state.get("imp_done")
if done and done[0] == key:
    st.success(t("imp_done", lang))
    data_table(importer.report_frame(done[1], lang))
    for r in done[1]:
        for line in importer.note_lines(r.notes, lang, r.source_file):
            st.caption(line)
    link_to("data", lang, t("imp_to_data", lang))
