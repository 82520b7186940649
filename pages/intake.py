"""Intake: staff record a complaint received by phone or in person, with its incidents,
checked as they type; saved through the importer (same validation, masking, audit). A
borrower's call log can be attached to a complaint as evidence: timeline, calls in forbidden
hours, frequency checks. Templates for bulk entry."""
import sys
from datetime import date
from hashlib import sha256
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis import codes  # noqa: E402
from analysis.figures import make_call_timeline  # noqa: E402
from analysis.filters import DATE_MAX, DATE_MIN  # noqa: E402
from analysis.i18n import t  # noqa: E402
from analysis.ingest import run_import  # noqa: E402
from analysis.pii import mask_text  # noqa: E402
from analysis.rules import TIME_WINDOW_RULES  # noqa: E402
from ui import importer, intake  # noqa: E402
from ui.nav import link_to  # noqa: E402
from ui.text import plain  # noqa: E402
from ui.page import SAVED_NOTICE_KEY, editor_page, follows_language, run_with_progress  # noqa: E402
from ui.state import database, db_path, run_query  # noqa: E402
from ui.tables import data_table, show_table  # noqa: E402

lang, who = editor_page("page_intake", "intake")


def show_problems(found: list[tuple[bool, str]]) -> list[str]:
    """Show wrong values as errors and missing ones as one "still to fill in" line; return
    every problem (the form can be saved only when there is none)."""
    for missing, msg in found:
        if not missing:
            st.error(plain(msg))
    todo = [m for missing, m in found if missing]
    if todo:
        st.caption(t("in_todo", lang, list=" ".join(todo)))
    return [m for _, m in found]


def show_import_problems(import_id: str, notes: list[str]) -> None:
    """What an import of this page noticed: its notes and its quarantined rows with their
    reasons, in the page language (values from the file as written)."""
    for line in importer.note_lines(notes, lang):
        st.caption(line)
    held = run_query("query_quarantine")
    held = held[held["import_id"] == import_id]
    if len(held):
        show_table(held[["source_row_number", "column_name", "raw_value", "reason"]].reset_index(drop=True), lang)


st.caption(t("in_intro", lang))
today = date.today()
gen = st.session_state.setdefault("in_gen", 0)
if "in_ref" not in st.session_state:
    st.session_state["in_ref"] = intake.new_reference(today)

tab_form, tab_calls, tab_bulk = st.tabs([t("in_tab_form", lang), t("in_tab_calls", lang), t("in_tab_bulk", lang)])


def label(list_name: str):
    return lambda c: codes.label(list_name, c, lang)


