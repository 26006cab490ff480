"""Sharing a book: invitations, members and their roles, leaving, transfer, deletion.

Only the owner shares: invites, cancels invitations, changes roles and ends, removes members,
transfers ownership and deletes the book (the routes check the role; these functions take
the checked :class:`Access`). Removing a member takes effect on their next request, since
every request checks the membership; their pending invitations to the book die with it.

An invitation is for one email address. Its link carries a single-use token stored hashed;
it lapses after ``invitation_days``. It is accepted by the account with that address, from
the link or from the inbox; someone with no account yet registers, then accepts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.sync.status import a_role
from sync_server.errors import BadRequest, Conflict, Forbidden, NotFound
from sync_server.models import Book, BookMember, Invitation, User
from sync_server.security import hash_link_token, new_link_token
from sync_server.services.activity import Notice, muted, record
from sync_server.services.books import Access, active, utcnow
from sync_server.services.mail import Mailer, MailError
from sync_server.settings import Settings

log = logging.getLogger("authorworks.server")


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    return user


def _book(session: Session, book_id: str) -> Book:
    book = session.get(Book, book_id)
    if book is None:
        raise NotFound("no such book", code="book_not_found")
    return book


def _title(book: Book) -> str:
    return book.title or "an untitled book"


# ---------------------------------------------------------------------- members


@dataclass(frozen=True)
class MemberRow:
    user_id: str
    email: str
    role: str
    granted_by: str | None
    expires_at: datetime | None
    created_at: datetime


def members(session: Session, *, book_id: str) -> list[MemberRow]:
    """The book's members (expired ones included, with their end), owner first."""
    rows = session.execute(
        select(BookMember, User.email)
        .join(User, User.id == BookMember.user_id)
        .where(BookMember.book_id == book_id)
        .order_by(BookMember.role != "owner", User.email)
    )
    return [
        MemberRow(
            user_id=m.user_id,
            email=email,
            role=m.role,
            granted_by=m.granted_by,
            expires_at=m.expires_at,
            created_at=m.created_at,
        )
        for m, email in rows
    ]


def _member(session: Session, book_id: str, user_id: str) -> BookMember:
    member = session.get(BookMember, (book_id, user_id))
    if member is None:
        raise NotFound("no such member of this book", code="member_not_found")
    return member


def _revoke_invitations(session: Session, *, book_id: str, email: str) -> None:
    session.execute(
        update(Invitation)
        .where(
            Invitation.book_id == book_id,
            Invitation.email == email,
            Invitation.status == "pending",
        )
        .values(status="revoked", responded_at=utcnow())
    )


def change_member(
    session: Session,
    *,
    access: Access,
    user_id: str,
    role: str | None,
    expires_days: int | None,
) -> MemberRow:
    """Change a member's role or the end of their access (0 days: no end)."""
    member = _member(session, access.book_id, user_id)
    if member.role == "owner":
        raise BadRequest(
            "the owner's role does not change: transfer the ownership instead",
            code="owner_role",
        )
    book = _book(session, access.book_id)
    detail: dict[str, object] = {}
    if role is not None and role != member.role:
        detail |= {"from": member.role, "to": role}
        member.role = role
    if expires_days is not None:
        member.expires_at = None if expires_days == 0 else utcnow() + timedelta(days=expires_days)
        detail["expires_at"] = member.expires_at.isoformat() if member.expires_at else None
    if detail:
        email = _user(session, user_id).email
        record(
            session,
            book_id=book.id,
            kind="role_changed",
            actor_id=access.user_id,
            subject_email=email,
            detail=detail,
            notify=[
                Notice(
                    user_id,
                    f"Your access to “{_title(book)}” changed: you are now {a_role(member.role)}"
                    + (
                        f" until {member.expires_at:%Y-%m-%d}"
                        if member.expires_at is not None
                        else ""
                    )
                    + ".",
                    {"book_id": book.id, "role": member.role},
                )
            ],
        )
    session.commit()
    return next(m for m in members(session, book_id=book.id) if m.user_id == user_id)


