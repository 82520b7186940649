"""The chart catalogue builds every chart from the same queries the pages use."""
import pytest

from analysis import db
from analysis.charts import CHARTS, PAGES, build_chart, charts_of
from analysis.figures import label_units
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


@pytest.mark.parametrize("name", [c.name for c in CHARTS])
def test_every_shown_legend_is_inside_the_figure(cur, name):
    """A legend placed against the whole figure (yref container) must sit within it, at 0..1;
    the outcome mix once moved it to y = -0.22 there, off the figure (no key on screen)."""
    fig = build_chart(cur, name, Filter(), "en").figure
    if fig is None or fig.layout.showlegend is False:
        return
    lg = fig.layout.legend
    if lg.yref == "container":
        assert 0 <= lg.y <= 1, (name, lg.y)
        assert fig.layout.margin.b >= 56, name  # room for the legend's lines under the plot


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_outcome_mix_with_every_outcome_keeps_its_legend_on_the_figure(lang):
    """Nine outcomes do not fit beside the title: the legend goes under the bars, inside the
    figure (it was once moved off it, so the chart had no key)."""
    import pandas as pd
    from analysis import codes
    from analysis.figures import make_outcome_mix_bar
    outs = codes.codes("outcome")
    df = pd.DataFrame({"channel_code": ["web"] * len(outs), "outcome_code": outs,
                       "complaint_count": [10] * len(outs), "share_pct": [100 / len(outs)] * len(outs)})
    fig = make_outcome_mix_bar(df, "submission_medium", lang)
    lg = fig.layout.legend
    assert fig.layout.showlegend is not False and len(fig.data) == len(outs)
    assert lg.yref == "container" and 0 <= lg.y <= 1 and lg.yanchor == "bottom"
    assert fig.layout.margin.b > 56 and fig.layout.height > 360


@pytest.mark.parametrize("name", [c.name for c in CHARTS])
def test_build_chart__chinese_value_axis_names_are_upright(cur, name):
    """In Chinese no y-axis title is rotated (CJK set sideways is hard to read): each one the
    English chart has is an upright annotation above its axis in the Chinese chart, with the
    Chinese text, and the English chart keeps its rotated titles."""
    en, zh = build_chart(cur, name, Filter(), "en").figure, build_chart(cur, name, Filter(), "zh").figure
    if en is None:
        return
    def titled(fig):
        lay = fig.layout.to_plotly_json()
        return {k: lay[k]["title"]["text"] for k in lay if k.startswith("yaxis")
                and (lay[k].get("title") or {}).get("text") and lay[k].get("visible") is not False}
    assert not titled(zh)
    upright = {a.yref: a.text for a in zh.layout.annotations if a.yref and a.yref.endswith(" domain")
               and a.textangle == 0 and a.y >= 1.0 and a.yanchor == "bottom"}
    assert len(upright) == len(titled(en))
    for key in titled(en):
        text = upright[f"y{key[len('yaxis'):]} domain"]
        assert text and any("\u4e00" <= ch <= "\u9fff" for ch in text), (key, text)
    for a in zh.layout.annotations:
        if a.yref and a.yref.endswith(" domain") and a.textangle == 0 and a.text in upright.values():
            # the title stands in the margin beside its axis: the margin holds all of it
            side = "r" if a.xanchor == "left" else "l"
            assert zh.layout.margin[side] >= label_units(a.text) * 12 * 0.6, (a.text, zh.layout.margin)
            # and above any band drawn over the plot (the heatmap's forbidden hours)
            bands = [sh.y1 for sh in zh.layout.shapes if sh.yref == "paper" and sh.y1 and sh.y1 > 1]
            assert a.y >= max(bands, default=1.0)
