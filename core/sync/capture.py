"""Turning the writer's edits in the library into CRDT updates in the outbox.

Each synced row is compared with the fields and text hash its document last had on this
device; only rows that differ are loaded and written into their document. When a child is
added, moved or reordered, the ordinals of all its live siblings are written too, so that
every device orders them the same way. A row that is gone for good leaves a tombstone.
Document rows and outbox entries are written in batches (one statement per batch), so that
capturing a whole new library costs little more than building its documents.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pycrdt
from sqlalchemy import Select, bindparam, literal, select, union_all
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.domain import Chapter, Scene
from core.ids import new_id
from core.sync.documents import (
    MATERIALISE_ORDER,
    MODELS,
    SyncedEntity,
    decoded_fields,
    entity_fields,
    entity_text,
    new_doc,
    record_changes,
)
from core.sync.local_state import get_metas, set_metas, sync_docs, sync_outbox

WATERMARK = "capture_watermark"
# Rows inside the watermark's margin already compared, with the updated_at they had then.
SEEN = "capture_seen"
# Longer than any unit of work: an edit committed during a capture is seen by the next one.
WATERMARK_MARGIN = timedelta(seconds=10)
# SQLite allows a limited number of bound variables per statement.
CHUNK = 500
_UPSERT_COLUMNS = (
    "kind",
    "book_id",
    "parent_id",
    "ordinal",
    "state",
    "fields",
    "text_hash",
    "materialised",
    "purged",
)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fields_json(fields: dict[str, str]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def parent_of(kind: str, entity: SyncedEntity) -> str | None:
    if isinstance(entity, Scene):
        return entity.chapter_id
    if kind == "book":
        return None
    return str(entity.book_id)  # type: ignore[union-attr]


@dataclass
class KnownDoc:
    kind: str
    fields: str
    text_hash: str
    ordinal: float | None
    purged: bool


def _known_docs(session: Session, doc_ids: Sequence[str] | None = None) -> dict[str, KnownDoc]:
    """What the documents of ``doc_ids`` (default: all) last held, by doc id."""
    columns = (
        sync_docs.c.doc_id,
        sync_docs.c.kind,
        sync_docs.c.fields,
        sync_docs.c.text_hash,
        sync_docs.c.ordinal,
        sync_docs.c.purged,
    )
    if doc_ids is None:
        rows: Iterable[Any] = session.execute(select(*columns))
    else:
        rows = [
            r
            for part in chunks(doc_ids)
            for r in session.execute(select(*columns).where(sync_docs.c.doc_id.in_(part)))
        ]
    return {r[0]: KnownDoc(r[1], r[2], r[3], r[4], bool(r[5])) for r in rows}


def doc_row(
    *,
    doc_id: str,
    kind: str,
    book_id: str,
    doc: pycrdt.Doc,
    fields: str,
    hashed_text: str,
    materialised: bool = True,
    purged: bool = False,
) -> dict[str, Any]:
    """The ``sync_docs`` values for a document (its parent and ordinal read from the doc)."""
    values = decoded_fields(kind, doc)
    ordinal = values.get("ordinal")
    parent = values.get("chapter_id") if kind == "scene" else values.get("book_id")
    return {
        "doc_id": doc_id,
        "kind": kind,
        "book_id": book_id,
        "parent_id": parent,
        "ordinal": float(ordinal) if isinstance(ordinal, int | float) else None,
        "state": doc.get_update(),
        "fields": fields,
        "text_hash": hashed_text,
        "materialised": materialised,
        "purged": purged,
    }


@dataclass
class DocWrites:
    """Document rows and outbox entries waiting to be written in one go."""

    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    outbox: list[dict[str, Any]] = field(default_factory=list)

    def queue(self, *, doc_id: str, kind: str, book_id: str, update: bytes) -> None:
        self.outbox.append(
            {
                "op_id": new_id(),
                "doc_id": doc_id,
                "kind": kind,
                "book_id": book_id,
                "update": update,
            }
        )

    def write(self, session: Session) -> None:
        rows = list(self.docs.values())
        if rows:
            stmt = sqlite_insert(sync_docs)
            stmt = stmt.on_conflict_do_update(
                index_elements=["doc_id"], set_={c: stmt.excluded[c] for c in _UPSERT_COLUMNS}
            )
            for part in chunks(rows):
                session.execute(stmt, list(part))
        for part in chunks(self.outbox):
            session.execute(sync_outbox.insert(), list(part))
        self.docs.clear()
        self.outbox.clear()


def load_states(session: Session, doc_ids: Iterable[str]) -> dict[str, bytes]:
    ids = list(doc_ids)
    states: dict[str, bytes] = {}
    for part in chunks(ids):
        for doc_id, state in session.execute(
            select(sync_docs.c.doc_id, sync_docs.c.state).where(sync_docs.c.doc_id.in_(part))
        ):
            states[doc_id] = bytes(state)
    return states


def queue_update(session: Session, *, doc_id: str, kind: str, book_id: str, update: bytes) -> None:
    writes = DocWrites()
    writes.queue(doc_id=doc_id, kind=kind, book_id=book_id, update=update)
    writes.write(session)


def capture_entity(
    writes: DocWrites,
    *,
    kind: str,
    entity: SyncedEntity,
    book_id: str,
    known: KnownDoc | None,
    state: bytes | None,
    force_ordinal: bool = False,
) -> pycrdt.Doc:
    """Write one row's changes into its document and queue the update; returns the doc."""
    fields = entity_fields(entity)
    text = entity_text(entity)
    hashed = text_hash(text)
    previous: dict[str, str] = json.loads(known.fields) if known else {}
    if force_ordinal:
        previous.pop("ordinal", None)
    doc = new_doc(state)
    changed_text = text if (known is None or known.text_hash != hashed) else None
    update = record_changes(doc, fields=fields, previous_fields=previous, text=changed_text)
    writes.docs[entity.id] = doc_row(
        doc_id=entity.id,
        kind=kind,
        book_id=book_id,
        doc=doc,
        fields=fields_json(fields),
        hashed_text=hashed,
    )
    if update is not None:
        writes.queue(doc_id=entity.id, kind=kind, book_id=book_id, update=update)
    return doc


