"""Places: the place list (codes, populations against the published census totals, tile
grids), region names to codes, counts and rates per million on a hand-made database and on
the shared CFPB file, the tile map, and the page.

Expected values are computed here: populations are read from ``analysis/maps/regions.csv``
with the ``csv`` module, CFPB counts from the CSV with pandas; the totals below are the
published census figures.
"""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis import db, places
from analysis.charts import CHART_BY_NAME, build_chart
from analysis.export.context import ExportOptions
from analysis.filters import Filter
from analysis.ingest import run_import
from analysis.places import region_code
from tests.conftest import CFPB_COMPLAINTS, CFPB_MIXED, SHARED, require_shared
from tests.helpers import REPO, _complaint, labels_frame, sources_frame, write_core

REGIONS_CSV = REPO / "analysis" / "maps" / "regions.csv"
#: U.S. Census Bureau, 2020 Census: resident population of the 50 states and DC, April 1, 2020.
US_2020_RESIDENT_POPULATION = 331_449_281
#: Same release: Puerto Rico's resident population.
PR_2020_RESIDENT_POPULATION = 3_285_874
#: 国家统计局 第七次全国人口普查公报（第二号）: 31 provinces and active-duty military together ...
CN_2020_31_PROVINCES_AND_MILITARY = 1_411_778_724
#: ... of which active-duty military (counted in no province; 公报第三号 lists provinces only) ...
CN_2020_ACTIVE_MILITARY = 2_000_000
#: ... and the national total with Hong Kong, Macao and Taiwan.
CN_2020_NATIONAL_TOTAL = 1_443_497_378
CN_ISO_CODES = {"AH", "BJ", "CQ", "FJ", "GD", "GS", "GX", "GZ", "HA", "HB", "HE", "HI", "HK", "HL", "HN", "JL",
                "JS", "JX", "LN", "MO", "NM", "NX", "QH", "SC", "SD", "SH", "SN", "SX", "TJ", "TW", "XJ", "XZ",
                "YN", "ZJ"}
US_STATES = {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
             "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
             "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"}
CFPB_NULL = {"", "None", "N/A"}


def _regions() -> list[dict]:
    with REGIONS_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _population(code: str) -> int:
    return int(next(r["population"] for r in _regions() if r["region_code"] == code))


# ---- the place list -----------------------------------------------------------------------

def test_regions__us_states_and_dc_sum_to_the_2020_census_total():
    rows = [r for r in _regions() if r["jurisdiction"] == "US" and r["kind"] in ("state", "district")]
    assert {r["region_code"][3:] for r in rows} == US_STATES | {"DC"}
    assert sum(int(r["population"]) for r in rows) == US_2020_RESIDENT_POPULATION
    assert _population("US-DC") == 689_545 and _population("US-PR") == PR_2020_RESIDENT_POPULATION


def test_regions__cn_provinces_sum_to_the_seventh_census_totals():
    rows = [r for r in _regions() if r["jurisdiction"] == "CN"]
    assert {r["region_code"][3:] for r in rows} == CN_ISO_CODES
    mainland = [r for r in rows if r["kind"] != "special_administrative_region" and r["region_code"] != "CN-TW"]
    assert len(mainland) == 31
    assert sum(int(r["population"]) for r in mainland) == CN_2020_31_PROVINCES_AND_MILITARY - CN_2020_ACTIVE_MILITARY
    assert (sum(int(r["population"]) for r in rows) + CN_2020_ACTIVE_MILITARY) == CN_2020_NATIONAL_TOTAL


def test_regions__codes_sources_and_places_without_population():
    rows = _regions()
    codes = [r["region_code"] for r in rows]
    assert len(codes) == len(set(codes)) == 51 + 5 + 3 + 34
    for r in rows:
        assert r["region_code"].startswith(r["jurisdiction"] + "-") and len(r["region_code"]) == 5
        assert r["name_en"] and r["name_zh"] and r["aliases"]
        if r["population"]:
            assert int(r["population"]) > 0 and r["population_year"] == "2020" and r["population_source"]
    military = [r for r in rows if r["kind"] == "military_mail"]
    assert [r["region_code"] for r in military] == ["US-AA", "US-AE", "US-AP"]
    assert all(not r["population"] and not r["tile_row"] for r in military)
    assert all("2020 Census" in r["population_source"] or "2020 Island Areas" in r["population_source"]
               for r in rows if r["jurisdiction"] == "US" and r["population"])
    assert all("第七次全国人口普查" in r["population_source"] for r in rows if r["jurisdiction"] == "CN")


