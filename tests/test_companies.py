"""Companies (issue 10): name normalisation, groups and aliases, the ranking, the profile, the
figures and the page, on a hand-made database whose every number is known, and on the
shared CFPB file (expected values counted with pandas from the CSV)."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from analysis import companies as co
from analysis import db, queries
from analysis.charts import CHART_BY_NAME, PAGES, build_chart, charts_of
from analysis.filters import Filter
from analysis.i18n import t
from tests.conftest import CFPB_MIXED, SHARED, require_shared
from tests.helpers import REPO, _complaint, _incident, labels_frame, sources_frame, write_core

# ---- normalise_company ------------------------------------------------------------------------

NORMALISE_CASES = [
    ("Acme Collections, Inc.", "acme collections"),
    ("ACME COLLECTIONS INC", "acme collections"),
    ("acme   collections", "acme collections"),
    ("Acme Collections L.L.C.", "acme collections"),
    ("Navient Solutions, LLC.", "navient solutions"),
    ("Continental Finance Company, LLC", "continental finance"),  # two suffixes, both dropped
    ("JPMORGAN CHASE & CO.", "jpmorgan chase"),  # "& Co"
    ("WELLS FARGO & COMPANY", "wells fargo"),
    ("Harris & Harris, Ltd.", "harris and harris"),  # "&" read as "and"; only the suffix goes
    ("CITIBANK, N.A.", "citibank"),
    ("BANK OF AMERICA, NATIONAL ASSOCIATION", "bank of america"),
    ("HUNTINGTON NATIONAL BANK, THE", "huntington national bank"),  # CFPB's trailing ", THE"
    ("The CBE Group, Inc.", "cbe group"),  # leading "The"
    ("Conn's, Inc.", "conns"),  # apostrophe deleted
    ("Simon’s Agency, Inc", "simons agency"),  # curly apostrophe too
    ("Braviant\xa0Holdings,\xa0LLC", "braviant holdings"),  # no-break spaces (NFKC)
    ("ＡＣＭＥ　Ｃｏｌｌｅｃｔｉｏｎｓ，Ｉｎｃ．", "acme collections"),  # full-width letters and punctuation
    ("Retrieval-Masters Creditors Bureau, Inc.", "retrieval masters creditors bureau"),
    ("The Company", "company"),  # never reduced to nothing
    ("信*飞", "信*飞"),
    ("信*飞有限公司", "信*飞"),  # a legal suffix after a masked name: the same company
    ("信＊飞", "信*飞"),  # full-width asterisk is the same mask
    ("信**飞", "信**飞"),  # another mask: another company
    ("某某科技股份有限公司", "某某科技"),
    ("某某网络小额贷款有限责任公司", "某某网络小额贷款"),
    ("微软（中国）有限公司", "微软"),  # （中国） then 有限公司
    ("小米集团", "小米"),
    ("平安（集团）股份有限公司", "平安"),
    ("有限公司", "有限公司"),  # nothing but a suffix: kept
    ("【演示】速借花", "演示 速借花"),
    ("*", "*"),
]


@pytest.mark.parametrize("name,key", NORMALISE_CASES, ids=[c[0] for c in NORMALISE_CASES])
def test_normalise_company__table(name, key):
    assert co.normalise_company(name) == key


def test_normalise_company__masks_never_match_other_names():
    assert co.normalise_company("信*飞") != co.normalise_company("信用飞")
    assert co.normalise_company("信*飞") != co.normalise_company("信**飞")
    assert co.normalise_company("信*") != co.normalise_company("信*飞")


# ---- groups and aliases -----------------------------------------------------------------------


def test_company_groups__most_frequent_spelling_and_ties():
    names = ["Acme Collections, Inc."] * 3 + ["ACME COLLECTIONS INC"] * 2 + ["acme collections", None, "  "]
    g = co.company_groups(names)
    assert g.values.tolist() == [["ACME COLLECTIONS INC", "Acme Collections, Inc.", "acme collections"],
                                 ["Acme Collections, Inc.", "Acme Collections, Inc.", "acme collections"],
                                 ["acme collections", "Acme Collections, Inc.", "acme collections"]]
    # weights instead of repeats; a tie goes to the smaller string in code-point order
    g = co.company_groups(["Acme Inc", "ACME INC"], [4, 4])
    assert set(g["company"]) == {"ACME INC"}
    g = co.company_groups(["Acme Inc", "ACME INC"], [5, 4])
    assert set(g["company"]) == {"Acme Inc"}


def test_company_groups__alias_file_joins_renamed_companies():
    names = ["BB&T CORPORATION", "BB&T Corp.", "TRUIST FINANCIAL CORPORATION", "Truist Financial Corp"]
    g = co.company_groups(names, [100, 1, 2, 50])
    assert set(g["company"]) == {"TRUIST FINANCIAL CORPORATION"}  # the alias file names it
    assert set(g["key"]) == {"truist financial"}


def test_alias_file__short_true_and_valid():
    a = co.load_aliases()
    assert list(a.columns[:3]) == ["alias", "company", "note"]
    assert 1 <= len(a) <= 20 and (a["note"].str.len() > 10).all()
    # every alias joins something the rules cannot: different keys
    assert (a["alias_key"] != a["company_key"]).all()


def test_alias_file__errors_are_reported(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("alias,company\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected columns"):
        co.load_aliases(p)
    p.write_text("alias,company,note\nAcme Inc,One,\nACME,Two,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="more than one company"):
        co.load_aliases(p)
    p.write_text("alias,company,note\n,One,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="empty alias"):
        co.load_aliases(p)


# ---- the hand-made database -----------------------------------------------------------------
#
# 23 complaints. company (raw names × complaints) | THREAT_VIOLENCE | timely known / timely | outcome
#   Acme: "Acme Collections, Inc." ×3 (Jan), "ACME COLLECTIONS INC" ×2 (Feb), "acme collections" ×1 (Apr)
#         threat 3 of 6; abusive 1; timely T,T,T,F,F,None (3/5); monetary_relief ×2, explained ×4;
#         web ×4, phone ×2; incidents: a1 two calls outside + one inside, a2 a flag outside, a3 inside
#   信*飞 ×3 + 信*飞有限公司 ×2 (Feb): threat 1 of 5; abusive 1; timeliness unknown; in_progress
#         incidents: x1 a daypart wholly outside
#   信**飞 ×1 (Mar): timely T; explained
#   Small Co LLC ×2 (Mar): threat 2 of 2; timely T,T; explained
#   Big Bank, N.A. ×5 (Mar, creditor only): no conduct; timely T,F,F,F,F; explained
#   BB&T CORPORATION ×1 + TRUIST FINANCIAL CORPORATION ×2 (Mar): abusive 0; timely T,T,T; rejected
#   one complaint without a company name (Mar): threat; explained


def _c(cid, company, month, *, timely=None, outcome="explained", medium="web", creditor_only=False, day=10):
    row = _complaint(cid, "demo_us", "US", date(2024, month, day), company, "financial_regulator", medium, outcome,
                     timely, 3)
    if creditor_only:
        row["creditor_name"], row["collector_name"] = company, None
    return row


ACME = ["Acme Collections, Inc."] * 3 + ["ACME COLLECTIONS INC"] * 2 + ["acme collections"]


def build_companies_db(path: Path) -> Path:
    acme_timely = [True, True, True, False, False, None]
    acme_outcome = ["monetary_relief", "monetary_relief", "explained", "explained", "explained", "explained"]
    acme_month = [1, 1, 1, 2, 2, 4]
    rows = [_c(f"us:a{i + 1}", n, acme_month[i], timely=acme_timely[i], outcome=acme_outcome[i],
               medium="web" if i < 4 else "phone") for i, n in enumerate(ACME)]
    rows += [_c(f"us:x{i + 1}", n, 2, outcome="in_progress")
             for i, n in enumerate(["信*飞"] * 3 + ["信*飞有限公司"] * 2)]
    rows += [_c("us:m1", "信**飞", 3, timely=True)]
    rows += [_c(f"us:s{i + 1}", "Small Co LLC", 3, timely=True) for i in range(2)]
    rows += [_c(f"us:b{i + 1}", "Big Bank, N.A.", 3, timely=(i == 0), creditor_only=True) for i in range(5)]
    rows += [_c("us:t1", "BB&T CORPORATION", 3, timely=True, outcome="rejected")]
    rows += [_c(f"us:t{i + 2}", "TRUIST FINANCIAL CORPORATION", 3, timely=True, outcome="rejected") for i in range(2)]
    rows += [_c("us:n1", None, 3)]
    complaints = pd.DataFrame(rows)
    threat = ["us:a1", "us:a2", "us:a3", "us:x1", "us:s1", "us:s2", "us:n1"]
    abusive = ["us:a4", "us:x2", "us:b1"]
    labels = labels_frame([(c, "conduct", "THREAT_VIOLENCE", "field", "US-VIOL-01") for c in threat]
                          + [(c, "conduct", "ABUSIVE_LANGUAGE", "field", "US-LANG-01") for c in abusive])
    incidents = pd.DataFrame([
        _incident("us:a1#1", "us:a1", datetime(2024, 1, 3, 22, 30), "exact", "phone_call", "debtor", True, "outside",
                  "US-TIME-01"),
        _incident("us:a1#2", "us:a1", datetime(2024, 1, 4, 6, 15), "exact", "phone_call", "debtor", True, "outside",
                  "US-TIME-01"),
        _incident("us:a1#3", "us:a1", datetime(2024, 1, 5, 12, 0), "exact", "phone_call", "debtor", False, "inside",
                  "US-TIME-01"),
        _incident("us:a2#1", "us:a2", None, "outside_window_only", "sms", "debtor", True, "outside", "US-TIME-01",
                  source="issue_code"),
        _incident("us:a3#1", "us:a3", datetime(2024, 1, 6, 10, 0), "exact", "phone_call", "debtor", False, "inside",
                  "US-TIME-01"),
        _incident("us:x1#1", "us:x1", datetime(2024, 2, 1, 1, 0), "daypart", "sms", "debtor", True, "outside",
                  "US-TIME-01"),
    ])
    sources = sources_frame(("demo_us", "Tiny US", "小样本（美国）", "US", True))
    return write_core(path, "companies test database", core_complaints=complaints, core_incidents=incidents,
                      meta_sources=sources, core_complaint_labels=labels)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return build_companies_db(tmp_path_factory.mktemp("companies") / "co.duckdb")


@pytest.fixture(scope="module")
def cur(db_path):
    con = db.connect_read_only(db_path)
    yield db.read_cursor(con)
    con.close()


def rows(frame, *cols):
    return [tuple(r) for r in frame[list(cols)].itertuples(index=False)]


def test_ranking__complaints_groups_spellings(cur):
    r = co.query_company_ranking(cur, Filter(), "complaints")
    assert rows(r, "rank", "company", "complaint_count", "base_count") == [
        (1, "Acme Collections, Inc.", 6, 23), (2, "Big Bank, N.A.", 5, 23), (3, "信*飞", 5, 23),
        (4, "TRUIST FINANCIAL CORPORATION", 3, 23), (5, "Small Co LLC", 2, 23), (6, "信**飞", 1, 23)]
    assert r["is_ranked"].all() and (r["min_base"] == 0).all()
    assert r["share_pct"].iloc[0] == pytest.approx(600 / 23)
    assert r["company_names"].iloc[0] == ("ACME COLLECTIONS INC", "Acme Collections, Inc.", "acme collections")
    assert r["company_names"].iloc[2] == ("信*飞", "信*飞有限公司")
    assert r["company_names"].iloc[3] == ("BB&T CORPORATION", "TRUIST FINANCIAL CORPORATION")
    assert co.ranking_count(r) == 22  # the complaint without a company name is in no company
    assert {c: str(d) for c, d in r.dtypes.items()} == {
        "measure": "str", "rank": "Int64", "company": "str", "complaint_count": "int64", "base_count": "int64",
        "share_pct": "float64", "total_complaint_count": "int64", "is_ranked": "bool", "min_base": "int64",
        "company_names": "object"}


def test_ranking__conduct_share_small_company_not_on_top_at_min_5(cur):
    r = co.query_company_ranking(cur, Filter(), "conduct:THREAT_VIOLENCE", min_count=5)
    assert rows(r, "rank", "company", "complaint_count", "base_count", "is_ranked") == [
        (1, "Acme Collections, Inc.", 3, 6, True), (2, "信*飞", 1, 5, True), (3, "Big Bank, N.A.", 0, 5, True),
        (pd.NA, "TRUIST FINANCIAL CORPORATION", 0, 3, False), (pd.NA, "Small Co LLC", 2, 2, False),
        (pd.NA, "信**飞", 0, 1, False)]
    assert r["share_pct"].tolist()[:3] == [50.0, 20.0, 0.0]
    assert int((~r["is_ranked"]).sum()) == 3 and (r["min_base"] == 5).all()
    assert co.ranking_count(r) == 16
    # with no minimum the 2-complaint company tops the rate (why the minimum exists);
    # equal shares: the larger base first, then the name
    r1 = co.query_company_ranking(cur, Filter(), "conduct:THREAT_VIOLENCE", min_count=1)
    assert rows(r1, "company", "share_pct") == [
        ("Small Co LLC", 100.0), ("Acme Collections, Inc.", 50.0), ("信*飞", 20.0), ("Big Bank, N.A.", 0.0),
        ("TRUIST FINANCIAL CORPORATION", 0.0), ("信**飞", 0.0)]


def test_ranking__timely_lowest_first_base_is_known_timeliness(cur):
    r = co.query_company_ranking(cur, Filter(), "timely", min_count=3)
    assert rows(r, "rank", "company", "complaint_count", "base_count", "total_complaint_count") == [
        (1, "Big Bank, N.A.", 1, 5, 5), (2, "Acme Collections, Inc.", 3, 5, 6),
        (3, "TRUIST FINANCIAL CORPORATION", 3, 3, 3),
        (pd.NA, "Small Co LLC", 2, 2, 2), (pd.NA, "信**飞", 1, 1, 1), (pd.NA, "信*飞", 0, 0, 5)]
    assert r["share_pct"].iloc[:3].tolist() == [20.0, 60.0, 100.0]
    assert pd.isna(r["share_pct"].iloc[5])  # no known timeliness: no rate, never ranked


def test_ranking__outside_hours_counts_each_complaint_once(cur):
    r = co.query_company_ranking(cur, Filter(), "outside_hours", min_count=5)
    got = {c: (n, b, s) for c, n, b, s in rows(r, "company", "complaint_count", "base_count", "share_pct")}
    # Acme: a1 (two calls outside: once) and a2 (a flag) of 6; 信*飞: x1 (a daypart wholly outside) of 5
    assert got["Acme Collections, Inc."] == (2, 6, pytest.approx(100 / 3))
    assert got["信*飞"] == (1, 5, 20.0)
    assert got["Big Bank, N.A."] == (0, 5, 0.0)
    assert list(r["company"][:3]) == ["Acme Collections, Inc.", "信*飞", "Big Bank, N.A."]
    # only structured labels: the same incidents here (all from fields / issue codes)
    assert co.query_company_ranking(cur, Filter(label_source="narrative"), "outside_hours", 1)["complaint_count"].sum() == 0


def test_ranking__outcome_share(cur):
    r = co.query_company_ranking(cur, Filter(), "outcome:monetary_relief", min_count=5)
    assert rows(r, "company", "complaint_count", "base_count")[0] == ("Acme Collections, Inc.", 2, 6)
    assert r["share_pct"].iloc[0] == pytest.approx(100 / 3)
    r = co.query_company_ranking(cur, Filter(), "outcome:rejected", min_count=3)
    assert rows(r, "rank", "company", "share_pct")[0] == (1, "TRUIST FINANCIAL CORPORATION", 100.0)


def test_ranking__filters_apply_and_cubes_agree_with_facts(cur, monkeypatch):
    flt = Filter(date_from=date(2024, 1, 15), date_to=date(2024, 3, 9))  # mid-month edges: cube + facts
    r = co.query_company_ranking(cur, flt, "complaints")
    assert rows(r, "company", "complaint_count") == [("信*飞", 5), ("Acme Collections, Inc.", 2)]  # February only
    for m in ("complaints", "conduct:THREAT_VIOLENCE", "timely", "outside_hours", "outcome:explained"):
        for f in (Filter(), flt, Filter(conduct=("THREAT_VIOLENCE",)), Filter(method=("phone_call",))):
            cubes = co.query_company_ranking(cur, f, m, 1)
            monkeypatch.setattr(queries, "USE_CUBES", False)
            facts = co.query_company_ranking(cur, f, m, 1)
            monkeypatch.setattr(queries, "USE_CUBES", True)
            pd.testing.assert_frame_equal(cubes, facts)


def test_ranking__bad_arguments(cur):
    with pytest.raises(ValueError, match="unknown measure"):
        co.query_company_ranking(cur, Filter(), "conduct:NOPE")
    with pytest.raises(ValueError, match="min_count"):
        co.query_company_ranking(cur, Filter(), "timely", 0)
    assert co.query_company_ranking(cur, Filter(jurisdiction=("CN",)), "complaints").empty


def test_variants__drill_down_filter(cur):
    v = co.company_variants(cur, "Acme Collections, Inc.")
    assert v == ("ACME COLLECTIONS INC", "Acme Collections, Inc.", "acme collections")
    assert co.company_variants(cur, "acme collections") == v  # a raw name gives its whole group
    assert co.company_variants(cur, "Nobody") == ()
    assert queries.query_kpis(cur, Filter(company=v))["complaint_count"] == 6
    assert co.company_variants(cur, "Big Bank, N.A.") == ("Big Bank, N.A.",)
    assert queries.query_kpis(cur, Filter(company=("Big Bank, N.A.",)))["complaint_count"] == 5  # creditor


def test_profile__trend_conduct_mix_outcomes_channels(cur):
    acme = "Acme Collections, Inc."
    tr = co.query_company_trend(cur, Filter(), acme)
    assert [(m.date(), n) for m, n in zip(tr["received_month"], tr["complaint_count"])] == [
        (date(2024, 1, 1), 3), (date(2024, 2, 1), 2), (date(2024, 3, 1), 0), (date(2024, 4, 1), 1)]  # March: none
    mix = co.query_company_conduct_mix(cur, Filter(), acme)
    assert rows(mix, "conduct_code", "complaint_count", "others_complaint_count", "company_base_count",
                "others_base_count") == [("THREAT_VIOLENCE", 3, 4, 6, 17), ("ABUSIVE_LANGUAGE", 1, 2, 6, 17)]
    assert mix["share_pct"].tolist() == [50.0, pytest.approx(100 / 6)]
    assert mix["others_share_pct"].tolist() == [pytest.approx(400 / 17), pytest.approx(200 / 17)]
    out = co.query_company_outcomes(cur, Filter(), acme)
    assert rows(out, "outcome_code", "complaint_count") == [("monetary_relief", 2), ("explained", 4)]
    assert out["share_pct"].tolist() == [pytest.approx(100 / 3), pytest.approx(200 / 3)]
    assert out["others_share_pct"].tolist() == [0.0, pytest.approx(900 / 17)]  # 信**飞, Small ×2, Big Bank ×5, no name
    ch = co.query_company_channels(cur, Filter(), acme)
    assert rows(ch, "channel", "channel_code", "complaint_count") == [
        ("filed_with", "financial_regulator", 6), ("submission_medium", "web", 4), ("submission_medium", "phone", 2)]
    s = co.query_company_summary(cur, Filter(), acme)
    assert (s["complaint_count"], s["narrative_count"], s["timely_known_count"], s["timely_rate_pct"]) == (6, 0, 5, 60.0)
    # None: the company with most complaints; a tuple of raw names: exactly those
    assert co.query_company_summary(cur, Filter(), None)["company"] == acme
    assert co.query_company_summary(cur, Filter(), ("ACME COLLECTIONS INC",))["complaint_count"] == 2
    empty = co.query_company_profile(cur, Filter(), "Nobody")
    assert empty["trend"].empty and empty["conduct_mix"].empty and empty["outcomes"].empty
    assert empty["summary"]["complaint_count"] == 0


# ---- figures, catalogue, exports ------------------------------------------------------------------


def test_catalogue__companies_page_charts(cur):
    assert "companies" in PAGES
    assert [s.name for s in charts_of("companies")] == ["companies_ranking", "company_trend", "company_conduct_mix",
                                                       "company_outcomes"]
    spec = CHART_BY_NAME["companies_ranking"]
    assert spec.query_args({}) == ("complaints", co.MIN_COUNT_DEFAULT)
    assert spec.query_args({"measure": "timely", "min_count": "25"}) == ("timely", 25)
    assert spec.query_args({"measure": "bogus", "min_count": "x"}) == ("complaints", co.MIN_COUNT_DEFAULT)
    assert CHART_BY_NAME["company_trend"].query_args({}) == (None,)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures__ranking_bar(cur, lang):
    b = build_chart(cur, "companies_ranking", Filter(), lang, choices={"measure": "conduct:THREAT_VIOLENCE",
                                                                        "min_count": "5"})
    bar = b.figure.data[0]
    assert bar.type == "bar" and bar.orientation == "h" and bar.marker.color == co.COMPANY_COLOUR
    assert list(bar.y) == ["1. Acme Collections, Inc.", "2. 信*飞", "3. Big Bank, N.A."]
    assert list(bar.text) == ["50.0% (3/6)", "20.0% (1/5)", "0.0% (0/5)"]
    assert b.figure.layout.title.text == CHART_BY_NAME["companies_ranking"].title(lang)
    note = b.figure.layout.annotations[0].text
    assert ("3" in note and "5" in note) and (("Not ranked" in note) if lang == "en" else ("未排名" in note))
    assert b.n == 16


def test_figures__long_names_cut_whole_name_in_hover():
    long = "International Recovery and Receivables Management Services of North America, Inc."
    df = pd.DataFrame({"measure": ["complaints"], "rank": pd.array([1], dtype="Int64"), "company": [long],
                       "complaint_count": [7], "base_count": [7], "share_pct": [100.0], "total_complaint_count": [7],
                       "is_ranked": [True], "min_base": [0], "company_names": [(long, long.upper())]})
    bar = co.make_company_ranking_bar(df, "en").data[0]
    assert bar.y[0].endswith("…") and len(bar.y[0]) <= co.LABEL_COLUMNS + 3
    assert bar.customdata[0][2].startswith(long) and "2 spellings" in bar.customdata[0][2]
    assert co.short_label("信用飞信用飞信用飞信用飞信用飞信用飞", 10) == "信用飞信…"  # CJK counts 2 columns


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures__profile_charts(cur, lang):
    ch = {"profile": "Acme Collections, Inc."}
    mix = build_chart(cur, "company_conduct_mix", Filter(), lang, choices=ch)
    assert [tr.marker.color for tr in mix.figure.data] == [co.COMPANY_COLOUR, co.OTHERS_COLOUR]
    assert mix.figure.layout.barmode == "group" and mix.n == 23
    assert mix.figure.data[0].name.startswith("Acme Collections, Inc. (n=6)")
    assert list(mix.figure.data[1].text) == ["23.5%", "11.8%"]
    trend = build_chart(cur, "company_trend", Filter(), lang, choices=ch)
    assert list(trend.figure.data[0].y) == [3, 2, 0, 1] and trend.n == 6
    outc = build_chart(cur, "company_outcomes", Filter(), lang, choices=ch)
    assert list(outc.figure.data[0].text) == ["2 (33.3%)", "4 (66.7%)"] and outc.n == 6
    assert "Acme Collections, Inc." in outc.figure.layout.xaxis.title.text


def test_suppression__bars_and_lines(cur):
    b = build_chart(cur, "companies_ranking", Filter(), "en", choices={"measure": "conduct:THREAT_VIOLENCE",
                                                                        "min_count": "5"})
    fig = b.figure
    co.suppress_company_figure(fig, b.frame, 5)
    bar = fig.data[0]
    # counts 3 and 1 are small; 0 of 5 is a true zero and stays
    assert list(bar.x) == [0, 0, 0.0] and list(bar.text) == ["<5", "<5", "0.0% (0/5)"]
    assert [list(c) for c in bar.customdata][:2] == [["<5", 6, bar.customdata[0][2]], ["<5", 5, bar.customdata[1][2]]]
    t = build_chart(cur, "company_trend", Filter(), "en", choices={"profile": "Acme Collections, Inc."})
    co.suppress_company_figure(t.figure, t.frame, 5)
    assert list(t.figure.data[0].y) == [None, None, 0, None]


def test_export__csv_xlsx_png(cur, tmp_path):
    from analysis.export.context import ExportOptions
    from analysis.export.engine import export_chart
    choices = {"measure": "timely", "min_count": "3"}
    csv_file = export_chart(cur, "companies_ranking", Filter(), "en", "csv", choices=choices)
    lines = csv_file.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("measure,rank,company,complaint_count,base_count,share_pct")
    # suppression on by default: the count 1 becomes "<5" and the share derived from it "–"
    assert lines[1] == "timely,1,\"Big Bank, N.A.\",<5,5,–,5,True,3,\"Big Bank, N.A.\""
    raw = export_chart(cur, "companies_ranking", Filter(), "en", "csv", choices=choices,
                       options=ExportOptions(suppress=False)).data.decode("utf-8-sig").splitlines()
    assert raw[1] == "timely,1,\"Big Bank, N.A.\",1,5,20.0,5,True,3,\"Big Bank, N.A.\""
    xlsx = export_chart(cur, "company_outcomes", Filter(), "zh", "xlsx", choices={"profile": "信*飞"})
    assert xlsx.data[:2] == b"PK"
    try:
        png = export_chart(cur, "company_conduct_mix", Filter(), "zh", "png", options=ExportOptions(),
                           choices={"profile": "信*飞"})
    except Exception as err:  # no browser on this machine
        pytest.skip(f"image export unavailable: {err}")
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_export__descriptions_and_suppression_rules_cover_every_chart(cur):
    from analysis.export.context import ExportOptions
    from analysis.export.describe import describe_chart, describer
    names = [s.name for s in charts_of("companies")]
    assert set(co.DESCRIBERS) == set(co.SUPPRESSORS) == set(names)
    assert all(describer(CHART_BY_NAME[n]) is not None for n in names)
    ch = {"measure": "conduct:THREAT_VIOLENCE", "min_count": "5", "profile": "Acme Collections, Inc."}
    b = build_chart(cur, "companies_ranking", Filter(), "en", choices=ch)
    assert describe_chart(b, "en", ExportOptions(suppress=False), ch) == (
        "Ranked by: Share with conduct: Threat of violence. 1. Acme Collections, Inc. 50.0% (3/6); "
        "2. 信*飞 20.0% (1/5); 3. Big Bank, N.A. 0.0% (0/5). 3 companies ranked; 3 not ranked "
        "(a rate needs 5 complaints in its base).")
    assert describe_chart(b, "en", ExportOptions(), ch).startswith(
        "Ranked by: Share with conduct: Threat of violence. 1. Acme Collections, Inc. – (<5/6); 2. 信*飞 – (<5/5); "
        "3. Big Bank, N.A. 0.0% (0/5).")
    # a count ranks every company: no "0 not ranked (a rate needs 0 complaints)"
    count = build_chart(cur, "companies_ranking", Filter(), "zh", choices={"measure": "complaints"})
    text = describe_chart(count, "zh", ExportOptions(suppress=False), {"measure": "complaints"})
    assert text.startswith("排名依据：投诉数。1. ") and text.endswith(f"共 {int(count.frame['is_ranked'].sum())} 家机构参与排名。")
    assert "未排名" not in text
    mix = build_chart(cur, "company_conduct_mix", Filter(), "zh", choices=ch)
    assert describe_chart(mix, "zh", ExportOptions(suppress=False), ch) == (
        "Acme Collections, Inc.（6 条投诉）：最常见的行为为“威胁人身安全”，占其投诉的 50.0%，其他投诉中占 23.5%。")


# ---- the page ---------------------------------------------------------------------------------------


@pytest.fixture
def app(db_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(db.ENV_VAR, str(db_path))

    def make(**params):
        at = AppTest.from_file(str(REPO / "pages" / "companies.py"), default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()
    return make


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page__default_view(app, lang, db_path):
    at = app(lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == {"en": "Companies", "zh": "涉诉机构"}[lang]
    assert at.selectbox(key="choice_measure").value == "complaints"
    assert at.selectbox(key="choice_min_count").value == "10"
    assert at.selectbox(key="choice_profile").value == "Acme Collections, Inc."
    assert [m.value for m in at.metric] == ["6", "0", "60.0%"]
    table = at.dataframe[0].value
    assert table.iloc[:, 1].tolist()[:3] == ["Acme Collections, Inc.", "Big Bank, N.A.", "信*飞"]
    # ranked by complaints: the count and its share of every complaint in the filter, no repeats
    assert table.shape[1] == 5
    counts, shares = table.iloc[:, 2].tolist(), table.iloc[:, 3].tolist()
    from analysis.queries import query_kpis
    from analysis.scope import default_filter
    with db.connect_read_only(db_path) as con:
        c = db.read_cursor(con)
        total = query_kpis(c, default_filter(c))["complaint_count"]
    assert shares == [round(100 * n / total, 1) for n in counts]


def test_page__url_choices_rate_and_profile(app):
    at = app(lang="en", measure="conduct:THREAT_VIOLENCE", min_count="5", profile="信*飞")
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert table.iloc[:, 1].tolist() == ["Acme Collections, Inc.", "信*飞", "Big Bank, N.A."]
    assert table.iloc[:, 2].tolist() == [50.0, 20.0, 0.0]
    assert at.selectbox(key="choice_profile").value == "信*飞"
    assert [m.value for m in at.metric][:2] == ["5", "0"]
    at = app(lang="en", measure="timely", min_count="100")
    assert any("No company has at least 100" in i.value for i in at.info)


# ---- the shared CFPB file ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cfpb(tmp_path_factory):
    from analysis.ingest import run_import
    from tests.test_ingest_cfpb import nz
    path = tmp_path_factory.mktemp("co_cfpb") / "cfpb.duckdb"
    run_import([SHARED / CFPB_MIXED], "cfpb", path)
    csv = pd.read_csv(SHARED / CFPB_MIXED, dtype=str, keep_default_na=False)
    csv["company_name"] = csv["Company"].map(nz)
    con = db.connect_read_only(path)
    yield db.read_cursor(con), csv
    con.close()


def _expected(csv: pd.DataFrame) -> pd.DataFrame:
    named = csv[csv["company_name"].notna()]
    counts = named["company_name"].value_counts()
    groups = co.company_groups(counts.index.tolist(), counts.tolist())  # grouping only; counted below
    return named.merge(groups, on="company_name")


@require_shared(CFPB_MIXED)
def test_cfpb__complaints_ranking_matches_pandas(cfpb):
    cur, csv = cfpb
    e = _expected(csv).groupby("company").size().rename("n").reset_index()
    e = e.sort_values(["n", "company"], ascending=[False, True], kind="mergesort")
    r = co.query_company_ranking(cur, Filter(), "complaints")
    assert rows(r, "company", "complaint_count") == list(zip(e["company"], e["n"]))
    assert int(r["base_count"].iloc[0]) == len(csv)
    # the rules join real spellings, and the alias file a renamed company
    assert r.loc[r["company"] == "TRUIST FINANCIAL CORPORATION", "company_names"].iloc[0] == ("BB&T CORPORATION",)


@require_shared(CFPB_MIXED)
def test_cfpb__timely_and_conduct_rates_match_pandas(cfpb):
    from tests.test_ingest_cfpb import COMPANY_RESPONSE, DC_INCIDENT, TIMELY, expected_labels, nz
    cur, csv = cfpb
    e = _expected(csv)
    e["timely"] = e["Timely response?"].map(lambda v: TIMELY.get(nz(v)) if nz(v) else None)
    e["known"] = e["timely"].notna()
    e["yes"] = e["timely"].eq(True)
    e["freq"] = [("conduct", "FREQ_EXCESSIVE_CALLS") in expected_labels(row) for row in e.to_dict("records")]
    e["outside"] = [bool(DC_INCIDENT.get(nz(s), (None, None, False))[2]) if nz(p) == "Debt collection" else False
                    for s, p in zip(e["Sub-issue"], e["Product"])]
    e["relief"] = e["Company response to consumer"].map(lambda v: COMPANY_RESPONSE.get(nz(v)) if nz(v) else None
                                                        ).eq("monetary_relief")
    g = e.groupby("company").agg(n=("company", "size"), known=("known", "sum"), yes=("yes", "sum"),
                                 freq=("freq", "sum"), outside=("outside", "sum"), relief=("relief", "sum"))

    def check(measure, num, base, ascending, min_count=10, flt=Filter()):
        x = g[g[base] >= min_count].assign(share=lambda d: 100.0 * d[num] / d[base]).reset_index()
        x = x.sort_values(["share", base, "company"], ascending=[ascending, False, True], kind="mergesort")
        r = co.query_company_ranking(cur, flt, measure, min_count)
        ranked = r[r["is_ranked"]]
        assert rows(ranked, "company", "complaint_count", "base_count") == list(zip(x["company"], x[num], x[base]))
        assert ranked["share_pct"].tolist() == pytest.approx(x["share"].tolist())
        assert int((~r["is_ranked"]).sum()) == int((g[base] < min_count).sum())

    check("timely", "yes", "known", True)
    check("outcome:monetary_relief", "relief", "n", False, 25)
    structured = Filter(label_source="structured")  # the CSV gives the structured labels only
    check("conduct:FREQ_EXCESSIVE_CALLS", "freq", "n", False, 5, structured)
    check("outside_hours", "outside", "n", False, 1, structured)


@require_shared(CFPB_MIXED)
def test_cfpb__profile_and_variants(cfpb):
    cur, csv = cfpb
    e = _expected(csv)
    top = e.groupby("company").size().sort_values(ascending=False).index[0]
    names = co.company_variants(cur, top)
    assert names == tuple(sorted(e.loc[e["company"] == top, "company_name"].unique()))
    s = co.query_company_summary(cur, Filter(), top)
    assert s["complaint_count"] == int((e["company"] == top).sum())
    assert s["narrative_count"] == int(((e["company"] == top) & e["Consumer complaint narrative"].str.strip().ne("")).sum())
    tr = co.query_company_trend(cur, Filter(), top)
    assert int(tr["complaint_count"].sum()) == s["complaint_count"]
    mix = co.query_company_conduct_mix(cur, dataclasses.replace(Filter(), label_source="structured"), top)
    if len(mix):
        assert int(mix["company_base_count"].iloc[0]) == s["complaint_count"]
        assert int(mix["others_base_count"].iloc[0]) == len(csv) - s["complaint_count"]


def test_page__a_choice_is_kept_in_the_menu_link_back_to_the_page(app):
    """The menu's link to a page carries the choices last made on it (a ranking measure), so
    going to another page and back shows it as it was left; other pages' links do not."""
    at = app(lang="en")
    at.selectbox(key="choice_measure").set_value("timely").run()
    assert not at.exception
    links = [m.value for m in at.markdown if m.value.startswith("[")]
    [back] = [v for v in links if "(/companies?" in v]
    [other] = [v for v in links if "(/trends?" in v]
    assert "measure=timely" in back and "min_count=10" in back
    assert "measure=" not in other


