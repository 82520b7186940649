"""Published conduct rules that the product checks by machine (source: ../shared/RULEBOOK.md).

Only rules whose condition can be checked from the data we hold are encoded here; each
carries its RULEBOOK id. Every flag derived from them is shown in the UI as
"against published rules (unreviewed)" until a lawyer has checked the rulebook.

Time windows are local wall-clock times where the debtor is (CN: Asia/Shanghai; US: the
consumer's state), as half-open intervals in minutes after midnight.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TimeWindowRule:
    """Permitted contact window of one jurisdiction.

    ``permitted_start_min`` / ``permitted_end_min``: minutes after local midnight.
    ``end_is_boundary``: contact exactly at the end minute is a boundary case (US: "after
    9:00 p.m." leaves 21:00 itself open) rather than a violation.
    """

    jurisdiction: str
    rule_id: str
    permitted_start_min: int
    permitted_end_min: int
    end_is_boundary: bool
    text_en: str
    text_zh: str


TIME_WINDOW_RULES: dict[str, TimeWindowRule] = {
    # CN-TIME-01: 22:00 is inside the banned window, 08:00 outside it (RULEBOOK.md §1.2).
    "CN": TimeWindowRule("CN", "CN-TIME-01", 8 * 60, 22 * 60, False,
                         "No collection contact 22:00–08:00 (22:00 itself forbidden)",
                         "禁止 22:00 至次日 08:00 催收（22:00 本身属禁止时段）"),
    # US-TIME-01: before 8:00 a.m. or after 9:00 p.m.; exactly 21:00 is a boundary case.
    "US": TimeWindowRule("US", "US-TIME-01", 8 * 60, 21 * 60, True,
                         "No communication before 08:00 or after 21:00 (21:00 exactly: boundary)",
                         "禁止 08:00 前或 21:00 后联系（恰为 21:00 属边界情形）"),
    # UK-TIME-01 gives no clock hours; analyst proxy 08:00–21:00 borrowed from MCOB 13.5.4G.
    "UK": TimeWindowRule("UK", "UK-TIME-01", 8 * 60, 21 * 60, True,
                         "Unreasonable times (proxy window 08:00–21:00, MCOB 13.5.4G)",
                         "不合理时间（代用时段 08:00–21:00，参照 MCOB 13.5.4G）"),
}


#: Call and message counts of the frequency rules (RULEBOOK.md §1.3 and §2.3), in one place:
#: ``analysis.frequency`` checks call logs against them and the narrative classifier
#: (``analysis.classify.engine``) checks the counts people state in their narratives.
#: CN-FREQ-01: more than this many connected calls to the debtor on one calendar day.
CN_CONNECTED_CALLS_PER_DAY = 3
#: CN-FREQ-02: more than this many unanswered attempts to one number on one day.
CN_UNANSWERED_ATTEMPTS_PER_DAY = 6
#: US-FREQ-02 (7-in-7 presumption): more than this many calls within 7 consecutive days.
US_CALLS_IN_SEVEN_DAYS = 7
#: US-FREQ-04 (rebuttal factor, "concentration"): this many calls or more in one day.
US_CALLS_PER_DAY_CONCENTRATION = 7
#: CN-FREQ-04: messages per day that count as harassment. The law fixes no number; the
#: rulebook's suggested analyst default.
CN_MESSAGES_PER_DAY_HARASSMENT = 20
#: US-HAR-01: messages that make repeated texts / e-mails likely harassment. Reg F fixes no
#: number (analyst setting).
US_MESSAGES_HARASSMENT = 10
#: A narrative stating at least this many calls (connected or not unknown) makes CN-FREQ-01
#: likely: so many calls in a day cannot all have gone unanswered (analyst setting).
CN_CALLS_LIKELY_CONNECTED = 20
#: UK-FREQ-01 (MCOB 13.5.3 R: no pressure through excessive calls or correspondence) names no
#: number and covers home-finance debts only: a narrative stating this many calls or more makes it
#: possible (analyst setting; the US concentration figure as the proxy).
UK_CALLS_EXCESSIVE = US_CALLS_PER_DAY_CONCENTRATION


def stated_count_verdicts(jurisdiction: str, kind: str, n: int, *, connected: bool = False,
                          per: str = "", single_day: bool = False) -> list[tuple[str | None, str]]:
    """The frequency rules a count stated in a narrative meets: ``[(rule_id, verdict), ...]``.

    ``kind``: 'calls' or 'messages'; ``n``: the number stated (calls or messages, int ≥ 0);
    ``connected``: the narrative says the calls were answered (CN-FREQ-01 counts connected
    calls); ``per``: 'week' when the count is per week, else per day or unstated; ``single_day``:
    the calls were on one day ("10 times today"). Verdicts: violation | likely | possible | none
    | needs_review. A narrative rarely fixes the day and the line, so a count over a daily limit
    is a violation only where the rule reads on the count alone (RULEBOOK.md §1.3, §2.3):

    * CN calls: more than ``CN_CONNECTED_CALLS_PER_DAY`` connected → CN-FREQ-01 violation; more
      than ``CN_UNANSWERED_ATTEMPTS_PER_DAY`` → CN-FREQ-02 violation; at least
      ``CN_CALLS_LIKELY_CONNECTED`` → CN-FREQ-01 likely; not said to be connected and between the
      two limits → CN-FREQ-01 possible.
    * US calls: per week: more than ``US_CALLS_IN_SEVEN_DAYS`` → US-FREQ-02 violation, else
      none with US-FREQ-01 needs_review; otherwise more than ``US_CALLS_IN_SEVEN_DAYS`` →
      US-FREQ-02 violation, at least ``US_CALLS_PER_DAY_CONCENTRATION`` → US-FREQ-04 likely, two or
      more not on a single day → US-FREQ-02 likely.
    * messages: CN at least ``CN_MESSAGES_PER_DAY_HARASSMENT`` → CN-FREQ-04 violation; US at
      least ``US_MESSAGES_HARASSMENT`` → US-HAR-01 likely.
    * UK: calls, at least ``UK_CALLS_EXCESSIVE`` → UK-FREQ-01 possible; messages, at least
      ``US_MESSAGES_HARASSMENT`` → ``(None, 'likely')``: the conduct with no rule (the rulebook
      has no UK rule on messages).

    A ``None`` rule id labels the conduct and sets no rule verdict. Raises ``ValueError`` for an
    unknown ``kind``.
    """
    if kind not in ("calls", "messages"):
        raise ValueError(f"unknown count kind {kind!r}; expected 'calls' or 'messages'")
    found: list[tuple[str | None, str]] = []
    if jurisdiction == "UK":
        if kind == "calls" and n >= UK_CALLS_EXCESSIVE:
            found.append(("UK-FREQ-01", "possible"))
        elif kind == "messages" and n >= US_MESSAGES_HARASSMENT:
            found.append((None, "likely"))
    elif kind == "calls" and jurisdiction == "CN":
        if connected and n > CN_CONNECTED_CALLS_PER_DAY:
            found.append(("CN-FREQ-01", "violation"))
        if n > CN_UNANSWERED_ATTEMPTS_PER_DAY:
            found.append(("CN-FREQ-02", "violation"))
        if n >= CN_CALLS_LIKELY_CONNECTED:
            found.append(("CN-FREQ-01", "likely"))
        if not connected and CN_CONNECTED_CALLS_PER_DAY < n <= CN_UNANSWERED_ATTEMPTS_PER_DAY:
            found.append(("CN-FREQ-01", "possible"))
    elif kind == "calls":
        if per == "week":
            over = n > US_CALLS_IN_SEVEN_DAYS
            found.append(("US-FREQ-02", "violation" if over else "none"))
            if not over:
                found.append(("US-FREQ-01", "needs_review"))
        elif n > US_CALLS_IN_SEVEN_DAYS:
            found.append(("US-FREQ-02", "violation"))
        elif n >= US_CALLS_PER_DAY_CONCENTRATION:
            found.append(("US-FREQ-04", "likely"))
        elif not single_day and n >= 2:
            found.append(("US-FREQ-02", "likely"))
    elif jurisdiction == "CN":
        if n >= CN_MESSAGES_PER_DAY_HARASSMENT:
            found.append(("CN-FREQ-04", "violation"))
    elif n >= US_MESSAGES_HARASSMENT:
        found.append(("US-HAR-01", "likely"))
    return found


def classify_contact_time(jurisdiction: str, hour: int, minute: int = 0,
                          second: int = 0) -> tuple[str, str]:
    """Check one exact local contact time against the jurisdiction's permitted window.

    Parameters: ``jurisdiction`` in ``CN``/``US``/``UK``; ``hour`` 0–23, ``minute`` 0–59,
    ``second`` 0–59, local wall-clock time of the debtor.

    Returns ``(status, rule_id)`` with status ``outside`` (against the rule), ``boundary``
    (US/UK exactly 21:00:00) or ``inside``. Rule ids: CN-TIME-01, US-TIME-01, UK-TIME-01.

    Raises ``ValueError`` for an unknown jurisdiction or an out-of-range time.
    """
    rule = TIME_WINDOW_RULES.get(jurisdiction)
    if rule is None:
        raise ValueError(f"unknown jurisdiction {jurisdiction!r}; expected one of "
                         f"{sorted(TIME_WINDOW_RULES)}")
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise ValueError(f"time out of range: {hour:02d}:{minute:02d}:{second:02d}")
    t = hour * 60 + minute
    if rule.end_is_boundary and t == rule.permitted_end_min and second == 0:
        return "boundary", rule.rule_id
    if rule.permitted_start_min <= t < rule.permitted_end_min:
        return "inside", rule.rule_id
    return "outside", rule.rule_id


def forbidden_hours(jurisdiction: str) -> list[int]:
    """Whole clock hours (0–23) that lie entirely in the forbidden window.

    CN: 22, 23, 0–7. US/UK: 0–7 and 22–23; hour 21 is only partly forbidden (21:00 is a
    boundary, 21:01–21:59 forbidden) and is returned by ``partly_forbidden_hours``.
    """
    rule = TIME_WINDOW_RULES[jurisdiction]
    start_h, end_h = rule.permitted_start_min // 60, rule.permitted_end_min // 60
    return [h for h in range(24) if h < start_h or h >= end_h + (1 if rule.end_is_boundary else 0)]


def partly_forbidden_hours(jurisdiction: str) -> list[int]:
    """Hours in which part of the hour is forbidden (US/UK: [21]; CN: [])."""
    rule = TIME_WINDOW_RULES[jurisdiction]
    return [rule.permitted_end_min // 60] if rule.end_is_boundary else []
