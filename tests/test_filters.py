"""The filter builder: exact SQL fragments, bound parameters, validation, descriptions."""
from datetime import date

import pytest

from analysis.filters import Filter, FilterError, build_where, describe
from analysis import codes


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
        "AND (creditor_name IN (?) OR collector_name IN (?)) AND region IN (?, ?) "
        "AND list_has_any(conduct_codes, ?) AND list_has_any(method_codes, ?) "
        "AND filed_with IN (?) AND submission_medium IN (?) AND outcome_code IN (?, ?)")
    assert params == [date(2023, 1, 1), date(2023, 6, 30), "US", "cfpb", "Debt collection", "Acme; DROP TABLE x",
                      "Acme; DROP TABLE x", "CA", "NY", ["TIME_INCONVENIENT"], ["phone_call", "sms"],
                      "financial_regulator", "web", "explained", "closed"]
    assert "Acme" not in sql and "DROP" not in sql


def test_build_where__incident_grain_methods_and_label_source():
    sql, params = build_where(Filter(method=("sms",), conduct=("ABUSIVE_LANGUAGE",), label_source="narrative"),
                              "incident")
    assert sql == ("list_has_any(conduct_codes_narrative, ?) AND method_code IN (?) AND time_source IN (?, ?)")
    assert params == [["ABUSIVE_LANGUAGE"], "sms", "narrative", "review"]  # contacts a reviewer entered too


def test_build_where__rules_plus_model():
    assert build_where(Filter(conduct=("CEASE_IGNORED",), label_source="with_model")) == (
        "list_has_any(conduct_codes_with_model, ?)", [["CEASE_IGNORED"]])
    # at incident grain the model adds no contacts: the all-sources view
    assert build_where(Filter(label_source="with_model"), "incident") == ("is_in_all_view", [])


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


# --- one definition per field: URL, command line and description derive from FIELDS ---------

from analysis.filters import FIELDS, add_cli_arguments, from_cli, from_url, to_url  # noqa: E402

FULL = Filter(date_from=date(2023, 1, 1), date_to=date(2023, 6, 30), jurisdiction=("US", "CN"), source=("cfpb",),
              product=("Debt collection",), company=("Acme, Inc.",), company_role="attributed", region=("CA",), conduct=("TIME_INCONVENIENT",),
              conduct_match="all", method=("sms",), filed_with=("company",), submission_medium=("web",), outcome=("closed",),
              label_source="narrative")


def test_fields__every_filter_attribute_has_one_field_and_back():
    import dataclasses
    assert [f.name for f in dataclasses.fields(Filter)] == [f.name for f in FIELDS]
    assert all(getattr(FULL, f.name) != getattr(Filter(), f.name) for f in FIELDS), "FULL sets every field"


def test_url__round_trip_of_every_field():
    url = to_url(FULL)
    assert url["date_from"] == ["2023-01-01"] and url["jurisdiction"] == ["US", "CN"]
    assert url["label_source"] == ["narrative"] and url["company"] == ["Acme, Inc."]
    assert from_url(url) == FULL
    assert to_url(Filter()) == {}
    assert to_url(Filter(), keep_empty=("source", "product")) == {"source": [""], "product": [""]}
    assert from_url({"source": [""], "product": [""], "unknown_key": ["x"]}) == Filter()


@pytest.mark.parametrize("params,field", [
    ({"date_from": ["0001-01-01"]}, "date_from"),
    ({"date_to": ["2024-13-01"]}, "date_to"),
    ({"date_from": ["yesterday"]}, "date_from"),
    ({"conduct": ["TIME_INCONVENIENT", "NOPE"]}, "conduct"),
    ({"label_source": ["guess"]}, "label_source"),
    ({"date_from": ["2024-03-01"], "date_to": ["2024-01-01"]}, "date_from"),
])
def test_url__bad_values_raise_the_filter_error(params, field):
    with pytest.raises(FilterError) as err:
        from_url(params)
    assert err.value.field == field
    assert err.value.message("zh") != err.value.message("en")


