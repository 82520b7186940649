"""Passes 1 and 2 of the narrative classifier: read the text, find mentions, judge them.

Internal module of :mod:`analysis.classify` (the passes 3 and 4, codes and incidents, are in
``engine.py``).

Pass 0, ``read``: mask CFPB redactions (``XXXX``, ``{$400.00}``) with same-length filler so no digit
  inside them is read as a time or count (offsets stay those of the original text); pick the
  language packs (``zh`` for Han characters, ``en`` for Latin words, both for mixed text); split
  sentences and clauses.
Pass 1, ``find``: every pattern of a kind whose keywords occur (one Aho–Corasick pass per text)
  runs its regex; each match is a mention with no judgement yet.
Pass 2, ``judge``: flags on each mention, in text order: ``by_consumer`` (``block_before``, the
  actor model, a thread back to the consumer's own call), ``negated``, ``irrealis``, not the
  consumer's own account (``quoted_law``, ``second_hand``), ``in_request``, ``not_collector``,
  ``unattached`` (a vague cue with no contact word), recipients with no contact verb. A mention with
  a flag gives no label; it stays evidence with its flags. ``judge_all`` adds the decisions that
  need every kind: negated times, a negated method that only negates a later time, conducts of
  another jurisdiction.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import ahocorasick

from analysis.classify.patterns import ATTACH_WINDOW, LangPack, Pattern, load_pack
from analysis.classify.times import RawTime, find_times
from analysis.rules import TIME_WINDOW_RULES

_REDACTION = re.compile(r"\{\$?[\d,.]*\}|\$\s?[\d,]+(?:\.\d+)?")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_SENT = re.compile(r"\.(?<!\b[ap]\.)(?<![ap]\.m\.)(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)"
                   r"(?<!\bSt\.)(?!\d)|[!?。！？\n]")
#: the kinds of mention pass 1 finds for every text, in the order pass 2 judges them
#: (``disclosure`` is found only when pass 3 needs it)
KINDS = ("method", "recipient", "conduct", "debt_issue", "count")


@dataclass
class Mention:
    """One regex match of a pattern: ``[start, end)`` offsets into the text, the named groups,
    the pack it came from; ``flags`` (pass 2) non-empty means it gives no label; ``codes`` is the
    pattern's codes unless an ``attach_alt`` contact word gave others."""

    p: Pattern
    start: int
    end: int
    groups: dict
    pack: LangPack
    flags: tuple = ()
    alt_codes: tuple[str, ...] | None = None

    @property
    def active(self) -> bool:
        return not self.flags

    @property
    def codes(self) -> tuple[str, ...]:
        return self.p.codes if self.alt_codes is None else self.alt_codes


@dataclass
class Mentions:
    """Pass 1's output, judged in place by pass 2: ``times`` as (RawTime, pack) pairs and one
    list of :class:`Mention` per kind of ``KINDS``, each in pack then pattern then text order."""

    times: list[tuple[RawTime, LangPack]]
    by_kind: dict[str, list[Mention]]

    def __getitem__(self, kind: str) -> list[Mention]:
        return self.by_kind[kind]

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


class Doc:
    """One text as the passes read it: the original ``text``, ``scan`` (redactions masked),
    ``low`` (lower-cased, same length and offsets), the ``language`` and ``jur`` (jurisdiction)
    it is judged under, the language ``packs`` to run, sentence and clause boundaries;
    ``text_for(pack)`` is the text a pack's regexes run on. Built by :func:`read`."""

    def __init__(self, text: str, scan: str, low: str, packs: list[LangPack], language: str,
                 jur: str):
        self.text = text
        self.scan = scan
        self.low = low
        self.packs = packs
        self.language = language
        self.jur = jur
        self._kw: dict[str, set[str]] = {}
        self._candidates: dict[str, dict[str, list[int]]] = {}
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

    def candidates(self, pk: LangPack) -> dict[str, list[int]]:
        """:func:`candidates` of the pack for this text (computed once per text and pack)."""
        hit = self._candidates.get(pk.lang)
        if hit is None:
            hit = self._candidates[pk.lang] = candidates(pk, self.keywords(pk, self.low))
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

    def clause_end(self, pos: int) -> int:
        """Where the clause after the one holding ``pos`` starts (the text's end if none), as
        ``sent_end`` for sentences."""
        i = bisect.bisect_right(self.clause_starts, pos)
        return self.clause_starts[i] if i < len(self.clause_starts) else len(self.scan)


def _list_head(doc: Doc, pack: LangPack, start: int, end: int | None) -> int | None:
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


