"""The QApplication the studio makes (in a fresh process: Qt reads its settings once)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Paints a tall scroll bar (its shaded groove is a fill of 900 spans) and lists the threads.
_PAINT_AND_LIST_THREADS = """
import os
from desktop.app import create_application
app = create_application(["test"])
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QScrollBar
bar = QScrollBar()
bar.resize(16, 900)
bar.setRange(0, 100)
bar.render(QImage(16, 900, QImage.Format.Format_ARGB32_Premultiplied))
tasks = os.listdir("/proc/self/task")
names = [open(f"/proc/self/task/{task}/comm").read().strip() for task in tasks]
print(os.environ.get("QT_NO_GUI_THREADPOOL"), sum(n.startswith("Thread (pooled)") for n in names))
"""


def _run(extra_env: dict[str, str]) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"}
    env.update(QT_QPA_PLATFORM="offscreen", **extra_env)
    done = subprocess.run(
        [sys.executable, "-c", _PAINT_AND_LIST_THREADS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="lists threads through /proc")
def test_painting_stays_on_the_gui_thread() -> None:
    # Qt would hand the big fill to a thread pool and wait for it (milliseconds on a busy
    # machine, for microseconds of work).
    assert _run({}) == ["1", "0"]
    # A value the user set is left as it is.
    assert _run({"QT_NO_GUI_THREADPOOL": "yes"})[0] == "yes"
