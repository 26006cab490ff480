"""One pycrdt document per synced entity: fields in a Map, scene prose in a Text.

Research notes are documents like scenes (their text is a Text too), owned by their book.

A document's id is the entity's UUID, so the same scene on two devices is the same document
and can never be duplicated by sync. Field values are stored JSON-encoded so that their types
(ints, dicts, lists) come back exactly as they went in. Deleting to the trash is the field
``deleted_at``; removing for good is the tombstone field ``purged``.

Text edits are turned into the smallest insert/delete operations (common prefix and suffix
first, then a character diff of the middle), so two devices that edit different parts of the
same scene offline both keep their edits when the documents merge.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import pycrdt

from core.domain import Book, Chapter, Character, Location, LoreEntry, Note, Scene
from core.domain.models import BOOK_EDITABLE_FIELDS, ENTITY_KINDS
from core.text.edits import text_edits
from core.text.offsets import utf8_span

T = TypeVar("T")
SyncedEntity = Book | Chapter | Scene | Character | Location | LoreEntry | Note

MODELS: dict[str, type[SyncedEntity]] = ENTITY_KINDS
# Parents before children, so a materialised row always finds the row it points at.
MATERIALISE_ORDER = ("book", "note", "character", "location", "lore", "chapter", "scene")
# The kinds whose text is a shared Text (the others' documents leave it empty).
TEXT_KINDS = frozenset({"scene", "note"})

_CODEX = ("book_id", "name", "aliases", "description", "pinned", "image_asset_id", "deleted_at")
FIELDS: dict[str, tuple[str, ...]] = {
    "book": (*BOOK_EDITABLE_FIELDS, "metadata_", "deleted_at"),
    "chapter": ("book_id", "ordinal", "title", "synopsis", "status", "deleted_at"),
    "scene": (
        "chapter_id",
        "ordinal",
        "title",
        "synopsis",
        "pov_character_id",
        "setting",
        "status",
        "notes",
        "labels",
        "deleted_at",
    ),
    "character": (*_CODEX, "role", "background", "traits", "voice"),
    "location": _CODEX,
    "lore": (*_CODEX, "category"),
    # The text travels as the document's Text; the word count is the receiver's to count.
    "note": ("book_id", "ordinal", "title", "deleted_at"),
}
FIELDS_MAP = "fields"
TEXT = "text"
PURGED = "purged"


def kind_of(entity: SyncedEntity) -> str:
    for kind, model in MODELS.items():
        if type(entity) is model:
            return kind
    raise TypeError(f"{type(entity).__name__} is not synced")


def encode_field(value: Any) -> str:
    if isinstance(value, datetime):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _decode(field: str, raw: Any) -> Any:
    value = json.loads(raw) if isinstance(raw, str) else raw
    if field == "deleted_at" and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def entity_fields(entity: Any, kind: str | None = None) -> dict[str, str]:
    """The entity's synced fields, JSON-encoded (what a document's Map holds).

    ``entity`` is a model instance, or, given its ``kind``, any object with the same
    attributes (capture reads plain rows: loading ORM objects costs more than comparing).
    """
    return {f: encode_field(getattr(entity, f)) for f in FIELDS[kind or kind_of(entity)]}


def entity_text(entity: Any, kind: str | None = None) -> str:
    if kind is None:
        return entity.text if isinstance(entity, Scene | Note) else ""
    return str(entity.text) if kind in TEXT_KINDS else ""


def owning_book_id(entity: SyncedEntity) -> str:
    """The id of the book an entity belongs to (scenes go through their chapter)."""
    if isinstance(entity, Book):
        return entity.id
    if isinstance(entity, Scene):
        return entity.chapter.book_id
    return entity.book_id


def new_doc(update: bytes | None = None) -> pycrdt.Doc:
    """A document, loaded from ``update`` (a full state or any update) when given."""
    doc: pycrdt.Doc = pycrdt.Doc()
    doc.get(FIELDS_MAP, type=pycrdt.Map)
    doc.get(TEXT, type=pycrdt.Text)
    if update:
        doc.apply_update(update)
    return doc


def changes_made(doc: pycrdt.Doc, change: Callable[[], T]) -> tuple[T, bytes | None]:
    """Run ``change`` (anything that writes to ``doc``, or applies an update to it); its
    result, and an update of exactly what it changed in ``doc`` (None: nothing — an update
    the document already held, say)."""
    updates: list[bytes] = []
    subscription = doc.observe(lambda event: updates.append(event.update))
    try:
        result = change()
    finally:
        doc.unobserve(subscription)
    if not updates:
        return result, None
    return result, updates[0] if len(updates) == 1 else pycrdt.merge_updates(*updates)


def doc_fields(doc: pycrdt.Doc) -> dict[str, Any]:
    fields: pycrdt.Map = doc.get(FIELDS_MAP, type=pycrdt.Map)
    # The map as JSON, decoded here: a tenth of the cost of ``to_py`` (which converts every
    # value through Python), and the same values, since fields hold JSON strings and flags.
    return dict(json.loads(str(fields)))


def doc_text(doc: pycrdt.Doc) -> str:
    """The document's text as the book has it (without pending suggested insertions)."""
    from core.sync.text_view import accepted_text

    return accepted_text(doc.get(TEXT, type=pycrdt.Text))


def decoded_fields(kind: str, doc: pycrdt.Doc) -> dict[str, Any]:
    """The document's fields as Python values of the entity's attributes."""
    raw = doc_fields(doc)
    return {f: _decode(f, raw[f]) for f in FIELDS[kind] if f in raw}


def is_purged(doc: pycrdt.Doc) -> bool:
    return bool(doc_fields(doc).get(PURGED))


def record_changes(
    doc: pycrdt.Doc,
    *,
    fields: dict[str, str],
    previous_fields: dict[str, str],
    text: str | None = None,
    purged: bool = False,
) -> bytes | None:
    """Write what changed since ``previous_fields`` (and the text) into ``doc``.

    Only fields whose value differs from ``previous_fields`` are written, so a device never
    overwrites a field it did not touch with a stale value. Returns the Yjs update, or None
    when nothing changed.
    """
    before = doc.get_state()
    fmap: pycrdt.Map = doc.get(FIELDS_MAP, type=pycrdt.Map)
    ytext: pycrdt.Text = doc.get(TEXT, type=pycrdt.Text)
    with doc.transaction():
        for name, value in fields.items():
            if previous_fields.get(name) != value:
                fmap[name] = value
        if purged and not fmap.get(PURGED):
            fmap[PURGED] = True
        if text is not None:
            from core.sync.text_view import edit_accepted

            edit_accepted(ytext, text)
    update: bytes = doc.get_update(before)
    return None if doc.get_state() == before else update


def apply_text_edit(ytext: pycrdt.Text, old: str, new: str) -> None:
    """Turn ``old`` into ``new`` in ``ytext`` with the fewest inserts and deletes."""
    # Yrs text offsets count UTF-8 bytes; going from the end keeps earlier offsets valid.
    for begin, end, replacement in reversed(text_edits(old, new)):
        offset, stop = utf8_span(old, begin, end)
        if stop > offset:
            del ytext[offset:stop]
        if replacement:
            ytext.insert(offset, replacement)
