"""The per-book change feed: idempotent push, cursor-paged pull, compaction.

A push is one transaction. The rows of the books it touches are locked in id order (so each
book's sequence numbers commit in order; on SQLite the transaction takes the database's
write lock before its first read), and the caller's role in each is checked in the same
query: ops for a book the caller may not write are refused book by book (``rejected``), the
rest go through. A book pushed for the first time is made, owned by the pusher. Ops already
applied are skipped by op id, the rest are appended to their book's feed. A document that
has collected ``compact_after`` updates is squashed into one state at a new sequence number,
so a device that pulls later fetches one update instead of hundreds and loses nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, cast

import pycrdt
from sqlalchemy import (
    Connection,
    DateTime,
    String,
    Table,
    and_,
    bindparam,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.sync.protocol import decode_update, encode_update
from sync_server.errors import NotFound, ResyncRequired, Unauthorized, Unprocessable
from sync_server.models import AppliedOp, Book, BookMember, Change, Device, Document, User
from sync_server.schemas import BookCursor, OpIn, PushResult
from sync_server.services.books import WRITERS, active, heads, live_membership, refresh_title
from sync_server.settings import Settings

_BOOKS = cast(Table, Book.__table__)
_MEMBERS = cast(Table, BookMember.__table__)
_DOCUMENTS = cast(Table, Document.__table__)
_CHANGES = cast(Table, Change.__table__)
_APPLIED_OPS = cast(Table, AppliedOp.__table__)


def _decode(op: OpIn) -> bytes:
    """The update's bytes, once they read as a whole Yjs update.

    Applied to a scratch document (refuses what does not decode), and encoded again: an
    update that re-encodes shorter carried bytes the decoder never read (junk after a valid
    update), which no Yjs client sends.
    """
    try:
        data = decode_update(op.update)
        pycrdt.Doc().apply_update(data)
        whole = len(pycrdt.merge_updates(data)) >= len(data)
    except ValueError as exc:
        raise Unprocessable(
            f"op {op.op_id}: the update is not a valid Yjs update", code="invalid_update"
        ) from exc
    if not whole:
        raise Unprocessable(
            f"op {op.op_id}: the update has bytes after its end", code="invalid_update"
        )
    return data


# Roles that may change a book's comments (and only them).
REVIEWERS = frozenset({"commenter"})


def _review_ops(
    session: Session,
    decoded: list[tuple[OpIn, bytes]],
    reviewing: set[str],
    rejected: dict[str, str],
    author: str,
) -> set[int]:
    """The indexes of the ops of ``reviewing`` books that change only comments (judged
    against the document as the feed holds it, then as each earlier op leaves it); the
    others mark their book ``read_only`` in ``rejected``."""
    from core.review.permissions import review_only

    states: dict[tuple[str, str], bytes] = {}
    allowed: set[int] = set()
    for i, (op, data) in enumerate(decoded):
        if op.book_id not in reviewing:
            continue
        key = (op.book_id, op.doc_id)
        if key not in states:
            states[key] = document_state(session, book_id=op.book_id, doc_id=op.doc_id)
        state = states[key]
        if state and review_only(state, data, author=author):
            allowed.add(i)
            states[key] = pycrdt.merge_updates(state, data)
        else:
            rejected[op.book_id] = "read_only"
    return allowed


def tell_mentioned(session: Session, *, author_id: str, items: list[tuple[str, str, bytes]]) -> int:
    """Notify the members that new comments in ``items`` (book, document, update) @mention;
    how many notices. Read before the items are appended (the document as it was)."""
    from core.review.mentions import mentioned, new_comments
    from sync_server.services.activity import Notice, record

    made = 0
    for book_id, doc_id, data in items:
        if b"comments" not in data:  # the map's name is in every update that writes to it
            continue
        added = new_comments(document_state(session, book_id=book_id, doc_id=doc_id), data)
        if not added:
            continue
        people = {
            str(email): str(user)
            for user, email in session.execute(
                select(BookMember.user_id, User.email)
                .join(User, User.id == BookMember.user_id)
                .where(BookMember.book_id == book_id, live_membership())
            )
        }
        for comment in added:
            named = mentioned(str(comment.get("text", "")), people) - {author_id}
            if not named:
                continue
            who = str(comment.get("author") or "Someone")
            record(
                session,
                book_id=book_id,
                kind="mentioned",
                actor_id=author_id,
                detail={"document": doc_id, "comment": str(comment.get("id", ""))},
                notify=[
                    Notice(
                        user,
                        f"{who} mentioned you in a comment: {str(comment.get('text', ''))[:200]}",
                        {"book_id": book_id, "document": doc_id, "comment": comment.get("id")},
                    )
                    for user in sorted(named)
                ],
            )
            made += len(named)
    return made


def document_state(session: Session, *, book_id: str, doc_id: str) -> bytes:
    """The document as the feed holds it: its changes merged into one update (b"" if none)."""
    datas = [
        bytes(d)
        for d in session.scalars(
            select(Change.data)
            .where(Change.book_id == book_id, Change.doc_id == doc_id)
            .order_by(Change.seq)
        )
    ]
    if not datas:
        return b""
    return datas[0] if len(datas) == 1 else pycrdt.merge_updates(*datas)


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

    def _account(self, _dialect: str) -> Any:
        # The account and the device's standing.
        device = and_(Device.id == bindparam("device_id"), Device.user_id == User.id)
        return (
            select(User.id, Device.id, Device.revoked_at)
            .select_from(User)
            .outerjoin(Device, device)
            .where(User.id == bindparam("user_id"))
        )

    def _lock_books(self, _dialect: str) -> Any:
        # The books of the batch, locked in id order (no two pushes wait on each other in a
        # circle), with the caller's role in each.
        member = and_(BookMember.book_id == Book.id, BookMember.user_id == bindparam("user_id"))
        return (
            select(Book.id, Book.last_seq, BookMember.role, BookMember.expires_at)
            .select_from(Book)
            .outerjoin(BookMember, member)
            .where(Book.id.in_(bindparam("book_ids", expanding=True)))
            .order_by(Book.id)
            .with_for_update(of=Book.__table__)
        )

    def _new_books(self, dialect: str) -> Any:
        # A book pushed for the first time; one made meanwhile by another push wins.
        return self._insert(dialect, _BOOKS).on_conflict_do_nothing(index_elements=["id"])

    def _new_owners(self, dialect: str) -> Any:
        return self._insert(dialect, _MEMBERS).on_conflict_do_nothing(
            index_elements=["book_id", "user_id"]
        )

    def _claim_ops(self, dialect: str) -> Any:
        # Records the op ids; answers those not recorded before (the ops to apply).
        stmt = self._insert(dialect, _APPLIED_OPS).on_conflict_do_nothing(
            index_elements=["user_id", "op_id"]
        )
        return stmt.returning(_APPLIED_OPS.c.op_id)

    def _count_docs(self, dialect: str) -> Any:
        # Adds the documents new to the feed and counts the updates of all; answers each
        # document's kind as first recorded, and its count of updates.
        stmt = self._insert(dialect, _DOCUMENTS)
        stmt = stmt.on_conflict_do_update(
            index_elements=["book_id", "id"],
            set_={
                "update_count": _DOCUMENTS.c.update_count + stmt.excluded.update_count,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        return stmt.returning(
            _DOCUMENTS.c.book_id, _DOCUMENTS.c.id, _DOCUMENTS.c.kind, _DOCUMENTS.c.update_count
        )

    def _set_last_seq(self, _dialect: str) -> Any:
        return (
            update(_BOOKS)
            .where(_BOOKS.c.id == bindparam("b_id"))
            .values(last_seq=bindparam("b_seq"))
        )

    def _append(self, _dialect: str) -> Any:
        return _CHANGES.insert()


_PUSH = _PushStatements()


def begin_write(session: Session) -> Connection:
    """The session's connection, in a transaction that holds the write lock from the start.

    PostgreSQL locks the book rows with ``SELECT ... FOR UPDATE``; SQLite ignores that, and
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


