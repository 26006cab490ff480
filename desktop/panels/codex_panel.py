"""The codex panel: a book's characters, locations and lore, listed, filtered and edited.

``CodexPanel(library, book_id)`` lists the entries by kind with a filter box, and edits the
selected one in a form (name, aliases, the fields of its kind, an image). Double-clicking an
entry, or :meth:`open_entry` (for the editor's Ctrl+click), emits ``entry_activated(kind,
entry_id)``; ``codex_changed`` is emitted whenever names may have changed, so the editor can
refresh its :class:`~desktop.editor.codex_highlighter.CodexHighlighter` from :meth:`names`.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError
from core.store.assets import asset_path
from core.store.codex import (
    EDITABLE_FIELDS,
    CodexName,
    add_codex_entry,
    codex_kind,
    codex_names,
    delete_codex_entry,
    get_codex_entry,
    list_codex,
    set_codex_image,
    update_codex_entry,
)
from core.store.library import Library
from core.store.manuscript import get_book

KIND_LABELS = {"character": "Characters", "location": "Locations", "lore": "Lore"}
_SINGULAR = {"character": "Character", "location": "Location", "lore": "Lore entry"}
_ROLE = Qt.ItemDataRole.UserRole


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class CodexPanel(QWidget):
    """Lists and edits a book's codex."""

    entry_activated = Signal(str, str)  # kind, entry id
    codex_changed = Signal()

    def __init__(self, library: Library, book_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.book_id = book_id
        self._current: tuple[str, str] | None = None
        self._image_asset_id: str | None = None

        self.kind_box = QComboBox()
        self.kind_box.addItem("All kinds", "")
        for kind, label in KIND_LABELS.items():
            self.kind_box.addItem(label, kind)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name or alias")
        self.filter_edit.setClearButtonEnabled(True)
        self.new_button = QToolButton()
        self.new_button.setText("New")
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        new_menu = QMenu(self.new_button)
        for kind, label in _SINGULAR.items():
            action = new_menu.addAction(label)
            action.triggered.connect(partial(self._create_from_menu, kind))
        self.new_button.setMenu(new_menu)
        self.delete_button = QPushButton("Delete")
        self.list = QListWidget()
        self.list.setAccessibleName("Codex entries")

        top = QHBoxLayout()
        top.addWidget(self.kind_box)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.delete_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.list)

        # The form: every field exists once; fields of other kinds are hidden.
        self.name_edit = QLineEdit()
        self.aliases_edit = QLineEdit()
        self.aliases_edit.setPlaceholderText("Other names, separated by commas")
        self.role_edit = QLineEdit()
        self.category_edit = QLineEdit()
        self.traits_edit = QLineEdit()
        self.traits_edit.setPlaceholderText("Traits, separated by commas")
        self.description_edit = QPlainTextEdit()
        self.background_edit = QPlainTextEdit()
        self.pinned_box = QCheckBox("Always include in AI context")
        self.image_label = QLabel("No image")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setMinimumHeight(120)
        self.choose_image_button = QPushButton("Choose Image…")
        self.remove_image_button = QPushButton("Remove Image")
        self.save_button = QPushButton("Save")
        self.revert_button = QPushButton("Revert")
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.form = QFormLayout()
        self.form.addRow("Name", self.name_edit)
        self.form.addRow("Aliases", self.aliases_edit)
        self.form.addRow("Role", self.role_edit)
        self.form.addRow("Category", self.category_edit)
        self.form.addRow("Traits", self.traits_edit)
        self.form.addRow("Description", self.description_edit)
        self.form.addRow("Background", self.background_edit)
        self.form.addRow("", self.pinned_box)
        image_buttons = QHBoxLayout()
        image_buttons.addWidget(self.choose_image_button)
        image_buttons.addWidget(self.remove_image_button)
        self.form.addRow("Image", self.image_label)
        self.form.addRow("", image_buttons)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        self.editor = QWidget()
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.addLayout(self.form)
        editor_layout.addWidget(self.message)
        editor_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.kind_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.list.itemActivated.connect(self._on_item_activated)
        self.delete_button.clicked.connect(lambda: self.delete_current())
        self.save_button.clicked.connect(self.save_current)
        self.revert_button.clicked.connect(self._load_current)
        self.choose_image_button.clicked.connect(self.choose_image)
        self.remove_image_button.clicked.connect(lambda: self.set_image(None))
        self.reload()

    # ------------------------------------------------------------------ listing

    def set_book(self, book_id: str) -> None:
        """Show another book's codex."""
        self.book_id = book_id
        self._current = None
        self.reload()

    def reload(self, select: tuple[str, str] | None = None) -> None:
        """Re-read the list from the library, keeping (or moving to) a selection."""
        select = select or self._current
        kind = self.kind_box.currentData() or None
        self.list.blockSignals(True)
        self.list.clear()
        with self.library.session() as s:
            for entry in list_codex(session=s, book_id=self.book_id, kind=kind):
                entry_kind = codex_kind(entry)
                item = QListWidgetItem(entry.name)
                item.setData(_ROLE, (entry_kind, entry.id))
                item.setData(_ROLE + 1, " ".join([entry.name, *(entry.aliases or [])]).casefold())
                item.setToolTip(f"{_SINGULAR[entry_kind]}: {entry.name}")
                self.list.addItem(item)
        self.list.blockSignals(False)
        self._apply_filter(self.filter_edit.text())
        if select is not None and self._select_item(select):
            return
        self._current = None
        self._load_current()

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(needle) and needle not in item.data(_ROLE + 1))

    def _select_item(self, key: tuple[str, str]) -> bool:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if self._key_of(item) == key:
                self.list.setCurrentItem(item)
                self._current = key
                self._load_current()
                return True
        return False

    def entry_keys(self) -> list[tuple[str, str]]:
        """(kind, id) of the entries listed (hidden by the filter or not), in order."""
        return [self._key_of(self.list.item(r)) for r in range(self.list.count())]

    def visible_names(self) -> list[str]:
        return [
            self.list.item(r).text()
            for r in range(self.list.count())
            if not self.list.item(r).isHidden()
        ]

    def names(self) -> list[CodexName]:
        """The names and aliases to highlight in the editor (for CodexHighlighter)."""
        with self.library.session() as s:
            return codex_names(session=s, book_id=self.book_id)

    def current_entry(self) -> tuple[str, str] | None:
        return self._current

    def open_entry(self, kind: str, entry_id: str) -> bool:
        """Select an entry (the kind filter is cleared if it hides it) and announce it."""
        if not self._select_item((kind, entry_id)):
            self.kind_box.setCurrentIndex(0)
            self.filter_edit.clear()
            if not self._select_item((kind, entry_id)):
                return False
        self.entry_activated.emit(kind, entry_id)
        return True

    def _on_current_changed(self, current: QListWidgetItem | None, _prev: object) -> None:
        self._current = self._key_of(current) if current is not None else None
        self._load_current()

    @staticmethod
    def _key_of(item: QListWidgetItem) -> tuple[str, str]:
        kind, entry_id = item.data(_ROLE)
        return str(kind), str(entry_id)

    def _create_from_menu(self, kind: str, _checked: bool = False) -> None:
        self.create_entry(kind)

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        kind, entry_id = item.data(_ROLE)
        self.entry_activated.emit(kind, entry_id)

    # ------------------------------------------------------------------ the form

    def _load_current(self) -> None:
        self.message.clear()
        key = self._current
        self.editor.setEnabled(key is not None)
        self.delete_button.setEnabled(key is not None)
        if key is None:
            for edit in (self.name_edit, self.aliases_edit, self.role_edit, self.category_edit):
                edit.clear()
            self.traits_edit.clear()
            self.description_edit.clear()
            self.background_edit.clear()
            self._show_image(None)
            return
        with self.library.session() as s:
            try:
                entry = get_codex_entry(session=s, kind=key[0], entry_id=key[1])
            except AuthorWorksError as exc:
                self.message.setText(str(exc))
                return
            self.name_edit.setText(entry.name)
            self.aliases_edit.setText(", ".join(entry.aliases or []))
            self.description_edit.setPlainText(entry.description)
            self.pinned_box.setChecked(bool(entry.pinned))
            self.role_edit.setText(getattr(entry, "role", ""))
            self.category_edit.setText(getattr(entry, "category", ""))
            self.traits_edit.setText(", ".join(getattr(entry, "traits", None) or []))
            self.background_edit.setPlainText(getattr(entry, "background", ""))
            self._image_asset_id = entry.image_asset_id
            path = None
            if entry.image_asset_id:
                from core.domain import Asset

                asset = s.get(Asset, entry.image_asset_id)
                path = asset_path(self.library, asset) if asset is not None else None
        fields = EDITABLE_FIELDS[key[0]]
        for name, widget in (
            ("role", self.role_edit),
            ("category", self.category_edit),
            ("traits", self.traits_edit),
            ("background", self.background_edit),
        ):
            self.form.setRowVisible(widget, name in fields)
        self._show_image(path)

    def _show_image(self, path: Path | None) -> None:
        pixmap = QPixmap(str(path)) if path is not None and path.exists() else QPixmap()
        if pixmap.isNull():
            self.image_label.setPixmap(QPixmap())
            self.image_label.setText("No image")
        else:
            self.image_label.setPixmap(
                pixmap.scaled(
                    160,
                    160,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.remove_image_button.setEnabled(not pixmap.isNull())

    def form_values(self) -> dict[str, object]:
        """What the form holds, as fields for update_codex_entry."""
        assert self._current is not None
        values: dict[str, object] = {
            "name": self.name_edit.text(),
            "aliases": _split_list(self.aliases_edit.text()),
            "description": self.description_edit.toPlainText(),
            "pinned": self.pinned_box.isChecked(),
            "role": self.role_edit.text().strip(),
            "category": self.category_edit.text().strip(),
            "traits": _split_list(self.traits_edit.text()),
            "background": self.background_edit.toPlainText(),
        }
        allowed = {"name", "aliases", *EDITABLE_FIELDS[self._current[0]]}
        return {k: v for k, v in values.items() if k in allowed}

    def save_current(self) -> bool:
        """Write the form to the selected entry; False (and a message) if it is refused."""
        if self._current is None:
            return False
        kind, entry_id = self._current
        try:
            with self.library.session() as s:
                entry = get_codex_entry(session=s, kind=kind, entry_id=entry_id)
                update_codex_entry(session=s, entry=entry, **self.form_values())
        except AuthorWorksError as exc:
            self.message.setText(str(exc))
            return False
        self.reload(select=(kind, entry_id))
        self.message.setText("Saved.")
        self.codex_changed.emit()
        return True

    # ------------------------------------------------------------------ create, delete, image

    def create_entry(self, kind: str, name: str | None = None) -> str:
        """Add an entry of ``kind`` (named "New character" etc. unless given) and select it."""
        with self.library.session() as s:
            book = get_book(session=s, book_id=self.book_id)
            entry = add_codex_entry(
                session=s, book=book, kind=kind, name=name or f"New {_SINGULAR[kind].lower()}"
            )
            entry_id = entry.id
        if self.kind_box.currentData() not in ("", kind):
            self.kind_box.setCurrentIndex(0)
        self.filter_edit.clear()
        self.reload(select=(kind, entry_id))
        self.name_edit.setFocus()
        self.name_edit.selectAll()
        self.codex_changed.emit()
        return entry_id

    def delete_current(self, *, confirm: bool = True) -> bool:
        """Move the selected entry to the trash (after asking, unless ``confirm`` is False)."""
        if self._current is None:
            return False
        kind, entry_id = self._current
        if confirm:
            answer = QMessageBox.question(
                self,
                "Delete codex entry",
                f"Move “{self.name_edit.text()}” to the trash? You can restore it from there.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        with self.library.session() as s:
            delete_codex_entry(
                session=s, entry=get_codex_entry(session=s, kind=kind, entry_id=entry_id)
            )
        self._current = None
        self.reload()
        self.codex_changed.emit()
        return True

    def choose_image(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose an image", "", "Images (*.png *.jpg *.jpeg *.gif *.webp)"
        )
        if path:
            self.set_image(Path(path))

    def set_image(self, source: Path | bytes | None) -> bool:
        """Give the selected entry an image (a file or its bytes), or remove it with None."""
        if self._current is None:
            return False
        kind, entry_id = self._current
        try:
            with self.library.session() as s:
                entry = get_codex_entry(session=s, kind=kind, entry_id=entry_id)
                set_codex_image(session=s, library=self.library, entry=entry, source=source)
        except AuthorWorksError as exc:
            self.message.setText(str(exc))
            return False
        self._load_current()
        return True
