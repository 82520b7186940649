"""RULEBOOK rules as data, for the method section and footnotes of exports.

``rulebook.csv`` (beside this file) holds one row per rule of ``../shared/RULEBOOK.md``:
``rule_id``, ``rule_en`` (the rule in the rulebook's words, markup removed), ``source``
(the published instrument it rests on), ``kind`` (LAW / REG / SRO / PRES / GUIDE) and
``ver`` (verification status V / S / R). Regenerate after the rulebook changes with
``python -m analysis.export.rulebook PATH/TO/RULEBOOK.md``.
"""
from __future__ import annotations

import csv
import re
import sys
from functools import lru_cache
from pathlib import Path

CSV_PATH = Path(__file__).with_name("rulebook.csv")
FIELDS = ("rule_id", "rule_en", "source", "kind", "ver")
_ROW = re.compile(r"^\|\s*((?:CN|US|UK)-[A-Z0-9]+-\d\d)\s*\|(.*)\|\s*$")


def _clean(text: str) -> str:
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return " ".join(text.split())


def parse_rulebook(markdown: str) -> list[dict[str, str]]:
    """Rule rows of the rulebook's rule tables (columns: id | rule | condition | source | kind | ver)."""
    rows = []
    for line in markdown.splitlines():
        m = _ROW.match(line)
        if not m:
            continue
        cells = [c.strip() for c in m.group(2).split("|")]
        if len(cells) < 5:
            continue
        rows.append({"rule_id": m.group(1), "rule_en": _clean(cells[0]), "source": _clean(cells[2]),
                     "kind": _clean(cells[3]), "ver": _clean(cells[4])})
    return rows


@lru_cache(maxsize=1)
def load_rules() -> dict[str, dict[str, str]]:
    """``{rule_id: row}`` from ``rulebook.csv``."""
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        return {r["rule_id"]: r for r in csv.DictReader(fh)}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m analysis.export.rulebook PATH/TO/RULEBOOK.md", file=sys.stderr)
        return 2
    rows = parse_rulebook(Path(argv[0]).read_text(encoding="utf-8"))
    with CSV_PATH.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} rules written to {CSV_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
