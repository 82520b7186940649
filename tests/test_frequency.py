"""Frequency checks (RULEBOOK.md CN-FREQ-01/02, US-FREQ-02/03) on hand-made call lists."""
from datetime import date, datetime

import pandas as pd
import pytest

from analysis.frequency import (
    check_cn_connected_per_day, check_cn_unanswered_per_number, check_frequency, check_us_after_conversation,
    check_us_seven_in_seven,
)


def calls(rows):
    return pd.DataFrame(rows, columns=["occurred_at", "method_code", "is_connected", "number_hash"])


def test_frequency__cn_connected_per_day_more_than_three():
    df = calls([(datetime(2024, 12, 2, h), "phone_call", True, "a") for h in (9, 10, 11, 12)]
               + [(datetime(2024, 12, 3, h), "phone_call", True, "a") for h in (9, 10, 11)]
               + [(datetime(2024, 12, 3, 13), "sms", True, "a")])
    out = check_cn_connected_per_day(df)
    assert out[["rule_id", "date", "count"]].values.tolist() == [["CN-FREQ-01", date(2024, 12, 2), 4]]


def test_frequency__cn_unanswered_per_number_more_than_six():
    df = calls([(datetime(2024, 12, 3, 8, m), "phone_call", False, "x") for m in range(7)]
               + [(datetime(2024, 12, 3, 9, m), "phone_call", False, "y") for m in range(6)]
               + [(datetime(2024, 12, 3, 10), "phone_call", True, "y")])
    out = check_cn_unanswered_per_number(df)
    assert out[["rule_id", "date", "count"]].values.tolist() == [["CN-FREQ-02", date(2024, 12, 3), 7]]


def test_frequency__us_seven_in_seven_needs_eight():
    seven = [(datetime(2024, 1, d, 10), "phone_call", False, "x") for d in range(1, 8)]
    assert check_us_seven_in_seven(calls(seven)).empty
    eight = seven + [(datetime(2024, 1, 7, 18), "voicemail", False, "x")]
    out = check_us_seven_in_seven(calls(eight))
    assert out[["rule_id", "date", "count"]].values.tolist() == [["US-FREQ-02", date(2024, 1, 1), 8]]
    # day 8 is outside the window that starts on day 1
    spread = seven + [(datetime(2024, 1, 8, 10), "phone_call", False, "x")]
    assert check_us_seven_in_seven(calls(spread)).empty


def test_frequency__us_call_within_seven_days_after_conversation():
    df = calls([(datetime(2024, 1, 1, 9), "phone_call", True, "x"),     # conversation, day 1
                (datetime(2024, 1, 1, 15), "phone_call", False, "x"),   # same day, later: counts
                (datetime(2024, 1, 7, 20), "phone_call", False, "x"),   # day 7: counts
                (datetime(2024, 1, 8, 9), "phone_call", False, "x")])   # day 8: does not
    out = check_us_after_conversation(df)
    assert out[["rule_id", "date", "count"]].values.tolist() == [["US-FREQ-03", date(2024, 1, 1), 2]]


def test_frequency__by_jurisdiction():
    df = calls([(datetime(2024, 12, 2, h), "phone_call", True, "a") for h in (9, 10, 11, 12)])
    assert check_frequency(df, "CN")["rule_id"].tolist() == ["CN-FREQ-01"]
    assert check_frequency(df, "US")["rule_id"].tolist() == ["US-FREQ-03"]
    assert check_frequency(df, "UK").empty


def test_frequency_limits_are_the_rules_and_the_classifier_reads_the_same(monkeypatch):
    """One definition per threshold (analysis.rules): the call-log checks default to it and the
    narrative classifier reads it at run time."""
    import inspect

    from analysis import frequency, rules
    from analysis.classify import classify_narrative
    sig = inspect.signature
    assert sig(frequency.check_cn_connected_per_day).parameters["limit"].default == rules.CN_CONNECTED_CALLS_PER_DAY
    assert sig(frequency.check_cn_unanswered_per_number).parameters["limit"].default == \
        rules.CN_UNANSWERED_ATTEMPTS_PER_DAY
    assert sig(frequency.check_us_seven_in_seven).parameters["threshold"].default == rules.US_CALLS_IN_SEVEN_DAYS + 1
    text = "The collector called me 9 times this week."

    def verdicts():
        return {(v.rule_id, v.verdict) for v in classify_narrative(text, "en", "US").rule_verdicts
                if v.rule_id.startswith("US-FREQ")}
    assert ("US-FREQ-02", "violation") in verdicts()
    monkeypatch.setattr(rules, "US_CALLS_IN_SEVEN_DAYS", 9)
    assert ("US-FREQ-02", "violation") not in verdicts()


