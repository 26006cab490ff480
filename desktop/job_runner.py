"""Running core jobs off the UI thread and turning their reports into Qt signals.

A core job is a callable that takes a :class:`core.jobs.JobContext`. :class:`JobRunner` runs
one on a thread pool and emits ``progress``, then exactly one of ``finished`` (with the job's
result), ``failed`` (with a message fit to show) or ``cancelled``. Signals are delivered to
receivers in the UI thread through queued connections, so slots may touch widgets.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from core.errors import AuthorWorksError, JobCancelledError
from core.jobs import CancelToken, JobContext

_log = logging.getLogger(__name__)

Job = Callable[[JobContext], Any]


class JobSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class JobRunner(QRunnable):
    """One run of a core job on a ``QThreadPool``; ``cancel()`` asks it to stop."""

    def __init__(self, job: Job, *, description: str = "") -> None:
        super().__init__()
        # The Python side owns the runner: Qt must not delete it under a live reference.
        self.setAutoDelete(False)
        self.job = job
        self.description = description
        self.signals = JobSignals()
        self.token = CancelToken()

    def cancel(self) -> None:
        self.token.cancel()

    def run(self) -> None:
        def report(done: int, total: int, message: str) -> None:
            _tell(self.signals.progress, done, total, message)

        ctx = JobContext(on_progress=report, token=self.token)
        try:
            result = self.job(ctx)
        except JobCancelledError:
            _tell(self.signals.cancelled)
        except AuthorWorksError as exc:
            _tell(self.signals.failed, str(exc))
        except Exception as exc:
            # A bug, not the writer's fault: keep the details in the log, say it plainly.
            _log.exception("job %r failed", self.description)
            _tell(self.signals.failed, f"Something went wrong: {type(exc).__name__}: {exc}")
        else:
            _tell(self.signals.finished, result)


def _tell(signal: Any, *args: Any) -> None:
    """Emit, unless whoever started the job is gone (its window closed, the app quitting):
    then there is nobody left to tell."""
    with contextlib.suppress(RuntimeError):
        signal.emit(*args)
