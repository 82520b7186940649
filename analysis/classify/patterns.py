"""Load and compile the pattern data files (``patterns/<lang>.toml``, ``patterns/crosswalk.toml``).

Internal module of :mod:`analysis.classify`. Patterns are data so an analyst can review and
extend them; this module only compiles them once per process and validates the codes against
``analysis.codes``. Raises ``ValueError`` at load time for an unknown code, a duplicate id or a
regex that does not compile (naming the pattern id).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analysis.codes import codes as code_list

PATTERN_DIR = Path(__file__).with_name("patterns")
LANGS = ("en", "zh")
KINDS = ("time", "daypart", "method", "recipient", "disclosure", "conduct", "debt_issue", "count")
VERDICTS = ("violation", "likely", "boundary", "possible", "needs_review", "none")


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern of a data file (see the header of ``patterns/en.toml``)."""

    id: str
    kind: str
    regex: re.Pattern
    keywords: tuple[str, ...]
    codes: tuple[str, ...] = ()
    weak: bool = False
    block_before: re.Pattern | None = None
    block_window: int = 60
    thread_before: re.Pattern | None = None
    thread_match: re.Pattern | None = None
    thread_origin: re.Pattern | None = None
    irrealis: bool = False
    negatable: bool = True
    verdict: str = "violation"
    label: bool = True
    rules: dict = field(default_factory=dict)
    extra_rules: tuple[str, ...] = ()
    #: conduct patterns only: jurisdictions whose rules cover the conduct (empty: all)
    jurisdictions: tuple[str, ...] = ()
    per: str = ""
    count_kind: str = ""
    examples: tuple[str, ...] = ()
    counter: tuple[str, ...] = ()
    actor: bool = False
    attach: re.Pattern | None = None
    attach_window: int = 60
    #: a second contact-word list whose match gives ``codes_alt`` instead of ``codes`` (the same
    #: intensity words next to "texts" make frequent messages, next to "calls" frequent calls)
    attach_alt: re.Pattern | None = None
    codes_alt: tuple[str, ...] = ()

    def prefilter(self, low: str) -> bool:
        """True when one of the keywords occurs in the lower-cased text (or none are given)."""
        if not self.keywords:
            return True
        for k in self.keywords:
            if k in low:
                return True
        return False


@dataclass(frozen=True)
class LangPack:
    """All compiled patterns and lexicon regexes of one language."""

    lang: str
    patterns: dict[str, tuple[Pattern, ...]]
    negation: re.Pattern
    negation_reset: re.Pattern
    negation_false: re.Pattern
    irrealis: re.Pattern
    clause_break: re.Pattern
    speech: re.Pattern
    numbers: dict[str, int]
    ctx: dict[str, re.Pattern]
    flags: int
    all_keywords: frozenset = frozenset()
    recipient_before: re.Pattern | None = None
    recipient_after: re.Pattern | None = None
    lex: dict = field(default_factory=dict)


_KIND_LIST = {"method": "method", "recipient": "recipient", "debt_issue": "debt_issue",
              "daypart": "daypart"}


def lower_regex(rx: str) -> str:
    """Lower-case a regex source except escape sequences (``\\S`` stays ``\\S``).

    English patterns are matched case-sensitively against the lower-cased text: the same
    matches as ``re.IGNORECASE`` at a quarter of the cost."""
    out, esc = [], False
    for ch in rx:
        out.append(ch if esc else ch.lower())
        esc = (ch == "\\") and not esc
    return re.sub(r"\(\?p([<=])", r"(?P\1", "".join(out))


#: "didn't" in an English pattern also matches "didnt", "did n't" (CFPB's tokenised text) and a
#: curly apostrophe; a bare "n't" alternative (no letter before it) is left alone.
_NT = re.compile(r"(?<=[a-z])n't")


def _compile(rx: str, flags: int, pid: str) -> re.Pattern:
    if flags == -1:
        rx, flags = _NT.sub("(?:n['’]?t| n['’]t)", lower_regex(rx)), 0
    try:
        return re.compile(rx, flags)
    except re.error as exc:  # pragma: no cover - caught by tests on the data files
        raise ValueError(f"pattern {pid}: regex does not compile: {exc}") from exc


