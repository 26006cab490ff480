"""The scene editor: the stored text itself, shown formatted while the writer types.

The document holds exactly the scene's Markdown subset (or Fountain), so saving is
``document text == stored text`` byte for byte; highlighters style it and a light pass gives
each line its block format (headings, centred scene breaks, the screenplay's indents).
``revision`` counts edits, so autosave can tell which version it wrote.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMimeData,
    QPoint,
    QSizeF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
    QTextFormat,
)
from PySide6.QtWidgets import QFrame, QMenu, QTextEdit, QWidget

from core.text.edits import text_edits
from core.text.offsets import from_utf16, to_utf16, utf16_length, utf16_span
from core.text.smart_punctuation import replacement_for
from desktop.editor.block_kinds import HEADINGS, Kind
from desktop.editor.highlighters import FountainHighlighter, MarkdownHighlighter
from desktop.editor.paste import prepare_paste
from desktop.editor.peer_cursors import (
    PeerCursor,
    paint_comment_marks,
    paint_peers,
    paint_suggestion_marks,
)
from desktop.editor.suggesting_view import SuggestingHost, visible_selections

# Characters of a newly loaded scene whose marks are painted before it is shown (a screenful
# and more); the rest follow in steps of a few milliseconds, between events.
PAINT_AT_ONCE_CHARS = 6_000
# Scenes whose documents (and undo history) are kept after the writer leaves them.
KEPT_DOCUMENTS = 12
PAINT_STEP_SECONDS = 0.004
PAINT_STEP_INTERVAL_MS = 5
PAINT_FIRST_DELAY_MS = 40
_KIND_PROPERTY = QTextFormat.Property.UserProperty + 1
_SPACING_PROPERTY = QTextFormat.Property.UserProperty + 2
_SCRIPT_INDENTS = {  # Fountain layout, in characters of the typewriter face: (left, right)
    Kind.CHARACTER: (22, 0),
    Kind.DIALOGUE: (11, 12),
    Kind.PARENTHETICAL: (16, 16),
    Kind.LYRIC: (11, 12),
}

# Typing after a pause this long starts a new undo step.
UNDO_PAUSE_S = 1.5


@dataclass(frozen=True)
class EditorLook:
    """How prose is set: font, size, measure (text column width) and line spacing."""

    font_family: str = ""
    font_size: float = 13.0
    text_width: int = 700  # pixels; the column stays centred in wider windows
    line_spacing: int = 140  # percent
    typewriter: bool = False
    # Curly quotes, apostrophes, em dashes and ellipses as you type (never in Fountain).
    smart_punctuation: bool = True


def prose_font(look: EditorLook) -> QFont:
    """The font prose is set in: the chosen family, else the first serif installed."""
    font = QFont()
    families = [look.font_family] if look.font_family else []
    font.setFamilies([*families, "Charter", "Georgia", "DejaVu Serif", "Noto Serif"])
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(look.font_size)
    return font


def _script_font(look: EditorLook) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setFamilies(["Courier Prime", "Courier New", "DejaVu Sans Mono", font.family()])
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    font.setPointSizeF(look.font_size)
    return font


class SceneEditor(QTextEdit):
    """Edits one scene at a time; ``edited`` fires (scene id, revision) on every change."""

    edited = Signal(str, int)
    notice = Signal(str)  # a one-line message for the status bar (refused paste ...)
    scene_loaded = Signal(str)  # scene id: a scene's document is in the editor

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scene_editor")
        self.setAcceptRichText(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTabChangesFocus(False)
        self.scene_id = ""
        self.fountain = False
        self.language = "en"  # the open scene's book language: its quotes
        self._last_typed_at = 0.0
        self.revision = 0
        self._look = EditorLook()
        self._loading = False
        self._styling = False
        self._taking = False  # text from elsewhere (a sync) going in: not the writer's edit
        self._restyle_from: int | None = None
        self._restyle_to = 0
        self._restyle_timer = QTimer(self)
        self._restyle_timer.setSingleShot(True)
        self._restyle_timer.setInterval(0)
        self._restyle_timer.timeout.connect(self._restyle_pending)
        # Marks (emphasis, codex names, spelling) of a scene past its first screen are painted
        # in short steps after it is shown; this cursor (moved by edits) is where they resume.
        self._unpainted: QTextCursor | None = None
        self._paint_timer = QTimer(self)
        self._paint_timer.timeout.connect(self._paint_step)
        self._highlighter: MarkdownHighlighter | FountainHighlighter | None = None
        self._document: QTextDocument | None = None
        # The documents of the scenes last left, with their undo history, for the session:
        # scene id -> (document, its highlighter, fountain?). Going back to one whose text is
        # unchanged shows it again instead of a new document, so Ctrl+Z still reaches back.
        self._kept: OrderedDict[
            str, tuple[QTextDocument, MarkdownHighlighter | FountainHighlighter, bool]
        ] = OrderedDict()
        # Called with each scene's new document before it is shown (codex names, spelling).
        self.layer_factories: list[Callable[[QTextDocument], object]] = []
        # Add actions to the right-click menu for a document position (spelling, codex).
        self.context_menu_builders: list[Callable[[QMenu, int], object]] = []
        # Ctrl+click at a document position; a handler that acts answers True.
        self.ctrl_click_handlers: list[Callable[[int], bool]] = []
        self.last_context_menu: QMenu | None = None
        # While the scene is bound to its live room: undo and redo of the writer's own edits
        # (the room's edits are not on the document's undo stack), and the others' cursors.
        self.live_undo: tuple[Callable[[], bool], Callable[[], bool]] | None = None
        self.peers: list[PeerCursor] = []
        # The passages open comments are anchored to (cursors: Qt keeps them on their words).
        self.comment_marks: list[QTextCursor] = []
        # Pending suggestions: deletions (selections) and insertion points.
        self.deletion_marks: list[QTextCursor] = []
        self.insertion_marks: list[QTextCursor] = []
        # Suggesting mode: the document shows the whole text (pending suggestions in it) and
        # the writer's edits go to ``suggesting`` to become suggestions, right after each one.
        self.suggesting: SuggestingHost | None = None
        self._backward = True  # the last deletion was made with Backspace, not Delete
        self._overtyped: tuple[int, int] | None = None  # the selection typed or pasted over
        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(0)
        self._suggest_timer.timeout.connect(self._send_suggestion)
        # Extra selections by who set them (find hits), shown together, and marks by who set
        # them (suggestions: possibly hundreds) of which only those on screen are given to Qt.
        self._extra: dict[str, list[QTextEdit.ExtraSelection]] = {}
        self._marks: dict[str, list[tuple[int, int, QTextCharFormat]]] = {}
        self._shown_marks: list[QTextEdit.ExtraSelection] = []
        self.verticalScrollBar().valueChanged.connect(self._show_visible_marks)
        self.cursorPositionChanged.connect(self._keep_cursor_centred)
        self.load("", "")

    # -------------------------------------------------------------- loading and saving

    def load(self, scene_id: str, text: str, *, fountain: bool = False) -> None:
        """Show ``text`` for editing. A scene left earlier in the session whose text is still
        ``text`` comes back with its undo history; otherwise the history starts afresh."""
        if self._take_back(scene_id, text, fountain):
            self.scene_loaded.emit(scene_id)
            return
        self._loading = True
        try:
            left = (self.scene_id, self._highlighter, self.fountain)
            self.scene_id = scene_id
            self.fountain = fountain
            # ``revision`` keeps counting across scenes: autosave compares revisions.
            # The old highlighter stays with its document (kept, or deleted with it).
            self._highlighter = None
            self._restyle_from = None
            # The new text is highlighted and formatted before any view shows it: a
            # document in a view relays out after every block's formats change (a 100,000
            # word scene takes seconds that way, a fraction of a second this way).
            document = QTextDocument(self)
            document.setDocumentMargin(32)
            document.setDefaultFont(
                _script_font(self._look) if fountain else prose_font(self._look)
            )
            document.setPlainText(text)
            color = self.palette().text().color()
            if fountain:
                self._highlighter = FountainHighlighter(document, color)
            else:
                self._highlighter = MarkdownHighlighter(document, color, self._look.font_size)
            # The layers added here would each re-highlight the document: one pass after
            # paints them all.
            self._highlighter.repaint_later = self._repaint_in_steps
            self._highlighter.deferred = True
            try:
                for add_layer in self.layer_factories:
                    add_layer(document)
            finally:
                self._highlighter.deferred = False
            # The pass the highlighter queued for itself on getting the document would only
            # repeat this one, on a document in view by then. Every block gets its kind (the
            # block formats need them all); only the first screenful is painted now, so that
            # opening a long scene stays quick, and the rest right after, in short steps.
            self._paint_timer.stop()
            self._unpainted = None
            self._highlighter.paint_until = PAINT_AT_ONCE_CHARS
            try:
                self._highlighter.repaint()
            finally:
                self._highlighter.paint_until = None
            rest = document.findBlock(PAINT_AT_ONCE_CHARS)
            if rest.isValid() and rest.position() + rest.length() < document.characterCount():
                self._unpainted = QTextCursor(rest.next())
                # Once the scene is on screen; then a step every few milliseconds.
                self._paint_timer.start(PAINT_FIRST_DELAY_MS)
            for highlighter in document.findChildren(QSyntaxHighlighter):
                QCoreApplication.removePostedEvents(highlighter, QEvent.Type.MetaCall)
            self._restyle_blocks(document.begin(), None, force=True, document=document, fresh=True)
            self._set_typewriter_room(document)
            document.clearUndoRedoStacks()
            document.setModified(False)
            # No page size until the view sets its own: a document lays itself out as soon as
            # it has a layout, which the view makes on taking it, and then again at the view's
            # width. With a null page size the first pass is skipped (with the default,
            # unlimited width, it would lay out the whole scene unwrapped: milliseconds).
            document.setPageSize(QSizeF(0, 0))
            self._show_document(document, left)
        finally:
            self._loading = False
        self.scene_loaded.emit(scene_id)

    def _show_document(
        self,
        document: QTextDocument,
        left: tuple[str, MarkdownHighlighter | FountainHighlighter | None, bool],
    ) -> None:
        """Put ``document`` in the view; the one it replaces (``left``: its scene id,
        highlighter and kind) is kept for its undo history or deleted."""
        old = self._document
        if old is not None:
            old.contentsChange.disconnect(self._on_contents_change)
        # Taking the document, the view resets its text options, which Qt reports as a
        # change of all the text; the highlighter would paint everything again. Nothing
        # changed: keep it quiet.
        document.blockSignals(True)
        try:
            self.setDocument(document)
        finally:
            document.blockSignals(False)
        self._document = document
        document.contentsChange.connect(self._on_contents_change)
        if old is not None and old is not document:
            self._keep_or_delete(old, *left)
        self._fit_column()
        self.moveCursor(QTextCursor.MoveOperation.Start)

    # -------------------------------------------------------------- documents kept per scene

    def _keep_or_delete(
        self,
        old: QTextDocument,
        left_id: str,
        highlighter: MarkdownHighlighter | FountainHighlighter | None,
        fountain: bool,
    ) -> None:
        if left_id and highlighter is not None and left_id != self.scene_id:
            replaced = self._kept.pop(left_id, None)
            if replaced is not None and replaced[0] is not old:
                shiboken6.delete(replaced[0])
            # A null page size: a document out of view lays nothing out (no timer steps for
            # nothing); the view gives it its width again when it comes back.
            old.setPageSize(QSizeF(0, 0))
            self._kept[left_id] = (old, highlighter, fountain)
            while len(self._kept) > KEPT_DOCUMENTS:
                shiboken6.delete(self._kept.popitem(last=False)[1][0])
            return
        # Deleted now, not later: until it goes, the old document lays itself out in timer
        # steps (work for nothing), and a deferred delete waits for an event loop to return
        # to, which scripted or nested loops may never do.
        shiboken6.delete(old)

    def _take_back(self, scene_id: str, text: str, fountain: bool) -> bool:
        """Show the kept document of ``scene_id`` again if its text is still ``text``."""
        kept = self._kept.pop(scene_id, None) if scene_id else None
        if kept is None:
            return False
        document, highlighter, kept_fountain = kept
        if kept_fountain != fountain or document.toPlainText() != text:
            shiboken6.delete(document)  # changed elsewhere (a sync, a replace): start afresh
            return False
        self._loading = True
        try:
            left = (self.scene_id, self._highlighter, self.fountain)
            self.scene_id, self.fountain = scene_id, fountain
            self._highlighter = highlighter
            self._paint_timer.stop()
            self._unpainted = None
            self._show_document(document, left)
        finally:
            self._loading = False
        self._repaint_in_steps()  # marks may have been only partly painted when it was left
        return True

    def forget_kept_documents(self) -> None:
        """Drop the kept documents (the look, the theme or the codex changed: they would show
        the old one); the open scene keeps its own."""
        while self._kept:
            shiboken6.delete(self._kept.popitem()[1][0])

    def _repaint_in_steps(self) -> None:
        """Paint every block's marks again: those in view now, the whole scene in steps."""
        highlighter, document = self._highlighter, self._document
        if highlighter is None or document is None:
            return
        block = self.cursorForPosition(self.viewport().rect().topLeft()).block()
        last = self.cursorForPosition(self.viewport().rect().bottomRight()).block()
        while block.isValid():
            highlighter.repaint(block)
            if block == last:
                break
            block = block.next()
        self._unpainted = QTextCursor(document.begin())
        self._paint_timer.start(PAINT_STEP_INTERVAL_MS)

    def _paint_step(self) -> None:
        """Paint the marks of the next few blocks of a scene loaded in part (a few ms)."""
        cursor, highlighter = self._unpainted, self._highlighter
        if cursor is None or highlighter is None or cursor.document() is not self._document:
            self._paint_timer.stop()
            self._unpainted = None
            return
        self._paint_timer.setInterval(PAINT_STEP_INTERVAL_MS)
        block = cursor.block()
        deadline = time.perf_counter() + PAINT_STEP_SECONDS
        while block.isValid() and time.perf_counter() < deadline:
            highlighter.repaint(block)
            block = block.next()
        if block.isValid():
            cursor.setPosition(block.position())
        else:
            self._paint_timer.stop()
            self._unpainted = None

    def scene_text(self) -> str:
        """The scene's text exactly as stored (Qt's paragraph separators back to newlines);
        in suggesting mode, the text without pending suggestions, as the book has it."""
        if self.suggesting is not None:
            return self.suggesting.accepted()
        return self.shown_text()

    def positions(self, indexes: list[int]) -> list[int]:
        """Qt positions of string indexes into the scene's text (:meth:`scene_text`): in
        suggesting mode the shown text has the suggestions in it too."""
        if self.suggesting is not None:
            return self.suggesting.positions(indexes)
        text = self.scene_text()
        if utf16_length(text) == len(text):
            return list(indexes)
        return [to_utf16(text, index) for index in indexes]

    def index_of(self, position: int) -> int:
        """The string index into the scene's text of Qt position ``position``."""
        if self.suggesting is not None:
            return self.suggesting.index_of(position)
        return from_utf16(self.scene_text(), position)

    def shown_text(self) -> str:
        """The text the document holds (in suggesting mode, with the suggestions in it)."""
        return self.document().toRawText().replace("\u2029", "\n")

    def take_text(self, text: str) -> None:
        """Make the shown text ``text`` by editing only what differs, so that the cursor,
        the scroll position and the undo history stay; not reported as the writer's edit."""
        old = self.shown_text()
        edits = text_edits(old, text)
        if not edits:
            return
        cursor = QTextCursor(self.document())
        self._taking = True
        try:
            cursor.beginEditBlock()
            for begin, end, replacement in reversed(edits):
                # Qt counts UTF-16 code units; Python strings count code points.
                start, stop = utf16_span(old, begin, end)
                cursor.setPosition(start)
                cursor.setPosition(stop, QTextCursor.MoveMode.KeepAnchor)
                cursor.insertText(replacement)
            cursor.endEditBlock()
        finally:
            self._taking = False

    def clear_scene(self) -> None:
        self.load("", "")
        self.setReadOnly(True)

    # -------------------------------------------------------------- block formats

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        if self._styling or self._loading:
            return
        if (removed or added) and not self._taking:
            if self.suggesting is not None:
                # Not an edit of the book's text: it becomes a suggestion once Qt is done
                # (a key can change the document twice: a quote typed, then curled).
                self._suggest_timer.start()
            else:
                self.revision += 1
                if self.scene_id:
                    self.edited.emit(self.scene_id, self.revision)
        start = max(0, position - 1)
        end = position + added + 1
        if removed > 64 and abs(added - removed) <= 2:
            # Qt reports a new block at the end of the document as a change of all of it;
            # the lines that really changed are the ones at the cursor.
            here = self.textCursor().position()
            start, end = max(0, here - 2), here + 1
        self._restyle_from = start if self._restyle_from is None else min(start, self._restyle_from)
        self._restyle_to = max(self._restyle_to, end)
        self._restyle_timer.start()

    def _restyle_pending(self) -> None:
        if self._restyle_from is None:
            return
        document = self.document()
        first = document.findBlock(self._restyle_from)
        last = document.findBlock(min(self._restyle_to, max(0, document.characterCount() - 1)))
        self._restyle_from = None
        self._restyle_to = 0
        if not first.isValid():
            return
        if self.fountain and self._highlighter is not None:
            # A cue depends on the line after it; typing on that line changes the cue, and
            # what follows the cue (dialogue or action) with it.
            previous = first.previous() if first.previous().isValid() else first
            if previous.isValid():
                block = previous
                for _ in range(1000):
                    before = block.userState()
                    self._highlighter.repaint(block)
                    block = block.next()
                    if not block.isValid() or (
                        block.previous().userState() == before
                        and block.position() > last.position()
                    ):
                        break
                first = previous
        self._restyle_blocks(first, last)

    def _block_format(self, block: QTextBlock, state: int) -> QTextBlockFormat:
        kind = Kind(state) if state in Kind._value2member_map_ else Kind.NONE
        fmt = QTextBlockFormat(block.blockFormat())
        fmt.setProperty(_KIND_PROPERTY, state)
        fmt.setProperty(_SPACING_PROPERTY, self._look.line_spacing)
        proportional = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        spacing = self._look.line_spacing
        if kind in (Kind.BLANK, Kind.F_BLANK) and not self.fountain:
            spacing = max(30, spacing // 3)  # a blank line reads as paragraph spacing
        fmt.setLineHeight(spacing, proportional)
        align = Qt.AlignmentFlag.AlignLeft
        if kind in (Kind.SCENE_BREAK, Kind.CENTERED):
            align = Qt.AlignmentFlag.AlignHCenter
        elif kind is Kind.TRANSITION:
            align = Qt.AlignmentFlag.AlignRight
        fmt.setAlignment(align)
        left, right = _SCRIPT_INDENTS.get(kind, (0, 0)) if self.fountain else (0, 0)
        # A typewriter face is about 0.6 em wide: indents in characters, as scripts are set.
        char_width = round(self._look.font_size * 0.8) if self.fountain else 0
        fmt.setLeftMargin(left * char_width)
        fmt.setRightMargin(right * char_width)
        top = 0.0
        if kind in HEADINGS or kind is Kind.SCENE_HEADING:
            top = self._look.font_size * 0.6
        fmt.setTopMargin(top)
        return fmt

    def _restyle_blocks(
        self,
        first: QTextBlock,
        last: QTextBlock | None,
        *,
        force: bool = False,
        document: QTextDocument | None = None,
        fresh: bool = False,
    ) -> None:
        """Give blocks from ``first`` the format of their kind; past ``last``, stop at the
        first block that already has it (the highlighter's states settle there).

        ``fresh``: the blocks have the default format (a document just made from plain
        text), so one format per kind serves them all.
        """
        made: dict[int, QTextBlockFormat] | None = {} if fresh else None
        document = document or self.document()
        if document.isRedoAvailable() and not force:
            return  # an undo restored the formats with the text; keep the redo history
        cursor = QTextCursor(document)
        joined = False
        past_last = last is None and not force
        block = first
        self._styling = True
        try:
            while block.isValid():
                kind = block.userState()
                current = block.blockFormat()
                matches = current.intProperty(_KIND_PROPERTY) == kind and (
                    current.intProperty(_SPACING_PROPERTY) == self._look.line_spacing
                )
                if matches and past_last:
                    break
                if not matches:
                    if not joined:
                        if document.availableUndoSteps() and not self._loading:
                            cursor.joinPreviousEditBlock()
                        else:
                            cursor.beginEditBlock()
                        joined = True
                    cursor.setPosition(block.position())
                    fmt = made.get(kind) if made is not None else None
                    if fmt is None:
                        fmt = self._block_format(block, kind)
                        if made is not None:
                            made[kind] = fmt
                    cursor.setBlockFormat(fmt)
                if last is not None and block == last:
                    past_last = True
                block = block.next()
        finally:
            if joined:
                cursor.endEditBlock()
            self._styling = False

    # -------------------------------------------------------------- the look

    def apply_look(self, look: EditorLook) -> None:
        """Font, size, column width, spacing and typewriter scrolling, applied at once."""
        self.forget_kept_documents()
        self._look = look
        document = self.document()
        document.setDefaultFont(_script_font(look) if self.fountain else prose_font(look))
        if isinstance(self._highlighter, MarkdownHighlighter):
            self._highlighter.base_size = look.font_size
            self._highlighter.repaint()
        self._loading = True  # a new look is not an edit
        try:
            self._restyle_blocks(document.begin(), None, force=True)
            self._set_typewriter_room(document)
        finally:
            self._loading = False
        self._fit_column()

    @property
    def look(self) -> EditorLook:
        return self._look

    def set_text_color(self, color: QColor) -> None:
        self.forget_kept_documents()
        if self._highlighter is not None:
            self._highlighter.set_text_color(color)
            self._highlighter.repaint()

    def _fit_column(self) -> None:
        """Centre a column of ``text_width`` with viewport margins: they are not part of the
        document, so resizing the window never touches its undo history."""
        bar = self.verticalScrollBar()
        bar_width = bar.sizeHint().width() if bar.isVisible() else 0
        side = max(0, (self.width() - bar_width - self._look.text_width) // 2)
        margins = self.viewportMargins()
        if margins.left() != side or margins.right() != side:
            self.setViewportMargins(side, 0, side, 0)

    def _set_typewriter_room(self, document: QTextDocument) -> None:
        """Room below the last line, so that typewriter scrolling can centre it too."""
        screen = self.screen()
        room = screen.availableGeometry().height() / 2 if self._look.typewriter and screen else 0
        root = document.rootFrame()
        fmt = root.frameFormat()
        if fmt.bottomMargin() == room:
            return
        fmt.setBottomMargin(room)
        cursor = QTextCursor(document)
        # A frame format is an undoable change: fold it into the last edit, not a new step.
        joined = document.availableUndoSteps() > 0
        if joined:
            cursor.joinPreviousEditBlock()
        root.setFrameFormat(fmt)
        if joined:
            cursor.endEditBlock()

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._marks:
            QTimer.singleShot(0, self._show_visible_marks)
        super().resizeEvent(event)
        self._fit_column()

    def _keep_cursor_centred(self) -> None:
        if not self._look.typewriter or self._loading:
            return
        bar = self.verticalScrollBar()
        offset = self.cursorRect().center().y() - self.viewport().height() // 2
        if offset:
            bar.setValue(bar.value() + offset)

    # -------------------------------------------------------------- typing

    def context_menu_at(self, pos: QPoint) -> QMenu:
        """The right-click menu for the viewport point ``pos``: Qt's edit actions, with what
        the builders add (spelling suggestions first, codex entries) on top."""
        menu = self.createStandardContextMenu(pos)
        position = self.cursorForPosition(pos).position()
        for build in self.context_menu_builders:
            build(menu, position)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.context_menu_at(event.pos())
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_context_menu = menu
        menu.popup(event.globalPos())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.button() == Qt.MouseButton.LeftButton and ctrl:
            position = self.cursorForPosition(event.position().toPoint()).position()
            if any(handler(position) for handler in self.ctrl_click_handlers):
                event.accept()
                return
        super().mouseReleaseEvent(event)

    def undo(self) -> None:
        if self.live_undo is not None:
            self.live_undo[0]()
        else:
            super().undo()

    def redo(self) -> None:
        if self.live_undo is not None:
            self.live_undo[1]()
        else:
            super().redo()

    def flush_suggestion(self) -> None:
        """Make the edit waiting to become a suggestion one now (before other text comes in,
        which would otherwise replace it)."""
        if self._suggest_timer.isActive():
            self._suggest_timer.stop()
            self._send_suggestion()

    def _send_suggestion(self) -> None:
        host = self.suggesting
        backward, self._backward = self._backward, True
        selection, self._overtyped = self._overtyped, None
        if host is not None and self.scene_id:
            host.typed(self.shown_text(), self.textCursor().position(), backward, selection)

    def _note_selection(self) -> None:
        """Before a key or a paste in suggesting mode: the selection it will replace."""
        if self.suggesting is not None and not self._suggest_timer.isActive():
            cursor = self.textCursor()
            self._overtyped = (
                (cursor.selectionStart(), cursor.selectionEnd()) if cursor.hasSelection() else None
            )

    def show_whole(self, text: str, cursor: int | None = None) -> None:
        """Suggesting mode: show ``text`` (the whole text) and put the cursor at Qt position
        ``cursor`` (None: where it is)."""
        self.take_text(text)
        if cursor is not None:
            moved = self.textCursor()
            moved.setPosition(max(0, min(cursor, self.document().characterCount() - 1)))
            self.setTextCursor(moved)

    def set_extra(self, key: str, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Show ``selections`` as the extra selections of ``key`` (beside the others')."""
        if not selections and not self._extra.get(key):
            return
        self._extra[key] = selections
        self._update_extra()

    def set_marks(self, key: str, spans: list[tuple[int, int, QTextCharFormat]]) -> None:
        """Show ``spans`` (Qt start, Qt end, format; sorted by start) as the marks of
        ``key``: those on screen are extra selections, the rest as the writer scrolls."""
        if not spans and not self._marks.get(key):
            return
        self._marks[key] = spans
        self._show_visible_marks()

    def marks_of(self, key: str) -> list[tuple[int, int, QTextCharFormat]]:
        return list(self._marks.get(key, []))

    def _show_visible_marks(self) -> None:
        if not self._marks and not self._shown_marks:
            return
        area = self.viewport().rect()
        first = self.cursorForPosition(area.topLeft()).position()
        last = self.cursorForPosition(area.bottomRight()).position()
        # A few lines either side (scrolling shows the next ones: valueChanged).
        first, last = max(0, first - 400), last + 400
        document = self.document()
        self._shown_marks = [
            selection
            for spans in self._marks.values()
            for selection in visible_selections(document, spans, first, last)
        ]
        self._update_extra()

    def _update_extra(self) -> None:
        self.setExtraSelections(
            [s for found in self._extra.values() for s in found] + self._shown_marks
        )

    def set_peers(self, peers: list[PeerCursor]) -> None:
        if peers or self.peers:
            self.peers = peers
            self.viewport().update()

    def set_comment_marks(self, ranges: list[tuple[int, int]]) -> None:
        marks = []
        for start, end in ranges:
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            marks.append(cursor)
        if marks or self.comment_marks:
            self.comment_marks = marks
            self.viewport().update()

    def set_suggestion_marks(self, deletions: list[tuple[int, int]], insertions: list[int]) -> None:
        def cursor(start: int, end: int) -> QTextCursor:
            made = QTextCursor(self.document())
            made.setPosition(start)
            made.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            return made

        if deletions or insertions or self.deletion_marks or self.insertion_marks:
            self.deletion_marks = [cursor(a, b) for a, b in deletions]
            self.insertion_marks = [cursor(p, p) for p in insertions]
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.peers or self.comment_marks or self.deletion_marks or self.insertion_marks:
            painter = QPainter(self.viewport())
            try:
                if self.comment_marks:
                    paint_comment_marks(self, painter, self.comment_marks)
                if self.deletion_marks or self.insertion_marks:
                    paint_suggestion_marks(self, painter, self.deletion_marks, self.insertion_marks)
                if self.peers:
                    paint_peers(self, painter, self.peers)
            finally:
                painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.suggesting is not None:
            self._backward = event.key() != Qt.Key.Key_Delete
            self._note_selection()
        if self.live_undo is not None and not self.isReadOnly():
            if event.matches(QKeySequence.StandardKey.Undo):
                self.undo()
                return
            if event.matches(QKeySequence.StandardKey.Redo):
                self.redo()
                return
        key = event.key()
        mods = event.modifiers()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and mods & Qt.KeyboardModifier.ShiftModifier and not self.isReadOnly():
            # Qt would insert U+2028; the stored text wants a plain newline.
            self.textCursor().insertText("\n")
            self.ensureCursorVisible()
            return
        if enter and not self.isReadOnly() and not mods & Qt.KeyboardModifier.ControlModifier:
            # Paragraphs are stored with a blank line between them; Shift+Enter is a line
            # break inside a paragraph (verse, letters). Qt's own Enter is not used: on an
            # empty line with a block format it changes the format instead of the text.
            cursor = self.textCursor()
            paragraph = not self.fountain and cursor.block().text().strip()
            cursor.insertText("\n\n" if paragraph else "\n")
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
            return
        typed = event.text()
        # Typed as text: an editable scene, no Ctrl or Alt shortcut.
        plain = not self.isReadOnly() and not mods & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        smart = (
            plain
            and typed in ('"', "'", "-", ".")
            and self._look.smart_punctuation
            and not self.fountain
        )
        if plain and self._starts_undo_step(typed):
            # Its own edit block: Qt merges plain typing into one undo step however long, so
            # a new word (or typing after a pause) starts a step of its own, as in a word
            # processor; the characters after it merge into it.
            cursor = self.textCursor()
            cursor.beginEditBlock()
            cursor.insertText(typed)
            cursor.endEditBlock()
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        else:
            super().keyPressEvent(event)
        self._last_typed_at = time.monotonic()
        if smart:
            self._smarten_typed(typed)

    def _starts_undo_step(self, typed: str) -> bool:
        """Whether ``typed`` (plain text) begins a new word, or comes after a pause."""
        if len(typed) != 1 or not typed.isprintable() or typed.isspace() or self.overwriteMode():
            return False
        cursor = self.textCursor()
        at = cursor.positionInBlock()
        previous = cursor.block().text()[at - 1 : at] if at > 0 else ""
        paused = time.monotonic() - self._last_typed_at > UNDO_PAUSE_S
        return paused or not previous or previous.isspace()

    def _smarten_typed(self, typed: str) -> None:
        """Curl the character just typed; a separate edit, so one Ctrl+Z gives it back straight."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            return
        block_text = cursor.block().text()
        at = cursor.positionInBlock()
        if at < 1 or block_text[at - 1] != typed:
            return
        found = replacement_for(block_text[: at - 1], typed, self.language)
        if found is None:
            return
        count, text = found
        if count > at:
            return
        cursor.beginEditBlock()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, count)
        cursor.insertText(text)
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    def toggle_bold(self) -> None:
        self._toggle_emphasis(2)

    def toggle_italic(self) -> None:
        self._toggle_emphasis(1)

    def _toggle_emphasis(self, stars: int) -> None:
        """Wrap the selection (or the word at the cursor) in ``*``/``**``, or unwrap it."""
        if self.isReadOnly():
            return
        cursor = self.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        block = cursor.block()
        text = block.text()
        base = block.position()
        start = max(cursor.selectionStart(), base) - base
        end = min(cursor.selectionEnd(), base + len(text)) - base
        # Markers need text beside them: leave out spaces and stars at the selection's ends.
        while start < end and text[start] in " \t*":
            start += 1
        while end > start and text[end - 1] in " \t*":
            end -= 1
        edit = QTextCursor(self.document())
        edit.beginEditBlock()
        try:
            if start == end:
                pos = cursor.position()
                edit.setPosition(pos)
                edit.insertText("*" * stars * 2)
                edit.setPosition(pos + stars)
                self.setTextCursor(edit)
                return
            before = len(text[:start]) - len(text[:start].rstrip("*"))
            after = len(text[end:]) - len(text[end:].lstrip("*"))
            around = min(before, after)
            has_bold = around >= 2
            has_italic = around in (1, 3)
            present = has_bold if stars == 2 else has_italic
            if present:
                edit.setPosition(base + end)
                edit.setPosition(base + end + stars, QTextCursor.MoveMode.KeepAnchor)
                edit.removeSelectedText()
                edit.setPosition(base + start - stars)
                edit.setPosition(base + start, QTextCursor.MoveMode.KeepAnchor)
                edit.removeSelectedText()
                new_start = base + start - stars
            else:
                edit.setPosition(base + end)
                edit.insertText("*" * stars)
                edit.setPosition(base + start)
                edit.insertText("*" * stars)
                new_start = base + start + stars
        finally:
            edit.endEditBlock()
        select = QTextCursor(self.document())
        select.setPosition(new_start)
        select.setPosition(new_start + (end - start), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(select)

    def set_heading(self, level: int) -> None:
        """Make the current line a heading of ``level`` (0: a plain paragraph)."""
        if self.isReadOnly() or self.fountain:
            return
        cursor = self.textCursor()
        block = cursor.block()
        text = block.text()
        body = text.lstrip("#").lstrip() if text.startswith("#") else text
        new = ("#" * level + " " + body) if level else body
        edit = QTextCursor(block)
        edit.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        edit.insertText(new)
        self.setTextCursor(edit)

    def insert_scene_break(self) -> None:
        """A scene break on its own line, with blank lines around it."""
        if self.isReadOnly() or self.fountain:
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        block_text = cursor.block().text()
        at_start = cursor.positionInBlock() == 0
        lead = "" if at_start and not block_text.strip() else "\n\n"
        if at_start and block_text.strip():
            lead = ""
            cursor.insertText("* * *\n\n")
        else:
            cursor.insertText(f"{lead}* * *\n\n")
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    # -------------------------------------------------------------- pasting

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasText() or source.hasHtml() or source.hasImage()

    def insertFromMimeData(self, source: QMimeData) -> None:
        self._note_selection()
        result = prepare_paste(
            text=source.text() if source.hasText() else None,
            html=source.html() if source.hasHtml() else None,
            has_image=source.hasImage(),
            html_to_text=lambda html: QTextDocumentFragment.fromHtml(html).toPlainText(),
        )
        if result.message:
            self.notice.emit(result.message)
        if result.text and not self.isReadOnly():
            self.textCursor().insertText(result.text)
            self.ensureCursorVisible()
