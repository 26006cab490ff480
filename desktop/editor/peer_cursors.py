"""Collaborators' cursors and selections, painted over the editor's text (live co-editing).

Each peer's caret is a bar in their colour with their name on a small flag above it, and
their selection a wash of the same colour. Positions are Qt's (UTF-16), read from the live
document's sticky indexes, so they stay on their characters while anyone types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QTextCursor, QTextLine
from PySide6.QtWidgets import QTextEdit


@dataclass(frozen=True)
class PeerCursor:
    name: str
    colour: str
    anchor: int
    head: int


def _rect_at(editor: QTextEdit, position: int) -> QRect:
    cursor = QTextCursor(editor.document())
    cursor.setPosition(max(0, min(position, editor.document().characterCount() - 1)))
    return editor.cursorRect(cursor)


def wash(
    painter: QPainter,
    editor: QTextEdit,
    start: int,
    end: int,
    colour: QColor,
    *,
    left: int,
    right: int,
) -> None:
    """A passage's wash: part of its first line, whole lines between, part of its last."""
    tint = QColor(colour)
    if tint.alpha() == 255:
        tint.setAlpha(60)
    first, last = _rect_at(editor, start), _rect_at(editor, end)
    height = first.height()
    if first.top() == last.top():
        painter.fillRect(QRect(first.left(), first.top(), last.left() - first.left(), height), tint)
        return
    painter.fillRect(QRect(first.left(), first.top(), right - first.left(), height), tint)
    between = last.top() - first.bottom() - 1
    if between > 0:
        painter.fillRect(QRect(left, first.bottom() + 1, right - left, between), tint)
    painter.fillRect(QRect(left, last.top(), last.left() - left, last.height()), tint)


def paint_comment_marks(editor: QTextEdit, painter: QPainter, marks: list[QTextCursor]) -> None:
    """The passages open comments are anchored to: a light wash, like a highlighter's."""
    visible = editor.viewport().rect()
    margin = int(editor.document().documentMargin())
    colour = QColor(250, 200, 40, 70)
    for mark in marks:
        start, end = mark.selectionStart(), mark.selectionEnd()
        if end <= start:
            continue
        if (
            _rect_at(editor, end).bottom() < visible.top()
            or _rect_at(editor, start).top() > visible.bottom()
        ):
            continue
        wash(painter, editor, start, end, colour, left=margin, right=visible.right() - margin)


def paint_peers(editor: QTextEdit, painter: QPainter, peers: list[PeerCursor]) -> None:
    visible = editor.viewport().rect()
    right = visible.right() - int(editor.document().documentMargin())
    left = int(editor.document().documentMargin())
    flag_font = QFont(editor.font())
    flag_font.setPointSizeF(max(7.0, flag_font.pointSizeF() * 0.7))
    metrics = QFontMetrics(flag_font)
    for peer in peers:
        colour = QColor(peer.colour)
        if not colour.isValid():
            colour = QColor("#888888")
        start, end = sorted((peer.anchor, peer.head))
        if end > start:
            wash(painter, editor, start, end, colour, left=left, right=right)
        caret = _rect_at(editor, peer.head)
        if not caret.intersects(visible):
            continue
        painter.fillRect(QRect(caret.left(), caret.top(), 2, caret.height()), colour)
        label = peer.name[:24]
        width = metrics.horizontalAdvance(label) + 8
        height = metrics.height() + 2
        flag = QRectF(caret.left(), caret.top() - height, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(colour)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(flag, 3, 3)
        painter.setFont(flag_font)
        painter.setPen(QColor("#ffffff") if colour.lightness() < 150 else QColor("#202020"))
        painter.drawText(flag, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()


def _x_of(line: QTextLine, position: int) -> float:
    # PySide6 answers (x, position) where its stubs say object.
    found: Any = line.cursorToX(position)
    return float(found[0] if isinstance(found, tuple) else found)


def _line_spans(editor: QTextEdit, start: int, end: int) -> list[QRect]:
    """The rectangles (viewport coordinates) of ``start:end`` line by line, read from the
    layout of its blocks (a cursor rectangle per character would cost a long passage dear)."""
    document = editor.document()
    layout = document.documentLayout()
    dx = editor.horizontalScrollBar().value()
    dy = editor.verticalScrollBar().value()
    spans = []
    block = document.findBlock(start)
    while block.isValid() and block.position() < end:
        origin = layout.blockBoundingRect(block).topLeft()
        text_layout = block.layout()
        base = block.position()
        for i in range(text_layout.lineCount()):
            line = text_layout.lineAt(i)
            lo, hi = base + line.textStart(), base + line.textStart() + line.textLength()
            a, b = max(start, lo), min(end, hi)
            if a >= b:
                continue
            left = _x_of(line, a - base)
            right = _x_of(line, b - base)
            spans.append(
                QRect(
                    int(origin.x() + left) - dx,
                    int(origin.y() + line.y()) - dy,
                    int(right - left),
                    int(line.height()),
                )
            )
        block = block.next()
    return spans


def paint_suggestion_marks(
    editor: QTextEdit,
    painter: QPainter,
    deletions: list[QTextCursor],
    insertions: list[QTextCursor],
) -> None:
    """Pending suggestions: words proposed for deletion struck through in red, and a green
    flag where a proposed insertion would go (its text is in the Comments dock)."""
    red, green = QColor(200, 40, 40), QColor(30, 140, 60)
    painter.save()
    visible = editor.viewport().rect()
    for mark in deletions:
        for line in _line_spans(editor, mark.selectionStart(), mark.selectionEnd()):
            if line.bottom() >= visible.top() and line.top() <= visible.bottom():
                y = line.top() + line.height() // 2
                painter.fillRect(QRect(line.left(), y, max(2, line.width()), 2), red)
    for mark in insertions:
        caret = _rect_at(editor, mark.position())
        painter.fillRect(QRect(caret.left() - 1, caret.top(), 2, caret.height()), green)
        painter.fillRect(QRect(caret.left() - 4, caret.top(), 8, 3), green)
    painter.restore()
