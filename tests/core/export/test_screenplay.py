"""Fountain export, the Fountain element parser, and screenplay / stage-play PDF layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.export import ExportFormat, ExportOptions
from core.export.content import BookContent, ChapterContent, SceneContent
from core.export.fountain import fountain_document
from core.export.screenplay import Kind, parse_fountain
from core.export.script_pdf import write_script_pdf
from core.jobs import JobContext

SCENE = """INT. LIGHTHOUSE - NIGHT

Wind howls. MARA climbs the stairs.

TOBIAS (O.S.)
Mara! You'll freeze up there!

MARA
(without turning)
The ships don't stop for feasts.
They never *have*.

CUT TO:

.THE LAMP ROOM

> THE END <

[[a note that does not print]]
/* cut
this */
= a synopsis
# A section
"""


def script_book(kind: str = "screenplay", scenes: int = 1) -> BookContent:
    return BookContent(
        id="01900000-0000-7000-8000-000000000002",
        title="Gannet Rock",
        author="Ada Quill",
        content_type=kind,
        contact="ada@example.com",
        chapters=[
            ChapterContent(
                1,
                "Act One",
                tuple(SceneContent("", SCENE) for _ in range(scenes)),
                "The first act.",
            )
        ],
    )


def test_parse_fountain_elements():
    kinds = [(e.kind, e.text) for e in parse_fountain(SCENE)]
    assert kinds == [
        (Kind.SCENE_HEADING, "INT. LIGHTHOUSE - NIGHT"),
        (Kind.ACTION, "Wind howls. MARA climbs the stairs."),
        (Kind.CHARACTER, "TOBIAS (O.S.)"),
        (Kind.DIALOGUE, "Mara! You'll freeze up there!"),
        (Kind.CHARACTER, "MARA"),
        (Kind.PARENTHETICAL, "(without turning)"),
        (Kind.DIALOGUE, "The ships don't stop for feasts.\nThey never *have*."),
        (Kind.TRANSITION, "CUT TO:"),
        (Kind.SCENE_HEADING, "THE LAMP ROOM"),
        (Kind.CENTERED, "THE END"),
    ]


def test_fountain_export_has_a_title_page_sections_and_synopses():
    text = fountain_document(
        script_book(), ExportOptions(format=ExportFormat.FOUNTAIN, synopses=True), JobContext()
    )
    head, _, body = text.partition("\n\n")
    assert head.splitlines()[:3] == [
        "Title: Gannet Rock",
        "Credit: Written by",
        "Author: Ada Quill",
    ]
    assert "Contact:\n    ada@example.com" in head
    assert body.startswith("# Act One\n\n= The first act.\n\nINT. LIGHTHOUSE - NIGHT")
    # Reading it back gives the same elements as the scene itself.
    assert [e for e in parse_fountain(body)] == parse_fountain(SCENE)


def test_novel_to_fountain_keeps_prose_as_action():
    book = script_book("novel")
    book.chapters = [ChapterContent(1, "One", (SceneContent("", "SHOUTING ALL CAPS.\n\nCalm."),))]
    text = fountain_document(book, ExportOptions(format=ExportFormat.FOUNTAIN), JobContext())
    assert "!SHOUTING ALL CAPS." in text
    assert [e.kind for e in parse_fountain(text.partition("\n\n")[2])] == [Kind.ACTION, Kind.ACTION]


def _words(poppler, path: Path, page: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    bbox = poppler("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-")
    found: dict[str, float] = {}
    for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]+)</word>', bbox):
        found.setdefault(word, float(x))
    return found


def test_screenplay_pdf_industry_layout(tmp_path, poppler):
    path = tmp_path / "script.pdf"
    write_script_pdf(
        script_book(scenes=8), path, ExportOptions(format=ExportFormat.PDF), JobContext()
    )
    info = poppler("pdfinfo", str(path))
    assert "612 x 792 pts" in info  # US Letter
    fonts = poppler("pdffonts", str(path)).strip().splitlines()[2:]
    assert fonts and all("Courier-Prime" in f and re.search(r"yes\s+yes\s+yes", f) for f in fonts)
    x = _words(poppler, path, 2)  # page 1 is the title page
    assert x["INT."] == pytest.approx(1.5 * 72, abs=1)  # scene heading at the left margin
    assert x["Wind"] == pytest.approx(1.5 * 72, abs=1)  # action
    assert x["TOBIAS"] == pytest.approx(3.7 * 72, abs=1)  # character cue
    assert x["(without"] == pytest.approx(3.1 * 72, abs=1)  # parenthetical
    assert x["Mara!"] == pytest.approx(2.5 * 72, abs=1)  # dialogue
    assert x["CUT"] > 5.5 * 72  # transition, flush right
    title = poppler("pdftotext", "-f", "1", "-l", "1", str(path), "-")
    assert "GANNET ROCK" in title and "Written by" in title and "Ada Quill" in title
    # Page numbers from the second script page, top right, with a period.
    page3 = poppler("pdftotext", "-layout", "-f", "3", "-l", "3", str(path), "-")
    assert page3.strip().splitlines()[0].strip() == "2."


def test_stage_play_layout_centres_character_names(tmp_path, poppler):
    path = tmp_path / "play.pdf"
    write_script_pdf(
        script_book("play"),
        path,
        ExportOptions(format=ExportFormat.PDF, title_page=False),
        JobContext(),
    )
    x = _words(poppler, path, 1)
    assert x["MARA"] > 3.5 * 72  # centred, not at a screenplay indent
    assert x["Mara!"] == pytest.approx(1.5 * 72, abs=1)  # dialogue across the page
    assert x["Wind"] == pytest.approx(3.5 * 72, abs=1)  # stage directions indented