def _negated(doc: Doc, pack: LangPack, start: int, end: int | None = None) -> bool:
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


def _irrealis(doc: Doc, pack: LangPack, start: int) -> bool:
    """A cue of the pack's ``irrealis`` in the clause before ``start`` (at most 50 / 12
    characters back), or, when that clause carries on the one before it
    (``irrealis_continues`` at its start), anywhere in that clause."""
    scan = doc.text_for(pack)
    cs = doc.clause_start(start)
    lo = max(cs, start - (50 if pack.lang == "en" else 12))
    if pack.irrealis.search(scan, lo, start) is not None:
        return True
    cont = pack.irrealis_continues
    if cont is None or cs == 0 or cont.match(scan, cs) is None:
        return False
    return pack.irrealis.search(scan, doc.clause_start(cs - 1), cs) is not None


def stated_act(doc: Doc, pack: LangPack, start: int) -> bool:
    """The words at ``start`` report something that happened: not negated, not hypothetical
    (the pack's negation and irrealis cues in the clause before them)."""
    return not (_negated(doc, pack, start) or _irrealis(doc, pack, start))


def _not_own_account(doc: Doc, pk: LangPack, pos: int) -> str | None:
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


def read(text: str | None, lang: str | None, jurisdiction: str | None) -> Doc:
    """Pass 0. ``lang``: 'en', 'zh' or None (detected); ``jurisdiction``: a key of
    ``TIME_WINDOW_RULES`` or None ('CN' for Chinese, else 'US'). Raises ``ValueError`` for
    an unknown language or jurisdiction."""
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
    return Doc(text, scan, low, packs, language, jur)


_THREAD_SPAN = 600
_WORD = re.compile(r"\w*")
# "I told them my employer doesn't allow calls": the recipient is no object of a speech verb
_SPEECH_VERB = re.compile(r"(?:told|tell|telling|inform\w*|ask\w*)\b")


def _last_subject(pk: LangPack, seg: str):
    last = None
    for sm in pk.lex["subject"].finditer(seg):
        last = sm
    return last


def _consumer_act(doc: Doc, pk: LangPack, start: int, end: int,
                  verb: bool | None = None) -> bool:
    """The contact word at [start, end) is the consumer's own act (see ``[actor]`` in
    patterns/en.toml): its subject is I/we (directly, through coordination, or elided after a
    sentence whose subject was I/we) and it is no passive or reception ("I was called",
    "I received a call") and no contact verb with object me/us ("called me"); or it went to the
    company or on the consumer's errand (``own_contact_after``: "numerous calls to Citi")."""
    lex = pk.lex
    scan = doc.text_for(pk)
    oa = lex.get("own_contact_after")
    om = oa.match(scan, end, min(len(scan), end + 60)) if oa is not None else None
    if om is not None and (om.group("name") is None or doc.scan[om.start("name")].isupper()):
        return True
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


def _in_request(doc: Doc, pk: LangPack, start: int, presupposed_ok: bool = False) -> bool:
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


def _actor_flag(doc: Doc, pk: LangPack, start: int, end: int) -> str | None:
    scan = doc.text_for(pk)
    if _consumer_act(doc, pk, start, end):
        return "by_consumer"
    if _in_request(doc, pk, start):
        return "in_request"
    if pk.lex["not_collector_after"].match(scan, end, min(len(scan), end + 80)):
        return "not_collector"
    return None


def other_speaker(pk: LangPack, scan: str, start: int, end: int) -> bool:
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


def _attached(doc: Doc, m: Mention, attach: re.Pattern) -> bool:
    """A vague intensity cue ("repeatedly", "constantly") counts only when a contact word
    (``attach``: a regex of the pattern's :class:`Attach`) of the collector stands in its clause
    within ``ATTACH_WINDOW`` characters."""
    pk = m.pack
    scan = doc.text_for(pk)
    lo = max(doc.clause_start(m.start), m.start - ATTACH_WINDOW)
    i = bisect.bisect_right(doc.clause_starts, m.end)
    hi = min(doc.clause_starts[i] if i < len(doc.clause_starts) else len(scan),
             m.end + ATTACH_WINDOW)
    for am in attach.finditer(scan, lo, hi):
        if not pk.reads_actors or not (_consumer_act(doc, pk, am.start(), am.end())
                              or _in_request(doc, pk, am.start())):
            return True
    return False


