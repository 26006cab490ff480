"""Bringing pulled updates into the library.

Updates are merged into each document's stored state first; then every document whose row is
out of date is written to the library, parents before children. A document whose parent has
not arrived yet waits (``materialised`` stays false) and is retried after the next page.
Siblings are ordered by the ordinals their documents hold, ties broken by id, so every device
shows the same order after concurrent moves. Rows are loaded and written in batches, with
statements built once (a pull runs at every sync).

The rows a pull writes match their documents once it commits; their versions are handed back
(:attr:`Applied.clean`) so that the next capture does not read them again.

A research note is written like a scene (its text and its own word count) but is summed into
nothing: no chapter or book count changes, and sync never records words written per day.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import pycrdt
from sqlalchemy import Select, bindparam, literal, null, select, union_all
from sqlalchemy.orm import Session

from core.domain import Book, Chapter, Character, Note, Scene
from core.store.tallies import numbering, recount
from core.sync.capture import (
    DocWrites,
    KnownDoc,
    RowVersions,
    capture_entity,
    chunks,
    doc_row,
    fields_json,
    rows_by_id,
    stamp_column,
    stored_stamp,
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
    "note": {"ordinal": 0},
}
_PARENT_MODEL: dict[str, type[Book] | type[Chapter]] = {
    "note": Book,
    "chapter": Book,
    "character": Book,
    "location": Book,
    "lore": Book,
    "scene": Chapter,
}


@dataclass
class Applied:
    """What bringing one page of changes into the library did."""

    merged: int = 0  # documents whose state changed
    written: int = 0  # rows written, removed or left waiting for their parent
    queued: int = 0  # local edits recorded into the outbox before the merge
    # Row id -> version (stored updated_at) that matches its document: true once committed.
    clean: dict[str, str] = field(default_factory=dict)


class _Statements:
    """The statements of a pull, built once (see capture._CaptureStatements)."""

    def __init__(self) -> None:
        self._cache: dict[Any, Any] = {}

    def _once(self, key: Any, build: Any) -> Any:
        stmt = self._cache.get(key)
        if stmt is None:
            stmt = self._cache[key] = build()
        return stmt

    def docs(self) -> Select[Any]:
        return self._once(
            "docs",
            lambda: select(sync_docs).where(
                sync_docs.c.doc_id.in_(bindparam("ids", expanding=True))
            ),
        )

    def entities(self, kind: str) -> Select[Any]:
        model = MODELS[kind]
        return self._once(
            ("entities", kind),
            lambda: select(model).where(model.id.in_(bindparam("ids", expanding=True))),
        )

    def existing(self, model: Any) -> Select[Any]:
        return self._once(
            ("existing", model),
            lambda: select(model.id).where(model.id.in_(bindparam("ids", expanding=True))),
        )

    def pending(self) -> Select[Any]:
        return self._once(
            "pending",
            lambda: select(sync_docs.c.doc_id, sync_docs.c.kind, sync_docs.c.state).where(
                sync_docs.c.materialised.is_(False)
            ),
        )

    def mark(self) -> Any:
        return self._once(
            "mark",
            lambda: (
                sync_docs.update()
                .where(sync_docs.c.doc_id == bindparam("m_doc_id"))
                .values(
                    materialised=True,
                    fields=bindparam("m_fields"),
                    text_hash=bindparam("m_hash"),
                    purged=bindparam("m_purged"),
                )
            ),
        )

    def parent_stamps(self) -> Any:
        """(kind, id, book id, stamp) of the chapters in ``:chapters`` and the books in
        ``:books`` or holding one of ``:chapters_too`` (the same list: a name per use)."""

        def build() -> Any:
            chapters, books = Chapter.__table__, Book.__table__
            return union_all(
                select(
                    literal("chapter").label("kind"),
                    chapters.c.id,
                    chapters.c.book_id,
                    stamp_column(chapters),
                ).where(chapters.c.id.in_(bindparam("chapters", expanding=True))),
                select(literal("book"), books.c.id, null(), stamp_column(books)).where(
                    books.c.id.in_(bindparam("books", expanding=True))
                    | books.c.id.in_(
                        select(chapters.c.book_id).where(
                            chapters.c.id.in_(bindparam("chapters_too", expanding=True))
                        )
                    )
                ),
            )

        return self._once("parent_stamps", build)


_SQL = _Statements()


def _load_entities(session: Session, kind: str, ids: Iterable[str]) -> dict[str, SyncedEntity]:
    found: dict[str, SyncedEntity] = {}
    stmt = _SQL.entities(kind)
    for part in chunks(list(ids)):
        for raw in session.scalars(stmt, {"ids": list(part)}):
            entity = cast(SyncedEntity, raw)
            found[entity.id] = entity
    return found


def _existing_ids(session: Session, model: Any, ids: Iterable[str]) -> set[str]:
    present: set[str] = set()
    stmt = _SQL.existing(model)
    for part in chunks([i for i in ids if i]):
        present.update(session.scalars(stmt, {"ids": list(part)}))
    return present


def apply_changes(
    session: Session, changes: Iterable[Change], *, versions: RowVersions | None = None
) -> Applied:
    """Merge a page of pulled updates and write the documents out of date into the library.

    ``versions``: row versions known to match their documents (a row at such a version has
    no local edit to record before the merge, so it is not read for that).
    """
    applied = Applied()
    applied.merged = _merge(session, changes, versions, applied)
    # Documents waiting for a parent can only be written once a page brings something new.
    if applied.merged:
        applied.written = _materialise(session, versions, applied)
    return applied


def merge_changes(session: Session, changes: Iterable[Change]) -> int:
    """Merge pulled updates into the stored documents; returns how many documents changed."""
    return _merge(session, changes, None, Applied())


def materialise_pending(session: Session) -> int:
    """Write every out-of-date document into the library; returns how many rows changed."""
    return _materialise(session, None, Applied())


def _merge(
    session: Session, changes: Iterable[Change], versions: RowVersions | None, applied: Applied
) -> int:
    by_doc: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        if change.kind in DOC_KINDS:
            by_doc[change.doc_id].append(change)
    rows: dict[str, Any] = {}
    for part in chunks(list(by_doc)):
        for found in session.execute(_SQL.docs(), {"ids": list(part)}):
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
    states = _capture_local_edits(
        session, [rows[d] for d in merged if d in rows], versions, applied
    )
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


def _capture_local_edits(
    session: Session, rows: list[Any], versions: RowVersions | None, applied: Applied
) -> dict[str, bytes]:
    """Record edits made since the last capture before remote updates are merged in.

    Returns the new states of the documents that had such edits. A row at a version known to
    match its document has none, and is not compared.
    """
    writes = DocWrites()
    states: dict[str, bytes] = {}
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row.materialised and row.kind in MODELS:
            by_kind[row.kind].append(row)
    for kind, kind_rows in by_kind.items():
        # Plain rows (fields, text and version), as a capture reads them.
        current = rows_by_id(session, kind, [r.doc_id for r in kind_rows])
        for row in kind_rows:
            entity = current.get(row.doc_id)
            if entity is None or (
                versions is not None and versions.is_clean(entity.id, entity.stamp)
            ):
                continue
            if (
                fields_json(entity_fields(entity, kind)) == row.fields
                and text_hash(entity_text(entity, kind)) == row.text_hash
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
    applied.queued += len(writes.outbox)
    writes.write(session)
    return states


def _materialise(session: Session, versions: RowVersions | None, applied: Applied) -> int:
    pending: dict[str, list[Any]] = defaultdict(list)
    for row in session.execute(_SQL.pending()):
        pending[row.kind].append(row)
    books: set[str] = set()  # parents whose word counts are summed again
    chapters: set[str] = set()
    # Parents whose children were added, removed, moved, trashed or restored: only they are
    # numbered again (an edit to a scene's prose leaves its siblings' order alone).
    order_books: set[str] = set()
    order_chapters: set[str] = set()
    order_notes: set[str] = set()  # books whose notes are numbered again
    marks: list[dict[str, Any]] = []
    all_written: list[SyncedEntity] = []
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
                    _record_parent(entity, books, chapters)
                    _record_parent(entity, order_books, order_chapters, order_notes)
                    session.delete(entity)
                marks.append(_mark(doc_id, fields="{}", hashed="", purged=True))
                continue
            fields = values[doc_id]
            if kind in _PARENT_MODEL and fields.get(parent_key) not in parents:
                continue  # its parent has not arrived yet
            placed_before: tuple[Any, ...] | None = None
            was_books: set[str] = set()
            was_chapters: set[str] = set()
            was_notes: set[str] = set()
            if entity is None:
                entity = cast(SyncedEntity, model(id=doc_id))
                session.add(entity)
            else:
                placed_before = _placement(entity)
                _record_parent(entity, was_books, was_chapters, was_notes)
                books.update(was_books)
                chapters.update(was_chapters)
            for name, value in fields.items():
                if name == "pov_character_id" and value and value not in characters:
                    value = None  # the character has not arrived (or was purged)
                setattr(entity, name, value)
            if isinstance(entity, Scene | Note):
                # As set_scene_text and set_note_text count them (a note's is its own).
                entity.text = doc_text(doc)
                entity.word_count = count_words(entity.text)
            _record_parent(entity, books, chapters)
            if placed_before is None or placed_before != _placement(entity):
                order_books.update(was_books)
                order_chapters.update(was_chapters)
                order_notes.update(was_notes)
                _record_parent(entity, order_books, order_chapters, order_notes)
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
            all_written.append(entity)
    if marks:
        for part in chunks(marks):
            session.execute(_SQL.mark(), list(part))
    _renumber(session, books=order_books, chapters=order_chapters, notes=order_notes)
    # Every row written above matches its document (renumbering patched the ordinals too).
    for entity in all_written:
        applied.clean[entity.id] = stored_stamp(session, entity.updated_at)
    _recount(session, chapters, books, versions, applied)
    return len(marks)


def _recount(
    session: Session,
    chapters: set[str],
    books: set[str],
    versions: RowVersions | None,
    applied: Applied,
) -> None:
    """Sum word counts again into ``chapters`` and their books, and into ``books``.

    Only word counts change, which no document holds: a parent that matched its document
    before still does, so its new version goes into ``applied.clean``.
    """
    if not chapters and not books:
        return
    now = datetime.now(UTC)
    stamp = stored_stamp(session, now)
    chapter_ids, book_ids = sorted(chapters), sorted(books)
    before: dict[str, str] = {}
    recount_books: set[str] = set()
    recount_chapters: list[str] = []
    rows = session.execute(
        _SQL.parent_stamps(),
        {"chapters": chapter_ids, "books": book_ids, "chapters_too": chapter_ids},
    )
    for kind, row_id, _book_id, row_stamp in rows:
        before[row_id] = row_stamp
        if kind == "chapter":
            recount_chapters.append(row_id)
        else:
            recount_books.add(row_id)
    recount(session, chapters=recount_chapters, books=recount_books, stamp=now)
    for row_id, row_stamp in before.items():
        if row_id in applied.clean or (
            versions is not None and versions.is_clean(row_id, row_stamp)
        ):
            applied.clean[row_id] = stamp
    # Objects of this session still hold the old counts and versions.
    for model, ids in ((Chapter, recount_chapters), (Book, recount_books)):
        for row_id in ids:
            obj = session.identity_map.get(session.identity_key(model, row_id))
            if obj is not None:
                session.expire(obj, ["word_count", "updated_at"])


def _placement(entity: Any) -> tuple[Any, ...]:
    """Where a row sits among its siblings: parent, ordinal, and whether it is in the trash."""
    if isinstance(entity, Chapter | Note):
        return (entity.book_id, entity.ordinal, entity.deleted_at)
    if isinstance(entity, Scene):
        return (entity.chapter_id, entity.ordinal, entity.deleted_at)
    return ()


def _record_parent(
    entity: Any, books: set[str], chapters: set[str], notes: set[str] | None = None
) -> None:
    """Add the parent of ``entity`` to the set of its kind: the book of a chapter, the chapter
    of a scene and, given ``notes`` (for ordering only), the book of a note. Word counts are
    summed into ``books`` and ``chapters``, so a note never goes there."""
    if isinstance(entity, Chapter):
        books.add(entity.book_id)
    elif isinstance(entity, Scene):
        chapters.add(entity.chapter_id)
    elif isinstance(entity, Note) and notes is not None:
        notes.add(entity.book_id)


def _mark(doc_id: str, *, fields: str, hashed: str, purged: bool = False) -> dict[str, Any]:
    return {"m_doc_id": doc_id, "m_fields": fields, "m_hash": hashed, "m_purged": purged}


_Sibling = tuple[type[Chapter] | type[Scene] | type[Note], str, int]


def _renumber(
    session: Session, *, books: set[str], chapters: set[str], notes: set[str] | None = None
) -> None:
    """Order siblings by their documents' ordinals (ties by id) and number them 1..n.

    ``books``: books whose chapters are numbered again; ``chapters``: chapters whose scenes
    are; ``notes``: books whose research notes are (a statement only for a kind with any).
    """
    # Only (id, ordinal) is read for the siblings: a row is loaded only when its number changes.
    groups: list[list[_Sibling]] = []
    families: tuple[tuple[type[Chapter] | type[Scene] | type[Note], Any, set[str]], ...] = (
        (Chapter, Chapter.book_id, books),
        (Scene, Scene.chapter_id, chapters),
        (Note, Note.book_id, notes or set()),
    )
    for model, link, parents in families:
        for part in chunks(sorted(parents)):
            by_parent: dict[str, list[_Sibling]] = defaultdict(list)
            for row_id, parent_id, ordinal in session.execute(
                select(model.id, link, model.ordinal).where(
                    link.in_(part), model.deleted_at.is_(None)
                )
            ):
                by_parent[parent_id].append((model, row_id, ordinal))
            groups.extend(by_parent.values())
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
        ordered = sorted(siblings, key=key)
        models = {item_id: model for model, item_id, _ordinal in ordered}
        changed = numbering([(item_id, ordinal) for _model, item_id, ordinal in ordered])
        for item_id, number in changed.items():
            entity = cast(Chapter | Scene | Note | None, session.get(models[item_id], item_id))
            if entity is not None:
                entity.ordinal = number
                renumbered[item_id] = number
    if not renumbered:
        return
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
