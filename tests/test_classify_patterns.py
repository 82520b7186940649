"""Every pattern of the data files: loads, has an id, its examples fire and its counters don't."""
from __future__ import annotations

import pytest

from analysis.classify import classify_narrative
from analysis.classify.patterns import KINDS, load_crosswalk, load_pack
from analysis.codes import codes


def _all():
    out = []
    for lang in ("en", "zh"):
        pack = load_pack(lang)
        for kind in KINDS:
            for p in pack.patterns[kind]:
                out.append((lang, p))
    return out


ALL = _all()


def test_classify_patterns__ids_unique_and_prefixed():
    ids = [p.id for _, p in ALL]
    assert len(ids) == len(set(ids))
    assert all(p.id.startswith(lang + ".") for lang, p in ALL)


def test_classify_patterns__crosswalk_covers_every_conduct():
    cw = load_crosswalk()
    for jur in ("CN", "US", "UK"):
        assert set(cw[jur]) == set(codes("conduct"))


@pytest.mark.parametrize("lang,p", ALL, ids=lambda x: getattr(x, "id", x))
def test_classify_patterns__examples_match_and_pass_prefilter(lang, p):
    assert p.examples or p.kind in ("disclosure",), f"{p.id} has no example"
    for ex in p.examples:
        assert p.regex.search(ex.lower() if lang == "en" else ex), f"{p.id} does not match {ex!r}"
        assert p.prefilter(ex.lower()), f"{p.id}: keywords miss example {ex!r}"


@pytest.mark.parametrize("lang,p", [(lang, p) for lang, p in ALL if p.counter],
                         ids=lambda x: getattr(x, "id", x))
def test_classify_patterns__counter_examples_give_no_label(lang, p):
    for ex in p.counter:
        r = classify_narrative(ex, lang)
        fired = [e for e in r.evidence if e.pattern_id == p.id and not e.flags]
        if p.kind == "time":
            fired = [t for t in r.times if t.pattern_id == p.id and t.precision == "exact"]
        assert not fired, f"{p.id} fired on counter-example {ex!r}"
