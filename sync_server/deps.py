"""Dependencies shared by the routers: the DB session, the signed-in user, rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import false, select
from sqlalchemy.orm import Session

from sync_server.collab.hub import CollabHub
from sync_server.errors import Unauthorized
from sync_server.models import Device, User
from sync_server.ratelimit import RateLimiter, client_address
from sync_server.security import read_access_token
from sync_server.services.books import Access, Role, check_access
from sync_server.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_collab(request: Request) -> CollabHub:
    hub: CollabHub = request.app.state.collab
    return hub


# The live rooms, for the routes that change who may be in them.
CollabDep = Annotated[CollabHub, Depends(get_collab)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
_bearer = HTTPBearer(auto_error=False)


class Caller:
    """The signed-in account of a request. Checking the token costs one query (the device's
    revocation comes with it); the ORM row loads on demand."""

    def __init__(self, session: Session, *, user_id: str, device_id: str | None) -> None:
        self._session = session
        self.user_id = user_id
        self.device_id = device_id

    @cached_property
    def user(self) -> User:
        user = self._session.get(User, self.user_id)
        if user is None:
            raise Unauthorized("the account no longer exists", code="invalid_token")
        return user


def current_caller(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("sign in first: this needs an access token")
    claims = read_access_token(settings, credentials.credentials)
    device_id = claims.get("did") or None
    device = Device.id == device_id if device_id else false()
    row = session.execute(
        select(User.id, Device.user_id, Device.revoked_at)
        .select_from(User)
        .outerjoin(Device, device)
        .where(User.id == claims["sub"])
    ).first()
    if row is None:
        raise Unauthorized("the account no longer exists", code="invalid_token")
    if device_id and (row[1] != row[0] or row[2] is not None):
        raise Unauthorized("this device was signed out", code="device_revoked")
    return Caller(session, user_id=row[0], device_id=device_id)


CallerDep = Annotated[Caller, Depends(current_caller)]


def book_role(minimum: Role) -> Any:
    """A dependency that checks the caller's role in the book of the path's ``book_id``.

    Every route under /books/{book_id} takes one, so no route can forget the check (the
    permission matrix test walks the app's routes to prove it).
    """

    def check(book_id: str, session: SessionDep, caller: CallerDep) -> BookAccess:
        access = check_access(session, user_id=caller.user_id, book_id=book_id, minimum=minimum)
        return BookAccess(caller=caller, access=access)

    check.minimum_role = minimum  # type: ignore[attr-defined]  # read by the matrix test
    return Depends(check)


class BookAccess:
    """The caller and their checked access to the book of the request's path."""

    def __init__(self, *, caller: Caller, access: Access) -> None:
        self.caller = caller
        self.access = access

    @property
    def book_id(self) -> str:
        return self.access.book_id

    @property
    def user_id(self) -> str:
        return self.caller.user_id


async def access_claims(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> dict[str, Any]:
    """The claims of the request's access token, checked without a query or a worker thread.

    For the sync routes, which check the account and the device in their own first query.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("sign in first: this needs an access token")
    settings: Settings = request.app.state.settings
    return read_access_token(settings, credentials.credentials)


ClaimsDep = Annotated[dict[str, Any], Depends(access_claims)]


def caller_address(request: Request) -> str:
    """The client's address (behind a trusted proxy: the one it forwarded for)."""
    peer = request.client.host if request.client else "unknown"
    return client_address(
        peer, request.headers.get("x-forwarded-for", ""), request.app.state.trusted_proxies
    )


def auth_rate_limit(request: Request) -> None:
    """``auth_rate_limit`` attempts a minute per client address and auth route."""
    settings: Settings = request.app.state.settings
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.check(("ip", caller_address(request), request.url.path), settings.auth_rate_limit)


def account_rate_limit(request: Request, account: str) -> None:
    """``account_rate_limit`` sign-in attempts a minute for one account, from anywhere:
    rotating addresses does not buy more guesses at a password."""
    settings: Settings = request.app.state.settings
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.check(("account", account.strip().casefold()), settings.account_rate_limit)


RateLimitDep = Depends(auth_rate_limit)
