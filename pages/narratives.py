"""Narratives: search complaint narratives, read one with its evidence marked and its
labels (from every source) beside it; or work through the review queue (editors confirm,
reject or add labels: ui/review.py, analysis/reviews.py)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from analysis import codes  # noqa: E402
from analysis.i18n import t  # noqa: E402
from analysis.queries import search_terms, term_spans  # noqa: E402
from ui.highlight import highlight_html  # noqa: E402
from ui.text import plain  # noqa: E402
from ui import review  # noqa: E402
from ui.page import follows_language, page_choice, page_setup  # noqa: E402
from ui.tables import show_table  # noqa: E402
from ui.state import run_query  # noqa: E402

ctx = page_setup("page_narratives")
lang = ctx.lang
st.caption(t("unreviewed", lang) + ("" if lang == "zh" else " ") + t("r_cav_classifier", lang))

mode = page_choice(ctx, "mode", ["read", "review"], "read", t("rv_mode", lang),
                   format_func=lambda m: t(f"rv_mode_{m}", lang))
if st.session_state.get("narr_mode_prev", mode) != mode and "complaint" in st.query_params:
    del st.query_params["complaint"]  # the other mode lists other complaints: start at its first
st.session_state["narr_mode_prev"] = mode
if saved := st.session_state.pop("rv_saved", None):
    st.success(saved, icon=":material/task_alt:")
if mode != "review":
    review.release_claims(ctx)  # left the queue: the complaint this session had open is free
if mode == "review":
    ids = review.queue(ctx)
    review.export_button(ctx)
    if not ids and not st.query_params.get("complaint"):
        st.stop()
else:
    c1, c2 = st.columns([3, 1])
    search = c1.text_input(t("narr_search", lang), value=st.query_params.get("q", ""), key="q",
                           placeholder=t("narr_search_hint", lang), max_chars=200)
    rules = run_query("query_narrative_rule_ids")
    rule_param = st.query_params.get("rule")
    if rule_param and rule_param not in rules:
        st.error(t("bad_filter", lang, msg=plain(f"rule {rule_param!r}")))
        st.stop()
    rule = c2.selectbox(t("narr_rule", lang), [""] + rules, format_func=lambda v: v or t("f_all", lang),
                        key=follows_language("rule", rule_param or ""))
    for key, value in (("q", search.strip()), ("rule", rule)):
        if value:
            st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]

    found = run_query("query_narrative_search", ctx.flt, search.strip(), rule or None, 200)
    if found.empty:
        st.info(t("narr_none", lang))
        st.stop()
    total = int(found["match_count"].iloc[0])
    st.caption(t("narr_found", lang, n=f"{total:,}") if total <= len(found) else
               t("narr_found_more", lang, n=f"{total:,}"))
    table = found.assign(conducts=found["conduct_codes_narrative"].map(
        lambda cs: "; ".join(codes.label("conduct", c, lang) for c in cs)))
    show_table(table[["complaint_id", "received_date", "company_name", "jurisdiction", "conducts", "narrative_chars"]],
               lang, height=260)
    ids = found["complaint_id"].tolist()
chosen = st.query_params.get("complaint")
if mode == "read" and chosen and chosen not in ids and chosen == st.session_state.get("_narr_read"):
    chosen = None  # the one read before a new search that does not find it: read the first found
if chosen and chosen not in ids:  # a link to one complaint (shared, or from another page)
    try:
        run_query("query_complaint_detail", None, chosen)
        ids = [chosen] + ids
    except KeyError:
        if any(k.startswith((f"rv_{chosen}_", f"rv_note_{chosen}", f"rv_add_{chosen}")) for k in st.session_state):
            st.error(t("rv_gone", lang, id=plain(chosen)))  # a review was open on it: say it was not saved
        st.warning(t("narr_not_found" if mode == "read" else "narr_not_found_queue", lang, id=plain(chosen)))
if not ids:
    st.stop()
chosen = chosen if chosen in ids else ids[0]
pick_key = f"complaint_pick_{mode}" + (f"_{st.session_state.get(review.ORDER_KEY, '')}" if mode == "review" else "")
chosen = st.selectbox(t("narr_read", lang), ids, index=ids.index(chosen), key=pick_key)
st.query_params["complaint"] = chosen
st.session_state["_narr_read"] = chosen
detail = run_query("query_complaint_detail", None, chosen)
c = detail["complaint"]
labels: pd.DataFrame = detail["labels"]
suggested = labels[labels["label_source"] == "model"]
labels = labels[labels["label_source"] != "model"]
decided = review.decisions_in_force(chosen, lang)  # a reviewed label or incident says so below
rejected = codes.label("review_decision", "reject", lang)
spans = [(int(r.evidence_start), int(r.evidence_end), r.label_kind,
          f"{codes.label(r.label_kind, r.label_code, lang)} · {r.pattern_id or ''} {r.rule_id or ''}".strip())
         for r in labels.itertuples() if pd.notna(r.evidence_start) and pd.notna(r.evidence_end)
         and decided.get((r.label_kind, r.label_code)) != rejected]  # a rejected label's words are not marked
# The text, then its labels and incidents at full width: beside the text, the tables were
# cut to two or three columns in a 1400 px window.
st.markdown(f"**{plain(chosen)}** · {pd.Timestamp(c['received_date']):%Y-%m-%d} · "
            f"{plain(c.get('collector_name') or c.get('creditor_name'))}",
            help=t("narr_text_help", lang))
if mode != "review" and search.strip():  # the words searched for, marked too (where marks overlap, the first)
    spans += [(a, b, "search", t("narr_search_mark", lang, term=term))
              for a, b, term in term_spans(c["narrative"], search_terms(search.strip()))]
st.html(highlight_html(c["narrative"] or "", spans))
st.markdown(f"**{t('narr_labels', lang)}**")
shown = labels.assign(
    reviewed=[decided.get((k, v), "") for k, v in zip(labels["label_kind"], labels["label_code"])],
    label=[codes.label(k, v, lang) for k, v in zip(labels["label_kind"], labels["label_code"])],
    kind_label=[codes.label("label_kind", k, lang) for k in labels["label_kind"]],
    label_source_label=[codes.label("label_source", s, lang) for s in labels["label_source"]],
    rule_id=[r if isinstance(r, str) and r else (t("rule_none_specific", lang) if k == "conduct" else "")
             for r, k in zip(labels["rule_id"], labels["label_kind"])])
# the rule right after the label it supports
show_table(shown[["label", "rule_id", "label_source_label", "kind_label", "evidence"]
                 + (["reviewed"] if decided else [])], lang, widths={"rule_id": "small"})
if len(suggested):
    st.markdown(f"**{t('narr_suggested', lang)}**", help=t("narr_suggested_help", lang))
    show_table(suggested.assign(
        label=[codes.label("conduct", v, lang) for v in suggested["label_code"]],
        found_by_rules=[v in set(labels["label_code"]) for v in suggested["label_code"]],
        words=[str(e).removeprefix("words: ") for e in suggested["evidence"]],
        reviewed=[decided.get(("conduct", v), "") for v in suggested["label_code"]])
        .round({"score": 2})[["label", "score", "words", "found_by_rules"] + (["reviewed"] if decided else [])],
        lang)
st.markdown(f"**{t('narr_incidents', lang)}**")
inc = detail["incidents"]
show_table(inc.assign(method=[codes.label("method", m, lang) for m in inc["method_code"]],
                      recipient=[codes.label("recipient", m, lang) for m in inc["recipient_code"]],
                      precision=[codes.label("time_precision", m, lang) for m in inc["time_precision"]],
                      clock=[tl if isinstance(tl, str) else (f"{int(h):02d}:00" if pd.notna(h) else "")
                             for tl, h in zip(inc["occurred_time_local"], inc["occurred_hour"])],
                      time_source=[codes.label("time_source", m, lang) for m in inc["time_source"]],
                      time_rule_status=[codes.label("time_rule_status", m, lang) for m in inc["time_rule_status"]],
                      reviewed=[decided.get(("incident", i), "") for i in inc["incident_id"]])
           [["method", "clock", "time_rule_status", "recipient", "precision", "time_source"]
            + (["reviewed"] if decided else [])], lang)
review.history(chosen, lang)
if mode == "review":
    review.form(ctx, chosen, pd.concat([labels, suggested]), inc)
