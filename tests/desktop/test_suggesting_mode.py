"""Suggesting mode in the studio, on a library that never synced: typing and deleting make
suggestions shown inline (the book's text unchanged), Ctrl+Z takes the last one back, Accept
All makes them the text, and what was suggested is in the library for the CLI and the sync."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from core.review.store import book_comments
from desktop.binder.model import NodeKind
from tests.core.generation.conftest import memory_keyring  # noqa: F401

UNDO_GAP_MS = 700  # longer than the live document's undo capture (600 ms): a step of its own


def _open_first_scene(window) -> str:
    scene = window.binder_model.books[0].children[0].children[0]
    assert window.select(NodeKind.SCENE, scene.id)
    return scene.id


def _put_cursor(editor, position: int) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(position)
    editor.setTextCursor(cursor)


def _marks(editor) -> list[tuple[str, bool, bool]]:
    """(text, underlined, struck) of each suggestion mark the editor shows."""
    found = []
    for selection in editor.extraSelections():
        cursor = selection.cursor
        found.append(
            (
                cursor.selectedText(),
                selection.format.fontUnderline(),
                selection.format.fontStrikeOut(),
            )
        )
    return found


def test_suggesting_mode_types_suggestions_undoes_and_accepts(
    qtbot, aw_library, tmp_path, sample_studio
):
    window = sample_studio
    scene_id = _open_first_scene(window)
    editor = window.editor
    book = editor.scene_text()
    action = next(a for a in window.menus["Edit"].actions() if a.objectName() == "suggest_changes")
    assert action.shortcut().toString() == "Ctrl+Alt+Shift+X"
    action.trigger()
    assert window.suggesting.active and editor.suggesting is not None
    panel = window.panels.widgets["comments"]
    assert window.panels.docks["comments"].isVisible()

    # Type a word after the first word: it shows, underlined, but the book's text is as it was.
    first = book.split()[0]
    at = book.index(first) + len(first)
    _put_cursor(editor, at)
    qtbot.keyClicks(editor, " very")
    qtbot.wait(50)
    assert editor.shown_text() == book[:at] + " very" + book[at:]
    assert editor.scene_text() == book
    assert editor.textCursor().position() == at + 5
    assert (" very", True, False) in _marks(editor)
    assert [(s.kind, s.text) for s in panel.suggestions] == [("insert", " very")]

    # Backspace over the last two letters of the scene's third word: struck, still shown.
    qtbot.wait(UNDO_GAP_MS)
    shown = editor.shown_text()
    third = shown.split()[3]
    end = shown.index(" " + third) + 1 + len(third)
    _put_cursor(editor, end)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.wait(50)
    assert editor.shown_text() == shown  # nothing left the screen
    assert editor.textCursor().position() == end - 2
    assert (third[-2:], False, True) in _marks(editor)
    assert sorted((s.kind, s.text) for s in panel.suggestions) == [
        ("delete", third[-2:]),
        ("insert", " very"),
    ]
    window.grab().save(str(tmp_path / "suggesting.png"))

    # Ctrl+Z takes back the deletion only; the word typed before stays suggested.
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert [(s.kind, s.text) for s in panel.suggestions] == [("insert", " very")]
    assert editor.shown_text() == shown and all(not struck for _t, _u, struck in _marks(editor))

    # Saved with the scene: the library (what the CLI and the next sync read) has it.
    assert window.save_now()
    with aw_library.session() as session:
        [found] = [s for s in book_comments(session, window.binder_model.books[0].id)]
    assert found.scene_id == scene_id and [s.text for s in found.suggestions] == [" very"]
    assert found.text == book  # the scene's stored text has no suggestion in it

    # Accept All: the word is the book's now, in the editor and the library.
    panel.decide(accept=True, every=True)
    qtbot.wait(50)
    assert editor.scene_text() == book[:at] + " very" + book[at:] == editor.shown_text()
    assert _marks(editor) == [] and panel.suggestions == []
    assert window.save_now()
    assert window.stored_text(NodeKind.SCENE, scene_id) == book[:at] + " very" + book[at:]

    # Off again: plain editing changes the text itself.
    action.trigger()
    assert not window.suggesting.active and editor.suggesting is None
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClicks(editor, "So. ")
    assert editor.scene_text().startswith("So. ")


def test_reject_all_in_suggesting_mode_leaves_the_book_as_it_was(qtbot, sample_studio):
    window = sample_studio
    _open_first_scene(window)
    editor = window.editor
    book = editor.scene_text()
    window.suggesting.set_on(True)
    # Select the first word and type over it: one replacement.
    first = book.split()[0]
    at = book.index(first)
    cursor = editor.textCursor()
    cursor.setPosition(at)
    cursor.setPosition(at + len(first), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "Then")
    qtbot.wait(50)
    assert editor.shown_text().startswith(book[:at] + first + "Then")
    panel = window.panels.widgets["comments"]
    [only] = panel.suggestions
    assert (only.kind, only.deleted, only.text) == ("replace", first, "Then")
    panel.decide(accept=False, every=True)
    qtbot.wait(50)
    assert editor.shown_text() == book == editor.scene_text()


def test_claudes_rewrite_lands_as_suggestions_one_ctrl_z_takes_back(qtbot, sample_studio):
    """The AI panel's As Suggestions (its handler is the dock's suggest_generated): a rewrite
    of the selected sentence becomes Claude's suggestions, word hunk by word hunk; the book's
    text is unchanged; one Ctrl+Z takes them all back."""
    window = sample_studio
    _open_first_scene(window)
    editor = window.editor
    book = editor.scene_text()
    sentence = book[: book.index(".") + 1]
    rewritten = sentence.replace("cart", "wagon").replace("with", "carrying", 1)
    assert rewritten != sentence
    panel = window.panels.widgets["comments"]
    made = panel.suggest_generated(0, len(sentence), rewritten)
    assert made == 2
    assert {s.author for s in panel.suggestions} == {"Claude"}
    assert sorted((s.deleted, s.text) for s in panel.suggestions) == [
        ("cart", "wagon"),
        ("with", "carrying"),
    ]
    assert editor.scene_text() == book
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert panel.suggestions == [] and editor.scene_text() == book
    # Accepting is a step of its own too: made again, accepted, and taken back.
    panel.suggest_generated(0, len(sentence), rewritten)
    qtbot.wait(700)
    panel.decide(accept=True, every=True)
    assert editor.scene_text().startswith(rewritten)
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert editor.scene_text() == book and len(panel.suggestions) == 2


def test_accept_all_by_one_author_leaves_the_others(qtbot, sample_studio):
    window = sample_studio
    _open_first_scene(window)
    editor = window.editor
    book = editor.scene_text()
    panel = window.panels.widgets["comments"]
    sentence = book[: book.index(".") + 1]
    panel.suggest_generated(0, len(sentence), sentence.replace("cart", "wagon"))
    window.suggesting.set_on(True)
    first = book.split()[0]
    _put_cursor(editor, len(first))
    qtbot.keyClicks(editor, " old")
    qtbot.wait(50)
    authors = {s.author for s in panel.suggestions}
    assert authors == {"Claude", window._reviewer()}
    menu = panel.author_menu("Claude")
    assert [a.text() for a in menu.actions()] == ["Accept All by Claude", "Reject All by Claude"]
    menu.actions()[0].trigger()
    qtbot.wait(50)
    assert [s.author for s in panel.suggestions] == [window._reviewer()]
    assert "wagon" in editor.scene_text() and " old" not in editor.scene_text()
