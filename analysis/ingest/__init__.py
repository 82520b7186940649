"""Importers: source files → raw → core, then the marts are rebuilt, in one transaction.

``run_import(paths, fmt, db_path)`` is the single entry point for the command line
(``python -m analysis.ingest``) and the UI.
"""
from __future__ import annotations

from pathlib import Path

from analysis import db
from analysis.build import build_marts
from analysis.ingest.common import ImportRefused, ImportReport, Progress, current_user

FORMATS = ("cfpb",)


def run_import(paths: list[Path], fmt: str, db_path: Path, *, imported_by: str | None = None,
               progress: Progress | None = None) -> list[ImportReport]:
    """Import ``paths`` (all or nothing) into the database at ``db_path``.

    The default database gets the demonstration data first if it does not exist yet; a
    database at any other path holds exactly what is imported into it.

    Raises ``ImportRefused`` (nothing written) when a file cannot be imported at all, and
    ``ValueError`` for an unknown format. Returns one ``ImportReport`` per file.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.is_file():
            raise ImportRefused(f"{p}: file not found")
    if db.is_default_db(db_path):
        from analysis.demo import ensure_demo_database
        ensure_demo_database(db_path)
    from analysis.ingest.cfpb import import_cfpb_file
    user = imported_by or current_user()
    reports = []
    with db.write_transaction(db_path) as con:
        for i, p in enumerate(paths):
            def file_progress(frac: float, msg: str, i=i) -> None:
                if progress:
                    progress((i + frac * 0.9) / len(paths), f"{p.name}: {msg}")
            reports.append(import_cfpb_file(con, p, imported_by=user, progress=file_progress))
        if progress:
            progress(0.95, "rebuilding summary tables")
        build_marts(con)
    if progress:
        progress(1.0, "done")
    return reports
