"""Paints a binder row with its scene's labels as small coloured dots after the title.

The dots sit at the right end of the title column; the title is elided to leave them room,
so a long title never hides which labels a scene has.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtGui import QColor, QPainter, QPen
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
        if isinstance(node, BinderNode) and not node.labels:
            super().paint(painter, option, index)
            return
        labels = index.data(BinderModel.LABELS_ROLE) or []
        if not labels:
            super().paint(painter, option, index)
            return
        width = min(dots_width(len(labels)), max(0, option.rect.width() // 2))
        text_option = QStyleOptionViewItem(option)
        text_option.rect = QRect(option.rect.adjusted(0, 0, -width, 0))
        super().paint(painter, text_option, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = option.rect.right() - width + GAP
        y = option.rect.center().y() - DOT // 2
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
        return QSize(size.width() + dots_width(len(labels)), max(size.height(), DOT + 4))
