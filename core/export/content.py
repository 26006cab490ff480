"""The book as plain data for the exporters, read once from the library.

Exporters work on this snapshot rather than on ORM rows, so an export can run in a worker
thread while the writer keeps typing, and every format sees exactly the same text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.errors import ExportFailedError
from core.export.options import ExportOptions
from core.store.library import Library

# Scripts written right to left: Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms.
_RTL_RE = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
RTL_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ku-arab"}


# Characters XML cannot hold (EPUB, DOCX): C0 controls other than tab, newline and return.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` without the control characters that no export format can carry."""
    return _CONTROL_RE.sub("", text) if text else ""


def has_rtl(text: str) -> bool:
    """True if ``text`` contains characters of a right-to-left script."""
    return _RTL_RE.search(text) is not None


@dataclass(frozen=True)
class SceneContent:
    title: str
    text: str  # the Markdown subset (Fountain for screenplays and plays)
    synopsis: str = ""
    id: str = ""  # the scene's entity id


@dataclass(frozen=True)
class ChapterContent:
    number: int  # 1-based position among the book's live chapters
    title: str
    scenes: tuple[SceneContent, ...]
    synopsis: str = ""
    id: str = ""  # the chapter's entity id (stable while chapters move and are added)

    @property
    def display_title(self) -> str:
        """The heading shown for the chapter: its title, or "Chapter N" when untitled."""
        return self.title.strip() or f"Chapter {self.number}"


@dataclass(frozen=True)
class CoverImage:
    data: bytes
    media_type: str  # image/jpeg or image/png
    width: int
    height: int

    @property
    def suffix(self) -> str:
        return ".png" if self.media_type == "image/png" else ".jpg"


@dataclass
class BookContent:
    """Everything an exporter needs about a book, detached from the database."""

    id: str
    title: str
    subtitle: str = ""
    author: str = ""
    language: str = "en"
    description: str = ""
    content_type: str = "novel"
    status: str = ""  # the writer's own word for where the book is ("complete", "drafting")
    subjects: list[str] = field(default_factory=list)
    series: str = ""
    series_index: str = ""
    publisher: str = ""
    isbn: str = ""
    rights: str = ""  # copyright line; "" = "Copyright © <year> <author>"
    about_author: str = ""
    contact: str = ""  # manuscript title page: address, e-mail, agent
    chapters: list[ChapterContent] = field(default_factory=list)
    cover: CoverImage | None = None
    modified: datetime = field(default_factory=lambda: datetime.now(UTC))
    warnings: list[str] = field(default_factory=list)
    # With ``with_review``: the comments and changes marked in the scene texts (DOCX only).
    review: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    @property
    def identifier(self) -> str:
        return f"urn:isbn:{self.isbn}" if self.isbn else f"urn:uuid:{self.id}"

    @property
    def is_rtl(self) -> bool:
        return self.language.split("-")[0].lower() in RTL_LANGUAGES

    @property
    def copyright_line(self) -> str:
        if self.rights:
            return self.rights
        holder = self.author or self.title
        return f"Copyright © {self.modified.year} {holder}"

    @property
    def author_surname(self) -> str:
        parts = self.author.split()
        return parts[-1] if parts else "Anonymous"

    @property
    def word_count(self) -> int:
        from core.text import count_words

        return sum(count_words(s.text) for ch in self.chapters for s in ch.scenes)


def _text_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def _series(meta: dict[str, Any]) -> tuple[str, str]:
    series = meta.get("series")
    if isinstance(series, dict):
        return str(series.get("name", "")).strip(), str(series.get("number", "") or "").strip()
    index = meta.get("series_index", meta.get("series_number", ""))
    return (str(series).strip() if series else ""), str(index or "").strip()


def read_cover(data: bytes, name: str) -> tuple[CoverImage | None, str]:
    """A checked cover image from ``data``, or (None, the reason it cannot be used).

    Stores accept JPEG and PNG covers; other image types are converted to PNG.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            width, height = img.size
            kind = (img.format or "").upper()
            if kind in {"JPEG", "PNG"}:
                return CoverImage(data, f"image/{kind.lower()}", width, height), ""
            out = io.BytesIO()
            img.convert("RGB").save(out, "PNG")
            return CoverImage(out.getvalue(), "image/png", width, height), ""
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        return None, f"the cover image {name} is damaged or not an image ({exc})"


def _marked(session: Any, scene_id: str, content: BookContent) -> str:
    """The scene's text with its review marked (its stored text when it has none)."""
    from core.review.export_marks import marked_text
    from core.store.manuscript import get_scene
    from core.sync.documents import doc_text, new_doc
    from core.sync.live_store import live_doc

    stored = get_scene(session=session, scene_id=scene_id).text
    found = live_doc(session, scene_id)
    if found is None:
        return stored
    doc = new_doc(found.state)
    text, review = marked_text(doc)
    if not review or doc_text(doc) != stored:
        return stored  # no review, or the library's copy lags the text: the text as stored
    for part in ("comments", "changes"):
        content.review.setdefault(part, {}).update(review.get(part, {}))
    return text


