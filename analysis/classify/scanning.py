"""Regexes that skip ahead in C to where a match can start: ``compile_scanning``.

Internal module of :mod:`analysis.classify`. Most classifier patterns begin with ``\\b`` or a
look-behind (``\\b(?:called|phoned|...)``). CPython's ``re`` skips ahead with a character set only
when a pattern *begins* with a literal or a character class, so for these it tries a full match at
every position of the text: half the classifier's time went there. ``compile_scanning`` computes
the set of characters a match can begin with, looking past zero-width assertions (``\\b``,
look-arounds, ``^``), and compiles the same pattern with that set in its info block. The search
then jumps in C from one such character to the next and runs the unchanged pattern there, so the
matches (spans, groups) are exactly those of ``re.compile(source, flags)``; tests compare the two
on every pattern and on generated text.

This builds the compiled code with the standard library's own compiler (``re._parser``,
``re._compiler``, ``_sre``) of CPython 3.11. Where that is not possible (another Python, a pattern
that can match empty, case-insensitive flags, an opening ``.`` or negated class) it returns
``re.compile(source, flags)``: slower, same answers.
"""
from __future__ import annotations

import re

try:  # CPython 3.11+ internals; any failure falls back to re.compile
    import _sre
    from re import _compiler as _C, _constants as _K, _parser as _P
except ImportError:  # pragma: no cover - other Python implementations
    _sre = None


class _NoSet(Exception):
    """The first characters of a match cannot be bounded by a character set."""


def _first(items) -> tuple[list, bool]:
    """``(charset items, nullable)`` of a parsed op sequence: every character a match of
    ``items`` can begin with (as ``re`` charset items), and whether ``items`` can match empty (then
    what follows may begin the match too). Zero-width ops (``\\b``, ``^``, look-arounds) are looked
    past: they consume nothing. Raises ``_NoSet`` for ops it does not bound (``.``, a negated
    class, back-references, conditionals)."""
    out: list = []
    for op, av in items:
        if op is _K.LITERAL:
            return out + [(_K.LITERAL, av)], False
        if op is _K.IN:
            if any(o is _K.NEGATE for o, _ in av):
                raise _NoSet
            return out + list(av), False
        if op is _K.SUBPATTERN:
            s, nullable = _first(av[-1].data)
        elif op is _K.BRANCH:
            s, nullable = [], False
            for alt in av[1]:
                a, n = _first(alt.data)
                s += a
                nullable = nullable or n
        elif op in (_K.MAX_REPEAT, _K.MIN_REPEAT, _K.POSSESSIVE_REPEAT):
            s, n = _first(av[2].data)
            nullable = n or av[0] == 0
        elif op in (_K.ASSERT, _K.ASSERT_NOT, _K.AT):
            continue
        else:
            raise _NoSet
        out += s
        if not nullable:
            return out, False
    return out, True


def start_set(source: str, flags: int = 0) -> list | None:
    """The characters a match of ``source`` can begin with, as ``re`` charset items
    (``[(LITERAL, 99), (IN ...)]``), when ``compile_scanning`` gives the pattern a set of its
    own; None when ``re`` already skips ahead for it (an opening literal or class), or no set
    bounds it. Raises ``re.error`` for a pattern that does not compile."""
    p = _P.parse(source, flags)
    fl = p.state.flags | flags
    lo, _ = p.getwidth()
    if fl & (re.IGNORECASE | re.LOCALE) or lo == 0:
        return None
    if _C._get_literal_prefix(p, fl)[0] or _C._get_charset_prefix(p, fl):
        return None
    try:
        items, nullable = _first(p.data)
    except _NoSet:
        return None
    return None if nullable else items


def compile_scanning(source: str, flags: int = 0) -> re.Pattern:
    """``re.compile(source, flags)`` with the same matches, searching faster when the pattern
    opens with zero-width assertions (see the module doc). Raises ``re.error`` as ``re.compile``
    does."""
    plain = re.compile(source, flags)
    if _sre is None:  # pragma: no cover
        return plain
    try:
        items = start_set(source, flags)
        if items is None:
            return plain
        p = _P.parse(source, flags)
        fl = p.state.flags | flags
        lo, hi = p.getwidth()
        charset, _ = _C._optimize_charset(items)
        code = [_K.INFO, 0, _K.SRE_INFO_CHARSET, min(lo, _C.MAXCODE), min(hi, _C.MAXCODE)]
        _C._compile_charset(charset, fl, code)
        code[1] = len(code) - 1
        _C._compile(code, p.data, fl)
        code.append(_K.SUCCESS)
        indexgroup = [None] * p.state.groups
        for k, i in p.state.groupdict.items():
            indexgroup[i] = k
        return _sre.compile(source, fl, code, p.state.groups - 1, p.state.groupdict,
                            tuple(indexgroup))
    except (AttributeError, TypeError, ValueError, IndexError):  # pragma: no cover - other CPython
        return plain
