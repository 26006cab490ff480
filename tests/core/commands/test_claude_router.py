"""Routing through Claude's tool use: the real ``anthropic`` SDK against a local fake of the
Messages API (tool_use answers, tool_result turns), including wrong and malformed calls."""

from __future__ import annotations

from typing import Any

import pytest

from core.commands import cli_registry
from core.commands.service import resolve_request
from core.generation.client import make_sdk_client
from tests.core.commands.test_corpus import CONTEXT
from tests.core.generation.anthropic_fake import FakeAnthropic

# The offline router is not sure of this (it asks): Claude is consulted.
UNCLEAR = "do the thing for the storm part"


def tool_use(name: str, data: Any, block_id: str = "toolu_01") -> dict[str, Any]:
    return {"type": "tool_use", "id": block_id, "name": name, "input": data}


@pytest.fixture
def fake() -> FakeAnthropic:
    return FakeAnthropic()


def ask(fake: FakeAnthropic, text: str = UNCLEAR) -> Any:
    sdk = make_sdk_client("sk-ant-test", transport=fake.transport())
    try:
        return resolve_request(text, CONTEXT, cli_registry(), client=sdk, model="claude-test")
    finally:
        sdk.close()


def test_an_unclear_request_goes_to_claude_with_the_registry_as_tools(fake: FakeAnthropic) -> None:
    fake.queue_reply([tool_use("narrate", {"chapter": 3})])
    got = ask(fake)
    assert got.source == "claude" and got.command == "narrate"
    assert got.arguments["chapter"] == 3
    # What Claude left out is filled as offline: the open book and a file name.
    assert got.arguments["book"] == CONTEXT.book.id  # type: ignore[union-attr]
    assert got.arguments["output"].endswith("chapter 3.m4b")
    assert got.confidence >= 0.7 and got.question is None
    assert "Narrate chapter 3, “The Storm”" in got.preview
    sent = fake.sent()
    assert sent["model"] == "claude-test"
    assert sent["messages"] == [{"role": "user", "content": UNCLEAR}]
    tools = {t["name"]: t for t in sent["tools"]}
    assert {"export", "narrate", "search", "share", "cover", "review"} <= set(tools)
    assert "do" not in tools  # the bar never routes to itself
    export = tools["export"]
    assert export["strict"] is True
    assert export["input_schema"]["additionalProperties"] is False
    assert export["input_schema"]["properties"]["format"]["enum"][:2] == ["epub", "pdf"]
    context = " ".join(block["text"] for block in sent["system"])
    assert "3. The Storm" in context and "Orrin Vale" in context


def test_a_confident_or_refused_request_never_reaches_claude(fake: FakeAnthropic) -> None:
    assert ask(fake, "export the book as an epub").source == "offline"
    refused = ask(fake, "delete everything")
    assert refused.refused and refused.command is None
    assert fake.requests == []


def test_an_unknown_tool_gets_an_error_tool_result_and_one_more_turn(fake: FakeAnthropic) -> None:
    fake.queue_reply([tool_use("export_book", {"format": "epub"}, "toolu_bad")])
    fake.queue_reply([tool_use("export", {"format": "epub"}, "toolu_good")])
    got = ask(fake)
    assert got.command == "export" and got.arguments["format"] == "epub"
    second = fake.sent(1)["messages"]
    assert second[1]["role"] == "assistant"
    assert second[1]["content"][0]["name"] == "export_book"
    result = second[2]["content"][0]
    assert result["type"] == "tool_result" and result["tool_use_id"] == "toolu_bad"
    assert result["is_error"] is True and "no tool 'export_book'" in result["content"]


def test_malformed_input_twice_asks_the_writer_instead_of_guessing(fake: FakeAnthropic) -> None:
    fake.queue_reply([tool_use("narrate", {"chapter": "the stormy one", "voice": "deep"})])
    fake.queue_reply([tool_use("narrate", "chapter 3")])
    got = ask(fake)
    assert got.command is None and got.question
    first_error = fake.sent(1)["messages"][2]["content"][0]["content"]
    assert "chapter must be integer" in first_error and "no argument 'voice'" in first_error
    assert len(fake.requests) == 2  # no third turn


def test_a_value_outside_the_schema_is_refused_too(fake: FakeAnthropic) -> None:
    fake.queue_reply([tool_use("export", {"format": "mobi"})])
    fake.queue_reply([tool_use("export", {"format": "epub", "trim": "6x9"})])
    got = ask(fake)
    assert got.arguments["format"] == "epub" and got.arguments["trim"] == "6x9"
    assert "format must be one of epub, pdf" in fake.sent(1)["messages"][2]["content"][0]["content"]


def test_claude_answering_in_words_is_a_question(fake: FakeAnthropic) -> None:
    fake.queue_reply([{"type": "text", "text": "Do you want chapter 3 narrated, or a trailer?"}])
    got = ask(fake)
    assert got.command is None
    assert got.question == "Do you want chapter 3 narrated, or a trailer?"
    assert got.source == "claude"


@pytest.mark.parametrize(
    ("status", "kind", "said"),
    [
        (401, "authentication_error", "401"),
        (429, "rate_limit_error", "429"),
        (529, "overloaded_error", "529"),
    ],
)
def test_api_errors_keep_the_offline_answer_and_say_why(
    fake: FakeAnthropic, status: int, kind: str, said: str
) -> None:
    fake.queue_error(status, kind, "nope")
    got = ask(fake)
    assert got.source == "offline" and got.question  # the offline router's question stands
    assert got.note and said in got.note
    assert len(fake.requests) == 1  # routing does not retry: the writer is waiting


def test_network_down_keeps_the_offline_answer(fake: FakeAnthropic) -> None:
    fake.queue_connect_error()
    got = ask(fake)
    assert got.source == "offline" and got.note and "cannot reach" in got.note
