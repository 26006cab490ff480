"""Narration commands: narrate, voices, cast."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.cli.common import library_from_args, print_json, progress_context


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "narrate", help="narrate a book (or one chapter) to an audiobook: .m4b, .mp3 or .wav"
    )
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("--chapter", type=int, metavar="N", help="only chapter N (1-based)")
    p.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="OUT.m4b, OUT.mp3 or OUT.wav"
    )
    p.add_argument(
        "--workers", type=int, metavar="N", help="parallel speech workers (default: cores, max 4)"
    )
    p.add_argument("--engine", help="speech engine: espeak-ng or pyttsx3 (default: by platform)")
    p.add_argument(
        "--cover", metavar="IMAGE", help="cover art, JPEG or PNG (default: the book's cover)"
    )
    p.add_argument("--narrator-name", metavar="NAME", help="the narrator credited in the tags")
    p.add_argument(
        "--pitch", type=int, metavar="0-100",
        help="the narrator's pitch for this run (50 is the voice's own; lower is deeper)",
    )  # fmt: skip
    p.add_argument(
        "--rate", type=int, metavar="WPM", help="the narrator's speed for this run, words a minute"
    )
    p.add_argument(
        "--split", metavar="FORMAT", choices=["mp3", "m4b", "wav"],
        help="one file per chapter, in this format, into the folder OUT",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_narrate)

    p = subparsers.add_parser("voices", help="list the voices of the speech engine")
    p.add_argument("--engine", help="speech engine: espeak-ng or pyttsx3 (default: by platform)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_voices)

    p = subparsers.add_parser(
        "cast", help="show or set a book's narration voices and pronunciation lexicon"
    )
    p.add_argument("book", metavar="BOOK", help="a book id or the start of its title")
    p.add_argument("--narrator", metavar="VOICE[,RATE[,PITCH]]", help="the narrator's voice")
    p.add_argument(
        "--character", action="append", default=[], metavar="NAME=VOICE[,RATE[,PITCH]]",
        help="a character's voice (NAME= alone: the narrator reads them); repeatable",
    )  # fmt: skip
    p.add_argument(
        "--say", action="append", default=[], metavar="WORD=SPOKEN",
        help="a lexicon entry, e.g. Quill=Kwill (WORD= removes it); repeatable",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_cast)


def cmd_narrate(args: argparse.Namespace) -> int:
    from core.narration.job import NarrationJob, NarrationPlan
    from core.store.manuscript import find_book

    output = Path(args.output).expanduser()
    with library_from_args(args) as lib:
        with lib.session() as s:
            book_id = find_book(session=s, ref=args.book).id
        plan = NarrationPlan(lib, book_id, chapter=args.chapter, engine=args.engine)
        if args.pitch is not None or args.rate is not None:
            plan.cast.narrator = narrator_for_run(plan.cast.narrator, args.pitch, args.rate)
        for warning in plan.cast.warnings:
            print(f"authorworks: warning: {warning}", file=sys.stderr)
        job = NarrationJob(
            plan, output, workers=args.workers,
            cover=Path(args.cover).expanduser() if args.cover else None,
            narrator_name=args.narrator_name, split_format=args.split,
        )  # fmt: skip
        with progress_context("Narrating") as ctx:
            result = job(ctx)
    for warning in result.warnings[len(plan.cast.warnings) :]:
        print(f"authorworks: warning: {warning}", file=sys.stderr)
    if args.json:
        print_json(
            {
                "output": str(result.output),
                "files": [str(f) for f in result.files],
                "duration": round(result.duration, 3),
                "chapters": [
                    {"title": c.title, "start": round(c.start, 3), "end": round(c.end, 3)}
                    for c in result.chapters
                ],
                "rendered": result.rendered,
                "reused": result.reused,
                "warnings": result.warnings,
            }
        )
    else:
        minutes, seconds = divmod(round(result.duration), 60)
        print(
            f"{result.output}: {minutes}:{seconds:02d}, {len(result.chapters)} chapter(s); "
            f"{result.rendered} clip(s) rendered, {result.reused} from the cache"
        )
    return 0


def narrator_for_run(voice: Any, pitch: int | None, rate: int | None) -> Any:
    """The narrator's voice with this run's pitch and speed (the book's casting is kept)."""
    from core.narration.engines import VoiceSettings

    return VoiceSettings(
        voice.voice,
        voice.rate if rate is None else max(80, min(450, rate)),
        voice.pitch if pitch is None else max(0, min(100, pitch)),
    )


def cmd_voices(args: argparse.Namespace) -> int:
    from core.narration.engines import get_engine

    engine = get_engine(args.engine)
    voices = engine.voices()
    if args.json:
        print_json(
            {
                "engine": engine.name,
                "default": engine.default_voice,
                "voices": [v.__dict__ for v in voices],
            }
        )
        return 0
    for v in voices:
        mark = "*" if v.id == engine.default_voice else " "
        print(f"{mark} {v.id:<24} {v.name:<36} {v.language:<10} {v.gender}")
    return 0


def _voice_arg(text: str) -> Any:
    from core.errors import AuthorWorksError
    from core.narration.engines import VoiceSettings

    parts = [p.strip() for p in text.split(",")]
    try:
        numbers = [int(p) for p in parts[1:3]]
    except ValueError as exc:
        raise AuthorWorksError(f"{text!r}: write VOICE[,RATE[,PITCH]] with whole numbers") from exc
    default = VoiceSettings(parts[0])
    return VoiceSettings.from_dict(
        {"voice": parts[0], **dict(zip(("rate", "pitch"), numbers, strict=False))}, default
    )


def cmd_cast(args: argparse.Namespace) -> int:
    from core.errors import AuthorWorksError
    from core.narration.casting import narration_settings
    from core.narration.casting_store import (
        find_character,
        lexicon_with,
        set_character_voice,
        set_lexicon,
        set_narrator_voice,
    )
    from core.store.codex import list_codex
    from core.store.manuscript import find_book

    with library_from_args(args) as lib, lib.session() as s:
        book = find_book(session=s, ref=args.book)
        if args.narrator:
            set_narrator_voice(session=s, book=book, voice=_voice_arg(args.narrator))
        for item in args.character:
            name, sep, voice = item.partition("=")
            if not sep:
                raise AuthorWorksError(f"{item!r}: write NAME=VOICE[,RATE[,PITCH]]")
            character = find_character(session=s, book=book, name=name)
            set_character_voice(
                session=s, character=character, voice=_voice_arg(voice) if voice.strip() else None
            )
        if args.say:
            lexicon = dict(narration_settings(book.metadata_).get("lexicon") or {})
            set_lexicon(session=s, book=book, lexicon=lexicon_with(lexicon, args.say))
        settings = narration_settings(book.metadata_)
        characters = {
            c.name: dict(getattr(c, "voice", None) or {})
            for c in list_codex(session=s, book_id=book.id, kind="character")
        }
    if args.json:
        print_json({"narrator": settings.get("narrator") or {}, "characters": characters,
                    "lexicon": settings.get("lexicon") or {}})  # fmt: skip
        return 0
    narrator = settings.get("narrator") or {}
    print(f"narrator: {_describe(narrator) or '(engine default)'}")
    for name, voice in characters.items():
        print(f"{name}: {_describe(voice) or '(narrator)'}")
    for word, spoken in (settings.get("lexicon") or {}).items():
        print(f"say {word} as {spoken}")
    return 0


def _describe(voice: dict[str, Any]) -> str:
    if not voice.get("voice"):
        return ""
    return f"{voice['voice']} rate {voice.get('rate', 175)} pitch {voice.get('pitch', 50)}"
