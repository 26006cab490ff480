"""A worker's live rooms: joining, persisting what is typed, cutting off who lost access,
unloading what nobody uses.

* What clients type is appended to the book's feed (the same history ``/sync/push`` writes)
  at most ``collab_flush_seconds`` after it arrived, under its author, and only while the
  author may still write; a room closing flushes first, a worker shutting down flushes all.
* What is pushed through the feed reaches the open rooms (and the other workers' rooms).
* A membership ended, lowered or expired takes effect on open connections at once (the
  routers that change memberships call :meth:`CollabHub.members_changed`); a periodic check
  of every connection against the database catches the rest (a device signed out).
* A room with nobody in it for ``collab_idle_seconds`` is unloaded, after making sure the
  feed holds all it holds.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pycrdt
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket

from core.sync.documents import changes_made
from sync_server.collab.bus import Bus, LocalBus, RedisBus
from sync_server.collab.room import (
    FORBIDDEN,
    FROM_FEED,
    FROM_PEER,
    GOING_AWAY,
    SIGNED_OUT,
    Connection,
    Room,
)
from sync_server.collab.standing import Standing, current_roles
from sync_server.services import feed
from sync_server.services.books import utcnow
from sync_server.settings import Settings

log = logging.getLogger("authorworks.server.collab")
T = TypeVar("T")
Key = tuple[str, str]


class CollabHub:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self._sessions = sessions
        self.rooms: dict[Key, Room] = {}
        self._loading: dict[Key, asyncio.Future[Room]] = {}
        self.bus: Bus = (
            RedisBus(settings.redis_url, settings.redis_prefix)
            if settings.redis_url
            else LocalBus()
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._last_recheck = time.monotonic()
        self._per_user: dict[str, int] = {}  # account -> its connections here

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self.bus.start(self._from_peer)
        self._ticker = asyncio.create_task(self._tick(), name="collab-ticker")

    async def stop(self) -> None:
        """Flush every room and close its connections (clients reconnect and resync)."""
        if self._ticker:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
        for room in list(self.rooms.values()):
            room.close_all(GOING_AWAY, "the server is restarting")
            await self._flush(room)
        await self.bus.stop()
        self._loop = None

    def _in_thread(self, work: Callable[[Session], T]) -> Any:
        def run() -> T:
            with self._sessions() as session:
                return work(session)

        return run_in_threadpool(run)

    # ------------------------------------------------------------------ joining

    async def room_for(self, standing: Standing) -> Room:
        key = (standing.book_id, standing.doc_id)
        room = self.rooms.get(key)
        if room is not None:
            return room
        loading = self._loading.get(key)
        if loading is not None:  # someone else is loading it: wait for theirs
            return await asyncio.shield(loading)
        future: asyncio.Future[Room] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            # Subscribe before reading the database: an update another worker publishes
            # meanwhile is either in what we read or answers our hello.
            await self.bus.subscribe(key)
            state = await self._in_thread(
                lambda s: feed.document_state(s, book_id=standing.book_id, doc_id=standing.doc_id)
            )
            room = Room(
                book_id=standing.book_id,
                doc_id=standing.doc_id,
                kind=standing.kind,
                state=state,
                publish=self.bus.publish,
            )
            self.rooms[key] = room
            self.bus.publish(key, b"h", room.state_vector())
            future.set_result(room)
            return room
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: a waiter may not exist
            raise
        finally:
            del self._loading[key]

    async def join(self, websocket: WebSocket, standing: Standing) -> tuple[Room, Connection]:
        room = await self.room_for(standing)
        connection = Connection(websocket, standing, max_queue=self.settings.collab_max_queue)
        room.join(connection)
        self._per_user[standing.user_id] = self._per_user.get(standing.user_id, 0) + 1
        return room, connection

    def leave(self, room: Room, connection: Connection) -> None:
        room.leave(connection)
        left = self._per_user.get(connection.user_id, 0) - 1
        if left > 0:
            self._per_user[connection.user_id] = left
        else:
            self._per_user.pop(connection.user_id, None)

    # ------------------------------------------------------------------ the feed

    async def _flush(self, room: Room) -> None:
        if not room.pending:
            return
        updates, room.pending = room.pending, []
        try:
            refused = await self._in_thread(
                lambda s: feed.append_live(
                    session=s,
                    book_id=room.book_id,
                    doc_id=room.doc_id,
                    kind=room.kind,
                    updates=updates,
                    compact_after=self.settings.compact_after,
                )
            )
        except Exception as exc:  # the database is away: keep them and try again
            room.pending[:0] = updates
            log.warning("live updates of %s not persisted yet: %s", room.doc_id, exc)
            return
        if refused:
            await self.recheck(room.book_id, refused)

    def feed_applied(self, items: Iterable[tuple[str, str, bytes]]) -> None:
        """Updates a push appended to the feed (called from the push's worker thread)."""
        items = list(items)
        loop = self._loop
        if loop is None or not items:
            return
        loop.call_soon_threadsafe(self._take_from_feed, items)

    def _take_from_feed(self, items: list[tuple[str, str, bytes]]) -> None:
        for book_id, doc_id, data in items:
            key = (book_id, doc_id)
            room = self.rooms.get(key)
            if room is not None:
                room.apply(data, FROM_FEED)
            self.bus.publish(key, b"u", data)

    # ------------------------------------------------------------------ access

    def members_changed(self, book_id: str | None, user_ids: Iterable[str] | None) -> None:
        """Memberships of ``user_ids`` (everyone's, when None) in ``book_id`` (every book,
        when None) changed, or their devices were signed out: called from a router's thread
        after its commit, it checks their open connections again now, on every worker."""
        users = None if user_ids is None else sorted(set(user_ids))
        loop = self._loop
        if loop is None:
            return
        payload = json.dumps({"book": book_id, "users": users}).encode()

        def schedule() -> None:
            self.bus.publish(None, b"m", payload)
            loop.create_task(self.recheck(book_id, users))

        loop.call_soon_threadsafe(schedule)

    async def recheck(self, book_id: str | None, user_ids: Iterable[str] | None = None) -> None:
        """Check the connections of ``user_ids`` (all, when None) in ``book_id``'s rooms (all
        rooms, when None) against the database; cut or demote who lost access."""
        users = None if user_ids is None else set(user_ids)
        by_book: dict[str, list[tuple[Room, Connection]]] = {}
        for room in self.rooms.values():
            if book_id is not None and room.book_id != book_id:
                continue
            for connection in room.connections:
                if users is None or connection.user_id in users:
                    by_book.setdefault(room.book_id, []).append((room, connection))
        for book, pairs in by_book.items():
            user_list = [c.user_id for _r, c in pairs]
            device_list = [c.device_id for _r, c in pairs if c.device_id]
            try:
                roles, signed_out = await self._in_thread(
                    functools.partial(
                        current_roles, book_id=book, user_ids=user_list, device_ids=device_list
                    )
                )
            except Exception as exc:
                log.warning("could not check access to %s: %s", book, exc)
                continue
            for _room, connection in pairs:
                membership = roles.get(connection.user_id)
                if connection.device_id in signed_out:
                    connection.close(SIGNED_OUT, "this device was signed out")
                elif membership is None:
                    connection.close(FORBIDDEN, "you are no longer a member of this book")
                else:
                    role, connection.expires_at = membership
                    if role != connection.role:
                        connection.role = role
                        connection.told_read_only = False

    # ------------------------------------------------------------------ peers

    async def _from_peer(self, key: Key | None, kind: bytes, payload: bytes) -> None:
        if key is None:
            if kind == b"m":
                change = json.loads(payload)
                users = change.get("users")
                await self.recheck(change.get("book"), None if users is None else list(users))
            return
        room = self.rooms.get(key)
        if room is None:
            return
        if kind == b"u":
            room.apply(payload, FROM_PEER)
        elif kind == b"a":
            room.presence(payload, None)
        elif kind == b"h":  # a room opened elsewhere: what it lacks, and who is here
            self.bus.publish(key, b"u", room.missing_from(payload))
            clients = list(room.awareness.states)
            if clients:
                self.bus.publish(key, b"a", room.awareness.encode_awareness_update(clients))

    # ------------------------------------------------------------------ housekeeping

    async def _tick(self) -> None:
        interval = self.settings.collab_flush_seconds
        while True:
            await asyncio.sleep(interval)
            try:
                await self._housekeeping()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live room housekeeping failed")

    async def _housekeeping(self) -> None:
        now = utcnow()
        for room in list(self.rooms.values()):
            for connection in list(room.connections):
                if connection.expired(now):
                    connection.close(FORBIDDEN, "your membership of this book has ended")
            await self._flush(room)
        idle = self.settings.collab_idle_seconds
        clock = time.monotonic()
        for room in list(self.rooms.values()):
            if room.idle_since is not None and clock - room.idle_since >= idle:
                await self.unload(room)
        if clock - self._last_recheck >= self.settings.collab_recheck_seconds:
            self._last_recheck = clock
            await self.recheck(None)
            self.resync_peers()

    def resync_peers(self) -> None:
        """Anti-entropy between workers: each room someone is in says hello again, and the
        others answer with what it lacks, so a message Redis lost (a blip, a restart) costs
        at most one round of this, not a divergence until everyone reconnects."""
        for room in self.rooms.values():
            if room.connections:
                self.bus.publish(room.key, b"h", room.state_vector())

    async def unload(self, room: Room) -> None:
        """Drop an empty room, once the feed holds everything it holds."""
        await self._flush(room)
        try:
            await self._reconcile(room)
        except Exception as exc:  # keep it loaded; the next round tries again
            log.warning("room %s kept: %s", room.doc_id, exc)
            return
        if room.connections or room.pending or self.rooms.get(room.key) is not room:
            return  # someone came in meanwhile
        del self.rooms[room.key]
        room.close()
        await self.bus.unsubscribe(room.key)

    async def _reconcile(self, room: Room) -> None:
        """Store what the room holds and the feed lacks (typed on a worker that died before
        it flushed, say), under no author."""
        stored = await self._in_thread(
            lambda s: feed.document_state(s, book_id=room.book_id, doc_id=room.doc_id)
        )
        probe: pycrdt.Doc = pycrdt.Doc()
        if stored:
            probe.apply_update(stored)
        held = room.doc.get_update(probe.get_state())
        _, missing = changes_made(probe, lambda: probe.apply_update(held))
        if missing is not None:
            room.pending.append((None, missing))
            await self._flush(room)

    def connections_of(self, user_id: str) -> int:
        """How many live connections the account has on this worker."""
        return self._per_user.get(user_id, 0)

    def stats(self) -> dict[str, int]:
        return {
            "rooms": len(self.rooms),
            "connections": sum(len(r.connections) for r in self.rooms.values()),
        }
