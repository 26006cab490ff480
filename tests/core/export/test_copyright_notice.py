"""The copyright page: a book's own rights statement, with its links rendered, in EPUB, PDF
and DOCX; the usual notice only for a book that states none."""

from __future__ import annotations

import zipfile

import docx

from core.export import ExportFormat, ExportOptions
from core.export.book_pdf import write_book_pdf
from core.export.content import BookContent
from core.export.copyright_notice import FICTION_NOTICE, notice_lines, notice_parts
from core.export.docx_export import write_formatted_docx
from core.export.epub import write_epub
from core.jobs import JobContext
from tests.core.export.conftest import sample_content

RIGHTS = "Public domain in the USA. Produced by [Project Gutenberg](https://www.gutenberg.org)."


def _book(**extra) -> BookContent:
    return sample_content(publisher="", **extra)


def test_a_books_own_statement_replaces_our_notice():
    lines = notice_lines(_book(rights=RIGHTS, content_type="novel"))
    assert lines == [RIGHTS]
    assert "All rights reserved." not in lines and FICTION_NOTICE not in lines
    default = notice_lines(_book(content_type="novel"))
    assert default[1:] == ["All rights reserved.", FICTION_NOTICE]
    assert default[0].startswith("Copyright © ")


def test_links_are_split_from_the_text():
    parts = notice_parts(RIGHTS)
    assert [(p.text, p.url) for p in parts] == [
        ("Public domain in the USA. Produced by ", None),
        ("Project Gutenberg", "https://www.gutenberg.org"),
        (".", None),
    ]
    bare = notice_parts("See https://example.org/licence.")
    assert [(p.text, p.url) for p in bare][1] == (
        "https://example.org/licence",
        "https://example.org/licence",
    )


def test_the_epub_copyright_page_shows_the_statement_with_a_real_link(tmp_path, epubcheck):
    path = tmp_path / "book.epub"
    write_epub(_book(rights=RIGHTS), path, ExportOptions(format=ExportFormat.EPUB), JobContext())
    epubcheck(path)
    with zipfile.ZipFile(path) as zf:
        page = zf.read("EPUB/copyright.xhtml").decode()
        opf = zf.read("EPUB/content.opf").decode()
    assert '<a href="https://www.gutenberg.org">Project Gutenberg</a>' in page
    assert "[Project Gutenberg]" not in page and "](" not in page
    assert "All rights reserved" not in page and "work of fiction" not in page
    assert "Produced by Project Gutenberg." in opf  # dc:rights in plain words


def test_the_print_pdf_and_docx_use_the_same_statement(tmp_path, poppler):
    book = _book(rights=RIGHTS)
    pdf = tmp_path / "book.pdf"
    write_book_pdf(book, pdf, ExportOptions(format=ExportFormat.PDF), JobContext())
    text = " ".join(poppler("pdftotext", str(pdf), "-").split())
    assert "Public domain in the USA. Produced by Project Gutenberg." in text
    assert "All rights reserved" not in text and "[Project" not in text
    path = tmp_path / "book.docx"
    write_formatted_docx(book, path, ExportOptions(format=ExportFormat.DOCX), JobContext())
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert any(
        "Produced by Project Gutenberg (https://www.gutenberg.org)." in p for p in paragraphs
    )
    assert not any("All rights reserved" in p for p in paragraphs)