@pytest.mark.parametrize("jur", ["US", "CN"])
def test_regions__tile_positions_unique_and_every_populated_place_on_the_map(jur):
    rows = [r for r in _regions() if r["jurisdiction"] == jur]
    tiles = [(int(r["tile_row"]), int(r["tile_col"])) for r in rows if r["tile_row"]]
    assert len(tiles) == len(set(tiles))
    assert all(bool(r["tile_row"]) == bool(r["population"]) for r in rows)
    assert len(tiles) == {"US": 56, "CN": 34}[jur]


def test_alias_index__no_spelling_names_two_places():
    index = places._alias_index()  # raises ValueError on a clash
    assert index["US"]["ca"] == "US-CA" and index["CN"]["粤"] == "CN-GD"


# ---- region_code ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw,jur,expected", [
    ("CA", "US", "US-CA"), ("ca", "US", "US-CA"), (" CA ", "US", "US-CA"), ("ＣＡ", "US", "US-CA"),
    ("Calif.", None, "US-CA"), ("California", "US", "US-CA"), ("加州", "US", "US-CA"),
    ("加利福尼亚州", "US", "US-CA"), ("加利福尼亚", "US", "US-CA"), ("US-CA", None, "US-CA"),
    ("Washington, D.C.", "US", "US-DC"), ("District of Columbia", "US", "US-DC"), ("华盛顿特区", "US", "US-DC"),
    ("Washington", "US", "US-WA"), ("New York State", "US", "US-NY"), ("N.C.", "US", "US-NC"),
    ("W. Va.", "US", "US-WV"), ("Hawaiʻi", "US", "US-HI"), ("PR", "US", "US-PR"), ("GU", "US", "US-GU"),
    ("AE", "US", "US-AE"), ("得州", "US", "US-TX"),
    ("GA", "US", "US-GA"), ("GA", "CN", None), ("GA", None, "US-GA"),
    ("SC", "US", "US-SC"), ("SC", "CN", "CN-SC"), ("SC", None, None), ("MO", "CN", "CN-MO"), ("MO", "US", "US-MO"),
    ("广东", "CN", "CN-GD"), ("广东省", "CN", "CN-GD"), ("广东 省", "CN", "CN-GD"), ("粤", None, "CN-GD"),
    ("廣東", "CN", "CN-GD"), ("Guangdong", "CN", "CN-GD"), ("Guangdong Province", "CN", "CN-GD"),
    ("ＧＵＡＮＧＤＯＮＧ", None, "CN-GD"), ("cn-gd", "CN", "CN-GD"), ("北京市", "CN", "CN-BJ"),
    ("京", "CN", "CN-BJ"),
    ("内蒙古", "CN", "CN-NM"), ("内蒙古自治区", "CN", "CN-NM"), ("Inner Mongolia", "CN", "CN-NM"),
    ("广西壮族自治区", "CN", "CN-GX"), ("新疆维吾尔自治区", None, "CN-XJ"),
    ("香港特别行政区", "CN", "CN-HK"),
    ("中国香港", "CN", "CN-HK"), ("Macau", "CN", "CN-MO"), ("台湾省", "CN", "CN-TW"), ("臺灣", None, "CN-TW"),
    ("广州市", "CN", None), ("台州", "CN", None), ("德州", "CN", None), ("火星", "CN", None),
    ("Narnia", "US", None),
    ("US-CA", "CN", None), ("CA", "UK", None), ("N/A", "US", None), ("", "US", None), ("   ", None, None),
    (None, "US", None),
])
def test_region_code(raw, jur, expected):
    assert region_code(raw, jur) == expected


def test_normalise_region():
    assert places.normalise_region("Calif.") == "calif"
    assert places.normalise_region("ＣＡ") == "ca"
    assert places.normalise_region("广东　省") == "广东省"  # ideographic space
    assert places.normalise_region("Washington,  D.C.") == "washington dc"


# ---- counts and rates on a hand-made database ----------------------------------------------

