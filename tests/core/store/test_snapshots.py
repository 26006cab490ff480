"""Comparing snapshots side by side, and deleting one."""

from __future__ import annotations

import pytest

from core.errors import NotFoundError
from core.store.manuscript import add_chapter, add_scene, create_book, set_scene_text
from core.store.snapshots import (
    delete_snapshot,
    diff_snapshot,
    diff_texts,
    list_snapshots,
    take_snapshot,
)


def test_diff_rows_pair_changed_lines_and_mark_words():
    rows = diff_texts("Title\nthe old lamp\nsame\ngone", "Title\nthe new lamp\nsame\nadded\nmore")
    assert [(r.tag, r.left_no, r.right_no) for r in rows] == [
        ("equal", 1, 1),
        ("replace", 2, 2),
        ("equal", 3, 3),
        ("replace", 4, 4),
        ("insert", None, 5),
    ]
    changed = rows[1]
    assert [changed.left[a:b] for a, b in changed.left_changes] == ["old"]
    assert [changed.right[a:b] for a, b in changed.right_changes] == ["new"]


def test_diff_only_deletions():
    rows = diff_texts("a\nb\nc", "a\nc")
    assert [(r.tag, r.left, r.right) for r in rows] == [
        ("equal", "a", "a"),
        ("delete", "b", ""),
        ("equal", "c", "c"),
    ]


def test_diff_snapshot_against_now_and_another(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Snaps")
        scene = add_scene(session=s, chapter=add_chapter(session=s, book=book), text="one\ntwo")
        first = take_snapshot(session=s, scene=scene, label="first")
        set_scene_text(session=s, scene=scene, text="one\nthree")
        second = take_snapshot(session=s, scene=scene, label="second")
        set_scene_text(session=s, scene=scene, text="one\nthree\nfour")
        assert [r.tag for r in diff_snapshot(session=s, snapshot_id=first.id)] == [
            "equal",
            "replace",
            "insert",
        ]
        rows = diff_snapshot(session=s, snapshot_id=first.id, against_id=second.id)
        assert [(r.left, r.right) for r in rows] == [("one", "one"), ("two", "three")]
        delete_snapshot(session=s, snapshot_id=first.id)
        assert [x.label for x in list_snapshots(session=s, scene_id=scene.id)] == ["second"]
        with pytest.raises(NotFoundError):
            diff_snapshot(session=s, snapshot_id=first.id)
