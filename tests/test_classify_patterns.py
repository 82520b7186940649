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


def _data(lang: str, kind: str, entry: dict) -> dict:
    """The parsed pattern file of ``lang`` with ``entry`` added to ``kind``."""
    import tomllib

    from analysis.classify.patterns import PATTERN_DIR
    data = tomllib.loads((PATTERN_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    data.setdefault(kind, []).append(entry)
    return data


@pytest.mark.parametrize("kind,entry,message", [
    # a setting the engine ignores for the kind is refused, not silently kept
    ("recipient", {"id": "en.t.r", "code": "family", "regex": "x", "attach": "y"},
     "a recipient pattern takes no ['attach']"),
    ("conduct", {"id": "en.t.c", "codes": ["ABUSIVE_LANGUAGE"], "regex": "x", "per": "day"},
     "a conduct pattern takes no ['per']"),
    ("conduct", {"id": "en.t.c", "codes": ["ABUSIVE_LANGUAGE"], "regex": "x", "attach_window": 80},
     "a conduct pattern takes no ['attach_window']"),
    # a modifier without what it modifies
    ("conduct", {"id": "en.t.c", "codes": ["ABUSIVE_LANGUAGE"], "regex": "x",
                 "attach_alt": {"regex": "y", "codes": ["FREQ_EXCESSIVE_MESSAGES"]}},
     "attach_alt without attach"),
    ("method", {"id": "en.t.m", "code": "phone_call", "regex": "x", "thread_origin": "y"},
     "thread_match/thread_origin without thread_before"),
    ("method", {"id": "en.t.m", "code": "phone_call", "regex": "x", "block_window": 90},
     "block_window without block_before"),
    ("conduct", {"id": "en.t.c", "codes": ["ABUSIVE_LANGUAGE"], "regex": "x", "attach": "y",
                 "attach_alt": {"regex": "z", "codes": ["NOT_A_CODE"]}},
     "unknown conduct code 'NOT_A_CODE'"),
    # a [words] name that is not there (a typo must not compile as the literal "@cal_words")
    ("conduct", {"id": "en.t.c", "codes": ["FREQ_EXCESSIVE_CALLS"], "regex": "x", "attach": "@cal_words"},
     "'@cal_words' is not a [words] entry (\"@name\")"),
    ("conduct", {"id": "en.t.c", "codes": ["FREQ_EXCESSIVE_CALLS"], "regex": "x",
                 "attach": ["@call_words", "harassment"]},
     "'harassment' is not a [words] entry (\"@name\")"),
])
def test_classify_patterns__settings_a_kind_does_not_take_are_refused(kind, entry, message):
    from analysis.classify.patterns import build_pack
    with pytest.raises(ValueError) as exc:
        build_pack("en", _data("en", kind, entry))
    assert str(exc.value) == f"pattern {entry['id']}: {message}"


def test_classify_patterns__grouped_settings_compile_as_given():
    """``attach`` + ``attach_alt`` become two Attach entries (own codes, then the alternative's);
    block_before keeps its window; the thread's three regexes stay together."""
    from analysis.classify.patterns import build_pack
    pk = build_pack("en", _data("en", "conduct", {
        "id": "en.t.c", "codes": ["FREQ_EXCESSIVE_CALLS"], "regex": "x", "attach": "calls?",
        "attach_alt": {"regex": "texts?", "codes": ["FREQ_EXCESSIVE_MESSAGES"]},
        "block_before": "i $"}))
    p = next(p for p in pk.patterns["conduct"] if p.id == "en.t.c")
    assert [(a.regex.pattern, a.codes) for a in p.attach] == [
        ("calls?", None), ("texts?", ("FREQ_EXCESSIVE_MESSAGES",))]
    assert (p.block.regex.pattern, p.block.window) == ("i $", 60)
    # named word sets: one is its regex, a list their alternation (en.freq.periodic: the call
    # words of en.freq.vague or harassment), compiled as the pattern's own
    en = {p.id: p for p in load_pack("en").patterns["conduct"]}
    vague, periodic = en["en.freq.vague"], en["en.freq.periodic"]
    assert periodic.attach[0].regex.pattern == f"(?:{vague.attach[0].regex.pattern}|\\bharass(?:ed|es|ing|ment)?\\b)"
    assert periodic.attach[1] == vague.attach[1] and periodic.block.regex.pattern == vague.block.regex.pattern
    assert vague.attach[0].regex.search("they called me") and not vague.attach[0].regex.search("harassing me")
    m = next(p for p in load_pack("en").patterns["method"] if p.thread is not None)
    assert m.id == "en.method.phone_call.verb"
    assert m.thread.match.pattern == "^(?:call|called|hung up|hangs? up)$"
    assert m.thread.origin is not None


def _corpus() -> list[tuple[str, str | None, str]]:
    """(name, lang, text) of every text in the repository's labelled sets, and of the shared CFPB
    narratives where ../shared is beside the repository (CI has it)."""
    import csv
    from pathlib import Path

    from tests.conftest import missing_shared
    from tests.helpers import REPO, SHARED_DATA
    csv.field_size_limit(10**9)
    out = []
    for path in sorted((REPO / "tests" / "data").glob("*.csv")):
        for i, row in enumerate(csv.DictReader(open(path, encoding="utf-8-sig"))):
            if row.get("text"):
                out.append((f"{path.name}:{i + 2}", row.get("lang") or None, row["text"]))
    shared = [Path("data/cfpb") / n for n in ("narratives_pool_2013_2015.csv", "payday_loan_2023_sample.csv",
                                              "complaints_2019_2020_mixed_products.csv")]
    if not missing_shared(*shared):
        for rel in shared:
            for i, row in enumerate(csv.DictReader(open(SHARED_DATA.parent / rel, encoding="utf-8-sig"))):
                if row.get("Consumer complaint narrative"):
                    out.append((f"{rel.name}:{i + 2}", None, row["Consumer complaint narrative"]))
    return out


def test_classify_patterns__keywords_hide_no_match_of_the_regex():
    """A pattern's keywords are only a prefilter: on every text of the labelled sets (and the
    shared narratives), whenever its regex matches, one of its keywords occurs. Otherwise the
    pattern's reading would depend on unrelated words elsewhere in the text (a regex alternative
    that fires only when another keyword happens to be there). Found 27 such patterns on
    2026-12-07, e.g. "4 times or more a day" and "harassing phone calls" were read only in
    texts that also held a keyword such as "times a day"."""
    from analysis.classify import mentions
    hidden = {}
    for name, lang, text in _corpus():
        doc = mentions.read(text, lang, None)
        for pk in doc.packs:
            scan = doc.text_for(pk)
            low = scan if pk.lang == "en" else scan.lower()
            for ps in pk.patterns.values():
                for p in ps:
                    if p.id in hidden or not p.keywords or p.prefilter(low):
                        continue
                    m = next((m for m in p.regex.finditer(scan) if m.end() > m.start()), None)
                    if m is not None:
                        hidden[p.id] = f"{name}: {scan[max(0, m.start() - 30):m.end() + 10]!r}"
    assert not hidden, "\n".join(f"{k}: {v}" for k, v in sorted(hidden.items()))
