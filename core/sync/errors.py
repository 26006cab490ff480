"""Errors of sync, as the client sees them. Each message is fit to show in a status line."""

from __future__ import annotations

from core.errors import AuthorWorksError


class SyncError(AuthorWorksError):
    """Sync failed; the library and its queue of unsent edits are unchanged."""


class SyncOfflineError(SyncError):
    """The server cannot be reached (no network, or the server is down)."""


class SyncAuthError(SyncError):
    """Not signed in, or the session has expired or was revoked: sign in again. ``code`` is
    the server's (``otp_required``: the account takes a code from an authenticator app)."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class SyncServerError(SyncError):
    """The server answered with an error (its code and message are kept)."""

    def __init__(self, message: str, *, status: int = 0, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class ResyncRequiredError(SyncServerError):
    """The server no longer serves our cursor: the whole feed must be pulled again."""


class SharingError(SyncError):
    """A sharing request cannot be done as asked (an unknown role, the owner removed, …)."""
