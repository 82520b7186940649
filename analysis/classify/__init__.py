"""Narrative classifier (issue 3): what the collector did, to whom, how, and at what time.

Pure Python, no Streamlit. Patterns and keyword lists are data files, one per language:
``analysis/classify/patterns/en.toml`` and ``zh.toml``; the conduct → rule crosswalk
(RULEBOOK.md §4) is ``patterns/crosswalk.toml``. Codes come from ``analysis.codes``; time
verdicts from ``analysis.rules.classify_contact_time``.

Public API::

    from analysis.classify import classify_narrative, classify_many, NarrativeResult
    r = classify_narrative(text, lang=None, jurisdiction=None)
    rs = classify_many(texts, langs=None, jurisdictions=None, workers=1)
"""
from __future__ import annotations

import functools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from analysis.classify.engine import (Evidence, IncidentGuess, NarrativeResult, RuleVerdict,
                                      TimeMention, classify_one)
from analysis.classify.mentions import detect_language

__all__ = ["classify_narrative", "classifier_version", "classify_many", "classify_started", "classify_pool",
           "default_workers", "WORKERS_ENV",
           "MIN_PARALLEL", "detect_language",
           "NarrativeResult",
           "TimeMention", "Evidence", "RuleVerdict", "IncidentGuess"]


#: What decides the classifier's answers: its pattern files and its code. A change to any of
#: them changes ``classifier_version`` and makes the labels it stored before stale.
_VERSIONED = ("patterns/*.toml", "engine.py", "mentions.py", "patterns.py", "times.py", "../rules.py")


@functools.lru_cache(maxsize=1)
def classifier_version() -> str:
    """``rules-`` + the first 12 hex digits of the SHA-256 of the pattern files and the
    classifier's code (``_VERSIONED``, in name order). Stored on every narrative label
    (``label_version``) and on each complaint it read (``narrative_version``)."""
    import hashlib
    from pathlib import Path
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for pattern in _VERSIONED:
        for f in sorted(here.glob(pattern)):
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return "rules-" + h.hexdigest()[:12]


def classify_narrative(text: str, lang: str | None = None,
                       jurisdiction: str | None = None) -> NarrativeResult:
    """Classify one complaint narrative.

    Parameters
    - ``text``: the narrative as received (CFPB redactions ``XXXX``, ``XX/XX/XXXX``,
      ``{$400.00}`` are never read as times or counts). ``None`` is treated as "".
    - ``lang``: ``'en'``, ``'zh'`` or ``None`` (detected from the script: Han characters → zh).
      Mixed-language text is scanned with both pattern sets whatever ``lang`` says.
    - ``jurisdiction``: ``'CN'``, ``'US'``, ``'UK'`` or ``None`` (CN for zh, US for en); decides
      the permitted contact window and the rule ids.

    Returns a :class:`NarrativeResult`: ``methods``, ``recipients``, ``conducts``,
    ``debt_issues`` (code tuples in code-list order, no duplicates); ``times`` (TimeMention:
    spans, local wall-clock ``time_local`` 'HH:MM' and ``hour`` only when ``precision ==
    'exact'``; 'ambiguous' a.m./p.m. times carry ``candidates`` instead; flags such as range,
    negated, boundary, ampm_ambiguous, 24h, tz_shift, declared_window, bound_before/after);
    ``evidence`` (spans into the original text with the pattern id; entries with flags
    produced no label); ``rule_verdicts`` (RULEBOOK ids, e.g. CN-TIME-01, US-TIME-01/02,
    US-FREQ-02/03, CN-FREQ-01/02/04, CN-3P-01..04, US-3P-01, CN-MISL-01, US-FALSE-01..04,
    US-ARREST-01, US-THREAT-01, ...; verdicts violation | likely | boundary | possible |
    needs_review | none); ``incidents`` (one per distinct method/recipient/time).

    Raises ``ValueError`` for an unknown ``lang`` or ``jurisdiction``.
    """
    return classify_one(text, lang, jurisdiction)


#: Environment variable with the number of processes the build classifies narratives with.
WORKERS_ENV = "COLLECTION_WATCH_CLASSIFY_WORKERS"
#: Below this many narratives a process pool costs more (start-up, pattern compilation) than
#: it saves.
MIN_PARALLEL = 2_000


