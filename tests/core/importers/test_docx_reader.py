"""DOCX import: heading styles, runs to Markdown, breaks, properties, and bad DOCX files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from core.errors import ImportFailedError
from core.importers import read_manuscript
from core.importers.docx_reader import read_docx
from tests.core.importers.story_expectations import DATA, NON_LATIN
from tests.core.importers.zip_edits import member, rewrite_zip

PANDOC_DOCX = DATA / "salt-map-pandoc.docx"


def _runs(paragraph, *parts: tuple[str, str]) -> None:
    """Add runs to a paragraph: ("i", text) italic, ("b", text) bold, ("", text) plain."""
    for style, text in parts:
        run = paragraph.add_run(text)
        run.italic = "i" in style or None
        run.bold = "b" in style or None


def _manuscript(tmp_path: Path) -> Path:
    doc = Document()
    doc.core_properties.title = "Runs and Styles"
    doc.core_properties.author = "R. Writer"
    doc.core_properties.language = "fr-FR"
    doc.core_properties.keywords = "mystery; harbour"
    doc.add_heading("The First", level=1)
    doc.add_heading("Arrival", level=2)
    # Word splits text into runs at every edit: one italic phrase over five runs.
    _runs(doc.add_paragraph(), ("", "She said "), ("i", "a"), ("", " "), ("i", "quiet"),
          ("i", " word"), ("", " and then "), ("b", "shouted "),
          ("b", "twice"), ("", "."))  # fmt: skip
    _runs(doc.add_paragraph(), ("", "A literal * star and a back\\slash."))
    _runs(doc.add_paragraph(), ("", "# not a heading"))
    doc.add_paragraph("❦").alignment = WD_ALIGN_PARAGRAPH.CENTER
    _runs(doc.add_paragraph(), ("", NON_LATIN))
    doc.add_paragraph("* * *")
    _runs(doc.add_paragraph(), ("bi", "Both"), ("", " at once."))
    doc.add_heading("The Second", level=1)
    doc.add_paragraph("Closing line.")
    line = doc.add_paragraph()
    line.add_run("Line one")
    line.add_run().add_break()
    line.add_run("line two")
    path = tmp_path / "runs.docx"
    doc.save(str(path))
    return path


def test_python_docx_manuscript(tmp_path: Path) -> None:
    draft = read_docx(_manuscript(tmp_path))
    assert (draft.title, draft.author, draft.language) == ("Runs and Styles", "R. Writer", "fr-FR")
    assert draft.metadata["subjects"] == ["mystery", "harbour"]
    assert [c.title for c in draft.chapters] == ["The First", "The Second"]
    first = draft.chapters[0]
    assert [s.title for s in first.scenes] == ["Arrival", "", ""]
    assert first.scenes[0].text == (
        "She said *a quiet word* and then **shouted twice**.\n\n"
        "A literal \\* star and a back\\\\slash.\n\n"
        "\\# not a heading"
    )
    assert first.scenes[1].text == NON_LATIN
    assert first.scenes[2].text == "***Both*** at once."
    assert draft.chapters[1].scenes[0].text == "Closing line.\n\nLine one\nline two"


def test_title_style_is_the_book_title_when_heading_1_makes_the_chapters(tmp_path: Path) -> None:
    doc = Document()
    doc.add_heading("My Book", level=0)  # the Title style
    for name in ("One", "Two"):
        doc.add_heading(name, level=1)
        doc.add_paragraph(f"Text of {name}.")
    path = tmp_path / "titled.docx"
    doc.save(str(path))
    draft = read_docx(path)
    assert draft.title == "My Book"
    assert [c.title for c in draft.chapters] == ["One", "Two"]


def test_title_styled_chapters(tmp_path: Path) -> None:
    doc = Document()
    for name in ("One", "Two"):
        doc.add_heading(name, level=0)
        doc.add_paragraph(f"Text of {name}.")
    path = tmp_path / "titles.docx"
    doc.save(str(path))
    assert [c.title for c in read_docx(path).chapters] == ["One", "Two"]


def test_pandoc_docx_properties_and_no_front_matter_in_text() -> None:
    draft = read_docx(PANDOC_DOCX)
    assert draft.language == "en-GB"
    assert draft.description == "A cartographer’s apprentice follows a map drawn in salt."
    assert draft.chapters[0].scenes[0].text.startswith("Wren had swept")


def test_tracked_deletions_are_kept_marked_not_applied(tmp_path: Path) -> None:
    xml = member(PANDOC_DOCX, "word/document.xml").decode("utf-8")
    needle = '<w:t xml:space="preserve">So she swept.'
    assert needle in xml
    deleted = (
        '<w:del w:id="900" w:author="Ed" w:date="2026-01-01T00:00:00Z">'
        "<w:r><w:delText>GONE</w:delText>"
        "<w:t>GONE</w:t></w:r></w:del>"
    )
    xml = xml.replace("<w:r>" + needle, deleted + "<w:r>" + needle, 1)
    path = rewrite_zip(
        PANDOC_DOCX, tmp_path / "tracked.docx", replace={"word/document.xml": xml.encode()}
    )
    from core.importers.review_marks import take_marks

    draft = read_docx(path)
    text, marks = take_marks(draft.chapters[0].scenes[0].text)
    [(ident, start, end)] = marks.deletions
    assert text[start:end] == "GONE"  # still in the text, as a pending deletion by Ed
    assert draft.review["changes"][ident]["author"] == "Ed"


# ---------------------------------------------------------------------------- bad DOCX files


def _error(path: Path) -> str:
    with pytest.raises(ImportFailedError) as info:
        read_manuscript(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


def test_corrupt_docx(tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.docx"
    bad.write_bytes(PANDOC_DOCX.read_bytes()[:3000])
    assert "not a valid DOCX" in _error(bad)


def test_zip_that_is_no_word_document(tmp_path: Path) -> None:
    bad = tmp_path / "other.docx"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "no Word document" in _error(bad)


def test_broken_document_xml(tmp_path: Path) -> None:
    bad = rewrite_zip(
        PANDOC_DOCX, tmp_path / "broken.docx", replace={"word/document.xml": b"<w:document"}
    )
    assert "DOCX" in _error(bad)


def test_old_doc_or_encrypted_docx(tmp_path: Path) -> None:
    bad = tmp_path / "locked.docx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    assert "password-protected" in _error(bad)


def test_zip_bomb_in_document_xml(tmp_path: Path) -> None:
    body = b" " * (48 * 1024 * 1024)
    bad = rewrite_zip(PANDOC_DOCX, tmp_path / "bomb.docx", replace={"word/document.xml": body})
    assert bad.stat().st_size < 1024 * 1024
    assert "zip bomb" in _error(bad)


def test_docx_without_core_properties_takes_its_title_from_the_text(tmp_path: Path) -> None:
    rels = member(PANDOC_DOCX, "_rels/.rels").decode()
    start = rels.index('<Relationship Id="rId3"')
    rels = rels[:start] + rels[rels.index("/>", start) + 2 :]
    path = rewrite_zip(
        PANDOC_DOCX,
        tmp_path / "noprops.docx",
        drop={"docProps/core.xml"},
        replace={"_rels/.rels": rels.encode()},
    )
    draft = read_docx(path)
    assert (draft.title, draft.author) == (
        "The Salt Map",
        "Ione Marlowe",
    )  # Title and Author styles
