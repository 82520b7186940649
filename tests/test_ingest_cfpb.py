"""CFPB importer: real shared files, hand-written awkward fixtures, re-imports, refusals.

Expected values for the real files in ``../shared/data/cfpb/`` are computed here, from the
raw CSV with the ``csv`` module and this test's own mapping tables, written from
../shared/DOMAIN.md ("CFPB debt-collection sub-issues → codes", the code lists) and
../shared/RULEBOOK.md §2.2. Nothing under ``analysis/`` is used to compute an expectation:
the importer is only driven (``run_import``, the CLI) and read back through the public views.

Every database is created under pytest's ``tmp_path`` with an explicit path.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from analysis import db
from analysis.ingest import ImportRefused, run_import
from tests.conftest import CFPB_COMPLAINTS, CFPB_MIXED, SHARED, require_shared, shared_params

REPO = Path(__file__).resolve().parent.parent
CFPB_DIR = SHARED / "data" / "cfpb"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cfpb"
MIXED = "complaints_2019_2020_mixed_products.csv"
PAYDAY = "payday_loan_2023_sample.csv"


def _is_complaint_export(path: Path) -> bool:  # not the narratives-only pool (no Complaint ID)
    with path.open(encoding="utf-8-sig") as fh:
        return "Complaint ID" in next(csv.reader(fh), [])


REAL_FILES = sorted(p.name for p in CFPB_DIR.glob("*.csv") if _is_complaint_export(p))

# --------------------------------------------------------------------------------------
# The test's own mapping tables (DOMAIN.md / RULEBOOK.md §2.2), independent of analysis/maps.
# --------------------------------------------------------------------------------------
NULL_TOKENS = {"", "None", "N/A"}

SUBMITTED_VIA = {"Web": "web", "Referral": "referral", "Phone": "phone",
                 "Postal mail": "postal_mail", "Fax": "fax", "Email": "email"}
COMPANY_RESPONSE = {
    "Closed with explanation": "explained",
    "Closed with non-monetary relief": "non_monetary_relief",
    "Closed with monetary relief": "monetary_relief",
    "In progress": "in_progress",
    "Untimely response": "no_response",
    "Closed": "closed",
    "Closed without relief": "closed",
}
TIMELY = {"Yes": True, "No": False}

C, D = "conduct", "debt_issue"
#: Debt-collection sub-issue (current and legacy wording) → labels.
DC_SUB_ISSUE = {
    "Debt is not yours": [(D, "DEBT_NOT_OWED")],
    "Debt is not mine": [(D, "DEBT_NOT_OWED")],
    "Debt was result of identity theft": [(D, "IDENTITY_THEFT")],
    "Debt resulted from identity theft": [(D, "IDENTITY_THEFT")],
    "Debt was paid": [(D, "DEBT_PAID")],
    "Debt was already discharged in bankruptcy and is no longer owed": [(D, "DEBT_DISCHARGED")],
    "Debt was discharged in bankruptcy": [(D, "DEBT_DISCHARGED")],
    "Didn't receive enough information to verify debt": [(D, "VALIDATION_NOT_PROVIDED")],
    "Not given enough info to verify debt": [(D, "VALIDATION_NOT_PROVIDED")],
    "Didn't receive notice of right to dispute": [(D, "VALIDATION_NOT_PROVIDED")],
    "Right to dispute notice not received": [(D, "VALIDATION_NOT_PROVIDED")],
    "Notification didn't disclose it was an attempt to collect a debt": [(C, "NO_IDENTIFICATION")],
    "Not disclosed as an attempt to collect": [(C, "NO_IDENTIFICATION")],
    "Attempted to collect wrong amount": [(D, "WRONG_AMOUNT")],
    "Impersonated attorney, law enforcement, or government official": [(C, "IMPERSONATION_OFFICIAL")],
    "Impersonated an attorney or official": [(C, "IMPERSONATION_OFFICIAL")],
    "Indicated you were committing crime by not paying debt": [(C, "THREAT_ARREST_OR_CRIME")],
    "Indicated committed crime not paying": [(C, "THREAT_ARREST_OR_CRIME")],
    "Threatened to arrest you or take you to jail if you do not pay": [(C, "THREAT_ARREST_OR_CRIME")],
    "Threatened arrest/jail if do not pay": [(C, "THREAT_ARREST_OR_CRIME")],
    "Told you not to respond to a lawsuit they filed against you": [(C, "MISLEADING_CONSEQUENCES")],
    "Indicated shouldn't respond to lawsuit": [(C, "MISLEADING_CONSEQUENCES")],
    "Threatened or suggested your credit would be damaged": [(C, "MISLEADING_CONSEQUENCES")],
    "Threatened to sue you for very old debt": [(C, "MISLEADING_CONSEQUENCES")],
    "Threatened to sue on too old debt": [(C, "MISLEADING_CONSEQUENCES")],
    "Threatened to turn you in to immigration or deport you": [(C, "MISLEADING_CONSEQUENCES")],
    "Sued you without properly notifying you of lawsuit": [(D, "LAWSUIT_PROCESS")],
    "Sued w/o proper notification of suit": [(D, "LAWSUIT_PROCESS")],
    "Sued you in a state where you do not live or did not sign for the debt": [(D, "LAWSUIT_PROCESS")],
    "Sued where didn't live/sign for debt": [(D, "LAWSUIT_PROCESS")],
    "Seized or attempted to seize your property": [(D, "LAWSUIT_PROCESS")],
    "Seized/Attempted to seize property": [(D, "LAWSUIT_PROCESS")],
    "Collected or attempted to collect exempt funds": [(D, "OTHER")],
    "Attempted to/Collected exempt funds": [(D, "OTHER")],
    "Frequent or repeated calls": [(C, "FREQ_EXCESSIVE_CALLS")],
    "Called before 8am or after 9pm": [(C, "TIME_INCONVENIENT")],
    "Called outside of 8am-9pm": [(C, "TIME_INCONVENIENT")],
    "Used obscene, profane, or other abusive language": [(C, "ABUSIVE_LANGUAGE")],
    "Used obscene/profane/abusive language": [(C, "ABUSIVE_LANGUAGE")],
    "You told them to stop contacting you, but they keep trying": [(C, "CEASE_IGNORED")],
    "Called after sent written cease of comm": [(C, "CEASE_IGNORED")],
    "Talked to a third-party about your debt": [(C, "THIRD_PARTY_DISCLOSURE")],
    "Talked to a third party about my debt": [(C, "THIRD_PARTY_DISCLOSURE")],
    "Contacted your employer": [(C, "EMPLOYER_CONTACT")],
    "Contacted employer after asked not to": [(C, "EMPLOYER_CONTACT"), (C, "CEASE_IGNORED")],
    "Contacted you after you asked them to stop": [(C, "CEASE_IGNORED")],
    "Contacted me after I asked not to": [(C, "CEASE_IGNORED")],
    "Contacted you instead of your attorney": [(C, "CEASE_IGNORED")],
    "Contacted me instead of my attorney": [(C, "CEASE_IGNORED")],
}
#: Sub-issues whose meaning depends on the issue.
DC_ISSUE_SUB_ISSUE = {
    ("Electronic communications", "Frequent or repeated messages"): [(C, "FREQ_EXCESSIVE_MESSAGES")],
    ("Electronic communications", "Contacted before 8am or after 9pm"): [(C, "TIME_INCONVENIENT")],
    ("Communication tactics", "Threatened to take legal action"): [(C, "MISLEADING_CONSEQUENCES")],
}
#: Sub-issue → implied incident (method, recipient, outside-window flag).
DC_INCIDENT = {
    "Didn't receive enough information to verify debt": ("letter", "debtor", False),
    "Not given enough info to verify debt": ("letter", "debtor", False),
    "Didn't receive notice of right to dispute": ("letter", "debtor", False),
    "Right to dispute notice not received": ("letter", "debtor", False),
    "Notification didn't disclose it was an attempt to collect a debt": ("letter", "debtor", False),
    "Not disclosed as an attempt to collect": ("letter", "debtor", False),
    "Frequent or repeated calls": ("phone_call", "debtor", False),
    "Called before 8am or after 9pm": ("phone_call", "debtor", True),
    "Called outside of 8am-9pm": ("phone_call", "debtor", True),
    "Frequent or repeated messages": ("unknown", "debtor", False),
    "Contacted before 8am or after 9pm": ("unknown", "debtor", True),
    "Talked to a third-party about your debt": ("unknown", "unknown", False),
    "Talked to a third party about my debt": ("unknown", "unknown", False),
    "Contacted your employer": ("unknown", "employer_or_coworker", False),
    "Contacted employer after asked not to": ("unknown", "employer_or_coworker", False),
}
OUTSIDE_WINDOW_SUB_ISSUES = {"Called before 8am or after 9pm", "Called outside of 8am-9pm",
                             "Contacted before 8am or after 9pm"}
#: Other products: issues whose meaning is plain (DOMAIN.md); every other issue → OTHER.
FEES_ISSUES = {"Charged fees or interest you didn't expect", "Charged fees or interest I didn't expect",
               "Fees or interest", "Problem with fees", "Unexpected or other fees", "Excessive fees"}
CREDIT_REPORT_ISSUES = {
    "Incorrect information on your report", "Incorrect information on credit report",
    "Improper use of your report", "Improper use of my credit report",
    "Problem with a credit reporting company's investigation into an existing problem",
    "Problem with a company's investigation into an existing issue",
    "Credit reporting company's investigation",
    "Unable to get your credit report or credit score",
}


def nz(value: str | None) -> str | None:
    """Empty, ``None`` and ``N/A`` are missing values."""
    value = (value or "").strip()
    return None if value in NULL_TOKENS else value


def parse_us_date(text: str | None) -> date | None:
    """The three CFPB date formats: 2019-09-24, 9/24/2019, 09/24/19."""
    text = nz(text)
    if text is None:
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise AssertionError(f"test data has a date in no known format: {text!r}")


def expected_labels(row: dict) -> list[tuple[str, str]]:
    """Labels (kind, code) the test expects for one CSV row."""
    product, issue, sub = nz(row["Product"]), nz(row["Issue"]), nz(row["Sub-issue"])
    if product == "Debt collection":
        if (issue, sub) in DC_ISSUE_SUB_ISSUE:
            return DC_ISSUE_SUB_ISSUE[(issue, sub)]
        if sub in DC_SUB_ISSUE:
            return DC_SUB_ISSUE[sub]
        return [(D, "OTHER")]
    if issue in FEES_ISSUES:
        return [(D, "FEES_OR_INTEREST")]
    if issue in CREDIT_REPORT_ISSUES:
        return [(D, "CREDIT_REPORT")]
    return [(D, "OTHER")]


def read_csv_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def expected_from_csv(path: Path) -> dict:
    """Everything the tests pin for one real file, computed from the raw CSV."""
    rows = read_csv_rows(path)
    exp = {
        "rows": len(rows),
        "product": Counter(), "outcome_code": Counter(), "submission_medium": Counter(),
        "is_timely_response": Counter(), "conduct": Counter(), "debt_issue": Counter(),
        "incident": Counter(), "outside_window": 0, "unmapped_dc": 0,
        "received_date": {}, "response_days": {}, "region": Counter(), "has_narrative": Counter(),
    }
    for row in rows:
        cid = "cfpb:" + row["Complaint ID"].strip()
        product = nz(row["Product"])
        exp["product"][product] += 1
        # An unknown value raises KeyError: the test's tables must then be extended on purpose.
        resp, via, timely = nz(row["Company response to consumer"]), nz(row["Submitted via"]), nz(row["Timely response?"])
        exp["outcome_code"][COMPANY_RESPONSE[resp] if resp else None] += 1
        exp["submission_medium"][SUBMITTED_VIA[via] if via else None] += 1
        exp["is_timely_response"][TIMELY[timely] if timely else None] += 1
        state = nz(row["State"])
        exp["region"][state.upper() if state else None] += 1
        exp["has_narrative"][nz(row["Consumer complaint narrative"]) is not None] += 1
        received = parse_us_date(row["Date received"])
        sent = parse_us_date(row["Date sent to company"])
        exp["received_date"][cid] = received
        exp["response_days"][cid] = (sent - received).days if sent else None
        for kind, code in set(expected_labels(row)):
            exp[kind][code] += 1
        sub = nz(row["Sub-issue"])
        if product == "Debt collection":
            if (nz(row["Issue"]), sub) not in DC_ISSUE_SUB_ISSUE and sub not in DC_SUB_ISSUE:
                exp["unmapped_dc"] += 1
            if sub in DC_INCIDENT:
                method, recipient, outside = DC_INCIDENT[sub]
                exp["incident"][(method, recipient)] += 1
                exp["outside_window"] += outside
    return exp


# Literal pins: what the shared files held when these tests were written (data/README.md).
PINNED = {
    MIXED: {"rows": 3983, "Debt collection": 778,
            "Credit reporting, credit repair services, or other personal consumer reports": 2043,
            "TIME_INCONVENIENT": 3, "FREQ_EXCESSIVE_CALLS": 38, "outside_window": 3},
    PAYDAY: {"rows": 2827, "Payday loan, title loan, or personal loan": 2827, "outside_window": 0},
}


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def query(db_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def counts_by(db_path: Path, view: str, column: str, where: str = "TRUE") -> Counter:
    return Counter(dict(query(db_path, f"SELECT {column}, count(*) FROM {view} WHERE {where} GROUP BY ALL")))


def table_counts(db_path: Path) -> dict[str, int]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "ORDER BY table_name").fetchall()]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_csv(src: Path, dst: Path, *, lineterminator: str, bom: bool = False, edit=None) -> Path:
    """Write ``src``'s records to ``dst`` with other line ends / a BOM / edited rows."""
    with open(src, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    if edit:
        rows = edit(rows)
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=lineterminator).writerows(rows)
    dst.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return dst


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis.ingest", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def imports(db_path: Path) -> list[tuple]:
    return query(db_path, "SELECT source_file, status, row_count, accepted_count, quarantined_count, "
                          "unchanged_count, updated_count FROM meta_imports ORDER BY imported_at, import_id")