# ---- complaint and incidents ----------------------------------------------------------------
with tab_form:
    last = st.session_state.get("in_last")
    if last:
        st.success(t("in_saved", lang, cid=plain(last[0]), n=last[1]))
        if last[2]:  # shown here, after the rerun that cleared the form
            st.error(t("in_quarantined", lang, n=last[2]))
            show_import_problems(last[3], [])
        link_to("overview", lang, t("in_to_overview", lang), extra={"source": ["intake"], "product": [""]},
                keep_view=False)
    k = f"in{gen}_"
    st.subheader(t("in_complaint", lang))
    c1, c2, c3 = st.columns(3)
    ref = c1.text_input(t("in_reference", lang), key=k + "ref", placeholder=st.session_state["in_ref"],
                        help=t("in_reference_help", lang), max_chars=40)
    received = c2.date_input(t("in_received", lang), value=today, key=k + "received", format="YYYY-MM-DD",
                             min_value=DATE_MIN, max_value=DATE_MAX)
    jur = c3.selectbox(t("in_jurisdiction", lang), list(intake.JURISDICTIONS), key=follows_language(k + "jur"),
                       format_func=label("jurisdiction"))
    c1, c2, c3 = st.columns(3)
    creditor = c1.text_input(t("in_creditor", lang), key=k + "creditor", max_chars=200)
    collector = c2.text_input(t("in_collector", lang), key=k + "collector", max_chars=200)
    region = c3.text_input(t("in_region", lang), key=k + "region", max_chars=60)
    c1, c2, c3 = st.columns(3)
    fw_opts = codes.codes("filed_with")
    filed_with = c1.selectbox(t("in_filed_with", lang), fw_opts,
                              key=follows_language(k + "filed_with", "consumer_association"), format_func=label("filed_with"))
    med_opts = intake.options("submission_medium")
    medium = c2.selectbox(t("in_medium", lang), med_opts, key=follows_language(k + "medium", "phone"),
                          format_func=label("submission_medium"))
    st_opts = intake.options("outcome")
    status = c3.selectbox(t("in_status", lang), st_opts, key=follows_language(k + "status", "in_progress"),
                          format_func=label("outcome"))
    demands = st.multiselect(t("in_demands", lang), intake.options("demand"), key=follows_language(k + "demands"),
                             format_func=label("demand"), placeholder=t("in_choose", lang))
    narrative = st.text_area(t("in_narrative", lang), key=k + "narrative", height=100, max_chars=intake.MAX_TEXT,
                             placeholder=t("in_narrative_hint", lang),
                             help=t("in_text_limit", lang, n=f"{intake.MAX_TEXT:,}"))
    complaint = intake.ComplaintInput(received=received, jurisdiction=jur, creditor=creditor, collector=collector,
                                      region=region, filed_with=filed_with, medium=medium, demands=demands,
                                      status=status, narrative=narrative, reference=ref.strip())
    problems = show_problems(intake.check_complaint(complaint, lang, today, kinds=True))
    rule = TIME_WINDOW_RULES[jur]
    st.caption(t("in_rule_note", lang, rule=rule.rule_id, text=rule.text_zh if lang == "zh" else rule.text_en))

    st.subheader(t("in_incidents", lang))
    n = st.number_input(t("in_n_incidents", lang), min_value=1, max_value=20, value=1, step=1, key=k + "n")
    incidents = []
    for i in range(int(n)):
        p = f"{k}inc{i}_"
        with st.container(border=True):
            st.markdown(f"**{t('in_incident_n', lang, i=i + 1)}**")
            c1, c2, c3 = st.columns(3)
            day = c1.date_input(t("in_date", lang), value=None, key=p + "date", format="YYYY-MM-DD",
                                min_value=DATE_MIN, max_value=DATE_MAX)
            kind = c2.selectbox(t("in_time_kind", lang), list(intake.TIME_KINDS), key=follows_language(p + "kind"),
                                format_func=lambda v: t(f"in_kind_{v}", lang))
            clock, daypart = "", None
            if kind == "exact":
                clock = c3.text_input(t("in_clock", lang), key=p + "clock", placeholder="22:30", max_chars=8,
                                      help=t("in_clock_help", lang))
            elif kind == "daypart":
                daypart = c3.selectbox(t("in_daypart", lang), [c for c in codes.codes("daypart")],
                                       key=follows_language(p + "daypart"), format_func=label("daypart"))
            c1, c2, c3 = st.columns(3)
            method = c1.selectbox(t("in_method", lang), intake.options("method"), key=follows_language(p + "method", None),
                                  format_func=label("method"), placeholder=t("in_choose", lang))
            rec_opts = intake.options("recipient")
            recipient = c2.selectbox(t("in_recipient", lang), rec_opts,
                                     key=follows_language(p + "recipient", "debtor"), format_func=label("recipient"))
            number = c3.text_input(t("in_number", lang), key=p + "number", max_chars=40,
                                   help=t("in_number_help", lang))
            conducts = st.multiselect(t("in_conduct", lang), intake.options("conduct"), key=follows_language(p + "conduct"),
                                      format_func=label("conduct"), placeholder=t("in_choose", lang))
            said = st.text_area(t("in_said", lang), key=p + "said", height=80, max_chars=intake.MAX_TEXT,
                                help=t("in_text_limit", lang, n=f"{intake.MAX_TEXT:,}"))
            inc = intake.IncidentInput(day=day, time_kind=kind, clock=clock, daypart=daypart, method=method,
                                       recipient=recipient, conducts=conducts, collector_number=number, said=said)
            inc_problems = show_problems(intake.check_incident(inc, lang, today, received, kinds=True))
            verdict = intake.time_verdict(inc, jur, lang)
            if verdict:
                status_v, text = verdict
                {"outside": st.warning, "boundary": st.warning, "inside": st.success}.get(status_v, st.info)(
                    text, icon=":material/schedule:")
            problems += [t("in_incident_problem", lang, i=i + 1, msg=msg) for msg in inc_problems]
            incidents.append(inc)

    dups = run_query("query_possible_duplicates", None,
                     complaint.received.isoformat() if complaint.received else None,
                     complaint.creditor.strip(), complaint.collector.strip(),
                     mask_text(complaint.narrative.strip()) or "")
    dup_ok = False
    if dups is not None and len(dups):
        st.warning(t("in_duplicate", lang, ids=plain(", ".join(dups["complaint_id"]))), icon=":material/content_copy:")
        dup_ok = st.checkbox(t("in_save_anyway", lang), key=k + "dup_ok")
    if st.button(t("in_save", lang), key=k + "save", type="primary", icon=":material/save:"):
        sent = st.session_state.get("_in_sent")  # (entry, reference, form) of a save this session started
        if (sent and sent[0] == (complaint, incidents) and sent[2] == gen
                and intake.reference_in_use(complaint, sent[1], db_path())):
            # the same entry sent again (a second click while the first save was finishing):
            # it is saved; say so instead of calling it a duplicate
            cid = intake.complaint_id_for(complaint, sent[1])
            st.session_state["in_last"] = (cid, len(incidents), 0, None)
            st.session_state["in_gen"] = gen + 1
            st.session_state["in_ref"] = intake.new_reference(today)
            st.rerun()
        if problems:
            st.error(t("in_not_saved", lang, list=plain("; ".join(problems))))
        elif dups is not None and len(dups) and not dup_ok:
            st.error(t("in_not_saved_duplicate", lang))
        else:
            reference = complaint.reference or st.session_state["in_ref"]
            if intake.reference_in_use(complaint, reference, db_path()):
                st.error(t("in_not_saved", lang, list=plain(t("in_err_reference_used", lang, ref=reference))))
                st.stop()
            st.session_state["_in_sent"] = ((complaint, incidents), reference, gen)
            saved = run_with_progress(
                t("in_saving", lang),
                lambda progress: intake.save(complaint, incidents, db_path(), reference=reference,
                                             progress=progress, actor=who.actor()),
                "in_save_failed", lang)
            if saved is not None:
                cid, rep = saved
                st.session_state["in_last"] = (cid, rep.accepted_count, rep.quarantined_count, rep.import_id)
                st.session_state[SAVED_NOTICE_KEY] = t("in_saved", lang, cid=plain(cid), n=rep.accepted_count)
                st.session_state["in_evidence"] = cid
                st.session_state["in_gen"] = gen + 1
                st.session_state["in_ref"] = intake.new_reference(today)
                st.rerun()

