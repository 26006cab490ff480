"""The read-only page a chapter, a book or the Research folder shows as: prose in a readable
column, centred in the view."""

from __future__ import annotations

from PySide6.QtGui import QFont, QResizeEvent, QTextCursor
from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget


class ReadingView(QTextBrowser):
    """A read-only page of prose set in a readable column, centred in the view."""

    MAX_TEXT_WIDTH = 680

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        font = QFont()
        font.setFamilies(["Charter", "Georgia", "Iowan Old Style", "DejaVu Serif", "Noto Serif"])
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setPointSizeF(12.5)
        self.document().setDefaultFont(font)
        self.document().setDocumentMargin(36)
        self.document().setUndoRedoEnabled(False)  # read-only: no history to keep

    def fit_column(self) -> None:
        """Keep the text to a readable measure however wide the window is."""
        side = max(0.0, (self.viewport().width() - self.MAX_TEXT_WIDTH) / 2)
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        if fmt.leftMargin() != side or fmt.rightMargin() != side:
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            root.setFrameFormat(fmt)

    def show_from_start(self) -> None:
        """After new content: fit the column and put the reader at the top of it."""
        self.fit_column()
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.verticalScrollBar().setValue(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_column()
