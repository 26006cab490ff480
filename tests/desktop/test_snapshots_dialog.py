"""The snapshots dialog: take, list, compare side by side, restore, delete."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from core.store.manuscript import add_chapter, add_scene, create_book, get_scene, set_scene_text
from core.store.snapshots import list_snapshots, take_snapshot
from desktop.dialogs.snapshots import SnapshotsDialog


@pytest.fixture
def scene_id(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="History")
        scene = add_scene(
            session=s,
            chapter=add_chapter(session=s, book=book),
            title="Storm",
            text="The storm came.\n\nThe lamp held.",
        )
        take_snapshot(session=s, scene=scene, label="first draft")
        set_scene_text(session=s, scene=scene, text="The gale came.\n\nThe lamp held.\n\nDawn.")
        return scene.id


@pytest.fixture
def dialog(qtbot, aw_library, scene_id):
    widget = SnapshotsDialog(aw_library, scene_id)
    qtbot.addWidget(widget)
    return widget


def test_lists_and_compares_with_current_text(dialog):
    assert len(dialog.snapshot_ids()) == 1
    assert "first draft" in dialog.list.item(0).text()
    assert [r.tag for r in dialog.rows] == ["replace", "equal", "equal", "insert", "insert"]
    html = dialog.view.toHtml()
    assert "storm" in html and "gale" in html and "Dawn." in html
    assert dialog.summary.text() == "2 changes."  # the replaced line, the added lines


def test_next_and_previous_change_step_through_the_comparison(qtbot, aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Long")
        paragraphs = [f"Paragraph {i} of the long scene, with words enough." for i in range(80)]
        scene = add_scene(
            session=s,
            chapter=add_chapter(session=s, book=book),
            title="Long",
            text="\n\n".join(paragraphs),
        )
        take_snapshot(session=s, scene=scene, label="before")
        changed = list(paragraphs)
        changed[5] = "A new fifth paragraph."
        changed[70] = "A new seventieth paragraph."
        set_scene_text(session=s, scene=scene, text="\n\n".join(changed))
        scene_id = scene.id
    dialog = SnapshotsDialog(aw_library, scene_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.changes == 2 and not dialog.previous_button.isEnabled()
    bar = dialog.view.verticalScrollBar()
    assert dialog.step_change(1) == 0
    first = bar.value()
    dialog.next_button.click()
    assert dialog.change_index == 1 and bar.value() > first
    assert dialog.summary.text() == "Change 2 of 2."
    assert not dialog.next_button.isEnabled()
    dialog.previous_button.click()
    assert dialog.change_index == 0 and bar.value() == first


def test_take_snapshot_with_label_and_compare_two(qtbot, dialog, aw_library, scene_id):
    flushed = []
    dialog.about_to_change.connect(flushed.append)
    dialog.label_edit.setText("after the gale")
    new_id = dialog.take()
    assert flushed == [scene_id]
    assert dialog.snapshot_ids()[0] == new_id
    assert dialog.selected_id() == new_id
    assert "No differences" in dialog.summary.text()  # same as the text now
    old_id = dialog.snapshot_ids()[1]
    dialog.compare_with(old_id)
    assert [r.tag for r in dialog.rows] == ["replace", "equal", "equal", "delete", "delete"]
    with aw_library.session() as s:
        assert [x.label for x in list_snapshots(session=s, scene_id=scene_id)] == [
            "after the gale",
            "first draft",
        ]


def test_restore_puts_text_back_and_emits(qtbot, dialog, aw_library, scene_id, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert not dialog.restore_selected()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.restored) as blocker:
        assert dialog.restore_selected()
    assert blocker.args == [scene_id]
    with aw_library.session() as s:
        assert get_scene(session=s, scene_id=scene_id).text == "The storm came.\n\nThe lamp held."
    # The text it replaced was kept as a snapshot.
    assert len(dialog.snapshot_ids()) == 2
    assert any("Before restoring" in dialog.list.item(r).text() for r in range(2))


def test_delete_snapshot(dialog):
    assert dialog.delete_selected(confirm=False)
    assert dialog.snapshot_ids() == []
    assert not dialog.restore_button.isEnabled()
    assert "No snapshots yet" in dialog.view.toPlainText()
