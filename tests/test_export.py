"""Export engine without a browser: suppression, tables (CSV / XLSX, header first), About
sheet and about files, names, the command line and its default scope."""
import html
import io
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis import codes, db
from analysis.charts import CHARTS, build_chart, chart_hook
from analysis.db import connect_read_only
from analysis.export import __main__ as cli
from analysis.export.context import ExportOptions, file_name, make_context
from analysis.export.describe import DESCRIBERS, describe_chart, describer
from analysis.export.engine import about_file, export_chart
from analysis.export.figure import SUPPRESSED_CELL, SUPPRESSORS, export_figure, suppress_figure
from analysis.export.report import report_html
from analysis.export.suppress import suppress_frame
from analysis.i18n import t
from analysis.export.tables import (export_table, label_column, localise_table, round_for_people, to_csv_bytes,
                                    to_xlsx_bytes)
from analysis.filters import Filter
from tests.conftest import CFPB_MIXED, REPO, SHARED, require_shared
from tests.helpers import build_demo_db, build_tiny_db

DAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_tiny_db(tmp_path_factory.mktemp("exp") / "tiny.duckdb")
    c = connect_read_only(path)
    yield c
    c.close()


def test_suppress_frame__every_small_count_marked_nothing_else_changed():
    df = pd.DataFrame({"conduct_code": ["A", "=B", "C", "D", "E"], "complaint_count": [0, 1, 4, 5, 120],
                       "share_pct": [0.0, 0.5, 2.0, 2.5, 60.0], "received_month": pd.to_datetime(["2024-01-01"] * 5)})
    out = suppress_frame(df, 5)
    assert out["complaint_count"].tolist() == [0, "<5", "<5", 5, 120]
    assert out["share_pct"].tolist() == [0.0, "–", "–", 2.5, 60.0]
    pd.testing.assert_series_equal(out["conduct_code"], df["conduct_code"])
    pd.testing.assert_series_equal(out["received_month"], df["received_month"])
    assert df["complaint_count"].tolist() == [0, 1, 4, 5, 120]  # input untouched


def test_suppress_frame__change_on_the_previous_period_and_rates():
    df = pd.DataFrame({"period_start": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]),
                       "complaint_count": [20, 3, 30, 31], "period_change": [None, -17, 27, 1],
                       "period_change_pct": [None, -85.0, 900.0, 3.3], "rate_per_million": [1.0, 0.2, 1.5, 1.6]})
    out = suppress_frame(df, 5)
    # February's change gives its 3 back (20 - 17) and so does March's (30 - 27); April's does not
    assert out["period_change"].tolist()[1:] == ["–", "–", 1]
    assert out["period_change_pct"].tolist()[1:] == ["–", "–", 3.3]
    assert out["rate_per_million"].tolist() == [1.0, "–", 1.5, 1.6]


def test_suppress_figure__counts_in_category_labels():
    import plotly.graph_objects as go

    from analysis.export.figure import _small_n_labels
    fig = go.Figure(go.Bar(y=["Web (n=3)", "Phone (n=1,204)", "网页（n=4）", "Mail (n=5)"], x=[1, 2, 3, 4],
                           orientation="h"))
    _small_n_labels(fig, 5)
    assert list(fig.data[0].y) == ["Web (n<5)", "Phone (n=1,204)", "网页（n<5）", "Mail (n=5)"]


def test_suppress_frame__every_catalogue_chart(con):
    for spec in CHARTS:
        b = build_chart(con, spec.name, Filter(), "en")
        out = suppress_frame(b.frame, 5)
        for col in b.frame.columns:
            for before, after in zip(b.frame[col], out[col]):
                if col.endswith("_count") and isinstance(before, (int, np.integer)) and 0 < before < 5:
                    assert after == "<5", (spec.name, col)
                elif isinstance(before, (list, np.ndarray)) or (isinstance(after, str) and after == "–"):
                    continue
                elif pd.isna(before):  # None, NaN and pd.NA stay missing
                    assert pd.isna(after), (spec.name, col, before, after)
                else:
                    assert before == after, (spec.name, col, before, after)


def test_suppress_figure__small_counts_not_drawn(con):
    b = build_chart(con, "conduct_counts", Filter(), "en")
    fig = suppress_figure(b.figure, "conduct_counts", b.frame, 5)
    assert list(fig.data[0].x) == [0] * len(b.frame)
    assert set(fig.data[0].text) == {"<5"}
    assert list(b.figure.data[0].x) != list(fig.data[0].x)  # UI figure untouched
    hm = build_chart(con, "time_heatmap_us", Filter(), "en")
    out = suppress_figure(hm.figure, "time_heatmap_us", hm.frame, 5)
    z, grey = out.data[0], out.data[-1]
    assert all(v is None or v == 0 for row in z.z for v in row)
    assert sum(x == "<5" for row in z.text for x in row) == 2  # 22:30 Wed and 21:00 Thu
    # the two hidden cells are painted grey (not the near-white of a true zero), the rest not at all
    assert grey.type == "heatmap" and grey.showscale is False and grey.colorscale[0][1] == SUPPRESSED_CELL
    hidden = [(i, j) for i, row in enumerate(z.text) for j, x in enumerate(row) if x == "<5"]
    assert [(i, j) for i, row in enumerate(grey.z) for j, v in enumerate(row) if v is not None] == hidden
    assert len(hm.figure.data) == 1  # the UI figure untouched


