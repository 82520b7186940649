"""Benchmark of the real import path, ``analysis.narratives.label_narratives``, as imports run it:

    .venv/bin/python benchmarks/bench_label_path.py [--narratives N] [--modes rules,overlap]

20,000 (or N) distinct narratives (the pool's, numbered so none repeats; pages of 20,000, the
next page's rules start while the page before is stored), 2 workers, 3 runs of each
mode (the first cold): rules alone; rules + model with the model scored after the pool's rules
(the order before, kept as the baseline); rules + model scored while the pool runs (now).
Prints narratives/s per run, p50 / slowest / fastest per mode and peak RSS. Needs ../shared and
an installed model (python -m analysis.classify.model train)."""
from __future__ import annotations

import os
import resource
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import db  # noqa: E402
from analysis.classify import model as M  # noqa: E402
import analysis.narratives as N  # noqa: E402

MODEL = str(M.model_path())  # before run() points the variable elsewhere


class _Serial:
    """The baseline: a ThreadPoolExecutor stand-in that runs the model when its result is
    collected, i.e. after the pool's rules (the order before)."""
    def __init__(self, n): pass
    def __enter__(self): return self
    def __exit__(self, *a): return False
    def submit(self, fn, *a):
        f = Future()
        f.result = lambda: fn(*a)  # run when collected, i.e. after the pool's rules
        return f


def run(mode, n=20_000):
    pool = pd.read_csv(str(ROOT / ".." / "shared" / "data" / "cfpb" / "narratives_pool_2013_2015.csv"))["Consumer complaint narrative"].astype(str).tolist()
    texts = [f"{pool[i % len(pool)]} ({i})" for i in range(n)]
    os.environ[M.MODEL_ENV] = "/nonexistent.npz" if mode == "rules" else MODEL
    N.ThreadPoolExecutor = _Serial if mode == "serial" else ThreadPoolExecutor
    con = duckdb.connect()
    db.create_schema(con)
    con.register("t", pd.DataFrame({"complaint_id": [str(i) for i in range(len(texts))], "narrative": texts}))
    con.execute("INSERT INTO core_complaints (complaint_id, source, jurisdiction, received_date, has_narrative, narrative, language) "
                "SELECT complaint_id, 'x', 'US', DATE '2024-01-01', TRUE, narrative, 'en' FROM t")
    s = time.perf_counter()
    found = N.label_narratives(con, workers=2)
    e = time.perf_counter() - s
    return len(texts) / e, found["suggestions"]


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--narratives", type=int, default=20_000)
    ap.add_argument("--modes", default="rules,serial,overlap")
    args = ap.parse_args()
    res = {m: [] for m in args.modes.split(",")}
    for _ in range(3):
        for m in res:
            r, n = run(m, args.narratives)
            res[m].append(r)
            print(m, f"{r:,.0f}/s", n, flush=True)
    for m, rs in res.items():
        rs.sort()
        print(f"{m}: p50 {rs[1]:,.0f}/s, slowest {rs[0]:,.0f}/s, fastest {rs[2]:,.0f}/s")
    print(f"peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB; "
          "needs an installed model (python -m analysis.classify.model train)")
