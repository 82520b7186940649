"""Command line: ``python -m analysis.export --db PATH --page PAGE --format FMT --lang zh|en --out DIR``
(every chart of a page) or ``--report-pack`` (the ZIP of everything). Exit 2 on bad arguments."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from analysis.charts import PAGES
from analysis.export.context import FORMATS, ExportOptions
from analysis.filters import Filter, FilterError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis.export", description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="database file (DuckDB)")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--page", choices=PAGES, help="export every chart of this page")
    what.add_argument("--report-pack", action="store_true", help="build the report pack ZIP")
    p.add_argument("--format", choices=FORMATS, help="file format (with --page)")
    p.add_argument("--no-suppress", action="store_true", help="do not suppress counts below k (default: suppress)")
    p.add_argument("--k", type=int, default=5, help="suppression threshold (default 5)")
    for name in ("source", "product", "company", "region", "jurisdiction", "conduct", "method", "filed-with",
                 "submission-medium", "outcome"):
        p.add_argument(f"--{name}", action="append", default=[], metavar="VALUE",
                       help=f"filter on {name.replace('-', ' ')} (repeat for several values)")
    p.add_argument("--date-from", type=_date)
    p.add_argument("--date-to", type=_date)
    p.add_argument("--label-source", choices=("all", "structured", "narrative"), default="all")
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    a = p.parse_args(argv)
    if a.page and not a.format:
        p.error("--page needs --format (png, svg, pdf, csv or xlsx)")
    if a.k < 2:
        p.error("--k must be at least 2")
    db_path = Path(a.db)
    if not db_path.is_file():
        p.error(f"database not found: {db_path}")
    flt = Filter(date_from=a.date_from, date_to=a.date_to, label_source=a.label_source,
                 jurisdiction=tuple(a.jurisdiction), source=tuple(a.source), product=tuple(a.product),
                 company=tuple(a.company), region=tuple(a.region), conduct=tuple(a.conduct), method=tuple(a.method),
                 filed_with=tuple(a.filed_with), submission_medium=tuple(a.submission_medium),
                 outcome=tuple(a.outcome))
    try:
        flt.validate()
    except FilterError as err:
        p.error(err.message(a.lang))
    from analysis.db import connect_read_only

    opts = ExportOptions(suppress=not a.no_suppress, k=a.k)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    con = connect_read_only(db_path)

    def progress(frac: float, msg: str) -> None:
        print(f"\r{frac:4.0%} {msg[:60]:<60}", end="", file=sys.stderr, flush=True)

    if a.report_pack:
        from analysis.export.report import build_report_pack

        name, data = build_report_pack(con, flt, a.lang, options=opts, progress=progress)
        (out / name).write_bytes(data)
        print(file=sys.stderr)
        print(out / name)
    else:
        from analysis.export.engine import export_page

        for path in export_page(con, a.page, flt, a.lang, a.format, out, options=opts, progress=progress):
            print(path)
        print(file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
