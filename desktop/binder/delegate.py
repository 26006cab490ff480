"""Paints a binder row with its scene's labels as small coloured dots after the title, and
the collaborators in the scene right now (live) as their initials in their colours.

The marks sit at the right end of the title column; the title is elided to leave them room,
so a long title never hides which labels a scene has or who is in it.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from desktop.binder.model import BinderModel, BinderNode

DOT = 9  # diameter in pixels
GAP = 4


def dots_width(count: int) -> int:
    return count * (DOT + GAP) + GAP if count else 0


class BinderDelegate(QStyledItemDelegate):
    """The default row, plus one dot per label (its tooltip-free colour key is the inspector)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # Most rows have no labels: tell from the row's node, without asking the model.
        node = index.internalPointer() if index.isValid() else None
        here = (index.data(BinderModel.PRESENCE_ROLE) or []) if index.isValid() else []
        if isinstance(node, BinderNode) and not node.labels and not here:
            super().paint(painter, option, index)
            return
        labels = index.data(BinderModel.LABELS_ROLE) or []
        if not labels and not here:
            super().paint(painter, option, index)
            return
        width = min(dots_width(len(labels) + len(here)), max(0, option.rect.width() // 2))
        text_option = QStyleOptionViewItem(option)
        text_option.rect = QRect(option.rect.adjusted(0, 0, -width, 0))
        super().paint(painter, text_option, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = option.rect.right() - width + GAP
        y = option.rect.center().y() - DOT // 2
        for name, colour in here:  # a ring with the initial: a person, not a label
            if x + DOT > option.rect.right():
                break
            ring = QRect(x - 1, y - 1, DOT + 2, DOT + 2)
            painter.setPen(QPen(QColor(colour), 2))
            painter.setBrush(QColor(colour).lighter(160))
            painter.drawEllipse(ring)
            font = QFont(painter.font())
            font.setPixelSize(DOT - 1)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor(colour).darker(180))
            painter.drawText(ring, Qt.AlignmentFlag.AlignCenter, (name[:1] or "?").upper())
            x += DOT + GAP
        for _label, color in labels:
            if x + DOT > option.rect.right():
                break
            painter.setPen(QPen(QColor(color).darker(130), 1))
            painter.setBrush(QColor(color))
            painter.drawEllipse(QRect(x, y, DOT, DOT))
            x += DOT + GAP
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        labels = index.data(BinderModel.LABELS_ROLE) or []
        here = index.data(BinderModel.PRESENCE_ROLE) or []
        marks = dots_width(len(labels) + len(here))
        return QSize(size.width() + marks, max(size.height(), DOT + 4))
