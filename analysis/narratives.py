"""Build step: run the narrative classifier over complaint narratives and store what it
finds beside the structured labels (issue 3).

For every complaint with a narrative: conduct and debt-issue labels go to
``core_complaint_labels`` with ``label_source = 'narrative'``, the rule id behind the flag
(RULEBOOK.md, via the classifier's verdicts) and the evidence span; incidents go to
``core_incidents`` with ``time_source = 'narrative'`` and the clock time, part of day or
nothing, exactly as precise as the narrative is. A narrative gives no date, so its incidents
have ``occurred_date`` / ``occurred_at`` NULL and an hour only when the time is exact.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import duckdb
import pandas as pd

from analysis.classify import (MIN_PARALLEL, NarrativeResult, classifier_version, classify_pool, classify_started,
                               default_workers)
from analysis.classify.model import available_model
from analysis.db import has_column, with_rows
from analysis.ingest.common import Progress
from analysis.ingest.reasons import reason
from analysis.rules import TIME_WINDOW_RULES, classify_contact_time

#: Verdicts that make a rule id worth naming on a label (the label itself is kept anyway).
_NAMED_VERDICTS = ("violation", "likely", "boundary", "possible", "needs_review")
_BATCH = 20_000


def collection_complaint_sql() -> str:
    """A SQL boolean over ``core_complaints``: the complaint is a collection complaint by its
    fields: every source but CFPB (intake logs record collection contacts; complaint-platform
    exports are gathered for them) and CFPB complaints under the product "Debt collection".
    The narrative incidents of other complaints are stored only when the narrative is about
    collection (``NarrativeResult.about_collection``): in a loan-application complaint, "I
    called and spoke to someone" is no collection contact."""
    from analysis.ingest.cfpb import SOURCE  # the importer imports this module
    return f"(source <> '{SOURCE}' OR lower(coalesce(product, '')) = 'debt collection')"


def label_narratives(con: duckdb.DuckDBPyConnection, complaint_ids_sql: str | None = None,
                     params: list | None = None, progress: Progress | None = None,
                     workers: int | None = None, replace: bool = True) -> dict[str, int]:
    """Classify narratives and replace their narrative-derived labels and incidents, and,
    when a conduct model is installed (``analysis.classify.model.available_model``), its
    suggestions: ``label_source = 'model'`` labels with ``score``, the model's version and the
    words that drove them as evidence (counted nowhere; shown on the Narratives page).

    ``complaint_ids_sql``: a SELECT returning the complaint ids to (re)classify, with
    ``params``; None means every complaint with a narrative. ``workers``: processes to
    classify with (default ``analysis.classify.default_workers()``; a pool is started only for
    at least ``MIN_PARALLEL`` narratives). ``replace=False``: the caller already removed the
    complaints' narrative labels and incidents (saves two table scans per call). Runs inside
    the caller's transaction. Returns
    ``{"narratives": n, "labels": n, "incidents": n}``.
    """
    workers = default_workers() if workers is None else workers
    scope = f"AND complaint_id IN ({complaint_ids_sql})" if complaint_ids_sql else ""
    # The texts to read go to a numbered temporary table and are fetched a page at a time, so
    # memory stays flat however many there are (a whole CFPB import has millions).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cw_narratives AS
        SELECT row_number() OVER (ORDER BY complaint_id) AS rn, complaint_id, narrative, language, jurisdiction,
               {collection_complaint_sql()} AS collection_complaint
        FROM core_complaints WHERE has_narrative {scope}""", params or [])
    total = con.execute("SELECT count(*) FROM _cw_narratives").fetchone()[0]
    if replace and complaint_ids_sql:
        con.execute(f"DELETE FROM core_complaint_labels WHERE label_source IN ('narrative', 'model') "
                    f"AND complaint_id IN ({complaint_ids_sql})", params or [])
        con.execute(f"DELETE FROM core_incidents WHERE time_source = 'narrative' "
                    f"AND complaint_id IN ({complaint_ids_sql})", params or [])
    elif replace:
        con.execute("DELETE FROM core_complaint_labels WHERE label_source IN ('narrative', 'model')")
        con.execute("DELETE FROM core_incidents WHERE time_source = 'narrative'")
    n_labels = n_incidents = n_suggested = 0
    model = available_model() if total else None  # loading it costs ~0.9 s in a new process
    pool = classify_pool(workers) if total >= MIN_PARALLEL else None
    try:
        # Pages overlap: the next page's rules (pool) and model (side thread) start before this
        # process stores the page before, so the pool does not wait while pages are stored.
        with ThreadPoolExecutor(1) as side:
            pending = None
            for start in range(0, total + _BATCH, _BATCH):
                page = None
                if start < total:
                    rows = con.execute("SELECT complaint_id, narrative, language, jurisdiction, collection_complaint "
                                       "FROM _cw_narratives WHERE rn > ? AND rn <= ? ORDER BY rn",
                                       [start, start + _BATCH]).fetchall()
                    page = _start_page(rows, pool, model, side)
                if pending is not None:
                    a, b, c = _store_page(con, pending, model)
                    n_labels += a
                    n_incidents += b
                    n_suggested += c
                    done = start  # every row before this page
                    if progress:
                        progress(min(1.0, done / max(1, total)),
                                 reason("progress_narratives_of", done=min(done, total), total=total))
                pending = page
        con.execute("UPDATE core_complaints SET narrative_version = ? FROM _cw_narratives n "
                    "WHERE core_complaints.complaint_id = n.complaint_id", [reader_version(model)])
    finally:
        if pool is not None:
            pool.shutdown()
        con.execute("DROP TABLE IF EXISTS _cw_narratives")
    return {"narratives": total, "labels": n_labels, "incidents": n_incidents, "suggestions": n_suggested,
            "model": model.version if model is not None else None}


def read_note(found: dict) -> str:
    """The import report's sentence on what the classifier read (``label_narratives``' counts):
    the catalogue's ``narratives_read`` (``analysis.ingest.reasons``)."""
    from analysis.ingest.reasons import reason
    tail = (reason("narratives_suggestions", n=found["suggestions"], model=found["model"])
            if found.get("suggestions") else "")
    return reason("narratives_read", n=found["narratives"], labels=found["labels"], incidents=found["incidents"],
                  tail=tail)


