"""/api/v1/auth: register, login, refresh, logout, me, password, account deletion."""

from __future__ import annotations

import contextlib
import html
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from sync_server.deps import (
    CallerDep,
    RateLimitDep,
    SessionDep,
    SettingsDep,
    account_rate_limit,
)
from sync_server.errors import Unauthorized
from sync_server.models import User
from sync_server.schemas import (
    AccountDelete,
    Credentials,
    LoginRequest,
    OidcComplete,
    OtpCode,
    PasswordChange,
    RecoveryCodes,
    RefreshRequest,
    TokenPair,
    TwoFactorSetup,
    UserPublic,
)
from sync_server.security import Passwords
from sync_server.services import accounts, oidc, two_factor

router = APIRouter(prefix="/auth", tags=["auth"])


def _passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


def _public(user: User) -> UserPublic:
    return UserPublic(
        id=user.id,
        email=user.email,
        created_at=user.created_at,
        storage_used=user.storage_used,
        two_factor=user.totp_enabled_at is not None,
    )


@router.post("/register", status_code=201, dependencies=[RateLimitDep])
def register(body: Credentials, request: Request, session: SessionDep) -> UserPublic:
    """Create an account. The answer is the same for an address that has one already (its
    owner gets an email saying someone tried): registering tells no one who has an account."""
    registered = accounts.register_user(
        session=session, passwords=_passwords(request), email=body.email, password=body.password
    )
    if registered.existed:
        _tell_owner_of_attempt(request, registered.email)
    return UserPublic(
        id=registered.id,
        email=registered.email,
        created_at=registered.created_at,
        storage_used=registered.storage_used,
    )


def _tell_owner_of_attempt(request: Request, email: str) -> None:
    from sync_server.services.mail import MailError

    settings = request.app.state.settings
    # No relay, or it failed: the attempt changed nothing either way.
    with contextlib.suppress(MailError):
        request.app.state.mailer.send(
            to=email,
            subject="Someone tried to make an AuthorWorks account with your address",
            body=(
                f"Someone asked {settings.public_url} for a new account with this address, "
                "which has one already. Nothing changed.\n\nIf it was you, sign in with your "
                "password instead. If it was not, you need do nothing.\n"
            ),
        )


@router.post("/login", dependencies=[RateLimitDep])
def login(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> TokenPair:
    account_rate_limit(request, body.email)
    return accounts.login(
        session=session,
        settings=settings,
        passwords=_passwords(request),
        email=body.email,
        password=body.password,
        device_name=body.device_name,
        otp=body.otp,
    )


@router.post("/refresh", dependencies=[RateLimitDep])
def refresh(body: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    return accounts.rotate_refresh_token(
        session=session, settings=settings, token=body.refresh_token
    )


@router.post("/logout", status_code=204)
def logout(body: RefreshRequest, session: SessionDep) -> Response:
    accounts.logout(session=session, token=body.refresh_token)
    return Response(status_code=204)


@router.get("/me")
def me(caller: CallerDep) -> UserPublic:
    return _public(caller.user)


@router.post("/password", status_code=204, dependencies=[RateLimitDep])
def change_password(
    body: PasswordChange, request: Request, session: SessionDep, caller: CallerDep
) -> Response:
    accounts.change_password(
        session=session,
        passwords=_passwords(request),
        user=caller.user,
        current=body.current_password,
        new=body.new_password,
    )
    request.app.state.collab.members_changed(None, [caller.user_id])  # other devices' rooms
    return Response(status_code=204)


@router.post("/delete-account", status_code=204, dependencies=[RateLimitDep])
def delete_account(
    body: AccountDelete, request: Request, session: SessionDep, caller: CallerDep
) -> Response:
    settings = request.app.state.settings
    if not _passwords(request).verify(caller.user.password_hash, body.password):
        raise Unauthorized("the password is wrong", code="bad_credentials")
    two_factor.check(session, user=caller.user, code=body.otp, server_secret=settings.secret_key)
    hashes = accounts.delete_account(
        session=session, passwords=_passwords(request), user=caller.user, password=body.password
    )
    request.app.state.media.forget_unreferenced(session=session, hashes=hashes)
    request.app.state.collab.members_changed(None, [caller.user_id])
    return Response(status_code=204)


@router.post("/2fa/setup", dependencies=[RateLimitDep])
def two_factor_setup(request: Request, session: SessionDep, caller: CallerDep) -> TwoFactorSetup:
    """A new secret for an authenticator app (on once a first code is confirmed)."""
    made = two_factor.begin(
        session, user=caller.user, server_secret=request.app.state.settings.secret_key
    )
    return TwoFactorSetup(**made)


@router.post("/2fa/enable", dependencies=[RateLimitDep])
def two_factor_enable(
    body: OtpCode, request: Request, session: SessionDep, caller: CallerDep
) -> RecoveryCodes:
    """Turn two-factor sign-in on with a code from the app; answers the recovery codes."""
    codes = two_factor.enable(
        session,
        user=caller.user,
        code=body.code,
        server_secret=request.app.state.settings.secret_key,
    )
    return RecoveryCodes(recovery_codes=codes)


@router.post("/2fa/disable", status_code=204, dependencies=[RateLimitDep])
def two_factor_disable(
    body: OtpCode, request: Request, session: SessionDep, caller: CallerDep
) -> Response:
    """Turn it off (takes a current code or a recovery code)."""
    two_factor.disable(
        session,
        user=caller.user,
        code=body.code,
        server_secret=request.app.state.settings.secret_key,
    )
    return Response(status_code=204)


@router.get("/oidc")
def oidc_info(request: Request) -> dict[str, Any]:
    """Whether this server signs in through an OpenID Connect provider, and its name."""
    settings = request.app.state.settings
    return {"enabled": oidc.configured(settings), "name": oidc.fingerprint(settings)}


@router.get("/oidc/start", response_class=RedirectResponse, status_code=302)
def oidc_start(
    request: Request,
    redirect_uri: Annotated[str, Query(max_length=500)],
    device_name: Annotated[str, Query(max_length=200)] = "",
) -> RedirectResponse:
    """Open in a browser: goes on to the provider's sign-in page."""
    url = oidc.start(request.app.state.settings, redirect_uri=redirect_uri, device_name=device_name)
    return RedirectResponse(url, status_code=302)


@router.get("/oidc/callback", response_class=RedirectResponse, status_code=302)
def oidc_callback(
    request: Request,
    session: SessionDep,
    code: Annotated[str, Query(max_length=2000)] = "",
    state: Annotated[str, Query(max_length=4000)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Where the provider sends the browser back; goes on to the app."""
    if error or not code:
        return HTMLResponse(
            "<!doctype html><title>Sign-in</title><p>The sign-in was not completed"
            f"{': ' + html.escape(error) if error else ''}. Close this page and try again.</p>",
            status_code=400,
        )
    target = oidc.finish(session, request.app.state.settings, code=code, state=state)
    return RedirectResponse(target, status_code=302)


@router.post("/oidc/complete", dependencies=[RateLimitDep])
def oidc_complete(body: OidcComplete, request: Request, session: SessionDep) -> TokenPair:
    """Finish a provider sign-in with the account's two-factor code."""
    return oidc.complete(session, request.app.state.settings, ticket=body.otp_ticket, otp=body.otp)