def test_suppress_figure__a_stacked_bar_says_how_many_segments_it_hides(con):
    """Conduct by company is stacked: small segments are left out, and each bar ends with
    "+n×<5", so a company whose every segment is small keeps a row that says so."""
    b = build_chart(con, "company_conduct", Filter(), "en")
    per_company = b.frame.groupby("company_name")["complaint_count"].apply(lambda s: int((s < 5).sum()))
    assert per_company.min() >= 1  # the tiny database: every segment is small
    out = suppress_figure(b.figure, "company_conduct", b.frame, 5)
    bars = [tr for tr in out.data if tr.type == "bar"]
    assert all(v is None or v == 0 for tr in bars for v in tr.x)  # (0: a conduct the company has none of)
    [marks] = [tr for tr in out.data if tr.type == "scatter"]
    assert marks.mode == "text" and marks.showlegend is False and list(marks.x) == [0] * len(per_company)
    by_label = dict(zip(marks.y, marks.text))
    for label in bars[0].y:
        company = next(c for c in per_company.index if label.startswith(c))
        assert by_label[label] == f" +{per_company[company]}×<5"
    assert not [tr for tr in b.figure.data if tr.type == "scatter"]  # the UI figure untouched


def test_suppress_figure__cooccurrence_keeps_its_colour_scale():
    """The co-occurrence matrix has blank (NaN) cells: the diagonal and pairs with none. With
    suppression on, its colour scale stays that of the counts left (a NaN maximum painted
    every cell the darkest orange), and the description says what the chart shows."""
    from analysis import codes, figures
    conducts = codes.codes("conduct")[:4]
    pairs = {(0, 1): 40, (0, 2): 3, (1, 2): 12}  # (2, 3), (0, 3), (1, 3): none
    rows = [(a, b, pairs.get((min(i, j), max(i, j)), 0) if i != j else 50 + i)
            for i, a in enumerate(conducts) for j, b in enumerate(conducts)]
    frame = pd.DataFrame(rows, columns=["conduct_a", "conduct_b", "complaint_count"])
    fig = figures.make_cooccurrence_heatmap(frame, "en")
    out = suppress_figure(fig, "conduct_cooccurrence", frame, 5)
    hm = out.data[0]
    assert hm.zmin == 0 and hm.zmax == 40.0
    flat = [v for row in hm.z for v in row]
    assert sorted(v for v in flat if v is not None and v == v) == [12, 12, 40, 40]
    assert sum(x == "<5" for row in hm.text for x in row) == 2  # 3, both ways


def test_every_catalogue_chart_has_suppression_and_description():
    assert [c.name for c in CHARTS if chart_hook(c, "SUPPRESSORS", SUPPRESSORS) is None] == []
    assert [c.name for c in CHARTS if describer(c) is None] == []


def test_describer__found_here_or_beside_the_charts_query(monkeypatch):
    import sys
    import types

    from analysis.charts import ChartSpec

    assert describer(next(c for c in CHARTS if c.name == "conduct_counts")) is DESCRIBERS["conduct_counts"]
    mod = types.ModuleType("analysis._cw_test_page")
    mod.DESCRIBERS = {"x_chart": lambda b, lang, o, args: f"x {args[0]}"}
    monkeypatch.setitem(sys.modules, "analysis._cw_test_page", mod)
    spec = ChartSpec("x_chart", "overview", "analysis._cw_test_page:query_x", None, "complaints",
                     lambda d, k: 1, args=lambda choices: (choices.get("m", "count"),))
    assert describer(spec) is mod.DESCRIBERS["x_chart"]
    assert describer(ChartSpec("y_chart", "overview", "query_kpis", None, "complaints", lambda d, k: 1)) is None
    built = types.SimpleNamespace(spec=spec, frame=pd.DataFrame({"a": [1]}), n=1)
    assert describe_chart(built, "en", ExportOptions()) == "x count"
    assert describe_chart(built, "en", ExportOptions(), choices={"m": "rate"}) == "x rate"


def test_page_title__known_pages_and_fallback():
    from analysis.export.report import page_title

    assert page_title("time_of_day", "zh") == "催收时段" and page_title("channels_outcomes", "en") == \
        "Channels and outcomes"
    assert page_title("trends", "en") == "Trends"  # page_<page> when the key exists
    assert page_title("no_such_page", "en") == "Collection Watch"


def test_descriptions__every_chart_both_languages(con):
    for spec in CHARTS:
        for lang in ("zh", "en"):
            b = build_chart(con, spec.name, Filter(), lang)
            text = describe_chart(b, lang, ExportOptions())
            assert isinstance(text, str)
    text = describe_chart(build_chart(con, "conduct_counts", Filter(), "en"), "en", ExportOptions())
    assert text.startswith("Most frequent conducts: ") and "<5" in text
    assert text.count("<5") == 3 and "(" + "50" not in text  # small counts and their shares never written out


def test_localise_table__headers_and_labels():
    df = pd.DataFrame({"conduct_code": ["CONTACT_LIST_BLAST"], "complaint_count": [7],
                       "received_month": pd.to_datetime(["2024-02-01"])})
    zh = localise_table(df, "zh")
    assert list(zh.columns) == ["行为代码", "行为代码（名称）", "投诉数", "受理月份"]
    assert zh.iloc[0].tolist() == ["CONTACT_LIST_BLAST", "爆通讯录", 7, "2024-02"]
    assert list(localise_table(df, "en").columns) == ["Conduct code", "Conduct code – label", "Complaints",
                                                      "Month received"]


