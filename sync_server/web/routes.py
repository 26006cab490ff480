"""The public site's pages: home, search, a book, a chapter, an author, feeds, sitemap.

Server-rendered with Jinja2 (autoescaped: everything a writer or reader typed is escaped,
and chapter markup is the escaped export markup, cleaned again with nh3). No inline script
or style: the Content-Security-Policy below allows this origin's files only. Unlisted books
are reached by their link and marked noindex; private and unpublished books have no rows
here at all.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from starlette.background import BackgroundTask

from core.export.content import has_rtl
from core.sync.release_schedule import parse_schedule
from sync_server.deps import (
    SessionDep,
    SettingsDep,
    account_rate_limit,
    auth_rate_limit,
    caller_address,
)
from sync_server.errors import ApiError, NotFound, Unauthorized
from sync_server.models import Follow, Publication, PublishedChapter, ReadingProgress, User
from sync_server.services import accounts, discovery, publishing, readers
from sync_server.services.tags import normalise_tags
from sync_server.web import session as web_session

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals["tags_of"] = discovery.tags_of
templates.env.globals["asset_version"] = "1"
router = APIRouter(include_in_schema=False)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
KINDS = (("novel", "Novel"), ("screenplay", "Screenplay"), ("play", "Play"),
         ("graphic_novel", "Graphic novel"))  # fmt: skip
SORTS = (("relevance", "Best match"), ("trending", "Trending"), ("new", "Newest"),
         ("words", "Longest"))  # fmt: skip


def _page(
    request: Request, name: str, context: dict[str, Any], session: Any, *, status: int = 200
) -> HTMLResponse:
    user = getattr(request.state, "reader", None)
    if user is None and session is not None:
        user = web_session.reader(request, session)
    base = {
        "request": request,
        "reader": user,
        "reader_name": readers.display_name(user) if user else "",
        "csrf": web_session.csrf_token(request),
        "notice": request.query_params.get("notice", "")[:200],
    }
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    web_session.keep_csrf(request, response, request.app.state.settings)
    return response


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    headings = {404: "Not found", 403: "Not allowed", 401: "Sign in first", 429: "Slow down"}
    with request.app.state.sessions() as session:
        return _page(
            request,
            "error.html",
            {"heading": headings.get(status, "Something went wrong"), "message": message},
            session,
            status=status,
        )


def _reader(request: Request, session: Any) -> User | None:
    user = web_session.reader(request, session)
    request.state.reader = user
    return user


def _blocklist(request: Request, session: Any, user: User | None) -> list[str]:
    if user is not None:
        return readers.blocklist(session, user.id)
    return normalise_tags(request.cookies.get(web_session.BLOCKLIST_COOKIE, "").split(","))


def _published(session: Any, book_id: str) -> Publication:
    publication = session.get(Publication, book_id) if len(book_id) <= 36 else None
    if publication is None or publication.chapter_count == 0:
        raise NotFound("There is no such book, or it is no longer published.")
    return publication


def _redirect(url: str) -> RedirectResponse:
    # Only paths of this site: a "next" pointing elsewhere would be an open redirect.
    if not url.startswith("/") or url.startswith("//"):
        url = "/"
    return RedirectResponse(url, status_code=303)


# ---------------------------------------------------------------------------- pages


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    user = _reader(request, session)
    hidden = _blocklist(request, session, user)
    recommended: list[Publication] = []
    if user is not None:
        last = session.execute(
            select(ReadingProgress.book_id)
            .where(ReadingProgress.user_id == user.id)
            .order_by(ReadingProgress.updated_at.desc())
            .limit(1)
        ).scalar()
        if last:
            recommended = discovery.recommendations(session, last, exclude=hidden)
    if not recommended:
        recommended = discovery.most_liked(session, exclude=hidden)
    return _page(
        request,
        "home.html",
        {
            "trending": discovery.trending(session, exclude=hidden),
            "new": discovery.new_books(session, exclude=hidden),
            "recommended": recommended,
            "genres": discovery.genres(session),
        },
        session,
    )


def _int(value: str) -> int | None:
    value = value.replace(",", "").strip()
    return int(value) if value.isdigit() else None


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    genre: Annotated[str, Query(max_length=80)] = "",
    tags: Annotated[str, Query(max_length=1000)] = "",
    exclude: Annotated[str, Query(max_length=1000)] = "",
    min_words: Annotated[str, Query(max_length=24)] = "",
    max_words: Annotated[str, Query(max_length=24)] = "",
    status: Annotated[str, Query(max_length=10)] = "",
    language: Annotated[str, Query(max_length=20)] = "",
    content_type: Annotated[str, Query(max_length=20)] = "",
    sort: Annotated[str, Query(max_length=12)] = "relevance",
    page: Annotated[int, Query(ge=1, le=500)] = 1,
) -> HTMLResponse:
    user = _reader(request, session)
    hidden = _blocklist(request, session, user)
    typed_exclude = normalise_tags(exclude.split(","))
    filters = discovery.Filters(
        q=q, genre=genre, tags=tags.split(","), exclude=[*typed_exclude, *hidden],
        min_words=_int(min_words), max_words=_int(max_words), status=status,
        language=language, content_type=content_type, sort=sort,
    ).normalised()  # fmt: skip
    found = discovery.search(session, filters, page=page)
    params = {k: v for k, v in request.query_params.items() if k != "page"}

    def page_url(number: int) -> str:
        return "/search?" + urlencode({**params, "page": number})

    return _page(
        request,
        "search.html",
        {
            "q": q,
            "filters": filters,
            "exclude_typed": typed_exclude,
            "blocked": hidden,
            "results": found.results,
            "mended": found.mended,
            "page": found.page,
            "has_more": found.has_more,
            "page_url": page_url,
            "genres": discovery.genres(session),
            "kinds": KINDS,
            "sorts": SORTS,
        },
        session,
    )


def _json_ld(publication: Publication, url: str, author_url: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Book",
        "name": publication.title,
        "author": {"@type": "Person", "name": publication.author or "Anonymous", "url": author_url},
        "description": publication.description,
        "inLanguage": publication.language,
        "genre": publication.genre,
        "keywords": ", ".join(discovery.tags_of(publication)),
        "wordCount": publication.words,
        "url": url,
        "datePublished": publication.published_at.date().isoformat(),
        "dateModified": publication.updated_at.date().isoformat(),
    }
    # Inside <script>: "<" as \u003c, so no text can close the element.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def book(
    request: Request, book_id: str, session: SessionDep, settings: SettingsDep, slug: str = ""
) -> Response:
    publication = _published(session, book_id)
    if slug != publication.slug:
        return RedirectResponse(f"/book/{book_id}/{publication.slug}", status_code=301)
    user = _reader(request, session)
    chapters = publishing.chapters_released(session, book_id)
    waiting = session.scalar(
        select(func.count())
        .select_from(PublishedChapter)
        .where(PublishedChapter.book_id == book_id, PublishedChapter.released_at.is_(None))
    )
    canonical = f"{settings.public_url}/book/{book_id}/{publication.slug}"
    context = {
        "book": publication,
        "tags": discovery.tags_of(publication),
        "chapters": chapters,
        "waiting": waiting or 0,
        "schedule_text": _schedule_text(publication.schedule),
        "canonical": canonical,
        "json_ld": _json_ld(
            publication, canonical, f"{settings.public_url}/author/{publication.owner_id}"
        ),
        "progress": readers.progress(session, user_id=user.id, book_id=book_id) if user else None,
        "following": user is not None
        and readers.follows(session, user_id=user.id, kind="book", target_id=book_id),
        "liked": user is not None and readers.likes(session, user_id=user.id, book_id=book_id),
        "recommended": discovery.recommendations(
            session, book_id, exclude=_blocklist(request, session, user)
        ),
        "lang": publication.language,
    }
    return _page(request, "book.html", context, session)


def _schedule_text(schedule: str) -> str:
    if not schedule:
        return ""
    try:
        return parse_schedule(schedule).describe()
    except ValueError:
        return schedule


@router.get("/book/{book_id}/chapter/{number}", response_class=HTMLResponse)
def chapter(
    request: Request, book_id: str, number: int, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    publication = _published(session, book_id)
    chapters = publishing.chapters_released(session, book_id)
    index = next((i for i, c in enumerate(chapters) if c.position == number), None)
    if index is None:
        raise NotFound("That chapter is not published (yet).")
    current = chapters[index]
    user = _reader(request, session)
    reader_key = (
        readers.signed_in_reader(user.id)
        if user
        else readers.anonymous_reader(
            settings.secret_key,
            caller_address(request),
            request.headers.get("user-agent", "")[:300],
        )
    )
    readers.record_read(session, book_id=book_id, chapter_id=current.chapter_id, reader=reader_key)
    if user is not None:
        readers.set_progress(
            session, user_id=user.id, book_id=book_id, chapter_id=current.chapter_id
        )
    session.commit()
    context = {
        "book": publication,
        "chapter": current,
        "previous": chapters[index - 1] if index > 0 else None,
        "following_chapter": chapters[index + 1] if index + 1 < len(chapters) else None,
        "comments": readers.comments(session, book_id=book_id, chapter_id=current.chapter_id),
        "is_author": user is not None and user.id == publication.owner_id,
        "canonical": f"{settings.public_url}/book/{book_id}/chapter/{number}",
        "rtl": has_rtl(current.title)
        and publication.language.split("-")[0] in ("ar", "he", "fa", "ur"),
        "lang": publication.language,
    }
    return _page(request, "chapter.html", context, session)


@router.get("/author/{author_id}", response_class=HTMLResponse)
def author(request: Request, author_id: str, session: SessionDep) -> HTMLResponse:
    books = discovery.by_author(session, author_id)
    if not books:
        raise NotFound("There is no author with published books here.")
    user = _reader(request, session)
    followers = session.scalar(
        select(func.count())
        .select_from(Follow)
        .where(Follow.target_kind == "author", Follow.target_id == author_id)
    )
    is_self = user is not None and user.id == author_id
    context = {
        "name": next((b.author for b in books if b.author), "Anonymous"),
        "books": books,
        "author_id": author_id,
        "followers": followers or 0,
        "is_self": is_self,
        "following": user is not None
        and readers.follows(session, user_id=user.id, kind="author", target_id=author_id),
        # The author's own figures, shown to the author alone.
        "stats": [readers.analytics(session, b) | {"title": b.title} for b in books]
        if is_self
        else [],
    }
    return _page(request, "author.html", context, session)


# ---------------------------------------------------------------------------- actions


def _signed_in(request: Request, session: Any, csrf: str) -> User:
    web_session.check_csrf(request, csrf)
    user = _reader(request, session)
    if user is None:
        raise Unauthorized("Sign in first.")
    return user


def _on(value: str) -> bool:
    return value not in ("0", "false", "off", "")


@router.post("/book/{book_id}/follow")
def follow_book(
    request: Request, book_id: str, session: SessionDep,
    csrf: Annotated[str, Form()] = "", on: Annotated[str, Form()] = "1",
) -> RedirectResponse:  # fmt: skip
    user = _signed_in(request, session, csrf)
    publication = _published(session, book_id)
    readers.follow(session, user_id=user.id, kind="book", target_id=book_id, on=_on(on))
    session.commit()
    return _redirect(f"/book/{book_id}/{publication.slug}")


@router.post("/book/{book_id}/like")
def like_book(
    request: Request, book_id: str, session: SessionDep,
    csrf: Annotated[str, Form()] = "", on: Annotated[str, Form()] = "1",
) -> RedirectResponse:  # fmt: skip
    user = _signed_in(request, session, csrf)
    publication = _published(session, book_id)
    readers.like(session, user_id=user.id, book_id=book_id, on=_on(on))
    session.commit()
    return _redirect(f"/book/{book_id}/{publication.slug}")


@router.post("/author/{author_id}/follow")
def follow_author(
    request: Request, author_id: str, session: SessionDep,
    csrf: Annotated[str, Form()] = "", on: Annotated[str, Form()] = "1",
) -> RedirectResponse:  # fmt: skip
    user = _signed_in(request, session, csrf)
    if not discovery.by_author(session, author_id):
        raise NotFound("There is no author with published books here.")
    readers.follow(session, user_id=user.id, kind="author", target_id=author_id, on=_on(on))
    session.commit()
    return _redirect(f"/author/{author_id}")


@router.post("/book/{book_id}/chapter/{number}/comments")
def comment(
    request: Request, book_id: str, number: int, session: SessionDep, settings: SettingsDep,
    csrf: Annotated[str, Form()] = "", body: Annotated[str, Form(max_length=8000)] = "",
) -> RedirectResponse:  # fmt: skip
    user = _signed_in(request, session, csrf)
    publication = _published(session, book_id)
    chapter = next(
        (c for c in publishing.chapters_released(session, book_id) if c.position == number), None
    )
    if chapter is None:
        raise NotFound("That chapter is not published (yet).")
    made = readers.add_comment(
        session, publication=publication, chapter_id=chapter.chapter_id, user=user, body=body,
        per_minute=settings.reader_comment_limit,
    )  # fmt: skip
    session.commit()
    return _redirect(f"/book/{book_id}/chapter/{number}#comment-{made.id}")


@router.post("/comments/{comment_id}/{action}")
def moderate(
    request: Request, comment_id: str, action: str, session: SessionDep,
    csrf: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/",
) -> RedirectResponse:  # fmt: skip
    user = _signed_in(request, session, csrf)
    if action == "report":
        readers.report(session, comment_id=comment_id, user_id=user.id, reason="")
        notice = "Thank you: the comment was reported."
    elif action == "hide":
        readers.hide(session, comment_id=comment_id, user_id=user.id)
        notice = "The comment is hidden."
    elif action == "block":
        readers.block(session, author_id=user.id, comment_id=comment_id)
        notice = "The reader is blocked from commenting on your books."
    else:
        raise NotFound("There is no such page.")
    session.commit()
    return _redirect(f"{next}?{urlencode({'notice': notice})}")


@router.get("/blocklist", response_class=HTMLResponse)
def blocklist_page(request: Request, session: SessionDep) -> HTMLResponse:
    user = _reader(request, session)
    return _page(request, "blocklist.html", {"tags": _blocklist(request, session, user)}, session)


@router.post("/blocklist")
def blocklist_save(
    request: Request, session: SessionDep, settings: SettingsDep,
    csrf: Annotated[str, Form()] = "", tags: Annotated[str, Form(max_length=4000)] = "",
) -> RedirectResponse:  # fmt: skip
    web_session.check_csrf(request, csrf)
    user = _reader(request, session)
    chosen = normalise_tags(tags.split(","))
    response = _redirect("/blocklist?" + urlencode({"notice": "Saved."}))
    if user is not None:
        readers.set_blocklist(session, user.id, chosen)
        session.commit()
    else:
        response.set_cookie(
            web_session.BLOCKLIST_COOKIE, ",".join(chosen), max_age=365 * 86400,
            httponly=True, samesite="lax", path="/",
        )  # fmt: skip
    return response


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, session: SessionDep, next: str = "/") -> HTMLResponse:
    return _page(request, "signin.html", {"next": next, "email": "", "error": ""}, session)


@router.post("/signin", response_model=None)
def signin(
    request: Request, session: SessionDep, settings: SettingsDep,
    csrf: Annotated[str, Form()] = "", email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    otp: Annotated[str, Form(max_length=20)] = "", next: Annotated[str, Form()] = "/",
) -> Response:  # fmt: skip
    web_session.check_csrf(request, csrf)
    try:
        auth_rate_limit(request)
        account_rate_limit(request, email.strip().lower())
        pair = accounts.login(
            session=session, settings=settings, passwords=request.app.state.passwords,
            email=email, password=password, device_name="Web reader", otp=otp or None,
        )  # fmt: skip
    except ApiError as exc:
        return _page(
            request, "signin.html", {"next": next, "email": email, "error": exc.message},
            session, status=exc.status,
        )  # fmt: skip
    response = _redirect(next)
    web_session.set_session(response, settings, pair.refresh_token)
    return response


@router.post("/signout")
def signout(
    request: Request, session: SessionDep, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    web_session.check_csrf(request, csrf)
    token = request.cookies.get(web_session.COOKIE)
    if token:
        # Already signed out elsewhere: the cookie goes all the same.
        with contextlib.suppress(ApiError):
            accounts.logout(session=session, token=token)
    response = _redirect("/")
    response.delete_cookie(web_session.COOKIE, path="/")
    return response


# ---------------------------------------------------------------------------- files


@router.get("/book/{book_id}/feed.atom")
def atom(book_id: str, session: SessionDep, settings: SettingsDep) -> Response:
    """New chapters of a book (public or unlisted: the feed is as findable as the link)."""
    publication = _published(session, book_id)
    base = settings.public_url
    chapters = publishing.chapters_released(session, book_id)[::-1][:50]
    updated = max(
        (c.released_at for c in chapters if c.released_at), default=publication.updated_at
    )
    entries = "".join(
        f"<entry><title>{xml_escape(c.title)}</title>"
        f'<link href="{base}/book/{book_id}/chapter/{c.position}"/>'
        f"<id>urn:authorworks:{book_id}:{c.chapter_id}</id>"
        f"<updated>{_stamp(c.released_at)}</updated>"
        f"<summary>{c.words} words</summary></entry>"
        for c in chapters
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{xml_escape(publication.title)}</title>"
        f"<author><name>{xml_escape(publication.author or 'Anonymous')}</name></author>"
        f'<link rel="alternate" href="{base}/book/{book_id}/{publication.slug}"/>'
        f'<link rel="self" href="{base}/book/{book_id}/feed.atom"/>'
        f"<id>urn:authorworks:{book_id}</id><updated>{_stamp(updated)}</updated>"
        f"{entries}</feed>"
    )
    return Response(body, media_type="application/atom+xml")


def _stamp(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@router.get("/sitemap.xml")
def sitemap(session: SessionDep, settings: SettingsDep) -> Response:
    """Public books and their chapters (never unlisted, private or unpublished ones)."""
    base = settings.public_url
    urls = [f"<url><loc>{base}/</loc></url>"]
    rows = session.execute(
        select(Publication.book_id, Publication.slug, Publication.updated_at)
        .where(discovery.listed())
        .order_by(Publication.updated_at.desc())
        .limit(10_000)
    ).all()
    for book_id, slug, updated in rows:
        urls.append(
            f"<url><loc>{base}/book/{book_id}/{xml_escape(slug)}</loc>"
            f"<lastmod>{_stamp(updated)[:10]}</lastmod></url>"
        )
    for book_id, position in session.execute(
        select(PublishedChapter.book_id, PublishedChapter.position)
        .join(Publication, Publication.book_id == PublishedChapter.book_id)
        .where(discovery.listed(), PublishedChapter.released_at.is_not(None))
        .limit(40_000)
    ):
        urls.append(f"<url><loc>{base}/book/{book_id}/chapter/{position}</loc></url>")
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(urls) + "</urlset>"
    )
    return Response(body, media_type="application/xml")


@router.get("/robots.txt")
def robots(settings: SettingsDep) -> Response:
    body = (
        "User-agent: *\nDisallow: /api/\nDisallow: /signin\n"
        f"Sitemap: {settings.public_url}/sitemap.xml\n"
    )
    return Response(body, media_type="text/plain")


@router.get("/book/{book_id}/download.epub")
def epub(book_id: str, session: SessionDep) -> FileResponse:
    """The released chapters as an EPUB, made by the exporter the studio uses."""
    from core.export.epub import write_epub
    from core.export.options import ExportOptions
    from core.jobs import JobContext

    publication = _published(session, book_id)
    released = {c.chapter_id for c in publishing.chapters_released(session, book_id)}
    content = publishing.read_book(session, book_id)
    content.chapters = [c for c in content.chapters if c.id in released]
    content.description = publication.description or content.description
    folder = Path(tempfile.mkdtemp(prefix="aw-epub-"))
    target = folder / f"{publication.slug}.epub"
    write_epub(content, target, ExportOptions(), JobContext())

    return FileResponse(
        target,
        media_type="application/epub+zip",
        filename=f"{publication.slug}.epub",
        background=BackgroundTask(shutil.rmtree, folder, True),
    )


# Last: "/book/{id}/{slug}" would otherwise take the feed's and the EPUB's paths for slugs.
router.add_api_route("/book/{book_id}", book, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/book/{book_id}/{slug}", book, methods=["GET"], response_class=HTMLResponse)
