"""Queries on a tiny hand-made database: exact frames."""
from datetime import date

import duckdb
import pandas as pd
import pytest

from analysis import queries as q
from analysis.filters import Filter
from tests.helpers import build_tiny_db


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def test_query_kpis__all(con):
    k = q.query_kpis(con, Filter())
    assert k == {
        "complaint_count": 4, "improper_complaint_count": 3, "improper_share_pct": 75.0,
        "timely_known_count": 3, "timely_rate_pct": pytest.approx(200 / 3),
        "incident_count": 5, "exact_time_incident_count": 3, "outside_exact_count": 2,
        "outside_share_pct": pytest.approx(200 / 3), "outside_flag_only_count": 1,
    }


def test_query_kpis__label_source_narrative(con):
    k = q.query_kpis(con, Filter(label_source="narrative"))
    assert (k["improper_complaint_count"], k["incident_count"]) == (1, 0)


def test_query_incidents_by_hour_weekday__exact_only(con):
    df = q.query_incidents_by_hour_weekday(con, Filter())
    assert df.values.tolist() == [["CN", 6, 23, 1], ["US", 3, 22, 1], ["US", 4, 21, 1]]


def test_query_time_coverage__all_precisions(con):
    df = q.query_time_coverage(con, Filter())
    assert df["time_precision"].tolist() == ["exact", "daypart", "outside_window_only", "date_only", "unknown"]
    assert df["incident_count"].tolist() == [3, 1, 1, 0, 0]
    assert df["share_pct"].tolist() == [60.0, 20.0, 20.0, 0.0, 0.0]


def test_query_outside_share_by_month(con):
    df = q.query_outside_share_by_month(con, Filter())
    rows = [(r.jurisdiction, r.occurred_month.date(), r.exact_time_incident_count, r.outside_count, r.outside_share_pct)
            for r in df.itertuples()]
    assert rows == [("CN", date(2024, 2, 1), 1, 1, 100.0), ("US", date(2024, 1, 1), 2, 1, 50.0)]


def test_query_conduct_counts__filter_by_jurisdiction(con):
    df = q.query_conduct_counts(con, Filter(jurisdiction=("US",)))
    assert df.values.tolist() == [["ABUSIVE_LANGUAGE", 1, 50.0], ["FREQ_EXCESSIVE_CALLS", 1, 50.0],
                                  ["TIME_INCONVENIENT", 1, 50.0]]


def test_query_method_counts(con):
    df = q.query_method_counts(con, Filter())
    assert df.values.tolist() == [["phone_call", 3, 2], ["sms", 2, 2]]


def test_query_conduct_cooccurrence(con):
    df = q.query_conduct_cooccurrence(con, Filter(jurisdiction=("CN",)))
    assert df.values.tolist() == [["CONTACT_LIST_BLAST", "CONTACT_LIST_BLAST", 1],
                                  ["CONTACT_LIST_BLAST", "TIME_INCONVENIENT", 1],
                                  ["TIME_INCONVENIENT", "CONTACT_LIST_BLAST", 1],
                                  ["TIME_INCONVENIENT", "TIME_INCONVENIENT", 1]]


def test_query_company_conduct__top_n(con):
    df = q.query_company_conduct(con, Filter(), top_n=1)
    assert df.values.tolist() == [["AcmeCollect", "ABUSIVE_LANGUAGE", 1, 2], ["AcmeCollect", "FREQ_EXCESSIVE_CALLS", 1, 2],
                                  ["AcmeCollect", "TIME_INCONVENIENT", 1, 2]]


def test_query_channel_outcomes_and_summary(con):
    mix = q.query_channel_outcomes(con, Filter(), "filed_with")
    assert [(r.channel_code, r.outcome_code, r.complaint_count, r.share_pct) for r in mix.itertuples()] == [
        ("complaint_platform", "in_progress", 1, 100.0), ("consumer_association", "explained", 1, 100.0),
        ("financial_regulator", "explained", 1, 50.0), ("financial_regulator", "monetary_relief", 1, 50.0)]
    s = q.query_channel_summary(con, Filter(), "filed_with")
    fr = s[s["channel_code"] == "financial_regulator"].iloc[0]
    assert (fr.complaint_count, fr.timely_rate_pct, fr.median_response_days, fr.relief_share_pct) == (2, 50.0, 6.0, 50.0)
    cp = s[s["channel_code"] == "complaint_platform"].iloc[0]
    assert cp.timely_rate_pct != cp.timely_rate_pct  # NaN: timeliness unknown
    with pytest.raises(ValueError):
        q.query_channel_outcomes(con, Filter(), "region; DROP")


