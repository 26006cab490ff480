"""Content-addressed blob storage: local disk or S3-compatible object storage, one interface."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from sync_server.settings import Settings

CHUNK = 256 * 1024


class BlobStore(Protocol):
    def put(self, sha256: str, source: Path) -> None: ...
    def exists(self, sha256: str) -> bool: ...
    def chunks(self, sha256: str) -> Iterator[bytes]: ...
    def delete(self, sha256: str) -> None: ...
    def check(self) -> None: ...


class LocalBlobStore:
    """Blobs as files ``<root>/ab/abcdef...``; written to a temp file and moved into place."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, source: Path) -> None:
        target = self._path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def chunks(self, sha256: str) -> Iterator[bytes]:
        with self._path(sha256).open("rb") as fh:
            while block := fh.read(CHUNK):
                yield block

    def delete(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(sha256).unlink()

    def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        probe = self.root / ".health"
        probe.write_bytes(b"ok")
        probe.unlink()


class S3BlobStore:
    """Blobs as objects ``blobs/<sha256>`` in one bucket (AWS S3, SeaweedFS, MinIO, ...)."""

    def __init__(self, settings: Settings) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = settings.s3_bucket
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url or None,
            aws_access_key_id=settings.s3_access_key or None,
            aws_secret_access_key=settings.s3_secret_key or None,
            region_name=settings.s3_region,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3},
                connect_timeout=5,
                read_timeout=30,
            ),
        )

    @staticmethod
    def _key(sha256: str) -> str:
        return f"blobs/{sha256}"

    def ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def put(self, sha256: str, source: Path) -> None:
        self.client.upload_file(str(source), self.bucket, self._key(sha256))
        source.unlink(missing_ok=True)

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError:
            return False
        return True

    def chunks(self, sha256: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)


def make_blob_store(settings: Settings) -> BlobStore:
    if settings.s3_bucket:
        return S3BlobStore(settings)
    return LocalBlobStore(settings.data_dir / "blobs")
