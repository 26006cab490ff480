"""The View menu's commands: full screen, typewriter scrolling, theme, preferences, the
outline (corkboard), find, and the shortcuts sheet. :class:`ViewCommands` keeps the view's own
state (outline mode, theme, the docks hidden by full screen) for the window it is given."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QDockWidget, QMenu

from desktop.dialogs.preferences import THEME_KEY, PreferencesDialog, save_look
from desktop.window.host import StudioWindow
from desktop.window.shortcuts import ShortcutsSheet
from desktop.window.theme import ThemeMode, apply_theme, theme_palette


class ViewCommands:
    """The View menu's commands and state, for one window."""

    def __init__(self, window: StudioWindow, theme: ThemeMode) -> None:
        self.window = window
        self.theme = theme
        self.outline_mode = False
        self.theme_actions: dict[ThemeMode, QAction] = {}
        self._docks_before_full_screen: list[QDockWidget] = []

    def build_theme_menu(self, view_menu: QMenu) -> None:
        theme_menu = view_menu.addMenu("&Theme")
        for mode, label in ((ThemeMode.SYSTEM, "Follow the &System"), (ThemeMode.LIGHT, "&Light"),
                            (ThemeMode.DARK, "&Dark")):  # fmt: skip
            action = theme_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(mode is self.theme)
            action.triggered.connect(lambda _c=False, m=mode: self.set_theme(m))
            self.theme_actions[mode] = action

    def toggle_full_screen(self) -> None:
        """Distraction-free: only the page, full screen; F11 or Esc brings the rest back."""
        entering = not self.window.widget.isFullScreen()
        self.window.binder.setVisible(not entering)
        self.window.menuBar().setVisible(not entering)
        self.window.statusBar().setVisible(not entering)
        if entering:
            self._docks_before_full_screen = [
                d for d in self.window.panels.docks.values() if d.isVisible()
            ]
            for dock in self._docks_before_full_screen:
                dock.hide()
        else:
            for dock in self._docks_before_full_screen:
                dock.show()
            self._docks_before_full_screen = []
        self.window.actions_by_name["full_screen"].setChecked(entering)
        if entering:
            self.window.widget.showFullScreen()
            self.window.editor.setFocus()
        else:
            self.window.widget.showNormal()

    def handle_key(self, event: QKeyEvent) -> bool:
        """Esc leaves full screen; True if the key was taken."""
        if event.key() == Qt.Key.Key_Escape and self.window.widget.isFullScreen():
            self.toggle_full_screen()
            return True
        return False

    def toggle_typewriter(self) -> None:
        look = replace(self.window.editor.look, typewriter=not self.window.editor.look.typewriter)
        self.window.editor.apply_look(look)
        save_look(self.window.settings, look)
        self.window.actions_by_name["typewriter"].setChecked(look.typewriter)

    def set_theme(self, mode: ThemeMode) -> None:
        self.theme = mode
        self.window.settings.setValue(THEME_KEY, mode.value)
        scheme = apply_theme(mode)
        # The palette just applied, not the editor's: that one reaches the editor later, and
        # reading it here gave the markup the old theme's colour (invisible in dark mode).
        self.window.editor.set_text_color(theme_palette(scheme).text().color())
        for other, action in self.theme_actions.items():
            action.setChecked(other is mode)

    def on_os_scheme_changed(self, _scheme: object) -> None:
        if self.theme is ThemeMode.SYSTEM:
            self.set_theme(ThemeMode.SYSTEM)

    def show_preferences(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.window.editor.look, self.theme, self.window.widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            look = dialog.chosen_look()
            self.window.editor.apply_look(look)
            save_look(self.window.settings, look)
            self.window.actions_by_name["typewriter"].setChecked(look.typewriter)
            self.set_theme(dialog.chosen_theme())

        dialog.accepted.connect(accepted)
        dialog.show()
        return dialog

    def open_find(self, scope: str, *, replace: bool = False) -> bool:
        """Edit › Find (Ctrl+F), Find and Replace (Ctrl+H), Find in Project (Ctrl+Shift+F).

        Shows the Find and Replace panel searching ``scope`` ("scene" ... "library"), with the
        editor's selection as the query when it is one line, and the field to type in focused.
        """
        dock = self.window.panels.docks.get("search")
        panel = self.window.panels.widgets.get("search")
        if dock is None or panel is None:
            return False
        panel.set_scope(scope)
        selected = self.window.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) <= 200:
            panel.query_edit.setText(selected)
        dock.show()
        dock.raise_()
        field = panel.replace_edit if replace and panel.query_edit.text() else panel.query_edit
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()
        if panel.query_edit.text():
            panel.start_search()
        return True

    def show_shortcuts(self) -> ShortcutsSheet:
        sheet = ShortcutsSheet(self.window.widget)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.show()
        return sheet

    def toggle_outline(self) -> None:
        """Chapters and books as a corkboard of cards instead of a reading page."""
        self.outline_mode = not self.outline_mode
        self.window.actions_by_name["outline"].setChecked(self.outline_mode)
        node = self.window.current_node
        if node is None:
            return
        # A scene shows its chapter's cards; a research note, its Research folder's.
        if node.kind.value in ("scene", "note") and node.parent is not None and self.outline_mode:
            self.window.select(node.parent.kind, node.parent.id)
        else:
            self.window.show_node(node)

    def toggle_inspector(self) -> None:
        dock = self.window.panels.docks.get("inspector")
        if dock is not None:
            dock.setVisible(not dock.isVisible())