def _start_page(batch: list[tuple], pool, model, side: ThreadPoolExecutor) -> tuple:
    """Start reading one page of ``(complaint_id, narrative, language, jurisdiction,
    collection_complaint)`` rows: the rules on ``pool`` (or now, without one) and, with a pool,
    the model in ``side`` (a thread: waiting for the pool releases the interpreter), so no core
    idles. Each distinct (text, language, jurisdiction) is read once: templated or repeated
    narratives (intake logs, form letters) are common and the classifier is the cost. Returns
    the page's state for :func:`_store_page`."""
    keys = [(r[1] or "", r[2], r[3] if r[3] in TIME_WINDOW_RULES else None) for r in batch]
    unique = list(dict.fromkeys(keys))
    texts, langs, jurs = ([k[i] for k in unique] for i in range(3))
    scoring = side.submit(model.suggestions, texts) if model is not None and pool is not None else None
    return batch, keys, unique, classify_started(texts, langs, jurs, pool=pool), scoring


def _store_page(con: duckdb.DuckDBPyConnection, page: tuple, model=None) -> tuple[int, int, int]:
    """Wait for a page started by :func:`_start_page` and insert its labels, incidents and
    suggestions. Returns ``(labels, incidents, suggestions)`` written."""
    batch, keys, unique, classified, scoring = page
    by_key = dict(zip(unique, classified()))
    results = [by_key[k] for k in keys]
    labels, incidents = _to_frames([r[0] for r in batch], results, [bool(r[4]) for r in batch])
    labels["label_version"] = classifier_version()
    labels["score"] = pd.Series([None] * len(labels), index=labels.index, dtype="float64")
    n_rule_labels, n_suggested = len(labels), 0
    if model is not None:
        suggestions = scoring.result() if scoring is not None else model.suggestions([k[0] for k in unique])
        suggested = _model_frame(model, [r[0] for r in batch], keys, dict(zip(unique, suggestions)))
        n_suggested = len(suggested)
        labels = pd.concat([labels, suggested], ignore_index=True)
    if len(labels):
        with_rows(con, labels, f"INSERT INTO core_complaint_labels ({', '.join(labels.columns)}) "
                               f"SELECT {', '.join(labels.columns)} FROM _rows")
    if len(incidents):
        with_rows(con, incidents, f"INSERT INTO core_incidents ({', '.join(incidents.columns)}) "
                                  f"SELECT {', '.join(incidents.columns)} FROM _rows")
    return n_rule_labels, len(incidents), n_suggested


