"""The HTTP client of the sync server (accounts, devices, push and pull).

It speaks to any ``httpx.Client``: a real one for a server URL, or a test client that calls
the app in-process. The access token is kept in memory; the refresh token goes to a
:class:`TokenStore` (the OS keyring in the desktop and the CLI). A 401 on an expired access
token is answered by one refresh and one retry.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from typing import Any

import httpx

from core.sync.errors import (
    ResyncRequiredError,
    SyncAuthError,
    SyncOfflineError,
    SyncServerError,
)
from core.sync.protocol import (
    API_PREFIX,
    PULL_PATH,
    PUSH_PATH,
    RESYNC_REQUIRED,
    Op,
    PullPage,
)
from core.sync.token_store import (
    KEYRING_SERVICE,
    KeyringTokenStore,
    MemoryTokenStore,
    TokenStore,
)

__all__ = ["KEYRING_SERVICE", "KeyringTokenStore", "MemoryTokenStore", "SyncApi", "TokenStore"]


def _error_of(response: httpx.Response) -> SyncServerError | SyncAuthError:
    try:
        body = response.json()["error"]
        code, message = str(body["code"]), str(body["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "http_error", response.reason_phrase or "unexpected answer"
    text = f"sync server: {message} ({response.status_code} {code})"
    if response.status_code == 401:
        if code in ("otp_required", "bad_otp", "bad_credentials"):
            return SyncAuthError(f"sync server: {message}", code=code)
        return SyncAuthError(f"sync server: {message}: sign in again", code=code)
    if code == RESYNC_REQUIRED:
        return ResyncRequiredError(text, status=response.status_code, code=code)
    return SyncServerError(text, status=response.status_code, code=code)


class SyncApi:
    """Calls to one sync server as one account."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        tokens: TokenStore | None = None,
        access_token: str | None = None,
    ) -> None:
        self.http = http
        self.tokens: TokenStore = tokens or MemoryTokenStore()
        self.access_token = access_token
        # Said when no refresh token is at hand (see core.sync.account for a fixed token).
        self.refresh_hint = "not signed in to a sync server: sign in first"
        # The refresh token of the last sign-in, until the store has kept it.
        self._unstored: tuple[str, str | None] | None = None

    # ------------------------------------------------------------------ transport

    def _send(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        for attempt in (1, 2):
            headers = dict(kwargs.pop("headers", {}) or {})
            if auth:
                if self.access_token is None:
                    self.refresh()
                headers["Authorization"] = f"Bearer {self.access_token}"
            try:
                response = self.http.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                raise SyncOfflineError(f"sync server unreachable ({type(exc).__name__})") from exc
            if response.status_code == 401 and auth and attempt == 1:
                self.access_token = None  # expired: refresh once, then retry
                continue
            if response.status_code >= 400:
                raise _error_of(response)
            return response
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ accounts

    def _take_tokens(self, data: dict[str, Any]) -> dict[str, Any]:
        self.access_token = str(data["access_token"])
        device = data.get("device_id")
        self._unstored = (str(data["refresh_token"]), str(device) if device else None)
        self.tokens.set(str(data["refresh_token"]))
        self._unstored = None
        return data

    def discard_session(self) -> None:
        """Sign out the session whose token the store failed to keep (best effort).

        Revokes the device (and with it every token it holds) and the token family.
        """
        unstored, self._unstored = self._unstored, None
        if unstored is None:
            return
        refresh_token, device_id = unstored
        try:
            if device_id and self.access_token:
                self._send("DELETE", f"{API_PREFIX}/devices/{device_id}")
            self._send(
                "POST",
                f"{API_PREFIX}/auth/logout",
                auth=False,
                json={"refresh_token": refresh_token},
            )
        except Exception:  # offline: the token was never kept, so nothing can use it
            pass
        self.access_token = None

    def register(self, email: str, password: str) -> dict[str, Any]:
        r = self._send(
            "POST",
            f"{API_PREFIX}/auth/register",
            auth=False,
            json={"email": email, "password": password},
        )
        return dict(r.json())

    def login(
        self, email: str, password: str, *, device_name: str = "", otp: str | None = None
    ) -> dict[str, Any]:
        """Sign in; returns the token answer, whose ``device_id`` names this device. An
        account with two-factor sign-in takes ``otp`` (else SyncAuthError ``otp_required``)."""
        body: dict[str, Any] = {"email": email, "password": password, "device_name": device_name}
        if otp:
            body["otp"] = otp
        r = self._send("POST", f"{API_PREFIX}/auth/login", auth=False, json=body)
        return self._take_tokens(dict(r.json()))

    def refresh(self) -> None:
        token = self.tokens.get()
        if not token:
            raise SyncAuthError(self.refresh_hint)
        r = self._send(
            "POST", f"{API_PREFIX}/auth/refresh", auth=False, json={"refresh_token": token}
        )
        self._take_tokens(dict(r.json()))

    def logout(self) -> None:
        token = self.tokens.get()
        try:
            if token:
                self._send(
                    "POST",
                    f"{API_PREFIX}/auth/logout",
                    auth=False,
                    json={"refresh_token": token},
                )
        finally:
            self.tokens.clear()
            self.access_token = None

    def me(self) -> dict[str, Any]:
        return dict(self._send("GET", f"{API_PREFIX}/auth/me").json())

    def complete_provider_sign_in(self, ticket: str, otp: str) -> dict[str, Any]:
        """Finish a provider sign-in of an account with two-factor sign-in."""
        r = self._send(
            "POST",
            f"{API_PREFIX}/auth/oidc/complete",
            auth=False,
            json={"otp_ticket": ticket, "otp": otp},
        )
        return self._take_tokens(dict(r.json()))

    def two_factor_setup(self) -> dict[str, str]:
        """A new secret and its otpauth:// link, for an authenticator app."""
        return dict(self._send("POST", f"{API_PREFIX}/auth/2fa/setup").json())

    def two_factor_enable(self, code: str) -> list[str]:
        """Turn two-factor sign-in on with a code from the app; the recovery codes."""
        r = self._send("POST", f"{API_PREFIX}/auth/2fa/enable", json={"code": code})
        return list(r.json()["recovery_codes"])

    def two_factor_disable(self, code: str) -> None:
        self._send("POST", f"{API_PREFIX}/auth/2fa/disable", json={"code": code})

    # ------------------------------------------------------------------ sync

    def push(self, ops: Sequence[Op]) -> dict[str, Any]:
        """Send a batch of updates; the device is the one the access token was issued to.

        The answer's ``books`` holds every book the account reaches, with its feed's cursor
        after the push and before it; ``rejected`` the books whose ops were refused.
        """
        body = {"ops": [op.to_json() for op in ops]}
        return dict(self._send("POST", PUSH_PATH, json=body).json())

    def pull(self, book_id: str, cursor: int, limit: int) -> PullPage:
        r = self._send("GET", PULL_PATH, params={"book": book_id, "cursor": cursor, "limit": limit})
        return PullPage.from_json(r.json())

    # ------------------------------------------------------------------ books and sharing

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, f"{API_PREFIX}{path}", **kwargs)
        return response.json() if response.content else None

    def books(self) -> list[dict[str, Any]]:
        """The books the account reaches: id, title, role, owner, last_seq, …"""
        return list(self._json("GET", "/books"))

    def members(self, book_id: str) -> list[dict[str, Any]]:
        return list(self._json("GET", f"/books/{quote(book_id)}/members"))

    def invite(
        self, book_id: str, email: str, *, role: str, expires_days: int | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"email": email, "role": role}
        if expires_days is not None:
            body["expires_days"] = expires_days
        return dict(self._json("POST", f"/books/{quote(book_id)}/invitations", json=body))

    def book_invitations(self, book_id: str) -> list[dict[str, Any]]:
        return list(self._json("GET", f"/books/{quote(book_id)}/invitations"))

    def cancel_invitation(self, book_id: str, invitation_id: str) -> None:
        self._json("DELETE", f"/books/{quote(book_id)}/invitations/{quote(invitation_id)}")

    def change_member(
        self,
        book_id: str,
        user_id: str,
        *,
        role: str | None = None,
        expires_days: int | None = None,
    ) -> dict[str, Any]:
        body = {"role": role, "expires_days": expires_days}
        return dict(
            self._json("PATCH", f"/books/{quote(book_id)}/members/{quote(user_id)}", json=body)
        )

    def remove_member(self, book_id: str, user_id: str) -> None:
        self._json("DELETE", f"/books/{quote(book_id)}/members/{quote(user_id)}")

    def leave(self, book_id: str) -> None:
        self._json("POST", f"/books/{quote(book_id)}/leave")

    def publish(self, book_id: str, options: dict[str, Any]) -> dict[str, Any]:
        return dict(self._json("PUT", f"/books/{quote(book_id)}/publication", json=options))

    def publication(self, book_id: str) -> dict[str, Any]:
        return dict(self._json("GET", f"/books/{quote(book_id)}/publication"))

    def unpublish(self, book_id: str) -> None:
        self._json("DELETE", f"/books/{quote(book_id)}/publication")

    def publication_analytics(self, book_id: str, days: int = 30) -> dict[str, Any]:
        return dict(
            self._json(
                "GET", f"/books/{quote(book_id)}/publication/analytics", params={"days": days}
            )
        )

    def transfer(self, book_id: str, user_id: str) -> dict[str, Any]:
        return dict(
            self._json("POST", f"/books/{quote(book_id)}/transfer", json={"user_id": user_id})
        )

    def activity(self, book_id: str) -> list[dict[str, Any]]:
        return list(self._json("GET", f"/books/{quote(book_id)}/activity"))

    def invitations(self) -> list[dict[str, Any]]:
        """Pending invitations to this account's address."""
        return list(self._json("GET", "/invitations"))

    def accept_invitation(self, invitation: str) -> dict[str, Any]:
        """Accept by invitation id, or by the link of an invitation email (or its token)."""
        token = link_token(invitation)
        if token is not None:
            return dict(self._json("POST", "/invitations/accept", json={"token": token}))
        return dict(self._json("POST", f"/invitations/{quote(invitation)}/accept"))

    def decline_invitation(self, invitation_id: str) -> None:
        self._json("POST", f"/invitations/{quote(invitation_id)}/decline")

    def notifications(self, *, unread_only: bool = False) -> dict[str, Any]:
        params = {"unread_only": "true"} if unread_only else {}
        return dict(self._json("GET", "/notifications", params=params))

    def mutes(self) -> list[str]:
        return list(self._json("GET", "/notifications/mutes")["kinds"])

    def set_mutes(self, kinds: list[str]) -> list[str]:
        return list(self._json("PUT", "/notifications/mutes", json={"kinds": kinds})["kinds"])

    def mark_read(self, notification_id: str | None = None) -> None:
        if notification_id is None:
            self._json("POST", "/notifications/read-all")
        else:
            self._json("POST", f"/notifications/{quote(notification_id)}/read")

    # ------------------------------------------------------------------ plans and billing

    def plans(self) -> list[dict[str, Any]]:
        return list(self._json("GET", "/billing/plans")["plans"])

    def subscription(self) -> dict[str, Any]:
        return dict(self._json("GET", "/billing/subscription"))

    def checkout(self, plan: str) -> dict[str, Any]:
        """Subscribe to or change to ``plan``: a Checkout ``url``, or what changed."""
        return dict(self._json("POST", "/billing/checkout", json={"plan": plan}))

    def billing_portal(self) -> str:
        return str(self._json("POST", "/billing/portal")["url"])

    def invoices(self) -> list[dict[str, Any]]:
        return list(self._json("GET", "/billing/invoices")["invoices"])


def link_token(text: str) -> str | None:
    """The token of an invitation link (``…/invite/TOKEN``), or None for a plain id."""
    text = text.strip()
    if "/invite/" in text:
        return text.rsplit("/invite/", 1)[1].split("?")[0].split("#")[0].strip("/") or None
    return None


def quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")
