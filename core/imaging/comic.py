"""A chapter as a graphic novel: panel scripts, pages, and a CBZ (with ComicInfo.xml) or PDF.

The job scripts every scene (Claude when a key is set, else the heuristic), fetches panel art
(the writer's pictures first, then the image provider, else a placeholder), renders the pages
in worker processes and writes the archive through a temp file. Problems with one panel or
scene become warnings; the rest of the chapter is still made.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from core.imaging.art import ArtProvider, generated_art
from core.imaging.comic_page import PAGE_SIZE, PageRender, PageSpec, render_page
from core.imaging.cover import write_atomic
from core.imaging.errors import ArtProviderError, ImagingError
from core.imaging.panel_script import Panel, PanelScript, heuristic_script
from core.jobs import JobContext
from core.store.library import Library
from core.store.manuscript import chapter_by_number, find_book, list_scenes

MAX_PANELS_PER_PAGE = 6
PDF_DPI = 300


@dataclass
class ComicChapter:
    """What to draw: the book's and chapter's names and each scene's panel script."""

    series: str
    writer: str
    number: int
    title: str
    language: str
    scripts: list[PanelScript]


@dataclass
class ComicResult:
    path: Path
    pages: int
    warnings: list[str] = field(default_factory=list)


def paginate(panels: Sequence[Panel]) -> list[list[Panel]]:
    """Split one scene's panels over pages of at most six, as evenly as possible."""
    if not panels:
        return []
    pages = -(-len(panels) // MAX_PANELS_PER_PAGE)
    base, extra = divmod(len(panels), pages)
    out, i = [], 0
    for p in range(pages):
        n = base + (1 if p < extra else 0)
        out.append(list(panels[i : i + n]))
        i += n
    return out


def load_chapter(
    library: Library,
    book_ref: str,
    number: int,
    *,
    client: Any = None,
    ctx: JobContext | None = None,
) -> ComicChapter:
    """The chapter's panel scripts (Claude through ``client`` if given, else heuristic)."""
    from core.imaging.claude_script import claude_script
    from core.text import plain_text

    ctx = ctx or JobContext()
    with library.session() as session:
        book = find_book(session=session, ref=book_ref)
        chapter = chapter_by_number(session=session, book=book, number=number)
        cast = [c.name for c in book.characters if c.deleted_at is None]
        scenes = [
            (s.title or chapter.title, s.text)
            for s in list_scenes(session=session, chapter_id=chapter.id)
        ]
        meta = (book.title, book.author, chapter.title, book.language)
    scripts = []
    for i, (title, text) in enumerate(scenes):
        ctx.progress(i, len(scenes), f"Scripting scene {i + 1} of {len(scenes)}")
        if not plain_text(text).strip():
            continue
        if client is not None:
            scripts.append(claude_script(title, text, client=client, characters=cast))
        else:
            scripts.append(heuristic_script(title, text, cast))
    if not scripts:
        raise ImagingError(f"chapter {number} of {meta[0]!r} has no text to draw")
    return ComicChapter(meta[0], meta[1], number, meta[2], meta[3], scripts)


def page_specs(
    chapter: ComicChapter,
    *,
    images: Sequence[Path] = (),
    provider: ArtProvider | None = None,
    scale: float = 1.0,
    ctx: JobContext | None = None,
) -> tuple[list[PageSpec], list[str]]:
    """Pages with their art sources; provider failures become warnings and placeholders."""
    ctx = ctx or JobContext()
    warnings = [w for script in chapter.scripts for w in script.warnings]
    pages: list[PageSpec] = []
    panel_index = 0
    provider_failures = 0
    for script in chapter.scripts:
        for panels in paginate(script.panels):
            art: list[bytes | str | None] = []
            for panel in panels:
                ctx.check()
                source: bytes | str | None = None
                if images:
                    source = str(images[panel_index % len(images)])
                elif provider is not None and provider_failures < 3:
                    try:
                        size = (round(PAGE_SIZE[0] * scale / 2), round(PAGE_SIZE[1] * scale / 3))
                        picture = generated_art(provider, panel.description, size)
                        buf = io.BytesIO()
                        picture.save(buf, "PNG", compress_level=1)
                        source = buf.getvalue()
                    except ArtProviderError as exc:
                        provider_failures += 1
                        warnings.append(f"panel {panel_index + 1}: {exc}; a placeholder was used")
                        if provider_failures == 3:
                            warnings.append(
                                "the image provider failed three times; placeholders for the rest"
                            )
                art.append(source)
                panel_index += 1
            pages.append(PageSpec(len(pages) + 1, panels, art, scale))
    return pages, warnings


def render_pages(
    specs: list[PageSpec], *, workers: int | None = None, ctx: JobContext | None = None
) -> tuple[list[bytes], list[str]]:
    """Each page as JPEG bytes, in order, and the pages' warnings.

    Pages render in ``workers`` processes (default: up to 2).
    """
    ctx = ctx or JobContext()
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    out: list[bytes] = []
    warnings: list[str] = []
    if workers <= 1 or len(specs) < 3:
        for i, spec in enumerate(specs):
            ctx.progress(i, len(specs), f"Drawing page {i + 1} of {len(specs)}")
            data, page_warnings = _page_jpeg(spec)
            out.append(data)
            warnings += page_warnings
        return out, warnings
    # Spawned, not forked: the desktop runs this job on a Qt worker thread, and forking a
    # threaded process can deadlock the child.
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_page_jpeg, spec) for spec in specs]
        try:
            for i, future in enumerate(futures):
                ctx.progress(i, len(specs), f"Drawing page {i + 1} of {len(specs)}")
                data, page_warnings = future.result()
                out.append(data)
                warnings += page_warnings
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return out, warnings


