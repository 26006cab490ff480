"""One run of a core job off the UI thread, its reports turned into Qt signals.

A core job is a callable that takes a :class:`core.jobs.JobContext`. :class:`JobRunner` runs
one on a thread pool and emits ``progress`` (and ``text``, for a job that streams), then exactly
one of ``finished`` (with the job's result), ``failed`` (with a message fit to show) or
``cancelled``; ``error`` carries the exception behind a failure or a cancel, for callers that
want what it holds (a generation's partial text). Signals are delivered to receivers in the UI
thread through queued connections, so slots may touch widgets. Runners are started by
:class:`~desktop.jobs.background.Background`, not by hand.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from core.errors import AuthorWorksError, JobCancelledError
from core.jobs import CancelToken, JobContext

_log = logging.getLogger(__name__)

Job = Callable[[JobContext], Any]
# A job that streams text as it goes (a generation): it is handed where to send it.
StreamingJob = Callable[[JobContext, Callable[[str], None]], Any]


class JobSignals(QObject):
    progress = Signal(int, int, str)
    text = Signal(str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    error = Signal(object)  # the exception behind ``failed`` or ``cancelled``
    ended = Signal()  # after whichever of the three, always


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

    @classmethod
    def streaming(cls, job: StreamingJob, *, description: str = "") -> JobRunner:
        """A runner for ``job(ctx, send)``: each piece it sends arrives as ``text``."""
        runner = cls(lambda ctx: job(ctx, runner.send_text), description=description)
        return runner

    def send_text(self, text: str) -> None:
        _tell(self.signals.text, text)

    def cancel(self) -> None:
        self.token.cancel()

    def run(self) -> None:
        def report(done: int, total: int, message: str) -> None:
            _tell(self.signals.progress, done, total, message)

        ctx = JobContext(on_progress=report, token=self.token)
        try:
            ctx.check()  # cancelled while it waited its turn: do nothing, say so
            result = self.job(ctx)
        except JobCancelledError as exc:
            _tell(self.signals.error, exc)
            _tell(self.signals.cancelled)
        except AuthorWorksError as exc:
            _tell(self.signals.error, exc)
            _tell(self.signals.failed, str(exc))
        except Exception as exc:
            # A bug, not the writer's fault: keep the details in the log, say it plainly.
            _log.exception("job %r failed", self.description)
            _tell(self.signals.error, exc)
            _tell(self.signals.failed, f"Something went wrong: {type(exc).__name__}: {exc}")
        else:
            _tell(self.signals.finished, result)
        finally:
            _tell(self.signals.ended)


class _Probe(QObject):
    ping = Signal(str)


@cache
def emit_loses_reference() -> bool:
    """Whether ``SignalInstance.emit`` returns its result without a reference of its own.

    PySide6 6.12.0 on Python 3.11 does: every ``emit()`` from Python costs the interpreter one
    reference to ``True``, and a streaming generation emits once per chunk, so a long session
    would end in "Fatal Python error: bool_dealloc". Checked once, not assumed.
    """
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # True is immortal (PEP 683)
    probe = _Probe()
    probe.ping.connect(lambda _text: None)
    calls = 64
    before = sys.getrefcount(True)
    # The stubs say ``emit`` returns None; the binding returns a bool, which is the point here.
    send: Callable[[str], object] = probe.ping.emit
    results = [send("x") for _ in range(calls)]
    held = sum(1 for r in results if r is True)
    lost = before + held - sys.getrefcount(True)
    for result in results:  # give back what the probe itself cost
        if lost >= calls // 2:
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
    return lost >= calls // 2


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, giving back the reference the binding may take from its result."""
    result = signal.emit(*args)
    if emit_loses_reference():
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


def _tell(signal: Any, *args: Any) -> None:
    """Emit, unless whoever started the job is gone (its window closed, the app quitting):
    then there is nobody left to tell."""
    with contextlib.suppress(RuntimeError):
        emit(signal, *args)