def default_workers() -> int:
    """Processes for classifying narratives in the build: ``$COLLECTION_WATCH_CLASSIFY_WORKERS``
    (the import CLI sets it from ``--workers``), else 1, which leaves the second core of the
    2-core server to the dashboard's readers while an upload is imported.

    Raises ``ValueError`` when the variable is not a positive integer."""
    raw = os.environ.get(WORKERS_ENV, "1").strip() or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{WORKERS_ENV} must be a positive integer, got {raw!r}")
    return int(raw)


def _classify_chunk(args: tuple) -> list[NarrativeResult]:
    texts, langs, jurs = args
    return [classify_one(t, lg, j) for t, lg, j in zip(texts, langs, jurs)]


def classify_pool(workers: int) -> ProcessPoolExecutor | None:
    """A process pool for :func:`classify_many` (spawned, not forked: the dashboard's server is
    multi-threaded), or None for ``workers <= 1``. The caller closes it (``with``). Not from a
    Streamlit page: a spawned child re-runs the parent's ``__main__``, which there is the page
    (the dashboard classifies in one process; tests restore ``__main__`` after AppTest)."""
    if workers <= 1:
        return None
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    pool.cw_workers = workers  # how finely classify_started cuts the texts
    return pool


def _checked_lists(texts: list[str], langs, jurisdictions) -> tuple[list, list]:
    n = len(texts)
    if langs is not None and len(langs) != n:
        raise ValueError(f"langs has {len(langs)} items, texts has {n}")
    if jurisdictions is not None and len(jurisdictions) != n:
        raise ValueError(f"jurisdictions has {len(jurisdictions)} items, texts has {n}")
    return (list(langs) if langs is not None else [None] * n,
            list(jurisdictions) if jurisdictions is not None else [None] * n)


#: Chunks per worker a pool's share of texts is cut into: small enough that the last chunk
#: leaves little idle at the end, large enough that sending it costs little.
CHUNKS_PER_WORKER = 8


def classify_started(texts: list[str], langs: list[str | None] | None = None,
                     jurisdictions: list[str | None] | None = None, *,
                     pool: ProcessPoolExecutor | None = None):
    """Start classifying on an open ``pool`` (from :func:`classify_pool`) and return a function
    of no arguments that waits for the results (``list[NarrativeResult]``, in input order):
    the caller does other work meanwhile (``analysis.narratives`` stores the page before).
    Without a pool or below ``MIN_PARALLEL`` texts, classifies now in this process. Raises
    ``ValueError`` as :func:`classify_many`."""
    lg, jr = _checked_lists(texts, langs, jurisdictions)
    n = len(texts)
    if n < MIN_PARALLEL or pool is None:
        done = _classify_chunk((texts, lg, jr))
        return lambda: done
    size = max(1, -(-n // (getattr(pool, "cw_workers", 2) * CHUNKS_PER_WORKER)))
    futures = [pool.submit(_classify_chunk, (texts[i:i + size], lg[i:i + size], jr[i:i + size]))
               for i in range(0, n, size)]
    return lambda: [r for f in futures for r in f.result()]


def classify_many(texts: list[str], langs: list[str | None] | None = None,
                  jurisdictions: list[str | None] | None = None, *, workers: int = 1,
                  pool: ProcessPoolExecutor | None = None) -> list[NarrativeResult]:
    """Classify many narratives; ``langs`` / ``jurisdictions`` are parallel lists or None.

    ``workers`` > 1 (or an open ``pool`` from :func:`classify_pool`) classifies in that many
    processes when there are at least ``MIN_PARALLEL`` texts; results are the same as in one
    process. Returns results in input order. Raises ``ValueError`` when a parallel list has
    another length than ``texts`` or holds an unknown value.
    """
    if pool is not None or workers <= 1 or len(texts) < MIN_PARALLEL:
        return classify_started(texts, langs, jurisdictions, pool=pool)()
    with classify_pool(workers) as ex:
        return classify_started(texts, langs, jurisdictions, pool=ex)()
