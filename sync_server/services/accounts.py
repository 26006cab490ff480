"""Accounts, devices and refresh-token families (plain functions, keyword-only arguments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.ids import new_id
from sync_server.errors import NotFound, Unauthorized, Unprocessable
from sync_server.models import Device, RefreshToken, User, UserBlob
from sync_server.schemas import TokenPair
from sync_server.security import (
    Passwords,
    hash_refresh_token,
    issue_access_token,
    new_refresh_token,
)
from sync_server.settings import Settings


def check_password_strength(password: str, *, email: str = "") -> None:
    """Refuse a password that is easy to guess (422, saying why and what would do)."""
    from sync_server.services.passwords import weakness

    problem = weakness(password, email=email)
    if problem:
        raise Unprocessable(problem, code="weak_password")


@dataclass(frozen=True)
class Registered:
    """What register answers: alike whether the address was new or not (no one learns by
    registering whether an address has an account)."""

    id: str
    email: str
    created_at: datetime
    storage_used: int
    existed: bool  # never sent: the owner of the address is told by email instead


def register_user(
    *, session: Session, passwords: Passwords, email: str, password: str
) -> Registered:
    email = email.strip().casefold()
    check_password_strength(password, email=email)
    hashed = passwords.hash(password)  # done either way, so both answers take as long
    existing = session.scalar(select(User).where(User.email == email))
    if existing is None:
        user = User(email=email, password_hash=hashed)
        session.add(user)
        try:
            session.commit()
            return Registered(user.id, email, user.created_at, 0, existed=False)
        except IntegrityError:  # registered concurrently: the same answer as an existing one
            session.rollback()
    # The answer of a new account, with an id that belongs to nobody.
    return Registered(new_id(), email, datetime.now(UTC), 0, existed=True)


def authenticate(*, session: Session, passwords: Passwords, email: str, password: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().casefold()))
    if not passwords.verify(user.password_hash if user else None, password) or user is None:
        raise Unauthorized("wrong email or password", code="bad_credentials")
    return user


def issue_tokens(
    *,
    session: Session,
    settings: Settings,
    user: User,
    device_id: str | None,
    family_id: str | None = None,
) -> TokenPair:
    token, hashed = new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            device_id=device_id,
            family_id=family_id or new_id(),
            token_hash=hashed,
            expires_at=datetime.now(UTC) + timedelta(days=settings.refresh_token_days),
        )
    )
    session.commit()
    return TokenPair(
        access_token=issue_access_token(settings, user_id=user.id, device_id=device_id),
        refresh_token=token,
        expires_in=settings.access_token_minutes * 60,
        device_id=device_id,
    )


def login(
    *,
    session: Session,
    settings: Settings,
    passwords: Passwords,
    email: str,
    password: str,
    device_name: str,
    otp: str | None = None,
) -> TokenPair:
    """Check the password (and the one-time code of an account with two-factor sign-in),
    register this device and open a new token family for it."""
    user = authenticate(session=session, passwords=passwords, email=email, password=password)
    from sync_server.services import two_factor

    two_factor.check(session, user=user, code=otp, server_secret=settings.secret_key)
    return sign_in_device(session=session, settings=settings, user=user, name=device_name)


def sign_in_device(*, session: Session, settings: Settings, user: User, name: str) -> TokenPair:
    """Register a device of ``user`` and open a new token family for it."""
    device = Device(user_id=user.id, name=name.strip() or "device")
    session.add(device)
    session.flush()
    return issue_tokens(session=session, settings=settings, user=user, device_id=device.id)


def rotate_refresh_token(*, session: Session, settings: Settings, token: str) -> TokenPair:
    """Swap a refresh token for a new pair; a reused token revokes its whole family.

    Reuse within ``refresh_reuse_grace_seconds`` of the rotation is a retry, not theft.
    """
    now = datetime.now(UTC)
    row = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token))
    )
    if row is None:
        raise Unauthorized("the refresh token is not valid", code="invalid_token")
    reused = row.used_at is not None
    grace = timedelta(seconds=settings.refresh_reuse_grace_seconds)
    if reused and row.revoked_at is None and now - (row.used_at or now) <= grace:
        # The same device retried a refresh whose answer it lost, or two of its processes
        # raced: like OAuth servers' reuse interval, the token just rotated still answers
        # for a few seconds (with a new pair of the same family) instead of revoking it.
        reused = False
    if reused or row.revoked_at is not None:
        _revoke_family(session, row.family_id, now)
        session.commit()
        raise Unauthorized(
            "this sign-in was revoked (a refresh token was used twice)", code="token_reused"
        )
    if row.expires_at < now:
        raise Unauthorized("the session has expired", code="token_expired")
    if row.device_id is not None:
        device = session.get(Device, row.device_id)
        if device is None or device.revoked_at is not None:
            raise Unauthorized("this device was signed out", code="device_revoked")
        device.last_seen_at = now
    row.used_at = row.used_at or now
    user = session.get(User, row.user_id)
    if user is None:
        raise Unauthorized("the account no longer exists", code="invalid_token")
    return issue_tokens(
        session=session,
        settings=settings,
        user=user,
        device_id=row.device_id,
        family_id=row.family_id,
    )


def _revoke_family(session: Session, family_id: str, now: datetime) -> None:
    """Revoke a token family and sign its device out: the device's access tokens stop working
    at their next request, not when they expire (every request checks the device)."""
    devices = list(
        session.scalars(
            select(RefreshToken.device_id).where(
                RefreshToken.family_id == family_id, RefreshToken.device_id.is_not(None)
            )
        )
    )
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if devices:
        session.execute(
            update(Device)
            .where(Device.id.in_(set(devices)), Device.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def logout(*, session: Session, token: str) -> None:
    """Revoke the token's family; an unknown token is a no-op (already signed out)."""
    row = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token))
    )
    if row is not None:
        _revoke_family(session, row.family_id, datetime.now(UTC))
        session.commit()


