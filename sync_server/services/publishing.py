"""Publishing a shared book to the public site, and keeping it in step with the book.

The published text is rendered from the book's documents as the feed holds them
(:func:`core.export.from_documents.content_from_documents`, the reader the exporters share),
so readers see what the writer wrote. Each chapter is released at once, or one at a time on
the book's schedule; a release tells the followers of the book and of its author (inbox and
email) unless it is silent. A push to a published book renders it again, so a corrected typo
is on the site after the next sync.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pycrdt
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.domain.values import FOUNTAIN_TYPES
from core.errors import ExportFailedError
from core.export.content import BookContent
from core.export.epub import chapter_xhtml
from core.export.options import ExportOptions
from core.export.script_html import script_chapter_html
from core.sync.release_schedule import parse_schedule
from core.text import count_words, plain_text
from sync_server.errors import NotFound, Unprocessable
from sync_server.models import (
    Book,
    Change,
    Follow,
    Publication,
    PublicationTag,
    PublishedChapter,
    User,
)
from sync_server.services import activity, discovery, search_index
from sync_server.services.books import utcnow
from sync_server.services.tags import normalise_tag, normalise_tags

log = logging.getLogger("authorworks.publishing")
VISIBILITIES = ("public", "unlisted")
COMPLETE_STATUSES = frozenset({"published", "archived", "complete", "completed", "finished"})


@dataclass(frozen=True)
class PublishOptions:
    visibility: str = "public"
    genre: str | None = None
    tags: list[str] | None = None
    description: str | None = None
    schedule: str = ""  # "" releases every chapter now
    silent: bool = False
    complete: bool | None = None  # None: from the book's status


# What chapter markup may hold: the exporter's elements and attributes, nothing else.
MARKUP_TAGS = {"section", "h1", "h2", "h3", "h4", "h5", "h6", "p", "em", "strong", "br"}
MARKUP_ATTRIBUTES = {"*": {"class", "id", "role", "dir"}}


def clean_markup(html: str) -> str:
    """Chapter markup cleaned again (nh3): the exporter escapes every word, and this keeps
    anything that ever slipped through from reaching a reader's browser."""
    import nh3

    return nh3.clean(html, tags=MARKUP_TAGS, attributes=MARKUP_ATTRIBUTES, link_rel=None)


