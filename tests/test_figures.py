"""Figure builders: trace types, category order, colours, forbidden-hour marks, and
readability: whole labels, counts in labels, legible cell numbers, at most 8 colours."""
import math

import duckdb
import pandas as pd
import pytest

from analysis import codes, figures
from analysis import queries as q
from analysis.filters import Filter
from analysis.i18n import t
from tests.helpers import build_tiny_db


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_tiny_db(tmp_path_factory.mktemp("tinyfig") / "tiny.duckdb")
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def test_make_hour_weekday_heatmap__grid_and_cn_forbidden_band(con):
    fig = figures.make_hour_weekday_heatmap(q.query_incidents_by_hour_weekday(con, Filter()), "CN", "zh")
    hm = fig.data[0]
    assert hm.type == "heatmap"
    assert list(hm.x) == list(range(24))
    assert list(hm.y) == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    assert hm.z[5][23] == 1 and sum(map(sum, hm.z)) == 1  # Saturday 23:00, CN only
    bands = sorted(s.x0 + 0.5 for s in fig.layout.shapes if s.type == "rect")
    assert bands == [0, 1, 2, 3, 4, 5, 6, 7, 22, 23]
    lines = sorted(s.x0 for s in fig.layout.shapes if s.type == "line")
    assert lines == [7.5, 21.5]
    assert fig.layout.title.text == "按小时和星期分布的催收事件 — 中国"


def test_make_hour_weekday_heatmap__us_hour_21_is_partial(con):
    fig = figures.make_hour_weekday_heatmap(q.query_incidents_by_hour_weekday(con, Filter()), "US", "en")
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    full = sorted(s.x0 + 0.5 for s in rects if s.fillcolor == figures.FORBIDDEN_LINE)
    partial = sorted(s.x0 + 0.5 for s in rects if s.fillcolor == figures.FORBIDDEN_FILL)
    assert full == [0, 1, 2, 3, 4, 5, 6, 7, 22, 23] and partial == [21]
    assert sorted(s.x0 for s in fig.layout.shapes if s.type == "line") == [7.5, 20.5]
    assert fig.layout.xaxis.title.text == "Hour (local time)"


def test_make_code_bar__largest_first_and_code_colours(con):
    df = q.query_method_counts(con, Filter())
    fig = figures.make_code_bar(df, "method_code", "method", "complaint_count", "t", "en")
    bar = fig.data[0]
    assert bar.type == "bar" and bar.orientation == "h"
    assert list(bar.y) == ["SMS", "Phone call"]  # plotly draws bottom-up: largest last, ties by code
    assert list(bar.marker.color) == [codes.color("method", "sms"), codes.color("method", "phone_call")]


def test_make_outcome_mix_bar__outcome_order_and_shares(con):
    fig = figures.make_outcome_mix_bar(q.query_channel_outcomes(con, Filter(), "filed_with"), "filed_with", "en")
    assert [tr.name for tr in fig.data] == ["Monetary relief", "Closed with explanation", "In progress"]
    assert fig.layout.barmode == "stack"
    explained = fig.data[1]
    # every row carries the complaints it rests on
    assert dict(zip(explained.y, explained.x)) == {"Consumer association / 12315 (n=1)": 100.0,
                                                   "Financial regulator (n=2)": 50.0, "Complaint platform (n=1)": 0}
    assert dict(zip(explained.y, explained.customdata)) == {"Consumer association / 12315 (n=1)": 1,
                                                            "Financial regulator (n=2)": 1,
                                                            "Complaint platform (n=1)": 0}
    assert "%{customdata:,} complaints" in explained.hovertemplate  # counts in the hover


