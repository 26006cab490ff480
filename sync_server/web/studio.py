"""``/app/``: the web studio for the people a writer shares a book with — sign in (the
site's session cookie), the books shared with me, a book's binder, and a scene's editor
bound to the scene's live room (the same y-websocket room the desktop joins).

The editor is the esbuild bundle of ``web/studio_src`` (``make web``), served from
``/static/studio/`` under hashed names read from its manifest; the page carries what the
editor needs as data attributes (the CSP allows no inline script). The live room takes an
access token of the session's "web reader" device, renewed through ``POST /app/token``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlencode

import pycrdt
from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from core.domain.values import FOUNTAIN_TYPES
from core.text import count_words
from sync_server.deps import SessionDep, SettingsDep
from sync_server.errors import ApiError, NotFound, Unauthorized
from sync_server.models import User
from sync_server.security import issue_access_token
from sync_server.services import accounts, activity, books, feed, publishing, sharing
from sync_server.web import session as web_session
from sync_server.web.routes import CSP, HERE, _page, _redirect

router = APIRouter(prefix="/app", include_in_schema=False)
BUNDLE = HERE / "static" / "studio"


@lru_cache(maxsize=1)
def _manifest(stamp: float) -> dict[str, str]:
    del stamp  # the cache's key: a rebuilt bundle is read again
    return dict(json.loads((BUNDLE / "manifest.json").read_text(encoding="utf-8")))


def bundle() -> dict[str, str]:
    """The bundle's hashed file names, or a clear error when it was not built."""
    manifest = BUNDLE / "manifest.json"
    if not manifest.exists():
        raise NotFound(
            "The web studio is not built on this server: run `make web` (Node and npm) and "
            "restart it."
        )
    return _manifest(manifest.stat().st_mtime)


