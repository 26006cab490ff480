"""Sharing commands: ``share``, ``unshare``, ``members``, ``invitations`` (list, accept,
decline) and ``inbox``."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.common import library_from_args, print_json


def a_role(role: str) -> str:
    from core.sync.status import a_role as say

    return say(role)


ROLES = ("editor", "commenter", "viewer")


def register(subparsers: Any) -> None:
    share = subparsers.add_parser(
        "share",
        help="invite someone to a book by email",
        description="Invite EMAIL to BOOK on the sync server with a role (default editor). "
        "The server emails them a link when it has a mail relay; the link is printed too.",
    )
    share.add_argument("book", metavar="BOOK", help="book id or the start of its title")
    share.add_argument("email", metavar="EMAIL")
    share.add_argument("--role", choices=ROLES, default="editor")
    share.add_argument(
        "--expires", type=int, metavar="DAYS", help="the access ends after DAYS days"
    )
    share.add_argument("--json", action="store_true", help="print the invitation as JSON")
    share.set_defaults(handler=_share)

    unshare = subparsers.add_parser(
        "unshare",
        help="end someone's access to a book",
        description="Remove EMAIL from BOOK (or cancel their pending invitation): their next "
        "request is refused and their devices drop the book at their next sync.",
    )
    unshare.add_argument("book", metavar="BOOK")
    unshare.add_argument("email", metavar="EMAIL")
    unshare.set_defaults(handler=_unshare)

    transfer = subparsers.add_parser(
        "transfer", help="make a member the owner of a book (you stay on as an editor)"
    )
    transfer.add_argument("book", metavar="BOOK")
    transfer.add_argument("email", metavar="EMAIL")
    transfer.set_defaults(handler=_transfer)

    members = subparsers.add_parser("members", help="who has access to a book, and who is invited")
    members.add_argument("book", metavar="BOOK")
    members.add_argument("--json", action="store_true")
    members.set_defaults(handler=_members)

    invitations = subparsers.add_parser(
        "invitations",
        help="your pending invitations; accept or decline one",
        description="Without an action, lists the invitations to your address (each with "
        "an id). `invitations accept ID` (or the link from the email) joins the book and "
        "syncs it in; `invitations decline ID` declines.",
    )
    invitations.add_argument("--json", action="store_true")
    actions = invitations.add_subparsers(dest="action", metavar="ACTION")
    accept = actions.add_parser("accept", help="accept an invitation and bring the book in")
    accept.add_argument("invitation", metavar="ID", help="invitation id, or the emailed link")
    accept.add_argument("--json", action="store_true")
    decline = actions.add_parser("decline", help="decline an invitation")
    decline.add_argument("invitation", metavar="ID")
    decline.add_argument("--json", action="store_true")
    invitations.set_defaults(handler=_invitations)

    inbox = subparsers.add_parser("inbox", help="your notifications from the sync server")
    inbox.add_argument("--unread", action="store_true", help="only the unread ones")
    inbox.add_argument("--read-all", action="store_true", help="mark them all read")
    inbox.add_argument(
        "--mute", action="append", default=[], metavar="KIND", help="stop notices of KIND"
    )
    inbox.add_argument("--unmute", action="append", default=[], metavar="KIND")
    inbox.add_argument("--json", action="store_true")
    inbox.set_defaults(handler=_inbox)

    activity = subparsers.add_parser("activity", help="a shared book's history of sharing")
    activity.add_argument("book", metavar="BOOK")
    activity.add_argument("--json", action="store_true")
    activity.set_defaults(handler=_activity)


def _share(args: argparse.Namespace) -> int:
    from core.sync.account import account_api
    from core.sync.sharing import share

    with library_from_args(args) as library, account_api(library) as api:
        invitation = share(
            library, api, args.book, args.email, role=args.role, expires_days=args.expires
        )
    if args.json:
        print_json(invitation)
        return 0
    print(f"Invited {invitation['email']} to “{invitation['book_title']}” as {a_role(args.role)}.")
    if invitation.get("email_problem"):
        print(f"Note: {invitation['email_problem']}. Send them this link yourself:")
    else:
        print("An email with this link is on its way:")
    print(f"  {invitation['link']}")
    return 0


def _unshare(args: argparse.Namespace) -> int:
    from core.sync.account import account_api
    from core.sync.sharing import unshare

    with library_from_args(args) as library, account_api(library) as api:
        print(unshare(library, api, args.book, args.email))
    return 0


def _transfer(args: argparse.Namespace) -> int:
    from core.sync.account import account_api
    from core.sync.sharing import transfer

    with library_from_args(args) as library, account_api(library) as api:
        print(transfer(library, api, args.book, args.email))
    return 0


def _members(args: argparse.Namespace) -> int:
    from core.sync.account import account_api
    from core.sync.sharing import members

    with library_from_args(args) as library, account_api(library) as api:
        data = members(library, api, args.book)
    if args.json:
        print_json(data)
        return 0
    print(f"“{data['book']['title']}”")
    for m in data["members"]:
        ends = f", until {str(m['expires_at'])[:10]}" if m.get("expires_at") else ""
        print(f"  {m['email']:<36} {m['role']}{ends}   (id {m['user_id']})")
    for i in data["invitations"]:
        print(f"  {i['email']:<36} invited as {i['role']}   (invitation {i['id']})")
    return 0


def _invitations(args: argparse.Namespace) -> int:
    from core.sync.account import account_api
    from core.sync.sharing import accept

    with library_from_args(args) as library, account_api(library) as api:
        if args.action == "accept":
            book = accept(library, api, args.invitation)
            if args.json:
                print_json(book)
            else:
                print(
                    f"You joined “{book['title']}” as {a_role(book['role'])} "
                    f"(owner {book['owner']['email']}); it is in this library now."
                )
            return 0
        if args.action == "decline":
            api.decline_invitation(args.invitation)
            if args.json:
                print_json({"declined": args.invitation})
            else:
                print("Declined.")
            return 0
        pending = api.invitations()
    if args.json:
        print_json(pending)
        return 0
    if not pending:
        print("No pending invitations.")
    for i in pending:
        print(
            f"{i['id']}  “{i['book_title']}” as {a_role(i['role'])}, "
            f"from {i['invited_by']['email']} (until {str(i['expires_at'])[:10]})"
        )
    return 0


def _inbox(args: argparse.Namespace) -> int:
    from core.sync.account import account_api

    with library_from_args(args) as library, account_api(library) as api:
        if args.mute or args.unmute:
            kinds = (set(api.mutes()) | set(args.mute)) - set(args.unmute)
            muted = api.set_mutes(sorted(kinds))
            print(f"Muted: {', '.join(muted) or 'nothing'}.")
        page = api.notifications(unread_only=args.unread)
        if args.read_all:
            api.mark_read()
    if args.json:
        print_json(page)
        return 0
    print(f"{page['unread']} unread")
    for n in page["items"]:
        mark = " " if n["read"] else "•"
        print(f"{mark} {str(n['created_at'])[:16]}  {n['message']}")
    return 0


def _activity(args: argparse.Namespace) -> int:
    from core.sync.account import account_api
    from core.sync.sharing import local_book

    with library_from_args(args) as library, account_api(library) as api:
        book = local_book(library, args.book)
        events = api.activity(book.id)
    if args.json:
        print_json(events)
        return 0
    for e in events:
        who = (e.get("actor") or {}).get("email") or "someone"
        about = f" {e['subject_email']}" if e.get("subject_email") else ""
        print(f"{str(e['created_at'])[:16]}  {who}: {e['kind'].replace('_', ' ')}{about}")
    return 0
