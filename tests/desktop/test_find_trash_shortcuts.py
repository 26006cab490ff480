"""Studio fixes: Find and Replace from the keyboard, a trash that asks first, and a shortcuts
sheet that lists every menu key once (driven through the real window and its shortcuts)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from core.sample import add_sample_book
from core.store.manuscript import list_books, list_chapters, list_scenes
from desktop.binder.model import NodeKind
from desktop.window.main_window import MainWindow


@pytest.fixture
def window(sample_studio) -> MainWindow:
    return sample_studio


def _scene_titles(library) -> list[str]:
    with library.session() as s:
        (book,) = list_books(session=s)
        return [
            sc.title
            for c in list_chapters(session=s, book_id=book.id)
            for sc in list_scenes(session=s, chapter_id=c.id)
        ]


def _press(qtbot, window, key: str) -> None:
    from PySide6.QtGui import QKeySequence

    seq = QKeySequence(key)[0]
    window.editor.setFocus()
    qtbot.keyClick(window.editor, seq.key(), seq.keyboardModifiers())


def test_ctrl_f_opens_find_on_the_scene_with_the_selection(qtbot, window) -> None:
    dock, panel = window.panels.docks["search"], window.panels.widgets["search"]
    assert not dock.isVisible()
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.movePosition(QTextCursor.MoveOperation.NextWord, QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    word = cursor.selectedText()
    assert word
    _press(qtbot, window, "Ctrl+F")
    qtbot.waitUntil(dock.isVisible)
    assert panel.query_edit.text() == word
    assert panel.scope()[0] == "scene"
    assert QApplication.focusWidget() is panel.query_edit


def test_ctrl_h_focuses_replace_and_ctrl_shift_f_searches_the_library(qtbot, window) -> None:
    panel = window.panels.widgets["search"]
    panel.query_edit.setText("the")
    _press(qtbot, window, "Ctrl+H")
    qtbot.waitUntil(window.panels.docks["search"].isVisible)
    assert QApplication.focusWidget() is panel.replace_edit
    _press(qtbot, window, "Ctrl+Shift+F")
    assert panel.scope() == ("library", None)
    assert QApplication.focusWidget() is panel.query_edit
    edit_menu = [a.text() for a in window.menus["Edit"].actions()]
    assert {"&Find…", "Find and &Replace…", "Find in &Project…"} <= set(edit_menu)


def test_the_trash_key_asks_naming_what_goes_and_cancel_keeps_it(
    qtbot, window, aw_library, monkeypatch
) -> None:
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.Cancel]

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    chapter = window.current_node.parent
    window.select(NodeKind.CHAPTER, chapter.id)
    before = _scene_titles(aw_library)
    window.binder.setFocus()
    qtbot.keyClick(
        window.binder,
        Qt.Key.Key_Backspace,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert len(asked) == 1
    n = len(chapter.children)
    assert f"the chapter “{chapter.title}” and its {n} scene" in asked[0]
    assert "Edit › Trash" in asked[0]
    assert _scene_titles(aw_library) == before  # cancelled: nothing moved

    answer[0] = QMessageBox.StandardButton.Yes
    window.select(NodeKind.CHAPTER, chapter.id)
    window.actions_by_name["delete"].trigger()
    assert len(asked) == 2
    assert len(_scene_titles(aw_library)) == len(before) - n


def test_shortcuts_sheet_lists_every_menu_key_once(qtbot, window) -> None:
    sheet = window.view.show_shortcuts()
    qtbot.addWidget(sheet)
    rows = {
        sheet.table.item(r, 1).text(): sheet.table.item(r, 2).text()
        for r in range(sheet.table.rowCount())
    }
    # Actions the panels add to the Book menu are listed too.
    assert rows["Export"] == "Ctrl+E"
    assert rows["Scene Snapshots"] == "Ctrl+Shift+S"
    assert rows["Find"] == "Ctrl+F" and rows["Find in Project"] == "Ctrl+Shift+F"
    # One key per action, as the menu shows it: no platform alternates such as F14.
    assert rows["Undo"] == "Ctrl+Z"
    assert all(", " not in keys for keys in rows.values())
    # No blank band: the last column reaches the table's right edge.
    header = sheet.table.horizontalHeader()
    assert header.sectionPosition(2) + header.sectionSize(2) >= sheet.table.viewport().width() - 1


def test_ok_in_preferences_without_a_change_keeps_the_font(qtbot, window) -> None:
    from PySide6.QtGui import QFontInfo

    from desktop.dialogs.preferences import load_look

    before = window.editor.look
    assert before.font_family == ""  # the default: the first serif installed
    used = QFontInfo(window.editor.document().defaultFont()).family()
    dialog = window.view.show_preferences()
    # The box shows the font the editor really uses, not the list's first entry.
    assert dialog.font_box.currentFont().family() == used
    dialog.accept()
    assert window.editor.look == before
    assert load_look(window.settings).font_family == ""
    assert QFontInfo(window.editor.document().defaultFont()).family() == used

    dialog = window.view.show_preferences()
    dialog.font_box.setCurrentFont(QFont("DejaVu Sans"))
    dialog.accept()
    assert window.editor.look.font_family == "DejaVu Sans"


def test_an_untitled_scene_has_the_binders_name_in_the_inspector(qtbot, window, aw_library):
    from core.store.manuscript import get_scene

    scene = window.current_node
    with aw_library.session() as s:
        get_scene(session=s, scene_id=scene.id).title = ""
    window.reload_binder_keeping_place()
    window.select(NodeKind.CHAPTER, scene.parent.id)
    window.select(NodeKind.SCENE, scene.id)
    node = window.current_node
    assert node.title == f"Scene {node.row + 1}"
    inspector = window.panels.widgets["inspector"]
    qtbot.waitUntil(lambda: node.title in inspector.title.text(), timeout=3000)
    assert "Untitled" not in inspector.title.text()


def test_the_status_word_count_follows_a_snapshot_restore(qtbot, window, aw_library):
    from core.store.manuscript import get_scene
    from core.store.snapshots import take_snapshot

    scene = window.current_node
    with aw_library.session() as s:
        take_snapshot(session=s, scene=get_scene(session=s, scene_id=scene.id), label="short")
    with aw_library.session() as s:
        snap_words = count_words_of_last_snapshot(s, scene.id)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.insertPlainText(" Three more words.")
    window.save_now()
    dialog = window.panels.open_snapshots()
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(
        next(i for i in range(dialog.list.count()) if "short" in dialog.list.item(i).text())
    )
    assert dialog.restore_selected(confirm=False)
    assert window.selection_label.text().endswith(f"· {snap_words:,} words")


def count_words_of_last_snapshot(session, scene_id: str) -> int:
    from sqlalchemy import select

    from core.domain.models import Snapshot

    return int(
        session.scalars(
            select(Snapshot.word_count)
            .where(Snapshot.scene_id == scene_id)
            .order_by(Snapshot.created_at.desc())
        ).first()
    )


def test_switching_to_dark_gives_the_open_scenes_markup_the_dark_themes_colour(window) -> None:
    from desktop.window.theme import ThemeMode, theme_palette

    window.view.set_theme(ThemeMode.LIGHT)
    window.view.set_theme(ThemeMode.DARK)
    marker = window.editor._highlighter._marker.foreground().color()
    dark_text = theme_palette("dark").text().color()
    # The dim markup colour is the dark theme's (light) text colour, not the light theme's.
    assert (marker.red(), marker.green(), marker.blue()) == (
        dark_text.red(),
        dark_text.green(),
        dark_text.blue(),
    )
    assert marker.lightness() > 128
    window.view.set_theme(ThemeMode.LIGHT)
    marker = window.editor._highlighter._marker.foreground().color()
    assert marker.lightness() < 128


def test_find_marks_the_matches_in_the_open_scene_and_folds_quotes(qtbot, window, aw_library):
    from core.store.manuscript import get_scene

    scene_id = window.editor.scene_id
    text = "“Don’t go,” said Teo. She didn’t. Don't, he thought."
    with aw_library.session() as s:
        get_scene(session=s, scene_id=scene_id).text = text
    window.reload_current_scene()
    panel = window.panels.widgets["search"]
    _press(qtbot, window, "Ctrl+F")
    panel.query_edit.setText("don't")  # a straight quote, as typed
    with qtbot.waitSignal(panel.search_finished, timeout=5000):
        panel.start_search()
    marked = [
        window.editor.scene_text()[s.cursor.selectionStart() : s.cursor.selectionEnd()]
        for s in window.editor.extraSelections()
    ]
    assert marked == ["Don’t", "Don't"]
    window.panels.docks["search"].hide()
    assert window.editor.extraSelections() == []


def test_the_studio_reopens_where_the_writer_was_per_library(qtbot, window, aw_library, tmp_path):
    settings = window.settings
    chapter = window.binder_model.books[0].children[1]
    scene = chapter.children[1]
    window.select(NodeKind.SCENE, scene.id)
    cursor = window.editor.textCursor()
    cursor.setPosition(120)
    window.editor.setTextCursor(cursor)
    window.resize(900, 400)
    qtbot.wait(50)
    bar = window.editor.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scroll = bar.value()
    window.close()

    again = MainWindow(aw_library, settings=settings)
    qtbot.addWidget(again)
    again.resize(900, 400)
    again.show()
    qtbot.waitExposed(again)
    assert again.current_node.id == scene.id
    assert again.editor.textCursor().position() == 120
    qtbot.waitUntil(lambda: again.editor.verticalScrollBar().value() == scroll, timeout=2000)

    # Another library has a place of its own: it opens at its first scene.
    from core.store import open_library

    with open_library(tmp_path / "other") as other:
        add_sample_book(other)
        third = MainWindow(other, settings=settings)
        qtbot.addWidget(third)
        first = third.binder_model.books[0].first_scene()
        assert third.current_node.id == first.id
        third.close()


def test_a_chapters_synopsis_and_status_are_edited_in_the_inspector(qtbot, window, aw_library):
    from core.store.manuscript import get_chapter

    chapter = window.binder_model.books[0].children[0]
    window.select(NodeKind.CHAPTER, chapter.id)
    inspector = window.panels.widgets["inspector"]
    assert inspector.isEnabled() and inspector.chapter_id == chapter.id
    assert chapter.title in inspector.title.text()
    assert not inspector.notes.isEnabled() and not inspector.pov.isEnabled()
    inspector.synopsis.setPlainText("Teo arrives; the furnace waits.")
    inspector.status.setCurrentText("revised")
    inspector.save()
    with aw_library.session() as s:
        stored = get_chapter(session=s, chapter_id=chapter.id)
        assert (stored.synopsis, stored.status) == ("Teo arrives; the furnace waits.", "revised")
    assert (
        window.binder_model.node(window.binder_model.find(NodeKind.CHAPTER, chapter.id)).status
        == "revised"
    )
    # Back on a scene, the scene's fields are editable again and the chapter's are not touched.
    window.select(NodeKind.SCENE, chapter.children[0].id)
    assert inspector.chapter_id is None and inspector.notes.isEnabled()


def test_split_at_the_cursor_and_merge_back_from_the_keyboard(qtbot, window, aw_library):
    scene = window.current_node
    text = window.editor.scene_text()
    cut = text.index("\n\n", len(text) // 2)
    cursor = window.editor.textCursor()
    cursor.setPosition(cut)
    window.editor.setTextCursor(cursor)
    _press(qtbot, window, "Ctrl+Alt+K")
    second = window.current_node
    assert second.id != scene.id and second.parent.id == scene.parent.id
    assert window.editor.scene_text() == text[cut:].lstrip()
    window.select(NodeKind.SCENE, scene.id)
    assert window.editor.scene_text() == text[:cut].rstrip()
    _press(qtbot, window, "Ctrl+Shift+M")
    assert window.current_node.id == scene.id
    assert window.editor.scene_text() == text[:cut].rstrip() + "\n\n" + text[cut:].lstrip()
    assert second.id not in [n.id for n in window.current_node.parent.children]


def test_smart_punctuation_as_you_type_and_one_undo_gives_it_back_straight(qtbot, window):
    editor = window.editor
    editor.moveCursor(QTextCursor.MoveOperation.End)
    base = editor.scene_text()
    qtbot.keyClicks(editor, ' "Don\'t," she said -- wait...')
    assert editor.scene_text() == base + " “Don’t,” she said — wait…"
    editor.undo()  # the last conversion only: the plain dots come back
    assert editor.scene_text() == base + " “Don’t,” she said — wait..."

    window.editor.fountain = True  # a screenplay keeps straight quotes
    qtbot.keyClicks(editor, ' "Cut."')
    assert editor.scene_text().endswith(' "Cut."')


def test_the_whole_book_converts_with_a_snapshot_per_changed_scene(qtbot, window, aw_library):
    from core.store.manuscript import get_scene
    from core.store.snapshots import list_snapshots

    scene_id = window.editor.scene_id
    with aw_library.session() as s:
        get_scene(session=s, scene_id=scene_id).text = '"Straight," he said -- once.'
    window.reload_current_scene()
    changed = window.panels.convert_typography(confirm=False)
    assert changed >= 1
    assert window.editor.scene_text() == "“Straight,” he said — once."
    with aw_library.session() as s:
        labels = [x.label for x in list_snapshots(session=s, scene_id=scene_id)]
    assert labels[0] == "Before typographic punctuation"


def test_undo_takes_back_a_word_at_a_time_not_a_whole_run_of_typing(qtbot, window):
    editor = window.editor
    editor.moveCursor(QTextCursor.MoveOperation.End)
    base = editor.scene_text()
    qtbot.keyClicks(editor, " The gull turned over the harbour wall")
    editor.undo()
    assert editor.scene_text() == base + " The gull turned over the harbour "
    editor.undo()
    assert editor.scene_text() == base + " The gull turned over the "
    steps = 2
    while editor.document().isUndoAvailable():
        editor.undo()
        steps += 1
    assert editor.scene_text() == base
    assert steps == 8  # a step per word (and the leading space), not one for the lot


def test_typing_after_a_pause_is_an_undo_step_of_its_own(qtbot, window, monkeypatch):
    import desktop.editor.scene_editor as scene_editor

    editor = window.editor
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " Gulls")
    base = editor.scene_text()
    clock = [scene_editor.time.monotonic() + 10]
    monkeypatch.setattr(scene_editor.time, "monotonic", lambda: clock[0])
    qtbot.keyClicks(editor, "ong")  # the same word, after a pause
    editor.undo()
    assert editor.scene_text() == base


def test_the_ai_panel_fits_its_dock_without_a_horizontal_scroll_bar(qtbot, window) -> None:
    from PySide6.QtWidgets import QScrollArea

    dock = window.panels.docks["ai"]
    panel = window.panels.widgets["ai"]
    dock.show()
    dock.raise_()
    window.resizeDocks([dock], [300], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: panel.isVisible())
    qtbot.wait(50)
    scroller = dock.widget()
    assert isinstance(scroller, QScrollArea)
    assert not scroller.horizontalScrollBar().isVisible()
    assert panel.width() <= scroller.viewport().width()
    # Every button, Cancel included, lies inside the panel.
    for button in (panel.generate_button, panel.cancel_button):
        right = button.mapTo(panel, button.rect().topRight()).x()
        assert right <= panel.width()
    panel.key_status.setText(
        "No API key: enter one in AI settings, or set ANTHROPIC_API_KEY before starting."
    )
    assert panel.key_status.wordWrap()
