"""Values from files are plain text on every page (issue 11).

A CFPB file whose company, state and narrative cells hold Markdown and HTML (an external
image, a link, a script tag) is imported with the real importer; each page is then run under
AppTest and every piece of Markdown it hands to the browser (titles, captions, alerts,
markdown, expander labels) is parsed with a CommonMark parser: it must hold no link, no image
and no raw HTML. Before the fix the Narratives page and the chart captions rendered
``![x](http://evil.example/x.png)`` as an image the browser fetched."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from analysis import db
from analysis.ingest import run_import
from benchmarks.gen_cfpb import HEADER, write_cfpb_csv
from tests.helpers import REPO
from ui.text import plain

IMAGE = "![x](http://evil.example/x.png)"
LINK = "[Acme](http://evil.example/)"
HTML = '<img src="http://evil.example/y.png">'
BARE = "Visit http://evil.example/z or www.evil.example, mail ops@evil.example"  # GFM autolinks these
HOSTILE = {"Company": [IMAGE, LINK, HTML, BARE], "State": [HTML, "[CA](http://evil.example/)"],
           "Consumer complaint narrative": [f"They called at 11pm. {IMAGE} <script>alert(1)</script>"]}
MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    base = tmp_path_factory.mktemp("plain")
    write_cfpb_csv(base / "clean.csv", 120, seed=5)
    with open(base / "clean.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    for i, row in enumerate(rows[1:]):
        row[HEADER.index("Product")] = "Debt collection"
        for col, values in HOSTILE.items():
            row[HEADER.index(col)] = values[i % len(values)]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    (base / "hostile.csv").write_text(buf.getvalue(), encoding="utf-8")
    path = base / "cw.duckdb"
    [rep] = run_import([base / "hostile.csv"], "cfpb", path)
    assert rep.accepted_count == 120
    return path


def _unsafe(markdown: str) -> list[str]:
    """Links (other than our own links to a page of the dashboard), images and raw HTML that
    ``markdown`` would render."""
    found = []

    def walk(tokens):
        for tok in tokens:
            internal = tok.type == "link_open" and tok.attrs["href"].startswith("/") \
                and not tok.attrs["href"].startswith("//")  # our own menu links (values percent-encoded)
            if tok.type in ("link_open", "image", "html_inline", "html_block") and not internal:
                found.append(f"{tok.type}: {tok.attrs or tok.content}")
            walk(tok.children or [])
    walk(MD.parse(markdown))
    # GitHub-flavoured Markdown (Streamlit's) also links bare web and e-mail addresses
    found += [f"autolink: {m.group(0)}" for m in _BARE_ADDRESS.finditer(markdown)]
    return found


_BARE_ADDRESS = re.compile(r"(?i)https?\\?:(?://)|www\\?\.|[\w.+-]+@[\w-]+\\?\.")


def _markdown_shown(at: AppTest) -> list[str]:
    out = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [str(e.label) for e in at.expander]
    return out


PAGES = [("overview", {"company": IMAGE}), ("companies", {"company": LINK}),
         ("narratives", {"q": "evil"}), ("places", {}), ("methods_conduct", {"company": HTML}),
         ("channels_outcomes", {}), ("trends", {"company": BARE}), ("data", {})]


@pytest.mark.parametrize("page,params", PAGES, ids=[p for p, _ in PAGES])
def test_values_from_files_never_render_as_links_images_or_html(hostile_db, monkeypatch, page, params):
    monkeypatch.setenv(db.ENV_VAR, str(hostile_db))
    at = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _markdown_shown(at)
    bad = {text[:120]: _unsafe(text) for text in shown if _unsafe(text)}
    assert not bad
    if "company" in params:  # the filter sentence names the company, escaped
        assert any(plain(params["company"]) in text for text in shown), shown


def test_plain_round_trips_through_commonmark():
    for value in [IMAGE, LINK, HTML, BARE, "a_b*c*", "1. not a list", "# not a heading", "`code`", "$x$", ":red[x]",
                  "&lt;b&gt;", "x\\y"]:
        html = MD.render(plain(value)).strip()
        assert not _unsafe(plain(value)), value
        assert html.startswith("<p>") and "<a " not in html and "<img" not in html and "<h1" not in html


def test_tables_offer_no_download_that_bypasses_the_exports():
    """st.dataframe's own "Download as CSV" wrote values from files raw (a cell "=HYPERLINK(...)"
    stays a live formula) and without small-count suppression: the dashboard's config turns it
    off (client.disableDataExport), and Streamlit reads that option."""
    import tomllib

    import streamlit.config as config
    from tests.helpers import REPO
    conf = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert conf["client"]["disableDataExport"] is True
    assert config.get_option("client.disableDataExport") in (False, True)  # an option of this Streamlit


def test_reordering_controls_are_shown_as_marks_not_applied():
    """U+202E and its kin would show "\u202eSNOITCELLOC EMCA" as "ACME COLLECTIONS": in
    Markdown text, tables and the highlighted narrative they appear as [U+XXXX], and the
    evidence offsets (into the stored text) still mark the right words."""
    import pandas as pd

    from ui.highlight import highlight_html
    from ui.text import plain, plain_frame
    assert plain("\u202eSNOITCELLOC EMCA") == "\\[U\\+202E\\]SNOITCELLOC EMCA"
    assert plain("a\u2066b\u2069c") == "a\\[U\\+2066\\]b\\[U\\+2069\\]c"
    df = pd.DataFrame({"company": ["Evil\u202efdp.exe", "ACME"], "n": [3, 4]})
    shown = plain_frame(df)
    assert shown["company"].tolist() == ["Evil[U+202E]fdp.exe", "ACME"] and shown["n"].tolist() == [3, 4]
    assert df["company"][0] == "Evil\u202efdp.exe"  # the caller's frame is untouched
    text = "x\u202e called me"
    out = highlight_html(text, [(3, 9, "conduct", "label")])
    assert "\u202e" not in out and "x[U+202E] <mark" in out and ">called</mark> me" in out


def test_icon_shortcodes_stay_text():
    """Streamlit turns ":material/warning:" into an icon even with the colon escaped: a word
    joiner after the colon keeps it text (checked in Chromium: the caption reads
    ":\u2060material/warning:", no icon)."""
    from ui.text import NO_AUTOLINK, plain
    assert plain(":material/warning: ok") == f"\\:{NO_AUTOLINK}material/warning\\: ok"
    assert plain("10:30 material") == "10\\:30 material"  # other colons untouched


def test_data_table_is_the_one_way_to_the_screen(monkeypatch):
    """Every on-screen table goes through ui.tables.data_table: plain_frame'd values, no index,
    a missing value shown as "—" (Streamlit's own default is the word "None", which the Data
    page showed for sources never imported); pages call st.dataframe nowhere else."""
    import pandas as pd
    import streamlit as st

    from ui import tables
    seen = {}
    monkeypatch.setattr(st, "dataframe", lambda df, **kw: seen.update(df=df, **kw))
    tables.data_table(pd.DataFrame({"a": ["x\u202ey", None]}), height=100)
    assert seen["hide_index"] is True and seen["placeholder"] == "—" and seen["height"] == 100
    assert seen["df"]["a"].tolist()[0] != "x\u202ey"  # the control is shown as a mark
    tables.data_table(pd.DataFrame({"a": [1]}), hide_index=False, placeholder="")
    assert seen["hide_index"] is False and seen["placeholder"] == ""
    root = Path(__file__).resolve().parent.parent
    callers = [p.relative_to(root).as_posix() for p in sorted((root / "pages").glob("*.py")) + sorted((root / "ui").glob("*.py"))
               if "st.dataframe(" in p.read_text(encoding="utf-8")]
    assert callers == ["ui/tables.py"]


def test_show_table_short_headers_with_the_schema_meaning_as_tooltip(monkeypatch):
    """The audit log on the Data page: short headers in the user's language, the data
    dictionary's description of each column as its tooltip (the headers were whole sentences)."""
    import pandas as pd
    import streamlit as st

    from analysis.schema import TABLE_BY_NAME
    from ui import tables
    seen = {}
    monkeypatch.setattr(st, "dataframe", lambda df, **kw: seen.update(kw))
    cols = [c.name for c in TABLE_BY_NAME["meta_audit"].columns if c.name != "audit_id"]
    for lang, i in (("en", 0), ("zh", 1)):
        tables.show_table(pd.DataFrame({c: ["x"] for c in cols}), lang, table="meta_audit")
        cfg = seen["column_config"]
        assert cfg["actor"]["label"] == ("By", "操作人")[i] and cfg["action"]["label"] == ("Action", "操作")[i]
        assert cfg["actor"]["help"] == ("Account name, or the OS user on the command line",
                                        "操作人（账户名，或命令行的系统用户）")[i]
        assert max(len(cfg[c]["label"]) for c in cols) <= 16
    seen.clear()  # an empty table is said in words, not drawn
    captions = []
    monkeypatch.setattr(st, "caption", lambda text, **kw: captions.append(text))
    tables.show_table(pd.DataFrame({c: [] for c in cols}), "zh", table="meta_audit")
    assert not seen and captions == ["暂无内容。"]
