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
#: (before the dot) and e-mail addresses (after the ``@``). Escaping does not stop those.
NO_AUTOLINK = "\u2060"
_AUTOLINK = re.compile(r"(?<=\\:)(?=//)|(?i:(?<=www))(?=\\\.)|(?<=@)")


def plain(text: object) -> str:
    """``text`` (any value; None gives "") with every Markdown-special character
    backslash-escaped, line breaks kept as line breaks, and bare web and e-mail addresses
    kept from becoming links (``NO_AUTOLINK``); shows exactly as typed."""
    if text is None:
        return ""
    escaped = "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in str(text))
    return _AUTOLINK.sub(NO_AUTOLINK, escaped)
