"""One document's live room: its Yjs document, the presence of who is in it, and their
connections.

Everything here runs on the worker's event loop and never awaits: a message is applied and
fanned out in one step, so no two messages interleave. Each connection sends from its own
queue, so a slow reader delays only itself (and is dropped once it lags too far; it resyncs
when it comes back).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pycrdt
from starlette.websockets import WebSocket, WebSocketState

from sync_server.collab import messages
from sync_server.collab.standing import Standing
from sync_server.services.books import WRITERS
from sync_server.services.feed import REVIEWERS

log = logging.getLogger("authorworks.server.collab")

# Close codes: the 4000s are the application's own (the web's 401 and 403 in them).
SIGNED_OUT = 4401
FORBIDDEN = 4403
LAGGING = TRY_AGAIN = 1013  # "try again later": too far behind, or too many connections
UNAVAILABLE = 1011  # the server could not open the room (its database is away)
GOING_AWAY = 1001
BAD_MESSAGE = 1007
READ_ONLY_REASON = (
    "read-only: your role in this book does not let you edit, so your edits are not kept"
)

# Where an update came from, besides a connection.
FROM_FEED = "feed"  # pushed through /sync/push (already in the feed)
FROM_PEER = "peer"  # another worker's room (persisted there)

Publish = Callable[[tuple[str, str], bytes, bytes], None]


class Connection:
    """One client in a room."""

    def __init__(self, websocket: WebSocket, standing: Standing, *, max_queue: int) -> None:
        self.websocket = websocket
        self.user_id = standing.user_id
        self.device_id = standing.device_id
        self.email = standing.email
        self.role = standing.role
        self.expires_at = standing.expires_at
        self.told_read_only = False
        self.client_ids: dict[int, int] = {}  # awareness client id -> last clock
        self.closed = False
        self._max_queue = max_queue
        self._queue: asyncio.Queue[bytes | tuple[int, str]] = asyncio.Queue()

    @property
    def read_only(self) -> bool:
        return self.role not in WRITERS

    def send(self, message: bytes) -> None:
        if self.closed:
            return
        if self._queue.qsize() >= self._max_queue:
            self.close(LAGGING, "too far behind: reconnect to catch up")
            return
        self._queue.put_nowait(message)

    def close(self, code: int, reason: str) -> None:
        """Close after what is queued (the close is the last thing this client gets)."""
        if not self.closed:
            self.closed = True
            self._queue.put_nowait((code, reason))

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    async def run_sender(self) -> None:
        try:
            while True:
                item = await self._queue.get()
                if isinstance(item, tuple):
                    if self.websocket.application_state == WebSocketState.CONNECTED:
                        await self.websocket.close(item[0], item[1])
                    return
                await self.websocket.send_bytes(item)
        except Exception:  # the client went away mid-send: the receive loop ends the session
            self.closed = True


class Room:
    """The live copy of one document, shared by the connections of this worker."""

    def __init__(
        self, *, book_id: str, doc_id: str, kind: str, state: bytes, publish: Publish
    ) -> None:
        self.book_id = book_id
        self.doc_id = doc_id
        self.kind = kind
        self.doc: pycrdt.Doc = pycrdt.Doc()
        if state:
            self.doc.apply_update(state)
        self.awareness = pycrdt.Awareness(self.doc)
        self.awareness.set_local_state(None)  # the server is not a peer anyone sees
        self.connections: set[Connection] = set()
        # Updates typed here and not yet in the feed: (author, update).
        self.pending: list[tuple[str | None, bytes]] = []
        self.idle_since: float | None = time.monotonic()
        self._publish = publish
        self._origin: Any = None
        self._subscription = self.doc.observe(self._changed)

    @property
    def key(self) -> tuple[str, str]:
        return (self.book_id, self.doc_id)

    # ------------------------------------------------------------------ document

    def apply(self, update: bytes, origin: Any) -> None:
        """Apply ``update``; what it changes goes to every connection (and, when a client
        typed it, to the feed and the other workers)."""
        if update == messages.EMPTY_UPDATE:
            return
        self._origin = origin
        try:
            self.doc.apply_update(update)
        finally:
            self._origin = None

    def _changed(self, event: Any) -> None:
        # Called once per transaction that changed the document, with exactly what changed:
        # an update the room had already (a client resending after a reconnect) fans out
        # nothing and is not stored twice.
        #
        # It goes to the sender too (as the y-websocket server does): an update that waited
        # for one it depends on is integrated by whichever update brings that one, so what
        # changed can hold edits the sender has never seen.
        update: bytes = event.update
        origin = self._origin
        message = messages.sync_message(messages.SYNC_UPDATE, update)
        for connection in self.connections:
            connection.send(message)
        if isinstance(origin, Connection):
            self.pending.append((origin.user_id, update))
            self._publish(self.key, b"u", update)

    def state_vector(self) -> bytes:
        return self.doc.get_state()

    def missing_from(self, state_vector: bytes) -> bytes:
        return self.doc.get_update(state_vector)

    # ------------------------------------------------------------------ presence

    def presence(self, update: bytes, origin: Connection | None) -> None:
        """Apply an awareness update and pass it on to the other connections."""
        entries = messages.awareness_clients(update)
        if origin is not None:
            for client, clock, gone in entries:
                if gone:
                    origin.client_ids.pop(client, None)
                else:
                    origin.client_ids[client] = clock
        try:
            self.awareness.apply_awareness_update(update, origin)
        except ValueError as exc:  # a state that is not JSON
            raise messages.ProtocolError("an awareness state is not JSON") from exc
        message = messages.awareness_message(update)
        for connection in self.connections:
            if connection is not origin:
                connection.send(message)
        if origin is not None:
            self._publish(self.key, b"a", update)

    def presence_snapshot(self) -> bytes | None:
        clients = list(self.awareness.states)
        if not clients:
            return None
        return messages.awareness_message(self.awareness.encode_awareness_update(clients))

    # ------------------------------------------------------------------ connections

    def join(self, connection: Connection) -> None:
        self.connections.add(connection)
        self.idle_since = None
        # The server's state first: the client answers with what the server lacks.
        connection.send(messages.sync_message(messages.SYNC_STEP1, self.state_vector()))
        snapshot = self.presence_snapshot()
        if snapshot:
            connection.send(snapshot)

    def leave(self, connection: Connection) -> None:
        self.connections.discard(connection)
        if connection.client_ids:
            meta = self.awareness.meta
            clients = [
                (c, int(meta.get(c, {}).get("clock", clock)))
                for c, clock in connection.client_ids.items()
            ]
            connection.client_ids = {}
            removal = messages.awareness_removal(clients)
            self.presence(removal, None)
            self._publish(self.key, b"a", removal)
        if not self.connections:
            self.idle_since = time.monotonic()

    def handle(self, connection: Connection, data: bytes) -> None:
        """One message from ``connection`` (ProtocolError when it is malformed)."""
        message = messages.parse(data)
        if message.kind == messages.SYNC:
            if message.step == messages.SYNC_STEP1:
                try:
                    missing = self.missing_from(message.payload)
                except ValueError as exc:
                    raise messages.ProtocolError("the state vector does not decode") from exc
                connection.send(messages.sync_message(messages.SYNC_STEP2, missing))
                return
            if message.payload == messages.EMPTY_UPDATE:
                return
            if connection.read_only and not self._review_only(connection, message.payload):
                if not connection.told_read_only:
                    connection.told_read_only = True
                    connection.send(messages.permission_denied(READ_ONLY_REASON))
                return
            try:
                self.apply(message.payload, connection)
            except ValueError as exc:
                raise messages.ProtocolError("the update does not decode") from exc
        elif message.kind == messages.AWARENESS:
            self.presence(message.payload, connection)
        elif message.kind == messages.QUERY_AWARENESS:
            snapshot = self.presence_snapshot()
            if snapshot:
                connection.send(snapshot)

    def _review_only(self, connection: Connection, update: bytes) -> bool:
        """A commenter's update that changes only the document's comments is taken."""
        if connection.role not in REVIEWERS:
            return False
        from core.review.permissions import review_only

        return review_only(self.doc.get_update(), update, author=connection.email)

    def close_all(self, code: int, reason: str) -> None:
        for connection in list(self.connections):
            connection.close(code, reason)

    def close(self) -> None:
        self.doc.unobserve(self._subscription)
