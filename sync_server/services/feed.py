"""The per-user change feed: idempotent push, cursor-paged pull, compaction.

A push is one transaction: the user's row is locked (so sequence numbers commit in order),
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


def push(
    *, session: Session, user_id: str, device_id: str | None, ops: list[OpIn], compact_after: int
) -> PushResult:
    """Append the ops not yet applied; returns counts and the feed's cursor.

    Written with Core statements (one per table, each a batch), not ORM objects: a push is
    the server's hot write path, and the ORM's unit of work costs more CPU than the SQL.
    """
    decoded = [(op, _decode(op)) for op in ops]
    device = and_(Device.id == (device_id or ""), Device.user_id == User.id)
    found = session.execute(
        select(User.last_seq, Device.id, Device.revoked_at)
        .select_from(User)
        .outerjoin(Device, device)
        .where(User.id == user_id)
        .with_for_update(of=User.__table__)
    ).first()
    if found is None:
        raise Unauthorized("the account no longer exists", code="invalid_token")
    if device_id and (found[1] is None or found[2] is not None):
        raise Unauthorized("this device was signed out", code="device_revoked")
    last_seq = int(found[0] or 0)
    op_ids = list({op.op_id for op in ops})
    seen = set(
        session.scalars(
            select(AppliedOp.op_id).where(AppliedOp.user_id == user_id, AppliedOp.op_id.in_(op_ids))
        )
    )
    doc_ids = list({op.doc_id for op in ops})
    # doc id -> [kind, book_id, update_count]; ``fresh`` holds the documents new to the feed.
    docs: dict[str, list[Any]] = {
        r.id: [r.kind, r.book_id, r.update_count]
        for r in session.execute(
            select(Document.id, Document.kind, Document.book_id, Document.update_count).where(
                Document.user_id == user_id, Document.id.in_(doc_ids)
            )
        )
    }
    fresh: set[str] = set()
    touched: set[str] = set()
    changes: list[dict[str, Any]] = []
    applied_ops: list[dict[str, Any]] = []
    applied = duplicates = 0
    now = datetime.now(UTC)
    to_compact: set[str] = set()
    for op, data in decoded:
        if op.op_id in seen:
            duplicates += 1
            continue
        doc = docs.get(op.doc_id)
        if doc is None:
            doc = docs[op.doc_id] = [op.kind, op.book_id, 0]
            fresh.add(op.doc_id)
        seen.add(op.op_id)
        last_seq += 1
        changes.append(
            {
                "user_id": user_id,
                "seq": last_seq,
                "doc_id": op.doc_id,
                "kind": doc[0],
                "book_id": doc[1],
                "device_id": device_id,
                "data": data,
                "created_at": now,
            }
        )
        applied_ops.append({"user_id": user_id, "op_id": op.op_id, "applied_at": now})
        doc[2] += 1
        touched.add(op.doc_id)
        applied += 1
        if doc[2] >= compact_after:
            to_compact.add(op.doc_id)
    if applied:
        connection = session.connection()
        connection.execute(update(_USERS).where(_USERS.c.id == user_id).values(last_seq=last_seq))
        new_docs = [
            {
                "user_id": user_id,
                "id": doc_id,
                "kind": docs[doc_id][0],
                "book_id": docs[doc_id][1],
                "update_count": docs[doc_id][2],
                "updated_at": now,
            }
            for doc_id in sorted(fresh)
        ]
        if new_docs:
            connection.execute(_DOCUMENTS.insert(), new_docs)
        counts = [
            {"d_id": doc_id, "d_count": docs[doc_id][2]} for doc_id in sorted(touched - fresh)
        ]
        if counts:
            connection.execute(
                update(_DOCUMENTS)
                .where(_DOCUMENTS.c.user_id == user_id, _DOCUMENTS.c.id == bindparam("d_id"))
                .values(update_count=bindparam("d_count"), updated_at=now),
                counts,
            )
        connection.execute(_CHANGES.insert(), changes)
        connection.execute(_APPLIED_OPS.insert(), applied_ops)
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
    return PushResult(applied=applied, duplicates=duplicates, cursor=last_seq)


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
