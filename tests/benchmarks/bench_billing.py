"""Plans and billing (the issue's targets in brackets), on the embedded default (SQLite):

* a webhook handled — signature, record, the subscription's state applied, marked done —
  with Stripe's answer given in-process (no network) [p95 <= 20 ms];
* the entitlement check made where work happens [<= 1 ms];
* what the hosted-AI proxy adds before the first streamed event, against a loopback
  round trip of the same server's /health as the reference [<= 5 ms].

    python tests/benchmarks/bench_billing.py [--small]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx

from sync_server.app import create_app, migrate
from sync_server.billing import stripe_sync, webhooks
from sync_server.billing.entitlements import check
from sync_server.models import Subscription, User, utcnow
from tests.sync_server.fake_stripe import sign
from tests.sync_server.fixtures import fast_settings, live_server, sign_up

SECRET = "whsec_bench"


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class _Subscriptions:
    def __init__(self, sub: dict[str, Any]) -> None:
        self.sub = sub

    def retrieve(self, _sub_id: str) -> dict[str, Any]:
        return self.sub


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args(argv)
    rounds = 40 if args.small else 400
    folder = Path(tempfile.mkdtemp(prefix="aw-bench-billing-"))
    settings = fast_settings(
        folder / "server",
        f"sqlite:///{folder / 'server.sqlite3'}",
        stripe_secret_key="sk_test_bench",
        stripe_webhook_secret=SECRET,
        stripe_price_basic="price_basic",
        anthropic_api_key="sk-ant-bench",
    )
    app = create_app(settings)
    migrate(app.state.engine)
    with app.state.sessions() as session:
        user = User(email="bench@example.org", password_hash="x")
        session.add(user)
        session.commit()
        session.add(
            Subscription(user_id=user.id, stripe_customer_id="cus_bench", updated_at=utcnow())
        )
        session.commit()
        user_id = user.id
    sub = {
        "id": "sub_bench",
        "object": "subscription",
        "customer": "cus_bench",
        "status": "active",
        "cancel_at_period_end": False,
        "metadata": {},
        "items": {"data": [{"id": "si_1", "price": {"id": "price_basic"},
                            "current_period_end": int(time.time()) + 86400 * 30}]},
    }  # fmt: skip
    # Stripe's answer, in-process: what is measured is the server's own work.
    stripe_sync.client = lambda _settings: SimpleNamespace(  # type: ignore[assignment]
        v1=SimpleNamespace(subscriptions=_Subscriptions(sub))
    )
    mailer = app.state.mailer
    times = []
    for n in range(rounds):
        event = {
            "id": f"evt_{n}",
            "type": "customer.subscription.updated",
            "created": int(time.time()),
            "data": {"object": sub},
        }
        payload = json.dumps(event).encode()
        header = sign(payload, SECRET)
        started = time.perf_counter()
        with app.state.sessions() as session:
            webhooks.receive(session, settings, mailer, payload, header)
        times.append(time.perf_counter() - started)
    print(
        f"webhook handled (Stripe's answer in-process): p50 {p(times, 0.5):.2f} ms, "
        f"p95 {p(times, 0.95):.2f} ms (target <= 20)"
    )

    checks = []
    with app.state.sessions() as session:
        for _ in range(rounds):
            started = time.perf_counter()
            check(session, settings, user_id, "synced_books")
            checks.append(time.perf_counter() - started)
    print(
        f"entitlement check: p50 {p(checks, 0.5):.3f} ms, p95 {p(checks, 0.95):.3f} ms "
        "(target <= 1)"
    )

    proxy(rounds // 4 or 10, folder)
    return 0


EVENT = b'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":5}}}\n\n'  # noqa: E501
REST = b'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":5}}\n\n'


def proxy(rounds: int, folder: Path) -> None:
    """Time to the first streamed event through the proxy (Anthropic answering at once,
    in-process), against /health on the same server."""
    settings = fast_settings(
        folder / "proxy",
        f"sqlite:///{folder / 'proxy.sqlite3'}",
        anthropic_api_key="sk-ant-bench",
        anthropic_base_url="https://api.anthropic.invalid",
    )
    app = create_app(settings)

    async def anthropic(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=EVENT + REST, headers={"content-type": "text/event-stream"}
        )

    app.state.ai_client = httpx.AsyncClient(transport=httpx.MockTransport(anthropic))
    request = {"model": "m", "max_tokens": 10, "stream": True,
               "messages": [{"role": "user", "content": "Go on."}]}  # fmt: skip
    with live_server(app) as url, httpx.Client(base_url=url) as client:
        user = sign_up(client)  # type: ignore[arg-type]

        async def measure() -> tuple[list[float], list[float]]:
            first, health = [], []
            async with httpx.AsyncClient(base_url=url) as aclient:
                for _ in range(rounds):
                    started = time.perf_counter()
                    await aclient.get("/health")
                    health.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    async with aclient.stream(
                        "POST", "/api/v1/ai/messages", json=request, headers=user.headers
                    ) as answer:
                        async for _chunk in answer.aiter_raw():
                            first.append(time.perf_counter() - started)
                            break
            return first, health

        first, health = asyncio.run(measure())
    added = statistics.median(first) - statistics.median(health)
    print(
        f"hosted AI proxy, first event: median {statistics.median(first) * 1000:.2f} ms; "
        f"/health round trip {statistics.median(health) * 1000:.2f} ms; added "
        f"{added * 1000:.2f} ms (target <= 5)"
    )


if __name__ == "__main__":
    sys.exit(main())
