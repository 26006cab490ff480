"""The permission matrix, generated from the app's own routes: every endpoint x {anonymous,
stranger, removed member, expired member, viewer, commenter, editor, owner}.

Every route of the OpenAPI document must have a policy below, so a new endpoint fails this
test until someone says who may call it. A book route answers 401 without a token, 404 to
whoever is no member of the book (a stranger, a removed or an expired member: existence does
not leak), 403 to a member whose role is too low, and works for the rest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sync_server.models import BookMember
from sync_server.services.books import RANK
from tests.sync_server.fixtures import sign_up
from tests.sync_server.test_sharing import _book_op, _scene_op

PERSONAS = ("anonymous", "stranger", "removed", "expired", "viewer", "commenter", "editor", "owner")
NOT_MEMBERS = ("stranger", "removed", "expired")
TOKEN_ERRORS = ("not_authenticated", "invalid_token", "token_expired", "device_revoked")


@dataclass(frozen=True)
class Public:
    """Reached without a token (signing up and in)."""


@dataclass(frozen=True)
class Account:
    """Any signed-in account; answers only for the caller's own things."""


@dataclass(frozen=True)
class BookRoute:
    """Needs at least ``minimum`` in the book; ``owner_status`` where the owner is refused
    for another reason than the role (leaving their own book)."""

    minimum: str
    body: dict[str, Any] | None = None
    owner_status: int | None = None


@dataclass(frozen=True)
class Push:
    """The push answers 200 and refuses, book by book, what the caller may not write."""


POLICY: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/auth/register"): Public(),
    ("POST", "/api/v1/auth/login"): Public(),
    ("POST", "/api/v1/auth/refresh"): Public(),
    ("POST", "/api/v1/auth/logout"): Public(),
    ("GET", "/api/v1/auth/me"): Account(),
    ("GET", "/api/v1/auth/oidc"): Public(),
    ("GET", "/api/v1/auth/oidc/start"): Public(),
    ("GET", "/api/v1/auth/oidc/callback"): Public(),
    ("POST", "/api/v1/auth/oidc/complete"): Public(),
    ("POST", "/api/v1/auth/2fa/setup"): Account(),
    ("POST", "/api/v1/auth/2fa/enable"): Account(),
    ("POST", "/api/v1/auth/2fa/disable"): Account(),
    ("POST", "/api/v1/auth/password"): Account(),
    ("POST", "/api/v1/auth/delete-account"): Account(),
    ("GET", "/api/v1/devices"): Account(),
    ("DELETE", "/api/v1/devices/{device_id}"): Account(),
    ("POST", "/api/v1/sync/push"): Push(),
    ("GET", "/api/v1/sync/pull"): BookRoute("viewer"),
    ("POST", "/api/v1/sync/compact"): Account(),
    ("GET", "/api/v1/books"): Account(),
    ("GET", "/api/v1/books/{book_id}"): BookRoute("viewer"),
    ("DELETE", "/api/v1/books/{book_id}"): BookRoute("owner"),
    ("POST", "/api/v1/books/{book_id}/transfer"): BookRoute("owner", {"user_id": "{victim}"}),
    ("GET", "/api/v1/books/{book_id}/members"): BookRoute("viewer"),
    ("PATCH", "/api/v1/books/{book_id}/members/{user_id}"): BookRoute(
        "owner", {"role": "commenter"}
    ),
    ("DELETE", "/api/v1/books/{book_id}/members/{user_id}"): BookRoute("owner"),
    ("POST", "/api/v1/books/{book_id}/leave"): BookRoute("viewer", owner_status=400),
    ("GET", "/api/v1/books/{book_id}/invitations"): BookRoute("owner"),
    ("POST", "/api/v1/books/{book_id}/invitations"): BookRoute(
        "owner", {"email": "newcomer@example.org", "role": "viewer"}
    ),
    ("DELETE", "/api/v1/books/{book_id}/invitations/{invitation_id}"): BookRoute("owner"),
    ("GET", "/api/v1/books/{book_id}/activity"): BookRoute("viewer"),
    ("GET", "/api/v1/invitations"): Account(),
    ("POST", "/api/v1/invitations/accept"): Account(),
    ("POST", "/api/v1/invitations/{invitation_id}/accept"): Account(),
    ("POST", "/api/v1/invitations/{invitation_id}/decline"): Account(),
    ("GET", "/api/v1/notifications"): Account(),
    ("POST", "/api/v1/notifications/read-all"): Account(),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Account(),
    ("GET", "/api/v1/notifications/mutes"): Account(),
    ("PUT", "/api/v1/notifications/mutes"): Account(),
    ("GET", "/api/v1/media"): Account(),
    ("PUT", "/api/v1/media/{sha256}"): Account(),
    ("GET", "/api/v1/media/{sha256}"): Account(),
    ("DELETE", "/api/v1/media/{sha256}"): Account(),
    ("GET", "/api/v1/billing/plans"): Public(),
    ("GET", "/api/v1/billing/subscription"): Account(),
    ("POST", "/api/v1/billing/checkout"): Account(),
    ("POST", "/api/v1/billing/portal"): Account(),
    ("GET", "/api/v1/billing/invoices"): Account(),
    # Signed by Stripe, not by a token: a request without a good signature is 400.
    ("POST", "/api/v1/billing/webhook"): Public(),
    ("POST", "/api/v1/ai/messages"): Account(),
    # Publishing: the owner's alone (the matrix's book has no chapter to publish, and is not
    # published, which the owner is told).
    ("PUT", "/api/v1/books/{book_id}/publication"): BookRoute("owner", {}, owner_status=422),
    ("GET", "/api/v1/books/{book_id}/publication"): BookRoute("owner", owner_status=404),
    ("DELETE", "/api/v1/books/{book_id}/publication"): BookRoute("owner", owner_status=404),
    ("GET", "/api/v1/books/{book_id}/publication/analytics"): BookRoute("owner", owner_status=404),
    # The public catalogue: read by anyone; what readers do takes an account.
    ("GET", "/api/v1/discovery/search"): Public(),
    ("GET", "/api/v1/discovery/books/{book_id}"): Public(),
    ("GET", "/api/v1/discovery/trending"): Public(),
    ("GET", "/api/v1/discovery/new"): Public(),
    ("GET", "/api/v1/discovery/recommendations"): Public(),
    ("GET", "/api/v1/discovery/books/{book_id}/chapters/{number}/comments"): Public(),
    ("POST", "/api/v1/discovery/books/{book_id}/follow"): Account(),
    ("POST", "/api/v1/discovery/authors/{author_id}/follow"): Account(),
    ("POST", "/api/v1/discovery/books/{book_id}/like"): Account(),
    ("POST", "/api/v1/discovery/books/{book_id}/chapters/{number}/comments"): Account(),
    ("POST", "/api/v1/discovery/comments/{comment_id}/report"): Account(),
    ("POST", "/api/v1/discovery/comments/{comment_id}/hide"): Account(),
    ("POST", "/api/v1/discovery/comments/{comment_id}/block"): Account(),
    ("GET", "/api/v1/discovery/blocklist"): Account(),
    ("PUT", "/api/v1/discovery/blocklist"): Account(),
    ("GET", "/health"): Public(),
    ("GET", "/metrics"): Public(),
}

