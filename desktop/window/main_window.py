"""The main window: the binder on the left, the scene editor in the middle, menus and status.

Scenes open in the editor; a chapter or a book shows as a read-only page. Edits are saved by
the :class:`~desktop.editor.autosave.Autosaver` off the UI thread; long work (an import) runs as a
core job on the thread pool. Errors from core are shown as one clear message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from core.commands.registry import Registry
from core.domain.values import FOUNTAIN_TYPES
from core.errors import AuthorWorksError
from core.importers import import_manuscript
from core.review.reviewer import reviewer
from core.store import Library, open_library
from core.store.manuscript import get_scene, list_scenes
from core.store.notes import get_note
from core.store.scene_view import SceneView, scene_view
from core.sync.status import SharedBook, a_role, shared_books
from core.text import escape_markdown
from core.text.counts import count_of
from desktop.app import APP_NAME, app_icon
from desktop.binder.book_corkboard import BookCorkboard
from desktop.binder.commands import BinderCommands
from desktop.binder.delegate import BinderDelegate
from desktop.binder.model import EDITABLE_KINDS, BinderModel, BinderNode, NodeKind
from desktop.binder.outline_view import OutlineView, cards_for
from desktop.dialogs.preferences import (
    load_look,
    load_theme,
    remember_library,
)
from desktop.editor import SceneEditor
from desktop.editor.autosave import Autosaver, SaveResult, recovery_dir
from desktop.editor.scene_render import SceneText, render_scene, render_scenes
from desktop.jobs.background import Background
from desktop.jobs.runner import JobRunner
from desktop.panels.studio_panels import StudioPanels
from desktop.window.actions import build_actions
from desktop.window.library_files import LibraryFiles
from desktop.window.live_session import LiveSession
from desktop.window.reading_view import ReadingView
from desktop.window.suggesting import Suggesting
from desktop.window.sync_refresh import SyncRefresh
from desktop.window.theme import apply_theme
from desktop.window.view_commands import ViewCommands

if TYPE_CHECKING:
    from desktop.window.command_bar import CommandBar

_GEOMETRY_KEY = "main_window/geometry"
SPELLING_KEY = "editor/spelling"
_PLACE_GROUP = "reopen"
_SPLITTER_KEY = "main_window/splitter"
_DOCKS_KEY = "main_window/docks"
EMPTY_LIBRARY_TEXT = (
    "This library has no books yet.\n\nUse *Binder › New Book…* to start one, or "
    "*File › Import…* to bring in a manuscript (Markdown, plain text, DOCX, EPUB or Fountain)."
)
_SAVE_LABELS = {"saved": "Saved", "saving": "Saving…", "unsaved": "Edited", "error": "Not saved"}


class MainWindow(QMainWindow):
    """The studio's main window; it owns the library it shows and closes it when done.

    It builds the widgets and follows the binder's selection; the menus' work is done by its
    collaborators (``binder_commands``, ``view``, ``sync_refresh``, ``files``, ``panels``),
    which see it through :class:`~desktop.window.host.StudioWindow`. Background work runs on
    ``background``, cancelled and waited for when the window closes.
    """

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
        self._showing: BinderNode | None = None  # the node being loaded, until it is current
        self._showing_view: SceneView | None = None  # that node's scene, as read to show it
        self.background = Background(self)
        self.autosaver: Autosaver | None = None
        self.view = ViewCommands(self, load_theme(self._settings))
        apply_theme(self.view.theme)
        self.binder_commands = BinderCommands(self)
        self.sync_refresh = SyncRefresh(self)

        self.setWindowIcon(app_icon())
        self.binder_model = BinderModel(self)
        # Queued: the binder is reloaded after the view has finished handling the drop.
        self.binder_model.move_requested.connect(
            self.binder_commands.on_move_requested, Qt.ConnectionType.QueuedConnection
        )
        self.binder = QTreeView()
        self.binder.setObjectName("binder")
        self.binder.setModel(self.binder_model)
        self.binder.setItemDelegateForColumn(BinderModel.TITLE_COLUMN, BinderDelegate(self.binder))
        self.binder.setUniformRowHeights(True)
        self.binder.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.binder.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.binder.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.binder.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.binder.setDropIndicatorShown(True)
        self.binder.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.binder.customContextMenuRequested.connect(self._binder_menu)
        header = self.binder.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(BinderModel.TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        # Measured once per reload (see reload_binder), not kept "resized to contents": that
        # would measure every row again after each autosave changes one count.
        header.setSectionResizeMode(BinderModel.WORDS_COLUMN, QHeaderView.ResizeMode.Fixed)
        self.binder.selectionModel().currentChanged.connect(self._on_current_changed)

        self.reader = ReadingView()
        self.reader.setObjectName("reader")
        self.editor = SceneEditor()
        self.editor.apply_look(load_look(self._settings))
        self.editor.notice.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.corkboard = OutlineView()
        self.corkboard.move_requested.connect(
            self.binder_commands.on_move_requested, Qt.ConnectionType.QueuedConnection
        )
        self.corkboard.activated_node.connect(lambda kind, i: self.select(NodeKind(kind), i))
        self.book_corkboard = BookCorkboard()
        self.book_corkboard.move_requested.connect(
            self.binder_commands.on_move_requested, Qt.ConnectionType.QueuedConnection
        )
        self.book_corkboard.activated_node.connect(lambda kind, i: self.select(NodeKind(kind), i))
        self.pages = QStackedWidget()
        self.pages.addWidget(self.editor)
        self.pages.addWidget(self.reader)
        self.pages.addWidget(self.corkboard)
        self.pages.addWidget(self.book_corkboard)
        self.spelling_enabled = bool(self._settings.value(SPELLING_KEY, True, type=bool))
        self.autosaver_saved_hooks: list[Callable[[SaveResult], object]] = []

        # Above the pages: says why a book someone shared for reading cannot be edited.
        self.read_only_banner = QLabel()
        self.read_only_banner.setObjectName("read_only_banner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setContentsMargins(10, 6, 10, 6)
        self.read_only_banner.setStyleSheet(
            "#read_only_banner { background: palette(alternate-base); "
            "border-bottom: 1px solid palette(mid); }"
        )
        self.read_only_banner.hide()
        self.shared: dict[str, SharedBook] = {}
        page_box = QWidget()
        page_layout = QVBoxLayout(page_box)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self.read_only_banner)
        page_layout.addWidget(self.pages, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.binder)
        self.splitter.addWidget(page_box)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 900])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.selection_label = QLabel()
        self.book_label = QLabel()
        self.save_label = QLabel()
        self.save_label.setObjectName("save_state")
        self.statusBar().addWidget(self.selection_label, 1)
        self.suggesting = Suggesting(self, author=self._reviewer)
        self.live = LiveSession(self)
        self.statusBar().addPermanentWidget(self.suggesting.label)
        self.statusBar().addPermanentWidget(self.live.label)
        self.statusBar().addPermanentWidget(self.save_label)
        self.statusBar().addPermanentWidget(self.book_label)

        self.files = LibraryFiles(self)
        self.command_bar: CommandBar | None = None
        self._build_menus()
        self.panels = StudioPanels(self)
        self.editor.layer_factories.append(self.panels.add_layers)
        self.resize(1200, 780)
        self._restore_layout()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self.view.on_os_scheme_changed)
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

    def restore_dock_layout(self) -> None:
        """Put the docks where the writer left them (once they exist)."""
        state = self._settings.value(_DOCKS_KEY)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _save_layout(self) -> None:
        if self.panels.docks:
            self._settings.setValue(_DOCKS_KEY, self.saveState())
        self._settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(_SPLITTER_KEY, self.splitter.saveState())
        self._settings.sync()

    @property
    def settings(self) -> QSettings:
        return self._settings

    @property
    def widget(self) -> QMainWindow:
        return self

    @property
    def outline_mode(self) -> bool:
        return self.view.outline_mode

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.view.handle_key(event):
            super().keyPressEvent(event)

    def sync_applied(self) -> None:
        self.sync_refresh.sync_applied()

    # -------------------------------------------------------------- menus

    def _build_menus(self) -> None:
        editor = self.editor
        handlers: dict[str, Callable[[], object]] = {
            "new_library": self.files.choose_new_library,
            "open_library": self.files.choose_library,
            "import": self.files.choose_import_file,
            "backup": self.files.choose_backup,
            "restore": self.files.choose_restore,
            "save": self.save_now,
            "preferences": self.view.show_preferences,
            "quit": self.close,
            "undo": editor.undo,
            "redo": editor.redo,
            "trash": self.binder_commands.show_trash,
            "spelling": self.toggle_spelling,
            "dictionary": self.show_personal_dictionary,
            "find": lambda: self.view.open_find("scene"),
            "find_replace": lambda: self.view.open_find("scene", replace=True),
            "find_project": lambda: self.view.open_find("library"),
            "bold": editor.toggle_bold,
            "italic": editor.toggle_italic,
            "heading1": lambda: editor.set_heading(1),
            "heading2": lambda: editor.set_heading(2),
            "heading3": lambda: editor.set_heading(3),
            "paragraph": lambda: editor.set_heading(0),
            "scene_break": editor.insert_scene_break,
            "add_book": self.binder_commands.add_book,
            "add_chapter": self.binder_commands.add_chapter,
            "add_scene": self.binder_commands.add_scene,
            "add_note": self.binder_commands.add_note,
            "rename": self.binder_commands.rename_current,
            "duplicate": self.binder_commands.duplicate_current,
            "split_scene": self.binder_commands.split_current_scene,
            "merge_scene": self.binder_commands.merge_current_scene,
            "delete": self.binder_commands.confirm_and_trash_current,
            "move_up": lambda: self.binder_commands.step_current(-1),
            "move_down": lambda: self.binder_commands.step_current(1),
            "full_screen": self.view.toggle_full_screen,
            "typewriter": self.view.toggle_typewriter,
            "outline": self.view.toggle_outline,
            "inspector": self.view.toggle_inspector,
            "shortcuts": self.view.show_shortcuts,
            "command_bar": self.show_command_bar,
        }
        # The menus' registry: the command bar offers these and the CLI's commands.
        self.studio_registry = Registry()
        self.actions_by_name, self.menus = build_actions(self, handlers, self.studio_registry)
        typewriter = self.actions_by_name["typewriter"]
        typewriter.setCheckable(True)
        typewriter.setChecked(editor.look.typewriter)
        for name in ("full_screen", "outline", "spelling"):
            self.actions_by_name[name].setCheckable(True)
        self.actions_by_name["spelling"].setChecked(self.spelling_enabled)
        self.open_library_action = self.actions_by_name["open_library"]
        self.import_action = self.actions_by_name["import"]
        self.quit_action = self.actions_by_name["quit"]
        self.files.add_recent_menu(self.menus["File"], before=self.import_action)

        self.view.build_theme_menu(self.menus["View"])

        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.menus["Help"].addAction(self.about_action)
        # Book menu entries come from optional modules; an empty menu is hidden.
        self.menus["Book"].menuAction().setVisible(bool(self.menus["Book"].actions()))

    def show_command_bar(self) -> CommandBar:
        """View › Command Bar (Ctrl+K): plain words to any command or menu item."""
        from desktop.window.command_bar import CommandBar

        if self.command_bar is None:
            self.command_bar = CommandBar(self)
        self.command_bar.open()
        return self.command_bar

    def toggle_spelling(self) -> None:
        """Edit › Check Spelling as You Type: squiggles on or off, remembered."""
        self.set_spelling_enabled(not self.spelling_enabled)

    def show_personal_dictionary(self) -> QDialog | None:
        """Edit › Personal Dictionary: the words taught to the spell-checker."""
        from core.errors import AuthorWorksError
        from core.text.spelling import PersonalDictionary
        from desktop.dialogs.dictionary import PersonalDictionaryDialog
        from desktop.editor.spellcheck import SpellCheckHighlighter

        layers = self.editor.document().findChildren(SpellCheckHighlighter)
        try:
            dictionary = layers[0].personal if layers else PersonalDictionary.load()
        except AuthorWorksError as exc:
            self.show_error("Personal Dictionary", str(exc))
            return None
        dialog = PersonalDictionaryDialog(dictionary, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def recheck() -> None:
            # The open scene's checker holds this same dictionary: its verdicts follow.
            for layer in self.editor.document().findChildren(SpellCheckHighlighter):
                layer.rehighlight_all()
            self.editor.forget_kept_documents()

        dialog.changed.connect(recheck)
        dialog.show()
        return dialog

    def set_spelling_enabled(self, enabled: bool) -> None:
        from desktop.editor.spellcheck import SpellCheckHighlighter

        self.spelling_enabled = enabled
        self._settings.setValue(SPELLING_KEY, enabled)
        self.editor.forget_kept_documents()  # their squiggles follow the old setting
        self.actions_by_name["spelling"].setChecked(enabled)
        for layer in self.editor.document().findChildren(SpellCheckHighlighter):
            layer.set_enabled(enabled)

    def _binder_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for name in ("add_scene", "add_chapter", "add_note", "rename", "duplicate", "delete",
                     "move_up", "move_down"):  # fmt: skip
            menu.addAction(self.actions_by_name[name])
        menu.popup(self.binder.viewport().mapToGlobal(pos))

    # -------------------------------------------------------------- the library

    @property
    def library(self) -> Library | None:
        return self._library

    def set_library(self, library: Library | None) -> None:
        """Show ``library`` (closing the one shown before) where the writer was in it last
        time, else at its first scene."""
        if self._library is not None and self._library is not library:
            self.remember_place()
        if self.autosaver is not None:
            self.autosaver.close()
            self.autosaver = None
        self.live.close()
        if self._library is not None and self._library is not library:
            self._library.close()
        self._library = library
        if library is not None:
            self.autosaver = Autosaver(library, self)
            self.autosaver.state_changed.connect(self._on_save_state)
            self.autosaver.saved.connect(self._on_saved)
            self.autosaver.merged.connect(self.sync_refresh.take_merge)
            self.autosaver.live_merged.connect(self.live.absorb)
            self.editor.edited.connect(self.autosaver.note_edit)
            remember_library(self._settings, str(library.root))
            self.files.refresh_recent()
            self._mention_recovery_files()
        self.save_label.setText("")
        self.panels.attach(library)
        for name in ("import", "backup", "add_book", "trash"):
            self.actions_by_name[name].setEnabled(library is not None)
        self.reload_binder()
        books = self.binder_model.books
        if books:
            # The first book opens fully, so the writer sees its chapters and scenes at once.
            self.binder.expandRecursively(self.binder_model.index_of(books[0]))
        if library is not None and self._reopen_place(library):
            return
        first = books[0].first_scene() if books else None
        if first is not None:
            self.select(first.kind, first.id)
        elif books:
            self.select(books[0].kind, books[0].id)
        else:
            self.show_empty()

    # -------------------------------------------------------------- where the writer was

    def _place_key(self, library: Library) -> str:
        # Per library: each keeps its own place, under a key QSettings can hold.
        digest = hashlib.sha1(str(library.root.resolve()).encode("utf-8")).hexdigest()[:16]
        return f"{_PLACE_GROUP}/{digest}"

    def remember_place(self) -> None:
        """Keep what is shown (book, chapter or scene; cursor and scroll) for the next start."""
        node, library = self._current, self._library
        if node is None or library is None:
            return
        place: dict[str, object] = {"kind": node.kind.value, "id": node.id}
        if self.editor.scene_id == node.id:
            place["cursor"] = self.editor.textCursor().position()
            place["scroll"] = self.editor.verticalScrollBar().value()
        self._settings.setValue(self._place_key(library), json.dumps(place))

    def _reopen_place(self, library: Library) -> bool:
        """Show where the writer was in ``library`` last time; False if that is gone."""
        raw = self._settings.value(self._place_key(library), "")
        try:
            place = json.loads(str(raw)) if raw else None
            kind = NodeKind(place["kind"]) if isinstance(place, dict) else None
        except (ValueError, KeyError, TypeError):
            return False
        # select() answers False for a node that is no longer in the binder.
        if kind is None or not isinstance(place, dict) or not self.select(kind, str(place["id"])):
            return False
        if self.editor.scene_id == place["id"] and isinstance(place.get("cursor"), int):
            cursor = self.editor.textCursor()
            cursor.setPosition(
                min(int(place["cursor"]), self.editor.document().characterCount() - 1)
            )
            self.editor.setTextCursor(cursor)
            scroll = place.get("scroll")
            if isinstance(scroll, int):
                # Once the scene is laid out at the view's width, the range is known.
                bar = self.editor.verticalScrollBar()
                QTimer.singleShot(0, lambda: bar.setValue(scroll))
        return True

    def _mention_recovery_files(self) -> None:
        """Text an earlier failed save kept aside: say where it is, once, at opening."""
        folder = recovery_dir()
        found = [*folder.glob("scene-*.md"), *folder.glob("note-*.md")] if folder.is_dir() else []
        if found:
            self.statusBar().showMessage(
                f"{len(found)} scene(s) or note(s) have text kept from a failed save in {folder}",
                20000,
            )

    def _show_standing(self, book_id: str) -> bool:
        """Show the banner of a book this account may only read; True for such a book."""
        standing = self.shared.get(book_id)
        if standing is not None and standing.read_only:
            inspector = self.panels.widgets.get("inspector")
            if inspector is not None:  # its fields edit the scene too (it enables itself)
                inspector.setEnabled(False)
        if standing is None or not standing.read_only:
            self.read_only_banner.hide()
            return False
        what = (
            "you can read it, comment on it and suggest changes (what you type becomes suggestions)"
            if standing.role == "commenter"
            else "you can read it"
        )
        heading = "Review only." if standing.role == "commenter" else "Read only."
        self.read_only_banner.setText(
            f"<b>{heading}</b> {standing.owner or 'Its owner'} shared “{standing.title}” "
            f"with you as {a_role(standing.role)}: {what}, not change its text."
        )
        self.read_only_banner.show()
        return True

    def _reviewer(self) -> str:
        """Who signs comments and suggestions made in this window."""
        import getpass

        return reviewer(self._library) if self._library is not None else getpass.getuser()

    def is_read_only(self, book_id: str) -> bool:
        """Whether the book was shared with this account for reading only."""
        standing = self.shared.get(book_id)
        return standing is not None and standing.read_only

    def refresh_standing(self) -> None:
        """Read again what the server said of the books (after a sync): a role that changed
        shows at once on the open scene."""
        if self._library is None:
            self.shared = {}
            return
        self.shared = shared_books(self._library)
        node = self._current
        if node is not None:
            read_only = self._show_standing(node.book_id)
            if node.kind in EDITABLE_KINDS:
                self.editor.setReadOnly(read_only)
            # A book just put on the server (or just left) goes live (or stops) at once.
            self.live.bind(node if node.kind in EDITABLE_KINDS else None)
        else:
            self.live.bind(None)

    def reload_binder(self) -> None:
        """Read the binder again; keeps the expanded state of books and chapters."""
        expanded = {
            (node.kind, node.id)
            for node in self._all_nodes()
            if self.binder.isExpanded(self.binder_model.index_of(node))
        }
        self._current = None
        self.shared = shared_books(self._library) if self._library is not None else {}
        # Whatever made the binder reload (an import, a restore, a sync) may have changed the
        # books' codex too.
        self.panels.forget_book_data()
        try:
            self.binder_model.reload(self._library, self.shared)
        except AuthorWorksError as exc:
            self.binder_model.reload(None)
            self.show_error("Cannot read the library", str(exc))
        for node in self._all_nodes():
            if (node.kind, node.id) in expanded:
                self.binder.expand(self.binder_model.index_of(node))
        # Room for the largest count now shown, and a little to grow into.
        widest = max((n.words for n in self.binder_model.books), default=0)
        sample = f"{max(widest * 10, 99_999):,}"
        self.binder.header().resizeSection(
            BinderModel.WORDS_COLUMN, self.binder.fontMetrics().horizontalAdvance(sample) + 12
        )

    def _all_nodes(self) -> list[BinderNode]:
        nodes: list[BinderNode] = []
        stack = self.binder_model.books
        while stack:
            node = stack.pop()
            nodes.append(node)
            stack.extend(node.tree_children)
        return nodes

    def open_library_at(self, path: Path | str, *, create: bool = False) -> bool:
        """Switch to the library at ``path``; shows an error and keeps the current one if not."""
        if self.background.lane_busy("library"):
            self.show_error("Cannot switch library", "Wait for the import to finish first.")
            return False
        try:
            library = open_library(path, create=create)
        except AuthorWorksError as exc:
            self.show_error("Cannot open the library", str(exc))
            return False
        self.set_library(library)
        self.statusBar().showMessage(f"Opened {library.root}", 5000)
        return True

    # -------------------------------------------------------------- selection and editing

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
        if self._current is None or self._current.id != node_id:
            node = self.binder_model.node(index)
            if node is not None:
                self.show_node(node)
        return True

    @property
    def current_node(self) -> BinderNode | None:
        return self._current

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = self.binder_model.node(current)
        if node is not None:
            self.show_node(node)

    def show_node(self, node: BinderNode) -> None:
        """Open a scene in the editor; show a chapter (its scenes) or a book's title page."""
        if self._library is None:
            return
        if self.autosaver is not None:
            self.autosaver.save_now()  # hand over the scene being left before loading another
        fountain = node.content_type in FOUNTAIN_TYPES
        # A scene is read once, for the editor, the inspector and the spelling layer alike.
        view: SceneView | None = None
        if node.kind is NodeKind.SCENE:
            try:
                with self._library.session() as session:
                    view = scene_view(session=session, scene_id=node.id)
            except AuthorWorksError as exc:
                self.show_error("Cannot show this item", str(exc))
                return
        # The panels first: the codex names must be known before the scene is highlighted.
        self.panels.node_shown(node, view)
        self._showing = node  # the spelling layer asks for this node's book language while loading
        self._showing_view = view
        try:
            if node.kind in EDITABLE_KINDS:
                pending = self.autosaver.pending_text(node.id) if self.autosaver else None
                text = pending
                if text is None:
                    text = view.text if view is not None else self.stored_text(node.kind, node.id)
                # Notes are the Markdown subset whatever the book is written in.
                fountain = fountain and node.kind is NodeKind.SCENE
                self.editor.setReadOnly(self._show_standing(node.book_id))
                self.editor.language = self.book_language()
                self.editor.load(node.id, text, fountain=fountain)
                if self.autosaver is not None:
                    # Text still being written keeps the base it was made from.
                    base = text if pending is None else None
                    self.autosaver.track(
                        node.id, self.editor.scene_text, node.kind.value, base=base
                    )
                self.pages.setCurrentWidget(self.editor)
            else:
                self._render_page(node, fountain)
        except AuthorWorksError as exc:
            self.show_error("Cannot show this item", str(exc))
            return
        finally:
            self._showing = None
            self._showing_view = None
        self._current = node
        self.live.bind(node if node.kind in EDITABLE_KINDS else None)
        self._update_status(node)

    def stored_text(self, kind: NodeKind, node_id: str) -> str:
        """The text of a scene or a research note as the library holds it."""
        assert self._library is not None
        with self._library.session() as session:
            if kind is NodeKind.NOTE:
                return get_note(session=session, note_id=node_id).text
            return get_scene(session=session, scene_id=node_id).text

    def _render_page(self, node: BinderNode, fountain: bool) -> None:
        assert self._library is not None
        if self.autosaver is not None:
            self.autosaver.track("", str)
        self.editor.scene_id = ""
        if self.view.outline_mode and node.kind is NodeKind.BOOK:
            self.book_corkboard.show_book(self._library, node)
            self.pages.setCurrentWidget(self.book_corkboard)
            return
        if self.view.outline_mode:
            parent, cards = cards_for(self._library, node)
            self.corkboard.show_cards(parent, cards)
            self.pages.setCurrentWidget(self.corkboard)
            return
        document = self.reader.document()
        if node.kind is NodeKind.RESEARCH:
            listing = "\n\n".join(
                f"**{escape_markdown(n.title)}** · {count_of(n.words, 'word')}"
                for n in node.children
            )
            about = (
                "Notes, sources and ideas for this book. They are never exported, narrated or "
                "counted in the book's words. *Binder › New Research Note* adds one."
            )
            render_scenes(
                document, [SceneText("", f"{about}\n\n{listing}".strip())], title=node.title
            )
            self.pages.setCurrentWidget(self.reader)
            self.reader.show_from_start()
            return
        with self._library.session() as session:
            if node.kind is NodeKind.CHAPTER:
                scenes = [
                    SceneText(s.title, s.text, show_title=bool(s.title))
                    for s in list_scenes(session=session, chapter_id=node.id)
                ]
                render_scenes(document, scenes, title=node.title, fountain=fountain)
            else:
                summary = escape_markdown(node.synopsis) if node.synopsis else ""
                contents = (
                    f"{count_of(len(node.children), 'chapter')} · {count_of(node.words, 'word')}"
                )
                render_scenes(
                    document, [SceneText("", f"{summary}\n\n*{contents}*".strip())],
                    title=node.title,
                )  # fmt: skip
        self.pages.setCurrentWidget(self.reader)
        self.reader.show_from_start()

    def show_empty(self) -> None:
        render_scene(self.reader.document(), EMPTY_LIBRARY_TEXT)
        self.editor.scene_id = ""
        self.pages.setCurrentWidget(self.reader)
        self.reader.show_from_start()
        self.selection_label.setText("")
        self.book_label.setText("No books" if self._library else "No library open")
        self._set_title(None)

    def _update_status(self, node: BinderNode) -> None:
        book = node
        while book.parent is not None:
            book = book.parent
        self.book_label.setText(f"{book.title} · {count_of(book.words, 'word')}")
        if node.kind is NodeKind.BOOK:
            self.selection_label.setText(count_of(len(node.children), "chapter"))
        elif node.kind is NodeKind.RESEARCH:
            self.selection_label.setText(
                f"{node.title} · {count_of(len(node.children), 'note')} · "
                f"{count_of(node.words, 'word')}"
            )
        elif node.kind is NodeKind.NOTE:
            self.selection_label.setText(
                f"Research › {node.title} · {count_of(node.words, 'word')}"
            )
        else:
            where = f"{node.parent.title} › " if node.kind is NodeKind.SCENE and node.parent else ""
            self.selection_label.setText(f"{where}{node.title} · {count_of(node.words, 'word')}")
        self._set_title(book.title)

    def _set_title(self, book_title: str | None) -> None:
        self.setWindowTitle(f"{book_title} — {APP_NAME}" if book_title else APP_NAME)

    # -------------------------------------------------------------- saving

    def save_now(self) -> bool:
        """Write the open scene now and wait for it (File › Save Now)."""
        if self.autosaver is None:
            return True
        return self.autosaver.flush()

    def _on_save_state(self, state: str, message: str) -> None:
        self.save_label.setText(_SAVE_LABELS.get(state, state))
        self.save_label.setToolTip(message)
        if state == "error":
            self.statusBar().showMessage(message, 15000)
            self.save_label.setStyleSheet("color: #c0392b; font-weight: bold")
        else:
            self.save_label.setStyleSheet("")

    def _on_saved(self, result: SaveResult) -> None:
        self.remember_place()  # a crash after a pause in typing still reopens here
        model = self.binder_model
        if result.kind == "note":  # a note's words are its own: no chapter or book changes
            model.update_words(NodeKind.NOTE, result.scene_id, result.scene_words)
        else:
            model.update_words(NodeKind.SCENE, result.scene_id, result.scene_words)
            model.update_words(NodeKind.CHAPTER, result.chapter_id, result.chapter_words)
            model.update_words(NodeKind.BOOK, result.book_id, result.book_words)
        if self._current is not None:
            self._update_status(self._current)
        for hook in self.autosaver_saved_hooks:
            hook(result)

    # -------------------------------------------------------------- changes made elsewhere

    def on_scene_details_changed(self, scene_id: str, field: str, value: object) -> None:
        """The inspector changed a scene's status, synopsis or labels: show it in the binder."""
        if field == "labels" and isinstance(value, list):
            self.binder_model.set_labels(scene_id, [str(v) for v in value])
        else:
            self._show_details(NodeKind.SCENE, scene_id, field, value)

    def on_chapter_details_changed(self, chapter_id: str, field: str, value: object) -> None:
        """The inspector changed a chapter's synopsis or status: the binder and cards show it."""
        self._show_details(NodeKind.CHAPTER, chapter_id, field, value)

    def _show_details(self, kind: NodeKind, node_id: str, field: str, value: object) -> None:
        node = self.binder_model.node(self.binder_model.find(kind, node_id))
        if node is None:
            return
        if field == "status":
            self.binder_model.set_status(kind, node_id, str(value))
        elif field == "synopsis":
            node.synopsis = str(value)

    def on_label_colors_changed(self, book_id: str, colors: dict[str, str]) -> None:
        """The inspector stored label colours for a book: repaint the binder's dots."""
        self.binder_model.set_label_colors(book_id, colors)

    def on_scenes_changed_elsewhere(self, scene_ids: list[str]) -> None:
        """Search-and-replace or a snapshot restore rewrote scenes: reload what is shown."""
        self.reload_binder_keeping_place()
        if self.editor.scene_id in scene_ids:
            self.reload_current_scene()

    def reload_binder_keeping_place(self) -> None:
        current = self._current
        self.reload_binder()
        if current is not None:
            index = self.binder_model.find(current.kind, current.id)
            self._current = self.binder_model.node(index)
            self.binder.selectionModel().blockSignals(True)
            self.binder.setCurrentIndex(index)
            self.binder.selectionModel().blockSignals(False)
            if self._current is not None:
                # The counts in the status bar come from the reloaded tree.
                self._update_status(self._current)

    def reload_current_scene(self) -> None:
        """Read the open scene (or note) again from the library (keeps the cursor where it can)."""
        scene_id = self.editor.scene_id
        if not scene_id or self._library is None:
            return
        self.save_now()
        position = self.editor.textCursor().position()
        current = self._current
        kind = current.kind if current is not None and current.id == scene_id else NodeKind.SCENE
        text = self.stored_text(kind, scene_id)
        self.editor.load(scene_id, text, fountain=self.editor.fountain)
        if self.autosaver is not None:
            self.autosaver.track(scene_id, self.editor.scene_text, kind.value, base=text)
        if current is not None and current.id == scene_id:
            # A live scene rewritten in the library (a replace, a restore) is bound afresh,
            # and the rewrite becomes the writer's edit in the room.
            self.live.bind(current)
        cursor = self.editor.textCursor()
        cursor.setPosition(min(position, len(text)))
        self.editor.setTextCursor(cursor)

    def open_scene_at(self, scene_id: str, offset: int, length: int) -> None:
        """Open a scene with ``length`` characters from ``offset`` selected (a search hit).

        ``scene_id`` may be a research note's (search finds notes too).
        """
        if not self.select(NodeKind.SCENE, scene_id) and not self.select(NodeKind.NOTE, scene_id):
            return
        cursor = self.editor.textCursor()
        end = len(self.editor.scene_text())
        cursor.setPosition(min(offset, end))
        cursor.setPosition(min(offset + length, end), QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()
        self.editor.setFocus()

    def book_language(self) -> str:
        """The language of the book of the scene (or note) being shown."""
        view = self._showing_view
        if view is not None:
            return view.book_language  # read with the scene being opened
        node = self._showing or self._current
        if node is None or self._library is None:
            return "en"
        from core.store.manuscript import get_book

        try:
            with self._library.session() as session:
                return get_book(session=session, book_id=node.book_id).language or "en"
        except AuthorWorksError:
            return "en"

    # -------------------------------------------------------------- import

    def import_file(self, path: Path | str) -> JobRunner | None:
        """Import a manuscript as a new book, off the UI thread, with a progress dialog."""
        return self.files.import_file(Path(path), import_manuscript)

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
        self.remember_place()
        self._save_layout()
        self.panels.attach(None)
        if self.autosaver is not None:
            self.autosaver.close()
            if self.autosaver.has_unsaved():
                QMessageBox.warning(
                    self, APP_NAME, "Some text could not be saved to the library; it was "
                    "written to recovery files (see the status bar message).",
                )  # fmt: skip
            self.autosaver = None
        self.live.close()
        # A cancelled import rolls back at its next check; wait so the library closes cleanly.
        self.background.close(10_000)
        if self._library is not None:
            self._library.close()
            self._library = None
        super().closeEvent(event)
