"""An import is one transaction: whatever fails, the library is left exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from core.errors import ImportFailedError, JobCancelledError
from core.importers import dispatch, import_manuscript, read_manuscript
from core.jobs import CancelToken, JobContext
from core.text import count_words
from tests.core.importers.story_expectations import DATA


def _tables(library) -> dict[str, list[tuple]]:
    with library.engine.connect() as conn:
        return {
            table: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            for table in ("books", "chapters", "scenes")
        }


@pytest.fixture
def library_with_a_book(aw_library, aw_sample_book):
    return aw_library


BAD_FILES = {
    "corrupt.docx": (DATA / "salt-map-pandoc.docx").read_bytes()[:2000],
    "corrupt.epub": (DATA / "salt-map-pandoc-epub3.epub").read_bytes()[:2000],
    "binary.txt": bytes(range(256)) * 8,
    "empty.md": b"",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_changes_nothing(library_with_a_book, tmp_path: Path, name: str) -> None:
    before = _tables(library_with_a_book)
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    with pytest.raises(ImportFailedError):
        import_manuscript(library_with_a_book, path)
    assert _tables(library_with_a_book) == before


def test_a_failure_while_saving_rolls_back_every_row(
    library_with_a_book, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _tables(library_with_a_book)
    real_save = dispatch.save_draft

    def save_then_fail(**kwargs):
        book = real_save(**kwargs)  # every chapter and scene is already flushed
        raise ImportFailedError(f"simulated failure after saving {book.title}")

    monkeypatch.setattr(dispatch, "save_draft", save_then_fail)
    with pytest.raises(ImportFailedError):
        import_manuscript(library_with_a_book, DATA / "salt-map-pandoc-epub3.epub")
    assert _tables(library_with_a_book) == before


def test_an_unknown_book_type_is_a_one_line_error(library_with_a_book) -> None:
    before = _tables(library_with_a_book)
    with pytest.raises(ImportFailedError, match="unknown book type"):
        import_manuscript(library_with_a_book, DATA / "salt-map.md", content_type="opera")
    assert _tables(library_with_a_book) == before


def test_an_import_cancelled_while_saving_leaves_nothing(
    library_with_a_book, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _tables(library_with_a_book)
    token = CancelToken()
    real_save = dispatch.save_draft

    def save_then_cancel(**kwargs):
        book = real_save(**kwargs)
        token.cancel()  # the user presses Cancel just as the rows are written
        return book

    monkeypatch.setattr(dispatch, "save_draft", save_then_cancel)
    with pytest.raises(JobCancelledError):
        import_manuscript(library_with_a_book, DATA / "salt-map.md", ctx=JobContext(token=token))
    assert _tables(library_with_a_book) == before


def test_a_good_import_adds_one_book_with_its_counts(library_with_a_book) -> None:
    before = _tables(library_with_a_book)
    book_id = import_manuscript(library_with_a_book, DATA / "salt-map-pandoc.docx")
    after = _tables(library_with_a_book)
    assert len(after["books"]) == len(before["books"]) + 1
    assert len(after["chapters"]) == len(before["chapters"]) + 4
    assert len(after["scenes"]) == len(before["scenes"]) + 8
    with library_with_a_book.session() as s:
        from core.store.manuscript import book_stats, get_book

        book = get_book(session=s, book_id=book_id)
        assert (book.title, book.author, book.language) == ("The Salt Map", "Ione Marlowe", "en-GB")
        assert book.metadata_["source"] == {"file": "salt-map-pandoc.docx", "format": "docx"}
        # The same words as the Markdown source, counted the same way.
        source = read_manuscript(DATA / "salt-map.md")
        expected = sum(count_words(sc.text) for ch in source.chapters for sc in ch.scenes)
        assert book_stats(session=s, book=book).words == expected > 1300


def test_epub_metadata_is_stored_with_the_book(aw_library) -> None:
    book_id = import_manuscript(aw_library, DATA / "salt-map-pandoc-epub3.epub")
    with aw_library.session() as s:
        from core.store.manuscript import get_book

        book = get_book(session=s, book_id=book_id)
        assert (book.language, book.description) == (
            "en-GB",
            "A cartographer’s apprentice follows a map drawn in salt.",
        )
        assert book.metadata_["series"] == "Tidewater Tales"
        assert book.metadata_["series_index"] == 2
        assert book.metadata_["subjects"] == ["Fantasy", "Maps"]
