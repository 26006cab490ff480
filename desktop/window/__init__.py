"""The studio window: its menus and actions, the View commands, the library it has open, themes,
and what follows a sync. :class:`~desktop.window.main_window.MainWindow` puts it together."""