@pytest.mark.parametrize("jur,kind,n,kw,expected", [
    # CN-FREQ-01 counts connected calls (more than 3), CN-FREQ-02 attempts (more than 6)
    ("CN", "calls", 3, {"connected": True}, []),
    ("CN", "calls", 4, {"connected": True}, [("CN-FREQ-01", "violation")]),
    ("CN", "calls", 4, {}, [("CN-FREQ-01", "possible")]),
    ("CN", "calls", 6, {}, [("CN-FREQ-01", "possible")]),
    ("CN", "calls", 7, {}, [("CN-FREQ-02", "violation")]),
    ("CN", "calls", 20, {}, [("CN-FREQ-02", "violation"), ("CN-FREQ-01", "likely")]),
    # US: more than 7 calls is the 7-in-7 presumption; 7 in a day is the concentration factor
    ("US", "calls", 8, {}, [("US-FREQ-02", "violation")]),
    ("US", "calls", 7, {}, [("US-FREQ-04", "likely")]),
    ("US", "calls", 3, {}, [("US-FREQ-02", "likely")]),
    ("US", "calls", 3, {"single_day": True}, []),
    ("US", "calls", 5, {"per": "week"}, [("US-FREQ-02", "none"), ("US-FREQ-01", "needs_review")]),
    ("US", "calls", 8, {"per": "week"}, [("US-FREQ-02", "violation")]),
    ("CN", "messages", 19, {}, []),
    ("CN", "messages", 20, {}, [("CN-FREQ-04", "violation")]),
    ("US", "messages", 9, {}, []),
    ("US", "messages", 10, {}, [("US-HAR-01", "likely")]),
    # UK: no US rule id on a UK complaint; UK-FREQ-01 names no number (proxy), none on messages
    ("UK", "calls", 6, {}, []),
    ("UK", "calls", 7, {}, [("UK-FREQ-01", "possible")]),
    ("UK", "calls", 9, {"per": "week"}, [("UK-FREQ-01", "possible")]),
    ("UK", "messages", 10, {}, [(None, "likely")]),
])
def test_stated_count_verdicts__at_each_threshold(jur, kind, n, kw, expected):
    from analysis.rules import stated_count_verdicts
    assert stated_count_verdicts(jur, kind, n, **kw) == expected


def test_stated_count_verdicts__unknown_kind_is_refused():
    from analysis.rules import stated_count_verdicts
    with pytest.raises(ValueError, match="unknown count kind 'visits'"):
        stated_count_verdicts("US", "visits", 3)


def test_stated_counts__a_uk_narrative_gets_uk_rules_only():
    """A UK complaint stating counts is judged by UK-FREQ-01 (possible: no number, home-finance
    debts), never by a US rule; a count of messages labels the conduct with no rule."""
    from analysis.classify import classify_narrative
    r = classify_narrative("The collector called me 9 times this week.", "en", "UK")
    assert (r.conducts, [(v.rule_id, v.verdict) for v in r.rule_verdicts]) == (
        ("FREQ_EXCESSIVE_CALLS",), [("UK-FREQ-01", "possible")])
    r = classify_narrative("They sent me 15 text messages a day.", "en", "UK")
    assert (r.conducts, r.rule_verdicts) == (("FREQ_EXCESSIVE_MESSAGES",), ())



def test_details__english_and_chinese_say_the_same_finding():
    df = calls([(datetime(2024, 3, d, h), "phone_call", (d, h) == (1, 9), "a") for d in (1, 2, 3, 4) for h in (9, 15)])
    week = check_us_seven_in_seven(df)
    assert week[["detail", "detail_zh"]].values.tolist() == [
        ["8 calls from 2024-03-01 to 2024-03-07 (presumption: more than 7)",
         "2024-03-01 至 2024-03-07 共 8 次来电（推定标准：7 天内超过 7 次）"]]
    after = check_us_after_conversation(df)
    assert after[["count", "detail", "detail_zh"]].values.tolist() == [
        [7, "7 calls within 7 days after the conversation of 2024-03-01 09:00", "2024-03-01 09:00 通话后 7 天内又来电 7 次"]]
    assert check_frequency(df, "US").columns.tolist() == ["rule_id", "date", "count", "detail", "detail_zh"]
