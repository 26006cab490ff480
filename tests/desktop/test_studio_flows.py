"""What a writer does in the studio: new book, chapters, scenes, typing, reordering, trash."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from core.sample import add_sample_book
from core.store import open_library
from core.store.manuscript import list_books, list_chapters, list_scenes
from desktop.binder.model import NodeKind
from desktop.window.main_window import MainWindow
from desktop.window.shortcuts import ShortcutsSheet
from desktop.window.theme import ThemeMode


@pytest.fixture
def errors(monkeypatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda p, t, m, *a: shown.append((t, m)))
    monkeypatch.setattr(QMessageBox, "warning", lambda p, t, m, *a: shown.append((t, m)))
    return shown


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _window(qtbot, library, settings) -> MainWindow:
    window = MainWindow(library, settings=settings)
    qtbot.addWidget(window)
    window.show()
    return window


def _outline(library) -> list[tuple[str, list[str]]]:
    with library.session() as s:
        (book,) = list_books(session=s)
        return [
            (c.title, [sc.title for sc in list_scenes(session=s, chapter_id=c.id)])
            for c in list_chapters(session=s, book_id=book.id)
        ]


def test_write_a_new_book_quit_and_find_the_text_again(qtbot, aw_library, settings, errors) -> None:
    window = _window(qtbot, aw_library, settings)
    assert window.binder_commands.add_book("Winter Book")
    assert window.current_node is not None and window.current_node.kind is NodeKind.SCENE
    assert window.binder_commands.add_chapter("The Thaw")
    assert window.binder_commands.add_scene("Meltwater")
    assert window.current_node.title == "Meltwater"
    qtbot.keyClicks(window.editor, "Ice cracked")
    window.editor.selectAll()
    window.actions_by_name["italic"].trigger()
    qtbot.waitUntil(lambda: window.save_label.text() == "Saved", timeout=5000)
    root = aw_library.root
    window.close()
    assert errors == []

    assert _outline(open_library(root)) == [
        ("Chapter 1", ["Scene 1"]),
        ("The Thaw", ["Scene 1", "Meltwater"]),
    ]
    again = _window(qtbot, open_library(root), settings)
    chapter = again.binder_model.books[0].children[1]
    again.select(NodeKind.SCENE, chapter.children[1].id)
    assert again.editor.scene_text() == "*Ice cracked*"
    assert chapter.children[1].words == 2
    again.close()


def test_drag_a_scene_to_another_chapter_and_back(qtbot, aw_library, settings, errors) -> None:
    add_sample_book(aw_library)
    window = _window(qtbot, aw_library, settings)
    model = window.binder_model
    book = model.books[0]
    moving = book.children[1].children[0]  # the first scene of chapter two
    title = moving.title
    data = model.mimeData([model.index_of(moving)])
    target = model.index_of(book.children[0])
    assert model.canDropMimeData(data, window.binder.defaultDropAction(), 0, 0, target)
    model.dropMimeData(data, window.binder.defaultDropAction(), 0, 0, target)
    qtbot.waitUntil(lambda: _outline(aw_library)[0][1][0] == title)
    outline = _outline(aw_library)
    assert outline[0][1][0] == title
    assert title not in outline[1][1]
    assert window.current_node is not None and window.current_node.title == title
    # A scene cannot be dropped onto a book; a chapter can be reordered within its book.
    book = model.books[0]
    assert not model.canDropMimeData(
        model.mimeData([model.index_of(book.children[0].children[0])]),
        window.binder.defaultDropAction(), 0, 0, model.index_of(book),
    )  # fmt: skip
    last_chapter = book.children[-1]
    data = model.mimeData([model.index_of(last_chapter)])
    model.dropMimeData(data, window.binder.defaultDropAction(), 0, 0, model.index_of(book))
    qtbot.waitUntil(lambda: _outline(aw_library)[0][0] == last_chapter.title)
    assert errors == []


def test_rename_duplicate_trash_and_restore(qtbot, aw_library, settings, errors) -> None:
    add_sample_book(aw_library)
    window = _window(qtbot, aw_library, settings)
    scene = window.current_node
    assert scene is not None
    assert window.binder_commands.rename_current("Opening")
    assert window.current_node.title == "Opening"
    assert window.binder_commands.duplicate_current()
    assert window.current_node.title == "Opening (copy)"
    copy_id = window.current_node.id
    assert window.editor.scene_text().startswith("The carrier’s cart")
    first_chapter = _outline(aw_library)[0][1]
    assert first_chapter[:2] == ["Opening", "Opening (copy)"]

    assert window.binder_commands.trash_current()
    assert "Opening (copy)" not in _outline(aw_library)[0][1]
    window.binder_commands.show_trash()
    dialog = window.binder_commands.trash_dialog
    assert dialog.items.count() == 1 and "Opening (copy)" in dialog.items.item(0).text()
    dialog.restore_selected()
    assert dialog.items.count() == 0
    assert window.current_node is not None and window.current_node.id == copy_id
    assert "Opening (copy)" in _outline(aw_library)[0][1]
    dialog.close()

    assert window.binder_commands.step_current(-1)
    assert _outline(aw_library)[0][1][:2] == ["Opening (copy)", "Opening"]
    assert errors == []


def test_shortcuts_sheet_full_screen_theme_and_preferences(qtbot, aw_library, settings) -> None:
    add_sample_book(aw_library)
    window = _window(qtbot, aw_library, settings)
    sheet = window.view.show_shortcuts()
    assert isinstance(sheet, ShortcutsSheet)
    rows = {
        sheet.table.item(r, 1).text(): sheet.table.item(r, 2).text()
        for r in range(sheet.table.rowCount())
    }
    assert rows["Bold"] == "Ctrl+B" and rows["Italic"] == "Ctrl+I"
    assert "F11" in rows["Full Screen"]
    sheet.close()

    inspector = window.panels.docks["inspector"]
    assert inspector.isVisible()
    window.view.toggle_full_screen()
    assert not window.binder.isVisible() and not window.menuBar().isVisible()
    assert not inspector.isVisible() and window.editor.isVisible()
    window.view.toggle_full_screen()
    assert window.binder.isVisible() and inspector.isVisible()

    window.view.set_theme(ThemeMode.DARK)
    assert QApplication.palette().color(QPalette.ColorRole.Base).lightness() < 80
    window.view.set_theme(ThemeMode.LIGHT)
    assert QApplication.palette().color(QPalette.ColorRole.Base).lightness() > 200
    assert settings.value("appearance/theme") == "light"

    dialog = window.view.show_preferences()
    dialog.size_box.setValue(17)
    dialog.width_box.setValue(560)
    dialog.accept()
    assert window.editor.look.font_size == 17
    assert window.editor.look.text_width == 560
    assert float(settings.value("editor/font_size")) == 17


def test_backup_and_restore(qtbot, aw_library, settings, errors, tmp_path) -> None:
    add_sample_book(aw_library)
    window = _window(qtbot, aw_library, settings)
    runner = window.files.backup_to(tmp_path / "backup.zip")
    assert runner is not None
    qtbot.waitUntil(lambda: not window.background.lane_busy("library"), timeout=10_000)
    assert (tmp_path / "backup.zip").is_file()
    window.editor.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClicks(window.editor, "Changed later. ")
    window.save_now()
    assert window.files.restore_from(tmp_path / "backup.zip")
    assert window.library is not None
    assert window.editor.scene_text().startswith("The carrier’s cart")
    assert errors == []


def test_a_500000_word_scene_opens_and_takes_typing(qtbot, aw_library, settings, errors) -> None:
    from core.store.manuscript import add_chapter, add_scene, create_book

    text = "\n\n".join(["word " * 250] * 2000)  # 500,000 words in 2,000 paragraphs
    with aw_library.session() as s:
        book = create_book(session=s, title="Huge")
        chapter = add_chapter(session=s, book=book, title="One")
        scene_id = add_scene(session=s, chapter=chapter, title="All of it", text=text).id
    window = _window(qtbot, aw_library, settings)
    window.select(NodeKind.SCENE, scene_id)
    assert window.editor.scene_text() == text
    assert "Spelling is not checked" in window.statusBar().currentMessage()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " end")
    assert window.save_now()
    with aw_library.session() as s:
        from core.store.manuscript import get_scene

        assert get_scene(session=s, scene_id=scene_id).text == text + " end"
    assert errors == []


def test_drop_a_chapter_into_another_book(qtbot, aw_library, settings, errors) -> None:
    add_sample_book(aw_library)
    with aw_library.session() as s:
        from core.store.manuscript import add_chapter, add_scene, create_book

        other = create_book(session=s, title="Another Book")
        add_scene(session=s, chapter=add_chapter(session=s, book=other, title="Only"), text="a b")
        other_id = other.id
        script_id = create_book(session=s, title="A Script", content_type="screenplay").id
    window = _window(qtbot, aw_library, settings)
    model = window.binder_model
    source = next(b for b in model.books if b.id not in (other_id, script_id))
    target = next(b for b in model.books if b.id == other_id)
    moving = source.children[0]
    title, words, source_words = moving.title, moving.words, source.words
    data = model.mimeData([model.index_of(moving)])
    action = window.binder.defaultDropAction()
    # Dropped on the book itself: it goes to the end; on a chapter: after that chapter.
    assert model.canDropMimeData(data, action, -1, 0, model.index_of(target))
    # Prose chapters do not go into a screenplay.
    assert not model.canDropMimeData(data, action, -1, 0, model.find(NodeKind.BOOK, script_id))
    model.dropMimeData(data, action, 0, 0, model.index_of(target.children[0]))

    def titles(book_id: str) -> list[str]:
        with aw_library.session() as s:
            return [c.title for c in list_chapters(session=s, book_id=book_id)]

    qtbot.waitUntil(lambda: titles(other_id) == ["Only", title])
    assert title not in titles(source.id)
    moved_book = model.node(model.find(NodeKind.BOOK, other_id))
    assert moved_book.words == 2 + words
    assert model.node(model.find(NodeKind.BOOK, source.id)).words == source_words - words
    assert window.current_node.kind is NodeKind.CHAPTER and window.current_node.title == title
    assert errors == []


def test_first_scene_is_spell_checked_in_its_book_language(qtbot, tmp_path, settings) -> None:
    """The spelling layer of the very first scene shown uses the book's language (en-GB)."""
    from desktop.editor.spellcheck import SpellCheckHighlighter

    library = open_library(tmp_path / "lib")
    add_sample_book(library)
    window = _window(qtbot, library, settings)
    document = window.editor.document()
    layers = document.findChildren(SpellCheckHighlighter)
    assert layers, "the first scene has no spelling layer"
    assert {layer.language for layer in layers} == {"en-GB"}
    library.close()
