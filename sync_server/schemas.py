"""Request and response bodies (ORM rows never leave the services)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from core.sync.protocol import MAX_OPS_PER_PUSH

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Credentials(BaseModel):
    email: str = Field(max_length=320, pattern=EMAIL_PATTERN)
    password: str = Field(min_length=8, max_length=256)


class LoginRequest(Credentials):
    password: str = Field(min_length=1, max_length=256)
    device_name: str = Field(default="", max_length=200)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class AccountDelete(BaseModel):
    password: str = Field(min_length=1, max_length=256)


class UserPublic(BaseModel):
    id: str
    email: str
    created_at: datetime
    storage_used: int


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
    update: str = Field(max_length=16 * 1024 * 1024, description="base64 Yjs update")


class PushRequest(BaseModel):
    ops: list[OpIn] = Field(max_length=MAX_OPS_PER_PUSH)


class PushResult(BaseModel):
    applied: int
    duplicates: int
    cursor: int
    # The feed's cursor before this push (see core.sync.protocol).
    previous_cursor: int


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
