"""The binder: books > chapters > scenes with their word counts, as a Qt item model.

Under each book, after its chapters, a Research folder holds the book's research notes: the
writer's material, edited like scenes but never part of the manuscript (see core.store.notes).
A book node's ``children`` stay its chapters; the folder is its ``research`` and appears in the
tree as the book's last row (:attr:`BinderNode.tree_children`).

The tree is read through core's outline (titles and counts, never the prose) into plain
:class:`BinderNode` objects, and the model serves those. Nothing here holds a database
session open, so the model can be reloaded at any time (after an import, on switching
library) with one reset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon
from sqlalchemy import select

from core.domain import Book, Chapter, Scene
from core.domain.display import display_title
from core.resources import resource_path
from core.store import Library
from core.store.labels import label_colors, next_default_color
from core.store.notes import notes_outline
from core.store.outline import library_outline
from core.sync.status import SharedBook, shared_books

MIME_TYPE = "application/x-authorworks-binder-node"
# Status colours: a small dot beside the title, muted so the binder stays calm.
STATUS_COLORS = {
    "idea": "#9a8fbf",
    "outline": "#7f9fbf",
    "draft": "#c9a040",
    "revised": "#5f9fbf",
    "final": "#5aa469",
    "done": "#5aa469",
}

_SCRIPT_TYPES = frozenset({"screenplay", "play"})


def _is_script(content_type: str) -> bool:
    return content_type in _SCRIPT_TYPES


AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root, as a default argument (never mutated)


class NodeKind(StrEnum):
    BOOK = "book"
    CHAPTER = "chapter"
    SCENE = "scene"
    RESEARCH = "research"  # a book's Research folder; its id is the book's id
    NOTE = "note"


RESEARCH_TITLE = "Research"
RESEARCH_TIP = "Research notes: yours alone, never exported, narrated or counted in the book"
# Kinds a writer edits in the editor.
EDITABLE_KINDS = frozenset({NodeKind.SCENE, NodeKind.NOTE})


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
    status: str = ""
    labels: list[str] = field(default_factory=list)  # scenes only
    row: int = 0  # position among its siblings (books: in the library)
    parent: BinderNode | None = None
    children: list[BinderNode] = field(default_factory=list)
    research: BinderNode | None = None  # books only: the Research folder, shown after chapters
    # Books only, for a book someone else shared with this account: the owner's email and
    # this account's role in it.
    shared_by: str = ""
    role: str = ""

    def add(self, child: BinderNode) -> BinderNode:
        child.parent = self
        child.row = len(self.children)
        self.children.append(child)
        return child

    @property
    def tree_children(self) -> list[BinderNode]:
        """The rows under this node in the tree: a book's chapters, then its Research folder."""
        if self.research is None:
            return self.children
        return [*self.children, self.research]

    # The two below serve the model's hot paths (index, rowCount) without building a list.
    def tree_child_count(self) -> int:
        return len(self.children) + (self.research is not None)

    def tree_child(self, row: int) -> BinderNode:
        if row < len(self.children):
            return self.children[row]
        assert self.research is not None and row == len(self.children)
        return self.research

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
    return load_binder_with_colors(library)[0]


