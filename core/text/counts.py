"""Counts in words a writer reads: "1 scene", "2 scenes", "1,204 words"."""

from __future__ import annotations

_IRREGULAR = {"match": "matches", "entry": "entries", "this": "these"}


def count_of(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun that goes with it, with thousands separators (1 scene, 2 scenes)."""
    if n == 1:
        return f"1 {singular}"
    return f"{n:,} {plural or _IRREGULAR.get(singular) or singular + 's'}"