def _new_over_plan(
    session: Session, settings: Settings, *, user_id: str, book_ids: list[str], now: datetime
) -> dict[str, str]:
    """The books a push would make that the caller's plan has no room for (not made)."""
    from sync_server.billing.entitlements import standing as plan_standing
    from sync_server.billing.entitlements import used

    existing = set(session.scalars(select(Book.id).where(Book.id.in_(book_ids))))
    new = [b for b in book_ids if b not in existing]
    if not new:
        return {}
    limit = plan_standing(session, settings, user_id, now).limit("synced_books")
    if limit is None:
        return {}
    room = max(0, limit - used(session, user_id, "synced_books", now))
    return dict.fromkeys(new[room:], "plan_limit")


def _held_by_plan(
    session: Session, settings: Settings, *, book_ids: list[str], now: datetime
) -> dict[str, str]:
    """The books (the caller's to write) past their owner's synced-books limit, after a
    downgrade: the oldest stay writable, the others' writes wait."""
    from sync_server.billing.entitlements import writable_books

    owners: dict[str, list[str]] = {}
    for book, owner in session.execute(select(Book.id, Book.owner_id).where(Book.id.in_(book_ids))):
        owners.setdefault(str(owner), []).append(str(book))
    held: dict[str, str] = {}
    for owner, books in owners.items():
        allowed = writable_books(session, settings, owner, now)
        if allowed is not None:
            held.update(dict.fromkeys((b for b in books if b not in allowed), "plan_limit"))
    return held


