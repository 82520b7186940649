"""Clock-time and daypart extraction (English and Chinese), before any rule is applied.

Internal module of :mod:`analysis.classify`. ``find_times(pack, scan, low)`` returns raw time
mentions: character spans into the text, the resolved local wall-clock minute when the text
fixes it, the a.m./p.m. candidates when it does not, a daypart code, and context flags.
Conventions (RULEBOOK.md §5): dayparts map to the ranges of ``DAYPART_RANGES``; a bare hour
with no a.m./p.m. or daypart ("at 7", 十点半, 12点) is ``ampm_ambiguous`` and gets no hour;
晚上12点 / 半夜十二点 / midnight is 00:00.
"""
from __future__ import annotations

import bisect

import re
from dataclasses import dataclass, field
from functools import lru_cache

import cn2an

from analysis.classify.patterns import LangPack

# Minutes after local midnight, [start, end); late_night wraps past midnight.
DAYPART_RANGES: dict[str, tuple[int, int]] = {
    "early_morning": (0, 300), "morning": (300, 540), "forenoon": (540, 720),
    "noon": (660, 780), "afternoon": (720, 1080), "evening": (1020, 1140),
    "night": (1080, 1440), "late_night": (1380, 240), "daytime": (480, 1080),
}

ZH_DAYPART = {
    "凌晨": "early_morning", "早上": "morning", "早晨": "morning", "清晨": "morning",
    "一大早": "morning", "大清早": "morning", "每天早上": "morning", "早": "morning",
    "上午": "forenoon", "中午": "noon", "下午": "afternoon", "傍晚": "evening",
    "晚上": "night", "夜里": "night", "夜间": "night", "今晚": "night", "昨晚": "night",
    "当晚": "night", "每晚": "night", "每天晚上": "night", "晚": "night",
    "半夜": "late_night", "大半夜": "late_night", "深夜": "late_night", "午夜": "late_night",
}
EN_DAYPART = {"morning": "morning", "afternoon": "afternoon", "evening": "evening",
              "night": "night", "tonight": "night"}

_RANGE_GAP = re.compile(r"^\s*(?:(?:and|then|it|they|went|on|kept|going|continued|lasted|"
                        r"all the way)\s+){0,5}(?:to|until|till|til|through|thru|[-–—~]|到|至)"
                        r"\s*(?:晚上|凌晨|半夜|深夜|早上|下午|上午)?\s*$", re.IGNORECASE)
_ZH_BAD_BEFORE = set("有这那第差些好快慢多少再大小几")


@dataclass
class RawTime:
    """A time mention before jurisdiction rules. ``minute_of_day`` set only when exact."""

    start: int
    end: int
    pattern_id: str
    minute_of_day: int | None = None
    candidates: tuple[int, ...] = ()
    daypart: str | None = None
    flags: set = field(default_factory=set)
    bound: str | None = None        # 'before' | 'after' the given clock time
    bound_minute: int | None = None


def _en_number(tok: str, pack: LangPack) -> int | None:
    tok = tok.lower()
    if tok.isdigit():
        return int(tok)
    return pack.numbers.get(tok)


