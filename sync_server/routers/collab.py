"""``/api/v1/collab/{document_id}``: the live room of one synced document (y-websocket).

Any Yjs client joins with ``ws://HOST/api/v1/collab/DOCUMENT_ID?token=ACCESS_TOKEN`` (what
``new WebsocketProvider("ws://HOST/api/v1/collab", DOCUMENT_ID, doc, {params: {token}})``
opens). The token and the caller's membership are checked before a byte of the document is
sent: a bad or expired token is closed with 4401, a caller who is no member of the book
holding the document (or a document that does not exist) with 4403. Viewers and commenters
receive everything and may show their presence; their edits are dropped, and they are told
once with y-protocols' "permission denied" auth message.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, WebSocket
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from sync_server.collab.hub import CollabHub
from sync_server.collab.messages import ProtocolError
from sync_server.collab.room import (
    BAD_MESSAGE,
    FORBIDDEN,
    SIGNED_OUT,
    TRY_AGAIN,
    UNAVAILABLE,
)
from sync_server.collab.standing import SignedOut, Standing, find_standing
from sync_server.errors import Unauthorized
from sync_server.security import read_access_token

router = APIRouter(tags=["collab"])
log = logging.getLogger("authorworks.server.collab")


def _token(websocket: WebSocket) -> str:
    token = websocket.query_params.get("token", "")
    if not token:  # a client that can set headers may send it as a bearer token
        scheme, _, value = websocket.headers.get("authorization", "").partition(" ")
        token = value if scheme.lower() == "bearer" else ""
    return token


@router.websocket("/collab/{document_id}")
async def collab(websocket: WebSocket, document_id: str) -> None:
    app = websocket.app
    hub: CollabHub = app.state.collab
    # Accepted first, so that a refusal can carry its close code (a refused handshake is
    # only an HTTP 403 to the client); nothing of the document is sent before the checks.
    await websocket.accept()
    try:
        claims = read_access_token(app.state.settings, _token(websocket))
    except Unauthorized as exc:
        await websocket.close(SIGNED_OUT, exc.message)
        return

    def standing_of() -> Standing | None:
        with app.state.sessions() as session:
            return find_standing(
                session,
                user_id=str(claims["sub"]),
                device_id=claims.get("did") or None,
                doc_id=document_id,
            )

    try:
        standing = await run_in_threadpool(standing_of)
        if standing is None:
            await websocket.close(FORBIDDEN, "no such document in a book you are a member of")
            return
        if hub.connections_of(standing.user_id) >= app.state.settings.collab_max_connections:
            await websocket.close(TRY_AGAIN, "too many live connections for this account")
            return
        room, connection = await hub.join(websocket, standing)
    except SignedOut:
        await websocket.close(SIGNED_OUT, "this device was signed out")
        return
    except Exception as exc:  # the database is away: the client retries by itself
        log.warning("collab %s: cannot open the room: %s", document_id, exc)
        await websocket.close(UNAVAILABLE, "the server cannot open this document now")
        return
    sender = asyncio.create_task(connection.run_sender())
    try:
        while True:
            message = await websocket.receive()
            # Once cut off (access lost, lagging, a bad message), nothing more is applied.
            if message["type"] == "websocket.disconnect" or connection.closed:
                break
            data = message.get("bytes")
            if data is None:
                continue  # the protocol is binary; a text frame carries nothing for it
            try:
                room.handle(connection, data)
            except ProtocolError as exc:
                log.info("collab %s: %s", document_id, exc)
                connection.close(BAD_MESSAGE, str(exc))
    except WebSocketDisconnect:
        pass
    finally:
        hub.leave(room, connection)
        connection.close(1000, "")
        await sender
