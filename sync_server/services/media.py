"""Media: content-addressed uploads (stored once, deduplicated by hash), quotas, streaming."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync_server.blobstore import BlobStore
from sync_server.errors import (
    ApiError,
    BadRequest,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    RequestTimeout,
)
from sync_server.models import Blob, User, UserBlob
from sync_server.schemas import BlobPublic, StorageUsage
from sync_server.settings import Settings


def check_hash(sha256: str) -> str:
    sha256 = sha256.lower()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise BadRequest("a media id is the SHA-256 of its bytes (64 hex digits)", code="bad_hash")
    return sha256


class MediaService:
    def __init__(self, settings: Settings, store: BlobStore) -> None:
        self.settings = settings
        self.store = store
        self.spool = settings.data_dir / "spool"
        self._slots: dict[str, int] = {}
        self._slots_lock = threading.Lock()

    def usage(self, *, session: Session, user: User) -> StorageUsage:
        rows = session.scalars(
            select(UserBlob).where(UserBlob.user_id == user.id).order_by(UserBlob.created_at)
        )
        items = [BlobPublic(sha256=r.sha256, size=r.size, media_type=r.media_type) for r in rows]
        return StorageUsage(
            used_bytes=sum(i.size for i in items),
            limit_bytes=self._quota(session, user.id),
            items=items,
        )

    def _quota(self, session: Session, user_id: str) -> int:
        """The account's storage: its plan's, where plans are enforced, else the server's."""
        if self.settings.plans_enforced:
            from sync_server.billing.entitlements import standing

            limit = standing(session, self.settings, user_id).limit("storage_bytes")
            if limit is not None:
                return limit
        return self.settings.storage_quota_bytes

    def owned(self, *, session: Session, user: User, sha256: str) -> UserBlob:
        row = session.get(UserBlob, (user.id, check_hash(sha256)))
        if row is None:
            raise NotFound(f"no media {sha256} in this account")
        return row

    async def upload(
        self,
        *,
        session: Session,
        user: User,
        sha256: str,
        media_type: str,
        body: AsyncIterator[bytes],
        declared_size: int | None,
    ) -> BlobPublic:
        """Store the streamed body under its hash (checked), within size limit and quota.

        No database connection is held while the body arrives (a slow upload must not starve
        everyone else's requests), each piece must come within ``upload_read_timeout``, and
        the quota is reserved in one statement, so parallel uploads cannot overshoot it.
        """
        sha256 = check_hash(sha256)
        existing = session.get(UserBlob, (user.id, sha256))
        if existing is not None:
            return BlobPublic(sha256=sha256, size=existing.size, media_type=existing.media_type)
        used = self._used(session, user.id)
        quota = self._quota(session, user.id)
        room = min(self.settings.max_upload_bytes, quota - used)
        if declared_size is not None and declared_size > room:
            raise self._too_large(session, user.id, declared_size, used)
        session.commit()  # hands the connection back to the pool for the slow part
        with self._upload_slot(user.id):
            temp, size = await self._spool(body, sha256, room, used, session, user.id)
        try:
            self._reserve(session, user.id, size)
            try:
                if session.get(Blob, sha256) is None or not self.store.exists(sha256):
                    self.store.put(sha256, temp)
                    if session.get(Blob, sha256) is None:
                        session.add(Blob(sha256=sha256, size=size))
                session.add(
                    UserBlob(user_id=user.id, sha256=sha256, size=size, media_type=media_type)
                )
                session.commit()
            except IntegrityError:  # the same file uploaded twice at once: keep one
                session.rollback()
                self._refund(session, user.id, size)
            except BaseException:
                session.rollback()
                self._refund(session, user.id, size)
                raise
        finally:
            temp.unlink(missing_ok=True)
        return BlobPublic(sha256=sha256, size=size, media_type=media_type, created=True)

    def _used(self, session: Session, user_id: str) -> int:
        return int(
            session.scalar(
                select(func.coalesce(func.sum(UserBlob.size), 0)).where(UserBlob.user_id == user_id)
            )
            or 0
        )

    async def _spool(
        self,
        body: AsyncIterator[bytes],
        sha256: str,
        room: int,
        used: int,
        session: Session,
        user_id: str,
    ) -> tuple[Path, int]:
        """The body written to a temp file (its path and size), its hash checked."""
        self.spool.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.spool, prefix="upload-")
        temp = Path(name)
        digest = hashlib.sha256()
        size = 0
        timeout = self.settings.upload_read_timeout
        try:
            with os.fdopen(fd, "wb") as fh:
                pieces = aiter(body)
                while True:
                    try:
                        block = await asyncio.wait_for(anext(pieces), timeout)
                    except StopAsyncIteration:
                        break
                    except TimeoutError:
                        raise RequestTimeout(
                            f"the upload sent nothing for {timeout:g} s: try again"
                        ) from None
                    size += len(block)
                    if size > room:
                        raise self._too_large(session, user_id, size, used)
                    digest.update(block)
                    fh.write(block)
            if digest.hexdigest() != sha256:
                raise BadRequest(
                    "the uploaded bytes do not match the SHA-256 in the URL", code="hash_mismatch"
                )
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return temp, size

    def _reserve(self, session: Session, user_id: str, size: int) -> None:
        """Count ``size`` against the quota in one statement, or refuse: two uploads that
        each fit but not together cannot both pass."""
        quota = self._quota(session, user_id)
        done = session.execute(
            update(User)
            .where(User.id == user_id, User.storage_used + size <= quota)
            .values(storage_used=User.storage_used + size)
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
        if not done:
            used = int(session.scalar(select(User.storage_used).where(User.id == user_id)) or 0)
            raise self._too_large(session, user_id, size, used)

    def _refund(self, session: Session, user_id: str, size: int) -> None:
        """Give ``size`` back to the quota (in one statement, like the reservation)."""
        left = case((User.storage_used > size, User.storage_used - size), else_=0)
        session.execute(update(User).where(User.id == user_id).values(storage_used=left))
        session.commit()

    @contextmanager
    def _upload_slot(self, user_id: str) -> Iterator[None]:
        """At most ``max_uploads_per_account`` uploads of one account at once (per worker)."""
        with self._slots_lock:
            busy = self._slots.get(user_id, 0)
            if busy >= self.settings.max_uploads_per_account:
                raise RateLimited(
                    f"{busy} uploads of this account are already in progress: wait for them"
                )
            self._slots[user_id] = busy + 1
        try:
            yield
        finally:
            with self._slots_lock:
                self._slots[user_id] -= 1
                if not self._slots[user_id]:
                    del self._slots[user_id]

    def _too_large(self, session: Session, user_id: str, size: int, used: int) -> ApiError:
        if size > self.settings.max_upload_bytes:
            return PayloadTooLarge(
                f"the file is {size} bytes; the limit is {self.settings.max_upload_bytes}"
            )
        if self.settings.plans_enforced:
            from sync_server.billing.entitlements import over_limit, standing

            where = standing(session, self.settings, user_id)
            error = over_limit(
                self.settings, where, "storage_bytes", used, adding=size,
                detail=f"this file has {size:,} bytes",
            )  # fmt: skip
            if error is not None:
                return error
        return PayloadTooLarge(
            f"storage quota exceeded: {used} of {self.settings.storage_quota_bytes} bytes used",
            code="quota_exceeded",
        )

    def stream(
        self, *, session: Session, user: User, sha256: str
    ) -> tuple[UserBlob, Iterator[bytes]]:
        row = self.owned(session=session, user=user, sha256=sha256)
        return row, self.store.chunks(row.sha256)

    def delete(self, *, session: Session, user: User, sha256: str) -> None:
        row = self.owned(session=session, user=user, sha256=sha256)
        session.delete(row)
        session.commit()
        self._refund(session, user.id, row.size)
        self.forget_unreferenced(session=session, hashes=[row.sha256])

    def forget_unreferenced(self, *, session: Session, hashes: list[str]) -> None:
        """Remove the blobs among ``hashes`` that no account references any more."""
        for sha256 in hashes:
            if session.scalar(select(UserBlob.user_id).where(UserBlob.sha256 == sha256).limit(1)):
                continue
            blob = session.get(Blob, sha256)
            if blob is not None:
                session.delete(blob)
                session.commit()
            self.store.delete(sha256)