def test_export_table__query_names_labels_in_the_files_language_rounded():
    df = pd.DataFrame({"channel_code": ["app", "web", None], "outcome_code": ["explained", None, "in_progress"],
                       "jurisdiction": ["CN", "US", "CN"], "occurred_weekday": [3, 0, 7],
                       "complaint_count": [2, 1, 3], "share_pct": [200 / 3, 100 / 3, 100.0],
                       "median_response_days": [2.25, 3.0, float("nan")]})
    zh = export_table(df, "zh", channel_list="submission_medium")
    assert list(zh.frame.columns) == ["channel_code", "channel", "outcome_code", "outcome", "jurisdiction",
                                      "jurisdiction_label", "occurred_weekday", "occurred_weekday_label",
                                      "complaint_count", "share_pct", "median_response_days"]
    f = zh.frame
    assert f["channel"].tolist() == [codes.label("submission_medium", v, "zh") for v in ("app", "web", None)]
    assert f["outcome"].tolist() == [codes.label("outcome", "explained", "zh"), "未记录",
                                     codes.label("outcome", "in_progress", "zh")]
    assert f["jurisdiction_label"].tolist() == [codes.label("jurisdiction", "CN", "zh"),
                                                codes.label("jurisdiction", "US", "zh"),
                                                codes.label("jurisdiction", "CN", "zh")]
    assert f["occurred_weekday_label"].tolist() == ["周三", "日期不明", "周日"]
    assert f["share_pct"].tolist() == [66.7, 33.3, 100.0]
    assert f["median_response_days"].tolist()[:2] == [2.2, 3.0] and pd.isna(f["median_response_days"].iloc[2])
    assert str(f["complaint_count"].dtype) == "Int64"
    assert zh.headers["channel"] == "渠道代码（名称）" and zh.headers["share_pct"] == "占比（%）"
    en = export_table(df, "en", channel_list="submission_medium")
    assert list(en.frame.columns) == list(zh.frame.columns)  # the same columns in both languages
    assert en.frame["channel"].tolist()[0] == codes.label("submission_medium", "app", "en") != f["channel"][0]
    assert label_column("conduct_code") == "conduct" and label_column("conduct_a") == "conduct_a_label"
    assert label_column("conduct_code", {"conduct"}) == "conduct_code_label"


def test_round_for_people__after_suppression_marks_stay_numbers_rounded():
    df = pd.DataFrame({"conduct_code": ["A", "B", "C"], "complaint_count": [0, 3, 12],
                       "share_pct": [0.0, 3 / 15 * 100, 12 / 15 * 100], "incident_count": [10.0, 7.0, 40.0],
                       "outside_share_pct": [100 / 3, 200 / 3, 12.25]})
    out = round_for_people(suppress_frame(df, 5))
    assert out["complaint_count"].tolist() == [0, "<5", 12]
    assert [type(v) for v in out["complaint_count"]] == [int, str, int]
    assert out["share_pct"].tolist() == [0.0, "–", 80.0]
    assert out["incident_count"].tolist() == [10, 7, 40] and str(out["incident_count"].dtype) == "Int64"
    assert out["outside_share_pct"].tolist() == [33.3, 66.7, 12.2]  # halves to even
    assert df["incident_count"].tolist() == [10.0, 7.0, 40.0]  # input untouched


