"""Switching scenes reads the scene once; what is kept between switches is read again when
it changes (codex edits, the trash, a sync), and hidden panels catch up when shown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QMessageBox

from core.generation.history import record_generation
from core.sample import add_sample_book
from core.store.codex import add_codex_entry, list_codex
from core.store.labels import set_label_color
from core.store.manuscript import get_book, update_book
from core.store.notes import add_note
from desktop.binder.model import BinderNode, NodeKind
from desktop.editor.spellcheck import SpellCheckHighlighter
from desktop.panels.inspector import InspectorPanel
from desktop.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, aw_library, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: QMessageBox.StandardButton.Ok)
    add_sample_book(aw_library)  # with its codex: characters for the POV list
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(aw_library, settings=settings)
    qtbot.addWidget(win)
    win.show()
    return win


def _scenes(window: MainWindow) -> list[BinderNode]:
    book = window.binder_model.books[0]
    return [scene for chapter in book.children for scene in chapter.children]


def _pov_names(inspector: InspectorPanel) -> list[str]:
    return [inspector.pov.itemText(i) for i in range(1, inspector.pov.count())]


def _a_character(library, book_id: str) -> tuple[str, str]:
    with library.session() as s:
        character = list_codex(session=s, book_id=book_id, kind="character")[0]
        return character.id, character.name


def test_renaming_a_character_in_the_codex_shows_in_the_pov_list(window, aw_library) -> None:
    inspector = window.panels.widgets["inspector"]
    first, second = _scenes(window)[:2]
    window.select(NodeKind.SCENE, first.id)
    character_id, old_name = _a_character(aw_library, first.book_id)
    assert old_name in _pov_names(inspector)
    inspector.pov.setCurrentIndex(inspector.pov.findData(character_id))
    inspector.save()

    codex = window.panels.widgets["codex"]
    assert codex.open_entry("character", character_id)
    codex.name_edit.setText("Renamed Keeper")
    assert codex.save_current()
    # At once, with the scene's POV still selected ...
    assert "Renamed Keeper" in _pov_names(inspector) and old_name not in _pov_names(inspector)
    assert inspector.pov.currentData() == character_id
    # ... and after switching away and back.
    window.select(NodeKind.SCENE, second.id)
    assert "Renamed Keeper" in _pov_names(inspector)
    window.select(NodeKind.SCENE, first.id)
    assert inspector.pov.currentText() == "Renamed Keeper"


def test_characters_added_and_deleted_in_the_codex_come_and_go(window) -> None:
    inspector = window.panels.widgets["inspector"]
    first, second = _scenes(window)[:2]
    window.select(NodeKind.SCENE, first.id)
    codex = window.panels.widgets["codex"]
    codex.create_entry("character", "Nell Ferry")
    assert "Nell Ferry" in _pov_names(inspector)
    window.select(NodeKind.SCENE, second.id)
    assert "Nell Ferry" in _pov_names(inspector)
    assert codex.delete_current(confirm=False)
    window.select(NodeKind.SCENE, first.id)
    assert "Nell Ferry" not in _pov_names(inspector)


def test_a_character_restored_from_the_trash_is_back_in_the_pov_list(window, aw_library) -> None:
    inspector = window.panels.widgets["inspector"]
    first, second = _scenes(window)[:2]
    character_id, name = _a_character(aw_library, first.book_id)
    codex = window.panels.widgets["codex"]
    assert codex.open_entry("character", character_id)
    assert codex.delete_current(confirm=False)
    window.select(NodeKind.SCENE, second.id)
    assert name not in _pov_names(inspector)

    window.binder_commands.show_trash()
    dialog = window.binder_commands.trash_dialog
    rows = [dialog.items.item(i) for i in range(dialog.items.count())]
    (row,) = [r for r in rows if r.text().startswith("Character:") and name in r.text()]
    dialog.items.setCurrentItem(row)
    dialog.restore_selected()
    window.select(NodeKind.SCENE, first.id)
    assert name in _pov_names(inspector)
    dialog.close()


def test_a_sync_that_went_through_reads_the_characters_again(window, aw_library) -> None:
    inspector = window.panels.widgets["inspector"]
    sync = window.panels.widgets["sync"]  # every build has it
    first, second = _scenes(window)[:2]
    window.select(NodeKind.SCENE, first.id)
    with aw_library.session() as s:
        # As a pull would write it: a character added on another device.
        add_codex_entry(
            session=s, book=get_book(session=s, book_id=first.book_id), kind="character",
            name="Pulled Person",
        )  # fmt: skip
    window.select(NodeKind.SCENE, second.id)
    assert "Pulled Person" not in _pov_names(inspector)  # kept from before the sync
    sync.changes_arrived.emit()  # what the panel says after a sync that wrote changes
    assert "Pulled Person" in _pov_names(inspector)
    window.select(NodeKind.SCENE, first.id)
    assert "Pulled Person" in _pov_names(inspector)


def _spelling_language(window: MainWindow) -> str:
    (layer,) = window.editor.document().findChildren(SpellCheckHighlighter)
    return layer.language


def test_spell_checking_follows_a_change_of_the_books_language(window, aw_library) -> None:
    first, second = _scenes(window)[:2]
    window.select(NodeKind.SCENE, first.id)
    with aw_library.session() as s:
        book = get_book(session=s, book_id=first.book_id)
        assert _spelling_language(window) == book.language != "xx"
        update_book(session=s, book=book, language="xx")
    window.select(NodeKind.SCENE, second.id)
    assert _spelling_language(window) == "xx"
    # A research note is checked in its book's language too.
    with aw_library.session() as s:
        book = get_book(session=s, book_id=first.book_id)
        note = add_note(session=s, book=book, title="Tides", text="Spring tides.")
        note_id = note.id
    window.reload_binder()
    assert window.select(NodeKind.NOTE, note_id)
    assert _spelling_language(window) == "xx"


def test_label_colours_are_read_with_the_scene(window, aw_library) -> None:
    inspector = window.panels.widgets["inspector"]
    first, second = _scenes(window)[:2]
    window.select(NodeKind.SCENE, first.id)
    inspector.labels.setText("clue")
    inspector.labels.textEdited.emit("clue")
    inspector.save()
    window.select(NodeKind.SCENE, second.id)
    with aw_library.session() as s:
        book = get_book(session=s, book_id=first.book_id)
        set_label_color(session=s, book=book, label="clue", color="#224466")
    window.select(NodeKind.SCENE, first.id)
    assert inspector.label_button_colors() == {"clue": "#224466"}


def test_the_ai_history_of_a_hidden_panel_is_read_when_it_is_shown(window, aw_library) -> None:
    ai = window.panels.widgets["ai"]  # every build has it
    dock = window.panels.docks["ai"]
    first, second = _scenes(window)[:2]
    with aw_library.session() as s:
        record_generation(
            session=s, book_id=second.book_id, scene_id=second.id, action="continue",
            model="claude-test", output="The fog lifted over the rock.", stop_reason="end_turn",
        )  # fmt: skip
    assert not dock.isVisible()
    window.select(NodeKind.SCENE, second.id)
    assert ai.scene_id == second.id
    assert ai.history.count() == 0  # not read while nobody looks
    dock.show()
    dock.raise_()
    assert ai.isVisible()
    assert ai.history.count() == 1 and "The fog lifted" in ai.history.item(0).text()
    # While shown, a switch reads the new scene's history at once.
    window.select(NodeKind.SCENE, first.id)
    assert ai.history.count() == 0
    window.select(NodeKind.SCENE, second.id)
    assert ai.history.count() == 1
    # Hidden again: the list is left for the next show, then read for the scene shown then.
    dock.hide()
    window.select(NodeKind.SCENE, first.id)
    dock.show()
    assert ai.history.count() == 0


def test_scenes_left_keep_their_documents_but_lay_nothing_out(window, monkeypatch) -> None:
    # Kept for their undo history (a bounded number of them); out of view they have no page
    # size, so they do not lay themselves out for nothing.
    from desktop.editor import scene_editor

    monkeypatch.setattr(scene_editor, "KEPT_DOCUMENTS", 2)
    for scene in _scenes(window)[:4]:
        window.select(NodeKind.SCENE, scene.id)
    documents = window.editor.findChildren(QTextDocument)
    assert len(documents) == 3  # the open one and the two kept
    for kept in documents:
        if kept is not window.editor.document():
            assert kept.pageSize().width() == 0
    document = window.editor.document()
    assert document.pageSize().width() == window.editor.viewport().width()
    assert window.editor.scene_text() == window.editor.toPlainText().replace("\u2029", "\n")