# ---- call log as evidence -------------------------------------------------------------------
with tab_calls:
    st.caption(t("in_calls_intro", lang))
    fp, _path = database()
    known = run_query("query_evidence_complaints") if fp != "missing" else None
    ids = [""] + ([] if known is None else known["complaint_id"].tolist())
    about = {} if known is None else {r.complaint_id: r for r in known.itertuples()}

    def show(cid: str) -> str:
        if not cid:
            return t("in_new_complaint", lang)
        return intake.complaint_choice_label(about[cid])

    want = st.session_state.get("in_evidence", "")
    if st.session_state.pop("in_calls_pending", None) and want in ids:
        st.session_state["in_calls_cid"] = want
    cid = st.selectbox(t("in_calls_complaint", lang), ids, format_func=show,
                       key=follows_language("in_calls_cid", want if want in ids else ids[0]))
    log = st.file_uploader(t("in_calls_upload", lang), type=["csv", "xlsx", "txt"], key="in_calls_file",
                           help=t("in_calls_upload_help", lang))
    if log is not None and st.button(t("in_calls_import", lang), key="in_calls_import", icon=":material/upload:"):
        data = log.getvalue()
        reps = run_with_progress(
            t("imp_importing", lang),
            lambda progress: run_import([Path(log.name)], "call_log", db_path(), complaint_id=cid or None,
                                        file_bytes={log.name: data}, progress=progress,
                                        actor=who.actor(), action="intake"),
            "imp_refused", lang)
        if reps is not None:
            r = reps[0]
            st.session_state["in_evidence"] = cid or f"call_log:{sha256(data).hexdigest()[:12]}"
            st.session_state["in_calls_msg"] = t("in_calls_done", lang, n=r.accepted_count, q=r.quarantined_count,
                                                 u=r.unchanged_count)
            st.session_state["in_calls_report"] = (r.import_id, list(r.notes))
            st.session_state["in_calls_pending"] = True
            st.rerun()
    if st.session_state.get("in_calls_msg"):
        st.success(plain(st.session_state["in_calls_msg"]))
        if st.session_state.get("in_calls_report"):
            show_import_problems(*st.session_state["in_calls_report"])
    if cid:
        ev = run_query("query_complaint_evidence", None, cid)
        calls, jur_c = ev["calls"], ev["jurisdiction"] or "CN"
        if calls.empty:
            st.info(t("in_calls_none", lang))
        else:
            st.plotly_chart(make_call_timeline(calls, jur_c, lang), key="call_timeline",
                            config={"displaylogo": False})
            bad = intake.forbidden_calls(calls)
            rule_c = TIME_WINDOW_RULES.get(jur_c)
            st.markdown(f"**{t('in_forbidden_title', lang, n=len(bad), rule=rule_c.rule_id if rule_c else '')}**")
            if bad.empty:
                st.success(t("in_forbidden_none", lang))
            else:
                data_table(intake.calls_table(bad, lang))
            st.markdown(f"**{t('in_freq_title', lang, jur=codes.label('jurisdiction', jur_c, lang))}**")
            freq = intake.frequency_table(calls, jur_c, lang)
            if freq.empty:
                st.success(t("in_freq_none", lang))
            else:
                data_table(freq)
            st.caption(t("unreviewed", lang))
        st.markdown(f"**{t('in_timeline_title', lang)}**")
        data_table(intake.incidents_table(ev["incidents"], lang))

# ---- bulk entry -----------------------------------------------------------------------------
with tab_bulk:
    st.caption(t("in_bulk_intro", lang))
    c1, c2 = st.columns(2)
    c1.download_button(t("in_template_zh", lang), intake.template_csv("zh"), file_name="intake-log_template_zh.csv",
                       mime="text/csv", key="in_tpl_zh", on_click="ignore", icon=":material/download:")
    c2.download_button(t("in_template_en", lang), intake.template_csv("en"), file_name="intake-log_template_en.csv",
                       mime="text/csv", key="in_tpl_en", on_click="ignore", icon=":material/download:")
    guide = intake.template_guide(lang)
    guide.columns = [t("in_guide_zh", lang), t("in_guide_en", lang), t("in_guide_field", lang),
                     t("in_guide_example", lang)]
    data_table(guide)
    link_to("import", lang, t("in_to_import", lang))
