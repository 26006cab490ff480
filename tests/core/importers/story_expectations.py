"""What every fixture made from data/salt-map.md must import as (see data/README.md)."""

from __future__ import annotations

from pathlib import Path

from core.importers import BookDraft

DATA = Path(__file__).resolve().parent / "data"

TITLE = "The Salt Map"
AUTHOR = "Ione Marlowe"
CHAPTER_TITLES = [
    "Chapter One: The Workshop",
    "Chapter Two: The Copy",
    "Chapter Three: The Headland",
    "Chapter Four: The Footprints",
]
NON_LATIN = (
    "Ἐν ἀρχῇ ἦν ὁ λόγος. Рукописи не горят. 地図は領土ではない。 "
    "الخريطة ليست الأرض. המפה איננה השטח. 🧭✨"
)
# (chapter index, scene index, a fragment of that scene's stored text), byte for byte.
FRAGMENTS = [
    (
        0,
        0,
        "She learned the names of the winds — *Boreas*, *Zephyrus*, the sly little *Kaikias* who",
    ),
    (0, 0, "Adeyemi put down his pen. **He never put down his pen.**"),
    (0, 0, "“Patience,” he said, whenever she looked too long at the brass compasses."),
    (0, 1, "There was a star (\\*) scratched beside one headland"),
    (0, 1, "The pen was heavier than she had imagined — heavier than a broom"),
    (1, 0, "worked like a surgeon, *one stroke, then wait, then another*."),
    (1, 0, "“It isn’t *our* coast,” she told the master"),
    (1, 1, "Not smudged, not blurred: *blank*, as if nothing"),
    (2, 1, NON_LATIN),
    (2, 1, "*The map is not the territory.* And then they drew the territory anyway.”"),
    (3, 1, "*For the next coast.*"),
    (3, 1, "**She did not sweep the floor that morning.**\n\nShe drew."),
]


def assert_is_the_salt_map(draft: BookDraft, *, scene_titles: bool = True) -> None:
    """The structure and text every format of the story must keep."""
    assert draft.title == TITLE
    assert draft.author == AUTHOR
    assert [c.title for c in draft.chapters] == CHAPTER_TITLES
    assert [len(c.scenes) for c in draft.chapters] == [2, 2, 2, 2]
    expected_titles = ["The Road", "The Star"] if scene_titles else ["", ""]
    assert [s.title for s in draft.chapters[2].scenes] == expected_titles
    for chapter, scene, fragment in FRAGMENTS:
        assert fragment in draft.chapters[chapter].scenes[scene].text, (chapter, scene, fragment)
    first = draft.chapters[0].scenes[0].text
    assert first.startswith("Wren had swept the workshop floor every morning for three years")
    assert first.endswith("He has not spoken since.”")
    # Nothing from the title page or the scene-break markers leaks into the text.
    all_text = "\n".join(s.text for c in draft.chapters for s in c.scenes)
    assert "* * *" not in all_text and "⁂" not in all_text
    assert AUTHOR not in all_text
