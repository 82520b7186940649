"""Evaluate the classifier on a labelled CSV (format of ../shared/data/narratives/labelled_dev.csv).

    python -m analysis.classify.evaluate [--input ../shared/data/narratives/labelled_dev.csv]

Columns read: id, lang, text, method, behaviours, time_local, time_flags. Label conventions:
``X?`` optional (neither required nor wrong); ``NONE`` no conduct (``NONE?``: any prediction is
optional); ``—`` no time; ``07:00/19:00`` an ambiguous time; ``08:00–20:00`` a range;
``daypart:afternoon`` a daypart. Prints precision / recall / F1 per label and micro-averaged for
conducts and methods (and recipients when a ``recipients`` column exists), then times: share of
labelled exact times found, exact times predicted that are not labelled, and the count of
ambiguous times reported as exact (must be 0). Exit code 0 always for a readable file; 2 when
the file or a column is missing.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

from analysis.classify import classify_narrative

DEFAULT_INPUT = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "narratives" / "labelled_dev.csv"
_SPLIT = re.compile(r"[;,]")


def parse_labels(cell: str) -> tuple[set[str], set[str], bool]:
    """``(required, optional, anything_optional)`` from a label cell such as
    ``"TIME_INCONVENIENT, FREQ_EXCESSIVE_CALLS?"`` or ``"NONE (location inquiry)"``."""
    req, opt = set(), set()
    cell = (cell or "").strip()
    if not cell or cell in ("—", "-"):
        return req, opt, False
    for part in _SPLIT.split(cell):
        tok = part.strip().split(" ")[0]
        if not tok:
            continue
        if tok == "NONE?":
            return set(), set(), True
        if tok == "NONE":
            continue
        if tok.endswith("?"):
            opt.add(tok[:-1])
        else:
            req.add(tok)
    return req, opt, False


def consensus_labels(a: str, b: str) -> str:
    """The consensus of two labellers' cells for one text (the blind sets labelled twice, e.g.
    ``tests/data/cfpb_products_blind_i1.csv`` from ``tests/data/agreement/*_A.csv`` and
    ``*_B.csv``): a label both required is required; any other label either gave is optional
    ("X?"); "NONE?" when either cell is "NONE?". Returns codes joined by ";", required first,
    each group sorted; "" when neither gave a label."""
    ra, oa, xa = parse_labels(a)
    rb, ob, xb = parse_labels(b)
    if xa or xb:
        return "NONE?"
    req = ra & rb
    opt = (ra | rb | oa | ob) - req
    return ";".join(sorted(req) + [f"{o}?" for o in sorted(opt)])


def parse_times(cell: str) -> tuple[set[str], set[tuple[str, ...]], set[str]]:
    """``(exact, ambiguous candidate tuples, dayparts)`` of a time_local cell; several times are
    separated by "–" (a range), ";" or ","."""
    exact, amb, dps = set(), set(), set()
    cell = (cell or "").strip()
    if not cell or cell in ("—", "-"):
        return exact, amb, dps
    for part in re.split(r"\s*[–—;,]\s*|\s+-\s+", cell):
        part = part.strip()
        if not part:
            continue
        if part.startswith("daypart:"):
            dps.add(part.split(":", 1)[1])
        elif "/" in part:
            amb.add(tuple(part.split("/")))
        else:
            exact.add(part)
    return exact, amb, dps


class PRF:
    """Counts of true positives, false positives and false negatives per label."""

    def __init__(self):
        self.tp, self.fp, self.fn = Counter(), Counter(), Counter()

    def add(self, pred: set[str], req: set[str], opt: set[str], any_opt: bool = False):
        for c in pred & req:
            self.tp[c] += 1
        if not any_opt:
            for c in pred - req - opt:
                self.fp[c] += 1
        for c in req - pred:
            self.fn[c] += 1

    @staticmethod
    def _f(tp, fp, fn):
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def micro(self):
        return self._f(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))

    def report(self, title: str) -> list[str]:
        lines = [f"\n{title}", f"  {'label':<28}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}"]
        for c in sorted(set(self.tp) | set(self.fp) | set(self.fn)):
            p, r, f = self._f(self.tp[c], self.fp[c], self.fn[c])
            lines.append(f"  {c:<28}{p:7.3f}{r:7.3f}{f:7.3f}{self.tp[c]:5d}{self.fp[c]:5d}{self.fn[c]:5d}")
        p, r, f = self.micro()
        lines.append(f"  {'micro-average':<28}{p:7.3f}{r:7.3f}{f:7.3f}{sum(self.tp.values()):5d}"
                     f"{sum(self.fp.values()):5d}{sum(self.fn.values()):5d}")
        return lines


def evaluate(path: Path) -> dict:
    """Evaluate on ``path``; returns the figures and the report lines (``report``)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = {"id", "text", "method", "behaviours"} - set(reader.fieldnames or [])
        if missing:
            raise KeyError(f"columns missing from {path}: {sorted(missing)}")
        rows = list(reader)
    conducts, methods, recipients = PRF(), PRF(), PRF()
    has_rec = "recipients" in (rows[0] if rows else {})
    t_expected = t_right = t_extra = amb_as_exact = dp_expected = dp_right = 0
    errors = []
    for row in rows:
        res = classify_narrative(row["text"], (row.get("lang") or None))
        req, opt, any_opt = parse_labels(row["behaviours"])
        conducts.add(set(res.conducts), req, opt, any_opt)
        mreq, mopt, many = parse_labels(row["method"])
        methods.add(set(res.methods), mreq, mopt, many)
        if has_rec:
            rreq, ropt, rany = parse_labels(row["recipients"])
            recipients.add(set(res.recipients), rreq, ropt, rany)
        exact, amb, dps = parse_times(row.get("time_local", ""))
        contact = [t for t in res.times if t.is_contact]
        pred_exact = {t.time_local for t in contact if t.precision == "exact"}
        t_expected += len(exact)
        t_right += len(exact & pred_exact)
        extra = pred_exact - exact
        amb_vals = {c for tup in amb for c in tup}
        amb_as_exact += len(extra & amb_vals)
        amb_as_exact += sum(1 for t in res.times if t.precision == "exact" and "ampm_ambiguous" in t.flags)
        t_extra += len(extra - amb_vals)
        pred_dp = {t.daypart_code for t in contact if t.precision == "daypart"}
        dp_expected += len(dps)
        dp_right += len(dps & pred_dp)
        if (set(res.conducts) - req - opt and not any_opt) or req - set(res.conducts) \
                or exact != pred_exact or (mreq - set(res.methods)) or (set(res.methods) - mreq - mopt and not many):
            errors.append(f"  {row['id']}: conducts {sorted(res.conducts)} vs {sorted(req)}"
                          f"{' opt ' + str(sorted(opt)) if opt else ''}; methods {list(res.methods)}"
                          f" vs {sorted(mreq)}; times {sorted(pred_exact)} vs {sorted(exact)}")
    lines = [f"Evaluated {len(rows)} narratives from {path}"]
    lines += conducts.report("Conducts")
    lines += methods.report("Methods")
    if has_rec:
        lines += recipients.report("Recipients")
    else:
        lines.append("\nRecipients: not labelled in this file")
    share = t_right / t_expected if t_expected else 1.0
    lines += ["\nTimes",
              f"  exact times right: {t_right}/{t_expected} = {share:.3f}",
              f"  exact times predicted but not labelled: {t_extra}",
              f"  ambiguous times reported as exact: {amb_as_exact}",
              f"  dayparts right: {dp_right}/{dp_expected}"]
    cf, mf = conducts.micro()[2], methods.micro()[2]
    targets = [("conduct micro-F1 >= 0.90", cf >= 0.90), ("method micro-F1 >= 0.90", mf >= 0.90),
               ("exact times right >= 0.95", share >= 0.95),
               ("no ambiguous time reported as exact", amb_as_exact == 0)]
    lines.append("\nTargets")
    lines += [f"  [{'met' if ok else 'NOT MET'}] {name}" for name, ok in targets]
    if errors:
        lines.append("\nRows that differ from the labels")
        lines += errors
    return {"conduct_f1": cf, "method_f1": mf, "times_share": share,
            "ambiguous_as_exact": amb_as_exact, "targets_met": all(ok for _, ok in targets),
            "report": lines}


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; prints the report."""
    ap = argparse.ArgumentParser(prog="python -m analysis.classify.evaluate")
    ap.add_argument("--input", default=str(DEFAULT_INPUT))
    args = ap.parse_args(argv)
    path = Path(args.input)
    if not path.exists():
        print(f"error: {path} not found", file=sys.stderr)
        return 2
    try:
        out = evaluate(path)
    except KeyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(out["report"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
