"""The binder's commands: add, rename, duplicate, split, merge, trash, move, restore.

:class:`BinderCommands` works on the window it is given (through
:class:`~desktop.window.host.StudioWindow`): every change saves the open scene first, runs one
core use case (:mod:`desktop.binder.actions`, one unit of work), reloads the binder and selects
what the change returned.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from core.errors import AuthorWorksError
from core.store import Library
from core.store.manuscript import get_scene
from core.store.scene_split import merge_with_next, split_scene
from core.text.counts import count_of
from desktop.binder import actions as binder_actions
from desktop.binder.model import BinderNode, NodeKind
from desktop.window.host import StudioWindow


class BinderCommands:
    """The Binder menu's commands, for one window."""

    def __init__(self, window: StudioWindow) -> None:
        self.window = window
        self.trash_dialog: QWidget | None = None

    def _run_binder_change(
        self,
        change: Callable[[Library], tuple[NodeKind, str] | None],
        *,
        select_after: bool = True,
        book_bound: bool = True,
    ) -> bool:
        """Save first, make the change, reload and select what it returns.

        A change inside a book (``book_bound``) is refused for a book this account may only
        read: the server would refuse it, and the writer would lose it at the next sync.
        """
        if self.window.library is None:
            return False
        node = self.window.current_node
        if book_bound and node is not None and self.window.is_read_only(node.book_id):
            self.window.show_error(
                "This book is read only",
                "It was shared with you for reading: only its owner and editors change it.",
            )
            return False
        self.window.save_now()
        try:
            target = change(self.window.library)
        except AuthorWorksError as exc:
            self.window.show_error("Cannot change the binder", str(exc))
            return False
        keep = self.window.current_node
        self.window.reload_binder()
        if select_after and target is not None:
            self.window.select(*target)
        elif keep is not None and not self.window.select(keep.kind, keep.id):
            books = self.window.binder_model.books
            first = books[0].first_scene() if books else None
            if first is not None:
                self.window.select(first.kind, first.id)
            elif books:
                self.window.select(books[0].kind, books[0].id)
            else:
                self.window.show_empty()
        return True

    def _ask_title(self, caption: str, default: str = "") -> str | None:
        title, ok = QInputDialog.getText(self.window.widget, caption, "Title:", text=default)
        return title.strip() if ok and title.strip() else None

    def add_book(self, title: str | None = None, content_type: str = "novel") -> bool:
        title = title or self._ask_title("New Book")
        if not title:
            return False
        return self._run_binder_change(
            lambda lib: binder_actions.new_book(lib, title, content_type), book_bound=False
        )

    def add_chapter(self, title: str = "") -> bool:
        node = self.window.current_node
        if node is None:
            return False
        return self._run_binder_change(lambda lib: binder_actions.new_chapter(lib, node, title))

    def add_scene(self, title: str = "") -> bool:
        node = self.window.current_node
        if node is None:
            return False
        done = self._run_binder_change(lambda lib: binder_actions.new_scene(lib, node, title))
        if done:
            self.window.editor.setFocus()
        return done

    def add_note(self, title: str = "") -> bool:
        """A new note in the Research folder of the current book, opened for typing."""
        node = self.window.current_node
        if node is None:
            return False
        done = self._run_binder_change(lambda lib: binder_actions.new_note(lib, node, title))
        if done:
            self.window.editor.setFocus()
        return done

    def rename_current(self, title: str | None = None) -> bool:
        node = self.window.current_node
        if node is None:
            return False
        title = title or self._ask_title("Rename", node.title)
        if not title:
            return False

        def change(library: Library) -> tuple[NodeKind, str]:
            binder_actions.rename(library, node, title)
            return node.kind, node.id

        return self._run_binder_change(change)

    def duplicate_current(self) -> bool:
        node = self.window.current_node
        if node is None:
            return False
        return self._run_binder_change(lambda lib: binder_actions.duplicate(lib, node))

    def split_current_scene(self) -> bool:
        """Binder › Split Scene at Cursor (Ctrl+K): what follows the cursor becomes a new
        scene right after this one, and opens."""
        node = self.window.current_node
        if (
            node is None
            or node.kind is not NodeKind.SCENE
            or self.window.editor.scene_id != node.id
        ):
            self.window.statusBar().showMessage(
                "Open a scene and put the cursor where it splits", 5000
            )
            return False
        at = self.window.editor.textCursor().position()

        def change(library: Library) -> tuple[NodeKind, str]:
            with library.session() as session:
                scene = get_scene(session=session, scene_id=node.id)
                return NodeKind.SCENE, split_scene(session=session, scene=scene, at=at).id

        done = self._run_binder_change(change)
        if done:
            self.window.statusBar().showMessage(f"Split “{node.title}” at the cursor", 5000)
        return done

    def merge_current_scene(self) -> bool:
        """Binder › Merge with Next Scene (Ctrl+Shift+M): the next scene's text is appended to
        this one (snapshotted first) and the next scene goes to the trash."""
        node = self.window.current_node
        if node is None or node.kind is not NodeKind.SCENE:
            return False

        def change(library: Library) -> tuple[NodeKind, str]:
            with library.session() as session:
                merge_with_next(session=session, scene=get_scene(session=session, scene_id=node.id))
            return NodeKind.SCENE, node.id

        done = self._run_binder_change(change)
        if done:
            self.window.reload_current_scene()
            self.window.statusBar().showMessage(
                "Merged the next scene in (its old text is in Snapshots, the scene in the trash)",
                8000,
            )
        return done

    def confirm_and_trash_current(self) -> bool:
        """Binder › Move to Trash (Ctrl+Shift+Backspace): asks first, naming what goes.

        The key sits one Shift away from delete-word; a slip must not take a chapter.
        """
        node = self.window.current_node
        if node is None or node.kind is NodeKind.RESEARCH:
            return False
        answer = QMessageBox.question(
            self.window.widget,
            "Move to Trash",
            trash_question(node),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self.trash_current()

    def trash_current(self) -> bool:
        node = self.window.current_node
        if node is None:
            return False
        after = None
        if node.parent is not None:
            siblings = node.parent.children
            neighbour = siblings[node.row + 1] if node.row + 1 < len(siblings) else None
            neighbour = neighbour or (siblings[node.row - 1] if node.row > 0 else node.parent)
            after = (neighbour.kind, neighbour.id)

        def change(library: Library) -> tuple[NodeKind, str] | None:
            binder_actions.trash(library, node)
            return after

        done = self._run_binder_change(change)
        if done:
            self.window.statusBar().showMessage(
                f"Moved “{node.title}” to the trash (Edit › Trash…)", 8000
            )
        return done

    def step_current(self, delta: int) -> bool:
        node = self.window.current_node
        if node is None:
            return False
        return self._run_binder_change(
            lambda lib: (node.kind, node.id) if binder_actions.step(lib, node, delta) else None
        )

    def on_move_requested(self, kind: str, node_id: str, parent_id: str, index: int) -> None:
        node_kind = NodeKind(kind)
        # On a corkboard the board stays shown (the chapter or book, reloaded); elsewhere the
        # moved item is selected.
        board = self.window.current_node if self.window.outline_mode else None
        if board is not None and board.kind in (NodeKind.SCENE, NodeKind.NOTE):
            board = None

        def change(library: Library) -> tuple[NodeKind, str]:
            binder_actions.move(library, node_kind, node_id, parent_id, index)
            return (board.kind, board.id) if board is not None else (node_kind, node_id)

        self._run_binder_change(change)

    def show_trash(self) -> None:
        if self.window.library is None:
            return
        from desktop.dialogs.trash import TrashDialog

        self.window.save_now()
        dialog = TrashDialog(self.window.library, self.window.widget)
        dialog.restored.connect(lambda kind, item_id: self._after_restore(kind, item_id))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.trash_dialog = dialog

    def _after_restore(self, kind: str, item_id: str) -> None:
        self.window.reload_binder()
        if kind in ("book", "chapter", "scene", "note"):
            self.window.select(NodeKind(kind), item_id)


def trash_question(node: BinderNode) -> str:
    """The confirmation of trashing ``node``: what goes with it, and where it can come back from."""
    title = f"“{node.title}”"
    if node.kind is NodeKind.BOOK:
        scenes = sum(len(c.children) for c in node.children)
        what = (
            f"the book {title} with its {count_of(len(node.children), 'chapter')} and "
            f"{count_of(scenes, 'scene')}"
        )
    elif node.kind is NodeKind.CHAPTER:
        what = f"the chapter {title} and its {count_of(len(node.children), 'scene')}"
    elif node.kind is NodeKind.NOTE:
        what = f"the research note {title}"
    else:
        what = f"the scene {title} ({count_of(node.words, 'word')})"
    return f"Move {what} to the trash?\n\nYou can restore it from Edit › Trash…"
