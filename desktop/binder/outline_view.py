"""The corkboard: index cards for a chapter's scenes (or a book's chapters, or the notes of its
Research folder), drag to reorder.

Each card shows the title, the synopsis, the status (as a coloured strip) and the POV
character. Dropping a card elsewhere emits ``move_requested(kind, id, parent id, index)``;
the window moves it in the library and reloads, as for the binder.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDropEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)
from sqlalchemy import func, select

from core.domain import Character, Note, Scene
from core.store import Library
from core.text import plain_text
from desktop.binder.model import STATUS_COLORS, BinderNode, NodeKind

CARD_SIZE = QSize(230, 150)
CARD_ROLE = Qt.ItemDataRole.UserRole + 1
_OPENING_CHARS = 400  # of a note's text, enough to fill its card


@dataclass(frozen=True)
class Card:
    kind: NodeKind
    id: str
    title: str
    synopsis: str
    status: str
    pov: str
    words: int


def cards_for(library: Library, node: BinderNode) -> tuple[BinderNode, list[Card]]:
    """The cards a chapter (its scenes) or a book (its chapters) shows, and that parent."""
    parent = node if node.kind is not NodeKind.SCENE or node.parent is None else node.parent
    children = parent.children
    povs: dict[str, str] = {}
    if children and children[0].kind is NodeKind.SCENE:
        with library.session() as session:
            rows = session.execute(
                select(Scene.id, Character.name)
                .join(Character, Scene.pov_character_id == Character.id)
                .where(Scene.id.in_([c.id for c in children]))
            )
            povs = {scene_id: name for scene_id, name in rows}
    openings: dict[str, str] = {}
    if children and children[0].kind is NodeKind.NOTE:
        # A research note has no synopsis: its card shows how it begins.
        with library.session() as session:
            rows = session.execute(
                select(Note.id, func.substr(Note.text, 1, _OPENING_CHARS)).where(
                    Note.id.in_([c.id for c in children])
                )
            )
            openings = {note_id: " ".join(plain_text(text or "").split()) for note_id, text in rows}
    cards = [
        Card(c.kind, c.id, c.title, c.synopsis or openings.get(c.id, ""), c.status,
             povs.get(c.id, ""), c.words)
        for c in children
    ]  # fmt: skip
    return parent, cards


class CardDelegate(QStyledItemDelegate):
    """Paints one index card: status strip, title, synopsis, POV and words."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return CARD_SIZE

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        card = index.data(CARD_ROLE)
        if not isinstance(card, Card):
            return
        palette = option.palette
        rect: QRect = option.rect.adjusted(6, 6, -6, -6)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        border = (
            palette.color(QPalette.ColorRole.Highlight)
            if selected
            else palette.color(QPalette.ColorRole.Mid)
        )
        painter.setPen(border)
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 6, 6)
        strip = QColor(STATUS_COLORS.get(card.status, "#b0b0b0"))
        painter.fillRect(QRect(rect.left() + 1, rect.top() + 1, rect.width() - 2, 5), strip)
        inner = rect.adjusted(10, 12, -10, -8)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        title_font = painter.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        metrics = painter.fontMetrics()
        title = metrics.elidedText(card.title, Qt.TextElideMode.ElideRight, inner.width())
        painter.drawText(inner.left(), inner.top() + metrics.ascent(), title)
        body_font = painter.font()
        body_font.setBold(False)
        painter.setFont(body_font)
        line = painter.fontMetrics().height()
        body = QRect(
            inner.left(), inner.top() + line + 4, inner.width(), inner.height() - 2 * line - 8
        )
        dim = QColor(palette.color(QPalette.ColorRole.Text))
        dim.setAlphaF(0.8)
        painter.setPen(dim)
        painter.drawText(
            body, int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignTop),
            card.synopsis or "No synopsis yet",
        )  # fmt: skip
        dim.setAlphaF(0.55)
        painter.setPen(dim)
        footer = " · ".join(p for p in (card.status, card.pov and f"POV {card.pov}",
                                         f"{card.words:,} words") if p)  # fmt: skip
        painter.drawText(inner.left(), inner.bottom() - 2, footer)
        painter.restore()


class OutlineView(QListWidget):
    """Cards in a wrapping grid; ``activated_node(kind, id)`` on double-click."""

    move_requested = Signal(str, str, str, int)
    activated_node = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("corkboard")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Snap)
        self.setGridSize(CARD_SIZE)
        self.setSpacing(0)
        self.setUniformItemSizes(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setItemDelegate(CardDelegate(self))
        self.parent_node: BinderNode | None = None
        self.itemDoubleClicked.connect(self._on_double_click)

    def show_cards(self, parent: BinderNode, cards: list[Card]) -> None:
        self.parent_node = parent
        self.clear()
        for card in cards:
            item = QListWidgetItem()
            item.setData(CARD_ROLE, card)
            item.setToolTip(card.synopsis or card.title)
            item.setSizeHint(CARD_SIZE)
            self.addItem(item)

    def cards(self) -> list[Card]:
        return [self.item(row).data(CARD_ROLE) for row in range(self.count())]

    def move_card(self, from_row: int, to_row: int) -> None:
        """Move the card at ``from_row`` to ``to_row`` (what a drop does)."""
        if self.parent_node is None or from_row == to_row:
            return
        card = self.item(from_row).data(CARD_ROLE)
        self.move_requested.emit(card.kind.value, card.id, self.parent_node.id, to_row)

    def dropEvent(self, event: QDropEvent) -> None:
        source = self.currentRow()
        target_index = self.indexAt(event.position().toPoint())
        target = target_index.row() if target_index.isValid() else self.count() - 1
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if source >= 0:
            self.move_card(source, target)

    def _on_double_click(self, item: QListWidgetItem) -> None:
        card = item.data(CARD_ROLE)
        if isinstance(card, Card):
            self.activated_node.emit(card.kind.value, card.id)
