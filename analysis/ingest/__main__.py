"""Command line: ``python -m analysis.ingest --format FORMAT [--db PATH] FILE [FILE ...]``.

FORMAT is ``cfpb`` or an import profile (``heimao``, ``c12315``, ``intake``, ``call_log``,
``ftc_dnc`` or a saved one). ``--sheet NAME`` reads one worksheet of .xlsx files;
``--complaint-id ID`` attaches a call log to an existing complaint. ``--workers N``: processes
for classifying the narratives (default: every core). ``--classify collection|all|none``: which
CFPB narratives the classifier reads (default: those of the collection products).

Progress goes to standard error: a bar with rate and time left on a terminal, a line every
few seconds otherwise.

Prints one line per file with accepted / quarantined counts. Exit status: 0 on success,
2 when the import was refused, 1 when it failed (no space left on the disk, say); in both
cases the database is left as it was.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import duckdb
from tqdm import tqdm

from analysis import db
from analysis.db import DatabaseUnreadable
from analysis.classify import WORKERS_ENV
from analysis.ingest import ImportRefused, known_formats, run_import
from analysis.ingest.cfpb import CLASSIFY_SCOPES
from analysis.ingest.profiles import load_profile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.ingest",
                                     description="Import complaint files into the Collection Watch database.")
    parser.add_argument("--format", required=True, choices=known_formats(), help="source format or import profile")
    parser.add_argument("--db", help=f"database file (default: ${db.ENV_VAR} or {db.DEFAULT_DB_PATH})")
    parser.add_argument("--sheet", help="only this worksheet of .xlsx files (default: every sheet)")
    parser.add_argument("--complaint-id", help="call_log: the complaint the log is evidence for (default: a new one)")
    parser.add_argument("--replace", action="store_true",
                        help="intake, one file: the file is the corrected, complete record of the complaints it "
                             "lists; each is rebuilt from its rows (its earlier incidents not in the file are removed, "
                             "whichever intake file they came from) instead of getting them added")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for classifying narratives (default: all cores; the "
                             "dashboard's import page uses 1)")
    parser.add_argument("--classify", choices=CLASSIFY_SCOPES, default="collection",
                        help="cfpb: which narratives to read with the classifier (default: debt collection and "
                             "payday / personal loans; 'relabel' can read the rest later)")
    parser.add_argument("files", nargs="+", help="files to import")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.complaint_id and (args.format == "cfpb" or load_profile(args.format).grain != "call"):
        parser.error("--complaint-id applies to call logs only (--format call_log): a log is evidence for one "
                     "complaint")
    if args.sheet:
        for name in args.files:
            if Path(name).suffix.lower() != ".xlsx":
                print(f"note: --sheet applies to .xlsx workbooks; {name} is read whole", file=sys.stderr)
    os.environ[WORKERS_ENV] = str(args.workers)
    path = db.resolve_db_path(args.db)

    progress, close = _progress_reporter()
    try:
        reports = run_import(args.files, args.format, path, progress=progress, sheet=args.sheet,
                             complaint_id=args.complaint_id, classify=args.classify, replace=args.replace)
    except ImportRefused as err:
        close()
        print(f"Import refused, nothing was written to {path}:\n  {err}", file=sys.stderr)
        return 2
    except DatabaseUnreadable as err:
        close()
        print(f"Import refused, nothing was written:\n  {err}", file=sys.stderr)
        return 2
    except (duckdb.Error, OSError) as err:  # e.g. no space left on the disk: the write is all or nothing
        close()
        print(f"Import failed, nothing was written to {path}:\n  {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    close()
    for rep in reports:
        print(rep.summary())
        for note in rep.notes:
            print(f"  note: {note}")
    print(f"accepted {sum(r.accepted_count for r in reports)}, "
          f"quarantined {sum(r.quarantined_count for r in reports)}, "
          f"unchanged {sum(r.unchanged_count for r in reports)} -> {path}")
    return 0


def _progress_reporter(interval: float = 5.0):
    """``(progress(fraction, message), close())``: a tqdm bar (percent, elapsed, time left) on a
    terminal; elsewhere (CI, logs) one line per ``interval`` seconds and at each new step."""
    if sys.stderr.isatty():
        bar = tqdm(total=1000, unit="‰", file=sys.stderr, dynamic_ncols=True,
                   bar_format="{l_bar}{bar}| {elapsed}<{remaining}")

        def progress(frac: float, msg: str) -> None:
            bar.update(max(0, round(frac * 1000) - bar.n))
            bar.set_description_str(msg[:60], refresh=True)
        return progress, bar.close
    state = {"t": 0.0, "step": None}

    def progress(frac: float, msg: str) -> None:
        step = msg.split(":")[0]
        now = time.monotonic()
        if now - state["t"] >= interval or step != state["step"] or frac >= 1.0:
            print(f"[{frac:4.0%}] {msg}", file=sys.stderr, flush=True)
            state["t"], state["step"] = now, step
    return progress, lambda: None


if __name__ == "__main__":
    sys.exit(main())