class SignInFirst(Exception):
    """A studio page asked for without a session: the app sends the browser to sign in."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def sign_in_first(_request: Request, exc: Exception) -> Response:
    path = exc.path if isinstance(exc, SignInFirst) else "/app/"
    return RedirectResponse(f"/signin?{urlencode({'next': path})}", status_code=303)


def _signed_in(request: Request, session: Any) -> tuple[User, str | None]:
    found = web_session.reader_device(request, session)
    if found is None:
        raise SignInFirst(str(request.url.path))
    request.state.reader = found[0]
    return found


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> Response:
    user, _device = _signed_in(request, session)
    shared = books.list_books(session, user_id=user.id)
    pending = sharing.my_invitations(session, user_id=user.id)
    return _page(request, "studio_books.html", {"books": shared, "pending": pending}, session)


def _binder(session: Any, book_id: str, hub: Any) -> list[dict[str, Any]]:
    content = publishing.read_book(session, book_id)
    out = []
    for chapter in content.chapters:
        scenes = []
        for scene in chapter.scenes:
            room = hub.rooms.get((book_id, scene.id)) if scene.id else None
            here = sorted({c.email.split("@", 1)[0] for c in room.connections}) if room else []
            scenes.append(
                {
                    "id": scene.id,
                    "title": scene.title or "Untitled scene",
                    "synopsis": scene.synopsis,
                    "words": count_words(scene.text),
                    "here": here,
                }
            )
        out.append(
            {
                "number": chapter.number,
                "title": chapter.display_title,
                "synopsis": chapter.synopsis,
                "scenes": scenes,
            }
        )
    return out


@router.get("/book/{book_id}", response_class=HTMLResponse)
def book(request: Request, book_id: str, session: SessionDep) -> Response:
    user, _device = _signed_in(request, session)
    access = books.check_access(session, user_id=user.id, book_id=book_id, minimum="viewer")
    row = books.get_book(session, user_id=user.id, book_id=book_id)
    context = {
        "book": row,
        "role": access.role,
        "chapters": _binder(session, book_id, request.app.state.collab),
    }
    return _page(request, "studio_book.html", context, session)


@router.get("/book/{book_id}/scene/{scene_id}", response_class=HTMLResponse)
def scene(
    request: Request, book_id: str, scene_id: str, session: SessionDep, settings: SettingsDep
) -> Response:
    user, device_id = _signed_in(request, session)
    access = books.check_access(session, user_id=user.id, book_id=book_id, minimum="viewer")
    row = books.get_book(session, user_id=user.id, book_id=book_id)
    content = publishing.read_book(session, book_id)
    found = next(((c, s) for c in content.chapters for s in c.scenes if s.id == scene_id), None)
    if found is None:
        raise NotFound("There is no such scene in this book.")
    chapter, current = found
    scheme = "wss" if request.url.scheme == "https" else "ws"
    context = {
        "book": row,
        "role": access.role,
        "chapter": chapter,
        "scene": current,
        "scene_id": scene_id,
        "room": f"{scheme}://{request.url.netloc}/api/v1/collab",
        "token": issue_access_token(settings, user_id=user.id, device_id=device_id),
        "name": user.email.split("@", 1)[0],
        "author": user.email,  # a suggestion's author, as the room checks it
        "kind": "script" if content.content_type in FOUNTAIN_TYPES else "prose",
        "bundle": bundle(),
        "comments": _comments(session, book_id, scene_id),
    }
    page = _page(request, "studio_scene.html", context, session)
    # The live room is a WebSocket to this host ('self' in connect-src, said outright for
    # browsers that do not count ws: as the page's own scheme).
    room_origin = f"{scheme}://{request.url.netloc}"
    # y-codemirror paints each person's caret and selection in their colour with inline
    # styles: styles (never scripts) may be inline on this page.
    page.headers["Content-Security-Policy"] = CSP.replace(
        "connect-src 'self'", f"connect-src 'self' {room_origin}"
    ).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return page


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, session: SessionDep) -> Response:
    """The notification inbox of the Shared books issue, in the browser."""
    user, _device = _signed_in(request, session)
    unread, items = activity.inbox(session, user_id=user.id, unread_only=False, limit=100)
    return _page(request, "studio_inbox.html", {"unread": unread, "items": items}, session)


@router.post("/inbox/read")
def inbox_read(
    request: Request, session: SessionDep, csrf: Annotated[str, Form()] = ""
) -> Response:
    web_session.check_csrf(request, csrf)
    user, _device = _signed_in(request, session)
    activity.mark_read(session, user_id=user.id, notification_id=None)
    return _redirect("/app/inbox")


@router.get("/book/{book_id}/activity", response_class=HTMLResponse)
def book_activity(request: Request, book_id: str, session: SessionDep) -> Response:
    """Who did what to the book, and when (its members see it)."""
    user, _device = _signed_in(request, session)
    books.check_access(session, user_id=user.id, book_id=book_id, minimum="viewer")
    row = books.get_book(session, user_id=user.id, book_id=book_id)
    events = activity.book_activity(session, book_id=book_id, limit=200, before=None)
    return _page(request, "studio_activity.html", {"book": row, "events": events}, session)


def _comments(session: Any, book_id: str, scene_id: str) -> list[Any]:
    """The scene's comment threads, as its document holds them (shown beside the editor)."""
    from core.review.comments import list_comments
    from core.sync.documents import new_doc

    state = feed.document_state(session, book_id=book_id, doc_id=scene_id)
    return list_comments(new_doc(state)) if state else []


def _nearest(body: str, quote: str, hint: int) -> int | None:
    """Where ``quote`` is in ``body`` nearest to ``hint`` (the editor's offset, which also
    counts pending suggested characters), or None."""
    places: list[int] = []
    at = body.find(quote)
    while at != -1 and len(places) < 1000:
        places.append(at)
        at = body.find(quote, at + 1)
    return min(places, key=lambda p: abs(p - hint)) if places else None


