"""DOCX export, read back with python-docx: manuscript format and the formatted book."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Inches, Pt

from core.export import ExportFormat, ExportOptions, export_book
from core.export.docx_export import (
    rounded_word_count,
    short_title,
    write_formatted_docx,
    write_manuscript_docx,
)
from core.jobs import JobContext
from tests.core.export.conftest import sample_content


def _manuscript(tmp_path: Path, book=None, **options):  # type: ignore[no-untyped-def]
    path = tmp_path / "ms.docx"
    write_manuscript_docx(
        book or sample_content(),
        path,
        ExportOptions(format=ExportFormat.MANUSCRIPT, **options),
        JobContext(),
    )
    return docx.Document(str(path))


def _formatted(tmp_path: Path, book=None, **options):  # type: ignore[no-untyped-def]
    path = tmp_path / "book.docx"
    write_formatted_docx(
        book or sample_content(),
        path,
        ExportOptions(format=ExportFormat.DOCX, **options),
        JobContext(),
    )
    return docx.Document(str(path))


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (57, "57 words"),
        (149, "about 100 words"),
        (4_260, "about 4,300 words"),
        (81_499, "about 81,000 words"),
        (81_500, "about 82,000 words"),
    ],
)
def test_rounded_word_count(words, expected):
    assert rounded_word_count(words) == expected


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("Gannet Rock", "Gannet Rock"),
        ("The Keeper of Gannet Rock", "Keeper of Gannet"),
        ("A Tale of Two Cities", "Tale of Two"),
        ("The", "The"),
    ],
)
def test_short_title_for_the_header(title, short):
    assert short_title(title) == short


def test_manuscript_format(tmp_path):
    doc = _manuscript(tmp_path)
    section = doc.sections[0]
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    for margin in (
        section.left_margin,
        section.right_margin,
        section.top_margin,
        section.bottom_margin,
    ):
        assert margin == Inches(1)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(12)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.DOUBLE
    assert normal.paragraph_format.first_line_indent == Inches(0.5)
    # Header from page 2: surname / short title / page field; page 1: contact and word count.
    header = section.header.paragraphs[0]
    assert header.text.startswith("Quill / GANNET ROCK / ")
    assert "PAGE" in header._p.xml and "fldChar" in header._p.xml
    assert section.different_first_page_header_footer
    first = [p.text for p in section.first_page_header.paragraphs]
    assert first[0].startswith("Ada Quill\t") and first[0].endswith("words")
    assert first[1:] == ["ada@example.com", "1 Harbour Row"]
    texts = [(p.style.name, p.text) for p in doc.paragraphs]
    assert texts[0] == ("Title", "Gannet Rock")
    assert ("Subtitle", "by Ada Quill") in texts[:3]
    headings = [t for s, t in texts if s == "Heading 1"]
    assert headings == ["The Keeper", "Chapter 2", "Empty Chapter"]
    h1 = doc.styles["Heading 1"]
    assert h1.paragraph_format.page_break_before
    assert h1.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert h1.font.name == "Times New Roman" and not h1.font.bold
    assert [t for s, t in texts if s == "Scene Break"] == ["#"]


def test_manuscript_keeps_italic_bold_and_line_breaks(tmp_path):
    doc = _manuscript(tmp_path)
    para = next(p for p in doc.paragraphs if p.text.startswith("Mara kept"))
    assert [(r.text, bool(r.italic)) for r in para.runs] == [
        ("Mara kept the ", False),
        ("light", True),
        (" on Gannet Rock.", False),
    ]
    assert para.style.name == "First Paragraph"
    fog = next(p for p in doc.paragraphs if p.text.startswith("Fog came"))
    assert fog.text == "Fog came in thick as wool.\nShe climbed anyway."
    assert any(r.bold and r.text == "thick" for r in fog.runs)


def test_formatted_book_uses_the_trim_and_real_headings(tmp_path):
    doc = _formatted(tmp_path, trim="5.5x8.5", scene_titles=True)
    section = doc.sections[0]
    assert section.page_width == Pt(5.5 * 72) and section.page_height == Pt(8.5 * 72)
    assert section.left_margin > section.right_margin  # the gutter
    assert (
        doc.settings.element.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}mirrorMargins"
        )
        is not None
    )
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", "Gannet Rock") in styles
    assert [t for s, t in styles if s == "Heading 1"] == [
        "The Keeper",
        "Chapter 2",
        "Empty Chapter",
        "About the Author",
    ]
    assert [t for s, t in styles if s == "Heading 2"] == ["Night", "Fog"]
    assert [t for s, t in styles if s == "Scene Break"] == ["* * *"]
    assert doc.core_properties.title == "Gannet Rock"
    assert doc.core_properties.author == "Ada Quill"


def test_hostile_text_and_right_to_left(tmp_path):
    book = sample_content(title='<Tom> & "Jerry" 🐭', language="ar")
    doc = _manuscript(tmp_path, book)
    assert doc.paragraphs[0].text == '<Tom> & "Jerry" 🐭'
    body = next(p for p in doc.paragraphs if p.style.name == "First Paragraph")
    assert (
        body._p.pPr is not None
        and body._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi")
        is not None
    )


def test_sample_book_from_the_library(aw_library, aw_sample_book, tmp_path):
    result = export_book(
        aw_library,
        aw_sample_book,
        tmp_path / "ms.docx",
        ExportOptions(format=ExportFormat.MANUSCRIPT),
    )
    doc = docx.Document(str(result.path))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Chapter One: The Keeper",
        "Chapter Two: The Wreck",
        "Chapter Three: The Letter",
    ]
    first = doc.sections[0].first_page_header.paragraphs[0].text
    assert first.endswith("about 200 words")
