"""Where a library syncs to, read from the library alone.

Kept apart from :mod:`core.sync.account` so that showing the sync state (the studio's status
bar, at start-up) does not load the HTTP client and the sync engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.store.library import Library
from core.sync.local_state import (
    DEVICE_ID,
    LAST_SYNC,
    SERVER_BOOKS,
    get_meta,
    get_metas,
    outbox_size,
    server_books,
)

SERVER = "server"
EMAIL = "email"
ACCOUNT = "account"


@dataclass(frozen=True)
class SyncStatus:
    server: str
    email: str
    device_id: str
    pending: int
    last_sync: str

    @property
    def signed_in(self) -> bool:
        return bool(self.server and self.email)


def status(library: Library) -> SyncStatus:
    """Where the library syncs to, and how many edits wait to be sent."""
    with library.session() as s:
        return SyncStatus(
            server=get_meta(s, SERVER),
            email=get_meta(s, EMAIL),
            device_id=get_meta(s, DEVICE_ID),
            pending=outbox_size(s),
            last_sync=get_meta(s, LAST_SYNC),
        )


def a_role(role: str) -> str:
    """ "an editor", "a viewer": a role with its article, for sentences."""
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"


# Roles that read a book but do not write its text.
READ_ONLY_ROLES = frozenset({"viewer", "commenter"})


@dataclass(frozen=True)
class SharedBook:
    """What the server last said of one of the account's books (as of the last sync)."""

    book_id: str
    title: str
    role: str
    owner: str  # the owner's email

    @property
    def read_only(self) -> bool:
        return self.role in READ_ONLY_ROLES

    @property
    def shared_with_me(self) -> bool:
        """Someone else's book this account was invited to."""
        return bool(self.role) and self.role != "owner"


def shared_books(library: Library) -> dict[str, SharedBook]:
    """The account's books on the server, by id (empty when never synced)."""
    with library.session() as s:
        known = server_books(get_metas(s, SERVER_BOOKS))
    return {
        book_id: SharedBook(
            book_id=book_id,
            title=str(info.get("title", "")),
            role=str(info.get("role", "")),
            owner=str(info.get("owner", "")),
        )
        for book_id, info in known.items()
    }
