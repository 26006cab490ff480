"""``authorworks do "TEXT"``: say what you want in plain words; the command bar on the CLI.

The request is resolved to one command of the registry (offline, then Claude when that is
not sure and a key or hosted AI is there). A command that changes something prints its
preview and waits for a yes (``--yes`` answers it); a request that is not clear gets a
question and the likely commands, never a guess. ``--undo`` takes back the last request
that can be; ``--history`` lists them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.cli.common import print_json


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "do",
        help='say what you want in plain words, e.g. do "export the book as an epub"',
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("text", metavar="TEXT", nargs="?", help="the request, in quotes")
    p.add_argument("--dry-run", action="store_true", help="resolve the request, run nothing")
    p.add_argument("--yes", "-y", action="store_true", help="run without asking")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--book", metavar="BOOK", help="the book meant (default: the last edited)")
    p.add_argument("--offline", action="store_true", help="do not ask Claude, even if unsure")
    p.add_argument("--undo", action="store_true", help="take back the last request that can be")
    p.add_argument("--history", action="store_true", help="list the requests made so far")
    p.set_defaults(handler=cmd_do)


def _library_path(args: argparse.Namespace) -> Path | None:
    return Path(args.library) if getattr(args, "library", None) else None


def cmd_do(args: argparse.Namespace) -> int:
    from core.commands import history

    if args.history or args.undo:
        from core.store.library import open_library

        with open_library(_library_path(args), create=True) as lib:
            root = lib.root
        if args.history:
            return _history(root, args.json)
        return _undo(root, _library_path(args) or root, args.json)
    if not args.text or not args.text.strip():
        print("authorworks: error: do needs a request, e.g. do \"narrate chapter 2\"",
              file=sys.stderr)  # fmt: skip
        return 2
    resolution, command = _resolve(args)
    document = resolution.to_json()
    if args.dry_run:
        if args.json:
            print_json(document)
        else:
            _say(resolution)
        return 0
    from core.store.library import open_library

    with open_library(_library_path(args), create=True) as lib:
        root = lib.root
    if command is None:
        if args.json:
            print_json(document)
        else:
            _say(resolution)
        history.record(root, text=args.text, resolution=document, ran=False)
        return 2  # asked or refused: nothing ran
    return _run(args, root, resolution, command, document)


def _resolve(args: argparse.Namespace) -> tuple[Any, Any]:
    from core.commands import cli_registry
    from core.commands.context import context_from_path
    from core.commands.service import resolve_request

    registry = cli_registry()
    # The SQLite file read directly: no database layer for a request that may only ask.
    ctx = context_from_path(_library_path(args), book_ref=args.book, output_dir=Path.cwd())
    library = None
    if ctx is None:
        from core.commands.context import context_from_library
        from core.store.library import open_library

        library = open_library(_library_path(args), create=True)
        ctx = context_from_library(library, book_ref=args.book, output_dir=Path.cwd())
    try:
        resolution = resolve_request(
            args.text, ctx, registry, library=library, library_path=_library_path(args),
            use_ai=not args.offline,
        )  # fmt: skip
    finally:
        if library is not None:
            library.close()
    command = registry.get(resolution.command) if resolution.command else None
    if resolution.question or resolution.refused:
        command = None
    return resolution, command


def _say(resolution: Any) -> None:
    if resolution.refused:
        print(f"Not done: {resolution.refused}")
        return
    if resolution.command and not resolution.question:
        print(
            f"{resolution.command}: {resolution.preview}  (confidence {resolution.confidence:.2f})"
        )
        return
    print(resolution.question or "What would you like to do?")
    for choice in resolution.choices:
        print(f"  - {choice}")
    if resolution.note:
        print(resolution.note, file=sys.stderr)


def _run(
    args: argparse.Namespace, root: Path, resolution: Any, command: Any, document: dict[str, Any]
) -> int:
    from core.commands import cli_registry, history
    from core.commands.runner import CommandRunError, run_with_snapshots

    if resolution.changes and not args.yes:
        if not sys.stdin.isatty():
            print(f"{resolution.preview}\nauthorworks: add --yes to run it", file=sys.stderr)
            return 2
        suffix = " This cannot be undone." if resolution.destructive else ""
        answer = input(f"{resolution.preview}.{suffix} Run it? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("Nothing was done.")
            history.record(root, text=args.text, resolution=document, ran=False)
            return 1
    elif not args.json:
        print(resolution.preview, file=sys.stderr)
    library = _library_path(args) or root
    try:
        outcome = run_with_snapshots(
            cli_registry(), command, resolution.arguments, library=library, capture=args.json
        )
    except CommandRunError as exc:
        history.record(root, text=args.text, resolution=document, ran=False)
        print(f"authorworks: error: {exc}", file=sys.stderr)
        return 1
    history.record(
        root, text=args.text, resolution=document, ran=True, exit_code=outcome.exit_code,
        undo=outcome.undo,
    )  # fmt: skip
    if args.json:
        undo_label = outcome.undo.label if outcome.undo else None
        ran = {"ran": True, "exit_code": outcome.exit_code, "output": outcome.output}
        print_json({**document, **ran, "undo": undo_label})
    elif outcome.undo:
        print(f"({outcome.undo.label}: authorworks do --undo)", file=sys.stderr)
    return outcome.exit_code


def _undo(root: Path, library: Path, as_json: bool) -> int:
    from core.commands import history
    from core.commands.runner import CommandRunError, undo

    last = history.last_undoable(root)
    if last is None:
        print("Nothing to undo.", file=sys.stderr)
        return 1
    index, step = last
    try:
        said = undo(step, library=library)
    except CommandRunError as exc:
        print(f"authorworks: error: {exc}", file=sys.stderr)
        return 1
    history.mark_undone(root, index)
    if as_json:
        print_json({"undone": step.label, "result": said})
    else:
        print(said)
    return 0


def _history(root: Path, as_json: bool) -> int:
    from core.commands import history

    entries = history.recent(root, limit=50)
    if as_json:
        print_json({"history": entries})
        return 0
    for e in entries:
        state = "undone" if e.get("undone") else "ran" if e.get("ran") else "not run"
        print(f"{e.get('at', '')}  {e.get('text', '')!r} -> {e.get('command') or '?'} ({state})")
    return 0
