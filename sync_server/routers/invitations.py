"""/api/v1/invitations: the caller's pending invitations, accepted or declined; and the page
an invitation email links to (/invite/{token})."""

from __future__ import annotations

import html

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from core.sync.status import a_role
from sync_server.deps import CallerDep, SessionDep
from sync_server.routers.books import book_public, invitation_public
from sync_server.schemas import BookPublic, InvitationPublic, TokenAccept
from sync_server.services import books, sharing

router = APIRouter(prefix="/invitations", tags=["invitations"])
link_router = APIRouter(tags=["invitations"])


@router.get("")
def my_invitations(session: SessionDep, caller: CallerDep) -> list[InvitationPublic]:
    """Pending invitations to the caller's email address."""
    return [
        invitation_public(session, i)
        for i in sharing.my_invitations(session, user_id=caller.user_id)
    ]


@router.post("/accept", responses={403: {}, 404: {}, 409: {}})
def accept_link(body: TokenAccept, session: SessionDep, caller: CallerDep) -> BookPublic:
    """Accept the invitation of a link's token (it works once)."""
    book_id = sharing.accept(session, user_id=caller.user_id, token=body.token)
    return book_public(books.get_book(session, user_id=caller.user_id, book_id=book_id))


@router.post("/{invitation_id}/accept", responses={403: {}, 404: {}, 409: {}})
def accept(invitation_id: str, session: SessionDep, caller: CallerDep) -> BookPublic:
    book_id = sharing.accept(session, user_id=caller.user_id, invitation_id=invitation_id)
    return book_public(books.get_book(session, user_id=caller.user_id, book_id=book_id))


@router.post("/{invitation_id}/decline", status_code=204, responses={403: {}, 404: {}})
def decline(invitation_id: str, session: SessionDep, caller: CallerDep) -> Response:
    sharing.decline(session, user_id=caller.user_id, invitation_id=invitation_id)
    return Response(status_code=204)


@link_router.get("/invite/{token}", response_class=HTMLResponse, include_in_schema=False)
def invitation_page(token: str, session: SessionDep) -> HTMLResponse:
    """What an invitation link opens: what it is for and how to accept it (it does not
    accept: that takes the invitee signed in)."""
    invitation = sharing.find_by_token(session, token)
    if invitation is None or invitation.status != "pending":
        body = "<p>This invitation link is no longer valid. Ask for a new invitation.</p>"
        status = 404
    else:
        public = invitation_public(session, invitation)
        body = (
            f"<p>{html.escape(public.invited_by.email)} invited "
            f"<strong>{html.escape(public.email)}</strong> to "
            f"“{html.escape(public.book_title or 'an untitled book')}” "
            f"as {a_role(public.role)}.</p>"
            f'<p><a href="/app/invite/{html.escape(token, quote=True)}">Open it in your '
            "browser</a>: no installing, create an account or sign in, and work on the book in "
            "the web studio.</p>"
            "<p>Or, in the AuthorWorks app, sign in to this server as that address and use "
            "<em>File › Invitations</em>, or run:</p>"
            "<pre>authorworks invitations accept THIS-LINK</pre>"
        )
        status = 200
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>AuthorWorks invitation</title></head>"
        f"<body><main><h1>AuthorWorks invitation</h1>{body}</main></body></html>"
    )
    return HTMLResponse(page, status_code=status)
