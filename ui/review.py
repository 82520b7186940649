"""The Narratives page's review queue: progress, the queue in the chosen order, the review form
(editors) and the export of reviewed labels. The decisions and their effect on the counts are
``analysis.reviews``'; this module only draws them."""
from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from analysis import codes, reviews
from analysis.figures import pct_text
from analysis.i18n import t
from ui import auth
from ui.page import PageContext, follows_language, page_choice
from ui.state import database, run_query
from ui.tables import show_table
from ui.text import plain

QUEUE_LENGTH = 50
#: Session key of the last review saved (``form``): the same review sent again is not saved again.
SAVED_KEY = "_rv_last_saved"
#: Session key of the refusal to show when the form is drawn again after a conflicting save.
CONFLICT_KEY = "_rv_conflict"
#: Session key of the queue order last drawn (the complaint box is one widget per order).
ORDER_KEY = "rv_order_prev"


@st.cache_resource
def _claims() -> reviews.ReviewClaims:
    """The server's open review forms (every session's)."""
    return reviews.ReviewClaims()


def _db_key() -> str:
    return str(database()[1].resolve())


def _session() -> str:
    """This browser session's key for its review claims (one editor may have two tabs)."""
    if "_rv_session" not in st.session_state:
        import uuid
        st.session_state["_rv_session"] = uuid.uuid4().hex
    return st.session_state["_rv_session"]


def release_claims(ctx: PageContext) -> None:
    """The editor left the review queue in this session: the complaint it had open is free."""
    if ctx.who is not None and "_rv_session" in st.session_state:
        _claims().release(_db_key(), None, ctx.who.name, _session())


#: The queue's columns: the complaint, who else has it open (shown only while another editor does),
#: the counts the queue is ordered by, then the label lists (whole on hover).
QUEUE_COLUMNS = ("complaint_id", "open_by", "received_date", "company_name", "disagreements", "high_impact",
                 "company_complaints", "rules_conducts", "suggested_conducts")
#: Their widths (px): with the short headers of ``ui.tables.SCREEN_HEADERS`` they add up to
#: ``QUEUE_FITS`` without ``open_by``, the page's width in a 1280 px window (sidebar open), so
#: no column is off the right edge.
QUEUE_WIDTHS = {"complaint_id": 105, "open_by": 110, "received_date": 90, "company_name": 140, "disagreements": 95,
                "high_impact": 65, "company_complaints": 100, "rules_conducts": 105, "suggested_conducts": 105}
QUEUE_FITS = 810


def queue(ctx: PageContext) -> list[str]:
    """Draw progress, order choice and the queue; return the queued complaint ids (in order):
    the complaints another editor has open last (``reviews.ReviewClaims``), so two editors
    working through one queue start on different complaints."""
    lang = ctx.lang
    prog = run_query("analysis.reviews:query_review_progress", ctx.flt)
    share = prog["reviewed"] / prog["total"] if prog["total"] else 0.0
    st.progress(share, text=t("rv_progress", lang, n=f"{prog['reviewed']:,}", total=f"{prog['total']:,}",
                              pct=pct_text(100 * share)))  # "<0.1%", not "0.0%", for one review of many
    order = page_choice(ctx, "order", list(reviews.ORDERS), "uncertain", t("rv_order", lang),
                        format_func=lambda o: t(f"rv_order_{o}", lang))
    st.caption(t(f"rv_order_{order}_help", lang))
    if st.session_state.get(ORDER_KEY, order) != order:  # another order: start at its first complaint
        st.query_params.pop("complaint", None)
    st.session_state[ORDER_KEY] = order
    found = run_query("analysis.reviews:query_review_queue", ctx.flt, order, QUEUE_LENGTH)
    if found.empty:
        st.success(t("rv_queue_empty", lang))
        return []

    def names(kind, values):
        return "; ".join(codes.label(kind, v, lang) for v in values)

    held = (_claims().held_by_others(_db_key(), ctx.who.name, time.monotonic())
            if ctx.who is not None and auth.can(ctx.who, "review") else {})
    found = found.assign(open_by=[held.get(c, "") for c in found["complaint_id"]])
    found = pd.concat([found[found["open_by"] == ""], found[found["open_by"] != ""]], ignore_index=True)
    if n_reopened := int(found["reopened"].sum()):
        st.caption(t("rv_reopened", lang, n=f"{n_reopened:,}"))
    show_table(found.assign(
        rules_conducts=[names("conduct", v) for v in found["conduct_codes_narrative"]],
        suggested_conducts=[names("conduct", v) for v in found["suggested"]])
        [[c for c in QUEUE_COLUMNS if held or c != "open_by"]], lang, height=240, widths=QUEUE_WIDTHS)
    return found["complaint_id"].tolist()


