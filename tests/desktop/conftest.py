"""Desktop tests run with the same binding work-arounds as the app.

- qt_workarounds: see its docstring.
- Garbage collection happens on the GUI thread only, as in the app
  (desktop/runtime/main_thread_gc.py):
  during a test automatic collection is off, so a job's worker thread can never destroy a Qt
  object; before and after each test the test's own thread collects.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from desktop.runtime.qt_workarounds import keep_none_alive

keep_none_alive()


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread_only() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.fixture
def sample_studio(qtbot, aw_library, tmp_path):  # type: ignore[no-untyped-def]
    """The studio window, shown, on a library holding the sample book (settings in tmp)."""
    from PySide6.QtCore import QSettings

    from core.sample import add_sample_book
    from desktop.window.main_window import MainWindow

    add_sample_book(aw_library)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(aw_library, settings=settings)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    qtbot.waitExposed(window)
    return window
