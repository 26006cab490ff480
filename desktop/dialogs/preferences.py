"""Preferences kept in QSettings (never secrets): the editor's look, the theme, recent libraries."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFontComboBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from desktop.editor.scene_editor import EditorLook, prose_font
from desktop.window.theme import ThemeMode

_PREFIX = "editor/"
THEME_KEY = "appearance/theme"
RECENT_KEY = "library/recent"
MAX_RECENT = 8


def _number(value: object, default: float, low: float, high: float) -> float:
    try:
        number = float(str(value))
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def load_look(settings: QSettings) -> EditorLook:
    """The editor's look from settings; anything missing or malformed falls back to defaults."""
    base = EditorLook()
    family = settings.value(_PREFIX + "font_family", base.font_family)
    typewriter = settings.value(_PREFIX + "typewriter", base.typewriter)
    smart = settings.value(_PREFIX + "smart_punctuation", base.smart_punctuation)
    return EditorLook(
        font_family=str(family or ""),
        font_size=_number(settings.value(_PREFIX + "font_size"), base.font_size, 7, 48),
        text_width=int(_number(settings.value(_PREFIX + "text_width"), base.text_width, 300, 2000)),
        line_spacing=int(
            _number(settings.value(_PREFIX + "line_spacing"), base.line_spacing, 100, 250)
        ),
        typewriter=str(typewriter).lower() in ("true", "1"),
        smart_punctuation=str(smart).lower() in ("true", "1"),
    )


def save_look(settings: QSettings, look: EditorLook) -> None:
    settings.setValue(_PREFIX + "font_family", look.font_family)
    settings.setValue(_PREFIX + "font_size", look.font_size)
    settings.setValue(_PREFIX + "text_width", look.text_width)
    settings.setValue(_PREFIX + "line_spacing", look.line_spacing)
    settings.setValue(_PREFIX + "typewriter", look.typewriter)
    settings.setValue(_PREFIX + "smart_punctuation", look.smart_punctuation)


def load_theme(settings: QSettings) -> ThemeMode:
    try:
        return ThemeMode(str(settings.value(THEME_KEY, ThemeMode.SYSTEM.value)))
    except ValueError:
        return ThemeMode.SYSTEM


def recent_libraries(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_KEY, [])
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [str(v) for v in items if v][:MAX_RECENT]


def remember_library(settings: QSettings, path: str) -> list[str]:
    """Put ``path`` first in the recent libraries; returns the new list."""
    paths = [path, *(p for p in recent_libraries(settings) if p != path)][:MAX_RECENT]
    settings.setValue(RECENT_KEY, paths)
    return paths


class PreferencesDialog(QDialog):
    """File › Preferences: font, size, text width, line spacing, typewriter, theme."""

    def __init__(self, look: EditorLook, theme: ThemeMode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.font_box = QFontComboBox()
        # With no font chosen the editor falls back through a list of serifs: show the one it
        # really uses, and keep "no choice" unless the writer picks another (OK alone must
        # not save the box's first entry as the font).
        shown = look.font_family or QFontInfo(prose_font(look)).family()
        self.font_box.setCurrentFont(QFont(shown))
        self._shown_family = self.font_box.currentFont().family()
        self.size_box = QDoubleSpinBox()
        self.size_box.setRange(7, 48)
        self.size_box.setSingleStep(0.5)
        self.size_box.setValue(look.font_size)
        self.width_box = QSpinBox()
        self.width_box.setRange(300, 2000)
        self.width_box.setSingleStep(20)
        self.width_box.setSuffix(" px")
        self.width_box.setValue(look.text_width)
        self.spacing_box = QSpinBox()
        self.spacing_box.setRange(100, 250)
        self.spacing_box.setSingleStep(5)
        self.spacing_box.setSuffix(" %")
        self.spacing_box.setValue(look.line_spacing)
        self.typewriter_box = QCheckBox("Keep the line being typed in the middle of the editor")
        self.typewriter_box.setChecked(look.typewriter)
        self.smart_box = QCheckBox("Curly quotes, apostrophes, dashes and ellipses as you type")
        self.smart_box.setToolTip(
            "Not in screenplays and plays; Ctrl+Z right after gives the plain one"
        )
        self.smart_box.setChecked(look.smart_punctuation)
        self.theme_box = QComboBox()
        for mode, label in ((ThemeMode.SYSTEM, "Follow the system"), (ThemeMode.LIGHT, "Light"),
                            (ThemeMode.DARK, "Dark")):  # fmt: skip
            self.theme_box.addItem(label, mode.value)
        self.theme_box.setCurrentIndex(self.theme_box.findData(theme.value))
        self._look = look
        form = QFormLayout(self)
        form.addRow("Font", self.font_box)
        form.addRow("Size", self.size_box)
        form.addRow("Text width", self.width_box)
        form.addRow("Line spacing", self.spacing_box)
        form.addRow("Typewriter scrolling", self.typewriter_box)
        form.addRow("Typography", self.smart_box)
        form.addRow("Theme", self.theme_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen_look(self) -> EditorLook:
        return replace(
            self._look,
            font_family=self._chosen_family(),
            font_size=self.size_box.value(),
            text_width=self.width_box.value(),
            line_spacing=self.spacing_box.value(),
            typewriter=self.typewriter_box.isChecked(),
            smart_punctuation=self.smart_box.isChecked(),
        )

    def _chosen_family(self) -> str:
        family = self.font_box.currentFont().family()
        return self._look.font_family if family == self._shown_family else family

    def chosen_theme(self) -> ThemeMode:
        return ThemeMode(str(self.theme_box.currentData()))
