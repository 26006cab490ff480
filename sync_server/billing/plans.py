"""The plan table: what each tier costs and what it allows.

The defaults are the product's; an operator replaces any part of them with
``AUTHORWORKS_SERVER_PLANS`` (JSON: ``{"basic": {"price_cents": 900, "limits":
{"ai_tokens_month": 500000}}}``), and the Stripe price of each paid plan is set with
``AUTHORWORKS_SERVER_STRIPE_PRICE_BASIC`` / ``_PRO`` / ``_ENTERPRISE``. A limit of ``None`` is
unlimited. Enterprise is set per customer: its row in ``subscriptions`` may carry its own
limits (seats for a team among them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

GB = 1024**3
LIMITS = ("synced_books", "collaborators_per_book", "storage_bytes", "ai_tokens_month",
          "published_books", "seats")  # fmt: skip
FREE = "free"


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    price_cents: int  # a month
    currency: str = "usd"
    limits: dict[str, int | None] = field(default_factory=dict)
    stripe_price: str = ""  # the Stripe price id that sells it ("" for free)

    def limit(self, name: str) -> int | None:
        return self.limits.get(name)

    def public(self) -> dict[str, Any]:
        """What ``GET /api/v1/billing/plans`` says of it."""
        return {
            "id": self.id,
            "name": self.name,
            "price": {"amount": self.price_cents, "currency": self.currency, "interval": "month"},
            "limits": {name: self.limits.get(name) for name in LIMITS},
            "purchasable": bool(self.stripe_price),
        }


DEFAULT_PLANS: dict[str, Plan] = {
    "free": Plan(
        "free",
        "Free",
        0,
        limits={
            "synced_books": 3,
            "collaborators_per_book": 2,
            "storage_bytes": 1 * GB,
            "ai_tokens_month": 0,
            "published_books": 1,
            "seats": 1,
        },
    ),
    "basic": Plan(
        "basic",
        "Basic",
        800,
        limits={
            "synced_books": 25,
            "collaborators_per_book": 5,
            "storage_bytes": 10 * GB,
            "ai_tokens_month": 300_000,
            "published_books": 10,
            "seats": 1,
        },
    ),
    "pro": Plan(
        "pro",
        "Pro",
        2000,
        limits={
            "synced_books": None,
            "collaborators_per_book": 25,
            "storage_bytes": 100 * GB,
            "ai_tokens_month": 3_000_000,
            "published_books": None,
            "seats": 1,
        },
    ),
    "enterprise": Plan(
        "enterprise",
        "Enterprise",
        0,  # priced per customer
        limits={
            "synced_books": None,
            "collaborators_per_book": None,
            "storage_bytes": 1000 * GB,
            "ai_tokens_month": 10_000_000,
            "published_books": None,
            "seats": 10,
        },
    ),
}
ORDER = ("free", "basic", "pro", "enterprise")  # cheapest first: upgrades go up this list


class PlanTableError(ValueError):
    """The operator's plan table cannot be read."""


def plan_table(overrides: str = "", prices: dict[str, str] | None = None) -> dict[str, Plan]:
    """The plans: the defaults, with the operator's JSON ``overrides`` and Stripe ``prices``."""
    plans = dict(DEFAULT_PLANS)
    if overrides.strip():
        try:
            given = json.loads(overrides)
        except ValueError as exc:
            raise PlanTableError(f"AUTHORWORKS_SERVER_PLANS is not JSON: {exc}") from None
        if not isinstance(given, dict):
            raise PlanTableError("AUTHORWORKS_SERVER_PLANS must be an object of plans")
        for plan_id, spec in given.items():
            if not isinstance(spec, dict):
                raise PlanTableError(f"plan {plan_id!r}: expected an object")
            base = plans.get(plan_id, Plan(plan_id, plan_id.title(), 0))
            limits = dict(base.limits)
            for name, value in (spec.get("limits") or {}).items():
                if name not in LIMITS:
                    raise PlanTableError(f"plan {plan_id!r}: unknown limit {name!r}")
                if value is not None and (not isinstance(value, int) or value < 0):
                    raise PlanTableError(f"plan {plan_id!r}: {name} must be a count or null")
                limits[name] = value
            plans[plan_id] = replace(
                base,
                name=str(spec.get("name", base.name)),
                price_cents=int(spec.get("price_cents", base.price_cents)),
                currency=str(spec.get("currency", base.currency)),
                limits=limits,
            )
    for plan_id, price in (prices or {}).items():
        if price and plan_id in plans:
            plans[plan_id] = replace(plans[plan_id], stripe_price=price)
    if FREE not in plans:
        raise PlanTableError("the plan table needs a free plan")
    return plans


def rank(plan_id: str) -> int:
    """Where a plan stands among the tiers (an upgrade goes to a higher one)."""
    return ORDER.index(plan_id) if plan_id in ORDER else len(ORDER)
