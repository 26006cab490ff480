"""Where the inline markup of one paragraph line is: styled runs and marker characters.

The editor keeps the stored text as it is (so saving is byte for byte what was typed) and
only styles it. This mirrors :func:`core.text.parse_inline` but reports positions: which
characters are markers (``*``, ``**``, an escaping backslash) and which runs are bold or
italic. ``tests/desktop/test_inline_markup.py`` checks that the two always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The same tokens as core.text.markdown_subset: an escape, or a run of up to three stars.
_TOKEN_RE = re.compile(r"\\([\\*_#])|(\*{1,3})")


@dataclass(frozen=True, slots=True)
class StyledRun:
    start: int
    end: int
    bold: bool
    italic: bool


@dataclass(slots=True)
class InlineLayout:
    runs: list[StyledRun] = field(default_factory=list)  # bold/italic runs only
    markers: list[tuple[int, int]] = field(default_factory=list)  # (start, end) to dim


@dataclass(slots=True)
class _Delim:
    start: int
    run: int
    can_open: bool
    can_close: bool
    matched: bool = False


def inline_layout(text: str) -> InlineLayout:
    """Styled runs and marker ranges of ``text``, as core's inline parser reads it."""
    tokens: list[_Delim | tuple[int, int, bool]] = []  # delims, or (start, end, is_escape)
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        if m.start() > pos:
            tokens.append((pos, m.start(), False))
        if m.group(1) is not None:
            tokens.append((m.start(), m.end(), True))
        else:
            before = text[m.start() - 1] if m.start() > 0 else " "
            after = text[m.end()] if m.end() < len(text) else " "
            run = len(m.group(2))
            tokens.append(_Delim(m.start(), run, not after.isspace(), not before.isspace()))
        pos = m.end()
    if pos < len(text):
        tokens.append((pos, len(text), False))

    open_italic: list[_Delim] = []
    open_bold: list[_Delim] = []
    for tok in tokens:
        if not isinstance(tok, _Delim):
            continue
        wants_bold = tok.run in (2, 3)
        wants_italic = tok.run in (1, 3)
        closes = tok.can_close and (
            (not wants_bold or open_bold) and (not wants_italic or open_italic)
        )
        if closes:
            if wants_bold:
                open_bold.pop().matched = True
            if wants_italic:
                open_italic.pop().matched = True
            tok.matched = True
        elif tok.can_open:
            if wants_bold:
                open_bold.append(tok)
            if wants_italic:
                open_italic.append(tok)

    layout = InlineLayout()
    bold = italic = False
    for tok in tokens:
        if isinstance(tok, _Delim):
            if tok.matched:
                layout.markers.append((tok.start, tok.start + tok.run))
                if tok.run in (2, 3):
                    bold = not bold
                if tok.run in (1, 3):
                    italic = not italic
            elif bold or italic:
                layout.runs.append(StyledRun(tok.start, tok.start + tok.run, bold, italic))
            continue
        start, end, is_escape = tok
        if is_escape:
            layout.markers.append((start, start + 1))
            start += 1
        if (bold or italic) and end > start:
            layout.runs.append(StyledRun(start, end, bold, italic))
    return layout


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
