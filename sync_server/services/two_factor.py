"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238, through pyotp).

Set up in two steps: ``begin`` makes a secret (shown once, as text and as an ``otpauth://``
link for an authenticator app's QR code), ``enable`` takes a first code from the app and
turns it on, answering ten recovery codes (shown once, stored hashed; each works once).
With it on, signing in, deleting the account and turning it off take a code. The secret is
kept encrypted with a key derived from the server's signing secret (AES-GCM): the database
alone does not give it away.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from datetime import UTC, datetime

import pyotp
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from sync_server.errors import BadRequest, Unauthorized
from sync_server.models import User

ISSUER = "AuthorWorks"
RECOVERY_CODES = 10


def _key(server_secret: str) -> bytes:
    return hashlib.sha256(b"authorworks-totp:" + server_secret.encode()).digest()


def _seal(secret: str, server_secret: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key(server_secret)).encrypt(nonce, secret.encode(), b"totp")
    return base64.b64encode(nonce + sealed).decode()


def _open(sealed: str, server_secret: str) -> str:
    raw = base64.b64decode(sealed)
    return AESGCM(_key(server_secret)).decrypt(raw[:12], raw[12:], b"totp").decode()


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().replace("-", "").lower().encode()).hexdigest()


def begin(session: Session, *, user: User, server_secret: str) -> dict[str, str]:
    """A new secret for the user's app (not in force until :func:`enable`)."""
    if user.totp_enabled_at is not None:
        raise BadRequest("two-factor sign-in is on already: turn it off first", code="otp_on")
    secret = pyotp.random_base32()
    user.totp_secret = _seal(secret, server_secret)
    session.commit()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return {"secret": secret, "uri": uri}


def enable(session: Session, *, user: User, code: str, server_secret: str) -> list[str]:
    """Turn it on with a first code from the app; the recovery codes (shown once)."""
    if user.totp_secret is None:
        raise BadRequest("set up two-factor sign-in first", code="otp_not_set_up")
    if user.totp_enabled_at is not None:
        raise BadRequest("two-factor sign-in is on already", code="otp_on")
    totp = pyotp.TOTP(_open(user.totp_secret, server_secret))
    step = _matching_step(totp, code.strip().replace(" ", ""), datetime.now(UTC))
    if step is None:
        raise Unauthorized("that code is not the one your app shows now", code="bad_otp")
    user.totp_last_step = step
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    user.totp_recovery = json.dumps([_hash(c) for c in codes])
    user.totp_enabled_at = datetime.now(UTC)
    session.commit()
    return codes


def check(session: Session, *, user: User, code: str | None, server_secret: str) -> None:
    """Nothing when two-factor sign-in is off or ``code`` is right (a code from the app, or
    an unused recovery code, which is used up); Unauthorized otherwise."""
    if user.totp_enabled_at is None or user.totp_secret is None:
        return
    if not code or not code.strip():
        raise Unauthorized(
            "this account signs in with a code from its authenticator app too",
            code="otp_required",
        )
    totp = pyotp.TOTP(_open(user.totp_secret, server_secret))
    typed = code.strip().replace(" ", "")
    now = datetime.now(UTC)
    step = _matching_step(totp, typed, now)
    if step is not None:
        if step <= (user.totp_last_step or 0):
            raise Unauthorized(
                "that code was used already: wait for the next one", code="otp_reused"
            )
        user.totp_last_step = step
        session.commit()
        return
    left = json.loads(user.totp_recovery or "[]")
    hashed = _hash(code)
    if hashed in left:
        left.remove(hashed)
        user.totp_recovery = json.dumps(left)
        session.commit()
        return
    raise Unauthorized("the code is wrong or has expired", code="bad_otp")


def _matching_step(totp: pyotp.TOTP, code: str, now: datetime) -> int | None:
    """The time step (of now, or one either side) whose code is ``code``."""
    # ASCII digits only: "¹" and "٣" are digits to str.isdigit, and compare_digest refuses
    # non-ASCII text with a TypeError (a 500 the fuzzer found).
    if not (code.isascii() and code.isdigit()):
        return None
    here = int(now.timestamp()) // totp.interval
    for step in (here - 1, here, here + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def disable(session: Session, *, user: User, code: str | None, server_secret: str) -> None:
    check(session, user=user, code=code, server_secret=server_secret)
    user.totp_secret = None
    user.totp_recovery = None
    user.totp_enabled_at = None
    session.commit()
