"""The inspector: the open scene's synopsis, status, POV character, setting, notes and labels.

Edits are written a moment after the writer stops typing in a field (small writes: a few
milliseconds), and ``scene_changed(scene_id, field, value)`` tells the window to update the
binder (status colour, synopsis tooltip) and the corkboard.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from core.errors import AuthorWorksError
from core.store import Library
from core.store.codex import list_codex
from core.store.manuscript import get_scene

STATUSES = ("idea", "outline", "draft", "revised", "final")
SAVE_DELAY_MS = 500


class InspectorPanel(QWidget):
    """Fields of one scene; ``set_scene(None)`` empties and disables them."""

    scene_changed = Signal(str, str, object)  # scene id, field, new value
    failed = Signal(str)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.library = library
        self.scene_id: str | None = None
        self._loading = False
        self._dirty: set[str] = set()
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
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes to yourself")
        form = QFormLayout(self)
        form.addRow(self.title)
        form.addRow("Synopsis", self.synopsis)
        form.addRow("Status", self.status)
        form.addRow("POV", self.pov)
        form.addRow("Setting", self.setting)
        form.addRow("Labels", self.labels)
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

    def set_scene(self, scene_id: str | None, book_id: str | None = None) -> None:
        """Show ``scene_id`` (saving the previous scene's pending edits first)."""
        self.save()
        self.scene_id = scene_id
        self._loading = True
        try:
            for field in (self.synopsis, self.notes):
                field.setPlainText("")
            self.setting.setText("")
            self.labels.setText("")
            self.pov.clear()
            self.pov.addItem("—", None)
            if scene_id is None:
                self.title.setText("No scene open")
                self.setEnabled(False)
                return
            with self.library.session() as session:
                scene = get_scene(session=session, scene_id=scene_id)
                book_id = book_id or scene.chapter.book_id
                for character in list_codex(session=session, book_id=book_id, kind="character"):
                    self.pov.addItem(character.name, character.id)
                self.title.setText(f"<b>{scene.title or 'Untitled scene'}</b>")
                self.synopsis.setPlainText(scene.synopsis)
                self.notes.setPlainText(scene.notes)
                self.setting.setText(scene.setting)
                self.labels.setText(", ".join(scene.labels or []))
                self.status.setCurrentText(scene.status)
                index = self.pov.findData(scene.pov_character_id)
                self.pov.setCurrentIndex(max(0, index))
            self.setEnabled(True)
        except AuthorWorksError as exc:
            self.failed.emit(str(exc))
        finally:
            self._loading = False
            self._dirty.clear()

    def _edited(self, field: str) -> None:
        if self._loading or self.scene_id is None:
            return
        self._dirty.add(field)
        self._timer.start()

    def values(self) -> dict[str, object]:
        labels = [part.strip() for part in self.labels.text().split(",") if part.strip()]
        return {
            "synopsis": self.synopsis.toPlainText(),
            "notes": self.notes.toPlainText(),
            "setting": self.setting.text().strip(),
            "labels": labels,
            "status": self.status.currentText().strip() or "draft",
            "pov_character_id": self.pov.currentData(),
        }

    def save(self) -> None:
        """Write the fields edited since the last save."""
        self._timer.stop()
        if not self._dirty or self.scene_id is None:
            return
        fields, self._dirty = self._dirty, set()
        values = self.values()
        try:
            with self.library.session() as session:
                scene = get_scene(session=session, scene_id=self.scene_id)
                for field in fields:
                    setattr(scene, field, values[field])
        except AuthorWorksError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a full or read-only disk: say so, keep the fields
            self._dirty |= fields
            self.failed.emit(f"The scene's details were not saved: {exc}".splitlines()[0])
            return
        for field in sorted(fields):
            self.scene_changed.emit(self.scene_id, field, values[field])
