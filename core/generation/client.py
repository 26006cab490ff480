"""The Claude client: the official ``anthropic`` SDK, streamed, with our own retry policy.

The SDK's own retries are off (``max_retries=0``) so that one policy decides: a 429 waits for
the server's ``retry-after``, a 529 (overloaded) or other 5xx backs off exponentially, a
dropped connection is tried once more; a refused key or a bad request is not retried. The
sleep between attempts is injectable (tests do not wait) and, by default, wakes on cancel.

Once text has streamed in, nothing is retried: a stream that breaks midway raises
:class:`StreamInterruptedError` carrying the text so far, and a cancel raises
:class:`GenerationCancelledError` with it, so the caller keeps it as a pending draft.

The HTTP transport is injectable (``transport=``: an ``httpx2`` transport, the HTTP library
this SDK version is built on), which is how the tests serve real API-shaped responses and
server-sent event streams without a network.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.generation.errors import (
    GenerationCancelledError,
    GenerationError,
    InvalidApiKeyError,
    NetworkError,
    NoApiKeyError,
    OverloadedError,
    RateLimitedError,
    RequestRejectedError,
    StreamInterruptedError,
)
from core.jobs import JobContext

if TYPE_CHECKING:
    import httpx2

# A current, generally available Sonnet: the balance of prose quality, speed and cost that
# drafting wants. The writer's preference, checked against the models list, overrides it.
DEFAULT_MODEL = "claude-sonnet-5-5"
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts a request gets and how long to wait between them."""

    max_attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    # A longer retry-after than this is not waited for: the writer is told instead.
    max_retry_after: float = 120.0
    network_attempts: int = 2

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt ``attempt`` (0-based): 1, 2, 4, ... seconds, capped."""
        return float(min(self.max_delay, self.base_delay * (2**attempt)))


@dataclass(frozen=True)
class ModelChoice:
    id: str
    display_name: str
    deprecated: bool = False


@dataclass
class StreamOutcome:
    """What a finished stream produced and what it cost."""

    text: str
    model: str
    stop_reason: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    first_token_ms: int | None = None
    latency_ms: int = 0
    attempts: int = 1


class _Usage:
    def __init__(self) -> None:
        self.input_tokens = 0
        self.output_tokens = 0
        self.cache_read = 0
        self.cache_write = 0

    def update(self, usage: Any) -> None:
        if usage is None:
            return
        # message_delta carries cumulative counts; any it omits keep their earlier value.
        if getattr(usage, "input_tokens", None) is not None:
            self.input_tokens = int(usage.input_tokens)
        if getattr(usage, "output_tokens", None) is not None:
            self.output_tokens = int(usage.output_tokens)
        if getattr(usage, "cache_read_input_tokens", None) is not None:
            self.cache_read = int(usage.cache_read_input_tokens)
        if getattr(usage, "cache_creation_input_tokens", None) is not None:
            self.cache_write = int(usage.cache_creation_input_tokens)


def parse_retry_after(headers: Any) -> float | None:
    """Seconds to wait from ``retry-after-ms`` / ``retry-after`` (seconds or an HTTP date)."""
    if headers is None:
        return None
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(raw) if raw else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def _api_message(exc: Any) -> str:
    message = getattr(exc, "api_message", None) or getattr(exc, "message", "") or str(exc)
    return str(message).splitlines()[0][:300] if message else ""


def classify_error(exc: BaseException, *, model: str) -> tuple[GenerationError, bool, float | None]:
    """(the error to show, whether to retry, the server's retry-after) for an SDK error."""
    import anthropic
    import httpx2

    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        kind = getattr(exc, "type", None) or ""
        retry_after = parse_retry_after(getattr(exc.response, "headers", None))
        if status == 401 or kind == "authentication_error":
            return (
                InvalidApiKeyError(
                    "the Anthropic API refused the key (401 invalid key): enter a valid key"
                    " in the AI settings or set ANTHROPIC_API_KEY"
                ),
                False,
                None,
            )
        if status == 403 or kind == "permission_error":
            return (
                InvalidApiKeyError(f"the API key may not do this (403): {_api_message(exc)}"),
                False,
                None,
            )
        if status == 429 or kind == "rate_limit_error":
            wait = f"; the server asks to wait {retry_after:.0f} s" if retry_after else ""
            return (
                RateLimitedError(f"rate limited by the Anthropic API (429){wait}", retry_after),
                True,
                retry_after,
            )
        if status == 529 or kind == "overloaded_error":
            return (
                OverloadedError("the Anthropic API is overloaded (529): try again in a minute"),
                True,
                retry_after,
            )
        if status == 404 or kind == "not_found_error":
            return (
                RequestRejectedError(
                    f"model {model!r} is not available to this key (404): choose another"
                    " model in the AI settings"
                ),
                False,
                None,
            )
        if status == 413 or kind == "request_too_large":
            return (
                RequestRejectedError(
                    "the request is too large for the API (413): lower the context budget"
                ),
                False,
                None,
            )
        if status >= 500 or kind == "api_error":
            return (
                OverloadedError(f"the Anthropic API failed ({status}): {_api_message(exc)}"),
                True,
                retry_after,
            )
        return (
            RequestRejectedError(
                f"the Anthropic API refused the request ({status}): {_api_message(exc)}"
            ),
            False,
            None,
        )
    if isinstance(exc, anthropic.APITimeoutError):
        return NetworkError("the Anthropic API did not answer in time (timeout)"), True, None
    if isinstance(exc, anthropic.APIConnectionError | httpx2.TransportError):
        return (
            NetworkError("cannot reach the Anthropic API: check the network connection"),
            True,
            None,
        )
    return GenerationError(f"generation failed: {type(exc).__name__}: {exc}"), False, None


def make_sdk_client(
    api_key: str,
    *,
    transport: httpx2.BaseTransport | None = None,
    base_url: str | None = None,
    timeout: float = 120.0,
    bearer: bool = False,
) -> Any:
    """An ``anthropic.Anthropic`` client with the SDK's retries off (ours decide);
    ``bearer``: the key is an access token of the sync server's hosted AI."""
    import anthropic
    import httpx2

    http_client = None
    if transport is not None:
        http_client = httpx2.Client(
            transport=transport, timeout=httpx2.Timeout(timeout, connect=10.0)
        )
    if bearer:
        return anthropic.Anthropic(
            api_key=None,
            auth_token=api_key,
            base_url=base_url,
            http_client=http_client,
            max_retries=0,
            timeout=timeout,
        )
    return anthropic.Anthropic(
        api_key=api_key,
        base_url=base_url,
        http_client=http_client,
        max_retries=0,
        timeout=timeout,
    )


class ClaudeClient:
    """Streams messages from Claude and lists the models a key may use."""

    def __init__(
        self,
        api_key: str | None,
        *,
        transport: httpx2.BaseTransport | None = None,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep | None = None,
        timeout: float = 120.0,
        bearer: bool = False,
    ) -> None:
        if not api_key:
            raise NoApiKeyError(
                "no Anthropic API key: enter one in the AI settings or set ANTHROPIC_API_KEY"
            )
        self._sdk = make_sdk_client(
            api_key, transport=transport, base_url=base_url, timeout=timeout, bearer=bearer
        )
        self.retry = retry or RetryPolicy()
        self._sleep = sleep

    def close(self) -> None:
        self._sdk.close()

    # ------------------------------------------------------------------ models

    def list_models(self) -> list[ModelChoice]:
        """The models this key may use, newest first (GET /v1/models, all pages)."""
        try:
            page = self._sdk.models.list(limit=100)
            models = [
                ModelChoice(
                    m.id,
                    getattr(m, "display_name", "") or m.id,
                    getattr(m, "lifecycle", "active") == "deprecated",
                )
                for m in page
            ]
        except Exception as exc:
            error, _, _ = classify_error(exc, model="")
            raise error from None
        return models

    # ------------------------------------------------------------------ streaming

    def stream(
        self,
        *,
        model: str,
        system: list[dict[str, Any]],
        messages: list[dict[str, Any]],
        max_tokens: int,
        on_text: Callable[[str], None],
        ctx: JobContext | None = None,
    ) -> StreamOutcome:
        """Stream one message, calling ``on_text`` with each piece of text as it arrives.

        Retries by :attr:`retry` while no text has arrived. Raises a GenerationError subclass
        (StreamInterruptedError with the partial text if it broke midway) or
        GenerationCancelledError when ``ctx`` is cancelled.
        """
        ctx = ctx or JobContext()
        started = time.perf_counter()
        network_failures = 0
        attempt = 0
        while True:
            ctx.check()
            try:
                outcome = self._stream_once(model, system, messages, max_tokens, on_text, ctx)
            except _RetryableFailure as failure:
                error, server_wait = failure.error, failure.retry_after
                if isinstance(error, NetworkError):
                    network_failures += 1
                    give_up = network_failures >= self.retry.network_attempts
                else:
                    give_up = False
                attempt += 1
                if give_up or attempt >= self.retry.max_attempts:
                    raise error from None
                if server_wait is not None and server_wait > self.retry.max_retry_after:
                    raise error from None
                delay = server_wait if server_wait is not None else self.retry.backoff(attempt - 1)
                ctx.progress(0, 0, f"{error}; retrying in {delay:.0f} s")
                self._wait(delay, ctx)
                continue
            outcome.latency_ms = int((time.perf_counter() - started) * 1000)
            outcome.attempts = attempt + 1
            return outcome

    def _wait(self, seconds: float, ctx: JobContext) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
            ctx.check()
            return
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ctx.check()
            time.sleep(min(0.05, left))
        ctx.check()

    def _stream_once(
        self,
        model: str,
        system: list[dict[str, Any]],
        messages: list[dict[str, Any]],
        max_tokens: int,
        on_text: Callable[[str], None],
        ctx: JobContext,
    ) -> StreamOutcome:
        request_started = time.perf_counter()
        pieces: list[str] = []
        usage = _Usage()
        stop_reason = ""
        model_used = model
        first_token_ms: int | None = None
        finished = False
        holder: dict[str, Any] = {}
        with _close_on_cancel(ctx, holder, self._sdk):
            try:
                stream = self._sdk.messages.create(
                    model=model,
                    max_tokens=max_tokens,
                    system=system,
                    messages=messages,
                    stream=True,
                )
                holder["stream"] = stream
                for event in stream:
                    if ctx.token.cancelled:
                        break
                    kind = event.type
                    if kind == "content_block_delta":
                        delta = event.delta
                        if getattr(delta, "type", "") == "text_delta" and delta.text:
                            if first_token_ms is None:
                                first_token_ms = int((time.perf_counter() - request_started) * 1000)
                            pieces.append(delta.text)
                            on_text(delta.text)
                    elif kind == "message_start":
                        model_used = event.message.model or model
                        usage.update(event.message.usage)
                    elif kind == "message_delta":
                        stop_reason = event.delta.stop_reason or stop_reason
                        usage.update(event.usage)
                    elif kind == "message_stop":
                        finished = True
            except Exception as exc:
                if ctx.token.cancelled:
                    raise GenerationCancelledError(partial_text="".join(pieces)) from None
                error, retryable, retry_after = classify_error(exc, model=model)
                if pieces:
                    raise StreamInterruptedError(
                        f"the stream broke after {len(''.join(pieces).split()):,} words"
                        f" ({error}); the text so far is kept",
                        "".join(pieces),
                    ) from None
                if retryable:
                    raise _RetryableFailure(error, retry_after) from None
                raise error from None
            finally:
                stream_obj = holder.get("stream")
                if stream_obj is not None:
                    stream_obj.close()
        if ctx.token.cancelled:
            raise GenerationCancelledError(partial_text="".join(pieces))
        if not finished:
            error = NetworkError("the connection closed before the message was complete")
            if pieces:
                raise StreamInterruptedError(
                    f"the stream ended early ({error}); the text so far is kept", "".join(pieces)
                )
            raise _RetryableFailure(error, None)
        return StreamOutcome(
            text="".join(pieces),
            model=model_used,
            stop_reason=stop_reason or "end_turn",
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read,
            cache_write_tokens=usage.cache_write,
            first_token_ms=first_token_ms,
        )


class _RetryableFailure(Exception):
    def __init__(self, error: GenerationError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def _shut_socket(stream: Any) -> None:
    """Shut the stream's socket down so that a read blocked in another thread returns now.

    Closing a socket does not wake a thread blocked reading it; shutting it down does.
    """
    import socket

    response = getattr(stream, "response", None)
    network = getattr(response, "extensions", {}).get("network_stream")
    sock = network.get_extra_info("socket") if network is not None else None
    if isinstance(sock, socket.socket):
        # The plain socket's shutdown, also for TLS: SSLSocket.shutdown would tear down its
        # SSL object under the reading thread's feet.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


@contextmanager
def _close_on_cancel(ctx: JobContext, holder: dict[str, Any], sdk: Any) -> Iterator[None]:
    """Close the open stream the moment ``ctx`` is cancelled, so a blocked read returns at once.

    Before the response has started there is no stream yet; the SDK client itself is closed,
    which aborts the pending request (and a response that still arrives is shut at once).
    """
    done = threading.Event()

    def watch() -> None:
        client_closed = False
        while not done.wait(0.01):
            if not ctx.token.cancelled:
                continue
            stream = holder.get("stream")
            try:
                if stream is not None:
                    _shut_socket(stream)
                    stream.close()
                    return
                if not client_closed:
                    # No response yet: abort the request, and keep watching in case the
                    # response still arrives, so that its stream is shut the moment it does.
                    client_closed = True
                    sdk.close()
            except Exception:  # closing races the reader; the reader reports the cancel
                return

    watcher = threading.Thread(target=watch, name="generation-cancel", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
