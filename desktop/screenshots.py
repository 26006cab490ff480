"""Screenshots of the desktop window, for the docs and for eyeballing a change.

    python -m desktop.screenshots OUT_DIR [--width 1280 --height 800]

Starts the main window on a temporary library holding the sample book, under whatever
QT_QPA_PLATFORM is set (``xvfb-run -a`` with ``xcb`` gives real fonts and styles; ``offscreen``
works anywhere), and saves ``QWidget.grab()`` PNGs into OUT_DIR:

- ``main-window.png``: the window as it opens, on the first scene of the sample;
- ``chapter.png``: a whole chapter selected, its scenes one after another.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path


def _save(widget: object, path: Path) -> None:
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    pixmap = widget.grab()
    # Written beside the target and moved into place: never a half-written PNG.
    tmp = path.with_name(path.name + ".tmp.png")
    if not pixmap.save(str(tmp), "PNG", 0):  # quality 0: smallest PNG, still lossless
        raise OSError(f"{path}: could not write the screenshot")
    os.replace(tmp, path)
    print(f"{path} {pixmap.width()}x{pixmap.height()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.screenshots")
    parser.add_argument("out_dir", type=Path, help="folder to write the PNGs into")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    args.out_dir.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings

    from core.sample import open_default_library
    from desktop.app import create_application
    from desktop.binder_model import NodeKind
    from desktop.main_window import MainWindow

    _app = create_application()  # held: the QApplication must outlive the window

    def settle() -> None:
        # Let layout, fonts and the window manager catch up before grabbing.
        for _ in range(10):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    with tempfile.TemporaryDirectory(prefix="authorworks-shot-") as tmp:
        # Settings in the temp folder: the user's window layout neither shapes the
        # screenshots nor is overwritten by them.
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(open_default_library(Path(tmp) / "library"), settings=settings)
        window.resize(args.width, args.height)
        window.show()
        settle()
        _save(window, args.out_dir / "main-window.png")

        book = window.binder_model.books[0]
        window.select(NodeKind.CHAPTER, book.children[1].id)
        settle()
        _save(window, args.out_dir / "chapter.png")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
