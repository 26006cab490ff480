"""The editor's right-click menu (spelling suggestions, Add to Dictionary, Ignore, the spelling
switch, Open in Codex), Ctrl+click on a codex name, and a codex save that keeps the open
scene's undo history — through the real studio window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor

from core.store.manuscript import get_scene
from desktop.editor.spellcheck import SpellCheckHighlighter
from desktop.window.main_window import SPELLING_KEY, MainWindow

TEXT = "Teh keeper met Brannoch at the light."


@pytest.fixture
def window(qtbot, aw_library, sample_studio) -> MainWindow:
    win = sample_studio
    scene_id = win.editor.scene_id
    with aw_library.session() as s:
        get_scene(session=s, scene_id=scene_id).text = TEXT
    win.reload_current_scene()
    codex = win.panels.widgets["codex"]
    codex.create_entry("location", "Brannoch")
    qtbot.waitUntil(lambda: _layer(win) is not None and _layer(win).is_ready(), timeout=15000)
    return win


def _layer(window: MainWindow) -> SpellCheckHighlighter | None:
    return next(iter(window.editor.document().findChildren(SpellCheckHighlighter)), None)


def _point(window: MainWindow, position: int):
    cursor = QTextCursor(window.editor.document())
    cursor.setPosition(position)
    return window.editor.cursorRect(cursor).center()


def _squiggled(window: MainWindow) -> list[tuple[int, int]]:
    block = window.editor.document().firstBlock()
    return [
        (r.start, r.length)
        for r in block.layout().formats()
        if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
    ]


def test_right_click_on_a_misspelling_offers_suggestions_and_the_switch(qtbot, window) -> None:
    menu = window.editor.context_menu_at(_point(window, 1))
    labels = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert labels[0] == "The"  # the suggestion first, in the word's capitals
    assert "Add “Teh” to Dictionary" in labels and "Ignore" in labels
    assert "Check Spelling as You Type" in labels
    assert any("Copy" in label for label in labels)  # Qt's own edit actions stay
    menu.actions()[0].trigger()
    assert window.editor.scene_text().startswith("The keeper")
    window.editor.undo()
    assert window.editor.scene_text() == TEXT


def test_a_codex_name_is_never_flagged_and_opens_from_the_menu_and_ctrl_click(
    qtbot, window
) -> None:
    start = TEXT.index("Brannoch")
    qtbot.waitUntil(lambda: (0, 3) in _squiggled(window))
    assert all(s != start for s, _n in _squiggled(window))
    menu = window.editor.context_menu_at(_point(window, start + 2))
    opener = [a for a in menu.actions() if a.text() == "Open “Brannoch” in Codex"]
    assert opener
    codex = window.panels.widgets["codex"]
    codex.kind_box.setCurrentIndex(0)
    window.panels.docks["codex"].hide()
    qtbot.mouseClick(
        window.editor.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        _point(window, start + 2),
    )
    assert window.panels.docks["codex"].isVisible()
    assert codex.current_entry()[0] == "location"
    assert codex.name_edit.text() == "Brannoch"


def test_spelling_can_be_turned_off_and_stays_off(qtbot, window, tmp_path) -> None:
    qtbot.waitUntil(lambda: bool(_squiggled(window)))
    action = window.actions_by_name["spelling"]
    assert action.isChecked()
    action.trigger()
    qtbot.waitUntil(lambda: not _squiggled(window))
    assert not window.spelling_enabled
    assert window.settings.value(SPELLING_KEY, type=bool) is False
    menu = window.editor.context_menu_at(_point(window, 1))
    assert "Add “Teh” to Dictionary" not in [a.text() for a in menu.actions()]
    action.trigger()
    qtbot.waitUntil(lambda: bool(_squiggled(window)))


def test_saving_a_codex_entry_keeps_the_open_scenes_undo(qtbot, window) -> None:
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " More.")
    assert window.editor.document().isUndoAvailable()
    codex = window.panels.widgets["codex"]
    codex.description_edit.setPlainText("A rock in the sea.")
    assert codex.save_current()
    # The scene was not reloaded: its history is there, and Ctrl+Z takes the typing back.
    assert window.editor.document().isUndoAvailable()
    while window.editor.document().isUndoAvailable():
        window.editor.undo()
    assert window.editor.scene_text() == TEXT


def test_the_personal_dictionary_screen_adds_and_removes_words(qtbot, window) -> None:
    from core.text.spelling import PersonalDictionary

    qtbot.waitUntil(lambda: (0, 3) in _squiggled(window))
    dialog = window.show_personal_dictionary()
    qtbot.addWidget(dialog)
    assert dialog.add_word("Teh")
    assert "Teh" in dialog.shown_words()
    qtbot.waitUntil(lambda: (0, 3) not in _squiggled(window))  # re-checked at once
    assert "Teh" in PersonalDictionary.load()  # saved to the file
    assert not dialog.add_word("two words")
    dialog.filter_edit.setText("te")
    dialog.words.item(0).setSelected(True)
    assert dialog.remove_selected() == 1
    assert dialog.shown_words() == []
    qtbot.waitUntil(lambda: (0, 3) in _squiggled(window))
    assert "Teh" not in PersonalDictionary.load()


def test_each_scene_keeps_its_undo_history_when_the_writer_goes_back_to_it(qtbot, window) -> None:
    scenes = [s for c in window.binder_model.books[0].children for s in c.children][:2]
    first, second = scenes
    assert window.select(first.kind, first.id)
    original_first = window.editor.scene_text()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " Then the tide turned.")
    assert window.select(second.kind, second.id)
    original_second = window.editor.scene_text()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " Gulls.")
    # Back to the first scene: its history is there, and only its own typing is undone.
    assert window.select(first.kind, first.id)
    assert window.editor.scene_text() == original_first + " Then the tide turned."
    # Laid out at the view's width again (it had none while kept).
    assert window.editor.document().pageSize().width() == window.editor.viewport().width()
    assert window.editor.document().isUndoAvailable()
    while window.editor.document().isUndoAvailable():
        window.editor.undo()
    assert window.editor.scene_text() == original_first
    # The second scene's history was kept too, apart from the first's.
    assert window.select(second.kind, second.id)
    assert window.editor.scene_text() == original_second + " Gulls."
    while window.editor.document().isUndoAvailable():
        window.editor.undo()
    assert window.editor.scene_text() == original_second


def test_a_scene_changed_elsewhere_meanwhile_opens_afresh(qtbot, window) -> None:
    from core.store.manuscript import get_scene, set_scene_text

    scenes = [s for c in window.binder_model.books[0].children for s in c.children][:2]
    first, second = scenes
    assert window.select(first.kind, first.id)
    qtbot.keyClicks(window.editor, "Dawn. ")
    assert window.select(second.kind, second.id)
    assert window.save_now()
    with window.library.session() as session:  # a sync or a replace, say
        set_scene_text(
            session=session, scene=get_scene(session=session, scene_id=first.id), text="Rewritten."
        )
    assert window.select(first.kind, first.id)
    assert window.editor.scene_text() == "Rewritten."
    assert not window.editor.document().isUndoAvailable()  # no history of another text