def test_make_outcome_mix_bar__counts_in_labels_and_missing_values_not_recorded():
    df = pd.DataFrame({"channel_code": ["web", "web", "web", None, None],
                       "outcome_code": ["explained", "closed", None, "explained", pd.NA],
                       "complaint_count": [1000, 200, 34, 6, 4], "share_pct": [81.0, 16.2, 2.8, 60.0, 40.0]})
    fig = figures.make_outcome_mix_bar(df, "submission_medium", "en")
    assert list(fig.data[0].y) == ["Not recorded (n=10)", "Web (n=1,234)"]  # bottom-up
    assert [tr.name for tr in fig.data] == ["Closed with explanation", "Closed (no explanation)", "Not recorded"]
    assert list(fig.data[2].x) == [40.0, 2.8] and list(fig.data[2].customdata) == [4, 34]
    zh = figures.make_outcome_mix_bar(df, "submission_medium", "zh")
    assert list(zh.data[0].y) == ["未记录（n=10）", "网页（n=1,234）"] and zh.data[2].name == "未记录"
    text = fig.to_json() + zh.to_json()
    assert "None" not in text and "nan" not in text.replace("nan\"", "") and "<NA>" not in text


def test_make_channel_sankey__flows_sum_to_complaints(con):
    fig = figures.make_channel_sankey(q.query_channel_flow(con, Filter()), "zh")
    sk = fig.data[0]
    assert sk.type == "sankey"
    assert sum(sk.link.value) == 8  # 4 complaints, two hops each
    assert "网页" in sk.node.label and "处理中" in sk.node.label


def test_make_time_coverage_bar__labels_in_list_order(con):
    fig = figures.make_time_coverage_bar(q.query_time_coverage(con, Filter()), "en")
    assert list(fig.data[0].y) == ["Exact clock time", "Part of day only", "Outside-hours flag only", "Date only",
                                   "No time"]
    assert list(fig.data[0].x) == [3, 1, 1, 0, 0]


def test_make_monthly_trend_and_cooccurrence(con):
    fig = figures.make_monthly_trend(q.query_complaints_by_month(con, Filter()), "en")
    assert [tr.name for tr in fig.data] == ["All complaints", "With improper conduct"]
    assert list(fig.data[0].y) == [1, 2, 1] and list(fig.data[1].y) == [1, 2, 0]
    co = figures.make_cooccurrence_heatmap(q.query_conduct_cooccurrence(con, Filter()), "en")
    assert list(co.data[0].x) == ["Contact at inconvenient hours", "Excessive calls", "Contact-list blasting",
                                  "Abusive language"]
    assert [y.replace("<br>", " ") for y in co.data[0].y] == list(co.data[0].x)


def test_make_monthly_trend__months_not_covered_are_gaps_not_lines():
    df = pd.DataFrame({"received_month": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-05-01"]),
                       "complaint_count": [3, 4, 5], "improper_complaint_count": [1, 0, 2]})
    fig = figures.make_monthly_trend(df, "en")
    ys = list(fig.data[0].y)
    assert len(ys) == 5 and ys[:2] == [3, 4] and ys[4] == 5
    assert all(v != v for v in ys[2:4])  # NaN: a break in the line, not a zero


def test_make_code_trend__zero_inside_covered_months():
    df = pd.DataFrame({"received_month": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-02-01"]),
                       "conduct_code": ["ABUSIVE_LANGUAGE", "ABUSIVE_LANGUAGE", "CEASE_IGNORED"],
                       "complaint_count": [2, 1, 4]})
    fig = figures.make_code_trend(df, "conduct_code", "conduct", "t", "en")
    by_name = {tr.name: list(tr.y) for tr in fig.data}
    assert by_name == {"Abusive language": [2, 1], "Request to stop ignored": [0, 4]}


def test_make_outside_share_trend__months_on_few_incidents_not_drawn():
    df = pd.DataFrame({"jurisdiction": ["US", "US", "US"],
                       "occurred_month": pd.to_datetime(["2019-10-01", "2019-11-01", "2019-12-01"]),
                       "exact_time_incident_count": [1, 12, 400], "outside_count": [1, 3, 40],
                       "outside_share_pct": [100.0, 25.0, 10.0]})
    fig = figures.make_outside_share_trend(df, "en")
    assert list(fig.data[0].y) == [25.0, 10.0]
    assert fig.layout.annotations[0].text == "1 month(s) with fewer than 10 timed incidents are not drawn."


