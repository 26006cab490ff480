"""Sync under faults: offline, database down, a push whose answer is lost or that dies
half-way, a device offline for a long time, a cursor the server no longer serves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from core.domain import Scene
from core.store.manuscript import add_chapter, add_scene, create_book, set_scene_text
from core.sync.errors import SyncOfflineError, SyncServerError
from sync_server.models import Book, Change, User
from sync_server.services import feed
from tests.core.sync.devices import Device
from tests.sync_server.fixtures import SyncUser


@pytest.fixture
def pair(
    tmp_path: Path, sync_client: TestClient, sync_user: SyncUser
) -> Iterator[tuple[Device, Device]]:
    a = Device(tmp_path / "a", sync_client, sync_user.email)
    b = Device(tmp_path / "b", sync_client, sync_user.email)
    yield a, b
    a.close()
    b.close()


def _book(device: Device, scenes: int = 3) -> list[str]:
    with device.library.session() as s:
        book = create_book(session=s, title="Faults")
        chapter = add_chapter(session=s, book=book, title="One")
        return [add_scene(session=s, chapter=chapter, text=f"scene {n}").id for n in range(scenes)]


def _edit(device: Device, scene_id: str, text: str) -> None:
    with device.library.session() as s:
        set_scene_text(session=s, scene=s.get(Scene, scene_id), text=text)


def _feed_size(app: FastAPI) -> int:
    with app.state.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Change)))


def test_offline_keeps_the_queue_and_sends_it_when_back(pair):
    a, b = pair
    ids = _book(a)
    online = a.api.http
    a.api.http = httpx.Client(base_url="http://127.0.0.1:9", timeout=1)  # nothing listens there
    with pytest.raises(SyncOfflineError, match="unreachable"):
        a.sync()
    assert a.engine.pending() > 0
    _edit(a, ids[0], "written while offline")
    with pytest.raises(SyncOfflineError):
        a.sync()
    a.api.http = online
    report = a.sync()
    assert report.queued == 0
    b.sync()
    assert b.scene_text(ids[0]) == "written while offline"
    assert a.view() == b.view()


def test_database_down_answers_503_and_the_client_keeps_its_queue(
    pair, sync_app, sync_client, sync_user
):
    a, b = pair
    _book(a)
    sessions = sync_app.state.sessions
    working, working_reads = sessions.kw["bind"], sync_app.state.read_engine
    down = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    # Both ways the app reaches the database: ORM sessions and the feed's single reads.
    sessions.configure(bind=down)
    sync_app.state.read_engine = down
    try:
        r = sync_client.get("/api/v1/sync/pull", params={"book": "any"}, headers=sync_user.headers)
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "database_unavailable"
        assert "database is unavailable" in r.json()["error"]["message"]
        with pytest.raises(SyncServerError, match="database is unavailable") as err:
            a.sync()
        assert err.value.status == 503
        queued = a.engine.pending()
        assert queued > 0
    finally:
        sessions.configure(bind=working)
        sync_app.state.read_engine = working_reads
    assert a.sync().queued == 0
    b.sync()
    assert a.view() == b.view()


class _LoseFirstPushAnswer(httpx.Client):
    """Delivers requests, but the first push's answer is lost (server died after commit)."""

    def __init__(self, inner: httpx.Client) -> None:
        self.inner = inner
        self.lost = False

    def request(self, method: str, url: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        response = self.inner.request(method, url, **kwargs)
        if str(url).endswith("/sync/push") and not self.lost:
            self.lost = True
            raise httpx.RemoteProtocolError("server disconnected without sending a response")
        return response


def test_push_whose_answer_is_lost_is_retried_without_duplicates(pair, sync_app):
    a, b = pair
    ids = _book(a)
    a.api.http = _LoseFirstPushAnswer(a.api.http)
    with pytest.raises(SyncOfflineError):
        a.sync()
    applied = _feed_size(sync_app)
    assert applied > 0 and a.engine.pending() == applied  # committed, but the client can't know
    report = a.sync()
    assert report.queued == 0
    assert _feed_size(sync_app) == applied  # the retry added nothing
    b.sync()
    assert a.view() == b.view()
    assert [b.scene_text(i) for i in ids] == ["scene 0", "scene 1", "scene 2"]


def test_server_dying_mid_push_commits_nothing_and_the_retry_completes(
    pair, sync_app, monkeypatch, sync_client
):
    a, b = pair
    ids = _book(a, scenes=5)
    sync_app.state.settings.compact_after = 1  # so that the push reaches the failure point

    def crash(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("worker killed")

    monkeypatch.setattr(feed, "_compact", crash)
    a.api.http = TestClient(sync_app, raise_server_exceptions=False)
    with pytest.raises(SyncServerError) as err:
        a.sync()
    assert err.value.status == 500
    assert _feed_size(sync_app) == 0  # the whole batch was rolled back
    monkeypatch.undo()
    sync_app.state.settings.compact_after = 100
    assert a.sync().queued == 0
    b.sync()
    assert a.view() == b.view()
    with b.library.session() as s:
        assert s.scalar(select(func.count()).select_from(Scene)) == len(ids)


def test_device_offline_for_days_catches_up_through_many_pages(
    tmp_path, sync_client, sync_user, sync_app
):
    a = Device(tmp_path / "a", sync_client, sync_user.email)
    b = Device(tmp_path / "b", sync_client, sync_user.email, pull_limit=7)
    try:
        ids = _book(a, scenes=10)
        a.sync()
        b.sync()
        sync_app.state.settings.compact_after = 5  # squash as the edits pile up
        for day in range(12):
            for n, scene_id in enumerate(ids):
                _edit(a, scene_id, f"day {day} scene {n}")
            a.sync()
        report = b.sync()
        assert report.pulled > 7  # paged through more than one page
        assert a.view() == b.view()
        assert b.scene_text(ids[3]) == "day 11 scene 3"
    finally:
        a.close()
        b.close()


def test_expired_cursor_resyncs_everything_and_converges(pair, sync_app, sync_user):
    a, b = pair
    ids = _book(a)
    a.sync()
    b.sync()
    _edit(a, ids[1], "changed after b last synced")
    _edit(b, ids[2], "b's offline edit")
    a.sync()
    with sync_app.state.sessions() as s:  # the server pruned its feed past b's cursor
        owner = s.scalar(select(User.id).where(User.email == sync_user.email))
        for book in s.scalars(select(Book).where(Book.owner_id == owner)):
            book.feed_floor = book.last_seq
        s.commit()
    report = b.sync()
    assert report.resynced
    a.sync()
    assert a.view() == b.view()
    assert a.scene_text(ids[2]) == "b's offline edit"
    assert b.scene_text(ids[1]) == "changed after b last synced"
