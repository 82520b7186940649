"""Removing evidence: one import, or one source, completely (issue 11; e.g. a consumer
withdraws a complaint, or a file was imported by mistake).

What goes, in one write transaction (all or nothing), with one audit row:

* **an import** (``delete_import``): every complaint whose current version came from that
  import (``core_complaints.import_id``: a complaint added by an earlier import and updated
  by this one goes too; one added by it and updated later stays, as the later import's), with
  its incidents, labels and QA issues; the import's raw rows, quarantined rows and QA rows;
  its log row (``meta_imports``) stays with ``status = 'deleted'``, so the same file can be
  imported again. Its complaints' reviews go too (a withdrawn complaint leaves no notes
  behind) and do not come back with a re-import: ``query_deletion_preview`` counts them
  before, and the result and the audit row count them after. Incidents and QA rows the import
  added to complaints that stay (``core_incidents.import_id``: a call log attached to an
  earlier complaint, intake rows added to one) go from those complaints, with the field labels
  of their rows (``core_complaint_labels.incident_id``), and the complaints' call-log labels are
  computed again over what remains (``analysis.ingest.generic.call_log_labels``). An incident
  that a later import lists too (``core_incidents.also_import_ids``: a running log imported
  each week, a call log sent twice) passes to the first such import left instead, and goes
  only when none is left. The incidents that go are counted (``incidents``) before and after
  the same way; reviewed complaints whose evidence changes are reopened
  (``analysis.reviews.reopen_if_changed``).
  Incidents and labels written before those columns existed have no import id and go only with
  their complaint; so does the narrative text that added intake rows brought (it is joined
  into the complaint's text), and a complaint goes whole with the import that made it, also
  when a later file lists it again.
* **a source** (``delete_source``): every complaint of that source with the above, the raw,
  quarantine and QA rows of all its imports (whose log rows become ``deleted``) and the
  source itself (``meta_sources``), so it leaves the filters.

The summary tables follow through the store's change set (``mark_changed``), as for any
write. The audit log is never touched by a deletion.
"""
from __future__ import annotations

from pathlib import Path

from analysis import audit, db
from analysis.audit import Actor
from analysis.store import mark_changed

#: Tables holding rows of one complaint (``complaint_id``).
COMPLAINT_TABLES = ("core_label_reviews", "core_complaint_labels", "core_incidents", "core_qa_issues", "core_complaints")
#: Tables holding rows of one import (``import_id``): the file's rows as they came and those
#: set aside (QA rows belong to complaints and go with them; ``_remove`` also takes those the
#: import added to complaints that stay, with its incidents there).
IMPORT_TABLES = ("raw_cfpb__complaints", "raw_generic__rows", "core_quarantine")


class NothingToDelete(ValueError):
    """The import or source named does not exist (or is already deleted)."""


#: What each kind of target removes: the complaints, then the imports (SQL with one parameter,
#: the import id or the source).
_TARGETS = {
    "import": ("SELECT complaint_id FROM core_complaints WHERE import_id = ?", "SELECT ? AS import_id"),
    "source": ("SELECT complaint_id FROM core_complaints WHERE source = ?",
               "SELECT import_id FROM meta_imports WHERE source = ? AND status <> 'deleted'"),
}


def _review_counts(con, complaints_sql: str, params: list) -> tuple[int, int]:
    """(reviewed complaints, review decisions) among the complaints of ``complaints_sql``."""
    [(n_reviewed, n_decisions)] = con.execute(
        f"SELECT count(DISTINCT complaint_id) FILTER (WHERE label_kind = 'complaint'), "
        f"count(*) FILTER (WHERE label_kind <> 'complaint') FROM core_label_reviews "
        f"WHERE complaint_id IN ({complaints_sql})", params).fetchall()
    return int(n_reviewed), int(n_decisions)


def _ids_literal(ids: list[str]) -> str:
    """Import ids (from ``meta_imports``) as a SQL list literal, quotes doubled."""
    return "[" + ", ".join("'" + i.replace("'", "''") + "'" for i in ids) + "]::VARCHAR[]"


