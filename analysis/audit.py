"""The audit log (``meta_audit``): one row per change to the evidence or to accounts, written
in the same transaction as the change, so there is no change without its row and no row
without its change. Deletions of data never delete audit rows.

``record`` is the only writer; ``Actor`` says who (an account of the dashboard, the OS user
of the command line, or the local single-user mode) and is what every write takes."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import duckdb

#: How a change reached the database.
VIA = ("dashboard", "command line")


@dataclass(frozen=True)
class Actor:
    """Who makes a change: ``name`` (account name or ``os:<user>``), ``role`` (an
    ``analysis.accounts.ROLES`` value, or ``single_user``) and ``via`` (``VIA``)."""

    name: str
    role: str
    via: str = "dashboard"

    @classmethod
    def command_line(cls) -> "Actor":
        """The person at the server's shell: the OS user, with the admin's rights (who can run
        commands on the server can change its files anyway)."""
        from analysis.ingest.common import current_user
        return cls(f"os:{current_user()}", "admin", "command line")


def record(con: duckdb.DuckDBPyConnection, actor: Actor, action: str, *, target: str | None = None,
           file_name: str | None = None, file_sha256: str | None = None, rows_read: int | None = None,
           rows_added: int | None = None, rows_updated: int | None = None, rows_quarantined: int | None = None,
           rows_removed: int | None = None, detail: dict | None = None) -> str:
    """Append one audit row on ``con`` (inside the change's write transaction). Returns its
    ``audit_id``. ``detail``: any JSON-serialisable extra (kept as text)."""
    audit_id = uuid.uuid4().hex
    con.execute(
        "INSERT INTO meta_audit (audit_id, logged_at, actor, actor_role, via, action, target, file_name, file_sha256, "
        "rows_read, rows_added, rows_updated, rows_quarantined, rows_removed, detail) "
        "VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [audit_id, actor.name, actor.role, actor.via, action, target, file_name, file_sha256, rows_read,
         rows_added, rows_updated, rows_quarantined, rows_removed,
         json.dumps(detail, ensure_ascii=False, default=str) if detail else None])
    return audit_id


def record_import(con: duckdb.DuckDBPyConnection, actor: Actor, action: str, rep) -> str:
    """The audit row of one file's import (``rep``: ``analysis.ingest.ImportReport``)."""
    return record(con, actor, action, target=rep.import_id, file_name=rep.source_file, file_sha256=rep.file_sha256,
                  rows_read=rep.row_count, rows_added=rep.accepted_count - rep.updated_count,
                  rows_updated=rep.updated_count, rows_quarantined=rep.quarantined_count,
                  detail={"status": rep.status, "already_present": rep.unchanged_count, "encoding": rep.encoding})
