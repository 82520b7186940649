"""The synthetic CFPB generator for import benchmarks (benchmarks/gen_cfpb.py): deterministic,
shaped like CFPB's whole-database export, and importable without a single rejected row."""
from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from datetime import date

import pytest

from benchmarks.gen_cfpb import HEADER, SYNTHETIC_MARK, write_cfpb_csv

ROWS = 2_000
CFPB_HEADER = ("Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint narrative,"
               "Company public response,Company,State,ZIP code,Tags,Consumer consent provided?,Submitted via,"
               "Date sent to company,Company response to consumer,Timely response?,Consumer disputed?,Complaint ID")


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen_cfpb") / "cfpb_synthetic.csv"
    counts = write_cfpb_csv(path, ROWS, seed=3, chunk_rows=700)  # several chunks, one partial
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))
    return path, counts, records


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path, generated):
    path, _, _ = generated
    again = tmp_path / "again.csv"
    write_cfpb_csv(again, ROWS, seed=3, chunk_rows=700)
    assert _sha256(again) == _sha256(path)
    other = tmp_path / "other.csv"
    write_cfpb_csv(other, ROWS, seed=4, chunk_rows=700)
    assert _sha256(other) != _sha256(path)


def test_header_line_ends_and_counts(generated):
    path, counts, records = generated
    data = path.read_bytes()
    assert data.startswith((CFPB_HEADER + "\r\n").encode())
    assert records[0] == HEADER
    assert data.endswith(b"\r\n") and b"\r\n\r\n" in data  # CRLF records; CRLF breaks inside narratives
    assert counts["rows"] == ROWS == len(records) - 1
    assert counts["bytes"] == len(data)
    assert all(len(r) == 18 for r in records[1:])


def test_values_look_like_cfpb(generated):
    _, counts, records = generated
    rows = [dict(zip(HEADER, r)) for r in records[1:]]
    ids = [int(r["Complaint ID"]) for r in rows]
    assert ids == sorted(set(ids)) and ids[0] == counts["first_id"] == 1 and ids[-1] == counts["last_id"]
    received = [date.fromisoformat(r["Date received"]) for r in rows]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["Date received"]) for r in rows)
    assert date(2011, 12, 1) <= min(received) and max(received) <= date(2026, 11, 30)
    per_year = Counter(d.year for d in received)
    assert per_year[2013] < per_year[2018] < per_year[2022] < per_year[2025]  # volume grows
    lags = [(date.fromisoformat(r["Date sent to company"]) - d).days for r, d in zip(rows, received)]
    assert min(lags) == 0 and max(lags) <= 30 and Counter(lags)[0] > 0.7 * ROWS
    # about 40% narratives, each clearly synthetic, only where consent was provided
    with_text = [r for r in rows if r["Consumer complaint narrative"]]
    assert 0.33 * ROWS <= counts["narratives"] == len(with_text) <= 0.47 * ROWS
    assert all(r["Consumer complaint narrative"].startswith(SYNTHETIC_MARK) for r in with_text)
    assert all((r["Consumer consent provided?"] == "Consent provided") == bool(r["Consumer complaint narrative"])
               for r in rows)
    texts = " ".join(r["Consumer complaint narrative"] for r in with_text)
    assert "XXXX" in texts and "XX/XX/XXXX" in texts and re.search(r"\{\$\d+\.\d\d\}", texts) and '"' in texts
    lengths = sorted(len(r["Consumer complaint narrative"]) for r in with_text)
    assert lengths[0] < 200 and lengths[-1] > 2500
    # skew: credit reporting dominant, debt collection 10-15% (wide bounds at this size)
    products = Counter(r["Product"] for r in rows)
    credit = sum(v for k, v in products.items() if k.startswith("Credit reporting"))
    assert credit > 0.5 * ROWS
    assert 0.07 * ROWS <= products["Debt collection"] == counts["debt_collection"] <= 0.18 * ROWS
    assert len(products) >= 10
    companies = Counter(r["Company"] for r in rows)
    assert all("synthetic" in c.lower() for c in companies)
    top3 = sum(v for _, v in companies.most_common(3))
    assert top3 > 0.4 * ROWS and len(companies) > 300  # a few huge companies and a long tail
    via = Counter(r["Submitted via"] for r in rows)
    assert via.most_common(1)[0][0] == "Web" and {"Referral", "Phone", "Postal mail"} <= set(via)
    assert set(r["Timely response?"] for r in rows) == {"Yes", "No"}
    # debt collection uses the mapped issue wording, current for new and legacy for old dates
    dc = [r for r in rows if r["Product"] == "Debt collection"]
    assert any(r["Sub-issue"] == "Debt is not yours" for r in dc)
    assert any(r["Issue"] == "Cont'd attempts collect debt not owed" for r in dc)


def test_imports_cleanly(tmp_path, generated):
    from analysis.ingest import run_import

    path, counts, _ = generated
    reports = run_import([path], "cfpb", tmp_path / "x.duckdb")
    assert reports[0].row_count == ROWS
    assert reports[0].accepted_count == ROWS
    assert reports[0].quarantined_count == 0


def test_start_id_and_bad_arguments(tmp_path):
    counts = write_cfpb_csv(tmp_path / "a.csv", 10, seed=1, start_id=5_000_000)
    assert counts["first_id"] == 5_000_000 and counts["last_id"] >= 5_000_009
    with open(tmp_path / "a.csv", newline="", encoding="utf-8") as fh:
        assert int(list(csv.reader(fh))[1][-1]) == 5_000_000
    assert write_cfpb_csv(tmp_path / "empty.csv", 0)["rows"] == 0
    with pytest.raises(ValueError):
        write_cfpb_csv(tmp_path / "b.csv", -1)
