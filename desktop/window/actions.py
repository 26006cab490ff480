"""QActions made from the shortcuts table, and the menus that hold them.

Each table row is also an entry of the studio's command registry (``core.commands``), and
its QAction runs through that entry: the menus, the keys and the command bar (Ctrl+K)
dispatch the same way, so an action added to the table is in the bar by existing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from core.commands.registry import Command, Registry
from desktop.window.shortcuts import ACTIONS, key_sequences

_ROLES = {
    "quit": QAction.MenuRole.QuitRole,
    "preferences": QAction.MenuRole.PreferencesRole,
}
MENU_ORDER = ("File", "Edit", "Format", "Binder", "Book", "View", "Help")


def build_actions(
    window: QMainWindow,
    handlers: dict[str, Callable[[], object]],
    registry: Registry | None = None,
) -> tuple[dict[str, QAction], dict[str, QMenu]]:
    """One QAction per table row that has a handler, in menus in the table's order; each
    also an entry ``studio:MENU.NAME`` of ``registry``, which the action dispatches through."""
    registry = registry if registry is not None else Registry()
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
        command = studio_command(spec.menu, spec.name, spec.text, handler)
        registry.add(command)
        action.triggered.connect(lambda _checked=False, n=command.name: registry.trigger(n))
        menus[spec.menu].addAction(action)
        actions[spec.name] = action
    return actions, menus


def studio_command(
    menu: str, name: str, text: str, handler: Callable[[], object], *, changes: bool = False
) -> Command:
    """The registry entry of a menu item: found by its words, run by its handler."""
    label = text.replace("&", "").rstrip("…").strip()
    words = label.casefold().split()
    keywords = {**{w: 1.5 for w in words if len(w) > 2}, " ".join(words): 3.0}
    return Command(
        name=f"studio:{menu.casefold()}.{name}",
        description=f"{menu} › {label}",
        aliases=(label,),
        keywords=keywords,
        changes=changes,
        source="studio",
        trigger=handler,
    )
