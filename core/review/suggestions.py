"""Suggested changes (track changes): insertions and deletions proposed, not made.

A suggestion lives in the scene's Y.Text (see :mod:`core.sync.text_view`): a suggested
insertion is characters formatted ``suggest_insert = ID``, not part of the book's text until
accepted; a suggested deletion is characters formatted ``suggest_delete = ID``, still part of
it until accepted. Who proposed it and when is in the document's Map ``suggestions``.

Accepting or rejecting only ever removes an attribute or deletes characters that carry the
suggestion's id, so two people deciding the same suggestion on two devices at once end with
the same text, never with it applied twice, and rejecting never touches text the suggestion
did not add. Positions in this module's API are indexes into the accepted view.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pycrdt

from core.ids import new_id
from core.review.comments import ReviewError
from core.sync.documents import TEXT
from core.sync.text_view import DELETE_KEY, INSERT_KEY, View, suggestion_of
from core.text.offsets import utf8_length

SUGGESTIONS = "suggestions"
_PLAIN = {INSERT_KEY: None, DELETE_KEY: None}


@dataclass(frozen=True)
class Suggestion:
    id: str
    kind: str  # "insert", "delete", or "replace" (both, decided together)
    text: str  # what it would insert (what it would delete, for a deletion)
    author: str
    created_at: str
    at: int  # where it is, in the accepted view
    deleted: str = ""  # what a replacement takes out


def _parts(doc: pycrdt.Doc) -> tuple[pycrdt.Text, pycrdt.Map]:
    return doc.get(TEXT, type=pycrdt.Text), doc.get(SUGGESTIONS, type=pycrdt.Map)


def record_suggestion(
    meta: pycrdt.Map, kind: str, author: str, now: datetime, suggestion_id: str | None = None
) -> str:
    suggestion_id = suggestion_id or new_id()
    if suggestion_id in meta:
        return suggestion_id  # the other half of a replacement
    meta[suggestion_id] = json.dumps(
        {"id": suggestion_id, "kind": kind, "author": author, "created_at": now.isoformat()}
    )
    return suggestion_id


def suggest_insert(
    doc: pycrdt.Doc,
    *,
    at: int,
    text: str,
    author: str,
    now: datetime,
    suggestion_id: str | None = None,
) -> str:
    """Propose inserting ``text`` at accepted-view index ``at``; the suggestion's id (given
    the id of a suggested deletion, the two become one replacement)."""
    ytext, meta = _parts(doc)
    if not text:
        raise ReviewError("a suggested insertion needs some text")
    position = View(ytext).utf8_of(at)
    with doc.transaction():
        suggestion_id = record_suggestion(meta, "insert", author, now, suggestion_id)
        ytext.insert(position, text, {INSERT_KEY: suggestion_id, DELETE_KEY: None})
    return suggestion_id


def suggest_delete(
    doc: pycrdt.Doc,
    *,
    start: int,
    end: int,
    author: str,
    now: datetime,
    suggestion_id: str | None = None,
) -> str:
    """Propose deleting accepted-view characters ``start:end``; the suggestion's id.

    Pending insertions inside the range stay someone else's suggestions: only the accepted
    characters are marked.
    """
    ytext, meta = _parts(doc)
    if end <= start:
        raise ReviewError("a suggested deletion needs some text")
    with doc.transaction():
        suggestion_id = record_suggestion(meta, "delete", author, now, suggestion_id)
        for lo, hi in View(ytext).runs(start, end):
            ytext.format(lo, hi, {DELETE_KEY: suggestion_id})
    return suggestion_id


def _spans(ytext: pycrdt.Text) -> list[tuple[str, str, str, int, int, int]]:
    """(kind, id, text, UTF-8 start, UTF-8 end, accepted index) of each suggestion's piece."""
    spans = []
    accepted = offset = 0
    for text, attrs in ytext.diff():
        piece = str(text)
        size = utf8_length(piece)
        kind, suggestion_id = suggestion_of(attrs)
        if kind:
            spans.append((kind, suggestion_id, piece, offset, offset + size, accepted))
        if kind != "insert":
            accepted += len(piece)
        offset += size
    return spans