def _in_consumer_thread(m: Mention, scan: str, consumer_starts: list[int]) -> bool:
    """A back-reference ("on the call", sentence-initial "Called again", "hung up on me") to a
    contact the consumer made: the pattern's ``thread.before`` matches the text before the
    mention (and ``thread.match``, when given, the mention itself), and the consumer's own contact
    (``thread.origin``, or an earlier mention of the pattern flagged by_consumer: their starts in
    text order, ``consumer_starts``) occurs within the 600 characters before it."""
    th = m.p.thread
    if th.match is not None and not th.match.search(scan[m.start:m.end]):
        return False
    if not th.before.search(scan, max(0, m.start - 40), m.start):
        return False
    lo = max(0, m.start - _THREAD_SPAN)
    if th.origin is not None and th.origin.search(scan, lo, m.start):
        return True
    i = bisect.bisect_left(consumer_starts, lo)
    return i < len(consumer_starts) and consumer_starts[i] < m.start


# --- pass 1 -----------------------------------------------------------------------------------

_PATTERN_INDEX: dict[int, tuple[dict[str, tuple[int, ...]], dict[str, dict[str, tuple[int, ...]]]]] = {}


def _pattern_index(pk: LangPack):
    """``(always, by_keyword)`` of a pack, built once per loaded pack: per kind, the positions
    in ``pk.patterns[kind]`` of the patterns without keywords, and for each keyword the
    positions of the patterns that list it."""
    idx = _PATTERN_INDEX.get(id(pk))
    if idx is None:
        always: dict[str, tuple[int, ...]] = {}
        by_kw: dict[str, dict[str, list[int]]] = {}
        for kind, ps in pk.patterns.items():
            always[kind] = tuple(i for i, p in enumerate(ps) if not p.keywords)
            for i, p in enumerate(ps):
                for k in p.keywords:
                    by_kw.setdefault(k, {}).setdefault(kind, []).append(i)
        idx = _PATTERN_INDEX[id(pk)] = (always, {k: {kind: tuple(v) for kind, v in d.items()}
                                                 for k, d in by_kw.items()})
    return idx


def candidates(pk: LangPack, present: set[str]) -> dict[str, list[int]]:
    """Per kind, the positions in ``pk.patterns[kind]``, ascending, of the patterns whose
    keyword prefilter passes: no keywords, or one of them in ``present`` (the pack's keywords
    found in the text). The same patterns as testing ``present.isdisjoint(p.keywords)`` on
    each, at a cost that follows the keywords present rather than the number of patterns; every
    kind in one pass over them (``Doc.candidates`` keeps it per text)."""
    always, by_kw = _pattern_index(pk)
    hit = {kind: set(v) for kind, v in always.items()}
    for k in present:
        for kind, v in by_kw.get(k, {}).items():
            hit[kind].update(v)
    return {kind: sorted(v) for kind, v in hit.items()}


def find(doc: Doc, kind: str) -> list[Mention]:
    """Pass 1 for one kind: the non-empty matches of every pattern of ``kind`` whose keywords
    occur in the text, per pack, in pattern then text order, unjudged."""
    out = []
    for pk in doc.packs:
        scan = doc.text_for(pk)
        ps = pk.patterns[kind]
        for i in doc.candidates(pk)[kind]:
            p = ps[i]
            for m in p.regex.finditer(scan):
                if m.end() != m.start():
                    out.append(Mention(p, m.start(), m.end(), m.groupdict(), pk))
    return out


def find_all(doc: Doc) -> Mentions:
    """Pass 1: the time mentions of each pack and the mentions of every kind of ``KINDS``."""
    times = [(rt, pk) for pk in doc.packs
             for rt in find_times(pk, doc.text_for(pk), doc.low, doc.keywords(pk, doc.low))]
    return Mentions(times, {kind: find(doc, kind) for kind in KINDS})


# --- pass 2 -----------------------------------------------------------------------------------