def test_csv_and_xlsx__header_first_formulas_neutralised():
    table = pd.DataFrame({"公司": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "ok"], "n": [1, 2, 3, 4, -5]})
    data = to_csv_bytes(table)
    assert data.startswith(b"\xef\xbb\xbf\xe5\x85\xac\xe5\x8f\xb8,n\r\n")  # BOM, then the header row
    csv = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "\r\n'+1,2\r\n" in csv and "'-2" in csv and "'@SUM(A1)" in csv
    assert "ok,-5" in csv
    back = pd.read_csv(io.BytesIO(data))
    assert list(back.columns) == ["公司", "n"] and back["n"].tolist() == [1, 2, 3, 4, -5]
    wb = load_workbook(io.BytesIO(to_xlsx_bytes([("Data", table)])))
    ws = wb["Data"]
    # in the workbook the text stays as written, as quote-prefixed text cells (no apostrophe shows)
    assert [c.value for c in ws["A"]] == ["公司", "=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "ok"]
    assert [c.quotePrefix for c in ws["A"]] == [False, True, True, True, True, False]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert [c.value for c in ws["B"]] == ["n", 1, 2, 3, 4, -5]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:B6"


def test_export_chart__csv_first_row_is_the_header_values_are_the_query_rounded(con):
    built = build_chart(con, "time_coverage", Filter(), "zh")
    f = export_chart(con, "time_coverage", Filter(), "zh", "csv", options=ExportOptions(suppress=False))
    assert f.data.startswith(b"\xef\xbb\xbftime_precision,time_precision_label,incident_count,share_pct\r\n")
    assert f.name.startswith("collection-watch_time_of_day_time-coverage_") and f.name.endswith("_zh.csv")
    back = pd.read_csv(io.BytesIO(f.data), keep_default_na=False)
    q = built.frame
    assert back["time_precision"].tolist() == q["time_precision"].tolist() == [
        "exact", "daypart", "outside_window_only", "date_only", "unknown"]
    assert back["time_precision_label"].tolist() == [codes.label("time_precision", c, "zh") for c in q["time_precision"]]
    assert back["incident_count"].tolist() == q["incident_count"].tolist() == [3, 1, 1, 0, 0]
    assert back["incident_count"].dtype == "int64"
    assert back["share_pct"].tolist() == q["share_pct"].round(1).tolist() == [60.0, 20.0, 20.0, 0.0, 0.0]
    text = f.data.decode("utf-8-sig")
    assert "筛选" not in text and "数据来源" not in text and "小样本" not in text  # no title block


def test_export_chart__csv_suppressed_marks_and_unrounded_share_gone(con):
    f = export_chart(con, "conduct_counts", Filter(), "zh", "csv")
    text = f.data.decode("utf-8-sig")
    assert text.splitlines()[0] == "conduct_code,conduct,complaint_count,share_pct"
    back = pd.read_csv(io.BytesIO(f.data), na_values=["<5", "–"])
    q = build_chart(con, "conduct_counts", Filter(), "zh").frame
    assert back["conduct_code"].tolist() == q["conduct_code"].tolist()
    assert back["conduct"].tolist() == [codes.label("conduct", c, "zh") for c in q["conduct_code"]]
    assert back["complaint_count"].isna().all() and back["share_pct"].isna().all()  # every count here is 1 or 2
    assert text.count("<5") == len(q) == 4
    raw = export_chart(con, "conduct_counts", Filter(), "en", "csv", options=ExportOptions(suppress=False))
    back = pd.read_csv(io.BytesIO(raw.data))
    assert back["complaint_count"].tolist() == q["complaint_count"].tolist() == [2, 1, 1, 1]
    assert back["share_pct"].tolist() == q["share_pct"].round(1).tolist() == [50.0, 25.0, 25.0, 25.0]


def test_export_chart__outcome_mix_has_counts_and_shares(con):
    q = build_chart(con, "outcome_mix_filed_with", Filter(), "en").frame
    f = export_chart(con, "outcome_mix_filed_with", Filter(), "en", "csv", options=ExportOptions(suppress=False))
    back = pd.read_csv(io.BytesIO(f.data))
    assert list(back.columns) == ["channel_code", "channel", "outcome_code", "outcome", "complaint_count", "share_pct"]
    assert back["complaint_count"].tolist() == q["complaint_count"].tolist() == [1, 1, 1, 1]
    assert back["complaint_count"].sum() == 4  # every complaint of the tiny database once
    assert back["share_pct"].tolist() == [100.0, 100.0, 50.0, 50.0]  # us:1 and us:2 share financial_regulator
    assert back["channel"].tolist()[:2] == [codes.label("filed_with", "complaint_platform", "en"),
                                            codes.label("filed_with", "consumer_association", "en")]
    x = export_chart(con, "outcome_mix_submission_medium", Filter(), "zh", "xlsx", options=ExportOptions(suppress=False))
    ws = load_workbook(io.BytesIO(x.data)).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["渠道代码", "渠道代码（名称）", "处理结果代码", "处理结果代码（名称）", "投诉数", "占比（%）"]
    qm = build_chart(con, "outcome_mix_submission_medium", Filter(), "zh").frame
    assert [r[4] for r in rows[1:]] == qm["complaint_count"].tolist() and sum(r[4] for r in rows[1:]) == 4
    assert [r[5] for r in rows[1:]] == qm["share_pct"].round(1).tolist()


def test_export_chart__xlsx_header_in_row_1_and_about_holds_the_title_block(con):
    f = export_chart(con, "time_coverage", Filter(), "en", "xlsx", options=ExportOptions(suppress=False))
    wb = load_workbook(io.BytesIO(f.data))
    assert wb.sheetnames == ["How precisely incident times ar", "About 说明"]
    ws = wb.worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["Time precision code", "Time precision code – label", "Incidents", "Share (%)"]
    assert rows[1:] == [["exact", "Exact clock time", 3, 60.0], ["daypart", "Part of day only", 1, 20.0],
                        ["outside_window_only", "Outside-hours flag only", 1, 20.0],
                        ["date_only", "Date only", 0, 0.0], ["unknown", "No time", 0, 0.0]]
    assert ws["D2"].number_format == "0.0" and ws.freeze_panes == "A2"
    about = [tuple(c.value for c in r) for r in wb["About 说明"].iter_rows()]
    assert about[0] == ("About", "Text")
    items = {}
    for k, v in about[1:]:
        items.setdefault(k, []).append(v)
    assert items["Title"] == ["Collection Watch — How precisely incident times are known"]
    assert items["Data file"] == [f.name] and items["Filters"] == ["all records"]
    assert items["Records (n)"] == ["5 incidents"]
    assert items["Data sources"] == ["Tiny CN (tests): 2 complaints, received 2024-02-20 to 2024-03-01",
                                     "Tiny US (tests): 2 complaints, received 2024-01-10 to 2024-02-05"]
    assert items["Notes"][0].startswith("Times: 60.0% of incidents have an exact clock time (3 of 5)")
    assert items["Columns"] == ["time_precision — Time precision code",
                                "time_precision_label — Time precision code – label",
                                "incident_count — Incidents", "share_pct — Share (%)"]
    assert any("Small numbers are NOT suppressed" in v for v in items["Caveats"])
    assert date.fromisoformat(items["Exported"][0])


def test_about__holds_everything_the_old_csv_title_block_held(con):
    """Title, filter, n, sources, rule ids and every footnote: in the about file and the About sheet."""
    ctx = make_context(con, Filter(), "en", DAY)
    built = build_chart(con, "conduct_counts", Filter(), "en", kpis=ctx.kpis)
    f = about_file(built, ctx, ExportOptions())
    assert f.name == "collection-watch_methods_conduct_conduct-counts_2026-11-29_en.about.txt"
    text = f.data.decode("utf-8")
    assert text.startswith("Title: Collection Watch — Complaints by conduct\r\n"
                           "Data file: collection-watch_methods_conduct_conduct-counts_2026-11-29_en.csv\r\n"
                           "Exported: 2026-11-29\r\nFilters: all records\r\nRecords (n): <5 complaints\r\n")
    for rule in ("CN-3P-03", "CN-TIME-01", "US-FREQ-01", "US-LANG-01", "US-TIME-01"):
        assert rule in text
    assert "Tiny US (tests): 2 complaints, received 2024-01-10 to 2024-02-05" in text
    assert "counts from 1 to 4 are hidden (small-number suppression): a bar reads <5" in text \
        and "na_values=[\"<5\", \"–\"]" in text
    assert "  conduct_code — Conduct code\r\n  conduct — Conduct code – label\r\n" in text
    x = export_chart(con, "conduct_counts", Filter(), "en", "xlsx", ctx=ctx)
    about = [c.value for r in load_workbook(io.BytesIO(x.data))["About 说明"].iter_rows() for c in r]
    lines = text.splitlines()
    assert lines[1].startswith("Data file: ") and x.name in about
    for line in lines[:1] + lines[2:]:
        if line.startswith("  "):
            assert line.strip() in about, line
        elif line.endswith(":"):
            assert line[:-1] in about, line
        else:
            item, value = line.split(": ", 1)
            assert about[about.index(item) + 1] == value, line


@pytest.mark.parametrize("flt", [
    Filter(source=("demo_cn",)),
    Filter(source=("demo_cn",), product=("Debt collection",)),  # the source has no complaint in this view
])
def test_exports__source_filter_shows_display_names_never_raw_codes(con, flt):
    for lang, name in (("zh", "小样本（中国）"), ("en", "Tiny CN")):
        ctx = make_context(con, flt, lang, DAY)
        assert name in ctx.filter_text and "demo_cn" not in ctx.filter_text
        for chart in ("conduct_counts", "time_coverage", "outcome_mix_filed_with"):
            built = build_chart(con, chart, flt, lang, kpis=ctx.kpis)
            about = about_file(built, ctx, ExportOptions()).data.decode("utf-8")
            assert name in about and "demo_cn" not in about
            assert "demo_cn" not in export_chart(con, chart, flt, lang, "csv", ctx=ctx).data.decode("utf-8-sig")
            wb = load_workbook(io.BytesIO(export_chart(con, chart, flt, lang, "xlsx", ctx=ctx).data))
            cells = [str(c.value) for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value is not None]
            assert any(name in c for c in cells) and not any("demo_cn" in c for c in cells)
            fig = export_figure(built, ctx, ExportOptions())
            if fig is not None:
                drawn = " ".join(a.text for a in fig.layout.annotations)
                assert name in drawn and "demo_cn" not in drawn


def test_file_name__page_chart_date_lang():
    assert file_name("time_of_day", "time_heatmap_cn", "zh", "png", DAY) == \
        "collection-watch_time_of_day_time-heatmap-cn_2026-11-29_zh.png"


def test_report_html__sections_without_browser(con):
    ctx = make_context(con, Filter(), "en", DAY)
    html = report_html(ctx, ExportOptions(), [(build_chart(con, "conduct_counts", Filter(), "en"), "<svg></svg>")])
    for title in ("Contents", "Method", "What each conduct code means", "Rules the flags rest on", "Caveats",
                  "CN-TIME-01", "US-LANG-01"):
        assert title in html


@pytest.mark.parametrize("argv", [
    ["--page", "overview", "--format", "gif"], ["--page", "nope", "--format", "png"], ["--page", "overview"],
    ["--page", "overview", "--format", "png", "--conduct", "NOPE"], ["--report-pack", "--date-from", "2024-13-01"],
])
def test_cli__bad_arguments_exit_2(argv, tmp_path, con):
    db = tmp_path / "x.duckdb"
    build_tiny_db(db)
    with pytest.raises(SystemExit) as exc:
        cli.main(["--db", str(db), "--out", str(tmp_path / "o")] + argv)
    assert exc.value.code == 2


def test_cli__missing_db_exit_2(tmp_path):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path), "--page", "overview", "--format", "csv"])
    assert exc.value.code == 2


