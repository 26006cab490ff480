"""The running part shared by the dialogs that start one long core job.

:class:`MediaJobDialog` runs a core job on its own :class:`~desktop.jobs.background.Background`:
a progress bar, Cancel (a cancelled job leaves no file), the job's warnings and a
description of the result. Subclasses build their form and say what job to run.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError
from desktop.jobs.background import Background
from desktop.jobs.runner import JobRunner


def path_row(edit: QLineEdit, browse: Any) -> QHBoxLayout:
    """A line edit with a "Browse…" button after it."""
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    button = QPushButton("Browse…")
    button.clicked.connect(browse)
    row.addWidget(button)
    return row


class MediaJobDialog(QDialog):
    """A dialog that runs one core job at a time: progress, Cancel, warnings and the result.

    Subclasses build their form into ``self.form``, and implement ``make_job`` (return the job,
    or None with a reason shown) and ``describe_result``.
    """

    job_finished = Signal(object)
    job_failed = Signal(str)
    job_cancelled = Signal()

    title = "Job"
    start_label = "Start"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner: JobRunner | None = None
        self.last_result: Any = None
        self.background = Background(self)
        self.form = QFormLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.warnings_view = QPlainTextEdit()
        self.warnings_view.setReadOnly(True)
        self.warnings_view.setPlaceholderText("Warnings appear here.")
        self.warnings_view.setMaximumHeight(110)
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(
            self.start_label, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.start_button.clicked.connect(self.start)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.side = QVBoxLayout()
        self.side.addLayout(self.form)
        self.side.addWidget(self.progress)
        self.side.addWidget(self.status)
        self.side.addWidget(QLabel("Warnings"))
        self.side.addWidget(self.warnings_view)
        self.side.addWidget(self.buttons)
        self.main_layout = QHBoxLayout(self)
        self.main_layout.addLayout(self.side, 1)

    # ------------------------------------------------------------------ for subclasses
    def make_job(self) -> Any:
        raise NotImplementedError

    def describe_result(self, result: Any) -> str:
        raise NotImplementedError

    def show_result(self, result: Any) -> None:
        """Extra display of a finished result (a preview); nothing by default."""

    def inputs(self) -> list[QWidget]:
        return []

    # ------------------------------------------------------------------ running
    def start(self) -> JobRunner | None:
        """Start the job in the background; returns its runner (None if not started)."""
        if self.runner is not None:
            return None
        try:
            job = self.make_job()
        except AuthorWorksError as exc:
            QMessageBox.warning(self, self.title, str(exc))
            return None
        if job is None:
            return None
        self.warnings_view.clear()
        self._set_running(True)
        self.status.setText("Starting…")
        self.runner = self.background.run(
            job,
            description=self.title,
            on_progress=self._on_progress,
            on_done=self._on_finished,
            on_failed=self._on_failed,
            on_cancelled=self._on_cancelled,
        )
        return self.runner

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        for widget in self.inputs():
            widget.setEnabled(not running)
        self.progress.setRange(0, 0 if running else 1)

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        if message:
            self.status.setText(message)

    def _on_cancel_clicked(self) -> None:
        if self.runner is not None:
            self.status.setText("Cancelling…")
            self.runner.cancel()
        else:
            self.reject()

    def _finish(self) -> None:
        self.runner = None
        self._set_running(False)

    def _on_finished(self, result: Any) -> None:
        self._finish()
        self.last_result = result
        self.progress.setValue(1)
        self.status.setText(self.describe_result(result))
        self.warnings_view.setPlainText("\n".join(getattr(result, "warnings", [])))
        self.show_result(result)
        self.job_finished.emit(result)

    def _on_failed(self, message: str) -> None:
        self._finish()
        self.status.setText(message)
        self.job_failed.emit(message)
        QMessageBox.warning(self, f"{self.title} failed", message)

    def _on_cancelled(self) -> None:
        self._finish()
        self.progress.setValue(0)
        self.status.setText(f"{self.title} cancelled; no file was written.")
        self.job_cancelled.emit()

    def done(self, result: int) -> None:
        # Closing while a job runs cancels it and waits, so no thread outlives the dialog.
        self.background.close(timeout_ms=-1)
        super().done(result)
