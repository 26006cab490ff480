"""Sharing a book through the sync server: invite, remove, list members and invitations,
accept or decline (the use cases the CLI and the studio share).

A book is shared once it is on the server: sharing one that is not yet there syncs the
library first (one round), then invites.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import NotFoundError
from core.store.library import Library
from core.store.manuscript import find_book
from core.sync.api import SyncApi
from core.sync.engine import SyncEngine
from core.sync.errors import SharingError, SyncServerError

ROLES = ("editor", "commenter", "viewer")


@dataclass(frozen=True)
class BookRef:
    id: str
    title: str


def local_book(library: Library, ref: str) -> BookRef:
    """The library's book named by ``ref`` (id, id prefix or title prefix)."""
    with library.session() as s:
        book = find_book(session=s, ref=ref)
        return BookRef(book.id, book.title)


def _on_server(library: Library, api: SyncApi, book: BookRef, call: Any) -> Any:
    """``call()``, after one sync round if the server does not know the book yet."""
    try:
        return call()
    except SyncServerError as exc:
        if exc.status != 404 or exc.code != "book_not_found":
            raise
    SyncEngine(library, api).sync()
    try:
        return call()
    except SyncServerError as exc:
        if exc.status == 404:
            raise NotFoundError(
                f"“{book.title}” is not a book of this account on the server "
                "(shared with you by someone else? Only its owner shares it)"
            ) from exc
        raise


def share(
    library: Library,
    api: SyncApi,
    book_ref: str,
    email: str,
    *,
    role: str = "editor",
    expires_days: int | None = None,
) -> dict[str, Any]:
    """Invite ``email`` to the book; the server's answer (with ``link`` and, when no email
    went out, ``email_problem``)."""
    if role not in ROLES:
        raise SharingError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if expires_days is not None and expires_days < 1:
        raise SharingError("--expires takes a number of days, 1 or more")
    book = local_book(library, book_ref)
    return dict(
        _on_server(
            library,
            api,
            book,
            lambda: api.invite(book.id, email, role=role, expires_days=expires_days),
        )
    )


def unshare(library: Library, api: SyncApi, book_ref: str, email: str) -> str:
    """End ``email``'s access to the book: removes the member, or cancels the pending
    invitation. Says which it did."""
    book = local_book(library, book_ref)
    wanted = email.strip().casefold()
    for member in api.members(book.id):
        if member["email"] == wanted:
            if member["role"] == "owner":
                raise SharingError("the owner cannot be removed from their own book")
            api.remove_member(book.id, member["user_id"])
            return f"{wanted} no longer has access to “{book.title}”."
    for invitation in api.book_invitations(book.id):
        if invitation["email"] == wanted:
            api.cancel_invitation(book.id, invitation["id"])
            return f"The invitation of {wanted} to “{book.title}” was cancelled."
    raise NotFoundError(f"{wanted} is neither a member of “{book.title}” nor invited to it")


def transfer(library: Library, api: SyncApi, book_ref: str, email: str) -> str:
    """Make the member ``email`` the book's owner (the caller stays on as an editor)."""
    book = local_book(library, book_ref)
    wanted = email.strip().casefold()
    member = next((m for m in api.members(book.id) if m["email"] == wanted), None)
    if member is None:
        raise NotFoundError(f"{wanted} is not a member of “{book.title}”: share it with them first")
    api.transfer(book.id, member["user_id"])
    return f"{wanted} owns “{book.title}” now; you stay on as an editor."


def members(library: Library, api: SyncApi, book_ref: str) -> dict[str, Any]:
    """The book's members and (for its owner) its pending invitations."""
    book = local_book(library, book_ref)
    people = _on_server(library, api, book, lambda: api.members(book.id))
    mine = next((b for b in api.books() if b["id"] == book.id), None)
    pending: list[dict[str, Any]] = []
    if mine is not None and mine.get("role") == "owner":
        pending = api.book_invitations(book.id)
    return {
        "book": {"id": book.id, "title": book.title, "role": mine["role"] if mine else None},
        "members": people,
        "invitations": pending,
    }


def accept(library: Library, api: SyncApi, invitation: str) -> dict[str, Any]:
    """Accept an invitation (its id, or the link from the email) and bring the book in."""
    book = dict(api.accept_invitation(invitation))
    SyncEngine(library, api).sync()
    return book
