"""Benchmark of the store: build memory, every page's whole query set, and the cost of a write.

    .venv/bin/python -m benchmarks.bench_store --incidents 1000000 10000000 [--repeats 20] [--cold 5]
           [--import-rows 1000] [--json FILE] [--out DIR] [--rebuild] [--skip-import] [--skip-pandas]

For each size it

1. builds (once, cached in ``--out``, default ``benchmarks/out/``) a database of the built-in
   demonstration data replicated to about N incidents (complaint ids and dates shifted per
   copy), in a child process, and reports its time and peak resident memory;
2. times every page's whole query set as the dashboard runs it (set-up: ``query_sources``,
   ``query_filter_options``, ``query_date_range``; then ``query_kpis`` and every chart of the
   page from ``analysis.charts``), for a default and a filtered view: **warm** (one
   connection, ``--repeats`` runs after one discarded) and **cold** (a new connection, so an
   empty DuckDB buffer pool, for each of ``--cold`` runs; the OS file cache stays warm),
   p50 and p95 of the page total;
3. runs the same pages in plain pandas over the facts held in memory
   (``benchmarks.pandas_baseline``: the load is timed apart) and prints pandas / DuckDB warm
   p50 ratios; and the same DuckDB queries forced onto the facts (``queries.USE_CUBES =
   False``) to show what the cubes buy;
4. measures a write: importing ``--import-rows`` new CFPB rows (``benchmarks.gen_cfpb``), the
   same file again (same bytes: nothing added), and the same rows in a renamed file (all rows
   already present), each in a child process, three times, with peak memory.

Prints the machine's load (``uptime``) before and after; ``--json`` writes every number.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from analysis import db, queries  # noqa: E402
from analysis.charts import PAGES, charts_of  # noqa: E402
from analysis.demo import build_demo  # noqa: E402
from analysis.filters import Filter  # noqa: E402
from analysis.store import mark_all_changed  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
SETUP = (("query_sources", False, ()), ("query_filter_options", False, ()), ("query_date_range", False, ()))
VIEWS = {
    "default": Filter(source=("demo_cn", "demo_us")),
    "filtered": Filter(source=("demo_cn",), conduct=("TIME_INCONVENIENT", "CONTACT_LIST_BLAST"),
                       method=("phone_call",), date_from=date(2025, 1, 1)),
}


def page_queries(page: str) -> list[tuple[str, bool, tuple]]:
    """``(query name, takes a filter, args)`` a page runs: set-up, key figures, its charts
    (each distinct query and arguments once, as the dashboard's cache runs them)."""
    out = list(SETUP) + [("query_kpis", True, ())]
    for spec in charts_of(page):
        key = (spec.query, True, spec.query_args({}))
        if key not in out:
            out.append(key)
    return out


def build_big(path: Path, incidents: int) -> None:
    """Replicate the demo data until about ``incidents`` incidents exist (a full build)."""
    with db.write_transaction(path, f"benchmark database, {incidents} incidents") as con:
        mark_all_changed(con, "benchmark database")
        build_demo(con)
        base = con.execute("SELECT count(*) FROM core_incidents").fetchone()[0]
        copies = max(1, round(incidents / base))
        for name in ("core_complaints", "core_incidents", "core_complaint_labels"):
            con.execute(f"CREATE TEMP TABLE _b_{name} AS SELECT * FROM {name}")
            con.execute(f"DELETE FROM {name}")
        con.execute(f"""
            INSERT INTO core_complaints
            SELECT * EXCLUDE (k) REPLACE (complaint_id || '~' || k AS complaint_id,
                              received_date - INTERVAL (k % 700) DAY AS received_date)
            FROM _b_core_complaints, range({copies}) r(k)""")
        con.execute(f"""
            INSERT INTO core_incidents
            SELECT * EXCLUDE (k) REPLACE (incident_id || '~' || k AS incident_id, complaint_id || '~' || k AS complaint_id,
                              occurred_date - INTERVAL (k % 700) DAY AS occurred_date,
                              occurred_at - INTERVAL (k % 700) DAY AS occurred_at)
            FROM _b_core_incidents, range({copies}) r(k)""")
        con.execute(f"""
            INSERT INTO core_complaint_labels
            SELECT * EXCLUDE (k) REPLACE (complaint_id || '~' || k AS complaint_id)
            FROM _b_core_complaint_labels, range({copies}) r(k)""")


def _pcts(xs: list[float]) -> dict:
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, max(0, round(0.95 * len(xs) + 0.5) - 1))]
    return {"p50": statistics.median(xs), "p95": p95, "n": len(xs)}


def _run_page(cur, page: str, flt: Filter) -> float:
    t = time.perf_counter()
    for name, takes_filter, args in page_queries(page):
        fn = queries.query_function(name)
        fn(cur, flt, *args) if takes_filter else fn(cur, *args)
    return time.perf_counter() - t