def test_query_totals_and_detail_agree(con):
    flt = Filter(method=("sms",))
    k = q.query_kpis(con, flt)
    assert k["incident_count"] == q.query_method_counts(con, flt)["incident_count"].sum() == 2


def test_query_filter_options_and_dates(con):
    opts = q.query_filter_options(con)
    assert opts["company"] == ["AcmeCollect", "速借花"]
    assert opts["product"] == ["Debt collection", "网络贷款"]
    assert q.query_date_range(con) == (date(2024, 1, 10), date(2024, 3, 1))


def test_search_terms__phrases_in_quotes_and_trailing_stars():
    assert q.search_terms('"cease and desist"  harass*') == ["cease and desist", "harass"]
    assert q.search_terms("called my job") == ["called", "my", "job"]
    assert q.search_terms("“停止催收” 「爆 通讯录」 *") == ["停止催收", "爆 通讯录"]
    assert q.search_terms('"" ' + " ".join(f"w{i}" for i in range(12))) == [f"w{i}" for i in range(10)]


def test_query_narrative_search__a_quoted_phrase_is_matched_as_written(tmp_path):
    from tests.helpers import _complaint, sources_frame, write_core
    texts = {"t:1": "They called my job and my mother.", "t:2": "My job is hard; they called at night.",
             "t:3": "A cease and desist letter was ignored; they kept harassing me.",
             "t:4": "This issue me and my wife raised (re-sue?) was ignored. 他们说要起诉我",
             "t:5": "A résumé was sent; 催收collector打了电话"}
    rows = [dict(_complaint(cid, "t_us", "US", date(2024, 1, 1 + i), "Acme", "financial_regulator", "web",
                            "explained", True, 2), has_narrative=True, narrative=text, language="en")
            for i, (cid, text) in enumerate(texts.items())]
    path = write_core(tmp_path / "n.duckdb", "narrative search", core_complaints=pd.DataFrame(rows),
                      meta_sources=sources_frame(("t_us", "T", "T", "US", False)))
    with duckdb.connect(str(path), read_only=True) as c:
        def ids(search):
            return sorted(q.query_narrative_search(c, Filter(), search)["complaint_id"])
        assert ids("called my job") == ["t:1", "t:2"]
        assert ids('"called my job"') == ["t:1"]
        assert ids('"cease and desist" harass*') == ["t:3"]
        assert ids('"my job is"') == ["t:2"]
        # words typed together rank the complaints holding them so first (t:2 is newer)
        assert q.query_narrative_search(c, Filter(), "called my job")["complaint_id"].tolist() == ["t:1", "t:2"]
        assert q.query_narrative_search(c, Filter(), "job my")["complaint_id"].tolist() == ["t:2", "t:1"]
        # a complaint's id, or its id in the source, finds it
        src = c.execute("SELECT source_record_id FROM core_complaints WHERE complaint_id = 't:3'").fetchone()[0]
        assert ids("T:3") == ids(src) == ["t:3"]
        # a term matches where a word starts, not inside one ("sue me" is no "issue me");
        # a Chinese term anywhere; regex characters in a term are plain text
        assert ids('"sue me"') == [] and ids('"issue me"') == ids("iss") == ["t:4"]
        assert ids("sue") == ["t:4"]  # "re-sue": a hyphen starts a word
        assert ids("起诉") == ["t:4"] and ids("(re-sue?)") == ["t:4"] and ids("ue?)") == []
        assert ids("HARASS") == ["t:3"] and ids("arass") == []
        assert ids("sum") == [] and ids("résumé") == ["t:5"]  # é is a letter, not a word's edge
        assert ids("collector") == ["t:5"]  # an English word right after Chinese
        # the reader marks the words where the search found them, by the same rule: a term marked in a
        # text exactly when the search finds that text by it (its id aside)
        for term in ["called", "job", "cease and desist", "harass", "sue me", "issue me", "iss", "sue", "起诉",
                     "(re-sue?)", "ue?)", "HARASS", "arass", "sum", "résumé", "collector", "my"]:
            marked = sorted(cid for cid, text in texts.items() if q.term_spans(text, [term]))
            assert marked == ids(f'"{term}"'), term
        assert q.term_spans(texts["t:1"], ["called", "my"]) == [(5, 11, "called"), (12, 14, "my"), (23, 25, "my")]