def _going_incidents_sql(complaints_sql: str, ids: list[str], has_also: bool = True) -> str:
    """SELECT ``complaint_id, incident_id`` of each incident that removing the imports ``ids``
    takes from a complaint that stays (not among ``complaints_sql``): one they wrote that no
    other import lists (``core_incidents.also_import_ids``; ``has_also``: that column exists)."""
    left = f" AND len({_left(ids)}) = 0" if has_also else ""
    return (f"SELECT complaint_id, incident_id FROM core_incidents WHERE list_contains({_ids_literal(ids)}, import_id)"
            f"{left} AND complaint_id NOT IN ({complaints_sql})")


def _left(ids: list[str]) -> str:
    """The imports of an incident's ``also_import_ids`` that are not among ``ids`` (a SQL list)."""
    return f"list_filter(coalesce(also_import_ids, []::VARCHAR[]), lambda x: NOT list_contains({_ids_literal(ids)}, x))"


def query_deletion_preview(con, kind: str, target: str) -> dict[str, int]:
    """What removing the import or source ``target`` (``kind``: ``import`` or ``source``) would
    take: ``{"complaints": n, "reviewed": reviewed complaints, "decisions": their review
    decisions, "incidents": incidents it added to complaints that stay and no other import
    lists}`` (the Data page says so before the button; ``incidents`` is 0 in a file no write
    has upgraded yet). Raises ``KeyError`` for another ``kind``."""
    complaints_sql, imports_sql = _TARGETS[kind]
    [(n,)] = con.execute(f"SELECT count(*) FROM ({complaints_sql})", [target]).fetchall()
    reviewed, decisions = _review_counts(con, complaints_sql, [target])
    added = 0
    if db.has_column(con, "core_incidents", "import_id"):
        ids = [r[0] for r in con.execute(imports_sql, [target]).fetchall()]
        going = _going_incidents_sql(complaints_sql, ids, db.has_column(con, "core_incidents", "also_import_ids"))
        [(added,)] = con.execute(f"SELECT count(*) FROM ({going})", [target]).fetchall()
    return {"complaints": int(n), "reviewed": reviewed, "decisions": decisions, "incidents": int(added)}