# ---- readability ---------------------------------------------------------------------------

ALL_CONDUCTS = codes.codes("conduct")


def _plain(label: str) -> str:
    """A wrapped label read back: line breaks as spaces (CJK lines joined without one)."""
    parts = label.split("<br>")
    out = parts[0]
    for p in parts[1:]:
        out += ("" if ord(out[-1]) >= 0x2E80 or out.endswith(("/", "、")) and ord(p[0]) >= 0x2E80 else " ") + p
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wrap_label__every_conduct_label_whole_and_short_lines(lang):
    for c in ALL_CONDUCTS:
        full = codes.label("conduct", c, lang)
        wrapped = figures.wrap_label(full, figures.HEATMAP_LABEL_UNITS)
        assert _plain(wrapped).replace(" ", "") == full.replace(" ", "")  # nothing cut, nothing added
        lines = wrapped.split("<br>")
        assert all(figures.label_units(x) <= figures.HEATMAP_LABEL_UNITS for x in lines if " " in x or "/" in x or
                   ord(x[0]) >= 0x2E80), wrapped
    assert figures.wrap_label("Disclosure to third parties", 18) == "Disclosure to<br>third parties"
    assert figures.wrap_label("收取催收费/诱导借新还旧", 18) == "收取催收费/<br>诱导借新还旧"
    assert figures.wrap_label("A <b>bold</b> & co", 40, escape=True) == "A &lt;b&gt;bold&lt;/b&gt; &amp; co"


