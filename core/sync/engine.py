"""The client sync engine: capture edits, push the outbox, pull the change feed.

``SyncEngine(library, api).sync()`` is one round. It is a core job: it reports progress and
checks the cancel token between batches. Every step commits on its own, so a failure at
any point (offline, server error, cancel) leaves the library consistent and the queue of
unsent updates intact; the next round carries on from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from core.ids import new_id
from core.jobs import JobContext
from core.store.library import Library
from core.sync.api import SyncApi
from core.sync.capture import CAPTURE_META, Captured, DocWrites, RowVersions, capture
from core.sync.errors import ResyncRequiredError
from core.sync.local_state import (
    CURSOR,
    DEVICE_ID,
    LAST_SYNC,
    get_meta,
    get_metas,
    outbox_size,
    set_meta,
    set_metas,
    sync_docs,
    sync_outbox,
)
from core.sync.materialise import apply_changes
from core.sync.protocol import DEFAULT_PULL_LIMIT, MAX_OPS_PER_PUSH, Op

# A push stays well under the server's body limit.
MAX_PUSH_BYTES = 4 * 1024 * 1024


@dataclass
class SyncReport:
    """What one sync round did."""

    captured: int = 0
    pushed: int = 0
    pulled: int = 0
    applied: int = 0
    queued: int = 0  # updates still waiting in the outbox
    resynced: bool = False


_DELETE_SENT = delete(sync_outbox).where(sync_outbox.c.op_id.in_(bindparam("ids", expanding=True)))
_NEXT_BATCH = select(sync_outbox).order_by(sync_outbox.c.seq).limit(bindparam("limit"))


class SyncEngine:
    """Syncs one library with one account on one server."""

    def __init__(
        self,
        library: Library,
        api: SyncApi,
        *,
        push_batch: int = MAX_OPS_PER_PUSH,
        pull_limit: int = DEFAULT_PULL_LIMIT,
    ) -> None:
        self.library = library
        self.api = api
        self.push_batch = push_batch
        self.pull_limit = pull_limit
        # Row versions known to match their documents (committed facts only): the rows the
        # last pull wrote are not read again by the next capture.
        self._versions = RowVersions()

    def device_id(self) -> str:
        """This library's device id (made on first use; the server's id once signed in)."""
        with self.library.session() as s:
            device = get_meta(s, DEVICE_ID)
            if not device:
                device = new_id()
                set_meta(s, DEVICE_ID, device)
        return device

    def capture(self) -> int:
        """Queue updates for everything edited since the last capture."""
        with self.library.session() as s:
            captured = capture(s, clean=self._versions.stamps)
        self._versions = captured.versions
        return captured.queued

    def pending(self) -> int:
        """How many updates wait in the outbox."""
        with self.library.session() as s:
            return outbox_size(s)

    def push(self, ctx: JobContext | None = None) -> int:
        """Send the outbox in batches; each acknowledged batch leaves the outbox."""
        return self._push(ctx or JobContext()).sent

    def _push(
        self,
        ctx: JobContext,
        *,
        report: SyncReport | None = None,
        last: Callable[[Session], object] | None = None,
        defer: bool = False,
    ) -> _Pushed:
        """Send the outbox in batches.

        The removal of a sent batch shares a unit of work with reading the next one; a batch
        sent again after a crash in between is a no-op on the server (ops are applied once by
        op id). The first unit of work reads the saved cursor and, given a ``report``,
        captures the edits first; ``last`` runs in the one that finds the outbox empty. With
        ``defer``, the removal of a last batch that emptied the outbox is left to the caller
        (:meth:`_Pushed.settle` in its next unit of work), so that a round of sync opens few
        units of work.

        When the server says the feed was at this device's cursor before a batch, everything
        up to its new cursor is this device's own (its ops, and squashed states of what it
        had): the cursor moves there, and the next pull does not fetch them back.
        """
        sent = 0
        total = 0
        acknowledged: list[str] = []
        cursor = saved = -1  # read in the first unit of work
        current = False  # the feed held nothing new for this device before the last batch
        while True:
            captured: Captured | None = None
            with self.library.session() as s:
                if saved < 0:
                    keys = (CURSOR, *CAPTURE_META) if report is not None else (CURSOR,)
                    meta = get_metas(s, *keys)
                    cursor = saved = int(meta.get(CURSOR) or 0)
                    if report is not None:
                        captured = capture(s, meta=meta, clean=self._versions.stamps)
                        report.captured = captured.queued
                if acknowledged:
                    # The last batch leaves the outbox in the same unit of work that reads
                    # the next one.
                    s.execute(_DELETE_SENT, {"ids": acknowledged})
                    acknowledged = []
                if cursor != saved:
                    set_metas(s, {CURSOR: str(cursor)})
                    saved = cursor
                rows = s.execute(_NEXT_BATCH, {"limit": self.push_batch}).all()
                # Counted only when there is more than one batch to send (an outbox that
                # is empty or fits in one batch is the common case and costs one query).
                if rows and not total:
                    total = outbox_size(s) if len(rows) >= self.push_batch else len(rows)
                if not rows and last is not None:
                    last(s)
            if captured is not None:
                self._versions = captured.versions  # committed
            ctx.check()
            if not rows:
                return _Pushed(sent, cursor, saved, current=current)
            batch: list[Op] = []
            size = 0
            for r in rows:
                if batch and size + len(r.update) > MAX_PUSH_BYTES:
                    break
                batch.append(Op(r.op_id, r.doc_id, r.kind, r.book_id, bytes(r.update)))
                size += len(r.update)
            answer = self.api.push(batch)
            previous = answer.get("previous_cursor")
            current = isinstance(previous, int) and previous == cursor
            if current:
                cursor = int(answer["cursor"])
            acknowledged = [o.op_id for o in batch]
            sent += len(batch)
            ctx.progress(sent, total, "sending changes")
            if defer and len(batch) == len(rows) < self.push_batch:
                # The outbox held nothing more when this batch was read.
                return _Pushed(sent, cursor, saved, acknowledged, current=current)

    def pull(self, ctx: JobContext | None = None) -> tuple[int, int]:
        """Page through the change feed from the saved cursor; (changes, rows written)."""
        with self.library.session() as s:
            cursor = int(get_meta(s, CURSOR, "0"))
        pulled, applied, _queued = self._pull(ctx or JobContext(), cursor, saved=cursor)
        return pulled, applied

    def _pull(
        self,
        ctx: JobContext,
        cursor: int,
        *,
        saved: int,
        first: Callable[[Session], object] | None = None,
        finish: bool = False,
    ) -> tuple[int, int, int]:
        """Page through the feed from ``cursor``; (changes, rows written, updates queued).

        ``saved`` is the cursor the library holds. Updates are queued when a pulled document
        had a local edit not yet captured: they still have to be sent. ``first`` runs in the
        first unit of work; with ``finish``, the last one records the time of this sync,
        unless updates were queued (then the push that sends them does).
        """
        pulled = applied = queued = 0
        while True:
            ctx.check()
            page = self.api.pull(cursor, self.pull_limit)
            last = not page.has_more
            if page.changes or page.cursor != saved or first is not None or (last and finish):
                clean: dict[str, str] = {}
                # Applying reads rows (to record edits made since the capture), merges and
                # writes them back: no other writer (the editor's autosave) may come between.
                unit = self.library.write_session if page.changes else self.library.session
                with unit() as s:
                    if first is not None:
                        first(s)
                    if page.changes:
                        result = apply_changes(s, page.changes, versions=self._versions)
                        applied += result.written
                        queued += result.queued
                        clean = result.clean
                    meta = {CURSOR: str(page.cursor)} if page.cursor != saved else {}
                    if last and finish and not queued:
                        meta[LAST_SYNC] = datetime.now(UTC).isoformat()
                    if meta:
                        set_metas(s, meta)
                first = None
                saved = page.cursor
                self._versions.stamps.update(clean)  # committed
            # else: nothing new (the common case when idle), so nothing to write.
            cursor = page.cursor
            pulled += len(page.changes)
            ctx.progress(pulled, 0, "receiving changes")
            if last:
                return pulled, applied, queued

    def reset_for_resync(self) -> None:
        """Start the feed again from zero and queue every document's full state.

        The server may have lost what it had (restored from a backup): sending full states
        costs one upload and loses nothing, since merging a state twice changes nothing.
        """
        with self.library.session() as s:
            set_meta(s, CURSOR, "0")
            writes = DocWrites()
            for r in s.execute(
                select(sync_docs.c.doc_id, sync_docs.c.kind, sync_docs.c.book_id, sync_docs.c.state)
            ):
                writes.queue(doc_id=r.doc_id, kind=r.kind, book_id=r.book_id, update=bytes(r.state))
            writes.write(s)

    def sync(self, ctx: JobContext | None = None) -> SyncReport:
        """One full round: capture, push, pull (re-syncing if the server asks), push again.

        There is no pull when the push shows the feed held nothing new for this device, and
        no second push unless the pull recorded local edits.
        """
        ctx = ctx or JobContext()
        report = SyncReport()

        # The capture shares a unit of work with reading the cursor and the first batch; the
        # removal of the last batch sent shares one with the pull.
        pushed = self._push(ctx, report=report, defer=True)
        report.pushed = pushed.sent
        if pushed.current:
            # The feed was at this device's cursor when the server took the push: everything
            # up to its new cursor is this device's own. A pull now could only bring what
            # arrived in the last moments, which the next round fetches: the round ends here.
            with self.library.session() as s:
                pushed.settle(s)
                set_metas(s, {CURSOR: str(pushed.cursor), LAST_SYNC: datetime.now(UTC).isoformat()})
            return report
        try:
            settle = pushed.settle if pushed.acknowledged else None
            report.pulled, report.applied, queued = self._pull(
                ctx, pushed.cursor, saved=pushed.saved, first=settle, finish=True
            )
        except ResyncRequiredError:
            self.reset_for_resync()
            report.resynced = True
            pushed = self._push(ctx)
            report.pushed += pushed.sent
            report.pulled, report.applied, queued = self._pull(
                ctx, pushed.cursor, saved=pushed.saved, finish=True
            )
        if queued:

            def finish(s: Session) -> None:
                # This unit of work has just found the outbox empty: report.queued stays 0.
                set_meta(s, LAST_SYNC, datetime.now(UTC).isoformat())

            # Local edits recorded while pulling are in the outbox: send them now.
            report.pushed += self._push(ctx, last=finish).sent
        return report


@dataclass
class _Pushed:
    """What a push did: updates sent, and where the feed stands for this device."""

    sent: int
    cursor: int  # the cursor to pull from
    saved: int  # the cursor the library holds
    # Acknowledged by the server, still in the outbox (see SyncEngine._push's ``defer``).
    acknowledged: list[str] = field(default_factory=list)
    # The server took the last batch with the feed at this device's cursor.
    current: bool = False

    def settle(self, session: Session) -> None:
        """Remove the acknowledged updates from the outbox."""
        if self.acknowledged:
            session.execute(_DELETE_SENT, {"ids": self.acknowledged})
            self.acknowledged = []
