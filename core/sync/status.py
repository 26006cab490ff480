"""Where a library syncs to, read from the library alone.

Kept apart from :mod:`core.sync.account` so that showing the sync state (the studio's status
bar, at start-up) does not load the HTTP client and the sync engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.store.library import Library
from core.sync.local_state import DEVICE_ID, LAST_SYNC, get_meta, outbox_size

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
