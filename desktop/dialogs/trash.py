"""Edit › Trash…: what was deleted, newest first, with Restore."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError
from core.store import Library
from core.store.trash import list_trash, restore_from_trash


class TrashDialog(QDialog):
    """Lists the library's trash; ``restored`` fires (kind, id) after each restore."""

    restored = Signal(str, str)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trash")
        self.library = library
        self.items = QListWidget()
        self.message = QLabel()
        self.restore_button = QPushButton("&Restore")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.items)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(480, 380)
        self.reload()

    def reload(self) -> None:
        self.items.clear()
        with self.library.session() as session:
            entries = list_trash(session=session)
        for entry in entries:
            when = entry.deleted_at.strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{entry.kind.title()}: {entry.title}  ·  deleted {when}")
            item.setData(Qt.ItemDataRole.UserRole, (entry.kind, entry.id))
            self.items.addItem(item)
        if self.items.count():
            self.items.setCurrentRow(0)
        self.restore_button.setEnabled(self.items.count() > 0)
        self.message.setText("" if entries else "The trash is empty.")

    def restore_selected(self) -> None:
        item = self.items.currentItem()
        if item is None:
            return
        kind, item_id = item.data(Qt.ItemDataRole.UserRole)
        try:
            with self.library.session() as session:
                restore_from_trash(session=session, kind=kind, item_id=item_id)
        except AuthorWorksError as exc:
            self.message.setText(str(exc))
            return
        self.reload()
        self.restored.emit(kind, item_id)