def export_button(ctx: PageContext) -> None:
    """Download the reviewed complaints of the filter as a labelled set (labelled_dev.csv format)."""
    lang = ctx.lang
    data = run_query("analysis.reviews:labelled_set", ctx.flt)
    st.download_button(t("rv_export", lang, n=f"{len(data):,}"), reviews.labelled_set_csv(data),
                       file_name="collection-watch_reviewed-labels.csv", mime="text/csv",
                       disabled=data.empty, icon=":material/download:", help=t("rv_export_help", lang))


def decisions_in_force(complaint_id: str, lang: str) -> dict[tuple[str, str], str]:
    """``{(label_kind, label_code or incident id): decision in words}`` of the reviews in force
    on the complaint, for the reader's tables (a rejected label or incident says so there)."""
    rows = run_query("analysis.reviews:query_complaint_reviews", None, complaint_id)
    return {(r.label_kind, r.label_code): codes.label("review_decision", r.decision, lang)
            for r in rows[rows["is_current"].astype(bool)].itertuples()} if len(rows) else {}


def _reviewed_text(kind: str, code: str, method, recipient, lang: str) -> str:
    """What a review row is about, in words: a label's name, or an incident's method and recipient."""
    if kind == "incident":
        parts = [codes.label("method", method, lang) if isinstance(method, str) else "",
                 codes.label("recipient", recipient, lang) if isinstance(recipient, str) else ""]
        return " · ".join(x for x in parts if x) or str(code)
    if kind == "complaint":
        return t("rv_whole_reviewed", lang)
    return codes.label(kind, code, lang) if kind in codes.CODE_LISTS and codes.is_code(kind, code) else str(code)


def history(complaint_id: str, lang: str) -> None:
    """Every review decision on the complaint (who, when), newest first, in words."""
    rows = run_query("analysis.reviews:query_complaint_reviews", None, complaint_id)
    if rows.empty:
        return
    # the decisions as each save counted them; the "reviewed as a whole" row of each save apart
    whole = rows["label_kind"] == "complaint"  # (a reopen by an import or removal is listed, not counted)
    saves = whole & (rows["decision"] == "confirm")
    with st.expander(t("rv_history", lang, n=int((~whole).sum()), saves=int(saves.sum()))):
        show_table(rows.assign(
            label_kind_label=[codes.label("label_kind", k, lang) if k in codes.codes("label_kind")
                              else t("narr_incidents", lang) if k == "incident"
                              else t("rv_whole_complaint", lang) if k == "complaint" else k for k in rows["label_kind"]],
            label_code=[t("rv_reopen_row", lang) if d == reviews.REOPEN else _reviewed_text(k, c, m, r, lang)
                        for k, c, m, r, d in zip(rows["label_kind"], rows["label_code"], rows["method_code"],
                                                 rows["recipient_code"], rows["decision"])],
            decision_label=[codes.label("review_decision", d, lang) for d in rows["decision"]])
            [["label_kind_label", "label_code", "decision_label", "reviewed_by", "reviewed_at", "note", "is_current"]],
            lang)


def _incident_text(r, lang: str) -> str:
    when = (r.occurred_time_local if isinstance(r.occurred_time_local, str)
            else f"{int(r.occurred_hour):02d}:00" if pd.notna(r.occurred_hour) and r.time_precision == "exact"
            else codes.label("daypart", r.daypart_code, lang) if isinstance(r.daypart_code, str)
            else codes.label("time_precision", r.time_precision, lang))
    return " · ".join([codes.label("method", r.method_code, lang),
                       codes.label("recipient", r.recipient_code, lang) if isinstance(r.recipient_code, str) else "—",
                       when, codes.label("time_source", r.time_source, lang)])


