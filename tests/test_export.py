"""Export engine without a browser: suppression, tables (CSV / XLSX), names, CLI errors."""
import io
from datetime import date

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.charts import CHARTS, build_chart
from analysis.db import connect_read_only
from analysis.export import __main__ as cli
from analysis.export.context import ExportOptions, file_name, make_context
from analysis.export.describe import DESCRIBERS, describe_chart
from analysis.export.engine import export_chart
from analysis.export.figure import SUPPRESSORS, suppress_figure
from analysis.export.report import report_html
from analysis.export.suppress import suppress_frame
from analysis.export.tables import localise_table, to_csv_bytes, to_xlsx_bytes
from analysis.filters import Filter
from tests.helpers import build_tiny_db

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


def test_suppress_frame__every_catalogue_chart(con):
    for spec in CHARTS:
        b = build_chart(con, spec.name, Filter(), "en")
        out = suppress_frame(b.frame, 5)
        for col in b.frame.columns:
            for before, after in zip(b.frame[col], out[col]):
                if col.endswith("_count") and isinstance(before, (int, np.integer)) and 0 < before < 5:
                    assert after == "<5", (spec.name, col)
                elif after != "–":
                    assert (pd.isna(before) and pd.isna(after)) or before == after or (
                        isinstance(before, (list, np.ndarray))), (spec.name, col, before, after)


def test_suppress_figure__small_counts_not_drawn(con):
    b = build_chart(con, "conduct_counts", Filter(), "en")
    fig = suppress_figure(b.figure, "conduct_counts", b.frame, 5)
    assert list(fig.data[0].x) == [0] * len(b.frame)
    assert set(fig.data[0].text) == {"<5"}
    assert list(b.figure.data[0].x) != list(fig.data[0].x)  # UI figure untouched
    hm = build_chart(con, "time_heatmap_us", Filter(), "en")
    z = suppress_figure(hm.figure, "time_heatmap_us", hm.frame, 5).data[0]
    assert all(v is None or v == 0 for row in z.z for v in row)
    assert sum(x == "<5" for row in z.text for x in row) == 2  # 22:30 Wed and 21:00 Thu


def test_every_catalogue_chart_has_suppression_and_description():
    assert {c.name for c in CHARTS} <= set(SUPPRESSORS)
    assert {c.name for c in CHARTS} <= set(DESCRIBERS)


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


def test_csv_and_xlsx__formulas_neutralised_header_block():
    table = pd.DataFrame({"公司": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "ok"], "n": [1, 2, 3, 4, -5]})
    csv = to_csv_bytes(table, ["Title", "=cmd|' /C calc'!A0"]).decode("utf-8-sig")
    assert csv.startswith("Title\r\n'=cmd|' /C calc'!A0\r\n\r\n公司,n\r\n")
    assert "'=HYPERLINK" in csv and "\r\n'+1,2\r\n" in csv and "'-2" in csv and "'@SUM(A1)" in csv
    assert "ok,-5" in csv
    wb = load_workbook(io.BytesIO(to_xlsx_bytes([("Data", table, ["Title", "-risky"])])))
    ws = wb["Data"]
    values = [c.value for c in ws["A"]]
    assert values == ["Title", "'-risky", None, "公司", "'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "ok"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert [c.value for c in ws["B"]][4:] == [1, 2, 3, 4, -5]


def test_export_chart__csv_bom_header_and_suppressed(con):
    f = export_chart(con, "conduct_counts", Filter(), "zh", "csv", ctx=None)
    assert f.data.startswith(b"\xef\xbb\xbf")
    text = f.data.decode("utf-8-sig")
    assert "筛选：全部记录" in text and "小样本（美国）" in text and "<5" in text
    assert "行为代码,行为代码（名称）,投诉数,占比（%）" in text
    assert f.name.startswith("collection-watch_methods_conduct_conduct-counts_") and f.name.endswith("_zh.csv")


def test_export_chart__xlsx_sheets_and_values(con):
    f = export_chart(con, "time_coverage", Filter(), "en", "xlsx", options=ExportOptions(suppress=False))
    wb = load_workbook(io.BytesIO(f.data))
    assert wb.sheetnames == ["How precisely incident times ar", "About 说明"]
    rows = [[c.value for c in r] for r in wb.worksheets[0].iter_rows()]
    head = rows.index(["Time precision code", "Time precision code – label", "Incidents", "Share (%)"])
    assert [r[:3] for r in rows[head + 1:]] == [["exact", "Exact clock time", 3], ["daypart", "Part of day only", 1],
                                                ["outside_window_only", "Outside-hours flag only", 1],
                                                ["date_only", "Date only", 0], ["unknown", "No time", 0]]
    about = [[c.value for c in r] for r in wb["About 说明"].iter_rows()]
    assert any("Small numbers are NOT suppressed" in (r[1] or "") for r in about)


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


def test_cli__csv_page(tmp_path, capsys):
    db = tmp_path / "x.duckdb"
    build_tiny_db(db)
    assert cli.main(["--db", str(db), "--out", str(tmp_path / "o"), "--page", "channels_outcomes", "--format", "csv",
                     "--lang", "en"]) == 0
    assert len(list((tmp_path / "o").glob("collection-watch_channels_outcomes_*_en.csv"))) == 5
