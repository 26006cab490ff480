"""Moving a chapter to another book renumbers and recounts both books."""

from __future__ import annotations

import pytest

from core.errors import AuthorWorksError
from core.store.manuscript import (
    add_chapter,
    add_scene,
    create_book,
    get_book,
    list_chapters,
    list_scenes,
    move_chapter,
)


def _book_with_chapters(s, title: str, words: list[int], content_type: str = "novel") -> str:
    book = create_book(session=s, title=title, content_type=content_type)
    for number, count in enumerate(words, 1):
        chapter = add_chapter(session=s, book=book, title=f"{title} {number}")
        add_scene(session=s, chapter=chapter, text=" ".join(["word"] * count))
    return book.id


def _state(s, book_id: str) -> tuple[list[str], list[int], int]:
    chapters = list_chapters(session=s, book_id=book_id)
    book = get_book(session=s, book_id=book_id)
    s.refresh(book)
    return [c.title for c in chapters], [c.ordinal for c in chapters], book.word_count


def test_a_chapter_moves_to_another_book_at_an_index(aw_library) -> None:
    with aw_library.session() as s:
        a = _book_with_chapters(s, "A", [3, 5, 7])
        b = _book_with_chapters(s, "B", [2, 4])
    with aw_library.session() as s:
        moving = list_chapters(session=s, book_id=a)[1]
        scene_ids = [sc.id for sc in list_scenes(session=s, chapter_id=moving.id)]
        move_chapter(session=s, chapter=moving, index=1, book=get_book(session=s, book_id=b))
    with aw_library.session() as s:
        assert _state(s, a) == (["A 1", "A 3"], [1, 2], 10)
        assert _state(s, b) == (["B 1", "A 2", "B 2"], [1, 2, 3], 11)
        moved = list_chapters(session=s, book_id=b)[1]
        assert [sc.id for sc in list_scenes(session=s, chapter_id=moved.id)] == scene_ids


def test_index_is_clamped_and_same_book_still_reorders(aw_library) -> None:
    with aw_library.session() as s:
        a = _book_with_chapters(s, "A", [1, 1])
        b = _book_with_chapters(s, "B", [1])
    with aw_library.session() as s:
        first = list_chapters(session=s, book_id=a)[0]
        move_chapter(session=s, chapter=first, index=99, book=get_book(session=s, book_id=b))
    with aw_library.session() as s:
        assert _state(s, b) == (["B 1", "A 1"], [1, 2], 2)
        assert _state(s, a) == (["A 2"], [1], 1)
        # The old keyword-only call and passing the chapter's own book both reorder in place.
        last = list_chapters(session=s, book_id=b)[1]
        move_chapter(session=s, chapter=last, index=0)
        assert _state(s, b)[:2] == (["A 1", "B 1"], [1, 2])
        move_chapter(session=s, chapter=last, index=1, book=get_book(session=s, book_id=b))
        assert _state(s, b)[:2] == (["B 1", "A 1"], [1, 2])


def test_prose_and_script_books_do_not_exchange_chapters(aw_library) -> None:
    with aw_library.session() as s:
        novel = _book_with_chapters(s, "Novel", [2])
        script = _book_with_chapters(s, "Script", [2], content_type="screenplay")
    with aw_library.session() as s:
        chapter = list_chapters(session=s, book_id=novel)[0]
        with pytest.raises(AuthorWorksError, match="written differently"):
            move_chapter(
                session=s, chapter=chapter, index=0, book=get_book(session=s, book_id=script)
            )
    with aw_library.session() as s:
        assert _state(s, novel)[0] == ["Novel 1"]
        assert _state(s, script)[0] == ["Script 1"]
