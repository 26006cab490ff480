"""The main window on a real library: binder, reading view, status bar, import, errors."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QMessageBox

from core.sample import add_sample_book
from core.store import open_library
from core.store.manuscript import list_books, list_chapters, list_scenes
from desktop.binder.model import NodeKind
from desktop.editor.scene_render import SCENE_BREAK_MARK
from desktop.window.main_window import EMPTY_LIBRARY_TEXT, MainWindow


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Message boxes shown, as (title, text); none of them blocks."""
    shown: list[tuple[str, str]] = []

    def critical(parent: object, title: str, text: str, *args: object) -> object:
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    return shown


@pytest.fixture
def sample_window(qtbot, aw_library, errors) -> MainWindow:
    add_sample_book(aw_library)
    window = MainWindow(aw_library)
    qtbot.addWidget(window)
    window.show()
    return window


def _runs(doc: QTextDocument) -> list[tuple[str, bool, bool]]:
    """(text, italic, bold) of each styled run the editor's highlighters laid out; adjacent
    ranges with the same style are joined (a codex name inside italics splits the range)."""
    runs: list[tuple[str, bool, bool]] = []
    block = doc.begin()
    while block.isValid():
        end = -1
        for rng in sorted(block.layout().formats(), key=lambda r: r.start):
            fmt = rng.format
            bold = fmt.fontWeight() >= QFont.Weight.Bold.value
            text = block.text()[rng.start : rng.start + rng.length]
            if not (fmt.fontItalic() or bold):
                end = -1
                continue
            if runs and rng.start == end and runs[-1][1:] == (fmt.fontItalic(), bold):
                runs[-1] = (runs[-1][0] + text, fmt.fontItalic(), bold)
            else:
                runs.append((text, fmt.fontItalic(), bold))
            end = rng.start + rng.length
        block = block.next()
    return runs


def test_binder_shows_the_sample_with_titles_and_counts(sample_window, aw_library) -> None:
    model = sample_window.binder_model
    assert model.rowCount() == 1
    book_index = model.index(0, 0)
    assert model.data(book_index) == "The Glass Orchard"
    with aw_library.session() as s:
        (book,) = list_books(session=s)
        chapters = list_chapters(session=s, book_id=book.id)
        assert model.data(model.index(0, 1)) == f"{book.word_count:,}"
        assert [model.data(model.index(r, 0, book_index)) for r in range(4)] == [
            c.title for c in chapters
        ]
        second = model.index(1, 0, book_index)
        scenes = list_scenes(session=s, chapter_id=chapters[1].id)
        assert model.rowCount(second) == len(scenes) == 3
        assert [model.data(model.index(r, 1, second)) for r in range(3)] == [
            f"{sc.word_count:,}" for sc in scenes
        ]
    # The first book opens fully expanded.
    assert sample_window.binder.isExpanded(book_index)
    assert sample_window.binder.isExpanded(second)


def test_the_window_opens_on_the_first_scene(sample_window, aw_library) -> None:
    node = sample_window.current_node
    assert node is not None and node.kind is NodeKind.SCENE
    assert node.title == "The Last Furnace"
    assert sample_window.binder.currentIndex() == sample_window.binder_model.index_of(node)
    assert sample_window.pages.currentWidget() is sample_window.editor
    text = sample_window.editor.scene_text()
    assert text.startswith("The carrier’s cart left Teo Marsh")
    assert "Orchard" not in text.split("\n")[0]  # the scene alone, no chapter heading
    assert f"{node.words:,} words" in sample_window.selection_label.text()
    book = sample_window.binder_model.books[0]
    assert sample_window.book_label.text() == f"The Glass Orchard · {book.words:,} words"
    assert sample_window.windowTitle().startswith("The Glass Orchard")


def test_selecting_a_scene_renders_italic_and_bold(sample_window) -> None:
    book = sample_window.binder_model.books[0]
    orchard_scene = book.children[0].children[1]
    assert sample_window.select(NodeKind.SCENE, orchard_scene.id)
    assert sample_window.current_node is orchard_scene
    runs = _runs(sample_window.editor.document())
    assert ("Dunstan, the wet spring.", True, False) in runs
    assert ("Wren, the summer the river turned", False, True) in runs
    # The editor holds the stored Markdown itself: markers are kept (and dimmed).
    assert "**Wren, the summer the river turned**" in sample_window.editor.scene_text()
    assert "The Orchard" in sample_window.selection_label.text()


