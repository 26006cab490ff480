"""Running an export as a job: read the book, write the file safely, keep a record.

``export_book`` is what the CLI and the desktop call. It reports progress per chapter,
honours Cancel at every chapter, writes through a temp file (so a cancelled or failed export
leaves nothing at the target) and adds an :class:`~core.domain.ExportRecord` on success.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.domain import ExportRecord
from core.errors import AuthorWorksError, ExportFailedError
from core.export.content import BookContent, load_book_content
from core.export.options import ExportFormat, ExportOptions, parse_trim
from core.export.output import atomic_output, check_target
from core.jobs import JobContext
from core.store.library import Library

Exporter = Callable[[BookContent, Path, ExportOptions, JobContext], None]


def exporter_for(fmt: ExportFormat, content_type: str = "novel") -> Exporter:
    """The function that writes ``fmt``; screenplays and plays get their own PDF layout."""
    # Imported lazily: each format pulls in its own library (ebooklib, reportlab, python-docx).
    if fmt is ExportFormat.EPUB:
        from core.export.epub import write_epub

        return write_epub
    if fmt is ExportFormat.PDF:
        if content_type in ("screenplay", "play"):
            from core.export.script_pdf import write_script_pdf

            return write_script_pdf
        from core.export.book_pdf import write_book_pdf

        return write_book_pdf
    if fmt is ExportFormat.DOCX:
        from core.export.docx_export import write_formatted_docx

        return write_formatted_docx
    if fmt is ExportFormat.MANUSCRIPT:
        from core.export.docx_export import write_manuscript_docx

        return write_manuscript_docx
    if fmt is ExportFormat.MARKDOWN:
        from core.export.text_formats import write_markdown

        return write_markdown
    if fmt is ExportFormat.TEXT:
        from core.export.text_formats import write_plain_text

        return write_plain_text
    from core.export.fountain import write_fountain

    return write_fountain


@dataclass
class ExportResult:
    path: Path
    format: ExportFormat
    size: int
    record_id: str
    warnings: list[str] = field(default_factory=list)


def export_book(
    library: Library,
    book_id: str,
    path: Path | str,
    options: ExportOptions,
    ctx: JobContext | None = None,
) -> ExportResult:
    """Export the book to ``path`` in ``options.format``; returns what was written.

    Raises ExportFailedError (a one-line reason naming the file) and JobCancelledError;
    in both cases nothing is left at ``path`` and no record is kept.
    """
    ctx = ctx or JobContext()
    options.trim = parse_trim(options.trim)
    target = check_target(Path(path))
    ctx.progress(0, 1, "Reading the book")
    # Word files carry the review (comments, tracked changes); the other formats the text.
    review = options.format in (ExportFormat.DOCX, ExportFormat.MANUSCRIPT)
    book = load_book_content(library, book_id, options, with_review=review)
    write = exporter_for(options.format, book.content_type)
    try:
        with atomic_output(target) as tmp:
            write(book, tmp, options, ctx)
            ctx.check()
            size = tmp.stat().st_size
    except AuthorWorksError:
        raise
    except OSError as exc:
        raise ExportFailedError(
            f"{target}: cannot write the file ({exc.strerror or exc})"
        ) from None
    except (MemoryError, RecursionError):
        raise ExportFailedError(
            f"{target}: the book is too large to export as {options.format.label}"
        ) from None
    with library.session() as session:
        record = ExportRecord(
            book_id=book_id,
            format=options.format.value,
            preset=options.preset,
            path=str(target),
            size=size,
            options=options.preset_dict(),
        )
        session.add(record)
        session.flush()
        record_id = record.id
    return ExportResult(target, options.format, size, record_id, list(book.warnings))


def default_file_name(book_title: str, fmt: ExportFormat) -> str:
    """A file name for an export of ``book_title``: safe on every platform."""
    keep = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in book_title)
    stem = "-".join(keep.split())[:80] or "book"
    if fmt is ExportFormat.MANUSCRIPT:
        stem += "-manuscript"
    return stem + fmt.suffix
