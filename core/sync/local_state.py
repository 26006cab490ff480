"""The client's sync tables inside the local library (created by migration 0002).

* ``sync_meta``: key/value settings of this library's sync (device id, server, account, cursor).
* ``sync_docs``: one row per synced document: its full CRDT state, the entity fields as last
  written to or read from the document (to see what the writer changed since), a hash of the
  text, the ordinal the document holds (to order siblings the same way on every device) and
  whether the row in the library is up to date with the document (``materialised``).
* ``sync_outbox``: updates waiting to be pushed, each with the op id that makes a retry a no-op.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    select,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

# Keys of sync_meta the engine and the account code share.
# JSON {book id: the last sequence number of that book's feed this library has}. (A library
# synced before books were shared kept one number, under "cursor": it is ignored, and each
# book is pulled again from the start, which merges to the same documents.)
CURSORS = "cursors"
# JSON {book id: {"title", "role", "owner"}}: the books the account reaches on the server.
SERVER_BOOKS = "server_books"
DEVICE_ID = "device_id"
LAST_SYNC = "last_sync"

metadata = MetaData()

sync_meta = Table(
    "sync_meta",
    metadata,
    Column("key", String(50), primary_key=True),
    Column("value", Text, nullable=False),
)

sync_docs = Table(
    "sync_docs",
    metadata,
    Column("doc_id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("book_id", String(36), nullable=False, index=True),
    Column("parent_id", String(36), nullable=True, index=True),
    Column("ordinal", Float, nullable=True),
    Column("state", LargeBinary, nullable=False),
    Column("fields", Text, nullable=False, default="{}"),
    Column("text_hash", String(64), nullable=False, default=""),
    Column("materialised", Boolean, nullable=False, default=True),
    Column("purged", Boolean, nullable=False, default=False),
    # (migration 0004) The flags come after the state in a row: without these, finding the
    # live or unwritten documents reads every document's state.
    Index("ix_sync_docs_purged_doc_id", "purged", "doc_id"),
    Index("ix_sync_docs_materialised", "materialised"),
)

sync_outbox = Table(
    "sync_outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("op_id", String(36), nullable=False, unique=True),
    Column("doc_id", String(36), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("book_id", String(36), nullable=False),
    Column("update", LargeBinary, nullable=False),
)


# Built once: every sync round reads and writes these keys, and building a statement costs
# more CPU than running it.
_GET_METAS = select(sync_meta.c.key, sync_meta.c.value).where(
    sync_meta.c.key.in_(bindparam("keys", expanding=True))
)
_SET_META = sqlite_insert(sync_meta)
_SET_META = _SET_META.on_conflict_do_update(
    index_elements=["key"], set_={"value": _SET_META.excluded.value}
)


def get_meta(session: Session, key: str, default: str = "") -> str:
    return get_metas(session, key).get(key, default)


def set_meta(session: Session, key: str, value: str) -> None:
    set_metas(session, {key: value})


def get_metas(session: Session, *keys: str) -> dict[str, str]:
    """The values of those of ``keys`` that are set, in one query."""
    rows = session.execute(_GET_METAS, {"keys": list(keys)})
    return {str(k): str(v) for k, v in rows}


def set_metas(session: Session, values: dict[str, str]) -> None:
    """Set several keys in one statement."""
    session.execute(_SET_META, [{"key": k, "value": v} for k, v in values.items()])


def get_cursors(meta: dict[str, str]) -> dict[str, int]:
    """The per-book cursors in ``meta`` (read with :func:`get_metas`)."""
    try:
        raw = json.loads(meta.get(CURSORS) or "{}")
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def cursors_meta(cursors: dict[str, int]) -> dict[str, str]:
    return {CURSORS: json.dumps(dict(sorted(cursors.items())), separators=(",", ":"))}


def server_books(meta: dict[str, str]) -> dict[str, dict[str, str]]:
    """What the server last said of each book the account reaches (see SERVER_BOOKS)."""
    try:
        raw = json.loads(meta.get(SERVER_BOOKS) or "{}")
    except ValueError:
        return {}
    return raw if isinstance(raw, dict) else {}


def server_books_meta(books: list[dict[str, Any]]) -> str:
    """SERVER_BOOKS from the server's list of books."""
    return json.dumps(
        {
            str(b["id"]): {
                "title": str(b.get("title") or ""),
                "role": str(b.get("role") or ""),
                "owner": str((b.get("owner") or {}).get("email") or ""),
            }
            for b in books
        },
        sort_keys=True,
    )


def clear_meta(session: Session, *keys: str) -> None:
    session.execute(delete(sync_meta).where(sync_meta.c.key.in_(keys)))


def outbox_size(session: Session) -> int:
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).select_from(sync_outbox)) or 0)
