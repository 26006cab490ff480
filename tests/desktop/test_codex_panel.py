"""The codex panel: listing by kind, filtering, editing, images, delete to trash, opening."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox

from core.store.codex import add_codex_entry, get_codex_entry, list_codex
from core.store.manuscript import create_book
from desktop.panels.codex_panel import CodexPanel


def _png(path):
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    assert image.save(str(path), "PNG")
    return path


@pytest.fixture
def codex(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Codex book")
        anna = add_codex_entry(
            session=s, book=book, kind="character", name="Anna Marsh", aliases=["the keeper"]
        )
        rock = add_codex_entry(session=s, book=book, kind="location", name="Gannet Rock")
        lamp = add_codex_entry(session=s, book=book, kind="lore", name="The Lamp", category="myth")
        return {"book": book.id, "anna": anna.id, "rock": rock.id, "lamp": lamp.id}


@pytest.fixture
def panel(qtbot, aw_library, codex):
    widget = CodexPanel(aw_library, codex["book"])
    qtbot.addWidget(widget)
    return widget


def test_lists_by_kind_and_filters_names_and_aliases(panel, codex):
    assert panel.visible_names() == ["Anna Marsh", "Gannet Rock", "The Lamp"]
    panel.kind_box.setCurrentIndex(panel.kind_box.findData("location"))
    assert panel.visible_names() == ["Gannet Rock"]
    panel.kind_box.setCurrentIndex(0)
    panel.filter_edit.setText("KEEPER")
    assert panel.visible_names() == ["Anna Marsh"]


def test_edit_form_saves_and_emits_codex_changed(qtbot, panel, aw_library, codex):
    assert panel.open_entry("character", codex["anna"])
    assert panel.name_edit.text() == "Anna Marsh"
    assert panel.form.isRowVisible(panel.role_edit)
    assert not panel.form.isRowVisible(panel.category_edit)
    panel.name_edit.setText("Anna Gray")
    panel.aliases_edit.setText("Anna, the keeper, , Anna")
    panel.role_edit.setText("lead")
    panel.traits_edit.setText("stubborn, kind")
    panel.description_edit.setPlainText("Keeps the lamp.")
    with qtbot.waitSignal(panel.codex_changed):
        assert panel.save_current()
    with aw_library.session() as s:
        anna = get_codex_entry(session=s, kind="character", entry_id=codex["anna"])
        assert (anna.name, anna.aliases, anna.role, anna.traits, anna.description) == (
            "Anna Gray",
            ["Anna", "the keeper"],
            "lead",
            ["stubborn", "kind"],
            "Keeps the lamp.",
        )
    assert {n.name for n in panel.names()} >= {"Anna Gray", "Anna", "the keeper"}
    panel.name_edit.setText("   ")
    assert not panel.save_current()
    assert "needs a name" in panel.message.text()


def test_lore_form_shows_category(panel, codex):
    panel.open_entry("lore", codex["lamp"])
    assert panel.category_edit.text() == "myth"
    assert panel.form.isRowVisible(panel.category_edit)
    assert not panel.form.isRowVisible(panel.role_edit)


def test_create_and_delete_to_trash(qtbot, panel, aw_library, codex, monkeypatch):
    new_id = panel.create_entry("location", "Harbour")
    assert panel.current_entry() == ("location", new_id)
    assert "Harbour" in panel.visible_names()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert not panel.delete_current()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.codex_changed):
        assert panel.delete_current()
    assert "Harbour" not in panel.visible_names()
    with aw_library.session() as s:
        assert "Harbour" not in [e.name for e in list_codex(session=s, book_id=codex["book"])]


def test_image_set_and_removed(panel, aw_library, codex, tmp_path):
    panel.open_entry("location", codex["rock"])
    assert panel.set_image(_png(tmp_path / "rock.png"))
    assert panel.image_label.pixmap() is not None and not panel.image_label.pixmap().isNull()
    with aw_library.session() as s:
        assert get_codex_entry(session=s, kind="location", entry_id=codex["rock"]).image_asset_id
    assert not panel.set_image(b"not an image")
    assert "not an image" in panel.message.text()
    assert panel.set_image(None)
    assert panel.image_label.text() == "No image"


def test_activation_signal(qtbot, panel, codex):
    with qtbot.waitSignal(panel.entry_activated) as blocker:
        panel.open_entry("location", codex["rock"])
    assert blocker.args == ["location", codex["rock"]]
    item = panel.list.currentItem()
    with qtbot.waitSignal(panel.entry_activated) as blocker:
        panel.list.itemActivated.emit(item)
    assert blocker.args == ["location", codex["rock"]]
    assert not panel.open_entry("character", "no-such-id")