# Bodies of the account routes, so that they reach their handler (not a 422).
ACCOUNT_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/auth/password"): {"current_password": "x", "new_password": "y" * 10},
    ("POST", "/api/v1/auth/delete-account"): {"password": "wrong password"},
    ("POST", "/api/v1/invitations/accept"): {"token": "not-a-real-token-at-all"},
    ("PUT", "/api/v1/notifications/mutes"): {"kinds": []},
    ("POST", "/api/v1/auth/2fa/enable"): {"code": "123456"},
    ("POST", "/api/v1/auth/2fa/disable"): {"code": "123456"},
    ("POST", "/api/v1/billing/checkout"): {"plan": "basic"},
    ("POST", "/api/v1/ai/messages"): {"model": "m", "max_tokens": 10, "messages": []},
    ("POST", "/api/v1/discovery/books/{book_id}/follow"): {"on": True},
    ("POST", "/api/v1/discovery/authors/{author_id}/follow"): {"on": True},
    ("POST", "/api/v1/discovery/books/{book_id}/like"): {"on": True},
    ("POST", "/api/v1/discovery/books/{book_id}/chapters/{number}/comments"): {"body": "Hi"},
    ("POST", "/api/v1/discovery/comments/{comment_id}/report"): {},
    ("POST", "/api/v1/discovery/comments/{comment_id}/hide"): {"on": True},
    ("PUT", "/api/v1/discovery/blocklist"): {"tags": []},
}


def _routes(app: FastAPI) -> set[tuple[str, str]]:
    return {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}


def test_every_route_has_a_policy(sync_app: FastAPI):
    routes = _routes(sync_app)
    assert routes - set(POLICY) == set(), "new routes need a line in POLICY"
    assert set(POLICY) - routes == set(), "POLICY names routes that are gone"


@dataclass
class World:
    """One book with a member of every standing, made through the real endpoints."""

    book: str
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)


