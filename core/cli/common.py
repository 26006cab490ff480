"""What the command modules share: opening the library, finding books, output, progress."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.jobs import JobContext

if TYPE_CHECKING:
    from core.store.library import Library


def library_from_args(args: argparse.Namespace, *, create: bool = False) -> Library:
    """The library named by --library (or the default); created only if ``create``."""
    from core.store.library import open_library

    path = Path(args.library) if getattr(args, "library", None) else None
    return open_library(path, create=create)


def print_json(data: Any) -> None:
    """One JSON document on stdout."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


# The job a command runs inside when it is not run from a terminal (the studio's command bar
# runs commands as jobs): its progress and its Cancel reach the command's work.
_AMBIENT: ContextVar[JobContext | None] = ContextVar("authorworks_ambient_job", default=None)


@contextmanager
def ambient_job(ctx: JobContext) -> Iterator[None]:
    """Make ``ctx`` the job context of every command run in this block (and thread)."""
    token = _AMBIENT.set(ctx)
    try:
        yield
    finally:
        _AMBIENT.reset(token)


@contextmanager
def progress_context(description: str) -> Iterator[JobContext]:
    """A job context whose progress is a bar on stderr (only when stderr is a terminal),
    or the caller's job when a command runs as one (:func:`ambient_job`)."""
    ambient = _AMBIENT.get()
    if ambient is not None:
        yield ambient
        return
    if not sys.stderr.isatty():
        yield JobContext()
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=_stderr_console(),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def report(done: int, total: int, message: str) -> None:
            bar.update(
                task, completed=done, total=total or None, description=message or description
            )

        yield JobContext(on_progress=report)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
