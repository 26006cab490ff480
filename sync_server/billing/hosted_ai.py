"""Hosted AI: a Messages request sent to Anthropic with the server's key, its events streamed
back unchanged, its tokens taken from the account's monthly allowance.

Before the call the request's most it can cost (its input, estimated high, plus its
``max_tokens``) is *reserved* with one conditional update — ``used + reserved + cost <=
allowance`` — so concurrent calls can never together spend more than the allowance; after
the call the reservation is settled to what Anthropic reports (``message_start`` and
``message_delta`` usage), or kept whole when the call ended before saying.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync_server.billing.entitlements import PlanLimit, month_of, standing, upgrade_hint
from sync_server.models import AiUsage, utcnow
from sync_server.settings import Settings

ANTHROPIC_VERSION = "2023-06-01"
# A reservation older than this belongs to a call that died with its worker: not counted.
STALE_RESERVATION = timedelta(minutes=15)
MAX_BODY_BYTES = 8 * 1024 * 1024


def cost_of(request: dict[str, Any]) -> int:
    """The most tokens a request can use: its input (3 characters a token, on the high side
    for prose) and its ``max_tokens``."""
    text = json.dumps(
        {k: request.get(k) for k in ("system", "messages", "tools")}, ensure_ascii=False
    )
    return len(text) // 3 + 1 + int(request.get("max_tokens") or 0)


@dataclass
class Reservation:
    user_id: str
    month: str
    tokens: int


def reserve(
    session: Session, settings: Settings, user_id: str, tokens: int, now: datetime | None = None
) -> Reservation:
    """Take ``tokens`` from this month's allowance for a call about to run (402 when they are
    not there: the free plan has none)."""
    now = now or utcnow()
    where = standing(session, settings, user_id, now)
    allowance = where.limit("ai_tokens_month") if settings.plans_enforced else None
    if allowance == 0:
        raise PlanLimit(
            f"Your {where.plan.name} plan has no hosted AI (add your own Anthropic key in the "
            f"AI panel instead). {upgrade_hint(settings, where.plan, 'ai_tokens_month')}"
        )
    month = month_of(now)
    if session.get(AiUsage, (user_id, month)) is None:
        session.add(AiUsage(user_id=user_id, month=month, used_tokens=0, reserved_tokens=0))
        try:
            session.commit()
        except IntegrityError:  # another call made it first
            session.rollback()
    # A worker that died mid-call left its reservation: after a while it is let go.
    session.execute(
        update(AiUsage)
        .where(
            AiUsage.user_id == user_id,
            AiUsage.month == month,
            AiUsage.reserved_at < now - STALE_RESERVATION,
        )
        .values(reserved_tokens=0)
    )
    # Unlimited (plans not enforced, or a plan without a cap): reserved all the same, so
    # the usage is counted.
    fits = (
        AiUsage.used_tokens + AiUsage.reserved_tokens + tokens <= allowance
        if allowance is not None
        else true()
    )
    taken = session.execute(  # type: ignore[attr-defined]
        update(AiUsage)
        .where(
            and_(AiUsage.user_id == user_id, AiUsage.month == month),
            fits,
        )
        .values(reserved_tokens=AiUsage.reserved_tokens + tokens, reserved_at=now)
    ).rowcount
    session.commit()
    if not taken:
        row = session.get(AiUsage, (user_id, month))
        left = max(0, (allowance or 0) - (row.used_tokens if row else 0))
        raise PlanLimit(
            f"This request may use up to {tokens:,} tokens and {left:,} of your "
            f"{where.plan.name} plan's hosted AI tokens are left this month (some may be "
            "held by requests running now). "
            + upgrade_hint(settings, where.plan, "ai_tokens_month")
        )
    return Reservation(user_id, month, tokens)


def settle(session: Session, reservation: Reservation, used: int | None) -> None:
    """The call is over: what it used is spent (all it reserved, when it never said)."""
    spent = reservation.tokens if used is None else min(used, reservation.tokens * 4)
    session.execute(
        update(AiUsage)
        .where(AiUsage.user_id == reservation.user_id, AiUsage.month == reservation.month)
        .values(
            used_tokens=AiUsage.used_tokens + spent,
            reserved_tokens=AiUsage.reserved_tokens - reservation.tokens,
        )
    )
    session.commit()


class UsageMeter:
    """Reads the token counts out of a stream of Messages events as they pass."""

    def __init__(self) -> None:
        self.input_tokens: int | None = None
        self.output_tokens: int | None = None
        self._buffer = b""

    @property
    def used(self) -> int | None:
        if self.input_tokens is None and self.output_tokens is None:
            return None
        return (self.input_tokens or 0) + (self.output_tokens or 0)

    def feed(self, chunk: bytes) -> None:
        self._buffer += chunk
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            if line.startswith(b"data:"):
                self._read(line[5:].strip())

    def read_message(self, body: bytes) -> None:
        """A whole (non-streamed) Messages answer."""
        try:
            usage = (json.loads(body) or {}).get("usage") or {}
        except ValueError:
            return
        self._take(usage)

    def _read(self, data: bytes) -> None:
        try:
            event = json.loads(data)
        except ValueError:
            return
        if not isinstance(event, dict):
            return
        if event.get("type") == "message_start":
            self._take((event.get("message") or {}).get("usage") or {})
        elif event.get("type") == "message_delta":
            self._take(event.get("usage") or {})

    def _take(self, usage: dict[str, Any]) -> None:
        if "input_tokens" in usage:
            self.input_tokens = (
                int(usage["input_tokens"] or 0)
                + int(usage.get("cache_creation_input_tokens") or 0)
                + int(usage.get("cache_read_input_tokens") or 0)
            )
        if "output_tokens" in usage:
            self.output_tokens = int(usage["output_tokens"] or 0)


async def relay(upstream: Any, meter: UsageMeter) -> AsyncIterator[bytes]:
    """The upstream response's bytes, unchanged, read by ``meter`` as they pass (decoded
    from any transfer compression: the encoding header is not passed on)."""
    async for chunk in upstream.aiter_bytes():
        meter.feed(chunk)
        yield chunk
