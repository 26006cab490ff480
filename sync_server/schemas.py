"""Request and response bodies (ORM rows never leave the services)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.sync.protocol import MAX_OPS_PER_PUSH

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Credentials(BaseModel):
    email: str = Field(max_length=320, pattern=EMAIL_PATTERN)
    password: str = Field(min_length=8, max_length=256)


class LoginRequest(Credentials):
    password: str = Field(min_length=1, max_length=256)
    device_name: str = Field(default="", max_length=200)
    # The code of an authenticator app (or a recovery code), for an account that has
    # two-factor sign-in on; without it such an account answers 401 ``otp_required``.
    otp: str | None = Field(default=None, max_length=40)


class OidcComplete(BaseModel):
    otp_ticket: str = Field(min_length=10, max_length=2000)
    otp: str = Field(min_length=1, max_length=40)


class OtpCode(BaseModel):
    code: str = Field(min_length=1, max_length=40)


class TwoFactorSetup(BaseModel):
    secret: str
    # otpauth:// link: what an authenticator app's QR code holds.
    uri: str


class RecoveryCodes(BaseModel):
    recovery_codes: list[str]


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class AccountDelete(BaseModel):
    password: str = Field(min_length=1, max_length=256)
    otp: str | None = Field(default=None, max_length=40)


class UserPublic(BaseModel):
    id: str
    email: str
    created_at: datetime
    storage_used: int
    two_factor: bool = False


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    device_id: str | None


class DevicePublic(BaseModel):
    id: str
    name: str
    created_at: datetime
    last_seen_at: datetime
    revoked: bool
    current: bool


class OpIn(BaseModel):
    op_id: str = Field(min_length=1, max_length=64)
    doc_id: str = Field(min_length=1, max_length=36)
    kind: str = Field(pattern=r"^(book|chapter|scene|character|location|lore|note)$")
    book_id: str = Field(min_length=1, max_length=36)
    update: str = Field(max_length=12 * 1024 * 1024, description="base64 Yjs update")


class PushRequest(BaseModel):
    ops: list[OpIn] = Field(max_length=MAX_OPS_PER_PUSH)


class BookCursor(BaseModel):
    # Where the book's feed stands after the push, and where it stood before it (see
    # core.sync.protocol).
    cursor: int
    previous_cursor: int


class PushResult(BaseModel):
    applied: int
    duplicates: int
    # Every book the caller can reach, the ones of this push included.
    books: dict[str, BookCursor]
    # Books whose ops were refused, with why: book_not_found, read_only, or plan_limit (the
    # owner's plan takes no more books: the ops wait on the device until it does).
    rejected: dict[str, str] = Field(default_factory=dict)


class ChangeOut(BaseModel):
    seq: int
    doc_id: str
    kind: str
    book_id: str
    update: str


class PullPage(BaseModel):
    changes: list[ChangeOut]
    cursor: int
    has_more: bool


class BlobPublic(BaseModel):
    sha256: str
    size: int
    media_type: str
    created: bool = False


class StorageUsage(BaseModel):
    used_bytes: int
    limit_bytes: int
    items: list[BlobPublic]


RoleName = Literal["viewer", "commenter", "editor", "owner"]
GrantableRole = Literal["viewer", "commenter", "editor"]


class PersonPublic(BaseModel):
    id: str
    email: str


class BookPublic(BaseModel):
    id: str
    title: str
    role: RoleName
    owner: PersonPublic
    visibility: str
    # The book's feed position: a client whose cursor is here has nothing to pull.
    last_seq: int
    # When the caller's own access ends (None: no end).
    expires_at: datetime | None
    created_at: datetime


class MemberPublic(BaseModel):
    user_id: str
    email: str
    role: RoleName
    granted_by: str | None
    expires_at: datetime | None
    created_at: datetime


class MemberChange(BaseModel):
    role: GrantableRole | None = None
    # Days from now until the access ends; 0 removes the end.
    expires_days: int | None = Field(default=None, ge=0, le=3650)


class InvitationCreate(BaseModel):
    email: str = Field(max_length=320, pattern=EMAIL_PATTERN)
    role: GrantableRole = "editor"
    # Days the access lasts once accepted (None: no end).
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class InvitationPublic(BaseModel):
    id: str
    book_id: str
    book_title: str
    email: str
    role: RoleName
    invited_by: PersonPublic
    status: str
    expires_at: datetime
    access_expires_at: datetime | None
    email_sent: bool
    created_at: datetime


class InvitationCreated(InvitationPublic):
    # The link to send by other means (shown to the owner only, once, on creation).
    link: str
    # Why no email went out, when none did.
    email_problem: str | None = None


class TokenAccept(BaseModel):
    token: str = Field(min_length=10, max_length=200)


class TransferRequest(BaseModel):
    user_id: str = Field(min_length=1, max_length=36)


class ActivityPublic(BaseModel):
    id: int
    kind: str
    actor: PersonPublic | None
    subject_email: str | None
    detail: dict[str, Any]
    created_at: datetime


class NotificationPublic(BaseModel):
    id: str
    kind: str
    book_id: str | None
    message: str
    data: dict[str, Any]
    created_at: datetime
    read: bool


class NotificationPage(BaseModel):
    unread: int
    items: list[NotificationPublic]


class Mutes(BaseModel):
    kinds: list[str] = Field(default_factory=list, max_length=50)


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error answer: ``{"error": {"code", "message"}}``."""

    error: ErrorDetail


# The error answers any route may give, documented on every route (the client acts on the
# code; the status says which class of problem it is).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "Bad request"),
        (401, "Not signed in, or the token was refused"),
        (402, "Over a limit of the plan (plan_limit): the message says which, and how to upgrade"),
        (403, "The role in the book is too low"),
        (404, "Not found (or not yours)"),
        (405, "Method not allowed"),
        (408, "The upload stalled"),
        (409, "Conflict"),
        (410, "The cursor is no longer served: pull again from 0"),
        (413, "Too large, or over the storage quota"),
        (422, "Invalid input"),
        (429, "Too many requests"),
        (503, "The database is unavailable: try again shortly"),
    )
}