#: (complaint id, jurisdiction, stored region, has a conduct label)
FIXTURE = [
    ("us:1", "US", "CA", True), ("us:2", "US", "CA", True), ("us:3", "US", "ca ", False),
    ("us:4", "US", "GA", True), ("us:5", "US", "AE", False), ("us:6", "US", "Narnia", False),
    ("us:7", "US", None, True), ("us:8", "US", None, False),
    ("cn:1", "CN", "广东省", True), ("cn:2", "CN", "广东", False), ("cn:3", "CN", "粤", True),
    ("cn:4", "CN", "北京市", False), ("cn:5", "CN", "火星", True), ("cn:6", "CN", "GA", False),
    ("uk:1", "UK", "London", False),
]


def build_places_db(path: Path) -> Path:
    """15 complaints (8 US, 6 CN, 1 UK) with the regions of ``FIXTURE``, all "Debt
    collection", received in 2024; a conduct label where ``FIXTURE`` says so."""
    rows = []
    for i, (cid, jur, region, _) in enumerate(FIXTURE):
        row = _complaint(cid, f"fx_{jur.lower()}", jur, date(2024, 1 + i % 6, 10), "Acme", "financial_regulator",
                         "web", "explained", True, 2)
        row["region"] = region
        rows.append(row)
    complaints = pd.DataFrame(rows)
    labels = labels_frame((cid, "conduct", "ABUSIVE_LANGUAGE", "field", None) for cid, _, _, c in FIXTURE if c)
    sources = sources_frame(*[(f"fx_{j.lower()}", f"Fixture {j}", f"测试 {j}", j, False) for j in ("US", "CN", "UK")])
    return write_core(path, "places test database", core_complaints=complaints, meta_sources=sources,
                      core_complaint_labels=labels)


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    return build_places_db(tmp_path_factory.mktemp("places") / "places.duckdb")


@pytest.fixture(scope="module")
def con(fixture_db):
    c = duckdb.connect(str(fixture_db), read_only=True)
    yield c
    c.close()


def _row(df: pd.DataFrame, **where) -> pd.Series:
    sel = df
    for k, v in where.items():
        sel = sel[sel[k].isna()] if v is None else sel[sel[k] == v]
    assert len(sel) == 1, where
    return sel.iloc[0]


def test_query_region_counts__fixture_counts_rates_and_shares(con):
    df = places.query_region_counts(con, Filter())
    assert list(df.columns) == list(places.COLUMNS)
    ca = _row(df, region_code="US-CA")
    assert (ca.complaint_count, ca.improper_complaint_count, ca.region) == (3, 2, "CA | ca ")
    assert ca.rate_per_million == pytest.approx(3 / _population("US-CA") * 1e6)
    assert round(ca.rate_per_million, 4) == 0.0759
    assert ca.share_pct == pytest.approx(100 * 3 / 8)
    ga = _row(df, region_code="US-GA")
    assert (ga.complaint_count, ga.rate_per_million) == (1, pytest.approx(1 / _population("US-GA") * 1e6))
    ae = _row(df, region_code="US-AE")
    assert ae.complaint_count == 1 and pd.isna(ae.population) and pd.isna(ae.rate_per_million)
    gd = _row(df, region_code="CN-GD")
    assert (gd.complaint_count, gd.improper_complaint_count, gd.region) == (3, 2, "广东 | 广东省 | 粤")
    assert gd.rate_per_million == pytest.approx(3 / _population("CN-GD") * 1e6)
    assert gd.share_pct == pytest.approx(50.0)
    assert _row(df, region_code="CN-BJ").complaint_count == 1
    zero = _row(df, region_code="US-TX")
    assert (zero.complaint_count, zero.rate_per_million, zero.region) == (0, 0.0, None)
    # unmapped values and complaints without a region: listed with their counts, never dropped
    others = df[df["region_status"] != "mapped"]
    assert [(r.jurisdiction, r.region_status, r.region, r.complaint_count) for r in others.itertuples()] == [
        ("CN", "not_mapped", "GA", 1), ("CN", "not_mapped", "火星", 1),
        ("US", "not_mapped", "Narnia", 1), ("US", "not_recorded", None, 2),
        ("UK", "not_mapped", "London", 1)]
    assert _row(df, region_status="not_recorded").share_pct == pytest.approx(25.0)
    assert df.groupby("jurisdiction")["complaint_count"].sum().to_dict() == {"CN": 6, "UK": 1, "US": 8}
    assert df.groupby("jurisdiction")["share_pct"].sum().round(6).to_dict() == {"CN": 100.0, "UK": 100.0,
                                                                                 "US": 100.0}
    # every place with a tile is listed once per jurisdiction present (UK has no place list)
    assert (df["region_status"] == "mapped").sum() == 56 + 1 + 34  # + US-AE, which has no tile


