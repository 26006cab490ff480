"""The book's corkboard: one headed row per chapter, each with its scenes as index cards.

A scene card can be dragged within its row (reorder) or into another chapter's row (move);
the drop emits ``move_requested("scene", id, chapter id, index)`` and the window moves it in
the library and reloads, as for the binder and the chapter corkboard.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.store import Library
from core.text.counts import count_of
from desktop.binder.model import MIME_TYPE, BinderNode, NodeKind
from desktop.binder.outline_view import CARD_ROLE, CARD_SIZE, Card, CardDelegate, cards_for


def _decode_scene(data: QMimeData) -> str | None:
    if not data.hasFormat(MIME_TYPE):
        return None
    kind, _, scene_id = bytes(data.data(MIME_TYPE).data()).decode("utf-8", "replace").partition(":")
    return scene_id if kind == NodeKind.SCENE.value and scene_id else None


class ChapterRow(QListWidget):
    """One chapter's scene cards, wrapped to the board's width; accepts cards from any row."""

    dropped = Signal(str, str, int)  # scene id, chapter id, index in the chapter
    activated_node = Signal(str, str)

    def __init__(self, chapter: BinderNode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chapter = chapter
        self.setObjectName(f"chapter-row-{chapter.id}")
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        # The whole board scrolls, not each row: a row is as tall as its wrapped cards.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setItemDelegate(CardDelegate(self))
        self._fit_height()
        self.itemDoubleClicked.connect(self._on_double_click)

    def show_cards(self, cards: list[Card]) -> None:
        self.clear()
        for card in cards:
            item = QListWidgetItem()
            item.setData(CARD_ROLE, card)
            item.setToolTip(card.synopsis or card.title)
            item.setSizeHint(CARD_SIZE)
            self.addItem(item)
        self._fit_height()

    def _fit_height(self) -> None:
        per_line = max(1, self.viewport().width() // CARD_SIZE.width())
        lines = max(1, -(-self.count() // per_line))
        height = lines * CARD_SIZE.height() + 2 * self.frameWidth() + 4
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def cards(self) -> list[Card]:
        return [self.item(row).data(CARD_ROLE) for row in range(self.count())]

    # -------------------------------------------------------------- drag and drop

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, items: list[QListWidgetItem]) -> QMimeData:  # type: ignore[override]
        data = QMimeData()
        cards = [item.data(CARD_ROLE) for item in items]
        if cards and isinstance(cards[0], Card):
            data.setData(MIME_TYPE, QByteArray(f"{cards[0].kind.value}:{cards[0].id}".encode()))
        return data

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._accept_scene(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._accept_scene(event)

    @staticmethod
    def _accept_scene(event: QDropEvent) -> None:
        if _decode_scene(event.mimeData()) is not None:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def drop_index(self, scene_id: str, x: int, y: int) -> int:
        """Where a card dropped at viewport point (x, y) lands among this chapter's scenes."""
        target = self.indexAt(QPoint(x, y))
        rows = [card.id for card in self.cards()]
        if not target.isValid():
            # Past the last card: the end (one less if the card leaves this row first).
            return len(rows) - (1 if scene_id in rows else 0)
        return target.row()

    def dropEvent(self, event: QDropEvent) -> None:
        scene_id = _decode_scene(event.mimeData())
        # Ignore the action either way: the window reloads, the views must not remove rows.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if scene_id is None:
            return
        point = event.position().toPoint()
        index = self.drop_index(scene_id, point.x(), point.y())
        rows = [card.id for card in self.cards()]
        if scene_id in rows and rows.index(scene_id) == index:
            return  # dropped where it was
        self.dropped.emit(scene_id, self.chapter.id, index)

    def _on_double_click(self, item: QListWidgetItem) -> None:
        card = item.data(CARD_ROLE)
        if isinstance(card, Card):
            self.activated_node.emit(card.kind.value, card.id)


class BookCorkboard(QScrollArea):
    """A book's chapters as headed rows of scene cards; ``rows`` are the :class:`ChapterRow`."""

    move_requested = Signal(str, str, str, int)
    activated_node = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("book-corkboard")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.book: BinderNode | None = None
        self.rows: list[ChapterRow] = []
        self.headers: list[QLabel] = []
        self.setWidget(QWidget())

    def show_book(self, library: Library, book: BinderNode) -> None:
        """One section per chapter of ``book`` (a book node of the binder)."""
        # Reloading the same book (after a drop) keeps the place the writer scrolled to.
        keep_scroll = (
            self.verticalScrollBar().value() if self.book and self.book.id == book.id else 0
        )
        self.book = book
        self.rows, self.headers = [], []
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.setSpacing(4)
        for number, chapter in enumerate(book.children, 1):
            header = QLabel(
                f"<b>{number}. {_escape(chapter.title)}</b>"
                f"&nbsp;&nbsp;<span style='color: gray'>"
                f"{count_of(len(chapter.children), 'scene')} · "
                f"{count_of(chapter.words, 'word')}</span>"
            )
            header.setObjectName("chapter-header")
            header.setToolTip(chapter.synopsis)
            row = ChapterRow(chapter)
            row.show_cards(cards_for(library, chapter)[1] if chapter.children else [])
            row.dropped.connect(self._on_dropped)
            row.activated_node.connect(self.activated_node)
            layout.addSpacing(6 if number > 1 else 0)
            layout.addWidget(header)
            layout.addWidget(row)
            self.headers.append(header)
            self.rows.append(row)
        if not book.children:
            layout.addWidget(QLabel("This book has no chapters yet."))
        layout.addStretch(1)
        old = self.takeWidget()
        if old is not None:
            old.deleteLater()
        self.setWidget(body)
        body.adjustSize()
        self.verticalScrollBar().setValue(keep_scroll)

    def sections(self) -> list[tuple[str, list[str]]]:
        """(chapter title, its scene card titles) for every row, top to bottom."""
        return [(row.chapter.title, [c.title for c in row.cards()]) for row in self.rows]

    def move_card(self, scene_id: str, chapter_id: str, index: int) -> None:
        """Move a scene card to ``index`` in chapter ``chapter_id`` (what a drop does)."""
        self._on_dropped(scene_id, chapter_id, index)

    def _on_dropped(self, scene_id: str, chapter_id: str, index: int) -> None:
        self.move_requested.emit(NodeKind.SCENE.value, scene_id, chapter_id, index)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
