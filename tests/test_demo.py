"""Tests of the built-in synthetic demonstration data (analysis/demo.py)."""
from __future__ import annotations

import datetime as dt
import re
import threading
import time
from pathlib import Path

import duckdb
import pytest

from analysis import codes, db, demo
from analysis.build import build_marts
from analysis.rules import classify_contact_time
from tests.conftest import IN_CI, RULEBOOK_MD, SHARED

TABLES = ("meta_sources", "core_complaints", "core_incidents", "core_complaint_labels")
ORDER = {"meta_sources": "source", "core_complaints": "complaint_id", "core_incidents": "incident_id",
         "core_complaint_labels": "complaint_id, label_kind, label_code"}
RULEBOOK = SHARED / RULEBOOK_MD


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    # The generator's own output (ensure_demo_database also runs the narrative classifier,
    # whose incidents are tested in test_ensure_demo_database__adds_narrative_labels).
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with db.write_transaction(path) as con:
        demo.build_demo(con)
        build_marts(con)
    return path


@pytest.fixture(scope="module")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


def _contents(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as c:
        return {t: c.execute(f"SELECT * FROM {t} ORDER BY {ORDER[t]}").fetchall() for t in TABLES}


def test_deterministic_same_seed_same_content(demo_db, tmp_path):
    other = tmp_path / "again.duckdb"
    with db.write_transaction(other) as c:
        demo.build_demo(c)
    a, b = _contents(demo_db), _contents(other)
    for t in TABLES:
        assert len(a[t]) > 0
        assert a[t] == b[t], t


def test_other_seed_differs(tmp_path):
    with db.write_transaction(tmp_path / "s1.duckdb") as c:
        demo.build_demo(c, seed=1)
    with db.write_transaction(tmp_path / "s2.duckdb") as c:
        demo.build_demo(c, seed=2)
    a, b = _contents(tmp_path / "s1.duckdb"), _contents(tmp_path / "s2.duckdb")
    assert a["meta_sources"] == b["meta_sources"]
    assert a["core_incidents"] != b["core_incidents"]


def test_ensure_existing_returns_false_and_leaves_file(demo_db):
    before = db.fingerprint(demo_db)
    assert demo.ensure_demo_database(demo_db) is False
    assert db.fingerprint(demo_db) == before


def test_concurrent_callers_build_once(tmp_path):
    path = tmp_path / "race.duckdb"
    results, errors = [], []

    def run():
        try:
            results.append(demo.ensure_demo_database(path))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert sorted(results) == [False, False, True]
    with duckdb.connect(str(path), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM core_complaints").fetchone()[0] == 2700
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.duckdb", "race.duckdb.lock", "race.duckdb.store"]


def test_failed_build_leaves_nothing(tmp_path, monkeypatch):
    path = tmp_path / "broken.duckdb"

    def boom(con, **kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(demo, "build_demo", boom)
    with pytest.raises(RuntimeError):
        demo.ensure_demo_database(path)
    assert not path.exists()


def test_counts_per_source_and_returned_counts(con, tmp_path):
    rows = con.execute("SELECT source, jurisdiction, count(*), count(DISTINCT complaint_id), "
                       "min(language), max(language) FROM core_complaints GROUP BY ALL ORDER BY 1").fetchall()
    assert rows == [("demo_cn", "CN", 1800, 1800, "zh", "zh"), ("demo_us", "US", 900, 900, "en", "en")]
    src = con.execute("SELECT source, jurisdiction, is_synthetic, name_en, name_zh, note_en "
                      "FROM meta_sources ORDER BY source").fetchall()
    assert [(s, j, syn) for s, j, syn, *_ in src] == [("demo_cn", "CN", True), ("demo_us", "US", True)]
    for _, _, _, name_en, name_zh, note_en in src:
        assert name_en.startswith("Synthetic demo data")
        assert "演示数据（合成" in name_zh
        assert "Not real complaints" in note_en
    with db.write_transaction(tmp_path / "c.duckdb") as c:
        counts = demo.build_demo(c)
        actual = {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    assert counts == actual
    assert counts["meta_sources"] == 2 and counts["core_complaints"] == 2700
    assert 2700 <= counts["core_incidents"] <= 6 * 2700


def test_rebuild_replaces_demo_rows_only(tmp_path):
    path = tmp_path / "twice.duckdb"
    with db.write_transaction(path) as c:
        demo.build_demo(c)
        c.execute("INSERT INTO core_complaints (complaint_id, source) VALUES ('cfpb:1', 'cfpb')")
        first = demo.build_demo(c)
        assert c.execute("SELECT count(*) FROM core_complaints").fetchone()[0] == first["core_complaints"] + 1
        assert c.execute("SELECT count(*) FROM core_incidents").fetchone()[0] == first["core_incidents"]
        assert c.execute("SELECT count(*) FROM meta_sources").fetchone()[0] == 2


def test_lineage_and_ids(con):
    bad = con.execute("""
        SELECT count(*) FROM core_complaints
        WHERE complaint_id <> source || ':' || source_record_id
           OR NOT regexp_full_match(source_record_id, '(CN|US)-[0-9]{6}')
           OR left(source_record_id, 2) <> jurisdiction
           OR import_id <> 'demo' OR source_file <> 'built-in demonstration data'
           OR NOT regexp_full_match(source_record_hash, '[0-9a-f]{32}')
           OR source_row_number <> CAST(right(source_record_id, 6) AS BIGINT)
    """).fetchone()[0]
    assert bad == 0
    assert con.execute("SELECT count(*) FROM core_incidents WHERE NOT "
                       "regexp_full_match(incident_id, complaint_id || '#[1-6]')").fetchone()[0] == 0


def test_ensure_demo_database__adds_narrative_labels(tmp_path):
    path = tmp_path / "default.duckdb"
    assert demo.ensure_demo_database(path) is True
    assert demo.ensure_demo_database(path) is False
    with duckdb.connect(str(path), read_only=True) as c:
        n_narr = c.execute("SELECT count(*) FROM core_complaints WHERE has_narrative").fetchone()[0]
        rows = c.execute("""
            SELECT count(*), count(DISTINCT complaint_id),
                   count(*) FILTER (WHERE NOT regexp_full_match(incident_id, complaint_id || '#n[0-9]+')),
                   count(*) FILTER (WHERE time_precision = 'exact' AND occurred_hour IS NULL),
                   count(*) FILTER (WHERE time_precision <> 'exact' AND occurred_hour IS NOT NULL)
            FROM core_incidents WHERE time_source = 'narrative'""").fetchone()
        labels = c.execute("SELECT count(*), count(*) FILTER (WHERE evidence IS NULL) FROM core_complaint_labels "
                           "WHERE label_source = 'narrative'").fetchone()
        marts = c.execute("SELECT (SELECT count(*) FROM mart_incident_facts), "
                          "(SELECT count(*) FROM core_incidents)").fetchone()
    assert n_narr > 2000
    assert rows[0] > 1000 and rows[1] > 1000 and rows[2:] == (0, 0, 0)
    assert labels[0] > 1000 and labels[1] == 0
    assert marts[0] == marts[1]


def test_every_coded_value_is_in_its_code_list(con):
    checks = [
        ("core_complaints", "jurisdiction", "jurisdiction"), ("core_complaints", "filed_with", "filed_with"),
        ("core_complaints", "submission_medium", "submission_medium"),
        ("core_complaints", "outcome_code", "outcome"),
        ("core_incidents", "time_precision", "time_precision"), ("core_incidents", "time_source", "time_source"),
        ("core_incidents", "daypart_code", "daypart"), ("core_incidents", "method_code", "method"),
        ("core_incidents", "recipient_code", "recipient"),
        ("core_incidents", "time_rule_status", "time_rule_status"),
        ("core_complaint_labels", "label_kind", "label_kind"),
        ("core_complaint_labels", "label_source", "label_source"),
    ]
    for table, column, code_list in checks:
        values = {v for (v,) in con.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()}
        assert values, (table, column)
        assert values <= set(codes.codes(code_list)), (table, column, values - set(codes.codes(code_list)))
    for kind, code_list in (("conduct", "conduct"), ("debt_issue", "debt_issue"), ("demand", "demand")):
        values = {v for (v,) in con.execute("SELECT DISTINCT label_code FROM core_complaint_labels "
                                            "WHERE label_kind = ?", [kind]).fetchall()}
        assert values and values <= set(codes.codes(code_list)), (kind, values)
    # required coded columns are never NULL
    assert con.execute("SELECT count(*) FROM core_complaints WHERE filed_with IS NULL OR submission_medium IS NULL "
                       "OR outcome_code IS NULL OR region IS NULL OR creditor_name IS NULL").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM core_incidents WHERE method_code IS NULL OR recipient_code IS NULL "
                       "OR time_precision IS NULL OR time_rule_status IS NULL").fetchone()[0] == 0
    # demand labels are CN only; daypart code iff precision daypart
    assert con.execute("SELECT count(*) FROM core_complaint_labels l JOIN core_complaints c USING (complaint_id) "
                       "WHERE l.label_kind = 'demand' AND c.jurisdiction <> 'CN'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM core_incidents WHERE (daypart_code IS NOT NULL) <> "
                       "(time_precision = 'daypart')").fetchone()[0] == 0


def test_outside_flag_agrees_with_rules_for_every_exact_incident(con):
    rows = con.execute("""
        SELECT i.incident_id, c.jurisdiction, i.occurred_at, i.occurred_hour, i.occurred_date,
               i.is_outside_permitted_hours, i.time_rule_status, i.time_rule_id
        FROM core_incidents i JOIN core_complaints c USING (complaint_id)
        WHERE i.time_precision = 'exact'
    """).fetchall()
    assert len(rows) > 2000
    statuses = set()
    for iid, j, at, hour, day, outside, status, rule_id in rows:
        assert at is not None and hour == at.hour and day == at.date(), iid
        exp_status, exp_rule = classify_contact_time(j, at.hour, at.minute, at.second)
        assert (status, rule_id) == (exp_status, exp_rule), iid
        assert outside is (exp_status == "outside"), iid
        statuses.add((j, status))
    assert statuses == {("CN", "inside"), ("CN", "outside"), ("US", "inside"), ("US", "outside"),
                        ("US", "boundary")}


def test_boundary_times_present(con):
    rows = con.execute("""
        SELECT c.jurisdiction, i.time_rule_status, i.is_outside_permitted_hours, count(*)
        FROM core_incidents i JOIN core_complaints c USING (complaint_id)
        WHERE i.time_precision = 'exact' AND strftime(i.occurred_at, '%H:%M:%S') IN ('21:00:00', '22:00:00')
          AND hour(i.occurred_at) = CASE c.jurisdiction WHEN 'US' THEN 21 ELSE 22 END
        GROUP BY ALL ORDER BY 1
    """).fetchall()
    assert [r[:3] for r in rows] == [("CN", "outside", True), ("US", "boundary", False)]
    assert all(n >= 5 for *_, n in rows)


def test_night_share_and_hours(con):
    share = dict(con.execute("""
        SELECT c.jurisdiction, avg(CASE WHEN i.is_outside_permitted_hours THEN 1.0 ELSE 0.0 END)
        FROM core_incidents i JOIN core_complaints c USING (complaint_id)
        WHERE i.time_precision = 'exact' GROUP BY ALL
    """).fetchall())
    assert 0.08 < share["CN"] < 0.35
    assert 0.02 < share["US"] < share["CN"]
    # late evening (22-24) is a visible share of CN night contacts
    cn_late = con.execute("""
        SELECT count(*) FILTER (WHERE occurred_hour IN (22, 23)) / count(*) FILTER (WHERE is_outside_permitted_hours)
        FROM core_incidents WHERE complaint_id LIKE 'demo_cn:%' AND time_precision = 'exact'
    """).fetchone()[0]
    assert cn_late > 0.3


def test_non_exact_incidents_have_no_hour(con):
    rows = con.execute("""
        SELECT time_precision, count(*),
               count(*) FILTER (WHERE occurred_hour IS NOT NULL OR occurred_at IS NOT NULL
                                OR is_outside_permitted_hours IS NOT NULL OR time_rule_id IS NOT NULL
                                OR time_rule_status <> 'unknown'),
               count(*) FILTER (WHERE occurred_date IS NULL)
        FROM core_incidents WHERE time_precision <> 'exact' GROUP BY ALL ORDER BY 1
    """).fetchall()
    by = {p: (n, bad, no_date) for p, n, bad, no_date in rows}
    assert set(by) == {"date_only", "daypart", "unknown"}
    for p, (n, bad, no_date) in by.items():
        assert n > 0 and bad == 0, p
        assert no_date == (n if p == "unknown" else 0), p
    # letters carry a date, never a clock time or daypart
    assert con.execute("SELECT count(*) FROM core_incidents WHERE method_code = 'letter' "
                       "AND time_precision IN ('exact', 'daypart')").fetchone()[0] == 0


def test_dates_in_range_and_incidents_before_complaint(con):
    lo, hi = con.execute("SELECT min(received_date), max(received_date) FROM core_complaints").fetchone()
    assert lo >= dt.date(2024, 1, 1) and hi <= dt.date(2026, 10, 31)
    assert hi <= dt.date(2026, 11, 29)
    late = con.execute("""
        SELECT count(*) FROM core_incidents i JOIN core_complaints c USING (complaint_id)
        WHERE i.occurred_date > c.received_date OR i.occurred_at::DATE > c.received_date
           OR i.occurred_date < c.received_date - INTERVAL 45 DAY
    """).fetchone()[0]
    assert late == 0


def test_referential_integrity_and_incident_counts(con):
    for table in ("core_incidents", "core_complaint_labels"):
        orphans = con.execute(f"SELECT count(*) FROM {table} WHERE complaint_id NOT IN "
                              "(SELECT complaint_id FROM core_complaints)").fetchone()[0]
        assert orphans == 0, table
    lo, hi, missing = con.execute("""
        SELECT min(n), max(n), count(*) FILTER (WHERE n IS NULL) FROM core_complaints c
        LEFT JOIN (SELECT complaint_id, count(*) AS n FROM core_incidents GROUP BY 1) USING (complaint_id)
    """).fetchone()
    assert (lo, hi, missing) == (1, 6, 0)
    dup = con.execute("SELECT count(*) FROM (SELECT complaint_id, label_kind, label_code FROM "
                      "core_complaint_labels GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
    assert dup == 0


def test_conduct_labels_consistent_with_incidents(con):
    def mismatch(code: str, incident_condition: str) -> int:
        return con.execute(f"""
            WITH inc AS (SELECT complaint_id, bool_or({incident_condition}) AS hit
                         FROM core_incidents GROUP BY 1),
                 lab AS (SELECT DISTINCT complaint_id FROM core_complaint_labels
                         WHERE label_kind = 'conduct' AND label_code = '{code}')
            SELECT count(*) FROM inc LEFT JOIN lab USING (complaint_id)
            WHERE coalesce(inc.hit, FALSE) <> (lab.complaint_id IS NOT NULL)
        """).fetchone()[0]

    assert mismatch("TIME_INCONVENIENT", "coalesce(is_outside_permitted_hours, FALSE)") == 0
    assert mismatch("CONTACT_LIST_BLAST", "recipient_code = 'contact_list'") == 0
    assert mismatch("EMPLOYER_CONTACT", "recipient_code = 'employer_or_coworker'") == 0
    assert mismatch("PUBLIC_SHAMING", "method_code = 'social_media_public'") == 0
    # every conduct label: field source, evidence from the generator, a rule of its jurisdiction
    rows = con.execute("""
        SELECT c.jurisdiction, l.label_code, l.label_source, l.rule_id, l.evidence
        FROM core_complaint_labels l JOIN core_complaints c USING (complaint_id)
        WHERE l.label_kind = 'conduct'
    """).fetchall()
    rulebook = RULEBOOK.read_text(encoding="utf-8") if RULEBOOK.exists() or IN_CI else None
    for j, code, src, rule_id, evidence in rows:
        assert src == "field" and evidence.startswith("demo generator: "), (code, evidence)
        assert rule_id == demo.CONDUCT_RULES[j].get(code), (j, code, rule_id)
        if rule_id is not None:
            assert rule_id.startswith(j + "-") and re.fullmatch(r"[A-Z]{2}-[A-Z0-9]+-\d\d", rule_id)
            if rulebook is not None:
                assert f"| {rule_id} |" in rulebook, rule_id
    assert con.execute("SELECT rule_id FROM core_complaint_labels WHERE label_code = 'TIME_INCONVENIENT' "
                       "GROUP BY 1 ORDER BY 1").fetchall() == [("CN-TIME-01",), ("US-TIME-01",)]
    # some complaints have no conduct at all
    none = con.execute("SELECT count(*) FROM core_complaints WHERE complaint_id NOT IN (SELECT complaint_id "
                       "FROM core_complaint_labels WHERE label_kind = 'conduct')").fetchone()[0]
    assert 50 < none < 1000


def test_names_and_products_marked_as_demo(con):
    rows = con.execute("SELECT jurisdiction, creditor_name, collector_name, product FROM core_complaints").fetchall()
    for j, creditor, collector, product in rows:
        mark = "【演示】" if j == "CN" else "[DEMO] "
        assert creditor.startswith(mark), creditor
        assert collector is None or collector.startswith(mark), collector
        if j == "CN":
            assert product.endswith("(演示)"), product
        else:
            assert product in ("Debt collection", "Payday loan, title loan, or personal loan"), product


def test_channels_differ_in_outcome(con):
    share = dict(con.execute("""
        SELECT filed_with, avg(CASE WHEN outcome_code IN ('monetary_relief', 'non_monetary_relief') THEN 1.0 ELSE 0 END)
        FROM core_complaints WHERE source = 'demo_cn' GROUP BY 1
    """).fetchall())
    assert set(share) == {"complaint_platform", "consumer_association", "financial_regulator", "company",
                          "industry_association", "police"}
    assert share["financial_regulator"] > share["complaint_platform"] > share["police"]
    assert con.execute("SELECT count(*) FROM core_complaints WHERE response_days < 0 OR response_days > 60"
                       ).fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM core_complaints WHERE outcome_code = 'no_response' "
                       "AND is_timely_response").fetchone()[0] == 0


def test_narratives_match_flags(con):
    bad = con.execute("""
        SELECT count(*) FROM core_complaints
        WHERE has_narrative <> (narrative IS NOT NULL) OR (language IS NULL) <> (narrative IS NULL)
    """).fetchone()[0]
    assert bad == 0
    share = dict(con.execute("SELECT source, avg(has_narrative::INT) FROM core_complaints GROUP BY 1").fetchall())
    assert share["demo_cn"] > 0.85 and 0.3 < share["demo_us"] < 0.9
    # an exact CN incident's hour appears in its complaint's narrative (first incident only)
    rows = con.execute("""
        SELECT c.narrative, i.occurred_hour, i.occurred_date FROM core_incidents i JOIN core_complaints c
        USING (complaint_id) WHERE c.source = 'demo_cn' AND c.has_narrative AND i.time_precision = 'exact'
        AND i.incident_id LIKE '%#1' LIMIT 200
    """).fetchall()
    for narrative, hour, day in rows:
        h12 = hour if hour <= 12 else hour - 12
        assert f"{day.month}月{day.day}日" in narrative and f"{h12}点" in narrative, narrative


def test_creditor_trend_getting_worse(con):
    rows = dict(con.execute("""
        SELECT year(received_date), count(*) FROM core_complaints
        WHERE creditor_name = '【演示】速借花' GROUP BY 1
    """).fetchall())
    assert rows[2025] > rows[2024] * 1.2
