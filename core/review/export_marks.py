"""A scene's text with its open comments and pending suggestions marked, for DOCX export.

The exporters read scene text as the book has it (pending insertions left out, pending
deletions still in). The DOCX exporter can carry review too: this writes the marks of
:mod:`core.importers.review_marks` into the accepted text — comment ranges around their
passages, pending deletions around their characters, pending insertions with their text —
and the DOCX writer turns them into Word comments and tracked changes.
"""

from __future__ import annotations

import json
from typing import Any

import pycrdt

from core.importers.review_marks import mark
from core.review.comments import list_comments
from core.review.suggestions import SUGGESTIONS
from core.sync.documents import TEXT
from core.sync.text_view import DELETE_KEY, INSERT_KEY


def marked_text(doc: pycrdt.Doc) -> tuple[str, dict[str, dict[str, dict[str, str]]]]:
    """The accepted text with marks, and what they are: ``{"comments": {id: {author, text,
    date}}, "changes": {id: {kind, author, date}}}`` (empty when the scene has no review)."""
    ytext = doc.get(TEXT, type=pycrdt.Text)
    meta_map = doc.get(SUGGESTIONS, type=pycrdt.Map)
    comments: dict[str, dict[str, str]] = {}
    events: dict[int, list[str]] = {}
    for comment in list_comments(doc):
        if comment.resolved or comment.orphaned or comment.start is None or comment.end is None:
            continue
        text = comment.text + "".join(f"\n{r.author}: {r.text}" for r in comment.replies)
        comments[comment.id] = {"author": comment.author, "text": text, "date": comment.created_at}
        events.setdefault(comment.start, []).append(mark("c", "s", comment.id))
        events.setdefault(comment.end, []).insert(0, mark("c", "e", comment.id))
    changes: dict[str, dict[str, str]] = {}

    def change(ident: str, kind: str) -> None:
        if ident not in changes:
            info: dict[str, Any] = json.loads(meta_map[ident]) if ident in meta_map else {}
            changes[ident] = {
                "kind": kind,
                "author": str(info.get("author", "")),
                "date": str(info.get("created_at", "")),
            }

    out: list[str] = []
    accepted = 0
    for piece, attrs in ytext.diff():
        text = str(piece)
        attrs = attrs or {}
        if attrs.get(INSERT_KEY):
            ident = str(attrs[INSERT_KEY])
            change(ident, "insert")
            out.append(mark("i", "s", ident) + text + mark("i", "e", ident))
            continue
        deleting = str(attrs[DELETE_KEY]) if attrs.get(DELETE_KEY) else None
        if deleting:
            change(deleting, "delete")
            out.append(mark("d", "s", deleting))
        for ch in text:
            out.extend(events.pop(accepted, ()))
            out.append(ch)
            accepted += 1
        if deleting:
            out.append(mark("d", "e", deleting))
    for position in sorted(events):
        out.extend(events[position])
    if not comments and not changes:
        return "".join(out), {}
    return "".join(out), {"comments": comments, "changes": changes}
