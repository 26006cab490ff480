"""The book corkboard: chapters as headed rows of scene cards; drops reorder and move scenes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from core.sample import add_sample_book
from core.store.manuscript import list_chapters, list_scenes
from desktop.binder.book_corkboard import BookCorkboard
from desktop.binder.model import NodeKind
from desktop.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, aw_library, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: QMessageBox.StandardButton.Ok)
    add_sample_book(aw_library)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(aw_library, settings=settings)
    qtbot.addWidget(win)
    win.resize(1100, 700)
    win.show()
    return win


def _stored(library, book_id: str) -> list[list[str]]:
    with library.session() as s:
        return [
            [sc.id for sc in list_scenes(session=s, chapter_id=c.id)]
            for c in list_chapters(session=s, book_id=book_id)
        ]


def _open_book_board(window) -> tuple[BookCorkboard, str]:
    book = window.binder_model.books[0]
    window.view.toggle_outline()
    window.select(NodeKind.BOOK, book.id)
    board = window.book_corkboard
    assert window.pages.currentWidget() is board
    return board, book.id


def _drop(row, scene_id: str, x: int, y: int, source) -> None:
    data = source.mimeData([source.item(source.cards().index(_card(source, scene_id)))])
    event = QDropEvent(
        QPointF(x, y), Qt.DropAction.MoveAction, data,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    row.dropEvent(event)


def _card(row, scene_id: str):
    return next(c for c in row.cards() if c.id == scene_id)


def test_a_book_shows_every_chapter_with_its_scene_cards(window) -> None:
    board, _ = _open_book_board(window)
    book = window.binder_model.books[0]
    assert len(board.rows) == len(board.headers) == len(book.children)
    for row, header, chapter in zip(board.rows, board.headers, book.children, strict=True):
        assert chapter.title in header.text()
        assert [c.id for c in row.cards()] == [s.id for s in chapter.children]
        assert all(c.kind is NodeKind.SCENE for c in row.cards())


def test_dropping_a_card_on_another_chapter_moves_the_scene(window, aw_library, qtbot) -> None:
    board, book_id = _open_book_board(window)
    before = _stored(aw_library, book_id)
    source, target = board.rows[1], board.rows[0]
    moving = source.cards()[0].id
    # Dropped on the first card of chapter one: it goes in front of that card.
    first_rect = target.visualRect(target.model().index(0, 0))
    _drop(target, moving, first_rect.center().x(), first_rect.center().y(), source)
    expected = [[moving, *before[0]], before[1][1:], *before[2:]]
    qtbot.waitUntil(lambda: _stored(aw_library, book_id) == expected)
    # The board stays shown, rebuilt from the library.
    qtbot.waitUntil(lambda: [[c.id for c in r.cards()] for r in board.rows] == expected)
    assert window.pages.currentWidget() is board
    assert window.current_node.kind is NodeKind.BOOK
    assert [[c.id for c in row.cards()] for row in board.rows] == expected


def test_dropping_a_card_past_the_end_reorders_within_its_chapter(
    window, aw_library, qtbot
) -> None:
    board, book_id = _open_book_board(window)
    before = _stored(aw_library, book_id)
    chapter_index = next(i for i, ids in enumerate(before) if len(ids) >= 2)
    row = board.rows[chapter_index]
    moving = before[chapter_index][0]
    _drop(row, moving, row.viewport().width() - 2, 20, row)  # empty space after the cards
    expected = list(before)
    expected[chapter_index] = [*before[chapter_index][1:], moving]
    qtbot.waitUntil(lambda: _stored(aw_library, book_id) == expected)


def test_the_chapter_corkboard_is_unchanged(window) -> None:
    chapter = window.binder_model.books[0].children[0]
    window.view.toggle_outline()
    window.select(NodeKind.CHAPTER, chapter.id)
    assert window.pages.currentWidget() is window.corkboard
    assert [c.id for c in window.corkboard.cards()] == [s.id for s in chapter.children]