@router.post("/book/{book_id}/scene/{scene_id}/comments")
def comment(
    request: Request,
    book_id: str,
    scene_id: str,
    session: SessionDep,
    settings: SettingsDep,
    csrf: Annotated[str, Form()] = "",
    quote: Annotated[str, Form(max_length=2000)] = "",
    hint: Annotated[int, Form()] = 0,
    text: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """A comment on the selected words, from the browser (commenters and up): made on the
    scene's document and pushed as the commenter's own change, so the room and every device
    get it as they get any push."""
    from datetime import UTC, datetime

    from core.ids import new_id
    from core.review.comments import ReviewError, add_comment
    from core.sync.documents import TEXT, changes_made, new_doc
    from core.sync.protocol import encode_update
    from core.sync.text_view import accepted_text
    from sync_server.schemas import OpIn

    web_session.check_csrf(request, csrf)
    user, device_id = _signed_in(request, session)
    books.check_access(session, user_id=user.id, book_id=book_id, minimum="commenter")
    back = f"/app/book/{book_id}/scene/{scene_id}"
    state = feed.document_state(session, book_id=book_id, doc_id=scene_id)
    if not state:
        raise NotFound("There is no such scene in this book.")
    doc = new_doc(state)
    body = accepted_text(doc.get(TEXT, type=pycrdt.Text))
    start = _nearest(body, quote, hint) if quote.strip() else None
    if start is None:
        return _redirect(back + "?" + urlencode({"notice": "Select the words to comment on."}))
    try:
        _id, update = changes_made(
            doc,
            lambda: add_comment(
                doc,
                author=user.email,
                text=text,
                start=start,
                end=start + len(quote),
                now=datetime.now(UTC),
            ),
        )
    except ReviewError as exc:
        return _redirect(back + "?" + urlencode({"notice": str(exc)}))
    applied: list[tuple[str, str, bytes]] = []
    result = feed.push(
        session=session,
        user_id=user.id,
        device_id=device_id,
        ops=[
            OpIn(
                op_id=new_id(),
                doc_id=scene_id,
                kind="scene",
                book_id=book_id,
                update=encode_update(update or b""),
            )
        ],
        compact_after=settings.compact_after,
        applied_out=applied,
        settings=settings,
    )
    request.app.state.collab.feed_applied(applied)
    notice = "Your comment is on the scene." if not result.rejected else "The comment was refused."
    return _redirect(back + "?" + urlencode({"notice": notice}) + "#margin-title")


@router.post("/token")
def token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    x_csrf_token: Annotated[str, Header()] = "",
) -> JSONResponse:
    """A fresh access token for the live room, for the session's device (cookie + CSRF)."""
    web_session.check_csrf(request, x_csrf_token)
    found = web_session.reader_device(request, session)
    if found is None:
        raise Unauthorized("sign in again")
    user, device_id = found
    return JSONResponse(
        {"token": issue_access_token(settings, user_id=user.id, device_id=device_id)},
        headers={"Cache-Control": "no-store"},
    )


# ---------------------------------------------------------------- invitations and accounts


@router.get("/invite/{link}", response_class=HTMLResponse)
def invitation(request: Request, link: str, session: SessionDep) -> Response:
    """Where an invitation link leads in the browser: sign in or register, then accept."""
    found = sharing.find_by_token(session, link)
    if found is None or found.status != "pending":
        raise NotFound("This invitation link is no longer valid: ask for a new invitation.")
    user = web_session.reader(request, session)
    book_row = session.get(books.Book, found.book_id)
    context = {
        "invitation": found,
        "book_title": book_row.title if book_row else "",
        "link": link,
        "signed_in_as": user.email if user else "",
    }
    return _page(request, "studio_invite.html", context, session)


@router.post("/invite/{link}")
def accept_invitation(
    request: Request, link: str, session: SessionDep, csrf: Annotated[str, Form()] = ""
) -> Response:
    web_session.check_csrf(request, csrf)
    user = web_session.reader(request, session)
    if user is None:
        return _redirect(f"/signin?next=/app/invite/{link}")
    book_id = sharing.accept(session, user_id=user.id, token=link)
    request.app.state.collab.members_changed(book_id, [user.id])
    return _redirect(f"/app/book/{book_id}")


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request, session: SessionDep, next: str = "/app/") -> Response:
    return _page(request, "register.html", {"next": next, "email": "", "error": ""}, session)


@router.post("/register", response_model=None)
def register(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    csrf: Annotated[str, Form()] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = "/app/",
) -> Response:
    """A new account from the browser (an invitee without the desktop), signed in at once."""
    from sync_server.deps import auth_rate_limit

    web_session.check_csrf(request, csrf)
    try:
        auth_rate_limit(request)
        accounts.register_user(
            session=session,
            passwords=request.app.state.passwords,
            email=email,
            password=password,
        )
        pair = accounts.login(
            session=session,
            settings=settings,
            passwords=request.app.state.passwords,
            email=email,
            password=password,
            device_name="Web reader",
        )
    except ApiError as exc:
        return _page(
            request,
            "register.html",
            {"next": next, "email": email, "error": exc.message},
            session,
            status=exc.status,
        )
    response = _redirect(next)
    web_session.set_session(response, settings, pair.refresh_token)
    return response