# --------------------------------------------------------------------------------------
# 1. The real shared files, each into a fresh database
# --------------------------------------------------------------------------------------
@require_shared(*CFPB_COMPLAINTS)
def test_shared_cfpb_dir__holds_the_known_files():
    assert {MIXED, PAYDAY} <= set(REAL_FILES), f"expected the shared CFPB files in {CFPB_DIR}"


@pytest.fixture(scope="module", params=shared_params(REAL_FILES, *CFPB_COMPLAINTS))
def real_import(request, tmp_path_factory):
    """(file name, db path, reports, expectations) for one shared file in a fresh database."""
    name = request.param
    db_path = tmp_path_factory.mktemp("real") / "cw.duckdb"
    reports = run_import([CFPB_DIR / name], "cfpb", db_path)
    return name, db_path, reports, expected_from_csv(CFPB_DIR / name)


def test_import_real_file__pinned_totals_match_the_csv(real_import):
    name, _, _, exp = real_import
    pins = PINNED.get(name, {})
    for key, value in pins.items():
        got = exp.get(key, exp["product"].get(key, exp["conduct"].get(key)))
        assert got == value, (name, key)


def test_import_real_file__report_accepts_every_row(real_import):
    name, db_path, reports, exp = real_import
    (rep,) = reports
    assert (rep.status, rep.row_count, rep.accepted_count, rep.quarantined_count,
            rep.unchanged_count, rep.updated_count, rep.qa_issue_count) == (
        "imported", exp["rows"], exp["rows"], 0, 0, 0, exp["unmapped_dc"])
    assert query(db_path, "SELECT count(*) FROM core_quarantine") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM complaints") == [(exp["rows"],)]


@pytest.mark.parametrize("column", ["product", "outcome_code", "submission_medium",
                                    "is_timely_response", "region", "has_narrative"])
def test_import_real_file__complaints_by_column(real_import, column):
    _, db_path, _, exp = real_import
    assert counts_by(db_path, "complaints", column) == exp[column]


def test_import_real_file__every_complaint_filed_with_financial_regulator(real_import):
    _, db_path, _, exp = real_import
    assert counts_by(db_path, "complaints", "filed_with") == Counter({"financial_regulator": exp["rows"]})
    assert counts_by(db_path, "complaints", "jurisdiction || '/' || source") == Counter({"US/cfpb": exp["rows"]})


@pytest.mark.parametrize("kind", ["conduct", "debt_issue"])
def test_import_real_file__labels_from_issue_codes(real_import, kind):
    _, db_path, _, exp = real_import
    got = counts_by(db_path, "complaint_labels", "label_code",
                    f"label_kind = '{kind}' AND label_source = 'issue_code'")
    assert got == exp[kind]
    # one label per complaint and code, never duplicated
    assert query(db_path, "SELECT count(*) FROM (SELECT complaint_id, label_kind, label_code, label_source "
                          "FROM complaint_labels GROUP BY ALL HAVING count(*) > 1)") == [(0,)]


def test_import_real_file__conduct_labels_name_their_rule(real_import):
    _, db_path, _, _ = real_import
    assert query(db_path, "SELECT count(*) FROM complaint_labels WHERE label_kind = 'conduct' "
                          "AND (rule_id IS NULL OR rule_id NOT LIKE 'US-%')") == [(0,)]


def test_import_real_file__incidents_implied_by_sub_issues(real_import):
    _, db_path, _, exp = real_import
    got = {(m, r): n for m, r, n in query(db_path, "SELECT method_code, recipient_code, count(*) FROM incidents "
                                                          "WHERE time_source = 'issue_code' GROUP BY ALL")}
    assert got == exp["incident"]
    n_incidents = sum(exp["incident"].values())
    # CFPB gives no clock time: no incident has a date, a timestamp or an hour
    assert query(db_path, "SELECT count(*), count(occurred_date), count(occurred_at), count(occurred_hour), "
                          "count(DISTINCT time_source) FROM incidents WHERE time_source = 'issue_code'") == [
        (n_incidents, 0, 0, 0, 1 if n_incidents else 0)]


