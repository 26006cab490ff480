"""A book's activity log and the notification inbox it feeds.

Each sharing event is one row of the book's log (who, what, to whom, when); the people it
concerns get a notification in their inbox, unless they muted that kind. Later features
(comments, publishing) add their own kinds through :func:`record`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from sync_server.errors import NotFound, Unprocessable
from sync_server.models import Activity, Notification, NotificationMute, User
from sync_server.services.books import utcnow

# Kinds of event that notify someone: a notification has its event's kind, and a user can
# mute any of them (muting "invited" also stops invitation emails to them).
NOTIFICATION_KINDS = (
    "invited",
    "joined",
    "declined",
    "role_changed",
    "removed",
    "member_left",
    "ownership_transferred",
    "book_deleted",
    "mentioned",
    "new_chapter",
    "reader_comment",
)


@dataclass
class Notice:
    """A notification for one user."""

    user_id: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)


def muted(session: Session, *, user_id: str, kind: str) -> bool:
    return (
        session.get(NotificationMute, (user_id, kind)) is not None
        if kind in NOTIFICATION_KINDS
        else False
    )


def record(
    session: Session,
    *,
    book_id: str | None,
    kind: str,
    actor_id: str | None,
    subject_email: str | None = None,
    detail: dict[str, Any] | None = None,
    notify: Sequence[Notice] = (),
) -> None:
    """Log one event of a book (when it still has a log) and notify whom it concerns.

    The caller commits: the event, its notices and the change they describe land together.
    """
    if book_id is not None:
        session.add(
            Activity(
                book_id=book_id,
                kind=kind,
                actor_id=actor_id,
                subject_email=subject_email,
                detail=json.dumps(detail or {}, sort_keys=True),
            )
        )
    for notice in notify:
        if notice.user_id == actor_id or muted(session, user_id=notice.user_id, kind=kind):
            continue
        session.add(
            Notification(
                user_id=notice.user_id,
                kind=kind,
                book_id=book_id,
                message=notice.message,
                data=json.dumps(notice.data, sort_keys=True),
            )
        )


@dataclass(frozen=True)
class ActivityRow:
    id: int
    kind: str
    actor_id: str | None
    actor_email: str | None
    subject_email: str | None
    detail: dict[str, Any]
    created_at: datetime


def book_activity(
    session: Session, *, book_id: str, limit: int, before: int | None
) -> list[ActivityRow]:
    """The book's events, newest first; ``before`` pages on by id."""
    stmt = (
        select(Activity, User.email)
        .outerjoin(User, User.id == Activity.actor_id)
        .where(Activity.book_id == book_id)
        .order_by(Activity.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(Activity.id < before)
    return [
        ActivityRow(
            id=a.id,
            kind=a.kind,
            actor_id=a.actor_id,
            actor_email=email,
            subject_email=a.subject_email,
            detail=json.loads(a.detail or "{}"),
            created_at=a.created_at,
        )
        for a, email in session.execute(stmt)
    ]


def inbox(
    session: Session, *, user_id: str, unread_only: bool, limit: int
) -> tuple[int, list[Notification]]:
    """(unread count, the newest notifications)."""
    unread = int(
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    items = list(
        session.scalars(stmt.order_by(Notification.created_at.desc(), Notification.id).limit(limit))
    )
    return unread, items


def mark_read(session: Session, *, user_id: str, notification_id: str | None) -> int:
    """Mark one notification (or, with None, all of them) read; how many changed."""
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        found = session.get(Notification, notification_id)
        if found is None or found.user_id != user_id:
            raise NotFound("no such notification")
        stmt = stmt.where(Notification.id == notification_id)
    changed = session.execute(stmt.values(read_at=utcnow())).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(changed or 0)


def get_mutes(session: Session, *, user_id: str) -> list[str]:
    return sorted(
        session.scalars(select(NotificationMute.kind).where(NotificationMute.user_id == user_id))
    )


def set_mutes(session: Session, *, user_id: str, kinds: list[str]) -> list[str]:
    unknown = sorted(set(kinds) - set(NOTIFICATION_KINDS))
    if unknown:
        raise Unprocessable(
            f"unknown notification kinds: {', '.join(unknown)} "
            f"(known: {', '.join(NOTIFICATION_KINDS)})",
            code="unknown_kind",
        )
    session.execute(delete(NotificationMute).where(NotificationMute.user_id == user_id))
    for kind in sorted(set(kinds)):
        session.add(NotificationMute(user_id=user_id, kind=kind))
    session.commit()
    return get_mutes(session, user_id=user_id)
