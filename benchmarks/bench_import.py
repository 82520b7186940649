"""Benchmark: import an association intake log of 1,000,000 rows (one row per incident).

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--repeats 1] [--next-week]

Generates ``benchmarks/out/intake_<rows>.csv`` (git-ignored; deterministic, seed 7) with
four incidents per complaint, a clock time or part of day, methods, recipients, conduct and
demand lists, collectors' numbers from a pool and a short content text on every fourth row,
then imports it with ``run_import(..., "intake", ...)`` into a new database and prints the
time. Target: under 60 s.

``--next-week``: then imports the next week's running log into the same database (every row
again with 处理中 moved on to 已完成, plus 5 % new complaints): rows already present are listed
by the new import (``also_import_ids``) and their status is noted, not applied. ``--repeats``:
runs of both, each into a new database; prints p50 / p95 of each and the peak RSS.
"""
from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.ingest import run_import  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
HEADER = ["投诉编号", "受理日期", "省份", "被投诉方", "催收方", "催收日期", "催收时刻", "催收方式", "催收对象",
          "不当行为", "催收号码", "诉求", "处理状态", "内容"]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    provinces = ["广东", "浙江", "江苏", "四川", "湖南", "山东", "河南", "北京", "上海"]
    creditors = ["速借花", "某花", "信*飞", "借*呗", "某贷", "快易借"]
    collectors = ["某催收公司", "某资产管理", "", "某律所"]
    methods = ["电话", "短信", "微信", "上门", "语音留言", "电话"]
    recipients = ["本人", "本人", "紧急联系人", "通讯录联系人", "家人", "同事"]
    conducts = ["", "辱骂", "爆通讯录", "非合理时间", "辱骂、威胁家人", "冒充公检法"]
    demands = ["停止骚扰", "停止骚扰，道歉赔偿", "协商还款、停止催收", "退还息费;处罚"]
    statuses = ["处理中", "已回复", "已完成", "已撤销"]
    texts = ["对方说再不还就上门", "晚上11点还在打电话", "说要告诉我单位领导", "骂我是老赖", "冒充法院说要抓我"]
    numbers = [f"1{rng.randint(30, 99)}{rng.randint(0, 99999999):08d}" for _ in range(5000)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            c = i // 4
            rc = random.Random(c)
            day = 1 + rc.randint(0, 27)
            month = 1 + rc.randint(0, 11)
            when = (f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}" if rng.random() < 0.8
                    else rng.choice(["凌晨", "上午", "下午", "晚上", "深夜"]))
            w.writerow([f"IN{c:07d}", f"2024-{month:02d}-{day:02d}", rc.choice(provinces), rc.choice(creditors),
                        rc.choice(collectors), f"2024-{month:02d}-{max(1, day - rng.randint(0, 3)):02d}", when,
                        rng.choice(methods), rng.choice(recipients), rng.choice(conducts), rng.choice(numbers),
                        rc.choice(demands), rc.choice(statuses),
                        f"{rng.choice(texts)}（第{i % 4 + 1}次）" if i % 4 == 0 else ""])


def next_week(src: Path, dst: Path, seed: int = 3) -> None:
    """The next week's running log of ``src``: every row again, 处理中 moved on to 已完成, and
    5 % of the rows again as new complaints (ids ``NEW…``)."""
    lines = src.read_text(encoding="utf-8").splitlines()
    extra = ["NEW" + line[2:] for line in random.Random(seed).sample(lines[1:], (len(lines) - 1) // 20)]
    dst.write_text("\n".join([lines[0]] + [line.replace("处理中", "已完成") for line in lines[1:]] + extra) + "\n",
                   encoding="utf-8")


def _p50_p95(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"p50 {statistics.median(xs):.2f} s, p95 {xs[min(len(xs) - 1, round(0.95 * len(xs) + 0.5) - 1)]:.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--next-week", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    src = OUT / f"intake_{args.rows}.csv"
    if not src.exists():
        t = time.perf_counter()
        generate(src, args.rows)
        print(f"generated {src} in {time.perf_counter() - t:.1f} s")
    week2 = OUT / f"intake_{args.rows}_next_week.csv"
    if args.next_week and not week2.exists():
        next_week(src, week2)
    path = OUT / "bench_import.duckdb"
    first, second = [], []
    for _ in range(args.repeats):
        for p in OUT.glob("bench_import.duckdb*"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        t = time.perf_counter()
        [rep] = run_import([src], "intake", path)
        first.append(time.perf_counter() - t)
        print(rep.summary())
        for n in rep.notes:
            print("  note:", n)
        print(f"imported {rep.row_count:,} intake rows in {first[-1]:.1f} s (target < 60 s)")
        if args.next_week:
            t = time.perf_counter()
            [rep] = run_import([week2], "intake", path)
            second.append(time.perf_counter() - t)
            print(f"next week: {rep.summary()} in {second[-1]:.1f} s")
    print(f"first import: {_p50_p95(first)} (n={len(first)}, the first cold)")
    if second:
        print(f"next week's log: {_p50_p95(second)}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