def remove_member(session: Session, *, access: Access, user_id: str) -> None:
    """End a member's access now: their next request is refused, their invitations die."""
    member = _member(session, access.book_id, user_id)
    if member.role == "owner":
        raise BadRequest(
            "the owner cannot be removed: transfer the ownership first", code="owner_role"
        )
    book = _book(session, access.book_id)
    email = _user(session, user_id).email
    session.delete(member)
    _revoke_invitations(session, book_id=book.id, email=email)
    record(
        session,
        book_id=book.id,
        kind="removed",
        actor_id=access.user_id,
        subject_email=email,
        detail={"role": member.role},
        notify=[
            Notice(user_id, f"You no longer have access to “{_title(book)}”.", {"book_id": book.id})
        ],
    )
    session.commit()


def leave(session: Session, *, access: Access) -> None:
    """The caller leaves the book (the owner transfers it first)."""
    if access.is_owner:
        raise BadRequest(
            "the owner cannot leave the book: transfer the ownership first, or delete it",
            code="owner_role",
        )
    book = _book(session, access.book_id)
    email = _user(session, access.user_id).email
    session.execute(
        delete(BookMember).where(
            BookMember.book_id == book.id, BookMember.user_id == access.user_id
        )
    )
    _revoke_invitations(session, book_id=book.id, email=email)
    record(
        session,
        book_id=book.id,
        kind="member_left",
        actor_id=access.user_id,
        subject_email=email,
        detail={"role": access.role},
        notify=[Notice(book.owner_id, f"{email} left “{_title(book)}”.", {"book_id": book.id})],
    )
    session.commit()


def transfer(session: Session, *, access: Access, user_id: str) -> None:
    """Make another member the owner; the old owner stays on as an editor."""
    if user_id == access.user_id:
        raise BadRequest("you own this book already", code="already_owner")
    member = _member(session, access.book_id, user_id)
    if not active(member.expires_at):
        raise BadRequest("that member's access has ended", code="member_expired")
    book = _book(session, access.book_id)
    old = _member(session, access.book_id, access.user_id)
    book.owner_id = user_id
    member.role, member.expires_at = "owner", None
    old.role = "editor"
    email = _user(session, user_id).email
    record(
        session,
        book_id=book.id,
        kind="ownership_transferred",
        actor_id=access.user_id,
        subject_email=email,
        detail={"from": access.user_id, "to": user_id},
        notify=[Notice(user_id, f"You now own “{_title(book)}”.", {"book_id": book.id})],
    )
    session.commit()


def delete_book(session: Session, *, access: Access) -> None:
    """Delete the book and everything of it on the server; members are told."""
    book = _book(session, access.book_id)
    others = [m for m in members(session, book_id=book.id) if m.user_id != access.user_id]
    title = _title(book)
    session.delete(book)
    session.flush()
    record(
        session,
        book_id=None,
        kind="book_deleted",
        actor_id=access.user_id,
        notify=[
            Notice(m.user_id, f"“{title}” was deleted by its owner.", {"book_id": access.book_id})
            for m in others
        ],
    )
    session.commit()


# ---------------------------------------------------------------------- invitations


@dataclass(frozen=True)
class Created:
    invitation: Invitation
    link: str
    email_problem: str | None


def invitation_link(settings: Settings, token: str) -> str:
    return f"{settings.public_url}/invite/{token}"


