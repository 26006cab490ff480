"""Rendering clips into the cache, in parallel, with progress and cancel.

With one worker, clips render in the calling thread. With N, the calling thread renders too
and N - 1 worker processes help, each with its own engine: speech libraries (libespeak-ng,
SAPI5) keep global state and serve one thread at a time, and processes also sidestep the GIL.
Processes are started with ``spawn``, which is safe beside Qt threads on every platform, and
kept for the next job. A cancelled render stops handing out clips; the clips already finished
stay in the cache, so the next run picks up where this one stopped.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from core.jobs import JobContext
from core.narration.audio import conform, normalise, trim_silence
from core.narration.cache import ClipCache
from core.narration.engines import AudioClip, VoiceSettings, get_engine
from core.narration.errors import NarrationError


@dataclass(frozen=True)
class ClipTask:
    """One clip to render: its cache key, text and voice."""

    key: str
    text: str
    voice: VoiceSettings


@dataclass
class RenderStats:
    """What a render did."""

    rendered: int = 0
    reused: int = 0
    seconds: float = 0.0


def default_workers() -> int:
    """Workers to use when none is asked for: the cores, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def speak_clip(task: ClipTask, *, engine_name: str) -> AudioClip:
    """The engine's audio for one clip, as it comes (before trimming and loudness)."""
    engine = get_engine(engine_name)
    try:
        return engine.synthesize(task.text, task.voice)
    except NarrationError:
        raise
    except Exception as exc:  # an engine's own failure: say which text it could not speak
        raise NarrationError(f"{engine_name} could not speak {task.text[:40]!r}: {exc}") from exc


def store_clip(
    key: str, spoken: AudioClip, *, engine_name: str, cache_root: str, sample_rate: int
) -> str:
    """Trim, normalise and cache a spoken clip; returns its key."""
    clip = normalise(trim_silence(conform(spoken, sample_rate)))
    ClipCache(Path(cache_root), engine=engine_name, sample_rate=sample_rate).store(key, clip)
    return key


def render_one(task: ClipTask, *, engine_name: str, cache_root: str, sample_rate: int) -> str:
    """Render one clip into the cache (runs in the caller or a worker process)."""
    spoken = speak_clip(task, engine_name=engine_name)
    return store_clip(
        task.key, spoken, engine_name=engine_name, cache_root=cache_root, sample_rate=sample_rate
    )


def _warm_worker(engine_name: str) -> None:
    get_engine(engine_name)  # load the engine once per process, before the first clip


def render_paragraphs(
    paragraphs: Sequence[Sequence[ClipTask]],
    *,
    cache: ClipCache,
    ctx: JobContext,
    workers: int = 1,
) -> RenderStats:
    """Make sure every clip of every paragraph is in the cache.

    Progress is reported as paragraphs done of the total, with an estimate of the time left.
    Raises JobCancelledError when cancelled (finished clips stay cached).
    """
    started = time.monotonic()
    stats = RenderStats()
    pending: dict[str, ClipTask] = {}
    waiting: list[set[str]] = []  # per paragraph: the keys it still needs
    for para in paragraphs:
        needed = {t.key for t in para if not cache.has(t.key)}
        stats.reused += len({t.key for t in para}) - len(needed)
        for t in para:
            if t.key in needed:
                pending.setdefault(t.key, t)
        waiting.append(needed)
    total = len(paragraphs)
    done_keys: set[str] = set()
    # Paragraphs done, kept as a count (not recounted per clip, which is quadratic in a book).
    outstanding = [len(need) for need in waiting]
    needed_by: dict[str, list[int]] = {}
    for index, need in enumerate(waiting):
        for key in need:
            needed_by.setdefault(key, []).append(index)
    done = outstanding.count(0)

    def report() -> None:
        elapsed = time.monotonic() - started
        left = ""
        if done_keys and len(pending) > len(done_keys):
            per_clip = elapsed / len(done_keys)
            left = f", about {_format_seconds(per_clip * (len(pending) - len(done_keys)))} left"
        ctx.progress(done, total, f"Narrating: {done}/{total} paragraphs{left}")

    report()

    def on_done(key: str) -> None:
        nonlocal done
        if key not in done_keys:
            for index in needed_by.get(key, ()):
                outstanding[index] -= 1
                if outstanding[index] == 0:
                    done += 1
        done_keys.add(key)
        stats.rendered += 1
        report()

    tasks = list(pending.values())
    kwargs: dict[str, Any] = {
        "engine_name": cache.engine,
        "cache_root": str(cache.root),
        "sample_rate": cache.sample_rate,
    }
    if workers <= 1 or len(tasks) <= 1:
        _render_here(tasks, kwargs, ctx, on_done)
    else:
        _render_in_pool(tasks, kwargs, min(workers, len(tasks)), ctx, on_done)
    stats.seconds = time.monotonic() - started
    return stats


