"""Core jobs run off the UI thread: progress, result, failure and cancel as signals."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThreadPool

from core.errors import NotFoundError
from core.jobs import JobContext
from desktop.jobs.runner import JobRunner


def _start(qtbot, runner: JobRunner, signal_name: str):
    pool = QThreadPool()
    with qtbot.waitSignal(getattr(runner.signals, signal_name), timeout=10_000) as blocker:
        pool.start(runner)
    pool.waitForDone()
    return blocker.args


def test_result_and_progress_arrive_as_signals(qtbot) -> None:
    seen: list[tuple[int, int, str]] = []
    threads: list[threading.Thread] = []

    def job(ctx: JobContext) -> str:
        threads.append(threading.current_thread())
        ctx.progress(1, 2, "half")
        return "done"

    runner = JobRunner(job)
    runner.signals.progress.connect(lambda d, t, m: seen.append((d, t, m)))
    assert _start(qtbot, runner, "finished") == ["done"]
    qtbot.waitUntil(lambda: seen == [(1, 2, "half")])
    assert threads and threads[0] is not threading.main_thread()


def test_core_errors_become_their_message(qtbot) -> None:
    def job(ctx: JobContext) -> None:
        raise NotFoundError("no book with id 42")

    assert _start(qtbot, JobRunner(job), "failed") == ["no book with id 42"]


def test_unexpected_errors_are_reported_not_raised(qtbot) -> None:
    def job(ctx: JobContext) -> None:
        raise KeyError("oops")

    (message,) = _start(qtbot, JobRunner(job), "failed")
    assert message.startswith("Something went wrong") and "KeyError" in message


def test_a_cancelled_job_says_so(qtbot) -> None:
    def job(ctx: JobContext) -> str:
        ctx.check()
        return "should not finish"

    runner = JobRunner(job)
    runner.cancel()
    finished: list[object] = []
    runner.signals.finished.connect(finished.append)
    assert _start(qtbot, runner, "cancelled") == []
    assert finished == []
