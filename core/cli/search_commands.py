"""``authorworks search BOOK QUERY``: the studio's project-wide find, on the command line."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.common import library_from_args, print_json


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "search",
        help="find a word or phrase in every scene of a book (and its research notes)",
        description="Find QUERY in a book's scenes and research notes, in manuscript order; "
        "each hit with its chapter, scene and a line of context.",
    )
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("query", metavar="QUERY", help="the word or phrase to find")
    p.add_argument("--whole-word", action="store_true", help="only whole words")
    p.add_argument("--case-sensitive", action="store_true", help="match case")
    p.add_argument("--regex", action="store_true", help="QUERY is a regular expression")
    p.add_argument(
        "--in",
        dest="fields",
        default="text",
        metavar="FIELDS",
        help="what to search: text, title, synopsis, comma-separated (default text)",
    )
    p.add_argument("--limit", type=int, default=500, metavar="N", help="at most N hits")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_search)


def cmd_search(args: argparse.Namespace) -> int:
    from core.store.manuscript import find_book
    from core.store.search import search

    fields = [f.strip() for f in args.fields.split(",") if f.strip()]
    with library_from_args(args) as lib, lib.session() as session:
        book = find_book(session=session, ref=args.book)
        hits = search(
            session=session,
            query=args.query,
            scope=("book", book.id),
            whole_word=args.whole_word,
            case_sensitive=args.case_sensitive,
            regex=args.regex,
            fields=fields,
            limit=max(1, args.limit),
        )
        title = book.title
    scenes = len({h.scene_id for h in hits})
    if args.json:
        print_json(
            {
                "book": title,
                "query": args.query,
                "count": len(hits),
                "scenes": scenes,
                "hits": [
                    {
                        "kind": h.kind,
                        "scene": h.scene_id,
                        "scene_title": h.scene_title,
                        "scene_number": h.scene_number,
                        "chapter": h.chapter_id,
                        "chapter_title": h.chapter_title,
                        "field": h.field,
                        "offset": h.offset,
                        "length": h.length,
                        "matched": h.matched,
                        "snippet": h.snippet,
                    }
                    for h in hits
                ],
            }
        )
        return 0
    if not hits:
        print(f"No “{args.query}” in {title}.")
        return 0
    for h in hits:
        print(f"{h.place}: {h.snippet}")
    print(f"{len(hits)} hit(s) in {scenes} scene(s) or note(s) of {title}")
    return 0
