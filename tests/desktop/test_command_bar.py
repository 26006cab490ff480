"""The studio's command bar: Ctrl+K, type, pick, preview, run, undo; menu items too."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from core.store.manuscript import list_books, list_chapters


def _press(qtbot, widget, key: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QKeySequence

    seq = QKeySequence(key)[0]
    qtbot.keyClick(widget, seq.key(), seq.keyboardModifiers())


@pytest.fixture
def bar(qtbot, sample_studio, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QStandardPaths

    # Files the bar writes go to the writer's Documents: here a temp folder.
    monkeypatch.setattr(
        QStandardPaths, "writableLocation", staticmethod(lambda _where: str(tmp_path))
    )
    sample_studio.editor.setFocus()
    qtbot.wait(20)  # the window's shortcuts are live once its first events are handled
    _press(qtbot, sample_studio.editor, "Ctrl+K")
    bar = sample_studio.command_bar
    assert bar is not None and bar.isVisible() and bar.input.hasFocus()
    return bar


def _type(qtbot, bar, text: str) -> None:  # type: ignore[no-untyped-def]
    bar.input.clear()
    qtbot.keyClicks(bar.input, text)


def _chapters(window) -> list[str]:  # type: ignore[no-untyped-def]
    with window.library.session() as s:
        book = list_books(session=s)[0]
        return [c.title for c in list_chapters(session=s, book_id=book.id)]


def test_typing_lists_what_it_means_with_the_preview(qtbot, bar) -> None:
    _type(qtbot, bar, "exprot as epub")
    assert bar.command is not None and bar.command.name == "export"
    assert bar.arguments["format"] == "epub"
    assert bar.preview.text().startswith("Export *The Glass Orchard* as EPUB to ")
    assert bar.list.count() >= 1 and bar.list.item(0).text().startswith("export — Export")
    # The format is editable: the preview follows.
    box = bar.form_box.findChild(QComboBox, "argument_format")
    assert box is not None
    box.setCurrentText("docx")
    assert "as DOCX" in bar.preview.text()


def test_a_change_waits_for_a_second_enter_then_runs_and_undoes(qtbot, bar, tmp_path) -> None:
    window = bar.studio
    before = _chapters(window)
    _type(qtbot, bar, "add a chapter called 'Aftermath'")
    assert bar.command.name == "add-chapter"
    _press(qtbot, bar.input, "Return")
    assert bar.confirming and "Enter again" in bar.status.text()
    assert _chapters(window) == before  # nothing yet
    _press(qtbot, bar.input, "Return")
    qtbot.waitUntil(lambda: bar.status.text().startswith("✓"), timeout=10_000)
    assert _chapters(window) == [*before, "Aftermath"]
    # The binder shows it without a restart.
    book = window.binder_model.books[0]
    assert [c.title for c in book.children][-1] == "Aftermath"
    assert bar.undo_button.isVisible()
    qtbot.mouseClick(bar.undo_button, Qt.MouseButton.LeftButton)
    assert _chapters(window) == before
    assert bar.status.text().startswith("↶")


def test_a_long_command_runs_as_a_job_and_writes_its_file(qtbot, bar, tmp_path: Path) -> None:
    _type(qtbot, bar, "export the book to markdown")
    _press(qtbot, bar.input, "Return")
    _press(qtbot, bar.input, "Return")
    qtbot.waitUntil(lambda: bar.status.text().startswith(("✓", "✗")), timeout=20_000)
    assert bar.status.text().startswith("✓")
    assert (tmp_path / "The Glass Orchard.md").is_file()


def test_escape_steps_back_then_closes(qtbot, bar) -> None:
    _type(qtbot, bar, "make a noir cover")
    _press(qtbot, bar.input, "Return")
    assert bar.confirming
    _press(qtbot, bar.input, "Escape")
    assert not bar.confirming and bar.isVisible()
    _press(qtbot, bar.input, "Escape")
    assert not bar.isVisible()


def test_an_unclear_request_asks_and_a_refusal_runs_nothing(qtbot, bar) -> None:
    _type(qtbot, bar, "hmm")
    assert "did not understand" in bar.status.text()
    _press(qtbot, bar.input, "Return")  # no key, no hosted AI: the question stays
    qtbot.waitUntil(lambda: "Asking Claude" not in bar.status.text(), timeout=10_000)
    assert bar.list.count() >= 1  # choices to pick from
    _type(qtbot, bar, "delete everything")
    assert bar.status.text().startswith("Not done:")
    before = _chapters(bar.studio)
    _press(qtbot, bar.input, "Return")
    _press(qtbot, bar.input, "Return")
    assert _chapters(bar.studio) == before


def test_menu_items_are_in_the_bar_and_run(qtbot, bar) -> None:
    _type(qtbot, bar, "keyboard shortcuts")
    assert bar.command is not None and bar.command.source == "studio"
    assert "Help › Keyboard Shortcuts" in bar.list.item(0).text()
    shown = []
    bar.studio.view.show_shortcuts = lambda: shown.append(True)  # type: ignore[method-assign]
    # The action calls the handler it was built with; trigger it through the bar.
    action = bar.studio.actions_by_name["shortcuts"]
    action.triggered.disconnect()
    action.triggered.connect(lambda: shown.append(True))
    _press(qtbot, bar.input, "Return")
    assert shown and not bar.isVisible()


def test_the_history_lists_recent_requests_first(qtbot, bar) -> None:
    _type(qtbot, bar, "show the stats")
    _press(qtbot, bar.input, "Return")
    qtbot.waitUntil(lambda: bar.status.text().startswith("✓"), timeout=10_000)
    _press(qtbot, bar.input, "Escape")
    bar.input.clear()
    bar.studio.show_command_bar()
    assert bar.list.item(0).text() == "↺ show the stats"


def test_the_menus_dispatch_through_the_studio_registry(qtbot, sample_studio, monkeypatch) -> None:
    registry = sample_studio.studio_registry
    assert "studio:view.inspector" in registry and "studio:edit.find_project" in registry
    seen = []
    real = type(registry).trigger
    monkeypatch.setattr(type(registry), "trigger", lambda self, n: (seen.append(n), real(self, n)))
    sample_studio.actions_by_name["outline"].trigger()
    assert seen == ["studio:view.outline"]
