"""Client-made identifiers.

Ids are UUIDv7 (time-ordered) so that rows created offline on several devices never collide
when they are synced, and so that new rows sort after old ones in indexes.
"""

from __future__ import annotations

import uuid6


def new_id() -> str:
    """A new UUIDv7 as its canonical 36-character string."""
    return str(uuid6.uuid7())
