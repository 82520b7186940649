"""Benchmark: classify 100,000 narratives (target < 60 s on the 2-core dev machine), with the
rules and with rules + the conduct model (issue 12 target: >= 2,000 narratives/s on 2 cores).

    .venv/bin/python benchmarks/bench_classify.py [--n 100000] [--workers 2] [--repeats 3] [--model PATH]

Realistic mix: every CFPB narrative of ../shared/data/cfpb/*.csv ("Consumer complaint
narrative", ~3,700 texts, ~1,150 characters on average) plus the Chinese and English rows of
../shared/data/narratives/labelled_dev.csv, repeated to N. Prints narratives/second for one
process and, with --workers > 1, for a process pool (classify_many itself is single-process;
the build may split its input the same way). The model (``analysis.classify.model``, trained
with ``python -m analysis.classify.model train``; skipped when there is none) is timed alone on
20,000 texts (``--repeats`` times: p50 / p95, the first run cold) and inside the pool; each
pool run is repeated ``--repeats`` times too (p50 / slowest; every run starts its workers
afresh, so each includes loading the patterns and the model).
"""
from __future__ import annotations

import argparse
import csv
import glob
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.classify import classify_many  # noqa: E402

SHARED = ROOT / ".." / "shared" / "data"


def load_texts() -> list[str]:
    """All narratives of the CFPB files and the dev set."""
    csv.field_size_limit(10**8)
    texts = []
    for f in sorted(glob.glob(str(SHARED / "cfpb" / "*.csv"))):
        with open(f, newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                t = row.get("Consumer complaint narrative") or ""
                if t and t != "None":
                    texts.append(t)
    with open(SHARED / "narratives" / "labelled_dev.csv", newline="", encoding="utf-8") as fh:
        texts += [r["text"] for r in csv.DictReader(fh)]
    return texts


def _chunk(texts: list[str], model_file: str | None = None) -> int:
    n = len(classify_many(texts))
    if model_file:
        from analysis.classify.model import load
        model = load(Path(model_file))
        for i in range(0, len(texts), 5_000):
            model.suggestions(texts[i:i + 5_000])
    return n


def _p(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--model", help="model file (default: the installed one)")
    args = ap.parse_args()
    from analysis.classify.model import model_path
    model_file = Path(args.model) if args.model else model_path()
    model_file = str(model_file) if model_file.exists() else None
    base = load_texts()
    texts = (base * (args.n // len(base) + 1))[:args.n]
    chars = sum(map(len, texts))
    print(f"{len(texts):,} narratives ({len(base):,} distinct, {chars / len(texts):.0f} chars on average)")
    classify_many(base[:50])  # load and compile the pattern files
    t0, c0 = time.perf_counter(), time.process_time()
    classify_many(texts[:20_000])
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print(f"1 process: {20_000 / dt:,.0f} narratives/s wall, {20_000 / dc:,.0f} per CPU-second "
          f"(20,000 in {dt:.1f} s wall, {dc:.1f} s CPU; 100,000 on 2 free cores ≈ "
          f"{100_000 / (2 * 20_000 / dc):.0f} s)")
    if model_file:
        import resource

        from analysis.classify.model import load
        t0 = time.perf_counter()
        model = load(Path(model_file))
        print(f"model {model.version}: loaded in {time.perf_counter() - t0:.2f} s")
        runs = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for i in range(0, 20_000, 5_000):
                model.suggestions(texts[i:i + 5_000])
            runs.append(time.perf_counter() - t0)
        rates = [20_000 / r for r in runs]
        print(f"model alone, 1 process, 20,000 texts x {args.repeats}: cold {rates[0]:,.0f}/s, "
              f"p50 {_p(rates, 0.5):,.0f}/s, p95 (slowest) {min(rates):,.0f}/s; "
              f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    if args.workers > 1:
        size = (len(texts) + args.workers * 4 - 1) // (args.workers * 4)
        chunks = [texts[i:i + size] for i in range(0, len(texts), size)]
        for label, mf in (("rules", None), ("rules + model", model_file)):
            if label != "rules" and not mf:
                continue
            rates = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                with ProcessPoolExecutor(args.workers) as ex:
                    n = sum(ex.map(_chunk, chunks, [mf] * len(chunks)))
                rates.append(n / (time.perf_counter() - t0))
            print(f"{args.workers} processes, {label}, {n:,} narratives x {args.repeats}: "
                  f"first {rates[0]:,.0f}/s, p50 {_p(rates, 0.5):,.0f}/s, "
                  f"p95 (slowest) {min(rates):,.0f}/s")


if __name__ == "__main__":
    main()
