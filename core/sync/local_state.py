"""The client's sync tables inside the local library (created by migration 0002).

* ``sync_meta``: key/value settings of this library's sync (device id, server, account, cursor).
* ``sync_docs``: one row per synced document: its full CRDT state, the entity fields as last
  written to or read from the document (to see what the writer changed since), a hash of the
  text, the ordinal the document holds (to order siblings the same way on every device) and
  whether the row in the library is up to date with the document (``materialised``).
* ``sync_outbox``: updates waiting to be pushed, each with the op id that makes a retry a no-op.
"""

from __future__ import annotations

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
CURSOR = "cursor"
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


def clear_meta(session: Session, *keys: str) -> None:
    session.execute(delete(sync_meta).where(sync_meta.c.key.in_(keys)))


def outbox_size(session: Session) -> int:
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).select_from(sync_outbox)) or 0)
