"""Command line: classify the narratives of a CSV.

    python -m analysis.classify --input IN.csv --output OUT.csv [--id-column id]
        [--text-column text] [--lang-column lang] [--jurisdiction CN|US|UK]

OUT.csv: one row per input row with columns id, methods, recipients, conducts, debt_issues,
time_local, time_precision, time_flags, rule_ids, evidence. Multiple values are joined with
``;``. time_local lists the contact times ('HH:MM', '07:00/19:00' when a.m./p.m. is ambiguous,
'daypart:night' for a daypart); time_precision the matching precisions; rule_ids
``RULE-ID:verdict``; evidence ``code@start-end:pattern_id`` (labelled spans only).
Exit codes: 0 ok; 2 bad arguments, unreadable input or a missing column (named in the message).
"""
from __future__ import annotations

import argparse
import csv
import sys

from analysis.classify import classify_many
from analysis.classify.engine import NarrativeResult

OUT_COLUMNS = ["id", "methods", "recipients", "conducts", "debt_issues", "time_local",
               "time_precision", "time_flags", "rule_ids", "evidence"]


def format_row(row_id: str, r: NarrativeResult) -> dict[str, str]:
    """One output row for a result (see the module docstring for the formats)."""
    contact = [t for t in r.times if t.is_contact]
    tl = []
    for t in contact:
        if t.precision == "exact":
            tl.append(t.time_local)
        elif t.candidates:
            tl.append("/".join(t.candidates))
        else:
            tl.append(f"daypart:{t.daypart_code or 'unknown'}")
    flags = sorted({f for t in r.times for f in t.flags})
    return {
        "id": row_id,
        "methods": ";".join(r.methods),
        "recipients": ";".join(r.recipients),
        "conducts": ";".join(r.conducts),
        "debt_issues": ";".join(r.debt_issues),
        "time_local": ";".join(tl),
        "time_precision": ";".join(t.precision for t in contact),
        "time_flags": ";".join(flags),
        "rule_ids": ";".join(f"{v.rule_id}:{v.verdict}" for v in r.rule_verdicts),
        "evidence": ";".join(f"{e.code}@{e.start}-{e.end}:{e.pattern_id}"
                             for e in r.evidence if not e.flags),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    ap = argparse.ArgumentParser(prog="python -m analysis.classify",
                                 description="Classify complaint narratives (issue 3).")
    ap.add_argument("--input", required=True, help="input CSV (UTF-8, BOM allowed)")
    ap.add_argument("--output", required=True, help="output CSV")
    ap.add_argument("--id-column", default="id")
    ap.add_argument("--text-column", default="text")
    ap.add_argument("--lang-column", default=None,
                    help="column with 'en'/'zh'; without it the language is detected")
    ap.add_argument("--jurisdiction", choices=["CN", "US", "UK"], default=None,
                    help="default: CN for Chinese text, US for English")
    args = ap.parse_args(argv)
    try:
        with open(args.input, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        print(f"error: cannot read {args.input}: {exc}", file=sys.stderr)
        return 2
    for col in [args.id_column, args.text_column] + ([args.lang_column] if args.lang_column else []):
        if col not in header:
            print(f"error: column {col!r} not found in {args.input}; columns found: "
                  f"{', '.join(header) or '(none)'}. Name the right one with --id-column / "
                  f"--text-column / --lang-column.", file=sys.stderr)
            return 2
    texts = [r[args.text_column] or "" for r in rows]
    langs = None
    if args.lang_column:
        langs = []
        for i, r in enumerate(rows, start=2):
            v = (r[args.lang_column] or "").strip().lower() or None
            if v not in (None, "en", "zh"):
                print(f"error: line {i}: unknown language {v!r} in column "
                      f"{args.lang_column!r}; expected en, zh or empty", file=sys.stderr)
                return 2
            langs.append(v)
    results = classify_many(texts, langs, [args.jurisdiction] * len(texts))
    with open(args.output, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=OUT_COLUMNS)
        w.writeheader()
        for r, res in zip(rows, results):
            w.writerow(format_row(r[args.id_column], res))
    print(f"classified {len(rows)} narratives → {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
