"""What the command modules share: opening the library, finding books, output, progress."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.jobs import JobContext
from core.store.library import Library, open_library


def library_from_args(args: argparse.Namespace, *, create: bool = False) -> Library:
    """The library named by --library (or the default); created only if ``create``."""
    path = Path(args.library) if getattr(args, "library", None) else None
    return open_library(path, create=create)


def print_json(data: Any) -> None:
    """One JSON document on stdout."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


@contextmanager
def progress_context(description: str) -> Iterator[JobContext]:
    """A job context whose progress is a bar on stderr (only when stderr is a terminal)."""
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
