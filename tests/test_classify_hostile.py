"""The classifier's work grows with the text, not with its square: a long narrative with no
sentence break (an intake note pasted without full stops, a hostile upload) naming hundreds of
methods, recipients, times or conducts. Before the fixes, each of these texts of ~50,000
characters took 10–25 s (pass 4 paired every method with every time and every recipient with
every method of the sentence; dayparts were checked against every clock time; the phone cue
was searched in the whole sentence for every conduct cue). Counted in function calls, not
seconds (timings belong in benchmarks/): four times the text may cost at most five times the
calls."""
from __future__ import annotations

import sys

import pytest

from analysis.classify import classify_one

HOSTILE = [
    ("called 催收 at 10 pm XXXX ", "en"),  # methods × times in one sentence
    ("she called my mother and my job and my sister, ", "en"),  # recipients × methods
    ("他打给我妈妈和我同事还有我领导，", "zh"),  # the same in Chinese (a comma is no sentence end)
    ("晚上十点半打电话，凌晨两点发短信，", "zh"),  # dayparts × clock times
]


def _calls(text: str, lang: str) -> int:
    n = 0

    def count(frame, event, arg):
        nonlocal n
        if event in ("call", "c_call"):
            n += 1
    sys.setprofile(count)
    try:
        classify_one(text, lang, None)
    finally:
        sys.setprofile(None)
    return n


@pytest.mark.parametrize("piece,lang", HOSTILE, ids=[h[0][:16] for h in HOSTILE])
def test_work_grows_linearly_with_an_unbroken_narrative(piece, lang):
    classify_one(piece * 5, lang, None)  # patterns compiled and loaded before counting
    small, large = _calls(piece * 150, lang), _calls(piece * 600, lang)
    assert large <= 5 * small, (small, large)


def test_the_same_contacts_are_found_however_often_a_sentence_repeats_them():
    """Pass 4 reads each (method, sentence, recipients) once: the contacts are the same."""
    one = classify_one("She called my job at 10 pm and called my mother at 10 pm", "en", "US")
    many = classify_one("She called my job at 10 pm and called my mother at 10 pm " + "and called again " * 50,
                        "en", "US")
    pairs = {(i.method_code, i.recipient_code, i.time_local) for i in one.incidents}
    assert pairs == {("phone_call", "employer_or_coworker", "22:00"), ("phone_call", "family", "22:00")}
    assert pairs <= {(i.method_code, i.recipient_code, i.time_local) for i in many.incidents}


class _CountingRegex:
    """A compiled regex that counts the characters its ``search`` is given to scan."""

    def __init__(self, rx):
        self.rx, self.scanned = rx, 0

    def search(self, text, pos=0, endpos=None):
        self.scanned += (len(text) if endpos is None else endpos) - pos
        return self.rx.search(text, pos, len(text) if endpos is None else endpos)


def test_the_phone_cue_is_searched_once_per_sentence(monkeypatch):
    """A conduct cue with no method found looks for a phone cue in its sentence (the fallback
    phone call): once per sentence, not once per cue (a regex scan is one call, so it is counted
    in characters)."""
    from analysis.classify.patterns import load_pack
    pk = load_pack("en")
    spy = _CountingRegex(pk.lex["phone_cue"])
    monkeypatch.setitem(pk.lex, "phone_cue", spy)
    scanned = []
    for n in (150, 600):
        spy.scanned = 0
        text = "threatened to garnish my wages " * n
        classify_one(text, "en", "US")
        scanned.append(spy.scanned)
        assert spy.scanned <= 2 * len(text)
    assert scanned[1] <= 5 * scanned[0]