def test_cli__csv_page_writes_an_about_file_beside_each_csv(tmp_path, capsys):
    db = tmp_path / "x.duckdb"
    build_tiny_db(db)
    assert cli.main(["--db", str(db), "--out", str(tmp_path / "o"), "--page", "channels_outcomes", "--format", "csv",
                     "--lang", "en", "--all-products"]) == 0
    csvs = sorted((tmp_path / "o").glob("collection-watch_channels_outcomes_*_en.csv"))
    abouts = sorted((tmp_path / "o").glob("collection-watch_channels_outcomes_*_en.about.txt"))
    assert len(csvs) == len(abouts) == 5
    assert [p.name[:-len(".csv")] for p in csvs] == [p.name[:-len(".about.txt")] for p in abouts]
    out = capsys.readouterr()
    assert sorted(out.out.split()) == sorted(str(p) for p in csvs + abouts)
    for p in csvs:  # header first: the query's first column
        assert pd.read_csv(p).columns[0] == ("submission_medium" if "channel-flow" in p.name else "channel_code")


def _cli_scope(err: str) -> tuple[str, int]:
    scope = re.search(r"^Scope: (.*)$", err, re.M).group(1)
    n = int(re.search(r"^Complaints in scope: ([\d,]+)$", err, re.M).group(1).replace(",", ""))
    return scope, n


