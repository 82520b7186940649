"""Saved views: stored beside the database, validated, replaced by name, safe to share."""
from __future__ import annotations

import json
import threading

import pytest

from analysis import views
from analysis.filters import FilterError

PAGES = ("overview", "methods_conduct")


def test_save_load_replace_delete(tmp_path):
    db = tmp_path / "x.duckdb"
    assert views.load_views(db) == []
    v = views.save_view(db, "  CN  calls\tat night ", "methods_conduct",
                        {"lang": ["en"], "jurisdiction": ["CN"], "conduct": ["TIME_INCONVENIENT"], "period": ["week"]},
                        "local", PAGES)
    assert v.name == "CN calls at night"
    assert v.query() == "methods_conduct?lang=en&jurisdiction=CN&conduct=TIME_INCONVENIENT&period=week"
    views.save_view(db, "a first", "overview", {"lang": ["zh"]}, "local", PAGES)
    views.save_view(db, "cn CALLS at night", "overview", {"lang": ["zh"], "source": [""]}, "local", PAGES)
    loaded = views.load_views(db)
    assert [x.name for x in loaded] == ["a first", "cn CALLS at night"]  # replaced by name, case-insensitive
    assert loaded[1].params == {"lang": ["zh"], "source": [""]}
    assert json.loads(views.views_path(db).read_text(encoding="utf-8"))[0]["saved_by"] == "local"
    assert views.delete_view(db, "A FIRST") is True and views.delete_view(db, "nope") is False
    assert [x.name for x in views.load_views(db)] == ["cn CALLS at night"]
    assert not (tmp_path / "x.duckdb").exists(), "saving a view never touches the database"


@pytest.mark.parametrize("name,page,params,error", [
    ("", "overview", {}, ValueError),
    ("x" * 81, "overview", {}, ValueError),
    ("bell\x07", "overview", {}, ValueError),
    ("ok", "admin", {}, ValueError),
    ("ok", "overview", {"lang": ["fr"]}, ValueError),
    ("ok", "overview", {"conduct": ["NOT_A_CODE"]}, FilterError),
    ("ok", "overview", {"date_from": ["0001-01-01"]}, FilterError),
])
def test_bad_views_are_refused_and_nothing_written(tmp_path, name, page, params, error):
    db = tmp_path / "x.duckdb"
    with pytest.raises(error):
        views.save_view(db, name, page, params, "local", PAGES)
    assert not views.views_path(db).exists()


def test_markdown_in_a_name_is_kept_as_text(tmp_path):
    from ui.nav import plain
    db = tmp_path / "x.duckdb"
    v = views.save_view(db, "![x](http://host/x.png)", "overview", {}, "local", PAGES)
    assert views.load_views(db)[0].name == "![x](http://host/x.png)"
    assert plain(v.name) == r"\!\[x\]\(http\:" + "\u2060" + r"//host/x\.png\)"  # no autolink either


def test_concurrent_saves_lose_nothing(tmp_path):
    db = tmp_path / "x.duckdb"
    threads = [threading.Thread(target=views.save_view, args=(db, f"view {i}", "overview", {}, "local", PAGES))
               for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(v.name for v in views.load_views(db)) == sorted(f"view {i}" for i in range(20))


def test_a_file_that_is_not_a_views_file_is_an_error(tmp_path):
    db = tmp_path / "x.duckdb"
    views.views_path(db).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a saved-views file"):
        views.load_views(db)


def test_another_editors_view_of_that_name_is_replaced_only_when_asked(tmp_path):
    """Names match case-insensitively and without invisible characters: "WEEKLY" (or
    "week\u200bly") would have replaced an editor's "weekly" silently; one's own view is
    updated; refusals are said in both languages."""
    db = tmp_path / "x.duckdb"
    views.save_view(db, "weekly", "overview", {"lang": ["zh"]}, "amira", PAGES)
    for name in ("WEEKLY", "week\u200bly"):
        with pytest.raises(views.ViewError) as got:
            views.save_view(db, name, "overview", {"lang": ["en"]}, "ed", PAGES)
        assert str(got.value) == "amira saved a view named “weekly”; choose another name, or tick “replace” to replace it."
        assert got.value.in_language("zh") == "amira 已保存名为“weekly”的视图；请另选名称，或勾选“替换”以替换它。"
    assert [(v.name, v.saved_by) for v in views.load_views(db)] == [("weekly", "amira")]
    views.save_view(db, "Weekly", "overview", {"lang": ["en"]}, "amira", PAGES)  # her own: updated
    views.save_view(db, "WEEKLY", "methods_conduct", {"lang": ["en"]}, "ed", PAGES, replace=True)
    assert [(v.name, v.page, v.saved_by) for v in views.load_views(db)] == [("WEEKLY", "methods_conduct", "ed")]
    with pytest.raises(views.ViewError) as got:
        views.save_view(db, " ", "overview", {}, "ed", PAGES)
    assert got.value.in_language("zh") == "保存的视图需要名称。"
