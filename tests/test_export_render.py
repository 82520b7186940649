"""Export engine with the browser: one module-scoped renderer for every test here."""
import io
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from datetime import date

import pytest
from PIL import Image, ImageStat

from analysis.db import connect_read_only
from analysis.export.context import ExportOptions
from analysis.export.engine import export_chart
from analysis.export.render import Renderer
from analysis.export.report import build_report_pack
from analysis.filters import Filter
from tests.helpers import build_tiny_db

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = connect_read_only(build_tiny_db(tmp_path_factory.mktemp("render") / "tiny.duckdb"))
    yield c
    c.close()


@pytest.fixture(scope="module")
def renderer():
    with Renderer() as r:
        yield r


def test_png__valid_2x_not_blank(con, renderer):
    f = export_chart(con, "conduct_counts", Filter(), "zh", "png", renderer=renderer)
    assert f.data[:8] == b"\x89PNG\r\n\x1a\n" and f.mime == "image/png"
    im = Image.open(io.BytesIO(f.data)).convert("L")
    assert im.size[0] == 2 * ExportOptions().width
    assert ImageStat.Stat(im).var[0] > 100  # not a blank image


def test_svg__parses_and_keeps_cjk_text(con, renderer):
    f = export_chart(con, "conduct_counts", Filter(), "zh", "svg", renderer=renderer)
    root = ET.fromstring(f.data)
    texts = " ".join("".join(e.itertext()) for e in root.iter(f"{SVG_NS}text"))
    for s in ("各类不当行为的投诉数", "投诉", "爆通讯录", "筛选：全部记录", "<5", "小数抑制", "US-TIME-01"):
        assert s in texts, s
    assert "Noto Sans CJK SC" in f.data.decode()


def test_pdf__valid(con, renderer, tmp_path):
    f = export_chart(con, "time_heatmap_us", Filter(), "en", "pdf", renderer=renderer)
    assert f.data.startswith(b"%PDF")
    p = tmp_path / "c.pdf"
    p.write_bytes(f.data)
    info = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info)
    text = subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout
    assert "US-TIME-" in text and "Incidents by hour and weekday" in text  # (pdftotext drops Type 3 digits)
    # the document title is the chart's title, not the browser page's "Kaleido-fier"
    title = re.search(r"^Title:\s+(.*)$", info, re.M).group(1)
    assert title.startswith("Incidents by hour and weekday") and "<" not in title


def test_pdf__document_title_in_chinese(con, renderer, tmp_path):
    f = export_chart(con, "conduct_counts", Filter(), "zh", "pdf", renderer=renderer)
    p = tmp_path / "c.pdf"
    p.write_bytes(f.data)
    info = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+各类不当行为的投诉数", info, re.M), info


@pytest.mark.parametrize("lang,sections", [
    ("zh", ["不当催收：投诉数据说明了什么", "筛选条件", "数据来源", "目录", "每月投诉数", "方法说明", "各行为代码的含义",
            "标记所依据的规则", "时间与投诉正文的覆盖情况", "注意事项", "小数抑制"]),
    ("en", ["Improper debt collection: what the complaints show", "Filters", "Data sources", "Contents",
            "Complaints per month", "Method", "What each conduct code means", "Rules the flags rest on",
            "Coverage of times and narratives", "Caveats", "Small numbers"]),
])
def test_report_pack__contents_and_sections(con, renderer, tmp_path, lang, sections):
    seen = []
    name, data = build_report_pack(con, Filter(), lang, renderer=renderer, day=date(2026, 11, 29),
                                   progress=lambda f, m: seen.append(f))
    assert name == f"collection-watch_report-pack_2026-11-29_{lang}.zip"
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    z = zipfile.ZipFile(io.BytesIO(data))
    names = z.namelist()
    assert f"charts/methods_conduct/collection-watch_methods_conduct_conduct-counts_2026-11-29_{lang}.png" in names
    assert sum(n.endswith(".svg") for n in names) == sum(n.endswith(".png") for n in names) >= 10
    from openpyxl import load_workbook

    import pandas as pd

    from analysis.charts import CHARTS, PAGES, build_chart, charts_of

    wb = load_workbook(io.BytesIO(z.read(f"collection-watch_report_data_2026-11-29_{lang}.xlsx")))
    assert wb.sheetnames[0] == "About 说明" and len(wb.sheetnames) == len(CHARTS) + 1 == 29
    about = [[c.value for c in r] for r in wb["About 说明"].iter_rows()]
    assert about[0] == ["About", "Text"] if lang == "en" else about[0] == ["说明", "内容"]
    about_items = {r[0] for r in about}
    assert set(wb.sheetnames[1:]) <= about_items  # every data sheet has its title, n and notes there
    about_text = " ".join(str(v) for r in about for v in r)
    assert "US-TIME-01" in about_text and "CN-TIME-01" in about_text and ("<5" in about_text)
    pack_order = [c.name for p in PAGES for c in charts_of(p)]  # the pack's order: page by page
    conduct_sheet = wb[wb.sheetnames[1 + pack_order.index("conduct_counts")]]
    assert [c.value for c in conduct_sheet[1]] == (["Conduct code", "Conduct code – label", "Complaints", "Share (%)"]
                                                    if lang == "en" else ["行为代码", "行为代码（名称）", "投诉数", "占比（%）"])
    assert conduct_sheet["A2"].value == "TIME_INCONVENIENT" and conduct_sheet["C2"].value == "<5"
    # one header-first CSV per chart, with its about file beside it
    csvs = sorted(n for n in names if n.startswith("data/") and n.endswith(".csv"))
    assert len(csvs) == len(CHARTS)
    assert sorted(n for n in names if n.endswith(".about.txt")) == sorted(n[:-4] + ".about.txt" for n in csvs)
    trend_csv = f"data/overview/collection-watch_overview_overview-monthly-trend_2026-11-29_{lang}.csv"
    trend = pd.read_csv(io.BytesIO(z.read(trend_csv)))
    frame = build_chart(con, "overview_monthly_trend", Filter(), lang).frame
    assert list(trend.columns) == ["received_month", "complaint_count", "improper_complaint_count"]
    assert trend["received_month"].tolist() == [f"{m:%Y-%m}" for m in frame["received_month"]] == [
        "2024-01", "2024-02", "2024-03"]
    assert trend["complaint_count"].tolist() == ["<5"] * 3  # 1, 2 and 1 complaints: suppressed
    about_txt = z.read(trend_csv[:-4] + ".about.txt").decode("utf-8")
    title = "Complaints per month" if lang == "en" else "每月投诉数"
    n_line = "Records (n): <5 complaints" if lang == "en" else "记录数（n）：<5 条投诉"  # 4 complaints, suppressed
    for s in (title, n_line, "US-TIME-01", "received_month — ", "complaint_count — "):
        assert s in about_txt, s
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(z.read(f"collection-watch_report_2026-11-29_{lang}.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for s in sections:
        assert "".join(s.split()) in flat, s
