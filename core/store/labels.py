"""Label colours: each book keeps a map label -> colour in ``Book.metadata_["label_colors"]``.

Scenes carry their labels as a list of strings; the colour belongs to the book, so one label
looks the same on every scene. A label without a colour is given the next colour of a muted
default palette the first time it is seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import Book, Chapter, Scene
from core.errors import AuthorWorksError

METADATA_KEY = "label_colors"
# Muted, distinct on both light and dark themes.
DEFAULT_PALETTE = (
    "#d9534f",
    "#f0ad4e",
    "#5cb85c",
    "#5bc0de",
    "#428bca",
    "#9b59b6",
    "#e67e80",
    "#8d6e63",
    "#20a39e",
    "#7f8c8d",
)
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def label_colors(book: Book) -> dict[str, str]:
    """The book's stored label -> colour map (a copy; empty when none is stored)."""
    return colors_in_metadata(book.metadata_)


def colors_in_metadata(metadata: dict[str, Any] | None) -> dict[str, str]:
    """The label -> colour map stored in a book's metadata (for a row read without the book)."""
    stored = (metadata or {}).get(METADATA_KEY) or {}
    if not isinstance(stored, dict):
        return {}
    return {str(k): str(v) for k, v in stored.items() if isinstance(v, str) and _COLOR_RE.match(v)}


def next_default_color(used: Iterable[str]) -> str:
    """The first palette colour not in ``used`` (cycling once all are taken)."""
    taken = [c.lower() for c in used]
    for color in DEFAULT_PALETTE:
        if color not in taken:
            return color
    return DEFAULT_PALETTE[len(taken) % len(DEFAULT_PALETTE)]


def _store(book: Book, colors: dict[str, str]) -> None:
    # A new dict: the JSON column only notices a reassignment, not an in-place change.
    metadata = dict(book.metadata_ or {})
    metadata[METADATA_KEY] = dict(colors)
    book.metadata_ = metadata


def ensure_label_colors(*, session: Session, book: Book, labels: Iterable[str]) -> dict[str, str]:
    """Give every label in ``labels`` a colour if it has none; return the book's whole map."""
    colors = label_colors(book)
    changed = False
    for label in labels:
        label = label.strip()
        if label and label not in colors:
            colors[label] = next_default_color(colors.values())
            changed = True
    if changed:
        _store(book, colors)
        session.flush()
    return colors


def set_label_color(*, session: Session, book: Book, label: str, color: str) -> dict[str, str]:
    """Set one label's colour (``#rrggbb``); return the book's whole map."""
    label = label.strip()
    if not label:
        raise AuthorWorksError("a label colour needs a label name")
    if not _COLOR_RE.match(color):
        raise AuthorWorksError(f"{color!r} is not a colour: use #rrggbb")
    colors = label_colors(book)
    colors[label] = color.lower()
    _store(book, colors)
    session.flush()
    return colors


def book_labels(*, session: Session, book_id: str) -> list[str]:
    """Every label used by a live scene of the book, in first-use reading order."""
    rows = session.scalars(
        select(Scene.labels)
        .join(Chapter, Scene.chapter_id == Chapter.id)
        .where(Chapter.book_id == book_id, Chapter.deleted_at.is_(None), Scene.deleted_at.is_(None))
        .order_by(Chapter.ordinal, Scene.ordinal)
    )
    seen: dict[str, None] = {}
    for labels in rows:
        for label in labels or []:
            seen.setdefault(str(label), None)
    return list(seen)
