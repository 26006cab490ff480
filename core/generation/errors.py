"""Errors of AI generation; each message is one line fit to show as-is.

None of them ever carries the API key. Errors that happen after text has arrived carry that
text (``partial_text``) so that the caller can keep it as a pending draft: nothing is lost.
"""

from __future__ import annotations

from core.errors import AuthorWorksError, JobCancelledError


class GenerationError(AuthorWorksError):
    """A generation could not be made or finished."""

    #: Text that had already streamed in before the failure (kept as a pending draft).
    partial_text: str = ""
    #: The history record that keeps ``partial_text``, once it has been recorded.
    record_id: str | None = None


class NoApiKeyError(GenerationError):
    """No Anthropic API key is set (neither in the keyring nor in ANTHROPIC_API_KEY)."""


class InvalidApiKeyError(GenerationError):
    """The API refused the key (401) or its permissions (403)."""


class CredentialStoreError(GenerationError):
    """The OS keyring cannot store or delete the key."""


class RateLimitedError(GenerationError):
    """The API answered 429 (too many requests) and retries ran out."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OverloadedError(GenerationError):
    """The API answered 529 (overloaded) or a 5xx and retries ran out."""


class NetworkError(GenerationError):
    """The API cannot be reached (no network, DNS, TLS, timeout)."""


class RequestRejectedError(GenerationError):
    """The API refused the request itself (400/404/413...): the message says why."""


class StreamInterruptedError(GenerationError):
    """The stream broke after some text had arrived; ``partial_text`` holds that text."""

    def __init__(self, message: str, partial_text: str) -> None:
        super().__init__(message)
        self.partial_text = partial_text


class GenerationCancelledError(JobCancelledError):
    """The writer cancelled the generation; ``partial_text`` holds what had arrived."""

    record_id: str | None = None

    def __init__(self, message: str = "generation cancelled", partial_text: str = "") -> None:
        super().__init__(message)
        self.partial_text = partial_text


class ContextTooLargeError(GenerationError):
    """Even the parts of the context that cannot be trimmed exceed the token budget."""


class ActionError(GenerationError):
    """An unknown action, or an action that lacks what it needs (a selection, an instruction)."""


class TemplateError(GenerationError):
    """A prompt template file cannot be read or parsed."""
