"""Assets: images and audio kept content-addressed beside the database.

A file is stored once under ``assets/<first two hex digits>/<sha256><suffix>`` whatever
its name, so adding the same cover twice costs no space; the Asset row remembers the
original file name and the media type.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import Asset, Book
from core.errors import AuthorWorksError
from core.store.library import Library

_SUFFIX_BY_TYPE = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/wav": ".wav",
}


def _sniff_media_type(data: bytes, filename: str) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


def _relative_path(sha256: str, media_type: str) -> Path:
    return Path(sha256[:2]) / (sha256 + _SUFFIX_BY_TYPE.get(media_type, ""))


def asset_path(library: Library, asset: Asset) -> Path:
    """Where ``asset``'s file lives in ``library`` (it may be missing if files were lost)."""
    return library.assets_dir / _relative_path(asset.sha256, asset.media_type)


def add_asset(
    *,
    session: Session,
    library: Library,
    book: Book | None,
    source: Path | bytes,
    kind: str,
    filename: str = "",
) -> Asset:
    """Store a file (a path or its bytes) as an asset of ``book``; returns the new Asset row."""
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise AuthorWorksError(f"{source}: cannot read the file ({exc.strerror})") from None
        filename = filename or source.name
    else:
        data = source
    if not data:
        raise AuthorWorksError(f"{filename or 'asset'}: the file is empty")
    sha256 = hashlib.sha256(data).hexdigest()
    media_type = _sniff_media_type(data, filename)
    target = library.assets_dir / _relative_path(sha256, media_type)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    asset = Asset(
        book_id=book.id if book is not None else None,
        kind=kind,
        sha256=sha256,
        media_type=media_type,
        size=len(data),
        filename=filename,
    )
    session.add(asset)
    session.flush()
    return asset


def book_assets(*, session: Session, book_id: str, kind: str | None = None) -> list[Asset]:
    """The book's assets, newest first, optionally of one ``kind``."""
    stmt = select(Asset).where(Asset.book_id == book_id)
    if kind is not None:
        stmt = stmt.where(Asset.kind == kind)
    return list(session.scalars(stmt.order_by(Asset.created_at.desc(), Asset.id.desc())))


def book_cover(*, session: Session, book_id: str) -> Asset | None:
    """The book's current cover (the newest asset of kind ``cover``), if it has one."""
    covers = book_assets(session=session, book_id=book_id, kind="cover")
    return covers[0] if covers else None
