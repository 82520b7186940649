"""``analysis.classify.scanning``: the classifier's regexes compiled to skip ahead find exactly
the matches ``re.compile`` finds (spans and named groups), on every pattern of the data files."""
from __future__ import annotations

import csv
import re

import pytest
from hypothesis import given, settings, strategies as st

from analysis.classify.patterns import LANGS, load_pack
from analysis.classify.scanning import compile_scanning, start_set
from tests.conftest import SHARED, require_shared

POOL = "data/cfpb/narratives_pool_2013_2015.csv"


def _regexes():
    """Every compiled regex of both packs: patterns (and their attach/block/thread regexes),
    lexicon, actor and time-context entries, with a name."""
    out = []
    for lang in LANGS:
        pk = load_pack(lang)
        for ps in pk.patterns.values():
            for p in ps:
                out.append((p.id, p.regex))
                out += [(f"{p.id}.attach{i}", a.regex) for i, a in enumerate(p.attach)]
                if p.block is not None:
                    out.append((f"{p.id}.block_before", p.block.regex))
                if p.thread is not None:
                    out += [(f"{p.id}.thread_{k}", getattr(p.thread, k))
                            for k in ("before", "match", "origin") if getattr(p.thread, k) is not None]
        for name in ("negation", "negation_reset", "negation_false", "irrealis", "clause_break",
                     "speech", "recipient_before", "recipient_after"):
            if getattr(pk, name) is not None:
                out.append((f"{lang}.{name}", getattr(pk, name)))
        out += [(f"{lang}.actor.{k}", v) for k, v in pk.lex.items()]
        out += [(f"{lang}.time_context.{k}", v) for k, v in pk.ctx.items()]
    return out


REGEXES = _regexes()
assert len({n for n, _ in REGEXES}) == len(REGEXES)
PLAIN = {name: re.compile(rx.pattern, rx.flags) for name, rx in REGEXES}


def _same(rx: re.Pattern, plain: re.Pattern, text: str) -> None:
    got = [(m.span(), m.groupdict()) for m in rx.finditer(text)]
    want = [(m.span(), m.groupdict()) for m in plain.finditer(text)]
    assert got == want
    assert [m.span() for m in rx.finditer(text, 3, max(3, len(text) - 2))] == \
        [m.span() for m in plain.finditer(text, 3, max(3, len(text) - 2))]


@pytest.mark.parametrize("source,chars", [
    (r"\b(?:called|phoned)\b", "cp"),
    (r"(?<!\bso )(?:(?<!company )|(?=called\s+me))called", "c"),   # look-arounds looked past
    (r"\b(?:the )?(?:amount|balance)", "tab"),                    # an optional opening word
    (r"\b(?:\d+|two) calls", "0123456789t"),
])
def test_scanning__start_set_looks_past_zero_width_openings(source, chars):
    items = start_set(source)
    lits = {chr(v) for op, v in items if str(op) == "LITERAL"}
    digits = any(str(op) == "IN" or str(op) == "CATEGORY" for op, _ in items)
    assert lits == set(chars) - set("0123456789") or (digits and lits == {"t"})


@pytest.mark.parametrize("source", [
    r"called",            # re finds its own literal prefix
    r"[ab]c",             # re finds its own charset
    r"\b.x",              # any character can open a match
    r"\b[^a]x",           # a negated class
    r"\b(?:a|b?)",        # can match empty
    r"(?i)\bcalled",      # case-insensitive: left to re
])
def test_scanning__no_set_of_its_own(source):
    assert start_set(source) is None
    assert compile_scanning(source).pattern == source


def test_scanning__most_patterns_get_a_set():
    """The point of the module: most patterns open with ``\\b`` or a look-behind."""
    n = sum(start_set(rx.pattern, rx.flags) is not None for _, rx in REGEXES)
    assert n >= len(REGEXES) // 2, n


@pytest.mark.parametrize("name,rx", REGEXES, ids=[n for n, _ in REGEXES])
def test_scanning__same_matches_on_the_examples(name, rx):
    pk = load_pack(name.split(".")[0])
    texts = [ex for ps in pk.patterns.values() for p in ps for ex in p.examples + p.counter]
    joined = " ".join(texts)
    for text in texts + [joined, joined.lower()]:
        _same(rx, PLAIN[name], text)


_WORDS = sorted({w for lang in LANGS for ps in load_pack(lang).patterns.values() for p in ps
                 for ex in p.examples for w in re.findall(r"\w+|[^\w\s]", ex.lower())})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=40),
       st.lists(st.sampled_from([" ", " ", ", ", ". ", "'", "-", "\n", ""]), min_size=1, max_size=40))
def test_scanning__same_matches_on_generated_text(words, seps):
    text = "".join(w + seps[i % len(seps)] for i, w in enumerate(words))
    for name, rx in REGEXES:
        _same(rx, PLAIN[name], text)


@require_shared(POOL)
def test_scanning__same_matches_on_real_narratives():
    """Pattern regexes on whole narratives (as pass 1 runs them); the context regexes, which the
    engine runs on a window before or after a mention, on each sentence."""
    with open(SHARED / POOL, encoding="utf-8") as fh:
        texts = [r["Consumer complaint narrative"] for r in csv.DictReader(fh)][:500]
    assert len(texts) == 500
    ids = {p.id for lang in LANGS for ps in load_pack(lang).patterns.values() for p in ps}
    sentences = [s for t in texts[:100] for s in re.split(r"(?<=[.!?])\s+", t)]
    for name, rx in REGEXES:
        for t in (texts if name in ids else sentences):
            _same(rx, PLAIN[name], t.lower() if name.startswith("en.") else t)
