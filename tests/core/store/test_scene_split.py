"""Split a scene at a point, merge a scene with the next: nothing lost, counts kept true."""

from __future__ import annotations

import pytest

from core.store.manuscript import add_chapter, add_scene, create_book, get_chapter, list_scenes
from core.store.scene_split import SceneSplitError, merge_with_next, split_scene
from core.store.snapshots import list_snapshots
from core.store.trash import list_trash


@pytest.fixture
def chapter_id(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Split")
        chapter = add_chapter(session=s, book=book)
        add_scene(session=s, chapter=chapter, title="One", text="First part.\n\nSecond part.")
        add_scene(session=s, chapter=chapter, title="Two", text="Last scene.", synopsis="End.")
        return chapter.id


def _scenes(library, chapter_id):
    with library.session() as s:
        return [(x.title, x.text, x.ordinal) for x in list_scenes(session=s, chapter_id=chapter_id)]


def test_split_keeps_every_word_in_two_scenes_in_order(aw_library, chapter_id):
    with aw_library.session() as s:
        first = list_scenes(session=s, chapter_id=chapter_id)[0]
        first.status = "revised"
        new = split_scene(session=s, scene=first, at=len("First part.\n"))
        assert new.status == "revised"
        assert get_chapter(session=s, chapter_id=chapter_id).word_count == 6
    assert _scenes(aw_library, chapter_id) == [
        ("One", "First part.", 1),
        ("", "Second part.", 2),
        ("Two", "Last scene.", 3),
    ]


def test_split_at_an_edge_is_refused_and_changes_nothing(aw_library, chapter_id):
    before = _scenes(aw_library, chapter_id)
    with aw_library.session() as s:
        first = list_scenes(session=s, chapter_id=chapter_id)[0]
        for at in (0, len(first.text), -1):
            with pytest.raises(SceneSplitError):
                split_scene(session=s, scene=first, at=at)
    assert _scenes(aw_library, chapter_id) == before


def test_merge_appends_the_next_scene_which_goes_to_the_trash(aw_library, chapter_id):
    with aw_library.session() as s:
        first, second = list_scenes(session=s, chapter_id=chapter_id)
        merge_with_next(session=s, scene=first)
        assert first.synopsis == "End."
        assert [x.label for x in list_snapshots(session=s, scene_id=first.id)] == [
            "Before merging the next scene"
        ]
        assert [t.id for t in list_trash(session=s)] == [second.id]
        assert get_chapter(session=s, chapter_id=chapter_id).word_count == 6
        with pytest.raises(SceneSplitError):
            merge_with_next(session=s, scene=first)  # now the last scene
    assert _scenes(aw_library, chapter_id) == [
        ("One", "First part.\n\nSecond part.\n\nLast scene.", 1)
    ]
