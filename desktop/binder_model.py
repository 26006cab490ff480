"""The binder: books > chapters > scenes with their word counts, as a Qt item model.

The tree is read through core's outline (titles and counts, never the prose) into plain
:class:`BinderNode` objects, and the model serves those. Nothing here holds a database
session open, so the model can be reloaded at any time (after an import, on switching
library) with one reset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, overload

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from core.resources import resource_path
from core.store import Library
from core.store.outline import library_outline

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root, as a default argument (never mutated)


class NodeKind(StrEnum):
    BOOK = "book"
    CHAPTER = "chapter"
    SCENE = "scene"


@dataclass(eq=False)
class BinderNode:
    """One row of the binder; ``book_id`` is the book it belongs to (its own id for a book)."""

    kind: NodeKind
    id: str
    title: str
    words: int
    book_id: str
    content_type: str = "novel"
    synopsis: str = ""
    row: int = 0  # position among its siblings (books: in the library)
    parent: BinderNode | None = None
    children: list[BinderNode] = field(default_factory=list)

    def add(self, child: BinderNode) -> BinderNode:
        child.parent = self
        child.row = len(self.children)
        self.children.append(child)
        return child

    def first_scene(self) -> BinderNode | None:
        """The first scene at or below this node, in reading order."""
        if self.kind is NodeKind.SCENE:
            return self
        for child in self.children:
            found = child.first_scene()
            if found is not None:
                return found
        return None


def load_binder(library: Library) -> list[BinderNode]:
    """The live books of ``library`` with their chapters and scenes, in reading order."""
    with library.session() as session:
        outline = library_outline(session=session)
    books: list[BinderNode] = []
    for book in outline:
        kind = book.content_type
        book_node = BinderNode(
            NodeKind.BOOK, book.id, book.title or "Untitled", book.word_count,
            book_id=book.id, content_type=kind, synopsis=book.description, row=len(books),
        )  # fmt: skip
        for c_num, chapter in enumerate(book.chapters, 1):
            chapter_node = BinderNode(
                NodeKind.CHAPTER, chapter.id, chapter.title or f"Chapter {c_num}",
                chapter.word_count, book_id=book.id, content_type=kind, synopsis=chapter.synopsis,
            )  # fmt: skip
            book_node.add(chapter_node)
            for s_num, scene in enumerate(chapter.scenes, 1):
                scene_node = BinderNode(
                    NodeKind.SCENE, scene.id, scene.title or f"Scene {s_num}",
                    scene.word_count, book_id=book.id, content_type=kind, synopsis=scene.synopsis,
                )  # fmt: skip
                chapter_node.add(scene_node)
        books.append(book_node)
    return books


class BinderModel(QAbstractItemModel):
    """Two columns, title and words; ``NODE_ROLE`` gives the :class:`BinderNode` of a row."""

    NODE_ROLE = Qt.ItemDataRole.UserRole + 1
    TITLE_COLUMN = 0
    WORDS_COLUMN = 1
    _HEADERS = ("Title", "Words")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._books: list[BinderNode] = []
        self._icons: dict[NodeKind, QIcon] = {}

    def _icon(self, kind: NodeKind) -> QIcon:
        # Made on first use: icons need the QApplication, which exists by the first paint.
        if kind not in self._icons:
            path = resource_path("icons", f"binder-{kind.value}.svg")
            self._icons[kind] = QIcon(str(path)) if path.exists() else QIcon()
        return self._icons[kind]

    # -------------------------------------------------------------- loading

    def reload(self, library: Library | None) -> None:
        """Read the whole tree again from ``library`` (an empty binder for None)."""
        books = load_binder(library) if library is not None else []
        self.beginResetModel()
        self._books = books
        self.endResetModel()

    @property
    def books(self) -> list[BinderNode]:
        return list(self._books)

    def node(self, index: AnyIndex) -> BinderNode | None:
        if not index.isValid():
            return None
        node = index.internalPointer()
        return node if isinstance(node, BinderNode) else None

    def index_of(self, node: BinderNode, column: int = 0) -> QModelIndex:
        return self.createIndex(node.row, column, node)

    def find(self, kind: NodeKind, node_id: str) -> QModelIndex:
        """The index of the node with this kind and id, or an invalid index."""
        stack = list(self._books)
        while stack:
            node = stack.pop()
            if node.kind is kind and node.id == node_id:
                return self.index_of(node)
            stack.extend(node.children)
        return QModelIndex()

    # -------------------------------------------------------------- the model API

    def index(self, row: int, column: int, parent: AnyIndex = _ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        parent_node = self.node(parent)
        children = parent_node.children if parent_node else self._books
        return self.createIndex(row, column, children[row])

    @overload
    def parent(self) -> QObject | None: ...
    @overload
    def parent(self, child: AnyIndex) -> QModelIndex: ...
    def parent(self, child: AnyIndex | None = None) -> QObject | QModelIndex | None:
        # Qt's two parents share a name: the model's owner, and an index's parent row.
        if child is None:
            return super().parent()
        node = self.node(child)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.index_of(node.parent)

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        if parent.column() > 0:
            return 0
        parent_node = self.node(parent)
        return len(parent_node.children) if parent_node else len(self._books)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return len(self._HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.title if column == self.TITLE_COLUMN else f"{node.words:,}"
        if role == Qt.ItemDataRole.ToolTipRole and node.synopsis:
            return node.synopsis
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.WORDS_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and column == self.TITLE_COLUMN:
            return self._icon(node.kind)
        if role == self.NODE_ROLE:
            return node
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
