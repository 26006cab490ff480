"""Publishing commands: ``publish`` (to the sync server's public reading site),
``unpublish``, and ``publication`` (how a book is published, with its readers' figures)."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.common import library_from_args, print_json


def register(subparsers: Any) -> None:
    publish = subparsers.add_parser(
        "publish",
        help="publish a book on the sync server's public reading site",
        description="Sync BOOK, then publish it: public (listed in search and trending) or "
        "--unlisted (reached by its link only). Every chapter goes out now, or one at each "
        'time of --schedule ("every friday", "every friday at 18:00", "daily", '
        '"every 3 days"; UTC). Followers of the book and of you are told of each new '
        "chapter unless --silent. Run it again to change any of these.",
    )
    publish.add_argument("book", metavar="BOOK", help="book id or the start of its title")
    publish.add_argument("--unlisted", action="store_true", help="reachable by its link only")
    publish.add_argument("--genre", metavar="G", help="the genre readers browse by")
    publish.add_argument("--tags", metavar="a,b", help="tags, comma-separated")
    publish.add_argument("--description", metavar="TEXT", help="the blurb (default: the book's)")
    publish.add_argument(
        "--schedule", metavar="WHEN", default="", help="release chapters on a schedule"
    )
    publish.add_argument("--silent", action="store_true", help="tell no follower of this release")
    done = publish.add_mutually_exclusive_group()
    done.add_argument(
        "--complete",
        dest="complete",
        action="store_true",
        default=None,
        help="mark the book complete",
    )
    done.add_argument(
        "--ongoing", dest="complete", action="store_false", help="mark the book ongoing"
    )
    publish.add_argument("--json", action="store_true", help="print the publication as JSON")
    publish.set_defaults(handler=_publish)

    unpublish = subparsers.add_parser(
        "unpublish",
        help="take a book off the public site",
        description="Remove BOOK's pages, feed, search entry and sitemap entry from the site.",
    )
    unpublish.add_argument("book", metavar="BOOK")
    unpublish.set_defaults(handler=_unpublish)

    status = subparsers.add_parser(
        "publication", help="how a book is published, and its readers (reads, follows, likes)"
    )
    status.add_argument("book", metavar="BOOK")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=_publication)


def _request(args: argparse.Namespace) -> Any:
    from core.sync.publishing import PublishRequest

    tags = [t.strip() for t in args.tags.split(",") if t.strip()] if args.tags else None
    return PublishRequest(
        visibility="unlisted" if args.unlisted else "public",
        genre=args.genre,
        tags=tags,
        description=args.description,
        schedule=args.schedule.strip(),
        silent=args.silent,
        complete=args.complete,
    )


def _publish(args: argparse.Namespace) -> int:
    from core.sync.account import account_api
    from core.sync.publishing import check_request, publish

    request = _request(args)
    check_request(request)  # a bad schedule is said before signing in or syncing
    with library_from_args(args) as library, account_api(library) as api:
        published = publish(library, api, args.book, request)
    if args.json:
        print_json(published)
        return 0
    where = "unlisted (link only)" if published["visibility"] == "unlisted" else "public"
    print(f"Published “{published['title']}” ({where}): {published['url']}")
    print(f"  {published['chapters']} chapter(s) out, {published['words']:,} words.")
    if published.get("next_release_at"):
        print(f"  Next chapter: {published['next_release_at']} ({published['schedule']}).")
    return 0


def _unpublish(args: argparse.Namespace) -> int:
    from core.sync.account import account_api
    from core.sync.publishing import unpublish

    with library_from_args(args) as library, account_api(library) as api:
        print(unpublish(library, api, args.book))
    return 0


def _publication(args: argparse.Namespace) -> int:
    from core.sync.account import account_api
    from core.sync.publishing import publication

    with library_from_args(args) as library, account_api(library) as api:
        status = publication(library, api, args.book)
    if args.json:
        print_json(status)
        return 0
    if status is None:
        print("Not published.")
        return 0
    stats = status["analytics"]
    print(f"“{status['title']}” — {status['visibility']}: {status['url']}")
    print(
        f"  {stats['reads']} reads by {stats['unique_readers']} readers, "
        f"{stats['follows']} follows, {stats['likes']} likes"
    )
    for chapter in stats["chapters"]:
        print(
            f"  {chapter['number']:>3}. {chapter['title']:<40} {chapter['readers']:>5} readers"
            f"  {chapter['completion'] * 100:>3.0f}%"
        )
    return 0
