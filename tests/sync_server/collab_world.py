"""A shared book with one scene and a member of every role, and a small y-websocket client
built on pycrdt, for the live-room tests and benchmarks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pycrdt

from core.sync.protocol import encode_update
from tests.sync_server.fixtures import SyncUser, sign_up

API = "/api/v1"
BOOK = "book-live"
SCENE = "scene-live"
OPENING = "The lamp burned low."


def scene_op(op_id: str, text: str, *, doc_id: str = SCENE, book_id: str = BOOK) -> dict[str, str]:
    doc = pycrdt.Doc()
    doc["text"] = pycrdt.Text(text)
    return {
        "op_id": op_id,
        "doc_id": doc_id,
        "kind": "scene",
        "book_id": book_id,
        "update": encode_update(doc.get_update()),
    }


def book_op(op_id: str, title: str, *, book_id: str = BOOK) -> dict[str, str]:
    doc = pycrdt.Doc()
    doc.get("fields", type=pycrdt.Map)["title"] = json.dumps(title)
    return {
        "op_id": op_id,
        "doc_id": book_id,
        "kind": "book",
        "book_id": book_id,
        "update": encode_update(doc.get_update()),
    }


def feed_doc(url: str, token: str) -> pycrdt.Doc:
    """The scene as a member's ``authorworks sync`` builds it from the book's feed."""
    import httpx

    from core.sync.protocol import decode_update

    r = httpx.get(
        f"{url}{API}/sync/pull", params={"book": BOOK}, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text
    doc = pycrdt.Doc()
    doc.get("text", type=pycrdt.Text)
    for change in r.json()["changes"]:
        if change["doc_id"] == SCENE:
            doc.apply_update(decode_update(change["update"]))
    return doc


def feed_text(url: str, token: str) -> str:
    return str(feed_doc(url, token).get("text", type=pycrdt.Text))


@dataclass
class World:
    owner: SyncUser
    members: dict[str, SyncUser] = field(default_factory=dict)  # role -> member
    stranger: SyncUser | None = None
    ids: dict[str, str] = field(default_factory=dict)  # role -> account id


def user_id(client: Any, user: SyncUser) -> str:
    return str(client.get(f"{API}/auth/me", headers=user.headers).json()["id"])


def make_world(client: Any, roles: tuple[str, ...] = ("editor", "viewer", "commenter")) -> World:
    """An owner's book (pushed through the feed) with a member of each of ``roles``."""
    owner = sign_up(client)
    r = client.post(
        f"{API}/sync/push",
        json={"ops": [book_op("b1", "Gannet Rock"), scene_op("s1", OPENING)]},
        headers=owner.headers,
    )
    assert r.status_code == 200, r.text
    world = World(owner=owner, stranger=sign_up(client))
    for role in roles:
        member = sign_up(client)
        r = client.post(
            f"{API}/books/{BOOK}/invitations",
            json={"email": member.email, "role": role},
            headers=owner.headers,
        )
        assert r.status_code == 201, r.text
        token = r.json()["link"].rsplit("/invite/", 1)[1]
        r = client.post(f"{API}/invitations/accept", json={"token": token}, headers=member.headers)
        assert r.status_code == 200, r.text
        world.members[role] = member
        world.ids[role] = user_id(client, member)
    return world


# ---------------------------------------------------------------------- a y-websocket client


def _uint(num: int) -> bytes:
    return pycrdt.write_var_uint(num)


class YClient:
    """The y-websocket client protocol over any transport with ``send(bytes)``: what the
    npm ``y-websocket`` provider does, in a few lines, for tests that need many clients."""

    def __init__(self, send: Any, client_id: int | None = None) -> None:
        self.send = send
        self.doc: pycrdt.Doc = pycrdt.Doc(client_id=client_id) if client_id else pycrdt.Doc()
        self.text = self.doc.get("text", type=pycrdt.Text)
        self.synced = False
        self.denied: list[str] = []
        self.awareness: dict[int, Any] = {}
        self._applying = False
        self.doc.observe(self._local)

    def _local(self, event: Any) -> None:
        if not self._applying:
            self.send(bytes([0, 2]) + _uint(len(event.update)) + event.update)

    def open(self) -> None:
        state = self.doc.get_state()
        self.send(bytes([0, 0]) + _uint(len(state)) + state)

    def receive(self, data: bytes) -> None:
        decoder = pycrdt.Decoder(data)
        kind = decoder.read_var_uint()
        if kind == 0:
            step = decoder.read_var_uint()
            payload = decoder.read_message() or b""
            if step == 0:
                update = self.doc.get_update(payload)
                self.send(bytes([0, 1]) + _uint(len(update)) + update)
            else:
                self._applying = True
                try:
                    self.doc.apply_update(payload)
                finally:
                    self._applying = False
                if step == 1:
                    self.synced = True
        elif kind == 1:
            update = decoder.read_message() or b""
            inner = pycrdt.Decoder(update)
            for _ in range(inner.read_var_uint()):
                client = inner.read_var_uint()
                inner.read_var_uint()
                state = json.loads(inner.read_var_string())
                if state is None:
                    self.awareness.pop(client, None)
                else:
                    self.awareness[client] = state
        elif kind == 2:
            decoder.read_var_uint()
            self.denied.append(decoder.read_var_string())

    def set_presence(self, state: dict[str, Any], clock: int = 1) -> None:
        body = json.dumps(state).encode()
        update = _uint(1) + _uint(self.doc.client_id) + _uint(clock) + _uint(len(body)) + body
        self.send(bytes([1]) + _uint(len(update)) + update)

    def type(self, index: int, text: str) -> None:
        self.text.insert(index, text)

    def __str__(self) -> str:
        return str(self.text)
