"""Text from files, forms and URLs shown on the pages: always as plain text.

Streamlit renders Markdown (and a little HTML) in captions, alerts, labels and
``st.markdown``, so a company name ``![x](http://host/x.png)`` would make every staff browser
fetch that image, and ``[click](http://…)`` would become a link. Every value that did not come
from this program goes through ``plain`` before it is put into such text.
"""
from __future__ import annotations

import re

#: Characters Markdown (CommonMark, GitHub extensions, Streamlit's colour and emoji
#: shortcodes, KaTeX ``$``) gives a meaning.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~$:&")


#: An invisible character (U+2060 WORD JOINER) put inside what GitHub-flavoured Markdown
#: would turn into a link by itself: ``http://`` / ``https://`` (after the colon), ``www.``
#: (before the dot) and e-mail addresses (after the ``@``); and inside Streamlit's icon
#: shortcode ``:material/name:`` (after the colon). Escaping does not stop those.
NO_AUTOLINK = "\u2060"
_AUTOLINK = re.compile(r"(?<=\\:)(?=//)|(?i:(?<=www))(?=\\\.)|(?<=@)|(?<=\\:)(?=material/)")


#: Characters that reorder the text around them when shown (bidirectional embeddings,
#: overrides and isolates: "\u202eSNOITCELLOC EMCA" shows as "ACME COLLECTIONS"). Shown as
#: visible marks instead, so what is seen is what is stored.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def visible_controls(text: str) -> str:
    """``text`` with each of ``BIDI_CONTROLS`` written as ``[U+XXXX]``."""
    return BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)


def plain(text: object) -> str:
    """``text`` (any value; None gives "") with every Markdown-special character
    backslash-escaped, line breaks kept as line breaks, bare web and e-mail addresses
    kept from becoming links (``NO_AUTOLINK``) and reordering controls shown as marks
    (``visible_controls``); shows exactly as typed."""
    if text is None:
        return ""
    escaped = "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in visible_controls(str(text)))
    return _AUTOLINK.sub(NO_AUTOLINK, escaped)


def plain_frame(df):
    """A copy of DataFrame ``df`` for ``st.dataframe`` (which shows no Markdown) whose text cells
    show reordering controls as marks (``visible_controls``); other cells unchanged."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith("str"):
            out[col] = out[col].map(lambda v: visible_controls(v) if isinstance(v, str) else v)
    return out


def refusal_text(err: Exception, lang: str) -> str:
    """An importer's refusal (``ImportRefused.in_language``) in the user's language where it
    has one, else the exception's own message (English)."""
    in_language = getattr(err, "in_language", None)
    return in_language(lang) if callable(in_language) else str(err)
