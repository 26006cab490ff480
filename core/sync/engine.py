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
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from core.ids import new_id
from core.jobs import JobContext
from core.store.library import Library
from core.sync.api import SyncApi
from core.sync.capture import CAPTURE_META, Captured, DocWrites, RowVersions, capture
from core.sync.errors import ResyncRequiredError
from core.sync.local_state import (
    CURSORS,
    DEVICE_ID,
    LAST_SYNC,
    SERVER_BOOKS,
    cursors_meta,
    get_cursors,
    get_meta,
    get_metas,
    outbox_size,
    server_books,
    server_books_meta,
    set_meta,
    set_metas,
    sync_docs,
    sync_outbox,
)
from core.sync.lost_books import drop_book, keep_private_copy
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
    # Books whose updates the server refused, with why (book_not_found, read_only,
    # plan_limit).
    rejected: dict[str, str] = field(default_factory=dict)
    # Books the account no longer reaches, taken out of the library (or kept as copies).
    lost: list[str] = field(default_factory=list)

    @property
    def waiting_for_plan(self) -> list[str]:
        """Books over their owner's plan: their changes stay in the outbox until it has room."""
        return sorted(b for b, why in self.rejected.items() if why == PLAN_LIMIT)


PLAN_WAIT_NOTE = (
    "{n} book(s) over the plan's limits: their changes are kept on this computer and sent "
    "once the plan has room (see `authorworks account`, or Account… in the studio)"
)


