"""The review queue (issue 12): editors confirm, reject or add a complaint's labels and
incidents after reading its narrative; reviewed labels win in every count.

Storage: ``core_label_reviews``, one row per decision, never updated; the decision in force for
a label is the latest (``current_label_reviews``, ``analysis.schema.CURRENT_REVIEWS_SQL``). The
marts read it (``analysis/sql/mart/*.sql`` and ``analysis/spark_marts.py``): a rejected label or
incident is left out of every count; a confirmed or added label counts (as a narrative label,
``label_source`` ``review``), so a confirmed model suggestion counts even without "rules +
model". Incidents a reviewer enters are ``core_incidents`` rows with ``time_source = 'review'``
(ids ``<complaint_id>#r<n>``), their time checked against the jurisdiction's window
(``analysis.rules.classify_contact_time``). Saving a review ends with a ``complaint`` /
``reviewed`` row: the complaint leaves the queue and counts in the progress.

Who and when: ``reviewed_by`` / ``reviewer_role`` / ``reviewed_at`` on each row, and one audit
row (``review``) per save in the same transaction. Editors only (``analysis.accounts.ACTIONS``).

Export: ``labelled_set`` writes the reviewed complaints in the format of
``../shared/data/narratives/labelled_dev.csv`` (read by ``analysis.classify.evaluate`` and by
``analysis.classify.model`` training).
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from analysis import audit, codes, db, pii
from analysis.audit import Actor
from analysis.filters import Filter, build_where
from analysis.rules import TIME_WINDOW_RULES, classify_contact_time
from analysis.schema import COUNTED_LABELS_SQL

DECISIONS = ("confirm", "reject", "add")
#: What a review row may be about: a label (code list of the same name), an incident (by id)
#: or the whole complaint (``COMPLAINT_DONE``).
REVIEW_KINDS = ("conduct", "debt_issue", "incident", "complaint")
COMPLAINT_DONE = "reviewed"
#: The decision an import or a removal writes on a reviewed complaint whose evidence it changed
#: (``reopen``): the complaint is back in the queue until it is reviewed again.
REOPEN = "reopen"
#: The complaints reviewed as a whole whose review still stands: the current ``complaint``
#: decision is ``confirm`` (a review), not ``reopen`` (new evidence came since). The one
#: definition the queue, the progress bar, the labelled set and the model's count read.
REVIEWED_SQL = ("SELECT complaint_id FROM current_label_reviews WHERE label_kind = 'complaint' "
                f"AND label_code = '{COMPLAINT_DONE}' AND decision = 'confirm'")
#: The complaints reopened by new evidence and not reviewed again (first in the queue).
REOPENED_SQL = REVIEWED_SQL.replace("'confirm'", f"'{REOPEN}'")
#: Queue orders: ``uncertain`` (rules and model disagree most, then the model's score closest
#: to 0.5), ``impact`` (most conducts of the ``HIGH_IMPACT_GROUPS``, then the biggest company),
#: ``company`` (the filtered companies with most complaints first), ``newest``.
ORDERS = ("uncertain", "impact", "company", "newest")
#: Conduct families (``analysis.codes`` conduct ``family``) reviewed first by the ``impact`` order:
#: threats, visits / detention, public shaming and impersonation, the conduct RULEBOOK.md treats
#: most severely (CN-CRIM-01, US-THREAT-01, CN-PRIV-01, CN-DECEIT-01).
HIGH_IMPACT_GROUPS = ("threats", "visits", "privacy", "deception")
#: Columns of ``labelled_dev.csv`` in its order, then ``recipients`` (as the project's blind
#: sets; read by evaluate too).
LABELLED_COLUMNS = ("id", "lang", "text", "method", "behaviours", "time_local", "time_flags", "expected", "recipients")
MAX_NOTE = 500
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def is_clock_time(text: str) -> bool:
    """True for a time a reviewer may give a contact: ``H:MM`` or ``HH:MM``, 00:00–23:59."""
    return bool(_TIME.match(text))


class ReviewError(ValueError):
    """A review that cannot be saved (unknown complaint, code or incident); ``str(err)`` says
    which. Nothing was written."""


@dataclass(frozen=True)
class Decision:
    """One decision: ``label_kind`` (``conduct``, ``debt_issue`` or ``incident``), ``label_code``
    (a code of that list, or an incident id), ``decision`` (``DECISIONS``)."""

    label_kind: str
    label_code: str
    decision: str


@dataclass(frozen=True)
class NewIncident:
    """A contact the reviewer read in the narrative: ``method_code`` (code list ``method``),
    ``recipient_code`` (``recipient``) or None, and the time as precise as the text is: an exact
    local ``time_local`` ``"HH:MM"``, else a ``daypart_code`` (code list ``daypart``), else none."""

    method_code: str
    recipient_code: str | None = None
    time_local: str | None = None
    daypart_code: str | None = None


@dataclass
class Review:
    """What one save writes for ``complaint_id``: ``decisions``, ``new_incidents`` and a ``note``
    (plain text, at most ``MAX_NOTE`` characters). ``seen``: the complaint's ``review_state``
    when the reviewer opened it (None: not checked); the save is refused when someone reviewed
    the complaint since."""

    complaint_id: str
    decisions: list[Decision] = field(default_factory=list)
    new_incidents: list[NewIncident] = field(default_factory=list)
    note: str | None = None
    seen: str | None = None


class ReviewConflict(ReviewError):
    """Someone else reviewed the complaint after the reviewer opened it: ``by`` (account name)
    and ``at`` (``datetime``, UTC) of the latest review. Nothing was written."""

    def __init__(self, complaint_id: str, by: str, at):
        super().__init__(f"{by} reviewed complaint {complaint_id!r} at {at:%Y-%m-%d %H:%M} UTC after it was opened")
        self.by, self.at = by, at


#: How long an open review form keeps its complaint out of other editors' way (seconds): the
#: queue lists it last for them and their form says who has it open (``ReviewClaims``). An open
#: form renews its claim every ``CLAIM_REFRESH_SECONDS`` (ui/review.py).
CLAIM_SECONDS = 15 * 60
CLAIM_REFRESH_SECONDS = 60


class ReviewClaims:
    """Which editor has which complaint's review form open, across the sessions of one server:
    so that two editors working through the same queue are not given the same complaint. Kept
    in memory (a restart forgets them; two servers do not share them): a guide, not a lock, as
    saving still refuses a review that conflicts with a later one (``ReviewConflict``). A claim
    belongs to an editor's session (a browser tab: one editor may have two open) and lasts
    ``seconds`` from the last time its form was drawn or refreshed. Keys: the database (any
    string) and the complaint id; times are ``time.monotonic()`` seconds. Thread-safe
    (Streamlit runs sessions in threads)."""

    def __init__(self, seconds: float = CLAIM_SECONDS):
        import threading
        self.seconds = seconds
        # (db, complaint) -> {(editor, session): last drawn}
        self._open: dict[tuple[str, str], dict[tuple[str, str], float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: tuple[str, str], now: float) -> dict[tuple[str, str], float]:
        kept = {who: at for who, at in self._open.get(key, {}).items() if now - at < self.seconds}
        if kept:
            self._open[key] = kept
        else:
            self._open.pop(key, None)
        return kept

    def _drop(self, db: str, holder: tuple[str, str], keep: str | None = None) -> None:
        for key in [k for k in self._open if k[0] == db and k[1] != keep and holder in self._open[k]]:
            del self._open[key][holder]
            if not self._open[key]:
                del self._open[key]

    def claim(self, db: str, complaint_id: str, editor: str, now: float,
              session: str = "") -> tuple[str, float] | None:
        """``editor`` has the form of ``complaint_id`` open in ``session`` (from ``now``; the
        complaint that session had open before in ``db`` is no longer claimed by it). Returns
        the other editor who opened it most recently and how many seconds ago, or None."""
        with self._lock:
            self._drop(db, (editor, session), keep=complaint_id)
            live = self._live((db, complaint_id), now)
            others = [(at, who) for (who, _s), at in live.items() if who != editor]
            self._open[(db, complaint_id)] = {**live, (editor, session): now}
            if not others:
                return None
            at, who = max(others)
            return who, now - at

    def release(self, db: str, complaint_id: str | None, editor: str, session: str = "") -> None:
        """``editor``'s ``session`` saved ``complaint_id`` or left the queue (None: whatever it
        had open): no longer kept from the others."""
        with self._lock:
            if complaint_id is None:
                self._drop(db, (editor, session))
                return
            live = self._open.get((db, complaint_id), {})
            live.pop((editor, session), None)
            if not live:
                self._open.pop((db, complaint_id), None)

    def held_by_others(self, db: str, editor: str, now: float) -> dict[str, str]:
        """``{complaint_id: editor}`` of the complaints of ``db`` another editor has open (the
        one who opened it last)."""
        with self._lock:
            out = {}
            for key in [k for k in self._open if k[0] == db]:
                others = [(at, who) for (who, _s), at in self._live(key, now).items() if who != editor]
                if others:
                    out[key[1]] = max(others)[1]
            return out


def review_state(con: duckdb.DuckDBPyConnection, complaint_id: str) -> str:
    """A token that changes whenever a review of ``complaint_id`` is saved: the number of its
    review rows and the time of the latest ("0" before any review)."""
    if not has_reviews(con):
        return "0"
    [(n, last)] = con.execute("SELECT count(*), max(reviewed_at) FROM core_label_reviews WHERE complaint_id = ?",
                              [complaint_id]).fetchall()
    return f"{n}" if not n else f"{n}@{last:%Y-%m-%dT%H:%M:%S.%f}"


def _check(review: Review, con: duckdb.DuckDBPyConnection) -> str:
    """Raise ``ReviewError`` for anything that is not a valid review; return the jurisdiction."""
    row = next(iter(con.execute("SELECT jurisdiction FROM core_complaints WHERE complaint_id = ?",
                                [review.complaint_id]).fetchall()), None)
    if row is None:
        raise ReviewError(f"complaint {review.complaint_id!r} does not exist")
    seen = set()
    for d in review.decisions:
        if d.decision not in DECISIONS:
            raise ReviewError(f"unknown decision {d.decision!r} (one of {', '.join(DECISIONS)})")
        if d.label_kind in ("conduct", "debt_issue"):
            if d.label_code not in codes.codes(d.label_kind):
                raise ReviewError(f"unknown {d.label_kind} code {d.label_code!r}")
        elif d.label_kind == "incident":
            if d.decision == "add":
                raise ReviewError("a new incident is a NewIncident, not an 'add' decision")
        else:
            raise ReviewError(f"unknown label kind {d.label_kind!r} (conduct, debt_issue, incident)")
        key = (d.label_kind, d.label_code)
        if key in seen:
            raise ReviewError(f"two decisions on {d.label_kind} {d.label_code!r}")
        seen.add(key)
    for inc in review.new_incidents:
        if inc.method_code not in codes.codes("method"):
            raise ReviewError(f"unknown method code {inc.method_code!r}")
        if inc.recipient_code is not None and inc.recipient_code not in codes.codes("recipient"):
            raise ReviewError(f"unknown recipient code {inc.recipient_code!r}")
        if inc.time_local is not None and not _TIME.match(inc.time_local):
            raise ReviewError(f"time {inc.time_local!r} is not HH:MM (00:00–23:59)")
        if inc.daypart_code is not None and inc.daypart_code not in codes.codes("daypart"):
            raise ReviewError(f"unknown daypart code {inc.daypart_code!r}")
    if review.note is not None and len(review.note) > MAX_NOTE:
        raise ReviewError(f"note longer than {MAX_NOTE} characters")
    return row[0]


def save_review(db_path: Path, review: Review, actor: Actor) -> dict[str, int]:
    """Write ``review`` as one change (all or nothing; the marts and the second copy follow
    for this complaint only): one ``core_label_reviews`` row per decision, a ``core_incidents``
    row (and an ``add`` review row) per new incident, the ``complaint`` / ``reviewed`` row, and
    an audit row ``review`` by ``actor`` whose ``rows_added`` is the number of decisions
    (the returned counts' sum; the ``reviewed`` row is not one).

    Incident decisions record the incident's method and recipient as stored now; the note is
    stored with personal data masked (``pii.mask_text``, as the intake form). Returns
    ``{"confirm": n, "reject": n, "add": n}`` (new incidents count as ``add``). Raises
    ``ReviewConflict`` when ``review.seen`` is set and someone reviewed the complaint since,
    ``ReviewError`` for an invalid review, ``PermissionError`` when ``actor``'s role may not
    review, ``FileNotFoundError`` without a database.
    """
    from analysis.accounts import allowed
    from analysis.store import mark_changed
    if actor.role != "single_user" and not allowed(actor.role, "review"):
        raise PermissionError(f"{actor.name} ({actor.role}) may not review labels")
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"{db_path}: no database")
    counts = dict.fromkeys(DECISIONS, 0)
    note = pii.mask_text(review.note)  # a phone number or a name typed into the note, as intake masks them
    with db.write_transaction(db_path, f"review {review.complaint_id}") as con:
        jurisdiction = _check(review, con)
        if review.seen is not None and review_state(con, review.complaint_id) != review.seen:
            [(by, at)] = con.execute("SELECT reviewed_by, reviewed_at FROM core_label_reviews WHERE complaint_id = ? "
                                     "ORDER BY reviewed_at DESC LIMIT 1", [review.complaint_id]).fetchall()
            raise ReviewConflict(review.complaint_id, by, at)
        mark_changed(con, [review.complaint_id])
        rows = []
        for d in review.decisions:
            method = recipient = None
            if d.label_kind == "incident":
                found = next(iter(con.execute("SELECT method_code, recipient_code FROM core_incidents "
                                              "WHERE complaint_id = ? AND incident_id = ?",
                                              [review.complaint_id, d.label_code]).fetchall()), None)
                if found is None:
                    raise ReviewError(f"incident {d.label_code!r} is not one of complaint {review.complaint_id!r}")
                method, recipient = found
            rows.append((d.label_kind, d.label_code, d.decision, method, recipient))
            counts[d.decision] += 1
        n_before = con.execute("SELECT count(*) FROM core_incidents WHERE complaint_id = ? AND time_source = 'review'",
                               [review.complaint_id]).fetchone()[0]
        for k, inc in enumerate(review.new_incidents, start=n_before + 1):
            incident_id = f"{review.complaint_id}#r{k}"
            _insert_incident(con, review.complaint_id, incident_id, jurisdiction, inc)
            rows.append(("incident", incident_id, "add", inc.method_code, inc.recipient_code))
            counts["add"] += 1
        rows.append(("complaint", COMPLAINT_DONE, "confirm", None, None))
        for kind, code, decision, method, recipient in rows:
            con.execute("INSERT INTO core_label_reviews (review_id, complaint_id, label_kind, label_code, decision, "
                        "method_code, recipient_code, reviewed_by, reviewer_role, reviewed_at, note) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?)",
                        [uuid.uuid4().hex, review.complaint_id, kind, code, decision, method, recipient,
                         actor.name, actor.role, note])
        # the decisions made, as the review history counts them (the complaint's "reviewed" marker is none)
        audit.record(con, actor, "review", target=review.complaint_id, rows_added=sum(counts.values()), detail=counts)
    return counts


def _insert_incident(con, complaint_id: str, incident_id: str, jurisdiction: str | None, inc: NewIncident) -> None:
    hour = status = rule_id = None
    precision = "unknown"
    if inc.time_local:
        hh, mm = (int(x) for x in inc.time_local.split(":"))
        hour, precision = hh, "exact"
        if jurisdiction in TIME_WINDOW_RULES:
            status, rule_id = classify_contact_time(jurisdiction, hh, mm)
    elif inc.daypart_code:
        precision = "daypart"
    con.execute("INSERT INTO core_incidents (incident_id, complaint_id, occurred_hour, occurred_time_local, "
                "time_precision, time_source, daypart_code, method_code, recipient_code, is_outside_permitted_hours, "
                "time_rule_status, time_rule_id) VALUES (?, ?, ?, ?, ?, 'review', ?, ?, ?, ?, ?, ?)",
                [incident_id, complaint_id, hour, f"{hour:02d}:{inc.time_local.split(':')[1]}" if hour is not None
                 else None, precision, inc.daypart_code if precision == "daypart" else None,
                 inc.method_code, inc.recipient_code, None if status is None else status == "outside",
                 status or "unknown", rule_id])


def reopen(con: duckdb.DuckDBPyConnection, complaints_sql: str, by: str, why: str) -> int:
    """Put the reviewed complaints among ``complaints_sql`` (a SELECT of ``complaint_id``) back in
    the review queue, inside the caller's write on ``con`` (writes call it through
    ``reopen_if_changed``, for those whose evidence they changed): one ``complaint`` /
    ``reviewed`` row with decision ``reopen`` each, by ``by`` (the importer's or remover's name;
    role ``system``), note ``why`` (which import). Their label and incident decisions stay in
    force. Returns how many were reopened (0 in a database from before reviews)."""
    if not has_reviews(con):
        return 0
    return con.execute(f"""
        INSERT INTO core_label_reviews (review_id, complaint_id, label_kind, label_code, decision, reviewed_by,
                                        reviewer_role, reviewed_at, note)
        SELECT replace(uuid()::VARCHAR, '-', ''), complaint_id, 'complaint', ?, ?, ?, 'system', now()::TIMESTAMP, ?
        FROM ({REVIEWED_SQL}) WHERE complaint_id IN ({complaints_sql})""",
        [COMPLAINT_DONE, REOPEN, by, why]).fetchall()[0][0]


def evidence_fingerprints(con: duckdb.DuckDBPyConnection, complaints_sql: str) -> dict[str, str]:
    """``{complaint id: fingerprint}`` (MD5 hex) of the complaints among ``complaints_sql`` (a
    SELECT of ``complaint_id``) whose review stands (``REVIEWED_SQL``): what a reviewer judged,
    i.e. the narrative text, the contacts read from files (``time_source`` field; those read
    from the text follow from it) and the labels from fields and issue codes, each by content,
    not by id. A write compares them before and after (``reopen_if_changed``). ``{}`` without
    reviews; cost: the reviewed complaints among those given."""
    if not has_reviews(con):
        return {}
    con.execute(f"CREATE OR REPLACE TEMP TABLE _fp AS SELECT complaint_id FROM ({REVIEWED_SQL}) "
                f"WHERE complaint_id IN ({complaints_sql})")
    try:
        if not con.execute("SELECT count(*) FROM _fp").fetchall()[0][0]:
            return {}
        return dict(con.execute("""
            WITH i AS (
                SELECT complaint_id, string_agg(concat_ws(',', occurred_date, occurred_at, time_precision, daypart_code,
                       method_code, recipient_code, collector_number_hash, is_connected, duration_seconds), ';'
                       ORDER BY ALL) AS s
                FROM core_incidents WHERE complaint_id IN (SELECT complaint_id FROM _fp) AND time_source = 'field'
                GROUP BY complaint_id
            ), l AS (
                SELECT complaint_id, string_agg(concat_ws(':', label_kind, label_code, pattern_id, evidence), ';'
                       ORDER BY ALL) AS s
                FROM core_complaint_labels WHERE complaint_id IN (SELECT complaint_id FROM _fp)
                     AND label_source IN ('field', 'issue_code')
                GROUP BY complaint_id
            )
            SELECT c.complaint_id, md5(concat_ws('|', coalesce(c.narrative, ''), coalesce(i.s, ''), coalesce(l.s, '')))
            FROM core_complaints c JOIN _fp USING (complaint_id)
            LEFT JOIN i USING (complaint_id) LEFT JOIN l USING (complaint_id)""").fetchall())
    finally:
        con.execute("DROP TABLE IF EXISTS _fp")


def reopen_if_changed(con: duckdb.DuckDBPyConnection, before: dict[str, str], by: str, why: str) -> int:
    """Reopen (``reopen``) the complaints of ``before`` (``evidence_fingerprints`` taken before
    a write, on ``con`` inside it) whose evidence the write changed; a complaint it removed is
    not reopened. Returns how many were reopened."""
    if not before:
        return 0
    # (few ids: the reviewed complaints a write touched, passed as one list parameter)
    con.execute("CREATE OR REPLACE TEMP TABLE _was AS SELECT unnest(?::VARCHAR[]) AS complaint_id", [sorted(before)])
    after = evidence_fingerprints(con, "SELECT complaint_id FROM _was")
    changed = sorted(c for c, fp in after.items() if fp != before.get(c))
    con.execute("CREATE OR REPLACE TEMP TABLE _was AS SELECT unnest(?::VARCHAR[]) AS complaint_id", [changed])
    n = reopen(con, "SELECT complaint_id FROM _was", by, why) if changed else 0
    con.execute("DROP TABLE IF EXISTS _was")
    return n


def _has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    # fetchall, not fetchone: DuckDB 2.0 refuses other work on a connection with a result left open
    return con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ? "
                       "AND database_name = current_database()", [name]).fetchall()[0][0] > 0


def has_reviews(con: duckdb.DuckDBPyConnection) -> bool:
    """False in a database from before reviews (read-only readers do not upgrade it)."""
    return _has_view(con, "current_label_reviews")


def counted_labels(con: duckdb.DuckDBPyConnection) -> str:
    """The relation of the labels that count, to read in place of ``core_complaint_labels``
    (columns complaint_id, label_kind, label_code, label_source, rule_id):
    ``counted_complaint_labels`` (``analysis.schema.COUNTED_LABELS_SQL``, which the facts marts
    read too); in a database a read-only reader finds from before that view, its SELECT inline;
    from before reviews, ``core_complaint_labels`` itself."""
    if _has_view(con, "counted_complaint_labels"):
        return "counted_complaint_labels"
    return f"({COUNTED_LABELS_SQL})" if has_reviews(con) else "core_complaint_labels"


def high_impact_codes() -> list[str]:
    """Conduct codes of the families ``HIGH_IMPACT_GROUPS``, in code-list order."""
    return [c.code for c in codes.CODE_LISTS["conduct"] if c.family in HIGH_IMPACT_GROUPS]


def query_review_queue(con: duckdb.DuckDBPyConnection, flt: Filter, order: str = "uncertain",
                       limit: int = 50) -> pd.DataFrame:
    """The complaints with a narrative that pass ``flt`` and are not reviewed yet, in ``order``
    (``ORDERS``), at most ``limit``.

    Columns: ``complaint_id`` (str), ``received_date`` (date), ``company_name`` (str),
    ``conduct_codes_narrative`` (list of str: the rules' conducts), ``suggested`` (list of str:
    the model's), ``disagreements`` (int: codes the model suggests and the rules do not, plus
    codes the rules found and the model did not, counting only codes the model suggests on some
    complaint of the same language in the view: where it never speaks, as for most conducts in
    Chinese, its silence is no disagreement), ``closest`` (float:
    smallest |score − 0.5| of its suggestions, NaN without), ``high_impact`` (int: conducts of
    ``HIGH_IMPACT_GROUPS`` from either), ``company_complaints`` (int: the company's filtered
    complaints with a narrative), ``reopened`` (bool: reviewed before, and an import or a removal
    changed its evidence since; these come first in every order). Raises ``ValueError`` for an
    unknown order, ``FilterError``.
    """
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r} (one of {', '.join(ORDERS)})")
    w, p = build_where(flt, "complaint")
    none = "SELECT NULL::VARCHAR AS complaint_id WHERE FALSE"
    done, reopened = (REVIEWED_SQL, REOPENED_SQL) if has_reviews(con) else (none, none)
    order_sql = "reopened DESC, " + {
        "uncertain": "disagreements DESC, closest ASC NULLS LAST, received_date DESC, complaint_id",
        "impact": "high_impact DESC, company_complaints DESC, received_date DESC, complaint_id",
        "company": "company_complaints DESC, company_name, received_date DESC, complaint_id",
        "newest": "received_date DESC, complaint_id",
    }[order]
    return con.execute(f"""
        WITH f AS (
            SELECT complaint_id, received_date, company_name, conduct_codes_narrative
            FROM mart_complaint_facts WHERE has_narrative AND {w}
        ), m AS (
            SELECT complaint_id, list_sort(list(label_code)) AS suggested, min(abs(score - 0.5)) AS closest
            FROM core_complaint_labels
            WHERE label_source = 'model' AND label_kind = 'conduct' AND complaint_id IN (SELECT complaint_id FROM f)
            GROUP BY complaint_id
        ), co AS (
            SELECT company_name, count(*) AS company_complaints FROM f GROUP BY company_name
        ), lg AS (  -- each complaint's language, and the conducts the model suggests anywhere in it
            SELECT complaint_id, coalesce(language, 'en') AS lang FROM core_complaints
            WHERE complaint_id IN (SELECT complaint_id FROM f)
        ), speaks AS (  -- from the suggestions already read for the view (m), not another table scan
            SELECT lg.lang, list(DISTINCT code) AS codes
            FROM m JOIN lg USING (complaint_id), unnest(m.suggested) AS u(code) GROUP BY ALL
        )
        SELECT f.complaint_id, f.received_date, f.company_name, f.conduct_codes_narrative,
               coalesce(m.suggested, []::VARCHAR[]) AS suggested,
               len(list_filter(coalesce(m.suggested, []::VARCHAR[]), lambda x: NOT list_contains(f.conduct_codes_narrative, x)))
               + len(list_filter(f.conduct_codes_narrative, lambda x: list_contains(coalesce(sp.codes, []::VARCHAR[]), x)
                                 AND NOT list_contains(coalesce(m.suggested, []::VARCHAR[]), x)))
                 AS disagreements,
               m.closest,
               len(list_filter(list_distinct(list_concat(f.conduct_codes_narrative, coalesce(m.suggested, []::VARCHAR[]))),
                               lambda x: list_contains(?, x))) AS high_impact,
               coalesce(co.company_complaints, 0) AS company_complaints,
               f.complaint_id IN ({reopened}) AS reopened
        FROM f LEFT JOIN m USING (complaint_id)
        LEFT JOIN co ON co.company_name IS NOT DISTINCT FROM f.company_name
        LEFT JOIN lg USING (complaint_id) LEFT JOIN speaks sp ON sp.lang = lg.lang
        WHERE f.complaint_id NOT IN ({done})
        ORDER BY {order_sql}
        LIMIT ?""", p + [high_impact_codes(), int(limit)]).df()


def query_review_progress(con: duckdb.DuckDBPyConnection, flt: Filter) -> dict[str, int]:
    """``{"reviewed": n, "total": n}``: complaints with a narrative passing ``flt``, and how
    many of them were reviewed. Raises ``FilterError``."""
    w, p = build_where(flt, "complaint")
    if not has_reviews(con):
        total = con.execute(f"SELECT count(*) FROM mart_complaint_facts WHERE has_narrative AND {w}", p).fetchone()[0]
        return {"reviewed": 0, "total": total}
    reviewed, total = con.execute(f"""
        SELECT count(*) FILTER (WHERE complaint_id IN ({REVIEWED_SQL})), count(*)
        FROM mart_complaint_facts WHERE has_narrative AND {w}""", p).fetchone()
    return {"reviewed": reviewed, "total": total}


def query_complaint_reviews(con: duckdb.DuckDBPyConnection, complaint_id: str) -> pd.DataFrame:
    """Every review row of one complaint, newest first: ``label_kind``, ``label_code``,
    ``decision``, ``method_code``, ``recipient_code``, ``reviewed_by``, ``reviewed_at``, ``note``,
    ``is_current`` (bool: the decision in force)."""
    if not has_reviews(con):
        return pd.DataFrame(columns=["label_kind", "label_code", "decision", "method_code", "recipient_code",
                                     "reviewed_by", "reviewed_at", "note", "is_current"])
    return con.execute("""
        SELECT r.label_kind, r.label_code, r.decision, r.method_code, r.recipient_code, r.reviewed_by,
               r.reviewed_at, r.note, c.review_id IS NOT NULL AS is_current
        FROM core_label_reviews r LEFT JOIN current_label_reviews c USING (review_id)
        WHERE r.complaint_id = ?
        ORDER BY r.reviewed_at DESC, r.review_id DESC""", [complaint_id]).df()


def reviewed_counts(con: duckdb.DuckDBPyConnection, since: str | None = None) -> dict[str, object]:
    """How much of ``labelled_set`` a model trained at ``since`` has not seen: ``reviewed``, the
    complaints with a narrative reviewed as a whole (label_kind ``complaint``: the labelled set's
    rows, int); ``since``, those of them with any review decision after ``since`` (an ISO
    timestamp, UTC, as ``model.manifest["trained_at"]``; None: all of them, int); ``latest``, the
    latest review time (``datetime`` UTC, None when there is no review). Zeroes in a database
    from before reviews."""
    if not has_reviews(con):
        return {"reviewed": 0, "since": 0, "latest": None}
    since_ts = None if since is None else pd.Timestamp(since)
    if since_ts is not None:  # reviewed_at is UTC without a zone
        since_ts = (since_ts.tz_convert("UTC").tz_localize(None) if since_ts.tzinfo else since_ts).to_pydatetime()
    reviewed, new, latest = con.execute(f"""
        WITH r AS (
            SELECT complaint_id, max(reviewed_at) AS last_at FROM core_label_reviews
            WHERE complaint_id IN ({REVIEWED_SQL})
            GROUP BY complaint_id
        )
        SELECT count(*), count(*) FILTER (WHERE ?::TIMESTAMP IS NULL OR r.last_at > ?::TIMESTAMP), max(r.last_at)
        FROM r JOIN core_complaints c USING (complaint_id) WHERE c.has_narrative""",
        [since_ts, since_ts]).fetchone()
    return {"reviewed": int(reviewed), "since": int(new), "latest": latest}


#: Separators of ``labelled_dev.csv``: labels ``", "``, rule verdicts and times ``"; "``; an
#: empty cell is ``"—"``.
LABEL_SEP, LIST_SEP, EMPTY = ", ", "; ", "—"


def labelled_set(con: duckdb.DuckDBPyConnection, flt: Filter | None = None) -> pd.DataFrame:
    """The reviewed complaints (passing ``flt``; None: all) as a labelled set in the columns
    ``LABELLED_COLUMNS`` (those of ``labelled_dev.csv`` in its order, then ``recipients``, as
    the project's blind sets), ordered by id, written as ``labelled_dev.csv`` writes them
    (``LABEL_SEP``, ``LIST_SEP``, ``EMPTY``).

    ``behaviours``: the conducts the narrative supports after review (rules' labels not
    rejected, plus confirmed and added ones, model suggestions only when confirmed), and
    TIME_INCONVENIENT when a counted contact time is outside the jurisdiction's window (as the
    rules read it; not when a reviewer rejected it); ``NONE`` when there are none. ``method`` /
    ``recipients``: of the counted narrative and reviewer-entered incidents; ``time_local``:
    their exact times ``HH:MM``; ``time_flags``: ``—``; ``expected``: ``RULE:verdict`` per rule
    the behaviours rest on (the rules' own rule id, else the crosswalk's for the jurisdiction;
    ``violation (reviewed)``: a reviewer confirmed it; a contact time: ``violation`` or
    ``boundary`` by ``analysis.rules.classify_contact_time``). Values are text from the
    database (personal data was masked at import). Raises ``FilterError``.
    """
    from analysis.classify.patterns import load_crosswalk
    if not has_reviews(con):
        return pd.DataFrame(columns=list(LABELLED_COLUMNS))
    w, p = build_where(flt, "complaint") if flt is not None else ("TRUE", [])
    rows = con.execute(f"""
        WITH f AS (
            SELECT complaint_id, conduct_codes_narrative FROM mart_complaint_facts
            WHERE {w} AND complaint_id IN ({REVIEWED_SQL})
        ), inc AS (
            SELECT x.complaint_id, list_sort(list_distinct(list(x.method_code))) AS methods,
                   list_sort(list_distinct(list(x.recipient_code))) AS recipients,
                   list_sort(list_distinct(list(i.occurred_time_local) FILTER (WHERE x.time_precision = 'exact'))) AS times,
                   list_sort(list_distinct(list(i.time_rule_id || ':' || CASE i.time_rule_status WHEN 'outside'
                       THEN 'violation' ELSE 'boundary' END)
                       FILTER (WHERE x.time_precision = 'exact' AND i.time_rule_status IN ('outside', 'boundary')
                               AND i.time_rule_id IS NOT NULL))) AS time_verdicts
            FROM mart_incident_facts x JOIN core_incidents i USING (incident_id)
            WHERE x.complaint_id IN (SELECT complaint_id FROM f) AND x.time_source IN ('narrative', 'review')
            GROUP BY x.complaint_id
        ), rules AS (
            SELECT l.complaint_id, list(DISTINCT l.label_code || '=' || l.rule_id) AS rule_ids
            FROM core_complaint_labels l JOIN f USING (complaint_id)
            WHERE l.label_source = 'narrative' AND l.label_kind = 'conduct' AND l.rule_id IS NOT NULL
              AND list_contains(f.conduct_codes_narrative, l.label_code)
            GROUP BY l.complaint_id
        ), reviewed AS (
            SELECT complaint_id, list(label_code) FILTER (WHERE decision IN ('confirm', 'add')) AS confirmed,
                   list(label_code) FILTER (WHERE decision = 'reject') AS rejected
            FROM current_label_reviews WHERE label_kind = 'conduct' AND complaint_id IN (SELECT complaint_id FROM f)
            GROUP BY complaint_id
        )
        SELECT f.complaint_id, c.language, c.jurisdiction, c.narrative, f.conduct_codes_narrative, inc.methods,
               inc.recipients, inc.times, inc.time_verdicts, r.rule_ids, v.confirmed, v.rejected
        FROM f JOIN core_complaints c USING (complaint_id) LEFT JOIN inc USING (complaint_id)
        LEFT JOIN rules r USING (complaint_id) LEFT JOIN reviewed v USING (complaint_id)
        ORDER BY f.complaint_id""", p).fetchall()
    crosswalk = load_crosswalk()
    order = {c: i for i, c in enumerate(codes.codes("conduct"))}
    out = []
    for (cid, lang, jur, text, conducts, methods, recipients, times, time_verdicts, rule_ids, confirmed,
         rejected) in rows:
        conducts = set(conducts or [])
        if time_verdicts and any(v.endswith(":violation") for v in time_verdicts) \
                and "TIME_INCONVENIENT" not in set(rejected or []):
            conducts.add("TIME_INCONVENIENT")
        own = dict(x.split("=", 1) for x in (rule_ids or []))
        verdicts = list(dict.fromkeys(time_verdicts or []))
        for code in sorted(conducts, key=lambda c: order.get(c, len(order))):
            if code == "TIME_INCONVENIENT" and time_verdicts:
                continue  # its verdict comes from the contact times
            for rule in ([own[code]] if code in own else crosswalk.get(jur or "", {}).get(code, ())):
                verdict = "violation (reviewed)" if code in set(confirmed or []) else "likely"
                verdicts.append(f"{rule}:{verdict}")
        out.append({
            "id": cid, "lang": lang or "", "text": text or "",
            "method": LABEL_SEP.join(m for m in (methods or []) if m) or EMPTY,
            "behaviours": LABEL_SEP.join(sorted(conducts, key=lambda c: order.get(c, len(order)))) or "NONE",
            "time_local": LIST_SEP.join(t for t in (times or []) if t) or EMPTY,
            "time_flags": EMPTY, "expected": LIST_SEP.join(dict.fromkeys(verdicts)) or EMPTY,
            "recipients": LABEL_SEP.join(r for r in (recipients or []) if r) or EMPTY})
    return pd.DataFrame(out, columns=list(LABELLED_COLUMNS))


def labelled_set_csv(data: pd.DataFrame) -> bytes:
    """``labelled_set`` as ``labelled_dev.csv`` is written: UTF-8 without a byte-order mark, LF
    line ends; cells that a spreadsheet would run as a formula are neutralised
    (``analysis.export.tables.neutralise_formulas``)."""
    from analysis.export.tables import neutralise_formulas
    return neutralise_formulas(data).to_csv(index=False, lineterminator="\n").encode("utf-8")
