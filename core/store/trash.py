"""The trash: deleting marks rows, restoring unmarks them, emptying removes them for good."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import Book, Chapter, Character, Location, LoreEntry, Note, Scene
from core.domain.models import ENTITY_KINDS, utcnow
from core.errors import NotFoundError
from core.store.manuscript import recount_book, recount_chapter

Trashable = Book | Chapter | Scene | Character | Location | LoreEntry | Note
# The trashable kinds are the synced ones (one table, so that the trash and sync agree).
_KINDS: dict[str, type[Trashable]] = ENTITY_KINDS


@dataclass(frozen=True)
class TrashItem:
    kind: str
    id: str
    title: str
    deleted_at: datetime
    book_id: str


def _recount_after(session: Session, item: Trashable) -> None:
    if isinstance(item, Scene):
        recount_chapter(session=session, chapter_id=item.chapter_id)
    elif isinstance(item, Chapter):
        recount_book(session=session, book_id=item.book_id)


def move_to_trash(*, session: Session, item: Trashable) -> None:
    """Delete ``item`` recoverably. A chapter takes its scenes with it; a book, everything."""
    item.deleted_at = utcnow()
    session.flush()
    _recount_after(session, item)


def restore_from_trash(*, session: Session, kind: str, item_id: str) -> Trashable:
    """Bring an item back, and the chapter and book that hold it if they are trashed too."""
    model = _KINDS.get(kind)
    item = cast(Trashable | None, session.get(model, item_id) if model else None)
    if item is None:
        raise NotFoundError(f"no {kind} with id {item_id}")
    chain: list[Trashable] = [item]
    if isinstance(item, Scene):
        chain += [item.chapter, item.chapter.book]
    elif isinstance(item, Chapter | Character | Location | LoreEntry | Note):
        chain.append(item.book)
    for node in chain:
        if node.deleted_at is not None:
            node.deleted_at = None
    session.flush()
    for node in chain:
        _recount_after(session, node)
    return item


def list_trash(*, session: Session, book_id: str | None = None) -> list[TrashItem]:
    """Everything in the trash, newest deletion first."""
    items: list[TrashItem] = []
    for kind, model in _KINDS.items():
        rows = session.scalars(select(model).where(model.deleted_at.is_not(None)))
        for row in cast(list[Trashable], list(rows)):
            owner = _book_id_of(row)
            if book_id is None or owner == book_id:
                title = getattr(row, "title", None) or getattr(row, "name", "") or "(untitled)"
                assert row.deleted_at is not None
                items.append(TrashItem(kind, row.id, title, row.deleted_at, owner))
    return sorted(items, key=lambda i: i.deleted_at, reverse=True)


def _book_id_of(row: Trashable) -> str:
    if isinstance(row, Book):
        return row.id
    if isinstance(row, Scene):
        return row.chapter.book_id
    return row.book_id


def empty_trash(*, session: Session, book_id: str | None = None) -> int:
    """Remove trashed items for good; returns how many top-level items went."""
    items = list_trash(session=session, book_id=book_id)
    for entry in items:
        row = session.get(_KINDS[entry.kind], entry.id)
        if row is not None:
            session.delete(row)
    session.flush()
    return len(items)