def _standing(
    connection: Connection, dialect: str, *, user_id: str, book_ids: list[str], now: datetime
) -> dict[str, tuple[int, str | None]]:
    """(last seq, role) of each book of the batch, locked; books new to the server are
    made first, owned by the caller. A role is None where the caller is no member."""
    lock = _PUSH.get(dialect, "lock_books")
    found = {
        str(r[0]): (int(r[1]), r[2] if r[2] and active(r[3], now) else None)
        for r in connection.execute(lock, {"user_id": user_id, "book_ids": book_ids})
    }
    new = [b for b in book_ids if b not in found]
    if new:
        rows = [
            {
                "id": b,
                "owner_id": user_id,
                "title": "",
                "visibility": "private",
                "last_seq": 0,
                "feed_floor": 0,
                "created_at": now,
            }
            for b in new
        ]
        connection.execute(_PUSH.get(dialect, "new_books"), rows)
        # The owner's membership, unless another push made the book meanwhile (then this
        # caller is no member of it, and the lock query below says so).
        owners = [
            {
                "book_id": b,
                "user_id": user_id,
                "role": "owner",
                "granted_by": None,
                "expires_at": None,
                "created_at": now,
            }
            for b in new
        ]
        made = {
            str(r[0])
            for r in connection.execute(
                select(Book.id).where(Book.id.in_(new), Book.owner_id == user_id)
            )
        }
        if made:
            connection.execute(
                _PUSH.get(dialect, "new_owners"), [o for o in owners if o["book_id"] in made]
            )
        for r in connection.execute(lock, {"user_id": user_id, "book_ids": new}):
            found[str(r[0])] = (int(r[1]), r[2] if r[2] and active(r[3], now) else None)
    return found


