"""A test hook: type numbered words into the open scene at a steady pace.

Set ``AUTHORWORKS_TEST_TYPING=<milliseconds>`` when starting ``python -m desktop`` and the
window types ``w00001 w00002 ...`` into the scene it opened, one word per interval, printing
``typed <n> <unix time>`` after each. The crash test kills the app with SIGKILL mid-typing
and checks what the library kept. It is inert unless the variable is set.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor

ENV_VAR = "AUTHORWORKS_TEST_TYPING"


def word(number: int) -> str:
    return f"w{number:05d}"


def start_from_env(window: object) -> QTimer | None:
    """Start typing if the environment asks for it; the timer is returned to keep it alive."""
    interval = os.environ.get(ENV_VAR, "")
    if not interval:
        return None
    from desktop.window.main_window import MainWindow

    assert isinstance(window, MainWindow)
    editor = window.editor
    count = 0

    def type_one() -> None:
        nonlocal count
        count += 1
        cursor = editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        editor.setTextCursor(cursor)
        cursor.insertText(word(count) + " ")
        sys.stdout.write(f"typed {count} {time.time():.3f}\n")
        sys.stdout.flush()

    timer = QTimer(window)
    timer.setInterval(int(interval))
    timer.timeout.connect(type_one)
    timer.start()
    sys.stdout.write(f"ready {editor.scene_id}\n")
    sys.stdout.flush()
    return timer
