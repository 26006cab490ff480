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
    ActionSpec("delete", "Binder", "Move to &Trash", ("Ctrl+Shift+Backspace",)),
    ActionSpec("move_up", "Binder", "Move &Up", ("Ctrl+Shift+Up",)),
    ActionSpec("move_down", "Binder", "Move &Down", ("Ctrl+Shift+Down",)),
    ActionSpec("full_screen", "View", "&Full Screen", (QKeySequence.StandardKey.FullScreen, "F11")),
    ActionSpec("typewriter", "View", "&Typewriter Scrolling", ("Ctrl+Shift+T",)),
    ActionSpec("outline", "View", "&Outline", ("Ctrl+Shift+O",)),
    ActionSpec("inspector", "View", "&Inspector", ("Ctrl+Shift+E",)),
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


class ShortcutsSheet(QDialog):
    """Help › Keyboard Shortcuts: the table above, as the platform writes keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        rows = [(s.menu, s.text.replace("&", "").rstrip("…"), s) for s in ACTIONS if s.keys]
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        self.table.verticalHeader().hide()
        for row, (menu, text, item) in enumerate(rows):
            keys = ", ".join(
                seq.toString(QKeySequence.SequenceFormat.NativeText) for seq in key_sequences(item)
            )
            for col, value in enumerate((menu, text, keys)):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 560)
