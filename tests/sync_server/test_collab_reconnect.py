"""The reconnect matrix: whatever happens to the connection, the server or its store, every
character typed ends up in the scene exactly once, on every client and in the feed.

The clients are real npm Yjs clients (y-websocket reconnects by itself), and one pycrdt
client that comes back with a stale state; the server is a real process that is stopped,
killed and started again on the same port and database.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from websockets.sync.client import connect

from sync_server.app import make_engine
from tests.sync_server.collab_world import (
    API,
    BOOK,
    OPENING,
    SCENE,
    World,
    YClient,
    feed_text,
    make_world,
)
from tests.sync_server.npm_client import NpmClient, require_node, ws_base
from tests.sync_server.server_process import ServerProcess, require_redis, unique_prefix


def assert_exactly_once(result: str, words: list[str]) -> None:
    """Every typed word is there once, and nothing else was added or lost."""
    for word in words:
        assert result.count(word) == 1, f"{word!r} appears {result.count(word)} times: {result!r}"
    assert result.count(OPENING) == 1
    assert len(result) == len(OPENING) + sum(len(w) for w in words), result


def converge(clients: list[NpmClient], words: list[str], timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        texts = [c.text() for c in clients]
        if len(set(texts)) == 1 and all(w in texts[0] for w in words):
            return texts[0]
        if time.monotonic() > deadline:
            events = {c.name: [e for e in c.events if e.get("event") != "text"] for c in clients}
            raise AssertionError(f"clients did not converge: {texts}; last events: {events}")
        time.sleep(0.2)


def wait_feed(url: str, token: str, expected: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while (found := feed_text(url, token)) != expected:
        assert time.monotonic() < deadline, f"the feed holds {found!r}, not {expected!r}"
        time.sleep(0.2)


@pytest.fixture
def server(tmp_path: Path, sync_database_url: str) -> Iterator[ServerProcess]:
    require_node()
    with ServerProcess(tmp_path / "server", sync_database_url) as process:
        yield process


@pytest.fixture
def world(server: ServerProcess) -> World:
    with httpx.Client(base_url=server.url) as client:
        return make_world(client)


def _type(client: NpmClient, word: str) -> None:
    client.send(cmd="insert", index=10**6, text=word)  # at the end (y-websocket clamps)


def _synced(*clients: NpmClient) -> None:
    for client in clients:
        client.wait_for(lambda e: e.get("event") == "synced" and e["synced"])


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_server_restarted_mid_session(server: ServerProcess, world: World, how: str):
    base = ws_base(server.url)
    with (
        NpmClient(base, SCENE, world.owner.access_token, "Ann") as ann,
        NpmClient(base, SCENE, world.members["editor"].access_token, "Ben") as ben,
    ):
        _synced(ann, ben)
        words = [" a1", " b1"]
        _type(ann, words[0])
        _type(ben, words[1])
        converge([ann, ben], words)
        # Killed right after typing: what had not reached the database yet is only in the
        # clients, and comes back when they reconnect.
        _type(ann, " a2")
        words.append(" a2")
        (server.kill if how == "kill" else server.stop)()
        _type(ann, " a3")  # typed while the server is down
        _type(ben, " b2")
        words += [" a3", " b2"]
        time.sleep(0.5)
        server.start()
        result = converge([ann, ben], words)
        assert_exactly_once(result, words)
        with NpmClient(base, SCENE, world.members["viewer"].access_token, "Vic") as vic:
            vic.wait_for(lambda e: e.get("event") == "synced" and e["text"] == result)
        wait_feed(server.url, world.owner.access_token, result)


def test_a_client_offline_for_a_while_merges_back(server: ServerProcess, world: World):
    base = ws_base(server.url)
    with (
        NpmClient(base, SCENE, world.owner.access_token, "Ann") as ann,
        NpmClient(base, SCENE, world.members["editor"].access_token, "Ben") as ben,
    ):
        _synced(ann, ben)
        ben.send(cmd="disconnect")
        ben.wait_for(lambda e: e.get("event") == "status" and e["status"] == "disconnected")
        words = []
        for i in range(5):
            _type(ben, f" off{i}")
            _type(ann, f" on{i}")
            words += [f" off{i}", f" on{i}"]
        ben.send(cmd="insert", index=0, text="Cold. ")
        words.append("Cold. ")
        time.sleep(1.0)
        assert "off0" not in ann.text()
        ben.send(cmd="connect")
        result = converge([ann, ben], words)
        assert_exactly_once(result, words)
        wait_feed(server.url, world.owner.access_token, result)


class PyClient:
    """A pycrdt client over a websocket in a thread (it can start from any saved state)."""

    def __init__(self, url: str, state: bytes = b"") -> None:
        self._lock = threading.Lock()
        self._stack = contextlib.ExitStack()
        self._ws = self._stack.enter_context(connect(url))
        self.y = YClient(self._ws.send)
        if state:
            with self._lock:
                self.y._applying = True
                self.y.doc.apply_update(state)
                self.y._applying = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        with self._lock:
            self.y.open()

    def _run(self) -> None:
        try:
            while True:
                message = self._ws.recv()
                with self._lock:
                    self.y.receive(message if isinstance(message, bytes) else message.encode())
        except Exception:
            return

    def text(self) -> str:
        with self._lock:
            return str(self.y)

    def type_at_end(self, word: str) -> None:
        with self._lock:
            self.y.type(len(str(self.y).encode()), word)

    def close(self) -> None:
        self._stack.close()
        self._thread.join(timeout=5)


def test_a_client_with_a_stale_state_merges_without_duplicates(server: ServerProcess, world: World):
    base = ws_base(server.url)
    url = f"{base}/{SCENE}?token={world.members['editor'].access_token}"
    # A client that saved its state early, then was away while the room moved on.
    early = PyClient(url)
    deadline = time.monotonic() + 5
    while early.text() != OPENING:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    with early._lock:
        saved = early.y.doc.get_update()
    early.type_at_end(" e1")
    time.sleep(0.3)
    early.close()
    with NpmClient(base, SCENE, world.owner.access_token, "Ann") as ann:
        _synced(ann)
        _type(ann, " a1")
        ann.send(cmd="insert", index=0, text="Late. ")
        ann.wait_for(
            lambda e: e.get("event") == "text" and "a1" in e["text"] and "Late." in e["text"]
        )
        # Back from the saved state (without " e1"), with an edit made meanwhile.
        stale = PyClient(url, state=saved)
        stale.type_at_end(" s1")
        words = [" e1", " a1", "Late. ", " s1"]
        deadline = time.monotonic() + 10
        while not all(w in stale.text() for w in words) or stale.text() != ann.text():
            assert time.monotonic() < deadline, (stale.text(), ann.text())
            time.sleep(0.2)
        assert_exactly_once(stale.text(), words)
        stale.close()
        wait_feed(server.url, world.owner.access_token, ann.text())


def test_the_room_store_wiped_is_rebuilt_from_the_clients(
    server: ServerProcess, world: World, sync_database_url: str
):
    base = ws_base(server.url)
    with (
        NpmClient(base, SCENE, world.owner.access_token, "Ann") as ann,
        NpmClient(base, SCENE, world.members["editor"].access_token, "Ben") as ben,
    ):
        _synced(ann, ben)
        words = [" a1", " b1"]
        _type(ann, words[0])
        _type(ben, words[1])
        before = converge([ann, ben], words)
        wait_feed(server.url, world.owner.access_token, before)
        server.stop()
        # The stored history of the scene is lost (a restore from an old backup, say).
        engine = make_engine(sync_database_url)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM changes WHERE doc_id = :d"), {"d": SCENE})
        engine.dispose()
        server.start()
        _type(ben, " b2")
        words.append(" b2")
        result = converge([ann, ben], words)
        assert_exactly_once(result, words)
        wait_feed(server.url, world.owner.access_token, result)
    with NpmClient(base, SCENE, world.members["viewer"].access_token, "Vic") as vic:
        vic.wait_for(lambda e: e.get("event") == "synced" and e["text"] == result)


@pytest.fixture
def two_workers(tmp_path: Path, sync_database_url: str) -> Iterator[tuple[ServerProcess, ...]]:
    require_node()
    redis_url = require_redis()
    settings = {"redis_url": redis_url, "redis_prefix": unique_prefix()}
    first = ServerProcess(tmp_path / "w1", sync_database_url, **settings)
    second = ServerProcess(tmp_path / "w2", sync_database_url, **settings)
    with first, second:
        yield first, second


def test_two_workers_with_a_client_on_each(two_workers: tuple[ServerProcess, ...]):
    first, second = two_workers
    with httpx.Client(base_url=first.url) as client:
        world = make_world(client)
    with (
        NpmClient(ws_base(first.url), SCENE, world.owner.access_token, "Ann") as ann,
        NpmClient(ws_base(second.url), SCENE, world.members["editor"].access_token, "Ben") as ben,
    ):
        _synced(ann, ben)
        words = []
        for i in range(5):
            _type(ann, f" a{i}")
            _type(ben, f" b{i}")
            words += [f" a{i}", f" b{i}"]
        result = converge([ann, ben], words)
        assert_exactly_once(result, words)
        # Presence crosses workers too.
        ann.wait_for(
            lambda e: (
                e.get("event") == "awareness"
                and any(s.get("user", {}).get("name") == "Ben" for s in e["states"])
            )
        )
        wait_feed(first.url, world.owner.access_token, result)
        # A removal on the first worker cuts the member off on the second within a second.
        started = time.monotonic()
        r = httpx.delete(
            f"{first.url}{API}/books/{BOOK}/members/{world.ids['editor']}",
            headers=world.owner.headers,
        )
        assert r.status_code == 204
        assert ben.wait_for(lambda e: e.get("event") == "close", timeout=5)["code"] == 4403
        assert time.monotonic() - started < 1.0