def change_password(
    *, session: Session, passwords: Passwords, user: User, current: str, new: str
) -> None:
    """Set a new password and sign out every device: their refresh tokens are revoked and
    their access tokens stop working at their next request."""
    if not passwords.verify(user.password_hash, current):
        raise Unauthorized("the current password is wrong", code="bad_credentials")
    check_password_strength(new, email=user.email)
    user.password_hash = passwords.hash(new)
    now = datetime.now(UTC)
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(
        update(Device)
        .where(Device.user_id == user.id, Device.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.commit()


def delete_account(
    *, session: Session, passwords: Passwords, user: User, password: str
) -> list[str]:
    """Delete the account and everything in it; returns the blob hashes it referenced."""
    if not passwords.verify(user.password_hash, password):
        raise Unauthorized("the password is wrong", code="bad_credentials")
    hashes = list(session.scalars(select(UserBlob.sha256).where(UserBlob.user_id == user.id)))
    from sync_server.models import (
        Activity,
        AppliedOp,
        Book,
        BookMember,
        Change,
        Document,
        Invitation,
        Notification,
        NotificationMute,
    )
    from sync_server.services.activity import Notice, record

    # The books the account owns go with it (the others lose access; they are told).
    owned = list(session.scalars(select(Book).where(Book.owner_id == user.id)))
    for book in owned:
        others = session.scalars(
            select(BookMember.user_id).where(
                BookMember.book_id == book.id, BookMember.user_id != user.id
            )
        )
        record(
            session,
            book_id=None,
            kind="book_deleted",
            actor_id=user.id,
            notify=[
                Notice(
                    other,
                    f"“{book.title or 'an untitled book'}” was deleted with its owner's account.",
                    {"book_id": book.id},
                )
                for other in others
            ],
        )
    # Explicit deletes, children first, rather than trusting ON DELETE CASCADE everywhere.
    book_ids = [b.id for b in owned]
    if book_ids:
        for by_book in (Change, Document, Invitation, Activity, BookMember):
            session.execute(delete(by_book).where(by_book.book_id.in_(book_ids)))
        session.execute(delete(Book).where(Book.id.in_(book_ids)))
    session.execute(delete(Invitation).where(Invitation.invited_by == user.id))
    for by_user in (
        UserBlob,
        AppliedOp,
        BookMember,
        Notification,
        NotificationMute,
        RefreshToken,
        Device,
    ):
        session.execute(delete(by_user).where(by_user.user_id == user.id))
    session.execute(delete(User).where(User.id == user.id))
    session.commit()
    return hashes


def list_devices(*, session: Session, user: User) -> list[Device]:
    return list(
        session.scalars(select(Device).where(Device.user_id == user.id).order_by(Device.created_at))
    )


def revoke_device(*, session: Session, user: User, device_id: str) -> None:
    device = session.get(Device, device_id)
    if device is None or device.user_id != user.id:
        raise NotFound(f"no device {device_id}")
    now = datetime.now(UTC)
    device.revoked_at = device.revoked_at or now
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.device_id == device_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.commit()
