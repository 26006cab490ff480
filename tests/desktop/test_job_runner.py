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


# ---------------------------------------------------------------------- Background


def test_a_lane_runs_its_jobs_one_after_another_in_order(qtbot) -> None:
    import time

    from desktop.jobs.background import Background

    background = Background()
    log: list[str] = []
    inside = threading.Lock()
    overlaps: list[str] = []

    def job(name: str):
        def run(_ctx: JobContext) -> str:
            if not inside.acquire(blocking=False):
                overlaps.append(name)
                return name
            try:
                log.append(f"start {name}")
                time.sleep(0.03)
                log.append(f"end {name}")
            finally:
                inside.release()
            return name

        return run

    done: list[str] = []
    for name in ("a", "b", "c"):
        background.run(job(name), lane="library", on_done=done.append)
    assert background.lane_busy("library")
    qtbot.waitUntil(lambda: len(done) == 3, timeout=10_000)
    assert overlaps == []
    assert log == ["start a", "end a", "start b", "end b", "start c", "end c"]
    assert done == ["a", "b", "c"]
    qtbot.waitUntil(lambda: not background.busy)
    assert not background.lane_busy("library")


def test_close_cancels_running_and_waiting_jobs_and_waits(qtbot) -> None:
    from desktop.jobs.background import Background

    background = Background()
    started = threading.Event()
    ran: list[str] = []
    cancelled: list[str] = []

    def long_job(ctx: JobContext) -> None:
        started.set()
        while True:
            ctx.check()
            threading.Event().wait(0.01)

    def second(_ctx: JobContext) -> None:
        ran.append("second")  # cancelled while it waited: must never run

    background.run(long_job, lane="x", on_cancelled=lambda: cancelled.append("long"))
    background.run(second, lane="x", on_cancelled=lambda: cancelled.append("second"))
    assert started.wait(5)
    assert background.close(5000)
    qtbot.waitUntil(lambda: cancelled == ["long", "second"], timeout=10_000)
    assert ran == []
    assert not background.busy


def test_a_streaming_job_sends_text_then_its_result(qtbot) -> None:
    from desktop.jobs.background import Background

    background = Background()
    pieces: list[str] = []
    results: list[str] = []

    def job(_ctx: JobContext, send) -> str:
        for word in ("Once ", "upon ", "a time"):
            send(word)
        return "whole"

    background.stream(job, on_text=pieces.append, on_done=results.append)
    qtbot.waitUntil(lambda: results == ["whole"], timeout=10_000)
    assert "".join(pieces) == "Once upon a time"


def test_an_error_carries_the_exception_for_what_it_holds(qtbot) -> None:
    from desktop.jobs.background import Background

    background = Background()
    errors: list[BaseException] = []
    messages: list[str] = []

    def job(_ctx: JobContext) -> None:
        raise NotFoundError("no such scene")

    background.run(job, on_error=errors.append, on_failed=messages.append)
    qtbot.waitUntil(lambda: messages == ["no such scene"], timeout=10_000)
    assert isinstance(errors[0], NotFoundError)
