"""The short paths of a sync round: what is skipped must never lose an edit.

* A push that finds the feed at the device's cursor ends the round without a pull; changes
  that arrive later come with the next round.
* Rows a pull wrote (and the parents whose word counts it summed) are not read again by the
  next capture, while a local edit made before or after the pull still is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import core.sync.capture as capture_module
from core.domain import Chapter, Scene
from core.store.manuscript import add_chapter, add_scene, create_book, set_scene_text
from core.sync.api import SyncApi
from core.sync.protocol import PullPage
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


def _book(device: Device) -> dict[str, str]:
    with device.library.session() as s:
        book = create_book(session=s, title="Round Trip")
        chapter = add_chapter(session=s, book=book, title="One")
        first = add_scene(session=s, chapter=chapter, title="First", text="The tide came in.")
        second = add_scene(session=s, chapter=chapter, title="Second", text="Gulls at dawn.")
        return {"book": book.id, "chapter": chapter.id, "first": first.id, "second": second.id}


def _edit_text(device: Device, scene_id: str, text: str) -> None:
    with device.library.session() as s:
        scene = s.get(Scene, scene_id)
        assert scene is not None
        set_scene_text(session=s, scene=scene, text=text)


def _rename(device: Device, model: type[Chapter] | type[Scene], row_id: str, title: str) -> None:
    with device.library.session() as s:
        row = s.get(model, row_id)
        assert row is not None
        row.title = title


def _title(device: Device, model: type[Chapter] | type[Scene], row_id: str) -> str:
    with device.library.session() as s:
        row = s.get(model, row_id)
        assert row is not None
        return row.title


def _count_pulls(monkeypatch: pytest.MonkeyPatch, api: SyncApi) -> list[int]:
    pulls: list[int] = []
    real = api.pull

    def pull(book_id: str, cursor: int, limit: int) -> PullPage:
        pulls.append(cursor)
        return real(book_id, cursor, limit)

    monkeypatch.setattr(api, "pull", pull)
    return pulls


def test_a_push_onto_the_devices_own_cursor_ends_the_round(pair, monkeypatch):
    a, b = pair
    ids = _book(a)
    a.sync()
    b.sync()
    pulls = _count_pulls(monkeypatch, a.api)

    _edit_text(a, ids["first"], "The tide came in, grey.")
    report = a.sync()
    assert report.pushed == 1 and pulls == []  # nothing new on the server: no pull
    b.sync()
    assert b.scene_text(ids["first"]) == "The tide came in, grey."

    # B pushes in between: A's next push finds the feed past its cursor and pulls.
    _edit_text(b, ids["second"], "Gulls at dusk.")
    b.sync()
    _edit_text(a, ids["first"], "The tide came in, grey and slow.")
    report = a.sync()
    assert len(pulls) == 1 and report.pulled >= 1
    assert a.scene_text(ids["second"]) == "Gulls at dusk."
    b.sync()
    assert a.view() == b.view()

    # A round with nothing to push still pulls.
    _edit_text(b, ids["second"], "Gulls at noon.")
    b.sync()
    a.sync()
    assert len(pulls) == 2
    assert a.scene_text(ids["second"]) == "Gulls at noon."


def test_rows_a_pull_wrote_are_not_read_by_the_next_capture(pair, monkeypatch):
    a, b = pair
    ids = _book(a)
    a.sync()
    b.sync()
    _edit_text(a, ids["first"], "The tide came in at night.")
    a.sync()
    b.sync()  # writes the scene, and sums the chapter's and the book's word counts again
    read: list[str] = []
    real = capture_module._changed_since

    def changed_since(*args: Any, **kwargs: Any) -> list[tuple[str, Any]]:
        found = real(*args, **kwargs)
        read.extend(row.id for _kind, row in found)
        return found

    monkeypatch.setattr(capture_module, "_changed_since", changed_since)
    assert b.engine.capture() == 0
    assert read == []
    # An edit after the pull gives the row another version: it is read and sent.
    _rename(b, Scene, ids["first"], "Night")
    assert b.engine.capture() == 1
    assert read == [ids["first"]]
    b.sync()
    a.sync()
    assert _title(a, Scene, ids["first"]) == "Night"


def test_local_edits_not_yet_captured_survive_a_pull_into_their_rows(pair):
    a, b = pair
    ids = _book(a)
    a.sync()
    b.sync()
    _edit_text(a, ids["first"], "The tide came in, loud.")
    a.sync()
    # Edited on B after its last capture: the pull merges into the scene and sums the
    # chapter's word count again, and neither edit may be taken as already sent.
    _rename(b, Chapter, ids["chapter"], "One, revised")
    _rename(b, Scene, ids["first"], "First light")
    b.engine.pull()
    assert b.scene_text(ids["first"]) == "The tide came in, loud."
    b.sync()
    a.sync()
    assert _title(a, Chapter, ids["chapter"]) == "One, revised"
    assert _title(a, Scene, ids["first"]) == "First light"
    assert a.view() == b.view()
