"""The Comments dock: the open scene's comment threads and suggested changes, beside the editor.

Each thread shows who wrote it, the words it is anchored to now and its replies; choosing one
selects its passage in the editor, and the anchored passages are washed in the editor. Comment
on Selection (Ctrl+Alt+M) anchors a new comment to the selected words; Reply and Resolve (or
Reopen) act on the chosen thread; resolved threads are hidden unless asked for.

Below them are the scene's pending suggestions (from Word's tracked changes, a commenter, or
Claude): who proposes what; Accept and Reject decide the chosen one, Accept All and Reject All
every one. In the editor a word proposed for deletion is struck through, and a proposed
insertion is a small flag where it would go (its text in the list).

Comments live in the scene's synced document (:mod:`core.review.comments`): on a live scene
they go into the live document and reach the room at once; otherwise the text is saved first
and the comment is written to the library's copy of the document, for the next sync.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError

if TYPE_CHECKING:
    from core.review.comments import Comment
    from desktop.window.host import StudioWindow

_ID = int(Qt.ItemDataRole.UserRole) + 1


def _now() -> datetime:
    return datetime.now(UTC)


class CommentsPanel(QWidget):
    changed = Signal()  # the threads were read again (the editor repaints its washes)

    def __init__(self, window: StudioWindow, *, author: Callable[[], str]) -> None:
        super().__init__()
        self.studio = window
        self.author = author
        self.scene_id = ""
        self.comments: list[Comment] = []
        self.threads = QTreeWidget()
        self.threads.setObjectName("comment_threads")
        self.threads.setHeaderHidden(True)
        self.threads.setWordWrap(True)
        self.threads.itemClicked.connect(self._show_passage)
        self.add_button = QPushButton("Comment on Selection")
        self.add_button.setToolTip("Anchor a comment to the selected words (Ctrl+Alt+M)")
        self.add_button.clicked.connect(lambda: self.comment_on_selection())
        self.reply_button = QPushButton("Reply…")
        self.reply_button.clicked.connect(lambda: self.reply_to_chosen())
        self.resolve_button = QPushButton("Resolve")
        self.resolve_button.clicked.connect(lambda: self.toggle_resolved())
        self.show_resolved = QCheckBox("Show resolved")
        self.show_resolved.toggled.connect(lambda _on: self.refresh())
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.suggestions: list[Any] = []
        self.changes = QTreeWidget()
        self.changes.setObjectName("suggested_changes")
        self.changes.setHeaderHidden(True)
        self.changes.setWordWrap(True)
        self.changes.itemClicked.connect(self._show_change)
        # Right-click a suggestion: decide all of its author's at once (an editor taking
        # one reviewer's pass, Claude's say, and not another's).
        self.changes.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.changes.customContextMenuRequested.connect(self._changes_menu)
        self.accept_button = QPushButton("Accept")
        self.reject_button = QPushButton("Reject")
        self.accept_all_button = QPushButton("Accept All")
        self.reject_all_button = QPushButton("Reject All")
        self.accept_button.clicked.connect(lambda: self.decide(accept=True))
        self.reject_button.clicked.connect(lambda: self.decide(accept=False))
        self.accept_all_button.clicked.connect(lambda: self.decide(accept=True, every=True))
        self.reject_all_button.clicked.connect(lambda: self.decide(accept=False, every=True))
        self.changes.currentItemChanged.connect(lambda *_: self._update_buttons())
        buttons = QHBoxLayout()
        for button in (self.add_button, self.reply_button, self.resolve_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.show_resolved)
        layout.addWidget(self.threads, 1)
        layout.addWidget(QLabel("Suggested changes"))
        layout.addWidget(self.changes, 1)
        deciding = QHBoxLayout()
        for button in (
            self.accept_button,
            self.reject_button,
            self.accept_all_button,
            self.reject_all_button,
        ):
            deciding.addWidget(button)
        layout.addLayout(deciding)
        layout.addWidget(self.message)
        self.threads.currentItemChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # ------------------------------------------------------------------ the document

    def _document(self) -> Any:
        """The open scene's document: the live one, or the library's copy (None: none yet)."""
        live = self.studio.live.live_text(self.scene_id)
        if live is not None:
            return live.doc
        library = self.studio.library
        if library is None or not self.scene_id:
            return None
        from core.sync.documents import new_doc
        from core.sync.live_store import live_doc

        with library.session() as session:
            found = live_doc(session, self.scene_id)
        return new_doc(found.state) if found is not None else None

    def _change(self, edit: Callable[[Any], Any]) -> Any:
        live = self.studio.live.live_text(self.scene_id)
        if live is not None:
            result = live.change(edit)
            self.studio.live.note_review_change(self.scene_id)
            return result
        library = self.studio.library
        if library is None:
            return None
        saver = self.studio.autosaver
        if saver is not None:
            saver.flush()  # the library's text is then the editor's: anchors match
        from core.review.store import change_scene_document

        with library.write_session() as session:
            return change_scene_document(session, self.scene_id, edit)

    # ------------------------------------------------------------------ showing

    def set_scene(self, scene_id: str | None) -> None:
        self.scene_id = scene_id or ""
        self.refresh()

    def refresh(self) -> None:
        from core.review.comments import list_comments
        from core.review.suggestions import list_suggestions

        doc = self._document() if self.scene_id else None
        self.comments = list_comments(doc) if doc is not None else []
        self.suggestions = list_suggestions(doc) if doc is not None else []
        self._fill_changes()
        text = self.studio.editor.scene_text() if self.scene_id else ""
        chosen = self._chosen_id()
        self.threads.clear()
        shown = 0
        for comment in self.comments:
            if comment.resolved and not self.show_resolved.isChecked():
                continue
            shown += 1
            about = comment.anchor(text) or f"{comment.quote} (its words were deleted)"
            state = " · resolved" if comment.resolved else ""
            item = QTreeWidgetItem([f"{comment.author}{state}\n“{about}”\n{comment.text}"])
            item.setData(0, _ID, comment.id)
            for answer in comment.replies:
                child = QTreeWidgetItem([f"{answer.author}: {answer.text}"])
                child.setData(0, _ID, comment.id)
                item.addChild(child)
            self.threads.addTopLevelItem(item)
            item.setExpanded(True)
            if comment.id == chosen:
                self.threads.setCurrentItem(item)
        hidden = (
            sum(1 for c in self.comments if c.resolved) if not self.show_resolved.isChecked() else 0
        )
        self.message.setText(
            ""
            if shown or not self.scene_id
            else "No comments yet: select words and press Ctrl+Alt+M."
            + (f" ({hidden} resolved)" if hidden else "")
        )
        self._update_buttons()
        self.changed.emit()

    def _fill_changes(self) -> None:
        chosen = self._chosen_change()
        self.changes.clear()
        for suggestion in self.suggestions:
            if suggestion.kind == "replace":
                what = f"replace “{suggestion.deleted}” with “{suggestion.text}”"
            else:
                what = f"{suggestion.kind} “{suggestion.text}”"
            item = QTreeWidgetItem([f"{suggestion.author}: {what}"])
            item.setData(0, _ID, suggestion.id)
            self.changes.addTopLevelItem(item)
            if suggestion.id == chosen:
                self.changes.setCurrentItem(item)

    def _chosen_change(self) -> str:
        item = self.changes.currentItem()
        return str(item.data(0, _ID)) if item is not None else ""

    def suggestion_marks(self) -> tuple[list[tuple[int, int]], list[int]]:
        """Pending deletions (Qt ranges) and insertion points (Qt positions) in the editor
        (none in suggesting mode: the editor shows the suggestions themselves)."""
        editor = self.studio.editor
        if editor.suggesting is not None:
            return [], []
        deletions, insertions = [], []
        for s in self.suggestions:
            if s.kind in ("delete", "replace"):
                gone = s.text if s.kind == "delete" else s.deleted
                start, end = editor.positions([s.at, s.at + len(gone)])
                deletions.append((start, end))
            if s.kind in ("insert", "replace"):
                end = s.at + (len(s.deleted) if s.kind == "replace" else 0)
                insertions.append(editor.positions([end])[0])
        return deletions, insertions

    def _show_change(self, item: QTreeWidgetItem, _column: int) -> None:
        found = next((s for s in self.suggestions if s.id == item.data(0, _ID)), None)
        if found is None:
            return
        editor = self.studio.editor
        cursor = editor.textCursor()
        cursor.setPosition(editor.positions([found.at])[0])
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()

    def suggest_generated(self, start: int, end: int, text: str) -> int:
        """Claude's result as suggestions: a rewrite of the editor's ``start:end`` (Qt
        positions), hunk by hunk, or an insertion at ``start``; how many."""
        from core.review.suggestions import suggest_insert, suggest_rewrite

        editor = self.studio.editor
        begin, stop = editor.index_of(start), editor.index_of(end)

        def change(doc: Any) -> int:
            if stop > begin:
                made = suggest_rewrite(
                    doc, start=begin, end=stop, text=text, author="Claude", now=_now()
                )
                return len(made)
            suggest_insert(doc, at=begin, text=text, author="Claude", now=_now())
            return 1

        # In the scene's live document (bound here if need be), so that one Ctrl+Z takes
        # Claude's suggestions back together.
        live = self.studio.live.hold_document(self.scene_id)
        if live is not None:
            try:
                made: Any = live.change(change, undoable=True)
            except AuthorWorksError as exc:
                self.message.setText(str(exc))
                made = 0
            self.studio.live.note_review_change(self.scene_id)
            self.refresh()
        else:
            made = self._act(change)
        self.studio.panels.docks["comments"].show()
        return int(made or 0)

    def author_menu(self, author: str) -> QMenu:
        """The menu of a suggestion by ``author``: accept or reject all of theirs."""
        menu = QMenu(self)
        menu.addAction(
            f"Accept All by {author}", lambda: self.decide(accept=True, every=True, by=author)
        )
        menu.addAction(
            f"Reject All by {author}", lambda: self.decide(accept=False, every=True, by=author)
        )
        return menu

    def _changes_menu(self, pos: Any) -> None:
        item = self.changes.itemAt(pos)
        found = next((s for s in self.suggestions if item and s.id == item.data(0, _ID)), None)
        if found is not None:
            self.author_menu(found.author).popup(self.changes.viewport().mapToGlobal(pos))

    def decide(self, *, accept: bool, every: bool = False, by: str | None = None) -> int:
        """Accept (or reject) the chosen suggestion, or all of them (``by``: all of that
        author's); how many."""
        from core.review.suggestions import decide

        ids = (
            {s.id for s in self.suggestions if by is None or s.author == by}
            if every
            else {self._chosen_change()} - {""}
        )
        if not ids or not self.scene_id:
            return 0
        live = self.studio.live.live_text(self.scene_id)
        if live is not None:  # Ctrl+Z takes a decision back
            live.change(lambda doc: decide(doc, ids, accept=accept), undoable=True)
            self.studio.live.note_review_change(self.scene_id)
        else:
            library = self.studio.library
            if library is None:
                return 0
            from core.review.store import decide_in_scene

            if self.studio.autosaver is not None:
                self.studio.autosaver.flush()
            with library.write_session() as session:
                decide_in_scene(session, self.scene_id, ids, accept=accept)
            self.studio.reload_current_scene()
        self.refresh()
        return len(ids)

    def anchored_ranges(self) -> list[tuple[int, int]]:
        """The open threads' passages, in Qt positions of the editor's text."""
        ends = [
            (comment.start, comment.end)
            for comment in self.comments
            if not comment.resolved and not comment.orphaned
            if comment.start is not None and comment.end is not None
        ]
        places = self.studio.editor.positions([i for pair in ends for i in pair])
        return [(places[2 * n], places[2 * n + 1]) for n in range(len(ends))]

    def _chosen_id(self) -> str:
        item = self.threads.currentItem()
        return str(item.data(0, _ID)) if item is not None else ""

    def _chosen(self) -> Comment | None:
        chosen = self._chosen_id()
        return next((c for c in self.comments if c.id == chosen), None)

    def _update_buttons(self) -> None:
        writable = bool(self.scene_id)
        self.add_button.setEnabled(writable)
        comment = self._chosen()
        self.reply_button.setEnabled(writable and comment is not None)
        self.resolve_button.setEnabled(writable and comment is not None)
        self.resolve_button.setText(
            "Reopen" if comment is not None and comment.resolved else "Resolve"
        )

    def _show_passage(self, item: QTreeWidgetItem, _column: int) -> None:
        comment = next((c for c in self.comments if c.id == item.data(0, _ID)), None)
        if comment is None or comment.orphaned or comment.start is None or comment.end is None:
            return
        editor = self.studio.editor
        start, end = editor.positions([comment.start, comment.end])
        cursor = editor.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()

    # ------------------------------------------------------------------ acting

    def comment_on_selection(self, text: str | None = None) -> str | None:
        """Ask for a comment on the editor's selection and store it; its id."""
        from core.review.comments import add_comment

        editor = self.studio.editor
        cursor = editor.textCursor()
        if not self.scene_id or not cursor.hasSelection():
            self.message.setText("Select the words the comment is about first.")
            return None
        if text is None:
            text, ok = QInputDialog.getMultiLineText(self, "Comment", "Your comment:")
            if not ok:
                return None
        start = editor.index_of(cursor.selectionStart())
        end = editor.index_of(cursor.selectionEnd())
        return self._act(
            lambda doc: add_comment(
                doc, author=self.author(), text=text, start=start, end=end, now=_now()
            )
        )

    def reply_to_chosen(self, text: str | None = None) -> str | None:
        from core.review.comments import reply

        comment = self._chosen()
        if comment is None:
            return None
        if text is None:
            text, ok = QInputDialog.getMultiLineText(self, "Reply", f"Reply to {comment.author}:")
            if not ok:
                return None
        return self._act(
            lambda doc: reply(
                doc, parent_id=comment.id, author=self.author(), text=text, now=_now()
            )
        )

    def _act(self, edit: Callable[[Any], Any]) -> str | None:
        """Make a change of the scene's review; its result (an id), or None with the reason
        shown."""
        try:
            made = self._change(edit)
        except AuthorWorksError as exc:
            self.message.setText(str(exc))
            return None
        self.refresh()
        return str(made) if made else None

    def toggle_resolved(self) -> None:
        from core.review.comments import set_resolved

        comment = self._chosen()
        if comment is None:
            return
        self._change(
            lambda doc: set_resolved(
                doc,
                comment.id,
                resolved=not comment.resolved,
                by=self.author(),
                now=_now(),
            )
        )
        self.refresh()
