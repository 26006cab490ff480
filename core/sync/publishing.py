"""Publishing a book to the server's public site (the use cases the CLI and the studio
share): the library syncs first, so the site shows the book as it is now."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from core.store.library import Library
from core.sync.api import SyncApi
from core.sync.engine import SyncEngine
from core.sync.errors import SharingError, SyncServerError
from core.sync.release_schedule import parse_schedule
from core.sync.sharing import local_book


@dataclass(frozen=True)
class PublishRequest:
    visibility: str = "public"  # public | unlisted
    genre: str | None = None
    tags: list[str] | None = None
    description: str | None = None
    schedule: str = ""  # "" = every chapter now
    silent: bool = False
    complete: bool | None = None


def check_request(request: PublishRequest) -> None:
    """Refuse before any network: a schedule the server would refuse, an unknown visibility."""
    if request.visibility not in ("public", "unlisted"):
        raise SharingError("visibility is public or unlisted")
    if request.schedule:
        try:
            parse_schedule(request.schedule)
        except ValueError as exc:
            raise SharingError(str(exc)) from exc


def publish(
    library: Library, api: SyncApi, book_ref: str, request: PublishRequest
) -> dict[str, Any]:
    """Sync, then publish the book; the server's answer (``url``, ``chapters``, …)."""
    check_request(request)
    book = local_book(library, book_ref)
    SyncEngine(library, api).sync()
    body = {k: v for k, v in asdict(request).items() if v is not None}
    try:
        return api.publish(book.id, body)
    except SyncServerError as exc:
        if exc.status == 404:
            raise SharingError(
                f"“{book.title}” is not a book of this account on the server: only its owner "
                "publishes it"
            ) from exc
        raise


def unpublish(library: Library, api: SyncApi, book_ref: str) -> str:
    book = local_book(library, book_ref)
    try:
        api.unpublish(book.id)
    except SyncServerError as exc:
        if exc.status == 404:
            raise SharingError(f"“{book.title}” is not published") from exc
        raise
    return f"“{book.title}” is no longer published: its pages, feed and search entry are gone."


def publication(library: Library, api: SyncApi, book_ref: str) -> dict[str, Any] | None:
    """How the book is published (with its analytics), or None when it is not."""
    book = local_book(library, book_ref)
    try:
        status = api.publication(book.id)
    except SyncServerError as exc:
        if exc.status == 404:
            return None
        raise
    status["analytics"] = api.publication_analytics(book.id)
    return status
