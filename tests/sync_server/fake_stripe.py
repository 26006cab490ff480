"""A fake Stripe API for the billing tests: the official ``stripe`` library talks to it on
loopback (``AUTHORWORKS_SERVER_STRIPE_API_BASE``), as it would to api.stripe.com.

It keeps Stripe's object shapes for what the server uses — customers, Checkout Sessions,
Billing Portal sessions, subscriptions (with their items' prices and periods), invoices and
events — reads Stripe's form encoding (``items[0][price]=...``), answers errors as Stripe
does, and signs the events it delivers with Stripe's scheme. What a person does in Stripe's
pages (paying at Checkout, a card declined at renewal, cancelling in the portal) is done
through ``/_test/...`` routes.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

MONTH = 30 * 24 * 3600
_counter = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}_test_{next(_counter):06d}{int(time.time() * 1000) % 100000:05d}"


def sign(payload: bytes, secret: str, stamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header for ``payload``."""
    stamp = int(time.time()) if stamp is None else stamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
    return f"t={stamp},v1={digest.hexdigest()}"


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's nested form encoding into dicts and lists."""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt: Any = value if last else ({} if not parts[i + 1].isdigit() else [])
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(None)
                if node[index] is None or last:
                    node[index] = nxt
                node = node[index]
            else:
                if part not in node or last:
                    node[part] = nxt
                node = node[part]
    return out


@dataclass
class FakeStripe:
    prices: dict[str, int]  # price id -> monthly amount (cents)
    webhook_url: str = ""
    webhook_secret: str = ""
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    delivered: list[tuple[str, str, int]] = field(default_factory=list)  # id, type, status
    fail_reads: bool = False  # Stripe having a bad moment: reads answer 500
    period: int = MONTH  # seconds a period lasts (a test makes it short, to see one end)
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def clock(self) -> int:
        return int(time.time())

    # ------------------------------------------------------------------ objects

    def price(self, price_id: str) -> dict[str, Any]:
        return {
            "id": price_id,
            "object": "price",
            "currency": "usd",
            "unit_amount": self.prices[price_id],
            "recurring": {"interval": "month", "interval_count": 1},
            "active": True,
        }

    def event(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        made = {
            "id": _id("evt"),
            "object": "event",
            "api_version": "2025-03-31.basil",
            "created": int(time.time()),
            "type": kind,
            "livemode": False,
            "data": {"object": json.loads(json.dumps(obj))},
        }
        self.events.append(made)
        return made

    def invoice(self, sub: dict[str, Any], amount: int, *, paid: bool, reason: str) -> dict:
        made = {
            "id": _id("in"),
            "object": "invoice",
            "customer": sub["customer"],
            "subscription": sub["id"],
            "number": f"AW-{len(self.invoices) + 1:04d}",
            "amount_due": amount,
            "amount_paid": amount if paid else 0,
            "currency": "usd",
            "status": "paid" if paid else "open",
            "billing_reason": reason,
            "created": self.clock,
            "hosted_invoice_url": f"{self.base_url}/i/{len(self.invoices) + 1}",
            "invoice_pdf": f"{self.base_url}/i/{len(self.invoices) + 1}/pdf",
        }
        self.invoices.append(made)
        return made

    def subscribe(self, customer: str, price: str, metadata: dict[str, Any]) -> dict[str, Any]:
        end = self.clock + self.period
        sub = {
            "id": _id("sub"),
            "object": "subscription",
            "customer": customer,
            "status": "active",
            "cancel_at_period_end": False,
            "created": self.clock,
            "metadata": dict(metadata),
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": _id("si"),
                        "object": "subscription_item",
                        "price": self.price(price),
                        "quantity": 1,
                        "current_period_start": self.clock,
                        "current_period_end": end,
                    }
                ],
                "has_more": False,
            },
        }
        self.subscriptions[sub["id"]] = sub
        return sub

    def deliver(self, events: list[dict[str, Any]]) -> None:
        """Send ``events`` to the webhook, signed, as Stripe does (when one is set), from a
        thread of their own: the handler calls back here while they are sent."""
        if not self.webhook_url or not events:
            return

        def send() -> None:
            for event in events:
                payload = json.dumps(event).encode()
                try:
                    answer = httpx.post(
                        self.webhook_url,
                        content=payload,
                        headers={
                            "Stripe-Signature": sign(payload, self.webhook_secret),
                            "Content-Type": "application/json",
                        },
                        timeout=30,
                    )
                except httpx.HTTPError:  # the server is gone (the test is over): Stripe retries
                    self.delivered.append((event["id"], event["type"], 0))
                    continue
                self.delivered.append((event["id"], event["type"], answer.status_code))

        threading.Thread(target=send, daemon=True).start()


