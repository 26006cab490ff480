"""Comments on passages, kept in the scene's own synced document.

A comment lives beside the text it is about, in the scene's Yjs document (the Map named
``comments``), so it syncs offline and live exactly like the text and goes wherever the
document goes (backups, other devices, the server's feed). Its anchor is a pair of sticky
indexes (CRDT relative positions) on the scene's ``Y.Text``: the start is bound to the first
anchored character, the end to the last, so the anchor keeps covering the same characters
whatever anyone types around or inside it, on any replica. When every anchored character
has been deleted the range is empty and the comment is *orphaned*: kept, and shown with the
passage it was about (its ``quote``).

A comment's body never changes after it is written (one JSON value per comment, so two
replicas can never half-merge one); replies are comments of their own with a ``parent``, and
whether a thread is resolved is a separate entry (the Map named ``resolved``), so a reply and
a resolve made at once on two devices both stay.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import datetime

import pycrdt

from core.errors import ValidationError
from core.ids import new_id
from core.sync.documents import TEXT
from core.sync.text_view import View, accepted_text, state_clocks, sticky_at, sticky_index

COMMENTS = "comments"
RESOLVED = "resolved"


class ReviewError(ValidationError):
    """A comment that cannot be made as asked (an empty range, an unknown thread)."""


@dataclass
class Comment:
    id: str
    author: str
    text: str
    created_at: str
    quote: str  # the anchored text when the comment was made
    parent: str | None = None
    start: int | None = None  # where the anchor is now (string indexes), None for a reply
    end: int | None = None
    resolved: bool = False
    resolved_by: str = ""
    replies: list[Comment] = field(default_factory=list)

    @property
    def orphaned(self) -> bool:
        """Every anchored character was deleted: the comment stays, about its ``quote``."""
        return self.parent is None and (self.start is None or self.start >= (self.end or 0))

    def anchor(self, text: str) -> str:
        """The text the comment is anchored to now (empty when orphaned)."""
        if self.orphaned or self.start is None or self.end is None:
            return ""
        return text[self.start : self.end]


def _maps(doc: pycrdt.Doc) -> tuple[pycrdt.Text, pycrdt.Map, pycrdt.Map]:
    return (
        doc.get(TEXT, type=pycrdt.Text),
        doc.get(COMMENTS, type=pycrdt.Map),
        doc.get(RESOLVED, type=pycrdt.Map),
    )


def add_comment(
    doc: pycrdt.Doc,
    *,
    author: str,
    text: str,
    start: int,
    end: int,
    now: datetime,
    comment_id: str | None = None,
) -> str:
    """Anchor a comment to ``text``'s characters ``start:end`` (string indexes); its id."""
    ytext, comments, _resolved = _maps(doc)
    body = accepted_text(ytext)
    if not text.strip():
        raise ReviewError("a comment needs some text")
    if not 0 <= start < end <= len(body):
        raise ReviewError(f"the range {start}:{end} is not a passage of the scene")
    comment_id = comment_id or new_id()
    value = {
        "id": comment_id,
        "author": author,
        "text": text,
        "created_at": now.isoformat(),
        "quote": body[start:end],
        "parent": None,
        # The start leans on the first anchored character and the end on the last, so
        # typing right before or right after the passage does not grow the anchor.
        "start": sticky_at(ytext, start, pycrdt.Assoc.AFTER),
        "end": sticky_at(ytext, end, pycrdt.Assoc.BEFORE),
    }
    with doc.transaction():
        comments[comment_id] = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return comment_id


def reply(doc: pycrdt.Doc, *, parent_id: str, author: str, text: str, now: datetime) -> str:
    _ytext, comments, _resolved = _maps(doc)
    if parent_id not in comments:
        raise ReviewError(f"no comment {parent_id} in this scene")
    if not text.strip():
        raise ReviewError("a reply needs some text")
    parent = json.loads(comments[parent_id])
    root = parent.get("parent") or parent_id  # a reply to a reply joins the same thread
    reply_id = new_id()
    value = {
        "id": reply_id,
        "author": author,
        "text": text,
        "created_at": now.isoformat(),
        "quote": "",
        "parent": root,
    }
    with doc.transaction():
        comments[reply_id] = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return reply_id


def set_resolved(
    doc: pycrdt.Doc, comment_id: str, *, resolved: bool, by: str, now: datetime
) -> None:
    _ytext, comments, states = _maps(doc)
    if comment_id not in comments:
        raise ReviewError(f"no comment {comment_id} in this scene")
    root = json.loads(comments[comment_id]).get("parent") or comment_id
    with doc.transaction():
        states[root] = json.dumps({"resolved": resolved, "by": by, "at": now.isoformat()})


def list_comments(doc: pycrdt.Doc) -> list[Comment]:
    """The threads of the scene (replies under their comment), in the order of the text
    (orphaned ones last, by time)."""
    ytext, comments, states = _maps(doc)
    place = functools.partial(
        sticky_index,
        ytext,
        whole=str(ytext),  # sticky indexes count in the whole text
        view=View(ytext),
        clocks=state_clocks(doc.get_state()),
    )
    raw = [json.loads(v) for v in comments.values()]
    threads: dict[str, Comment] = {}
    replies: list[Comment] = []
    for value in raw:
        item = Comment(
            id=str(value["id"]),
            author=str(value.get("author", "")),
            text=str(value.get("text", "")),
            created_at=str(value.get("created_at", "")),
            quote=str(value.get("quote", "")),
            parent=value.get("parent"),
        )
        if item.parent:
            replies.append(item)
            continue
        item.start = place(value.get("start"))
        item.end = place(value.get("end"))
        state = states.get(item.id)
        if state:
            parsed = json.loads(state)
            item.resolved = bool(parsed.get("resolved"))
            item.resolved_by = str(parsed.get("by", ""))
        threads[item.id] = item
    for item in sorted(replies, key=lambda r: r.created_at):
        parent = threads.get(str(item.parent))
        if parent is not None:
            parent.replies.append(item)
    return sorted(
        threads.values(),
        key=lambda c: (c.orphaned, c.start if c.start is not None else 0, c.created_at),
    )
