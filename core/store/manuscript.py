"""Repositories for books, chapters and scenes.

All functions take the session and their arguments by keyword, and leave committing to the
caller's unit of work (``with library.session() as s: ...``). Lists skip what is in the trash.
Word counts are recomputed here whenever text or structure changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain import Book, Chapter, Character, Location, LoreEntry, Scene
from core.domain.models import BOOK_EDITABLE_FIELDS
from core.domain.values import ContentType
from core.errors import AmbiguousError, AuthorWorksError, NotFoundError
from core.store.tallies import recount, renumber
from core.text import count_characters, count_words

_UUID_PREFIX_RE = re.compile(r"^[0-9a-f]{8}(?:-[0-9a-f-]{0,27})?$", re.IGNORECASE)
_BOOK_FIELDS = frozenset(BOOK_EDITABLE_FIELDS)
# Books whose scenes hold Fountain rather than Markdown.
_SCRIPT_TYPES = frozenset({ContentType.SCREENPLAY.value, ContentType.PLAY.value})


# ---------------------------------------------------------------------------- books


def create_book(
    *,
    session: Session,
    title: str,
    author: str = "",
    content_type: str = ContentType.NOVEL,
    **fields: Any,
) -> Book:
    """Add a new empty book."""
    title = title.strip()
    if not title:
        raise AuthorWorksError("a book needs a title")
    ContentType(content_type)  # raises ValueError for an unknown type
    metadata = fields.pop("metadata", None) or {}
    unknown = set(fields) - _BOOK_FIELDS
    if unknown:
        raise TypeError(f"unknown book fields: {', '.join(sorted(unknown))}")
    book = Book(title=title, author=author, content_type=str(content_type), metadata_=metadata)
    for key, value in fields.items():
        setattr(book, key, value)
    session.add(book)
    session.flush()
    return book


def list_books(*, session: Session, include_trashed: bool = False) -> list[Book]:
    stmt = select(Book).order_by(func.lower(Book.title), Book.id)
    if not include_trashed:
        stmt = stmt.where(Book.deleted_at.is_(None))
    return list(session.scalars(stmt))


def get_book(*, session: Session, book_id: str) -> Book:
    book = session.get(Book, book_id)
    if book is None or book.deleted_at is not None:
        raise NotFoundError(f"no book with id {book_id}")
    return book


def find_book(*, session: Session, ref: str) -> Book:
    """A book by id, unique id prefix (8+ hex digits) or unique title prefix (any case).

    An exact title match wins over longer titles that share the prefix.
    """
    ref = ref.strip()
    if not ref:
        raise NotFoundError("no book named: give a book id or the start of its title")
    live = Book.deleted_at.is_(None)
    book = session.get(Book, ref)
    if book is not None and book.deleted_at is None:
        return book
    if _UUID_PREFIX_RE.match(ref):
        by_id = list(session.scalars(select(Book).where(live, Book.id.startswith(ref.lower()))))
        if len(by_id) == 1:
            return by_id[0]
    lowered = ref.casefold()
    candidates = [b for b in list_books(session=session) if b.title.casefold().startswith(lowered)]
    exact = [b for b in candidates if b.title.casefold() == lowered]
    if len(exact) == 1:
        return exact[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NotFoundError(f"no book matches {ref!r}")
    names = "; ".join(f"{b.title} ({b.id[:13]})" for b in candidates[:5])
    raise AmbiguousError(
        f"{ref!r} matches {len(candidates)} books: {names}; use more of the title or the id"
    )


def update_book(*, session: Session, book: Book, **fields: Any) -> Book:
    unknown = set(fields) - _BOOK_FIELDS - {"metadata"}
    if unknown:
        raise TypeError(f"unknown book fields: {', '.join(sorted(unknown))}")
    if "content_type" in fields:
        ContentType(fields["content_type"])
    if "metadata" in fields:
        book.metadata_ = dict(fields.pop("metadata"))
    for key, value in fields.items():
        setattr(book, key, value)
    session.flush()
    return book


# ---------------------------------------------------------------------------- chapters


def list_chapters(*, session: Session, book_id: str) -> list[Chapter]:
    stmt = (
        select(Chapter)
        .where(Chapter.book_id == book_id, Chapter.deleted_at.is_(None))
        .order_by(Chapter.ordinal)
    )
    return list(session.scalars(stmt))


def get_chapter(*, session: Session, chapter_id: str) -> Chapter:
    chapter = session.get(Chapter, chapter_id)
    if chapter is None or chapter.deleted_at is not None:
        raise NotFoundError(f"no chapter with id {chapter_id}")
    return chapter


def chapter_by_number(*, session: Session, book: Book, number: int) -> Chapter:
    """The chapter at 1-based position ``number`` among the book's live chapters."""
    chapters = list_chapters(session=session, book_id=book.id)
    if not 1 <= number <= len(chapters):
        raise NotFoundError(
            f"{book.title!r} has {len(chapters)} chapter(s); there is no chapter {number}"
        )
    return chapters[number - 1]


