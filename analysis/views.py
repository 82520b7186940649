"""Named saved views: a page and its URL parameters (filters, language, page choices) kept
under a name that staff can share.

Saved views live in a small JSON file beside the database (``<database>.views.json``), not
in the database: saving one is not a change to the evidence and must not start a new
database version (which would empty every query cache). Writes replace the file atomically
(``os.replace`` of a temporary file) under an exclusive lock, so concurrent sessions never
read a half-written file or lose each other's views.
"""
from __future__ import annotations

import fcntl
import json
import os
import tempfile
import unicodedata
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Mapping
from urllib.parse import urlencode

from analysis.filters import FilterError, from_url
from analysis.i18n import t


class ViewError(ValueError):
    """A view that cannot be saved: ``str(err)`` in English, ``in_language(lang)`` in the
    user's (i18n key ``key`` with ``params``)."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(t(key, "en", **params))

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return t(self.key, lang, **self.params)

#: Longest view name (characters) and most views per database.
MAX_NAME = 80
MAX_VIEWS = 500


@dataclass(frozen=True)
class SavedView:
    """``name`` (plain text, shown escaped), ``page`` (url path, e.g. ``methods_conduct``),
    ``params`` (URL parameters ``{key: [values]}``), ``saved_at`` (ISO 8601, UTC) and
    ``saved_by`` (who saved it)."""

    name: str
    page: str
    params: dict[str, list[str]]
    saved_at: str
    saved_by: str

    def query(self) -> str:
        """The view's URL: ``page?key=value&…`` (relative to the app's root)."""
        return f"{self.page}?{urlencode(self.params, doseq=True)}"


def views_path(db_path: str | Path) -> Path:
    """The saved-views file of the database at ``db_path`` (beside it, not in it)."""
    return Path(str(db_path) + ".views.json")


@contextmanager
def _locked(db_path: str | Path) -> Iterator[None]:
    lock = Path(str(views_path(db_path)) + ".lock")
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def load_views(db_path: str | Path) -> list[SavedView]:
    """The saved views of a database, by name (case-insensitive); [] when none were saved.
    Raises ``ValueError`` when the file is not a saved-views file."""
    path = views_path(db_path)
    if not path.exists():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        views = [SavedView(**r) for r in rows]
    except (json.JSONDecodeError, TypeError) as err:
        raise ValueError(f"{path} is not a saved-views file: {err}") from None
    return sorted(views, key=lambda v: v.name.casefold())


def _write(db_path: str | Path, views: list[SavedView]) -> None:
    path = views_path(db_path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump([asdict(v) for v in views], fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def clean_name(name: str) -> str:
    """A view name with surrounding and repeated whitespace removed. Raises ``ValueError``
    for an empty name, a name longer than ``MAX_NAME`` or one with control characters."""
    # invisible format characters (a zero-width space) would make two names that read the same
    text = " ".join("".join(ch for ch in str(name) if unicodedata.category(ch) != "Cf").split())
    if not text:
        raise ViewError("view_err_empty")
    if len(text) > MAX_NAME:
        raise ViewError("view_err_long", n=MAX_NAME)
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in text):
        raise ViewError("view_err_control")
    return text


def save_view(db_path: str | Path, name: str, page: str, params: Mapping[str, list[str]],
              saved_by: str, pages: tuple[str, ...], replace: bool = False) -> SavedView:
    """Save (or replace, by name, case-insensitive) a view. ``page`` must be one of ``pages``;
    ``params`` must be a valid view (``filters.from_url``; ``lang`` zh or en). A view of that
    name saved by someone else is replaced only with ``replace``. Raises ``ViewError`` (a
    ``ValueError``: bad name, page or language, too many views, another's view of that name)
    or ``FilterError`` (bad filter values)."""
    name = clean_name(name)
    if page not in pages:
        raise ViewError("view_err_page", page=page)
    params = {str(k): [str(v) for v in vals] for k, vals in params.items()}
    if params.get("lang", ["zh"])[0] not in ("zh", "en"):
        raise ViewError("view_err_lang", language=params["lang"][0])
    from_url(params)  # raises FilterError for a value no filter accepts
    view = SavedView(name, page, params, datetime.now(timezone.utc).isoformat(timespec="seconds"), saved_by)
    with _locked(db_path):
        every = load_views(db_path)
        other = next((v for v in every if v.name.casefold() == name.casefold() and v.saved_by != saved_by), None)
        if other is not None and not replace:
            raise ViewError("view_err_taken", name=other.name, by=other.saved_by)
        views = [v for v in every if v.name.casefold() != name.casefold()]
        if len(views) >= MAX_VIEWS:
            raise ViewError("view_err_many", n=MAX_VIEWS)
        _write(db_path, views + [view])
    return view


def delete_view(db_path: str | Path, name: str) -> bool:
    """Delete the view called ``name`` (case-insensitive); True when one was deleted."""
    with _locked(db_path):
        views = load_views(db_path)
        keep = [v for v in views if v.name.casefold() != str(name).strip().casefold()]
        if len(keep) == len(views):
            return False
        _write(db_path, keep)
    return True


__all__ = ["SavedView", "FilterError", "load_views", "save_view", "delete_view", "views_path", "clean_name"]
