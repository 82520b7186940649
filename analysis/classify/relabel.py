"""Command line: re-read stored narratives with the current patterns.

    python -m analysis.classify.relabel [--db PATH] [--workers N] [--unread | --all]

Labels and incidents that the classifier stored at import time (``label_source = narrative``,
``time_source = narrative``) reflect the patterns of that day; each carries the classifier
version that made it (``analysis.classify.classifier_version``). After the pattern files or
the classifier change, this re-reads the **stale** narratives only (read by another version:
``analysis.narratives.stale_counts``, shown on the Data page), with ``--unread`` also the
narratives no reader has read yet (imported with ``--classify none`` or outside the collection
products), or with ``--all`` every narrative, and brings the summary tables in step, in one
write transaction (all or nothing; readers keep the old version until it commits). Labels from structured fields are not touched.

Prints the counts before and after per conduct code. Exit status 0; 2 when the database file
does not exist.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from analysis import audit, db
from analysis.audit import Actor
from analysis.ingest.common import upgrade_schema
from analysis.classify import classifier_version
from analysis.narratives import STALE_SQL, UNREAD_SQL, label_narratives, stale_params
from analysis.store import mark_changed


def _conduct_counts(con) -> Counter:
    return Counter(dict(con.execute(
        "SELECT label_code, count(*) FROM core_complaint_labels WHERE label_source = 'narrative' "
        "AND label_kind = 'conduct' GROUP BY 1").fetchall()))


def relabel(db_path: Path, workers: int = 1, progress=None, *,
            actor: Actor | None = None, stale_only: bool = True,
            unread: bool = False) -> tuple[dict[str, int], Counter, Counter]:
    """Re-classify the stale narratives in ``db_path`` (``stale_only``; with ``unread`` also those
    never read, ``analysis.narratives.UNREAD_SQL``; ``stale_only=False``: every narrative);
    the marts follow for the complaints concerned. Cost grows with the narratives re-read.
    One audit row (``relabel``, by ``actor``; default the command line's OS user) records the
    counts, in the same transaction.

    Returns ``(label_narratives counts {"narratives", "labels", "incidents"}, conduct label
    counts before, after)``. Raises ``FileNotFoundError`` when the database does not exist.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"{db_path}: no database")
    with db.write_transaction(db_path, "relabel narratives") as con:
        upgrade_schema(con)
        before = _conduct_counts(con)
        if stale_only:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _cw_stale AS {STALE_SQL}"
                        + (f" UNION {UNREAD_SQL}" if unread else ""), stale_params())
            mark_changed(con, "SELECT complaint_id FROM _cw_stale")
            found = label_narratives(con, "SELECT complaint_id FROM _cw_stale", progress=progress, workers=workers)
            con.execute("DROP TABLE _cw_stale")
        else:
            # Labels and incidents from narratives are replaced for every complaint that has some
            # or has a narrative: the marts and the second copy follow exactly those.
            mark_changed(con, "SELECT complaint_id FROM core_complaints WHERE has_narrative "
                              "UNION SELECT complaint_id FROM core_complaint_labels WHERE label_source IN "
                              "('narrative', 'model') "
                              "UNION SELECT complaint_id FROM core_incidents WHERE time_source = 'narrative'")
            found = label_narratives(con, progress=progress, workers=workers)
        after = _conduct_counts(con)
        audit.record(con, actor or Actor.command_line(), "relabel", rows_updated=found["narratives"],
                     detail={"labels": found["labels"], "incidents": found["incidents"], "stale_only": stale_only,
                             "unread": unread,
                             "classifier_version": classifier_version(),
                             "conduct_labels_before": sum(before.values()), "conduct_labels_after": sum(after.values())})
    return found, before, after


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.classify.relabel", description=__doc__.split("\n\n")[1])
    ap.add_argument("--db", help=f"database file (default: ${db.ENV_VAR} or {db.DEFAULT_DB_PATH})")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    scope = ap.add_mutually_exclusive_group()
    scope.add_argument("--unread", action="store_true",
                       help="also read the narratives no reader has read (imported with --classify none)")
    scope.add_argument("--all", action="store_true", help="re-read every narrative, not only the stale ones")
    args = ap.parse_args(argv)
    path = db.resolve_db_path(args.db)
    try:
        found, before, after = relabel(path, max(1, args.workers),
                                       progress=lambda f, m: print(f"[{f:4.0%}] {m}", file=sys.stderr),
                                       stale_only=not args.all, unread=args.unread)
    except (FileNotFoundError, db.DatabaseUnreadable) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{found['narratives']} narratives re-read: {found['labels']} labels, {found['incidents']} incidents")
    print(f"  {'conduct labels from narratives':<28}{'before':>8}    {'after':>5}")
    for code in sorted(set(before) | set(after)):
        print(f"  {code:<28}{before[code]:>8} -> {after[code]:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
