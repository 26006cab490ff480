"""Sign-in with an OpenID Connect provider (authorization code flow with PKCE, authlib).

1. The app opens ``/api/v1/auth/oidc/start?redirect_uri=http://127.0.0.1:PORT/...`` in the
   browser (the app listens on that loopback address). The server sends the browser on to
   the provider with a state it signed (which holds the nonce and the app's address) and a
   PKCE challenge whose verifier only the server can make again.
2. The provider sends the browser back to ``/api/v1/auth/oidc/callback``. The server swaps the
   code for tokens, checks the ID token (signature from the provider's keys, issuer,
   audience, expiry, nonce) and takes its email only if the provider says it is verified:
   an existing account with that email is linked, else a new one is made (no password).
3. The browser goes on to the app's loopback address with a new device's refresh token,
   which the app swaps at once for its first pair (so the token in the browser's history is
   spent, once the short grace for a retried refresh has passed).
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.errors import BadRequest, NotFound, Unauthorized
from sync_server.models import User
from sync_server.schemas import TokenPair
from sync_server.services.accounts import sign_in_device
from sync_server.settings import Settings

STATE_SECONDS = 600
# An account made by a provider sign-in has no password: this is no argon2 hash.
NO_PASSWORD = "!oidc"


@dataclass
class Provider:
    """The provider's endpoints and keys, read once from its discovery document."""

    issuer: str
    authorize: str
    token: str
    jwks: jwt.PyJWKClient


_providers: dict[str, Provider] = {}


def configured(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def provider(settings: Settings) -> Provider:
    if not configured(settings):
        raise NotFound("this server has no sign-in provider", code="oidc_off")
    found = _providers.get(settings.oidc_issuer)
    if found is None:
        url = settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            meta = httpx.get(url, timeout=10).raise_for_status().json()
        except (httpx.HTTPError, ValueError) as exc:
            raise BadRequest(
                f"the sign-in provider did not answer ({type(exc).__name__})", code="oidc_down"
            ) from exc
        found = _providers[settings.oidc_issuer] = Provider(
            issuer=meta["issuer"],
            authorize=meta["authorization_endpoint"],
            token=meta["token_endpoint"],
            jwks=jwt.PyJWKClient(meta["jwks_uri"]),
        )
    return found


def _verifier(settings: Settings, state_id: str) -> str:
    # The PKCE verifier, made again from the state's id: it never travels through the browser.
    return hmac.new(
        settings.secret_key.encode(), b"pkce:" + state_id.encode(), "sha256"
    ).hexdigest()


def _loopback(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise BadRequest(
            "redirect_uri must be the app's own loopback address (http://127.0.0.1:PORT/...)",
            code="bad_redirect",
        )
    return uri


def callback_url(settings: Settings) -> str:
    return f"{settings.public_url}/api/v1/auth/oidc/callback"


def start(settings: Settings, *, redirect_uri: str, device_name: str) -> str:
    """Where to send the browser: the provider's sign-in page."""
    from authlib.integrations.httpx_client import OAuth2Client

    idp = provider(settings)
    state_id = secrets.token_urlsafe(16)
    nonce = secrets.token_urlsafe(16)
    state = jwt.encode(
        {
            "sid": state_id,
            "nonce": nonce,
            "app": _loopback(redirect_uri),
            "dev": device_name[:200],
            "exp": int(time.time()) + STATE_SECONDS,
        },
        settings.secret_key,
        algorithm="HS256",
    )
    client = OAuth2Client(
        settings.oidc_client_id,
        scope="openid email",
        redirect_uri=callback_url(settings),
        code_challenge_method="S256",
    )
    url, _state = client.create_authorization_url(
        idp.authorize, state=state, nonce=nonce, code_verifier=_verifier(settings, state_id)
    )
    return str(url)


def finish(session: Session, settings: Settings, *, code: str, state: str) -> str:
    """Check the provider's answer and sign in; where to send the browser (the app)."""
    from authlib.integrations.httpx_client import OAuth2Client

    try:
        st = jwt.decode(state, settings.secret_key, algorithms=["HS256"])
    except jwt.PyJWTError as exc:
        raise Unauthorized("the sign-in took too long or was not started here") from exc
    idp = provider(settings)
    client = OAuth2Client(
        settings.oidc_client_id,
        settings.oidc_client_secret or None,
        redirect_uri=callback_url(settings),
    )
    try:
        tokens = client.fetch_token(
            idp.token,
            code=code,
            code_verifier=_verifier(settings, st["sid"]),
            grant_type="authorization_code",
        )
        signing = idp.jwks.get_signing_key_from_jwt(tokens["id_token"])
        claims: dict[str, Any] = jwt.decode(
            tokens["id_token"],
            signing.key,
            algorithms=["RS256", "ES256"],
            audience=settings.oidc_client_id,
            issuer=idp.issuer,
            options={"require": ["exp", "iat", "sub"]},
        )
    except (httpx.HTTPError, jwt.PyJWTError, KeyError, ValueError) as exc:
        raise Unauthorized(
            f"the sign-in provider's answer was refused ({type(exc).__name__})", code="oidc_refused"
        ) from exc
    if not secrets.compare_digest(str(claims.get("nonce", "")).encode(), str(st["nonce"]).encode()):
        raise Unauthorized("the sign-in provider's answer was refused (nonce)", code="oidc_refused")
    email = str(claims.get("email") or "").strip().casefold()
    if not email or claims.get("email_verified") is not True:
        raise Unauthorized(
            "the provider did not vouch for an email address: sign in with a password",
            code="oidc_unverified",
        )
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, password_hash=NO_PASSWORD)
        session.add(user)
        session.flush()
    if user.totp_enabled_at is not None:
        # The provider vouches for the address, not for the account's second factor: the app
        # finishes with a code (complete()), holding a ticket that works for a few minutes.
        session.commit()
        ticket = jwt.encode(
            {
                "typ": "oidc-otp",
                "sub": user.id,
                "dev": st.get("dev") or "device",
                "exp": int(time.time()) + STATE_SECONDS,
            },
            settings.secret_key,
            algorithm="HS256",
        )
        return f"{st['app']}?{urlencode({'otp_ticket': ticket, 'email': email})}"
    pair = sign_in_device(session=session, settings=settings, user=user, name=st.get("dev") or "")
    query = urlencode({"refresh_token": pair.refresh_token, "email": email})
    return f"{st['app']}?{query}"


def complete(session: Session, settings: Settings, *, ticket: str, otp: str) -> TokenPair:
    """Finish a provider sign-in of an account with two-factor sign-in: its code."""
    from sync_server.services import two_factor

    try:
        claims = jwt.decode(ticket, settings.secret_key, algorithms=["HS256"])
    except jwt.PyJWTError as exc:
        raise Unauthorized("the sign-in took too long: start again") from exc
    user = session.get(User, claims.get("sub")) if claims.get("typ") == "oidc-otp" else None
    if user is None:
        raise Unauthorized("the sign-in took too long: start again")
    two_factor.check(session, user=user, code=otp, server_secret=settings.secret_key)
    return sign_in_device(
        session=session, settings=settings, user=user, name=str(claims.get("dev") or "")
    )


def fingerprint(settings: Settings) -> str:
    """A short name of the configured provider, for the sign-in button."""
    return settings.oidc_name or urlsplit(settings.oidc_issuer).hostname or "provider"