def test_cli__default_scope_is_the_dashboards(tmp_path, capsys, con):
    """Tiny database: only demonstration sources, so both are in scope; of its products only
    "Debt collection" is a collection product ("网络贷款" is not named as a demo product)."""
    from analysis import queries
    from analysis.scope import default_filter, default_scope

    assert default_scope(queries.query_sources(con), queries.query_filter_options(con)["product"]) == {
        "source": ["demo_cn", "demo_us"], "product": ["Debt collection"]}
    flt = default_filter(con)
    assert flt == Filter(source=("demo_cn", "demo_us"), product=("Debt collection",))
    assert queries.query_kpis(con, flt)["complaint_count"] == 2  # us:1 and us:2
    db = tmp_path / "x.duckdb"
    build_tiny_db(db)
    base = ["--db", str(db), "--out", str(tmp_path / "o"), "--page", "overview", "--format", "csv", "--lang", "en",
            "--no-suppress"]
    assert cli.main(base) == 0
    scope, n = _cli_scope(capsys.readouterr().err)
    assert n == 2 and "product is Debt collection" in scope and "default scope" in scope
    trend = pd.read_csv(next((tmp_path / "o").glob("*overview-monthly-trend*.csv")))
    assert trend["complaint_count"].sum() == 2 and trend["received_month"].tolist() == ["2024-01", "2024-02"]
    assert cli.main(base + ["--all-products"]) == 0
    scope, n = _cli_scope(capsys.readouterr().err)
    assert n == 4 and "product is" not in scope and "default scope" in scope  # sources still the default
    assert cli.main(base + ["--product", "网络贷款", "--source", "demo_cn"]) == 0
    scope, n = _cli_scope(capsys.readouterr().err)
    assert n == 2 and "default scope" not in scope and "Tiny CN" in scope
    with pytest.raises(SystemExit) as exc:
        cli.main(base + ["--product", "x", "--all-products"])
    assert exc.value.code == 2


# ---- the shared CFPB file: default scope and real values ------------------------------------

CFPB_CSV = SHARED / CFPB_MIXED


@pytest.fixture(scope="module")
def cfpb_db(tmp_path_factory):
    """The tiny database (demonstration sources) plus the shared mixed-products CFPB file."""
    from analysis.ingest import run_import

    path = build_tiny_db(tmp_path_factory.mktemp("cfpb") / "cw.duckdb")
    run_import([CFPB_CSV], "cfpb", path)
    return path


@pytest.fixture(scope="module")
def cfpb_rows():
    """The CFPB file read with pandas, codes mapped with the reviewable value map."""
    d = pd.read_csv(CFPB_CSV, dtype=str, keep_default_na=False)
    vm = pd.read_csv(REPO / "analysis" / "maps" / "cfpb_values.csv", dtype=str, keep_default_na=False)
    for field, col, out in (("submitted_via", "Submitted via", "medium"),
                            ("company_response_to_consumer", "Company response to consumer", "outcome")):
        m = dict(vm[vm["field"] == field][["raw_value", "code"]].values)
        d[out] = d[col].map(lambda v, m=m: m.get(v.strip()) if v.strip() not in ("", "None", "N/A") else None)
    return d


@require_shared(CFPB_MIXED)
def test_default_scope__real_data_cli_and_dashboard_agree(cfpb_db, cfpb_rows, tmp_path, capsys):
    from analysis import queries
    from analysis.ingest.cfpb import COLLECTION_PRODUCTS
    from analysis.scope import default_filter

    coll = cfpb_rows[cfpb_rows["Product"].isin(COLLECTION_PRODUCTS)]
    expected = coll["Complaint ID"].nunique()
    assert expected == len(coll) > 0
    c = connect_read_only(cfpb_db)
    try:
        flt = default_filter(c)  # what the dashboard's sidebar starts with (analysis.scope)
        assert flt.source == ("cfpb",)  # real data loaded: the demonstration sources are left out
        assert set(flt.product) == set(coll["Product"])  # the collection products of the file, nothing else
        assert queries.query_kpis(c, flt)["complaint_count"] == expected
    finally:
        c.close()
    base = ["--db", str(cfpb_db), "--page", "overview", "--format", "csv", "--lang", "en", "--no-suppress"]
    assert cli.main(base + ["--out", str(tmp_path / "d")]) == 0
    _, n = _cli_scope(capsys.readouterr().err)
    assert n == expected
    trend = pd.read_csv(next((tmp_path / "d").glob("*overview-monthly-trend*.csv")))
    by_month = pd.to_datetime(coll["Date received"], format="mixed").dt.strftime("%Y-%m").value_counts().sort_index()
    assert trend["received_month"].tolist() == by_month.index.tolist()
    assert trend["complaint_count"].tolist() == by_month.tolist()
    assert cli.main(base + ["--out", str(tmp_path / "a"), "--all-products"]) == 0
    _, n = _cli_scope(capsys.readouterr().err)
    assert n == cfpb_rows["Complaint ID"].nunique() > expected


@require_shared(CFPB_MIXED)
def test_outcome_mix_csv__real_counts_and_rounded_shares(cfpb_db, cfpb_rows):
    from analysis.ingest.cfpb import COLLECTION_PRODUCTS

    coll = cfpb_rows[cfpb_rows["Product"].isin(COLLECTION_PRODUCTS)]
    exp = coll.groupby(["medium", "outcome"], dropna=False).size().rename("n").reset_index()
    exp["share"] = (100 * exp["n"] / exp.groupby("medium", dropna=False)["n"].transform("sum")).round(1)
    c = connect_read_only(cfpb_db)
    try:
        flt = Filter(source=("cfpb",), product=tuple(sorted(set(coll["Product"]))))
        for fmt_opts, suppressed in ((ExportOptions(suppress=False), False), (ExportOptions(), True)):
            f = export_chart(c, "outcome_mix_submission_medium", flt, "zh", "csv", options=fmt_opts)
            back = pd.read_csv(io.BytesIO(f.data), na_values=["<5", "–"], keep_default_na=False)
            assert list(back.columns[:4]) == ["channel_code", "channel", "outcome_code", "outcome"]
            got = {(r.channel_code or None, r.outcome_code or None): (r.complaint_count, r.share_pct)
                   for r in back.itertuples()}
            want = {(r.medium, r.outcome): (r.n, r.share) for r in exp.itertuples()}
            assert got.keys() == want.keys()
            for key, (n, share) in want.items():
                if suppressed and 0 < n < 5:
                    assert pd.isna(got[key][0]) and pd.isna(got[key][1]), key
                else:
                    assert got[key] == (n, share), key
            assert back["channel"].tolist() == [codes.label("submission_medium", v or None, "zh")
                                                for v in back["channel_code"]]
        assert back["complaint_count"].sum() < len(coll) == sum(n for n, _ in want.values())
    finally:
        c.close()


