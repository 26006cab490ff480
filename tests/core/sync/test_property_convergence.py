"""Property: three devices, random edits and random sync orders always converge,
with no insert lost and no scene duplicated; research notes edited and moved alongside
converge too, and never count towards the book."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.domain import Chapter, Note, Scene
from core.store.manuscript import (
    add_chapter,
    add_scene,
    create_book,
    list_scenes,
    move_scene,
    set_scene_text,
)
from core.store.notes import add_note, list_notes, move_note, set_note_text
from core.text import count_words
from tests.core.sync.devices import Device
from tests.sync_server.fixtures import sign_up

DEVICES = 3
SEED_SCENES = 3
SEED_NOTES = 2

edit = st.tuples(
    st.just("insert"), st.integers(0, DEVICES - 1), st.integers(0, 50), st.floats(0, 1)
)
add = st.tuples(st.just("add_scene"), st.integers(0, DEVICES - 1), st.integers(0, 1), st.just(0.0))
move = st.tuples(st.just("move"), st.integers(0, DEVICES - 1), st.integers(0, 50), st.floats(0, 1))
note_edit = st.tuples(
    st.just("note_insert"), st.integers(0, DEVICES - 1), st.integers(0, 50), st.floats(0, 1)
)
note_move = st.tuples(
    st.just("note_move"), st.integers(0, DEVICES - 1), st.integers(0, 50), st.floats(0, 1)
)
sync = st.tuples(st.just("sync"), st.integers(0, DEVICES - 1), st.just(0), st.just(0.0))
actions = st.lists(
    st.one_of(edit, edit, add, move, note_edit, note_move, sync, sync), min_size=1, max_size=25
)


def _insert_token(device: Device, pick: int, where: float, token: str) -> None:
    with device.library.session() as s:
        scenes = sorted(s.query(Scene).filter(Scene.deleted_at.is_(None)), key=lambda x: x.id)
        scene = scenes[pick % len(scenes)]
        # Insert at a word boundary, so a token is never split by another device's insert.
        words = scene.text.split(" ")
        at = round(where * len(words))
        set_scene_text(session=s, scene=scene, text=" ".join([*words[:at], token, *words[at:]]))


def _insert_note_token(device: Device, pick: int, where: float, token: str) -> None:
    with device.library.session() as s:
        notes = sorted(s.query(Note), key=lambda n: n.id)
        note = notes[pick % len(notes)]
        words = note.text.split(" ")
        at = round(where * len(words))
        set_note_text(session=s, note=note, text=" ".join([*words[:at], token, *words[at:]]))


def _move_note(device: Device, pick: int, where: float) -> None:
    with device.library.session() as s:
        notes = sorted(s.query(Note), key=lambda n: n.id)
        move_note(session=s, note=notes[pick % len(notes)], index=round(where * len(notes)))


def _add_scene(device: Device, chapter_pick: int, title: str) -> None:
    with device.library.session() as s:
        chapters = sorted(s.query(Chapter), key=lambda c: c.id)
        add_scene(
            session=s, chapter=chapters[chapter_pick % len(chapters)], title=title, text=title
        )


def _move_scene(device: Device, pick: int, where: float) -> None:
    with device.library.session() as s:
        scenes = sorted(s.query(Scene).filter(Scene.deleted_at.is_(None)), key=lambda x: x.id)
        scene = scenes[pick % len(scenes)]
        chapters = sorted(s.query(Chapter), key=lambda c: c.id)
        target = chapters[pick % len(chapters)]
        count = len(list_scenes(session=s, chapter_id=target.id))
        move_scene(session=s, scene=scene, chapter=target, index=round(where * count))


def test_three_devices_random_edits_and_sync_orders_converge(
    sync_client: TestClient, tmp_path: Path
):
    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(actions=actions, final_order=st.permutations(range(DEVICES)))
    def run(actions: list[tuple[str, int, int, float]], final_order: list[int]) -> None:
        user = sign_up(sync_client)
        root = Path(tempfile.mkdtemp(dir=tmp_path))
        devices = [Device(root / f"device{i}", sync_client, user.email) for i in range(DEVICES)]
        try:
            with devices[0].library.session() as s:
                book = create_book(session=s, title="Property")
                book_id = book.id
                for c in range(2):
                    chapter = add_chapter(session=s, book=book, title=f"C{c}")
                    for n in range(SEED_SCENES):
                        add_scene(
                            session=s, chapter=chapter, title=f"S{c}{n}", text="one two three"
                        )
                for n in range(SEED_NOTES):
                    add_note(session=s, book=book, title=f"N{n}", text="four five")
            for d in devices:
                d.sync()
            tokens: list[str] = []
            titles: list[str] = []
            note_tokens: list[str] = []
            for kind, who, pick, where in actions:
                device = devices[who]
                if kind == "insert":
                    token = f"tok{uuid.uuid4().hex[:8]}"
                    tokens.append(token)
                    _insert_token(device, pick, where, token)
                elif kind == "add_scene":
                    title = f"new{uuid.uuid4().hex[:8]}"
                    titles.append(title)
                    _add_scene(device, pick, title)
                elif kind == "move":
                    _move_scene(device, pick, where)
                elif kind == "note_insert":
                    token = f"tok{uuid.uuid4().hex[:8]}"
                    note_tokens.append(token)
                    _insert_note_token(device, pick, where, token)
                elif kind == "note_move":
                    _move_note(device, pick, where)
                else:
                    device.sync()
            # Everyone syncs twice, in a random order: all edits reach all devices.
            for _ in range(2):
                for i in final_order:
                    devices[i].sync()
            views = [d.view() for d in devices]
            assert views[0] == views[1] == views[2]
            chapters = views[0]["books"][0][3]
            scenes = [sc for ch in chapters for sc in ch[3]]
            scene_ids = [sc[0] for sc in scenes]
            assert len(scene_ids) == len(set(scene_ids)) == 2 * SEED_SCENES + len(titles)
            all_text = " ".join(sc[2] for sc in scenes)
            for token in tokens:
                assert all_text.count(token) == 1, token
            assert sorted(t for t in (sc[1] for sc in scenes) if t.startswith("new")) == sorted(
                titles
            )
            for ch in chapters:
                assert [i + 1 for i in range(len(ch[3]))] == [n + 1 for n, _ in enumerate(ch[3])]
            notes = views[0]["books"][0][7]
            assert len(notes) == SEED_NOTES
            note_text = " ".join(n[2] for n in notes)
            for token in note_tokens:
                assert note_text.count(token) == 1, token
                assert token not in all_text
            assert all(n[3] == count_words(n[2]) for n in notes)
            # The book counts its scenes' words only.
            assert views[0]["books"][0][6] == sum(count_words(sc[2]) for sc in scenes)
            for d in devices:
                with d.library.session() as s:
                    ordinals = [n.ordinal for n in list_notes(session=s, book_id=book_id)]
                assert ordinals == list(range(1, SEED_NOTES + 1))
        finally:
            for d in devices:
                d.close()

    run()
