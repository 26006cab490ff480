"""The binder's Research folder: a writer's notes beside the book, never part of it."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from core.export import ExportFormat, ExportOptions, export_book
from core.sample import add_sample_book
from core.store import open_library, saving
from core.store.manuscript import book_stats, get_book, list_books
from core.store.notes import add_note, get_note, list_notes
from desktop.binder.model import BinderModel, BinderNode, NodeKind
from desktop.editor import autosave
from desktop.panels.search_panel import SearchPanel
from desktop.window.main_window import MainWindow
from desktop.window.shortcuts import ShortcutsSheet


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


def _notes(library, book_id: str) -> list[tuple[str, str]]:
    with library.session() as s:
        return [(n.title, n.text) for n in list_notes(session=s, book_id=book_id)]


def _words(model: BinderModel, node: BinderNode) -> str:
    return str(model.data(model.index_of(node, BinderModel.WORDS_COLUMN)))


def _research(window: MainWindow, book: int = 0) -> BinderNode:
    folder = window.binder_model.books[book].research
    assert folder is not None
    return folder


def test_write_a_note_in_the_research_folder_close_and_find_it_again(
    qtbot, aw_library, settings, errors, tmp_path
) -> None:
    add_sample_book(aw_library)
    root = aw_library.root
    window = _window(qtbot, aw_library, settings)
    model = window.binder_model
    book = model.books[0]
    with aw_library.session() as s:
        words_before = get_book(session=s, book_id=book.id).word_count
    # Every book has its Research folder after its chapters, empty at first.
    research = _research(window)
    assert (research.title, research.row, research.children) == ("Research", len(book.children), [])
    assert model.index_of(research).parent() == model.index_of(book)
    assert window.select(NodeKind.RESEARCH, book.id)
    assert "never exported" in window.reader.toPlainText()
    assert window.pages.currentWidget() is window.reader

    assert window.binder_commands.add_note("Tide tables")
    note = window.current_node
    assert note is not None and (note.kind, note.title) == (NodeKind.NOTE, "Tide tables")
    assert window.pages.currentWidget() is window.editor and not window.editor.isReadOnly()
    assert window.editor.scene_text() == ""
    qtbot.keyClicks(window.editor, "Low water at dawn, *mud* everywhere")
    assert window.save_label.text() == "Edited"
    qtbot.waitUntil(lambda: window.save_label.text() == "Saved", timeout=5000)
    assert _notes(aw_library, book.id) == [("Tide tables", "Low water at dawn, *mud* everywhere")]
    # The note and its folder show its words; the book's count is the manuscript's alone.
    note = window.current_node
    assert _words(model, note) == "6" and _words(model, _research(window)) == "6"
    assert _words(model, model.books[0]) == f"{words_before:,}"
    assert "Research › Tide tables · 6 words" in window.selection_label.text()

    # New Research Note (Ctrl+Alt+N) adds the next note after the one open.
    action = window.actions_by_name["add_note"]
    assert action.shortcut().toString() == "Ctrl+Alt+N"
    action.trigger()
    assert window.current_node is not None and window.current_node.title == "Note 2"
    qtbot.keyClicks(window.editor, "Gulls over the quay.")
    window.close()  # flushes the autosave and closes the library
    assert errors == []

    again = _window(qtbot, open_library(root), settings)
    assert again.library is not None
    folder = _research(again)
    assert [n.title for n in folder.children] == ["Tide tables", "Note 2"]
    assert _words(again.binder_model, folder) == "10"
    assert again.select(NodeKind.NOTE, folder.children[1].id)
    assert again.editor.scene_text() == "Gulls over the quay."
    # The inspector has no scene fields for a note, and says why.
    inspector = again.panels.widgets["inspector"]
    assert inspector.scene_id is None and not inspector.isEnabled()
    assert "Research note" in inspector.title.text()
    assert again.select(NodeKind.NOTE, folder.children[0].id)
    assert again.editor.scene_text() == "Low water at dawn, *mud* everywhere"
    assert not again.editor.fountain
    with again.library.session() as s:
        stats = book_stats(session=s, book=get_book(session=s, book_id=book.id))
        assert stats.words == words_before
    # The book as exported has its scenes and none of its notes.
    target = tmp_path / "book.md"
    export_book(again.library, book.id, target, ExportOptions(format=ExportFormat.MARKDOWN))
    exported = target.read_text(encoding="utf-8")
    assert book.children[0].title in exported
    assert "Low water" not in exported and "Gulls over" not in exported
    again.close()


def test_drag_reorders_notes_within_their_research_folder_only(
    qtbot, aw_library, aw_sample_book, settings, errors
) -> None:
    add_sample_book(aw_library)
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        for title in ("A", "B", "C"):
            add_note(session=s, book=book, title=title)
        other_id = next(b.id for b in list_books(session=s) if b.id != aw_sample_book)
        add_note(session=s, book=get_book(session=s, book_id=other_id), title="Elsewhere")
    window = _window(qtbot, aw_library, settings)
    model = window.binder_model
    index = next(i for i, b in enumerate(model.books) if b.id == aw_sample_book)
    book, folder = model.books[index], _research(window, index)
    other_folder = _research(window, 1 - index)
    move = window.binder.defaultDropAction()

    c_data = model.mimeData([model.index_of(folder.children[2])])
    assert model.canDropMimeData(c_data, move, 0, 0, model.index_of(folder))
    model.dropMimeData(c_data, move, 0, 0, model.index_of(folder))
    qtbot.waitUntil(lambda: [t for t, _ in _notes(aw_library, book.id)] == ["C", "A", "B"])
    assert window.current_node is not None and window.current_node.title == "C"
    # Dropped onto a note, a note lands after it.
    folder = _research(window, index)
    a_data = model.mimeData([model.index_of(folder.children[1])])
    model.dropMimeData(a_data, move, -1, -1, model.index_of(folder.children[2]))
    qtbot.waitUntil(lambda: [t for t, _ in _notes(aw_library, book.id)] == ["C", "B", "A"])

    folder, book = _research(window, index), model.books[index]
    chapter, scene = book.children[0], book.children[0].children[0]
    note_data = model.mimeData([model.index_of(folder.children[0])])
    scene_data = model.mimeData([model.index_of(scene)])
    chapter_data = model.mimeData([model.index_of(chapter)])
    refused = [
        (note_data, chapter),  # a note into a chapter
        (note_data, scene),  # ... or onto a scene
        (note_data, book),  # ... or among the chapters
        (note_data, other_folder),  # ... or into another book's research
        (scene_data, folder),  # a scene into Research
        (scene_data, folder.children[0]),  # ... or onto a note
        (chapter_data, folder),  # a chapter into Research
    ]
    for data, target in refused:
        assert not model.canDropMimeData(data, move, 0, 0, model.index_of(target)), target.title
        assert not model.dropMimeData(data, move, 0, 0, model.index_of(target))
    # The folder itself cannot be dragged; notes can.
    drag = Qt.ItemFlag.ItemIsDragEnabled
    assert not model.flags(model.index_of(folder)) & drag
    assert model.flags(model.index_of(folder.children[0])) & drag
    assert window.select(NodeKind.NOTE, folder.children[0].id)
    assert window.binder_commands.step_current(1)  # Binder › Move Down works on notes too
    assert [t for t, _ in _notes(aw_library, book.id)] == ["B", "C", "A"]
    assert errors == []


def test_rename_duplicate_trash_and_restore_a_note(
    qtbot, aw_library, aw_sample_book, settings, errors
) -> None:
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        note_id = add_note(session=s, book=book, title="Sources", text="Three *old* maps.").id
        add_note(session=s, book=book, title="Weather")
    window = _window(qtbot, aw_library, settings)
    assert window.select(NodeKind.NOTE, note_id)
    assert window.binder_commands.rename_current("Maps and sources")
    assert window.current_node is not None and window.current_node.title == "Maps and sources"
    assert window.binder_commands.duplicate_current()
    copy = window.current_node
    assert copy is not None and copy.title == "Maps and sources (copy)"
    assert window.editor.scene_text() == "Three *old* maps."
    assert [t for t, _ in _notes(aw_library, aw_sample_book)] == [
        "Maps and sources",
        "Maps and sources (copy)",
        "Weather",
    ]

    assert window.select(NodeKind.NOTE, note_id)
    assert window.binder_commands.trash_current()
    assert not window.binder_model.find(NodeKind.NOTE, note_id).isValid()
    assert window.current_node is not None and window.current_node.id == copy.id
    window.binder_commands.show_trash()
    dialog = window.binder_commands.trash_dialog
    assert dialog.items.count() == 1
    assert dialog.items.item(0).text().startswith("Note: Maps and sources")
    dialog.restore_selected()
    assert dialog.items.count() == 0
    assert window.current_node is not None and window.current_node.id == note_id
    assert window.editor.scene_text() == "Three *old* maps."
    dialog.close()
    assert errors == []

    # The folder itself belongs to the book: it is neither renamed nor trashed.
    assert window.select(NodeKind.RESEARCH, aw_sample_book)
    assert not window.binder_commands.rename_current("Stuff")
    assert not window.binder_commands.trash_current()
    assert [title for title, _ in errors] == ["Cannot change the binder"] * 2
    assert _research(window).title == "Research"


def test_a_failed_note_save_keeps_the_text_in_a_note_recovery_file(
    qtbot, aw_library, aw_sample_book, settings, errors, monkeypatch
) -> None:
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        note_id = add_note(session=s, book=book, title="Sources", text="Maps.").id
    window = _window(qtbot, aw_library, settings)
    assert window.select(NodeKind.NOTE, note_id)
    real = saving.set_note_text

    def read_only(**kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(saving, "set_note_text", read_only)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " Charts.")
    qtbot.waitUntil(lambda: window.save_label.text() == "Not saved", timeout=5000)
    recovery = autosave.recovery_dir() / f"note-{note_id}.md"
    assert recovery.read_text(encoding="utf-8") == "Maps. Charts."
    monkeypatch.setattr(saving, "set_note_text", real)
    window.autosaver.retry()
    qtbot.waitUntil(lambda: window.save_label.text() == "Saved", timeout=5000)
    with aw_library.session() as s:
        assert get_note(session=s, note_id=note_id).text == "Maps. Charts."


def test_find_lists_a_note_hit_and_opens_the_note_at_it(
    qtbot, aw_library, aw_sample_book, settings, errors
) -> None:
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        note_id = add_note(session=s, book=book, title="Lexicon", text="A zephyrine wind.").id
    window = _window(qtbot, aw_library, settings)
    panel = window.panels.widgets.get("search")
    if not isinstance(panel, SearchPanel):
        panel = SearchPanel(aw_library)
        qtbot.addWidget(panel)
        panel.open_scene_requested.connect(window.open_scene_at)
    panel.set_scope("library")
    panel.query_edit.setText("zephyrine")
    with qtbot.waitSignal(panel.search_finished, timeout=10000):
        panel.start_search()
    assert [(h.kind, h.scene_id, h.offset) for h in panel.hits] == [("note", note_id, 2)]
    assert panel.results.topLevelItem(0).text(0) == "Research › Lexicon (1)"
    assert "1 research note, not replaced" in panel.status.text()
    panel.results.itemActivated.emit(panel.results.topLevelItem(0).child(0), 0)
    assert window.current_node is not None and window.current_node.id == note_id
    assert window.editor.textCursor().selectedText() == "zephyrine"


def test_the_shortcuts_sheet_lists_new_research_note(qtbot, aw_library, settings) -> None:
    window = _window(qtbot, aw_library, settings)
    sheet = window.view.show_shortcuts()
    assert isinstance(sheet, ShortcutsSheet)
    rows = {
        sheet.table.item(r, 1).text(): sheet.table.item(r, 2).text()
        for r in range(sheet.table.rowCount())
    }
    assert rows["New Research Note"] == "Ctrl+Alt+N"
    sheet.close()


def test_the_research_corkboard_shows_how_notes_begin_and_reorders_them(
    qtbot, aw_library, aw_sample_book, settings, errors
) -> None:
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        add_note(session=s, book=book, title="Map", text="# Coast\n\nThe *north* cliffs.")
        add_note(session=s, book=book, title="Names")
    window = _window(qtbot, aw_library, settings)
    map_node = _research(window).children[0]
    assert window.select(NodeKind.NOTE, map_node.id)
    window.view.toggle_outline()  # from a note, the outline is its folder's cards
    assert window.current_node is not None and window.current_node.kind is NodeKind.RESEARCH
    assert window.pages.currentWidget() is window.corkboard
    cards = window.corkboard.cards()
    assert [(c.kind, c.title, c.synopsis) for c in cards] == [
        (NodeKind.NOTE, "Map", "Coast The north cliffs."),
        (NodeKind.NOTE, "Names", ""),
    ]
    window.corkboard.move_card(1, 0)
    qtbot.waitUntil(lambda: [t for t, _ in _notes(aw_library, aw_sample_book)] == ["Names", "Map"])
    # The board stays on the Research folder, reloaded.
    qtbot.waitUntil(lambda: [c.title for c in window.corkboard.cards()] == ["Names", "Map"])
    assert window.current_node is not None and window.current_node.kind is NodeKind.RESEARCH
    assert errors == []