def invite(
    session: Session,
    *,
    settings: Settings,
    mailer: Mailer,
    access: Access,
    email: str,
    role: str,
    expires_days: int | None,
) -> Created:
    """Invite ``email`` to the book with ``role`` (access ending after ``expires_days``).

    A pending invitation of the same address is replaced (its link stops working). The email
    goes out when a relay is configured; otherwise, or when sending fails, the invitation
    stands and ``email_problem`` says why no email went out.
    """
    email = email.strip().casefold()
    book = _book(session, access.book_id)
    inviter = _user(session, access.user_id)
    if email == inviter.email:
        raise BadRequest("you cannot invite yourself", code="self_invitation")
    invitee = session.scalar(select(User).where(User.email == email))
    member = session.get(BookMember, (book.id, invitee.id)) if invitee is not None else None
    if member is not None:
        if active(member.expires_at):
            raise Conflict(
                f"{email} is a member of this book already: change their role instead",
                code="already_member",
            )
        session.delete(member)  # their access ended: the new invitation starts afresh
    # The owner's plan says how many may work on a book (a new invitation to someone invited
    # already replaces theirs: no one more).
    again = session.scalar(
        select(Invitation.id).where(
            Invitation.book_id == book.id,
            Invitation.email == email,
            Invitation.status == "pending",
            Invitation.expires_at > utcnow(),
        )
    )
    from sync_server.billing.entitlements import check as plan_check

    plan_check(
        session,
        settings,
        book.owner_id,
        "collaborators_per_book",
        adding=0 if again else 1,
        book_id=book.id,
    )
    session.execute(
        update(Invitation)
        .where(
            Invitation.book_id == book.id,
            Invitation.email == email,
            Invitation.status == "pending",
        )
        .values(status="cancelled", responded_at=utcnow())
    )
    token, hashed = new_link_token()
    invitation = Invitation(
        book_id=book.id,
        email=email,
        role=role,
        invited_by=inviter.id,
        token_hash=hashed,
        expires_at=utcnow() + timedelta(days=settings.invitation_days),
        access_expires_at=(
            utcnow() + timedelta(days=expires_days) if expires_days is not None else None
        ),
    )
    session.add(invitation)
    session.flush()
    link = invitation_link(settings, token)
    record(
        session,
        book_id=book.id,
        kind="invited",
        actor_id=inviter.id,
        subject_email=email,
        detail={"role": role, "invitation_id": invitation.id},
        notify=(
            [
                Notice(
                    invitee.id,
                    f"{inviter.email} invited you to “{_title(book)}” as {a_role(role)}.",
                    {"book_id": book.id, "invitation_id": invitation.id},
                )
            ]
            if invitee is not None
            else []
        ),
    )
    # Committed before the email: a relay that hangs or fails loses no invitation.
    session.commit()
    problem: str | None = None
    if invitee is not None and muted(session, user_id=invitee.id, kind="invited"):
        problem = f"no email was sent: {email} asked not to get invitation emails"
    else:
        try:
            mailer.send(
                to=email,
                subject=f"{inviter.email} invited you to “{_title(book)}” on AuthorWorks",
                body=_invitation_email(book, inviter, role, link, settings, invitation),
            )
        except MailError as exc:
            problem = str(exc)
            log.warning("invitation %s: %s", invitation.id, problem)
    if problem is None:
        invitation.email_sent = True
        session.commit()
    return Created(invitation=invitation, link=link, email_problem=problem)


def _invitation_email(
    book: Book, inviter: User, role: str, link: str, settings: Settings, invitation: Invitation
) -> str:
    ends = (
        f"Your access lasts until {invitation.access_expires_at:%Y-%m-%d}.\n"
        if invitation.access_expires_at is not None
        else ""
    )
    return (
        f"{inviter.email} invited you to the book “{_title(book)}” as {a_role(role)}.\n\n"
        f"Open this link to accept (it works once, until {invitation.expires_at:%Y-%m-%d}):\n"
        f"{link}\n\n"
        f"{ends}"
        f"No account yet? Register on {settings.public_url} with this address "
        f"({invitation.email}) first, then open the link.\n"
        "In AuthorWorks: File > Invitations, or run  authorworks invitations accept LINK\n\n"
        "If you did not expect this, ignore this email: nothing happens unless you accept.\n"
    )


def book_invitations(session: Session, *, book_id: str) -> list[Invitation]:
    """The book's pending invitations, newest first."""
    _expire(session)
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.book_id == book_id, Invitation.status == "pending")
            .order_by(Invitation.created_at.desc())
        )
    )


