"""Real-browser test: start the dashboard, load every page in headless Chromium in both
languages, check that charts render without an error, and save screenshots.

The database is built under pytest's temporary directory: the synthetic demonstration
data plus the real CFPB files from ``../shared/data/cfpb/`` (read in place, never copied
into the repository). The app runs as ``streamlit run app.py -- --db <that file>`` on a
free port; Python Playwright drives Debian's ``/usr/bin/chromium``
(``playwright install`` cannot download browsers here).

Screenshots: ``tests/artifacts/screenshots/<page>_<lang>.png`` (git-ignored), with the
measured page load times in ``load_times.json`` beside them.

Without ``/usr/bin/chromium`` (or the playwright package) the module is skipped, except
when the ``CI`` environment variable is set: there it fails.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CFPB_COMPLAINTS, SHARED, require_shared

REPO = Path(__file__).resolve().parent.parent
CFPB_DIR = SHARED / "data" / "cfpb"
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "tests" / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 2600}
SERVER_START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 30_000
MAX_SHOT_HEIGHT = 9000
SETTLE_S = 2.0  # after the charts appear, so plotly finishes drawing before the screenshot

pytestmark = [pytest.mark.browser, require_shared(*CFPB_COMPLAINTS)]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser test must run there)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


if not CHROMIUM.exists():
    _unavailable(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium fonts-noto-cjk)")
try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    _unavailable("the playwright Python package is not installed")


#: (screenshot name, URL path, h1 in zh, h1 in en, minimum plotly charts, minimum tables)
#: on the default view
PAGES = [
    ("overview", "/", "总览", "Overview", 1, 0),
    ("time_of_day", "/time_of_day", "催收时段", "Time of day", 2, 0),
    ("methods_conduct", "/methods_conduct", "方式与行为", "Methods and conduct", 4, 0),
    ("channels_outcomes", "/channels_outcomes", "渠道与结果", "Channels and outcomes", 3, 0),
    ("companies", "/companies", "涉诉机构", "Companies", 2, 1),
    ("trends", "/trends", "趋势", "Trends", 1, 1),
    ("places", "/places", "地区分布", "Places", 1, 1),
    ("narratives", "/narratives", "投诉正文", "Narratives", 0, 1),
    ("data", "/data", "数据", "Data", 0, 3),
]
ERROR_SELECTOR = '[data-testid="stAlertContentError"]'
EXCEPTION_SELECTOR = '[data-testid="stException"]'
PLOT_SELECTOR = ".js-plotly-plot"
TABLE_SELECTOR = '[data-testid="stDataFrame"]'
MENU_SELECTOR = ".st-key-menu"  # the sidebar menu (ui.nav.nav_links), whose links carry the view
LOAD_TIMES: dict[str, float] = {}


# --------------------------------------------------------------------------------------
# Fixtures: database, server, browser
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser_db(tmp_path_factory) -> Path:
    """Demonstration data + the real CFPB files, in a temporary database."""
    from analysis import db, demo
    from analysis.build import build_marts
    from analysis.ingest import run_import

    path = tmp_path_factory.mktemp("browser") / "collection_watch.duckdb"
    with db.write_transaction(path) as con:
        demo.build_demo(con)
        build_marts(con)
    files = [SHARED / rel for rel in CFPB_COMPLAINTS]  # the complaint exports, not the narratives-only pool
    assert files, f"no CFPB files in {CFPB_DIR}"
    reports = run_import(files, "cfpb", path)
    assert sum(r.accepted_count for r in reports) > 0, [r.summary() for r in reports]
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(browser_db, tmp_path_factory, request) -> str:
    """The app on a free port; always terminated at the end of the module."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    log = open(log_path, "wb")
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           # no file watcher: an edit elsewhere in the repository during the run would show
           # "Source file changed" in the status widget and rerun pages under the test
           "--server.fileWatcherType", "none", "--server.runOnSave", "false",
           "--", "--db", str(browser_db)]
    env = {k: v for k, v in os.environ.items() if k != "COLLECTION_WATCH_DB"}
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()

    request.addfinalizer(stop)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not _healthy(f"{base}/_stcore/health"):
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        if time.monotonic() > deadline:
            pytest.fail(f"streamlit did not answer within {SERVER_START_TIMEOUT_S} s:\n"
                        f"{log_path.read_text(errors='replace')}")
        time.sleep(0.25)
    return base


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):  # no stale screenshot from an earlier run
        old.unlink()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
    if LOAD_TIMES:
        (SHOTS / "load_times.json").write_text(json.dumps(LOAD_TIMES, indent=2) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def context(browser):
    """One browser context for the module (its HTTP cache keeps the app's JavaScript);
    every page opened in it still gets its own Streamlit session (own websocket)."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A fresh tab (own Streamlit session) per test; uncaught page errors collected."""
    pg = context.new_page()
    pg.set_viewport_size(VIEWPORT)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    pg.close()


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def _load(page: Page, url: str, title: str, *, min_plots: int, wait_for: str | None = None) -> float:
    """Open ``url``, wait for the title, the charts (or ``wait_for``) and the end of the
    script run; return the seconds until the content was there (before the settle pause)."""
    started = time.monotonic()
    page.goto(url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    try:
        page.locator("h1", has_text=title).first.wait_for(timeout=PAGE_TIMEOUT_MS)
        _wait_script_done(page)
        if page.locator(EXCEPTION_SELECTOR).count() or page.locator(ERROR_SELECTOR).count():
            return time.monotonic() - started  # reported by the caller's checks
        if min_plots:
            page.wait_for_function(f"document.querySelectorAll('{PLOT_SELECTOR}').length >= {min_plots}",
                                   timeout=PAGE_TIMEOUT_MS)
        if wait_for:
            page.locator(wait_for).first.wait_for(timeout=PAGE_TIMEOUT_MS)
        _wait_script_done(page)
    except Exception:
        name = url.split("://", 1)[-1].split("/", 1)[-1].replace("?", "_").replace("&", "_").replace("=", "-")
        page.screenshot(path=str(SHOTS / f"FAILED_{name or 'root'}.png"), full_page=True)
        raise
    elapsed = time.monotonic() - started
    time.sleep(SETTLE_S)
    _wait_script_done(page)
    return elapsed


def _wait_script_done(page: Page) -> None:
    """Streamlit shows the status widget ("Running…") while the script runs (the file
    watcher is off, so it shows nothing else)."""
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=PAGE_TIMEOUT_MS)


def _h1_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def _alerts(page: Page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def _assert_clean(page: Page, where: str) -> None:
    body = page.inner_text("body")
    assert "Page not found" not in body, f"{where}: Streamlit says 'Page not found'"
    assert not _alerts(page, EXCEPTION_SELECTOR), f"{where}: exception shown: {_alerts(page, EXCEPTION_SELECTOR)}"
    assert not _alerts(page, ERROR_SELECTOR), f"{where}: error shown: {_alerts(page, ERROR_SELECTOR)}"
    assert not page.js_errors, f"{where}: uncaught JavaScript errors: {page.js_errors}"


def _shoot(page: Page, name: str) -> None:
    """Full-length screenshot. Streamlit scrolls inside its own containers, so a
    full-page screenshot only shows the viewport: grow the viewport to the content first."""
    height = page.evaluate("""() => Math.max(0, ...[
        '[data-testid="stMain"]', '[data-testid="stAppViewContainer"]', '[data-testid="stSidebarContent"]',
        '[data-testid="stMainBlockContainer"]'].map(s => document.querySelector(s)).filter(Boolean)
        .map(e => e.scrollHeight))""")
    if height > VIEWPORT["height"]:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height) + 40, MAX_SHOT_HEIGHT)})
        time.sleep(1.0)  # plotly charts redraw on resize
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(VIEWPORT)


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------
def test_deep_link_on_fresh_server(server, page):
    """The first visitor after a start arrives by a shared link to a page other than the
    overview. Must run before any test opens ``/`` (Streamlit decides once per process
    whether the app uses ``st.navigation``; a folder named ``pages/`` next to ``app.py``
    makes it run the page file directly, without ``app.py``, until someone opens ``/``)."""
    url = f"{server}/data?lang=en"
    page.goto(url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    page.locator("h1", has_text="Data").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    _wait_script_done(page)
    try:  # on a loaded machine the menu can be drawn a moment after the script is done
        page.locator(MENU_SELECTOR, has_text="Overview").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - the assertion below says what is wrong
        pass
    nav = page.locator(MENU_SELECTOR).inner_text()
    if "Overview" not in nav:
        _shoot(page, "deep_link_first_visit_en")
    assert "Overview" in nav and "Time of day" in nav, (
        f"{url} as the first visit shows the navigation of the pages/ folder, not app.py's: {nav!r}")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name,path,title_zh,title_en,min_plots,min_tables", PAGES, ids=[p[0] for p in PAGES])
def test_page_renders(server, page, name, path, title_zh, title_en, min_plots, min_tables, lang):
    title = title_zh if lang == "zh" else title_en
    where = f"{path}?lang={lang}"
    LOAD_TIMES[f"{name}_{lang}"] = round(_load(
        page, f"{server}{path}?lang={lang}", title, min_plots=min_plots,
        wait_for=TABLE_SELECTOR if min_tables else None), 2)
    _shoot(page, f"{name}_{lang}")
    _assert_clean(page, where)
    assert _h1_text(page) == title, f"{where}: page title {_h1_text(page)!r}, expected {title!r}"
    n_plots = page.locator(PLOT_SELECTOR).count()
    assert n_plots >= min_plots, f"{where}: {n_plots} plotly charts, expected at least {min_plots}"
    # every chart actually drew something (an empty plot has axes but no trace group)
    for i in range(n_plots):
        plot = page.locator(PLOT_SELECTOR).nth(i)
        if not plot.locator("g.trace, g.hm, g.sankey").count():
            chart_title = plot.locator(".gtitle").all_inner_texts()
            pytest.fail(f"{where}: chart {i + 1} of {n_plots} {chart_title} has nothing drawn", pytrace=False)
    other = title_en if lang == "zh" else title_zh
    nav = page.locator(MENU_SELECTOR).inner_text()
    assert title in nav and other not in nav, f"{where}: sidebar navigation not in {lang}: {nav!r}"
    n_tables = page.locator(TABLE_SELECTOR).count()
    assert n_tables >= min_tables, f"{where}: {n_tables} tables, expected at least {min_tables}"
    if n_tables:  # no table download that bypasses the exports (.streamlit/config.toml)
        page.locator(TABLE_SELECTOR).first.hover()
        page.wait_for_timeout(300)
        tools = page.eval_on_selector_all("button[kind=elementToolbar]", "els => els.map(e => e.getAttribute('aria-label'))")
        assert tools and not [x for x in tools if x and ("CSV" in x or "下载" in x)], f"{where}: table toolbar {tools}"


def test_filtered_url(server, page):
    url = f"{server}/methods_conduct?lang=en&source=cfpb&product=Debt%20collection&conduct=FREQ_EXCESSIVE_CALLS"
    LOAD_TIMES["methods_conduct_filtered_en"] = round(_load(page, url, "Methods and conduct", min_plots=1), 2)
    _shoot(page, "methods_conduct_filtered_en")
    _assert_clean(page, url)
    # the filter reached the widgets: its labels are shown as chosen values in the sidebar
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Excessive calls" in sidebar, "conduct filter not shown in the sidebar"
    assert "Debt collection" in sidebar
    # and it stayed in the URL, so the link still reproduces the view
    assert "conduct=FREQ_EXCESSIVE_CALLS" in page.url, page.url
    captions = " ".join(page.locator('[data-testid="stCaptionContainer"]').all_inner_texts())
    assert "Excessive calls" in captions, "chart captions do not name the conduct filter"


def test_bad_filter_shows_error_and_no_chart(server, page):
    url = f"{server}/?conduct=NOT_A_CODE"
    page.goto(url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    page.locator(ERROR_SELECTOR).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    _wait_script_done(page)
    time.sleep(SETTLE_S)
    _shoot(page, "overview_bad_filter_zh")
    errors = _alerts(page, ERROR_SELECTOR)
    assert len(errors) == 1 and "NOT_A_CODE" in errors[0], errors
    assert page.locator(PLOT_SELECTOR).count() == 0, "a chart was drawn despite the bad filter"
    assert not page.locator('[data-testid="stMetric"]').count(), "key figures shown despite the bad filter"
    assert not _alerts(page, EXCEPTION_SELECTOR)
    assert "Page not found" not in page.inner_text("body")


# --------------------------------------------------------------------------------------
# The view follows the analyst (issue 10)
# --------------------------------------------------------------------------------------
def _metric(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _expected_complaints(db_path: Path, **fields) -> int:
    """The headline count of the default scope narrowed by ``fields``, from the database."""
    import dataclasses

    from analysis import db, queries
    from analysis.scope import default_filter
    with db.connect_read_only(db_path) as con:
        flt = dataclasses.replace(default_filter(con), **fields)
        return int(queries.query_kpis(con, flt)["complaint_count"])


FILTER_PAGES = [("overview", "Overview"), ("time_of_day", "Time of day"), ("methods_conduct", "Methods and conduct"),
                ("channels_outcomes", "Channels and outcomes"), ("companies", "Companies"), ("trends", "Trends"),
                ("places", "Places"), ("narratives", "Narratives"), ("data", "Data")]
CAPTIONED = {"overview", "time_of_day", "methods_conduct", "channels_outcomes", "companies", "trends", "places"}


def _pick(page: Page, widget_label: str, option: str) -> None:
    """Choose ``option`` in the sidebar multiselect labelled ``widget_label``."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=widget_label)
    box.locator("input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def _follow_menu(page: Page, path: str, title: str) -> None:
    """Click the menu's link to ``path`` and wait for that page to finish (the home page's
    link may land on ``/``, where it is also served)."""
    page.locator(MENU_SELECTOR).get_by_role("link", name=title, exact=True).click()
    root = " || location.pathname === '/'" if path == "overview" else ""
    page.wait_for_function(f"location.pathname.endsWith('/{path}'){root}", timeout=PAGE_TIMEOUT_MS)
    page.locator("h1", has_text=title).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    _wait_script_done(page)
    time.sleep(0.5)
    _wait_script_done(page)


def test_view_follows_between_pages(server, page, browser_db):
    """Set a filter with the sidebar widget, then click through every page by the menu:
    each URL keeps the filter and the language, each page shows it, the headline count is
    the database's count for that view, and the back button returns to the earlier view."""
    _load(page, f"{server}/time_of_day?lang=en", "Time of day", min_plots=1)
    _pick(page, "Submitted via", "Web")
    page.wait_for_function("location.search.includes('submission_medium=web')", timeout=PAGE_TIMEOUT_MS)
    _wait_script_done(page)
    expected = _expected_complaints(browser_db, submission_medium=("web",))
    everything = _expected_complaints(browser_db)
    assert 0 < expected < everything
    for path, title in FILTER_PAGES:
        _follow_menu(page, path, title)
        assert "submission_medium=web" in page.url and "lang=en" in page.url, f"{path}: the view was lost: {page.url}"
        _assert_clean(page, page.url)
        assert _h1_text(page) == title
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "Web" in sidebar, f"{path}: the Submitted via widget does not show Web"
        if path == "overview":
            assert _metric(page, "Complaints") == f"{expected:,}", "headline count differs from the database"
        if path in CAPTIONED:
            captions = " ".join(page.locator('[data-testid="stCaptionContainer"]').all_inner_texts())
            assert "submitted via is Web" in captions, f"{path}: captions do not state the filter"
    _shoot(page, "view_followed_to_data_en")
    page.go_back()
    page.wait_for_function("location.pathname.endsWith('/narratives')", timeout=PAGE_TIMEOUT_MS)
    page.locator("h1", has_text="Narratives").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    _wait_script_done(page)
    assert "submission_medium=web" in page.url and "lang=en" in page.url, page.url


def test_click_into_a_bar_sets_the_filter(server, page, browser_db):
    """Click the first bar of "Complaints by conduct": the URL gains that conduct, the
    sidebar shows it and the headline count is the database's for it."""
    _load(page, f"{server}/methods_conduct?lang=en", "Methods and conduct", min_plots=1)
    plot = page.locator(PLOT_SELECTOR).filter(has=page.locator(".gtitle", has_text="Complaints by conduct")).first
    plot.scroll_into_view_if_needed()
    bar = plot.locator("g.point").last  # the top bar: the most frequent conduct
    bar.click(force=True)
    page.wait_for_function("location.search.includes('conduct=')", timeout=PAGE_TIMEOUT_MS)
    _wait_script_done(page)
    time.sleep(0.5)
    _wait_script_done(page)
    from urllib.parse import parse_qs, urlparse
    chosen = parse_qs(urlparse(page.url).query)["conduct"]
    assert len(chosen) == 1, page.url
    _shoot(page, "drilled_conduct_en")
    _follow_menu(page, "overview", "Overview")
    assert f"conduct={chosen[0]}" in page.url
    assert _metric(page, "Complaints") == f"{_expected_complaints(browser_db, conduct=tuple(chosen)):,}"


def test_every_page_has_a_working_url_and_bad_dates_get_the_filter_message(server, page):
    _load(page, f"{server}/overview?lang=en", "Overview", min_plots=1)
    _assert_clean(page, "/overview")
    page.goto(f"{server}/overview?lang=en&date_from=0001-01-01", wait_until="domcontentloaded")
    page.locator(ERROR_SELECTOR).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    _wait_script_done(page)
    errors = _alerts(page, ERROR_SELECTOR)
    assert len(errors) == 1 and "0001-01-01" in errors[0], errors
    assert not _alerts(page, EXCEPTION_SELECTOR)


def test_pages_fetch_nothing_from_other_hosts(server, page):
    """Every request of a page goes to the dashboard itself: the page icon once came from
    fonts.gstatic.com (offline an error; online Google learns the dashboard is in use)."""
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    _load(page, f"{server}/?lang=en", "Overview", min_plots=1)
    _load(page, f"{server}/narratives?lang=zh", "投诉正文", min_plots=0)
    assert hosts == {server.split("/")[2]}, hosts