def test_xlsx__control_characters_from_files_do_not_stop_the_workbook():
    """A NUL or other control character in an imported value (XML 1.0 cannot hold it) is
    written as U+FFFD; tabs and line breaks stay."""
    table = pd.DataFrame({"company": ["NUL\x00Co", "bell\x07 and\x1b esc", "tab\tand\nline"]})
    ws = load_workbook(io.BytesIO(to_xlsx_bytes([("Data", table)])))["Data"]
    assert [c.value for c in ws["A"]] == ["company", "NUL\ufffdCo", "bell\ufffd and\ufffd esc", "tab\tand\nline"]


def test_exported_legend_of_many_entries_sits_above_the_plot_not_on_the_footnote(con):
    """The UI puts a legend of nine outcomes under the bars (yref container); the exported image
    moves it above the plot, in plot coordinates, with no room kept for it below (it once landed
    on the footnote)."""
    import dataclasses
    import pandas as pd
    from analysis import codes
    from analysis.figures import make_outcome_mix_bar
    outs = codes.codes("outcome")
    df = pd.DataFrame({"channel_code": ["web"] * len(outs), "outcome_code": outs,
                       "complaint_count": [10] * len(outs), "share_pct": [100 / len(outs)] * len(outs)})
    ui = make_outcome_mix_bar(df, "submission_medium", "en")
    assert ui.layout.legend.yref == "container"
    ctx = make_context(con, Filter(), "en", DAY)
    built = dataclasses.replace(build_chart(con, "outcome_mix_submission_medium", Filter(), "en"), figure=ui)
    out = export_figure(built, ctx, ExportOptions())
    assert out.layout.legend.yref == "paper" and out.layout.legend.y > 1 and out.layout.legend.yanchor == "bottom"
    foot = [a for a in out.layout.annotations if a.y == 0 and a.yanchor == "top"]
    assert len(foot) == 1 and -foot[0].yshift < ui.layout.margin.b  # the axis, not the UI's legend room


def test_sources_cited__a_chart_of_one_jurisdiction_cites_only_its_sources(tmp_path):
    """The CN heatmap's caption and image subtitle name the CN source only; a chart that does
    not tell jurisdictions apart names every source of the view."""
    from analysis.export.context import chart_jurisdictions, make_view
    from analysis.export.figure import subtitle_lines
    path = tmp_path / "d.duckdb"
    build_demo_db(path)
    with db.connect_read_only(path) as c:
        cur = db.read_cursor(c)
        view = make_view(cur, Filter(), "en")
        assert sorted(map(tuple, view.sources["jurisdictions"])) == [("CN",), ("US",)]
        names = dict(zip(view.sources["source"], view.sources["name"]))
        cn = build_chart(cur, "time_heatmap_cn", Filter(), "en")
        assert chart_jurisdictions(cn.spec, cn.frame) == {"CN"}
        text = view.source_text(chart_jurisdictions(cn.spec, cn.frame))
        assert names["demo_cn"] in text and names["demo_us"] not in text
        ctx = make_context(cur, Filter(), "en")
        assert names["demo_us"] not in subtitle_lines(cn, ctx, ExportOptions())[1]
        counts = build_chart(cur, "conduct_counts", Filter(), "en")
        assert chart_jurisdictions(counts.spec, counts.frame) is None
        assert names["demo_cn"] in view.source_text(None) and names["demo_us"] in view.source_text(None)


def test_cli__a_bad_output_folder_or_a_value_not_in_the_database_is_an_error_not_a_traceback(tmp_path, capsys):
    """--out under a file or naming a file, and a company / source the database does not hold
    (the dashboard refuses the same values in a link), stop with a message and exit code 2;
    nothing is written (an unknown company wrote empty files with exit code 0)."""
    path = build_demo_db(tmp_path / "d.duckdb")
    afile = tmp_path / "afile"
    afile.write_text("x")
    base = ["--db", str(path), "--page", "overview", "--format", "csv", "--lang", "en"]
    for extra, said in [(["--out", str(afile)], f"--out {afile}: cannot write there"),
                        (["--out", str(afile / "x")], "cannot write there"),
                        (["--out", str(tmp_path / "o1"), "--company", "No Such Co"],
                         "Company (creditor / collector): 'No Such Co' is not in the database."),
                        (["--out", str(tmp_path / "o2"), "--source", "nosuch"], "'nosuch' is not in the database.")]:
        with pytest.raises(SystemExit) as got:
            cli.main(base + extra)
        assert got.value.code == 2
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err, err
    assert not (tmp_path / "o1").exists() or not any((tmp_path / "o1").iterdir())