def test_url__a_one_value_field_given_twice_differently_is_refused_not_guessed():
    with pytest.raises(FilterError) as err:
        from_url({"date_from": ["2024-01-01", "2023-01-01"]})
    assert err.value.field == "date_from"
    assert err.value.message("en").endswith("is given more than once with different values ('2024-01-01', "
                                            "'2023-01-01'); a link takes one.")
    assert "出现多次且取值不同" in err.value.message("zh")
    with pytest.raises(FilterError, match="given more than once"):
        from_url({"label_source": ["narrative", "all"]})
    # the same value twice (a link joined from two) is the value
    assert from_url({"date_from": ["2024-01-01", "2024-01-01"]}) == Filter(date_from=date(2024, 1, 1))


def test_conduct_match__all_needs_every_conduct_in_sql_and_words():
    flt = Filter(conduct=("THREAT_VIOLENCE", "ABUSIVE_LANGUAGE"), conduct_match="all")
    where, params = build_where(flt)
    assert "list_has_all(conduct_codes, ?)" in where and params == [["THREAT_VIOLENCE", "ABUSIVE_LANGUAGE"]]
    assert "list_has_any(conduct_codes, ?)" in build_where(Filter(conduct=("THREAT_VIOLENCE",)))[0]
    assert build_where(Filter(conduct_match="all"))[0] == build_where(Filter())[0]  # nothing chosen: no condition
    names = [codes.label("conduct", c, "en") for c in flt.conduct]
    assert describe(flt, "en") == f"conduct includes {names[0]} and {names[1]}"
    zh = [codes.label("conduct", c, "zh") for c in flt.conduct]
    assert describe(flt, "zh") == f"行为同时包括「{zh[0]}」、「{zh[1]}」"
    assert describe(Filter(conduct_match="all"), "en") == "all records"


def test_cli__one_flag_per_field_and_base_scope():
    import argparse
    p = argparse.ArgumentParser()
    add_cli_arguments(p)
    a = p.parse_args(["--date-from", "2023-01-01", "--date-to", "2023-06-30", "--jurisdiction", "US",
                      "--jurisdiction", "CN", "--source", "cfpb", "--product", "Debt collection", "--company",
                      "Acme, Inc.", "--company-role", "attributed", "--region", "CA", "--conduct", "TIME_INCONVENIENT", "--conduct-match", "all", "--method", "sms",
                      "--filed-with", "company", "--submission-medium", "web", "--outcome", "closed",
                      "--label-source", "narrative"])
    assert from_cli(a) == FULL
    base = Filter(source=("demo_cn",), product=("网络贷款",))
    widened = from_cli(p.parse_args(["--product", "Debt collection"]), base)
    assert widened.source == ("demo_cn",) and widened.product == ("Debt collection",)


def test_describe__every_field_in_both_languages():
    assert describe(FULL, "en", {"cfpb": "CFPB complaints"}) == (
        "received 2023-01-01 to 2023-06-30; jurisdiction is United States or China; source is CFPB complaints; "
        "product is Debt collection; company is “Acme, Inc.” (as charted: the collector, else the creditor); state/province is CA; conduct is Contact at inconvenient "
        "hours; method is SMS; filed with is Company; submitted via is Web; outcome is Closed (no explanation); "
        "labels from narratives")
    assert describe(FULL, "zh", {"cfpb": "CFPB 投诉"}) == (
        "受理日期 2023-01-01 至 2023-06-30；适用地区为「美国」、「中国」；数据来源为「CFPB 投诉」；产品为「债务催收（Debt collection）」；"
        "公司为「Acme, Inc.」（按图表口径：有催收方时为催收方，否则为债权方）；州/省为「CA」；行为为「非合理时间催收」；方式为「短信」；受理机构为「平台/公司客服」；"
        "提交方式为「网页」；结果为「结案(无说明)」；标签来源：投诉正文")
    assert describe(Filter(product=("(not recorded)",)), "zh") == "产品为「未记录」"
