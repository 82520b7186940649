"""Blind narrative sets: how the classifier does on narratives its rules were not written for.

Protocol (docs/labelling_guide.md for the labels). Helpers that never saw the rules or earlier
sets wrote labelled narratives in the format of labelled_dev.csv plus ``recipients``:

* set A (blind_en_a, blind_zh_a; 40 + 40) and set B (blind_*_b; 40 + 40), one writer;
* set C (blind_*_c1, blind_*_c2; 4 x 40), a second writer;
* set D (blind_*_d; 50 + 50), a third writer; set E (blind_*_e; 50 + 50), a fourth writer,
  written after tuning on D and measured once (held out).

Each set was committed before the classifier was run on it and measured blind first; later
rounds tuned the patterns on A, then B, then C1, then C2, then D (never on E). First blind
measurements, conduct micro P / R / F1 (the README has the full table):

* en A 0.82 / 0.44 / 0.57, en B 0.90 / 0.35 / 0.51 (after tuning on A: 0.91 / 0.42 / 0.57),
  en C2 after tuning on A, B and C1: 0.94 / 0.35 / 0.52;
* zh A 0.79 / 0.77 / 0.78, zh B 0.71 / 0.56 / 0.62 (after A: 0.74 / 0.58 / 0.65),
  zh C2 after A, B, C1: 0.81 / 0.73 / 0.77;
* set D after tuning on A, B, C1, C2: en 0.82 / 0.56 / 0.67 (methods F1 0.86, exact times
  7/11), zh 0.86 / 0.83 / 0.84 (methods F1 0.87, exact times 8/9);
* set E (a fourth writer, 50 + 50) after tuning on A, B, C1, C2 and D: en 1.00 / 0.54 / 0.70
  (methods F1 0.89, exact times 14/14), zh 0.94 / 0.85 / 0.89 (methods F1 0.89, exact times
  8/8). No ambiguous time was ever reported as exact.
* Chinese set I / J (eighth and ninth writers, 100 split 50 + 50): I held out, first measured
  0.82 / 0.73 / 0.77, and the same after a round tuned on J (docs/narratives_blind.md); a later
  round tuned on I (cross-sentence stop requests) moved set L (a tenth writer, 50, held out) from
  0.87 / 0.73 / 0.80 to 0.88 / 0.77 / 0.82.
* set F (a fifth writer, 30 + 50) and set G (a sixth, 30 + 50; docs/narratives_blind.md): G
  first measured en 0.91 / 0.68 / 0.78, zh 0.87 / 0.78 / 0.82, and one ambiguous time in zh
  reported as exact (从早上到十一点半: the range's starting daypart was read onto its end),
  since fixed.

Label conventions differ in one place: the writers of A–D often label THIRD_PARTY_DISCLOSURE beside
CONTACT_LIST_BLAST, labelled_dev.csv does not (P-ZH-07, S-ZH-03), and the classifier follows
labelled_dev.csv, so those rows count as misses here (the guide now says so; set E follows it).

The floors below pin the figures reached now, so a change that makes any set worse is noticed;
only first measurements estimate unseen narratives.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.classify.evaluate import consensus_labels, evaluate, parse_labels
from analysis.codes import codes
from tests.conftest import SHARED, require_shared

DATA = Path(__file__).resolve().parent / "data"

# (file, conduct micro-F1 floor, method micro-F1 floor, exact-times share floor)
FLOORS = [
    ("blind_en_a.csv", 0.98, 0.98, 1.0),
    ("blind_en_b.csv", 0.92, 0.92, 0.88),
    ("blind_en_c1.csv", 0.97, 0.98, 1.0),
    ("blind_en_c2.csv", 0.87, 0.95, 0.72),
    ("blind_en_d.csv", 0.91, 0.90, 0.81),     # first measured held out (0.67 / 0.86), then tuned on
    ("blind_zh_a.csv", 0.99, 0.97, 1.0),
    ("blind_zh_b.csv", 0.97, 0.98, 1.0),
    ("blind_zh_c1.csv", 0.97, 0.99, 1.0),
    ("blind_zh_c2.csv", 0.98, 0.99, 1.0),
    ("blind_zh_d.csv", 0.99, 0.97, 1.0),      # first measured held out (0.84 / 0.87), then tuned on
    ("blind_en_e.csv", 0.70, 0.88, 1.0),      # held out: measured once, never tuned on
    ("blind_zh_e.csv", 0.88, 0.89, 1.0),      # held out: measured once, never tuned on
    ("blind_en_f.csv", 0.84, 0.94, 0.92),     # fifth writer: measured six times, never tuned on
    ("blind_zh_f.csv", 0.79, 0.95, 0.75),
    ("blind_en_g.csv", 0.78, 0.93, 0.77),     # sixth writer (2026-12-06): held out, measured once
    ("blind_zh_g.csv", 0.82, 0.90, 0.85),     # (an ambiguous 十一点半 read as exact was fixed after)
    ("blind_en_h.csv", 0.66, 0.88, 0.75),     # seventh writer (2026-12-06): held out, measured three
    ("blind_zh_h.csv", 0.84, 0.88, 0.94),     # times (docs/narratives_blind.md), never tuned on
    ("blind_zh_i.csv", 0.79, 0.93, 0.95),     # eighth and ninth writers (2026-12-06): i held out,
    ("blind_zh_j.csv", 0.88, 0.87, 1.0),      # measured twice, then tuned on (2026-12-07); j: trained on
    ("blind_zh_l.csv", 0.82, 0.90, 0.80),     # tenth writer (2026-12-07): held out, measured before and
                                              # after the round on i (rules 0.80 -> 0.82); one time fixed after
]


@pytest.mark.parametrize("name,conduct_f1,method_f1,times", FLOORS, ids=[f[0] for f in FLOORS])
def test_classify_blind__floors(name, conduct_f1, method_f1, times):
    r = evaluate(DATA / name)
    assert r["conduct_f1"] >= conduct_f1 and r["method_f1"] >= method_f1
    assert r["times_share"] >= times and r["ambiguous_as_exact"] == 0


@pytest.mark.parametrize("path", sorted(DATA.glob("blind_*.csv")), ids=lambda p: p.name)
def test_classify_blind__labels_use_the_code_lists(path):
    """Every label in a blind set is a DOMAIN.md code (so a typo cannot pass as a miss)."""
    known = {"method": set(codes("method")),
             "behaviours": set(codes("conduct")),
             "recipients": set(codes("recipient"))}
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    assert len(rows) >= 30 and len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        for col, ok in known.items():
            req, opt, _ = parse_labels(r[col])
            assert req | opt <= ok, (r["id"], col, (req | opt) - ok)


CFPB_ID_SETS = sorted(DATA.glob("cfpb_*.csv")) + sorted((DATA / "agreement").glob("cfpb_*.csv"))


@pytest.mark.parametrize("path", CFPB_ID_SETS, ids=lambda p: p.name)
def test_cfpb_id_sets_labels_use_the_code_lists(path):
    """Every set of real CFPB narratives (ids of a shared file, labels only): 40 or more
    distinct ids, a known source file, every label a DOMAIN.md code (a typo cannot pass as a
    miss)."""
    known = {"methods": set(codes("method")), "conducts": set(codes("conduct")), "recipients": set(codes("recipient"))}
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    assert len(rows) >= 40 and len({(r["source_file"], r["complaint_id"]) for r in rows}) == len(rows)
    assert {r["source_file"] for r in rows} <= {"narratives_pool_2013_2015.csv", "payday_loan_2023_sample.csv",
                                                "complaints_2019_2020_mixed_products.csv"}
    if path.name.startswith("cfpb_pool_"):  # the last two pool training sets split the 209 left over
        assert len(rows) in (80, 100, 104, 105)
        assert {r["source_file"] for r in rows} == {"narratives_pool_2013_2015.csv"}
    if "cfpb_products_" in path.name:  # set I: 50 + 50 held out (each labelled twice), 189 for training
        assert len(rows) in (47, 48, 50)
    for r in rows:
        for col, ok in known.items():
            req, opt, _ = parse_labels(r[col])
            assert req | opt <= ok, (r["complaint_id"], col, (req | opt) - ok)


@pytest.mark.parametrize("name", ["cfpb_products_blind_i1", "cfpb_products_blind_i2",
                                  "cfpb_payday_blind_j1", "cfpb_payday_blind_j2"])
def test_cfpb_blind_set_is_the_consensus_of_its_two_labellers(name):
    """Sets I and J were labelled twice; the held-out file is the consensus of the two files in
    tests/data/agreement/ (consensus_labels), row for row."""
    def rows(p):
        return list(csv.DictReader(open(p, encoding="utf-8")))
    gold = rows(DATA / f"{name}.csv")
    a = rows(DATA / "agreement" / f"{name}_A.csv")
    b = rows(DATA / "agreement" / f"{name}_B.csv")
    assert len(gold) == len(a) == len(b) == 50
    for g, x, y in zip(gold, a, b):
        assert g["complaint_id"] == x["complaint_id"] == y["complaint_id"]
        for col in ("methods", "conducts", "recipients"):
            assert g[col] == consensus_labels(x[col], y[col]), (g["complaint_id"], col)


def test_consensus_labels():
    assert consensus_labels("A;B?", "A;C") == "A;B?;C?"
    assert consensus_labels("", "") == ""
    assert consensus_labels("A", "NONE?") == "NONE?"
    assert consensus_labels("B;A", "A;B") == "A;B"


#: The sets of real CFPB narratives from public export samples, with their sizes.
PUBLIC_SETS = {"public_cfpb_blind_k1": 56, "public_cfpb_blind_k2": 56, "public_cfpb_blind_m1": 74,
               "public_cfpb_blind_m2": 73, "public_cfpb_blind_n1": 148, "public_cfpb_blind_n2": 148,
               "public_cfpb_blind_o1": 150, "public_cfpb_blind_o2": 150,
               "public_cfpb_blind_p1": 148, "public_cfpb_blind_p2": 147,
               "public_cfpb_blind_q1": 72, "public_cfpb_blind_q2": 71}


@pytest.mark.parametrize("name", PUBLIC_SETS)
def test_public_cfpb_sets_are_their_labellers_consensus_in_the_code_lists(name):
    """Sets K, M, N, O, P and Q (training.toml; docs/narratives_blind.md): real CFPB "Debt collection"
    narratives of public export samples, text in the file; distinct complaints (within the set
    and across the sets), every label a DOMAIN.md code, each half the consensus of its two
    labellers (tests/data/agreement/)."""
    known = {"methods": set(codes("method")), "conducts": set(codes("conduct")), "recipients": set(codes("recipient"))}

    def rows(p):
        return list(csv.DictReader(open(p, encoding="utf-8")))
    gold = rows(DATA / f"{name}.csv")
    a, b = (rows(DATA / "agreement" / f"{name}_{who}.csv") for who in "AB")
    assert len(gold) == len(a) == len(b) == PUBLIC_SETS[name]
    assert len({g["complaint_id"] for g in gold}) == len(gold) and all(g["text"].strip() for g in gold)
    others = {r["complaint_id"] for n in PUBLIC_SETS if n != name for r in rows(DATA / f"{n}.csv")}
    assert not others & {g["complaint_id"] for g in gold}
    for g, x, y in zip(gold, a, b):
        assert g["complaint_id"] == x["complaint_id"] == y["complaint_id"]
        for col, ok in known.items():
            assert g[col] == consensus_labels(x[col], y[col]), (g["complaint_id"], col)
            for r in (x, y):
                req, opt, _ = parse_labels(r[col])
                assert req | opt <= ok, (r["complaint_id"], col, (req | opt) - ok)


@require_shared("data/cfpb/narratives_pool_2013_2015.csv", "data/cfpb/complaints_2019_2020_mixed_products.csv",
                "data/cfpb/payday_loan_2023_sample.csv")
def test_public_cfpb_sets_are_in_no_shared_file():
    """Sets K, M, N, O, P and Q: their complaints are in none of the shared CFPB files (by complaint id, and
    by text for the pool, whose ids are not CFPB's): no labelled or training set can hold them."""
    ids, texts = set(), set()
    for name in ("complaints_2019_2020_mixed_products.csv", "payday_loan_2023_sample.csv",
                 "narratives_pool_2013_2015.csv"):
        for r in csv.DictReader(open(SHARED / "data" / "cfpb" / name, encoding="utf-8")):
            ids.add(r.get("Complaint ID"))
            texts.add((r.get("Consumer complaint narrative") or "").strip())
    gold = [r for n in PUBLIC_SETS for r in csv.DictReader(open(DATA / f"{n}.csv", encoding="utf-8"))]
    assert len(gold) == sum(PUBLIC_SETS.values()) == 1293
    assert not {r["complaint_id"] for r in gold} & ids
    assert not {r["text"].strip() for r in gold} & texts