def my_invitations(session: Session, *, user_id: str) -> list[Invitation]:
    """The pending invitations to the caller's address, newest first."""
    _expire(session)
    email = _user(session, user_id).email
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.email == email, Invitation.status == "pending")
            .order_by(Invitation.created_at.desc())
        )
    )


def _expire(session: Session) -> None:
    session.execute(
        update(Invitation)
        .where(Invitation.status == "pending", Invitation.expires_at <= utcnow())
        .values(status="expired")
    )
    session.commit()


def cancel_invitation(session: Session, *, access: Access, invitation_id: str) -> None:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.book_id != access.book_id:
        raise NotFound("no such invitation", code="invitation_not_found")
    if invitation.status != "pending":
        raise Conflict(f"this invitation is {invitation.status} already", code="not_pending")
    invitation.status, invitation.responded_at = "cancelled", utcnow()
    record(
        session,
        book_id=access.book_id,
        kind="invitation_cancelled",
        actor_id=access.user_id,
        subject_email=invitation.email,
        detail={"invitation_id": invitation.id},
    )
    session.commit()


def _pending_for(session: Session, invitation: Invitation | None, user: User) -> Invitation:
    """The invitation, if it is pending, current and the caller's to answer."""
    if invitation is None or invitation.status != "pending":
        raise NotFound("this invitation is no longer valid", code="invitation_not_found")
    if not active(invitation.expires_at):
        invitation.status = "expired"
        session.commit()
        raise NotFound("this invitation has expired: ask for a new one", code="invitation_expired")
    if invitation.email != user.email:
        raise Forbidden(
            "this invitation is for another address: sign in with the address it was sent to",
            code="not_your_invitation",
        )
    return invitation


def find_by_token(session: Session, token: str) -> Invitation | None:
    return session.scalar(select(Invitation).where(Invitation.token_hash == hash_link_token(token)))


def accept(
    session: Session, *, user_id: str, invitation_id: str | None = None, token: str | None = None
) -> str:
    """Accept an invitation (by its id from the inbox, or by its link's token); the book id."""
    user = _user(session, user_id)
    found = (
        find_by_token(session, token)
        if token is not None
        else session.get(Invitation, invitation_id)
        if invitation_id
        else None
    )
    invitation = _pending_for(session, found, user)
    book = _book(session, invitation.book_id)
    existing = session.get(BookMember, (book.id, user.id))
    if existing is not None:
        if existing.role == "owner":
            raise Conflict("you own this book already", code="already_member")
        session.delete(existing)  # an ended or lower access gives way to the new one
        session.flush()
    session.add(
        BookMember(
            book_id=book.id,
            user_id=user.id,
            role=invitation.role,
            granted_by=invitation.invited_by,
            expires_at=invitation.access_expires_at,
        )
    )
    invitation.status, invitation.responded_at = "accepted", utcnow()
    _answered(
        session,
        invitation,
        book,
        user,
        kind="joined",
        tell=book.owner_id,
        message=f"{user.email} joined “{_title(book)}” as {a_role(invitation.role)}.",
        detail={"role": invitation.role},
    )
    return book.id


def decline(session: Session, *, user_id: str, invitation_id: str) -> None:
    user = _user(session, user_id)
    invitation = _pending_for(session, session.get(Invitation, invitation_id), user)
    book = _book(session, invitation.book_id)
    invitation.status, invitation.responded_at = "declined", utcnow()
    _answered(
        session,
        invitation,
        book,
        user,
        kind="declined",
        tell=invitation.invited_by,
        message=f"{user.email} declined the invitation to “{_title(book)}”.",
    )


def _answered(
    session: Session,
    invitation: Invitation,
    book: Book,
    user: User,
    *,
    kind: str,
    tell: str,
    message: str,
    detail: dict[str, object] | None = None,
) -> None:
    """Log the invitee's answer and tell ``tell`` (a user id), in one commit."""
    record(
        session,
        book_id=book.id,
        kind=kind,
        actor_id=user.id,
        subject_email=user.email,
        detail={**(detail or {}), "invitation_id": invitation.id},
        notify=[Notice(tell, message, {"book_id": book.id})],
    )
    session.commit()
