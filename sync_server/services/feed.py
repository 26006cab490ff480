"""The per-user change feed: idempotent push, cursor-paged pull, compaction.

A push is one transaction: the user's row is locked (so sequence numbers commit in order),
ops already applied are skipped by op id, the rest are appended to the feed. A document that
has collected ``compact_after`` updates is squashed into one state at a new sequence number,
so a device that pulls later fetches one update instead of hundreds and loses nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pycrdt
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.sync.protocol import decode_update, encode_update
from sync_server.errors import ResyncRequired, Unprocessable
from sync_server.models import AppliedOp, Change, Document, User
from sync_server.schemas import OpIn, PushResult


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
    """Append the ops not yet applied; returns counts and the feed's cursor."""
    decoded = [(op, _decode(op)) for op in ops]
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    assert user is not None
    op_ids = list({op.op_id for op in ops})
    seen = set(
        session.scalars(
            select(AppliedOp.op_id).where(AppliedOp.user_id == user_id, AppliedOp.op_id.in_(op_ids))
        )
    )
    doc_ids = list({op.doc_id for op in ops})
    docs = {
        d.id: d
        for d in session.scalars(
            select(Document).where(Document.user_id == user_id, Document.id.in_(doc_ids))
        )
    }
    applied = duplicates = 0
    now = datetime.now(UTC)
    to_compact: set[str] = set()
    for op, data in decoded:
        if op.op_id in seen:
            duplicates += 1
            continue
        doc = docs.get(op.doc_id)
        if doc is None:
            doc = Document(id=op.doc_id, user_id=user_id, kind=op.kind, book_id=op.book_id)
            doc.update_count = 0
            session.add(doc)
            docs[op.doc_id] = doc
        seen.add(op.op_id)
        user.last_seq += 1
        session.add(
            Change(
                user_id=user_id,
                seq=user.last_seq,
                doc_id=op.doc_id,
                kind=doc.kind,
                book_id=doc.book_id,
                device_id=device_id,
                data=data,
            )
        )
        session.add(AppliedOp(user_id=user_id, op_id=op.op_id))
        doc.update_count += 1
        doc.updated_at = now
        applied += 1
        if doc.update_count >= compact_after:
            to_compact.add(doc.id)
    session.flush()
    for doc_id in to_compact:
        _compact(session, user, docs[doc_id])
    cursor = user.last_seq
    session.commit()
    return PushResult(applied=applied, duplicates=duplicates, cursor=cursor)


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


def pull(
    *, session: Session, user_id: str, last_seq: int, feed_floor: int, cursor: int, limit: int
) -> dict[str, Any]:
    """The changes after ``cursor``, at most ``limit``, as the JSON body of a PullPage.

    ``last_seq`` and ``feed_floor`` are the account's, read with the caller's token check.
    """
    # Zero means "from the start": always served, since pruning keeps squashed states.
    if cursor > last_seq or 0 < cursor < feed_floor:
        raise ResyncRequired(
            f"cursor {cursor} is no longer served (the feed is at {last_seq}): pull again from 0"
        )
    rows = list(
        session.execute(
            select(Change.seq, Change.doc_id, Change.kind, Change.book_id, Change.data)
            .where(Change.user_id == user_id, Change.seq > cursor)
            .order_by(Change.seq)
            .limit(limit + 1)
        )
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    changes = [
        {
            "seq": r.seq,
            "doc_id": r.doc_id,
            "kind": r.kind,
            "book_id": r.book_id,
            "update": encode_update(bytes(r.data)),
        }
        for r in rows
    ]
    return {
        "changes": changes,
        "cursor": rows[-1].seq if rows else cursor,
        "has_more": has_more,
    }
