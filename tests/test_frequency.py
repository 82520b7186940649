"""Frequency checks (RULEBOOK.md CN-FREQ-01/02, US-FREQ-02/03) on hand-made call lists."""
from datetime import date, datetime

import pandas as pd

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
