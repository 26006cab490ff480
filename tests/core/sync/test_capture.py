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


def test_a_live_texts_row_is_left_to_its_room_but_its_fields_are_captured(
    aw_library, aw_sample_book
):
    from core.sync import live_registry
    from core.sync.documents import decoded_fields, doc_text, new_doc

    _capture(aw_library)
    scene_id = _first_scene_id(aw_library, aw_sample_book)
    key = str(aw_library.engine.url)
    live_registry.hold(key, scene_id)
    try:
        _edit(aw_library, scene_id, "Typed in the room, stored by it.")
        assert _capture(aw_library) == 0  # the text is the room's to record
        with aw_library.session() as s:
            scene = s.get(Scene, scene_id)
            scene.synopsis = "A new synopsis"
            s.commit()
        assert _capture(aw_library) == 1  # a field is still captured
        with aw_library.session() as s:
            state = s.execute(
                select(sync_docs.c.state).where(sync_docs.c.doc_id == scene_id)
            ).scalar_one()
        doc = new_doc(state)
        assert decoded_fields("scene", doc)["synopsis"] == "A new synopsis"
        assert doc_text(doc) != "Typed in the room, stored by it."
        # Another library in the same process is not affected by this one's live scenes.
        assert live_registry.live_texts("sqlite:///elsewhere") == frozenset()
    finally:
        live_registry.release(key, scene_id)
    _edit(aw_library, scene_id, "Typed after the room closed.")
    assert _capture(aw_library) == 1  # released: the row's text is captured again
