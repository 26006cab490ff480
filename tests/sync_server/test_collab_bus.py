"""Two workers' rooms of one document over a bus that loses messages: the periodic hello
brings the one that missed an update level again (no Redis needed: an in-memory bus)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pycrdt

from sync_server.collab.hub import CollabHub
from sync_server.collab.room import Connection
from sync_server.collab.standing import Standing
from tests.sync_server.fixtures import fast_settings

KEY = ("book-1", "scene-1")


class LossyBus:
    """Delivers to the other hubs' rooms unless told to drop."""

    def __init__(self) -> None:
        self.hubs: list[CollabHub] = []
        self.dropping = False

    def for_hub(self, hub: CollabHub) -> Any:
        bus = self

        class Port:
            async def start(self, deliver: Any) -> None:
                return None

            async def stop(self) -> None:
                return None

            async def subscribe(self, key: Any) -> None:
                return None

            async def unsubscribe(self, key: Any) -> None:
                return None

            def publish(self, key: Any, kind: bytes, payload: bytes) -> None:
                if bus.dropping:
                    return
                for other in bus.hubs:
                    if other is not hub:
                        asyncio.get_running_loop().create_task(other._from_peer(key, kind, payload))

        self.hubs.append(hub)
        return Port()


class FakeSocket:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def send_bytes(self, data: bytes) -> None:
        self.sent.append(data)


def _standing() -> Standing:
    return Standing(
        user_id="u1",
        device_id=None,
        email="ann@example.org",
        book_id=KEY[0],
        doc_id=KEY[1],
        kind="scene",
        role="editor",
        expires_at=None,
    )


def test_a_lost_update_is_recovered_by_the_periodic_hello(tmp_path: Path) -> None:
    async def scenario() -> None:
        bus = LossyBus()
        hubs = []
        for name in ("w1", "w2"):
            settings = fast_settings(tmp_path / name, f"sqlite:///{tmp_path / 'db.sqlite3'}")
            hub = CollabHub(settings, sessions=None)  # type: ignore[arg-type]
            hub.bus = bus.for_hub(hub)
            hubs.append(hub)
        rooms = []
        for hub in hubs:
            from sync_server.collab.room import Room

            room = Room(
                book_id=KEY[0], doc_id=KEY[1], kind="scene", state=b"", publish=hub.bus.publish
            )
            hub.rooms[KEY] = room
            rooms.append(room)
        typist = Connection(FakeSocket(), _standing(), max_queue=100)  # type: ignore[arg-type]
        rooms[0].join(typist)
        source = pycrdt.Doc()
        source.get("text", type=pycrdt.Text).insert(0, "Lost in transit.")
        bus.dropping = True
        rooms[0].apply(source.get_update(), typist)
        await asyncio.sleep(0.05)
        assert str(rooms[1].doc.get("text", type=pycrdt.Text)) == ""
        bus.dropping = False
        reader = Connection(FakeSocket(), _standing(), max_queue=100)  # type: ignore[arg-type]
        rooms[1].join(reader)
        hubs[1].resync_peers()  # what each housekeeping round does
        await asyncio.sleep(0.05)
        assert str(rooms[1].doc.get("text", type=pycrdt.Text)) == "Lost in transit."

    asyncio.run(scenario())
