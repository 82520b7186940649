"""Value parsers shared by the importers: text normalisation, dates and clock times in the
formats associations' files use, lists, numbers and yes/no flags, and CFPB dates in every form
CFPB and re-saving tools write, with the month-first / day-first reading decided per file
(``cfpb_date_reading``, ``parse_cfpb_date``).

All parsers are pure functions of one value, cached (files repeat values a lot).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Iterable

from analysis.ingest import reasons
from analysis.ingest.common import header_key
from analysis.ingest.reasons import reason

#: Values that mean "empty".
NULL_TOKENS = frozenset({"", "none", "null", "n/a", "na", "nan", "-", "--", "—", "无", "空", "暂无", "/"})

# Full-width forms are folded by NFKC, which is safe for the structured fields we parse (dates,
# numbers, codes). Free text is folded only for digits, ASCII letters and the punctuation
# below, so Chinese punctuation in narratives (，。、) stays as written.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
for _keep in "，。；：？！（）":  # keep these Chinese punctuation marks in free text
    _FULLWIDTH.pop(ord(_keep), None)


#: Control characters a file can carry but no text means (NUL from a broken export, form
#: feeds ...): removed from every value, so "凌晨\x00两点" reads as 凌晨两点. Tabs and line
#: breaks stay. Profile imports remove them here, the CFPB importer in SQL (``cfpb.cw_nz``).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


#: Invisible characters a copy from a web page or chat leaves in a structured value (zero-width
#: space, non-joiner, joiner, word joiner, byte-order mark).
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


@lru_cache(maxsize=500_000)
def clean_value(value: str | None) -> str | None:
    """A field value with control characters and invisible zero-width characters removed
    (``CONTROL_CHARS``, ``ZERO_WIDTH``: "1002" followed by U+200B is complaint 1002), full-width characters
    folded (NFKC), spaces trimmed, internal runs of spaces collapsed, and empty tokens (``''``,
    ``None``, ``N/A``, ``无``…) as None."""
    if value is None:
        return None
    v = unicodedata.normalize("NFKC", ZERO_WIDTH.sub("", CONTROL_CHARS.sub("", value)))
    v = re.sub(r"[ \t\u00a0]+", " ", v).strip()
    return None if v.lower() in NULL_TOKENS else v


@lru_cache(maxsize=500_000)
def clean_text(value: str | None) -> str | None:
    """Free text (narratives, titles): control characters removed (``CONTROL_CHARS``), full-width
    digits, letters and ASCII-like punctuation folded to half width, runs of spaces collapsed,
    trimmed; empty tokens as None."""
    if value is None:
        return None
    v = CONTROL_CHARS.sub("", value).translate(_FULLWIDTH)
    v = re.sub(r"[ \t\u00a0]{2,}", " ", v).strip()
    return None if v.lower() in NULL_TOKENS else v


@dataclass(frozen=True)
class When:
    """A parsed date / time: ``day`` (date or None), ``hour`` / ``minute`` / ``second`` (None
    unless a clock time was given), ``precision`` (exact, daypart, date_only, unknown) and
    ``daypart_code`` (code list daypart) when only a part of the day is known."""

    day: date | None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    precision: str = "date_only"
    daypart_code: str | None = None

    @property
    def at(self) -> datetime | None:
        """Local wall-clock timestamp, only for an exact time with a date."""
        if self.precision != "exact" or self.day is None:
            return None
        return datetime(self.day.year, self.day.month, self.day.day, self.hour, self.minute, self.second or 0)


DAYPARTS = {
    "凌晨": "early_morning", "早上": "morning", "早晨": "morning", "清晨": "morning", "上午": "forenoon",
    "中午": "noon", "下午": "afternoon", "傍晚": "evening", "晚上": "night", "晚间": "night", "夜里": "night",
    "半夜": "late_night", "深夜": "late_night", "午夜": "late_night", "白天": "daytime",
}
#: English parts of day, read alone (case-insensitive; "evening" in an English intake log). Their
#: codes follow the code list's English labels (``analysis.codes`` daypart: "Early morning
#: (05–09)" is 早上, "Morning (09–12)" 上午).
DAYPARTS_EN = {
    "small hours": "early_morning", "early hours": "early_morning", "early morning": "morning",
    "morning": "forenoon", "noon": "noon", "midday": "noon", "lunchtime": "noon", "afternoon": "afternoon",
    "evening": "evening", "night": "night", "at night": "night", "late night": "late_night",
    "late at night": "late_night", "daytime": "daytime",
}
#: Hour range of each daypart (RULEBOOK.md §5), start inclusive, end exclusive, may wrap.
DAYPART_HOURS = {
    "early_morning": (0, 5), "morning": (5, 9), "forenoon": (9, 12), "noon": (11, 13),
    "afternoon": (12, 18), "evening": (17, 19), "night": (18, 24), "late_night": (23, 4), "daytime": (8, 18),
}
_PM_WORDS = ("下午", "晚上", "晚间", "夜里", "傍晚")
_DP = "|".join(sorted(DAYPARTS, key=len, reverse=True))
_TIME = re.compile(
    rf"^(?P<dp>{_DP})?\s*(?P<h>\d{{1,2}})\s*(?:[:点时]\s*(?P<m>\d{{1,2}}|半)?\s*分?\s*(?:[:]\s*(?P<s>\d{{1,2}})(?:\.\d+)?\s*秒?)?)?"
    r"\s*(?P<ampm>[aApP]\.?[mM]\.?)?$")
_DP_ONLY = re.compile(rf"^(?P<dp>{_DP})$")
#: An English clock time with its part of day in words (lower case, single spaces).
_TIME_EN = re.compile(r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?: ?o'?clock)? "
                      r"(?:in the (?P<part>morning|afternoon|evening)|at (?P<night>night))$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(.*))?$")
_ZH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*(.*)$")
_SLASH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T]+(.*))?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


#: Why a date before ``analysis.filters.DATE_MIN`` is set aside (said after the date; its
#: Chinese wording is ``reasons.IMPLAUSIBLE_NOTE[1]``).
IMPLAUSIBLE_NOTE = reasons.IMPLAUSIBLE_NOTE[0]


def implausible(day: date) -> str | None:
    """Why ``day`` cannot be the date of a complaint or an incident, or None. Dates before
    ``analysis.filters.DATE_MIN`` (1990-01-01, the earliest date the dashboard filters on)
    are spreadsheet artefacts: an empty Excel date cell reads as 1899-12-30 or 1899-12-31,
    a zero as 1900-01-00. (Dates in the future are checked where today's date is known.)"""
    from analysis.filters import DATE_MIN
    if day < DATE_MIN:
        return reason("implausible_date", day=day.isoformat(), date_min=DATE_MIN.isoformat())
    return None


class DateError(ValueError):
    """A value that is not a date in any known format (the message says which formats)."""


KNOWN_FORMATS = reasons.KNOWN_FORMATS[0]


def ambiguous_slash_date(value: str | None) -> bool:
    """True for a date written with its year last whose first two numbers could each be the
    month (03/04/2024: 3 April or 4 March); ``parse_when`` reads it by ``date_order``."""
    m = _SLASH.match((value or "").strip())
    return bool(m) and int(m.group(1)) <= 12 and int(m.group(2)) <= 12 and m.group(1) != m.group(2)


@lru_cache(maxsize=500_000)
def parse_when(value: str, date_order: str = "mdy", midnight_is_date_only: bool = False) -> When:
    """Parse a date with an optional clock time or part of day.

    Formats: ``2024-12-04 09:58:32``, ``2024/12/4 9:58``, ``2024.12.4``, ``2024年12月4日
    上午9:58`` (also 下午3点半, 晚上11点, 凌晨2:10, or only 晚上), ``12/04/2024`` (month first
    when ``date_order`` is ``mdy``, day first for ``dmy``), two-digit years, ``9:58 PM``, and
    Excel serial numbers (``45630.41``). Full-width digits are folded first.
    ``midnight_is_date_only``: read ``00:00:00`` as "no time given" (FTC files).

    Raises ``DateError`` for anything else, or an impossible date or time.
    """
    v = clean_value(value)
    if v is None:
        raise DateError(reason("empty"))
    if _SERIAL.fullmatch(v):
        serial = float(v)
        if not 20000 <= serial <= 80000:
            raise DateError(reason("date_bad_serial", value=v))
        dt = _EXCEL_EPOCH + timedelta(days=serial)
        dt = (dt + timedelta(microseconds=500_000)).replace(microsecond=0)
        if serial == int(serial):
            return When(dt.date())
        return When(dt.date(), dt.hour, dt.minute, dt.second, "exact")
    m = _ISO.match(v) or _ZH.match(v)
    if m:
        y, mo, d, rest = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    else:
        m = _SLASH.match(v)
        if not m:
            raise DateError(reason("date_unknown_format", value=v))
        a, b, y, rest = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
        if y < 100:
            y += 2000 if y < 70 else 1900
        mo, d = (a, b) if date_order == "mdy" else (b, a)
    try:
        day = date(y, mo, d)
    except ValueError:
        raise DateError(reason("date_no_such", value=v)) from None
    rest = (rest or "").strip()
    if not rest:
        return When(day)
    t = parse_time(rest)
    if t.precision == "exact" and midnight_is_date_only and (t.hour, t.minute, t.second or 0) == (0, 0, 0):
        return When(day)
    if t.day_offset:
        day = day + timedelta(days=t.day_offset)
    return When(day, t.hour, t.minute, t.second, t.precision, t.daypart_code)


@dataclass(frozen=True)
class TimeOfDay:
    """A parsed clock time or part of day (``day_offset`` 1 for 晚上12点 = next day 00:00)."""

    hour: int | None
    minute: int | None
    second: int | None
    precision: str  # exact | daypart
    daypart_code: str | None = None
    day_offset: int = 0


@lru_cache(maxsize=100_000)
def parse_time(value: str) -> TimeOfDay:
    """Parse a clock time (``09:58``, ``9:58:32``, ``上午9:58``, ``下午3点半``, ``晚上11点``,
    ``9:58 PM``, ``21点05分``; in English also ``midnight``, ``8 in the evening``, ``2 at
    night``, ``10:30 at night``) or a part of day alone (``晚上``, ``凌晨``; in English
    ``DAYPARTS_EN``: ``evening``, ``late night``), a full stop or comma after it ignored.

    Raises ``DateError`` for anything else or an impossible time.
    """
    v = clean_value(value)
    if v is None:
        raise DateError(reason("empty"))
    v = v.rstrip(".,;!。，；！") or v  # "evening." as typed at the end of a sentence
    m = _DP_ONLY.match(v)
    if m:
        return TimeOfDay(None, None, None, "daypart", DAYPARTS[m.group("dp")])
    words = " ".join(v.lower().split())
    en = DAYPARTS_EN.get(words)
    if en:
        return TimeOfDay(None, None, None, "daypart", en)
    if words == "midnight":
        return TimeOfDay(0, 0, 0, "exact", None)
    m = _TIME_EN.match(words)
    if m:  # "8 in the evening", "10:30 at night", "7 o'clock in the morning"
        h, mi = int(m.group("h")), int(m.group("m") or 0)
        if not (1 <= h <= 12 and 0 <= mi <= 59):
            raise DateError(reason("time_range", value=v))
        part, offset = m.group("part") or m.group("night"), 0
        if part == "morning":
            h = 0 if h == 12 else h
        elif part in ("afternoon", "evening") or (part == "night" and h >= 5):
            if h == 12 and part != "afternoon":  # "12 at night": the midnight that ends the day, as 晚上12点
                h, offset = 0, 1
            elif h != 12:
                h += 12
        return TimeOfDay(h, mi, 0, "exact", None, offset)
    m = _TIME.match(v)
    if not m:
        raise DateError(reason("time_unknown", value=v))
    h = int(m.group("h"))
    mi = 30 if m.group("m") == "半" else int(m.group("m") or 0)
    s = int(m.group("s")) if m.group("s") else 0
    dp, ampm = m.group("dp"), (m.group("ampm") or "").lower().replace(".", "")
    offset = 0
    if ampm:
        if not 1 <= h <= 12:
            raise DateError(reason("time_ampm", value=v, hour=h))
        h = (h % 12) + (12 if ampm == "pm" else 0)
    elif dp:
        if dp in _PM_WORDS and h < 12:
            h += 12
        elif dp == "中午" and h < 11:
            h += 12
        elif dp in ("晚上", "晚间", "夜里", "半夜", "深夜", "午夜") and h == 12:
            h, offset = 0, 1 if dp in ("晚上", "晚间", "夜里") else 0
        elif dp in ("凌晨", "上午", "早上", "早晨", "清晨") and h == 12:
            h = 0 if dp == "凌晨" else 12
    if not (0 <= h <= 23 and 0 <= mi <= 59 and 0 <= s <= 59):
        raise DateError(reason("time_range", value=v))
    return TimeOfDay(h, mi, s, "exact", None, offset)


_SPLIT = re.compile(r"\s*(?:[,，、;；|\n]|(?<!<)/(?![a-z]+>))\s*")  # "</b>" is not a separator


def split_list(value: str | None) -> list[str]:
    """A list cell split on ``,`` ``，`` ``、`` ``;`` ``；`` ``/`` ``|`` and line breaks (not the
    ``/`` of a tag such as ``</b>``), empty items dropped, order and duplicates as written."""
    v = clean_text(value)
    if v is None:
        return []
    return [p for p in (x.strip() for x in _SPLIT.split(v)) if p]


_NUMBER = re.compile(r"^[¥￥$€£]?\s*(-?\d[\d,]*(?:\.\d+)?)\s*(元|万元|万|块|rmb|cny|usd)?$", re.I)


@lru_cache(maxsize=100_000)
def parse_amount(value: str) -> float:
    """A money amount: ``12000``, ``1,200.50``, ``¥3000``, ``3000元``, ``1.2万``. Raises
    ``ValueError`` otherwise."""
    v = clean_value(value)
    m = _NUMBER.match(v or "")
    if not m:
        raise ValueError(f"{value!r} is not an amount")
    n = float(m.group(1).replace(",", ""))
    if (m.group(2) or "").startswith("万"):
        n *= 10_000
    return n


_DURATION = re.compile(r"^(?:(\d+)\s*(?:小时|h|时))?\s*(?:(\d+)\s*(?:分钟|分|m|min))?\s*(?:(\d+)\s*(?:秒|s|sec))?$", re.I)


#: The longest call duration taken as one (seconds): a day. A longer value is a wrong column or
#: a unit mix-up (milliseconds), and would not fit the stored INTEGER either.
MAX_CALL_SECONDS = 86_400


@lru_cache(maxsize=100_000)
def parse_duration_seconds(value: str) -> int:
    """A call duration in seconds: ``95``, ``01:35``, ``0:01:35``, ``1分35秒``, ``2m 5s``.
    Raises ``ValueError`` otherwise (not a duration), and ``OverflowError`` for one longer
    than ``MAX_CALL_SECONDS``."""
    got = _duration_seconds(value)
    if got > MAX_CALL_SECONDS:
        raise OverflowError(got)
    return got


def _duration_seconds(value: str) -> int:
    v = clean_value(value)
    if v is None:
        raise ValueError("empty")
    if re.fullmatch(r"\d+", v):
        return int(v)
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", v):
        parts = [int(x) for x in v.split(":")]
        return parts[0] * 60 + parts[1] if len(parts) == 2 else parts[0] * 3600 + parts[1] * 60 + parts[2]
    m = _DURATION.fullmatch(v)
    if m and any(m.groups()):
        h, mi, s = (int(x or 0) for x in m.groups())
        return h * 3600 + mi * 60 + s
    raise ValueError(f"{value!r} is not a duration")


def lookup_code(value: str | None, table: dict[str, str], keywords: list[tuple[str, str]]) -> str | None:
    """Code for ``value``: an entry of ``table`` (keys as ``common.header_key`` gives them, as
    profiles store them: case, spaces and punctuation ignored, so "Emergency contact" is
    ``emergencycontact``), else the code of the first keyword contained in the value
    (``keywords`` ordered most specific first; a keyword in Latin letters only where a word
    starts, so "other" is not found in "mother" nor "call" in "recall"), else None."""
    v = clean_value(value)
    if v is None:
        return None
    key = header_key(v)
    if key in table:
        return table[key]
    low = v.lower()
    for word, code in keywords:
        if _keyword_in(word, low):
            return code
    return None


def _keyword_in(word: str, low: str) -> bool:
    """Whether keyword ``word`` is in ``low`` (both lower case): anywhere for a keyword that
    starts with a Chinese character (Chinese has no spaces between words), at the start of a
    word for one that starts with a Latin letter or digit ("compensat" finds "compensation")."""
    if not (word[:1].isascii() and word[:1].isalnum()):
        return word in low
    i = low.find(word)
    while i != -1:
        if i == 0 or not (low[i - 1].isascii() and low[i - 1].isalnum()):
            return True
        i = low.find(word, i + 1)
    return False


# --------------------------------------------------------------------------------------------
# CFPB dates: every form CFPB and the tools that re-save its files write, read per file
# --------------------------------------------------------------------------------------------

#: The date forms CFPB files come in (DOMAIN.md "Known source formats": ``2019-09-24``,
#: ``9/24/2019``, ``09/24/19``) and those of tools that re-save them (Excel, LibreOffice,
#: Socrata): shown in quarantine reasons and the import report.
CFPB_DATE_FORMS = reasons.CFPB_DATE_FORMS[0]
_CLOCK_TAIL = (r"(?:(?:T|\s+)(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::(?P<ss>\d{2})(?:[.,]\d{1,9})?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
               r"\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?")
_CFPB_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _CLOCK_TAIL)
_CFPB_NNY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _CLOCK_TAIL)
_CFPB_D_MON_Y = re.compile(r"(\d{1,2})[- ]([A-Za-z]{3,9})\.?[- ,]\s*(\d{4}|\d{2})" + _CLOCK_TAIL)
_CFPB_MON_D_Y = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})" + _CLOCK_TAIL)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


