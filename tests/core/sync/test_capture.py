"""Capture inside the watermark's margin: rows already compared at their current version are
skipped, and every later edit of them is still captured."""

from __future__ import annotations

from sqlalchemy import select

from core.domain import Scene
from core.store.manuscript import list_chapters, list_scenes, set_scene_text
from core.sync.capture import SEEN, capture_changes
from core.sync.local_state import get_meta, sync_docs, sync_outbox


def _capture(library) -> int:
    with library.session() as s:
        return capture_changes(s)


def _first_scene_id(library, book_id: str) -> str:
    with library.session() as s:
        chapter = list_chapters(session=s, book_id=book_id)[0]
        return list_scenes(session=s, chapter_id=chapter.id)[0].id


def _edit(library, scene_id: str, text: str) -> None:
    with library.session() as s:
        set_scene_text(session=s, scene=s.get(Scene, scene_id), text=text)


def test_repeated_edits_inside_the_margin_are_each_captured(aw_library, aw_sample_book):
    first = _capture(aw_library)
    assert first > 0
    # Everything was just compared: a capture right after queues nothing.
    assert _capture(aw_library) == 0
    with aw_library.session() as s:
        assert get_meta(s, SEEN) not in ("", "{}")
    scene_id = _first_scene_id(aw_library, aw_sample_book)
    for text in ("First change.", "Second change.", "Third change."):
        _edit(aw_library, scene_id, text)
        assert _capture(aw_library) == 1
        assert _capture(aw_library) == 0
    with aw_library.session() as s:
        queued = s.execute(
            select(sync_outbox.c.doc_id).where(sync_outbox.c.doc_id == scene_id)
        ).all()
    assert len(queued) == 4  # the first capture and the three edits


def test_a_row_removed_for_good_leaves_a_tombstone(aw_library, aw_sample_book):
    _capture(aw_library)
    scene_id = _first_scene_id(aw_library, aw_sample_book)
    with aw_library.session() as s:
        s.delete(s.get(Scene, scene_id))
    assert _capture(aw_library) == 1
    with aw_library.session() as s:
        purged = s.scalar(select(sync_docs.c.purged).where(sync_docs.c.doc_id == scene_id))
        others = s.scalars(select(sync_docs.c.doc_id).where(sync_docs.c.purged.is_(True))).all()
    assert purged is True or purged == 1
    assert others == [scene_id]
    assert _capture(aw_library) == 0
