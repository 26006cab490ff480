"""A pending AI insertion in a QTextEdit: visibly marked, and one undo step once accepted.

While text streams in it is shown with a highlight at the cursor (or in place of the
selection). Every chunk joins one edit block, so the pending text is exactly one entry on the
undo stack; the editor is read-only meanwhile so that entry stays on top (and if something
else did get on top, the text is taken back by position instead). Accepting takes that
entry back (undo, then the redo stack is cleared) and inserts the final text as a single new
edit block in the surrounding format: one Ctrl+Z removes it and restores the selection.
Discarding takes it back and leaves no redo behind. Positions are Qt's (UTF-16) throughout.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from core.text.offsets import from_utf16

PENDING_BACKGROUND = QColor(255, 236, 153)
PENDING_FOREGROUND = QColor(90, 70, 0)


def pending_format(base: QTextCharFormat) -> QTextCharFormat:
    fmt = QTextCharFormat(base)
    fmt.setBackground(PENDING_BACKGROUND)
    fmt.setForeground(PENDING_FOREGROUND)
    return fmt


class PendingInsertion:
    """Text that streams into ``editor`` and waits there to be accepted or discarded."""

    def __init__(self, editor: QTextEdit, *, replace_selection: bool) -> None:
        self.editor = editor
        self.document: QTextDocument = editor.document()
        cursor = editor.textCursor()
        if replace_selection and cursor.hasSelection():
            self.start, self.replace_end = cursor.selectionStart(), cursor.selectionEnd()
        else:
            # Insert at the cursor, or after the selection when it is kept.
            self.start = self.replace_end = cursor.selectionEnd()
        probe = QTextCursor(self.document)
        probe.setPosition(self.start)
        self.base_format = probe.charFormat()
        self.end = self.start  # end of the pending text once inserted
        self.text = ""
        self.active = True
        self._touched = False
        self._snapshot = ""  # the document's text before the first chunk
        self.replaced_text = cursor.selectedText() if self.replace_end > self.start else ""
        self._was_read_only = editor.isReadOnly()
        editor.setReadOnly(True)

    def append(self, piece: str) -> None:
        """Add streamed text to the pending insertion."""
        if not piece or not self.active:
            return
        cursor = QTextCursor(self.document)
        if not self._touched:
            self._snapshot = self.document.toPlainText()
            cursor.setPosition(self.start)
            cursor.setPosition(self.replace_end, QTextCursor.MoveMode.KeepAnchor)
            cursor.beginEditBlock()
            cursor.insertText(piece, pending_format(self.base_format))
            cursor.endEditBlock()
            self._touched = True
        else:
            cursor.setPosition(self.end)
            cursor.joinPreviousEditBlock()
            cursor.insertText(piece, pending_format(self.base_format))
            cursor.endEditBlock()
        self.end = cursor.position()
        self.text += piece

    def committed_text(self) -> str:
        """The editor's text as it would be without the pending insertion (for saving)."""
        text = self.document.toPlainText()
        if not self._touched:
            return text
        before = text[: from_utf16(text, self.start)]
        after = text[from_utf16(text, self.end) :]
        return before + self.replaced_text.replace("\u2029", "\n") + after

    def _take_back(self) -> None:
        """Remove the pending text from the document, restoring what it replaced."""
        if not self._touched:
            return
        # Our chunks form the newest edit block; undoing it must give back the text as it was.
        self.document.undo()
        if self.document.toPlainText() == self._snapshot:
            self.document.clearUndoRedoStacks(QTextDocument.Stacks.RedoStack)
        else:  # something else was on top of the undo stack: put it back, work by position
            self.document.redo()
            cursor = QTextCursor(self.document)
            cursor.setPosition(self.start)
            cursor.setPosition(self.end, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(self.replaced_text, self.base_format)
        self._touched = False
        self.end = self.start

    def _finish(self) -> None:
        self.active = False
        self.editor.setReadOnly(self._was_read_only)

    def accept(self, text: str | None = None) -> None:
        """Keep the text (or ``text`` in its place) as one undoable edit."""
        final = self.text if text is None else text
        self._take_back()
        self._finish()
        if not final:
            return
        cursor = QTextCursor(self.document)
        cursor.setPosition(self.start)
        cursor.setPosition(self.replace_end, QTextCursor.MoveMode.KeepAnchor)
        cursor.beginEditBlock()
        cursor.insertText(final, self.base_format)
        cursor.endEditBlock()
        self.editor.setTextCursor(cursor)

    def discard(self) -> None:
        """Remove the pending text and leave the document as it was, with no redo."""
        self._take_back()
        self._finish()
