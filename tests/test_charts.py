"""The chart catalogue builds every chart from the same queries the pages use."""
import pytest

from analysis import db
from analysis.charts import CHARTS, PAGES, build_chart, charts_of
from analysis.filters import Filter
from tests.helpers import build_tiny_db


@pytest.fixture(scope="module")
def cur(tmp_path_factory):
    path = build_tiny_db(tmp_path_factory.mktemp("charts") / "tiny.duckdb")
    con = db.connect_read_only(path)
    yield db.read_cursor(con)
    con.close()


def test_catalogue__names_unique_and_every_page_has_charts():
    names = [c.name for c in CHARTS]
    assert len(names) == len(set(names))
    assert all(charts_of(p) for p in PAGES)


@pytest.mark.parametrize("name", [c.name for c in CHARTS])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_build_chart__every_chart(cur, name, lang):
    built = build_chart(cur, name, Filter(), lang)
    if name == "time_heatmap_uk":
        assert built.figure is None and built.n == 0 and built.frame.empty
    else:
        assert built.figure is not None and built.n > 0
        assert built.figure.layout.title.text


def test_build_chart__counts_rest_on_the_right_records(cur):
    assert build_chart(cur, "time_heatmap_us", Filter(), "en").n == 2
    assert build_chart(cur, "time_heatmap_cn", Filter(), "en").n == 1
    assert build_chart(cur, "time_coverage", Filter(), "en").n == 5
    assert build_chart(cur, "conduct_counts", Filter(), "en").n == 4
    assert build_chart(cur, "company_conduct", Filter(), "en").n == 3


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chart_titles__catalogue_title_is_what_the_figure_draws(cur, lang):
    for spec in CHARTS:
        built = build_chart(cur, spec.name, Filter(), lang)
        if built.figure is not None:
            assert built.figure.layout.title.text == spec.title(lang), spec.name
        assert spec.title(lang) and "_" not in spec.title(lang)
