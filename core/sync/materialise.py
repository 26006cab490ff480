"""Bringing pulled updates into the library.

Updates are merged into each document's stored state first; then every document whose row is
out of date is written to the library, parents before children. A document whose parent has
not arrived yet waits (``materialised`` stays false) and is retried after the next page.
Siblings are ordered by the ordinals their documents hold, ties broken by id, so every device
shows the same order after concurrent moves. Rows are loaded and written in batches.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

import pycrdt
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.domain import Book, Chapter, Character, Scene
from core.store.manuscript import recount_book, recount_chapter
from core.sync.capture import (
    DocWrites,
    KnownDoc,
    capture_entity,
    chunks,
    doc_row,
    fields_json,
    text_hash,
)
from core.sync.documents import (
    MATERIALISE_ORDER,
    MODELS,
    SyncedEntity,
    decoded_fields,
    doc_text,
    encode_field,
    entity_fields,
    entity_text,
    is_purged,
    new_doc,
)
from core.sync.local_state import sync_docs
from core.sync.protocol import DOC_KINDS, Change
from core.text import count_words

# What a row needs when a document (say, from another Yjs client) lacks a field.
_REQUIRED_DEFAULTS: dict[str, dict[str, Any]] = {
    "book": {"title": "Untitled"},
    "chapter": {"ordinal": 0},
    "scene": {"ordinal": 0},
    "character": {"name": "Unnamed"},
    "location": {"name": "Unnamed"},
    "lore": {"name": "Unnamed"},
}
_PARENT_MODEL: dict[str, type[Book] | type[Chapter]] = {
    "chapter": Book,
    "character": Book,
    "location": Book,
    "lore": Book,
    "scene": Chapter,
}


def _load_entities(session: Session, kind: str, ids: Iterable[str]) -> dict[str, SyncedEntity]:
    model = MODELS[kind]
    found: dict[str, SyncedEntity] = {}
    for part in chunks(list(ids)):
        for raw in session.scalars(select(model).where(model.id.in_(part))):
            entity = cast(SyncedEntity, raw)
            found[entity.id] = entity
    return found


def _existing_ids(session: Session, model: Any, ids: Iterable[str]) -> set[str]:
    present: set[str] = set()
    for part in chunks([i for i in ids if i]):
        present.update(session.scalars(select(model.id).where(model.id.in_(part))))
    return present


def merge_changes(session: Session, changes: Iterable[Change]) -> int:
    """Merge pulled updates into the stored documents; returns how many documents changed."""
    by_doc: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        if change.kind in DOC_KINDS:
            by_doc[change.doc_id].append(change)
    rows: dict[str, Any] = {}
    for part in chunks(list(by_doc)):
        for found in session.execute(select(sync_docs).where(sync_docs.c.doc_id.in_(part))):
            rows[found.doc_id] = found
    # Merge into the stored states first: an update this device sent (coming back) or already
    # had changes nothing, and its document needs neither its row compared nor a write.
    merged: dict[str, pycrdt.Doc] = {}
    for doc_id, doc_changes in by_doc.items():
        row = rows.get(doc_id)
        doc = new_doc(bytes(row.state) if row is not None else None)
        before = doc.get_state()
        for change in doc_changes:
            doc.apply_update(change.update)
        if row is None or doc.get_state() != before:
            merged[doc_id] = doc
    states = _capture_local_edits(session, [rows[d] for d in merged if d in rows])
    writes = DocWrites()
    for doc_id, doc in merged.items():
        doc_changes = by_doc[doc_id]
        row = rows.get(doc_id)
        state = states.get(doc_id)
        if state is not None:
            # A local edit was recorded first: merge the updates into that state instead.
            doc = new_doc(state)
            for change in doc_changes:
                doc.apply_update(change.update)
        first = doc_changes[0]
        writes.docs[doc_id] = doc_row(
            doc_id=doc_id,
            kind=row.kind if row is not None else first.kind,
            book_id=row.book_id if row is not None else first.book_id,
            doc=doc,
            fields=row.fields if row is not None else "{}",
            hashed_text=row.text_hash if row is not None else "",
            materialised=False,
            purged=bool(row.purged) if row is not None else False,
        )
    writes.write(session)
    return len(merged)


def _capture_local_edits(session: Session, rows: list[Any]) -> dict[str, bytes]:
    """Record edits made since the last capture before remote updates are merged in.

    Returns the new states of the documents that had such edits.
    """
    writes = DocWrites()
    states: dict[str, bytes] = {}
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row.materialised and row.kind in MODELS:
            by_kind[row.kind].append(row)
    for kind, kind_rows in by_kind.items():
        entities = _load_entities(session, kind, [r.doc_id for r in kind_rows])
        for row in kind_rows:
            entity = entities.get(row.doc_id)
            if entity is None or (
                fields_json(entity_fields(entity)) == row.fields
                and text_hash(entity_text(entity)) == row.text_hash
            ):
                continue
            known = KnownDoc(row.kind, row.fields, row.text_hash, row.ordinal, False)
            doc = capture_entity(
                writes,
                kind=kind,
                entity=entity,
                book_id=row.book_id,
                known=known,
                state=bytes(row.state),
            )
            states[row.doc_id] = doc.get_update()
    writes.write(session)
    return states


def materialise_pending(session: Session) -> int:
    """Write every out-of-date document into the library; returns how many rows changed."""
    pending: dict[str, list[Any]] = defaultdict(list)
    for row in session.execute(
        select(
            sync_docs.c.doc_id,
            sync_docs.c.kind,
            sync_docs.c.state,
        ).where(sync_docs.c.materialised.is_(False))
    ):
        pending[row.kind].append(row)
    books: set[str] = set()  # parents whose word counts are summed again
    chapters: set[str] = set()
    # Parents whose children were added, removed, moved, trashed or restored: only they are
    # numbered again (an edit to a scene's prose leaves its siblings' order alone).
    order_books: set[str] = set()
    order_chapters: set[str] = set()
    marks: list[dict[str, Any]] = []
    for kind in MATERIALISE_ORDER:
        rows = pending.get(kind)
        if not rows:
            continue
        model = MODELS[kind]
        entities = _load_entities(session, kind, [r.doc_id for r in rows])
        docs = [(row.doc_id, new_doc(bytes(row.state))) for row in rows]
        values = {
            doc_id: {**_REQUIRED_DEFAULTS[kind], **decoded_fields(kind, doc)}
            for doc_id, doc in docs
        }
        parent_key = "chapter_id" if kind == "scene" else "book_id"
        parents: set[str] = set()
        if kind in _PARENT_MODEL:
            wanted = {str(v.get(parent_key) or "") for v in values.values()}
            parents = _existing_ids(session, _PARENT_MODEL[kind], wanted)
        characters: set[str] = set()
        if kind == "scene":
            povs = {str(v.get("pov_character_id") or "") for v in values.values()}
            characters = _existing_ids(session, Character, povs)
        written: list[tuple[str, SyncedEntity]] = []
        for doc_id, doc in docs:
            entity = entities.get(doc_id)
            if is_purged(doc):
                if entity is not None:
                    _note_parent(entity, books, chapters)
                    _note_parent(entity, order_books, order_chapters)
                    session.delete(entity)
                marks.append(_mark(doc_id, fields="{}", hashed="", purged=True))
                continue
            fields = values[doc_id]
            if kind in _PARENT_MODEL and fields.get(parent_key) not in parents:
                continue  # its parent has not arrived yet
            placed_before: tuple[Any, ...] | None = None
            was_books: set[str] = set()
            was_chapters: set[str] = set()
            if entity is None:
                entity = cast(SyncedEntity, model(id=doc_id))
                session.add(entity)
            else:
                placed_before = _placement(entity)
                _note_parent(entity, was_books, was_chapters)
                books.update(was_books)
                chapters.update(was_chapters)
            for name, value in fields.items():
                if name == "pov_character_id" and value and value not in characters:
                    value = None  # the character has not arrived (or was purged)
                setattr(entity, name, value)
            if isinstance(entity, Scene):
                entity.text = doc_text(doc)
                entity.word_count = count_words(entity.text)
            _note_parent(entity, books, chapters)
            if placed_before is None or placed_before != _placement(entity):
                order_books.update(was_books)
                order_chapters.update(was_chapters)
                _note_parent(entity, order_books, order_chapters)
            written.append((doc_id, entity))
        # Children of the next kind look their parents up: write this kind first.
        session.flush()
        for doc_id, entity in written:
            marks.append(
                _mark(
                    doc_id,
                    fields=fields_json(entity_fields(entity)),
                    hashed=text_hash(entity_text(entity)),
                )
            )
    if marks:
        stmt = (
            sync_docs.update()
            .where(sync_docs.c.doc_id == bindparam("m_doc_id"))
            .values(
                materialised=True,
                fields=bindparam("m_fields"),
                text_hash=bindparam("m_hash"),
                purged=bindparam("m_purged"),
            )
        )
        for part in chunks(marks):
            session.execute(stmt, list(part))
    _renumber(session, books=order_books, chapters=order_chapters)
    for chapter_id in chapters:
        recount_chapter(session=session, chapter_id=chapter_id)
    for book_id in books:
        recount_book(session=session, book_id=book_id)
    return len(marks)


def _placement(entity: Any) -> tuple[Any, ...]:
    """Where a row sits among its siblings: parent, ordinal, and whether it is in the trash."""
    if isinstance(entity, Chapter):
        return (entity.book_id, entity.ordinal, entity.deleted_at)
    if isinstance(entity, Scene):
        return (entity.chapter_id, entity.ordinal, entity.deleted_at)
    return ()


def _note_parent(entity: Any, books: set[str], chapters: set[str]) -> None:
    if isinstance(entity, Chapter):
        books.add(entity.book_id)
    elif isinstance(entity, Scene):
        chapters.add(entity.chapter_id)


def _mark(doc_id: str, *, fields: str, hashed: str, purged: bool = False) -> dict[str, Any]:
    return {"m_doc_id": doc_id, "m_fields": fields, "m_hash": hashed, "m_purged": purged}


def _renumber(session: Session, *, books: set[str], chapters: set[str]) -> None:
    """Order siblings by their documents' ordinals (ties by id) and number them 1..n."""
    # Only (id, ordinal) is read for the siblings: a row is loaded only when its number changes.
    groups: list[list[tuple[type[Chapter] | type[Scene], str, int]]] = []
    for part in chunks(sorted(books)):
        by_book: dict[str, list[tuple[type[Chapter] | type[Scene], str, int]]] = defaultdict(list)
        for chapter_id, book_id, ordinal in session.execute(
            select(Chapter.id, Chapter.book_id, Chapter.ordinal).where(
                Chapter.book_id.in_(part), Chapter.deleted_at.is_(None)
            )
        ):
            by_book[book_id].append((Chapter, chapter_id, ordinal))
        groups.extend(by_book.values())
    for part in chunks(sorted(chapters)):
        by_chapter: dict[str, list[tuple[type[Chapter] | type[Scene], str, int]]] = defaultdict(
            list
        )
        for scene_id, chapter_id, ordinal in session.execute(
            select(Scene.id, Scene.chapter_id, Scene.ordinal).where(
                Scene.chapter_id.in_(part), Scene.deleted_at.is_(None)
            )
        ):
            by_chapter[chapter_id].append((Scene, scene_id, ordinal))
        groups.extend(by_chapter.values())
    all_ids = [item[1] for group in groups for item in group]
    doc_ordinals: dict[str, Any] = {}
    for part in chunks(all_ids):
        for doc_id, ordinal in session.execute(
            select(sync_docs.c.doc_id, sync_docs.c.ordinal).where(sync_docs.c.doc_id.in_(part))
        ):
            doc_ordinals[doc_id] = ordinal

    def key(item: tuple[Any, str, int]) -> tuple[float, str]:
        ordinal = doc_ordinals.get(item[1])
        return (float(item[2] if ordinal is None else ordinal), item[1])

    renumbered: dict[str, int] = {}
    for siblings in groups:
        for number, (model, item_id, ordinal) in enumerate(sorted(siblings, key=key), start=1):
            if ordinal != number:
                entity = cast(Chapter | Scene | None, session.get(model, item_id))
                if entity is not None:
                    entity.ordinal = number
                    renumbered[item_id] = number
    session.flush()
    # A new number is this device's view of the documents' order, not an edit to send.
    patches: list[dict[str, Any]] = []
    for part in chunks(list(renumbered)):
        for doc_id, snapshot in session.execute(
            select(sync_docs.c.doc_id, sync_docs.c.fields).where(sync_docs.c.doc_id.in_(part))
        ):
            patched = json.loads(snapshot or "{}")
            if not patched:
                continue
            patched["ordinal"] = encode_field(renumbered[doc_id])
            patches.append({"p_doc_id": doc_id, "p_fields": fields_json(patched)})
    if patches:
        stmt = (
            sync_docs.update()
            .where(sync_docs.c.doc_id == bindparam("p_doc_id"))
            .values(fields=bindparam("p_fields"))
        )
        session.execute(stmt, patches)
