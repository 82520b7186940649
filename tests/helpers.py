"""Shared test helpers: a tiny hand-made database whose every number is known."""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from analysis import db
from analysis.store import mark_all_changed
from tests.conftest import CFPB_COMPLAINTS, SHARED

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = SHARED / "data"
# The CFPB complaint exports (not the narratives-only pool, which is no export). Listed even
# without ../shared: tests that import them are marked require_shared(*CFPB_COMPLAINTS).
CFPB_FILES = [SHARED / rel for rel in CFPB_COMPLAINTS]


def _complaint(cid, source, jur, received, company, filed_with, medium, outcome, timely, days, product="Debt collection"):
    src_id = cid.split(":", 1)[1]
    return dict(complaint_id=cid, source=source, source_record_id=src_id, jurisdiction=jur, received_date=received,
                product=product, sub_product=None, issue=None, sub_issue=None,
                creditor_name=None, collector_name=company, region="CA" if jur == "US" else "广东",
                filed_with=filed_with, submission_medium=medium, outcome_code=outcome, is_timely_response=timely,
                response_days=days, has_narrative=False, narrative=None, language=None, source_record_hash="x",
                import_id="t", source_file="tiny", source_row_number=1)


def _incident(iid, cid, when, precision, method, recipient, outside, status, rule, source="field"):
    return dict(incident_id=iid, complaint_id=cid, occurred_date=when.date() if when else None,
                occurred_at=when if precision == "exact" else None,
                occurred_hour=when.hour if precision == "exact" else None, time_precision=precision,
                time_source=source, daypart_code=None, method_code=method, recipient_code=recipient,
                is_outside_permitted_hours=outside, time_rule_status=status, time_rule_id=rule)


def build_demo_db(path: Path) -> Path:
    """A database at ``path`` holding exactly the demonstration data (``analysis.demo``) and its
    marts, as ``run.sh`` builds it but without reading the narratives. Returns ``path``."""
    from analysis import db
    from analysis.build import build_marts
    from analysis.demo import build_demo
    with db.write_transaction(path) as con:
        build_demo(con)
        build_marts(con)
    return path


def build_tiny_db(path: Path) -> Path:
    """Four complaints, five incidents, known labels:

    - us:1  2024-01-10 AcmeCollect  web/financial_regulator explained timely 2d; conducts TIME_INCONVENIENT,
      FREQ_EXCESSIVE_CALLS; incidents: call Wed 2024-01-03 22:30 (outside), call Thu 2024-01-04 21:00 (boundary)
    - us:2  2024-02-05 AcmeCollect  phone/financial_regulator monetary_relief not timely 10d; conduct ABUSIVE_LANGUAGE;
      incident: sms outside_window_only
    - cn:3  2024-02-20 速借花 app/complaint_platform in_progress (timely unknown) ; conducts CONTACT_LIST_BLAST,
      TIME_INCONVENIENT; incidents: call Sat 2024-02-17 23:15 (outside), sms 2024-02-18 daypart
    - cn:4  2024-03-01 速借花 web/consumer_association explained timely 5d; no conduct; no incident
    """
    complaints = pd.DataFrame([
        _complaint("us:1", "demo_us", "US", date(2024, 1, 10), "AcmeCollect", "financial_regulator", "web",
                   "explained", True, 2),
        _complaint("us:2", "demo_us", "US", date(2024, 2, 5), "AcmeCollect", "financial_regulator", "phone",
                   "monetary_relief", False, 10),
        _complaint("cn:3", "demo_cn", "CN", date(2024, 2, 20), "速借花", "complaint_platform", "app",
                   "in_progress", None, None, product="网络贷款"),
        _complaint("cn:4", "demo_cn", "CN", date(2024, 3, 1), "速借花", "consumer_association", "web",
                   "explained", True, 5, product="网络贷款"),
    ])
    incidents = pd.DataFrame([
        _incident("us:1#1", "us:1", datetime(2024, 1, 3, 22, 30), "exact", "phone_call", "debtor", True, "outside",
                  "US-TIME-01"),
        _incident("us:1#2", "us:1", datetime(2024, 1, 4, 21, 0), "exact", "phone_call", "debtor", False, "boundary",
                  "US-TIME-01"),
        _incident("us:2#1", "us:2", None, "outside_window_only", "sms", "debtor", True, "outside", "US-TIME-01",
                  source="issue_code"),
        _incident("cn:3#1", "cn:3", datetime(2024, 2, 17, 23, 15), "exact", "phone_call", "contact_list", True,
                  "outside", "CN-TIME-01"),
        _incident("cn:3#2", "cn:3", datetime(2024, 2, 18, 0, 0), "daypart", "sms", "debtor", None, "unknown", None),
    ])
    labels = labels_frame([
        ("us:1", "conduct", "TIME_INCONVENIENT", "field", "US-TIME-01"),
        ("us:1", "conduct", "FREQ_EXCESSIVE_CALLS", "field", "US-FREQ-01"),
        ("us:2", "conduct", "ABUSIVE_LANGUAGE", "issue_code", "US-LANG-01"),
        ("cn:3", "conduct", "CONTACT_LIST_BLAST", "narrative", "CN-3P-03"),
        ("cn:3", "conduct", "TIME_INCONVENIENT", "field", "CN-TIME-01"),
        ("cn:4", "debt_issue", "FEES_OR_INTEREST", "field", None),
    ])
    sources = sources_frame(("demo_cn", "Tiny CN", "小样本（中国）", "CN", True),
                            ("demo_us", "Tiny US", "小样本（美国）", "US", True))
    return write_core(path, "tiny test database", core_complaints=complaints, core_incidents=incidents,
                      meta_sources=sources, core_complaint_labels=labels)


def shown(markdown: str) -> str:
    """What a reader sees of Markdown made by ``ui.text.plain`` (its backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", str(markdown))


SOURCE_COLUMNS = ["source", "name_en", "name_zh", "publisher", "jurisdiction", "is_synthetic", "note_en", "note_zh"]
LABEL_COLUMNS = ["complaint_id", "label_kind", "label_code", "label_source", "rule_id"]


def sources_frame(*sources: tuple[str, str, str, str, bool]) -> pd.DataFrame:
    """``meta_sources`` rows from ``(source, name_en, name_zh, jurisdiction, is_synthetic)``
    (publisher "tests", no notes)."""
    return pd.DataFrame([(s, en, zh, "tests", jur, synth, "", "") for s, en, zh, jur, synth in sources],
                        columns=SOURCE_COLUMNS)


def labels_frame(rows) -> pd.DataFrame:
    """``core_complaint_labels`` from ``(complaint_id, label_kind, label_code, label_source,
    rule_id)`` tuples."""
    return pd.DataFrame(list(rows), columns=LABEL_COLUMNS)


def write_core(path: Path, description: str, **tables: pd.DataFrame) -> Path:
    """Write hand-made core tables (``core_complaints=frame``, …; columns named as the table's)
    into the database at ``path`` in one write transaction (the marts follow). Returns ``path``."""
    with db.write_transaction(path, description) as con:
        mark_all_changed(con, description)
        for name, frame in tables.items():
            con.register("_f", frame)
            cols = ", ".join(frame.columns)
            con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _f")
            con.unregister("_f")
    return path
