"""A book's trailer from the library: its cover, its pictures and its narrated blurb."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from core.imaging.book_covers import design_for_book
from core.imaging.cover import render_cover
from core.imaging.errors import ImageInputError, ImagingError
from core.imaging.geometry import ebook_geometry
from core.imaging.images import load_image
from core.imaging.trailer import TrailerResult, narrate_to_wav, render_trailer
from core.jobs import JobContext
from core.store.assets import asset_path, book_assets, book_cover
from core.store.library import Library
from core.store.manuscript import find_book

STILL_KINDS = ("image", "scene-image", "panel-art")
MAX_STILLS = 12


def make_book_trailer(
    library: Library,
    book_ref: str,
    output: Path,
    *,
    blurb: str | None = None,
    voice_over: Path | None = None,
    images: Sequence[Path] = (),
    ctx: JobContext | None = None,
) -> TrailerResult:
    """Render the trailer of a book to ``output`` (.mp4).

    The voice-over is ``voice_over`` (a WAV) or the blurb (default: the book's description)
    spoken by the narration engine. Stills: the cover (rendered from the book's design if it
    has no cover asset), the book's image assets, then ``images``.
    """
    ctx = ctx or JobContext()
    warnings: list[str] = []
    stills: list[Image.Image] = []
    with library.session() as session:
        book = find_book(session=session, ref=book_ref)
        title, author = book.title, book.author
        text = (blurb if blurb is not None else book.description).strip()
        cover = book_cover(session=session, book_id=book.id)
        sources = [asset_path(library, cover)] if cover is not None else []
        if cover is None:
            stills.append(render_cover(design_for_book(book), ebook_geometry().scaled(0.5)).image)
        for kind in STILL_KINDS:
            sources += [
                asset_path(library, a)
                for a in book_assets(session=session, book_id=book.id, kind=kind)
            ]
    for path in [*sources, *images][:MAX_STILLS]:
        try:
            stills.append(load_image(Path(path), target_size=(1600, 1600)))
        except ImageInputError as exc:
            warnings.append(f"trailer: {exc}; the picture was left out")
    if voice_over is None and not text:
        raise ImagingError(
            f"{title!r} has no description to narrate: give the trailer a blurb (--blurb) "
            "or a voice-over WAV (--voice-over)"
        )
    with tempfile.TemporaryDirectory(prefix="aw-trailer-") as tmp:
        if voice_over is None:
            ctx.progress(0, 1, "Narrating the blurb")
            voice_over = Path(tmp) / "blurb.wav"
            narrate_to_wav(text, voice_over)
        result = render_trailer(
            output, title=title, author=author, stills=stills, voice_over=voice_over, ctx=ctx
        )
    result.warnings[:0] = warnings
    return result
