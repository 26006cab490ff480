"""How the rooms of one document on several workers hear each other.

With ``redis_url`` set, each worker's room of a document subscribes to the document's Redis
channel and publishes there what its clients typed (and their presence): the other workers'
rooms apply it and fan it out. A room that loads says hello with its state vector; the rooms
already open answer with what it lacks, so a client joining on a second worker sees what was
typed on the first before it reached the database. Membership changes go on one channel for
all, so a removed member is cut off on every worker.

Without Redis, one worker serves every room and the bus carries nothing.

A message on the wire is the sender's worker id (8 bytes), its kind (one byte: ``u`` update,
``a`` awareness, ``h`` hello with a state vector, ``m`` membership JSON) and its payload.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

log = logging.getLogger("authorworks.server.collab")

Deliver = Callable[[tuple[str, str] | None, bytes, bytes], Awaitable[None]]


class Bus(Protocol):
    async def start(self, deliver: Deliver) -> None: ...
    async def stop(self) -> None: ...
    async def subscribe(self, key: tuple[str, str]) -> None: ...
    async def unsubscribe(self, key: tuple[str, str]) -> None: ...
    def publish(self, key: tuple[str, str] | None, kind: bytes, payload: bytes) -> None: ...


class LocalBus:
    """One worker: nobody else to tell."""

    async def start(self, deliver: Deliver) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def subscribe(self, key: tuple[str, str]) -> None:
        return None

    async def unsubscribe(self, key: tuple[str, str]) -> None:
        return None

    def publish(self, key: tuple[str, str] | None, kind: bytes, payload: bytes) -> None:
        return None


class RedisBus:
    """Redis pub/sub between workers. Redis going away costs only the cross-worker fan-out
    (each worker's own rooms keep working, and everything still reaches the database); the
    bus reconnects and subscribes again by itself."""

    def __init__(self, url: str, prefix: str = "authorworks") -> None:
        import redis.asyncio as redis

        # Pub/sub channels are global to a Redis server (not per database): servers sharing
        # one Redis keep apart by their prefix.
        self._members = f"{prefix}:collab:members"
        self._docs = f"{prefix}:collab:doc:"
        self._redis: Any = redis.from_url(url)
        self._pubsub: Any = self._redis.pubsub()
        self.worker = os.urandom(8)
        self._outgoing: asyncio.Queue[tuple[str, bytes] | None] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._deliver: Deliver | None = None

    def channel_of(self, key: tuple[str, str]) -> str:
        return f"{self._docs}{key[0]}:{key[1]}"

    def key_of(self, channel: str) -> tuple[str, str] | None:
        if not channel.startswith(self._docs):
            return None
        book_id, _, doc_id = channel[len(self._docs) :].partition(":")
        return (book_id, doc_id)

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        try:
            await self._pubsub.subscribe(self._members)
        except Exception as exc:
            log.error("redis unavailable, live rooms are not shared between workers: %s", exc)
        self._tasks = [
            asyncio.create_task(self._listen(), name="collab-bus-listen"),
            asyncio.create_task(self._send(), name="collab-bus-send"),
        ]

    async def stop(self) -> None:
        self._outgoing.put_nowait(None)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            await self._pubsub.aclose()
            await self._redis.aclose()
        except Exception:  # already gone: nothing to close
            pass

    async def subscribe(self, key: tuple[str, str]) -> None:
        try:
            await self._pubsub.subscribe(self.channel_of(key))
        except Exception as exc:
            log.warning("redis subscribe failed for %s: %s", self.channel_of(key), exc)

    async def unsubscribe(self, key: tuple[str, str]) -> None:
        try:
            await self._pubsub.unsubscribe(self.channel_of(key))
        except Exception as exc:
            log.warning("redis unsubscribe failed for %s: %s", self.channel_of(key), exc)

    def publish(self, key: tuple[str, str] | None, kind: bytes, payload: bytes) -> None:
        channel = self._members if key is None else self.channel_of(key)
        self._outgoing.put_nowait((channel, self.worker + kind + payload))

    async def _send(self) -> None:
        while True:
            item = await self._outgoing.get()
            if item is None:
                return
            batch = [item]
            while not self._outgoing.empty():  # one round trip for what queued meanwhile
                more = self._outgoing.get_nowait()
                if more is None:
                    break
                batch.append(more)
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for channel, data in batch:
                        pipe.publish(channel, data)
                    await pipe.execute()
            except Exception as exc:
                log.warning("redis publish failed (%d messages dropped): %s", len(batch), exc)

    async def _listen(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=1.0
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("redis listen failed, retrying: %s", exc)
                await asyncio.sleep(1.0)
                continue
            if message is None:
                if not self._pubsub.subscribed:
                    await asyncio.sleep(0.1)
                continue
            if message.get("type") != "message":
                continue
            data: bytes = message["data"]
            if data[:8] == self.worker or len(data) < 9 or self._deliver is None:
                continue
            channel = message["channel"]
            channel = channel.decode() if isinstance(channel, bytes) else str(channel)
            try:
                await self._deliver(self.key_of(channel), data[8:9], data[9:])
            except Exception:
                log.exception("a message from another worker could not be applied")