@lru_cache(maxsize=4096)
def zh_number(tok: str) -> int | None:
    """Arabic or Chinese numeral (两, 二十三, 零五) to int, via cn2an; None if not a number."""
    if tok.isdigit():
        return int(tok)
    try:
        return int(cn2an.cn2an(tok, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _resolve_en(h: int, dp: str) -> int | None:
    """Hour 1–12 plus an English daypart word to a 24-hour hour."""
    if dp == "morning":
        return 0 if h == 12 else h
    if dp in ("afternoon", "evening"):
        return h if h == 12 else h + 12
    if dp in ("night", "tonight"):
        if h == 12:
            return 0
        return h + 12 if h >= 6 else h
    return None


def _resolve_zh(h: int, dp: str) -> int | None:
    """Hour plus a Chinese daypart (RULEBOOK §5 table) to a 24-hour hour, None if it clashes."""
    code = ZH_DAYPART.get(dp)
    if h >= 13:
        return h if h <= 23 else None
    if code == "early_morning":
        return 0 if h == 12 else (h if h <= 6 else None)
    if code == "morning":
        return h if h <= 11 else None
    if code == "forenoon":
        return h
    if code == "noon":
        return h if h >= 11 else h + 12
    if code == "afternoon":
        return h if h == 12 else h + 12
    if code == "evening":
        return h + 12 if h < 12 else h
    if code == "night":
        if h == 12:
            return 0
        return h + 12 if h >= 5 else h
    if code == "late_night":
        if h == 12:
            return 0
        return h + 12 if h >= 9 else h
    return None


def _ambiguous(h: int) -> tuple[int, ...]:
    if h == 12:
        return (12 * 60, 0)
    return (h * 60, (h + 12) * 60)


def _context_flags(rt: RawTime, pack: LangPack, scan: str) -> None:
    before = scan[max(0, rt.start - 60):rt.start]
    after = scan[rt.end:rt.end + 40]
    ctx = pack.ctx
    if "tz_shift_after" in ctx and ctx["tz_shift_after"].search(after):
        rt.flags.add("tz_shift")
    if "declared_before" in ctx and ctx["declared_before"].search(before):
        rt.flags.add("declared_window")
        return
    if "deadline_before" in ctx and ctx["deadline_before"].search(before):
        rt.flags.add("deadline")
    if "approx_before" in ctx and ctx["approx_before"].search(before):
        rt.flags.add("approx")
    if rt.bound is None:
        if "bound_before" in ctx and ctx["bound_before"].search(before):
            rt.bound = "before"
        elif "bound_after" in ctx and ctx["bound_after"].search(before):
            rt.bound = "after"


def _en_times(pack: LangPack, scan: str, low: str, present: set | None = None) -> list[RawTime]:
    out: list[RawTime] = []
    for p in pack.patterns["time"]:
        if not _passes(p, low, present):
            continue
        for m in p.regex.finditer(scan):
            g = m.groupdict()
            start = m.start("h") if g.get("h") is not None else m.start()
            if g.get("word") is not None:
                start = m.start("word")
            rt = RawTime(start, m.end(), p.id)
            if g.get("word"):
                w = g["word"].lower()
                rt.minute_of_day = 0 if w == "midnight" else 12 * 60
                out.append(rt)
                continue
            h = _en_number(g["h"], pack)
            mi = int(g["m"]) if g.get("m") else 0
            if h is None or h > 23:
                continue
            if g.get("rel"):  # "quarter to ten", "half past seven", "20 after 9"
                q = {"quarter": 15, "half": 30}.get(g["relm"].lower()) or _en_number(g["relm"], pack)
                if q is None or not 0 < q < 60 or not 1 <= h <= 12:
                    continue
                if g["rel"].lower() in ("to", "till", "til", "before"):
                    h, mi = (h - 1) or 12, 60 - q
                else:
                    mi = q
            if g.get("ampm"):
                if h == 0 or h > 12:
                    continue
                hh = h % 12 + (12 if g["ampm"].lower() == "p" else 0)
                rt.minute_of_day = hh * 60 + mi
                out.append(rt)
                continue
            if g.get("m") and (h >= 13 or h == 0 or g["h"].startswith("0")):
                rt.minute_of_day = h * 60 + mi
                rt.flags.add("24h")
                out.append(rt)
                continue
            if h == 0 or h > 12:
                continue
            # a daypart right after or before resolves a.m./p.m.
            ma = pack.ctx["daypart_after"].match(scan, rt.end, rt.end + 40)
            dp = None
            if ma:
                dp = ma.group("dp").lower()
                rt.end = ma.end("dp")
            else:
                mb = pack.ctx["daypart_before"].search(scan[max(0, m.start() - 30):m.start()])
                if mb:
                    dp = mb.group("dp").lower()
            if dp:
                hh = _resolve_en(h, dp)
                rt.minute_of_day = hh * 60 + mi
                rt.daypart = EN_DAYPART.get(dp)
            else:
                rt.candidates = tuple(c + mi for c in _ambiguous(h))
                rt.flags.add("ampm_ambiguous")
            out.append(rt)
    return out


# 我晚上十点下班 / 早上七点才起床: the consumer's own schedule, no contact time
_ZH_SCHEDULE_AFTER = re.compile(r"(?:才|就|要|得|开始|准时|以后才|之后才)?(?:出门|出发)?(?:下班|上班|睡觉|起床|到家|回家|下课|放学|收工|下夜班|出门|出发)")
# 每天下午四点半你婆婆去接她 / 下午五点孩子放学（催收说出别人的作息）: someone else's routine, no contact time
_ZH_OTHERS_ROUTINE_AFTER = re.compile(r"(?:你|他|她)(?:们)?(?:的|家)?(?:婆婆|公公|老婆|老公|妈妈?|爸爸?|女儿|儿子|孩子|小孩|奶奶|爷爷|外婆|外公|姥姥|保姆)?(?:都|就|会|要|准时|每天)?(?:去|来)?(?:接|送)(?:孩子|小孩|她|他|你|女儿|儿子)?(?![^，。！？]{0,2}电话)|(?:你|他|她)?(?:的|家)?(?:孩子|小孩|女儿|儿子)(?:就|准时)?(?:放学|上学|下课|出校门)")
# 我晚上十一点给催收员发微信 / 我前天晚上十点自己打给客服: the borrower's own message or call, no
# contact time (我晚上十点接到电话 stays one)
_ZH_OWN_BEFORE = re.compile(r"我(?:是|就|又|也|还|每天|昨天|前天|今天|当天|那天|上周|后来|然后)?$")
_ZH_OWN_AFTER = re.compile(r"(?:就|才|又|也|还|主动|自己|亲自|特意|专门)?(?:给|跟|向|打给|打电话给|回(?:复|了|电话)?|发(?:了|消息|微信|短信)|联系|打(?:过去|了个?电话|回去))(?!我)")
# 请于今日22:00前完成还款 / 今晚十二点前还清: a deadline, no contact time
_ZH_DEADLINE_AFTER = re.compile(r"(?:(?:之|以)?前)?(?:务必|必须|一定|要|请|记得|需|须)?(?:完成|还|处理|结清|缴|付|把|联系|回电|回复|到账|打款|转账|转|存|充值|办理|补齐|交)")
_ZH_DEADLINE_NEED_BEFORE = re.compile(r"(?:之|以)?前")
_ZH_RANGE_GAP = re.compile(r"^(?:一直|持续|连续|再)?(?:打|催|闹|耗|骚扰|等)?(?:到|至|[-–—~～])$")
_ZH_DIGITS = set("一二两三四五六七八九")


def _zh_resolve(h: int, mi: int, dp: str | None, rt: RawTime) -> None:
    """Set ``rt``'s minute of day (or its a.m./p.m. candidates) from hour, minute and daypart."""
    if dp:
        rt.daypart = ZH_DAYPART.get(dp)
        hh = _resolve_zh(h, dp)
        if hh is None:
            rt.candidates = tuple(c + mi for c in _ambiguous(h % 12 or 12))
            rt.flags.add("ampm_ambiguous")
        else:
            rt.minute_of_day = hh * 60 + mi
    elif h >= 13 or h == 0:
        rt.minute_of_day = h * 60 + mi
        if h >= 13:
            rt.flags.add("24h")
    else:
        rt.candidates = tuple(c + mi for c in _ambiguous(h))
        rt.flags.add("ampm_ambiguous")


def _zh_pair(p, m: re.Match, g: dict) -> list[RawTime]:
    """下午三四点 / 晚上十一二点: two neighbouring hours, each an approximate time (or nothing
    when the two numbers are no neighbours: 十三点 is no pair)."""
    h1, h2 = zh_number(g["h"]), zh_number(g["h2"])
    if h1 is None or h2 is None:
        return []
    if h1 >= 10 and h2 < 10:
        h2 += 10                      # 十一二点 = 11 or 12
    if h2 != h1 + 1 or h2 > 12:
        return []
    dp = g.get("dp")
    a = RawTime(m.start("dp") if dp else m.start("h"), m.end("h"), p.id)
    b = RawTime(m.start("h2"), m.end(), p.id)
    for rt, h in ((a, h1), (b, h2)):
        _zh_resolve(h, 0, dp, rt)
        rt.flags.update(("approx", "range"))
    return [a, b]


def _inherit_across_range(out: list[RawTime], scan: str, joined, tight=lambda a, b: True) -> None:
    """The two ends of a range share a reading: a bare end takes the reading nearest after an
    exact start (晚上九点到十一点 -> 23:00, "from 9pm to 11" -> 23:00), a bare start the reading
    nearest before an exact end ("7-9pm" -> 19:00, "between 9 and 10 at night" -> 21:00). Both
    ends are flagged ``range``, the inherited one ``ampm_from_range``; the labelled sets record
    a range as its two ends ("22:00–00:00", flagged range). ``joined(a, b)``: the
    text between two times makes them a range (per language); ``tight(a, b)``: the end's reading
    may pass back to a bare start (English: "7-9pm", "8 to 10 pm", but not "started at 7 and went
    on until midnight", which the labelling guide keeps ambiguous). Sorts ``out`` by start."""
    out.sort(key=lambda r: r.start)
    for a, b in zip(out, out[1:]):
        if not joined(a, b):
            continue
        if a.minute_of_day is not None and "ampm_ambiguous" in b.flags and b.candidates:
            t = min(b.candidates, key=lambda c: (c - a.minute_of_day) % 1440)
            fixed, other = b, a
        elif b.minute_of_day is not None and "ampm_ambiguous" in a.flags and a.candidates and tight(a, b):
            t = min(a.candidates, key=lambda c: (b.minute_of_day - c) % 1440)
            fixed, other = a, b
        else:
            continue
        fixed.minute_of_day, fixed.candidates = t, ()
        fixed.flags.discard("ampm_ambiguous")
        fixed.flags.add("ampm_from_range")
        fixed.daypart = fixed.daypart or other.daypart
        a.flags.add("range")
        b.flags.add("range")


def _zh_joined(scan: str):
    return lambda a, b: bool(_ZH_RANGE_GAP.match(scan[a.end:b.start].strip()))


#: "between 9 and 10 at night": "and" joins a range only after "between"
_EN_BETWEEN_BEFORE = re.compile(r"\bbetween\s*$", re.IGNORECASE)
_EN_AND = re.compile(r"\s*and\s*$", re.IGNORECASE)


#: the end's a.m./p.m. or daypart reaches back over these alone ("7-9pm", "8 to 10 pm")
_EN_TIGHT = re.compile(r"\s*(?:to|-|–|—|and)\s*", re.IGNORECASE)


def _en_tight(scan: str):
    return lambda a, b: bool(_EN_TIGHT.fullmatch(scan, a.end, b.start)) and b.pattern_id != "en.time.word"


def _en_joined(scan: str):
    def joined(a: RawTime, b: RawTime) -> bool:
        gap = scan[a.end:b.start]
        if b.start - a.end > 40:
            return False
        return bool(_RANGE_GAP.match(gap) or (
            _EN_AND.fullmatch(gap) and _EN_BETWEEN_BEFORE.search(scan, max(0, a.start - 12), a.start)))
    return joined


def _zh_times(pack: LangPack, scan: str, low: str, present: set | None = None) -> list[RawTime]:
    out: list[RawTime] = []
    for p in pack.patterns["time"]:
        if not _passes(p, low, present):
            continue
        for m in p.regex.finditer(scan):
            g = m.groupdict()
            if g.get("h2") is not None:
                out.extend(_zh_pair(p, m, g))
                continue
            dp, mn, post = g.get("dp"), g.get("min"), g.get("post")
            tok = g["h"]
            if len(tok) == 2 and tok[0] in _ZH_DIGITS and tok[1] in _ZH_DIGITS:
                continue  # 两三点 / 三四点 are two hours, not 23 or 34 (zh.time.clock_pair)
            h = zh_number(tok)
            if h is None or h > 24:
                continue
            if not dp and not mn and not post and not g.get("pre") and p.id == "zh.time.clock":
                prev = scan[m.start() - 1] if m.start() else ""
                if prev in _ZH_BAD_BEFORE or g["h"] in ("一",):
                    continue
            if h == 24:
                h = 0
            if dp and g.get("pre") in ("到", "至"):
                dp = None  # 从早上到十一点半: the daypart starts the range, the end keeps its own reading
            rt = RawTime(m.start("dp") if dp else m.start("h"), m.end(), p.id)
            if mn is None and g.get("m") is not None:
                mn = g["m"]
            if mn in (None, "", "整", "钟"):
                mi = 0
            elif mn == "半":
                mi = 30
            elif mn == "一刻":
                mi = 15
            elif mn == "三刻":
                mi = 45
            else:
                mi = zh_number(mn.rstrip("分")) if mn.rstrip("分") else 0
                if mi is None or mi > 59:
                    mi = 0
            if post in ("多", "左右"):
                rt.flags.add("approx")
            elif post in ("以后", "之后", "过后", "后"):
                rt.bound = "after"
            elif post in ("以前", "之前", "前"):
                rt.bound = "before"
            _zh_resolve(h, mi, dp, rt)
            out.append(rt)
    _inherit_across_range(out, scan, _zh_joined(scan))
    for rt in out:
        if _ZH_SCHEDULE_AFTER.match(scan, rt.end) or _ZH_OTHERS_ROUTINE_AFTER.match(scan, rt.end):
            rt.flags.add("declared_window")
        elif _ZH_OWN_BEFORE.search(scan, max(0, rt.start - 6), rt.start) and _ZH_OWN_AFTER.match(scan, rt.end):
            rt.flags.add("declared_window")  # the borrower's own act at that time
        if (rt.bound == "before" or _ZH_DEADLINE_NEED_BEFORE.match(scan, rt.end)) and \
                _ZH_DEADLINE_AFTER.match(scan, rt.end):
            rt.flags.add("deadline")
    return out


def _dayparts(pack: LangPack, scan: str, low: str, present: set | None = None) -> list[RawTime]:
    out = []
    for p in pack.patterns["daypart"]:
        if not _passes(p, low, present):
            continue
        for m in p.regex.finditer(scan):
            if m.end() > m.start():  # (an empty match is no mention; find_times' overlap test needs spans)
                out.append(RawTime(m.start(), m.end(), p.id, daypart=p.codes[0]))
    return out


def _passes(p, low: str, present: set | None) -> bool:
    """The pattern's keyword prefilter: ``present`` is the set of the pack's keywords found in
    the text (one Aho-Corasick pass, engine._Doc.keywords); without it, substring tests."""
    if present is None:
        return p.prefilter(low)
    return not p.keywords or not present.isdisjoint(p.keywords)


def find_times(pack: LangPack, scan: str, low: str, present: set | None = None) -> list[RawTime]:
    """All time mentions of one language in ``scan`` (redactions already masked).

    Clock times win over dayparts they overlap; ranges ("from 7 until midnight", 十点到十二点)
    flag both ends ``range``. Context flags: tz_shift, declared_window, deadline, approx; bounds
    ("before 8 am", 零点过后) set ``bound``.
    """
    clocks = (_en_times(pack, scan, low, present) if pack.lang == "en"
              else _zh_times(pack, scan, low, present))
    clocks.sort(key=lambda r: (r.start, -(r.end - r.start)))
    kept: list[RawTime] = []
    last_end = -1
    for rt in clocks:
        if rt.start >= last_end:
            kept.append(rt)
            last_end = rt.end
    if pack.lang == "en":
        _inherit_across_range(kept, scan, _en_joined(scan), _en_tight(scan))
    for rt in kept:
        _context_flags(rt, pack, scan)
        if rt.bound is not None:
            rt.bound_minute = rt.minute_of_day if rt.minute_of_day is not None else (
                rt.candidates[0] if rt.candidates else None)
            if rt.minute_of_day is not None and rt.minute_of_day < 300 and rt.bound == "after":
                rt.daypart = rt.daypart or "early_morning"
            rt.minute_of_day = None
    for a, b in zip(kept, kept[1:]):
        if b.start - a.end <= 40 and _RANGE_GAP.match(scan[a.end:b.start]):
            a.flags.add("range")
            b.flags.add("range")
    # a daypart overlapping a clock time or a daypart kept before is left out; both lists are in
    # text order without overlaps, so their ends rise too and one comparison each tells
    dps: list[RawTime] = []
    kept_starts = [c.start for c in kept]
    for d in sorted(_dayparts(pack, scan, low, present), key=lambda r: (r.start, -(r.end - r.start))):
        j = bisect.bisect_left(kept_starts, d.end)  # kept[:j] start before d ends
        if (j and kept[j - 1].end > d.start) or (dps and dps[-1].end > d.start):
            continue
        dps.append(d)
    res = kept + dps
    res.sort(key=lambda r: r.start)
    return res
