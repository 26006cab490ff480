"""Qt workers that run generation jobs off the UI thread and report through signals."""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, SignalInstance

from core.errors import AuthorWorksError
from core.generation.errors import GenerationCancelledError
from core.jobs import JobContext


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


class GenerationWorker(QObject):
    """Runs ``job(ctx, on_text)`` in a QThread; text chunks arrive through ``chunk``."""

    chunk = Signal(str)
    progress = Signal(str)
    succeeded = Signal(object)
    # message, partial text, record id, kind ("cancelled" | "error")
    failed = Signal(str, str, str, str)
    done = Signal()

    def __init__(self, job: Callable[[JobContext, Callable[[str], None]], Any]) -> None:
        super().__init__()
        self._job = job
        self.ctx = JobContext(on_progress=lambda d, t, m: emit(self.progress, m))
        # Not ``self.thread``: that would hide QObject.thread().
        self._thread = QThread()
        self._thread.setObjectName("ai-generation")
        self.moveToThread(self._thread)
        self._thread.started.connect(self._run)
        self.done.connect(self._thread.quit)

    @property
    def thread_finished(self) -> SignalInstance:
        """The worker's thread has stopped (after ``done``, or after ``wait``)."""
        return self._thread.finished

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self.ctx.token.cancel()

    def wait(self, ms: int = 5000) -> bool:
        return self._thread.wait(ms)

    def _run(self) -> None:
        try:
            result = self._job(self.ctx, self._chunk)
        except GenerationCancelledError as exc:
            emit(self.failed, "Cancelled.", exc.partial_text, exc.record_id or "", "cancelled")
        except AuthorWorksError as exc:
            partial = getattr(exc, "partial_text", "") or ""
            record = getattr(exc, "record_id", "") or ""
            emit(self.failed, str(exc), partial, record, "error")
        except Exception as exc:  # never let a worker die silently
            emit(self.failed, f"generation failed: {type(exc).__name__}: {exc}", "", "", "error")
        else:
            emit(self.succeeded, result)
        finally:
            emit(self.done)

    def _chunk(self, text: str) -> None:
        emit(self.chunk, text)
