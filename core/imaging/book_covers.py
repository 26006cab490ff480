"""Covers for books in the library: a design from the book's fields, renders, the cover asset.

The book's current cover is the newest Asset of kind ``cover`` (EPUB, PDF and M4B export
read it through :func:`core.store.assets.book_cover`). A design the writer edited in the
desktop is kept in the book's metadata under ``cover_design`` and reused by the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session

from core.domain import Book
from core.imaging.cover import encode_image, render_cover, save_image
from core.imaging.geometry import CoverGeometry, ebook_geometry, estimate_pages, print_geometry
from core.imaging.templates import CoverDesign, design_for
from core.store.assets import add_asset
from core.store.library import Library
from core.store.manuscript import find_book, get_book

DEFAULT_TEMPLATE = "classic"
DESIGN_KEY = "cover_design"
PRINT_COVER_KIND = "print-cover"


@dataclass
class CoverResult:
    """What a cover job made."""

    path: Path | None
    size: tuple[int, int]
    warnings: list[str] = field(default_factory=list)
    asset_id: str | None = None


def design_for_book(
    book: Book, template: str | None = None, image: Path | None = None
) -> CoverDesign:
    """The book's saved design, or ``template`` filled with its title, author and series."""
    meta: dict[str, Any] = dict(book.metadata_ or {})
    saved = meta.get(DESIGN_KEY)
    if template is None and isinstance(saved, dict):
        design = CoverDesign.from_dict(saved)
    else:
        design = design_for(
            template or DEFAULT_TEMPLATE,
            title=book.title,
            subtitle=book.subtitle,
            author=book.author,
            series=str(meta.get("series", "") or ""),
            blurb=book.description,
        )
    if image is not None:
        design.background.type = "image"
        design.background.image_path = str(image)
        design.background.tint = design.background.tint or "#00000050"
    return design


def geometry_for_book(
    book: Book, size: str, *, trim: str = "6x9", pages: int | None = None, paper: str = "cream"
) -> CoverGeometry:
    """The ebook geometry, or the print wrap with the page count estimated from the words."""
    if size == "ebook":
        return ebook_geometry()
    return print_geometry(trim, pages or estimate_pages(book.word_count, trim), paper)


def store_cover(
    *, session: Session, library: Library, book: Book, image: Image.Image, kind: str = "cover"
) -> str:
    """Save ``image`` as the book's cover asset (PNG) and return the asset id."""
    data = encode_image(image, "PNG")
    asset = add_asset(
        session=session, library=library, book=book, source=data, kind=kind,
        filename=f"{kind}.png",
    )  # fmt: skip
    return asset.id


def save_design(*, session: Session, book_id: str, design: CoverDesign) -> None:
    """Remember ``design`` as the book's cover design."""
    book = get_book(session=session, book_id=book_id)
    meta = dict(book.metadata_ or {})
    meta[DESIGN_KEY] = design.to_dict()
    book.metadata_ = meta
    session.flush()


def make_book_cover(
    library: Library,
    book_ref: str,
    *,
    output: Path | None,
    template: str | None = None,
    size: str = "ebook",
    trim: str = "6x9",
    pages: int | None = None,
    paper: str = "cream",
    image: Path | None = None,
    store: bool = True,
) -> CoverResult:
    """Render a book's cover, write it to ``output`` and (if ``store``) keep it as an asset.

    An ebook cover becomes the book's ``cover`` asset; a print wrap is kept as ``print-cover``.
    """
    with library.session() as session:
        book = find_book(session=session, ref=book_ref)
        design = design_for_book(book, template, image)
        geometry = geometry_for_book(book, size, trim=trim, pages=pages, paper=paper)
        rendered = render_cover(design, geometry)
        if output is not None:
            save_image(rendered.image, output)
        asset_id = None
        if store:
            kind = "cover" if size == "ebook" else PRINT_COVER_KIND
            asset_id = store_cover(
                session=session, library=library, book=book, image=rendered.image, kind=kind
            )
    return CoverResult(output, rendered.image.size, rendered.warnings, asset_id)
