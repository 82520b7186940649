"""Call-frequency checks of a borrower's calls, per jurisdiction, with RULEBOOK.md rule ids.

Pure functions over a DataFrame of calls, one row per call or attempt, columns:

* ``occurred_at`` (datetime, local wall-clock time of the debtor: Asia/Shanghai for CN, the
  consumer's zone for US; no conversion is done here)
* ``method_code`` (phone_call, robocall, voicemail count as calls; anything else is ignored)
* ``is_connected`` (bool or None: answered / connected)
* ``number_hash`` (the collector's number, hashed; attempts "to one number" are grouped by
  the number the calls came from, as a borrower's log shows it)
* ``recipient_code`` (optional; CN-FREQ-01 counts calls to the debtor only)

Each check returns a DataFrame ``rule_id, date, count, detail, detail_zh`` (one row per
violating calendar day or window start), sorted by date; ``detail`` / ``detail_zh`` say what
was counted in English / Chinese (``DETAILS``).

* CN-FREQ-01: more than 3 connected calls to the debtor on one calendar day.
* CN-FREQ-02: more than 6 unanswered attempts from one number on one calendar day.
* US-FREQ-02: 8 or more calls within any 7 consecutive calendar days (answered or not).

The numbers are ``analysis.rules``' (``CN_CONNECTED_CALLS_PER_DAY`` …), shared with the
narrative classifier.
* US-FREQ-03: a call placed within 7 days after a telephone conversation (a connected call),
  the conversation day being day 1 (calls later the same day count).
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd

from analysis.rules import CN_CONNECTED_CALLS_PER_DAY, CN_UNANSWERED_ATTEMPTS_PER_DAY, US_CALLS_IN_SEVEN_DAYS

CALL_METHODS = ("phone_call", "robocall", "voicemail")
COLUMNS = ["rule_id", "date", "count", "detail", "detail_zh"]

#: What a finding of each rule counted, in English and Chinese (``str.format`` templates; ``n``
#: the count, ``day`` / ``until`` dates, ``limit`` the rule's number, ``number`` the start of
#: the hashed number, ``start`` the conversation's date and time).
DETAILS: dict[str, tuple[str, str]] = {
    "CN-FREQ-01": ("{n} connected calls on {day} (limit {limit})", "{day} 接通 {n} 次（上限 {limit} 次）"),
    "CN-FREQ-02": ("{n} unanswered attempts from one number ({number}…) on {day} (limit {limit})",
                   "{day} 同一号码（{number}…）未接通的呼叫 {n} 次（上限 {limit} 次）"),
    "US-FREQ-02": ("{n} calls from {day} to {until} (presumption: more than 7)",
                   "{day} 至 {until} 共 {n} 次来电（推定标准：7 天内超过 7 次）"),
    "US-FREQ-03": ("{n} calls within 7 days after the conversation of {start}",
                   "{start} 通话后 7 天内又来电 {n} 次"),
}


def _finding(rule_id: str, day, n: int, **params) -> tuple:
    """One row of ``COLUMNS`` for a finding of ``rule_id`` on ``day`` counting ``n``."""
    en, zh = DETAILS[rule_id]
    return (rule_id, day, int(n), en.format(n=n, day=day, **params), zh.format(n=n, day=day, **params))


def _calls(calls: pd.DataFrame) -> pd.DataFrame:
    df = calls.copy()
    if "method_code" in df:
        df = df[df["method_code"].isin(CALL_METHODS)]
    df = df[df["occurred_at"].notna()].copy()
    df["occurred_at"] = pd.to_datetime(df["occurred_at"])
    df["day"] = df["occurred_at"].dt.date
    return df.sort_values("occurred_at", kind="stable")


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)


def check_cn_connected_per_day(calls: pd.DataFrame, limit: int = CN_CONNECTED_CALLS_PER_DAY) -> pd.DataFrame:
    """CN-FREQ-01: days with more than ``limit`` connected calls to the debtor."""
    df = _calls(calls)
    if "recipient_code" in df:
        df = df[df["recipient_code"].fillna("debtor") == "debtor"]
    df = df[df["is_connected"].fillna(False).astype(bool)]
    per_day = df.groupby("day").size()
    out = [_finding("CN-FREQ-01", d, n, limit=limit)
           for d, n in per_day.items() if n > limit]
    return pd.DataFrame(out, columns=COLUMNS) if out else _empty()


def check_cn_unanswered_per_number(calls: pd.DataFrame, limit: int = CN_UNANSWERED_ATTEMPTS_PER_DAY) -> pd.DataFrame:
    """CN-FREQ-02: (day, number) pairs with more than ``limit`` unanswered attempts."""
    df = _calls(calls)
    df = df[df["is_connected"].notna() & ~df["is_connected"].fillna(True).astype(bool)]
    key = df["number_hash"].fillna("?") if "number_hash" in df else pd.Series("?", index=df.index)
    per = df.assign(num=key).groupby(["day", "num"]).size()
    out = [_finding("CN-FREQ-02", d, n, number=num[:8], limit=limit)
           for (d, num), n in per.items() if n > limit]
    return pd.DataFrame(out, columns=COLUMNS) if out else _empty()


def check_us_seven_in_seven(calls: pd.DataFrame, threshold: int = US_CALLS_IN_SEVEN_DAYS + 1) -> pd.DataFrame:
    """US-FREQ-02: every window of 7 consecutive calendar days, starting on a day with a call,
    holding ``threshold`` (more than ``analysis.rules.US_CALLS_IN_SEVEN_DAYS``: 8) or more calls.
    ``date`` is the window's first day."""
    df = _calls(calls)
    per_day = df.groupby("day").size()
    out = []
    for d in per_day.index:
        n = int(per_day[(per_day.index >= d) & (per_day.index <= d + timedelta(days=6))].sum())
        if n >= threshold:
            out.append(_finding("US-FREQ-02", d, n, until=d + timedelta(days=6)))
    return pd.DataFrame(out, columns=COLUMNS) if out else _empty()


