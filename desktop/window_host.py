"""What the main window's command mixins need from the window they are mixed into.

:class:`~desktop.binder_commands.BinderCommands` and :class:`~desktop.view_commands.ViewCommands`
(and the other mixins) are written as parts of :class:`~desktop.main_window.MainWindow`, which
inherits them. They cannot name ``MainWindow`` as their base (it inherits from them), so the
type checker is told here, once, which parts of the window they use; ``MainWindow`` is checked
against this list.
At run time the mixins inherit from ``object`` (``MainWindow`` supplies all of it), so this
class exists for the type checker only; its abstract methods are what ``MainWindow`` must define.
A ``Protocol`` would read more naturally, but mypy loses the declared type of a protocol attribute
that an explicit subclass assigns to (python/mypy#19862: ``self.outline_mode = not ...``).
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow, QTreeView

    from core.store import Library
    from desktop.autosave import Autosaver
    from desktop.binder_model import BinderModel, BinderNode, NodeKind
    from desktop.editor import SceneEditor
    from desktop.studio_panels import StudioPanels
    from desktop.theme import ThemeMode

    class CommandWindow(QMainWindow):
        """A main window with the state and operations the command mixins rely on."""

        _library: Library | None
        _current: BinderNode | None
        _settings: QSettings
        autosaver: Autosaver | None
        binder: QTreeView
        binder_model: BinderModel
        editor: SceneEditor
        panels: StudioPanels
        actions_by_name: dict[str, QAction]
        theme: ThemeMode
        theme_actions: dict[ThemeMode, QAction]
        outline_mode: bool

        @property
        @abstractmethod
        def current_node(self) -> BinderNode | None: ...

        @abstractmethod
        def save_now(self) -> bool: ...

        @abstractmethod
        def reload_binder(self) -> None: ...

        @abstractmethod
        def reload_binder_keeping_place(self) -> None: ...

        @abstractmethod
        def reload_current_scene(self) -> None: ...

        @abstractmethod
        def _stored_text(self, kind: NodeKind, node_id: str) -> str: ...

        @abstractmethod
        def select(self, kind: NodeKind, node_id: str) -> bool: ...

        @abstractmethod
        def show_node(self, node: BinderNode) -> None: ...

        @abstractmethod
        def show_error(self, title: str, message: str) -> None: ...

        @abstractmethod
        def _show_empty(self) -> None: ...

else:
    CommandWindow = object