def slugify(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title.casefold())
    ascii_ = "".join(c for c in folded if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")
    return slug[:80].strip("-") or "book"


def read_book(session: Session, book_id: str) -> BookContent:
    """The book as its feed holds it now."""
    from core.export.from_documents import content_from_documents

    updates: dict[str, tuple[str, list[bytes]]] = {}
    for doc_id, kind, data in session.execute(
        select(Change.doc_id, Change.kind, Change.data)
        .where(Change.book_id == book_id)
        .order_by(Change.seq)
    ):
        updates.setdefault(doc_id, (kind, []))[1].append(bytes(data))
    docs = [
        (doc_id, kind, datas[0] if len(datas) == 1 else pycrdt.merge_updates(*datas))
        for doc_id, (kind, datas) in updates.items()
    ]
    try:
        return content_from_documents(book_id, docs)
    except ExportFailedError as exc:
        raise Unprocessable(f"the book cannot be published: {exc}", code="not_publishable") from exc


def publish(
    session: Session, *, book_id: str, owner_id: str, options: PublishOptions
) -> Publication:
    """Publish the book (or change how it is published); the caller commits."""
    if options.visibility not in VISIBILITIES:
        raise Unprocessable("visibility is public or unlisted", code="invalid_visibility")
    schedule = (options.schedule or "").strip()
    if schedule:
        try:
            parse_schedule(schedule)
        except ValueError as exc:
            raise Unprocessable(str(exc), code="invalid_schedule") from exc
    content = read_book(session, book_id)
    if not content.chapters:
        raise Unprocessable("the book has no chapters to publish", code="not_publishable")
    now = utcnow()
    publication = session.get(Publication, book_id)
    first = publication is None
    if publication is None:
        publication = Publication(book_id=book_id, owner_id=owner_id, published_at=now)
        session.add(publication)
    publication.visibility = options.visibility
    publication.schedule = schedule
    publication.silent = options.silent
    if options.genre is not None:
        publication.genre = normalise_tag(options.genre)
    elif first:
        publication.genre = normalise_tag(content.subjects[0]) if content.subjects else ""
    if options.tags is not None:
        publication.tags = json.dumps(normalise_tags(options.tags))
    elif first:
        publication.tags = json.dumps(normalise_tags(content.subjects))
    if options.description is not None:
        publication.description = options.description.strip()
    elif first:
        publication.description = content.description
    complete = options.complete
    if complete is None:
        complete = content.status.casefold() in COMPLETE_STATUSES
    publication.complete = complete
    if not schedule:
        publication.next_release_at = None
    _render(session, publication, content, now=now, releasing=not schedule)
    book = session.get(Book, book_id)
    if book is not None:
        book.visibility = options.visibility
    discovery.forget_lists()
    activity.record(
        session,
        book_id=book_id,
        kind="published",
        actor_id=owner_id,
        detail={"visibility": options.visibility, "schedule": schedule},
    )
    return publication


def refresh(session: Session, book_id: str) -> bool:
    """Render a published book again from its feed (after a push); False if not published."""
    publication = session.get(Publication, book_id)
    if publication is None:
        return False
    book = session.get(Book, book_id)
    if book is not None and book.last_seq <= publication.rendered_seq:
        return True
    try:
        content = read_book(session, book_id)
    except Unprocessable as exc:  # the book went to the trash: it stays as last rendered
        log.warning("published book %s not rendered again: %s", book_id, exc)
        return True
    _render(session, publication, content, now=utcnow(), releasing=not publication.schedule)
    return True


def unpublish(session: Session, book_id: str) -> None:
    publication = session.get(Publication, book_id)
    if publication is None:
        raise NotFound("the book is not published", code="not_published")
    owner_id = publication.owner_id
    search_index.remove(session, book_id)
    session.delete(publication)
    book = session.get(Book, book_id)
    if book is not None:
        book.visibility = "private"
    discovery.forget_lists()
    activity.record(session, book_id=book_id, kind="unpublished", actor_id=owner_id)


def _render(
    session: Session,
    publication: Publication,
    content: BookContent,
    *,
    now: datetime,
    releasing: bool,
) -> None:
    """Write ``content`` into the publication's chapters, search entry and figures.

    ``releasing``: chapters not yet released are released now (no schedule). With a
    schedule, the first chapter of a book with none released goes out now and the schedule
    takes the rest.
    """
    book_id = publication.book_id
    existing = {
        c.chapter_id: c
        for c in session.scalars(
            select(PublishedChapter).where(PublishedChapter.book_id == book_id)
        )
    }
    options = ExportOptions()
    seen: set[str] = set()
    rows: list[PublishedChapter] = []  # in the book's order
    for chapter in content.chapters:
        key = chapter.id or f"position-{chapter.number}"
        seen.add(key)
        row = existing.get(key)
        if row is None:
            row = PublishedChapter(book_id=book_id, chapter_id=key, silent=False, notified=False)
            session.add(row)
        row.position = chapter.number
        row.title = chapter.display_title[:300]
        markup = (
            script_chapter_html(chapter)
            if content.content_type in FOUNTAIN_TYPES
            else chapter_xhtml(chapter, content, options, epub=False)
        )
        row.html = clean_markup(markup)
        row.words = sum(count_words(s.text) for s in chapter.scenes)
        if row.released_at is None and releasing:
            row.released_at = now
            row.silent = publication.silent
        rows.append(row)
    for key, row in existing.items():
        if key not in seen:
            session.delete(row)
    if publication.schedule and not any(r.released_at for r in rows) and rows:
        rows[0].released_at = now
        rows[0].silent = publication.silent
    if publication.schedule and any(r.released_at is None for r in rows):
        if publication.next_release_at is None:
            publication.next_release_at = parse_schedule(publication.schedule).next_after(now)
    elif publication.schedule:
        publication.next_release_at = None
    released = [r for r in rows if r.released_at is not None]
    publication.chapter_count = len(released)
    publication.words = sum(r.words for r in released)
    publication.title = content.title[:300] or "Untitled"
    publication.author = content.author[:300]
    publication.language = content.language[:20]
    publication.content_type = content.content_type[:20]
    publication.slug = slugify(content.title)
    publication.updated_at = now
    book = session.get(Book, book_id)
    publication.rendered_seq = book.last_seq if book is not None else 0
    tags = json.loads(publication.tags or "[]")
    session.execute(delete(PublicationTag).where(PublicationTag.book_id == book_id))
    session.add_all(PublicationTag(book_id=book_id, tag=t) for t in tags)
    by_id = {c.id or f"position-{c.number}": c for c in content.chapters}
    body = "\n".join(
        plain_text(s.text)
        for r in released
        if (c := by_id.get(r.chapter_id)) is not None
        for s in c.scenes
    )
    search_index.put(
        session,
        search_index.Entry(
            book_id=book_id,
            title=publication.title,
            author=publication.author,
            tags=[publication.genre, *tags],
            blurb=publication.description,
            body=body,
        ),
    )


# ---------------------------------------------------------------- releases and followers


def release_due(session: Session, *, now: datetime | None = None) -> int:
    """Release the next waiting chapter of each book whose release time has come."""
    now = now or utcnow()
    released = 0
    for publication in session.scalars(
        select(Publication).where(
            Publication.next_release_at.is_not(None), Publication.next_release_at <= now
        )
    ):
        waiting = session.scalars(
            select(PublishedChapter)
            .where(
                PublishedChapter.book_id == publication.book_id,
                PublishedChapter.released_at.is_(None),
            )
            .order_by(PublishedChapter.position)
            .limit(1)
        ).first()
        if waiting is not None:
            waiting.released_at = now
            waiting.silent = publication.silent
            publication.chapter_count += 1
            publication.words += waiting.words
            publication.updated_at = now
            released += 1
        more = session.scalar(
            select(PublishedChapter.chapter_id).where(
                PublishedChapter.book_id == publication.book_id,
                PublishedChapter.released_at.is_(None),
            )
        )
        publication.next_release_at = (
            parse_schedule(publication.schedule).next_after(now)
            if more and publication.schedule
            else None
        )
    if released:
        discovery.forget_lists()
    return released


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


def tell_followers(session: Session, *, base_url: str) -> list[Email]:
    """Notices (inbox) of released chapters not told yet, and the emails to send for them.

    The caller commits, then sends the emails: a mail relay that is down loses no notice.
    """
    emails: list[Email] = []
    rows = session.execute(
        select(PublishedChapter, Publication)
        .join(Publication, Publication.book_id == PublishedChapter.book_id)
        .where(PublishedChapter.released_at.is_not(None), PublishedChapter.notified.is_(False))
        .order_by(PublishedChapter.book_id, PublishedChapter.position)
    ).all()
    for chapter, publication in rows:
        chapter.notified = True
        if chapter.silent:
            continue
        followers = set(
            session.scalars(
                select(Follow.user_id).where(
                    ((Follow.target_kind == "book") & (Follow.target_id == publication.book_id))
                    | (
                        (Follow.target_kind == "author")
                        & (Follow.target_id == publication.owner_id)
                    )
                )
            )
        )
        followers.discard(publication.owner_id)
        if not followers:
            continue
        url = f"{base_url}/book/{publication.book_id}/chapter/{chapter.position}"
        message = f"New chapter of “{publication.title}”: {chapter.title}"
        activity.record(
            session,
            book_id=publication.book_id,
            kind="new_chapter",
            actor_id=publication.owner_id,
            notify=[
                activity.Notice(
                    user_id=u,
                    message=message,
                    data={"book_id": publication.book_id, "chapter": chapter.position, "url": url},
                )
                for u in sorted(followers)
            ],
        )
        for user_id, email in session.execute(
            select(User.id, User.email).where(User.id.in_(sorted(followers)))
        ):
            if activity.muted(session, user_id=user_id, kind="new_chapter"):
                continue
            emails.append(
                Email(email, message, f"{message}\n\nRead it: {url}\n\nYou follow this book or "
                      "its author on AuthorWorks; unfollow from the book's page.")
            )  # fmt: skip
    return emails


def publication_of(session: Session, book_id: str) -> Publication | None:
    return session.get(Publication, book_id)


def public_status(publication: Publication, base_url: str) -> dict[str, Any]:
    return {
        "book_id": publication.book_id,
        "url": f"{base_url}/book/{publication.book_id}/{publication.slug}",
        "visibility": publication.visibility,
        "title": publication.title,
        "genre": publication.genre,
        "tags": json.loads(publication.tags or "[]"),
        "description": publication.description,
        "schedule": publication.schedule,
        "silent": publication.silent,
        "complete": publication.complete,
        "chapters": publication.chapter_count,
        "words": publication.words,
        "next_release_at": publication.next_release_at,
        "published_at": publication.published_at,
    }


def chapters_released(session: Session, book_id: str) -> list[PublishedChapter]:
    return list(
        session.scalars(
            select(PublishedChapter)
            .where(PublishedChapter.book_id == book_id, PublishedChapter.released_at.is_not(None))
            .order_by(PublishedChapter.position)
        )
    )