def test_import_real_file__outside_window_incidents_equal_time_sub_issues(real_import):
    name, db_path, _, exp = real_import
    rows = read_csv_rows(CFPB_DIR / name)
    n_time_rows = sum(1 for r in rows if nz(r["Product"]) == "Debt collection"
                      and nz(r["Sub-issue"]) in OUTSIDE_WINDOW_SUB_ISSUES)
    assert n_time_rows == exp["outside_window"]
    assert query(db_path, "SELECT count(*), count(occurred_hour), count(*) FILTER (is_outside_permitted_hours), "
                          "count(*) FILTER (time_rule_id = 'US-TIME-01') FROM incidents "
                          "WHERE time_precision = 'outside_window_only'") == [(n_time_rows, 0, n_time_rows, n_time_rows)]
    # every other incident from the sub-issue has no time at all and no verdict
    assert query(db_path, "SELECT count(*) FROM incidents WHERE time_source = 'issue_code' "
                          "AND time_precision <> 'outside_window_only' "
                          "AND (time_precision <> 'unknown' OR is_outside_permitted_hours IS NOT NULL)") == [(0,)]
    # incidents read from narratives: never an hour unless the narrative states an exact time, never a date
    assert query(db_path, "SELECT count(*) FROM incidents WHERE time_source = 'narrative' AND "
                          "(occurred_date IS NOT NULL OR (occurred_hour IS NOT NULL) <> (time_precision = 'exact'))"
                 ) == [(0,)]


def test_import_real_file__received_date_and_response_days_from_the_two_dates(real_import):
    _, db_path, _, exp = real_import
    got = {cid: (rd, days) for cid, rd, days in query(
        db_path, "SELECT complaint_id, received_date, response_days FROM complaints")}
    assert got == {cid: (exp["received_date"][cid], exp["response_days"][cid]) for cid in exp["received_date"]}


