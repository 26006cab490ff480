"""Library.write_session: a read-modify-write no other writer can come between."""

from __future__ import annotations

import threading
import time

from core.store.manuscript import (
    add_chapter,
    add_scene,
    create_book,
    get_book,
    get_scene,
    set_scene_text,
)


def test_two_read_modify_writes_do_not_interleave(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Locks")
        scene_id = add_scene(session=s, chapter=add_chapter(session=s, book=book), text="a").id
    events: list[str] = []

    def other_writer() -> None:  # a second read-modify-write (a sync applying a page)
        with aw_library.write_session() as s:
            scene = get_scene(session=s, scene_id=scene_id)
            set_scene_text(session=s, scene=scene, text=scene.text + " other")
        events.append("other committed")

    with aw_library.write_session() as s:
        scene = get_scene(session=s, scene_id=scene_id)
        read = scene.text
        thread = threading.Thread(target=other_writer)
        thread.start()
        time.sleep(0.3)  # time enough for the other writer to write, were it not held back
        set_scene_text(session=s, scene=scene, text=read + " mine")
        events.append("mine written")
    thread.join(10)
    assert events == ["mine written", "other committed"]
    with aw_library.session() as s:
        assert get_scene(session=s, scene_id=scene_id).text == "a mine other"


def test_a_failed_write_session_rolls_back(aw_library):
    with aw_library.session() as s:
        book_id = create_book(session=s, title="Before").id
    try:
        with aw_library.write_session() as s:
            get_book(session=s, book_id=book_id).title = "After"
            s.flush()
            raise RuntimeError("disk gone")
    except RuntimeError:
        pass
    with aw_library.session() as s:
        assert get_book(session=s, book_id=book_id).title == "Before"
