"""Stripe, through its official library: customers, Checkout, the Customer Portal, plan
changes, invoices, and reading a subscription's state into ``subscriptions``.

The state of a subscription is always what Stripe says *now* (:func:`refresh_subscription`
fetches it), never what one webhook event carried: events arrive in any order and twice, and
reading the current state makes every order end the same. A downgrade waits for the end of
the period that was paid for (the subscription's metadata says until when the old plan
holds); an upgrade is prorated and invoiced at once.

``AUTHORWORKS_SERVER_STRIPE_API_BASE`` points the library at another address (a local fake
in the tests); the code path is the one production runs.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.billing.entitlements import plans_of
from sync_server.billing.plans import FREE, rank
from sync_server.errors import BadRequest, NotFound, ServiceUnavailable
from sync_server.models import Subscription, User, utcnow
from sync_server.settings import Settings

log = logging.getLogger("authorworks.billing")
USER_KEY = "authorworks_user"  # customer metadata: whose customer it is
HELD_PLAN, HELD_UNTIL = "authorworks_held_plan", "authorworks_held_until"  # a waiting downgrade


class BillingOff(NotFound):
    code = "billing_not_configured"


def client(settings: Settings) -> stripe.StripeClient:
    if not settings.stripe_secret_key:
        raise BillingOff("this server sells no plans: Stripe is not set up")
    return stripe.StripeClient(
        settings.stripe_secret_key,
        base_addresses={"api": settings.stripe_api_base},
        max_network_retries=2,
    )


def _stripe_call(what: str, call: Any) -> dict[str, Any]:
    """The answer of one call, as plain data (the library's objects are not dicts)."""
    try:
        found = call()
        return dict(found.to_dict()) if hasattr(found, "to_dict") else dict(found)
    except stripe.InvalidRequestError as exc:
        raise BadRequest(f"Stripe refused to {what}: {exc.user_message or exc}") from None
    except stripe.StripeError as exc:  # network, 5xx, rate limits after the retries
        log.warning("stripe: could not %s: %s", what, exc)
        raise ServiceUnavailable(f"could not {what} at Stripe just now; try again") from None


def row_of(session: Session, user_id: str) -> Subscription:
    row = session.get(Subscription, user_id)
    if row is None:
        row = Subscription(user_id=user_id, plan=FREE, status="none", updated_at=utcnow())
        session.add(row)
    return row


def ensure_customer(session: Session, settings: Settings, user: User) -> str:
    """The account's Stripe customer, made on first need (tagged with the account's id)."""
    row = row_of(session, user.id)
    if row.stripe_customer_id:
        return row.stripe_customer_id
    api = client(settings)
    made = _stripe_call(
        "make a customer",
        lambda: api.v1.customers.create(
            params={"email": user.email, "metadata": {USER_KEY: user.id}}
        ),
    )
    row.stripe_customer_id = str(made["id"])
    row.updated_at = utcnow()
    session.commit()
    return row.stripe_customer_id


def change_plan(session: Session, settings: Settings, user: User, plan_id: str) -> dict[str, Any]:
    """Subscribe to ``plan_id`` (a Checkout URL to pay at) or move the subscription there:
    an upgrade at once, prorated; a downgrade at the end of the paid period."""
    plans = plans_of(settings)
    plan = plans.get(plan_id)
    if plan is None:
        raise BadRequest(f"no plan {plan_id!r}: the plans are {', '.join(plans)}")
    row = row_of(session, user.id)
    if plan.id == FREE:
        raise BadRequest("to go back to free, cancel in the billing portal (the plan runs to "
                         "the end of the period paid for)")  # fmt: skip
    if not plan.stripe_price:
        raise BadRequest(f"the {plan.name} plan is not sold here: ask the server's operator")
    api = client(settings)
    if row.stripe_subscription_id and row.status in ("active", "trialing", "past_due"):
        return _move(session, settings, api, row, plan.id, plan.stripe_price)
    customer = ensure_customer(session, settings, user)
    base = settings.public_url
    checkout = _stripe_call(
        "start a checkout",
        lambda: api.v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": customer,
                "client_reference_id": user.id,
                "line_items": [{"price": plan.stripe_price, "quantity": 1}],
                "success_url": f"{base}/billing/done?session_id={{CHECKOUT_SESSION_ID}}",
                "cancel_url": f"{base}/billing/cancelled",
                "subscription_data": {"metadata": {USER_KEY: user.id}},
            }
        ),
    )
    return {"action": "checkout", "url": str(checkout["url"]), "plan": plan.id}


def _move(
    session: Session,
    settings: Settings,
    api: stripe.StripeClient,
    row: Subscription,
    plan_id: str,
    price: str,
) -> dict[str, Any]:
    sub_id = str(row.stripe_subscription_id)
    current = _stripe_call("read the subscription", lambda: api.v1.subscriptions.retrieve(sub_id))
    item = current["items"]["data"][0]
    up = rank(plan_id) > rank(row.plan)
    params: dict[str, Any] = {"items": [{"id": item["id"], "price": price}]}
    if up:
        # Charged now for the rest of the period (time-based proration of a subscription,
        # never of bought credits: hosted AI tokens are a monthly allowance, not credits).
        params["proration_behavior"] = "always_invoice"
        params["metadata"] = {HELD_PLAN: "", HELD_UNTIL: ""}
    else:
        # The period paid for keeps the plan it was paid for; the new price bills from the
        # next period, with nothing refunded or charged now.
        params["proration_behavior"] = "none"
        end = _period_end(current)
        params["metadata"] = {
            HELD_PLAN: row.plan,
            HELD_UNTIL: str(int(end.timestamp()) if end else 0),
        }
    _stripe_call(
        "change the plan",
        lambda: api.v1.subscriptions.update(sub_id, params=params),  # type: ignore[arg-type]
    )
    refresh_subscription(session, settings, sub_id)
    return {
        "action": "upgraded" if up else "downgrade_scheduled",
        "plan": plan_id,
        "effective": "now"
        if up
        else (row.current_period_end.isoformat() if row.current_period_end else ""),
    }


