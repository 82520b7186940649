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

from analysis.classify.scanning import compile_scanning
from analysis.codes import codes as code_list

PATTERN_DIR = Path(__file__).with_name("patterns")
LANGS = ("en", "zh")
KINDS = ("time", "daypart", "method", "recipient", "disclosure", "conduct", "debt_issue", "count")
VERDICTS = ("violation", "likely", "boundary", "possible", "needs_review", "none")


@dataclass(frozen=True)
class Block:
    """``block_before``: a regex that must match at the end of the ``window`` characters before
    a mention; when it does the mention is the consumer's own act ("I sent a letter")."""

    regex: re.Pattern
    window: int = 60


@dataclass(frozen=True)
class Thread:
    """A back-reference to a contact ("on the call", "hung up on me"): ``before`` matches the 40
    characters before the mention, ``match`` (optional) the mention itself, ``origin`` (optional)
    the consumer's own contact in the 600 characters before it."""

    before: re.Pattern
    match: re.Pattern | None = None
    origin: re.Pattern | None = None


@dataclass(frozen=True)
class Attach:
    """A contact word that must stand in the clause of a vague intensity cue ("repeatedly"),
    within ``ATTACH_WINDOW`` characters; ``codes``: the codes the cue then gives (None: the
    pattern's own)."""

    regex: re.Pattern
    codes: tuple[str, ...] | None = None


#: characters either side of a vague intensity cue searched for its contact word (``attach``)
ATTACH_WINDOW = 60


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern of a data file (see the header of ``patterns/en.toml``).

    Which settings a kind takes is ``SETTINGS[kind]``; a data file that gives a kind a setting it
    ignores is refused at load time."""

    id: str
    kind: str
    regex: re.Pattern
    keywords: tuple[str, ...]
    #: method/recipient/daypart/debt_issue: the one code; conduct: its codes
    codes: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    counter: tuple[str, ...] = ()
    # -- who acted and whether it happened (pass 2 of the engine) --
    negatable: bool = True
    irrealis: bool = False
    actor: bool = False
    block: Block | None = None
    thread: Thread | None = None
    attach: tuple[Attach, ...] = ()
    #: method only: used only when no other method is found
    weak: bool = False
    # -- conduct verdicts (pass 3) --
    verdict: str = "violation"
    #: false: the pattern sets rule verdicts and gives no label
    label: bool = True
    #: ``{jurisdiction: (rule_id, ...)}`` instead of the crosswalk's rules for the codes
    rules: dict = field(default_factory=dict)
    #: ``"RULE-ID:verdict"`` set besides (verdict defaults to possible)
    extra_rules: tuple[str, ...] = ()
    #: jurisdictions whose rules cover the conduct (empty: all)
    jurisdictions: tuple[str, ...] = ()
    # -- stated counts (count only) --
    count_kind: str = ""
    per: str = ""

    def prefilter(self, low: str) -> bool:
        """True when one of the keywords occurs in the lower-cased text (or none are given)."""
        if not self.keywords:
            return True
        for k in self.keywords:
            if k in low:
                return True
        return False


_COMMON = {"id", "regex", "keywords", "examples", "counter"}
#: The settings each kind of pattern takes besides ``_COMMON`` (data-file keys).
SETTINGS: dict[str, frozenset[str]] = {
    "time": frozenset(),
    "daypart": frozenset({"code"}),
    "method": frozenset({"code", "actor", "block_before", "block_window", "irrealis", "weak",
                         "thread_before", "thread_match", "thread_origin"}),
    "recipient": frozenset({"code", "irrealis", "block_before"}),
    "disclosure": frozenset(),
    "conduct": frozenset({"codes", "verdict", "label", "rules", "extra_rules", "jurisdictions",
                          "negatable", "irrealis", "actor", "block_before", "attach",
                          "attach_alt"}),
    "debt_issue": frozenset({"code", "negatable", "extra_rules"}),
    "count": frozenset({"kind", "per", "actor"}),
}


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
    #: a clause that carries on the clause before it (zh "，让我们领导知道" after "不然明天就打到我单位"):
    #: it is hypothetical when that one is (``mentions._irrealis``)
    irrealis_continues: re.Pattern | None = None
    collection_context: re.Pattern | None = None
    lex: dict = field(default_factory=dict)

    @property
    def reads_actors(self) -> bool:
        """Whether the pack's ``[actor]`` lexicon tells who acted (subject, verb, object: en.toml);
        a pack may have other ``[actor]`` entries without it (zh.toml: stop requests only)."""
        return "subject" in self.lex


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
        return compile_scanning(rx, flags)
    except re.error as exc:  # pragma: no cover - caught by tests on the data files
        raise ValueError(f"pattern {pid}: regex does not compile: {exc}") from exc


def _named(value: str | list[str], words: dict[str, str], pid: str) -> str:
    """A setting's regex: written out, or ``"@name"`` / ``["@a", "@b"]`` for the data file's
    ``[words]`` entries (several: their alternation), so word sets two patterns share are
    written once. Raises ``ValueError`` for a name ``[words]`` does not have."""
    if isinstance(value, str) and not value.startswith("@"):
        return value
    parts = []
    for name in [value] if isinstance(value, str) else value:
        if not name.startswith("@") or name[1:] not in words:
            raise ValueError(f"pattern {pid}: {name!r} is not a [words] entry (\"@name\")")
        parts.append(words[name[1:]])
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _pattern(raw: dict, kind: str, pid: str, pcodes: tuple[str, ...], verdict: str,
             flags: int, words: dict[str, str] | None = None) -> Pattern:
    """Compile one data-file entry (keys checked against ``SETTINGS`` by the caller); ``words``:
    the data file's ``[words]`` (``_named``)."""
    words = words or {}

    def rx(key):
        return _compile(_named(raw[key], words, pid), flags, pid) if raw.get(key) else None

    attach = ()
    if raw.get("attach"):
        attach = (Attach(rx("attach")),)
        alt = raw.get("attach_alt")
        if alt:
            attach += (Attach(_compile(_named(alt["regex"], words, pid), flags, pid), tuple(alt["codes"])),)
    elif raw.get("attach_alt"):
        raise ValueError(f"pattern {pid}: attach_alt without attach")
    if (raw.get("thread_match") or raw.get("thread_origin")) and not raw.get("thread_before"):
        raise ValueError(f"pattern {pid}: thread_match/thread_origin without thread_before")
    if "block_window" in raw and not raw.get("block_before"):
        raise ValueError(f"pattern {pid}: block_window without block_before")
    return Pattern(
        id=pid, kind=kind, regex=_compile(raw["regex"], flags, pid),
        keywords=tuple(k.lower() for k in raw.get("keywords", ())),
        codes=pcodes, examples=tuple(raw.get("examples", ())),
        counter=tuple(raw.get("counter", ())),
        negatable=bool(raw.get("negatable", True)), irrealis=bool(raw.get("irrealis", False)),
        actor=bool(raw.get("actor", False)),
        block=(Block(rx("block_before"), int(raw.get("block_window", 60)))
               if raw.get("block_before") else None),
        thread=(Thread(rx("thread_before"), rx("thread_match"), rx("thread_origin"))
                if raw.get("thread_before") else None),
        attach=attach, weak=bool(raw.get("weak", False)),
        verdict=verdict, label=bool(raw.get("label", True)),
        rules={k: tuple(v) for k, v in raw.get("rules", {}).items()},
        extra_rules=tuple(raw.get("extra_rules", ())),
        jurisdictions=tuple(raw.get("jurisdictions", ())),
        count_kind=raw.get("kind", ""), per=raw.get("per", ""),
    )


