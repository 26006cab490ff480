"""Fountain import: title page, acts from sections, scenes from headings, source kept."""

from __future__ import annotations

from pathlib import Path

from core.importers import import_manuscript, read_manuscript
from core.store.manuscript import get_book, list_chapters, list_scenes
from tests.core.importers.story_expectations import DATA, NON_LATIN

SCRIPT = DATA / "salt-map.fountain"


def test_title_page_acts_and_scenes() -> None:
    draft = read_manuscript(SCRIPT)
    assert draft.content_type == "screenplay"
    assert (draft.title, draft.author) == ("THE SALT MAP", "Ione Marlowe")
    assert draft.metadata["title_page"]["draft date"] == "21 November 2026"
    assert draft.metadata["title_page"]["contact"] == "Tidewater Press\n1 Harbour Row"
    assert [c.title for c in draft.chapters] == ["Act One", "Act Two"]
    act_one, act_two = draft.chapters
    assert [s.title for s in act_one.scenes] == [
        "",  # the synopsis and FADE IN: before the first heading
        "INT. CARTOGRAPHER'S WORKSHOP - DAY",
        "EXT. HARBOUR - CONTINUOUS",  # scene number #1A# left out of the title
    ]
    assert [s.title for s in act_two.scenes] == [
        "ON THE HEADLAND",  # forced with a leading "."
        "INT./EXT. ADEYEMI'S CART - MOVING - DUSK",
        "I/E. WORKSHOP DOORWAY - NIGHT",
        "EST. THE CITY - DAWN",
    ]


def test_scene_text_is_the_fountain_source_including_the_heading() -> None:
    source = SCRIPT.read_text(encoding="utf-8")
    draft = read_manuscript(SCRIPT)
    for chapter in draft.chapters:
        for scene in chapter.scenes:
            assert scene.text in source  # verbatim, emphasis, notes and non-Latin text included
    workshop = draft.chapters[0].scenes[1].text
    assert workshop.startswith("INT. CARTOGRAPHER'S WORKSHOP - DAY\n\nDust in the lamplight.")
    assert workshop.endswith("Adeyemi puts down his pen. *He never puts down his pen.*")
    # A heading inside the boneyard is no scene.
    assert "INT. TAVERN - NIGHT" in draft.chapters[0].scenes[2].text
    headland = draft.chapters[1].scenes[0].text
    assert headland.startswith(".ON THE HEADLAND\n")
    assert NON_LATIN.removesuffix(" 🧭✨") in headland


def test_rebuilding_the_script_from_chapters_and_scenes_gives_the_source_back() -> None:
    # What a Fountain export does: title page, "# act", then the scenes, blank lines between.
    source = SCRIPT.read_text(encoding="utf-8")
    body = source.split("\n\n", 1)[1]
    draft = read_manuscript(SCRIPT)
    rebuilt = "\n\n".join(
        f"# {c.title}\n\n" + "\n\n".join(s.text for s in c.scenes) for c in draft.chapters
    )
    assert rebuilt.strip() == body.strip()


def test_script_without_sections_is_one_chapter(tmp_path: Path) -> None:
    path = tmp_path / "short.spmd"
    path.write_text(
        "EXT. BEACH - DAY\n\nWaves.\n\n"
        "int. hut - night\n\nA candle.\n\nJust talk, no heading here.\n",
        encoding="utf-8",
    )
    draft = read_manuscript(path)
    assert draft.title == "" and draft.content_type == "screenplay"
    assert len(draft.chapters) == 1
    assert [s.title for s in draft.chapters[0].scenes] == ["EXT. BEACH - DAY", "int. hut - night"]
    assert (
        draft.chapters[0].scenes[1].text
        == "int. hut - night\n\nA candle.\n\nJust talk, no heading here."
    )


def test_imported_screenplay_is_stored_as_such(aw_library) -> None:
    book_id = import_manuscript(aw_library, SCRIPT)
    with aw_library.session() as s:
        book = get_book(session=s, book_id=book_id)
        assert (book.title, book.content_type) == ("THE SALT MAP", "screenplay")
        chapters = list_chapters(session=s, book_id=book_id)
        assert [c.title for c in chapters] == ["Act One", "Act Two"]
        assert [len(list_scenes(session=s, chapter_id=c.id)) for c in chapters] == [3, 4]


def test_fade_in_is_not_a_title_page(tmp_path: Path) -> None:
    path = tmp_path / "cold-open.fountain"
    path.write_text("FADE IN:\n\nEXT. PIER - DAWN\n\nFog.\n", encoding="utf-8")
    draft = read_manuscript(path)
    assert draft.metadata == {}
    assert [s.text for s in draft.chapters[0].scenes] == ["FADE IN:", "EXT. PIER - DAWN\n\nFog."]
