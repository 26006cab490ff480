"""/api/v1/sync: push updates, pull a book's change feed, compact."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from core.sync.protocol import DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT
from sync_server.deps import CallerDep, ClaimsDep, SessionDep
from sync_server.schemas import PullPage, PushRequest, PushResult
from sync_server.services import feed

router = APIRouter(prefix="/sync", tags=["sync"])


@router.post("/push", responses={401: {}})
def push(body: PushRequest, request: Request, claims: ClaimsDep) -> PushResult:
    """Append a batch of Yjs updates; ops already applied (by op id) are skipped."""
    # One worker thread and one session for the whole request; the account and device are
    # checked by the push's first query (which also locks the account's feed).
    app = request.app
    applied: list[tuple[str, str, bytes]] = []
    with app.state.sessions() as session:
        result = feed.push(
            session=session,
            user_id=claims["sub"],
            device_id=claims.get("did") or None,
            ops=body.ops,
            compact_after=app.state.settings.compact_after,
            applied_out=applied,
            settings=app.state.settings,
        )
    app.state.collab.feed_applied(applied)  # the open rooms of those documents see it live
    return result


@router.get("/pull", response_model=PullPage, responses={401: {}, 404: {}, 410: {}})
async def pull(
    request: Request,
    claims: ClaimsDep,
    book: Annotated[str, Query(min_length=1, max_length=36)],
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
) -> Response:
    """The changes of ``book`` after ``cursor``; 404 for a book the caller is no member of,
    410 ``resync_required`` for a cursor no longer served."""
    # The hottest route: no dependency in a worker thread, one hop to a worker thread, one
    # query (the token's account, device and membership are checked by the feed query
    # itself), and the
    # JSON body written straight from the rows, without a validation pass.
    app = request.app
    body = await run_in_threadpool(
        _pull_page,
        app.state.read_engine,
        user_id=claims["sub"],
        device_id=claims.get("did") or None,
        book_id=book,
        cursor=cursor,
        limit=limit,
    )
    return Response(body, media_type="application/json")


def _pull_page(
    engine: Engine, *, user_id: str, device_id: str | None, book_id: str, cursor: int, limit: int
) -> bytes:
    with engine.connect() as connection:
        return feed.pull(
            connection=connection,
            user_id=user_id,
            device_id=device_id,
            book_id=book_id,
            cursor=cursor,
            limit=limit,
        )


@router.post("/compact")
def compact(session: SessionDep, caller: CallerDep) -> dict[str, int]:
    """Squash each document of the books the caller can write into one update now."""
    return {"documents": feed.compact_books(session=session, user_id=caller.user_id)}
