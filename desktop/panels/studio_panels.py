"""The docks and dialogs around the editor: inspector, codex, search, statistics, AI, sync,
snapshots, export, narration and cover.

The docks are imported here, directly: a panel that cannot be imported or built is a bug,
and it fails loudly (a test starts every one of them). The Book menu's dialogs are imported
when first opened (the cover dialog alone costs ~60 ms of start-up), each by its own small
factory, so a broken one still raises rather than quietly vanishing from the menu.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QMenu,
    QMessageBox,
    QScrollArea,
    QTextEdit,
    QWidget,
)

from core.errors import AuthorWorksError
from core.review.reviewer import reviewer
from core.store import Library
from core.store.scene_view import SceneView
from core.text.counts import count_of
from desktop.binder.model import BinderNode, NodeKind
from desktop.editor.codex_highlighter import CodexHighlighter
from desktop.editor.spellcheck import SpellCheckHighlighter
from desktop.panels.ai_panel import AiPanel
from desktop.panels.codex_panel import CodexPanel
from desktop.panels.comments_panel import CommentsPanel
from desktop.panels.inbox import InboxButton
from desktop.panels.inspector import InspectorPanel
from desktop.panels.search_panel import SearchPanel
from desktop.panels.stats_panel import StatsPanel
from desktop.panels.sync_panel import SIGNED_OUT, SYNCED, SyncPanel

if TYPE_CHECKING:
    from desktop.window.host import StudioWindow

_log = logging.getLogger(__name__)
MAX_SPELLCHECK_CHARS = 300_000

BookDialogFactory = Callable[[Library, str, QWidget], QWidget]


def _export(library: Library, book_id: str, parent: QWidget) -> QWidget:
    from desktop.dialogs.export import ExportDialog

    return ExportDialog(library, book_id, parent)


def _narrate(library: Library, book_id: str, parent: QWidget) -> QWidget:
    from desktop.dialogs.narration import NarrationDialog

    return NarrationDialog(library, book_id, parent)


def _cover(library: Library, book_id: str, parent: QWidget) -> QWidget:
    from desktop.dialogs.cover import CoverDialog

    return CoverDialog(library, book_id, parent)


def _comic(library: Library, book_id: str, parent: QWidget) -> QWidget:
    from desktop.dialogs.comic import ComicDialog

    return ComicDialog(library, book_id, parent)


def _share(library: Library, book_id: str, parent: QWidget) -> QWidget:
    from desktop.dialogs.share import ShareDialog

    return ShareDialog(library, book_id, parent)


def _publish(library: Library, book_id: str, parent: QWidget) -> QWidget:
    from desktop.dialogs.publish import PublishDialog

    return PublishDialog(library, book_id, parent)


def _trailer(library: Library, book_id: str, parent: QWidget) -> QWidget:
    from desktop.dialogs.trailer import TrailerDialog

    return TrailerDialog(library, book_id, parent)


# Book menu: (action text, the dialog's name, how to make it, shortcut)
BOOK_DIALOGS: tuple[tuple[str, str, BookDialogFactory, str], ...] = (
    ("&Export…", "ExportDialog", _export, "Ctrl+E"),
    ("&Narrate…", "NarrationDialog", _narrate, ""),
    ("&Cover…", "CoverDialog", _cover, ""),
    ("Co&mic Pages…", "ComicDialog", _comic, ""),
    ("&Trailer…", "TrailerDialog", _trailer, ""),
    ("S&hare…", "ShareDialog", _share, "Ctrl+Alt+S"),
    ("&Publish…", "PublishDialog", _publish, "Ctrl+Alt+P"),
)
KEEP_LOST_KEY = "sync/keep_lost_books"


def _refresh_if_shown(panel: Any, _result: object) -> None:
    # Refreshing reads the book's history: only worth it while someone looks.
    if panel.isVisible():
        panel.refresh()


class StudioPanels:
    """Builds the window's docks for a library and keeps them on the open scene."""

    def __init__(self, window: StudioWindow) -> None:
        self.window = window
        self.library: Library | None = None
        self.book_id: str | None = None
        self.docks: dict[str, QDockWidget] = {}
        self.widgets: dict[str, Any] = {}
        self.dialogs: dict[str, QWidget] = {}
        self.codex_names: list[Any] = []
        self._menu_actions: list[QAction] = []

    # -------------------------------------------------------------- building

    def _dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self.window.widget)
        dock.setObjectName(f"dock_{key}")
        # Scrolled, so that a tall panel never forces a minimum height on the window.
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(widget)
        dock.setWidget(scroller)
        self.window.addDockWidget(area, dock)
        # Side panels share one tabbed column beside the editor; the first stays in front.
        same_side = [
            d
            for d in self.docks.values()
            if self.window.dockWidgetArea(d) == area and d is not dock
        ]
        if same_side and area != Qt.DockWidgetArea.BottomDockWidgetArea:
            self.window.tabifyDockWidget(same_side[0], dock)
            same_side[0].raise_()
        self.docks[key] = dock
        self.widgets[key] = widget
        self.window.menus["View"].addAction(dock.toggleViewAction())

    def attach(self, library: Library | None) -> None:
        """Panels for ``library`` (None: remove them all)."""
        self.detach()
        self.library = library
        if library is None:
            return
        window = self.window
        right = Qt.DockWidgetArea.RightDockWidgetArea
        inspector = InspectorPanel(library)
        inspector.scene_changed.connect(window.on_scene_details_changed)
        inspector.chapter_changed.connect(window.on_chapter_details_changed)
        inspector.label_colors_changed.connect(window.on_label_colors_changed)
        inspector.failed.connect(lambda m: window.statusBar().showMessage(m, 10000))
        self._dock("inspector", "Inspector", inspector, right)

        search = SearchPanel(library, background=window.background)
        search.open_scene_requested.connect(window.open_scene_at)
        search.about_to_modify.connect(window.save_now, Qt.ConnectionType.DirectConnection)
        search.scenes_changed.connect(window.on_scenes_changed_elsewhere)
        self._dock("search", "Find and Replace", search, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.docks["search"].hide()
        search.search_finished.connect(lambda _n: self.highlight_hits())
        self.docks["search"].visibilityChanged.connect(lambda _v: self.highlight_hits())
        window.editor.scene_loaded.connect(lambda _s: self.highlight_hits())

        ai = AiPanel(library, window.editor, background=window.background)
        self._dock("ai", "AI", ai, right)
        self.docks["ai"].hide()

        comments = CommentsPanel(window, author=lambda: reviewer(library))

        def mark_review() -> None:
            window.editor.set_comment_marks(comments.anchored_ranges())
            window.editor.set_suggestion_marks(*comments.suggestion_marks())

        comments.changed.connect(mark_review)
        ai.suggest_handler = comments.suggest_generated
        # The panels follow a scene before its document is in the editor: marked again then.
        window.editor.scene_loaded.connect(lambda _scene_id: mark_review())
        self._dock("comments", "Comments", comments, right)
        self.docks["comments"].hide()
        comment = window.menus["Edit"].addAction("Co&mment on Selection…")
        comment.setShortcut(QKeySequence("Ctrl+Alt+M"))
        comment.triggered.connect(self.comment_on_selection)
        self._menu_actions.append(comment)
        # Google Docs' key for its suggesting mode (Ctrl+Shift+E, Word's, is the Inspector).
        suggest = window.menus["Edit"].addAction("&Suggest Changes")
        suggest.setObjectName("suggest_changes")
        suggest.setCheckable(True)
        suggest.setChecked(window.suggesting.on)
        suggest.setShortcut(QKeySequence("Ctrl+Alt+Shift+X"))
        suggest.setStatusTip("Your edits become suggestions the author accepts or rejects")
        suggest.toggled.connect(self._suggest_changes)
        self._menu_actions.append(suggest)

        sync = SyncPanel(library, background=window.background)
        sync.keep_lost_books = bool(window.settings.value(KEEP_LOST_KEY, False, type=bool))
        inbox = InboxButton(library, window.background)
        window.statusBar().addPermanentWidget(inbox)
        window.statusBar().addPermanentWidget(sync)
        self.widgets["sync"] = sync
        self.widgets["inbox"] = inbox
        # After each sync: roles may have changed (the read-only banner), and the inbox.
        sync.state_changed.connect(lambda state, _detail: self._after_sync(state))
        inbox.joined.connect(lambda _book_id: sync.sync_now())
        inbox.refresh()
        window.editor.edited.connect(lambda *_: sync.notify_edited())
        # What a sync brings (codex entries too) reloads the binder, which has the panels
        # forget what they keep of each book (see reload_binder).
        sync.changes_arrived.connect(window.sync_applied)

        window.editor.context_menu_builders.append(self.build_editor_menu)
        window.editor.ctrl_click_handlers.append(self.open_codex_at)
        book_menu = window.menus["Book"]
        for text, name, factory, keys in BOOK_DIALOGS:
            action = book_menu.addAction(text)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(
                lambda _c=False, n=name, f=factory: self.open_book_dialog(n, f)
            )
            self._menu_actions.append(action)
        typography = book_menu.addAction("Typographic &Punctuation…")
        typography.triggered.connect(lambda: self.convert_typography())
        self._menu_actions.append(typography)
        snapshots = book_menu.addAction("Scene &Snapshots…")
        snapshots.setShortcut(QKeySequence("Ctrl+Shift+S"))
        snapshots.triggered.connect(self.open_snapshots)
        self._menu_actions.append(snapshots)
        account = window.menus["File"].addAction("&Account…")
        account.setObjectName("account")
        account.setStatusTip("Your plan on the sync server: usage, upgrade, billing, invoices")
        account.triggered.connect(self.open_account)
        self._menu_actions.append(account)
        two_factor = window.menus["File"].addAction("Two-Factor Sign-&In…")
        two_factor.triggered.connect(self.open_two_factor)
        self._menu_actions.append(two_factor)
        keep = book_menu.addAction("&Keep Copies of Books No Longer Shared With Me")
        keep.setCheckable(True)
        keep.setChecked(sync.keep_lost_books)
        keep.setToolTip(
            "When an owner removes you from a book (or deletes it), keep it here as your own "
            "private copy instead of taking it out of this library"
        )
        keep.toggled.connect(self._set_keep_lost)
        self._menu_actions.append(keep)
        book_menu.menuAction().setVisible(True)
        window.restore_dock_layout()

    def _suggest_changes(self, on: bool) -> None:
        """Edit › Suggest Changes: the Comments dock shows the suggestions as they are made."""
        window = self.window
        window.suggesting.set_on(on)
        if on:
            self.docks["comments"].show()
            self.docks["comments"].raise_()
            window.statusBar().showMessage(
                "Suggesting: what you type and delete becomes suggestions "
                "(accept or reject them in the Comments dock).",
                6000,
            )
        else:
            window.statusBar().showMessage("Editing: your changes go straight into the text.", 4000)

    def comment_on_selection(self) -> str | None:
        """Edit › Comment on Selection… (Ctrl+Alt+M): shows the Comments dock and asks."""
        panel = self.widgets.get("comments")
        if panel is None:
            return None
        self.docks["comments"].show()
        self.docks["comments"].raise_()
        return panel.comment_on_selection()

    def open_account(self) -> QWidget | None:
        """File › Account…"""
        from desktop.dialogs.account import AccountDialog

        if self.library is None:
            return None
        dialog = AccountDialog(self.library, self.window.widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.dialogs["AccountDialog"] = dialog
        dialog.destroyed.connect(lambda *_: self.dialogs.pop("AccountDialog", None))
        return dialog

    def open_two_factor(self) -> QWidget | None:
        """File › Two-Factor Sign-In…"""
        from desktop.dialogs.two_factor import TwoFactorDialog

        if self.library is None:
            return None
        dialog = TwoFactorDialog(self.library, self.window.widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.dialogs["TwoFactorDialog"] = dialog
        dialog.destroyed.connect(lambda *_: self.dialogs.pop("TwoFactorDialog", None))
        return dialog

    def _set_keep_lost(self, keep: bool) -> None:
        self.window.settings.setValue(KEEP_LOST_KEY, keep)
        sync = self.widgets.get("sync")
        if sync is not None:
            sync.keep_lost_books = keep

    def _after_sync(self, state: str) -> None:
        inbox = self.widgets.get("inbox")
        if state == SYNCED:
            self.window.refresh_standing()
            if inbox is not None:
                inbox.refresh()
        elif state == SIGNED_OUT and inbox is not None:
            inbox.setVisible(False)

    def _book_panels(self, book_id: str) -> None:
        """Codex and statistics follow the book being worked on."""
        library = self.library
        if library is None or book_id == self.book_id:
            return
        self.book_id = book_id
        window = self.window
        panel_classes: tuple[tuple[str, type[CodexPanel] | type[StatsPanel], str], ...] = (
            ("codex", CodexPanel, "Codex"),
            ("stats", StatsPanel, "Targets and Statistics"),
        )
        for key, cls, title in panel_classes:
            existing = self.widgets.get(key)
            if existing is not None:
                existing.set_book(book_id)
                continue
            panel = cls(library, book_id)
            self._dock(key, title, panel, Qt.DockWidgetArea.RightDockWidgetArea)
            if key == "stats":
                self.docks[key].hide()
                window.autosaver_saved_hooks.append(partial(_refresh_if_shown, panel))
            elif isinstance(panel, CodexPanel):
                panel.codex_changed.connect(self._codex_changed)
        self.refresh_codex_names(rehighlight=False)

    def _codex_changed(self) -> None:
        self.forget_book_data(self.book_id)
        self.refresh_codex_names()

    def forget_book_data(self, book_id: str | None = None) -> None:
        """What the panels keep of a book (or of every book) may have changed: read it again.

        Called when the codex changes, after the binder is reloaded (an import, a restore from
        the trash) and after a sync brought changes from elsewhere.
        """
        inspector = self.widgets.get("inspector")
        if inspector is not None:
            inspector.forget_characters(book_id)

    def scene_changed_elsewhere(self, node: BinderNode) -> None:
        """A sync changed the open scene: show its details again, unless the writer is in
        the inspector (what they type there is saved as they type and would be reset)."""
        inspector = self.widgets.get("inspector")
        if inspector is None or inspector.isAncestorOf(QApplication.focusWidget()):
            return
        inspector.set_scene(node.id, node.book_id)

    def detach(self) -> None:
        editor = self.window.editor
        for hooks, hook in (
            (editor.context_menu_builders, self.build_editor_menu),
            (editor.ctrl_click_handlers, self.open_codex_at),
        ):
            while hook in hooks:
                hooks.remove(hook)  # type: ignore[arg-type]
        for widget in list(self.widgets.values()):
            shutdown = getattr(widget, "shutdown", None)
            if callable(shutdown):
                shutdown()
        for dock in self.docks.values():
            self.window.menus["View"].removeAction(dock.toggleViewAction())
            self.window.removeDockWidget(dock)
            dock.deleteLater()
        for key in ("sync", "inbox"):  # status-bar widgets, not docks
            widget = self.widgets.get(key)
            if widget is not None and key not in self.docks:
                self.window.statusBar().removeWidget(widget)
                widget.deleteLater()
        for action in self._menu_actions:
            for menu in ("Book", "File"):
                self.window.menus[menu].removeAction(action)
        for dialog in self.dialogs.values():
            dialog.close()
        self._menu_actions.clear()
        self.docks.clear()
        self.widgets.clear()
        self.dialogs.clear()
        self.book_id = None

    # -------------------------------------------------------------- following the editor

    def node_shown(self, node: BinderNode, view: SceneView | None = None) -> None:
        """Follow the node the window now shows; ``view`` is the scene as it read it."""
        self._book_panels(node.book_id)
        scene_id = node.id if node.kind is NodeKind.SCENE else None
        chapter_id = None
        if node.kind is NodeKind.SCENE and node.parent is not None:
            chapter_id = node.parent.id
        elif node.kind is NodeKind.CHAPTER:
            chapter_id = node.id
        inspector = self.widgets.get("inspector")
        if inspector is not None:
            # A note has no synopsis, status or labels: say so rather than "No scene open".
            note = node.kind is NodeKind.NOTE
            if node.kind is NodeKind.CHAPTER:
                inspector.set_chapter(node.id, node.title, node.synopsis, node.status)
            else:
                inspector.set_scene(
                    scene_id,
                    node.book_id,
                    "Research note: not part of the book" if note else "",
                    view=view,
                )
        comments = self.widgets.get("comments")
        if comments is not None:
            editable = node.kind in (NodeKind.SCENE, NodeKind.NOTE)
            comments.set_scene(node.id if editable else None)
        ai = self.widgets.get("ai")
        if ai is not None:
            # A hidden AI panel reads the scene's history when it is shown, not on every switch.
            ai.set_scene(scene_id, read_history=ai.isVisible())
        search = self.widgets.get("search")
        if search is not None:
            search.set_scope_context(node.book_id, chapter_id, scene_id)

    def refresh_codex_names(self, rehighlight: bool = True) -> None:
        codex = self.widgets.get("codex")
        names = codex.names() if codex is not None else None
        self.codex_names = list(names or [])
        # The scenes' kept documents carry the old names' marks: they are made afresh.
        self.window.editor.forget_kept_documents()

        if rehighlight and self.window.editor.scene_id:
            # The open scene's marks change in place: reloading it would lose its undo
            # history and move nothing else.
            document = self.window.editor.document()
            layers = document.findChildren(CodexHighlighter)
            if layers:
                for layer in layers:
                    layer.set_entries(self.codex_names)
            elif self.codex_names:
                CodexHighlighter(document, self.codex_names)
            for spell in document.findChildren(SpellCheckHighlighter):
                spell.rehighlight_all()  # codex names are never misspellings

    # -------------------------------------------------------------- find highlights

    def highlight_hits(self) -> None:
        """Mark in the editor the open scene's matches of the Find panel's last search, while
        the panel is shown (extra selections: they move with the writer's edits)."""
        editor = self.window.editor
        panel, dock = self.widgets.get("search"), self.docks.get("search")
        shown = panel is not None and dock is not None and dock.isVisible()
        hits = list(getattr(panel, "hits", []) or []) if shown else []
        mark = QTextCharFormat()
        mark.setBackground(QColor(255, 202, 40, 140))
        selections: list[QTextEdit.ExtraSelection] = []
        size = editor.document().characterCount()
        for hit in hits:
            if hit.scene_id != editor.scene_id or hit.field != "text":
                continue
            if hit.offset + hit.length >= size:
                continue  # the text changed since the search
            cursor = QTextCursor(editor.document())
            cursor.setPosition(hit.offset)
            cursor.setPosition(hit.offset + hit.length, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = mark
            selections.append(selection)
        editor.set_extra("find", selections)

    # -------------------------------------------------------------- the editor's menu

    def codex_name_at(self, position: int) -> Any | None:
        """The codex name (kind, entry id, name) marked at a document position, if any."""
        from desktop.editor.codex_highlighter import CodexHighlighter

        document = self.window.editor.document()
        layer = next(iter(document.findChildren(CodexHighlighter)), None)
        block = document.findBlock(position)
        if layer is None or not block.isValid():
            return None
        offset = position - block.position()
        for start, end, name in layer.matches(block.text()):
            if start <= offset <= end:
                return name
        return None

    def open_codex_at(self, position: int) -> bool:
        """Ctrl+click on a codex name: show its entry in the Codex panel."""
        name = self.codex_name_at(position)
        panel, dock = self.widgets.get("codex"), self.docks.get("codex")
        if name is None or panel is None or dock is None:
            return False
        dock.show()
        dock.raise_()
        return bool(panel.open_entry(name.kind, name.entry_id))

    def build_editor_menu(self, menu: QMenu, position: int) -> None:
        """Spelling suggestions, Add to Dictionary and Ignore on a misspelled word; Open in
        Codex on a codex name; the spelling switch."""
        from desktop.editor.spellcheck import add_spelling_actions

        editor = self.window.editor
        add_spelling_actions(menu, editor, position)
        name = self.codex_name_at(position)
        if name is not None:
            action = QAction(f"Open “{name.name}” in Codex", menu)
            action.triggered.connect(lambda _c=False, p=position: self.open_codex_at(p))
            if menu.actions():
                first = menu.actions()[0]
                menu.insertAction(first, action)
                menu.insertSeparator(first)
            else:
                menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.window.actions_by_name["spelling"])

    def add_layers(self, document: QTextDocument) -> None:
        """Codex names and spelling on a scene's new document, before it is shown."""
        if self.codex_names:
            CodexHighlighter(document, self.codex_names)
        if document.characterCount() > MAX_SPELLCHECK_CHARS:
            # Checking a scene this long would hold up the editor for seconds.
            self.window.statusBar().showMessage(
                "Spelling is not checked in this very long scene (over ~50,000 words); "
                "split it into scenes to have it checked.",
                10000,
            )
        else:
            # Made even with spelling off, so the switch can turn it on in place.
            layer = SpellCheckHighlighter(
                document, self.window.book_language(), background=self.window.background
            )
            if not self.window.spelling_enabled:
                layer.enabled = False

    # -------------------------------------------------------------- dialogs

    def open_book_dialog(self, name: str, factory: BookDialogFactory) -> QWidget | None:
        library, node = self.library, self.window.current_node
        if library is None or node is None:
            return None
        self.window.save_now()
        try:
            dialog = factory(library, node.book_id, self.window.widget)
        except AuthorWorksError as exc:  # the book cannot be read, say: the writer is told
            self.window.show_error("Cannot open", str(exc))
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.dialogs[name] = dialog
        dialog.destroyed.connect(lambda *_: self.dialogs.pop(name, None))
        return dialog

    def convert_typography(self, *, confirm: bool = True) -> int:
        """Book › Typographic Punctuation: curly quotes, dashes and ellipses in every scene of
        the book shown, each scene snapshotted first. Returns how many scenes changed."""
        from core.store.typography import smarten_book

        library, node = self.library, self.window.current_node
        if library is None or node is None:
            return 0
        book = node
        while book.parent is not None:
            book = book.parent
        if confirm:
            answer = QMessageBox.question(
                self.window.widget,
                "Typographic Punctuation",
                f"Curl the quotes and set the dashes and ellipses in every scene of "
                f"“{book.title}”?\n\nEach scene that changes keeps its old text as a snapshot.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        self.window.save_now()
        try:
            with library.session() as session:
                result = smarten_book(session=session, book_id=book.book_id)
        except AuthorWorksError as exc:
            self.window.show_error("Typographic Punctuation", str(exc))
            return 0
        changed = [c.scene_id for c in result.changes]
        if changed:
            self.window.on_scenes_changed_elsewhere(changed)
        self.window.statusBar().showMessage(
            f"Typographic punctuation in {count_of(len(changed), 'scene')} of “{book.title}” "
            "(the old text of each is in its Snapshots)",
            10000,
        )
        return len(changed)

    def open_snapshots(self) -> QWidget | None:
        library, scene_id = self.library, self.window.editor.scene_id
        node = self.window.current_node
        if library is None or not scene_id or node is None or node.kind is not NodeKind.SCENE:
            # Snapshots are kept for scenes only, not research notes.
            self.window.statusBar().showMessage("Open a scene to see its snapshots", 5000)
            return None
        from desktop.dialogs.snapshots import SnapshotsDialog

        self.window.save_now()
        dialog = SnapshotsDialog(library, scene_id, self.window.widget)
        dialog.about_to_change.connect(
            lambda _sid: self.window.save_now(), Qt.ConnectionType.DirectConnection
        )
        dialog.restored.connect(lambda sid: self.window.on_scenes_changed_elsewhere([sid]))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.dialogs["SnapshotsDialog"] = dialog
        dialog.destroyed.connect(lambda *_: self.dialogs.pop("SnapshotsDialog", None))
        return dialog
