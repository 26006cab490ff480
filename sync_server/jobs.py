"""The server's own periodic work: scheduled chapter releases (and telling followers),
re-rendering published books after pushes and live edits, and the trending scores.

Every worker runs the rounds; on PostgreSQL an advisory lock lets one worker at a time do
a round (the others skip it), so two workers never release the same chapter twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sync_server.models import Book, Publication
from sync_server.services import discovery, publishing
from sync_server.services.mail import MailError

log = logging.getLogger("authorworks.jobs")
ROUND_LOCK = 4157244  # the advisory lock of a publishing round (migrations hold 4157243)


def _lead(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(text(f"SELECT pg_try_advisory_xact_lock({ROUND_LOCK})")).scalar())


def publishing_round(app: Any, *, trending: bool = False) -> dict[str, int]:
    """One round: render stale books, release what is due, tell followers, send emails."""
    settings = app.state.settings
    done = {"rendered": 0, "released": 0, "emails": 0, "trending": 0}
    with app.state.sessions() as session:
        if not _lead(session):
            return done
        stale = session.scalars(
            select(Publication.book_id)
            .join(Book, Book.id == Publication.book_id)
            .where(Book.last_seq > Publication.rendered_seq)
        ).all()
        for book_id in stale:
            publishing.refresh(session, book_id)
            done["rendered"] += 1
        done["released"] = publishing.release_due(session)
        emails = publishing.tell_followers(session, base_url=settings.public_url)
        if trending:
            done["trending"] = discovery.refresh_trending(session)
        session.commit()
    mailer = app.state.mailer
    if mailer.configured:
        for email in emails:
            try:
                mailer.send(to=email.to, subject=email.subject, body=email.body)
                done["emails"] += 1
            except MailError as exc:  # the inbox has the notice; the email is lost
                log.warning("new-chapter email not sent: %s", exc)
    return done


async def _rounds(app: Any) -> None:
    settings = app.state.settings
    last_trending = 0.0
    while True:
        await asyncio.sleep(settings.release_check_seconds)
        now = time.monotonic()
        trending = now - last_trending >= settings.trending_refresh_seconds
        try:
            await asyncio.to_thread(publishing_round, app, trending=trending)
            if trending:
                last_trending = now
        except Exception as exc:  # a database blip: the next round tries again
            log.warning("publishing round failed: %s", exc)


def start_publishing_rounds(app: Any) -> asyncio.Task[None]:
    return asyncio.create_task(_rounds(app), name="publishing-rounds")


async def stop_publishing_rounds(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
