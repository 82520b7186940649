"""Benchmark: the report pack of all charts on the CFPB sample data, one browser.

Imports ../shared/data/cfpb/*.csv into a temporary database (analysis.ingest.run_import),
then times ``build_report_pack`` (browser start included) for each language.
Target (issue 5): under 20 s. Run: ``.venv/bin/python -m benchmarks.bench_export``.
"""
from __future__ import annotations

import sys
import tempfile
import time
import zipfile
import io
from pathlib import Path

from analysis.db import connect_read_only
from analysis.export.report import build_report_pack
from analysis.filters import Filter
from analysis.ingest import run_import

REPO = Path(__file__).resolve().parent.parent
CFPB = sorted((REPO.parent / "shared" / "data" / "cfpb").glob("*.csv"))
TARGET_S = 20.0


def main() -> int:
    if not CFPB:
        print("no CFPB files under ../shared/data/cfpb", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "cfpb.duckdb"
        t0 = time.perf_counter()
        run_import(CFPB, "cfpb", db)
        print(f"import of {len(CFPB)} CFPB files: {time.perf_counter() - t0:.1f} s")
        con = connect_read_only(db)
        worst = 0.0
        for lang in ("zh", "en"):
            t0 = time.perf_counter()
            name, data = build_report_pack(con, Filter(), lang)
            secs = time.perf_counter() - t0
            worst = max(worst, secs)
            z = zipfile.ZipFile(io.BytesIO(data))
            images = sum(n.endswith((".png", ".svg")) for n in z.namelist())
            print(f"report pack {lang}: {secs:.1f} s ({images} images + XLSX + PDF, {len(data) / 1e6:.1f} MB, "
                  f"browser start included) -> {name}")
        print(f"slowest: {worst:.1f} s; target < {TARGET_S:.0f} s: {'PASS' if worst < TARGET_S else 'FAIL'}")
        return 0 if worst < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
