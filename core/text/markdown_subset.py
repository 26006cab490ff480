"""The Markdown subset that scene text is kept in.

Blocks are separated by blank lines: paragraphs, headings (``#`` .. ``######``) and scene
breaks (``***``, ``* * *``, ``---``, ``#``, ``⁂``). Inside a paragraph a single newline is a
line break (verse, letters). Inline markup is ``*italic*``, ``**bold**`` and ``***both***``;
a backslash escapes a literal ``*``, ``_``, ``#`` or ``\\``. This is all the editor, the
importers and the exporters need, and it stays plain text that diffs and syncs well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SCENE_BREAK_RE = re.compile(
    r"^[ \t]*(?:\*[ \t]*\*[ \t]*\*[ \t*]*|-[ \t]*-[ \t]*-[ \t-]*|_[ \t]*_[ \t]*_[ \t_]*"
    r"|~[ \t]*~[ \t]*~[ \t~]*|#|⁂|§|•[ \t]*•[ \t]*•[ \t•]*)[ \t]*$"
)
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_BLANK_SPLIT_RE = re.compile(r"\n[ \t]*\n")
_INLINE_TOKEN_RE = re.compile(r"\\([\\*_#])|(\*{1,3})")
_ESCAPE_RE = re.compile(r"([\\*])")


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str  # inline Markdown; may contain "\n" line breaks


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class SceneBreak:
    pass


Block = Paragraph | Heading | SceneBreak


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


def is_scene_break(line: str) -> bool:
    """True if ``line`` on its own is a scene-break marker."""
    return SCENE_BREAK_RE.match(line) is not None


def parse_blocks(text: str) -> list[Block]:
    """Split Markdown-subset text into blocks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    for chunk in _BLANK_SPLIT_RE.split(text):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        para: list[str] = []
        for line in lines:
            if is_scene_break(line):
                if para:
                    blocks.append(Paragraph("\n".join(para)))
                    para = []
                blocks.append(SceneBreak())
                continue
            heading = HEADING_RE.match(line)
            if heading and not para:
                blocks.append(Heading(len(heading.group(1)), heading.group(2)))
                continue
            para.append(line.strip())
        if para:
            blocks.append(Paragraph("\n".join(para)))
    return blocks


def render_blocks(blocks: list[Block]) -> str:
    """Blocks back to Markdown-subset text (inverse of :func:`parse_blocks`)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Heading):
            out.append("#" * block.level + " " + block.text)
        else:
            out.append("* * *")
    return "\n\n".join(out)


@dataclass(slots=True)
class _Delim:
    start: int
    run: int
    can_open: bool
    can_close: bool
    matched: bool = False


@dataclass(frozen=True, slots=True)
class _Literal:
    start: int
    end: int
    escape: bool  # a backslash escape: text[start] is the backslash, text[start + 1] the char


@dataclass(frozen=True, slots=True)
class StyledRun:
    """Characters ``start``..``end`` of a line are shown bold and/or italic."""

    start: int
    end: int
    bold: bool
    italic: bool


@dataclass(slots=True)
class InlineLayout:
    """Where a line's inline markup is: styled runs, and the marker characters to hide or dim."""

    runs: list[StyledRun] = field(default_factory=list)  # bold/italic runs only
    markers: list[tuple[int, int]] = field(default_factory=list)  # (start, end)


def _tokenize(text: str) -> list[_Literal | _Delim]:
    """Literal pieces and star runs, with their positions; delimiters matched in place.

    A closer pairs with the nearest opener of the same kind; what stays unmatched is literal.
    """
    tokens: list[_Literal | _Delim] = []
    pos = 0
    for m in _INLINE_TOKEN_RE.finditer(text):
        if m.start() > pos:
            tokens.append(_Literal(pos, m.start(), False))
        if m.group(1) is not None:
            tokens.append(_Literal(m.start(), m.end(), True))
        else:
            before = text[m.start() - 1] if m.start() > 0 else " "
            after = text[m.end()] if m.end() < len(text) else " "
            tokens.append(
                _Delim(m.start(), len(m.group(2)), not after.isspace(), not before.isspace())
            )
        pos = m.end()
    if pos < len(text):
        tokens.append(_Literal(pos, len(text), False))
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
    return tokens


def parse_inline(text: str) -> list[Span]:
    """Inline Markdown to styled spans; unmatched markers stay literal text."""
    spans: list[Span] = []
    bold = italic = False
    buf: list[str] = []

    def flush() -> None:
        if buf:
            piece = "".join(buf)
            if spans and spans[-1].bold == bold and spans[-1].italic == italic:
                spans[-1] = Span(spans[-1].text + piece, bold, italic)
            else:
                spans.append(Span(piece, bold, italic))
            buf.clear()

    for tok in _tokenize(text):
        if isinstance(tok, _Delim):
            if not tok.matched:
                buf.append("*" * tok.run)
                continue
            flush()
            if tok.run in (2, 3):
                bold = not bold
            if tok.run in (1, 3):
                italic = not italic
        else:
            buf.append(text[tok.start + tok.escape : tok.end])
    flush()
    return spans


def inline_layout(text: str) -> InlineLayout:
    """The positions behind :func:`parse_inline`: which characters are styled, which are markers.

    An editor that keeps the stored text as typed uses this to style it in place.
    """
    layout = InlineLayout()
    bold = italic = False
    for tok in _tokenize(text):
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
        start = tok.start
        if tok.escape:
            layout.markers.append((start, start + 1))
            start += 1
        if (bold or italic) and tok.end > start:
            layout.runs.append(StyledRun(start, tok.end, bold, italic))
    return layout


def escape_markdown(text: str) -> str:
    """Escape plain text so that it reads back literally through :func:`parse_inline`."""
    escaped = _ESCAPE_RE.sub(r"\\\1", text)
    if escaped.startswith("#"):
        escaped = "\\" + escaped
    return escaped


def render_inline(spans: list[Span]) -> str:
    """Styled spans to inline Markdown; whitespace stays outside the markers."""
    out: list[str] = []
    for span in spans:
        # A leading "#" only needs escaping at the very start of the paragraph.
        body = escape_markdown(span.text) if not out else _ESCAPE_RE.sub(r"\\\1", span.text)
        marker = ("**" if span.bold else "") + ("*" if span.italic else "")
        if not marker or not span.text.strip():
            out.append(body)
            continue
        core = body.strip()
        lead = body[: len(body) - len(body.lstrip())]
        trail = body[len(body.rstrip()) :]
        out.append(f"{lead}{marker}{core}{marker[::-1]}{trail}")
    return "".join(out)


def plain_text(text: str) -> str:
    """Markdown-subset text without markup: paragraphs separated by blank lines."""
    parts: list[str] = []
    for block in parse_blocks(text):
        if isinstance(block, SceneBreak):
            parts.append("* * *")
        else:
            parts.append("".join(span.text for span in parse_inline(block.text)))
    return "\n\n".join(parts)