# The book's own fields an exporter reads (the same names in the library and in its document).
BOOK_FIELDS = (
    "title",
    "subtitle",
    "author",
    "language",
    "description",
    "content_type",
    "genre",
    "status",
)


def book_fields_content(
    book_id: str, fields: Mapping[str, Any], *, modified: datetime | None = None
) -> BookContent:
    """A book's content with no chapters yet, from its fields (a library row's attributes or
    its synced document's values): the one place both readers of a book go through."""
    meta = dict(fields.get("metadata_") or {})
    series, series_index = _series(meta)
    if modified is not None and modified.tzinfo is None:
        modified = modified.replace(tzinfo=UTC)

    def text(name: str) -> str:
        return clean(str(fields.get(name) or ""))

    return BookContent(
        id=book_id,
        title=text("title"),
        subtitle=text("subtitle"),
        author=text("author"),
        language=text("language").strip() or "en",
        description=text("description"),
        content_type=str(fields.get("content_type") or "novel"),
        status=str(fields.get("status") or ""),
        subjects=_text_list(meta.get("subjects") or meta.get("keywords") or fields.get("genre")),
        series=series,
        series_index=series_index,
        publisher=str(meta.get("publisher", "") or ""),
        isbn=str(meta.get("isbn", "") or "").replace("-", "").replace(" ", ""),
        rights=str(meta.get("copyright", "") or meta.get("rights", "") or ""),
        about_author=str(meta.get("about_author", "") or ""),
        contact=str(meta.get("contact", "") or ""),
        modified=modified or datetime.now(UTC),
    )


def load_book_content(
    library: Library, book_id: str, options: ExportOptions, *, with_review: bool = False
) -> BookContent:
    """Read the book (and the chapters ``options`` selects) from the library.

    ``with_review``: scene texts carry their open comments and pending suggestions as marks
    (see core.review.export_marks), described in ``review``, for an exporter that writes them.
    """
    from core.store.assets import asset_path, book_cover
    from core.store.manuscript import get_book, list_chapters, list_scenes

    with library.session() as session:
        book = get_book(session=session, book_id=book_id)
        content = book_fields_content(
            book.id,
            {f: getattr(book, f) for f in (*BOOK_FIELDS, "metadata_")},
            modified=book.updated_at,
        )
        chapters = list_chapters(session=session, book_id=book.id)
        wanted = set(options.chapters) if options.chapters else None
        if wanted is not None:
            unknown = sorted(n for n in wanted if not 1 <= n <= len(chapters))
            if unknown:
                raise ExportFailedError(
                    f"{book.title!r} has {len(chapters)} chapter(s); there is no chapter "
                    f"{', '.join(map(str, unknown))}"
                )
        for number, chapter in enumerate(chapters, start=1):
            if wanted is not None and number not in wanted:
                continue
            scenes = tuple(
                SceneContent(
                    title=clean(s.title),
                    text=clean(_marked(session, s.id, content) if with_review else s.text),
                    synopsis=clean(s.synopsis),
                    id=s.id,
                )
                for s in list_scenes(session=session, chapter_id=chapter.id)
            )
            content.chapters.append(
                ChapterContent(
                    number, clean(chapter.title), scenes, clean(chapter.synopsis), chapter.id
                )
            )
        cover = book_cover(session=session, book_id=book.id)
        if cover is not None:
            path = asset_path(library, cover)
            name = cover.filename or path.name
            try:
                data = path.read_bytes()
            except OSError:
                content.warnings.append(
                    f"the cover image {name} is missing from the library; exported without a cover"
                )
            else:
                image, problem = read_cover(data, name)
                if image is None:
                    content.warnings.append(f"{problem}; exported without a cover")
                content.cover = image
    if not content.chapters:
        raise ExportFailedError(f"{content.title!r} has no chapters to export; add a chapter first")
    return content
