"""Autosave: debounced, written off the UI thread, and never losing text on a failed write.

The editor reports each edit as (scene id, revision). :class:`Autosaver` waits until the
writer pauses (``IDLE_MS``) but never longer than ``MAX_DELAY_MS`` after the first unsaved
edit, then takes the text on the UI thread (a string copy) and hands (scene id, text,
revision) to :class:`SaveWorker`, which writes with its own library sessions off the UI thread
(one job at a time, on a :class:`~desktop.jobs.background.Background` of one thread). A kill at any
moment loses at most the typing since the last hand-over plus one write.

A failed write (read-only disk, full disk, a locked database) keeps the text in memory,
writes it to a recovery file under the user data folder, reports a one-line message, and
is retried on the next edit or with :meth:`Autosaver.retry`.

Research notes are saved the same way: :meth:`Autosaver.track` is told the kind ("scene" or
"note") of what the editor shows, and each request carries it. Ids are UUIDs, unique across
scenes and notes, so the bookkeeping by id below serves both. A note's words count towards
nothing but the note (no chapter, book or daily total).

A sync may change a scene's stored text while the editor holds edits not yet saved. Each
request carries the text its editor started from (the base, with an id that changes when the
editor takes a new base); the worker remembers, per base, the text it last wrote from that
editor. When the stored text is not that text, someone else wrote it, and the worker saves a
three-way merge (:func:`core.sync.text_merge.merge_text`) instead of overwriting, and reports
the merged text so that the editor can take in the other side's changes.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from core.errors import AuthorWorksError
from core.store import Library
from core.store.saving import save_text
from desktop.jobs.background import Background

_log = logging.getLogger(__name__)
IDLE_MS = 600
MAX_DELAY_MS = 1500


@dataclass(frozen=True)
class SaveRequest:
    scene_id: str  # the scene's id, or the note's for kind "note"
    text: str
    revision: int
    kind: str = "scene"  # "scene" or "note"
    base: str | None = None  # the stored text the editor's text was made from
    base_id: int = 0  # changes whenever the editor takes a new base
    # The scene's live document (bound to its room), whose text is ``text``: stored with it
    # (see core.sync.live_store), and no merge by text is needed.
    live_state: bytes | None = None


@dataclass(frozen=True)
class SaveResult:
    scene_id: str
    revision: int
    scene_words: int
    chapter_id: str  # empty for a note
    chapter_words: int
    book_id: str
    book_words: int
    kind: str = "scene"
    merged: str | None = None  # the text stored, when it is a merge with another writer's
    live_state: bytes | None = None  # a live scene's merged state, when it holds more


def recovery_dir() -> Path:
    """Where unsaved scene text goes when the library cannot be written."""
    from platformdirs import user_data_path

    return user_data_path("AuthorWorks", appauthor=False) / "recovery"


def write_recovery_file(request: SaveRequest, folder: Path | None = None) -> Path:
    """Write the scene text beside the library's failures, atomically; returns the path."""
    folder = folder or recovery_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{request.kind}-{request.scene_id}.md"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".recovery-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(request.text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _describe(exc: BaseException) -> str:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "the library is on a read-only disk or folder"
    if "full" in text or "no space" in text:
        return "the disk is full"
    if "locked" in text or "busy" in text:
        return "the library is locked by another program"
    if isinstance(exc, AuthorWorksError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


class SaveSignals(QObject):
    saved = Signal(object)  # SaveResult
    failed = Signal(str, int, str)  # scene id, revision, message


class SaveWorker:
    """Writes scene text off the UI thread; queued requests for the same scene collapse.

    Requests wait in a queue; while there are any, one job on the worker's own one-thread
    :class:`~desktop.jobs.background.Background` drains it. Its own, so no other owner's close
    or cancel can stop a save half-way: only :meth:`stop`, after the queue is written.
    """

    def __init__(self, library: Library, recovery_folder: Path | None = None) -> None:
        self.library = library
        self.signals = SaveSignals()
        self.recovery_folder = recovery_folder
        self.background = Background(max_threads=1)
        self._lock = threading.Lock()
        self._queue: list[SaveRequest] = []
        self._draining = False
        self._idle = threading.Event()
        self._idle.set()
        # id -> (base id, text last written from that base's editor); touched by the drain only
        self._written: dict[str, tuple[int, str]] = {}

    def submit(self, request: SaveRequest) -> None:
        with self._lock:
            self._queue.append(request)
            self._idle.clear()
            if self._draining:
                return  # the running drain takes it
            self._draining = True
        self.background.run(self._drain, description="autosave")

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every submitted request is written (or failed)."""
        return self._idle.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        self.wait_idle(timeout)
        self.background.close(int(timeout * 1000))

    def _next_batch(self) -> list[SaveRequest]:
        with self._lock:
            items, self._queue = self._queue, []
            if not items:
                self._draining = False
                self._idle.set()
        latest: dict[str, SaveRequest] = {}
        for item in items:
            latest[item.scene_id] = item  # only the newest text of a scene matters
        return list(latest.values())

    def _drain(self, _ctx: object) -> None:
        try:
            while batch := self._next_batch():
                for request in batch:
                    self._write(request)
        except BaseException:
            # _write keeps every failure to itself; this is for the impossible, so that a
            # later request still finds nobody draining and starts a new drain.
            with self._lock:
                self._draining = False
                self._idle.set()
            raise

    def _base_of(self, request: SaveRequest) -> str | None:
        """The stored text the request's text was made from (None: write it as it is)."""
        if request.base is None:
            return None
        base_id, written = self._written.get(request.scene_id, (None, ""))
        # Until this editor's first write lands, its text was made from the base it loaded.
        return written if base_id == request.base_id else request.base

    def _save(self, request: SaveRequest) -> SaveResult:
        if request.live_state is not None:
            return self._save_live(request)
        with self.library.write_session() as session:  # read, merge, write: no writer between
            saved = save_text(
                session,
                kind=request.kind,
                item_id=request.scene_id,
                text=request.text,
                base=self._base_of(request),
            )
        return SaveResult(
            saved.id, request.revision, saved.words, saved.chapter_id, saved.chapter_words,
            saved.book_id, saved.book_words, kind=saved.kind, merged=saved.merged,
        )  # fmt: skip

    def _save_live(self, request: SaveRequest) -> SaveResult:
        from core.sync.live_store import save_live_text

        assert request.live_state is not None
        with self.library.write_session() as session:
            done = save_live_text(
                session, kind=request.kind, item_id=request.scene_id, state=request.live_state
            )
        saved = done.saved
        return SaveResult(
            saved.id, request.revision, saved.words, saved.chapter_id, saved.chapter_words,
            saved.book_id, saved.book_words, kind=saved.kind, live_state=done.state,
        )  # fmt: skip

    def _write(self, request: SaveRequest) -> None:
        try:
            result = self._save(request)
        except Exception as exc:  # any failure must keep the text: never lose it
            _log.warning("autosave of %s %s failed: %s", request.kind, request.scene_id, exc)
            message = f"Not saved: {_describe(exc)}."
            try:
                path = write_recovery_file(request, self.recovery_folder)
                message += f" The text is safe in the editor and in {path}."
            except OSError as file_exc:
                message += (
                    f" The text is safe in the editor (no recovery file: {file_exc.strerror})."
                )
            self.signals.failed.emit(request.scene_id, request.revision, message)
            return
        # What the editor's next text is made from (its own text, not the merge: the editor
        # takes the merge in as a new base, or a newer request's merge brings it).
        self._written[request.scene_id] = (request.base_id, request.text)
        self.signals.saved.emit(result)


class Autosaver(QObject):
    """Debounces edits and reports ``state`` ("saved", "saving", "unsaved", "error")."""

    state_changed = Signal(str, str)  # state, message
    saved = Signal(object)  # SaveResult
    # id, the text the editor sent, the merge stored in its place (see the module's doc)
    merged = Signal(str, str, str)
    # id, the merged state of a live scene that holds more than the editor's (a pull)
    live_merged = Signal(str, bytes)

    def __init__(
        self,
        library: Library,
        parent: QObject | None = None,
        *,
        recovery_folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = SaveWorker(library, recovery_folder)
        self.worker.signals.saved.connect(self._on_saved)
        self.worker.signals.failed.connect(self._on_failed)
        self._text_source: dict[str, object] = {}
        self._edited: dict[str, int] = {}  # scene id -> newest revision edited
        self._written: dict[str, int] = {}  # scene id -> newest revision written
        self._in_flight: dict[str, SaveRequest] = {}  # handed over, not yet written
        self._failed: set[str] = set()
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_MS)
        self._idle.timeout.connect(self.save_now)
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(MAX_DELAY_MS)
        self._deadline.timeout.connect(self.save_now)
        self._current: tuple[str, object] | None = None
        self._current_kind = "scene"
        self._bases: dict[str, tuple[int, str]] = {}  # id -> (base id, stored text it was)
        self._base_ids = 0
        self.state = "saved"
        # Set while a scene is bound to its live room: its document's state, by id.
        self.live_state_of: Callable[[str], bytes | None] | None = None

    def _set_state(self, state: str, message: str = "") -> None:
        self.state = state
        self.state_changed.emit(state, message)

    def track(
        self, scene_id: str, get_text: object, kind: str = "scene", *, base: str | None = None
    ) -> None:
        """The scene (or note, by ``kind``) now in the editor; ``get_text()`` returns its text.

        ``base``: the stored text the editor was loaded with (None when it was loaded with
        text still waiting to be written, whose base is already known).
        """
        self._current = (scene_id, get_text)
        self._current_kind = kind
        # The scenes left with nothing waiting to be written need no base: opened again, they
        # are loaded (and based) afresh. Kept, the bases would hold every scene's text seen.
        for other in [sid for sid in self._bases if sid != scene_id]:
            if not self.has_unsaved_text(other):
                del self._bases[other]
        if base is not None and scene_id:
            self.rebase(scene_id, base)

    def rebase(self, scene_id: str, text: str) -> None:
        """The editor's text for ``scene_id`` is now made from ``text``, as stored."""
        self._base_ids += 1
        self._bases[scene_id] = (self._base_ids, text)

    def base(self, scene_id: str) -> str | None:
        """The stored text the editor's text for ``scene_id`` was made from, if known."""
        known = self._bases.get(scene_id)
        return known[1] if known is not None else None

    def note_edit(self, scene_id: str, revision: int) -> None:
        self._edited[scene_id] = revision
        self._idle.start()
        if not self._deadline.isActive():
            self._deadline.start()
        if self.state != "error":
            self._set_state("unsaved")

    def save_now(self) -> None:
        """Hand the current scene's text to the worker if it has unsaved edits."""
        self._idle.stop()
        self._deadline.stop()
        if self._current is None:
            return
        scene_id, get_text = self._current
        revision = self._edited.get(scene_id, 0)
        if revision <= self._written.get(scene_id, 0):
            return
        pending = self._in_flight.get(scene_id)
        if pending is not None and pending.revision >= revision:
            return
        assert callable(get_text)
        base_id, base = self._bases.get(scene_id, (0, None))
        live = self.live_state_of(scene_id) if self.live_state_of is not None else None
        request = SaveRequest(
            scene_id,
            str(get_text()),
            revision,
            self._current_kind,
            base=base,
            base_id=base_id,
            live_state=live,
        )
        self._in_flight[scene_id] = request
        if self.state != "error":
            self._set_state("saving")
        self.worker.submit(request)

    def pending_text(self, scene_id: str) -> str | None:
        """Text handed over but not yet written (or failed): newer than the library's."""
        request = self._in_flight.get(scene_id)
        return request.text if request is not None else None

    def has_unsaved_text(self, scene_id: str) -> bool:
        """Edits to ``scene_id`` not yet written (waiting, in flight or failed)."""
        return scene_id in self._in_flight or self._edited.get(scene_id, 0) > self._written.get(
            scene_id, 0
        )

    def has_unsaved(self) -> bool:
        return bool(self._in_flight) or any(
            rev > self._written.get(sid, 0) for sid, rev in self._edited.items()
        )

    def flush(self, timeout: float = 10.0) -> bool:
        """Save now and wait for the write (closing the window, switching library)."""
        self.save_now()
        done = self.worker.wait_idle(timeout)
        # Deliver the worker's reports now (queued to this object), without running the
        # rest of the event loop from inside whatever called us.
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return done and not self._failed

    def retry(self) -> None:
        """Write again what failed (after the writer freed disk space, say)."""
        for scene_id in list(self._failed):
            request = self._in_flight.get(scene_id)
            if request is not None:
                self.worker.submit(request)
        self.save_now()

    def close(self) -> None:
        self.flush()
        self.worker.stop()

    def _on_saved(self, result: SaveResult) -> None:
        self._written[result.scene_id] = max(self._written.get(result.scene_id, 0), result.revision)
        pending = self._in_flight.get(result.scene_id)
        if pending is not None and pending.revision <= result.revision:
            del self._in_flight[result.scene_id]
            if result.live_state is not None:
                self.live_merged.emit(result.scene_id, result.live_state)
            if result.merged is not None:
                # Only for the newest request: a newer one in flight brings its own merge,
                # made from its own text.
                self.merged.emit(result.scene_id, pending.text, result.merged)
            elif result.scene_id in self._bases:
                # Stored as sent: the editor's text is now made from it (the worker, which
                # remembers what it wrote under this base id, agrees).
                self._bases[result.scene_id] = (self._bases[result.scene_id][0], pending.text)
        self._failed.discard(result.scene_id)
        self.saved.emit(result)
        if not self._failed:
            busy = bool(self._in_flight) or self._idle.isActive()
            self._set_state("saving" if self._in_flight else "unsaved" if busy else "saved")

    def _on_failed(self, scene_id: str, revision: int, message: str) -> None:
        self._failed.add(scene_id)
        self._set_state("error", message)
