import pytest

from core.errors import AmbiguousError, NotFoundError
from core.store.manuscript import (
    add_chapter,
    add_scene,
    book_stats,
    chapter_by_number,
    create_book,
    find_book,
    get_book,
    list_books,
    list_chapters,
    list_scenes,
    move_chapter,
    move_scene,
    set_scene_text,
)


def test_create_book_and_uuid7_ids(aw_library):
    with aw_library.session() as s:
        a = create_book(session=s, title="Alpha")
        b = create_book(session=s, title="Beta")
    assert a.id[14] == "7" and b.id[14] == "7"  # version nibble of a UUIDv7
    assert a.id < b.id  # time-ordered


def test_empty_title_rejected(aw_library):
    with pytest.raises(Exception, match="title"), aw_library.session() as s:
        create_book(session=s, title="   ")


def test_word_counts_follow_edits_and_moves(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Counts")
        c1 = add_chapter(session=s, book=book, title="One")
        c2 = add_chapter(session=s, book=book, title="Two")
        s1 = add_scene(session=s, chapter=c1, text="one two three")
        add_scene(session=s, chapter=c2, text="four five")
        assert (c1.word_count, c2.word_count, book.word_count) == (3, 2, 5)
        set_scene_text(session=s, scene=s1, text="one two three four five six")
        assert (c1.word_count, book.word_count) == (6, 8)
        move_scene(session=s, scene=s1, chapter=c2, index=0)
        assert (c1.word_count, c2.word_count, book.word_count) == (0, 8, 8)
        assert next(sc.id for sc in list_scenes(session=s, chapter_id=c2.id)) == s1.id
    with aw_library.session() as s:
        assert get_book(session=s, book_id=book.id).word_count == 8


def test_ordering_insert_and_move(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Order")
        for t in ("A", "B", "C"):
            add_chapter(session=s, book=book, title=t)
        add_chapter(session=s, book=book, title="Start", index=0)
        assert [c.title for c in list_chapters(session=s, book_id=book.id)] == [
            "Start",
            "A",
            "B",
            "C",
        ]
        c = chapter_by_number(session=s, book=book, number=4)
        move_chapter(session=s, chapter=c, index=1)
        chapters = list_chapters(session=s, book_id=book.id)
        assert [c.title for c in chapters] == ["Start", "C", "A", "B"]
        assert [c.ordinal for c in chapters] == [1, 2, 3, 4]
        with pytest.raises(NotFoundError, match="no chapter 9"):
            chapter_by_number(session=s, book=book, number=9)


def test_find_book_by_id_prefix_and_title(aw_library):
    with aw_library.session() as s:
        one = create_book(session=s, title="The Lighthouse")
        create_book(session=s, title="The Lighthouse Keeper")
        create_book(session=s, title="Winter")
        assert find_book(session=s, ref=one.id).id == one.id
        assert find_book(session=s, ref=one.id[:13]).id == one.id
        assert find_book(session=s, ref="the lighthouse").id == one.id  # exact title wins
        assert find_book(session=s, ref="wIN").title == "Winter"
        with pytest.raises(AmbiguousError, match="matches 2 books"):
            find_book(session=s, ref="The Light")
        with pytest.raises(NotFoundError):
            find_book(session=s, ref="Nothing")


def test_stats(aw_library, aw_sample_book):
    with aw_library.session() as s:
        stats = book_stats(session=s, book=get_book(session=s, book_id=aw_sample_book))
    assert (stats.chapters, stats.scenes) == (3, 5)
    assert 190 <= stats.words <= 240
    assert stats.characters > stats.words * 4


def test_unicode_survives_byte_for_byte(aw_library):
    text = "“Ναι,” είπε — 你好, مرحبا 🌊 *slowly*"
    with aw_library.session() as s:
        book = create_book(session=s, title="Ünïcödé ✍")
        scene = add_scene(session=s, chapter=add_chapter(session=s, book=book), text=text)
    with aw_library.session() as s:
        assert list_books(session=s)[0].title == "Ünïcödé ✍"
        stored = list_scenes(session=s, chapter_id=scene.chapter_id)[0].text
    assert stored.encode() == text.encode()