def test_clicking_in_the_binder_shows_the_item(sample_window, qtbot) -> None:
    from PySide6.QtCore import Qt

    model = sample_window.binder_model
    index = model.index(0, 0, model.index(2, 0, model.index(0, 0)))  # Chapter Three, scene 1
    rect = sample_window.binder.visualRect(index)
    qtbot.mouseClick(sample_window.binder.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sample_window.current_node is model.node(index)
    assert sample_window.editor.scene_text().startswith("The storm came up from the west")


def test_a_chapter_shows_its_scenes_one_after_another(sample_window) -> None:
    chapter = sample_window.binder_model.books[0].children[1]
    sample_window.select(NodeKind.CHAPTER, chapter.id)
    doc = sample_window.reader.document()
    lines = [line for line in doc.toPlainText().split("\n") if line]
    assert lines[0] == "Chapter Two: The Assessor"
    assert doc.begin().blockFormat().headingLevel() == 1
    assert lines.count(SCENE_BREAK_MARK) == len(chapter.children) - 1
    for scene in chapter.children:
        assert scene.title in lines
    assert lines.index("The Assessor Calls") < lines.index("First Gather")
    assert sample_window.selection_label.text() == f"{chapter.title} · {chapter.words:,} words"


def test_a_book_shows_its_title_page(sample_window) -> None:
    book = sample_window.binder_model.books[0]
    sample_window.select(NodeKind.BOOK, book.id)
    text = sample_window.reader.toPlainText()
    assert text.startswith("The Glass Orchard")
    assert "4 chapters" in text and f"{book.words:,} words" in text


def test_importing_a_file_adds_a_book_to_the_binder(sample_window, qtbot, tmp_path) -> None:
    manuscript = tmp_path / "winter.md"
    manuscript.write_text(
        "# One\n\nSnow fell *all* night.\n\n* * *\n\nMorning.\n\n# Two\n\nThaw.\n", encoding="utf-8"
    )
    runner = sample_window.import_file(manuscript)
    assert runner is not None
    qtbot.waitUntil(lambda: sample_window.binder_model.rowCount() == 2, timeout=10_000)
    titles = [b.title for b in sample_window.binder_model.books]
    assert titles == ["The Glass Orchard", "winter"]
    new_book = sample_window.binder_model.books[1]
    assert [c.title for c in new_book.children] == ["One", "Two"]
    assert [len(c.children) for c in new_book.children] == [2, 1]
    # The new book's first scene is shown.
    qtbot.waitUntil(lambda: sample_window.current_node is new_book.children[0].children[0])
    assert sample_window.editor.scene_text() == "Snow fell *all* night."
    assert not sample_window.background.lane_busy("library")


def test_a_bad_file_shows_an_error_and_adds_nothing(sample_window, qtbot, tmp_path, errors) -> None:
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.4 not a manuscript")
    sample_window.import_file(bad)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    ((title, message),) = errors
    assert title == "Import failed"
    assert "notes.pdf" in message and "cannot be imported" in message
    assert "Traceback" not in message
    assert sample_window.binder_model.rowCount() == 1
    with sample_window.library.session() as s:
        assert len(list_books(session=s, include_trashed=True)) == 1


def test_an_empty_file_is_an_error_too(sample_window, qtbot, tmp_path, errors) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("   \n", encoding="utf-8")
    sample_window.import_file(empty)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert "empty" in errors[0][1]


def test_opening_something_that_is_not_a_library_keeps_the_current_one(
    sample_window, tmp_path, errors
) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("hello", encoding="utf-8")
    library = sample_window.library
    assert sample_window.open_library_at(junk) is False
    assert errors and "not an AuthorWorks library" in errors[0][1]
    assert sample_window.library is library
    assert sample_window.binder_model.rowCount() == 1

    assert sample_window.open_library_at(tmp_path / "nowhere") is False
    assert "no library here" in errors[1][1]


def test_switching_library_shows_the_other_one(sample_window, tmp_path, errors) -> None:
    other = open_library(tmp_path / "other")
    other.close()
    assert sample_window.open_library_at(tmp_path / "other")
    assert sample_window.library is not None
    assert sample_window.library.root == tmp_path / "other"
    assert sample_window.binder_model.rowCount() == 0
    assert "no books yet" in sample_window.reader.toPlainText()
    assert sample_window.book_label.text() == "No books"
    assert errors == []


def test_a_window_without_a_library(qtbot, errors) -> None:
    window = MainWindow(None)
    qtbot.addWidget(window)
    assert window.binder_model.rowCount() == 0
    assert not window.import_action.isEnabled()
    assert window.import_file(Path("anything.md")) is None
    assert errors == [("Cannot import", "Open a library first.")]
    assert window.reader.toPlainText().startswith(EMPTY_LIBRARY_TEXT.split("\n")[0])


def test_menus_and_shortcuts(sample_window) -> None:
    assert sample_window.open_library_action.shortcut().toString() == "Ctrl+O"
    assert sample_window.import_action.shortcut().toString() == "Ctrl+Shift+I"
    assert sample_window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert sample_window.actions_by_name["italic"].shortcut().toString() == "Ctrl+I"
    assert sample_window.actions_by_name["bold"].shortcut().toString() == "Ctrl+B"
    menus = [a.text() for a in sample_window.menuBar().actions() if a.isVisible()]
    assert menus[:4] == ["&File", "&Edit", "&Format", "&Binder"]
    assert menus[-2:] == ["&View", "&Help"]


def test_closing_the_window_closes_the_library(sample_window) -> None:
    library = sample_window.library
    sample_window.close()
    assert sample_window.library is None
    assert library is not None
    # The engine was disposed; the library file itself is intact and opens again.
    with open_library(library.root) as again, again.session() as s:
        assert len(list_books(session=s)) == 1


def test_cancel_in_the_progress_dialog_stops_the_import(
    sample_window, qtbot, monkeypatch, tmp_path
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    started = threading.Event()

    def slow_import(library, path, *, ctx):  # stands in for a long import
        started.set()
        while True:
            ctx.progress(0, 1, "Reading")
            time.sleep(0.01)

    monkeypatch.setattr("desktop.window.main_window.import_manuscript", slow_import)
    runner = sample_window.import_file(tmp_path / "long.md")
    assert runner is not None and started.wait(10)
    dialog = sample_window.findChild(QProgressDialog)
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(runner.signals.cancelled, timeout=10_000):
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not sample_window.background.lane_busy("library"))
    assert "cancelled" in sample_window.statusBar().currentMessage()
    assert sample_window.binder_model.rowCount() == 1


def test_about_names_the_app(sample_window, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    sample_window.about_action.trigger()
    assert shown and "AuthorWorks" in shown[0]


def test_the_layout_is_remembered(sample_window, qtbot, aw_library) -> None:
    total = sum(sample_window.splitter.sizes())
    sample_window.splitter.setSizes([260, total - 260])
    sizes = sample_window.splitter.sizes()
    sample_window.close()
    again = MainWindow(None)
    qtbot.addWidget(again)
    assert again.splitter.sizes()[0] == sizes[0]
