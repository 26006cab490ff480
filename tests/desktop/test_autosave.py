"""Autosave: debounced writes off the UI thread, counts in the binder, failures keep the text."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from core.store import saving
from core.store.manuscript import add_chapter, add_scene, create_book, get_scene
from desktop.binder.model import NodeKind
from desktop.editor import autosave
from desktop.editor.autosave import Autosaver, SaveRequest
from desktop.window.main_window import MainWindow


@pytest.fixture
def scenes(aw_library) -> tuple[str, str]:
    with aw_library.session() as s:
        book = create_book(session=s, title="Autosave")
        chapter = add_chapter(session=s, book=book, title="One")
        first = add_scene(session=s, chapter=chapter, title="First", text="Alpha beta.")
        second = add_scene(session=s, chapter=chapter, title="Second", text="Gamma.")
        return first.id, second.id


@pytest.fixture
def window(qtbot, aw_library, scenes, monkeypatch) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    win = MainWindow(aw_library)
    qtbot.addWidget(win)
    win.show()
    return win


def _stored(library, scene_id: str) -> str:
    with library.session() as s:
        return get_scene(session=s, scene_id=scene_id).text


def _type_at_end(window: MainWindow, qtbot, text: str) -> None:
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, text)


def test_typing_is_saved_after_a_pause_off_the_ui_thread(
    window, qtbot, aw_library, scenes, monkeypatch
) -> None:
    first, _ = scenes
    threads: list[str] = []
    real = saving.set_scene_text

    def spy(**kwargs):
        threads.append(threading.current_thread().name)
        return real(**kwargs)

    monkeypatch.setattr(saving, "set_scene_text", spy)
    assert window.current_node is not None and window.current_node.id == first
    _type_at_end(window, qtbot, " Delta epsilon")
    assert window.save_label.text() == "Edited"
    qtbot.waitUntil(lambda: _stored(aw_library, first) == "Alpha beta. Delta epsilon", timeout=5000)
    main = threading.main_thread().name
    assert threads and all(name != main for name in threads)
    qtbot.waitUntil(lambda: window.save_label.text() == "Saved")
    model = window.binder_model
    scene_index = model.find(NodeKind.SCENE, first)
    assert model.data(scene_index.siblingAtColumn(1)) == "4"
    book_index = model.find(NodeKind.BOOK, window.current_node.book_id)
    assert model.data(book_index.siblingAtColumn(1)) == "5"


def test_switching_scenes_keeps_the_unsaved_text(window, qtbot, aw_library, scenes) -> None:
    first, second = scenes
    _type_at_end(window, qtbot, " More")
    window.select(NodeKind.SCENE, second)
    assert window.editor.scene_text() == "Gamma."
    window.select(NodeKind.SCENE, first)  # before or after the write, the text is the new one
    assert window.editor.scene_text() == "Alpha beta. More"
    qtbot.waitUntil(lambda: _stored(aw_library, first) == "Alpha beta. More")


def test_a_failed_write_keeps_the_text_and_writes_a_recovery_file(
    window, qtbot, aw_library, scenes, monkeypatch
) -> None:
    first, _ = scenes
    real = saving.set_scene_text

    def read_only(**kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(saving, "set_scene_text", read_only)
    _type_at_end(window, qtbot, " Lost?")
    qtbot.waitUntil(lambda: window.save_label.text() == "Not saved", timeout=5000)
    message = window.save_label.toolTip()
    assert message.startswith("Not saved: the library is on a read-only disk")
    assert "safe in the editor" in message
    recovery = autosave.recovery_dir() / f"scene-{first}.md"
    assert recovery.read_text(encoding="utf-8") == "Alpha beta. Lost?"
    assert window.editor.scene_text() == "Alpha beta. Lost?"
    assert _stored(aw_library, first) == "Alpha beta."
    # The disk is writable again: a retry writes the text, and the state clears.
    monkeypatch.setattr(saving, "set_scene_text", real)
    window.autosaver.retry()
    qtbot.waitUntil(lambda: _stored(aw_library, first) == "Alpha beta. Lost?", timeout=5000)
    qtbot.waitUntil(lambda: window.save_label.text() == "Saved")


def test_a_read_only_database_is_reported_not_lost(qtbot, tmp_path, aw_library, scenes) -> None:
    from sqlalchemy import event

    from core.store import open_library

    first, _ = scenes
    # A real SQLite refusal: every connection of this second handle is query-only.
    read_only = open_library(aw_library.db_path, create=False)
    event.listen(
        read_only.engine, "connect", lambda conn, _rec: conn.execute("PRAGMA query_only=ON")
    )
    saver = Autosaver(read_only, recovery_folder=tmp_path / "recovery")
    states: list[tuple[str, str]] = []
    saver.state_changed.connect(lambda state, msg: states.append((state, msg)))
    try:
        saver.track(first, lambda: "Changed on a read-only disk.")
        saver.note_edit(first, 1)
        saver.save_now()
        qtbot.waitUntil(lambda: any(s == "error" for s, _ in states), timeout=5000)
    finally:
        saver.worker.stop()
        read_only.close()
    message = next(m for s, m in states if s == "error")
    assert message.startswith("Not saved: the library is on a read-only disk")
    assert (
        tmp_path / "recovery" / f"scene-{first}.md"
    ).read_text() == "Changed on a read-only disk."
    assert saver.pending_text(first) == "Changed on a read-only disk."
    assert _stored(aw_library, first) == "Alpha beta."


def test_requests_for_one_scene_collapse_to_the_newest(aw_library, scenes) -> None:
    first, _ = scenes
    worker = autosave.SaveWorker(aw_library)
    results = []
    worker.signals.saved.connect(results.append)
    for revision in range(1, 30):
        worker.submit(SaveRequest(first, f"Version {revision}.", revision))
    assert worker.wait_idle(10)
    worker.stop()
    assert _stored(aw_library, first) == "Version 29."


def test_save_now_writes_and_reports_before_returning(window, qtbot, aw_library, scenes) -> None:
    first, _ = scenes
    _type_at_end(window, qtbot, " Now")
    assert window.save_now()
    assert _stored(aw_library, first) == "Alpha beta. Now"
    assert window.save_label.text() == "Saved"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("database or disk is full", "the disk is full"),
        ("database is locked", "the library is locked by another program"),
    ],
)
def test_write_errors_are_named_in_one_line(
    window, qtbot, aw_library, scenes, monkeypatch, error, reason
) -> None:
    def failing(**kwargs):
        raise sqlite3.OperationalError(error)

    monkeypatch.setattr(saving, "set_scene_text", failing)
    _type_at_end(window, qtbot, " x")
    assert not window.save_now()
    message = window.save_label.toolTip()
    assert message.startswith(f"Not saved: {reason}.")
    assert "\n" not in message
    assert window.editor.scene_text() == "Alpha beta. x"


def test_autosave_records_the_words_written_today(window, qtbot, aw_library, scenes) -> None:
    from core.store.writing_stats import daily_history

    _type_at_end(window, qtbot, " three more words")
    assert window.save_now()
    book_id = window.current_node.book_id
    with aw_library.session() as s:
        history = daily_history(session=s, book_id=book_id, days=1)
    assert sum(day.words for day in history) == 3
