"""Text from files, forms and URLs shown on the pages: always as plain text.

Streamlit renders Markdown (and a little HTML) in captions, alerts, labels and
``st.markdown``, so a company name ``![x](http://host/x.png)`` would make every staff browser
fetch that image, and ``[click](http://…)`` would become a link. Every value that did not come
from this program goes through ``plain`` before it is put into such text.
"""
from __future__ import annotations

#: Characters Markdown (CommonMark, GitHub extensions, Streamlit's colour and emoji
#: shortcodes, KaTeX ``$``) gives a meaning.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~$:&")


def plain(text: object) -> str:
    """``text`` (any value; None gives "") with every Markdown-special character
    backslash-escaped, line breaks kept as line breaks; shows exactly as typed."""
    if text is None:
        return ""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in str(text))