def test_query_region_counts__order_by_measure(con):
    by_count = places.query_region_counts(con, Filter(jurisdiction=("US",)))
    assert by_count["region_code"].tolist()[:3] == ["US-CA", "US-AE", "US-GA"]  # 3, then 1s by code
    by_rate = places.query_region_counts(con, Filter(jurisdiction=("US",)), "rate")
    mapped = by_rate[by_rate["region_status"] == "mapped"]
    assert mapped["region_code"].tolist()[:2] == ["US-GA", "US-CA"]  # 0.093 > 0.076 per million
    assert mapped["region_code"].tolist()[-1] == "US-AE"  # no rate: last
    assert set(by_rate["jurisdiction"]) == {"US"}
    with pytest.raises(ValueError):
        places.query_region_counts(con, Filter(), "per_capita")


def test_query_region_counts__filters_apply(con):
    df = places.query_region_counts(con, Filter(region=("CA", "粤"), conduct=("ABUSIVE_LANGUAGE",)))
    got = df[df["complaint_count"] > 0][["region_code", "complaint_count"]].values.tolist()
    assert got == [["CN-GD", 1], ["US-CA", 2]]
    assert places.query_region_counts(con, Filter(date_from=date(2030, 1, 1))).empty


def test_summarise_region_groups__is_what_the_query_returns_for_groups():
    groups = pd.DataFrame({"jurisdiction": ["US", "US", "US"], "region": ["TX", "Tex.", ""],
                           "complaint_count": [4, 1, 2], "improper_complaint_count": [1, 1, 0]})
    df = places.summarise_region_groups(groups)
    tx = _row(df, region_code="US-TX")
    assert (tx.complaint_count, tx.improper_complaint_count, tx.region) == (5, 2, "TX | Tex.")
    assert _row(df, region_status="not_recorded").complaint_count == 2  # a blank value is no region
    assert places.summarise_region_groups(groups.iloc[:0]).empty


# ---- figure, table, description ------------------------------------------------------------

def test_make_region_tile_map__tiles_values_and_notes(con):
    df = places.query_region_counts(con, Filter())
    fig = places.make_region_tile_map(df, "US", "complaints", "en")
    assert [tr.type for tr in fig.data] == ["heatmap", "heatmap", "scatter"]
    assert fig.layout.title.text == "Complaints by US state"
    assert fig.data[1].colorbar.title.text == "Complaints"
    assert fig.data[1].colorscale[0][1] != fig.data[1].colorscale[-1][1]  # one hue, light to dark
    text = fig.data[2]
    assert len(text.x) == 56
    tiles = {t.split("<br>")[0]: t.split("<br>")[1] for t in text.text}
    assert (tiles["<b>CA</b>"], tiles["<b>GA</b>"], tiles["<b>TX</b>"]) == ("3", "1", "0")
    ca = text.text.index("<b>CA</b><br>3")
    row, col = text.y[ca], text.x[ca]
    assert fig.data[1].z[row][col] == 3 and fig.data[0].z[row][col] is None  # coloured, not grey
    tx = text.text.index("<b>TX</b><br>0")
    assert fig.data[0].z[text.y[tx]][text.x[tx]] == 0 and fig.data[1].z[text.y[tx]][text.x[tx]] is None  # grey
    assert text.meta["drill"][ca] == {"region": ["CA", "ca "]} and text.meta["drill"][tx] is None
    note = fig.layout.annotations[0].text.replace("<br>", " ")
    assert "2 with no region recorded" in note and "1 with a region not recognised" in note
    assert "1 in places without a tile" in note


