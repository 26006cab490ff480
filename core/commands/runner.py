"""Running a resolved command, and taking it back where the action allows.

A command runs through the CLI's own parser and handler (so the bar, the menus and
``authorworks`` do exactly the same thing), with the caller's job context as its progress
and cancel (``core.cli.common.progress_context`` picks it up). Before a command that changes
something, the runner notes what it needs to undo it:

- the binder's items and titles: what the command added goes to the trash, what it renamed
  gets its old title back (new-book, add-chapter, add-scene, duplicate, rename, import);
- a snapshot of every scene of the book before a bulk change of text (review accept/reject,
  typography), restored for the scenes that changed;
- a file the command writes that was not there before is removed (export, narrate, cover...);
- an invitation sent is withdrawn (share -> unshare).

What cannot be taken back (sync, emptying the trash, a transfer) says so in its preview and
is never undone by guesswork.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.commands.registry import Command, Registry
from core.errors import AuthorWorksError, JobCancelledError
from core.jobs import JobContext

_TEXT_CHANGES = {"review", "typography"}
_BINDER_CHANGES = {"new-book", "add-chapter", "add-scene", "duplicate", "rename", "import", "move"}


class CommandRunError(AuthorWorksError):
    """A command could not run: bad arguments, or it failed (the message says why)."""


@dataclass
class Undo:
    """How to take a command back: JSON-shaped, so the history keeps it across runs."""

    kind: str  # "binder", "snapshots", "file", "unshare"
    data: dict[str, Any] = field(default_factory=dict)
    label: str = ""


@dataclass
class Outcome:
    command: str
    exit_code: int
    output: str = ""
    errors: str = ""
    undo: Undo | None = None


def parse(
    command: Command, arguments: Mapping[str, Any], library: Path | None
) -> argparse.Namespace:
    """The Namespace the CLI would parse for ``command`` with ``arguments``."""
    from core.commands import cli_parser

    argv = (["--library", str(library)] if library else []) + command.argv(arguments)
    parser = cli_parser()
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            return parser.parse_args(argv)
    except SystemExit:
        message = errors.getvalue().strip().splitlines()
        raise CommandRunError(
            (message[-1] if message else f"{command.name}: bad arguments").replace(
                "authorworks: error: ", ""
            )
        ) from None


def run(
    registry: Registry,
    command: Command,
    arguments: Mapping[str, Any],
    *,
    library: Path | None,
    ctx: JobContext | None = None,
    capture: bool = True,
) -> Outcome:
    """Run ``command``; with ``capture`` its output is returned instead of printed."""
    from core.cli.common import ambient_job

    if command.trigger is not None:  # a studio menu item
        command.trigger()
        return Outcome(command.name, 0)
    args = parse(command, arguments, library)
    before = _before(command, arguments, library)
    out, err = io.StringIO(), io.StringIO()
    with ambient_job(ctx or JobContext()), _captured(capture, out, err):
        try:
            code = registry.dispatch(args)
        except JobCancelledError:
            raise  # a Cancel is not a failure: the caller says "cancelled"
        except AuthorWorksError as exc:
            raise CommandRunError(str(exc)) from exc
    undo = _after(command, arguments, library, before) if code == 0 else None
    return Outcome(command.name, code, out.getvalue(), err.getvalue(), undo)


@contextlib.contextmanager
def _captured(capture: bool, out: io.StringIO, err: io.StringIO) -> Iterator[None]:
    if not capture:
        yield
        return
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield


# ---------------------------------------------------------------------------- before/after


def _open(library: Path | None) -> Any:
    from core.store.library import open_library

    return open_library(library, create=False)


def _binder(lib: Any) -> dict[str, dict[str, str]]:
    from sqlalchemy import select

    from core.domain import Book, Chapter, Scene

    out: dict[str, dict[str, str]] = {}
    with lib.session() as s:
        for kind, model in (("book", Book), ("chapter", Chapter), ("scene", Scene)):
            rows = s.execute(select(model.id, model.title).where(model.deleted_at.is_(None)))
            out[kind] = {row[0]: row[1] or "" for row in rows}
    return out


def _book_id(lib: Any, arguments: Mapping[str, Any]) -> str | None:
    from core.store.manuscript import find_book

    ref = arguments.get("book")
    if not ref:
        return None
    with lib.session() as s:
        return str(find_book(session=s, ref=str(ref)).id)


def _before(command: Command, arguments: Mapping[str, Any], library: Path | None) -> Any:
    name = command.name
    if name in _BINDER_CHANGES:
        with _open(library) as lib:
            return _binder(lib)
    output = arguments.get("output")
    if output:
        return {"existed": Path(str(output)).expanduser().exists()}
    return None


def _after(
    command: Command, arguments: Mapping[str, Any], library: Path | None, before: Any
) -> Undo | None:
    name = command.name
    if name in _BINDER_CHANGES and isinstance(before, dict) and "book" in before:
        with _open(library) as lib:
            now = _binder(lib)
        added = {k: [i for i in now[k] if i not in before[k]] for k in now}
        renamed = {
            k: {i: before[k][i] for i in now[k] if i in before[k] and before[k][i] != now[k][i]}
            for k in now
        }
        if not any(added.values()) and not any(renamed.values()):
            return None
        return Undo("binder", {"added": added, "renamed": renamed}, f"Undo {name}")
    output = arguments.get("output")
    if output and isinstance(before, dict) and not before.get("existed"):
        path = Path(str(output)).expanduser()
        if path.exists():
            return Undo("file", {"path": str(path.resolve())}, f"Remove {path.name}")
    if name == "share" and arguments.get("email"):
        return Undo(
            "unshare",
            {"book": arguments.get("book"), "email": arguments["email"]},
            f"Withdraw the invitation of {arguments['email']}",
        )
    return None


def snapshot_book(library: Path | None, book_ref: str, label: str) -> Undo:
    """A snapshot of each live scene of a book: the undo of a bulk change of its text."""
    from core.store.manuscript import find_book, list_chapters, list_scenes
    from core.store.snapshots import take_snapshot

    snapshots: dict[str, str] = {}
    with _open(library) as lib, lib.session() as s:
        book = find_book(session=s, ref=book_ref)
        for chapter in list_chapters(session=s, book_id=book.id):
            for scene in list_scenes(session=s, chapter_id=chapter.id):
                snapshots[scene.id] = take_snapshot(session=s, scene=scene, label=label).id
    return Undo("snapshots", {"snapshots": snapshots}, label)


def _rewrites_text(command: Command, arguments: Mapping[str, Any]) -> bool:
    """Whether the command rewrites the book's text in bulk (typography; review's accept
    and reject, not its listing or commenting)."""
    if command.name == "typography":
        return True
    return command.name in _TEXT_CHANGES and arguments.get("action") not in (
        None,
        "list",
        "comment",
    )


def run_with_snapshots(
    registry: Registry,
    command: Command,
    arguments: Mapping[str, Any],
    *,
    library: Path | None,
    ctx: JobContext | None = None,
    capture: bool = True,
) -> Outcome:
    """:func:`run`, with a snapshot of the book's scenes first when the command rewrites
    text in bulk, so that :func:`undo` can put them back."""
    name = command.name
    if not _rewrites_text(command, arguments) or not arguments.get("book"):
        return run(registry, command, arguments, library=library, ctx=ctx, capture=capture)
    parse(command, arguments, library)  # bad arguments: refuse before snapshotting
    undo = snapshot_book(library, str(arguments["book"]), f"Before “{name}” from the command bar")
    outcome = run(registry, command, arguments, library=library, ctx=ctx, capture=capture)
    if outcome.exit_code == 0:
        outcome.undo = Undo("snapshots", undo.data, f"Undo {name}")
    return outcome


def undo(step: Undo, *, library: Path | None) -> str:
    """Take a command back; returns what was done. CommandRunError if it cannot be."""
    if step.kind == "file":
        path = Path(step.data["path"])
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        return f"Removed {path}"
    if step.kind == "binder":
        return _undo_binder(step.data, library)
    if step.kind == "snapshots":
        return _undo_snapshots(step.data, library)
    if step.kind == "unshare":
        from core.cli import main

        code = main(
            (["--library", str(library)] if library else [])
            + ["unshare", str(step.data["book"]), str(step.data["email"])]
        )
        if code:
            raise CommandRunError(f"could not withdraw the invitation of {step.data['email']}")
        return f"Withdrew the invitation of {step.data['email']}"
    raise CommandRunError(f"cannot undo a {step.kind!r} step")


def _undo_binder(data: Mapping[str, Any], library: Path | None) -> str:
    from core.domain import Book, Chapter, Scene
    from core.store.trash import move_to_trash

    models = {"book": Book, "chapter": Chapter, "scene": Scene}
    done = []
    with _open(library) as lib, lib.session() as s:
        added = data.get("added", {})
        for kind, ids in added.items():
            for item_id in ids:
                item = s.get(models[kind], item_id)
                # A new chapter takes its new scenes to the trash with it, a new book all.
                parent = getattr(item, "chapter_id", None) if kind == "scene" else None
                if kind != "book" and getattr(item, "book_id", None) in added.get("book", []):
                    continue
                if parent in added.get("chapter", []):
                    continue
                if item is not None and item.deleted_at is None:
                    move_to_trash(session=s, item=item)
                    done.append(f"moved the new {kind} “{item.title}” to the trash")
        for kind, titles in data.get("renamed", {}).items():
            for item_id, title in titles.items():
                item = s.get(models[kind], item_id)
                if item is not None:
                    item.title = title
                    done.append(f"gave the {kind} back its title “{title}”")
    said = "; ".join(done)
    return said[:1].upper() + said[1:] if said else "Nothing to undo"


def _undo_snapshots(data: Mapping[str, Any], library: Path | None) -> str:
    from core.domain.models import Snapshot
    from core.store.snapshots import restore_snapshot

    restored = 0
    with _open(library) as lib, lib.session() as s:
        for snapshot_id in data.get("snapshots", {}).values():
            snap = s.get(Snapshot, snapshot_id)
            if snap is not None and snap.scene.text != snap.text:
                restore_snapshot(session=s, snapshot_id=snapshot_id)
                restored += 1
    return f"Restored {restored} scene(s) from their snapshots"


def print_outcome(outcome: Outcome) -> None:
    """What a captured command said, passed on (the CLI's ``do`` after a dry resolve)."""
    if outcome.output:
        sys.stdout.write(outcome.output)
    if outcome.errors:
        sys.stderr.write(outcome.errors)
