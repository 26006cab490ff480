"""Repositories for research notes: the binder's Research folder of each book.

A note holds the Markdown subset like a prose scene, but it is the writer's material, not the
manuscript: nothing here touches a chapter's or a book's word count, and export, narration,
statistics and targets never read notes. As in :mod:`core.store.manuscript`, every function
takes its arguments by keyword and leaves committing to the caller's unit of work; lists skip
what is in the trash, and a note's own word count is kept true whenever its text changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import Book, Note
from core.errors import AuthorWorksError, NotFoundError
from core.store.tallies import renumber
from core.store.trash import move_to_trash, restore_from_trash
from core.text import count_words

__all__ = [
    "NoteOutline",
    "add_note",
    "duplicate_note",
    "get_note",
    "list_notes",
    "move_note",
    "notes_outline",
    "rename_note",
    "restore_note",
    "set_note_text",
    "trash_note",
]


@dataclass(frozen=True)
class NoteOutline:
    """What the binder shows of a note: no text."""

    id: str
    title: str
    word_count: int


def list_notes(*, session: Session, book_id: str) -> list[Note]:
    """The live notes of a book, in the writer's order."""
    stmt = (
        select(Note)
        .where(Note.book_id == book_id, Note.deleted_at.is_(None))
        .order_by(Note.ordinal, Note.id)
    )
    return list(session.scalars(stmt))


def get_note(*, session: Session, note_id: str) -> Note:
    note = session.get(Note, note_id)
    if note is None or note.deleted_at is not None:
        raise NotFoundError(f"no note with id {note_id}")
    return note


def notes_outline(
    *, session: Session, book_ids: Iterable[str] | None = None
) -> dict[str, list[NoteOutline]]:
    """Book id -> its live notes' titles and counts, in order: one query, no text read."""
    stmt = select(Note.id, Note.book_id, Note.title, Note.word_count).where(
        Note.deleted_at.is_(None)
    )
    if book_ids is not None:
        stmt = stmt.where(Note.book_id.in_(list(book_ids)))
    outline: dict[str, list[NoteOutline]] = defaultdict(list)
    for note_id, book_id, title, words in session.execute(
        stmt.order_by(Note.book_id, Note.ordinal, Note.id)
    ):
        outline[book_id].append(NoteOutline(note_id, title, words))
    return dict(outline)


def add_note(
    *, session: Session, book: Book, title: str = "", text: str = "", index: int | None = None
) -> Note:
    """Add a note to the book's research at ``index`` (default: at the end)."""
    if book.deleted_at is not None:
        raise AuthorWorksError(f"{book.title!r} is in the trash; restore it first")
    notes = list_notes(session=session, book_id=book.id)
    note = Note(book_id=book.id, title=title, text=text, ordinal=0, word_count=count_words(text))
    session.add(note)
    notes.insert(len(notes) if index is None else max(0, min(index, len(notes))), note)
    renumber(notes)
    session.flush()
    return note


def rename_note(*, session: Session, note: Note, title: str) -> Note:
    title = title.strip()
    if not title:
        raise AuthorWorksError("a title cannot be empty")
    note.title = title
    session.flush()
    return note


def set_note_text(*, session: Session, note: Note, text: str) -> Note:
    """Replace a note's text and keep its word count true (no book count changes)."""
    if text == note.text:
        return note
    note.text = text
    note.word_count = count_words(text)
    session.flush()
    return note


def duplicate_note(*, session: Session, note: Note) -> Note:
    """A copy of ``note`` placed right after it."""
    ids = [n.id for n in list_notes(session=session, book_id=note.book_id)]
    return add_note(
        session=session,
        book=note.book,
        title=f"{note.title or 'Note'} (copy)",
        text=note.text,
        index=ids.index(note.id) + 1 if note.id in ids else None,
    )


def move_note(*, session: Session, note: Note, index: int) -> None:
    """Move a note to 0-based ``index`` among its book's live notes."""
    siblings = [n for n in list_notes(session=session, book_id=note.book_id) if n is not note]
    siblings.insert(max(0, min(index, len(siblings))), note)
    renumber(siblings)
    session.flush()


def trash_note(*, session: Session, note: Note) -> None:
    """Move a note to the trash (restorable with :func:`restore_note` or the trash)."""
    move_to_trash(session=session, item=note)


def restore_note(*, session: Session, note_id: str) -> Note:
    """Bring a note back from the trash, and its book if that is trashed too."""
    note = restore_from_trash(session=session, kind="note", item_id=note_id)
    assert isinstance(note, Note)
    return note