def time_pages(path: Path, repeats: int, cold: int, use_cubes: bool = True) -> dict:
    """``{view: {page: {"warm": pcts, "cold": pcts}}}`` (seconds per whole page)."""
    queries.USE_CUBES = use_cubes
    out: dict = {}
    try:
        for view, flt in VIEWS.items():
            for page in PAGES:
                colds = []
                for _ in range(cold):
                    with db.connect_read_only(path) as con:
                        colds.append(_run_page(db.read_cursor(con), page, flt))
                with db.connect_read_only(path) as con:
                    cur = db.read_cursor(con)
                    _run_page(cur, page, flt)
                    warms = [_run_page(cur, page, flt) for _ in range(repeats)]
                out.setdefault(view, {})[page] = {"warm": _pcts(warms), "cold": _pcts(colds)}
    finally:
        queries.USE_CUBES = True
    return out


def time_pandas(path: Path, repeats: int) -> dict:
    """Load the facts into pandas once, then ``{"load_s", "load_rss_mb", view: {page: pcts}}``.
    Pages with a query that has no pandas equivalent (``PANDAS_QUERIES``; the issue-10 pages
    companies, trends, places, the allegation charts) are left out: the table shows "–"."""
    from benchmarks.pandas_baseline import PANDAS_QUERIES, PANDAS_SETUP, load_facts
    rss0 = _rss_mb()
    t = time.perf_counter()
    with db.connect_read_only(path) as con:
        facts = load_facts(db.read_cursor(con))
    out: dict = {"load_s": time.perf_counter() - t, "load_rss_mb": _rss_mb() - rss0}
    known = {**PANDAS_QUERIES, **PANDAS_SETUP}
    for view, flt in VIEWS.items():
        for page in PAGES:
            if any(name not in known for name, _, _ in page_queries(page)):
                continue
            runs = []
            for _ in range(repeats):
                t = time.perf_counter()
                for name, takes_filter, args in page_queries(page):
                    (PANDAS_QUERIES[name](facts, flt, *args) if takes_filter else PANDAS_SETUP[name](facts))
                runs.append(time.perf_counter() - t)
            out.setdefault(view, {})[page] = _pcts(runs)
    return out


def _rss_mb() -> float:
    """Peak resident memory of this process image (VmHWM, MB). Not ``ru_maxrss``: Linux keeps
    that across fork and exec, so a child would report the benchmark's own peak."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(args: list[str]) -> dict:
    """Run ``python -m benchmarks.bench_store <args>`` and return the JSON it prints last."""
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench_store", *args], cwd=REPO,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _measure(fn) -> dict:
    """Run ``fn()``: seconds and this process's peak resident memory (MB)."""
    t = time.perf_counter()
    fn()
    return {"seconds": time.perf_counter() - t, "rss_mb": _rss_mb()}


def time_imports(path: Path, rows: int, out_dir: Path, repeats: int = 3) -> dict:
    """Three kinds of write, each ``repeats`` times in a child process (seconds, peak MB)."""
    from benchmarks.gen_cfpb import write_cfpb_csv
    res: dict = {"add": [], "same_bytes": [], "same_rows": []}
    for k in range(repeats):
        f = out_dir / f"add_{rows}_{k}.csv"
        with db.connect_read_only(path) as con:  # new ids past every CFPB id already there
            top = db.read_cursor(con).execute("SELECT max(TRY_CAST(source_record_id AS BIGINT)) FROM core_complaints "
                                              "WHERE source = 'cfpb'").fetchone()[0]
        write_cfpb_csv(f, rows, seed=100 + k, start_id=(top or 90_000_000) + 1)
        res["add"].append(_child(["--run-import", str(f), str(path)]))
        res["same_bytes"].append(_child(["--run-import", str(f), str(path)]))
        renamed = out_dir / f"renamed_{rows}_{k}.csv"
        renamed.write_bytes(f.read_bytes().replace(b"\r\n", b"\n"))
        res["same_rows"].append(_child(["--run-import", str(renamed), str(path)]))
    return {kind: {"seconds": _pcts([r["seconds"] for r in runs]),
                   "rss_mb": max(r["rss_mb"] for r in runs),
                   "counts": runs[-1]["counts"]} for kind, runs in res.items()}


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "uptime not available"


#: Resident memory the pandas baseline's facts take per million incidents (measured at 1M: +3.9 GB).
PANDAS_MB_PER_MILLION = 3900


