"""Passwords (argon2id), access tokens (short-lived JWT) and refresh tokens (opaque, hashed)."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sync_server.errors import Unauthorized
from sync_server.settings import Settings

ALGORITHM = "HS256"
# Tokens already verified, by (secret, token): a client presents the same access token on
# every request until it expires, so its signature is checked once, not on each request.
# Only the signature check is skipped: expiry is checked on every use, and revocation is
# never cached (it is read from the database with each request).
_VERIFIED_MAX = 10_000
_verified: dict[tuple[str, str], dict[str, Any]] = {}
_verified_lock = threading.Lock()


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib
        )
        # Verifying against a dummy hash keeps the time of "no such user" like a wrong password.
        self._dummy = self._hasher.hash(secrets.token_hex(8))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


def issue_access_token(settings: Settings, *, user_id: str, device_id: str | None) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": user_id,
        "did": device_id,
        "typ": "access",
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_minutes),
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def read_access_token(settings: Settings, token: str) -> dict[str, Any]:
    """The claims of a valid access token; Unauthorized (expired or invalid) otherwise."""
    key = (settings.secret_key, token)
    claims = _verified.get(key)
    if claims is not None:
        if claims["exp"] <= time.time():
            raise Unauthorized("the access token has expired", code="token_expired")
        return dict(claims)
    try:
        claims = jwt.decode(token, settings.secret_key, algorithms=[ALGORITHM])
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the access token has expired", code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("the access token is not valid", code="invalid_token") from exc
    # Every token the server issues names its account and device and expires: one without
    # an expiry would work for ever, one without a device would skip the revocation check.
    if (
        claims.get("typ") != "access"
        or not isinstance(claims.get("sub"), str)
        or not isinstance(claims.get("exp"), int | float)
        or not isinstance(claims.get("did"), str)
        or not claims["did"]
    ):
        raise Unauthorized("the access token is not valid", code="invalid_token")
    with _verified_lock:
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()  # expired entries go with the rest; live ones are re-verified
        _verified[key] = dict(claims)
    return dict(claims)


def new_refresh_token() -> tuple[str, str]:
    """(token to hand out, hash to store); also the tokens of invitation links."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


new_link_token = new_refresh_token
hash_link_token = hash_refresh_token
