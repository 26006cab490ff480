"""/api/v1/books/{book_id}/publication: publish a book to the public site (its owner),
change how, unpublish it, and read its analytics."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from sync_server.deps import BookAccess, SessionDep, SettingsDep, book_role
from sync_server.errors import NotFound
from sync_server.services import publishing, readers

router = APIRouter(prefix="/books", tags=["publishing"])
Owner = Annotated[BookAccess, book_role("owner")]


class PublicationIn(BaseModel):
    visibility: Literal["public", "unlisted"] = "public"
    genre: str | None = Field(default=None, max_length=80)
    tags: list[Annotated[str, Field(max_length=200)]] | None = Field(default=None, max_length=40)
    description: str | None = Field(default=None, max_length=10_000)
    schedule: str = Field(default="", max_length=100)
    silent: bool = False
    complete: bool | None = None


class PublicationOut(BaseModel):
    book_id: str
    url: str
    visibility: str
    title: str
    genre: str
    tags: list[str]
    description: str
    schedule: str
    silent: bool
    complete: bool
    chapters: int
    words: int
    next_release_at: datetime | None
    published_at: datetime


@router.put("/{book_id}/publication", responses={403: {}, 404: {}, 422: {}})
def publish(
    book_id: str, body: PublicationIn, session: SessionDep, settings: SettingsDep, access: Owner
) -> PublicationOut:
    """Publish the book as it is on the server now, or change how it is published."""
    publication = publishing.publish(
        session,
        book_id=access.book_id,
        owner_id=access.user_id,
        options=publishing.PublishOptions(**body.model_dump()),
    )
    session.commit()
    return PublicationOut(**publishing.public_status(publication, settings.public_url))


@router.get("/{book_id}/publication", responses={403: {}, 404: {}})
def publication(
    book_id: str, session: SessionDep, settings: SettingsDep, access: Owner
) -> PublicationOut:
    found = publishing.publication_of(session, access.book_id)
    if found is None:
        raise NotFound("the book is not published", code="not_published")
    return PublicationOut(**publishing.public_status(found, settings.public_url))


@router.delete("/{book_id}/publication", status_code=204, responses={403: {}, 404: {}})
def unpublish(book_id: str, session: SessionDep, access: Owner) -> Response:
    """Take the book off the site: its pages, search entry, feeds and sitemap entry go."""
    publishing.unpublish(session, access.book_id)
    session.commit()
    return Response(status_code=204)


@router.get("/{book_id}/publication/analytics", responses={403: {}, 404: {}})
def analytics(book_id: str, session: SessionDep, access: Owner, days: int = 30) -> dict[str, Any]:
    """Reads, unique readers, follows, likes, completion per chapter, and a daily series."""
    found = publishing.publication_of(session, access.book_id)
    if found is None:
        raise NotFound("the book is not published", code="not_published")
    return readers.analytics(session, found, days=max(1, min(days, 365)))
