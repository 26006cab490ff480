"""Label colours live in the book's metadata; new labels get distinct default colours."""

from __future__ import annotations

import pytest

from core.errors import AuthorWorksError
from core.store.labels import (
    DEFAULT_PALETTE,
    book_labels,
    ensure_label_colors,
    label_colors,
    set_label_color,
)
from core.store.manuscript import get_book, list_chapters, list_scenes


def test_new_labels_get_distinct_defaults_and_keep_them(aw_library, aw_sample_book) -> None:
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        colors = ensure_label_colors(session=s, book=book, labels=["clue", "flashback"])
        assert colors["clue"] != colors["flashback"]
        assert set(colors.values()) <= set(DEFAULT_PALETTE)
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        assert label_colors(book) == colors
        again = ensure_label_colors(session=s, book=book, labels=["flashback", "romance"])
        assert again["flashback"] == colors["flashback"]
        assert again["romance"] not in (colors["clue"], colors["flashback"])


def test_setting_a_colour_persists_and_rejects_nonsense(aw_library, aw_sample_book) -> None:
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        book.metadata_ = {"keep": 1}
        set_label_color(session=s, book=book, label="clue", color="#ABCDEF")
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        assert label_colors(book) == {"clue": "#abcdef"}
        assert book.metadata_["keep"] == 1  # other metadata is untouched
        with pytest.raises(AuthorWorksError, match="not a colour"):
            set_label_color(session=s, book=book, label="clue", color="red")


def test_book_labels_lists_labels_in_reading_order(aw_library, aw_sample_book) -> None:
    with aw_library.session() as s:
        chapters = list_chapters(session=s, book_id=aw_sample_book)
        list_scenes(session=s, chapter_id=chapters[1].id)[0].labels = ["b", "a"]
        list_scenes(session=s, chapter_id=chapters[0].id)[0].labels = ["a", "c"]
    with aw_library.session() as s:
        assert book_labels(session=s, book_id=aw_sample_book) == ["a", "c", "b"]
