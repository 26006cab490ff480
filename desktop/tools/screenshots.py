"""Screenshots of the desktop window, for the docs and for eyeballing a change.

    python -m desktop.tools.screenshots OUT_DIR [--width 1280 --height 800]

Starts the main window on a temporary library holding the sample book, under whatever
QT_QPA_PLATFORM is set (``xvfb-run -a`` with ``xcb`` gives real fonts and styles; ``offscreen``
works anywhere), and saves ``QWidget.grab()`` PNGs into OUT_DIR:

- ``main-window.png``: binder and editor, as the window opens on the first scene;
- ``chapter.png``: a whole chapter selected, its scenes one after another;
- ``corkboard.png``: the outline view, a chapter's scenes as index cards;
- ``book-corkboard.png``: the outline view of the whole book, a row of cards per chapter;
- ``labels.png``: the binder with scenes' labels as coloured dots, and the inspector;
- ``research.png``: the book's Research folder open in the binder, a research note in the editor;
- ``codex.png``: the codex panel beside the editor (when the codex module is present);
- ``dark.png``: the editor in the dark theme;
- ``full-screen.png``: distraction-free full screen (at the screen's size).

For the README: ``QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24"
.venv/bin/python -m desktop.tools.screenshots resources/screenshots``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

MAX_BYTES = 200_000  # screenshots go in the repository and the README: keep them light


def _shrink(path: Path) -> None:
    """Re-encode a PNG over MAX_BYTES with a 256-colour palette (text stays crisp)."""
    if path.stat().st_size <= MAX_BYTES:
        return
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    tmp = path.with_name(path.name + ".tmp.png")
    small.save(tmp, "PNG", optimize=True)
    os.replace(tmp, path)


def _save(widget: object, path: Path) -> None:
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    pixmap = widget.grab()
    # Written beside the target and moved into place: never a half-written PNG.
    tmp = path.with_name(path.name + ".tmp.png")
    if not pixmap.save(str(tmp), "PNG", 0):  # quality 0: smallest PNG, still lossless
        raise OSError(f"{path}: could not write the screenshot")
    os.replace(tmp, path)
    _shrink(path)
    print(f"{path} {pixmap.width()}x{pixmap.height()} {path.stat().st_size // 1000} KB")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.tools.screenshots")
    parser.add_argument("out_dir", type=Path, help="folder to write the PNGs into")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    args.out_dir.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings

    from core.sample import open_default_library
    from desktop.app import create_application
    from desktop.binder.model import NodeKind
    from desktop.window.main_window import MainWindow
    from desktop.window.theme import ThemeMode

    _app = create_application()  # held: the QApplication must outlive the window

    def settle() -> None:
        # Let layout, fonts and the window manager catch up before grabbing.
        for _ in range(10):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    with tempfile.TemporaryDirectory(prefix="authorworks-shot-") as tmp:
        # Settings in the temp folder: the user's window layout neither shapes the
        # screenshots nor is overwritten by them.
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        library = open_default_library(Path(tmp) / "library")
        _label_some_scenes(library)
        _add_research_notes(library)
        window = MainWindow(library, settings=settings)
        window.resize(args.width, args.height)
        window.show()
        settle()
        _save(window, args.out_dir / "main-window.png")

        book = window.binder_model.books[0]
        window.select(NodeKind.CHAPTER, book.children[1].id)
        settle()
        _save(window, args.out_dir / "chapter.png")

        window.view.toggle_outline()
        settle()
        _save(window, args.out_dir / "corkboard.png")
        window.select(NodeKind.BOOK, book.id)
        settle()
        _save(window, args.out_dir / "book-corkboard.png")
        window.view.toggle_outline()

        window.binder.expandAll()
        labelled = book.children[0].children[0]
        window.select(NodeKind.SCENE, labelled.id)
        window.panels.docks["inspector"].show()
        window.panels.docks["inspector"].raise_()
        settle()
        _save(window, args.out_dir / "labels.png")

        if book.research is not None and book.research.children:
            window.select(NodeKind.NOTE, book.research.children[0].id)
            window.binder.scrollToBottom()
            settle()
            _save(window, args.out_dir / "research.png")

        scene = book.children[0].children[1]
        window.select(NodeKind.SCENE, scene.id)
        codex = window.panels.docks.get("codex")
        if codex is not None:
            codex.show()
            codex.raise_()
            settle()
            _save(window, args.out_dir / "codex.png")
            window.panels.docks["inspector"].raise_()

        _shoot_spelling_menu(window, settle, args.out_dir / "spelling-menu.png")
        _shoot_find(window, settle, args.out_dir / "find-highlights.png")

        window.view.set_theme(ThemeMode.DARK)
        settle()
        _save(window, args.out_dir / "dark.png")
        window.view.set_theme(ThemeMode.LIGHT)
        settle()
        _save(window, args.out_dir / "light-again.png")

        window.view.toggle_full_screen()
        settle()
        _save(window, args.out_dir / "full-screen.png")
        window.view.toggle_full_screen()
        window.close()
    return 0


def _shoot_spelling_menu(window: Any, settle: Callable[[], None], path: Path) -> None:
    """The editor's right-click menu on a misspelt word, shown over the window."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QTextCursor

    editor = window.editor
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.insertText("Teh ")  # a misspelling at the top of the scene
    layer = _spelling_layer(editor)
    for _ in range(100):  # the dictionary loads in the background
        if layer is None or layer.is_ready():
            break
        settle()
    settle()
    place = QTextCursor(editor.document())
    place.setPosition(1)
    point = editor.cursorRect(place).center()
    menu = editor.context_menu_at(point)
    menu.popup(editor.viewport().mapToGlobal(point + QPoint(4, 4)))
    settle()
    shot = window.grab()
    from PySide6.QtGui import QPainter

    painter = QPainter(shot)
    painter.drawPixmap(menu.geometry().topLeft() - window.geometry().topLeft(), menu.grab())
    painter.end()
    shot.save(str(path))
    _shrink(path)
    menu.close()
    editor.undo()
    settle()


