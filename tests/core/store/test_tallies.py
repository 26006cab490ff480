"""Word-count roll-ups and numbering are one thing for the store and for sync."""

from __future__ import annotations

from core.domain import Book, Chapter
from core.store.manuscript import add_chapter, add_scene, create_book, set_scene_text
from core.store.tallies import numbering, recount
from core.store.trash import move_to_trash


def test_numbering_says_only_what_changes():
    assert numbering([("a", 1), ("b", 3), ("c", 2)]) == {"b": 2, "c": 3}
    assert numbering([("a", 1), ("b", 2)]) == {}
    assert numbering([("x", None)]) == {"x": 1}


def test_counts_sum_live_children_only(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Tally")
        one, two = add_chapter(session=s, book=book), add_chapter(session=s, book=book)
        add_scene(session=s, chapter=one, text="a b c")
        gone = add_scene(session=s, chapter=one, text="d e")
        add_scene(session=s, chapter=two, text="f")
        assert (one.word_count, book.word_count) == (5, 6)
        move_to_trash(session=s, item=gone)
        assert (s.get(Chapter, one.id).word_count, s.get(Book, book.id).word_count) == (3, 4)
        set_scene_text(session=s, scene=gone, text="d e f g")  # in the trash: not counted
        assert s.get(Book, book.id).word_count == 4
        # Counts put wrong behind the store's back come right with one recount.
        s.execute(Chapter.__table__.update().values(word_count=999))
        recount(s, chapters=[one.id, two.id], books=[book.id])
        s.expire_all()
        assert [c.word_count for c in (s.get(Chapter, one.id), s.get(Chapter, two.id))] == [3, 1]
        assert s.get(Book, book.id).word_count == 4
