"""The account's plan as the CLI and the studio show it: usage against each limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LABELS = {
    "synced_books": "Synced books",
    "collaborators_per_book": "Collaborators per book",
    "storage_bytes": "Storage",
    "ai_tokens_month": "Hosted AI tokens this month",
    "published_books": "Published books",
}


@dataclass(frozen=True)
class Meter:
    """One limit: how much is used of how much (None: unlimited)."""

    name: str
    label: str
    used: int
    limit: int | None

    @property
    def fraction(self) -> float:
        if self.limit is None:
            return 0.0
        if self.limit == 0:
            return 1.0 if self.used else 0.0
        return min(1.0, self.used / self.limit)

    @property
    def over(self) -> bool:
        return self.limit is not None and self.used > self.limit

    def text(self) -> str:
        return f"{self.label}: {amount(self.name, self.used)} of " + (
            "unlimited" if self.limit is None else amount(self.name, self.limit)
        )


def amount(name: str, value: int) -> str:
    if name == "storage_bytes":
        if value >= 1024**3:
            return f"{value / 1024**3:.1f} GB"
        return f"{value / 1024**2:.1f} MB"
    return f"{value:,}"


def meters(subscription: dict[str, Any]) -> list[Meter]:
    usage, limits = subscription.get("usage") or {}, subscription.get("limits") or {}
    return [
        Meter(name, label, int(usage.get(name) or 0), limits.get(name))
        for name, label in LABELS.items()
    ]


def tokens_left(subscription: dict[str, Any]) -> int | None:
    """Hosted AI tokens left this month (None: unlimited)."""
    limit = (subscription.get("limits") or {}).get("ai_tokens_month")
    if limit is None:
        return None
    return max(0, int(limit) - int((subscription.get("usage") or {}).get("ai_tokens_month") or 0))


def describe(subscription: dict[str, Any]) -> list[str]:
    """The lines of ``authorworks account``."""
    plan = subscription.get("plan_name") or subscription.get("plan")
    status = subscription.get("status") or "none"
    lines = [f"Plan: {plan}" + (f" ({status})" if status not in ("none", "manual") else "")]
    if subscription.get("current_period_end"):
        ends = str(subscription["current_period_end"])[:10]
        verb = "ends" if subscription.get("cancel_at_period_end") else "renews"
        lines.append(f"Period {verb} {ends}")
    if subscription.get("pending_plan"):
        lines.append(f"Changes to {subscription['pending_plan']} at the end of the period")
    if subscription.get("grace_until"):
        lines.append(
            f"Payment failed: the plan holds until {str(subscription['grace_until'])[:10]}; "
            "update your card with `authorworks account --portal`"
        )
    for meter in meters(subscription):
        lines.append(meter.text() + ("  (over the limit: new work waits)" if meter.over else ""))
    if not subscription.get("enforced", True):
        lines.append("This server does not enforce plans.")
    return lines
