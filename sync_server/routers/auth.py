"""/api/v1/auth: register, login, refresh, logout, me, password, account deletion."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from sync_server.deps import (
    CallerDep,
    RateLimitDep,
    SessionDep,
    SettingsDep,
    account_rate_limit,
)
from sync_server.schemas import (
    AccountDelete,
    Credentials,
    LoginRequest,
    PasswordChange,
    RefreshRequest,
    TokenPair,
    UserPublic,
)
from sync_server.security import Passwords
from sync_server.services import accounts

router = APIRouter(prefix="/auth", tags=["auth"])


def _passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


def _public(user: object) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


@router.post("/register", status_code=201, dependencies=[RateLimitDep])
def register(body: Credentials, request: Request, session: SessionDep) -> UserPublic:
    user = accounts.register_user(
        session=session, passwords=_passwords(request), email=body.email, password=body.password
    )
    return _public(user)


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
    return Response(status_code=204)


@router.post("/delete-account", status_code=204, dependencies=[RateLimitDep])
def delete_account(
    body: AccountDelete, request: Request, session: SessionDep, caller: CallerDep
) -> Response:
    hashes = accounts.delete_account(
        session=session, passwords=_passwords(request), user=caller.user, password=body.password
    )
    request.app.state.media.forget_unreferenced(session=session, hashes=hashes)
    return Response(status_code=204)