def _spelling_layer(editor: Any) -> Any:
    from desktop.editor.spellcheck import SpellCheckHighlighter

    return next(iter(editor.document().findChildren(SpellCheckHighlighter)), None)


def _shoot_find(window: Any, settle: Callable[[], None], path: Path) -> None:
    """Find and Replace open, its matches marked in the scene."""
    panel = window.panels.widgets["search"]
    window.view.open_find("scene")
    panel.query_edit.setText("the")
    panel.start_search()
    for _ in range(100):
        if window.editor.extraSelections():
            break
        settle()
    settle()
    _save(window, path)
    window.panels.docks["search"].hide()


def _label_some_scenes(library: object) -> None:
    """Labels on a few sample scenes, so the binder shows its coloured dots."""
    from core.store import Library
    from core.store.labels import ensure_label_colors
    from core.store.manuscript import list_books, list_chapters, list_scenes

    assert isinstance(library, Library)
    picks = (("clue", "night"), ("flashback",), ("clue",), ("night", "flashback", "romance"))
    with library.session() as session:
        for book in list_books(session=session)[:1]:
            scenes = [
                scene
                for chapter in list_chapters(session=session, book_id=book.id)
                for scene in list_scenes(session=session, chapter_id=chapter.id)
            ]
            for scene, labels in zip(scenes, picks, strict=False):
                scene.labels = list(labels)
            ensure_label_colors(session=session, book=book, labels=[lb for p in picks for lb in p])


def _add_research_notes(library: object) -> None:
    """A few research notes in the first book, so the binder shows its Research folder."""
    from core.store import Library
    from core.store.manuscript import list_books
    from core.store.notes import add_note

    assert isinstance(library, Library)
    notes = (
        ("Lighthouse log", "# Keepers' log, 1911\n\nLamp lit at **18:40**. Wind *south-west*, "
         "rising. Fog signal sounded twice before midnight.\n\nSupply boat every second "
         "Thursday, weather allowing."),
        ("Tide tables", "Spring tides at the rock: low water near *04:10*, the causeway dry "
         "for forty minutes at most."),
        ("Names to use", "Agnes, Tobias, Wren, the *Marguerite* (a trawler)."),
    )  # fmt: skip
    with library.session() as session:
        for book in list_books(session=session)[:1]:
            for title, text in notes:
                add_note(session=session, book=book, title=title, text=text)


if __name__ == "__main__":
    sys.exit(main())
