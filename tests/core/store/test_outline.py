"""The library outline: structure, titles and counts, without the prose."""

from __future__ import annotations

from core.sample import add_sample_book
from core.store.manuscript import list_books, list_chapters, list_scenes
from core.store.outline import library_outline
from core.store.trash import move_to_trash


def test_the_outline_matches_the_repositories(aw_library, aw_sample_book) -> None:
    add_sample_book(aw_library)
    with aw_library.session() as s:
        outline = library_outline(session=s)
        books = list_books(session=s)
        assert [b.id for b in outline] == [b.id for b in books]
        for book_outline, book in zip(outline, books, strict=True):
            assert book_outline.word_count == book.word_count
            chapters = list_chapters(session=s, book_id=book.id)
            assert [c.id for c in book_outline.chapters] == [c.id for c in chapters]
            for chapter_outline, chapter in zip(book_outline.chapters, chapters, strict=True):
                assert chapter_outline.title == chapter.title
                scenes = list_scenes(session=s, chapter_id=chapter.id)
                got = [(sc.id, sc.title, sc.word_count) for sc in chapter_outline.scenes]
                assert got == [(sc.id, sc.title, sc.word_count) for sc in scenes]


def test_trash_is_left_out_and_one_book_can_be_asked_for(aw_library, aw_sample_book) -> None:
    sample_id = add_sample_book(aw_library)
    with aw_library.session() as s:
        chapter = list_chapters(session=s, book_id=sample_id)[1]
        scene = list_scenes(
            session=s, chapter_id=list_chapters(session=s, book_id=sample_id)[0].id
        )[0]
        move_to_trash(session=s, item=chapter)
        move_to_trash(session=s, item=scene)
    with aw_library.session() as s:
        (book,) = library_outline(session=s, book_id=sample_id)
        assert chapter.id not in {c.id for c in book.chapters}
        assert len(book.chapters) == 3
        assert scene.id not in {sc.id for sc in book.chapters[0].scenes}
        assert len(book.chapters[0].scenes) == 1
        assert library_outline(session=s, book_id="no-such-book") == []
