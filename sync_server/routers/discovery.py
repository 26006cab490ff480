"""/api/v1/discovery: the public catalogue as JSON for apps (search, a book, trending, new,
recommendations), and what a signed-in reader does (follow, like, comment, blocklist)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from sync_server.deps import CallerDep, SessionDep, SettingsDep
from sync_server.errors import NotFound
from sync_server.models import Publication, PublishedChapter
from sync_server.services import discovery, readers
from sync_server.services.publishing import chapters_released

router = APIRouter(prefix="/discovery", tags=["discovery"])


def book_url(base: str, publication: Publication) -> str:
    return f"{base}/book/{publication.book_id}/{publication.slug}"


def summary(base: str, p: Publication) -> dict[str, Any]:
    return {
        "id": p.book_id,
        "title": p.title,
        "author": p.author,
        "author_id": p.owner_id,
        "url": book_url(base, p),
        "genre": p.genre,
        "tags": discovery.tags_of(p),
        "description": p.description,
        "words": p.words,
        "chapters": p.chapter_count,
        "complete": p.complete,
        "language": p.language,
        "content_type": p.content_type,
        "likes": p.likes,
        "follows": p.follows,
        "updated_at": p.updated_at.isoformat(),
    }


def split_tags(value: str | None) -> list[str]:
    return [t for t in (value or "").split(",") if t.strip()]


@router.get("/search")
def search(
    session: SessionDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
    genre: Annotated[str, Query(max_length=80)] = "",
    tags: Annotated[str, Query(max_length=1000, description="comma-separated, all of")] = "",
    exclude: Annotated[str, Query(max_length=1000, description="comma-separated, none of")] = "",
    min_words: Annotated[int | None, Query(ge=0, le=discovery.MAX_WORDS)] = None,
    max_words: Annotated[int | None, Query(ge=0, le=discovery.MAX_WORDS)] = None,
    status: Literal["", "complete", "ongoing"] = "",
    language: Annotated[str, Query(max_length=20)] = "",
    content_type: Annotated[str, Query(max_length=20)] = "",
    sort: Literal["relevance", "trending", "new", "words"] = "relevance",
    page: Annotated[int, Query(ge=1, le=500)] = 1,
) -> dict[str, Any]:
    """Published books matching a query and facets (misspelt words are mended: ``mended``)."""
    found = discovery.search(
        session,
        discovery.Filters(
            q=q, genre=genre, tags=split_tags(tags), exclude=split_tags(exclude),
            min_words=min_words, max_words=max_words, status=status, language=language,
            content_type=content_type, sort=sort,
        ),
        page=page,
    )  # fmt: skip
    return {
        "results": [summary(settings.public_url, p) for p in found.results],
        "page": found.page,
        "has_more": found.has_more,
        "mended": found.mended,
    }


@router.get("/books/{book_id}", responses={404: {}})
def book(book_id: str, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """A published book (public or unlisted) with its released chapters."""
    publication = session.get(Publication, book_id)
    if publication is None or publication.chapter_count == 0:
        raise NotFound("no such published book", code="book_not_found")
    out = summary(settings.public_url, publication)
    out["chapters"] = [
        {
            "number": c.position,
            "title": c.title,
            "words": c.words,
            "url": f"{settings.public_url}/book/{book_id}/chapter/{c.position}",
            "released_at": c.released_at.isoformat() if c.released_at else None,
        }
        for c in chapters_released(session, book_id)
    ]
    out["feed"] = f"{settings.public_url}/book/{book_id}/feed.atom"
    out["epub"] = f"{settings.public_url}/book/{book_id}/download.epub"
    return out


@router.get("/trending")
def trending(session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    return {"results": [summary(settings.public_url, p) for p in discovery.trending(session)]}


@router.get("/new")
def new(session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    return {"results": [summary(settings.public_url, p) for p in discovery.new_books(session)]}


@router.get("/recommendations")
def recommendations(
    session: SessionDep, settings: SettingsDep, book: Annotated[str, Query(max_length=36)]
) -> dict[str, Any]:
    """Books for a reader of ``book``: what its readers read too, then the most alike."""
    return {
        "results": [
            summary(settings.public_url, p) for p in discovery.recommendations(session, book)
        ]
    }


# ---------------------------------------------------------------- signed-in readers


class Toggle(BaseModel):
    on: bool = True


def _listed_or_link(session: SessionDep, book_id: str) -> Publication:
    publication = session.get(Publication, book_id)
    if publication is None or publication.chapter_count == 0:
        raise NotFound("no such published book", code="book_not_found")
    return publication


@router.post("/books/{book_id}/follow", responses={401: {}, 404: {}})
def follow_book(
    book_id: str, body: Toggle, session: SessionDep, caller: CallerDep
) -> dict[str, bool]:
    _listed_or_link(session, book_id)
    on = readers.follow(session, user_id=caller.user_id, kind="book", target_id=book_id, on=body.on)
    session.commit()
    return {"following": on}


@router.post("/authors/{author_id}/follow", responses={401: {}, 404: {}})
def follow_author(
    author_id: str, body: Toggle, session: SessionDep, caller: CallerDep
) -> dict[str, bool]:
    if not discovery.by_author(session, author_id):
        raise NotFound("no such author", code="author_not_found")
    on = readers.follow(
        session, user_id=caller.user_id, kind="author", target_id=author_id, on=body.on
    )
    session.commit()
    return {"following": on}


@router.post("/books/{book_id}/like", responses={401: {}, 404: {}})
def like(book_id: str, body: Toggle, session: SessionDep, caller: CallerDep) -> dict[str, bool]:
    _listed_or_link(session, book_id)
    on = readers.like(session, user_id=caller.user_id, book_id=book_id, on=body.on)
    session.commit()
    return {"liked": on}


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=readers.MAX_COMMENT_CHARS)


def _chapter(session: SessionDep, book_id: str, number: int) -> PublishedChapter:
    for chapter in chapters_released(session, book_id):
        if chapter.position == number:
            return chapter
    raise NotFound("no such chapter", code="chapter_not_found")


def comment_out(c: Any) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "body": c.body, "created_at": c.created_at.isoformat()}


@router.get("/books/{book_id}/chapters/{number}/comments", responses={404: {}})
def list_comments(book_id: str, number: int, session: SessionDep) -> list[dict[str, Any]]:
    _listed_or_link(session, book_id)
    chapter = _chapter(session, book_id, number)
    return [
        comment_out(c)
        for c in readers.comments(session, book_id=book_id, chapter_id=chapter.chapter_id)
    ]


@router.post(
    "/books/{book_id}/chapters/{number}/comments",
    status_code=201,
    responses={401: {}, 403: {}, 404: {}, 429: {}},
)
def add_comment(
    book_id: str, number: int, body: CommentIn, request: Request, session: SessionDep,
    caller: CallerDep,
) -> dict[str, Any]:  # fmt: skip
    publication = _listed_or_link(session, book_id)
    chapter = _chapter(session, book_id, number)
    comment = readers.add_comment(
        session, publication=publication, chapter_id=chapter.chapter_id, user=caller.user,
        body=body.body, per_minute=request.app.state.settings.reader_comment_limit,
    )  # fmt: skip
    session.commit()
    return comment_out(comment)


class ReportIn(BaseModel):
    reason: str = Field(default="", max_length=300)


@router.post("/comments/{comment_id}/report", status_code=204, responses={401: {}, 404: {}})
def report(comment_id: str, body: ReportIn, session: SessionDep, caller: CallerDep) -> None:
    readers.report(session, comment_id=comment_id, user_id=caller.user_id, reason=body.reason)
    session.commit()


@router.post("/comments/{comment_id}/hide", status_code=204, responses={401: {}, 403: {}, 404: {}})
def hide(comment_id: str, body: Toggle, session: SessionDep, caller: CallerDep) -> None:
    """The book's author hides a comment (``on`` false: shows it again)."""
    readers.hide(session, comment_id=comment_id, user_id=caller.user_id, hidden=body.on)
    session.commit()


@router.post("/comments/{comment_id}/block", status_code=204, responses={401: {}, 403: {}, 404: {}})
def block(comment_id: str, session: SessionDep, caller: CallerDep) -> None:
    """The book's author blocks the comment's writer from all their books."""
    readers.block(session, author_id=caller.user_id, comment_id=comment_id)
    session.commit()


class Blocklist(BaseModel):
    tags: list[Annotated[str, Field(max_length=200)]] = Field(max_length=200)


@router.get("/blocklist", responses={401: {}})
def get_blocklist(session: SessionDep, caller: CallerDep) -> Blocklist:
    return Blocklist(tags=readers.blocklist(session, caller.user_id))


@router.put("/blocklist", responses={401: {}})
def put_blocklist(body: Blocklist, session: SessionDep, caller: CallerDep) -> Blocklist:
    """Tags never to be shown to this reader (search, home, trending, recommendations)."""
    tags = readers.set_blocklist(session, caller.user_id, body.tags)
    session.commit()
    return Blocklist(tags=tags)