def form(ctx: PageContext, complaint_id: str, labels: pd.DataFrame, incidents: pd.DataFrame) -> None:
    """The review form of one complaint: a decision on every label (rules, structured fields and
    model suggestions alike) and on every narrative incident, labels to add, a contact to add,
    a note. Editors only; saving is audited and moves on to the next complaint."""
    lang = ctx.lang
    if not auth.can(ctx.who, "review"):
        st.caption(t("rv_editors_only", lang))
        return
    # Two editors on one complaint: the save is checked against the reviews as they were when
    # this form was last drawn (the run that handles a click draws it again with the latest)
    seen_key = f"rv_seen_{complaint_id}"
    seen = st.session_state.get(seen_key)
    state_now = run_query("analysis.reviews:review_state", None, complaint_id)
    if conflict := st.session_state.pop(CONFLICT_KEY, None):
        st.error(conflict)
    if other := _claims().claim(_db_key(), complaint_id, ctx.who.name, time.monotonic(), _session()):
        st.warning(t("rv_open_elsewhere", lang, who=plain(other[0]), minutes=max(1, round(other[1] / 60))),
                   icon=":material/group:")

    @st.fragment(run_every=reviews.CLAIM_REFRESH_SECONDS)
    def keep_claim():  # a long review keeps its complaint out of the others' way while the form is open
        _claims().claim(_db_key(), complaint_id, ctx.who.name, time.monotonic(), _session())
    keep_claim()
    current = run_query("analysis.reviews:query_complaint_reviews", None, complaint_id)
    current = current[current["is_current"]]
    decided = {(k, c): d for k, c, d in zip(current["label_kind"], current["label_code"], current["decision"])}
    shown = labels[labels["label_kind"].isin(["conduct", "debt_issue"])]
    keys = list(dict.fromkeys(zip(shown["label_kind"], shown["label_code"])))
    keys += [k for k, d in decided.items() if k[0] in ("conduct", "debt_issue") and d != "reject" and k not in keys]
    options = ["confirm", "reject"]
    with st.form(f"review_{complaint_id}", border=True):
        st.markdown(f"**{t('rv_form', lang)}**", help=t("rv_form_help", lang))
        choices = {}
        cols = st.columns(2)
        for n, (kind, code) in enumerate(keys):
            src = shown[(shown["label_kind"] == kind) & (shown["label_code"] == code)]["label_source"]
            sources = ", ".join(codes.label("label_source", s, lang) for s in dict.fromkeys(src)) or \
                codes.label("label_source", "review", lang)
            prior = decided.get((kind, code))
            choices[(kind, code)] = cols[n % 2].radio(
                f"{codes.label(kind, code, lang)} ({sources})", options, horizontal=True,
                index=None if prior is None else (1 if prior == "reject" else 0),
                format_func=lambda d: codes.label("review_decision", d, lang), key=f"rv_{complaint_id}_{kind}_{code}")
        have = {c for k, c in keys if k == "conduct"}
        add = st.multiselect(t("rv_add_conducts", lang), [c for c in codes.codes("conduct") if c not in have],
                             format_func=lambda c: codes.label("conduct", c, lang), key=follows_language(f"rv_add_{complaint_id}"),
                             placeholder=t("rv_add_placeholder", lang), select_all=False)  # one click must not add all
        inc_choices = {}
        own = incidents[incidents["time_source"].isin(["narrative", "review"])]
        cols = st.columns(2)
        for n, r in enumerate(own.itertuples()):
            prior = decided.get(("incident", r.incident_id))
            inc_choices[r.incident_id] = cols[n % 2].radio(
                _incident_text(r, lang), options, horizontal=True,
                index=None if prior is None else (1 if prior == "reject" else 0),
                format_func=lambda d: codes.label("review_decision", d, lang), key=f"rv_{complaint_id}_{r.incident_id}")
        st.markdown(t("rv_add_contact", lang))
        c1, c2, c3, c4 = st.columns(4)
        method = c1.selectbox(t("f_method", lang), [""] + codes.codes("method"), key=follows_language(f"rv_m_{complaint_id}"),
                              format_func=lambda m: codes.label("method", m, lang) if m else "—")
        recipient = c2.selectbox(t("rv_recipient", lang), [""] + codes.codes("recipient"), key=follows_language(f"rv_r_{complaint_id}"),
                                 format_func=lambda m: codes.label("recipient", m, lang) if m else "—")
        clock = c3.text_input(t("rv_time", lang), key=f"rv_t_{complaint_id}", placeholder="23:15", max_chars=5)
        daypart = c4.selectbox(t("rv_daypart", lang), [""] + codes.codes("daypart"), key=follows_language(f"rv_d_{complaint_id}"),
                               format_func=lambda m: codes.label("daypart", m, lang) if m else "—")
        note = st.text_area(t("rv_note", lang), key=f"rv_note_{complaint_id}", max_chars=reviews.MAX_NOTE, height=68)
        submitted = st.form_submit_button(t("rv_save", lang), type="primary", icon=":material/task_alt:")
    if not submitted:
        st.session_state[seen_key] = state_now
        return
    undecided = [k for k, v in {**choices, **inc_choices}.items() if v is None]
    if undecided:
        st.error(t("rv_undecided", lang, n=len(undecided)))
        return
    decisions = [reviews.Decision(k, c, v) for (k, c), v in choices.items()]
    decisions += [reviews.Decision("conduct", c, "add") for c in add]
    decisions += [reviews.Decision("incident", i, v) for i, v in inc_choices.items()]
    new = []
    if clock.strip() and not reviews.is_clock_time(clock.strip()):
        st.error(t("rv_bad_time", lang, time=plain(clock.strip())))
        return
    if clock.strip() and daypart:  # a clock time would win and the part of day be dropped unsaid
        st.error(t("rv_time_or_daypart", lang))
        return
    if method:
        new.append(reviews.NewIncident(method, recipient or None, clock.strip() or None, daypart or None))
    elif clock.strip() or recipient or daypart:
        st.error(t("rv_contact_needs_method", lang))
        return
    who = auth.check("review", lang)
    review = reviews.Review(complaint_id, decisions, new, note.strip() or None,
                            seen=seen if seen is not None else state_now)
    # a second click on Save (the form sent again before the page moved on) saves nothing twice:
    # the same review of the same complaint is written once per session
    if st.session_state.get(SAVED_KEY) == review:
        return
    st.session_state[SAVED_KEY] = review
    try:
        counts = reviews.save_review(database()[1], review, who.actor())
    except reviews.ReviewConflict as err:
        st.session_state.pop(SAVED_KEY, None)
        st.session_state[seen_key] = state_now
        # the form is drawn again from the decisions in force (the choices made on the old form
        # are dropped, the note kept), and says why
        for k in [k for k in st.session_state if k.startswith((f"rv_{complaint_id}_", f"rv_add_{complaint_id}"))]:
            del st.session_state[k]
        st.session_state[CONFLICT_KEY] = t("rv_conflict", lang, who=plain(err.by), when=f"{err.at:%Y-%m-%d %H:%M}")
        st.rerun()
    except reviews.ReviewError as err:
        st.session_state.pop(SAVED_KEY, None)
        st.error(t("rv_failed", lang, msg=plain(str(err))))
        return
    st.session_state.pop(seen_key, None)
    _claims().release(_db_key(), complaint_id, ctx.who.name, _session())
    st.session_state["rv_saved"] = t("rv_saved", lang, id=plain(complaint_id), confirm=counts["confirm"],
                                     reject=counts["reject"], add=counts["add"])
    if st.query_params.get("complaint") == complaint_id:
        del st.query_params["complaint"]  # on to the next in the queue
    for k in [k for k in st.session_state if k.startswith("complaint_pick_review")]:
        del st.session_state[k]
    st.rerun()
