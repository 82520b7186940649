"""Narrative text is shown as text: escaped, with only our own marks added."""
from ui.highlight import highlight_html


def test_highlight_html__escapes_everything_and_marks_spans():
    text = "<script>alert(1)</script> **bold** 凌晨两点打电话"
    start = text.index("凌晨")
    out = highlight_html(text, [(start, start + 4, "time", 'night "<x>"'), (0, 999, "conduct", "out of range")])
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "**bold**" in out  # markdown is not interpreted
    assert '<mark style="background:#E1F5E1;padding:0 2px;border-radius:3px" title="night &quot;&lt;x&gt;&quot;">凌晨两点</mark>' in out
    assert out.count("<mark") == 1


def test_highlight_html__overlapping_spans_keep_the_first():
    out = highlight_html("abcdef", [(0, 3, "conduct", "a"), (2, 5, "conduct", "b")])
    assert out.endswith("<mark style=\"background:#FFE0B2;padding:0 2px;border-radius:3px\" title=\"a\">abc</mark>def</div>")


def test_highlight_html__a_span_inside_another_is_marked_inside_it():
    """A searched word within a rule's evidence is marked within the evidence's mark (it was left
    out: the overlapping span was dropped)."""
    out = highlight_html("the county sheriff came", [(4, 18, "conduct", "a"), (11, 18, "search", "b"),
                                                     (11, 14, "search", "c")])
    assert out.endswith('the <mark style="background:#FFE0B2;padding:0 2px;border-radius:3px" title="a">county '
                        '<mark style="background:#B3E5FC;padding:0 2px;border-radius:3px" title="b">'
                        '<mark style="background:#B3E5FC;padding:0 2px;border-radius:3px" title="c">she</mark>riff'
                        '</mark></mark> came</div>')
