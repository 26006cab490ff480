"""What an account's plan allows, what it uses, and the check made where work happens.

The plan in force follows the subscription as Stripe last described it: active (or trialing)
keeps the plan bought; a failed payment (past due, unpaid) keeps it until the grace period
ends, then the account is on free; canceled is free. Going over a limit never deletes
anything: the check refuses the *new* thing (a book pushed for the first time, an invitation,
an upload, a hosted-AI call, a publication) with 402 ``plan_limit``, saying which limit and
how to upgrade; a book beyond the synced-books limit (after a downgrade) is still read and
pulled, and its new writes wait (``writable_books``).

Limits are enforced when ``Settings.plans_enforced`` (Stripe set up, or the operator said so).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync_server.billing.plans import FREE, ORDER, Plan, plan_table, rank
from sync_server.errors import ApiError
from sync_server.models import (
    AiUsage,
    Book,
    BookMember,
    Invitation,
    Subscription,
    User,
    utcnow,
)
from sync_server.settings import Settings

PAID_STATUSES = frozenset({"active", "trialing", "manual"})  # manual: set by an operator
GRACE_STATUSES = frozenset({"past_due", "unpaid"})
NAMES = {
    "synced_books": "synced books",
    "collaborators_per_book": "collaborators on a book",
    "storage_bytes": "storage",
    "ai_tokens_month": "hosted AI tokens this month",
    "published_books": "published books",
    "seats": "seats",
}


class PlanLimit(ApiError):
    status, code = 402, "plan_limit"


@functools.lru_cache(maxsize=8)
def _plans(overrides: str, prices: tuple[tuple[str, str], ...]) -> dict[str, Plan]:
    return plan_table(overrides, dict(prices))


def plans_of(settings: Settings) -> dict[str, Plan]:
    """The plan table (read once per distinct setting)."""
    return _plans(settings.plans, tuple(sorted(settings.stripe_prices().items())))


@dataclass(frozen=True)
class Standing:
    """An account's plan as it stands now."""

    plan: Plan  # in force
    bought: str  # the plan of the subscription ("free" without one)
    status: str
    period_end: datetime | None
    cancel_at_period_end: bool
    pending_plan: str | None
    grace_until: datetime | None
    limits: dict[str, int | None]

    def limit(self, name: str) -> int | None:
        return self.limits.get(name)


def in_force(row: Subscription | None, now: datetime) -> str:
    """The plan in force for a subscription row (free without one)."""
    if row is None:
        return FREE
    if row.status in PAID_STATUSES:
        return row.plan
    if row.status in GRACE_STATUSES and row.grace_until is not None and now < row.grace_until:
        return row.plan
    return FREE


def standing(
    session: Session, settings: Settings, user_id: str, now: datetime | None = None
) -> Standing:
    """The account's plan in force, its limits (the customer's own over the plan's)."""
    now = now or utcnow()
    row = session.get(Subscription, user_id)
    plans = plans_of(settings)
    plan_id = in_force(row, now)
    plan = plans.get(plan_id) or plans[FREE]
    limits = dict(plan.limits)
    if row is not None and plan.id == row.plan and row.limits not in ("", "{}"):
        try:
            own = json.loads(row.limits)
        except ValueError:
            own = {}
        if isinstance(own, dict):
            limits.update({k: v for k, v in own.items() if k in limits})
    return Standing(
        plan=plan,
        bought=row.plan if row is not None else FREE,
        status=row.status if row is not None else "none",
        period_end=row.current_period_end if row is not None else None,
        cancel_at_period_end=bool(row.cancel_at_period_end) if row is not None else False,
        pending_plan=row.pending_plan if row is not None else None,
        grace_until=row.grace_until if row is not None else None,
        limits=limits,
    )


def month_of(now: datetime) -> str:
    return f"{now.year:04d}-{now.month:02d}"


def used(session: Session, user_id: str, name: str, now: datetime | None = None) -> int:
    """What the account uses of limit ``name`` (one query; collaborators: on its busiest
    book)."""
    now = now or utcnow()
    if name == "synced_books":
        count = select(func.count()).select_from(Book).where(Book.owner_id == user_id)
        return int(session.scalar(count) or 0)
    if name == "published_books":
        count = (
            select(func.count())
            .select_from(Book)
            .where(Book.owner_id == user_id, Book.visibility.in_(("public", "unlisted")))
        )
        return int(session.scalar(count) or 0)
    if name == "collaborators_per_book":
        owned = select(Book.id).where(Book.owner_id == user_id).scalar_subquery()
        busiest = session.execute(
            select(BookMember.book_id, func.count())
            .where(BookMember.book_id.in_(owned), BookMember.role != "owner")
            .group_by(BookMember.book_id)
        ).all()
        return max((int(n) for _b, n in busiest), default=0)
    if name == "storage_bytes":
        return int(session.scalar(select(User.storage_used).where(User.id == user_id)) or 0)
    if name == "ai_tokens_month":
        ai = session.get(AiUsage, (user_id, month_of(now)))
        return int(ai.used_tokens + ai.reserved_tokens) if ai is not None else 0
    return 1  # seats: the account itself