def check_us_after_conversation(calls: pd.DataFrame) -> pd.DataFrame:
    """US-FREQ-03: calls placed after a conversation (a connected call) and within the 7 days
    that start on the conversation's day. One row per conversation followed by such calls;
    ``date`` is the conversation day, ``count`` the calls that followed in the window."""
    df = _calls(calls).reset_index(drop=True)
    conv = df[df["is_connected"].fillna(False).astype(bool)]
    out = []
    last_end = None
    for _, c in conv.iterrows():
        start, end_day = c["occurred_at"], c["day"] + timedelta(days=6)
        if last_end is not None and start <= last_end:
            continue  # calls inside an earlier conversation's window are reported with it
        later = df[(df["occurred_at"] > start) & (df["day"] <= end_day)]
        if len(later):
            out.append(_finding("US-FREQ-03", c["day"], len(later), start=f"{start:%Y-%m-%d %H:%M}"))
            last_end = later["occurred_at"].max()
    return pd.DataFrame(out, columns=COLUMNS) if out else _empty()


def check_frequency(calls: pd.DataFrame, jurisdiction: str) -> pd.DataFrame:
    """Every frequency check of ``jurisdiction`` (CN: CN-FREQ-01/02; US: US-FREQ-02/03;
    others: none). Returns ``COLUMNS`` sorted by rule then date."""
    if jurisdiction == "CN":
        parts = [check_cn_connected_per_day(calls), check_cn_unanswered_per_number(calls)]
    elif jurisdiction == "US":
        parts = [check_us_seven_in_seven(calls), check_us_after_conversation(calls)]
    else:
        return _empty()
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    return pd.concat(parts, ignore_index=True).sort_values(["rule_id", "date"], kind="stable").reset_index(drop=True)


def query_complaint_calls(con, complaint_id: str) -> pd.DataFrame:
    """The field incidents with an exact time of one complaint, in the shape the checks take
    (for the complaint's timeline and its frequency checks in the UI)."""
    return con.execute("""
        SELECT incident_id, occurred_at, method_code, recipient_code, collector_number_hash AS number_hash,
               is_connected, duration_seconds, is_outside_permitted_hours, time_rule_status, time_rule_id
        FROM core_incidents WHERE complaint_id = ? AND time_source = 'field' AND occurred_at IS NOT NULL
        ORDER BY occurred_at, incident_id""", [complaint_id]).df()
