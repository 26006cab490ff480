"""The per-user change feed: idempotent push, cursor-paged pull, compaction.

A push is one transaction: the user's row is locked (so sequence numbers commit in order; on
SQLite the transaction takes the database's write lock before its first read),
ops already applied are skipped by op id, the rest are appended to the feed. A document that
has collected ``compact_after`` updates is squashed into one state at a new sequence number,
so a device that pulls later fetches one update instead of hundreds and loses nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, cast

import pycrdt
from sqlalchemy import Connection, Table, and_, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.sync.protocol import decode_update, encode_update
from sync_server.errors import ResyncRequired, Unauthorized, Unprocessable
from sync_server.models import AppliedOp, Change, Device, Document, User
from sync_server.schemas import OpIn, PushResult

_USERS = cast(Table, User.__table__)
_DOCUMENTS = cast(Table, Document.__table__)
_CHANGES = cast(Table, Change.__table__)
_APPLIED_OPS = cast(Table, AppliedOp.__table__)


def _decode(op: OpIn) -> bytes:
    try:
        data = decode_update(op.update)
        pycrdt.Doc().apply_update(data)  # refuses bytes that are not a Yjs update
    except ValueError as exc:
        raise Unprocessable(
            f"op {op.op_id}: the update is not a valid Yjs update", code="invalid_update"
        ) from exc
    return data


class _PushStatements:
    """The statements of a push, built once per dialect: building them costs more CPU than
    running them, and a push is the server's hot write path."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], Any] = {}

    def get(self, dialect: str, name: str) -> Any:
        stmt = self._cache.get((dialect, name))
        if stmt is None:
            stmt = self._cache[(dialect, name)] = getattr(self, "_" + name)(dialect)
        return stmt

    @staticmethod
    def _insert(dialect: str, table: Table) -> Any:
        # The two databases the server runs on; both have ON CONFLICT and RETURNING.
        return pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)

    def _lock(self, _dialect: str) -> Any:
        # The account row, locked (sequence numbers commit in order), and the device.
        device = and_(Device.id == bindparam("device_id"), Device.user_id == User.id)
        return (
            select(User.last_seq, Device.id, Device.revoked_at)
            .select_from(User)
            .outerjoin(Device, device)
            .where(User.id == bindparam("user_id"))
            .with_for_update(of=User.__table__)
        )

    def _claim_ops(self, dialect: str) -> Any:
        # Records the op ids; answers those not recorded before (the ops to apply).
        stmt = self._insert(dialect, _APPLIED_OPS).on_conflict_do_nothing(
            index_elements=["user_id", "op_id"]
        )
        return stmt.returning(_APPLIED_OPS.c.op_id)

    def _count_docs(self, dialect: str) -> Any:
        # Adds the documents new to the feed and counts the updates of all; answers each
        # document's kind and book as first recorded, and its count of updates.
        stmt = self._insert(dialect, _DOCUMENTS)
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id", "id"],
            set_={
                "update_count": _DOCUMENTS.c.update_count + stmt.excluded.update_count,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        return stmt.returning(
            _DOCUMENTS.c.id, _DOCUMENTS.c.kind, _DOCUMENTS.c.book_id, _DOCUMENTS.c.update_count
        )

    def _set_last_seq(self, _dialect: str) -> Any:
        return (
            update(_USERS)
            .where(_USERS.c.id == bindparam("u_id"))
            .values(last_seq=bindparam("u_seq"))
        )

    def _append(self, _dialect: str) -> Any:
        return _CHANGES.insert()


_PUSH = _PushStatements()


def begin_write(session: Session) -> Connection:
    """The session's connection, in a transaction that holds the write lock from the start.

    PostgreSQL locks the account row with ``SELECT ... FOR UPDATE``; SQLite ignores that, and
    the sqlite3 module opens a transaction only at the first write, so two pushes read the
    same ``last_seq`` and the second fails on a duplicate sequence number (or, after a read,
    with SQLITE_BUSY). ``BEGIN IMMEDIATE`` takes SQLite's one write lock before the first
    read, waiting for a writer in progress up to the busy timeout.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if not getattr(driver, "in_transaction", False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    return connection


def push(
    *, session: Session, user_id: str, device_id: str | None, ops: list[OpIn], compact_after: int
) -> PushResult:
    """Append the ops not yet applied; returns counts and the feed's cursor.

    Written with Core statements built once (one per table, each a batch), not ORM objects:
    a push is the server's hot write path, and the ORM's unit of work costs more CPU than
    the SQL. Recording the op ids answers which ops are new, and counting the documents'
    updates answers their kind and count, so a push costs five statements.
    """
    decoded = [(op, _decode(op)) for op in ops]
    connection = begin_write(session)
    dialect = connection.dialect.name
    found = connection.execute(
        _PUSH.get(dialect, "lock"), {"user_id": user_id, "device_id": device_id or ""}
    ).first()
    if found is None:
        raise Unauthorized("the account no longer exists", code="invalid_token")
    if device_id and (found[1] is None or found[2] is not None):
        raise Unauthorized("this device was signed out", code="device_revoked")
    last_seq = previous = int(found[0] or 0)
    now = datetime.now(UTC)
    op_ids = list(dict.fromkeys(op.op_id for op in ops))
    fresh: set[str] = set()
    if op_ids:
        fresh = set(
            connection.execute(
                _PUSH.get(dialect, "claim_ops"),
                [{"user_id": user_id, "op_id": i, "applied_at": now} for i in op_ids],
            ).scalars()
        )
    # The first op of each id that was not applied before, in order.
    to_apply: list[tuple[OpIn, bytes]] = []
    for op, data in decoded:
        if op.op_id in fresh:
            fresh.discard(op.op_id)
            to_apply.append((op, data))
    applied, duplicates = len(to_apply), len(ops) - len(to_apply)
    to_compact: set[str] = set()
    if to_apply:
        counts: dict[str, dict[str, Any]] = {}
        for op, _data in to_apply:
            doc = counts.get(op.doc_id)
            if doc is None:
                counts[op.doc_id] = {
                    "user_id": user_id,
                    "id": op.doc_id,
                    "kind": op.kind,
                    "book_id": op.book_id,
                    "update_count": 1,
                    "updated_at": now,
                }
            else:
                doc["update_count"] += 1
        docs: dict[str, tuple[str, str]] = {}
        for doc_id, kind, book_id, count in connection.execute(
            _PUSH.get(dialect, "count_docs"), [counts[d] for d in sorted(counts)]
        ):
            docs[doc_id] = (kind, book_id)
            if count >= compact_after:
                to_compact.add(doc_id)
        changes: list[dict[str, Any]] = []
        for op, data in to_apply:
            last_seq += 1
            kind, book_id = docs[op.doc_id]
            changes.append(
                {
                    "user_id": user_id,
                    "seq": last_seq,
                    "doc_id": op.doc_id,
                    "kind": kind,
                    "book_id": book_id,
                    "device_id": device_id,
                    "data": data,
                    "created_at": now,
                }
            )
        connection.execute(_PUSH.get(dialect, "set_last_seq"), {"u_id": user_id, "u_seq": last_seq})
        connection.execute(_PUSH.get(dialect, "append"), changes)
    if to_compact:
        # Rare (once per ``compact_after`` updates of a document): done on ORM objects.
        user = session.get(User, user_id, populate_existing=True)
        assert user is not None
        for doc_id in sorted(to_compact):
            document = session.get(Document, (user_id, doc_id), populate_existing=True)
            assert document is not None
            _compact(session, user, document)
        last_seq = user.last_seq
    session.commit()
    return PushResult(
        applied=applied, duplicates=duplicates, cursor=last_seq, previous_cursor=previous
    )


def _compact(session: Session, user: User, doc: Document) -> None:
    rows = list(
        session.scalars(
            select(Change)
            .where(Change.user_id == user.id, Change.doc_id == doc.id)
            .order_by(Change.seq)
        )
    )
    if len(rows) < 2:
        return
    merged = pycrdt.merge_updates(*[bytes(r.data) for r in rows])
    session.execute(
        delete(Change).where(Change.user_id == user.id, Change.seq.in_([r.seq for r in rows]))
    )
    user.last_seq += 1
    session.add(
        Change(
            user_id=user.id,
            seq=user.last_seq,
            doc_id=doc.id,
            kind=doc.kind,
            book_id=doc.book_id,
            data=merged,
        )
    )
    doc.update_count = 1
    session.flush()


def compact_user(*, session: Session, user_id: str) -> int:
    """Squash every document of the user that has more than one update; returns how many."""
    begin_write(session)
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    assert user is not None
    doc_ids = list(
        session.scalars(
            select(Change.doc_id)
            .where(Change.user_id == user_id)
            .group_by(Change.doc_id)
            .having(func.count() > 1)
        )
    )
    for doc in session.scalars(
        select(Document).where(Document.user_id == user_id, Document.id.in_(doc_ids))
    ):
        _compact(session, user, doc)
    session.commit()
    return len(doc_ids)


# The account row (with the device's standing) and one page of the feed, in one statement,
# so that a pull costs one round trip and reads both from the same snapshot. The page is a
# keyset scan of the primary key (user_id, seq); the outer query only appends one row.
_PULL_SQL = text(
    """
    SELECT 0 AS part, u.last_seq AS seq, u.feed_floor AS feed_floor,
           CASE WHEN d.id IS NOT NULL AND d.revoked_at IS NULL THEN 1 ELSE 0 END AS device_ok,
           NULL AS doc_id, NULL AS kind, NULL AS book_id, NULL AS data
    FROM users u LEFT JOIN devices d ON d.id = :device_id AND d.user_id = u.id
    WHERE u.id = :user_id
    UNION ALL
    SELECT 1, page.seq, 0, 0, page.doc_id, page.kind, page.book_id, page.data
    FROM (
        SELECT c.seq, c.doc_id, c.kind, c.book_id, c.data FROM changes c
        WHERE c.user_id = :user_id AND c.seq > :cursor
        ORDER BY c.seq
        LIMIT :limit
    ) page
    """
)


def pull(
    *, connection: Connection, user_id: str, device_id: str | None, cursor: int, limit: int
) -> bytes:
    """The changes after ``cursor``, at most ``limit``, as the JSON body of a PullPage.

    Checks that the account exists and, for a device token, that the device is still signed
    in (Unauthorized otherwise): the token check and the page are one query.
    """
    rows = connection.execute(
        _PULL_SQL,
        {"user_id": user_id, "device_id": device_id or "", "cursor": cursor, "limit": limit + 1},
    ).all()
    account = next((r for r in rows if r[0] == 0), None)
    if account is None:
        raise Unauthorized("the account no longer exists", code="invalid_token")
    if device_id and not account[3]:
        raise Unauthorized("this device was signed out", code="device_revoked")
    last_seq, feed_floor = int(account[1]), int(account[2])
    # Zero means "from the start": always served, since pruning keeps squashed states.
    if cursor > last_seq or 0 < cursor < feed_floor:
        raise ResyncRequired(
            f"cursor {cursor} is no longer served (the feed is at {last_seq}): pull again from 0"
        )
    page = sorted((r for r in rows if r[0] == 1), key=lambda r: int(r[1]))
    has_more = len(page) > limit
    page = page[:limit]
    body = {
        "changes": [
            {
                "seq": int(r[1]),
                "doc_id": r[4],
                "kind": r[5],
                "book_id": r[6],
                "update": encode_update(bytes(r[7])),
            }
            for r in page
        ],
        "cursor": int(page[-1][1]) if page else cursor,
        "has_more": has_more,
    }
    return json.dumps(body, separators=(",", ":")).encode()