def load_binder_with_colors(
    library: Library,
) -> tuple[list[BinderNode], dict[str, dict[str, str]]]:
    """The binder tree and each book's label colours (book id -> label -> ``#rrggbb``)."""
    with library.session() as session:
        outline = library_outline(session=session)
        # Statuses and labels in narrow queries: the outline does not carry them.
        statuses: dict[str, str] = {}
        for model in (Scene, Chapter):
            rows = session.execute(select(model.id, model.status).where(model.deleted_at.is_(None)))
            statuses.update((row_id, status) for row_id, status in rows)
        scene_labels: dict[str, list[str]] = {
            scene_id: [str(label) for label in labels or []]
            for scene_id, labels in session.execute(
                select(Scene.id, Scene.labels).where(Scene.deleted_at.is_(None))
            )
        }
        colors = {
            book.id: label_colors(book)
            for book in session.scalars(select(Book).where(Book.deleted_at.is_(None)))
        }
        notes = notes_outline(session=session)  # every book's notes in one query, no text
    books: list[BinderNode] = []
    for book in outline:
        kind = book.content_type
        book_node = BinderNode(
            NodeKind.BOOK, book.id, book.title or "Untitled", book.word_count,
            book_id=book.id, content_type=kind, synopsis=book.description, row=len(books),
        )  # fmt: skip
        for c_num, chapter in enumerate(book.chapters, 1):
            chapter_node = BinderNode(
                NodeKind.CHAPTER, chapter.id, display_title(chapter.title, "Chapter", c_num),
                chapter.word_count, book_id=book.id, content_type=kind, synopsis=chapter.synopsis,
                status=statuses.get(chapter.id, ""),
            )  # fmt: skip
            book_node.add(chapter_node)
            for s_num, scene in enumerate(chapter.scenes, 1):
                scene_node = BinderNode(
                    NodeKind.SCENE, scene.id, display_title(scene.title, "Scene", s_num),
                    scene.word_count, book_id=book.id, content_type=kind, synopsis=scene.synopsis,
                    status=statuses.get(scene.id, ""), labels=scene_labels.get(scene.id, []),
                )  # fmt: skip
                chapter_node.add(scene_node)
                book_colors = colors.setdefault(book.id, {})
                for label in scene_node.labels:
                    # Shown in a default colour until the writer (or the inspector) stores one.
                    if label not in book_colors:
                        book_colors[label] = next_default_color(book_colors.values())
        book_notes = notes.get(book.id, [])
        research = BinderNode(
            NodeKind.RESEARCH, book.id, RESEARCH_TITLE, sum(n.word_count for n in book_notes),
            book_id=book.id, synopsis=RESEARCH_TIP, row=len(book_node.children), parent=book_node,
        )  # fmt: skip
        for n_num, note in enumerate(book_notes, 1):
            research.add(
                BinderNode(NodeKind.NOTE, note.id, note.title or f"Note {n_num}",
                           note.word_count, book_id=book.id)
            )  # fmt: skip
        book_node.research = research
        books.append(book_node)
    return books, colors


# Roles and flags as plain values, for the model's hot paths.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_NODE = int(Qt.ItemDataRole.UserRole) + 1
_LABELS = int(Qt.ItemDataRole.UserRole) + 2
_PRESENCE = int(Qt.ItemDataRole.UserRole) + 3
_WORDS_ALIGNMENT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_FIXED_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDropEnabled
)
_DRAGGABLE_FLAGS = _FIXED_FLAGS | Qt.ItemFlag.ItemIsDragEnabled
_UNDRAGGABLE_KINDS = frozenset({NodeKind.BOOK, NodeKind.RESEARCH})
_COLUMNS = 2  # title, words (BinderModel._HEADERS)