def judge(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Pass 2 for the mentions of one kind (in pass 1's order, a pattern's in text order: the
    thread rule looks back at the pattern's mentions judged before): sets ``flags`` and, for an
    attached cue, ``alt_codes``. Returns ``mentions``. Linear in the mentions."""
    consumer_starts: dict[int, list[int]] = {}  # id(pattern) -> consumer's own acts' starts, in text order
    for m in mentions:
        m.flags, own = _flags(doc, m, consumer_starts.setdefault(id(m.p), []))
        if own:
            consumer_starts[id(m.p)].append(m.start)
    return mentions


#: A block match naming the consumer as who acted ("I called", "we then phoned", "my own call"):
#: only such a mention starts a thread of the consumer's contact (``_in_consumer_thread``). A
#: mention blocked for another reason ("threatening to call the police", "would call") is no
#: act of the consumer that later "she called my job" could continue.
_FIRST_PERSON = re.compile(r"\b(?:i|we|my|our)\b|我|本人", re.IGNORECASE)


def _flags(doc: Doc, m: Mention, consumer_starts: list[int]) -> tuple[tuple[str, ...], bool]:
    """The flags of ``m`` and whether it is the consumer's own act (blocked by a first-person
    subject, ``_FIRST_PERSON``); ``consumer_starts``: where its pattern's mentions judged before
    it were the consumer's own act (text order)."""
    p, pk, kind = m.p, m.pack, m.p.kind
    scan = doc.text_for(pk)
    flags = []
    bb = p.block.regex.search(scan, max(0, m.start - p.block.window), m.start) \
        if p.block is not None else None
    own = False
    if bb is not None and not (
            "would" in bb.group(0) and pk.lex.get("habitual_after") is not None
            and pk.lex["habitual_after"].match(scan, m.end, m.end + 60)):
        flags.append("by_consumer")
        own = _FIRST_PERSON.search(bb.group(0)) is not None
    elif p.thread is not None and _in_consumer_thread(m, scan, consumer_starts):
        flags.append("by_consumer_thread")
    if p.negatable and _negated(doc, pk, m.start, m.end):
        flags.append("negated")
    if p.irrealis and _irrealis(doc, pk, m.start):
        flags.append("irrealis")
    if kind in ("conduct", "count", "recipient"):
        nf = _not_own_account(doc, pk, m.start)
        if nf:
            flags.append(nf)
    if not flags and p.actor and pk.reads_actors:
        # a conduct span ("called them 12 times") is judged by its first word
        end = m.end if kind == "method" else m.start + len(
            _WORD.match(scan, m.start).group(0) or scan[m.start])
        af = _actor_flag(doc, pk, m.start, end)
        if af:
            flags.append(af)
    if p.attach and not flags:
        hit = next((a for a in p.attach if _attached(doc, m, a.regex)), None)
        if hit is None:
            flags.append("unattached")
        else:
            m.alt_codes = hit.codes
    if kind == "recipient" and pk.recipient_before is not None and not flags:
        rb = pk.recipient_before.search(
            scan, max(doc.sent_starts[doc.sent(m.start)], m.start - 60), m.start)
        if rb is not None and pk.reads_actors and not _SPEECH_VERB.match(rb.group(0)) and _consumer_act(
                doc, pk, rb.start(), rb.start() + 1, verb=True):
            rb = None  # "when I reached out to them amid my daughter ..."
        tf = pk.lex.get("reported_future")
        # before the context verb ("said they would call my HR department"), or before the
        # recipient when an earlier verb of the sentence was the context ("called me a liar,
        # stated will be calling my human resources manager")
        if rb is not None and tf is not None and any(
                tf.search(scan, max(doc.sent_starts[doc.sent(m.start)], end - 60), end)
                for end in (rb.start(), m.start)):
            flags.append("irrealis")
        elif not (rb or pk.recipient_after.match(scan, m.end, min(len(scan), m.end + 130))):
            flags.append("no_contact_verb")
        elif pk.reads_actors and _in_request(doc, pk, m.start, presupposed_ok=True):
            flags.append("in_request")
    return tuple(flags), own


def judge_all(doc: Doc, found: Mentions) -> Mentions:
    """Pass 2: judge the times (negation) and every kind, then the decisions across kinds:

    * a negated method stays when what is negated is a time after it in the sentence ("they
      never called me at night" presupposes calls); in Chinese also a recipient (他们没有打给我家里人:
      a call, not to the family), not in English ("they have never called my job or my family,
      they only send letters": no call). Chinese: past the method's clause only a time that is
      not negated itself (不是晚上打的，是早上九点 keeps the call; 从来没上门，也没在凌晨打过 keeps no visit);
    * a conduct whose pattern names jurisdictions is ``other_jurisdiction`` elsewhere (a private
      phone is a rule only in CN).
    """
    for rt, pk in found.times:
        if _negated(doc, pk, rt.start):
            rt.flags.add("negated")
    for kind in KINDS:
        judge(doc, found[kind])
    anchors = [rt.start for rt, _ in found.times]
    zh_anchors = [r.start for r in found["recipient"] if r.pack.lang == "zh"]
    zh_free = [rt.start for rt, _ in found.times if "negated" not in rt.flags]
    for m in found["method"]:
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
    for c in found["conduct"]:
        if c.active and c.p.jurisdictions and doc.jur not in c.p.jurisdictions:
            c.flags = ("other_jurisdiction",)
    return found
