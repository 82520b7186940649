"""Where the public test data lives (``../shared``, beside the repository) and what to do
when it is missing.

The real public files (CFPB and FTC exports, the labelled dev set, RULEBOOK.md) are never
copied into this repository; tests read them in place from ``SHARED``. A test that needs
some of them says so with ``@require_shared("data/cfpb/payday_loan_2023_sample.csv", ...)``
(paths relative to ``SHARED``; also usable as a module's ``pytestmark`` or in
``pytest.param(..., marks=...)``). When a named file is missing:

- normally the test is skipped with one line naming the missing files;
- with the ``CI`` environment variable set, the test errors instead: CI always has
  ``../shared``, so a missing file there is a failure, never a silent skip.

A parametrize list or fixture ``params`` built from the shared files (a glob, rows of a
CSV) is empty when they are missing, and pytest would quietly run nothing: wrap it in
``shared_params(values, *paths)`` so the test shows up as skipped (or fails in CI).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
#: The public data beside the repository (``../shared``).
SHARED = REPO.parent / "shared"
#: True on CI (the ``CI`` variable is set, as for the browser tests): missing shared files fail there.
IN_CI = bool(os.environ.get("CI"))
# Imports store conduct-model suggestions when a trained model is installed (data/models/,
# git-ignored). Tests must not depend on whether this machine trained one: none is installed
# for them unless a test points $COLLECTION_WATCH_MODEL at its own.
os.environ["COLLECTION_WATCH_MODEL"] = str(REPO / "tests" / "artifacts" / "no-model-installed.npz")

# The shared files the tests read, relative to SHARED.
CFPB_MIXED = "data/cfpb/complaints_2019_2020_mixed_products.csv"
CFPB_PAYDAY = "data/cfpb/payday_loan_2023_sample.csv"
CFPB_COMPLAINTS = (CFPB_MIXED, CFPB_PAYDAY)  # the CFPB complaint exports the tests import and pin
FTC_DNC = "data/ftc_dnc/dnc_complaint_numbers_2019-12-16.csv"
LABELLED_DEV = "data/narratives/labelled_dev.csv"
RULEBOOK_MD = "RULEBOOK.md"  # optional check in test_demo (required on CI)


def _relative(path: str | Path) -> str:
    p = Path(path)
    if p.is_absolute():
        p = p.resolve().relative_to(SHARED.resolve())
    return p.as_posix()


def missing_shared(*paths: str | Path) -> list[str]:
    """The given shared files (relative to SHARED, or absolute under it) that do not exist."""
    return [rel for rel in map(_relative, paths) if not (SHARED / rel).exists()]


def shared_reason(missing: list[str]) -> str:
    """One line naming the missing shared files (public data under ``data/``, or the team's
    documents such as RULEBOOK.md)."""
    names = " and ".join(f"../shared/{rel}" for rel in missing)
    kind = "public data" if all(str(rel).startswith("data/") for rel in missing) else "shared project files"
    return f"needs {names} ({kind}, not in this repository)"


def require_shared(*paths: str | Path) -> pytest.MarkDecorator:
    """Mark: the test needs these shared files (skipped without them; an error on CI)."""
    return pytest.mark.shared(*paths)


def shared_params(values, *paths: str | Path) -> list:
    """``values`` for a one-argument parametrize / fixture ``params`` read from shared files;
    when it is empty, one placeholder marked ``require_shared(*paths)`` so the test is
    reported as skipped (or fails on CI) instead of vanishing."""
    values = list(values)
    return values or [pytest.param(None, marks=require_shared(*paths), id="shared-data-missing")]


def _missing_for(item: pytest.Item) -> list[str]:
    missing: list[str] = []
    for mark in item.iter_markers("shared"):
        missing += [m for m in missing_shared(*mark.args) if m not in missing]
    return missing


def pytest_configure(config):
    config.addinivalue_line("markers", "shared(*paths): needs these files from ../shared (public data); "
                                       "skipped when they are missing, except on CI (use require_shared)")


def pytest_collection_modifyitems(config, items):
    if IN_CI:
        return
    for item in items:
        missing = _missing_for(item)
        if missing:
            item.add_marker(pytest.mark.skip(reason=shared_reason(missing)))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if IN_CI:
        missing = _missing_for(item)
        if missing:
            pytest.fail(f"{shared_reason(missing)}: CI is set, and CI must have ../shared", pytrace=False)


#: The process's own ``__main__`` (pytest's), as it was when the tests were collected.
_REAL_MAIN = sys.modules.get("__main__")


@pytest.fixture(autouse=True)
def _main_module_restored():
    """Streamlit's AppTest leaves ``sys.modules["__main__"]`` set to the page it ran (also from a
    module-scoped fixture, before this one starts). A process pool spawned then
    (``classify_many(workers=2)``, an import with workers) re-runs the parent's ``__main__`` in
    each child: the page would run there, outside the test's database, and build the default
    demonstration database in ``data/``. Every test starts and ends with pytest's own
    ``__main__``."""
    if _REAL_MAIN is not None:
        sys.modules["__main__"] = _REAL_MAIN
    yield
    if _REAL_MAIN is not None:
        sys.modules["__main__"] = _REAL_MAIN
