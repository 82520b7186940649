"""Every page under AppTest: default and filtered URLs run without exception; a bad filter
shows one error and runs no chart; an empty result says so in words."""
import re

import pytest
from streamlit.testing.v1 import AppTest

from analysis import db, schema
from analysis.ingest import run_import
from tests.conftest import CFPB_COMPLAINTS, missing_shared, require_shared
from tests.helpers import CFPB_FILES, REPO, build_demo_db, shown
from ui.text import plain

needs_cfpb = require_shared(*CFPB_COMPLAINTS)  # the tests that look at the imported CFPB complaints
PAGES = ["overview", "time_of_day", "methods_conduct", "channels_outcomes", "narratives", "data"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages") / "cw.duckdb"
    build_demo_db(path)
    if not missing_shared(*CFPB_COMPLAINTS):  # without them only the tests marked needs_cfpb are skipped
        run_import(CFPB_FILES, "cfpb", path)
    return path


@pytest.fixture
def app(db_path, monkeypatch):
    monkeypatch.setenv(db.ENV_VAR, str(db_path))

    def make(page, **params):
        at = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()
    return make


@needs_cfpb
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page__default_view(app, page, lang):
    at = app(page, lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == {"zh": {"overview": "总览", "time_of_day": "催收时段", "methods_conduct": "方式与行为",
                                        "channels_outcomes": "渠道与结果", "narratives": "投诉正文", "data": "数据"},
                                 "en": {"overview": "Overview", "time_of_day": "Time of day",
                                        "methods_conduct": "Methods and conduct",
                                        "channels_outcomes": "Channels and outcomes", "narratives": "Narratives",
                                        "data": "Data"}}[lang][page]
    # Real data is loaded, so the default view shows it and hides the demonstration data.
    assert at.sidebar.multiselect(key="source").value == ["cfpb"]
    assert not at.warning or all("demonstration" not in w.value and "演示" not in w.value for w in at.warning)


FILTERED = dict(lang="en", source=["cfpb", "demo_cn"], conduct=["TIME_INCONVENIENT", "FREQ_EXCESSIVE_CALLS"],
                method="phone_call", date_from="2019-01-01", date_to="2026-10-31", filed_with="financial_regulator",
                submission_medium="web", jurisdiction=["US", "CN"], outcome=["explained", "monetary_relief"],
                label_source="all", product=["Debt collection", "网络贷款 (演示)"])


@needs_cfpb
@pytest.mark.parametrize("page", PAGES)
def test_page__filtered_view(app, page):
    at = app(page, **FILTERED)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.sidebar.multiselect(key="conduct").value == ["TIME_INCONVENIENT", "FREQ_EXCESSIVE_CALLS"]
    assert at.sidebar.multiselect(key="method").value == ["phone_call"]
    assert str(at.sidebar.date_input(key="date_from").value) == "2019-01-01"
    assert any("synthetic demonstration data" in w.value for w in at.warning)  # demo_cn is in the view


@needs_cfpb
def test_overview__filtered_numbers_match_filter(app, db_path):
    at = app("overview", lang="en", source="cfpb", product="Debt collection",
             conduct=["TIME_INCONVENIENT", "FREQ_EXCESSIVE_CALLS"], label_source="structured")
    metrics = {m.label: m.value for m in at.metric}
    # 38 "Frequent or repeated calls" + 3 "Called before 8am or after 9pm" debt-collection complaints
    assert metrics["Complaints"] == "41"
    assert metrics["Improper conduct"] == "100.0%"
    assert metrics["Outside hours"] == "–"  # CFPB has no clock times
    assert [b.label for b in at.get("download_button")] == ["PNG", "SVG", "PDF", "XLSX", "CSV"]
    # With narrative labels too, the count is the union of both sources, counted in the database directly.
    with db.connect_read_only(db_path) as con:
        union = db.read_cursor(con).execute("""
            SELECT count(DISTINCT l.complaint_id) FROM complaint_labels l JOIN complaints c USING (complaint_id)
            WHERE c.source = 'cfpb' AND c.product = 'Debt collection' AND l.label_kind = 'conduct'
              AND l.label_code IN ('TIME_INCONVENIENT', 'FREQ_EXCESSIVE_CALLS')""").fetchone()[0]
    at = app("overview", lang="en", source="cfpb", product="Debt collection",
             conduct=["TIME_INCONVENIENT", "FREQ_EXCESSIVE_CALLS"])
    assert union > 41 and {m.label: m.value for m in at.metric}["Complaints"] == f"{union:,}"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("params,needle", [
    ({"conduct": "NOT_A_CODE"}, "NOT_A_CODE"),
    ({"date_from": "2024-13-40"}, "2024-13-40"),
    ({"date_from": "2024-05-01", "date_to": "2024-01-01"}, "2024-05-01"),
    ({"company": "No Such Company Ltd"}, "No Such Company Ltd"),
    ({"lang": "fr"}, "fr"),
])
def test_page__bad_filter_shows_error_and_no_chart(app, page, params, needle):
    at = app(page, **params)
    assert not at.exception
    assert len(at.error) == 1 and needle in shown(at.error[0].value)
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe


@needs_cfpb
def test_page__empty_result_says_so(app):
    at = app("overview", lang="en", source="cfpb", date_from="2030-01-01")
    assert not at.exception and not at.error
    assert any("No complaints match" in i.value for i in at.info)


@needs_cfpb
@pytest.mark.parametrize("lang,needle", [
    ("en", "1,800 complaints of Synthetic demo data (CN) match the other filters but are not in this view"),
    ("zh", "中有 1,800 条投诉符合其余筛选条件，但不在当前视图中：可在“数据来源”中选择。"),
])
def test_page__empty_result_names_the_sources_left_out(app, lang, needle):
    # Real data loaded: the default view is CFPB alone, so Chinese complaints are only in the demo
    # source; an analyst who asks for jurisdiction CN is told where they are (and not of demo_us,
    # whose complaints are all US).
    at = app("overview", lang=lang, source="cfpb", jurisdiction="CN")
    assert not at.exception and not at.error
    assert len(at.info) == 1
    note = shown(at.info[0].value)
    assert note.startswith("No complaints match" if lang == "en" else "没有符合筛选条件的投诉") and needle in note
    assert ("demo data (US)" not in note) and ("(US)" not in note)
    assert note.endswith("Demonstration data is hidden by default once real complaints are loaded."
                         if lang == "en" else "选择。导入真实投诉后，演示数据默认隐藏。")
    # with the demo source chosen the view is not empty and no such note is drawn
    at = app("overview", lang="en", source=["cfpb", "demo_cn"], jurisdiction="CN",
             product=["Debt collection", "网络贷款 (演示)"])
    assert not at.info


@needs_cfpb
def test_places__empty_map_names_the_sources_of_its_jurisdiction_left_out(app):
    at = app("places", lang="en", source="cfpb", map="CN")
    assert not at.exception and not at.error
    [note] = [shown(i.value) for i in at.info]
    assert note.startswith("No complaints of China match these filters.\n\n1,800 complaints of Synthetic demo data (CN)"
                           " match the other filters")


@needs_cfpb
def test_page__empty_result_without_hidden_matches_says_nothing_more(app):
    at = app("overview", lang="en", source="cfpb", date_from="2030-01-01")
    assert not at.exception and not at.error
    assert [i.value for i in at.info] == ["No complaints match these filters. Widen the date range or remove a filter."]


def test_language_switch_keeps_filters(app):
    at = app("methods_conduct", lang="zh", method="sms")
    assert at.title[0].value == "方式与行为"
    switch = [b for b in at.sidebar.get("button_group") if b.key == "lang_choice"][0]
    switch.set_value("en")
    at.run()
    assert at.title[0].value == "Methods and conduct"
    assert at.query_params["lang"] == "en"
    assert at.sidebar.multiselect(key="method").value == ["sms"]
    assert at.query_params["method"] == "sms"
    # the selected chip is sent again in the new language (Streamlit keeps the old text otherwise)
    chip = at.sidebar.multiselect(key="method").proto
    assert chip.set_value and list(chip.raw_values) == ["SMS"]


@pytest.mark.parametrize("page, key, params, zh", [
    ("narratives", "rule", {}, "全部"),
    ("companies", "choice_min_count", {}, "10（默认）"),
    ("trends", "choice_measure", {}, "投诉数"),
])
def test_language_switch__page_selects_shown_in_the_new_language(app, page, key, params, zh):
    """A page's own select (``ui.page.follows_language``) is sent again on the switch, in the
    new language, with its value kept and no warning about a default and a session value."""
    at = app(page, lang="en", **params)
    before = at.selectbox(key=key).value
    switch = [b for b in at.sidebar.get("button_group") if b.key == "lang_choice"][0]
    switch.set_value("zh")
    at.run()
    assert not at.exception and not at.error
    box = at.selectbox(key=key)
    assert box.value == before
    assert box.proto.set_value and box.proto.raw_value == zh
    assert not [w for w in at.warning if "default value" in w.value]


@needs_cfpb
def test_narratives__search_rule_and_reading(app):
    at = app("narratives", lang="en", q="sheriff")
    assert not at.exception and not at.error
    assert any("complaints with a narrative" in c.value for c in at.caption)
    assert at.query_params["complaint"].startswith("cfpb:")
    # the word searched for is marked in the narrative read
    text = "".join(h.proto.body for h in at.get("html"))
    assert re.search(r'<mark style="background:#B3E5FC[^"]*" title="Searched for: sheriff">sheriff</mark>', text,
                     re.IGNORECASE)
    at = app("narratives", lang="en", rule="NOT-A-RULE")
    assert len(at.error) == 1 and "NOT-A-RULE" in shown(at.error[0].value)
    at = app("narratives", lang="en", q="zzqqxx-no-such-word")
    assert any("No narrative matches" in i.value for i in at.info)


@needs_cfpb
def test_overview__intake_complaints_count_in_the_default_view(tmp_path, monkeypatch):
    """Sources without a product (intake logs, platform exports) are in the default view."""
    path = tmp_path / "mixed.duckdb"
    run_import(CFPB_FILES, "cfpb", path)
    run_import([REPO / "tests" / "fixtures" / "import" / "intake.csv"], "intake", path)
    with db.connect_read_only(path) as con:
        cur = db.read_cursor(con)
        n_intake = cur.execute("SELECT count(*) FROM complaints WHERE source = 'intake'").fetchone()[0]
        n_cfpb = cur.execute("SELECT count(*) FROM complaints WHERE source = 'cfpb' AND product IN "
                             "('Debt collection', 'Payday loan, title loan, or personal loan', 'Payday loan')"
                             ).fetchone()[0]
    assert n_intake > 0
    monkeypatch.setenv(db.ENV_VAR, str(path))
    at = AppTest.from_file(str(REPO / "pages" / "overview.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Complaints"] == f"{n_cfpb + n_intake:,}"
    assert "(not recorded)" in at.sidebar.multiselect(key="product").value


def test_bad_filter__language_switch_still_there(app):
    at = app("overview", lang="zh", conduct="NOT_A_CODE")
    assert len(at.error) == 1
    switch = [b for b in at.sidebar.get("button_group") if b.key == "lang_choice"][0]
    switch.set_value("en")
    at.run()
    assert "Unknown conduct code 'NOT_A_CODE'" in shown(at.error[0].value)


def test_sidebar__demonstration_data_chosen_again_brings_its_products(tmp_path, monkeypatch):
    """After real complaints arrive the default view hides the demonstration data and its
    products; an analyst who adds the demonstration source back (products untouched) sees its
    complaints, because the products follow the sources (``analysis.scope.scope_products``).
    Products the analyst chose are left alone."""
    from analysis.scope import is_demo_product
    path = tmp_path / "cw.duckdb"
    build_demo_db(path)
    data = "投诉编号,投诉对象,发起时间,正文\n17370000001,某花,2024-12-04 09:58,半夜打电话\n".encode("utf-8")
    run_import(["real.csv"], "heimao", path, file_bytes={"real.csv": data})
    monkeypatch.setenv(db.ENV_VAR, str(path))
    at = AppTest.from_file(str(REPO / "pages" / "overview.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert at.sidebar.multiselect(key="source").value == ["heimao"]
    products = at.sidebar.multiselect(key="product").value
    assert products and not any(is_demo_product(p) for p in products)
    at.sidebar.multiselect(key="source").select("demo_cn").run()
    assert not at.exception, [e.value for e in at.exception]
    demo = [p for p in at.sidebar.multiselect(key="product").value if is_demo_product(p)]
    assert sorted(demo) == ["信用卡 (演示)", "消费金融 (演示)", "网络贷款 (演示)"]
    assert not [i.value for i in at.info if "No complaints" in i.value]
    # products the analyst chose stay as chosen when the sources change again
    at.sidebar.multiselect(key="product").set_value(["信用卡 (演示)"]).run()
    at.sidebar.multiselect(key="source").unselect("heimao").run()
    assert at.sidebar.multiselect(key="product").value == ["信用卡 (演示)"]


def test_narratives__the_reader_follows_a_new_search_and_the_total_is_said(app, db_path):
    """A search that does not find the complaint being read moves the reader to the first one
    it finds (it stayed on the old one); a search matching more than the 200 listed says how
    many match in all."""
    at = app("narratives", lang="zh", source="demo_cn")
    first = at.query_params["complaint"]
    with db.connect_read_only(db_path) as con:
        has = dict(con.execute("SELECT complaint_id, narrative LIKE '%通讯录%' FROM core_complaints "
                               "WHERE narrative IS NOT NULL").fetchall())
        total = con.execute("SELECT count(*) FROM core_complaints WHERE narrative IS NOT NULL AND "
                            "source = 'demo_cn'").fetchone()[0]
    assert not has[first]  # the newest demonstration complaint does not mention the contact list
    at.text_input(key="q").set_value("通讯录").run()
    assert not at.exception
    now = at.query_params["complaint"]
    assert now != first and has[now]
    at.text_input(key="q").set_value("").run()
    caption = " ".join(c.value for c in at.caption)
    assert total > 200 and "列出前 200 条" in caption and "共有" in caption


def test_report_pack__built_then_offered_once_to_download(tmp_path, monkeypatch):
    """After the pack is built the sidebar offers it as one download (not a second button that
    reads like the first) and the build button says it builds again."""
    path = tmp_path / "cw.duckdb"
    build_demo_db(path)
    monkeypatch.setenv(db.ENV_VAR, str(path))
    at = AppTest.from_file(str(REPO / "pages" / "overview.py"), default_timeout=300)
    at.query_params["lang"] = "en"
    at.query_params["date_from"] = "2026-10-01"  # a small pack
    at.run()
    assert at.sidebar.button(key="build_report_pack").label == "Report pack (ZIP)"
    at.sidebar.button(key="build_report_pack").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.button(key="build_report_pack").label == "Build the report pack again"
    [dl] = [e for e in at.sidebar.get("download_button")]
    assert dl.proto.label == "Download the report pack (ZIP)"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data__dictionary_layers_in_the_users_language(app, lang):
    at = app("data", lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    [dd] = [d.value for d in at.dataframe if {"table", "layer", "column"} <= set(d.value.columns)]
    views = dd.loc[dd["table"] == "complaints", "layer"]
    assert len(views) > 5 and set(views) == {"公开视图" if lang == "zh" else "public view"}
    assert set(dd["layer"]) <= {v[1 if lang == "zh" else 0] for v in schema.LAYERS.values()}
    assert ("核心层（清洗、分类后）" if lang == "zh" else "core (cleaned, classified)") in set(dd["layer"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data__each_sources_caveats_are_said_under_the_table_whole(app, db_path, lang):
    """The sources' notes (unverified, synthetic…) were the table's last column, off its right
    edge: they are captions under it, one per source, with the source's name."""
    at = app("data", lang=lang)
    [src] = [d.value for d in at.dataframe if "publisher" in d.value.columns]
    assert "note_en" not in src.columns and "note_zh" not in src.columns
    with db.connect_read_only(db_path) as con:
        notes = db.read_cursor(con).execute("SELECT name_en, note_en, name_zh, note_zh FROM meta_sources").fetchall()
    captions = [c.value for c in at.caption]
    assert len(notes) >= 2
    for name_en, note_en, name_zh, note_zh in notes:
        want = f"**{plain(name_zh)}**：{plain(note_zh)}" if lang == "zh" else f"**{plain(name_en)}**: {plain(note_en)}"
        assert want in captions


def test_sidebar__typing_finds_names_that_contain_it_and_no_select_all_for_names(app):
    """The company list matched "OneMain" fuzzily to MONEYGRAM and TRANSUNION, and offered to
    select all 16 matches: names from the data match by substring and have no "select all"."""
    at = app("overview", lang="en")
    company, conduct = at.sidebar.multiselect(key="company").proto, at.sidebar.multiselect(key="conduct").proto
    from streamlit.proto.SelectWidgetFilterMode_pb2 import FILTER_MODE_CONTAINS
    assert company.filter_mode == conduct.filter_mode == FILTER_MODE_CONTAINS
    assert company.select_all == 0 and conduct.select_all != 0


@pytest.mark.parametrize("url,locale,lang", [
    ({}, "en-US", "en"), ({}, "zh-CN", "zh"), ({}, "zh-TW", "zh"), ({}, "de-DE", "en"), ({}, None, "zh"),
    ({"lang": "zh"}, "en-US", "zh"), ({"lang": "en"}, "zh-CN", "en"), ({"lang": "xx"}, "en-GB", "en")])
def test_the_page_language_follows_the_url_then_the_browser(monkeypatch, url, locale, lang):
    """A new user's English browser opened the dashboard in Chinese: without ``lang`` in the URL
    the browser's language decides (Chinese for zh-*, English for any other it names), and
    Chinese when it names none; the URL's choice (the language switch) always wins."""
    from types import SimpleNamespace
    from ui import state
    monkeypatch.setattr(state, "st", SimpleNamespace(query_params=url, context=SimpleNamespace(locale=locale)))
    assert state.page_lang() == lang
