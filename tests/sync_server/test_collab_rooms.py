"""The live rooms in-process: the protocol's edges, persistence under the author, pushes
reaching open rooms, expiry, idle unloading (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pycrdt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect

from sync_server.app import create_app
from sync_server.collab.messages import ProtocolError, awareness_clients, parse
from sync_server.models import BookMember, Change
from tests.sync_server.collab_world import (
    API,
    BOOK,
    OPENING,
    SCENE,
    World,
    YClient,
    make_world,
    scene_op,
)
from tests.sync_server.fixtures import fast_settings


@pytest.fixture
def app(tmp_path: Path, sync_database_url: str) -> FastAPI:
    return create_app(
        fast_settings(
            tmp_path / "server",
            sync_database_url,
            collab_flush_seconds=0.1,
            collab_idle_seconds=0.3,
        )
    )


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def world(client: TestClient) -> World:
    return make_world(client)


class Session:
    """One TestClient websocket with a pycrdt client on it."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.y = YClient(ws.send_bytes)
        self.y.open()

    def pump(self, until, limit: int = 50) -> None:
        for _ in range(limit):
            if until():
                return
            self.y.receive(self.ws.receive_bytes())
        raise AssertionError("not reached")


def _url(token: str, doc: str = SCENE) -> str:
    return f"{API}/collab/{doc}?token={token}"


def _stored(app: FastAPI) -> list[Change]:
    with app.state.sessions() as s:
        return list(s.scalars(select(Change).where(Change.doc_id == SCENE).order_by(Change.seq)))


def _wait(test, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_typed_text_is_stored_under_its_author(client, app, world):
    with client.websocket_connect(_url(world.members["editor"].access_token)) as ws:
        s = Session(ws)
        s.pump(lambda: s.y.synced and str(s.y) == OPENING)
        s.y.type(0, "Night. ")
        s.pump(lambda: True)
        _wait(lambda: len(_stored(app)) == 2)
    live = _stored(app)[-1]
    assert live.author_id == world.ids["editor"] and live.device_id is None
    doc = pycrdt.Doc()
    for change in _stored(app):
        doc.apply_update(bytes(change.data))
    assert str(doc.get("text", type=pycrdt.Text)) == "Night. " + OPENING


def test_a_push_reaches_an_open_room(client, world):
    with client.websocket_connect(_url(world.members["editor"].access_token)) as ws:
        s = Session(ws)
        s.pump(lambda: s.y.synced)
        other = pycrdt.Doc()
        other["text"] = pycrdt.Text("Elsewhere. ")
        r = client.post(
            f"{API}/sync/push",
            json={"ops": [scene_op("s2", "Elsewhere. ")]},
            headers=world.owner.headers,
        )
        assert r.status_code == 200
        s.pump(lambda: "Elsewhere." in str(s.y))
        assert OPENING in str(s.y)


@pytest.mark.parametrize(
    "junk",
    [b"", b"\x00", b"\x00\x00\x05ab", b"\x00\x07\x00", b"\x01\x09xx", b"\x00\x02\x03\xff\xff\xff"],
)
def test_a_malformed_message_closes_with_1007_and_harms_no_one(client, world, junk):
    with client.websocket_connect(_url(world.owner.access_token)) as ws:
        ws.receive_bytes()
        ws.send_bytes(junk)
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(5):
                ws.receive_bytes()
        assert closed.value.code == 1007
    with client.websocket_connect(_url(world.members["editor"].access_token)) as ws:
        s = Session(ws)
        s.pump(lambda: s.y.synced and str(s.y) == OPENING)


def test_messages_are_read_strictly():
    with pytest.raises(ProtocolError):
        parse(b"\x00\x00\x05ab")  # shorter than it says
    with pytest.raises(ProtocolError):
        parse(b"\x00\x00\x01a!")  # bytes after its end
    with pytest.raises(ProtocolError):
        awareness_clients(b"\x02\x01\x01")
    assert parse(b"\x03").kind == 3


def test_an_expired_membership_ends_the_session(client, app, world):
    with client.websocket_connect(_url(world.members["editor"].access_token)) as ws:
        Session(ws).pump(lambda: True)
        with app.state.sessions() as s:
            row = s.get(BookMember, (BOOK, world.ids["editor"]))
            row.expires_at = datetime.now(UTC) + timedelta(seconds=0.5)
            s.commit()
        # The change is not announced; the periodic check reads the new end, the ticker
        # closes the session when it passes.
        client.app.state.collab.members_changed(BOOK, [world.ids["editor"]])
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(100):
                ws.receive_bytes()
        assert closed.value.code == 4403


def test_an_idle_room_unloads_and_a_new_join_loads_it_again(client, app, world):
    hub = app.state.collab
    with client.websocket_connect(_url(world.owner.access_token)) as ws:
        s = Session(ws)
        s.pump(lambda: s.y.synced)
        s.y.type(0, "One. ")
        assert hub.stats()["rooms"] == 1
    _wait(lambda: hub.stats()["rooms"] == 0)
    with client.websocket_connect(_url(world.members["viewer"].access_token)) as ws:
        s = Session(ws)
        s.pump(lambda: s.y.synced and str(s.y) == "One. " + OPENING)


def test_an_account_holds_a_bounded_number_of_live_connections(tmp_path, sync_database_url):
    app = create_app(
        fast_settings(tmp_path / "capped", sync_database_url, collab_max_connections=2)
    )
    with TestClient(app) as client:
        world = make_world(client, roles=())
        url = _url(world.owner.access_token)
        with client.websocket_connect(url) as first, client.websocket_connect(url) as second:
            first.receive_bytes()
            second.receive_bytes()
            with client.websocket_connect(url) as third:
                with pytest.raises(WebSocketDisconnect) as closed:
                    third.receive_bytes()
                assert closed.value.code == 1013
        # Closed ones no longer count.
        _wait(lambda: app.state.collab.stats()["connections"] == 0)
        with client.websocket_connect(url) as again:
            Session(again).pump(lambda: True)


def test_a_commenter_comments_live_but_cannot_edit(client, app, world):
    from datetime import UTC, datetime

    from core.review.comments import add_comment, list_comments

    with client.websocket_connect(_url(world.members["commenter"].access_token)) as ws:
        s = Session(ws)
        s.pump(lambda: s.y.synced and str(s.y) == OPENING)
        add_comment(s.y.doc, author="cat", text="Low?", start=4, end=8, now=datetime.now(UTC))
        s.y.type(0, "VANDAL ")
        s.pump(lambda: bool(s.y.denied))  # the text edit is refused, and said so
    _wait(lambda: any(b"Low?" in bytes(c.data) for c in _stored(app)))
    # Stored at the room's next flush, under the commenter (not later, by the room itself).
    [made] = [c for c in _stored(app) if b"Low?" in bytes(c.data)]
    assert made.author_id == world.ids["commenter"]
    doc = pycrdt.Doc()
    for change in _stored(app):
        doc.apply_update(bytes(change.data))
    assert str(doc.get("text", type=pycrdt.Text)) == OPENING
    [comment] = list_comments(doc)
    assert comment.anchor(OPENING) == "lamp"