def _remove(con, complaints_sql: str, imports_sql: str, params: list, by: str, why: str) -> dict[str, int]:
    from analysis.ingest.generic import call_log_labels  # here: the importers load the classifier
    from analysis.reviews import evidence_fingerprints, reopen_if_changed
    con.execute(f"CREATE OR REPLACE TEMP TABLE _del_c AS {complaints_sql}", params)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _del_i AS {imports_sql}", params)
    ids = [r[0] for r in con.execute("SELECT import_id FROM _del_i").fetchall()]
    ids_sql, left = _ids_literal(ids), _left(ids)
    n_complaints = con.execute("SELECT count(*) FROM _del_c").fetchone()[0]
    n_reviewed, n_decisions = _review_counts(con, "SELECT complaint_id FROM _del_c", [])
    # incidents (and the field labels of their rows) that go from complaints that stay
    con.execute("CREATE OR REPLACE TEMP TABLE _del_inc AS "
                + _going_incidents_sql("SELECT complaint_id FROM _del_c", ids))
    n_incidents = con.execute("SELECT count(*) FROM _del_inc").fetchone()[0]
    # complaints that stay and change: they lose incidents or QA rows, or an incident of theirs
    # that another import lists too passes to it
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _del_k AS
        SELECT complaint_id FROM _del_inc
        UNION SELECT complaint_id FROM core_qa_issues WHERE import_id IN (SELECT import_id FROM _del_i)
        UNION SELECT complaint_id FROM core_incidents
              WHERE list_contains({ids_sql}, import_id) OR list_has_any(also_import_ids, {ids_sql})
        EXCEPT SELECT complaint_id FROM _del_c""")
    mark_changed(con, "SELECT complaint_id FROM _del_c UNION SELECT complaint_id FROM _del_k")
    reviewed_before = evidence_fingerprints(con, "SELECT complaint_id FROM _del_k")
    for t in COMPLAINT_TABLES:
        con.execute(f"DELETE FROM {t} WHERE complaint_id IN (SELECT complaint_id FROM _del_c)")
    # an incident another import lists too passes to the first of those; the others go
    con.execute(f"UPDATE core_incidents SET import_id = {left}[1], also_import_ids = {left}[2:] "
                f"WHERE list_contains({ids_sql}, import_id) AND len({left}) > 0")
    con.execute(f"UPDATE core_incidents SET also_import_ids = {left} WHERE list_has_any(also_import_ids, {ids_sql})")
    con.execute("DELETE FROM core_complaint_labels WHERE incident_id IN (SELECT incident_id FROM _del_inc)")
    con.execute("DELETE FROM core_incidents WHERE incident_id IN (SELECT incident_id FROM _del_inc)")
    con.execute("DELETE FROM core_qa_issues WHERE import_id IN (SELECT import_id FROM _del_i)")
    for cid, jur in con.execute("SELECT complaint_id, jurisdiction FROM core_complaints "
                                "WHERE complaint_id IN (SELECT complaint_id FROM _del_k) ORDER BY 1").fetchall():
        call_log_labels(con, cid, jur)
    n_reopened = reopen_if_changed(con, reviewed_before, by, why)  # reviewed, and their evidence changed
    removed_rows = 0
    for t in IMPORT_TABLES:
        removed_rows += con.execute(f"SELECT count(*) FROM {t} WHERE import_id IN (SELECT import_id FROM _del_i)"
                                    ).fetchone()[0]
        con.execute(f"DELETE FROM {t} WHERE import_id IN (SELECT import_id FROM _del_i)")
    n_imports = con.execute("SELECT count(*) FROM _del_i").fetchone()[0]
    con.execute("UPDATE meta_imports SET status = 'deleted' WHERE import_id IN (SELECT import_id FROM _del_i)")
    for t in ("_del_c", "_del_i", "_del_k", "_del_inc"):
        con.execute(f"DROP TABLE {t}")
    return {"complaints": int(n_complaints), "imports": int(n_imports), "file_rows": int(removed_rows),
            "reviewed": n_reviewed, "decisions": n_decisions, "incidents": int(n_incidents),
            "reopened": int(n_reopened)}


def delete_import(db_path: Path, import_id: str, actor: Actor) -> dict[str, int]:
    """Remove import ``import_id`` (see the module text). Returns ``{"complaints": n,
    "imports": 1, "file_rows": raw and quarantined rows removed, "reviewed": reviewed complaints
    removed, "decisions": their review decisions, "incidents": incidents it had added to
    complaints that stay, removed from them, "reopened": reviewed complaints that stay whose
    evidence it changed, back in the review queue (``analysis.reviews.reopen_if_changed``)}`` (all ``int``;
    the audit row's detail holds the same). Raises ``NothingToDelete`` for an unknown or already
    deleted import."""
    with db.write_transaction(db_path, f"delete import {import_id}") as con:
        row = con.execute("SELECT source_file, file_sha256, source FROM meta_imports WHERE import_id = ? "
                          "AND status <> 'deleted'", [import_id]).fetchone()
        if row is None:
            raise NothingToDelete(f"no import {import_id!r} to delete")
        out = _remove(con, *_TARGETS["import"], [import_id], actor.name, f"removed: {row[0]} ({import_id})")
        audit.record(con, actor, "delete_import", target=import_id, file_name=row[0], file_sha256=row[1],
                     rows_removed=out["complaints"], detail={"source": row[2], **out})
    return out


def delete_source(db_path: Path, source: str, actor: Actor) -> dict[str, int]:
    """Remove every complaint and import of ``source`` and the source itself (see the module
    text). Returns ``{"complaints", "imports", "file_rows", "reviewed", "decisions", "incidents", "reopened"}``
    (as ``delete_import``). Raises ``NothingToDelete`` for an unknown source."""
    with db.write_transaction(db_path, f"delete source {source}") as con:
        if con.execute("SELECT count(*) FROM meta_sources WHERE source = ?", [source]).fetchone()[0] == 0:
            raise NothingToDelete(f"no source {source!r} to delete")
        out = _remove(con, *_TARGETS["source"], [source], actor.name, f"removed: source {source}")
        con.execute("DELETE FROM meta_sources WHERE source = ?", [source])
        audit.record(con, actor, "delete_source", target=source, rows_removed=out["complaints"], detail=out)
    return out