def test_every_built_in_publisher_has_a_chinese_name():
    """meta_sources.publisher is stored in English; the Data page and every export show the
    built-in ones in the user's language (i18n ``publisher:…``)."""
    from analysis import demo
    from analysis.i18n import stored_value
    from analysis.ingest import cfpb
    from analysis.ingest.profiles import SHIPPED_DIR, load_profile
    shipped = [p.stem for p in SHIPPED_DIR.glob("*.toml") if not p.stem.startswith("_")]
    publishers = {r["publisher"] for r in demo.SOURCE_ROWS} | {cfpb.SOURCE_ROW["publisher"]} | {
        load_profile(n).source_row.get("publisher") for n in shipped} - {None}
    assert len(publishers) >= 6
    for p in publishers:
        zh = stored_value("publisher", p, "zh")
        assert zh != p and any("\u4e00" <= ch <= "\u9fff" for ch in zh), p
        assert stored_value("publisher", p, "en") == p
    assert stored_value("publisher", "Some other publisher", "zh") == "Some other publisher"
    assert stored_value("publisher", None, "zh") is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_export_figure__a_note_under_the_chart_opens_the_footnote(con, lang):
    """Conduct by company has a note under its axis (figures.CHART_NOTE); in an export it would
    sit where the footnote goes, so it becomes the footnote's first sentence."""
    from analysis.figures import CHART_NOTE
    built = build_chart(con, "company_conduct", Filter(), lang)
    assert [a.name for a in built.figure.layout.annotations] == [CHART_NOTE]
    fig = export_figure(built, make_context(con, Filter(), lang, DAY), ExportOptions())
    assert CHART_NOTE not in [a.name for a in fig.layout.annotations]
    foot = fig.layout.annotations[-1].text
    assert foot.startswith(html.escape(t("company_conduct_note", lang)[:30], quote=False))
    assert "<br>" in foot and t("company_conduct_note", lang)[-10:] in foot.replace("<br>", "" if lang == "zh" else " ")


def test_share_text__a_share_of_a_hidden_count_is_hidden_too():
    from analysis.export.suppress import share_text
    assert share_text(2, 1942) == "–"  # 0.1% of 1,942 would give back 1 or 2
    assert share_text(11, 1942) == "0.6%" and share_text(11, 1942, suppress=False) == "0.6%"
    assert share_text(2, 1942, suppress=False) == "0.1%"
    assert share_text(0, 1942) == "0.0%" and share_text(3, 0) == "–" and share_text(10, 3) == "–"


def test_footnote__time_coverage_hides_the_share_of_a_small_count(con):
    """The tiny database has 3 incidents with an exact time of 5: with suppression, the
    footnote gives neither the count nor its share."""
    from analysis.export.figure import footnote_lines
    built = build_chart(con, "time_heatmap_us", Filter(), "en")
    ctx = make_context(con, Filter(), "en", DAY)
    [line] = [x for x in footnote_lines(built, ctx, ExportOptions()) if x.startswith("Times:")]
    assert line.startswith("Times: – of incidents have an exact clock time (<5 of 5)")
    [plain_line] = [x for x in footnote_lines(built, ctx, ExportOptions(suppress=False)) if x.startswith("Times:")]
    assert plain_line.startswith("Times: 60.0% of incidents have an exact clock time (3 of 5)")


def test_suppress_figure__outcome_mix_says_how_many_segments_it_hides(con):
    b = build_chart(con, "outcome_mix_filed_with", Filter(), "en")
    out = suppress_figure(b.figure, "outcome_mix_filed_with", b.frame, 5)
    [marks] = [tr for tr in out.data if tr.type == "scatter"]
    hidden = b.frame.groupby("channel_code")["complaint_count"].apply(lambda s: int(((s > 0) & (s < 5)).sum()))
    assert sorted(marks.text) == sorted(f" +{n}×<5" for n in hidden if n)
    assert all(v is None or v == 0 for tr in out.data if tr.type == "bar" for v in tr.x)  # every count here is small


def test_export_figure__an_upright_axis_title_fits_the_left_margin(con):
    """Chinese value-axis titles are written upright above the axis (figures.upright_y_titles),
    reaching left of it: the export's left margin holds the whole title (PDFs showed "例（%）")."""
    from analysis.export.figure import text_width
    month = pd.DataFrame({"jurisdiction": ["US"] * 2, "received_month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
                          "complaint_count": [200, 150], "allegation_count": [12, 9],
                          "allegation_share_pct": [6.0, 6.0]})
    built = build_chart(con, "time_allegation_share", Filter(), "zh", frame=month)
    [title] = [a.text for a in built.figure.layout.annotations if a.xanchor == "right" and a.x == 0]
    assert len(title) >= 8  # a long one: 占筛选内投诉的比例（%）
    fig = export_figure(built, make_context(con, Filter(), "zh", DAY), ExportOptions())
    assert fig.layout.margin.l >= text_width(title, 12) + 16



@pytest.mark.parametrize("name,key", [("conduct_counts", "x_suppressed_bars"), ("time_heatmap_us", "x_suppressed_cells"),
                                      ("conduct_trend", "x_suppressed_lines"), ("channel_flow", "x_suppressed_flows"),
                                      ("outcome_mix_filed_with", "x_suppressed_mix"),
                                      ("time_outside_share_trend", "x_suppressed_shares")])
def test_footnote__says_how_this_kind_of_chart_hides_small_counts(con, name, key):
    from analysis.export.figure import footnote_lines
    built = build_chart(con, name, Filter(), "zh")
    lines = footnote_lines(built, make_context(con, Filter(), "zh", DAY), ExportOptions())
    assert t(key, "zh", k=5, km1=4) in lines
    assert not [x for x in lines if x != t(key, "zh", k=5, km1=4) and x.startswith("为保护个人")]
