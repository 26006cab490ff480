"""The inspector: the open scene's synopsis, status, POV character, setting, notes and labels.

Edits are written a moment after the writer stops typing in a field (small writes: a few
milliseconds), and ``scene_changed(scene_id, field, value)`` tells the window to update the
binder (status colour, synopsis tooltip) and the corkboard.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)
from sqlalchemy.orm import Session

from core.errors import AuthorWorksError
from core.store import Library
from core.store.labels import ensure_label_colors, set_label_color
from core.store.manuscript import get_book, get_chapter, get_scene
from core.store.scene_view import SceneView, pov_choices, scene_view
from desktop.panels.flow_layout import FlowLayout

STATUSES = ("idea", "outline", "draft", "revised", "final")
SAVE_DELAY_MS = 500


class InspectorPanel(QWidget):
    """Fields of one scene; ``set_scene(None)`` empties and disables them."""

    scene_changed = Signal(str, str, object)  # scene id, field, new value
    failed = Signal(str)
    label_colors_changed = Signal(str, object)  # book id, {label: "#rrggbb"}
    chapter_changed = Signal(str, str, object)  # chapter id, field, new value

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.library = library
        self.scene_id: str | None = None
        self.chapter_id: str | None = None  # a chapter shown: its synopsis and status
        self.book_id: str | None = None
        self.colors: dict[str, str] = {}
        self._loading = False
        self._dirty: set[str] = set()
        # Each book's POV choices, kept between scenes: the codex rarely changes meanwhile, and
        # whatever changes it calls forget_characters (codex panel, trash, sync, reload).
        self._characters: dict[str, list[tuple[str, str]]] = {}
        self._pov_shown: list[tuple[str, str]] | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.synopsis = QPlainTextEdit()
        self.synopsis.setPlaceholderText("What happens in this scene, in a line or two")
        self.synopsis.setMaximumHeight(110)
        self.status = QComboBox()
        self.status.setEditable(True)
        self.status.addItems(STATUSES)
        self.pov = QComboBox()
        self.setting = QLineEdit()
        self.setting.setPlaceholderText("Where and when")
        self.labels = QLineEdit()
        self.labels.setPlaceholderText("comma, separated, labels")
        # One small button per label: its colour, click to change it (for the whole book).
        self.label_buttons = QWidget()
        self.label_buttons.setObjectName("label-colours")
        # Wrapping: a book's labels can be many, and the dock narrow.
        self._label_row = FlowLayout(self.label_buttons, spacing=4)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes to yourself")
        form = QFormLayout(self)
        form.addRow(self.title)
        form.addRow("Synopsis", self.synopsis)
        form.addRow("Status", self.status)
        form.addRow("POV", self.pov)
        form.addRow("Setting", self.setting)
        form.addRow("Labels", self.labels)
        form.addRow("", self.label_buttons)
        form.addRow("Notes", self.notes)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        self.synopsis.textChanged.connect(lambda: self._edited("synopsis"))
        self.notes.textChanged.connect(lambda: self._edited("notes"))
        self.setting.textEdited.connect(lambda _t: self._edited("setting"))
        self.labels.textEdited.connect(lambda _t: self._edited("labels"))
        self.status.currentTextChanged.connect(lambda _t: self._edited("status"))
        self.pov.currentIndexChanged.connect(lambda _i: self._edited("pov_character_id"))
        self.set_scene(None)

    def set_scene(
        self,
        scene_id: str | None,
        book_id: str | None = None,
        empty_title: str = "",
        *,
        view: SceneView | None = None,
    ) -> None:
        """Show ``scene_id`` (saving the previous scene's pending edits first).

        ``view`` is the scene as the window already read it (else it is read here); with no
        scene, ``empty_title`` says why the fields are off (a research note has none).
        ``book_id`` is accepted for callers that know it; the scene's own book is used.
        """
        del book_id  # the scene's row names its book
        self.save()
        self._set_chapter_mode(False)
        self.scene_id = scene_id
        self.book_id = None
        self.colors = {}
        self._loading = True
        try:
            if scene_id is None:
                self._clear_fields()
                self.title.setText(empty_title or "No scene open")
                self._show_label_buttons([])
                self.setEnabled(False)
                return
            if view is None or view.id != scene_id:
                with self.library.session() as session:
                    view = scene_view(session=session, scene_id=scene_id)
            self._show_view(view)
            self.setEnabled(True)
        except AuthorWorksError as exc:
            self._clear_fields()
            self.failed.emit(str(exc))
        finally:
            self._loading = False
            self._dirty.clear()

    def _clear_fields(self) -> None:
        for field in (self.synopsis, self.notes):
            field.setPlainText("")
        self.setting.setText("")
        self.labels.setText("")
        self._show_pov_choices([])

    def _show_view(self, view: SceneView) -> None:
        self.book_id = view.book_id
        self.colors = dict(view.label_colors)
        labels = list(view.labels)
        # Labels new to the book get a colour stored now (rare: a label typed elsewhere).
        self._store_new_labels(labels)
        self._show_label_buttons(labels)
        self._show_pov_choices(self._pov_choices(view.book_id))
        self.title.setText(f"<b>{html.escape(view.display_title)}</b>")
        self.synopsis.setPlainText(view.synopsis)
        self.notes.setPlainText(view.notes)
        self.setting.setText(view.setting)
        self.labels.setText(", ".join(labels))
        self.status.setCurrentText(view.status)
        index = self.pov.findData(view.pov_character_id)
        self.pov.setCurrentIndex(max(0, index))

    # -------------------------------------------------------------- POV choices

    def _pov_choices(self, book_id: str) -> list[tuple[str, str]]:
        """The book's characters (id, name), read once per book until :meth:`forget_characters`."""
        choices = self._characters.get(book_id)
        if choices is None:
            with self.library.session() as session:
                choices = pov_choices(session=session, book_id=book_id)
            self._characters[book_id] = choices
        return choices

    def _show_pov_choices(self, choices: list[tuple[str, str]]) -> None:
        if choices is self._pov_shown:
            return  # the same book's list as the scene before: nothing to rebuild
        self.pov.clear()
        self.pov.addItem("—", None)
        for character_id, name in choices:
            self.pov.addItem(name, character_id)
        self._pov_shown = choices

    def forget_characters(self, book_id: str | None = None) -> None:
        """The codex changed (``book_id``'s, or any book's): read the POV choices again.

        The open scene's list is rebuilt at once, keeping its POV character selected.
        """
        if book_id is None:
            self._characters.clear()
        else:
            self._characters.pop(book_id, None)
        if self.scene_id is None or self.book_id is None:
            return
        if book_id is not None and book_id != self.book_id:
            return
        current = self.pov.currentData()
        was_loading, self._loading = self._loading, True
        try:
            self._show_pov_choices(self._pov_choices(self.book_id))
            index = self.pov.findData(current)
            self.pov.setCurrentIndex(max(0, index))
        except AuthorWorksError as exc:
            self.failed.emit(str(exc))
        finally:
            self._loading = was_loading

    def set_chapter(self, chapter_id: str, title: str, synopsis: str, status: str) -> None:
        """Show a chapter: its synopsis and status are edited here, saved like a scene's."""
        self.save()
        self.scene_id = None
        self.book_id = None
        self._loading = True
        try:
            self._clear_fields()
            self._show_label_buttons([])
            self._set_chapter_mode(True)
            self.chapter_id = chapter_id
            self.title.setText(f"<b>{html.escape(title)}</b>")
            self.synopsis.setPlainText(synopsis)
            self.status.setCurrentText(status or "draft")
            self.setEnabled(True)
        finally:
            self._loading = False
            self._dirty.clear()

    def _set_chapter_mode(self, on: bool) -> None:
        if not on:
            self.chapter_id = None
        self.synopsis.setPlaceholderText(
            "What happens in this chapter, in a line or two"
            if on
            else "What happens in this scene, in a line or two"
        )
        for field in (self.pov, self.setting, self.labels, self.label_buttons, self.notes):
            field.setEnabled(not on)

    def _edited(self, field: str) -> None:
        if self._loading or (self.scene_id is None and self.chapter_id is None):
            return
        self._dirty.add(field)
        self._timer.start()

    def label_list(self) -> list[str]:
        """The labels as typed (comma separated), blanks left out."""
        return [part.strip() for part in self.labels.text().split(",") if part.strip()]

    def values(self) -> dict[str, object]:
        labels = self.label_list()
        return {
            "synopsis": self.synopsis.toPlainText(),
            "notes": self.notes.toPlainText(),
            "setting": self.setting.text().strip(),
            "labels": labels,
            "status": self.status.currentText().strip() or "draft",
            "pov_character_id": self.pov.currentData(),
        }

    def save(self) -> None:
        """Write the fields edited since the last save (of the scene, or the chapter shown)."""
        self._timer.stop()
        if not self._dirty:
            return
        if self.chapter_id is not None:
            chapter_id = self.chapter_id
            fields = self._take_dirty() & {"synopsis", "status"}
            values = self._write(
                fields, lambda s: get_chapter(session=s, chapter_id=chapter_id), "chapter"
            )
            if values is not None:
                for field in sorted(fields):
                    self.chapter_changed.emit(chapter_id, field, values[field])
            return
        if self.scene_id is None:
            return
        scene_id = self.scene_id
        fields = self._take_dirty()
        values = self._write(fields, lambda s: get_scene(session=s, scene_id=scene_id), "scene")
        if values is None:
            return
        for field in sorted(fields):
            self.scene_changed.emit(scene_id, field, values[field])
        if "labels" in fields:
            labels = self.label_list()
            self._store_new_labels(labels)
            self._show_label_buttons(labels)

    def _take_dirty(self) -> set[str]:
        fields, self._dirty = self._dirty, set()
        return fields

    def _write(
        self, fields: set[str], row: Callable[[Session], object], noun: str
    ) -> dict[str, object] | None:
        """Set ``fields`` on the row ``row`` reads; the values written, or None (said why)."""
        values = self.values()
        try:
            with self.library.session() as session:
                target = row(session)
                for field in fields:
                    setattr(target, field, values[field])
        except AuthorWorksError as exc:
            self.failed.emit(str(exc))
            return None
        except Exception as exc:  # a full or read-only disk: say so, keep the fields
            self._dirty |= fields
            self.failed.emit(f"The {noun}'s details were not saved: {exc}".splitlines()[0])
            return None
        return values

    # -------------------------------------------------------------- label colours

    def _store_new_labels(self, labels: list[str]) -> None:
        """Give labels new to the book a default colour, and say so."""
        if self.book_id is None or all(label in self.colors for label in labels):
            return
        try:
            with self.library.session() as session:
                book = get_book(session=session, book_id=self.book_id)
                self.colors = ensure_label_colors(session=session, book=book, labels=labels)
        except AuthorWorksError as exc:
            self.failed.emit(str(exc))
            return
        self.label_colors_changed.emit(self.book_id, dict(self.colors))

    def _show_label_buttons(self, labels: list[str]) -> None:
        while (item := self._label_row.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                # Hidden now: deleteLater waits for the event loop, and until then the old chip
                # would still be painted, under the new ones (a click on a chip lands here too,
                # so it cannot be deleted at once).
                widget.hide()
                widget.deleteLater()
        for position, label in enumerate(labels):
            button = QToolButton()
            button.setObjectName(f"label-colour-{label}")
            button.setText(label)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            color = self.colors.get(label, "#b0b0b0")
            button.setProperty("swatch", color)
            button.setIcon(_swatch(color))
            button.setToolTip(f"Colour of the label “{label}” in this book")
            button.setAutoRaise(True)
            button.clicked.connect(lambda _c=False, name=label: self.pick_label_color(name))
            self._label_row.insertWidget(position, button)

    def label_button_colors(self) -> dict[str, str]:
        """The colour each label button shows (label -> ``#rrggbb``)."""
        shown: dict[str, str] = {}
        for position in range(self._label_row.count()):
            item = self._label_row.itemAt(position)
            button = item.widget() if item is not None else None
            if isinstance(button, QToolButton):
                shown[button.text()] = str(button.property("swatch") or "")
        return shown

    def pick_label_color(self, label: str) -> None:
        chosen = QColorDialog.getColor(QColor(self.colors.get(label, "#b0b0b0")), self, label)
        if chosen.isValid():
            self.set_label_color(label, chosen.name())

    def set_label_color(self, label: str, color: str) -> bool:
        """Store ``color`` for ``label`` in the open scene's book and repaint its buttons."""
        if self.book_id is None:
            return False
        try:
            with self.library.session() as session:
                book = get_book(session=session, book_id=self.book_id)
                self.colors = set_label_color(session=session, book=book, label=label, color=color)
        except AuthorWorksError as exc:
            self.failed.emit(str(exc))
            return False
        self._show_label_buttons(self.label_list())
        self.label_colors_changed.emit(self.book_id, dict(self.colors))
        return True


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)
