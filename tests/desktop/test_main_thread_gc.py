"""Cyclic garbage is collected on the GUI thread only (see desktop/runtime/main_thread_gc.py)."""

from __future__ import annotations

import gc
import threading
import weakref

from desktop.runtime.main_thread_gc import MainThreadGarbageCollector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_collector_turns_automatic_collection_off_and_collects_on_its_timer(qtbot, qapp) -> None:
    gc.enable()  # as in a fresh process: the collector must be what turns it off
    collector = MainThreadGarbageCollector(qapp, interval_ms=10)
    try:
        assert not gc.isenabled()
        freed_on: list[str] = []

        def make_garbage_in_a_worker() -> weakref.ref[_Node]:
            node = _Node()
            weakref.finalize(node, lambda: freed_on.append(threading.current_thread().name))
            for _ in range(collector.threshold[0] * 3):
                _Node()  # allocations that would trigger collection in this thread
            return weakref.ref(node)

        refs: list[weakref.ref[_Node]] = []
        worker = threading.Thread(target=lambda: refs.append(make_garbage_in_a_worker()))
        worker.start()
        worker.join()
        assert freed_on == []  # nothing was collected on the worker thread
        qtbot.waitUntil(lambda: refs[0]() is None, timeout=5000)
        assert freed_on == [threading.main_thread().name]
    finally:
        collector.deleteLater()
        gc.enable()


def test_the_first_check_freezes_what_start_up_made(qtbot, qapp) -> None:
    before = _Node()  # made while "starting"
    alive_before = weakref.ref(before)
    frozen_already = gc.get_freeze_count()  # another collector of this process may have frozen
    collector = MainThreadGarbageCollector(qapp, interval_ms=10, freeze_at_start=True)
    try:
        qtbot.waitUntil(lambda: gc.get_freeze_count() > frozen_already, timeout=5000)
        del before  # garbage now, but frozen: no collection looks at it again
        after = _Node()  # made once the application runs: collected as usual
        alive_after = weakref.ref(after)
        del after
        for _ in range(collector.threshold[0] * 2):
            _Node()  # enough allocations for the next check to collect
        qtbot.waitUntil(lambda: alive_after() is None, timeout=5000)
        gc.collect()
        assert alive_before() is not None
    finally:
        collector.deleteLater()
        gc.unfreeze()  # back to the oldest generation: the next full collection frees it
        gc.enable()
    gc.collect()
    assert alive_before() is None
