"""Suggesting mode for one studio window: Edit › Suggest Changes (Ctrl+Alt+Shift+X).

While it is on, the open scene's editor shows the whole text of the scene's document — every
pending suggestion in place, insertions underlined and deletions struck through in their
authors' colours — and what the writer types, deletes or pastes is recorded as their
suggestions (:func:`core.review.suggesting.suggest_edit`) instead of changing the book. The
suggestions are accepted or rejected in the Comments dock; Ctrl+Z takes back the writer's
last suggestion (the document's undo manager, as live editing uses).

The scene's document is its live document: the room's when the scene is live (the others see
the suggestions as they are typed), else one held on this machine (:class:`LiveSession` binds
it without a connection), saved by autosave like live text and sent with the next sync. A
commenter of a shared book is always in suggesting mode: it is the way they may change it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from core.text.offsets import from_utf16, to_utf16, utf16_length
from desktop.editor.suggesting_view import suggestion_formats

if TYPE_CHECKING:
    from core.sync.live import LiveText
    from desktop.window.host import StudioWindow


def _view(live: LiveText) -> Any:
    """Positions between the book's text and the shown one (pycrdt loads on first use, not
    with the studio)."""
    from core.sync.text_view import View

    return View(live.text)


def _bmp(text: str) -> bool:
    """Whether Qt's positions in ``text`` are its string indexes (nothing beyond the BMP)."""
    return utf16_length(text) == len(text)


class Suggesting(QObject):
    """Binds suggesting mode to the window's editor and the open scene's live document."""

    def __init__(self, window: StudioWindow, *, author: Any) -> None:
        super().__init__(window.widget)
        self.window = window
        self.author = author  # () -> str: who is suggesting
        self.on = False
        self.live: LiveText | None = None
        self.book_id = ""
        # In the status bar while the open scene is in suggesting mode.
        self.label = QLabel("Suggesting")
        self.label.setObjectName("suggesting_status")
        self.label.setToolTip(
            "What you type and delete becomes suggestions (Edit › Suggest Changes)"
        )
        self.label.setStyleSheet("QLabel { color: #1e8449; font-weight: bold; }")
        self.label.hide()

    # ------------------------------------------------------------------ the mode

    def commenter(self, book_id: str) -> bool:
        standing = self.window.shared.get(book_id)
        return standing is not None and standing.role == "commenter"

    def wanted(self, book_id: str) -> bool:
        """Whether a scene of ``book_id`` is shown in suggesting mode."""
        return self.on or self.commenter(book_id)

    @property
    def active(self) -> bool:
        return self.live is not None

    def set_on(self, on: bool) -> None:
        """Turn the mode on or off for the open scene and the ones opened after it."""
        self.on = on
        live_session = self.window.live
        scene_id = self.window.editor.scene_id
        if self.live is not None and not self.wanted(self.book_id):
            self.detach()
            if live_session.local:
                live_session.unbind_scene()  # held only for suggesting
            return
        if self.live is None and scene_id:
            live = live_session.live_text(scene_id)
            if live is not None:
                self.attach(live, live_session.scene_book_id)
            else:
                live_session.bind_current()  # a document held here, then attached

    def attach(self, live: LiveText, book_id: str) -> None:
        """Show the bound scene's document in suggesting mode (when it is wanted)."""
        if not self.wanted(book_id):
            return
        editor = self.window.editor
        if live is self.live:  # bound again as it was (the standing read afresh, say)
            if self.commenter(book_id):
                editor.setReadOnly(False)
            return
        editor.flush_suggestion()
        at = self._to_whole(live, editor.textCursor().position())
        self.live, self.book_id = live, book_id
        editor.suggesting = self
        self.label.show()
        if self.commenter(book_id):
            editor.setReadOnly(False)  # a commenter may suggest
        self.render(at)

    def detach(self) -> None:
        """Back to the book's text in the editor (the suggestions stay, in the dock)."""
        live = self.live
        if live is None:
            return
        editor = self.window.editor
        editor.flush_suggestion()
        at = self.index_of(editor.textCursor().position())
        self.live = None
        editor.suggesting = None
        self.label.hide()
        editor.set_marks("suggestions", [])
        text = str(live)
        editor.take_text(text)
        cursor = editor.textCursor()
        cursor.setPosition(to_utf16(text, min(at, len(text))))
        editor.setTextCursor(cursor)
        if self.commenter(self.book_id):
            editor.setReadOnly(True)
        self.book_id = ""

    # ------------------------------------------------------------------ the editor's host

    def accepted(self) -> str:
        return str(self.live) if self.live is not None else self.window.editor.shown_text()

    def typed(
        self, whole: str, cursor: int, backward: bool, selection: tuple[int, int] | None
    ) -> None:
        live = self.live
        if live is None:
            return
        before = live.whole()
        placed = live.suggest(
            whole,
            author=self.author(),
            now=datetime.now(UTC),
            backward=backward,
            cursor=from_utf16(whole, cursor),
            selection=(
                (from_utf16(before, selection[0]), from_utf16(before, selection[1]))
                if selection is not None
                else None
            ),
        )
        # The shown text is the document's already when only characters were added.
        self.render(placed if live.whole() != whole else None)
        self.window.live.note_review_change(self.window.editor.scene_id)

    def render(self, cursor: int | None = None) -> None:
        """Show the document's whole text and its marks; ``cursor``: where the cursor goes
        (a string index of the whole text), None to leave it."""
        live = self.live
        if live is None:
            return
        from desktop.window.live_session import colour_for

        editor = self.window.editor
        editor.flush_suggestion()  # the writer's last key first: the text shown is replaced
        whole = live.whole()
        plain = _bmp(whole)

        def qt(index: int) -> int:
            return index if plain else to_utf16(whole, index)

        editor.show_whole(whole, qt(cursor) if cursor is not None else None)
        shown = [(qt(m.start), qt(m.end), m.kind, colour_for(m.author)) for m in live.marks()]
        editor.set_marks("suggestions", suggestion_formats(shown))

    # ------------------------------------------------------------------ positions

    def positions(self, indexes: list[int]) -> list[int]:
        """Qt positions in the shown (whole) text of indexes into the book's text."""
        if self.live is None:
            return indexes
        view, whole = _view(self.live), self.live.whole()
        plain = _bmp(whole)
        found = []
        for index in indexes:
            at = view.to_full(index)
            found.append(at if plain else to_utf16(whole, at))
        return found

    def index_of(self, position: int) -> int:
        """The index into the book's text of Qt position ``position`` of the shown text."""
        if self.live is None:
            return position
        view = _view(self.live)
        return int(view.to_accepted(from_utf16(self.live.whole(), position)))

    def _to_whole(self, live: LiveText, position: int) -> int:
        """The whole-text index of Qt position ``position`` of the book's text."""
        view = _view(live)
        return int(view.to_full(from_utf16(view.accepted, position)))
