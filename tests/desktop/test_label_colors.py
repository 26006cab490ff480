"""Scenes' labels show as coloured dots in the binder; colours are edited in the inspector."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QMessageBox, QStyleOptionViewItem

from core.store.labels import label_colors
from core.store.manuscript import get_book, list_chapters, list_scenes
from desktop.binder.delegate import BinderDelegate
from desktop.binder.model import BinderModel, NodeKind
from desktop.window.main_window import MainWindow


def _label_first_scene(library, book_id: str, labels: list[str]) -> str:
    with library.session() as s:
        chapter = list_chapters(session=s, book_id=book_id)[0]
        scene = list_scenes(session=s, chapter_id=chapter.id)[0]
        scene.labels = labels
        return scene.id


def test_the_model_exposes_label_colours(qapp, aw_library, aw_sample_book) -> None:
    scene_id = _label_first_scene(aw_library, aw_sample_book, ["clue", "night"])
    model = BinderModel()
    model.reload(aw_library)
    index = model.find(NodeKind.SCENE, scene_id)
    shown = model.data(index, BinderModel.LABELS_ROLE)
    assert [label for label, _ in shown] == ["clue", "night"]
    assert shown[0][1] != shown[1][1]
    assert model.data(index, Qt.ItemDataRole.ToolTipRole).endswith("Labels: clue, night")
    assert model.label_colors(aw_sample_book) == {
        "clue": shown[0][1].name(),
        "night": shown[1][1].name(),
    }
    # A scene without labels has no dots.
    other = model.node(index).parent.children[1]
    assert model.data(model.index_of(other), BinderModel.LABELS_ROLE) == []


def test_the_delegate_paints_a_dot_in_the_label_colour(qapp, aw_library, aw_sample_book) -> None:
    scene_id = _label_first_scene(aw_library, aw_sample_book, ["clue"])
    model = BinderModel()
    model.reload(aw_library)
    model.set_label_colors(aw_sample_book, {"clue": "#00ff00"})
    index = model.find(NodeKind.SCENE, scene_id)
    image = QImage(200, 20, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.rect = image.rect()
    painter = QPainter(image)
    BinderDelegate().paint(painter, option, index)
    painter.end()
    greens = [
        x for x in range(200) if image.pixelColor(x, 10).green() > 200
        and image.pixelColor(x, 10).red() < 60
    ]  # fmt: skip
    assert greens and min(greens) > 150  # the dot sits at the right end of the title cell


@pytest.fixture
def window(qtbot, aw_library, aw_sample_book, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: QMessageBox.StandardButton.Ok)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(aw_library, settings=settings)
    qtbot.addWidget(win)
    win.show()
    return win


def test_changing_a_colour_persists_and_repaints(window, aw_library, qtbot) -> None:
    inspector = window.panels.widgets["inspector"]
    scene = window.current_node
    assert scene.kind is NodeKind.SCENE
    inspector.labels.setText("clue, night")
    inspector.labels.textEdited.emit("clue, night")
    inspector.save()
    model = window.binder_model
    index = model.find(NodeKind.SCENE, scene.id)
    assert [label for label, _ in model.data(index, BinderModel.LABELS_ROLE)] == ["clue", "night"]
    with aw_library.session() as s:
        stored = label_colors(get_book(session=s, book_id=scene.book_id))
    assert set(stored) == {"clue", "night"}
    assert inspector.label_button_colors() == stored

    with qtbot.waitSignal(model.dataChanged) as changed:
        assert inspector.set_label_color("night", "#123456")
    first, last = changed.args[0], changed.args[1]
    assert first.parent() == index.parent() and first.row() <= index.row() <= last.row()
    assert model.data(index, BinderModel.LABELS_ROLE)[1][1] == QColor("#123456")
    assert inspector.label_button_colors()["night"] == "#123456"
    with aw_library.session() as s:
        assert label_colors(get_book(session=s, book_id=scene.book_id))["night"] == "#123456"
    # A reload reads the stored colour back.
    window.reload_binder()
    index = window.binder_model.find(NodeKind.SCENE, scene.id)
    assert window.binder_model.data(index, BinderModel.LABELS_ROLE)[1][1] == QColor("#123456")
