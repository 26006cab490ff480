"""Research notes sync between two devices of one account like scenes do, and stay out of
every word count but their own (no chapter, book or words-written-per-day figure moves)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.domain import Book, Chapter, Note
from core.store.manuscript import add_chapter, add_scene, create_book, get_book
from core.store.notes import (
    add_note,
    list_notes,
    move_note,
    rename_note,
    restore_note,
    set_note_text,
    trash_note,
)
from core.store.trash import empty_trash, list_trash, move_to_trash
from core.store.writing_stats import daily_history
from core.sync.local_state import sync_docs
from tests.core.sync.devices import Device
from tests.sync_server.fixtures import SyncUser

SCENE = "The keeper climbed the stairs."  # 5 words: the book's whole count
NOTE = "Gannets nest on the north ledge.\n\nStorms in March, said the log of 1851."  # 14 words


@pytest.fixture
def two_devices(
    tmp_path: Path, sync_client: TestClient, sync_user: SyncUser
) -> Iterator[tuple[Device, Device]]:
    a = Device(tmp_path / "laptop", sync_client, sync_user.email)
    b = Device(tmp_path / "desktop", sync_client, sync_user.email)
    yield a, b
    a.close()
    b.close()


def _seed(device: Device, notes: int = 1) -> dict[str, str]:
    with device.library.session() as s:
        book = create_book(session=s, title="Gannet Rock")
        chapter = add_chapter(session=s, book=book, title="One")
        add_scene(session=s, chapter=chapter, title="Arrival", text=SCENE)
        ids = {"book": book.id, "chapter": chapter.id}
        for n in range(notes):
            title = "Birds" if n == 0 else f"Note {n + 1}"
            ids[f"note{n}"] = add_note(session=s, book=book, title=title, text=NOTE).id
    return ids


def _counts(device: Device, ids: dict[str, str]) -> tuple[int, int, int]:
    """(book words, chapter words, words written over the last week) on ``device``."""
    with device.library.session() as s:
        book, chapter = s.get(Book, ids["book"]), s.get(Chapter, ids["chapter"])
        assert book is not None and chapter is not None
        written = sum(d.words for d in daily_history(session=s, book_id=book.id, days=7))
        return book.word_count, chapter.word_count, written


def _edit_note(device: Device, note_id: str, change: Callable[[str], str]) -> None:
    with device.library.session() as s:
        note = s.get(Note, note_id)
        assert note is not None
        set_note_text(session=s, note=note, text=change(note.text))


def _titles(device: Device, book_id: str) -> list[str]:
    with device.library.session() as s:
        return [n.title for n in list_notes(session=s, book_id=book_id)]


def _ordinals(device: Device, book_id: str) -> list[int]:
    with device.library.session() as s:
        return [n.ordinal for n in list_notes(session=s, book_id=book_id)]


def test_a_note_made_on_one_device_reaches_the_other_with_title_text_and_count(two_devices):
    a, b = two_devices
    ids = _seed(a, notes=0)
    a.sync()
    b.sync()
    assert _counts(b, ids) == (5, 5, 0)

    with a.library.session() as s:
        note = add_note(session=s, book=get_book(session=s, book_id=ids["book"]), text=NOTE)
        rename_note(session=s, note=note, title="Birds")
        note_id = note.id
    a.sync()
    b.sync()
    got = b.note(note_id)
    assert (got.title, got.text, got.word_count, got.book_id) == ("Birds", NOTE, 14, ids["book"])
    assert got.deleted_at is None and got.ordinal == 1
    assert _counts(b, ids) == (5, 5, 0)  # notes count towards nothing but themselves

    # An edit of the text on B: A counts the note's words again, and only the note's.
    _edit_note(b, note_id, lambda t: t + " Ask the harbour master.")
    b.sync()
    a.sync()
    assert a.note(note_id).word_count == 18
    assert a.note(note_id).text.endswith("Ask the harbour master.")
    assert _counts(a, ids) == (5, 5, 0)
    assert _counts(b, ids) == (5, 5, 0)
    assert a.view() == b.view()


@pytest.mark.parametrize("first", ["a", "b"])
def test_same_note_edited_offline_on_two_devices_keeps_both_edits(two_devices, first):
    a, b = two_devices
    ids = _seed(a)
    a.sync()
    b.sync()
    note_id = ids["note0"]
    _edit_note(a, note_id, lambda t: t.replace("Gannets nest", "Gannets and puffins nest"))
    _edit_note(b, note_id, lambda t: t + "\n\nAsk the harbour master.")
    with b.library.session() as s:
        rename_note(session=s, note=s.get(Note, note_id), title="Seabirds")

    for device in [a, b, a] if first == "a" else [b, a, b]:
        device.sync()

    note_a, note_b = a.note(note_id), b.note(note_id)
    assert note_a.text == note_b.text
    assert note_a.text.startswith("Gannets and puffins nest on the north ledge.")
    assert note_a.text.endswith("Ask the harbour master.")
    assert note_a.text.count("north ledge") == 1
    assert note_a.title == note_b.title == "Seabirds"
    assert note_a.word_count == note_b.word_count == 14 + 2 + 4
    assert _counts(a, ids) == _counts(b, ids) == (5, 5, 0)
    assert a.view() == b.view()


def test_trashing_a_note_trashes_it_everywhere_and_restoring_brings_it_back(two_devices):
    a, b = two_devices
    ids = _seed(a, notes=2)
    a.sync()
    b.sync()
    note_id = ids["note0"]
    with a.library.session() as s:
        trash_note(session=s, note=s.get(Note, note_id))
    a.sync()
    b.sync()
    assert b.note(note_id).deleted_at is not None
    assert _titles(b, ids["book"]) == ["Note 2"]
    with b.library.session() as s:
        assert [(t.kind, t.id) for t in list_trash(session=s)] == [("note", note_id)]
    assert a.view() == b.view()

    # Restored on the other device: back on the first, in its place.
    with b.library.session() as s:
        restore_note(session=s, note_id=note_id)
    b.sync()
    a.sync()
    assert a.note(note_id).deleted_at is None
    assert _titles(a, ids["book"]) == _titles(b, ids["book"]) == ["Birds", "Note 2"]
    assert a.view() == b.view()

    # Emptied from the trash for good: gone from both.
    with a.library.session() as s:
        trash_note(session=s, note=s.get(Note, note_id))
    with a.library.session() as s:
        assert empty_trash(session=s) == 1
    a.sync()
    b.sync()
    with b.library.session() as s:
        assert s.get(Note, note_id) is None
    assert _counts(b, ids) == (5, 5, 0)
    assert a.view() == b.view()


def test_reordering_notes_syncs_and_concurrent_moves_converge(two_devices):
    a, b = two_devices
    ids = _seed(a, notes=4)
    a.sync()
    b.sync()
    assert _titles(b, ids["book"]) == ["Birds", "Note 2", "Note 3", "Note 4"]

    with a.library.session() as s:
        move_note(session=s, note=s.get(Note, ids["note3"]), index=0)
    a.sync()
    b.sync()
    assert _titles(b, ids["book"]) == ["Note 4", "Birds", "Note 2", "Note 3"]
    assert _ordinals(b, ids["book"]) == [1, 2, 3, 4]

    # Moved on both devices offline: both end in one order, numbered 1..n, nothing doubled.
    with a.library.session() as s:
        move_note(session=s, note=s.get(Note, ids["note1"]), index=0)
    with b.library.session() as s:
        move_note(session=s, note=s.get(Note, ids["note0"]), index=3)
    for device in (a, b, a, b):
        device.sync()
    assert a.view() == b.view()
    titles = _titles(a, ids["book"])
    assert sorted(titles) == ["Birds", "Note 2", "Note 3", "Note 4"]
    assert _ordinals(a, ids["book"]) == _ordinals(b, ids["book"]) == [1, 2, 3, 4]
    assert _counts(a, ids) == _counts(b, ids) == (5, 5, 0)


def test_notes_added_offline_on_both_devices_reach_both_in_one_order(two_devices):
    a, b = two_devices
    ids = _seed(a, notes=0)
    a.sync()
    b.sync()
    for device, title in ((a, "From the laptop"), (b, "From the desktop")):
        with device.library.session() as s:
            add_note(session=s, book=get_book(session=s, book_id=ids["book"]), title=title)
    for device in (a, b, a):
        device.sync()
    assert a.view() == b.view()
    assert sorted(_titles(a, ids["book"])) == ["From the desktop", "From the laptop"]
    assert _ordinals(a, ids["book"]) == _ordinals(b, ids["book"]) == [1, 2]


def test_a_book_emptied_from_the_trash_takes_its_notes_from_both_devices(two_devices):
    a, b = two_devices
    ids = _seed(a, notes=2)
    a.sync()
    b.sync()
    with a.library.session() as s:
        move_to_trash(session=s, item=get_book(session=s, book_id=ids["book"]))
    with a.library.session() as s:
        assert empty_trash(session=s) == 1
    a.sync()
    b.sync()
    a.sync()
    for device in (a, b):
        with device.library.session() as s:
            assert s.query(Note).count() == 0
            # Every note's document is a tombstone: nothing brings the notes back.
            live = s.scalars(select(sync_docs.c.doc_id).where(sync_docs.c.purged.is_(False)))
            assert {ids["note0"], ids["note1"]}.isdisjoint(live)
    assert a.view() == b.view() == {"books": []}
