"""The client sync engine: capture edits, push the outbox, pull the change feed.

``SyncEngine(library, api).sync()`` is one round. It is a core job: it reports progress and
checks the cancel token between batches. Every step commits on its own, so a failure at
any point (offline, server error, cancel) leaves the library consistent and the queue of
unsent updates intact; the next round carries on from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.ids import new_id
from core.jobs import JobContext
from core.store.library import Library
from core.sync.api import SyncApi
from core.sync.capture import DocWrites, capture_changes
from core.sync.errors import ResyncRequiredError
from core.sync.local_state import get_meta, outbox_size, set_meta, sync_docs, sync_outbox
from core.sync.materialise import materialise_pending, merge_changes
from core.sync.protocol import DEFAULT_PULL_LIMIT, MAX_OPS_PER_PUSH, Op

CURSOR = "cursor"
DEVICE_ID = "device_id"
LAST_SYNC = "last_sync"
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
            return capture_changes(s)

    def pending(self) -> int:
        """How many updates wait in the outbox."""
        with self.library.session() as s:
            return outbox_size(s)

    def push(self, ctx: JobContext | None = None) -> int:
        """Send the outbox in batches; each acknowledged batch leaves the outbox."""
        return self._push(ctx or JobContext())

    def _push(
        self,
        ctx: JobContext,
        *,
        first: Callable[[Session], object] | None = None,
        last: Callable[[Session], object] | None = None,
    ) -> int:
        """Send the outbox in batches; each acknowledged batch leaves the outbox.

        The removal shares a unit of work with reading the next batch; a batch sent again
        after a crash in between is a no-op on the server (ops are applied once by op id).
        ``first`` runs in the unit of work that reads the first batch, ``last`` in the one
        that finds the outbox empty, so that a round of sync opens few units of work.
        """
        sent = 0
        total = 0
        acknowledged: list[str] = []
        while True:
            with self.library.session() as s:
                if first is not None:
                    first(s)
                    first = None
                if acknowledged:
                    # The last batch leaves the outbox in the same unit of work that reads
                    # the next one.
                    s.execute(delete(sync_outbox).where(sync_outbox.c.op_id.in_(acknowledged)))
                    acknowledged = []
                rows = s.execute(
                    select(sync_outbox).order_by(sync_outbox.c.seq).limit(self.push_batch)
                ).all()
                # Counted only when there is more than one batch to send (an outbox that
                # is empty or fits in one batch is the common case and costs one query).
                if rows and not total:
                    total = outbox_size(s) if len(rows) >= self.push_batch else len(rows)
                if not rows and last is not None:
                    last(s)
            ctx.check()
            if not rows:
                return sent
            batch: list[Op] = []
            size = 0
            for r in rows:
                if batch and size + len(r.update) > MAX_PUSH_BYTES:
                    break
                batch.append(Op(r.op_id, r.doc_id, r.kind, r.book_id, bytes(r.update)))
                size += len(r.update)
            self.api.push(batch)
            acknowledged = [o.op_id for o in batch]
            sent += len(batch)
            ctx.progress(sent, total, "sending changes")

    def pull(self, ctx: JobContext | None = None) -> tuple[int, int]:
        """Page through the change feed from the saved cursor; (changes, rows written)."""
        with self.library.session() as s:
            cursor = int(get_meta(s, CURSOR, "0"))
        return self._pull(ctx or JobContext(), cursor)

    def _pull(self, ctx: JobContext, cursor: int) -> tuple[int, int]:
        pulled = applied = 0
        while True:
            ctx.check()
            page = self.api.pull(cursor, self.pull_limit)
            if page.changes or page.cursor != cursor:
                with self.library.session() as s:
                    # Documents waiting for a parent can only be written once a page
                    # brings something new.
                    if merge_changes(s, page.changes):
                        applied += materialise_pending(s)
                    set_meta(s, CURSOR, str(page.cursor))
            # else: nothing new (the common case when idle), so nothing to write.
            cursor = page.cursor
            pulled += len(page.changes)
            ctx.progress(pulled, 0, "receiving changes")
            if not page.has_more:
                return pulled, applied

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
        """One full round: capture, push, pull (re-syncing if the server asks), push again."""
        ctx = ctx or JobContext()
        report = SyncReport()
        cursor = 0

        def capture(s: Session) -> None:
            report.captured = capture_changes(s)

        def read_cursor(s: Session) -> None:
            nonlocal cursor
            cursor = int(get_meta(s, CURSOR, "0"))

        # The capture shares a unit of work with reading the first batch to send, the cursor
        # with finding the outbox empty.
        report.pushed = self._push(ctx, first=capture, last=read_cursor)
        try:
            report.pulled, report.applied = self._pull(ctx, cursor)
        except ResyncRequiredError:
            self.reset_for_resync()
            report.resynced = True
            report.pushed += self.push(ctx)
            report.pulled, report.applied = self.pull(ctx)

        def finish(s: Session) -> None:
            # This unit of work has just found the outbox empty: report.queued stays 0.
            set_meta(s, LAST_SYNC, datetime.now(UTC).isoformat())

        # Edits made while pulling were captured into the outbox: send them now.
        report.pushed += self._push(ctx, last=finish)
        return report
