"""What a sync brings shows in the open window, and never costs the writer an edit.

The other device's change is written to the library directly (as a sync's materialising
does) where the test is about the window; the last test goes through a real server, two
libraries and the window's own sync panel.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from core.store import open_library
from core.store.manuscript import (
    add_chapter,
    add_scene,
    create_book,
    get_scene,
    list_books,
    list_chapters,
    list_scenes,
    set_scene_text,
)
from core.store.trash import move_to_trash
from core.sync import account
from core.sync.api import MemoryTokenStore
from desktop.binder.model import NodeKind
from desktop.editor.autosave import Autosaver, SaveRequest, SaveWorker
from desktop.window.main_window import MainWindow
from tests.sync_server.fixtures import sync_keyring, sync_live_server  # noqa: F401

FIRST = "The lamp burned all night.\n\nThe sea was calm."


@pytest.fixture
def scenes(aw_library) -> tuple[str, str]:
    with aw_library.session() as s:
        book = create_book(session=s, title="Harbour")
        chapter = add_chapter(session=s, book=book, title="One")
        first = add_scene(session=s, chapter=chapter, title="First", text=FIRST)
        second = add_scene(session=s, chapter=chapter, title="Second", text="Gulls.")
        return first.id, second.id


@pytest.fixture
def window(qtbot, aw_library, scenes, monkeypatch) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    win = MainWindow(aw_library)
    qtbot.addWidget(win)
    win.show()
    assert win.select(NodeKind.SCENE, scenes[0])
    return win


def _stored(library, scene_id: str) -> str:
    with library.session() as s:
        return get_scene(session=s, scene_id=scene_id).text


def _write_elsewhere(library, scene_id: str, text: str) -> None:
    """Another device's text arriving (the sync's materialising writes the row the same way)."""
    with library.session() as s:
        set_scene_text(session=s, scene=get_scene(session=s, scene_id=scene_id), text=text)


def _cursor_at(window: MainWindow, position: int) -> None:
    cursor = window.editor.textCursor()
    cursor.setPosition(position)
    window.editor.setTextCursor(cursor)


def test_a_sync_shows_the_other_devices_text_keeping_cursor_and_undo(
    window, qtbot, aw_library, scenes
):
    first, _ = scenes
    editor = window.editor
    _cursor_at(window, len("The lamp burned"))
    qtbot.keyClicks(editor, " low")
    assert window.save_now()
    mine = "The lamp burned low all night.\n\nThe sea was calm."
    assert _stored(aw_library, first) == mine
    revision = editor.revision

    theirs = "At dusk, the lamp burned low all night.\n\nThe sea was calm."
    _write_elsewhere(aw_library, first, mine.replace("The lamp", "At dusk, the lamp"))
    window.sync_applied()

    assert editor.scene_text() == theirs
    # The cursor stayed after "low", moved along by the text put in before it.
    assert editor.textCursor().position() == len("At dusk, the lamp burned low")
    assert editor.revision == revision  # not the writer's edit: nothing to save
    assert not window.autosaver.has_unsaved()
    assert editor.document().isUndoAvailable()  # the writer's own typing can still be undone
    assert window.binder_model.node(window.binder_model.find(NodeKind.SCENE, first)).words == 12


def test_typing_not_yet_saved_when_a_sync_lands_is_merged_not_overwritten(
    window, qtbot, aw_library, scenes
):
    first, _ = scenes
    editor = window.editor
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " Gulls cried.")
    assert window.autosaver.has_unsaved_text(first)
    # The sync lands before the autosave: it must not undo the writer's typing, nor the save
    # the other device's edit.
    _write_elsewhere(aw_library, first, "At dusk, " + FIRST)
    window.sync_applied()
    assert editor.scene_text() == FIRST + " Gulls cried."  # nothing forced into the editor

    assert window.save_now()
    both = "At dusk, " + FIRST + " Gulls cried."
    assert _stored(aw_library, first) == both
    qtbot.waitUntil(lambda: editor.scene_text() == both, timeout=5000)
    assert editor.textCursor().position() == len(both)  # still at the end, after the merge

    # The next save starts from the merged text: no edit is applied twice.
    qtbot.keyClicks(editor, "!")
    assert window.save_now()
    assert _stored(aw_library, first) == both + "!"
    assert editor.scene_text() == both + "!"


def test_a_scene_deleted_on_another_device_shows_its_chapter(window, aw_library, scenes):
    first, _ = scenes
    with aw_library.session() as s:
        move_to_trash(session=s, item=get_scene(session=s, scene_id=first))
    window.sync_applied()
    assert window.current_node is not None and window.current_node.kind is NodeKind.CHAPTER
    assert not window.binder_model.find(NodeKind.SCENE, first).isValid()
    assert "deleted on another device" in window.statusBar().currentMessage()


def test_a_new_chapter_from_another_device_appears_and_the_open_scene_stays(
    window, aw_library, scenes
):
    first, _ = scenes
    with aw_library.session() as s:
        book = list_books(session=s)[0]
        add_chapter(session=s, book=book, title="Arrived")
    editor_text = window.editor.scene_text()
    window.sync_applied()
    titles = [c.title for c in window.binder_model.books[0].children]
    assert titles == ["One", "Arrived"]
    assert window.current_node is not None and window.current_node.id == first
    assert window.editor.scene_text() == editor_text


def test_a_failed_write_does_not_become_the_base_of_the_next(aw_library, scenes, qtbot):
    """The worker merges against the text it last wrote from the editor; one that failed to
    write was never stored, so the next request must not merge against it."""
    first, _ = scenes
    worker = SaveWorker(aw_library)
    results: list[object] = []
    failures: list[str] = []
    worker.signals.saved.connect(results.append)
    worker.signals.failed.connect(lambda *args: failures.append(args[2]))
    try:
        base = FIRST
        worker.submit(SaveRequest(first, FIRST + " One.", 1, base=base, base_id=7))
        assert worker.wait_idle()
        real = worker._save

        def fail_once(request):
            worker._save = real
            raise OSError(28, "No space left on device")

        worker._save = fail_once
        worker.submit(SaveRequest(first, FIRST + " One. Two.", 2, base=base, base_id=7))
        assert worker.wait_idle()
        _write_elsewhere(aw_library, first, "At dusk, " + FIRST + " One.")
        worker.submit(SaveRequest(first, FIRST + " One. Two. Three.", 3, base=base, base_id=7))
        assert worker.wait_idle()
        qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    finally:
        worker.stop()
    assert failures and "disk is full" in failures[0]
    assert _stored(aw_library, first) == "At dusk, " + FIRST + " One. Two. Three."


def test_the_autosaver_reports_a_merge_only_for_its_newest_request(aw_library, scenes, qtbot):
    first, _ = scenes
    saver = Autosaver(aw_library)
    merges: list[tuple[str, str, str]] = []
    saver.merged.connect(lambda *args: merges.append(args))
    text = [FIRST]
    saver.track(first, lambda: text[0], base=FIRST)
    try:
        _write_elsewhere(aw_library, first, FIRST + "\n\nA boat.")
        text[0] = "Dawn. " + FIRST
        saver.note_edit(first, 1)
        assert saver.flush()
        assert merges == [(first, "Dawn. " + FIRST, "Dawn. " + FIRST + "\n\nA boat.")]
    finally:
        saver.close()


def test_two_devices_through_a_server_and_the_windows_sync_panel(
    qtbot,
    tmp_path,
    aw_library,
    scenes,
    sync_live_server,  # noqa: F811
    sync_keyring,  # noqa: F811
    monkeypatch,
):
    first, _ = scenes
    tokens_a = MemoryTokenStore()
    account.sign_in(
        aw_library, server_url=sync_live_server, email="two@example.org",
        password="a long password", register=True, tokens=lambda *_: tokens_a,
    )  # fmt: skip
    account.sync_library(aw_library, tokens=lambda *_: tokens_a)

    device_b = open_library(tmp_path / "device-b")
    try:
        account.sign_in(
            device_b, server_url=sync_live_server, email="two@example.org",
            password="a long password",
        )  # fmt: skip
        account.sync_library(device_b)
        monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: None)
        window = MainWindow(device_b)
        qtbot.addWidget(window)
        window.show()
        assert window.select(NodeKind.SCENE, first)
        editor = window.editor
        editor.moveCursor(QTextCursor.MoveOperation.End)

        # Device A writes a new sentence at the start and a new scene; B syncs from its panel.
        with aw_library.session() as s:
            scene = get_scene(session=s, scene_id=first)
            set_scene_text(session=s, scene=scene, text="Rain. " + FIRST)
            chapter = list_chapters(session=s, book_id=list_books(session=s)[0].id)[0]
            add_scene(session=s, chapter=chapter, title="Third", text="Fog came in.")
        account.sync_library(aw_library, tokens=lambda *_: tokens_a)

        panel = window.panels.widgets["sync"]
        panel.sync_now()
        qtbot.waitUntil(lambda: editor.scene_text() == "Rain. " + FIRST, timeout=20000)
        assert editor.textCursor().position() == len("Rain. " + FIRST)
        # (The live room may bring the text before the sync ends: the new scene comes with it.)
        qtbot.waitUntil(lambda: panel.state == "synced" and not panel._runner, timeout=20000)
        chapter_node = window.binder_model.books[0].children[0]
        assert [n.title for n in chapter_node.children] == ["First", "Second", "Third"]

        # B types; its edit reaches A.
        qtbot.keyClicks(editor, " Bells.")
        assert window.save_now()
        panel.sync_now()
        qtbot.waitUntil(lambda: panel.state == "synced" and not panel._runner, timeout=20000)
        account.sync_library(aw_library, tokens=lambda *_: tokens_a)
        assert _stored(aw_library, first) == "Rain. " + FIRST + " Bells."
        with device_b.session() as s:
            assert [x.title for x in list_scenes(session=s, chapter_id=chapter_node.id)] == [
                "First",
                "Second",
                "Third",
            ]
        window.close()
    finally:
        device_b.close()


def test_bases_are_kept_only_for_the_open_scene_and_scenes_still_being_written(aw_library, scenes):
    first, second = scenes
    saver = Autosaver(aw_library)
    try:
        saver.track(first, lambda: FIRST + " more", base=FIRST)
        saver.note_edit(first, 1)  # typed, not yet written
        saver.track(second, lambda: "Gulls.", base="Gulls.")
        assert saver.base(first) == FIRST  # its save still needs it
        assert saver.flush()  # only the current scene is saved by flush: write the first too
        saver.track(first, lambda: FIRST + " more", base=None)
        assert saver.flush()
        saver.track(second, lambda: "Gulls.", base="Gulls.")
        assert saver.base(first) is None and saver.base(second) == "Gulls."
    finally:
        saver.close()
