"""Narrative text with evidence spans marked, as safe HTML.

The narrative is always treated as plain text: every character of it is HTML-escaped, so
nothing in a complaint can be rendered as HTML or markdown; only our own ``<mark>`` tags
(with a tooltip naming the label and pattern) are added around the evidence spans.
"""
from __future__ import annotations

import html

from ui.text import visible_controls

_COLORS = {"conduct": "#FFE0B2", "debt_issue": "#D1E8FF", "time": "#E1F5E1", "search": "#B3E5FC"}


def highlight_html(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """``text`` as escaped HTML with ``spans`` marked.

    ``spans``: ``(start, end, kind, title)`` character offsets into ``text`` (end
    exclusive); a span inside another is marked inside it (a searched word within a rule's
    evidence), one that crosses another's end is left out (the first wins); spans out of range
    are ignored. Returns a ``<div>`` that keeps line breaks (``white-space: pre-wrap``);
    characters that would reorder the text are shown as marks (``ui.text.visible_controls``).
    """
    def esc(s: str, quote: bool = False) -> str:
        return html.escape(visible_controls(s), quote=quote)

    out = []
    pos = 0
    open_ends: list[int] = []  # the ends of the marks open now, innermost last

    def close_until(limit: int) -> None:
        nonlocal pos
        while open_ends and open_ends[-1] <= limit:
            end = open_ends.pop()
            out.append(esc(text[pos:end]) + "</mark>")
            pos = end

    for start, end, kind, title in sorted((s for s in spans if 0 <= s[0] < s[1] <= len(text)),
                                          key=lambda s: (s[0], -s[1])):
        close_until(start)
        if start < pos or (open_ends and end > open_ends[-1]):
            continue
        out.append(esc(text[pos:start]))
        color = _COLORS.get(kind, "#FFF59D")
        out.append(f'<mark style="background:{color};padding:0 2px;border-radius:3px" '
                   f'title="{esc(title, quote=True)}">')
        pos = start
        open_ends.append(end)
    close_until(len(text))
    out.append(esc(text[pos:]))
    return ('<div style="white-space:pre-wrap;font-size:0.95rem;line-height:1.6;border:1px solid #ddd;'
            'border-radius:6px;padding:12px;max-height:480px;overflow-y:auto">' + "".join(out) + "</div>")