def run(sizes: list[int], repeats: int, cold: int, import_rows: int, out_dir: Path, rebuild: bool,
        skip_import: bool, skip_pandas: bool, pandas_max: int = 2_000_000) -> dict:
    """Everything the module docstring lists; returns the numbers (and prints them)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict = {"load_before": _uptime(), "cpus": os.cpu_count(), "sizes": {}}
    print(report["load_before"], flush=True)
    for n in sizes:
        path = out_dir / f"bench_{n}.duckdb"
        size: dict = {}
        if rebuild or not path.exists():
            if path.exists() or path.is_symlink():
                import shutil
                path.unlink()
                shutil.rmtree(Path(str(path) + ".store"), ignore_errors=True)
            size["build"] = _child(["--build-only", str(n), str(path)])
            print(f"[{n:,}] built in {size['build']['seconds']:.1f} s, peak {size['build']['rss_mb']:.0f} MB")
        with db.connect_read_only(path) as con:
            c, i = db.read_cursor(con).execute("SELECT (SELECT count(*) FROM mart_complaint_facts), "
                                               "(SELECT count(*) FROM mart_incident_facts)").fetchone()
        size.update(complaints=c, incidents=i, file_gb=os.stat(path).st_size / 1e9)
        print(f"[{n:,}] {c:,} complaints, {i:,} incidents, {size['file_gb']:.2f} GB per replica")
        size["duckdb"] = time_pages(path, repeats, cold)
        size["duckdb_facts_only"] = time_pages(path, max(3, repeats // 4), 1, use_cubes=False)
        if not skip_pandas and i <= pandas_max:
            size["pandas"] = time_pandas(path, max(2, repeats // 10))
        elif not skip_pandas:
            size["pandas_skipped"] = (f"the facts of {i:,} incidents do not fit in memory as pandas objects "
                                      f"(+{PANDAS_MB_PER_MILLION:,} MB per million incidents measured; limit "
                                      f"--pandas-max-incidents {pandas_max:,})")
            print(f"[{n:,}] pandas baseline skipped: {size['pandas_skipped']}")
        if not skip_import:
            size["imports"] = time_imports(path, import_rows, out_dir)
        size["query_process_rss_mb"] = _rss_mb()
        report["sizes"][n] = size
        print_size(n, size)
    report["load_after"] = _uptime()
    print(report["load_after"])
    return report


def print_size(n: int, s: dict) -> None:
    """One table per size: page, view, DuckDB warm and cold p50/p95, facts-only, pandas, ratio."""
    print(f"\n### {n:,} incidents ({s['complaints']:,} complaints)\n")
    print("| view | page | warm p50 / p95 ms | cold p50 / p95 ms | facts only p50 ms | pandas p50 ms | pandas ÷ warm |")
    print("|---|---|---|---|---|---|---|")
    for view in VIEWS:
        for page in PAGES:
            d = s["duckdb"][view][page]
            fo = s["duckdb_facts_only"][view][page]["warm"]["p50"]
            pd_ = s.get("pandas", {}).get(view, {}).get(page)
            ratio = f"{pd_['p50'] / d['warm']['p50']:.0f}×" if pd_ else "–"
            print(f"| {view} | {page} | {d['warm']['p50'] * 1000:.0f} / {d['warm']['p95'] * 1000:.0f} | "
                  f"{d['cold']['p50'] * 1000:.0f} / {d['cold']['p95'] * 1000:.0f} | {fo * 1000:.0f} | "
                  f"{pd_['p50'] * 1000:.0f} | {ratio} |" if pd_ else
                  f"| {view} | {page} | {d['warm']['p50'] * 1000:.0f} / {d['warm']['p95'] * 1000:.0f} | "
                  f"{d['cold']['p50'] * 1000:.0f} / {d['cold']['p95'] * 1000:.0f} | {fo * 1000:.0f} | – | – |")
    if "pandas" in s:
        print(f"\npandas load of the facts: {s['pandas']['load_s']:.1f} s, +{s['pandas']['load_rss_mb']:.0f} MB")
    if "build" in s:
        print(f"build: {s['build']['seconds']:.1f} s, peak {s['build']['rss_mb']:.0f} MB")
    for kind, r in s.get("imports", {}).items():
        print(f"write {kind:10s}: p50 {r['seconds']['p50']:.2f} s, p95 {r['seconds']['p95']:.2f} s "
              f"(n={r['seconds']['n']}), peak {r['rss_mb']:.0f} MB, {r['counts']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_store", description=__doc__.split("\n\n")[0])
    ap.add_argument("--incidents", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--cold", type=int, default=5)
    ap.add_argument("--import-rows", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--pandas-max-incidents", type=int, default=2_000_000,
                    help="largest size for the pandas baseline (its facts take ~3.9 GB per million incidents)")
    ap.add_argument("--build-only", nargs=2, metavar=("INCIDENTS", "DB"), help=argparse.SUPPRESS)
    ap.add_argument("--run-import", nargs=2, metavar=("CSV", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.build_only:
        m = _measure(lambda: build_big(Path(args.build_only[1]), int(args.build_only[0])))
        print(json.dumps(m))
        return 0
    if args.run_import:
        from analysis.ingest import run_import
        got = {}

        def go():
            (rep,) = run_import([Path(args.run_import[0])], "cfpb", Path(args.run_import[1]))
            got.update(read=rep.row_count, accepted=rep.accepted_count, unchanged=rep.unchanged_count,
                       quarantined=rep.quarantined_count, status=rep.status)
        m = _measure(go)
        m["counts"] = got
        print(json.dumps(m))
        return 0
    report = run(args.incidents, args.repeats, args.cold, args.import_rows, args.out, args.rebuild,
                 args.skip_import, args.skip_pandas, args.pandas_max_incidents)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
