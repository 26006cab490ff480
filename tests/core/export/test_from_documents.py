"""The book read from its synced documents is the book read from the library."""

from __future__ import annotations

import pycrdt
import pytest
from sqlalchemy import select

from core.errors import ExportFailedError
from core.export.content import load_book_content
from core.export.from_documents import content_from_documents
from core.export.options import ExportOptions
from core.store.manuscript import list_chapters
from core.store.trash import move_to_trash
from core.sync.capture import capture_changes
from core.sync.documents import FIELDS_MAP, encode_field, new_doc
from core.sync.local_state import sync_docs


def _documents(library, book_id):
    with library.session() as s:
        capture_changes(s)
        s.commit()
        rows = s.execute(
            select(sync_docs.c.doc_id, sync_docs.c.kind, sync_docs.c.state).where(
                sync_docs.c.book_id == book_id
            )
        ).all()
    return [(d, k, bytes(st)) for d, k, st in rows]


def _shape(content):
    return (
        content.title,
        content.author,
        content.language,
        content.description,
        content.subjects,
        [
            (
                c.number,
                c.id,
                c.title,
                c.synopsis,
                [(s.id, s.title, s.text, s.synopsis) for s in c.scenes],
            )
            for c in content.chapters
        ],
    )


def test_the_documents_give_the_book_the_library_gives(aw_library, aw_sample_book):
    from_library = load_book_content(aw_library, aw_sample_book, ExportOptions())
    docs = _documents(aw_library, aw_sample_book)
    from_docs = content_from_documents(aw_sample_book, reversed(docs))  # order does not matter
    assert _shape(from_docs) == _shape(from_library)
    assert from_docs.chapters and all(c.id for c in from_docs.chapters)
    assert from_docs.word_count == from_library.word_count > 0


def test_trashed_chapters_are_left_out_and_a_trashed_book_refused(aw_library, aw_sample_book):
    with aw_library.session() as s:
        chapters = list_chapters(session=s, book_id=aw_sample_book)
        first_title = chapters[0].title
        move_to_trash(session=s, item=chapters[0])
        s.commit()
    content = content_from_documents(aw_sample_book, _documents(aw_library, aw_sample_book))
    assert first_title not in [c.title for c in content.chapters]
    assert content.chapters[0].number == 1

    book_doc = next(d for d in _documents(aw_library, aw_sample_book) if d[0] == aw_sample_book)
    doc = new_doc(book_doc[2])
    doc.get(FIELDS_MAP, type=pycrdt.Map)["deleted_at"] = encode_field("2026-01-01T00:00:00")
    with pytest.raises(ExportFailedError, match="trash"):
        content_from_documents(aw_sample_book, [(aw_sample_book, "book", doc.get_update())])


def test_no_book_document_is_a_clear_error(aw_library, aw_sample_book):
    docs = [d for d in _documents(aw_library, aw_sample_book) if d[1] != "book"]
    with pytest.raises(ExportFailedError, match="not been synced"):
        content_from_documents(aw_sample_book, docs)