def _world(client: TestClient, app: FastAPI, tag: str) -> World:
    book = f"book-{tag}"
    world = World(book=book, headers={"anonymous": {}})
    users = {p: sign_up(client, email=f"{p}-{tag}@example.org") for p in PERSONAS[1:]}
    users["victim"] = sign_up(client, email=f"victim-{tag}@example.org")
    for persona, user in users.items():
        world.headers[persona] = user.headers
        world.ids[persona] = client.get("/api/v1/auth/me", headers=user.headers).json()["id"]
    owner = world.headers["owner"]
    op = _book_op(f"{tag}-b", "Matrix")
    client.post(
        "/api/v1/sync/push", json={"ops": [{**op, "doc_id": book, "book_id": book}]}, headers=owner
    )
    roles = {
        "removed": "editor",
        "expired": "editor",
        "viewer": "viewer",
        "commenter": "commenter",
        "editor": "editor",
        "victim": "editor",
    }
    for persona, role in roles.items():
        r = client.post(
            f"/api/v1/books/{book}/invitations",
            json={"email": f"{persona}-{tag}@example.org", "role": role},
            headers=owner,
        )
        assert r.status_code == 201, r.text
        token = r.json()["link"].rsplit("/invite/", 1)[1]
        r = client.post(
            "/api/v1/invitations/accept", json={"token": token}, headers=world.headers[persona]
        )
        assert r.status_code == 200, r.text
    r = client.delete(f"/api/v1/books/{book}/members/{world.ids['removed']}", headers=owner)
    assert r.status_code == 204
    with app.state.sessions() as s:
        row = s.get(BookMember, (book, world.ids["expired"]))
        row.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        s.commit()
    pending = client.post(
        f"/api/v1/books/{book}/invitations",
        json={"email": f"pending-{tag}@example.org", "role": "viewer"},
        headers=owner,
    )
    world.ids["invitation"] = pending.json()["id"]
    return world


def _call(client: TestClient, method: str, path: str, world: World, persona: str, body: Any):
    filled = (
        path.replace("{book_id}", world.book)
        .replace("{user_id}", world.ids["victim"])
        .replace("{invitation_id}", world.ids["invitation"])
        .replace("{notification_id}", "no-such-notification")
        .replace("{device_id}", "no-such-device")
        .replace("{sha256}", hashlib.sha256(b"matrix").hexdigest())
        .replace("{author_id}", world.ids["owner"])
        .replace("{comment_id}", "no-such-comment")
        .replace("{number}", "1")
    )
    params = {"book": world.book} if path == "/api/v1/sync/pull" else None
    if isinstance(body, dict):
        body = {k: (world.ids["victim"] if v == "{victim}" else v) for k, v in body.items()}
    kwargs: dict[str, Any] = {"headers": world.headers[persona], "params": params}
    if path == "/api/v1/media/{sha256}" and method == "PUT":
        kwargs["content"] = b"matrix"
    elif body is not None:
        kwargs["json"] = body
    return client.request(method, filled, **kwargs)


def _expected(policy: BookRoute, persona: str) -> int | None:
    """The status a book route must answer ``persona`` (None: any success)."""
    if persona == "anonymous":
        return 401
    if persona in NOT_MEMBERS:
        return 404
    if RANK[persona] < RANK[policy.minimum]:
        return 403
    if persona == "owner" and policy.owner_status is not None:
        return policy.owner_status
    return None


@pytest.mark.parametrize("route", sorted(POLICY), ids=lambda r: f"{r[0]} {r[1]}")
def test_permission_matrix(route, sync_client: TestClient, sync_app: FastAPI):
    method, path = route
    policy = POLICY[route]
    if isinstance(policy, Public):
        return  # reached by anyone: covered by the tests of accounts and health
    world = _world(sync_client, sync_app, tag=hashlib.sha1(path.encode()).hexdigest()[:8] + method)
    for persona in PERSONAS:
        if isinstance(policy, Push):
            op = _scene_op(f"m-{persona}", f"by {persona}")
            body = {"ops": [{**op, "book_id": world.book}]}
            r = _call(sync_client, method, path, world, persona, body)
            if persona == "anonymous":
                assert r.status_code == 401
                continue
            assert r.status_code == 200, (persona, r.text)
            rejected = r.json()["rejected"]
            if persona in NOT_MEMBERS:
                assert rejected == {world.book: "book_not_found"}, persona
            elif persona in ("viewer", "commenter"):
                assert rejected == {world.book: "read_only"}, persona
            else:
                assert rejected == {} and r.json()["applied"] == 1, persona
        elif isinstance(policy, Account):
            r = _call(sync_client, method, path, world, persona, ACCOUNT_BODIES.get(route))
            if persona == "anonymous":
                assert r.status_code == 401, (persona, r.text)
            else:  # the token is taken (a wrong password in the body is another matter)
                answer = r.json() if r.content else None
                code = (
                    answer["error"]["code"]
                    if isinstance(answer, dict) and "error" in answer
                    else None
                )
                assert code not in TOKEN_ERRORS, (persona, r.text)
        else:
            r = _call(sync_client, method, path, world, persona, policy.body)
            want = _expected(policy, persona)
            if want is None:
                assert r.status_code < 300, (persona, r.status_code, r.text)
            else:
                assert r.status_code == want, (persona, r.status_code, r.text)
            if want == 404 and persona in NOT_MEMBERS:  # the owner's 404 is the route's own
                assert r.json()["error"]["code"] == "book_not_found", persona
