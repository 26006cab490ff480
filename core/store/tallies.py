"""Word-count roll-ups and sibling numbering, for every writer of the library.

A chapter's word count is the sum of its live scenes', a book's the sum of its live
chapters'; siblings (chapters of a book, scenes of a chapter, research notes of a book) are
numbered 1..n in their order. The store's edits and sync's materialising both go through
here, so the two can never disagree on what a count or a number is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from core.domain import Book, Chapter, Scene

_RECOUNT: dict[str, Any] = {}


def recount_statement(kind: str) -> Any:
    """``UPDATE`` the chapter (``kind`` "chapter") or book ``:r_id``: its word count becomes
    the sum of its live children's and its ``updated_at`` ``:r_stamp``. Built once: run it
    with one parameter set per parent."""
    stmt = _RECOUNT.get(kind)
    if stmt is None:
        parent, child = (Chapter, Scene) if kind == "chapter" else (Book, Chapter)
        link = child.chapter_id if kind == "chapter" else child.book_id  # type: ignore[union-attr]
        total = (
            select(func.coalesce(func.sum(child.word_count), 0))
            .where(link == parent.id, child.deleted_at.is_(None))
            .scalar_subquery()
        )
        table = cast(Table, parent.__table__)
        stmt = _RECOUNT[kind] = (
            update(table)
            .where(table.c.id == bindparam("r_id"))
            .values(word_count=total, updated_at=bindparam("r_stamp"))
        )
    return stmt


def recount(
    session: Session,
    *,
    chapters: Iterable[str] = (),
    books: Iterable[str] = (),
    stamp: datetime | None = None,
) -> None:
    """Sum word counts again into ``chapters``, then into ``books`` (which should hold the
    books of those chapters too), one statement for each kind."""
    now = stamp or datetime.now(UTC)
    chapter_ids, book_ids = sorted(set(chapters)), sorted(set(books))
    if chapter_ids:
        session.execute(
            recount_statement("chapter"), [{"r_id": i, "r_stamp": now} for i in chapter_ids]
        )
    if book_ids:
        session.execute(recount_statement("book"), [{"r_id": i, "r_stamp": now} for i in book_ids])


class _Numbered(Protocol):
    id: str
    ordinal: Any


def numbering(order: Sequence[tuple[str, Any]]) -> dict[str, int]:
    """For siblings given as (id, current ordinal) in the order they should have: the new
    number of each one whose number changes (1..n)."""
    return {
        item_id: number
        for number, (item_id, ordinal) in enumerate(order, start=1)
        if ordinal != number
    }


def renumber(items: Sequence[_Numbered]) -> None:
    """Number loaded siblings 1..n in the order given."""
    changed = numbering([(item.id, item.ordinal) for item in items])
    for item in items:
        if item.id in changed:
            item.ordinal = changed[item.id]
