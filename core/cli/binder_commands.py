"""Binder commands: ``new-book``, ``add-chapter``, ``add-scene``, ``rename``, ``duplicate``,
``move`` — the studio's binder edits (core/store/binder_edits) from the command line.

Chapters and scenes are named by their 1-based numbers, as ``show --chapter N`` prints them.
Each command prints the id of what it made or changed alone on its last line (``--json``:
``{"kind", "id"}``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from core.cli.common import library_from_args, print_json
from core.errors import NotFoundError

if TYPE_CHECKING:
    from core.store.library import Library


def _place_arguments(
    p: argparse.ArgumentParser, *, chapter_help: str, scene_help: str | None = None
) -> None:
    p.add_argument("book", metavar="BOOK", help="book id or the start of its title")
    p.add_argument("--chapter", type=int, metavar="N", help=chapter_help)
    if scene_help:
        p.add_argument("--scene", type=int, metavar="M", help=scene_help)
    p.add_argument("--json", action="store_true")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("new-book", help="a new book with one chapter and one scene")
    p.add_argument("title", metavar="TITLE")
    p.add_argument(
        "--type",
        dest="content_type",
        default="novel",
        choices=("novel", "screenplay", "play", "graphic_novel"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_new_book)

    p = subparsers.add_parser("add-chapter", help="add a chapter (with one scene) to a book")
    _place_arguments(p, chapter_help="add it after chapter N (default: at the end)")
    p.add_argument("--title", default="", help="default: Chapter N")
    p.set_defaults(handler=_add_chapter)

    p = subparsers.add_parser("add-scene", help="add a scene to a chapter")
    _place_arguments(
        p,
        chapter_help="the chapter it goes in",
        scene_help="add it after scene M (default: at the chapter's end)",
    )
    p.add_argument("--title", default="", help="default: Scene N")
    p.set_defaults(handler=_add_scene)

    p = subparsers.add_parser("rename", help="rename a book, a chapter or a scene")
    _place_arguments(
        p,
        chapter_help="the chapter to rename (without: the book)",
        scene_help="the scene to rename (with --chapter)",
    )
    p.add_argument("title", metavar="TITLE")
    p.set_defaults(handler=_rename)

    p = subparsers.add_parser(
        "duplicate", help="copy a chapter (with its scenes) or a scene, right after it"
    )
    _place_arguments(
        p, chapter_help="the chapter to copy", scene_help="the scene to copy (with --chapter)"
    )
    p.set_defaults(handler=_duplicate)

    p = subparsers.add_parser(
        "move", help="move a scene to another chapter or place, or a chapter to another place"
    )
    _place_arguments(
        p, chapter_help="the chapter to move", scene_help="the scene to move (with --chapter)"
    )
    p.add_argument("--to-chapter", type=int, metavar="K", help="the chapter a scene goes to")
    p.add_argument(
        "--position", type=int, metavar="P", default=0, help="its place there, 1 first (0: last)"
    )
    p.set_defaults(handler=_move)


def _place(library: Library, args: argparse.Namespace) -> Any:
    """The BinderPlace named by BOOK, --chapter and --scene."""
    from core.store.binder_edits import BinderPlace
    from core.store.manuscript import chapter_by_number, find_book, list_scenes

    with library.session() as s:
        book = find_book(session=s, ref=args.book)
        if args.chapter is None:
            if getattr(args, "scene", None):
                raise NotFoundError("--scene needs --chapter: the scene's chapter number")
            return BinderPlace("book", book.id, book.id)
        chapter = chapter_by_number(session=s, book=book, number=args.chapter)
        if not getattr(args, "scene", None):
            return BinderPlace("chapter", chapter.id, book.id, chapter.id)
        scenes = list_scenes(session=s, chapter_id=chapter.id)
        if not 1 <= args.scene <= len(scenes):
            raise NotFoundError(
                f"chapter {args.chapter} has {len(scenes)} scene(s); there is no scene {args.scene}"
            )
        return BinderPlace("scene", scenes[args.scene - 1].id, book.id, chapter.id)


def _say(args: argparse.Namespace, kind: str, item_id: str, what: str) -> int:
    if args.json:
        print_json({"kind": kind, "id": item_id})
    else:
        print(what)
        print(item_id)
    return 0


def _new_book(args: argparse.Namespace) -> int:
    from core.store.binder_edits import new_book
    from core.store.manuscript import get_scene

    with library_from_args(args, create=True) as library:
        _kind, scene_id = new_book(library, args.title.strip() or "Untitled", args.content_type)
        with library.session() as s:
            book_id = get_scene(session=s, scene_id=scene_id).chapter.book_id
    return _say(args, "book", book_id, f"New book “{args.title.strip()}”.")


def _add_chapter(args: argparse.Namespace) -> int:
    from core.store.binder_edits import new_chapter

    with library_from_args(args) as library:
        kind, item_id = new_chapter(library, _place(library, args), args.title)
    return _say(args, kind, item_id, "Added a chapter.")


def _add_scene(args: argparse.Namespace) -> int:
    from core.store.binder_edits import new_scene

    if args.chapter is None:
        raise NotFoundError("add-scene needs --chapter N: the chapter the scene goes in")
    with library_from_args(args) as library:
        kind, item_id = new_scene(library, _place(library, args), args.title)
    return _say(args, kind, item_id, "Added a scene.")


def _rename(args: argparse.Namespace) -> int:
    from core.store.binder_edits import rename

    with library_from_args(args) as library:
        place = _place(library, args)
        rename(library, place, args.title)
    return _say(args, place.kind, place.id, f"Renamed the {place.kind} “{args.title.strip()}”.")


def _duplicate(args: argparse.Namespace) -> int:
    from core.store.binder_edits import duplicate

    with library_from_args(args) as library:
        kind, item_id = duplicate(library, _place(library, args))
    return _say(args, kind, item_id, f"Copied the {kind}.")


def _move(args: argparse.Namespace) -> int:
    from core.store.binder_edits import move
    from core.store.manuscript import chapter_by_number, get_book, list_chapters, list_scenes

    with library_from_args(args) as library:
        place = _place(library, args)
        with library.session() as s:
            book = get_book(session=s, book_id=place.book_id)
            if place.kind == "scene":
                number = args.to_chapter or args.chapter
                target = chapter_by_number(session=s, book=book, number=number)
                parent = target.id
                others = [x.id for x in list_scenes(session=s, chapter_id=parent)]
            elif place.kind == "chapter":
                parent = book.id
                others = [c.id for c in list_chapters(session=s, book_id=book.id)]
            else:
                raise NotFoundError("move takes --chapter N (and --scene M for a scene)")
        siblings = [i for i in others if i != place.id]
        index = len(siblings) if args.position <= 0 else min(args.position - 1, len(siblings))
        move(library, place.kind, place.id, parent, index)
    return _say(args, place.kind, place.id, f"Moved the {place.kind}.")
