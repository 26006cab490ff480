"""QActions made from the shortcuts table, and the menus that hold them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop.window.shortcuts import ACTIONS, key_sequences

_ROLES = {
    "quit": QAction.MenuRole.QuitRole,
    "preferences": QAction.MenuRole.PreferencesRole,
}
MENU_ORDER = ("File", "Edit", "Format", "Binder", "Book", "View", "Help")


def build_actions(
    window: QMainWindow, handlers: dict[str, Callable[[], object]]
) -> tuple[dict[str, QAction], dict[str, QMenu]]:
    """One QAction per table row that has a handler, in menus in the table's order."""
    menus: dict[str, QMenu] = {}
    for title in MENU_ORDER:
        menus[title] = window.menuBar().addMenu(f"&{title}")
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        handler = handlers.get(spec.name)
        if handler is None:
            continue
        action = QAction(spec.text, window)
        action.setObjectName(f"action_{spec.name}")
        action.setShortcuts(key_sequences(spec))
        action.setMenuRole(_ROLES.get(spec.name, QAction.MenuRole.NoRole))
        action.triggered.connect(lambda _checked=False, h=handler: h())
        menus[spec.menu].addAction(action)
        actions[spec.name] = action
    return actions, menus
