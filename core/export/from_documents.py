"""A book's content read from its synced documents (what the server holds of it).

The server has no library, only each entity's CRDT document; this reads them into the same
:class:`BookContent` the exporters take from a library, through the same
:func:`book_fields_content`, so a published book shows exactly what the writer wrote (the
accepted text: pending suggestions are not part of it) and an EPUB made from it on the
server is the EPUB the desktop would make.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from core.errors import ExportFailedError
from core.export.content import (
    BookContent,
    ChapterContent,
    SceneContent,
    book_fields_content,
    clean,
)
from core.sync.documents import decoded_fields, doc_text, is_purged, new_doc


def _ordered(rows: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    # Ordinals can tie after offline moves on two devices: the id settles it the same way
    # everywhere.
    return sorted(rows, key=lambda r: (int(r[1].get("ordinal") or 0), r[0]))


def content_from_documents(
    book_id: str,
    documents: Iterable[tuple[str, str, bytes]],
    *,
    modified: datetime | None = None,
) -> BookContent:
    """The book ``book_id`` from ``documents`` (doc id, kind, state or merged updates).

    Trashed and purged chapters and scenes are left out; a chapter with no live scenes is
    kept (its title is part of the book). Raises ExportFailedError if the book's own
    document is missing or the book is in the trash.
    """
    book: dict[str, Any] | None = None
    chapters: list[tuple[str, dict[str, Any]]] = []
    scenes: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for doc_id, kind, state in documents:
        if kind not in ("book", "chapter", "scene") or not state:
            continue
        doc = new_doc(state)
        if is_purged(doc):
            continue
        fields = decoded_fields(kind, doc)
        if fields.get("deleted_at"):
            if kind == "book" and doc_id == book_id:
                raise ExportFailedError("the book is in the trash")
            continue
        if kind == "book":
            if doc_id == book_id:
                book = fields
        elif kind == "chapter":
            if fields.get("book_id") == book_id:
                chapters.append((doc_id, fields))
        else:
            fields["text"] = doc_text(doc)
            scenes.setdefault(str(fields.get("chapter_id")), []).append((doc_id, fields))
    if book is None:
        raise ExportFailedError("the book's own document has not been synced")
    content: BookContent = book_fields_content(book_id, book, modified=modified)
    for number, (chapter_id, chapter) in enumerate(_ordered(chapters), start=1):
        content.chapters.append(
            ChapterContent(
                number,
                clean(str(chapter.get("title") or "")),
                tuple(
                    SceneContent(
                        title=clean(str(s.get("title") or "")),
                        text=clean(s["text"]),
                        synopsis=clean(str(s.get("synopsis") or "")),
                        id=scene_id,
                    )
                    for scene_id, s in _ordered(scenes.get(chapter_id, []))
                ),
                clean(str(chapter.get("synopsis") or "")),
                chapter_id,
            )
        )
    return content
