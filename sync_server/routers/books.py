"""/api/v1/books: the books the caller reaches, their members, invitations and activity.

Every route under /books/{book_id} checks the caller's role with :func:`book_role` (a
non-member gets 404, a member whose role is too low 403).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from sync_server.deps import BookAccess, CallerDep, CollabDep, SessionDep, book_role
from sync_server.models import Invitation, User
from sync_server.schemas import (
    ActivityPublic,
    BookPublic,
    InvitationCreate,
    InvitationCreated,
    InvitationPublic,
    MemberChange,
    MemberPublic,
    PersonPublic,
    TransferRequest,
)
from sync_server.services import activity, books, sharing

router = APIRouter(prefix="/books", tags=["books"])

Viewer = Annotated[BookAccess, book_role("viewer")]
Owner = Annotated[BookAccess, book_role("owner")]


def book_public(row: books.BookRow) -> BookPublic:
    return BookPublic(
        id=row.id,
        title=row.title,
        role=row.role,  # type: ignore[arg-type]
        owner=PersonPublic(id=row.owner_id, email=row.owner_email),
        visibility=row.visibility,
        last_seq=row.last_seq,
        expires_at=row.expires_at,
        created_at=row.created_at,
    )


def invitation_public(session: SessionDep, invitation: Invitation) -> InvitationPublic:
    book = session.get(books.Book, invitation.book_id)
    inviter = session.get(User, invitation.invited_by)
    return InvitationPublic(
        id=invitation.id,
        book_id=invitation.book_id,
        book_title=book.title if book else "",
        email=invitation.email,
        role=invitation.role,  # type: ignore[arg-type]
        invited_by=PersonPublic(id=invitation.invited_by, email=inviter.email if inviter else ""),
        status=invitation.status,
        expires_at=invitation.expires_at,
        access_expires_at=invitation.access_expires_at,
        email_sent=invitation.email_sent,
        created_at=invitation.created_at,
    )


@router.get("")
def list_books(session: SessionDep, caller: CallerDep) -> list[BookPublic]:
    """The books the caller can reach, each with the caller's role."""
    return [book_public(r) for r in books.list_books(session, user_id=caller.user_id)]


@router.get("/{book_id}", responses={404: {}})
def get_book(book_id: str, session: SessionDep, access: Viewer) -> BookPublic:
    return book_public(books.get_book(session, user_id=access.user_id, book_id=book_id))


@router.delete("/{book_id}", status_code=204, responses={403: {}, 404: {}})
def delete_book(book_id: str, session: SessionDep, access: Owner, hub: CollabDep) -> Response:
    """Delete the book on the server for everyone (the owner only)."""
    sharing.delete_book(session, access=access.access)
    hub.members_changed(book_id, None)
    return Response(status_code=204)


@router.post("/{book_id}/transfer", responses={403: {}, 404: {}})
def transfer(
    book_id: str, body: TransferRequest, session: SessionDep, access: Owner, hub: CollabDep
) -> BookPublic:
    """Make another member the owner; the old owner stays on as an editor."""
    sharing.transfer(session, access=access.access, user_id=body.user_id)
    hub.members_changed(book_id, [access.user_id, body.user_id])
    return book_public(books.get_book(session, user_id=access.user_id, book_id=book_id))


@router.get("/{book_id}/members", responses={404: {}})
def list_members(book_id: str, session: SessionDep, access: Viewer) -> list[MemberPublic]:
    return [MemberPublic(**vars(m)) for m in sharing.members(session, book_id=access.book_id)]


@router.patch("/{book_id}/members/{user_id}", responses={403: {}, 404: {}})
def change_member(
    book_id: str,
    user_id: str,
    body: MemberChange,
    session: SessionDep,
    access: Owner,
    hub: CollabDep,
) -> MemberPublic:
    """Change a member's role or when their access ends (``expires_days`` 0: never)."""
    row = sharing.change_member(
        session,
        access=access.access,
        user_id=user_id,
        role=body.role,
        expires_days=body.expires_days,
    )
    hub.members_changed(book_id, [user_id])
    return MemberPublic(**vars(row))


@router.delete("/{book_id}/members/{user_id}", status_code=204, responses={403: {}, 404: {}})
def remove_member(
    book_id: str, user_id: str, session: SessionDep, access: Owner, hub: CollabDep
) -> Response:
    """End a member's access now (open live sessions included)."""
    sharing.remove_member(session, access=access.access, user_id=user_id)
    hub.members_changed(book_id, [user_id])
    return Response(status_code=204)


@router.post("/{book_id}/leave", status_code=204, responses={404: {}})
def leave(book_id: str, session: SessionDep, access: Viewer, hub: CollabDep) -> Response:
    """The caller leaves the book."""
    sharing.leave(session, access=access.access)
    hub.members_changed(book_id, [access.user_id])
    return Response(status_code=204)


@router.get("/{book_id}/invitations", responses={403: {}, 404: {}})
def list_invitations(book_id: str, session: SessionDep, access: Owner) -> list[InvitationPublic]:
    """The book's pending invitations."""
    return [
        invitation_public(session, i)
        for i in sharing.book_invitations(session, book_id=access.book_id)
    ]


@router.post("/{book_id}/invitations", status_code=201, responses={403: {}, 404: {}, 409: {}})
def invite(
    book_id: str, body: InvitationCreate, request: Request, session: SessionDep, access: Owner
) -> InvitationCreated:
    """Invite someone by email; ``email_problem`` says why no email went out, if none did."""
    created = sharing.invite(
        session,
        settings=request.app.state.settings,
        mailer=request.app.state.mailer,
        access=access.access,
        email=body.email,
        role=body.role,
        expires_days=body.expires_days,
    )
    public = invitation_public(session, created.invitation)
    return InvitationCreated(
        **public.model_dump(), link=created.link, email_problem=created.email_problem
    )


@router.delete(
    "/{book_id}/invitations/{invitation_id}", status_code=204, responses={403: {}, 404: {}}
)
def cancel_invitation(
    book_id: str, invitation_id: str, session: SessionDep, access: Owner
) -> Response:
    sharing.cancel_invitation(session, access=access.access, invitation_id=invitation_id)
    return Response(status_code=204)


@router.get("/{book_id}/activity", responses={404: {}})
def book_activity(
    book_id: str,
    session: SessionDep,
    access: Viewer,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> list[ActivityPublic]:
    """The book's sharing history, newest first."""
    return [
        ActivityPublic(
            id=a.id,
            kind=a.kind,
            actor=PersonPublic(id=a.actor_id, email=a.actor_email or "") if a.actor_id else None,
            subject_email=a.subject_email,
            detail=a.detail,
            created_at=a.created_at,
        )
        for a in activity.book_activity(session, book_id=access.book_id, limit=limit, before=before)
    ]
