"""A scripted Anthropic API for tests: real response and server-sent-event shapes, no network.

``FakeAnthropic.transport()`` is an ``httpx2.MockTransport`` (the HTTP library the installed
SDK is built on) that answers each request with the next queued response and records what
was sent. Streams follow the Messages API: message_start, content_block_start, ping,
content_block_delta..., content_block_stop, message_delta (with usage), message_stop; or an
``error`` event midway, a dropped connection, or a stall until the client closes the stream.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2

MODEL = "claude-sonnet-5-5"


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def message_events(
    texts: list[str],
    *,
    model: str = MODEL,
    input_tokens: int = 1200,
    output_tokens: int = 42,
    cache_read: int = 1000,
    cache_write: int = 0,
    stop_reason: str = "end_turn",
) -> list[bytes]:
    """The events of one whole streamed message whose text arrives in ``texts`` pieces."""
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_01FakeFakeFake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": 1,
                "cache_creation_input_tokens": cache_write,
                "cache_read_input_tokens": cache_read,
            },
        },
    }
    events = [
        sse("message_start", start),
        sse(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        sse("ping", {"type": "ping"}),
    ]
    for text in texts:
        events.append(
            sse(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": text},
                },
            )
        )
    events += [
        sse("content_block_stop", {"type": "content_block_stop", "index": 0}),
        sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": output_tokens},
            },
        ),
        sse("message_stop", {"type": "message_stop"}),
    ]
    return events


def error_event(kind: str = "overloaded_error", message: str = "Overloaded") -> bytes:
    return sse("error", {"type": "error", "error": {"type": kind, "message": message}})


class ScriptedStream(httpx2.SyncByteStream):
    """Yields event chunks; may then raise (a dropped connection) or stall until closed."""

    def __init__(
        self,
        chunks: list[bytes],
        *,
        then_raise: bool = False,
        stall_after: int | None = None,
        on_chunk: Callable[[int, float], None] | None = None,
    ) -> None:
        self.chunks = chunks
        self.then_raise = then_raise
        self.stall_after = stall_after
        self.on_chunk = on_chunk
        self.closed = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        for i, chunk in enumerate(self.chunks):
            if self.stall_after is not None and i == self.stall_after:
                # Like a server that stops sending: only closing the response ends the read.
                self.closed.wait(10)
                raise httpx2.ReadError("connection closed")
            if self.closed.is_set():
                raise httpx2.ReadError("connection closed")
            if self.on_chunk is not None:
                self.on_chunk(i, time.perf_counter())
            yield chunk
        if self.then_raise:
            raise httpx2.RemoteProtocolError(
                "peer closed connection without sending complete message body"
            )

    def close(self) -> None:
        self.closed.set()


@dataclass
class Scripted:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    stream: ScriptedStream | None = None
    raise_connect: bool = False


class FakeAnthropic:
    """Queue responses with the ``queue_*`` methods; read what was sent from ``requests``."""

    def __init__(self) -> None:
        self.queue: deque[Scripted] = deque()
        self.requests: list[httpx2.Request] = []
        self.streams: list[ScriptedStream] = []

    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self.handle)

    # ------------------------------------------------------------------ scripting

    def queue_message(self, texts: list[str], **kw: Any) -> ScriptedStream:
        stream = ScriptedStream(message_events(texts, **kw))
        self.queue.append(Scripted(stream=stream, headers={"content-type": "text/event-stream"}))
        return stream

    def queue_stream(self, stream: ScriptedStream) -> ScriptedStream:
        self.queue.append(Scripted(stream=stream, headers={"content-type": "text/event-stream"}))
        return stream

    def queue_error(
        self, status: int, kind: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        body = {
            "type": "error",
            "error": {"type": kind, "message": message},
            "request_id": "req_fake",
        }
        self.queue.append(Scripted(status=status, json_body=body, headers=headers or {}))

    def queue_reply(self, content: list[dict[str, Any]], *, stop_reason: str = "") -> None:
        """One whole (not streamed) Messages answer with these content blocks: text and
        ``tool_use`` blocks, as the API returns them to ``messages.create``."""
        uses_tool = any(block.get("type") == "tool_use" for block in content)
        body = {
            "id": "msg_01FakeToolUse",
            "type": "message",
            "role": "assistant",
            "model": MODEL,
            "content": content,
            "stop_reason": stop_reason or ("tool_use" if uses_tool else "end_turn"),
            "stop_sequence": None,
            "usage": {"input_tokens": 900, "output_tokens": 40},
        }
        self.queue.append(Scripted(json_body=body))

    def queue_connect_error(self) -> None:
        self.queue.append(Scripted(raise_connect=True))

    def queue_models(self, ids: list[str], deprecated: tuple[str, ...] = ()) -> None:
        data = [
            {
                "type": "model",
                "id": mid,
                "display_name": mid.replace("-", " ").title(),
                "created_at": "2026-01-01T00:00:00Z",
                "lifecycle": "deprecated" if mid in deprecated else "active",
            }
            for mid in ids
        ]
        body = {
            "data": data,
            "has_more": False,
            "first_id": ids[0] if ids else None,
            "last_id": ids[-1] if ids else None,
        }
        self.queue.append(Scripted(json_body=body))

    # ------------------------------------------------------------------ serving

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        self.requests.append(request)
        if not self.queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        item = self.queue.popleft()
        if item.raise_connect:
            raise httpx2.ConnectError("[Errno 101] Network is unreachable", request=request)
        if item.stream is not None:
            self.streams.append(item.stream)
            return httpx2.Response(
                item.status, headers=item.headers, stream=item.stream, request=request
            )
        return httpx2.Response(
            item.status, headers=item.headers, json=item.json_body, request=request
        )

    def sent(self, index: int = -1) -> dict[str, Any]:
        """The JSON body of a recorded request."""
        return json.loads(self.requests[index].content)