def portal_url(session: Session, settings: Settings, user: User) -> str:
    customer = ensure_customer(session, settings, user)
    api = client(settings)
    made = _stripe_call(
        "open the billing portal",
        lambda: api.v1.billing_portal.sessions.create(
            params={"customer": customer, "return_url": f"{settings.public_url}/billing/done"}
        ),
    )
    return str(made["url"])


def invoices(session: Session, settings: Settings, user_id: str) -> list[dict[str, Any]]:
    row = session.get(Subscription, user_id)
    if row is None or not row.stripe_customer_id or not settings.stripe_secret_key:
        return []
    api = client(settings)
    found = _stripe_call(
        "list the invoices",
        lambda: api.v1.invoices.list(params={"customer": row.stripe_customer_id, "limit": 24}),
    )
    return [
        {
            "id": str(i["id"]),
            "number": i.get("number"),
            "status": i.get("status"),
            "amount_due": i.get("amount_due"),
            "amount_paid": i.get("amount_paid"),
            "currency": i.get("currency"),
            "created": _when(i.get("created")),
            "hosted_invoice_url": i.get("hosted_invoice_url"),
            "invoice_pdf": i.get("invoice_pdf"),
        }
        for i in found["data"]
    ]


# ---------------------------------------------------------------------- reading Stripe's state


def _when(stamp: Any) -> str | None:
    return datetime.fromtimestamp(int(stamp), UTC).isoformat() if stamp else None


def _period_end(sub: Any) -> datetime | None:
    # Newer API versions keep the period on each item; older ones on the subscription.
    items = (sub.get("items") or {}).get("data") or []
    stamp = (items[0].get("current_period_end") if items else None) or sub.get("current_period_end")
    return datetime.fromtimestamp(int(stamp), UTC) if stamp else None


def _plan_of_price(settings: Settings, price: str) -> str | None:
    for plan in plans_of(settings).values():
        if plan.stripe_price and plan.stripe_price == price:
            return plan.id
    return None


def refresh_subscription(session: Session, settings: Settings, subscription_id: str) -> bool:
    """Read subscription ``subscription_id`` from Stripe into its account's row (committed);
    False when it belongs to no account here."""
    api = client(settings)
    sub = _stripe_call(
        "read the subscription", lambda: api.v1.subscriptions.retrieve(subscription_id)
    )
    customer = str(sub.get("customer") or "")
    metadata = sub.get("metadata") or {}
    row = session.scalar(select(Subscription).where(Subscription.stripe_customer_id == customer))
    if row is None:
        user_id = str(metadata.get(USER_KEY) or "")
        if not user_id or session.get(User, user_id) is None:
            log.warning("stripe: subscription %s of unknown customer %s", subscription_id, customer)
            return False
        row = row_of(session, user_id)
        row.stripe_customer_id = customer
    older = row.stripe_subscription_id and row.stripe_subscription_id != subscription_id
    if older and str(sub.get("status")) in ("canceled", "incomplete_expired"):
        # An older subscription of the account, ended since: it says nothing of the plan now.
        session.commit()
        return True
    items = (sub.get("items") or {}).get("data") or []
    price = str(((items[0].get("price") or {}).get("id")) if items else "")
    plan = _plan_of_price(settings, price) or row.plan
    status = str(sub.get("status") or "none")
    now = utcnow()
    held, until = str(metadata.get(HELD_PLAN) or ""), int(metadata.get(HELD_UNTIL) or 0)
    if held and until and now.timestamp() < until and rank(held) > rank(plan):
        # A downgrade waiting for the end of the period: the plan paid for holds until then.
        row.pending_plan, row.plan = plan, held
    else:
        row.pending_plan, row.plan = None, plan
    row.status = status
    row.stripe_subscription_id = subscription_id
    row.current_period_end = _period_end(sub)
    row.cancel_at_period_end = bool(sub.get("cancel_at_period_end"))
    if status in ("past_due", "unpaid"):
        if row.grace_until is None:
            row.grace_until = now + timedelta(days=settings.billing_grace_days)
    else:
        row.grace_until = None
    row.updated_at = now
    session.commit()
    return True


def refresh_customer(session: Session, settings: Settings, customer_id: str) -> bool:
    """Read the newest subscription of ``customer_id`` (an event that names no subscription)."""
    api = client(settings)
    found = _stripe_call(
        "list the subscriptions",
        lambda: api.v1.subscriptions.list(
            params={"customer": customer_id, "status": "all", "limit": 1}
        ),
    )
    data = found["data"]
    return refresh_subscription(session, settings, str(data[0]["id"])) if data else False
