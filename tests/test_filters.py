"""The filter builder: exact SQL fragments, bound parameters, validation, descriptions."""
from datetime import date

import pytest

from analysis.filters import Filter, FilterError, build_where, describe


def test_build_where__empty_filter_is_true():
    assert build_where(Filter()) == ("TRUE", [])


def test_build_where__every_field_complaint_grain():
    flt = Filter(date_from=date(2023, 1, 1), date_to=date(2023, 6, 30), jurisdiction=("US",), source=("cfpb",),
                 product=("Debt collection",), company=("Acme; DROP TABLE x",), region=("CA", "NY"),
                 conduct=("TIME_INCONVENIENT",), method=("phone_call", "sms"), filed_with=("financial_regulator",),
                 submission_medium=("web",), outcome=("explained", "closed"))
    sql, params = build_where(flt, "complaint")
    assert sql == (
        "received_date >= ? AND received_date <= ? AND jurisdiction IN (?) AND source IN (?) AND product IN (?) "
        "AND region IN (?, ?) AND filed_with IN (?) AND submission_medium IN (?) AND outcome_code IN (?, ?) "
        "AND (creditor_name IN (?) OR collector_name IN (?)) AND list_has_any(conduct_codes, ?) "
        "AND list_has_any(method_codes, ?)")
    assert params == [date(2023, 1, 1), date(2023, 6, 30), "US", "cfpb", "Debt collection", "CA", "NY",
                      "financial_regulator", "web", "explained", "closed", "Acme; DROP TABLE x",
                      "Acme; DROP TABLE x", ["TIME_INCONVENIENT"], ["phone_call", "sms"]]
    assert "Acme" not in sql and "DROP" not in sql


def test_build_where__incident_grain_methods_and_label_source():
    sql, params = build_where(Filter(method=("sms",), conduct=("ABUSIVE_LANGUAGE",), label_source="narrative"),
                              "incident")
    assert sql == ("list_has_any(conduct_codes_narrative, ?) AND method_code IN (?) AND time_source IN (?)")
    assert params == [["ABUSIVE_LANGUAGE"], "sms", "narrative"]


def test_build_where__structured_labels_at_complaint_grain():
    sql, params = build_where(Filter(conduct=("CEASE_IGNORED",), method=("letter",), label_source="structured"))
    assert sql == "list_has_any(conduct_codes_structured, ?) AND list_has_any(method_codes_structured, ?)"
    assert params == [["CEASE_IGNORED"], ["letter"]]


@pytest.mark.parametrize("flt,field", [
    (Filter(conduct=("NOT_A_CODE",)), "conduct"),
    (Filter(method=("fax_machine",)), "method"),
    (Filter(jurisdiction=("FR",)), "jurisdiction"),
    (Filter(outcome=("won",)), "outcome"),
    (Filter(date_from=date(2024, 2, 1), date_to=date(2024, 1, 1)), "date_from"),
    (Filter(label_source="guess"), "label_source"),
    (Filter(company=("",)), "company"),
])
def test_build_where__bad_values_raise(flt, field):
    with pytest.raises(FilterError) as err:
        build_where(flt)
    assert err.value.field == field
    assert err.value.message("zh") and err.value.message("en")


def test_build_where__unknown_grain():
    with pytest.raises(ValueError):
        build_where(Filter(), "month")


def test_describe__both_languages():
    flt = Filter(date_from=date(2023, 1, 1), date_to=date(2023, 6, 30), method=("phone_call", "sms"))
    assert describe(flt, "en") == "received 2023-01-01 to 2023-06-30; method is Phone call or SMS"
    assert describe(flt, "zh") == "受理日期 2023-01-01 至 2023-06-30；方式为「电话」、「短信」"
    assert describe(Filter(), "en") == "all records"
    assert describe(Filter(source=("cfpb",)), "en", {"cfpb": "CFPB"}) == "source is CFPB"