def _stamp(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stamp is written in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _changed_since(
    session: Session,
    since: datetime | None,
    seen: dict[str, str],
    keep: dict[str, str],
    keep_after: datetime,
) -> list[tuple[str, SyncedEntity]]:
    """(kind, row) of the rows touched since ``since`` that this device has not compared yet.

    A row whose ``updated_at`` is the one recorded in ``seen`` was compared at that very
    version by an earlier capture (it lies inside the watermark's margin), so only its id and
    timestamp are read (one statement for every kind). ``keep`` collects the versions to
    remember for the next capture.
    """
    wanted: dict[str, list[str]] = {kind: [] for kind in MATERIALISE_ORDER}
    if since is not None:
        for kind, doc_id, updated_at in session.execute(_STATEMENTS.stamps(), {"since": since}):
            stamp = _stamp(updated_at)
            if seen.get(doc_id) == stamp:
                keep[doc_id] = stamp
            else:
                wanted[kind].append(doc_id)
    found: list[tuple[str, SyncedEntity]] = []
    for kind in MATERIALISE_ORDER:
        model = MODELS[kind]
        if since is None:
            fresh: Iterable[Any] = session.scalars(select(model))
        else:
            fresh = (
                raw
                for part in chunks(wanted[kind])
                for raw in session.scalars(select(model).where(model.id.in_(part)))
            )
        for raw in fresh:
            entity = cast(SyncedEntity, raw)
            if entity.updated_at is not None and _aware(entity.updated_at) >= keep_after:
                keep[entity.id] = _stamp(entity.updated_at)
            found.append((kind, entity))
    return found


class _CaptureStatements:
    """The statements every capture runs, built once.

    Building a SQLAlchemy statement costs more CPU than running it on a small library, and
    these are the same on every capture (their values are bound parameters).
    """

    def __init__(self) -> None:
        self._stamps: Any = None
        self._gone: Select[Any] | None = None

    def stamps(self) -> Any:
        """(kind, id, updated_at) of every synced row touched since ``:since``."""
        if self._stamps is None:
            since: Any = bindparam("since")
            self._stamps = union_all(
                *(
                    select(
                        literal(kind).label("kind"), MODELS[kind].id, MODELS[kind].updated_at
                    ).where(MODELS[kind].updated_at >= since)
                    for kind in MATERIALISE_ORDER
                )
            )
        return self._stamps

    def gone(self) -> Select[Any]:
        """Live documents whose row is no longer in the library (removed for good)."""
        if self._gone is None:
            present = [select(model.id) for model in MODELS.values()]
            self._gone = select(sync_docs.c.doc_id).where(
                sync_docs.c.purged.is_(False), sync_docs.c.doc_id.not_in(union_all(*present))
            )
        return self._gone


_STATEMENTS = _CaptureStatements()


def _gone_docs(session: Session) -> list[str]:
    """Live documents whose row is no longer in the library (removed for good)."""
    return list(session.scalars(_STATEMENTS.gone()))


def capture_changes(session: Session) -> int:
    """Queue an update for every synced row edited since the last capture; returns how many.

    Only rows whose ``updated_at`` is past the last capture's watermark are compared (every
    change made through the ORM bumps it); the watermark trails the capture's start by a
    margin, so an edit committed while a capture ran is still seen by the next one.
    """
    started = datetime.now(UTC)
    meta = get_metas(session, WATERMARK, SEEN)
    mark = meta.get(WATERMARK)
    since = datetime.fromisoformat(mark) if mark else None
    new_mark = started - WATERMARK_MARGIN
    seen: dict[str, str] = json.loads(meta.get(SEEN, "{}")) if since else {}
    keep: dict[str, str] = {}
    candidates = _changed_since(session, since, seen, keep, new_mark)
    known = _known_docs(session, [entity.id for _kind, entity in candidates])
    rows: dict[str, tuple[str, SyncedEntity]] = {}
    changed: list[str] = []
    reordered: set[str] = set()  # parents whose children's order must be written in full
    for kind, entity in candidates:
        rows[entity.id] = (kind, entity)
        k = known.get(entity.id)
        fields = entity_fields(entity)
        if (
            k is not None
            and k.fields == fields_json(fields)
            and k.text_hash == text_hash(entity_text(entity))
        ):
            continue
        changed.append(entity.id)
        if kind in ("chapter", "scene"):
            before = json.loads(k.fields) if k else {}
            moved = (
                k is None
                or before.get("ordinal") != fields["ordinal"]
                or before.get("book_id") != fields.get("book_id")
                or before.get("chapter_id") != fields.get("chapter_id")
            )
            if moved:
                reordered.add(str(parent_of(kind, entity)))
                old_parent = before.get("chapter_id") or before.get("book_id")
                if old_parent:
                    reordered.add(json.loads(old_parent))
    if reordered:
        # Every sibling under a reordered parent, edited or not.
        siblings: list[str] = []
        for part in chunks(sorted(reordered)):
            for chapter in session.scalars(select(Chapter).where(Chapter.book_id.in_(part))):
                siblings.append(chapter.id)
                rows.setdefault(chapter.id, ("chapter", chapter))
            for scene in session.scalars(select(Scene).where(Scene.chapter_id.in_(part))):
                siblings.append(scene.id)
                rows.setdefault(scene.id, ("scene", scene))
        known.update(_known_docs(session, [i for i in siblings if i not in known]))
    set_metas(
        session, {WATERMARK: new_mark.isoformat(), SEEN: json.dumps(keep, separators=(",", ":"))}
    )

    to_write = dict.fromkeys(changed)
    for doc_id, (kind, entity) in rows.items():
        if kind in ("chapter", "scene") and parent_of(kind, entity) in reordered:
            k = known.get(doc_id)
            if k is None or k.ordinal != float(entity.ordinal):  # type: ignore[union-attr]
                to_write.setdefault(doc_id)

    # The books of the chapters holding the scenes to write (only those chapters are read).
    scene_chapters = sorted(
        {e.chapter_id for k, e in (rows[d] for d in to_write) if isinstance(e, Scene)}
    )
    chapter_book: dict[str, str] = {}
    for part in chunks(scene_chapters):
        chapter_book.update(
            (str(cid), str(bid))
            for cid, bid in session.execute(
                select(Chapter.id, Chapter.book_id).where(Chapter.id.in_(part))
            )
        )

    def book_of(kind: str, entity: SyncedEntity) -> str:
        if isinstance(entity, Scene):
            return chapter_book.get(entity.chapter_id, "")
        return entity.id if kind == "book" else str(entity.book_id)  # type: ignore[union-attr]

    writes = DocWrites()
    states = load_states(session, [d for d in to_write if d in known])
    for doc_id in to_write:
        kind, entity = rows[doc_id]
        force = kind in ("chapter", "scene") and parent_of(kind, entity) in reordered
        capture_entity(
            writes,
            kind=kind,
            entity=entity,
            book_id=book_of(kind, entity),
            known=known.get(doc_id),
            state=states.get(doc_id),
            force_ordinal=force,
        )
    gone = _gone_docs(session)
    _capture_purges(session, writes, gone)
    queued = len(writes.outbox)
    writes.write(session)
    return queued


def _capture_purges(session: Session, writes: DocWrites, doc_ids: list[str]) -> None:
    for part in chunks(doc_ids):
        for row in session.execute(
            select(
                sync_docs.c.doc_id,
                sync_docs.c.kind,
                sync_docs.c.state,
                sync_docs.c.book_id,
                sync_docs.c.materialised,
            ).where(sync_docs.c.doc_id.in_(part))
        ):
            if not row.materialised:
                continue  # never made it into the library (its parent has not arrived yet)
            doc = new_doc(bytes(row.state))
            update = record_changes(doc, fields={}, previous_fields={}, purged=True)
            writes.docs[row.doc_id] = doc_row(
                doc_id=row.doc_id,
                kind=row.kind,
                book_id=row.book_id,
                doc=doc,
                fields="{}",
                hashed_text="",
                purged=True,
            )
            if update is not None:
                writes.queue(doc_id=row.doc_id, kind=row.kind, book_id=row.book_id, update=update)
