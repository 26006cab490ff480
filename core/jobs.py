"""Cancellable, progress-reporting jobs.

A job is a plain callable that takes a :class:`JobContext`. It reports progress through
``ctx.progress(done, total, message)`` and calls ``ctx.check()`` at safe points, which raises
:class:`~core.errors.JobCancelledError` once the cancel token is set. The desktop wraps jobs
in Qt workers; the CLI shows a progress bar. Neither is known here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from core.errors import JobCancelledError

T = TypeVar("T")


class ProgressCallback(Protocol):
    def __call__(self, done: int, total: int, message: str) -> None: ...


def _no_progress(done: int, total: int, message: str) -> None:
    return None


class CancelToken:
    """A thread-safe flag that a UI sets and a job polls."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@dataclass
class JobContext:
    """What a running job is given: where to report progress and how to learn of a cancel."""

    on_progress: ProgressCallback = _no_progress
    token: CancelToken = field(default_factory=CancelToken)

    def check(self) -> None:
        """Raise JobCancelledError if the job has been cancelled."""
        if self.token.cancelled:
            raise JobCancelledError("cancelled")

    def progress(self, done: int, total: int, message: str = "") -> None:
        self.on_progress(done, total, message)
        self.check()


def run_job(job: Callable[[JobContext], T], ctx: JobContext | None = None) -> T:
    """Run ``job`` with ``ctx`` (a default context if none) and return its result."""
    return job(ctx or JobContext())
