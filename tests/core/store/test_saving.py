"""Saving typed text: counts kept true, words written today recorded, a change made meanwhile
elsewhere merged rather than overwritten."""

from __future__ import annotations

from datetime import date

from core.store.manuscript import add_chapter, add_scene, create_book
from core.store.notes import add_note
from core.store.saving import save_text
from core.store.writing_stats import words_today


def test_a_scene_save_keeps_counts_and_records_the_words(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Saved")
        chapter = add_chapter(session=s, book=book)
        scene = add_scene(session=s, chapter=chapter, text="One two three.")
        add_scene(session=s, chapter=chapter, text="Four five.")
        scene_id, book_id = scene.id, book.id
    with aw_library.write_session() as s:
        saved = save_text(s, kind="scene", item_id=scene_id, text="One two three four five six.")
    assert (saved.words, saved.chapter_words, saved.book_words) == (6, 8, 8)
    assert saved.merged is None and saved.book_id == book_id
    with aw_library.session() as s:
        assert words_today(session=s, book_id=book_id, today=date.today()) == 3


def test_a_change_made_meanwhile_is_merged_not_overwritten(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Merged")
        scene = add_scene(session=s, chapter=add_chapter(session=s, book=book), text="The lamp.")
        scene_id = scene.id
    with aw_library.write_session() as s:  # another device's edit arrives first
        save_text(s, kind="scene", item_id=scene_id, text="At dusk, the lamp.")
    with aw_library.write_session() as s:  # the writer's text was made from "The lamp."
        saved = save_text(
            s, kind="scene", item_id=scene_id, text="The lamp burned.", base="The lamp."
        )
    assert saved.merged == "At dusk, the lamp burned."


def test_a_note_save_counts_its_words(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Noted")
        note = add_note(session=s, book=book, title="Research")
        note_id = note.id
    with aw_library.write_session() as s:
        saved = save_text(s, kind="note", item_id=note_id, text="Gannets nest on cliffs.")
    assert (saved.kind, saved.words, saved.chapter_id) == ("note", 4, "")