def test_make_region_tile_map__rate_states_population_source_zh(con):
    df = places.query_region_counts(con, Filter(), "rate")
    fig = places.make_region_tile_map(df, "CN", "rate", "zh")
    assert fig.layout.title.text == "中国各省份每百万人口投诉数"
    assert "每百万人口" in fig.data[1].colorbar.title.text
    note = fig.layout.annotations[0].text.replace("<br>", "")
    assert "第七次全国人口普查" in note and "2020" in note
    gd = fig.data[2].text.index("<b>广东</b><br>" + places.format_rate(3 / _population("CN-GD") * 1e6))
    assert fig.data[2].customdata[gd][0] == "广东省"
    us = places.make_region_tile_map(df, "US", "rate", "en")
    assert "2020 Census" in us.layout.annotations[0].text.replace("<br>", " ")


def test_make_region_tile_map__suppressed_counts(con):
    df = places.query_region_counts(con, Filter(), "rate")
    fig = places.make_region_tile_map(df, "US", "rate", "en", k=5)
    text = fig.data[2]
    ca = text.text.index("<b>CA</b><br><5")
    assert fig.data[1].z[text.y[ca]][text.x[ca]] is None and fig.data[0].z[text.y[ca]][text.x[ca]] == 1
    assert text.customdata[ca][1:] == ["<5", "–"]  # neither the count nor the rate that gives it back
    assert "<5 with no region recorded" in fig.layout.annotations[0].text.replace("<br>", " ")
    ui = places.make_region_tile_map(df, "US", "rate", "en")
    places.suppress_region_tile_map(ui, df, 5, "places_map_us_rate")
    assert list(ui.data[2].text) == list(text.text)


def test_format_rate():
    assert [places.format_rate(v) for v in (0.07587, 2.339, 17.7259, 1234.5, float("nan"), None)] == [
        "0.08", "2.34", "17.7", "1,234.5", "—", "—"]


def test_region_table_and_unmapped_table(con):
    df = places.query_region_counts(con, Filter())
    table = places.region_table(df, "US", "en")
    assert list(table.columns) == ["Place", "Complaints", "Per million inhabitants", "Share"]
    assert table.iloc[0].tolist() == ["California", 3, "0.08", "37.5%"]
    assert table.iloc[1].tolist() == ["Armed Forces Europe, Middle East, Africa, Canada (military mail)", 1, "—",
                                      "12.5%"]
    assert table.iloc[-2:].values.tolist() == [["Not recognised: “Narnia”", 1, "—", "12.5%"],
                                               ["(region not recorded)", 2, "—", "25.0%"]]
    assert places.unmapped_table(df, "CN", "zh").values.tolist() == [["GA", 1], ["火星", 1]]
    assert list(places.unmapped_table(df, "CN", "zh").columns) == ["原始地区值", "投诉数"]
    assert places.default_jurisdiction(df) == "US"
    assert places.default_jurisdiction(df[df["jurisdiction"] == "CN"]) == "CN"
    assert places.default_jurisdiction(df.iloc[:0]) == "US"


