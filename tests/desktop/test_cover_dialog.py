"""The cover dialog: preview follows edits, undo/redo, export and "Use as book cover"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from core.store.assets import book_cover
from core.store.manuscript import get_book
from desktop.dialogs.cover import CoverDialog


@pytest.fixture
def dialog(qtbot, aw_library, aw_sample_book) -> CoverDialog:
    dlg = CoverDialog(aw_library, aw_sample_book)
    qtbot.addWidget(dlg)
    return dlg


def _preview_bytes(dlg: CoverDialog) -> bytes:
    dlg.render_preview()
    assert dlg.last_render is not None
    return dlg.last_render.image.tobytes()


def test_edit_text_updates_preview_and_undo_restores(dialog: CoverDialog) -> None:
    before = _preview_bytes(dialog)
    assert dialog.design.layer("title").text == "Gannet Rock"
    dialog.layer_list.setCurrentRow([layer.id for layer in dialog.design.layers].index("title"))
    dialog.text_edit.setText("Gannet Rock Revisited")
    dialog.text_edit.textEdited.emit("Gannet Rock Revisited")
    assert dialog.design.layer("title").text == "Gannet Rock Revisited"
    assert _preview_bytes(dialog) != before
    dialog.undo_stack.undo()
    assert dialog.design.layer("title").text == "Gannet Rock"
    assert _preview_bytes(dialog) == before
    dialog.undo_stack.redo()
    assert dialog.design.layer("title").text == "Gannet Rock Revisited"


def test_typing_merges_into_one_undo_step_and_moves_are_undoable(dialog: CoverDialog) -> None:
    for text in ("G", "Ga", "Gan"):
        dialog.edit_layer(text=text, layer_id="author")
    assert dialog.undo_stack.count() == 1
    x0 = dialog.design.layer("author").box[0]
    dialog.edit_layer(x=x0 + 0.05, layer_id="author")
    assert dialog.design.layer("author").box[0] == pytest.approx(x0 + 0.05)
    dialog.undo_stack.undo()
    assert dialog.design.layer("author").box[0] == pytest.approx(x0)


def test_dragging_the_preview_moves_the_selected_layer(dialog: CoverDialog) -> None:
    dialog.layer_list.setCurrentRow(0)
    layer_id = dialog.current_layer_id()
    y0 = dialog.design.layer(layer_id).box[1]
    dialog._on_drag(0.0, 0.05, False)
    dialog._on_drag(0.0, 0.1, True)
    assert dialog.design.layer(layer_id).box[1] == pytest.approx(y0 + 0.1)
    dialog.undo_stack.undo()
    assert dialog.design.layer(layer_id).box[1] == pytest.approx(y0)


def test_template_switch_keeps_texts(dialog: CoverDialog) -> None:
    dialog.template_box.setCurrentText("bold")
    assert dialog.design.template == "bold"
    assert dialog.design.layer("title").text == "Gannet Rock"
    dialog.undo_stack.undo()
    assert dialog.design.template != "bold"


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp"])
def test_export_formats(dialog: CoverDialog, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"cover{suffix}"
    dialog.export_to(target)
    assert Image.open(target).size == (1600, 2560)


def test_use_as_book_cover_stores_asset_and_design(
    dialog: CoverDialog, qtbot, aw_library, aw_sample_book
) -> None:
    dialog.edit_layer(text="Rock", layer_id="title")
    with qtbot.waitSignal(dialog.coverSaved) as signal:
        asset_id = dialog.use_as_cover()
    assert signal.args == [asset_id]
    with aw_library.session() as s:
        assert book_cover(session=s, book_id=aw_sample_book).id == asset_id
        assert get_book(session=s, book_id=aw_sample_book).metadata_["cover_design"]["layers"]
    reopened = CoverDialog(aw_library, aw_sample_book)
    qtbot.addWidget(reopened)
    assert reopened.design.layer("title").text == "Rock"


def test_background_picture_and_a_bad_one(dialog: CoverDialog, tmp_path: Path) -> None:
    picture = tmp_path / "sea.png"
    Image.new("RGBA", (300, 480), (0, 120, 200, 255)).save(picture)
    dialog.set_background_picture(picture)
    dialog.render_preview()
    assert dialog.last_render is not None and dialog.last_render.warnings == []
    r, _g, b = dialog.last_render.image.getpixel((5, 300))
    assert b > r  # the blue picture, darkened by the tint
    (tmp_path / "bad.png").write_bytes(b"not a picture")
    dialog.set_background_picture(tmp_path / "bad.png")
    dialog.render_preview()
    assert "bad.png" in dialog.warning_label.text()
    dialog.undo_stack.undo()
    dialog.render_preview()
    assert dialog.warning_label.text() == ""
