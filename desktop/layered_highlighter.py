"""Syntax highlighters that share one document without wiping each other's formats.

Qt gives each block one list of extra formats, and every ``QSyntaxHighlighter`` on a document
replaces that list with its own when it highlights a block: with a spell-checker and the codex
highlighter on the same editor, whichever ran last would win. A :class:`LayeredHighlighter`
instead paints the ranges of *every* layered highlighter on its document, merged, so the
result is the same whichever one runs. Each subclass only says which ranges it marks.
"""

from __future__ import annotations

from PySide6.QtGui import QSyntaxHighlighter, QTextCharFormat, QTextDocument

FormatRange = tuple[int, int, QTextCharFormat]  # start, length, format


class LayeredHighlighter(QSyntaxHighlighter):
    """A highlighter whose formats combine with the other layered ones on its document."""

    #: Lower layers are painted first; a higher one's properties win where both set one.
    layer_order = 0

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._document = document

    def layer_ranges(self, text: str) -> list[FormatRange]:
        """The ranges this layer marks in one block's text."""
        raise NotImplementedError

    def siblings(self) -> list[LayeredHighlighter]:
        """Every layered highlighter on the document (this one included), bottom layer first."""
        found = [h for h in self._document.findChildren(LayeredHighlighter) if h.document()]
        return sorted(found, key=lambda h: h.layer_order)

    def sibling(self, kind: type[LayeredHighlighter]) -> LayeredHighlighter | None:
        for highlighter in self.siblings():
            if isinstance(highlighter, kind):
                return highlighter
        return None

    def highlightBlock(self, text: str) -> None:
        if not text:
            return
        for layer in self.siblings():
            for start, length, fmt in layer.layer_ranges(text):
                if length <= 0:
                    continue
                # Merge with what lower layers set here, character by character: their
                # ranges need not line up with this one.
                for pos in range(start, min(start + length, len(text))):
                    merged = QTextCharFormat(self.format(pos))
                    merged.merge(fmt)
                    self.setFormat(pos, 1, merged)

    def rehighlight_all(self) -> None:
        """Re-highlight with every layer (after this layer's data changed)."""
        self.rehighlight()