def _month_number(name: str) -> int | None:
    low = name.lower()
    for i, full in enumerate(_MONTHS, start=1):
        if len(low) >= 3 and full.startswith(low):
            return i
    return None


def _full_year(y: int) -> int:
    return y if y >= 100 else y + (2000 if y < 70 else 1900)


@dataclass(frozen=True)
class DateReading:
    """How one file's ``N/N/YEAR`` dates are read (``cfpb_date_reading``).

    ``order``: ``mdy`` (month first, CFPB's own form) or ``dmy`` (day first, for the whole
    file); ``day_first_only`` / ``month_first_only``: values that fit only that order (first /
    second number above 12); ``ambiguous``: values that fit both; ``example``: a value that
    decided, or ``None``."""

    order: str
    day_first_only: int
    month_first_only: int
    ambiguous: int
    example: str | None = None

    def note(self) -> str | None:
        """The import report's sentence on the reading used (None: no ``N/N/YEAR`` dates)."""
        if self.order == "dmy":
            return reason("dates_day_first", n=self.day_first_only, example=self.example)
        if self.day_first_only and self.month_first_only:
            return reason("dates_mixed", month_first=self.month_first_only, day_first=self.day_first_only,
                          example=self.example)
        if self.month_first_only or self.ambiguous:
            why = (reason("dates_none_above_12") if not self.month_first_only
                   else reason("dates_only_month_first", example=self.example))
            return reason("dates_month_first", why=why)
        return None


