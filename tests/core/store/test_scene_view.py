"""A scene as the studio opens it: one read for its text, details, book language and colours."""

from __future__ import annotations

import pytest

from core.errors import NotFoundError
from core.sample import add_sample_book
from core.store.codex import add_codex_entry, delete_codex_entry, list_codex
from core.store.labels import set_label_color
from core.store.manuscript import get_book, get_scene, list_chapters, list_scenes, update_book
from core.store.scene_view import pov_choices, scene_view
from core.store.trash import move_to_trash


def test_the_view_matches_the_stored_scene_and_its_book(aw_library) -> None:
    book_id = add_sample_book(aw_library)
    with aw_library.session() as s:
        book = get_book(session=s, book_id=book_id)
        update_book(session=s, book=book, language="de")
        set_label_color(session=s, book=book, label="clue", color="#123456")
        chapter = list_chapters(session=s, book_id=book_id)[0]
        scene = list_scenes(session=s, chapter_id=chapter.id)[0]
        character = list_codex(session=s, book_id=book_id, kind="character")[0]
        scene.labels = ["clue", "night"]
        scene.notes = "Check the tide tables."
        scene.setting = "The quay, dawn"
        scene.pov_character_id = character.id
        scene_id = scene.id
    with aw_library.session() as s:
        view = scene_view(session=s, scene_id=scene_id)
        stored = get_scene(session=s, scene_id=scene_id)
        assert (view.id, view.chapter_id, view.book_id) == (scene_id, chapter.id, book_id)
        assert (view.title, view.text, view.synopsis, view.status) == (
            stored.title, stored.text, stored.synopsis, stored.status,
        )  # fmt: skip
        assert view.notes == "Check the tide tables." and view.setting == "The quay, dawn"
        assert view.labels == ("clue", "night")
        assert view.pov_character_id == character.id
        assert view.book_language == "de"
        assert dict(view.label_colors) == {"clue": "#123456"}  # the stored colours only


def test_a_missing_or_trashed_scene_is_not_found(aw_library, aw_sample_book) -> None:
    with aw_library.session() as s:
        chapter = list_chapters(session=s, book_id=aw_sample_book)[0]
        scene = list_scenes(session=s, chapter_id=chapter.id)[0]
        update_book(session=s, book=get_book(session=s, book_id=aw_sample_book), language="")
        assert scene_view(session=s, scene_id=scene.id).book_language == "en"  # the default
        move_to_trash(session=s, item=scene)
        with pytest.raises(NotFoundError):
            scene_view(session=s, scene_id=scene.id)
        with pytest.raises(NotFoundError):
            scene_view(session=s, scene_id="no-such-scene")


def test_pov_choices_are_the_live_characters_by_name(aw_library, aw_sample_book) -> None:
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        zed = add_codex_entry(session=s, book=book, kind="character", name="Zed")
        add_codex_entry(session=s, book=book, kind="character", name="Ada")
        gone = add_codex_entry(session=s, book=book, kind="character", name="Bo")
        add_codex_entry(session=s, book=book, kind="location", name="Harbour")
        delete_codex_entry(session=s, entry=gone)
        assert [name for _id, name in pov_choices(session=s, book_id=book.id)] == ["Ada", "Zed"]
        assert (zed.id, "Zed") in pov_choices(session=s, book_id=book.id)
