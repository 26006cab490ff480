"""The sync wire protocol, shared by the client engine and the server.

Everything travels as JSON. Yjs updates are base64 in JSON so that a batch is one request.

* ``POST /api/v1/sync/push`` ``{"ops": [Op...]}`` -> ``{"applied", "duplicates",
  "cursor", "previous_cursor"}``. An op whose ``op_id`` the server has already applied is a
  no-op, so a retried push never duplicates anything. ``previous_cursor`` is where the feed
  was before the push: a device whose cursor was there has everything up to ``cursor`` (its
  own ops, and squashed states of documents it had in full) and may move its cursor there.
* ``GET /api/v1/sync/pull?cursor=N&limit=M`` -> ``{"changes": [Change...], "cursor", "has_more"}``.
  A cursor the server no longer serves answers 410 with code ``resync_required``.
* Errors are ``{"error": {"code", "message"}}`` with the HTTP status of their class.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

API_PREFIX = "/api/v1"
PUSH_PATH = f"{API_PREFIX}/sync/push"
PULL_PATH = f"{API_PREFIX}/sync/pull"
# Kinds of synced documents; doc ids are the entity UUIDs of the local library. A "note" is
# a book's private research: it syncs between the account's devices and is never published.
DOC_KINDS = ("book", "chapter", "scene", "character", "location", "lore", "note")
MAX_OPS_PER_PUSH = 500
MAX_PULL_LIMIT = 1000
DEFAULT_PULL_LIMIT = 500
# Error codes the client acts on.
RESYNC_REQUIRED = "resync_required"
DATABASE_UNAVAILABLE = "database_unavailable"
TOKEN_EXPIRED = "token_expired"


def encode_update(update: bytes) -> str:
    return base64.b64encode(update).decode("ascii")


def decode_update(text: str) -> bytes:
    """The bytes of a base64 update; ValueError when ``text`` is not base64."""
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class Op:
    """One Yjs update of one document, named by a client-made op id."""

    op_id: str
    doc_id: str
    kind: str
    book_id: str
    update: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "op_id": self.op_id,
            "doc_id": self.doc_id,
            "kind": self.kind,
            "book_id": self.book_id,
            "update": encode_update(self.update),
        }


@dataclass(frozen=True)
class Change:
    """One entry of a user's change feed: an update (or squashed state) of one document."""

    seq: int
    doc_id: str
    kind: str
    book_id: str
    update: bytes

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(
            seq=int(data["seq"]),
            doc_id=str(data["doc_id"]),
            kind=str(data["kind"]),
            book_id=str(data["book_id"]),
            update=decode_update(data["update"]),
        )


@dataclass(frozen=True)
class PullPage:
    changes: list[Change]
    cursor: int
    has_more: bool

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PullPage:
        return cls(
            changes=[Change.from_json(c) for c in data["changes"]],
            cursor=int(data["cursor"]),
            has_more=bool(data["has_more"]),
        )
