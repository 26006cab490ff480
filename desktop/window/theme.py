"""Light and dark themes: follow the OS colour scheme, or the writer's choice.

Qt reports the OS scheme through ``QStyleHints.colorScheme()``; not every platform theme
repaints our widgets when it changes, so the palette is set here, from one table of colours
per scheme, with the Fusion style so that it looks the same everywhere.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


class ThemeMode(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


_COLORS = {  # (window, base, text, alternate base, button, highlight, highlighted text)
    "light": ("#f3f1ec", "#fdfcf9", "#22201c", "#f0ede6", "#ebe8e1", "#c9dbf5", "#101418"),
    "dark": ("#23252a", "#1b1d21", "#dcdad5", "#25282d", "#2e3137", "#3c5a84", "#f4f4f4"),
}
# Placeholder text must read as a hint, not as something the writer typed: half-way to the base.
_PLACEHOLDER = {"light": "#8f8a80", "dark": "#7a7873"}


def effective_scheme(mode: ThemeMode | str) -> str:
    """ "light" or "dark": the writer's choice, else what the OS says (light if it says nothing)."""
    mode = ThemeMode(mode)
    if mode is not ThemeMode.SYSTEM:
        return mode.value
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def theme_palette(scheme: str) -> QPalette:
    window, base, text, alt, button, highlight, high_text = (QColor(c) for c in _COLORS[scheme])
    palette = QPalette()
    role = QPalette.ColorRole
    for r, color in (
        (role.Window, window), (role.Base, base), (role.AlternateBase, alt),
        (role.Text, text), (role.WindowText, text), (role.ButtonText, text),
        (role.Button, button), (role.Highlight, highlight), (role.HighlightedText, high_text),
        (role.ToolTipBase, base), (role.ToolTipText, text),
        (role.PlaceholderText, QColor(_PLACEHOLDER[scheme])),
    ):  # fmt: skip
        palette.setColor(r, color)
    dim = QColor(text)
    dim.setAlphaF(0.45)
    for r in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, r, dim)
    return palette


def apply_theme(mode: ThemeMode | str) -> str:
    """Give the application the palette for ``mode``; returns the scheme applied."""
    app = QApplication.instance()
    scheme = effective_scheme(mode)
    if isinstance(app, QApplication):
        app.setStyle("Fusion")
        app.setPalette(theme_palette(scheme))
    return scheme