def _page_jpeg(spec: PageSpec) -> tuple[bytes, list[str]]:
    rendered: PageRender = render_page(spec)
    buf = io.BytesIO()
    rendered.image.save(buf, "JPEG", quality=88)
    return buf.getvalue(), rendered.warnings


def comic_info_xml(chapter: ComicChapter, pages: list[bytes]) -> str:
    """ComicInfo.xml (the Anansi schema v2.0 that comic readers understand).

    Elements follow the schema's sequence order, which strict validators require.
    """
    from PIL import Image

    entries = []
    for i, data in enumerate(pages):
        width, height = Image.open(io.BytesIO(data)).size  # reads the header only
        kind = ' Type="FrontCover"' if i == 0 else ""
        entries.append(
            f'    <Page Image="{i}"{kind} ImageSize="{len(data)}" '
            f'ImageWidth="{width}" ImageHeight="{height}" />'
        )
    page_count = len(pages)
    page_list = "\n".join(entries)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<ComicInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"  <Title>{escape(chapter.title)}</Title>\n"
        f"  <Series>{escape(chapter.series)}</Series>\n"
        f"  <Number>{chapter.number}</Number>\n"
        f"  <Writer>{escape(chapter.writer)}</Writer>\n"
        f"  <PageCount>{page_count}</PageCount>\n"
        f"  <LanguageISO>{escape(chapter.language)}</LanguageISO>\n"
        "  <Manga>No</Manga>\n"
        f"  <Pages>\n{page_list}\n  </Pages>\n"
        "</ComicInfo>\n"
    )


def write_cbz(chapter: ComicChapter, pages: list[bytes], path: Path) -> None:
    """A CBZ: the pages (page-001.jpg, ...) in reading order, then ComicInfo.xml."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for i, data in enumerate(pages, start=1):
            archive.writestr(f"page-{i:03d}.jpg", data, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "ComicInfo.xml", comic_info_xml(chapter, pages), compress_type=zipfile.ZIP_DEFLATED
        )
    write_atomic(buf.getvalue(), path)


def write_pdf(chapter: ComicChapter, pages: list[bytes], path: Path, dpi: float) -> None:
    """A PDF, one page per comic page, at ``dpi`` (the pages' JPEG data are embedded)."""
    from PIL import Image

    images = [Image.open(io.BytesIO(data)) for data in pages]
    buf = io.BytesIO()
    images[0].save(
        buf, "PDF", save_all=True, append_images=images[1:], resolution=dpi,
        title=f"{chapter.series} — {chapter.title}", author=chapter.writer,
    )  # fmt: skip
    write_atomic(buf.getvalue(), path)


def make_comic(
    library: Library,
    book_ref: str,
    chapter_number: int,
    output: Path,
    *,
    client: Any = None,
    provider: ArtProvider | None = None,
    images: Sequence[Path] = (),
    scale: float = 1.0,
    workers: int | None = None,
    ctx: JobContext | None = None,
) -> ComicResult:
    """Draw a chapter as a comic and write ``output`` (.cbz or .pdf)."""
    suffix = output.suffix.lower()
    if suffix not in (".cbz", ".pdf"):
        raise ImagingError(f"{output.name}: choose a .cbz or .pdf file name")
    if not output.parent.is_dir():
        raise ImagingError(f"{output}: the folder does not exist")
    ctx = ctx or JobContext()
    chapter = load_chapter(library, book_ref, chapter_number, client=client, ctx=ctx)
    specs, warnings = page_specs(chapter, images=images, provider=provider, scale=scale, ctx=ctx)
    pages, page_warnings = render_pages(specs, workers=workers, ctx=ctx)
    warnings += page_warnings
    ctx.progress(len(specs), len(specs), "Writing the archive")
    if suffix == ".cbz":
        write_cbz(chapter, pages, output)
    else:
        write_pdf(chapter, pages, output, PDF_DPI * scale)
    return ComicResult(output, len(pages), warnings)
