"""Books the account no longer reaches on the server (removed from a shared book, left it,
or the owner deleted it): taken out of the library, or kept as a private copy.

Both happen without leaving anything for the next capture to send: the book's documents and
queued updates go in the same unit of work as its rows, so no tombstone is made for a book
the server would refuse anyway.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from core.domain import Book
from core.domain.models import Base, utcnow
from core.ids import new_id
from core.sync.capture import WATERMARK
from core.sync.local_state import clear_meta, sync_docs, sync_outbox

_BOOKS = cast(Table, Book.__table__)


def _forget_synced(session: Session, book_id: str) -> None:
    session.execute(delete(sync_outbox).where(sync_outbox.c.book_id == book_id))
    session.execute(delete(sync_docs).where(sync_docs.c.book_id == book_id))


def drop_book(session: Session, book_id: str) -> None:
    """Remove the book and everything in it from the library, and its sync state."""
    _forget_synced(session, book_id)
    book = session.get(Book, book_id)
    if book is not None:
        session.delete(book)  # chapters, scenes, codex, notes and assets go with it
    session.flush()


def _referencing_book(table: Table) -> list[str]:
    """The columns of ``table`` that hold a book id (foreign keys to books.id)."""
    return [
        fk.parent.name
        for fk in table.foreign_keys
        if fk.column.table.name == _BOOKS.name and fk.column.name == "id"
    ]


def keep_private_copy(
    session: Session, book_id: str, *, title_suffix: str = " (private copy)"
) -> str | None:
    """Keep the book here as the writer's own: under a new id, so that it syncs (if at all)
    as a new book of their account, never again into the book they lost. Returns the new id.

    The rows keep their content and their own ids; only the book's id changes, in the book
    row and every row that points at it, and the next capture compares every row afresh.
    """
    book = session.get(Book, book_id)
    if book is None:
        return None
    _forget_synced(session, book_id)
    session.flush()
    fresh = new_id()
    row = dict(session.execute(select(_BOOKS).where(_BOOKS.c.id == book_id)).mappings().one())
    row["id"] = fresh
    if title_suffix and "title" in row:
        row["title"] = f"{row['title'] or 'Untitled'}{title_suffix}"
    if "updated_at" in row:
        row["updated_at"] = utcnow()
    session.expunge(book)
    # The copy first, then the rows pointing at the old id, then the old row: foreign keys
    # hold at every step.
    session.execute(insert(_BOOKS).values(**row))
    for table in Base.metadata.sorted_tables:
        for column in _referencing_book(table):
            session.execute(update(table).where(table.c[column] == book_id).values({column: fresh}))
    session.execute(delete(_BOOKS).where(_BOOKS.c.id == book_id))
    clear_meta(session, WATERMARK)  # the next capture compares every row
    session.flush()
    return fresh