def cfpb_date_reading(values: Iterable[str | None]) -> DateReading:
    """Decide, for one file, whether its ``N/N/YEAR`` dates (``/``, ``.`` or ``-``) are month
    first or day first, from the values of its date columns (Date received and Date sent to
    company together: one tool wrote both).

    Day first for the whole file when some value can only be day first (first number 13–31,
    second 1–12, e.g. ``24/09/2019``) and none can only be month first; otherwise month first,
    CFPB's own form (DOMAIN.md), also for a file whose values are all ambiguous (``03/04/2019``)
    or that contradict each other. Year-first values (``2019-09-24``, ``2019/9/24``) and month
    names never count. Returns a ``DateReading``; raises nothing.
    """
    day_only = month_only = ambiguous = 0
    day_example = month_example = None
    for v in values:
        m = _CFPB_NNY.fullmatch(v.strip()) if v else None
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(3))
        if 13 <= a <= 31 and 1 <= b <= 12:
            day_only += 1
            day_example = day_example or v.strip()
        elif 13 <= b <= 31 and 1 <= a <= 12:
            month_only += 1
            month_example = month_example or v.strip()
        elif 1 <= a <= 12 and 1 <= b <= 12:
            ambiguous += 1
    if day_only and not month_only:
        return DateReading("dmy", day_only, month_only, ambiguous, day_example)
    return DateReading("mdy", day_only, month_only, ambiguous, day_example if day_only else month_example)


