"""The QApplication: names, icon, and a last-resort handler for unexpected errors."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from types import TracebackType

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from core.resources import resource_path
from desktop.runtime.main_thread_gc import MainThreadGarbageCollector, collect_on_gui_thread
from desktop.runtime.qt_workarounds import keep_none_alive

APP_NAME = "AuthorWorks"
ORGANIZATION = "AuthorWorks"
ORGANIZATION_DOMAIN = "authorworks.app"
ICON_PATH = resource_path("icons", "authorworks.svg")

_log = logging.getLogger(__name__)


def app_icon() -> QIcon:
    """The application icon (an empty icon if the resource is missing)."""
    return QIcon(str(ICON_PATH)) if ICON_PATH.exists() else QIcon()


# Work that can wait (a spelling dictionary, the keyring) starts this long after the event loop
# has first run: a worker thread running Python competes with the UI thread for the GIL, and
# the window's first layout and paint (a few hundred calls into Python) then take 0.2-0.3 s
# instead of 0.03 s. The writer can type meanwhile; squiggles come a moment later.
BACKGROUND_START_DELAY_MS = 300


def start_when_settled(context: QObject, start: Callable[[], object]) -> None:
    """Call ``start`` (which hands work to a thread) once pending layout and paint are done.

    The zero timer fires after the events already posted (the window's layout and paint);
    the delay then counts from there. Nothing is called if ``context`` is deleted first.
    """
    QTimer.singleShot(
        0, context, lambda: QTimer.singleShot(BACKGROUND_START_DELAY_MS, context, start)
    )


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The running QApplication, created and named on first call."""
    keep_none_alive()
    # Qt's raster engine hands every fill of 96 or more spans (a scroll bar's shaded groove)
    # to a pool of threads and waits for them: the fill takes microseconds, the hand-off and
    # the wait a few milliseconds per scroll bar on a busy machine. Set before Qt reads it
    # (once, at the first such fill); a value the user set is kept.
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setOrganizationDomain(ORGANIZATION_DOMAIN)
    app.setDesktopFileName("authorworks")
    app.setWindowIcon(app_icon())
    if app.findChild(MainThreadGarbageCollector) is None:
        collect_on_gui_thread(app)
        # Small work that belongs to no window stops with the application.
        from desktop.jobs.background import close_shared_background

        app.aboutToQuit.connect(close_shared_background)
    return app


def _show_unexpected_error(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    # An exception escaping a Qt slot would otherwise only reach stderr; the writer
    # gets one clear sentence and the details go to the log.
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    _log.error("unexpected error", exc_info=(kind, exc, tb))
    QMessageBox.critical(
        None, APP_NAME, f"Something went wrong and the last action did not finish.\n\n{exc}"
    )


def install_error_handler() -> None:
    """Show unexpected errors in a message box instead of a traceback on the console."""
    sys.excepthook = _show_unexpected_error
