"""The streaming client against a scripted API of the real shape: events, errors, retries."""

from __future__ import annotations

import pytest

from core.errors import JobCancelledError
from core.generation.client import (
    DEFAULT_MODEL,
    ClaudeClient,
    RetryPolicy,
    parse_retry_after,
)
from core.generation.errors import (
    GenerationCancelledError,
    InvalidApiKeyError,
    NetworkError,
    NoApiKeyError,
    OverloadedError,
    RateLimitedError,
    RequestRejectedError,
    StreamInterruptedError,
)
from core.jobs import JobContext
from tests.core.generation.anthropic_fake import ScriptedStream, error_event, message_events

SYSTEM = [{"type": "text", "text": "You write.", "cache_control": {"type": "ephemeral"}}]
MESSAGES = [{"role": "user", "content": "Continue."}]


def client(fake, sleeps=None, **kw):
    return ClaudeClient(
        "sk-ant-test-key",
        transport=fake.transport(),
        sleep=(sleeps.append if sleeps is not None else None),
        **kw,
    )


def stream(c, pieces=None, ctx=None, model="claude-test"):
    sink = pieces if pieces is not None else []
    return c.stream(
        model=model, system=SYSTEM, messages=MESSAGES, max_tokens=321, on_text=sink.append, ctx=ctx
    )


def test_streams_text_in_order_and_reports_usage(fake_api):
    fake_api.queue_message(
        ["The fog", " lifted", " at dawn."], output_tokens=7, cache_read=900, cache_write=50
    )
    pieces: list[str] = []
    outcome = stream(client(fake_api), pieces)
    assert pieces == ["The fog", " lifted", " at dawn."]
    assert outcome.text == "The fog lifted at dawn."
    assert (outcome.input_tokens, outcome.output_tokens) == (1200, 7)
    assert (outcome.cache_read_tokens, outcome.cache_write_tokens) == (900, 50)
    assert outcome.stop_reason == "end_turn" and outcome.model == "claude-sonnet-5-5"
    assert outcome.attempts == 1 and outcome.first_token_ms is not None
    sent = fake_api.sent()
    assert fake_api.requests[0].url.path == "/v1/messages"
    assert sent == {
        "model": "claude-test",
        "max_tokens": 321,
        "system": SYSTEM,
        "messages": MESSAGES,
        "stream": True,
    }
    headers = fake_api.requests[0].headers
    assert "sk-ant-test-key" in (headers.get("x-api-key", "") + headers.get("authorization", ""))


def test_max_tokens_stop_reason_is_kept(fake_api):
    fake_api.queue_message(["cut"], stop_reason="max_tokens")
    assert stream(client(fake_api)).stop_reason == "max_tokens"


def test_no_key():
    with pytest.raises(NoApiKeyError, match="ANTHROPIC_API_KEY"):
        ClaudeClient(None)


def test_invalid_key_is_not_retried(fake_api):
    fake_api.queue_error(401, "authentication_error", "invalid x-api-key")
    sleeps: list[float] = []
    with pytest.raises(InvalidApiKeyError, match="401") as info:
        stream(client(fake_api, sleeps))
    assert "sk-ant-test-key" not in str(info.value)
    assert len(fake_api.requests) == 1 and sleeps == []


def test_rate_limit_honours_retry_after(fake_api):
    fake_api.queue_error(429, "rate_limit_error", "slow down", {"retry-after": "7"})
    fake_api.queue_error(429, "rate_limit_error", "slow down", {"retry-after-ms": "2500"})
    fake_api.queue_message(["ok"])
    sleeps: list[float] = []
    progress: list[str] = []
    ctx = JobContext(on_progress=lambda d, t, m: progress.append(m))
    assert stream(client(fake_api, sleeps), ctx=ctx).text == "ok"
    assert sleeps == [7.0, 2.5]
    assert len(fake_api.requests) == 3
    assert "429" in progress[0] and "retrying in 7 s" in progress[0]


def test_rate_limit_gives_up_with_a_clear_message(fake_api):
    for _ in range(4):
        fake_api.queue_error(429, "rate_limit_error", "slow down", {"retry-after": "3"})
    sleeps: list[float] = []
    with pytest.raises(RateLimitedError, match=r"rate limited .*\(429\).*wait 3 s") as info:
        stream(client(fake_api, sleeps))
    assert info.value.retry_after == 3.0 and sleeps == [3.0, 3.0, 3.0]


def test_a_retry_after_too_long_to_wait_is_reported_at_once(fake_api):
    fake_api.queue_error(429, "rate_limit_error", "slow down", {"retry-after": "3600"})
    sleeps: list[float] = []
    with pytest.raises(RateLimitedError, match="3600 s"):
        stream(client(fake_api, sleeps))
    assert sleeps == []


def test_overloaded_backs_off_exponentially_then_succeeds(fake_api):
    for _ in range(3):
        fake_api.queue_error(529, "overloaded_error", "Overloaded")
    fake_api.queue_message(["at last"])
    sleeps: list[float] = []
    outcome = stream(client(fake_api, sleeps))
    assert outcome.text == "at last" and outcome.attempts == 4
    assert sleeps == [1.0, 2.0, 4.0]


