"""Real Yjs clients from npm (yjs + y-websocket, unchanged) in the live rooms, against the
server on a loopback port, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sync_server.app import create_app
from tests.sync_server.collab_world import (
    API,
    BOOK,
    OPENING,
    SCENE,
    World,
    feed_text,
    make_world,
)
from tests.sync_server.fixtures import fast_settings, live_server
from tests.sync_server.npm_client import NpmClient, require_node, ws_base


@pytest.fixture
def server(tmp_path: Path, sync_database_url: str) -> Iterator[str]:
    require_node()
    app = create_app(fast_settings(tmp_path / "server", sync_database_url))
    with live_server(app) as url:
        yield url


@pytest.fixture
def world(server: str) -> Iterator[World]:
    with httpx.Client(base_url=server) as client:
        yield make_world(client)


def test_two_npm_clients_see_each_others_edits_and_the_feed_keeps_them(server, world):
    base = ws_base(server)
    with (
        NpmClient(base, SCENE, world.owner.access_token, "Ann") as ann,
        NpmClient(base, SCENE, world.members["editor"].access_token, "Ben") as ben,
    ):
        for client in (ann, ben):
            client.wait_for(lambda e: e.get("event") == "synced" and e["text"] == OPENING)
        ann.send(cmd="insert", index=0, text="Night. ")
        ben.wait_text("Night. " + OPENING)
        ben.send(cmd="insert", index=len("Night. " + OPENING), text=" Then dawn.")
        expected = "Night. " + OPENING + " Then dawn."
        ann.wait_text(expected)
        # Presence: each sees the other's name.
        ann.wait_for(
            lambda e: (
                e.get("event") == "awareness"
                and any(s.get("user", {}).get("name") == "Ben" for s in e["states"])
            )
        )
        # In the feed within two seconds (persisted by the room, not by either client).
        deadline = time.monotonic() + 2.0
        while feed_text(server, world.members["viewer"].access_token) != expected:
            assert time.monotonic() < deadline, "live edits did not reach the feed in 2 s"
            time.sleep(0.1)
    # Ben left: his presence goes with him.


def test_a_viewers_edits_are_dropped_and_they_are_told_once(server, world):
    base = ws_base(server)
    with (
        NpmClient(base, SCENE, world.owner.access_token, "Ann") as ann,
        NpmClient(base, SCENE, world.members["viewer"].access_token, "Vic") as vic,
    ):
        vic.wait_for(lambda e: e.get("event") == "synced" and e["text"] == OPENING)
        ann.wait_for(lambda e: e.get("event") == "synced")
        vic.send(cmd="insert", index=0, text="VANDAL ")
        vic.wait_for(lambda e: e.get("event") == "denied")
        vic.send(cmd="insert", index=0, text="AGAIN ")
        ann.send(cmd="insert", index=len(OPENING), text=" Still.")
        vic.wait_for(lambda e: e.get("event") == "text" and e["text"].endswith(" Still."))
        time.sleep(0.7)
        assert ann.text() == OPENING + " Still."
        assert sum(1 for e in vic.events if e.get("event") == "denied") == 1
    assert "VANDAL" not in feed_text(server, world.owner.access_token)


def test_a_stranger_and_a_bad_token_are_refused_before_any_byte(server, world):
    base = ws_base(server)
    with (
        NpmClient(base, SCENE, world.stranger.access_token, "Eve") as eve,
        NpmClient(base, SCENE, "not-a-token", "Mal") as mal,
        NpmClient(base, "no-such-scene", world.owner.access_token, "Ann") as lost,
    ):
        assert eve.wait_for(lambda e: e.get("event") == "close")["code"] == 4403
        assert mal.wait_for(lambda e: e.get("event") == "close")["code"] == 4401
        assert lost.wait_for(lambda e: e.get("event") == "close")["code"] == 4403
        time.sleep(0.5)
        for client in (eve, mal):
            assert not any(e.get("event") == "synced" for e in client.events)
            assert not any(OPENING in str(e.get("text", "")) for e in client.events)


def test_a_removed_member_is_cut_off_within_a_second(server, world):
    base = ws_base(server)
    editor = world.members["editor"]
    with (
        NpmClient(base, SCENE, world.owner.access_token, "Ann") as ann,
        NpmClient(base, SCENE, editor.access_token, "Ben") as ben,
    ):
        for client in (ann, ben):
            client.wait_for(lambda e: e.get("event") == "synced")
        started = time.monotonic()
        r = httpx.delete(
            f"{server}{API}/books/{BOOK}/members/{world.ids['editor']}",
            headers=world.owner.headers,
        )
        assert r.status_code == 204
        close = ben.wait_for(lambda e: e.get("event") == "close", timeout=5)
        elapsed = time.monotonic() - started
        assert close["code"] == 4403
        assert elapsed < 1.0, f"cut off after {elapsed:.2f} s"
        # It reconnects by itself and is refused again; nothing it types lands.
        ben.send(cmd="insert", index=0, text="AFTER ")
        time.sleep(1.0)
        assert "AFTER" not in ann.text()
    assert "AFTER" not in feed_text(server, world.owner.access_token)


def test_a_demoted_editor_keeps_reading_but_no_longer_writes(server, world):
    base = ws_base(server)
    with (
        NpmClient(base, SCENE, world.owner.access_token, "Ann") as ann,
        NpmClient(base, SCENE, world.members["editor"].access_token, "Ben") as ben,
    ):
        for client in (ann, ben):
            client.wait_for(lambda e: e.get("event") == "synced")
        r = httpx.patch(
            f"{server}{API}/books/{BOOK}/members/{world.ids['editor']}",
            json={"role": "viewer"},
            headers=world.owner.headers,
        )
        assert r.status_code == 200, r.text
        time.sleep(0.3)
        ben.send(cmd="insert", index=0, text="LATE ")
        ben.wait_for(lambda e: e.get("event") == "denied", timeout=5)
        ann.send(cmd="insert", index=0, text="Dusk. ")
        ben.wait_for(lambda e: e.get("event") == "text" and "Dusk." in e["text"])
        time.sleep(0.3)
        assert "LATE" not in ann.text()
