"""Two devices of one account edit offline, then sync in either order: they converge."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.domain import Character, Scene
from core.store.codex import add_codex_entry
from core.store.manuscript import (
    add_chapter,
    add_scene,
    create_book,
    get_book,
    list_chapters,
    move_chapter,
    set_scene_text,
)
from core.store.trash import empty_trash, move_to_trash, restore_from_trash
from tests.core.sync.devices import Device
from tests.sync_server.fixtures import SyncUser

OPENING = "The keeper climbed the stairs.\n\nThe lamp was dark and the glass was cold."


@pytest.fixture
def two_devices(
    tmp_path: Path, sync_client: TestClient, sync_user: SyncUser
) -> Iterator[tuple[Device, Device]]:
    a = Device(tmp_path / "laptop", sync_client, sync_user.email)
    b = Device(tmp_path / "desktop", sync_client, sync_user.email)
    yield a, b
    a.close()
    b.close()


def _seed(device: Device, chapters: int = 1) -> dict[str, str]:
    with device.library.session() as s:
        book = create_book(session=s, title="Gannet Rock", author="A. Writer")
        ids = {"book": book.id}
        for n in range(chapters):
            ch = add_chapter(session=s, book=book, title=f"Chapter {n + 1}")
            ids[f"chapter{n}"] = ch.id
        first = s.get(type(ch), ids["chapter0"])
        scene = add_scene(session=s, chapter=first, title="Arrival", text=OPENING)
        ids["scene"] = scene.id
        hero = add_codex_entry(session=s, book=book, kind="character", name="Ada", role="keeper")
        ids["ada"] = hero.id
    return ids


def _edit_scene(device: Device, scene_id: str, change: Callable[[str], str]) -> None:
    with device.library.session() as s:
        scene = s.get(Scene, scene_id)
        assert scene is not None
        set_scene_text(session=s, scene=scene, text=change(scene.text))


@pytest.mark.parametrize("first", ["a", "b"])
def test_same_scene_edited_offline_on_two_devices_keeps_both_edits(two_devices, first):
    a, b = two_devices
    ids = _seed(a)
    a.sync()
    b.sync()
    assert b.scene_text(ids["scene"]) == OPENING

    _edit_scene(a, ids["scene"], lambda t: t.replace("The keeper", "The old keeper"))
    _edit_scene(b, ids["scene"], lambda t: t + "\n\nBelow, the sea roared.")

    order = [a, b, a] if first == "a" else [b, a, b]
    for device in order:
        device.sync()

    text_a, text_b = a.scene_text(ids["scene"]), b.scene_text(ids["scene"])
    assert text_a == text_b
    assert "The old keeper climbed" in text_a
    assert text_a.endswith("Below, the sea roared.")
    assert text_a.count("climbed the stairs") == 1
    assert a.view() == b.view()


def test_delete_on_one_device_and_edit_on_the_other_loses_nothing(two_devices):
    a, b = two_devices
    ids = _seed(a)
    a.sync()
    b.sync()
    with a.library.session() as s:
        move_to_trash(session=s, item=s.get(Scene, ids["scene"]))
    _edit_scene(b, ids["scene"], lambda t: t + "\n\nA late line.")
    b.sync()
    a.sync()
    b.sync()
    assert a.view() == b.view()
    for device in (a, b):
        with device.library.session() as s:
            scene = s.get(Scene, ids["scene"])
            assert scene.deleted_at is not None  # the delete won ...
            assert scene.text.endswith("A late line.")  # ... and the edit is in the trash with it
    with a.library.session() as s:
        restore_from_trash(session=s, kind="scene", item_id=ids["scene"])
    a.sync()
    b.sync()
    with b.library.session() as s:
        assert s.get(Scene, ids["scene"]).deleted_at is None


def test_scene_purged_for_good_goes_from_every_device(two_devices):
    a, b = two_devices
    ids = _seed(a)
    a.sync()
    b.sync()
    with a.library.session() as s:
        move_to_trash(session=s, item=s.get(Scene, ids["scene"]))
    with a.library.session() as s:
        assert empty_trash(session=s) == 1
    a.sync()
    b.sync()
    with b.library.session() as s:
        assert s.get(Scene, ids["scene"]) is None
    assert a.view() == b.view()


@pytest.mark.parametrize("first", ["a", "b"])
def test_concurrent_chapter_reorder_converges_without_duplicates(two_devices, first):
    a, b = two_devices
    ids = _seed(a, chapters=4)
    a.sync()
    b.sync()
    with a.library.session() as s:
        book = get_book(session=s, book_id=ids["book"])
        move_chapter(session=s, chapter=list_chapters(session=s, book_id=book.id)[3], index=0)
    with b.library.session() as s:
        book = get_book(session=s, book_id=ids["book"])
        move_chapter(session=s, chapter=list_chapters(session=s, book_id=book.id)[0], index=3)
    order = [a, b, a, b] if first == "a" else [b, a, b, a]
    for device in order:
        device.sync()
    view_a, view_b = a.view(), b.view()
    assert view_a == view_b
    chapters = view_a["books"][0][3]
    assert sorted(c[1] for c in chapters) == ["Chapter 1", "Chapter 2", "Chapter 3", "Chapter 4"]
    assert [c[2] for c in chapters] == [1, 2, 3, 4]
    # A later move on one device is seen as is on the other.
    with b.library.session() as s:
        move_chapter(session=s, chapter=list_chapters(session=s, book_id=ids["book"])[2], index=0)
    b.sync()
    a.sync()
    assert a.view() == b.view()
    assert a.view()["books"][0][3][0][1] == chapters[2][1]


def test_codex_edits_on_two_devices_merge_field_by_field(two_devices):
    a, b = two_devices
    ids = _seed(a)
    a.sync()
    b.sync()
    with a.library.session() as s:
        s.get(Character, ids["ada"]).description = "Keeper of the Gannet Rock light."
        add_codex_entry(
            session=s,
            book=get_book(session=s, book_id=ids["book"]),
            kind="location",
            name="The lamp room",
        )
    with b.library.session() as s:
        ada = s.get(Character, ids["ada"])
        ada.role = "protagonist"
        ada.aliases = ["the keeper"]
        add_codex_entry(
            session=s,
            book=get_book(session=s, book_id=ids["book"]),
            kind="lore",
            name="The wreck of 1851",
        )
    b.sync()
    a.sync()
    b.sync()
    assert a.view() == b.view()
    with a.library.session() as s:
        ada = s.get(Character, ids["ada"])
        assert (ada.description, ada.role, ada.aliases) == (
            "Keeper of the Gannet Rock light.",
            "protagonist",
            ["the keeper"],
        )
    names = sorted(e[1] for e in a.view()["books"][0][4])
    assert names == ["Ada", "The lamp room", "The wreck of 1851"]


def test_new_books_on_both_devices_reach_both(two_devices):
    a, b = two_devices
    _seed(a)
    with b.library.session() as s:
        book = create_book(session=s, title="Second Book")
        add_scene(session=s, chapter=add_chapter(session=s, book=book), text="Hello *there*.")
    a.sync()
    b.sync()
    a.sync()
    assert a.view() == b.view()
    assert sorted(b[1] for b in a.view()["books"]) == ["Gannet Rock", "Second Book"]
    # word counts are recomputed on arrival
    assert {b[1]: b[6] for b in a.view()["books"]} == {"Gannet Rock": 14, "Second Book": 2}