def test_overloaded_gives_up(fake_api):
    for _ in range(2):
        fake_api.queue_error(529, "overloaded_error", "Overloaded")
    with pytest.raises(OverloadedError, match="overloaded"):
        stream(client(fake_api, [], retry=RetryPolicy(max_attempts=2)))


def test_network_down(fake_api):
    fake_api.queue_connect_error()
    fake_api.queue_connect_error()
    sleeps: list[float] = []
    with pytest.raises(NetworkError, match="cannot reach the Anthropic API"):
        stream(client(fake_api, sleeps))
    assert len(fake_api.requests) == 2 and sleeps == [1.0]


def test_unknown_model_and_bad_request(fake_api):
    fake_api.queue_error(404, "not_found_error", "model: claude-nope")
    with pytest.raises(RequestRejectedError, match="model 'claude-nope' is not available"):
        stream(client(fake_api), model="claude-nope")
    fake_api.queue_error(400, "invalid_request_error", "prompt is too long: 250000 tokens")
    with pytest.raises(RequestRejectedError, match="prompt is too long"):
        stream(client(fake_api))


def test_error_event_midway_keeps_the_partial_text_and_is_not_retried(fake_api):
    events = message_events(["She climbed", " the stairs"])
    events = [*events[:5], error_event("overloaded_error", "Overloaded")]
    fake_api.queue_stream(ScriptedStream(events))
    pieces: list[str] = []
    with pytest.raises(StreamInterruptedError, match="stream broke") as info:
        stream(client(fake_api, []), pieces)
    assert info.value.partial_text == "She climbed the stairs" == "".join(pieces)
    assert len(fake_api.requests) == 1


def test_error_event_before_any_text_is_retried(fake_api):
    events = [*message_events(["x"])[:2], error_event("overloaded_error", "Overloaded")]
    fake_api.queue_stream(ScriptedStream(events))
    fake_api.queue_message(["second try"])
    sleeps: list[float] = []
    assert stream(client(fake_api, sleeps)).text == "second try"
    assert sleeps == [1.0]


def test_dropped_connection_midway(fake_api):
    events = message_events(["One.", " Two."])[:5]
    fake_api.queue_stream(ScriptedStream(events, then_raise=True))
    with pytest.raises(StreamInterruptedError) as info:
        stream(client(fake_api, []))
    assert info.value.partial_text == "One. Two."


def test_stream_that_ends_without_message_stop(fake_api):
    fake_api.queue_stream(ScriptedStream(message_events(["Half"])[:4]))
    with pytest.raises(StreamInterruptedError, match="ended early") as info:
        stream(client(fake_api, []))
    assert info.value.partial_text == "Half"


def test_cancel_closes_a_stalled_stream_at_once_and_keeps_the_text(fake_api):
    events = message_events(["First words", " never sent"])
    scripted = fake_api.queue_stream(ScriptedStream(events, stall_after=4))
    ctx = JobContext()
    pieces: list[str] = []

    def on_text(text: str) -> None:
        pieces.append(text)
        ctx.token.cancel()  # the writer presses Cancel as the first words appear

    c = client(fake_api, [])
    with pytest.raises(GenerationCancelledError) as info:
        c.stream(
            model="m", system=SYSTEM, messages=MESSAGES, max_tokens=10, on_text=on_text, ctx=ctx
        )
    # The stall only ends when the stream is closed: the cancel closed it.
    assert scripted.closed.is_set()
    assert info.value.partial_text == "First words" and pieces == ["First words"]
    assert isinstance(info.value, JobCancelledError)


def test_cancel_before_sending(fake_api):
    ctx = JobContext()
    ctx.token.cancel()
    with pytest.raises(JobCancelledError):
        stream(client(fake_api), ctx=ctx)
    assert fake_api.requests == []


def test_list_models(fake_api):
    fake_api.queue_models(
        [DEFAULT_MODEL, "claude-opus-5-5", "claude-old"], deprecated=("claude-old",)
    )
    models = client(fake_api).list_models()
    assert [m.id for m in models] == [DEFAULT_MODEL, "claude-opus-5-5", "claude-old"]
    assert [m.deprecated for m in models] == [False, False, True]
    assert fake_api.requests[0].url.path == "/v1/models"


def test_list_models_with_a_bad_key(fake_api):
    fake_api.queue_error(401, "authentication_error", "invalid x-api-key")
    with pytest.raises(InvalidApiKeyError):
        client(fake_api).list_models()


def test_default_model_is_a_current_model_of_the_sdk():
    from typing import get_args

    from anthropic.resources.messages.messages import DEPRECATED_MODELS
    from anthropic.types.model import Model

    literal_ids = get_args(get_args(Model)[0])
    assert DEFAULT_MODEL in literal_ids
    assert DEFAULT_MODEL not in DEPRECATED_MODELS


def test_parse_retry_after():
    assert parse_retry_after({"retry-after": "12"}) == 12.0
    assert parse_retry_after({"retry-after-ms": "150", "retry-after": "9"}) == 0.15
    assert parse_retry_after({}) is None
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
