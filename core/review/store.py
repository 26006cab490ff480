"""Comments in a library: read from and written to the scenes' synced documents.

A scene's comments are in its document in the library's sync tables (``sync_docs``), made by
the capture that every sync runs; a library that never synced gets its documents the first
time a comment is made, so anchors always refer to the document's own characters. A change
is written to the document and queued in the outbox in one transaction, so it reaches the
server (and the other devices, and the live rooms) with the next sync like any edit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import pycrdt
from sqlalchemy import update
from sqlalchemy.orm import Session

from core.errors import NotFoundError
from core.review.comments import Comment, ReviewError, add_comment, list_comments, reply
from core.review.comments import set_resolved as _set_resolved
from core.review.suggestions import Suggestion, decide, list_suggestions
from core.store.manuscript import find_book, get_scene, list_chapters, list_scenes
from core.sync.capture import queue_update
from core.sync.documents import changes_made, doc_text, new_doc
from core.sync.live_store import captured_doc, live_doc
from core.sync.local_state import sync_docs

T = TypeVar("T")


@dataclass(frozen=True)
class SceneComments:
    scene_id: str
    scene_title: str
    text: str
    comments: list[Comment]
    suggestions: list[Suggestion] = field(default_factory=list)


def _document(session: Session, scene_id: str) -> tuple[pycrdt.Doc, str, str]:
    """The scene's document (captured first, so it holds the scene's text as stored)."""
    get_scene(session=session, scene_id=scene_id)  # NotFoundError for a wrong id
    found = captured_doc(session, scene_id)
    if found is None:
        raise NotFoundError(f"scene {scene_id} has no synced document")
    return new_doc(found.state), found.kind, found.book_id


def change_scene_document(session: Session, scene_id: str, change: Callable[[pycrdt.Doc], T]) -> T:
    """Run ``change`` on the scene's document, store it and queue what it changed."""
    doc, kind, book_id = _document(session, scene_id)
    result, delta = changes_made(doc, lambda: change(doc))
    if delta is not None:
        session.execute(
            update(sync_docs).where(sync_docs.c.doc_id == scene_id).values(state=doc.get_update())
        )
        queue_update(session, doc_id=scene_id, kind=kind, book_id=book_id, update=delta)
    return result


def comment_on(session: Session, *, scene_id: str, quote: str, text: str, author: str) -> str:
    """Comment on the first place the scene's text reads ``quote``; the comment's id."""
    if not quote:
        raise ReviewError("--quote needs the words the comment is about")

    def add(doc: pycrdt.Doc) -> str:
        body = doc_text(doc)
        at = body.find(quote)
        if at < 0:
            raise ReviewError(f"the scene does not contain {quote!r}")
        return add_comment(
            doc, author=author, text=text, start=at, end=at + len(quote), now=datetime.now(UTC)
        )

    return change_scene_document(session, scene_id, add)


def find_comment(session: Session, book_ref: str, comment_id: str) -> tuple[str, Comment]:
    """(scene id, comment) of a comment or reply of the book, by id or unique id prefix."""
    hits = []
    for scene in book_comments(session, book_ref):
        for comment in scene.comments:
            for item in [comment, *comment.replies]:
                if item.id == comment_id or item.id.startswith(comment_id):
                    hits.append((scene.scene_id, item))
    exact = [h for h in hits if h[1].id == comment_id]
    if len(exact) == 1 or len(hits) == 1:
        return (exact or hits)[0]
    if not hits:
        raise NotFoundError(f"no comment {comment_id} in this book")
    raise ReviewError(f"{comment_id} is the start of {len(hits)} comment ids: give more of it")


def resolve(session: Session, *, book_ref: str, comment_id: str, by: str, resolved: bool) -> str:
    scene_id, comment = find_comment(session, book_ref, comment_id)
    change_scene_document(
        session,
        scene_id,
        lambda doc: _set_resolved(doc, comment.id, resolved=resolved, by=by, now=datetime.now(UTC)),
    )
    return comment.id


def reply_to(session: Session, *, book_ref: str, comment_id: str, text: str, author: str) -> str:
    scene_id, comment = find_comment(session, book_ref, comment_id)
    return change_scene_document(
        session,
        scene_id,
        lambda doc: reply(
            doc, parent_id=comment.id, author=author, text=text, now=datetime.now(UTC)
        ),
    )


def book_comments(session: Session, book_ref: str) -> list[SceneComments]:
    """Every scene of the book that has comments, in reading order."""
    book = find_book(session=session, ref=book_ref)
    found: list[SceneComments] = []
    for chapter in list_chapters(session=session, book_id=book.id):
        for number, scene in enumerate(list_scenes(session=session, chapter_id=chapter.id), 1):
            stored = live_doc(session, scene.id)
            if stored is None:
                continue
            doc = new_doc(stored.state)
            comments = list_comments(doc)
            suggestions = list_suggestions(doc)
            if comments or suggestions:
                text = doc_text(doc)
                title = scene.title or f"{chapter.title}, scene {number}"
                found.append(SceneComments(scene.id, title, text, comments, suggestions))
    return found


def decide_suggestions(
    session: Session,
    *,
    book_ref: str,
    suggestion_id: str | None,
    accept: bool,
    author: str | None = None,
) -> int:
    """Accept (or reject) one suggestion of the book by id (or unique id start), or all of
    them (``suggestion_id`` None), or all by ``author``; how many were decided."""
    chosen: dict[str, set[str]] = {}
    for scene in book_comments(session, book_ref):
        for suggestion in scene.suggestions:
            if suggestion_id is not None and not suggestion.id.startswith(suggestion_id):
                continue
            if author is not None and suggestion.author != author:
                continue
            chosen.setdefault(scene.scene_id, set()).add(suggestion.id)
    count = sum(len(ids) for ids in chosen.values())
    if suggestion_id is not None and count != 1:
        if count == 0:
            raise NotFoundError(f"no pending suggestion {suggestion_id} in this book")
        raise ReviewError(f"{suggestion_id} is the start of {count} suggestion ids: give more")
    for scene_id, ids in chosen.items():
        decide_in_scene(session, scene_id, ids, accept=accept)
    return count


def decide_in_scene(session: Session, scene_id: str, ids: set[str], *, accept: bool) -> None:
    """Accept (or reject) suggestions of one scene; its stored text follows."""
    change_scene_document(session, scene_id, functools.partial(_decide, ids, accept))
    _materialise_text(session, scene_id)


def _decide(ids: set[str], accept: bool, doc: pycrdt.Doc) -> int:
    return decide(doc, ids, accept=accept)


def _materialise_text(session: Session, scene_id: str) -> None:
    """The scene's row takes the document's accepted text (and its counts), and the library's
    copy records that it matches, so the next capture records nothing: what a live save does
    with the document as the library holds it."""
    from core.sync.live_store import save_live_text

    found = live_doc(session, scene_id)
    if found is not None:
        save_live_text(session, kind=found.kind, item_id=scene_id, state=found.state)
