"""What readers do on the public site: follow, like, read (progress and counts), comment;
what authors do about comments (hide, block a reader); and the author's analytics."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync_server.errors import Forbidden, NotFound, RateLimited, Unprocessable
from sync_server.models import (
    BookDay,
    ChapterReader,
    CommentReport,
    Follow,
    Like,
    Publication,
    PublishedChapter,
    ReaderBlock,
    ReaderComment,
    ReadingProgress,
    TagBlocklist,
    User,
)
from sync_server.services import activity
from sync_server.services.books import utcnow
from sync_server.services.tags import normalise_tags

MAX_COMMENT_CHARS = 4000
# A comment reported by this many readers is hidden until its author looks at it.
HIDE_AFTER_REPORTS = 3


def anonymous_reader(secret: str, address: str, agent: str) -> str:
    """A reader without an account, as a keyed hash (no address is stored)."""
    digest = hmac.new(secret.encode(), f"{address}\n{agent}".encode(), hashlib.sha256)
    return "a:" + digest.hexdigest()[:40]


def signed_in_reader(user_id: str) -> str:
    return "u:" + user_id


def _bump(session: Session, book_id: str, column: str, by: int = 1) -> None:
    day = utcnow().date().isoformat()
    row = session.get(BookDay, (book_id, day))
    if row is None:
        row = BookDay(book_id=book_id, day=day, reads=0, likes=0, follows=0)
        session.add(row)
        session.flush()
    setattr(row, column, max(0, getattr(row, column) + by))


def record_read(session: Session, *, book_id: str, chapter_id: str, reader: str) -> bool:
    """Count a reader's first read of a chapter; False if they read it before."""
    if session.get(ChapterReader, (book_id, chapter_id, reader)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(ChapterReader(book_id=book_id, chapter_id=chapter_id, reader=reader))
    except IntegrityError:  # the same reader in two tabs at once
        return False
    session.execute(
        update(Publication)
        .where(Publication.book_id == book_id)
        .values(reads=Publication.reads + 1)
    )
    _bump(session, book_id, "reads")
    return True


def set_progress(session: Session, *, user_id: str, book_id: str, chapter_id: str) -> None:
    row = session.get(ReadingProgress, (user_id, book_id))
    if row is None:
        session.add(ReadingProgress(user_id=user_id, book_id=book_id, chapter_id=chapter_id))
    else:
        row.chapter_id = chapter_id
        row.updated_at = utcnow()


def progress(session: Session, *, user_id: str, book_id: str) -> PublishedChapter | None:
    """The chapter the reader got to (by id: chapters added or moved since change nothing)."""
    row = session.get(ReadingProgress, (user_id, book_id))
    if row is None:
        return None
    return session.get(PublishedChapter, (book_id, row.chapter_id))


def follow(session: Session, *, user_id: str, kind: str, target_id: str, on: bool) -> bool:
    if kind not in ("book", "author"):
        raise Unprocessable("follow a book or an author", code="invalid_follow")
    key = (user_id, kind, target_id)
    row = session.get(Follow, key)
    if on and row is None:
        session.add(Follow(user_id=user_id, target_kind=kind, target_id=target_id))
        if kind == "book":
            _count(session, target_id, "follows", 1)
    elif not on and row is not None:
        session.delete(row)
        if kind == "book":
            _count(session, target_id, "follows", -1)
    return on


def _count(session: Session, book_id: str, column: str, by: int) -> None:
    col = getattr(Publication, column)
    session.execute(
        update(Publication).where(Publication.book_id == book_id).values({column: col + by})
    )
    _bump(session, book_id, column, by if by > 0 else 0)


def like(session: Session, *, user_id: str, book_id: str, on: bool) -> bool:
    from sync_server.services.discovery import forget_lists

    forget_lists()  # "readers like" on the home page
    row = session.get(Like, (user_id, book_id))
    if on and row is None:
        session.add(Like(user_id=user_id, book_id=book_id))
        _count(session, book_id, "likes", 1)
    elif not on and row is not None:
        session.delete(row)
        _count(session, book_id, "likes", -1)
    return on


def follows(session: Session, *, user_id: str, kind: str, target_id: str) -> bool:
    return session.get(Follow, (user_id, kind, target_id)) is not None


def likes(session: Session, *, user_id: str, book_id: str) -> bool:
    return session.get(Like, (user_id, book_id)) is not None


# ---------------------------------------------------------------------------- comments


def display_name(user: User) -> str:
    """What a reader is shown as: never the email address, only its first part, shortened."""
    local = user.email.split("@", 1)[0]
    return (local[:2] + "…" + local[-1:]) if len(local) > 4 else local[:1] + "…"


def add_comment(
    session: Session, *, publication: Publication, chapter_id: str, user: User, body: str,
    per_minute: int,
) -> ReaderComment:  # fmt: skip
    text = body.strip()
    if not text:
        raise Unprocessable("the comment is empty", code="empty_comment")
    if len(text) > MAX_COMMENT_CHARS:
        raise Unprocessable(
            f"a comment is at most {MAX_COMMENT_CHARS} characters", code="comment_too_long"
        )
    if session.get(ReaderBlock, (publication.owner_id, user.id)) is not None:
        raise Forbidden("the author does not take comments from this account", code="blocked")
    since = utcnow() - timedelta(minutes=1)
    recent = session.scalar(
        select(func.count())
        .select_from(ReaderComment)
        .where(ReaderComment.user_id == user.id, ReaderComment.created_at >= since)
    )
    if (recent or 0) >= per_minute:
        raise RateLimited("too many comments at once: wait a minute", code="comment_rate_limited")
    comment = ReaderComment(
        book_id=publication.book_id,
        chapter_id=chapter_id,
        user_id=user.id,
        name=display_name(user),
        body=text,
        reports=0,
    )
    session.add(comment)
    activity.record(
        session,
        book_id=publication.book_id,
        kind="reader_comment",
        actor_id=user.id,
        notify=[
            activity.Notice(
                user_id=publication.owner_id,
                message=f"A reader commented on “{publication.title}”",
                data={"book_id": publication.book_id, "chapter_id": chapter_id},
            )
        ],
    )
    return comment


def comments(session: Session, *, book_id: str, chapter_id: str) -> list[ReaderComment]:
    return list(
        session.scalars(
            select(ReaderComment)
            .where(
                ReaderComment.book_id == book_id,
                ReaderComment.chapter_id == chapter_id,
                ReaderComment.hidden_at.is_(None),
            )
            .order_by(ReaderComment.created_at)
            .limit(500)
        )
    )


def _comment(session: Session, comment_id: str) -> tuple[ReaderComment, Publication]:
    comment = session.get(ReaderComment, comment_id)
    publication = session.get(Publication, comment.book_id) if comment else None
    if comment is None or publication is None:
        raise NotFound("no such comment", code="comment_not_found")
    return comment, publication


def report(session: Session, *, comment_id: str, user_id: str, reason: str) -> None:
    comment, _publication = _comment(session, comment_id)
    if session.get(CommentReport, (comment_id, user_id)) is not None:
        return
    session.add(CommentReport(comment_id=comment_id, user_id=user_id, reason=reason[:300]))
    comment.reports += 1
    if comment.reports >= HIDE_AFTER_REPORTS and comment.hidden_at is None:
        comment.hidden_at = utcnow()


def hide(session: Session, *, comment_id: str, user_id: str, hidden: bool = True) -> None:
    """The book's author hides (or shows again) a comment."""
    comment, publication = _comment(session, comment_id)
    if publication.owner_id != user_id:
        raise Forbidden("only the book's author moderates its comments", code="not_author")
    comment.hidden_at = utcnow() if hidden else None


def block(session: Session, *, author_id: str, comment_id: str) -> None:
    """The author blocks the writer of a comment: all their comments hidden, no new ones."""
    comment, publication = _comment(session, comment_id)
    if publication.owner_id != author_id:
        raise Forbidden("only the book's author moderates its comments", code="not_author")
    reader_id = comment.user_id
    if reader_id == author_id:
        raise Unprocessable("you cannot block yourself", code="invalid_block")
    if session.get(ReaderBlock, (author_id, reader_id)) is None:
        session.add(ReaderBlock(author_id=author_id, reader_id=reader_id))
    mine = select(Publication.book_id).where(Publication.owner_id == author_id)
    session.execute(
        update(ReaderComment)
        .where(
            ReaderComment.user_id == reader_id,
            ReaderComment.book_id.in_(mine),
            ReaderComment.hidden_at.is_(None),
        )
        .values(hidden_at=utcnow())
    )


# ---------------------------------------------------------------------------- blocklist


def blocklist(session: Session, user_id: str) -> list[str]:
    row = session.get(TagBlocklist, user_id)
    return list(json.loads(row.tags)) if row else []


def set_blocklist(session: Session, user_id: str, tags: list[str]) -> list[str]:
    clean = normalise_tags(tags)
    row = session.get(TagBlocklist, user_id)
    if row is None:
        session.add(TagBlocklist(user_id=user_id, tags=json.dumps(clean)))
    else:
        row.tags = json.dumps(clean)
    return clean


# ---------------------------------------------------------------------------- analytics


def analytics(session: Session, publication: Publication, *, days: int = 30) -> dict[str, Any]:
    """Reads, unique readers, follows, likes, completion per chapter, and a daily series."""
    book_id = publication.book_id
    start = (utcnow().date() - timedelta(days=days - 1)).isoformat()
    series = [
        {"day": d, "reads": r, "likes": lk, "follows": f}
        for d, r, lk, f in session.execute(
            select(BookDay.day, BookDay.reads, BookDay.likes, BookDay.follows)
            .where(BookDay.book_id == book_id, BookDay.day >= start)
            .order_by(BookDay.day)
        )
    ]
    per_chapter = dict(
        session.execute(
            select(ChapterReader.chapter_id, func.count())
            .where(ChapterReader.book_id == book_id)
            .group_by(ChapterReader.chapter_id)
        ).all()
    )
    unique = session.scalar(
        select(func.count(func.distinct(ChapterReader.reader))).where(
            ChapterReader.book_id == book_id
        )
    )
    from sync_server.services.publishing import chapters_released

    chapters = chapters_released(session, book_id)
    readers_in_all = unique or 0
    return {
        "book_id": book_id,
        "reads": publication.reads,
        "unique_readers": unique or 0,
        "follows": publication.follows,
        "likes": publication.likes,
        "trending": round(publication.trending, 3),
        "chapters": [
            {
                "number": c.position,
                "title": c.title,
                "readers": per_chapter.get(c.chapter_id, 0),
                # The share of the book's readers who read this chapter.
                "completion": round(per_chapter.get(c.chapter_id, 0) / readers_in_all, 3)
                if readers_in_all
                else 0.0,
            }
            for c in chapters
        ],
        "days": series,
    }
