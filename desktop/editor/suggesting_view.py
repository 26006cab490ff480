"""Suggesting mode in the editor: pending suggestions shown inline, in their authors' colours.

The editor's document holds the whole text; each suggested insertion is underlined (on a
light wash) in the colour of whoever proposed it, each suggested deletion struck through in
theirs. The marks are extra selections, not formats in the document, so they never reach the
stored text or the undo history.
"""

from __future__ import annotations

import bisect
from typing import Protocol

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit


class SuggestingHost(Protocol):
    """What the editor asks of suggesting mode."""

    def accepted(self) -> str:
        """The scene's text as the book has it (what ``scene_text`` answers)."""
        ...

    def typed(
        self, whole: str, cursor: int, backward: bool, selection: tuple[int, int] | None
    ) -> None:
        """The writer edited the shown text into ``whole`` (cursor at Qt position
        ``cursor``; ``backward``: a deletion made with Backspace; ``selection``: the Qt
        range that was selected and typed or pasted over)."""
        ...

    def positions(self, indexes: list[int]) -> list[int]:
        """Qt positions in the shown text of string indexes into the book's text."""
        ...

    def index_of(self, position: int) -> int:
        """The string index into the book's text of Qt position ``position``."""
        ...


def suggestion_formats(
    marks: list[tuple[int, int, str, str]],
) -> list[tuple[int, int, QTextCharFormat]]:
    """(Qt start, Qt end, format) for ``marks``: (Qt start, Qt end, "insert" | "delete",
    colour); one format per kind and colour, shared."""
    formats: dict[tuple[str, str], QTextCharFormat] = {}
    spans = []
    for start, end, kind, colour in marks:
        shape = formats.get((kind, colour))
        if shape is None:
            shape = formats[(kind, colour)] = _format(kind, colour)
        spans.append((start, end, shape))
    return spans


def _format(kind: str, colour: str) -> QTextCharFormat:
    tint = QColor(colour)
    if not tint.isValid():
        tint = QColor("#888888")
    shape = QTextCharFormat()
    # An insertion is underlined on a wash, its text in the usual colour: a foreground on one
    # extra selection hides the strike-out of the one right after it (Qt 6).
    if kind == "insert":
        shape.setFontUnderline(True)
        shape.setUnderlineColor(tint)
        shape.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        wash = QColor(tint)
        wash.setAlpha(28)
        shape.setBackground(wash)
    else:
        shape.setForeground(tint)
        shape.setFontStrikeOut(True)
    return shape


def visible_selections(
    document: QTextDocument, spans: list[tuple[int, int, QTextCharFormat]], first: int, last: int
) -> list[QTextEdit.ExtraSelection]:
    """Extra selections for the ``spans`` (sorted by start) that reach into ``first:last``.

    Only those: Qt paints every extra selection it is given on every repaint, so 500 marks in
    a long scene would cost a tenth of a second a keystroke; those on screen cost nothing.
    """
    starts = [span[0] for span in spans]
    selections = []
    # A span starting before ``first`` may still reach into it: look back a little.
    index = max(0, bisect.bisect_left(starts, first) - 64)
    for start, end, shape in spans[index:]:
        if start > last:
            break
        if end < first:
            continue
        cursor = QTextCursor(document)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = shape
        selections.append(selection)
    return selections
