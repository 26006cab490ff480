"""The server's error hierarchy: each class carries its HTTP status and a stable code.

Handlers raise these; :func:`install_error_handlers` maps them (and validation errors,
database outages and anything unexpected) to ``{"error": {"code", "message"}}`` in one place.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

log = logging.getLogger("authorworks.server")


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class Unauthorized(ApiError):
    status, code = 401, "not_authenticated"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class RequestTimeout(ApiError):
    status, code = 408, "request_timeout"


class ResyncRequired(ApiError):
    status, code = 410, "resync_required"


class PayloadTooLarge(ApiError):
    status, code = 413, "too_large"


class Unprocessable(ApiError):
    status, code = 422, "invalid_request"


class RateLimited(ApiError):
    status, code = 429, "rate_limited"


class ServiceUnavailable(ApiError):
    status, code = 503, "unavailable"


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _page(request: Request, status: int, message: str) -> Response | None:
    """The public site's error page, for a browser asking for a page (not for the API)."""
    render = getattr(request.app.state, "error_page", None)
    if render is None or request.url.path.startswith("/api/"):
        return None
    if "text/html" not in request.headers.get("accept", ""):
        return None
    page: Response = render(request, status, message)
    return page


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to its status and the one JSON error shape (a page on the site)."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        headers = {"Retry-After": "60"} if isinstance(exc, RateLimited) else None
        if isinstance(exc, Unauthorized):
            headers = {"WWW-Authenticate": 'Bearer realm="authorworks"'}
        page = _page(request, exc.status, exc.message)
        if page is not None:
            return page
        return JSONResponse(error_body(exc.code, exc.message), exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid')}" if where else "invalid request"
        return JSONResponse(error_body("validation_error", message), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and (page := _page(request, 404, "There is no such page.")):
            return page
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        code = getattr(exc, "code", None) or codes.get(exc.status_code, "http_error")
        # Allow on 405, and whatever else the exception carries.
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=exc.headers)

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def _database_down(_request: Request, exc: Exception) -> JSONResponse:
        log.error("database error: %s", type(exc).__name__)
        return JSONResponse(
            error_body(
                "database_unavailable",
                "the database is unavailable; nothing was changed, try again shortly",
            ),
            503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, _exc: ClientDisconnect) -> JSONResponse:
        # The client hung up mid-request (an upload cancelled): nothing went wrong here.
        log.info("client disconnected during %s %s", request.method, request.url.path)
        return JSONResponse(error_body("client_disconnected", "the client went away"), 400)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error: %s", type(exc).__name__)
        return JSONResponse(error_body("internal_error", "unexpected server error"), 500)