def _error(status: int, message: str, kind: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status)


def make_app(fake: FakeStripe) -> FastAPI:
    app = FastAPI()

    async def form(request: Request) -> dict[str, Any]:
        fake.requests.append((request.method, request.url.path))
        if request.headers.get("authorization", "") != "Bearer sk_test_authorworks":
            raise PermissionError
        if request.method == "GET":
            return decode_form(str(request.url.query))
        return decode_form((await request.body()).decode())

    @app.exception_handler(PermissionError)
    async def _unauthorized(_request: Request, _exc: Exception) -> JSONResponse:
        return _error(401, "Invalid API Key provided", "invalid_request_error")

    @app.exception_handler(KeyError)
    async def _missing(_request: Request, exc: Exception) -> JSONResponse:
        return _error(404, f"No such object: {exc}")

    @app.post("/v1/customers")
    async def create_customer(request: Request) -> dict[str, Any]:
        data = await form(request)
        made = {
            "id": _id("cus"),
            "object": "customer",
            "email": data.get("email"),
            "metadata": data.get("metadata") or {},
        }
        fake.customers[made["id"]] = made
        return made

    @app.get("/v1/customers/{customer_id}")
    async def get_customer(customer_id: str, request: Request) -> dict[str, Any]:
        await form(request)
        return fake.customers[customer_id]

    @app.post("/v1/checkout/sessions")
    async def create_session(request: Request) -> Any:
        data = await form(request)
        price = data["line_items"][0]["price"]
        if price not in fake.prices:
            return _error(400, f"No such price: '{price}'")
        fake.customers[data["customer"]]
        made = {
            "id": _id("cs"),
            "object": "checkout.session",
            "mode": data.get("mode"),
            "customer": data["customer"],
            "client_reference_id": data.get("client_reference_id"),
            "status": "open",
            "payment_status": "unpaid",
            "subscription": None,
            "success_url": data.get("success_url"),
            "url": "",
            "_price": price,
            "_metadata": (data.get("subscription_data") or {}).get("metadata") or {},
        }
        made["url"] = f"{fake.base_url}/pay/{made['id']}"
        fake.sessions[made["id"]] = made
        return {k: v for k, v in made.items() if not k.startswith("_")}

    @app.post("/v1/billing_portal/sessions")
    async def create_portal(request: Request) -> dict[str, Any]:
        data = await form(request)
        fake.customers[data["customer"]]
        return {
            "id": _id("bps"),
            "object": "billing_portal.session",
            "customer": data["customer"],
            "return_url": data.get("return_url"),
            "url": f"{fake.base_url}/portal/{data['customer']}",
        }

    @app.get("/v1/subscriptions/{sub_id}")
    async def get_subscription(sub_id: str, request: Request) -> Any:
        await form(request)
        if fake.fail_reads:
            return _error(500, "An unknown error occurred", "api_error")
        return fake.subscriptions[sub_id]

    @app.get("/v1/subscriptions")
    async def list_subscriptions(request: Request) -> dict[str, Any]:
        data = await form(request)
        found = [s for s in fake.subscriptions.values() if s["customer"] == data.get("customer")]
        found.sort(key=lambda s: -s["created"])
        limit = int(data.get("limit") or 10)
        return {"object": "list", "data": found[:limit], "has_more": len(found) > limit}

    @app.post("/v1/subscriptions/{sub_id}")
    async def update_subscription(sub_id: str, request: Request) -> Any:
        data = await form(request)
        with fake.lock:
            sub = fake.subscriptions[sub_id]
            item = sub["items"]["data"][0]
            events = []
            for change in data.get("items") or []:
                new_price = change.get("price")
                if new_price and new_price not in fake.prices:
                    return _error(400, f"No such price: '{new_price}'")
                if new_price and new_price != item["price"]["id"]:
                    old = fake.prices[item["price"]["id"]]
                    item["price"] = fake.price(new_price)
                    if data.get("proration_behavior") == "always_invoice":
                        left = max(0, item["current_period_end"] - fake.clock) / fake.period
                        amount = max(0, round((fake.prices[new_price] - old) * left))
                        invoice = fake.invoice(sub, amount, paid=True, reason="subscription_update")
                        events.append(fake.event("invoice.paid", invoice))
            if "cancel_at_period_end" in data:
                sub["cancel_at_period_end"] = data["cancel_at_period_end"] == "true"
            if "metadata" in data:
                for key, value in data["metadata"].items():
                    if value == "":
                        sub["metadata"].pop(key, None)
                    else:
                        sub["metadata"][key] = value
            events.append(fake.event("customer.subscription.updated", sub))
        fake.deliver(events)
        return sub

    @app.delete("/v1/subscriptions/{sub_id}")
    async def cancel_subscription(sub_id: str, request: Request) -> dict[str, Any]:
        await form(request)
        sub = fake.subscriptions[sub_id]
        sub["status"] = "canceled"
        fake.deliver([fake.event("customer.subscription.deleted", sub)])
        return sub

    @app.get("/v1/invoices")
    async def list_invoices(request: Request) -> dict[str, Any]:
        data = await form(request)
        found = [i for i in fake.invoices if i["customer"] == data.get("customer")]
        found.sort(key=lambda i: -i["created"])
        return {"object": "list", "data": found[: int(data.get("limit") or 10)], "has_more": False}

    # ------------------------------------------------------------------ people in Stripe's pages

    @app.post("/_test/checkout/{session_id}/complete")
    async def complete(session_id: str, request: Request) -> dict[str, Any]:
        """The customer paid at Checkout: the four events of a checkout (not delivered when
        ``deliver`` is false: the test delivers them in an order of its own)."""
        options = await request.json()
        with fake.lock:
            cs = fake.sessions[session_id]
            sub = fake.subscribe(cs["customer"], cs["_price"], cs["_metadata"])
            cs.update(status="complete", payment_status="paid", subscription=sub["id"])
            created = fake.event("customer.subscription.created", {**sub, "status": "incomplete"})
            invoice = fake.invoice(
                sub, fake.prices[cs["_price"]], paid=True, reason="subscription_create"
            )
            events = [
                fake.event("checkout.session.completed",
                           {k: v for k, v in cs.items() if not k.startswith("_")}),
                created,
                fake.event("invoice.paid", invoice),
                fake.event("customer.subscription.updated", sub),
            ]  # fmt: skip
        if options.get("deliver", True):
            fake.deliver(events)
        return {"subscription": sub["id"], "events": events}

    @app.post("/_test/subscriptions/{sub_id}/{what}")
    async def happen(sub_id: str, what: str, request: Request) -> dict[str, Any]:
        """A renewal that fails (``payment_failed``), one that succeeds (``renew``), a card
        fixed (``payment_recovered``), cancelling in the portal (``cancel_at_period_end``)."""
        with fake.lock:
            sub = fake.subscriptions[sub_id]
            item = sub["items"]["data"][0]
            amount = fake.prices[item["price"]["id"]]
            events = []
            if what == "payment_failed":
                sub["status"] = "past_due"
                events.append(fake.event(
                    "invoice.payment_failed",
                    fake.invoice(sub, amount, paid=False, reason="subscription_cycle"),
                ))  # fmt: skip
            elif what == "payment_recovered":
                sub["status"] = "active"
                paid = fake.invoice(sub, amount, paid=True, reason="subscription_cycle")
                events.append(fake.event("invoice.paid", paid))
            elif what == "cancel_at_period_end":
                sub["cancel_at_period_end"] = True
            elif what == "renew":
                if sub["cancel_at_period_end"]:
                    sub["status"] = "canceled"
                    events.append(fake.event("customer.subscription.deleted", sub))
                    fake.deliver(events)
                    return {"events": events}
                item["current_period_start"] = fake.clock
                item["current_period_end"] = fake.clock + fake.period
                paid = fake.invoice(sub, amount, paid=True, reason="subscription_cycle")
                events.append(fake.event("invoice.paid", paid))
            else:
                raise KeyError(what)
            events.append(fake.event("customer.subscription.updated", sub))
        fake.deliver(events)
        return {"events": events}

    return app
