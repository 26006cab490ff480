"""Turning the writer's edits in the library into CRDT updates in the outbox.

Each synced row is compared with the fields and text hash its document last had on this
device; only rows that differ are written into their document. When a child is added,
moved or reordered, the ordinals of all its live siblings are written too, so that every
device orders them the same way. A row that is gone for good leaves a tombstone.
Document rows and outbox entries are written in batches (one statement per batch), so that
capturing a whole new library costs little more than building its documents.

A capture runs at every sync, so its steady state is a handful of small queries: rows are
read as plain rows (not ORM objects) with statements built once, and a row whose version
(its ``updated_at`` as stored) this device already compared, or wrote itself when pulling,
is not read at all (see :class:`RowVersions`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pycrdt
from sqlalchemy import DateTime, Select, String, bindparam, literal, select, type_coerce, union_all
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.domain import Chapter
from core.ids import new_id
from core.sync.documents import (
    FIELDS,
    MATERIALISE_ORDER,
    MODELS,
    TEXT_KINDS,
    decoded_fields,
    entity_fields,
    entity_text,
    new_doc,
    record_changes,
)
from core.sync.live_registry import live_texts
from core.sync.local_state import get_metas, set_metas, sync_docs, sync_outbox

WATERMARK = "capture_watermark"
# Rows inside the watermark's margin already compared, with the updated_at they had then.
SEEN = "capture_seen"
# The sync_meta keys a capture reads (a caller may read them with others, in one query).
CAPTURE_META = (WATERMARK, SEEN)
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
_STAMP_TYPE = DateTime(timezone=True)
# The kinds ordered among their siblings, and the column that names their parent.
ORDERED_KINDS = {"chapter": "book_id", "scene": "chapter_id", "note": "book_id"}


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fields_json(fields: dict[str, str]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def parent_of(kind: str, entity: Any) -> str | None:
    if kind == "scene":
        return str(entity.chapter_id)
    if kind == "book":
        return None
    return str(entity.book_id)


def stored_stamp(session: Session, value: datetime) -> str:
    """``value`` as the library stores an ``updated_at`` (what :func:`_changed_since` reads).

    Versions are compared as stored text: reading a few hundred stamps as text costs a
    fraction of parsing them into datetimes, and stored text orders like time.
    """
    dialect = session.get_bind().dialect
    process = _STAMP_TYPE.dialect_impl(dialect).bind_processor(dialect)
    return str(process(value) if process is not None else value)


@dataclass
class RowVersions:
    """Row versions this device knows to match their documents, so a capture skips them.

    ``mark``: every row stored older than it was compared by a capture (the watermark, as
    stored text). ``stamps``: row id -> a stored ``updated_at`` at which the row matched its
    document (compared by a capture, or written from the document by a pull). Any later edit
    gives the row another stamp, so a stale entry only ever costs a comparison.
    """

    mark: str = ""
    stamps: dict[str, str] = field(default_factory=dict)

    def is_clean(self, row_id: str, stamp: str) -> bool:
        return (bool(self.mark) and stamp < self.mark) or self.stamps.get(row_id) == stamp


@dataclass
class KnownDoc:
    kind: str
    fields: str
    text_hash: str
    ordinal: float | None
    purged: bool
    state: bytes | None = None  # read only for the documents about to be written


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
        for part in chunks(rows):
            session.execute(_STATEMENTS.upsert_docs(), list(part))
        for part in chunks(self.outbox):
            session.execute(_STATEMENTS.insert_outbox(), list(part))
        self.docs.clear()
        self.outbox.clear()


def load_states(session: Session, doc_ids: Iterable[str]) -> dict[str, bytes]:
    ids = list(doc_ids)
    states: dict[str, bytes] = {}
    for part in chunks(ids):
        for doc_id, state in session.execute(_STATEMENTS.states(), {"ids": list(part)}):
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
    entity: Any,
    book_id: str,
    known: KnownDoc | None,
    state: bytes | None,
    force_ordinal: bool = False,
    live_text: bool = False,
) -> pycrdt.Doc:
    """Write one row's changes into its document and queue the update; returns the doc.

    ``entity`` is a model instance or a row with the same attributes (see ``entity_fields``).
    ``live_text``: the text is open in a live room, which records it; only fields are taken.
    """
    fields = entity_fields(entity, kind)
    text = entity_text(entity, kind)
    hashed = text_hash(text)
    previous: dict[str, str] = json.loads(known.fields) if known else {}
    if force_ordinal:
        previous.pop("ordinal", None)
    doc = new_doc(state)
    if live_text and known is not None:
        hashed = known.text_hash
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


class _CaptureStatements:
    """The statements every capture (and pull) runs, built once.

    Building a SQLAlchemy statement costs more CPU than running it on a small library, and
    these are the same on every capture (their values are bound parameters; lists of ids
    are expanding parameters).
    """

    def __init__(self) -> None:
        self._cache: dict[Any, Any] = {}

    def _once(self, key: Any, build: Any) -> Any:
        stmt = self._cache.get(key)
        if stmt is None:
            stmt = self._cache[key] = build()
        return stmt

    def stamps(self) -> Any:
        """(kind, id, stamp) of every synced row touched since ``:since``."""

        def build() -> Any:
            since: Any = bindparam("since")
            return union_all(
                *(
                    select(
                        literal(kind).label("kind"),
                        MODELS[kind].id,
                        _stamp_column(kind),
                    ).where(MODELS[kind].updated_at >= since)
                    for kind in MATERIALISE_ORDER
                )
            )

        return self._once("stamps", build)

    def rows(self, kind: str, by: str = "id") -> Select[Any]:
        """The rows of ``kind`` whose ``by`` column is in ``:ids`` (every row for ``by=""``).

        Each row holds the synced fields under their attribute names, ``stamp``, for a scene
        or a note its ``text``, and for a scene ``owner_book`` (the book of its chapter).
        """

        def build() -> Select[Any]:
            model = MODELS[kind]
            table = model.__table__
            attrs = model.__mapper__.column_attrs

            def column(name: str) -> Any:
                return attrs[name].columns[0].label(name)

            columns = [table.c.id, _stamp_column(kind), *(column(f) for f in FIELDS[kind])]
            if kind in TEXT_KINDS:
                columns.append(table.c.text)
            if kind == "scene":
                chapters = Chapter.__table__
                owner = select(chapters.c.book_id).where(chapters.c.id == table.c.chapter_id)
                columns.append(owner.scalar_subquery().label("owner_book"))
            stmt = select(*columns)
            if by:
                stmt = stmt.where(table.c[by].in_(bindparam("ids", expanding=True)))
            return stmt

        return self._once(("rows", kind, by), build)

    def known(self, with_state: bool) -> Select[Any]:
        def build() -> Select[Any]:
            columns = [
                sync_docs.c.doc_id,
                sync_docs.c.kind,
                sync_docs.c.fields,
                sync_docs.c.text_hash,
                sync_docs.c.ordinal,
                sync_docs.c.purged,
            ]
            if with_state:
                columns.append(sync_docs.c.state)
            return select(*columns).where(sync_docs.c.doc_id.in_(bindparam("ids", expanding=True)))

        return self._once(("known", with_state), build)

    def states(self) -> Select[Any]:
        return self._once(
            "states",
            lambda: select(sync_docs.c.doc_id, sync_docs.c.state).where(
                sync_docs.c.doc_id.in_(bindparam("ids", expanding=True))
            ),
        )

    def gone(self) -> Select[Any]:
        """Live documents whose row is no longer in the library (removed for good).

        One ``NOT IN`` per table, most numerous first: each probes that table's primary key
        index, where a ``NOT IN`` of a union would first copy every id of the library.
        """

        def build() -> Select[Any]:
            present = [
                sync_docs.c.doc_id.not_in(select(MODELS[kind].id))
                for kind in reversed(MATERIALISE_ORDER)
            ]
            return select(sync_docs.c.doc_id).where(sync_docs.c.purged.is_(False), *present)

        return self._once("gone", build)

    def purgeable(self) -> Select[Any]:
        return self._once(
            "purgeable",
            lambda: select(
                sync_docs.c.doc_id,
                sync_docs.c.kind,
                sync_docs.c.state,
                sync_docs.c.book_id,
                sync_docs.c.materialised,
            ).where(sync_docs.c.doc_id.in_(bindparam("ids", expanding=True))),
        )

    def upsert_docs(self) -> Any:
        def build() -> Any:
            stmt = sqlite_insert(sync_docs)
            return stmt.on_conflict_do_update(
                index_elements=["doc_id"], set_={c: stmt.excluded[c] for c in _UPSERT_COLUMNS}
            )

        return self._once("upsert_docs", build)

    def insert_outbox(self) -> Any:
        return self._once("insert_outbox", sync_outbox.insert)


def _stamp_column(kind: str) -> Any:
    return stamp_column(MODELS[kind].__table__)


_STATEMENTS = _CaptureStatements()


def _known_docs(
    session: Session, doc_ids: Sequence[str], *, with_state: bool = False
) -> dict[str, KnownDoc]:
    """What the documents of ``doc_ids`` last held, by doc id (and their states if asked)."""
    stmt = _STATEMENTS.known(with_state)
    known: dict[str, KnownDoc] = {}
    for part in chunks(doc_ids):
        for r in session.execute(stmt, {"ids": list(part)}):
            state = bytes(r[6]) if with_state else None
            known[r[0]] = KnownDoc(r[1], r[2], r[3], r[4], bool(r[5]), state)
    return known


def _changed_since(
    session: Session,
    since: datetime | None,
    seen: Mapping[str, str],
    keep: dict[str, str],
    keep_after: str,
) -> list[tuple[str, Any]]:
    """(kind, row) of the rows touched since ``since`` that this device has not compared yet.

    A row whose stamp is the one recorded in ``seen`` was compared at that very version by
    an earlier capture (it lies inside the watermark's margin), or written from its
    document by a pull, so only its id and stamp are read (one statement for every kind).
    ``keep`` collects the versions to remember for the next capture.
    """
    wanted: dict[str, list[str]] = {kind: [] for kind in MATERIALISE_ORDER}
    if since is not None:
        # Every row inside the margin comes back at each capture: fetched in one call.
        stamps = session.execute(_STATEMENTS.stamps(), {"since": since}).all()
        for kind, doc_id, stamp in stamps:
            if seen.get(doc_id) == stamp:
                keep[doc_id] = stamp
            else:
                wanted[kind].append(doc_id)
    found: list[tuple[str, Any]] = []
    for kind in MATERIALISE_ORDER:
        if since is None:
            fresh: Iterable[Any] = session.execute(_STATEMENTS.rows(kind, by=""))
        else:
            stmt = _STATEMENTS.rows(kind)
            fresh = (
                row
                for part in chunks(wanted[kind])
                for row in session.execute(stmt, {"ids": list(part)})
            )
        for row in fresh:
            if row.stamp is not None and row.stamp >= keep_after:
                keep[row.id] = row.stamp
            found.append((kind, row))
    return found


def rows_by_id(session: Session, kind: str, ids: Sequence[str]) -> dict[str, Any]:
    """The rows of ``kind`` among ``ids``, as a capture reads them (``_CaptureStatements.rows``)."""
    stmt = _STATEMENTS.rows(kind)
    found: dict[str, Any] = {}
    for part in chunks(ids):
        found.update((row.id, row) for row in session.execute(stmt, {"ids": list(part)}))
    return found


def stamp_column(table: Any) -> Any:
    """A table's ``updated_at`` read as stored text (see :func:`stored_stamp`)."""
    return type_coerce(table.c.updated_at, String).label("stamp")


def _gone_docs(session: Session) -> list[str]:
    """Live documents whose row is no longer in the library (removed for good)."""
    return list(session.scalars(_STATEMENTS.gone()))


@dataclass
class Captured:
    """What a capture did: updates queued, and the row versions it leaves known."""

    queued: int
    versions: RowVersions


def capture_changes(
    session: Session,
    *,
    meta: Mapping[str, str] | None = None,
    clean: Mapping[str, str] | None = None,
) -> int:
    """Queue an update for every synced row edited since the last capture; returns how many."""
    return capture(session, meta=meta, clean=clean).queued


def capture(
    session: Session,
    *,
    meta: Mapping[str, str] | None = None,
    clean: Mapping[str, str] | None = None,
) -> Captured:
    """Queue an update for every synced row edited since the last capture.

    Only rows whose ``updated_at`` is past the last capture's watermark are compared (every
    change made through the ORM bumps it); the watermark trails the capture's start by a
    margin, so an edit committed while a capture ran is still seen by the next one.
    ``meta`` holds the values of :data:`CAPTURE_META` when the caller has read them;
    ``clean`` maps row ids to versions known to match their documents (written by a pull
    since the last capture). The versions returned hold only once the session commits.
    """
    started = datetime.now(UTC)
    if meta is None:
        meta = get_metas(session, *CAPTURE_META)
    mark = meta.get(WATERMARK)
    since = datetime.fromisoformat(mark) if mark else None
    new_mark = started - WATERMARK_MARGIN
    keep_after = stored_stamp(session, new_mark)
    seen: dict[str, str] = json.loads(meta.get(SEEN) or "{}") if since else {}
    if since is not None and clean:
        seen.update(clean)
    keep: dict[str, str] = {}
    candidates = _changed_since(session, since, seen, keep, keep_after)
    rows: dict[str, tuple[str, Any]] = {}
    for kind, entity in candidates:
        rows[entity.id] = (kind, entity)
    # At a sync, most rows compared are written: their states are read with the rest. A
    # first capture compares every row, and reads only the states it writes.
    known = _known_docs(session, list(rows), with_state=since is not None)
    changed: list[str] = []
    # Kind -> parents whose children of that kind must have their order written in full
    # (by kind: a book orders its chapters and its notes apart).
    reordered: dict[str, set[str]] = {}
    # The texts of documents open in a live room are the room's to record (see live_store).
    live = live_texts(str(session.get_bind().engine.url))
    for kind, entity in candidates:
        k = known.get(entity.id)
        fields = entity_fields(entity, kind)
        if (
            k is not None
            and k.fields == fields_json(fields)
            and (entity.id in live or k.text_hash == text_hash(entity_text(entity, kind)))
        ):
            continue
        changed.append(entity.id)
        if kind in ORDERED_KINDS:
            before = json.loads(k.fields) if k else {}
            moved = (
                k is None
                or before.get("ordinal") != fields["ordinal"]
                or before.get("book_id") != fields.get("book_id")
                or before.get("chapter_id") != fields.get("chapter_id")
            )
            if moved:
                parents = reordered.setdefault(kind, set())
                parents.add(str(parent_of(kind, entity)))
                old_parent = before.get("chapter_id") or before.get("book_id")
                if old_parent:
                    parents.add(json.loads(old_parent))
    if reordered:
        # Every sibling under a reordered parent, edited or not: a statement for each kind
        # that was reordered.
        siblings: list[str] = []
        for kind, parents in reordered.items():
            stmt = _STATEMENTS.rows(kind, ORDERED_KINDS[kind])
            for part in chunks(sorted(parents)):
                for row in session.execute(stmt, {"ids": list(part)}):
                    siblings.append(row.id)
                    rows.setdefault(row.id, (kind, row))
        known.update(_known_docs(session, [i for i in siblings if i not in known]))
    set_metas(
        session, {WATERMARK: new_mark.isoformat(), SEEN: json.dumps(keep, separators=(",", ":"))}
    )

    def is_reordered(kind: str, entity: Any) -> bool:
        return parent_of(kind, entity) in reordered.get(kind, ())

    to_write = dict.fromkeys(changed)
    for doc_id, (kind, entity) in rows.items():
        if is_reordered(kind, entity):
            k = known.get(doc_id)
            if k is None or k.ordinal != float(entity.ordinal):
                to_write.setdefault(doc_id)

    def book_of(kind: str, entity: Any) -> str:
        if kind == "scene":
            return str(entity.owner_book or "")
        return str(entity.id if kind == "book" else entity.book_id)

    writes = DocWrites()
    # Siblings (and every row at a first capture) came without states: read those written.
    missing = [d for d in to_write if d in known and known[d].state is None]
    states = load_states(session, missing)
    for doc_id in to_write:
        kind, entity = rows[doc_id]
        force = is_reordered(kind, entity)
        k = known.get(doc_id)
        capture_entity(
            writes,
            kind=kind,
            entity=entity,
            book_id=book_of(kind, entity),
            known=k,
            state=k.state if k is not None and k.state is not None else states.get(doc_id),
            force_ordinal=force,
            live_text=k is not None and doc_id in live,
        )
    gone = _gone_docs(session)
    _capture_purges(session, writes, gone)
    queued = len(writes.outbox)
    writes.write(session)
    return Captured(queued, RowVersions(keep_after, keep))


def _capture_purges(session: Session, writes: DocWrites, doc_ids: list[str]) -> None:
    for part in chunks(doc_ids):
        for row in session.execute(_STATEMENTS.purgeable(), {"ids": list(part)}):
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
