"""The inspector's label chips (one button per label) never draw on top of each other."""

from __future__ import annotations

from itertools import combinations

from PySide6.QtCore import QCoreApplication, QRect
from PySide6.QtWidgets import QToolButton

from core.store.manuscript import list_chapters, list_scenes
from desktop.panels.inspector import InspectorPanel


def _label_scenes(library, book_id: str, labels: list[list[str]]) -> list[str]:
    with library.session() as s:
        chapter = list_chapters(session=s, book_id=book_id)[0]
        scenes = list_scenes(session=s, chapter_id=chapter.id)[: len(labels)]
        for scene, scene_labels in zip(scenes, labels, strict=True):
            scene.labels = scene_labels
        return [scene.id for scene in scenes]


def _shown_chips(panel: InspectorPanel) -> dict[str, QRect]:
    """Label -> geometry of every chip that would be painted, in the chip row's coordinates.

    Events run first (a chip added to a shown row is shown by a queued call), but not the
    deferred deletes, as between two paints of the running app.
    """
    QCoreApplication.processEvents()
    panel.layout().activate()
    panel.label_buttons.layout().activate()
    return {
        button.text(): button.geometry()
        for button in panel.label_buttons.findChildren(QToolButton)
        if button.isVisibleTo(panel)
    }


def _assert_apart(chips: dict[str, QRect]) -> None:
    for (a, ra), (b, rb) in combinations(chips.items(), 2):
        assert not ra.intersects(rb), f"chips {a!r} {ra} and {b!r} {rb} overlap"


def test_switching_scenes_leaves_no_chips_of_the_previous_one(
    qtbot, aw_library, aw_sample_book
) -> None:
    first, second = _label_scenes(aw_library, aw_sample_book, [["clue", "night"], ["flashback"]])
    panel = InspectorPanel(aw_library)
    qtbot.addWidget(panel)
    panel.resize(360, 600)
    panel.show()
    panel.set_scene(first, aw_sample_book)
    assert set(_shown_chips(panel)) == {"clue", "night"}
    panel.set_scene(second, aw_sample_book)
    chips = _shown_chips(panel)
    assert set(chips) == {"flashback"}
    _assert_apart(chips)
    assert panel.label_button_colors() == {"flashback": panel.colors["flashback"]}


def test_many_labels_wrap_onto_rows_inside_a_narrow_inspector(
    qtbot, aw_library, aw_sample_book
) -> None:
    labels = ["clue", "flashback", "night", "storm", "secret", "letter", "glass", "winter"]
    (scene,) = _label_scenes(aw_library, aw_sample_book, [labels])
    panel = InspectorPanel(aw_library)
    qtbot.addWidget(panel)
    panel.resize(260, 700)
    panel.show()
    panel.set_scene(scene, aw_sample_book)
    chips = _shown_chips(panel)
    assert list(chips) == labels
    _assert_apart(chips)
    row = panel.label_buttons.rect()
    assert all(row.contains(r) for r in chips.values()), (row, chips)
    assert len({r.top() for r in chips.values()}) > 1  # wrapped, not squeezed into one row
    # The fields below make room for the extra rows instead of being drawn over.
    notes_top = panel.notes.mapTo(panel, panel.notes.rect().topLeft()).y()
    chips_bottom = panel.label_buttons.mapTo(panel, row.bottomLeft()).y()
    assert notes_top > chips_bottom
    # Changing the labels rebuilds the chips in the new order, still apart.
    panel.labels.setText("night, clue")
    panel.labels.textEdited.emit("night, clue")
    panel.save()
    chips = _shown_chips(panel)
    assert list(chips) == ["night", "clue"]
    _assert_apart(chips)