@lru_cache(maxsize=100_000)
def parse_cfpb_date(value: str, order: str = "mdy") -> date:
    """One CFPB date value (already trimmed, not empty) as a ``datetime.date``.

    Forms: ``2019-09-24`` and ``2019/9/24`` (year first, also with a time such as
    ``2019-09-24T00:00:00`` or ``2019-09-24 00:00:00.000Z``, which is dropped: CFPB publishes
    dates only), ``9/24/2019``, ``09/24/19``, ``9-24-2019``, ``24.09.2019`` read in ``order``
    (``mdy`` or ``dmy``, decided per file by ``cfpb_date_reading``), and Excel's month names
    (``24-Sep-2019``, ``24-Sep-19``, ``Sep 24, 2019``). Two-digit years: 00–69 → 20xx.

    Raises ``DateError`` with a message naming the value and what is wrong: no known form, no
    such date, no such date in the file's reading (``24/09/2019`` in a month-first file), or
    a time that is no clock time (``2024-01-03 25:00``).
    """
    v = value.strip()
    m = _CFPB_YMD.fullmatch(v)
    reading = ""
    if m:
        y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
    elif m := _CFPB_NNY.fullmatch(v):
        a, b, y = int(m.group(1)), int(m.group(3)), _full_year(int(m.group(4)))
        mo, d = (a, b) if order == "mdy" else (b, a)
        reading = "cfpb_date_no_such_mdy" if order == "mdy" else "cfpb_date_no_such_dmy"
    elif (m := _CFPB_D_MON_Y.fullmatch(v)) and _month_number(m.group(2)):
        d, mo, y = int(m.group(1)), _month_number(m.group(2)), _full_year(int(m.group(3)))
    elif (m := _CFPB_MON_D_Y.fullmatch(v)) and _month_number(m.group(1)):
        mo, d, y = _month_number(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise DateError(reason("cfpb_date_unknown", value=v))
    if m.group("hh") is not None and (int(m.group("hh")) > 23 or int(m.group("mm")) > 59
                                      or int(m.group("ss") or 0) > 59):
        raise DateError(reason("cfpb_date_bad_time", value=v))
    try:
        return date(y, mo, d)
    except ValueError:
        raise DateError(reason(reading or "date_no_such", value=v)) from None