def add_chapter(
    *,
    session: Session,
    book: Book,
    title: str = "",
    synopsis: str = "",
    index: int | None = None,
) -> Chapter:
    """Add a chapter at ``index`` among the live chapters (default: at the end)."""
    chapters = list_chapters(session=session, book_id=book.id)
    chapter = Chapter(book_id=book.id, title=title, synopsis=synopsis, ordinal=0)
    session.add(chapter)
    position = len(chapters) if index is None else max(0, min(index, len(chapters)))
    chapters.insert(position, chapter)
    renumber(chapters)
    session.flush()
    return chapter


def move_chapter(
    *, session: Session, chapter: Chapter, index: int, book: Book | None = None
) -> None:
    """Move a chapter to 0-based ``index`` among the live chapters of ``book``.

    ``book`` defaults to the chapter's own book. Moving to another book renumbers the
    chapters of both books and recounts both books' words; prose (Markdown) and script
    (Fountain) books do not exchange chapters, since their scene text is read differently.
    """
    old_book_id = chapter.book_id
    target_id = old_book_id if book is None else book.id
    if book is not None and target_id != old_book_id:
        if book.deleted_at is not None:
            raise AuthorWorksError(f"{book.title!r} is in the trash; restore it first")
        old_book = get_book(session=session, book_id=old_book_id)
        if (old_book.content_type in _SCRIPT_TYPES) != (book.content_type in _SCRIPT_TYPES):
            raise AuthorWorksError(
                f"cannot move a chapter from {old_book.title!r} ({old_book.content_type}) "
                f"to {book.title!r} ({book.content_type}): their scenes are written differently"
            )
    chapters = [c for c in list_chapters(session=session, book_id=target_id) if c is not chapter]
    chapters.insert(max(0, min(index, len(chapters))), chapter)
    chapter.book_id = target_id
    renumber(chapters)
    session.flush()
    if target_id != old_book_id:
        renumber(list_chapters(session=session, book_id=old_book_id))
        session.flush()
        recount_book(session=session, book_id=old_book_id)
        recount_book(session=session, book_id=target_id)


# ---------------------------------------------------------------------------- scenes


def list_scenes(*, session: Session, chapter_id: str) -> list[Scene]:
    stmt = (
        select(Scene)
        .where(Scene.chapter_id == chapter_id, Scene.deleted_at.is_(None))
        .order_by(Scene.ordinal)
    )
    return list(session.scalars(stmt))


def get_scene(*, session: Session, scene_id: str) -> Scene:
    scene = session.get(Scene, scene_id)
    if scene is None or scene.deleted_at is not None:
        raise NotFoundError(f"no scene with id {scene_id}")
    return scene


