"""Repositories for the codex: characters, locations and lore entries of a book."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import Book, Character, Location, LoreEntry

CodexEntry = Character | Location | LoreEntry
CODEX_KINDS: dict[str, type[CodexEntry]] = {
    "character": Character,
    "location": Location,
    "lore": LoreEntry,
}


def add_codex_entry(
    *, session: Session, book: Book, kind: str, name: str, **fields: Any
) -> CodexEntry:
    """Add a character, location or lore entry to a book's codex."""
    model = CODEX_KINDS.get(kind)
    if model is None:
        raise ValueError(f"unknown codex kind {kind!r} (one of {', '.join(CODEX_KINDS)})")
    name = name.strip()
    if not name:
        raise ValueError("a codex entry needs a name")
    entry = model(book_id=book.id, name=name)
    for key, value in fields.items():
        if not hasattr(model, key):
            raise TypeError(f"{kind} has no field {key!r}")
        setattr(entry, key, value)
    session.add(entry)
    session.flush()
    return entry


def list_codex(*, session: Session, book_id: str, kind: str | None = None) -> list[CodexEntry]:
    """A book's live codex entries, by kind then name."""
    kinds = [kind] if kind else list(CODEX_KINDS)
    entries: list[CodexEntry] = []
    for k in kinds:
        model = CODEX_KINDS[k]
        stmt = (
            select(model)
            .where(model.book_id == book_id, model.deleted_at.is_(None))
            .order_by(model.name)
        )
        entries.extend(session.scalars(stmt))
    return entries
