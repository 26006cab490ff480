"""The main window's View menu: full screen, typewriter scrolling, theme, preferences,
the outline (corkboard) and the shortcuts sheet. A mixin of the main window."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from desktop.preferences import THEME_KEY, PreferencesDialog, save_look
from desktop.shortcuts import ShortcutsSheet
from desktop.theme import ThemeMode, apply_theme, theme_palette
from desktop.window_host import CommandWindow


class ViewCommands(CommandWindow):
    def toggle_full_screen(self) -> None:
        """Distraction-free: only the page, full screen; F11 or Esc brings the rest back."""
        entering = not self.isFullScreen()
        self.binder.setVisible(not entering)
        self.menuBar().setVisible(not entering)
        self.statusBar().setVisible(not entering)
        if entering:
            self._docks_before_full_screen = [
                d for d in self.panels.docks.values() if d.isVisible()
            ]
            for dock in self._docks_before_full_screen:
                dock.hide()
        else:
            for dock in getattr(self, "_docks_before_full_screen", []):
                dock.show()
            self._docks_before_full_screen = []
        self.actions_by_name["full_screen"].setChecked(entering)
        if entering:
            self.showFullScreen()
            self.editor.setFocus()
        else:
            self.showNormal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.toggle_full_screen()
            return
        super().keyPressEvent(event)

    def toggle_typewriter(self) -> None:
        look = replace(self.editor.look, typewriter=not self.editor.look.typewriter)
        self.editor.apply_look(look)
        save_look(self._settings, look)
        self.actions_by_name["typewriter"].setChecked(look.typewriter)

    def set_theme(self, mode: ThemeMode) -> None:
        self.theme = mode
        self._settings.setValue(THEME_KEY, mode.value)
        scheme = apply_theme(mode)
        # The palette just applied, not the editor's: that one reaches the editor later, and
        # reading it here gave the markup the old theme's colour (invisible in dark mode).
        self.editor.set_text_color(theme_palette(scheme).text().color())
        for other, action in self.theme_actions.items():
            action.setChecked(other is mode)

    def _on_os_scheme_changed(self, _scheme: object) -> None:
        if self.theme is ThemeMode.SYSTEM:
            self.set_theme(ThemeMode.SYSTEM)

    def show_preferences(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.editor.look, self.theme, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            look = dialog.chosen_look()
            self.editor.apply_look(look)
            save_look(self._settings, look)
            self.actions_by_name["typewriter"].setChecked(look.typewriter)
            self.set_theme(dialog.chosen_theme())

        dialog.accepted.connect(accepted)
        dialog.show()
        return dialog

    def open_find(self, scope: str, *, replace: bool = False) -> bool:
        """Edit › Find (Ctrl+F), Find and Replace (Ctrl+H), Find in Project (Ctrl+Shift+F).

        Shows the Find and Replace panel searching ``scope`` ("scene" ... "library"), with the
        editor's selection as the query when it is one line, and the field to type in focused.
        """
        dock = self.panels.docks.get("search")
        panel = self.panels.widgets.get("search")
        if dock is None or panel is None:
            return False
        panel.set_scope(scope)
        selected = self.editor.textCursor().selectedText()
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
        sheet = ShortcutsSheet(self)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.show()
        return sheet

    def toggle_outline(self) -> None:
        """Chapters and books as a corkboard of cards instead of a reading page."""
        self.outline_mode = not self.outline_mode
        self.actions_by_name["outline"].setChecked(self.outline_mode)
        node = self.current_node
        if node is None:
            return
        # A scene shows its chapter's cards; a research note, its Research folder's.
        if node.kind.value in ("scene", "note") and node.parent is not None and self.outline_mode:
            self.select(node.parent.kind, node.parent.id)
        else:
            self.show_node(node)

    def toggle_inspector(self) -> None:
        dock = self.panels.docks.get("inspector")
        if dock is not None:
            dock.setVisible(not dock.isVisible())
