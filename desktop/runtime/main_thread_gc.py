"""Cyclic garbage collection on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold is
crossed. If that is a worker thread (an export, a narration, autosave) and the cycle holds the
wrapper of a Qt object that lives in the GUI thread, the object is destroyed from the wrong
thread and Qt crashes (seen as a segmentation fault inside an export job). So automatic
collection is switched off and the GUI thread collects on a timer, with the same thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadGarbageCollector(QObject):
    """Owns cyclic collection while it lives; create it on the GUI thread."""

    def __init__(
        self,
        parent: QObject | None = None,
        interval_ms: int = INTERVAL_MS,
        *,
        freeze_at_start: bool = False,
    ) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._freeze_pending = freeze_at_start
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        if self._freeze_pending:
            # The first check comes once the application runs its event loop: what exists by
            # then (modules, the main window, the library's mappings) lives as long as the
            # process. Frozen, no collection goes over it again; collected, it would hold the
            # UI for 20-40 ms (in the middle of a scene switch, say), and again at every full
            # collection. The few hundred objects that are already garbage then stay.
            self._freeze_pending = False
            gc.freeze()
            return
        count0, count1, count2 = gc.get_count()
        if count0 <= self.threshold[0]:
            return
        generation = 0
        if count1 > self.threshold[1]:
            generation = 2 if count2 > self.threshold[2] else 1
        gc.collect(generation)


def collect_on_gui_thread(parent: QObject) -> MainThreadGarbageCollector:
    """Switch automatic collection off and collect from ``parent``'s (GUI) thread instead;
    the objects made while the application starts are frozen (see ``check``)."""
    return MainThreadGarbageCollector(parent, freeze_at_start=True)
