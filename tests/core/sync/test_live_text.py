"""The client side of a live room (core.sync.live): two LiveTexts on a real server see each
other's typing, undo takes back only one's own, cursors stay on their characters, and a
link that loses the server comes back by itself with nothing doubled."""

from __future__ import annotations

import contextlib
import queue
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from core.sync.live import LIVE, REFUSED, LiveLink, LiveText, Peer, room_url
from sync_server.app import create_app
from tests.sync_server.collab_world import OPENING, SCENE, World, feed_doc, make_world
from tests.sync_server.fixtures import fast_settings, live_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    app = create_app(fast_settings(tmp_path / "server", f"sqlite:///{tmp_path / 'server.sqlite3'}"))
    with live_server(app) as url:
        yield url


@pytest.fixture
def world(server: str) -> World:
    with httpx.Client(base_url=server) as client:
        return make_world(client)


def feed_state(server: str, token: str) -> bytes:
    return feed_doc(server, token).get_update()


class Writer:
    """A LiveText fed on "its own thread" (the test's) from its link's thread, as the
    studio does with signals."""

    def __init__(self, server: str, token: str, name: str, state: bytes) -> None:
        self.inbox: queue.Queue[Callable[[], None]] = queue.Queue()
        self.texts: list[str] = []
        self.peers: list[Peer] = []
        self.states: list[str] = []
        self.denied: list[str] = []
        self.link = LiveLink(
            room_url(server, SCENE),
            token=lambda _fresh: token,
            on_open=lambda: self.inbox.put(self.live.hello),
            on_message=lambda data: self.inbox.put(lambda: self.live.receive(data)),
            on_state=lambda state, _why: self.states.append(state),
            backoff=(0.1, 0.5),
        )
        self.live = LiveText(
            state,
            send=self.link.send,
            on_text=self.texts.append,
            on_presence=lambda peers: setattr(self, "peers", peers),
            on_denied=self.denied.append,
        )
        self.name = name
        self.link.start()

    def pump(self, until: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not until():
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: timed out at {str(self.live)!r}")
            with contextlib.suppress(queue.Empty):
                self.inbox.get(timeout=0.05)()

    def close(self) -> None:
        self.link.close()
        self.live.close()


@pytest.fixture
def pair(server: str, world: World) -> Iterator[tuple[Writer, Writer]]:
    state = feed_state(server, world.owner.access_token)
    ann = Writer(server, world.owner.access_token, "Ann", state)
    ben = Writer(server, world.members["editor"].access_token, "Ben", state)
    ann.pump(lambda: ann.live.synced)
    ben.pump(lambda: ben.live.synced)
    yield ann, ben
    ann.close()
    ben.close()


def test_typing_reaches_the_other_writer_as_text(pair):
    ann, ben = pair
    ann.live.edit("Night. " + OPENING)
    ben.pump(lambda: str(ben.live) == "Night. " + OPENING)
    assert ben.texts[-1] == "Night. " + OPENING
    assert ann.texts == []  # our own typing is not reported back as a change


def test_undo_takes_back_only_ones_own_typing(pair):
    ann, ben = pair
    ann.live.edit(OPENING + " Ann's line.")
    ben.pump(lambda: "Ann's line." in str(ben.live))
    ben.live.edit("Ben first. " + str(ben.live))
    ann.pump(lambda: str(ann.live).startswith("Ben first. "))
    assert ann.live.undo()
    assert str(ann.live) == "Ben first. " + OPENING
    ben.pump(lambda: str(ben.live) == "Ben first. " + OPENING)
    assert ann.live.redo()
    ben.pump(lambda: str(ben.live) == "Ben first. " + OPENING + " Ann's line.")


def test_a_cursor_stays_on_its_character_while_the_other_types(pair):
    ann, ben = pair
    at = OPENING.index("burned")
    ann.live.set_presence(name="Ann", colour="#aa3355", scene_id=SCENE, anchor=at, head=at + 6)
    ben.pump(lambda: any(p.name == "Ann" for p in ben.peers))
    ben.live.edit("So late. " + str(ben.live))
    peer = next(p for p in ben.peers if p.name == "Ann")
    assert (peer.anchor, peer.head) == (at + len("So late. "), at + len("So late. ") + 6)
    assert peer.scene_id == SCENE and peer.colour == "#aa3355"


def test_emoji_and_accents_keep_their_positions(pair):
    ann, ben = pair
    ann.live.edit("Né 🌙 " + OPENING)
    ben.pump(lambda: str(ben.live) == "Né 🌙 " + OPENING)
    ben.live.edit("Né 🌙 — " + OPENING)
    ann.pump(lambda: str(ann.live) == "Né 🌙 — " + OPENING)


def test_a_viewer_is_told_its_edits_are_not_kept(server, world):
    viewer = Writer(
        server,
        world.members["viewer"].access_token,
        "Vic",
        feed_state(server, world.owner.access_token),
    )
    try:
        viewer.pump(lambda: viewer.live.synced)
        viewer.live.edit("Mine. " + OPENING)
        viewer.pump(lambda: bool(viewer.denied))
        assert "read-only" in viewer.denied[0]
    finally:
        viewer.close()


def test_a_stranger_is_refused_and_the_link_stops(server, world):
    stranger = Writer(server, world.stranger.access_token, "Eve", b"")
    try:
        stranger.pump(lambda: REFUSED in stranger.states)
        time.sleep(0.5)
        assert stranger.states.count(REFUSED) == 1 and LIVE not in stranger.states
        assert str(stranger.live) == ""
    finally:
        stranger.close()


def test_the_link_comes_back_after_the_server_dies_with_nothing_doubled(
    tmp_path, sync_database_url
):
    from tests.sync_server.server_process import ServerProcess

    with ServerProcess(tmp_path / "server", sync_database_url) as process:
        with httpx.Client(base_url=process.url) as client:
            world = make_world(client)
        state = feed_state(process.url, world.owner.access_token)
        ann = Writer(process.url, world.owner.access_token, "Ann", state)
        try:
            ann.pump(lambda: ann.live.synced)
            ann.live.edit(OPENING + " one")
            time.sleep(0.2)
            process.kill()
            ann.live.edit(OPENING + " one two")  # typed while the server is gone
            ann.pump(lambda: "offline" in ann.states)
            process.start()
            # Deadlines, not timings: a loaded machine restarts a server slowly.
            ann.pump(lambda: ann.states[-1] == LIVE and ann.live.synced, timeout=40)
            ben = Writer(process.url, world.members["editor"].access_token, "Ben", state)
            try:
                ben.pump(lambda: str(ben.live) == OPENING + " one two", timeout=30)
            finally:
                ben.close()
        finally:
            ann.close()


def test_a_link_without_an_account_stops_instead_of_retrying():
    from core.sync.live import LinkRefused

    states: list[tuple[str, str]] = []
    calls: list[bool] = []

    def no_account(fresh: bool) -> str:
        calls.append(fresh)
        raise LinkRefused("this library is not signed in")

    link = LiveLink(
        "ws://127.0.0.1:9/api/v1/collab/x",
        token=no_account,
        on_open=lambda: None,
        on_message=lambda _data: None,
        on_state=lambda state, why: states.append((state, why)),
        backoff=(0.01, 0.02),
    ).start()
    link._thread.join(timeout=5)
    assert not link._thread.is_alive()
    assert states[-1] == (REFUSED, "this library is not signed in") and len(calls) == 1
