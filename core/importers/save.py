"""Storing a book draft in the library."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.domain import Book, Chapter, Scene
from core.domain.values import ContentType
from core.importers.draft import BookDraft
from core.store.codex import add_codex_entry
from core.text import count_words


def save_draft(*, session: Session, draft: BookDraft) -> Book:
    """Add the draft as a new book with its chapters, scenes and codex; counts included.

    Rows are built directly rather than through the one-at-a-time repository functions,
    because a long novel has thousands of scenes and renumbering each insert would be quadratic.
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
    book_words = 0
    for c_ord, ch in enumerate(draft.chapters, start=1):
        chapter = Chapter(book_id=book.id, ordinal=c_ord, title=ch.title, synopsis=ch.synopsis)
        session.add(chapter)
        session.flush()
        chapter_words = 0
        for s_ord, sc in enumerate(ch.scenes, start=1):
            words = count_words(sc.text)
            chapter_words += words
            session.add(
                Scene(
                    chapter_id=chapter.id,
                    ordinal=s_ord,
                    title=sc.title,
                    text=sc.text,
                    synopsis=sc.synopsis,
                    word_count=words,
                )
            )
        chapter.word_count = chapter_words
        book_words += chapter_words
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
    return book
