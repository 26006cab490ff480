"""The gate every request passes before the app reads a byte of its body.

* A request that would change something (POST, PUT, PATCH, DELETE under /api/v1, but for
  signing up and in) needs a valid access token *before* its body is read: an anonymous
  client cannot make the server buffer and parse megabytes only to answer 401.
* The body is counted while it streams, chunked or not (a missing Content-Length skips no
  check): past the limit the request ends with 413. Media uploads have their own, larger one.
* One account has at most ``max_writes_per_account`` write bodies being read at once (429
  beyond): what a signed-in client can make the server hold stays small.
* NUL characters are refused with 422 wherever they come (path, query, JSON text): PostgreSQL
  cannot store them, and they are never part of a writer's text.
"""

from __future__ import annotations

import threading

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync_server.errors import Unauthorized, error_body
from sync_server.security import read_access_token
from sync_server.settings import Settings

API = "/api/v1/"
# Reached without a token: they hand one out, or take one back.
PUBLIC_WRITES = frozenset(
    {
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/oidc/complete",
        # Signed by Stripe instead (a bad signature is 400); its body is at most one event.
        "/api/v1/billing/webhook",
    }
)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MEDIA = "/api/v1/media/"
NUL_MESSAGE = "text may not contain the NUL character (\\u0000)"


class Refusal(HTTPException):
    """Raised from the guarded body stream: FastAPI passes HTTPExceptions from a body read
    through untouched, and the app's handler renders it with its code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(status_code=status, detail=message)
        self.code = code


def _refusal(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    """The app's one error shape, answered before the app is reached (no body is read)."""
    return JSONResponse(error_body(code, message), status, headers=headers or None)


class RequestGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        # Writes of each account whose bodies are being read now.
        self._writing: dict[str, int] = {}
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        raw_path: bytes = scope.get("raw_path") or path.encode()
        query: bytes = scope.get("query_string", b"")
        if "\x00" in path or b"%00" in raw_path.lower() or b"%00" in query or b"\x00" in query:
            await _refusal(422, "invalid_text", NUL_MESSAGE)(scope, receive, send)
            return
        method = scope.get("method", "")
        headers = dict(scope.get("headers") or [])
        account: str | None = None
        if path.startswith(API) and method in WRITE_METHODS and path not in PUBLIC_WRITES:
            refused, account = self._token_refusal(headers.get(b"authorization", b""))
            if refused is not None:
                challenge = {"WWW-Authenticate": 'Bearer realm="authorworks"'}
                reply = _refusal(401, refused.code, refused.message, **challenge)
                await reply(scope, receive, send)
                return
        limit = (
            self.settings.max_upload_bytes
            if path.startswith(MEDIA)
            else self.settings.max_request_bytes
        )
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:  # said so up front: not a byte is read
            reply = _refusal(413, "too_large", f"the request is larger than {limit} bytes")
            await reply(scope, receive, send)
            return
        is_json = headers.get(b"content-type", b"").split(b";")[0].strip() == b"application/json"
        seen = 0
        tail = b""

        async def guarded() -> Message:
            nonlocal seen, tail
            message = await receive()
            if message["type"] == "http.request":
                chunk: bytes = message.get("body", b"")
                seen += len(chunk)
                if seen > limit:
                    raise Refusal(413, "too_large", f"the request is larger than {limit} bytes")
                if is_json:
                    window = tail + chunk  # an escape split across two chunks is still seen
                    if b"\\u0000" in window:
                        raise Refusal(422, "invalid_text", NUL_MESSAGE)
                    tail = window[-5:]
            return message

        if account is None or path.startswith(MEDIA):  # uploads have their own limit
            await self.app(scope, guarded, send)
            return
        with self._lock:
            busy = self._writing.get(account, 0)
            if busy >= self.settings.max_writes_per_account:
                refused_busy = True
            else:
                refused_busy = False
                self._writing[account] = busy + 1
        if refused_busy:
            reply = _refusal(
                429,
                "rate_limited",
                f"{busy} requests of this account are being received already: try again",
                **{"Retry-After": "1"},
            )
            await reply(scope, receive, send)
            return
        try:
            await self.app(scope, guarded, send)
        finally:
            with self._lock:
                self._writing[account] -= 1
                if not self._writing[account]:
                    del self._writing[account]

    def _token_refusal(self, header: bytes) -> tuple[Unauthorized | None, str | None]:
        """(why the token is refused, or None; the account it names)."""
        scheme, _, token = header.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return Unauthorized("sign in first: this needs an access token"), None
        try:
            claims = read_access_token(self.settings, token.strip())
        except Unauthorized as exc:
            return exc, None
        return None, str(claims["sub"])
