"""The one way the desktop runs work off the UI thread.

A :class:`Background` belongs to a window or a dialog. It owns a thread pool, starts each core
job as a :class:`~desktop.jobs.runner.JobRunner`, keeps the runner alive until it has ended
(Python owns runners: Qt must not free one under a live reference), and on :meth:`close` asks
every job still running to stop and waits for them, so nothing writes to a library after the
window that asked for it has closed.

Work that must happen one piece at a time (the exports of one dialog, the saves of one library)
goes in a *lane*: jobs of a lane start in the order given, each after the one before has ended.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool

from desktop.jobs.runner import Job, JobRunner, StreamingJob

# Enough for a save, a search, a generation and an export at once on a two-core machine:
# the pool's default (one thread per core) would queue a save behind a long narration.
MIN_THREADS = 4


class Background(QObject):
    """Runs core jobs on its own thread pool; cancels and waits for them on :meth:`close`."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        ideal = QThreadPool.globalInstance().maxThreadCount()
        self.pool.setMaxThreadCount(max_threads or max(MIN_THREADS, ideal))
        self._running: set[JobRunner] = set()
        self._lanes: dict[str, deque[JobRunner]] = {}
        self._lane_of: dict[QObject, tuple[JobRunner, str | None]] = {}

    # -------------------------------------------------------------- starting

    def run(
        self,
        job: Job,
        *,
        description: str = "",
        lane: str | None = None,
        on_progress: Callable[[int, int, str], Any] | None = None,
        on_done: Callable[[Any], Any] | None = None,
        on_failed: Callable[[str], Any] | None = None,
        on_cancelled: Callable[[], Any] | None = None,
        on_error: Callable[[BaseException], Any] | None = None,
        on_ended: Callable[[], Any] | None = None,
    ) -> JobRunner:
        """Start ``job``; the callbacks are called on the UI thread as it reports."""
        runner = JobRunner(job, description=description)
        return self._start(runner, lane, on_progress, on_done, on_failed, on_cancelled,
                           on_error, on_ended)  # fmt: skip

    def stream(
        self,
        job: StreamingJob,
        *,
        description: str = "",
        on_text: Callable[[str], Any],
        on_progress: Callable[[int, int, str], Any] | None = None,
        on_done: Callable[[Any], Any] | None = None,
        on_failed: Callable[[str], Any] | None = None,
        on_cancelled: Callable[[], Any] | None = None,
        on_error: Callable[[BaseException], Any] | None = None,
        on_ended: Callable[[], Any] | None = None,
    ) -> JobRunner:
        """Start a job that streams text (``job(ctx, send)``); ``on_text`` gets each piece."""
        runner = JobRunner.streaming(job, description=description)
        runner.signals.text.connect(on_text)
        return self._start(runner, None, on_progress, on_done, on_failed, on_cancelled,
                           on_error, on_ended)  # fmt: skip

    def _start(
        self,
        runner: JobRunner,
        lane: str | None,
        on_progress: Callable[[int, int, str], Any] | None,
        on_done: Callable[[Any], Any] | None,
        on_failed: Callable[[str], Any] | None,
        on_cancelled: Callable[[], Any] | None,
        on_error: Callable[[BaseException], Any] | None,
        on_ended: Callable[[], Any] | None,
    ) -> JobRunner:
        signals = runner.signals
        for signal, slot in ((signals.progress, on_progress), (signals.finished, on_done),
                             (signals.failed, on_failed), (signals.cancelled, on_cancelled),
                             (signals.error, on_error), (signals.ended, on_ended)):  # fmt: skip
            if slot is not None:
                signal.connect(slot)
        # Connected last: a job's own "ended" slot runs before the next one in its lane starts.
        # A bound method, not a lambda: if this background is deleted first, Qt drops the call.
        self._lane_of[signals] = (runner, lane)
        signals.ended.connect(self._on_runner_ended)
        self._running.add(runner)
        if lane is None:
            self.pool.start(runner)
        else:
            queue = self._lanes.setdefault(lane, deque())
            queue.append(runner)
            if len(queue) == 1:
                self.pool.start(runner)
        return runner

    def _on_runner_ended(self) -> None:
        found = self._lane_of.pop(self.sender(), None)
        if found is not None:
            self._ended(*found)

    def _ended(self, runner: JobRunner, lane: str | None) -> None:
        self._running.discard(runner)
        if lane is not None:
            queue = self._lanes.get(lane)
            if queue and queue[0] is runner:
                queue.popleft()
                if queue:
                    self.pool.start(queue[0])

    # -------------------------------------------------------------- state and stopping

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def lane_busy(self, lane: str) -> bool:
        """Whether a job of ``lane`` runs or waits its turn."""
        return bool(self._lanes.get(lane))

    def cancel_all(self) -> None:
        for runner in list(self._running):
            runner.cancel()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until the jobs started have ended (True) or ``timeout_ms`` passed."""
        return bool(self.pool.waitForDone(timeout_ms))

    def close(self, timeout_ms: int = 10_000) -> bool:
        """Cancel what runs and wait for it: a cancelled job rolls back at its next check.

        The background can be used again afterwards (a dialog that is shown again)."""
        self.cancel_all()
        # Jobs still waiting in a lane were cancelled above: when their turn comes they end at
        # once, saying "cancelled", without touching anything.
        return self.wait(timeout_ms)


_shared: Background | None = None


def shared_background() -> Background:
    """The application's own background, for small work that belongs to no window (loading a
    spelling dictionary); :func:`desktop.app.create_application` closes it at quit."""
    global _shared
    if _shared is None:
        _shared = Background()
    return _shared


def close_shared_background(timeout_ms: int = 10_000) -> None:
    global _shared
    if _shared is not None:
        _shared.close(timeout_ms)
        _shared = None
