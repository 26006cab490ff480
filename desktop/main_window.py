"""The main window: the binder on the left, the reading view in the middle, menus and status.

The window reads the library through core's repositories (reading a scene is a few
milliseconds, so it happens inline) and runs anything that can take long, such as an import,
as a core job on its own thread pool. Errors from core are shown as one clear message box.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSettings, Qt, QThreadPool
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QResizeEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QWidget,
)

from core.errors import AuthorWorksError
from core.importers import SUPPORTED_SUFFIXES, import_manuscript
from core.store import Library, open_library
from core.store.manuscript import get_scene, list_scenes
from core.text import escape_markdown
from desktop.app import APP_NAME, app_icon
from desktop.binder_model import BinderModel, BinderNode, NodeKind
from desktop.job_runner import JobRunner
from desktop.scene_render import FOUNTAIN_TYPES, SceneText, render_scene, render_scenes

_GEOMETRY_KEY = "main_window/geometry"
_SPLITTER_KEY = "main_window/splitter"
EMPTY_LIBRARY_TEXT = (
    "This library has no books yet.\n\nUse *File › Import…* to bring in a manuscript "
    "(Markdown, plain text, DOCX, EPUB or Fountain)."
)


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


class MainWindow(QMainWindow):
    """The studio's main window; it owns the library it shows and closes it when done."""

    def __init__(
        self,
        library: Library | None = None,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        # The application's settings unless told otherwise (screenshots use a temp file).
        self._settings = settings if settings is not None else QSettings(self)
        self._library: Library | None = None
        self._current: BinderNode | None = None
        self._pool = QThreadPool(self)
        self._jobs: set[JobRunner] = set()

        self.setWindowIcon(app_icon())
        self.binder_model = BinderModel(self)
        self.binder = QTreeView()
        self.binder.setObjectName("binder")
        self.binder.setModel(self.binder_model)
        self.binder.setUniformRowHeights(True)
        self.binder.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.binder.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.binder.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(BinderModel.TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(
            BinderModel.WORDS_COLUMN, QHeaderView.ResizeMode.ResizeToContents
        )
        self.binder.selectionModel().currentChanged.connect(self._on_current_changed)

        self.reader = ReadingView()
        self.reader.setObjectName("reader")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.binder)
        self.splitter.addWidget(self.reader)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 900])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.selection_label = QLabel()
        self.book_label = QLabel()
        self.statusBar().addWidget(self.selection_label, 1)
        self.statusBar().addPermanentWidget(self.book_label)

        self._build_menus()
        self.resize(1200, 780)
        self._restore_layout()
        self.set_library(library)

    # -------------------------------------------------------------- window layout

    def _restore_layout(self) -> None:
        settings = self._settings
        geometry = settings.value(_GEOMETRY_KEY)
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = settings.value(_SPLITTER_KEY)
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def _save_layout(self) -> None:
        self._settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(_SPLITTER_KEY, self.splitter.saveState())
        self._settings.sync()

    # -------------------------------------------------------------- menus

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_library_action = QAction("&Open Library…", self)
        self.open_library_action.setShortcut(QKeySequence("Ctrl+O"))
        self.open_library_action.triggered.connect(self.choose_library)
        self.import_action = QAction("&Import…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.choose_import_file)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.open_library_action)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    # -------------------------------------------------------------- the library

    @property
    def library(self) -> Library | None:
        return self._library

    def set_library(self, library: Library | None) -> None:
        """Show ``library`` (closing the one shown before) and open its first scene."""
        if self._library is not None and self._library is not library:
            self._library.close()
        self._library = library
        self.import_action.setEnabled(library is not None)
        self.reload_binder()
        books = self.binder_model.books
        if books:
            # The first book opens fully, so the writer sees its chapters and scenes at once.
            self.binder.expandRecursively(self.binder_model.index_of(books[0]))
        first = books[0].first_scene() if books else None
        if first is not None:
            self.select(first.kind, first.id)
        elif books:
            self.select(books[0].kind, books[0].id)
        else:
            self._show_empty()

    def reload_binder(self) -> None:
        """Read the binder again; keeps the expanded state of books and chapters."""
        expanded = {
            (node.kind, node.id)
            for node in self._all_nodes()
            if self.binder.isExpanded(self.binder_model.index_of(node))
        }
        try:
            self.binder_model.reload(self._library)
        except AuthorWorksError as exc:
            self.binder_model.reload(None)
            self.show_error("Cannot read the library", str(exc))
        for node in self._all_nodes():
            if (node.kind, node.id) in expanded:
                self.binder.expand(self.binder_model.index_of(node))
        self._current = None

    def _all_nodes(self) -> list[BinderNode]:
        nodes: list[BinderNode] = []
        stack = self.binder_model.books
        while stack:
            node = stack.pop()
            nodes.append(node)
            stack.extend(node.children)
        return nodes

    def choose_library(self) -> None:
        start = str(self._library.root) if self._library else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Open Library", start)
        if folder:
            self.open_library_at(folder)

    def open_library_at(self, path: Path | str) -> bool:
        """Switch to the library at ``path``; shows an error and keeps the current one if not."""
        if self._jobs:
            self.show_error("Cannot switch library", "Wait for the import to finish first.")
            return False
        try:
            library = open_library(path, create=False)
        except AuthorWorksError as exc:
            self.show_error("Cannot open the library", str(exc))
            return False
        self.set_library(library)
        self.statusBar().showMessage(f"Opened {library.root}", 5000)
        return True

    # -------------------------------------------------------------- selection and reading

    def select(self, kind: NodeKind, node_id: str) -> bool:
        """Select a book, chapter or scene in the binder (and so show it)."""
        index = self.binder_model.find(kind, node_id)
        if not index.isValid():
            return False
        parent = index.parent()
        while parent.isValid():
            self.binder.expand(parent)
            parent = parent.parent()
        self.binder.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.binder.scrollTo(index)
        return True

    @property
    def current_node(self) -> BinderNode | None:
        return self._current

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = self.binder_model.node(current)
        if node is not None:
            self.show_node(node)

    def show_node(self, node: BinderNode) -> None:
        """Render a scene, a chapter (its scenes one after another) or a book's title page."""
        if self._library is None:
            return
        fountain = node.content_type in FOUNTAIN_TYPES
        document = self.reader.document()
        try:
            with self._library.session() as session:
                if node.kind is NodeKind.SCENE:
                    text = get_scene(session=session, scene_id=node.id).text
                    render_scene(document, text, fountain=fountain)
                elif node.kind is NodeKind.CHAPTER:
                    scenes = [
                        SceneText(s.title, s.text, show_title=bool(s.title))
                        for s in list_scenes(session=session, chapter_id=node.id)
                    ]
                    render_scenes(document, scenes, title=node.title, fountain=fountain)
                else:
                    summary = escape_markdown(node.synopsis) if node.synopsis else ""
                    contents = f"{len(node.children)} chapters · {node.words:,} words"
                    render_scenes(
                        document, [SceneText("", f"{summary}\n\n*{contents}*".strip())],
                        title=node.title,
                    )  # fmt: skip
        except AuthorWorksError as exc:
            self.show_error("Cannot show this item", str(exc))
            return
        self.reader.show_from_start()
        self._current = node
        self._update_status(node)

    def _show_empty(self) -> None:
        render_scene(self.reader.document(), EMPTY_LIBRARY_TEXT)
        self.reader.show_from_start()
        self.selection_label.setText("")
        self.book_label.setText("No books" if self._library else "No library open")
        self._set_title(None)

    def _update_status(self, node: BinderNode) -> None:
        book = node
        while book.parent is not None:
            book = book.parent
        self.book_label.setText(f"{book.title} · {book.words:,} words")
        if node.kind is NodeKind.BOOK:
            self.selection_label.setText(f"{len(node.children)} chapters")
        else:
            where = f"{node.parent.title} › " if node.kind is NodeKind.SCENE and node.parent else ""
            self.selection_label.setText(f"{where}{node.title} · {node.words:,} words")
        self._set_title(book.title)

    def _set_title(self, book_title: str | None) -> None:
        self.setWindowTitle(f"{book_title} — {APP_NAME}" if book_title else APP_NAME)

    # -------------------------------------------------------------- import

    def choose_import_file(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in SUPPORTED_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(
            self, "Import Manuscript", str(Path.home()),
            f"Manuscripts ({patterns});;All files (*)",
        )  # fmt: skip
        if path:
            self.import_file(path)

    def import_file(self, path: Path | str) -> JobRunner | None:
        """Import a manuscript as a new book, off the UI thread, with a progress dialog."""
        library = self._library
        if library is None:
            self.show_error("Cannot import", "Open a library first.")
            return None
        path = Path(path)
        runner = JobRunner(
            lambda ctx: import_manuscript(library, path, ctx=ctx), description=f"import {path}"
        )
        dialog = QProgressDialog(f"Importing {path.name}…", "Cancel", 0, 0, self)
        dialog.setWindowTitle("Import")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(runner.cancel)

        def on_progress(done: int, total: int, message: str) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)
            if message:
                dialog.setLabelText(message)

        def finish() -> None:
            self._jobs.discard(runner)
            dialog.canceled.disconnect(runner.cancel)
            dialog.hide()
            dialog.deleteLater()

        def on_finished(book_id: object) -> None:
            finish()
            self.reload_binder()
            self.select(NodeKind.BOOK, str(book_id))
            book = self.current_node
            scene = book.first_scene() if book else None
            if scene is not None:
                self.select(scene.kind, scene.id)
            self.statusBar().showMessage(f"Imported {path.name}", 5000)

        def on_failed(message: str) -> None:
            finish()
            self.show_error("Import failed", message)

        def on_cancelled() -> None:
            finish()
            self.statusBar().showMessage("Import cancelled; nothing was added", 5000)

        runner.signals.progress.connect(on_progress)
        runner.signals.finished.connect(on_finished)
        runner.signals.failed.connect(on_failed)
        runner.signals.cancelled.connect(on_cancelled)
        self._jobs.add(runner)
        dialog.show()
        self._pool.start(runner)
        return runner

    # -------------------------------------------------------------- messages and closing

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.critical(self, title, message)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME}</h3><p>A writing studio for novelists, screenwriters "
            "and playwrights.</p>"
            "<p>Everything you write stays in your library, on this computer.</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_layout()
        for runner in list(self._jobs):
            runner.cancel()
        # A cancelled import rolls back at its next check; wait so the library closes cleanly.
        self._pool.waitForDone(10_000)
        if self._library is not None:
            self._library.close()
            self._library = None
        super().closeEvent(event)