_DELETE_SENT = delete(sync_outbox).where(sync_outbox.c.op_id.in_(bindparam("ids", expanding=True)))
PLAN_LIMIT = "plan_limit"
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
        keep_lost: Callable[[str, dict[str, Any]], bool] | None = None,
    ) -> None:
        self.library = library
        self.api = api
        # Asked (book id, what the server said of it) for each book the account lost:
        # True keeps it here as a private copy; by default it leaves this library.
        self.keep_lost: Callable[[str, dict[str, Any]], bool] = keep_lost or (lambda _b, _i: False)
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
        op id). The first unit of work reads the saved cursors and, given a ``report``,
        captures the edits first; ``last`` runs in the one that finds the outbox empty. With
        ``defer``, the removal of a last batch that emptied the outbox is left to the caller
        (:meth:`_Pushed.settle` in its next unit of work), so that a round of sync opens few
        units of work.

        The server answers where the feed of every book the account reaches stood before the
        batch and stands after it. Where a book's feed was at this device's cursor, everything
        up to its new cursor is this device's own (its ops, and squashed states of what it
        had): the cursor moves there, and the next pull does not fetch them back. Ops the
        server refused (a book this account lost, or may only read) leave the outbox too:
        sending them again cannot succeed. Ops refused for the owner's plan (``plan_limit``)
        stay, and are sent with the next sync that finds room.
        """
        pushed = _Pushed(sent=0, cursors={}, saved={})
        held: set[str] = set()
        total = 0
        acknowledged: list[str] = []
        first = True
        while True:
            captured: Captured | None = None
            with self.library.session() as s:
                if first:
                    keys = (CURSORS, SERVER_BOOKS)
                    meta = get_metas(s, *keys, *(CAPTURE_META if report is not None else ()))
                    pushed.cursors = get_cursors(meta)
                    pushed.known = set(server_books(meta))
                    pushed.saved = dict(pushed.cursors)
                    if report is not None:
                        captured = capture(s, meta=meta, clean=self._versions.stamps)
                        report.captured = captured.queued
                    first = False
                if acknowledged:
                    # The last batch leaves the outbox in the same unit of work that reads
                    # the next one.
                    s.execute(_DELETE_SENT, {"ids": acknowledged})
                    acknowledged = []
                if pushed.cursors != pushed.saved:
                    set_metas(s, cursors_meta(pushed.cursors))
                    pushed.saved = dict(pushed.cursors)
                if held:  # books whose plan takes no writes now: their ops wait
                    query = _NEXT_BATCH.where(sync_outbox.c.book_id.not_in(sorted(held)))
                    rows = s.execute(query, {"limit": self.push_batch}).all()
                else:
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
                return pushed
            batch: list[Op] = []
            size = 0
            for r in rows:
                if batch and size + len(r.update) > MAX_PUSH_BYTES:
                    break
                batch.append(Op(r.op_id, r.doc_id, r.kind, r.book_id, bytes(r.update)))
                size += len(r.update)
            pushed.take(self.api.push(batch))
            # Refused for the plan (the owner's synced-books limit): kept, sent again once
            # the plan has room; refused for good (no longer a member, read only): dropped.
            held.update(b for b, why in pushed.rejected.items() if why == PLAN_LIMIT)
            acknowledged = [o.op_id for o in batch if o.book_id not in held]
            pushed.sent += len(batch)
            ctx.progress(pushed.sent, total, "sending changes")
            if defer and len(batch) == len(rows) < self.push_batch:
                # The outbox held nothing more when this batch was read.
                pushed.acknowledged = acknowledged
                return pushed

    def pull(self, ctx: JobContext | None = None) -> tuple[int, int]:
        """Page through the feed of every book the account reaches; (changes, rows written)."""
        ctx = ctx or JobContext()
        with self.library.session() as s:
            cursors = get_cursors(get_metas(s, CURSORS))
        listed = self._list_books()
        pulled = applied = 0
        for book_id, head in sorted(listed.items()):
            if head != cursors.get(book_id, 0):
                p, a, _q = self._pull(ctx, book_id, cursors)
                pulled, applied = pulled + p, applied + a
        return pulled, applied

    def _list_books(self) -> dict[str, int]:
        """The feed position of each book the account reaches (and their titles and roles
        kept for the studio)."""
        books = self.api.books()
        listed = server_books_meta(books)
        with self.library.session() as s:
            if (
                get_metas(s, SERVER_BOOKS).get(SERVER_BOOKS) != listed
            ):  # an idle round writes nothing
                set_metas(s, {SERVER_BOOKS: listed})
        return {str(b["id"]): int(b.get("last_seq") or 0) for b in books}

    def _pull(
        self,
        ctx: JobContext,
        book_id: str,
        cursors: dict[str, int],
        *,
        first: Callable[[Session], object] | None = None,
    ) -> tuple[int, int, int]:
        """Page through one book's feed from its cursor; (changes, rows written, queued).

        ``cursors`` are the cursors the library holds; the book's moves as pages are applied.
        Updates are queued when a pulled document had a local edit not yet captured: they
        still have to be sent. ``first`` runs in the first unit of work.
        """
        pulled = applied = queued = 0
        cursor = cursors.get(book_id, 0)
        while True:
            ctx.check()
            page = self.api.pull(book_id, cursor, self.pull_limit)
            last = not page.has_more
            if page.changes or page.cursor != cursors.get(book_id, 0) or first is not None:
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
                    if page.cursor != cursors.get(book_id, 0):
                        cursors[book_id] = page.cursor
                        set_metas(s, cursors_meta(cursors))
                first = None
                self._versions.stamps.update(clean)  # committed
            # else: nothing new (the common case when idle), so nothing to write.
            cursor = page.cursor
            pulled += len(page.changes)
            ctx.progress(pulled, 0, "receiving changes")
            if last:
                return pulled, applied, queued

    def reset_for_resync(self, book_id: str | None = None) -> None:
        """Start the feed of ``book_id`` (of every book, with None) again from zero and queue
        the full state of each of its documents.

        The server may have lost what it had (restored from a backup): sending full states
        costs one upload and loses nothing, since merging a state twice changes nothing.
        """
        with self.library.session() as s:
            cursors = get_cursors(get_metas(s, CURSORS))
            if book_id is None:
                cursors = {}
            else:
                cursors.pop(book_id, None)
            set_metas(s, cursors_meta(cursors))
            query = select(
                sync_docs.c.doc_id, sync_docs.c.kind, sync_docs.c.book_id, sync_docs.c.state
            )
            if book_id is not None:
                query = query.where(sync_docs.c.book_id == book_id)
            writes = DocWrites()
            for r in s.execute(query):
                writes.queue(doc_id=r.doc_id, kind=r.kind, book_id=r.book_id, update=bytes(r.state))
            writes.write(s)

    def sync(self, ctx: JobContext | None = None) -> SyncReport:
        """One full round: capture, push, pull the books with news (re-syncing a book if the
        server asks), drop the books the account lost, push again.

        There is no pull when the push shows that no feed held anything new for this device,
        and no second push unless the pull recorded local edits. A round that sends nothing
        asks the server for its books (one request) to learn which have news.
        """
        ctx = ctx or JobContext()
        report = SyncReport()

        # The capture shares a unit of work with reading the cursors and the first batch;
        # the removal of the last batch sent shares one with the first pull.
        pushed = self._push(ctx, report=report, defer=True)
        report.pushed = pushed.sent
        report.rejected = dict(pushed.rejected)
        heads = pushed.heads
        if heads is None or pushed.rejected or not set(heads) <= pushed.known:
            heads = self._list_books()  # also the titles and roles of new or changed books
        cursors = pushed.cursors
        lost = sorted(b for b in cursors if b not in heads)
        news = sorted(b for b, h in heads.items() if h != cursors.get(b, 0))
        if not news and not lost and not pushed.rejected:
            # Every feed was at this device's cursor: nothing to pull. What arrived in the
            # last moments, the next round fetches: the round ends here.
            with self.library.session() as s:
                pushed.settle(s)
                set_metas(s, cursors_meta(cursors) | {LAST_SYNC: datetime.now(UTC).isoformat()})
            return report
        settle: Callable[[Session], object] | None = pushed.settle if pushed.acknowledged else None
        queued = 0
        for book_id in news:
            try:
                p, a, q = self._pull(ctx, book_id, cursors, first=settle)
            except ResyncRequiredError:
                self.reset_for_resync(book_id)
                cursors.pop(book_id, None)
                report.resynced = True
                self._push(ctx)
                p, a, q = self._pull(ctx, book_id, cursors)
            settle = None
            report.pulled += p
            report.applied += a
            queued += q
        if lost:
            report.lost = self._lose(lost)
        # Books whose id another account's book holds (this library was signed in to that
        # account before, or copied from one that was): they become new books of this
        # account, under new ids, and are sent in this round.
        taken = sorted(
            b for b, why in pushed.rejected.items() if why == "book_not_found" and b not in heads
        )
        if taken:
            with self.library.write_session() as s:
                for book_id in taken:
                    keep_private_copy(s, book_id, title_suffix="")
            self._versions = RowVersions()
            queued += 1
        with self.library.session() as s:
            if settle is not None:
                settle(s)
            if not queued:
                set_meta(s, LAST_SYNC, datetime.now(UTC).isoformat())
        if queued:

            def finish(s: Session) -> None:
                # This unit of work has just found the outbox empty: report.queued stays 0.
                set_meta(s, LAST_SYNC, datetime.now(UTC).isoformat())

            # Local edits recorded while pulling are in the outbox: send them now.
            again = SyncReport()
            report.pushed += self._push(ctx, report=again if taken else None, last=finish).sent
            report.captured += again.captured
        if report.waiting_for_plan:
            report.queued = self.pending()  # held for the plan: still waiting to be sent
        return report

    def _lose(self, book_ids: list[str]) -> list[str]:
        """Take the books the account no longer reaches out of this library (or keep each as
        a private copy, as :attr:`keep_lost` says); the ids of those taken out or kept."""
        done = []
        with self.library.write_session() as s:
            known = server_books(get_metas(s, SERVER_BOOKS))
            for book_id in book_ids:
                keep = self.keep_lost(book_id, known.get(book_id, {}))
                if keep:
                    keep_private_copy(s, book_id)
                else:
                    drop_book(s, book_id)
                done.append(book_id)
            cursors = get_cursors(get_metas(s, CURSORS))
            for book_id in book_ids:
                cursors.pop(book_id, None)
            set_metas(s, cursors_meta(cursors))
        self._versions = RowVersions()  # rows went or changed ids: compare afresh
        return done


@dataclass
class _Pushed:
    """What a push did: updates sent, and where the feeds stand for this device."""

    sent: int
    cursors: dict[str, int]  # the cursors to pull from, by book
    saved: dict[str, int]  # the cursors the library holds
    # Acknowledged by the server, still in the outbox (see SyncEngine._push's ``defer``).
    acknowledged: list[str] = field(default_factory=list)
    # Every book's feed position after the last batch (None: nothing was sent).
    heads: dict[str, int] | None = None
    # Books whose ops the server refused, with why.
    rejected: dict[str, str] = field(default_factory=dict)
    # The books the library last heard of from the server (their titles and roles kept).
    known: set[str] = field(default_factory=set)

    def take(self, answer: dict[str, Any]) -> None:
        """Read the server's answer to a batch: moves the cursors of the books whose feed
        held nothing new for this device."""
        heads: dict[str, int] = {}
        for book_id, at in (answer.get("books") or {}).items():
            cursor, previous = int(at["cursor"]), int(at["previous_cursor"])
            heads[book_id] = cursor
            if previous == self.cursors.get(book_id, 0):
                self.cursors[book_id] = cursor
        self.heads = heads
        self.rejected.update({str(k): str(v) for k, v in (answer.get("rejected") or {}).items()})

    def settle(self, session: Session) -> None:
        """Remove the acknowledged updates from the outbox."""
        if self.acknowledged:
            session.execute(_DELETE_SENT, {"ids": self.acknowledged})
            self.acknowledged = []
