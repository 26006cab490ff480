"""Export commands: ``authorworks export BOOK --format F -o PATH`` and export presets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.cli.common import library_from_args, print_json, progress_context

FORMATS = ["epub", "pdf", "docx", "manuscript", "md", "txt", "fountain"]
TRIMS = ["5x8", "5.25x8", "5.5x8.5", "6x9", "a5"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export",
        help="export a book as EPUB, print PDF, DOCX, manuscript, Markdown, text or Fountain",
        description="Export a book. The file is written whole or not at all.",
    )
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("--format", "-f", required=True, choices=FORMATS, help="what to make")
    p.add_argument("--preset", "-p", metavar="P", help="a saved export preset of the book")
    p.add_argument(
        "--trim",
        type=str.lower,
        choices=TRIMS,
        metavar="SIZE",
        help=f"print trim size for pdf and docx: {', '.join(TRIMS)} (default 6x9)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="the file to write (default: the book's title in this folder)",
    )
    p.add_argument("--chapters", metavar="LIST", help="only these chapters, e.g. 1-3,7")
    p.add_argument("--synopses", action="store_true", default=None, help="include synopses")
    p.add_argument(
        "--scene-titles", action="store_true", default=None, help="show scene titles as headings"
    )
    p.add_argument(
        "--no-front-matter",
        action="store_true",
        help="leave out the title page, copyright page and contents",
    )
    p.add_argument(
        "--embed-font",
        action="store_true",
        default=None,
        help="EPUB: embed the open-licence book font",
    )
    p.add_argument(
        "--save-preset", metavar="NAME", help="also save these choices as the book's preset NAME"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_export)

    p = subparsers.add_parser("export-presets", help="list a book's saved export presets")
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_export_presets)


def parse_chapter_list(value: str) -> list[int]:
    """``"1-3,7"`` -> [1, 2, 3, 7]; a clear error for anything else."""
    from core.errors import ExportFailedError

    numbers: set[int] = set()
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        first, sep, last = part.partition("-")
        try:
            lo, hi = int(first), int(last) if sep else int(first)
        except ValueError:
            raise ExportFailedError(
                f"--chapters: {part!r} is not a chapter number or range"
            ) from None
        if lo < 1 or hi < lo:
            raise ExportFailedError(f"--chapters: {part!r} is not a valid range")
        numbers.update(range(lo, hi + 1))
    if not numbers:
        raise ExportFailedError("--chapters: no chapters given")
    return sorted(numbers)


def cmd_export(args: argparse.Namespace) -> int:
    from core.export import (
        ExportOptions,
        default_file_name,
        export_book,
        options_from_preset,
        parse_format,
        save_preset,
    )
    from core.store.manuscript import find_book

    fmt = parse_format(args.format)
    with library_from_args(args) as lib:
        with lib.session() as session:
            book = find_book(session=session, ref=args.book)
            book_id, title = book.id, book.title
            if args.preset:
                options = options_from_preset(book=book, name=args.preset, format=fmt)
            else:
                options = ExportOptions(format=fmt)
            if args.trim:
                options.trim = args.trim
            if args.chapters:
                options.chapters = parse_chapter_list(args.chapters)
            if args.synopses:
                options.synopses = True
            if args.scene_titles:
                options.scene_titles = True
            if args.embed_font:
                options.embed_font = True
            if args.no_front_matter:
                options.title_page = options.copyright_page = options.table_of_contents = False
            if args.save_preset:
                save_preset(session=session, book=book, name=args.save_preset, options=options)
                options.preset = args.save_preset.strip()
        output = Path(args.output) if args.output else Path(default_file_name(title, fmt))
        if output.is_dir():
            output = output / default_file_name(title, fmt)
        with progress_context(f"Exporting {fmt.label}") as ctx:
            result = export_book(lib, book_id, output, options, ctx)
    for warning in result.warnings:
        print(f"authorworks: warning: {warning}", file=sys.stderr)
    if args.json:
        print_json(
            {
                "path": str(result.path),
                "format": result.format.value,
                "size": result.size,
                "record": result.record_id,
                "warnings": result.warnings,
            }
        )
    else:
        print(result.path)
    return 0


def cmd_export_presets(args: argparse.Namespace) -> int:
    from core.export import list_presets
    from core.store.manuscript import find_book

    with library_from_args(args) as lib, lib.session() as session:
        book = find_book(session=session, ref=args.book)
        presets = list_presets(book=book)
    if args.json:
        print_json({"presets": presets})
    else:
        for name, data in presets.items():
            chosen = [k for k, v in data.items() if v is True]
            print(f"{name}: trim {data.get('trim')}; {', '.join(chosen) or 'nothing extra'}")
    return 0