def _cooc_all() -> pd.DataFrame:
    """Every conduct with every other: pairs a×b = 3 (0 for the last conduct's pairs), own = 100 + i."""
    rows = []
    for i, a in enumerate(ALL_CONDUCTS):
        for j, b in enumerate(ALL_CONDUCTS):
            n = 100 + i if i == j else (0 if a == ALL_CONDUCTS[-1] or b == ALL_CONDUCTS[-1] else 3 + i + j)
            rows.append((a, b, n))
    rows.append((ALL_CONDUCTS[0], ALL_CONDUCTS[1], 12_340))  # a large pair (summed with 3 + 0 + 1)
    return pd.DataFrame(rows, columns=["conduct_a", "conduct_b", "complaint_count"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_make_cooccurrence_heatmap__whole_labels_legible_numbers(lang):
    fig = figures.make_cooccurrence_heatmap(_cooc_all(), lang)
    hm = fig.data[0]
    names = [codes.label("conduct", c, lang) for c in ALL_CONDUCTS]
    assert list(hm.x) == names  # column labels whole, on one line (slanted)
    assert [_plain(y).replace(" ", "") for y in hm.y] == [n.replace(" ", "") for n in names]  # rows wrapped, whole
    assert "Disclosure to<br>third parties" in hm.y or "向第三方透露债务" in hm.y
    # room for the labels: left margin ≥ the widest row line, bottom ≥ the slanted column labels
    assert fig.layout.margin.l >= figures.label_px(hm.y, 12) and fig.layout.margin.b >= figures.label_px(names, 12) * 0.8
    # 19 conducts: cells are ~18 px wide in a 1024 px window, so numbers of at most 3 characters
    assert hm.textfont.size == 10 and hm.textfont.color is None  # fixed size; plotly's per-cell contrast colour
    assert max(len(x) for row in hm.text for x in row) == 3
    assert hm.texttemplate == "%{text}" and hm.showscale is False
    last = len(ALL_CONDUCTS) - 1
    assert all(hm.text[i][i] == "" for i in range(len(names)))  # the diagonal: blank, out of the colour scale
    assert all(math.isnan(hm.z[i][i]) for i in range(len(names)))
    assert hm.text[0][last] == "" and math.isnan(hm.z[0][last])  # zero pairs blank (not the palest colour)
    assert hm.text[0][1] == "12k" and hm.text[1][0] == "4" and hm.text[2][3] == "8"
    assert [figures._cell_text(v, dense=True) for v in (0, 7, 999, 1000, 1499, 12_344, 999_499, 999_500, 2_600_000)] \
        == ["", "7", "999", "1k", "1k", "12k", "999k", "1M", "3M"]
    assert [figures._cell_text(v) for v in (999, 1499, 12_344, 2_600_000)] == ["999", "1499", "12k", "2.6M"]
    few = _cooc_all()
    few = few[few["conduct_a"].isin(ALL_CONDUCTS[:5]) & few["conduct_b"].isin(ALL_CONDUCTS[:5])]
    assert figures.make_cooccurrence_heatmap(few, lang).data[0].textfont.size == 13  # wide cells: larger numbers
    # the hover and the clicks are on an invisible point per cell (plotly selects no heatmap cell)
    cells, n = fig.data[1], len(names)
    assert hm.hoverinfo == "skip" and cells.marker.opacity == 0 and len(cells.x) == n * n
    assert "12,344" in cells.hovertext[0 * n + 1] and "100" in cells.hovertext[0]  # exact numbers in the hover
    assert (cells.x[0 * n + 1], cells.y[0 * n + 1]) == (names[1], hm.y[0])
    assert cells.meta["drill"][0 * n + 1] == {"conduct": [ALL_CONDUCTS[0], ALL_CONDUCTS[1]], "conduct_match": ["all"]}
    assert cells.meta["drill"][2 * n + 2] == {"conduct": [ALL_CONDUCTS[2]]}
    assert fig.layout.height >= 30 * len(names)


def _company_frame() -> pd.DataFrame:
    """Two companies, every one of the 19 conducts: conduct i has 19 - i complaints at each."""
    rows = []
    for name, total in (("PORTFOLIO RECOVERY ASSOCIATES INC", 400), ("速借花", 300)):
        for i, c in enumerate(ALL_CONDUCTS):
            rows.append((name, c, len(ALL_CONDUCTS) - i, total))
    return pd.DataFrame(rows, columns=["company_name", "conduct_code", "complaint_count", "company_complaint_count"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_make_company_conduct_bar__at_most_8_colours_with_other(lang):
    df = _company_frame()
    fig = figures.make_company_conduct_bar(df, lang, 15)
    colours = {tr.marker.color for tr in fig.data}
    assert len(fig.data) == figures.MAX_COLOURS == 8 and len(colours) == 8
    assert [tr.name for tr in fig.data[:7]] == [codes.label("conduct", c, lang) for c in ALL_CONDUCTS[:7]]
    other = fig.data[7]
    assert other.name == ("Other conducts (12)" if lang == "en" else "其他行为（12 种）")
    assert other.marker.color == figures.OTHER_COLOUR
    assert list(other.x) == [sum(range(1, 13))] * 2  # conducts 8..19 summed, per company
    assert sum(sum(tr.x) for tr in fig.data) == int(df["complaint_count"].sum())  # nothing lost
    n = "（n=300）" if lang == "zh" else " (n=300)"
    assert list(fig.data[0].y) == ["速借花" + n, "PORTFOLIO RECOVERY ASSOCIATES<br>INC" + n.replace("300", "400")]
    # n is not the Companies page's count of the company's complaints, and the chart says why
    [note] = fig.layout.annotations
    assert note.text.replace("<br>", "" if lang == "zh" else " ") == t("company_conduct_note", lang)
    assert ("涉诉机构" if lang == "zh" else "the Companies page counts all") in note.text
    assert note.yshift < 0 and fig.layout.margin.b >= 60 + 17 * (note.text.count("<br>") + 1)


def test_make_company_conduct_bar__few_conducts_keep_their_colours(con):
    fig = figures.make_company_conduct_bar(q.query_company_conduct(con, Filter()), "en")
    assert [tr.name for tr in fig.data] == ["Contact at inconvenient hours", "Excessive calls", "Contact-list blasting",
                                            "Abusive language"]
    assert list(fig.data[0].y) == ["速借花 (n=1)", "AcmeCollect (n=2)"]


def test_make_code_bar__long_labels_wrapped_whole_and_room_for_the_text():
    df = pd.DataFrame({"conduct_code": ALL_CONDUCTS, "complaint_count": range(1000, 1000 + len(ALL_CONDUCTS)),
                       "share_pct": [42.4] * len(ALL_CONDUCTS)})
    fig = figures.make_code_bar(df, "conduct_code", "conduct", "complaint_count", "t", "en", share_col="share_pct")
    bar = fig.data[0]
    assert sorted(_plain(y) for y in bar.y) == sorted(codes.label("conduct", c, "en") for c in ALL_CONDUCTS)
    assert all(figures.label_units(x) <= figures.BAR_LABEL_UNITS for y in bar.y for x in y.split("<br>"))
    assert bar.text[-1] == "1,018 (42.4%)"
    assert fig.layout.margin.r >= figures.label_px(["1,018 (42.4%)"])  # the count text is not cut at the edge


def test_labels__missing_values_and_products():
    for missing in (None, float("nan"), pd.NA, "", "  "):
        assert figures.code_label("outcome", missing, "en") == "Not recorded"
        assert figures.code_label("outcome", missing, "zh") == "未记录"
        assert figures.product_label(missing, "zh") == "未记录"
    assert figures.product_label("(not recorded)", "en") == "Not recorded"
    assert figures.product_label("Debt collection", "en") == "Debt collection"
    assert figures.product_label("Debt collection", "zh") == "债务催收（Debt collection）"
    assert figures.product_label("Payday loan, title loan, or personal loan", "zh").startswith("发薪日贷款")
    assert figures.product_label("网络贷款", "zh") == "网络贷款"  # a platform's own product: as given
    # ... and in English a known Chinese product gets its English name first, a demo one says so
    assert figures.product_label("网络贷款", "en") == "Online lending (网络贷款)"
    assert figures.product_label("网络贷款 (演示)", "en") == "Online lending, demo (网络贷款 (演示))"
    assert figures.product_label("网络贷款 (演示)", "zh") == "网络贷款 (演示)"
    assert figures.product_label("某平台自营产品", "en") == "某平台自营产品"  # unknown: as given
    from analysis.demo import CN_PRODUCTS
    assert all(figures.product_label(p, "en") != p for pair in CN_PRODUCTS for p in pair)  # every demo product
    assert figures.n_label("Web", 1234, "en") == "Web (n=1,234)" and figures.n_label("网页", 5, "zh") == "网页（n=5）"


def test_channel_sankey_and_timeliness__missing_codes_not_recorded():
    flow = pd.DataFrame({"submission_medium": ["web", None], "filed_with": ["financial_regulator", None],
                         "outcome_code": [pd.NA, "explained"], "complaint_count": [3, 2]})
    sk = figures.make_channel_sankey(flow, "zh").data[0]
    assert sk.node.label.count("未记录") == 3 and "None" not in sk.node.label
    summary = pd.DataFrame({"channel_code": ["web", None], "complaint_count": [3, 2], "timely_rate_pct": [50.0, None],
                            "median_response_days": [2.0, None], "mean_response_days": [2.0, None],
                            "relief_share_pct": [0.0, 0.0]})
    assert list(figures.make_channel_timeliness_bar(summary, "submission_medium", "en").data[0].y) == [
        "Web", "Not recorded"]


def test_export_title_wrap_uses_the_same_breaks_in_pixels():
    """Exported subtitles break like chart labels (``wrap_lines``), measured in pixels: every
    line fits, nothing is lost, and a Chinese line prefers the break after "、"."""
    from analysis.export.figure import text_width, wrap
    text = "Complaints received 2024-01-01 to 2024-06-30 · source: CFPB Consumer Complaint Database · debt collection"
    lines = wrap(text, 300, 12.5)
    assert " ".join(lines) == text and len(lines) == 3
    assert all(text_width(ln, 12.5) <= 300 for ln in lines)
    assert wrap("电话、短信、微信、上门、语音留言与其他催收方式", 150, 12) == ["电话、短信、微信、上门、", "语音留言与其他催收方式"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_make_outside_share_trend__no_month_to_draw_says_so_without_empty_axes(lang):
    df = pd.DataFrame({"jurisdiction": ["CN"], "occurred_month": pd.to_datetime(["2026-12-01"]),
                       "outside_count": [1], "exact_time_incident_count": [1], "outside_share_pct": [100.0]})
    fig = figures.make_outside_share_trend(df, lang)
    assert not fig.data and fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    [note] = fig.layout.annotations
    assert note.text == t("share_min_base", lang, n=figures.MIN_SHARE_BASE, months=1)
    assert (note.x, note.y, note.xanchor) == (0.5, 0.5, "center")
    drawn = figures.make_outside_share_trend(df.assign(exact_time_incident_count=[40]), lang)
    assert len(drawn.data) == 1 and drawn.layout.xaxis.visible is not False


def test_make_hour_weekday_heatmap__few_incidents_write_their_counts():
    one = pd.DataFrame({"jurisdiction": ["CN"], "occurred_weekday": [3], "occurred_hour": [22], "incident_count": [1]})
    hm = figures.make_hour_weekday_heatmap(one, "CN", "en").data[0]
    assert hm.zmax == 5 and hm.texttemplate == "%{text}"
    assert [(i, j) for i, row in enumerate(hm.text) for j, v in enumerate(row) if v] == [(2, 22)]
    assert hm.text[2][22] == "1"
    many = one.assign(incident_count=[figures.HEATMAP_NUMBERS_MAX + 1])
    assert figures.make_hour_weekday_heatmap(many, "CN", "en").data[0].text is None


def test_count_axes__whole_numbers_when_counts_are_small():
    month = pd.DataFrame({"received_month": pd.to_datetime(["2026-11-01", "2026-12-01"]),
                          "complaint_count": [1, 1], "improper_complaint_count": [0, 1]})
    fig = figures.make_monthly_trend(month, "en")
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == ",d"
    big = figures.make_monthly_trend(month.assign(complaint_count=[1200, 900]), "en")
    assert big.layout.yaxis.dtick is None and big.layout.yaxis.tickformat == ",d"


def test_count_axes__conduct_and_method_charts_too():
    """The Methods and conduct page's bars, lines and company bars for one small company ticked
    0.5, 1.5 … (a fresh-user tester)."""
    bars = pd.DataFrame({"conduct_code": ["EMPLOYER_CONTACT", "CEASE_IGNORED"], "complaint_count": [2, 1]})
    bar = figures.make_code_bar(bars, "conduct_code", "conduct", "complaint_count", "t", "en")
    assert bar.layout.xaxis.dtick == 1 and bar.layout.xaxis.tickformat == ",d"
    trend = figures.make_code_trend(pd.DataFrame({
        "received_month": pd.to_datetime(["2023-01-01", "2023-08-01"]), "conduct_code": ["EMPLOYER_CONTACT"] * 2,
        "complaint_count": [2, 1]}), "conduct_code", "conduct", "t", "en")
    assert trend.layout.yaxis.dtick == 1 and trend.layout.yaxis.tickformat == ",d"
    co = figures.make_company_conduct_bar(pd.DataFrame({
        "company_name": ["Acme", "Acme"], "company_complaint_count": [3, 3],
        "conduct_code": ["EMPLOYER_CONTACT", "CEASE_IGNORED"], "complaint_count": [2, 1]}), "en")
    assert co.layout.xaxis.dtick == 1 and co.layout.xaxis.tickformat == ",d"
    many = figures.make_code_bar(bars.assign(complaint_count=[120, 40]), "conduct_code", "conduct",
                                 "complaint_count", "t", "en")
    assert many.layout.xaxis.dtick is None
