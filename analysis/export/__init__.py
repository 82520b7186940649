"""The export engine (issue 5): publication-ready files from the chart catalogue, for the
UI and the command line (``python -m analysis.export``). No Streamlit here.

Public API
----------
* ``export_chart(con, name, flt, lang, fmt, options=, renderer=)`` → ``ExportFile`` (name,
  mime, data) for ``png`` / ``svg`` / ``pdf`` / ``csv`` / ``xlsx``.
* ``export_page(con, page, flt, lang, fmt, out_dir, …)`` → paths written.
* ``build_report_pack(con, flt, lang, options=, renderer=, progress=)`` → (zip name, bytes).
* ``Renderer`` (one browser for a batch), ``shared_renderer()`` (process-wide, for the UI).
* ``ExportOptions(suppress=True, k=5, width=1000, scale=2)``.
* ``suppress_frame``, ``to_csv_bytes``, ``to_xlsx_bytes``, ``neutralise_formulas``.

Heavy modules (plotly, kaleido) load on first use, so ``from analysis.exports import
to_csv_bytes`` stays light.
"""
from __future__ import annotations

from analysis.export.suppress import suppress_frame
from analysis.export.tables import neutralise_formulas, to_csv_bytes, to_xlsx_bytes

__all__ = ["ExportFile", "ExportOptions", "Renderer", "build_report_pack", "export_chart", "export_page",
           "make_context", "neutralise_formulas", "shared_renderer", "suppress_frame", "to_csv_bytes", "to_xlsx_bytes"]

_LAZY = {
    "ExportFile": "analysis.export.engine", "export_chart": "analysis.export.engine",
    "export_page": "analysis.export.engine", "ExportOptions": "analysis.export.context",
    "make_context": "analysis.export.context", "Renderer": "analysis.export.render",
    "shared_renderer": "analysis.export.render", "build_report_pack": "analysis.export.report",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
