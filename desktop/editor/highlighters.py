"""Syntax highlighters that show stored text formatted: the text itself is never changed.

Each block's highlighter state is its :class:`~desktop.editor.block_kinds.Kind`, which the
editor then turns into a block format (alignment, margins) — a highlighter can only set
character formats. Markers (``*``, ``**``, ``#``, escapes) stay in the text, dimmed, so that
what is saved is exactly what was typed.

Each is its document's :class:`~desktop.editor.layered_highlighter.LayerHost`: the codex names and
spell-check squiggles are layers it paints over the prose styling, so they combine with it
instead of wiping it.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QTextBlock, QTextCharFormat, QTextDocument

from desktop.editor.block_kinds import HEADINGS, Kind, fountain_kind, markdown_kind
from desktop.editor.inline_markup import inline_layout
from desktop.editor.layered_highlighter import FormatRange, LayerHost

HEADING_SCALE = {1: 1.6, 2: 1.35, 3: 1.2, 4: 1.1, 5: 1.0, 6: 1.0}


class _BaseHighlighter(LayerHost):
    """The host of a scene document: prose styling under the codex and spelling layers."""

    def __init__(self, document: QTextDocument, text_color: QColor) -> None:
        self._marker = QTextCharFormat()
        self._faint = QTextCharFormat()
        self._styled: dict[tuple[str, int], list[FormatRange]] = {}
        self.set_text_color(text_color)
        super().__init__(document)

    def set_text_color(self, color: QColor) -> None:
        """Derive the dim colours from the theme's text colour (light and dark alike)."""
        dim = QColor(color)
        dim.setAlphaF(0.35)
        self._marker.setForeground(dim)
        faint = QColor(color)
        faint.setAlphaF(0.55)
        self._faint.setForeground(faint)
        self._styled.clear()

    def kind_of_current(self, text: str) -> Kind:
        raise NotImplementedError

    def styled_ranges(self, text: str, kind: int) -> list[FormatRange]:
        raise NotImplementedError

    def base_ranges(self, text: str) -> list[FormatRange]:
        kind = int(self.kind_of_current(text))
        self.setCurrentBlockState(kind)
        # Remembered per (text, kind): re-highlighting an unchanged block (the document
        # after a layer's data changed, the blocks after one whose kind changed) is cheap.
        key = (text, kind)
        found = self._styled.get(key)
        if found is None:
            if len(self._styled) >= 20_000:
                self._styled.clear()
            found = self._styled[key] = self.styled_ranges(text, kind)
        return found

    def repaint(self, block: QTextBlock | None = None) -> None:
        """Highlight the whole document (or one block), painting every layer."""
        if block is None:
            self._styled.clear()  # the look (size, colours) may have changed
            self.rehighlight()
        else:
            self.rehighlightBlock(block)

    def _previous_kind(self) -> int:
        state = self.previousBlockState()
        return state if state >= 0 else int(Kind.NONE)

    def _emphasis(self, text: str, offset: int, base: QTextCharFormat) -> list[FormatRange]:
        layout = inline_layout(text[offset:])
        ranges: list[FormatRange] = []
        for run in layout.runs:
            fmt = QTextCharFormat(base)
            if run.bold:
                fmt.setFontWeight(QFont.Weight.Bold)
            if run.italic:
                fmt.setFontItalic(True)
            ranges.append((offset + run.start, run.end - run.start, fmt))
        for start, end in layout.markers:
            ranges.append((offset + start, end - start, self._marker))
        return ranges


class MarkdownHighlighter(_BaseHighlighter):
    """Italic, bold, headings and scene breaks of the Markdown subset, markers dimmed."""

    def __init__(self, document: QTextDocument, text_color: QColor, base_size: float) -> None:
        self.base_size = base_size
        super().__init__(document, text_color)

    def kind_of_current(self, text: str) -> Kind:
        return markdown_kind(text, self._previous_kind())

    def styled_ranges(self, text: str, kind: int) -> list[FormatRange]:
        if kind in (Kind.BLANK, Kind.NONE) or not text:
            return []
        if kind == Kind.SCENE_BREAK:
            return [(0, len(text), self._faint)]
        if kind not in HEADINGS:
            return self._emphasis(text, 0, QTextCharFormat())
        level = kind - Kind.HEADING_1 + 1
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        heading.setFontPointSize(self.base_size * HEADING_SCALE[level])
        hashes = len(text) - len(text.lstrip("#"))
        return [
            (0, len(text), heading),
            (0, hashes, self._marker),
            *self._emphasis(text, hashes, heading),
        ]


class FountainHighlighter(_BaseHighlighter):
    """Fountain elements: bold scene headings, cues, dimmed notes, sections and synopses."""

    def kind_of_current(self, text: str) -> Kind:
        next_block = self.currentBlock().next()
        next_line = next_block.text() if next_block.isValid() else ""
        return fountain_kind(text, self._previous_kind(), next_line)

    def styled_ranges(self, text: str, kind: int) -> list[FormatRange]:
        if kind in (Kind.SCENE_HEADING, Kind.TRANSITION):
            bold = QTextCharFormat()
            bold.setFontWeight(QFont.Weight.Bold)
            return [(0, len(text), bold)]
        if kind in (Kind.SECTION, Kind.SYNOPSIS, Kind.NOTE, Kind.PAGE_BREAK):
            return [(0, len(text), self._faint)]
        if kind == Kind.PARENTHETICAL:
            fmt = QTextCharFormat(self._faint)
            fmt.setFontItalic(True)
            return [(0, len(text), fmt)]
        if kind in (Kind.ACTION, Kind.DIALOGUE, Kind.CHARACTER, Kind.CENTERED, Kind.LYRIC):
            # Fountain's emphasis is the same *italic* / **bold** as the Markdown subset.
            return self._emphasis(text, 0, QTextCharFormat())
        return []
