"""What the window's collaborators may use of the window: one explicit interface.

:class:`~desktop.binder.commands.BinderCommands`,
:class:`~desktop.window.view_commands.ViewCommands`,
:class:`~desktop.window.sync_refresh.SyncRefresh`,
:class:`~desktop.window.library_files.LibraryFiles`
and :class:`~desktop.panels.studio_panels.StudioPanels` are each handed the window and see it
through :class:`StudioWindow` alone, so none of them imports the main window (no import circle)
and a reader can tell from this list what a change to the window may break.
:class:`~desktop.window.main_window.MainWindow` satisfies it structurally (mypy checks that
where it hands itself over).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import (
        QDockWidget,
        QMainWindow,
        QMenu,
        QMenuBar,
        QStatusBar,
        QTreeView,
    )

    from core.commands.registry import Registry
    from core.store import Library
    from core.sync.status import SharedBook
    from desktop.binder.model import BinderModel, BinderNode, NodeKind
    from desktop.editor import SceneEditor
    from desktop.editor.autosave import Autosaver
    from desktop.jobs.background import Background


class PanelsView(Protocol):
    """What the window's commands use of its docks."""

    @property
    def docks(self) -> dict[str, QDockWidget]: ...

    @property
    def widgets(self) -> dict[str, Any]: ...

    def scene_changed_elsewhere(self, node: BinderNode) -> None: ...


class LiveBinding(Protocol):
    """What the window's collaborators ask of its live session (desktop.window.live_session)."""

    def absorb_stored(self, scene_id: str) -> bool:
        """Take the library's copy of the open scene's document into the live one; False
        when the scene is not bound to its room."""
        ...

    def live_text(self, scene_id: str) -> Any:
        """The live document of ``scene_id`` if it is the bound scene, else None."""
        ...

    def note_review_change(self, scene_id: str) -> None:
        """A comment changed in the live document: have autosave store it."""
        ...

    @property
    def scene_book_id(self) -> str:
        """The book of the bound scene ("" when none)."""
        ...

    @property
    def local(self) -> bool:
        """Whether the bound scene's document is held here without a room."""
        ...

    def bind_current(self) -> None:
        """Bind the scene shown now afresh."""
        ...

    def hold_document(self, scene_id: str) -> Any:
        """The live document of the scene shown, bound here first when it is not live."""
        ...

    def unbind_scene(self) -> None: ...


class SuggestingMode(Protocol):
    """What the live session asks of suggesting mode (desktop.window.suggesting)."""

    @property
    def active(self) -> bool:
        """Whether the editor shows the bound scene in suggesting mode."""
        ...

    @property
    def on(self) -> bool:
        """Whether the writer turned the mode on (Edit › Suggest Changes)."""
        ...

    def set_on(self, on: bool) -> None: ...

    def wanted(self, book_id: str) -> bool: ...

    def attach(self, live: Any, book_id: str) -> None: ...

    def detach(self) -> None: ...

    def render(self, cursor: int | None = None) -> None: ...


class StudioWindow(Protocol):
    """The main window as its collaborators see it."""

    @property
    def widget(self) -> QMainWindow:
        """The window itself, as the parent of dialogs and docks."""
        ...

    @property
    def library(self) -> Library | None: ...

    @property
    def current_node(self) -> BinderNode | None: ...

    @property
    def settings(self) -> QSettings: ...

    @property
    def autosaver(self) -> Autosaver | None: ...

    @property
    def live(self) -> LiveBinding: ...

    @property
    def suggesting(self) -> SuggestingMode: ...

    @property
    def shared(self) -> dict[str, SharedBook]: ...

    @property
    def background(self) -> Background: ...

    @property
    def binder(self) -> QTreeView: ...

    @property
    def binder_model(self) -> BinderModel: ...

    @property
    def editor(self) -> SceneEditor: ...

    @property
    def panels(self) -> PanelsView: ...

    @property
    def actions_by_name(self) -> dict[str, QAction]: ...

    @property
    def studio_registry(self) -> Registry: ...

    @property
    def menus(self) -> dict[str, QMenu]: ...

    @property
    def outline_mode(self) -> bool: ...

    @property
    def spelling_enabled(self) -> bool: ...

    def statusBar(self) -> QStatusBar: ...

    def menuBar(self) -> QMenuBar: ...

    def addDockWidget(self, area: Qt.DockWidgetArea, dock: QDockWidget) -> None: ...

    def removeDockWidget(self, dock: QDockWidget) -> None: ...

    def tabifyDockWidget(self, first: QDockWidget, second: QDockWidget) -> None: ...

    def dockWidgetArea(self, dock: QDockWidget) -> Qt.DockWidgetArea: ...

    def restore_dock_layout(self) -> None: ...

    def save_now(self) -> bool: ...

    def reload_binder(self) -> None: ...

    def reload_binder_keeping_place(self) -> None: ...

    def reload_current_scene(self) -> None: ...

    def stored_text(self, kind: NodeKind, node_id: str) -> str: ...

    def select(self, kind: NodeKind, node_id: str) -> bool: ...

    def show_node(self, node: BinderNode) -> None: ...

    def show_empty(self) -> None: ...

    def show_error(self, title: str, message: str) -> None: ...

    def book_language(self) -> str: ...

    def set_library(self, library: Library | None) -> None: ...

    def open_library_at(self, path: Path | str, *, create: bool = False) -> bool: ...

    def open_scene_at(self, scene_id: str, offset: int, length: int) -> None: ...

    def on_scenes_changed_elsewhere(self, scene_ids: list[str]) -> None: ...

    def on_scene_details_changed(self, scene_id: str, field: str, value: object) -> None: ...

    def on_chapter_details_changed(self, chapter_id: str, field: str, value: object) -> None: ...

    def on_label_colors_changed(self, book_id: str, colors: dict[str, str]) -> None: ...

    def sync_applied(self) -> None: ...

    def refresh_standing(self) -> None: ...

    def is_read_only(self, book_id: str) -> bool: ...

    @property
    def autosaver_saved_hooks(self) -> list[Any]: ...
