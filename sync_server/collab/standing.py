"""What the database says about a room: who may join it, and the document's state.

These run in a worker thread (the database drivers block), each in one short session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, false, select
from sqlalchemy.orm import Session

from sync_server.models import BookMember, Device, Document, User
from sync_server.services.books import RANK, active, live_membership


@dataclass(frozen=True)
class Standing:
    """A caller's access to one document's room."""

    user_id: str
    device_id: str | None
    email: str
    book_id: str
    doc_id: str
    kind: str
    role: str
    expires_at: datetime | None


class SignedOut(Exception):
    """The token's account is gone or its device was signed out."""


def find_standing(
    session: Session, *, user_id: str, device_id: str | None, doc_id: str
) -> Standing | None:
    """The caller's standing in the room of ``doc_id``; None when they may not join it (no
    member of a book holding the document, or no such document: the two look the same).

    A document id is an entity's UUID, held by one book; should two books hold it (a copy
    kept apart when two accounts' books were merged), the one the caller ranks highest in
    is the room.
    """
    device = Device.id == device_id if device_id else false()
    account = session.execute(
        select(User.id, User.email, Device.user_id, Device.revoked_at)
        .select_from(User)
        .outerjoin(Device, device)
        .where(User.id == user_id)
    ).first()
    if account is None or (device_id and (account[2] != user_id or account[3] is not None)):
        raise SignedOut
    now = datetime.now(UTC)
    rows = session.execute(
        select(Document.book_id, Document.kind, BookMember.role, BookMember.expires_at)
        .join(
            BookMember,
            and_(BookMember.book_id == Document.book_id, BookMember.user_id == user_id),
        )
        .where(Document.id == doc_id, live_membership(now))
    ).all()
    if not rows:
        return None
    book_id, kind, role, ends = max(rows, key=lambda r: (RANK.get(r[2], -1), r[0]))
    return Standing(
        user_id=user_id,
        device_id=device_id,
        email=str(account[1]),
        book_id=str(book_id),
        doc_id=doc_id,
        kind=str(kind),
        role=str(role),
        expires_at=ends,
    )


def current_roles(
    session: Session, *, book_id: str, user_ids: list[str], device_ids: list[str]
) -> tuple[dict[str, tuple[str, datetime | None]], set[str]]:
    """The live role (and its end) of each of ``user_ids`` in the book (absent: no longer a
    member), and which of ``device_ids`` were signed out."""
    now = datetime.now(UTC)
    roles = {
        str(user): (str(role), ends)
        for user, role, ends in session.execute(
            select(BookMember.user_id, BookMember.role, BookMember.expires_at).where(
                BookMember.book_id == book_id, BookMember.user_id.in_(sorted(set(user_ids)))
            )
        )
        if active(ends, now)
    }
    live = set()
    if device_ids:
        live = {
            str(d)
            for d in session.scalars(
                select(Device.id).where(
                    Device.id.in_(sorted(set(device_ids))), Device.revoked_at.is_(None)
                )
            )
        }
    return roles, set(device_ids) - live