@lru_cache(maxsize=None)
def load_pack(lang: str) -> LangPack:
    """Compile ``patterns/<lang>.toml``. ``lang`` is ``en`` or ``zh``; raises ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
    return build_pack(lang, tomllib.loads((PATTERN_DIR / f"{lang}.toml").read_text(encoding="utf-8")))


def build_pack(lang: str, data: dict) -> LangPack:
    """Compile a pattern file's parsed TOML (``data``) for ``lang``. Raises ``ValueError`` naming
    the pattern for an unknown code or verdict, a duplicate id, a regex that does not compile, a
    setting its kind does not take (``SETTINGS``) or one given without the setting it modifies."""
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
            for c in pcodes + tuple(raw.get("attach_alt", {}).get("codes", ())):
                if c not in valid:
                    raise ValueError(f"pattern {pid}: unknown {kind} code {c!r}")
            extra_keys = set(raw) - _COMMON - SETTINGS[kind]
            if extra_keys:
                raise ValueError(f"pattern {pid}: a {kind} pattern takes no {sorted(extra_keys)}")
            verdict = raw.get("verdict", "violation")
            if verdict not in VERDICTS:
                raise ValueError(f"pattern {pid}: unknown verdict {verdict!r}")
            out[kind].append(_pattern(raw, kind, pid, pcodes, verdict, flags, data.get("words", {})))
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
        irrealis_continues=(_compile(lex["irrealis_continues"], flags, "irrealis_continues")
                            if "irrealis_continues" in lex else None),
        collection_context=(_compile(lex["collection_context"], flags, "collection_context")
                            if "collection_context" in lex else None),
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
