"""Repositories for the codex: characters, locations and lore entries of a book."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import Asset, Book, Character, Location, LoreEntry
from core.errors import AuthorWorksError, NotFoundError

if TYPE_CHECKING:
    from core.store.library import Library

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


# ---------------------------------------------------------------------------- editing

# Fields a writer edits in the codex form, per kind (besides name and aliases).
EDITABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "character": ("description", "pinned", "role", "background", "traits"),
    "location": ("description", "pinned"),
    "lore": ("description", "pinned", "category"),
}


@dataclass(frozen=True)
class CodexName:
    """One name a codex entry goes by in the prose: its name or one of its aliases."""

    kind: str
    entry_id: str
    name: str


def codex_kind(entry: CodexEntry) -> str:
    """The kind ("character", "location", "lore") of an entry."""
    for kind, model in CODEX_KINDS.items():
        if isinstance(entry, model):
            return kind
    raise TypeError(f"not a codex entry: {entry!r}")


def get_codex_entry(*, session: Session, kind: str, entry_id: str) -> CodexEntry:
    """A live codex entry by kind and id; NotFoundError if missing or trashed."""
    model = CODEX_KINDS.get(kind)
    if model is None:
        raise ValueError(f"unknown codex kind {kind!r} (one of {', '.join(CODEX_KINDS)})")
    entry = cast(CodexEntry | None, session.get(model, entry_id))
    if entry is None or entry.deleted_at is not None:
        raise NotFoundError(f"no {kind} with id {entry_id}")
    return entry


def clean_aliases(name: str, aliases: Iterable[str]) -> list[str]:
    """Aliases stripped, without blanks, repeats (any case) or the entry's own name."""
    seen = {name.strip().casefold()}
    cleaned: list[str] = []
    for alias in aliases:
        alias = " ".join(alias.split())
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            cleaned.append(alias)
    return cleaned


def update_codex_entry(*, session: Session, entry: CodexEntry, **fields: Any) -> CodexEntry:
    """Change an entry's name, aliases or the fields of its kind (see EDITABLE_FIELDS)."""
    kind = codex_kind(entry)
    allowed = {"name", "aliases", *EDITABLE_FIELDS[kind]}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{kind} has no editable field {', '.join(sorted(unknown))}")
    if "name" in fields:
        name = str(fields.pop("name")).strip()
        if not name:
            raise AuthorWorksError("a codex entry needs a name")
        entry.name = name
    if "aliases" in fields:
        entry.aliases = clean_aliases(entry.name, fields.pop("aliases"))
    if "traits" in fields:
        fields["traits"] = [t.strip() for t in fields["traits"] if t.strip()]
    for key, value in fields.items():
        setattr(entry, key, value)
    session.flush()
    return entry


def delete_codex_entry(*, session: Session, entry: CodexEntry) -> None:
    """Move an entry to the trash (it can be restored from there)."""
    from core.store.trash import move_to_trash

    move_to_trash(session=session, item=entry)


def set_codex_image(
    *, session: Session, library: Library, entry: CodexEntry, source: Path | bytes | None
) -> Asset | None:
    """Give an entry an image (stored as an asset of its book), or remove it with None."""
    if source is None:
        entry.image_asset_id = None
        session.flush()
        return None
    from core.store.assets import add_asset

    book = session.get(Book, entry.book_id)
    asset = add_asset(session=session, library=library, book=book, source=source, kind="codex")
    if not asset.media_type.startswith("image/"):
        raise AuthorWorksError(f"{asset.filename or 'the file'}: not an image")
    entry.image_asset_id = asset.id
    session.flush()
    return asset


def codex_names(*, session: Session, book_id: str) -> list[CodexName]:
    """Every name and alias of the book's live entries, longest first.

    Longest first lets a highlighter prefer "Anna Marsh" over "Anna" where both match.
    """
    names = [
        CodexName(codex_kind(entry), entry.id, name)
        for entry in list_codex(session=session, book_id=book_id)
        for name in [entry.name, *(entry.aliases or [])]
        if name.strip()
    ]
    return sorted(names, key=lambda n: (-len(n.name), n.name.casefold()))
