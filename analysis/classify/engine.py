"""Narrative classifier engine: text → methods, recipients, conducts, debt issues, times,
evidence, rule verdicts and incidents. Internal; the public API is in ``__init__.py``.

Pipeline per narrative
1. Mask CFPB redactions (``XXXX``, ``XX/XX/XXXX``, ``{$400.00}``) with same-length filler so no
   digit inside them can be read as a time or count; offsets stay those of the original text.
2. Pick the language packs to run: ``zh`` when the text has Han characters, ``en`` when it has
   Latin words (both for mixed text).
3. Run every pattern whose keywords occur (cheap prefilter), then mark each mention negated
   (cue earlier in its clause), blocked (``block_before``: the consumer's own act) or irrealis
   (a threat or future: "threatened to come to my house").
4. Derive labels, apply the jurisdiction's time window (``analysis.rules.classify_contact_time``)
   and the conduct → rule crosswalk, and build incidents.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from analysis.classify.patterns import LangPack, Pattern, load_crosswalk, load_pack
from analysis.classify.times import DAYPART_RANGES, RawTime, find_times, zh_number
from analysis.codes import codes as code_list
from analysis import rules as R
from analysis.rules import TIME_WINDOW_RULES, classify_contact_time

_REDACTION = re.compile(r"\{\$?[\d,.]*\}|\$\s?[\d,]+(?:\.\d+)?")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_SENT = re.compile(r"\.(?<!\b[ap]\.)(?<![ap]\.m\.)(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)"
                   r"(?<!\bSt\.)(?!\d)|[!?。！？\n]")
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
    """One contact the narrative describes. ``time_precision``: exact | daypart | unknown (an
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


@dataclass
class _M:
    """Internal mention."""

    p: Pattern
    start: int
    end: int
    groups: dict
    pack: LangPack
    flags: tuple = ()
    alt: bool = False  # attached through the pattern's attach_alt: its codes are codes_alt

    @property
    def active(self) -> bool:
        return not self.flags

    @property
    def codes(self) -> tuple[str, ...]:
        return self.p.codes_alt if self.alt else self.p.codes


def detect_language(text: str) -> str:
    """'zh' when Han characters are at least a quarter as many as Latin letters, else 'en'
    (a Han character carries about a word; script, not a language model, is enough to tell
    these two apart)."""
    han = len(_HAN.findall(text))
    if not han:
        return "en"
    latin = sum(len(w) for w in _LATIN_WORD.findall(text))
    return "zh" if han * 4 >= latin else "en"


def _mask(text: str) -> str:
    if "{" not in text and "$" not in text:
        return text
    return _REDACTION.sub(lambda m: "X" * (m.end() - m.start()), text)


_AUTOMATA: dict[int, ahocorasick.Automaton] = {}


def _keyword_automaton(pk: LangPack) -> ahocorasick.Automaton:
    """Automaton over every keyword of a pack (built once per loaded pack)."""
    auto = _AUTOMATA.get(id(pk))
    if auto is None:
        auto = ahocorasick.Automaton()
        for k in pk.all_keywords:
            auto.add_word(k, k)
        if len(auto):
            auto.make_automaton()
        _AUTOMATA[id(pk)] = auto
    return auto


class _Doc:
    """Sentence and clause boundaries of one text; ``text_for(pack)`` is the text a pack's
    regexes run on (lower-cased for English, same length and offsets)."""

    def __init__(self, scan: str, low: str, packs: list[LangPack]):
        self.scan = scan
        self.low = low
        self._kw: dict[str, set[str]] = {}
        self.quoted: dict[tuple[str, int], str | None] = {}  # (lang, sentence) -> _not_own_account
        ends = [m.end() for m in _SENT.finditer(scan)]
        self.sent_starts = [0] + ends
        cl = set(self.sent_starts)
        for pk in packs:
            for m in pk.clause_break.finditer(self.text_for(pk)):
                cl.add(m.end())
        self.clause_starts = sorted(cl)

    def keywords(self, pk: LangPack, low: str) -> set[str]:
        """Keywords of the pack present in the text (computed once per text and pack) — the
        same set as ``{k for k in pk.all_keywords if k in low}``, found in one pass with an
        Aho–Corasick automaton (pyahocorasick)."""
        hit = self._kw.get(pk.lang)
        if hit is None:
            hit = self._kw[pk.lang] = ({k for _end, k in _keyword_automaton(pk).iter(low)}
                                       if pk.all_keywords else set())
        return hit

    def text_for(self, pk: LangPack) -> str:
        return self.low if pk.lang == "en" else self.scan

    def sent(self, pos: int) -> int:
        return bisect.bisect_right(self.sent_starts, pos) - 1

    def sent_end(self, pos: int) -> int:
        i = bisect.bisect_right(self.sent_starts, pos)
        return self.sent_starts[i] if i < len(self.sent_starts) else len(self.scan)

    def clause_start(self, pos: int) -> int:
        return self.clause_starts[bisect.bisect_right(self.clause_starts, pos) - 1]


def _list_head(doc: _Doc, pack: LangPack, start: int, end: int | None) -> int | None:
    """End of the clause that heads a comma list the mention is an item of ("never given any
    notice through the mail, email, or text": the head is "...through the mail"), else None."""
    lead, item, nxt = (pack.lex.get(k) for k in ("list_lead", "list_item", "list_next"))
    if lead is None or item is None or nxt is None:
        return None
    text = doc.text_for(pack)
    cs = doc.clause_start(start)
    seg = text[cs:start]
    if not lead.fullmatch(seg):
        return None
    if not (re.search(r"\b(?:or|and|nor)\b", seg) or (end is not None and nxt.match(text, end))):
        return None
    pos = cs
    for _ in range(6):
        if pos < 2 or text[pos - 1] != ",":
            return None
        pcs = doc.clause_start(pos - 1)
        if not item.fullmatch(text, pcs, pos - 1):
            return pos - 1
        pos = pcs
    return None


def _negated(doc: _Doc, pack: LangPack, start: int, end: int | None = None) -> bool:
    cs = doc.clause_start(start)
    window = 80 if pack.lang == "en" else 10
    head = _list_head(doc, pack, start, end) if pack.lang == "en" else None
    if head is not None:
        start, cs = head, doc.clause_start(head)
    lo = max(cs, start - window)
    seg = doc.text_for(pack)[lo:start]
    last = None
    for m in pack.negation.finditer(seg):
        last = m
    if last is None:
        return False
    fstart = max(0, last.start() - 12)
    for fm in pack.negation_false.finditer(seg, fstart):
        if fm.start() <= last.start() < fm.end() or fm.start() <= last.end() - 1 < fm.end():
            return False
    return not pack.negation_reset.search(seg, last.end())


def _irrealis(doc: _Doc, pack: LangPack, start: int) -> bool:
    cs = doc.clause_start(start)
    lo = max(cs, start - (50 if pack.lang == "en" else 12))
    return pack.irrealis.search(doc.text_for(pack), lo, start) is not None


def _not_own_account(doc: _Doc, pk: LangPack, pos: int) -> str | None:
    """``quoted_law`` when the sentence at ``pos`` quotes or paraphrases a statute ("the use or
    threat of violence ... any person", "a collector cannot ..."), ``second_hand`` when it tells
    someone else's story ("my coworker has the same collector"), else None: conducts and
    recipients named there are not what the collector did to the consumer ([actor] quoted_law
    and second_hand in patterns/en.toml). Cached per sentence."""
    si = doc.sent(pos)
    key = (pk.lang, si)
    if key not in doc.quoted:
        a, b = doc.sent_starts[si], doc.sent_end(pos)
        doc.quoted[key] = next((flag for flag in ("quoted_law", "second_hand")
                                if pk.lex.get(flag) is not None
                                and pk.lex[flag].search(doc.text_for(pk), a, b) is not None), None)
    return doc.quoted[key]

def _scan_kind(kind: str, packs: list[LangPack], doc: _Doc, low: str) -> list[_M]:
    out = []
    for pk in packs:
        scan = doc.text_for(pk)
        present = doc.keywords(pk, low)
        for p in pk.patterns[kind]:
            if p.keywords and present.isdisjoint(p.keywords):
                continue
            for m in p.regex.finditer(scan):
                if m.end() == m.start():
                    continue
                flags = []
                bb = p.block_before.search(scan, max(0, m.start() - p.block_window), m.start()) \
                    if p.block_before is not None else None
                if bb is not None and not (
                        "would" in bb.group(0) and pk.lex.get("habitual_after") is not None
                        and pk.lex["habitual_after"].match(scan, m.end(), m.end() + 60)):
                    flags.append("by_consumer")
                elif p.thread_before is not None and _in_consumer_thread(p, scan, m, out):
                    flags.append("by_consumer_thread")
                if p.negatable and _negated(doc, pk, m.start(), m.end()):
                    flags.append("negated")
                if p.irrealis and _irrealis(doc, pk, m.start()):
                    flags.append("irrealis")
                if kind in ("conduct", "count", "recipient"):
                    nf = _not_own_account(doc, pk, m.start())
                    if nf:
                        flags.append(nf)
                if not flags and p.actor and pk.lex:
                    # a conduct span ("called them 12 times") is judged by its first word
                    end = m.end() if kind == "method" else m.start() + len(
                        _WORD.match(scan, m.start()).group(0) or scan[m.start()])
                    af = _actor_flag(doc, pk, m.start(), end)
                    if af:
                        flags.append(af)
                alt = False
                if p.attach is not None and not flags and not _attached(doc, pk, p, m, p.attach):
                    alt = p.attach_alt is not None and _attached(doc, pk, p, m, p.attach_alt)
                    if not alt:
                        flags.append("unattached")
                if kind == "recipient" and pk.recipient_before is not None and not flags:
                    rb = pk.recipient_before.search(
                        scan, max(doc.sent_starts[doc.sent(m.start())], m.start() - 60), m.start())
                    if rb is not None and pk.lex and not _SPEECH_VERB.match(rb.group(0)) and _consumer_act(doc, pk, rb.start(), rb.start() + 1,
                                                              verb=True):
                        rb = None  # "when I reached out to them amid my daughter ..."
                    tf = pk.lex.get("reported_future")
                    if rb is not None and tf is not None and tf.search(
                            scan, max(doc.sent_starts[doc.sent(m.start())], rb.start() - 60),
                            rb.start()):
                        flags.append("irrealis")  # "said they would call my HR department"
                    elif not (rb or pk.recipient_after.match(scan, m.end(), min(len(scan), m.end() + 130))):
                        flags.append("no_contact_verb")
                    elif pk.lex and _in_request(doc, pk, m.start(), presupposed_ok=True):
                        flags.append("in_request")
                out.append(_M(p, m.start(), m.end(), m.groupdict(), pk, tuple(flags), alt))
    return out


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
_THREAD_SPAN = 600
_WORD = re.compile(r"\w*")
# "I told them my employer doesn't allow calls": the recipient is no object of a speech verb
_SPEECH_VERB = re.compile(r"(?:told|tell|telling|inform\w*|ask\w*)\b")


def _last_subject(pk: LangPack, seg: str):
    last = None
    for sm in pk.lex["subject"].finditer(seg):
        last = sm
    return last


def _consumer_act(doc: _Doc, pk: LangPack, start: int, end: int,
                  verb: bool | None = None) -> bool:
    """The contact word at [start, end) is the consumer's own act (see ``[actor]`` in
    patterns/en.toml): its subject is I/we (directly, through coordination, or elided after a
    sentence whose subject was I/we) and it is no passive or reception ("I was called",
    "I received a call") and no contact verb with object me/us ("called me")."""
    lex = pk.lex
    scan = doc.text_for(pk)
    si = doc.sent(start)
    ss = doc.sent_starts[si]
    seg = scan[max(ss, start - 200):start]
    is_verb = verb if verb is not None else lex["verb"].fullmatch(scan, start, end) is not None
    if is_verb and lex["object_me"].match(scan, end, min(len(scan), end + 30)):
        return False
    last = _last_subject(pk, seg)
    if last is None:
        if not is_verb or si == 0 or not lex["tail_verb"].fullmatch(seg):
            return False
        prev = _last_subject(pk, scan[doc.sent_starts[si - 1]:ss])
        return prev is not None and prev.group("me") is not None
    if last.group("me") is None:
        return False
    tail = lex["coord"].split(seg[last.end():])[-1]
    if is_verb:
        if scan[end - 2:end] == "ed" and lex["passive"].search(tail):
            return False
        return lex["tail_verb"].fullmatch(tail) is not None
    return lex["tail_noun"].fullmatch(tail) is not None


def _in_request(doc: _Doc, pk: LangPack, start: int, presupposed_ok: bool = False) -> bool:
    """The mention sits inside a request, promise or condition ("I would like to be contacted
    via phone or email", "if your offices attempt telephone communication"). With
    ``presupposed_ok`` a request to stop ("asked them to stop calling my parents") is no
    request scope: it presupposes the contact."""
    lex = pk.lex
    scan = doc.text_for(pk)
    lo = max(doc.sent_starts[doc.sent(start)], start - 150)
    cue = None
    for cm in lex["request_cue"].finditer(scan, lo, start):
        cue = cm
    if cue is None:
        return False
    between = scan[cue.end():start]
    if lex["request_stop"].search(between):
        return False
    if presupposed_ok and lex["request_presupposed"].search(between):
        return False
    return True


def _actor_flag(doc: _Doc, pk: LangPack, start: int, end: int) -> str | None:
    scan = doc.text_for(pk)
    if _consumer_act(doc, pk, start, end):
        return "by_consumer"
    if _in_request(doc, pk, start):
        return "in_request"
    if pk.lex["not_collector_after"].match(scan, end, min(len(scan), end + 80)):
        return "not_collector"
    return None


def _other_speaker(pk: LangPack, scan: str, start: int, end: int) -> bool:
    """The speech at [start, end) is by someone who is not the collector: a non-collector person
    (``other_speaker``: "the loan officer", "my lawyer") is named in it or in the 300 characters
    before it, with no collector (``collector_noun``) named after that person."""
    other, coll = pk.lex.get("other_speaker"), pk.lex.get("collector_noun")
    if other is None or coll is None:
        return False
    lo = max(0, start - 300)
    last = None
    for om in other.finditer(scan, lo, end):
        last = om
    return last is not None and coll.search(scan, last.end(), end) is None


def _attached(doc: _Doc, pk: LangPack, p: Pattern, m: re.Match, attach: re.Pattern) -> bool:
    """A vague intensity cue ("repeatedly", "constantly") counts only when a contact word
    (``attach``, or ``attach_alt`` for the pattern's other codes) of the collector stands in its
    clause within ``attach_window`` characters."""
    scan = doc.text_for(pk)
    lo = max(doc.clause_start(m.start()), m.start() - p.attach_window)
    i = bisect.bisect_right(doc.clause_starts, m.end())
    hi = min(doc.clause_starts[i] if i < len(doc.clause_starts) else len(scan),
             m.end() + p.attach_window)
    for am in attach.finditer(scan, lo, hi):
        if not pk.lex or not (_consumer_act(doc, pk, am.start(), am.end())
                              or _in_request(doc, pk, am.start())):
            return True
    return False


def _in_consumer_thread(p: Pattern, scan: str, m: re.Match, earlier: list[_M]) -> bool:
    """A back-reference ("on the call", sentence-initial "Called again", "hung up on me") to a
    contact the consumer made: the pattern's ``thread_before`` matches the text before the
    mention (and ``thread_match``, when given, the mention itself), and the consumer's own contact
    (``thread_origin``, or a mention of the pattern flagged by_consumer) occurs within the 600
    characters before it."""
    if p.thread_match is not None and not p.thread_match.search(m.group(0)):
        return False
    if not p.thread_before.search(scan, max(0, m.start() - 40), m.start()):
        return False
    lo = max(0, m.start() - _THREAD_SPAN)
    if p.thread_origin is not None and p.thread_origin.search(scan, lo, m.start()):
        return True
    return any(o.p is p and "by_consumer" in o.flags and lo <= o.start < m.start() for o in earlier)


_CONTEXT_CHARS, _CONTEXT_MINUTES = 120, 90
_RANGE_JOIN = re.compile(r"\s*(?:to|until|till|til|through|-|–|and)\s*")


def _open_quote(text: str, start: int, end: int) -> bool:
    """A quotation opened in text[start:end] is still open at ``end``."""
    seg = text[start:end]
    return (seg.count('"') % 2 == 1) or seg.count("\u201c") > seg.count("\u201d")


def _resolve_from_context(times_raw: list) -> None:
    """A bare time shortly after an exact one takes the a.m./p.m. reading nearest to it ("a text
    at 5:30am. Then another at 5:45" -> 05:45; flag ampm_from_context): only when the exact time
    is at most 120 characters before and one reading is within 90 minutes of it."""
    last: tuple[int, int] | None = None  # (end, minute of day) of the last exact time
    for rt, _ in sorted(times_raw, key=lambda x: x[0].start):
        if rt.candidates and rt.bound is None and last is not None \
                and rt.start - last[0] <= _CONTEXT_CHARS:
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


def _count_value(m: _M) -> int | None:
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


def classify_one(text: str, lang: str | None, jurisdiction: str | None) -> NarrativeResult:
    """Classify one narrative; see :func:`analysis.classify.classify_narrative`."""
    if text is None:
        text = ""
    if lang not in (None, "en", "zh"):
        raise ValueError(f"unknown language {lang!r}; expected 'en', 'zh' or None")
    language = lang or detect_language(text)
    jur = jurisdiction or ("CN" if language == "zh" else "US")
    if jur not in TIME_WINDOW_RULES:
        raise ValueError(f"unknown jurisdiction {jur!r}; expected one of {sorted(TIME_WINDOW_RULES)}")
    scan = _mask(text)
    low = scan.lower()
    if len(low) != len(scan):  # a few characters lower-case to two; keep offsets
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in scan)
    packs = []
    if language == "en" or _LATIN_WORD.search(scan):
        packs.append(load_pack("en"))
    if language == "zh" or _HAN.search(scan):
        packs.append(load_pack("zh"))
    doc = _Doc(scan, low, packs)
    crosswalk = load_crosswalk().get(jur, {})
    evidence: list[Evidence] = []
    verdicts: dict[tuple[str, str | None], str] = {}
    conducts: set[str] = set()
    conduct_ev: dict[str, list[Evidence]] = {}

    def ev(kind, code, s, e, pid, flags=()):
        evidence.append(Evidence(kind, code, s, e, text[s:e], pid, tuple(flags)))
        return evidence[-1]

    def add_verdict(rule, conduct, verdict):
        key = (rule, conduct)
        if _VERDICT_RANK[verdict] >= _VERDICT_RANK.get(verdicts.get(key, "none"), 0):
            verdicts[key] = verdict

    def add_conduct(code, verdict, rules, s, e, pid, label=True, reported=False):
        """``reported``: a pattern with verdict needs_review and a label (en.freq.daily) labels
        the reported conduct while its rules stay needs_review."""
        for r in rules:
            add_verdict(r, code, verdict)
        if label and (verdict in _LABELLING or verdict == "possible" or reported):
            conducts.add(code)
            conduct_ev.setdefault(code, []).append(ev("conduct", code, s, e, pid))

    def rules_for(p: Pattern | None, code: str) -> tuple[str, ...]:
        if p is not None and jur in p.rules:
            return p.rules[jur]
        return crosswalk.get(code, ())

    def extra(p: Pattern, code):
        for x in p.extra_rules:
            rid, _, v = x.partition(":")
            if rid.split("-")[0] == jur:
                add_verdict(rid, code, v or "possible")

    # --- raw mentions --------------------------------------------------------------------
    times_raw: list[tuple[RawTime, LangPack]] = []
    for pk in packs:
        for rt in find_times(pk, doc.text_for(pk), low, doc.keywords(pk, low)):
            if _negated(doc, pk, rt.start):
                rt.flags.add("negated")
            times_raw.append((rt, pk))
    meth = _scan_kind("method", packs, doc, low)
    recs = _scan_kind("recipient", packs, doc, low)
    discl: list[_M] = []  # scanned below, only when a third party or a public post is present
    cond = _scan_kind("conduct", packs, doc, low)
    debts = _scan_kind("debt_issue", packs, doc, low)
    counts = _scan_kind("count", packs, doc, low)

    # a negated method stays when what is negated is a time after it in the sentence ("they
    # never called me at night" presupposes calls); in Chinese also a recipient (他们没有打给我家里人:
    # a call, not to the family), not in English ("they have never called my job or my family,
    # they only send letters": no call)
    anchors = [rt.start for rt, _ in times_raw]
    zh_anchors = [r.start for r in recs if r.pack.lang == "zh"]
    # Chinese: past the method's clause only a time that is not negated itself (不是晚上打的，是
    # 早上九点 keeps the call; 从来没上门，也没在凌晨打过 keeps no visit)
    zh_free = [rt.start for rt, _ in times_raw if "negated" not in rt.flags]
    for m in meth:
        if m.flags == ("negated",):
            se = doc.sent_end(m.start)
            if m.pack.lang == "zh":
                i = bisect.bisect_right(doc.clause_starts, m.end)
                ce = min(se, doc.clause_starts[i]) if i < len(doc.clause_starts) else se
                hit = any(m.end <= a < ce for a in anchors + zh_anchors) or any(
                    m.end <= a < se for a in zh_free)
            else:
                hit = any(m.end <= a < se for a in anchors)
            if hit:
                m.flags = ()
    active_meth = [m for m in meth if m.active and not m.p.weak]
    if not active_meth:
        active_meth = [m for m in meth if m.active and m.p.weak]
    # longer method spans win over shorter ones inside them (robocalls vs calls)
    active_meth = [m for m in active_meth if not any(
        o is not m and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
        for o in active_meth)]
    for m in meth:
        if not m.active:
            ev("method", m.p.codes[0], m.start, m.end, m.p.id, m.flags)

    active_recs = [r for r in recs if r.active]
    for r in recs:
        if not r.active:
            ev("recipient", r.p.codes[0], r.start, r.end, r.p.id, r.flags)
    method_sents = {doc.sent(m.start) for m in active_meth}

    # --- conduct patterns -------------------------------------------------------------------
    for c in cond:
        if c.active and c.p.jurisdictions and jur not in c.p.jurisdictions:
            c.flags = ("other_jurisdiction",)  # e.g. private phones: a rule only in CN
        if not c.active:
            for code in c.codes:
                ev("conduct", code, c.start, c.end, c.p.id, c.flags)
            continue
        for code in c.codes:
            add_conduct(code, c.p.verdict, rules_for(c.p, code), c.start, c.end, c.p.id,
                        label=c.p.label, reported=c.p.verdict == "needs_review")
            extra(c.p, code)
            if not c.p.label:
                ev("conduct", code, c.start, c.end, c.p.id, ("verdict_only",))

    # --- counts (frequency rules) ---------------------------------------------------------
    for c in counts:
        n = _count_value(c)
        if n is None or not c.active:
            continue
        kind = c.p.count_kind
        s_txt = scan[c.start:c.end].lower()
        code = "FREQ_EXCESSIVE_CALLS" if kind == "calls" else "FREQ_EXCESSIVE_MESSAGES"
        found: list[tuple[str, str]] = []
        if kind == "calls" and jur == "CN":
            connected = bool(c.groups.get("connected"))
            if connected and n > R.CN_CONNECTED_CALLS_PER_DAY:
                found.append(("CN-FREQ-01", "violation"))
            if n > R.CN_UNANSWERED_ATTEMPTS_PER_DAY:
                found.append(("CN-FREQ-02", "violation"))
            if n >= R.CN_CALLS_LIKELY_CONNECTED:
                found.append(("CN-FREQ-01", "likely"))
            if not connected and R.CN_CONNECTED_CALLS_PER_DAY < n <= R.CN_UNANSWERED_ATTEMPTS_PER_DAY:
                found.append(("CN-FREQ-01", "possible"))
        elif kind == "calls":
            single = any(w in s_txt for w in ("today", "single day", "one day", "same day",
                                              "that day"))
            if c.p.per == "week":
                over = n > R.US_CALLS_IN_SEVEN_DAYS
                found.append(("US-FREQ-02", "violation" if over else "none"))
                if not over:
                    found.append(("US-FREQ-01", "needs_review"))
            elif n > R.US_CALLS_IN_SEVEN_DAYS:
                found.append(("US-FREQ-02", "violation"))
            elif n >= R.US_CALLS_PER_DAY_CONCENTRATION:
                found.append(("US-FREQ-04", "likely"))
            elif not single and n >= 2:
                found.append(("US-FREQ-02", "likely"))
        else:
            if jur == "CN" and n >= R.CN_MESSAGES_PER_DAY_HARASSMENT:
                found.append(("CN-FREQ-04", "violation"))
            elif jur != "CN" and n >= R.US_MESSAGES_HARASSMENT:
                found.append(("US-HAR-01", "likely"))
        for rule, v in found:
            add_conduct(code, v, (rule,), c.start, c.end, c.p.id)

    # --- derived conducts from methods and recipients --------------------------------------
    rec_codes = {r.p.codes[0] for r in active_recs}
    meth_codes = {m.p.codes[0] for m in active_meth}
    for m in active_recs + active_meth:
        for code, verdict in _DERIVED.get(m.p.codes[0], ()):
            add_conduct(code, verdict, rules_for(None, code), m.start, m.end, m.p.id)
        # a home visit with threats, abuse, impersonation, detention or shaming is improper too
        if m.p.codes[0] == "visit_home" and conducts & _VISIT_AGGRAVATING:
            add_conduct("VISIT_IMPROPER", "likely", rules_for(None, "VISIT_IMPROPER"),
                        m.start, m.end, m.p.id)
    public_sents = {doc.sent(m.start) for m in active_meth
                    if m.p.codes[0] == "social_media_public"}
    public_sents |= {doc.sent(c.start) for c in cond if c.active and
                     "PUBLIC_SHAMING" in c.codes}
    third_party = {"spouse"} if jur != "US" else set()
    third_party |= _THIRD_PARTY - {"spouse"}
    if "CONTACT_LIST_BLAST" not in conducts and (public_sents or any(
            r.p.codes[0] in third_party for r in active_recs)):
        discl = _scan_kind("disclosure", packs, doc, low)
        tp_sents = {doc.sent(r.start): r for r in active_recs if r.p.codes[0] in third_party}
        for d in discl:
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
                add_conduct("THIRD_PARTY_DISCLOSURE", "violation",
                            rules_for(None, "THIRD_PARTY_DISCLOSURE"), d.start, d.end, d.p.id)
                if anchor is not None:
                    conduct_ev["THIRD_PARTY_DISCLOSURE"].append(
                        ev("conduct", "THIRD_PARTY_DISCLOSURE", anchor.start, anchor.end,
                           anchor.p.id))
                if jur == "CN" and any(c.p.id == "zh.3p.reachable" and c.active for c in cond):
                    add_verdict("CN-3P-02", "THIRD_PARTY_DISCLOSURE", "violation")
                break

    # --- times ------------------------------------------------------------------------------
    rule = TIME_WINDOW_RULES[jur]
    tms: list[TimeMention] = []
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
    _resolve_from_context(times_raw)
    for rt, pk in times_raw:
        flags = set(rt.flags)
        si = doc.sent(rt.start)
        cont = pk.ctx.get("continuation")
        contact = ((si in method_sents or (
            (si - 1 in method_sents or si - 2 in method_sents) and cont is not None and cont.search(
                doc.text_for(pk), doc.sent_starts[si], doc.sent_end(rt.start)) is not None))
            and not flags & {"negated", "tz_shift", "declared_window", "deadline"})
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
        tm = TimeMention(rt.start, rt.end, text[rt.start:rt.end], tl, h, mi, precision,
                         rt.daypart, tuple(sorted(flags)), rt.pattern_id, cands, contact)
        tms.append(tm)
        code = tl or ("/".join(cands) if cands else (rt.daypart or "time"))
        ev("time", code, rt.start, rt.end, rt.pattern_id, () if contact else ("not_contact",))
        if contact and status:
            add_conduct("TIME_INCONVENIENT", status, (rule.rule_id,), rt.start, rt.end,
                        rt.pattern_id, label=status in _LABELLING)
            if precision == "exact" and declared and jur == "US":
                if any(a <= rt.minute_of_day < b for a, b in declared):
                    add_conduct("TIME_INCONVENIENT", "violation", ("US-TIME-02",), rt.start,
                                rt.end, rt.pattern_id)

    # --- methods fallback --------------------------------------------------------------------
    fallback: list[tuple[str, int, int, str]] = []
    if not active_meth:
        # what the collector "said" in a conversation the consumer started (after "I called
        # them", "I wrote to them") is no collection contact
        own = min((m.start for m in meth if m.flags and m.flags[0] in (
            "by_consumer", "in_request")), default=None)
        for pk in packs:
            if "own_contact" in pk.lex:
                oc = pk.lex["own_contact"].search(doc.text_for(pk))
                if oc is not None and (own is None or oc.start() < own):
                    own = oc.start()
            sm = pk.speech.search(doc.text_for(pk))
            if sm and _other_speaker(pk, doc.text_for(pk), sm.start(), sm.end()):
                sm = None
            if sm and (own is None or sm.start() < own):
                fallback.append(("phone_call", sm.start(), sm.end(), f"{pk.lang}.method.fallback.speech"))
                break
        # only a conduct cue that is itself about a contact (not a vague "repeatedly")
        attach_ids = {c.p.id for c in cond if c.p.attach is not None}
        cands = [e for es in conduct_ev.values() for e in es if e.pattern_id not in attach_ids]
        pcue = {pk.lang: pk.lex.get("phone_cue") for pk in packs}
        cands = [e for e in cands if pcue.get(e.pattern_id.split(".")[0]) is None
                 or pcue[e.pattern_id.split(".")[0]].search(
                     low, doc.sent_starts[doc.sent(e.start)], doc.sent_end(e.start))]
        if not fallback and cands:
            first = min(cands, key=lambda e: e.start)
            fallback.append(("phone_call", first.start, first.end,
                             f"{language}.method.fallback.conduct"))
    for m in active_meth:
        ev("method", m.p.codes[0], m.start, m.end, m.p.id)
    for code, s, e, pid in fallback:
        ev("method", code, s, e, pid)
    for r in active_recs:
        ev("recipient", r.p.codes[0], r.start, r.end, r.p.id)

    # --- debt issues -------------------------------------------------------------------------
    debt_codes = set()
    for d in debts:
        if d.active:
            debt_codes.add(d.p.codes[0])
            ev("debt_issue", d.p.codes[0], d.start, d.end, d.p.id)
            extra(d.p, None)

    # --- incidents ---------------------------------------------------------------------------
    incidents: list[IncidentGuess] = []
    seen = set()
    contact_times = [t for t in tms if t.is_contact]
    meth_items = [(m.p.codes[0], m.start) for m in active_meth] + [(c, s) for c, s, _, _ in fallback]
    for code, pos in sorted(meth_items, key=lambda x: x[1]):
        si = doc.sent(pos)
        rs = sorted({r.p.codes[0] for r in active_recs if doc.sent(r.start) == si
                     and r.p.codes[0] in third_party | {"spouse"}}, key=_ORDER["recipient"].get) or ["debtor"]
        ts = [t for t in contact_times if doc.sent(t.start) == si] or [None]
        for rc in rs:
            for t in ts:
                if t is None:
                    inc = IncidentGuess(code, rc, None, None, "unknown", None, None)
                else:
                    inc = IncidentGuess(code, rc, t.time_local, t.hour,
                                        "exact" if t.precision == "exact" else (
                                            "daypart" if t.precision == "daypart" else "unknown"),
                                        t.daypart_code, _is_outside(jur, t))
                if inc not in seen:
                    seen.add(inc)
                    incidents.append(inc)
    # an incident without time is dropped when the same method/recipient has a timed one
    timed = {(i.method_code, i.recipient_code) for i in incidents if i.time_precision != "unknown"
             or i.time_local}
    incidents = [i for i in incidents if i.time_precision != "unknown" or i.is_outside_permitted_hours
                 is not None or (i.method_code, i.recipient_code) not in timed]

    methods = {c for c, _ in meth_items}
    recipients = set(rec_codes & (third_party | {"spouse"}))
    if any(i.recipient_code == "debtor" for i in incidents):
        recipients.add("debtor")
    if "social_media_public" in meth_codes:
        recipients.add("public")
    order = _ORDER
    return NarrativeResult(
        language=language, jurisdiction=jur,
        methods=tuple(sorted(methods, key=order["method"].get)),
        recipients=tuple(sorted(recipients, key=order["recipient"].get)),
        conducts=tuple(sorted(conducts, key=order["conduct"].get)),
        debt_issues=tuple(sorted(debt_codes, key=order["debt_issue"].get)),
        times=tuple(tms),
        evidence=tuple(sorted(evidence, key=lambda e: (e.start, e.end, e.label_kind, e.code))),
        rule_verdicts=tuple(RuleVerdict(r, c, v) for (r, c), v in sorted(
            verdicts.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))),
        incidents=tuple(incidents),
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