def test_import_real_file__sampled_rows_response_days(real_import):
    """A few rows checked by hand-readable dates (Date sent − Date received)."""
    name, db_path, _, _ = real_import
    rows = read_csv_rows(CFPB_DIR / name)
    sample = [rows[0], rows[len(rows) // 2], rows[-1]] + [r for r in rows if r["Date received"] != r["Date sent to company"]][:3]
    for row in sample:
        days = (parse_us_date(row["Date sent to company"]) - parse_us_date(row["Date received"])).days
        assert query(db_path, "SELECT response_days FROM complaints WHERE source_record_id = ?",
                     [row["Complaint ID"]]) == [(days,)]


def test_import_real_file__timely_response_counts(real_import):
    name, db_path, _, _ = real_import
    rows = read_csv_rows(CFPB_DIR / name)
    yes = sum(1 for r in rows if r["Timely response?"] == "Yes")
    no = sum(1 for r in rows if r["Timely response?"] == "No")
    assert query(db_path, "SELECT count(*) FILTER (is_timely_response), count(*) FILTER (NOT is_timely_response), "
                          "count(*) FILTER (is_timely_response IS NULL) FROM complaints") == [(yes, no, len(rows) - yes - no)]


# --------------------------------------------------------------------------------------
# 2. Re-importing adds nothing
# --------------------------------------------------------------------------------------
def _copy_db(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy.duckdb"
    shutil.copyfile(src, dst)
    return dst


def test_reimport__same_file_adds_nothing(real_import, tmp_path):
    name, src_db, _, exp = real_import
    db_path = _copy_db(src_db, tmp_path)
    before = table_counts(db_path)
    (rep,) = run_import([CFPB_DIR / name], "cfpb", db_path)
    after = table_counts(db_path)
    assert (rep.status, rep.accepted_count, rep.unchanged_count) == ("already_imported", 0, exp["rows"])
    # only the import log, the audit log and the store's version history grow (analysis/store.py)
    assert after == {**before, "meta_imports": before["meta_imports"] + 1, "meta_audit": before["meta_audit"] + 1,
                     "meta_store_versions": before["meta_store_versions"] + 1, "meta_change_log": 0}
    assert [r[:2] for r in imports(db_path)] == [(name, "imported"), (name, "already_imported")]


@pytest.mark.parametrize("how", ["csv_rewrite", "byte_replace"])
def test_reimport__same_rows_in_renamed_file_with_other_line_ends(real_import, tmp_path, how):
    name, src_db, _, exp = real_import
    db_path = _copy_db(src_db, tmp_path)
    src = CFPB_DIR / name
    original = src.read_bytes()
    to_crlf = b"\r\n" not in original
    dst = tmp_path / ("renamed_" + name)
    if how == "csv_rewrite":  # only the record terminators change
        rewrite_csv(src, dst, lineterminator="\r\n" if to_crlf else "\n")
    else:  # every line break in the file changes, also inside quoted narratives
        dst.write_bytes(original.replace(b"\n", b"\r\n") if to_crlf else original.replace(b"\r\n", b"\n"))
    assert dst.read_bytes() != original
    before = table_counts(db_path)
    (rep,) = run_import([dst], "cfpb", db_path)
    after = table_counts(db_path)
    assert (rep.status, rep.row_count, rep.accepted_count, rep.updated_count, rep.unchanged_count,
            rep.quarantined_count) == ("imported", exp["rows"], 0, 0, exp["rows"], 0)
    for table in ("core_complaints", "core_incidents", "core_complaint_labels", "core_quarantine", "core_qa_issues"):
        assert after[table] == before[table], table
    assert imports(db_path)[-1] == (dst.name, "imported", exp["rows"], 0, 0, exp["rows"], 0)


# --------------------------------------------------------------------------------------
# 3. A file with missing required columns is refused and changes nothing
# --------------------------------------------------------------------------------------
def test_import_refused__missing_columns_named_and_db_unchanged(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    run_import([FIXTURES / "three_date_formats.csv"], "cfpb", db_path)
    sha, fp, counts = file_sha(db_path), db.fingerprint(db_path), table_counts(db_path)
    with pytest.raises(ImportRefused) as err:
        run_import([FIXTURES / "missing_columns.csv"], "cfpb", db_path)
    message = str(err.value)
    assert "'Issue'" in message and "'Complaint ID'" in message
    assert "missing_columns.csv" in message
    assert (file_sha(db_path), db.fingerprint(db_path), table_counts(db_path)) == (sha, fp, counts)


def test_import_refused__good_file_in_same_batch_not_written(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    run_import([FIXTURES / "three_date_formats.csv"], "cfpb", db_path)
    sha, fp = file_sha(db_path), db.fingerprint(db_path)
    with pytest.raises(ImportRefused, match="Complaint ID"):
        run_import([FIXTURES / "current_wording.csv", FIXTURES / "missing_columns.csv"], "cfpb", db_path)
    assert (file_sha(db_path), db.fingerprint(db_path)) == (sha, fp)
    assert query(db_path, "SELECT count(*) FROM complaints") == [(3,)]


def test_import_refused__new_database_not_created(tmp_path):
    db_path = tmp_path / "new.duckdb"
    with pytest.raises(ImportRefused, match="Issue"):
        run_import([FIXTURES / "missing_columns.csv"], "cfpb", db_path)
    assert not db_path.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "new.duckdb.lock") == []  # no store folder either


def test_cli__missing_columns_exit_2_and_names_them(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    run_import([FIXTURES / "three_date_formats.csv"], "cfpb", db_path)
    sha = file_sha(db_path)
    proc = run_cli("--format", "cfpb", "--db", str(db_path), str(FIXTURES / "missing_columns.csv"))
    assert proc.returncode == 2
    assert "'Issue'" in proc.stderr and "'Complaint ID'" in proc.stderr
    assert "nothing was written" in proc.stderr
    assert file_sha(db_path) == sha


# --------------------------------------------------------------------------------------
# 4. Malformed rows are quarantined, not lost
# --------------------------------------------------------------------------------------
def test_quarantine__malformed_rows_kept_with_row_and_reason(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([FIXTURES / "malformed_rows.csv"], "cfpb", db_path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (8, 2, 6)
    assert query(db_path, "SELECT source_record_id, source_row_number FROM core_complaints ORDER BY 1") == [
        ("9300001", 2), ("9300008", 9)]  # rows as a spreadsheet shows them: the header is row 1
    got = query(db_path, "SELECT source_file, source_row_number, column_name, raw_value, reason "
                         "FROM core_quarantine ORDER BY source_row_number")
    assert [g[:4] for g in got] == [
        ("malformed_rows.csv", 3, None, None),
        ("malformed_rows.csv", 4, "complaint_id", ""),
        ("malformed_rows.csv", 5, "date_received", "2019-13-45"),
        ("malformed_rows.csv", 6, "complaint_id", "9300001"),
        ("malformed_rows.csv", 7, "date_received", "2099-01-01"),
        ("malformed_rows.csv", 8, None, None),
    ]
    reasons = [g[4] for g in got]
    assert reasons[0] == "expected 18 fields as in the header, found 19"
    assert reasons[1] == "Complaint ID is empty"
    assert reasons[2].startswith("Date received is empty or not a date")
    assert reasons[3] == "Complaint ID appears more than once in this file (first at row 2)"
    assert reasons[4] == "Date received is in the future"
    assert reasons[5] == "expected 18 fields as in the header, found 17"
    # not lost: accepted + quarantined = data rows in the file
    n_rows = len(list(csv.reader(open(FIXTURES / "malformed_rows.csv", newline="")))) - 1
    assert rep.accepted_count + rep.quarantined_count == n_rows == 8
    assert imports(db_path) == [("malformed_rows.csv", "imported", 8, 2, 6, 0, 0)]


def test_quarantine__raw_record_keeps_the_whole_row(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    run_import([FIXTURES / "malformed_rows.csv"], "cfpb", db_path)
    (rec2,), (rec4,) = query(db_path, "SELECT raw_record FROM core_quarantine WHERE source_row_number IN (3, 5) "
                                      "ORDER BY source_row_number")
    assert json.loads(rec2)[7:9] == ["Acme Collections", " LLC"]  # field list: the count did not match
    assert json.loads(rec4)["date_received"] == "2019-13-45"
    assert json.loads(rec4)["complaint_id"] == "9300004"


# --------------------------------------------------------------------------------------
# 5. Variants of the CFPB format
# --------------------------------------------------------------------------------------
COMPLAINT_COLUMNS = ("source_record_id, received_date, product, sub_product, region, submission_medium, "
                     "outcome_code, is_timely_response, response_days, has_narrative, language")


def labels_of(db_path: Path) -> dict[str, set]:
    out: dict[str, set] = {}
    for rid, kind, code in query(db_path, "SELECT c.source_record_id, l.label_kind, l.label_code FROM complaint_labels l "
                                          "JOIN complaints c USING (complaint_id) WHERE l.label_source = 'issue_code'"):
        out.setdefault(rid, set()).add((kind, code))
    return out


def incidents_of(db_path: Path) -> dict[str, set]:
    out: dict[str, set] = {}
    for rid, *rest in query(db_path, "SELECT c.source_record_id, method_code, recipient_code, time_precision, "
                                     "occurred_hour, is_outside_permitted_hours FROM incidents i "
                                     "JOIN complaints c USING (complaint_id) WHERE time_source = 'issue_code'"):
        out.setdefault(rid, set()).add(tuple(rest))
    return out


PHONE_OUTSIDE = ("phone_call", "debtor", "outside_window_only", None, True)


def test_variant__legacy_14_column_header(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([FIXTURES / "legacy_14col.csv"], "cfpb", db_path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (8, 8, 0, 0)
    assert query(db_path, f"SELECT {COMPLAINT_COLUMNS} FROM complaints ORDER BY source_record_id") == [
        ("9000001", date(2015, 9, 24), "Debt collection", "Credit card", "TX", "web", "explained", True, 5, False, None),
        ("9000002", date(2015, 3, 5), "Debt collection", "Medical", "CA", "phone", "closed", True, 0, False, None),
        ("9000003", date(2014, 12, 1), "Debt collection", "Payday loan", "NY", "referral", "non_monetary_relief", False, 2, False, None),
        ("9000004", date(2016, 1, 15), "Debt collection", "Other (i.e. phone, health club, etc.)", "FL", "fax", "closed", True, 5, False, None),
        ("9000005", date(2016, 6, 30), "Debt collection", "I do not know", "TX", "postal_mail", "monetary_relief", True, 1, False, None),
        ("9000006", date(2016, 8, 8), "Debt collection", "Medical", None, "email", "non_monetary_relief", True, 2, False, None),
        ("9000007", date(2016, 2, 2), "Payday loan", "Payday loan", "OH", "web", "explained", True, 0, False, None),
        ("9000008", date(2015, 4, 4), "Mortgage", "Conventional fixed mortgage", "FL", "referral", "explained", True, 2, False, None),
    ]
    assert query(db_path, "SELECT source_record_id, collector_name, creditor_name FROM complaints "
                          "WHERE source_record_id IN ('9000003', '9000007') ORDER BY 1") == [
        ("9000003", 'Quote "Q" Recovery, Inc.', None), ("9000007", None, "Check Into Cash")]
    assert labels_of(db_path) == {
        "9000001": {(C, "TIME_INCONVENIENT")},
        "9000002": {(D, "DEBT_NOT_OWED")},
        "9000003": {(C, "EMPLOYER_CONTACT"), (C, "CEASE_IGNORED")},
        "9000004": {(C, "MISLEADING_CONSEQUENCES")},
        "9000005": {(C, "THREAT_ARREST_OR_CRIME")},
        "9000006": {(D, "VALIDATION_NOT_PROVIDED")},
        "9000007": {(D, "FEES_OR_INTEREST")},
        "9000008": {(D, "OTHER")},
    }
    assert incidents_of(db_path) == {
        "9000001": {PHONE_OUTSIDE},
        "9000003": {("unknown", "employer_or_coworker", "unknown", None, None)},
        "9000006": {("letter", "debtor", "unknown", None, None)},
    }
    assert query(db_path, "SELECT count(*) FROM raw_cfpb__complaints WHERE consumer_complaint_narrative IS NOT NULL "
                          "OR tags IS NOT NULL OR company_public_response IS NOT NULL "
                          "OR consumer_consent_provided IS NOT NULL") == [(0,)]


def test_variant__current_wording_crlf_none_na_and_unmapped_medium(tmp_path):
    src = rewrite_csv(FIXTURES / "current_wording.csv", tmp_path / "current_wording_crlf.csv", lineterminator="\r\n")
    assert src.read_bytes().count(b"\r\n") == 11  # header + 10 records; the narrative keeps its own LF
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([src], "cfpb", db_path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (10, 10, 0, 1)
    assert query(db_path, f"SELECT {COMPLAINT_COLUMNS} FROM complaints ORDER BY source_record_id") == [
        ("9100001", date(2019, 9, 24), "Debt collection", "Credit card debt", "TX", "web", "explained", True, 2, True, "en"),
        ("9100002", date(2019, 9, 25), "Debt collection", "Medical debt", "CA", "web", "non_monetary_relief", True, 0, False, None),
        ("9100003", date(2019, 9, 26), "Debt collection", "Other debt", "CA", "phone", "monetary_relief", False, 5, False, None),
        ("9100004", date(2019, 10, 1), "Debt collection", "I do not know", "FL", "referral", "in_progress", True, 2, False, None),
        ("9100005", date(2019, 10, 2), "Debt collection", "Credit card debt", "TX", "postal_mail", "no_response", False, 0, False, None),
        ("9100006", date(2019, 10, 3), "Debt collection", "Payday loan debt", "NV", "fax", "explained", True, 1, False, None),
        ("9100007", date(2019, 10, 4), "Debt collection", "Medical debt", "CA", "email", "explained", True, 3, False, None),
        ("9100008", date(2019, 10, 5), "Debt collection", "Other debt", "FL", None, "explained", True, 0, False, None),
        ("9100009", date(2019, 10, 6), "Credit card or prepaid card", "General-purpose credit card or charge card", "NY", "web", "monetary_relief", True, 0, False, None),
        ("9100010", date(2019, 10, 7), "Debt collection", None, None, None, None, None, None, False, None),
    ]
    # the narrative keeps its quotes, commas and inner line break
    (narr,), = query(db_path, "SELECT narrative FROM core_complaints WHERE source_record_id = '9100001'")
    assert narr == 'They called me at XX/XX/XXXX after 10pm, "again", about {$400.00}.\nThen again the next night.'
    assert query(db_path, "SELECT c.source_record_id, q.source_file, q.source_row_number, q.column_name, q.raw_value "
                          "FROM core_qa_issues q JOIN complaints c USING (complaint_id)") == [
        ("9100008", "current_wording_crlf.csv", 9, "submitted_via", "Text message")]
    assert labels_of(db_path) == {
        "9100001": {(C, "TIME_INCONVENIENT")},
        "9100002": {(C, "TIME_INCONVENIENT")},
        "9100003": {(C, "FREQ_EXCESSIVE_MESSAGES")},
        "9100004": {(C, "THIRD_PARTY_DISCLOSURE")},
        "9100005": {(D, "DEBT_NOT_OWED")},
        "9100006": {(C, "THREAT_ARREST_OR_CRIME")},
        "9100007": {(C, "EMPLOYER_CONTACT")},
        "9100008": {(C, "FREQ_EXCESSIVE_CALLS")},
        "9100009": {(D, "FEES_OR_INTEREST")},
        "9100010": {(C, "NO_IDENTIFICATION")},
    }
    assert incidents_of(db_path) == {
        "9100001": {PHONE_OUTSIDE},
        "9100002": {("unknown", "debtor", "outside_window_only", None, True)},
        "9100003": {("unknown", "debtor", "unknown", None, None)},
        "9100004": {("unknown", "unknown", "unknown", None, None)},
        "9100007": {("unknown", "employer_or_coworker", "unknown", None, None)},
        "9100008": {("phone_call", "debtor", "unknown", None, None)},
        "9100010": {("letter", "debtor", "unknown", None, None)},
    }


def test_variant__legacy_and_current_wording_give_the_same_codes(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    run_import([FIXTURES / "legacy_14col.csv", FIXTURES / "current_wording.csv"], "cfpb", db_path)
    labels, incidents = labels_of(db_path), incidents_of(db_path)
    # legacy id → current id with the same meaning
    for legacy, current in [("9000001", "9100001"), ("9000002", "9100005"), ("9000005", "9100006")]:
        assert labels[legacy] == labels[current], (legacy, current)
        assert incidents.get(legacy) == incidents.get(current), (legacy, current)
    assert incidents["9000001"] == incidents["9100001"] == {PHONE_OUTSIDE}
    # the legacy employer wording also says a request to stop was ignored
    assert labels["9000003"] - labels["9100007"] == {(C, "CEASE_IGNORED")}


def test_variant__three_date_formats_give_the_same_date(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([FIXTURES / "three_date_formats.csv"], "cfpb", db_path)
    assert (rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (3, 0, 0)
    assert query(db_path, "SELECT source_record_id, received_date, response_days FROM complaints ORDER BY 1") == [
        ("9200001", date(2019, 9, 24), 6), ("9200002", date(2019, 9, 24), 6), ("9200003", date(2019, 9, 24), 6)]


def test_variant__utf8_bom_file(tmp_path):
    src = rewrite_csv(FIXTURES / "three_date_formats.csv", tmp_path / "bom.csv", lineterminator="\r\n", bom=True)
    assert src.read_bytes().startswith(b"\xef\xbb\xbfDate received,")
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([src], "cfpb", db_path)
    assert (rep.encoding, rep.accepted_count, rep.quarantined_count) == ("utf_8_sig", 3, 0)
    assert query(db_path, "SELECT min(received_date), max(received_date), count(*) FROM complaints") == [
        (date(2019, 9, 24), date(2019, 9, 24), 3)]
    assert query(db_path, "SELECT DISTINCT date_received FROM raw_cfpb__complaints ORDER BY 1") == [
        ("09/24/19",), ("2019-09-24",), ("9/24/2019",)]


# --------------------------------------------------------------------------------------
# 6. An updated re-export replaces the complaint
# --------------------------------------------------------------------------------------
def test_reimport__changed_company_response_updates_outcome(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    run_import([FIXTURES / "current_wording.csv"], "cfpb", db_path)
    before = table_counts(db_path)

    def close_in_progress(rows):
        header = rows[0]
        rid, resp = header.index("Complaint ID"), header.index("Company response to consumer")
        for row in rows[1:]:
            if row[rid] == "9100004":
                assert row[resp] == "In progress"
                row[resp] = "Closed with monetary relief"
        return rows

    newer = rewrite_csv(FIXTURES / "current_wording.csv", tmp_path / "current_wording_2019-10-31.csv",
                        lineterminator="\n", edit=close_in_progress)
    (rep,) = run_import([newer], "cfpb", db_path)
    assert (rep.status, rep.row_count, rep.accepted_count, rep.updated_count, rep.unchanged_count,
            rep.quarantined_count) == ("imported", 10, 1, 1, 9, 0)
    assert imports(db_path)[-1] == ("current_wording_2019-10-31.csv", "imported", 10, 1, 0, 9, 1)
    assert query(db_path, "SELECT outcome_code, source_file FROM core_complaints WHERE source_record_id = '9100004'") == [
        ("monetary_relief", "current_wording_2019-10-31.csv")]
    after = table_counts(db_path)
    for table in ("core_complaints", "core_incidents", "core_complaint_labels", "core_qa_issues"):
        assert after[table] == before[table], table
    assert counts_by(db_path, "complaints", "outcome_code") == Counter(
        {"explained": 4, "monetary_relief": 3, "non_monetary_relief": 1, "no_response": 1, None: 1})


# --------------------------------------------------------------------------------------
# 7. Command line
# --------------------------------------------------------------------------------------
def test_cli__prints_accepted_and_quarantined_counts(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    proc = run_cli("--format", "cfpb", "--db", str(db_path),
                   str(FIXTURES / "malformed_rows.csv"), str(FIXTURES / "three_date_formats.csv"))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("malformed_rows.csv: 8 rows read = 2 accepted + 6 quarantined + 0 already present (0 of the accepted updated), ")
    assert lines[1].startswith("three_date_formats.csv: 3 rows read = 3 accepted + 0 quarantined + 0 already present (0 of the accepted updated), ")
    assert re.fullmatch(r"accepted 5, quarantined 6, unchanged 0 -> .*cw\.duckdb", lines[-1])
    assert query(db_path, "SELECT count(*) FROM complaints") == [(5,)]
    assert query(db_path, "SELECT count(*) FROM core_quarantine") == [(6,)]


def test_cli__second_run_reports_already_imported(tmp_path):
    db_path = tmp_path / "cw.duckdb"
    args = ("--format", "cfpb", "--db", str(db_path), str(FIXTURES / "three_date_formats.csv"))
    assert run_cli(*args).returncode == 0
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    assert "three_date_formats.csv: already imported" in proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("accepted 0, quarantined 0, unchanged 3 -> ")


@require_shared(CFPB_MIXED)
def test_reimport__file_without_a_column_keeps_existing_values(tmp_path):
    """An older export lacking columns must not blank what the database already holds."""
    src = CFPB_DIR / "complaints_2019_2020_mixed_products.csv"
    rows = read_csv_rows(src)
    header = list(rows[0].keys())
    narrative_ids = [r["Complaint ID"] for r in rows if nz(r["Consumer complaint narrative"])][:5]
    db_path = tmp_path / "keep.duckdb"
    run_import([src], "cfpb", db_path)
    before = query(db_path, "SELECT complaint_id, narrative, region, outcome_code FROM core_complaints ORDER BY 1")
    n_labels = query(db_path, "SELECT count(*) FROM complaint_labels WHERE label_source = 'narrative'")
    short = tmp_path / "no_narrative_no_state.csv"
    keep = [h for h in header if h not in ("Consumer complaint narrative", "State")]
    with short.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=keep, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    (rep,) = run_import([short], "cfpb", db_path)
    assert (rep.accepted_count, rep.updated_count, rep.unchanged_count) == (0, 0, len(rows))
    assert query(db_path, "SELECT complaint_id, narrative, region, outcome_code FROM core_complaints ORDER BY 1") == before
    assert query(db_path, "SELECT count(*) FROM complaint_labels WHERE label_source = 'narrative'") == n_labels
    assert len(narrative_ids) == 5


# --------------------------------------------------------------------------------------
# 8. Every vintage: header spellings, date forms read per file, files without Complaint ID
# --------------------------------------------------------------------------------------
CFPB_HEADER = ["Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
               "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
               "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
               "Consumer disputed?", "Complaint ID"]
SNAKE_HEADER = ["date_received", "product", "sub_product", "issue", "sub_issue", "consumer_complaint_narrative",
                "company_public_response", "company", "state", "zip_code", "tags", "consumer_consent_provided",
                "submitted_via", "date_sent_to_company", "company_response_to_consumer", "timely_response",
                "consumer_disputed", "complaint_id"]
#: Field names of CFPB's search API / its exports, as others write them.
API_HEADER = ["Date_Received", "product", "sub_product", "issue", "sub_issue", "complaint_what_happened",
              "company_public_response", "company", "state", "zip_code", "tags", "Consumer_consent_provided?",
              "submitted_via", "dateSentToCompany", "company_response", "timely", "consumer_disputed",
              "Complaint_ID"]
HEADER_STYLES = {"snake_case": SNAKE_HEADER, "upper_case": [h.upper() for h in CFPB_HEADER], "api_names": API_HEADER}
TWO_ROWS = [
    ["2019-09-24", "Debt collection", "Credit card debt", "Communication tactics", "Frequent or repeated calls", "",
     "", "Acme Collections, LLC", "tx", "75001", "", "Consent not provided", "Web", "2019-09-26",
     "Closed with explanation", "Yes", "N/A", "9400001"],
    ["2019-10-01", "Payday loan, title loan, or personal loan", "Payday loan",
     "Charged fees or interest you didn't expect", "", "", "", "Check Into Cash", "OH", "43004", "", "",
     "Phone", "2019-10-01", "Closed with monetary relief", "No", "N/A", "9400002"],
]
TWO_ROWS_STORED = [
    ("9400001", date(2019, 9, 24), "Debt collection", "Credit card debt", "TX", "web", "explained", True, 2, False, None),
    ("9400002", date(2019, 10, 1), "Payday loan, title loan, or personal loan", "Payday loan", "OH", "phone",
     "monetary_relief", False, 0, False, None),
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], lineterminator: str = "\n") -> Path:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator=lineterminator)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


@pytest.mark.parametrize("style", sorted(HEADER_STYLES))
def test_vintage__header_spelling_does_not_matter(tmp_path, style):
    src = write_csv(tmp_path / f"{style}.csv", HEADER_STYLES[style], TWO_ROWS)
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([src], "cfpb", db_path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (2, 2, 0, 0)
    assert not any(n.startswith("columns not used") for n in rep.notes)
    assert query(db_path, f"SELECT {COMPLAINT_COLUMNS} FROM complaints ORDER BY source_record_id") == TWO_ROWS_STORED
    assert labels_of(db_path) == {"9400001": {(C, "FREQ_EXCESSIVE_CALLS")}, "9400002": {(D, "FEES_OR_INTEREST")}}
    assert query(db_path, "SELECT complaint_id, consumer_consent_provided, timely_response FROM raw_cfpb__complaints "
                          "ORDER BY 1") == [("9400001", "Consent not provided", "Yes"), ("9400002", "", "No")]


def test_vintage__same_column_under_two_spellings_is_refused(tmp_path):
    src = write_csv(tmp_path / "twice.csv", CFPB_HEADER + ["date_received"], [r + [r[0]] for r in TWO_ROWS])
    db_path = tmp_path / "cw.duckdb"
    with pytest.raises(ImportRefused) as err:
        run_import([src], "cfpb", db_path)
    assert str(err.value) == ("twice.csv: column 'Date received' appears more than once in the header "
                              "(as 'Date received', 'date_received'). Delete or rename all but one of them and "
                              "import again.")
    assert err.value.in_language("zh") == ("twice.csv：列 'Date received' 在表头中出现多次（写作 'Date received'、"
                                           "'date_received'）。请只保留其中一列（删除或重命名其他列）后重新导入。")
    assert not db_path.exists()


def test_vintage__snake_case_file_missing_a_required_column_names_it(tmp_path):
    src = write_csv(tmp_path / "short.csv", ["date_received", "product", "company", "complaint_id"],
                    [["2019-09-24", "Debt collection", "Acme", "9400001"]])
    with pytest.raises(ImportRefused) as err:
        run_import([src], "cfpb", tmp_path / "cw.duckdb")
    message = str(err.value)
    assert "missing required column(s) 'Issue'. Found: 'date_received', 'product', 'company', 'complaint_id'." in message


def date_rows(pairs: list[tuple[str, str]], first_id: int = 9500001) -> list[list[str]]:
    """One debt-collection row per (Date received, Date sent to company), ids from ``first_id``."""
    return [[received, "Debt collection", "Medical debt", "Attempts to collect debt not owed", "Debt was paid", "",
             "", "Midland Funding LLC", "CA", "90001", "", "", "Web", sent, "Closed with explanation", "Yes", "",
             str(first_id + i)] for i, (received, sent) in enumerate(pairs)]


def dates_of(db_path: Path) -> list[tuple]:
    return query(db_path, "SELECT source_record_id, received_date, response_days FROM complaints ORDER BY 1")


def test_vintage__year_first_dates_with_slashes_and_times(tmp_path):
    src = write_csv(tmp_path / "ymd.csv", CFPB_HEADER, date_rows([
        ("2019/9/24", "2019/9/30"), ("2019/10/1", "2019/10/1"), ("2019-09-24T00:00:00", "2019-09-26 00:00:00"),
        ("9/24/2019 12:00:00 AM", "09/30/19")]))
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([src], "cfpb", db_path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (4, 4, 0, 0)
    assert dates_of(db_path) == [("9500001", date(2019, 9, 24), 6), ("9500002", date(2019, 10, 1), 0),
                                 ("9500003", date(2019, 9, 24), 2), ("9500004", date(2019, 9, 24), 6)]
    assert "dates read month first (M/D/YYYY, CFPB's form): values such as '09/30/19' can only be month first" in rep.notes


def test_vintage__day_first_file_decided_by_one_value(tmp_path):
    # only '24/09/2019' cannot be month first; it turns the whole file day first
    src = write_csv(tmp_path / "dmy.csv", CFPB_HEADER, date_rows([
        ("03/04/2019", "05/04/2019"), ("10/11/2019", "12/11/2019"), ("01/02/19", "01/02/19"),
        ("02.10.2019", "03.10.2019"), ("24/09/2019", ""), ("2019-04-03", "2019-04-05")]))
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([src], "cfpb", db_path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (6, 6, 0, 0)
    assert dates_of(db_path) == [
        ("9500001", date(2019, 4, 3), 2), ("9500002", date(2019, 11, 10), 2), ("9500003", date(2019, 2, 1), 0),
        ("9500004", date(2019, 10, 2), 1), ("9500005", date(2019, 9, 24), None), ("9500006", date(2019, 4, 3), 2)]
    assert ("dates read day first (D/M/YYYY) for the whole file: 1 value(s) such as '24/09/2019' cannot be "
            "month first") in rep.notes


def test_vintage__ambiguous_file_stays_month_first(tmp_path):
    src = write_csv(tmp_path / "ambiguous.csv", CFPB_HEADER, date_rows([
        ("03/04/2019", "05/04/2019"), ("10/11/2019", "12/11/2019"), ("01/02/19", "01/02/19")]))
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([src], "cfpb", db_path)
    assert (rep.accepted_count, rep.quarantined_count) == (3, 0)
    assert dates_of(db_path) == [("9500001", date(2019, 3, 4), 61), ("9500002", date(2019, 10, 11), 61),
                                 ("9500003", date(2019, 1, 2), 0)]
    assert ("dates read month first (M/D/YYYY, CFPB's form): no value in the date columns has a first number "
            "above 12") in rep.notes


def test_vintage__row_whose_date_fits_no_form_is_quarantined_alone(tmp_path):
    src = write_csv(tmp_path / "mixed_dates.csv", CFPB_HEADER, date_rows([
        ("2019-09-24", "2019-09-26"), ("9/25/2019", "9/27/2019"), ("Sept the 24th", "2019-09-26"),
        ("24/09/2019", "2019-09-26"), ("", "2019-09-26"), ("2019-09-25", "someday")]))
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([src], "cfpb", db_path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.qa_issue_count) == (6, 3, 3, 1)
    assert rep.row_count == rep.accepted_count + rep.quarantined_count + rep.unchanged_count
    assert dates_of(db_path) == [("9500001", date(2019, 9, 24), 2), ("9500002", date(2019, 9, 25), 2),
                                 ("9500006", date(2019, 9, 25), None)]
    got = query(db_path, "SELECT source_row_number, column_name, raw_value, reason FROM core_quarantine ORDER BY 1")
    assert [g[:3] for g in got] == [(4, "date_received", "Sept the 24th"), (5, "date_received", "24/09/2019"),
                                    (6, "date_received", "")]
    assert got[0][3].startswith("Date received is empty or not a date: 'Sept the 24th' is not a date in a known "
                                "form (YYYY-MM-DD, YYYY/M/D, M/D/YYYY, MM/DD/YY,")
    # the file mixes month-first-only and day-first-only values: CFPB's month-first form wins
    assert got[1][3] == ("Date received is empty or not a date: '24/09/2019': no such date when read month first "
                         "(M/D/Y), as this file is read")
    assert got[2][3] == "Date received is empty or not a date: the cell is empty"
    assert [n for n in rep.notes if n.startswith("dates read")] == [
        "dates read month first (M/D/YYYY, CFPB's form): the file mixes 2 value(s) that only fit month first "
        "with 1 that only fit day first (such as '24/09/2019'); those do not fit and are reported per row"]
    (qa,) = query(db_path, "SELECT source_row_number, column_name, raw_value, reason FROM core_qa_issues")
    assert qa[:3] == (7, "date_sent_to_company", "someday")
    assert qa[3].startswith("Date sent to company is not a date ('someday' is not a date in a known form")
    assert qa[3].endswith("); response_days left empty")


LEGACY_NO_ID_HEADER = ["Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
                       "Company", "State", "ZIP code", "Submitted via", "Date sent to company",
                       "Company response to consumer", "Timely response?", "Consumer disputed?"]
LEGACY_NO_ID_ROWS = [
    ["9/24/2015", "Debt collection", "Credit card", "Communication tactics", "Called outside of 8am-9pm", "",
     "Acme Collections, LLC", "TX", "75001", "Web", "9/29/2015", "Closed with explanation", "Yes", "No"],
    ["3/5/2015", "Debt collection", "Medical", "Cont'd attempts collect debt not owed", "Debt is not mine", "",
     "Midland Funding LLC", "CA", "90001", "Phone", "3/5/2015", "Closed without relief", "Yes", "Yes"],
    # the same values again: a second complaint, told apart by its occurrence number
    ["3/5/2015", "Debt collection", "Medical", "Cont'd attempts collect debt not owed", "Debt is not mine", "",
     "Midland Funding LLC", "CA", "90001", "Phone", "3/5/2015", "Closed without relief", "Yes", "Yes"],
    ["12/1/2014", "Debt collection", "Payday loan", "Improper contact or sharing of info",
     "Contacted employer after asked not to", "", "Quote Recovery, Inc.", "NY", "10001", "Referral", "12/3/2014",
     "Closed with non-monetary relief", "No", "N/A"],
    ["13/32/2015", "Debt collection", "Medical", "Cont'd attempts collect debt not owed", "Debt was paid", "",
     "Midland Funding LLC", "CA", "90001", "Web", "", "Closed with explanation", "Yes", "No"],
    ["1/15/2016", "Payday loan", "Payday loan", "Charged fees or interest I didn't expect", "", "", "Check Into Cash",
     "OH", "43004", "Web", "1/15/2016", "Closed with explanation", "Yes", "No"],
]


def test_vintage__14_column_file_without_complaint_id_gets_content_ids(tmp_path):
    src = write_csv(tmp_path / "legacy_no_id.csv", LEGACY_NO_ID_HEADER, LEGACY_NO_ID_ROWS)
    db_path = tmp_path / "cw.duckdb"
    (rep,) = run_import([src], "cfpb", db_path)
    assert (rep.status, rep.row_count, rep.accepted_count, rep.quarantined_count, rep.unchanged_count,
            rep.updated_count) == ("imported", 6, 5, 1, 0, 0)
    assert any(n.startswith("warning: no Complaint ID column: each row's id was derived from its content") and
               "a corrected or updated row becomes a new complaint" in n and
               n.endswith("1 row(s) identical to an earlier row of the file were kept as separate complaints "
                          "(ids ending -2, -3…)") for n in rep.notes)
    stored = query(db_path, "SELECT source_row_number, complaint_id, source_record_id, received_date, response_days, "
                            "outcome_code FROM core_complaints ORDER BY source_row_number")
    assert [(n, d, days, o) for n, _, _, d, days, o in stored] == [
        (2, date(2015, 9, 24), 5, "explained"), (3, date(2015, 3, 5), 0, "closed"), (4, date(2015, 3, 5), 0, "closed"),
        (5, date(2014, 12, 1), 2, "non_monetary_relief"), (7, date(2016, 1, 15), 0, "explained")]
    ids = {n: rid for n, _, rid, *_ in stored}
    assert all(cid == "cfpb:" + rid for _, cid, rid, *_ in stored)
    assert all(re.fullmatch(r"h[0-9a-f]{16}", ids[n]) for n in (2, 3, 5, 7))
    assert ids[4] == ids[3] + "-2"
    assert len(set(ids.values())) == 5
    assert labels_of(db_path) == {
        ids[2]: {(C, "TIME_INCONVENIENT")}, ids[3]: {(D, "DEBT_NOT_OWED")}, ids[4]: {(D, "DEBT_NOT_OWED")},
        ids[5]: {(C, "EMPLOYER_CONTACT"), (C, "CEASE_IGNORED")}, ids[7]: {(D, "FEES_OR_INTEREST")}}
    assert query(db_path, "SELECT source_row_number, column_name, raw_value FROM core_quarantine") == [
        (6, "date_received", "13/32/2015")]
    # raw keeps the file as it came: no Complaint ID
    assert query(db_path, "SELECT count(*), count(complaint_id) FROM raw_cfpb__complaints") == [(6, 0)]
    before = table_counts(db_path)

    # The same file again, byte for byte: nothing added (its quarantined row counted as such).
    (again,) = run_import([src], "cfpb", db_path)
    assert (again.status, again.accepted_count, again.quarantined_count, again.unchanged_count) == (
        "already_imported", 0, 1, 5)

    # The same rows re-saved by another tool: snake_case header, rows in reverse order, CRLF,
    # ISO dates. Same ids, nothing added or updated.
    def iso(text: str) -> str:
        return datetime.strptime(text, "%m/%d/%Y").date().isoformat() if re.fullmatch(r"\d+/\d+/\d{4}", text) and \
            int(text.split("/")[0]) <= 12 else text
    resaved_rows = [[iso(v) if i in (0, 10) else v for i, v in enumerate(row)] for row in reversed(LEGACY_NO_ID_ROWS)]
    resaved = write_csv(tmp_path / "legacy_no_id_resaved.csv", [h.lower().replace(" ", "_").rstrip("?")
                                                               for h in LEGACY_NO_ID_HEADER],
                        resaved_rows, lineterminator="\r\n")
    assert resaved_rows[0][0] == "2016-01-15"
    (rep2,) = run_import([resaved], "cfpb", db_path)
    assert (rep2.status, rep2.row_count, rep2.accepted_count, rep2.updated_count, rep2.unchanged_count,
            rep2.quarantined_count) == ("imported", 6, 0, 0, 5, 1)
    assert rep2.row_count == rep2.accepted_count + rep2.quarantined_count + rep2.unchanged_count
    after = table_counts(db_path)
    for table in ("core_complaints", "core_incidents", "core_complaint_labels", "core_qa_issues"):
        assert after[table] == before[table], table
    assert query(db_path, "SELECT source_row_number, source_record_id FROM core_complaints ORDER BY 1") == [
        (n, ids[n]) for n in (2, 3, 4, 5, 7)]

    # A corrected row (a new company response) is matched by content: a new complaint, as warned.
    corrected = [list(r) for r in LEGACY_NO_ID_ROWS]
    corrected[0][11] = "Closed with monetary relief"
    (rep3,) = run_import([write_csv(tmp_path / "legacy_no_id_corrected.csv", LEGACY_NO_ID_HEADER, corrected)],
                         "cfpb", db_path)
    assert (rep3.accepted_count, rep3.updated_count, rep3.unchanged_count, rep3.quarantined_count) == (1, 0, 4, 1)
    assert query(db_path, "SELECT outcome_code, count(*) FROM complaints WHERE received_date = DATE '2015-09-24' "
                          "GROUP BY 1 ORDER BY 1") == [("explained", 1), ("monetary_relief", 1)]


def test_vintage__carried_over_sent_date_is_read_as_its_own_file_was(tmp_path):
    """A later file without Date sent to company keeps the earlier value, read day first
    when the earlier file was day first."""
    db_path = tmp_path / "cw.duckdb"
    first = write_csv(tmp_path / "dmy.csv", CFPB_HEADER, date_rows([("03/04/2019", "05/04/2019"),
                                                                    ("24/09/2019", "30/09/2019")]))
    run_import([first], "cfpb", db_path)
    assert dates_of(db_path) == [("9500001", date(2019, 4, 3), 2), ("9500002", date(2019, 9, 24), 6)]
    rows = date_rows([("2019-04-03", ""), ("2019-09-24", "")])
    rows[0][14] = "Closed with monetary relief"  # row 1 changed: it is rewritten with the carried date
    sent = CFPB_HEADER.index("Date sent to company")
    later = write_csv(tmp_path / "no_sent_date.csv", [h for i, h in enumerate(CFPB_HEADER) if i != sent],
                      [[v for i, v in enumerate(r) if i != sent] for r in rows])
    (rep,) = run_import([later], "cfpb", db_path)
    assert (rep.accepted_count, rep.updated_count, rep.unchanged_count, rep.qa_issue_count) == (1, 1, 1, 0)
    assert dates_of(db_path) == [("9500001", date(2019, 4, 3), 2), ("9500002", date(2019, 9, 24), 6)]
    assert query(db_path, "SELECT outcome_code FROM complaints WHERE source_record_id = '9500001'") == [
        ("monetary_relief",)]


def test_ids_with_leading_zeros_are_one_complaint_and_0_is_refused(tmp_path):
    """CFPB numbers complaints from 1 with no leading zeros: 009400001 (a tool padded it) and
    9400001 are the same complaint, within a file and across files; an id of 0 is quarantined
    with its reason; control characters (a NUL from a broken export) leave the stored values."""
    def row(cid, company="Acme Collections, LLC"):
        return [*TWO_ROWS[0][:7], company, *TWO_ROWS[0][8:17], cid]
    path = tmp_path / "z.duckdb"
    first = tmp_path / "a.csv"
    write_csv(first, CFPB_HEADER, [row("009400001"), row("0"), row("9400002", "ACME\x00 Collections\x07")])
    [rep] = run_import([first], "cfpb", path, classify="none")
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (3, 2, 1)
    assert query(path, "SELECT complaint_id, collector_name FROM core_complaints ORDER BY 1") == [
        ("cfpb:9400001", "Acme Collections, LLC"), ("cfpb:9400002", "ACME Collections")]
    assert query(path, "SELECT raw_value, reason FROM core_quarantine") == [
        ("0", "Complaint ID is 0: CFPB numbers complaints from 1")]
    again = tmp_path / "b.csv"
    write_csv(again, CFPB_HEADER, [row("9400001"), row("09400001")])
    [rep] = run_import([again], "cfpb", path, classify="none")
    # the same complaint with the same content: its id written without the padding is no update
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.updated_count,
            rep.unchanged_count) == (2, 0, 1, 0, 1)
    assert query(path, "SELECT count(*) FROM core_complaints") == [(2,)]
    assert query(path, "SELECT reason FROM core_quarantine WHERE raw_value = '09400001'") == [
        ("Complaint ID appears more than once in this file (first at row 2)",)]
    # Padded to 10 digits and more (a spreadsheet's fixed-width column) it is still the complaint, not
    # a phone number to mask; a number too long to be a CFPB complaint is masked as before, so the
    # quarantine keeps no personal data. Empty cells written as "None" are no change either.
    padded = tmp_path / "c.csv"
    write_csv(padded, CFPB_HEADER, [row("0009400002", "ACME Collections"), row("0000009400004"),
                                    row("13812345678"), [*row("9400001")[:10], "None", *row("9400001")[11:]]])
    [rep] = run_import([padded], "cfpb", path, classify="none")
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count, rep.updated_count,
            rep.unchanged_count) == (4, 1, 1, 0, 2)
    assert query(path, "SELECT complaint_id FROM core_complaints ORDER BY 1") == [
        ("cfpb:9400001",), ("cfpb:9400002",), ("cfpb:9400004",)]
    assert query(path, "SELECT complaint_id FROM raw_cfpb__complaints WHERE import_id = ? ORDER BY source_row_number",
                 [rep.import_id]) == [("0009400002",), ("0000009400004",), ("[PHONE]",), ("9400001",)]
    assert query(path, "SELECT raw_value FROM core_quarantine WHERE import_id = ?", [rep.import_id]) == [("[PHONE]",)]


def test_narrative_incidents__only_of_collection_complaints_or_collection_narratives(tmp_path):
    """A narrative's contacts are collection incidents when the complaint is a collection
    complaint by its fields (CFPB product "Debt collection") or the narrative is about
    collecting a debt; a loan application's "I called and spoke to someone" is not (a
    fresh-user tester found phone and e-mail "collection incidents" in such a complaint)."""
    application = ("I applied for a line of credit and was turned down. I called and spoke to someone on "
                   "Tuesday and sent several emails, but nobody from the lender would call me back.")
    lender = "The lender calls me six times a day about my past due payments."

    def row(cid: str, product: str, narrative: str) -> list[str]:
        return ["2023-05-02", product, "", "Getting a line of credit", "", narrative, "", "Lender Inc", "TX", "75001",
                "", "Consent provided", "Web", "2023-05-02", "Closed with explanation", "Yes", "N/A", cid]

    src = write_csv(tmp_path / "narratives.csv", CFPB_HEADER, [
        row("9600001", "Payday loan, title loan, or personal loan", application),
        row("9600002", "Debt collection", application),
        row("9600003", "Consumer Loan", lender)])
    db_path = tmp_path / "cw.duckdb"
    run_import([src], "cfpb", db_path)
    got = {rid: n for rid, n in query(db_path, "SELECT c.source_record_id, count(i.incident_id) FROM complaints c "
                                               "LEFT JOIN incidents i ON i.complaint_id = c.complaint_id "
                                               "AND i.time_source = 'narrative' GROUP BY 1")}
    assert got == {"9600001": 0, "9600002": 1, "9600003": 1}


def test_zip__the_cfpb_download_is_read_as_it_is(tmp_path):
    """consumerfinance.gov offers the database as complaints.csv.zip (one CSV inside): it is read
    from the archive, with a note, as the same complaints the CSV holds; an archive of several
    files is refused with the names inside and nothing written (it was called "a spreadsheet
    workbook")."""
    import zipfile
    csv_path = write_csv(tmp_path / "complaints.csv", CFPB_HEADER, TWO_ROWS)
    zipped = tmp_path / "complaints.csv.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(csv_path, "complaints.csv")
    db_path = tmp_path / "cw.duckdb"
    [rep] = run_import([zipped], "cfpb", db_path, classify="none")
    assert (rep.source_file, rep.row_count, rep.accepted_count) == ("complaints.csv.zip", 2, 2)
    assert "read complaints.csv from the ZIP archive" in rep.notes
    [rep] = run_import([csv_path], "cfpb", db_path, classify="none")
    assert (rep.row_count, rep.accepted_count, rep.unchanged_count) == (2, 0, 2)
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.write(csv_path, "a.csv")
        zf.write(csv_path, "b.csv")
    with pytest.raises(ImportRefused, match=r"two.zip: a ZIP archive that does not hold exactly one CSV file "
                                            r"\(it holds: a.csv, b.csv\)"):
        run_import([two], "cfpb", db_path)
    assert query(db_path, "SELECT count(*) FROM meta_imports") == [(2,)]


def test_an_older_export_after_a_newer_one_is_said_and_the_newer_one_can_be_read_again(tmp_path):
    """A company's response only moves on from "In progress": an export that takes complaints back
    to it came before the one imported earlier. The file's version is kept (it is what the file
    says), a note says how many went back, and importing the newer file again reads it (it was
    skipped as "already imported", so the older version stayed). Re-importing the same bytes when
    nothing came between is still skipped, with the rows quarantined then counted as such."""
    new = [list(r) for r in TWO_ROWS]
    old = [list(r) for r in TWO_ROWS]
    for r in old:
        r[14] = "In progress"
    new_csv = write_csv(tmp_path / "v2.csv", CFPB_HEADER, new + [[*TWO_ROWS[0][:17], "0"]])
    old_csv = write_csv(tmp_path / "v1.csv", CFPB_HEADER, old)
    db_path = tmp_path / "cw.duckdb"
    [rep] = run_import([new_csv], "cfpb", db_path, classify="none")
    assert (rep.accepted_count, rep.quarantined_count) == (2, 1)
    [rep] = run_import([old_csv], "cfpb", db_path, classify="none")
    assert rep.updated_count == 2
    assert ('2 complaints went back to "In progress" from a company response already given: is this file an older '
            'export than one imported before? (the file\'s version is kept; import the newer export again to restore '
            'it)') in rep.notes
    assert query(db_path, "SELECT DISTINCT outcome_code FROM core_complaints") == [("in_progress",)]
    [rep] = run_import([new_csv], "cfpb", db_path, classify="none")
    assert (rep.status, rep.updated_count) == ("imported", 2)
    assert query(db_path, "SELECT outcome_code FROM core_complaints ORDER BY 1") == [("explained",), ("monetary_relief",)]
    [rep] = run_import([new_csv], "cfpb", db_path, classify="none")
    assert (rep.status, rep.row_count, rep.quarantined_count, rep.unchanged_count) == ("already_imported", 3, 1, 2)


def test_a_database_written_before_the_values_were_compared_as_read_sees_no_updates(tmp_path):
    """Stored hashes of complaints imported before 2026-12-07 hashed the raw text ("N/A" and an
    empty cell differed). The first import after must not count every shared complaint as
    updated (and read its narrative again: hours on the whole database): a row whose old-style
    hash equals the stored one is unchanged."""
    from analysis.ingest.cfpb import DATA_COLUMNS
    db_path = tmp_path / "cw.duckdb"
    first = write_csv(tmp_path / "a.csv", CFPB_HEADER, TWO_ROWS)
    run_import([first], "cfpb", db_path, classify="none")
    legacy = "md5(concat_ws(chr(31), " + ", ".join(
        f"coalesce(replace(r.{c}, chr(13) || chr(10), chr(10)), '')" for c in DATA_COLUMNS) + "))"
    with db.write_transaction(db_path, "store hashes as written before") as con:
        con.execute(f"UPDATE core_complaints c SET source_record_hash = {legacy} FROM raw_cfpb__complaints r "
                    "WHERE c.complaint_id = 'cfpb:' || r.complaint_id")
    assert "N/A" in TWO_ROWS[0]  # so the two hashes differ
    again = write_csv(tmp_path / "b.csv", CFPB_HEADER, TWO_ROWS + [[*TWO_ROWS[0][:17], "9400099"]])
    [rep] = run_import([again], "cfpb", db_path, classify="none")
    assert (rep.accepted_count, rep.updated_count, rep.unchanged_count) == (1, 0, 2)


def test_newer_and_older_exports_in_one_command_then_the_newer_again(tmp_path):
    """Files of one command share a transaction: the newer export re-imported after an older
    one of the same command is read (imports are ordered by the clock, not the transaction's
    start), and a re-read file lists its quarantined rows once on the Data page."""
    from analysis import queries
    new = [list(r) for r in TWO_ROWS] + [[*TWO_ROWS[0][:17], "0"]]
    old = [list(r) for r in TWO_ROWS]
    for r in old:
        r[14] = "In progress"
    new_csv = write_csv(tmp_path / "v2.csv", CFPB_HEADER, new)
    old_csv = write_csv(tmp_path / "v1.csv", CFPB_HEADER, old)
    db_path = tmp_path / "cw.duckdb"
    run_import([new_csv, old_csv], "cfpb", db_path, classify="none")
    assert query(db_path, "SELECT DISTINCT outcome_code FROM core_complaints") == [("in_progress",)]
    [rep] = run_import([new_csv], "cfpb", db_path, classify="none")
    assert (rep.status, rep.updated_count, rep.quarantined_count) == ("imported", 2, 1)
    assert query(db_path, "SELECT outcome_code FROM core_complaints ORDER BY 1") == [("explained",), ("monetary_relief",)]
    assert query(db_path, "SELECT count(*) FROM core_quarantine") == [(2,)]  # each reading keeps its own rows
    with db.connect_read_only(db_path) as con:
        shown = queries.query_quarantine(db.read_cursor(con))
    assert len(shown) == 1 and shown["import_id"].tolist() == [rep.import_id]


def test_zip__an_encrypted_member_is_refused_in_words(tmp_path):
    """A password-protected archive gave a RuntimeError traceback."""
    import zipfile
    csv_path = write_csv(tmp_path / "complaints.csv", CFPB_HEADER, TWO_ROWS)
    zipped = tmp_path / "complaints.csv.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(csv_path, "complaints.csv")
    data = bytearray(zipped.read_bytes())
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" bit in both headers
        i = data.find(sig)
        data[i + flag_at] |= 0x1
    zipped.write_bytes(bytes(data))
    with pytest.raises(ImportRefused, match="complaints.csv.zip: complaints.csv in the ZIP archive is encrypted"):
        run_import([zipped], "cfpb", tmp_path / "cw.duckdb")
