"""``review``: the comments on a book's passages.

``review BOOK [--json]`` lists them (with their threads and what they are anchored to now);
``review BOOK comment --scene ID --quote TEXT --text TEXT`` comments on a passage;
``review BOOK reply ID --text TEXT``, ``review BOOK resolve ID`` and ``review BOOK reopen ID``
work on a thread; ``review BOOK accept ID|--all [--by AUTHOR]`` and ``review BOOK reject
ID|--all`` decide suggested changes (``show`` prints the text without the pending ones).
Comments and suggestions live in the scenes' synced documents: they go to the server and
the other devices with the next ``authorworks sync``.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.common import library_from_args, print_json
from core.review.reviewer import reviewer


def register(subparsers: Any) -> None:
    review = subparsers.add_parser(
        "review",
        help="comments on a book's passages: list, comment, reply, resolve",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    review.add_argument("book", metavar="BOOK", help="book id or the start of its title")
    review.add_argument("--json", action="store_true", help="print JSON")
    actions = review.add_subparsers(dest="action", metavar="ACTION")
    comment = actions.add_parser("comment", help="comment on a passage of a scene")
    comment.add_argument("--scene", required=True, metavar="ID", help="the scene's id")
    comment.add_argument(
        "--quote", required=True, metavar="TEXT", help="the passage (its first occurrence)"
    )
    comment.add_argument("--text", required=True, metavar="TEXT", help="what you say of it")
    comment.add_argument("--json", action="store_true")
    answer = actions.add_parser("reply", help="reply to a comment")
    answer.add_argument("comment", metavar="ID", help="the comment's id (or its start)")
    answer.add_argument("--text", required=True, metavar="TEXT")
    answer.add_argument("--json", action="store_true")
    for name, what in (("resolve", "mark a thread resolved"), ("reopen", "reopen a thread")):
        action = actions.add_parser(name, help=what)
        action.add_argument("comment", metavar="ID")
        action.add_argument("--json", action="store_true")
    for name, what in (("accept", "accept suggested changes"), ("reject", "reject them")):
        action = actions.add_parser(name, help=what)
        action.add_argument("suggestion", metavar="ID", nargs="?", help="one suggestion's id")
        action.add_argument("--all", action="store_true", help="every pending suggestion")
        action.add_argument("--by", metavar="AUTHOR", help="with --all: only this author's")
        action.add_argument("--json", action="store_true")
    review.set_defaults(handler=_review)


def _comment_json(comment: Any, text: str) -> dict[str, Any]:
    return {
        "id": comment.id,
        "author": comment.author,
        "text": comment.text,
        "anchor": comment.anchor(text),
        "quote": comment.quote,
        "created_at": comment.created_at,
        "resolved": comment.resolved,
        "orphaned": comment.orphaned,
        "replies": [
            {"id": r.id, "author": r.author, "text": r.text, "created_at": r.created_at}
            for r in comment.replies
        ],
    }


def _review(args: argparse.Namespace) -> int:
    from core.review import store

    with library_from_args(args) as library:
        if args.action is None:
            with library.session() as session:
                scenes = store.book_comments(session, args.book)
            return _print_review(scenes, as_json=args.json)
        who = reviewer(library)
        if args.action in ("accept", "reject"):
            return _decide(library, args)
        with library.write_session() as session:
            if args.action == "comment":
                made = store.comment_on(
                    session, scene_id=args.scene, quote=args.quote, text=args.text, author=who
                )
            elif args.action == "reply":
                made = store.reply_to(
                    session, book_ref=args.book, comment_id=args.comment, text=args.text, author=who
                )
            else:
                made = store.resolve(
                    session,
                    book_ref=args.book,
                    comment_id=args.comment,
                    by=who,
                    resolved=args.action == "resolve",
                )
    if args.json:
        print_json({"id": made, "action": args.action})
    else:
        print(f"{args.action}: {made}")
    return 0


def _decide(library: Any, args: argparse.Namespace) -> int:
    from core.errors import ValidationError
    from core.review import store

    if bool(args.suggestion) == bool(args.all):
        raise ValidationError(f"review {args.action} takes a suggestion's ID or --all")
    with library.write_session() as session:
        count = store.decide_suggestions(
            session,
            book_ref=args.book,
            suggestion_id=args.suggestion,
            accept=args.action == "accept",
            author=args.by,
        )
    verb = "accepted" if args.action == "accept" else "rejected"
    if args.json:
        print_json({verb: count})
    else:
        print(f"{verb} {count} suggestion{'s' if count != 1 else ''}")
    return 0


def _suggestion_json(scene_id: str, suggestion: Any) -> list[dict[str, Any]]:
    """A suggestion as the listing's entries, each of ``kind`` insert or delete: a
    replacement is its deletion and its insertion, under its one id (decided together)."""
    parts = (
        [("delete", suggestion.deleted), ("insert", suggestion.text)]
        if suggestion.kind == "replace"
        else [(suggestion.kind, suggestion.text)]
    )
    return [
        {
            "id": suggestion.id,
            "scene_id": scene_id,
            "kind": kind,
            "text": text,
            "author": suggestion.author,
            "created_at": suggestion.created_at,
        }
        for kind, text in parts
    ]


def _print_review(scenes: list[Any], *, as_json: bool) -> int:
    if as_json:
        print_json(
            {
                "comments": [
                    {"scene_id": s.scene_id, **_comment_json(c, s.text)}
                    for s in scenes
                    for c in s.comments
                ],
                "suggestions": [
                    entry
                    for s in scenes
                    for x in s.suggestions
                    for entry in _suggestion_json(s.scene_id, x)
                ],
            }
        )
        return 0
    if not scenes:
        print("No comments and no suggested changes.")
        return 0
    for scene in scenes:
        print(f"“{scene.scene_title}”")
        for c in scene.comments:
            state = " (resolved)" if c.resolved else " (orphaned)" if c.orphaned else ""
            about = c.anchor(scene.text) or c.quote
            print(f"  {c.author}{state} on “{about}”: {c.text}")
            for r in c.replies:
                print(f"      ↳ {r.author}: {r.text}")
            print(f"      (id {c.id})")
        for x in scene.suggestions:
            what = "insert" if x.kind == "insert" else "delete"
            print(f"  {x.author} suggests: {what} “{x.text}”   (id {x.id})")
    return 0
