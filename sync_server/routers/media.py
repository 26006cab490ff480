"""/api/v1/media: covers, images and audio as content-addressed blobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import StreamingResponse

from sync_server.deps import CallerDep, SessionDep
from sync_server.schemas import BlobPublic, StorageUsage
from sync_server.services.media import MediaService

router = APIRouter(prefix="/media", tags=["media"])
# Shown inline when opened; anything else downloads as an attachment.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def _media(request: Request) -> MediaService:
    service: MediaService = request.app.state.media
    return service


@router.get("")
def usage(request: Request, session: SessionDep, caller: CallerDep) -> StorageUsage:
    """The account's media and how much of its storage they use."""
    return _media(request).usage(session=session, user=caller.user)


@router.put(
    "/{sha256}",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def upload(
    sha256: str,
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    content_type: Annotated[str, Header(max_length=100)] = "application/octet-stream",
) -> BlobPublic:
    """Upload a file under the SHA-256 of its bytes; uploading it again changes nothing."""
    length = request.headers.get("content-length")
    result = await _media(request).upload(
        session=session,
        user=caller.user,
        sha256=sha256,
        media_type=content_type.split(";")[0].strip() or "application/octet-stream",
        body=request.stream(),
        declared_size=int(length) if length and length.isdigit() else None,
    )
    response.status_code = 201 if result.created else 200
    return result


@router.get("/{sha256}", response_class=StreamingResponse)
def download(
    sha256: str, request: Request, session: SessionDep, caller: CallerDep
) -> StreamingResponse:
    """Stream a file of the account."""
    row, chunks = _media(request).stream(session=session, user=caller.user, sha256=sha256)
    headers = {
        "Content-Length": str(row.size),
        "ETag": f'"{row.sha256}"',
        # The uploader chose the Content-Type: a browser must not guess another, nor show
        # anything but a plain image inline (an SVG or HTML file could carry script).
        "X-Content-Type-Options": "nosniff",
    }
    if row.media_type not in INLINE_TYPES:
        headers["Content-Disposition"] = f'attachment; filename="{row.sha256}"'
    return StreamingResponse(chunks, media_type=row.media_type, headers=headers)


@router.delete("/{sha256}", status_code=204)
def delete(sha256: str, request: Request, session: SessionDep, caller: CallerDep) -> Response:
    _media(request).delete(session=session, user=caller.user, sha256=sha256)
    return Response(status_code=204)
