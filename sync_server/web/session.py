"""Readers signed in on the public site: a cookie holding a refresh token of a "web reader"
device (stored hashed like every refresh token, so signing the device out on any client ends
the session), and a double-submit token against cross-site form posts."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime

from fastapi import Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.errors import Forbidden
from sync_server.models import Device, RefreshToken, User
from sync_server.security import hash_refresh_token
from sync_server.settings import Settings

COOKIE = "aw_reader"
CSRF_COOKIE = "aw_csrf"
BLOCKLIST_COOKIE = "aw_blocklist"  # an anonymous reader's blocklist (tags, comma-separated)


def reader(request: Request, session: Session) -> User | None:
    """The signed-in reader of ``request``, or None."""
    found = reader_device(request, session)
    return found[0] if found else None


def reader_device(request: Request, session: Session) -> tuple[User, str | None] | None:
    """The signed-in reader of ``request`` and the session's device, or None."""
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 200:
        return None
    now = datetime.now(UTC)
    row = session.execute(
        select(RefreshToken, Device.revoked_at)
        .outerjoin(Device, Device.id == RefreshToken.device_id)
        .where(RefreshToken.token_hash == hash_refresh_token(token))
    ).first()
    if row is None:
        return None
    refresh, device_revoked = row
    expires = refresh.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    if refresh.revoked_at is not None or refresh.used_at is not None or device_revoked:
        return None
    if expires <= now:
        return None
    user = session.get(User, refresh.user_id)
    return (user, refresh.device_id) if user is not None else None


def set_session(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.refresh_token_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.public_url.startswith("https://"),
        path="/",
    )


def csrf_token(request: Request) -> str:
    """The page's form token (the cookie's value; a new one when the cookie is missing)."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(24)
        request.state.new_csrf = token
    return str(token)


def keep_csrf(request: Request, response: Response, settings: Settings) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(
            CSRF_COOKIE, new, httponly=True, samesite="strict", path="/",
            secure=settings.public_url.startswith("https://"),
        )  # fmt: skip


def check_csrf(request: Request, given: str) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    # Compared as bytes: compare_digest refuses non-ASCII text (a forged token could be any).
    if not cookie or not given or not hmac.compare_digest(cookie.encode(), given.encode()):
        raise Forbidden("the form has expired: reload the page and try again", code="csrf")