def push(
    *,
    session: Session,
    user_id: str,
    device_id: str | None,
    ops: list[OpIn],
    compact_after: int,
    applied_out: list[tuple[str, str, bytes]] | None = None,
    settings: Settings | None = None,
) -> PushResult:
    """Append the ops not yet applied; returns counts and the cursors of the caller's books.

    Written with Core statements built once (one per table, each a batch), not ORM objects:
    a push is the server's hot write path, and the ORM's unit of work costs more CPU than
    the SQL. Recording the op ids answers which ops are new, and counting the documents'
    updates answers their kind and count.

    Ops for a book the caller cannot write are refused with the book in ``rejected``
    (``book_not_found`` for a book they are no member of, ``read_only`` for a viewer or a
    commenter) and are not recorded as applied: the rest of the batch goes through.
    ``applied_out`` collects the (book, document, update) applied, for the live rooms.
    """
    decoded = [(op, _decode(op)) for op in ops]
    connection = begin_write(session)
    dialect = connection.dialect.name
    found = connection.execute(
        _PUSH.get(dialect, "account"), {"user_id": user_id, "device_id": device_id or ""}
    ).first()
    if found is None:
        raise Unauthorized("the account no longer exists", code="invalid_token")
    if device_id and (found[1] is None or found[2] is not None):
        raise Unauthorized("this device was signed out", code="device_revoked")
    now = datetime.now(UTC)
    book_ids = sorted({op.book_id for op in ops})
    # A new book the caller's plan has no room for is not even made.
    enforced = settings is not None and settings.plans_enforced and bool(book_ids)
    over = (
        _new_over_plan(session, settings, user_id=user_id, book_ids=book_ids, now=now)
        if enforced and settings is not None
        else {}
    )
    reachable = [b for b in book_ids if b not in over]
    standing = (
        _standing(connection, dialect, user_id=user_id, book_ids=reachable, now=now)
        if reachable
        else {}
    )
    rejected: dict[str, str] = dict(over)
    for book_id, (_seq, role) in standing.items():
        if role is None:
            rejected[book_id] = "book_not_found"
        elif role not in WRITERS and role not in REVIEWERS:
            rejected[book_id] = "read_only"
    if enforced and settings is not None:
        members = [b for b, (_seq, role) in standing.items() if role and b not in rejected]
        rejected.update(_held_by_plan(session, settings, book_ids=members, now=now))
    reviewing = {b for b, (_seq, role) in standing.items() if role in REVIEWERS}
    # A commenter's ops go through when they change only comments; any other marks the book
    # read_only in the answer (the rest of their ops still go through).
    allowed = set()
    if reviewing:
        # Their suggestions carry their email as author: only those may they take back.
        email = session.scalar(select(User.email).where(User.id == user_id)) or ""
        allowed = _review_ops(session, decoded, reviewing, rejected, str(email))
    writable = [
        (op, data)
        for i, (op, data) in enumerate(decoded)
        if (op.book_id not in rejected and op.book_id not in reviewing) or i in allowed
    ]
    last_seq = {
        b: seq
        for b, (seq, role) in standing.items()
        if role is not None and (role in WRITERS or b in reviewing)
    }
    previous = dict(last_seq)
    op_ids = list(dict.fromkeys(op.op_id for op, _data in writable))
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
    for op, data in writable:
        if op.op_id in fresh:
            fresh.discard(op.op_id)
            to_apply.append((op, data))
    applied = len(to_apply)
    duplicates = len(writable) - applied
    tell_mentioned(
        session, author_id=user_id, items=[(op.book_id, op.doc_id, data) for op, data in to_apply]
    )
    _append(
        session,
        connection,
        dialect,
        user_id=user_id,
        device_id=device_id,
        items=[(op.book_id, op.doc_id, op.kind, data) for op, data in to_apply],
        last_seq=last_seq,
        now=now,
        compact_after=compact_after,
    )
    if applied_out is not None:
        applied_out.extend((op.book_id, op.doc_id, data) for op, data in to_apply)
    # Where every book the caller reaches stands: a device whose cursors match the previous
    # positions has everything up to the new ones and need not pull.
    positions = heads(connection, user_id=user_id)
    session.commit()
    return PushResult(
        applied=applied,
        duplicates=duplicates,
        books={
            b: BookCursor(cursor=seq, previous_cursor=previous.get(b, seq))
            for b, seq in sorted((positions | last_seq).items())
        },
        rejected=rejected,
    )


def append_live(
    *,
    session: Session,
    book_id: str,
    doc_id: str,
    kind: str,
    updates: list[tuple[str | None, bytes]],
    compact_after: int,
) -> set[str]:
    """Append updates typed in a live room to the book's feed, each under its author.

    The authors' roles are read under the book's lock, as a push does: an author who is no
    longer an editor or owner has their updates dropped (returned, so the room cuts them
    off). An author of None is the room itself (what it held that the feed had lost).
    Updates of one author are merged into one change: a room flushes every half second, and
    one row per keystroke would only be squashed again.
    """
    connection = begin_write(session)
    dialect = connection.dialect.name
    now = datetime.now(UTC)
    seq = connection.execute(
        select(Book.last_seq).where(Book.id == book_id).with_for_update()
    ).scalar()
    authors = {a for a, _data in updates if a is not None}
    if seq is None:  # the book was deleted meanwhile
        session.rollback()
        return authors
    roles = {
        str(user): role
        for user, role, ends in connection.execute(
            select(BookMember.user_id, BookMember.role, BookMember.expires_at).where(
                BookMember.book_id == book_id, BookMember.user_id.in_(sorted(authors))
            )
        )
        if active(ends, now)
    }
    # A commenter's live updates are taken when they only comment and suggest (the room
    # checked them as they came; checked again here against the feed, under the lock).
    reviewers = {a for a in authors if roles.get(a) in REVIEWERS}
    refused = {a for a in authors if roles.get(a) not in WRITERS and a not in reviewers}
    by_author: dict[str | None, list[bytes]] = {}
    for author, data in updates:
        if author not in refused:
            by_author.setdefault(author, []).append(data)
    last_seq = {book_id: int(seq)}
    emails: dict[str, str] = {}
    if reviewers:
        query = select(User.id, User.email).where(User.id.in_(sorted(reviewers)))
        emails = {str(uid): str(email) for uid, email in connection.execute(query)}
    # The writers' first: a suggestion typed after an editor's words builds on them.
    for author, datas in sorted(by_author.items(), key=lambda item: item[0] in reviewers):
        merged = datas[0] if len(datas) == 1 else pycrdt.merge_updates(*datas)
        if author in reviewers:
            from core.review.permissions import review_only

            state = document_state(session, book_id=book_id, doc_id=doc_id)
            if not state or not review_only(state, merged, author=emails.get(author)):
                refused.add(str(author))
                continue
        if author is not None:
            tell_mentioned(session, author_id=author, items=[(book_id, doc_id, merged)])
        _append(
            session,
            connection,
            dialect,
            user_id=author,
            device_id=None,
            items=[(book_id, doc_id, kind, merged)],
            last_seq=last_seq,
            now=now,
            compact_after=compact_after,
        )
    session.commit()
    return refused


