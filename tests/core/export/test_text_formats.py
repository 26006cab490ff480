"""Markdown and plain text export, and the round trip back through the importers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from core.export import ExportFormat, ExportOptions, export_book
from core.export.text_formats import markdown_document, plain_text_document
from core.importers import read_manuscript
from core.jobs import JobContext
from core.store.manuscript import list_chapters, list_scenes
from tests.core.export.conftest import assert_golden, sample_content
from tests.fixtures.plugin import missing_dependency


def test_markdown_matches_the_golden_file():
    text = markdown_document(
        sample_content(), ExportOptions(format=ExportFormat.MARKDOWN), JobContext()
    )
    assert_golden("book.md", text)


def test_plain_text_has_no_markup():
    text = plain_text_document(
        sample_content(), ExportOptions(format=ExportFormat.TEXT), JobContext()
    )
    assert text.startswith("Gannet Rock\nA Lighthouse Tale\nby Ada Quill\n")
    assert "Mara kept the light on Gannet Rock." in text
    assert "*" not in text.replace("* * *", "")
    assert "Fog came in thick as wool.\nShe climbed anyway." in text


def _library_text(library, book_id: str) -> list[tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    with library.session() as s:
        return [
            (c.title, [sc.text for sc in list_scenes(session=s, chapter_id=c.id)])
            for c in list_chapters(session=s, book_id=book_id)
        ]


def _draft_text(path: Path) -> tuple[str, list[tuple[str, list[str]]]]:
    draft = read_manuscript(path)
    return draft.title, [(c.title, [s.text for s in c.scenes]) for c in draft.chapters]


# "About the Author" is a chapter-level heading in every format, so it is left out here.
ROUND_TRIP_OPTIONS = {"about_author": False}
FRONT_MATTER_UNKNOWN_TO_IMPORTER: dict[ExportFormat, dict[str, bool]] = {}


@pytest.mark.parametrize(
    ("fmt", "reader"),
    [
        (ExportFormat.MARKDOWN, "core.importers.markdown"),
        (ExportFormat.EPUB, "core.importers.epub_reader"),
        (ExportFormat.DOCX, "core.importers.docx_reader"),
        (ExportFormat.MANUSCRIPT, "core.importers.docx_reader"),
    ],
)
def test_round_trip_gives_back_the_same_chapters_scenes_and_text(
    aw_library, aw_sample_book, tmp_path, fmt, reader
):
    if importlib.util.find_spec(reader) is None:
        missing_dependency(f"{reader} (the {fmt.value} importer) is not available")
    path = tmp_path / f"book{fmt.suffix}"
    export_book(
        aw_library,
        aw_sample_book,
        path,
        ExportOptions(
            format=fmt, **ROUND_TRIP_OPTIONS, **FRONT_MATTER_UNKNOWN_TO_IMPORTER.get(fmt, {})
        ),
    )
    title, chapters = _draft_text(path)
    assert chapters == _library_text(aw_library, aw_sample_book)
    assert title == "Gannet Rock"


def test_markdown_round_trip_keeps_scene_titles_and_line_breaks(tmp_path):
    book = sample_content(chapters=sample_content().chapters[:2])
    path = tmp_path / "book.md"
    path.write_text(
        markdown_document(
            book, ExportOptions(format=ExportFormat.MARKDOWN, scene_titles=True), JobContext()
        )
    )
    draft = read_manuscript(path)
    assert draft.title == "Gannet Rock" and draft.author == "Ada Quill"
    got = [(c.title, [(s.title, s.text) for s in c.scenes]) for c in draft.chapters]
    want = [(c.display_title, [(s.title, s.text) for s in c.scenes]) for c in book.chapters]
    assert got == want
