"""``POST /api/v1/billing/webhook``: Stripe's events, verified, once each, in any order.

* The ``Stripe-Signature`` header (``t=TIMESTAMP,v1=HEX[,v1=HEX...]``) must carry an
  HMAC-SHA256 of ``TIMESTAMP.BODY`` under the webhook secret (any ``v1`` may match: Stripe
  signs with the old and the new secret while one is rolled), and the timestamp must be
  within the tolerance of now *in either direction* — the stripe library checks only that
  it is not too old. Anything else is 400 and changes nothing.
* Each event is recorded on arrival and marked processed only in the transaction that
  applies it: a handler that fails answers 500, stays unprocessed, and runs again when
  Stripe retries; one processed already answers 200 and does nothing.
* No event's payload is trusted for state: the handler fetches the subscription from
  Stripe (:func:`stripe_sync.refresh_subscription`), so the four events of one checkout give
  the same result whatever order, and however often, they come in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync_server.billing import stripe_sync
from sync_server.errors import BadRequest
from sync_server.models import BillingEvent, Subscription, User, utcnow
from sync_server.services.mail import Mailer, MailError
from sync_server.settings import Settings

log = logging.getLogger("authorworks.billing")

SUBSCRIPTION_EVENTS = frozenset(
    {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
    }
)
INVOICE_EVENTS = frozenset(
    {"invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed", "invoice.finalized"}
)


class SignatureError(BadRequest):
    code = "bad_signature"


def verify(
    payload: bytes, header: str | None, secret: str, *, tolerance: int, now: float | None = None
) -> None:
    """Raise SignatureError unless ``header`` signs ``payload`` with ``secret`` within
    ``tolerance`` seconds of ``now`` (either way)."""
    if not secret:
        raise SignatureError("this server has no webhook secret configured")
    if not header:
        raise SignatureError("no Stripe-Signature header")
    stamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                stamp = int(value)
            except ValueError:
                raise SignatureError("the signature's timestamp is not a number") from None
        elif key == "v1" and value:
            signatures.append(value)
    if stamp is None or not signatures:
        raise SignatureError("the Stripe-Signature header has no timestamp or no v1 signature")
    now = time.time() if now is None else now
    if abs(now - stamp) > tolerance:
        raise SignatureError(
            "the signature's timestamp is too far from now "
            + ("(in the future)" if stamp > now else "(too old: a replay?)")
        )
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, given) for given in signatures):
        raise SignatureError("no signature matches this server's webhook secret")


def receive(
    session: Session, settings: Settings, mailer: Mailer, payload: bytes, header: str | None
) -> dict[str, Any]:
    """Verify, record and handle one webhook delivery; what to answer (200)."""
    verify(
        payload,
        header,
        settings.stripe_webhook_secret,
        tolerance=settings.stripe_webhook_tolerance_seconds,
    )
    try:
        event = json.loads(payload)
        event_id, kind = str(event["id"]), str(event["type"])
    except (ValueError, KeyError, TypeError):
        raise BadRequest("the event is not a Stripe event") from None
    row = session.get(BillingEvent, event_id)
    if row is None:
        session.add(BillingEvent(id=event_id, type=kind, created=int(event.get("created") or 0)))
        try:
            session.commit()
        except IntegrityError:  # the same event delivered twice at once: the other has it
            session.rollback()
        row = session.get(BillingEvent, event_id)
    if row is not None and row.processed_at is not None:
        return {"received": True, "duplicate": True}
    session.execute(
        update(BillingEvent)
        .where(BillingEvent.id == event_id)
        .values(attempts=BillingEvent.attempts + 1)
    )
    session.commit()
    try:
        handled = handle(session, settings, mailer, event)
        # Marked done only now: a handler that failed runs again on Stripe's retry.
        session.execute(
            update(BillingEvent)
            .where(BillingEvent.id == event_id)
            .values(processed_at=utcnow(), last_error=None)
        )
        session.commit()
    except Exception as exc:
        session.rollback()
        session.execute(
            update(BillingEvent)
            .where(BillingEvent.id == event_id)
            .values(last_error=f"{type(exc).__name__}: {exc}"[:2000])
        )
        session.commit()
        raise
    return {"received": True, "handled": handled}


def handle(session: Session, settings: Settings, mailer: Mailer, event: dict[str, Any]) -> bool:
    """Apply one event; whether it concerned a subscription of this server."""
    kind = str(event.get("type"))
    obj = (event.get("data") or {}).get("object") or {}
    if kind == "checkout.session.completed":
        user_id = str(obj.get("client_reference_id") or "")
        customer = str(obj.get("customer") or "")
        if user_id and customer and session.get(User, user_id) is not None:
            row = stripe_sync.row_of(session, user_id)
            row.stripe_customer_id = row.stripe_customer_id or customer
            session.commit()
        subscription = str(obj.get("subscription") or "")
        if subscription:
            return stripe_sync.refresh_subscription(session, settings, subscription)
        return bool(customer) and stripe_sync.refresh_customer(session, settings, customer)
    if kind in SUBSCRIPTION_EVENTS:
        return stripe_sync.refresh_subscription(session, settings, str(obj.get("id")))
    if kind in INVOICE_EVENTS:
        subscription = str(obj.get("subscription") or _invoice_subscription(obj) or "")
        before = _grace_of(session, subscription)
        done = bool(subscription) and stripe_sync.refresh_subscription(
            session, settings, subscription
        )
        if done and kind == "invoice.payment_failed":
            _tell_payment_failed(session, settings, mailer, subscription, first=before is None)
        return done
    return False  # an event this server does not use: recorded, nothing to do


def _invoice_subscription(invoice: dict[str, Any]) -> str:
    # Newer API versions name it under parent.subscription_details.
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return str(details.get("subscription") or "")


def _grace_of(session: Session, subscription_id: str) -> Any:
    if not subscription_id:
        return None
    return session.scalar(
        select(Subscription.grace_until).where(
            Subscription.stripe_subscription_id == subscription_id
        )
    )


def _tell_payment_failed(
    session: Session, settings: Settings, mailer: Mailer, subscription_id: str, *, first: bool
) -> None:
    """Email the account that its payment failed and until when its plan holds."""
    row = session.scalar(
        select(Subscription).where(Subscription.stripe_subscription_id == subscription_id)
    )
    if row is None or row.grace_until is None:
        return
    user = session.get(User, row.user_id)
    if user is None:
        return
    until = f"{row.grace_until:%Y-%m-%d}"
    body = (
        "Your payment for AuthorWorks did not go through.\n\n"
        f"Your plan stays as it is until {until}. Update your card in the billing portal "
        "(`authorworks account --portal`, or Account › Manage Billing in the studio) before "
        "then; after it, your account moves to the free plan. Nothing is deleted: books over "
        "the free plan's limits stay readable and wait for you.\n"
    )
    subject = (
        "Your AuthorWorks payment failed" if first else "Your AuthorWorks payment failed again"
    )
    try:
        mailer.send(to=user.email, subject=subject, body=body)
    except MailError as exc:
        log.warning("billing: could not email %s about a failed payment: %s", user.id, exc)
