"""The same story made by pandoc, LibreOffice and ebooklib imports the same from every format."""

from __future__ import annotations

import pytest

from core.importers import read_manuscript
from tests.core.importers.story_expectations import DATA, assert_is_the_salt_map


@pytest.mark.parametrize(
    "name",
    [
        "salt-map.md",
        "salt-map-pandoc-epub3.epub",
        "salt-map-pandoc-epub2.epub",
        "salt-map-pandoc.docx",
        "salt-map-libreoffice.docx",
        "salt-map-libreoffice-centred.docx",
    ],
)
def test_every_format_keeps_chapters_scenes_and_text(name: str) -> None:
    assert_is_the_salt_map(read_manuscript(DATA / name))


def test_ebooklib_epub_takes_chapter_titles_from_the_ncx() -> None:
    # Its chapters have no headings (so no scene titles) and are named only in the NCX.
    assert_is_the_salt_map(read_manuscript(DATA / "salt-map-ebooklib.epub"), scene_titles=False)
