"""The export dialog: format, trim, what to include, presets and where to save.

The export itself is a core job (:func:`core.export.export_book`) run off the UI thread by
the dialog's :class:`~desktop.jobs.background.Background`; the dialog shows its progress, lets
the writer cancel (a cancelled export leaves no file behind) and says how it went.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.export import (
    TRIM_SIZES,
    ExportFormat,
    ExportOptions,
    ExportResult,
    default_file_name,
    export_book,
    list_presets,
    options_from_preset,
    save_preset,
)
from core.jobs import JobContext
from core.store.library import Library
from core.store.manuscript import get_book, list_chapters
from desktop.jobs.progress_dialog import MediaJobDialog
from desktop.jobs.runner import JobRunner

_INCLUSIONS = [
    ("title_page", "Title page"),
    ("copyright_page", "Copyright page"),
    ("table_of_contents", "Table of contents"),
    ("about_author", "About the author"),
    ("synopses", "Synopses"),
    ("scene_titles", "Scene titles as headings"),
    ("embed_font", "Embed the book font (EPUB)"),
]
_TRIM_LABELS = {
    "5x8": "5 × 8 in",
    "5.25x8": "5.25 × 8 in",
    "5.5x8.5": "5.5 × 8.5 in",
    "6x9": "6 × 9 in",
    "a5": "A5",
}


class ExportDialog(MediaJobDialog):
    """Export one book; ``export_finished``/``export_failed`` report the outcome."""

    export_finished = Signal(object)  # ExportResult
    export_failed = Signal(str)
    export_cancelled = Signal()

    title = "Export"
    start_label = "Export"

    def __init__(self, library: Library, book_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.book_id = book_id
        self.export_button = self.start_button
        self.job_finished.connect(self.export_finished)
        self.job_failed.connect(self.export_failed)
        self.job_cancelled.connect(self.export_cancelled)
        with library.session() as session:
            book = get_book(session=session, book_id=book_id)
            self.book_title = book.title
            self._content_type = book.content_type
            self._chapters = [
                c.title or f"Chapter {n}"
                for n, c in enumerate(list_chapters(session=session, book_id=book_id), 1)
            ]
            self._presets = list_presets(book=book)
        self.setWindowTitle(f"Export “{self.book_title}”")
        self._build()
        self._apply_options(ExportOptions())
        self._on_format_changed()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        form = self.form
        self.format_box = QComboBox()
        for fmt in ExportFormat:
            self.format_box.addItem(fmt.label, fmt)
        if self._content_type in ("screenplay", "play"):
            self.format_box.setCurrentIndex(list(ExportFormat).index(ExportFormat.PDF))
        self.format_box.currentIndexChanged.connect(self._on_format_changed)
        form.addRow("Format", self.format_box)
        self.trim_box = QComboBox()
        for key in TRIM_SIZES:
            self.trim_box.addItem(_TRIM_LABELS.get(key, key), key)
        form.addRow("Trim size", self.trim_box)

        preset_row = QHBoxLayout()
        self.preset_box = QComboBox()
        self.preset_box.addItems(sorted(self._presets))
        self.preset_box.setCurrentText("Default")
        self.preset_box.textActivated.connect(self._on_preset_chosen)
        self.save_preset_button = QPushButton("Save as Preset…")
        self.save_preset_button.clicked.connect(self._ask_preset_name)
        preset_row.addWidget(self.preset_box, 1)
        preset_row.addWidget(self.save_preset_button)
        form.addRow("Preset", preset_row)

        include = QGroupBox("Include")
        include_layout = QVBoxLayout(include)
        self.checks: dict[str, QCheckBox] = {}
        for key, label in _INCLUSIONS:
            box = QCheckBox(label)
            self.checks[key] = box
            include_layout.addWidget(box)
        self.chapter_list = QListWidget()
        for number, title in enumerate(self._chapters, start=1):
            item = QListWidgetItem(f"{number}. {title}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.chapter_list.addItem(item)
        self.chapter_list.setMaximumHeight(140)
        include_layout.addWidget(QLabel("Chapters"))
        include_layout.addWidget(self.chapter_list)

        path_row = QHBoxLayout()
        self.path_edit = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.choose_path)
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form.addRow("Save to", path_row)
        self.side.insertWidget(1, include)  # between the form and the progress bar

    # ------------------------------------------------------------------ options

    @property
    def current_format(self) -> ExportFormat:
        return ExportFormat(self.format_box.currentData())

    def _apply_options(self, options: ExportOptions) -> None:
        for key, box in self.checks.items():
            box.setChecked(bool(getattr(options, key)))
        index = self.trim_box.findData(options.trim)
        if index >= 0:
            self.trim_box.setCurrentIndex(index)
        wanted = set(options.chapters or range(1, len(self._chapters) + 1))
        for row in range(self.chapter_list.count()):
            state = Qt.CheckState.Checked if row + 1 in wanted else Qt.CheckState.Unchecked
            self.chapter_list.item(row).setCheckState(state)

    def options(self) -> ExportOptions:
        """The choices made in the dialog."""
        chosen = [
            row + 1
            for row in range(self.chapter_list.count())
            if self.chapter_list.item(row).checkState() == Qt.CheckState.Checked
        ]
        options = ExportOptions(
            format=self.current_format,
            trim=str(self.trim_box.currentData()),
            preset=self.preset_box.currentText(),
            chapters=None if len(chosen) == len(self._chapters) else chosen,
        )
        for key, box in self.checks.items():
            setattr(options, key, box.isChecked())
        return options

    def _on_format_changed(self) -> None:
        fmt = self.current_format
        self.trim_box.setEnabled(fmt in (ExportFormat.PDF, ExportFormat.DOCX))
        self.checks["embed_font"].setEnabled(fmt is ExportFormat.EPUB)
        current = self.path_edit.text().strip()
        name = default_file_name(self.book_title, fmt)
        folder = Path(current).parent if current else Path.home()
        self.path_edit.setText(str(folder / name))

    def _on_preset_chosen(self, name: str) -> None:
        with self.library.session() as session:
            book = get_book(session=session, book_id=self.book_id)
            options = options_from_preset(book=book, name=name, format=self.current_format)
        self._apply_options(options)

    def _ask_preset_name(self) -> None:
        name, ok = QInputDialog.getText(self, "Save Preset", "Preset name:")
        if ok and name.strip():
            self.save_current_as_preset(name.strip())

    def save_current_as_preset(self, name: str) -> None:
        """Store the dialog's choices as the book's preset ``name``."""
        options = self.options()
        with self.library.session() as session:
            book = get_book(session=session, book_id=self.book_id)
            save_preset(session=session, book=book, name=name, options=options)
            self._presets = list_presets(book=book)
        self.preset_box.clear()
        self.preset_box.addItems(sorted(self._presets))
        self.preset_box.setCurrentText(name)

    def choose_path(self) -> None:
        fmt = self.current_format
        path, _ = QFileDialog.getSaveFileName(
            self, "Export To", self.path_edit.text(), f"{fmt.label} (*{fmt.suffix})"
        )
        if path:
            if not path.lower().endswith(fmt.suffix):
                path += fmt.suffix
            self.path_edit.setText(path)

    # ------------------------------------------------------------------ running

    def inputs(self) -> list[QWidget]:
        return [
            self.format_box,
            self.trim_box,
            self.preset_box,
            self.path_edit,
            self.save_preset_button,
            self.chapter_list,
            *self.checks.values(),
        ]

    def start_export(self) -> JobRunner | None:
        """Start the export in the background; returns its runner (None if not started)."""
        return self.start()

    def make_job(self) -> Callable[[JobContext], ExportResult] | None:
        text = self.path_edit.text().strip()
        if not text:
            self.choose_path()
            text = self.path_edit.text().strip()
            if not text:
                return None
        target = Path(text).expanduser()
        options = self.options()
        if options.chapters == []:
            QMessageBox.warning(self, "Export", "Choose at least one chapter to export.")
            return None
        library, book_id = self.library, self.book_id
        return lambda ctx: export_book(library, book_id, target, options, ctx)

    def _set_running(self, running: bool) -> None:
        super()._set_running(running)
        if not running:
            self._on_format_changed_enablement()

    def _on_format_changed_enablement(self) -> None:
        fmt = self.current_format
        self.trim_box.setEnabled(fmt in (ExportFormat.PDF, ExportFormat.DOCX))
        self.checks["embed_font"].setEnabled(fmt is ExportFormat.EPUB)

    def describe_result(self, result: Any) -> str:
        assert isinstance(result, ExportResult)
        return f"Saved {result.path}"

    def show_result(self, result: Any) -> None:
        note = "".join(f"\n\nNote: {w}" for w in result.warnings)
        QMessageBox.information(
            self, "Export finished", f"“{self.book_title}” was saved to\n{result.path}{note}"
        )