def _append(
    session: Session,
    connection: Connection,
    dialect: str,
    *,
    user_id: str | None,
    device_id: str | None,
    items: list[tuple[str, str, str, bytes]],
    last_seq: dict[str, int],
    now: datetime,
    compact_after: int,
) -> None:
    """Append ``items`` (book, document, kind, update) to their books' feeds, by ``user_id``.

    ``last_seq`` holds each book's sequence number (locked by the caller) and is moved on.
    A document that reaches ``compact_after`` updates is squashed; a book's own document
    refreshes the book's title.
    """
    to_compact: set[tuple[str, str]] = set()
    titles: set[str] = set()
    if items:
        counts: dict[tuple[str, str], dict[str, Any]] = {}
        for book_id, doc_id, kind, _data in items:
            key = (book_id, doc_id)
            doc = counts.get(key)
            if doc is None:
                counts[key] = {
                    "book_id": book_id,
                    "id": doc_id,
                    "kind": kind,
                    "update_count": 1,
                    "updated_at": now,
                }
            else:
                doc["update_count"] += 1
            if kind == "book" and doc_id == book_id:
                titles.add(book_id)
        kinds: dict[tuple[str, str], str] = {}
        for book_id, doc_id, kind, count in connection.execute(
            _PUSH.get(dialect, "count_docs"), [counts[k] for k in sorted(counts)]
        ):
            kinds[(book_id, doc_id)] = kind
            if count >= compact_after:
                to_compact.add((book_id, doc_id))
        previous = dict(last_seq)
        changes: list[dict[str, Any]] = []
        for book_id, doc_id, _kind, data in items:
            seq = last_seq[book_id] = last_seq[book_id] + 1
            changes.append(
                {
                    "book_id": book_id,
                    "seq": seq,
                    "doc_id": doc_id,
                    "kind": kinds[(book_id, doc_id)],
                    "author_id": user_id,
                    "device_id": device_id,
                    "data": data,
                    "created_at": now,
                }
            )
        moved = [
            {"b_id": b, "b_seq": seq} for b, seq in sorted(last_seq.items()) if seq != previous[b]
        ]
        connection.execute(_PUSH.get(dialect, "set_last_seq"), moved)
        connection.execute(_PUSH.get(dialect, "append"), changes)
    if to_compact or titles:
        # Rare (a book's title, or once per ``compact_after`` updates of a document): done
        # on ORM objects.
        for book_id, doc_id in sorted(to_compact):
            book = session.get(Book, book_id, populate_existing=True)
            document = session.get(Document, (book_id, doc_id), populate_existing=True)
            assert book is not None and document is not None
            _compact(session, book, document)
            last_seq[book_id] = book.last_seq
        for book_id in sorted(titles):
            refresh_title(session, book_id=book_id)


def _compact(session: Session, book: Book, doc: Document) -> None:
    rows = list(
        session.scalars(
            select(Change)
            .where(Change.book_id == book.id, Change.doc_id == doc.id)
            .order_by(Change.seq)
        )
    )
    if len(rows) < 2:
        return
    merged = pycrdt.merge_updates(*[bytes(r.data) for r in rows])
    session.execute(
        delete(Change).where(Change.book_id == book.id, Change.seq.in_([r.seq for r in rows]))
    )
    book.last_seq += 1
    session.add(
        Change(book_id=book.id, seq=book.last_seq, doc_id=doc.id, kind=doc.kind, data=merged)
    )
    doc.update_count = 1
    session.flush()


