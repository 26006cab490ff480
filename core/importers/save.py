"""Storing a book draft in the library."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.domain import Book, Chapter, Scene
from core.domain.values import ContentType
from core.ids import new_id
from core.importers.draft import BookDraft
from core.importers.review_marks import SceneMarks, has_marks, take_marks
from core.store.codex import add_codex_entry
from core.text import count_words


def save_draft(*, session: Session, draft: BookDraft) -> Book:
    """Add the draft as a new book with its chapters, scenes and codex; counts included.

    Chapters and scenes go in as two bulk INSERTs with ids made here, rather than through the
    one-at-a-time repository functions or the ORM unit of work: a long novel has thousands of
    scenes, and per-row flushes and renumbering would cost seconds.
    """
    try:
        content_type = ContentType(draft.content_type or "novel")
    except ValueError:
        raise ValueError(
            f"unknown book type {draft.content_type!r} "
            f"(one of {', '.join(t.value for t in ContentType)})"
        ) from None
    book = Book(
        title=draft.title.strip() or "Untitled",
        author=draft.author,
        subtitle=draft.subtitle,
        language=draft.language or "en",
        description=draft.description,
        content_type=content_type.value,
        metadata_=dict(draft.metadata),
    )
    session.add(book)
    session.flush()
    chapter_rows: list[dict[str, Any]] = []
    scene_rows: list[dict[str, Any]] = []
    marked: list[tuple[str, SceneMarks]] = []
    book_words = 0
    for c_ord, ch in enumerate(draft.chapters, start=1):
        chapter_id = new_id()
        chapter_words = 0
        for s_ord, sc in enumerate(ch.scenes, start=1):
            text = sc.text
            scene_id = new_id()
            if has_marks(text):
                text, marks = take_marks(text)
                if marks:
                    marked.append((scene_id, marks))
            words = count_words(text)
            chapter_words += words
            scene_rows.append(
                {
                    "id": scene_id,
                    "chapter_id": chapter_id,
                    "ordinal": s_ord,
                    "title": sc.title,
                    "text": text,
                    "synopsis": sc.synopsis,
                    "word_count": words,
                }
            )
        chapter_rows.append(
            {
                "id": chapter_id,
                "book_id": book.id,
                "ordinal": c_ord,
                "title": ch.title,
                "synopsis": ch.synopsis,
                "word_count": chapter_words,
            }
        )
        book_words += chapter_words
    if chapter_rows:
        session.execute(insert(Chapter), chapter_rows)
    if scene_rows:
        session.execute(insert(Scene), scene_rows)
    book.word_count = book_words
    for entry in draft.codex:
        add_codex_entry(
            session=session,
            book=book,
            kind=entry.kind,
            name=entry.name,
            aliases=list(entry.aliases),
            description=entry.description,
            **entry.fields,
        )
    session.flush()
    if marked:
        from core.review.imported import add_imported_review

        add_imported_review(session, marked, draft.review)
    return book
