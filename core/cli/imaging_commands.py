"""Imaging commands: cover, comic, trailer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.cli.common import library_from_args, progress_context


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("cover", help="render a book's cover (ebook or print full wrap)")
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="a .png, .jpg or .webp file"
    )
    p.add_argument(
        "--template",
        metavar="T",
        help="a cover template (default: the book's saved design, else classic)",
    )
    p.add_argument(
        "--size",
        choices=["ebook", "print"],
        default="ebook",
        help="ebook 1600x2560 or a print wrap",
    )
    p.add_argument("--trim", default="6x9", help="print trim size in inches (default 6x9)")
    p.add_argument(
        "--pages",
        type=int,
        metavar="N",
        help="print page count (default: estimated from the words)",
    )
    p.add_argument(
        "--paper", choices=["white", "cream", "color"], default="cream", help="print paper stock"
    )
    p.add_argument("--image", metavar="FILE", help="a picture for the background")
    p.add_argument(
        "--no-save", action="store_true", help="do not keep the cover as the book's cover asset"
    )
    p.add_argument(
        "--list-templates", action="store_true", help="print the template names and stop"
    )
    p.set_defaults(handler=cmd_cover)

    p = subparsers.add_parser("comic", help="draw a chapter as graphic-novel pages (.cbz or .pdf)")
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("--chapter", type=int, required=True, metavar="N", help="the chapter (1-based)")
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="a .cbz or .pdf file")
    p.add_argument(
        "--images", metavar="DIR", help="a folder of pictures used as panel art, in name order"
    )
    p.add_argument(
        "--art-url",
        metavar="URL",
        help="an image-generation endpoint (default: $AUTHORWORKS_IMAGE_PROVIDER_URL)",
    )
    p.add_argument(
        "--no-claude",
        action="store_true",
        help="split scenes by paragraphs even if an API key is set",
    )
    p.add_argument("--scale", type=float, default=1.0, help="page size factor (1 = 300 dpi print)")
    p.set_defaults(handler=cmd_comic)

    p = subparsers.add_parser(
        "trailer", help="render a book trailer (.mp4) with the narrated blurb"
    )
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="an .mp4 file")
    p.add_argument("--blurb", help="the text to narrate (default: the book's description)")
    p.add_argument("--voice-over", metavar="WAV", help="a recorded voice-over instead of narration")
    p.add_argument("--images", metavar="DIR", help="a folder of extra pictures to show")
    p.set_defaults(handler=cmd_trailer)


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"authorworks: warning: {warning}", file=sys.stderr)


def _pictures(folder: str | None) -> list[Path]:
    from core.imaging.images import pictures_in

    return pictures_in(Path(folder).expanduser()) if folder else []


def cmd_cover(args: argparse.Namespace) -> int:
    from core.imaging.book_covers import make_book_cover
    from core.imaging.templates import template_names

    if args.list_templates:
        print("\n".join(template_names()))
        return 0
    with library_from_args(args) as lib:
        result = make_book_cover(
            lib,
            args.book,
            output=Path(args.output).expanduser(),
            template=args.template,
            size=args.size,
            trim=args.trim,
            pages=args.pages,
            paper=args.paper,
            image=Path(args.image).expanduser() if args.image else None,
            store=not args.no_save,
        )
    _warn(result.warnings)
    print(f"{result.path} ({result.size[0]}x{result.size[1]})")
    return 0


def cmd_comic(args: argparse.Namespace) -> int:
    from core.imaging.art import HttpArtProvider, provider_from_env
    from core.imaging.claude_script import default_client
    from core.imaging.comic import make_comic

    provider = HttpArtProvider(url=args.art_url) if args.art_url else provider_from_env()
    client = None if args.no_claude else default_client()
    with library_from_args(args) as lib, progress_context("Drawing the comic") as ctx:
        result = make_comic(
            lib,
            args.book,
            args.chapter,
            Path(args.output).expanduser(),
            client=client,
            provider=provider,
            images=_pictures(args.images),
            scale=args.scale,
            ctx=ctx,
        )
    _warn(result.warnings)
    print(f"{result.path} ({result.pages} pages)")
    return 0


def cmd_trailer(args: argparse.Namespace) -> int:
    from core.imaging.book_trailer import make_book_trailer

    with library_from_args(args) as lib, progress_context("Rendering the trailer") as ctx:
        result = make_book_trailer(
            lib,
            args.book,
            Path(args.output).expanduser(),
            blurb=args.blurb,
            voice_over=Path(args.voice_over).expanduser() if args.voice_over else None,
            images=_pictures(args.images),
            ctx=ctx,
        )
    _warn(result.warnings)
    print(f"{result.path} ({result.duration:.1f} s)")
    return 0
