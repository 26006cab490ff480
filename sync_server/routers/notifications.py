"""/api/v1/notifications: the caller's inbox, marking read, muting kinds."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Response

from sync_server.deps import CallerDep, SessionDep
from sync_server.schemas import Mutes, NotificationPage, NotificationPublic
from sync_server.services import activity

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("")
def inbox(
    session: SessionDep,
    caller: CallerDep,
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> NotificationPage:
    """The newest notifications and the count of unread ones."""
    unread, items = activity.inbox(
        session, user_id=caller.user_id, unread_only=unread_only, limit=limit
    )
    return NotificationPage(
        unread=unread,
        items=[
            NotificationPublic(
                id=n.id,
                kind=n.kind,
                book_id=n.book_id,
                message=n.message,
                data=json.loads(n.data or "{}"),
                created_at=n.created_at,
                read=n.read_at is not None,
            )
            for n in items
        ],
    )


@router.post("/read-all")
def read_all(session: SessionDep, caller: CallerDep) -> dict[str, int]:
    return {"marked": activity.mark_read(session, user_id=caller.user_id, notification_id=None)}


@router.post("/{notification_id}/read", status_code=204, responses={404: {}})
def read_one(notification_id: str, session: SessionDep, caller: CallerDep) -> Response:
    activity.mark_read(session, user_id=caller.user_id, notification_id=notification_id)
    return Response(status_code=204)


@router.get("/mutes")
def get_mutes(session: SessionDep, caller: CallerDep) -> Mutes:
    """The kinds of notification the caller does not get."""
    return Mutes(kinds=activity.get_mutes(session, user_id=caller.user_id))


@router.put("/mutes")
def set_mutes(body: Mutes, session: SessionDep, caller: CallerDep) -> Mutes:
    return Mutes(kinds=activity.set_mutes(session, user_id=caller.user_id, kinds=body.kinds))
