"""Library commands: init, import, books, stats, show, trash."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.cli.common import library_from_args, print_json, progress_context


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("init", help="create a library (if there is none yet)")
    p.set_defaults(handler=cmd_init)

    p = subparsers.add_parser(
        "import", help="import a manuscript (Markdown, text, DOCX, EPUB, Fountain) as a new book"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--title", help="the book's title (default: from the file)")
    p.add_argument("--author", help="the book's author (default: from the file)")
    p.add_argument(
        "--type",
        dest="content_type",
        choices=["novel", "screenplay", "play", "graphic_novel"],
        help="the kind of book (default: novel, or screenplay for Fountain)",
    )
    p.set_defaults(handler=cmd_import)

    p = subparsers.add_parser("books", help="list the books in the library")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_books)

    p = subparsers.add_parser("stats", help="word, chapter, scene and character counts of a book")
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_stats)

    p = subparsers.add_parser("show", help="print a book's text (or one chapter's)")
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("--chapter", type=int, metavar="N", help="only chapter N (1-based)")
    p.add_argument("--json", action="store_true", help="chapters and scenes with ids, as JSON")
    p.set_defaults(handler=cmd_show)

    p = subparsers.add_parser(
        "typography",
        help="curl a book's quotes and set its dashes and ellipses (each scene snapshotted)",
    )
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_typography)

    p = subparsers.add_parser("trash", help="list, restore or empty the trash")
    p.add_argument("action", choices=["list", "restore", "empty"], nargs="?", default="list")
    p.add_argument("item", nargs="?", metavar="KIND:ID", help="what to restore, e.g. scene:0190…")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_trash)


def cmd_init(args: argparse.Namespace) -> int:
    with library_from_args(args, create=True) as lib:
        print(lib.root if lib.db_path.name == "library.sqlite3" else lib.db_path)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from core.importers import import_manuscript

    with library_from_args(args, create=True) as lib, progress_context("Importing") as ctx:
        book_id = import_manuscript(
            lib,
            args.file,
            title=args.title,
            author=args.author,
            content_type=args.content_type,
            ctx=ctx,
        )
    print(book_id)
    return 0


def _book_summary(book: Any) -> dict[str, Any]:
    return {
        "id": book.id,
        "title": book.title,
        "subtitle": book.subtitle,
        "author": book.author,
        "type": book.content_type,
        "status": book.status,
        "language": book.language,
        "words": book.word_count,
        "word_target": book.word_target,
        "updated_at": book.updated_at.isoformat() if book.updated_at else None,
    }


def cmd_books(args: argparse.Namespace) -> int:
    from core.store.manuscript import list_books

    with library_from_args(args) as lib, lib.session() as session:
        books = [_book_summary(b) for b in list_books(session=session)]
    if args.json:
        print_json({"books": books})
    elif not books:
        print("The library has no books yet. Import one with `authorworks import FILE`.")
    else:
        width = max(len(b["title"]) for b in books)
        for b in books:
            print(f"{b['id']}  {b['title']:<{width}}  {b['words']:>9,} words  {b['author']}")
    return 0


def cmd_typography(args: argparse.Namespace) -> int:
    from core.store.manuscript import find_book
    from core.store.typography import smarten_book
    from core.text.counts import count_of

    with library_from_args(args) as lib, lib.session() as session:
        book = find_book(session=session, ref=args.book)
        result = smarten_book(session=session, book_id=book.id)
        title = book.title
    scenes = len(result.changes)
    if args.json:
        print_json({"id": book.id, "title": title, "scenes_changed": scenes})
    else:
        print(
            f"{title}: typographic punctuation in {count_of(scenes, 'scene')}; "
            f"each kept its old text as the snapshot “{result.label}”"
        )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from core.store.manuscript import book_stats, find_book

    with library_from_args(args) as lib, lib.session() as session:
        book = find_book(session=session, ref=args.book)
        stats = book_stats(session=session, book=book)
        data = {"id": book.id, "title": book.title, **stats.as_dict()}
    if args.json:
        print_json(data)
    else:
        print(data["title"])
        print(f"  words       {stats.words:>10,}")
        if stats.word_target:
            percent = stats.words * 100 // stats.word_target
            print(f"  target      {stats.word_target:>10,}  ({percent}%)")
        print(f"  chapters    {stats.chapters:>10,}")
        print(f"  scenes      {stats.scenes:>10,}")
        print(f"  characters  {stats.characters:>10,}")
        print(
            f"  codex       {stats.codex_characters:,} characters, {stats.locations:,} locations,"
            f" {stats.lore_entries:,} lore entries"
        )
    return 0


def _scene_json(scene: Any) -> dict[str, Any]:
    return {
        "id": scene.id,
        "ordinal": scene.ordinal,
        "title": scene.title,
        "synopsis": scene.synopsis,
        "status": scene.status,
        "words": scene.word_count,
        "text": scene.text,
    }


def _chapter_json(session: Any, chapter: Any, number: int) -> dict[str, Any]:
    from core.store.manuscript import list_scenes

    return {
        "id": chapter.id,
        "number": number,
        "title": chapter.title,
        "synopsis": chapter.synopsis,
        "words": chapter.word_count,
        "scenes": [_scene_json(s) for s in list_scenes(session=session, chapter_id=chapter.id)],
    }


def _print_chapter_text(ch: dict[str, Any]) -> None:
    title = ch["title"] or f"Chapter {ch['number']}"
    sys.stdout.write(f"# {title}\n\n")
    texts = [s["text"].strip() for s in ch["scenes"] if s["text"].strip()]
    sys.stdout.write("\n\n* * *\n\n".join(texts))
    sys.stdout.write("\n\n")


def cmd_show(args: argparse.Namespace) -> int:
    from core.store.manuscript import chapter_by_number, find_book, list_chapters

    with library_from_args(args) as lib, lib.session() as session:
        book = find_book(session=session, ref=args.book)
        summary = _book_summary(book)
        if args.chapter is not None:
            chapter = chapter_by_number(session=session, book=book, number=args.chapter)
            chapters = [_chapter_json(session, chapter, args.chapter)]
        else:
            chapters = [
                _chapter_json(session, c, n)
                for n, c in enumerate(list_chapters(session=session, book_id=book.id), start=1)
            ]
    if args.json:
        if args.chapter is not None:
            print_json({"book": summary, "chapter": chapters[0], "scenes": chapters[0]["scenes"]})
        else:
            print_json({"book": summary, "chapters": chapters})
        return 0
    if args.chapter is None:
        sys.stdout.write(f"{summary['title']}\n")
        if summary["author"]:
            sys.stdout.write(f"by {summary['author']}\n")
        sys.stdout.write("\n")
    for ch in chapters:
        _print_chapter_text(ch)
    return 0


def cmd_trash(args: argparse.Namespace) -> int:
    from core.store.trash import empty_trash, list_trash, restore_from_trash

    with library_from_args(args) as lib, lib.session() as session:
        if args.action == "restore":
            if not args.item or ":" not in args.item:
                print(
                    "authorworks: error: say what to restore as KIND:ID (see `authorworks trash`)",
                    file=sys.stderr,
                )
                return 2
            kind, item_id = args.item.split(":", 1)
            restore_from_trash(session=session, kind=kind, item_id=item_id)
            print(f"restored {kind} {item_id}")
            return 0
        if args.action == "empty":
            print(f"removed {empty_trash(session=session)} item(s) for good")
            return 0
        items = list_trash(session=session)
        rows = [
            {"kind": i.kind, "id": i.id, "title": i.title, "deleted_at": i.deleted_at.isoformat()}
            for i in items
        ]
    if args.json:
        print_json({"trash": rows})
    elif not rows:
        print("The trash is empty.")
    else:
        for r in rows:
            print(f"{r['kind']}:{r['id']}  {r['title']}  (deleted {r['deleted_at'][:16]})")
    return 0
