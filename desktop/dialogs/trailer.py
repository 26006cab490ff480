"""Rendering a book trailer (.mp4) from the desktop.

The blurb starts as the book's description; the writer may edit it and add a folder of
pictures. :func:`core.imaging.book_trailer.make_book_trailer` runs through
:class:`desktop.jobs.runner.JobRunner` with a progress bar and Cancel (a cancelled trailer
leaves no file); its warnings and the result are shown when it ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from core.jobs import JobContext
from core.store.library import Library
from core.store.manuscript import get_book
from desktop.jobs.progress_dialog import MediaJobDialog, path_row


class TrailerDialog(MediaJobDialog):
    """Make a book's trailer: cover and pictures with pan and zoom, the blurb narrated."""

    title = "Trailer"
    start_label = "Render trailer"

    def __init__(self, library: Library, book_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.book_id = library, book_id
        with library.session() as session:
            book = get_book(session=session, book_id=book_id)
            self.book_title, description = book.title, book.description or ""
        self.setWindowTitle(f"Trailer — {self.book_title}")
        self.blurb_edit = QPlainTextEdit(description)
        self.blurb_edit.setPlaceholderText("The blurb the trailer narrates")
        self.images_edit = QLineEdit()
        self.images_edit.setPlaceholderText("optional: a folder of pictures to show")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("an .mp4 file")
        self.form.addRow("Blurb", self.blurb_edit)
        self.form.addRow("Pictures", path_row(self.images_edit, self.choose_images))
        self.form.addRow("Save to", path_row(self.path_edit, self.choose_path))

    def inputs(self) -> list[QWidget]:
        return [self.blurb_edit, self.images_edit, self.path_edit]

    def choose_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the trailer", f"{self.book_title} trailer.mp4", "MP4 video (*.mp4)"
        )
        if path:
            if Path(path).suffix.lower() != ".mp4":
                path += ".mp4"
            self.path_edit.setText(path)

    def choose_images(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Pictures for the trailer")
        if folder:
            self.images_edit.setText(folder)

    def make_job(self) -> Any:
        from core.imaging.book_trailer import make_book_trailer
        from core.imaging.images import pictures_in

        blurb = self.blurb_edit.toPlainText().strip()
        if not blurb:
            QMessageBox.warning(self, self.title, "Write a blurb for the trailer to narrate.")
            return None
        if not self.path_edit.text().strip():
            self.choose_path()
        text = self.path_edit.text().strip()
        if not text:
            return None
        output = Path(text).expanduser()
        folder = self.images_edit.text().strip()
        images = pictures_in(Path(folder).expanduser()) if folder else []
        library, book_id = self.library, self.book_id

        def job(ctx: JobContext) -> Any:
            return make_book_trailer(library, book_id, output, blurb=blurb, images=images, ctx=ctx)

        return job

    def describe_result(self, result: Any) -> str:
        return f"Saved a {result.duration:.1f} s trailer to {result.path}"
