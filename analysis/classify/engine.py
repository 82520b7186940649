"""Narrative classifier engine: text → methods, recipients, conducts, debt issues, times,
evidence, rule verdicts and incidents. Internal; the public API is in ``__init__.py``.

``classify_one`` runs four passes, each a function of its own:

0-2. ``mentions.read``, ``mentions.find_all``, ``mentions.judge_all`` (``mentions.py``): read the
   text, find every pattern's mentions, judge who acted and whether it happened (negation,
   irrealis, the consumer's own act, quoted law, requests).
3. ``_resolve``: codes and rule verdicts from the active mentions, in steps: methods and
   recipients, conduct patterns, stated counts (``analysis.rules.stated_count_verdicts``),
   conducts derived from a recipient or method, third-party disclosure, contact times against the
   jurisdiction's window (``analysis.rules.classify_contact_time``), a fallback method, debt
   issues. Rule ids come from the pattern (``rules``) or the crosswalk (``patterns/crosswalk.toml``).
4. ``_incidents``: one contact per method mention, recipient of its sentence and contact time.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.classify.mentions import (Doc, Mention, Mentions, find, find_all,
                                        judge, judge_all, read, other_speaker, stated_act)
from analysis.classify.patterns import Pattern, load_crosswalk
from analysis.classify.times import DAYPART_RANGES, zh_number
from analysis.codes import codes as code_list
from analysis import rules as R
from analysis.rules import TIME_WINDOW_RULES, classify_contact_time

_VERDICT_RANK = {"violation": 5, "likely": 4, "boundary": 3, "possible": 2, "needs_review": 1,
                 "none": 0}
_LABELLING = ("violation", "likely")
_THIRD_PARTY = {"family", "emergency_contact", "contact_list", "employer_or_coworker",
                "neighbor_or_friend", "public", "spouse"}
_ORDER = {k: {c: i for i, c in enumerate(code_list(k))}
          for k in ("method", "recipient", "conduct", "debt_issue")}




@dataclass(frozen=True)
class TimeMention:
    """A clock time or daypart in the narrative. ``hour``/``minute``/``time_local`` are local
    wall-clock values, set only when ``precision == 'exact'``; ``candidates`` holds the a.m./p.m.
    readings ('HH:MM') of an ambiguous time. ``is_contact``: the time is of a collector contact
    (not negated, not the collector's zone, not a window the consumer declared, not a deadline).
    """

    start: int
    end: int
    text: str
    time_local: str | None
    hour: int | None
    minute: int | None
    precision: str
    daypart_code: str | None
    flags: tuple[str, ...]
    pattern_id: str
    candidates: tuple[str, ...] = ()
    is_contact: bool = False


@dataclass(frozen=True)
class Evidence:
    """A matched span: ``text == narrative[start:end]``. ``flags`` non-empty (e.g. 'negated',
    'irrealis', 'by_consumer') means the mention was seen but produced no label."""

    label_kind: str
    code: str
    start: int
    end: int
    text: str
    pattern_id: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleVerdict:
    """Verdict of one RULEBOOK rule: violation | boundary | likely | possible | needs_review | none.
    Shown in the UI as "against published rules (unreviewed)"."""

    rule_id: str
    conduct_code: str | None
    verdict: str


@dataclass(frozen=True)
class IncidentGuess:
    """One contact the narrative describes (stored as a collection incident by
    ``analysis.narratives`` only under ``NarrativeResult.about_collection`` or a collection
    complaint). ``time_precision``: exact | daypart | unknown (an
    ambiguous a.m./p.m. time is 'unknown' and has no hour)."""

    method_code: str
    recipient_code: str
    time_local: str | None
    hour: int | None
    time_precision: str
    daypart_code: str | None
    is_outside_permitted_hours: bool | None


@dataclass(frozen=True)
class NarrativeResult:
    """Everything the classifier found in one narrative (codes sorted in code-list order)."""

    language: str
    jurisdiction: str
    methods: tuple[str, ...]
    recipients: tuple[str, ...]
    conducts: tuple[str, ...]
    debt_issues: tuple[str, ...]
    times: tuple[TimeMention, ...]
    evidence: tuple[Evidence, ...]
    rule_verdicts: tuple[RuleVerdict, ...]
    incidents: tuple[IncidentGuess, ...]
    #: the narrative is about collecting a debt: a conduct or debt issue was found, or a word of
    #: the pack's ``collection_context`` lexicon occurs (``analysis.narratives`` stores the
    #: incidents of other narratives only for complaints that are collection complaints by their
    #: fields)
    about_collection: bool = True




#: Conducts that follow from a recipient or method code alone: (conduct, verdict) pairs.
#: A workplace visit is also an improper visit (US-PLACE-01 place cues; CN-3P-04 office
#: visits need consent; UK-VISIT-01).
_DERIVED = {
    "employer_or_coworker": (("EMPLOYER_CONTACT", "violation"),),
    "contact_list": (("CONTACT_LIST_BLAST", "violation"),),
    "visit_work": (("EMPLOYER_CONTACT", "violation"), ("VISIT_IMPROPER", "likely")),
    "social_media_public": (("PUBLIC_SHAMING", "violation"),),
}
_VISIT_AGGRAVATING = frozenset({"THREAT_VIOLENCE", "THREAT_ARREST_OR_CRIME", "MISLEADING_CONSEQUENCES",
                                "IMPERSONATION_OFFICIAL", "IMPERSONATION_ATTORNEY", "ABUSIVE_LANGUAGE",
                                "DETENTION", "PUBLIC_SHAMING"})


_CONTEXT_CHARS, _CONTEXT_MINUTES = 120, 90
_RANGE_JOIN = re.compile(r"\s*(?:to|until|till|til|through|-|–|and)\s*")


def _open_quote(text: str, start: int, end: int) -> bool:
    """A quotation opened in text[start:end] is still open at ``end``."""
    seg = text[start:end]
    return (seg.count('"') % 2 == 1) or seg.count("\u201c") > seg.count("\u201d")


def _resolve_from_context(times_raw: list, doc: Doc) -> None:
    """A bare time shortly after an exact one takes the a.m./p.m. reading nearest to it ("a text
    at 5:30am. Then another at 5:45" -> 05:45; flag ampm_from_context): only when the exact time
    is at most 120 characters before, one reading is within 90 minutes of it, and no other day
    is named between them (the pack's ``day_change``, looked for from the clause after the
    exact time's own: "前天晚上十点整…昨天十点半" stays ambiguous, "at 10 pm on Monday and again
    at 10:30" is 22:30)."""
    last: tuple[int, int] | None = None  # (end, minute of day) of the last exact time
    for rt, pk in sorted(times_raw, key=lambda x: x[0].start):
        day = pk.ctx.get("day_change")
        if rt.candidates and rt.bound is None and last is not None \
                and rt.start - last[0] <= _CONTEXT_CHARS \
                and not (day is not None and day.search(doc.text_for(pk), doc.clause_end(last[0]), rt.start)):
            best = min(rt.candidates, key=lambda c: abs(c - last[1]))
            if abs(best - last[1]) <= _CONTEXT_MINUTES:
                rt.minute_of_day, rt.candidates = best, ()
                rt.flags.discard("ampm_ambiguous")
                rt.flags.add("ampm_from_context")
        if rt.minute_of_day is not None:
            last = (rt.end, rt.minute_of_day)


@lru_cache(maxsize=8)
def _outside_table(jur: str) -> tuple[str, ...]:
    """Status of every minute of the day (outside / boundary / inside) for a jurisdiction."""
    return tuple(classify_contact_time(jur, t // 60, t % 60)[0] for t in range(1440))


def _range_status(jur: str, start: int, end: int) -> str:
    """'all' outside, 'some' outside, or 'none' for minutes [start, end) (wrapping)."""
    tab = _outside_table(jur)
    mins = range(start, end) if start < end else list(range(start, 1440)) + list(range(0, end))
    st = {tab[t] for t in mins}
    if st <= {"outside"}:
        return "all"
    if "outside" in st or "boundary" in st:
        return "some"
    return "none"


def _hhmm(t: int) -> str:
    return f"{t // 60:02d}:{t % 60:02d}"


def _count_value(m: Mention) -> int | None:
    tok = (m.groups.get("n") or "").strip()
    if not tok:
        return None
    if m.pack.lang == "en":
        tok = tok.lower()
        return int(tok) if tok.isdigit() else m.pack.numbers.get(tok)
    special = {"上百": 100, "上千": 1000, "几百": 200, "几十": 20, "十几": 11, "几": 3, "百": 100}
    if tok in special:
        return special[tok]
    return zh_number(tok)



class _Labels:
    """What pass 3 decides for one text: ``evidence`` (every span, with flags when it gave no
    label), ``verdicts`` ({(rule_id, conduct): verdict}, the strongest kept), ``conducts`` and the
    evidence of each (``conduct_ev``)."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.crosswalk = load_crosswalk().get(doc.jur, {})
        self.evidence: list[Evidence] = []
        self.verdicts: dict[tuple[str, str | None], str] = {}
        self.conducts: set[str] = set()
        self.conduct_ev: dict[str, list[Evidence]] = {}

    def ev(self, kind, code, s, e, pid, flags=()) -> Evidence:
        e_ = Evidence(kind, code, s, e, self.doc.text[s:e], pid, tuple(flags))
        self.evidence.append(e_)
        return e_

    def add_verdict(self, rule, conduct, verdict) -> None:
        key = (rule, conduct)
        if _VERDICT_RANK[verdict] >= _VERDICT_RANK.get(self.verdicts.get(key, "none"), 0):
            self.verdicts[key] = verdict

    def add_conduct(self, code, verdict, rules, s, e, pid, label=True, reported=False) -> None:
        """Set ``verdict`` on each rule of ``rules`` and label ``code`` when the verdict labels
        (violation, likely, possible). ``reported``: a pattern with verdict needs_review and a
        label (en.freq.daily) labels the reported conduct while its rules stay needs_review."""
        for r in rules:
            self.add_verdict(r, code, verdict)
        if label and (verdict in _LABELLING or verdict == "possible" or reported):
            self.conducts.add(code)
            self.conduct_ev.setdefault(code, []).append(self.ev("conduct", code, s, e, pid))

    def rules_for(self, p: Pattern | None, code: str) -> tuple[str, ...]:
        """The pattern's own rules for the jurisdiction, else the crosswalk's for ``code``."""
        if p is not None and self.doc.jur in p.rules:
            return p.rules[self.doc.jur]
        return self.crosswalk.get(code, ())

    def extra(self, p: Pattern, code) -> None:
        """The pattern's ``extra_rules`` of the jurisdiction ("RULE-ID:verdict")."""
        for x in p.extra_rules:
            rid, _, v = x.partition(":")
            if rid.split("-")[0] == self.doc.jur:
                self.add_verdict(rid, code, v or "possible")


@dataclass
class _Resolved:
    """Pass 3's working state beyond the labels: the active methods and recipients, the
    sentences with a method, the third-party recipient codes of the jurisdiction, the time
    mentions and the fallback methods."""

    active_meth: list[Mention]
    active_recs: list[Mention]
    method_sents: set[int]
    third_party: set[str]
    times: list[TimeMention] = field(default_factory=list)
    fallback: list[tuple[str, int, int, str]] = field(default_factory=list)
    debt_codes: set[str] = field(default_factory=set)


def classify_one(text: str, lang: str | None, jurisdiction: str | None) -> NarrativeResult:
    """Classify one narrative; see :func:`analysis.classify.classify_narrative`."""
    doc = read(text, lang, jurisdiction)
    found = judge_all(doc, find_all(doc))
    labels = _Labels(doc)
    res = _resolve(doc, found, labels)
    incidents = _incidents(doc, res)
    return _result(doc, labels, res, incidents)


# --- pass 3 -----------------------------------------------------------------------------------

def _resolve(doc: Doc, found: Mentions, L: _Labels) -> _Resolved:
    """Pass 3: codes, verdicts and evidence from the judged mentions (see the module doc)."""
    res = _methods_and_recipients(doc, found, L)
    _conduct_patterns(found, L)
    _stated_counts(doc, found, L)
    _derived_conducts(doc, found, res, L)
    _cease_after_request(doc, res, L)
    _times(doc, found, res, L)
    _method_fallback(doc, found, res, L)
    for d in found["debt_issue"]:
        if d.active:
            res.debt_codes.add(d.p.codes[0])
            L.ev("debt_issue", d.p.codes[0], d.start, d.end, d.p.id)
            L.extra(d.p, None)
    return res


def _outermost(mentions: list[Mention]) -> list[Mention]:
    """``mentions`` (in their order) but those inside a longer one ("calls" inside "robocalls");
    mentions of the same span all stay. One sort and a sweep: by start, longer first, a mention is
    inside a longer one exactly when an earlier one of another span ends at or after its end."""
    inside: set[int] = set()
    max_end, i = -1, 0
    order = sorted(mentions, key=lambda m: (m.start, -m.end))
    while i < len(order):
        j = i
        while j < len(order) and (order[j].start, order[j].end) == (order[i].start, order[i].end):
            j += 1
        if max_end >= order[i].end:
            inside.update(id(m) for m in order[i:j])
        max_end = max(max_end, order[i].end)
        i = j
    return [m for m in mentions if id(m) not in inside]


def _methods_and_recipients(doc: Doc, found: Mentions, L: _Labels) -> _Resolved:
    """Active methods (a weak one only when no other; a longer span wins over a shorter one
    inside it: robocalls vs calls) and recipients; evidence of the inactive ones."""
    meth, recs = found["method"], found["recipient"]
    active_meth = [m for m in meth if m.active and not m.p.weak]
    if not active_meth:
        active_meth = [m for m in meth if m.active and m.p.weak]
    active_meth = _outermost(active_meth)
    for m in meth:
        if not m.active:
            L.ev("method", m.p.codes[0], m.start, m.end, m.p.id, m.flags)
    active_recs = [r for r in recs if r.active]
    for r in recs:
        if not r.active:
            L.ev("recipient", r.p.codes[0], r.start, r.end, r.p.id, r.flags)
    third_party = {"spouse"} if doc.jur != "US" else set()
    third_party |= _THIRD_PARTY - {"spouse"}
    return _Resolved(active_meth, active_recs, {doc.sent(m.start) for m in active_meth}, third_party)


def _conduct_patterns(found: Mentions, L: _Labels) -> None:
    for c in found["conduct"]:
        if not c.active:
            for code in c.codes:
                L.ev("conduct", code, c.start, c.end, c.p.id, c.flags)
            continue
        for code in c.codes:
            L.add_conduct(code, c.p.verdict, L.rules_for(c.p, code), c.start, c.end, c.p.id,
                          label=c.p.label, reported=c.p.verdict == "needs_review")
            L.extra(c.p, code)
            if not c.p.label:
                L.ev("conduct", code, c.start, c.end, c.p.id, ("verdict_only",))


#: words in a stated call count that place the calls in one day ("10 times today")
_SINGLE_DAY = ("today", "single day", "one day", "same day", "that day")


def _stated_counts(doc: Doc, found: Mentions, L: _Labels) -> None:
    """Counts the narrative states ("called 12 times a day", 一天打了二十多个电话) against the
    frequency rules: ``analysis.rules.stated_count_verdicts``."""
    for c in found["count"]:
        n = _count_value(c)
        if n is None or not c.active:
            continue
        kind = c.p.count_kind
        s_txt = doc.scan[c.start:c.end].lower()
        code = "FREQ_EXCESSIVE_CALLS" if kind == "calls" else "FREQ_EXCESSIVE_MESSAGES"
        for rule, v in R.stated_count_verdicts(
                doc.jur, kind, n, connected=bool(c.groups.get("connected")), per=c.p.per,
                single_day=any(w in s_txt for w in _SINGLE_DAY)):
            L.add_conduct(code, v, (rule,) if rule else (), c.start, c.end, c.p.id)


def _reached_at(doc: Doc, r: Mention) -> bool:
    """The recipient names where the consumer was reached ("called me at my place of employment",
    "a call at my job"; lexicon ``reached_at_before``), not a third party who was told: it still
    makes EMPLOYER_CONTACT, but no THIRD_PARTY_DISCLOSURE."""
    rb = r.pack.lex.get("reached_at_before")
    return rb is not None and rb.search(doc.text_for(r.pack), max(0, r.start - 40), r.start) is not None


def _derived_conducts(doc: Doc, found: Mentions, res: _Resolved, L: _Labels) -> None:
    """Conducts that follow from a recipient or method (``_DERIVED``), an aggravated home visit,
    and third-party disclosure: a disclosure phrase in a sentence with a third-party recipient or
    a public post (the ``disclosure`` patterns are found only then)."""
    jur = doc.jur
    for m in res.active_recs + res.active_meth:
        for code, verdict in _DERIVED.get(m.p.codes[0], ()):
            L.add_conduct(code, verdict, L.rules_for(None, code), m.start, m.end, m.p.id)
        # a home visit with threats, abuse, impersonation, detention or shaming is improper too
        if m.p.codes[0] == "visit_home" and L.conducts & _VISIT_AGGRAVATING:
            L.add_conduct("VISIT_IMPROPER", "likely", L.rules_for(None, "VISIT_IMPROPER"),
                          m.start, m.end, m.p.id)
    cond = found["conduct"]
    public_sents = {doc.sent(m.start) for m in res.active_meth
                    if m.p.codes[0] == "social_media_public"}
    public_sents |= {doc.sent(c.start) for c in cond if c.active and
                     "PUBLIC_SHAMING" in c.codes}
    if "CONTACT_LIST_BLAST" in L.conducts or not (public_sents or any(
            r.p.codes[0] in res.third_party for r in res.active_recs)):
        return
    tp_sents = {doc.sent(r.start): r for r in res.active_recs
                if r.p.codes[0] in res.third_party and not _reached_at(doc, r)}
    for d in judge(doc, find(doc, "disclosure")):
        if not d.active:
            continue
        si = doc.sent(d.start)
        nxt = d.pack.lex.get("disclosure_next")
        prev = next((j for j in (si - 1, si - 2) if j in tp_sents), None)
        if si not in tp_sents and prev is not None and nxt is not None and nxt.search(
                doc.text_for(d.pack), doc.sent_starts[si], doc.sent_end(d.start)):
            si = prev  # "They call my references. ... They disclose my personal information."
        if si not in tp_sents and si not in public_sents and si - 1 in public_sents and (
                _open_quote(doc.text_for(d.pack), doc.sent_starts[si - 1], d.start)):
            si -= 1  # the caption of the post goes on: '... with the caption "Who knows her? She owes money'
        if si in tp_sents or si in public_sents:
            anchor = tp_sents.get(si)
            L.add_conduct("THIRD_PARTY_DISCLOSURE", "violation",
                          L.rules_for(None, "THIRD_PARTY_DISCLOSURE"), d.start, d.end, d.p.id)
            if anchor is not None:
                L.conduct_ev["THIRD_PARTY_DISCLOSURE"].append(
                    L.ev("conduct", "THIRD_PARTY_DISCLOSURE", anchor.start, anchor.end,
                         anchor.p.id))
            if jur == "CN" and any(c.p.id == "zh.3p.reachable" and c.active for c in cond):
                L.add_verdict("CN-3P-02", "THIRD_PARTY_DISCLOSURE", "violation")
            break


#: How many sentences after a stop request a continued contact still counts (_cease_after_request).
CEASE_SPAN_SENTENCES = 4
# stop_request (en.toml) allows 60 characters between the verb and the words; plus their length
_STOP_VERB_REACH = 80


def _cease_after_request(doc: Doc, res: _Resolved, L: _Labels) -> None:
    """CEASE_IGNORED across sentences (``stop_request`` / ``contact_continues`` in a pack's
    ``[actor]``, patterns/en.toml): a stop request that is neither negated nor hypothetical, then
    a collector's contact (an active method mention after it, at most ``CEASE_SPAN_SENTENCES``
    sentences on) whose sentence says the contact went on. Evidence: the request and the
    contact. Rules: the crosswalk's for CEASE_IGNORED, verdict likely."""
    if "CEASE_IGNORED" in L.conducts or not res.active_meth:
        return
    for pk in doc.packs:
        stop, cont = pk.lex.get("stop_request"), pk.lex.get("contact_continues")
        anchor = pk.lex.get("stop_request_anchor")
        if stop is None or cont is None or anchor is None:
            continue
        scan = doc.text_for(pk)
        meths = sorted(res.active_meth, key=lambda x: x.start)
        starts = [m.start for m in meths]
        seen = -1
        for am in anchor.finditer(scan):
            # the request's verb stands at most 60 characters before its words, in the sentence
            lo = max(doc.sent_starts[doc.sent(am.start())], am.start() - _STOP_VERB_REACH, seen + 1)
            sm = stop.search(scan, lo, min(len(scan), am.end() + _STOP_VERB_REACH))
            if sm is None or sm.start() <= seen:
                continue
            seen = sm.start()
            if not stated_act(doc, pk, sm.start()):
                continue
            si = doc.sent(sm.start())
            for m in meths[bisect.bisect_left(starts, sm.end()):]:
                mi = doc.sent(m.start)
                if mi - si > CEASE_SPAN_SENTENCES:
                    break
                if cont.search(scan, doc.sent_starts[mi], doc.sent_end(m.start)):
                    L.add_conduct("CEASE_IGNORED", "likely", L.rules_for(None, "CEASE_IGNORED"),
                                  sm.start(), sm.end(), f"{pk.lang}.cease_ignored.after_request")
                    L.conduct_ev["CEASE_IGNORED"].append(
                        L.ev("conduct", "CEASE_IGNORED", m.start, m.end, m.p.id))
                    return


def _times(doc: Doc, found: Mentions, res: _Resolved, L: _Labels) -> None:
    """Time mentions: whether each is a collector contact (in a sentence with a method, or a
    continuation of one, and not negated, another zone, a declared window or a deadline) and its
    status against the jurisdiction's window (TIME_INCONVENIENT; US-TIME-02 inside a window the
    consumer declared)."""
    jur, text = doc.jur, doc.text
    rule = TIME_WINDOW_RULES[jur]
    declared = _declared_windows(doc.low, found.times)
    _resolve_from_context(found.times, doc)
    method_sents = res.method_sents
    for rt, pk in found.times:
        flags = set(rt.flags)
        si = doc.sent(rt.start)
        cont = pk.ctx.get("continuation")
        contact = ((si in method_sents or (
            (si - 1 in method_sents or si - 2 in method_sents) and cont is not None and cont.search(
                doc.text_for(pk), doc.sent_starts[si], doc.sent_end(rt.start)) is not None))
            and not flags & {"negated", "tz_shift", "declared_window", "deadline"})
        precision, tl, h, mi, cands, status = _time_status(jur, rt, flags)
        tm = TimeMention(rt.start, rt.end, text[rt.start:rt.end], tl, h, mi, precision,
                         rt.daypart, tuple(sorted(flags)), rt.pattern_id, cands, contact)
        res.times.append(tm)
        code = tl or ("/".join(cands) if cands else (rt.daypart or "time"))
        L.ev("time", code, rt.start, rt.end, rt.pattern_id, () if contact else ("not_contact",))
        if contact and status:
            L.add_conduct("TIME_INCONVENIENT", status, (rule.rule_id,), rt.start, rt.end,
                          rt.pattern_id, label=status in _LABELLING)
            if precision == "exact" and declared and jur == "US":
                if any(a <= rt.minute_of_day < b for a, b in declared):
                    L.add_conduct("TIME_INCONVENIENT", "violation", ("US-TIME-02",), rt.start,
                                  rt.end, rt.pattern_id)


def _declared_windows(low: str, times_raw: list) -> list[tuple[int, int]]:
    """The windows, in minutes of the day ``[a, b)``, in which the consumer said not to be
    contacted or is unavailable ("I sleep from 8 am to 3 pm": [480, 900); "after 9 pm": [1260,
    1440)); the end of a declared range is flagged ``declared_window`` too."""
    declared: list[tuple[int, int]] = []
    allt = sorted(((rt, rt.minute_of_day if rt.minute_of_day is not None else rt.bound_minute)
                   for rt, _ in times_raw), key=lambda x: x[0].start)
    i = 0
    while i < len(allt):
        rt, t = allt[i]
        if "declared_window" not in rt.flags or t is None:
            i += 1
            continue
        if i + 1 < len(allt) and allt[i + 1][1] is not None and _RANGE_JOIN.fullmatch(
                low, rt.end, allt[i + 1][0].start):
            # "I sleep from 8 am to 3 pm", "night shift from 9 pm to 7 am": the window itself
            # (wrapping midnight); its end is part of the declaration, not a contact time
            u = allt[i + 1][1]
            allt[i + 1][0].flags.add("declared_window")
            declared += [(t, u)] if t < u else [(t, 1440), (0, u)]
            i += 2
            continue
        before = low[max(0, rt.start - 12):rt.start]
        declared.append((t, 1440) if "after" in before else (0, t))
        i += 1
    return declared


def _time_status(jur: str, rt, flags: set) -> tuple:
    """``(precision, time_local, hour, minute, candidates, status)`` of one raw time under the
    jurisdiction's window; ``status`` is the verdict a contact at that time gets (None: a bound
    with no minute). Adds ``bound_*`` / ``boundary`` to ``flags``."""
    tl = h = mi = None
    cands: tuple[str, ...] = ()
    status = None
    if rt.bound is not None:
        precision = "daypart"
        flags.add("bound_" + rt.bound)
        if rt.bound_minute is not None:
            t = rt.bound_minute
            rng = ((t - 180) % 1440, t) if rt.bound == "before" else ((t + 1) % 1440, (t + 180) % 1440)
            if rt.bound == "after" and t < 300:
                rng = (t + 1, 300)
            status = {"all": "violation", "some": "possible", "none": "none"}[_range_status(jur, *rng)]
    elif rt.minute_of_day is not None:
        precision = "exact"
        h, mi = divmod(rt.minute_of_day, 60)
        tl = _hhmm(rt.minute_of_day)
        st, _ = classify_contact_time(jur, h, mi)
        status = {"outside": "violation", "boundary": "boundary", "inside": "none"}[st]
        rule = TIME_WINDOW_RULES[jur]
        if rt.minute_of_day in (rule.permitted_start_min, rule.permitted_end_min):
            flags.add("boundary")
    elif rt.candidates:
        precision = "ambiguous"
        cands = tuple(_hhmm(c) for c in rt.candidates)
        sts = {classify_contact_time(jur, c // 60, c % 60)[0] for c in rt.candidates}
        status = "violation" if sts == {"outside"} else ("possible" if sts & {"outside", "boundary"} else "none")
    else:
        precision = "daypart"
        a, b = DAYPART_RANGES[rt.daypart]
        status = {"all": "likely", "some": "possible", "none": "none"}[_range_status(jur, a, b)]
    return precision, tl, h, mi, cands, status


def _method_fallback(doc: Doc, found: Mentions, res: _Resolved, L: _Labels) -> None:
    """With no method found: a phone call when the narrative reports what the collector said
    (before any contact the consumer started) or names a conduct that is itself about a contact;
    then the evidence of the methods and recipients."""
    low = doc.low
    if not res.active_meth:
        # what the collector "said" in a conversation the consumer started (after "I called
        # them", "I wrote to them") is no collection contact
        own = min((m.start for m in found["method"] if m.flags and m.flags[0] in (
            "by_consumer", "in_request")), default=None)
        for pk in doc.packs:
            if "own_contact" in pk.lex:
                oc = pk.lex["own_contact"].search(doc.text_for(pk))
                if oc is not None and (own is None or oc.start() < own):
                    own = oc.start()
            sm = pk.speech.search(doc.text_for(pk))
            if sm and other_speaker(pk, doc.text_for(pk), sm.start(), sm.end()):
                sm = None
            if sm and (own is None or sm.start() < own):
                res.fallback.append(("phone_call", sm.start(), sm.end(), f"{pk.lang}.method.fallback.speech"))
                break
        # only a conduct cue that is itself about a contact (not a vague "repeatedly")
        attach_ids = {c.p.id for c in found["conduct"] if c.p.attach}
        cands = [e for es in L.conduct_ev.values() for e in es if e.pattern_id not in attach_ids]
        pcue = {pk.lang: pk.lex.get("phone_cue") for pk in doc.packs}
        cue_in: dict[tuple[str, int], bool] = {}  # (language, sentence): searched once per sentence

        def has_cue(e) -> bool:
            lang = e.pattern_id.split(".")[0]
            if pcue.get(lang) is None:
                return True
            key = (lang, doc.sent(e.start))
            if key not in cue_in:
                cue_in[key] = pcue[lang].search(low, doc.sent_starts[key[1]], doc.sent_end(e.start)) is not None
            return cue_in[key]
        cands = [e for e in cands if has_cue(e)]
        if not res.fallback and cands:
            first = min(cands, key=lambda e: e.start)
            res.fallback.append(("phone_call", first.start, first.end,
                                 f"{doc.language}.method.fallback.conduct"))
    for m in res.active_meth:
        L.ev("method", m.p.codes[0], m.start, m.end, m.p.id)
    for code, s, e, pid in res.fallback:
        L.ev("method", code, s, e, pid)
    for r in res.active_recs:
        L.ev("recipient", r.p.codes[0], r.start, r.end, r.p.id)


# --- pass 4 -----------------------------------------------------------------------------------

def _recipients_of_methods(doc: Doc, meth_items: list[tuple[str, int]], recs: list) -> dict[int, set[str]]:
    """Which third-party recipients each method mention (by position in ``meth_items``)
    reached: a recipient goes with the methods of its own clause, else with the nearest method
    of its sentence, the one before it first ("left voicemails for me, she called my job, she
    called my mother, and sent me a letter": the job and the mother were called, the letter
    came to the consumer). A mention that reached no one takes what another mention of the
    same method in its sentence reached. ``meth_items`` is in text order. Each recipient costs
    a lookup and a binary search, however many mentions its sentence has."""
    out: dict[int, set[str]] = {}
    by_sentence: dict[int, list[int]] = {}
    by_clause: dict[int, list[int]] = {}  # a clause lies within one sentence
    for i, (_, pos) in enumerate(meth_items):
        by_sentence.setdefault(doc.sent(pos), []).append(i)
        by_clause.setdefault(doc.clause_start(pos), []).append(i)
    starts = {si: [meth_items[i][1] for i in cands] for si, cands in by_sentence.items()}
    for r in recs:
        si, code = doc.sent(r.start), r.p.codes[0]
        cands = by_sentence.get(si, [])
        if not cands:
            continue
        same = by_clause.get(doc.clause_start(r.start), [])
        if not same:
            k = bisect.bisect_right(starts[si], r.start)  # the mentions at or before the recipient
            # the nearest of them (the first of several at one place), else the sentence's first
            same = [cands[bisect.bisect_left(starts[si], starts[si][k - 1])] if k else cands[0]]
        for i in same:
            out.setdefault(i, set()).add(code)
    # another mention of the same method in the sentence (业主群 … 群里) reached the same people
    by_code: dict[tuple[int, str], set[str]] = {}
    for i, reached in out.items():
        by_code.setdefault((doc.sent(meth_items[i][1]), meth_items[i][0]), set()).update(reached)
    for i, (code, pos) in enumerate(meth_items):
        if i not in out and (doc.sent(pos), code) in by_code:
            out[i] = set(by_code[(doc.sent(pos), code)])
    return out


def _incidents(doc: Doc, res: _Resolved) -> list[IncidentGuess]:
    """Pass 4: one contact per method mention (found or fallback) × the third-party recipients
    it reached (``_recipients_of_methods``; else the debtor) × contact time of its sentence
    (else no time); an untimed contact is dropped when the same method and recipient has a
    timed one."""
    jur = doc.jur
    incidents: list[IncidentGuess] = []
    seen = set()
    contact_times = [t for t in res.times if t.is_contact]
    meth_items = sorted([(m.p.codes[0], m.start) for m in res.active_meth] + [
        (c, s) for c, s, _, _ in res.fallback], key=lambda x: x[1])
    rec_set = res.third_party | {"spouse"}
    reached = _recipients_of_methods(doc, meth_items, [r for r in res.active_recs if r.p.codes[0] in rec_set])
    times_of: dict[int, list[TimeMention]] = {}
    for t in contact_times:
        times_of.setdefault(doc.sent(t.start), []).append(t)
    outside = {id(t): _is_outside(jur, t) for t in contact_times}
    paired = set()  # (method, sentence, recipients): another mention of them adds no contact
    for n, (code, pos) in enumerate(meth_items):
        si = doc.sent(pos)
        rs = sorted(reached.get(n, ()), key=_ORDER["recipient"].get) or ["debtor"]
        if (code, si, tuple(rs)) in paired:  # (a sentence naming a method and a time 800 times
            continue                          # is not read 800 × 800 times)
        paired.add((code, si, tuple(rs)))
        ts = times_of.get(si) or [None]
        for rc in rs:
            for t in ts:
                if t is None:
                    inc = IncidentGuess(code, rc, None, None, "unknown", None, None)
                else:
                    inc = IncidentGuess(code, rc, t.time_local, t.hour,
                                        "exact" if t.precision == "exact" else (
                                            "daypart" if t.precision == "daypart" else "unknown"),
                                        t.daypart_code, outside[id(t)])
                if inc not in seen:
                    seen.add(inc)
                    incidents.append(inc)
    timed = {(i.method_code, i.recipient_code) for i in incidents if i.time_precision != "unknown"
             or i.time_local}
    return [i for i in incidents if i.time_precision != "unknown" or i.is_outside_permitted_hours
            is not None or (i.method_code, i.recipient_code) not in timed]


def _result(doc: Doc, L: _Labels, res: _Resolved, incidents: list[IncidentGuess]) -> NarrativeResult:
    """The codes of each kind in code-list order, evidence in text order."""
    methods = {m.p.codes[0] for m in res.active_meth} | {c for c, _, _, _ in res.fallback}
    recipients = {r.p.codes[0] for r in res.active_recs} & (res.third_party | {"spouse"})
    if any(i.recipient_code == "debtor" for i in incidents):
        recipients.add("debtor")
    if any(m.p.codes[0] == "social_media_public" for m in res.active_meth):
        recipients.add("public")
    order = _ORDER
    return NarrativeResult(
        language=doc.language, jurisdiction=doc.jur,
        methods=tuple(sorted(methods, key=order["method"].get)),
        recipients=tuple(sorted(recipients, key=order["recipient"].get)),
        conducts=tuple(sorted(L.conducts, key=order["conduct"].get)),
        debt_issues=tuple(sorted(res.debt_codes, key=order["debt_issue"].get)),
        times=tuple(res.times),
        evidence=tuple(sorted(L.evidence, key=lambda e: (e.start, e.end, e.label_kind, e.code))),
        rule_verdicts=tuple(RuleVerdict(r, c, v) for (r, c), v in sorted(
            L.verdicts.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))),
        incidents=tuple(incidents),
        about_collection=bool(L.conducts or res.debt_codes or any(
            pk.collection_context.search(doc.text_for(pk)) for pk in doc.packs
            if pk.collection_context is not None)),
    )


def _is_outside(jur: str, t: TimeMention) -> bool | None:
    if t.precision == "exact":
        st, _ = classify_contact_time(jur, t.hour, t.minute)
        return {"outside": True, "inside": False}.get(st)
    if t.candidates:
        sts = {classify_contact_time(jur, int(c[:2]), int(c[3:]))[0] for c in t.candidates}
        return True if sts == {"outside"} else (False if sts == {"inside"} else None)
    if t.daypart_code and not any(f.startswith("bound_") for f in t.flags):
        r = _range_status(jur, *DAYPART_RANGES[t.daypart_code])
        return {"all": True, "none": False}.get(r)
    if any(f.startswith("bound_") for f in t.flags):
        return None
    return None