def _render_here(
    tasks: list[ClipTask],
    kwargs: dict[str, Any],
    ctx: JobContext,
    on_done: Callable[[str], None],
) -> None:
    """Render in the calling thread, one clip after another.

    Each clip's trimming, loudness and cache write run in a helper thread while the engine
    speaks the next clip (the speech library runs without the GIL), so they add little to the
    render's time. Progress and cancel stay in the calling thread; a cancelled render lets the
    clip already spoken finish into the cache.
    """
    engine_name = kwargs["engine_name"]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="aw-narration-store") as storer:
        previous: Future[str] | None = None
        for task in tasks:
            ctx.check()
            spoken = speak_clip(task, engine_name=engine_name)
            stored = storer.submit(store_clip, task.key, spoken, **kwargs)
            if previous is not None:
                on_done(previous.result())
            previous = stored
        if previous is not None:
            on_done(previous.result())


_pools: dict[tuple[str, int], ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


def worker_pool(engine_name: str, processes: int) -> ProcessPoolExecutor:
    """The process's pool of speech workers, kept between jobs so that they start only once."""
    with _pools_lock:
        key = (engine_name, processes)
        pool = _pools.get(key)
        if pool is None:
            for other in _pools.values():
                other.shutdown(wait=False, cancel_futures=True)
            _pools.clear()
            pool = _pools[key] = ProcessPoolExecutor(
                max_workers=processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=partial(_warm_worker, engine_name),
            )
        return pool


def shutdown_worker_pools() -> None:
    """Stop the speech worker processes (they are started again when needed)."""
    with _pools_lock:
        for pool in _pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
        _pools.clear()


def _render_in_pool(
    tasks: list[ClipTask],
    kwargs: dict[str, Any],
    workers: int,
    ctx: JobContext,
    on_done: Callable[[str], None],
) -> None:
    """Render with the calling thread plus ``workers - 1`` processes.

    The calling thread starts at once, so the processes' start-up is never waited for; and
    when the queue is empty it takes back clips the processes have not begun.
    """
    pool = worker_pool(kwargs["engine_name"], workers - 1)
    queue = deque(tasks)
    running: dict[Future[str], ClipTask] = {}

    def collect() -> None:
        for fut in [f for f in running if f.done()]:
            running.pop(fut)
            try:
                key = fut.result()
            except BrokenProcessPool as exc:
                shutdown_worker_pools()
                raise NarrationError("a speech worker process stopped unexpectedly") from exc
            except NarrationError:
                raise
            except Exception as exc:
                raise NarrationError(f"speech engine failed: {exc}") from exc
            on_done(key)

    def render_here(task: ClipTask) -> None:
        render_one(task, **kwargs)
        on_done(task.key)

    try:
        while queue or running:
            ctx.check()
            # Keep each process two clips ahead: enough to stay busy, few to take back.
            while queue and len(running) < (workers - 1) * 2:
                task = queue.popleft()
                running[pool.submit(render_one, task, **kwargs)] = task
            if queue:
                render_here(queue.popleft())
            else:
                stolen = next((f for f in list(running) if f.cancel()), None)
                if stolen is not None:
                    render_here(running.pop(stolen))
                else:
                    wait(list(running), timeout=0.2, return_when=FIRST_COMPLETED)
            collect()
    except BaseException:
        # Cancelled or failed: drop queued clips, let the few in flight finish into the cache.
        for fut in running:
            fut.cancel()
        wait([f for f in running if not f.cancelled()], timeout=60)
        raise


def _format_seconds(value: float) -> str:
    seconds = round(value)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
