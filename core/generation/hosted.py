"""Hosted AI: generating through the sync server (on a plan that includes it) when this
computer has no Anthropic key of its own.

The server's ``/api/v1/ai`` takes a Messages request with the account's access token and
answers it with its own key, streaming Anthropic's events back unchanged — so the Anthropic
SDK speaks to it as to Anthropic (``base_url`` and a bearer token), and everything after
(streaming, cancelling, the history) is the same code as with one's own key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import AuthorWorksError
from core.store import Library


@dataclass(frozen=True)
class HostedRoute:
    base_url: str  # the server's /api/v1/ai (the SDK adds /v1/messages)
    token: str  # a fresh access token of the account
    tokens_left: int | None  # this month's allowance left (None: unlimited)


def hosted_route(library: Library) -> HostedRoute | None:
    """The server's hosted AI for this library's account, when it is signed in on a plan
    that has some left; None otherwise (offline, signed out, free plan, no key there)."""
    from core.sync.account import account_api
    from core.sync.billing import tokens_left
    from core.sync.status import status

    current = status(library)
    if not current.signed_in or not current.server:
        return None
    try:
        with account_api(library) as api:
            subscription: dict[str, Any] = api.subscription()
            if not subscription.get("hosted_ai"):
                return None
            left = tokens_left(subscription) if subscription.get("enforced", True) else None
            if left == 0:
                return None
            api.refresh()
            token = api.access_token
    except AuthorWorksError:  # offline, signed out, an old server: no hosted AI, say why later
        return None
    if not token:
        return None
    return HostedRoute(f"{current.server.rstrip('/')}/api/v1/ai", token, left)