def test_page__a_choice_the_page_does_not_offer_is_said_and_corrected(app):
    at = app(lang="en", measure="bogus", min_count="-1")
    assert not at.exception
    said = [w.value for w in at.warning]
    assert "The link's bogus is not a choice of “Rank by”: the default is shown." in said
    assert any(w.replace("\\", "").startswith("The link's -1 is not a choice of") for w in said)
    assert at.selectbox(key="choice_measure").value == "complaints"
    assert at.query_params["measure"] == ["complaints"] or at.query_params["measure"] == "complaints"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures__ranking_note_counts_in_words(cur, lang):
    """The count ranking's note: "1 company", "all are shown", or "the first N" (it said "1
    companies in the filter; the first 1 are shown")."""
    df = co.query_company_ranking(cur, Filter(), "complaints")
    one = co.make_company_ranking_bar(df.head(1), lang).layout.annotations[0].text
    assert one == t("co_note_count_one", lang) == ("1 company in the filter." if lang == "en" else "筛选范围内共 1 家机构。")
    every = co.make_company_ranking_bar(df, lang).layout.annotations[0].text
    assert every == t("co_note_count_all", lang, total=len(df))
    few = co.make_company_ranking_bar(df, lang, top_n=2).layout.annotations[0].text
    assert few == t("co_note_count", lang, total=len(df), n=2)