def add_scene(
    *,
    session: Session,
    chapter: Chapter,
    title: str = "",
    text: str = "",
    synopsis: str = "",
    index: int | None = None,
) -> Scene:
    """Add a scene at ``index`` in ``chapter`` (default: at the end)."""
    scenes = list_scenes(session=session, chapter_id=chapter.id)
    scene = Scene(
        chapter_id=chapter.id,
        title=title,
        text=text,
        synopsis=synopsis,
        ordinal=0,
        word_count=count_words(text),
    )
    session.add(scene)
    position = len(scenes) if index is None else max(0, min(index, len(scenes)))
    scenes.insert(position, scene)
    renumber(scenes)
    session.flush()
    recount_chapter(session=session, chapter_id=chapter.id)
    return scene


def set_scene_text(*, session: Session, scene: Scene, text: str) -> Scene:
    """Replace a scene's text and keep the word counts of scene, chapter and book true."""
    if text == scene.text:
        return scene
    scene.text = text
    scene.word_count = count_words(text)
    session.flush()
    recount_chapter(session=session, chapter_id=scene.chapter_id)
    return scene


def move_scene(*, session: Session, scene: Scene, chapter: Chapter, index: int) -> None:
    """Move a scene to 0-based ``index`` in ``chapter`` (which may be another chapter)."""
    old_chapter_id = scene.chapter_id
    siblings = [s for s in list_scenes(session=session, chapter_id=chapter.id) if s is not scene]
    siblings.insert(max(0, min(index, len(siblings))), scene)
    scene.chapter_id = chapter.id
    renumber(siblings)
    session.flush()
    if old_chapter_id != chapter.id:
        renumber(list_scenes(session=session, chapter_id=old_chapter_id))
        recount_chapter(session=session, chapter_id=old_chapter_id)
    recount_chapter(session=session, chapter_id=chapter.id)


# ---------------------------------------------------------------------------- counts


def recount_chapter(*, session: Session, chapter_id: str) -> None:
    """Sum the live scenes' word counts into the chapter, then the book."""
    session.flush()
    book_id = session.scalar(select(Chapter.book_id).where(Chapter.id == chapter_id))
    recount(session, chapters=[chapter_id], books=[book_id] if book_id else [])
    _expire_counts(session, Chapter, chapter_id)
    if book_id:
        _expire_counts(session, Book, book_id)


def recount_book(*, session: Session, book_id: str) -> None:
    session.flush()
    recount(session, books=[book_id])
    _expire_counts(session, Book, book_id)


def _expire_counts(session: Session, model: type[Book] | type[Chapter], row_id: str) -> None:
    # The rows of this session still hold the old counts.
    obj = session.identity_map.get(session.identity_key(model, row_id))
    if obj is not None:
        session.expire(obj, ["word_count", "updated_at"])


@dataclass(frozen=True)
class BookStats:
    words: int
    chapters: int
    scenes: int
    characters: int  # characters of prose, without markup
    codex_characters: int
    locations: int
    lore_entries: int
    word_target: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def book_stats(*, session: Session, book: Book) -> BookStats:
    """Counts for a book from the stored word counts (no prose is re-counted but characters)."""
    live_chapters = select(Chapter.id).where(
        Chapter.book_id == book.id, Chapter.deleted_at.is_(None)
    )
    live_scenes = Scene.chapter_id.in_(live_chapters.scalar_subquery()) & Scene.deleted_at.is_(None)
    n_chapters = session.scalar(select(func.count()).select_from(live_chapters.subquery()))
    n_scenes, words = session.execute(
        select(func.count(Scene.id), func.coalesce(func.sum(Scene.word_count), 0)).where(
            live_scenes
        )
    ).one()
    chars = sum(count_characters(t) for t in session.scalars(select(Scene.text).where(live_scenes)))

    def codex_count(model: type[Character] | type[Location] | type[LoreEntry]) -> int:
        return (
            session.scalar(
                select(func.count(model.id)).where(
                    model.book_id == book.id, model.deleted_at.is_(None)
                )
            )
            or 0
        )

    return BookStats(
        words=int(words),
        chapters=int(n_chapters or 0),
        scenes=int(n_scenes),
        characters=chars,
        codex_characters=codex_count(Character),
        locations=codex_count(Location),
        lore_entries=codex_count(LoreEntry),
        word_target=book.word_target,
    )