@pytest.mark.parametrize("name", list(places.MAP_CHARTS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_catalogue_charts__build_count_and_describe(con, name, lang):
    built = build_chart(con, name, Filter(), lang)
    jur, measure = places.MAP_CHARTS[name]
    assert built.n == {"US": 8, "CN": 6}[jur]
    assert set(built.frame["jurisdiction"]) == {jur}
    assert built.figure.layout.title.text == CHART_BY_NAME[name].title(lang) == places.map_title(jur, measure, lang)
    text = places.describe_region_map(built, lang, ExportOptions(suppress=False))
    assert text and ("California" in text or "Guangdong" in text or "加利福尼亚州" in text or "广东省" in text)
    assert "<5" in places.describe_region_map(built, lang, ExportOptions(suppress=True))


# ---- the shared CFPB file ------------------------------------------------------------------

@pytest.fixture(scope="module")
def cfpb_con(tmp_path_factory):
    path = tmp_path_factory.mktemp("places_cfpb") / "cfpb.duckdb"
    run_import([SHARED / CFPB_MIXED], "cfpb", path)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


@require_shared(CFPB_MIXED)
def test_cfpb_mixed__per_state_counts_and_rates_match_the_csv(cfpb_con):
    raw = pd.read_csv(SHARED / CFPB_MIXED, dtype=str, keep_default_na=False)
    state = raw["State"].str.strip().str.upper()
    recorded = state[~state.isin(CFPB_NULL)]
    expected = recorded.value_counts().to_dict()
    df = places.query_region_counts(cfpb_con, Filter())
    mapped = df[(df["region_status"] == "mapped") & (df["complaint_count"] > 0)]
    assert dict(zip(mapped["region_code"].str[3:], mapped["complaint_count"])) == expected
    assert _row(df, region_status="not_recorded").complaint_count == (~state.isin(CFPB_NULL)).eq(False).sum()
    assert (df["region_status"] != "not_mapped").all()
    assert int(df["complaint_count"].sum()) == len(raw)
    pops = {r["region_code"]: int(r["population"]) for r in _regions() if r["population"]}
    for r in mapped.itertuples():
        assert r.rate_per_million == pytest.approx(expected[r.region_code[3:]] / pops[r.region_code] * 1e6)
        assert r.share_pct == pytest.approx(100 * expected[r.region_code[3:]] / len(raw))
    ca = _row(df, region_code="US-CA")
    assert ca.complaint_count == (state == "CA").sum()


@require_shared(*CFPB_COMPLAINTS)
@pytest.mark.parametrize("rel", CFPB_COMPLAINTS)
def test_cfpb_state_values__every_one_maps_to_a_code_or_is_empty(rel):
    raw = pd.read_csv(SHARED / rel, dtype=str, keep_default_na=False)
    values = set(raw["State"].str.strip()) - CFPB_NULL
    assert values and {v: region_code(v, "US") for v in values if region_code(v, "US") is None} == {}
    assert {region_code(v, "US") for v in values} <= {f"US-{r}" for r in US_STATES | {"DC", "PR", "GU", "VI", "AS",
                                                                                        "MP", "AA", "AE", "AP"}}


# ---- the page ------------------------------------------------------------------------------

@pytest.fixture
def app(fixture_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(db.ENV_VAR, str(fixture_db))

    def make(**params):
        at = AppTest.from_file(str(REPO / "pages" / "places.py"), default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()
    return make


@pytest.mark.parametrize("lang,title", [("en", "Places"), ("zh", "地区分布")])
def test_page__default_view_us_map_table_and_unmapped(app, lang, title):
    at = app(lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error and at.title[0].value == title
    assert len(at.get("plotly_chart")) == 1
    table, unmapped = at.dataframe[0].value, at.dataframe[1].value
    assert table.iloc[0, :2].tolist() == (["California", 3] if lang == "en" else ["加利福尼亚州", 3])
    assert unmapped.values.tolist() == [["Narnia", 1]]
    assert [b.label for b in at.get("download_button")] == ["PNG", "SVG", "PDF", "XLSX", "CSV"]


def test_page__china_rate_map_from_the_url(app):
    at = app(lang="en", map="CN", measure="rate")
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    # by rate: Beijing 1 / 21.9 M before Guangdong 3 / 126 M
    assert table.iloc[:2].values.tolist() == [
        ["Beijing", 1, places.format_rate(1 / _population("CN-BJ") * 1e6), "16.7%"],
        ["Guangdong", 3, places.format_rate(3 / _population("CN-GD") * 1e6), "50.0%"]]
    assert at.dataframe[1].value.values.tolist() == [["GA", 1], ["火星", 1]]
    assert any("Seventh National Population Census" in c.value for c in at.caption)


def test_page__bad_choice_falls_back_and_bad_filter_shows_one_error(app):
    at = app(lang="en", map="XX", measure="bogus")
    assert not at.exception and not at.error and len(at.get("plotly_chart")) == 1
    at = app(lang="en", conduct="NOT_A_CODE")
    assert not at.exception and len(at.error) == 1 and not at.get("plotly_chart") and not at.dataframe


def test_page__choices_show_as_chosen_after_their_state_was_dropped(app):
    """Streamlit drops a widget's state while another page is shown; coming back, the choice
    control showed no option chosen (the map was still by count). It follows the URL again."""
    at = app(lang="en")
    assert at.session_state["choice_measure"] == "complaints"
    at.session_state["choice_measure"] = None  # (AppTest keeps widget state across pages: set it as dropped)
    at.run()
    assert not at.exception and at.session_state["choice_measure"] == "complaints"
