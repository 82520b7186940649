"""Value parsers shared by the profile importers: text normalisation, dates and clock times
in the formats associations' files use, lists, numbers and yes/no flags.

All parsers are pure functions of one value, cached (files repeat values a lot).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

#: Values that mean "empty".
NULL_TOKENS = frozenset({"", "none", "null", "n/a", "na", "nan", "-", "--", "—", "无", "空", "暂无", "/"})

# Full-width forms are folded by NFKC, which is safe for the structured fields we parse (dates,
# numbers, codes). Free text is folded only for digits, ASCII letters and the punctuation
# below, so Chinese punctuation in narratives (，。、) stays as written.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
for _keep in "，。；：？！（）":  # keep these Chinese punctuation marks in free text
    _FULLWIDTH.pop(ord(_keep), None)


@lru_cache(maxsize=500_000)
def clean_value(value: str | None) -> str | None:
    """A field value with full-width characters folded (NFKC), spaces trimmed, internal runs
    of spaces collapsed, and empty tokens (``''``, ``None``, ``N/A``, ``无``…) as None."""
    if value is None:
        return None
    v = unicodedata.normalize("NFKC", value)
    v = re.sub(r"[ \t\u00a0]+", " ", v).strip()
    return None if v.lower() in NULL_TOKENS else v


@lru_cache(maxsize=500_000)
def clean_text(value: str | None) -> str | None:
    """Free text (narratives, titles): full-width digits, letters and ASCII-like punctuation
    folded to half width, runs of spaces collapsed, trimmed; empty tokens as None."""
    if value is None:
        return None
    v = value.translate(_FULLWIDTH)
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
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(.*))?$")
_ZH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*(.*)$")
_SLASH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T]+(.*))?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


class DateError(ValueError):
    """A value that is not a date in any known format (the message says which formats)."""


KNOWN_FORMATS = ("2024-12-04 09:58:32, 2024/12/4 9:58, 2024年12月4日 上午9:58, 12/04/2024, "
                 "an Excel date serial number")


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
        raise DateError("empty")
    if _SERIAL.fullmatch(v):
        serial = float(v)
        if not 20000 <= serial <= 80000:
            raise DateError(f"number {v} is not an Excel date serial (expected 20000–80000)")
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
            raise DateError(f"{v!r} is not a date in a known format ({KNOWN_FORMATS})")
        a, b, y, rest = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
        if y < 100:
            y += 2000 if y < 70 else 1900
        mo, d = (a, b) if date_order == "mdy" else (b, a)
    try:
        day = date(y, mo, d)
    except ValueError:
        raise DateError(f"{v!r}: no such date") from None
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
    ``9:58 PM``, ``21点05分``) or a part of day alone (``晚上``, ``凌晨``).

    Raises ``DateError`` for anything else or an impossible time.
    """
    v = clean_value(value)
    if v is None:
        raise DateError("empty")
    m = _DP_ONLY.match(v)
    if m:
        return TimeOfDay(None, None, None, "daypart", DAYPARTS[m.group("dp")])
    m = _TIME.match(v)
    if not m:
        raise DateError(f"{v!r} is not a clock time (e.g. 09:58, 上午9:58, 晚上11点) or part of day (晚上)")
    h = int(m.group("h"))
    mi = 30 if m.group("m") == "半" else int(m.group("m") or 0)
    s = int(m.group("s")) if m.group("s") else 0
    dp, ampm = m.group("dp"), (m.group("ampm") or "").lower().replace(".", "")
    offset = 0
    if ampm:
        if not 1 <= h <= 12:
            raise DateError(f"{v!r}: hour {h} with AM/PM")
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
        raise DateError(f"{v!r}: time out of range")
    return TimeOfDay(h, mi, s, "exact", None, offset)


_SPLIT = re.compile(r"\s*[,，、;；/|\n]\s*")


def split_list(value: str | None) -> list[str]:
    """A list cell split on ``,`` ``，`` ``、`` ``;`` ``；`` ``/`` ``|`` and line breaks, empty
    items dropped, order and duplicates as written."""
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


@lru_cache(maxsize=100_000)
def parse_duration_seconds(value: str) -> int:
    """A call duration in seconds: ``95``, ``01:35``, ``0:01:35``, ``1分35秒``, ``2m 5s``.
    Raises ``ValueError`` otherwise."""
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
    """Code for ``value``: an exact (case-insensitive) entry of ``table``, else the code of the
    first keyword contained in the value (``keywords`` ordered most specific first), else None."""
    v = clean_value(value)
    if v is None:
        return None
    low = v.lower()
    if low in table:
        return table[low]
    for word, code in keywords:
        if word in low:
            return code
    return None
