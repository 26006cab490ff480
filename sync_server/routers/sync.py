"""/api/v1/sync: push updates, pull the change feed, compact."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Response

from core.sync.protocol import DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT
from sync_server.deps import CallerDep, SessionDep, SettingsDep
from sync_server.schemas import PullPage, PushRequest, PushResult
from sync_server.services import feed

router = APIRouter(prefix="/sync", tags=["sync"])


@router.post("/push")
def push(
    body: PushRequest, session: SessionDep, settings: SettingsDep, caller: CallerDep
) -> PushResult:
    """Append a batch of Yjs updates; ops already applied (by op id) are skipped."""
    return feed.push(
        session=session,
        user_id=caller.user_id,
        device_id=caller.device_id,
        ops=body.ops,
        compact_after=settings.compact_after,
    )


@router.get("/pull", response_model=PullPage)
def pull(
    session: SessionDep,
    caller: CallerDep,
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
) -> Response:
    """The changes after ``cursor``; 410 ``resync_required`` for a cursor no longer served."""
    # The hottest route: serialised straight to JSON, without a second validation pass.
    page = feed.pull(
        session=session,
        user_id=caller.user_id,
        last_seq=caller.last_seq,
        feed_floor=caller.feed_floor,
        cursor=cursor,
        limit=limit,
    )
    return Response(json.dumps(page, separators=(",", ":")), media_type="application/json")


@router.post("/compact")
def compact(session: SessionDep, caller: CallerDep) -> dict[str, int]:
    """Squash each of the caller's documents into one update now."""
    return {"documents": feed.compact_user(session=session, user_id=caller.user_id)}
