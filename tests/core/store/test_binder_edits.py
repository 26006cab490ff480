"""The binder's use cases in core: what the desktop, the CLI and the command bar share."""

from __future__ import annotations

from sqlalchemy import inspect

from core.domain import Scene
from core.store import binder_edits
from core.store.binder_edits import BinderPlace
from core.store.manuscript import (
    get_book,
    get_chapter,
    get_scene,
    list_chapters,
    list_scenes,
    set_scene_text,
)


def _new_book(library) -> tuple[str, str, str]:
    kind, scene_id = binder_edits.new_book(library, "Harbour Lights")
    assert kind == "scene"
    with library.session() as session:
        scene = get_scene(session=session, scene_id=scene_id)
        chapter = get_chapter(session=session, chapter_id=scene.chapter_id)
        return chapter.book_id, chapter.id, scene.id


def test_a_duplicated_scene_copies_every_column_but_identity_and_place(aw_library) -> None:
    book_id, chapter_id, scene_id = _new_book(aw_library)
    with aw_library.session() as session:
        scene = get_scene(session=session, scene_id=scene_id)
        set_scene_text(session=session, scene=scene, text="The lamp burned all night.")
        scene.synopsis, scene.setting, scene.notes = "Night watch", "The lamp room", "check tides"
        scene.status, scene.labels = "revised", ["storm", "night"]
    place = BinderPlace("scene", scene_id, book_id, chapter_id)
    kind, copy_id = binder_edits.duplicate(aw_library, place)
    assert kind == "scene"
    with aw_library.session() as session:
        original = get_scene(session=session, scene_id=scene_id)
        copy = get_scene(session=session, scene_id=copy_id)
        assert copy.title == f"{original.title} (copy)"
        # Every column, read from the mapping: a column added later is held to this too.
        skipped = {"id", "ordinal", "title", "created_at", "updated_at", "deleted_at"}
        for attribute in inspect(Scene).column_attrs:
            if attribute.key not in skipped:
                assert getattr(copy, attribute.key) == getattr(original, attribute.key), (
                    attribute.key
                )
        # Right after the original, and the book's words count the copy.
        assert [s.id for s in list_scenes(session=session, chapter_id=chapter_id)] == [
            scene_id,
            copy_id,
        ]
        assert get_book(session=session, book_id=book_id).word_count == 2 * original.word_count


def test_a_duplicated_chapter_keeps_its_scenes_titles_and_status(aw_library) -> None:
    book_id, chapter_id, _scene_id = _new_book(aw_library)
    with aw_library.session() as session:
        chapter = get_chapter(session=session, chapter_id=chapter_id)
        chapter.synopsis, chapter.status = "The storm comes", "draft"
    kind, copy_id = binder_edits.duplicate(
        aw_library, BinderPlace("chapter", chapter_id, book_id, chapter_id)
    )
    assert kind == "chapter"
    with aw_library.session() as session:
        copy = get_chapter(session=session, chapter_id=copy_id)
        assert (copy.synopsis, copy.status) == ("The storm comes", "draft")
        assert [s.title for s in list_scenes(session=session, chapter_id=copy_id)] == ["Scene 1"]
        assert [c.id for c in list_chapters(session=session, book_id=book_id)] == [
            chapter_id,
            copy_id,
        ]


def test_new_items_go_after_the_place_they_were_asked_at(aw_library) -> None:
    book_id, chapter_id, scene_id = _new_book(aw_library)
    _, second = binder_edits.new_scene(
        aw_library, BinderPlace("scene", scene_id, book_id, chapter_id)
    )
    _, between = binder_edits.new_scene(
        aw_library, BinderPlace("scene", scene_id, book_id, chapter_id), "Between"
    )
    _, next_chapter = binder_edits.new_chapter(
        aw_library, BinderPlace("scene", scene_id, book_id, chapter_id)
    )
    with aw_library.session() as session:
        assert [s.id for s in list_scenes(session=session, chapter_id=chapter_id)] == [
            scene_id,
            between,
            second,
        ]
        assert [c.id for c in list_chapters(session=session, book_id=book_id)] == [
            chapter_id,
            next_chapter,
        ]
    binder_edits.move(aw_library, "scene", second, next_chapter, 0)
    with aw_library.session() as session:
        assert next(s.id for s in list_scenes(session=session, chapter_id=next_chapter)) == second
