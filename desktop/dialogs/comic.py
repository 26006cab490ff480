"""Drawing a chapter as a comic (.cbz or .pdf) from the desktop.

The dialog gathers the choices and runs :func:`core.imaging.comic.make_comic` through
:class:`desktop.jobs.runner.JobRunner`: a progress bar, Cancel (a cancelled comic leaves no
file), the job's warnings (placeholder art, provider failures) and a preview of the first
page. The running part is :class:`desktop.jobs.progress_dialog.MediaJobDialog`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from core.jobs import JobContext
from core.store.library import Library
from core.store.manuscript import get_book, list_chapters
from desktop.jobs.progress_dialog import MediaJobDialog, path_row

PREVIEW_HEIGHT = 360


def first_page_pixmap(path: Path) -> QPixmap | None:
    """A CBZ's first page for the preview; None for a PDF or an unreadable file."""
    if path.suffix.lower() != ".cbz":
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if n.lower().endswith(".jpg"))
            data = archive.read(names[0]) if names else b""
    except (OSError, zipfile.BadZipFile):
        return None
    pixmap = QPixmap()
    return pixmap if data and pixmap.loadFromData(data) else None


class ComicDialog(MediaJobDialog):
    """Draw one chapter of a book as graphic-novel pages."""

    title = "Comic"
    start_label = "Draw comic"

    def __init__(self, library: Library, book_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.book_id = library, book_id
        with library.session() as session:
            book = get_book(session=session, book_id=book_id)
            self.book_title = book.title
            chapters = [
                (c.ordinal, c.title) for c in list_chapters(session=session, book_id=book_id)
            ]
        self.setWindowTitle(f"Comic — {self.book_title}")
        self.chapter_box = QComboBox()
        for number, (_ordinal, title) in enumerate(chapters, start=1):
            self.chapter_box.addItem(f"{number}. {title}", number)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("a .cbz or .pdf file")
        self.images_edit = QLineEdit()
        self.images_edit.setPlaceholderText("optional: a folder of your pictures for the panels")
        from core.imaging.claude_script import api_key

        self.claude_check = QCheckBox("Script the panels with Claude")
        has_key = bool(api_key())
        self.claude_check.setEnabled(has_key)
        self.claude_check.setChecked(has_key)
        if not has_key:
            self.claude_check.setToolTip("Set an Anthropic API key to use Claude.")
        self.scale_spin = QDoubleSpinBox()
        self.scale_spin.setRange(0.05, 1.0)
        self.scale_spin.setSingleStep(0.05)
        self.scale_spin.setDecimals(2)
        self.scale_spin.setValue(1.0)
        self.scale_spin.setToolTip("Page size: 1 is print resolution (300 dpi)")
        self.form.addRow("Chapter", self.chapter_box)
        self.form.addRow("Save to", path_row(self.path_edit, self.choose_path))
        self.form.addRow("Pictures", path_row(self.images_edit, self.choose_images))
        self.form.addRow("", self.claude_check)
        self.form.addRow("Scale", self.scale_spin)
        self.preview = QLabel("The first page appears here.")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(round(PREVIEW_HEIGHT * 2 / 3), PREVIEW_HEIGHT)
        self.main_layout.addWidget(self.preview)

    def inputs(self) -> list[QWidget]:
        return [
            self.chapter_box,
            self.path_edit,
            self.images_edit,
            self.claude_check,
            self.scale_spin,
        ]

    def choose_path(self) -> None:
        chapter = self.chapter_box.currentIndex() + 1
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Save the comic",
            f"{self.book_title} — chapter {chapter}.cbz",
            "Comic book archive (*.cbz);;PDF (*.pdf)",
        )
        if path:
            if Path(path).suffix.lower() not in (".cbz", ".pdf"):
                path += ".pdf" if "pdf" in chosen.lower() else ".cbz"
            self.path_edit.setText(path)

    def choose_images(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Pictures for the panels")
        if folder:
            self.images_edit.setText(folder)

    def make_job(self) -> Any:
        from core.imaging.art import provider_from_env
        from core.imaging.comic import make_comic
        from core.imaging.images import pictures_in

        if self.chapter_box.count() == 0:
            QMessageBox.warning(self, self.title, f"“{self.book_title}” has no chapters yet.")
            return None
        if not self.path_edit.text().strip():
            self.choose_path()
        text = self.path_edit.text().strip()
        if not text:
            return None
        output = Path(text).expanduser()
        folder = self.images_edit.text().strip()
        images = pictures_in(Path(folder).expanduser()) if folder else []
        provider = None if images else provider_from_env()
        notes = []
        if folder and not images:
            notes.append(f"{folder}: no pictures found; placeholders or generated art are used")
        if not images and provider is None:
            notes.append("no pictures and no image provider: every panel is placeholder art")
        use_claude = self.claude_check.isEnabled() and self.claude_check.isChecked()
        library, book_id = self.library, self.book_id
        number, scale = self.chapter_box.currentData(), self.scale_spin.value()

        def job(ctx: JobContext) -> Any:
            from core.imaging.claude_script import default_client

            client = default_client() if use_claude else None
            result = make_comic(
                library, book_id, number, output,
                client=client, provider=provider, images=images, scale=scale, ctx=ctx,
            )  # fmt: skip
            result.warnings[:0] = notes
            return result

        return job

    def describe_result(self, result: Any) -> str:
        return f"Saved {result.pages} pages to {result.path}"

    def show_result(self, result: Any) -> None:
        pixmap = first_page_pixmap(result.path)
        if pixmap is None or pixmap.isNull():
            self.preview.setText("No preview for this file.")
            return
        self.preview.setPixmap(
            pixmap.scaledToHeight(PREVIEW_HEIGHT, Qt.TransformationMode.SmoothTransformation)
        )