class BinderModel(QAbstractItemModel):
    """Two columns, title and words; ``NODE_ROLE`` gives the :class:`BinderNode` of a row."""

    NODE_ROLE = _NODE
    # A scene's labels with their colours: list of (label, QColor), in the scene's order.
    LABELS_ROLE = _LABELS
    PRESENCE_ROLE = _PRESENCE  # [(name, colour)] of collaborators in a scene, live
    TITLE_COLUMN = 0
    WORDS_COLUMN = 1
    _HEADERS = ("Title", "Words")

    # (kind, id, new parent id, index among the new parent's children)
    move_requested = Signal(str, str, str, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._books: list[BinderNode] = []
        self._label_colors: dict[str, dict[str, str]] = {}
        self._icons: dict[NodeKind, QIcon] = {}
        self._presence: dict[str, list[tuple[str, str]]] = {}

    def _icon(self, kind: NodeKind) -> QIcon:
        # Made on first use: icons need the QApplication, which exists by the first paint.
        if kind not in self._icons:
            path = resource_path("icons", f"binder-{kind.value}.svg")
            self._icons[kind] = QIcon(str(path)) if path.exists() else QIcon()
        return self._icons[kind]

    # -------------------------------------------------------------- loading

    def reload(self, library: Library | None, shared: dict[str, SharedBook] | None = None) -> None:
        """Read the whole tree again from ``library`` (an empty binder for None); ``shared``
        is what the server said of the books, when the caller has read it already."""
        books, colors = load_binder_with_colors(library) if library is not None else ([], {})
        if library is not None:
            if shared is None:
                shared = shared_books(library)
            for book in books:
                standing = shared.get(book.id)
                if standing is not None and standing.shared_with_me:
                    book.shared_by, book.role = standing.owner, standing.role
        self.beginResetModel()
        self._books = books
        self._label_colors = colors
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
            stack.extend(node.tree_children)
        return QModelIndex()

    def update_words(self, kind: NodeKind, node_id: str, words: int) -> None:
        """A new word count for one node (after an autosave), shown at once."""
        index = self.find(kind, node_id)
        node = self.node(index)
        if node is None or node.words == words:
            return
        node.words = words
        cell = self.index_of(node, self.WORDS_COLUMN)
        self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole])
        folder = node.parent
        if node.kind is NodeKind.NOTE and folder is not None:
            # The Research folder shows its notes' total (the book's count never includes it).
            folder.words = sum(n.words for n in folder.children)
            cell = self.index_of(folder, self.WORDS_COLUMN)
            self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole])

    def set_status(self, kind: NodeKind, node_id: str, status: str) -> None:
        node = self.node(self.find(kind, node_id))
        if node is not None and node.status != status:
            node.status = status
            cell = self.index_of(node)
            self.dataChanged.emit(cell, cell)

    def label_colors(self, book_id: str) -> dict[str, str]:
        """The colours of the book's labels as shown (label -> ``#rrggbb``)."""
        return dict(self._label_colors.get(book_id, {}))

    def label_color(self, book_id: str, label: str) -> QColor:
        colors = self._label_colors.setdefault(book_id, {})
        if label not in colors:
            colors[label] = next_default_color(colors.values())
        return QColor(colors[label])

    def set_label_colors(self, book_id: str, colors: dict[str, str]) -> None:
        """New colours for a book's labels (already stored): repaint that book's scenes."""
        self._label_colors[book_id] = dict(colors)
        self._repaint_scenes(book_id)

    def set_labels(self, scene_id: str, labels: list[str]) -> None:
        """A scene's new labels (after the inspector saved them), shown at once."""
        node = self.node(self.find(NodeKind.SCENE, scene_id))
        if node is not None and node.labels != labels:
            node.labels = list(labels)
            cell = self.index_of(node)
            self.dataChanged.emit(cell, cell)

    def set_presence(self, presence: dict[str, list[tuple[str, str]]]) -> None:
        """Who is in which scene now (scene id -> [(name, colour)]), from the book's room."""
        old, self._presence = self._presence, {k: list(v) for k, v in presence.items() if v}
        for scene_id in set(old) | set(self._presence):
            if old.get(scene_id) != self._presence.get(scene_id):
                cell = self.find(NodeKind.SCENE, scene_id)
                if cell.isValid():
                    self.dataChanged.emit(cell, cell)

    def presence_in(self, scene_id: str) -> list[tuple[str, str]]:
        return self._presence.get(scene_id, [])

    def _repaint_scenes(self, book_id: str) -> None:
        for book in self._books:
            if book.id != book_id:
                continue
            for chapter in book.children:
                if chapter.children:
                    first = self.index_of(chapter.children[0])
                    last = self.index_of(chapter.children[-1])
                    self.dataChanged.emit(first, last, [self.LABELS_ROLE])

    # -------------------------------------------------------------- drag and drop

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        data = QMimeData()
        nodes = [n for n in (self.node(i) for i in indexes) if n is not None]
        if nodes:
            data.setData(MIME_TYPE, QByteArray(f"{nodes[0].kind.value}:{nodes[0].id}".encode()))
        return data

    def drop_target(
        self, kind: NodeKind, node_id: str, row: int, parent: AnyIndex
    ) -> tuple[BinderNode, int] | None:
        """Where a dragged node would land: (new parent, index), or None if it cannot."""
        target = self.node(parent)
        if target is None:
            return None
        moving = self.node(self.find(kind, node_id))
        if moving is None:
            return None
        if kind is NodeKind.SCENE:
            if target.kind is NodeKind.SCENE and target.parent is not None:
                row, target = target.row + 1, target.parent  # dropped onto a scene: after it
            if target.kind is not NodeKind.CHAPTER or target.book_id != moving.book_id:
                return None
        elif kind is NodeKind.NOTE:
            # Notes stay in their book's Research folder, and nothing else goes in it.
            if target.kind is NodeKind.NOTE and target.parent is not None:
                row, target = target.row + 1, target.parent
            if target.kind is not NodeKind.RESEARCH or target.book_id != moving.book_id:
                return None
        elif kind is NodeKind.CHAPTER:
            if target.kind is NodeKind.CHAPTER and target.parent is not None:
                row, target = target.row + 1, target.parent
            if target.kind is not NodeKind.BOOK:
                return None
            if _is_script(target.content_type) != _is_script(moving.content_type):
                return None  # prose and script books do not exchange chapters (see core)
        else:
            return None
        index = len(target.children) if row < 0 else row
        if moving.parent is target and moving.row < index:
            index -= 1  # the node leaves its old place first
        return target, index

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        decoded = self._decode(data)
        return decoded is not None and self.drop_target(*decoded, row, parent) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        decoded = self._decode(data)
        if decoded is None:
            return False
        landing = self.drop_target(*decoded, row, parent)
        if landing is None:
            return False
        target, index = landing
        self.move_requested.emit(decoded[0].value, decoded[1], target.id, index)
        # The window moves it in the library and reloads; the view must not remove rows.
        return False

    @staticmethod
    def _decode(data: QMimeData) -> tuple[NodeKind, str] | None:
        if not data.hasFormat(MIME_TYPE):
            return None
        raw = bytes(data.data(MIME_TYPE).data()).decode("utf-8", "replace")
        kind, _, node_id = raw.partition(":")
        try:
            return NodeKind(kind), node_id
        except ValueError:
            return None

    # -------------------------------------------------------------- the model API

    # The view calls the methods below for every row it paints, many times over (each role
    # of each cell): they read the node straight from the index and compare roles with plain
    # ints, as Qt's enum members cost a Python call each to look up.

    def index(self, row: int, column: int, parent: AnyIndex = _ROOT) -> QModelIndex:
        if row < 0 or not 0 <= column < _COLUMNS:
            return QModelIndex()
        if parent.isValid():
            parent_node = parent.internalPointer()
            if parent.column() > 0:
                return QModelIndex()  # only the title column has children
        else:
            parent_node = None
        if isinstance(parent_node, BinderNode):
            if row >= parent_node.tree_child_count():
                return QModelIndex()
            return self.createIndex(row, column, parent_node.tree_child(row))
        if row >= len(self._books):
            return QModelIndex()
        return self.createIndex(row, column, self._books[row])

    @overload
    def parent(self) -> QObject | None: ...
    @overload
    def parent(self, child: AnyIndex) -> QModelIndex: ...
    def parent(self, child: AnyIndex | None = None) -> QObject | QModelIndex | None:
        # Qt's two parents share a name: the model's owner, and an index's parent row.
        if child is None:
            return super().parent()
        node = child.internalPointer() if child.isValid() else None
        above = node.parent if isinstance(node, BinderNode) else None
        if above is None:
            return QModelIndex()
        return self.createIndex(above.row, 0, above)

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        if not parent.isValid():
            return len(self._books)
        if parent.column() > 0:
            return 0
        node = parent.internalPointer()
        return node.tree_child_count() if isinstance(node, BinderNode) else len(self._books)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return _COLUMNS

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        node = index.internalPointer() if index.isValid() else None
        if not isinstance(node, BinderNode):
            return None
        if role == _DISPLAY:
            if index.column() != self.TITLE_COLUMN:
                return f"{node.words:,}"
            return f"{node.title} — {node.shared_by}" if node.shared_by else node.title
        if role == _DECORATION:
            return self._icon(node.kind) if index.column() == self.TITLE_COLUMN else None
        if role == _LABELS:
            if index.column() != self.TITLE_COLUMN:
                return None
            return [(label, self.label_color(node.book_id, label)) for label in node.labels]
        if role == _PRESENCE:
            if index.column() != self.TITLE_COLUMN:
                return None
            return self._presence.get(node.id, [])
        if role == _FOREGROUND:
            if index.column() != self.WORDS_COLUMN:
                return None
            color = STATUS_COLORS.get(node.status)
            return QColor(color) if color else None
        if role == _ALIGNMENT:
            return _WORDS_ALIGNMENT if index.column() == self.WORDS_COLUMN else None
        if role == _TOOLTIP:
            tips = [node.synopsis] if node.synopsis else []
            if node.shared_by:
                article = "an" if node.role[:1] in "aeiou" else "a"
                tips.insert(
                    0, f"Shared with you by {node.shared_by}; you are {article} {node.role}."
                )
            if not tips and node.status:
                tips.append(f"Status: {node.status}")
            if node.labels:
                tips.append(f"Labels: {', '.join(node.labels)}")
            here = self._presence.get(node.id)
            if here:
                tips.insert(0, f"Here now: {', '.join(name for name, _colour in here)}")
            return "\n".join(tips) or None
        if role == _NODE:
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
            return _NO_FLAGS
        node = index.internalPointer()
        if isinstance(node, BinderNode) and node.kind not in _UNDRAGGABLE_KINDS:
            return _DRAGGABLE_FLAGS
        return _FIXED_FLAGS