@lru_cache(maxsize=None)
def load_pack(lang: str) -> LangPack:
    """Compile ``patterns/<lang>.toml``. ``lang`` is ``en`` or ``zh``; raises ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
    data = tomllib.loads((PATTERN_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    flags = -1 if lang == "en" else 0  # -1: lower-case source, match on lower-cased text
    seen: set[str] = set()
    out: dict[str, list[Pattern]] = {k: [] for k in KINDS}
    for kind in KINDS:
        for raw in data.get(kind, []):
            pid = raw["id"]
            if pid in seen:
                raise ValueError(f"duplicate pattern id {pid}")
            seen.add(pid)
            if kind in _KIND_LIST:
                pcodes = (raw["code"],)
                valid = code_list(_KIND_LIST[kind])
            elif kind == "conduct":
                pcodes = tuple(raw["codes"])
                valid = code_list("conduct")
            else:
                pcodes, valid = (), []
            for c in pcodes + tuple(raw.get("codes_alt", ())):
                if c not in valid:
                    raise ValueError(f"pattern {pid}: unknown {kind} code {c!r}")
            verdict = raw.get("verdict", "violation")
            if verdict not in VERDICTS:
                raise ValueError(f"pattern {pid}: unknown verdict {verdict!r}")
            bb = raw.get("block_before")
            out[kind].append(Pattern(
                id=pid, kind=kind, regex=_compile(raw["regex"], flags, pid),
                keywords=tuple(k.lower() for k in raw.get("keywords", ())),
                codes=pcodes, weak=bool(raw.get("weak", False)),
                block_before=_compile(bb, flags, pid) if bb else None,
                block_window=int(raw.get("block_window", 60)),
                thread_before=(_compile(raw["thread_before"], flags, pid)
                               if raw.get("thread_before") else None),
                thread_match=(_compile(raw["thread_match"], flags, pid)
                              if raw.get("thread_match") else None),
                thread_origin=(_compile(raw["thread_origin"], flags, pid)
                               if raw.get("thread_origin") else None),
                irrealis=bool(raw.get("irrealis", False)),
                negatable=bool(raw.get("negatable", True)), verdict=verdict,
                label=bool(raw.get("label", True)),
                rules={k: tuple(v) for k, v in raw.get("rules", {}).items()},
                extra_rules=tuple(raw.get("extra_rules", ())),
                jurisdictions=tuple(raw.get("jurisdictions", ())),
                per=raw.get("per", ""), count_kind=raw.get("kind", ""),
                examples=tuple(raw.get("examples", ())), counter=tuple(raw.get("counter", ())),
                actor=bool(raw.get("actor", False)),
                attach=_compile(raw["attach"], flags, pid) if raw.get("attach") else None,
                attach_window=int(raw.get("attach_window", 60)),
                attach_alt=_compile(raw["attach_alt"], flags, pid) if raw.get("attach_alt") else None,
                codes_alt=tuple(raw.get("codes_alt", ())),
            ))
    lex = data["lexicon"]
    ctx = {k: _compile(v, flags, f"{lang}.time_context.{k}")
           for k, v in data.get("time_context", {}).items()}
    return LangPack(
        lang=lang, patterns={k: tuple(v) for k, v in out.items()},
        negation=_compile(lex["negation"], flags, "negation"),
        negation_reset=_compile(lex["negation_reset"], flags, "negation_reset"),
        negation_false=_compile(lex["negation_false"], flags, "negation_false"),
        irrealis=_compile(lex["irrealis"], flags, "irrealis"),
        clause_break=_compile(lex["clause_break"], flags, "clause_break"),
        speech=_compile(lex["speech"], flags, "speech"),
        numbers={k.lower(): int(v) for k, v in data.get("numbers", {}).items()},
        all_keywords=frozenset(k for ps in out.values() for p in ps for k in p.keywords),
        ctx=ctx, flags=re.IGNORECASE if lang == "en" else 0,
        recipient_before=(_compile(lex["recipient_context_before"], flags, "recipient_context_before")
                          if "recipient_context_before" in lex else None),
        recipient_after=(_compile(lex["recipient_context_after"], flags, "recipient_context_after")
                         if "recipient_context_after" in lex else None),
        lex={k: _compile(v, flags, f"{lang}.actor.{k}") for k, v in data.get("actor", {}).items()},
    )


@lru_cache(maxsize=None)
def load_crosswalk() -> dict[str, dict[str, tuple[str, ...]]]:
    """``{jurisdiction: {conduct_code: (rule_id, ...)}}`` from ``patterns/crosswalk.toml``."""
    data = tomllib.loads((PATTERN_DIR / "crosswalk.toml").read_text(encoding="utf-8"))
    valid = set(code_list("conduct"))
    out = {}
    for jur, table in data.items():
        for c in table:
            if c not in valid:
                raise ValueError(f"crosswalk {jur}: unknown conduct code {c!r}")
        out[jur] = {c: tuple(v) for c, v in table.items()}
    return out