def compact_books(*, session: Session, user_id: str) -> int:
    """Squash every document with more than one update in the books the user can write;
    returns how many documents."""
    begin_write(session)
    now = datetime.now(UTC)
    books = list(
        session.scalars(
            select(Book)
            .join(BookMember, BookMember.book_id == Book.id)
            .where(
                BookMember.user_id == user_id,
                BookMember.role.in_(sorted(WRITERS)),
                live_membership(now),
            )
            .order_by(Book.id)
            .with_for_update(of=Book.__table__)
        )
    )
    done = 0
    for book in books:
        doc_ids = list(
            session.scalars(
                select(Change.doc_id)
                .where(Change.book_id == book.id)
                .group_by(Change.doc_id)
                .having(func.count() > 1)
            )
        )
        for doc in session.scalars(
            select(Document).where(Document.book_id == book.id, Document.id.in_(doc_ids))
        ):
            _compact(session, book, doc)
        done += len(doc_ids)
    session.commit()
    return done


# The caller's standing in the book (account, device, membership) and one page of the book's
# feed, in one statement, so that a pull costs one round trip and reads both from the same
# snapshot. The page is a keyset scan of the primary key (book_id, seq), read only for a
# member; the outer query only appends one row.
_PULL_SQL = text(
    """
    SELECT 0 AS part, b.last_seq AS seq, b.feed_floor AS feed_floor,
           CASE WHEN d.id IS NOT NULL AND d.revoked_at IS NULL THEN 1 ELSE 0 END AS device_ok,
           CASE WHEN m.user_id IS NOT NULL AND (m.expires_at IS NULL OR m.expires_at > :now)
                THEN 1 ELSE 0 END AS member_ok,
           NULL AS doc_id, NULL AS kind, NULL AS data
    FROM users u
    LEFT JOIN devices d ON d.id = :device_id AND d.user_id = u.id
    LEFT JOIN book_members m ON m.book_id = :book_id AND m.user_id = u.id
    LEFT JOIN books b ON b.id = m.book_id
    WHERE u.id = :user_id
    UNION ALL
    SELECT 1, page.seq, 0, 0, 0, page.doc_id, page.kind, page.data
    FROM (
        SELECT c.seq, c.doc_id, c.kind, c.data FROM changes c
        WHERE c.book_id = :book_id AND c.seq > :cursor
          AND EXISTS (
              SELECT 1 FROM book_members m2
              WHERE m2.book_id = :book_id AND m2.user_id = :user_id
                AND (m2.expires_at IS NULL OR m2.expires_at > :now)
          )
        ORDER BY c.seq
        LIMIT :limit
    ) page
    """
).bindparams(
    bindparam("book_id", type_=String()),
    bindparam("user_id", type_=String()),
    bindparam("device_id", type_=String()),
    bindparam("now", type_=DateTime(timezone=True)),
)


def pull(
    *,
    connection: Connection,
    user_id: str,
    device_id: str | None,
    book_id: str,
    cursor: int,
    limit: int,
) -> bytes:
    """The changes of ``book_id`` after ``cursor``, at most ``limit``, as the JSON body of a
    PullPage.

    Checks that the account exists and, for a device token, that the device is still signed
    in (Unauthorized otherwise), then that the caller is a member of the book (NotFound
    otherwise): the checks and the page are one query.
    """
    rows = connection.execute(
        _PULL_SQL,
        {
            "user_id": user_id,
            "device_id": device_id or "",
            "book_id": book_id,
            "cursor": cursor,
            "limit": limit + 1,
            "now": datetime.now(UTC),
        },
    ).all()
    standing = next((r for r in rows if r[0] == 0), None)
    if standing is None:
        raise Unauthorized("the account no longer exists", code="invalid_token")
    if device_id and not standing[3]:
        raise Unauthorized("this device was signed out", code="device_revoked")
    if not standing[4]:
        raise NotFound("no such book", code="book_not_found")
    last_seq, feed_floor = int(standing[1]), int(standing[2])
    # Zero means "from the start": always served, since pruning keeps squashed states.
    if cursor > last_seq or 0 < cursor < feed_floor:
        raise ResyncRequired(
            f"cursor {cursor} is no longer served (the book's feed is at {last_seq}): "
            "pull again from 0"
        )
    page = sorted((r for r in rows if r[0] == 1), key=lambda r: int(r[1]))
    has_more = len(page) > limit
    page = page[:limit]
    body = {
        "changes": [
            {
                "seq": int(r[1]),
                "doc_id": r[5],
                "kind": r[6],
                "book_id": book_id,
                "update": encode_update(bytes(r[7])),
            }
            for r in page
        ],
        "cursor": int(page[-1][1]) if page else cursor,
        "has_more": has_more,
    }
    return json.dumps(body, separators=(",", ":")).encode()
