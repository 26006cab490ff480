"""The outline of a library: books, chapters and scenes with titles and counts, no prose.

Views that show the structure of a manuscript (the desktop binder, a table of contents)
need every title and word count but none of the text. Reading the scenes through
:func:`core.store.manuscript.list_scenes` would load all the prose, one query per chapter;
the outline is three queries for the whole library and leaves the text on disk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import Chapter, Scene
from core.store.manuscript import list_books


@dataclass(frozen=True)
class SceneOutline:
    id: str
    title: str
    synopsis: str
    word_count: int


@dataclass(frozen=True)
class ChapterOutline:
    id: str
    title: str
    synopsis: str
    word_count: int
    scenes: tuple[SceneOutline, ...]


@dataclass(frozen=True)
class BookOutline:
    id: str
    title: str
    description: str
    content_type: str
    word_count: int
    chapters: tuple[ChapterOutline, ...]


def library_outline(*, session: Session, book_id: str | None = None) -> list[BookOutline]:
    """Live books (or the one ``book_id``) with live chapters and scenes, in reading order."""
    books = [b for b in list_books(session=session) if book_id is None or b.id == book_id]
    if not books:
        return []
    book_ids = [b.id for b in books]
    live_chapter = Chapter.deleted_at.is_(None) & Chapter.book_id.in_(book_ids)
    chapter_rows = session.execute(
        select(Chapter.id, Chapter.book_id, Chapter.title, Chapter.synopsis, Chapter.word_count)
        .where(live_chapter)
        .order_by(Chapter.book_id, Chapter.ordinal)
    ).all()
    scene_rows = session.execute(
        select(Scene.id, Scene.chapter_id, Scene.title, Scene.synopsis, Scene.word_count)
        .join(Chapter, Scene.chapter_id == Chapter.id)
        .where(live_chapter, Scene.deleted_at.is_(None))
        .order_by(Scene.chapter_id, Scene.ordinal)
    ).all()
    scenes_of: dict[str, list[SceneOutline]] = defaultdict(list)
    for s_id, chapter_id, title, synopsis, words in scene_rows:
        scenes_of[chapter_id].append(SceneOutline(s_id, title, synopsis, words))
    chapters_of: dict[str, list[ChapterOutline]] = defaultdict(list)
    for c_id, b_id, title, synopsis, words in chapter_rows:
        chapters_of[b_id].append(
            ChapterOutline(c_id, title, synopsis, words, tuple(scenes_of.get(c_id, ())))
        )
    return [
        BookOutline(
            b.id,
            b.title,
            b.description,
            b.content_type,
            b.word_count,
            tuple(chapters_of.get(b.id, ())),
        )
        for b in books
    ]
