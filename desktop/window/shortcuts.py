"""Every frequent action, its menu and its key, in one table (menus and the sheet read it).

Keys are Qt's portable sequences: "Ctrl" is Command on macOS, and standard keys (undo,
full screen ...) follow each platform's convention through ``QKeySequence.StandardKey``.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

Key = str | QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    name: str  # the attribute and lookup name
    menu: str
    text: str
    keys: tuple[Key, ...] = ()


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_library", "File", "&New Library…", ("Ctrl+Shift+N",)),
    ActionSpec("open_library", "File", "&Open Library…", (QKeySequence.StandardKey.Open,)),
    ActionSpec("import", "File", "&Import…", ("Ctrl+Shift+I",)),
    ActionSpec("backup", "File", "&Back Up Library…", ()),
    ActionSpec("restore", "File", "&Restore Backup…", ()),
    ActionSpec("save", "File", "&Save Now", (QKeySequence.StandardKey.Save,)),
    ActionSpec(
        "preferences", "File", "&Preferences…", (QKeySequence.StandardKey.Preferences, "Ctrl+,")
    ),
    ActionSpec("quit", "File", "&Quit", (QKeySequence.StandardKey.Quit, "Ctrl+Q")),
    ActionSpec("undo", "Edit", "&Undo", (QKeySequence.StandardKey.Undo,)),
    ActionSpec("redo", "Edit", "&Redo", (QKeySequence.StandardKey.Redo,)),
    ActionSpec("find", "Edit", "&Find…", (QKeySequence.StandardKey.Find,)),
    ActionSpec("find_replace", "Edit", "Find and &Replace…", ("Ctrl+H",)),
    ActionSpec("find_project", "Edit", "Find in &Project…", ("Ctrl+Shift+F",)),
    ActionSpec("spelling", "Edit", "Check &Spelling as You Type", ("Ctrl+Alt+L",)),
    ActionSpec("dictionary", "Edit", "Personal &Dictionary…", ()),
    ActionSpec("trash", "Edit", "&Trash…", ()),
    ActionSpec("bold", "Format", "&Bold", (QKeySequence.StandardKey.Bold,)),
    ActionSpec("italic", "Format", "&Italic", (QKeySequence.StandardKey.Italic,)),
    ActionSpec("heading1", "Format", "Heading &1", ("Ctrl+1",)),
    ActionSpec("heading2", "Format", "Heading &2", ("Ctrl+2",)),
    ActionSpec("heading3", "Format", "Heading &3", ("Ctrl+3",)),
    ActionSpec("paragraph", "Format", "&Paragraph", ("Ctrl+0",)),
    ActionSpec("scene_break", "Format", "Scene &Break", ("Ctrl+Shift+Return",)),
    ActionSpec("add_book", "Binder", "New &Book…", ()),
    ActionSpec("add_chapter", "Binder", "New &Chapter", ("Ctrl+Shift+C",)),
    ActionSpec("add_scene", "Binder", "New &Scene", ("Ctrl+N",)),
    ActionSpec("add_note", "Binder", "New Research &Note", ("Ctrl+Alt+N",)),
    ActionSpec("rename", "Binder", "&Rename…", ("F2",)),
    ActionSpec("duplicate", "Binder", "&Duplicate", ("Ctrl+D",)),
    # Ctrl+K is the command bar's, as in the command palettes writers know.
    ActionSpec("split_scene", "Binder", "S&plit Scene at Cursor", ("Ctrl+Alt+K",)),
    ActionSpec("merge_scene", "Binder", "&Merge with Next Scene", ("Ctrl+Shift+M",)),
    ActionSpec("delete", "Binder", "Move to &Trash", ("Ctrl+Shift+Backspace",)),
    ActionSpec("move_up", "Binder", "Move &Up", ("Ctrl+Shift+Up",)),
    ActionSpec("move_down", "Binder", "Move &Down", ("Ctrl+Shift+Down",)),
    ActionSpec("full_screen", "View", "&Full Screen", (QKeySequence.StandardKey.FullScreen, "F11")),
    ActionSpec("typewriter", "View", "&Typewriter Scrolling", ("Ctrl+Shift+T",)),
    ActionSpec("outline", "View", "&Outline", ("Ctrl+Shift+O",)),
    ActionSpec("inspector", "View", "&Inspector", ("Ctrl+Shift+E",)),
    ActionSpec("command_bar", "View", "&Command Bar…", ("Ctrl+K",)),
    ActionSpec("shortcuts", "Help", "&Keyboard Shortcuts", ("Ctrl+/",)),
)


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    """The spec's keys; a standard key the platform leaves unbound is skipped."""
    sequences: list[QKeySequence] = []
    for key in spec.keys:
        if isinstance(key, QKeySequence.StandardKey):
            sequences.extend(QKeySequence.keyBindings(key))
        else:
            sequences.append(QKeySequence(key))
    unique: list[QKeySequence] = []
    for seq in sequences:
        if not seq.isEmpty() and seq not in unique:
            unique.append(seq)
    return unique


def spec(name: str) -> ActionSpec:
    for item in ACTIONS:
        if item.name == name:
            return item
    raise KeyError(name)


def menu_shortcuts(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, action, key) for every action in the window's menus that has a key.

    Read from the menus themselves, so that actions added by panels (Export, Snapshots ...)
    are listed too; only each action's first key is shown, as the menus show it, not the
    platform's extra bindings of a standard key (Undo's F14 and the Undo key).
    """
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, title: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                sub = action.menu()
                assert isinstance(sub, QMenu)
                walk(sub, title)
                continue
            key = action.shortcut()
            if action.isSeparator() or key.isEmpty():
                continue
            text = action.text().replace("&", "").rstrip("…").strip()
            rows.append((title, text, key.toString(QKeySequence.SequenceFormat.NativeText)))

    for top in menu_bar.actions():
        menu = top.menu()
        if isinstance(menu, QMenu) and top.isVisible():
            walk(menu, top.text().replace("&", ""))
    return rows


class ShortcutsSheet(QDialog):
    """Help › Keyboard Shortcuts: every key of the window's menus, as the platform writes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        bar = parent.menuBar() if isinstance(parent, QMainWindow) else None
        if bar is not None:
            rows = menu_shortcuts(bar)
        else:
            rows = [
                (
                    s.menu,
                    s.text.replace("&", "").rstrip("…"),
                    key_sequences(s)[0].toString(QKeySequence.SequenceFormat.NativeText),
                )
                for s in ACTIONS
                if key_sequences(s)
            ]
        self.rows = rows
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, values in enumerate(rows):
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        # The table fills the sheet: no blank band beside the last column.
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 560)