def usage(session: Session, user_id: str, now: datetime | None = None) -> dict[str, int]:
    """What the account uses of each limit."""
    return {name: used(session, user_id, name, now) for name in NAMES}


def collaborators(session: Session, book_id: str, now: datetime | None = None) -> int:
    """Members of a book besides its owner, and the invitations to it still open."""
    now = now or utcnow()
    members = session.scalar(
        select(func.count())
        .select_from(BookMember)
        .where(
            BookMember.book_id == book_id,
            BookMember.role != "owner",
            (BookMember.expires_at.is_(None)) | (BookMember.expires_at > now),
        )
    )
    invited = session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.book_id == book_id,
            Invitation.status == "pending",
            Invitation.expires_at > now,
        )
    )
    return int(members or 0) + int(invited or 0)


def upgrade_hint(settings: Settings, plan: Plan, name: str) -> str:
    """Which plan raises limit ``name``, and how to get it."""
    plans = plans_of(settings)
    current = plan.limit(name)
    for plan_id in ORDER:
        better = plans.get(plan_id)
        if better is None or rank(plan_id) <= rank(plan.id) or not better.stripe_price:
            continue
        limit = better.limit(name)
        if limit is None or (current is not None and limit > current):
            shown = "unlimited" if limit is None else _amount(name, limit)
            return (
                f"Upgrade to {better.name} ({shown}): `authorworks upgrade {plan_id}`, or "
                "Account › Upgrade in the studio."
            )
    return "Ask the server's operator for a larger plan."


def _amount(name: str, value: int) -> str:
    if name == "storage_bytes":
        for unit, size in (("GB", 1024**3), ("MB", 1024**2)):
            if value >= size:
                return f"{value / size:.3g} {unit} of storage"
        return f"{value:,} bytes of storage"
    if name == "ai_tokens_month":
        return f"{value:,} tokens a month"
    return f"{value:,} {NAMES.get(name, name)}"


def over_limit(
    settings: Settings, where: Standing, name: str, used: int, *, adding: int, detail: str = ""
) -> PlanLimit | None:
    """The 402 for limit ``name`` when ``used + adding`` goes over it (None when it fits);
    ``detail`` says what the refused thing needed."""
    limit = where.limit(name)
    if limit is None or used + adding <= limit:
        return None
    what = NAMES.get(name, name)
    allowance = _amount(name, limit) if limit else f"no {what}"
    return PlanLimit(
        f"Your {where.plan.name} plan allows {allowance}"
        + (f" and {_amount(name, used)} are in use" if name != "ai_tokens_month" else "")
        + (f"; {detail}" if detail else "")
        + f". {upgrade_hint(settings, where.plan, name)}"
    )


def refuse(settings: Settings, where: Standing, name: str, used: int, *, adding: int) -> None:
    """Raise the 402 for limit ``name`` when ``used + adding`` goes over it."""
    error = over_limit(settings, where, name, used, adding=adding)
    if error is not None:
        raise error


def check(
    session: Session,
    settings: Settings,
    user_id: str,
    name: str,
    *,
    adding: int = 1,
    book_id: str | None = None,
    now: datetime | None = None,
) -> Standing:
    """Refuse (402 ``plan_limit``) work that would take the account over limit ``name``."""
    where = standing(session, settings, user_id, now)
    if not settings.plans_enforced or where.limit(name) is None:
        return where
    if name == "collaborators_per_book" and book_id is not None:
        count = collaborators(session, book_id, now)
    else:
        count = used(session, user_id, name, now)
    refuse(settings, where, name, count, adding=adding)
    return where


def writable_books(
    session: Any, settings: Settings, owner_id: str, now: datetime | None = None
) -> set[str] | None:
    """The owner's books that may take writes (None: all of them): the oldest ones, as
    many as the plan allows; the rest wait until the owner upgrades or removes a book."""
    if not settings.plans_enforced:
        return None
    where = standing(session, settings, owner_id, now)
    limit = where.limit("synced_books")
    if limit is None:
        return None
    rows = session.execute(
        select(Book.id)
        .where(Book.owner_id == owner_id)
        .order_by(Book.created_at, Book.id)
        .limit(limit)
    )
    return {str(r[0]) for r in rows}
