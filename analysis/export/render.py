"""One headless Chromium (through kaleido 1.x) for a whole batch of images and PDFs.

``Renderer`` starts the browser once (about 3–8 s) and then renders each figure in
well under a second. It runs kaleido's asyncio API on a private event-loop thread, so it
can be called from plain synchronous code and from several threads (Streamlit callbacks);
calls are serialised.

Fast path: kaleido's public ``calc_fig`` reloads its page (and plotly.js) after every
image, which costs ~0.2 s per image; the renderer instead keeps one kaleido tab and calls
the tab's render function repeatedly (kaleido 1.5 internals, pinned in requirements.txt),
reloading the tab every ``reload_every`` images. If those internals are missing it falls
back to ``calc_fig``. ``print_pdf`` prints an HTML document to an A4 PDF in a second tab
of the same browser.
"""
from __future__ import annotations

import asyncio
import atexit
import base64
import json
import tempfile
import threading
from pathlib import Path

import plotly.graph_objects as go


class RenderError(RuntimeError):
    """The browser could not render an image or print a page."""


class Renderer:
    """A running browser for static exports. Use as a context manager or call ``close()``.

    ``render(fig, fmt, scale=2)`` → bytes (``png``, ``svg`` or ``pdf``);
    ``print_pdf(html)`` → bytes of an A4 PDF.
    """

    def __init__(self, *, timeout: float = 90, reload_every: int = 40, fast: bool = True):
        self._timeout = timeout
        self._reload_every = reload_every
        self._fast = fast
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="export-renderer", daemon=True)
        self._thread.start()
        self._k = None
        self._tab = None
        self._since_reload = 0
        self._closed = False
        try:
            self._call(self._open())
        except BaseException:
            self.close()
            raise

    # -- event-loop plumbing --
    def _call(self, coro):
        if self._closed:
            raise RenderError("renderer is closed")
        with self._lock:
            return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    async def _open(self):
        import kaleido

        self._k = kaleido.Kaleido(n=1, timeout=self._timeout)
        await self._k.open()
        if self._fast and hasattr(self._k, "_get_kaleido_tab"):
            self._tab = await self._k._get_kaleido_tab()

    async def _render(self, fig, opts, title: str | None = None):
        if self._tab is None:
            return await self._k.calc_fig(fig, opts=opts)
        from kaleido import _profiler
        from kaleido._utils import fig_tools

        if self._since_reload >= self._reload_every:
            await self._tab.reload()
            self._since_reload = 0
        if opts.get("format") == "pdf":  # a PDF's document title is the page's ("Kaleido-fier" unless set)
            await self._tab.tab.send_command("Runtime.evaluate", params={
                "expression": f"document.title = {json.dumps(title or 'Collection Watch')}"})
        spec = fig_tools.coerce_for_js(fig, None, opts)
        prof = _profiler.RenderTaskProfile(spec, None, self._tab.tab.target_id)
        self._since_reload += 1
        return await asyncio.wait_for(
            self._tab._calc_fig(spec, topojson=None, render_prof=prof, stepper=False), self._timeout)

    async def _print(self, url: str, landscape: bool):
        tab = await self._k.create_tab("")
        try:
            loaded = tab.subscribe_once("Page.loadEventFired")
            await tab.send_command("Page.enable")
            await tab.send_command("Page.navigate", params={"url": url})
            await asyncio.wait_for(loaded, self._timeout)
            await tab.send_command("Runtime.evaluate", params={"expression": "document.fonts.ready.then(() => 1)",
                                                               "awaitPromise": True})
            res = await tab.send_command("Page.printToPDF", params={
                "printBackground": True, "preferCSSPageSize": True, "landscape": landscape,
                "paperWidth": 8.27, "paperHeight": 11.69, "marginTop": 0, "marginBottom": 0,
                "marginLeft": 0, "marginRight": 0})
            if "error" in res:
                raise RenderError(f"printToPDF failed: {res['error']}")
            return base64.b64decode(res["result"]["data"])
        finally:
            try:
                await self._k.close_tab(tab.target_id)
            except Exception:  # noqa: BLE001 - closing a tab is best effort
                pass

    # -- public API --
    def render(self, fig: go.Figure, fmt: str, *, scale: float = 2.0, title: str | None = None) -> bytes:
        """``fig`` as ``png`` / ``svg`` / ``pdf`` bytes at its layout width and height
        (``scale`` multiplies the PNG pixels; ``title``: a PDF's document title, default
        "Collection Watch"). Raises ``RenderError``."""
        if fmt not in ("png", "svg", "pdf"):
            raise ValueError(f"unknown image format {fmt!r}")
        opts = {"format": fmt, "scale": scale if fmt == "png" else 1,
                "width": fig.layout.width or 1000, "height": fig.layout.height or 500}
        try:
            return self._call(self._render(fig, opts, title))
        except RenderError:
            raise
        except Exception as err:  # noqa: BLE001 - surface as one error type
            raise RenderError(f"could not render the {fmt} image: {err}") from err

    def print_pdf(self, html: str, *, landscape: bool = False) -> bytes:
        """Print an HTML document (self-contained) to PDF bytes (A4 unless its CSS
        ``@page`` says otherwise). Raises ``RenderError``."""
        with tempfile.TemporaryDirectory(prefix="cw-report-") as d:
            path = Path(d) / "report.html"
            path.write_text(html, encoding="utf-8")
            try:
                return self._call(self._print(path.as_uri(), landscape))
            except RenderError:
                raise
            except Exception as err:  # noqa: BLE001
                raise RenderError(f"could not print the report: {err}") from err

    def close(self) -> None:
        """Stop the browser and the loop thread (idempotent)."""
        if self._closed:
            return
        try:
            if self._k is not None:
                fut = asyncio.run_coroutine_threadsafe(self._close(), self._loop)
                fut.result(timeout=30)
        except Exception:  # noqa: BLE001 - shutting down
            pass
        finally:
            self._closed = True
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    async def _close(self):
        if self._tab is not None:
            try:
                await self._k._return_kaleido_tab(self._tab)
            except Exception:  # noqa: BLE001
                pass
        await self._k.close()

    def __enter__(self) -> "Renderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_shared: Renderer | None = None
_shared_lock = threading.Lock()


def shared_renderer() -> Renderer:
    """A process-wide renderer, started on first use and stopped at exit (for the UI: the
    first image of a session pays the browser start, later ones do not)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared._closed:
            _shared = Renderer()
            atexit.register(_shared.close)
        return _shared
