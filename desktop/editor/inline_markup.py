"""Where the inline markup of one paragraph line is: styled runs and marker characters.

The editor keeps the stored text as it is (so saving is byte for byte what was typed) and
only styles it, with the positions core's own inline parser reads (``inline_layout``, one
tokenizer for both). ``tests/desktop/test_inline_markup.py`` checks that the two agree.
"""

from __future__ import annotations

from core.text.markdown_subset import InlineLayout, StyledRun, inline_layout

__all__ = ["InlineLayout", "StyledRun", "inline_layout", "visible_spans"]


def visible_spans(text: str) -> list[tuple[str, bool, bool]]:
    """The text without its markers as (text, bold, italic) runs, merged like core's spans."""
    layout = inline_layout(text)
    hidden = bytearray(len(text))
    for start, end in layout.markers:
        hidden[start:end] = b"\x01" * (end - start)
    style: list[tuple[bool, bool]] = [(False, False)] * len(text)
    for run in layout.runs:
        for i in range(run.start, run.end):
            style[i] = (run.bold, run.italic)
    spans: list[tuple[str, bool, bool]] = []
    for i, ch in enumerate(text):
        if hidden[i]:
            continue
        bold, italic = style[i]
        if spans and spans[-1][1] == bold and spans[-1][2] == italic:
            spans[-1] = (spans[-1][0] + ch, bold, italic)
        else:
            spans.append((ch, bold, italic))
    return spans
