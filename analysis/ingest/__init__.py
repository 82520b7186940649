"""Importers: source files → raw → core, and the marts' rows of the changed complaints, in one
transaction (``analysis.db.write_transaction``).

``run_import(paths, fmt, db_path)`` is the single entry point for the command line
(``python -m analysis.ingest``) and the UI. ``fmt`` is ``cfpb`` or the name of an import
profile (``heimao``, ``c12315``, ``intake``, ``call_log``, ``ftc_dnc`` or a saved one; see
``analysis.ingest.profiles``). For the UI's upload → preview → validation → commit steps:
``preview_file`` and ``validate_file`` (nothing written), then ``run_import``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import audit, db
from analysis.audit import Actor
from analysis.ingest.common import (EncodingGuess, ImportRefused, ImportReport, Progress, current_user,  # noqa: F401
                                    decode_refusal, upgrade_schema)
from analysis.ingest.profiles import list_profiles, load_profile
from analysis.ingest.reasons import reason

FORMATS = ("cfpb", "heimao", "c12315", "intake", "call_log", "ftc_dnc")


def known_formats() -> list[str]:
    """``cfpb`` and every profile name (shipped and user-saved)."""
    return ["cfpb"] + [p for p in list_profiles() if p != "cfpb"]


def run_import(paths: list[Path], fmt: str, db_path: Path, *, actor: Actor | None = None,
               action: str = "import", imported_by: str | None = None,
               progress: Progress | None = None, sheet: str | None = None,
               mapping: dict[str, str | None] | None = None, complaint_id: str | None = None,
               file_bytes: dict[str, bytes] | None = None, classify: str = "collection",
               replace: bool = False) -> list[ImportReport]:
    """Import ``paths`` (all or nothing) into the database at ``db_path``.

    ``fmt``: ``cfpb`` or a profile name. ``sheet``: only this worksheet of .xlsx files (default
    every sheet). ``mapping``: ``{header: field or None}`` replacing the profile's column aliases.
    ``complaint_id``: for ``call_log``, the complaint the log belongs to (None: a new complaint).
    ``file_bytes``: ``{path name: bytes}`` for uploads not on disk (the path is then only a name).
    ``classify``: for ``cfpb``, which narratives the classifier reads
    (``analysis.ingest.cfpb.CLASSIFY_SCOPES``; default those of the collection products).
    ``replace``: an intake log that corrects an earlier import (``generic``'s module docstring);
    refused (``ImportRefused``) for other formats and for sheets without an id column.
    ``actor`` (``analysis.audit.Actor``): who imports (default: the OS user on the command
    line, or ``imported_by``); each file's import is written to the audit log as ``action``
    (``import``; ``intake`` for the intake form) in the same transaction.

    The default database gets the demonstration data first if it does not exist yet; a
    database at any other path holds exactly what is imported into it.

    Raises ``ImportRefused`` (nothing written) when a file cannot be imported at all (also when
    it has no data rows: ``refused_no_data_rows``; such a file is not imported as an empty
    success that would still add a database version and an audit entry), and
    ``ValueError`` for an unknown format. Returns one ``ImportReport`` per file.
    """
    formats = known_formats()
    if fmt not in formats:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(formats)}")
    if replace and (fmt == "cfpb" or load_profile(fmt).grain != "incident"):  # before any file is read
        raise ImportRefused("refused_replace_grain", profile=fmt)
    if replace and len(paths) > 1:
        raise ImportRefused("refused_replace_one_file", n=len(paths))
    paths = [Path(p) for p in paths]
    file_bytes = file_bytes or {}
    for p in paths:
        if str(p) not in file_bytes and p.name not in file_bytes and not p.is_file():
            raise ImportRefused("refused_not_found", path=str(p))
    if db.is_default_db(db_path):
        from analysis.demo import ensure_demo_database
        ensure_demo_database(db_path)
    if actor is None:
        actor = Actor(imported_by, "unknown", "dashboard") if imported_by else Actor.command_line()
    user = actor.name
    reports = []
    def store_progress(frac: float, msg: str) -> None:  # 0: before the files; then after them
        if progress:
            progress(0.0 if frac == 0 else 0.95 + 0.05 * frac, msg)
    with db.write_transaction(db_path, f"import {fmt}: {', '.join(p.name for p in paths)}",
                              progress=store_progress) as con:
        upgrade_schema(con)
        for i, p in enumerate(paths):
            def file_progress(frac: float, msg: str, i=i, p=p) -> None:
                if progress:
                    progress((i + frac * 0.9) / len(paths), reason("progress_file_step", file_name=p.name, step=msg))
            data = file_bytes.get(str(p), file_bytes.get(p.name))
            try:
                if fmt == "cfpb":
                    from analysis.ingest.cfpb import import_cfpb_file
                    reports.append(import_cfpb_file(con, p, data=data, imported_by=user, progress=file_progress,
                                                    classify=classify))
                else:
                    from analysis.ingest.generic import import_profile_file
                    reports.append(import_profile_file(con, p, fmt, data=data, sheet=sheet, mapping=mapping,
                                                       complaint_id=complaint_id, imported_by=user,
                                                       progress=file_progress, replace=replace))
            except UnicodeDecodeError as err:  # e.g. UTF-16 cut off mid-character: refused, nothing written
                raise decode_refusal(err, p.name) from None
            if reports[-1].row_count == 0:  # the transaction is rolled back: nothing written
                raise ImportRefused("refused_no_data_rows", file=p.name)
            audit.record_import(con, actor, action, reports[-1])
        if progress:
            progress(0.95, reason("progress_summary"))
    if progress:
        progress(1.0, reason("progress_done"))
    return reports


@dataclass
class Preview:
    """What the Import page shows before anything is written.

    ``encoding`` (detected, or ``xlsx``), ``kind`` (csv / xlsx), ``sheet_names`` (workbooks),
    ``header`` (of the first sheet read), ``rows`` (first rows as a DataFrame, source headers,
    personal data masked as the import masks it, except the complaint numbers of a profile
    with ``public_ids``), ``proposed_mapping`` (``{header: field or None}``: the profile's when one
    is given and fits, else guessed from the headers), ``matching_profiles`` (``[(name, n)]``),
    ``encoding_guess`` (CSV: how sure the encoding is, invalid bytes; see ``guess_encoding``).
    """

    encoding: str
    kind: str
    sheet_names: list[str]
    header: list[str]
    rows: pd.DataFrame
    proposed_mapping: dict[str, str | None]
    matching_profiles: list[tuple[str, int]]
    encoding_guess: EncodingGuess | None = None


def preview_file(data: bytes, file_name: str, *, profile: str | None = None, sheet: str | None = None,
                 n_rows: int = 20) -> Preview:
    """First ``n_rows`` of an uploaded file with its detected encoding and a proposed mapping.
    Writes nothing. Raises ``ImportRefused`` for an unreadable file."""
    from analysis import pii
    from analysis.ingest.generic import public_field
    from analysis.ingest.profiles import load_profile, match_profiles, propose_mapping, resolve_columns
    from analysis.ingest.readers import read_source
    try:
        table = read_source(data, file_name, sheet=sheet, max_rows=n_rows)
    except UnicodeDecodeError as err:
        raise decode_refusal(err, file_name) from None
    sh = table.sheets[0]
    public: set[int] = set()  # columns shown as they are: a platform's published complaint numbers
    if profile and profile != "cfpb":
        prof = load_profile(profile)
        cols = resolve_columns(sh.header, prof)
        by_index = {i: f for f, i in cols.items()}
        proposed = {h: by_index.get(i) for i, h in enumerate(sh.header)}
        public = {i for f, i in cols.items() if public_field(f, prof)}
    else:
        proposed = propose_mapping(sh.header)
    frame = pd.DataFrame([[v if i in public else pii.mask_text(v) for i, v in enumerate(f)]
                          for _, f in sh.records[:n_rows]],
                         columns=sh.header) if sh.records else pd.DataFrame(columns=sh.header)
    return Preview(table.encoding, table.kind, table.sheet_names, sh.header, frame, proposed,
                   match_profiles(sh.header), table.encoding_guess)


@dataclass
class Validation:
    """Dry-run result: ``row_count``, ``accepted_count`` (rows that would be written),
    ``quarantined`` (DataFrame: sheet_name, source_row_number, column_name, raw_value, reason,
    raw_record — downloadable, correctable, re-importable), ``qa_issues`` (DataFrame:
    sheet_name, source_row_number, column_name, raw_value, reason: values stored as NULL /
    OTHER), ``mapping`` (``{sheet: {field: header}}``), ``notes``."""

    row_count: int
    accepted_count: int
    quarantined: pd.DataFrame
    qa_issues: pd.DataFrame
    mapping: dict
    notes: list[str]


def validate_file(data: bytes, file_name: str, fmt: str, *, sheet: str | None = None,
                  mapping: dict[str, str | None] | None = None) -> Validation:
    """Read, mask, parse and validate a file with a profile, writing nothing (the Import page's
    validation report). Counts are against the file alone (not what the database already
    holds). Raises ``ImportRefused`` when required columns are missing or there is no data row;
    ``ValueError`` for
    ``cfpb`` (its importer has no dry run: use a scratch database)."""
    import json
    from analysis.ingest.generic import prepare_file
    if fmt == "cfpb":
        raise ValueError("validate_file works with import profiles; cfpb files are checked on import")
    prep = prepare_file(Path(file_name), fmt, data=data, sheet=sheet, mapping=mapping)
    if not prep.rows and not prep.bad:
        raise ImportRefused("refused_no_data_rows", file=Path(file_name).name)
    q = [(s, n, None, None, reason, json.dumps(dict(zip(h, f)) if len(f) == len(h) else f, ensure_ascii=False))
         for s, n, f, reason, h in prep.bad]
    for r in prep.quarantined:
        col, val, reason = r.reject
        q.append((r.sheet, r.row_number, prep.mapping.get(r.sheet, {}).get(col, col) if col else None, val, reason,
                  json.dumps(r.raw, ensure_ascii=False)))
    qa = [(r.sheet, r.row_number, prep.mapping.get(r.sheet, {}).get(c, c), v, why)
          for r in prep.accepted for c, v, why in r.qa]
    return Validation(
        len(prep.rows) + len(prep.bad), len(prep.accepted),
        pd.DataFrame(q, columns=["sheet_name", "source_row_number", "column_name", "raw_value", "reason", "raw_record"]),
        pd.DataFrame(qa, columns=["sheet_name", "source_row_number", "column_name", "raw_value", "reason"]),
        prep.mapping, prep.notes)


__all__ = ["FORMATS", "ImportRefused", "ImportReport", "Preview", "Validation", "known_formats", "preview_file",
           "run_import", "validate_file"]
