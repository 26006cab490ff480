"""Running core jobs off the UI thread and turning their reports into Qt signals.

A core job is a callable that takes a :class:`core.jobs.JobContext`. :class:`JobRunner` runs
one on a thread pool and emits ``progress``, then exactly one of ``finished`` (with the job's
result), ``failed`` (with a message fit to show) or ``cancelled``. Signals are delivered to
receivers in the UI thread through queued connections, so slots may touch widgets.
"""

from __future__ import annotations

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
            self.signals.progress.emit(done, total, message)

        ctx = JobContext(on_progress=report, token=self.token)
        try:
            result = self.job(ctx)
        except JobCancelledError:
            self.signals.cancelled.emit()
        except AuthorWorksError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:
            # A bug, not the writer's fault: keep the details in the log, say it plainly.
            _log.exception("job %r failed", self.description)
            self.signals.failed.emit(f"Something went wrong: {type(exc).__name__}: {exc}")
        else:
            self.signals.finished.emit(result)
