"""The inspector edits the open scene's details; the corkboard shows cards and reorders them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from core.sample import add_sample_book
from core.store.codex import list_codex
from core.store.manuscript import get_scene, list_books, list_chapters, list_scenes
from desktop.binder.model import NodeKind
from desktop.binder.outline_view import Card
from desktop.panels.inspector import InspectorPanel
from desktop.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, aw_library, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: QMessageBox.StandardButton.Ok)
    add_sample_book(aw_library)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(aw_library, settings=settings)
    qtbot.addWidget(win)
    win.show()
    return win


def test_the_inspector_edits_the_open_scene(window, aw_library) -> None:
    inspector = window.panels.widgets["inspector"]
    assert isinstance(inspector, InspectorPanel)
    scene = window.current_node
    assert inspector.scene_id == scene.id
    with aw_library.session() as s:
        book_id = list_books(session=s)[0].id
        characters = list_codex(session=s, book_id=book_id, kind="character")
    assert inspector.pov.count() == len(characters) + 1
    inspector.synopsis.setPlainText("Teo arrives at the orchard.")
    inspector.status.setCurrentText("revised")
    inspector.pov.setCurrentIndex(1)
    inspector.setting.setText("The orchard road, dusk")
    inspector.setting.textEdited.emit("The orchard road, dusk")
    inspector.labels.setText("arrival, weather")
    inspector.labels.textEdited.emit("arrival, weather")
    inspector.save()
    with aw_library.session() as s:
        stored = get_scene(session=s, scene_id=scene.id)
        assert stored.synopsis == "Teo arrives at the orchard."
        assert stored.status == "revised"
        assert stored.pov_character_id == characters[0].id
        assert stored.setting == "The orchard road, dusk"
        assert stored.labels == ["arrival", "weather"]
    node = window.binder_model.node(window.binder_model.find(NodeKind.SCENE, scene.id))
    assert node.status == "revised"
    # Another scene shows its own details; coming back shows the saved ones.
    other = window.binder_model.books[0].children[1].children[0]
    window.select(NodeKind.SCENE, other.id)
    assert inspector.synopsis.toPlainText() != "Teo arrives at the orchard."
    window.select(NodeKind.SCENE, scene.id)
    assert inspector.synopsis.toPlainText() == "Teo arrives at the orchard."
    assert inspector.pov.currentData() == characters[0].id


def test_the_corkboard_shows_cards_and_reorders_scenes(window, aw_library, qtbot) -> None:
    chapter = window.binder_model.books[0].children[1]
    window.view.toggle_outline()
    window.select(NodeKind.CHAPTER, chapter.id)
    board = window.corkboard
    assert window.pages.currentWidget() is board
    cards = board.cards()
    assert [c.title for c in cards] == [s.title for s in chapter.children]
    assert all(isinstance(c, Card) and c.kind is NodeKind.SCENE for c in cards)
    board.move_card(0, 2)

    def titles() -> list[str]:
        with aw_library.session() as s:
            chapters = list_chapters(session=s, book_id=chapter.book_id)
            return [sc.title for sc in list_scenes(session=s, chapter_id=chapters[1].id)]

    qtbot.waitUntil(lambda: titles() == [cards[1].title, cards[2].title, cards[0].title])
    # A book's corkboard shows each chapter as a headed row of its scene cards.
    book = window.binder_model.books[0]
    window.select(NodeKind.BOOK, book.id)
    assert window.pages.currentWidget() is window.book_corkboard
    assert window.book_corkboard.sections() == [
        (c.title, [s.title for s in c.children]) for c in book.children
    ]
    window.view.toggle_outline()
    assert window.pages.currentWidget() is window.reader


def test_every_book_menu_dialog_opens_without_blocking(window, qtbot) -> None:
    from desktop.panels.studio_panels import BOOK_DIALOGS

    texts = {a.text(): a for a in window.menus["Book"].actions()}
    opened = []
    for text, name, _factory, _keys in BOOK_DIALOGS:
        assert text in texts
        texts[text].trigger()
        dialog = window.panels.dialogs.get(name)
        assert dialog is not None, f"{name} did not open"
        assert dialog.isVisible() and not dialog.isModal()
        opened.append(dialog)
    texts["Scene &Snapshots…"].trigger()
    snapshots = window.panels.dialogs.get("SnapshotsDialog")
    assert snapshots is not None and snapshots.isVisible()
    for dialog in [*opened, snapshots]:
        dialog.close()
    # Every dock of the studio is there and listed in the View menu.
    view_texts = {a.text() for a in window.menus["View"].actions()}
    for key in ("inspector", "codex", "search", "stats", "ai"):
        assert key in window.panels.docks, f"the {key} dock is missing"
        assert window.panels.docks[key].windowTitle() in view_texts