def _model_frame(model, ids: list[str], keys: list[tuple], by_key: dict) -> pd.DataFrame:
    """The model's suggestions for one page (``by_key``: ``model.suggestions`` of each distinct
    key): one label row per (complaint, conduct at or above its threshold) with ``score`` and the
    words that drove it as ``evidence``."""
    rows = [(cid, "conduct", code, "model", None, "words: " + ", ".join(words), None, None, None, model.version,
             round(score, 4))
            for cid, key in zip(ids, keys) for code, score, words in by_key[key]]
    return pd.DataFrame(rows, columns=["complaint_id", "label_kind", "label_code", "label_source", "rule_id", "evidence",
                                       "evidence_start", "evidence_end", "pattern_id", "label_version", "score"]
                        ).astype({"evidence_start": "Int64", "evidence_end": "Int64", "score": "float64"})


def _rule_for(result: NarrativeResult, conduct: str) -> str | None:
    for v in result.rule_verdicts:
        if v.conduct_code == conduct and v.verdict in _NAMED_VERDICTS:
            return v.rule_id
    return None


def _to_frames(ids: list[str], results: list[NarrativeResult],
               collection_complaint: list[bool]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Label and incident rows of classified narratives; a complaint that is no collection
    complaint by its fields (``collection_complaint_sql``) gets its narrative's incidents only
    when the narrative is about collection."""
    labels = []
    incidents = []
    for cid, r, by_fields in zip(ids, results, collection_complaint):
        for kind, codes_ in (("conduct", r.conducts), ("debt_issue", r.debt_issues)):
            for code in codes_:
                ev = next((e for e in r.evidence if e.label_kind == kind and e.code == code and not e.flags), None)
                labels.append((cid, kind, code, "narrative", _rule_for(r, code) if kind == "conduct" else None,
                               ev.text if ev else None, ev.start if ev else None, ev.end if ev else None,
                               ev.pattern_id if ev else None))
        for n, inc in enumerate(r.incidents if by_fields or r.about_collection else (), start=1):
            exact = inc.time_precision == "exact" and inc.hour is not None
            status, rule_id = "unknown", None
            if exact and r.jurisdiction in TIME_WINDOW_RULES:
                hh, mm = (int(x) for x in inc.time_local.split(":")) if inc.time_local else (inc.hour, 0)
                status, rule_id = classify_contact_time(r.jurisdiction, hh, mm)
            incidents.append(dict(
                incident_id=f"{cid}#n{n}", complaint_id=cid, occurred_date=None, occurred_at=None,
                occurred_hour=inc.hour if exact else None,
                occurred_time_local=(inc.time_local or f"{inc.hour:02d}:00") if exact else None,
                time_precision=inc.time_precision if inc.time_precision in ("exact", "daypart") else "unknown",
                time_source="narrative", daypart_code=inc.daypart_code if inc.time_precision == "daypart" else None,
                method_code=inc.method_code, recipient_code=inc.recipient_code,
                is_outside_permitted_hours=(status == "outside") if exact else inc.is_outside_permitted_hours,
                time_rule_status=status if exact else ("outside" if inc.is_outside_permitted_hours else "unknown"),
                time_rule_id=rule_id if exact else (TIME_WINDOW_RULES[r.jurisdiction].rule_id
                                                    if inc.is_outside_permitted_hours and r.jurisdiction in
                                                    TIME_WINDOW_RULES else None)))
    label_frame = pd.DataFrame(labels, columns=["complaint_id", "label_kind", "label_code", "label_source", "rule_id",
                                                "evidence", "evidence_start", "evidence_end", "pattern_id"])
    label_frame = label_frame.astype({"evidence_start": "Int64", "evidence_end": "Int64"})
    inc_frame = pd.DataFrame(incidents, columns=[
        "incident_id", "complaint_id", "occurred_date", "occurred_at", "occurred_hour", "occurred_time_local",
        "time_precision",
        "time_source", "daypart_code", "method_code", "recipient_code", "is_outside_permitted_hours",
        "time_rule_status", "time_rule_id"]).astype({"occurred_hour": "Int64", "is_outside_permitted_hours": "boolean",
                                                     "occurred_date": "datetime64[s]", "occurred_at": "datetime64[s]"})
    return label_frame, inc_frame


_INSTALLED = object()


def reader_version(model=_INSTALLED) -> str:
    """What reads narratives now: ``classify.classifier_version()``, plus ``+<model version>``
    when there is a conduct model (``model``: a model or None; default ``available_model()``). Stored as
    ``core_complaints.narrative_version`` by ``label_narratives``; a change of either makes the
    complaint's narrative labels or suggestions stale."""
    model = available_model() if model is _INSTALLED else model
    return classifier_version() + (f"+{model.version}" if model is not None else "")


#: Complaints whose narrative was read by another reader (``reader_version``: patterns, or the
#: model installed since), that hold narrative labels of another classifier version (or, in a
#: database from before versions were stored, none), or model suggestions of another model
#: than the one installed (all of them when none is). Parameters: ``stale_params()``.
STALE_SQL = """
SELECT complaint_id FROM core_complaints
WHERE has_narrative AND narrative_version IS NOT NULL AND narrative_version <> ?
UNION
SELECT complaint_id FROM core_complaint_labels
WHERE label_source = 'narrative' AND (label_version IS NULL OR label_version <> ?)
UNION
SELECT complaint_id FROM core_complaint_labels
WHERE label_source = 'model' AND label_version IS DISTINCT FROM ?
"""


#: Complaints whose narrative no reader has read: imported with ``--classify none`` or outside the
#: products the import classifies (``analysis.ingest.cfpb.CLASSIFY_SCOPES``). Not stale (nothing
#: read them to be out of date); ``relabel --unread`` reads them.
UNREAD_SQL = "SELECT complaint_id FROM core_complaints WHERE has_narrative AND narrative_version IS NULL"


def stale_params() -> list:
    """The parameters of ``STALE_SQL`` for the classifier and model in use now."""
    model = available_model()
    return [reader_version(model), classifier_version(), model.version if model is not None else None]


def stale_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """``{"complaints": n, "labels": n, "suggestions": n, "unread": n, "version": reader_version()}``:
    narratives read by an older classifier or another model (``STALE_SQL``), the narrative
    labels and model suggestions they hold (``analysis.classify.relabel`` re-reads exactly
    these), and the narratives no reader has read (``UNREAD_SQL``; ``relabel --unread``)."""
    params = stale_params()
    if not has_column(con, "core_complaint_labels", "label_version"):  # a database from before versions were stored, not yet upgraded by a write
        n, labels = con.execute("SELECT count(DISTINCT complaint_id), count(*) FROM core_complaint_labels "
                                "WHERE label_source = 'narrative'").fetchone()
        return {"complaints": n, "labels": labels, "suggestions": 0, "unread": 0, "version": params[0]}
    n, labels, suggestions, unread = con.execute(f"""
        WITH stale AS ({STALE_SQL})
        SELECT (SELECT count(*) FROM stale),
               (SELECT count(*) FILTER (WHERE l.label_source = 'narrative') FROM core_complaint_labels l
                WHERE l.complaint_id IN (SELECT complaint_id FROM stale)),
               (SELECT count(*) FILTER (WHERE l.label_source = 'model') FROM core_complaint_labels l
                WHERE l.complaint_id IN (SELECT complaint_id FROM stale)),
               (SELECT count(*) FROM ({UNREAD_SQL}) u WHERE u.complaint_id NOT IN (SELECT complaint_id FROM stale))
        """, params).fetchone()
    return {"complaints": n, "labels": labels, "suggestions": suggestions, "unread": unread, "version": params[0]}
