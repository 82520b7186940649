"""Narrative classifier (issue 3): what the collector did, to whom, how, and at what time.

Pure Python, no Streamlit. Patterns and keyword lists are data files, one per language:
``analysis/classify/patterns/en.toml`` and ``zh.toml``; the conduct → rule crosswalk
(RULEBOOK.md §4) is ``patterns/crosswalk.toml``. Codes come from ``analysis.codes``; time
verdicts from ``analysis.rules.classify_contact_time``.

Public API::

    from analysis.classify import classify_narrative, classify_many, NarrativeResult
    r = classify_narrative(text, lang=None, jurisdiction=None)
    rs = classify_many(texts, langs=None, jurisdictions=None)
"""
from __future__ import annotations

from analysis.classify.engine import (Evidence, IncidentGuess, NarrativeResult, RuleVerdict,
                                      TimeMention, classify_one, detect_language)

__all__ = ["classify_narrative", "classify_many", "detect_language", "NarrativeResult",
           "TimeMention", "Evidence", "RuleVerdict", "IncidentGuess"]


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


def classify_many(texts: list[str], langs: list[str | None] | None = None,
                  jurisdictions: list[str | None] | None = None) -> list[NarrativeResult]:
    """Classify many narratives; ``langs`` / ``jurisdictions`` are parallel lists or None.

    Returns results in input order. Raises ``ValueError`` when a parallel list has another
    length than ``texts`` or holds an unknown value.
    """
    n = len(texts)
    if langs is not None and len(langs) != n:
        raise ValueError(f"langs has {len(langs)} items, texts has {n}")
    if jurisdictions is not None and len(jurisdictions) != n:
        raise ValueError(f"jurisdictions has {len(jurisdictions)} items, texts has {n}")
    return [classify_one(t, langs[i] if langs else None,
                         jurisdictions[i] if jurisdictions else None)
            for i, t in enumerate(texts)]
