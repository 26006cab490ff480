"""Choosing the importer for a file, and storing what it read."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from core.errors import AuthorWorksError, ImportFailedError
from core.importers.draft import BookDraft
from core.importers.save import save_draft
from core.importers.source import fail
from core.jobs import JobContext
from core.store.library import Library

Reader = Callable[[Path], BookDraft]


def _reader_for_suffix(suffix: str) -> Reader | None:
    # Imported lazily: DOCX and EPUB readers pull in lxml and friends.
    if suffix in {".md", ".markdown", ".mdown", ".mkd"}:
        from core.importers.markdown import read_markdown

        return read_markdown
    if suffix in {".txt", ".text"}:
        from core.importers.plaintext import read_plain_text

        return read_plain_text
    if suffix == ".docx":
        from core.importers.docx_reader import read_docx

        return read_docx
    if suffix == ".epub":
        from core.importers.epub_reader import read_epub

        return read_epub
    if suffix in {".fountain", ".spmd"}:
        from core.importers.fountain_reader import read_fountain

        return read_fountain
    return None


SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".docx", ".epub", ".fountain", ".spmd")


def _sniff(path: Path) -> Reader:
    """The reader for a file whose extension does not say what it is."""
    try:
        is_zip = zipfile.is_zipfile(path)
    except OSError:
        is_zip = False
    if is_zip:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
        if "word/document.xml" in names:
            return _reader_for_suffix(".docx")  # type: ignore[return-value]
        if "META-INF/container.xml" in names:
            return _reader_for_suffix(".epub")  # type: ignore[return-value]
        raise fail(path, "a zip archive that is neither DOCX nor EPUB")
    return _reader_for_suffix(".txt")  # type: ignore[return-value]


def read_manuscript(path: Path | str) -> BookDraft:
    """Read a manuscript file into a draft; raises ImportFailedError naming the file."""
    path = Path(path)
    if not path.exists():
        raise fail(path, "no such file")
    if path.suffix.lower() in {".doc", ".odt", ".rtf", ".pdf", ".pages", ".scriv"}:
        raise fail(
            path,
            f"{path.suffix} files cannot be imported; save it as DOCX, EPUB, Markdown or text",
        )
    reader = _reader_for_suffix(path.suffix.lower()) or _sniff(path)
    try:
        draft = reader(path)
    except AuthorWorksError:
        raise
    except (MemoryError, RecursionError):
        raise fail(path, "the file is too large or too deeply nested to import") from None
    except Exception as exc:  # a parser library's own error: the file is damaged
        kind = path.suffix.lstrip(".").upper() or "manuscript"
        raise fail(
            path,
            f"the file is damaged or not a valid {kind} ({type(exc).__name__}: {exc})",
        ) from None
    if not any(ch.scenes for ch in draft.chapters):
        raise fail(path, "no text found to import")
    return draft


def import_manuscript(
    library: Library,
    path: Path | str,
    *,
    title: str | None = None,
    author: str | None = None,
    content_type: str | None = None,
    ctx: JobContext | None = None,
) -> str:
    """Import a manuscript as a new book in one transaction; returns the new book's id.

    The title falls back to the one in the file, then to the file name.
    """
    ctx = ctx or JobContext()
    path = Path(path)
    ctx.progress(0, 3, f"Reading {path.name}")
    draft = read_manuscript(path)
    if title:
        draft.title = title
    if author:
        draft.author = author
    if content_type:
        draft.content_type = content_type
    if not draft.title:
        draft.title = path.stem.replace("_", " ").strip() or "Untitled"
    draft.metadata.setdefault("source", {"file": path.name, "format": path.suffix.lstrip(".")})
    ctx.progress(1, 3, "Saving to the library")
    try:
        with library.session() as session:
            book = save_draft(session=session, draft=draft)
            ctx.check()
            book_id = book.id
    except AuthorWorksError:
        raise
    except ValueError as exc:
        raise ImportFailedError(f"{path}: {exc}") from None
    ctx.progress(3, 3, "Imported")
    return book_id
