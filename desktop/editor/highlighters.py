"""Syntax highlighters that show stored text formatted: the text itself is never changed.

Each block's highlighter state is its :class:`~desktop.editor.block_kinds.Kind`, which the
editor then turns into a block format (alignment, margins) — a highlighter can only set
character formats. Markers (``*``, ``**``, ``#``, escapes) stay in the text, dimmed, so that
what is saved is exactly what was typed.

They are the bottom layer of :class:`~desktop.layered_highlighter.LayeredHighlighter`, so the
codex names and spell-check squiggles drawn by other highlighters on the same document
combine with the prose styling instead of wiping it.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QTextBlock, QTextCharFormat, QTextDocument

from desktop.editor.block_kinds import HEADINGS, Kind, fountain_kind, markdown_kind
from desktop.editor.inline_markup import inline_layout
from desktop.layered_highlighter import FormatRange, LayeredHighlighter

HEADING_SCALE = {1: 1.6, 2: 1.35, 3: 1.2, 4: 1.1, 5: 1.0, 6: 1.0}


class _BaseHighlighter(LayeredHighlighter):
    layer_order = 0  # under codex names and spelling marks

    def __init__(self, document: QTextDocument, text_color: QColor) -> None:
        self._marker = QTextCharFormat()
        self._faint = QTextCharFormat()
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

    def kind_of_current(self, text: str) -> Kind:
        raise NotImplementedError

    def styled_ranges(self, text: str, kind: int) -> list[FormatRange]:
        raise NotImplementedError

    def highlightBlock(self, text: str) -> None:
        before = self.currentBlockState()
        kind = int(self.kind_of_current(text))
        self.setCurrentBlockState(kind)
        # Every layered highlighter paints all layers of a block it highlights. On an edit
        # they all run on the edited block, this one first (it was attached first):
        # painting it here too would only be redone by the next, so only its kind is worked
        # out. A block whose kind changed as a consequence (a heading after a line that
        # stopped being blank) is seen by this layer alone, so it is painted here.
        if not self._painting and before == kind and len(self.siblings()) > 1:
            return
        super().highlightBlock(text)

    _painting = False

    def repaint(self, block: QTextBlock | None = None) -> None:
        """Highlight the whole document (or one block), painting every layer."""
        self._painting = True
        try:
            if block is None:
                self.rehighlight()
            else:
                self.rehighlightBlock(block)
        finally:
            self._painting = False

    def layer_ranges(self, text: str) -> list[FormatRange]:
        # Whichever layer is highlighting, its current block carries the kind this layer
        # gave it (set just above when this one runs).
        for highlighter in self.siblings():
            block = highlighter.currentBlock()
            if block.isValid() and block.text() == text:
                return self.styled_ranges(text, block.userState())
        return self.styled_ranges(text, int(self.kind_of_current(text)))

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
