"""Books and the caller's standing in them: roles, the one permission check, listings.

Roles, from least to most: viewer (reads), commenter (reads and, later, comments), editor
(also writes text), owner (also shares, transfers and deletes). A membership past its
``expires_at`` counts as none. Whoever is not a member of a book gets "not found" for it,
never "forbidden", so that a book's existence does not leak; a member whose role is too low
gets "forbidden".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import pycrdt
from sqlalchemy import (
    Connection,
    DateTime,
    String,
    and_,
    bindparam,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from core.sync.status import a_role
from sync_server.errors import Forbidden, NotFound
from sync_server.models import Book, BookMember, Change, User

Role = Literal["viewer", "commenter", "editor", "owner"]
ROLES: tuple[Role, ...] = ("viewer", "commenter", "editor", "owner")
RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES)}
# The roles a member can be given (ownership moves by a transfer, never by a role change).
GRANTABLE: tuple[Role, ...] = ("viewer", "commenter", "editor")
WRITERS = frozenset({"editor", "owner"})


def utcnow() -> datetime:
    return datetime.now(UTC)


def active(member_expires: datetime | None, now: datetime | None = None) -> bool:
    """Whether a membership (or anything) ending at ``member_expires`` is still on."""
    return member_expires is None or member_expires > (now or utcnow())


def live_membership(now: datetime | None = None) -> Any:
    """The clause of a membership that has not ended (for queries on book_members)."""
    return or_(BookMember.expires_at.is_(None), BookMember.expires_at > (now or utcnow()))


@dataclass(frozen=True)
class Access:
    """The caller's membership of one book, as checked for this request."""

    book_id: str
    user_id: str
    role: str
    owner_id: str

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    @property
    def can_write(self) -> bool:
        return self.role in WRITERS


# One statement per check: the membership, its expiry and the book's owner.
_ACCESS = text(
    """
    SELECT m.role, b.owner_id FROM book_members m JOIN books b ON b.id = m.book_id
    WHERE m.book_id = :book_id AND m.user_id = :user_id
      AND (m.expires_at IS NULL OR m.expires_at > :now)
    """
).bindparams(
    bindparam("book_id", type_=String()),
    bindparam("user_id", type_=String()),
    bindparam("now", type_=DateTime(timezone=True)),
)


def check_access(
    connection: Connection | Session, *, user_id: str, book_id: str, minimum: Role
) -> Access:
    """The caller's access to ``book_id`` with at least the role ``minimum``.

    NotFound when the caller is not a member (or no longer: removed or expired), Forbidden
    when their role is below ``minimum``.
    """
    row = connection.execute(
        _ACCESS, {"book_id": book_id, "user_id": user_id, "now": utcnow()}
    ).first()
    if row is None:
        raise NotFound("no such book", code="book_not_found")
    role, owner_id = str(row[0]), str(row[1])
    if RANK[role] < RANK[minimum]:
        raise Forbidden(
            f"{a_role(role)} of this book cannot do this (it takes {a_role(minimum)} or more)",
            code="role_too_low",
        )
    return Access(book_id=book_id, user_id=user_id, role=role, owner_id=owner_id)


@dataclass(frozen=True)
class BookRow:
    id: str
    title: str
    role: str
    owner_id: str
    owner_email: str
    visibility: str
    last_seq: int
    feed_floor: int
    expires_at: datetime | None
    created_at: datetime


def _rows(session: Session, *where: object) -> list[BookRow]:
    owner = User.__table__.alias("owner")
    stmt = (
        select(
            Book.id,
            Book.title,
            BookMember.role,
            Book.owner_id,
            owner.c.email,
            Book.visibility,
            Book.last_seq,
            Book.feed_floor,
            BookMember.expires_at,
            Book.created_at,
        )
        .join(BookMember, BookMember.book_id == Book.id)
        .join(owner, owner.c.id == Book.owner_id)
        .where(
            *where,  # type: ignore[arg-type]
            live_membership(),
        )
        .order_by(Book.title, Book.id)
    )
    return [
        BookRow(
            id=r[0],
            title=r[1],
            role=r[2],
            owner_id=r[3],
            owner_email=r[4],
            visibility=r[5],
            last_seq=int(r[6]),
            feed_floor=int(r[7]),
            expires_at=r[8],
            created_at=r[9],
        )
        for r in session.execute(stmt)
    ]


def list_books(session: Session, *, user_id: str) -> list[BookRow]:
    """The books the user can reach (membership not expired), by title."""
    return _rows(session, BookMember.user_id == user_id)


def get_book(session: Session, *, user_id: str, book_id: str) -> BookRow:
    rows = _rows(session, and_(BookMember.user_id == user_id, Book.id == book_id))
    if not rows:
        raise NotFound("no such book", code="book_not_found")
    return rows[0]


def heads(connection: Connection, *, user_id: str) -> dict[str, int]:
    """The feed position of every book the user can reach (for the client's cursors)."""
    rows = connection.execute(
        select(Book.id, Book.last_seq)
        .join(BookMember, BookMember.book_id == Book.id)
        .where(
            BookMember.user_id == user_id,
            live_membership(),
        )
    )
    return {str(i): int(s) for i, s in rows}


def title_from_updates(updates: list[bytes]) -> str:
    """The title in a book document's fields (JSON-encoded, as the client writes them)."""
    doc: pycrdt.Doc = pycrdt.Doc()
    for update in updates:
        doc.apply_update(update)
    raw = doc.get("fields", type=pycrdt.Map).get("title")
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        value = raw
    return str(value)[:300] if value else ""


def refresh_title(session: Session, *, book_id: str) -> None:
    """Read the title again from the book's own document (after a push that changed it)."""
    updates = session.scalars(
        select(Change.data)
        .where(Change.book_id == book_id, Change.doc_id == book_id)
        .order_by(Change.seq)
    )
    title = title_from_updates([bytes(u) for u in updates])
    book = session.get(Book, book_id)
    if book is not None and title and book.title != title:
        book.title = title
