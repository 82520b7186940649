"""Command line: ``python -m analysis.export --db PATH --page PAGE --format FMT --lang zh|en --out DIR``
(every chart of a page) or ``--report-pack`` (the ZIP of everything). Exit 2 on bad arguments.

Scope: by default the dashboard's default scope (``analysis.scope``: the real sources, or the
demonstration data when nothing real is loaded; the debt-collection products), so the figures
match what the dashboard shows first. ``--source`` / ``--product`` set those lists,
``--all-sources`` / ``--all-products`` lift them. The scope used and its complaint count are
printed to stderr; the paths written go to stdout (a CSV's ``<name>.about.txt`` beside it).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import duckdb

from analysis import queries
from analysis.charts import PAGES
from analysis.export.context import FORMATS, ExportOptions
from analysis.filters import Filter, FilterError, add_cli_arguments, check_known_values, from_cli


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
    add_cli_arguments(p)  # one flag per filter field (analysis.filters.FIELDS)
    p.add_argument("--all-sources", action="store_true",
                   help="every source, demonstration data included (default: the dashboard's default sources)")
    p.add_argument("--all-products", action="store_true",
                   help="every product (default: the dashboard's default, the debt-collection products)")
    return p


def scope_filter(con, a: argparse.Namespace) -> tuple[Filter, bool]:
    """The filter of parsed arguments ``a``: the default scope (``analysis.scope.
    default_filter``) for sources and products, lifted by ``--all-sources`` /
    ``--all-products``, replaced by ``--source`` / ``--product`` values; every other filter
    flag as given. Returns ``(filter, whether part of the default scope is used)``."""
    from analysis.scope import default_filter

    uses_default = ((a.flt_source is None and not a.all_sources) or
                    (a.flt_product is None and not a.all_products))
    base = default_filter(con) if uses_default else Filter()
    base = dataclasses.replace(base, source=() if a.all_sources else base.source,
                               product=() if a.all_products else base.product)
    return from_cli(a, base), uses_default


def main(argv: list[str] | None = None) -> int:
    p = parser()
    a = p.parse_args(argv)
    if a.page and not a.format:
        p.error("--page needs --format (png, svg, pdf, csv or xlsx)")
    if a.k < 2:
        p.error("--k must be at least 2")
    if a.all_sources and a.flt_source is not None:
        p.error("--all-sources and --source exclude each other")
    if a.all_products and a.flt_product is not None:
        p.error("--all-products and --product exclude each other")
    db_path = Path(a.db)
    if not db_path.is_file():
        p.error(f"database not found: {db_path}")
    try:  # the values given on the command line, before the database is opened
        from_cli(a).validate()
    except FilterError as err:
        p.error(err.message(a.lang))
    from analysis.db import DatabaseUnreadable, connect_read_only
    from analysis.export.context import make_context
    from analysis.i18n import t

    opts = ExportOptions(suppress=not a.no_suppress, k=a.k)
    out = Path(a.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:  # a file of that name, a path under a file, no permission
        p.error(f"--out {out}: cannot write there ({err.strerror or err})")
    try:
        con = connect_read_only(db_path)
        check_known_values(from_cli(a), queries.query_filter_options(con))
        flt, uses_default = scope_filter(con, a)
    except FilterError as err:
        p.error(err.message(a.lang))
    except DatabaseUnreadable as err:
        print(str(err), file=sys.stderr)
        return 2
    except (duckdb.IOException, duckdb.SerializationException) as err:  # a damaged block met while reading
        print(str(DatabaseUnreadable(db_path, str(err))), file=sys.stderr)
        return 2
    try:
        ctx = make_context(con, flt, a.lang)
    except FilterError as err:
        p.error(err.message(a.lang))
    print(t("xa_cli_scope", a.lang, desc=ctx.filter_text) + (" " + t("xa_cli_default", a.lang) if uses_default else ""),
          file=sys.stderr)
    print(t("xa_cli_n", a.lang, n=f"{int(ctx.kpis.get('complaint_count') or 0):,}"), file=sys.stderr)

    def progress(frac: float, msg: str) -> None:
        print(f"\r{frac:4.0%} {msg[:60]:<60}", end="", file=sys.stderr, flush=True)

    if a.report_pack:
        from analysis.export.report import build_report_pack

        name, data = build_report_pack(con, flt, a.lang, options=opts, progress=progress, ctx=ctx)
        (out / name).write_bytes(data)
        print(file=sys.stderr)
        print(out / name)
    else:
        from analysis.export.engine import export_page

        for path in export_page(con, a.page, flt, a.lang, a.format, out, options=opts, progress=progress, ctx=ctx):
            print(path)
        print(file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