def suggestion_record(meta: pycrdt.Map, suggestion_id: str) -> dict[str, Any]:
    """Who proposed suggestion ``suggestion_id`` and when (empty when its record is missing
    or unreadable: one written by another program, or not received yet)."""
    raw = meta.get(suggestion_id)
    try:
        info = json.loads(raw) if isinstance(raw, str) else {}
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def list_suggestions(doc: pycrdt.Doc) -> list[Suggestion]:
    """The pending suggestions, in the order of the text."""
    ytext, meta = _parts(doc)
    found: dict[str, dict[str, Any]] = {}
    for kind, suggestion_id, piece, _a, _b, at in _spans(ytext):
        entry = found.setdefault(
            suggestion_id, {"kinds": set(), "insert": "", "delete": "", "at": at}
        )
        entry["kinds"].add(kind)
        entry[kind] += piece
    out = []
    for suggestion_id, entry in found.items():
        info = suggestion_record(meta, suggestion_id)
        kinds = entry["kinds"]
        kind = "replace" if len(kinds) == 2 else next(iter(kinds))
        out.append(
            Suggestion(
                id=suggestion_id,
                kind=kind,
                text=entry["delete"] if kind == "delete" else entry["insert"],
                deleted=entry["delete"] if kind == "replace" else "",
                author=str(info.get("author", "")),
                created_at=str(info.get("created_at", "")),
                at=int(entry["at"]),
            )
        )
    return sorted(out, key=lambda s: (s.at, s.created_at))


def decide(doc: pycrdt.Doc, suggestion_ids: set[str], *, accept: bool) -> int:
    """Accept (or reject) the suggestions ``suggestion_ids`` in one transaction; how many
    pieces of text it touched."""
    ytext, meta = _parts(doc)
    spans = [s for s in _spans(ytext) if s[1] in suggestion_ids]
    with doc.transaction():
        # From the end, so the earlier offsets stay true.
        for kind, _id, _piece, start, end, _at in sorted(spans, key=lambda s: -s[3]):
            remove = (kind == "insert") != accept  # a rejected insertion, an accepted deletion
            if remove:
                del ytext[start:end]
            else:
                ytext.format(start, end, _PLAIN)
        for suggestion_id in suggestion_ids:
            if suggestion_id in meta:
                del meta[suggestion_id]
    return len(spans)


def pending_ids(doc: pycrdt.Doc, *, author: str | None = None) -> set[str]:
    return {s.id for s in list_suggestions(doc) if author is None or s.author == author}


def suggest_rewrite(
    doc: pycrdt.Doc, *, start: int, end: int, text: str, author: str, now: datetime
) -> list[str]:
    """Propose that accepted-view characters ``start:end`` read ``text``, hunk by hunk: each
    changed stretch is one suggestion (a deletion, an insertion, or a replacement decided as
    one), made in one transaction; the suggestions' ids, in the order of the text."""
    from core.sync.documents import doc_text

    old = doc_text(doc)[start:end]
    made: list[str] = []
    with doc.transaction():
        # From the last hunk: suggestions do not move the accepted view, but staying with
        # the text's own order keeps the ids in reading order once reversed.
        for begin, stop, replacement in reversed(word_hunks(old, text)):
            hunk = new_id()
            if stop > begin:
                suggest_delete(
                    doc, start=start + begin, end=start + stop, author=author, now=now,
                    suggestion_id=hunk,
                )  # fmt: skip
            if replacement:
                suggest_insert(
                    doc, at=start + stop, text=replacement, author=author, now=now,
                    suggestion_id=hunk,
                )  # fmt: skip
            made.append(hunk)
    return made[::-1]


_TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]")


def word_hunks(old: str, new: str) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` edits turning ``old`` into ``new``, whole words at a time
    (what a reviewer reads as one change), in ascending order."""
    a, b = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    starts = [0]
    for token in a:
        starts.append(starts[-1] + len(token))
    hunks = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            hunks.append((starts[i1], starts[i2], "".join(b[j1:j2])))
    return hunks
