"""File menu work on whole libraries: new, open, recent, import, back up and restore.

Import and backup run as core jobs off the UI thread with a progress dialog; restoring
replaces the open library, so it closes it first (after saving) and opens the result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QProgressDialog

from core.errors import AuthorWorksError
from core.importers import SUPPORTED_SUFFIXES, import_manuscript
from core.jobs import JobContext
from core.store.backup import create_backup, restore_backup
from desktop.binder.model import NodeKind
from desktop.dialogs.preferences import recent_libraries
from desktop.jobs.runner import JobRunner

if TYPE_CHECKING:
    from desktop.window.host import StudioWindow


class LibraryFiles:
    """The File menu's library commands for one window."""

    def __init__(self, window: StudioWindow) -> None:
        self.window = window
        self.recent_menu: QMenu | None = None

    # -------------------------------------------------------------- new, open, recent

    def choose_new_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window.widget, "New Library (choose an empty folder)"
        )
        if folder:
            self.window.open_library_at(folder, create=True)

    def choose_library(self) -> None:
        library = self.window.library
        start = str(library.root) if library else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self.window.widget, "Open Library", start)
        if folder:
            self.window.open_library_at(folder)

    def add_recent_menu(self, file_menu: QMenu, *, before: QAction) -> None:
        self.recent_menu = QMenu("Open &Recent", file_menu)
        file_menu.insertMenu(before, self.recent_menu)
        self.refresh_recent()

    def refresh_recent(self) -> None:
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        current = str(self.window.library.root) if self.window.library else ""
        for path in recent_libraries(self.window.settings):
            action = menu.addAction(path)
            action.setEnabled(path != current)
            action.triggered.connect(lambda _c=False, p=path: self.window.open_library_at(p))
        menu.setEnabled(bool(menu.actions()))

    # -------------------------------------------------------------- jobs with progress

    def _run(
        self,
        job: Callable[[JobContext], Any],
        *,
        label: str,
        title: str,
        on_done: Callable[[Any], None],
        failure_title: str,
    ) -> JobRunner:
        window = self.window
        dialog = QProgressDialog(label, "Cancel", 0, 0, window.widget)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)

        def on_progress(done: int, total: int, message: str) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)
            if message:
                dialog.setLabelText(message)

        def finish() -> None:
            dialog.canceled.disconnect(runner.cancel)
            dialog.hide()
            dialog.deleteLater()

        def on_finished(result: object) -> None:
            finish()
            on_done(result)

        def on_failed(message: str) -> None:
            finish()
            window.show_error(failure_title, message)

        def on_cancelled() -> None:
            finish()
            window.statusBar().showMessage(f"{title} cancelled; nothing was changed", 5000)

        # A library's import, backup or restore: one at a time, in the order asked.
        runner = window.background.run(
            job,
            description=label,
            lane="library",
            on_progress=on_progress,
            on_done=on_finished,
            on_failed=on_failed,
            on_cancelled=on_cancelled,
        )
        dialog.canceled.connect(runner.cancel)
        dialog.show()
        return runner

    # -------------------------------------------------------------- import

    def choose_import_file(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in SUPPORTED_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(
            self.window.widget, "Import Manuscript", str(Path.home()),
            f"Manuscripts ({patterns});;All files (*)",
        )  # fmt: skip
        if path:
            self.import_file(Path(path), import_manuscript)

    def import_file(self, path: Path, importer: Callable[..., Any]) -> JobRunner | None:
        window = self.window
        library = window.library
        if library is None:
            window.show_error("Cannot import", "Open a library first.")
            return None

        def on_done(book_id: object) -> None:
            window.reload_binder()
            window.select(NodeKind.BOOK, str(book_id))
            book = window.current_node
            scene = book.first_scene() if book else None
            if scene is not None:
                window.select(scene.kind, scene.id)
            window.statusBar().showMessage(f"Imported {path.name}", 5000)

        return self._run(
            lambda ctx: importer(library, path, ctx=ctx), label=f"Importing {path.name}…",
            title="Import", on_done=on_done, failure_title="Import failed",
        )  # fmt: skip

    # -------------------------------------------------------------- backup and restore

    def choose_backup(self) -> None:
        if self.window.library is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.window.widget, "Back Up Library", str(Path.home() / "authorworks-backup.zip"),
            "Backups (*.zip)",
        )  # fmt: skip
        if path:
            self.backup_to(Path(path))

    def backup_to(self, path: Path) -> JobRunner | None:
        window = self.window
        library = window.library
        if library is None:
            return None
        window.save_now()

        def job(ctx: JobContext) -> Path:
            ctx.progress(0, 1, "Copying the library…")
            out = create_backup(library, path)
            ctx.progress(1, 1, "Done")
            return out

        return self._run(
            job, label="Backing up the library…", title="Back Up",
            on_done=lambda out: window.statusBar().showMessage(f"Backed up to {out}", 8000),
            failure_title="Backup failed",
        )  # fmt: skip

    def choose_restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window.widget, "Restore Backup", str(Path.home()), "Backups (*.zip)"
        )
        if path:
            self.restore_from(Path(path))

    def restore_from(self, archive: Path) -> bool:
        """Replace the open library with ``archive``; the old one is kept beside it."""
        window = self.window
        library = window.library
        if library is None:
            return False
        root = library.db_path if library.db_path.name != "library.sqlite3" else library.root
        window.set_library(None)  # saves and closes: the file is about to be replaced
        try:
            kept = restore_backup(archive, root)
        except AuthorWorksError as exc:
            window.show_error("Cannot restore the backup", str(exc))
            window.open_library_at(root)
            return False
        window.open_library_at(root)
        note = f"; the previous library is kept at {kept}" if kept else ""
        window.statusBar().showMessage(f"Restored {archive.name}{note}", 10000)
        return True
