"""Plans and billing against a fake Stripe on loopback, through the official stripe library:
subscribe at Checkout, upgrade (prorated), downgrade (at the period's end), cancel, a failed
payment's grace and email; the webhook's signatures, its idempotence and every order of a
checkout's events; a failing handler retried."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete

from sync_server.app import create_app
from sync_server.billing.entitlements import standing
from sync_server.billing.webhooks import SignatureError, verify
from sync_server.models import BillingEvent, Subscription, utcnow
from tests.sync_server.fake_stripe import FakeStripe, make_app, sign
from tests.sync_server.fixtures import SyncUser, fast_settings, live_server, sign_up

API = "/api/v1"
SECRET = "whsec_authorworks_test"
PRICES = {"price_basic": 800, "price_pro": 2000}


@dataclass
class World:
    fake: FakeStripe
    server: str
    client: httpx.Client
    app: object

    def wait_for(self, user: SyncUser, **want: object) -> dict:
        deadline = time.monotonic() + 20
        while True:
            got = self.client.get(f"{API}/billing/subscription", headers=user.headers).json()
            if all(got.get(k) == v for k, v in want.items()):
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"the subscription never became {want}: {got}")
            time.sleep(0.05)


@pytest.fixture
def billing(tmp_path: Path, sync_database_url: str, smtp_sink) -> Iterator[World]:
    fake = FakeStripe(prices=dict(PRICES), webhook_secret=SECRET)
    with live_server(make_app(fake)) as stripe_url:
        fake.base_url = stripe_url
        settings = fast_settings(
            tmp_path / "server",
            sync_database_url,
            stripe_secret_key="sk_test_authorworks",
            stripe_webhook_secret=SECRET,
            stripe_api_base=stripe_url,
            stripe_price_basic="price_basic",
            stripe_price_pro="price_pro",
            smtp_url=smtp_sink.url,
        )
        app = create_app(settings)
        with live_server(app) as server, httpx.Client(base_url=server, timeout=30) as client:
            fake.webhook_url = f"{server}{API}/billing/webhook"
            yield World(fake, server, client, app)


def _subscribe(world: World, user: SyncUser, plan: str = "basic") -> str:
    r = world.client.post(f"{API}/billing/checkout", json={"plan": plan}, headers=user.headers)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["action"] == "checkout" and answer["url"].startswith(world.fake.base_url)
    session_id = answer["url"].rsplit("/", 1)[1]
    done = httpx.post(f"{world.fake.base_url}/_test/checkout/{session_id}/complete", json={})
    return str(done.json()["subscription"])


def test_the_plans_are_public(billing):
    r = billing.client.get(f"{API}/billing/plans")
    assert r.status_code == 200
    plans = {p["id"]: p for p in r.json()["plans"]}
    assert list(plans) == ["free", "basic", "pro", "enterprise"]
    assert plans["free"]["limits"]["synced_books"] == 3
    assert plans["free"]["limits"]["ai_tokens_month"] == 0
    assert plans["basic"]["limits"]["ai_tokens_month"] == 300_000
    assert plans["pro"]["limits"]["synced_books"] is None  # unlimited
    assert plans["basic"]["purchasable"] and not plans["enterprise"]["purchasable"]


def test_subscribe_upgrade_downgrade_and_cancel(billing, smtp_sink):
    user = sign_up(billing.client)
    start = billing.wait_for(user, plan="free")
    assert start["usage"]["synced_books"] == 0 and start["limits"]["synced_books"] == 3
    sub_id = _subscribe(billing, user, "basic")
    got = billing.wait_for(user, plan="basic", status="active")
    assert got["current_period_end"] and not got["cancel_at_period_end"]
    assert got["limits"]["ai_tokens_month"] == 300_000

    # Upgrade: at once, charged for the rest of the period (an invoice of its own).
    r = billing.client.post(f"{API}/billing/checkout", json={"plan": "pro"}, headers=user.headers)
    assert r.json()["action"] == "upgraded"
    billing.wait_for(user, plan="pro")
    invoices = billing.client.get(f"{API}/billing/invoices", headers=user.headers).json()
    amounts = sorted(i["amount_due"] for i in invoices["invoices"])
    assert amounts[0] == 800  # the first month of basic
    assert 1150 <= amounts[1] <= 1200  # the difference to pro for (nearly) the whole month

    # Downgrade: the paid period keeps pro; basic is waiting for its end.
    r = billing.client.post(f"{API}/billing/checkout", json={"plan": "basic"}, headers=user.headers)
    assert r.json()["action"] == "downgrade_scheduled"
    got = billing.wait_for(user, plan="pro", pending_plan="basic")

    # Cancelling in the portal: the plan runs to the end of the period.
    portal = billing.client.post(f"{API}/billing/portal", headers=user.headers).json()
    assert portal["url"].startswith(billing.fake.base_url + "/portal/")
    httpx.post(f"{billing.fake.base_url}/_test/subscriptions/{sub_id}/cancel_at_period_end")
    billing.wait_for(user, plan="pro", cancel_at_period_end=True)
    httpx.post(f"{billing.fake.base_url}/_test/subscriptions/{sub_id}/renew")
    billing.wait_for(user, plan="free", status="canceled")
    assert all(status == 200 for _id, _type, status in billing.fake.delivered)


def test_a_failed_payment_keeps_the_plan_for_the_grace_period_then_free(billing, smtp_sink):
    user = sign_up(billing.client)
    sub_id = _subscribe(billing, user, "basic")
    billing.wait_for(user, plan="basic", status="active")
    httpx.post(f"{billing.fake.base_url}/_test/subscriptions/{sub_id}/payment_failed")
    got = billing.wait_for(user, status="past_due")
    assert got["plan"] == "basic" and got["grace_until"]  # kept, for now
    deadline = time.monotonic() + 10
    while not smtp_sink.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    [mail] = smtp_sink.messages
    assert mail["To"] == user.email and "payment" in mail["Subject"].lower()
    assert "free plan" in mail.get_body(preferencelist=("plain",)).get_content()
    # Past the grace period the plan in force is free (nothing is deleted).
    with billing.app.state.sessions() as session:
        user_id = session.query(Subscription.user_id).scalar()
        later = utcnow() + timedelta(days=8)
        assert standing(session, billing.app.state.settings, user_id, later).plan.id == "free"
        assert standing(session, billing.app.state.settings, user_id).plan.id == "basic"
    # The card fixed: active again, the grace gone.
    httpx.post(f"{billing.fake.base_url}/_test/subscriptions/{sub_id}/payment_recovered")
    got = billing.wait_for(user, status="active", grace_until=None)
    assert got["plan"] == "basic"


def _deliver(world: World, event: dict, *, secret: str = SECRET) -> httpx.Response:
    payload = json.dumps(event).encode()
    return world.client.post(
        f"{API}/billing/webhook",
        content=payload,
        headers={"Stripe-Signature": sign(payload, secret), "Content-Type": "application/json"},
    )


def _state(world: World, user_id: str) -> tuple:
    with world.app.state.sessions() as session:
        row = session.get(Subscription, user_id)
        assert row is not None
        return (
            row.plan,
            row.status,
            row.stripe_customer_id,
            row.stripe_subscription_id,
            row.current_period_end,
            row.cancel_at_period_end,
        )


def test_every_order_of_a_checkouts_events_twice_ends_the_same(billing):
    user = sign_up(billing.client)
    r = billing.client.post(f"{API}/billing/checkout", json={"plan": "pro"}, headers=user.headers)
    session_id = r.json()["url"].rsplit("/", 1)[1]
    done = httpx.post(
        f"{billing.fake.base_url}/_test/checkout/{session_id}/complete", json={"deliver": False}
    ).json()
    events = done["events"]
    assert [e["type"] for e in events] == [
        "checkout.session.completed",
        "customer.subscription.created",
        "invoice.paid",
        "customer.subscription.updated",
    ]
    with billing.app.state.sessions() as session:
        user_id = session.query(Subscription.user_id).scalar()
    results = set()
    orders = list(itertools.permutations(events))
    assert len(orders) == 24
    for order in orders:
        with billing.app.state.sessions() as session:  # from nothing each time
            session.execute(delete(Subscription))
            session.execute(delete(BillingEvent))
            session.commit()
        for event in (*order, *order):  # each delivered twice
            assert _deliver(billing, event).status_code == 200
        results.add(_state(billing, user_id))
    [final] = results
    assert final[0] == "pro" and final[1] == "active" and final[3] == done["subscription"]


def test_a_failing_handler_answers_500_and_runs_again_on_the_retry(billing):
    user = sign_up(billing.client)
    sub_id = _subscribe(billing, user, "basic")
    billing.wait_for(user, plan="basic")
    event = billing.fake.event("customer.subscription.updated", billing.fake.subscriptions[sub_id])
    billing.fake.subscriptions[sub_id]["cancel_at_period_end"] = True
    billing.fake.fail_reads = True
    assert _deliver(billing, event).status_code == 500
    with billing.app.state.sessions() as session:
        row = session.get(BillingEvent, event["id"])
        assert row is not None and row.processed_at is None and row.last_error
    billing.fake.fail_reads = False
    assert _deliver(billing, event).json()["handled"] is True  # Stripe's retry
    billing.wait_for(user, cancel_at_period_end=True)
    assert _deliver(billing, event).json()["duplicate"] is True  # and once only


def test_a_bad_signature_is_400_and_changes_nothing(billing):
    user = sign_up(billing.client)
    event = {
        "id": "evt_forged",
        "type": "customer.subscription.deleted",
        "created": int(time.time()),
        "data": {"object": {"id": "sub_x"}},
    }
    r = _deliver(billing, event, secret="whsec_someone_else")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_signature"
    with billing.app.state.sessions() as session:
        assert session.get(BillingEvent, "evt_forged") is None
    assert billing.wait_for(user, plan="free")


BODY = b'{"id": "evt_1", "type": "invoice.paid"}'
NOW = 1_800_000_000


@pytest.mark.parametrize(
    ("header", "body", "ok"),
    [
        (sign(BODY, SECRET, NOW), BODY, True),
        (sign(BODY, "whsec_wrong", NOW), BODY, False),
        (sign(BODY, SECRET, NOW - 301), BODY, False),  # stale: a replay
        (sign(BODY, SECRET, NOW + 301), BODY, False),  # from the future
        (sign(BODY, SECRET, NOW - 299), BODY, True),
        # Several v1 while a secret is rolled: any one may match.
        (f"t={NOW},v1={'0' * 64},{sign(BODY, SECRET, NOW).split(',')[1]}", BODY, True),
        (None, BODY, False),  # no header
        ("", BODY, False),
        (f"t={NOW}", BODY, False),  # no v1
        ("v1=abc", BODY, False),  # no timestamp
        (sign(BODY, SECRET, NOW), BODY.replace(b"paid", b"void"), False),  # tampered
        (sign(BODY, SECRET, NOW).replace("t=", "t=x"), BODY, False),
    ],
)
def test_signature_vectors(header, body, ok):
    if ok:
        verify(body, header, SECRET, tolerance=300, now=NOW)
    else:
        with pytest.raises(SignatureError):
            verify(body, header, SECRET, tolerance=300, now=NOW)


def test_account_and_upgrade_from_the_cli(billing, tmp_path, sync_keyring, monkeypatch, capsys):
    from core.cli import main

    library = str(tmp_path / "ann")
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    assert main(["--library", library, "login", "--server", billing.server, "--email",
                 "ann@example.org", "--register"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["--library", library, "account"]) == 0
    shown = capsys.readouterr().out
    assert "Plan: Free" in shown and "Synced books: 0 of 3" in shown
    assert "Hosted AI tokens this month: 0 of 0" in shown
    assert main(["--library", library, "upgrade", "basic"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith(billing.fake.base_url + "/pay/cs_")
    httpx.post(f"{billing.fake.base_url}/_test/checkout/{url.rsplit('/', 1)[1]}/complete", json={})
    deadline = time.monotonic() + 20
    while True:
        assert main(["--library", library, "account", "--json", "--invoices", "--portal"]) == 0
        data = json.loads(capsys.readouterr().out)
        if data["plan"] == "basic" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert data["plan"] == "basic" and data["limits"]["synced_books"] == 25
    assert [i["amount_due"] for i in data["invoices"]] == [800]
    assert data["portal_url"].startswith(billing.fake.base_url + "/portal/")
    assert main(["--library", library, "upgrade", "pro"]) == 0
    assert "Now on pro" in capsys.readouterr().out
    assert main(["--library", library, "upgrade", "nonesuch"]) != 0
    assert "no plan 'nonesuch'" in capsys.readouterr().err
