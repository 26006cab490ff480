"""/api/v1/billing: the plans, the caller's subscription and usage, Checkout and the Customer
Portal, invoices, and Stripe's webhook; /api/v1/ai/messages: hosted AI."""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
import httpx
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from sync_server.billing import hosted_ai, stripe_sync, webhooks
from sync_server.billing.entitlements import NAMES, plans_of, standing, usage
from sync_server.deps import CallerDep, SessionDep, SettingsDep
from sync_server.errors import (
    BadRequest,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    error_body,
)

log = logging.getLogger("authorworks.billing")
router = APIRouter(prefix="/billing", tags=["billing"])
ai_router = APIRouter(prefix="/ai", tags=["hosted AI"])


@router.get("/plans")
def list_plans(settings: SettingsDep) -> dict[str, Any]:
    """Every plan: ``id``, name, price and limits (no sign-in needed)."""
    return {"plans": [plan.public() for plan in plans_of(settings).values()]}


@router.get("/subscription")
def subscription(session: SessionDep, settings: SettingsDep, caller: CallerDep) -> dict[str, Any]:
    """The caller's ``plan`` in force, its status and period, ``usage`` and ``limits``."""
    where = standing(session, settings, caller.user_id)
    used = usage(session, caller.user_id)
    return {
        "plan": where.plan.id,
        "plan_name": where.plan.name,
        "bought": where.bought,
        "status": where.status,
        "current_period_end": where.period_end.isoformat() if where.period_end else None,
        "cancel_at_period_end": where.cancel_at_period_end,
        "pending_plan": where.pending_plan,
        "grace_until": where.grace_until.isoformat() if where.grace_until else None,
        "enforced": settings.plans_enforced,
        "usage": used,
        "limits": {name: where.limit(name) for name in NAMES},
        "hosted_ai": bool(settings.anthropic_api_key) and where.limit("ai_tokens_month") != 0,
    }


class PlanChoice(BaseModel):
    plan: str = Field(min_length=1, max_length=40)


@router.post("/checkout")
def checkout(
    body: PlanChoice, session: SessionDep, settings: SettingsDep, caller: CallerDep
) -> dict[str, Any]:
    """Subscribe to a plan (a Checkout ``url`` to pay at) or change to it (an upgrade now,
    prorated; a downgrade at the end of the period)."""
    return stripe_sync.change_plan(session, settings, caller.user, body.plan)


@router.post("/portal")
def portal(session: SessionDep, settings: SettingsDep, caller: CallerDep) -> dict[str, str]:
    """The Customer Portal (cards, invoices, cancelling): a ``url`` to open."""
    return {"url": stripe_sync.portal_url(session, settings, caller.user)}


@router.get("/invoices")
def list_invoices(session: SessionDep, settings: SettingsDep, caller: CallerDep) -> dict[str, Any]:
    return {"invoices": stripe_sync.invoices(session, settings, caller.user_id)}


@router.post("/webhook", include_in_schema=True)
async def webhook(request: Request) -> JSONResponse:
    """Stripe's events (signed): 400 for a bad signature, 500 when handling failed (Stripe
    retries), 200 once handled or when seen before."""
    payload = await request.body()
    header = request.headers.get("stripe-signature")
    app = request.app

    def run() -> dict[str, Any]:
        with app.state.sessions() as session:
            return webhooks.receive(session, app.state.settings, app.state.mailer, payload, header)

    try:
        answer = await run_in_threadpool(run)
    except BadRequest:  # a bad signature or not an event: 400, nothing done
        raise
    except Exception as exc:
        log.exception("billing: a webhook's handler failed")
        return JSONResponse(
            error_body("webhook_failed", f"the event was not handled ({type(exc).__name__})"),
            status_code=500,
        )
    return JSONResponse(answer)


@ai_router.post("/messages")
@ai_router.post("/v1/messages", include_in_schema=False)  # the Anthropic SDK's own path
async def messages(request: Request, caller: CallerDep, session: SessionDep) -> Response:
    """A Messages request answered by Anthropic with the server's key; streamed events come
    back unchanged. Tokens are reserved first (402 ``plan_limit`` when the plan has none
    left) and settled after."""
    # The token's check is done: its connection goes back to the pool now, not after a
    # stream that may run for minutes (the calls below take their own, briefly).
    session.close()
    app = request.app
    settings = app.state.settings
    if not settings.anthropic_api_key:
        raise NotFound(
            "this server offers no hosted AI (no Anthropic key is set)", code="no_hosted_ai"
        )
    raw = await request.body()
    if len(raw) > hosted_ai.MAX_BODY_BYTES:
        raise PayloadTooLarge("a hosted AI request is at most 8 MB")
    try:
        body = json.loads(raw)
        if not isinstance(body, dict) or not body.get("model") or not body.get("max_tokens"):
            raise ValueError
    except ValueError:
        raise BadRequest("send a Messages request: model, max_tokens and messages") from None

    def take() -> hosted_ai.Reservation:
        with app.state.sessions() as session:
            return hosted_ai.reserve(session, settings, caller.user_id, hosted_ai.cost_of(body))

    reservation = await run_in_threadpool(take)
    meter = hosted_ai.UsageMeter()

    def settle(used: int | None) -> None:
        """The call is over: ``used`` tokens spent (0: it never ran; None: all reserved)."""
        with app.state.sessions() as session:
            hosted_ai.settle(session, reservation, used)

    client: httpx.AsyncClient = app.state.ai_client
    headers = {
        "x-api-key": settings.anthropic_api_key,
        "anthropic-version": request.headers.get("anthropic-version")
        or hosted_ai.ANTHROPIC_VERSION,
        "content-type": "application/json",
    }
    if request.headers.get("anthropic-beta"):
        headers["anthropic-beta"] = request.headers["anthropic-beta"]
    try:
        url = f"{settings.anthropic_base_url.rstrip('/')}/v1/messages"
        outgoing = client.build_request("POST", url, content=raw, headers=headers)
        upstream = await client.send(outgoing, stream=True)
    except httpx.HTTPError as exc:
        await run_in_threadpool(settle, 0)
        raise ServiceUnavailable(f"Anthropic could not be reached: {type(exc).__name__}") from None
    passed = {
        k: v
        for k, v in upstream.headers.items()
        if k.lower() in ("content-type", "request-id", "anthropic-ratelimit-tokens-remaining",
                         "retry-after")
    }  # fmt: skip
    if upstream.status_code >= 400 or not upstream.headers.get("content-type", "").startswith(
        "text/event-stream"
    ):
        content = await upstream.aread()
        await upstream.aclose()
        if upstream.status_code < 400:
            meter.read_message(content)
        await run_in_threadpool(settle, meter.used if upstream.status_code < 400 else 0)
        return Response(content, status_code=upstream.status_code, headers=passed)

    async def stream() -> Any:
        try:
            async for chunk in hosted_ai.relay(upstream, meter):
                yield chunk
        finally:
            # Settled even when the client went away mid-stream (the generator is closed).
            with anyio.CancelScope(shield=True):
                await upstream.aclose()
                await run_in_threadpool(settle, meter.used)

    return StreamingResponse(stream(), status_code=upstream.status_code, headers=passed)
