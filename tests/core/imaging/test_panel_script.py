"""Panel scripts: the paragraph heuristic, and Claude's structured output through the SDK."""

from __future__ import annotations

import json

import anthropic
import httpx2 as httpx  # the anthropic SDK (2.x) speaks httpx2, the maintained httpx fork
import pytest

from core.imaging.claude_script import TOOL_NAME, api_key, claude_script
from core.imaging.panel_script import (
    MAX_LINES_PER_PANEL,
    DialogueLine,
    Panel,
    PanelScript,
    heuristic_script,
    normalised,
)

SCENE = (
    "Mara Quill had kept the light on Gannet Rock for eleven winters.\n\n"
    "“You’ll freeze out here,” said Tobias, stamping snow from his boots.\n\n"
    "“The ships don’t stop for feasts,” Mara said. She wound the clockwork.\n\n"
    "* * *\n\n"
    "That night the fog came in thick as wool."
)


def test_heuristic_makes_a_panel_per_paragraph_with_speakers() -> None:
    script = heuristic_script("The Keeper", SCENE, ["Mara Quill", "Tobias"])
    assert script.source == "heuristic"
    assert len(script.panels) == 4
    first, second, third, fourth = script.panels
    assert first.caption.startswith("Mara Quill had kept the light") and not first.dialogue
    assert [(d.speaker, d.text) for d in second.dialogue] == [("Tobias", "You’ll freeze out here")]
    assert third.dialogue[0].speaker == "Mara" and third.description == "She wound the clockwork."
    assert fourth.caption.startswith("That night")


def test_normalised_moves_extra_dialogue_to_a_continuation_panel() -> None:
    lines = [DialogueLine("A", f"line {i}") for i in range(MAX_LINES_PER_PANEL + 2)]
    script = normalised(PanelScript("t", [Panel("a crowded room", "cap", lines)]))
    assert [len(p.dialogue) for p in script.panels] == [MAX_LINES_PER_PANEL, 2]
    assert script.panels[1].caption == ""


def _client(handler) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key="test-key",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )


def _message(content: list[dict]) -> dict:
    """The shape of a Messages API reply (as recorded from the service)."""
    return {
        "id": "msg_01XgVYxVqa5yQ8rXzH9Gk2Tn",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": content,
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 612,
            "output_tokens": 287,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def test_claude_script_uses_the_forced_tool_and_its_input() -> None:
    seen: list[dict] = []
    panels = {
        "panels": [
            {
                "description": "Wide: a lighthouse in snow",
                "caption": "Eleven winters.",
                "dialogue": [],
            },
            {
                "description": "Tobias at the door",
                "caption": "",
                "dialogue": [{"speaker": "Tobias", "text": "You'll freeze out here."}],
            },
        ]
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        tool_use = {
            "type": "tool_use",
            "id": "toolu_01A09q90qw90lq917835lq9",
            "name": TOOL_NAME,
            "input": panels,
        }
        return httpx.Response(200, json=_message([tool_use]))

    script = claude_script(
        "The Keeper", SCENE, client=_client(handler), characters=["Mara", "Tobias"]
    )
    assert script.source == "claude" and not script.warnings
    assert [p.description for p in script.panels] == [
        "Wide: a lighthouse in snow",
        "Tobias at the door",
    ]
    assert script.panels[1].dialogue[0].speaker == "Tobias"
    request = seen[0]
    assert request["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    assert request["tools"][0]["input_schema"]["required"] == ["panels"]
    assert "Tobias" in request["messages"][0]["content"]


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, json=_message([{"type": "text", "text": "Here is your script!"}])),
        httpx.Response(
            200,
            json=_message(
                [{"type": "tool_use", "id": "t", "name": TOOL_NAME, "input": {"panels": "x"}}]
            ),
        ),
        httpx.Response(
            529,
            json={"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        ),
        httpx.Response(200, content=b"<html>garbage</html>"),
    ],
)
def test_claude_failures_fall_back_to_the_heuristic(response: httpx.Response) -> None:
    script = claude_script("The Keeper", SCENE, client=_client(lambda request: response))
    assert script.source == "heuristic"
    assert len(script.panels) == 4
    assert script.warnings and "split by paragraphs instead" in script.warnings[0]


def test_api_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert api_key() is None  # the test plugin clears it and uses the null keyring
    monkeypatch.setenv("ANTHROPIC_API_KEY", " sk-test ")
    assert api_key() == "sk-test"
